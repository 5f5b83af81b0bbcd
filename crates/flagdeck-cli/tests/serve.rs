//! `flagdeck serve` as a browser meets it: the real binary on a free port of 127.0.0.1, a
//! project made by `flagdeck init --example`, and plain HTTP requests.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use common::{code, flagdeck, out};

/// A running `flagdeck serve`, stopped (SIGTERM, then killed) when dropped.
struct Served {
    child: Child,
    port: u16,
    token: String,
    /// The workspace of DIR, from the second line.
    workspace_id: Option<i64>,
    _stdout: BufReader<ChildStdout>,
}

impl Served {
    fn start(data_dir: &Path, dir: Option<&Path>, extra: &[&str]) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flagdeck"));
        command.arg("serve");
        if let Some(dir) = dir {
            command.arg(dir);
        }
        let mut child = command
            .args(["--port", "0", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("flagdeck serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("the first line");
        let url = first
            .trim()
            .strip_prefix("Flagdeck is at http://127.0.0.1:")
            .unwrap_or_else(|| panic!("the first line is the address: {first:?}"));
        let (port, fragment) = url.split_once("/#token=").expect("the token is in the URL");
        // With DIR the fragment also names the workspace the page should open.
        let (token, in_url) = match fragment.split_once("&workspace=") {
            Some((token, id)) => (token, Some(id.parse::<i64>().expect("a workspace id"))),
            None => (fragment, None),
        };
        let workspace_id = dir.map(|_| {
            let mut second = String::new();
            stdout.read_line(&mut second).expect("the second line");
            let id = second
                .strip_prefix("Workspace ")
                .and_then(|rest| rest.split(':').next())
                .unwrap_or_else(|| panic!("the second line names the workspace: {second:?}"));
            id.parse().expect("a workspace id")
        });
        assert_eq!(
            in_url, workspace_id,
            "the URL names DIR's workspace, and only with DIR: {first:?}"
        );
        Served {
            child,
            port: port.parse().expect("a port"),
            token: token.to_owned(),
            workspace_id,
            _stdout: stdout,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `POST /api/call` with the token: (status, body as JSON).
    fn call(&self, request: &Value) -> (u16, Value) {
        let response = agent()
            .post(self.url("/api/call"))
            .header("Authorization", &format!("Bearer {}", self.token))
            .content_type("application/json")
            .send(request.to_string())
            .expect("the server answers");
        read_json(response)
    }

    /// A successful command's result.
    fn ok(&self, request: &Value) -> Value {
        let (status, body) = self.call(request);
        assert_eq!(status, 200, "{request}: {body}");
        body
    }

    /// Stops the server as a service manager would, and waits for it.
    fn terminate(mut self) -> std::process::ExitStatus {
        self.signal_term();
        wait_with_timeout(&mut self.child, Duration::from_secs(10))
    }

    fn signal_term(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        assert!(start.elapsed() < timeout, "flagdeck serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A client that returns 4xx and 5xx answers instead of failing on them.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn read_json(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .expect("a readable body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"));
    (status, body)
}

/// A temporary data folder and the example project.
struct Fixture {
    _tmp: tempfile::TempDir,
    data_dir: PathBuf,
    project: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let project = tmp.path().join("project");
    let init = flagdeck(&["init", "--example", &project.display().to_string()]);
    assert_eq!(code(&init), 0, "{}", out(&init));
    Fixture {
        data_dir: tmp.path().join("data"),
        project,
        _tmp: tmp,
    }
}

/// A raw request, for headers a client library sets itself (Host): the status code.
fn raw_status(port: u16, request: &str) -> u16 {
    status_of(&raw_answer(port, request))
}

/// A raw request's whole answer (send `Connection: close`).
fn raw_answer(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    stream.write_all(request.as_bytes()).expect("sends");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP answer: {answer:?}"))
}

fn list_flags(served: &Served, workspace_id: i64) -> Vec<Value> {
    let list = served.ok(&json!({
        "command": "listEntities",
        "args": {"workspaceId": workspace_id, "kind": "flag"}
    }));
    list.as_array().expect("a list").clone()
}

#[test]
fn the_api_needs_the_token() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);
    let body = json!({"command": "workspaces", "args": {}}).to_string();
    let cases = [
        (None, 401),
        (Some("Bearer wrong".to_owned()), 401),
        (Some(format!("Bearer {}x", served.token)), 401),
        (Some(format!("Basic {}", served.token)), 401),
        (Some(format!("Bearer {}", served.token)), 200),
    ];
    for (authorization, expected) in cases {
        let mut request = agent()
            .post(served.url("/api/call"))
            .content_type("application/json");
        if let Some(value) = &authorization {
            request = request.header("Authorization", value);
        }
        let (status, answer) = read_json(request.send(body.clone()).expect("answers"));
        assert_eq!(status, expected, "{authorization:?}: {answer}");
        if expected == 401 {
            assert_eq!(answer["code"], "refused");
            assert!(
                answer["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("token")),
                "{answer}"
            );
        }
    }
    // The event stream takes the token in its query (EventSource cannot set headers).
    let (status, _) = read_json(
        agent()
            .get(served.url("/api/events?token=wrong"))
            .call()
            .expect("answers"),
    );
    assert_eq!(status, 401);
}

#[test]
fn other_hosts_and_origins_are_refused() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);
    let port = served.port;
    let call = |host: &str, origin: Option<&str>| {
        let body = r#"{"command":"workspaces","args":{}}"#;
        let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
        raw_status(
            port,
            &format!(
                "POST /api/call HTTP/1.1\r\nHost: {host}\r\n{origin}Authorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                served.token,
                body.len()
            ),
        )
    };
    // DNS rebinding: a hostile name that resolves to 127.0.0.1 keeps its name in Host.
    assert_eq!(call(&format!("evil.example:{port}"), None), 403);
    // Even the UI's files: a rebound page must not load them as its own either.
    let page = raw_status(
        port,
        &format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(page, 403);
    // Another site's page (CSRF), even with the token.
    assert_eq!(
        call(&format!("127.0.0.1:{port}"), Some("http://evil.example")),
        403
    );
    // The UI's own origin, by either name.
    assert_eq!(
        call(
            &format!("127.0.0.1:{port}"),
            Some(&format!("http://127.0.0.1:{port}"))
        ),
        200
    );
    assert_eq!(
        call(
            &format!("localhost:{port}"),
            Some(&format!("http://localhost:{port}"))
        ),
        200
    );
    // The refusal is an AppError, with the security headers.
    let response = agent()
        .post(served.url("/api/call"))
        .header("Origin", "http://evil.example")
        .header("Authorization", &format!("Bearer {}", served.token))
        .content_type("application/json")
        .send(r#"{"command":"workspaces","args":{}}"#)
        .expect("answers");
    let headers = response.headers().clone();
    let (status, body) = read_json(response);
    assert_eq!(status, 403);
    assert_eq!(body["code"], "refused", "{body}");
    assert_eq!(
        headers.get("x-content-type-options").map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
}

#[test]
fn commands_round_trip_and_writes_reach_the_folder_and_the_event_stream() {
    let f = fixture();
    let served = Served::start(&f.data_dir, Some(&f.project), &[]);
    let workspace_id = served.workspace_id.expect("DIR opened a workspace");

    // The listed flags are the example project's files.
    let flags = list_flags(&served, workspace_id);
    let mut listed: Vec<String> = flags
        .iter()
        .map(|f| f["key"].as_str().expect("a key").to_owned())
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(f.project.join("flags"))
        .expect("the example has flags")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    listed.sort();
    on_disk.sort();
    assert!(listed.len() >= 3, "the example has flags: {listed:?}");
    assert_eq!(listed, on_disk);

    // Subscribe, and wait until the stream says it is live.
    let events = agent()
        .get(served.url(&format!("/api/events?token={}", served.token)))
        .call()
        .expect("the event stream opens");
    assert_eq!(events.status().as_u16(), 200);
    assert!(
        events
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"))
    );
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        let reader = BufReader::new(events.into_body().into_reader());
        for line in reader.lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(10))
        .expect("the stream greets");
    assert_eq!(first, ": connected");

    // Rename a flag: the draft is written through to its file.
    let key = listed[0].clone();
    let entity = json!({"kind": "flag", "key": key});
    let view = served.ok(&json!({
        "command": "entity", "args": {"workspaceId": workspace_id, "entity": entity}
    }));
    let mut flag = view["json"].clone();
    flag["name"] = json!("Renamed over HTTP");
    let saved = served.ok(&json!({
        "command": "saveEntity",
        "args": {"workspaceId": workspace_id, "entity": entity, "json": flag}
    }));
    assert_eq!(saved["hasDraft"], true, "{saved}");
    let file = std::fs::read_to_string(f.project.join(format!("flags/{key}.json")))
        .expect("the flag's file");
    assert!(file.contains("Renamed over HTTP"), "{file}");

    // The subscriber hears of the draft.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let draft = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines.recv_timeout(left).expect("a draft event in time");
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let batch: Value = serde_json::from_str(data.trim()).expect("a JSON batch");
        let found =
            batch.as_array().expect("AppEvent[]").iter().find(|e| {
                e["subject"] == "draft" && e["key"] == json!(key) && e["source"] == "user"
            });
        if let Some(event) = found {
            break event.clone();
        }
    };
    assert_eq!(draft["workspaceId"], workspace_id);
    assert_eq!(draft["entityKind"], "flag");

    // The list shows the new name.
    let flags = list_flags(&served, workspace_id);
    let renamed = flags
        .iter()
        .find(|f| f["key"] == json!(key))
        .expect("still listed");
    assert_eq!(renamed["name"], "Renamed over HTTP");
}

#[test]
fn bad_requests_get_an_app_error() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);

    let (status, body) = served.call(&json!({"command": "launchRockets", "args": {}}));
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalidInput");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("launchRockets")),
        "{body}"
    );

    // Not JSON: serde's message, with where.
    let response = agent()
        .post(served.url("/api/call"))
        .header("Authorization", &format!("Bearer {}", served.token))
        .content_type("application/json")
        .send("{\"command\": ")
        .expect("answers");
    let (status, body) = read_json(response);
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalidInput");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("column")),
        "{body}"
    );

    // A workspace that does not exist.
    let (status, body) =
        served.call(&json!({"command": "workspace", "args": {"workspaceId": 999}}));
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("notFound")),
        "{body}"
    );

    // An unknown API path is not the UI.
    let response = agent()
        .get(served.url(&format!("/api/nothing?token={}", served.token)))
        .header("Authorization", &format!("Bearer {}", served.token))
        .call()
        .expect("answers");
    let (status, body) = read_json(response);
    assert_eq!((status, body["code"].as_str()), (404, Some("notFound")));
}

#[test]
fn a_body_over_the_limit_is_refused_with_413() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);
    // Announced by its length, or streamed in chunks of unknown total length.
    for chunked in [false, true] {
        let answer = send_9_mb(&served, chunked);
        assert_eq!(status_of(&answer), 413, "chunked {chunked}: {answer}");
        assert!(answer.contains("larger than 8 MB"), "{answer}");
    }
}

/// Sends a 9 MB command body and returns what the server answered.
fn send_9_mb(served: &Served, chunked: bool) -> String {
    const CHUNK: usize = 64 * 1024;
    let size = 9 * 1024 * 1024;
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let length = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {size}")
    };
    let head = format!(
        "POST /api/call HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n{length}\r\n\r\n",
        served.port, served.token
    );
    stream.write_all(head.as_bytes()).expect("sends the head");
    // The body goes on another thread: the server may answer before reading it all.
    let mut writer = stream.try_clone().expect("a second handle");
    let sending = std::thread::spawn(move || {
        let mut chunk = Vec::new();
        if chunked {
            chunk.extend_from_slice(format!("{CHUNK:x}\r\n").as_bytes());
        }
        chunk.extend_from_slice(&[b' '; CHUNK]);
        if chunked {
            chunk.extend_from_slice(b"\r\n");
        }
        for _ in 0..(size / CHUNK) {
            if writer.write_all(&chunk).is_err() {
                return;
            }
        }
        if chunked {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    // Read until the head and the JSON body are in (the server may then close).
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..n]);
        if String::from_utf8_lossy(&answer).contains("}") {
            break;
        }
    }
    drop(stream);
    let _ = sending.join();
    String::from_utf8_lossy(&answer).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn the_server_listens_on_127_0_0_1_only() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);
    let port = format!("{:04X}", served.port);
    // /proc/net/tcp: "sl local_address rem_address st ...", addresses in hex, 0A = LISTEN.
    let listening = |table: &str| -> Vec<String> {
        std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (address, state) = (*fields.get(1)?, *fields.get(3)?);
                let (ip, p) = address.split_once(':')?;
                (p == port && state == "0A").then(|| ip.to_owned())
            })
            .collect()
    };
    assert_eq!(listening("/proc/net/tcp"), vec!["0100007F".to_owned()]);
    assert!(listening("/proc/net/tcp6").is_empty(), "no IPv6 socket");
    assert!(TcpStream::connect(("::1", served.port)).is_err());
}

#[test]
fn a_second_launch_on_the_same_folder_reuses_its_workspace() {
    let f = fixture();
    let first = Served::start(&f.data_dir, Some(&f.project), &[]);
    let id = first.workspace_id.expect("a workspace");
    let status = first.terminate();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");

    let second = Served::start(&f.data_dir, Some(&f.project), &[]);
    assert_eq!(second.workspace_id, Some(id));
    let workspaces = second.ok(&json!({"command": "workspaces", "args": {}}));
    assert_eq!(workspaces.as_array().map(Vec::len), Some(1), "{workspaces}");
    assert_eq!(workspaces[0]["kind"], "folder");
}

#[test]
fn the_ui_is_served_from_a_folder_with_its_headers() {
    let f = fixture();
    let ui = f.data_dir.with_file_name("ui-dist");
    std::fs::create_dir_all(ui.join("assets")).expect("a UI folder");
    std::fs::write(ui.join("index.html"), "<!doctype html><title>UI</title>").expect("index");
    std::fs::write(ui.join("assets/app-1.js"), "console.log(1)").expect("a script");
    let served = Served::start(&f.data_dir, None, &["--ui-dir", &ui.display().to_string()]);
    let get = |path: &str| {
        let mut response = agent().get(served.url(path)).call().expect("answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let found = (
            response.status().as_u16(),
            header("content-type"),
            header("cache-control"),
            header("content-security-policy"),
            header("referrer-policy"),
        );
        let body = response.body_mut().read_to_string().expect("a body");
        (found, body)
    };
    let ((status, kind, cache, csp, referrer), body) = get("/");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert_eq!(cache, "no-store");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert_eq!(referrer, "no-referrer");
    assert!(body.contains("<title>UI</title>"));

    let ((status, kind, cache, ..), body) = get("/assets/app-1.js");
    assert_eq!(status, 200);
    assert!(kind.contains("javascript"), "{kind}");
    assert!(cache.contains("immutable"), "{cache}");
    assert_eq!(body, "console.log(1)");

    // The UI's own routes load index.html; no path leaves the folder.
    let ((status, _, cache, ..), body) = get("/flags/new-checkout");
    assert_eq!((status, cache.as_str()), (200, "no-store"));
    assert!(body.contains("<title>UI</title>"));
    for path in ["/../data/cache.sqlite", "/assets/../../data/cache.sqlite"] {
        let answer = raw_answer(
            served.port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                served.port
            ),
        );
        let status = status_of(&answer);
        assert!(
            status == 400 || (status == 200 && answer.contains("<title>UI</title>")),
            "{path}: {answer}"
        );
        assert!(!answer.contains("SQLite"), "{path} leaked a file");
    }
}

#[test]
fn without_a_built_ui_the_page_says_how_to_build_it() {
    let f = fixture();
    let served = Served::start(&f.data_dir, None, &[]);
    let mut response = agent().get(served.url("/")).call().expect("answers");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("a page");
    // A binary built after the UI embeds it; one built before says how to get it.
    if status == 503 {
        assert!(body.contains("npm --prefix ui ci"), "{body}");
    } else {
        assert_eq!(status, 200);
        assert!(body.to_lowercase().contains("<!doctype html"), "{body}");
    }
}
