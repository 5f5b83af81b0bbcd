//! Conflicts between the sync runs that find them and the user's choice.
//!
//! A sync that finds conflicts records them (replacing the ones it found before) and stops.
//! The user resolves one: the choice is applied to their side (the draft, or the folder's
//! file), and the conflict is marked resolved with the chosen value. The next sync finds the
//! same conflict again when the choice differs from the remote's value, and applies the
//! stored resolution, but only while the remote still holds the value the user saw and the
//! user's side still holds the chosen one: if someone changed the remote again, or the user
//! edited the value again after answering, that is a new conflict.

use flagdeck_core::merge::Resolution;
use flagdeck_core::sync_plan::{EntityConflict, EntityId, SyncPlan};
use flagdeck_store::{Conflict as StoredConflict, DraftContent, NewConflict, Source};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::engine::{Stop, plan_offline};
use super::report::entity_name;
use crate::App;
use crate::entity::{EntityRef, editor_kind, store_id};
use crate::error::{AppError, AppResult};

/// A conflict as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub id: i64,
    pub entity: EntityRef,
    /// JSON pointer of the field in the entity.
    pub path: String,
    /// `None`: absent on that side.
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
    /// "flag new-checkout".
    pub entity_name: String,
    pub resolved: bool,
    /// The chosen value once resolved (`null`: absent).
    pub resolution: Option<Value>,
}

/// What the user chose for a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", tag = "choice", content = "value")]
pub enum ConflictChoice {
    /// Keep this side's value.
    Local,
    /// Take the remote's value.
    Remote,
    /// A value the user edited (for an order conflict: the keys in the wanted order).
    Edited(Value),
}

impl ConflictChoice {
    fn resolution(&self) -> Resolution {
        match self {
            ConflictChoice::Local => Resolution::Local,
            ConflictChoice::Remote => Resolution::Remote,
            ConflictChoice::Edited(value) => Resolution::Edited(value.clone()),
        }
    }
}

fn view(conflict: StoredConflict) -> Option<ConflictView> {
    let kind = editor_kind(conflict.kind)?;
    let entity = EntityRef {
        kind,
        key: conflict.key,
    };
    let entity_name = entity
        .checked()
        .map(|id| entity_name(&id))
        .unwrap_or_default();
    Some(ConflictView {
        id: conflict.id,
        entity,
        path: conflict.path,
        base: conflict.base,
        local: conflict.local,
        remote: conflict.remote,
        entity_name,
        resolved: conflict.resolution.is_some(),
        resolution: conflict.resolution.flatten(),
    })
}

/// The plan's conflicts as rows for the cache.
pub(crate) fn new_conflicts(plan: &SyncPlan) -> Vec<NewConflict> {
    plan.conflicts()
        .iter()
        .map(|EntityConflict { entity, conflict }| {
            let (kind, key) = store_id(entity);
            NewConflict {
                kind,
                key,
                path: conflict.path.clone(),
                base: conflict.base.clone(),
                local: conflict.local.clone(),
                remote: conflict.remote.clone(),
            }
        })
        .collect()
}

/// Resolves each conflict of `plan` that the user already answered, for the same remote value.
///
/// Answering puts the chosen value into the user's side, so an answer still holds only while
/// that side keeps it: a value the user edited after answering is newer than the answer, and
/// applying the answer would silently drop that edit. Such a conflict is asked again.
pub(crate) fn apply_stored_resolutions(
    mut plan: SyncPlan,
    stored: &[StoredConflict],
) -> AppResult<SyncPlan> {
    let mut index = 0;
    while let Some(open) = plan.conflicts().get(index) {
        let (kind, key) = store_id(&open.entity);
        let still_holds = stored.iter().any(|s| {
            s.kind == kind
                && s.key == key
                && s.path == open.conflict.path
                && s.remote == open.conflict.remote
                && s.resolution.as_ref() == Some(&open.conflict.local)
        });
        if still_holds {
            plan = plan
                .resolve(index, &Resolution::Local)
                .map_err(AppError::invalid)?;
        } else {
            index += 1;
        }
    }
    Ok(plan)
}

impl App {
    /// The workspace's conflicts: open ones, and resolved ones the next sync will apply.
    pub fn conflicts(&self, workspace_id: i64) -> AppResult<Vec<ConflictView>> {
        Ok(self
            .store()
            .conflicts(workspace_id, false)?
            .into_iter()
            .filter_map(view)
            .collect())
    }

    /// Resolves one conflict: the choice goes into the user's side (a draft; the file too in a
    /// folder workspace) and is remembered for the next sync. Works offline.
    pub fn resolve_conflict(
        &self,
        workspace_id: i64,
        conflict_id: i64,
        choice: &ConflictChoice,
    ) -> AppResult<ConflictView> {
        let stored = self
            .store()
            .conflicts(workspace_id, false)?
            .into_iter()
            .find(|c| c.id == conflict_id)
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "There is no conflict number {conflict_id} in this workspace."
                ))
            })?;
        let entity = view(stored.clone()).map(|v| v.entity).ok_or_else(|| {
            AppError::invalid("This conflict is not about a file of the project.")
        })?;
        let id = entity.checked()?;
        let plan = self.with_side(workspace_id, |side| plan_offline(side))?;
        let live = plan
            .conflicts()
            .iter()
            .find(|c| c.entity == id && c.conflict.path == stored.path)
            .ok_or_else(|| {
                AppError::not_found(
                    "This conflict is no longer there (the remote or your draft changed since); sync again to see the current ones.",
                )
            })?;
        let resolved = resolve_entity(&plan, &id, live, choice)?;
        let chosen = match choice {
            ConflictChoice::Local => live.conflict.local.clone(),
            ConflictChoice::Remote => live.conflict.remote.clone(),
            ConflictChoice::Edited(value) => Some(value.clone()),
        };
        let content = resolved.map_or(DraftContent::Deleted, DraftContent::Json);
        // The draft and its file change as one step for the folder watcher.
        let lock = self.folder_io_lock(workspace_id);
        let in_line = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let events = {
            let mut store = self.store();
            let now = self.now();
            let mut events = store
                .save_draft(
                    workspace_id,
                    entity.store_kind(),
                    &entity.key,
                    &content,
                    Source::User,
                    now,
                )?
                .events;
            events.extend(
                store
                    .resolve_conflict(conflict_id, chosen.as_ref(), Source::User, now)?
                    .events,
            );
            events
        };
        self.forget_list(workspace_id);
        self.emit(&events);
        self.write_through(workspace_id, &entity)?;
        drop(in_line);
        let details = serde_json::json!({
            "entity": entity, "path": stored.path, "choice": choice, "value": chosen,
        });
        self.record(workspace_id, "conflict.resolved", details, Source::User)?;
        self.conflicts(workspace_id)?
            .into_iter()
            .find(|c| c.id == conflict_id)
            .ok_or_else(|| {
                AppError::not_found(format!("There is no conflict number {conflict_id}."))
            })
    }
}

/// The user's entity with the choice applied at the conflict's place.
fn resolve_entity(
    plan: &SyncPlan,
    id: &EntityId,
    live: &EntityConflict,
    choice: &ConflictChoice,
) -> AppResult<Option<Value>> {
    let mut entity = flagdeck_core::sync_plan::Snapshot::default();
    if let Some(local) = plan.local().value(id) {
        entity
            .insert_json(id, &local)
            .map_err(|d| AppError::invalid(d.message))?;
    }
    entity
        .apply_resolution(id, &live.conflict, &choice.resolution())
        .map_err(AppError::invalid)?;
    Ok(entity.value(id))
}

impl From<Stop> for AppError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Failed(error) => error,
            Stop::Unreadable { side, diagnostics } => {
                let first = diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .map(|d| format!(" First: {}: {}", d.file, d.message))
                    .unwrap_or_default();
                AppError::new(
                    crate::ErrorCode::Unreadable,
                    format!("Some files of {side} cannot be read.{first}"),
                )
            }
        }
    }
}
