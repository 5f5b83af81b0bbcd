//! The plan in plain words: its summary and the commit message.

use serde_json::{Map, Value};

use super::{Effect, EntityId, PlannedChange, Snapshot, SyncPlan};

/// A commit subject longer than this becomes a count, with one line per entity in the body.
const SUBJECT_MAX: usize = 72;

pub(super) fn summary(plan: &SyncPlan) -> String {
    let mut parts = Vec::new();
    let incoming: Vec<&EntityId> = plan
        .changes()
        .iter()
        .filter(|c| c.incoming.is_some())
        .map(|c| &c.entity)
        .collect();
    if !incoming.is_empty() {
        parts.push(format!("{} will change", count_entities(&incoming)));
    }
    let outgoing = plan
        .changes()
        .iter()
        .filter(|c| c.outgoing.is_some())
        .count();
    if outgoing > 0 {
        parts.push(format!("{} to push", plural(outgoing, "local change")));
    }
    let conflicts = plan.conflicts().len();
    if conflicts > 0 {
        parts.push(plural(conflicts, "conflict"));
    }
    if parts.is_empty() {
        return "Nothing to sync".to_owned();
    }
    capitalize(&parts.join(", "))
}

pub(super) fn commit_message(
    remote: &Snapshot,
    merged: &Snapshot,
    changes: &[PlannedChange],
) -> String {
    let items: Vec<String> = changes
        .iter()
        .filter_map(|c| Some(item(c.outgoing?, &c.entity, remote, merged)))
        .collect();
    if items.is_empty() {
        return "No changes".to_owned();
    }
    let subject = capitalize(&items.join(", "));
    if subject.chars().count() <= SUBJECT_MAX {
        return subject;
    }
    let entities: Vec<&EntityId> = changes
        .iter()
        .filter(|c| c.outgoing.is_some())
        .map(|c| &c.entity)
        .collect();
    let body: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
    format!(
        "Change {}\n\n{}\n",
        count_entities(&entities),
        body.join("\n")
    )
}

/// E.g. "add segment beta-testers", "update new-checkout (production rules)".
fn item(effect: Effect, entity: &EntityId, remote: &Snapshot, merged: &Snapshot) -> String {
    let name = match entity {
        EntityId::Project => "the project settings".to_owned(),
        EntityId::Flag(key) => key.clone(),
        EntityId::Segment(key) => format!("segment {key}"),
        EntityId::Persona(key) => format!("persona {key}"),
        EntityId::Policy => "the policy".to_owned(),
        EntityId::Person(id) => format!("person {id}"),
        EntityId::Change(id) => format!("change request {id}"),
    };
    match effect {
        Effect::Add => format!("add {name}"),
        Effect::Delete => format!("delete {name}"),
        Effect::Update => {
            let old = remote.value(entity);
            let new = merged.value(entity);
            let flag = matches!(entity, EntityId::Flag(_));
            let details = details(old.as_ref(), new.as_ref(), flag);
            if details.is_empty() {
                format!("update {name}")
            } else {
                format!("update {name} ({})", details.join(", "))
            }
        }
    }
}

/// What differs between two versions of an entity: its fields, and for a flag each
/// environment's fields ("production rules and fallthrough").
fn details(old: Option<&Value>, new: Option<&Value>, flag: bool) -> Vec<String> {
    let empty = Map::new();
    let old = old.and_then(Value::as_object).unwrap_or(&empty);
    let new = new.and_then(Value::as_object).unwrap_or(&empty);
    let mut details: Vec<String> = changed_fields(old, new)
        .into_iter()
        .filter(|f| !(flag && *f == "environments"))
        .map(|f| field_word(f).to_owned())
        .collect();
    if flag {
        let environments = |doc: &Map<String, Value>| {
            doc.get("environments")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        details.extend(environment_details(&environments(old), &environments(new)));
    }
    details
}

fn environment_details(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    changed_fields(old, new)
        .into_iter()
        .map(|env| match (old.get(env), new.get(env)) {
            (None, _) => format!("{env} added"),
            (_, None) => format!("{env} removed"),
            (Some(before), Some(after)) => {
                let empty = Map::new();
                let before = before.as_object().unwrap_or(&empty);
                let after = after.as_object().unwrap_or(&empty);
                let fields: Vec<&str> = changed_fields(before, after)
                    .into_iter()
                    .map(field_word)
                    .collect();
                format!("{env} {}", and_list(&fields))
            }
        })
        .collect()
}

/// Keys whose values differ, in `new`'s order then `old`'s removed ones.
fn changed_fields<'a>(old: &'a Map<String, Value>, new: &'a Map<String, Value>) -> Vec<&'a str> {
    new.keys()
        .chain(old.keys().filter(|k| !new.contains_key(*k)))
        .filter(|k| old.get(*k) != new.get(*k))
        .map(String::as_str)
        .collect()
}

fn field_word(field: &str) -> &str {
    match field {
        "enabled" => "on/off",
        "offVariation" => "off variation",
        "when" => "condition",
        "bucketBy" => "bucketing attribute",
        "format" => "format version",
        other => other,
    }
}

/// E.g. "3 flags, 1 segment and the project settings".
fn count_entities(entities: &[&EntityId]) -> String {
    let flags = entities
        .iter()
        .filter(|e| matches!(e, EntityId::Flag(_)))
        .count();
    let segments = entities
        .iter()
        .filter(|e| matches!(e, EntityId::Segment(_)))
        .count();
    let mut parts = Vec::new();
    if flags > 0 {
        parts.push(plural(flags, "flag"));
    }
    if segments > 0 {
        parts.push(plural(segments, "segment"));
    }
    let personas = entities
        .iter()
        .filter(|e| matches!(e, EntityId::Persona(_)))
        .count();
    if personas > 0 {
        parts.push(plural(personas, "persona"));
    }
    let people = entities
        .iter()
        .filter(|e| matches!(e, EntityId::Person(_)))
        .count();
    if people > 0 {
        parts.push(plural(people, "person").replace("persons", "people"));
    }
    let changes = entities
        .iter()
        .filter(|e| matches!(e, EntityId::Change(_)))
        .count();
    if changes > 0 {
        parts.push(plural(changes, "change request"));
    }
    if entities.contains(&&EntityId::Policy) {
        parts.push("the policy".to_owned());
    }
    if entities.contains(&&EntityId::Project) {
        parts.push("the project settings".to_owned());
    }
    and_list(&parts)
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// "a", "a and b", "a, b and c".
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
