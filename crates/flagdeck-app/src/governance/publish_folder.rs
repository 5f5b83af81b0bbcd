//! Publishing from a folder workspace (a checkout): the same commit as for a git workspace
//! (GOV §1), made in the checkout's repository on top of the remote head, pushed (a rejected
//! push starts again from the sync), and then the checkout settles like a sync's
//! (`folder_side`): project files written whole, the index and the branch moved, never over an
//! edit made meanwhile.

use std::path::Path;

use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_store::Workspace;
use flagdeck_sync::{Oid, PushOutcome};

use super::publish::Publication;
use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::project_dir::{io_error, write_atomic};
use crate::sync::folder_side::{Checkout, adopt, is_entity_path};

impl App {
    /// Commits `publication` on `parent` (the checkout's HEAD, which the sync just made the
    /// remote head) and pushes it: `Some(commit)` once pushed and the checkout settled, `None`
    /// when someone pushed first.
    pub(super) fn publish_on_checkout(
        &self,
        workspace_id: i64,
        workspace: &Workspace,
        parent: Oid,
        publication: &Publication,
    ) -> AppResult<Option<Oid>> {
        let checkout = Checkout::open(Path::new(&workspace.location))?
            .with_remote_credentials(self.secrets.as_ref())?;
        // Against `flagdeck sync` and Git in the same checkout while the commit is made.
        let turn = checkout.git.take_sync_turn(&checkout.branch)?;
        if checkout.head() != Some(parent) {
            return Err(AppError::new(
                ErrorCode::Retry,
                "The checkout's HEAD moved while publishing; nothing was published. Publish again.",
            ));
        }
        let commit = checkout.git.commit_files(
            Some(parent),
            &publication.writes,
            &publication.deletes,
            &publication.message,
            &self.author(),
        )?;
        match checkout.git.push(&checkout.branch, commit)? {
            PushOutcome::Rejected => return Ok(None),
            PushOutcome::Pushed => {}
        }
        let settled = settle(&checkout, parent, commit, &publication.snapshot);
        drop(turn);
        if let Err(error) = settled {
            return Err(AppError::new(
                error.code,
                format!(
                    "Published as commit {commit}, but the working folder was left as it is: {} Run flagdeck sync to bring it up to date.",
                    error.message
                ),
            ));
        }
        self.follow_checkout(workspace_id, &checkout)?;
        Ok(Some(commit))
    }
}

/// Brings the checkout from `parent` to the pushed `commit` (whose project is `published`).
/// A project file the commit changes is rewritten only if the folder holds what `parent` holds or
/// already what was published (the request's draft); an edit made since stays in its file, and
/// the index records the commit's version of it.
fn settle(checkout: &Checkout, parent: Oid, commit: Oid, published: &Snapshot) -> AppResult<()> {
    let folder = checkout.local_snapshot()?;
    let before = checkout.snapshot_of(Some(parent), "the last synced commit")?;
    let changes = checkout.git.changed_files(parent, commit)?;
    let mut keep = Vec::new();
    for change in &changes {
        let (path, bytes) = match change {
            flagdeck_sync::FileChange::Written(file) => (file.path.clone(), Some(&file.bytes)),
            flagdeck_sync::FileChange::Deleted(path) => (path.clone(), None),
        };
        if !is_entity_path(&path) {
            continue;
        }
        let Some(id) = EntityId::of_path(&path) else {
            continue;
        };
        if !folder.same_entity(&before, &id) && !folder.same_entity(published, &id) {
            keep.push(path);
            continue;
        }
        let full = checkout.root.join(&path);
        match bytes {
            Some(bytes) if std::fs::read(&full).ok().as_ref() != Some(bytes) => {
                write_atomic(&full, bytes)?;
            }
            Some(_) => {}
            None if full.exists() => {
                std::fs::remove_file(&full).map_err(|e| io_error("delete", &full, &e))?;
            }
            None => {}
        }
    }
    adopt(checkout, commit, &keep)
}
