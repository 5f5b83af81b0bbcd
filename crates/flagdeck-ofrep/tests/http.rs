//! The preview server over real HTTP: single and bulk evaluation, ETag and 304, errors, pins,
//! content changes, the Host and Origin guard, CORS and the body limit.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flagdeck_core::format::SourceFile;
use flagdeck_core::sync_plan::Snapshot;
use flagdeck_ofrep::{FlagSource, Pins, PreviewServer, Served};
use serde_json::{Value, json};

/// 2026-11-21T12:00:00Z; the `countdown` flag's schedule step is on 2026-12-01.
const NOW: i64 = 1_795_262_400;
const STEP: &str = "2026-12-01T09:00:00Z";
const STEP_AT: i64 = 1_796_115_600;

/// Content the test can swap (a draft saved) and a clock it can move.
struct TestSource {
    served: Mutex<Arc<Served>>,
    now: AtomicI64,
}

impl FlagSource for TestSource {
    fn served(&self) -> Result<Arc<Served>, String> {
        Ok(Arc::clone(&self.served.lock().expect("not poisoned")))
    }
    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}

impl TestSource {
    fn set(&self, files: &[(&str, Value)]) {
        *self.served.lock().expect("not poisoned") = Arc::new(served(files));
    }
}

fn served(files: &[(&str, Value)]) -> Served {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, json)| SourceFile::new(*path, json.to_string()))
        .collect();
    let (snapshot, diagnostics) = Snapshot::from_files(&files);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    Served::from_snapshot(&snapshot)
}

fn project_file() -> Value {
    json!({
        "format": 1, "name": "Preview test",
        "environments": [{"key": "development", "name": "Development"}, {"key": "production", "name": "Production"}],
        "attributes": [{"key": "plan", "type": "string", "values": ["free", "pro"]}]
    })
}

fn banner(color_for_everyone: &str) -> Value {
    let env = json!({
        "enabled": true, "offVariation": "blue",
        "rules": [{"id": "pro", "name": "Pro", "when": {"attribute": "plan", "op": "in", "values": ["pro"]}, "serve": {"variation": "gold"}}],
        "fallthrough": {"variation": color_for_everyone}
    });
    json!({
        "key": "banner-color", "name": "Banner colour", "type": "string",
        "variations": [
            {"key": "blue", "name": "Blue", "value": "#1e66f5"},
            {"key": "red", "name": "Red", "value": "#d20f39"},
            {"key": "gold", "name": "Gold", "value": "#df8e1d"}
        ],
        "environments": {"development": env.clone(), "production": env}
    })
}

fn files() -> Vec<(&'static str, Value)> {
    let on_off = |key: &str, env: Value| {
        json!({"key": key, "name": key, "type": "boolean",
               "variations": [{"key": "on", "name": "On", "value": true}, {"key": "off", "name": "Off", "value": false}],
               "environments": {"production": env}})
    };
    vec![
        ("flagdeck.json", project_file()),
        ("flags/banner-color.json", banner("blue")),
        (
            "flags/new-checkout.json",
            on_off(
                "new-checkout",
                json!({"enabled": true, "offVariation": "off",
                   "fallthrough": {"rollout": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]}}),
            ),
        ),
        (
            "flags/countdown.json",
            on_off(
                "countdown",
                json!({"enabled": true, "offVariation": "off", "fallthrough": {"variation": "off"},
                   "schedule": [{"at": STEP, "fallthrough": {"variation": "on"}}]}),
            ),
        ),
        (
            "flags/killed.json",
            on_off(
                "killed",
                json!({"enabled": false, "offVariation": null, "fallthrough": {"variation": "on"}}),
            ),
        ),
        (
            "flags/max-items.json",
            json!({"key": "max-items", "name": "Max items", "type": "number",
               "variations": [{"key": "ten", "name": "Ten", "value": 10}, {"key": "half", "name": "Half", "value": 2.5}],
               "environments": {"production": {"enabled": true, "fallthrough": {"variation": "ten"}}}}),
        ),
        (
            "flags/layout.json",
            json!({"key": "layout", "name": "Layout", "type": "object",
               "variations": [{"key": "grid", "name": "Grid", "value": {"columns": 3, "dense": false}}],
               "environments": {"production": {"enabled": true, "fallthrough": {"variation": "grid"}}}}),
        ),
    ]
}

struct Running {
    source: Arc<TestSource>,
    pins: Pins,
    server: PreviewServer,
}

fn start() -> Running {
    let source = Arc::new(TestSource {
        served: Mutex::new(Arc::new(served(&files()))),
        now: AtomicI64::new(NOW),
    });
    let pins = Pins::default();
    let server = PreviewServer::start(
        Arc::clone(&source) as Arc<dyn FlagSource>,
        pins.clone(),
        None,
    )
    .expect("the server starts");
    Running {
        source,
        pins,
        server,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    etag: Option<String>,
    headers: ureq::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("JSON ({e}): {}", self.text))
    }
}

fn post(url: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().post(url).header("Content-Type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).expect("an answer");
    let text = response
        .body_mut()
        .read_to_string()
        .expect("a readable body");
    Answer {
        status: response.status().as_u16(),
        etag: response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        headers: response.headers().clone(),
        text,
    }
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn flag(&self, key: &str, context: Value) -> Answer {
        let url = self.url(&format!("/env/production/ofrep/v1/evaluate/flags/{key}"));
        post(&url, &json!({ "context": context }).to_string(), &[])
    }

    fn bulk(&self, context: Value, if_none_match: Option<&str>) -> Answer {
        let url = self.url("/env/production/ofrep/v1/evaluate/flags");
        let headers: Vec<(&str, &str)> = if_none_match
            .map(|tag| vec![("If-None-Match", tag)])
            .unwrap_or_default();
        post(&url, &json!({ "context": context }).to_string(), &headers)
    }
}

fn user() -> Value {
    json!({"targetingKey": "user-1"})
}

#[test]
fn single_evaluation_serves_typed_values_with_reasons() {
    let running = start();
    let answer = running.flag("banner-color", user());
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.json(),
        json!({"key": "banner-color", "value": "#1e66f5", "reason": "STATIC", "variant": "blue"})
    );
    let pro = running.flag("banner-color", json!({"targetingKey": "u", "plan": "pro"}));
    assert_eq!(pro.json()["reason"], "TARGETING_MATCH");
    assert_eq!(pro.json()["variant"], "gold");

    assert_eq!(running.flag("max-items", user()).json()["value"], json!(10));
    assert!(running.flag("max-items", user()).json()["value"].is_i64());
    assert_eq!(
        running.flag("layout", user()).json()["value"],
        json!({"columns": 3, "dense": false})
    );
    let split = running.flag("new-checkout", user()).json();
    assert_eq!(split["reason"], "SPLIT");
    assert!(split["value"].is_boolean());

    // Disabled with no off variation: the application's code default (no value).
    let killed = running.flag("killed", user()).json();
    assert_eq!(killed, json!({"key": "killed", "reason": "DISABLED"}));

    // The first environment when none is named: banner-color is the only flag there.
    let default_env = post(
        &running.url("/ofrep/v1/evaluate/flags/banner-color"),
        &json!({"context": user()}).to_string(),
        &[],
    );
    assert_eq!(default_env.json()["variant"], "blue");
    let absent = post(
        &running.url("/ofrep/v1/evaluate/flags/layout"),
        &json!({"context": user()}).to_string(),
        &[],
    );
    assert_eq!(absent.json()["reason"], "DISABLED", "{}", absent.text);
}

#[test]
fn errors_have_ofrep_codes_and_statuses() {
    let running = start();
    let missing = running.flag("nope", user());
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["errorCode"], "FLAG_NOT_FOUND");
    assert_eq!(missing.json()["key"], "nope");

    let url = running.url("/env/production/ofrep/v1/evaluate/flags/banner-color");
    let parse = post(&url, "{not json", &[]);
    assert_eq!(parse.status, 400);
    assert_eq!(parse.json()["errorCode"], "PARSE_ERROR");
    for body in [
        "{}",
        "[]",
        r#"{"context": 3}"#,
        r#"{"context": {"targetingKey": 7}}"#,
    ] {
        let invalid = post(&url, body, &[]);
        assert_eq!(invalid.status, 400, "{body}");
        assert_eq!(invalid.json()["errorCode"], "INVALID_CONTEXT", "{body}");
    }

    // No targetingKey: fine for a flag that does not split people, refused for one that does.
    assert_eq!(running.flag("banner-color", json!({})).status, 200);
    let rollout = running.flag("new-checkout", json!({"plan": "pro"}));
    assert_eq!(rollout.status, 400);
    assert_eq!(rollout.json()["errorCode"], "TARGETING_KEY_MISSING");

    let unknown_env = post(
        &running.url("/env/staging/ofrep/v1/evaluate/flags/banner-color"),
        &json!({"context": user()}).to_string(),
        &[],
    );
    assert_eq!(unknown_env.status, 404);
    assert!(
        unknown_env.json()["errorDetails"]
            .as_str()
            .is_some_and(|d| d.contains("development, production")),
        "{}",
        unknown_env.text
    );
    let nowhere = post(&running.url("/other"), "{}", &[]);
    assert_eq!(nowhere.status, 404);
}

#[test]
fn bulk_evaluates_every_flag_with_an_etag_and_304() {
    let running = start();
    let first = running.bulk(user(), None);
    assert_eq!(first.status, 200, "{}", first.text);
    let body = first.json();
    let keys: Vec<&str> = body["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "banner-color",
            "countdown",
            "killed",
            "layout",
            "max-items",
            "new-checkout"
        ]
    );
    let etag = first.etag.clone().expect("an ETag");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");

    let again = running.bulk(user(), Some(&etag));
    assert_eq!(again.status, 304);
    assert!(again.text.is_empty());
    assert_eq!(again.etag.as_deref(), Some(etag.as_str()));

    // Another person, other answers, another tag.
    let other = running.bulk(json!({"targetingKey": "u", "plan": "pro"}), Some(&etag));
    assert_eq!(other.status, 200);
    assert_ne!(other.etag.as_deref(), Some(etag.as_str()));

    // A flag that needs a targeting key fails alone; the others are served.
    let anonymous = running.bulk(json!({}), None).json();
    let checkout = anonymous["flags"]
        .as_array()
        .and_then(|flags| flags.iter().find(|f| f["key"] == "new-checkout"))
        .cloned()
        .expect("new-checkout");
    assert_eq!(checkout["errorCode"], "TARGETING_KEY_MISSING");

    let refused = post(
        &running.url("/ofrep/v1/evaluate/flags"),
        r#"{"ctx": {}}"#,
        &[],
    );
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json(),
        json!({"errorCode": "INVALID_CONTEXT", "errorDetails": "The request has no context object: send {\"context\": {\"targetingKey\": \"...\"}}"})
    );
}

#[test]
fn drafts_and_the_clock_change_the_answers_and_the_etag() {
    let running = start();
    let before = running.bulk(user(), None);
    let etag = before.etag.clone().expect("an ETag");

    // A draft: everyone gets red now.
    let mut changed = files();
    changed[1].1 = banner("red");
    running.source.set(&changed);
    let after = running.bulk(user(), Some(&etag));
    assert_eq!(after.status, 200, "a changed flag is not 'not modified'");
    assert_ne!(after.etag, before.etag);
    assert_eq!(
        running.flag("banner-color", user()).json()["variant"],
        "red"
    );

    // The schedule step takes effect at the source's clock.
    assert_eq!(running.flag("countdown", user()).json()["variant"], "off");
    running.source.now.store(STEP_AT, Ordering::SeqCst);
    assert_eq!(running.flag("countdown", user()).json()["variant"], "on");

    // A broken draft fails alone.
    let mut broken = changed.clone();
    broken[1].1["environments"]["production"]["fallthrough"] = json!({"variation": "purple"});
    running.source.set(&broken);
    let flag = running.flag("banner-color", user());
    assert_eq!(flag.status, 400);
    assert_eq!(flag.json()["errorCode"], "GENERAL");
    assert!(
        flag.text.contains("flags/banner-color.json"),
        "{}",
        flag.text
    );
    let bulk = running.bulk(user(), None).json();
    assert_eq!(bulk["flags"][0]["errorCode"], "GENERAL");
    assert_eq!(bulk["flags"][1]["key"], "countdown");
    assert_eq!(bulk["flags"][1]["variant"], "on");

    // A project that cannot be resolved: every request says why.
    let mut no_env = changed;
    no_env[0].1["environments"] = json!([{"key": "Bad Key", "name": "x"}]);
    running.source.set(&no_env);
    let broken = running.bulk(user(), None);
    assert_eq!(broken.status, 500, "{}", broken.text);
    assert!(broken.json()["errorDetails"].is_string());
}

#[test]
fn a_pinned_variation_is_served_static_with_metadata() {
    let running = start();
    running.pins.set("banner-color", Some("red"));
    let pinned = running.flag("banner-color", json!({"targetingKey": "u", "plan": "pro"}));
    assert_eq!(
        pinned.json(),
        json!({"key": "banner-color", "value": "#d20f39", "reason": "STATIC", "variant": "red", "metadata": {"pinned": true}})
    );
    let bulk = running.bulk(user(), None).json();
    assert_eq!(bulk["flags"][0]["metadata"], json!({"pinned": true}));
    assert_eq!(bulk["flags"][1].get("metadata"), None);

    // A pin whose variation is gone no longer applies.
    running.pins.set("banner-color", Some("purple"));
    assert_eq!(
        running.flag("banner-color", user()).json()["variant"],
        "blue"
    );
    running.pins.set("banner-color", None);
    assert_eq!(
        running.flag("banner-color", user()).json().get("metadata"),
        None
    );
}

/// A raw request, for headers a client library sets itself (Host).
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    // The server may answer (413) and close before a large body is all sent.
    let _ = stream.write_all(request.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn host_and_origin_are_guarded_and_local_pages_get_cors() {
    let running = start();
    let port = running.server.port();
    let body = r#"{"context":{}}"#;
    let request = |host: &str, extra: &str| {
        format!(
            "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    // DNS rebinding: a hostile name resolved to 127.0.0.1 keeps its own name in Host.
    let rebound = raw(port, &request(&format!("evil.example:{port}"), ""));
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    let local = raw(port, &request(&format!("localhost:{port}"), ""));
    assert!(local.starts_with("HTTP/1.1 200"), "{local}");

    let url = running.url("/ofrep/v1/evaluate/flags");
    let foreign = post(&url, body, &[("Origin", "https://evil.example")]);
    assert_eq!(foreign.status, 403);
    assert!(foreign.headers.get("access-control-allow-origin").is_none());

    let page = post(&url, body, &[("Origin", "http://localhost:5173")]);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("http://localhost:5173")
    );
    assert_eq!(
        page.headers
            .get("access-control-expose-headers")
            .and_then(|v| v.to_str().ok()),
        Some("ETag")
    );

    let preflight = raw(
        port,
        &format!(
            "OPTIONS /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:8080\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type, if-none-match\r\nConnection: close\r\n\r\n"
        ),
    )
    .to_ascii_lowercase();
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(preflight.contains("access-control-allow-origin: http://127.0.0.1:8080"));
    assert!(preflight.contains("access-control-allow-methods: post, options"));
    assert!(preflight.contains("if-none-match"));
    let foreign_preflight = raw(
        port,
        &format!(
            "OPTIONS /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(
        foreign_preflight.starts_with("HTTP/1.1 403"),
        "{foreign_preflight}"
    );
}

#[test]
fn large_and_broken_bodies_are_answered_not_panicked_on() {
    let running = start();
    let url = running.url("/ofrep/v1/evaluate/flags");
    let huge = format!(
        r#"{{"context":{{"targetingKey":"{}"}}}}"#,
        "x".repeat(flagdeck_ofrep::MAX_BODY_BYTES)
    );
    let port = running.server.port();
    let declared = format!(
        "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{huge}",
        huge.len()
    );
    assert!(raw(port, &declared).starts_with("HTTP/1.1 413"));
    // Chunked, without a length: the limit still holds.
    let chunk = "y".repeat(600 * 1024);
    let chunked = format!(
        "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{len:x}\r\n{chunk}\r\n{len:x}\r\n{chunk}\r\n0\r\n\r\n",
        len = chunk.len()
    );
    assert!(raw(port, &chunked).starts_with("HTTP/1.1 413"));
    for body in [
        "",
        "null",
        "\u{0}",
        r#"{"context": {"a": [[[[]]]]}}"#,
        "9e999",
    ] {
        let answer = post(&url, body, &[]);
        assert!(
            answer.status == 400 || answer.status == 200,
            "{body:?}: {}",
            answer.status
        );
    }
    // Still serving.
    assert_eq!(running.bulk(user(), None).status, 200);
}

#[test]
fn stopping_frees_the_port() {
    let running = start();
    let port = running.server.port();
    assert_eq!(running.bulk(user(), None).status, 200);
    running.server.stop();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    let again = PreviewServer::start(running.source.clone(), running.pins.clone(), Some(port))
        .expect("the port is free again");
    assert_eq!(again.port(), port);
    let taken = PreviewServer::start(running.source, running.pins, Some(port));
    assert!(taken.is_err(), "a port in use is an error at start");
}
