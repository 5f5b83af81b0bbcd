//! Operators over evaluated arguments: flagd's own (`fractional`, `sem_ver`, `starts_with`,
//! `ends_with`, as @openfeature/flagd-core 4.0.1 defines them) and json-logic-engine's plain
//! methods (`in`, `max`, `min`, `substr`, `merge`).

use super::eval::{EvalError, EvalResult};
use super::js;
use super::value::{Val, strict_eq, strict_eq_json};
use crate::bucket::murmur3_x86_32;
use crate::semver::{Version, parse_flagd};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

/// flagd's bound on the sum of `fractional` weights (Go's `math.MaxInt32`).
const MAX_TOTAL_WEIGHT: f64 = 2_147_483_647.0;

/// `(haystack || []).includes(needle)`: array membership by `===`, substring of a string;
/// a falsy haystack (`""` too) contains nothing, and a number, `true` or an object throws.
pub fn includes<'a>(needle: &Val<'a>, haystack: &Val<'a>) -> EvalResult<'a> {
    if !haystack.js_truthy() {
        return Ok(Val::Bool(false));
    }
    let found = match haystack {
        Val::Json(Value::Array(items)) => items.iter().any(|i| strict_eq_json(needle, i)),
        Val::Arr(items) => items.iter().any(|i| strict_eq(needle, i)),
        Val::Str(s) => s.contains(needle.to_js_string().as_ref()),
        _ => return Err(EvalError("'in' needs a list or a string to search")),
    };
    Ok(Val::Bool(found))
}

/// `starts_with` / `ends_with`: `null` unless given exactly two strings.
pub fn affix<'a>(args: &[Val<'a>], starts: bool) -> Val<'a> {
    match args {
        [Val::Str(s), Val::Str(affix)] if starts => Val::Bool(s.starts_with(affix.as_ref())),
        [Val::Str(s), Val::Str(affix)] => Val::Bool(s.ends_with(affix.as_ref())),
        _ => Val::Null,
    }
}

/// flagd's `sem_ver`: lenient parsing (crate::semver::parse_flagd), `^` and `~` compare only
/// the major (and minor) version; anything unparsable or unknown is `null`.
pub fn sem_ver<'a>(args: &[Val<'a>]) -> Val<'a> {
    let [left, op, right] = args else {
        return Val::Null;
    };
    let (Some(a), Some(b)) = (version(left), version(right)) else {
        return Val::Null;
    };
    let ord = a.compare(&b);
    let result = match op.to_js_string().as_ref() {
        "=" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">=" => ord != Ordering::Less,
        ">" => ord == Ordering::Greater,
        "^" => a.major == b.major,
        "~" => a.major == b.major && a.minor == b.minor,
        _ => return Val::Null,
    };
    Val::Bool(result)
}

/// `String(x)`, then flagd's lenient parse.
fn version(v: &Val<'_>) -> Option<Version> {
    parse_flagd(&Value::String(v.to_js_string().into_owned()))
}

/// flagd's `fractional` over `entries` (`[variant, weight?]` lists) for the bucket value
/// formed by `pieces`. The hash is murmur3 over UTF-8 (flagd's Go reference; flagd-core hashes
/// UTF-16 units, which agrees for ASCII only — DESIGN §4). Any malformed entry makes the whole
/// result `null`, as do weights summing above 2^31 - 1.
pub fn fractional<'a>(pieces: &[&[u8]], entries: &[Val<'a>]) -> Val<'a> {
    if entries.is_empty() {
        return Val::Null;
    }
    let mut total = 0.0f64;
    for entry in entries {
        match bucket_entry(entry) {
            Some((_, weight)) => total += weight,
            None => return Val::Null,
        }
    }
    if total > MAX_TOTAL_WEIGHT {
        return Val::Null;
    }
    let total = total as u64; // ok: a sum of non-negative integers ≤ 2^31 - 1
    let hash = murmur3_x86_32(pieces, 0);
    let bucket = (u64::from(hash) * total) >> 32;
    let mut sum = 0u64;
    for entry in entries {
        if let Some((variant, weight)) = bucket_entry(entry) {
            sum += weight as u64; // ok: integral, within the checked total
            if sum > bucket {
                return variant;
            }
        }
    }
    Val::Null
}

/// One `[variant, weight?]`: a string, number, boolean or null variant, an integer weight
/// (default 1, negative clamped to 0).
fn bucket_entry<'a>(entry: &Val<'a>) -> Option<(Val<'a>, f64)> {
    let len = entry.array_len()?;
    if len == 0 || len > 2 {
        return None;
    }
    let variant = match entry.element(0)? {
        v @ (Val::Str(_) | Val::Num(_) | Val::Bool(_) | Val::Null) => v,
        _ => return None,
    };
    let weight = match entry.element(1) {
        None => 1.0,
        Some(Val::Num(w)) if w.is_finite() && w.fract() == 0.0 => w.max(0.0),
        Some(_) => return None,
    };
    Some((variant, weight))
}

/// `max` / `min`: numbers only, at least one.
pub fn extreme<'a>(args: &[Val<'a>], max: bool) -> EvalResult<'a> {
    let mut best: Option<f64> = None;
    for arg in args {
        let Val::Num(n) = arg else {
            return Err(EvalError("'max' and 'min' take numbers only"));
        };
        best = Some(match best {
            Some(b) if (max && *n > b) || (!max && *n < b) => *n,
            Some(b) => b,
            None => *n,
        });
    }
    best.map(Val::Num)
        .ok_or(EvalError("'max' and 'min' need a number"))
}

/// json-logic-engine's `substr`: JavaScript's `substr`, with a negative length counting from
/// the end.
pub fn substr<'a>(args: &[Val<'a>]) -> EvalResult<'a> {
    let Some(Val::Str(s)) = args.first() else {
        return Err(EvalError("'substr' needs a string"));
    };
    let from = args.get(1).map_or(0.0, Val::to_number);
    let out = match args.get(2) {
        None => js::substr(s, from, None),
        Some(end) if super::value::js_compare(end, &Val::Num(0.0)) == Some(Ordering::Less) => {
            let rest = js::substr(s, from, None);
            let len = js::utf16_len(&rest) as f64;
            js::substr(&rest, 0.0, Some(len + end.to_number()))
        }
        Some(end) => js::substr(s, from, Some(end.to_number())),
    };
    Ok(Val::Str(Cow::Owned(out)))
}

/// `merge`: one level of arrays flattened.
pub fn merge<'a>(args: &[Val<'a>]) -> Val<'a> {
    let mut out = Vec::new();
    for arg in args {
        match arg.elements() {
            Some(items) => out.extend(items),
            None => out.push(arg.clone()),
        }
    }
    Val::Arr(Rc::new(out))
}
