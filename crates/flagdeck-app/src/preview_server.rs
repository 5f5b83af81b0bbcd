//! The OFREP preview server of a workspace (issue 6, C): `flagdeck_ofrep` serving the workspace
//! as it is now (base + drafts) at the app's clock, with pinned variations.
//!
//! One server per workspace, each on its own thread (the app is synchronous). The content is
//! resolved once and kept until the workspace changes: every write's change events pass through
//! `App::emit`, which bumps the server's generation, and the next request rebuilds. The server
//! reads the cache through a connection of its own, so requests never wait on the app's lock
//! (SQLite in WAL mode lets both read). Pins live in memory for the app's run, across restarts
//! of the server.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use flagdeck_core::sync_plan::Snapshot;
use flagdeck_ofrep::{FlagSource, Pins, PreviewServer, Served};
use flagdeck_store::Store;
use serde::Serialize;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::snapshot::{apply_drafts, decode_base};
use crate::{App, CACHE_FILE, Clock};

/// A running preview server, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewServerInfo {
    pub workspace_id: i64,
    /// `http://127.0.0.1:PORT`: the base URL for an OFREP provider.
    pub url: String,
    pub port: u16,
    /// Flag key → pinned variation key.
    pub pins: BTreeMap<String, String>,
    /// RFC 3339, UTC.
    pub started_at: String,
}

/// The app's preview servers and pins.
#[derive(Default)]
pub(crate) struct PreviewServers {
    running: Mutex<HashMap<i64, Running>>,
    pins: Mutex<HashMap<i64, Pins>>,
}

struct Running {
    server: PreviewServer,
    source: Arc<WorkspaceSource>,
    started_at: i64,
}

impl PreviewServers {
    /// Called for every change event: the workspace's server rebuilds its content on its next
    /// request.
    pub(crate) fn changed(&self, workspace_id: i64) {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = running.get(&workspace_id) {
            running.source.generation.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Stops the workspace's server, if one runs (the workspace is being removed).
    pub(crate) fn forget(&self, workspace_id: i64) {
        let stopped = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace_id);
        // Stopped outside the lock: stopping waits for the server's thread.
        if let Some(running) = stopped {
            running.server.stop();
        }
        self.pins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace_id);
    }

    fn pins_of(&self, workspace_id: i64) -> Pins {
        self.pins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(workspace_id)
            .or_default()
            .clone()
    }

    fn info(&self, workspace_id: i64) -> Option<PreviewServerInfo> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let running = running.get(&workspace_id)?;
        Some(PreviewServerInfo {
            workspace_id,
            url: running.server.url(),
            port: running.server.port(),
            pins: self.pins_of(workspace_id).get(),
            started_at: flagdeck_core::instant::format_rfc3339(running.started_at)
                .unwrap_or_default(),
        })
    }
}

impl App {
    /// Starts the workspace's preview server on 127.0.0.1 (`port`, or a free one); when it runs
    /// already, returns it as it is.
    pub fn preview_server_start(
        &self,
        workspace_id: i64,
        port: Option<u16>,
    ) -> AppResult<PreviewServerInfo> {
        self.workspace(workspace_id)?;
        if let Some(info) = self.preview.info(workspace_id) {
            return Ok(info);
        }
        let source = Arc::new(WorkspaceSource::open(self, workspace_id)?);
        let pins = self.preview.pins_of(workspace_id);
        let server = PreviewServer::start(
            Arc::clone(&source) as Arc<dyn FlagSource>,
            pins,
            port.filter(|p| *p != 0),
        )
        .map_err(|e| start_error(port, &e))?;
        let loser = {
            let mut running = self
                .preview
                .running
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // Two starts at once: the first one registered wins, the other server stops.
            match running.entry(workspace_id) {
                Entry::Occupied(_) => Some(server),
                Entry::Vacant(slot) => {
                    slot.insert(Running {
                        server,
                        source,
                        started_at: self.now(),
                    });
                    None
                }
            }
        };
        if let Some(server) = loser {
            server.stop();
        }
        self.preview_server_status(workspace_id)?
            .ok_or_else(|| AppError::new(ErrorCode::Io, "The preview server stopped at once."))
    }

    /// Stops the workspace's preview server (nothing to do when none runs). Pins are kept.
    pub fn preview_server_stop(&self, workspace_id: i64) -> AppResult<()> {
        self.workspace(workspace_id)?;
        let stopped = self
            .preview
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace_id);
        if let Some(running) = stopped {
            running.server.stop();
        }
        Ok(())
    }

    /// The workspace's preview server, or `None` when it is not running.
    pub fn preview_server_status(&self, workspace_id: i64) -> AppResult<Option<PreviewServerInfo>> {
        self.workspace(workspace_id)?;
        Ok(self.preview.info(workspace_id))
    }

    /// Pins `flag` to `variation` in the running preview server (`None` unpins). The flag and
    /// the variation must exist in the workspace as it is now.
    pub fn preview_server_pin(
        &self,
        workspace_id: i64,
        flag: &str,
        variation: Option<&str>,
    ) -> AppResult<PreviewServerInfo> {
        self.workspace(workspace_id)?;
        if self.preview.info(workspace_id).is_none() {
            return Err(AppError::invalid(
                "The preview server is not running: start it first.",
            ));
        }
        if let Some(variation) = variation {
            let (local, _, _) = self.local_snapshot(workspace_id)?;
            let Some(file) = local.flags.get(flag) else {
                return Err(
                    AppError::not_found(format!("There is no flag {flag}.")).with_field("flag")
                );
            };
            if !file.variations.iter().any(|v| v.key == variation) {
                let known: Vec<&str> = file.variations.iter().map(|v| v.key.as_str()).collect();
                return Err(AppError::invalid(format!(
                    "Flag {flag} has no variation {variation} (its variations: {}).",
                    known.join(", ")
                ))
                .with_field("variation"));
            }
        }
        self.preview.pins_of(workspace_id).set(flag, variation);
        self.preview_server_status(workspace_id)?
            .ok_or_else(|| AppError::invalid("The preview server is not running: start it first."))
    }
}

fn start_error(port: Option<u16>, error: &std::io::Error) -> AppError {
    match (port, error.kind()) {
        (Some(port), std::io::ErrorKind::AddrInUse) => AppError::invalid(format!(
            "Port {port} is in use on this machine: choose another, or leave it empty for a free one."
        ))
        .with_field("port"),
        _ => AppError::new(
            ErrorCode::Io,
            format!("The preview server could not start: {error}."),
        ),
    }
}

/// The workspace's content for the server, rebuilt when its generation moves.
struct WorkspaceSource {
    workspace_id: i64,
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    generation: AtomicU64,
    served: Mutex<Option<(u64, Arc<Served>)>>,
    /// The decoded base and its commit: a draft saved does not decode 10,000 flags again.
    base: Mutex<Option<(Option<String>, Arc<Snapshot>)>>,
}

impl WorkspaceSource {
    fn open(app: &App, workspace_id: i64) -> AppResult<WorkspaceSource> {
        let store = Store::open_at(&app.data_dir.join(CACHE_FILE), app.now())?;
        Ok(WorkspaceSource {
            workspace_id,
            store: Mutex::new(store),
            clock: Arc::clone(&app.clock),
            generation: AtomicU64::new(0),
            served: Mutex::new(None),
            base: Mutex::new(None),
        })
    }

    fn rebuild(&self) -> AppResult<Served> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let workspace = store.workspace(self.workspace_id)?.ok_or_else(|| {
            AppError::not_found(format!(
                "There is no workspace number {}.",
                self.workspace_id
            ))
        })?;
        let base = {
            let mut cached = self.base.lock().unwrap_or_else(PoisonError::into_inner);
            match cached.as_ref() {
                Some((commit, base)) if *commit == workspace.base_commit => Arc::clone(base),
                _ => {
                    let base = Arc::new(decode_base(&store.base_entities(self.workspace_id)?)?);
                    *cached = Some((workspace.base_commit.clone(), Arc::clone(&base)));
                    base
                }
            }
        };
        let drafts = store.drafts(self.workspace_id)?;
        drop(store);
        // A draft that does not decode is left out here; its flag keeps its base content.
        let (local, _) = apply_drafts(&base, &drafts);
        Ok(Served::from_snapshot(&local))
    }
}

impl FlagSource for WorkspaceSource {
    fn served(&self) -> Result<Arc<Served>, String> {
        let generation = self.generation.load(Ordering::SeqCst);
        let mut served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((built_at, content)) = served.as_ref()
            && *built_at == generation
        {
            return Ok(Arc::clone(content));
        }
        let content = Arc::new(self.rebuild().map_err(|e| e.message)?);
        *served = Some((generation, Arc::clone(&content)));
        Ok(content)
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }
}
