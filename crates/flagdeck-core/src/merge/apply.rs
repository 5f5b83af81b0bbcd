//! Applying the user's choice for a conflict to a merged result.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::describe::item_index;
use super::{Conflict, ConflictKind, Merged, Resolution, Step};

/// `result` with `conflict` resolved by `choice`. Works by the conflict's key-based location, so
/// conflicts can be resolved one by one in any order. Fails (with a sentence) if the place no
/// longer exists or the chosen value would not make a valid document.
pub fn apply_resolution<T: Serialize + DeserializeOwned>(
    result: Option<&T>,
    conflict: &Conflict,
    choice: &Resolution,
) -> Result<Option<T>, String> {
    let mut doc = match result {
        Some(r) => Some(serde_json::to_value(r).map_err(|e| e.to_string())?),
        None => None,
    };
    let chosen = match choice {
        Resolution::Local => conflict.local.clone(),
        Resolution::Remote => conflict.remote.clone(),
        Resolution::Edited(value) => Some(value.clone()),
    };
    match &conflict.kind {
        ConflictKind::Value => set(&mut doc, &conflict.location, chosen)?,
        ConflictKind::Order { key_field } => {
            reorder(
                &mut doc,
                &conflict.location,
                key_field.as_deref(),
                chosen.as_ref(),
            )?;
        }
    }
    match doc {
        None => Ok(None),
        Some(doc) => serde_json::from_value(doc)
            .map(Some)
            .map_err(|e| format!("The chosen value does not make a valid document: {e}")),
    }
}

/// Resolves every conflict of `merged`, `choices[i]` for `merged.conflicts[i]`.
pub fn resolve<T: Serialize + DeserializeOwned + Clone>(
    merged: &Merged<T>,
    choices: &[Resolution],
) -> Result<Option<T>, String> {
    if choices.len() != merged.conflicts.len() {
        return Err(format!(
            "{} conflicts but {} choices.",
            merged.conflicts.len(),
            choices.len()
        ));
    }
    let mut result = merged.result.clone();
    for (conflict, choice) in merged.conflicts.iter().zip(choices) {
        result = apply_resolution(result.as_ref(), conflict, choice)?;
    }
    Ok(result)
}

const GONE: &str = "The place of this conflict no longer exists in the document.";

fn set(doc: &mut Option<Value>, location: &[Step], value: Option<Value>) -> Result<(), String> {
    let Some((last, parents)) = location.split_last() else {
        *doc = value;
        return Ok(());
    };
    let parent = navigate(doc.as_mut().ok_or(GONE)?, parents, Some(last))?;
    match last {
        Step::Field(name) => {
            let object = parent.as_object_mut().ok_or(GONE)?;
            match value {
                Some(v) => {
                    object.insert(name.clone(), v);
                }
                None => {
                    object.shift_remove(name);
                }
            }
        }
        Step::Entry { key, after } => {
            let object = parent.as_object_mut().ok_or(GONE)?;
            match value {
                Some(v) if object.contains_key(key) => {
                    object.insert(key.clone(), v);
                }
                Some(v) => {
                    let at = after
                        .as_ref()
                        .and_then(|a| object.keys().position(|k| k == a))
                        .map_or(0, |i| i + 1);
                    object.shift_insert(at, key.clone(), v);
                }
                None => {
                    object.shift_remove(key);
                }
            }
        }
        Step::Item { field, key, after } => {
            let list = parent.as_array_mut().ok_or(GONE)?;
            let at = item_index(list, field, key, after.as_deref());
            let exists = list
                .get(at)
                .is_some_and(|item| item.get(field).and_then(Value::as_str) == Some(key));
            match (value, exists) {
                (Some(v), true) => {
                    if let Some(slot) = list.get_mut(at) {
                        *slot = v;
                    }
                }
                (Some(v), false) => list.insert(at.min(list.len()), v),
                (None, true) => {
                    list.remove(at);
                }
                (None, false) => {}
            }
        }
    }
    Ok(())
}

/// Puts the entries at `location` in the order of `keys`; entries not named keep their order
/// after them.
fn reorder(
    doc: &mut Option<Value>,
    location: &[Step],
    key_field: Option<&str>,
    keys: Option<&Value>,
) -> Result<(), String> {
    let keys: Vec<&str> = keys
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .ok_or("An order is a list of keys.")?;
    // Entries that all went away have no order to fix.
    let Some(target) = doc.as_mut().and_then(|d| navigate(d, location, None).ok()) else {
        return Ok(());
    };
    let rank = |key: Option<&str>| key.and_then(|k| keys.iter().position(|x| *x == k));
    match (target, key_field) {
        (Value::Array(list), Some(field)) => {
            // Stable sort: named entries by their rank, the others after, in their order.
            list.sort_by_key(|item| {
                rank(item.get(field).and_then(Value::as_str)).unwrap_or(usize::MAX)
            });
        }
        (Value::Object(map), None) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by_key(|(k, _)| rank(Some(k)).unwrap_or(usize::MAX));
            *map = entries.into_iter().collect::<Map<String, Value>>();
        }
        _ => return Err(GONE.to_owned()),
    }
    Ok(())
}

/// The value at `steps`. A list or map field the files omit when empty is created on the way,
/// when `then` (the step after `steps`) goes into it.
fn navigate<'a>(
    mut doc: &'a mut Value,
    steps: &[Step],
    then: Option<&Step>,
) -> Result<&'a mut Value, String> {
    for (i, step) in steps.iter().enumerate() {
        doc = match step {
            Step::Field(name) => {
                let object = doc.as_object_mut().ok_or(GONE)?;
                let empty = match steps.get(i + 1).or(then) {
                    Some(Step::Item { .. }) => Value::Array(Vec::new()),
                    Some(Step::Entry { .. }) => Value::Object(Map::new()),
                    _ => Value::Null,
                };
                if !object.contains_key(name) && !empty.is_null() {
                    object.insert(name.clone(), empty);
                }
                object.get_mut(name)
            }
            Step::Entry { key, .. } => doc.get_mut(key),
            Step::Item { field, key, .. } => doc.as_array_mut().and_then(|list| {
                list.iter_mut()
                    .find(|item| item.get(field).and_then(Value::as_str) == Some(key))
            }),
        }
        .ok_or(GONE)?;
    }
    Ok(doc)
}
