//! What a rule, the fallthrough or a schedule step serves: a variation, a rollout whose weights
//! sum to exactly 100 (in integer thousandths, never in floating point), a ramp, or imported
//! JsonLogic.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Number;

use super::{Loc, Scope};
use crate::checked::{JsonLogicServe, Rollout, ServePlan, VariationId};
use crate::diag::Code;
use crate::flagd::Logic;
use crate::instant;
use crate::model::Serve;

/// A serve as checked; a ramp still needs the variation served before its step.
pub(crate) enum Draft {
    Plan(ServePlan),
    Ramp(RampDraft),
}

pub(crate) struct RampDraft {
    pub variation: VariationId,
    pub bucket_by: String,
    pub from: i64,
    pub to: i64,
    pub from_weight: u32,
    pub to_weight: u32,
}

/// The flag-level facts a serve is checked against.
pub(crate) struct Variations<'a> {
    pub flag_key: &'a str,
    pub ids: &'a HashMap<String, VariationId>,
}

impl Variations<'_> {
    fn resolve(
        &self,
        scope: &mut Scope<'_>,
        loc: &Loc<'_>,
        who: &str,
        key: &str,
    ) -> Option<VariationId> {
        if let Some(id) = self.ids.get(key) {
            return Some(*id);
        }
        let mut known: Vec<&str> = self.ids.keys().map(String::as_str).collect();
        known.sort_unstable();
        scope.error(
            Code::UnknownVariation,
            loc.file,
            loc.pointer(),
            format!(
                "{who} serves '{key}', which is not a variation of '{}' (its variations: {}).",
                self.flag_key,
                known.join(", ")
            ),
        );
        None
    }
}

/// Checks a serve. `step_at` is the instant of the schedule step it belongs to (ramps are only
/// allowed there).
pub(crate) fn check(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    serve: &Serve,
    vars: &Variations<'_>,
    who: &str,
    step_at: Option<i64>,
) -> Option<Draft> {
    let kinds = [
        serve.variation.is_some(),
        serve.rollout.is_some(),
        serve.ramp.is_some(),
        serve.json_logic.is_some(),
    ];
    let count = kinds.iter().filter(|k| **k).count();
    if count != 1 {
        let problem = if count == 0 {
            "says nothing to serve"
        } else {
            "gives several things to serve"
        };
        scope.error(
            Code::InvalidServe,
            loc.file,
            loc.pointer(),
            format!("{who} {problem}: give exactly one of a variation, a rollout or a ramp."),
        );
        return None;
    }
    let bucket_by = check_bucket_by(scope, loc, serve, who)?;
    if let Some(key) = &serve.variation {
        return vars
            .resolve(scope, &loc.at("variation"), who, key)
            .map(|v| Draft::Plan(ServePlan::Variation(v)));
    }
    if let Some(entries) = &serve.rollout {
        return rollout(scope, &loc.at("rollout"), entries, vars, who, bucket_by)
            .map(|r| Draft::Plan(ServePlan::Rollout(r)));
    }
    if let Some(logic) = &serve.json_logic {
        return match Logic::compile(logic) {
            Ok(compiled) => Some(Draft::Plan(ServePlan::JsonLogic(JsonLogicServe {
                source: logic.clone(),
                logic: Arc::new(compiled),
            }))),
            Err(why) => {
                scope.error(
                    Code::InvalidServe,
                    loc.file,
                    loc.at("jsonLogic").pointer(),
                    format!("{who} has JsonLogic that flagd cannot run: {why}"),
                );
                None
            }
        };
    }
    let ramp = serve.ramp.as_ref()?;
    let loc = loc.at("ramp");
    let Some(at) = step_at else {
        scope.error(
            Code::InvalidRamp,
            loc.file,
            loc.pointer(),
            format!("{who} uses a ramp, but a ramp only makes sense in a schedule step (it starts at the step's time)."),
        );
        return None;
    };
    let variation = vars.resolve(scope, &loc.at("variation"), who, &ramp.variation);
    let from = instant_field(scope, &loc.at("from"), &ramp.from, who);
    let to = instant_field(scope, &loc.at("to"), &ramp.to, who);
    let from_weight = weight(scope, &loc.at("fromWeight"), &ramp.from_weight, who);
    let to_weight = weight(scope, &loc.at("toWeight"), &ramp.to_weight, who);
    let (variation, from, to, from_weight, to_weight) =
        (variation?, from?, to?, from_weight?, to_weight?);
    if from != at {
        scope.error(
            Code::InvalidRamp,
            loc.file,
            loc.at("from").pointer(),
            format!(
                "{who}: the ramp must start when its step starts ({}), not at {}.",
                show(at),
                ramp.from
            ),
        );
        return None;
    }
    let min_seconds = i64::from(from_weight.abs_diff(to_weight)).div_euclid(1000)
        + i64::from(from_weight.abs_diff(to_weight) % 1000 != 0);
    if to - from < min_seconds.max(1) {
        scope.error(
            Code::InvalidRamp,
            loc.file,
            loc.at("to").pointer(),
            format!("{who}: the ramp must end after it starts, and last at least one second per percentage point it moves."),
        );
        return None;
    }
    Some(Draft::Ramp(RampDraft {
        variation,
        bucket_by,
        from,
        to,
        from_weight,
        to_weight,
    }))
}

fn check_bucket_by(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    serve: &Serve,
    who: &str,
) -> Option<String> {
    let Some(attr) = &serve.bucket_by else {
        return Some(scope.default_bucket_by.clone());
    };
    if serve.rollout.is_none() && serve.ramp.is_none() {
        scope.error(
            Code::InvalidBucketBy,
            loc.file,
            loc.at("bucketBy").pointer(),
            format!("{who} sets bucketBy, which only applies to a rollout or a ramp."),
        );
        return None;
    }
    if !scope.is_string_attribute(attr) {
        scope.error(
            Code::InvalidBucketBy,
            loc.file,
            loc.at("bucketBy").pointer(),
            format!("{who} buckets by '{attr}', which is not a declared string attribute; rollouts can only bucket by a string."),
        );
        return None;
    }
    Some(attr.clone())
}

fn rollout(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    entries: &[crate::model::WeightedVariation],
    vars: &Variations<'_>,
    who: &str,
    bucket_by: String,
) -> Option<Rollout> {
    if entries.is_empty() {
        scope.error(
            Code::InvalidServe,
            loc.file,
            loc.pointer(),
            format!("{who} has a rollout with no variations."),
        );
        return None;
    }
    let mut buckets = Vec::with_capacity(entries.len());
    let mut ok = true;
    for (i, entry) in entries.iter().enumerate() {
        let eloc = loc.at(i);
        let variation = vars.resolve(scope, &eloc.at("variation"), who, &entry.variation);
        let w = weight(scope, &eloc.at("weight"), &entry.weight, who);
        if let Some(v) = variation
            && buckets.iter().any(|(b, _)| *b == v)
        {
            scope.error(
                Code::DuplicateKey,
                eloc.file,
                eloc.at("variation").pointer(),
                format!("{who} lists '{}' twice in one rollout.", entry.variation),
            );
            ok = false;
        }
        match (variation, w) {
            (Some(v), Some(w)) => buckets.push((v, w)),
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let total: u64 = buckets.iter().map(|(_, w)| u64::from(*w)).sum();
    if total != 100_000 {
        scope.error(
            Code::WeightsDoNotSum,
            loc.file,
            loc.pointer(),
            format!(
                "{who} has rollout weights that add up to {}%, not 100%.",
                show_thousandths(total)
            ),
        );
        return None;
    }
    Some(Rollout { buckets, bucket_by })
}

/// A percentage as integer thousandths, refusing more than three decimals, negatives and more
/// than 100. The decimal text comes from the shortest representation that reads back as the same
/// double, so `12.345` is 12345 exactly and `33.3333` is refused.
pub(crate) fn thousandths(n: &Number) -> Result<u32, &'static str> {
    let text = if let Some(u) = n.as_u64() {
        u.to_string()
    } else if n.as_i64().is_some() {
        return Err("is negative");
    } else {
        let f = n.as_f64().ok_or("is not a number")?;
        if f < 0.0 {
            return Err("is negative");
        }
        format!("{f}")
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 3 {
        return Err("has more than three decimals");
    }
    if whole.len() > 3 {
        return Err("is more than 100%");
    }
    let whole: u32 = whole.parse().map_err(|_| "is not a number")?;
    let mut frac: u32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| "is not a number")?
    };
    for _ in fraction.len()..3 {
        frac *= 10;
    }
    let value = whole * 1000 + frac;
    if value > 100_000 {
        return Err("is more than 100%");
    }
    Ok(value)
}

fn weight(scope: &mut Scope<'_>, loc: &Loc<'_>, n: &Number, who: &str) -> Option<u32> {
    match thousandths(n) {
        Ok(w) => Some(w),
        Err(why) => {
            scope.error(
                Code::InvalidWeight,
                loc.file,
                loc.pointer(),
                format!("{who} has a weight of {n}, which {why}; a weight is a percentage from 0 to 100 with at most three decimals."),
            );
            None
        }
    }
}

/// An instant of a schedule: RFC 3339, UTC, whole seconds.
pub(crate) fn instant_field(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    text: &str,
    who: &str,
) -> Option<i64> {
    let Some(parsed) = instant::parse_rfc3339(text) else {
        scope.error(
            Code::InvalidDatetime,
            loc.file,
            loc.pointer(),
            format!("{who}: '{text}' is not a date and time like 2026-12-01T09:00:00Z."),
        );
        return None;
    };
    if !parsed.utc || parsed.nanos != 0 {
        scope.error(
            Code::InvalidDatetime,
            loc.file,
            loc.pointer(),
            format!(
                "{who}: '{text}' must be in UTC with whole seconds, like 2026-12-01T09:00:00Z."
            ),
        );
        return None;
    }
    Some(parsed.seconds)
}

/// Unix seconds as RFC 3339, for messages.
pub(crate) fn show(seconds: i64) -> String {
    instant::format_rfc3339(seconds).unwrap_or_else(|| seconds.to_string())
}

fn show_thousandths(t: u64) -> String {
    let text = format!("{}.{:03}", t / 1000, t % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn weights_are_exact_thousandths() {
        assert_eq!(thousandths(&n("20")), Ok(20_000));
        assert_eq!(thousandths(&n("12.345")), Ok(12_345));
        assert_eq!(thousandths(&n("33.3")), Ok(33_300));
        assert_eq!(thousandths(&n("0.001")), Ok(1));
        assert_eq!(thousandths(&n("100")), Ok(100_000));
        assert_eq!(thousandths(&n("100.0")), Ok(100_000));
        assert_eq!(thousandths(&n("0")), Ok(0));
        assert!(thousandths(&n("33.3333")).is_err());
        assert!(thousandths(&n("-1")).is_err());
        assert!(thousandths(&n("-0.5")).is_err());
        assert!(thousandths(&n("100.001")).is_err());
        assert!(thousandths(&n("1e300")).is_err());
        assert!(thousandths(&n("0.0001")).is_err());
    }

    #[test]
    fn thirds_sum_exactly() {
        let sum: u32 = ["33.333", "33.333", "33.334"]
            .iter()
            .map(|t| thousandths(&n(t)).unwrap())
            .sum();
        assert_eq!(sum, 100_000);
    }
}
