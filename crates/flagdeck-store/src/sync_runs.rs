//! A record of each sync: when it ran and how it ended. A run left `running` by a crash is marked
//! interrupted at the next start, so the app can say so and the next sync can finish the work.

use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{Change, ChangeEvent, Source, Store, StoreError, Subject, Written, parse_json_opt};

/// Where a sync run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    Running,
    Succeeded,
    Failed,
    /// The process stopped while the run was going.
    Interrupted,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatus::Running => "running",
            SyncStatus::Succeeded => "succeeded",
            SyncStatus::Failed => "failed",
            SyncStatus::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "running" => Ok(SyncStatus::Running),
            "succeeded" => Ok(SyncStatus::Succeeded),
            "failed" => Ok(SyncStatus::Failed),
            "interrupted" => Ok(SyncStatus::Interrupted),
            other => Err(StoreError::corrupt(
                "sync_runs",
                "status",
                format!("unknown status {other:?}"),
            )),
        }
    }
}

/// How a finished run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    Succeeded,
    Failed,
}

/// A stored sync run.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRun {
    pub id: i64,
    pub workspace_id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: SyncStatus,
    /// What the run did or why it failed, as the sync layer describes it.
    pub summary: Option<Value>,
}

fn event(workspace_id: i64, id: i64, change: Change, source: Source) -> ChangeEvent {
    ChangeEvent::new(workspace_id, Subject::SyncRun { id }, change, source)
}

impl Store {
    /// Records that a sync has started; `value` is the run's id.
    pub fn start_sync_run(
        &mut self,
        workspace_id: i64,
        source: Source,
        now: i64,
    ) -> Result<Written<i64>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        tx.execute(
            "INSERT INTO sync_runs (workspace_id, started_at, status) VALUES (?1, ?2, 'running')",
            (workspace_id, now),
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Written::new(
            id,
            vec![event(workspace_id, id, Change::Created, source)],
        ))
    }

    /// Records how a running sync ended.
    pub fn finish_sync_run(
        &mut self,
        id: i64,
        outcome: SyncOutcome,
        summary: &Value,
        source: Source,
        now: i64,
    ) -> Result<Written<SyncRun>, StoreError> {
        let status = match outcome {
            SyncOutcome::Succeeded => SyncStatus::Succeeded,
            SyncOutcome::Failed => SyncStatus::Failed,
        };
        let tx = self.write_tx()?;
        let changed = tx.execute(
            "UPDATE sync_runs SET status = ?2, summary_json = ?3, finished_at = ?4 WHERE id = ?1 AND status = 'running'",
            (id, status.as_str(), summary.to_string(), now),
        )?;
        if changed == 0 {
            return Err(StoreError::NoRunningSyncRun(id));
        }
        let run = query_runs(&tx, "id = ?1", id, 1)?
            .into_iter()
            .next()
            .ok_or(StoreError::NoRunningSyncRun(id))?;
        tx.commit()?;
        let events = vec![event(run.workspace_id, id, Change::Updated, source)];
        Ok(Written::new(run, events))
    }

    /// Marks every run still `running` as interrupted: call once when the app starts, before any
    /// new sync. `value` is the ids marked.
    pub fn mark_interrupted_sync_runs(
        &mut self,
        source: Source,
        now: i64,
    ) -> Result<Written<Vec<i64>>, StoreError> {
        let tx = self.write_tx()?;
        let stale: Vec<(i64, i64)> = {
            let mut statement = tx.prepare(
                "SELECT id, workspace_id FROM sync_runs WHERE status = 'running' ORDER BY id",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = ?1 WHERE status = 'running'",
            [now],
        )?;
        tx.commit()?;
        let events = stale
            .iter()
            .map(|(id, workspace_id)| event(*workspace_id, *id, Change::Updated, source))
            .collect();
        Ok(Written::new(
            stale.into_iter().map(|(id, _)| id).collect(),
            events,
        ))
    }

    /// The newest `limit` runs of a workspace, newest first.
    pub fn sync_runs(&self, workspace_id: i64, limit: u32) -> Result<Vec<SyncRun>, StoreError> {
        query_runs(&self.conn, "workspace_id = ?1", workspace_id, limit)
    }
}

fn query_runs(
    conn: &rusqlite::Connection,
    filter: &'static str,
    value: i64,
    limit: u32,
) -> Result<Vec<SyncRun>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT id, workspace_id, started_at, finished_at, status, summary_json FROM sync_runs
         WHERE {filter} ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = statement.query_map((value, limit), |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<i64>>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (id, workspace_id, started_at, finished_at, status, summary) = row?;
        Ok(SyncRun {
            id,
            workspace_id,
            started_at,
            finished_at,
            status: SyncStatus::parse(&status)?,
            summary: parse_json_opt(summary, "sync_runs", "summary_json")?,
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

    #[test]
    fn start_finish_and_interrupt() {
        let (_dir, mut store) = temp_store();
        let ws = crate::test_support::workspace(&mut store, WorkspaceKind::Git);

        let first = store.start_sync_run(ws, Source::Sync, 10).unwrap();
        assert_eq!(
            first.events,
            vec![event(ws, first.value, Change::Created, Source::Sync)]
        );
        let done = store
            .finish_sync_run(
                first.value,
                SyncOutcome::Succeeded,
                &json!({"pulled": 3}),
                Source::Sync,
                12,
            )
            .unwrap();
        assert_eq!(done.value.status, SyncStatus::Succeeded);
        assert_eq!(done.value.finished_at, Some(12));
        assert_eq!(done.value.summary, Some(json!({"pulled": 3})));
        assert!(matches!(
            store.finish_sync_run(
                first.value,
                SyncOutcome::Failed,
                &json!(null),
                Source::Sync,
                13
            ),
            Err(StoreError::NoRunningSyncRun(_))
        ));

        let crashed = store.start_sync_run(ws, Source::Sync, 20).unwrap().value;
        let marked = store.mark_interrupted_sync_runs(Source::Sync, 30).unwrap();
        assert_eq!(marked.value, vec![crashed]);
        assert_eq!(marked.events.len(), 1);

        let runs = store.sync_runs(ws, 10).unwrap();
        assert_eq!(
            runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
            vec![
                (crashed, SyncStatus::Interrupted),
                (first.value, SyncStatus::Succeeded)
            ]
        );
        assert_eq!(runs[0].finished_at, Some(30));
        assert!(
            store
                .mark_interrupted_sync_runs(Source::Sync, 31)
                .unwrap()
                .value
                .is_empty()
        );
    }
}
