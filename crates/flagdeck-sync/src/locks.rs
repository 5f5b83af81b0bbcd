//! Stale lock files. Git takes a lock by creating `<file>.lock` and renaming it over the file;
//! a process killed in between leaves the lock behind, and every later ref update fails with
//! "failed to lock file". Only for the app's own bare clone, which nobody else writes.

use std::path::Path;

use crate::error::SyncError;
use crate::repo::GitRepo;

impl GitRepo {
    /// Removes every `*.lock` file of this repository (refs, packed-refs, config, HEAD,
    /// FETCH_HEAD). Call it only on a repository that no other process uses, before the first
    /// Git operation of a run; returns the paths removed, relative to the Git folder.
    pub fn clear_stale_locks(&self) -> Result<Vec<String>, SyncError> {
        let root = self.repository().path().to_path_buf();
        let mut removed = Vec::new();
        remove_locks(&root, &root, &mut removed).map_err(|error| SyncError::Lock {
            path: root.display().to_string(),
            detail: error.to_string(),
        })?;
        Ok(removed)
    }
}

fn remove_locks(root: &Path, dir: &Path, removed: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        // Objects are written under temporary names and renamed, never locked: skip them.
        if kind.is_dir() && entry.file_name() != "objects" {
            remove_locks(root, &path, removed)?;
        } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "lock") {
            std::fs::remove_file(&path)?;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            removed.push(relative.display().to_string());
        }
    }
    Ok(())
}
