//! Merge conflicts found by a sync, kept until the user resolves them.

use rusqlite::{OptionalExtension, Row};
use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{
    Change, ChangeEvent, EntityKind, Source, Store, StoreError, Subject, Written, parse_json_opt,
};

/// A conflict to record: one field (`path`, a JSON pointer) of one entity changed two ways.
/// `None` on a side means the entity is absent there.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConflict {
    pub kind: EntityKind,
    pub key: String,
    pub path: String,
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
}

/// A stored conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub workspace_id: i64,
    pub kind: EntityKind,
    pub key: String,
    pub path: String,
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
    pub detected_at: i64,
    /// The chosen value once resolved (`Some(None)`: resolved as absent).
    pub resolution: Option<Option<Value>>,
    pub resolved_at: Option<i64>,
}

const CONFLICT_COLUMNS: &str = "id, workspace_id, kind, key, path, base_json, local_json, remote_json, \
     detected_at, resolved, resolution_json, resolved_at";

type RawConflict = (
    i64,
    i64,
    String,
    String,
    String,
    [Option<String>; 3],
    i64,
    bool,
    Option<String>,
    Option<i64>,
);

fn raw_conflict(row: &Row<'_>) -> rusqlite::Result<RawConflict> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        [row.get(5)?, row.get(6)?, row.get(7)?],
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
    ))
}

fn conflict_from_raw(raw: RawConflict) -> Result<Conflict, StoreError> {
    let (
        id,
        workspace_id,
        kind,
        key,
        path,
        [base, local, remote],
        detected_at,
        resolved,
        resolution,
        resolved_at,
    ) = raw;
    let resolution = if resolved {
        Some(parse_json_opt(resolution, "conflicts", "resolution_json")?)
    } else {
        None
    };
    Ok(Conflict {
        id,
        workspace_id,
        kind: EntityKind::parse(&kind, "conflicts")?,
        key,
        path,
        base: parse_json_opt(base, "conflicts", "base_json")?,
        local: parse_json_opt(local, "conflicts", "local_json")?,
        remote: parse_json_opt(remote, "conflicts", "remote_json")?,
        detected_at,
        resolution,
        resolved_at,
    })
}

fn json_text(value: &Option<Value>) -> Option<String> {
    value.as_ref().map(Value::to_string)
}

/// Inserts conflicts inside the caller's transaction; returns their ids in order.
pub(crate) fn insert_conflicts(
    tx: &rusqlite::Transaction<'_>,
    workspace_id: i64,
    conflicts: &[NewConflict],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(conflicts.len());
    let mut insert = tx.prepare(
        "INSERT INTO conflicts (workspace_id, kind, key, path, base_json, local_json, remote_json, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for conflict in conflicts {
        insert.execute((
            workspace_id,
            conflict.kind.as_str(),
            &conflict.key,
            &conflict.path,
            json_text(&conflict.base),
            json_text(&conflict.local),
            json_text(&conflict.remote),
            now,
        ))?;
        ids.push(tx.last_insert_rowid());
    }
    Ok(ids)
}

/// One `Created` event per inserted conflict.
pub(crate) fn created_events(
    workspace_id: i64,
    ids: &[i64],
    conflicts: &[NewConflict],
    source: Source,
) -> Vec<ChangeEvent> {
    ids.iter()
        .zip(conflicts)
        .map(|(id, conflict)| {
            let subject = Subject::Conflict {
                id: *id,
                kind: conflict.kind,
                key: conflict.key.clone(),
            };
            ChangeEvent::new(workspace_id, subject, Change::Created, source)
        })
        .collect()
}

impl Store {
    /// Records conflicts found by one sync, in one transaction; `value` is their ids in order.
    pub fn record_conflicts(
        &mut self,
        workspace_id: i64,
        conflicts: &[NewConflict],
        source: Source,
        now: i64,
    ) -> Result<Written<Vec<i64>>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        let ids = insert_conflicts(&tx, workspace_id, conflicts, now)?;
        tx.commit()?;
        let events = created_events(workspace_id, &ids, conflicts, source);
        Ok(Written::new(ids, events))
    }

    /// Conflicts of a workspace, oldest first; only the unresolved ones when `unresolved_only`.
    pub fn conflicts(
        &self,
        workspace_id: i64,
        unresolved_only: bool,
    ) -> Result<Vec<Conflict>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {CONFLICT_COLUMNS} FROM conflicts WHERE workspace_id = ?1 AND (?2 = 0 OR resolved = 0) ORDER BY id"
        ))?;
        let rows = statement.query_map((workspace_id, unresolved_only), raw_conflict)?;
        rows.map(|row| conflict_from_raw(row?)).collect()
    }

    /// Marks a conflict resolved with the chosen value (`None`: the entity or field is absent).
    pub fn resolve_conflict(
        &mut self,
        id: i64,
        resolution: Option<&Value>,
        source: Source,
        now: i64,
    ) -> Result<Written<Conflict>, StoreError> {
        let tx = self.write_tx()?;
        let changed = tx.execute(
            "UPDATE conflicts SET resolved = 1, resolution_json = ?2, resolved_at = ?3 WHERE id = ?1",
            (id, resolution.map(Value::to_string), now),
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchConflict(id));
        }
        let raw = tx
            .query_row(
                &format!("SELECT {CONFLICT_COLUMNS} FROM conflicts WHERE id = ?1"),
                [id],
                raw_conflict,
            )
            .optional()?
            .ok_or(StoreError::NoSuchConflict(id))?;
        let conflict = conflict_from_raw(raw)?;
        tx.commit()?;
        let subject = Subject::Conflict {
            id,
            kind: conflict.kind,
            key: conflict.key.clone(),
        };
        let event = ChangeEvent::new(conflict.workspace_id, subject, Change::Updated, source);
        Ok(Written::new(conflict, vec![event]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkspaceKind;
    use crate::test_support::temp_store;
    use serde_json::json;

    #[test]
    fn record_list_resolve() {
        let (_dir, mut store) = temp_store();
        let ws = crate::test_support::workspace(&mut store, WorkspaceKind::Git);
        let found = vec![
            NewConflict {
                kind: EntityKind::Flag,
                key: "checkout".into(),
                path: "/defaultVariant".into(),
                base: Some(json!("off")),
                local: Some(json!("on")),
                remote: Some(json!("half")),
            },
            NewConflict {
                kind: EntityKind::Segment,
                key: "beta".into(),
                path: "".into(),
                base: Some(json!({})),
                local: None,
                remote: Some(json!({"x": 1})),
            },
        ];
        let recorded = store
            .record_conflicts(ws, &found, Source::Sync, 50)
            .unwrap();
        assert_eq!(recorded.value.len(), 2);
        assert!(
            recorded
                .events
                .iter()
                .all(|e| e.source == Source::Sync && e.change == Change::Created)
        );

        let open = store.conflicts(ws, true).unwrap();
        assert_eq!(open.len(), 2);
        assert_eq!(open[1].local, None);
        assert_eq!(open[0].remote, Some(json!("half")));
        assert_eq!(open[0].resolution, None);

        let resolved = store
            .resolve_conflict(recorded.value[1], None, Source::User, 60)
            .unwrap();
        assert_eq!(resolved.value.resolution, Some(None));
        assert_eq!(resolved.value.resolved_at, Some(60));
        assert_eq!(resolved.events[0].source, Source::User);
        assert_eq!(resolved.events[0].change, Change::Updated);

        let first = store
            .resolve_conflict(recorded.value[0], Some(&json!("on")), Source::User, 61)
            .unwrap();
        assert_eq!(first.value.resolution, Some(Some(json!("on"))));
        assert!(store.conflicts(ws, true).unwrap().is_empty());
        assert_eq!(store.conflicts(ws, false).unwrap().len(), 2);
        assert!(matches!(
            store.resolve_conflict(999, None, Source::User, 1),
            Err(StoreError::NoSuchConflict(999))
        ));
    }
}
