use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::example::example_project;
use crate::model::{FlagFile, Rule, SegmentFile, Serve};

fn example() -> Snapshot {
    let (snapshot, diagnostics) = Snapshot::from_files(&example_project());
    assert_eq!(diagnostics, vec![]);
    snapshot
}

fn edited(f: impl FnOnce(&mut Snapshot)) -> Snapshot {
    let mut snapshot = example();
    f(&mut snapshot);
    snapshot
}

fn checkout(snapshot: &mut Snapshot) -> &mut FlagFile {
    snapshot.flags.get_mut("new-checkout").unwrap()
}

fn production(snapshot: &mut Snapshot) -> &mut crate::model::FlagEnvironment {
    checkout(snapshot)
        .environments
        .get_mut("production")
        .unwrap()
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

fn rule_ids(snapshot: &Snapshot) -> Vec<&str> {
    snapshot.flags["new-checkout"].environments["production"]
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect()
}

fn copy_flag(snapshot: &mut Snapshot, from: &str, to: &str) {
    let mut flag = snapshot.flags[from].clone();
    flag.key = to.into();
    snapshot.flags.insert(to.into(), flag);
}

fn paths(files: &[SourceFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

fn change(entity: EntityId, incoming: Option<Effect>, outgoing: Option<Effect>) -> PlannedChange {
    PlannedChange {
        entity,
        incoming,
        outgoing,
        conflicts: 0,
    }
}

fn flag_id(key: &str) -> EntityId {
    EntityId::Flag(key.into())
}

#[test]
fn nothing_changed_is_an_empty_plan() {
    let base = example();
    let plan = plan(&base, &base, &base);
    assert!(plan.is_empty());
    assert!(plan.is_fast_forward());
    assert!(!plan.has_local_changes() && !plan.has_incoming_changes());
    assert_eq!(plan.summary(), "Nothing to sync");
    assert_eq!(plan.commit_message(), "No changes");
    assert_eq!(plan.merged(), &base);
    assert!(plan.files_to_write().is_empty() && plan.files_to_delete().is_empty());
    assert!(plan.local_files_to_write().is_empty());
}

#[test]
fn a_remote_only_change_is_taken_and_nothing_is_pushed() {
    let base = example();
    let remote = edited(|s| checkout(s).description = Some("Remote".into()));
    let plan = plan(&base, &base, &remote);
    assert_eq!(plan.merged(), &remote);
    assert_eq!(
        plan.changes(),
        [change(flag_id("new-checkout"), Some(Effect::Update), None)]
    );
    assert_eq!(plan.changes()[0].origin(), Some(Origin::Remote));
    assert!(plan.is_fast_forward());
    assert!(!plan.has_local_changes());
    assert_eq!(plan.summary(), "1 flag will change");
    assert!(plan.files_to_write().is_empty());
    let written = plan.local_files_to_write();
    assert_eq!(paths(&written), ["flags/new-checkout.json"]);
    assert_eq!(
        written[0].bytes,
        remote.file(&flag_id("new-checkout")).unwrap().bytes
    );
}

#[test]
fn a_remote_deletion_of_an_unchanged_flag_is_taken() {
    let base = example();
    let remote = edited(|s| {
        s.flags.remove("legacy-export");
    });
    let plan = plan(&base, &base, &remote);
    assert_eq!(plan.merged(), &remote);
    assert_eq!(plan.local_files_to_delete(), ["flags/legacy-export.json"]);
    assert!(plan.files_to_delete().is_empty());
    assert_eq!(plan.summary(), "1 flag will change");
}

#[test]
fn a_local_only_change_is_pushed_and_the_commit_message_names_it() {
    let base = example();
    let local = edited(|s| {
        production(s).rules.push(new_rule("local"));
        let mut segment: SegmentFile = s.segments["beta-testers"].clone();
        segment.key = "gamma-testers".into();
        s.segments.insert("gamma-testers".into(), segment);
    });
    let plan = plan(&base, &local, &base);
    assert_eq!(plan.merged(), &local);
    assert!(plan.has_local_changes() && !plan.has_incoming_changes());
    assert!(!plan.is_fast_forward());
    assert_eq!(plan.summary(), "2 local changes to push");
    assert_eq!(
        plan.commit_message(),
        "Update new-checkout (production rules), add segment gamma-testers"
    );
    assert_eq!(
        paths(&plan.files_to_write()),
        ["flags/new-checkout.json", "segments/gamma-testers.json"]
    );
    assert!(plan.files_to_delete().is_empty());
    assert!(plan.local_files_to_write().is_empty() && plan.local_files_to_delete().is_empty());
    assert!(
        plan.changes()
            .iter()
            .all(|c| c.origin() == Some(Origin::Local))
    );
}

#[test]
fn a_local_deletion_is_pushed() {
    let base = example();
    let local = edited(|s| {
        s.flags.remove("legacy-export");
    });
    let plan = plan(&base, &local, &base);
    assert_eq!(plan.files_to_delete(), ["flags/legacy-export.json"]);
    assert!(plan.files_to_write().is_empty());
    assert_eq!(plan.commit_message(), "Delete legacy-export");
    assert_eq!(
        plan.changes(),
        [change(flag_id("legacy-export"), None, Some(Effect::Delete))]
    );
}

#[test]
fn the_commit_message_names_fields_and_environments() {
    let base = example();
    let local = edited(|s| {
        checkout(s).description = Some("New".into());
        production(s).enabled = false;
        production(s).fallthrough = Serve::variation("on");
        checkout(s).environments.shift_remove("staging");
        s.segments
            .get_mut("beta-testers")
            .unwrap()
            .include
            .push("user-3".into());
        s.project.as_mut().unwrap().name = "Acme".into();
    });
    let plan = plan(&base, &local, &base);
    assert_eq!(
        plan.commit_message(),
        "Change 1 flag, 1 segment and the project settings\n\n\
         - update the project settings (name)\n\
         - update new-checkout (description, production on/off and fallthrough, staging removed)\n\
         - update segment beta-testers (include)\n"
    );
}

#[test]
fn personas_sync_like_segments_and_merge_by_attribute() {
    let base = example();
    let local = edited(|s| {
        let anna = s.personas.get_mut("anna-de-pro").unwrap();
        anna.context.insert("plan".into(), json!("enterprise"));
        let mut qa = s.personas["qa-tester"].clone();
        qa.key = "qa-2".into();
        s.personas.insert("qa-2".into(), qa);
    });
    let remote = edited(|s| {
        let anna = s.personas.get_mut("anna-de-pro").unwrap();
        anna.context.insert("age".into(), json!(35));
        s.personas.remove("bob-us-free");
    });
    let plan = plan(&base, &local, &remote);
    assert_eq!(plan.conflicts(), []);
    let anna = &plan.merged().personas["anna-de-pro"];
    assert_eq!(
        (&anna.context["plan"], &anna.context["age"]),
        (&json!("enterprise"), &json!(35))
    );
    assert!(!plan.merged().personas.contains_key("bob-us-free"));
    assert_eq!(
        plan.summary(),
        "2 personas will change, 2 local changes to push"
    );
    assert_eq!(
        plan.commit_message(),
        "Update persona anna-de-pro (context), add persona qa-2"
    );
    assert!(paths(&plan.files_to_write()).contains(&"personas/qa-2.json"));
    assert!(!plan.check().has_errors());
}

#[test]
fn disjoint_changes_to_one_flag_both_survive() {
    let base = example();
    let local = edited(|s| {
        production(s).rules.push(new_rule("local"));
        production(s).rules[1].serve = serde_json::from_value(json!({"rollout": [
            {"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]}))
        .unwrap();
    });
    let remote = edited(|s| {
        production(s).rules.push(new_rule("remote"));
        checkout(s).description = Some("Remote".into());
    });
    let plan = plan(&base, &local, &remote);
    assert_eq!(plan.conflicts(), []);
    let merged = plan.merged();
    assert_eq!(rule_ids(merged), ["staff", "eu", "local", "remote"]);
    let flag = &merged.flags["new-checkout"];
    assert_eq!(flag.description.as_deref(), Some("Remote"));
    assert_eq!(
        flag.environments["production"].rules[1].serve,
        local.flags["new-checkout"].environments["production"].rules[1].serve
    );
    assert_eq!(plan.changes()[0].origin(), Some(Origin::Both));
    assert_eq!(plan.summary(), "1 flag will change, 1 local change to push");
    assert_eq!(
        plan.commit_message(),
        "Update new-checkout (production rules)"
    );
}

#[test]
fn the_same_field_changed_two_ways_is_one_conflict_resolvable_either_way() {
    let base = example();
    let local = edited(|s| checkout(s).description = Some("Local".into()));
    let remote = edited(|s| checkout(s).description = Some("Remote".into()));
    let plan = plan(&base, &local, &remote);
    assert_eq!(plan.conflicts().len(), 1);
    let open = &plan.conflicts()[0];
    assert_eq!(open.entity, flag_id("new-checkout"));
    assert_eq!(open.conflict.remote, Some(json!("Remote")));
    assert_eq!(plan.merged(), &local);
    assert_eq!(plan.summary(), "1 local change to push, 1 conflict");
    assert!(!plan.is_fast_forward());
    assert_eq!(plan.changes()[0].conflicts, 1);

    let to_remote = plan.resolve(0, &Resolution::Remote).unwrap();
    assert_eq!(to_remote.conflicts(), []);
    assert_eq!(to_remote.merged(), &remote);
    assert!(to_remote.is_fast_forward());
    assert_eq!(to_remote.summary(), "1 flag will change");

    let edited_value = plan.resolve(0, &Resolution::Edited(json!("Both"))).unwrap();
    assert_eq!(
        edited_value.merged().flags["new-checkout"]
            .description
            .as_deref(),
        Some("Both")
    );
    assert_eq!(
        edited_value.summary(),
        "1 flag will change, 1 local change to push"
    );
    assert_eq!(
        plan.resolve(1, &Resolution::Local),
        Err("There is no conflict number 2.".to_owned())
    );
}

#[test]
fn a_flag_deleted_on_one_side_and_edited_on_the_other_is_a_conflict() {
    let base = example();
    let local = edited(|s| {
        s.flags.remove("new-checkout");
    });
    let remote = edited(|s| checkout(s).owner = Some("bob".into()));
    let plan = plan(&base, &local, &remote);
    assert_eq!(plan.conflicts().len(), 1);
    assert!(!plan.merged().flags.contains_key("new-checkout"));
    assert_eq!(plan.files_to_delete(), ["flags/new-checkout.json"]);
    assert_eq!(plan.summary(), "1 local change to push, 1 conflict");

    let restored = plan.resolve(0, &Resolution::Remote).unwrap();
    assert_eq!(restored.merged(), &remote);
    assert!(restored.is_fast_forward());
    assert_eq!(
        paths(&restored.local_files_to_write()),
        ["flags/new-checkout.json"]
    );
}

#[test]
fn new_flags_on_both_sides_with_different_keys_are_both_kept() {
    let base = example();
    let local = edited(|s| copy_flag(s, "new-checkout", "local-flag"));
    let remote = edited(|s| copy_flag(s, "banner-color", "remote-flag"));
    let plan = plan(&base, &local, &remote);
    assert_eq!(plan.conflicts(), []);
    assert!(plan.merged().flags.contains_key("local-flag"));
    assert!(plan.merged().flags.contains_key("remote-flag"));
    assert_eq!(
        plan.changes(),
        [
            change(flag_id("local-flag"), None, Some(Effect::Add)),
            change(flag_id("remote-flag"), Some(Effect::Add), None),
        ]
    );
    assert_eq!(plan.commit_message(), "Add local-flag");
    assert_eq!(paths(&plan.files_to_write()), ["flags/local-flag.json"]);
    assert_eq!(
        paths(&plan.local_files_to_write()),
        ["flags/remote-flag.json"]
    );
}

#[test]
fn to_files_round_trips_through_from_files_in_canonical_text() {
    let snapshot = example();
    let files = snapshot.to_files();
    let (again, diagnostics) = Snapshot::from_files(&files);
    assert_eq!(diagnostics, vec![]);
    assert_eq!(again, snapshot);
    // The example is canonical: the same files, byte for byte.
    let mut expected: Vec<(String, Vec<u8>)> = example_project()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let mut actual: Vec<(String, Vec<u8>)> = files.into_iter().map(|f| (f.path, f.bytes)).collect();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected);
}

#[test]
fn from_files_reports_unreadable_files_and_ignores_other_folders() {
    let mut files = example_project();
    files.push(SourceFile::new("flags/broken.json", "{"));
    files.push(SourceFile::new("dist/flagd.json", "{}"));
    let (snapshot, diagnostics) = Snapshot::from_files(&files);
    assert!(diagnostics.iter().any(|d| d.is_error()));
    assert!(!snapshot.flags.contains_key("broken"));
    assert_eq!(snapshot, example());
}

#[test]
fn check_finds_a_merge_that_breaks_the_project() {
    let base = example();
    let local = edited(|s| {
        s.segments.remove("beta-testers");
    });
    let plan = plan(&base, &local, &base);
    assert!(plan.check().has_errors());
    let fine = super::plan(&base, &base, &base);
    assert!(!fine.check().has_errors());
}

// -------------------------------------------------------------------------------------------
// Properties, on the example project mutated at random.

/// One random edit, picked by `op` and aimed by `at`.
fn mutate(snapshot: &mut Snapshot, op: u8, at: usize) {
    let keys: Vec<String> = snapshot.flags.keys().cloned().collect();
    // A few flags only, so that both sides often edit the same one.
    let Some(key) = keys.get(at % keys.len().clamp(1, 3)).cloned() else {
        return;
    };
    let Some(flag) = snapshot.flags.get_mut(&key) else {
        return;
    };
    match op % 8 {
        0 => flag.description = Some(format!("description {at}")),
        1 => flag.tags.push(format!("tag-{}", at % 5)),
        2 => {
            snapshot.flags.remove(&key);
        }
        3 => copy_flag(snapshot, &key, &format!("copy-{}", at % 3)),
        4 => {
            if let Some((_, env)) = flag.environments.first_mut() {
                env.enabled = !env.enabled;
            }
        }
        5 => {
            if let Some((_, env)) = flag.environments.last_mut() {
                env.rules.push(new_rule(&format!("rule-{}", at % 4)));
            }
        }
        6 => {
            let segments: Vec<String> = snapshot.segments.keys().cloned().collect();
            if let Some(segment) = segments
                .get(at % segments.len().max(1))
                .and_then(|k| snapshot.segments.get_mut(k))
            {
                segment.include.push(format!("user-{}", at % 7));
            }
        }
        _ => {
            if let Some(project) = snapshot.project.as_mut() {
                project.name = format!("name {}", at % 3);
            }
        }
    }
}

fn mutated(snapshot: &Snapshot, edits: &[(u8, usize)]) -> Snapshot {
    let mut snapshot = snapshot.clone();
    for &(op, at) in edits {
        mutate(&mut snapshot, op, at);
    }
    snapshot
}

fn edits() -> impl Strategy<Value = Vec<(u8, usize)>> {
    prop::collection::vec((any::<u8>(), any::<usize>()), 0..6)
}

fn triple() -> impl Strategy<Value = (Snapshot, Snapshot, Snapshot)> {
    let example = example();
    (edits(), edits(), edits()).prop_map(move |(b, x, y)| {
        let base = mutated(&example, &b);
        (base.clone(), mutated(&base, &x), mutated(&base, &y))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_local_only_change_is_the_result((base, x, _) in triple()) {
        let plan = plan(&base, &x, &base);
        prop_assert_eq!(plan.conflicts(), []);
        prop_assert_eq!(plan.merged(), &x);
        prop_assert!(!plan.has_incoming_changes());
        prop_assert_eq!(plan.has_local_changes(), x != base);
    }

    #[test]
    fn a_remote_only_change_is_the_result((base, x, _) in triple()) {
        let plan = plan(&base, &base, &x);
        prop_assert_eq!(plan.conflicts(), []);
        prop_assert_eq!(plan.merged(), &x);
        prop_assert!(plan.is_fast_forward());
    }

    #[test]
    fn planning_is_deterministic_and_every_conflict_resolves((base, x, y) in triple()) {
        let first = plan(&base, &x, &y);
        prop_assert_eq!(&first, &plan(&base, &x, &y));
        // Keeping local everywhere changes nothing; taking remote everywhere always applies.
        let mut local = first.clone();
        let mut remote = first.clone();
        while local.has_conflicts() {
            local = local.resolve(0, &Resolution::Local).unwrap();
            remote = remote.resolve(0, &Resolution::Remote).unwrap();
        }
        prop_assert_eq!(local.merged(), first.merged());
        prop_assert!(!remote.has_conflicts());
        // The files to push turn remote into the merged result.
        let mut pushed = first.remote().to_files();
        let deleted = first.files_to_delete();
        pushed.retain(|f| !deleted.contains(&f.path));
        let written = first.files_to_write();
        pushed.retain(|f| !written.iter().any(|w| w.path == f.path));
        pushed.extend(written);
        prop_assert_eq!(&Snapshot::from_files(&pushed).0, first.merged());
    }
}

// ---------------------------------------------------------------------------------------------
// Governance files travel like the rest.

mod governance_files {
    use super::*;
    use crate::format::to_canonical_json;
    use crate::governance::{
        ChangeRequest, Comment, Decision, EntityChange, Person, Policy, Status, sign,
        sign_authorship, signing_key,
    };

    fn person(id: &str, seed: u8) -> Person {
        Person {
            id: id.into(),
            name: id.to_uppercase(),
            email: format!("{id}@example.com"),
            public_key: crate::governance::sign::public_key_text(
                &signing_key(&[seed; 32]).verifying_key(),
            ),
        }
    }

    fn policy() -> Policy {
        serde_json::from_value(json!({
            "groups": [{"key": "rm", "name": "Release managers", "members": ["bob"]}],
            "rules": [{"name": "Production", "when": {"environments": ["production"]},
                       "require": {"approvals": 1, "from": ["group:rm"]}}]
        }))
        .unwrap()
    }

    fn request() -> ChangeRequest {
        let mut c = ChangeRequest {
            id: "cr-1".into(),
            title: "Raise the rollout".into(),
            description: None,
            author: "alice".into(),
            author_signature: None,
            base: "abc".into(),
            entities: vec![EntityChange {
                path: "flags/new-checkout.json".into(),
                before: Some(json!({"key": "new-checkout"})),
                after: Some(json!({"key": "new-checkout", "name": "x"})),
            }],
            status: Status::Open,
            emergency: None,
            approvals: vec![],
            comments: vec![],
            published: None,
        };
        c.author_signature = Some(sign_authorship(&signing_key(&[1; 32]), &c));
        c
    }

    fn with_governance() -> Snapshot {
        let mut files = example_project();
        files.push(SourceFile::new("policy.json", to_canonical_json(&policy())));
        files.push(SourceFile::new(
            "people/alice.json",
            to_canonical_json(&person("alice", 1)),
        ));
        files.push(SourceFile::new(
            "changes/cr-1.json",
            to_canonical_json(&request()),
        ));
        files.push(SourceFile::new("dist/production.flagd.json", "{ not read"));
        files.push(SourceFile::new(
            "people/Not A Key.json",
            "{ not read either",
        ));
        let (snapshot, diagnostics) = Snapshot::from_files(&files);
        assert_eq!(diagnostics, vec![]);
        snapshot
    }

    #[test]
    fn from_files_reads_people_policy_and_changes_and_leaves_dist_out() {
        let s = with_governance();
        assert_eq!(s.policy, Some(policy()));
        assert_eq!(s.people.keys().collect::<Vec<_>>(), ["alice"]);
        assert_eq!(s.changes["cr-1"], request());
        let written = paths(&s.to_files())
            .into_iter()
            .filter(|p| !p.starts_with("flags/") && !p.starts_with("segments/"))
            .map(str::to_owned)
            .collect::<Vec<_>>();
        assert_eq!(
            written,
            [
                "flagdeck.json",
                "personas/anna-de-pro.json",
                "personas/bob-us-free.json",
                "personas/kenji-jp-mobile.json",
                "personas/qa-tester.json",
                "policy.json",
                "people/alice.json",
                "changes/cr-1.json"
            ]
        );
        // Round trip through files.
        assert_eq!(Snapshot::from_files(&s.to_files()).0, s);
    }

    #[test]
    fn a_broken_governance_file_is_a_located_error_not_a_deletion() {
        let mut files = example_project();
        files.push(SourceFile::new("changes/cr-1.json", "{\"id\": 3}"));
        let (snapshot, diagnostics) = Snapshot::from_files(&files);
        assert!(snapshot.changes.is_empty());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].file, "changes/cr-1.json");
        assert!(diagnostics[0].is_error());
    }

    #[test]
    fn two_approvals_made_on_two_clones_both_survive_the_merge() {
        let base = with_governance();
        let approve = |by: &str, seed: u8| {
            let c = &base.changes["cr-1"];
            sign(
                &signing_key(&[seed; 32]),
                by,
                c,
                Decision::Approve,
                "2026-11-21T09:00:00Z",
                None,
            )
        };
        let local = {
            let mut s = base.clone();
            let c = s.changes.get_mut("cr-1").unwrap();
            c.approvals.push(approve("bob", 2));
            c.comments.push(Comment {
                by: "bob".into(),
                at: "2026-11-21T09:00:00Z".into(),
                text: "Fine by me".into(),
            });
            s
        };
        let remote = {
            let mut s = base.clone();
            let c = s.changes.get_mut("cr-1").unwrap();
            c.approvals.push(approve("carol", 3));
            c.comments.push(Comment {
                by: "carol".into(),
                at: "2026-11-21T09:01:00Z".into(),
                text: "Dashboards ready".into(),
            });
            s
        };
        let p = plan(&base, &local, &remote);
        assert_eq!(p.conflicts(), &[]);
        let merged = &p.merged().changes["cr-1"];
        let by: Vec<&str> = merged.approvals.iter().map(|a| a.by.as_str()).collect();
        assert_eq!(by, ["bob", "carol"]);
        assert_eq!(merged.comments.len(), 2);
        // Only the change request goes to the remote, described in words.
        assert_eq!(paths(&p.files_to_write()), ["changes/cr-1.json"]);
        assert_eq!(
            p.commit_message(),
            "Update change request cr-1 (approvals, comments)"
        );
    }

    #[test]
    fn one_persons_two_different_decisions_conflict_and_entities_merge_whole() {
        let base = with_governance();
        let decide = |decision| {
            let mut s = base.clone();
            let c = s.changes.get_mut("cr-1").unwrap();
            let a = sign(
                &signing_key(&[2; 32]),
                "bob",
                c,
                decision,
                "2026-11-21T09:00:00Z",
                None,
            );
            c.approvals.push(a);
            s
        };
        let p = plan(&base, &decide(Decision::Approve), &decide(Decision::Reject));
        assert_eq!(p.conflicts().len(), 1);
        assert_eq!(p.conflicts()[0].entity, EntityId::Change("cr-1".into()));
        // Both sides edit what the request changes: one conflict on `entities`, never a mix.
        let edit = |name: &str| {
            let mut s = base.clone();
            let c = s.changes.get_mut("cr-1").unwrap();
            c.entities[0].after = Some(json!({"key": "new-checkout", "name": name}));
            s
        };
        let p = plan(&base, &edit("a"), &edit("b"));
        assert_eq!(p.conflicts().len(), 1);
        assert_eq!(p.conflicts()[0].conflict.path, "/entities");
    }

    #[test]
    fn policy_groups_merge_by_key_with_members_as_a_set_and_rules_by_name() {
        let base = with_governance();
        let local = {
            let mut s = base.clone();
            let p = s.policy.as_mut().unwrap();
            p.groups[0].members.push("carol".into());
            s
        };
        let remote = {
            let mut s = base.clone();
            let p = s.policy.as_mut().unwrap();
            p.groups[0].members.push("dan".into());
            let mut rule = p.rules[0].clone();
            rule.name = "Staging".into();
            p.rules.push(rule);
            s.people.insert("dan".into(), person("dan", 4));
            s
        };
        let p = plan(&base, &local, &remote);
        assert_eq!(p.conflicts(), &[]);
        let merged = p.merged().policy.as_ref().unwrap();
        assert_eq!(merged.groups[0].members, ["bob", "carol", "dan"]);
        assert_eq!(merged.rules.len(), 2);
        assert!(p.merged().people.contains_key("dan"));
        assert!(p.summary().contains("1 person"), "{}", p.summary());
    }

    #[test]
    fn entity_ids_map_paths_both_ways() {
        for id in [
            EntityId::Project,
            EntityId::Flag("a".into()),
            EntityId::Segment("b".into()),
            EntityId::Policy,
            EntityId::Person("alice".into()),
            EntityId::Change("cr-1".into()),
        ] {
            assert_eq!(EntityId::of_path(&id.path()), Some(id.clone()));
        }
        for path in [
            "dist/production.flagd.json",
            "changes/Bad.json",
            "people/a.txt",
            "x.json",
        ] {
            assert_eq!(EntityId::of_path(path), None, "{path}");
        }
        assert!(EntityId::Person("a".into()).is_governance());
        assert!(!EntityId::Flag("a".into()).is_governance());
    }
}
