//! Edge cases with an independent oracle: a project exercising every operator against the values
//! that trip flagd's JsonLogic (missing, null, mistyped, coercible, unicode, empty), segments,
//! rollouts, schedules and ramps, with the variant each case must get computed by a small oracle
//! of DESIGN §3/§4 written here. The test checks the native evaluator against the oracle, and
//! writes the compiled file and the cases to `target/edge-cases/` for `scripts/test.sh`, which
//! checks @openfeature/flagd-core and the Rust flagd evaluator against the same expectations.

use serde_json::{Value, json};

use super::compile_text;
use super::tests::{flag_env, leaf, phase, project, segment};
use crate::checked::{
    Cond, Flag, FlagVariation, Op, RampPlan, Rollout, SemverOp, ServePlan, ramp_points,
};
use crate::model::{AttributeType, FlagType};
use crate::semver::{Version, parse_strict};

const YES: usize = 0;
const NO: usize = 1;
const UNKNOWN: usize = 2;
const NAMES: [&str; 3] = ["yes", "no", "unknown"];

fn string_flag(key: &str, fe: crate::checked::FlagEnv) -> Flag {
    Flag {
        key: key.into(),
        name: key.into(),
        kind: FlagType::String,
        variations: NAMES
            .iter()
            .map(|n| FlagVariation {
                key: (*n).into(),
                value: json!(n),
            })
            .collect(),
        envs: vec![Some(fe)],
    }
}

type Oracle = Box<dyn Fn(Option<&Value>) -> Option<bool>>;

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

fn num(v: Option<&Value>) -> Option<f64> {
    v.filter(|v| v.is_number()).and_then(Value::as_f64)
}

fn semver(v: Option<&Value>) -> Option<Version> {
    text(v).and_then(parse_strict)
}

fn semver_cmp(v: Option<&Value>, target: &str) -> Option<std::cmp::Ordering> {
    let target = parse_strict(target)?;
    semver(v).map(|v| v.compare(&target))
}

/// (name, attribute, condition, oracle on the attribute's value; `None` = unknown).
fn leaves() -> Vec<(&'static str, &'static str, Cond, Oracle)> {
    use AttributeType as T;
    let s = |x: &str| x.to_owned();
    let v120 = parse_strict("1.2.0").unwrap_or(Version {
        major: 1,
        minor: 2,
        patch: 0,
        pre: vec![],
    });
    let alpha = parse_strict("1.2.3-alpha").unwrap_or(v120.clone());
    vec![
        (
            "eq",
            "country",
            leaf("country", T::String, Op::StrEquals(s("DE"))),
            Box::new(|v| text(v).map(|t| t == "DE")),
        ),
        (
            "neq",
            "country",
            leaf("country", T::String, Op::StrNotEquals(s("DE"))),
            Box::new(|v| text(v).map(|t| t != "DE")),
        ),
        (
            "in",
            "country",
            leaf("country", T::String, Op::StrIn(vec![s("DE"), s("FR")])),
            Box::new(|v| text(v).map(|t| t == "DE" || t == "FR")),
        ),
        (
            "not-in",
            "country",
            leaf("country", T::String, Op::StrNotIn(vec![s("DE"), s("")])),
            Box::new(|v| text(v).map(|t| t != "DE" && !t.is_empty())),
        ),
        (
            "contains-empty",
            "country",
            leaf("country", T::String, Op::Contains(s(""))),
            Box::new(|v| text(v).map(|_| true)),
        ),
        (
            "contains",
            "country",
            leaf("country", T::String, Op::Contains(s("E"))),
            Box::new(|v| text(v).map(|t| t.contains('E'))),
        ),
        (
            "contains-unicode",
            "country",
            leaf("country", T::String, Op::Contains(s("ë"))),
            Box::new(|v| text(v).map(|t| t.contains('ë'))),
        ),
        (
            "eq-dollar",
            "country",
            leaf("country", T::String, Op::StrEquals(s("a$&b$$c"))),
            Box::new(|v| text(v).map(|t| t == "a$&b$$c")),
        ),
        (
            "not-contains",
            "country",
            leaf("country", T::String, Op::NotContains(s("E"))),
            Box::new(|v| text(v).map(|t| !t.contains('E'))),
        ),
        (
            "starts",
            "country",
            leaf("country", T::String, Op::StartsWith(s("D"))),
            Box::new(|v| text(v).map(|t| t.starts_with('D'))),
        ),
        (
            "ends-empty",
            "country",
            leaf("country", T::String, Op::EndsWith(s(""))),
            Box::new(|v| text(v).map(|_| true)),
        ),
        (
            "lt",
            "age",
            leaf("age", T::Number, Op::Lt(18.0)),
            Box::new(|v| num(v).map(|n| n < 18.0)),
        ),
        (
            "gte",
            "age",
            leaf("age", T::Number, Op::Gte(2.5)),
            Box::new(|v| num(v).map(|n| n >= 2.5)),
        ),
        (
            "num-eq",
            "age",
            leaf("age", T::Number, Op::NumEquals(0.0)),
            Box::new(|v| num(v).map(|n| n == 0.0)),
        ),
        (
            "num-not-in",
            "age",
            leaf("age", T::Number, Op::NumNotIn(vec![5.0, 2.5])),
            Box::new(|v| num(v).map(|n| n != 5.0 && n != 2.5)),
        ),
        (
            "is-true",
            "beta",
            leaf("beta", T::Boolean, Op::IsTrue),
            Box::new(|v| v.and_then(Value::as_bool)),
        ),
        (
            "before",
            "signupAt",
            leaf("signupAt", T::Datetime, Op::Before(1_700_000_000.0)),
            Box::new(|v| num(v).map(|n| n < 1_700_000_000.0)),
        ),
        (
            "after",
            "signupAt",
            leaf("signupAt", T::Datetime, Op::After(1_700_000_000.5)),
            Box::new(|v| num(v).map(|n| n > 1_700_000_000.5)),
        ),
        (
            "exists",
            "country",
            leaf("country", T::String, Op::Exists),
            Box::new(|v| Some(v.is_some())),
        ),
        (
            "caret",
            "appVersion",
            leaf(
                "appVersion",
                T::Semver,
                Op::Semver(SemverOp::Caret, v120.clone()),
            ),
            Box::new(|v| {
                semver(v).map(|x| {
                    x.major == 1 && semver_cmp(v, "1.2.0") != Some(std::cmp::Ordering::Less)
                })
            }),
        ),
        (
            "tilde",
            "appVersion",
            leaf("appVersion", T::Semver, Op::Semver(SemverOp::Tilde, v120)),
            Box::new(|v| semver(v).map(|x| x.major == 1 && x.minor == 2)),
        ),
        (
            "sv-gt",
            "appVersion",
            leaf("appVersion", T::Semver, Op::Semver(SemverOp::Gt, alpha)),
            Box::new(|v| semver_cmp(v, "1.2.3-alpha").map(|o| o == std::cmp::Ordering::Greater)),
        ),
    ]
}

fn weird_values() -> Vec<Option<Value>> {
    let mut values: Vec<Option<Value>> = vec![None];
    values.extend(
        [
            json!(null),
            json!("DE"),
            json!("FR"),
            json!(""),
            json!("D"),
            json!("E"),
            json!("5"),
            json!("12"),
            json!("abc"),
            json!("Zoë"),
            json!("山田"),
            json!("a$&b$$c"),
            json!("a$&b$c"),
            json!(5),
            json!(0),
            json!(18),
            json!(17.5),
            json!(2.5),
            json!(true),
            json!(false),
            json!([]),
            json!(["DE"]),
            json!([5]),
            json!({}),
            json!({"a": 1}),
            json!({"toString": "x"}),
            json!({"toString": 1, "valueOf": 2}),
            json!({"valueOf": 1}),
            json!("1.2.0"),
            json!("1.3.0"),
            json!("1.1.9"),
            json!("2.0.0"),
            json!("v1.2.0"),
            json!("1.2"),
            json!("1.2.0+b"),
            json!(" 1.2.0"),
            json!("1.2.0\n"),
            json!("1.2.0.0"),
            json!("01.2.0"),
            json!("1.2.3-alpha"),
            json!("1.2.3-beta"),
            json!("1.2.3"),
            json!("1.2.4-0"),
            json!(1_699_999_999),
            json!(1_700_000_000),
            json!(1_700_000_000.5),
            json!(1_700_000_001),
        ]
        .into_iter()
        .map(Some),
    );
    values
}

fn variant_of(answer: Option<bool>) -> &'static str {
    match answer {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// Rule 1: c → yes; rule 2: not c → no; fallthrough: unknown.
fn condition_flag(key: &str, cond: Cond) -> Flag {
    let rules = vec![
        (Some(cond.clone()), ServePlan::Variation(YES)),
        (Some(Cond::Not(Box::new(cond))), ServePlan::Variation(NO)),
    ];
    string_flag(
        key,
        flag_env(None, vec![], rules, ServePlan::Variation(UNKNOWN), vec![]),
    )
}

fn case(flag: &str, context: Value, at: i64, expected: Option<&str>) -> String {
    json!({"flag": flag, "context": context, "at": at, "expected": expected}).to_string()
}

#[test]
fn edge_cases_agree_with_the_oracle() {
    let mut flags = Vec::new();
    let mut cases = Vec::new();
    for (name, attribute, cond, oracle) in leaves() {
        let key = format!("c-{name}");
        flags.push(condition_flag(&key, cond));
        for value in weird_values() {
            let mut context = json!({"targetingKey": "u"});
            if let Some(v) = &value {
                context[attribute] = v.clone();
            }
            let v = value.as_ref().filter(|v| !v.is_null());
            cases.push(case(&key, context, 1_000, Some(variant_of(oracle(v)))));
        }
    }

    // Segments: include beats exclude; a non-string targetingKey is in neither list.
    let beta = segment(
        "beta-testers",
        &["user-1"],
        &["user-9"],
        Some(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
    );
    let staff = segment("staff", &["user-9"], &[], None);
    let nested = segment("nested", &[], &["user-1"], Some(Cond::Segment(0)));
    // A body with String.replace patterns is inlined, never referenced.
    let dollar = segment(
        "dollar",
        &[],
        &[],
        Some(leaf(
            "country",
            AttributeType::String,
            Op::StrEquals("a$&b$$c".into()),
        )),
    );
    flags.push(condition_flag("seg-dollar", Cond::Segment(3)));
    for country in [json!("a$&b$$c"), json!("a$&b$c"), json!(5)] {
        let expected = country.as_str().map(|c| c == "a$&b$$c");
        cases.push(case(
            "seg-dollar",
            json!({"country": country}),
            1_000,
            Some(variant_of(expected)),
        ));
    }
    for (i, name) in ["beta-testers", "staff", "nested"].iter().enumerate() {
        flags.push(condition_flag(&format!("seg-{name}"), Cond::Segment(i)));
    }
    for tk in [
        None,
        Some(json!("user-1")),
        Some(json!("user-9")),
        Some(json!("x")),
        Some(json!(5)),
        Some(json!("")),
    ] {
        for b in [
            None,
            Some(json!(true)),
            Some(json!(false)),
            Some(json!("true")),
        ] {
            let mut context = json!({});
            if let Some(tk) = &tk {
                context["targetingKey"] = tk.clone();
            }
            if let Some(b) = &b {
                context["beta"] = b.clone();
            }
            let key = tk.as_ref().and_then(Value::as_str);
            let when = b.as_ref().and_then(Value::as_bool);
            let beta = if key == Some("user-1") {
                Some(true)
            } else if key == Some("user-9") {
                Some(false)
            } else {
                when
            };
            let staff = Some(key == Some("user-9"));
            let nested = if key == Some("user-1") {
                Some(false)
            } else {
                beta
            };
            for (name, answer) in [("beta-testers", beta), ("staff", staff), ("nested", nested)] {
                cases.push(case(
                    &format!("seg-{name}"),
                    context.clone(),
                    1_000,
                    Some(variant_of(answer)),
                ));
            }
        }
    }

    // A rollout that cannot bucket serves the off variation and does not fall through.
    let rollout = ServePlan::Rollout(Rollout {
        buckets: vec![(YES, 33_333), (NO, 66_667)],
        bucket_by: "targetingKey".into(),
    });
    let rules = vec![(None, rollout), (None, ServePlan::Variation(NO))];
    flags.push(string_flag(
        "rollout",
        flag_env(
            Some(UNKNOWN),
            vec![],
            rules,
            ServePlan::Variation(NO),
            vec![],
        ),
    ));
    for tk in [
        json!(null),
        json!(5),
        json!(["u"]),
        json!(""),
        json!("user-42"),
        json!("a"),
        json!("b"),
        json!("c"),
        json!("d"),
    ] {
        let expected = tk.as_str().map(|s| {
            NAMES[crate::bucket::pick("rollout", s, &[(YES, 33_333), (NO, 66_667)])
                .unwrap_or(UNKNOWN)]
        });
        cases.push(case(
            "rollout",
            json!({"targetingKey": tk}),
            1_000,
            Some(expected.unwrap_or("unknown")),
        ));
    }

    // Schedule: no, then yes from 1000, disabled (code default) from 2000, a ramp from 3000.
    let (from, to) = (3_000, 3_000 + 100 * 3_600);
    let points = ramp_points(from, to, 0, 100_000);
    let plan = RampPlan {
        variation: YES,
        rest: NO,
        bucket_by: "user".into(),
        from,
        to,
        points,
    };
    let later = vec![
        phase(1_000, true, vec![], ServePlan::Variation(YES)),
        phase(2_000, false, vec![], ServePlan::Variation(YES)),
        phase(from, true, vec![], ServePlan::Ramp(plan.clone())),
    ];
    flags.push(string_flag(
        "schedule",
        flag_env(None, vec![], vec![], ServePlan::Variation(NO), later),
    ));
    for (at, expected) in [
        (999, Some("no")),
        (1_000, Some("yes")),
        (1_999, Some("yes")),
        (2_000, None),
        (2_999, None),
    ] {
        cases.push(case("schedule", json!({"user": "u1"}), at, expected));
    }
    for at in (from - 1..=to + 7_200).step_by(997) {
        for user in ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"] {
            let expected = if at < from {
                None
            } else {
                let [(v, w), (rest, rw)] = plan.buckets_at(at);
                crate::bucket::pick(
                    "schedule",
                    user,
                    &[(v, u64::from(w)), (rest, u64::from(rw))],
                )
                .map(|i| NAMES[i])
            };
            cases.push(case("schedule", json!({"user": user}), at, expected));
        }
        cases.push(case("schedule", json!({"user": 5}), at, None));
    }

    // Verbatim JsonLogic: null goes on to the next rule; from the fallthrough, to the off
    // variation (as flagd does with `defaultVariant`, and as `import` relies on).
    let source = json!({"if": [{"===": [{"var": "tier"}, "gold"]}, "yes", null]});
    let verbatim = |source: &Value| {
        ServePlan::JsonLogic(crate::checked::JsonLogicServe {
            source: source.clone(),
            logic: std::sync::Arc::new(
                crate::flagd::Logic::compile(source).expect("test JsonLogic compiles"),
            ),
        })
    };
    let logic = verbatim(&source);
    let rules = vec![(
        Some(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
        ServePlan::Variation(NO),
    )];
    for (key, off) in [
        ("verbatim-fallthrough", Some(UNKNOWN)),
        ("verbatim-fallthrough-no-off", None),
    ] {
        flags.push(string_flag(
            key,
            flag_env(off, vec![], rules.clone(), verbatim(&source), vec![]),
        ));
        for (context, expected) in [
            (json!({"tier": "gold"}), Some("yes")),
            (json!({"tier": "gold", "beta": true}), Some("no")),
            (json!({"tier": "silver"}), off.map(|_| "unknown")),
        ] {
            cases.push(case(key, context, 1_000, expected));
        }
    }
    let rules = vec![
        (None, logic),
        (
            Some(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
            ServePlan::Variation(NO),
        ),
    ];
    flags.push(string_flag(
        "verbatim",
        flag_env(
            Some(UNKNOWN),
            vec![],
            rules,
            ServePlan::Variation(UNKNOWN),
            vec![],
        ),
    ));
    for (context, expected) in [
        (json!({"tier": "gold"}), "yes"),
        (json!({"tier": "gold", "beta": true}), "yes"),
        (json!({"tier": "silver", "beta": true}), "no"),
        (json!({"beta": true}), "no"),
        (json!({}), "unknown"),
    ] {
        cases.push(case("verbatim", context, 1_000, Some(expected)));
    }

    let p = project(vec![beta, staff, nested, dollar], flags);
    let cases: Vec<Value> = cases
        .iter()
        .map(|c| serde_json::from_str(c).expect("cases are JSON"))
        .collect();
    let mut mismatches = Vec::new();
    let mut expected_lines = String::new();
    let mut case_lines = String::new();
    for c in &cases {
        let flag = c["flag"].as_str().unwrap_or_default();
        let context = c["context"].as_object().cloned().unwrap_or_default();
        let at = c["at"].as_i64().unwrap_or_default();
        let env = &p.environments[0].key;
        let native = crate::eval::evaluate_key(&p, env, flag, &context, at);
        let expected = c["expected"].as_str();
        if native.variant.as_deref() != expected {
            mismatches.push(format!("{c}: native {:?}", native.variant));
        }
        // Every variation's value is its own name, so the expected value follows the variant.
        let value = p
            .flag_id(flag)
            .and_then(|id| {
                p.flags[id]
                    .variations
                    .iter()
                    .find(|v| Some(v.key.as_str()) == expected)
            })
            .map_or(Value::Null, |v| v.value.clone());
        expected_lines
            .push_str(&json!({"flag": flag, "value": value, "variant": expected}).to_string());
        expected_lines.push('\n');
        case_lines.push_str(&json!({"flag": flag, "context": c["context"], "at": at}).to_string());
        case_lines.push('\n');
    }
    assert!(cases.len() > 900, "{} cases", cases.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} edge cases disagree with the oracle, e.g. {:#?}",
        mismatches.len(),
        cases.len(),
        &mismatches[..mismatches.len().min(10)]
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/edge-cases");
    std::fs::create_dir_all(&dir).expect("target/ is writable");
    std::fs::write(dir.join("flagd.json"), compile_text(&p, 0)).expect("written");
    std::fs::write(dir.join("cases.jsonl"), case_lines).expect("written");
    std::fs::write(dir.join("expected.jsonl"), expected_lines).expect("written");
}
