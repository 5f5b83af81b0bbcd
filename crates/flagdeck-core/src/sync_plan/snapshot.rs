//! A project's entities at one point in time, decoded from its files and back.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EntityId;
use crate::diag::Diagnostic;
use crate::format::{self, SourceFile, to_canonical_json};
use crate::governance::{ChangeRequest, Person, Policy};
use crate::merge::{Conflict, Resolution, apply_resolution};
use crate::model::{FlagFile, PersonaFile, ProjectFile, SegmentFile};
use crate::validate;

/// The entities of a project: `flagdeck.json`, and flags, segments and personas by the key in
/// their file name (`flags/<key>.json`); and its governance files: `policy.json`, people and change
/// requests by the id in their file name (`people/<id>.json`, `changes/<id>.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub project: Option<ProjectFile>,
    pub flags: BTreeMap<String, FlagFile>,
    pub segments: BTreeMap<String, SegmentFile>,
    #[serde(default)]
    pub personas: BTreeMap<String, PersonaFile>,
    #[serde(default)]
    pub policy: Option<Policy>,
    #[serde(default)]
    pub people: BTreeMap<String, Person>,
    #[serde(default)]
    pub changes: BTreeMap<String, ChangeRequest>,
}

impl Snapshot {
    /// Decodes a project's files (other folders, `dist/` among them, are ignored), with the
    /// diagnostics of the files that could not be read. An error among them means a file is
    /// missing from the snapshot: do not plan a sync from it, since the missing file would read
    /// as a deletion.
    pub fn from_files(files: &[SourceFile]) -> (Snapshot, Vec<Diagnostic>) {
        let (loaded, mut diagnostics) = validate::load(files);
        let mut snapshot = Snapshot {
            project: loaded.project,
            flags: by_key(loaded.flags, "flags/"),
            segments: by_key(loaded.segments, "segments/"),
            personas: by_key(loaded.personas, "personas/"),
            ..Snapshot::default()
        };
        for file in files {
            if let Err(diagnostic) = snapshot.read_governance_file(file) {
                diagnostics.push(diagnostic);
            }
        }
        (snapshot, diagnostics)
    }

    /// Decodes `policy.json`, `people/<id>.json` or `changes/<id>.json` into the snapshot;
    /// other files are left alone. Only the shape is checked here (like flags):
    /// [`crate::governance::check_governance`] checks the meaning.
    fn read_governance_file(&mut self, file: &SourceFile) -> Result<(), Diagnostic> {
        let path = file.path.as_str();
        match EntityId::of_path(path) {
            Some(EntityId::Policy) => self.policy = Some(format::parse(path, &file.bytes)?),
            Some(EntityId::Person(id)) => {
                self.people.insert(id, format::parse(path, &file.bytes)?);
            }
            Some(EntityId::Change(id)) => {
                self.changes.insert(id, format::parse(path, &file.bytes)?);
            }
            _ => {}
        }
        Ok(())
    }

    /// The files of the snapshot in canonical text: `flagdeck.json`, flags, segments, personas,
    /// then the
    /// policy, people and change requests.
    pub fn to_files(&self) -> Vec<SourceFile> {
        self.entities().filter_map(|e| self.file(&e)).collect()
    }

    /// The snapshot as validation's input, as if read from [`Snapshot::to_files`].
    pub fn to_loaded(&self) -> validate::Loaded {
        validate::Loaded {
            project: self.project.clone(),
            flags: with_paths(&self.flags, EntityId::Flag),
            segments: with_paths(&self.segments, EntityId::Segment),
            personas: with_paths(&self.personas, EntityId::Persona),
            ..validate::Loaded::default()
        }
    }

    /// Every entity present, in [`EntityId`] order.
    pub fn entities(&self) -> impl Iterator<Item = EntityId> + '_ {
        let project = self.project.as_ref().map(|_| EntityId::Project);
        let flags = self.flags.keys().cloned().map(EntityId::Flag);
        let segments = self.segments.keys().cloned().map(EntityId::Segment);
        let personas = self.personas.keys().cloned().map(EntityId::Persona);
        let policy = self.policy.as_ref().map(|_| EntityId::Policy);
        let people = self.people.keys().cloned().map(EntityId::Person);
        let changes = self.changes.keys().cloned().map(EntityId::Change);
        project
            .into_iter()
            .chain(flags)
            .chain(segments)
            .chain(personas)
            .chain(policy)
            .chain(people)
            .chain(changes)
    }

    pub fn contains(&self, entity: &EntityId) -> bool {
        match entity {
            EntityId::Project => self.project.is_some(),
            EntityId::Flag(key) => self.flags.contains_key(key),
            EntityId::Segment(key) => self.segments.contains_key(key),
            EntityId::Persona(key) => self.personas.contains_key(key),
            EntityId::Policy => self.policy.is_some(),
            EntityId::Person(id) => self.people.contains_key(id),
            EntityId::Change(id) => self.changes.contains_key(id),
        }
    }

    /// The entity's file in canonical text, if it exists.
    pub fn file(&self, entity: &EntityId) -> Option<SourceFile> {
        let text = match entity {
            EntityId::Project => self.project.as_ref().map(to_canonical_json),
            EntityId::Flag(key) => self.flags.get(key).map(to_canonical_json),
            EntityId::Segment(key) => self.segments.get(key).map(to_canonical_json),
            EntityId::Persona(key) => self.personas.get(key).map(to_canonical_json),
            EntityId::Policy => self.policy.as_ref().map(to_canonical_json),
            EntityId::Person(id) => self.people.get(id).map(to_canonical_json),
            EntityId::Change(id) => self.changes.get(id).map(to_canonical_json),
        }?;
        Some(SourceFile::new(entity.path(), text))
    }

    /// The entity as a JSON value, if it exists.
    pub fn value(&self, entity: &EntityId) -> Option<Value> {
        let value = match entity {
            EntityId::Project => self.project.as_ref().map(serde_json::to_value),
            EntityId::Flag(key) => self.flags.get(key).map(serde_json::to_value),
            EntityId::Segment(key) => self.segments.get(key).map(serde_json::to_value),
            EntityId::Persona(key) => self.personas.get(key).map(serde_json::to_value),
            EntityId::Policy => self.policy.as_ref().map(serde_json::to_value),
            EntityId::Person(id) => self.people.get(id).map(serde_json::to_value),
            EntityId::Change(id) => self.changes.get(id).map(serde_json::to_value),
        }?;
        value.ok()
    }

    /// Whether both snapshots hold the same content for the entity (both absent included).
    pub fn same_entity(&self, other: &Snapshot, entity: &EntityId) -> bool {
        match entity {
            EntityId::Project => self.project == other.project,
            EntityId::Flag(key) => self.flags.get(key) == other.flags.get(key),
            EntityId::Segment(key) => self.segments.get(key) == other.segments.get(key),
            EntityId::Persona(key) => self.personas.get(key) == other.personas.get(key),
            EntityId::Policy => self.policy == other.policy,
            EntityId::Person(id) => self.people.get(id) == other.people.get(id),
            EntityId::Change(id) => self.changes.get(id) == other.changes.get(id),
        }
    }

    /// Removes the entity; `false` if it was absent.
    pub fn remove(&mut self, entity: &EntityId) -> bool {
        match entity {
            EntityId::Project => self.project.take().is_some(),
            EntityId::Flag(key) => self.flags.remove(key).is_some(),
            EntityId::Segment(key) => self.segments.remove(key).is_some(),
            EntityId::Persona(key) => self.personas.remove(key).is_some(),
            EntityId::Policy => self.policy.take().is_some(),
            EntityId::Person(id) => self.people.remove(id).is_some(),
            EntityId::Change(id) => self.changes.remove(id).is_some(),
        }
    }

    /// Puts `json` in as the entity, decoded like its file (so an error is located the same
    /// way, with the file's path).
    pub fn insert_json(&mut self, entity: &EntityId, json: &Value) -> Result<(), Diagnostic> {
        let path = entity.path();
        let text = json.to_string();
        let bytes = text.as_bytes();
        match entity {
            EntityId::Project => self.project = Some(format::parse(&path, bytes)?),
            EntityId::Flag(key) => {
                self.flags.insert(key.clone(), format::parse(&path, bytes)?);
            }
            EntityId::Segment(key) => {
                self.segments
                    .insert(key.clone(), format::parse(&path, bytes)?);
            }
            EntityId::Persona(key) => {
                self.personas
                    .insert(key.clone(), format::parse(&path, bytes)?);
            }
            EntityId::Policy => self.policy = Some(format::parse(&path, bytes)?),
            EntityId::Person(id) => {
                self.people.insert(id.clone(), format::parse(&path, bytes)?);
            }
            EntityId::Change(id) => {
                self.changes
                    .insert(id.clone(), format::parse(&path, bytes)?);
            }
        }
        Ok(())
    }

    /// Files that turn `older` into `self`: added or changed entities.
    pub(crate) fn files_changed_from(&self, older: &Snapshot) -> Vec<SourceFile> {
        self.entities()
            .filter(|e| !self.same_entity(older, e))
            .filter_map(|e| self.file(&e))
            .collect()
    }

    /// Paths of `older`'s entities that `self` no longer has.
    pub(crate) fn files_deleted_from(&self, older: &Snapshot) -> Vec<String> {
        older
            .entities()
            .filter(|e| !self.contains(e))
            .map(|e| e.path())
            .collect()
    }

    /// Applies the user's choice for a conflict of `entity` (see [`apply_resolution`]).
    pub fn apply_resolution(
        &mut self,
        entity: &EntityId,
        conflict: &Conflict,
        choice: &Resolution,
    ) -> Result<(), String> {
        match entity {
            EntityId::Project => {
                self.project = apply_resolution(self.project.as_ref(), conflict, choice)?;
                Ok(())
            }
            EntityId::Flag(key) => resolve_entry(&mut self.flags, key, conflict, choice),
            EntityId::Segment(key) => resolve_entry(&mut self.segments, key, conflict, choice),
            EntityId::Persona(key) => resolve_entry(&mut self.personas, key, conflict, choice),
            EntityId::Policy => {
                self.policy = apply_resolution(self.policy.as_ref(), conflict, choice)?;
                Ok(())
            }
            EntityId::Person(id) => resolve_entry(&mut self.people, id, conflict, choice),
            EntityId::Change(id) => resolve_entry(&mut self.changes, id, conflict, choice),
        }
    }
}

/// `(path, entity)` pairs of one kind of entity.
fn with_paths<T: Clone>(
    entities: &BTreeMap<String, T>,
    id: fn(String) -> EntityId,
) -> Vec<(String, T)> {
    entities
        .iter()
        .map(|(key, entity)| (id(key.clone()).path(), entity.clone()))
        .collect()
}

fn resolve_entry<T: Serialize + DeserializeOwned>(
    entries: &mut BTreeMap<String, T>,
    key: &str,
    conflict: &Conflict,
    choice: &Resolution,
) -> Result<(), String> {
    match apply_resolution(entries.get(key), conflict, choice)? {
        Some(resolved) => {
            entries.insert(key.to_owned(), resolved);
        }
        None => {
            entries.remove(key);
        }
    }
    Ok(())
}

/// `(path, entity)` pairs keyed by the file name's key (`flags/<key>.json`).
fn by_key<T>(loaded: Vec<(String, T)>, folder: &str) -> BTreeMap<String, T> {
    loaded
        .into_iter()
        .filter_map(|(path, entity)| {
            let key = path.strip_prefix(folder)?.strip_suffix(".json")?;
            Some((key.to_owned(), entity))
        })
        .collect()
}
