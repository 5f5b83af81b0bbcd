use serde_json::{Map, Value, json};

use super::*;
use crate::format::SourceFile;
use crate::sync_plan::EntityId;

pub(crate) fn project_json() -> Value {
    json!({"format": 1, "name": "Shop",
    "environments": [{"key": "staging", "name": "Staging"}, {"key": "production", "name": "Production"}],
    "attributes": [
        {"key": "targetingKey", "type": "string"},
        {"key": "country", "type": "string", "values": ["DE", "FR", "US"]},
        {"key": "plan", "type": "string", "values": ["free", "pro"]},
        {"key": "companyId", "type": "string"}
    ]})
}

pub(crate) fn checkout_json(eu_on: u32) -> Value {
    json!({"key": "checkout", "name": "New checkout", "type": "boolean",
    "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    "environments": {
        "staging": {"enabled": true, "offVariation": "off", "fallthrough": {"variation": "on"}},
        "production": {"enabled": true, "offVariation": "off",
            "rules": [
                {"id": "pros", "name": "Pros", "when": {"segment": "pro-users"}, "serve": {"variation": "on"}},
                {"id": "eu", "name": "EU", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                 "serve": {"rollout": [{"variation": "on", "weight": eu_on}, {"variation": "off", "weight": 100 - eu_on}]}}
            ],
            "fallthrough": {"variation": "off"}}
    }})
}

pub(crate) fn base_files() -> Vec<(&'static str, Value)> {
    vec![
        ("flagdeck.json", project_json()),
        ("flags/checkout.json", checkout_json(20)),
        (
            "flags/banner.json",
            json!({"key": "banner", "name": "Banner", "type": "string",
                "variations": [{"key": "red", "value": "#f00"}, {"key": "blue", "value": "#00f"}],
                "environments": {"production": {"enabled": true, "offVariation": "red",
                    "rules": [{"id": "us", "when": {"attribute": "country", "op": "equals", "value": "US"}, "serve": {"variation": "blue"}}],
                    "fallthrough": {"variation": "red"}}}}),
        ),
        (
            "segments/pro-users.json",
            json!({"key": "pro-users", "name": "Pro users", "when": {"segment": "paying"}}),
        ),
        (
            "segments/paying.json",
            json!({"key": "paying", "name": "Paying", "when": {"attribute": "plan", "op": "equals", "value": "pro"}}),
        ),
    ]
}

pub(crate) fn snapshot(files: &[(&str, Value)]) -> Snapshot {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, v)| SourceFile::new(*path, v.to_string()))
        .collect();
    let (snapshot, diagnostics) = Snapshot::from_files(&files);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    snapshot
}

/// Drafts: `Some(json)` saves the entity, `None` deletes it.
pub(crate) fn drafts(changes: &[(EntityId, Option<Value>)]) -> Drafts {
    let mut drafts = Drafts::default();
    for (id, json) in changes {
        match json {
            Some(json) => drafts.saved.insert_json(id, json).unwrap(),
            None => {
                drafts.deleted.insert(id.clone());
            }
        }
    }
    drafts
}

pub(crate) fn ctx(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn envs() -> Vec<String> {
    vec!["staging".to_owned(), "production".to_owned()]
}

fn run(base: &Snapshot, drafts: &Drafts, context: Value, keys: Option<&[String]>) -> PreviewResult {
    let context = ctx(context);
    let environments = envs();
    preview(
        base,
        drafts,
        &PreviewRequest {
            context: &context,
            at: 1_796_115_600,
            environments: &environments,
            keys,
        },
    )
}

fn cell<'a>(result: &'a PreviewResult, key: &str, env: &str) -> &'a PreviewCell {
    result
        .flags
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.environments.iter().find(|c| c.environment == env))
        .unwrap_or_else(|| panic!("no cell {key}/{env}"))
}

#[test]
fn without_drafts_every_flag_is_explained_once() {
    let base = snapshot(&base_files());
    let result = run(
        &base,
        &Drafts::default(),
        json!({"targetingKey": "u1", "plan": "pro"}),
        None,
    );
    assert_eq!(
        result
            .flags
            .iter()
            .map(|f| f.key.as_str())
            .collect::<Vec<_>>(),
        ["banner", "checkout"]
    );
    assert!(result.warnings.is_empty());
    let pro = cell(&result, "checkout", "production");
    assert_eq!(pro.published.variant.as_deref(), Some("on"));
    assert_eq!(pro.published.reason, "TARGETING_MATCH");
    assert!(pro.draft.is_none() && !pro.changed);
    let last = pro.published.explain.last().unwrap();
    assert_eq!(last.kind, StepKind::Result);
    assert!(
        pro.published
            .explain
            .iter()
            .any(|s| s.message.contains("Rule 'Pros'") && s.rule_id.as_deref() == Some("pros"))
    );
    // banner is not configured in staging: no value, explained.
    let staging = cell(&result, "banner", "staging");
    assert_eq!(staging.published.variant, None);
    assert_eq!(staging.published.reason, "DISABLED");
}

#[test]
fn a_flag_draft_shows_what_changes_and_leaves_other_flags_alone() {
    let base = snapshot(&base_files());
    let mut changed = checkout_json(20);
    changed["environments"]["production"]["fallthrough"] = json!({"variation": "on"});
    let drafts = drafts(&[(EntityId::Flag("checkout".into()), Some(changed))]);
    let result = run(
        &base,
        &drafts,
        json!({"targetingKey": "u1", "country": "US"}),
        None,
    );
    let production = cell(&result, "checkout", "production");
    assert_eq!(production.published.variant.as_deref(), Some("off"));
    let draft = production.draft.as_ref().unwrap();
    assert_eq!(draft.variant.as_deref(), Some("on"));
    assert_eq!(draft.reason, "DEFAULT");
    assert!(production.changed);
    let staging = cell(&result, "checkout", "staging");
    assert!(
        staging.draft.is_some(),
        "the flag's drafts are its inputs in every environment"
    );
    assert!(!staging.changed, "same variant in staging");
    assert!(cell(&result, "banner", "production").draft.is_none());
}

#[test]
fn a_segment_draft_reaches_the_flags_that_use_it_through_nested_segments() {
    let base = snapshot(&base_files());
    let drafts = drafts(&[(
        EntityId::Segment("paying".into()),
        Some(
            json!({"key": "paying", "name": "Paying", "when": {"attribute": "plan", "op": "in", "values": ["pro", "free"]}}),
        ),
    )]);
    assert_eq!(
        affected_flags(&base, &drafts),
        Affected::Flags(["checkout".to_owned()].into())
    );
    let result = run(
        &base,
        &drafts,
        json!({"targetingKey": "u1", "plan": "free", "country": "US"}),
        None,
    );
    let production = cell(&result, "checkout", "production");
    assert!(production.changed);
    assert_eq!(
        production.draft.as_ref().unwrap().variant.as_deref(),
        Some("on")
    );
    assert!(cell(&result, "banner", "production").draft.is_none());
}

#[test]
fn a_project_draft_affects_every_flag() {
    let base = snapshot(&base_files());
    let mut project = project_json();
    project["bucketBy"] = json!("companyId");
    let drafts = drafts(&[(EntityId::Project, Some(project))]);
    assert_eq!(affected_flags(&base, &drafts), Affected::All);
    let result = run(&base, &drafts, json!({"targetingKey": "u1"}), None);
    assert!(
        result
            .flags
            .iter()
            .all(|f| f.environments.iter().all(|c| c.draft.is_some()))
    );
}

#[test]
fn undeclared_attributes_and_unknown_flags_are_warnings() {
    let base = snapshot(&base_files());
    let keys = vec!["checkout".to_owned(), "nope".to_owned()];
    let result = run(
        &base,
        &Drafts::default(),
        json!({"targetingKey": "u1", "contry": "DE"}),
        Some(&keys),
    );
    assert_eq!(
        result.warnings,
        [
            "The context's attribute 'contry' is not declared in flagdeck.json (did you mean 'country'?); no condition can read it.",
            "There is no flag 'nope', published or drafted."
        ]
    );
    assert_eq!(result.flags.len(), 1);
}

#[test]
fn an_invalid_draft_is_an_error_in_its_cells_and_a_deleted_flag_is_not_found() {
    let base = snapshot(&base_files());
    let mut broken = checkout_json(20);
    broken["environments"]["production"]["fallthrough"] = json!({"variation": "maybe"});
    let drafts = drafts(&[
        (EntityId::Flag("checkout".into()), Some(broken)),
        (EntityId::Flag("banner".into()), None),
    ]);
    let result = run(
        &base,
        &drafts,
        json!({"targetingKey": "u1", "country": "US"}),
        None,
    );
    let checkout = cell(&result, "checkout", "production");
    let draft = checkout.draft.as_ref().unwrap();
    assert_eq!(draft.error_code.as_deref(), Some("GENERAL"));
    assert!(
        draft.explain[0].message.contains("flags/checkout.json"),
        "{:?}",
        draft.explain
    );
    assert!(checkout.changed);
    let banner = cell(&result, "banner", "production");
    assert_eq!(banner.published.variant.as_deref(), Some("blue"));
    assert_eq!(
        banner.draft.as_ref().unwrap().error_code.as_deref(),
        Some("FLAG_NOT_FOUND")
    );
}

#[test]
fn an_unknown_environment_is_an_explained_error() {
    let base = snapshot(&base_files());
    let context = ctx(json!({}));
    let environments = vec!["qa".to_owned()];
    let result = preview(
        &base,
        &Drafts::default(),
        &PreviewRequest {
            context: &context,
            at: 0,
            environments: &environments,
            keys: None,
        },
    );
    let qa = cell(&result, "checkout", "qa");
    assert_eq!(qa.published.error_code.as_deref(), Some("GENERAL"));
    assert!(
        qa.published
            .explain
            .last()
            .unwrap()
            .message
            .contains("no environment 'qa'")
    );
}

#[test]
fn evaluations_serialise_as_the_contract_says() {
    let base = snapshot(&base_files());
    let result = run(
        &base,
        &Drafts::default(),
        json!({"targetingKey": "u1"}),
        Some(&["checkout".to_owned()]),
    );
    let json = serde_json::to_value(&result).unwrap();
    let cell = &json["flags"][0]["environments"][0];
    assert_eq!(json["flags"][0]["type"], "boolean");
    assert_eq!(cell["environment"], "staging");
    assert_eq!(cell["draft"], Value::Null);
    assert_eq!(cell["published"]["errorCode"], Value::Null);
    assert!(cell["published"]["explain"][0]["kind"].is_string());
}

#[test]
fn large_previews_keep_the_flags_in_order_whichever_core_explains_them() {
    let mut files = base_files();
    let flags: Vec<(String, Value)> = (0..1_200)
        .map(|i| {
            let key = format!("f-{i:04}");
            let serve = if i % 2 == 0 { "on" } else { "off" };
            let flag = json!({"key": key, "name": format!("F {i}"), "type": "boolean",
                "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "environments": {"production": {"enabled": true, "fallthrough": {"variation": serve}}}});
            (format!("flags/{key}.json"), flag)
        })
        .collect();
    files.extend(flags.iter().map(|(p, f)| (p.as_str(), f.clone())));
    let base = snapshot(&files);
    let result = run(
        &base,
        &Drafts::default(),
        json!({"targetingKey": "u1"}),
        None,
    );
    assert_eq!(result.flags.len(), 1_202);
    let ours: Vec<&PreviewFlag> = result
        .flags
        .iter()
        .filter(|f| f.key.starts_with("f-"))
        .collect();
    for (i, flag) in ours.iter().enumerate() {
        assert_eq!(flag.key, format!("f-{i:04}"));
        let expected = if i % 2 == 0 { "on" } else { "off" };
        assert_eq!(
            cell(&result, &flag.key, "production")
                .published
                .variant
                .as_deref(),
            Some(expected)
        );
    }
}
