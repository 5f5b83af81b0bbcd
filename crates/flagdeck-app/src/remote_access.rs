//! A workspace's remote as the settings screen shows it (issue 7): its address, whether a
//! password, token or ssh key is stored for it, storing and deleting that secret (only ever in
//! the secret store, the OS keyring: never in the cache, a file, a log or an answer), and
//! testing that the remote answers with it.

use std::path::Path;

use flagdeck_sync::{
    Credentials, SyncError, Transport, password_service, probe_remote, ssh_key_service,
    ssh_passphrase_service,
};
use serde::Serialize;

use crate::App;
use crate::error::{AppError, AppResult};
use crate::workspaces::{credentials_for_url, url_username};
use flagdeck_store::WorkspaceKind;

/// A workspace's remote and whether a secret is stored for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsStatus {
    /// The remote (a folder workspace's checkout's `origin`); `null` for a local project.
    pub remote_url: Option<String>,
    /// The user name in the remote's address, which the secret is stored for.
    pub username: Option<String>,
    /// The secret store holds a password, token or ssh key for it.
    pub stored: bool,
}

/// Whether the remote answered, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub ok: bool,
    /// "Connected: main at 1a2b3c4", "The remote refused the password or token", ...
    pub message: String,
}

impl App {
    /// The workspace's remote, its user name and whether a secret is stored for it.
    pub fn credentials_status(&self, workspace_id: i64) -> AppResult<CredentialsStatus> {
        let Some(url) = self.remote_of(workspace_id)? else {
            return Ok(CredentialsStatus {
                remote_url: None,
                username: None,
                stored: false,
            });
        };
        let stored = !matches!(
            credentials_for_url(self.secrets.as_ref(), &url)?,
            Credentials::None
        );
        Ok(CredentialsStatus {
            username: url_username(&url),
            remote_url: Some(url),
            stored,
        })
    }

    /// Stores `secret` for the workspace's remote: a password or token for an `https://`
    /// remote, a private key for an ssh one, under the user name in its address.
    pub fn set_credentials(&self, workspace_id: i64, secret: &str) -> AppResult<CredentialsStatus> {
        let url = self.remote_of(workspace_id)?.ok_or_else(no_remote)?;
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(
                AppError::invalid("Type the password, token or key to store.").with_field("secret"),
            );
        }
        let transport = Transport::of_url(&url);
        if matches!(transport, Transport::Local | Transport::Other) {
            return Err(AppError::invalid(format!(
                "The remote {url} needs no password: it is reached without one."
            )));
        }
        let username = url_username(&url).ok_or_else(|| {
            AppError::invalid(format!(
                "The remote's address {url} names no user, so the secret cannot be stored for anyone: add your user name to it (https://alice@host/flags.git)."
            ))
        })?;
        match transport {
            Transport::Ssh => self.save_ssh_key(&url, &username, secret, None)?,
            _ => self.save_git_password(&url, &username, secret)?,
        }
        self.credentials_status(workspace_id)
    }

    /// Removes every secret stored for the workspace's remote (password or token, ssh key and
    /// its passphrase); nothing stored is not an error.
    pub fn delete_credentials(&self, workspace_id: i64) -> AppResult<CredentialsStatus> {
        if let Some(url) = self.remote_of(workspace_id)?
            && let Some(username) = url_username(&url)
        {
            for service in [
                password_service(&url),
                ssh_key_service(&url),
                ssh_passphrase_service(&url),
            ] {
                self.secrets.delete(&service, &username)?;
            }
        }
        self.credentials_status(workspace_id)
    }

    /// Asks the remote for its branches with the stored credentials (like `git ls-remote`;
    /// nothing is downloaded or changed) and says how it went.
    pub fn test_connection(&self, workspace_id: i64) -> AppResult<ConnectionTest> {
        let Some(url) = self.remote_of(workspace_id)? else {
            return Ok(ConnectionTest {
                ok: false,
                message: "This workspace has no remote: it is a project on this computer only."
                    .to_owned(),
            });
        };
        let credentials = credentials_for_url(self.secrets.as_ref(), &url)?;
        Ok(match probe_remote(&url, &credentials) {
            Ok(probe) => ConnectionTest {
                ok: true,
                message: match (probe.default_branch, probe.head) {
                    (Some(branch), Some(head)) => {
                        let short: String = head.to_string().chars().take(7).collect();
                        format!("Connected: {branch} at {short}")
                    }
                    _ => "Connected: the remote has no commits yet".to_owned(),
                },
            },
            Err(error) => ConnectionTest {
                ok: false,
                message: failure_words(error),
            },
        })
    }

    /// The workspace's remote URL: a git workspace's own, a folder checkout's `origin`.
    fn remote_of(&self, workspace_id: i64) -> AppResult<Option<String>> {
        let workspace = {
            let store = self.store();
            self.workspace_record(&store, workspace_id)?
        };
        Ok(match workspace.kind {
            WorkspaceKind::Git => workspace.remote_url,
            WorkspaceKind::Folder => checkout_origin(Path::new(&workspace.location)),
            WorkspaceKind::Local => None,
        })
    }
}

/// The `origin` remote of the checkout at `folder`, if it is one and has it.
fn checkout_origin(folder: &Path) -> Option<String> {
    let repo = git2::Repository::open(folder).ok()?;
    let remote = repo.find_remote(flagdeck_sync::REMOTE).ok()?;
    remote.url().map(str::to_owned)
}

fn no_remote() -> AppError {
    AppError::invalid("This workspace has no remote, so it needs no password or token.")
}

/// A failed connection in words; never quotes a secret (the errors carry no credentials).
fn failure_words(error: SyncError) -> String {
    match error {
        SyncError::CredentialsRejected { .. } => {
            "The remote refused the password or token".to_owned()
        }
        SyncError::CredentialsMissing { .. } => {
            "The remote asks for a password or token, and none is stored for it".to_owned()
        }
        SyncError::Offline { detail, .. } => {
            format!("Offline: the remote cannot be reached ({detail})")
        }
        other => other.to_string(),
    }
}
