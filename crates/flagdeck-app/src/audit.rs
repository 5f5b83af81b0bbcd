//! The workspace's audit log as the app writes and shows it: who synced what, who resolved which
//! conflict.

use flagdeck_store::{AuditEntry, AuditQuery, NewAuditEntry, Source};
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

/// Which audit entries to show; every absent field matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's name, any case.
    pub who: Option<String>,
    /// An action (`change.approved`) or its group (`change`).
    pub action: Option<String>,
    /// An environment key the entry's details mention.
    pub environment: Option<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, inclusive.
    pub until: Option<i64>,
}

/// How many entries one read of the cache takes while filtering.
const FILTER_PAGE: u32 = 500;

impl App {
    /// The newest `limit` entries of a workspace's audit log that `filter` lets through, newest
    /// first.
    pub fn audit_log_filtered(
        &self,
        workspace_id: i64,
        limit: u32,
        filter: &AuditFilter,
    ) -> AppResult<Vec<AuditView>> {
        if *filter == AuditFilter::default() {
            return self.audit_log(workspace_id, limit);
        }
        let mut found = Vec::new();
        let mut query = AuditQuery {
            limit: FILTER_PAGE,
            ..AuditQuery::default()
        };
        loop {
            let page = self.store().audit(workspace_id, &query)?;
            let Some(last) = page.last() else { break };
            query.before_id = Some(last.id);
            let full = page.len() == FILTER_PAGE as usize;
            for entry in page {
                if found.len() >= limit as usize {
                    return Ok(found);
                }
                let view = view_of(entry);
                if filter.admits(&view) {
                    found.push(view);
                }
            }
            if !full {
                break;
            }
        }
        found.truncate(limit as usize);
        Ok(found)
    }

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
            .map(view_of)
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

fn view_of(e: AuditEntry) -> AuditView {
    AuditView {
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        source: e.source.as_str(),
        details: e.details,
    }
}

impl AuditFilter {
    fn admits(&self, entry: &AuditView) -> bool {
        let who = self.who.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let action = self
            .action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let environment = self
            .environment
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        who.is_none_or(|w| entry.actor.to_lowercase().contains(&w.to_lowercase()))
            && action.is_none_or(|a| {
                entry.action == a
                    || entry
                        .action
                        .strip_prefix(a)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            && environment.is_none_or(|e| mentions_environment(&entry.details, e))
            && self.since.is_none_or(|since| entry.at >= since)
            && self.until.is_none_or(|until| entry.at <= until)
    }
}

/// Whether audit details mention the environment `env`: a value `env` under a key naming an
/// environment, a key `env` under `environments`, or a JSON pointer or path through
/// `environments/<env>`.
fn mentions_environment(details: &Value, env: &str) -> bool {
    let through = |text: &str| {
        let needle = format!("environments/{env}");
        text.match_indices(&needle).any(|(at, _)| {
            text.get(at + needle.len()..)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    };
    match details {
        Value::String(text) => through(text),
        Value::Array(items) => items.iter().any(|v| mentions_environment(v, env)),
        Value::Object(map) => map.iter().any(|(key, value)| {
            let named = matches!(key.as_str(), "environment" | "env" | "environments");
            (named && value_names(value, env))
                || (key == "environments" && value.get(env).is_some())
                || mentions_environment(value, env)
        }),
        _ => false,
    }
}

fn value_names(value: &Value, env: &str) -> bool {
    match value {
        Value::String(text) => text == env,
        Value::Array(items) => items.iter().any(|v| v.as_str() == Some(env)),
        _ => false,
    }
}
