//! Three-valued conditions (DESIGN §3): an attribute that is absent, `null` or of another type
//! than its operator needs makes a leaf *unknown*; `not` keeps unknown; a rule or segment matches
//! only when its condition is true.
//!
//! Segments follow the T/F forms the compiler emits (FLAGD-NOTES §3): included → true; else
//! excluded → false; else the segment's condition (none → false). A context without a text
//! `targetingKey` is in neither list.

use std::cell::OnceCell;
use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::explain::{self, ExplainStep, StepKind, Tracer, Truth, quoted};
use crate::checked::{Cond, Leaf, Op, Project, SegmentId, SemverOp};
use crate::semver::{Version, parse_strict};

/// Nesting (groups and segments, which may nest) deeper than this is unknown rather than a stack
/// overflow. Validated projects stay far below it: a file's JSON nests at most 128 levels, and a
/// chain of nested segments cannot be longer than the project's segments (validation forbids
/// cycles; a hand-built project may still hold one, and then hits this bound).
const MAX_DEPTH: u32 = 1024;

/// What conditions read: the project (for segments) and the context.
pub(crate) struct Scope<'a> {
    pub project: &'a Project,
    pub ctx: &'a Map<String, Value>,
    targeting_key: OnceCell<Option<&'a str>>,
}

impl<'a> Scope<'a> {
    pub fn new(project: &'a Project, ctx: &'a Map<String, Value>) -> Self {
        Self {
            project,
            ctx,
            targeting_key: OnceCell::new(),
        }
    }

    /// An attribute's value. Contexts are small, and for a handful of keys a scan that rejects
    /// most keys on their length and first byte beats hashing the key (SipHash) every time.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if self.ctx.len() <= LINEAR_SCAN_MAX {
            self.ctx
                .iter()
                .find(|(k, _)| same_text(k, key))
                .map(|(_, v)| v)
        } else {
            self.ctx.get(key)
        }
    }

    /// The context's `targetingKey` when it is a JSON string (looked up once per evaluation).
    pub fn targeting_key(&self) -> Option<&'a str> {
        *self
            .targeting_key
            .get_or_init(|| self.get("targetingKey").and_then(Value::as_str))
    }

    /// An attribute's value when it is a JSON string.
    pub fn string_attr(&self, key: &str) -> Option<&'a str> {
        if key == "targetingKey" {
            self.targeting_key()
        } else {
            self.get(key).and_then(Value::as_str)
        }
    }
}

/// Up to this many attributes, [`Scope::get`] scans instead of hashing.
const LINEAR_SCAN_MAX: usize = 16;

/// String equality without a call to `memcmp` for short strings (attribute keys, targeting
/// keys, list items): the call costs more than comparing a few bytes inline.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 32 {
        return a == b;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}

/// The truth of a leaf for the attribute's value in the context (`None`: absent).
pub(crate) fn leaf_truth(op: &Op, value: Option<&Value>) -> Truth {
    let present = value.filter(|v| !v.is_null());
    match op {
        Op::Exists => Truth::from(present.is_some()),
        Op::NotExists => Truth::from(present.is_none()),
        _ => present
            .and_then(|v| typed_test(op, v))
            .map_or(Truth::Unknown, Truth::from),
    }
}

/// The operator applied to a present value; `None` when the value has the wrong type.
fn typed_test(op: &Op, v: &Value) -> Option<bool> {
    Some(match op {
        Op::Exists => true,
        Op::NotExists => false,
        Op::StrEquals(x) => v.as_str()? == x,
        Op::StrNotEquals(x) => v.as_str()? != x,
        Op::StrIn(xs) => str_in(v.as_str()?, xs),
        Op::StrNotIn(xs) => !str_in(v.as_str()?, xs),
        Op::Contains(x) => v.as_str()?.contains(x.as_str()),
        Op::NotContains(x) => !v.as_str()?.contains(x.as_str()),
        Op::StartsWith(x) => v.as_str()?.starts_with(x.as_str()),
        Op::EndsWith(x) => v.as_str()?.ends_with(x.as_str()),
        Op::NumEquals(x) => num_eq(v.as_f64()?, *x),
        Op::NumNotEquals(x) => !num_eq(v.as_f64()?, *x),
        Op::NumIn(xs) => num_in(v.as_f64()?, xs),
        Op::NumNotIn(xs) => !num_in(v.as_f64()?, xs),
        Op::Lt(x) | Op::Before(x) => v.as_f64()? < *x,
        Op::Lte(x) => v.as_f64()? <= *x,
        Op::Gt(x) | Op::After(x) => v.as_f64()? > *x,
        Op::Gte(x) => v.as_f64()? >= *x,
        Op::IsTrue => v.as_bool()?,
        Op::IsFalse => !v.as_bool()?,
        Op::Semver(sop, x) => semver_holds(*sop, &parse_version(v.as_str()?)?, x),
    })
}

fn str_in(s: &str, list: &[String]) -> bool {
    list.iter().any(|x| same_text(x, s))
}

/// JSON numbers compared as JavaScript does (`===` on doubles; JSON has no NaN).
#[allow(clippy::float_cmp)]
fn num_eq(a: f64, b: f64) -> bool {
    a == b
}

fn num_in(n: f64, list: &[f64]) -> bool {
    list.iter().any(|x| num_eq(n, *x))
}

/// [`parse_strict`], with a fast path for the common plain `X.Y.Z`: the general parser's
/// searches cost more than the whole comparison. Anything else goes to [`parse_strict`].
pub(crate) fn parse_version(s: &str) -> Option<Version> {
    plain_version(s).or_else(|| parse_strict(s))
}

/// `X.Y.Z` with each part `0` or digits without a leading zero, at most 16 digits and at most
/// 2^53 - 1 (npm semver's bound); `None` for anything else, which the general parser decides.
fn plain_version(s: &str) -> Option<Version> {
    const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
    let mut parts = [0u64; 3];
    let mut index = 0;
    let mut digits = 0;
    for &b in s.as_bytes() {
        match b {
            b'0'..=b'9' => {
                // A leading zero is only allowed for the number 0 itself.
                if digits == 1 && parts[index] == 0 || digits == 16 {
                    return None;
                }
                parts[index] = parts[index] * 10 + u64::from(b - b'0');
                digits += 1;
            }
            b'.' if digits > 0 && index < 2 => {
                index += 1;
                digits = 0;
            }
            _ => return None,
        }
    }
    if index != 2 || digits == 0 || parts.iter().any(|p| *p > MAX_SAFE_INTEGER) {
        return None;
    }
    let [major, minor, patch] = parts;
    Some(Version {
        major,
        minor,
        patch,
        pre: Vec::new(),
    })
}

fn semver_holds(op: SemverOp, have: &Version, want: &Version) -> bool {
    let ord = have.compare(want);
    match op {
        SemverOp::Eq => ord == Ordering::Equal,
        SemverOp::Neq => ord != Ordering::Equal,
        SemverOp::Lt => ord == Ordering::Less,
        SemverOp::Lte => ord != Ordering::Greater,
        SemverOp::Gt => ord == Ordering::Greater,
        SemverOp::Gte => ord != Ordering::Less,
        SemverOp::Caret => have.major == want.major && ord != Ordering::Less,
        SemverOp::Tilde => {
            have.major == want.major && have.minor == want.minor && ord != Ordering::Less
        }
    }
}

/// Evaluate a condition, reporting each leaf, group and segment at `depth`.
pub(crate) fn eval<T: Tracer>(s: &Scope<'_>, cond: &Cond, tr: &mut T, depth: u32) -> Truth {
    if depth > MAX_DEPTH {
        tr.step(|| {
            ExplainStep::new(
                StepKind::Condition,
                depth,
                "Conditions nest too deeply; treated as unknown",
            )
        });
        return Truth::Unknown;
    }
    match cond {
        Cond::Leaf(leaf) => {
            let value = s.get(&leaf.attribute);
            let truth = leaf_truth(&leaf.op, value);
            tr.step(|| leaf_step(leaf, value, truth, depth));
            truth
        }
        Cond::Segment(id) => segment(s, *id, tr, depth),
        Cond::All(parts) => group(s, cond, parts, Truth::False, tr, depth),
        Cond::Any(parts) => group(s, cond, parts, Truth::True, tr, depth),
        Cond::Not(inner) => {
            let slot = tr.reserve();
            let truth = !eval(s, inner, tr, depth + 1);
            tr.fill(slot, || group_step(s.project, cond, truth, depth));
            truth
        }
    }
}

/// `all` (decided by the first false) or `any` (decided by the first true); otherwise unknown
/// if any part is unknown.
fn group<T: Tracer>(
    s: &Scope<'_>,
    cond: &Cond,
    parts: &[Cond],
    decisive: Truth,
    tr: &mut T,
    depth: u32,
) -> Truth {
    let slot = tr.reserve();
    let mut truth = !decisive;
    for part in parts {
        match eval(s, part, tr, depth + 1) {
            t if t == decisive => {
                truth = decisive;
                break;
            }
            Truth::Unknown => truth = Truth::Unknown,
            _ => {}
        }
    }
    tr.fill(slot, || group_step(s.project, cond, truth, depth));
    truth
}

fn segment<T: Tracer>(s: &Scope<'_>, id: SegmentId, tr: &mut T, depth: u32) -> Truth {
    let Some(seg) = s.project.segments.get(id) else {
        tr.step(|| {
            ExplainStep::new(
                StepKind::Segment,
                depth,
                format!("Segment #{id} does not exist; treated as unknown"),
            )
        });
        return Truth::Unknown;
    };
    let tk = s.targeting_key();
    if let Some(tk) = tk {
        if str_in(tk, &seg.include) {
            tr.step(|| {
                segment_step(
                    seg,
                    depth,
                    Truth::True,
                    format!("{} is included — match", quoted(tk)),
                )
            });
            return Truth::True;
        }
        if str_in(tk, &seg.exclude) {
            tr.step(|| {
                segment_step(
                    seg,
                    depth,
                    Truth::False,
                    format!("{} is excluded — no match", quoted(tk)),
                )
            });
            return Truth::False;
        }
    }
    let who = || match tk {
        Some(tk) => format!("{} is in neither list", quoted(tk)),
        None => "the context has no text targetingKey, so it is in neither list".to_owned(),
    };
    let Some(when) = &seg.when else {
        tr.step(|| {
            let detail = format!("{} and the segment has no condition — no match", who());
            segment_step(seg, depth, Truth::False, detail)
        });
        return Truth::False;
    };
    let slot = tr.reserve();
    let truth = eval(s, when, tr, depth + 1);
    tr.fill(slot, || {
        let verdict = match truth {
            Truth::True => "it holds — match",
            Truth::False => "it does not hold — no match",
            Truth::Unknown => "it is unknown, so the segment does not match",
        };
        let detail = format!("{}, so its condition decides: {verdict}", who());
        segment_step(seg, depth, truth, detail)
    });
    truth
}

fn segment_step(
    seg: &crate::checked::Segment,
    depth: u32,
    truth: Truth,
    detail: String,
) -> ExplainStep {
    ExplainStep::new(
        StepKind::Segment,
        depth,
        format!("Segment {}: {detail}", quoted(&seg.name)),
    )
    .segment(&seg.key)
    .matched(truth)
}

fn group_step(project: &Project, cond: &Cond, truth: Truth, depth: u32) -> ExplainStep {
    let word = match truth {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    };
    ExplainStep::new(
        StepKind::Condition,
        depth,
        format!("{}: {word}", capitalized(&explain::describe(project, cond))),
    )
    .matched(truth)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn leaf_step(leaf: &Leaf, value: Option<&Value>, truth: Truth, depth: u32) -> ExplainStep {
    let obs = observed(leaf, value);
    let desc = explain::describe_leaf(leaf);
    let message = match truth {
        Truth::True => format!("Condition '{desc}': {obs} — true"),
        Truth::False => format!("Condition '{desc}': {obs} — false"),
        Truth::Unknown => format!("Condition '{desc}': {obs}, so this condition is unknown"),
    };
    ExplainStep::new(StepKind::Condition, depth, message)
        .attribute(&leaf.attribute)
        .matched(truth)
}

/// What the context holds for a leaf's attribute, in words: "country is 'US'", "the context
/// has no 'plan'", "age is 'twelve', which is not a number".
pub(crate) fn observed(leaf: &Leaf, value: Option<&Value>) -> String {
    let a = &leaf.attribute;
    let Some(v) = value else {
        return format!("the context has no {}", quoted(a));
    };
    if v.is_null() {
        return format!("{a} is null, which counts as not set");
    }
    let shown = explain::show_value(v);
    if matches!(leaf.op, Op::Exists | Op::NotExists) || typed_test(&leaf.op, v).is_some() {
        return format!("{a} is {shown}");
    }
    let wanted = match &leaf.op {
        Op::IsTrue | Op::IsFalse => "true or false",
        Op::Semver(..) if v.is_string() => "a version of the form 1.2.3 or 1.2.3-beta.1",
        Op::Semver(..) => "a version (text)",
        Op::NumEquals(_)
        | Op::NumNotEquals(_)
        | Op::NumIn(_)
        | Op::NumNotIn(_)
        | Op::Lt(_)
        | Op::Lte(_)
        | Op::Gt(_)
        | Op::Gte(_) => "a number",
        Op::Before(_) | Op::After(_) => "a number of Unix seconds",
        _ => "text",
    };
    format!(
        "{a} is {shown} ({}), which is not {wanted}",
        explain::type_name(v)
    )
}
