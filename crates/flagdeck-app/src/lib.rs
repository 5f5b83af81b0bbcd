//! Flagdeck's application service (DESIGN §2): the one command surface that every host uses —
//! the desktop shell's commands are one-line adapters to [`App`]'s methods, `flagdeck serve`
//! will expose the same over HTTP, and the CLI's `sync` runs the same engine on a checkout.
//!
//! What lives here, and nowhere below: which workspace is where (an app-owned bare clone of a
//! Git remote, a folder the user already has, or a new local project), the user's drafts on top
//! of the base snapshot, sync as a plan and then an apply, conflicts kept until resolved, and
//! change events for the UI. The pure work is `flagdeck_core`'s, the cache `flagdeck_store`'s,
//! Git and secrets `flagdeck_sync`'s.
//!
//! Every method takes `&self`: the store sits behind a mutex held only for the length of one
//! cache operation, never across network IO, so the UI keeps reading while a sync pushes.

pub mod api;
mod audit;
mod calendar;
mod clock;
mod demo;
mod dist;
mod editing;
mod entity;
mod error;
mod events;
mod folder;
pub mod governance;
mod preview;
mod preview_server;
pub mod project_dir;
mod project_info;
mod remote_access;
mod segment_usage;
mod snapshot;
mod status;
pub mod sync;
mod workspaces;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use flagdeck_store::{ChangeEvent, Store};
use flagdeck_sync::SecretStore;

pub use audit::{AuditFilter, AuditView};
pub use clock::{Clock, ManualClock, SystemClock};
pub use demo::DEMO_NAME;
pub use editing::{EntityListItem, EntityView, EnvState, ListStart, SaveOutcome};
pub use entity::{EntityRef, Kind};
pub use error::{AppError, AppResult, ErrorCode};
pub use events::{AppEvent, EventSink, Progress, no_events};
pub use flagdeck_store::Source;
pub use folder::Refreshed;
pub use governance::{AuditFormat, ChangeView, DraftChange, IdentityStatus, PublishReport};
pub use preview::RebucketSample;
pub use preview_server::PreviewServerInfo;
pub use project_info::{AttributeInfo, EnvironmentInfo, Freeze, ProjectInfo};
pub use remote_access::{ConnectionTest, CredentialsStatus};
pub use segment_usage::SegmentUse;
pub use status::StatusView;
pub use sync::{ConflictChoice, ConflictView, SyncOptions, SyncReport, SyncResult};
pub use workspaces::{
    Identity, WorkspaceInfo, WorkspaceKindName, credentials_for_url, url_username,
};

/// What a host gives the app when it starts.
pub struct AppConfig {
    /// The app's data folder: the cache database and the clones live here.
    pub data_dir: PathBuf,
    /// Who commits: the author of sync commits.
    pub identity: Identity,
    /// Where Git passwords and tokens live (the OS keyring in the app).
    pub secrets: Arc<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
    /// Where change events go.
    pub events: EventSink,
}

/// The application service. One per process; share it behind an `Arc`.
pub struct App {
    store: Mutex<Store>,
    data_dir: PathBuf,
    identity: Identity,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    events: EventSink,
    /// Workspaces with a sync running in this process: a second sync waits its turn.
    syncing: Mutex<HashSet<i64>>,
    /// Parsed base snapshots by workspace, with the commit they hold: parsing 10,000 flags
    /// costs more than a whole sync's Git work, so it is done once per base.
    bases: Mutex<HashMap<i64, snapshot::CachedBase>>,
    /// Entity lists by workspace, for search; dropped on every write to the workspace.
    lists: Mutex<HashMap<i64, Arc<editing::SearchIndex>>>,
    /// Folder workspaces being watched.
    watchers: Mutex<HashMap<i64, flagdeck_sync::FolderWatcher>>,
    /// Per workspace: held while the cache and the folder's files are brought in line (a
    /// save and its write-through; the watcher's read and its draft write), so the watcher
    /// can never store a file's older content over a newer save.
    folder_io: Mutex<HashMap<i64, Arc<Mutex<()>>>>,
    /// OFREP preview servers and their pins, by workspace.
    preview: preview_server::PreviewServers,
}

/// The name of the cache database inside the data folder.
pub const CACHE_FILE: &str = "cache.sqlite";

impl App {
    /// Opens the app on its data folder (created if needed), upgrading the cache if it is older,
    /// and marks syncs that a crash interrupted.
    pub fn open(config: AppConfig) -> AppResult<App> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| project_dir::io_error("create the data folder", &config.data_dir, &e))?;
        let mut store = Store::open_at(&config.data_dir.join(CACHE_FILE), config.clock.now())?;
        let interrupted =
            store.mark_interrupted_sync_runs(flagdeck_store::Source::Sync, config.clock.now())?;
        let app = App {
            store: Mutex::new(store),
            data_dir: config.data_dir,
            identity: config.identity,
            secrets: config.secrets,
            clock: config.clock,
            events: config.events,
            syncing: Mutex::new(HashSet::new()),
            bases: Mutex::new(HashMap::new()),
            lists: Mutex::new(HashMap::new()),
            watchers: Mutex::new(HashMap::new()),
            folder_io: Mutex::new(HashMap::new()),
            preview: preview_server::PreviewServers::default(),
        };
        app.emit(&interrupted.events);
        Ok(app)
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The cache, locked for one operation. A panic while it was held cannot leave a
    /// half-written transaction (SQLite rolled it back), so a poisoned lock is still usable.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Forwards store events to the host.
    fn emit(&self, events: &[ChangeEvent]) {
        if events.is_empty() {
            return;
        }
        // Every write passes here: a preview server serves the new content from now on.
        for event in events {
            self.preview.changed(event.workspace_id);
        }
        let events: Vec<AppEvent> = events.iter().map(AppEvent::from).collect();
        (self.events)(&events);
    }
}
