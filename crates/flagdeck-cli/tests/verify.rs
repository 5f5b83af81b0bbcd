//! `flagdeck verify --range A..B` on real Git repositories made with the `git` command: an honest
//! history (a change request opened, approved by two release managers with their own ed25519
//! keys, published in one commit with a fresh `dist/`) passes; each tampered history of issue 4's
//! attack list fails with its reason.

use std::path::PathBuf;
use std::process::Output;

use flagdeck_core::governance::sign::public_key_text;
use flagdeck_core::governance::{self, ChangeRequest, Decision, signing_key};
use serde_json::{Value, json};

mod common;
use common::{code, flagdeck, git, out};

const FLAG: &str = "flags/new-checkout.json";
const AT: &str = "2026-11-21T09:00:00Z";

// ---------------------------------------------------------------------------------------------
// People: Alice writes changes; Bob and Carol are release managers; Dan is in no group.

fn seed_of(id: &str) -> u8 {
    match id {
        "alice" => 1,
        "bob" => 2,
        "carol" => 3,
        "dan" => 4,
        _ => 9,
    }
}

fn person(id: &str) -> Value {
    let key = signing_key(&[seed_of(id); 32]);
    let mut name = id.to_owned();
    name[..1].make_ascii_uppercase();
    json!({"id": id, "name": name, "email": format!("{id}@example.com"),
           "publicKey": public_key_text(&key.verifying_key())})
}

/// Production needs two release managers; governance too.
fn policy() -> Value {
    json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob", "carol"]}],
        "rules": [
            {"name": "Production changes", "when": {"environments": ["production"]},
             "require": {"approvals": 2, "from": ["group:release-managers"]}},
            {"name": "Governance", "when": {"governance": true},
             "require": {"approvals": 2, "from": ["group:release-managers"]}}
        ]
    })
}

fn project() -> Value {
    json!({"format": 1, "name": "Shop", "environments": [
        {"key": "development", "name": "Development"},
        {"key": "production", "name": "Production"}]})
}

/// The flag with `on` percent of production on the new checkout.
fn flag(on: u32) -> Value {
    let env = |fallthrough: Value| json!({"enabled": true, "offVariation": "off", "fallthrough": fallthrough});
    json!({
        "key": "new-checkout", "name": "New checkout", "type": "boolean", "owner": "alice",
        "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "environments": {
            "development": env(json!({"variation": "on"})),
            "production": env(json!({"rollout": [
                {"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]}))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Change requests, built in one place so that a new field is a one-line change.

fn change_request(id: &str, base: &str, entities: Value) -> ChangeRequest {
    serde_json::from_value(json!({
        "id": id, "title": "Raise the new checkout in production", "author": "alice",
        "base": base, "entities": entities, "status": "open"
    }))
    .unwrap()
}

/// The rollout in production from 20 % to `to` %.
fn rollout_request(id: &str, base: &str, to: u32) -> ChangeRequest {
    change_request(
        id,
        base,
        json!([{"path": FLAG, "before": flag(20), "after": flag(to)}]),
    )
}

/// `by`'s approval of `cr`, signed with `signer`'s key.
fn approval_signed_by(signer: &str, by: &str, cr: &ChangeRequest) -> governance::Approval {
    let key = signing_key(&[seed_of(signer); 32]);
    governance::sign(&key, by, cr, Decision::Approve, AT, None)
}

fn approve(by: &str, cr: &mut ChangeRequest) {
    let approval = approval_signed_by(by, by, cr);
    cr.approvals.push(approval);
}

fn published(mut cr: ChangeRequest) -> ChangeRequest {
    cr.status = governance::Status::Published;
    cr.published = serde_json::from_value(json!({"by": "alice", "at": AT})).unwrap();
    signed_by_author(cr)
}

/// The author's signature over the final content (`authorSignature`): without it no request
/// is publishable.
fn signed_by_author(mut cr: ChangeRequest) -> ChangeRequest {
    let key = signing_key(&[seed_of(&cr.author); 32]);
    cr.author_signature = Some(governance::sign_authorship(&key, &cr));
    cr
}

// ---------------------------------------------------------------------------------------------
// A repository made with the git command.

struct Repo {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    /// The commit with the project, people and policy: the start of every range.
    base: String,
}

impl Repo {
    /// Alice, Bob, Carol and Dan, the policy, the project at 20 % in production and its `dist/`.
    fn new() -> Self {
        Self::at(false)
    }

    /// With `nested`, the repository's top is one folder above the project.
    fn at(nested: bool) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shop");
        std::fs::create_dir_all(&dir).unwrap();
        let top = if nested { tmp.path() } else { dir.as_path() };
        git(top, &["init", "-q", "-b", "main"]);
        git(&dir, &["config", "user.name", "Alice"]);
        git(&dir, &["config", "user.email", "alice@example.com"]);
        let mut repo = Self {
            tmp,
            dir,
            base: String::new(),
        };
        repo.write("flagdeck.json", &project());
        repo.write("policy.json", &policy());
        for id in ["alice", "bob", "carol", "dan"] {
            repo.write(&format!("people/{id}.json"), &person(id));
        }
        repo.write(FLAG, &flag(20));
        repo.build();
        repo.base = repo.commit("The shop project, its people and policy");
        repo
    }

    fn write(&self, path: &str, value: &Value) {
        let text = serde_json::to_string_pretty(value).unwrap() + "\n";
        self.write_text(path, &text);
    }

    fn write_text(&self, path: &str, text: &str) {
        let full = self.dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    fn write_request(&self, cr: &ChangeRequest) {
        self.write(
            &format!("changes/{}.json", cr.id),
            &serde_json::to_value(cr).unwrap(),
        );
    }

    /// `flagdeck build`: `dist/` as a fresh build of the working folder.
    fn build(&self) {
        let o = flagdeck(&["build", self.dir.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", out(&o));
    }

    fn commit(&self, message: &str) -> String {
        git(&self.dir, &["add", "-A"]);
        git(&self.dir, &["commit", "-q", "--allow-empty", "-m", message]);
        git(&self.dir, &["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// The publishing commit of GOV §1: the entities' `after`, the request published, `dist/`
    /// rebuilt.
    fn publish(&self, cr: ChangeRequest, files: &[(&str, Value)]) -> String {
        for (path, value) in files {
            self.write(path, value);
        }
        let title = cr.title.clone();
        let id = cr.id.clone();
        self.write_request(&published(cr));
        self.build();
        self.commit(&format!("Publish {id}: {title}"))
    }

    fn verify(&self, extra: &[&str]) -> Output {
        let range = format!("{}..HEAD", self.base);
        let mut args = vec!["verify", self.dir.to_str().unwrap(), "--range", &range];
        args.extend_from_slice(extra);
        flagdeck(&args)
    }

    /// Verifies the range and asserts it fails, saying every one of `needles`.
    fn refused(&self, needles: &[&str]) -> String {
        let o = self.verify(&[]);
        let text = out(&o);
        assert_eq!(code(&o), 1, "verify must fail:\n{text}");
        for needle in needles {
            assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
        }
        text
    }
}

/// The honest history: opened, approved by Bob then Carol (each in their own commit), published.
fn honest(repo: &Repo) -> String {
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    repo.write_request(&cr);
    repo.commit("Open cr-1");
    approve("bob", &mut cr);
    repo.write_request(&cr);
    repo.commit("Bob approves cr-1");
    approve("carol", &mut cr);
    repo.write_request(&cr);
    repo.commit("Carol approves cr-1");
    repo.publish(cr, &[(FLAG, flag(50))])
}

// ---------------------------------------------------------------------------------------------
// The honest history passes.

#[test]
fn an_honest_history_passes() {
    let repo = Repo::new();
    honest(&repo);
    let o = repo.verify(&[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Verified 4 commits"), "{}", out(&o));

    let o = repo.verify(&["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ok"], json!(true));
    assert_eq!(report["commits"], json!(4));
    assert_eq!(report["violations"], json!([]));
}

#[test]
fn an_empty_range_still_checks_dist_at_its_end() {
    let repo = Repo::new();
    honest(&repo);
    // HEAD..HEAD has no commit: only dist/ at HEAD is checked.
    let o = flagdeck(&[
        "verify",
        repo.dir.to_str().unwrap(),
        "--range",
        "HEAD..HEAD",
    ]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    repo.write_text("dist/production.flagd.json", "{}\n");
    repo.commit("Hand edit");
    let o = flagdeck(&[
        "verify",
        repo.dir.to_str().unwrap(),
        "--range",
        "HEAD..HEAD",
    ]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(out(&o).contains("dist/production.flagd.json: differs from a fresh build"));
}

// ---------------------------------------------------------------------------------------------
// Each attack of issue 4 fails, with its reason.

#[test]
fn a_hand_edited_production_rollout_without_a_change_request_fails() {
    let repo = Repo::new();
    repo.write(FLAG, &flag(100));
    repo.build();
    let commit = repo.commit("Roll out to everyone");
    let text = repo.refused(&[
        "flags/new-checkout.json: production changed without a published change request (the policy rule 'Production changes' applies)",
    ]);
    assert!(text.contains(&commit[..10]), "the commit is named:\n{text}");

    let o = repo.verify(&["--format", "json"]);
    assert_eq!(code(&o), 1);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ok"], json!(false));
    assert_eq!(
        report["violations"],
        json!([{"commit": &commit[..10], "file": FLAG,
                "message": "production changed without a published change request (the policy rule 'Production changes' applies)"}])
    );
}

#[test]
fn an_approval_by_the_author_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("alice", &mut cr);
    approve("bob", &mut cr);
    repo.publish(cr, &[(FLAG, flag(50))]);
    repo.refused(&[
        "changes/cr-1.json: published, but the policy and people before this commit do not allow it",
        "needs 1 more approval from Release managers",
        "Alice can't approve their own change",
    ]);
}

#[test]
fn an_approval_signed_with_another_persons_key_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr);
    // Bob signs in Carol's name with his own key.
    let forged = approval_signed_by("bob", "carol", &cr);
    cr.approvals.push(forged);
    repo.publish(cr, &[(FLAG, flag(50))]);
    repo.refused(&[
        "needs 1 more approval from Release managers",
        "Carol's approval does not count: its signature does not match Carol's key",
    ]);
}

#[test]
fn an_approval_by_someone_outside_the_required_group_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr);
    approve("dan", &mut cr);
    repo.publish(cr, &[(FLAG, flag(50))]);
    repo.refused(&[
        "needs 1 more approval from Release managers",
        "Dan's approval does not count for 'Production changes': Dan is not one of Release managers",
    ]);
}

#[test]
fn an_approval_copied_from_another_change_request_fails() {
    let repo = Repo::new();
    // cr-1 is approved by both; cr-2, the same change, gets copies of their approvals.
    let mut cr1 = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr1);
    approve("carol", &mut cr1);
    repo.write_request(&cr1);
    repo.commit("Open cr-1, approved");
    let mut cr2 = rollout_request("cr-2", &repo.base, 50);
    cr2.approvals.clone_from(&cr1.approvals);
    repo.publish(cr2, &[(FLAG, flag(50))]);
    repo.refused(&[
        "changes/cr-2.json: published, but",
        "needs 2 more approvals from Release managers",
        "Bob's approval does not count: its signature does not match Bob's key for this change request",
    ]);
}

#[test]
fn a_change_request_edited_after_approval_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr);
    approve("carol", &mut cr);
    repo.write_request(&cr);
    repo.commit("Open cr-1, approved");
    // Then 50 % becomes 100 %, keeping the approvals.
    cr.entities[0].after = Some(flag(100));
    repo.publish(cr, &[(FLAG, flag(100))]);
    repo.refused(&[
        "needs 2 more approvals from Release managers",
        "Bob's approval was for an earlier version of this change",
    ]);
}

#[test]
fn a_policy_weakened_and_used_in_the_same_commit_fails() {
    let repo = Repo::new();
    // One approval would be enough under the policy the request brings along.
    let mut weaker = policy();
    weaker["rules"][0]["require"]["approvals"] = json!(1);
    weaker["rules"][1]["require"]["approvals"] = json!(1);
    let mut cr = change_request(
        "cr-1",
        &repo.base,
        json!([{"path": "policy.json", "before": policy(), "after": weaker},
               {"path": FLAG, "before": flag(20), "after": flag(100)}]),
    );
    approve("bob", &mut cr);
    repo.publish(cr, &[("policy.json", weaker), (FLAG, flag(100))]);
    repo.refused(&[
        "changes/cr-1.json: published, but the policy and people before this commit do not allow it",
        "Production changes: needs 1 more approval from Release managers",
        "Governance: needs 1 more approval from Release managers",
    ]);
}

#[test]
fn a_weakened_policy_without_a_change_request_fails_too() {
    let repo = Repo::new();
    let mut weaker = policy();
    weaker["rules"].as_array_mut().unwrap().remove(0);
    repo.write("policy.json", &weaker);
    repo.write(FLAG, &flag(100));
    repo.build();
    repo.commit("Loosen the policy and roll out");
    repo.refused(&[
        "policy.json: the policy was changed without a published change request (policy.json and people/ are always governed)",
        "flags/new-checkout.json: production changed without a published change request (the policy rule 'Production changes' applies)",
    ]);
}

#[test]
fn a_person_added_without_approval_fails() {
    let repo = Repo::new();
    repo.write("people/mallory.json", &person("mallory"));
    repo.commit("Add Mallory");
    repo.refused(&[
        "people/mallory.json: a person was added without a published change request (policy.json and people/ are always governed)",
    ]);
}

#[test]
fn a_hand_edited_dist_file_fails() {
    let repo = Repo::new();
    let path = repo.dir.join("dist/production.flagd.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"on\"", "\"off\"")).unwrap();
    repo.commit("Tweak production's flagd file");
    repo.refused(&[
        "dist/production.flagd.json: differs from a fresh build of this commit's project",
    ]);
}

#[test]
fn two_approvals_from_one_person_count_once() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr);
    approve("bob", &mut cr);
    repo.publish(cr, &[(FLAG, flag(50))]);
    repo.refused(&[
        "needs 1 more approval from Release managers",
        "Bob approved more than once; it counts once",
    ]);
}

// ---------------------------------------------------------------------------------------------
// More ways around the rules.

#[test]
fn a_request_marked_published_without_its_change_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    approve("bob", &mut cr);
    approve("carol", &mut cr);
    // Published, but the flag is left alone; then a later commit edits it by hand.
    repo.publish(cr, &[]);
    repo.write(FLAG, &flag(50));
    repo.build();
    repo.commit("Apply cr-1 by hand");
    repo.refused(&[
        "changes/cr-1.json: its 'after' of flags/new-checkout.json is not what this commit has",
        "flags/new-checkout.json: production changed without a published change request",
    ]);
}

#[test]
fn a_removed_rejection_fails() {
    let repo = Repo::new();
    let mut cr = rollout_request("cr-1", &repo.base, 50);
    let key = signing_key(&[seed_of("carol"); 32]);
    let rejection = governance::sign(&key, "carol", &cr, Decision::Reject, AT, None);
    cr.approvals.push(rejection);
    repo.write_request(&cr);
    repo.commit("Carol rejects cr-1");
    cr.approvals.clear();
    approve("bob", &mut cr);
    approve("carol", &mut cr);
    repo.write_request(&cr);
    repo.commit("Rewrite cr-1's decisions");
    repo.refused(&["changes/cr-1.json: an earlier approval or rejection was removed or altered"]);
}

#[test]
fn a_published_request_cannot_change_afterwards() {
    let repo = Repo::new();
    honest(&repo);
    let path = repo.dir.join("changes/cr-1.json");
    let mut cr: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    cr["title"] = json!("Something else");
    repo.write("changes/cr-1.json", &cr);
    repo.commit("Retitle a published request");
    repo.refused(&[
        "changes/cr-1.json: was already published; after publication only comments may be added",
    ]);
}

#[test]
fn ungoverned_changes_need_no_request() {
    let repo = Repo::new();
    // Development is not governed: a change there needs nothing but a fresh dist/.
    let mut dev = flag(20);
    dev["environments"]["development"]["enabled"] = json!(false);
    repo.write(FLAG, &dev);
    repo.build();
    repo.commit("Switch the new checkout off in development");
    let o = repo.verify(&[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
}

#[test]
fn a_project_in_a_subfolder_of_the_repository_is_read_there() {
    let repo = Repo::at(true);
    honest(&repo);
    let o = repo.verify(&[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    repo.write("people/mallory.json", &person("mallory"));
    repo.commit("Add Mallory");
    repo.refused(&["people/mallory.json: a person was added without a published change request"]);
}

#[test]
fn a_merged_branch_is_judged_by_its_net_effect_on_the_first_parent() {
    // The honest flow on a branch, merged with a merge commit: main's first-parent line sees one
    // commit that publishes an approved request.
    let repo = Repo::new();
    git(&repo.dir, &["checkout", "-q", "-b", "feature"]);
    honest(&repo);
    git(&repo.dir, &["checkout", "-q", "main"]);
    git(
        &repo.dir,
        &["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"],
    );
    let o = repo.verify(&[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Verified 1 commit "), "{}", out(&o));

    // A hand edit merged the same way is reported at the merge commit.
    git(&repo.dir, &["checkout", "-q", "-b", "sneaky"]);
    repo.write(FLAG, &flag(100));
    repo.build();
    repo.commit("Roll out to everyone");
    git(&repo.dir, &["checkout", "-q", "main"]);
    git(
        &repo.dir,
        &["merge", "-q", "--no-ff", "-m", "Merge sneaky", "sneaky"],
    );
    let merge = git(&repo.dir, &["rev-parse", "HEAD"]);
    let text = repo.refused(&[
        "flags/new-checkout.json: production changed without a published change request",
    ]);
    assert!(
        text.starts_with(&merge[..10]),
        "the merge commit is named:\n{text}"
    );
}

#[test]
fn a_bad_range_is_a_usage_error() {
    let repo = Repo::new();
    let o = flagdeck(&["verify", repo.dir.to_str().unwrap(), "--range", "HEAD"]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("is not a range"), "{}", out(&o));
    let o = flagdeck(&[
        "verify",
        repo.dir.to_str().unwrap(),
        "--range",
        "nope..HEAD",
    ]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("'nope' is not a commit"), "{}", out(&o));
    let elsewhere = tempfile::tempdir().unwrap();
    let o = flagdeck(&[
        "verify",
        elsewhere.path().to_str().unwrap(),
        "--range",
        "a..b",
    ]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(
        out(&o).contains("is not in a Git repository"),
        "{}",
        out(&o)
    );
}

#[test]
fn a_shallow_clone_says_to_fetch_the_history() {
    let repo = Repo::new();
    honest(&repo);
    let shallow = repo.tmp.path().join("shallow");
    let url = format!("file://{}", repo.dir.display());
    git(
        repo.tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let range = format!("{}..HEAD", repo.base);
    let o = flagdeck(&["verify", shallow.to_str().unwrap(), "--range", &range]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("fetch-depth: 0"), "{}", out(&o));
    // HEAD~1..HEAD names a commit the clone lacks too.
    let o = flagdeck(&[
        "verify",
        shallow.to_str().unwrap(),
        "--range",
        "HEAD~1..HEAD",
    ]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("fetch-depth: 0"), "{}", out(&o));
}
