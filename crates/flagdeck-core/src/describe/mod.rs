//! A change in plain sentences (issue 7): an entity's content before and after, turned into one
//! [`ChangeLine`] per change ("Production: New checkout rollout 5% → 25% on 1 Dec 2026 09:00
//! UTC"), each with the field-level [`FieldChange`]s behind it. The project gives the names
//! (environments, flags, variations, segments); instants are UTC. Pure: no IO, no clock.

mod diff;
mod flag;
mod others;
#[cfg(test)]
mod tests;
mod words;

use serde::Serialize;
use serde_json::Value;

use crate::governance::{Person, Policy};
use crate::model::{FlagFile, PersonaFile, ProjectFile, SegmentFile};
use crate::sync_plan::EntityId;
use diff::Labeler;
use flag::FlagChange;

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
/// side), named with `project`. Nothing for no change; a content that does not decode as its
/// kind is described field by field.
pub fn describe(
    project: Option<&ProjectFile>,
    entity: &EntityId,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<ChangeLine> {
    let mut out = Lines {
        entity,
        labeler: Labeler {
            project,
            after,
            before,
            keyed_environments: matches!(entity, EntityId::Flag(_)),
        },
        lines: Vec::new(),
    };
    match (before, after) {
        (None, None) => {}
        (b, a) if b == a => {}
        (None, Some(a)) => {
            let field = out.labeler.whole("", None, Some(a));
            out.push(None, created(entity, a), vec![field]);
        }
        (Some(b), None) => {
            let field = out.labeler.whole("", Some(b), None);
            out.push(None, deleted(entity, b), vec![field]);
        }
        (Some(b), Some(a)) => {
            if !typed(&mut out, project, entity, b, a) {
                let fields = out.labeler.fields("", Some(b), Some(a));
                out.push(
                    None,
                    format!("{}: changed", entity_name(entity, Some(a))),
                    fields,
                );
            }
        }
    }
    out.lines
}

/// The lines being written for one entity.
pub(crate) struct Lines<'a> {
    entity: &'a EntityId,
    labeler: Labeler<'a>,
    lines: Vec<ChangeLine>,
}

impl Lines<'_> {
    fn push(&mut self, environment: Option<&str>, sentence: String, fields: Vec<FieldChange>) {
        self.lines.push(ChangeLine {
            entity: self.entity.clone(),
            environment: environment.map(str::to_owned),
            sentence,
            fields,
        });
    }
}

/// Describes a change of an entity whose both sides decode as its kind; `false` otherwise.
fn typed(
    out: &mut Lines<'_>,
    project: Option<&ProjectFile>,
    entity: &EntityId,
    b: &Value,
    a: &Value,
) -> bool {
    fn both<T: serde::de::DeserializeOwned>(b: &Value, a: &Value) -> Option<(T, T)> {
        Some((
            serde_json::from_value(b.clone()).ok()?,
            serde_json::from_value(a.clone()).ok()?,
        ))
    }
    let before_count = out.lines.len();
    match entity {
        EntityId::Flag(_) => {
            let Some((before, after)) = both::<FlagFile>(b, a) else {
                return false;
            };
            FlagChange {
                project,
                before: &before,
                after: &after,
                before_json: b,
                after_json: a,
            }
            .lines(out);
        }
        EntityId::Segment(_) => match both::<SegmentFile>(b, a) {
            Some((x, y)) => others::segment(out, &x, &y, b, a),
            None => return false,
        },
        EntityId::Persona(_) => match both::<PersonaFile>(b, a) {
            Some((x, y)) => others::persona(out, &x, &y, b, a),
            None => return false,
        },
        EntityId::Project => match both::<ProjectFile>(b, a) {
            Some((x, y)) => others::project(out, &x, &y, b, a),
            None => return false,
        },
        EntityId::Policy => match both::<Policy>(b, a) {
            Some((x, y)) => others::policy(out, &x, &y, b, a),
            None => return false,
        },
        EntityId::Person(_) => match both::<Person>(b, a) {
            Some((x, y)) => others::person(out, &x, &y, b, a),
            None => return false,
        },
        EntityId::Change(_) => return false,
    }
    // Equal as models but not as JSON (key order, an omitted default): no sentence is owed,
    // yet the difference is shown rather than hidden.
    if out.lines.len() == before_count {
        let fields = out.labeler.fields("", Some(b), Some(a));
        if !fields.is_empty() {
            out.push(
                None,
                format!("{}: formatting changed", entity_name(entity, Some(a))),
                fields,
            );
        }
    }
    true
}

fn kind_word(entity: &EntityId) -> &'static str {
    match entity {
        EntityId::Project => "project settings",
        EntityId::Flag(_) => "flag",
        EntityId::Segment(_) => "segment",
        EntityId::Persona(_) => "persona",
        EntityId::Policy => "policy",
        EntityId::Person(_) => "person",
        EntityId::Change(_) => "change request",
    }
}

/// "New segment Beta testers", "New policy".
fn created(entity: &EntityId, after: &Value) -> String {
    match entity {
        EntityId::Project | EntityId::Policy => format!("New {}", kind_word(entity)),
        _ => format!(
            "New {} {}",
            kind_word(entity),
            entity_name(entity, Some(after))
        ),
    }
}

/// "Flag New checkout deleted", "Policy deleted".
fn deleted(entity: &EntityId, before: &Value) -> String {
    match entity {
        EntityId::Project => "Project settings deleted".to_owned(),
        EntityId::Policy => "Policy deleted".to_owned(),
        _ => {
            let kind = kind_word(entity);
            let mut chars = kind.chars();
            let kind: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            format!("{kind} {} deleted", entity_name(entity, Some(before)))
        }
    }
}

/// The value at a JSON pointer.
pub(crate) fn value_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    value.pointer(pointer)
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
