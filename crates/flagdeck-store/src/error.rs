//! The store's one error type. Every message is a sentence a person can act on.

use std::path::PathBuf;

/// What can go wrong when opening or using the cache.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created (missing folder, no permission, ...).
    #[error("Could not open the workspace cache at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// The database was migrated by a newer Flagdeck; it was left untouched.
    #[error(
        "This workspace cache was written by a newer Flagdeck (schema {found}, this Flagdeck knows up to {known}); update Flagdeck to open it. Nothing was changed."
    )]
    NewerSchema { found: i64, known: i64 },

    /// The file exists but is not an SQLite database (or is damaged beyond reading).
    #[error(
        "The workspace cache at {path} is not a readable SQLite database (it may be damaged); move it aside and Flagdeck will build a new one. Nothing was changed."
    )]
    NotADatabase { path: PathBuf },

    /// The file is an SQLite database that some other program made.
    #[error(
        "The file at {path} is an SQLite database but not a Flagdeck cache; choose another location. Nothing was changed."
    )]
    ForeignDatabase { path: PathBuf },

    /// The backup taken before migrating failed, so the migration did not run.
    #[error(
        "Could not back up the workspace cache to {backup} before upgrading it, so it was not upgraded: {source}"
    )]
    Backup {
        backup: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// One migration failed; its transaction was rolled back.
    #[error(
        "Could not upgrade the workspace cache to schema {version} ({name}); it was left at the previous schema: {source}"
    )]
    Migration {
        version: i64,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// A stored row holds something this binary cannot read (for example invalid JSON).
    #[error("The workspace cache holds an unreadable value in {table}.{column}: {detail}")]
    CorruptRow {
        table: &'static str,
        column: &'static str,
        detail: String,
    },

    /// The named workspace does not exist.
    #[error("There is no workspace with id {0}.")]
    NoSuchWorkspace(i64),

    /// The named conflict does not exist.
    #[error("There is no conflict with id {0}.")]
    NoSuchConflict(i64),

    /// The named sync run does not exist or has already finished.
    #[error("There is no running sync run with id {0}.")]
    NoRunningSyncRun(i64),

    /// Any other SQLite failure (disk full, locked past the busy timeout, ...).
    #[error("The workspace cache could not be read or written: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// A shorthand for reading back a stored value that does not parse.
    pub(crate) fn corrupt(
        table: &'static str,
        column: &'static str,
        detail: impl ToString,
    ) -> Self {
        StoreError::CorruptRow {
            table,
            column,
            detail: detail.to_string(),
        }
    }
}
