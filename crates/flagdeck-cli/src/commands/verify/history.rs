//! The Git side of `flagdeck verify`: the commits of a range in first-parent order, and the files
//! of a commit that verification reads.

use std::path::Path;

use flagdeck_core::format::SourceFile;
use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, Sort, Tree};

use crate::error::CliError;

/// Root files and one-level folders of the format, governance included.
const ROOT_FILES: [&str; 2] = ["flagdeck.json", "policy.json"];
const FOLDERS: [&str; 5] = ["flags", "segments", "people", "changes", "dist"];

/// A repository and where the project sits in it.
pub struct History {
    repo: Repository,
    /// The project folder relative to the top of the repository, `/`-separated; empty at the top.
    prefix: String,
}

/// One commit of the range and its first parent.
pub struct Step {
    pub commit: Oid,
    pub parent: Option<Oid>,
}

impl History {
    /// The repository holding `dir` (which may be a subfolder: the project is read there).
    pub fn open(dir: &Path) -> Result<Self, CliError> {
        let repo = Repository::discover(dir).map_err(|e| {
            CliError::Usage(format!(
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
    pub fn range(&self, range: &str) -> Result<(Vec<Step>, Oid), CliError> {
        let (from, to) = match range.split_once("..") {
            Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.starts_with('.') => (a, b),
            _ => {
                return Err(CliError::Usage(format!(
                    "'{range}' is not a range: use A..B (two commits, branches or tags)."
                )));
            }
        };
        let from = self.commit(from)?;
        let to = self.commit(to)?;
        let mut walk = self.repo.revwalk().map_err(git_error)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
            .map_err(git_error)?;
        walk.simplify_first_parent().map_err(git_error)?;
        walk.push(to).map_err(git_error)?;
        walk.hide(from).map_err(git_error)?;
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
        Ok((steps, to))
    }

    fn commit(&self, rev: &str) -> Result<Oid, CliError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| {
                CliError::Usage(format!(
                    "'{rev}' is not a commit of this repository{SHALLOW_HINT}."
                ))
            })
    }

    /// The format's files (governance and `dist/` included) of the project in `commit`, sorted
    /// by path. A commit where the project folder does not exist has none.
    pub fn files(&self, commit: Oid) -> Result<Vec<SourceFile>, CliError> {
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
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
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
    ) -> Result<(), CliError> {
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
}

/// `dir` relative to the repository's top, `/`-separated.
fn relative(top: &Path, dir: &Path) -> Result<String, CliError> {
    let canonical = |p: &Path| {
        p.canonicalize()
            .map_err(|e| CliError::io("open the folder", p, &e))
    };
    let (top, dir) = (canonical(top)?, canonical(dir)?);
    let rest = dir.strip_prefix(&top).map_err(|_| {
        CliError::Usage(format!(
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

fn git_error(e: git2::Error) -> CliError {
    let hint = if e.code() == ErrorCode::NotFound {
        SHALLOW_HINT
    } else {
        ""
    };
    CliError::Io(format!(
        "Git could not read the repository: {}{hint}.",
        e.message().trim_end_matches('.')
    ))
}
