//! Golden, determinism and schema tests for the compiler. Projects are built directly as
//! `checked` IR, as validation hands them over.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::checked::{
    Attribute, Cond, Environment, FlagVariation, JsonLogicServe, Leaf, Op, Phase, RampPlan,
    Rollout, Rule, Segment, SemverOp, Target,
};
use crate::model::{AttributeType, FlagType};

// ---- builders ----

pub(super) fn project(segments: Vec<Segment>, flags: Vec<Flag>) -> Project {
    let attributes = [
        ("targetingKey", AttributeType::String),
        ("country", AttributeType::String),
        ("age", AttributeType::Number),
        ("beta", AttributeType::Boolean),
        ("appVersion", AttributeType::Semver),
        ("signupAt", AttributeType::Datetime),
    ]
    .into_iter()
    .map(|(key, kind)| Attribute {
        key: key.into(),
        kind,
    })
    .collect();
    Project {
        name: "Test".into(),
        environments: vec![Environment {
            key: "production".into(),
            name: "Production".into(),
        }],
        attributes,
        env_index: HashMap::from([("production".to_owned(), 0)]),
        flag_index: flags
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect(),
        segment_index: segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect(),
        segments,
        flags,
    }
}

const ON: usize = 0;
const OFF: usize = 1;

fn bool_flag(key: &str, fe: Option<FlagEnv>) -> Flag {
    Flag {
        key: key.into(),
        name: key.into(),
        kind: FlagType::Boolean,
        variations: vec![
            FlagVariation {
                key: "on".into(),
                value: json!(true),
            },
            FlagVariation {
                key: "off".into(),
                value: json!(false),
            },
        ],
        envs: vec![fe],
    }
}

pub(super) fn phase(
    start: i64,
    enabled: bool,
    rule_serves: Vec<ServePlan>,
    fallthrough: ServePlan,
) -> Phase {
    Phase {
        start,
        step: None,
        enabled,
        fallthrough,
        rule_serves,
    }
}

/// One environment: rules as (condition, serve in the base phase), then further phases.
pub(super) fn flag_env(
    off: Option<usize>,
    targets: Vec<(usize, &[&str])>,
    rules: Vec<(Option<Cond>, ServePlan)>,
    fallthrough: ServePlan,
    later: Vec<Phase>,
) -> FlagEnv {
    let targets: Vec<Target> = targets
        .into_iter()
        .map(|(variation, keys)| Target {
            variation,
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        })
        .collect();
    let target_lookup = targets
        .iter()
        .flat_map(|t| t.keys.iter().map(move |k| (k.clone(), t.variation)))
        .collect();
    let (whens, serves): (Vec<_>, Vec<_>) = rules.into_iter().unzip();
    let rules = whens
        .into_iter()
        .enumerate()
        .map(|(i, when)| Rule {
            id: format!("r{i}"),
            name: format!("r{i}"),
            when,
        })
        .collect();
    let mut timeline = vec![phase(i64::MIN, true, serves, fallthrough)];
    timeline.extend(later);
    FlagEnv {
        off_variation: off,
        targets,
        target_lookup,
        rules,
        timeline,
    }
}

pub(super) fn leaf(attribute: &str, kind: AttributeType, op: Op) -> Cond {
    Cond::Leaf(Leaf {
        attribute: attribute.into(),
        kind,
        op,
    })
}

fn country_in(values: &[&str]) -> Cond {
    leaf(
        "country",
        AttributeType::String,
        Op::StrIn(values.iter().map(|v| (*v).to_owned()).collect()),
    )
}

fn rollout(buckets: Vec<(usize, u32)>, bucket_by: &str) -> ServePlan {
    ServePlan::Rollout(Rollout {
        buckets,
        bucket_by: bucket_by.into(),
    })
}

pub(super) fn segment(
    key: &str,
    include: &[&str],
    exclude: &[&str],
    when: Option<Cond>,
) -> Segment {
    Segment {
        key: key.into(),
        name: key.into(),
        include: include.iter().map(|k| (*k).to_owned()).collect(),
        exclude: exclude.iter().map(|k| (*k).to_owned()).collect(),
        when,
    }
}

fn json_logic(source: Value) -> ServePlan {
    let logic = crate::flagd::Logic::compile(&source).expect("test JsonLogic compiles");
    ServePlan::JsonLogic(JsonLogicServe {
        source,
        logic: Arc::new(logic),
    })
}

fn single(fe: FlagEnv) -> Project {
    project(vec![], vec![bool_flag("f", Some(fe))])
}

fn compiled_flag(project: &Project) -> Value {
    let doc = compile(project, 0);
    assert_schema_valid(&doc);
    doc["flags"]["f"].clone()
}

fn targeting_of(project: &Project) -> Value {
    compiled_flag(project)["targeting"].clone()
}

// ---- flag states ----

#[test]
fn an_unconfigured_flag_is_disabled_with_its_variants() {
    let p = project(vec![], vec![bool_flag("f", None)]);
    assert_eq!(
        compile(&p, 0),
        json!({
            "$schema": FLAGD_SCHEMA_URL,
            "flags": {"f": {"state": "DISABLED", "variants": {"on": true, "off": false}}}
        })
    );
}

#[test]
fn the_kill_switch_serves_the_off_variation_or_disables() {
    let mut fe = flag_env(Some(OFF), vec![], vec![], ServePlan::Variation(ON), vec![]);
    fe.timeline[0].enabled = false;
    assert_eq!(
        compiled_flag(&single(fe.clone())),
        json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"})
    );
    fe.off_variation = None;
    assert_eq!(
        compiled_flag(&single(fe)),
        json!({"state": "DISABLED", "variants": {"on": true, "off": false}})
    );
}

#[test]
fn a_constant_targeting_becomes_the_default_variant() {
    let fe = flag_env(Some(OFF), vec![], vec![], ServePlan::Variation(ON), vec![]);
    assert_eq!(
        compiled_flag(&single(fe)),
        json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"})
    );
    // A rule without a condition ends the chain; a later phase serving the same folds away.
    let later = vec![phase(
        1_000,
        true,
        vec![ServePlan::Variation(ON)],
        ServePlan::Variation(OFF),
    )];
    let fe = flag_env(
        None,
        vec![],
        vec![(None, ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        later,
    );
    assert_eq!(
        compiled_flag(&single(fe)),
        json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"})
    );
}

// ---- targeting structure ----

#[test]
fn targets_then_rules_then_fallthrough() {
    let fe = flag_env(
        Some(OFF),
        vec![(ON, &["qa-1", "qa-2"])],
        vec![(Some(country_in(&["DE", "FR"])), ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        vec![],
    );
    assert_eq!(
        compiled_flag(&single(fe)),
        json!({
            "state": "ENABLED",
            "variants": {"on": true, "off": false},
            "defaultVariant": "off",
            "targeting": {"if": [
                {"in": [{"var": "targetingKey"}, ["qa-1", "qa-2"]]}, "on",
                {"in": [{"var": "country"}, ["DE", "FR"]]}, "on",
                "off"
            ]}
        })
    );
}

#[test]
fn a_rollout_is_a_guarded_fractional_that_does_not_fall_through() {
    let fe = flag_env(
        None,
        vec![],
        vec![
            (
                Some(country_in(&["DE"])),
                rollout(vec![(ON, 20_500), (OFF, 79_500)], "userId"),
            ),
            (None, ServePlan::Variation(ON)),
        ],
        ServePlan::Variation(OFF),
        vec![],
    );
    assert_eq!(
        targeting_of(&single(fe)),
        json!({"if": [
            {"in": [{"var": "country"}, ["DE"]]},
            {"if": [
                {"starts_with": [{"var": "userId"}, ""]},
                {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "userId"}]}, ["on", 20500], ["off", 79500]]},
                null
            ]},
            "on"
        ]})
    );
}

#[test]
fn phases_are_timestamp_conditions_newest_first() {
    let later = vec![
        phase(
            1_000,
            true,
            vec![],
            rollout(vec![(ON, 5_000), (OFF, 95_000)], "targetingKey"),
        ),
        phase(2_000, false, vec![], ServePlan::Variation(ON)),
        phase(3_000, true, vec![], ServePlan::Variation(ON)),
    ];
    let fe = flag_env(Some(OFF), vec![], vec![], ServePlan::Variation(OFF), later);
    let ts = json!({"var": "$flagd.timestamp"});
    assert_eq!(
        targeting_of(&single(fe)),
        json!({"if": [
            {">=": [ts, 3000]}, "on",
            {">=": [ts, 2000]}, "off",
            {">=": [ts, 1000]}, {"if": [
                {"starts_with": [{"var": "targetingKey"}, ""]},
                {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]}, ["on", 5000], ["off", 95000]]},
                "off"
            ]},
            "off"
        ]})
    );
}

#[test]
fn a_disabled_phase_without_off_variation_answers_null() {
    let later = vec![phase(500, false, vec![], ServePlan::Variation(ON))];
    let fe = flag_env(None, vec![], vec![], ServePlan::Variation(ON), later);
    let flag = compiled_flag(&single(fe));
    assert_eq!(
        flag["targeting"],
        json!({"if": [{">=": [{"var": "$flagd.timestamp"}, 500]}, null, "on"]})
    );
    assert!(flag.get("defaultVariant").is_none());
}

#[test]
fn a_ramp_steps_through_its_points_within_its_phase() {
    let plan = RampPlan {
        variation: ON,
        rest: OFF,
        bucket_by: "targetingKey".into(),
        from: 100,
        to: 400,
        points: vec![(100, 0), (200, 50_000), (300, 60_000), (400, 100_000)],
    };
    // A later step at 300 replaces the ramp: its points from 300 on are never reached.
    let later = vec![
        phase(100, true, vec![], ServePlan::Ramp(plan)),
        phase(300, true, vec![], ServePlan::Variation(ON)),
    ];
    let fe = flag_env(Some(OFF), vec![], vec![], ServePlan::Variation(OFF), later);
    let ts = json!({"var": "$flagd.timestamp"});
    let frac = |w: u32| json!({"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]}, ["on", w], ["off", 100_000 - w]]});
    assert_eq!(
        targeting_of(&single(fe)),
        json!({"if": [
            {">=": [ts, 300]}, "on",
            {">=": [ts, 100]}, {"if": [
                {"starts_with": [{"var": "targetingKey"}, ""]},
                {"if": [{">=": [ts, 200]}, frac(50_000), frac(0)]},
                "off"
            ]},
            "off"
        ]})
    );
}

#[test]
fn verbatim_json_logic_goes_on_when_it_answers_null() {
    let source = json!({"if": [{"==": [{"var": "tier"}, "gold"]}, "on", null]});
    let fe = flag_env(
        Some(OFF),
        vec![],
        vec![(Some(country_in(&["DE"])), json_logic(source.clone()))],
        ServePlan::Variation(OFF),
        vec![],
    );
    assert_eq!(
        targeting_of(&single(fe)),
        json!({"if": [
            {"and": [{"in": [{"var": "country"}, ["DE"]]}, {"!==": [source, null]}]}, source,
            "off"
        ]})
    );
}

// ---- conditions ----

fn rule_condition(cond: Cond) -> Value {
    let fe = flag_env(
        None,
        vec![],
        vec![(Some(cond), ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        vec![],
    );
    let targeting = targeting_of(&single(fe));
    targeting["if"][0].clone()
}

#[test]
fn negations_are_guarded_and_never_bare() {
    let x = json!({"var": "country"});
    let is_string = json!({"starts_with": [x, ""]});
    assert_eq!(
        rule_condition(leaf(
            "country",
            AttributeType::String,
            Op::StrNotEquals("DE".into())
        )),
        json!({"and": [is_string, {"!": {"===": [x, "DE"]}}]})
    );
    // `not` swaps to the F form: not (country == DE) is the same as not_equals.
    assert_eq!(
        rule_condition(Cond::Not(Box::new(leaf(
            "country",
            AttributeType::String,
            Op::StrEquals("DE".into())
        )))),
        json!({"and": [is_string, {"!": {"===": [x, "DE"]}}]})
    );
    // not not: back to T.
    let double = Cond::Not(Box::new(Cond::Not(Box::new(country_in(&["DE"])))));
    assert_eq!(rule_condition(double), json!({"in": [x, ["DE"]]}));
}

#[test]
fn empty_groups_and_empty_affixes_fold() {
    // A rule that can never match disappears; here that leaves a constant flag.
    for never in [
        Cond::Any(vec![]),
        Cond::All(vec![leaf(
            "country",
            AttributeType::String,
            Op::NotContains(String::new()),
        )]),
    ] {
        let fe = flag_env(
            None,
            vec![],
            vec![(Some(never), ServePlan::Variation(ON))],
            ServePlan::Variation(OFF),
            vec![],
        );
        assert_eq!(
            compiled_flag(&single(fe)),
            json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"})
        );
    }
    let contains_empty = leaf(
        "country",
        AttributeType::String,
        Op::Contains(String::new()),
    );
    assert_eq!(
        rule_condition(contains_empty),
        json!({"starts_with": [{"var": "country"}, ""]})
    );
    let all_empty = Cond::All(vec![]);
    let fe = flag_env(
        None,
        vec![],
        vec![(Some(all_empty), ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        vec![],
    );
    assert_eq!(
        compiled_flag(&single(fe))["defaultVariant"],
        json!("on"),
        "an empty all() always matches"
    );
}

#[test]
fn numbers_and_datetimes_compare_behind_the_number_guard() {
    let cond = rule_condition(leaf("age", AttributeType::Number, Op::Lt(18.0)));
    let x = json!({"var": "age"});
    assert_eq!(cond["and"][7], json!({"<": [x, 18]}));
    assert_eq!(cond["and"][0], json!({"!": {"starts_with": [x, ""]}}));
    let after = rule_condition(leaf(
        "signupAt",
        AttributeType::Datetime,
        Op::After(1_700_000_000.5),
    ));
    assert_eq!(
        after["and"][7],
        json!({">": [{"var": "signupAt"}, 1_700_000_000.5]})
    );
    // Equality is strict and needs no guard.
    assert_eq!(
        rule_condition(leaf("age", AttributeType::Number, Op::NumEquals(5.0))),
        json!({"===": [x, 5]})
    );
}

#[test]
fn booleans_and_presence_are_strict() {
    let x = json!({"var": "beta"});
    assert_eq!(
        rule_condition(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
        json!({"===": [x, true]})
    );
    let not_true = Cond::Not(Box::new(leaf("beta", AttributeType::Boolean, Op::IsTrue)));
    assert_eq!(rule_condition(not_true), json!({"===": [x, false]}));
    assert_eq!(
        rule_condition(leaf("beta", AttributeType::Boolean, Op::Exists)),
        json!({"!==": [x, null]})
    );
    let not_exists = Cond::Not(Box::new(leaf(
        "beta",
        AttributeType::Boolean,
        Op::NotExists,
    )));
    assert_eq!(rule_condition(not_exists), json!({"!==": [x, null]}));
}

#[test]
fn semver_caret_adds_greater_or_equal() {
    let version = crate::semver::parse_strict("1.2.0").unwrap();
    let cond = rule_condition(leaf(
        "appVersion",
        AttributeType::Semver,
        Op::Semver(SemverOp::Caret, version),
    ));
    let x = json!({"var": "appVersion"});
    let parts = cond["and"].as_array().unwrap();
    assert_eq!(
        parts[0],
        json!({"starts_with": [x, ""]}),
        "the guard comes first"
    );
    assert_eq!(
        parts[parts.len() - 2],
        json!({"sem_ver": [x, "^", "1.2.0"]})
    );
    assert_eq!(
        parts[parts.len() - 1],
        json!({"sem_ver": [x, ">=", "1.2.0"]})
    );
}

// ---- segments ----

#[test]
fn segments_become_evaluators_with_nested_segments_inlined() {
    let inner = segment(
        "pro",
        &["vip"],
        &[],
        Some(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
    );
    let outer = segment(
        "beta-testers",
        &["user-1"],
        &["user-9"],
        Some(Cond::Segment(0)),
    );
    let fe = flag_env(
        None,
        vec![],
        vec![
            (Some(Cond::Segment(1)), ServePlan::Variation(ON)),
            (
                Some(Cond::Not(Box::new(Cond::Segment(1)))),
                ServePlan::Variation(OFF),
            ),
        ],
        ServePlan::Variation(OFF),
        vec![],
    );
    let p = project(vec![inner, outer], vec![bool_flag("f", Some(fe))]);
    let doc = compile(&p, 0);
    assert_schema_valid(&doc);
    let tk = json!({"var": "targetingKey"});
    assert_eq!(
        doc["flags"]["f"]["targeting"],
        json!({"if": [{"$ref": "beta-testers"}, "on", {"$ref": "!beta-testers"}, "off", "off"]})
    );
    let inner_t = json!({"or": [{"in": [tk, ["vip"]]}, {"===": [{"var": "beta"}, true]}]});
    let inner_f = json!({"and": [{"!": {"in": [tk, ["vip"]]}}, {"===": [{"var": "beta"}, false]}]});
    assert_eq!(
        doc["$evaluators"],
        json!({
            "!beta-testers": {"and": [{"!": {"in": [tk, ["user-1"]]}}, {"or": [{"in": [tk, ["user-9"]]}, inner_f]}]},
            "beta-testers": {"or": [{"in": [tk, ["user-1"]]}, {"and": [{"!": {"in": [tk, ["user-9"]]}}, inner_t]}]}
        })
    );
}

#[test]
fn a_segment_without_when_is_its_include_list() {
    let seg = segment("staff", &["a"], &["b"], None);
    let fe = flag_env(
        None,
        vec![],
        vec![(Some(Cond::Segment(0)), ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        vec![],
    );
    let doc = compile(&project(vec![seg], vec![bool_flag("f", Some(fe))]), 0);
    assert_eq!(
        doc["$evaluators"]["staff"],
        json!({"in": [{"var": "targetingKey"}, ["a"]]})
    );
}

#[test]
fn bodies_with_replacement_patterns_are_inlined() {
    let seg = segment(
        "money",
        &[],
        &[],
        Some(leaf(
            "country",
            AttributeType::String,
            Op::StrEquals("a$$b".into()),
        )),
    );
    let fe = flag_env(
        None,
        vec![],
        vec![(Some(Cond::Segment(0)), ServePlan::Variation(ON))],
        ServePlan::Variation(OFF),
        vec![],
    );
    let doc = compile(&project(vec![seg], vec![bool_flag("f", Some(fe))]), 0);
    assert!(doc.get("$evaluators").is_none());
    assert_eq!(
        doc["flags"]["f"]["targeting"]["if"][0],
        json!({"===": [{"var": "country"}, "a$$b"]})
    );
}

#[test]
fn refs_of_its_own_in_the_document_turn_evaluators_off() {
    let seg = segment("s", &["a"], &[], None);
    let rule = |serve| {
        flag_env(
            None,
            vec![],
            vec![
                (Some(Cond::Segment(0)), ServePlan::Variation(ON)),
                (None, serve),
            ],
            ServePlan::Variation(OFF),
            vec![],
        )
    };
    // flagd would paste the segment into this variation's value. (Verbatim JsonLogic holding a
    // `$ref` cannot reach the compiler: validation refuses it, since `$ref` is no operator.)
    let mut object_flag = bool_flag("f", Some(rule(ServePlan::Variation(OFF))));
    object_flag.kind = FlagType::Object;
    object_flag.variations[0].value = json!({"$ref": "s"});
    object_flag.variations[1].value = json!({});
    let doc = compile(&project(vec![seg], vec![object_flag]), 0);
    assert!(doc.get("$evaluators").is_none());
    assert_eq!(
        doc["flags"]["f"]["targeting"]["if"][0],
        json!({"in": [{"var": "targetingKey"}, ["a"]]})
    );
}

// ---- determinism ----

fn sample_project() -> Project {
    let seg = segment(
        "beta-testers",
        &["user-1"],
        &["user-9"],
        Some(leaf("beta", AttributeType::Boolean, Op::IsTrue)),
    );
    let a = flag_env(
        Some(OFF),
        vec![(ON, &["qa-1"])],
        vec![
            (Some(Cond::Segment(0)), ServePlan::Variation(ON)),
            (
                Some(country_in(&["DE", "FR"])),
                rollout(vec![(ON, 20_000), (OFF, 80_000)], "targetingKey"),
            ),
        ],
        ServePlan::Variation(OFF),
        vec![phase(
            1_764_579_600,
            true,
            vec![ServePlan::Variation(ON), ServePlan::Variation(ON)],
            ServePlan::Variation(OFF),
        )],
    );
    let b = flag_env(
        None,
        vec![],
        vec![(
            Some(Cond::Not(Box::new(Cond::Segment(0)))),
            ServePlan::Variation(ON),
        )],
        ServePlan::Variation(OFF),
        vec![],
    );
    project(
        vec![seg],
        vec![
            bool_flag("zeta", Some(a)),
            bool_flag("alpha", Some(b)),
            bool_flag("mid", None),
        ],
    )
}

#[test]
fn output_is_deterministic_and_sorted() {
    let p = sample_project();
    let text = compile_text(&p, 0);
    assert_eq!(text, compile_text(&p, 0));
    let mut reversed = p.clone();
    reversed.flags.reverse();
    assert_eq!(
        text,
        compile_text(&reversed, 0),
        "input order does not matter"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = doc["flags"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["alpha", "mid", "zeta"]);
    let evaluators: Vec<&String> = doc["$evaluators"].as_object().unwrap().keys().collect();
    assert_eq!(evaluators, ["!beta-testers", "beta-testers"]);
    assert!(text.ends_with("}\n"));
}

// ---- schema conformance ----

/// The flagd schema, or `None` (with a message) where `../shared` is absent, as for users.
/// Built once: every test that compiles a document also validates it.
fn flagd_validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: std::sync::OnceLock<Option<jsonschema::Validator>> =
        std::sync::OnceLock::new();
    VALIDATOR.get_or_init(load_flagd_validator).as_ref()
}

fn load_flagd_validator() -> Option<jsonschema::Validator> {
    // `../shared` next to the repository, or next to a folder above it (git worktrees).
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = manifest
        .ancestors()
        .map(|a| a.join("shared/conformance/flagd-schemas/json"))
        .find(|dir| dir.join("flags.json").is_file())
    else {
        eprintln!(
            "SKIP: no ../shared/conformance/flagd-schemas; flagd schema conformance not checked"
        );
        return None;
    };
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("the schema is readable");
        serde_json::from_str(&text).expect("the schema is JSON")
    };
    // flags.json refers to "./targeting.json" relative to its $id, which draft 7 ignores next to
    // the root's `$ref`: both files are registered under their URLs, and the validator refers
    // to flags.json by URL.
    let base = "https://flagd.dev/schema/v0/";
    let registry = jsonschema::Registry::new()
        .add(format!("{base}targeting.json"), read("targeting.json"))
        .and_then(|r| r.add(format!("{base}flags.json"), read("flags.json")))
        .and_then(|r| r.prepare())
        .expect("the flagd schemas resolve");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&json!({"$ref": format!("{base}flags.json")}));
    Some(validator.expect("flags.json compiles"))
}

fn assert_schema_valid(doc: &Value) {
    if let Some(validator) = flagd_validator() {
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "schema errors: {errors:#?}\n{doc:#}");
    }
}

#[test]
fn the_schema_check_accepts_the_sample_and_rejects_broken_documents() {
    let Some(validator) = flagd_validator() else {
        return;
    };
    let doc = compile(&sample_project(), 0);
    assert!(validator.is_valid(&doc));
    let broken = [
        json!({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "targeting": {"and": []}}}}),
        json!({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "targeting": "on"}}}),
        json!({"flags": {"f": {"state": "ON", "variants": {"on": true}}}}),
        json!({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "targeting": {"fractional": [{"var": "x"}, ["on", 1.5]]}}}}),
        json!({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "targeting": {"sem_ver": [{"var": "v"}, ">=", "v1.0"]}}}}),
    ];
    for doc in broken {
        assert!(!validator.is_valid(&doc), "must be rejected: {doc}");
    }
}

// ---- the example project, through validation ----

#[test]
fn the_example_project_compiles_to_valid_deterministic_files() {
    let checked = crate::validate::check(&crate::example::example_project());
    let project = checked.project.expect("the example project validates");
    for env in 0..project.environments.len() {
        let text = compile_text(&project, env);
        assert_eq!(text, compile_text(&project, env));
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_schema_valid(&doc);
        let flags = doc["flags"].as_object().unwrap();
        assert_eq!(flags.len(), project.flags.len());
        // Every targeting result literal is a variant of its flag.
        for (key, flag) in flags {
            let variants = flag["variants"].as_object().unwrap();
            if let Some(default) = flag.get("defaultVariant") {
                assert!(
                    variants.contains_key(default.as_str().unwrap()),
                    "{key}: {default}"
                );
            }
            assert_results_are_variants(key, &flag["targeting"], variants);
        }
    }
}

/// Walks `if` branches and `fractional` buckets: every string they can return is a variant.
fn assert_results_are_variants(
    flag: &str,
    logic: &Value,
    variants: &serde_json::Map<String, Value>,
) {
    match logic {
        Value::String(s) => assert!(variants.contains_key(s), "{flag} can return {s:?}"),
        Value::Object(map) => {
            if let Some(Value::Array(args)) = map.get("if") {
                // Branch values are at odd positions and the last.
                for (i, arg) in args.iter().enumerate() {
                    if i % 2 == 1 || i == args.len() - 1 {
                        assert_results_are_variants(flag, arg, variants);
                    }
                }
            }
            if let Some(Value::Array(args)) = map.get("fractional") {
                for bucket in args.iter().skip(1) {
                    assert_results_are_variants(flag, &bucket[0], variants);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn verbatim_json_logic_in_the_fallthrough_falls_back_to_the_off_variation() {
    // flagd serves `defaultVariant` when targeting answers null; `import` maps flagd's
    // `defaultVariant` to the off variation and relies on exactly this.
    let source = json!({"if": [{"===": [{"var": "tier"}, "gold"]}, "on", null]});
    let fe = flag_env(
        Some(OFF),
        vec![],
        vec![(Some(country_in(&["DE"])), ServePlan::Variation(ON))],
        json_logic(source.clone()),
        vec![],
    );
    let flag = compiled_flag(&single(fe));
    assert_eq!(flag["defaultVariant"], json!("off"));
    assert_eq!(
        flag["targeting"],
        json!({"if": [{"in": [{"var": "country"}, ["DE"]]}, "on", source]})
    );
}
