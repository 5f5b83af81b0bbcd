use serde_json::{Value, json};

use super::*;
use crate::sync_plan::Snapshot;

fn example() -> Snapshot {
    Snapshot::from_files(&crate::example::example_project()).0
}

fn flag_json(snapshot: &Snapshot, key: &str) -> Value {
    snapshot
        .value(&EntityId::Flag(key.into()))
        .expect("the example has the flag")
}

/// The sentences of editing flag `key` of the example with `edit`.
fn flag_sentences(key: &str, edit: impl FnOnce(&mut Value)) -> Vec<String> {
    lines_of_flag(key, edit)
        .into_iter()
        .map(|l| l.sentence)
        .collect()
}

fn lines_of_flag(key: &str, edit: impl FnOnce(&mut Value)) -> Vec<ChangeLine> {
    let snapshot = example();
    let before = flag_json(&snapshot, key);
    let mut after = before.clone();
    edit(&mut after);
    describe(
        snapshot.project.as_ref(),
        &EntityId::Flag(key.into()),
        Some(&before),
        Some(&after),
    )
}

#[test]
fn a_schedule_step_rollout_is_said_in_percent_with_its_instant() {
    let lines = lines_of_flag("new-checkout", |f| {
        f["environments"]["production"]["schedule"][0]["fallthrough"]["rollout"] =
            json!([{"variation": "on", "weight": 25}, {"variation": "off", "weight": 75}]);
    });
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(
        line.sentence,
        "Production: New checkout rollout 5% → 25% on 1 Dec 2026 09:00 UTC"
    );
    assert_eq!(line.environment.as_deref(), Some("production"));
    assert_eq!(line.entity, EntityId::Flag("new-checkout".into()));
    assert_eq!(
        line.fields,
        vec![
            FieldChange {
                path: "/environments/production/schedule/0/fallthrough/rollout/0/weight".into(),
                label: "Production › Step 1 Dec 2026 09:00 UTC › Default serve › On share › Weight"
                    .into(),
                before: Some(json!(5)),
                after: Some(json!(25)),
            },
            FieldChange {
                path: "/environments/production/schedule/0/fallthrough/rollout/1/weight".into(),
                label:
                    "Production › Step 1 Dec 2026 09:00 UTC › Default serve › Off share › Weight"
                        .into(),
                before: Some(json!(95)),
                after: Some(json!(75)),
            },
        ]
    );
}

#[test]
fn the_kill_switch_and_the_default_serve() {
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            f["environments"]["staging"]["enabled"] = json!(false);
            f["environments"]["production"]["fallthrough"] = json!({"variation": "on"});
        }),
        vec![
            "Staging: New checkout kill switch on",
            "Production: New checkout default Off → On",
        ]
    );
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            f["environments"]["production"]["fallthrough"] = json!({"rollout": [{"variation": "on", "weight": 10}, {"variation": "off", "weight": 90}]});
        }),
        vec!["Production: New checkout default Off → rollout 10%"]
    );
    let killed = example();
    let mut before = flag_json(&killed, "new-checkout");
    before["environments"]["production"]["enabled"] = json!(false);
    let after = flag_json(&killed, "new-checkout");
    let lines = describe(
        killed.project.as_ref(),
        &EntityId::Flag("new-checkout".into()),
        Some(&before),
        Some(&after),
    );
    assert_eq!(
        lines[0].sentence,
        "Production: New checkout kill switch off"
    );
    assert_eq!(lines[0].fields[0].label, "Production › Kill switch");
}

#[test]
fn rules_added_removed_reordered_and_changed() {
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            let rules = &mut f["environments"]["production"]["rules"];
            let staff = rules[0].clone();
            rules[0] = rules[1].clone();
            rules[1] = staff;
            rules[0]["serve"]["rollout"] =
                json!([{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]);
        }),
        vec![
            "Production: New checkout rule EU customers rollout 20% → 50%",
            "Production: New checkout rules reordered: EU customers, Internal staff",
        ]
    );
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            let rules = f["environments"]["production"]["rules"]
                .as_array_mut()
                .unwrap();
            rules.remove(0);
            rules.push(json!({"id": "beta", "name": "Beta testers",
                "when": {"segment": "internal-staff"}, "serve": {"variation": "on"}}));
        }),
        vec![
            "Production: New checkout rule Beta testers added, serving On",
            "Production: New checkout rule Internal staff removed",
        ]
    );
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            f["environments"]["production"]["rules"][1]["when"] =
                json!({"segment": "internal-staff"});
        }),
        vec!["Production: New checkout rule EU customers condition changed"]
    );
}

#[test]
fn targets_steps_and_own_fields() {
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            f["environments"]["production"]["targets"] = json!([{"variation": "on", "keys": ["qa-2", "qa-3"]}, {"variation": "off", "keys": ["bob"]}]);
        }),
        vec![
            "Production: New checkout targets: qa-3 gets On; bob gets Off; qa-1 no longer targeted"
        ]
    );
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            let schedule = f["environments"]["production"]["schedule"]
                .as_array_mut()
                .unwrap();
            schedule.remove(2);
            schedule[1]["at"] = json!("2026-12-04T09:00:00Z");
            schedule.push(json!({"at": "2026-12-10T09:00:00Z", "enabled": false}));
        }),
        vec![
            "Production: New checkout step rollout 25% moved from 3 Dec 2026 09:00 UTC to 4 Dec 2026 09:00 UTC",
            "Production: New checkout step added on 10 Dec 2026 09:00 UTC: kill switch on",
            "Production: New checkout step on 8 Dec 2026 09:00 UTC removed (default On)",
        ]
    );
    assert_eq!(
        flag_sentences("new-checkout", |f| {
            f["environments"]["production"]["schedule"][2]["enabled"] = json!(false);
        }),
        vec!["Production: New checkout kill switch on from 8 Dec 2026 09:00 UTC"]
    );
    assert_eq!(
        flag_sentences("banner-color", |f| {
            f["description"] = json!("The banner's colour");
            f["owner"] = json!("bob");
            f["tags"] = json!(["design", "summer"]);
            f["variations"][1]["value"] = json!("#0000ff");
        }),
        vec![
            "Banner colour: description changed",
            "Banner colour: owner dana → bob",
            "Banner colour: tag summer added, tag marketing removed",
            "Banner colour: variation Ocean blue value \"#1e88e5\" → \"#0000ff\"",
        ]
    );
    assert_eq!(
        flag_sentences("banner-color", |f| {
            f["environments"]["production"]["rules"][0]["serve"]["rollout"] = json!([
                {"variation": "orange", "weight": 50}, {"variation": "blue", "weight": 25},
                {"variation": "green", "weight": 25}]);
        }),
        vec![
            "Production: Banner colour rule Colour test in the EU rollout Sunset orange 33.334% → 50%, Ocean blue 33.333% → 25%, Fresh green 33.333% → 25%"
        ]
    );
}

#[test]
fn new_and_deleted_entities_and_other_kinds() {
    let snapshot = example();
    let project = snapshot.project.as_ref();
    let segment = json!({"key": "beta", "name": "Beta testers", "include": ["ann"]});
    let new = describe(
        project,
        &EntityId::Segment("beta".into()),
        None,
        Some(&segment),
    );
    assert_eq!(new[0].sentence, "New segment Beta testers");
    assert_eq!(new[0].fields[0].path, "");
    assert_eq!(new[0].fields[0].after, Some(segment.clone()));
    let flag = flag_json(&snapshot, "new-checkout");
    let gone = describe(
        project,
        &EntityId::Flag("new-checkout".into()),
        Some(&flag),
        None,
    );
    assert_eq!(gone[0].sentence, "Flag New checkout deleted");

    let mut edited = segment.clone();
    edited["include"] = json!(["bob"]);
    edited["description"] = json!("People who try things first");
    let sentences: Vec<String> = describe(
        project,
        &EntityId::Segment("beta".into()),
        Some(&segment),
        Some(&edited),
    )
    .into_iter()
    .map(|l| l.sentence)
    .collect();
    assert_eq!(
        sentences,
        vec![
            "Beta testers: description added",
            "Beta testers: now includes bob; no longer includes ann",
        ]
    );

    let before = json!({"groups": [{"key": "rm", "name": "Release managers", "members": ["bob"]}], "rules": []});
    let after = json!({"groups": [{"key": "rm", "name": "Release managers", "members": ["bob", "eve"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 1, "from": ["group:rm"]}}],
        "emergency": {"allowed": true, "environments": ["production"]}});
    let policy: Vec<String> = describe(project, &EntityId::Policy, Some(&before), Some(&after))
        .into_iter()
        .map(|l| l.sentence)
        .collect();
    assert_eq!(
        policy,
        vec![
            "Policy: group Release managers changed",
            "Policy: rule Production added",
            "Policy: emergency changes allowed in production",
        ]
    );

    let eve =
        json!({"id": "eve", "name": "Eve", "email": "eve@example.com", "publicKey": "ed25519:a"});
    let mut moved = eve.clone();
    moved["email"] = json!("eve@example.org");
    moved["publicKey"] = json!("ed25519:b");
    let person: Vec<String> = describe(
        project,
        &EntityId::Person("eve".into()),
        Some(&eve),
        Some(&moved),
    )
    .into_iter()
    .map(|l| l.sentence)
    .collect();
    assert_eq!(
        person,
        vec!["Eve: email changed", "Eve: public key changed"]
    );
    assert_eq!(
        describe(project, &EntityId::Person("eve".into()), None, Some(&eve))[0].sentence,
        "New person Eve"
    );

    let mut renamed = snapshot.value(&EntityId::Project).expect("a project");
    renamed["environments"][2]["name"] = json!("Live");
    let project_lines = describe(
        project,
        &EntityId::Project,
        snapshot.value(&EntityId::Project).as_ref(),
        Some(&renamed),
    );
    assert_eq!(
        project_lines[0].sentence,
        "Project settings: environment Live changed"
    );
    assert_eq!(project_lines[0].fields[0].label, "Environment Live › Name");
}

#[test]
fn unreadable_content_is_described_field_by_field_and_no_change_says_nothing() {
    let snapshot = example();
    let flag = flag_json(&snapshot, "new-checkout");
    assert!(
        describe(
            None,
            &EntityId::Flag("new-checkout".into()),
            Some(&flag),
            Some(&flag)
        )
        .is_empty()
    );
    let broken = json!({"key": "new-checkout", "name": 3});
    let lines = describe(
        None,
        &EntityId::Flag("new-checkout".into()),
        Some(&flag),
        Some(&broken),
    );
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].sentence, "new-checkout: changed");
    assert!(
        lines[0]
            .fields
            .iter()
            .any(|f| f.path == "/name" && f.after == Some(json!(3)))
    );
    // Without a project, environments are named by their keys.
    let mut off = flag.clone();
    off["environments"]["production"]["enabled"] = json!(false);
    let lines = describe(
        None,
        &EntityId::Flag("new-checkout".into()),
        Some(&flag),
        Some(&off),
    );
    assert_eq!(lines[0].sentence, "production: New checkout kill switch on");
}
