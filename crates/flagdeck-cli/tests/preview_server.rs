//! `flagdeck preview-server`: usage errors, then the real process serving a folder's uncommitted
//! edit and a pin over HTTP, stopped by SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

fn flagdeck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flagdeck"))
}

#[test]
fn usage_errors_exit_2_with_a_sentence() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let not_a_project = flagdeck()
        .args(["preview-server", &tmp.path().display().to_string()])
        .output()
        .expect("runs");
    assert_eq!(not_a_project.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_a_project.stderr).contains("no flagdeck.json"));

    let project = tmp.path().join("acme");
    let init = flagdeck()
        .args(["init", &project.display().to_string(), "--example"])
        .output()
        .expect("runs");
    assert!(init.status.success());
    let bad_pin = flagdeck()
        .args([
            "preview-server",
            &project.display().to_string(),
            "--pin",
            "banner-color",
        ])
        .output()
        .expect("runs");
    assert_eq!(bad_pin.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_pin.stderr).contains("FLAG=VARIATION"));
}

#[cfg(unix)]
#[test]
fn serves_the_folder_as_it_is_now_until_sigterm() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let project = tmp.path().join("acme");
    let init = flagdeck()
        .args(["init", &project.display().to_string(), "--example"])
        .output()
        .expect("runs");
    assert!(init.status.success());
    let path = project.join("flags/banner-color.json");
    let mut flag: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    flag["environments"]["development"]["fallthrough"] = json!({"variation": "green"});
    std::fs::write(&path, serde_json::to_vec_pretty(&flag).expect("JSON")).expect("write");

    let mut child = flagdeck()
        .args([
            "preview-server",
            &project.display().to_string(),
            "--pin",
            "max-cart-items=small",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a first line");
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent
        .post(&format!("{url}/ofrep/v1/evaluate/flags"))
        .header("Content-Type", "application/json")
        .send(json!({"context": {"targetingKey": "designer-1"}}).to_string())
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value =
        serde_json::from_str(&response.body_mut().read_to_string().expect("a body")).expect("JSON");
    let find = |key: &str| {
        body["flags"]
            .as_array()
            .and_then(|flags| flags.iter().find(|f| f["key"] == key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(find("banner-color")["variant"], "green");
    assert_eq!(find("max-cart-items")["variant"], "small");
    assert_eq!(find("max-cart-items")["metadata"], json!({"pinned": true}));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0), "SIGTERM stops it cleanly");
}
