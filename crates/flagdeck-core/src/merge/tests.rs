use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::example::example_project;
use crate::format::parse;
use crate::model::{FlagFile, ProjectFile, Rule, SegmentFile, Serve};

fn flag(value: Value) -> FlagFile {
    serde_json::from_value(value).unwrap()
}

/// DESIGN §3's example flag.
fn base() -> FlagFile {
    flag(json!({
        "key": "new-checkout", "name": "New checkout", "description": "Single-page checkout",
        "type": "boolean", "owner": "alice", "tags": ["checkout"],
        "variations": [{"key": "on", "name": "On", "value": true},
                       {"key": "off", "name": "Off", "value": false}],
        "environments": {"production": {
            "enabled": true, "offVariation": "off",
            "targets": [{"variation": "on", "keys": ["qa-1", "qa-2"]}],
            "rules": [
                {"id": "beta", "name": "Beta testers", "when": {"segment": "beta-testers"},
                 "serve": {"variation": "on"}},
                {"id": "eu", "name": "EU", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                 "serve": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}
            ],
            "fallthrough": {"variation": "off"},
            "schedule": [
                {"at": "2026-12-01T09:00:00Z", "fallthrough": {"variation": "on"}},
                {"at": "2026-12-08T09:00:00Z", "rules": {"eu": {"serve": {"variation": "on"}}}}
            ]
        }}
    }))
}

fn edit(f: impl FnOnce(&mut FlagFile)) -> FlagFile {
    let mut flag = base();
    f(&mut flag);
    flag
}

fn production(flag: &mut FlagFile) -> &mut crate::model::FlagEnvironment {
    flag.environments.get_mut("production").unwrap()
}

fn rule_ids(flag: &FlagFile) -> Vec<&str> {
    flag.environments["production"]
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect()
}

fn new_rule(id: &str) -> Rule {
    Rule {
        id: id.into(),
        name: None,
        description: None,
        when: None,
        serve: Serve::variation("on"),
    }
}

fn rollout(on: u32) -> Serve {
    serde_json::from_value(json!({"rollout": [
        {"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]}))
    .unwrap()
}

fn merge3(local: &FlagFile, remote: &FlagFile) -> Merged<FlagFile> {
    merge_flag(Some(&base()), Some(local), Some(remote))
}

#[test]
fn a_rule_added_on_each_side_both_survive() {
    let local = edit(|f| production(f).rules.push(new_rule("local")));
    let remote = edit(|f| production(f).rules.push(new_rule("remote")));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(rule_ids(&result), ["beta", "eu", "local", "remote"]);
}

#[test]
fn a_weight_changed_here_and_a_description_there_both_survive() {
    let local = edit(|f| production(f).rules[1].serve = rollout(30));
    let remote = edit(|f| f.description = Some("New one-page checkout".into()));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(
        result.environments["production"].rules[1].serve,
        rollout(30)
    );
    assert_eq!(result.description.as_deref(), Some("New one-page checkout"));
}

#[test]
fn the_same_field_changed_two_ways_is_one_conflict_that_keeps_local() {
    let local = edit(|f| f.description = Some("Mine".into()));
    let remote = edit(|f| f.description = Some("Theirs".into()));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.result.as_ref(), Some(&local));
    let [conflict] = merged.conflicts.as_slice() else {
        panic!("one conflict expected: {:?}", merged.conflicts)
    };
    assert_eq!(conflict.path, "/description");
    assert_eq!(conflict.kind, ConflictKind::Value);
    assert_eq!(conflict.base, Some(json!("Single-page checkout")));
    assert_eq!(conflict.local, Some(json!("Mine")));
    assert_eq!(conflict.remote, Some(json!("Theirs")));
    assert_eq!(
        conflict.description,
        "Both sides changed the description of flag 'new-checkout'."
    );
}

#[test]
fn resolving_to_remote_or_to_an_edited_value_applies_it() {
    let local = edit(|f| f.description = Some("Mine".into()));
    let remote = edit(|f| f.description = Some("Theirs".into()));
    let merged = merge3(&local, &remote);
    let conflict = &merged.conflicts[0];
    let resolved = apply_resolution(merged.result.as_ref(), conflict, &Resolution::Remote);
    assert_eq!(resolved, Ok(Some(remote)));
    let edited = resolve(&merged, &[Resolution::Edited(json!("Both"))]).unwrap();
    assert_eq!(edited.unwrap().description.as_deref(), Some("Both"));
    let kept = resolve(&merged, &[Resolution::Local]).unwrap();
    assert_eq!(kept, Some(local));
}

#[test]
fn an_edited_value_that_breaks_the_document_is_refused() {
    let local = edit(|f| f.description = Some("Mine".into()));
    let remote = edit(|f| f.description = Some("Theirs".into()));
    let merged = merge3(&local, &remote);
    let broken = resolve(&merged, &[Resolution::Edited(json!(42))]);
    assert!(broken.is_err());
    assert!(resolve(&merged, &[]).is_err(), "one choice per conflict");
}

#[test]
fn the_serve_changed_two_ways_is_a_conflict_named_after_the_rule() {
    let local = edit(|f| production(f).rules[1].serve = rollout(30));
    let remote = edit(|f| production(f).rules[1].serve = rollout(40));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.result.as_ref(), Some(&local));
    assert_eq!(merged.conflicts.len(), 1);
    let conflict = &merged.conflicts[0];
    assert_eq!(conflict.path, "/environments/production/rules/1/serve");
    assert_eq!(
        conflict.description,
        "Both sides changed the rollout of rule 'EU' in production."
    );
    let resolved = resolve(&merged, &[Resolution::Remote]).unwrap();
    assert_eq!(resolved, Some(remote));
}

#[test]
fn a_condition_is_atomic() {
    let local = edit(|f| production(f).rules[1].when.as_mut().unwrap().op = Some("not_in".into()));
    let remote = edit(|f| {
        production(f).rules[1].when.as_mut().unwrap().attribute = Some("region".into());
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.result.as_ref(), Some(&local));
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(
        merged.conflicts[0].path,
        "/environments/production/rules/1/when"
    );
    assert_eq!(
        merged.conflicts[0].description,
        "Both sides changed the condition of rule 'EU' in production."
    );
}

#[test]
fn deleting_a_rule_the_other_side_changed_is_a_conflict() {
    let local = edit(|f| {
        production(f).rules.remove(1);
    });
    let remote = edit(|f| production(f).rules[1].serve = rollout(40));
    let merged = merge3(&local, &remote);
    assert_eq!(
        merged.result.as_ref(),
        Some(&local),
        "local's deletion stands"
    );
    let [conflict] = merged.conflicts.as_slice() else {
        panic!("one conflict expected: {:?}", merged.conflicts)
    };
    assert_eq!(conflict.path, "/environments/production/rules/1");
    assert_eq!(conflict.local, None);
    assert!(conflict.remote.is_some());
    assert_eq!(
        conflict.description,
        "Local deleted rule 'EU' in production, which remote changed."
    );
    let restored = resolve(&merged, &[Resolution::Remote]).unwrap().unwrap();
    assert_eq!(restored, remote);
}

#[test]
fn changing_a_rule_the_other_side_deleted_is_a_conflict_that_keeps_the_change() {
    let local = edit(|f| production(f).rules[0].name = Some("Beta".into()));
    let remote = edit(|f| {
        production(f).rules.remove(0);
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.result.as_ref(), Some(&local));
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].remote, None);
    let taken = resolve(&merged, &[Resolution::Remote]).unwrap().unwrap();
    assert_eq!(rule_ids(&taken), ["eu"]);
}

#[test]
fn deleting_the_flag_the_other_side_changed_is_a_conflict() {
    let remote = edit(|f| f.owner = Some("bob".into()));
    let merged = merge_flag(Some(&base()), None, Some(&remote));
    assert_eq!(merged.result, None);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].path, "");
    assert_eq!(
        merged.conflicts[0].description,
        "Local deleted flag 'new-checkout', which remote changed."
    );
    let restored = resolve(&merged, &[Resolution::Remote]).unwrap();
    assert_eq!(restored, Some(remote));
}

#[test]
fn deletion_on_one_side_of_an_unchanged_entity_is_taken() {
    assert_eq!(merge_flag(Some(&base()), Some(&base()), None).result, None);
    assert_eq!(merge_flag(Some(&base()), None, None).conflicts, vec![]);
    let added = merge_flag(None, None, Some(&base()));
    assert_eq!(added.result, Some(base()));
}

#[test]
fn the_same_change_on_both_sides_is_no_conflict() {
    let changed = edit(|f| {
        production(f).enabled = false;
        f.tags.push("q4".into());
    });
    let merged = merge3(&changed, &changed.clone());
    assert_eq!(merged.conflicts, vec![]);
    assert_eq!(merged.result, Some(changed));
}

#[test]
fn tags_and_target_keys_merge_as_sets() {
    let local = edit(|f| {
        f.tags.push("q4".into());
        production(f).targets[0].keys.retain(|k| k != "qa-1");
    });
    let remote = edit(|f| {
        f.tags.retain(|t| t != "checkout");
        f.tags.push("payments".into());
        production(f).targets[0].keys.push("qa-3".into());
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(result.tags, ["q4", "payments"]);
    assert_eq!(
        result.environments["production"].targets[0].keys,
        ["qa-2", "qa-3"]
    );
}

#[test]
fn variations_merge_by_key_and_field() {
    let local = edit(|f| f.variations[0].name = Some("Enabled".into()));
    let remote = edit(|f| f.variations[1].description = Some("The old checkout".into()));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(result.variations[0].name.as_deref(), Some("Enabled"));
    assert_eq!(
        result.variations[1].description.as_deref(),
        Some("The old checkout")
    );
}

#[test]
fn environments_added_on_both_sides_both_survive_in_order() {
    let env = base().environments["production"].clone();
    let local = edit(|f| {
        f.environments.insert("staging".into(), env.clone());
    });
    let remote = edit(|f| {
        f.environments
            .shift_insert(0, "development".into(), env.clone());
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let keys: Vec<String> = merged.result.unwrap().environments.into_keys().collect();
    assert_eq!(keys, ["development", "production", "staging"]);
}

#[test]
fn schedule_steps_merge_by_instant_and_overrides_by_rule() {
    let local = edit(|f| {
        let step = serde_json::from_value(json!({"at": "2026-12-20T09:00:00Z", "enabled": false}));
        production(f).schedule.push(step.unwrap());
        production(f).schedule[1].rules.get_mut("eu").unwrap().serve = rollout(50);
    });
    let remote = edit(|f| {
        production(f).schedule[0].fallthrough = Some(rollout(10));
        let beta = serde_json::from_value(json!({"serve": {"variation": "off"}})).unwrap();
        production(f).schedule[1].rules.insert("beta".into(), beta);
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    let schedule = &result.environments["production"].schedule;
    assert_eq!(schedule.len(), 3);
    assert_eq!(schedule[0].fallthrough, Some(rollout(10)));
    assert_eq!(schedule[1].rules["eu"].serve, rollout(50));
    assert_eq!(schedule[1].rules["beta"].serve, Serve::variation("off"));
    assert_eq!(schedule[2].enabled, Some(false));
}

#[test]
fn a_schedule_override_changed_two_ways_names_the_step() {
    let local =
        edit(|f| production(f).schedule[1].rules.get_mut("eu").unwrap().serve = rollout(50));
    let remote =
        edit(|f| production(f).schedule[1].rules.get_mut("eu").unwrap().serve = rollout(60));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(
        merged.conflicts[0].path,
        "/environments/production/schedule/1/rules/eu/serve"
    );
    assert_eq!(
        merged.conflicts[0].description,
        "Both sides changed the rollout of the override of rule 'eu' of the schedule step at \
         2026-12-08T09:00:00Z in production."
    );
}

#[test]
fn a_reorder_on_one_side_is_taken_and_additions_keep_their_place() {
    let local = edit(|f| production(f).rules.insert(1, new_rule("middle")));
    let remote = edit(|f| {
        production(f).rules.reverse();
        production(f).rules.insert(0, new_rule("top"));
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    assert_eq!(
        rule_ids(&merged.result.unwrap()),
        ["top", "eu", "beta", "middle"]
    );
}

#[test]
fn two_different_reorders_are_an_order_conflict() {
    let three = edit(|f| production(f).rules.push(new_rule("us")));
    let reorder = |order: [usize; 3]| {
        let mut flag = three.clone();
        let rules = three.environments["production"].rules.clone();
        production(&mut flag).rules = order.iter().map(|&i| rules[i].clone()).collect();
        flag
    };
    let (local, remote) = (reorder([1, 0, 2]), reorder([0, 2, 1]));
    let merged = merge_flag(Some(&three), Some(&local), Some(&remote));
    assert_eq!(merged.result.as_ref(), Some(&local));
    let [conflict] = merged.conflicts.as_slice() else {
        panic!("one conflict expected: {:?}", merged.conflicts)
    };
    assert_eq!(
        conflict.kind,
        ConflictKind::Order {
            key_field: Some("id".into())
        }
    );
    assert_eq!(conflict.path, "/environments/production/rules");
    assert_eq!(
        conflict.description,
        "Both sides reordered the rules of flag 'new-checkout' in production differently."
    );
    let taken = resolve(&merged, &[Resolution::Remote]).unwrap();
    assert_eq!(taken, Some(remote));
}

#[test]
fn conflicts_survive_a_round_trip_through_json() {
    let local = edit(|f| production(f).rules[1].serve = rollout(30));
    let remote = edit(|f| {
        production(f).rules.remove(1);
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts.len(), 1);
    let stored = serde_json::to_string(&merged.conflicts[0]).unwrap();
    let read: Conflict = serde_json::from_str(&stored).unwrap();
    assert_eq!(read, merged.conflicts[0]);
    let taken = apply_resolution(merged.result.as_ref(), &read, &Resolution::Remote).unwrap();
    assert_eq!(taken, Some(remote));
}

#[test]
fn the_same_flag_added_on_both_sides_conflicts_only_where_it_differs() {
    let local = edit(|f| f.owner = Some("alice".into()));
    let remote = edit(|f| f.owner = Some("bob".into()));
    let merged = merge_flag(None, Some(&local), Some(&remote));
    assert_eq!(merged.result, Some(local));
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].base, None);
    assert_eq!(
        merged.conflicts[0].description,
        "Both sides set the owner of flag 'new-checkout' differently."
    );
}

#[test]
fn segments_merge_lists_as_sets_and_conditions_whole() {
    let base: SegmentFile = serde_json::from_value(json!({
        "key": "beta", "name": "Beta", "when": {"attribute": "beta", "op": "is_true"},
        "include": ["u1"], "exclude": ["u9"]}))
    .unwrap();
    let mut local = base.clone();
    local.include.push("u2".into());
    local.when = Some(crate::model::Condition::leaf("beta", "is_false"));
    let mut remote = base.clone();
    remote.exclude.clear();
    remote.include.push("u3".into());
    remote.when = Some(crate::model::Condition::leaf("beta", "exists"));
    let merged = merge_segment(Some(&base), Some(&local), Some(&remote));
    let result = merged.result.unwrap();
    assert_eq!(result.include, ["u1", "u2", "u3"]);
    assert!(result.exclude.is_empty());
    assert_eq!(result.when, local.when);
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].path, "/when");
    assert_eq!(
        merged.conflicts[0].description,
        "Both sides changed the condition of segment 'beta'."
    );
}

#[test]
fn the_project_merges_environments_and_attributes_by_key() {
    let base: ProjectFile = serde_json::from_value(json!({
        "format": 1, "name": "Acme",
        "environments": [{"key": "production", "name": "Production"}],
        "attributes": [{"key": "country", "type": "string", "values": ["DE"]}]}))
    .unwrap();
    let mut local = base.clone();
    local.environments[0].name = "Prod".into();
    local.attributes[0].values = Some(vec![json!("DE"), json!("FR")]);
    let mut remote = base.clone();
    remote.environments[0].description = Some("Live".into());
    remote.attributes[0].values = Some(vec![json!("DE"), json!("US")]);
    remote
        .environments
        .push(serde_json::from_value(json!({"key": "dev", "name": "Dev"})).unwrap());
    let merged = merge_project(Some(&base), Some(&local), Some(&remote));
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(result.environments.len(), 2);
    assert_eq!(result.environments[0].name, "Prod");
    assert_eq!(result.environments[0].description.as_deref(), Some("Live"));
    assert_eq!(
        result.attributes[0].values,
        Some(vec![json!("DE"), json!("FR"), json!("US")])
    );
}

// -------------------------------------------------------------------------------------------
// Properties, on the example project's flags mutated at random.

fn example_flags() -> Vec<FlagFile> {
    example_project()
        .iter()
        .filter(|f| f.path.starts_with("flags/"))
        .map(|f| parse::<FlagFile>(&f.path, &f.bytes).unwrap())
        .collect()
}

/// One random edit, picked by `op` and aimed by `at`.
fn mutate(flag: &mut FlagFile, op: u8, at: usize) {
    let env_count = flag.environments.len();
    let env = flag
        .environments
        .get_index_mut(at % env_count.max(1))
        .map(|(_, env)| env);
    match (op % 12, env) {
        (0, _) => flag.description = Some(format!("description {at}")),
        (1, _) => flag.tags.push(format!("tag-{}", at % 5)),
        (2, _) if !flag.tags.is_empty() => {
            flag.tags.remove(at % flag.tags.len());
        }
        (3, _) => flag.variations.reverse(),
        (4, _) => {
            let key = format!("env-{}", at % 4);
            let env = flag.environments.values().next().cloned();
            if let Some(env) = env {
                flag.environments.insert(key, env);
            }
        }
        (5, _) if env_count > 0 => {
            flag.environments.shift_remove_index(at % env_count);
        }
        (6, Some(env)) => env.enabled = !env.enabled,
        (7, Some(env)) => env.rules.push(new_rule(&format!("rule-{}", at % 6))),
        (8, Some(env)) if !env.rules.is_empty() => {
            let i = at % env.rules.len();
            env.rules.remove(i);
        }
        (9, Some(env)) => env.rules.reverse(),
        (10, Some(env)) if !env.rules.is_empty() => {
            let i = at % env.rules.len();
            env.rules[i].serve = rollout((at % 101) as u32);
        }
        (11, Some(env)) => env.fallthrough = Serve::variation(format!("v{}", at % 3)),
        _ => flag.name = format!("name {at}"),
    }
}

fn edits() -> impl Strategy<Value = Vec<(u8, usize)>> {
    prop::collection::vec((any::<u8>(), any::<usize>()), 0..6)
}

fn mutated(flag: &FlagFile, edits: &[(u8, usize)]) -> FlagFile {
    let mut flag = flag.clone();
    for &(op, at) in edits {
        mutate(&mut flag, op, at);
    }
    flag
}

fn triple() -> impl Strategy<Value = (FlagFile, FlagFile, FlagFile)> {
    let flags = example_flags();
    (0..flags.len(), edits(), edits(), edits()).prop_map(move |(i, b, x, y)| {
        let base = mutated(&flags[i], &b);
        (base.clone(), mutated(&base, &x), mutated(&base, &y))
    })
}

/// `None` for an absent, empty list or empty map value.
fn non_empty(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    })
}

fn value_at<'a>(doc: Option<&'a Value>, location: &[Step]) -> Option<&'a Value> {
    location
        .iter()
        .try_fold(doc?, |d, step| super::describe::child(d, step))
}

proptest! {
    #[test]
    fn a_change_on_one_side_only_is_taken_whole((base, x, _) in triple()) {
        let from_local = merge_flag(Some(&base), Some(&x), Some(&base));
        prop_assert_eq!(from_local.conflicts, vec![]);
        prop_assert_eq!(from_local.result.as_ref(), Some(&x));
        let from_remote = merge_flag(Some(&base), Some(&base), Some(&x));
        prop_assert_eq!(from_remote.conflicts, vec![]);
        prop_assert_eq!(from_remote.result.as_ref(), Some(&x));
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken((base, x, _) in triple()) {
        let merged = merge_flag(Some(&base), Some(&x), Some(&x));
        prop_assert_eq!(merged.conflicts, vec![]);
        prop_assert_eq!(merged.result, Some(x));
    }

    #[test]
    fn merging_is_deterministic_and_resolvable((base, x, y) in triple()) {
        let merged = merge_flag(Some(&base), Some(&x), Some(&y));
        prop_assert_eq!(&merged, &merge_flag(Some(&base), Some(&x), Some(&y)));
        // The result is a valid document that survives a round trip.
        let result = merged.result.clone().unwrap();
        let round_trip: FlagFile = serde_json::from_value(serde_json::to_value(&result).unwrap()).unwrap();
        prop_assert_eq!(&round_trip, &result);
        // Keeping local everywhere is the result; taking remote everywhere is a valid document.
        let locals = vec![Resolution::Local; merged.conflicts.len()];
        prop_assert_eq!(resolve(&merged, &locals), Ok(merged.result.clone()));
        let remotes = vec![Resolution::Remote; merged.conflicts.len()];
        let taken = resolve(&merged, &remotes).unwrap();
        // Nothing remote is lost: each value conflict's place now holds remote's value.
        let taken = taken.map(|t| serde_json::to_value(t).unwrap());
        for conflict in &merged.conflicts {
            prop_assert!(!conflict.description.is_empty());
            prop_assert!(conflict.local != conflict.remote);
            if conflict.kind == ConflictKind::Value {
                // The files leave out empty lists and maps: absent and empty are the same value.
                prop_assert_eq!(
                    non_empty(value_at(taken.as_ref(), &conflict.location)),
                    non_empty(conflict.remote.as_ref())
                );
            }
        }
    }

    #[test]
    fn no_panic_on_unrelated_flags(i in 0usize..14, j in 0usize..14, k in 0usize..14) {
        let flags = example_flags();
        let pick = |n: usize| flags.get(n % flags.len());
        let merged = merge_flag(pick(i), pick(j), pick(k));
        let remotes = vec![Resolution::Remote; merged.conflicts.len()];
        prop_assert!(resolve(&merged, &remotes).is_ok());
    }
}

#[test]
fn emptying_a_list_on_one_side_still_merges_with_additions_on_the_other() {
    let local = edit(|f| {
        f.tags.clear();
        production(f).rules.clear();
    });
    let remote = edit(|f| {
        f.tags.push("q4".into());
        production(f).rules.push(new_rule("us"));
    });
    let merged = merge3(&local, &remote);
    assert_eq!(merged.conflicts, vec![]);
    let result = merged.result.unwrap();
    assert_eq!(result.tags, ["q4"]);
    assert_eq!(rule_ids(&result), ["us"]);
}

#[test]
fn conflicts_resolve_in_any_order_because_they_are_located_by_key() {
    let three = edit(|f| production(f).rules.push(new_rule("us")));
    let local = {
        let mut flag = three.clone();
        production(&mut flag).rules.retain(|r| r.id == "eu");
        flag
    };
    let remote = {
        let mut flag = three.clone();
        for rule in &mut production(&mut flag).rules {
            rule.description = Some("checked".into());
        }
        flag
    };
    let merged = merge_flag(Some(&three), Some(&local), Some(&remote));
    assert_eq!(merged.conflicts.len(), 2, "{:?}", merged.conflicts);
    let paths: Vec<&str> = merged.conflicts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/environments/production/rules/0",
            "/environments/production/rules/1"
        ]
    );
    let mut result = merged.result.clone();
    for conflict in merged.conflicts.iter().rev() {
        result = apply_resolution(result.as_ref(), conflict, &Resolution::Remote).unwrap();
    }
    let result = result.unwrap();
    assert_eq!(rule_ids(&result), ["beta", "eu", "us"]);
    // The description on 'eu' merged silently; the restored rules are remote's.
    assert!(
        result.environments["production"]
            .rules
            .iter()
            .all(|r| r.description.as_deref() == Some("checked"))
    );
}

#[test]
fn a_keyed_list_with_a_repeated_key_merges_as_a_whole() {
    let local = edit(|f| {
        let copy = production(f).rules[0].clone();
        production(f).rules.push(copy);
    });
    let remote = edit(|f| production(f).rules[1].name = Some("Europe".into()));
    let merged = merge3(&local, &remote);
    assert_eq!(merged.result.as_ref(), Some(&local));
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].path, "/environments/production/rules");
    let taken = resolve(&merged, &[Resolution::Remote]).unwrap();
    assert_eq!(taken, Some(remote));
}

fn example_segments() -> Vec<SegmentFile> {
    example_project()
        .iter()
        .filter(|f| f.path.starts_with("segments/"))
        .map(|f| parse::<SegmentFile>(&f.path, &f.bytes).unwrap())
        .collect()
}

proptest! {
    #[test]
    fn segments_merge_without_panic_and_resolve(i in 0usize..32, j in 0usize..32, k in 0usize..32,
                                               extra in "[a-z]{1,3}") {
        let segments = example_segments();
        let pick = |n: usize| segments.get(n % segments.len()).cloned();
        let (base, mut local, remote) = (pick(i), pick(j), pick(k));
        if let Some(local) = &mut local {
            local.include.push(extra);
        }
        let merged = merge_segment(base.as_ref(), local.as_ref(), remote.as_ref());
        prop_assert_eq!(&merged, &merge_segment(base.as_ref(), local.as_ref(), remote.as_ref()));
        let unchanged = merge_segment(base.as_ref(), base.as_ref(), local.as_ref());
        prop_assert_eq!(unchanged.result, local.clone());
        let remotes = vec![Resolution::Remote; merged.conflicts.len()];
        prop_assert!(resolve(&merged, &remotes).is_ok());
    }

    #[test]
    fn the_project_merges_one_sided_changes_whole(name in "[A-Za-z ]{1,12}", drop in 0usize..8) {
        let file = &example_project()[0];
        let base: ProjectFile = parse(&file.path, &file.bytes).unwrap();
        let mut changed = base.clone();
        changed.name = name;
        if drop < changed.attributes.len() {
            changed.attributes.remove(drop);
        }
        changed.environments.reverse();
        let merged = merge_project(Some(&base), Some(&base), Some(&changed));
        prop_assert_eq!(merged.conflicts, vec![]);
        prop_assert_eq!(merged.result, Some(changed));
    }
}

#[test]
fn sentences_name_the_entry_and_where_it_is() {
    let sentence = |local: FlagFile, remote: FlagFile| {
        let merged = merge3(&local, &remote);
        assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
        merged.conflicts[0].description.clone()
    };
    assert_eq!(
        sentence(
            edit(|f| f.variations[0].value = json!(false)),
            edit(|f| {
                f.variations.remove(0);
            })
        ),
        "Remote deleted variation 'on' of flag 'new-checkout', which local changed."
    );
    assert_eq!(
        sentence(
            edit(|f| production(f).enabled = false),
            edit(|f| {
                f.environments.clear();
            })
        ),
        "Remote deleted the configuration of flag 'new-checkout' in production, which local changed."
    );
    assert_eq!(
        sentence(
            edit(|f| production(f).fallthrough = Serve::variation("on")),
            edit(|f| production(f).fallthrough = rollout(50))
        ),
        "Both sides changed the fallthrough rollout of flag 'new-checkout' in production."
    );
    assert_eq!(
        sentence(
            edit(|f| production(f).targets[0].variation = "off".into()),
            edit(|f| production(f).targets[0].keys.push("qa-3".into()))
        ),
        "Local deleted the targets of variation 'on' in production, which remote changed."
    );
}

#[test]
fn personas_merge_attribute_by_attribute() {
    let persona = |context: serde_json::Value| -> crate::model::PersonaFile {
        serde_json::from_value(json!({"key": "anna", "name": "Anna", "context": context})).unwrap()
    };
    let base = persona(json!({"targetingKey": "u-1", "country": "DE", "plan": "free"}));
    // Local sets the plan and removes the country; remote adds an age and renames nothing.
    let local = persona(json!({"targetingKey": "u-1", "plan": "pro"}));
    let remote =
        persona(json!({"targetingKey": "u-1", "country": "DE", "plan": "free", "age": 34}));
    let merged = merge_persona(Some(&base), Some(&local), Some(&remote));
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(
        serde_json::to_value(merged.result.unwrap()).unwrap()["context"],
        json!({"targetingKey": "u-1", "plan": "pro", "age": 34})
    );
    // Both change one attribute differently: one conflict there, local kept, named in words.
    let theirs = persona(json!({"targetingKey": "u-1", "country": "DE", "plan": "enterprise"}));
    let merged = merge_persona(Some(&base), Some(&local), Some(&theirs));
    assert_eq!(merged.conflicts.len(), 1);
    let conflict = &merged.conflicts[0];
    assert_eq!(conflict.path, "/context/plan");
    assert_eq!(
        (conflict.local.clone(), conflict.remote.clone()),
        (Some(json!("pro")), Some(json!("enterprise")))
    );
    assert!(
        conflict.description.contains("persona 'anna'"),
        "{}",
        conflict.description
    );
    assert_eq!(
        merged.result.as_ref().unwrap().context["plan"],
        json!("pro")
    );
    let resolved = resolve(&merged, &[Resolution::Remote]).unwrap().unwrap();
    assert_eq!(resolved.context["plan"], json!("enterprise"));
    assert!(!resolved.context.contains_key("country"));
}
