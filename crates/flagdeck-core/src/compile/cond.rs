//! Conditions in two forms (FLAGD-NOTES §3): T, "definitely true", and F, "definitely false".
//! Both are false whenever an attribute they need is missing or mistyped, which is DESIGN §3's
//! three-valued logic in plain JsonLogic: `not` swaps the forms instead of negating, so a negation
//! never matches a context that lacks the attribute.
//!
//! Segments used directly by a flag become `$evaluators` (T under the segment key, F under
//! `!<key>`, a name no segment key can have); segments nested in other segments, and bodies that
//! flagd's text substitution would corrupt, are inlined (FLAGD-NOTES §2.12).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::guards;
use super::logic::{and, in_list, not, number, op, or, strict_eq, strict_ne, targeting_key, var};
use crate::checked::{Cond, Leaf, Op, Project, Segment, SegmentId, SemverOp};

/// Which form to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// True exactly when the condition is true.
    True,
    /// True exactly when the condition is false (not when it is unknown).
    False,
}

impl Form {
    fn flip(self) -> Self {
        match self {
            Self::True => Self::False,
            Self::False => Self::True,
        }
    }
}

/// Builds condition forms for one compiled document and collects the evaluators they use.
pub struct CondCompiler<'a> {
    project: &'a Project,
    /// Evaluator name → body, sorted by name for a deterministic document.
    evaluators: BTreeMap<String, Value>,
    /// Whether segments may be referenced at all (not when verbatim JsonLogic in the document
    /// holds `$ref`s of its own, which flagd's text substitution could capture).
    use_evaluators: bool,
    /// Each segment form is built once per document: a segment used by many flags would
    /// otherwise be rebuilt at every use (the largest cost of a 10,000-flag build).
    bodies: HashMap<(SegmentId, Form), Value>,
    guards: GuardCache,
}

/// Number and semver guards by attribute: they are large (the semver guard is some 90 nodes),
/// and building them afresh for every leaf was a quarter of a large build.
#[derive(Default)]
struct GuardCache {
    number: HashMap<String, Value>,
    semver: HashMap<String, Value>,
}

impl GuardCache {
    fn number(&mut self, attribute: &str, x: &Value) -> Value {
        self.number
            .entry(attribute.to_owned())
            .or_insert_with(|| guards::number(x))
            .clone()
    }

    fn semver(&mut self, attribute: &str, x: &Value) -> Value {
        self.semver
            .entry(attribute.to_owned())
            .or_insert_with(|| guards::semver(x))
            .clone()
    }
}

impl<'a> CondCompiler<'a> {
    pub fn new(project: &'a Project, use_evaluators: bool) -> Self {
        Self {
            project,
            evaluators: BTreeMap::new(),
            use_evaluators,
            bodies: HashMap::new(),
            guards: GuardCache::default(),
        }
    }

    /// The evaluators referenced so far.
    pub fn into_evaluators(self) -> BTreeMap<String, Value> {
        self.evaluators
    }

    /// The form of a flag rule's condition; segments in it may become references.
    pub fn rule(&mut self, cond: &Cond, form: Form) -> Value {
        self.build(cond, form, true)
    }

    fn build(&mut self, cond: &Cond, form: Form, may_reference: bool) -> Value {
        match cond {
            Cond::Leaf(leaf) => leaf_form(leaf, form, &mut self.guards),
            Cond::Segment(id) => self.segment(*id, form, may_reference),
            Cond::All(parts) => {
                let forms = parts
                    .iter()
                    .map(|c| self.build(c, form, may_reference))
                    .collect();
                // all: true if every part is true; false if any part is false.
                match form {
                    Form::True => and(forms),
                    Form::False => or(forms),
                }
            }
            Cond::Any(parts) => {
                let forms = parts
                    .iter()
                    .map(|c| self.build(c, form, may_reference))
                    .collect();
                match form {
                    Form::True => or(forms),
                    Form::False => and(forms),
                }
            }
            Cond::Not(inner) => self.build(inner, form.flip(), may_reference),
        }
    }

    fn segment(&mut self, id: SegmentId, form: Form, may_reference: bool) -> Value {
        let Some(segment) = self.project.segments.get(id) else {
            // Validation resolves every reference; an unknown segment matches nothing.
            return Value::Bool(false);
        };
        // Nested segments are always inlined: flagd resolves a `$ref` inside an evaluator only
        // when the referencing evaluator happens to come first.
        let name = evaluator_name(&segment.key, form);
        if may_reference && self.evaluators.contains_key(&name) {
            return json!({ "$ref": name });
        }
        let body = match self.bodies.get(&(id, form)) {
            Some(body) => body.clone(),
            None => {
                let body = self.segment_body(segment, form);
                self.bodies.insert((id, form), body.clone());
                body
            }
        };
        if !(may_reference && self.use_evaluators && referencable(&body)) {
            return body;
        }
        self.evaluators.insert(name.clone(), body);
        json!({ "$ref": name })
    }

    /// T = in(tk, include) or (not in(tk, exclude) and T(when));
    /// F = not in(tk, include) and (in(tk, exclude) or F(when)). Without `when` the segment is
    /// exactly its include list: T(when) = false, F(when) = true. The lists hold strings, and
    /// `in` over a literal list is strict, so a non-string targetingKey is in neither.
    fn segment_body(&mut self, segment: &Segment, form: Form) -> Value {
        let included = in_list(targeting_key(), strings(&segment.include));
        let excluded = in_list(targeting_key(), strings(&segment.exclude));
        let when = match &segment.when {
            Some(cond) => self.build(cond, form, false),
            None => Value::Bool(form == Form::False),
        };
        match form {
            Form::True => or(vec![included, and(vec![not(excluded), when])]),
            Form::False => and(vec![not(included), or(vec![excluded, when])]),
        }
    }
}

/// The evaluator that holds a segment's form: the key for T, `!key` for F (`!` cannot start a key).
fn evaluator_name(key: &str, form: Form) -> String {
    match form {
        Form::True => key.to_owned(),
        Form::False => format!("!{key}"),
    }
}

/// Whether a body can be an evaluator: it must be an object (the schema's targeting), and flagd
/// pastes it with `String.replaceAll`, which reads `$$`, `$&`, `` $` `` and `$'` as patterns.
fn referencable(body: &Value) -> bool {
    if !body.is_object() {
        return false;
    }
    let text = body.to_string();
    !["$$", "$&", "$`", "$'"]
        .iter()
        .any(|pattern| text.contains(pattern))
}

fn strings(items: &[String]) -> Vec<Value> {
    items.iter().map(|s| Value::String(s.clone())).collect()
}

fn numbers(items: &[f64]) -> Vec<Value> {
    items.iter().map(|n| number(*n)).collect()
}

/// A leaf in the requested form.
fn leaf_form(leaf: &Leaf, form: Form, guards: &mut GuardCache) -> Value {
    let (t, f) = leaf_pair(leaf, guards);
    match form {
        Form::True => t,
        Form::False => f,
    }
}

/// A leaf's (T, F) pair. A guard is added wherever the bare test could hold for a value of
/// another type, or could coerce or throw.
fn leaf_pair(leaf: &Leaf, guards: &mut GuardCache) -> (Value, Value) {
    let x = var(&leaf.attribute);
    let number_test = |test: Value, strict: bool, guards: &mut GuardCache| {
        number_test(guards.number(&leaf.attribute, &x), test, strict)
    };
    match &leaf.op {
        Op::Exists => presence(&x),
        Op::NotExists => swap(presence(&x)),
        Op::StrEquals(s) => string_test(&x, strict_eq(x.clone(), json!(s)), true),
        Op::StrNotEquals(s) => swap(string_test(&x, strict_eq(x.clone(), json!(s)), true)),
        Op::StrIn(list) => string_test(&x, in_list(x.clone(), strings(list)), true),
        Op::StrNotIn(list) => swap(string_test(&x, in_list(x.clone(), strings(list)), true)),
        Op::Contains(s) => contains(&x, s),
        Op::NotContains(s) => swap(contains(&x, s)),
        Op::StartsWith(s) => affix(&x, "starts_with", s),
        Op::EndsWith(s) => affix(&x, "ends_with", s),
        Op::NumEquals(n) => number_test(strict_eq(x.clone(), number(*n)), true, guards),
        Op::NumNotEquals(n) => swap(number_test(strict_eq(x.clone(), number(*n)), true, guards)),
        Op::NumIn(list) => number_test(in_list(x.clone(), numbers(list)), true, guards),
        Op::NumNotIn(list) => swap(number_test(in_list(x.clone(), numbers(list)), true, guards)),
        Op::Lt(n) | Op::Before(n) => number_test(op("<", json!([x, number(*n)])), false, guards),
        Op::Lte(n) => number_test(op("<=", json!([x, number(*n)])), false, guards),
        Op::Gt(n) | Op::After(n) => number_test(op(">", json!([x, number(*n)])), false, guards),
        Op::Gte(n) => number_test(op(">=", json!([x, number(*n)])), false, guards),
        Op::IsTrue => (
            strict_eq(x.clone(), json!(true)),
            strict_eq(x, json!(false)),
        ),
        Op::IsFalse => (
            strict_eq(x.clone(), json!(false)),
            strict_eq(x, json!(true)),
        ),
        Op::Semver(semver_op, version) => {
            let test = semver_test(&x, *semver_op, &version.to_string());
            let guard = guards.semver(&leaf.attribute, &x);
            (
                and(vec![guard.clone(), test.clone()]),
                and(vec![guard, not(test)]),
            )
        }
    }
}

fn swap((t, f): (Value, Value)) -> (Value, Value) {
    (f, t)
}

/// `exists`: two-valued, and a missing attribute reads as `null` in flagd.
fn presence(x: &Value) -> (Value, Value) {
    (
        strict_ne(x.clone(), Value::Null),
        strict_eq(x.clone(), Value::Null),
    )
}

/// A string test. `strict` tests (`===`, `in` over a literal list) are false for non-strings on
/// their own, so only their negation needs the guard.
fn string_test(x: &Value, test: Value, strict: bool) -> (Value, Value) {
    let guard = guards::string(x);
    let t = if strict {
        test.clone()
    } else {
        and(vec![guard.clone(), test.clone()])
    };
    (t, and(vec![guard, not(test)]))
}

/// A number test; loose tests (`<` and friends) coerce, so they need the guard both ways.
fn number_test(guard: Value, test: Value, strict: bool) -> (Value, Value) {
    let t = if strict {
        test.clone()
    } else {
        and(vec![guard.clone(), test.clone()])
    };
    (t, and(vec![guard, not(test)]))
}

/// `contains`: `in` on a string haystack is substring search, but `""` finds nothing there
/// (FLAGD-NOTES §2.3), and every string contains `""`.
fn contains(x: &Value, needle: &str) -> (Value, Value) {
    if needle.is_empty() {
        return (guards::string(x), Value::Bool(false));
    }
    string_test(x, op("in", json!([needle, x])), false)
}

/// `starts_with` / `ends_with`: `null` (falsy) for non-strings, so T needs no guard.
fn affix(x: &Value, name: &str, value: &str) -> (Value, Value) {
    if value.is_empty() {
        return (guards::string(x), Value::Bool(false));
    }
    string_test(x, op(name, json!([x, value])), true)
}

/// flagd's `sem_ver`; caret and tilde only compare major (major.minor) there, so "and >=" is
/// added (FLAGD-NOTES §2.9).
fn semver_test(x: &Value, semver_op: SemverOp, version: &str) -> Value {
    let cmp = |symbol: &str| op("sem_ver", json!([x, symbol, version]));
    match semver_op {
        SemverOp::Eq => cmp("="),
        SemverOp::Neq => cmp("!="),
        SemverOp::Lt => cmp("<"),
        SemverOp::Lte => cmp("<="),
        SemverOp::Gt => cmp(">"),
        SemverOp::Gte => cmp(">="),
        SemverOp::Caret => and(vec![cmp("^"), cmp(">=")]),
        SemverOp::Tilde => and(vec![cmp("~"), cmp(">=")]),
    }
}
