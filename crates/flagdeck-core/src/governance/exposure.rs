//! Emergency changes: does a change only reduce exposure?
//!
//! "Exposure" is how much traffic gets something other than the environment's `offVariation`.
//! A change reduces exposure when every entity it changes is an existing flag whose definition
//! stays the same, whose set of configured environments stays the same, and where each changed
//! environment changes only in these ways (each field equal or changed as allowed):
//! - `enabled` goes from `true` to `false` (the kill switch);
//! - schedule steps are removed (stopping or pausing a schedule), the kept ones unchanged and in
//!   order, and no removed step lowers exposure itself (turns the flag off or gives the off
//!   variation more weight than the state before it), since removing such a step would raise it;
//! - the fallthrough's or a rule's serve gives nobody a variation other than the off one that it
//!   did not give them before: each other variation's rollout buckets shrink in place, with the
//!   same `bucketBy` (lowering a rollout, serving off). Reordering a rollout or changing its
//!   bucketing moves people between variations, so it is not an emergency change.
//!
//! Everything else is not an emergency: creating or deleting a flag, new or edited rules,
//! targets, segments (their membership moves people in every environment), the project,
//! `policy.json`, `people/`. Weights are compared in integer thousandths of a percent.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use super::model::ChangeRequest;
use super::touched::{EntityKind, classify};
use crate::model::{FlagEnvironment, FlagFile, ScheduleStep, Serve};

/// `Ok` when every entity change only reduces exposure; otherwise one sentence per reason.
pub fn reduces_exposure(change: &ChangeRequest) -> Result<(), Vec<String>> {
    let mut reasons = Vec::new();
    if change.entities.is_empty() {
        reasons.push("The change request changes nothing.".to_owned());
    }
    for entity in &change.entities {
        let path = entity.path.as_str();
        let key = match classify(path) {
            EntityKind::Flag(key) => key,
            EntityKind::Segment(_) => {
                reasons.push(format!(
                    "{path}: a segment change moves people in every environment, so it is not an emergency change."
                ));
                continue;
            }
            EntityKind::Project => {
                reasons.push(format!(
                    "{path}: a project change is not an emergency change."
                ));
                continue;
            }
            EntityKind::Policy | EntityKind::Person(_) | EntityKind::Other => {
                reasons.push(format!(
                    "{path}: a governance change is never an emergency change."
                ));
                continue;
            }
        };
        let (Some(before), Some(after)) = (&entity.before, &entity.after) else {
            reasons.push(format!(
                "Flag '{key}': creating or deleting a flag is not an emergency change."
            ));
            continue;
        };
        match (decode(before), decode(after)) {
            (Some(b), Some(a)) => flag_reasons(key, &b, &a, &mut reasons),
            _ => reasons.push(format!(
                "Flag '{key}': one side is not a valid flag, so the change cannot be shown to reduce exposure."
            )),
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

fn decode(value: &Value) -> Option<FlagFile> {
    serde_json::from_value(value.clone()).ok()
}

fn flag_reasons(key: &str, before: &FlagFile, after: &FlagFile, reasons: &mut Vec<String>) {
    let mut b = before.clone();
    let mut a = after.clone();
    b.environments.clear();
    a.environments.clear();
    if a != b {
        reasons.push(format!(
            "Flag '{key}': its definition changes (not only environments), which is not an emergency change."
        ));
        return;
    }
    let mut env_keys: Vec<&String> = before.environments.keys().collect();
    env_keys.extend(
        after
            .environments
            .keys()
            .filter(|k| !before.environments.contains_key(*k)),
    );
    for env in env_keys {
        match (before.environments.get(env), after.environments.get(env)) {
            (Some(b), Some(a)) if a == b => {}
            (Some(b), Some(a)) => env_reasons(key, env, b, a, reasons),
            _ => reasons.push(format!(
                "Flag '{key}' in {env}: adding or removing an environment's configuration is not an emergency change."
            )),
        }
    }
}

fn env_reasons(
    key: &str,
    env: &str,
    before: &FlagEnvironment,
    after: &FlagEnvironment,
    reasons: &mut Vec<String>,
) {
    let mut say = |what: &str| reasons.push(format!("Flag '{key}' in {env}: {what}."));
    let off = before.off_variation.as_deref();
    if before.enabled != after.enabled && after.enabled {
        say("turning the flag on raises exposure");
    }
    if before.off_variation != after.off_variation {
        say("changing the off variation is not an emergency change");
    }
    if before.targets != after.targets {
        say("changing individual targets is not an emergency change");
    }
    if !lowers_or_keeps(off, &before.fallthrough, &after.fallthrough) {
        say("the new fallthrough does not only lower exposure");
    }
    let same_rules = before.rules.len() == after.rules.len()
        && before.rules.iter().zip(&after.rules).all(|(b, a)| {
            b.id == a.id && b.name == a.name && b.description == a.description && b.when == a.when
        });
    if !same_rules {
        say("adding, removing or editing rules is not an emergency change");
    } else {
        for (b, a) in before.rules.iter().zip(&after.rules) {
            if !lowers_or_keeps(off, &b.serve, &a.serve) {
                say(&format!(
                    "the new serve of rule '{}' does not only lower exposure",
                    b.id
                ));
            }
        }
    }
    if before.schedule != after.schedule
        && let Err(why) = schedule_only_stops(before, &after.schedule)
    {
        say(&why);
    }
}

/// Each variation's buckets in a serve: half-open ranges in thousandths of a percent, in rollout
/// order (a single variation owns them all). `None` for a ramp or JsonLogic, which cannot be
/// compared.
fn buckets(serve: &Serve) -> Option<Vec<(&str, i64, i64)>> {
    if serve.ramp.is_some() || serve.json_logic.is_some() {
        return None;
    }
    match (&serve.variation, &serve.rollout) {
        (Some(v), None) => Some(vec![(v.as_str(), 0, 100_000)]),
        (None, Some(rollout)) => {
            let mut start = 0;
            let mut ranges = Vec::new();
            for w in rollout {
                let end = start + thousandths(&w.weight)?;
                ranges.push((w.variation.as_str(), start, end));
                start = end;
            }
            Some(ranges)
        }
        _ => None,
    }
}

/// A weight in thousandths of a percent (validation guarantees at most three decimals).
pub(crate) fn thousandths(n: &Number) -> Option<i64> {
    if let Some(u) = n.as_u64() {
        return i64::try_from(u)
            .ok()?
            .checked_mul(1000)
            .filter(|t| *t <= 100_000);
    }
    let f = n.as_f64()?;
    // In range, so the cast is exact after rounding.
    (0.0..=100.0)
        .contains(&f)
        .then(|| (f * 1000.0).round() as i64)
}

/// Whether `after` gives nobody a variation other than `off` that `before` did not already give
/// them: every non-off variation's buckets after lie within its buckets before, with the same
/// bucketing attribute. Lowering a rollout in place qualifies; reordering it or changing its
/// `bucketBy` moves people between variations and does not. Without an off variation nothing but
/// an unchanged serve qualifies.
fn lowers_or_keeps(off: Option<&str>, before: &Serve, after: &Serve) -> bool {
    if before == after {
        return true;
    }
    let (Some(off), Some(b), Some(a)) = (off, buckets(before), buckets(after)) else {
        return false;
    };
    if before.rollout.is_some() && after.rollout.is_some() && before.bucket_by != after.bucket_by {
        return false;
    }
    a.iter()
        .filter(|(v, start, end)| *v != off && end > start)
        .all(|(v, start, end)| b.iter().any(|(w, s, e)| w == v && s <= start && end <= e))
}

/// A ramp step whose removal leaves the single variation served before it, when that is the
/// off variation (the ramp only moved traffic away from off) or the ramp's own variation.
fn ramp_away_from(off: Option<&str>, prev: &Serve, next: &Serve) -> bool {
    let (Some(ramp), Some(previous)) = (&next.ramp, &prev.variation) else {
        return false;
    };
    prev.rollout.is_none()
        && prev.ramp.is_none()
        && prev.json_logic.is_none()
        && (Some(previous.as_str()) == off || *previous == ramp.variation)
}

/// The schedule after is the one before with some steps removed, none of which lowered
/// exposure when it came.
fn schedule_only_stops(before: &FlagEnvironment, after: &[ScheduleStep]) -> Result<(), String> {
    let off = before.off_variation.as_deref();
    // The state just before each step: enabled, fallthrough, and each rule's serve.
    let mut enabled = before.enabled;
    let mut fallthrough = before.fallthrough.clone();
    let mut rules: BTreeMap<String, Serve> = before
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.serve.clone()))
        .collect();
    let mut kept = after.iter().peekable();
    for step in &before.schedule {
        if kept.peek().is_some_and(|k| *k == step) {
            kept.next();
        } else {
            if step.enabled == Some(false) && enabled {
                return Err(format!(
                    "removing the step at {} would keep the flag on when it was due to be turned off",
                    step.at
                ));
            }
            let raises = |prev: &Serve, next: &Serve| {
                lowers_or_keeps(off, next, prev) || ramp_away_from(off, prev, next)
            };
            let fallthrough_ok = step
                .fallthrough
                .as_ref()
                .is_none_or(|s| raises(&fallthrough, s));
            let rules_ok = step
                .rules
                .iter()
                .all(|(id, o)| rules.get(id).is_some_and(|prev| raises(prev, &o.serve)));
            if !fallthrough_ok || !rules_ok {
                return Err(format!(
                    "removing the step at {} does not only lower exposure",
                    step.at
                ));
            }
        }
        if let Some(e) = step.enabled {
            enabled = e;
        }
        if let Some(s) = &step.fallthrough {
            fallthrough = s.clone();
        }
        for (id, o) in &step.rules {
            rules.insert(id.clone(), o.serve.clone());
        }
    }
    if kept.next().is_some() {
        return Err("the schedule gains or changes steps, which is not an emergency change".into());
    }
    Ok(())
}
