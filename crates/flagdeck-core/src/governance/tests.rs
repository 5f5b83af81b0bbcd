//! Tests of the pure governance layer, attack cases included (DESIGN §6, issue 4). The app and
//! `flagdeck verify` reuse these fixtures' ideas end to end.

use std::collections::BTreeSet;

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::hash::hashed_bytes;
use super::sign::{ApprovalProblem, public_key_text};
use super::*;
use crate::diag::Code;
use crate::format::{SourceFile, to_canonical_json};
use crate::model::ProjectFile;

// ---------------------------------------------------------------------------------------------
// Fixtures: Alice writes changes, Bob and Carol are release managers, Dan is in no group.

const AT: &str = "2026-11-21T09:00:00Z";

fn key(seed: u8) -> SigningKey {
    signing_key(&[seed; 32])
}

fn person(id: &str, name: &str, seed: u8) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        email: format!("{id}@example.com"),
        public_key: public_key_text(&key(seed).verifying_key()),
    }
}

fn people() -> Vec<Person> {
    vec![
        person("alice", "Alice", 1),
        person("bob", "Bob", 2),
        person("carol", "Carol", 3),
        person("dan", "Dan", 4),
    ]
}

fn seed_of(id: &str) -> u8 {
    match id {
        "alice" => 1,
        "bob" => 2,
        "carol" => 3,
        "dan" => 4,
        "eve" | "erin" => 5,
        _ => 9,
    }
}

fn project() -> ProjectFile {
    serde_json::from_value(json!({
        "format": 1, "name": "Shop",
        "environments": [{"key": "development", "name": "Development"},
                         {"key": "production", "name": "Production"}]
    }))
    .unwrap()
}

fn policy() -> Policy {
    serde_json::from_value(json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob", "carol"]}],
        "rules": [
            {"name": "Production", "when": {"environments": ["production"]},
             "require": {"approvals": 1, "from": ["group:release-managers"]}},
            {"name": "Governance", "when": {"governance": true},
             "require": {"approvals": 2, "from": ["group:release-managers"]}}
        ],
        "emergency": {"allowed": true, "environments": ["production"]}
    }))
    .unwrap()
}

fn env(enabled: bool, fallthrough: Value) -> Value {
    json!({"enabled": enabled, "offVariation": "off", "fallthrough": fallthrough})
}

fn rollout(on: u32) -> Value {
    json!({"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]})
}

fn flag(production: Value) -> Value {
    json!({
        "key": "new-checkout", "name": "New checkout", "type": "boolean", "owner": "alice",
        "tags": ["checkout"],
        "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "environments": {
            "development": env(true, json!({"variation": "on"})),
            "production": production
        }
    })
}

fn entity(path: &str, before: Option<Value>, after: Option<Value>) -> EntityChange {
    EntityChange {
        path: path.into(),
        before,
        after,
    }
}

fn change(id: &str, entities: Vec<EntityChange>) -> ChangeRequest {
    ChangeRequest {
        id: id.into(),
        title: "Roll out the new checkout".into(),
        description: None,
        author: "alice".into(),
        author_signature: None,
        base: "0123abcd".into(),
        entities,
        status: Status::Open,
        emergency: None,
        approvals: vec![],
        comments: vec![],
        published: None,
    }
}

/// Alice raises the production rollout from 20 % to 50 %.
fn rollout_change(id: &str) -> ChangeRequest {
    change(
        id,
        vec![entity(
            "flags/new-checkout.json",
            Some(flag(env(true, rollout(20)))),
            Some(flag(env(true, rollout(50)))),
        )],
    )
}

fn approve(by: &str, change: &ChangeRequest) -> Approval {
    sign(&key(seed_of(by)), by, change, Decision::Approve, AT, None)
}

fn reject(by: &str, change: &ChangeRequest) -> Approval {
    sign(&key(seed_of(by)), by, change, Decision::Reject, AT, None)
}

fn report(change: &ChangeRequest) -> PolicyReport {
    report_under(&policy(), &people(), change)
}

/// Evaluates `change` as its author signed it (every fixture's author signs what they send).
fn report_under(policy: &Policy, people: &[Person], change: &ChangeRequest) -> PolicyReport {
    let signed = signed_by_author(change);
    evaluate(policy, people, &signed, &touched(&signed, &project()))
}

fn signed_by_author(change: &ChangeRequest) -> ChangeRequest {
    let mut signed = change.clone();
    signed.author_signature = Some(sign_authorship(&key(seed_of(&change.author)), change));
    signed
}

fn says(report: &PolicyReport, needle: &str) -> bool {
    report
        .reasons
        .iter()
        .chain(&report.notes)
        .chain(report.rules.iter().flat_map(|r| &r.needs))
        .any(|s| s.contains(needle))
}

fn assert_says(report: &PolicyReport, needle: &str) {
    assert!(says(report, needle), "expected {needle:?} in {report:#?}");
}

// ---------------------------------------------------------------------------------------------
// Content hash

#[test]
fn content_hash_has_its_shape_and_ignores_the_requests_life() {
    let c = rollout_change("cr-1");
    let hash = content_hash(&c);
    assert!(hash::is_content_hash(&hash), "{hash}");
    let mut later = c.clone();
    later.status = Status::Published;
    later.approvals.push(approve("bob", &c));
    later.comments.push(Comment {
        by: "bob".into(),
        at: AT.into(),
        text: "ok".into(),
    });
    later.published = Some(Published {
        by: "bob".into(),
        at: AT.into(),
        commit: Some("abc".into()),
    });
    assert_eq!(content_hash(&later), hash);
}

#[test]
fn content_hash_changes_with_every_edit_of_what_changes() {
    let c = rollout_change("cr-1");
    let base = content_hash(&c);
    let edits: Vec<fn(&mut ChangeRequest)> = vec![
        |c| c.id = "cr-2".into(),
        |c| c.title.push('!'),
        |c| c.description = Some("why".into()),
        |c| c.author = "bob".into(),
        |c| c.base = "ffff".into(),
        |c| c.entities[0].after = Some(flag(env(true, rollout(51)))),
        |c| c.entities[0].before = None,
        |c| c.emergency = Some(EmergencyReason { reason: "x".into() }),
        |c| {
            c.entities
                .push(entity("policy.json", None, Some(json!({}))))
        },
    ];
    for (i, edit) in edits.into_iter().enumerate() {
        let mut edited = c.clone();
        edit(&mut edited);
        assert_ne!(content_hash(&edited), base, "edit {i} must change the hash");
    }
}

#[test]
fn hashed_bytes_are_rfc_8785_canonical_json() {
    let mut c = change(
        "cr-1",
        vec![entity(
            "policy.json",
            None,
            Some(json!({"b": 1.5e1, "a": [true, null]})),
        )],
    );
    c.title = "é\u{1}".into();
    let text = String::from_utf8(hashed_bytes(&c)).unwrap();
    assert_eq!(
        text,
        r#"{"author":"alice","base":"0123abcd","description":null,"emergency":null,"entities":[{"after":{"a":[true,null],"b":15},"before":null,"path":"policy.json"}],"id":"cr-1","title":"é\u0001"}"#
    );
    // And its SHA-256, as any other implementation would compute it.
    assert_eq!(
        content_hash(&c),
        format!("sha256:{}", hex(&sha2::Sha256::digest(text.as_bytes())))
    );
}

use sha2::Digest;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    /// The hash depends on what JSON objects say, not on the order their keys were written in.
    #[test]
    fn content_hash_ignores_key_order(keys in proptest::collection::vec("[a-z]{1,6}", 1..8), n in 0u32..1000) {
        let forward: serde_json::Map<String, Value> =
            keys.iter().map(|k| (k.clone(), json!(n))).collect();
        let backward: serde_json::Map<String, Value> =
            keys.iter().rev().map(|k| (k.clone(), json!(n))).collect();
        let a = change("cr", vec![entity("policy.json", None, Some(Value::Object(forward)))]);
        let b = change("cr", vec![entity("policy.json", None, Some(Value::Object(backward)))]);
        prop_assert_eq!(content_hash(&a), content_hash(&b));
    }

    /// Any two different rollouts hash differently, and an approval of one is void for the other.
    #[test]
    fn an_approval_is_void_for_any_other_rollout(x in 0u32..=100, y in 0u32..=100) {
        prop_assume!(x != y);
        let mut a = rollout_change("cr");
        a.entities[0].after = Some(flag(env(true, rollout(x))));
        let mut b = a.clone();
        b.entities[0].after = Some(flag(env(true, rollout(y))));
        prop_assert_ne!(content_hash(&a), content_hash(&b));
        let approval = approve("bob", &a);
        prop_assert!(verify_approval(&people()[1], &a, &approval).is_ok());
        prop_assert_eq!(
            check_approval(&people()[1], &b, &approval),
            Err(ApprovalProblem::EarlierVersion)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures

#[test]
fn a_signed_approval_verifies_and_says_what_it_signed() {
    let c = rollout_change("cr-1");
    let a = approve("bob", &c);
    assert_eq!(a.content_hash, content_hash(&c));
    assert!(a.signature.starts_with("ed25519:"));
    assert_eq!(verify_approval(&people()[1], &c, &a), Ok(()));
}

#[test]
fn malformed_keys_and_signatures_are_sentences_not_panics() {
    let c = rollout_change("cr-1");
    let mut bob = people()[1].clone();
    let good = approve("bob", &c);
    for bad in ["", "ed25519:", "ed25519:!!!", "rsa:AAAA", "ed25519:AAAA"] {
        let mut a = good.clone();
        a.signature = bad.into();
        let err = verify_approval(&bob, &c, &a).unwrap_err();
        assert!(err.starts_with("Bob's approval does not count"), "{err}");
    }
    bob.public_key = "ed25519:AAAA".into();
    let err = verify_approval(&bob, &c, &good).unwrap_err();
    assert!(err.contains("32 bytes"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// What a change touches

#[test]
fn a_flag_touches_the_environments_whose_configuration_differs() {
    let t = touched(&rollout_change("cr"), &project());
    assert_eq!(t.environments, ["production".to_string()].into());
    assert_eq!(t.flags, ["new-checkout".to_string()].into());
    assert_eq!(t.tags, ["checkout".to_string()].into());
    assert_eq!(t.owners, ["alice".to_string()].into());
    assert!(!t.governance);
}

#[test]
fn created_flags_and_definition_changes_touch_every_configured_environment() {
    let created = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            None,
            Some(flag(env(true, rollout(0)))),
        )],
    );
    let t = touched(&created, &project());
    assert_eq!(t.environments.len(), 2);
    let mut retagged = flag(env(true, rollout(20)));
    retagged["tags"] = json!([]);
    retagged["owner"] = json!("dan");
    let c = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(flag(env(true, rollout(20)))),
            Some(retagged),
        )],
    );
    let t = touched(&c, &project());
    assert_eq!(
        t.environments.len(),
        2,
        "a tag change touches every environment"
    );
    assert!(t.tags.contains("checkout"), "tags of both sides");
    assert!(t.owners.contains("dan") && t.owners.contains("alice"));
    assert_eq!(
        t.approving_owners,
        ["alice".to_string()].into(),
        "the owner at the base approves, not the one the change sets"
    );
    let mut renamed = flag(env(true, rollout(20)));
    renamed["name"] = json!("Checkout v2");
    let c = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(flag(env(true, rollout(20)))),
            Some(renamed),
        )],
    );
    assert!(
        touched(&c, &project()).environments.is_empty(),
        "a rename serves nothing new"
    );
}

#[test]
fn segments_and_the_project_touch_every_environment_and_governance_files_are_governance() {
    let seg = change(
        "cr",
        vec![entity(
            "segments/beta.json",
            None,
            Some(json!({"key": "beta", "name": "Beta"})),
        )],
    );
    assert_eq!(touched(&seg, &project()).environments.len(), 2);
    let mut p = serde_json::to_value(project()).unwrap();
    p["environments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "staging", "name": "Staging"}));
    let proj = change(
        "cr",
        vec![entity(
            "flagdeck.json",
            Some(serde_json::to_value(project()).unwrap()),
            Some(p),
        )],
    );
    assert_eq!(touched(&proj, &project()).environments.len(), 3);
    for path in [
        "policy.json",
        "people/eve.json",
        "dist/production.flagd.json",
    ] {
        let c = change("cr", vec![entity(path, None, Some(json!({})))]);
        let t = touched(&c, &project());
        assert!(t.governance, "{path}");
    }
    let broken = change(
        "cr",
        vec![entity("flags/x.json", None, Some(json!("not a flag")))],
    );
    assert_eq!(
        touched(&broken, &project()).environments.len(),
        2,
        "unknown shape: everything"
    );
}

// ---------------------------------------------------------------------------------------------
// Exposure (emergency changes)

fn prod_change(before: Value, after: Value) -> ChangeRequest {
    change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(flag(before)),
            Some(flag(after)),
        )],
    )
}

#[test]
fn the_kill_switch_and_lowering_a_rollout_reduce_exposure() {
    assert_eq!(
        reduces_exposure(&prod_change(
            env(true, rollout(50)),
            env(false, rollout(50))
        )),
        Ok(())
    );
    assert_eq!(
        reduces_exposure(&prod_change(env(true, rollout(50)), env(true, rollout(10)))),
        Ok(())
    );
    assert_eq!(
        reduces_exposure(&prod_change(
            env(true, rollout(50)),
            env(true, json!({"variation": "off"}))
        )),
        Ok(())
    );
    assert_eq!(
        reduces_exposure(&prod_change(env(true, rollout(50)), env(false, rollout(0)))),
        Ok(()),
        "both at once still only lower"
    );
}

#[test]
fn raising_exposure_or_changing_anything_else_is_not_an_emergency() {
    let cases: Vec<(ChangeRequest, &str)> = vec![
        (
            prod_change(env(true, rollout(10)), env(true, rollout(50))),
            "fallthrough",
        ),
        (
            prod_change(env(false, rollout(10)), env(true, rollout(10))),
            "turning the flag on",
        ),
        (
            prod_change(env(true, rollout(10)), {
                let mut e = env(true, rollout(10));
                e["rules"] = json!([{"id": "r", "serve": {"variation": "off"}}]);
                e
            }),
            "rules",
        ),
        (
            prod_change(env(true, rollout(10)), {
                let mut e = env(true, rollout(10));
                e["offVariation"] = json!("on");
                e
            }),
            "off variation",
        ),
        (
            change(
                "cr",
                vec![entity(
                    "flags/new-checkout.json",
                    None,
                    Some(flag(env(false, rollout(0)))),
                )],
            ),
            "creating or deleting",
        ),
        (
            change(
                "cr",
                vec![entity(
                    "segments/beta.json",
                    Some(json!({"key": "beta", "name": "B"})),
                    Some(json!({"key": "beta", "name": "B", "include": ["x"]})),
                )],
            ),
            "segment",
        ),
        (
            change("cr", vec![entity("people/eve.json", None, Some(json!({})))]),
            "governance",
        ),
        (
            change(
                "cr",
                vec![entity(
                    "policy.json",
                    Some(json!({})),
                    Some(json!({"rules": []})),
                )],
            ),
            "governance",
        ),
        (
            change(
                "cr",
                vec![entity(
                    "flags/new-checkout.json",
                    Some(flag(env(true, rollout(10)))),
                    Some({
                        let mut f = flag(env(false, rollout(10)));
                        f["variations"][0]["value"] = json!(false);
                        f
                    }),
                )],
            ),
            "definition",
        ),
    ];
    for (c, why) in cases {
        let reasons = reduces_exposure(&c).expect_err(why);
        assert!(
            reasons.iter().any(|r| r.contains(why)),
            "{why}: {reasons:?}"
        );
    }
    let mut no_off = env(true, rollout(50));
    no_off["offVariation"] = Value::Null;
    let mut lowered = env(true, rollout(10));
    lowered["offVariation"] = Value::Null;
    assert!(
        reduces_exposure(&prod_change(no_off, lowered)).is_err(),
        "no off variation: no lowering"
    );
}

#[test]
fn moving_people_between_variations_is_not_lowering_exposure() {
    let reordered =
        json!({"rollout": [{"variation": "off", "weight": 80}, {"variation": "on", "weight": 20}]});
    assert!(
        reduces_exposure(&prod_change(env(true, rollout(20)), env(true, reordered))).is_err(),
        "same weights in another order give other people 'on'"
    );
    let mut rebucketed = rollout(10);
    rebucketed["bucketBy"] = json!("accountId");
    assert!(reduces_exposure(&prod_change(env(true, rollout(20)), env(true, rebucketed))).is_err());
    let three = |a: f64, b: f64| {
        let mut f = flag(env(
            true,
            json!({"rollout": [
            {"variation": "a", "weight": a}, {"variation": "b", "weight": b},
            {"variation": "off", "weight": 100.0 - a - b}]}),
        ));
        f["variations"] = json!([{"key": "a", "value": true}, {"key": "b", "value": true}, {"key": "off", "value": false}]);
        f
    };
    let shifted = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(three(30.0, 30.0)),
            Some(three(20.0, 30.0)),
        )],
    );
    assert!(
        reduces_exposure(&shifted).is_err(),
        "b's buckets move onto people who had a"
    );
    let shrunk = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(three(30.0, 30.0)),
            Some(three(30.0, 10.5)),
        )],
    );
    assert_eq!(
        reduces_exposure(&shrunk),
        Ok(()),
        "the last non-off variation shrinks in place"
    );
}

fn scheduled(steps: Value) -> Value {
    let mut e = env(true, json!({"variation": "off"}));
    e["schedule"] = steps;
    e
}

#[test]
fn removing_schedule_steps_reduces_exposure_unless_a_removed_step_lowered_it() {
    let up5 = json!({"at": "2026-12-01T09:00:00Z", "fallthrough": rollout(5)});
    let up25 = json!({"at": "2026-12-03T09:00:00Z", "fallthrough": rollout(25)});
    let off = json!({"at": "2026-12-08T09:00:00Z", "enabled": false});
    let full = scheduled(json!([up5, up25, off]));
    assert_eq!(reduces_exposure(&prod_change(full.clone(), scheduled(json!([up5])))), Err(vec![
        "Flag 'new-checkout' in production: removing the step at 2026-12-08T09:00:00Z would keep the flag on when it was due to be turned off.".to_owned()
    ]));
    let rising = scheduled(json!([up5, up25]));
    assert_eq!(
        reduces_exposure(&prod_change(rising.clone(), scheduled(json!([up5])))),
        Ok(())
    );
    assert_eq!(
        reduces_exposure(&prod_change(rising.clone(), scheduled(json!([])))),
        Ok(())
    );
    let down = json!({"at": "2026-12-09T09:00:00Z", "fallthrough": rollout(1)});
    let err = reduces_exposure(&prod_change(
        scheduled(json!([up25, down])),
        scheduled(json!([up25])),
    ))
    .unwrap_err();
    assert!(err[0].contains("does not only lower"), "{err:?}");
    let err = reduces_exposure(&prod_change(rising, scheduled(json!([up5, off])))).unwrap_err();
    assert!(err[0].contains("gains or changes steps"), "{err:?}");
    let ramp = json!({"at": "2026-12-01T09:00:00Z", "fallthrough": {"ramp": {"from": "2026-12-01T09:00:00Z", "to": "2026-12-02T09:00:00Z", "variation": "on", "fromWeight": 0, "toWeight": 100}}});
    assert_eq!(
        reduces_exposure(&prod_change(scheduled(json!([ramp])), scheduled(json!([])))),
        Ok(()),
        "stopping a ramp away from off"
    );
}

// ---------------------------------------------------------------------------------------------
// Evaluation

#[test]
fn an_honest_change_needs_and_then_has_its_approval() {
    let mut c = rollout_change("cr-1");
    let r = report(&c);
    assert!(!r.publishable);
    assert_eq!(r.rules.len(), 1, "only the production rule applies");
    assert_eq!(
        r.rules[0].needs,
        ["needs 1 more approval from Release managers"]
    );
    assert_says(
        &r,
        "Production: needs 1 more approval from Release managers.",
    );
    c.approvals.push(approve("bob", &c));
    let r = report(&c);
    assert!(r.publishable, "{r:#?}");
    assert_eq!(r.rules[0].approved_by, ["bob"]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.content_hash, content_hash(&c));
}

#[test]
fn a_change_no_rule_applies_to_is_publishable_and_says_so() {
    let c = change(
        "cr",
        vec![entity(
            "flags/new-checkout.json",
            Some(flag(env(true, rollout(20)))),
            Some({
                let mut f = flag(env(true, rollout(20)));
                f["environments"]["development"] = env(false, json!({"variation": "off"}));
                f
            }),
        )],
    );
    let r = report(&c);
    assert!(r.publishable);
    assert!(r.rules.is_empty());
    assert_says(&r, "No policy rule applies");
}

#[test]
fn scopes_are_anded_and_owner_approval_comes_from_the_base_owner() {
    let p: Policy = serde_json::from_value(json!({
        "rules": [{"name": "Checkout owners", "when": {"environments": ["production"], "tags": ["checkout"], "flags": ["new-checkout"], "owners": ["alice"]},
                   "require": {"approvals": 1, "from": ["owner"], "authorMayApprove": true}},
                  {"name": "Payments", "when": {"environments": ["production"], "tags": ["payments"]},
                   "require": {"approvals": 1, "from": ["person:dan"]}}]
    })).unwrap();
    let mut c = rollout_change("cr");
    let r = report_under(&p, &people(), &c);
    assert_eq!(
        r.rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["Checkout owners"]
    );
    assert_says(&r, "needs 1 more approval from the flag's owner");
    c.approvals.push(approve("alice", &c));
    assert!(
        report_under(&p, &people(), &c).publishable,
        "the owner may approve: authorMayApprove"
    );
}

#[test]
fn a_valid_rejection_blocks_until_its_author_changes_their_mind() {
    let mut c = rollout_change("cr");
    c.approvals.push(approve("bob", &c));
    c.approvals.push(reject("carol", &c));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(&r, "Rejected by Carol.");
    assert_eq!(r.rules[0].rejected_by, ["carol"]);
    c.approvals.push(approve("carol", &c));
    let r = report(&c);
    assert!(r.publishable, "the last decision counts: {r:#?}");
    assert_eq!(r.rules[0].approved_by, ["bob", "carol"]);
    // A rejection by someone who may not approve does not block.
    let mut c = rollout_change("cr");
    c.approvals.push(approve("bob", &c));
    c.approvals.push(reject("dan", &c));
    assert!(report(&c).publishable);
}

// ---------------------------------------------------------------------------------------------
// Attacks (issue 4): each refused with a clear reason.

#[test]
fn attack_approval_by_the_author() {
    let mut c = rollout_change("cr");
    c.approvals.push(approve("alice", &c));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(&r, "Alice can't approve their own change");
    assert_says(&r, "needs 1 more approval from Release managers");
}

#[test]
fn attack_author_who_is_not_a_person() {
    // Alice names an author nobody knows, hoping her own approval then counts.
    let mut alice_is_rm = policy();
    alice_is_rm.groups[0].members.push("alice".into());
    let mut c = rollout_change("cr");
    c.author = "zoe".into();
    c.approvals.push(approve("alice", &c));
    let r = report_under(&alice_is_rm, &people(), &c);
    assert!(!r.publishable);
    assert_says(&r, "The author 'zoe' is not a person of this project.");
}

#[test]
fn attack_person_file_posing_as_someone_else() {
    let mallory = key(6);
    let mut fake_bob = people()[1].clone();
    fake_bob.public_key = public_key_text(&mallory.verifying_key());
    let mut c = rollout_change("cr");
    c.approvals
        .push(sign(&mallory, "bob", &c, Decision::Approve, AT, None));
    // Read from files: people/mallory.json says it is Bob, so it is refused and signs nothing.
    let mut files: Vec<SourceFile> = people()
        .iter()
        .map(|p| SourceFile::new(format!("people/{}.json", p.id), to_canonical_json(p)))
        .collect();
    files.push(SourceFile::new(
        "people/mallory.json",
        to_canonical_json(&fake_bob),
    ));
    let g = check_governance(&files, None);
    assert_eq!(codes(&g.diagnostics), [(Code::FileNameMismatch, "/id")]);
    assert!(!report_under(&policy(), &g.people, &c).publishable);
    // Handed both entries anyway, evaluation trusts neither.
    let mut both = people();
    both.push(fake_bob);
    let r = report_under(&policy(), &both, &c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Two people have the id 'bob'; neither's decisions count.",
    );
}

#[test]
fn attack_approval_signed_with_another_persons_key() {
    let mut c = rollout_change("cr");
    // Dan signs with his own key in Bob's name.
    c.approvals
        .push(sign(&key(4), "bob", &c, Decision::Approve, AT, None));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Bob's approval does not count: its signature does not match Bob's key",
    );
    assert!(r.rules[0].approved_by.is_empty());
}

#[test]
fn attack_approval_by_someone_outside_the_required_group() {
    let mut c = rollout_change("cr");
    c.approvals.push(approve("dan", &c));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Dan's approval does not count for 'Production': Dan is not one of Release managers.",
    );
}

#[test]
fn attack_approval_copied_from_another_change_request() {
    let original = rollout_change("cr-1");
    let approval = approve("bob", &original);
    let mut copy = rollout_change("cr-2");
    copy.approvals.push(approval.clone());
    let r = report(&copy);
    assert!(!r.publishable);
    assert_says(&r, "Bob's approval does not count");
    // Rewriting the copied approval's hash to the new request's does not help either.
    let mut forged = approval;
    forged.content_hash = content_hash(&copy);
    copy.approvals = vec![forged];
    let r = report(&copy);
    assert!(!r.publishable);
    assert_says(&r, "does not match Bob's key");
}

#[test]
fn attack_change_edited_after_approval() {
    let mut c = rollout_change("cr");
    c.approvals.push(approve("bob", &c));
    c.entities[0].after = Some(flag(env(true, rollout(100))));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Bob's approval was for an earlier version of this change",
    );
    // Bob looks again and approves the new version: it counts, and the old note goes away.
    c.approvals.push(approve("bob", &c));
    let r = report(&c);
    assert!(r.publishable);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn attack_two_approvals_from_one_person_counted_as_two() {
    let mut p = policy();
    p.rules[0].require.approvals = 2;
    let mut c = rollout_change("cr");
    c.approvals.push(approve("bob", &c));
    c.approvals.push(sign(
        &key(2),
        "bob",
        &c,
        Decision::Approve,
        "2026-11-21T10:00:00Z",
        None,
    ));
    let r = report_under(&p, &people(), &c);
    assert!(!r.publishable);
    assert_eq!(r.rules[0].approved_by, ["bob"]);
    assert_says(&r, "needs 1 more approval from Release managers");
    assert_says(&r, "Bob approved more than once; it counts once.");
}

#[test]
fn attack_policy_weakened_in_the_change_that_uses_it() {
    // Alice drops the production rule and raises the rollout in one request, and Dan approves.
    let old = policy();
    let mut weak = old.clone();
    weak.rules.clear();
    let mut c = rollout_change("cr");
    c.entities.push(entity(
        "policy.json",
        Some(serde_json::to_value(&old).unwrap()),
        Some(serde_json::to_value(&weak).unwrap()),
    ));
    c.approvals.push(approve("dan", &c));
    // Judged by the policy in force at its base, as callers must: both rules apply.
    let r = report_under(&old, &people(), &c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Production: needs 1 more approval from Release managers.",
    );
    assert_says(
        &r,
        "Governance: needs 2 more approvals from Release managers.",
    );
    // Judged by the policy it proposes it would pass: that is why the policy is a parameter.
    assert!(report_under(&weak, &people(), &c).publishable);
}

#[test]
fn attack_person_added_without_approval() {
    let eve_key = key(5);
    let eve = Person {
        id: "eve".into(),
        name: "Eve".into(),
        email: "eve@example.com".into(),
        public_key: public_key_text(&eve_key.verifying_key()),
    };
    let mut c = change(
        "cr",
        vec![entity(
            "people/eve.json",
            None,
            Some(serde_json::to_value(&eve).unwrap()),
        )],
    );
    c.author = "eve".into();
    // Eve approves her own arrival; she is not a person at the base, so it cannot count.
    c.approvals
        .push(sign(&eve_key, "eve", &c, Decision::Approve, AT, None));
    let r = report(&c);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Governance: needs 2 more approvals from Release managers.",
    );
    assert_says(
        &r,
        "The decision signed as 'eve' does not count: no such person in this project.",
    );
    c.approvals.push(approve("bob", &c));
    c.approvals.push(approve("carol", &c));
    assert!(report(&c).publishable);
}

// ---------------------------------------------------------------------------------------------
// Emergency changes

fn kill_switch() -> ChangeRequest {
    let mut c = prod_change(env(true, rollout(50)), env(false, rollout(50)));
    c.emergency = Some(EmergencyReason {
        reason: "Checkout errors at 12 %".into(),
    });
    c
}

#[test]
fn an_emergency_kill_switch_publishes_without_approval() {
    let r = report(&kill_switch());
    assert!(r.publishable, "{r:#?}");
    assert!(r.emergency);
    assert_says(&r, "Emergency change");
}

#[test]
fn emergencies_need_a_reason_the_policys_consent_and_lower_exposure() {
    let mut c = kill_switch();
    c.emergency = Some(EmergencyReason {
        reason: "  ".into(),
    });
    let r = report(&c);
    assert!(!r.publishable && !r.emergency);
    assert_says(&r, "needs a reason");

    let mut p = policy();
    p.emergency = None;
    let r = report_under(&p, &people(), &kill_switch());
    assert!(!r.publishable);
    assert_says(&r, "does not allow emergency changes");

    p.emergency = Some(EmergencyPolicy {
        allowed: true,
        environments: Some(vec!["development".into()]),
    });
    let r = report_under(&p, &people(), &kill_switch());
    assert!(!r.publishable);
    assert_says(&r, "only in development, not in production");

    let mut raise = rollout_change("cr");
    raise.emergency = Some(EmergencyReason {
        reason: "trust me".into(),
    });
    let r = report(&raise);
    assert!(!r.publishable);
    assert_says(
        &r,
        "Not an emergency change: Flag 'new-checkout' in production: the new fallthrough does not only lower exposure.",
    );

    let mut rejected = kill_switch();
    rejected.approvals.push(reject("bob", &rejected));
    assert!(
        !report(&rejected).publishable,
        "a rejection still blocks an emergency"
    );
}

// ---------------------------------------------------------------------------------------------
// Validation and files

fn codes(diags: &[crate::diag::Diagnostic]) -> Vec<(Code, &str)> {
    diags.iter().map(|d| (d.code, d.pointer.as_str())).collect()
}

#[test]
fn files_round_trip_canonically() {
    let mut c = rollout_change("cr-1");
    c.approvals.push(approve("bob", &c));
    let text = to_canonical_json(&c);
    let back: ChangeRequest = crate::format::parse("changes/cr-1.json", text.as_bytes()).unwrap();
    assert_eq!(back, c);
    assert_eq!(to_canonical_json(&back), text);
    assert!(
        text.starts_with("{\n  \"id\": \"cr-1\",\n  \"title\""),
        "{text}"
    );
    let p = to_canonical_json(&policy());
    let back: Policy = crate::format::parse("policy.json", p.as_bytes()).unwrap();
    assert_eq!(back, policy());
    assert!(
        crate::format::parse::<Person>(
            "people/x.json",
            br#"{"id":"x","name":"X","email":"x@y","publicKey":"k","extra":1}"#
        )
        .is_err()
    );
}

#[test]
fn a_person_is_checked() {
    assert!(check_person("people/bob.json", &people()[1]).is_empty());
    let mut p = people()[1].clone();
    p.public_key = "ed25519:AAAA".into();
    p.email = "bob".into();
    assert_eq!(
        codes(&check_person("people/robert.json", &p)),
        [
            (Code::FileNameMismatch, "/id"),
            (Code::InvalidPublicKey, "/publicKey"),
            (Code::InvalidStructure, "/email")
        ]
    );
    p.id = "Bob".into();
    assert_eq!(
        codes(&check_person("people/Bob.json", &p))[0],
        (Code::InvalidKey, "/id")
    );
}

#[test]
fn a_policy_is_checked() {
    let ids = people().into_iter().map(|p| p.id).collect();
    assert!(check_policy(&policy(), &ids, Some(&project())).is_empty());
    let bad: Policy = serde_json::from_value(json!({
        "groups": [{"key": "rm", "name": "RM", "members": ["bob", "zoe"]}, {"key": "rm", "name": "RM2", "members": []}],
        "rules": [
            {"name": "A", "when": {"environments": ["prod"]}, "require": {"approvals": 0, "from": ["group:nope", "person:zoe", "everyone"]}},
            {"name": "A", "require": {"approvals": 3, "from": ["group:rm"]}}
        ],
        "emergency": {"allowed": true, "environments": ["prod"]}
    })).unwrap();
    assert_eq!(
        codes(&check_policy(&bad, &ids, Some(&project()))),
        [
            (Code::UnknownPerson, "/groups/0/members/1"),
            (Code::DuplicateKey, "/groups/1/key"),
            (Code::UnknownEnvironment, "/rules/0/when/environments/0"),
            (Code::InvalidRequirement, "/rules/0/require/approvals"),
            (Code::UnknownGroup, "/rules/0/require/from/0"),
            (Code::UnknownPerson, "/rules/0/require/from/1"),
            (Code::InvalidRequirement, "/rules/0/require/from/2"),
            (Code::DuplicateKey, "/rules/1/name"),
            (Code::InvalidRequirement, "/rules/1/require/approvals"),
            (Code::UnknownEnvironment, "/emergency/environments/0"),
        ]
    );
}

#[test]
fn a_change_request_is_checked() {
    let ids = people().into_iter().map(|p| p.id).collect();
    let mut c = rollout_change("cr-1");
    c.approvals.push(approve("bob", &c));
    assert!(check_change("changes/cr-1.json", &c, &ids).is_empty());
    let mut bad = c.clone();
    bad.author = "zoe".into();
    bad.entities
        .push(entity("dist/production.flagd.json", None, Some(json!({}))));
    bad.entities
        .push(entity("flags/other.json", Some(json!(1)), Some(json!(1))));
    bad.entities
        .push(entity("flags/new-checkout.json", None, None));
    bad.entities.push(entity(
        "segments/beta.json",
        None,
        Some(json!({"key": "gamma", "name": "G"})),
    ));
    bad.approvals[0].content_hash = "sha256:XYZ".into();
    bad.approvals[0].at = "yesterday".into();
    bad.emergency = Some(EmergencyReason {
        reason: String::new(),
    });
    assert_eq!(
        codes(&check_change("changes/cr-2.json", &bad, &ids)),
        [
            (Code::FileNameMismatch, "/id"),
            (Code::UnknownPerson, "/author"),
            (Code::InvalidChangeEntity, "/entities/1/path"),
            (Code::InvalidChangeEntity, "/entities/2"),
            (Code::InvalidStructure, "/entities/2/before"),
            (Code::InvalidStructure, "/entities/2/after"),
            (Code::DuplicateKey, "/entities/3/path"),
            (Code::InvalidChangeEntity, "/entities/3"),
            (Code::FileNameMismatch, "/entities/4/after"),
            (Code::InvalidApproval, "/approvals/0/contentHash"),
            (Code::InvalidDatetime, "/approvals/0/at"),
            (Code::MissingReason, "/emergency/reason"),
        ]
    );
}

#[test]
fn governance_files_are_read_together_and_a_broken_one_hides_nothing() {
    let mut c = signed_by_author(&rollout_change("cr-1"));
    c.approvals.push(approve("bob", &c));
    let mut files: Vec<SourceFile> = people()
        .iter()
        .map(|p| SourceFile::new(format!("people/{}.json", p.id), to_canonical_json(p)))
        .collect();
    files.push(SourceFile::new("policy.json", to_canonical_json(&policy())));
    files.push(SourceFile::new("changes/cr-1.json", to_canonical_json(&c)));
    files.push(SourceFile::new("changes/broken.json", "{\"id\": "));
    files.push(SourceFile::new("flags/new-checkout.json", "not governance"));
    let g = check_governance(&files, Some(&project()));
    assert_eq!(g.people.len(), 4);
    assert!(g.policy.is_some());
    assert_eq!(g.changes.len(), 1);
    assert_eq!(codes(&g.diagnostics), [(Code::MalformedJson, "")]);
    assert_eq!(g.diagnostics[0].file, "changes/broken.json");
    // And what was read evaluates as the change it is.
    let r = evaluate(
        g.policy.as_ref().unwrap(),
        &g.people,
        &g.changes[0],
        &touched(&g.changes[0], &project()),
    );
    assert!(r.publishable);
}

// ---------------------------------------------------------------------------------------------
// Evaluation against a reference model, on random histories of decisions.

#[derive(Debug, Clone, Copy)]
enum Forgery {
    Honest,
    /// Signed by Dan's key in the signer's name.
    WrongKey,
    /// Signed over an earlier version of the request.
    Stale,
}

fn entry() -> impl Strategy<Value = (usize, bool, Forgery)> {
    (
        0usize..4,
        any::<bool>(),
        prop_oneof![
            4 => Just(Forgery::Honest),
            1 => Just(Forgery::WrongKey),
            1 => Just(Forgery::Stale)
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Counted approvals are exactly the distinct eligible non-authors whose last honest decision
    /// is to approve; a change is publishable exactly when there are enough and no eligible
    /// person's last honest decision is to reject.
    #[test]
    fn evaluation_matches_a_reference_model(
        entries in proptest::collection::vec(entry(), 0..8),
        required in 1u32..=2,
    ) {
        let ids = ["alice", "bob", "carol", "dan"];
        let mut p = policy();
        p.rules[0].require.approvals = required;
        let mut c = rollout_change("cr");
        let mut earlier = c.clone();
        earlier.title = "An earlier title".into();
        let mut last: std::collections::BTreeMap<&str, bool> = Default::default();
        for (who, approves, forgery) in entries {
            let by = ids[who];
            let decision = if approves { Decision::Approve } else { Decision::Reject };
            let a = match forgery {
                Forgery::Honest => sign(&key(seed_of(by)), by, &c, decision, AT, None),
                Forgery::WrongKey if by != "dan" => sign(&key(4), by, &c, decision, AT, None),
                Forgery::WrongKey => continue,
                Forgery::Stale => sign(&key(seed_of(by)), by, &earlier, decision, AT, None),
            };
            if matches!(forgery, Forgery::Honest) {
                last.insert(by, approves);
            }
            c.approvals.push(a);
        }
        let eligible = |id: &&str| *id == "bob" || *id == "carol";
        let approvers: BTreeSet<&str> =
            last.iter().filter(|(id, ok)| eligible(id) && **ok).map(|(id, _)| *id).collect();
        let rejecters = last.iter().filter(|(id, ok)| eligible(id) && !**ok).count();
        let r = report_under(&p, &people(), &c);
        let counted: BTreeSet<&str> = r.rules[0].approved_by.iter().map(String::as_str).collect();
        prop_assert_eq!(&counted, &approvers);
        prop_assert_eq!(r.rules[0].approved_by.len(), counted.len(), "nobody counts twice");
        let expected = approvers.len() >= required as usize && rejecters == 0;
        prop_assert_eq!(r.publishable, expected, "{:#?}", r);
    }
}

// ---------------------------------------------------------------------------------------------
// Signed authorship.

fn evaluate_as_is(change: &ChangeRequest) -> PolicyReport {
    evaluate(&policy(), &people(), change, &touched(change, &project()))
}

#[test]
fn a_request_its_author_signed_is_publishable_once_approved() {
    let mut c = signed_by_author(&rollout_change("cr-1"));
    c.approvals.push(approve("bob", &c));
    assert!(check_authorship(&people()[0].public_key, &c).is_ok());
    assert!(evaluate_as_is(&c).publishable, "{:#?}", evaluate_as_is(&c));
}

#[test]
fn a_request_without_its_authors_signature_is_refused_with_a_sentence() {
    let mut c = rollout_change("cr-1");
    c.approvals.push(approve("bob", &c));
    let r = evaluate_as_is(&c);
    assert!(!r.publishable);
    assert!(says(&r, "not signed by its author 'alice'"), "{r:#?}");
}

#[test]
fn an_authors_signature_by_another_key_or_on_another_version_is_refused() {
    // Bob writes a request in Alice's name: his key, her name.
    let mut forged = rollout_change("cr-1");
    forged.author_signature = Some(sign_authorship(&key(2), &forged));
    forged.approvals.push(approve("carol", &forged));
    let r = evaluate_as_is(&forged);
    assert!(!r.publishable);
    assert!(says(&r, "does not match 'alice''s key"), "{r:#?}");
    // Signed, then edited by someone else: the signature names the old hash.
    let mut edited = signed_by_author(&rollout_change("cr-1"));
    edited.title = "Something else".into();
    edited.approvals.push(approve("bob", &edited));
    let r = evaluate_as_is(&edited);
    assert!(!r.publishable);
    assert!(says(&r, "does not match"), "{r:#?}");
    // Garbage is a sentence, not a panic.
    let mut garbage = rollout_change("cr-1");
    garbage.author_signature = Some("ed25519:!!".into());
    assert!(says(&evaluate_as_is(&garbage), "not well formed"));
}

#[test]
fn authorship_signs_the_id_so_it_cannot_move_to_another_request() {
    let one = signed_by_author(&rollout_change("cr-1"));
    let mut two = rollout_change("cr-2");
    two.author_signature = one.author_signature.clone();
    assert!(check_authorship(&people()[0].public_key, &two).is_err());
}

#[test]
fn a_newcomers_request_is_checked_against_the_key_it_adds() {
    let erin = person("erin", "Erin", 5);
    let mut c = change(
        "cr-join",
        vec![entity(
            "people/erin.json",
            None,
            Some(serde_json::to_value(&erin).unwrap()),
        )],
    );
    c.author = "erin".into();
    c.author_signature = Some(sign_authorship(&key(5), &c));
    assert!(
        !says(&evaluate_as_is(&c), "signature"),
        "{:#?}",
        evaluate_as_is(&c)
    );
    c.author_signature = Some(sign_authorship(&key(6), &c));
    assert!(says(&evaluate_as_is(&c), "does not match 'erin''s key"));
}
