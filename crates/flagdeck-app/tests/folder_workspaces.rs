//! Folder and local workspaces: a folder the user already has, watched for edits made in a text
//! editor; the app's edits written through to its files; a new local project.

mod support;

use std::time::{Duration, Instant};

use flagdeck_app::Source;
use flagdeck_app::{ConflictChoice, EntityRef, ErrorCode, Kind, SyncOptions, SyncResult};
use serde_json::{Value, json};
use support::*;

const FLAG: &str = "flags/new-checkout.json";

/// A checkout of a seeded remote, as a user would have it.
fn checkout(
    root: &std::path::Path,
    url: &str,
    name: &str,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let dir = root.join(name);
    git(root, &["clone", "-q", url, dir.to_str().ok_or("path")?])?;
    git(&dir, &["config", "user.name", name])?;
    git(&dir, &["config", "user.email", "x@example.com"])?;
    Ok(dir)
}

fn read_json(path: &std::path::Path) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

#[test]
fn an_edit_made_in_a_text_editor_shows_up_within_a_second() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    assert_eq!(t.app.status(ws)?.drafts, 0);
    assert_eq!(t.app.list(ws, Kind::Flag)?.len(), 14);
    t.app.watch(ws)?;

    // The user edits a file in an editor: write to a temporary file, then rename over it.
    let mut value = read_json(&folder.join(FLAG))?;
    value["description"] = json!("Edited in vim");
    let tmp = folder.join("flags/.new-checkout.json.swp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&value)?)?;
    let edited = Instant::now();
    std::fs::rename(&tmp, folder.join(FLAG))?;
    let mut seen = None;
    while edited.elapsed() < Duration::from_secs(3) {
        if t.app.status(ws)?.drafts == 1 {
            seen = Some(edited.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let seen = seen.ok_or("the edit never reached the app")?;
    eprintln!("edit reached the app after {} ms", seen.as_millis());
    // How fast is measured (docs/BENCHMARKS.md), not asserted: a loaded machine is slower.
    assert_eq!(
        flag(&t.app, ws, "new-checkout")?["description"],
        json!("Edited in vim")
    );
    // The event follows the cache write; give it the same second.
    let heard = || {
        t.events.lock().map(|events| {
            events.iter().any(|e| {
                e.subject == "draft"
                    && e.source == "watcher"
                    && e.key.as_deref() == Some("new-checkout")
            })
        })
    };
    while !heard().map_err(|_| "poisoned")? && edited.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let events = t.events.lock().map_err(|_| "poisoned")?.clone();
    assert!(events.iter().any(|e| e.subject == "draft"
        && e.source == "watcher"
        && e.key.as_deref() == Some("new-checkout")));
    // Writing the file back as it was drops the draft again.
    git(&folder, &["checkout", "--", FLAG])?;
    let back = Instant::now();
    while t.app.status(ws)?.drafts != 0 && back.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(t.app.status(ws)?.drafts, 0);
    t.app.unwatch(ws);
    Ok(())
}

#[test]
fn app_edits_are_written_to_the_folder_and_undo_restores_the_file() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let original = std::fs::read(folder.join(FLAG))?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    edit_flag(&t.app, ws, "new-checkout", |f| {
        f["name"] = json!("From the app")
    })?;
    assert_eq!(
        read_json(&folder.join(FLAG))?["name"],
        json!("From the app")
    );
    t.app
        .save_entity(ws, &EntityRef::flag("brand-new"), &new_flag("brand-new"))?;
    assert!(folder.join("flags/brand-new.json").is_file());
    t.app.delete_entity(ws, &EntityRef::flag("hero-image"))?;
    assert!(!folder.join("flags/hero-image.json").exists());
    // Undo, step by step, back to the checkout's own bytes.
    for _ in 0..3 {
        assert!(t.app.undo(ws)?);
    }
    assert_eq!(std::fs::read(folder.join(FLAG))?, original);
    assert!(!folder.join("flags/brand-new.json").exists());
    assert!(folder.join("flags/hero-image.json").is_file());
    assert_eq!(git(&folder, &["status", "--porcelain"])?, "");
    assert!(t.app.redo(ws)?);
    assert_eq!(
        read_json(&folder.join(FLAG))?["name"],
        json!("From the app")
    );
    Ok(())
}

#[test]
fn a_broken_hand_edit_is_reported_and_loses_nothing() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    edit_flag(&t.app, ws, "new-checkout", |f| {
        f["name"] = json!("Saved draft")
    })?;
    std::fs::write(folder.join(FLAG), "{\"key\": \"new-checkout\", \"name\": ")?;
    let refreshed = t
        .app
        .refresh_folder(ws, Some(&[FLAG.to_owned()]), Source::Watcher)?;
    let problem = refreshed.unreadable.first().ok_or("no problem reported")?;
    assert_eq!(problem.file, FLAG);
    assert!(problem.line.is_some(), "{problem:?}");
    // The last good draft stays; a sync refuses to read the folder rather than lose the flag.
    assert_eq!(
        flag(&t.app, ws, "new-checkout")?["name"],
        json!("Saved draft")
    );
    let report = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Unreadable);
    assert!(report.diagnostics.iter().any(|d| d.file == FLAG));
    assert!(!remote_file(&url, FLAG)?.contains("Saved draft"));
    Ok(())
}

#[test]
fn a_folder_workspace_syncs_and_resolves_conflicts_through_the_app() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    let other = app(&root.path().join("other"), "Bo")?;
    let wo = other.app.create_git_workspace("Acme", &url)?.id;
    edit_flag(&other.app, wo, "new-checkout", |f| {
        f["name"] = json!("Bo's name");
        f["description"] = json!("Bo's description");
    })?;
    assert_eq!(
        other.app.sync(wo, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    edit_flag(&t.app, ws, "new-checkout", |f| {
        f["name"] = json!("Ann's name");
        f["tags"] = json!(["ann"]);
    })?;
    assert_eq!(
        t.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Conflicts
    );
    let conflict = t
        .app
        .conflicts(ws)?
        .into_iter()
        .next()
        .ok_or("no conflict")?;
    assert_eq!(conflict.path, "/name");
    assert_eq!(read_json(&folder.join(FLAG))?["name"], json!("Ann's name"));
    t.app
        .resolve_conflict(ws, conflict.id, &ConflictChoice::Remote)?;
    assert_eq!(read_json(&folder.join(FLAG))?["name"], json!("Bo's name"));
    let done = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(done.result, SyncResult::Pushed, "{done:?}");
    let file = read_json(&folder.join(FLAG))?;
    assert_eq!(file["name"], json!("Bo's name"));
    assert_eq!(file["description"], json!("Bo's description"));
    assert_eq!(file["tags"], json!(["ann"]));
    assert_eq!(t.app.status(ws)?.drafts, 0);
    assert_eq!(git(&folder, &["status", "--porcelain"])?, "");
    assert_eq!(
        other.app.sync(wo, &SyncOptions::default())?.result,
        SyncResult::Pulled
    );
    assert_eq!(
        flag(&other.app, wo, "new-checkout")?["tags"],
        json!(["ann"])
    );
    Ok(())
}

#[test]
fn many_workspaces_side_by_side_and_a_local_project() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let t = app(&root.path().join("data"), "Ann")?;
    let git_ws = t.app.create_git_workspace("Remote", &url)?.id;
    let folder_ws = t.app.open_folder_workspace("Folder", &folder)?.id;
    let local = t.app.create_local_workspace("Scratch", true)?;
    let empty = t.app.create_local_workspace("Empty", false)?;
    assert_eq!(t.app.workspaces()?.len(), 4);
    assert_eq!(t.app.list(local.id, Kind::Flag)?.len(), 14);
    assert!(t.app.list(empty.id, Kind::Flag)?.is_empty());
    assert!(t.app.validate(empty.id)?.iter().all(|d| !d.is_error()));
    // An edit in one workspace shows in no other.
    edit_flag(&t.app, git_ws, "new-checkout", |f| {
        f["name"] = json!("Only here")
    })?;
    assert_ne!(
        flag(&t.app, folder_ws, "new-checkout")?["name"],
        json!("Only here")
    );
    assert_ne!(
        flag(&t.app, local.id, "new-checkout")?["name"],
        json!("Only here")
    );
    let error = t.app.sync(local.id, &SyncOptions::default()).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    // Removing the git workspace deletes the app's clone, never a user's folder.
    let clone = t.app.workspace(git_ws)?.location;
    t.app.remove_workspace(git_ws)?;
    t.app.remove_workspace(folder_ws)?;
    assert!(!std::path::Path::new(&clone).exists());
    assert!(folder.join("flagdeck.json").is_file());
    assert_eq!(t.app.workspaces()?.len(), 2);
    Ok(())
}

#[test]
fn bad_keys_and_bad_folders_are_refused_with_a_sentence() -> TestResult {
    let root = tempfile::tempdir()?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.create_local_workspace("Scratch", true)?.id;
    let error = t
        .app
        .save_entity(ws, &EntityRef::flag("../../etc"), &new_flag("../../etc"))
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field.as_deref(), Some("key"));
    let error = t
        .app
        .save_entity(ws, &EntityRef::flag("a"), &new_flag("b"))
        .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("key"));
    let error = t
        .app
        .open_folder_workspace("Nope", root.path())
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("flagdeck.json"), "{}", error.message);
    let error = t.app.entity(99, &EntityRef::flag("a")).unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    let error = t
        .app
        .create_git_workspace("Gone", "file:///nowhere/at/all.git")
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Offline, "{error}");
    assert_eq!(
        t.app.workspaces()?.len(),
        1,
        "a failed clone leaves no workspace behind"
    );
    Ok(())
}

/// The watcher sees the app's own writes too. Reading a file and storing it as a draft is one
/// step with the app's saves, so an older file content can never land over a newer save (it did:
/// a quick second edit in the UI was reverted and then saved over).
#[test]
fn quick_saves_are_never_reverted_by_the_watcher_reading_older_files() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = checkout(root.path(), &url, "work")?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    t.app.watch(ws)?;
    let mut last = String::new();
    for round in 0..80 {
        last = format!("Quick edit {round}");
        let name = last.clone();
        // As the UI sends it: not in the files' canonical form (an empty list the format
        // omits, keys in another order), which the watcher must not take for a new edit.
        edit_flag(&t.app, ws, "new-checkout", move |f| {
            f["name"] = json!(name);
            f["tags"] = json!([]);
            if let Some(object) = f.as_object_mut() {
                let mut entries: Vec<_> = std::mem::take(object).into_iter().collect();
                entries.reverse();
                object.extend(entries);
            }
        })?;
        assert_eq!(
            flag(&t.app, ws, "new-checkout")?["name"],
            json!(last),
            "round {round}: the draft went back to older content"
        );
        // Let some watcher batches interleave with the saves.
        if round % 8 == 0 {
            std::thread::sleep(Duration::from_millis(230));
        }
    }
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(flag(&t.app, ws, "new-checkout")?["name"], json!(last));
    // The watcher read only what the app had written: nothing it stored was a change.
    let echoes = t
        .events
        .lock()
        .map_err(|_| "poisoned")?
        .iter()
        .filter(|e| e.subject == "draft" && e.source == "watcher")
        .count();
    assert_eq!(
        echoes, 0,
        "the watcher took the app's own writes for edits (older content, or the same in another form)"
    );
    assert_eq!(read_json(&folder.join(FLAG))?["name"], json!(last));
    t.app.unwatch(ws);
    Ok(())
}
