//! The preview server commands (issue 6, C) through `App::call`, with real HTTP: a workspace's
//! drafts are served at once, pins, the app's clock, one server per workspace, stop and restart.

mod support;

use std::net::TcpStream;
use std::time::Duration;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, ErrorCode};
use serde_json::{Value, json};
use support::{TestResult, app};

fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::invalid(format!("{command}: {e}")))?;
    app.call(request)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// `POST url` with a context: the status, the ETag and the JSON body (`null` when empty).
fn post(url: &str, context: Value, etag: Option<&str>) -> (u16, Option<String>, Value) {
    let mut request = agent().post(url).header("Content-Type", "application/json");
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    let mut response = request
        .send(json!({ "context": context }).to_string())
        .expect("an answer");
    let status = response.status().as_u16();
    let tag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string().expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON")
    };
    (status, tag, body)
}

fn flag_answer(base: &str, env: &str, key: &str) -> Value {
    let url = format!("{base}/env/{env}/ofrep/v1/evaluate/flags/{key}");
    post(&url, json!({"targetingKey": "designer-1"}), None).2
}

fn local_example(app: &App) -> Result<i64, Box<dyn std::error::Error>> {
    let ws = call(
        app,
        "createLocalWorkspace",
        json!({"name": "Acme", "example": true}),
    )?;
    Ok(ws["id"].as_i64().ok_or("an id")?)
}

/// Saves a draft of `banner-color` whose development fallthrough serves `variation`.
fn draft_banner(app: &App, ws: i64, variation: &str) -> TestResult {
    let entity = json!({"kind": "flag", "key": "banner-color"});
    let view = call(app, "entity", json!({"workspaceId": ws, "entity": entity}))?;
    let mut flag = view["json"].clone();
    flag["environments"]["development"]["fallthrough"] = json!({ "variation": variation });
    let saved = call(
        app,
        "saveEntity",
        json!({"workspaceId": ws, "entity": entity, "json": flag}),
    )?;
    assert!(saved.is_object(), "{saved}");
    Ok(())
}

#[test]
fn drafts_are_served_at_once_and_pins_override() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Dana")?;
    let ws = local_example(&t.app)?;
    assert_eq!(
        call(&t.app, "previewServerStatus", json!({"workspaceId": ws}))?,
        Value::Null
    );

    let info = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": ws, "port": null}),
    )?;
    let port = info["port"].as_u64().ok_or("a port")?;
    let url = info["url"].as_str().ok_or("a url")?.to_owned();
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    assert_eq!(info["pins"], json!({}));
    assert_eq!(info["startedAt"], "2026-09-21T14:13:20Z", "the app's clock");
    assert_eq!(info["workspaceId"], ws);
    // Starting again returns the running server.
    let again = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": ws, "port": null}),
    )?;
    assert_eq!(again, info);
    assert_eq!(
        call(&t.app, "previewServerStatus", json!({"workspaceId": ws}))?,
        info
    );

    // The base: development serves orange.
    let bulk_url = format!("{url}/ofrep/v1/evaluate/flags");
    let (status, etag, body) = post(&bulk_url, json!({"targetingKey": "designer-1"}), None);
    assert_eq!(status, 200, "{body}");
    let etag = etag.ok_or("an ETag")?;
    let banner = |body: &Value| {
        body["flags"]
            .as_array()
            .and_then(|flags| flags.iter().find(|f| f["key"] == "banner-color"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(banner(&body)["variant"], "orange");
    assert_eq!(
        post(
            &bulk_url,
            json!({"targetingKey": "designer-1"}),
            Some(&etag)
        )
        .0,
        304
    );

    // A draft is served on the next request, and the ETag moves.
    draft_banner(&t.app, ws, "green")?;
    let (status, new_etag, body) = post(
        &bulk_url,
        json!({"targetingKey": "designer-1"}),
        Some(&etag),
    );
    assert_eq!(status, 200);
    assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(banner(&body)["variant"], "green");
    assert_eq!(banner(&body)["value"], "#43a047");

    // Undo is a write too.
    call(&t.app, "undo", json!({"workspaceId": ws}))?;
    assert_eq!(
        flag_answer(&url, "development", "banner-color")["variant"],
        "orange"
    );
    call(&t.app, "redo", json!({"workspaceId": ws}))?;
    assert_eq!(
        flag_answer(&url, "development", "banner-color")["variant"],
        "green"
    );

    // Pins: served STATIC with metadata, in every environment; validated; unpinned with null.
    let pinned = call(
        &t.app,
        "previewServerPin",
        json!({"workspaceId": ws, "flag": "banner-color", "variation": "blue"}),
    )?;
    assert_eq!(pinned["pins"], json!({"banner-color": "blue"}));
    assert_eq!(
        flag_answer(&url, "production", "banner-color"),
        json!({"key": "banner-color", "value": "#1e88e5", "reason": "STATIC", "variant": "blue", "metadata": {"pinned": true}})
    );
    let wrong = call(
        &t.app,
        "previewServerPin",
        json!({"workspaceId": ws, "flag": "banner-color", "variation": "purple"}),
    )
    .expect_err("no such variation");
    assert_eq!(wrong.code, ErrorCode::InvalidInput);
    assert!(wrong.message.contains("orange, blue, green"), "{wrong}");
    let missing = call(
        &t.app,
        "previewServerPin",
        json!({"workspaceId": ws, "flag": "nope", "variation": "on"}),
    )
    .expect_err("no such flag");
    assert_eq!(missing.code, ErrorCode::NotFound);

    // Pins outlive a stop; the port is freed.
    call(&t.app, "previewServerStop", json!({"workspaceId": ws}))?;
    assert_eq!(
        call(&t.app, "previewServerStatus", json!({"workspaceId": ws}))?,
        Value::Null
    );
    assert!(TcpStream::connect(("127.0.0.1", port as u16)).is_err());
    let not_running = call(
        &t.app,
        "previewServerPin",
        json!({"workspaceId": ws, "flag": "banner-color", "variation": null}),
    )
    .expect_err("not running");
    assert_eq!(not_running.code, ErrorCode::InvalidInput);

    let restarted = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": ws, "port": port}),
    )?;
    assert_eq!(restarted["port"], port);
    assert_eq!(restarted["pins"], json!({"banner-color": "blue"}));
    let unpinned = call(
        &t.app,
        "previewServerPin",
        json!({"workspaceId": ws, "flag": "banner-color", "variation": null}),
    )?;
    assert_eq!(unpinned["pins"], json!({}));
    assert_eq!(
        flag_answer(&url, "development", "banner-color")["variant"],
        "green"
    );
    Ok(())
}

#[test]
fn the_app_clock_is_the_preview_instant_and_ports_are_checked() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = app(dir.path(), "Dana")?;
    let ws = local_example(&t.app)?;
    let other = call(
        &t.app,
        "createLocalWorkspace",
        json!({"name": "Other", "example": true}),
    )?["id"]
        .as_i64()
        .ok_or("an id")?;
    let info = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": ws, "port": null}),
    )?;
    let url = info["url"].as_str().ok_or("a url")?.to_owned();
    let port = info["port"].clone();

    // new-checkout's production schedule: everyone gets "on" from 2026-12-08T09:00:00Z.
    let customer = |url: &str| {
        let url = format!("{url}/env/production/ofrep/v1/evaluate/flags/new-checkout");
        post(
            &url,
            json!({"targetingKey": "customer-7", "country": "US"}),
            None,
        )
        .2
    };
    assert_eq!(customer(&url)["variant"], "off");
    t.clock.advance(1_796_720_400 - 1_790_000_000);
    assert_eq!(customer(&url)["variant"], "on", "{}", customer(&url));

    // One server per workspace: a second workspace cannot take the same port.
    let taken = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": other, "port": port}),
    )
    .expect_err("the port is in use");
    assert_eq!(taken.code, ErrorCode::InvalidInput);
    assert_eq!(taken.field.as_deref(), Some("port"));
    let second = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": other, "port": null}),
    )?;
    assert_ne!(second["port"], port);

    // Removing a workspace stops its server.
    let second_port = second["port"].as_u64().ok_or("a port")? as u16;
    call(&t.app, "removeWorkspace", json!({"workspaceId": other}))?;
    assert!(TcpStream::connect(("127.0.0.1", second_port)).is_err());
    Ok(())
}

#[test]
fn a_folder_workspace_edited_in_a_text_editor_is_served_within_seconds() -> TestResult {
    let root = tempfile::tempdir()?;
    let folder = root.path().join("acme");
    for file in support::example() {
        let path = folder.join(&file.path);
        std::fs::create_dir_all(path.parent().ok_or("a parent")?)?;
        std::fs::write(path, &file.bytes)?;
    }
    let t = app(&root.path().join("data"), "Dana")?;
    let ws = t.app.open_folder_workspace("Acme", &folder)?.id;
    t.app.watch(ws)?;
    let info = call(
        &t.app,
        "previewServerStart",
        json!({"workspaceId": ws, "port": null}),
    )?;
    let url = info["url"].as_str().ok_or("a url")?.to_owned();
    assert_eq!(
        flag_answer(&url, "development", "banner-color")["variant"],
        "orange"
    );

    let path = folder.join("flags/banner-color.json");
    let mut flag: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    flag["environments"]["development"]["fallthrough"] = json!({"variation": "green"});
    std::fs::write(&path, serde_json::to_vec_pretty(&flag)?)?;
    let edited = std::time::Instant::now();
    while flag_answer(&url, "development", "banner-color")["variant"] != "green" {
        assert!(
            edited.elapsed() < Duration::from_secs(5),
            "the edit never reached the preview server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
