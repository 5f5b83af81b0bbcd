//! Embedded, forward-only schema migrations, the schema-version gate and the backup before an
//! upgrade.
//!
//! To add a migration: write `migrations/<YYYYMMDDHHMMSS>_<name>.sql` and append it to
//! [`MIGRATIONS`]. Never edit or reorder a released migration.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};

use crate::StoreError;

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The UTC timestamp in the file name, `YYYYMMDDHHMMSS`, read as a number.
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// Rows rewritten by code after the SQL, in the same transaction (when SQL cannot say it).
    pub then: Option<RowRewrite>,
}

/// A migration's Rust step: rewrites rows inside the migration's transaction.
pub type RowRewrite = fn(&Transaction<'_>) -> Result<(), StoreError>;

/// Every migration this binary knows, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 20261121074000,
        name: "initial",
        sql: include_str!("../migrations/20261121074000_initial.sql"),
        then: None,
    },
    Migration {
        version: 20261121090000,
        name: "entity_summaries",
        sql: include_str!("../migrations/20261121090000_entity_summaries.sql"),
        then: None,
    },
    Migration {
        version: 20261121120000,
        name: "environment_summaries",
        sql: include_str!("../migrations/20261121120000_environment_summaries.sql"),
        then: Some(crate::summary::rewrite_summaries),
    },
    Migration {
        version: 20261121170000,
        name: "personas_as_drafts",
        sql: include_str!("../migrations/20261121170000_personas_as_drafts.sql"),
        then: Some(crate::persona_drafts::move_personas_to_drafts),
    },
];

/// The newest schema version this binary knows.
pub fn latest_known_version() -> i64 {
    MIGRATIONS.last().map_or(0, |migration| migration.version)
}

const CREATE_SCHEMA_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)";

/// Brings the database at `path` up to the newest known schema.
///
/// Reads first and writes nothing until the gate has passed, so a database from a newer Flagdeck,
/// a foreign database or a damaged file is left byte-for-byte as it was.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, now: i64) -> Result<(), StoreError> {
    migrate_with(conn, path, now, MIGRATIONS)
}

/// [`migrate`] with the list of known migrations given, so tests can play an older binary.
fn migrate_with(
    conn: &mut Connection,
    path: &Path,
    now: i64,
    known: &[Migration],
) -> Result<(), StoreError> {
    // One read transaction, so both reads see the same snapshot even while another process is
    // creating the schema. Dropping it rolls back: nothing is written.
    let applied = applied_versions(&*conn.transaction()?, path)?;
    check_gate(&applied, known)?;
    use_wal(conn)?;
    let pending: Vec<&Migration> = known
        .iter()
        .filter(|migration| !applied.contains(&migration.version))
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    if let Some(current) = applied.iter().max() {
        back_up(conn, path, *current)?;
    }
    conn.execute(CREATE_SCHEMA_MIGRATIONS, [])?;
    for migration in pending {
        apply(conn, migration, now)?;
    }
    Ok(())
}

/// Switches the file to write-ahead logging. The switch needs the file's exclusive lock, and
/// SQLite answers "database is locked" at once, without waiting on the busy handler, when
/// another connection is making the same switch (two processes opening a new file together):
/// so it is retried until the busy timeout.
fn use_wal(conn: &Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + crate::BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(error)
                if error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            result => return Ok(result?),
        }
    }
}

/// The versions recorded in `schema_migrations`; empty for a new, empty file.
fn applied_versions(conn: &Connection, path: &Path) -> Result<Vec<i64>, StoreError> {
    let not_a_database = |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => StoreError::Sqlite(error),
    };
    let has_table: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(not_a_database)?;
    if has_table.is_none() {
        return empty_or_foreign(conn, path);
    }
    let mut statement = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .map_err(not_a_database)?;
    let versions = statement
        .query_map([], |row| row.get(0))
        .map_err(not_a_database)?
        .collect::<Result<Vec<i64>, _>>()
        .map_err(not_a_database)?;
    Ok(versions)
}

/// A database without `schema_migrations` must be empty; anything else belongs to someone else.
fn empty_or_foreign(conn: &Connection, path: &Path) -> Result<Vec<i64>, StoreError> {
    let objects: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
        [],
        |row| row.get(0),
    )?;
    if objects == 0 {
        Ok(Vec::new())
    } else {
        Err(StoreError::ForeignDatabase {
            path: path.to_path_buf(),
        })
    }
}

/// An older binary refuses a database that a newer one has migrated.
fn check_gate(applied: &[i64], known: &[Migration]) -> Result<(), StoreError> {
    let unknown = applied
        .iter()
        .any(|version| !known.iter().any(|migration| migration.version == *version));
    match applied.iter().max() {
        Some(found) if unknown => Err(StoreError::NewerSchema {
            found: *found,
            known: known.last().map_or(0, |migration| migration.version),
        }),
        _ => Ok(()),
    }
}

/// Where the copy taken before upgrading from schema `version` goes: `<path>.backup-<version>`.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(format!(".backup-{version}"));
    PathBuf::from(name)
}

/// Copies the whole database with SQLite's online backup, WAL content included.
fn back_up(conn: &Connection, path: &Path, version: i64) -> Result<(), StoreError> {
    let backup = backup_path(path, version);
    conn.backup(rusqlite::MAIN_DB, &backup, rusqlite::backup::NO_PROGRESS)
        .map_err(|source| StoreError::Backup { backup, source })
}

/// Runs one migration and records it, all in one transaction. The write lock is taken up front
/// and the version re-checked, so two processes opening the same file apply it once.
fn apply(conn: &mut Connection, migration: &Migration, now: i64) -> Result<(), StoreError> {
    let failed = |source| StoreError::Migration {
        version: migration.version,
        name: migration.name,
        source,
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let already: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM schema_migrations WHERE version = ?1",
            [migration.version],
            |row| row.get(0),
        )
        .optional()
        .map_err(failed)?;
    if already.is_some() {
        return Ok(());
    }
    tx.execute_batch(migration.sql).map_err(failed)?;
    if let Some(then) = migration.then {
        then(&tx)?;
    }
    tx.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
        (migration.version, migration.name, now),
    )
    .map_err(failed)?;
    tx.commit().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_in_strictly_increasing_order_and_look_like_timestamps() {
        for pair in MIGRATIONS.windows(2) {
            if let [older, newer] = pair {
                assert!(
                    older.version < newer.version,
                    "{} must come before {}",
                    older.name,
                    newer.name
                );
            }
        }
        for migration in MIGRATIONS {
            assert_eq!(
                migration.version.to_string().len(),
                14,
                "{} is not YYYYMMDDHHMMSS",
                migration.name
            );
            assert!(!migration.sql.trim().is_empty());
        }
    }

    #[test]
    fn the_gate_accepts_known_prefixes_and_refuses_unknown_versions() {
        assert!(check_gate(&[], MIGRATIONS).is_ok());
        assert!(check_gate(&[latest_known_version()], MIGRATIONS).is_ok());
        let newer = latest_known_version() + 1;
        match check_gate(&[latest_known_version(), newer], MIGRATIONS) {
            Err(StoreError::NewerSchema { found, known }) => {
                assert_eq!(found, newer);
                assert_eq!(known, latest_known_version());
            }
            other => panic!("expected NewerSchema, got {other:?}"),
        }
    }

    #[test]
    fn backup_path_appends_the_version() {
        assert_eq!(
            backup_path(Path::new("/data/cache.sqlite"), 20261121074000),
            PathBuf::from("/data/cache.sqlite.backup-20261121074000")
        );
    }

    #[test]
    fn upgrading_rewrites_flag_and_project_summaries_with_their_environments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, 1, &MIGRATIONS[..2]).unwrap();
        conn.execute_batch(
            r#"INSERT INTO workspaces (id, name, kind, location, created_at) VALUES (1, 'w', 'git', '/w', 1);
               INSERT INTO base_entities (workspace_id, kind, key, json) VALUES (1, 'flag', 'a',
                 '{"key":"a","name":"A","environments":{"prod":{"enabled":true,"fallthrough":{},"schedule":[{"at":"2027-01-01T00:00:00Z","enabled":false}]}}}');
               INSERT INTO base_entities (workspace_id, kind, key, json) VALUES (1, 'project', 'flagdeck',
                 '{"name":"P","environments":[{"key":"prod","name":"Prod"}]}');
               INSERT INTO drafts (workspace_id, kind, key, json, updated_at, source) VALUES (1, 'flag', 'b',
                 '{"key":"b","name":"B","environments":{"prod":{"enabled":false,"offVariation":"off"}}}', 1, 'user');"#,
        )
        .unwrap();
        migrate_with(&mut conn, &path, 2, MIGRATIONS).unwrap();
        let environments = |table: &str, key: &str| -> serde_json::Value {
            let text: String = conn
                .query_row(
                    &format!("SELECT summary FROM {table} WHERE key = ?1"),
                    [key],
                    |r| r.get(0),
                )
                .unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["environments"].clone()
        };
        assert_eq!(
            environments("base_entities", "a"),
            serde_json::json!([{"key": "prod", "enabled": true, "offVariation": false,
                "switches": [[1_798_761_600, false]], "lastStep": 1_798_761_600}])
        );
        assert_eq!(
            environments("base_entities", "flagdeck"),
            serde_json::json!([{"key": "prod"}])
        );
        assert_eq!(environments("drafts", "b")[0]["offVariation"], true);
    }

    #[test]
    fn upgrading_turns_the_old_personas_into_persona_drafts_and_drops_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, 1, &MIGRATIONS[..3]).unwrap();
        conn.execute_batch(
            r#"INSERT INTO workspaces (id, name, kind, location, created_at) VALUES (1, 'w', 'git', '/w', 1);
               INSERT INTO workspaces (id, name, kind, location, created_at) VALUES (2, 'v', 'local', '/v', 1);
               INSERT INTO personas VALUES (1, 'anna', 'Anna', '{"country":"DE","plan":"pro"}', 7);
               INSERT INTO personas VALUES (1, 'Ana Smith', 'Ana', '{"targetingKey":"u-2"}', 8);
               INSERT INTO personas VALUES (1, 'ana-smith', 'Other Ana', '{}', 9);
               INSERT INTO personas VALUES (2, 'anna', 'Anna in v', '{"age":3}', 10);"#,
        )
        .unwrap();
        drop(conn);
        let store = crate::Store::open_at(&path, 2).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_known_version());
        let drafts = |ws: i64| -> Vec<(String, serde_json::Value, i64, crate::Source)> {
            store
                .drafts(ws)
                .unwrap()
                .into_iter()
                .map(|d| {
                    assert_eq!(d.kind, crate::EntityKind::Persona);
                    let json = d.content.json().cloned().unwrap();
                    (d.key, json, d.updated_at, d.source)
                })
                .collect()
        };
        let import = crate::Source::Import;
        assert_eq!(
            drafts(1),
            vec![
                (
                    "ana-smith".to_owned(),
                    serde_json::json!({"key": "ana-smith", "name": "Ana", "context": {"targetingKey": "u-2"}}),
                    8,
                    import
                ),
                (
                    "ana-smith-2".to_owned(),
                    serde_json::json!({"key": "ana-smith-2", "name": "Other Ana", "context": {}}),
                    9,
                    import
                ),
                (
                    "anna".to_owned(),
                    serde_json::json!({"key": "anna", "name": "Anna", "context": {"country": "DE", "plan": "pro"}}),
                    7,
                    import
                ),
            ]
        );
        assert_eq!(drafts(2)[0].1["name"], "Anna in v");
        // Listed like any entity, with its name; no undo step removes what the user had.
        let rows = store.entity_rows(1, crate::EntityKind::Persona).unwrap();
        assert_eq!(rows[2].summary.name.as_deref(), Some("Anna"));
        assert_eq!(store.undo_redo_counts(1).unwrap(), (0, 0));
        let old_table: i64 = Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'personas'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(old_table, 0, "the old table is dropped");
        assert!(backup_path(&path, MIGRATIONS[2].version).exists());
    }

    #[test]
    fn upgrading_a_cache_with_data_fills_in_the_entity_summaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, 1, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(
            r#"INSERT INTO workspaces (id, name, kind, location, created_at) VALUES (1, 'w', 'git', '/w', 1);
               INSERT INTO base_entities VALUES (1, 'flag', 'a', '{"key":"a","name":"Alpha","tags":["x"],"type":"boolean"}');
               INSERT INTO drafts VALUES (1, 'flag', 'b', '{"key":"b","description":"Beta"}', 1, 'user');
               INSERT INTO drafts VALUES (1, 'flag', 'c', NULL, 1, 'user');"#,
        )
        .unwrap();
        migrate_with(&mut conn, &path, 2, MIGRATIONS).unwrap();
        let summary = |table: &str, key: &str| -> serde_json::Value {
            let text: String = conn
                .query_row(
                    &format!("SELECT summary FROM {table} WHERE key = ?1"),
                    [key],
                    |r| r.get(0),
                )
                .unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let a = summary("base_entities", "a");
        assert_eq!(
            (a["name"].as_str(), a["type"].as_str()),
            (Some("Alpha"), Some("boolean"))
        );
        assert_eq!(a["tags"], serde_json::json!(["x"]));
        assert_eq!(summary("drafts", "b")["description"].as_str(), Some("Beta"));
        assert_eq!(summary("drafts", "c"), serde_json::json!({}));
    }

    const FIRST: Migration = Migration {
        version: 20200101000000,
        name: "first",
        sql: "CREATE TABLE one (x INTEGER); INSERT INTO one VALUES (1);",
        then: None,
    };
    const SECOND: Migration = Migration {
        version: 20200102000000,
        name: "second",
        sql: "CREATE TABLE two (y INTEGER);",
        then: None,
    };
    const BROKEN: Migration = Migration {
        version: 20200103000000,
        name: "broken",
        sql: "CREATE TABLE three (z INTEGER); THIS IS NOT SQL;",
        then: None,
    };

    fn open_raw(path: &Path) -> Connection {
        Connection::open(path).expect("open")
    }

    fn tables(conn: &Connection) -> Vec<String> {
        let mut statement = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .expect("prepare");
        statement
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[test]
    fn an_upgrade_backs_up_the_old_schema_first() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.sqlite");
        migrate_with(&mut open_raw(&path), &path, 1, &[FIRST]).expect("first");
        let backup = backup_path(&path, FIRST.version);
        assert!(!backup.exists(), "a new database has nothing to back up");

        migrate_with(&mut open_raw(&path), &path, 2, &[FIRST, SECOND]).expect("second");
        assert!(
            backup.exists(),
            "the upgrade must leave {}",
            backup.display()
        );
        let old = open_raw(&backup);
        assert_eq!(tables(&old), vec!["one", "schema_migrations"]);
        let kept: i64 = old
            .query_row("SELECT x FROM one", [], |row| row.get(0))
            .expect("row");
        assert_eq!(kept, 1);
        assert_eq!(
            tables(&open_raw(&path)),
            vec!["one", "schema_migrations", "two"]
        );
    }

    #[test]
    fn a_failing_migration_rolls_back_and_names_itself() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.sqlite");
        migrate_with(&mut open_raw(&path), &path, 1, &[FIRST]).expect("first");
        let error = migrate_with(&mut open_raw(&path), &path, 2, &[FIRST, BROKEN]).unwrap_err();
        assert!(
            matches!(error, StoreError::Migration { name: "broken", .. }),
            "{error}"
        );
        let conn = open_raw(&path);
        assert_eq!(
            tables(&conn),
            vec!["one", "schema_migrations"],
            "table three must be rolled back"
        );
        let versions: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .expect("count");
        assert_eq!(versions, 1);
    }

    #[test]
    fn an_older_binary_refuses_what_a_newer_one_migrated() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.sqlite");
        migrate_with(&mut open_raw(&path), &path, 1, &[FIRST, SECOND]).expect("newer");
        let error = migrate_with(&mut open_raw(&path), &path, 2, &[FIRST]).unwrap_err();
        assert!(
            matches!(error, StoreError::NewerSchema { found, known } if found == SECOND.version && known == FIRST.version),
            "{error}"
        );
    }
}
