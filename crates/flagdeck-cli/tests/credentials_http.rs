//! `flagdeck credentials` + `flagdeck sync` against a password-protected remote (`git
//! http-backend` behind Basic auth) with the REAL keyring. Run through scripts/with-keyring.sh
//! (CI does); without a keyring session the test says it is skipped.

#[path = "../../flagdeck-sync/tests/support/mod.rs"]
mod http;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn flagdeck(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flagdeck runs");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or_default().as_bytes())
            .expect("stdin");
    }
    child.wait_with_output().expect("flagdeck ends")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn sync_over_https_style_basic_auth_uses_the_password_from_the_keyring() {
    if std::env::var_os("FLAGDECK_KEYRING_TESTS").is_none() {
        eprintln!("skipped: no keyring session (run through scripts/with-keyring.sh)");
        return;
    }
    let server = http::GitHttpServer::start_http().expect("server");
    let tmp = tempfile::tempdir().expect("tmp");
    let project = tmp.path().join("acme");
    let o = flagdeck(&["init", project.to_str().unwrap(), "--example"], None);
    assert!(o.status.success(), "{}", text(&o));
    let url = server
        .url()
        .replacen("://", &format!("://{}@", http::USER), 1);
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(&project)
            .args(["-c", "user.name=Ada", "-c", "user.email=ada@example.com"])
            .args(args)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "example"]);
    // The server's repository starts as this project's history.
    let bare = server.bare_path();
    git(&["push", "-q", "--force", bare.to_str().unwrap(), "main"]);
    git(&["remote", "add", "origin", &url]);
    git(&["config", "user.name", "Ada"]);
    git(&["config", "user.email", "ada@example.com"]);
    let dir = project.to_str().unwrap();

    // Nothing stored yet: a clear sentence, exit 2, no prompt.
    let o = flagdeck(&["sync", dir], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("asks for a user name and password"),
        "{}",
        text(&o)
    );

    // A wrong password: refused once, and the password is in no output.
    let o = flagdeck(&["credentials", &url], Some("not-the-password\n"));
    assert!(o.status.success(), "{}", text(&o));
    let o = flagdeck(&["sync", dir], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("refused the stored credentials"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("not-the-password"));

    // The right one: the history is pushed (the server's own main moves).
    let o = flagdeck(
        &["credentials", &url],
        Some(&format!("{}\n", http::PASSWORD)),
    );
    assert!(o.status.success(), "{}", text(&o));
    let before = server.main_head().expect("head");
    std::fs::write(
        project.join("flags/new-checkout.json"),
        std::fs::read_to_string(project.join("flags/new-checkout.json"))
            .unwrap()
            .replacen("Single-page checkout redesign", "Over Basic auth", 1),
    )
    .unwrap();
    let o = flagdeck(&["sync", dir], None);
    assert!(o.status.success(), "{}", text(&o));
    assert_ne!(server.main_head().expect("head"), before);
    let pushed = http::git_cli(
        &server.bare_path(),
        &["show", "main:flags/new-checkout.json"],
    )
    .unwrap();
    assert!(pushed.contains("Over Basic auth"));
}
