//! Editing: lists and search, one entity with its diagnostics, saving drafts (validated on
//! every save: a draft may be invalid while it is edited, nothing invalid is ever published),
//! deleting, discarding, undo and redo.

use std::sync::{Arc, PoisonError};

use flagdeck_core::diag::Diagnostic;
use flagdeck_core::schedule;
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_core::validate;
use flagdeck_store::{
    ChangeEvent, DraftContent, EntityKind, EntityRow, EntityState, EnvironmentSummary, Source,
    Store, Subject,
};
use serde::Serialize;
use serde_json::Value;

use crate::App;
use crate::entity::{EntityRef, Kind, editor_kind};
use crate::error::{AppError, AppResult};
use crate::snapshot::{apply_drafts, canonical_json, entity_json, matches_base};

/// An entity in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EntityListItem {
    pub kind: Kind,
    pub key: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// A flag's type.
    pub flag_type: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    /// `unchanged`, `added`, `modified` or `deleted` (against the last sync).
    #[ts(type = r#""unchanged" | "added" | "modified" | "deleted""#)]
    pub state: &'static str,
    /// A flag's state in each environment of the project (then any the project lacks); empty
    /// for other kinds.
    pub environments: Vec<EnvState>,
}

/// The start of a list and its length: what a window shows while the whole list is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ListStart {
    /// The first entities, in the order of the whole list.
    pub items: Vec<EntityListItem>,
    /// How many entities the whole list has.
    pub total: u32,
}

/// A flag's state in one environment, now, for the list's filters:
/// - `killed`: disabled and serving its off variation to everyone (the kill switch);
/// - `scheduled`: a schedule step is still to come (unless killed);
/// - `on`: enabled, serving by its targets, rules and fallthrough;
/// - `off`: disabled with no off variation (applications use their code default), or the flag
///   leaves the environment out, which means the same.
///
/// Schedule steps that switch the environment on or off count from their instant on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvState {
    pub key: String,
    #[ts(type = r#""on" | "off" | "killed" | "scheduled""#)]
    pub state: &'static str,
}

/// One entity as the editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EntityView {
    pub entity: EntityRef,
    /// The current content (the draft, else the base); `None` when deleted or absent.
    pub json: Option<Value>,
    /// The last synced content.
    pub base: Option<Value>,
    pub has_draft: bool,
    /// Problems of this entity in the project as it is now.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveOutcome {
    /// `false` when the content equals the last synced one, so the draft was dropped instead.
    pub has_draft: bool,
    /// Problems of the saved entity; errors block a sync, not the save.
    pub diagnostics: Vec<Diagnostic>,
}

/// The lists of one workspace with lowercase text to search.
pub(crate) struct SearchIndex {
    items: Vec<(EntityListItem, String)>,
}

impl App {
    /// The flags (segments, personas...) of a workspace as the user sees them, ordered by key.
    pub fn list(&self, workspace_id: i64, kind: Kind) -> AppResult<Vec<EntityListItem>> {
        Ok(self.list_start(workspace_id, kind, usize::MAX)?.items)
    }

    /// The first `limit` entities of [`App::list`] and how many there are, reading only those
    /// from the cache. A 10,000-flag list is 2.8 MB of JSON, which takes the window longer to
    /// receive and read than to show its first screenful; the UI shows this first and asks
    /// for the whole list after.
    pub fn list_start(&self, workspace_id: i64, kind: Kind, limit: usize) -> AppResult<ListStart> {
        let ((rows, total), environments) = {
            let store = self.store();
            let rows =
                store.first_entity_rows(workspace_id, crate::entity::store_kind(kind), limit)?;
            let environments = if kind == Kind::Flag {
                project_environments(&store, workspace_id)?
            } else {
                Vec::new()
            };
            (rows, environments)
        };
        let now = self.now();
        Ok(ListStart {
            items: rows
                .into_iter()
                .map(|row| list_item(kind, row, &environments, now))
                .collect(),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// Flags and segments whose key, name or description contains `query` (any case); keys that
    /// start with it first. At most `limit` results.
    pub fn search(
        &self,
        workspace_id: i64,
        query: &str,
        limit: usize,
    ) -> AppResult<Vec<EntityListItem>> {
        let index = self.search_index(workspace_id)?;
        let needle = query.trim().to_lowercase();
        let mut prefix = Vec::new();
        let mut inside = Vec::new();
        for (item, haystack) in &index.items {
            if item.key.starts_with(&needle) {
                prefix.push(item);
            } else if haystack.contains(&needle) {
                inside.push(item);
            }
        }
        Ok(prefix
            .into_iter()
            .chain(inside)
            .take(limit)
            .cloned()
            .collect())
    }

    fn search_index(&self, workspace_id: i64) -> AppResult<Arc<SearchIndex>> {
        if let Some(index) = self
            .lists
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&workspace_id)
        {
            return Ok(Arc::clone(index));
        }
        let mut items = Vec::new();
        for kind in [Kind::Flag, Kind::Segment] {
            for item in self.list(workspace_id, kind)? {
                if item.state == "deleted" {
                    continue;
                }
                let haystack = format!(
                    "{}\n{}\n{}",
                    item.key,
                    item.name.as_deref().unwrap_or_default(),
                    item.description.as_deref().unwrap_or_default()
                )
                .to_lowercase();
                items.push((item, haystack));
            }
        }
        let index = Arc::new(SearchIndex { items });
        self.lists
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(workspace_id, Arc::clone(&index));
        Ok(index)
    }

    /// Drops the search index of a workspace after a write.
    pub(crate) fn forget_list(&self, workspace_id: i64) {
        self.lists
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&workspace_id);
    }

    /// One entity: its current content, its base, and its problems.
    pub fn entity(&self, workspace_id: i64, entity: &EntityRef) -> AppResult<EntityView> {
        let id = entity.checked()?;
        let base = self.editing_base(workspace_id, &id)?;
        let draft = self
            .store()
            .draft(workspace_id, entity.store_kind(), &entity.key)?;
        let base_json = entity_json(&base, &id);
        let json = match &draft {
            Some(d) => d.content.json().cloned(),
            None => base_json.clone(),
        };
        if draft.is_none() && base_json.is_none() {
            return Err(AppError::not_found(format!(
                "There is no {} {:?} in this workspace.",
                kind_word(entity.kind),
                entity.key
            )));
        }
        Ok(EntityView {
            entity: entity.clone(),
            json,
            base: base_json,
            has_draft: draft.is_some(),
            diagnostics: self.entity_diagnostics(workspace_id, &id, &base)?,
        })
    }

    /// Saves the user's edit of one entity as a draft (or drops the draft when the content is
    /// back to the last synced one) and validates it. An invalid draft is kept: the user may
    /// be half-way through an edit; sync refuses to publish it.
    pub fn save_entity(
        &self,
        workspace_id: i64,
        entity: &EntityRef,
        json: &Value,
    ) -> AppResult<SaveOutcome> {
        let id = entity.checked()?;
        check_key_field(entity, json)?;
        let json = &canonical_json(&id, json);
        let base = self.editing_base(workspace_id, &id)?;
        let unchanged = matches_base(&base, &id, json);
        let content = (!unchanged).then(|| DraftContent::Json(json.clone()));
        let written = self.write_in_line(workspace_id, |app| {
            app.write_draft(workspace_id, entity, content.as_ref(), Source::User)
        })?;
        if !written.is_empty() {
            // The environments the draft changes, for the audit log's environment filter.
            let change = flagdeck_core::governance::EntityChange {
                path: id.path(),
                before: base.value(&id),
                after: Some(json.clone()),
            };
            let environments = crate::governance::changes::changed_environments(&[change]);
            let details = serde_json::json!({"entity": entity, "draft": !unchanged,
                                             "environments": environments});
            self.record(workspace_id, "entity.saved", details, Source::User)?;
        }
        Ok(SaveOutcome {
            has_draft: !unchanged,
            diagnostics: self.entity_diagnostics(workspace_id, &id, &base)?,
        })
    }

    /// Deletes an entity locally (a draft until the next sync).
    pub fn delete_entity(&self, workspace_id: i64, entity: &EntityRef) -> AppResult<()> {
        let id = entity.checked()?;
        if id == EntityId::Project {
            return Err(AppError::invalid("The project settings cannot be deleted."));
        }
        let base = self.editing_base(workspace_id, &id)?;
        // Never synced: deleting it just drops its draft.
        let content = base.contains(&id).then_some(DraftContent::Deleted);
        let written = self.write_in_line(workspace_id, |app| {
            app.write_draft(workspace_id, entity, content.as_ref(), Source::User)
        })?;
        if !written.is_empty() {
            let details = serde_json::json!({"entity": entity});
            self.record(workspace_id, "entity.deleted", details, Source::User)?;
        }
        Ok(())
    }

    /// Saves (`Some`) or drops (`None`) the draft of one entity; returns the store's events.
    pub(crate) fn write_draft(
        &self,
        workspace_id: i64,
        entity: &EntityRef,
        content: Option<&DraftContent>,
        source: Source,
    ) -> AppResult<Vec<ChangeEvent>> {
        let (kind, key, now) = (entity.store_kind(), entity.key.as_str(), self.now());
        let mut store = self.store();
        Ok(match content {
            Some(content) => {
                store
                    .save_draft(workspace_id, kind, key, content, source, now)?
                    .events
            }
            None => {
                store
                    .discard_draft(workspace_id, kind, key, source, now)?
                    .events
            }
        })
    }

    /// Drops the draft of one entity: the last synced content shows again. Undoable.
    pub fn discard(&self, workspace_id: i64, entity: &EntityRef) -> AppResult<bool> {
        entity.checked()?;
        let mut discarded = false;
        self.write_in_line(workspace_id, |app| {
            let written = app.store().discard_draft(
                workspace_id,
                entity.store_kind(),
                &entity.key,
                Source::User,
                app.now(),
            )?;
            discarded = written.value;
            Ok(written.events)
        })?;
        Ok(discarded)
    }

    /// Undoes the newest draft change of the workspace; `false` when there is none.
    pub fn undo(&self, workspace_id: i64) -> AppResult<bool> {
        let mut undone = false;
        self.write_in_line(workspace_id, |app| {
            let written = app.store().undo(workspace_id, Source::User, app.now())?;
            undone = written.value;
            Ok(written.events)
        })?;
        Ok(undone)
    }

    /// Redoes the change undone last; `false` when there is none.
    pub fn redo(&self, workspace_id: i64) -> AppResult<bool> {
        let mut redone = false;
        self.write_in_line(workspace_id, |app| {
            let written = app.store().redo(workspace_id, Source::User, app.now())?;
            redone = written.value;
            Ok(written.events)
        })?;
        Ok(redone)
    }

    /// How many steps can be undone and redone.
    pub fn undo_redo_counts(&self, workspace_id: i64) -> AppResult<(i64, i64)> {
        Ok(self.store().undo_redo_counts(workspace_id)?)
    }

    /// Every problem of the workspace as it is now (base + drafts).
    pub fn validate(&self, workspace_id: i64) -> AppResult<Vec<Diagnostic>> {
        let (local, _, mut diagnostics) = self.local_snapshot(workspace_id)?;
        let files = local.to_files();
        diagnostics.extend(validate::check(&files).diagnostics);
        // Drafts' schedule steps in the past could not be published (the core has no clock).
        let base = self.base_snapshot(workspace_id)?;
        diagnostics.extend(schedule::past_steps(&base, &local, self.now()));
        diagnostics.extend(
            flagdeck_core::governance::check_governance(&files, local.project.as_ref()).diagnostics,
        );
        Ok(diagnostics)
    }

    /// Runs a draft write and its write-through as one step for the folder watcher (see
    /// `App::folder_io`); returns the write's events.
    fn write_in_line(
        &self,
        workspace_id: i64,
        write: impl FnOnce(&Self) -> AppResult<Vec<ChangeEvent>>,
    ) -> AppResult<Vec<ChangeEvent>> {
        let lock = self.folder_io_lock(workspace_id);
        let _in_line = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let events = write(self)?;
        self.after_write(workspace_id, &events)?;
        Ok(events)
    }

    /// After a draft write: the folder's files follow (folder workspaces), the search index is
    /// dropped, the UI hears of it.
    fn after_write(&self, workspace_id: i64, events: &[ChangeEvent]) -> AppResult<()> {
        self.forget_list(workspace_id);
        self.emit(events);
        for event in events {
            if let Subject::Draft { kind, key } = &event.subject
                && let Some(kind) = editor_kind(*kind)
            {
                self.write_through(
                    workspace_id,
                    &EntityRef {
                        kind,
                        key: key.clone(),
                    },
                )?;
            }
        }
        Ok(())
    }

    /// The problems of one entity: it is checked with the project and every segment (what it
    /// can refer to), not with the other 10,000 flags. `base` is the caller's
    /// [`App::editing_base`] for `id`, decoded once per command.
    fn entity_diagnostics(
        &self,
        workspace_id: i64,
        id: &EntityId,
        base: &Snapshot,
    ) -> AppResult<Vec<Diagnostic>> {
        if id.is_governance() {
            return self.governance_diagnostics(workspace_id, id);
        }
        let drafts = self.store().drafts(workspace_id)?;
        let context = Snapshot {
            project: base.project.clone(),
            flags: Default::default(),
            segments: base.segments.clone(),
            ..Snapshot::default()
        };
        let relevant: Vec<_> = drafts
            .into_iter()
            .filter(|d| match d.kind {
                EntityKind::Project | EntityKind::Segment => true,
                EntityKind::Flag => matches!(id, EntityId::Flag(key) if *key == d.key),
                EntityKind::Persona => matches!(id, EntityId::Persona(key) if *key == d.key),
                _ => false,
            })
            .collect();
        let (mut local, mut diagnostics) = apply_drafts(&context, &relevant);
        if let EntityId::Flag(key) = id
            && !relevant.iter().any(|d| d.kind == EntityKind::Flag)
            && let Some(flag) = base.flags.get(key)
        {
            local.flags.insert(key.clone(), flag.clone());
        }
        // A persona is checked against the project's attributes.
        if let EntityId::Persona(key) = id
            && !relevant.iter().any(|d| d.kind == EntityKind::Persona)
            && let Some(persona) = base.personas.get(key)
        {
            local.personas.insert(key.clone(), persona.clone());
        }
        diagnostics.extend(validate::check(&local.to_files()).diagnostics);
        if matches!(id, EntityId::Flag(_)) {
            diagnostics.extend(schedule::past_steps(base, &local, self.now()));
        }
        let path = id.path();
        diagnostics.retain(|d| d.file == path);
        Ok(diagnostics)
    }
}

impl App {
    /// The problems of a governance file, checked with the other governance files and the
    /// project's environments, as they are now.
    fn governance_diagnostics(
        &self,
        workspace_id: i64,
        id: &EntityId,
    ) -> AppResult<Vec<Diagnostic>> {
        let (local, _, mut diagnostics) = self.local_snapshot(workspace_id)?;
        let files: Vec<_> = local
            .entities()
            .filter(EntityId::is_governance)
            .filter_map(|e| local.file(&e))
            .collect();
        diagnostics.extend(
            flagdeck_core::governance::check_governance(&files, local.project.as_ref()).diagnostics,
        );
        let path = id.path();
        diagnostics.retain(|d| d.file == path);
        Ok(diagnostics)
    }
}

/// A flag, segment or persona's `key` field must name its own file.
fn check_key_field(entity: &EntityRef, json: &Value) -> AppResult<()> {
    let field = match entity.kind {
        Kind::Project | Kind::Policy => return Ok(()),
        Kind::Flag | Kind::Segment | Kind::Persona => "key",
        Kind::Person | Kind::Change => "id",
    };
    match json.get(field).and_then(Value::as_str) {
        Some(key) if key == entity.key => Ok(()),
        Some(other) => Err(AppError::invalid(format!(
            "The {} is saved as {:?} but its {field} field says {other:?}; rename it instead of editing the {field}.",
            kind_word(entity.kind),
            entity.key
        ))
        .with_field(field)),
        None => Ok(()), // validation reports the missing key, located
    }
}

/// The project's environment keys as the user sees them (the draft of `flagdeck.json` if any).
fn project_environments(store: &Store, workspace_id: i64) -> AppResult<Vec<String>> {
    Ok(store
        .entity_rows(workspace_id, EntityKind::Project)?
        .into_iter()
        .filter(|row| row.state != EntityState::Deleted)
        .flat_map(|row| row.summary.environments)
        .map(|e| e.key)
        .collect())
}

/// A flag's states in the project's environments, then in any it configures that the project
/// does not have (invalid, but shown rather than hidden).
fn env_states(flag: &[EnvironmentSummary], project: &[String], now: i64) -> Vec<EnvState> {
    let state = |key: &str| {
        flag.iter()
            .find(|e| e.key == key)
            .map_or("off", |e| env_state(e, now))
    };
    project
        .iter()
        .map(|key| EnvState {
            key: key.clone(),
            state: state(key),
        })
        .chain(
            flag.iter()
                .filter(|e| !project.contains(&e.key))
                .map(|e| EnvState {
                    key: e.key.clone(),
                    state: env_state(e, now),
                }),
        )
        .collect()
}

/// See [`EnvState`].
fn env_state(env: &EnvironmentSummary, now: i64) -> &'static str {
    let enabled = env
        .switches
        .iter()
        .take_while(|(at, _)| *at <= now)
        .last()
        .map_or(env.enabled, |(_, enabled)| *enabled);
    if !enabled && env.off_variation {
        "killed"
    } else if env.last_step.is_some_and(|at| at > now) {
        "scheduled"
    } else if enabled {
        "on"
    } else {
        "off"
    }
}

fn list_item(kind: Kind, row: EntityRow, project: &[String], now: i64) -> EntityListItem {
    let environments = match kind {
        Kind::Flag if row.state != EntityState::Deleted => {
            env_states(&row.summary.environments, project, now)
        }
        _ => Vec::new(),
    };
    EntityListItem {
        environments,
        kind,
        key: row.key,
        name: row.summary.name,
        description: row.summary.description,
        flag_type: row.summary.flag_type,
        tags: row.summary.tags,
        owner: row.summary.owner,
        state: match row.state {
            EntityState::Unchanged => "unchanged",
            EntityState::Added => "added",
            EntityState::Modified => "modified",
            EntityState::Deleted => "deleted",
        },
    }
}

pub(crate) fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Project => "project",
        Kind::Flag => "flag",
        Kind::Segment => "segment",
        Kind::Persona => "persona",
        Kind::Policy => "policy",
        Kind::Person => "person",
        Kind::Change => "change request",
    }
}
