//! Personas as repository entities (issue 6): `personas/<key>.json` listed, opened, saved as
//! drafts with their diagnostics, deleted, synced to a real bare remote, merged attribute by
//! attribute between two teammates, and written through and watched in a folder workspace.

mod support;

use std::time::{Duration, Instant};

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, ConflictChoice, EntityRef, SyncOptions, SyncResult};
use flagdeck_core::format::to_canonical_json;
use serde_json::{Value, json};
use support::*;

/// Sends `{"command": name, "args": args}` as the UI would.
fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::invalid(format!("{command}: {e}")))?;
    app.call(request)
}

fn persona_ref(key: &str) -> Value {
    json!({"kind": "persona", "key": key})
}

fn dana() -> Value {
    json!({"key": "dana-fr-enterprise", "name": "Dana (France, Enterprise)",
           "context": {"targetingKey": "user-3003", "country": "FR", "plan": "enterprise",
                       "companyId": "partner-9", "age": 41}})
}

#[test]
fn a_persona_draft_is_validated_and_synced_to_the_remote_as_its_file() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let t = app(&root.path().join("data"), "Ada")?;
    let ws = t.app.create_git_workspace("Acme", &url)?.id;

    // The example's personas are listed with their names and descriptions.
    let list = call(
        &t.app,
        "listEntities",
        json!({"workspaceId": ws, "kind": "persona"}),
    )?;
    let keys: Vec<&str> = list
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter_map(|p| p["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        ["anna-de-pro", "bob-us-free", "kenji-jp-mobile", "qa-tester"]
    );
    assert_eq!(list[0]["name"], "Anna (Germany, Pro)");
    assert_eq!(list[0]["kind"], "persona");
    assert!(
        list[0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    let anna = call(
        &t.app,
        "entity",
        json!({"workspaceId": ws, "entity": persona_ref("anna-de-pro")}),
    )?;
    assert_eq!(anna["json"]["context"]["country"], "DE");
    assert_eq!(anna["diagnostics"], json!([]));

    // A new persona with a typo and a value the schema does not declare: kept as a draft, with
    // located sentences.
    let mut typo = dana();
    typo["context"]["contry"] = json!("FR");
    typo["context"]["plan"] = json!("gold");
    let saved = call(
        &t.app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": persona_ref("dana-fr-enterprise"), "json": typo}),
    )?;
    assert_eq!(saved["hasDraft"], true);
    let problems: Vec<(String, String)> = saved["diagnostics"]
        .as_array()
        .ok_or("diagnostics")?
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            ("unknown-attribute".to_owned(), "/context/contry".to_owned()),
            ("wrong-value-type".to_owned(), "/context/plan".to_owned()),
        ]
    );
    assert!(
        saved["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("did you mean 'country'")),
        "{saved}"
    );
    // An invalid draft is never published.
    let refused = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(refused.result, SyncResult::Invalid, "{refused:?}");
    assert!(remote_file(&url, "personas/dana-fr-enterprise.json").is_err());

    // Fixed, plus a deletion: both travel with a plain sync.
    let saved = call(
        &t.app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": persona_ref("dana-fr-enterprise"), "json": dana()}),
    )?;
    assert_eq!(saved["diagnostics"], json!([]));
    call(
        &t.app,
        "deleteEntity",
        json!({"workspaceId": ws, "entity": persona_ref("bob-us-free")}),
    )?;
    let states: Vec<(String, String)> = call(
        &t.app,
        "listEntities",
        json!({"workspaceId": ws, "kind": "persona"}),
    )?
    .as_array()
    .ok_or("a list")?
    .iter()
    .map(|p| {
        (
            p["key"].as_str().unwrap_or_default().to_owned(),
            p["state"].as_str().unwrap_or_default().to_owned(),
        )
    })
    .filter(|(_, state)| state != "unchanged")
    .collect();
    assert_eq!(
        states,
        [
            ("bob-us-free".to_owned(), "deleted".to_owned()),
            ("dana-fr-enterprise".to_owned(), "added".to_owned()),
        ]
    );
    let report = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Pushed, "{report:?}");
    let message = report.message.unwrap_or_default();
    assert!(message.contains("persona dana-fr-enterprise"), "{message}");

    // The remote holds the file, in canonical form, and no longer holds Bob; nothing in dist/
    // mentions a persona.
    let file = remote_file(&url, "personas/dana-fr-enterprise.json")?;
    assert_eq!(file, to_canonical_json(&dana()));
    assert!(remote_file(&url, "personas/bob-us-free.json").is_err());
    let bare = url.strip_prefix("file://").ok_or("file url")?;
    let tree = git(
        std::path::Path::new(bare),
        &["ls-tree", "-r", "--name-only", "main"],
    )?;
    assert!(
        tree.lines().any(|l| l == "personas/anna-de-pro.json"),
        "{tree}"
    );
    assert_eq!(t.app.status(ws)?.drafts, 0);
    Ok(())
}

#[test]
fn two_teammates_edit_one_persona_and_the_context_merges_attribute_by_attribute() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let wa = alice.app.create_git_workspace("Acme", &url)?.id;
    let wb = bob.app.create_git_workspace("Acme", &url)?.id;
    let anna = EntityRef::persona("anna-de-pro");
    let edit = |app: &App, ws: i64, f: &dyn Fn(&mut Value)| -> TestResult {
        let mut value = app.entity(ws, &anna)?.json.ok_or("anna")?;
        f(&mut value);
        app.save_entity(ws, &anna, &value)?;
        Ok(())
    };
    // Offline: Alice moves Anna to enterprise and renames her; Bob adds an app version and
    // renames her too.
    edit(&alice.app, wa, &|p| {
        p["context"]["plan"] = json!("enterprise");
        p["name"] = json!("Anna (Alice)");
    })?;
    edit(&bob.app, wb, &|p| {
        p["context"]["appVersion"] = json!("2.4.1");
        p["name"] = json!("Anna (Bob)");
    })?;
    assert_eq!(
        alice.app.sync(wa, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    let second = bob.app.sync(wb, &SyncOptions::default())?;
    assert_eq!(second.result, SyncResult::Conflicts, "{second:?}");
    let conflicts = bob.app.conflicts(wb)?;
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].entity, anna);
    assert_eq!(conflicts[0].path, "/name");
    bob.app
        .resolve_conflict(wb, conflicts[0].id, &ConflictChoice::Remote)?;
    assert_eq!(
        bob.app.sync(wb, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    let merged: Value = serde_json::from_str(&remote_file(&url, "personas/anna-de-pro.json")?)?;
    assert_eq!(merged["name"], "Anna (Alice)");
    assert_eq!(merged["context"]["plan"], "enterprise");
    assert_eq!(merged["context"]["appVersion"], "2.4.1");
    assert_eq!(
        merged["context"]["country"], "DE",
        "untouched attributes stay"
    );
    Ok(())
}

#[test]
fn a_folder_workspace_writes_personas_through_and_watches_their_files() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = root.path().join("work");
    git(
        root.path(),
        &["clone", "-q", &url, folder.to_str().ok_or("path")?],
    )?;
    git(&folder, &["config", "user.name", "Ann"])?;
    git(&folder, &["config", "user.email", "ann@example.com"])?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;

    // Saved in the app: the file appears, canonical; undo removes it again.
    let dana_ref = EntityRef::persona("dana-fr-enterprise");
    t.app.save_entity(ws, &dana_ref, &dana())?;
    let path = folder.join("personas/dana-fr-enterprise.json");
    assert_eq!(std::fs::read_to_string(&path)?, to_canonical_json(&dana()));
    assert!(t.app.undo(ws)?);
    assert!(!path.exists());
    assert!(t.app.redo(ws)?);
    assert!(path.exists());
    t.app.discard(ws, &dana_ref)?;
    assert!(!path.exists());
    assert_eq!(git(&folder, &["status", "--porcelain"])?, "");

    // Edited in a text editor: the watcher brings it in as a draft within a second.
    t.app.watch(ws)?;
    let qa = folder.join("personas/qa-tester.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&qa)?)?;
    value["context"]["country"] = json!("ES");
    std::fs::write(&qa, serde_json::to_vec_pretty(&value)?)?;
    let edited = Instant::now();
    let qa_ref = EntityRef::persona("qa-tester");
    while t.app.entity(ws, &qa_ref)?.json.ok_or("qa")?["context"]["country"] != "ES" {
        assert!(
            edited.elapsed() < Duration::from_secs(3),
            "the edit never reached the app"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(t.app.entity(ws, &qa_ref)?.has_draft);
    t.app.unwatch(ws);

    // And the folder's sync publishes it.
    let report = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Pushed, "{report:?}");
    let pushed: Value = serde_json::from_str(&remote_file(&url, "personas/qa-tester.json")?)?;
    assert_eq!(pushed["context"]["country"], "ES");
    Ok(())
}

/// A cache from before personas were files: its local `personas` table (as the first schema made
/// it) is turned into persona drafts when the app opens it, and the next sync shares them.
#[test]
fn old_local_personas_become_drafts_that_the_next_sync_publishes() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let data = root.path().join("data");
    let ws = {
        let t = app(&data, "Ada")?;
        t.app.create_git_workspace("Acme", &url)?.id
    };
    // Play the older schema: the migration not applied yet, the old table holding two rows.
    {
        let db = rusqlite::Connection::open(data.join(flagdeck_app::CACHE_FILE))?;
        db.execute_batch(
            "DELETE FROM schema_migrations WHERE version = 20261121170000;
             CREATE TABLE personas (
                 workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                 key          TEXT    NOT NULL,
                 name         TEXT    NOT NULL,
                 context_json TEXT    NOT NULL,
                 updated_at   INTEGER NOT NULL,
                 PRIMARY KEY (workspace_id, key)
             ) WITHOUT ROWID;",
        )?;
        db.execute(
            "INSERT INTO personas VALUES (?1, 'dana', 'Dana', '{\"country\":\"FR\",\"plan\":\"enterprise\"}', 5)",
            [ws],
        )?;
        db.execute(
            "INSERT INTO personas VALUES (?1, 'QA Lead', 'QA lead', '{\"email\":\"lead@acme.example\"}', 6)",
            [ws],
        )?;
    }
    let t = app(&data, "Ada")?;
    let added: Vec<(String, String)> = t
        .app
        .list(ws, flagdeck_app::Kind::Persona)?
        .into_iter()
        .filter(|p| p.state == "added")
        .map(|p| (p.key, p.name.unwrap_or_default()))
        .collect();
    assert_eq!(
        added,
        [
            ("dana".to_owned(), "Dana".to_owned()),
            ("qa-lead".to_owned(), "QA lead".to_owned())
        ]
    );
    assert_eq!(
        t.app.entity(ws, &EntityRef::persona("dana"))?.diagnostics,
        vec![]
    );
    let report = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(report.result, SyncResult::Pushed, "{report:?}");
    let dana =
        json!({"key": "dana", "name": "Dana", "context": {"country": "FR", "plan": "enterprise"}});
    assert_eq!(
        remote_file(&url, "personas/dana.json")?,
        to_canonical_json(&dana)
    );
    let lead: Value = serde_json::from_str(&remote_file(&url, "personas/qa-lead.json")?)?;
    assert_eq!(lead["context"]["email"], "lead@acme.example");
    Ok(())
}
