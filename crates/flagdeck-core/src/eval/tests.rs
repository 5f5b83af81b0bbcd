use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::cond::{self, Scope, leaf_truth};
use super::explain::{NoTrace, Recorder};
use super::fixtures::*;
use super::*;
use crate::checked::{Cond, Op, RampPlan, SemverOp, ramp_points};
use crate::semver::parse_strict;

const T: Truth = Truth::True;
const F: Truth = Truth::False;
const U: Truth = Truth::Unknown;

fn ctx(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn ver(s: &str) -> crate::semver::Version {
    parse_strict(s).unwrap_or_else(|| panic!("{s} parses"))
}

/// Check an operator against `(value, truth)` cases; `None` is an absent attribute.
fn check_op(op: Op, cases: &[(Option<Value>, Truth)]) {
    for (value, want) in cases {
        assert_eq!(
            leaf_truth(&op, value.as_ref()),
            *want,
            "{op:?} on {value:?}"
        );
    }
}

fn s(v: &str) -> Option<Value> {
    Some(json!(v))
}

fn n(v: f64) -> Option<Value> {
    Some(json!(v))
}

fn null() -> Option<Value> {
    Some(Value::Null)
}

#[test]
fn string_operators_are_three_valued() {
    check_op(
        Op::StrEquals("DE".into()),
        &[
            (s("DE"), T),
            (s("US"), F),
            (None, U),
            (null(), U),
            (n(5.0), U),
            (Some(json!(true)), U),
        ],
    );
    check_op(
        Op::StrNotEquals("DE".into()),
        &[
            (s("DE"), F),
            (s("US"), T),
            (s(""), T),
            (None, U),
            (null(), U),
            (n(5.0), U),
        ],
    );
    let de_fr = strings(&["DE", "FR"]);
    check_op(
        Op::StrIn(de_fr.clone()),
        &[
            (s("FR"), T),
            (s("US"), F),
            (None, U),
            (null(), U),
            (Some(json!(["DE"])), U),
        ],
    );
    check_op(
        Op::StrNotIn(de_fr),
        &[
            (s("FR"), F),
            (s("US"), T),
            (None, U),
            (null(), U),
            (n(1.0), U),
        ],
    );
    check_op(
        Op::Contains("ab".into()),
        &[
            (s("xaby"), T),
            (s("xy"), F),
            (None, U),
            (n(5.0), U),
            (null(), U),
        ],
    );
    check_op(
        Op::Contains(String::new()),
        &[(s(""), T), (s("x"), T), (n(5.0), U), (null(), U), (None, U)],
    );
    check_op(
        Op::NotContains("ab".into()),
        &[
            (s("xaby"), F),
            (s("xy"), T),
            (None, U),
            (null(), U),
            (n(5.0), U),
        ],
    );
    check_op(
        Op::StartsWith("ab".into()),
        &[
            (s("abc"), T),
            (s("cab"), F),
            (None, U),
            (Some(json!({})), U),
            (null(), U),
        ],
    );
    check_op(
        Op::EndsWith("ab".into()),
        &[
            (s("cab"), T),
            (s("abc"), F),
            (None, U),
            (Some(json!([])), U),
            (null(), U),
        ],
    );
    check_op(Op::StrEquals("Zoë".into()), &[(s("Zoë"), T), (s("Zoe"), F)]);
}

#[test]
fn number_operators_are_three_valued() {
    check_op(
        Op::NumEquals(5.0),
        &[
            (n(5.0), T),
            (Some(json!(5)), T),
            (n(6.0), F),
            (s("5"), U),
            (None, U),
            (null(), U),
            (Some(json!(true)), U),
        ],
    );
    check_op(
        Op::NumNotEquals(5.0),
        &[
            (n(5.0), F),
            (n(6.0), T),
            (s("6"), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::NumIn(vec![1.0, 2.5]),
        &[
            (n(2.5), T),
            (n(3.0), F),
            (s("1"), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::NumNotIn(vec![1.0, 2.5]),
        &[
            (n(2.5), F),
            (n(3.0), T),
            (s("3"), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::Lt(18.0),
        &[
            (n(17.0), T),
            (n(18.0), F),
            (n(19.0), F),
            (s("12"), U),
            (Some(json!(true)), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::Lte(18.0),
        &[
            (n(18.0), T),
            (n(17.5), T),
            (n(18.5), F),
            (s("1"), U),
            (None, U),
        ],
    );
    check_op(
        Op::Gt(18.0),
        &[
            (n(19.0), T),
            (n(18.0), F),
            (n(-1.0), F),
            (null(), U),
            (None, U),
        ],
    );
    check_op(
        Op::Gte(18.0),
        &[
            (n(18.0), T),
            (n(17.9), F),
            (s("x"), U),
            (None, U),
            (null(), U),
        ],
    );
}

#[test]
fn boolean_operators_are_three_valued() {
    check_op(
        Op::IsTrue,
        &[
            (Some(json!(true)), T),
            (Some(json!(false)), F),
            (s("true"), U),
            (n(1.0), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::IsFalse,
        &[
            (Some(json!(false)), T),
            (Some(json!(true)), F),
            (n(0.0), U),
            (s(""), U),
            (None, U),
            (null(), U),
        ],
    );
}

#[test]
fn semver_operators_are_three_valued() {
    let v123 = ver("1.2.3");
    let v2 = ver("2.0.0");
    let mistyped = [
        s("v1.2.3"),
        s("1.2"),
        s("1.2.3+build"),
        s(" 1.2.3"),
        n(1.0),
        Some(json!(true)),
    ];
    for sop in [
        SemverOp::Eq,
        SemverOp::Neq,
        SemverOp::Lt,
        SemverOp::Lte,
        SemverOp::Gt,
        SemverOp::Gte,
        SemverOp::Caret,
        SemverOp::Tilde,
    ] {
        for bad in mistyped.iter().chain([&None, &null()]) {
            assert_eq!(
                leaf_truth(&Op::Semver(sop, v123.clone()), bad.as_ref()),
                U,
                "{sop:?} on {bad:?}"
            );
        }
    }
    check_op(
        Op::Semver(SemverOp::Eq, v123.clone()),
        &[(s("1.2.3"), T), (s("1.2.4"), F), (s("1.2.3-rc.1"), F)],
    );
    check_op(
        Op::Semver(SemverOp::Neq, v123.clone()),
        &[(s("1.2.3"), F), (s("1.2.4"), T)],
    );
    check_op(
        Op::Semver(SemverOp::Lt, v2.clone()),
        &[(s("1.9.9"), T), (s("2.0.0-rc.1"), T), (s("2.0.0"), F)],
    );
    check_op(
        Op::Semver(SemverOp::Lte, v2.clone()),
        &[(s("2.0.0"), T), (s("2.0.1"), F), (s("1.0.0"), T)],
    );
    check_op(
        Op::Semver(SemverOp::Gt, v2.clone()),
        &[(s("2.0.1"), T), (s("2.0.0"), F), (s("10.0.0"), T)],
    );
    check_op(
        Op::Semver(SemverOp::Gte, v2),
        &[(s("2.0.0"), T), (s("2.0.0-rc.1"), F), (s("2.0.0-rc.1"), F)],
    );
    check_op(
        Op::Semver(SemverOp::Caret, v123.clone()),
        &[
            (s("1.2.3"), T),
            (s("1.9.0"), T),
            (s("1.2.2"), F),
            (s("2.0.0"), F),
            (s("1.2.3-beta"), F),
            (s("0.9.0"), F),
        ],
    );
    check_op(
        Op::Semver(SemverOp::Tilde, v123),
        &[
            (s("1.2.3"), T),
            (s("1.2.9"), T),
            (s("1.3.0"), F),
            (s("1.2.2"), F),
            (s("2.2.3"), F),
        ],
    );
}

#[test]
fn the_version_fast_path_agrees_on_edge_cases() {
    for text in [
        "0.0.0",
        "1.2.3",
        "10.20.30",
        "9007199254740991.0.0",
        "9007199254740992.0.0",
        "1234567890123456.0.0",
        "12345678901234567.0.0",
        "01.2.3",
        "1.02.3",
        "1.2.03",
        "1.2.3.",
        ".1.2",
        "1..2",
        "1.2",
        "1.2.3.4",
        "",
        "1.2.3-rc.1",
        "1.2.3-01",
        "v1.2.3",
        "1.2.3 ",
    ] {
        assert_eq!(cond::parse_version(text), parse_strict(text), "{text:?}");
    }
}

#[test]
fn datetime_operators_compare_strictly() {
    check_op(
        Op::Before(1000.0),
        &[
            (n(999.0), T),
            (n(999.5), T),
            (n(1000.0), F),
            (n(1001.0), F),
            (s("999"), U),
            (None, U),
            (null(), U),
        ],
    );
    check_op(
        Op::After(1000.0),
        &[
            (n(1001.0), T),
            (n(1000.0), F),
            (n(999.0), F),
            (s("2026-01-01T00:00:00Z"), U),
            (None, U),
            (null(), U),
        ],
    );
}

#[test]
fn exists_looks_at_presence_only() {
    let present = [
        s("x"),
        s(""),
        n(0.0),
        Some(json!(false)),
        Some(json!([])),
        Some(json!({})),
    ];
    for value in &present {
        assert_eq!(leaf_truth(&Op::Exists, value.as_ref()), T, "{value:?}");
        assert_eq!(leaf_truth(&Op::NotExists, value.as_ref()), F, "{value:?}");
    }
    for value in [None, null()] {
        assert_eq!(leaf_truth(&Op::Exists, value.as_ref()), F, "{value:?}");
        assert_eq!(leaf_truth(&Op::NotExists, value.as_ref()), T, "{value:?}");
    }
}

/// A context in which leaf `is_true(attr)` has the given truth.
fn with_truth(map: &mut Map<String, Value>, attr: &str, truth: Truth) {
    match truth {
        Truth::True => map.insert(attr.to_owned(), json!(true)),
        Truth::False => map.insert(attr.to_owned(), json!(false)),
        Truth::Unknown => map.remove(attr),
    };
}

fn eval_both(project: &crate::checked::Project, c: &Cond, context: &Map<String, Value>) -> Truth {
    let scope = Scope::new(project, context);
    let fast = cond::eval(&scope, c, &mut NoTrace, 0);
    let mut rec = Recorder::default();
    let traced = cond::eval(&Scope::new(project, context), c, &mut rec, 0);
    assert_eq!(fast, traced, "tracing changes nothing");
    assert!(!rec.steps.is_empty());
    fast
}

#[test]
fn groups_follow_the_three_valued_truth_tables() {
    let project = ProjectBuilder::new(&["production"]).build();
    let all = Cond::All(vec![leaf("a", Op::IsTrue), leaf("b", Op::IsTrue)]);
    let any = Cond::Any(vec![leaf("a", Op::IsTrue), leaf("b", Op::IsTrue)]);
    let not = Cond::Not(Box::new(leaf("a", Op::IsTrue)));
    let rank = |t: Truth| match t {
        Truth::False => 0,
        Truth::Unknown => 1,
        Truth::True => 2,
    };
    for a in [T, F, U] {
        for b in [T, F, U] {
            let mut context = Map::new();
            with_truth(&mut context, "a", a);
            with_truth(&mut context, "b", b);
            // Kleene logic: all = min, any = max over F < U < T.
            let min = if rank(a) <= rank(b) { a } else { b };
            let max = if rank(a) >= rank(b) { a } else { b };
            assert_eq!(
                eval_both(&project, &all, &context),
                min,
                "all({a:?}, {b:?})"
            );
            assert_eq!(
                eval_both(&project, &any, &context),
                max,
                "any({a:?}, {b:?})"
            );
        }
        let mut context = Map::new();
        with_truth(&mut context, "a", a);
        assert_eq!(eval_both(&project, &not, &context), !a, "not({a:?})");
    }
    let empty = Map::new();
    assert_eq!(
        eval_both(&project, &Cond::All(vec![]), &empty),
        T,
        "empty all is true"
    );
    assert_eq!(
        eval_both(&project, &Cond::Any(vec![]), &empty),
        F,
        "empty any is false"
    );
    // Negations never match a context that lacks the attribute.
    let not_equals = Cond::Not(Box::new(leaf("country", Op::StrEquals("DE".into()))));
    assert_eq!(eval_both(&project, &not_equals, &empty), U);
}

#[test]
fn segments_use_include_exclude_then_their_condition() {
    let mut b = ProjectBuilder::new(&["production"]);
    let beta = b.segment(
        "beta",
        &["user-1"],
        &["user-9"],
        Some(leaf("beta", Op::IsTrue)),
    );
    let listed = b.segment("listed", &["user-2"], &["user-3"], None);
    // Nested: in beta and not in listed.
    let nested = b.segment(
        "nested",
        &[],
        &["user-4"],
        Some(Cond::All(vec![
            Cond::Segment(beta),
            Cond::Not(Box::new(Cond::Segment(listed))),
        ])),
    );
    let p = b.build();
    let seg = Cond::Segment(beta);
    let cases = [
        (json!({"targetingKey": "user-1", "beta": false}), T), // included beats the condition
        (json!({"targetingKey": "user-9", "beta": true}), F),  // excluded beats the condition
        (json!({"targetingKey": "user-5", "beta": true}), T),
        (json!({"targetingKey": "user-5", "beta": false}), F),
        (json!({"targetingKey": "user-5"}), U),
        (json!({"beta": true}), T), // no targetingKey: the condition alone
        (json!({"targetingKey": 1, "beta": true}), T), // non-string targetingKey: in neither list
        (json!({"targetingKey": ["user-9"], "beta": true}), T),
        (json!({"targetingKey": null}), U),
    ];
    for (context, want) in cases {
        assert_eq!(
            eval_both(&p, &seg, &ctx(context.clone())),
            want,
            "beta on {context}"
        );
    }
    let list_only = Cond::Segment(listed);
    for (context, want) in [
        (json!({"targetingKey": "user-2"}), T),
        (json!({"targetingKey": "user-3"}), F),
        (json!({"targetingKey": "user-5"}), F),
        (json!({}), F),
        (json!({"targetingKey": 2}), F),
    ] {
        assert_eq!(
            eval_both(&p, &list_only, &ctx(context.clone())),
            want,
            "listed on {context}"
        );
    }
    let nested = Cond::Segment(nested);
    for (context, want) in [
        (json!({"targetingKey": "user-1"}), T), // in beta (included), not listed
        (json!({"targetingKey": "user-2", "beta": true}), F), // listed
        (json!({"targetingKey": "user-4", "beta": true}), F), // excluded from nested
        (json!({"targetingKey": "user-5"}), U), // beta unknown, listed false
        (json!({"beta": true}), T),
    ] {
        assert_eq!(
            eval_both(&p, &nested, &ctx(context.clone())),
            want,
            "nested on {context}"
        );
    }
}

#[test]
fn long_chains_of_nested_segments_evaluate() {
    // s0 includes 'deep'; s(i) is "in s(i-1)": 400 levels of nesting, far beyond real projects.
    let mut b = ProjectBuilder::new(&["production"]);
    let mut last = b.segment("s0", &["deep"], &[], None);
    for i in 1..400 {
        last = b.segment(&format!("s{i}"), &[], &[], Some(Cond::Segment(last)));
    }
    let p = b.build();
    let chain = Cond::Segment(last);
    assert_eq!(
        eval_both(&p, &chain, &ctx(json!({"targetingKey": "deep"}))),
        T
    );
    assert_eq!(
        eval_both(&p, &chain, &ctx(json!({"targetingKey": "other"}))),
        F
    );
}

#[test]
fn a_segment_cycle_does_not_overflow_the_stack() {
    let mut b = ProjectBuilder::new(&["production"]);
    let a = b.segment("a", &[], &[], None);
    b.project_mut().segments[a].when = Some(Cond::Segment(a));
    let p = b.build();
    assert_eq!(
        eval_both(&p, &Cond::Segment(a), &ctx(json!({"targetingKey": "x"}))),
        U
    );
    assert_eq!(
        eval_both(&p, &Cond::Segment(99), &Map::new()),
        U,
        "a dangling segment id is unknown"
    );
}

// ---- whole evaluations -------------------------------------------------------------------

fn on() -> Option<Value> {
    Some(json!(true))
}

fn off() -> Option<Value> {
    Some(json!(false))
}

/// Evaluate and explain, check they agree, and return the resolution.
fn eval(p: &crate::checked::Project, flag: FlagId, context: Value, at: i64) -> Resolution {
    let context = ctx(context);
    let fast = evaluate(p, 0, flag, &context, at);
    let (explained, steps) = explain(p, 0, flag, &context, at);
    assert_eq!(fast, explained);
    assert!(steps.last().is_some_and(|s| s.kind == StepKind::Result));
    fast
}

#[test]
fn disabled_serves_the_off_variation_or_nothing() {
    let mut b = ProjectBuilder::new(&["production", "staging"]);
    let with_off = b.bool_flag("with-off");
    let without_off = b.bool_flag("without-off");
    let mut config = flag_env(
        Some(1),
        vec![(0, vec!["qa-1"])],
        vec![],
        ServePlan::Variation(0),
    );
    config.timeline[0].enabled = false;
    b.configure(with_off, 0, config.clone());
    config.off_variation = None;
    b.configure(without_off, 0, config);
    let p = b.build();
    let r = eval(&p, with_off, json!({"targetingKey": "qa-1"}), 0);
    assert_eq!(
        (r.value, r.variant.as_deref(), r.reason),
        (off(), Some("off"), Reason::Disabled)
    );
    let r = eval(&p, without_off, json!({"targetingKey": "qa-1"}), 0);
    assert_eq!(r, Resolution::no_value(Reason::Disabled));
    // Not configured in staging: disabled with no value.
    let r = evaluate(&p, 1, with_off, &Map::new(), 0);
    assert_eq!(r, Resolution::no_value(Reason::Disabled));
    let (_, steps) = explain(&p, 1, with_off, &Map::new(), 0);
    assert!(
        steps[0].message.contains("not configured in Staging"),
        "{}",
        steps[0].message
    );
}

#[test]
fn targets_come_before_rules_and_need_a_string_key() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.bool_flag("f");
    let rules = vec![(rule("everyone", None), ServePlan::Variation(1))];
    b.configure(
        flag,
        0,
        flag_env(
            Some(1),
            vec![(0, vec!["qa-1", "7"])],
            rules,
            ServePlan::Variation(1),
        ),
    );
    let p = b.build();
    let r = eval(&p, flag, json!({"targetingKey": "qa-1"}), 0);
    assert_eq!((r.value, r.reason), (on(), Reason::TargetingMatch));
    let r = eval(&p, flag, json!({"targetingKey": "qa-2"}), 0);
    assert_eq!(
        (r.value, r.reason),
        (off(), Reason::TargetingMatch),
        "the rule matches"
    );
    let r = eval(&p, flag, json!({"targetingKey": 7}), 0);
    assert_eq!(r.value, off(), "a number is not the string '7'");
}

#[test]
fn first_matching_rule_wins_and_unknown_falls_through() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.flag(
        "colour",
        crate::model::FlagType::String,
        vec![
            ("red", json!("red")),
            ("blue", json!("blue")),
            ("grey", json!("grey")),
        ],
    );
    let rules = vec![
        (
            rule(
                "eu",
                Some(leaf("country", Op::StrIn(strings(&["DE", "FR"])))),
            ),
            ServePlan::Variation(0),
        ),
        (
            rule(
                "not-free",
                Some(leaf("plan", Op::StrNotEquals("free".into()))),
            ),
            ServePlan::Variation(1),
        ),
    ];
    b.configure(
        flag,
        0,
        flag_env(None, vec![], rules, ServePlan::Variation(2)),
    );
    let p = b.build();
    let r = eval(&p, flag, json!({"country": "DE", "plan": "pro"}), 0);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("red"), Reason::TargetingMatch)
    );
    let r = eval(&p, flag, json!({"country": "US", "plan": "pro"}), 0);
    assert_eq!(r.variant.as_deref(), Some("blue"));
    let r = eval(&p, flag, json!({"country": "US"}), 0);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("grey"), Reason::Default),
        "not_equals never matches a missing plan"
    );
    let r = eval(&p, flag, json!({"country": "US", "plan": 3}), 0);
    assert_eq!(r.variant.as_deref(), Some("grey"), "nor a mistyped one");
}

fn pick_variation(flag_key: &str, value: &str, buckets: &[(usize, u32)]) -> Option<usize> {
    let entries: Vec<(usize, u64)> = buckets.iter().map(|(v, w)| (*v, u64::from(*w))).collect();
    crate::bucket::pick(flag_key, value, &entries)
}

#[test]
fn rollouts_split_like_flagd_and_decimal_weights_count() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.flag(
        "new-checkout",
        crate::model::FlagType::String,
        vec![("a", json!("a")), ("b", json!("b")), ("c", json!("c"))],
    );
    let buckets = [(0, 33_333), (1, 33_333), (2, 33_334)];
    b.configure(
        flag,
        0,
        flag_env(Some(2), vec![], vec![], rollout(&buckets, "targetingKey")),
    );
    let p = b.build();
    // A known value: murmur3("new-checkoutuser-42") = 2394511712, bucket 55,751 of 100,000.
    assert_eq!(
        crate::bucket::bucket("new-checkout", "user-42", 100_000),
        55_751
    );
    let r = eval(&p, flag, json!({"targetingKey": "user-42"}), 0);
    assert_eq!((r.variant.as_deref(), r.reason), (Some("b"), Reason::Split));
    let mut seen = [0usize; 3];
    for i in 0..3000 {
        let key = format!("user-{i}");
        let r = eval(&p, flag, json!({"targetingKey": key}), 0);
        let want = pick_variation("new-checkout", &key, &buckets);
        assert_eq!(
            r.variant.as_deref(),
            want.map(|v| ["a", "b", "c"][v]),
            "{key}"
        );
        seen[want.unwrap_or(0)] += 1;
    }
    assert!(seen.iter().all(|n| *n > 800), "{seen:?}");
    // The empty string is bucketed; anything else is not.
    let r = eval(&p, flag, json!({"targetingKey": ""}), 0);
    assert_eq!(r.reason, Reason::Split);
    assert_eq!(
        r.variant.as_deref(),
        pick_variation("new-checkout", "", &buckets).map(|v| ["a", "b", "c"][v])
    );
    for context in [
        json!({}),
        json!({"targetingKey": null}),
        json!({"targetingKey": 42}),
        json!({"targetingKey": ["x"]}),
    ] {
        let r = eval(&p, flag, context.clone(), 0);
        assert_eq!(
            (r.variant.as_deref(), r.reason),
            (Some("c"), Reason::Default),
            "{context}"
        );
    }
}

#[test]
fn rollouts_bucket_by_their_attribute_and_may_have_no_off_variation() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.bool_flag("by-org");
    let buckets = [(0, 50_000), (1, 50_000)];
    let rules = vec![(rule("all", None), rollout(&buckets, "org"))];
    b.configure(
        flag,
        0,
        flag_env(None, vec![], rules, ServePlan::Variation(1)),
    );
    let p = b.build();
    for org in ["acme", "globex", "initech", ""] {
        let r = eval(&p, flag, json!({"targetingKey": "ignored", "org": org}), 0);
        let want = pick_variation("by-org", org, &buckets).map(|v| ["on", "off"][v]);
        assert_eq!(
            (r.variant.as_deref(), r.reason),
            (want, Reason::Split),
            "{org}"
        );
    }
    let r = eval(&p, flag, json!({"targetingKey": "u"}), 0);
    assert_eq!(
        r,
        Resolution::no_value(Reason::Default),
        "cannot bucket, no off variation"
    );
}

const T1: i64 = 1_796_115_600; // 2026-12-01T09:00:00Z
const T2: i64 = 1_796_288_400; // 2026-12-03T09:00:00Z

#[test]
fn schedule_steps_apply_from_their_instant_on() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.bool_flag("scheduled");
    let mut config = flag_env(
        Some(1),
        vec![],
        vec![(
            rule("r", Some(leaf("beta", Op::IsTrue))),
            ServePlan::Variation(1),
        )],
        ServePlan::Variation(1),
    );
    add_phase(
        &mut config,
        T1,
        true,
        ServePlan::Variation(0),
        vec![ServePlan::Variation(0)],
    );
    add_phase(
        &mut config,
        T2,
        false,
        ServePlan::Variation(0),
        vec![ServePlan::Variation(0)],
    );
    b.configure(flag, 0, config);
    let p = b.build();
    let context = json!({"targetingKey": "u", "beta": true});
    let at = |t: i64| eval(&p, flag, context.clone(), t);
    assert_eq!(
        (at(T1 - 1).variant.as_deref(), at(T1 - 1).reason),
        (Some("off"), Reason::TargetingMatch)
    );
    assert_eq!(at(T1).variant.as_deref(), Some("on"));
    assert_eq!(at(T1 + 1).variant.as_deref(), Some("on"));
    assert_eq!(
        (at(T2 - 1).variant.as_deref(), at(T2 - 1).reason),
        (Some("on"), Reason::TargetingMatch)
    );
    assert_eq!(
        (at(T2).variant.as_deref(), at(T2).reason),
        (Some("off"), Reason::Disabled)
    );
    assert_eq!(at(T2 + 1).reason, Reason::Disabled);
    assert_eq!(at(i64::MIN).variant.as_deref(), Some("off"));
    assert_eq!(at(i64::MAX).reason, Reason::Disabled);
    let (_, steps) = explain(&p, 0, flag, &ctx(context), T1 + 5);
    assert_eq!(steps[0].kind, StepKind::Schedule);
    assert_eq!(
        steps[0].message,
        "Schedule step 1, from 1 Dec 2026 09:00 UTC, is in force (next change: 3 Dec 2026 09:00 UTC)"
    );
    let (_, steps) = explain(&p, 0, flag, &ctx(json!({})), T1 - 1);
    assert_eq!(
        steps[0].message,
        "No schedule step has started yet: the base configuration is in force (next change: 1 Dec 2026 09:00 UTC)"
    );
}

#[test]
fn ramps_follow_their_points_before_at_and_after_each() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.bool_flag("ramped");
    let to = T1 + 6 * 3600;
    let points = ramp_points(T1, to, 0, 100_000);
    assert!(points.len() > 6);
    let ramp = RampPlan {
        variation: 0,
        rest: 1,
        bucket_by: "targetingKey".into(),
        from: T1,
        to,
        points: points.clone(),
    };
    let mut config = flag_env(Some(1), vec![], vec![], ServePlan::Variation(1));
    add_phase(&mut config, T1, true, ServePlan::Ramp(ramp.clone()), vec![]);
    b.configure(flag, 0, config);
    let p = b.build();
    let users: Vec<String> = (0..40).map(|i| format!("user-{i}")).collect();
    // Before the ramp: the base fallthrough.
    let r = eval(&p, flag, json!({"targetingKey": "user-1"}), T1 - 1);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("off"), Reason::Default)
    );
    for (i, &(start, weight)) in points.iter().enumerate() {
        for t in [start - 1, start, start + 1] {
            if t < T1 {
                continue;
            }
            // The weight in force at t is the last point that started at or before t.
            let w = if t < start { points[i - 1].1 } else { weight };
            for user in &users {
                let r = eval(&p, flag, json!({"targetingKey": user}), t);
                let want = pick_variation("ramped", user, &[(0, w), (1, 100_000 - w)])
                    .map(|v| ["on", "off"][v]);
                assert_eq!(
                    (r.variant.as_deref(), r.reason),
                    (want, Reason::Split),
                    "{user} at {t}"
                );
            }
        }
    }
    let (_, steps) = explain(
        &p,
        0,
        flag,
        &ctx(json!({"targetingKey": "user-1"})),
        T1 + 3 * 3600,
    );
    let w = ramp.weight_at(T1 + 3 * 3600);
    assert_eq!(
        steps[2].message,
        format!(
            "The fallthrough moves 'on' from 0% to 100% between 1 Dec 2026 09:00 UTC and 1 Dec 2026 15:00 UTC: it is at {} now, and 'off' gets the rest",
            super::explain::percent(w)
        )
    );
    assert_eq!(steps[3].kind, StepKind::Rollout);
    // After the ramp everyone has it.
    for user in &users {
        assert_eq!(
            eval(&p, flag, json!({"targetingKey": user}), to + 86_400)
                .variant
                .as_deref(),
            Some("on")
        );
    }
    // Nobody loses it on the way up.
    for user in &users {
        let mut had = false;
        for &(start, _) in &points {
            let has = eval(&p, flag, json!({"targetingKey": user}), start)
                .variant
                .as_deref()
                == Some("on");
            assert!(!had || has, "{user} lost it at {start}");
            had = has;
        }
    }
}

fn json_logic_serve(source: serde_json::Value) -> ServePlan {
    let logic = crate::flagd::Logic::compile(&source).expect("test JsonLogic compiles");
    ServePlan::JsonLogic(crate::checked::JsonLogicServe {
        source,
        logic: std::sync::Arc::new(logic),
    })
}

#[test]
fn json_logic_rules_serve_their_key_go_on_at_null_and_fail_like_flagd() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.bool_flag("imported");
    let advanced = json_logic_serve(json!({"if": [{"===": [{"var": "plan"}, "pro"]}, "on", null]}));
    // A result that is not a variation key is an error in flagd-core too.
    let broken =
        json_logic_serve(json!({"if": [{"===": [{"var": "plan"}, "weird"]}, "nope", null]}));
    b.configure(
        flag,
        0,
        flag_env(
            Some(1),
            vec![],
            vec![
                (rule("advanced", None), advanced),
                (rule("broken", None), broken),
            ],
            json_logic_serve(json!({"if": [{"===": [{"var": "plan"}, "free"]}, true, null]})),
        ),
    );
    let p = b.build();
    let r = eval(&p, flag, json!({"plan": "pro"}), 0);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("on"), Reason::TargetingMatch)
    );
    let r = eval(&p, flag, json!({"plan": "weird"}), 0);
    assert_eq!(
        (r.reason, r.error_code),
        (Reason::Error, Some(ErrorCode::General))
    );
    // The fallthrough's `true` becomes the key "true", which this flag does not have.
    let r = eval(&p, flag, json!({"plan": "free"}), 0);
    assert_eq!(
        (r.reason, r.error_code),
        (Reason::Error, Some(ErrorCode::General))
    );
    // Null from the fallthrough serves the off variation, as flagd serves its defaultVariant.
    let r = eval(&p, flag, json!({}), 0);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("off"), Reason::Default)
    );
}

#[test]
fn keys_resolve_or_say_what_is_wrong() {
    let p = bench_project();
    let context = ctx(json!({"targetingKey": "user-1"}));
    let r = evaluate_key(&p, "production", "three-rules", &context, 0);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("on"), Reason::TargetingMatch)
    );
    let r = evaluate_key(&p, "production", "nope", &context, 0);
    assert_eq!(r.error_code, Some(ErrorCode::FlagNotFound));
    let r = evaluate_key(&p, "prod", "three-rules", &context, 0);
    assert_eq!(r.error_code, Some(ErrorCode::General));
    assert_eq!(
        r.error_message.as_deref(),
        Some("There is no environment 'prod' in this project (its environments: 'production')")
    );
    let (r2, steps) = explain_key(&p, "prod", "three-rules", &context, 0);
    assert_eq!(r2, r);
    assert!(
        steps[0]
            .message
            .starts_with("Error: There is no environment")
    );
    // Out-of-range ids answer errors, not panics.
    assert_eq!(
        evaluate(&p, 0, 99, &context, 0).error_code,
        Some(ErrorCode::FlagNotFound)
    );
    assert_eq!(
        evaluate(&p, 5, 0, &context, 0).error_code,
        Some(ErrorCode::General)
    );
}

fn messages(p: &crate::checked::Project, flag: FlagId, context: Value, at: i64) -> Vec<String> {
    explain(p, 0, flag, &ctx(context), at)
        .1
        .into_iter()
        .map(|s| s.message)
        .collect()
}

#[test]
fn explanations_read_like_sentences() {
    let mut b = ProjectBuilder::new(&["production"]);
    let beta = b.segment(
        "beta testers",
        &["user-1"],
        &["user-9"],
        Some(leaf("plan", Op::StrIn(strings(&["pro"])))),
    );
    let flag = b.bool_flag("new-checkout");
    let rules = vec![
        (
            rule(
                "EU",
                Some(leaf("country", Op::StrIn(strings(&["DE", "FR"])))),
            ),
            ServePlan::Variation(0),
        ),
        (
            rule("beta", Some(Cond::Segment(beta))),
            ServePlan::Variation(0),
        ),
        (
            rule("pro", Some(leaf("plan", Op::StrEquals("pro".into())))),
            ServePlan::Variation(0),
        ),
    ];
    b.configure(
        flag,
        0,
        flag_env(
            Some(1),
            vec![(0, vec!["qa-1"])],
            rules,
            rollout(&[(0, 20_000), (1, 80_000)], "targetingKey"),
        ),
    );
    let p = b.build();
    let m = messages(
        &p,
        flag,
        json!({"targetingKey": "user-9", "country": "US"}),
        0,
    );
    let want = [
        "Individual target: 'user-9' is not listed",
        "Rule 'EU' (country is one of DE, FR): country is 'US' — no match",
        "Rule 'Beta' (in segment 'Beta testers'): the condition does not hold — no match",
        "Segment 'Beta testers': 'user-9' is excluded — no match",
        "Rule 'Pro' (plan is 'pro'): the context has no 'plan', so this condition is unknown and the rule does not match",
        "No rule matched, so the fallthrough applies",
    ];
    assert_eq!(&m[..want.len()], &want[..], "{m:#?}");
    let b42 = crate::bucket::bucket("new-checkout", "user-9", 100_000);
    let variant = if b42 < 20_000 { "on" } else { "off" };
    let pct = if b42 < 20_000 { "20%" } else { "80%" };
    assert_eq!(
        m[want.len()],
        format!(
            "Rollout by targetingKey 'user-9': bucket {} of 100,000 → '{variant}' ({pct})",
            super::explain::thousands(b42)
        )
    );
    assert_eq!(m[want.len() + 1], format!("Result: '{variant}' (SPLIT)"));

    let m = messages(&p, flag, json!({"targetingKey": "user-5", "plan": 7}), 0);
    assert!(
        m.contains(&"Condition 'plan is one of pro': plan is 7 (a number), which is not text, so this condition is unknown".to_owned()),
        "{m:#?}"
    );
    assert!(m.contains(&"Segment 'Beta testers': 'user-5' is in neither list, so its condition decides: it is unknown, so the segment does not match".to_owned()), "{m:#?}");

    let (_, steps) = explain(&p, 0, flag, &ctx(json!({"targetingKey": "qa-1"})), 0);
    assert_eq!(
        steps[0].message,
        "Individual target: 'qa-1' is listed for 'on'"
    );
    let json = serde_json::to_value(&steps[0]).unwrap_or_default();
    assert_eq!(
        json,
        json!({"kind": "targets", "message": "Individual target: 'qa-1' is listed for 'on'", "depth": 0, "matched": "true", "variation": "on"})
    );
}

#[test]
fn explained_rules_carry_structured_fields() {
    let p = bench_project();
    let (_, steps) = explain(
        &p,
        0,
        0,
        &ctx(json!({"targetingKey": "user-5", "country": "DE", "age": 30})),
        0,
    );
    let rule = steps
        .iter()
        .find(|s| s.rule_id.as_deref() == Some("eu") && s.kind == StepKind::Rule);
    assert_eq!(rule.map(|s| s.matched), Some(Some(Truth::True)));
    let segment = steps
        .iter()
        .find(|s| s.segment_key.as_deref() == Some("eu-adults"));
    assert_eq!(
        segment.map(|s| (s.matched, s.depth)),
        Some((Some(Truth::True), 1))
    );
    let leaf = steps.iter().find(|s| s.attribute.as_deref() == Some("age"));
    assert_eq!(
        leaf.map(|s| (s.matched, s.depth)),
        Some((Some(Truth::True), 3))
    );
    let rollout = steps.iter().find(|s| s.kind == StepKind::Rollout);
    assert_eq!(
        rollout.and_then(|s| s.bucket),
        Some(crate::bucket::bucket("three-rules", "user-5", 100_000))
    );
}

// ---- properties --------------------------------------------------------------------------

/// The T/F forms of FLAGD-NOTES §3 that the compiler emits: (definitely true, definitely false).
fn tf(p: &crate::checked::Project, c: &Cond, context: &Map<String, Value>) -> (bool, bool) {
    match c {
        Cond::Leaf(l) => {
            let t = leaf_truth(&l.op, context.get(&l.attribute));
            (t == T, t == F)
        }
        Cond::Not(inner) => {
            let (t, f) = tf(p, inner, context);
            (f, t)
        }
        Cond::All(parts) => (
            parts.iter().all(|c| tf(p, c, context).0),
            parts.iter().any(|c| tf(p, c, context).1),
        ),
        Cond::Any(parts) => (
            parts.iter().any(|c| tf(p, c, context).0),
            parts.iter().all(|c| tf(p, c, context).1),
        ),
        Cond::Segment(id) => {
            let seg = &p.segments[*id];
            let tk = context.get("targetingKey").and_then(Value::as_str);
            let included = tk.is_some_and(|k| seg.include.iter().any(|x| x == k));
            let excluded = tk.is_some_and(|k| seg.exclude.iter().any(|x| x == k));
            let (wt, wf) = seg
                .when
                .as_ref()
                .map_or((false, true), |w| tf(p, w, context));
            (included || (!excluded && wt), !included && (excluded || wf))
        }
    }
}

fn arb_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        any::<bool>().prop_map(|b| Some(json!(b))),
        prop_oneof![
            Just(0.0),
            Just(5.0),
            Just(18.0),
            Just(1000.0),
            -50.0..2000.0f64
        ]
        .prop_map(|n| Some(json!(n))),
        prop_oneof![
            Just("DE"),
            Just("FR"),
            Just("US"),
            Just(""),
            Just("pro"),
            Just("user-1"),
            Just("user-9"),
            Just("1.2.3"),
            Just("2.0.0"),
            Just("2.0.0-rc.1"),
            Just("v1.2.3"),
            Just("1.2"),
            Just("xaby")
        ]
        .prop_map(|s| Some(json!(s))),
        Just(Some(json!(["DE"]))),
        Just(Some(json!({"a": 1}))),
    ]
}

const ATTRS: [&str; 5] = ["targetingKey", "country", "age", "beta", "appVersion"];

fn arb_context() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::vec(arb_value(), ATTRS.len()).prop_map(|values| {
        ATTRS
            .iter()
            .zip(values)
            .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v)))
            .collect()
    })
}

fn arb_leaf() -> impl Strategy<Value = Cond> {
    let attr = proptest::sample::select(ATTRS.to_vec());
    let op = prop_oneof![
        Just(Op::Exists),
        Just(Op::NotExists),
        Just(Op::StrEquals("DE".into())),
        Just(Op::StrNotEquals("DE".into())),
        Just(Op::StrIn(strings(&["DE", "FR"]))),
        Just(Op::StrNotIn(strings(&["DE", "FR"]))),
        Just(Op::Contains("ab".into())),
        Just(Op::NotContains(String::new())),
        Just(Op::StartsWith("user".into())),
        Just(Op::EndsWith("-9".into())),
        Just(Op::NumEquals(18.0)),
        Just(Op::NumNotIn(vec![5.0, 18.0])),
        Just(Op::Lt(18.0)),
        Just(Op::Gte(18.0)),
        Just(Op::IsTrue),
        Just(Op::IsFalse),
        Just(Op::Semver(SemverOp::Caret, ver("1.2.0"))),
        Just(Op::Semver(SemverOp::Neq, ver("2.0.0"))),
        Just(Op::Before(1000.0)),
        Just(Op::After(5.0)),
    ];
    (attr, op).prop_map(|(a, op)| leaf(a, op))
}

/// Conditions over leaves and segments 0..3 (which `prop_project` defines without cycles).
fn arb_cond() -> impl Strategy<Value = Cond> {
    let base = prop_oneof![4 => arb_leaf(), 1 => (0usize..3).prop_map(Cond::Segment)];
    base.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Cond::All),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Cond::Any),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

/// Segments 0..3: segment i may refer only to segments below i.
fn prop_project(when0: Option<Cond>, when1: Cond, when2: Cond) -> crate::checked::Project {
    let strip = |c: Cond, below: usize| -> Cond { only_below(c, below) };
    let mut b = ProjectBuilder::new(&["production"]);
    b.segment("s0", &["user-1"], &["user-9"], when0.map(|c| strip(c, 0)));
    b.segment("s1", &[], &["user-1"], Some(strip(when1, 1)));
    b.segment("s2", &["user-9"], &[], Some(strip(when2, 2)));
    b.build()
}

/// Replace references to segments `>= below` by a leaf, so that nesting has no cycle.
fn only_below(c: Cond, below: usize) -> Cond {
    match c {
        Cond::Segment(id) if id >= below => leaf("beta", Op::IsTrue),
        Cond::All(parts) => Cond::All(parts.into_iter().map(|c| only_below(c, below)).collect()),
        Cond::Any(parts) => Cond::Any(parts.into_iter().map(|c| only_below(c, below)).collect()),
        Cond::Not(inner) => Cond::Not(Box::new(only_below(*inner, below))),
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_version_fast_path_equals_the_strict_parser(s in "[0-9]{0,3}(\\.[0-9]{0,17}){0,3}(-[0-9a]{0,2})?") {
        prop_assert_eq!(cond::parse_version(&s), parse_strict(&s));
    }

    #[test]
    fn conditions_equal_the_compilers_true_false_forms(
        when0 in proptest::option::of(arb_cond()), when1 in arb_cond(), when2 in arb_cond(),
        c in arb_cond(), context in arb_context(),
    ) {
        let p = prop_project(when0, when1, when2);
        let truth = eval_both(&p, &c, &context);
        let (t, f) = tf(&p, &c, &context);
        prop_assert!(!(t && f), "T and F are exclusive");
        let want = if t { T } else if f { F } else { U };
        prop_assert_eq!(truth, want);
    }

    #[test]
    fn evaluation_never_panics_and_explain_agrees(
        c1 in arb_cond(), c2 in arb_cond(), context in arb_context(),
        at in prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(T1 - 1), Just(T1), Just(T1 + 1), T1 - 10_000..T2 + 10_000],
        env in 0usize..3, flag in 0usize..4, off in proptest::option::of(0usize..3),
    ) {
        let p = rich_project(c1, c2, off);
        let fast = evaluate(&p, env, flag, &context, at);
        let (explained, steps) = explain(&p, env, flag, &context, at);
        prop_assert_eq!(&fast, &explained);
        prop_assert!(!steps.is_empty());
        prop_assert!(steps.iter().all(|s| !s.message.is_empty()));
        if fast.error_code.is_none() {
            prop_assert_eq!(fast.value.is_some(), fast.variant.is_some());
        }
    }
}

/// A project that uses every kind of serve and a schedule; `off` may point at a missing
/// variation (2) to exercise the error path.
fn rich_project(c1: Cond, c2: Cond, off: Option<usize>) -> crate::checked::Project {
    let mut b = ProjectBuilder::new(&["production", "staging"]);
    b.segment(
        "s0",
        &["user-1"],
        &["user-9"],
        Some(leaf("beta", Op::IsTrue)),
    );
    b.segment("s1", &[], &[], None);
    b.segment("s2", &["user-9"], &[], Some(Cond::Segment(0)));
    let c1 = only_below(c1, 3);
    let c2 = only_below(c2, 3);
    let plain = b.bool_flag("plain");
    b.configure(
        plain,
        0,
        flag_env(
            off,
            vec![(0, vec!["user-1"])],
            vec![(rule("a", Some(c1.clone())), ServePlan::Variation(0))],
            ServePlan::Variation(1),
        ),
    );
    let split = b.bool_flag("split");
    let rules = vec![
        (
            rule("a", Some(c1)),
            rollout(&[(0, 33_333), (1, 66_667)], "country"),
        ),
        (rule("b", Some(c2)), ServePlan::Variation(0)),
    ];
    b.configure(
        split,
        0,
        flag_env(
            off,
            vec![],
            rules,
            rollout(&[(0, 50_000), (1, 50_000)], "targetingKey"),
        ),
    );
    let scheduled = b.bool_flag("scheduled");
    let mut config = flag_env(off, vec![], vec![], ServePlan::Variation(1));
    let ramp = RampPlan {
        variation: 0,
        rest: 1,
        bucket_by: "targetingKey".into(),
        from: T1,
        to: T1 + 7200,
        points: ramp_points(T1, T1 + 7200, 0, 100_000),
    };
    add_phase(&mut config, T1, true, ServePlan::Ramp(ramp), vec![]);
    add_phase(&mut config, T2, false, ServePlan::Variation(0), vec![]);
    b.configure(scheduled, 0, config);
    b.bool_flag("unconfigured");
    b.build()
}

// ---- projects built from files by validation ---------------------------------------------

fn checked(files: &[(&str, Value)]) -> crate::checked::Project {
    let files: Vec<crate::format::SourceFile> = files
        .iter()
        .map(|(path, value)| crate::format::SourceFile::new(*path, value.to_string()))
        .collect();
    let result = crate::validate::check(&files);
    let errors: Vec<String> = result.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    result.project.unwrap_or_else(|| panic!("no project"))
}

/// The example of DESIGN §3, as files.
fn design_example() -> crate::checked::Project {
    checked(&[
        (
            "flagdeck.json",
            json!({"format": 1, "name": "Acme web", "bucketBy": "targetingKey",
                "environments": [{"key": "development", "name": "Development"}, {"key": "production", "name": "Production"}],
                "attributes": [
                    {"key": "targetingKey", "type": "string"}, {"key": "country", "type": "string"},
                    {"key": "plan", "type": "string"}, {"key": "beta", "type": "boolean"}]}),
        ),
        (
            "segments/beta-testers.json",
            json!({"key": "beta-testers", "name": "Beta testers",
                "when": {"any": [{"attribute": "beta", "op": "is_true"}, {"attribute": "plan", "op": "in", "values": ["pro"]}]},
                "include": ["user-1"], "exclude": ["user-9"]}),
        ),
        (
            "flags/new-checkout.json",
            json!({"key": "new-checkout", "name": "New checkout", "type": "boolean",
                "variations": [{"key": "on", "name": "On", "value": true}, {"key": "off", "name": "Off", "value": false}],
                "environments": {"production": {
                    "enabled": true, "offVariation": "off",
                    "targets": [{"variation": "on", "keys": ["qa-1", "qa-2"]}],
                    "rules": [
                        {"id": "beta", "name": "Beta testers", "when": {"segment": "beta-testers"}, "serve": {"variation": "on"}},
                        {"id": "eu", "name": "EU", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                         "serve": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}],
                    "fallthrough": {"variation": "off"},
                    "schedule": [
                        {"at": "2026-12-01T09:00:00Z", "fallthrough": {"rollout": [{"variation": "on", "weight": 5}, {"variation": "off", "weight": 95}]}},
                        {"at": "2026-12-03T09:00:00Z", "fallthrough": {"rollout": [{"variation": "on", "weight": 25}, {"variation": "off", "weight": 75}]}},
                        {"at": "2026-12-08T09:00:00Z", "fallthrough": {"variation": "on"}}]}}}),
        ),
    ])
}

#[test]
fn the_design_example_evaluates_as_described() {
    let p = design_example();
    let t8 = 1_796_720_400; // 2026-12-08T09:00:00Z
    let run = |context: Value, at: i64| {
        let context = ctx(context);
        let r = evaluate_key(&p, "production", "new-checkout", &context, at);
        assert_eq!(
            r,
            explain_key(&p, "production", "new-checkout", &context, at).0
        );
        (r.variant, r.reason)
    };
    let v = |s: &str| Some(s.to_owned());
    assert_eq!(
        run(json!({"targetingKey": "qa-1"}), 0),
        (v("on"), Reason::TargetingMatch)
    );
    assert_eq!(
        run(json!({"targetingKey": "user-1"}), 0),
        (v("on"), Reason::TargetingMatch)
    );
    assert_eq!(
        run(json!({"targetingKey": "user-9", "beta": true}), 0),
        (v("off"), Reason::Default)
    );
    assert_eq!(
        run(json!({"targetingKey": "user-3", "plan": "pro"}), 0),
        (v("on"), Reason::TargetingMatch)
    );
    let eu = pick_variation("new-checkout", "user-3", &[(0, 20_000), (1, 80_000)])
        .map(|i| ["on", "off"][i].to_owned());
    assert_eq!(
        run(json!({"targetingKey": "user-3", "country": "DE"}), 0),
        (eu, Reason::Split)
    );
    assert_eq!(
        run(json!({"country": "DE"}), 0),
        (v("off"), Reason::Default),
        "cannot bucket: off variation"
    );
    // The schedule moves the fallthrough.
    assert_eq!(
        run(json!({"targetingKey": "user-3"}), T1 - 1),
        (v("off"), Reason::Default)
    );
    let five = pick_variation("new-checkout", "user-3", &[(0, 5_000), (1, 95_000)])
        .map(|i| ["on", "off"][i].to_owned());
    assert_eq!(
        run(json!({"targetingKey": "user-3"}), T1),
        (five, Reason::Split)
    );
    assert_eq!(
        run(json!({"targetingKey": "user-3"}), t8 - 1).1,
        Reason::Split
    );
    assert_eq!(
        run(json!({"targetingKey": "user-3"}), t8),
        (v("on"), Reason::Default)
    );
    // Not configured in development.
    let r = evaluate_key(&p, "development", "new-checkout", &Map::new(), 0);
    assert_eq!(r, Resolution::no_value(Reason::Disabled));
    let (_, steps) = explain_key(
        &p,
        "production",
        "new-checkout",
        &ctx(json!({"targetingKey": "user-3"})),
        T2 + 60,
    );
    assert_eq!(
        steps[0].message,
        "Schedule step 2, from 3 Dec 2026 09:00 UTC, is in force (next change: 8 Dec 2026 09:00 UTC)"
    );
}

#[test]
fn every_flag_of_the_example_project_evaluates_without_errors() {
    let files = crate::example::example_project();
    let result = crate::validate::check(&files);
    let Some(p) = result.project else {
        panic!("the example project validates")
    };
    let contexts = [
        json!({}),
        json!({"targetingKey": "user-1", "country": "DE", "plan": "pro", "beta": true, "age": 30, "appVersion": "2.1.0"}),
        json!({"targetingKey": "", "country": 5, "plan": null, "beta": "yes", "age": "30", "appVersion": "v2"}),
        json!({"targetingKey": 42, "signupAt": 1_700_000_000}),
    ];
    let instants = [0, T1 - 1, T1, T1 + 1, T2, 1_900_000_000];
    let mut served = 0;
    for flag in 0..p.flags.len() {
        for env in 0..p.environments.len() {
            for context in &contexts {
                for at in instants {
                    let context = ctx(context.clone());
                    let r = evaluate(&p, env, flag, &context, at);
                    let (explained, steps) = explain(&p, env, flag, &context, at);
                    assert_eq!(r, explained);
                    assert!(!steps.is_empty());
                    let flag_key = &p.flags[flag].key;
                    assert_eq!(
                        r.error_code, None,
                        "{flag_key} in {env}: {:?}",
                        r.error_message
                    );
                    served += usize::from(r.value.is_some());
                }
            }
        }
    }
    assert!(served > 0);
}

#[test]
fn json_logic_results_become_variation_keys_as_in_flagd() {
    let mut b = ProjectBuilder::new(&["production"]);
    let flag = b.flag(
        "imported",
        crate::model::FlagType::String,
        vec![
            ("true", json!("yes")),
            ("2", json!("two")),
            ("off", json!("off")),
        ],
    );
    b.configure(
        flag,
        0,
        flag_env(Some(2), vec![], vec![], ServePlan::Variation(2)),
    );
    let p = b.build();
    let context = Map::new();
    let fe = p.flags[flag].envs[0]
        .as_ref()
        .unwrap_or_else(|| panic!("configured"));
    let ev = Eval {
        scope: Scope::new(&p, &context),
        flag: &p.flags[flag],
        fe,
        env_name: "Production",
        at: 0,
    };
    let variant = |outcome: Result<Value, String>| {
        ev.logic_result(&outcome)
            .map(|r| (r.variant, r.reason, r.error_code))
    };
    assert_eq!(variant(Ok(Value::Null)), None, "null: no match, go on");
    assert_eq!(
        variant(Ok(json!(true))),
        Some((Some("true".into()), Reason::TargetingMatch, None))
    );
    assert_eq!(
        variant(Ok(json!(2.0))),
        Some((Some("2".into()), Reason::TargetingMatch, None))
    );
    assert_eq!(
        variant(Ok(json!("off"))),
        Some((Some("off".into()), Reason::TargetingMatch, None))
    );
    assert_eq!(
        variant(Ok(json!("nope"))),
        Some((None, Reason::Error, Some(ErrorCode::General)))
    );
    assert_eq!(
        variant(Err("boom".into())),
        Some((None, Reason::Error, Some(ErrorCode::General)))
    );
    // A fallthrough that chooses nothing serves the off variation, as flagd's defaultVariant.
    let mut rec = Recorder::default();
    let r = ev.no_fallthrough_choice(&mut rec);
    assert_eq!(
        (r.variant.as_deref(), r.reason),
        (Some("off"), Reason::Default)
    );
    assert_eq!(
        rec.steps[0].message,
        "The fallthrough chose no variation, so it serves the off variation 'off'"
    );
}
