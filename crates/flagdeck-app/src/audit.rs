//! The workspace's audit log as the app writes and shows it: who synced what, who resolved which
//! conflict.

use flagdeck_store::{AuditQuery, NewAuditEntry, Source};
use serde::Serialize;
use serde_json::Value;

use crate::App;
use crate::error::AppResult;

/// One audit entry for the UI.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    /// e.g. `sync.pushed`, `sync.pulled`, `conflict.resolved`.
    pub action: String,
    #[ts(type = r#""user" | "sync" | "import" | "watcher""#)]
    pub source: &'static str,
    pub details: Value,
}

impl App {
    /// The newest `limit` entries of a workspace's audit log, newest first.
    pub fn audit_log(&self, workspace_id: i64, limit: u32) -> AppResult<Vec<AuditView>> {
        let query = AuditQuery {
            limit,
            ..AuditQuery::default()
        };
        Ok(self
            .store()
            .audit(workspace_id, &query)?
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                source: e.source.as_str(),
                details: e.details,
            })
            .collect())
    }

    /// Appends an entry by this app's user.
    pub(crate) fn record(
        &self,
        workspace_id: i64,
        action: &str,
        details: Value,
        source: Source,
    ) -> AppResult<()> {
        let entry = NewAuditEntry {
            at: self.now(),
            actor: self.identity.name.clone(),
            action: action.to_owned(),
            details,
        };
        let written = self.store().append_audit(workspace_id, &entry, source)?;
        self.emit(&written.events);
        Ok(())
    }
}
