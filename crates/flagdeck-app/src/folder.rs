//! Folder and local workspaces: the folder's files are the user's side. Reading them into the
//! cache (an entity that differs from the base becomes a draft, one equal to it drops its
//! draft) happens when the workspace is added, when the watcher reports edits, and after a
//! sync; the app's own edits are written to the files as well as the cache.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

use flagdeck_core::diag::Diagnostic;
use flagdeck_core::format::{self, SourceFile};
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_store::{DraftContent, Source, WorkspaceKind};
use flagdeck_sync::{DEFAULT_DEBOUNCE, FolderWatcher, WatchBatch};
use serde_json::Value;

use crate::App;
use crate::entity::{EntityRef, entity_of_path};
use crate::error::AppResult;
use crate::events::AppEvent;
use crate::project_dir;
use crate::snapshot::{entity_json, matches_base};

/// What a refresh found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refreshed {
    /// Entities whose draft was saved or dropped.
    pub changed: Vec<EntityRef>,
    /// Files that could not be read or are not JSON; their last draft stays.
    pub unreadable: Vec<Diagnostic>,
}

impl App {
    /// The folder of a folder or local workspace; `None` for a git workspace.
    pub(crate) fn workspace_folder(&self, workspace_id: i64) -> AppResult<Option<PathBuf>> {
        let store = self.store();
        let workspace = self.workspace_record(&store, workspace_id)?;
        Ok(match workspace.kind {
            WorkspaceKind::Git => None,
            WorkspaceKind::Folder | WorkspaceKind::Local => Some(PathBuf::from(workspace.location)),
        })
    }

    /// Reads the folder's files into the cache: all of them (`paths: None`), or the given
    /// project paths (what the watcher reported). Returns what changed.
    pub fn refresh_folder(
        &self,
        workspace_id: i64,
        paths: Option<&[String]>,
        source: Source,
    ) -> AppResult<Refreshed> {
        let Some(folder) = self.workspace_folder(workspace_id)? else {
            return Ok(Refreshed::default());
        };
        // The files read and the drafts written must be one step: a save landing in between
        // would otherwise be overwritten by the older content read before it.
        let lock = self.folder_io_lock(workspace_id);
        let _in_line = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let base = self.base_snapshot(workspace_id)?;
        let entities: Vec<EntityRef> = match paths {
            Some(paths) => paths.iter().filter_map(|p| entity_of_path(p)).collect(),
            None => all_entities(&folder, &base)?,
        };
        let mut refreshed = Refreshed::default();
        // Read every file first, then write all drafts in one cache transaction.
        let mut read = Vec::new();
        let mut changes = Vec::new();
        for entity in entities {
            let Ok(id) = entity.checked() else { continue };
            let content = match read_entity(&folder, &id) {
                Ok(content) => content,
                Err(diagnostic) => {
                    refreshed.unreadable.push(diagnostic);
                    continue;
                }
            };
            let same_as_base = match &content {
                None => !base.contains(&id),
                Some(value) => matches_base(&base, &id, value),
            };
            let draft = if same_as_base {
                None
            } else {
                Some(content.map_or(DraftContent::Deleted, DraftContent::Json))
            };
            changes.push((entity.store_kind(), entity.key.clone(), draft));
            read.push(entity);
        }
        let written = self
            .store()
            .change_drafts(workspace_id, &changes, source, self.now())?;
        refreshed.changed = read
            .into_iter()
            .zip(&written.value)
            .filter_map(|(entity, changed)| changed.then_some(entity))
            .collect();
        let events = written.events;
        self.forget_list(workspace_id);
        self.emit(&events);
        Ok(refreshed)
    }

    /// Writes an entity's draft into a folder workspace's file (deleting the file for a
    /// deletion, writing the base back when the draft is gone).
    pub(crate) fn write_through(&self, workspace_id: i64, entity: &EntityRef) -> AppResult<()> {
        let Some(folder) = self.workspace_folder(workspace_id)? else {
            return Ok(());
        };
        let id = entity.checked()?;
        let draft = self
            .store()
            .draft(workspace_id, entity.store_kind(), &entity.key)?;
        let content = match draft.map(|d| d.content) {
            Some(DraftContent::Json(value)) => Some(value),
            Some(DraftContent::Deleted) => None,
            None => entity_json(self.base_snapshot(workspace_id)?.as_ref(), &id),
        };
        let path = folder.join(id.path());
        match content {
            Some(value) => project_dir::write_atomic(&path, file_text(&id, &value).as_bytes()),
            None => project_dir::remove_file(&path),
        }
    }
}

impl App {
    /// The lock that keeps a workspace's cache and files in line (see `App::folder_io`).
    pub(crate) fn folder_io_lock(&self, workspace_id: i64) -> Arc<std::sync::Mutex<()>> {
        let mut locks = self
            .folder_io
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(locks.entry(workspace_id).or_default())
    }

    /// Watches a folder or local workspace: an edit made in a text editor reaches the cache
    /// (as a draft, source `watcher`) and the UI (as events) within a second. Watching twice is
    /// watching once; git workspaces have no folder to watch.
    pub fn watch(self: &Arc<Self>, workspace_id: i64) -> AppResult<()> {
        let Some(folder) = self.workspace_folder(workspace_id)? else {
            return Ok(());
        };
        let mut watchers = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        if watchers.contains_key(&workspace_id) {
            return Ok(());
        }
        // A weak handle: the watcher lives inside the app and must not keep it alive.
        let app = Arc::downgrade(self);
        let watcher = FolderWatcher::start(&folder, DEFAULT_DEBOUNCE, move |batch: WatchBatch| {
            let Some(app) = app.upgrade() else { return };
            let paths = (!batch.rescan).then_some(batch.paths.as_slice());
            if let Err(error) = app.refresh_folder(workspace_id, paths, Source::Watcher) {
                (app.events)(&[AppEvent::watch_failed(workspace_id, &error.message)]);
            }
        })
        .map_err(|e| crate::AppError::new(crate::ErrorCode::Io, e.to_string()))?;
        watchers.insert(workspace_id, watcher);
        Ok(())
    }

    /// Stops watching a workspace's folder.
    pub fn unwatch(&self, workspace_id: i64) {
        let watcher = self
            .watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace_id);
        drop(watcher);
    }
}

/// Every entity in the folder or in the base (a file deleted in the folder is a deletion).
fn all_entities(folder: &Path, base: &Snapshot) -> AppResult<Vec<EntityRef>> {
    let (files, _) = project_dir::read(folder)?;
    let mut entities: Vec<EntityRef> = files
        .iter()
        .filter_map(|f| entity_of_path(&f.path))
        .chain(base.entities().map(|id| EntityRef::from_id(&id)))
        .collect();
    entities.sort();
    entities.dedup();
    Ok(entities)
}

/// The entity's file as JSON (`None`: no file); a located diagnostic when it cannot be read or
/// is not JSON.
fn read_entity(folder: &Path, id: &EntityId) -> Result<Option<Value>, Diagnostic> {
    let path = id.path();
    let Some(SourceFile { bytes, .. }) = project_dir::read_file(folder, &path)? else {
        return Ok(None);
    };
    format::parse::<Value>(&path, &bytes).map(Some)
}

/// The file text of an entity: canonical when it decodes, else the JSON as the user left it,
/// indented, so an invalid draft is still readable in an editor.
pub(crate) fn file_text(id: &EntityId, value: &Value) -> String {
    let mut probe = Snapshot::default();
    let text = probe
        .insert_json(id, value)
        .ok()
        .and_then(|()| probe.file(id))
        .and_then(|file| String::from_utf8(file.bytes).ok());
    text.unwrap_or_else(|| {
        let mut pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        pretty.push('\n');
        pretty
    })
}
