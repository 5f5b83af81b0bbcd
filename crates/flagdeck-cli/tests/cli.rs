//! The `flagdeck` binary as a user runs it: real folders, real files, exit codes and output.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn flagdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .args(args)
        .output()
        .expect("the flagdeck binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn example(dir: &Path) -> String {
    let path = dir.join("acme").display().to_string();
    let o = flagdeck(&["init", &path, "--example"]);
    assert_eq!(code(&o), 0, "init --example: {}", stderr(&o));
    path
}

#[test]
fn the_quick_start_works_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let o = flagdeck(&["validate", &project]);
    assert_eq!(code(&o), 0, "validate: {}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("Valid: "), "{}", stdout(&o));
    let o = flagdeck(&["build", &project]);
    assert_eq!(code(&o), 0, "build: {}", stderr(&o));
    let dist = Path::new(&project).join("dist");
    for env in ["development", "staging", "production"] {
        assert!(
            dist.join(format!("{env}.flagd.json")).is_file(),
            "{env} was built"
        );
    }
    assert_eq!(
        code(&flagdeck(&["build", &project, "--check"])),
        0,
        "a fresh build is up to date"
    );
    // The same input gives the same bytes.
    let before = std::fs::read(dist.join("production.flagd.json")).unwrap();
    assert_eq!(code(&flagdeck(&["build", &project])), 0);
    assert_eq!(
        std::fs::read(dist.join("production.flagd.json")).unwrap(),
        before
    );
}

#[test]
fn build_check_catches_a_hand_edited_or_stale_dist() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    assert_eq!(code(&flagdeck(&["build", &project])), 0);
    let file = Path::new(&project).join("dist/production.flagd.json");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text = text.replacen("\"ENABLED\"", "\"DISABLED\"", 1);
    std::fs::write(&file, text).unwrap();
    let o = flagdeck(&["build", &project, "--check"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("production.flagd.json differs from a fresh build"),
        "{}",
        stderr(&o)
    );
    std::fs::write(Path::new(&project).join("dist/old-env.flagd.json"), "{}").unwrap();
    assert_eq!(code(&flagdeck(&["build", &project])), 0);
    assert!(
        !Path::new(&project).join("dist/old-env.flagd.json").exists(),
        "a stale environment's file is removed"
    );
    assert_eq!(code(&flagdeck(&["build", &project, "--check"])), 0);
}

#[test]
fn validation_problems_are_located_sentences_with_exit_code_1() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let flags = Path::new(&project).join("flags");
    let first = std::fs::read_dir(&flags)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    std::fs::write(&first, "{\n  \"key\": \"x\",\n  oops\n}\n").unwrap();
    std::fs::write(flags.join("evil.json"), r#"{"key": "../../etc", "name": "Evil", "type": "boolean", "variations": [{"key": "on", "value": true}]}"#).unwrap();
    let o = flagdeck(&["validate", &project]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains(":3:3") && err.contains("[malformed-json]"),
        "{err}"
    );
    assert!(
        err.contains("'../../etc' is not valid") && err.contains("[invalid-key]"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    let o = flagdeck(&["--format", "json", "validate", &project]);
    assert_eq!(code(&o), 1);
    let report: Value = serde_json::from_str(&stdout(&o)).expect("JSON output");
    assert_eq!(report["valid"], json!(false));
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"malformed-json") && codes.contains(&"invalid-key"),
        "{codes:?}"
    );
    // Nothing is built from an invalid project.
    let o = flagdeck(&["build", &project]);
    assert_eq!(code(&o), 1);
    assert!(!Path::new(&project).join("dist").exists());
}

#[test]
fn persona_problems_are_reported_and_personas_stay_out_of_dist() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let personas = Path::new(&project).join("personas");
    let mut names: Vec<String> = std::fs::read_dir(&personas)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "anna-de-pro.json",
            "bob-us-free.json",
            "kenji-jp-mobile.json",
            "qa-tester.json"
        ]
    );
    // The example's personas are valid, and the build compiles none of them.
    assert_eq!(code(&flagdeck(&["validate", &project])), 0);
    assert_eq!(code(&flagdeck(&["build", &project])), 0);
    let dist =
        std::fs::read_to_string(Path::new(&project).join("dist/production.flagd.json")).unwrap();
    assert!(!dist.contains("anna") && !dist.contains("Anna"), "{dist}");

    let anna = personas.join("anna-de-pro.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&anna).unwrap()).unwrap();
    value["context"]["plann"] = json!("pro");
    value["context"]["age"] = json!("34");
    std::fs::write(&anna, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let o = flagdeck(&["--format", "json", "validate", &project]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["pointer"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let file = "personas/anna-de-pro.json".to_owned();
    assert_eq!(
        found,
        [
            (
                file.clone(),
                "/context/age".into(),
                "wrong-value-type".into()
            ),
            (file, "/context/plann".into(), "unknown-attribute".into()),
        ]
    );
    let o = flagdeck(&["validate", &project]);
    assert!(
        stderr(&o).contains("(did you mean 'plan'?)")
            || stdout(&o).contains("(did you mean 'plan'?)"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn usage_and_io_errors_exit_2_with_a_sentence() {
    let o = flagdeck(&["validate", "/definitely/not/here"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let o = flagdeck(&[
        "eval",
        "--project",
        &project,
        "--env",
        "moon",
        "--flag",
        "x",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no environment 'moon'"),
        "{}",
        stderr(&o)
    );
    let o = flagdeck(&[
        "eval",
        "--project",
        &project,
        "--env",
        "production",
        "--flag",
        "x",
        "--context",
        "[1]",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("must be a JSON object"),
        "{}",
        stderr(&o)
    );
    let o = flagdeck(&["init", &project]);
    assert_eq!(code(&o), 2, "init refuses to overwrite a project");
    let o = flagdeck(&["eval"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn eval_native_and_flagd_agree_on_the_example_and_explain_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    assert_eq!(code(&flagdeck(&["build", &project])), 0);
    let dist = Path::new(&project)
        .join("dist/production.flagd.json")
        .display()
        .to_string();
    let checked: Value = serde_json::from_slice(&std::fs::read(&dist).unwrap()).unwrap();
    let flags: Vec<String> = checked["flags"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(flags.len() >= 12);
    let contexts = [
        json!({}),
        json!({"targetingKey": "user-1", "country": "DE", "plan": "pro", "beta": true, "appVersion": "2.4.0", "age": 30}),
        json!({"targetingKey": "user-42", "country": "US", "plan": "free", "companyId": "acme", "age": "30"}),
    ];
    let mut cases = String::new();
    for flag in &flags {
        for ctx in &contexts {
            for at in [1_700_000_000i64, 1_796_115_600, 1_830_000_000] {
                cases.push_str(&json!({"flag": flag, "context": ctx, "at": at}).to_string());
                cases.push('\n');
            }
        }
    }
    let cases_file = tmp.path().join("cases.jsonl");
    std::fs::write(&cases_file, cases).unwrap();
    let cases_path = cases_file.display().to_string();
    let native = flagdeck(&[
        "eval",
        "--project",
        &project,
        "--env",
        "production",
        "--cases",
        &cases_path,
    ]);
    assert_eq!(code(&native), 0, "{}", stderr(&native));
    let from_flagd = flagdeck(&["eval", "--flagd", &dist, "--cases", &cases_path]);
    assert_eq!(code(&from_flagd), 0, "{}", stderr(&from_flagd));
    let a: Vec<Value> = stdout(&native)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let b: Vec<Value> = stdout(&from_flagd)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(a.len(), flags.len() * 9);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x["value"], &x["variant"]),
            (&y["value"], &y["variant"]),
            "native {x} vs flagd {y}"
        );
    }
    let o = flagdeck(&[
        "eval",
        "--project",
        &project,
        "--env",
        "production",
        "--flag",
        &flags[0],
        "--explain",
        "--context",
        r#"{"targetingKey": "user-1"}"#,
        "--at",
        "2026-12-05T10:00:00Z",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let result: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let steps = result["explain"].as_array().expect("explain is a list");
    assert!(
        !steps.is_empty()
            && steps
                .iter()
                .all(|s| s["message"].as_str().is_some_and(|m| !m.is_empty())),
        "{result}"
    );
    for key in ["flag", "value", "variant", "reason", "errorCode"] {
        assert!(result.get(key).is_some(), "{key} in {result}");
    }
}

#[test]
fn eval_of_an_unknown_flag_is_flag_not_found_with_the_code_default() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let o = flagdeck(&[
        "eval",
        "--project",
        &project,
        "--env",
        "production",
        "--flag",
        "no-such-flag",
    ]);
    assert_eq!(code(&o), 0);
    let r: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (
            r["value"].clone(),
            r["variant"].clone(),
            r["reason"].clone(),
            r["errorCode"].clone()
        ),
        (
            Value::Null,
            Value::Null,
            json!("ERROR"),
            json!("FLAG_NOT_FOUND")
        )
    );
}

#[test]
fn eval_flagd_uses_the_callers_type_and_default() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f.flagd.json");
    std::fs::write(&file, json!({"flags": {
        "color": {"state": "ENABLED", "defaultVariant": "red", "variants": {"red": "#f00", "blue": "#00f"},
                  "targeting": {"if": [{"===": [{"var": "plan"}, "pro"]}, "blue", null]}},
        "off": {"state": "DISABLED", "defaultVariant": "red", "variants": {"red": "#f00"}}
    }}).to_string()).unwrap();
    let f = file.display().to_string();
    let run = |args: &[&str]| -> Value {
        let mut all = vec!["eval", "--flagd", f.as_str()];
        all.extend_from_slice(args);
        let o = flagdeck(&all);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        serde_json::from_str(stdout(&o).trim()).unwrap()
    };
    let r = run(&[
        "--flag",
        "color",
        "--type",
        "string",
        "--default",
        "\"x\"",
        "--context",
        r#"{"plan": "pro"}"#,
    ]);
    assert_eq!(
        (
            r["value"].clone(),
            r["variant"].clone(),
            r["reason"].clone()
        ),
        (json!("#00f"), json!("blue"), json!("TARGETING_MATCH"))
    );
    let r = run(&["--flag", "color", "--type", "string", "--default", "\"x\""]);
    assert_eq!(
        (r["value"].clone(), r["reason"].clone()),
        (json!("#f00"), json!("DEFAULT"))
    );
    let r = run(&["--flag", "color", "--type", "boolean", "--default", "false"]);
    assert_eq!(
        (r["value"].clone(), r["errorCode"].clone()),
        (json!(false), json!("TYPE_MISMATCH"))
    );
    let r = run(&["--flag", "off", "--type", "string", "--default", "\"x\""]);
    assert_eq!(
        (
            r["value"].clone(),
            r["variant"].clone(),
            r["reason"].clone()
        ),
        (json!("x"), Value::Null, json!("DISABLED"))
    );
}

#[test]
fn import_flagd_then_build_gives_the_same_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("in.flagd.json");
    std::fs::write(&source, json!({"flags": {
        "banner": {"state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false},
                   "targeting": {"if": [{"in": [{"var": "country"}, ["DE", "FR"]]}, "on",
                                        {"<": [{"var": "age"}, 18]}, "off",
                                        {"fractional": [["on", 50], ["off", 50]]}]}},
        "theme": {"state": "DISABLED", "defaultVariant": "dark", "variants": {"dark": "dark", "light": "light"}}
    }}).to_string()).unwrap();
    let into = tmp.path().join("imported").display().to_string();
    let o = flagdeck(&[
        "import",
        "flagd",
        &source.display().to_string(),
        "--into",
        &into,
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(code(&flagdeck(&["validate", &into])), 0);
    assert_eq!(code(&flagdeck(&["build", &into])), 0);
    let built = Path::new(&into)
        .join("dist/production.flagd.json")
        .display()
        .to_string();
    let mut cases = String::new();
    for ctx in [
        json!({}),
        json!({"country": "DE"}),
        json!({"age": 12, "targetingKey": "u1"}),
        json!({"targetingKey": "u2"}),
        json!({"age": "x"}),
    ] {
        for flag in ["banner", "theme"] {
            cases.push_str(&json!({"flag": flag, "context": ctx, "at": 1_800_000_000}).to_string());
            cases.push('\n');
        }
    }
    let cases_file = tmp.path().join("c.jsonl");
    std::fs::write(&cases_file, cases).unwrap();
    let c = cases_file.display().to_string();
    let original = stdout(&flagdeck(&[
        "eval",
        "--flagd",
        &source.display().to_string(),
        "--cases",
        &c,
    ]));
    let native = stdout(&flagdeck(&[
        "eval",
        "--project",
        &into,
        "--env",
        "production",
        "--cases",
        &c,
    ]));
    let rebuilt = stdout(&flagdeck(&["eval", "--flagd", &built, "--cases", &c]));
    let pick = |text: &str| -> Vec<(Value, Value)> {
        text.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .map(|v| (v["value"].clone(), v["variant"].clone()))
            .collect()
    };
    assert_eq!(pick(&original).len(), 10);
    assert_eq!(pick(&original), pick(&native), "import keeps every answer");
    assert_eq!(
        pick(&original),
        pick(&rebuilt),
        "and so does the rebuilt file"
    );
}

#[test]
fn governance_files_are_validated_like_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = example(tmp.path());
    std::fs::write(
        Path::new(&dir).join("policy.json"),
        r#"{"groups": [{"key": "rm", "name": "Release managers", "members": ["nobody"]}], "rules": []}"#,
    )
    .unwrap();
    std::fs::create_dir_all(Path::new(&dir).join("people")).unwrap();
    std::fs::write(
        Path::new(&dir).join("people/eve.json"),
        r#"{"id": "eve", "name": "Eve", "email": "eve@example.com", "publicKey": "ed25519:not-a-key"}"#,
    )
    .unwrap();
    let o = flagdeck(&["validate", &dir, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found.contains(&("policy.json".into(), "unknown-person".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("people/eve.json".into(), "invalid-public-key".into())),
        "{found:?}"
    );
}
