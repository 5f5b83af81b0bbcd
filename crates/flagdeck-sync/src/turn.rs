//! A sync's turn in a checkout the user owns, and the lock files a killed sync left there.
//!
//! Git takes a lock by creating `<file>.lock` and renaming it over the file; a process killed in
//! between leaves the lock, and every later update of that file fails. In the app's own bare
//! clone every lock is such a leftover ([`GitRepo::clear_stale_locks`]); in a user's checkout a
//! lock may belong to a Git command running right now, so only the locks of the files a sync
//! writes are cleared, and only when the previous sync in this checkout was interrupted.
//!
//! How that is known: a sync holds an OS file lock on `.git/flagdeck-sync` (released by the
//! kernel when the process dies, however it dies) and writes "running" into it; a sync that ends
//! empties it. Taking the turn and finding "running" means the last sync was killed.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::SyncError;
use crate::repo::{GitRepo, REMOTE};

/// The file whose OS lock is the turn.
const TURN_FILE: &str = "flagdeck-sync";
const RUNNING: &[u8] = b"running\n";

/// This process's turn to sync a checkout; given back (and marked finished) when dropped.
#[derive(Debug)]
pub struct SyncTurn {
    file: File,
    /// The lock files a killed sync left, removed on taking the turn (relative to `.git`).
    pub cleared: Vec<String>,
}

impl GitRepo {
    /// Takes this checkout's sync turn: `Busy` when another sync holds it. When the previous
    /// sync was killed, first removes the lock files it may have left on what a sync writes:
    /// `branch`, its remote-tracking ref, flagdeck's outgoing ref, HEAD, the index, FETCH_HEAD,
    /// packed-refs and libgit2's `shallow`.
    pub fn take_sync_turn(&self, branch: &str) -> Result<SyncTurn, SyncError> {
        let git_dir = self.repository().path().to_path_buf();
        let path = git_dir.join(TURN_FILE);
        let lock_error = |detail: String| SyncError::Lock {
            path: path.display().to_string(),
            detail,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| lock_error(e.to_string()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(SyncError::Busy {
                    path: self.workdir().unwrap_or(&git_dir).display().to_string(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(lock_error(e.to_string())),
        }
        let mut state = Vec::new();
        file.read_to_end(&mut state)
            .map_err(|e| lock_error(e.to_string()))?;
        let cleared = if state.is_empty() {
            Vec::new()
        } else {
            clear_sync_locks(&git_dir, branch).map_err(|e| lock_error(e.to_string()))?
        };
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(RUNNING))
            .map_err(|e| lock_error(e.to_string()))?;
        Ok(SyncTurn { file, cleared })
    }
}

impl Drop for SyncTurn {
    fn drop(&mut self) {
        // Finished, not killed: the next sync has nothing to clear. Closing the file releases the
        // OS lock.
        let _ = self.file.set_len(0); // ok: if this fails the next sync only clears again
    }
}

/// Removes the locks of the files a sync writes; returns those removed.
fn clear_sync_locks(git_dir: &Path, branch: &str) -> std::io::Result<Vec<String>> {
    let files = [
        format!("refs/heads/{branch}"),
        format!("refs/remotes/{REMOTE}/{branch}"),
        "refs/flagdeck/outgoing".to_owned(),
        "HEAD".to_owned(),
        "index".to_owned(),
        "FETCH_HEAD".to_owned(),
        "packed-refs".to_owned(),
        "shallow".to_owned(),
    ];
    let mut removed = Vec::new();
    for file in files {
        let lock = git_dir.join(format!("{file}.lock"));
        match std::fs::remove_file(&lock) {
            Ok(()) => removed.push(format!("{file}.lock")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> (tempfile::TempDir, GitRepo) {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let repo = GitRepo::open(dir.path()).unwrap();
        (dir, repo)
    }

    fn touch_locks(dir: &Path) -> Vec<std::path::PathBuf> {
        let locks = [
            ".git/index.lock",
            ".git/refs/remotes/origin/main.lock",
            ".git/shallow.lock",
        ]
        .map(|p| dir.join(p));
        for lock in &locks {
            std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
            std::fs::write(lock, b"").unwrap();
        }
        locks.to_vec()
    }

    #[test]
    fn a_second_sync_waits_its_turn() {
        let (_dir, repo) = checkout();
        let turn = repo.take_sync_turn("main").unwrap();
        assert!(matches!(
            repo.take_sync_turn("main"),
            Err(SyncError::Busy { .. })
        ));
        drop(turn);
        assert!(repo.take_sync_turn("main").is_ok());
    }

    #[test]
    fn locks_are_cleared_only_after_an_interrupted_sync() {
        let (dir, repo) = checkout();
        // No sync was interrupted: a lock may be a running Git command's, so it stays.
        let locks = touch_locks(dir.path());
        let turn = repo.take_sync_turn("main").unwrap();
        assert!(turn.cleared.is_empty());
        assert!(locks.iter().all(|l| l.exists()));
        drop(turn);
        // A sync that finished leaves no mark either.
        let turn = repo.take_sync_turn("main").unwrap();
        assert!(turn.cleared.is_empty());
        drop(turn);
        assert!(locks.iter().all(|l| l.exists()));
        // A killed sync leaves its mark (its OS lock went with the process).
        std::fs::write(dir.path().join(".git").join(TURN_FILE), RUNNING).unwrap();
        let turn = repo.take_sync_turn("main").unwrap();
        assert_eq!(turn.cleared.len(), 3, "{:?}", turn.cleared);
        assert!(locks.iter().all(|l| !l.exists()));
    }
}
