//! What changed between two commits, as project files: lets a sync read only the files that
//! moved since the base instead of every file of a 10,000-flag repository.

use std::path::Path;

use flagdeck_core::format::SourceFile;
use git2::{Delta, DiffOptions, ObjectType, Oid};

use crate::error::SyncError;
use crate::repo::{GitRepo, is_format_path};

/// One project file that differs between two commits.
#[derive(Debug, Clone)]
pub enum FileChange {
    /// Added or modified: the file's new content.
    Written(SourceFile),
    /// Deleted (or no longer a regular file).
    Deleted(String),
}

impl FileChange {
    pub fn path(&self) -> &str {
        match self {
            FileChange::Written(file) => &file.path,
            FileChange::Deleted(path) => path,
        }
    }
}

impl GitRepo {
    /// The project files (see [`is_format_path`]) that differ between commit `from` and commit
    /// `to`, sorted by path. Renames count as a deletion and an addition.
    pub fn changed_files(&self, from: Oid, to: Oid) -> Result<Vec<FileChange>, SyncError> {
        let repo = self.repository();
        let old = repo.find_commit(from)?.tree()?;
        let new = repo.find_commit(to)?.tree()?;
        let mut options = DiffOptions::new();
        options.skip_binary_check(true);
        let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options))?;
        let mut changes = Vec::new();
        for delta in diff.deltas() {
            let file = delta.new_file();
            let Some(path) = file.path().and_then(Path::to_str) else {
                continue;
            };
            if !is_format_path(path) {
                continue;
            }
            let regular = matches!(
                file.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            );
            let change = match delta.status() {
                Delta::Deleted => FileChange::Deleted(path.to_owned()),
                _ if !regular => FileChange::Deleted(path.to_owned()),
                _ => {
                    let object = repo.find_object(file.id(), Some(ObjectType::Blob))?;
                    let blob = object.peel_to_blob()?;
                    FileChange::Written(SourceFile::new(path, blob.content()))
                }
            };
            changes.push(change);
        }
        changes.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(changes)
    }
}

impl GitRepo {
    /// Whether `path` (a file or folder, `/`-separated) exists in `commit`'s tree.
    pub fn has_path(&self, commit: Oid, path: &str) -> Result<bool, SyncError> {
        let tree = self.repository().find_commit(commit)?.tree()?;
        Ok(tree.get_path(Path::new(path)).is_ok())
    }
}
