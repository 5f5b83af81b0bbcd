//! Three-way merge of one entity (DESIGN §7): base (the last synced state), local and remote.
//!
//! The merge works on the format's types seen as JSON values, never on text. Granularity, chosen to
//! match what a release owner means by "a change":
//! - objects (a flag, an environment, a rule, a variation, a schedule step) merge field by field;
//! - keyed lists and maps merge entry by entry: variations by `key`, environments by key, rules by
//!   `id`, targets by `variation`, schedule steps by `at`, a step's rule overrides by rule id,
//!   the project's environments and attributes by `key`. Order: local's, with remote's new
//!   entries placed after the entry that precedes them in remote (so a rule remote added at the
//!   top stays first); a reorder on one side only is taken;
//! - a persona's `context` merges attribute by attribute (one side sets `plan`, the other
//!   `country`: both kept), each value atomic;
//! - plain lists (tags, target keys, segment `include` / `exclude`, an attribute's `values`) merge
//!   as sets: additions and removals from both sides are kept, in local's order then remote's
//!   additions;
//! - lists and maps that the files omit when empty (tags, rules, ...) count as empty when absent;
//! - everything else is atomic: a condition (`when`), a `serve` (a rollout's weights must sum to
//!   100 together, so they are one decision), a variation's `value`, any scalar.
//!
//! A value changed on one side only takes that side; the same change on both sides is no
//! conflict. Two different changes to one atomic value, or a deletion on one side and a change on
//! the other, are a [`Conflict`]; the result then keeps the LOCAL side, and the conflict carries
//! the base, local and remote values, so nothing is lost until the user resolves it with
//! [`apply_resolution`] or [`resolve`]. A conflict is located by keys ([`Step`]), not indexes,
//! so conflicts can be resolved one at a time in any order; its `path` is a JSON pointer for
//! display. When both sides reorder the same list differently, that is an order conflict
//! (result: local order).
//!
//! The result is always a valid document of its model type (structure), but the merge does not
//! re-validate semantics (a rule added here may serve a variation deleted there): callers run
//! [`crate::validate`] on the merged project.

mod apply;
mod describe;
mod value;

#[cfg(test)]
mod tests;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::governance::{ChangeRequest, Person, Policy};
use crate::model::{FlagFile, PersonaFile, ProjectFile, SegmentFile};

pub use apply::{apply_resolution, resolve};

/// The outcome of a merge: the result as if every conflict were resolved by keeping the local side
/// (`None`: the entity does not exist), and the conflicts to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged<T> {
    pub result: Option<T>,
    pub conflicts: Vec<Conflict>,
}

/// Both sides changed one place differently. Serializable, so that the cache can keep it until
/// the user resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// JSON pointer into the merged result (for an entry the result lacks: where it would go).
    pub path: String,
    /// Where the conflict is, by keys rather than indexes: stays valid while other conflicts are
    /// resolved. [`apply_resolution`] uses it.
    pub location: Vec<Step>,
    pub kind: ConflictKind,
    /// `None`: absent on that side (not yet added, or deleted).
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
    /// A sentence for the app, e.g. "Both sides changed what rule 'EU' serves in production".
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ConflictKind {
    /// The values at `location` differ.
    Value,
    /// Both sides reordered the list or map at `location` differently; the values are the
    /// entries' keys in each side's order (as JSON strings). `key_field`: the field that holds an
    /// item's key in a keyed list, `None` for a map.
    #[serde(rename_all = "camelCase")]
    Order { key_field: Option<String> },
}

/// One step from a document's root to a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// A field of an object.
    Field(String),
    /// An entry of a map (an object keyed by e.g. environment key).
    Entry { key: String, after: Option<String> },
    /// An item of a keyed list: the item whose `field` is `key`.
    Item {
        field: String,
        key: String,
        after: Option<String>,
    },
}

/// How the user resolves a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Resolution {
    Local,
    Remote,
    /// An edited value (for an order conflict: the keys in the wanted order).
    Edited(Value),
}

/// Which entity is merged: its conflicts' sentences name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Flag,
    Segment,
    Persona,
    Project,
    Person,
    Policy,
    Change,
}

/// Merges one flag file. `None`: the flag does not exist on that side.
pub fn merge_flag(
    base: Option<&FlagFile>,
    local: Option<&FlagFile>,
    remote: Option<&FlagFile>,
) -> Merged<FlagFile> {
    merge_entity(Entity::Flag, base, local, remote)
}

/// Merges one segment file.
pub fn merge_segment(
    base: Option<&SegmentFile>,
    local: Option<&SegmentFile>,
    remote: Option<&SegmentFile>,
) -> Merged<SegmentFile> {
    merge_entity(Entity::Segment, base, local, remote)
}

/// Merges one persona file: its context attribute by attribute, each value whole.
pub fn merge_persona(
    base: Option<&PersonaFile>,
    local: Option<&PersonaFile>,
    remote: Option<&PersonaFile>,
) -> Merged<PersonaFile> {
    merge_entity(Entity::Persona, base, local, remote)
}

/// Merges `flagdeck.json`.
pub fn merge_project(
    base: Option<&ProjectFile>,
    local: Option<&ProjectFile>,
    remote: Option<&ProjectFile>,
) -> Merged<ProjectFile> {
    merge_entity(Entity::Project, base, local, remote)
}

/// Merges `people/<id>.json`: field by field.
pub fn merge_person(
    base: Option<&Person>,
    local: Option<&Person>,
    remote: Option<&Person>,
) -> Merged<Person> {
    merge_entity(Entity::Person, base, local, remote)
}

/// Merges `policy.json`: groups by key (members as a set), rules by name (each rule whole).
pub fn merge_policy(
    base: Option<&Policy>,
    local: Option<&Policy>,
    remote: Option<&Policy>,
) -> Merged<Policy> {
    merge_entity(Entity::Policy, base, local, remote)
}

/// Merges `changes/<id>.json`: what it changes (`entities`) whole, approvals by who signed them
/// (so two people approving on two clones both count), comments as a set.
pub fn merge_change(
    base: Option<&ChangeRequest>,
    local: Option<&ChangeRequest>,
    remote: Option<&ChangeRequest>,
) -> Merged<ChangeRequest> {
    merge_entity(Entity::Change, base, local, remote)
}

fn merge_entity<T: Serialize + DeserializeOwned + Clone>(
    entity: Entity,
    base: Option<&T>,
    local: Option<&T>,
    remote: Option<&T>,
) -> Merged<T> {
    let [base_v, local_v, remote_v] = [base, local, remote].map(|side| side.and_then(to_value));
    let (merged, raw) =
        value::merge_document(entity, base_v.as_ref(), local_v.as_ref(), remote_v.as_ref());
    let decoded = match &merged {
        None => Ok(None),
        Some(v) => serde_json::from_value::<T>(v.clone()).map(Some),
    };
    match decoded {
        Ok(result) => {
            let conflicts = raw
                .into_iter()
                .map(|c| {
                    describe::finish(entity, merged.as_ref(), [&base_v, &local_v, &remote_v], c)
                })
                .collect();
            Merged { result, conflicts }
        }
        // Cannot happen for well-formed inputs; if it does, keep local whole and lose nothing.
        Err(err) => Merged {
            result: local.cloned(),
            conflicts: vec![describe::whole_entity(
                entity,
                base_v,
                local_v,
                remote_v,
                &err.to_string(),
            )],
        },
    }
}

fn to_value<T: Serialize>(doc: &T) -> Option<Value> {
    serde_json::to_value(doc).ok()
}
