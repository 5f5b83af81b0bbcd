//! Opening real SQLite files: migrations, the version gate, WAL, damaged files, two processes.

use std::path::{Path, PathBuf};
use std::thread;

use flagdeck_store::migrations::{MIGRATIONS, backup_path, latest_known_version};
use flagdeck_store::{
    Change, DraftContent, EntityKind, NewWorkspace, Source, Store, StoreError, Subject,
    WorkspaceKind,
};
use rusqlite::Connection;
use serde_json::json;

fn cache_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("flagdeck.sqlite")
}

fn workspace() -> NewWorkspace {
    NewWorkspace {
        name: "Shop".into(),
        kind: WorkspaceKind::Git,
        location: "/data/shop".into(),
        remote_url: None,
    }
}

fn count(path: &Path, sql: &str) -> i64 {
    let conn = Connection::open(path).expect("open raw");
    conn.query_row(sql, [], |row| row.get(0)).expect("count")
}

#[test]
fn a_new_file_gets_every_table_and_migration() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let store = Store::open(&path).expect("open");
    assert_eq!(
        store.schema_version().expect("version"),
        latest_known_version()
    );
    drop(store);
    for table in [
        "workspaces",
        "base_entities",
        "drafts",
        "draft_history",
        "change_requests",
        "approvals",
        "audit_log",
        "sync_runs",
        "conflicts",
    ] {
        let sql =
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'");
        assert_eq!(count(&path, &sql), 1, "table {table} is missing");
    }
    // Personas are repository entities now (drafts and base rows), not a table of their own.
    let personas = "SELECT count(*) FROM sqlite_master WHERE name = 'personas'";
    assert_eq!(count(&path, personas), 0);
    let applied = count(&path, "SELECT count(*) FROM schema_migrations");
    assert_eq!(applied, i64::try_from(MIGRATIONS.len()).expect("small"));
}

#[test]
fn the_journal_is_wal_and_foreign_keys_cascade() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let mut store = Store::open_at(&path, 1).expect("open");
    assert_eq!(store.journal_mode().expect("mode"), "wal");
    let id = store
        .create_workspace(&workspace(), Source::User, 1)
        .expect("create")
        .value
        .id;
    let _ = store
        .save_draft(
            id,
            EntityKind::Flag,
            "a",
            &DraftContent::Deleted,
            Source::User,
            2,
        )
        .expect("draft");
    let _ = store.delete_workspace(id, Source::User).expect("delete");
    drop(store);
    assert_eq!(
        count(&path, "SELECT count(*) FROM drafts"),
        0,
        "drafts must go with their workspace"
    );
}

#[test]
fn reopening_changes_nothing_and_takes_no_backup() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let mut store = Store::open_at(&path, 1).expect("first open");
    let id = store
        .create_workspace(&workspace(), Source::User, 1)
        .expect("create")
        .value
        .id;
    drop(store);
    let store = Store::open_at(&path, 2).expect("second open");
    assert_eq!(
        store.workspace(id).expect("read").map(|w| w.name),
        Some("Shop".into())
    );
    assert_eq!(
        store.schema_version().expect("version"),
        latest_known_version()
    );
    drop(store);
    // Personas are repository entities now (drafts and base rows), not a table of their own.
    let personas = "SELECT count(*) FROM sqlite_master WHERE name = 'personas'";
    assert_eq!(count(&path, personas), 0);
    let applied = count(&path, "SELECT count(*) FROM schema_migrations");
    assert_eq!(applied, i64::try_from(MIGRATIONS.len()).expect("small"));
    assert!(!backup_path(&path, latest_known_version()).exists());
    let stamped = count(&path, "SELECT max(applied_at) FROM schema_migrations");
    assert_eq!(
        stamped, 1,
        "a reopen must not re-apply or re-stamp migrations"
    );
}

#[test]
fn a_newer_schema_is_refused_with_a_sentence_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    drop(Store::open_at(&path, 1).expect("open"));
    let newer = 20990101000000_i64;
    {
        let conn = Connection::open(&path).expect("raw");
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'from_the_future', 5)",
            [newer],
        )
        .expect("insert");
    }
    let before = std::fs::read(&path).expect("read before");

    let error = Store::open_at(&path, 9).expect_err("must refuse");
    match &error {
        StoreError::NewerSchema { found, known } => {
            assert_eq!(*found, newer);
            assert_eq!(*known, latest_known_version());
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.starts_with(
        "This workspace cache was written by a newer Flagdeck (schema 20990101000000"
    ));
    assert!(
        message.ends_with("update Flagdeck to open it. Nothing was changed."),
        "{message}"
    );

    assert_eq!(
        std::fs::read(&path).expect("read after"),
        before,
        "the file must be byte-identical"
    );
    assert!(!backup_path(&path, newer).exists());
}

#[test]
fn random_bytes_give_a_clear_error_and_stay_as_they_were() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    // Deterministic "random" bytes, longer than a SQLite header.
    let garbage: Vec<u8> = (0..4096_u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).expect("write");
    let error = Store::open_at(&path, 1).expect_err("must fail");
    assert!(
        matches!(error, StoreError::NotADatabase { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("is not a readable SQLite database"),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    Connection::open(&path)
        .expect("raw")
        .execute_batch("CREATE TABLE notes (body TEXT);")
        .expect("create");
    let error = Store::open_at(&path, 1).expect_err("must refuse");
    assert!(
        matches!(error, StoreError::ForeignDatabase { .. }),
        "{error:?}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM sqlite_master WHERE name = 'workspaces'"
        ),
        0
    );
}

#[test]
fn two_stores_on_one_file_write_concurrently_within_the_busy_timeout() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let mut first = Store::open_at(&path, 1).expect("first");
    let id = first
        .create_workspace(&workspace(), Source::User, 1)
        .expect("create")
        .value
        .id;
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let path = path.clone();
            thread::spawn(move || {
                let mut store = Store::open_at(&path, 1).expect("open in thread");
                for i in 0..50 {
                    let key = format!("flag-{writer}-{i}");
                    let content = DraftContent::Json(json!({ "i": i }));
                    let _ = store
                        .save_draft(id, EntityKind::Flag, &key, &content, Source::User, i)
                        .expect("a busy database must wait, not fail");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer thread");
    }
    assert_eq!(first.drafts(id).expect("drafts").len(), 100);
    assert_eq!(first.undo_redo_counts(id).expect("counts"), (100, 0));
}

#[test]
fn two_stores_opening_a_new_file_at_once_both_succeed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let openers: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            thread::spawn(move || Store::open_at(&path, 1).map(|store| store.schema_version().ok()))
        })
        .collect();
    for opener in openers {
        let version = opener.join().expect("thread").expect("open");
        assert_eq!(version, Some(latest_known_version()));
    }
    // Personas are repository entities now (drafts and base rows), not a table of their own.
    let personas = "SELECT count(*) FROM sqlite_master WHERE name = 'personas'";
    assert_eq!(count(&path, personas), 0);
    let applied = count(&path, "SELECT count(*) FROM schema_migrations");
    assert_eq!(applied, i64::try_from(MIGRATIONS.len()).expect("small"));
}

#[test]
fn each_write_names_its_source_in_its_events() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open_at(&cache_in(&dir), 1).expect("open");
    let created = store
        .create_workspace(&workspace(), Source::Import, 1)
        .expect("create");
    let id = created.value.id;
    assert_eq!(created.events[0].source, Source::Import);
    let drafted = store
        .save_draft(
            id,
            EntityKind::Flag,
            "a",
            &DraftContent::Json(json!(1)),
            Source::Watcher,
            2,
        )
        .expect("draft");
    let event = &drafted.events[0];
    assert_eq!(event.workspace_id, id);
    assert_eq!(event.source, Source::Watcher);
    assert_eq!(event.change, Change::Created);
    assert_eq!(
        event.subject,
        Subject::Draft {
            kind: EntityKind::Flag,
            key: "a".into()
        }
    );
    let undone = store.undo(id, Source::User, 3).expect("undo");
    assert_eq!(undone.events[0].source, Source::User);
    let based = store
        .replace_base(id, "abc", &[], Source::Sync)
        .expect("base");
    assert_eq!(based.events[0].source, Source::Sync);
}

#[test]
fn a_missing_folder_is_a_clear_open_error() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("no-such-folder").join("flagdeck.sqlite");
    let error = Store::open_at(&path, 1).expect_err("must fail");
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("Could not open the workspace cache at"),
        "{error}"
    );
}

#[test]
fn a_short_garbage_file_is_not_a_database() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    std::fs::write(&path, b"not sqlite").expect("write");
    let error = Store::open_at(&path, 1).expect_err("must fail");
    assert!(
        matches!(error, StoreError::NotADatabase { .. }),
        "{error:?}"
    );
}

#[test]
fn a_truncated_cache_fails_without_panicking() {
    let dir = tempfile::tempdir().expect("dir");
    let path = cache_in(&dir);
    let mut store = Store::open_at(&path, 1).expect("open");
    let id = store
        .create_workspace(&workspace(), Source::User, 1)
        .expect("create")
        .value
        .id;
    let big = DraftContent::Json(json!({ "text": "x".repeat(20_000) }));
    let _ = store
        .save_draft(id, EntityKind::Flag, "big", &big, Source::User, 2)
        .expect("draft");
    drop(store);
    let bytes = std::fs::read(&path).expect("read");
    let half = bytes.get(..bytes.len() / 2).expect("half").to_vec();
    std::fs::write(&path, &half).expect("truncate");
    let error = Store::open_at(&path, 2).expect_err("a truncated cache must not open as fine");
    assert!(
        matches!(error, StoreError::NotADatabase { .. }),
        "{error:?}"
    );
}
