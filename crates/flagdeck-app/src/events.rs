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
    /// What changed: `workspace`, `base`, `draft`, `conflict`, `syncRun`, `audit`, `watchError`;
    /// or `progress` of a long task (then `progress` says how far it is).
    #[ts(
        type = r#""workspace" | "base" | "draft" | "conflict" | "syncRun" | "audit" | "watchError" | "progress""#
    )]
    pub subject: &'static str,
    /// The entity kind for drafts and conflicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<crate::Kind>")]
    pub entity_kind: Option<&'static str>,
    /// The entity key (drafts, conflicts) or the new base commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key: Option<String>,
    /// `created`, `updated` or `deleted`.
    #[ts(type = r#""created" | "updated" | "deleted""#)]
    pub change: &'static str,
    /// `user`, `sync`, `import` or `watcher`.
    #[ts(type = r#""user" | "sync" | "import" | "watcher""#)]
    pub source: &'static str,
    /// How far a long task has come (`subject: "progress"` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub progress: Option<Progress>,
}

/// How far a long task has come: `done` of `total` steps (objects, for a clone), and what it
/// is doing in words. `total` may be 0 while it is not known yet; `done == total` at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// What is running: `clone` or `sync`.
    pub task: String,
    pub done: u64,
    pub total: u64,
    pub message: String,
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
            progress: None,
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
            progress: None,
        }
    }

    /// A long task's progress. `workspace_id` is 0 while the workspace is not announced yet (a
    /// clone in `createGitWorkspace`).
    pub(crate) fn progress(workspace_id: i64, progress: Progress) -> Self {
        AppEvent {
            workspace_id,
            subject: "progress",
            entity_kind: None,
            key: None,
            change: "updated",
            source: "user",
            progress: Some(progress),
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

/// The shortest time between two progress events of one task: at most ten a second reach the
/// window, however often libgit2 reports.
pub(crate) const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// Sends one task's progress to the host, throttled to [`PROGRESS_INTERVAL`]; the first report
/// and the end always go out.
pub(crate) struct ProgressReporter {
    events: EventSink,
    workspace_id: i64,
    task: &'static str,
    last_sent: Option<std::time::Instant>,
    done: u64,
    total: u64,
}

impl ProgressReporter {
    pub(crate) fn new(events: EventSink, workspace_id: i64, task: &'static str) -> Self {
        ProgressReporter {
            events,
            workspace_id,
            task,
            last_sent: None,
            done: 0,
            total: 0,
        }
    }

    /// Reports `done` of `total` unless an event went out less than the interval ago.
    pub(crate) fn report(&mut self, done: u64, total: u64, message: &str) {
        // Never more done than in total, whatever libgit2 counted.
        self.done = done;
        self.total = total.max(done);
        let due = self
            .last_sent
            .is_none_or(|sent| sent.elapsed() >= PROGRESS_INTERVAL);
        if due {
            self.send(message);
        }
    }

    /// A new step of the task: always sent (a task has a handful; only libgit2's counts are
    /// throttled), so the step that waits on the network is the one shown.
    pub(crate) fn step(&mut self, done: u64, total: u64, message: &str) {
        self.done = done;
        self.total = total.max(done);
        self.send(message);
    }

    /// A clone's download report.
    pub(crate) fn transfer(&mut self, stats: flagdeck_sync::TransferProgress) {
        let done = u64::try_from(stats.received_objects).unwrap_or(u64::MAX);
        let total = u64::try_from(stats.total_objects).unwrap_or(u64::MAX);
        self.report(done, total, "Receiving objects");
    }

    /// The end: `done == total`, sent whatever the throttle says.
    pub(crate) fn finish(&mut self, message: &str) {
        self.total = self.total.max(self.done);
        self.done = self.total;
        self.send(message);
    }

    fn send(&mut self, message: &str) {
        self.last_sent = Some(std::time::Instant::now());
        let event = AppEvent::progress(
            self.workspace_id,
            Progress {
                task: self.task.to_owned(),
                done: self.done,
                total: self.total,
                message: message.to_owned(),
            },
        );
        (self.events)(&[event]);
    }
}
