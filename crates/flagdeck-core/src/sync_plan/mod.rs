//! Sync as a plan (DESIGN §7, STYLE 7 "Plan, then apply"): given three snapshots of a project,
//! `base` (the last synced state), `local` (base plus the user's drafts) and `remote` (what was
//! fetched), [`plan`] merges every entity with [`crate::merge`] and says what a sync would do,
//! before anything happens: "3 flags will change, 1 conflict".
//!
//! Pure: the caller fetches, reads the files, and applies the plan. Applying means: write
//! [`SyncPlan::local_files_to_write`] / [`SyncPlan::local_files_to_delete`] into the working tree
//! (what remote brings), and, when [`SyncPlan::has_local_changes`], commit
//! [`SyncPlan::files_to_write`] / [`SyncPlan::files_to_delete`] on top of remote with
//! [`SyncPlan::commit_message`], then push. With conflicts left, the merged snapshot keeps the
//! local side of each, and every conflict carries all three values, so nothing is lost until
//! the user resolves it with [`SyncPlan::resolve`].
//!
//! The base moves only with a push: after a successful push (or a fast-forward), the merged
//! snapshot is the next base. While conflicts are open, do not push and keep the old base: a
//! plan made from the same three snapshots finds the same conflicts again, whereas moving the
//! base to remote would turn local's side of each conflict into a plain local change that
//! silently overwrites remote.
//!
//! Entities are compared by content, not text: a file that only differs in formatting is not a
//! change.

mod snapshot;
mod words;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::format::SourceFile;
use crate::governance::touched::POLICY_FILE;
use crate::merge::{self, Conflict, Merged, Resolution};
use crate::validate::{self, Checked};

pub use snapshot::Snapshot;

/// One entity of a project: `flagdeck.json`, a flag, a segment or a persona (by the key in its
/// file name), and the governance files: `policy.json`, a person (`people/<id>.json`), a change request
/// (`changes/<id>.json`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind", content = "key")]
pub enum EntityId {
    Project,
    Flag(String),
    Segment(String),
    /// `personas/<key>.json`: shared, not governed, not compiled.
    Persona(String),
    Policy,
    Person(String),
    Change(String),
}

impl EntityId {
    /// The entity's file, relative to the project folder.
    pub fn path(&self) -> String {
        match self {
            Self::Project => validate::PROJECT_FILE.to_owned(),
            Self::Flag(key) => format!("flags/{key}.json"),
            Self::Segment(key) => format!("segments/{key}.json"),
            Self::Persona(key) => format!("{}/{key}.json", validate::PERSONAS_DIR),
            Self::Policy => POLICY_FILE.to_owned(),
            Self::Person(id) => format!("people/{id}.json"),
            Self::Change(id) => format!("changes/{id}.json"),
        }
    }

    /// The entity of a project path (`flags/a.json` → flag `a`); `None` for paths that hold no
    /// entity (`dist/`, a file name that is not a key, ...).
    pub fn of_path(path: &str) -> Option<EntityId> {
        match path {
            validate::PROJECT_FILE => return Some(Self::Project),
            POLICY_FILE => return Some(Self::Policy),
            _ => {}
        }
        let (dir, name) = path.split_once('/')?;
        let key = name.strip_suffix(".json")?;
        if !crate::keys::is_entity_key(key) {
            return None;
        }
        let key = key.to_owned();
        match dir {
            "flags" => Some(Self::Flag(key)),
            "segments" => Some(Self::Segment(key)),
            validate::PERSONAS_DIR => Some(Self::Persona(key)),
            "people" => Some(Self::Person(key)),
            "changes" => Some(Self::Change(key)),
            _ => None,
        }
    }

    /// `policy.json`, a person or a change request.
    pub fn is_governance(&self) -> bool {
        matches!(self, Self::Policy | Self::Person(_) | Self::Change(_))
    }
}

/// What happens to one entity's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Effect {
    Add,
    Update,
    Delete,
}

/// Where a planned change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// Only remote changed it: the working tree takes it, nothing to push.
    Remote,
    /// Only local changed it (or the merge kept local on a conflict): to push.
    Local,
    /// Both sides changed it and the merge combined them: the working tree and remote both get
    /// the combination.
    Both,
}

/// One entity that the sync changes somewhere, or that has conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlannedChange {
    pub entity: EntityId,
    /// What the working tree gets: the merged entity against local's.
    pub incoming: Option<Effect>,
    /// What the commit on top of remote does: the merged entity against remote's.
    pub outgoing: Option<Effect>,
    /// How many of the plan's conflicts are in this entity.
    pub conflicts: usize,
}

impl PlannedChange {
    /// `None`: both sides made the same change and only conflicts are left to show.
    pub fn origin(&self) -> Option<Origin> {
        match (self.incoming, self.outgoing) {
            (Some(_), None) => Some(Origin::Remote),
            (None, Some(_)) => Some(Origin::Local),
            (Some(_), Some(_)) => Some(Origin::Both),
            (None, None) => None,
        }
    }
}

/// A conflict of the merge, with the entity it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EntityConflict {
    pub entity: EntityId,
    pub conflict: Conflict,
}

/// What a sync would do. Built by [`plan`]; changed only by [`SyncPlan::resolve`], which keeps
/// the changes in step with the merged snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPlan {
    merged: Snapshot,
    changes: Vec<PlannedChange>,
    conflicts: Vec<EntityConflict>,
    local: Snapshot,
    remote: Snapshot,
}

/// Merges every entity of the three snapshots (the union of their keys).
pub fn plan(base: &Snapshot, local: &Snapshot, remote: &Snapshot) -> SyncPlan {
    plan_owned(base, local.clone(), remote.clone())
}

/// [`plan`] taking the local and remote sides, which the plan keeps: no copy of either.
pub fn plan_owned(base: &Snapshot, local: Snapshot, remote: Snapshot) -> SyncPlan {
    let mut conflicts = Vec::new();
    let project = merge_one(
        EntityId::Project,
        [&base.project, &local.project, &remote.project].map(Option::as_ref),
        merge::merge_project,
        &mut conflicts,
    );
    let flags = merge_all(
        [&base.flags, &local.flags, &remote.flags],
        EntityId::Flag,
        merge::merge_flag,
        &mut conflicts,
    );
    let segments = merge_all(
        [&base.segments, &local.segments, &remote.segments],
        EntityId::Segment,
        merge::merge_segment,
        &mut conflicts,
    );
    let personas = merge_all(
        [&base.personas, &local.personas, &remote.personas],
        EntityId::Persona,
        merge::merge_persona,
        &mut conflicts,
    );
    let policy = merge_one(
        EntityId::Policy,
        [&base.policy, &local.policy, &remote.policy].map(Option::as_ref),
        merge::merge_policy,
        &mut conflicts,
    );
    let people = merge_all(
        [&base.people, &local.people, &remote.people],
        EntityId::Person,
        merge::merge_person,
        &mut conflicts,
    );
    let changes = merge_all(
        [&base.changes, &local.changes, &remote.changes],
        EntityId::Change,
        merge::merge_change,
        &mut conflicts,
    );
    let merged = Snapshot {
        project,
        flags,
        segments,
        personas,
        policy,
        people,
        changes,
    };
    SyncPlan::new(merged, conflicts, local, remote)
}

type MergeFn<T> = fn(Option<&T>, Option<&T>, Option<&T>) -> Merged<T>;

/// One entity's merge; an entity unchanged on one side takes the other side whole.
fn merge_one<T: Clone + PartialEq>(
    entity: EntityId,
    [base, local, remote]: [Option<&T>; 3],
    merge: MergeFn<T>,
    conflicts: &mut Vec<EntityConflict>,
) -> Option<T> {
    if local == remote || base == remote {
        return local.cloned();
    }
    if base == local {
        return remote.cloned();
    }
    let merged = merge(base, local, remote);
    conflicts.extend(merged.conflicts.into_iter().map(|conflict| EntityConflict {
        entity: entity.clone(),
        conflict,
    }));
    merged.result
}

fn merge_all<T: Clone + PartialEq>(
    sides: [&BTreeMap<String, T>; 3],
    id: fn(String) -> EntityId,
    merge: MergeFn<T>,
    conflicts: &mut Vec<EntityConflict>,
) -> BTreeMap<String, T> {
    let keys: BTreeSet<&String> = sides.iter().flat_map(|side| side.keys()).collect();
    let mut merged = BTreeMap::new();
    for key in keys {
        let entity = id(key.clone());
        if let Some(result) = merge_one(entity, sides.map(|s| s.get(key)), merge, conflicts) {
            merged.insert(key.clone(), result);
        }
    }
    merged
}

impl SyncPlan {
    fn new(
        merged: Snapshot,
        conflicts: Vec<EntityConflict>,
        local: Snapshot,
        remote: Snapshot,
    ) -> Self {
        let changes = planned_changes(&merged, &conflicts, &local, &remote);
        Self {
            merged,
            changes,
            conflicts,
            local,
            remote,
        }
    }

    /// The result: every entity merged, each open conflict resolved to the local side.
    pub fn merged(&self) -> &Snapshot {
        &self.merged
    }

    /// Every entity that changes somewhere or has conflicts, in [`EntityId`] order.
    pub fn changes(&self) -> &[PlannedChange] {
        &self.changes
    }

    /// The open conflicts, by entity, each entity's in the merge's order.
    pub fn conflicts(&self) -> &[EntityConflict] {
        &self.conflicts
    }

    pub fn local(&self) -> &Snapshot {
        &self.local
    }

    pub fn remote(&self) -> &Snapshot {
        &self.remote
    }

    /// Nothing to take, nothing to push, no conflict.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.conflicts.is_empty()
    }

    pub fn has_conflicts(&self) -> bool {
        !self.conflicts.is_empty()
    }

    /// Remote brings changes to the working tree.
    pub fn has_incoming_changes(&self) -> bool {
        self.changes.iter().any(|c| c.incoming.is_some())
    }

    /// The merged result differs from remote: there is a commit to make and push.
    pub fn has_local_changes(&self) -> bool {
        self.changes.iter().any(|c| c.outgoing.is_some())
    }

    /// The working tree can simply become remote: nothing to push and no conflict.
    pub fn is_fast_forward(&self) -> bool {
        !self.has_local_changes() && !self.has_conflicts()
    }

    /// The plan in plain words, e.g. "3 flags will change, 1 conflict", "2 local changes to
    /// push", "Nothing to sync".
    pub fn summary(&self) -> String {
        words::summary(self)
    }

    /// The message of the commit on top of remote, e.g. "Update new-checkout (production
    /// rules), add segment beta-testers"; long lists get a short subject and one line per
    /// entity. "No changes" when there is nothing to commit.
    pub fn commit_message(&self) -> String {
        words::commit_message(&self.remote, &self.merged, &self.changes)
    }

    /// Files the commit on top of remote adds or changes, in canonical text.
    pub fn files_to_write(&self) -> Vec<SourceFile> {
        self.merged.files_changed_from(&self.remote)
    }

    /// Files the commit on top of remote deletes.
    pub fn files_to_delete(&self) -> Vec<String> {
        self.merged.files_deleted_from(&self.remote)
    }

    /// Files the working tree must write to hold the merged result (what remote brings).
    pub fn local_files_to_write(&self) -> Vec<SourceFile> {
        self.merged.files_changed_from(&self.local)
    }

    /// Files the working tree must delete to hold the merged result.
    pub fn local_files_to_delete(&self) -> Vec<String> {
        self.merged.files_deleted_from(&self.local)
    }

    /// Validates the merged project: the merge keeps structure but not meaning (a rule added
    /// here may serve a variation deleted there), so check before committing.
    ///
    /// The decoded result is checked directly (writing 10,000 flags as text to parse them again
    /// cost more than the rest of a sync); only when it has errors is it checked again from its
    /// canonical text, so that the diagnostics shown carry lines and columns.
    pub fn check(&self) -> Checked {
        let checked = validate::check_loaded(self.merged.to_loaded());
        if checked.has_errors() {
            return validate::check(&self.merged.to_files());
        }
        checked
    }

    /// The plan with conflict `index` (of [`SyncPlan::conflicts`]) resolved by `choice` and
    /// removed; the other conflicts keep their order. Fails with a sentence if there is no such
    /// conflict or the choice cannot be applied.
    pub fn resolve(&self, index: usize, choice: &Resolution) -> Result<SyncPlan, String> {
        let open = self
            .conflicts
            .get(index)
            .ok_or_else(|| format!("There is no conflict number {}.", index + 1))?;
        let mut merged = self.merged.clone();
        merged.apply_resolution(&open.entity, &open.conflict, choice)?;
        let mut conflicts = self.conflicts.clone();
        conflicts.remove(index);
        Ok(Self::new(
            merged,
            conflicts,
            self.local.clone(),
            self.remote.clone(),
        ))
    }
}

fn planned_changes(
    merged: &Snapshot,
    conflicts: &[EntityConflict],
    local: &Snapshot,
    remote: &Snapshot,
) -> Vec<PlannedChange> {
    let entities: BTreeSet<EntityId> = [merged, local, remote]
        .iter()
        .flat_map(|s| s.entities())
        .chain(conflicts.iter().map(|c| c.entity.clone()))
        .collect();
    entities
        .into_iter()
        .filter_map(|entity| {
            let change = PlannedChange {
                incoming: effect(local, merged, &entity),
                outgoing: effect(remote, merged, &entity),
                conflicts: conflicts.iter().filter(|c| c.entity == entity).count(),
                entity,
            };
            let relevant =
                change.incoming.is_some() || change.outgoing.is_some() || change.conflicts > 0;
            relevant.then_some(change)
        })
        .collect()
}

/// What turning `old`'s entity into `new`'s does.
fn effect(old: &Snapshot, new: &Snapshot, entity: &EntityId) -> Option<Effect> {
    match (old.contains(entity), new.contains(entity)) {
        (false, true) => Some(Effect::Add),
        (true, false) => Some(Effect::Delete),
        (true, true) if !old.same_entity(new, entity) => Some(Effect::Update),
        _ => None,
    }
}
