//! `flagdeck verify`, the pure part: what is wrong with one commit, given its parent's files and
//! its own (the CLI walks the Git range and reads the files; see docs/CLI.md).
//!
//! The rules (issue 4, GOV §3), for a commit C with parent P:
//! - Every change P→C to a project or governance file that is **governed** — `policy.json` and
//!   `people/` always, other files when a rule of P's `policy.json` matches what they touch —
//!   must be accounted for by a change request that C publishes: `changes/<id>.json` turns to
//!   `published` in C, lists the file with `before` = P's content and `after` = C's, and
//!   [`evaluate`](super::evaluate::evaluate) under **P's** policy and people says it is publishable. So a commit can never
//!   be judged by a policy or a person it adds itself.
//! - Otherwise a change request may change status among open, approved, rejected and withdrawn,
//!   gain approvals and comments (never lose or alter them), and have what it changes edited
//!   (which voids earlier approvals through the content hash); once published it may only gain
//!   comments, and it is never deleted.
//! - `dist/` equals a fresh build of C's project whenever C changes the project or `dist/` (and,
//!   with [`DistCheck::Always`], at the end of the range).

mod dist;
mod requests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::evaluate::matches;
use super::model::{ChangeRequest, EntityChange, Person, Policy, Status};
use super::touched::{EntityKind, POLICY_FILE, Touched, classify, touched};
use super::validate::check_governance;
use crate::format::{self, SourceFile};
use crate::model::ProjectFile;
use crate::validate::PROJECT_FILE;

/// One thing wrong with a commit: the file it is about and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub file: String,
    pub message: String,
}

impl Violation {
    fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Violation {
    /// `flags/new-checkout.json: production changed without a published change request`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// When to compare `dist/` with a fresh build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistCheck {
    /// Only when the commit changes the project (`flagdeck.json`, `flags/`, `segments/`) or
    /// `dist/`.
    WhenChanged,
    /// Always: for the last commit of a range.
    Always,
}

/// What is wrong with the commit whose files are `commit`, given its parent's `parent` (empty
/// for a root commit). Both hold every file of the repository the format knows: `flagdeck.json`,
/// `flags/`, `segments/`, `policy.json`, `people/`, `changes/`, `dist/`; other files are ignored.
pub fn verify_commit(
    parent: &[SourceFile],
    commit: &[SourceFile],
    dist: DistCheck,
) -> Vec<Violation> {
    let before = Files::of(parent);
    let after = Files::of(commit);
    let changed = before.changed_paths(&after);
    let base = Base::of(parent, &before);
    let mut out = Vec::new();

    let publishing = requests::check_requests(&changed, &before, &after, commit, &base, &mut out);
    for path in &changed {
        check_governed_change(path, &before, &after, &base, &publishing, &mut out);
    }
    let builds = changed
        .iter()
        .any(|p| is_project_path(p) || p.starts_with("dist/"));
    if dist == DistCheck::Always || builds {
        out.extend(dist::check_dist(commit));
    }
    out
}

/// A commit's files by path.
struct Files<'a>(BTreeMap<&'a str, &'a [u8]>);

impl<'a> Files<'a> {
    fn of(files: &'a [SourceFile]) -> Self {
        Self(
            files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice()))
                .collect(),
        )
    }

    fn get(&self, path: &str) -> Option<&'a [u8]> {
        self.0.get(path).copied()
    }

    /// Paths whose bytes differ, sorted.
    fn changed_paths(&self, other: &Self) -> Vec<String> {
        let paths: BTreeSet<&str> = self.0.keys().chain(other.0.keys()).copied().collect();
        paths
            .into_iter()
            .filter(|p| self.get(p) != other.get(p))
            .map(str::to_owned)
            .collect()
    }

    fn content(&self, path: &str) -> Content {
        match self.get(path) {
            None => Content::Absent,
            Some(bytes) => match format::parse::<Value>(path, bytes) {
                Ok(value) => Content::Json(value),
                Err(_) => Content::Unreadable,
            },
        }
    }
}

/// A file's content on one side, as a change request lists it.
#[derive(Debug, PartialEq)]
enum Content {
    Absent,
    Json(Value),
    /// Not JSON: no change request can list it, so no change request accounts for it.
    Unreadable,
}

impl Content {
    /// Whether a change request's `before` or `after` is this content.
    fn is(&self, listed: Option<&Value>) -> bool {
        match (self, listed) {
            (Self::Absent, None) => true,
            (Self::Json(v), Some(l)) => same_json(v, l),
            _ => false,
        }
    }

    /// As a change request would list it, for [`touched`]: unreadable content becomes a value
    /// that is no object, which touches every environment.
    fn as_listed(&self) -> Option<Value> {
        match self {
            Self::Absent => None,
            Self::Json(v) => Some(v.clone()),
            Self::Unreadable => Some(Value::Null),
        }
    }
}

/// Equal as the content hash sees them: the same RFC 8785 canonical JSON (so `50` and `50.0`
/// make no difference).
fn same_json(a: &Value, b: &Value) -> bool {
    a == b
        || matches!(
            (serde_json_canonicalizer::to_vec(a), serde_json_canonicalizer::to_vec(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// What the commit is judged by: the policy, people and project of its parent.
struct Base {
    /// `Err` when the parent has a `policy.json` that cannot be read.
    policy: Result<Policy, ()>,
    people: Vec<Person>,
    project: ProjectFile,
}

impl Base {
    fn of(files: &[SourceFile], index: &Files<'_>) -> Self {
        let project = index
            .get(PROJECT_FILE)
            .and_then(|bytes| format::parse::<ProjectFile>(PROJECT_FILE, bytes).ok());
        let governance = check_governance(files, project.as_ref());
        let policy = match governance.policy {
            Some(policy) => Ok(policy),
            None if index.get(POLICY_FILE).is_some() => Err(()),
            None => Ok(Policy::default()),
        };
        Self {
            policy,
            people: governance.people,
            // Without a readable project, "every environment" is none: flags still touch the
            // environments they configure.
            project: project.unwrap_or_else(|| ProjectFile {
                format: 1,
                name: String::new(),
                bucket_by: None,
                environments: Vec::new(),
                attributes: Vec::new(),
                freezes: Vec::new(),
            }),
        }
    }
}

/// `flagdeck.json`, `flags/`, `segments/`: what `dist/` is built from. By prefix, so that a file
/// validation refuses (a bad key, a stray name) also asks for the build, which reports it.
fn is_project_path(path: &str) -> bool {
    path == PROJECT_FILE || path.starts_with("flags/") || path.starts_with("segments/")
}

/// Reports `path`'s change if it is governed and no change request published in this commit
/// lists it. A request that lists it with other contents is reported as the request's problem.
fn check_governed_change(
    path: &str,
    before: &Files<'_>,
    after: &Files<'_>,
    base: &Base,
    publishing: &[ChangeRequest],
    out: &mut Vec<Violation>,
) {
    let kind = classify(path);
    if kind == EntityKind::Other {
        return;
    }
    let (old, new) = (before.content(path), after.content(path));
    let single = single_change(path, old.as_listed(), new.as_listed());
    let scope = touched(&single, &base.project);
    let Some(why) = governed_by(kind, &scope, base) else {
        return;
    };
    let listed = publishing
        .iter()
        .any(|cr| cr.entities.iter().any(|e| e.path == path));
    if !listed {
        out.push(Violation::new(
            path,
            format!(
                "{} without a published change request ({why})",
                what_changed(kind, &old, &new, &scope)
            ),
        ));
    }
}

/// Why a change is governed, or `None` when it is not.
fn governed_by(kind: EntityKind<'_>, scope: &Touched, base: &Base) -> Option<String> {
    if matches!(kind, EntityKind::Policy | EntityKind::Person(_)) {
        return Some("policy.json and people/ are always governed".to_owned());
    }
    let Ok(policy) = &base.policy else {
        return Some("policy.json at the parent commit cannot be read".to_owned());
    };
    let rules: Vec<String> = policy
        .rules
        .iter()
        .filter(|r| matches(&r.when, scope))
        .map(|r| format!("'{}'", r.name))
        .collect();
    match rules.as_slice() {
        [] => None,
        [one] => Some(format!("the policy rule {one} applies")),
        many => Some(format!("the policy rules {} apply", many.join(", "))),
    }
}

/// "production changed", "created", "deleted", "changed".
fn what_changed(kind: EntityKind<'_>, old: &Content, new: &Content, scope: &Touched) -> String {
    let noun = match kind {
        EntityKind::Person(_) => "a person",
        EntityKind::Policy => "the policy",
        _ => "",
    };
    let verb = match (old, new) {
        (Content::Absent, _) => "created",
        (_, Content::Absent) => "deleted",
        (_, Content::Unreadable) => return "changed into invalid JSON".to_owned(),
        _ => "changed",
    };
    if let EntityKind::Flag(_) = kind
        && verb == "changed"
        && !scope.environments.is_empty()
    {
        let envs: Vec<&str> = scope.environments.iter().map(String::as_str).collect();
        return format!("{} changed", envs.join(", "));
    }
    match (noun, verb) {
        ("", v) => v.to_owned(),
        ("a person", "created") => "a person was added".to_owned(),
        ("a person", "deleted") => "a person was removed".to_owned(),
        (n, v) => format!("{n} was {v}"),
    }
}

/// A change request that changes only `path`: to ask [`touched`] what one file's change touches.
fn single_change(path: &str, before: Option<Value>, after: Option<Value>) -> ChangeRequest {
    ChangeRequest {
        id: String::new(),
        title: String::new(),
        description: None,
        author: String::new(),
        base: String::new(),
        entities: vec![EntityChange {
            path: path.to_owned(),
            before,
            after,
        }],
        status: Status::Open,
        emergency: None,
        approvals: Vec::new(),
        comments: Vec::new(),
        published: None,
        author_signature: None,
    }
}
