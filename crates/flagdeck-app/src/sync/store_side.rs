//! The local side of a git workspace: the user's side is the cache (base + drafts), the Git
//! side the app's bare clone. Settling is one cache transaction: the base moves to the pushed
//! commit and the drafts it published go, or neither happens.

use std::path::PathBuf;

use flagdeck_core::sync_plan::{Snapshot, SyncPlan};
use flagdeck_store::{Draft, NewConflict, Source, Workspace};
use flagdeck_sync::{GitRepo, Oid};

use super::conflicts::{apply_stored_resolutions, new_conflicts};
use super::engine::{Author, LocalSide, Stop, refuse_on_errors};
use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::snapshot::{apply_drafts, base_changes, synced};

pub(crate) struct StoreSide<'a> {
    pub app: &'a App,
    pub workspace: Workspace,
    pub git: GitRepo,
    pub branch: String,
    /// The drafts as this sync read them: only these are dropped when it settles.
    pub drafts: Vec<Draft>,
    pub base: std::sync::Arc<Snapshot>,
}

/// The branch synced when the clone's HEAD names none.
const DEFAULT_BRANCH: &str = "main";

impl<'a> StoreSide<'a> {
    /// Opens the workspace's clone (cloning again if a crash or the user removed it) and
    /// reads the drafts once, so the plan and the settle agree on what was synced.
    pub fn open(app: &'a App, workspace: Workspace) -> Result<Self, Stop> {
        let url = workspace.remote_url.clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidInput,
                "This workspace has no remote to sync with.",
            )
        })?;
        let location = PathBuf::from(&workspace.location);
        let git = match GitRepo::open_bare(&location) {
            Ok(git) => git,
            Err(_) => {
                app.clone_into(&url, &location)?;
                GitRepo::open_bare(&location)?
            }
        };
        // Only this process writes the clone, and only while it holds the workspace's sync
        // turn: any lock file is a crash's leftover.
        git.clear_stale_locks()?;
        let git = git.with_credentials(app.credentials_for(&url)?);
        let branch = git
            .head_branch()
            .unwrap_or_else(|| DEFAULT_BRANCH.to_owned());
        let base = app.base_snapshot(workspace.id)?;
        let drafts = app.store().drafts(workspace.id)?;
        Ok(StoreSide {
            app,
            workspace,
            git,
            branch,
            drafts,
            base,
        })
    }
}

impl LocalSide for StoreSide<'_> {
    fn branch(&self) -> &str {
        &self.branch
    }

    fn git(&self) -> &GitRepo {
        &self.git
    }

    fn base_commit(&self, _remote_head: Option<Oid>) -> Result<Option<Oid>, Stop> {
        let Some(text) = &self.workspace.base_commit else {
            return Ok(None);
        };
        Oid::from_str(text).map(Some).map_err(|_| {
            Stop::Failed(AppError::new(
                ErrorCode::Storage,
                format!("The cache names the base commit {text:?}, which is not a commit id; remove the workspace and add it again."),
            ))
        })
    }

    fn base(&self, _commit: Option<Oid>) -> Result<std::sync::Arc<Snapshot>, Stop> {
        Ok(std::sync::Arc::clone(&self.base))
    }

    fn local(&self) -> Result<Snapshot, Stop> {
        let (local, diagnostics) = apply_drafts(&self.base, &self.drafts);
        refuse_on_errors(diagnostics, "your drafts")?;
        Ok(local)
    }

    fn fallback_tip(&self) -> Option<Oid> {
        None
    }

    fn apply_resolutions(&self, plan: SyncPlan) -> Result<SyncPlan, Stop> {
        let stored = self.app.store().conflicts(self.workspace.id, false)?;
        Ok(apply_stored_resolutions(plan, &stored)?)
    }

    fn record_conflicts(&self, plan: &SyncPlan) -> Result<(), Stop> {
        let conflicts: Vec<NewConflict> = new_conflicts(plan);
        let written = self.app.store().replace_open_conflicts(
            self.workspace.id,
            &conflicts,
            Source::Sync,
            self.app.now(),
        )?;
        self.app.emit(&written.events);
        Ok(())
    }

    fn settle(&self, plan: &SyncPlan, target: Oid) -> Result<(), Stop> {
        let merged = plan.merged();
        let commit = target.to_string();
        // Only what changed since the base this sync started from is written.
        let (changed, removed) = base_changes(&self.base, merged);
        let written = self.app.store().settle_sync_changes(
            self.workspace.id,
            &commit,
            &changed,
            &removed,
            &synced(&self.drafts),
            Source::Sync,
        )?;
        self.app
            .remember_base(self.workspace.id, &commit, merged.clone());
        self.app.forget_list(self.workspace.id);
        self.app.emit(&written.events);
        Ok(())
    }

    fn author(&self) -> Result<Author, Stop> {
        Ok(self.app.author())
    }
}
