//! The three sides of a workspace as `flagdeck_core::sync_plan::Snapshot`s: the base (decoded
//! from the cache once per base commit and kept), and local = base + drafts.

use std::sync::Arc;

use flagdeck_core::diag::Diagnostic;
use flagdeck_core::preview::Side;
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_store::{BaseEntity, Draft, DraftContent, EntityKind, SyncedDraft};

use crate::App;
use crate::entity::{EntityRef, editor_kind, store_id};
use crate::error::{AppError, AppResult, ErrorCode};

/// A decoded base and the commit it was decoded at.
pub(crate) struct CachedBase {
    commit: Option<String>,
    snapshot: Arc<Snapshot>,
    /// The base resolved for evaluation, every flag: made by the first preview of all flags.
    published: Option<Arc<Side>>,
}

impl App {
    /// The workspace's base snapshot, decoded once per base commit.
    pub(crate) fn base_snapshot(&self, workspace_id: i64) -> AppResult<Arc<Snapshot>> {
        let (commit, entities) = {
            let store = self.store();
            let workspace = self.workspace_record(&store, workspace_id)?;
            if let Some(cached) = self.cached_base(workspace_id, &workspace.base_commit) {
                return Ok(cached);
            }
            (workspace.base_commit, store.base_entities(workspace_id)?)
        };
        let snapshot = Arc::new(decode_base(&entities)?);
        self.cache_base(workspace_id, commit, Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// The part of the base that editing one entity needs: the project, every segment, and the
    /// entity itself (the whole base when it is decoded already). Opening or saving one flag
    /// of a 10,000-flag workspace must not decode all of them (a second and hundreds of MB).
    pub(crate) fn editing_base(
        &self,
        workspace_id: i64,
        id: &EntityId,
    ) -> AppResult<Arc<Snapshot>> {
        self.partial_base(workspace_id, std::slice::from_ref(id))
    }

    /// The project, every segment and the entities `ids` of the base (the whole base when it
    /// is decoded already): what evaluating a few flags needs.
    pub(crate) fn partial_base(
        &self,
        workspace_id: i64,
        ids: &[EntityId],
    ) -> AppResult<Arc<Snapshot>> {
        self.base_of_kinds(
            workspace_id,
            &[EntityKind::Project, EntityKind::Segment],
            ids,
        )
    }

    /// The project, policy, people and change requests of the base (the whole base when it is
    /// decoded already): what judging and describing change requests needs. The sidebar counts
    /// open requests as the app opens; that must not decode 10,000 flags (half a second and
    /// hundreds of MB that stay in the cache).
    pub(crate) fn governance_base(&self, workspace_id: i64) -> AppResult<Arc<Snapshot>> {
        self.base_of_kinds(
            workspace_id,
            &[
                EntityKind::Project,
                EntityKind::Policy,
                EntityKind::Person,
                EntityKind::Change,
            ],
            &[],
        )
    }

    /// The governance base with the user's drafts applied (`local_snapshot` without the flags
    /// and segments nobody drafted).
    pub(crate) fn governance_local(&self, workspace_id: i64) -> AppResult<Snapshot> {
        let base = self.governance_base(workspace_id)?;
        let drafts = self.store().drafts(workspace_id)?;
        Ok(apply_drafts(&base, &drafts).0)
    }

    /// Every base entity of `kinds`, plus the entities `ids`, decoded (the whole base when it
    /// is decoded already).
    fn base_of_kinds(
        &self,
        workspace_id: i64,
        kinds: &[EntityKind],
        ids: &[EntityId],
    ) -> AppResult<Arc<Snapshot>> {
        let rows = {
            let store = self.store();
            let workspace = self.workspace_record(&store, workspace_id)?;
            if let Some(cached) = self.cached_base(workspace_id, &workspace.base_commit) {
                return Ok(cached);
            }
            let mut rows = Vec::new();
            for kind in kinds {
                rows.extend(store.base_entities_of_kind(workspace_id, *kind)?);
            }
            for id in ids {
                let (kind, key) = store_id(id);
                if !kinds.contains(&kind)
                    && let Some(json) = store.base_entity(workspace_id, kind, &key)?
                {
                    rows.push(BaseEntity { kind, key, json });
                }
            }
            rows
        };
        Ok(Arc::new(decode_base(&rows)?))
    }

    /// The base and its published side (every flag resolved), both kept per base commit:
    /// resolving 10,000 flags takes longer than previewing them.
    pub(crate) fn published_side(
        &self,
        workspace_id: i64,
    ) -> AppResult<(Arc<Snapshot>, Arc<Side>)> {
        let base = self.base_snapshot(workspace_id)?;
        let kept = |bases: &std::collections::HashMap<i64, CachedBase>| {
            bases
                .get(&workspace_id)
                .filter(|cached| Arc::ptr_eq(&cached.snapshot, &base))
                .and_then(|cached| cached.published.clone())
        };
        if let Some(side) = kept(
            &self
                .bases
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        ) {
            return Ok((base, side));
        }
        let side = Arc::new(flagdeck_core::preview::published(&base, None));
        let mut bases = self
            .bases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cached) = bases.get_mut(&workspace_id)
            && Arc::ptr_eq(&cached.snapshot, &base)
        {
            cached.published = Some(Arc::clone(&side));
        }
        Ok((base, side))
    }

    /// Remembers a base that the app has just written, so the next read skips decoding it.
    pub(crate) fn remember_base(&self, workspace_id: i64, commit: &str, snapshot: Snapshot) {
        self.cache_base(workspace_id, Some(commit.to_owned()), Arc::new(snapshot));
    }

    fn cache_base(&self, workspace_id: i64, commit: Option<String>, snapshot: Arc<Snapshot>) {
        let mut bases = self
            .bases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bases.insert(
            workspace_id,
            CachedBase {
                commit,
                snapshot,
                published: None,
            },
        );
    }

    fn cached_base(&self, workspace_id: i64, commit: &Option<String>) -> Option<Arc<Snapshot>> {
        let bases = self
            .bases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bases
            .get(&workspace_id)
            .filter(|cached| &cached.commit == commit)
            .map(|cached| Arc::clone(&cached.snapshot))
    }

    /// The workspace as the user sees it (base + drafts) and the drafts it was built from.
    /// A draft that does not decode is a located diagnostic: the caller decides whether that
    /// stops it (a sync) or is shown (the editor).
    pub(crate) fn local_snapshot(
        &self,
        workspace_id: i64,
    ) -> AppResult<(Snapshot, Vec<Draft>, Vec<Diagnostic>)> {
        let base = self.base_snapshot(workspace_id)?;
        let drafts = self.store().drafts(workspace_id)?;
        let (local, diagnostics) = apply_drafts(&base, &drafts);
        Ok((local, drafts, diagnostics))
    }
}

/// Decodes the cache's base entities; they were valid when synced, so a failure means the
/// cache was damaged.
pub(crate) fn decode_base(entities: &[BaseEntity]) -> AppResult<Snapshot> {
    let mut snapshot = Snapshot::default();
    for entity in entities {
        let Some(kind) = editor_kind(entity.kind) else {
            continue;
        };
        let Ok(id) = (EntityRef {
            kind,
            key: entity.key.clone(),
        })
        .checked() else {
            continue;
        };
        snapshot.insert_json(&id, &entity.json).map_err(|d| {
            AppError::new(
                ErrorCode::Storage,
                format!(
                    "The cached copy of {} {} cannot be read ({}); remove the workspace and add it again.",
                    entity.kind.as_str(),
                    entity.key,
                    d.message
                ),
            )
        })?;
    }
    Ok(snapshot)
}

/// Base + drafts; drafts that do not decode are left out and reported.
pub(crate) fn apply_drafts(base: &Snapshot, drafts: &[Draft]) -> (Snapshot, Vec<Diagnostic>) {
    let mut local = base.clone();
    let mut diagnostics = Vec::new();
    for draft in drafts {
        let Some(id) = draft_id(draft) else { continue };
        if let Err(diagnostic) = apply_draft(&mut local, &id, &draft.content) {
            diagnostics.push(diagnostic);
        }
    }
    (local, diagnostics)
}

/// The plan's entity a draft is for; `None` for kinds that are not project files.
pub(crate) fn draft_id(draft: &Draft) -> Option<EntityId> {
    let kind = editor_kind(draft.kind)?;
    EntityRef {
        kind,
        key: draft.key.clone(),
    }
    .checked()
    .ok()
}

/// Puts one draft into a snapshot: decoded like the file it will become, so an error is
/// located the same way.
pub(crate) fn apply_draft(
    snapshot: &mut Snapshot,
    id: &EntityId,
    content: &DraftContent,
) -> Result<(), Diagnostic> {
    match content {
        DraftContent::Deleted => {
            snapshot.remove(id);
            Ok(())
        }
        DraftContent::Json(json) => snapshot.insert_json(id, json),
    }
}

/// One entity of a snapshot as JSON, `None` when absent.
pub(crate) fn entity_json(snapshot: &Snapshot, id: &EntityId) -> Option<serde_json::Value> {
    snapshot.value(id)
}

/// `json` in the files' canonical form (the model's field order, omitted defaults dropped) when
/// it decodes, else as given. Drafts are kept this way so that a folder workspace's file,
/// written from the draft and read back by the watcher, is the draft itself, not a new edit.
pub(crate) fn canonical_json(id: &EntityId, json: &serde_json::Value) -> serde_json::Value {
    let mut probe = Snapshot::default();
    match probe.insert_json(id, json) {
        Ok(()) => probe.value(id).unwrap_or_else(|| json.clone()),
        Err(_) => json.clone(),
    }
}

/// Whether `json` is the base's entity, compared as the model: key order, formatting and
/// omitted defaults are not changes.
pub(crate) fn matches_base(base: &Snapshot, id: &EntityId, json: &serde_json::Value) -> bool {
    let mut probe = Snapshot::default();
    probe.insert_json(id, json).is_ok() && probe.same_entity(base, id)
}

/// A snapshot as the cache's base rows.
pub(crate) fn base_rows(snapshot: &Snapshot) -> Vec<BaseEntity> {
    snapshot
        .entities()
        .filter_map(|id| {
            let json = entity_json(snapshot, &id)?;
            let (kind, key) = store_id(&id);
            Some(BaseEntity { kind, key, json })
        })
        .collect()
}

/// How `new` differs from `old` as the cache's base rows: entities added or changed, and
/// entities removed. Settling a one-flag sync then writes one row, not the whole base.
pub(crate) fn base_changes(
    old: &Snapshot,
    new: &Snapshot,
) -> (Vec<BaseEntity>, Vec<(EntityKind, String)>) {
    let changed = new
        .entities()
        .filter(|id| !old.same_entity(new, id))
        .filter_map(|id| {
            let json = entity_json(new, &id)?;
            let (kind, key) = store_id(&id);
            Some(BaseEntity { kind, key, json })
        })
        .collect();
    let removed = old
        .entities()
        .filter(|id| !new.contains(id))
        .map(|id| store_id(&id))
        .collect();
    (changed, removed)
}

/// The drafts a sync read, to be dropped once published.
pub(crate) fn synced(drafts: &[Draft]) -> Vec<SyncedDraft> {
    drafts
        .iter()
        .map(|d| SyncedDraft {
            kind: d.kind,
            key: d.key.clone(),
            content: d.content.clone(),
        })
        .collect()
}
