//! Conditions: shape, attributes, operators allowed for each type, and typed operands.

use serde_json::Value;

use super::{Loc, Scope};
use crate::checked::{Cond, Leaf, Op, SemverOp};
use crate::diag::Code;
use crate::instant;
use crate::model::{AttributeType, Condition, PRESENCE_OPERATORS};
use crate::semver;
use crate::suggest::suggest;

/// Checks a condition; `None` when it has an error (already reported). Segment keys it refers
/// to are appended to `refs` (for cycle detection).
pub(crate) fn check(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    c: &Condition,
    refs: &mut Vec<String>,
) -> Option<Cond> {
    let is_leaf =
        c.attribute.is_some() || c.op.is_some() || c.value.is_some() || c.values.is_some();
    let shapes = [
        is_leaf,
        c.segment.is_some(),
        c.all.is_some(),
        c.any.is_some(),
        c.not.is_some(),
    ];
    match shapes.iter().filter(|s| **s).count() {
        0 => {
            scope.error(
                Code::InvalidCondition,
                loc.file,
                loc.pointer(),
                "This condition is empty: give it an attribute and an operator, a segment, or all / any / not.",
            );
            return None;
        }
        1 => {}
        _ => {
            scope.error(
                Code::InvalidCondition,
                loc.file,
                loc.pointer(),
                "This condition mixes several kinds (attribute test, segment, all, any, not); split it, for example with 'all'.",
            );
            return None;
        }
    }
    if let Some(key) = &c.segment {
        return segment_ref(scope, &loc.at("segment"), key, refs);
    }
    if let Some(parts) = &c.all {
        return group(scope, &loc.at("all"), parts, refs).map(Cond::All);
    }
    if let Some(parts) = &c.any {
        return group(scope, &loc.at("any"), parts, refs).map(Cond::Any);
    }
    if let Some(inner) = &c.not {
        return check(scope, &loc.at("not"), inner, refs).map(|c| Cond::Not(Box::new(c)));
    }
    leaf(scope, loc, c).map(Cond::Leaf)
}

fn group(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    parts: &[Condition],
    refs: &mut Vec<String>,
) -> Option<Vec<Cond>> {
    // Check every part (to report every problem), then keep the group only if all are valid.
    let checked: Vec<Option<Cond>> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| check(scope, &loc.at(i), p, refs))
        .collect();
    checked.into_iter().collect()
}

fn segment_ref(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    key: &str,
    refs: &mut Vec<String>,
) -> Option<Cond> {
    refs.push(key.to_owned());
    if let Some(id) = scope.segment_index.get(key) {
        return Some(Cond::Segment(*id));
    }
    if !scope.broken_segments.contains(key) {
        let mut known: Vec<&str> = scope.segment_index.keys().map(String::as_str).collect();
        known.sort_unstable();
        scope.error(
            Code::UnknownSegment,
            loc.file,
            loc.pointer(),
            format!("There is no segment '{key}'{}.", suggest(&known, key)),
        );
    }
    None
}

fn leaf(scope: &mut Scope<'_>, loc: &Loc<'_>, c: &Condition) -> Option<Leaf> {
    let Some(attribute) = &c.attribute else {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.pointer(),
            "This condition has no attribute: say which attribute it tests.",
        );
        return None;
    };
    let Some(op_name) = &c.op else {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.pointer(),
            format!("The condition on '{attribute}' has no operator ('op')."),
        );
        return None;
    };
    let Some(kind) = scope.attribute_types.get(attribute).copied() else {
        let mut known: Vec<&str> = scope.attribute_types.keys().map(String::as_str).collect();
        known.sort_unstable();
        scope.error(
            Code::UnknownAttribute,
            loc.file,
            loc.at("attribute").pointer(),
            format!(
                "The attribute '{attribute}' is not declared in flagdeck.json{}.",
                suggest(&known, attribute)
            ),
        );
        return None;
    };
    let Some(operand) = operand_kind(op_name) else {
        scope.error(
            Code::UnknownOperator,
            loc.file,
            loc.at("op").pointer(),
            format!(
                "'{op_name}' is not an operator; for a {} attribute use one of: {}.",
                kind.as_str(),
                allowed_ops(kind)
            ),
        );
        return None;
    };
    if !kind.allows(op_name) {
        scope.error(
            Code::OperatorNotAllowed,
            loc.file,
            loc.at("op").pointer(),
            format!(
                "'{op_name}' does not apply to '{attribute}', which is a {}; use one of: {}.",
                kind.as_str(),
                allowed_ops(kind)
            ),
        );
        return None;
    }
    let op = match operand {
        Operand::None => {
            if c.value.is_some() || c.values.is_some() {
                scope.error(
                    Code::InvalidCondition,
                    loc.file,
                    loc.pointer(),
                    format!("'{op_name}' takes no value; remove 'value' / 'values'."),
                );
                return None;
            }
            no_operand(op_name)?
        }
        Operand::One => {
            let value = single(scope, loc, c, op_name)?;
            one_operand(scope, &loc.at("value"), kind, op_name, attribute, value)?
        }
        Operand::Many => {
            let values = many(scope, loc, c, op_name)?;
            many_operands(scope, &loc.at("values"), kind, op_name, attribute, values)?
        }
    };
    Some(Leaf {
        attribute: attribute.clone(),
        kind,
        op,
    })
}

enum Operand {
    None,
    One,
    Many,
}

fn operand_kind(op: &str) -> Option<Operand> {
    Some(match op {
        "exists" | "not_exists" | "is_true" | "is_false" => Operand::None,
        "in" | "not_in" => Operand::Many,
        "equals" | "not_equals" | "contains" | "not_contains" | "starts_with" | "ends_with"
        | "lt" | "lte" | "gt" | "gte" | "semver_eq" | "semver_neq" | "semver_lt" | "semver_lte"
        | "semver_gt" | "semver_gte" | "semver_caret" | "semver_tilde" | "before" | "after" => {
            Operand::One
        }
        _ => return None,
    })
}

/// The operators allowed for a type, for messages.
fn allowed_ops(kind: AttributeType) -> String {
    kind.operators()
        .iter()
        .chain(&PRESENCE_OPERATORS)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_operand(op: &str) -> Option<Op> {
    Some(match op {
        "exists" => Op::Exists,
        "not_exists" => Op::NotExists,
        "is_true" => Op::IsTrue,
        "is_false" => Op::IsFalse,
        _ => return None,
    })
}

fn single<'c>(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    c: &'c Condition,
    op: &str,
) -> Option<&'c Value> {
    if c.values.is_some() {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.at("values").pointer(),
            format!("'{op}' takes one 'value', not a list of 'values'."),
        );
        return None;
    }
    if c.value.is_none() {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.pointer(),
            format!("'{op}' needs a 'value' to compare with."),
        );
    }
    c.value.as_ref()
}

fn many<'c>(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    c: &'c Condition,
    op: &str,
) -> Option<&'c [Value]> {
    if c.value.is_some() {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.at("value").pointer(),
            format!("'{op}' takes a list of 'values', not one 'value'."),
        );
        return None;
    }
    if c.values.is_none() {
        scope.error(
            Code::InvalidCondition,
            loc.file,
            loc.pointer(),
            format!("'{op}' needs a list of 'values'."),
        );
    }
    c.values.as_deref()
}

fn one_operand(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    kind: AttributeType,
    op: &str,
    attribute: &str,
    value: &Value,
) -> Option<Op> {
    match kind {
        AttributeType::String => {
            let s = expect_string(scope, loc, attribute, value)?;
            Some(match op {
                "equals" => Op::StrEquals(s),
                "not_equals" => Op::StrNotEquals(s),
                "contains" => Op::Contains(s),
                "not_contains" => Op::NotContains(s),
                "starts_with" => Op::StartsWith(s),
                _ => Op::EndsWith(s),
            })
        }
        AttributeType::Number => {
            let n = expect_number(scope, loc, attribute, value)?;
            Some(match op {
                "equals" => Op::NumEquals(n),
                "not_equals" => Op::NumNotEquals(n),
                "lt" => Op::Lt(n),
                "lte" => Op::Lte(n),
                "gt" => Op::Gt(n),
                _ => Op::Gte(n),
            })
        }
        AttributeType::Semver => {
            let text = expect_string(scope, loc, attribute, value)?;
            let Some(version) = semver::parse_strict(&text) else {
                scope.error(
                    Code::InvalidSemver,
                    loc.file,
                    loc.pointer(),
                    format!("'{text}' is not a version of the form 1.2.3 or 1.2.3-beta.1 (no 'v', no build suffix)."),
                );
                return None;
            };
            let sop = match op {
                "semver_eq" => SemverOp::Eq,
                "semver_neq" => SemverOp::Neq,
                "semver_lt" => SemverOp::Lt,
                "semver_lte" => SemverOp::Lte,
                "semver_gt" => SemverOp::Gt,
                "semver_gte" => SemverOp::Gte,
                "semver_caret" => SemverOp::Caret,
                _ => SemverOp::Tilde,
            };
            Some(Op::Semver(sop, version))
        }
        AttributeType::Datetime => {
            let text = expect_string(scope, loc, attribute, value)?;
            let Some(parsed) = instant::parse_rfc3339(&text) else {
                scope.error(
                    Code::InvalidDatetime,
                    loc.file,
                    loc.pointer(),
                    format!(
                        "'{text}' is not a date and time like 2026-12-01T09:00:00Z (RFC 3339)."
                    ),
                );
                return None;
            };
            let seconds = parsed.as_f64();
            Some(if op == "before" {
                Op::Before(seconds)
            } else {
                Op::After(seconds)
            })
        }
        // Boolean operators take no operand: unreachable through allowed_ops.
        AttributeType::Boolean => None,
    }
}

fn many_operands(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    kind: AttributeType,
    op: &str,
    attribute: &str,
    values: &[Value],
) -> Option<Op> {
    match kind {
        AttributeType::String => {
            let list: Vec<Option<String>> = values
                .iter()
                .enumerate()
                .map(|(i, v)| expect_string(scope, &loc.at(i), attribute, v))
                .collect();
            let list: Vec<String> = list.into_iter().collect::<Option<_>>()?;
            Some(if op == "in" {
                Op::StrIn(list)
            } else {
                Op::StrNotIn(list)
            })
        }
        AttributeType::Number => {
            let list: Vec<Option<f64>> = values
                .iter()
                .enumerate()
                .map(|(i, v)| expect_number(scope, &loc.at(i), attribute, v))
                .collect();
            let list: Vec<f64> = list.into_iter().collect::<Option<_>>()?;
            Some(if op == "in" {
                Op::NumIn(list)
            } else {
                Op::NumNotIn(list)
            })
        }
        _ => None,
    }
}

fn expect_string(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    attribute: &str,
    value: &Value,
) -> Option<String> {
    if let Value::String(s) = value {
        return Some(s.clone());
    }
    scope.error(
        Code::WrongValueType,
        loc.file,
        loc.pointer(),
        format!(
            "'{attribute}' is compared with {}, but it needs text here (in quotes).",
            describe(value)
        ),
    );
    None
}

fn expect_number(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    attribute: &str,
    value: &Value,
) -> Option<f64> {
    if let Some(n) = value.as_f64() {
        return Some(n);
    }
    scope.error(
        Code::WrongValueType,
        loc.file,
        loc.pointer(),
        format!(
            "'{attribute}' is a number, but it is compared with {}.",
            describe(value)
        ),
    );
    None
}

/// A JSON value in words, for messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text '{s}'"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
