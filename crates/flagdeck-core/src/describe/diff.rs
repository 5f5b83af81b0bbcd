//! Field-level differences between two JSON documents: the leaves that changed, each at its JSON
//! pointer, with a label a person reads ("Production › Rule EU customers › Serve › On").

use serde_json::Value;

use super::FieldChange;
use super::words::{env_name, human_rfc3339, humanize_key};
use crate::model::ProjectFile;

/// Names the places of one entity's document.
pub(super) struct Labeler<'a> {
    pub project: Option<&'a ProjectFile>,
    /// The entity's document, after the change when it exists, else before: where array
    /// elements are looked up to be named.
    pub after: Option<&'a Value>,
    pub before: Option<&'a Value>,
    /// Whether `environments` is an object keyed by environment (a flag), not a list.
    pub keyed_environments: bool,
}

impl Labeler<'_> {
    /// The leaf changes under `pointer` between `before` and `after` (the values at that
    /// pointer), labelled.
    pub fn fields(
        &self,
        pointer: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Vec<FieldChange> {
        let mut leaves = Vec::new();
        leaf_changes(pointer.to_owned(), before, after, &mut leaves);
        leaves
            .into_iter()
            .map(|(path, before, after)| FieldChange {
                label: self.label(&path),
                path,
                before,
                after,
            })
            .collect()
    }

    /// One field for the whole value at `pointer`.
    pub fn whole(
        &self,
        pointer: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> FieldChange {
        FieldChange {
            path: pointer.to_owned(),
            label: self.label(pointer),
            before: before.cloned(),
            after: after.cloned(),
        }
    }

    /// "Production › Rule EU customers › Serve": each step of the pointer in words.
    pub fn label(&self, pointer: &str) -> String {
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if segments.is_empty() {
            return "Whole file".to_owned();
        }
        let mut words = Vec::new();
        let mut after = self.after;
        let mut before = self.before;
        let mut parent: Option<&str> = None;
        let last = segments.len().saturating_sub(1);
        for (i, segment) in segments.iter().enumerate() {
            let here_after = after.and_then(|v| step(v, segment));
            let here_before = before.and_then(|v| step(v, segment));
            let here = here_after.or(here_before);
            let word = match parent {
                Some("environments") if self.keyed_environments => {
                    Some(env_name(self.project, segment))
                }
                Some(container) if segment.parse::<usize>().is_ok() => {
                    Some(element_word(container, here, self.variation_names()))
                }
                Some("context") => Some(segment.clone()),
                // A list's name is said by its elements' words ("Rule EU"), unless it is the
                // field itself.
                _ => match segment.as_str() {
                    "rules" | "schedule" | "variations" | "targets" | "rollout" | "groups"
                    | "freezes" | "attributes" | "environments"
                        if i < last =>
                    {
                        None
                    }
                    _ => Some(humanize_key(segment)),
                },
            };
            words.extend(word);
            after = here_after;
            before = here_before;
            parent = Some(segment.as_str());
        }
        if words.is_empty() {
            humanize_key(segments.last().map_or("", String::as_str))
        } else {
            words.join(" › ")
        }
    }

    fn variation_names(&self) -> Vec<(String, String)> {
        let doc = self.after.or(self.before);
        doc.and_then(|d| d.get("variations"))
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| {
                        let key = v.get("key")?.as_str()?.to_owned();
                        let name = v
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or(&key)
                            .to_owned();
                        Some((key, name))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The child of `value` named by one pointer segment.
fn step<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// An array element in words, by what its container holds.
fn element_word(
    container: &str,
    element: Option<&Value>,
    variations: Vec<(String, String)>,
) -> String {
    let text = |field: &str| element.and_then(|e| e.get(field)).and_then(Value::as_str);
    let variation = |key: &str| {
        variations
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| key.to_owned(), |(_, name)| name.clone())
    };
    match container {
        "rules" => format!("Rule {}", text("name").or(text("id")).unwrap_or("?")),
        "schedule" => format!(
            "Step {}",
            text("at").map_or_else(|| "?".to_owned(), human_rfc3339)
        ),
        "variations" => format!("Variation {}", text("name").or(text("key")).unwrap_or("?")),
        "targets" => format!(
            "Targets {}",
            text("variation").map_or_else(String::new, variation)
        ),
        "rollout" => format!(
            "{} share",
            text("variation").map_or_else(String::new, variation)
        ),
        "groups" => format!("Group {}", text("name").or(text("key")).unwrap_or("?")),
        "freezes" => format!("Freeze {}", text("name").unwrap_or("?")),
        "attributes" => format!("Attribute {}", text("key").unwrap_or("?")),
        "environments" => format!(
            "Environment {}",
            text("name").or(text("key")).unwrap_or("?")
        ),
        _ => match element {
            Some(Value::String(s)) => s.clone(),
            _ => "Item".to_owned(),
        },
    }
}

/// Pushes every changed leaf under `pointer`: objects are compared key by key, arrays of the
/// same length element by element; anything else that differs is one leaf.
fn leaf_changes(
    pointer: String,
    before: Option<&Value>,
    after: Option<&Value>,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    if before == after {
        return;
    }
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
            for key in keys {
                leaf_changes(
                    format!("{pointer}/{}", escape(key)),
                    b.get(key),
                    a.get(key),
                    out,
                );
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) if a.len() == b.len() => {
            for (i, (bi, ai)) in b.iter().zip(a).enumerate() {
                leaf_changes(format!("{pointer}/{i}"), Some(bi), Some(ai), out);
            }
        }
        _ => out.push((pointer, before.cloned(), after.cloned())),
    }
}

/// A key as a JSON pointer segment (RFC 6901).
pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
