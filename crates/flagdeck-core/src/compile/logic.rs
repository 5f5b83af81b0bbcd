//! Small builders for flagd's JsonLogic that fold constants.
//!
//! Every condition the compiler builds is only ever read for its truthiness (as the first operand
//! of an `if`, or inside `and`/`or`/`!`), so folding `true`/`false` operands away is exact. Folding
//! also keeps the output inside the schema, which forbids empty `and`/`or`.

use serde_json::{Map, Value, json};

/// `{"var": name}`.
pub fn var(name: &str) -> Value {
    json!({ "var": name })
}

/// The context's `targetingKey`.
pub fn targeting_key() -> Value {
    var("targetingKey")
}

/// The instant flagd evaluates at, in whole Unix seconds.
pub fn timestamp() -> Value {
    var("$flagd.timestamp")
}

/// A one-operator expression `{op: args}`.
pub fn op(name: &str, args: Value) -> Value {
    let mut map = Map::new();
    map.insert(name.to_owned(), args);
    Value::Object(map)
}

/// Conjunction; `true` operands are dropped, a `false` operand makes the whole `false`.
pub fn and(parts: Vec<Value>) -> Value {
    let mut kept = Vec::with_capacity(parts.len());
    for part in flatten("and", parts) {
        match part {
            Value::Bool(true) => {}
            Value::Bool(false) => return Value::Bool(false),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Value::Bool(true),
        1 => kept.pop().unwrap_or(Value::Bool(true)),
        _ => op("and", Value::Array(kept)),
    }
}

/// Disjunction; `false` operands are dropped, a `true` operand makes the whole `true`.
pub fn or(parts: Vec<Value>) -> Value {
    let mut kept = Vec::with_capacity(parts.len());
    for part in flatten("or", parts) {
        match part {
            Value::Bool(false) => {}
            Value::Bool(true) => return Value::Bool(true),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Value::Bool(false),
        1 => kept.pop().unwrap_or(Value::Bool(false)),
        _ => op("or", Value::Array(kept)),
    }
}

/// The operands of `parts`, with nested `{name: [...]}` operands spliced in (`and` and `or`
/// are associative for truthiness).
fn flatten(name: &str, parts: Vec<Value>) -> Vec<Value> {
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Value::Object(map) if map.len() == 1 && map.get(name).is_some_and(Value::is_array) => {
                if let Some(Value::Array(inner)) = map.into_iter().next().map(|(_, v)| v) {
                    flat.extend(inner);
                }
            }
            other => flat.push(other),
        }
    }
    flat
}

/// Negation.
pub fn not(value: Value) -> Value {
    match value {
        Value::Bool(b) => Value::Bool(!b),
        other => op("!", other),
    }
}

/// `{"===": [a, b]}`: never coerces, never throws.
pub fn strict_eq(a: Value, b: Value) -> Value {
    op("===", json!([a, b]))
}

/// `{"!==": [a, b]}`: never coerces, never throws.
pub fn strict_ne(a: Value, b: Value) -> Value {
    op("!==", json!([a, b]))
}

/// Membership of `needle` in a literal list (`Array.includes`: strict, no coercion). An empty
/// list can hold nothing.
pub fn in_list(needle: Value, list: Vec<Value>) -> Value {
    if list.is_empty() {
        return Value::Bool(false);
    }
    op("in", json!([needle, list]))
}

/// A JSON number for an operand: integral values in JavaScript's safe range are written as
/// integers (`18`, not `18.0`), so the file reads naturally; both parse to the same double.
pub fn number(value: f64) -> Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if value.fract() == 0.0 && value.abs() <= SAFE {
        // Exact: an integral double within the safe range converts to i64 without loss.
        return Value::from(value as i64);
    }
    // Operands come from JSON documents, so they are finite; a non-finite value cannot occur.
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// An `if` chain: the value of the first pair whose condition holds, else `otherwise`.
///
/// A literally false condition drops its pair; a literally true one ends the chain there.
pub fn if_chain(pairs: Vec<(Value, Value)>, otherwise: Value) -> Value {
    let mut args = Vec::with_capacity(pairs.len() * 2 + 1);
    let mut last = otherwise;
    for (cond, value) in pairs {
        match cond {
            Value::Bool(false) => {}
            Value::Bool(true) => {
                last = value;
                break;
            }
            cond => {
                args.push(cond);
                args.push(value);
            }
        }
    }
    if args.is_empty() {
        return last;
    }
    args.push(last);
    op("if", Value::Array(args))
}

/// Whether `value` holds an object with a `$ref` key anywhere (flagd would resolve it as an
/// evaluator reference).
pub fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("$ref") || map.values().any(contains_ref),
        Value::Array(items) => items.iter().any(contains_ref),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A boolean expression, evaluated directly and through the folding builders.
    #[derive(Debug, Clone)]
    enum Expr {
        Const(bool),
        Var(usize),
        And(Vec<Expr>),
        Or(Vec<Expr>),
        Not(Box<Expr>),
    }

    fn expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Expr::Const),
            (0usize..4).prop_map(Expr::Var)
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::And),
                prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::Or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        })
    }

    fn direct(e: &Expr, vars: &[bool; 4]) -> bool {
        match e {
            Expr::Const(b) => *b,
            Expr::Var(i) => vars[*i],
            Expr::And(parts) => parts.iter().all(|p| direct(p, vars)),
            Expr::Or(parts) => parts.iter().any(|p| direct(p, vars)),
            Expr::Not(inner) => !direct(inner, vars),
        }
    }

    fn build(e: &Expr) -> Value {
        match e {
            Expr::Const(b) => Value::Bool(*b),
            Expr::Var(i) => var(&format!("v{i}")),
            Expr::And(parts) => and(parts.iter().map(build).collect()),
            Expr::Or(parts) => or(parts.iter().map(build).collect()),
            Expr::Not(inner) => not(build(inner)),
        }
    }

    /// JsonLogic truthiness of what the builders emit; also checks `and`/`or` are never empty.
    fn truthy(logic: &Value, vars: &[bool; 4]) -> bool {
        match logic {
            Value::Bool(b) => *b,
            Value::Object(map) => {
                let (name, args) = map.iter().next().expect("one operator");
                let items = || args.as_array().expect("an operand list");
                match name.as_str() {
                    "var" => {
                        vars[args
                            .as_str()
                            .and_then(|v| v[1..].parse::<usize>().ok())
                            .expect("v<i>")]
                    }
                    "and" => {
                        assert!(items().len() >= 2, "and needs operands: {logic}");
                        items().iter().all(|p| truthy(p, vars))
                    }
                    "or" => {
                        assert!(items().len() >= 2, "or needs operands: {logic}");
                        items().iter().any(|p| truthy(p, vars))
                    }
                    "!" => !truthy(args, vars),
                    other => panic!("unexpected operator {other}"),
                }
            }
            other => panic!("unexpected value {other}"),
        }
    }

    proptest! {
        #[test]
        fn folding_keeps_the_truth_of_every_expression(e in expr(), bits in 0u8..16) {
            let vars = [bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0];
            prop_assert_eq!(truthy(&build(&e), &vars), direct(&e, &vars));
        }
    }

    #[test]
    fn and_or_fold_constants_and_never_come_out_empty() {
        let x = var("x");
        assert_eq!(and(vec![]), json!(true));
        assert_eq!(or(vec![]), json!(false));
        assert_eq!(and(vec![json!(true), x.clone()]), x);
        assert_eq!(and(vec![x.clone(), json!(false)]), json!(false));
        assert_eq!(or(vec![json!(false), x.clone()]), x);
        assert_eq!(or(vec![x.clone(), json!(true)]), json!(true));
        assert_eq!(
            and(vec![x.clone(), x.clone()]),
            json!({"and": [{"var": "x"}, {"var": "x"}]})
        );
        assert_eq!(not(json!(true)), json!(false));
        let nested = and(vec![
            and(vec![x.clone(), var("y")]),
            or(vec![x.clone(), var("y")]),
        ]);
        assert_eq!(
            nested,
            json!({"and": [{"var": "x"}, {"var": "y"}, {"or": [{"var": "x"}, {"var": "y"}]}]})
        );
    }

    #[test]
    fn numbers_are_written_as_integers_when_they_are_integral() {
        assert_eq!(number(18.0).to_string(), "18");
        assert_eq!(number(-0.0).to_string(), "0");
        assert_eq!(number(1.5).to_string(), "1.5");
        assert_eq!(number(1e300).to_string(), "1e+300");
    }

    #[test]
    fn if_chains_drop_false_conditions_and_stop_at_true_ones() {
        let x = var("x");
        assert_eq!(if_chain(vec![], json!("a")), json!("a"));
        assert_eq!(
            if_chain(vec![(json!(false), json!("b"))], json!("a")),
            json!("a")
        );
        assert_eq!(
            if_chain(
                vec![(json!(true), json!("b")), (x.clone(), json!("c"))],
                json!("a")
            ),
            json!("b")
        );
        assert_eq!(
            if_chain(
                vec![(x.clone(), json!("b")), (json!(true), json!("c"))],
                json!("a")
            ),
            json!({"if": [{"var": "x"}, "b", "c"]})
        );
        assert_eq!(in_list(x, vec![]), json!(false));
    }

    #[test]
    fn finds_refs_at_any_depth() {
        assert!(contains_ref(
            &json!({"if": [{"and": [{"$ref": "a"}]}, "x", null]})
        ));
        assert!(!contains_ref(
            &json!({"if": [{"===": [{"var": "x"}, "$ref"]}, "x", null]})
        ));
    }
}
