//! `preview` and `rebucketImpact` through `App::call`, on a real cache file and a real Git
//! workspace: the published side is the synced base, the drafted side the drafts saved on it.

mod support;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, ErrorCode};
use flagdeck_core::format::SourceFile;
use serde_json::{Value, json};
use support::{TestResult, app, edit_flag, seeded_remote};

const AT: i64 = 1_796_115_600; // 2026-12-01T09:00:00Z

fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::new(ErrorCode::InvalidInput, e.to_string()))?;
    app.call(request)
}

fn files() -> Vec<SourceFile> {
    let files = [
        (
            "flagdeck.json",
            json!({"format": 1, "name": "Shop",
            "environments": [{"key": "staging", "name": "Staging"}, {"key": "production", "name": "Production"}],
            "attributes": [
                {"key": "targetingKey", "type": "string"},
                {"key": "country", "type": "string", "values": ["DE", "FR", "US"]},
                {"key": "plan", "type": "string", "values": ["free", "pro"]}
            ]}),
        ),
        (
            "flags/checkout.json",
            json!({"key": "checkout", "name": "New checkout", "type": "boolean",
                "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "environments": {
                    "staging": {"enabled": true, "offVariation": "off", "fallthrough": {"variation": "on"}},
                    "production": {"enabled": true, "offVariation": "off",
                        "rules": [{"id": "eu", "name": "EU", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                            "serve": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}],
                        "fallthrough": {"variation": "off"}}}}),
        ),
        (
            "flags/banner.json",
            json!({"key": "banner", "name": "Banner", "type": "string",
                "variations": [{"key": "red", "value": "#f00"}, {"key": "blue", "value": "#00f"}],
                "environments": {"production": {"enabled": true, "offVariation": "red", "fallthrough": {"variation": "blue"}}}}),
        ),
    ];
    files
        .iter()
        .map(|(path, json)| SourceFile::new(*path, json.to_string()))
        .collect()
}

/// A git workspace on a bare remote seeded with [`files`]; the app, its workspace id.
fn workspace(dir: &std::path::Path) -> Result<(support::TestApp, i64), Box<dyn std::error::Error>> {
    let url = seeded_remote(dir, &files())?;
    let t = app(&dir.join("data"), "Ada")?;
    let ws = call(
        &t.app,
        "createGitWorkspace",
        json!({"name": "Shop", "url": url}),
    )?["id"]
        .as_i64()
        .ok_or("an id")?;
    Ok((t, ws))
}

fn cell<'a>(result: &'a Value, key: &str, env: &str) -> &'a Value {
    result["flags"]
        .as_array()
        .and_then(|flags| flags.iter().find(|f| f["key"] == key))
        .and_then(|f| f["environments"].as_array())
        .and_then(|cells| cells.iter().find(|c| c["environment"] == env))
        .unwrap_or(&Value::Null)
}

fn raise_eu_to_half(app: &App, ws: i64) -> TestResult {
    edit_flag(app, ws, "checkout", |flag| {
        flag["environments"]["production"]["rules"][0]["serve"]["rollout"] =
            json!([{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]);
    })
}

#[test]
fn preview_compares_the_synced_base_with_the_drafts() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (t, ws) = workspace(dir.path())?;
    assert!(
        dir.path()
            .join("data")
            .join(flagdeck_app::CACHE_FILE)
            .is_file()
    );
    let preview = |keys: Value| {
        call(
            &t.app,
            "preview",
            json!({"workspaceId": ws, "context": {"targetingKey": "user-7", "country": "US", "plna": "pro"},
                   "at": AT, "environments": ["staging", "production"], "keys": keys}),
        )
    };

    let before = preview(Value::Null)?;
    assert_eq!(before["at"], AT);
    assert_eq!(
        before["warnings"],
        json!([
            "The context's attribute 'plna' is not declared in flagdeck.json (did you mean 'plan'?); no condition can read it."
        ])
    );
    let production = cell(&before, "checkout", "production");
    assert_eq!(production["published"]["variant"], "off");
    assert_eq!(production["published"]["reason"], "DEFAULT");
    assert_eq!(production["draft"], Value::Null);
    assert_eq!(production["changed"], false);
    let steps = production["published"]["explain"]
        .as_array()
        .ok_or("steps")?;
    assert!(
        steps
            .iter()
            .any(|s| s["kind"] == "rule" && s["ruleId"] == "eu"),
        "{steps:?}"
    );

    // A draft: production's fallthrough serves on. Only checkout's cells get a draft side.
    edit_flag(&t.app, ws, "checkout", |flag| {
        flag["environments"]["production"]["fallthrough"] = json!({"variation": "on"});
    })?;
    let after = preview(Value::Null)?;
    let production = cell(&after, "checkout", "production");
    assert_eq!(production["published"]["variant"], "off");
    assert_eq!(production["draft"]["variant"], "on");
    assert_eq!(production["changed"], true);
    assert_eq!(cell(&after, "checkout", "staging")["changed"], false);
    assert_eq!(cell(&after, "banner", "production")["draft"], Value::Null);
    assert_eq!(
        cell(&after, "banner", "production")["published"]["value"],
        "#00f"
    );

    // Asking for some flags answers the same cells.
    let some = preview(json!(["checkout"]))?;
    assert_eq!(some["flags"].as_array().map(Vec::len), Some(1));
    assert_eq!(cell(&some, "checkout", "production"), production);

    // Once synced, the draft is the base: nothing left to compare.
    let report = call(&t.app, "sync", json!({"workspaceId": ws, "dryRun": false}))?;
    assert_eq!(report["result"], "pushed", "{report}");
    let synced = preview(Value::Null)?;
    let production = cell(&synced, "checkout", "production");
    assert_eq!(production["published"]["variant"], "on");
    assert_eq!(production["draft"], Value::Null);
    Ok(())
}

#[test]
fn rebucket_impact_counts_who_moves_with_generated_and_csv_samples() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (t, ws) = workspace(dir.path())?;
    let impact = |sample: Value| {
        call(
            &t.app,
            "rebucketImpact",
            json!({"workspaceId": ws, "key": "checkout", "at": AT, "sample": sample}),
        )
    };
    let generated = json!({"kind": "generated", "count": 2000, "seed": 11});

    let nothing = impact(generated.clone())?;
    assert_eq!(nothing["triggers"], json!([]));
    assert!(
        nothing["environments"]
            .as_array()
            .ok_or("envs")?
            .iter()
            .all(|e| e["changed"] == 0)
    );

    raise_eu_to_half(&t.app, ws)?;
    let raised = impact(generated.clone())?;
    assert_eq!(raised, impact(generated)?, "the same seed, the same answer");
    assert_eq!(raised["sampleSize"], 2000);
    assert_eq!(
        raised["triggers"],
        json!(["Production: weights of rule 'EU' changed (now off 50%, on 50%)"])
    );
    let production = &raised["environments"][1];
    assert_eq!(production["environment"], "production");
    assert_eq!(production["total"], 2000);
    assert!(
        production["changed"].as_u64().unwrap_or(0) > 0,
        "{production}"
    );
    assert_eq!(
        production["transitions"],
        json!([{"from": "off", "to": "on", "count": production["changed"]}])
    );
    assert_eq!(raised["environments"][0]["changed"], 0);

    // A CSV of real contexts: a bad row is left out and located.
    let mut csv = String::from("targetingKey,country,plan\n");
    for i in 0..300 {
        csv.push_str(&format!("user-{i},{},free\n", ["DE", "FR"][i % 2]));
    }
    csv.push_str("user-x,XX,free\n");
    let from_csv = impact(json!({"kind": "csv", "csv": csv}))?;
    assert_eq!(from_csv["sampleSize"], 300);
    assert_eq!(
        from_csv["problems"],
        json!(["Row 302, column country: 'XX' is not one of DE, FR, US"])
    );
    let moved = from_csv["environments"][1]["changed"]
        .as_u64()
        .ok_or("count")?;
    // 20% → 50%: about 30% of EU users move; never none, never all.
    assert!((30..180).contains(&moved), "{moved}");

    let too_big = impact(json!({"kind": "csv", "csv": "a".repeat(20_000_001)}))
        .err()
        .ok_or("a 20 MB file is refused")?;
    assert_eq!(too_big.code, ErrorCode::InvalidInput);
    assert!(
        too_big.message.contains("at most 20 MB"),
        "{}",
        too_big.message
    );
    let none = impact(json!({"kind": "generated", "count": 0, "seed": 1}))
        .err()
        .ok_or("an empty sample is refused")?;
    assert_eq!(none.code, ErrorCode::InvalidInput);
    let unknown = call(
        &t.app,
        "rebucketImpact",
        json!({"workspaceId": ws, "key": "nope", "at": AT, "sample": {"kind": "generated", "count": 5, "seed": 1}}),
    )
    .err()
    .ok_or("an unknown flag")?;
    assert_eq!(unknown.code, ErrorCode::NotFound);
    Ok(())
}
