//! Flagdeck's local cache: one SQLite database per app data folder.
//!
//! - [`Store::open`] creates or opens the file in WAL mode with a busy timeout and foreign keys on,
//!   refuses a database from a newer Flagdeck without touching it, backs the file up, then applies
//!   the embedded migrations (see [`migrations`]).
//! - Every write takes a [`Source`] and a time `now` (Unix seconds; the store does not read the
//!   clock for data) and returns [`Written`]: its value plus the [`ChangeEvent`]s to forward to the UI.
//! - Writes run in `BEGIN IMMEDIATE` transactions, so a second process waits up to
//!   [`BUSY_TIMEOUT`] instead of failing; events are built after the commit.
//! - Reads return plain values. Nothing here panics on data: bad rows become [`StoreError::CorruptRow`].

mod audit;
mod conflicts;
mod drafts;
mod error;
mod events;
mod listing;
pub mod migrations;
mod persona_drafts;
mod settle;
mod summary;
mod sync_runs;
mod workspaces;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use audit::{AuditEntry, AuditQuery, NewAuditEntry};
pub use conflicts::{Conflict, NewConflict};
pub use drafts::{Draft, DraftContent, HISTORY_LIMIT};
pub use error::StoreError;
pub use events::{Change, ChangeEvent, EntityKind, Source, Subject, Written};
pub use listing::{EntityRow, EntityState, EntitySummary, EnvironmentSummary};
pub use settle::{Settled, SyncedDraft};
pub use sync_runs::{SyncOutcome, SyncRun, SyncStatus};
pub use workspaces::{BaseEntity, NewWorkspace, Workspace, WorkspaceKind};

/// How long a write waits for another connection's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open cache. One per thread or behind a mutex: writes take `&mut self` for their transaction.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) and upgrades the cache at `path`. The clock is read only to
    /// stamp `schema_migrations.applied_at`; use [`Store::open_at`] to pass the time.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
        Store::open_at(path, now)
    }

    /// [`Store::open`] with the time given, in Unix seconds.
    pub fn open_at(path: &Path, now: i64) -> Result<Store, StoreError> {
        // No URI parsing: the path is a path.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrations::migrate(&mut conn, path, now)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Starts a write transaction that takes the write lock up front. A deferred transaction that
    /// reads first and writes later fails at once with "database is locked" when another
    /// connection wrote in between; an immediate one waits for the busy timeout instead.
    pub(crate) fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The newest migration applied to this database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
                row.get::<_, Option<i64>>(0)
            })?
            .unwrap_or(0))
    }

    /// SQLite's journal mode for this connection ("wal" once open).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))?)
    }
}

/// Reads an optional JSON text column.
pub(crate) fn parse_json_opt(
    text: Option<String>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<serde_json::Value>, StoreError> {
    text.map(|text| parse_json(&text, table, column))
        .transpose()
}

/// Reads a JSON text column; a bad value is a [`StoreError::CorruptRow`], not a panic.
pub(crate) fn parse_json(
    text: &str,
    table: &'static str,
    column: &'static str,
) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::corrupt(table, column, error))
}

#[cfg(test)]
mod test_support {
    use super::*;

    /// A store in a fresh temporary folder; keep the `TempDir` alive as long as the store.
    pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_at(&dir.path().join("cache.sqlite"), 1_000).expect("open");
        (dir, store)
    }

    /// A workspace of `kind` in `store`, for tests of what hangs off a workspace.
    pub(crate) fn workspace(store: &mut Store, kind: crate::WorkspaceKind) -> i64 {
        let new = crate::NewWorkspace {
            name: "w".into(),
            kind,
            location: "/w".into(),
            remote_url: None,
        };
        store
            .create_workspace(&new, crate::Source::User, 1)
            .expect("workspace created")
            .value
            .id
    }
}
