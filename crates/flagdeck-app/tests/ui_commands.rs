//! The commands the UI added in issue 5, through `App::call` with requests written as the UI
//! sends them: the demo workspace (a real bare repository in the data folder), where a segment
//! is used, flags' states per environment, clone progress; and every command's answer to a
//! workspace that does not exist.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, ErrorCode};
use serde_json::{Value, json};
use support::{TestResult, app, git};

/// Sends `{"command": name, "args": args}` as the UI would.
fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::invalid(format!("{command}: {e}")))?;
    app.call(request)
}

fn open_demo(app: &App) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(call(app, "openDemo", json!({}))?)
}

fn id_of(workspace: &Value) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(workspace["id"].as_i64().ok_or("a workspace id")?)
}

/// Gives flag `key` a new description through the `entity` and `saveEntity` commands.
fn save_description(app: &App, ws: i64, key: &str, text: &str) -> TestResult {
    let entity = json!({"kind": "flag", "key": key});
    let mut flag =
        call(app, "entity", json!({"workspaceId": ws, "entity": entity}))?["json"].clone();
    flag["description"] = json!(text);
    call(
        app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": entity, "json": flag}),
    )?;
    Ok(())
}

fn demo_remote(dir: &Path) -> std::path::PathBuf {
    dir.join("demo").join("remote.git")
}

#[test]
fn the_demo_is_a_git_workspace_on_a_local_remote_made_once() -> TestResult {
    let root = tempfile::tempdir()?;
    // macOS keeps app data under "Application Support": a space in the path must work.
    let dir = root.path().join("Application Support");
    let dir = &dir;
    let first = {
        let t = app(dir, "Ada")?;
        let demo = open_demo(&t.app)?;
        assert_eq!(demo["name"], "Demo");
        assert_eq!(demo["kind"], "git");
        let url = demo["remoteUrl"].as_str().ok_or("a remote")?;
        assert!(
            url.starts_with("file://") && url.ends_with("demo/remote.git"),
            "{url}"
        );
        assert!(
            demo["baseCommit"].is_string(),
            "the demo has a base: {demo}"
        );
        // The remote looks like a real project repository: the example and its build.
        let remote = demo_remote(dir);
        let files = git(&remote, &["ls-tree", "-r", "--name-only", "main"])?;
        for path in [
            "flagdeck.json",
            "flags/new-checkout.json",
            "segments/internal-staff.json",
            "personas/anna-de-pro.json",
            "dist/production.flagd.json",
            "dist/development.flagd.json",
        ] {
            assert!(files.lines().any(|l| l == path), "{path} in {files}");
        }
        let flags = call(
            &t.app,
            "listEntities",
            json!({"workspaceId": id_of(&demo)?, "kind": "flag"}),
        )?;
        let all = flags.as_array().ok_or("a list")?;
        assert!(all.len() >= 5, "{flags}");
        // The first screenful: the start of the same list, and how long the whole one is.
        let start = call(
            &t.app,
            "listEntitiesStart",
            json!({"workspaceId": id_of(&demo)?, "kind": "flag", "limit": 2}),
        )?;
        assert_eq!(start["items"], json!(all[..2]), "{start}");
        assert_eq!(start["total"], json!(all.len()), "{start}");
        // The hosts send the same answer as text.
        let request: Request = serde_json::from_value(
            json!({"command": "listEntities", "args": {"workspaceId": id_of(&demo)?, "kind": "flag"}}),
        )?;
        let text = t.app.call_json(request)?;
        assert_eq!(serde_json::from_str::<Value>(&text)?, flags);
        let again = open_demo(&t.app)?;
        assert_eq!(again, demo, "a second call returns the same workspace");
        demo
    };
    // After a restart on the same data folder: still the same one, and only one.
    let t = app(dir, "Ada")?;
    assert_eq!(open_demo(&t.app)?, first);
    let status = call(
        &t.app,
        "sync",
        json!({"workspaceId": id_of(&first)?, "dryRun": false}),
    )?;
    assert_eq!(status["result"], "upToDate", "{status}");
    let workspaces = call(&t.app, "workspaces", json!({}))?;
    assert_eq!(
        workspaces.as_array().ok_or("a list")?.len(),
        1,
        "{workspaces}"
    );
    Ok(())
}

#[test]
fn a_half_made_demo_is_repaired_by_the_next_call() -> TestResult {
    let dir = tempfile::tempdir()?;
    // A killed first attempt: a repository being built, and an empty one with no main.
    let remote = demo_remote(dir.path());
    std::fs::create_dir_all(remote.with_extension("git.building").join("objects"))?;
    std::fs::create_dir_all(&remote)?;
    git(&remote, &["init", "--bare", "-q"])?;
    let t = app(dir.path(), "Ada")?;
    let demo = open_demo(&t.app)?;
    assert!(demo["baseCommit"].is_string());
    assert!(!remote.with_extension("git.building").exists());
    let id = id_of(&demo)?;
    drop(t);

    // A killed clone: the workspace is recorded but has no base and no clone.
    {
        let db = rusqlite::Connection::open(dir.path().join(flagdeck_app::CACHE_FILE))?;
        db.execute(
            "UPDATE workspaces SET base_commit = NULL WHERE id = ?1",
            [id],
        )?;
    }
    let location = demo["location"].as_str().ok_or("a location")?;
    std::fs::remove_dir_all(location)?;
    let t = app(dir.path(), "Ada")?;
    let repaired = open_demo(&t.app)?;
    assert!(repaired["baseCommit"].is_string(), "{repaired}");
    assert!(Path::new(repaired["location"].as_str().ok_or("a location")?).is_dir());
    let workspaces = call(&t.app, "workspaces", json!({}))?;
    assert_eq!(
        workspaces.as_array().ok_or("a list")?.len(),
        1,
        "{workspaces}"
    );
    assert_eq!(open_demo(&t.app)?, repaired);

    // A demo with a base whose clone went missing keeps its drafts: the next sync clones again.
    let ws = id_of(&repaired)?;
    save_description(&t.app, ws, "banner-color", "Kept")?;
    let clone = repaired["location"].as_str().ok_or("a location")?;
    std::fs::remove_dir_all(clone)?;
    assert_eq!(open_demo(&t.app)?, repaired);
    let report = call(&t.app, "sync", json!({"workspaceId": ws, "dryRun": false}))?;
    assert_eq!(report["result"], "pushed", "{report}");
    assert!(Path::new(clone).is_dir());
    Ok(())
}

#[test]
fn the_demo_syncs_with_its_local_remote() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?;
    let demo = open_demo(&t.app)?;
    let ws = id_of(&demo)?;
    save_description(&t.app, ws, "new-checkout", "Edited in the demo")?;
    let report = call(&t.app, "sync", json!({"workspaceId": ws, "dryRun": false}))?;
    assert_eq!(report["result"], "pushed", "{report}");
    let remote = demo_remote(dir.path());
    let pushed = git(&remote, &["show", "main:flags/new-checkout.json"])?;
    assert!(pushed.contains("Edited in the demo"), "{pushed}");
    Ok(())
}

#[test]
fn segment_usage_lists_flag_rules_and_nesting_segments_with_drafts() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?;
    let ws = id_of(&open_demo(&t.app)?)?;
    let usage = |key: &str| {
        call(
            &t.app,
            "segmentUsage",
            json!({"workspaceId": ws, "key": key}),
        )
    };
    let used = usage("internal-staff")?;
    let used = used.as_array().ok_or("a list")?;
    assert!(
        used.contains(
            &json!({"kind": "flag", "key": "new-checkout", "name": "New checkout",
        "environment": "production", "rule": "staff", "ruleName": "Internal staff"})
        ),
        "{used:?}"
    );
    assert!(
        used.contains(&json!({"kind": "segment", "key": "new-signups", "name": "New sign-ups"})),
        "{used:?}"
    );
    assert!(
        used.iter()
            .any(|u| u["key"] == "maintenance-banner" && u["rule"] == "not-staff"),
        "{used:?}"
    );
    assert!(used.iter().all(|u| u["key"] != "internal-staff"));

    // A draft that stops using it (the rule removed) and a new flag that starts.
    let entity = json!({"kind": "flag", "key": "new-checkout"});
    let mut flag = call(
        &t.app,
        "entity",
        json!({"workspaceId": ws, "entity": entity}),
    )?["json"]
        .clone();
    let rules = flag["environments"]["production"]["rules"]
        .as_array_mut()
        .ok_or("rules")?;
    rules.retain(|r| r["id"] != "staff");
    call(
        &t.app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": entity, "json": flag}),
    )?;
    let fresh = json!({"key": "staff-only", "name": "Staff only", "type": "boolean",
        "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "environments": {"staging": {"enabled": true, "fallthrough": {"variation": "off"},
            "rules": [{"id": "r1", "when": {"any": [{"segment": "internal-staff"}]}, "serve": {"variation": "on"}}]}}});
    call(
        &t.app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": {"kind": "flag", "key": "staff-only"}, "json": fresh}),
    )?;
    let used = usage("internal-staff")?;
    let used = used.as_array().ok_or("a list")?;
    assert!(!used.iter().any(|u| u["key"] == "new-checkout"), "{used:?}");
    assert!(
        used.contains(
            &json!({"kind": "flag", "key": "staff-only", "name": "Staff only",
        "environment": "staging", "rule": "r1"})
        ),
        "{used:?}"
    );

    assert_eq!(usage("nobody-uses-this")?, json!([]));
    let bad = usage("../x").err().ok_or("a bad key is refused")?;
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    Ok(())
}

/// The states of one flag by environment key, from the list.
fn states(app: &App, ws: i64, key: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let list = call(
        app,
        "listEntities",
        json!({"workspaceId": ws, "kind": "flag"}),
    )?;
    let row = list
        .as_array()
        .ok_or("a list")?
        .iter()
        .find(|r| r["key"] == key)
        .ok_or("the flag is listed")?;
    let mut out = serde_json::Map::new();
    for env in row["environments"].as_array().ok_or("environments")? {
        out.insert(
            env["key"].as_str().ok_or("a key")?.to_owned(),
            env["state"].clone(),
        );
    }
    Ok(Value::Object(out))
}

#[test]
fn flags_list_their_state_per_environment_by_the_clock() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?; // the clock: 2026-09-21
    let ws = id_of(&open_demo(&t.app)?)?;
    // legacy-export: development on; staging disabled with an off variation; production
    // enabled with a step on 2027-03-01 that switches it off.
    assert_eq!(
        states(&t.app, ws, "legacy-export")?,
        json!({"development": "on", "staging": "killed", "production": "scheduled"})
    );
    // maintenance-banner: no staging at all; production disabled without an off variation,
    // switched on from 2026-12-31T12:00 to 2027-01-02T04:00.
    assert_eq!(
        states(&t.app, ws, "maintenance-banner")?,
        json!({"development": "on", "staging": "off", "production": "scheduled"})
    );
    t.clock.advance(1_798_761_600 - 1_790_000_000); // 2027-01-01: inside the window
    assert_eq!(
        states(&t.app, ws, "maintenance-banner")?["production"],
        "scheduled"
    );
    t.clock.advance(86_400 * 100); // 2027-04-11: every step is past
    assert_eq!(
        states(&t.app, ws, "maintenance-banner")?,
        json!({"development": "on", "staging": "off", "production": "off"})
    );
    assert_eq!(states(&t.app, ws, "legacy-export")?["production"], "killed");

    // A draft counts as soon as it is saved; segments have no environments.
    let entity = json!({"kind": "flag", "key": "legacy-export"});
    let mut flag = call(
        &t.app,
        "entity",
        json!({"workspaceId": ws, "entity": entity}),
    )?["json"]
        .clone();
    flag["environments"]["staging"]["enabled"] = json!(true);
    call(
        &t.app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": entity, "json": flag}),
    )?;
    assert_eq!(states(&t.app, ws, "legacy-export")?["staging"], "on");
    let segments = call(
        &t.app,
        "listEntities",
        json!({"workspaceId": ws, "kind": "segment"}),
    )?;
    assert!(
        segments
            .as_array()
            .ok_or("a list")?
            .iter()
            .all(|s| s["environments"] == json!([]))
    );
    Ok(())
}

#[test]
fn cloning_sends_throttled_progress_ending_at_the_total() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?;
    let demo = open_demo(&t.app)?;
    let url = demo["remoteUrl"].as_str().ok_or("a remote")?.to_owned();
    t.events.lock().map_err(|_| "events")?.clear();
    let started = std::time::Instant::now();
    let cloned = call(
        &t.app,
        "createGitWorkspace",
        json!({"name": "Second", "url": url}),
    )?;
    let took = started.elapsed();
    let events = t.events.lock().map_err(|_| "events")?.clone();
    // The clone's own progress (the first sync of the new workspace reports its steps too).
    let is_clone = |e: &&flagdeck_app::AppEvent| {
        e.subject == "progress" && e.progress.as_ref().is_some_and(|p| p.task == "clone")
    };
    let progress: Vec<_> = events
        .iter()
        .filter(is_clone)
        .map(|e| (e.workspace_id, e.progress.clone()))
        .collect();
    assert!(!progress.is_empty(), "no progress among {events:?}");
    for (workspace_id, p) in &progress {
        let p = p.as_ref().ok_or("a progress event carries its progress")?;
        assert_eq!(
            *workspace_id, 0,
            "the clone's workspace is not announced yet"
        );
        assert_eq!(p.task, "clone");
        assert!(p.done <= p.total, "{p:?}");
    }
    let last = progress
        .last()
        .and_then(|(_, p)| p.clone())
        .ok_or("a last event")?;
    assert!(last.done == last.total && last.total > 0, "{last:?}");
    // Throttled: at most ten a second, plus the first and the last.
    let allowed = 2 + (took.as_millis() / 100) as usize;
    assert!(
        progress.len() <= allowed,
        "{} events in {took:?}",
        progress.len()
    );
    // The progress went out before the workspace was announced.
    let announced = events
        .iter()
        .position(|e| e.subject == "workspace" && e.workspace_id == id_of(&cloned).unwrap_or(-1))
        .ok_or("the workspace is announced")?;
    let last_progress = events
        .iter()
        .rposition(|e| is_clone(&e))
        .ok_or("progress")?;
    assert!(last_progress < announced);
    let json = serde_json::to_value(&events[last_progress])?;
    assert_eq!(json["progress"]["task"], "clone", "{json}");
    Ok(())
}

#[test]
fn a_sync_that_pushes_reports_its_steps_in_words() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?;
    let ws = id_of(&open_demo(&t.app)?)?;
    save_description(&t.app, ws, "banner-color", "Shown while syncing")?;
    t.events.lock().map_err(|_| "events")?.clear();
    let report = call(&t.app, "sync", json!({"workspaceId": ws, "dryRun": false}))?;
    assert_eq!(report["result"], "pushed", "{report}");
    let events = t.events.lock().map_err(|_| "events")?.clone();
    let steps: Vec<(u64, u64, String)> = events
        .iter()
        .filter(|e| e.subject == "progress" && e.workspace_id == ws)
        .filter_map(|e| e.progress.clone())
        .map(|p| {
            assert_eq!(p.task, "sync");
            (p.done, p.total, p.message)
        })
        .collect();
    let words: Vec<&str> = steps.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        words,
        [
            "Receiving the team's changes",
            "Comparing them with yours",
            "Committing your changes",
            "Sending your changes",
            "Sync finished"
        ]
    );
    assert_eq!(
        steps.iter().map(|(done, _, _)| *done).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(steps.iter().all(|(_, total, _)| *total == 4), "{steps:?}");
    Ok(())
}

/// The command names of the TypeScript map the UI is typed by.
fn command_names() -> Result<BTreeSet<String>, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings/Commands.ts");
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .filter_map(|l| l.trim().split_once(": { args:"))
        .map(|(name, _)| name.to_owned())
        .collect())
}

#[test]
fn every_command_answers_a_missing_workspace_with_not_found() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Ada")?;
    let ws = id_of(&open_demo(&t.app)?)?;
    let missing = ws + 1000;
    let entity = json!({"kind": "flag", "key": "new-checkout"});
    let requests = [
        ("workspace", json!({"workspaceId": missing})),
        ("removeWorkspace", json!({"workspaceId": missing})),
        ("project", json!({"workspaceId": missing})),
        (
            "listEntities",
            json!({"workspaceId": missing, "kind": "flag"}),
        ),
        (
            "listEntitiesStart",
            json!({"workspaceId": missing, "kind": "flag", "limit": 10}),
        ),
        (
            "segmentUsage",
            json!({"workspaceId": missing, "key": "internal-staff"}),
        ),
        ("entity", json!({"workspaceId": missing, "entity": entity})),
        (
            "saveEntity",
            json!({"workspaceId": missing, "entity": entity, "json": {"key": "new-checkout"}}),
        ),
        (
            "deleteEntity",
            json!({"workspaceId": missing, "entity": entity}),
        ),
        ("discard", json!({"workspaceId": missing, "entity": entity})),
        ("undo", json!({"workspaceId": missing})),
        ("redo", json!({"workspaceId": missing})),
        ("validate", json!({"workspaceId": missing})),
        ("status", json!({"workspaceId": missing})),
        ("sync", json!({"workspaceId": missing, "dryRun": true})),
        ("conflicts", json!({"workspaceId": missing})),
        (
            "resolveConflict",
            json!({"workspaceId": missing, "conflictId": 1, "choice": {"choice": "local"}}),
        ),
        ("auditLog", json!({"workspaceId": missing, "limit": 10})),
        (
            "previewServerStart",
            json!({"workspaceId": missing, "port": null}),
        ),
        ("previewServerStop", json!({"workspaceId": missing})),
        ("previewServerStatus", json!({"workspaceId": missing})),
        (
            "previewServerPin",
            json!({"workspaceId": missing, "flag": "new-checkout", "variation": "on"}),
        ),
        (
            "calendar",
            json!({"workspaceId": missing, "from": "2027-01-01T00:00:00Z", "to": "2027-02-01T00:00:00Z"}),
        ),
        (
            "preview",
            json!({"workspaceId": missing, "context": {}, "at": 0, "environments": [], "keys": null}),
        ),
        (
            "rebucketImpact",
            json!({"workspaceId": missing, "key": "new-checkout", "at": 0, "sample": {"kind": "generated", "count": 1, "seed": 1}}),
        ),
        // Issue 7: governance, audit and credentials.
        (
            "exportAudit",
            json!({"workspaceId": missing, "format": "csv"}),
        ),
        ("changeRequests", json!({"workspaceId": missing})),
        (
            "changeRequest",
            json!({"workspaceId": missing, "id": "cr-1"}),
        ),
        ("draftChanges", json!({"workspaceId": missing})),
        (
            "createChangeRequest",
            json!({"workspaceId": missing, "title": "t", "description": null, "entities": [{"kind": "flag", "key": "new-checkout"}]}),
        ),
        (
            "createEmergencyChangeRequest",
            json!({"workspaceId": missing, "title": "t", "reason": "r", "entities": [{"kind": "flag", "key": "new-checkout"}]}),
        ),
        (
            "updateChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1"}),
        ),
        (
            "approveChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1", "comment": null}),
        ),
        (
            "rejectChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1", "comment": "no"}),
        ),
        (
            "commentChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1", "text": "hi"}),
        ),
        (
            "withdrawChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1"}),
        ),
        (
            "publishChangeRequest",
            json!({"workspaceId": missing, "id": "cr-1"}),
        ),
        ("proposePerson", json!({"workspaceId": missing})),
        ("credentialsStatus", json!({"workspaceId": missing})),
        (
            "setCredentials",
            json!({"workspaceId": missing, "secret": "s3cret"}),
        ),
        ("deleteCredentials", json!({"workspaceId": missing})),
        ("testConnection", json!({"workspaceId": missing})),
    ];
    // Commands that name no workspace.
    let without = [
        "workspaces",
        "openDemo",
        "createGitWorkspace",
        "openFolderWorkspace",
        "createLocalWorkspace",
        "identity",
        "createIdentity",
    ];
    let covered: BTreeSet<String> = requests
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .chain(without.iter().map(|n| (*n).to_owned()))
        .collect();
    assert_eq!(
        covered,
        command_names()?,
        "every command of Commands.ts is tried here"
    );
    let wrong: Vec<String> = requests
        .into_iter()
        .filter_map(|(command, args)| match call(&t.app, command, args) {
            Err(error) if error.code == ErrorCode::NotFound => None,
            other => Some(format!("{command}: {other:?}")),
        })
        .collect();
    assert!(wrong.is_empty(), "not notFound: {wrong:#?}");
    // The demo is untouched by all that.
    assert_eq!(
        call(&t.app, "workspace", json!({"workspaceId": ws}))?["name"],
        "Demo"
    );
    Ok(())
}
