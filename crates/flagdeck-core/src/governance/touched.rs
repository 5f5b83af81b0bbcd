//! What a change request touches: the scope that policy rules are matched against.
//!
//! Every choice errs on the side of touching more, since touching more can only make more rules
//! apply:
//! - A flag touches the environments whose configuration differs between before and after; a
//!   created or deleted flag touches every environment it configures. A change to anything but
//!   the flag's `name` and `description` (variations, type, tags, owner) touches every
//!   environment the flag configures on either side: a variation's value is served wherever the
//!   flag is configured, and moving a flag out of a tag or away from an owner moves it out of
//!   the rules that protect it.
//! - Tags and owners are those of both sides, so a rule on tag `payments` applies to the change
//!   that removes the tag.
//! - A segment touches every environment: any flag in any environment may use it, so a change of
//!   its membership changes who gets what everywhere.
//! - `flagdeck.json` touches every environment (of the base project and of both sides).
//! - `policy.json` and `people/*` are governance; so is any path the format does not govern,
//!   which validation refuses anyway.
//! - Personas (`personas/*`) are not governed: nothing is served from them (they are not compiled
//!   into `dist/`), so [`classify`] calls them `Other`: `flagdeck verify` never asks a change
//!   request for them, a change request may not list them, and a plain sync carries them.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::ChangeRequest;
use crate::model::ProjectFile;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub environments: BTreeSet<String>,
    pub tags: BTreeSet<String>,
    pub flags: BTreeSet<String>,
    /// Owners of touched flags on either side (for rules' `when.owners`).
    pub owners: BTreeSet<String>,
    /// Who counts as `owner` in a rule's `from`: the owners of the touched flags at the base; for
    /// a flag the change creates, its owner after. A change cannot make its own approver by
    /// changing a flag's owner.
    pub approving_owners: BTreeSet<String>,
    /// Whether `policy.json` or `people/` changes.
    pub governance: bool,
}

/// What a path in a change request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind<'a> {
    Flag(&'a str),
    Segment(&'a str),
    Project,
    Policy,
    Person(&'a str),
    /// Not a path a change request may hold.
    Other,
}

pub const POLICY_FILE: &str = "policy.json";

pub fn classify(path: &str) -> EntityKind<'_> {
    match path {
        crate::validate::PROJECT_FILE => return EntityKind::Project,
        POLICY_FILE => return EntityKind::Policy,
        _ => {}
    }
    let Some((dir, file)) = path.split_once('/') else {
        return EntityKind::Other;
    };
    let Some(key) = file.strip_suffix(".json") else {
        return EntityKind::Other;
    };
    if !crate::keys::is_entity_key(key) {
        return EntityKind::Other;
    }
    match dir {
        "flags" => EntityKind::Flag(key),
        "segments" => EntityKind::Segment(key),
        "people" => EntityKind::Person(key),
        _ => EntityKind::Other,
    }
}

/// What `change` touches, given the project at the request's base (for "every environment").
pub fn touched(change: &ChangeRequest, project: &ProjectFile) -> Touched {
    let mut t = Touched::default();
    let all_envs: BTreeSet<String> = project.environments.iter().map(|e| e.key.clone()).collect();
    for entity in &change.entities {
        let (before, after) = (entity.before.as_ref(), entity.after.as_ref());
        match classify(&entity.path) {
            EntityKind::Flag(key) => {
                if !well_shaped(before) || !well_shaped(after) {
                    // A side that is not a flag object: its environments cannot be told.
                    t.environments.extend(all_envs.iter().cloned());
                }
                touch_flag(&mut t, key, before, after);
            }
            EntityKind::Segment(_) => t.environments.extend(all_envs.iter().cloned()),
            EntityKind::Project => {
                t.environments.extend(all_envs.iter().cloned());
                for side in [before, after].into_iter().flatten() {
                    t.environments.extend(project_env_keys(side));
                }
            }
            EntityKind::Policy | EntityKind::Person(_) | EntityKind::Other => t.governance = true,
        }
    }
    t
}

fn touch_flag(t: &mut Touched, key: &str, before: Option<&Value>, after: Option<&Value>) {
    t.flags.insert(key.to_owned());
    for side in [before, after].into_iter().flatten() {
        if let Some(k) = side.get("key").and_then(Value::as_str) {
            t.flags.insert(k.to_owned());
        }
        t.tags.extend(strings(side.get("tags")));
        if let Some(owner) = side.get("owner").and_then(Value::as_str) {
            t.owners.insert(owner.to_owned());
        }
    }
    // Owners who may approve: as at the base, or as created.
    if let Some(owner) = before
        .or(after)
        .and_then(|s| s.get("owner"))
        .and_then(Value::as_str)
    {
        t.approving_owners.insert(owner.to_owned());
    }
    let envs_before = env_map(before);
    let envs_after = env_map(after);
    let configured: BTreeSet<&String> = envs_before.keys().chain(envs_after.keys()).collect();
    let whole_flag = before.is_none() || after.is_none() || !same_outside_envs(before, after);
    for env in configured {
        if whole_flag || envs_before.get(env) != envs_after.get(env) {
            t.environments.insert(env.clone());
        }
    }
}

/// Absent, or an object whose `environments` (if any) is an object.
fn well_shaped(side: Option<&Value>) -> bool {
    side.is_none_or(|s| {
        s.as_object()
            .is_some_and(|o| o.get("environments").is_none_or(Value::is_object))
    })
}

fn env_map(side: Option<&Value>) -> serde_json::Map<String, Value> {
    side.and_then(|s| s.get("environments"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Whether the two sides differ at most in `environments`, `name` and `description`.
fn same_outside_envs(before: Option<&Value>, after: Option<&Value>) -> bool {
    let strip = |side: Option<&Value>| {
        side.and_then(Value::as_object).map(|o| {
            let mut o = o.clone();
            for field in ["environments", "name", "description"] {
                o.remove(field);
            }
            o
        })
    };
    strip(before) == strip(after)
}

fn project_env_keys(side: &Value) -> Vec<String> {
    side.get("environments")
        .and_then(Value::as_array)
        .map(|envs| {
            envs.iter()
                .filter_map(|e| e.get("key").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
