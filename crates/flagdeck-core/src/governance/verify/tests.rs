//! [`verify_commit`] on hand-built file sets: a parent and a commit, each a list of files.

use serde_json::{Value, json};

use super::{DistCheck, Violation, verify_commit};
use crate::compile::compile_text;
use crate::format::{SourceFile, to_canonical_json};
use crate::governance::model::{ChangeRequest, Decision, Status};
use crate::governance::sign::{public_key_text, sign, sign_authorship, signing_key};
use crate::validate;

const FLAG: &str = "flags/new-checkout.json";
const AT: &str = "2026-11-21T09:00:00Z";

fn seed_of(id: &str) -> u8 {
    match id {
        "alice" => 1,
        "bob" => 2,
        "carol" => 3,
        _ => 9,
    }
}

fn person(id: &str) -> Value {
    json!({"id": id, "name": id, "email": format!("{id}@example.com"),
           "publicKey": public_key_text(&signing_key(&[seed_of(id); 32]).verifying_key())})
}

fn policy() -> Value {
    json!({
        "groups": [{"key": "rm", "name": "Release managers", "members": ["bob", "carol"]}],
        "rules": [
            {"name": "Production", "when": {"environments": ["production"]},
             "require": {"approvals": 2, "from": ["group:rm"]}},
            {"name": "Governance", "when": {"governance": true},
             "require": {"approvals": 2, "from": ["group:rm"]}}
        ],
        "emergency": {"allowed": true}
    })
}

fn project() -> Value {
    json!({"format": 1, "name": "Shop", "environments": [
        {"key": "development", "name": "Development"},
        {"key": "production", "name": "Production"}]})
}

fn flag_with(production_enabled: bool, on: u32) -> Value {
    json!({
        "key": "new-checkout", "name": "New checkout", "type": "boolean", "owner": "alice",
        "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "environments": {
            "development": {"enabled": true, "offVariation": "off", "fallthrough": {"variation": "on"}},
            "production": {"enabled": production_enabled, "offVariation": "off", "fallthrough":
                {"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]}}
        }
    })
}

fn flag(on: u32) -> Value {
    flag_with(true, on)
}

/// A set of files, with `dist/` built or not.
#[derive(Clone)]
struct Tree(Vec<SourceFile>);

impl Tree {
    /// The project at 20 %, three people, the policy, and a fresh `dist/`.
    fn base() -> Self {
        Self(Vec::new())
            .with("flagdeck.json", &project())
            .with("policy.json", &policy())
            .with("people/alice.json", &person("alice"))
            .with("people/bob.json", &person("bob"))
            .with("people/carol.json", &person("carol"))
            .with(FLAG, &flag(20))
            .built()
    }

    fn with(self, path: &str, value: &Value) -> Self {
        self.with_text(path, &to_canonical_json(value))
    }

    fn with_text(mut self, path: &str, text: &str) -> Self {
        self.0.retain(|f| f.path != path);
        self.0.push(SourceFile::new(path, text.as_bytes().to_vec()));
        self
    }

    fn without(mut self, path: &str) -> Self {
        self.0.retain(|f| f.path != path);
        self
    }

    fn with_request(self, cr: &ChangeRequest) -> Self {
        let path = format!("changes/{}.json", cr.id);
        self.with(&path, &serde_json::to_value(cr).unwrap())
    }

    /// `dist/` rebuilt from the project files.
    fn built(mut self) -> Self {
        self.0.retain(|f| !f.path.starts_with("dist/"));
        let checked = validate::check(&self.0);
        let project = checked.project.expect("the test project is valid");
        for (id, env) in project.environments.iter().enumerate() {
            let text = compile_text(&project, id);
            self.0.push(SourceFile::new(
                format!("dist/{}.flagd.json", env.key),
                text.into_bytes(),
            ));
        }
        self
    }
}

/// Built through serde so that a new field of the request is a change here only.
fn request(id: &str, entities: Value) -> ChangeRequest {
    serde_json::from_value(json!({
        "id": id, "title": "Raise the rollout", "author": "alice", "base": "abc",
        "entities": entities, "status": "open"
    }))
    .unwrap()
}

fn rollout_request(to: u32) -> ChangeRequest {
    request(
        "cr-1",
        json!([{"path": FLAG, "before": flag(20), "after": flag(to)}]),
    )
}

fn approve(by: &str, cr: &mut ChangeRequest) {
    let a = sign(
        &signing_key(&[seed_of(by); 32]),
        by,
        cr,
        Decision::Approve,
        AT,
        None,
    );
    cr.approvals.push(a);
}

fn published(mut cr: ChangeRequest) -> ChangeRequest {
    cr.status = Status::Published;
    cr.published = serde_json::from_value(json!({"by": "alice", "at": AT})).unwrap();
    signed_by_author(cr)
}

/// The author's signature over the final content (`authorSignature`): without it no request
/// is publishable.
fn signed_by_author(mut cr: ChangeRequest) -> ChangeRequest {
    let key = signing_key(&[seed_of(&cr.author); 32]);
    cr.author_signature = Some(sign_authorship(&key, &cr));
    cr
}

fn verify(parent: &Tree, commit: &Tree) -> Vec<Violation> {
    verify_commit(&parent.0, &commit.0, DistCheck::WhenChanged)
}

fn lines(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

#[track_caller]
fn assert_says(violations: &[Violation], needle: &str) {
    assert!(
        lines(violations).iter().any(|l| l.contains(needle)),
        "expected {needle:?} in {:#?}",
        lines(violations)
    );
}

/// The publishing commit of an approved rollout request, on `base`.
fn publishing(base: &Tree, cr: ChangeRequest, to: u32) -> Tree {
    base.clone()
        .with(FLAG, &flag(to))
        .with_request(&published(cr))
        .built()
}

fn approved_rollout() -> ChangeRequest {
    let mut cr = rollout_request(50);
    approve("bob", &mut cr);
    approve("carol", &mut cr);
    cr
}

// ---------------------------------------------------------------------------------------------

#[test]
fn an_approved_request_published_with_a_fresh_dist_passes() {
    let base = Tree::base();
    let commit = publishing(&base, approved_rollout(), 50);
    assert_eq!(lines(&verify(&base, &commit)), Vec::<String>::new());
}

#[test]
fn opening_approving_and_commenting_a_request_passes() {
    let base = Tree::base();
    let mut cr = rollout_request(50);
    let opened = base.clone().with_request(&cr);
    assert!(verify(&base, &opened).is_empty());
    approve("bob", &mut cr);
    cr.comments = serde_json::from_value(json!([{"by": "bob", "at": AT, "text": "ok"}])).unwrap();
    let approved = opened.clone().with_request(&cr);
    assert!(verify(&opened, &approved).is_empty());
    // Editing what it changes is allowed too: it voids the approvals by their hash.
    cr.entities[0].after = Some(flag(60));
    let edited = approved.clone().with_request(&cr);
    assert!(verify(&approved, &edited).is_empty());
}

#[test]
fn a_governed_change_without_a_request_is_named_with_its_rule() {
    let base = Tree::base();
    let commit = base.clone().with(FLAG, &flag(100)).built();
    assert_eq!(
        lines(&verify(&base, &commit)),
        [
            "flags/new-checkout.json: production changed without a published change request (the policy rule 'Production' applies)"
        ]
    );
}

#[test]
fn an_ungoverned_change_needs_only_a_fresh_dist() {
    let base = Tree::base();
    let mut dev = flag(20);
    dev["environments"]["development"]["enabled"] = json!(false);
    let commit = base.clone().with(FLAG, &dev);
    // Not rebuilt: dist/development is stale.
    assert_eq!(
        lines(&verify(&base, &commit)),
        [
            "dist/development.flagd.json: differs from a fresh build of this commit's project (edited by hand, or not rebuilt)"
        ]
    );
    assert!(verify(&base, &commit.built()).is_empty());
}

#[test]
fn personas_are_never_governed_and_ask_for_no_build() {
    // Even under a rule that matches every change, adding, editing or deleting a persona needs
    // no change request, and `dist/` (which never holds personas) need not be rebuilt.
    let mut everything = policy();
    everything["rules"][0]["when"] = json!({});
    let base = Tree::base().with("policy.json", &everything);
    let anna = json!({"key": "anna", "name": "Anna", "context": {"targetingKey": "u-1"}});
    let added = base.clone().with("personas/anna.json", &anna);
    assert_eq!(lines(&verify(&base, &added)), Vec::<String>::new());
    let mut moved = anna.clone();
    moved["context"]["targetingKey"] = json!("u-2");
    let edited = added.clone().with("personas/anna.json", &moved);
    assert_eq!(lines(&verify(&added, &edited)), Vec::<String>::new());
    let deleted = edited.clone().without("personas/anna.json");
    assert_eq!(lines(&verify(&edited, &deleted)), Vec::<String>::new());
    // The same rule does hold a flag.
    let flagged = base.clone().with(FLAG, &flag(30)).built();
    assert_eq!(verify(&base, &flagged).len(), 1);
}

#[test]
fn a_request_is_judged_by_the_parents_policy_not_the_one_it_brings() {
    let base = Tree::base();
    let mut weaker = policy();
    weaker["rules"] = json!([]);
    let mut cr = request(
        "cr-1",
        json!([{"path": "policy.json", "before": policy(), "after": weaker},
               {"path": FLAG, "before": flag(20), "after": flag(100)}]),
    );
    approve("bob", &mut cr);
    let commit = base
        .clone()
        .with("policy.json", &weaker)
        .with(FLAG, &flag(100))
        .with_request(&published(cr))
        .built();
    let v = verify(&base, &commit);
    assert_says(
        &v,
        "changes/cr-1.json: published, but the policy and people before this commit do not allow it",
    );
    assert_says(
        &v,
        "Production: needs 1 more approval from Release managers.",
    );
    assert_says(
        &v,
        "Governance: needs 1 more approval from Release managers.",
    );
    // The files themselves are listed by the request, so they are not reported again.
    assert_eq!(v.len(), 1, "{:#?}", lines(&v));
}

#[test]
fn a_person_added_in_the_same_commit_cannot_approve() {
    let base = Tree::base();
    let mut cr = rollout_request(50);
    approve("bob", &mut cr);
    // Mallory joins and approves in the same commit: she is nobody at the parent.
    approve("mallory", &mut cr);
    let commit = publishing(&base, cr, 50).with("people/mallory.json", &person("mallory"));
    let v = verify(&base, &commit);
    assert_says(
        &v,
        "people/mallory.json: a person was added without a published change request (policy.json and people/ are always governed)",
    );
    assert_says(
        &v,
        "The decision signed as 'mallory' does not count: no such person in this project.",
    );
}

#[test]
fn a_request_made_on_another_version_does_not_apply() {
    let base = Tree::base().with(FLAG, &flag(30)).built();
    let commit = publishing(&base, approved_rollout(), 50);
    assert_says(
        &verify(&base, &commit),
        "changes/cr-1.json: its 'before' of flags/new-checkout.json is not that file at the parent commit",
    );
}

#[test]
fn a_request_published_without_its_record_or_with_a_record_but_open_fails() {
    let base = Tree::base();
    let mut cr = published(approved_rollout());
    cr.published = None;
    let commit = base.clone().with(FLAG, &flag(50)).with_request(&cr).built();
    assert_says(
        &verify(&base, &commit),
        "changes/cr-1.json: is published but has no 'published' record",
    );
    let mut cr = published(approved_rollout());
    cr.status = Status::Approved;
    let commit = base.clone().with_request(&cr);
    assert_eq!(
        lines(&verify(&base, &commit)),
        ["changes/cr-1.json: has a 'published' record but its status is not published"]
    );
}

#[test]
fn a_published_request_only_gains_comments_and_is_never_deleted() {
    let base = Tree::base();
    let done = publishing(&base, approved_rollout(), 50);
    let mut cr = published(approved_rollout());
    cr.comments =
        serde_json::from_value(json!([{"by": "bob", "at": AT, "text": "Shipped"}])).unwrap();
    let commented = done.clone().with_request(&cr);
    assert!(verify(&done, &commented).is_empty());
    let deleted = done.clone().without("changes/cr-1.json");
    assert_eq!(
        lines(&verify(&done, &deleted)),
        [
            "changes/cr-1.json: a published change request was deleted; it is the record of what was approved"
        ]
    );
    cr.status = Status::Open;
    cr.published = None;
    let reopened = done.clone().with_request(&cr);
    assert_says(&verify(&done, &reopened), "was already published");
}

#[test]
fn an_unreadable_request_is_reported() {
    let base = Tree::base();
    let commit = base.clone().with_text("changes/cr-1.json", "{\"id\": ");
    assert_says(
        &verify(&base, &commit),
        "changes/cr-1.json: is not a valid change request: This is not valid JSON",
    );
}

#[test]
fn dist_must_hold_exactly_one_fresh_file_per_environment() {
    let base = Tree::base();
    let edited = base
        .clone()
        .with_text("dist/production.flagd.json", "{}\n")
        .without("dist/development.flagd.json")
        .with_text("dist/staging.flagd.json", "{}\n");
    assert_eq!(
        lines(&verify(&base, &edited)),
        [
            "dist/development.flagd.json: is missing; a fresh build of this commit's project writes it",
            "dist/production.flagd.json: differs from a fresh build of this commit's project (edited by hand, or not rebuilt)",
            "dist/staging.flagd.json: belongs to no environment of the project",
        ]
    );
}

#[test]
fn dist_is_checked_when_unchanged_only_when_asked() {
    let stale = Tree::base().with_text("dist/production.flagd.json", "{}\n");
    let comment_only = stale.clone().with_text("README.md", "hello");
    assert!(verify(&stale, &comment_only).is_empty());
    assert_says(
        &verify_commit(&stale.0, &comment_only.0, DistCheck::Always),
        "dist/production.flagd.json: differs from a fresh build",
    );
}

#[test]
fn an_invalid_project_cannot_be_built() {
    let base = Tree::base();
    let commit = base.clone().with_text(FLAG, "{ not json");
    let v = verify(&base, &commit);
    // Unreadable, so it touches every environment: production is governed.
    assert_says(
        &v,
        "flags/new-checkout.json: changed into invalid JSON without a published change request (the policy rule 'Production' applies)",
    );
    assert_says(
        &v,
        "flags/new-checkout.json: does not validate, so dist/ cannot be built: This is not valid JSON",
    );
}

#[test]
fn an_unreadable_policy_at_the_parent_governs_everything() {
    let base = Tree::base().with_text("policy.json", "{ broken");
    let mut dev = flag(20);
    dev["environments"]["development"]["enabled"] = json!(false);
    let commit = base.clone().with(FLAG, &dev).built();
    assert_says(
        &verify(&base, &commit),
        "flags/new-checkout.json: development changed without a published change request (policy.json at the parent commit cannot be read)",
    );
}

#[test]
fn an_emergency_kill_switch_needs_no_approval_where_the_policy_allows_it() {
    let base = Tree::base();
    let mut cr = request(
        "cr-9",
        json!([{"path": FLAG, "before": flag(20), "after": flag_with(false, 20)}]),
    );
    cr.emergency = serde_json::from_value(json!({"reason": "Checkout errors"})).unwrap();
    let commit = base
        .clone()
        .with(FLAG, &flag_with(false, 20))
        .with_request(&published(cr))
        .built();
    assert_eq!(lines(&verify(&base, &commit)), Vec::<String>::new());
}

#[test]
fn a_project_starts_governance_through_a_request_that_adds_its_author() {
    // The parent has a project and no governance; Alice brings herself and a policy.
    let base = Tree(Vec::new())
        .with("flagdeck.json", &project())
        .with(FLAG, &flag(20))
        .built();
    let cr = request(
        "cr-0",
        json!([{"path": "people/alice.json", "before": null, "after": person("alice")},
               {"path": "policy.json", "before": null, "after": {"rules": []}}]),
    );
    let commit = base
        .clone()
        .with("people/alice.json", &person("alice"))
        .with("policy.json", &json!({"rules": []}))
        .with_request(&published(cr));
    assert_eq!(lines(&verify(&base, &commit)), Vec::<String>::new());
    // Without the request, both files are governed changes.
    let bare = base
        .clone()
        .with("people/alice.json", &person("alice"))
        .with("policy.json", &json!({"rules": []}));
    assert_eq!(verify(&base, &bare).len(), 2);
}

#[test]
fn a_root_commit_is_checked_against_nothing() {
    // No parent: files are created; governance files need a request; dist must be fresh.
    let commit = Tree::base();
    let v = verify(&Tree(Vec::new()), &commit);
    assert_says(
        &v,
        "policy.json: the policy was created without a published change request",
    );
    assert_says(
        &v,
        "people/bob.json: a person was added without a published change request",
    );
    assert!(!lines(&v).iter().any(|l| l.starts_with("dist/")), "{v:#?}");
}

#[test]
fn a_flag_file_with_a_bad_name_asks_for_the_build_which_refuses_it() {
    let base = Tree::base();
    let commit = base.clone().with("flags/New_Checkout.json", &flag(100));
    let v = verify(&base, &commit);
    assert!(
        lines(&v).iter().any(|l| l
            .starts_with("flags/New_Checkout.json: does not validate, so dist/ cannot be built")),
        "{v:#?}"
    );
}

#[test]
fn only_json_files_in_changes_are_requests() {
    let base = Tree::base();
    let commit = base
        .clone()
        .with_text("changes/README.md", "How we review\n");
    assert!(verify(&base, &commit).is_empty());
}

#[test]
fn a_file_matches_its_request_as_canonical_json() {
    // The request says 50, the file says 50.0: the same canonical JSON.
    let base = Tree::base();
    let text = to_canonical_json(&flag(50)).replace("\"weight\": 50", "\"weight\": 50.0");
    let commit = base
        .clone()
        .with_text(FLAG, &text)
        .with_request(&published(approved_rollout()))
        .built();
    assert!(text.contains("50.0"));
    assert_eq!(lines(&verify(&base, &commit)), Vec::<String>::new());
}
