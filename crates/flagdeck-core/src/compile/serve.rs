//! What a rule or the fallthrough serves, as the value of an `if` branch: a variation key, a
//! guarded `fractional`, or a ramp of `fractional`s over `$flagd.timestamp`.

use serde_json::{Value, json};

use super::guards;
use super::logic::{if_chain, op, timestamp, var};
use crate::checked::{Flag, RampPlan, Rollout, ServePlan, VariationId};

/// The instants a phase is in force: `[start, end)`, `end` `None` for the last phase.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: i64,
    pub end: Option<i64>,
}

/// The value a serve gives. `off` is what a context that cannot be bucketed gets (the off
/// variation's key, or `null` for the code default): a rollout serves it and does not fall
/// through to later rules (DESIGN §4). Verbatim JsonLogic is returned as is; a rule that serves
/// it is assembled by the caller, because its `null` means "go on".
pub fn value(flag: &Flag, plan: &ServePlan, off: &Value, window: Window) -> Value {
    match plan {
        ServePlan::Variation(v) => variation_key(flag, *v),
        ServePlan::Rollout(rollout) => {
            guarded(&rollout.bucket_by, rollout_value(flag, rollout), off)
        }
        ServePlan::Ramp(plan) => guarded(&plan.bucket_by, ramp(flag, plan, window), off),
        ServePlan::JsonLogic(logic) => logic.source.clone(),
    }
}

/// A variation's key as a targeting result.
pub fn variation_key(flag: &Flag, id: VariationId) -> Value {
    // Validation resolves every variation; an unknown one serves the code default.
    flag.variations
        .get(id)
        .map_or(Value::Null, |v| Value::String(v.key.clone()))
}

/// The values of `steps` (ascending starts; the first is in force from the beginning) as an `if`
/// chain over `$flagd.timestamp`, newest first. Consecutive equal values are merged: timestamp
/// conditions never throw, so dropping one changes nothing else.
pub fn by_timestamp(steps: Vec<(i64, Value)>) -> Value {
    let mut merged: Vec<(i64, Value)> = Vec::with_capacity(steps.len());
    for (start, value) in steps {
        if merged.last().is_none_or(|(_, last)| *last != value) {
            merged.push((start, value));
        }
    }
    let mut newest_first = merged.into_iter().rev();
    let Some(mut base) = newest_first.next() else {
        return Value::Null;
    };
    let mut pairs = Vec::new();
    for older in newest_first {
        pairs.push((op(">=", json!([timestamp(), base.0])), base.1));
        base = older;
    }
    if_chain(pairs, base.1)
}

/// `value` when the bucketing attribute is a string, else `off`: flagd would bucket `null` as
/// the text "null" (FLAGD-NOTES §2.5).
fn guarded(bucket_by: &str, value: Value, off: &Value) -> Value {
    if_chain(vec![(guards::string(&var(bucket_by)), value)], off.clone())
}

fn rollout_value(flag: &Flag, rollout: &Rollout) -> Value {
    fractional(flag, rollout.buckets.clone(), &rollout.bucket_by)
}

/// flagd's `fractional` over `flagKey + value`, weights in integer thousandths of a percent.
fn fractional(flag: &Flag, buckets: Vec<(VariationId, u32)>, bucket_by: &str) -> Value {
    let mut args = vec![op("cat", json!([var("$flagd.flagKey"), var(bucket_by)]))];
    args.extend(
        buckets
            .into_iter()
            .map(|(v, weight)| json!([variation_key(flag, v), weight])),
    );
    op("fractional", Value::Array(args))
}

/// A ramp inside its phase's window: the step in force when the window opens, then every later
/// step that starts before the window closes.
fn ramp(flag: &Flag, plan: &RampPlan, window: Window) -> Value {
    let at = |t: i64| fractional(flag, ramp_buckets(plan, t).to_vec(), &plan.bucket_by);
    let mut steps = vec![(window.start, at(window.start))];
    for &(start, _) in &plan.points {
        if start > window.start && window.end.is_none_or(|end| start < end) {
            steps.push((start, at(start)));
        }
    }
    by_timestamp(steps)
}

/// [`RampPlan::buckets_at`] without its assumption that there are points.
fn ramp_buckets(plan: &RampPlan, t: i64) -> [(VariationId, u32); 2] {
    let i = plan.points.partition_point(|(start, _)| *start <= t);
    let weight = plan
        .points
        .get(i.saturating_sub(1))
        .map_or(0, |(_, w)| (*w).min(100_000));
    [(plan.variation, weight), (plan.rest, 100_000 - weight)]
}
