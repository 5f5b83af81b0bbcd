//! A validated project, resolved for evaluation and compilation.
//!
//! [`crate::validate::check`] builds it only when a project has no errors, so everything here is
//! known to be consistent: references are indices, weights are integer thousandths of a percent,
//! instants are Unix seconds, semver literals are parsed, and each flag environment's schedule is
//! already unfolded into a timeline of [`Phase`]s. The native evaluator and the compiler both read
//! the timeline (and [`RampPlan::points`]), so they cannot disagree on when anything changes.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::{AttributeType, FlagType};
use crate::semver::Version;

pub type EnvId = usize;
pub type FlagId = usize;
pub type SegmentId = usize;
pub type VariationId = usize;

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub environments: Vec<Environment>,
    pub attributes: Vec<Attribute>,
    pub segments: Vec<Segment>,
    pub flags: Vec<Flag>,
    pub(crate) env_index: HashMap<String, EnvId>,
    pub(crate) flag_index: HashMap<String, FlagId>,
    pub(crate) segment_index: HashMap<String, SegmentId>,
}

impl Project {
    pub fn env_id(&self, key: &str) -> Option<EnvId> {
        self.env_index.get(key).copied()
    }

    pub fn flag_id(&self, key: &str) -> Option<FlagId> {
        self.flag_index.get(key).copied()
    }

    pub fn segment_id(&self, key: &str) -> Option<SegmentId> {
        self.segment_index.get(key).copied()
    }

    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub key: String,
    pub kind: AttributeType,
}

#[derive(Debug, Clone)]
pub struct Flag {
    pub key: String,
    pub name: String,
    pub kind: FlagType,
    pub variations: Vec<FlagVariation>,
    /// Indexed by [`EnvId`]; `None` where the flag does not configure the environment (disabled,
    /// no off variation: the application's code default).
    pub envs: Vec<Option<FlagEnv>>,
}

#[derive(Debug, Clone)]
pub struct FlagVariation {
    pub key: String,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct FlagEnv {
    /// Served while disabled, and when a rollout cannot bucket the context. `None`: code default.
    pub off_variation: Option<VariationId>,
    /// Individual targets in file order; no key appears twice (validation).
    pub targets: Vec<Target>,
    /// Every targeted key and its variation, for lookups.
    pub target_lookup: HashMap<String, VariationId>,
    pub rules: Vec<Rule>,
    /// The configuration in force over time. `timeline[0].start == i64::MIN` (the base
    /// configuration); each further phase begins at a schedule step. Sorted by `start`.
    pub timeline: Vec<Phase>,
}

impl FlagEnv {
    /// The phase in force at `t` (Unix seconds): the last one with `start <= t`.
    pub fn phase_at(&self, t: i64) -> &Phase {
        let i = self.timeline.partition_point(|p| p.start <= t);
        // partition_point is at least 1 because timeline[0].start is i64::MIN.
        &self.timeline[i.saturating_sub(1)]
    }
}

#[derive(Debug, Clone)]
pub struct Target {
    pub variation: VariationId,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    /// The rule's name, or its id when it has none.
    pub name: String,
    /// `None`: always matches.
    pub when: Option<Cond>,
}

#[derive(Debug, Clone)]
pub struct Phase {
    /// Inclusive start, Unix seconds; `i64::MIN` for the base configuration.
    pub start: i64,
    /// Index into the file's `schedule` of the step that began this phase.
    pub step: Option<usize>,
    pub enabled: bool,
    pub fallthrough: ServePlan,
    /// One per rule, in rule order.
    pub rule_serves: Vec<ServePlan>,
}

#[derive(Debug, Clone)]
pub enum ServePlan {
    Variation(VariationId),
    Rollout(Rollout),
    Ramp(RampPlan),
    /// flagd targeting kept verbatim (from `flagdeck import flagd`): it returns a variation key,
    /// or `null` for "no match, go on". Its result is turned into a key the way flagd-core does
    /// (`toString()`), and a key that is not a variation is an error (GENERAL), as in flagd.
    JsonLogic(JsonLogicServe),
}

#[derive(Debug, Clone)]
pub struct JsonLogicServe {
    /// The JsonLogic exactly as in the file (the compiler emits it verbatim).
    pub source: Value,
    /// The same, prepared for the flagd evaluator.
    pub logic: std::sync::Arc<crate::flagd::Logic>,
}

#[derive(Debug, Clone)]
pub struct Rollout {
    /// In the order of the file; weights in thousandths of a percent, summing to 100,000.
    pub buckets: Vec<(VariationId, u32)>,
    /// The attribute whose (string) value is bucketed.
    pub bucket_by: String,
}

#[derive(Debug, Clone)]
pub struct RampPlan {
    /// The variation whose share moves.
    pub variation: VariationId,
    /// The variation served just before the ramp's step; it keeps the rest of the traffic.
    pub rest: VariationId,
    pub bucket_by: String,
    pub from: i64,
    pub to: i64,
    /// `(start, weight of variation in thousandths)`, strictly increasing starts, the first at
    /// `from`, the last at `to` with the final weight. See [`ramp_points`].
    pub points: Vec<(i64, u32)>,
}

impl RampPlan {
    /// The weight of `variation` at `t` (`t >= from`), in thousandths of a percent.
    pub fn weight_at(&self, t: i64) -> u32 {
        let i = self.points.partition_point(|(start, _)| *start <= t);
        self.points[i.saturating_sub(1)].1
    }

    /// The ramp as a rollout at `t`: `variation` first, so that raising its weight only moves
    /// users into it.
    pub fn buckets_at(&self, t: i64) -> [(VariationId, u32); 2] {
        let w = self.weight_at(t);
        [(self.variation, w), (self.rest, 100_000 - w)]
    }
}

/// The steps of a linear ramp from `w0` to `w1` (thousandths of a percent) over `[from, to]`.
///
/// DESIGN §3: steps of at most one percentage point, none more than an hour behind the straight
/// line. With `n = max(ceil(|w1 - w0| / 1000), ceil((to - from) / 3599), 1)` equal steps, step `i`
/// starts at `from + ceil((to - from) * i / n)` with weight `w0 + (w1 - w0) * i / n` rounded
/// towards `w1`.
/// Consecutive weights differ by at most 1000; the line reaches each weight at most one second
/// before the step starts, and is at most `(to - from) / n + 1 <= 3600` seconds ahead of it.
/// Validation requires `to - from >= ceil(|w1 - w0| / 1000)` so that starts are distinct.
pub fn ramp_points(from: i64, to: i64, w0: u32, w1: u32) -> Vec<(i64, u32)> {
    let duration = i128::from(to) - i128::from(from);
    let delta = i128::from(w1) - i128::from(w0);
    let by_weight = (delta.abs() + 999) / 1000;
    let by_time = (duration + 3598) / 3599;
    let n = by_weight.max(by_time).max(1);
    let mut points: Vec<(i64, u32)> = Vec::with_capacity(n as usize + 1);
    for i in 0..=n {
        let start = i128::from(from) + (duration * i + n - 1).div_euclid(n);
        // w0 + delta * i / n rounded towards w1, so that rounding never puts a step behind the line
        let moved = (delta.abs() * i + n - 1) / n;
        let weight = i128::from(w0) + delta.signum() * moved;
        let start = i64::try_from(start).unwrap_or(i64::MAX);
        let weight = u32::try_from(weight.clamp(0, 100_000)).unwrap_or(0);
        match points.last_mut() {
            Some(last) if last.0 == start => last.1 = weight,
            _ => points.push((start, weight)),
        }
    }
    points
}

/// A condition, with operands already typed and parsed.
#[derive(Debug, Clone)]
pub enum Cond {
    Leaf(Leaf),
    Segment(SegmentId),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone)]
pub struct Leaf {
    pub attribute: String,
    pub kind: AttributeType,
    pub op: Op,
}

/// An operator with its operands. Which variants occur for which attribute type is fixed by
/// DESIGN §3; datetime operands are Unix seconds (fractions allowed).
#[derive(Debug, Clone)]
pub enum Op {
    Exists,
    NotExists,
    // string
    StrEquals(String),
    StrNotEquals(String),
    StrIn(Vec<String>),
    StrNotIn(Vec<String>),
    Contains(String),
    NotContains(String),
    StartsWith(String),
    EndsWith(String),
    // number
    NumEquals(f64),
    NumNotEquals(f64),
    NumIn(Vec<f64>),
    NumNotIn(Vec<f64>),
    Lt(f64),
    Lte(f64),
    Gt(f64),
    Gte(f64),
    // boolean
    IsTrue,
    IsFalse,
    // semver
    Semver(SemverOp, Version),
    // datetime
    Before(f64),
    After(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SemverOp {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    /// Same major and `>=`.
    Caret,
    /// Same major.minor and `>=`.
    Tilde,
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub key: String,
    pub name: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `None`: the segment is exactly its `include` list.
    pub when: Option<Cond>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_week_long_ramp_moves_one_point_at_a_time() {
        let from = 1_764_579_600; // 2025-12-01T09:00:00Z
        let to = from + 7 * 86_400;
        let points = ramp_points(from, to, 0, 100_000);
        assert_eq!(points.first(), Some(&(from, 0)));
        assert_eq!(points.last(), Some(&(to, 100_000)));
        // 168 hours need at least 169 steps to stay within an hour of the line.
        assert!(points.len() > 168, "{} steps", points.len());
    }

    proptest! {
        #[test]
        fn ramp_points_keep_the_design_promises(
            from in -1_000_000_000i64..4_000_000_000,
            duration in 1i64..40_000_000,
            w0 in 0u32..=100_000,
            w1 in 0u32..=100_000,
        ) {
            let to = from + duration;
            let min_duration = (i64::from(w0.abs_diff(w1)) + 999) / 1000;
            prop_assume!(duration >= min_duration);
            let points = ramp_points(from, to, w0, w1);
            prop_assert_eq!(points[0], (from, w0));
            prop_assert_eq!(*points.last().unwrap(), (to, w1));
            for pair in points.windows(2) {
                let ((t0, a), (t1, b)) = (pair[0], pair[1]);
                prop_assert!(t1 > t0, "starts strictly increase");
                prop_assert!(a.abs_diff(b) <= 1000, "at most one percentage point per step");
                // While weight a holds (until t1), the straight line has already reached b at
                // some instant, and that instant is at most an hour before t1.
                let line_reaches_b = from as f64 + (f64::from(b) - f64::from(w0)) / (f64::from(w1) - f64::from(w0)) * duration as f64;
                if w0 != w1 {
                    prop_assert!(t1 as f64 - line_reaches_b < 3600.0 + 1.0, "late by {}", t1 as f64 - line_reaches_b);
                }
                prop_assert!(t1 - t0 <= 3600, "a held weight lasts at most an hour");
            }
        }
    }
}
