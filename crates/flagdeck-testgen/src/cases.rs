//! Evaluation cases: `{"flag", "context", "at", "type"?}`, one per line, each evaluated in every
//! environment of its project.
//!
//! Contexts mix well-typed values (often equal to condition operands: the boundaries), missing
//! attributes, `null`, and mistyped values of every JSON type. Bucketing attributes only ever hold
//! ASCII strings (DESIGN §4); other strings include unicode. Instants cluster around the moments
//! when a flag changes: each schedule step and ramp point, one second before and after.

use fastrand::Rng;
use flagdeck_core::model::{AttributeType, FlagType};
use serde_json::{Map, Value, json};

use crate::pools::{
    BAD_SEMVERS, BUCKET_STRINGS, EPOCH_END, EPOCH_START, FREE_STRINGS, NUMBERS, SEMVERS, USER_KEYS,
    ascii_word, chance, instant, number, pick, pick_or,
};
use crate::project::{Attr, FlagInfo, ProjectInfo};

pub fn generate_cases(rng: &mut Rng, info: &ProjectInfo, count: usize) -> Vec<Value> {
    (0..count).map(|i| case(rng, info, i)).collect()
}

fn case(rng: &mut Rng, info: &ProjectInfo, index: usize) -> Value {
    let flag = if chance(rng, 4) {
        None
    } else {
        rng.choice(&info.flags)
    };
    let context = context(rng, info);
    let at = match flag {
        Some(f) => instant_for(rng, f),
        None => instant(rng),
    };
    match flag {
        Some(flag) => {
            json!({"flag": flag.key, "context": context, "at": at, "type": flagd_type(flag.kind)})
        }
        // A flag that does not exist: FLAG_NOT_FOUND everywhere (resolved as a boolean in flagd).
        None => {
            json!({"flag": format!("missing-flag-{index}"), "context": context, "at": at, "type": "boolean"})
        }
    }
}

/// The flagd resolver type of a flag type (flagd has no "number": Flagdeck numbers are floats).
pub fn flagd_type(kind: FlagType) -> &'static str {
    match kind {
        FlagType::Boolean => "boolean",
        FlagType::String => "string",
        FlagType::Number => "float",
        FlagType::Object => "object",
    }
}

/// A change point of the flag, exactly or one second off, or any instant.
fn instant_for(rng: &mut Rng, flag: &FlagInfo) -> i64 {
    match rng.choice(&flag.events) {
        Some(event) if chance(rng, 60) => event + pick(rng, &[-1, 0, 0, 1]),
        _ if chance(rng, 3) => pick(
            rng,
            &[EPOCH_START - 365 * 86_400, EPOCH_END + 365 * 86_400, 0],
        ),
        _ => instant(rng),
    }
}

fn context(rng: &mut Rng, info: &ProjectInfo) -> Map<String, Value> {
    let mut context = Map::new();
    for attr in &info.attrs {
        if let Some(value) = attribute_value(rng, *attr, info) {
            context.insert(attr.key.to_owned(), value);
        }
    }
    if chance(rng, 5) {
        // An attribute the project does not declare: ignored by every engine.
        context.insert("undeclared".to_owned(), json!(pick(rng, FREE_STRINGS)));
    }
    context
}

/// `None`: the attribute is missing from the context.
fn attribute_value(rng: &mut Rng, attr: Attr, info: &ProjectInfo) -> Option<Value> {
    match rng.u32(0..100) {
        0..=11 => None,
        12..=16 => Some(Value::Null),
        17..=31 => Some(mistyped(rng, attr.kind)),
        _ => Some(well_typed(rng, attr, info)),
    }
}

fn well_typed(rng: &mut Rng, attr: Attr, info: &ProjectInfo) -> Value {
    match attr.kind {
        AttributeType::String if attr.key == "targetingKey" => targeting_key(rng),
        AttributeType::String if attr.bucket => json!(bucket_string(rng)),
        AttributeType::String => json!(free_string(rng)),
        AttributeType::Number => {
            let operand = pick(rng, NUMBERS);
            number(near(rng, operand))
        }
        AttributeType::Boolean => json!(rng.bool()),
        AttributeType::Semver => semver_value(rng),
        AttributeType::Datetime => datetime_value(rng, info),
    }
}

fn targeting_key(rng: &mut Rng) -> Value {
    match rng.u32(0..10) {
        0..=6 => json!(pick(rng, USER_KEYS)),
        7 => json!(""),
        _ => json!(format!("u-{}", ascii_word(rng))),
    }
}

fn bucket_string(rng: &mut Rng) -> String {
    if chance(rng, 70) {
        pick(rng, BUCKET_STRINGS).to_owned()
    } else {
        ascii_word(rng)
    }
}

/// Pool strings, and concatenations so that `contains`, `starts_with` and `ends_with` match.
fn free_string(rng: &mut Rng) -> String {
    match rng.u32(0..10) {
        0..=5 => pick(rng, FREE_STRINGS).to_owned(),
        6..=8 => format!("{}{}", pick(rng, FREE_STRINGS), pick(rng, FREE_STRINGS)),
        _ => ascii_word(rng),
    }
}

/// `x` itself (a boundary), or a little off it.
fn near(rng: &mut Rng, x: f64) -> f64 {
    x + pick(rng, &[0.0, 0.0, 0.0, -1.0, 1.0, -0.5, 0.001])
}

fn semver_value(rng: &mut Rng) -> Value {
    if chance(rng, 70) {
        json!(pick(rng, SEMVERS))
    } else {
        json!(pick(rng, BAD_SEMVERS))
    }
}

/// Unix seconds: an operand exactly or a second (or half a second) off, or any instant.
fn datetime_value(rng: &mut Rng, info: &ProjectInfo) -> Value {
    match rng.choice(&info.datetime_operands) {
        Some(operand) if chance(rng, 70) => {
            number(operand + pick(rng, &[0.0, 0.0, -1.0, 1.0, -0.5, 0.5]))
        }
        _ => json!(instant(rng)),
    }
}

/// A value of another JSON type than the attribute declares: numeric strings for numbers,
/// numbers for strings, arrays, objects, booleans.
fn mistyped(rng: &mut Rng, kind: AttributeType) -> Value {
    let typed_wrong = match kind {
        AttributeType::String => number(pick(rng, NUMBERS)),
        AttributeType::Number | AttributeType::Datetime => {
            json!(number(pick(rng, NUMBERS)).to_string())
        }
        AttributeType::Boolean => pick_or(
            rng,
            &[json!("true"), json!(1), json!(0), json!("")],
            Value::Null,
        ),
        AttributeType::Semver => {
            pick_or(rng, &[json!(1), json!(1.2), json!(["1.2.3"])], Value::Null)
        }
    };
    let any_wrong = [
        json!(true),
        json!(false),
        json!([]),
        json!(["user-1"]),
        json!([1, 2]),
        json!({}),
        json!({"a": 1}),
        json!("abc"),
        json!(""),
    ];
    if chance(rng, 50) {
        typed_wrong
    } else {
        wrong_for(kind, pick_or(rng, &any_wrong, Value::Null))
    }
}

/// `value`, unless it happens to have the declared type (a string for a string attribute).
fn wrong_for(kind: AttributeType, value: Value) -> Value {
    let well_typed = match kind {
        AttributeType::String | AttributeType::Semver => value.is_string(),
        AttributeType::Boolean => value.is_boolean(),
        AttributeType::Number | AttributeType::Datetime => value.is_number(),
    };
    if well_typed { json!([value]) } else { value }
}
