//! `App::sync`: one sync of a workspace, recorded as a sync run, on the right local side.

use std::path::PathBuf;
use std::sync::PoisonError;

use flagdeck_core::sync_plan::SyncPlan;
use flagdeck_store::{Source, SyncOutcome, WorkspaceKind};
use serde_json::json;

use super::conflicts::{apply_stored_resolutions, new_conflicts};
use super::engine::{self, LocalSide, Stage, Stop, SyncOptions};
use super::folder_side::{Checkout, FolderSide};
use super::report::{SyncReport, SyncResult};
use super::store_side::StoreSide;
use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::ProgressReporter;
use crate::governance::FoundViolation;

/// The sync run summary's key for the violations the workspace's base holds.
const GOVERNANCE_VIOLATIONS: &str = "governanceViolations";

/// How many recent sync runs are searched for the last successful one (failed runs between).
const RUNS_LOOKED_AT: u32 = 50;

/// This process's turn to sync a workspace; given back when dropped.
struct Turn<'a> {
    app: &'a App,
    workspace_id: i64,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.app
            .syncing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.workspace_id);
    }
}

impl App {
    /// Syncs a workspace with its remote: fetch, plan, then (unless `dry_run`) commit, push and
    /// settle. Conflicts, an invalid result and unreadable files are reports, not errors:
    /// nothing is committed and the report says why. Offline is the error code `offline`:
    /// nothing changed, every read and edit still works.
    pub fn sync(&self, workspace_id: i64, options: &SyncOptions) -> AppResult<SyncReport> {
        let _turn = self.take_turn(workspace_id)?;
        let previous_violations = self.last_governance_violations(workspace_id)?;
        let run = self
            .store()
            .start_sync_run(workspace_id, Source::Sync, self.now())?;
        self.emit(&run.events);
        let mut progress = ProgressReporter::new(self.events.clone(), workspace_id, "sync");
        let mut stage = |stage: Stage| progress.step(stage.index(), Stage::COUNT, stage.words());
        let result = self.with_side(workspace_id, |side| {
            match engine::run_reporting(side, *options, &mut stage) {
                Ok(report) => Ok(report),
                Err(Stop::Unreadable { side, diagnostics }) => {
                    Ok(SyncReport::unreadable(&side, diagnostics))
                }
                Err(stop) => Err(stop),
            }
        });
        let result = result.map(|mut report| {
            // No commit came in: what the base holds was verified by an earlier sync.
            if !report.verified_incoming {
                report.governance_violations = previous_violations;
            }
            report
        });
        let (outcome, summary) = match &result {
            Ok(report) => (
                SyncOutcome::Succeeded,
                json!({"result": report.result, "summary": report.summary, "commit": report.commit,
                       GOVERNANCE_VIOLATIONS: report.governance_violations}),
            ),
            Err(error) => (
                SyncOutcome::Failed,
                json!({"code": error.code, "message": error.message}),
            ),
        };
        if let Ok(report) = &result {
            let action = match report.result {
                SyncResult::Pushed => Some("sync.pushed"),
                SyncResult::Pulled => Some("sync.pulled"),
                SyncResult::Published => Some("sync.published"),
                _ => None,
            };
            if let Some(action) = action {
                let details = json!({"commit": report.commit, "summary": report.summary, "message": report.message});
                self.record(workspace_id, action, details, Source::Sync)?;
            }
            if report.verified_incoming && !report.governance_violations.is_empty() {
                let details = json!({"violations": report.governance_violations});
                self.record(workspace_id, "sync.violations", details, Source::Sync)?;
            }
        }
        progress.finish(match &result {
            Ok(_) => "Sync finished",
            Err(_) => "Sync stopped",
        });
        let finished =
            self.store()
                .finish_sync_run(run.value, outcome, &summary, Source::Sync, self.now())?;
        self.emit(&finished.events);
        result
    }

    /// The governance violations the latest successful sync left the workspace with (none
    /// before the first).
    pub(crate) fn last_governance_violations(
        &self,
        workspace_id: i64,
    ) -> AppResult<Vec<FoundViolation>> {
        let runs = self.store().sync_runs(workspace_id, RUNS_LOOKED_AT)?;
        let last = runs
            .into_iter()
            .filter_map(|run| run.summary)
            .find_map(|summary| summary.get(GOVERNANCE_VIOLATIONS).cloned());
        // A summary this version did not write reads as none.
        Ok(last
            .and_then(|found| serde_json::from_value(found).ok())
            .unwrap_or_default())
    }

    fn take_turn(&self, workspace_id: i64) -> AppResult<Turn<'_>> {
        let mut syncing = self.syncing.lock().unwrap_or_else(PoisonError::into_inner);
        if !syncing.insert(workspace_id) {
            return Err(AppError::new(
                ErrorCode::Busy,
                "This workspace is already syncing; wait for that sync to finish.",
            ));
        }
        Ok(Turn {
            app: self,
            workspace_id,
        })
    }

    /// Runs `f` on the workspace's local side: the cache and the app's clone (git), or the
    /// checkout (folder). A folder workspace's cache is brought up to date afterwards.
    pub(crate) fn with_side<T>(
        &self,
        workspace_id: i64,
        f: impl FnOnce(&dyn LocalSide) -> Result<T, Stop>,
    ) -> AppResult<T> {
        let workspace = {
            let store = self.store();
            self.workspace_record(&store, workspace_id)?
        };
        match workspace.kind {
            WorkspaceKind::Git => {
                let side = StoreSide::open(self, workspace)?;
                Ok(f(&side)?)
            }
            WorkspaceKind::Folder => {
                let checkout = Checkout::open(&PathBuf::from(&workspace.location))?
                    .with_remote_credentials(self.secrets.as_ref())?;
                // Also against `flagdeck sync` in the same checkout; clears a killed sync's locks.
                let _turn = checkout.git.take_sync_turn(&checkout.branch)?;
                crate::project_dir::remove_stale_temporaries(&checkout.root);
                let resolver = |plan: SyncPlan| -> Result<SyncPlan, Stop> {
                    let stored = self.store().conflicts(workspace_id, false)?;
                    Ok(apply_stored_resolutions(plan, &stored)?)
                };
                let on_conflicts = |plan: &SyncPlan| -> Result<(), Stop> {
                    let written = self.store().replace_open_conflicts(
                        workspace_id,
                        &new_conflicts(plan),
                        Source::Sync,
                        self.now(),
                    )?;
                    self.emit(&written.events);
                    Ok(())
                };
                let side = FolderSide {
                    checkout: &checkout,
                    keep: None,
                    author: Some(self.author()),
                    resolver: Some(&resolver),
                    on_conflicts: Some(&on_conflicts),
                    now: self.now(),
                    past_steps_at: Some(self.now()),
                    held: Default::default(),
                };
                let result = f(&side);
                self.follow_checkout(workspace_id, &checkout)?;
                Ok(result?)
            }
            WorkspaceKind::Local => Err(AppError::new(
                ErrorCode::InvalidInput,
                "This is a local project with no remote, so there is nothing to sync with.",
            )),
        }
    }

    /// The folder workspace of the checkout at `folder` (added once, found by its location
    /// afterwards), brought up to date with it: HEAD is its base (a `git pull` or `flagdeck sync`
    /// made outside the app moved it) and the folder's files are its drafts. For the CLI, which
    /// runs one command per process on a checkout.
    pub fn checkout_workspace(&self, folder: &std::path::Path) -> AppResult<crate::WorkspaceInfo> {
        let folder = std::fs::canonicalize(folder)
            .map_err(|e| crate::project_dir::io_error("open", folder, &e))?;
        let location = folder.display().to_string();
        let existing = self
            .workspaces()?
            .into_iter()
            .find(|w| w.kind == crate::WorkspaceKindName::Folder && w.location == location);
        let Some(workspace) = existing else {
            let name = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "project".to_owned());
            return self.open_folder_workspace(&name, &folder);
        };
        match Checkout::open(&folder) {
            Ok(checkout) => self.follow_checkout(workspace.id, &checkout)?,
            // Not (or no longer) a checkout: its files are still the drafts.
            Err(_) => {
                self.refresh_folder(workspace.id, None, Source::Import)?;
            }
        }
        self.workspace(workspace.id)
    }

    /// After a folder workspace's sync: if HEAD moved, it is the new base; the cache then
    /// re-reads the folder.
    pub(crate) fn follow_checkout(&self, workspace_id: i64, checkout: &Checkout) -> AppResult<()> {
        let head = checkout.head().map(|h| h.to_string());
        let base_commit = self.workspace(workspace_id)?.base_commit;
        if let Some(head) = head.filter(|h| Some(h) != base_commit.as_ref()) {
            let snapshot = checkout.snapshot_of(checkout.head(), "the last synced commit")?;
            let written = self.store().settle_sync(
                workspace_id,
                &head,
                &crate::snapshot::base_rows(&snapshot),
                &[],
                Source::Sync,
            )?;
            self.remember_base(workspace_id, &head, snapshot);
            self.emit(&written.events);
        }
        self.refresh_folder(workspace_id, None, Source::Sync)?;
        Ok(())
    }

    /// The author of sync commits.
    pub(crate) fn author(&self) -> engine::Author {
        engine::Author {
            name: self.identity.name.clone(),
            email: self.identity.email.clone(),
            unix_seconds: self.now(),
        }
    }
}
