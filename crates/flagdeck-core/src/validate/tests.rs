use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::diag::Code;

fn project_json() -> Value {
    json!({
        "format": 1, "name": "Acme", "bucketBy": "targetingKey",
        "environments": [{"key": "development", "name": "Development"}, {"key": "production", "name": "Production"}],
        "attributes": [
            {"key": "targetingKey", "type": "string"},
            {"key": "country", "type": "string"},
            {"key": "age", "type": "number"},
            {"key": "beta", "type": "boolean"},
            {"key": "appVersion", "type": "semver"},
            {"key": "signupAt", "type": "datetime"}
        ]
    })
}

fn flag_json() -> Value {
    json!({
        "key": "new-checkout", "name": "New checkout", "type": "boolean",
        "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "environments": {"production": {
            "enabled": true, "offVariation": "off",
            "targets": [{"variation": "on", "keys": ["qa-1"]}],
            "rules": [
                {"id": "beta", "name": "Beta testers", "when": {"segment": "beta-testers"}, "serve": {"variation": "on"}},
                {"id": "eu", "name": "EU", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                 "serve": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}
            ],
            "fallthrough": {"variation": "off"},
            "schedule": [
                {"at": "2026-12-01T09:00:00Z", "fallthrough": {"rollout": [{"variation": "on", "weight": 5}, {"variation": "off", "weight": 95}]}},
                {"at": "2026-12-08T09:00:00Z", "fallthrough": {"variation": "on"}}
            ]
        }}
    })
}

fn segment_json() -> Value {
    json!({"key": "beta-testers", "name": "Beta testers",
           "when": {"any": [{"attribute": "beta", "op": "is_true"}, {"attribute": "country", "op": "in", "values": ["DE"]}]},
           "include": ["user-1"], "exclude": ["user-9"]})
}

fn files(project: Value, flags: &[Value], segments: &[Value]) -> Vec<SourceFile> {
    let mut out = vec![SourceFile::new(
        PROJECT_FILE,
        format::to_canonical_json(&project),
    )];
    for f in flags {
        let key = f["key"].as_str().unwrap_or("x");
        out.push(SourceFile::new(
            format!("flags/{key}.json"),
            format::to_canonical_json(f),
        ));
    }
    for s in segments {
        let key = s["key"].as_str().unwrap_or("x");
        out.push(SourceFile::new(
            format!("segments/{key}.json"),
            format::to_canonical_json(s),
        ));
    }
    out
}

/// The codes and pointers reported for a project built from the base files after `edit`.
fn problems(edit: impl FnOnce(&mut Value, &mut Value, &mut Value)) -> Vec<(Code, String, String)> {
    let (mut p, mut f, mut s) = (project_json(), flag_json(), segment_json());
    edit(&mut p, &mut f, &mut s);
    let checked = check(&files(p, &[f], &[s]));
    checked
        .errors()
        .map(|d| (d.code, d.file.clone(), d.pointer.clone()))
        .collect()
}

fn assert_problem(found: &[(Code, String, String)], code: Code, file: &str, pointer: &str) {
    assert!(
        found
            .iter()
            .any(|(c, f, p)| *c == code && f == file && p == pointer),
        "expected {code:?} at {file} {pointer}, found {found:#?}"
    );
}

#[test]
fn the_base_project_is_valid_and_resolved() {
    let checked = check(&files(project_json(), &[flag_json()], &[segment_json()]));
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let project = checked.project.expect("a valid project resolves");
    let flag = &project.flags[project.flag_id("new-checkout").unwrap()];
    let env = flag.envs[project.env_id("production").unwrap()]
        .as_ref()
        .unwrap();
    assert_eq!(env.timeline.len(), 3, "base + two schedule steps");
    assert!(flag.envs[project.env_id("development").unwrap()].is_none());
    assert_eq!(env.target_lookup.get("qa-1"), Some(&0));
}

#[test]
fn each_listed_problem_is_located() {
    let flag = "flags/new-checkout.json";
    let f = problems(|_, f, _| {
        f["environments"]["production"]["fallthrough"] = json!({"variation": "onn"})
    });
    assert_problem(
        &f,
        Code::UnknownVariation,
        flag,
        "/environments/production/fallthrough/variation",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][0]["when"] = json!({"segment": "beta-tester"})
    });
    assert_problem(
        &f,
        Code::UnknownSegment,
        flag,
        "/environments/production/rules/0/when/segment",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["when"]["attribute"] = json!("contry")
    });
    assert_problem(
        &f,
        Code::UnknownAttribute,
        flag,
        "/environments/production/rules/1/when/attribute",
    );
    let f =
        problems(|_, f, _| f["environments"]["staging"] = f["environments"]["production"].clone());
    assert_problem(&f, Code::UnknownEnvironment, flag, "/environments/staging");
    let f = problems(|_, f, _| f["environments"]["production"]["rules"][1]["id"] = json!("beta"));
    assert_problem(
        &f,
        Code::DuplicateRuleId,
        flag,
        "/environments/production/rules/1/id",
    );
    let f = problems(|_, f, _| f["variations"][1]["key"] = json!("on"));
    assert_problem(&f, Code::DuplicateKey, flag, "/variations/1/key");
    let f = problems(|_, f, _| f["variations"][1]["value"] = json!("false"));
    assert_problem(&f, Code::WrongValueType, flag, "/variations/1/value");
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["serve"]["rollout"][0]["weight"] = json!(21)
    });
    assert_problem(
        &f,
        Code::WeightsDoNotSum,
        flag,
        "/environments/production/rules/1/serve/rollout",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["serve"]["rollout"][0]["weight"] =
            json!(20.0001)
    });
    assert_problem(
        &f,
        Code::InvalidWeight,
        flag,
        "/environments/production/rules/1/serve/rollout/0/weight",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["when"] =
            json!({"attribute": "age", "op": "contains", "value": "x"})
    });
    assert_problem(
        &f,
        Code::OperatorNotAllowed,
        flag,
        "/environments/production/rules/1/when/op",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["when"] =
            json!({"attribute": "appVersion", "op": "semver_gt", "value": "v1.2"})
    });
    assert_problem(
        &f,
        Code::InvalidSemver,
        flag,
        "/environments/production/rules/1/when/value",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["schedule"][1]["at"] = json!("2026-11-01T09:00:00Z")
    });
    assert_problem(
        &f,
        Code::ScheduleOutOfOrder,
        flag,
        "/environments/production/schedule/1/at",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["schedule"][1]["at"] = json!("2026-12-01T09:00:00Z")
    });
    assert_problem(
        &f,
        Code::ScheduleSameInstant,
        flag,
        "/environments/production/schedule/1/at",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["targets"] =
            json!([{"variation": "on", "keys": ["a"]}, {"variation": "off", "keys": ["a"]}])
    });
    assert_problem(
        &f,
        Code::TargetConflict,
        flag,
        "/environments/production/targets/1/keys/0",
    );
    let f = problems(|_, _, s| s["when"] = json!({"segment": "beta-testers"}));
    assert_problem(
        &f,
        Code::SegmentCycle,
        "segments/beta-testers.json",
        "/when",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["when"] =
            json!({"attribute": "age", "op": "gt", "value": "18"})
    });
    assert_problem(
        &f,
        Code::WrongValueType,
        flag,
        "/environments/production/rules/1/when/value",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][1]["when"] =
            json!({"attribute": "signupAt", "op": "before", "value": "yesterday"})
    });
    assert_problem(
        &f,
        Code::InvalidDatetime,
        flag,
        "/environments/production/rules/1/when/value",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["rules"][0]["when"] =
            json!({"segment": "beta-testers", "attribute": "beta"})
    });
    assert_problem(
        &f,
        Code::InvalidCondition,
        flag,
        "/environments/production/rules/0/when",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["fallthrough"] = json!({"variation": "on", "rollout": []})
    });
    assert_problem(
        &f,
        Code::InvalidServe,
        flag,
        "/environments/production/fallthrough",
    );
    let f = problems(|_, f, _| {
        f["environments"]["production"]["schedule"][0]["rules"] =
            json!({"nope": {"serve": {"variation": "on"}}})
    });
    assert_problem(
        &f,
        Code::UnknownRule,
        flag,
        "/environments/production/schedule/0/rules/nope",
    );
    let f = problems(|p, _, _| p["attributes"][1]["key"] = json!("__proto__"));
    assert_problem(&f, Code::InvalidKey, PROJECT_FILE, "/attributes/1/key");
    let f = problems(|p, _, _| p["bucketBy"] = json!("age"));
    assert_problem(&f, Code::InvalidBucketBy, PROJECT_FILE, "/bucketBy");
}

#[test]
fn every_problem_is_reported_at_once() {
    let found = problems(|_, f, _| {
        f["environments"]["production"]["fallthrough"] = json!({"variation": "onn"});
        f["environments"]["production"]["rules"][1]["when"]["attribute"] = json!("contry");
        f["variations"][1]["value"] = json!(0);
    });
    assert!(found.len() >= 3, "{found:#?}");
}

#[test]
fn a_path_traversal_key_is_refused() {
    let mut f = flag_json();
    f["key"] = json!("../../etc");
    let files = vec![
        SourceFile::new(PROJECT_FILE, format::to_canonical_json(&project_json())),
        SourceFile::new("flags/new-checkout.json", format::to_canonical_json(&f)),
    ];
    let checked = check(&files);
    let d = checked
        .errors()
        .find(|d| d.code == Code::InvalidKey)
        .expect("the key is refused");
    assert!(d.message.contains("../../etc"), "{}", d.message);
    assert!(checked.project.is_none());
}

#[test]
fn a_file_name_that_does_not_match_its_key_is_refused() {
    let files = vec![
        SourceFile::new(PROJECT_FILE, format::to_canonical_json(&project_json())),
        SourceFile::new(
            "flags/old-name.json",
            format::to_canonical_json(&flag_json()),
        ),
    ];
    let checked = check(&files);
    assert!(
        checked
            .errors()
            .any(|d| d.code == Code::FileNameMismatch && d.file == "flags/old-name.json")
    );
}

#[test]
fn malformed_json_has_line_and_column_and_hides_nothing_else() {
    let mut all = files(project_json(), &[flag_json()], &[]);
    all.push(SourceFile::new(
        "flags/broken.json",
        "{\n  \"key\": \"broken\",\n  \"name\": oops\n}\n",
    ));
    let mut other = flag_json();
    other["key"] = json!("other");
    other["variations"][0]["value"] = json!("yes");
    all.push(SourceFile::new(
        "flags/other.json",
        format::to_canonical_json(&other),
    ));
    let checked = check(&all);
    let broken = checked
        .errors()
        .find(|d| d.file == "flags/broken.json")
        .expect("reported");
    assert_eq!((broken.code, broken.line), (Code::MalformedJson, Some(3)));
    assert!(
        checked
            .errors()
            .any(|d| d.file == "flags/other.json" && d.code == Code::WrongValueType)
    );
}

#[test]
fn a_wrongly_typed_field_is_located() {
    let mut f = flag_json();
    f["environments"]["production"]["enabled"] = json!("yes");
    let checked = check(&files(project_json(), &[f], &[segment_json()]));
    let d = checked.errors().next().expect("an error");
    assert_eq!(d.code, Code::InvalidStructure);
    assert_eq!(d.pointer, "/environments/production/enabled");
    assert!(d.message.contains("boolean"), "{}", d.message);
}

#[test]
fn a_file_over_five_megabytes_is_not_read() {
    let mut all = files(project_json(), &[], &[]);
    all.push(SourceFile::new(
        "flags/huge.json",
        vec![b' '; format::MAX_FILE_BYTES + 1],
    ));
    let checked = check(&all);
    assert!(
        checked
            .errors()
            .any(|d| d.code == Code::FileTooLarge && d.file == "flags/huge.json")
    );
}

#[test]
fn a_reference_to_a_broken_segment_file_is_not_reported_twice() {
    let mut all = files(project_json(), &[flag_json()], &[]);
    all.push(SourceFile::new("segments/beta-testers.json", "{"));
    let checked = check(&all);
    let codes: Vec<Code> = checked.errors().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![Code::MalformedJson],
        "{:#?}",
        checked.diagnostics
    );
}

#[test]
fn ramps_follow_a_single_variation_and_start_with_their_step() {
    let ramp = json!({"ramp": {"from": "2026-12-08T09:00:00Z", "to": "2026-12-12T09:00:00Z", "variation": "on", "fromWeight": 0, "toWeight": 100}});
    // Valid: before 2026-12-08 the fallthrough is `off` if the first step is removed.
    let found = problems(|_, f, _| {
        let steps = &mut f["environments"]["production"]["schedule"];
        steps[0]["fallthrough"] = json!({"variation": "off"});
        steps[1]["fallthrough"] = ramp.clone();
    });
    assert!(found.is_empty(), "{found:#?}");
    // After a rollout: refused.
    let found = problems(|_, f, _| {
        f["environments"]["production"]["schedule"][1]["fallthrough"] = ramp.clone()
    });
    assert_problem(
        &found,
        Code::InvalidRamp,
        "flags/new-checkout.json",
        "/environments/production/schedule/1/fallthrough",
    );
    // Not starting with its step: refused.
    let found = problems(|_, f, _| {
        let steps = &mut f["environments"]["production"]["schedule"];
        steps[0]["fallthrough"] = json!({"variation": "off"});
        steps[1]["fallthrough"] = ramp.clone();
        steps[1]["fallthrough"]["ramp"]["from"] = json!("2026-12-09T09:00:00Z");
    });
    assert_problem(
        &found,
        Code::InvalidRamp,
        "flags/new-checkout.json",
        "/environments/production/schedule/1/fallthrough/ramp/from",
    );
}

#[test]
fn writing_what_was_read_gives_the_same_bytes() {
    for file in files(project_json(), &[flag_json()], &[segment_json()]) {
        let text = String::from_utf8(file.bytes.clone()).unwrap();
        let again = match file.path.as_str() {
            PROJECT_FILE => format::to_canonical_json(
                &format::parse::<ProjectFile>(&file.path, &file.bytes).unwrap(),
            ),
            p if p.starts_with("flags/") => format::to_canonical_json(
                &format::parse::<FlagFile>(&file.path, &file.bytes).unwrap(),
            ),
            _ => format::to_canonical_json(
                &format::parse::<SegmentFile>(&file.path, &file.bytes).unwrap(),
            ),
        };
        assert_eq!(again, text, "{} changed when written back", file.path);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|n| json!(n)),
        prop_oneof![
            Just("on".to_owned()),
            Just("production".to_owned()),
            Just("beta-testers".to_owned()),
            "[a-z_]{0,8}",
            ".{0,6}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("key".to_owned()),
            Just("variation".to_owned()),
            Just("rollout".to_owned()),
            Just("weight".to_owned()),
            Just("when".to_owned()),
            Just("attribute".to_owned()),
            Just("op".to_owned()),
            Just("value".to_owned()),
            Just("values".to_owned()),
            Just("segment".to_owned()),
            Just("not".to_owned()),
            Just("all".to_owned()),
            Just("enabled".to_owned()),
            Just("fallthrough".to_owned()),
            Just("schedule".to_owned()),
            Just("at".to_owned()),
            Just("ramp".to_owned()),
            "[a-z]{1,6}"
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut all = files(project_json(), &[], &[]);
        all.push(SourceFile::new("flags/x.json", bytes.clone()));
        all.push(SourceFile::new("segments/x.json", bytes.clone()));
        all.push(SourceFile::new(PROJECT_FILE, bytes));
        let _ = check(&all);
    }

    #[test]
    fn arbitrary_json_inside_a_flag_never_panics(env in arb_json(), rule in arb_json(), segment_when in arb_json()) {
        let mut f = flag_json();
        f["environments"]["production"] = env;
        let mut g = flag_json();
        g["key"] = json!("g");
        g["environments"]["production"]["rules"][0] = rule;
        let mut s = segment_json();
        s["when"] = segment_when;
        let checked = check(&files(project_json(), &[f, g], &[s]));
        // Whatever the input, a project is only resolved when there is no error.
        prop_assert_eq!(checked.project.is_some(), !checked.has_errors());
        for d in &checked.diagnostics {
            prop_assert!(!d.message.is_empty());
        }
    }
}

/// The problems of a project (`project_json` with `country` limited to DE, FR, US) holding one
/// persona file at `path`: (code, pointer, message).
fn persona_problems(path: &str, persona: Value) -> Vec<(Code, String, String)> {
    let mut project = project_json();
    project["attributes"][1]["values"] = json!(["DE", "FR", "US"]);
    project["attributes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "plan", "type": "string", "values": ["free", "pro"]}));
    let mut files = files(project, &[], &[]);
    files.push(SourceFile::new(path, format::to_canonical_json(&persona)));
    check(&files)
        .diagnostics
        .into_iter()
        .map(|d| {
            assert_eq!(d.file, path);
            (d.code, d.pointer, d.message)
        })
        .collect()
}

#[test]
fn a_valid_persona_has_no_problem_and_stays_out_of_the_resolved_project() {
    let anna = json!({"key": "anna", "name": "Anna", "description": "Pro in Germany",
        "context": {"targetingKey": "u-1", "country": "DE", "age": 34, "beta": true,
                    "appVersion": "2.1.0", "signupAt": 1_767_225_600}});
    assert_eq!(persona_problems("personas/anna.json", anna.clone()), vec![]);
    let mut all = files(project_json(), &[flag_json()], &[segment_json()]);
    all.push(SourceFile::new(
        "personas/anna.json",
        format::to_canonical_json(&anna),
    ));
    let checked = check(&all);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let project = checked.project.unwrap();
    assert_eq!((project.flags.len(), project.segments.len()), (1, 1));
}

#[test]
fn persona_problems_are_located_sentences_with_stable_codes() {
    let found = persona_problems(
        "personas/anna.json",
        json!({"key": "anna", "name": "Anna", "context": {
            "contry": "DE", "age": "34", "beta": null, "country": "IT",
            "appVersion": "2.1", "signupAt": "2026-01-01T00:00:00Z", "targetingKey": 7}}),
    );
    let codes: Vec<(Code, &str)> = found.iter().map(|(c, p, _)| (*c, p.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            (Code::WrongValueType, "/context/age"),
            (Code::InvalidSemver, "/context/appVersion"),
            (Code::WrongValueType, "/context/beta"),
            (Code::UnknownAttribute, "/context/contry"),
            (Code::WrongValueType, "/context/country"),
            (Code::WrongValueType, "/context/signupAt"),
            (Code::WrongValueType, "/context/targetingKey"),
        ]
    );
    let message = |pointer: &str| {
        found
            .iter()
            .find(|(_, p, _)| p == pointer)
            .map(|(_, _, m)| m.as_str())
            .unwrap()
    };
    assert_eq!(
        message("/context/contry"),
        "The attribute 'contry' is not declared in flagdeck.json (did you mean 'country'?); declare it there or remove it from the persona."
    );
    assert_eq!(
        message("/context/country"),
        "'IT' is not one of the values flagdeck.json declares for 'country': DE, FR, US."
    );
    assert_eq!(
        message("/context/age"),
        "'age' is a number attribute, so its value must be a number; found the string \"34\"."
    );
    assert_eq!(
        message("/context/signupAt"),
        "'signupAt' is a datetime attribute, so its value must be a number of Unix seconds; found the string \"2026-01-01T00:00:00Z\"."
    );
    assert!(message("/context/beta").contains("null (leave the attribute out instead)"));
    // A near miss of a declared value is suggested too.
    let near = persona_problems(
        "personas/anna.json",
        json!({"key": "anna", "name": "Anna", "context": {"plan": "prp"}}),
    );
    assert!(
        near[0].2.ends_with("free, pro (did you mean 'pro'?)."),
        "{}",
        near[0].2
    );
}

#[test]
fn persona_keys_name_their_files() {
    let persona = |key: &str| json!({"key": key, "name": "P", "context": {}});
    let mismatch = persona_problems("personas/anna.json", persona("bob"));
    assert_eq!(
        (mismatch[0].0, mismatch[0].1.as_str()),
        (Code::FileNameMismatch, "/key")
    );
    assert!(
        mismatch[0].2.contains("holds the persona 'bob'"),
        "{}",
        mismatch[0].2
    );
    let bad = persona_problems("personas/Anna B.json", persona("Anna B"));
    assert_eq!((bad[0].0, bad[0].1.as_str()), (Code::InvalidKey, "/key"));
    // A persona file that is not one is a decoder error, located; a stray file a warning.
    let broken = persona_problems(
        "personas/anna.json",
        json!({"key": "anna", "name": "A", "context": [], "extra": 1}),
    );
    assert_eq!(broken[0].0, Code::InvalidStructure);
    let (parsed, warning) = parse_file(&SourceFile::new("personas/notes.txt", "hi"));
    assert!(matches!(parsed, Parsed::Ignored));
    assert_eq!(warning.map(|d| d.code), Some(Code::UnexpectedFile));
}

#[test]
fn freeze_windows_are_validated_with_located_sentences() {
    let valid = problems(|p, _, _| {
        p["freezes"] = json!([
            {"name": "Black Friday", "from": "2026-11-27T00:00:00Z", "to": "2026-11-30T00:00:00Z"},
            {"name": "Year end", "from": "2026-12-24T00:00:00+01:00", "to": "2027-01-02T00:00:00Z",
             "environments": ["production"]}
        ])
    });
    assert!(valid.is_empty(), "{valid:#?}");

    let (mut p, f, s) = (project_json(), flag_json(), segment_json());
    p["freezes"] = json!([
        {"name": "Backwards", "from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"},
        {"name": "Empty", "from": "2026-12-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"},
        {"name": "Sloppy", "from": "1 Dec 2026", "to": "2026-12-01T00:00:00Z"},
        {"name": "Typo", "from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z",
         "environments": ["prodution"]},
        {"name": " ", "from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z"}
    ]);
    let checked = check(&files(p, &[f], &[s]));
    let found: Vec<(Code, &str, &str)> = checked
        .errors()
        .map(|d| (d.code, d.pointer.as_str(), d.message.as_str()))
        .collect();
    let expect = [
        (
            Code::InvalidFreeze,
            "/freezes/0/to",
            "The freeze 'Backwards' ends (2026-12-01T00:00:00Z) before it starts (2026-12-02T00:00:00Z); 'to' must be after 'from'.",
        ),
        (
            Code::InvalidFreeze,
            "/freezes/1/to",
            "The freeze 'Empty' ends (2026-12-01T00:00:00Z) before it starts (2026-12-01T00:00:00Z); 'to' must be after 'from'.",
        ),
        (
            Code::InvalidDatetime,
            "/freezes/2/from",
            "The freeze 'Sloppy': 'from' is '1 Dec 2026', which is not a date and time like 2026-12-01T09:00:00Z.",
        ),
        (
            Code::UnknownEnvironment,
            "/freezes/3/environments/0",
            "The freeze 'Typo' names the environment 'prodution' (did you mean 'production'?), which the project does not declare.",
        ),
        (
            Code::InvalidFreeze,
            "/freezes/4/name",
            "A freeze window needs a name, shown in the release calendar's warnings.",
        ),
    ];
    for e in &expect {
        assert!(found.contains(e), "missing {e:?} in {found:#?}");
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    assert!(checked.errors().all(|d| d.file == PROJECT_FILE));
}
