//! Values during evaluation, with JavaScript's semantics. They borrow from the context and from
//! the prepared logic wherever they can, so that evaluating a rule allocates nothing in the
//! common case.

use super::js;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

/// What one evaluation sees: the caller's context plus flagd's `$flagd` properties.
#[derive(Debug)]
pub struct Env<'a> {
    pub ctx: &'a Map<String, Value>,
    pub flag_key: &'a str,
    pub timestamp: i64,
}

/// A JavaScript value as JsonLogic produces it. Arrays and objects compare by identity, as in
/// JavaScript, which `Json` keeps (a borrowed node has one address).
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    /// A JSON array or object, borrowed from the context or the logic.
    Json(&'a Value),
    /// An array computed during evaluation (`merge`, `map`, an array of expressions...).
    Arr(Rc<Vec<Val<'a>>>),
    /// The whole evaluation context, `$flagd` included.
    Root(&'a Env<'a>),
    /// The `$flagd` object: `{flagKey, timestamp}`.
    Flagd(&'a Env<'a>),
    /// `reduce`'s `{accumulator, current}`.
    Acc(Rc<(Val<'a>, Val<'a>)>),
    /// `Object.prototype` (what `x.__proto__` reads).
    Proto,
}

/// The result of reading a property.
pub enum Lookup<'a> {
    Undefined,
    Found(Val<'a>),
    /// A method of a prototype (`toString`...): JsonLogic turns it into `null`.
    Function,
}

const OBJECT_PROTOTYPE_METHODS: [&str; 11] = [
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

impl<'a> Val<'a> {
    pub fn from_json(v: &'a Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::Str(Cow::Borrowed(s)),
            Value::Array(_) | Value::Object(_) => Val::Json(v),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    pub fn is_str_or_null(&self) -> bool {
        matches!(self, Val::Null | Val::Str(_))
    }

    /// Arrays and objects (JavaScript's `typeof x === 'object' && x !== null`).
    pub fn is_object(&self) -> bool {
        matches!(
            self,
            Val::Json(_) | Val::Arr(_) | Val::Root(_) | Val::Flagd(_) | Val::Acc(_) | Val::Proto
        )
    }

    /// The elements of an array value.
    pub fn elements(&self) -> Option<Vec<Val<'a>>> {
        match self {
            Val::Arr(items) => Some(items.as_ref().clone()),
            Val::Json(Value::Array(items)) => Some(items.iter().map(Val::from_json).collect()),
            _ => None,
        }
    }

    pub fn array_len(&self) -> Option<usize> {
        match self {
            Val::Arr(items) => Some(items.len()),
            Val::Json(Value::Array(items)) => Some(items.len()),
            _ => None,
        }
    }

    pub fn element(&self, i: usize) -> Option<Val<'a>> {
        match self {
            Val::Arr(items) => items.get(i).cloned(),
            Val::Json(Value::Array(items)) => items.get(i).map(Val::from_json),
            _ => None,
        }
    }

    /// Plain JavaScript truthiness (`!x`).
    pub fn js_truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// json-logic-engine's `truthy`: also `[]` and `{}` are false.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Json(Value::Array(a)) => !a.is_empty(),
            Val::Json(Value::Object(o)) => !o.is_empty(),
            Val::Arr(a) => !a.is_empty(),
            Val::Proto => false,
            other => other.js_truthy(),
        }
    }

    /// Reads a property the way `x?.[key]` does.
    pub fn get(&self, key: &str) -> Lookup<'a> {
        let found = match self {
            Val::Null => return Lookup::Undefined,
            Val::Root(env) => match key {
                "$flagd" => Some(Val::Flagd(env)),
                _ => env.ctx.get(key).map(Val::from_json),
            },
            Val::Flagd(env) => match key {
                "flagKey" => Some(Val::Str(Cow::Borrowed(env.flag_key))),
                "timestamp" => Some(Val::Num(env.timestamp as f64)),
                _ => None,
            },
            Val::Json(Value::Object(map)) => map.get(key).map(Val::from_json),
            Val::Json(Value::Array(_)) | Val::Arr(_) => self.index_or_length(key),
            Val::Acc(pair) => match key {
                "accumulator" => Some(pair.0.clone()),
                "current" => Some(pair.1.clone()),
                _ => None,
            },
            Val::Str(s) => string_property(s, key),
            _ => None,
        };
        match found {
            Some(v) => Lookup::Found(v),
            None if key == "__proto__" => Lookup::Found(Val::Proto),
            None if OBJECT_PROTOTYPE_METHODS.contains(&key) => Lookup::Function,
            None => Lookup::Undefined,
        }
    }

    fn index_or_length(&self, key: &str) -> Option<Val<'a>> {
        let len = self.array_len()?;
        if key == "length" {
            return Some(Val::Num(len as f64));
        }
        self.element(array_index(key)?)
    }

    /// JavaScript's `ToNumber`, after json-logic-engine has ruled out objects where it does.
    pub fn to_number(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) => js::str_to_number(s),
            other => js::str_to_number(&other.to_js_string()),
        }
    }

    /// JavaScript's `String(x)` (arrays joined with ",", objects "[object Object]").
    pub fn to_js_string(&self) -> Cow<'a, str> {
        match self {
            Val::Str(s) => s.clone(),
            Val::Null => Cow::Borrowed("null"),
            Val::Bool(true) => Cow::Borrowed("true"),
            Val::Bool(false) => Cow::Borrowed("false"),
            other => {
                let mut out = String::new();
                other.write_js_string(&mut out);
                Cow::Owned(out)
            }
        }
    }

    pub fn write_js_string(&self, out: &mut String) {
        match self {
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Num(n) => js::write_number(out, *n),
            Val::Str(s) => out.push_str(s),
            Val::Json(Value::Array(items)) => join_json(items, out),
            Val::Arr(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !item.is_null() {
                        item.write_js_string(out);
                    }
                }
            }
            _ => out.push_str("[object Object]"),
        }
    }

    /// An owned JSON value (numbers that are integers become JSON integers).
    pub fn to_value(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => number_value(*n),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Json(v) => (*v).clone(),
            Val::Arr(items) => Value::Array(items.iter().map(Val::to_value).collect()),
            Val::Root(env) => {
                let mut map = env.ctx.clone();
                map.insert("$flagd".into(), flagd_object(env));
                Value::Object(map)
            }
            Val::Flagd(env) => flagd_object(env),
            Val::Acc(pair) => {
                let mut map = Map::new();
                map.insert("accumulator".into(), pair.0.to_value());
                map.insert("current".into(), pair.1.to_value());
                Value::Object(map)
            }
            Val::Proto => Value::Object(Map::new()),
        }
    }
}

fn flagd_object(env: &Env<'_>) -> Value {
    let mut map = Map::new();
    map.insert("flagKey".into(), Value::String(env.flag_key.to_owned()));
    map.insert("timestamp".into(), Value::from(env.timestamp));
    Value::Object(map)
}

/// JSON has no NaN or infinities; JSON.stringify writes them as null.
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        return Value::from(n as i64); // ok: integral and exactly representable
    }
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn join_json(items: &[Value], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if !item.is_null() {
            Val::from_json(item).write_js_string(out);
        }
    }
}

/// A canonical array index ("0", "12"; not "01" or "-1").
fn array_index(key: &str) -> Option<usize> {
    if key.is_empty()
        || !key.bytes().all(|b| b.is_ascii_digit())
        || (key.len() > 1 && key.starts_with('0'))
    {
        return None;
    }
    key.parse().ok()
}

fn string_property<'a>(s: &str, key: &str) -> Option<Val<'a>> {
    if key == "length" {
        return Some(Val::Num(js::utf16_len(s) as f64));
    }
    let i = array_index(key)?;
    let unit = s.encode_utf16().nth(i)?;
    Some(Val::Str(Cow::Owned(String::from_utf16_lossy(&[unit]))))
}

/// Identity of arrays and objects: the same borrowed node, or the same computed array.
fn same_object(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Json(x), Val::Json(y)) => std::ptr::eq(*x, *y),
        (Val::Arr(x), Val::Arr(y)) => Rc::ptr_eq(x, y),
        (Val::Acc(x), Val::Acc(y)) => Rc::ptr_eq(x, y),
        (Val::Root(_), Val::Root(_))
        | (Val::Flagd(_), Val::Flagd(_))
        | (Val::Proto, Val::Proto) => true,
        _ => false,
    }
}

/// `a === b`.
pub fn strict_eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        _ => same_object(a, b),
    }
}

/// `a === b` against a JSON value (for `includes` over a literal list), without converting.
pub fn strict_eq_json(a: &Val<'_>, b: &Value) -> bool {
    match (a, b) {
        (Val::Null, Value::Null) => true,
        (Val::Bool(x), Value::Bool(y)) => x == y,
        (Val::Num(x), Value::Number(y)) => y.as_f64() == Some(*x),
        (Val::Str(x), Value::String(y)) => x == y,
        (Val::Json(x), y) => std::ptr::eq(*x, y),
        _ => false,
    }
}

/// `a == b` (the Abstract Equality Comparison).
pub fn loose_eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        (x, y) if x.is_object() && y.is_object() => same_object(x, y),
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Str(s)) | (Val::Str(s), Val::Num(x)) => *x == js::str_to_number(s),
        (Val::Bool(x), other) | (other, Val::Bool(x)) => {
            loose_eq(&Val::Num(f64::from(u8::from(*x))), other)
        }
        (obj, prim) | (prim, obj) if obj.is_object() => {
            loose_eq(&Val::Str(obj.to_js_string()), prim)
        }
        _ => false,
    }
}

/// The Abstract Relational Comparison: strings by UTF-16 units, everything else as numbers;
/// `None` where JavaScript gets `undefined` (a NaN).
pub fn js_compare(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    let pa = primitive(a);
    let pb = primitive(b);
    if let (Val::Str(x), Val::Str(y)) = (&pa, &pb) {
        return Some(js::cmp_utf16(x, y));
    }
    pa.to_number().partial_cmp(&pb.to_number())
}

/// ToPrimitive: objects become their string form.
fn primitive<'a>(v: &Val<'a>) -> Val<'a> {
    if v.is_object() {
        Val::Str(v.to_js_string())
    } else {
        v.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_equality_follows_javascript() {
        let arr = json!(["a"]);
        let s = |x: &'static str| Val::Str(Cow::Borrowed(x));
        assert!(loose_eq(&Val::Num(5.0), &s("5")));
        assert!(loose_eq(&Val::Bool(true), &s("1")));
        assert!(!loose_eq(&Val::Null, &Val::Num(0.0)));
        assert!(loose_eq(&Val::Json(&arr), &s("a")));
        assert!(!loose_eq(&Val::Json(&arr), &Val::Json(&json!(["a"]))));
        assert!(loose_eq(&Val::Json(&arr), &Val::Json(&arr)));
        assert!(loose_eq(&Val::Num(0.0), &s(" ")));
    }

    #[test]
    fn relational_comparison_follows_javascript() {
        let s = |x: &'static str| Val::Str(Cow::Borrowed(x));
        assert_eq!(js_compare(&s("a"), &s("b")), Some(Ordering::Less));
        assert_eq!(
            js_compare(&s("10"), &Val::Num(9.0)),
            Some(Ordering::Greater)
        );
        assert_eq!(js_compare(&s("x"), &Val::Num(9.0)), None);
        assert_eq!(
            js_compare(&Val::Null, &Val::Num(0.0)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            js_compare(&Val::Json(&json!([5])), &Val::Num(6.0)),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn strings_of_values_follow_javascript() {
        let v = json!([1, null, [2, 3], {"a": 1}, true, 1.5]);
        assert_eq!(
            Val::Json(&v).to_js_string(),
            "1,,2,3,[object Object],true,1.5"
        );
        assert_eq!(Val::Num(1e21).to_js_string(), "1e+21");
    }
}
