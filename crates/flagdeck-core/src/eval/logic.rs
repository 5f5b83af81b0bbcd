//! Advanced JsonLogic rules kept verbatim from a flagd import, run by the project's own flagd
//! evaluator, and the way flagd-core turns their result into a variation key (`toString()`).

use serde_json::{Map, Value};

use crate::checked::JsonLogicServe;

/// Run an advanced rule with the project's flagd evaluator: `Ok(null)` means "no match, go on";
/// `Err` is what would throw in flagd-core (the evaluation is then an error, as in flagd).
pub(crate) fn run(
    serve: &JsonLogicServe,
    ctx: &Map<String, Value>,
    flag_key: &str,
    at: i64,
) -> Result<Value, String> {
    serve.logic.evaluate(ctx, flag_key, at)
}

/// JavaScript's `String(value)` for a JSON value, as flagd-core applies it to a targeting result.
pub(crate) fn js_to_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), js_number),
        Value::String(s) => s.clone(),
        // Array.prototype.toString joins the elements, null ones as "".
        Value::Array(items) => items
            .iter()
            .map(|v| {
                if v.is_null() {
                    String::new()
                } else {
                    js_to_string(v)
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// JavaScript's `Number.prototype.toString()` (ECMA-262 Number::toString, radix 10).
pub(crate) fn js_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_owned();
    }
    if x < 0.0 {
        return format!("-{}", js_number(-x));
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as JavaScript uses: "1.2345e3".
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    // x = 0.digits × 10^n
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{rest}e{sign}{}", e.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_does() {
        let cases: [(f64, &str); 14] = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-5.0, "-5"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (123_456.789, "123456.789"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000_001, "0.000001"),
            (1.234_5e22, "1.2345e+22"),
            (18_446_744_073_709_551_615.0, "18446744073709552000"),
            (f64::MAX, "1.7976931348623157e+308"),
        ];
        for (x, want) in cases {
            assert_eq!(js_number(x), want, "{x:e}");
        }
    }

    #[test]
    fn values_print_as_javascript_string_does() {
        assert_eq!(js_to_string(&json!("on")), "on");
        assert_eq!(js_to_string(&json!(true)), "true");
        assert_eq!(js_to_string(&json!(false)), "false");
        assert_eq!(js_to_string(&json!(2)), "2");
        assert_eq!(js_to_string(&json!(2.5)), "2.5");
        assert_eq!(js_to_string(&json!(["a", null, 1, ["b", "c"]])), "a,,1,b,c");
        assert_eq!(js_to_string(&json!({"a": 1})), "[object Object]");
    }
}
