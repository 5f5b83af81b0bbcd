//! The evaluator against outcomes recorded from @openfeature/flagd-core 4.0.1 itself.
//!
//! `testdata/logic_cases.jsonl` holds `[logic, context, outcome]` lines, produced by running each
//! rule through flagd-core's `FeatureFlag` (flag key "flag", `Date.now()` fixed at
//! 1 700 000 000 s). The outcome is `{"v": result}`, `"THROW"` (evaluation throws: ERROR/GENERAL),
//! `"PARSE"` (the rule does not build: PARSE_ERROR) or `"NOTARGETING"` (flagd-core ignores it).

use super::*;
use crate::resolution::{ErrorCode, Reason};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const FLAG_KEY: &str = "flag";
const NOW: i64 = 1_700_000_000;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[test]
fn matches_recorded_flagd_core_outcomes() {
    let table = include_str!("testdata/logic_cases.jsonl");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in table.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("valid table line");
        let (logic, ctx, expected) = (&case[0], obj(case[1].clone()), &case[2]);
        count += 1;
        let got = match Logic::compile(logic) {
            Err(_) => json!("PARSE"),
            Ok(l) => match l.evaluate(&ctx, FLAG_KEY, NOW) {
                Err(_) => json!("THROW"),
                Ok(v) => json!({ "v": v }),
            },
        };
        let ok = match expected.as_str() {
            Some("NOTARGETING") => got.get("v").is_some(),
            _ => &got == expected,
        };
        if !ok {
            failures.push(format!(
                "{logic} with {} gave {got}, flagd-core {expected}",
                Value::Object(ctx)
            ));
        }
    }
    assert!(count > 200, "the table is loaded");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unknown_operators_and_multi_key_objects_do_not_compile() {
    for bad in [
        json!({"foo": [1]}),
        json!({"var": "x", "y": 1}),
        json!({"if": [{"nope": 1}, 1, 2]}),
    ] {
        let err = Logic::compile(&bad).expect_err("should not compile");
        assert!(err.ends_with('.'), "a sentence: {err}");
    }
}

#[test]
fn constants_are_computed_once() {
    let logic = Logic::compile(&json!({"if": [{"==": [1, 1]}, "a", "b"]})).expect("compiles");
    assert_eq!(logic.as_const(), Some(&json!("a")));
    let dynamic = Logic::compile(&json!({"if": [{"var": "x"}, "a", "b"]})).expect("compiles");
    assert_eq!(dynamic.as_const(), None);
}

#[test]
fn flagd_properties_hide_the_context_ones() {
    let logic = Logic::compile(
        &json!({"cat": [{"var": "$flagd.flagKey"}, "@", {"var": "$flagd.timestamp"}]}),
    )
    .expect("compiles");
    let ctx = obj(json!({"$flagd": {"flagKey": "spoofed", "timestamp": 1}}));
    assert_eq!(logic.evaluate(&ctx, "real", 42), Ok(json!("real@42")));
}

#[test]
fn fractional_hashes_utf8_like_flagds_go_reference() {
    // murmur3("new-checkoutZoë" as UTF-8) = 654518012 (FLAGD-NOTES §2.7): bucket of 100 is 15.
    let logic = Logic::compile(&json!({"fractional": [
        {"cat": [{"var": "$flagd.flagKey"}, {"var": "name"}]}, ["low", 16], ["high", 84]
    ]}))
    .expect("compiles");
    let ctx = obj(json!({"name": "Zoë"}));
    assert_eq!(logic.evaluate(&ctx, "new-checkout", NOW), Ok(json!("low")));
    // The shorthand and an explicit `cat` bucket the same ASCII value identically.
    let shorthand =
        Logic::compile(&json!({"fractional": [["a", 1], ["b", 1], ["c", 1], ["d", 1]]}))
            .expect("compiles");
    let explicit = Logic::compile(&json!({"fractional": [
        {"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]}, ["a", 1], ["b", 1], ["c", 1], ["d", 1]
    ]}))
    .expect("compiles");
    for i in 0..50 {
        let ctx = obj(json!({"targetingKey": format!("user-{i}")}));
        assert_eq!(
            shorthand.evaluate(&ctx, "f", NOW),
            explicit.evaluate(&ctx, "f", NOW)
        );
    }
}

const FILE: &str = r#"{
  "$evaluators": {
    "isBeta": {"in": [{"var": "targetingKey"}, ["u1", "u2"]]},
    "betaOrStaff": {"or": [{"$ref": "isBeta"}, {"ends_with": [{"var": "email"}, "@acme.com"]}]}
  },
  "flags": {
    "static": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
    "off": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"},
    "targeted": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
      "targeting": {"if": [{"$ref": "betaOrStaff"}, "on", null]}},
    "numbers": {"state": "ENABLED", "variants": {"1": 1, "2.5": 2.5, "true": "yes"}, "defaultVariant": "1",
      "targeting": {"if": [{"var": "half"}, {"/": [5, 2]}, {"var": "flag"}]}},
    "noDefault": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "",
      "targeting": {"if": [{"var": "x"}, "a", null]}},
    "badTarget": {"state": "ENABLED", "variants": {"a": "A"}, "targeting": {"nope": []}},
    "unknownRef": {"state": "ENABLED", "variants": {"a": "A"}, "targeting": {"$ref": "missing"}},
    "throws": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "a",
      "targeting": {"<": [{"var": "age"}, 18]}},
    "emptyTargeting": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "a", "targeting": {}},
    "objects": {"state": "ENABLED", "variants": {"o": {"k": 1}, "l": [1]}, "defaultVariant": "o",
      "targeting": {"if": [{"var": "list"}, "l", "o"]}}
  }
}"#;

fn resolve(
    defs: &Definitions,
    key: &str,
    ty: FlagdType,
    ctx: Value,
) -> crate::resolution::Resolution {
    defs.resolve(key, ty, Some(&json!("DEFAULT")), &obj(ctx), NOW)
}

#[test]
fn resolves_like_flagd_core() {
    let defs = Definitions::parse(FILE).expect("parses");
    let r = resolve(&defs, "static", FlagdType::Boolean, json!({}));
    assert_eq!(
        (r.value, r.variant.as_deref(), r.reason),
        (Some(json!(true)), Some("on"), Reason::Static)
    );

    let r = resolve(&defs, "nope", FlagdType::Boolean, json!({}));
    assert_eq!(
        (r.value, r.error_code),
        (Some(json!("DEFAULT")), Some(ErrorCode::FlagNotFound))
    );

    let r = resolve(&defs, "off", FlagdType::Boolean, json!({}));
    assert_eq!(
        (r.value, r.variant, r.reason),
        (Some(json!("DEFAULT")), None, Reason::Disabled)
    );

    let r = resolve(
        &defs,
        "targeted",
        FlagdType::Boolean,
        json!({"email": "a@acme.com"}),
    );
    assert_eq!(
        (r.value, r.reason),
        (Some(json!(true)), Reason::TargetingMatch)
    );
    let r = resolve(
        &defs,
        "targeted",
        FlagdType::Boolean,
        json!({"targetingKey": "u2"}),
    );
    assert_eq!(r.variant.as_deref(), Some("on"), "nested $ref resolved");
    let r = resolve(
        &defs,
        "targeted",
        FlagdType::Boolean,
        json!({"targetingKey": "u3"}),
    );
    assert_eq!((r.value, r.reason), (Some(json!(false)), Reason::Default));
    let r = resolve(&defs, "targeted", FlagdType::String, json!({}));
    assert_eq!(
        (r.value, r.error_code),
        (Some(json!("DEFAULT")), Some(ErrorCode::TypeMismatch))
    );
}

#[test]
fn results_become_variant_keys_like_javascripts_to_string() {
    let defs = Definitions::parse(FILE).expect("parses");
    let r = resolve(&defs, "numbers", FlagdType::Float, json!({"half": 1}));
    assert_eq!(
        (r.value, r.variant.as_deref()),
        (Some(json!(2.5)), Some("2.5"))
    );
    let r = resolve(&defs, "numbers", FlagdType::String, json!({"flag": true}));
    assert_eq!(
        (r.value, r.variant.as_deref()),
        (Some(json!("yes")), Some("true"))
    );
    let r = resolve(&defs, "numbers", FlagdType::Integer, json!({"flag": 1}));
    assert_eq!(r.value, Some(json!(1)));
    let r = resolve(&defs, "numbers", FlagdType::Integer, json!({"half": 1}));
    assert_eq!(
        r.error_code,
        Some(ErrorCode::TypeMismatch),
        "2.5 is not an integer"
    );
    let r = resolve(&defs, "numbers", FlagdType::Float, json!({"flag": "zzz"}));
    assert_eq!(
        (r.reason, r.error_code, r.value),
        (
            Reason::Error,
            Some(ErrorCode::General),
            Some(json!("DEFAULT"))
        )
    );
}

#[test]
fn errors_and_missing_values_follow_flagd_core() {
    let defs = Definitions::parse(FILE).expect("parses");
    let r = resolve(&defs, "noDefault", FlagdType::String, json!({}));
    assert_eq!(
        (r.value, r.variant, r.reason, r.error_code),
        (Some(json!("DEFAULT")), None, Reason::Default, None)
    );
    let r = defs.resolve("noDefault", FlagdType::String, None, &Map::new(), NOW);
    assert_eq!(r.value, None);
    for key in ["badTarget", "unknownRef"] {
        let r = resolve(&defs, key, FlagdType::String, json!({}));
        assert_eq!(r.error_code, Some(ErrorCode::ParseError), "{key}");
    }
    let r = resolve(&defs, "throws", FlagdType::String, json!({"age": "old"}));
    assert_eq!(r.error_code, Some(ErrorCode::General));
    let r = resolve(&defs, "throws", FlagdType::String, json!({}));
    assert_eq!(
        r.error_code,
        Some(ErrorCode::General),
        "null < 18 is true, and 'true' is no variant"
    );
    let r = resolve(&defs, "emptyTargeting", FlagdType::String, json!({}));
    assert_eq!((r.value, r.reason), (Some(json!("A")), Reason::Static));
    let r = resolve(&defs, "objects", FlagdType::Object, json!({"list": true}));
    assert_eq!(
        r.value,
        Some(json!([1])),
        "arrays pass the object type, as typeof says"
    );
}

#[test]
fn exposes_what_import_needs() {
    let defs = Definitions::parse(FILE).expect("parses");
    assert_eq!(defs.flag_keys().count(), 10);
    let flag = defs.flag("targeted").expect("exists");
    assert_eq!(flag.state(), FlagState::Enabled);
    assert_eq!(flag.default_variant(), Some("off"));
    assert_eq!(flag.variants().len(), 2);
    let targeting = flag.targeting().expect("has targeting").to_string();
    assert!(
        !targeting.contains("$ref") && targeting.contains("@acme.com"),
        "{targeting}"
    );
    assert!(
        defs.flag("emptyTargeting")
            .and_then(FlagDefinition::targeting)
            .is_none()
    );
    assert!(matches!(
        defs.flag("badTarget").and_then(FlagDefinition::logic),
        Some(Err(_))
    ));
}

#[test]
fn structural_errors_reject_the_file() {
    let bad = [
        "not json",
        "[]",
        r#"{"flags": {"f": {"state": "ON", "variants": {"a": 1}}}}"#,
        r#"{"flags": {"f": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": "b"}}}"#,
        r#"{"flags": {"f": {"state": "ENABLED"}}}"#,
        r#"{"flags": {"f": 5}}"#,
        r#"{"flags": {"f": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": 1}}}"#,
    ];
    for text in bad {
        let err = Definitions::parse(text).expect_err(text);
        assert!(err.ends_with('.'), "a sentence: {err}");
    }
    let ok =
        r#"{"flags": {"f": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": null}}}"#;
    assert_eq!(Definitions::parse(ok).map(|d| d.len()), Ok(1));
}

#[test]
fn evaluator_cycles_do_not_loop() {
    let text = r#"{"$evaluators": {"a": {"!": {"$ref": "b"}}, "b": {"!": {"$ref": "a"}}},
        "flags": {"f": {"state": "ENABLED", "variants": {"true": 1}, "targeting": {"$ref": "a"}}}}"#;
    let defs = Definitions::parse(text).expect("parses");
    let r = defs.resolve("f", FlagdType::Float, None, &Map::new(), NOW);
    assert_eq!(
        r.error_code,
        Some(ErrorCode::ParseError),
        "the innermost reference stays unknown"
    );
}

/// Every positive example of the flagd schemas must load. The folder is part of the development
/// checkout only; without it the test says so and passes.
#[test]
fn conformance_examples_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/flagd-schemas/json");
    let dirs = [root.join("test/flags/positive"), root.join("examples")];
    if !dirs.iter().all(|d| d.is_dir()) {
        println!("SKIPPED: {} is absent", root.display());
        return;
    }
    let mut parsed = 0;
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("readable file");
            let defs =
                Definitions::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for key in defs.flag_keys() {
                let flag = defs.flag(key).expect("listed");
                assert!(
                    !matches!(flag.logic(), Some(Err(_))),
                    "{}: {key} targeting compiles",
                    path.display()
                );
            }
            parsed += 1;
        }
    }
    assert!(parsed >= 10, "found the examples ({parsed})");
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z0-9.\\\\ ]{0,6}".prop_map(Value::String),
        prop::sample::select(vec![
            "var",
            "if",
            "==",
            "===",
            "<",
            "in",
            "cat",
            "+",
            "/",
            "%",
            "map",
            "reduce",
            "fractional",
            "sem_ver",
            "starts_with",
            "merge",
            "missing",
            "substr",
            "and",
            "or",
            "!",
            "max",
            "all",
            "-",
            "*",
            "",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            (
                prop::sample::select(vec![
                    "var",
                    "if",
                    "==",
                    "!=",
                    "===",
                    "<",
                    "<=",
                    ">",
                    "in",
                    "cat",
                    "+",
                    "-",
                    "*",
                    "/",
                    "%",
                    "map",
                    "filter",
                    "all",
                    "some",
                    "none",
                    "reduce",
                    "fractional",
                    "sem_ver",
                    "starts_with",
                    "ends_with",
                    "merge",
                    "missing",
                    "missing_some",
                    "substr",
                    "and",
                    "or",
                    "!",
                    "!!",
                    "max",
                    "min",
                    "??",
                    "x",
                ]),
                inner
            )
                .prop_map(|(k, v)| {
                    let mut m = Map::new();
                    m.insert(k.to_owned(), v);
                    Value::Object(m)
                }),
        ]
    })
}

proptest! {
    #[test]
    fn compiling_and_evaluating_never_panics(rule in arb_json(), ctx in arb_json(), x in arb_json()) {
        if let Ok(logic) = Logic::compile(&rule) {
            let mut map = obj(ctx);
            map.insert("x".into(), x);
            let _ = logic.evaluate(&map, "flag", NOW);
        }
    }

    #[test]
    fn parsing_any_text_never_panics(text in ".{0,200}") {
        let _ = Definitions::parse(&text);
    }

    #[test]
    fn parsing_any_flag_never_panics(flag in arb_json(), targeting in arb_json()) {
        let doc = json!({"$evaluators": {"e": targeting.clone()}, "flags": {"f": flag, "g": {
            "state": "ENABLED", "variants": {"a": 1}, "targeting": {"or": [targeting, {"$ref": "e"}]}}}});
        if let Ok(defs) = Definitions::parse(&doc.to_string()) {
            for key in ["f", "g"] {
                let _ = defs.resolve(key, FlagdType::Object, None, &Map::new(), NOW);
            }
        }
    }
}
