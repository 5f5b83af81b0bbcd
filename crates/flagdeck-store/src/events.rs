//! Who made a write ([`Source`]) and what it changed ([`ChangeEvent`]).
//!
//! Every write method takes a `Source` and returns [`Written`]: its value plus the change events it
//! produced. Events are built only after the transaction commits, so an event never announces a
//! write that was rolled back. The app layer forwards `Written::events` to the UI as they are;
//! the UI applies them to its one normalized store. The watcher's writes carry `Source::Watcher`,
//! so the app can tell an edit made on disk from one the user made in the app.

use crate::StoreError;

/// Who asked for a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The person, through the app or the CLI.
    User,
    /// A sync with the workspace's backend.
    Sync,
    /// An import of existing files.
    Import,
    /// The file watcher, reporting an edit made outside the app.
    Watcher,
}

impl Source {
    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::User => "user",
            Source::Sync => "sync",
            Source::Import => "import",
            Source::Watcher => "watcher",
        }
    }

    pub(crate) fn parse(text: &str, table: &'static str) -> Result<Self, StoreError> {
        match text {
            "user" => Ok(Source::User),
            "sync" => Ok(Source::Sync),
            "import" => Ok(Source::Import),
            "watcher" => Ok(Source::Watcher),
            other => Err(StoreError::corrupt(
                table,
                "source",
                format!("unknown source {other:?}"),
            )),
        }
    }
}

/// The kinds of entity a flags repository holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Project,
    Flag,
    Segment,
    Person,
    Policy,
    Change,
    Persona,
}

impl EntityKind {
    /// Every kind, in a stable order.
    pub const ALL: [EntityKind; 7] = [
        EntityKind::Project,
        EntityKind::Flag,
        EntityKind::Segment,
        EntityKind::Person,
        EntityKind::Policy,
        EntityKind::Change,
        EntityKind::Persona,
    ];

    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Project => "project",
            EntityKind::Flag => "flag",
            EntityKind::Segment => "segment",
            EntityKind::Person => "person",
            EntityKind::Policy => "policy",
            EntityKind::Change => "change",
            EntityKind::Persona => "persona",
        }
    }

    pub(crate) fn parse(text: &str, table: &'static str) -> Result<Self, StoreError> {
        EntityKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                StoreError::corrupt(table, "kind", format!("unknown entity kind {text:?}"))
            })
    }
}

/// What a write did to its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

/// The thing a change event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The workspace record itself (name, location, ...).
    Workspace,
    /// The whole base snapshot was replaced; `commit` is the new base commit.
    Base { commit: String },
    /// The local draft of one entity. `Change::Deleted` means the draft is gone and the base shows
    /// again; a draft that deletes the entity is `Created`/`Updated` with `DraftContent::Deleted`.
    Draft { kind: EntityKind, key: String },
    /// One audit log entry.
    Audit { id: i64 },
    /// One sync run (started, finished or marked interrupted).
    SyncRun { id: i64 },
    /// One merge conflict.
    Conflict {
        id: i64,
        kind: EntityKind,
        key: String,
    },
}

/// One change, as the UI needs it to update its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub workspace_id: i64,
    pub subject: Subject,
    pub change: Change,
    pub source: Source,
}

impl ChangeEvent {
    pub(crate) fn new(workspace_id: i64, subject: Subject, change: Change, source: Source) -> Self {
        ChangeEvent {
            workspace_id,
            subject,
            change,
            source,
        }
    }
}

/// The result of a committed write: its value and the events to forward to the UI.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "forward the change events to the UI"]
pub struct Written<T> {
    pub value: T,
    pub events: Vec<ChangeEvent>,
}

impl<T> Written<T> {
    pub(crate) fn new(value: T, events: Vec<ChangeEvent>) -> Self {
        Written { value, events }
    }
}
