//! Publishing a change request (GOV §1): one commit on top of the remote head that writes every
//! entity of the request to its `after` state, marks the request `published` (by whom, when),
//! rebuilds `dist/<env>.flagd.json` for every environment, and nothing else.
//!
//! Before it: a sync (the request's approvals and the remote's news arrive, ungoverned drafts
//! leave), then the request is judged again with the policy and people of its base, and every
//! entity must still be on the remote as the request saw it (`before`); if not, the request
//! must be made again on the new base and approved again. After a successful push the cache
//! settles in one transaction: the base moves to the publishing commit and the request's drafts
//! go. A rejected push (someone pushed first) starts again from the sync. A folder workspace
//! (a checkout) makes the same commit in its own repository and settles its working folder
//! instead (`publish_folder`).

use flagdeck_core::format::SourceFile;
use flagdeck_core::governance::{ChangeRequest, Published, Status};
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_store::{DraftContent, Source, SyncedDraft, WorkspaceKind};
use flagdeck_sync::{Oid, PushOutcome};
use serde::Serialize;
use serde_json::json;

use super::changes::judge;
use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::snapshot::{apply_draft, base_rows, draft_id};
use crate::sync::engine::MAX_ATTEMPTS;
use crate::sync::store_side::StoreSide;
use crate::sync::{SyncOptions, SyncResult};

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PublishReport {
    /// The publishing commit, now the remote head and the workspace's base.
    pub commit: String,
    /// `Publish <id>: <title>`.
    pub message: String,
    /// Every file the commit wrote or deleted.
    pub files: Vec<String>,
    /// Pushes rejected because someone pushed first, each followed by a new attempt.
    pub retries: usize,
}

/// The publishing commit's content, ready to commit.
pub(super) struct Publication {
    pub(super) snapshot: Snapshot,
    pub(super) writes: Vec<SourceFile>,
    pub(super) deletes: Vec<String>,
    pub(super) message: String,
}

impl App {
    /// Publishes a change request whose policy is met and that still applies (see the module
    /// doc). Refusals are `refused` errors whose message says why, in the policy's words.
    pub fn publish(&self, workspace_id: i64, id: &str) -> AppResult<PublishReport> {
        let (me, _) = self.signing_key()?;
        for attempt in 0..MAX_ATTEMPTS {
            let synced = self.sync(workspace_id, &SyncOptions::default())?;
            match synced.result {
                SyncResult::Conflicts | SyncResult::Invalid | SyncResult::Unreadable => {
                    return Err(AppError::refused(format!(
                        "Publishing starts with a sync, and it stopped: {}. Sync, fix what it says, then publish.",
                        synced.summary
                    )));
                }
                _ => {}
            }
            if let Some(first) = synced.governance_violations.first() {
                return Err(AppError::refused(format!(
                    "The remote holds changes that bypassed governance: {first}; fix them with a change request before publishing."
                )));
            }
            let publication = self.publication(workspace_id, id, &me)?;
            let workspace = {
                let store = self.store();
                self.workspace_record(&store, workspace_id)?
            };
            let parent = publication_parent(&workspace.base_commit)?;
            match workspace.kind {
                WorkspaceKind::Git => {}
                WorkspaceKind::Folder => {
                    match self.publish_on_checkout(
                        workspace_id,
                        &workspace,
                        parent,
                        &publication,
                    )? {
                        Some(commit) => {
                            return self.published(
                                workspace_id,
                                id,
                                &me,
                                commit,
                                &publication,
                                attempt,
                            );
                        }
                        None => continue,
                    }
                }
                WorkspaceKind::Local => {
                    return Err(AppError::refused(
                        "This is a local project with no remote, so there is nowhere to publish to.",
                    ));
                }
            }
            let side = StoreSide::open(self, workspace)?;
            let commit = side.git.commit_files(
                Some(parent),
                &publication.writes,
                &publication.deletes,
                &publication.message,
                &self.author(),
            )?;
            match side.git.push(&side.branch, commit)? {
                PushOutcome::Pushed => {
                    drop(side);
                    return self.settle_publication(
                        workspace_id,
                        id,
                        &me,
                        commit,
                        publication,
                        attempt,
                    );
                }
                PushOutcome::Rejected => continue,
            }
        }
        Err(AppError::new(
            ErrorCode::Retry,
            format!(
                "The remote kept moving: {MAX_ATTEMPTS} pushes in a row were rejected. Nothing was published; try again."
            ),
        ))
    }

    /// Checks the request against the policy at its base and the base it would land on, and
    /// builds the commit's files.
    fn publication(&self, workspace_id: i64, id: &str, me: &str) -> AppResult<Publication> {
        let request = self.request(workspace_id, id)?;
        match request.status {
            Status::Published => {
                return Err(AppError::refused(format!(
                    "Change request {id} is already published."
                )));
            }
            Status::Withdrawn => {
                return Err(AppError::refused(format!(
                    "Change request {id} was withdrawn."
                )));
            }
            _ => {}
        }
        let at_request_base = self.snapshot_at(workspace_id, &request.base)?;
        let report = judge(&at_request_base, &request);
        if !report.publishable {
            let mut why = report.reasons.clone();
            why.extend(report.notes.iter().cloned());
            return Err(AppError::refused(format!(
                "Change request {id} cannot be published yet. {}",
                why.join(" ")
            )));
        }
        // After the sync, the workspace's base is the remote head: what the commit lands on.
        let head = self.base_snapshot(workspace_id)?;
        still_applies(&head, &request)?;
        let mut snapshot = head.as_ref().clone();
        let mut deletes = Vec::new();
        let mut touched = Vec::new();
        for change in &request.entities {
            let Some(entity) = EntityId::of_path(&change.path) else {
                return Err(AppError::refused(format!(
                    "Change request {id} changes {}, which is not a project file.",
                    change.path
                )));
            };
            match &change.after {
                Some(after) => snapshot
                    .insert_json(&entity, after)
                    .map_err(|d| AppError::refused(format!("{}: {}", d.file, d.message)))?,
                None => {
                    snapshot.remove(&entity);
                    deletes.push(change.path.clone());
                }
            }
            touched.push(entity);
        }
        // A step the request adds in the past would apply at once, not when it says.
        crate::sync::engine::refuse_past_steps(&head, &snapshot, self.now())?;
        let mut published = request.clone();
        published.status = Status::Published;
        published.published = Some(Published {
            by: me.to_owned(),
            at: self.rfc3339_now(),
            commit: None,
        });
        let change_id = EntityId::Change(id.to_owned());
        snapshot.changes.insert(id.to_owned(), published);
        touched.push(change_id);
        let mut writes: Vec<SourceFile> = touched
            .iter()
            .filter(|e| !deletes.contains(&e.path()))
            .filter_map(|e| snapshot.file(e))
            .collect();
        writes.extend(crate::dist::dist_files(&snapshot)?);
        deletes.extend(crate::dist::stale_dist(
            self.base_snapshot(workspace_id)?.as_ref(),
            &snapshot,
        ));
        Ok(Publication {
            message: format!("Publish {id}: {}", request.title),
            snapshot,
            writes,
            deletes,
        })
    }

    /// The push succeeded: the base moves to the publishing commit and the request's drafts go,
    /// in one cache transaction; the audit log says who published what.
    fn settle_publication(
        &self,
        workspace_id: i64,
        id: &str,
        me: &str,
        commit: Oid,
        publication: Publication,
        retries: usize,
    ) -> AppResult<PublishReport> {
        let request = publication.snapshot.changes.get(id).cloned();
        let drafts = self.store().drafts(workspace_id)?;
        let mut published_ids: Vec<EntityId> = request
            .iter()
            .flat_map(|r: &ChangeRequest| r.entities.iter())
            .filter_map(|e| EntityId::of_path(&e.path))
            .collect();
        published_ids.push(EntityId::Change(id.to_owned()));
        // The request's own draft goes; an entity's draft goes only if it holds what was
        // published (an edit made after the request was made stays a draft).
        let synced: Vec<SyncedDraft> = drafts
            .iter()
            .filter(|d| {
                let Some(entity) = draft_id(d) else {
                    return false;
                };
                published_ids.contains(&entity)
                    && (matches!(entity, EntityId::Change(_))
                        || holds(&publication.snapshot, &entity, &d.content))
            })
            .map(|d| SyncedDraft {
                kind: d.kind,
                key: d.key.clone(),
                content: d.content.clone(),
            })
            .collect();
        let commit_text = commit.to_string();
        let written = self.store().settle_sync(
            workspace_id,
            &commit_text,
            &base_rows(&publication.snapshot),
            &synced,
            Source::Sync,
        )?;
        self.remember_base(workspace_id, &commit_text, publication.snapshot.clone());
        self.forget_list(workspace_id);
        self.emit(&written.events);
        self.published(workspace_id, id, me, commit, &publication, retries)
    }

    /// The audit entry and the report of a pushed publication.
    pub(super) fn published(
        &self,
        workspace_id: i64,
        id: &str,
        me: &str,
        commit: Oid,
        publication: &Publication,
        retries: usize,
    ) -> AppResult<PublishReport> {
        let request = publication.snapshot.changes.get(id);
        let commit_text = commit.to_string();
        let mut files: Vec<String> = publication.writes.iter().map(|f| f.path.clone()).collect();
        files.extend(publication.deletes.iter().cloned());
        self.record(
            workspace_id,
            "change.published",
            json!({"change": id, "by": me, "commit": commit_text, "files": files,
                   "emergency": request.as_ref().is_some_and(|r| r.emergency.is_some()),
                   "environments": request.map(|r| super::changes::changed_environments(&r.entities)).unwrap_or_default()}),
            Source::User,
        )?;
        Ok(PublishReport {
            commit: commit_text,
            message: publication.message.clone(),
            files,
            retries,
        })
    }
}

/// Whether a draft's content is the entity as `snapshot` has it (compared as the model).
fn holds(snapshot: &Snapshot, entity: &EntityId, content: &DraftContent) -> bool {
    let mut probe = Snapshot::default();
    apply_draft(&mut probe, entity, content).is_ok() && probe.same_entity(snapshot, entity)
}

/// The commit the publication lands on: the base the sync just settled.
fn publication_parent(base: &Option<String>) -> AppResult<Oid> {
    base.as_deref()
        .and_then(|b| Oid::from_str(b).ok())
        .ok_or_else(|| {
            AppError::refused("This workspace has no synced commit to publish on; sync it first.")
        })
}

/// Every entity must be on `head` exactly as the request's `before` (compared as the model, so
/// formatting does not count); otherwise someone changed it since, and the approvals were for
/// something else.
fn still_applies(head: &Snapshot, request: &ChangeRequest) -> AppResult<()> {
    let mut moved = Vec::new();
    for change in &request.entities {
        let Some(entity) = EntityId::of_path(&change.path) else {
            continue;
        };
        let mut before = Snapshot::default();
        if let Some(value) = &change.before
            && before.insert_json(&entity, value).is_err()
        {
            moved.push(change.path.clone());
            continue;
        }
        if !before.same_entity(head, &entity) {
            moved.push(change.path.clone());
        }
    }
    if moved.is_empty() {
        return Ok(());
    }
    Err(AppError::refused(format!(
        "Re-approval needed: {} changed on the remote since change request {} was made, so its approvals were for something else. Make the change request again on the new base and ask for approval again.",
        moved.join(", "),
        request.id
    )))
}
