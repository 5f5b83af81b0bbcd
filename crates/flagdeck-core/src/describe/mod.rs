//! A change in plain sentences (issue 7): an entity's content before and after, turned into one
//! [`ChangeLine`] per change ("Production: New checkout rollout 5% → 25% on 1 Dec 2026 09:00
//! UTC"), each with the field-level [`FieldChange`]s behind it. The project gives the names
//! (environments, flags, variations, segments); instants are UTC. Pure: no IO, no clock.

use serde::Serialize;
use serde_json::Value;

use crate::model::ProjectFile;
use crate::sync_plan::EntityId;

/// One change to one entity, in a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChangeLine {
    pub entity: EntityId,
    /// The environment key the change is in; `null` for a change outside environments.
    pub environment: Option<String>,
    pub sentence: String,
    /// The fields behind the sentence.
    pub fields: Vec<FieldChange>,
}

/// One field's value before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// A JSON pointer into the entity's file (`/environments/production/defaultServe`).
    pub path: String,
    /// What a person calls the field: "Production › Default rollout".
    pub label: String,
    /// `null`: the field did not exist.
    pub before: Option<Value>,
    /// `null`: the field no longer exists.
    pub after: Option<Value>,
}

/// The sentences of one entity's change from `before` to `after` (`None`: absent on that
/// side), named with `project`.
pub fn describe(
    _project: Option<&ProjectFile>,
    _entity: &EntityId,
    _before: Option<&Value>,
    _after: Option<&Value>,
) -> Vec<ChangeLine> {
    Vec::new()
}

/// What a person calls an entity: a flag's, segment's, persona's or person's name (its key
/// when the name is blank or the content unreadable), "Project settings", "Policy", or a change
/// request's title.
pub fn entity_name(entity: &EntityId, value: Option<&Value>) -> String {
    let field = |name: &str| {
        value
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match entity {
        EntityId::Project => "Project settings".to_owned(),
        EntityId::Policy => "Policy".to_owned(),
        EntityId::Flag(key) | EntityId::Segment(key) | EntityId::Persona(key) => {
            field("name").unwrap_or_else(|| key.clone())
        }
        EntityId::Person(id) => field("name").unwrap_or_else(|| id.clone()),
        EntityId::Change(id) => field("title").unwrap_or_else(|| id.clone()),
    }
}
