//! Explanations: the steps an evaluation took, in words a release owner reads, with structured
//! fields for UIs. The evaluator is generic over [`Tracer`] so that the fast path ([`NoTrace`])
//! builds no text at all.

use serde::Serialize;

use crate::checked::{Cond, Leaf, Op, Project, SemverOp};

/// Three-valued truth (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl From<bool> for Truth {
    fn from(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }
}

impl std::ops::Not for Truth {
    type Output = Self;

    fn not(self) -> Self {
        match self {
            Self::True => Self::False,
            Self::False => Self::True,
            Self::Unknown => Self::Unknown,
        }
    }
}

/// What a step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// The flag is not configured in the environment, or the environment is unknown.
    Environment,
    /// Which schedule step is in force.
    Schedule,
    /// The kill switch.
    Disabled,
    /// Individual targets.
    Targets,
    Rule,
    /// A leaf condition or a group inside a rule or segment.
    Condition,
    Segment,
    /// A variation served as is.
    Serve,
    Rollout,
    Ramp,
    /// An advanced JsonLogic rule kept from a flagd import.
    JsonLogic,
    Fallthrough,
    /// The final outcome.
    Result,
}

/// One step of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExplainStep {
    pub kind: StepKind,
    /// The step in plain words.
    pub message: String,
    /// Nesting level: 0 for top-level steps, deeper for the conditions and segments of a rule.
    pub depth: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rule_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub segment_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub attribute: Option<String>,
    /// For rules, segments and conditions: whether it matched (`unknown` never matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub matched: Option<Truth>,
    /// The variation key served by this step, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub variation: Option<String>,
    /// For rollouts: the bucket of the context among 100,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub bucket: Option<u64>,
}

impl ExplainStep {
    pub fn new(kind: StepKind, depth: u32, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            depth,
            rule_id: None,
            segment_key: None,
            attribute: None,
            matched: None,
            variation: None,
            bucket: None,
        }
    }

    pub fn rule(mut self, id: &str) -> Self {
        self.rule_id = Some(id.to_owned());
        self
    }

    pub fn segment(mut self, key: &str) -> Self {
        self.segment_key = Some(key.to_owned());
        self
    }

    pub fn attribute(mut self, key: &str) -> Self {
        self.attribute = Some(key.to_owned());
        self
    }

    pub fn matched(mut self, truth: Truth) -> Self {
        self.matched = Some(truth);
        self
    }

    pub fn variation(mut self, key: &str) -> Self {
        self.variation = Some(key.to_owned());
        self
    }

    pub fn bucket(mut self, bucket: u64) -> Self {
        self.bucket = Some(bucket);
        self
    }
}

/// Where the evaluator reports its steps. Closures are only called when tracing is on, so the
/// no-op tracer costs nothing.
pub(crate) trait Tracer {
    /// Record a step.
    fn step(&mut self, make: impl FnOnce() -> ExplainStep);
    /// Reserve a place for a step whose outcome is known only after its children ran, so that
    /// a rule reads before its conditions.
    fn reserve(&mut self) -> usize;
    /// Fill a reserved place.
    fn fill(&mut self, slot: usize, make: impl FnOnce() -> ExplainStep);
    /// A rollout found no text at its bucketBy attribute (the rebucketing impact counts these).
    #[inline(always)]
    fn unbucketable(&mut self) {}
}

/// The fast path: records nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn step(&mut self, _make: impl FnOnce() -> ExplainStep) {}
    #[inline(always)]
    fn reserve(&mut self) -> usize {
        0
    }
    #[inline(always)]
    fn fill(&mut self, _slot: usize, _make: impl FnOnce() -> ExplainStep) {}
}

/// Records only whether a rollout could not bucket the context: as fast as [`NoTrace`].
#[derive(Default)]
pub(crate) struct BucketProbe {
    pub unbucketable: bool,
}

impl Tracer for BucketProbe {
    #[inline(always)]
    fn step(&mut self, _make: impl FnOnce() -> ExplainStep) {}
    #[inline(always)]
    fn reserve(&mut self) -> usize {
        0
    }
    #[inline(always)]
    fn fill(&mut self, _slot: usize, _make: impl FnOnce() -> ExplainStep) {}
    fn unbucketable(&mut self) {
        self.unbucketable = true;
    }
}

/// Records every step.
#[derive(Default)]
pub(crate) struct Recorder {
    pub steps: Vec<ExplainStep>,
}

impl Tracer for Recorder {
    fn step(&mut self, make: impl FnOnce() -> ExplainStep) {
        self.steps.push(make());
    }

    fn reserve(&mut self) -> usize {
        self.steps
            .push(ExplainStep::new(StepKind::Result, 0, String::new()));
        self.steps.len() - 1
    }

    fn fill(&mut self, slot: usize, make: impl FnOnce() -> ExplainStep) {
        if let Some(place) = self.steps.get_mut(slot) {
            *place = make();
        }
    }
}

// ---- words ---------------------------------------------------------------------------------

/// `'text'`, for keys and values quoted in sentences.
pub(crate) fn quoted(text: &str) -> String {
    format!("'{text}'")
}

/// A JSON value from a context, as a release owner reads it.
pub(crate) fn show_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => quoted(s),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A JSON type in words.
pub(crate) fn type_name(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::String(_) => "text",
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `12,345`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A weight in thousandths of a percent as `20%` or `33.333%`.
pub(crate) fn percent(thousandths: u32) -> String {
    let whole = thousandths / 1000;
    let frac = thousandths % 1000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let frac = format!("{frac:03}");
        format!("{whole}.{}%", frac.trim_end_matches('0'))
    }
}

/// `3 Dec 2026 09:00 UTC` (seconds shown only when not zero).
pub(crate) fn human_time(seconds: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(seconds) else {
        return format!("{seconds} (Unix seconds)");
    };
    let month = match u8::from(t.month()) {
        1 => "Jan",
        2 => "Feb",
        3 => "Mar",
        4 => "Apr",
        5 => "May",
        6 => "Jun",
        7 => "Jul",
        8 => "Aug",
        9 => "Sep",
        10 => "Oct",
        11 => "Nov",
        _ => "Dec",
    };
    let secs = if t.second() == 0 {
        String::new()
    } else {
        format!(":{:02}", t.second())
    };
    format!(
        "{} {month} {} {:02}:{:02}{secs} UTC",
        t.day(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// A datetime operand (Unix seconds, maybe with a fraction) in words.
fn human_instant(seconds: f64) -> String {
    let whole = seconds.floor();
    if whole == seconds && whole.abs() < 1e15 {
        human_time(whole as i64)
    } else {
        format!("{seconds} (Unix seconds)")
    }
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn num(n: f64) -> String {
    format!("{n}")
}

/// A condition in words: "country is one of DE, FR".
pub(crate) fn describe(project: &Project, cond: &Cond) -> String {
    match cond {
        Cond::Leaf(leaf) => describe_leaf(leaf),
        Cond::Segment(id) => match project.segments.get(*id) {
            Some(s) => format!("in segment {}", quoted(&s.name)),
            None => format!("in segment #{id}"),
        },
        Cond::All(parts) => group(project, "all of", parts),
        Cond::Any(parts) => group(project, "any of", parts),
        Cond::Not(inner) => format!("not ({})", describe(project, inner)),
    }
}

fn group(project: &Project, word: &str, parts: &[Cond]) -> String {
    let inner: Vec<String> = parts.iter().map(|c| describe(project, c)).collect();
    format!("{word} ({})", inner.join("; "))
}

pub(crate) fn describe_leaf(leaf: &Leaf) -> String {
    let a = &leaf.attribute;
    match &leaf.op {
        Op::Exists => format!("{a} is set"),
        Op::NotExists => format!("{a} is not set"),
        Op::StrEquals(v) => format!("{a} is {}", quoted(v)),
        Op::StrNotEquals(v) => format!("{a} is not {}", quoted(v)),
        Op::StrIn(vs) => format!("{a} is one of {}", list(vs)),
        Op::StrNotIn(vs) => format!("{a} is none of {}", list(vs)),
        Op::Contains(v) => format!("{a} contains {}", quoted(v)),
        Op::NotContains(v) => format!("{a} does not contain {}", quoted(v)),
        Op::StartsWith(v) => format!("{a} starts with {}", quoted(v)),
        Op::EndsWith(v) => format!("{a} ends with {}", quoted(v)),
        Op::NumEquals(v) => format!("{a} is {}", num(*v)),
        Op::NumNotEquals(v) => format!("{a} is not {}", num(*v)),
        Op::NumIn(vs) => format!("{a} is one of {}", list(vs)),
        Op::NumNotIn(vs) => format!("{a} is none of {}", list(vs)),
        Op::Lt(v) => format!("{a} is less than {}", num(*v)),
        Op::Lte(v) => format!("{a} is at most {}", num(*v)),
        Op::Gt(v) => format!("{a} is more than {}", num(*v)),
        Op::Gte(v) => format!("{a} is at least {}", num(*v)),
        Op::IsTrue => format!("{a} is true"),
        Op::IsFalse => format!("{a} is false"),
        Op::Semver(op, v) => describe_semver(a, *op, v),
        Op::Before(t) => format!("{a} is before {}", human_instant(*t)),
        Op::After(t) => format!("{a} is after {}", human_instant(*t)),
    }
}

fn describe_semver(a: &str, op: SemverOp, v: &crate::semver::Version) -> String {
    match op {
        SemverOp::Eq => format!("{a} is version {v}"),
        SemverOp::Neq => format!("{a} is not version {v}"),
        SemverOp::Lt => format!("{a} is a version before {v}"),
        SemverOp::Lte => format!("{a} is version {v} or earlier"),
        SemverOp::Gt => format!("{a} is a version after {v}"),
        SemverOp::Gte => format!("{a} is version {v} or later"),
        SemverOp::Caret => format!("{a} is version {v} or a later {}.x", v.major),
        SemverOp::Tilde => format!("{a} is version {v} or a later {}.{}.x", v.major, v.minor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(23_417), "23,417");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(20_000), "20%");
        assert_eq!(percent(33_333), "33.333%");
        assert_eq!(percent(500), "0.5%");
        assert_eq!(percent(100_000), "100%");
    }

    #[test]
    fn instants_read_well() {
        assert_eq!(human_time(1_796_288_400), "3 Dec 2026 09:00 UTC");
        assert_eq!(human_time(1_796_288_405), "3 Dec 2026 09:00:05 UTC");
        assert_eq!(human_time(i64::MAX), format!("{} (Unix seconds)", i64::MAX));
        assert_eq!(human_instant(1.5), "1.5 (Unix seconds)");
    }

    #[test]
    fn truth_negation_keeps_unknown() {
        assert_eq!(!Truth::True, Truth::False);
        assert_eq!(!Truth::False, Truth::True);
        assert_eq!(!Truth::Unknown, Truth::Unknown);
    }
}
