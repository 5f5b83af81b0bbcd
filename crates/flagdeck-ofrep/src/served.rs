//! What the server evaluates against: a project resolved once per content change, best effort.
//!
//! A preview shows work in progress, so one broken draft must not blank out every flag: the
//! project is resolved with `validate::check_owned`, which builds every flag it can, and a flag
//! whose file has an error answers a GENERAL error naming the problem instead of a value. Only
//! when something every flag depends on is broken (no or a broken `flagdeck.json`, a broken
//! segment) does every request fail, with the sentence that says why.

use std::collections::BTreeMap;

use flagdeck_core::checked::{EnvId, Project};
use flagdeck_core::diag::Diagnostic;
use flagdeck_core::sync_plan::Snapshot;
use flagdeck_core::validate;

/// A resolved project ready to evaluate, or why there is none.
pub struct Served {
    project: Result<Project, String>,
    /// Flag key → the first error of its file, for flags that have one.
    flag_problems: BTreeMap<String, String>,
}

impl Served {
    /// Resolves a snapshot (a workspace's base with its drafts, or a folder's files).
    pub fn from_snapshot(snapshot: &Snapshot) -> Served {
        let mut diagnostics = Vec::new();
        let project = validate::check_owned(snapshot.to_loaded(), &mut diagnostics);
        let mut flag_problems = BTreeMap::new();
        let mut project_problem = None;
        for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
            match flag_key_of(&diagnostic.file) {
                Some(key) => {
                    flag_problems
                        .entry(key.to_owned())
                        .or_insert_with(|| format!("{}: {}", diagnostic.file, diagnostic.message));
                }
                None => {
                    project_problem.get_or_insert_with(|| {
                        format!("{}: {}", diagnostic.file, diagnostic.message)
                    });
                }
            }
        }
        // An error outside flags/ (flagdeck.json, a segment) touches every flag: serve none.
        let project = match (project, project_problem) {
            (Some(project), None) => Ok(project),
            (_, Some(problem)) => Err(problem),
            (None, None) => Err(
                "The project cannot be resolved; run flagdeck validate for its problems".to_owned(),
            ),
        };
        Served {
            project,
            flag_problems,
        }
    }

    /// Adds problems found while reading the files (a flag file that is not JSON is missing
    /// from the snapshot: its key answers the problem, not FLAG_NOT_FOUND).
    pub fn with_read_problems(mut self, diagnostics: &[Diagnostic]) -> Served {
        for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
            if let Some(key) = flag_key_of(&diagnostic.file) {
                self.flag_problems
                    .entry(key.to_owned())
                    .or_insert_with(|| format!("{}: {}", diagnostic.file, diagnostic.message));
            } else if self.project.is_ok() {
                self.project = Err(format!("{}: {}", diagnostic.file, diagnostic.message));
            }
        }
        self
    }

    /// The resolved project, or the sentence saying why there is none.
    pub fn project(&self) -> Result<&Project, &str> {
        self.project.as_ref().map_err(String::as_str)
    }

    /// The problem of a flag's file, if it has one.
    pub fn flag_problem(&self, key: &str) -> Option<&str> {
        self.flag_problems.get(key).map(String::as_str)
    }

    /// Flags with problems, by key.
    pub fn flag_problems(&self) -> impl Iterator<Item = (&str, &str)> {
        self.flag_problems
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The environment a request names, or the project's first one (`None` when unknown).
    pub fn environment(&self, key: Option<&str>) -> Option<EnvId> {
        let project = self.project.as_ref().ok()?;
        match key {
            Some(key) => project.env_id(key),
            None => (!project.environments.is_empty()).then_some(0),
        }
    }
}

/// `flags/<key>.json` → `<key>`.
fn flag_key_of(file: &str) -> Option<&str> {
    file.strip_prefix("flags/")?.strip_suffix(".json")
}
