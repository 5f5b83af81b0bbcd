//! Governance in a folder workspace (a checkout the user edits with any editor, as the CLI's
//! `flagdeck change` does): a governed edit stays in the working folder through plain syncs
//! (merged with what teammates push meanwhile), travels only as a change request, and is
//! published from the checkout in one commit on the remote head, after which the checkout is
//! clean at the remote head, except for an edit made after the request, which stays.

mod support;

use std::path::Path;

use flagdeck_app::{EntityRef, SyncOptions, SyncResult};
use flagdeck_core::format::{SourceFile, to_canonical_json};
use serde_json::{Value, json};
use support::*;

const FLAG: &str = "flags/new-checkout.json";

struct Setup {
    _root: tempfile::TempDir,
    url: String,
    checkout: std::path::PathBuf,
    alice: TestApp,
    bob: TestApp,
    /// Alice's folder workspace and Bob's git workspace.
    wa: i64,
    wb: i64,
}

/// A remote with the example project, Alice and Bob, and a policy where Bob approves production
/// changes; Alice works in a clone of it (a folder workspace), Bob in a git workspace.
fn setup() -> Result<Setup, Box<dyn std::error::Error>> {
    let root = tempfile::tempdir()?;
    let alice = app(&root.path().join("alice-data"), "Alice")?;
    let bob = app(&root.path().join("bob-data"), "Bob")?;
    let mut files = example();
    for (who, id) in [(&alice, "alice"), (&bob, "bob")] {
        let person = who
            .app
            .create_identity(id, id, &format!("{id}@example.com"))?;
        files.push(SourceFile::new(
            format!("people/{id}.json"),
            to_canonical_json(&person),
        ));
    }
    let policy = json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 1, "from": ["group:release-managers"]}}]
    });
    files.push(SourceFile::new("policy.json", to_canonical_json(&policy)));
    let url = seeded_remote(root.path(), &files)?;
    let checkout = root.path().join("alice-checkout");
    git(root.path(), &["clone", "-q", &url, "alice-checkout"])?;
    let wa = alice.app.checkout_workspace(&checkout)?.id;
    let wb = bob.app.create_git_workspace("Shop", &url)?.id;
    Ok(Setup {
        _root: root,
        url,
        checkout,
        alice,
        bob,
        wa,
        wb,
    })
}

fn read_json(dir: &Path, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&std::fs::read(dir.join(path))?)?)
}

/// Edits a file of the checkout as an editor would.
fn edit_file(dir: &Path, path: &str, edit: impl FnOnce(&mut Value)) -> TestResult {
    let mut value = read_json(dir, path)?;
    edit(&mut value);
    std::fs::write(dir.join(path), serde_json::to_string_pretty(&value)?)?;
    Ok(())
}

fn rollout(on: u32) -> Value {
    json!({"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]})
}

fn remote_json(url: &str, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&remote_file(url, path)?)?)
}

fn sync(app: &flagdeck_app::App, ws: i64) -> Result<SyncResult, Box<dyn std::error::Error>> {
    Ok(app.sync(ws, &SyncOptions::default())?.result)
}

#[test]
fn a_governed_edit_in_a_checkout_waits_for_its_change_request_and_is_published_from_there()
-> TestResult {
    let s = setup()?;
    let production = |v: &Value| v["environments"]["production"]["fallthrough"].clone();
    let remote_before = production(&remote_json(&s.url, FLAG)?);
    edit_file(&s.checkout, FLAG, |f| {
        f["environments"]["production"]["fallthrough"] = rollout(30);
    })?;

    // Meanwhile Bob changes the flag's description (no rule governs it) and pushes it.
    let mut flag = s
        .bob
        .app
        .entity(s.wb, &EntityRef::flag("new-checkout"))?
        .json
        .ok_or("flag")?;
    flag["description"] = json!("Bob's words");
    s.bob
        .app
        .save_entity(s.wb, &EntityRef::flag("new-checkout"), &flag)?;
    assert_eq!(sync(&s.bob.app, s.wb)?, SyncResult::Pushed);

    // Alice's plain sync pulls Bob's words into her file and keeps her production edit there,
    // unpushed.
    s.alice.app.checkout_workspace(&s.checkout)?;
    sync(&s.alice.app, s.wa)?;
    let remote = remote_json(&s.url, FLAG)?;
    assert_eq!(
        production(&remote),
        remote_before,
        "a governed edit was pushed"
    );
    assert_eq!(remote["description"], json!("Bob's words"));
    let mine = read_json(&s.checkout, FLAG)?;
    assert_eq!(production(&mine), rollout(30));
    assert_eq!(mine["description"], json!("Bob's words"));
    assert!(
        s.alice
            .app
            .entity(s.wa, &EntityRef::flag("new-checkout"))?
            .has_draft
    );

    // The change request travels (its file in the checkout), the entity does not.
    let view = s.alice.app.create_change_request(
        s.wa,
        "Roll out the new checkout to 30%",
        None,
        &[EntityRef::flag("new-checkout")],
    )?;
    let id = view.request.id.clone();
    let change_path = format!("changes/{id}.json");
    assert!(s.checkout.join(&change_path).is_file());
    assert_eq!(sync(&s.alice.app, s.wa)?, SyncResult::Pushed);
    assert!(remote_file(&s.url, &change_path).is_ok());
    assert_eq!(production(&remote_json(&s.url, FLAG)?), remote_before);

    // Not publishable before Bob approves.
    let refused = s
        .alice
        .app
        .publish(s.wa, &id)
        .err()
        .ok_or("published unapproved")?;
    assert!(
        refused.message.contains("Release managers"),
        "{}",
        refused.message
    );
    sync(&s.bob.app, s.wb)?;
    s.bob.app.approve(s.wb, &id, Some("ok"))?;
    assert_eq!(sync(&s.bob.app, s.wb)?, SyncResult::Pushed);

    let published = s.alice.app.publish(s.wa, &id)?;
    assert_eq!(
        published.message,
        format!("Publish {id}: Roll out the new checkout to 30%")
    );
    let remote = remote_json(&s.url, FLAG)?;
    assert_eq!(production(&remote), rollout(30));
    assert_eq!(remote["description"], json!("Bob's words"));
    assert_eq!(
        remote_json(&s.url, &change_path)?["status"],
        json!("published")
    );
    // The checkout is the published commit, clean, and the app has no draft left.
    let head = git(&s.checkout, &["rev-parse", "HEAD"])?;
    let bare = s.url.strip_prefix("file://").ok_or("url")?;
    assert_eq!(head, git(Path::new(bare), &["rev-parse", "main"])?);
    assert_eq!(head.trim(), published.commit);
    assert_eq!(git(&s.checkout, &["status", "--porcelain"])?, "");
    assert_eq!(
        read_json(&s.checkout, &change_path)?["status"],
        json!("published")
    );
    assert!(
        !s.alice
            .app
            .entity(s.wa, &EntityRef::flag("new-checkout"))?
            .has_draft
    );
    assert!(
        !s.alice
            .app
            .entity(s.wa, &EntityRef::change(id.clone()))?
            .has_draft
    );
    Ok(())
}

#[test]
fn an_edit_made_after_the_request_stays_in_the_checkout_when_the_request_is_published() -> TestResult
{
    let s = setup()?;
    edit_file(&s.checkout, FLAG, |f| {
        f["environments"]["production"]["fallthrough"] = rollout(10);
    })?;
    s.alice.app.checkout_workspace(&s.checkout)?;
    let id = s
        .alice
        .app
        .create_change_request(
            s.wa,
            "Ten percent",
            None,
            &[EntityRef::flag("new-checkout")],
        )?
        .request
        .id;
    sync(&s.alice.app, s.wa)?;
    sync(&s.bob.app, s.wb)?;
    s.bob.app.approve(s.wb, &id, None)?;
    sync(&s.bob.app, s.wb)?;

    // After the approval Alice goes on editing: that edit is not what Bob approved.
    edit_file(&s.checkout, FLAG, |f| {
        f["environments"]["production"]["fallthrough"] = rollout(50);
    })?;
    s.alice.app.checkout_workspace(&s.checkout)?;
    s.alice.app.publish(s.wa, &id)?;
    let remote = remote_json(&s.url, FLAG)?;
    assert_eq!(
        remote["environments"]["production"]["fallthrough"],
        rollout(10)
    );
    let mine = read_json(&s.checkout, FLAG)?;
    assert_eq!(
        mine["environments"]["production"]["fallthrough"],
        rollout(50)
    );
    // HEAD is the published commit; only the later edit shows as a change.
    let bare = s.url.strip_prefix("file://").ok_or("url")?;
    assert_eq!(
        git(&s.checkout, &["rev-parse", "HEAD"])?,
        git(Path::new(bare), &["rev-parse", "main"])?
    );
    assert_eq!(
        git(&s.checkout, &["status", "--porcelain"])?.trim(),
        format!("M {FLAG}")
    );
    assert!(
        s.alice
            .app
            .entity(s.wa, &EntityRef::flag("new-checkout"))?
            .has_draft
    );
    Ok(())
}
