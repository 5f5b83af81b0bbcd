//! Issue 7's commands through `App::call`, with requests written as the UI sends them, against
//! real SQLite and a real bare remote: drafts and change requests in sentences, a change from
//! draft to published by two people, the audit log's filters and export, and the remote's
//! credentials and connection test (file://, a missing repository, a password-protected
//! smart-HTTP remote, a port nobody answers on).

#[path = "../../flagdeck-sync/tests/support/mod.rs"]
mod http;
mod support;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, Clock, ErrorCode};
use flagdeck_core::format::{SourceFile, to_canonical_json};
use serde_json::{Value, json};
use support::*;

/// Sends `{"command": name, "args": args}` as the UI would.
fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::invalid(format!("{command}: {e}")))?;
    app.call(request)
}

fn policy() -> Value {
    json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 1, "from": ["group:release-managers"]}}]
    })
}

fn rollout(on: u32) -> Value {
    json!({"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]})
}

fn sentences(lines: &Value) -> Vec<String> {
    lines
        .as_array()
        .map(|ls| {
            ls.iter()
                .filter_map(|l| l["sentence"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

struct Pair {
    _root: tempfile::TempDir,
    url: String,
    alice: TestApp,
    bob: TestApp,
    wa: i64,
    wb: i64,
}

/// Alice and Bob (a release manager) with identities made through `createIdentity`, on one
/// remote holding the example, the policy and their people entries.
fn pair() -> Result<Pair, Box<dyn std::error::Error>> {
    let root = tempfile::tempdir()?;
    let alice = app(&root.path().join("alice"), "Alice")?;
    let bob = app(&root.path().join("bob"), "Bob")?;
    let mut files = example();
    for (who, id, name) in [(&alice, "alice", "Alice"), (&bob, "bob", "Bob")] {
        let person = call(
            &who.app,
            "createIdentity",
            json!({"personId": id, "name": name, "email": format!("{id}@example.com")}),
        )?;
        files.push(SourceFile::new(
            format!("people/{id}.json"),
            to_canonical_json(&person),
        ));
    }
    files.push(SourceFile::new("policy.json", to_canonical_json(&policy())));
    let url = seeded_remote(root.path(), &files)?;
    let wa = alice.app.create_git_workspace("Shop", &url)?.id;
    let wb = bob.app.create_git_workspace("Shop", &url)?.id;
    Ok(Pair {
        _root: root,
        url,
        alice,
        bob,
        wa,
        wb,
    })
}

fn sync(app: &App, ws: i64) -> Result<Value, AppError> {
    call(app, "sync", json!({"workspaceId": ws, "dryRun": false}))
}

#[test]
fn a_change_goes_from_draft_to_published_through_the_commands_in_sentences() -> TestResult {
    let p = pair()?;
    let (alice, bob) = (&p.alice.app, &p.bob.app);
    edit_flag(alice, p.wa, "new-checkout", |f| {
        f["environments"]["production"]["fallthrough"] = rollout(30);
    })?;
    edit_flag(alice, p.wa, "banner-color", |f| {
        f["description"] = json!("The colour of the summer banner");
    })?;

    // The drafts, in sentences, and which need a change request.
    let drafts = call(alice, "draftChanges", json!({"workspaceId": p.wa}))?;
    let drafts = drafts.as_array().ok_or("a list")?;
    assert_eq!(drafts.len(), 2, "{drafts:#?}");
    let checkout = drafts
        .iter()
        .find(|d| d["entity"] == json!({"kind": "flag", "key": "new-checkout"}))
        .ok_or("new-checkout is a draft")?;
    assert_eq!(checkout["name"], "New checkout");
    assert_eq!(checkout["governed"], true);
    assert_eq!(
        sentences(&checkout["lines"]),
        vec!["Production: New checkout default Off → rollout 30%"]
    );
    assert_eq!(checkout["lines"][0]["environment"], "production");
    let fields: Vec<(&str, &str)> = checkout["lines"][0]["fields"]
        .as_array()
        .ok_or("fields")?
        .iter()
        .filter_map(|f| Some((f["path"].as_str()?, f["label"].as_str()?)))
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                "/environments/production/fallthrough/variation",
                "Production › Default serve › Variation"
            ),
            (
                "/environments/production/fallthrough/rollout",
                "Production › Default serve › Rollout"
            ),
        ]
    );
    let banner = drafts
        .iter()
        .find(|d| d["entity"]["key"] == "banner-color")
        .ok_or("banner-color is a draft")?;
    assert_eq!(banner["governed"], false);
    assert_eq!(
        sentences(&banner["lines"]),
        vec!["Banner colour: description changed"]
    );

    // A change request for the governed draft; another, later, for the banner, withdrawn.
    let created = call(
        alice,
        "createChangeRequest",
        json!({"workspaceId": p.wa, "title": "Checkout to 30 %", "description": null,
               "entities": [{"kind": "flag", "key": "new-checkout"}]}),
    )?;
    let id = created["request"]["id"].as_str().ok_or("an id")?.to_owned();
    assert_eq!(created["status"], "open");
    assert_eq!(created["localOnly"], true);
    assert_eq!(
        sentences(&created["lines"]),
        vec!["Production: New checkout default Off → rollout 30%"]
    );
    p.alice.clock.advance(120);
    let later = call(
        alice,
        "createChangeRequest",
        json!({"workspaceId": p.wa, "title": "Banner words", "description": "Copy edit",
               "entities": [{"kind": "flag", "key": "banner-color"}]}),
    )?;
    let later_id = later["request"]["id"].as_str().ok_or("an id")?.to_owned();
    let listed = call(alice, "changeRequests", json!({"workspaceId": p.wa}))?;
    let order: Vec<&str> = listed
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter_map(|v| v["request"]["id"].as_str())
        .collect();
    assert_eq!(order, vec![later_id.as_str(), id.as_str()], "newest first");
    let withdrawn = call(
        alice,
        "withdrawChangeRequest",
        json!({"workspaceId": p.wa, "id": later_id}),
    )?;
    assert_eq!(withdrawn["status"], "withdrawn");

    // Alice may not approve her own change: refused with the policy's words.
    let own = call(
        alice,
        "approveChangeRequest",
        json!({"workspaceId": p.wa, "id": id, "comment": null}),
    )
    .expect_err("the author's approval does not count");
    assert_eq!(own.code, ErrorCode::Refused, "{own}");

    // Bob approves after a sync and comments; Alice publishes after a sync.
    sync(alice, p.wa)?;
    sync(bob, p.wb)?;
    let seen = call(bob, "changeRequest", json!({"workspaceId": p.wb, "id": id}))?;
    assert_eq!(seen["localOnly"], false);
    assert_eq!(
        sentences(&seen["lines"]),
        vec!["Production: New checkout default Off → rollout 30%"]
    );
    let approved = call(
        bob,
        "approveChangeRequest",
        json!({"workspaceId": p.wb, "id": id, "comment": "Error rate is flat"}),
    )?;
    assert_eq!(approved["status"], "approved");
    let commented = call(
        bob,
        "commentChangeRequest",
        json!({"workspaceId": p.wb, "id": id, "text": "Watch the dashboards"}),
    )?;
    assert_eq!(
        commented["request"]["comments"][0]["text"],
        "Watch the dashboards"
    );
    sync(bob, p.wb)?;
    let published = call(
        alice,
        "publishChangeRequest",
        json!({"workspaceId": p.wa, "id": id}),
    )?;
    let commit = published["commit"].as_str().ok_or("a commit")?;
    let remote_head = git(
        std::path::Path::new(p.url.trim_start_matches("file://")),
        &["rev-parse", "main"],
    )?;
    assert_eq!(remote_head.trim(), commit);
    let remote_flag: Value =
        serde_json::from_str(&remote_file(&p.url, "flags/new-checkout.json")?)?;
    assert_eq!(
        remote_flag["environments"]["production"]["fallthrough"],
        rollout(30)
    );
    let done = call(
        alice,
        "changeRequest",
        json!({"workspaceId": p.wa, "id": id}),
    )?;
    assert_eq!(done["status"], "published");
    // The published draft is gone from the drafts list.
    let left = call(alice, "draftChanges", json!({"workspaceId": p.wa}))?;
    assert!(
        left.as_array()
            .ok_or("a list")?
            .iter()
            .all(|d| d["entity"]["key"] != "new-checkout"),
        "{left:#?}"
    );
    Ok(())
}

#[test]
fn identity_and_registering_oneself() -> TestResult {
    let root = tempfile::tempdir()?;
    let t = app(root.path(), "Eve")?;
    let none = call(&t.app, "identity", json!({}))?;
    assert_eq!(none, json!({"person": null, "hasSigningKey": false}));
    let url = seeded_remote(root.path(), &example())?;
    let ws = t.app.create_git_workspace("Shop", &url)?.id;
    let missing =
        call(&t.app, "proposePerson", json!({"workspaceId": ws})).expect_err("no identity yet");
    assert_eq!(missing.code, ErrorCode::IdentityMissing);
    let person = call(
        &t.app,
        "createIdentity",
        json!({"personId": "eve", "name": "Eve", "email": "eve@example.com"}),
    )?;
    assert!(
        person["publicKey"]
            .as_str()
            .is_some_and(|k| k.starts_with("ed25519:"))
    );
    let status = call(&t.app, "identity", json!({}))?;
    assert_eq!(status["person"]["id"], "eve");
    assert_eq!(status["hasSigningKey"], true);
    let entity = call(&t.app, "proposePerson", json!({"workspaceId": ws}))?;
    assert_eq!(entity, json!({"kind": "person", "key": "eve"}));
    let drafts = call(&t.app, "draftChanges", json!({"workspaceId": ws}))?;
    assert_eq!(drafts[0]["governed"], true);
    assert_eq!(sentences(&drafts[0]["lines"]), vec!["New person Eve"]);
    let view = call(
        &t.app,
        "createChangeRequest",
        json!({"workspaceId": ws, "title": "Register Eve", "description": null,
               "entities": [entity]}),
    )?;
    assert_eq!(sentences(&view["lines"]), vec!["New person Eve"]);
    Ok(())
}

#[test]
fn the_audit_log_filters_by_who_what_environment_and_time_and_exports() -> TestResult {
    let p = pair()?;
    let alice = &p.alice.app;
    edit_flag(alice, p.wa, "banner-color", |f| {
        f["description"] = json!("Words")
    })?;
    let start = p.alice.clock.now();
    p.alice.clock.advance(60);
    edit_flag(alice, p.wa, "new-checkout", |f| {
        f["environments"]["production"]["fallthrough"] = rollout(40);
    })?;
    call(
        alice,
        "createChangeRequest",
        json!({"workspaceId": p.wa, "title": "Checkout to 40 %", "description": null,
               "entities": [{"kind": "flag", "key": "new-checkout"}]}),
    )?;
    let log = |args: Value| -> Result<Vec<Value>, Box<dyn std::error::Error>> {
        let mut all = json!({"workspaceId": p.wa, "limit": 100});
        if let (Some(all), Some(extra)) = (all.as_object_mut(), args.as_object()) {
            all.extend(extra.clone());
        }
        Ok(call(alice, "auditLog", all)?
            .as_array()
            .cloned()
            .ok_or("a list")?)
    };
    let actions = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect()
    };
    let everything = log(json!({}))?;
    assert!(everything.len() >= 3, "{everything:#?}");
    assert_eq!(
        actions(&log(json!({"action": "change"}))?),
        vec!["change.created"]
    );
    assert_eq!(
        actions(&log(json!({"environment": "production"}))?),
        vec!["change.created", "entity.saved"]
    );
    let later = log(json!({"since": start + 60}))?;
    // The request is saved as a draft of changes/<id>.json too: an entity.saved of its own.
    assert_eq!(
        actions(&later),
        vec!["change.created", "entity.saved", "entity.saved"]
    );
    assert_eq!(later[1]["details"]["entity"]["kind"], "change");
    let earlier = log(json!({"until": start}))?;
    assert!(earlier.iter().all(|e| e["at"].as_i64() <= Some(start)));
    assert!(actions(&earlier).contains(&"entity.saved".to_owned()));
    assert_eq!(log(json!({"who": "ALI"}))?.len(), everything.len());
    assert!(log(json!({"who": "bob"}))?.is_empty());
    assert_eq!(log(json!({"action": "change", "limit": 0}))?.len(), 0);

    let csv = call(
        alice,
        "exportAudit",
        json!({"workspaceId": p.wa, "format": "csv"}),
    )?;
    let csv = csv.as_str().ok_or("text")?;
    assert!(
        csv.starts_with("id,at,actor,action,source,details\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), everything.len() + 1);
    let exported = call(
        alice,
        "exportAudit",
        json!({"workspaceId": p.wa, "format": "json"}),
    )?;
    let rows: Vec<Value> = serde_json::from_str(exported.as_str().ok_or("text")?)?;
    assert_eq!(rows.len(), everything.len());
    assert_eq!(
        rows.last().map(|r| r["action"].clone()),
        Some(json!("change.created"))
    );
    Ok(())
}

#[test]
fn test_connection_answers_in_words_for_a_file_remote_a_missing_one_and_no_remote() -> TestResult {
    let root = tempfile::tempdir()?;
    let t = app(&root.path().join("data"), "Ada")?;
    let url = seeded_remote(root.path(), &example())?;
    let ws = t.app.create_git_workspace("Shop", &url)?.id;
    let bare = std::path::PathBuf::from(url.trim_start_matches("file://"));
    let head = git(&bare, &["rev-parse", "--short=7", "main"])?;

    let status = call(&t.app, "credentialsStatus", json!({"workspaceId": ws}))?;
    assert_eq!(
        status,
        json!({"remoteUrl": url, "username": null, "stored": false})
    );
    let ok = call(&t.app, "testConnection", json!({"workspaceId": ws}))?;
    assert_eq!(
        ok,
        json!({"ok": true, "message": format!("Connected: main at {}", head.trim())})
    );
    let refused = call(
        &t.app,
        "setCredentials",
        json!({"workspaceId": ws, "secret": "x"}),
    )
    .expect_err("a folder remote takes no password");
    assert_eq!(refused.code, ErrorCode::InvalidInput);

    // The remote's folder is gone (an unplugged drive): offline, in words.
    std::fs::rename(&bare, root.path().join("moved.git"))?;
    let gone = call(&t.app, "testConnection", json!({"workspaceId": ws}))?;
    assert_eq!(gone["ok"], false);
    let message = gone["message"].as_str().ok_or("a message")?;
    assert!(
        message.starts_with("Offline: the remote cannot be reached"),
        "{message}"
    );

    let local = call(
        &t.app,
        "createLocalWorkspace",
        json!({"name": "Scratch", "example": false}),
    )?;
    let lw = local["id"].as_i64().ok_or("an id")?;
    assert_eq!(
        call(&t.app, "testConnection", json!({"workspaceId": lw}))?,
        json!({"ok": false, "message": "This workspace has no remote: it is a project on this computer only."})
    );
    assert_eq!(
        call(&t.app, "credentialsStatus", json!({"workspaceId": lw}))?,
        json!({"remoteUrl": null, "username": null, "stored": false})
    );
    Ok(())
}

#[test]
fn credentials_are_stored_tested_and_deleted_against_a_password_protected_remote() -> TestResult {
    let server = http::GitHttpServer::start_http()?;
    let root = tempfile::tempdir()?;
    let data = root.path().join("data");
    let t = app(&data, "Ada")?;
    let url = server
        .url()
        .replacen("://", &format!("://{}@", http::USER), 1);
    // A folder workspace on a checkout whose origin is the protected remote: opening it does
    // not reach the remote, so the credentials can be set up from the settings screen.
    let seed = seeded_remote(root.path(), &example())?;
    let checkout = root.path().join("checkout");
    git(root.path(), &["clone", "-q", &seed, "checkout"])?;
    git(&checkout, &["remote", "set-url", "origin", &url])?;
    let ws = call(
        &t.app,
        "openFolderWorkspace",
        json!({"name": "Checkout", "folder": checkout}),
    )?["id"]
        .as_i64()
        .ok_or("an id")?;

    let none = call(&t.app, "credentialsStatus", json!({"workspaceId": ws}))?;
    assert_eq!(
        none,
        json!({"remoteUrl": url, "username": http::USER, "stored": false})
    );
    let asks = call(&t.app, "testConnection", json!({"workspaceId": ws}))?;
    assert_eq!(
        asks,
        json!({"ok": false, "message": "The remote asks for a password or token, and none is stored for it"})
    );

    const WRONG: &str = "Wrong-Pass-4-Test";
    let stored = call(
        &t.app,
        "setCredentials",
        json!({"workspaceId": ws, "secret": WRONG}),
    )?;
    assert_eq!(stored["stored"], true);
    assert!(
        !stored.to_string().contains(WRONG),
        "never echoed: {stored}"
    );
    assert_eq!(
        call(&t.app, "testConnection", json!({"workspaceId": ws}))?,
        json!({"ok": false, "message": "The remote refused the password or token"})
    );

    call(
        &t.app,
        "setCredentials",
        json!({"workspaceId": ws, "secret": http::PASSWORD}),
    )?;
    let head = server.main_head()?;
    let short: String = head.chars().take(7).collect();
    assert_eq!(
        call(&t.app, "testConnection", json!({"workspaceId": ws}))?,
        json!({"ok": true, "message": format!("Connected: main at {short}")})
    );

    let deleted = call(&t.app, "deleteCredentials", json!({"workspaceId": ws}))?;
    assert_eq!(deleted["stored"], false);
    let blank = call(
        &t.app,
        "setCredentials",
        json!({"workspaceId": ws, "secret": "  "}),
    )
    .expect_err("an empty secret is refused");
    assert_eq!(blank.field.as_deref(), Some("secret"));

    // Nobody answers on the port: offline, in words.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = closed.local_addr()?.port();
    drop(closed);
    git(
        &checkout,
        &[
            "remote",
            "set-url",
            "origin",
            &format!("http://ada@127.0.0.1:{port}/flags.git"),
        ],
    )?;
    let offline = call(&t.app, "testConnection", json!({"workspaceId": ws}))?;
    assert_eq!(offline["ok"], false);
    assert!(
        offline["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Offline: ")),
        "{offline}"
    );

    // No secret reached the cache or any file of the data folder.
    drop(t);
    for secret in [WRONG, http::PASSWORD] {
        let leaks = files_containing(&data, secret.as_bytes());
        assert!(leaks.is_empty(), "{secret:?} found in {leaks:?}");
    }
    Ok(())
}

#[test]
fn update_reject_and_the_emergency_path_through_the_commands() -> TestResult {
    let p = pair()?;
    let (alice, bob) = (&p.alice.app, &p.bob.app);
    edit_flag(alice, p.wa, "new-checkout", |f| {
        f["environments"]["production"]["fallthrough"] = rollout(30);
    })?;
    let entities = json!([{"kind": "flag", "key": "new-checkout"}]);
    let created = call(
        alice,
        "createChangeRequest",
        json!({"workspaceId": p.wa, "title": "Checkout up", "description": null, "entities": entities}),
    )?;
    let id = created["request"]["id"].as_str().ok_or("an id")?.to_owned();
    edit_flag(alice, p.wa, "new-checkout", |f| {
        f["environments"]["production"]["fallthrough"] = rollout(50);
    })?;
    let updated = call(
        alice,
        "updateChangeRequest",
        json!({"workspaceId": p.wa, "id": id}),
    )?;
    assert_eq!(
        sentences(&updated["lines"]),
        vec!["Production: New checkout default Off → rollout 50%"]
    );
    sync(alice, p.wa)?;
    sync(bob, p.wb)?;
    let rejected = call(
        bob,
        "rejectChangeRequest",
        json!({"workspaceId": p.wb, "id": id, "comment": "Too fast"}),
    )?;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["request"]["approvals"][0]["comment"], "Too fast");

    // The emergency path needs a reason; with one, it is a request marked as an emergency.
    edit_flag(alice, p.wa, "new-checkout", |f| {
        f["environments"]["production"]["enabled"] = json!(false);
    })?;
    let no_reason = call(
        alice,
        "createEmergencyChangeRequest",
        json!({"workspaceId": p.wa, "title": "Kill now", "reason": " ", "entities": entities}),
    )
    .expect_err("a reason is required");
    assert_eq!(no_reason.code, ErrorCode::InvalidInput);
    assert_eq!(no_reason.field.as_deref(), Some("reason"));
    let emergency = call(
        alice,
        "createEmergencyChangeRequest",
        json!({"workspaceId": p.wa, "title": "Kill now", "reason": "Payments failing", "entities": entities}),
    )?;
    assert_eq!(
        emergency["request"]["emergency"]["reason"],
        "Payments failing"
    );
    assert!(
        sentences(&emergency["lines"])
            .contains(&"Production: New checkout kill switch on".to_owned()),
        "{}",
        emergency["lines"]
    );
    Ok(())
}
