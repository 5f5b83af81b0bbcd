//! Workspaces and their base snapshot (the last synced state of the repository).

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::Value;

use crate::{
    Change, ChangeEvent, EntityKind, Source, Store, StoreError, Subject, Written, parse_json,
};

/// Where a workspace's repository lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceKind {
    /// A Git remote; the app keeps its own clone at `location`.
    Git,
    /// A folder the user already has, watched for edits.
    Folder,
    /// Local only, never synced.
    Local,
}

impl WorkspaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceKind::Git => "git",
            WorkspaceKind::Folder => "folder",
            WorkspaceKind::Local => "local",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "git" => Ok(WorkspaceKind::Git),
            "folder" => Ok(WorkspaceKind::Folder),
            "local" => Ok(WorkspaceKind::Local),
            other => Err(StoreError::corrupt(
                "workspaces",
                "kind",
                format!("unknown kind {other:?}"),
            )),
        }
    }
}

/// The fields a caller sets when creating or editing a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkspace {
    pub name: String,
    pub kind: WorkspaceKind,
    pub location: String,
    pub remote_url: Option<String>,
}

/// A stored workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub kind: WorkspaceKind,
    pub location: String,
    pub remote_url: Option<String>,
    /// The commit the base snapshot holds; `None` before the first sync.
    pub base_commit: Option<String>,
    pub created_at: i64,
}

/// One entity of the base snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseEntity {
    pub kind: EntityKind,
    pub key: String,
    pub json: Value,
}

const WORKSPACE_COLUMNS: &str = "id, name, kind, location, remote_url, base_commit, created_at";

fn workspace_from_row(row: &Row<'_>) -> rusqlite::Result<(Workspace, String)> {
    let kind: String = row.get(2)?;
    let workspace = Workspace {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: WorkspaceKind::Local, // set from `kind` by the caller, which can return our error
        location: row.get(3)?,
        remote_url: row.get(4)?,
        base_commit: row.get(5)?,
        created_at: row.get(6)?,
    };
    Ok((workspace, kind))
}

fn finish_workspace((mut workspace, kind): (Workspace, String)) -> Result<Workspace, StoreError> {
    workspace.kind = WorkspaceKind::parse(&kind)?;
    Ok(workspace)
}

/// Fails with [`StoreError::NoSuchWorkspace`] unless the workspace exists.
pub(crate) fn require_workspace(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM workspaces WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    found.map(|_| ()).ok_or(StoreError::NoSuchWorkspace(id))
}

fn load_workspace(conn: &Connection, id: i64) -> Result<Option<Workspace>, StoreError> {
    conn.query_row(
        &format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?1"),
        [id],
        workspace_from_row,
    )
    .optional()?
    .map(finish_workspace)
    .transpose()
}

/// One row of the base, `None` when the base lacks it (also inside a transaction).
pub(crate) fn read_base_entity(
    conn: &Connection,
    workspace_id: i64,
    kind: EntityKind,
    key: &str,
) -> Result<Option<Value>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json FROM base_entities WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3",
            (workspace_id, kind.as_str(), key),
            |row| row.get(0),
        )
        .optional()?;
    json.map(|json| parse_json(&json, "base_entities", "json"))
        .transpose()
}

/// Replaces the base snapshot inside the caller's transaction.
pub(crate) fn write_base(
    tx: &rusqlite::Transaction<'_>,
    workspace_id: i64,
    commit: &str,
    entities: &[BaseEntity],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM base_entities WHERE workspace_id = ?1",
        [workspace_id],
    )?;
    write_base_changes(tx, workspace_id, commit, entities, &[])
}

/// Moves the base to `commit` by writing only what changed: `changed` rows are written (added
/// or replaced), `removed` rows deleted, every other row kept. A 10,000-flag base changed by one
/// flag is one row, not 10,000.
pub(crate) fn write_base_changes(
    tx: &rusqlite::Transaction<'_>,
    workspace_id: i64,
    commit: &str,
    changed: &[BaseEntity],
    removed: &[(EntityKind, String)],
) -> Result<(), StoreError> {
    let mut delete =
        tx.prepare("DELETE FROM base_entities WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3")?;
    for (kind, key) in removed {
        delete.execute((workspace_id, kind.as_str(), key))?;
    }
    let mut insert = tx.prepare(
        "INSERT OR REPLACE INTO base_entities (workspace_id, kind, key, json, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for entity in changed {
        let json = entity.json.to_string();
        let summary = crate::summary::summary_of(&entity.json);
        insert.execute((
            workspace_id,
            entity.kind.as_str(),
            &entity.key,
            json,
            summary,
        ))?;
    }
    tx.execute(
        "UPDATE workspaces SET base_commit = ?2 WHERE id = ?1",
        (workspace_id, commit),
    )?;
    Ok(())
}

impl Store {
    /// Adds a workspace.
    pub fn create_workspace(
        &mut self,
        new: &NewWorkspace,
        source: Source,
        now: i64,
    ) -> Result<Written<Workspace>, StoreError> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO workspaces (name, kind, location, remote_url, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            (&new.name, new.kind.as_str(), &new.location, &new.remote_url, now),
        )?;
        let id = tx.last_insert_rowid();
        let workspace = load_workspace(&tx, id)?.ok_or(StoreError::NoSuchWorkspace(id))?;
        tx.commit()?;
        let event = ChangeEvent::new(id, Subject::Workspace, Change::Created, source);
        Ok(Written::new(workspace, vec![event]))
    }

    /// One workspace, or `None`.
    pub fn workspace(&self, id: i64) -> Result<Option<Workspace>, StoreError> {
        load_workspace(&self.conn, id)
    }

    /// Every workspace, oldest first.
    pub fn workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY id"
        ))?;
        let rows = statement.query_map([], workspace_from_row)?;
        rows.map(|row| finish_workspace(row?)).collect()
    }

    /// Changes a workspace's name, kind, location or remote.
    pub fn update_workspace(
        &mut self,
        id: i64,
        fields: &NewWorkspace,
        source: Source,
    ) -> Result<Written<Workspace>, StoreError> {
        let tx = self.write_tx()?;
        let changed = tx.execute(
            "UPDATE workspaces SET name = ?2, kind = ?3, location = ?4, remote_url = ?5 WHERE id = ?1",
            (id, &fields.name, fields.kind.as_str(), &fields.location, &fields.remote_url),
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchWorkspace(id));
        }
        let workspace = load_workspace(&tx, id)?.ok_or(StoreError::NoSuchWorkspace(id))?;
        tx.commit()?;
        let event = ChangeEvent::new(id, Subject::Workspace, Change::Updated, source);
        Ok(Written::new(workspace, vec![event]))
    }

    /// Removes a workspace and everything cached for it (the foreign keys cascade).
    pub fn delete_workspace(&mut self, id: i64, source: Source) -> Result<Written<()>, StoreError> {
        let changed = self
            .conn
            .execute("DELETE FROM workspaces WHERE id = ?1", [id])?;
        if changed == 0 {
            return Err(StoreError::NoSuchWorkspace(id));
        }
        let event = ChangeEvent::new(id, Subject::Workspace, Change::Deleted, source);
        Ok(Written::new((), vec![event]))
    }

    /// Replaces the whole base snapshot with `entities` at `commit`, in one transaction.
    pub fn replace_base(
        &mut self,
        workspace_id: i64,
        commit: &str,
        entities: &[BaseEntity],
        source: Source,
    ) -> Result<Written<()>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        write_base(&tx, workspace_id, commit, entities)?;
        tx.commit()?;
        let subject = Subject::Base {
            commit: commit.to_owned(),
        };
        let event = ChangeEvent::new(workspace_id, subject, Change::Updated, source);
        Ok(Written::new((), vec![event]))
    }

    /// The base snapshot, ordered by kind and key.
    pub fn base_entities(&self, workspace_id: i64) -> Result<Vec<BaseEntity>, StoreError> {
        self.base_entities_where(workspace_id, None)
    }

    /// The base entities of one kind, ordered by key (the editor needs the project and every
    /// segment, not 10,000 flags).
    pub fn base_entities_of_kind(
        &self,
        workspace_id: i64,
        kind: EntityKind,
    ) -> Result<Vec<BaseEntity>, StoreError> {
        self.base_entities_where(workspace_id, Some(kind))
    }

    fn base_entities_where(
        &self,
        workspace_id: i64,
        kind: Option<EntityKind>,
    ) -> Result<Vec<BaseEntity>, StoreError> {
        require_workspace(&self.conn, workspace_id)?;
        let mut statement = self.conn.prepare(
            "SELECT kind, key, json FROM base_entities WHERE workspace_id = ?1 \
             AND (?2 IS NULL OR kind = ?2) ORDER BY kind, key",
        )?;
        let kind = kind.map(|k| k.as_str());
        let rows = statement.query_map(rusqlite::params![workspace_id, kind], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (kind, key, json) = row?;
            Ok(BaseEntity {
                kind: EntityKind::parse(&kind, "base_entities")?,
                key,
                json: parse_json(&json, "base_entities", "json")?,
            })
        })
        .collect()
    }

    /// One entity of the base snapshot, or `None` when the base does not have it.
    pub fn base_entity(
        &self,
        workspace_id: i64,
        kind: EntityKind,
        key: &str,
    ) -> Result<Option<Value>, StoreError> {
        read_base_entity(&self.conn, workspace_id, kind, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::temp_store;
    use serde_json::json;

    pub(crate) fn sample() -> NewWorkspace {
        NewWorkspace {
            name: "Shop".into(),
            kind: WorkspaceKind::Git,
            location: "/data/shop".into(),
            remote_url: Some("file:///srv/flags.git".into()),
        }
    }

    #[test]
    fn create_read_update_delete() {
        let (_dir, mut store) = temp_store();
        let created = store.create_workspace(&sample(), Source::User, 42).unwrap();
        let id = created.value.id;
        assert_eq!(created.value.created_at, 42);
        assert_eq!(created.value.base_commit, None);
        assert_eq!(
            created.events,
            vec![ChangeEvent::new(
                id,
                Subject::Workspace,
                Change::Created,
                Source::User
            )]
        );
        assert_eq!(store.workspace(id).unwrap(), Some(created.value.clone()));

        let renamed = NewWorkspace {
            name: "Shop (local)".into(),
            kind: WorkspaceKind::Folder,
            remote_url: None,
            ..sample()
        };
        let updated = store
            .update_workspace(id, &renamed, Source::Import)
            .unwrap();
        assert_eq!(updated.value.name, "Shop (local)");
        assert_eq!(updated.value.kind, WorkspaceKind::Folder);
        assert_eq!(updated.events[0].source, Source::Import);
        assert_eq!(store.workspaces().unwrap(), vec![updated.value]);

        let deleted = store.delete_workspace(id, Source::User).unwrap();
        assert_eq!(deleted.events[0].change, Change::Deleted);
        assert_eq!(store.workspace(id).unwrap(), None);
        assert!(matches!(
            store.delete_workspace(id, Source::User),
            Err(StoreError::NoSuchWorkspace(missing)) if missing == id
        ));
    }

    #[test]
    fn replace_base_swaps_the_whole_snapshot() {
        let (_dir, mut store) = temp_store();
        let id = store
            .create_workspace(&sample(), Source::User, 1)
            .unwrap()
            .value
            .id;
        let first = vec![
            BaseEntity {
                kind: EntityKind::Flag,
                key: "a".into(),
                json: json!({"v": 1}),
            },
            BaseEntity {
                kind: EntityKind::Flag,
                key: "b".into(),
                json: json!({"v": 2}),
            },
        ];
        let _ = store.replace_base(id, "c1", &first, Source::Sync).unwrap();
        let second = vec![BaseEntity {
            kind: EntityKind::Segment,
            key: "s".into(),
            json: json!([1]),
        }];
        let written = store.replace_base(id, "c2", &second, Source::Sync).unwrap();
        assert_eq!(
            written.events,
            vec![ChangeEvent::new(
                id,
                Subject::Base {
                    commit: "c2".into()
                },
                Change::Updated,
                Source::Sync
            )]
        );
        assert_eq!(store.base_entities(id).unwrap(), second);
        assert_eq!(store.base_entity(id, EntityKind::Flag, "a").unwrap(), None);
        assert_eq!(
            store.base_entity(id, EntityKind::Segment, "s").unwrap(),
            Some(json!([1]))
        );
        assert_eq!(
            store.workspace(id).unwrap().and_then(|w| w.base_commit),
            Some("c2".into())
        );
    }

    #[test]
    fn replace_base_for_a_missing_workspace_fails_and_emits_nothing() {
        let (_dir, mut store) = temp_store();
        assert!(matches!(
            store.replace_base(99, "c", &[], Source::Sync),
            Err(StoreError::NoSuchWorkspace(99))
        ));
    }

    #[test]
    fn a_corrupt_json_row_is_an_error_not_a_panic() {
        let (_dir, mut store) = temp_store();
        let id = store
            .create_workspace(&sample(), Source::User, 1)
            .unwrap()
            .value
            .id;
        store
            .conn
            .execute(
                "INSERT INTO base_entities (workspace_id, kind, key, json) VALUES (?1, 'flag', 'x', '{not json')",
                [id],
            )
            .unwrap();
        let error = store.base_entities(id).unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::CorruptRow {
                    table: "base_entities",
                    ..
                }
            ),
            "{error}"
        );
    }
}
