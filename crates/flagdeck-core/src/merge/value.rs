//! The generic three-way merge of JSON values, driven by a small table that says, for each place
//! of an entity, how it merges (see the module docs of [`super`]).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{ConflictKind, Entity, Step};

/// How the value at one place of a document merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// An object merged field by field.
    Record,
    /// An object whose entries are keyed by user-chosen keys (order kept).
    Map,
    /// An array of objects identified by the given field.
    Keyed(&'static str),
    /// An array whose order does not matter.
    Set,
    /// Merged as a whole.
    Atomic,
}

/// Places by their field names, `*` standing for any map key or list item. Unlisted: atomic.
const FLAG: &[(&str, Shape)] = &[
    ("", Shape::Record),
    ("tags", Shape::Set),
    ("variations", Shape::Keyed("key")),
    ("variations/*", Shape::Record),
    ("environments", Shape::Map),
    ("environments/*", Shape::Record),
    ("environments/*/targets", Shape::Keyed("variation")),
    ("environments/*/targets/*", Shape::Record),
    ("environments/*/targets/*/keys", Shape::Set),
    ("environments/*/rules", Shape::Keyed("id")),
    ("environments/*/rules/*", Shape::Record),
    ("environments/*/schedule", Shape::Keyed("at")),
    ("environments/*/schedule/*", Shape::Record),
    ("environments/*/schedule/*/rules", Shape::Map),
    ("environments/*/schedule/*/rules/*", Shape::Record),
];

const SEGMENT: &[(&str, Shape)] = &[
    ("", Shape::Record),
    ("include", Shape::Set),
    ("exclude", Shape::Set),
];

/// A context is a record of attributes: each one set, changed or removed on its own.
const PERSONA: &[(&str, Shape)] = &[("", Shape::Record), ("context", Shape::Record)];

const PROJECT: &[(&str, Shape)] = &[
    ("", Shape::Record),
    ("environments", Shape::Keyed("key")),
    ("environments/*", Shape::Record),
    ("attributes", Shape::Keyed("key")),
    ("attributes/*", Shape::Record),
    ("attributes/*/values", Shape::Set),
];

const PERSON: &[(&str, Shape)] = &[("", Shape::Record)];

/// A rule is one decision (who must approve what), like a `serve`: merged whole.
const POLICY: &[(&str, Shape)] = &[
    ("", Shape::Record),
    ("groups", Shape::Keyed("key")),
    ("groups/*", Shape::Record),
    ("groups/*/members", Shape::Set),
    ("rules", Shape::Keyed("name")),
];

/// `entities` is what the approvals sign: merged whole. An approval is a signature over its
/// fields: merged whole, keyed by its signer (each person has one current decision).
const CHANGE: &[(&str, Shape)] = &[
    ("", Shape::Record),
    ("approvals", Shape::Keyed("by")),
    ("comments", Shape::Set),
];

/// Lists and maps that the files leave out when empty: absent there means empty, so that
/// removing the last tag on one side still merges with a tag added on the other.
const OMITTED_WHEN_EMPTY: &[&str] = &[
    "tags",
    "environments",
    "environments/*/targets",
    "environments/*/rules",
    "environments/*/schedule",
    "environments/*/schedule/*/rules",
    "include",
    "exclude",
    "attributes",
    "comments",
];

/// A conflict as found, before it gets its pointer and sentence.
#[derive(Debug, Clone)]
pub(crate) struct RawConflict {
    pub location: Vec<Step>,
    pub kind: ConflictKind,
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
}

/// Merges whole documents; returns the result (local side on conflicts) and the conflicts.
pub(crate) fn merge_document(
    entity: Entity,
    base: Option<&Value>,
    local: Option<&Value>,
    remote: Option<&Value>,
) -> (Option<Value>, Vec<RawConflict>) {
    let table = match entity {
        Entity::Flag => FLAG,
        Entity::Segment => SEGMENT,
        Entity::Persona => PERSONA,
        Entity::Project => PROJECT,
        Entity::Person => PERSON,
        Entity::Policy => POLICY,
        Entity::Change => CHANGE,
    };
    let mut merger = Merger {
        table,
        location: Vec::new(),
        conflicts: Vec::new(),
    };
    let result = merger.merge(base, local, remote);
    (result, merger.conflicts)
}

struct Merger {
    table: &'static [(&'static str, Shape)],
    location: Vec<Step>,
    conflicts: Vec<RawConflict>,
}

/// A keyed list or map as (key, value) pairs in order.
type Entries<'a> = Vec<(String, &'a Value)>;

impl Merger {
    fn merge(
        &mut self,
        base: Option<&Value>,
        local: Option<&Value>,
        remote: Option<&Value>,
    ) -> Option<Value> {
        if local == remote || base == remote {
            return local.cloned();
        }
        if base == local {
            return remote.cloned();
        }
        if let (Some(l), Some(r)) = (local, remote)
            && let Some(merged) = self.merge_both_changed(base, l, r)
        {
            return Some(merged);
        }
        self.conflict(ConflictKind::Value, base, local, remote);
        local.cloned()
    }

    /// Both sides hold a value, each changed differently: merge inside it if its shape allows.
    fn merge_both_changed(&mut self, base: Option<&Value>, l: &Value, r: &Value) -> Option<Value> {
        match self.shape() {
            Shape::Record => {
                let (l, r) = (l.as_object()?, r.as_object()?);
                Some(Value::Object(self.merge_record(
                    base.and_then(Value::as_object),
                    l,
                    r,
                )))
            }
            Shape::Map => {
                let (l, r) = (map_entries(l)?, map_entries(r)?);
                let merged = self.merge_entries(None, base.and_then(map_entries), l, r);
                Some(Value::Object(merged.into_iter().collect()))
            }
            Shape::Keyed(field) => {
                let (l, r) = (keyed_entries(l, field)?, keyed_entries(r, field)?);
                let base = base.and_then(|b| keyed_entries(b, field));
                let merged = self.merge_entries(Some(field), base, l, r);
                Some(Value::Array(merged.into_iter().map(|(_, v)| v).collect()))
            }
            Shape::Set => {
                let (l, r) = (l.as_array()?, r.as_array()?);
                Some(Value::Array(merge_set(
                    base.and_then(Value::as_array),
                    l,
                    r,
                )))
            }
            Shape::Atomic => None,
        }
    }

    fn merge_record(
        &mut self,
        base: Option<&Map<String, Value>>,
        local: &Map<String, Value>,
        remote: &Map<String, Value>,
    ) -> Map<String, Value> {
        let keys = union(local.keys(), remote.keys());
        let mut merged = Map::new();
        for key in keys {
            self.location.push(Step::Field(key.clone()));
            let empty = self.empty_when_absent();
            let base_value = base.and_then(|b| b.get(&key).or(empty.as_ref()));
            let local_value = local.get(&key).or(empty.as_ref());
            let remote_value = remote.get(&key).or(empty.as_ref());
            let value = self.merge(base_value, local_value, remote_value);
            self.location.pop();
            match value {
                Some(value) if Some(&value) != empty.as_ref() => {
                    merged.insert(key, value);
                }
                _ => {}
            }
        }
        merged
    }

    /// Merges entry by entry, then orders the surviving entries. `field`: the key field of a
    /// keyed list, `None` for a map.
    fn merge_entries(
        &mut self,
        field: Option<&'static str>,
        base: Option<Entries>,
        local: Entries,
        remote: Entries,
    ) -> Vec<(String, Value)> {
        let base = base.unwrap_or_default();
        let [base_keys, local_keys, remote_keys] = [&base, &local, &remote].map(|e| keys(e));
        let mut merged = Vec::new();
        for key in union(local_keys.iter(), remote_keys.iter()) {
            let after = predecessor(&remote_keys, &key).or_else(|| predecessor(&local_keys, &key));
            self.location.push(entry_step(field, &key, after));
            let value = self.merge(find(&base, &key), find(&local, &key), find(&remote, &key));
            self.location.pop();
            if let Some(value) = value {
                merged.push((key, value));
            }
        }
        let order = self.order(field, &base_keys, &local_keys, &remote_keys);
        let mut ordered = Vec::with_capacity(merged.len());
        for key in order {
            if let Some(i) = merged.iter().position(|(k, _)| *k == key) {
                ordered.push(merged.swap_remove(i));
            }
        }
        ordered
    }

    /// The order of the merged entries: a reorder on one side only is taken; two different
    /// reorders are an order conflict (local order kept). New entries go after the entry that
    /// precedes them on their side.
    fn order(
        &mut self,
        key_field: Option<&'static str>,
        base: &[String],
        local: &[String],
        remote: &[String],
    ) -> Vec<String> {
        let common = |side: &[String]| -> Vec<String> {
            let in_all = |k: &String| base.contains(k) && local.contains(k) && remote.contains(k);
            side.iter().filter(|k| in_all(k)).cloned().collect()
        };
        let (b, l, r) = (common(base), common(local), common(remote));
        let local_first = interleave(local, remote, base);
        if l == b && r != b {
            return interleave(remote, local, base);
        }
        if l != b && r != b && l != r {
            let remote_first = interleave(remote, local, base);
            let as_json = |keys: &[String]| Value::from(keys.to_vec());
            self.conflict(
                ConflictKind::Order {
                    key_field: key_field.map(str::to_owned),
                },
                Some(&as_json(base)),
                Some(&as_json(&local_first)),
                Some(&as_json(&remote_first)),
            );
        }
        local_first
    }

    fn conflict(
        &mut self,
        kind: ConflictKind,
        base: Option<&Value>,
        local: Option<&Value>,
        remote: Option<&Value>,
    ) {
        self.conflicts.push(RawConflict {
            location: self.location.clone(),
            kind,
            base: base.cloned(),
            local: local.cloned(),
            remote: remote.cloned(),
        });
    }

    /// The empty value that an absent field at the current place stands for, if any.
    fn empty_when_absent(&self) -> Option<Value> {
        if !OMITTED_WHEN_EMPTY.contains(&pattern(&self.location).as_str()) {
            return None;
        }
        match self.shape() {
            Shape::Map => Some(Value::Object(Map::new())),
            _ => Some(Value::Array(Vec::new())),
        }
    }

    fn shape(&self) -> Shape {
        let pattern = pattern(&self.location);
        self.table
            .iter()
            .find(|(place, _)| *place == pattern)
            .map_or(Shape::Atomic, |(_, shape)| *shape)
    }
}

/// The table key of a location: field names, `*` for entries.
fn pattern(location: &[Step]) -> String {
    let parts: Vec<&str> = location
        .iter()
        .map(|step| match step {
            Step::Field(name) => name.as_str(),
            Step::Entry { .. } | Step::Item { .. } => "*",
        })
        .collect();
    parts.join("/")
}

fn entry_step(field: Option<&str>, key: &str, after: Option<String>) -> Step {
    match field {
        Some(field) => Step::Item {
            field: field.to_owned(),
            key: key.to_owned(),
            after,
        },
        None => Step::Entry {
            key: key.to_owned(),
            after,
        },
    }
}

fn map_entries(map: &Value) -> Option<Entries<'_>> {
    Some(
        map.as_object()?
            .iter()
            .map(|(k, v)| (k.clone(), v))
            .collect(),
    )
}

/// A list's items by their key field; `None` (merge the list as a whole) if an item has no string
/// key or two items share one.
fn keyed_entries<'a>(list: &'a Value, field: &str) -> Option<Entries<'a>> {
    let mut entries: Entries = Vec::new();
    for item in list.as_array()? {
        let key = item.get(field)?.as_str()?;
        if entries.iter().any(|(k, _)| k == key) {
            return None;
        }
        entries.push((key.to_owned(), item));
    }
    Some(entries)
}

fn keys(entries: &Entries) -> Vec<String> {
    entries.iter().map(|(k, _)| k.clone()).collect()
}

fn find<'a>(entries: &Entries<'a>, key: &str) -> Option<&'a Value> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

fn predecessor(keys: &[String], key: &str) -> Option<String> {
    let i = keys.iter().position(|k| k == key)?;
    keys.get(i.checked_sub(1)?).cloned()
}

/// The keys of `first`, then those only in `second`, each in order without repeats.
fn union<'a>(
    first: impl Iterator<Item = &'a String>,
    second: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for key in first.chain(second) {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys
}

/// `primary`'s order, with the keys only `secondary` has inserted after the key that precedes
/// them there (after `primary`'s own additions at that spot, so that the primary side comes first).
pub(crate) fn interleave(primary: &[String], secondary: &[String], base: &[String]) -> Vec<String> {
    let mut order = primary.to_vec();
    let primary_addition = |k: &String| !base.contains(k) && !secondary.contains(k);
    let mut anchor: Option<usize> = None;
    for key in secondary {
        if let Some(i) = order.iter().position(|k| k == key) {
            anchor = Some(i);
            continue;
        }
        let mut at = anchor.map_or(0, |i| i + 1);
        while order.get(at).is_some_and(primary_addition) {
            at += 1;
        }
        order.insert(at, key.clone());
        anchor = Some(at);
    }
    order
}

/// Set merge: local's items minus those remote removed, then remote's additions, in order.
/// Items are compared by their JSON text, so that lists of thousands of target keys stay fast.
fn merge_set(base: Option<&Vec<Value>>, local: &[Value], remote: &[Value]) -> Vec<Value> {
    let texts = |list: &[Value]| -> HashSet<String> { list.iter().map(Value::to_string).collect() };
    let base = texts(base.map_or(&[][..], Vec::as_slice));
    let (local_texts, remote_texts) = (texts(local), texts(remote));
    let removed_by_remote = |text: &String| base.contains(text) && !remote_texts.contains(text);
    let mut merged: Vec<Value> = local
        .iter()
        .filter(|v| !removed_by_remote(&v.to_string()))
        .cloned()
        .collect();
    let mut added = HashSet::new();
    for v in remote {
        let text = v.to_string();
        if !base.contains(&text) && !local_texts.contains(&text) && added.insert(text) {
            merged.push(v.clone());
        }
    }
    merged
}
