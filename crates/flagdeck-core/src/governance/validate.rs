//! Validation of the governance files: each problem located (file, JSON pointer) with a stable
//! code and a sentence, all at once, like [`crate::validate`] does for flags and segments.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::hash::is_content_hash;
use super::model::{ChangeRequest, Person, Policy};
use super::sign::parse_public_key;
use super::touched::{EntityKind, POLICY_FILE, classify};
use crate::diag::{Code, Diagnostic, pointer_push};
use crate::format::{self, SourceFile};
use crate::instant::parse_rfc3339;
use crate::keys::{ENTITY_KEY_RULE, is_entity_key};
use crate::model::{FlagFile, ProjectFile, SegmentFile};

/// The governance files of a project, decoded (those that could be) and checked.
#[derive(Debug, Default)]
pub struct Governance {
    /// Sorted by id.
    pub people: Vec<Person>,
    /// `None` when the project has no (readable) `policy.json`.
    pub policy: Option<Policy>,
    /// Sorted by id.
    pub changes: Vec<ChangeRequest>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `people/*.json`, `policy.json` and `changes/*.json` among `files` (others are ignored)
/// and checks them against each other and against the project's environments, if given. Only
/// people without errors are in [`Governance::people`], so a file that poses as someone else
/// (`people/mallory.json` holding `"id": "bob"`) signs nothing.
pub fn check_governance(files: &[SourceFile], project: Option<&ProjectFile>) -> Governance {
    let mut g = Governance::default();
    let mut changes = Vec::new();
    for file in files {
        let path = file.path.as_str();
        if path == POLICY_FILE {
            g.policy = decode(path, &file.bytes, &mut g.diagnostics);
        } else if path.starts_with("people/") {
            if let Some(person) = decode::<Person>(path, &file.bytes, &mut g.diagnostics) {
                let diags = check_person(path, &person);
                // A person whose id is not their file name could pose as someone else: only
                // people without errors may sign.
                if !diags.iter().any(Diagnostic::is_error) {
                    g.people.push(person);
                }
                g.diagnostics.extend(diags);
            }
        } else if let Some(rest) = path.strip_prefix("changes/")
            && let Some(change) = decode::<ChangeRequest>(path, &file.bytes, &mut g.diagnostics)
        {
            changes.push((rest.to_owned(), change));
        }
    }
    g.people.sort_by(|a, b| a.id.cmp(&b.id));
    let ids: BTreeSet<String> = g.people.iter().map(|p| p.id.clone()).collect();
    if let Some(policy) = &g.policy {
        g.diagnostics.extend(check_policy(policy, &ids, project));
    }
    for (name, change) in &changes {
        g.diagnostics
            .extend(check_change(&format!("changes/{name}"), change, &ids));
    }
    changes.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    g.changes = changes.into_iter().map(|(_, c)| c).collect();
    g.diagnostics
        .sort_by(|a, b| (&a.file, &a.pointer).cmp(&(&b.file, &b.pointer)));
    g
}

fn decode<T: DeserializeOwned>(path: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<T> {
    format::parse(path, bytes).map_err(|d| diags.push(d)).ok()
}

/// Checks one person: a valid id equal to the file name, a valid public key.
pub fn check_person(path: &str, person: &Person) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    key_and_file(path, "people", &person.id, "/id", &mut diags);
    if let Err(why) = parse_public_key(&person.public_key) {
        diags.push(Diagnostic::error(
            Code::InvalidPublicKey,
            path,
            "/publicKey",
            format!(
                "{}'s public key is not usable: {why}.",
                person.display_name()
            ),
        ));
    }
    if !person.email.contains('@') {
        diags.push(Diagnostic::warning(
            Code::InvalidStructure,
            path,
            "/email",
            format!("'{}' does not look like an email address.", person.email),
        ));
    }
    diags
}

fn key_and_file(path: &str, dir: &str, key: &str, pointer: &str, diags: &mut Vec<Diagnostic>) {
    if !is_entity_key(key) {
        diags.push(Diagnostic::error(
            Code::InvalidKey,
            path,
            pointer,
            format!("'{key}' is not a valid id: {ENTITY_KEY_RULE}."),
        ));
    } else if path != format!("{dir}/{key}.json") {
        diags.push(Diagnostic::error(
            Code::FileNameMismatch,
            path,
            pointer,
            format!("The id '{key}' does not match the file name; name the file {dir}/{key}.json."),
        ));
    }
}

/// Checks `policy.json` against the people (ids) and, if given, the project's environments.
pub fn check_policy(
    policy: &Policy,
    people: &BTreeSet<String>,
    project: Option<&ProjectFile>,
) -> Vec<Diagnostic> {
    let path = POLICY_FILE;
    let mut diags = Vec::new();
    let mut group_keys = BTreeSet::new();
    for (i, group) in policy.groups.iter().enumerate() {
        let at = pointer_push("/groups", i);
        if !is_entity_key(&group.key) {
            diags.push(Diagnostic::error(
                Code::InvalidKey,
                path,
                pointer_push(&at, "key"),
                format!(
                    "'{}' is not a valid group key: {ENTITY_KEY_RULE}.",
                    group.key
                ),
            ));
        }
        if !group_keys.insert(group.key.as_str()) {
            diags.push(Diagnostic::error(
                Code::DuplicateKey,
                path,
                pointer_push(&at, "key"),
                format!("Two groups have the key '{}'.", group.key),
            ));
        }
        for (j, member) in group.members.iter().enumerate() {
            if !people.contains(member) {
                diags.push(Diagnostic::error(
                    Code::UnknownPerson,
                    path,
                    pointer_push(&pointer_push(&at, "members"), j),
                    format!(
                        "Group '{}' lists '{member}', who is not in people/.",
                        group.name
                    ),
                ));
            }
        }
    }
    let envs: Option<BTreeSet<&str>> =
        project.map(|p| p.environments.iter().map(|e| e.key.as_str()).collect());
    let mut names = BTreeSet::new();
    for (i, rule) in policy.rules.iter().enumerate() {
        let at = pointer_push("/rules", i);
        if !names.insert(rule.name.as_str()) {
            diags.push(Diagnostic::error(
                Code::DuplicateKey,
                path,
                pointer_push(&at, "name"),
                format!(
                    "Two rules are named '{}'; reports would not tell them apart.",
                    rule.name
                ),
            ));
        }
        if let (Some(envs), Some(listed)) = (&envs, &rule.when.environments) {
            unknown_envs(
                envs,
                listed,
                &pointer_push(&pointer_push(&at, "when"), "environments"),
                &mut diags,
            );
        }
        check_requirement(policy, rule, &at, people, &mut diags);
    }
    if let (Some(envs), Some(listed)) = (
        &envs,
        policy
            .emergency
            .as_ref()
            .and_then(|e| e.environments.as_ref()),
    ) {
        unknown_envs(envs, listed, "/emergency/environments", &mut diags);
    }
    diags
}

fn unknown_envs(envs: &BTreeSet<&str>, listed: &[String], at: &str, diags: &mut Vec<Diagnostic>) {
    for (j, env) in listed.iter().enumerate() {
        if !envs.contains(env.as_str()) {
            diags.push(Diagnostic::error(
                Code::UnknownEnvironment,
                POLICY_FILE,
                pointer_push(at, j),
                format!("There is no environment '{env}' in flagdeck.json."),
            ));
        }
    }
}

fn check_requirement(
    policy: &Policy,
    rule: &super::model::PolicyRule,
    at: &str,
    people: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let req = &rule.require;
    let at = pointer_push(at, "require");
    let error = |code, ptr: String, msg: String| Diagnostic::error(code, POLICY_FILE, ptr, msg);
    if req.approvals == 0 {
        diags.push(error(
            Code::InvalidRequirement,
            pointer_push(&at, "approvals"),
            format!(
                "Rule '{}' requires no approval; remove the rule instead.",
                rule.name
            ),
        ));
    }
    if req.from.is_empty() {
        diags.push(error(
            Code::InvalidRequirement,
            pointer_push(&at, "from"),
            format!("Rule '{}' names no one who may approve.", rule.name),
        ));
    }
    // How many people could ever approve; `owner` is counted as one.
    let mut pool: BTreeSet<&str> = BTreeSet::new();
    let mut has_owner = false;
    for (j, entry) in req.from.iter().enumerate() {
        let ptr = pointer_push(&pointer_push(&at, "from"), j);
        if let Some(key) = entry.strip_prefix("group:") {
            match policy.groups.iter().find(|g| g.key == key) {
                Some(g) => pool.extend(g.members.iter().map(String::as_str)),
                None => diags.push(error(
                    Code::UnknownGroup,
                    ptr,
                    format!(
                        "Rule '{}' names the group '{key}', which policy.json does not define.",
                        rule.name
                    ),
                )),
            }
        } else if let Some(id) = entry.strip_prefix("person:") {
            if people.contains(id) {
                pool.insert(id);
            } else {
                diags.push(error(
                    Code::UnknownPerson,
                    ptr,
                    format!("Rule '{}' names '{id}', who is not in people/.", rule.name),
                ));
            }
        } else if entry == "owner" {
            has_owner = true;
        } else {
            diags.push(error(
                Code::InvalidRequirement,
                ptr,
                format!("'{entry}' is not group:<key>, person:<id> or owner."),
            ));
        }
    }
    let possible = pool.len() + usize::from(has_owner);
    if req.approvals > 0 && usize::try_from(req.approvals).is_ok_and(|n| n > possible) {
        diags.push(Diagnostic::warning(
            Code::InvalidRequirement,
            POLICY_FILE,
            pointer_push(&at, "approvals"),
            format!(
                "Rule '{}' requires {} approvals but at most {possible} people may give one, so no change it applies to can be published.",
                rule.name, req.approvals
            ),
        ));
    }
}

/// Checks one change request: its id and file name, its author, what it changes (governed paths,
/// each side a valid file of its kind, something actually changing), and the shape of its
/// approvals, comments, emergency reason and publication. Whether approvals are *valid* is
/// [`super::evaluate`]'s question, not validation's.
pub fn check_change(
    path: &str,
    change: &ChangeRequest,
    people: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    key_and_file(path, "changes", &change.id, "/id", &mut diags);
    let person = |id: &str, ptr: String, diags: &mut Vec<Diagnostic>| {
        if !people.contains(id) {
            diags.push(Diagnostic::error(
                Code::UnknownPerson,
                path,
                ptr,
                format!("'{id}' is not in people/."),
            ));
        }
    };
    person(&change.author, "/author".into(), &mut diags);
    if change.entities.is_empty() {
        diags.push(Diagnostic::error(
            Code::InvalidChangeEntity,
            path,
            "/entities",
            "The change request changes no file.",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, entity) in change.entities.iter().enumerate() {
        let at = pointer_push("/entities", i);
        if !seen.insert(entity.path.as_str()) {
            diags.push(Diagnostic::error(
                Code::DuplicateKey,
                path,
                pointer_push(&at, "path"),
                format!("{} is listed twice.", entity.path),
            ));
        }
        if entity.before == entity.after {
            diags.push(Diagnostic::error(
                Code::InvalidChangeEntity,
                path,
                at.clone(),
                format!("{} is the same before and after.", entity.path),
            ));
        }
        let kind = classify(&entity.path);
        if kind == EntityKind::Other {
            diags.push(Diagnostic::error(
                Code::InvalidChangeEntity,
                path,
                pointer_push(&at, "path"),
                format!(
                    "'{}' is not a file a change request may change: use flags/<key>.json, segments/<key>.json, flagdeck.json, policy.json or people/<id>.json.",
                    entity.path
                ),
            ));
            continue;
        }
        for (side, value) in [("before", &entity.before), ("after", &entity.after)] {
            if let Some(value) = value {
                check_side(path, &pointer_push(&at, side), kind, value, &mut diags);
            }
        }
    }
    for (i, a) in change.approvals.iter().enumerate() {
        let at = pointer_push("/approvals", i);
        person(&a.by, pointer_push(&at, "by"), &mut diags);
        if !is_content_hash(&a.content_hash) {
            diags.push(Diagnostic::error(
                Code::InvalidApproval,
                path,
                pointer_push(&at, "contentHash"),
                "A content hash is 'sha256:' and 64 lowercase hex digits.",
            ));
        }
        if !a.signature.starts_with(super::sign::KEY_PREFIX) {
            diags.push(Diagnostic::error(
                Code::InvalidApproval,
                path,
                pointer_push(&at, "signature"),
                "A signature is 'ed25519:' and the base64 of 64 bytes.",
            ));
        }
        instant(path, &pointer_push(&at, "at"), &a.at, &mut diags);
    }
    for (i, c) in change.comments.iter().enumerate() {
        let at = pointer_push("/comments", i);
        person(&c.by, pointer_push(&at, "by"), &mut diags);
        instant(path, &pointer_push(&at, "at"), &c.at, &mut diags);
    }
    if let Some(e) = &change.emergency
        && e.reason.trim().is_empty()
    {
        diags.push(Diagnostic::error(
            Code::MissingReason,
            path,
            "/emergency/reason",
            "An emergency change must say why it could not wait for approval.",
        ));
    }
    if let Some(p) = &change.published {
        person(&p.by, "/published/by".into(), &mut diags);
        instant(path, "/published/at", &p.at, &mut diags);
    }
    diags
}

fn instant(path: &str, ptr: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    if parse_rfc3339(text).is_none() {
        diags.push(Diagnostic::error(
            Code::InvalidDatetime,
            path,
            ptr,
            format!("'{text}' is not an RFC 3339 date and time like 2026-12-01T09:00:00Z."),
        ));
    }
}

/// One side of an entity must decode as a file of its kind, with the key its path names.
fn check_side(
    path: &str,
    at: &str,
    kind: EntityKind<'_>,
    value: &Value,
    diags: &mut Vec<Diagnostic>,
) {
    let (found, want) = match kind {
        EntityKind::Flag(k) => (key_of::<FlagFile>(value, |f| Some(f.key)), Some(k)),
        EntityKind::Segment(k) => (key_of::<SegmentFile>(value, |s| Some(s.key)), Some(k)),
        EntityKind::Person(k) => (key_of::<Person>(value, |p| Some(p.id)), Some(k)),
        EntityKind::Project => (key_of::<ProjectFile>(value, |_| None), None),
        EntityKind::Policy => (key_of::<Policy>(value, |_| None), None),
        EntityKind::Other => return,
    };
    match found {
        Err(why) => diags.push(Diagnostic::error(
            Code::InvalidStructure,
            path,
            at,
            format!("This is not a valid file of its kind: {why}."),
        )),
        Ok(key) if key.as_deref() != want => diags.push(Diagnostic::error(
            Code::FileNameMismatch,
            path,
            at,
            format!(
                "Its key '{}' does not match its path.",
                key.unwrap_or_default()
            ),
        )),
        Ok(_) => {}
    }
}

/// Decodes `value` as `T` and returns the key it holds, or the decoder's complaint.
fn key_of<T: DeserializeOwned>(
    value: &Value,
    key: impl Fn(T) -> Option<String>,
) -> Result<Option<String>, String> {
    T::deserialize(value)
        .map(key)
        .map_err(|e| e.to_string().replace('`', "'"))
}
