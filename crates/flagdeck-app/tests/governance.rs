//! Governance through the app (issue 4): three people, each with their own app, data folder
//! and keyring (a `MemorySecretStore`), and one bare remote. Alice writes a production rollout
//! change; Bob and Carol are release managers; the policy wants one of them to approve any
//! production change. The change goes from draft to published through the app's own calls, and
//! the attacks the app can see are refused with sentences.

mod support;

use flagdeck_app::{AuditFormat, EntityRef, ErrorCode, SyncOptions, SyncResult};
use flagdeck_core::format::{SourceFile, to_canonical_json};
use flagdeck_core::governance::{Decision, Person, Status, sign};
use serde_json::{Value, json};
use support::*;

const ROLLOUT_FLAG: &str = "new-checkout";

fn policy() -> Value {
    json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob", "carol"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 1, "from": ["group:release-managers"]}}]
    })
}

struct Team {
    _root: tempfile::TempDir,
    url: String,
    alice: TestApp,
    bob: TestApp,
    carol: TestApp,
    dan: TestApp,
    /// Workspace ids, in the same order.
    ws: [i64; 4],
}

/// Four apps with identities; a remote holding the example project, the policy and the people
/// entries of Alice, Bob, Carol and Dan (who is in no group).
fn team() -> Result<Team, Box<dyn std::error::Error>> {
    team_with(&policy())
}

fn team_with(policy: &Value) -> Result<Team, Box<dyn std::error::Error>> {
    let root = tempfile::tempdir()?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let carol = app(&root.path().join("carol"), "Carol")?;
    let dan = app(&root.path().join("dan"), "Dan")?;
    let mut files = example();
    for (who, id) in [
        (&alice, "alice"),
        (&bob, "bob"),
        (&carol, "carol"),
        (&dan, "dan"),
    ] {
        let person = who
            .app
            .create_identity(id, &capitalized(id), &format!("{id}@example.com"))?;
        files.push(SourceFile::new(
            format!("people/{id}.json"),
            to_canonical_json(&person),
        ));
    }
    files.push(SourceFile::new("policy.json", to_canonical_json(policy)));
    let url = seeded_remote(root.path(), &files)?;
    let ws = [
        alice.app.create_git_workspace("Shop", &url)?.id,
        bob.app.create_git_workspace("Shop", &url)?.id,
        carol.app.create_git_workspace("Shop", &url)?.id,
        dan.app.create_git_workspace("Shop", &url)?.id,
    ];
    Ok(Team {
        _root: root,
        url,
        alice,
        bob,
        carol,
        dan,
        ws,
    })
}

fn rollout(on: u32) -> Value {
    json!({"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]})
}

/// Alice drafts a production rollout of new-checkout at `on` percent.
fn draft_rollout(t: &Team, on: u32) -> TestResult {
    edit_flag(&t.alice.app, t.ws[0], ROLLOUT_FLAG, |f| {
        f["environments"]["production"]["fallthrough"] = rollout(on);
    })
}

fn remote_json(url: &str, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&remote_file(url, path)?)?)
}

fn sync(app: &flagdeck_app::App, ws: i64) -> Result<SyncResult, Box<dyn std::error::Error>> {
    let report = app.sync(ws, &SyncOptions::default())?;
    Ok(report.result)
}

#[test]
fn a_production_rollout_goes_from_draft_to_published_with_one_release_managers_approval()
-> TestResult {
    let t = team()?;
    let (wa, wb) = (t.ws[0], t.ws[1]);
    draft_rollout(&t, 30)?;

    // A plain sync does not push a governed draft: it waits for a change request.
    sync(&t.alice.app, wa)?;
    let remote_flag = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_ne!(
        remote_flag["environments"]["production"]["fallthrough"],
        rollout(30)
    );
    assert!(
        t.alice
            .app
            .entity(wa, &EntityRef::flag(ROLLOUT_FLAG))?
            .has_draft
    );

    // Alice makes the change request; it is signed by her and needs a release manager.
    let created = t.alice.app.create_change_request(
        wa,
        "Roll the new checkout out to 30 %",
        Some("Error rate flat for a week."),
        &[EntityRef::flag(ROLLOUT_FLAG)],
    )?;
    let id = created.request.id.clone();
    assert!(id.starts_with("cr-"), "{id}");
    assert_eq!(created.status, Status::Open);
    assert!(created.local_only);
    assert!(created.request.author_signature.is_some());
    assert!(!created.report.publishable);
    assert!(
        created
            .report
            .reasons
            .iter()
            .any(|r| r.contains("needs 1 more approval from Release managers")),
        "{:?}",
        created.report.reasons
    );
    // The entity draft stays a draft.
    assert!(
        t.alice
            .app
            .entity(wa, &EntityRef::flag(ROLLOUT_FLAG))?
            .has_draft
    );

    // Publishing now is refused with the policy's words.
    let early = t.alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(early.code, ErrorCode::Refused);
    assert!(
        early.message.contains("needs 1 more approval"),
        "{}",
        early.message
    );

    // The change request travels by sync (the publish attempt's sync already carried it).
    let remote_cr = remote_json(&t.url, &format!("changes/{id}.json"))?;
    assert_eq!(remote_cr["status"], json!("open"));
    let remote_flag = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_ne!(
        remote_flag["environments"]["production"]["fallthrough"],
        rollout(30)
    );

    // Bob pulls it, approves in his clone, and syncs the approval back.
    assert_eq!(sync(&t.bob.app, wb)?, SyncResult::Pulled);
    let seen = t.bob.app.change_request(wb, &id)?;
    assert!(!seen.local_only);
    let approved = t.bob.app.approve(wb, &id, Some("Dashboards look fine"))?;
    assert!(approved.report.publishable, "{:?}", approved.report);
    assert_eq!(approved.status, Status::Approved);
    assert_eq!(sync(&t.bob.app, wb)?, SyncResult::Pushed);

    // Alice publishes: one commit, on top of the remote head.
    let published = t.alice.app.publish(wa, &id)?;
    assert_eq!(
        published.message,
        format!("Publish {id}: Roll the new checkout out to 30 %")
    );
    let bare = t.url.trim_start_matches("file://");
    let head = git(std::path::Path::new(bare), &["rev-parse", "main"])?;
    assert_eq!(head.trim(), published.commit);
    let subject = git(
        std::path::Path::new(bare),
        &["log", "-1", "--format=%s", "main"],
    )?;
    assert_eq!(subject.trim(), published.message);
    // The commit changes exactly the flag, the request and dist/.
    let changed = git(
        std::path::Path::new(bare),
        &["diff", "--name-only", "main~1", "main"],
    )?;
    let changed: Vec<&str> = changed.lines().collect();
    let request_file = format!("changes/{id}.json");
    assert!(changed.contains(&"flags/new-checkout.json"), "{changed:?}");
    assert!(changed.contains(&request_file.as_str()), "{changed:?}");
    assert!(
        changed.contains(&"dist/production.flagd.json"),
        "{changed:?}"
    );
    assert!(
        changed.iter().all(|p| p.starts_with("dist/")
            || *p == "flags/new-checkout.json"
            || *p == request_file),
        "{changed:?}"
    );
    let remote_flag = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_eq!(
        remote_flag["environments"]["production"]["fallthrough"],
        rollout(30)
    );
    let remote_cr = remote_json(&t.url, &format!("changes/{id}.json"))?;
    assert_eq!(remote_cr["status"], json!("published"));
    assert_eq!(remote_cr["published"]["by"], json!("alice"));
    assert!(remote_cr["published"].get("commit").is_none());
    // dist/ is a fresh build of the published project, for every environment.
    let dist = remote_file(&t.url, "dist/production.flagd.json")?;
    assert!(dist.contains("fractional"), "{dist}");
    assert_dist_is_fresh(bare, &published.commit)?;

    // Alice's cache settled: the base is the publishing commit and the drafts are gone.
    assert_eq!(
        t.alice.app.workspace(wa)?.base_commit.as_deref(),
        Some(published.commit.as_str())
    );
    assert!(
        !t.alice
            .app
            .entity(wa, &EntityRef::flag(ROLLOUT_FLAG))?
            .has_draft
    );
    assert_eq!(
        t.alice.app.change_request(wa, &id)?.status,
        Status::Published
    );

    // The audit log has every step, exportable as JSON and CSV.
    let json_export: Value =
        serde_json::from_str(&t.alice.app.export_audit(wa, AuditFormat::Json)?)?;
    let actions: Vec<&str> = json_export
        .as_array()
        .ok_or("not an array")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("change."))
        .collect();
    assert_eq!(actions, ["change.created", "change.published"]);
    let bob_actions = t.bob.app.export_audit(wb, AuditFormat::Csv)?;
    assert!(bob_actions.starts_with("id,at,actor,action,source,details\r\n"));
    assert!(bob_actions.contains(",change.approved,"), "{bob_actions}");
    Ok(())
}

#[test]
fn a_description_change_of_an_ungoverned_field_is_pushed_by_a_plain_sync() -> TestResult {
    let t = team()?;
    let wa = t.ws[0];
    draft_rollout(&t, 40)?;
    edit_flag(&t.alice.app, wa, "banner-color", |f| {
        f["description"] = json!("Only words changed");
    })?;
    assert_eq!(sync(&t.alice.app, wa)?, SyncResult::Pushed);
    let banner = remote_json(&t.url, "flags/banner-color.json")?;
    assert_eq!(banner["description"], json!("Only words changed"));
    let checkout = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_ne!(
        checkout["environments"]["production"]["fallthrough"],
        rollout(40)
    );
    // The governed draft is still there, on the new base.
    assert!(
        t.alice
            .app
            .entity(wa, &EntityRef::flag(ROLLOUT_FLAG))?
            .has_draft
    );
    assert!(
        !t.alice
            .app
            .entity(wa, &EntityRef::flag("banner-color"))?
            .has_draft
    );
    Ok(())
}

#[test]
fn the_author_cannot_approve_their_own_change_and_an_outsiders_approval_does_not_count()
-> TestResult {
    let t = team()?;
    let (wa, wd) = (t.ws[0], t.ws[3]);
    draft_rollout(&t, 30)?;
    let id = t
        .alice
        .app
        .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    let own = t.alice.app.approve(wa, &id, None).unwrap_err();
    assert_eq!(own.code, ErrorCode::Refused);
    assert!(
        own.message.contains("can't approve their own change"),
        "{}",
        own.message
    );
    assert!(
        t.alice
            .app
            .change_request(wa, &id)?
            .request
            .approvals
            .is_empty()
    );
    let own_rejection = t.alice.app.reject(wa, &id, None).unwrap_err();
    assert!(
        own_rejection.message.contains("not among the people"),
        "{}",
        own_rejection.message
    );
    // The workspace's governance files check out.
    let problems = t.alice.app.validate(wa)?;
    assert!(problems.iter().all(|d| !d.is_error()), "{problems:?}");

    sync(&t.alice.app, wa)?;
    sync(&t.dan.app, wd)?;
    let outsider = t.dan.app.approve(wd, &id, None).unwrap_err();
    assert_eq!(outsider.code, ErrorCode::Refused);
    assert!(
        outsider.message.contains("is not one of Release managers"),
        "{}",
        outsider.message
    );

    // Dan writes his approval into the file by hand and syncs it: it still does not count.
    let mut request = t.dan.app.change_request(wd, &id)?.request;
    let (_, dan_key) = t.dan.app.signing_key()?;
    let forged = sign(
        &dan_key,
        "dan",
        &request,
        Decision::Approve,
        "2026-11-21T09:00:00Z",
        None,
    );
    request.approvals.push(forged);
    t.dan.app.save_entity(
        wd,
        &EntityRef::change(id.clone()),
        &serde_json::to_value(&request)?,
    )?;
    assert_eq!(sync(&t.dan.app, wd)?, SyncResult::Pushed);
    let refused = t.alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.contains("Dan's approval does not count"),
        "{}",
        refused.message
    );
    Ok(())
}

#[test]
fn editing_after_approval_voids_the_approval() -> TestResult {
    let t = team()?;
    let (wa, wb) = (t.ws[0], t.ws[1]);
    draft_rollout(&t, 30)?;
    let created =
        t.alice
            .app
            .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?;
    let id = created.request.id.clone();
    sync(&t.alice.app, wa)?;
    sync(&t.bob.app, wb)?;
    assert!(t.bob.app.approve(wb, &id, None)?.report.publishable);
    sync(&t.bob.app, wb)?;
    sync(&t.alice.app, wa)?;
    assert_eq!(
        t.alice.app.change_request(wa, &id)?.status,
        Status::Approved
    );

    // Alice changes the rollout again and updates the request: a new hash, no valid approval.
    draft_rollout(&t, 90)?;
    let updated = t.alice.app.update_change_request(wa, &id)?;
    assert_ne!(updated.report.content_hash, created.report.content_hash);
    assert!(!updated.report.publishable);
    assert_eq!(updated.status, Status::Open);
    assert!(
        updated
            .report
            .notes
            .iter()
            .any(|n| n.contains("was for an earlier version of this change")),
        "{:?}",
        updated.report.notes
    );
    let refused = t.alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.contains("earlier version") && refused.message.contains("Bob"),
        "{}",
        refused.message
    );
    Ok(())
}

#[test]
fn a_change_request_whose_entity_moved_on_the_remote_needs_re_approval() -> TestResult {
    let t = team()?;
    let (wa, wb, wc) = (t.ws[0], t.ws[1], t.ws[2]);
    draft_rollout(&t, 30)?;
    let id = t
        .alice
        .app
        .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    sync(&t.alice.app, wa)?;
    sync(&t.bob.app, wb)?;
    t.bob.app.approve(wb, &id, None)?;
    sync(&t.bob.app, wb)?;

    // Meanwhile Carol publishes her own production change of the same flag.
    sync(&t.carol.app, wc)?;
    edit_flag(&t.carol.app, wc, ROLLOUT_FLAG, |f| {
        f["environments"]["production"]["enabled"] = json!(false);
    })?;
    let carols = t
        .carol
        .app
        .create_change_request(wc, "Switch off", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    sync(&t.carol.app, wc)?;
    sync(&t.bob.app, wb)?;
    t.bob.app.approve(wb, &carols, None)?;
    sync(&t.bob.app, wb)?;
    t.carol.app.publish(wc, &carols)?;

    let refused = t.alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.starts_with("Re-approval needed"),
        "{}",
        refused.message
    );
    assert!(refused.message.contains("flags/new-checkout.json"));
    Ok(())
}

#[test]
fn governance_actions_are_in_the_audit_log_and_withdrawn_requests_stay_withdrawn() -> TestResult {
    let t = team()?;
    let wa = t.ws[0];
    draft_rollout(&t, 30)?;
    let id = t
        .alice
        .app
        .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    t.alice
        .app
        .comment(wa, &id, "Waiting for the dashboards, \"soon\"")?;
    let withdrawn = t.alice.app.withdraw(wa, &id)?;
    assert_eq!(withdrawn.status, Status::Withdrawn);
    assert_eq!(
        t.alice.app.approve(wa, &id, None).unwrap_err().code,
        ErrorCode::Refused
    );
    let refused = t.alice.app.publish(wa, &id).unwrap_err();
    assert!(refused.message.contains("withdrawn"), "{}", refused.message);
    let csv = t.alice.app.export_audit(wa, AuditFormat::Csv)?;
    for action in ["change.created", "change.commented", "change.withdrawn"] {
        assert!(csv.contains(&format!(",{action},")), "{action}: {csv}");
    }
    // The details are JSON text; CSV doubles their quotes inside a quoted field.
    assert!(csv.contains(r#"\""soon\"""#), "{csv}");
    assert_eq!(t.alice.app.change_requests(wa)?.len(), 1);
    Ok(())
}

#[test]
fn an_identity_keeps_its_private_key_only_in_the_keyring() -> TestResult {
    let root = tempfile::tempdir()?;
    let erin = app(root.path(), "Erin")?;
    assert!(erin.app.identity_status()?.person.is_none());
    assert_eq!(
        erin.app.signing_key().unwrap_err().code,
        ErrorCode::IdentityMissing
    );
    let person: Person = erin
        .app
        .create_identity("erin", "Erin", "erin@example.com")?;
    let status = erin.app.identity_status()?;
    assert_eq!(status.person.as_ref(), Some(&person));
    assert!(status.has_signing_key);
    let (id, key) = erin.app.signing_key()?;
    assert_eq!(id, "erin");
    assert_eq!(
        flagdeck_core::governance::sign::public_key_text(&key.verifying_key()),
        person.public_key
    );
    // The data folder never holds the secret bytes (neither raw nor as base64).
    let secret = key.to_bytes();
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
    for entry in walk(root.path()) {
        let bytes = std::fs::read(&entry)?;
        assert!(!contains(&bytes, &secret), "{}", entry.display());
        assert!(!contains(&bytes, encoded.as_bytes()), "{}", entry.display());
    }
    // A second identity would lose the first key: refused.
    assert!(
        erin.app
            .create_identity("erin2", "E", "e@example.com")
            .is_err()
    );
    assert!(erin.app.create_identity("Not A Key", "E", "e").is_err());
    // Two identities made anywhere differ (the bytes come from the OS).
    let other = app(&root.path().join("other"), "Other")?;
    let p2 = other
        .app
        .create_identity("erin", "Erin", "erin@example.com")?;
    assert_ne!(p2.public_key, person.public_key);
    Ok(())
}

#[test]
fn a_new_person_is_proposed_as_a_draft_that_waits_for_a_change_request() -> TestResult {
    // A policy that governs governance: two release managers approve people and policy changes.
    let mut strict = policy();
    strict["rules"].as_array_mut().ok_or("rules")?.push(json!({
        "name": "Governance", "when": {"governance": true},
        "require": {"approvals": 2, "from": ["group:release-managers"]}
    }));
    let t = team_with(&strict)?;
    let root = tempfile::tempdir()?;
    let frank = app(root.path(), "Frank")?;
    let ws = frank.app.create_git_workspace("Shop", &t.url)?.id;
    frank
        .app
        .create_identity("frank", "Frank", "frank@example.com")?;
    let entity = frank.app.propose_person(ws)?;
    assert_eq!(entity, EntityRef::person("frank"));
    let view = frank.app.entity(ws, &entity)?;
    assert!(view.has_draft);
    assert_eq!(
        view.json.as_ref().and_then(|j| j["id"].as_str()),
        Some("frank")
    );
    assert!(view.diagnostics.is_empty(), "{:?}", view.diagnostics);

    // A plain sync keeps it back; a change request (signed with the key it adds) travels.
    sync(&frank.app, ws)?;
    assert!(remote_file(&t.url, "people/frank.json").is_err());
    let request =
        frank
            .app
            .create_change_request(ws, "Add Frank", None, std::slice::from_ref(&entity))?;
    assert!(
        !request
            .report
            .reasons
            .iter()
            .any(|r| r.contains("signature") || r.contains("not a person")),
        "{:?}",
        request.report.reasons
    );
    assert!(
        request
            .report
            .reasons
            .iter()
            .any(|r| r.contains("Governance: needs 2 more approvals")),
        "{:?}",
        request.report.reasons
    );
    assert_eq!(sync(&frank.app, ws)?, SyncResult::Pushed);
    assert!(remote_file(&t.url, &format!("changes/{}.json", request.request.id)).is_ok());
    assert!(remote_file(&t.url, "people/frank.json").is_err());
    assert!(frank.app.entity(ws, &entity)?.has_draft);
    Ok(())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// "alice" → "Alice".
fn capitalized(id: &str) -> String {
    let mut chars = id.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[test]
fn an_emergency_change_is_recorded_and_refused_where_the_policy_allows_none() -> TestResult {
    let t = team()?;
    let wa = t.ws[0];
    edit_flag(&t.alice.app, wa, ROLLOUT_FLAG, |f| {
        f["environments"]["production"]["enabled"] = json!(false);
    })?;
    assert_eq!(
        t.alice
            .app
            .create_emergency_change_request(wa, "Kill it", "  ", &[EntityRef::flag(ROLLOUT_FLAG)])
            .unwrap_err()
            .field
            .as_deref(),
        Some("reason")
    );
    let view = t.alice.app.create_emergency_change_request(
        wa,
        "Kill the new checkout",
        "Payments fail for 3 % of orders",
        &[EntityRef::flag(ROLLOUT_FLAG)],
    )?;
    assert!(!view.report.publishable);
    assert!(
        view.report
            .reasons
            .iter()
            .any(|r| r.contains("the policy does not allow emergency changes")),
        "{:?}",
        view.report.reasons
    );
    let refused = t.alice.app.publish(wa, &view.request.id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    let audit: Value = serde_json::from_str(&t.alice.app.export_audit(wa, AuditFormat::Json)?)?;
    let emergency = audit
        .as_array()
        .ok_or("not an array")?
        .iter()
        .find(|e| e["action"] == json!("change.emergency"))
        .ok_or("no change.emergency entry")?;
    assert_eq!(
        emergency["details"]["emergency"],
        json!("Payments fail for 3 % of orders")
    );
    assert_eq!(emergency["actor"], json!("Alice"));
    Ok(())
}

#[test]
fn an_emergency_kill_switch_publishes_without_approval_where_the_policy_allows_it() -> TestResult {
    let t = team()?;
    let (wa, wb) = (t.ws[0], t.ws[1]);
    // Bob allows emergencies. A policy change never travels by a plain sync; no rule here
    // governs the policy, so his request is publishable at once.
    let mut p = policy();
    p["emergency"] = json!({"allowed": true, "environments": ["production"]});
    t.bob.app.save_entity(wb, &EntityRef::policy(), &p)?;
    assert_eq!(sync(&t.bob.app, wb)?, SyncResult::UpToDate);
    assert!(
        remote_json(&t.url, "policy.json")?
            .get("emergency")
            .is_none()
    );
    let allow =
        t.bob
            .app
            .create_change_request(wb, "Allow emergencies", None, &[EntityRef::policy()])?;
    t.bob.app.publish(wb, &allow.request.id)?;
    sync(&t.alice.app, wa)?;

    edit_flag(&t.alice.app, wa, ROLLOUT_FLAG, |f| {
        f["environments"]["production"]["enabled"] = json!(false);
    })?;
    let view = t.alice.app.create_emergency_change_request(
        wa,
        "Kill the new checkout",
        "Payments fail",
        &[EntityRef::flag(ROLLOUT_FLAG)],
    )?;
    assert!(view.report.publishable, "{:?}", view.report);
    assert!(view.report.emergency);
    let published = t.alice.app.publish(wa, &view.request.id)?;
    let flag = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_eq!(flag["environments"]["production"]["enabled"], json!(false));
    assert!(
        published
            .files
            .contains(&"dist/production.flagd.json".to_owned())
    );
    Ok(())
}

#[test]
fn an_edit_made_after_the_request_stays_a_draft_when_the_approved_version_is_published()
-> TestResult {
    let t = team()?;
    let (wa, wb) = (t.ws[0], t.ws[1]);
    draft_rollout(&t, 30)?;
    let id = t
        .alice
        .app
        .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    sync(&t.alice.app, wa)?;
    sync(&t.bob.app, wb)?;
    t.bob.app.approve(wb, &id, None)?;
    sync(&t.bob.app, wb)?;
    // Alice edits again without updating the request: what Bob approved is what goes out.
    draft_rollout(&t, 60)?;
    t.alice.app.publish(wa, &id)?;
    let flag = remote_json(&t.url, "flags/new-checkout.json")?;
    assert_eq!(
        flag["environments"]["production"]["fallthrough"],
        rollout(30)
    );
    let mine = t.alice.app.entity(wa, &EntityRef::flag(ROLLOUT_FLAG))?;
    assert!(mine.has_draft);
    assert_eq!(
        mine.json
            .as_ref()
            .map(|j| &j["environments"]["production"]["fallthrough"]),
        Some(&rollout(60))
    );
    Ok(())
}

/// Every `dist/<env>.flagd.json` of `commit` equals a fresh build of its project.
fn assert_dist_is_fresh(bare: &str, commit: &str) -> TestResult {
    let repo = flagdeck_sync::GitRepo::open_bare(std::path::Path::new(bare))?;
    let files = repo.read_files(flagdeck_sync::Oid::from_str(commit)?)?;
    let project: Vec<SourceFile> = files
        .iter()
        .filter(|f| {
            f.path == "flagdeck.json"
                || f.path.starts_with("flags/")
                || f.path.starts_with("segments/")
        })
        .cloned()
        .collect();
    let checked = flagdeck_core::validate::check(&project);
    let built = checked.project.ok_or("the published project is invalid")?;
    assert!(!built.environments.is_empty());
    for (env, e) in built.environments.iter().enumerate() {
        let path = format!("dist/{}.flagd.json", e.key);
        let on_remote = files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| format!("{path} is missing"))?;
        let fresh = flagdeck_core::compile::compile_text(&built, env);
        assert_eq!(String::from_utf8_lossy(&on_remote.bytes), fresh, "{path}");
    }
    Ok(())
}

/// Bob or Dan writes `request` as it should travel (a hand-made file synced like any other).
fn push_request_as(
    who: &TestApp,
    ws: i64,
    request: &flagdeck_core::governance::ChangeRequest,
) -> TestResult {
    who.app.save_entity(
        ws,
        &EntityRef::change(request.id.clone()),
        &serde_json::to_value(request)?,
    )?;
    assert_eq!(sync(&who.app, ws)?, SyncResult::Pushed);
    Ok(())
}

#[test]
fn forged_copied_and_doubled_approvals_and_a_self_weakening_policy_are_refused_at_publish()
-> TestResult {
    let two = json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob", "carol"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 2, "from": ["group:release-managers"]}}]
    });
    let t = team_with(&two)?;
    let (wa, wb, wd) = (t.ws[0], t.ws[1], t.ws[3]);
    draft_rollout(&t, 30)?;
    let first = t
        .alice
        .app
        .create_change_request(wa, "Rollout", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    sync(&t.alice.app, wa)?;
    sync(&t.bob.app, wb)?;
    t.bob.app.approve(wb, &first, None)?;
    sync(&t.bob.app, wb)?;
    sync(&t.dan.app, wd)?;

    // Bob's one approval, listed twice: still one person.
    let mut doubled = t.dan.app.change_request(wd, &first)?.request;
    let bobs = doubled.approvals[0].clone();
    doubled.approvals.push(bobs.clone());
    // And an approval "by carol" that Dan signed with his own key.
    let (_, dan_key) = t.dan.app.signing_key()?;
    doubled.approvals.push(sign(
        &dan_key,
        "carol",
        &doubled,
        Decision::Approve,
        "2026-11-21T09:00:00Z",
        None,
    ));
    push_request_as(&t.dan, wd, &doubled)?;
    sync(&t.alice.app, wa)?;
    let refused = t.alice.app.publish(wa, &first).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.contains("needs 1 more approval"),
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains("Carol's approval does not count"),
        "{}",
        refused.message
    );

    // Bob's approval copied onto another request with the same rollout: void there.
    let second = t
        .alice
        .app
        .create_change_request(wa, "Rollout again", None, &[EntityRef::flag(ROLLOUT_FLAG)])?
        .request
        .id;
    sync(&t.alice.app, wa)?;
    sync(&t.dan.app, wd)?;
    let mut copied = t.dan.app.change_request(wd, &second)?.request;
    copied.approvals.push(bobs);
    push_request_as(&t.dan, wd, &copied)?;
    sync(&t.alice.app, wa)?;
    let view = t.alice.app.change_request(wa, &second)?;
    assert!(!view.report.publishable);
    let refused = t.alice.app.publish(wa, &second).unwrap_err();
    assert!(
        refused.message.contains("Bob's approval does not count"),
        "{}",
        refused.message
    );

    // A request that lowers the policy to no approval, alongside the rollout: judged by the
    // policy before it, so it still needs two release managers.
    let weaker = json!({"groups": two["groups"], "rules": []});
    t.alice.app.save_entity(wa, &EntityRef::policy(), &weaker)?;
    let third = t
        .alice
        .app
        .create_change_request(
            wa,
            "Fewer approvals",
            None,
            &[EntityRef::policy(), EntityRef::flag(ROLLOUT_FLAG)],
        )?
        .request
        .id;
    let refused = t.alice.app.publish(wa, &third).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.contains("needs 2 more approvals"),
        "{}",
        refused.message
    );
    assert!(
        remote_json(&t.url, "policy.json")?["rules"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    Ok(())
}

/// Dan goes around the app: clones the remote with the git CLI, lets `edit` change the
/// checkout, commits and pushes. Returns the pushed commit.
fn push_by_hand(
    t: &Team,
    edit: impl FnOnce(&std::path::Path) -> TestResult,
) -> Result<String, Box<dyn std::error::Error>> {
    let root = t._root.path();
    let checkout = root.join("dan-by-hand");
    if checkout.exists() {
        std::fs::remove_dir_all(&checkout)?;
    }
    let bare = t.url.trim_start_matches("file://");
    git(root, &["clone", "-q", bare, "dan-by-hand"])?;
    edit(&checkout)?;
    git(&checkout, &["commit", "-qam", "Quick fix"])?;
    git(&checkout, &["push", "-q", "origin", "HEAD:main"])?;
    Ok(git(&checkout, &["rev-parse", "HEAD"])?.trim().to_owned())
}

#[test]
fn a_production_rollout_pushed_with_plain_git_is_named_by_the_sync_and_blocks_publishing()
-> TestResult {
    let t = team()?;
    let (wa, wb) = (t.ws[0], t.ws[1]);
    // An honest request: Alice asks, Bob approves.
    draft_rollout(&t, 30)?;
    let id = t
        .alice
        .app
        .create_change_request(
            wa,
            "Roll out to 30 %",
            None,
            &[EntityRef::flag(ROLLOUT_FLAG)],
        )?
        .request
        .id;
    assert_eq!(sync(&t.alice.app, wa)?, SyncResult::Pushed);
    sync(&t.bob.app, wb)?;
    assert!(t.bob.app.approve(wb, &id, None)?.report.publishable);
    assert_eq!(sync(&t.bob.app, wb)?, SyncResult::Pushed);
    let bare = std::path::Path::new(t.url.trim_start_matches("file://"));
    let approved = git(bare, &["rev-parse", "main"])?.trim().to_owned();

    // Dan hand-edits the production rollout and pushes it with git: no change request.
    let dans = push_by_hand(&t, |dir| {
        let path = dir.join("flags/new-checkout.json");
        let mut flag: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        flag["environments"]["production"]["fallthrough"] = rollout(100);
        std::fs::write(&path, to_canonical_json(&flag))?;
        Ok(())
    })?;

    // Alice's sync takes it (nobody is locked out) and names it.
    let report = t.alice.app.sync(wa, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Pulled);
    assert_eq!(
        report.governance_violations.len(),
        1,
        "{:?}",
        report.governance_violations
    );
    let found = &report.governance_violations[0];
    assert_eq!(found.file, "flags/new-checkout.json");
    assert!(dans.starts_with(&found.commit), "{} {}", found.commit, dans);
    let as_json = serde_json::to_value(&report)?;
    assert_eq!(
        as_json["governanceViolations"][0]["file"],
        json!("flags/new-checkout.json")
    );
    assert_eq!(t.alice.app.status(wa)?.governance_violations, 1);
    let audit = t.alice.app.audit_log(wa, 50)?;
    let entry = audit
        .iter()
        .find(|e| e.action == "sync.violations")
        .ok_or("no sync.violations audit entry")?;
    assert_eq!(
        entry.details["violations"][0]["file"],
        json!("flags/new-checkout.json")
    );
    // The same, asked of the history directly.
    let ranged = t.alice.app.verify_range(wa, Some(&approved), &dans)?;
    assert!(
        ranged.iter().any(|v| v.file == "flags/new-checkout.json"),
        "{ranged:?}"
    );
    // The app's own commits (Alice's request, Bob's approval) are honest: only dist/, which
    // this repository does not keep, is named.
    let seed = git(bare, &["rev-list", "--max-parents=0", "main"])?
        .trim()
        .to_owned();
    let honest = t.alice.app.verify_range(wa, Some(&seed), &approved)?;
    assert!(
        honest.iter().all(|v| v.file.starts_with("dist/")),
        "{honest:?}"
    );

    // Her honest, approved request is not published on top of it; a sync with nothing new
    // keeps saying so.
    let refused = t.alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(
        refused.message.contains("bypassed governance")
            && refused.message.contains("flags/new-checkout.json"),
        "{}",
        refused.message
    );
    assert_eq!(git(bare, &["rev-parse", "main"])?.trim(), dans);
    assert_eq!(t.alice.app.status(wa)?.governance_violations, 1);
    Ok(())
}

#[test]
fn a_hand_edited_dist_file_pushed_with_plain_git_is_named_by_the_sync() -> TestResult {
    let t = team()?;
    let wa = t.ws[0];
    assert_eq!(sync(&t.alice.app, wa)?, SyncResult::UpToDate);
    assert_eq!(t.alice.app.status(wa)?.governance_violations, 0);
    push_by_hand(&t, |dir| {
        std::fs::create_dir_all(dir.join("dist"))?;
        std::fs::write(
            dir.join("dist/production.flagd.json"),
            r#"{"flags": {"new-checkout": {"value": true}}}"#,
        )?;
        git(dir, &["add", "dist"])?;
        Ok(())
    })?;
    let report = t.alice.app.sync(wa, &SyncOptions::default())?;
    assert!(
        report
            .governance_violations
            .iter()
            .any(|v| v.file == "dist/production.flagd.json"),
        "{:?}",
        report.governance_violations
    );
    assert!(t.alice.app.status(wa)?.governance_violations > 0);
    Ok(())
}
