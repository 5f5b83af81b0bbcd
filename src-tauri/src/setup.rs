//! What the desktop host gives flagdeck-app when it starts: the data folder, the user's Git
//! identity, the OS keyring, the system clock, and the window as the event sink.

use std::path::PathBuf;
use std::sync::Arc;

use flagdeck_app::{App, AppConfig, Identity, SystemClock};
use flagdeck_sync::KeyringSecretStore;
use tauri::{AppHandle, Manager};

/// Overrides the data folder (tests, measurements, a second profile).
pub const DATA_DIR_VAR: &str = "FLAGDECK_DATA_DIR";

/// Opens the app on its data folder.
pub fn open_app(handle: &AppHandle) -> Result<App, Box<dyn std::error::Error>> {
    Ok(App::open(AppConfig {
        data_dir: data_dir(handle)?,
        identity: identity(),
        secrets: Arc::new(KeyringSecretStore::platform_default()),
        clock: Arc::new(SystemClock),
        events: crate::events::to_main_window(handle.clone()),
    })?)
}

/// `FLAGDECK_DATA_DIR` if set, else the platform's folder for the app's data
/// (`~/.local/share/dev.flagdeck.app` on Linux).
fn data_dir(handle: &AppHandle) -> tauri::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_VAR).filter(|dir| !dir.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => handle.path().app_data_dir(),
    }
}

/// Who commits: `git config user.name` and `user.email` (the user's global and system
/// configuration), each falling back to a neutral value so a fresh machine still works.
fn identity() -> Identity {
    let config = git2::Config::open_default().ok();
    let value = |key: &str| {
        config
            .as_ref()
            .and_then(|config| config.get_string(key).ok())
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    Identity {
        name: value("user.name").unwrap_or_else(|| "Flagdeck user".to_owned()),
        email: value("user.email").unwrap_or_else(|| "flagdeck@localhost".to_owned()),
    }
}
