//! Local drafts: edits not yet synced, with one linear undo/redo history per workspace.
//!
//! A draft holds an entity's new JSON, or marks it deleted. No draft means the base shows.
//! Saving, discarding, undoing and redoing each record or move along `draft_history`; a new save
//! after an undo drops the redo stack, as editors do.

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{
    Change, ChangeEvent, EntityKind, Source, Store, StoreError, Subject, Written, parse_json,
};

/// What a draft says about its entity.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftContent {
    /// The entity's new JSON.
    Json(Value),
    /// The entity is deleted locally.
    Deleted,
}

impl DraftContent {
    /// The entity's JSON as the draft has it; `None` for a deletion.
    pub fn json(&self) -> Option<&Value> {
        match self {
            DraftContent::Json(value) => Some(value),
            DraftContent::Deleted => None,
        }
    }
}

/// One stored draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: EntityKind,
    pub key: String,
    pub content: DraftContent,
    pub updated_at: i64,
    pub source: Source,
}

/// A draft's state as stored: `None` = no draft, `Some(None)` = deleted, `Some(Some(json))`.
type Stored = Option<Option<String>>;

fn stored(content: &DraftContent) -> Stored {
    match content {
        DraftContent::Json(value) => Some(Some(value.to_string())),
        DraftContent::Deleted => Some(None),
    }
}

/// The entity a write is about.
struct Target<'a> {
    workspace_id: i64,
    kind: EntityKind,
    key: &'a str,
}

fn read_stored(conn: &Connection, target: &Target<'_>) -> Result<Stored, StoreError> {
    Ok(conn
        .query_row(
            "SELECT json FROM drafts WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3",
            (target.workspace_id, target.kind.as_str(), target.key),
            |row| row.get::<_, Option<String>>(0),
        )
        .optional()?)
}

fn write_stored(
    tx: &Transaction<'_>,
    target: &Target<'_>,
    state: &Stored,
    source: Source,
    now: i64,
) -> Result<(), StoreError> {
    let id = (target.workspace_id, target.kind.as_str(), target.key);
    match state {
        None => tx.execute(
            "DELETE FROM drafts WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3",
            id,
        )?,
        Some(json) => tx.execute(
            "INSERT OR REPLACE INTO drafts (workspace_id, kind, key, json, updated_at, source, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (
                id.0,
                id.1,
                id.2,
                json,
                now,
                source.as_str(),
                crate::summary::summary_text(json.as_deref()),
            ),
        )?,
    };
    Ok(())
}

/// Records a step and drops whatever could have been redone.
fn push_history(
    tx: &Transaction<'_>,
    target: &Target<'_>,
    before: &Stored,
    after: &Stored,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM draft_history WHERE workspace_id = ?1 AND undone = 1",
        [target.workspace_id],
    )?;
    tx.execute(
        "INSERT INTO draft_history (workspace_id, seq, kind, key, before_exists, before_json, after_exists, after_json)
         VALUES (?1, (SELECT COALESCE(max(seq), 0) + 1 FROM draft_history WHERE workspace_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            target.workspace_id,
            target.kind.as_str(),
            target.key,
            before.is_some(),
            before.clone().flatten(),
            after.is_some(),
            after.clone().flatten(),
        ),
    )?;
    trim_history(tx, target.workspace_id, HISTORY_LIMIT)
}

/// How many undo steps a workspace keeps; older ones are dropped.
pub const HISTORY_LIMIT: i64 = 500;

/// Drops the oldest steps beyond `keep`, so the history cannot grow without bound.
fn trim_history(tx: &Transaction<'_>, workspace_id: i64, keep: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM draft_history WHERE workspace_id = ?1
         AND seq <= (SELECT max(seq) FROM draft_history WHERE workspace_id = ?1) - ?2",
        (workspace_id, keep),
    )?;
    Ok(())
}

/// The event for a draft going from `before` to `after`.
fn draft_event(
    target: &Target<'_>,
    before: &Stored,
    after: &Stored,
    source: Source,
) -> ChangeEvent {
    let change = match (before, after) {
        (None, _) => Change::Created,
        (_, None) => Change::Deleted,
        _ => Change::Updated,
    };
    let subject = Subject::Draft {
        kind: target.kind,
        key: target.key.to_owned(),
    };
    ChangeEvent::new(target.workspace_id, subject, change, source)
}

/// One history step as read back for undo or redo.
struct Step {
    seq: i64,
    kind: String,
    key: String,
    before: Stored,
    after: Stored,
}

fn read_step(
    tx: &Transaction<'_>,
    workspace_id: i64,
    undo: bool,
) -> Result<Option<Step>, StoreError> {
    // Undo takes the newest step not undone; redo the oldest undone one.
    let sql = if undo {
        "SELECT seq, kind, key, before_exists, before_json, after_exists, after_json FROM draft_history
         WHERE workspace_id = ?1 AND undone = 0 ORDER BY seq DESC LIMIT 1"
    } else {
        "SELECT seq, kind, key, before_exists, before_json, after_exists, after_json FROM draft_history
         WHERE workspace_id = ?1 AND undone = 1 ORDER BY seq ASC LIMIT 1"
    };
    Ok(tx
        .query_row(sql, [workspace_id], |row| {
            let side = |exists: bool, json: Option<String>| exists.then_some(json);
            Ok(Step {
                seq: row.get(0)?,
                kind: row.get(1)?,
                key: row.get(2)?,
                before: side(row.get(3)?, row.get(4)?),
                after: side(row.get(5)?, row.get(6)?),
            })
        })
        .optional()?)
}

impl Store {
    /// Saves a draft of one entity and records it for undo. Saving what is already there is a
    /// no-op with no events.
    pub fn save_draft(
        &mut self,
        workspace_id: i64,
        kind: EntityKind,
        key: &str,
        content: &DraftContent,
        source: Source,
        now: i64,
    ) -> Result<Written<()>, StoreError> {
        let target = Target {
            workspace_id,
            kind,
            key,
        };
        self.change_draft(&target, stored(content), source, now)
    }

    /// Drops the draft of one entity so the base shows again; undoable. `value` is false when
    /// there was no draft.
    pub fn discard_draft(
        &mut self,
        workspace_id: i64,
        kind: EntityKind,
        key: &str,
        source: Source,
        now: i64,
    ) -> Result<Written<bool>, StoreError> {
        let target = Target {
            workspace_id,
            kind,
            key,
        };
        let written = self.change_draft(&target, None, source, now)?;
        Ok(Written::new(!written.events.is_empty(), written.events))
    }

    /// Saves (`Some`) or discards (`None`) the drafts of many entities in one transaction, each
    /// exactly as [`Store::save_draft`] or [`Store::discard_draft`] would (one undo step each):
    /// a re-import of 100 edited files is then one commit to disk, not 100. `value`: for each
    /// change, in order, whether it changed anything.
    pub fn change_drafts(
        &mut self,
        workspace_id: i64,
        changes: &[(EntityKind, String, Option<DraftContent>)],
        source: Source,
        now: i64,
    ) -> Result<Written<Vec<bool>>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        let mut changed = Vec::with_capacity(changes.len());
        let mut events = Vec::new();
        for (kind, key, content) in changes {
            let target = Target {
                workspace_id,
                kind: *kind,
                key,
            };
            let after = content.as_ref().and_then(stored);
            let before = read_stored(&tx, &target)?;
            if before == after {
                changed.push(false);
                continue;
            }
            write_stored(&tx, &target, &after, source, now)?;
            push_history(&tx, &target, &before, &after)?;
            events.push(draft_event(&target, &before, &after, source));
            changed.push(true);
        }
        tx.commit()?;
        Ok(Written::new(changed, events))
    }

    fn change_draft(
        &mut self,
        target: &Target<'_>,
        after: Stored,
        source: Source,
        now: i64,
    ) -> Result<Written<()>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, target.workspace_id)?;
        let before = read_stored(&tx, target)?;
        if before == after {
            return Ok(Written::new((), Vec::new()));
        }
        write_stored(&tx, target, &after, source, now)?;
        push_history(&tx, target, &before, &after)?;
        tx.commit()?;
        Ok(Written::new(
            (),
            vec![draft_event(target, &before, &after, source)],
        ))
    }

    /// Undoes the newest draft change in the workspace; `value` is false when there is none.
    pub fn undo(
        &mut self,
        workspace_id: i64,
        source: Source,
        now: i64,
    ) -> Result<Written<bool>, StoreError> {
        self.step(workspace_id, true, source, now)
    }

    /// Redoes the change undone last; `value` is false when there is none.
    pub fn redo(
        &mut self,
        workspace_id: i64,
        source: Source,
        now: i64,
    ) -> Result<Written<bool>, StoreError> {
        self.step(workspace_id, false, source, now)
    }

    fn step(
        &mut self,
        workspace_id: i64,
        undo: bool,
        source: Source,
        now: i64,
    ) -> Result<Written<bool>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        let Some(step) = read_step(&tx, workspace_id, undo)? else {
            return Ok(Written::new(false, Vec::new()));
        };
        let kind = EntityKind::parse(&step.kind, "draft_history")?;
        let target = Target {
            workspace_id,
            kind,
            key: &step.key,
        };
        let (from, to) = if undo {
            (&step.after, &step.before)
        } else {
            (&step.before, &step.after)
        };
        write_stored(&tx, &target, to, source, now)?;
        tx.execute(
            "UPDATE draft_history SET undone = ?3 WHERE workspace_id = ?1 AND seq = ?2",
            (workspace_id, step.seq, undo),
        )?;
        tx.commit()?;
        Ok(Written::new(
            true,
            vec![draft_event(&target, from, to, source)],
        ))
    }

    /// How many steps can be undone and redone now.
    pub fn undo_redo_counts(&self, workspace_id: i64) -> Result<(i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(sum(undone = 0), 0), COALESCE(sum(undone = 1), 0) FROM draft_history WHERE workspace_id = ?1",
            [workspace_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?)
    }

    /// Removes every draft and the undo history, as after a sync that published them.
    pub fn clear_drafts(
        &mut self,
        workspace_id: i64,
        source: Source,
    ) -> Result<Written<()>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        let cleared = list_drafts(&tx, workspace_id)?;
        tx.execute("DELETE FROM drafts WHERE workspace_id = ?1", [workspace_id])?;
        tx.execute(
            "DELETE FROM draft_history WHERE workspace_id = ?1",
            [workspace_id],
        )?;
        tx.commit()?;
        let events = cleared
            .into_iter()
            .map(|draft| {
                let subject = Subject::Draft {
                    kind: draft.kind,
                    key: draft.key,
                };
                ChangeEvent::new(workspace_id, subject, Change::Deleted, source)
            })
            .collect();
        Ok(Written::new((), events))
    }

    /// Every draft in the workspace, ordered by kind and key.
    pub fn drafts(&self, workspace_id: i64) -> Result<Vec<Draft>, StoreError> {
        require_workspace(&self.conn, workspace_id)?;
        list_drafts(&self.conn, workspace_id)
    }

    /// The draft of one entity, or `None` when the base shows.
    pub fn draft(
        &self,
        workspace_id: i64,
        kind: EntityKind,
        key: &str,
    ) -> Result<Option<Draft>, StoreError> {
        Ok(query_drafts(&self.conn, workspace_id, Some((kind, key)))?
            .into_iter()
            .next())
    }
}

fn list_drafts(conn: &Connection, workspace_id: i64) -> Result<Vec<Draft>, StoreError> {
    query_drafts(conn, workspace_id, None)
}

fn query_drafts(
    conn: &Connection,
    workspace_id: i64,
    only: Option<(EntityKind, &str)>,
) -> Result<Vec<Draft>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT kind, key, json, updated_at, source FROM drafts
         WHERE workspace_id = ?1 AND (?2 IS NULL OR (kind = ?2 AND key = ?3)) ORDER BY kind, key",
    )?;
    let (kind, key) = only.map_or((None, None), |(kind, key)| (Some(kind.as_str()), Some(key)));
    let rows = statement.query_map((workspace_id, kind, key), |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, key, json, updated_at, source) = row?;
        let content = match json {
            Some(json) => DraftContent::Json(parse_json(&json, "drafts", "json")?),
            None => DraftContent::Deleted,
        };
        Ok(Draft {
            kind: EntityKind::parse(&kind, "drafts")?,
            key,
            content,
            updated_at,
            source: Source::parse(&source, "drafts")?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkspaceKind;
    use crate::test_support::temp_store;
    use serde_json::json;

    fn workspace(store: &mut Store) -> i64 {
        crate::test_support::workspace(store, WorkspaceKind::Folder)
    }

    fn content(store: &Store, ws: i64, key: &str) -> Option<DraftContent> {
        store
            .draft(ws, EntityKind::Flag, key)
            .unwrap()
            .map(|draft| draft.content)
    }

    fn json_draft(value: Value) -> DraftContent {
        DraftContent::Json(value)
    }

    #[test]
    fn change_drafts_saves_and_discards_in_one_go_with_an_undo_step_each() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let _ = store
            .save_draft(
                ws,
                EntityKind::Flag,
                "gone",
                &json_draft(json!(0)),
                Source::User,
                1,
            )
            .unwrap();
        let changes = [
            (EntityKind::Flag, "a".to_owned(), Some(json_draft(json!(1)))),
            (
                EntityKind::Flag,
                "b".to_owned(),
                Some(DraftContent::Deleted),
            ),
            (EntityKind::Flag, "gone".to_owned(), None),
            (EntityKind::Flag, "never".to_owned(), None),
        ];
        let written = store
            .change_drafts(ws, &changes, Source::Watcher, 2)
            .unwrap();
        assert_eq!(written.value, vec![true, true, true, false]);
        assert_eq!(written.events.len(), 3);
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!(1))));
        assert_eq!(content(&store, ws, "b"), Some(DraftContent::Deleted));
        assert_eq!(content(&store, ws, "gone"), None);
        // The same batch again changes nothing.
        let again = store
            .change_drafts(ws, &changes, Source::Watcher, 3)
            .unwrap();
        assert_eq!(again.value, vec![false; 4]);
        assert!(again.events.is_empty());
        // One undo step per changed entity: undoing the discard brings `gone` back.
        assert!(store.undo(ws, Source::User, 4).unwrap().value);
        assert_eq!(content(&store, ws, "gone"), Some(json_draft(json!(0))));
    }

    /// The user saves `value` as the draft of flag `a`, the subject of most tests here.
    fn save_flag_a(
        store: &mut Store,
        ws: i64,
        value: Value,
        now: i64,
    ) -> Result<Written<()>, StoreError> {
        store.save_draft(
            ws,
            EntityKind::Flag,
            "a",
            &json_draft(value),
            Source::User,
            now,
        )
    }

    #[test]
    fn save_undo_redo_walks_the_history_both_ways() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let saved = save_flag_a(&mut store, ws, json!({"v": 1}), 10).unwrap();
        assert_eq!(saved.events[0].change, Change::Created);
        let _ = save_flag_a(&mut store, ws, json!({"v": 2}), 11).unwrap();
        let _ = store
            .save_draft(
                ws,
                EntityKind::Flag,
                "b",
                &DraftContent::Deleted,
                Source::User,
                12,
            )
            .unwrap();
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (3, 0));

        let undone = store.undo(ws, Source::User, 13).unwrap();
        assert!(undone.value);
        assert_eq!(
            undone.events[0].change,
            Change::Deleted,
            "undoing b's first draft removes it"
        );
        assert_eq!(content(&store, ws, "b"), None);

        let _ = store.undo(ws, Source::User, 14).unwrap();
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!({"v": 1}))));
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (1, 2));

        let _ = store.redo(ws, Source::User, 15).unwrap();
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!({"v": 2}))));
        let redone = store.redo(ws, Source::User, 16).unwrap();
        assert_eq!(redone.events[0].change, Change::Created);
        assert_eq!(content(&store, ws, "b"), Some(DraftContent::Deleted));
        assert!(
            !store.redo(ws, Source::User, 17).unwrap().value,
            "nothing left to redo"
        );

        for _ in 0..3 {
            assert!(store.undo(ws, Source::User, 18).unwrap().value);
        }
        let nothing = store.undo(ws, Source::User, 19).unwrap();
        assert!(!nothing.value);
        assert!(nothing.events.is_empty());
        assert!(store.drafts(ws).unwrap().is_empty());
    }

    #[test]
    fn a_new_save_after_undo_drops_the_redo_stack() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let _ = save_flag_a(&mut store, ws, json!(1), 1).unwrap();
        let _ = save_flag_a(&mut store, ws, json!(2), 2).unwrap();
        let _ = store.undo(ws, Source::User, 3).unwrap();
        let _ = save_flag_a(&mut store, ws, json!(3), 4).unwrap();
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (2, 0));
        assert!(!store.redo(ws, Source::User, 5).unwrap().value);
        let _ = store.undo(ws, Source::User, 6).unwrap();
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!(1))));
    }

    #[test]
    fn discard_is_undoable_and_a_no_op_without_a_draft() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let none = store
            .discard_draft(ws, EntityKind::Flag, "a", Source::User, 1)
            .unwrap();
        assert!(!none.value);
        assert!(none.events.is_empty());

        let _ = save_flag_a(&mut store, ws, json!(1), 2).unwrap();
        let discarded = store
            .discard_draft(ws, EntityKind::Flag, "a", Source::User, 3)
            .unwrap();
        assert!(discarded.value);
        assert_eq!(discarded.events[0].change, Change::Deleted);
        assert_eq!(content(&store, ws, "a"), None);
        let _ = store.undo(ws, Source::User, 4).unwrap();
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!(1))));
    }

    #[test]
    fn saving_the_same_content_records_nothing() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let _ = save_flag_a(&mut store, ws, json!(1), 1).unwrap();
        let again = save_flag_a(&mut store, ws, json!(1), 2).unwrap();
        assert!(again.events.is_empty());
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (1, 0));
    }

    #[test]
    fn drafts_record_their_source_and_time_and_clear_emits_one_event_each() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        let watched = store
            .save_draft(
                ws,
                EntityKind::Segment,
                "s",
                &json_draft(json!([])),
                Source::Watcher,
                7,
            )
            .unwrap();
        assert_eq!(
            watched.events,
            vec![ChangeEvent::new(
                ws,
                Subject::Draft {
                    kind: EntityKind::Segment,
                    key: "s".into()
                },
                Change::Created,
                Source::Watcher
            )]
        );
        let _ = store
            .save_draft(
                ws,
                EntityKind::Flag,
                "f",
                &DraftContent::Deleted,
                Source::Import,
                8,
            )
            .unwrap();
        let drafts = store.drafts(ws).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!(
            (drafts[0].kind, drafts[0].source, drafts[0].updated_at),
            (EntityKind::Flag, Source::Import, 8)
        );
        assert_eq!(
            (drafts[1].kind, drafts[1].source, drafts[1].updated_at),
            (EntityKind::Segment, Source::Watcher, 7)
        );

        let cleared = store.clear_drafts(ws, Source::Sync).unwrap();
        assert_eq!(cleared.events.len(), 2);
        assert!(
            cleared
                .events
                .iter()
                .all(|e| e.source == Source::Sync && e.change == Change::Deleted)
        );
        assert!(store.drafts(ws).unwrap().is_empty());
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (0, 0));
    }

    #[test]
    fn trimming_keeps_the_newest_steps_and_undo_stops_there() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store);
        for v in 1..=4 {
            let _ = store
                .save_draft(
                    ws,
                    EntityKind::Flag,
                    "a",
                    &json_draft(json!(v)),
                    Source::User,
                    v,
                )
                .unwrap();
        }
        let tx = store.write_tx().unwrap();
        trim_history(&tx, ws, 2).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.undo_redo_counts(ws).unwrap(), (2, 0));
        assert!(store.undo(ws, Source::User, 5).unwrap().value);
        assert!(store.undo(ws, Source::User, 6).unwrap().value);
        assert!(!store.undo(ws, Source::User, 7).unwrap().value);
        assert_eq!(content(&store, ws, "a"), Some(json_draft(json!(2))));
    }

    #[test]
    fn a_missing_workspace_is_an_error() {
        let (_dir, mut store) = temp_store();
        assert!(matches!(
            store.save_draft(
                5,
                EntityKind::Flag,
                "a",
                &DraftContent::Deleted,
                Source::User,
                1
            ),
            Err(StoreError::NoSuchWorkspace(5))
        ));
        assert!(matches!(
            store.undo(5, Source::User, 1),
            Err(StoreError::NoSuchWorkspace(5))
        ));
    }
}
