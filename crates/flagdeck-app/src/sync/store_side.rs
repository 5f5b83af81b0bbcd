//! The local side of a git workspace: the user's side is the cache (base + drafts), the Git
//! side the app's bare clone. Settling is one cache transaction: the base moves to the pushed
//! commit and the drafts it published go, or neither happens.

use std::path::PathBuf;

use flagdeck_core::sync_plan::{self, EntityId, Snapshot, SyncPlan};
use flagdeck_store::{Draft, DraftContent, EntityKind, NewConflict, Source, Workspace};
use flagdeck_sync::{GitRepo, Oid};
use serde_json::Value;

use super::conflicts::{apply_stored_resolutions, new_conflicts};
use super::engine::{Author, LocalSide, Stop, refuse_on_errors};
use crate::App;
use crate::entity::{EntityRef, editor_kind};
use crate::error::{AppError, ErrorCode};
use crate::governance::held::is_governed;
use crate::governance::verify::{FoundViolation, History};
use crate::snapshot::{apply_draft, apply_drafts, base_changes, draft_id, entity_json, synced};

pub(crate) struct StoreSide<'a> {
    pub app: &'a App,
    pub workspace: Workspace,
    pub git: GitRepo,
    pub branch: String,
    /// The drafts as this sync read them, governed ones left out: only these are dropped when
    /// it settles.
    pub drafts: Vec<Draft>,
    pub base: std::sync::Arc<Snapshot>,
    /// The clone's folder.
    pub location: PathBuf,
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
        // Empty when a crash came between recording the workspace and cloning it.
        let location = if workspace.location.is_empty() {
            app.clone_dir(workspace.id)
        } else {
            PathBuf::from(&workspace.location)
        };
        let git = match GitRepo::open_bare(&location) {
            Ok(git) => git,
            Err(_) => {
                app.clone_into(&url, &location, workspace.id)?;
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
        // Governed drafts wait for a change request (GOV §4): the sync neither reads nor
        // drops them; they are rebased onto the new base like drafts saved during a sync.
        let drafts = app
            .store()
            .drafts(workspace.id)?
            .into_iter()
            .filter(|draft| !held_back(&base, draft))
            .collect();
        Ok(StoreSide {
            app,
            workspace,
            git,
            branch,
            drafts,
            base,
            location,
        })
    }
}

/// Whether a plain sync keeps `draft` back: its change touches a scope a rule of the base's
/// policy governs. A draft that does not decode is not held: the sync reports it.
fn held_back(base: &Snapshot, draft: &Draft) -> bool {
    let Some(id) = draft_id(draft) else {
        return false;
    };
    let after = match &draft.content {
        DraftContent::Deleted => None,
        DraftContent::Json(json) => {
            let mut probe = Snapshot::default();
            if probe.insert_json(&id, json).is_err() {
                return false;
            }
            probe.value(&id)
        }
    };
    is_governed(base, &id, after)
}

impl StoreSide<'_> {
    /// Drafts saved while the sync ran were made on top of what the sync read, not on top of
    /// the new base: each is merged onto the new base (ancestor: what the sync read), so it does
    /// not undo what the sync brought in. Where both touched one field, the user's edit wins.
    fn rebase_kept_drafts(
        &self,
        plan: &SyncPlan,
        kept: &[(EntityKind, String)],
    ) -> Result<(), Stop> {
        for (kind, key) in kept {
            let Some(editor) = editor_kind(*kind) else {
                continue;
            };
            let entity = EntityRef {
                kind: editor,
                key: key.clone(),
            };
            let Ok(id) = entity.checked() else { continue };
            let Some(draft) = self.app.store().draft(self.workspace.id, *kind, key)? else {
                continue;
            };
            let read = entity_json(plan.local(), &id);
            let merged = entity_json(plan.merged(), &id);
            let Some(content) = rebase(&id, read, merged, &draft.content) else {
                continue;
            };
            let written = self.app.store().save_draft(
                self.workspace.id,
                *kind,
                key,
                &content,
                Source::Sync,
                self.app.now(),
            )?;
            self.app.emit(&written.events);
        }
        Ok(())
    }
}

/// A draft made on top of `read` (what the sync read), moved onto `merged` (the new base):
/// `None` when there is nothing to do (the sync brought nothing for the entity, or the draft
/// cannot be decoded and stays as the user left it).
fn rebase(
    id: &EntityId,
    read: Option<Value>,
    merged: Option<Value>,
    draft: &DraftContent,
) -> Option<DraftContent> {
    if read == merged {
        return None;
    }
    let mut ancestor = Snapshot::default();
    let mut theirs = Snapshot::default();
    let mut ours = Snapshot::default();
    for (side, json) in [(&mut ancestor, read), (&mut theirs, merged)] {
        if let Some(json) = json {
            // Both come from decoded snapshots, so they decode again.
            let _ = apply_draft(side, id, &DraftContent::Json(json));
        }
    }
    apply_draft(&mut ours, id, draft).ok()?;
    let rebased = sync_plan::plan(&ancestor, &ours, &theirs);
    Some(entity_json(rebased.merged(), id).map_or(DraftContent::Deleted, DraftContent::Json))
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
        self.app.emit(&written.events);
        self.rebase_kept_drafts(plan, &written.value.kept)?;
        self.app.forget_list(self.workspace.id);
        Ok(())
    }

    fn author(&self) -> Result<Author, Stop> {
        Ok(self.app.author())
    }

    fn past_steps_at(&self) -> Option<i64> {
        Some(self.app.now())
    }

    /// Only a project that uses governance (its base has a `policy.json`) is checked. A base
    /// commit the clone lacks (the remote was rewritten) leaves nothing to compare against.
    fn verify_incoming(&self, from: Oid, to: Oid) -> Result<Option<Vec<FoundViolation>>, Stop> {
        if self.base.policy.is_none() {
            return Ok(None);
        }
        let history = History::open(&self.location)?;
        if !history.has_commit(from) {
            return Ok(None);
        }
        let steps = history.between(Some(from), to)?;
        let mut found = history.verify(&steps, to)?;
        // A repository that keeps no dist/ leaves building to CI: only one that keeps it has to
        // keep it fresh (as the sync's own commits do).
        if !self.git.has_path(to, "dist")? {
            found.retain(|v| !v.file.starts_with("dist/"));
        }
        Ok(Some(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flag(name: &str, description: &str) -> Value {
        json!({"key": "f", "name": name, "description": description, "type": "boolean",
               "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
               "environments": {}})
    }

    #[test]
    fn a_draft_saved_during_a_sync_keeps_what_the_sync_brought_in() {
        let id = EntityId::Flag("f".into());
        // The sync read "A"/"old"; a teammate's rename made the new base "B"/"old"; meanwhile
        // the user saved "A"/"new" on top of what the sync had read.
        let read = flag("A", "old");
        let merged = flag("B", "old");
        let draft = DraftContent::Json(flag("A", "new"));
        let Some(DraftContent::Json(rebased)) = rebase(&id, Some(read), Some(merged), &draft)
        else {
            panic!("expected a rebased draft");
        };
        assert_eq!(rebased["name"], json!("B"));
        assert_eq!(rebased["description"], json!("new"));
    }

    #[test]
    fn the_users_edit_wins_where_both_touched_a_field_and_nothing_moves_when_the_sync_brought_nothing()
     {
        let id = EntityId::Flag("f".into());
        let draft = DraftContent::Json(flag("Mine", "old"));
        let Some(DraftContent::Json(rebased)) =
            rebase(&id, Some(flag("A", "old")), Some(flag("B", "old")), &draft)
        else {
            panic!("expected a rebased draft");
        };
        assert_eq!(rebased["name"], json!("Mine"));
        assert_eq!(
            rebase(&id, Some(flag("A", "x")), Some(flag("A", "x")), &draft),
            None
        );
        let broken = DraftContent::Json(json!({"key": "f", "name": 3}));
        assert_eq!(
            rebase(&id, Some(flag("A", "x")), Some(flag("B", "x")), &broken),
            None
        );
    }
}
