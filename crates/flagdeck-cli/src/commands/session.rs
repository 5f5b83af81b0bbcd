//! The app behind the governance commands: the user's data folder (`--data-dir`,
//! `FLAGDECK_DATA_DIR`, else `$XDG_DATA_HOME/flagdeck` or `~/.local/share/flagdeck`), the OS
//! keyring for signing keys, and the checkout as a folder workspace of that app.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use flagdeck_app::{App, AppConfig, EventSink, Identity, SystemClock, no_events};
use flagdeck_sync::KeyringSecretStore;

use crate::error::CliError;

/// The data folder the user chose, or the usual one.
pub fn data_dir(arg: Option<PathBuf>) -> Result<PathBuf, CliError> {
    if let Some(dir) = arg {
        return Ok(dir);
    }
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = from_env("FLAGDECK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = from_env("XDG_DATA_HOME") {
        return Ok(PathBuf::from(dir).join("flagdeck"));
    }
    match from_env("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/flagdeck")),
        None => Err(CliError::Usage(
            "No data folder: pass --data-dir, or set FLAGDECK_DATA_DIR or HOME.".to_owned(),
        )),
    }
}

/// The app on the user's data folder, signing with the key in the OS keyring. Commits are
/// authored by the user's person (name and email) once they have one.
pub fn open_app(data_dir: &Path) -> Result<App, CliError> {
    open_app_with_events(data_dir, no_events())
}

/// [`open_app`] with a host that listens to the app's change events (`flagdeck serve`).
pub fn open_app_with_events(data_dir: &Path, events: EventSink) -> Result<App, CliError> {
    let open = |identity: Identity| {
        App::open(AppConfig {
            data_dir: data_dir.to_path_buf(),
            identity,
            secrets: Arc::new(KeyringSecretStore::platform_default()),
            clock: Arc::new(SystemClock),
            events: events.clone(),
        })
    };
    let app = open(Identity {
        name: "Flagdeck".to_owned(),
        email: "flagdeck@localhost".to_owned(),
    })?;
    match app.person()? {
        Some(person) => {
            drop(app);
            Ok(open(Identity {
                name: person.display_name().to_owned(),
                email: person.email,
            })?)
        }
        None => Ok(app),
    }
}

/// The app and the workspace of the checkout at `dir`.
pub fn open_checkout(data_dir: &Path, dir: &Path) -> Result<(App, i64), CliError> {
    let app = open_app(data_dir)?;
    let workspace = app.checkout_workspace(dir)?;
    Ok((app, workspace.id))
}
