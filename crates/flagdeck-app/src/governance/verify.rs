//! Verifying history (GOV §3): the commits of a range in first-parent order, each checked with
//! `flagdeck_core::governance::verify_commit` against its parent. `flagdeck verify` runs it on a
//! checkout for CI; the app runs it on the commits a sync takes from the remote, so a change
//! pushed with plain Git around the change requests is named, not pulled without a word.

use std::path::Path;

use flagdeck_core::format::SourceFile;
use flagdeck_core::governance::{DistCheck, verify_commit};
use git2::{FileMode, ObjectType, Oid, Repository, Sort, Tree};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};

/// Root files and one-level folders of the format, governance included.
const ROOT_FILES: [&str; 2] = ["flagdeck.json", "policy.json"];
const FOLDERS: [&str; 5] = ["flags", "segments", "people", "changes", "dist"];

/// A violation of the governance rules, with the commit it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FoundViolation {
    /// The commit's first 10 hex digits, as `flagdeck status` shows commits.
    pub commit: String,
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for FoundViolation {
    /// `1a2b3c4d5e flags/new-checkout.json: production changed without ...`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.commit, self.file, self.message)
    }
}

/// A repository and where the project sits in it.
pub struct History {
    repo: Repository,
    /// The project folder relative to the top of the repository, `/`-separated; empty at the
    /// top and in a bare repository (the app's clone).
    prefix: String,
}

/// One commit of a range and its first parent.
pub struct Step {
    pub commit: Oid,
    pub parent: Option<Oid>,
}

impl History {
    /// The repository holding `dir` (which may be a subfolder: the project is read there), or
    /// the bare repository at `dir`.
    pub fn open(dir: &Path) -> AppResult<Self> {
        let repo = Repository::discover(dir).map_err(|e| {
            AppError::invalid(format!(
                "{} is not in a Git repository ({}).",
                dir.display(),
                e.message()
            ))
        })?;
        let prefix = match repo.workdir() {
            Some(top) => relative(top, dir)?,
            None => String::new(),
        };
        Ok(Self { repo, prefix })
    }

    /// The commits of `A..B` (reachable from B, not from A), oldest first, following first
    /// parents only; and B itself.
    pub fn range(&self, range: &str) -> AppResult<(Vec<Step>, Oid)> {
        let (from, to) = match range.split_once("..") {
            Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.starts_with('.') => (a, b),
            _ => {
                return Err(AppError::invalid(format!(
                    "'{range}' is not a range: use A..B (two commits, branches or tags)."
                )));
            }
        };
        let from = self.commit(from)?;
        let to = self.commit(to)?;
        Ok((self.between(Some(from), to)?, to))
    }

    /// The commits reachable from `to` and not from `from` (all of them without `from`),
    /// oldest first, following first parents only.
    pub fn between(&self, from: Option<Oid>, to: Oid) -> AppResult<Vec<Step>> {
        let mut walk = self.repo.revwalk().map_err(git_error)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
            .map_err(git_error)?;
        walk.simplify_first_parent().map_err(git_error)?;
        walk.push(to).map_err(git_error)?;
        if let Some(from) = from {
            walk.hide(from).map_err(git_error)?;
        }
        let mut steps = Vec::new();
        for oid in walk {
            let oid = oid.map_err(git_error)?;
            let commit = self.repo.find_commit(oid).map_err(git_error)?;
            let parent = commit.parent_ids().next();
            steps.push(Step {
                commit: oid,
                parent,
            });
        }
        Ok(steps)
    }

    /// Whether the repository holds `commit`.
    pub fn has_commit(&self, commit: Oid) -> bool {
        self.repo.find_commit(commit).is_ok()
    }

    /// The commit a revision (id, branch, tag) names.
    pub fn commit(&self, rev: &str) -> AppResult<Oid> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| {
                AppError::invalid(format!(
                    "'{rev}' is not a commit of this repository{SHALLOW_HINT}."
                ))
            })
    }

    /// The format's files (governance and `dist/` included) of the project in `commit`, sorted
    /// by path. A commit where the project folder does not exist has none.
    pub fn files(&self, commit: Oid) -> AppResult<Vec<SourceFile>> {
        let root = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(git_error)?;
        let tree = if self.prefix.is_empty() {
            root
        } else {
            match root.get_path(Path::new(&self.prefix)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                    self.repo.find_tree(entry.id()).map_err(git_error)?
                }
                Ok(_) => return Ok(Vec::new()),
                Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(git_error(e)),
            }
        };
        let mut files = Vec::new();
        self.collect(&tree, "", |name| ROOT_FILES.contains(&name), &mut files)?;
        for folder in FOLDERS {
            if let Some(entry) = tree.get_name(folder)
                && entry.kind() == Some(ObjectType::Tree)
            {
                let sub = self.repo.find_tree(entry.id()).map_err(git_error)?;
                self.collect(&sub, folder, |name| !name.starts_with('.'), &mut files)?;
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Adds the regular files directly in `tree` whose names `keep` accepts.
    fn collect(
        &self,
        tree: &Tree<'_>,
        folder: &str,
        keep: impl Fn(&str) -> bool,
        files: &mut Vec<SourceFile>,
    ) -> AppResult<()> {
        for entry in tree.iter() {
            let Some(name) = entry.name() else { continue };
            // Symlinks and submodules are not project files.
            let regular = entry.filemode() == i32::from(FileMode::Blob)
                || entry.filemode() == i32::from(FileMode::BlobExecutable);
            if !regular || !keep(name) {
                continue;
            }
            let blob = self.repo.find_blob(entry.id()).map_err(git_error)?;
            let path = if folder.is_empty() {
                name.to_owned()
            } else {
                format!("{folder}/{name}")
            };
            files.push(SourceFile::new(path, blob.content()));
        }
        Ok(())
    }

    /// Every violation in `steps` (from [`History::range`] or [`History::between`]), whose last
    /// commit is `head`: each commit against its first parent, and `dist/` at `head` always.
    pub fn verify(&self, steps: &[Step], head: Oid) -> AppResult<Vec<FoundViolation>> {
        let mut found = Vec::new();
        // Each commit's parent is usually the previous commit: read each commit's files once.
        let mut previous: Option<(Oid, Vec<SourceFile>)> = None;
        for (i, step) in steps.iter().enumerate() {
            let parent_files = match (step.parent, previous.take()) {
                (Some(p), Some((id, files))) if p == id => files,
                (Some(p), _) => self.files(p)?,
                (None, _) => Vec::new(),
            };
            let files = self.files(step.commit)?;
            let dist = if i + 1 == steps.len() {
                DistCheck::Always
            } else {
                DistCheck::WhenChanged
            };
            let violations = verify_commit(&parent_files, &files, dist);
            found.extend(violations.into_iter().map(|v| located(step.commit, v)));
            previous = Some((step.commit, files));
        }
        if steps.is_empty() {
            // No commit to check, but dist/ at the head still has to be a fresh build.
            let files = self.files(head)?;
            let violations = verify_commit(&files, &files, DistCheck::Always);
            found.extend(violations.into_iter().map(|v| located(head, v)));
        }
        Ok(found)
    }
}

impl App {
    /// The governance violations of the workspace's history from `from` (exclusive; from the
    /// first commit when `None`) to `to` (commits, branches or tags of its repository: the
    /// app's clone for a git workspace, the checkout for a folder workspace).
    pub fn verify_range(
        &self,
        workspace_id: i64,
        from: Option<&str>,
        to: &str,
    ) -> AppResult<Vec<FoundViolation>> {
        let workspace = {
            let store = self.store();
            self.workspace_record(&store, workspace_id)?
        };
        if workspace.location.is_empty() {
            return Err(AppError::invalid(
                "This workspace has no repository yet: sync it first.",
            ));
        }
        let history = History::open(Path::new(&workspace.location))?;
        let from = from.map(|rev| history.commit(rev)).transpose()?;
        let to = history.commit(to)?;
        let steps = history.between(from, to)?;
        history.verify(&steps, to)
    }
}

fn located(commit: Oid, v: flagdeck_core::governance::Violation) -> FoundViolation {
    FoundViolation {
        commit: short(commit),
        file: v.file,
        message: v.message,
    }
}

/// The first 10 hex digits, as `flagdeck status` shows commits.
fn short(id: Oid) -> String {
    id.to_string().chars().take(10).collect()
}

/// `dir` relative to the repository's top, `/`-separated.
fn relative(top: &Path, dir: &Path) -> AppResult<String> {
    let canonical = |p: &Path| {
        p.canonicalize()
            .map_err(|e| AppError::io("open the folder", p, &e))
    };
    let (top, dir) = (canonical(top)?, canonical(dir)?);
    let rest = dir.strip_prefix(&top).map_err(|_| {
        AppError::invalid(format!(
            "{} is not inside the repository at {}.",
            dir.display(),
            top.display()
        ))
    })?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// Said wherever a commit may be missing: CI checkouts are often shallow.
const SHALLOW_HINT: &str =
    " (in a shallow clone, fetch the whole history: actions/checkout with fetch-depth: 0)";

fn git_error(e: git2::Error) -> AppError {
    let hint = if e.code() == git2::ErrorCode::NotFound {
        SHALLOW_HINT
    } else {
        ""
    };
    AppError::new(
        ErrorCode::Io,
        format!(
            "Git could not read the repository: {}{hint}.",
            e.message().trim_end_matches('.')
        ),
    )
}
