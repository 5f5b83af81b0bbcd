//! The settings screen's credentials with the REAL OS keyring: `setCredentials` puts the
//! password into the Secret Service under `flagdeck:git:<url>` / the URL's user name and nowhere
//! else, `testConnection` reaches a password-protected `git http-backend` with it, and
//! `deleteCredentials` takes it out again. Run through `scripts/with-keyring.sh` (CI does);
//! without a keyring session the test says it is skipped.

#[path = "../../flagdeck-sync/tests/support/mod.rs"]
mod http;
mod support;

use std::sync::Arc;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppConfig, AppError, Identity, SystemClock, no_events};
use flagdeck_sync::{KeyringSecretStore, SecretStore, password_service};
use serde_json::{Value, json};
use support::*;

fn keyring_session() -> bool {
    let there = std::env::var_os("FLAGDECK_KEYRING_TESTS").is_some();
    if !there {
        eprintln!("skipped: no keyring session (run through scripts/with-keyring.sh)");
    }
    there
}

fn call(app: &App, command: &str, args: Value) -> Result<Value, AppError> {
    let request: Request = serde_json::from_value(json!({"command": command, "args": args}))
        .map_err(|e| AppError::invalid(format!("{command}: {e}")))?;
    app.call(request)
}

#[test]
fn the_remotes_password_goes_to_the_os_keyring_only() -> TestResult {
    if !keyring_session() {
        return Ok(());
    }
    let server = http::GitHttpServer::start_http()?;
    let root = tempfile::tempdir()?;
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
    // The server's port is this run's own, so the keyring entry cannot meet another run's.
    let url = server
        .url()
        .replacen("://", &format!("://{}@", http::USER), 1);
    let seed = seeded_remote(root.path(), &example())?;
    let checkout = root.path().join("checkout");
    git(root.path(), &["clone", "-q", &seed, "checkout"])?;
    git(&checkout, &["remote", "set-url", "origin", &url])?;
    let ws = call(
        &app,
        "openFolderWorkspace",
        json!({"name": "Checkout", "folder": checkout}),
    )?["id"]
        .as_i64()
        .ok_or("an id")?;

    let stored = call(
        &app,
        "setCredentials",
        json!({"workspaceId": ws, "secret": http::PASSWORD}),
    )?;
    assert_eq!(stored["stored"], true);
    let keyring = KeyringSecretStore::secret_service();
    let held = keyring.get(&password_service(&url), http::USER)?;
    assert_eq!(held.as_ref().map(|s| s.expose()), Some(http::PASSWORD));
    let tested = call(&app, "testConnection", json!({"workspaceId": ws}))?;
    assert_eq!(tested["ok"], true, "{tested}");

    let deleted = call(&app, "deleteCredentials", json!({"workspaceId": ws}))?;
    assert_eq!(deleted["stored"], false);
    assert!(keyring.get(&password_service(&url), http::USER)?.is_none());
    drop(app);
    let leaked = files_containing(&data, http::PASSWORD.as_bytes());
    assert!(
        leaked.is_empty(),
        "the password reached the data folder: {leaked:?}"
    );
    Ok(())
}
