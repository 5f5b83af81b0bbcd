//! What a workspace holds that is not synced yet, without touching the network.

use flagdeck_store::SyncStatus;
use serde::Serialize;
use serde_json::Value;

use crate::App;
use crate::error::AppResult;

/// A workspace's state for the status bar.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// Entities with a draft.
    pub drafts: usize,
    /// Conflicts waiting for the user.
    pub open_conflicts: usize,
    /// Conflicts resolved, to be applied by the next sync.
    pub resolved_conflicts: usize,
    /// Whether the next sync has something to push.
    pub pending_push: bool,
    /// The latest sync run: `running`, `succeeded`, `failed` or `interrupted`.
    #[ts(type = r#""running" | "succeeded" | "failed" | "interrupted" | null"#)]
    pub last_sync: Option<&'static str>,
    /// What it did or why it failed.
    pub last_sync_summary: Option<Value>,
    pub can_undo: bool,
    pub can_redo: bool,
    /// Commits the syncs took from the remote that bypassed governance, as of the last sync:
    /// publishing is refused until a change request fixes them.
    pub governance_violations: usize,
}

impl App {
    /// Drafts, pending pushes, conflicts and the last sync of a workspace.
    pub fn status(&self, workspace_id: i64) -> AppResult<StatusView> {
        let governance_violations = self.last_governance_violations(workspace_id)?.len();
        let store = self.store();
        self.workspace_record(&store, workspace_id)?;
        let drafts = store.drafts(workspace_id)?.len();
        let conflicts = store.conflicts(workspace_id, false)?;
        let open = conflicts.iter().filter(|c| c.resolution.is_none()).count();
        let last = store.sync_runs(workspace_id, 1)?.into_iter().next();
        let (undo, redo) = store.undo_redo_counts(workspace_id)?;
        Ok(StatusView {
            drafts,
            open_conflicts: open,
            resolved_conflicts: conflicts.len() - open,
            pending_push: drafts > 0,
            last_sync: last.as_ref().map(|run| match run.status {
                SyncStatus::Running => "running",
                SyncStatus::Succeeded => "succeeded",
                SyncStatus::Failed => "failed",
                SyncStatus::Interrupted => "interrupted",
            }),
            last_sync_summary: last.and_then(|run| run.summary),
            can_undo: undo > 0,
            can_redo: redo > 0,
            governance_violations,
        })
    }
}
