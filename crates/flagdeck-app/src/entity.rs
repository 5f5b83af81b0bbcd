//! Naming an entity in a command: its kind and key, checked before anything reaches a path.

use flagdeck_core::keys::is_entity_key;
use flagdeck_core::sync_plan::EntityId;
use flagdeck_store::EntityKind;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The kinds of entity the editor edits.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `flagdeck.json` (its key is always `flagdeck`).
    Project,
    Flag,
    Segment,
    /// `personas/<key>.json`: a saved evaluation context.
    Persona,
    /// `policy.json` (its key is always `policy`).
    Policy,
    /// `people/<id>.json`.
    Person,
    /// A change request, `changes/<id>.json`.
    Change,
}

/// One entity: `{kind: "flag", key: "new-checkout"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EntityRef {
    pub kind: Kind,
    pub key: String,
}

/// The key the project settings are stored under.
pub(crate) const PROJECT_KEY: &str = "flagdeck";
/// The key the policy is stored under.
pub(crate) const POLICY_KEY: &str = "policy";

impl EntityRef {
    pub fn flag(key: impl Into<String>) -> Self {
        EntityRef {
            kind: Kind::Flag,
            key: key.into(),
        }
    }

    pub fn segment(key: impl Into<String>) -> Self {
        EntityRef {
            kind: Kind::Segment,
            key: key.into(),
        }
    }

    pub fn persona(key: impl Into<String>) -> Self {
        EntityRef {
            kind: Kind::Persona,
            key: key.into(),
        }
    }

    pub fn project() -> Self {
        EntityRef {
            kind: Kind::Project,
            key: PROJECT_KEY.to_owned(),
        }
    }

    pub fn policy() -> Self {
        EntityRef {
            kind: Kind::Policy,
            key: POLICY_KEY.to_owned(),
        }
    }

    pub fn person(id: impl Into<String>) -> Self {
        EntityRef {
            kind: Kind::Person,
            key: id.into(),
        }
    }

    pub fn change(id: impl Into<String>) -> Self {
        EntityRef {
            kind: Kind::Change,
            key: id.into(),
        }
    }

    /// Refuses a key that could not be a file name of the format (`../../etc`, `A B`, ...).
    pub(crate) fn checked(&self) -> AppResult<EntityId> {
        match self.kind {
            Kind::Project if self.key == PROJECT_KEY => Ok(EntityId::Project),
            Kind::Project => Err(AppError::invalid(format!(
                "The project settings are named {PROJECT_KEY:?}, not {:?}.",
                self.key
            ))
            .with_field("key")),
            Kind::Policy if self.key == POLICY_KEY => Ok(EntityId::Policy),
            Kind::Policy => Err(AppError::invalid(format!(
                "The policy is named {POLICY_KEY:?}, not {:?}.",
                self.key
            ))
            .with_field("key")),
            _ if !is_entity_key(&self.key) => Err(AppError::invalid(format!(
                "{:?} is not a valid key: use 1 to 128 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.",
                self.key
            ))
            .with_field("key")),
            Kind::Flag => Ok(EntityId::Flag(self.key.clone())),
            Kind::Segment => Ok(EntityId::Segment(self.key.clone())),
            Kind::Persona => Ok(EntityId::Persona(self.key.clone())),
            Kind::Person => Ok(EntityId::Person(self.key.clone())),
            Kind::Change => Ok(EntityId::Change(self.key.clone())),
        }
    }

    pub(crate) fn store_kind(&self) -> EntityKind {
        store_kind(self.kind)
    }

    /// The entity a project path names (`flags/x.json`, `people/bob.json`, `policy.json`...).
    pub fn of_path(path: &str) -> Option<Self> {
        entity_of_path(path)
    }

    pub(crate) fn from_id(id: &EntityId) -> Self {
        match id {
            EntityId::Project => EntityRef::project(),
            EntityId::Flag(key) => EntityRef::flag(key.clone()),
            EntityId::Segment(key) => EntityRef::segment(key.clone()),
            EntityId::Persona(key) => EntityRef::persona(key.clone()),
            EntityId::Policy => EntityRef::policy(),
            EntityId::Person(id) => EntityRef::person(id.clone()),
            EntityId::Change(id) => EntityRef::change(id.clone()),
        }
    }
}

pub(crate) fn store_kind(kind: Kind) -> EntityKind {
    match kind {
        Kind::Project => EntityKind::Project,
        Kind::Flag => EntityKind::Flag,
        Kind::Segment => EntityKind::Segment,
        Kind::Persona => EntityKind::Persona,
        Kind::Policy => EntityKind::Policy,
        Kind::Person => EntityKind::Person,
        Kind::Change => EntityKind::Change,
    }
}

/// The editor's kind of a stored kind (every stored kind is a file of the format now).
pub(crate) fn editor_kind(kind: EntityKind) -> Option<Kind> {
    match kind {
        EntityKind::Project => Some(Kind::Project),
        EntityKind::Flag => Some(Kind::Flag),
        EntityKind::Segment => Some(Kind::Segment),
        EntityKind::Policy => Some(Kind::Policy),
        EntityKind::Person => Some(Kind::Person),
        EntityKind::Change => Some(Kind::Change),
        EntityKind::Persona => Some(Kind::Persona),
    }
}

/// The store's (kind, key) of a plan's entity.
pub(crate) fn store_id(id: &EntityId) -> (EntityKind, String) {
    let entity = EntityRef::from_id(id);
    (entity.store_kind(), entity.key)
}

/// A project file's entity, from its path (`flags/a.json` → flag `a`, `people/b.json` → person
/// `b`).
pub(crate) fn entity_of_path(path: &str) -> Option<EntityRef> {
    EntityId::of_path(path).map(|id| EntityRef::from_id(&id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_are_not_file_names_are_refused_with_the_field() {
        for key in ["../../etc", "A", "", "a/b", ".hidden", "a b"] {
            let error = EntityRef::flag(key).checked().unwrap_err();
            assert_eq!(error.field.as_deref(), Some("key"), "{key}");
            assert!(
                error.message.contains("not a valid key"),
                "{}",
                error.message
            );
        }
        assert_eq!(
            EntityRef::flag("new-checkout").checked().unwrap(),
            EntityId::Flag("new-checkout".into())
        );
        assert!(
            EntityRef {
                kind: Kind::Project,
                key: "x".into()
            }
            .checked()
            .is_err()
        );
    }

    #[test]
    fn paths_map_back_to_entities() {
        assert_eq!(entity_of_path("flags/a.json"), Some(EntityRef::flag("a")));
        assert_eq!(
            entity_of_path("segments/b.json"),
            Some(EntityRef::segment("b"))
        );
        assert_eq!(
            entity_of_path("personas/qa-tester.json"),
            Some(EntityRef::persona("qa-tester"))
        );
        assert_eq!(entity_of_path("flagdeck.json"), Some(EntityRef::project()));
        assert_eq!(entity_of_path("policy.json"), Some(EntityRef::policy()));
        assert_eq!(
            entity_of_path("people/alice.json"),
            Some(EntityRef::person("alice"))
        );
        assert_eq!(
            entity_of_path("changes/cr-1.json"),
            Some(EntityRef::change("cr-1"))
        );
        assert_eq!(entity_of_path("dist/production.flagd.json"), None);
        assert_eq!(entity_of_path("flags/Bad Key.json"), None);
        assert_eq!(entity_of_path("flags/a.txt"), None);
    }
}
