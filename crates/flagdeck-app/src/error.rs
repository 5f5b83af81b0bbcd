//! The one error type of the command surface (DESIGN §2): a stable `code` the UI switches on, a
//! sentence to show, and the field it is about, if any. The UI never parses `message`.

use std::fmt;

use flagdeck_store::StoreError;
use flagdeck_sync::{SecretError, SyncError};
use serde::Serialize;

/// What kind of failure, for the UI to react to (retry later, ask for a password, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The workspace, entity or conflict does not exist.
    NotFound,
    /// The request itself is wrong (a bad key, a kind that cannot be edited here).
    InvalidInput,
    /// The remote cannot be reached; nothing changed, sync later.
    Offline,
    /// The remote wants credentials and none are stored.
    CredentialsMissing,
    /// The remote refused the stored credentials.
    CredentialsRejected,
    /// Files or drafts cannot be read, so the sync did not run (it would lose them).
    Unreadable,
    /// The result would be invalid, so nothing was published.
    Invalid,
    /// Another sync of this workspace is running.
    Busy,
    /// The remote kept moving during the sync; run it again.
    Retry,
    /// The local cache failed.
    Storage,
    /// Git failed in a way not listed above.
    Git,
    /// A file could not be read or written.
    Io,
    /// The OS keyring failed.
    Secrets,
    /// The remote's certificate or ssh host key cannot be verified; nothing was sent.
    RemoteNotTrusted,
    /// Signing needs the user's identity (a key pair), and there is none.
    IdentityMissing,
    /// A governance rule refuses the action (a policy not met, an approval that would not
    /// count, a change request that needs approving again); the message says why.
    Refused,
}

/// A failed command: code, sentence, and the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::new(ErrorCode::NotFound, message)
    }

    pub fn refused(message: impl Into<String>) -> Self {
        AppError::new(ErrorCode::Refused, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::new(ErrorCode::InvalidInput, message)
    }

    pub fn io(action: &str, path: &std::path::Path, error: &std::io::Error) -> Self {
        AppError::new(
            ErrorCode::Io,
            format!("Could not {action} {}: {error}.", path.display()),
        )
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        let code = match error {
            StoreError::NoSuchWorkspace(_) | StoreError::NoSuchConflict(_) => ErrorCode::NotFound,
            _ => ErrorCode::Storage,
        };
        AppError::new(code, error.to_string())
    }
}

impl From<SyncError> for AppError {
    fn from(error: SyncError) -> Self {
        let code = match &error {
            SyncError::Offline { .. } => ErrorCode::Offline,
            SyncError::CredentialsMissing { .. } => ErrorCode::CredentialsMissing,
            SyncError::CredentialsRejected { .. } => ErrorCode::CredentialsRejected,
            SyncError::Secret(_) => ErrorCode::Secrets,
            SyncError::RemoteNotTrusted { .. } => ErrorCode::RemoteNotTrusted,
            SyncError::Busy { .. } => ErrorCode::Busy,
            SyncError::NotARepository { .. }
            | SyncError::InvalidBranch { .. }
            | SyncError::PathOutsideFormat { .. } => ErrorCode::InvalidInput,
            _ => ErrorCode::Git,
        };
        AppError::new(code, error.to_string())
    }
}

impl From<SecretError> for AppError {
    fn from(error: SecretError) -> Self {
        AppError::new(ErrorCode::Secrets, error.to_string())
    }
}

impl From<git2::Error> for AppError {
    fn from(error: git2::Error) -> Self {
        AppError::from(SyncError::Git(error))
    }
}

pub type AppResult<T> = Result<T, AppError>;
