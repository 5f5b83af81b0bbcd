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

/// JavaScript's `String(value)` for a JSON value, as flagd-core applies it to a targeting
/// result; the flagd evaluator's own conversion, so both engines derive the same key.
pub(crate) fn js_to_string(value: &Value) -> String {
    crate::flagd::value::Val::from_json(value)
        .to_js_string()
        .into_owned()
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
            assert_eq!(crate::flagd::js::number_to_string(x), want, "{x:e}");
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
