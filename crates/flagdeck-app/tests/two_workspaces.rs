//! The "done when": two workspaces on one machine, cloned from one bare repository,
//! edit the same flag offline (different fields, and the same field), sync, and end with the
//! disjoint changes merged and the one conflict resolved through the app's own calls.

mod support;

use flagdeck_app::{ConflictChoice, EntityRef, ErrorCode, Kind, SyncOptions, SyncResult};
use serde_json::json;
use support::*;

#[test]
fn disjoint_edits_merge_and_a_same_field_conflict_is_resolved_through_the_app() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let wa = alice.app.create_git_workspace("Acme", &url)?.id;
    let wb = bob.app.create_git_workspace("Acme", &url)?.id;
    assert_eq!(alice.app.list(wa, Kind::Flag)?.len(), 14);

    // Offline, both edit new-checkout: Alice its description and name, Bob a rollout weight
    // (production's rule "eu" serve) and the name too.
    edit_flag(&alice.app, wa, "new-checkout", |f| {
        f["description"] = json!("Alice's description");
        f["name"] = json!("Checkout (Alice)");
    })?;
    edit_flag(&bob.app, wb, "new-checkout", |f| {
        f["tags"] = json!(["checkout", "redesign", "bob"]);
        f["name"] = json!("Checkout (Bob)");
    })?;
    assert_eq!(alice.app.status(wa)?.drafts, 1);

    // Alice syncs first: her commit is pushed.
    let first = alice.app.sync(wa, &SyncOptions::default())?;
    assert_eq!(first.result, SyncResult::Pushed, "{first:?}");
    assert!(
        first
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("new-checkout")
    );
    assert_eq!(alice.app.status(wa)?.drafts, 0);

    // Bob's dry run says what would happen and changes nothing.
    let dry = bob.app.sync(wb, &SyncOptions { dry_run: true })?;
    assert_eq!(dry.result, SyncResult::DryRun);
    assert_eq!(dry.conflicts.len(), 1, "{dry:?}");
    assert!(dry.summary.contains("1 conflict"), "{}", dry.summary);
    assert!(bob.app.conflicts(wb)?.is_empty());

    // Bob syncs: the name is a conflict, recorded; nothing is pushed, his draft stays.
    let second = bob.app.sync(wb, &SyncOptions::default())?;
    assert_eq!(second.result, SyncResult::Conflicts);
    let conflicts = bob.app.conflicts(wb)?;
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.entity, EntityRef::flag("new-checkout"));
    assert_eq!(conflict.path, "/name");
    assert_eq!(conflict.local, Some(json!("Checkout (Bob)")));
    assert_eq!(conflict.remote, Some(json!("Checkout (Alice)")));
    assert_eq!(
        flag(&bob.app, wb, "new-checkout")?["name"],
        json!("Checkout (Bob)")
    );
    assert!(!remote_file(&url, "flags/new-checkout.json")?.contains("bob"));

    // Bob keeps his name; the next sync pushes it with his tag and Alice's description.
    let resolved = bob
        .app
        .resolve_conflict(wb, conflict.id, &ConflictChoice::Local)?;
    assert!(resolved.resolved);
    assert_eq!(bob.app.status(wb)?.open_conflicts, 0);
    let third = bob.app.sync(wb, &SyncOptions::default())?;
    assert_eq!(third.result, SyncResult::Pushed, "{third:?}");
    assert!(bob.app.conflicts(wb)?.is_empty());

    // Alice pulls; both see the same flag: every change survived.
    let fourth = alice.app.sync(wa, &SyncOptions::default())?;
    assert_eq!(fourth.result, SyncResult::Pulled);
    for (who, app, ws) in [("alice", &alice.app, wa), ("bob", &bob.app, wb)] {
        let merged = flag(app, ws, "new-checkout")?;
        assert_eq!(merged["name"], json!("Checkout (Bob)"), "{who}");
        assert_eq!(merged["description"], json!("Alice's description"), "{who}");
        assert_eq!(
            merged["tags"],
            json!(["checkout", "redesign", "bob"]),
            "{who}"
        );
        assert_eq!(app.status(ws)?.drafts, 0, "{who}");
    }
    assert_eq!(
        alice.app.workspace(wa)?.base_commit,
        bob.app.workspace(wb)?.base_commit
    );
    let log = bob.app.audit_log(wb, 10)?;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions[..2],
        ["sync.pushed", "conflict.resolved"],
        "{actions:?}"
    );
    assert_eq!(log[1].actor, "Bob");
    assert_eq!(log[1].details["choice"]["choice"], "local");
    let on_remote = remote_file(&url, "flags/new-checkout.json")?;
    assert!(on_remote.contains("Checkout (Bob)") && on_remote.contains("Alice's description"));
    Ok(())
}

#[test]
fn choosing_the_remote_side_takes_it_and_an_edited_value_wins_over_both() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let wa = alice.app.create_git_workspace("Acme", &url)?.id;
    let wb = bob.app.create_git_workspace("Acme", &url)?.id;
    for (app, ws, who) in [(&alice.app, wa, "A"), (&bob.app, wb, "B")] {
        edit_flag(app, ws, "hero-image", |f| {
            f["description"] = json!(format!("by {who}"))
        })?;
        edit_flag(app, ws, "max-cart-items", |f| {
            f["name"] = json!(format!("Max {who}"))
        })?;
    }
    assert_eq!(
        alice.app.sync(wa, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    assert_eq!(
        bob.app.sync(wb, &SyncOptions::default())?.result,
        SyncResult::Conflicts
    );
    let conflicts = bob.app.conflicts(wb)?;
    assert_eq!(conflicts.len(), 2);
    let by_key = |key: &str| conflicts.iter().find(|c| c.entity.key == key).map(|c| c.id);
    bob.app.resolve_conflict(
        wb,
        by_key("hero-image").ok_or("hero")?,
        &ConflictChoice::Remote,
    )?;
    bob.app.resolve_conflict(
        wb,
        by_key("max-cart-items").ok_or("max")?,
        &ConflictChoice::Edited(json!("Max (agreed)")),
    )?;
    // Resolving happens on Bob's side at once, offline.
    assert_eq!(
        flag(&bob.app, wb, "hero-image")?["description"],
        json!("by A")
    );
    assert_eq!(
        bob.app.sync(wb, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    assert_eq!(
        alice.app.sync(wa, &SyncOptions::default())?.result,
        SyncResult::Pulled
    );
    for (app, ws) in [(&alice.app, wa), (&bob.app, wb)] {
        assert_eq!(flag(app, ws, "hero-image")?["description"], json!("by A"));
        assert_eq!(
            flag(app, ws, "max-cart-items")?["name"],
            json!("Max (agreed)")
        );
    }
    Ok(())
}

#[test]
fn a_resolution_is_not_applied_when_the_remote_changed_the_value_again() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let wa = alice.app.create_git_workspace("Acme", &url)?.id;
    let wb = bob.app.create_git_workspace("Acme", &url)?.id;
    edit_flag(&alice.app, wa, "hero-image", |f| f["name"] = json!("A1"))?;
    edit_flag(&bob.app, wb, "hero-image", |f| f["name"] = json!("B"))?;
    alice.app.sync(wa, &SyncOptions::default())?;
    bob.app.sync(wb, &SyncOptions::default())?;
    let id = bob.app.conflicts(wb)?[0].id;
    bob.app.resolve_conflict(wb, id, &ConflictChoice::Local)?;
    // Meanwhile Alice changes it again: Bob's answer was to "A1", not to "A2".
    edit_flag(&alice.app, wa, "hero-image", |f| f["name"] = json!("A2"))?;
    assert_eq!(
        alice.app.sync(wa, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    let again = bob.app.sync(wb, &SyncOptions::default())?;
    assert_eq!(again.result, SyncResult::Conflicts);
    let open: Vec<_> = bob
        .app
        .conflicts(wb)?
        .into_iter()
        .filter(|c| !c.resolved)
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].remote, Some(json!("A2")));
    assert_eq!(flag(&bob.app, wb, "hero-image")?["name"], json!("B"));
    Ok(())
}

#[test]
fn offline_every_read_and_edit_works_and_sync_says_offline() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let ws = alice.app.create_git_workspace("Acme", &url)?.id;
    // The remote goes away (an unplugged drive).
    let bare = url.strip_prefix("file://").ok_or("url")?;
    std::fs::rename(bare, root.path().join("unplugged.git"))?;
    edit_flag(&alice.app, ws, "new-checkout", |f| {
        f["name"] = json!("Offline edit")
    })?;
    assert!(!alice.app.search(ws, "offline edit", 10)?.is_empty());
    let error = alice.app.sync(ws, &SyncOptions::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::Offline, "{error}");
    assert!(error.message.contains("offline"), "{}", error.message);
    assert_eq!(alice.app.status(ws)?.drafts, 1);
    assert_eq!(alice.app.status(ws)?.last_sync, Some("failed"));
    // Back online, the edit is pushed.
    std::fs::rename(root.path().join("unplugged.git"), bare)?;
    assert_eq!(
        alice.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    assert!(remote_file(&url, "flags/new-checkout.json")?.contains("Offline edit"));
    Ok(())
}

#[test]
fn nothing_invalid_is_published_though_an_invalid_draft_can_be_saved() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let ws = alice.app.create_git_workspace("Acme", &url)?.id;
    let mut value = flag(&alice.app, ws, "new-checkout")?;
    value["environments"]["production"]["fallthrough"] = json!({"variation": "onn"});
    let saved = alice
        .app
        .save_entity(ws, &EntityRef::flag("new-checkout"), &value)?;
    assert!(saved.has_draft);
    let error = saved
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .ok_or("no error reported")?;
    assert!(error.message.contains("onn"), "{}", error.message);
    assert_eq!(
        error.pointer,
        "/environments/production/fallthrough/variation"
    );
    let saved = alice.app.audit_log(ws, 1)?;
    assert_eq!(saved[0].action, "entity.saved");
    assert_eq!(
        (
            saved[0].actor.as_str(),
            saved[0].details["entity"]["key"].as_str()
        ),
        ("Alice", Some("new-checkout"))
    );
    let report = alice.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Invalid);
    assert!(!remote_file(&url, "flags/new-checkout.json")?.contains("onn"));
    // Undo brings back the valid flag, and the sync has nothing to do.
    assert!(alice.app.undo(ws)?);
    assert_eq!(alice.app.status(ws)?.drafts, 0);
    assert_eq!(
        alice.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::UpToDate
    );
    Ok(())
}

#[test]
fn a_broken_remote_can_still_be_pulled_but_nothing_is_pushed_on_top_of_it() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let ws = bob.app.create_git_workspace("Acme", &url)?.id;
    // Someone pushes a hand-edited flag that serves a variation it does not have.
    let hand = root.path().join("hand");
    git(
        root.path(),
        &["clone", "-q", &url, hand.to_str().ok_or("path")?],
    )?;
    let path = hand.join("flags/new-checkout.json");
    let text = std::fs::read_to_string(&path)?.replacen(
        "\"variation\": \"on\"",
        "\"variation\": \"onn\"",
        1,
    );
    std::fs::write(&path, text)?;
    git(&hand, &["commit", "-qam", "by hand"])?;
    git(&hand, &["push", "-q", "origin", "HEAD:main"])?;
    assert_eq!(
        bob.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Pulled
    );
    assert!(
        bob.app
            .validate(ws)?
            .iter()
            .any(|d| d.is_error() && d.message.contains("onn"))
    );
    edit_flag_unchecked(&bob.app, ws, "hero-image", |f| f["name"] = json!("Bob"))?;
    let report = bob.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Invalid);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.file == "flags/new-checkout.json")
    );
    assert!(!remote_file(&url, "flags/hero-image.json")?.contains("\"Bob\""));
    Ok(())
}

/// Saves an edit even if the project around it has errors.
fn edit_flag_unchecked(
    app: &flagdeck_app::App,
    ws: i64,
    key: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> TestResult {
    let mut value = flag(app, ws, key)?;
    edit(&mut value);
    app.save_entity(ws, &EntityRef::flag(key), &value)?;
    Ok(())
}

#[test]
fn a_repository_that_keeps_dist_gets_it_rebuilt_by_every_sync_commit() -> TestResult {
    let root = tempfile::tempdir()?;
    let project = example();
    let checked = flagdeck_core::validate::check(&project);
    let built = checked.project.ok_or("the example is valid")?;
    let mut files = project.clone();
    for (env, e) in built.environments.iter().enumerate() {
        let text = flagdeck_core::compile::compile_text(&built, env);
        files.push(flagdeck_core::format::SourceFile::new(
            format!("dist/{}.flagd.json", e.key),
            text,
        ));
    }
    let url = seeded_remote(root.path(), &files)?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let ws = alice.app.create_git_workspace("Acme", &url)?.id;
    let before = remote_file(&url, "dist/production.flagd.json")?;
    edit_flag(&alice.app, ws, "new-checkout", |f| {
        f["environments"]["production"]["enabled"] = json!(false);
    })?;
    assert_eq!(
        alice.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    // The pushed commit's dist/ is a fresh build of the pushed project.
    let pushed: Vec<flagdeck_core::format::SourceFile> = example()
        .into_iter()
        .map(|f| {
            Ok(flagdeck_core::format::SourceFile::new(
                f.path.clone(),
                remote_file(&url, &f.path)?,
            ))
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    let fresh = flagdeck_core::validate::check(&pushed)
        .project
        .ok_or("pushed project is valid")?;
    let env = fresh.env_id("production").ok_or("production")?;
    let after = remote_file(&url, "dist/production.flagd.json")?;
    assert_ne!(after, before);
    assert_eq!(after, flagdeck_core::compile::compile_text(&fresh, env));
    Ok(())
}
