//! Turns a conflict as found into what the app shows: a JSON pointer and a sentence.

use serde_json::Value;

use super::value::RawConflict;
use super::{Conflict, ConflictKind, Entity, Step};
use crate::diag::pointer_push;

/// The conflict with its pointer into the merged result and its sentence. `sides`: base, local,
/// remote documents, where the names of rules are looked up.
pub(crate) fn finish(
    entity: Entity,
    merged: Option<&Value>,
    sides: [&Option<Value>; 3],
    raw: RawConflict,
) -> Conflict {
    let docs: Vec<&Value> = std::iter::once(merged)
        .chain(sides.iter().map(|s| s.as_ref()))
        .flatten()
        .collect();
    let description = sentence(entity, &docs, &raw);
    Conflict {
        path: pointer(merged, &raw.location),
        location: raw.location,
        kind: raw.kind,
        base: raw.base,
        local: raw.local,
        remote: raw.remote,
        description,
    }
}

/// A conflict on the whole entity, used when field-level merging is impossible.
pub(crate) fn whole_entity(
    entity: Entity,
    base: Option<Value>,
    local: Option<Value>,
    remote: Option<Value>,
    reason: &str,
) -> Conflict {
    Conflict {
        path: String::new(),
        location: Vec::new(),
        kind: ConflictKind::Value,
        base,
        local,
        remote,
        description: format!(
            "Both sides changed this {} ({reason}).",
            entity_noun(entity)
        ),
    }
}

/// The child of `doc` one step down, found by key.
pub(crate) fn child<'a>(doc: &'a Value, step: &Step) -> Option<&'a Value> {
    match step {
        Step::Field(name) => doc.get(name),
        Step::Entry { key, .. } => doc.get(key),
        Step::Item { field, key, .. } => doc
            .as_array()?
            .iter()
            .find(|item| item.get(field).and_then(Value::as_str) == Some(key)),
    }
}

/// Index of an item by key, or where it would be inserted: after `after`, else first.
pub(crate) fn item_index(list: &[Value], field: &str, key: &str, after: Option<&str>) -> usize {
    let position = |k: &str| {
        list.iter()
            .position(|item| item.get(field).and_then(Value::as_str) == Some(k))
    };
    position(key).unwrap_or_else(|| after.and_then(position).map_or(0, |i| i + 1))
}

/// JSON pointer into `doc`; list items get their index (or insertion index if absent).
fn pointer(doc: Option<&Value>, location: &[Step]) -> String {
    let mut pointer = String::new();
    let mut current = doc;
    for step in location {
        let token = match step {
            Step::Field(name) => name.clone(),
            Step::Entry { key, .. } => key.clone(),
            Step::Item {
                field, key, after, ..
            } => {
                let list = current
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                item_index(list, field, key, after.as_deref()).to_string()
            }
        };
        pointer = pointer_push(&pointer, token);
        current = current.and_then(|d| child(d, step));
    }
    pointer
}

fn sentence(entity: Entity, docs: &[&Value], raw: &RawConflict) -> String {
    let (subject, owner) = match raw.kind {
        ConflictKind::Order { .. } => (
            order_phrase(&raw.location),
            owner_phrase(entity, docs, &raw.location),
        ),
        ConflictKind::Value => match raw.location.split_last() {
            Some((Step::Field(name), _)) => (
                field_phrase(name, raw),
                owner_phrase(entity, docs, &raw.location),
            ),
            _ => (owner_phrase(entity, docs, &raw.location), String::new()),
        },
    };
    let thing = if owner.is_empty() {
        subject
    } else {
        format!("{subject} of {owner}")
    };
    match (&raw.kind, &raw.base, &raw.local, &raw.remote) {
        (ConflictKind::Order { .. }, ..) => format!("Both sides reordered {thing} differently."),
        (_, Some(_), None, _) => format!("Local deleted {thing}, which remote changed."),
        (_, Some(_), _, None) => format!("Remote deleted {thing}, which local changed."),
        (_, None, ..) => format!("Both sides set {thing} differently."),
        _ => format!("Both sides changed {thing}."),
    }
}

/// The innermost labelled entries of a location, e.g. "rule 'EU' in production".
fn owner_phrase(entity: Entity, docs: &[&Value], location: &[Step]) -> String {
    let mut labels: Vec<String> = Vec::new();
    let mut environment: Option<String> = None;
    let mut container = "";
    for (depth, step) in location.iter().enumerate() {
        match step {
            Step::Field(name) => container = name,
            Step::Entry { key, .. } | Step::Item { key, .. } => {
                let item = lookup(docs, location.get(..=depth).unwrap_or_default());
                match entry_label(entity, container, key, item) {
                    Label::Environment(env) => environment = Some(env),
                    Label::Thing(label) => labels.push(label),
                }
            }
        }
    }
    // A value conflict on an entry is about the entry itself: it is the subject, not an owner.
    let last_is_entry = !matches!(location.last(), Some(Step::Field(_)) | None);
    if environment.is_none() || (labels.is_empty() && !last_is_entry) {
        labels.insert(0, entity_label(entity, docs));
    }
    labels.reverse();
    let mut phrase = labels.join(" of ");
    if let Some(env) = environment {
        if phrase.is_empty() {
            phrase = format!(
                "the configuration of {} in {env}",
                entity_label(entity, docs)
            );
        } else {
            phrase = format!("{phrase} in {env}");
        }
    }
    phrase
}

enum Label {
    Environment(String),
    Thing(String),
}

fn entry_label(entity: Entity, container: &str, key: &str, item: Option<&Value>) -> Label {
    let name = item
        .and_then(|i| i.get("name"))
        .and_then(Value::as_str)
        .unwrap_or(key);
    match (entity, container) {
        (Entity::Flag, "environments") => Label::Environment(key.to_owned()),
        (Entity::Flag, "rules") if item.is_some_and(|i| i.get("id").is_some()) => {
            Label::Thing(format!("rule '{name}'"))
        }
        (Entity::Flag, "rules") => Label::Thing(format!("the override of rule '{key}'")),
        (Entity::Flag, "variations") => Label::Thing(format!("variation '{key}'")),
        (Entity::Flag, "targets") => Label::Thing(format!("the targets of variation '{key}'")),
        (Entity::Flag, "schedule") => Label::Thing(format!("the schedule step at {key}")),
        (Entity::Project, "environments") => Label::Thing(format!("environment '{key}'")),
        (Entity::Project, "attributes") => Label::Thing(format!("attribute '{key}'")),
        (Entity::Policy, "groups") => Label::Thing(format!("group '{key}'")),
        (Entity::Policy, "rules") => Label::Thing(format!("rule '{key}'")),
        (Entity::Change, "approvals") => Label::Thing(format!("the decision of '{key}'")),
        _ => Label::Thing(format!("'{key}'")),
    }
}

fn lookup<'a>(docs: &[&'a Value], location: &[Step]) -> Option<&'a Value> {
    docs.iter()
        .find_map(|doc| location.iter().try_fold(*doc, |d, step| child(d, step)))
}

fn entity_label(entity: Entity, docs: &[&Value]) -> String {
    let key = docs
        .iter()
        .find_map(|d| d.get("key").or_else(|| d.get("id")).and_then(Value::as_str));
    match (entity, key) {
        (Entity::Project | Entity::Policy, _) | (_, None) => {
            format!("the {}", entity_noun(entity))
        }
        (_, Some(key)) => format!("{} '{key}'", entity_noun(entity)),
    }
}

fn entity_noun(entity: Entity) -> &'static str {
    match entity {
        Entity::Flag => "flag",
        Entity::Segment => "segment",
        Entity::Persona => "persona",
        Entity::Project => "project",
        Entity::Person => "person",
        Entity::Policy => "policy",
        Entity::Change => "change request",
    }
}

fn order_phrase(location: &[Step]) -> String {
    match location.last() {
        Some(Step::Field(name)) => format!("the {name}"),
        _ => "the entries".to_owned(),
    }
}

fn field_phrase(field: &str, raw: &RawConflict) -> String {
    let phrase = match field {
        "serve" | "fallthrough" => return serve_phrase(field, raw),
        "when" => "the condition",
        "enabled" => "the on/off switch",
        "offVariation" => "the off variation",
        "value" => "the value",
        "name" => "the name",
        "description" => "the description",
        "owner" => "the owner",
        "type" => "the type",
        "bucketBy" => "the bucketBy attribute",
        "format" => "the format version",
        other => return format!("'{other}'"),
    };
    phrase.to_owned()
}

/// A serve is named by what it holds, e.g. "the rollout" of a rule.
fn serve_phrase(field: &str, raw: &RawConflict) -> String {
    let sides = [&raw.base, &raw.local, &raw.remote];
    let holds = |k: &str| {
        sides
            .iter()
            .any(|s| s.as_ref().is_some_and(|v| v.get(k).is_some()))
    };
    let what = if holds("ramp") {
        "ramp"
    } else if holds("rollout") {
        "rollout"
    } else {
        "served variation"
    };
    match field {
        "fallthrough" if what == "served variation" => "the fallthrough variation".to_owned(),
        "fallthrough" => format!("the fallthrough {what}"),
        _ => format!("the {what}"),
    }
}
