//! Change events as the UI receives them (DESIGN §2: every write names its source and emits an
//! event that the UI applies to its store). Hosts hand the [`App`](crate::App) a sink; the
//! desktop shell forwards each batch to the window, tests collect them.

use std::sync::Arc;

use flagdeck_store::{Change, ChangeEvent, EntityKind, Source, Subject};
use serde::Serialize;

/// One change, serialisable for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppEvent {
    pub workspace_id: i64,
    /// What changed: `workspace`, `base`, `draft`, `conflict`, `syncRun`, `audit`, `persona`,
    /// `watchError`.
    #[ts(
        type = r#""workspace" | "base" | "draft" | "conflict" | "syncRun" | "audit" | "persona" | "watchError""#
    )]
    pub subject: &'static str,
    /// The entity kind for drafts and conflicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<crate::Kind>")]
    pub entity_kind: Option<&'static str>,
    /// The entity key (drafts, conflicts, personas) or the new base commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key: Option<String>,
    /// `created`, `updated` or `deleted`.
    #[ts(type = r#""created" | "updated" | "deleted""#)]
    pub change: &'static str,
    /// `user`, `sync`, `import` or `watcher`.
    #[ts(type = r#""user" | "sync" | "import" | "watcher""#)]
    pub source: &'static str,
}

impl From<&ChangeEvent> for AppEvent {
    fn from(event: &ChangeEvent) -> Self {
        let kind = |kind: &EntityKind| Some(kind.as_str());
        let (subject, entity_kind, key) = match &event.subject {
            Subject::Workspace => ("workspace", None, None),
            Subject::Base { commit } => ("base", None, Some(commit.clone())),
            Subject::Draft { kind: k, key } => ("draft", kind(k), Some(key.clone())),
            Subject::Audit { id } => ("audit", None, Some(id.to_string())),
            Subject::SyncRun { id } => ("syncRun", None, Some(id.to_string())),
            Subject::Persona { key } => ("persona", None, Some(key.clone())),
            Subject::Conflict { kind: k, key, .. } => ("conflict", kind(k), Some(key.clone())),
        };
        AppEvent {
            workspace_id: event.workspace_id,
            subject,
            entity_kind,
            key,
            change: match event.change {
                Change::Created => "created",
                Change::Updated => "updated",
                Change::Deleted => "deleted",
            },
            source: source_name(event.source),
        }
    }
}

impl AppEvent {
    /// The watcher could not read an edit into the cache; `key` holds the sentence.
    pub(crate) fn watch_failed(workspace_id: i64, message: &str) -> Self {
        AppEvent {
            workspace_id,
            subject: "watchError",
            entity_kind: None,
            key: Some(message.to_owned()),
            change: "updated",
            source: "watcher",
        }
    }
}

fn source_name(source: Source) -> &'static str {
    source.as_str()
}

/// Where events go. Called after each committed write, from the thread that wrote (the
/// watcher's thread for edits made in a text editor).
pub type EventSink = Arc<dyn Fn(&[AppEvent]) + Send + Sync>;

/// A sink that drops every event, for hosts that do not listen (the CLI).
pub fn no_events() -> EventSink {
    Arc::new(|_| {})
}
