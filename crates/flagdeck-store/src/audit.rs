//! The audit log: an append-only record of what was done in a workspace, by whom.

use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{Change, ChangeEvent, Source, Store, StoreError, Subject, Written, parse_json};

/// An entry to append. `at` is when it happened (Unix seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub details: Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub workspace_id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub source: Source,
    pub details: Value,
}

/// Which entries to read: newest first, optionally only one action, before an id (for paging).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<String>,
    /// Only entries with a smaller id: pass the last id of the previous page.
    pub before_id: Option<i64>,
    pub limit: u32,
}

impl Default for AuditQuery {
    fn default() -> Self {
        AuditQuery {
            action: None,
            before_id: None,
            limit: 100,
        }
    }
}

impl Store {
    /// Appends one entry; `value` is its id.
    pub fn append_audit(
        &mut self,
        workspace_id: i64,
        entry: &NewAuditEntry,
        source: Source,
    ) -> Result<Written<i64>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        tx.execute(
            "INSERT INTO audit_log (workspace_id, at, actor, action, source, details_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                workspace_id,
                entry.at,
                &entry.actor,
                &entry.action,
                source.as_str(),
                entry.details.to_string(),
            ),
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        let event = ChangeEvent::new(workspace_id, Subject::Audit { id }, Change::Created, source);
        Ok(Written::new(id, vec![event]))
    }

    /// Entries of one workspace, newest first.
    pub fn audit(
        &self,
        workspace_id: i64,
        query: &AuditQuery,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, actor, action, source, details_json FROM audit_log
             WHERE workspace_id = ?1 AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR id < ?3)
             ORDER BY id DESC LIMIT ?4",
        )?;
        let rows = statement.query_map(
            (workspace_id, &query.action, query.before_id, query.limit),
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                ))
            },
        )?;
        rows.map(|row| {
            let (id, at, actor, action, source, details) = row?;
            Ok(AuditEntry {
                id,
                workspace_id,
                at,
                actor,
                action,
                source: Source::parse(&source, "audit_log")?,
                details: parse_json(&details, "audit_log", "details_json")?,
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkspaceKind;
    use crate::test_support::temp_store;
    use serde_json::json;

    fn entry(at: i64, action: &str) -> NewAuditEntry {
        NewAuditEntry {
            at,
            actor: "ana@example.com".into(),
            action: action.into(),
            details: json!({"flag": "checkout"}),
        }
    }

    #[test]
    fn append_then_query_newest_first_with_filter_and_paging() {
        let (_dir, mut store) = temp_store();
        let ws = crate::test_support::workspace(&mut store, WorkspaceKind::Local);
        let first = store
            .append_audit(ws, &entry(10, "flag.edit"), Source::User)
            .unwrap();
        assert_eq!(
            first.events,
            vec![ChangeEvent::new(
                ws,
                Subject::Audit { id: first.value },
                Change::Created,
                Source::User
            )]
        );
        let second = store
            .append_audit(ws, &entry(20, "sync.push"), Source::Sync)
            .unwrap()
            .value;
        let third = store
            .append_audit(ws, &entry(30, "flag.edit"), Source::Watcher)
            .unwrap()
            .value;

        let all = store.audit(ws, &AuditQuery::default()).unwrap();
        assert_eq!(
            all.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![third, second, first.value]
        );
        assert_eq!(all[1].source, Source::Sync);
        assert_eq!(all[0].details, json!({"flag": "checkout"}));

        let edits = AuditQuery {
            action: Some("flag.edit".into()),
            ..AuditQuery::default()
        };
        assert_eq!(store.audit(ws, &edits).unwrap().len(), 2);

        let page = AuditQuery {
            before_id: Some(third),
            limit: 1,
            ..AuditQuery::default()
        };
        assert_eq!(
            store
                .audit(ws, &page)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            vec![second]
        );

        assert!(matches!(
            store.append_audit(ws + 1, &entry(1, "x"), Source::User),
            Err(StoreError::NoSuchWorkspace(_))
        ));
    }
}
