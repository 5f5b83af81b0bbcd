//! Type guards: JsonLogic that is true exactly when an attribute holds a value of its declared
//! type (FLAGD-NOTES §2.1, §2.2, §2.8). A test behind a guard never sees a value that would make
//! flagd coerce or throw, and a guarded condition is false on a missing or mistyped attribute.

use serde_json::{Value, json};

use super::logic::{and, in_list, not, op, strict_eq, strict_ne};

/// "`x` is a string": `starts_with` answers `null` unless both operands are strings.
pub fn string(x: &Value) -> Value {
    op("starts_with", json!([x, ""]))
}

/// "`x` is a number". JSON has strings, null, booleans, arrays and objects besides numbers: each
/// conjunct rules out one of them without coercing (`merge` flattens arrays, so an array is not
/// in its own merge; `cat` turns an object into `"[object Object]"`).
///
/// `cat` throws (an ERROR for the whole flag) on an object with an own `toString` that is not a
/// function, which JSON can give (`{"toString": "x"}`); `var` reads own properties only, so
/// `x.toString` is `null` for numbers and for every object `cat` handles, and the conjunct before
/// `cat` rules the others out. (Only `{"toString": null}` still reaches `cat` and throws.)
pub fn number(x: &Value) -> Value {
    and(vec![
        not(string(x)),
        strict_ne(x.clone(), Value::Null),
        strict_ne(x.clone(), Value::Bool(true)),
        strict_ne(x.clone(), Value::Bool(false)),
        op("in", json!([x, {"merge": [x]}])),
        strict_eq(own_to_string(x), Value::Null),
        strict_ne(op("cat", json!([x])), json!("[object Object]")),
    ])
}

/// `{"var": "<attribute>.toString"}` for `x = {"var": "<attribute>"}`.
fn own_to_string(x: &Value) -> Value {
    match x.get("var").and_then(Value::as_str) {
        Some(path) => op("var", json!(format!("{path}.toString"))),
        None => Value::Null,
    }
}

/// "`x` is a strict semver" (DESIGN §3: `X.Y.Z` or `X.Y.Z-pre`, no `v`, no build metadata, at most
/// 256 characters). flagd's `sem_ver` is lenient (FLAGD-NOTES §2.8), so everything it would
/// accept beyond that is ruled out first; the final `sem_ver` against the least version then
/// holds exactly when the text parses.
pub fn semver(x: &Value) -> Value {
    let digits: Vec<Value> = ('0'..='9').map(|c| Value::String(c.to_string())).collect();
    let identifier_ends: Vec<Value> = ('0'..='9')
        .chain('a'..='z')
        .chain('A'..='Z')
        .chain(['-'])
        .map(|c| Value::String(c.to_string()))
        .collect();
    // A major version has at most 16 digits (2^53 - 1 has 16), so the first dot is at 1..=16.
    let two_dots: Vec<Value> = (1..=16)
        .map(|i| {
            and(vec![
                op("===", json!([{"substr": [x, i, 1]}, "."])),
                op("in", json!([".", {"substr": [x, i + 1]}])),
            ])
        })
        .collect();
    and(vec![
        string(x),
        in_list(op("substr", json!([x, 0, 1])), digits),
        in_list(op("substr", json!([x, -1])), identifier_ends),
        not(op("in", json!(["+", x]))),
        op("or", Value::Array(two_dots)),
        op("sem_ver", json!([x, ">=", "0.0.0-0"])),
    ])
}
