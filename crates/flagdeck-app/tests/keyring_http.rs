//! The app end to end with the REAL OS keyring and a real password-protected remote: `git
//! http-backend` behind HTTP Basic auth. Run through `scripts/with-keyring.sh` (CI does); without
//! a keyring session the test says it is skipped.

#[path = "../../flagdeck-sync/tests/support/mod.rs"]
mod http;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use flagdeck_app::{
    App, AppConfig, ErrorCode, Identity, SyncOptions, SyncResult, SystemClock, no_events,
};
use flagdeck_sync::{KeyringSecretStore, SecretStore};
use serde_json::json;
use support::*;

const WRONG: &str = "Wrong-Pass-4-Test";

fn keyring_session() -> bool {
    let there = std::env::var_os("FLAGDECK_KEYRING_TESTS").is_some();
    if !there {
        eprintln!("skipped: no keyring session (run through scripts/with-keyring.sh)");
    }
    there
}

#[test]
fn passwords_live_in_the_keyring_and_a_wrong_one_is_a_clear_error() -> TestResult {
    if !keyring_session() {
        return Ok(());
    }
    let server = http::GitHttpServer::start_http()?;
    // Replace the server's seed with a real project.
    let root = tempfile::tempdir()?;
    let seed = seeded_remote(root.path(), &example())?;
    let seed_bare = seed.strip_prefix("file://").ok_or("url")?;
    git(
        std::path::Path::new(seed_bare),
        &[
            "push",
            "-q",
            "--force",
            server.bare_path().to_str().ok_or("path")?,
            "main",
        ],
    )?;

    let data = root.path().join("data");
    let app = App::open(AppConfig {
        data_dir: data.clone(),
        identity: Identity {
            name: "Ada".into(),
            email: "ada@example.com".into(),
        },
        secrets: Arc::new(KeyringSecretStore::secret_service()),
        clock: Arc::new(SystemClock),
        events: no_events(),
    })?;
    let url = server
        .url()
        .replacen("://", &format!("://{}@", http::USER), 1);

    let missing = app.create_git_workspace("Acme", &url).unwrap_err();
    assert_eq!(missing.code, ErrorCode::CredentialsMissing, "{missing}");

    app.save_git_password(&url, http::USER, WRONG)?;
    let started = Instant::now();
    let wrong = app.create_git_workspace("Acme", &url).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::CredentialsRejected, "{wrong}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!wrong.message.contains(WRONG));
    assert!(app.workspaces()?.is_empty());

    app.save_git_password(&url, http::USER, http::PASSWORD)?;
    let ws = app.create_git_workspace("Acme", &url)?.id;
    edit_flag(&app, ws, "new-checkout", |f| f["name"] = json!("Over HTTP"))?;
    assert_eq!(
        app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    let pushed = http::git_cli(
        &server.bare_path(),
        &["show", "main:flags/new-checkout.json"],
    )?;
    assert!(pushed.contains("Over HTTP"));

    // Neither password reached the cache, the clone or any other file of the data folder.
    drop(app);
    for secret in [WRONG, http::PASSWORD] {
        let leaks = files_containing(&data, secret.as_bytes());
        assert!(leaks.is_empty(), "{secret:?} found in {leaks:?}");
    }
    KeyringSecretStore::secret_service()
        .delete(&flagdeck_sync::password_service(&url), http::USER)?;
    Ok(())
}
