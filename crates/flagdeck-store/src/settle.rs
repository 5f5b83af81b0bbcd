//! The store's side of the end of a sync, each in one transaction so that a crash leaves either
//! the state before or the state after, never a mix:
//! - [`Store::settle_sync`]: the push (or fast-forward) succeeded, so the base becomes the
//!   synced snapshot and the drafts it published go away;
//! - [`Store::replace_open_conflicts`]: the sync stopped on conflicts, which replace the ones the
//!   previous sync found.

use rusqlite::Transaction;
use serde_json::Value;

use crate::conflicts::{created_events, insert_conflicts};
use crate::workspaces::{read_base_entity, require_workspace, write_base, write_base_changes};
use crate::{
    BaseEntity, Change, ChangeEvent, DraftContent, EntityKind, NewConflict, Source, Store,
    StoreError, Subject, Written, parse_json,
};

/// A draft as the sync read it. It is dropped at the end only if it still holds exactly this,
/// so an edit saved while the sync ran is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncedDraft {
    pub kind: EntityKind,
    pub key: String,
    pub content: DraftContent,
}

/// The base a settle writes: all of it, or only how it differs from the current one.
#[derive(Clone, Copy)]
enum NewBase<'a> {
    Whole(&'a [BaseEntity]),
    Changes {
        changed: &'a [BaseEntity],
        removed: &'a [(EntityKind, String)],
    },
}

/// What [`Store::settle_sync`] did with the drafts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settled {
    /// Drafts dropped: published, or equal to the new base.
    pub dropped: Vec<(EntityKind, String)>,
    /// Drafts kept because they changed while the sync ran (or the sync did not read them).
    pub kept: Vec<(EntityKind, String)>,
}

impl Store {
    /// Ends a successful sync: the base becomes `entities` at `commit`; each draft in `synced`
    /// that still holds what the sync read is dropped (the commit has it), as is any draft that
    /// equals the new base; all conflicts of the workspace are cleared (the sync resolved them).
    pub fn settle_sync(
        &mut self,
        workspace_id: i64,
        commit: &str,
        entities: &[BaseEntity],
        synced: &[SyncedDraft],
        source: Source,
    ) -> Result<Written<Settled>, StoreError> {
        self.settle(
            workspace_id,
            commit,
            NewBase::Whole(entities),
            synced,
            source,
        )
    }

    /// [`Store::settle_sync`] given only how the new base differs from the current one:
    /// `changed` entities (added or modified) and `removed` ones; every other row stays.
    pub fn settle_sync_changes(
        &mut self,
        workspace_id: i64,
        commit: &str,
        changed: &[BaseEntity],
        removed: &[(EntityKind, String)],
        synced: &[SyncedDraft],
        source: Source,
    ) -> Result<Written<Settled>, StoreError> {
        let new_base = NewBase::Changes { changed, removed };
        self.settle(workspace_id, commit, new_base, synced, source)
    }

    fn settle(
        &mut self,
        workspace_id: i64,
        commit: &str,
        new_base: NewBase<'_>,
        synced: &[SyncedDraft],
        source: Source,
    ) -> Result<Written<Settled>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        match new_base {
            NewBase::Whole(entities) => write_base(&tx, workspace_id, commit, entities)?,
            NewBase::Changes { changed, removed } => {
                write_base_changes(&tx, workspace_id, commit, changed, removed)?
            }
        }
        let mut settled = Settled::default();
        for (kind, key, json) in current_drafts(&tx, workspace_id)? {
            let read_by_sync = synced
                .iter()
                .any(|d| d.kind == kind && d.key == key && same_content(&d.content, json.as_ref()));
            let equals_base = || -> Result<bool, StoreError> {
                Ok(match new_base {
                    NewBase::Whole(entities) => {
                        entities
                            .iter()
                            .find(|e| e.kind == kind && e.key == key)
                            .map(|e| &e.json)
                            == json.as_ref()
                    }
                    NewBase::Changes { .. } => {
                        read_base_entity(&tx, workspace_id, kind, &key)?.as_ref() == json.as_ref()
                    }
                })
            };
            if read_by_sync || equals_base()? {
                drop_draft(&tx, workspace_id, kind, &key)?;
                settled.dropped.push((kind, key));
            } else {
                settled.kept.push((kind, key));
            }
        }
        tx.execute(
            "DELETE FROM conflicts WHERE workspace_id = ?1",
            [workspace_id],
        )?;
        tx.commit()?;
        let mut events = vec![ChangeEvent::new(
            workspace_id,
            Subject::Base {
                commit: commit.to_owned(),
            },
            Change::Updated,
            source,
        )];
        events.extend(settled.dropped.iter().map(|(kind, key)| {
            let subject = Subject::Draft {
                kind: *kind,
                key: key.clone(),
            };
            ChangeEvent::new(workspace_id, subject, Change::Deleted, source)
        }));
        Ok(Written::new(settled, events))
    }

    /// Replaces the workspace's unresolved conflicts with `conflicts` (those the latest sync
    /// found); resolved ones stay until a sync applies them. `value`: the new conflicts' ids.
    pub fn replace_open_conflicts(
        &mut self,
        workspace_id: i64,
        conflicts: &[NewConflict],
        source: Source,
        now: i64,
    ) -> Result<Written<Vec<i64>>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        tx.execute(
            "DELETE FROM conflicts WHERE workspace_id = ?1 AND resolved = 0",
            [workspace_id],
        )?;
        let ids = insert_conflicts(&tx, workspace_id, conflicts, now)?;
        tx.commit()?;
        let events = created_events(workspace_id, &ids, conflicts, source);
        Ok(Written::new(ids, events))
    }
}

/// Every draft of the workspace as (kind, key, json; `None` = a deletion).
fn current_drafts(
    tx: &Transaction<'_>,
    workspace_id: i64,
) -> Result<Vec<(EntityKind, String, Option<Value>)>, StoreError> {
    let mut statement = tx.prepare("SELECT kind, key, json FROM drafts WHERE workspace_id = ?1")?;
    let rows = statement.query_map([workspace_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, key, json) = row?;
        let json = json
            .map(|text| parse_json(&text, "drafts", "json"))
            .transpose()?;
        Ok((EntityKind::parse(&kind, "drafts")?, key, json))
    })
    .collect()
}

fn same_content(content: &DraftContent, json: Option<&Value>) -> bool {
    match (content, json) {
        (DraftContent::Json(read), Some(now)) => read == now,
        (DraftContent::Deleted, None) => true,
        _ => false,
    }
}

/// Drops a draft and its undo steps: once published, undoing it would be a new change.
fn drop_draft(
    tx: &Transaction<'_>,
    workspace_id: i64,
    kind: EntityKind,
    key: &str,
) -> Result<(), StoreError> {
    let id = (workspace_id, kind.as_str(), key);
    tx.execute(
        "DELETE FROM drafts WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3",
        id,
    )?;
    tx.execute(
        "DELETE FROM draft_history WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3",
        id,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkspaceKind;
    use crate::test_support::{temp_store, workspace};
    use serde_json::json;

    fn base(key: &str, value: Value) -> BaseEntity {
        BaseEntity {
            kind: EntityKind::Flag,
            key: key.into(),
            json: value,
        }
    }

    fn save(store: &mut Store, ws: i64, key: &str, content: &DraftContent) {
        let _ = store
            .save_draft(ws, EntityKind::Flag, key, content, Source::User, 2)
            .unwrap();
    }

    fn draft_keys(store: &Store, ws: i64) -> Vec<String> {
        store
            .drafts(ws)
            .unwrap()
            .into_iter()
            .map(|d| d.key)
            .collect()
    }

    #[test]
    fn settling_drops_published_drafts_and_keeps_edits_made_meanwhile() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        let _ = store
            .replace_base(ws, "c1", &[base("a", json!(1))], Source::Sync)
            .unwrap();
        save(&mut store, ws, "a", &DraftContent::Json(json!(2)));
        save(&mut store, ws, "b", &DraftContent::Json(json!(3)));
        save(&mut store, ws, "c", &DraftContent::Json(json!(4)));
        let read = store.drafts(ws).unwrap();
        let synced: Vec<SyncedDraft> = read
            .into_iter()
            .map(|d| SyncedDraft {
                kind: d.kind,
                key: d.key,
                content: d.content,
            })
            .collect();
        // The user edits b while the sync pushes.
        save(&mut store, ws, "b", &DraftContent::Json(json!(33)));
        let _ = store
            .record_conflicts(
                ws,
                &[NewConflict {
                    kind: EntityKind::Flag,
                    key: "a".into(),
                    path: "/x".into(),
                    base: None,
                    local: None,
                    remote: None,
                }],
                Source::Sync,
                3,
            )
            .unwrap();
        let merged = [
            base("a", json!(2)),
            base("b", json!(3)),
            base("c", json!(4)),
        ];
        let written = store
            .settle_sync(ws, "c2", &merged, &synced, Source::Sync)
            .unwrap();
        assert_eq!(draft_keys(&store, ws), vec!["b".to_owned()]);
        assert_eq!(written.value.kept, vec![(EntityKind::Flag, "b".to_owned())]);
        assert_eq!(written.value.dropped.len(), 2);
        assert_eq!(
            store.workspace(ws).unwrap().unwrap().base_commit.as_deref(),
            Some("c2")
        );
        assert_eq!(
            store.base_entity(ws, EntityKind::Flag, "c").unwrap(),
            Some(json!(4))
        );
        assert!(store.conflicts(ws, false).unwrap().is_empty());
        // The published drafts cannot be undone; b's newest edit still can.
        assert_eq!(store.undo_redo_counts(ws).unwrap().0, 2);
    }

    #[test]
    fn a_draft_equal_to_the_new_base_is_dropped_even_if_the_sync_did_not_read_it() {
        // After a crash between push and settle, the next sync finds its own commit on the
        // remote: the drafts equal the new base and must go.
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        save(&mut store, ws, "a", &DraftContent::Json(json!({"k": 1})));
        save(&mut store, ws, "gone", &DraftContent::Deleted);
        let written = store
            .settle_sync(
                ws,
                "c2",
                &[base("a", json!({"k": 1})), base("gone", json!(0))],
                &[],
                Source::Sync,
            )
            .unwrap();
        assert_eq!(
            written.value.dropped,
            vec![(EntityKind::Flag, "a".to_owned())]
        );
        assert_eq!(draft_keys(&store, ws), vec!["gone".to_owned()]);
    }

    #[test]
    fn settling_with_changes_writes_only_those_rows_and_drops_drafts_like_a_whole_settle() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        let old = [
            base("a", json!(1)),
            base("b", json!(2)),
            base("c", json!(3)),
        ];
        let _ = store.replace_base(ws, "c1", &old, Source::Sync).unwrap();
        save(&mut store, ws, "a", &DraftContent::Json(json!(10)));
        save(&mut store, ws, "b", &DraftContent::Json(json!(20)));
        // c's draft equals nothing the sync read, but the new base drops c too.
        save(&mut store, ws, "c", &DraftContent::Deleted);
        let synced = [SyncedDraft {
            kind: EntityKind::Flag,
            key: "a".into(),
            content: DraftContent::Json(json!(10)),
        }];
        let written = store
            .settle_sync_changes(
                ws,
                "c2",
                &[base("a", json!(10)), base("d", json!(4))],
                &[(EntityKind::Flag, "c".to_owned())],
                &synced,
                Source::Sync,
            )
            .unwrap();
        let rows: Vec<(String, Value)> = store
            .base_entities(ws)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.json))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("a".to_owned(), json!(10)),
                ("b".to_owned(), json!(2)),
                ("d".to_owned(), json!(4)),
            ]
        );
        assert_eq!(draft_keys(&store, ws), vec!["b".to_owned()]);
        assert_eq!(written.value.dropped.len(), 2);
        assert_eq!(
            store.workspace(ws).unwrap().unwrap().base_commit.as_deref(),
            Some("c2")
        );
    }

    #[test]
    fn replacing_open_conflicts_keeps_resolved_ones() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        let conflict = |path: &str| NewConflict {
            kind: EntityKind::Flag,
            key: "a".into(),
            path: path.into(),
            base: Some(json!(1)),
            local: Some(json!(2)),
            remote: Some(json!(3)),
        };
        let ids = store
            .record_conflicts(ws, &[conflict("/one"), conflict("/two")], Source::Sync, 1)
            .unwrap()
            .value;
        let _ = store
            .resolve_conflict(ids[0], Some(&json!(2)), Source::User, 2)
            .unwrap();
        let _ = store
            .replace_open_conflicts(ws, &[conflict("/three")], Source::Sync, 3)
            .unwrap();
        let paths: Vec<String> = store
            .conflicts(ws, false)
            .unwrap()
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(paths, vec!["/one".to_owned(), "/three".to_owned()]);
    }
}
