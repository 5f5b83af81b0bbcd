//! Change requests (DESIGN §6): made from the user's drafts, signed by their author, decided
//! (approve or reject) with signatures, commented, withdrawn. A request is a draft of
//! `changes/<id>.json` until a sync carries it to teammates; its entity drafts stay drafts (a
//! plain sync holds governed ones back) until it is published.
//!
//! A request is always judged by the policy and people of its base commit, never by the ones
//! it proposes.

use std::sync::Arc;

use flagdeck_core::describe::{ChangeLine, describe};
use flagdeck_core::governance::{
    ChangeRequest, Comment, Decision, EmergencyReason, EntityChange, Person, PolicyReport, Status,
    evaluate, sign, sign_authorship, touched,
};
use flagdeck_core::instant::format_rfc3339;
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use flagdeck_store::Source;
use flagdeck_sync::{GitRepo, Oid};
use serde::Serialize;
use serde_json::json;

use crate::App;
use crate::entity::{EntityRef, Kind};
use crate::error::{AppError, AppResult, ErrorCode};

/// A change request as the UI shows it: the file, the policy's verdict, its status, and what
/// it changes in sentences.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeView {
    pub request: ChangeRequest,
    /// Evaluated with the policy and people of the request's base.
    pub report: PolicyReport,
    /// The status the request has now: `published`, `withdrawn` and `rejected` as the file
    /// says; otherwise `approved` when the policy lets it be published, else `open`.
    pub status: Status,
    /// Not yet synced: only this app has it.
    pub local_only: bool,
    /// One sentence per change of each entity, named with the base's project.
    pub lines: Vec<ChangeLine>,
}

impl App {
    /// Makes a change request from the drafts of `entities`: each one's `before` is the
    /// base, its `after` the draft. Signed by the user, saved as a draft of
    /// `changes/<id>.json`; the entity drafts stay drafts.
    pub fn create_change_request(
        &self,
        workspace_id: i64,
        title: &str,
        description: Option<&str>,
        entities: &[EntityRef],
    ) -> AppResult<ChangeView> {
        self.new_change_request(workspace_id, title, description, entities, None)
    }

    /// Makes an emergency change request: publishable without approval only if the policy
    /// allows emergencies where it changes things and the change only reduces exposure (kill
    /// switch off, a schedule paused, a rollout lowered). The reason is mandatory.
    pub fn create_emergency_change_request(
        &self,
        workspace_id: i64,
        title: &str,
        reason: &str,
        entities: &[EntityRef],
    ) -> AppResult<ChangeView> {
        if reason.trim().is_empty() {
            return Err(
                AppError::invalid("An emergency change needs a reason.").with_field("reason")
            );
        }
        let reason = EmergencyReason {
            reason: reason.trim().to_owned(),
        };
        self.new_change_request(workspace_id, title, None, entities, Some(reason))
    }

    fn new_change_request(
        &self,
        workspace_id: i64,
        title: &str,
        description: Option<&str>,
        entities: &[EntityRef],
        emergency: Option<EmergencyReason>,
    ) -> AppResult<ChangeView> {
        let (author, key) = self.signing_key()?;
        if title.trim().is_empty() {
            return Err(AppError::invalid("A change request needs a title.").with_field("title"));
        }
        let base_commit = self.base_commit(workspace_id)?;
        let (local, _, _) = self.local_snapshot(workspace_id)?;
        let base = self.base_snapshot(workspace_id)?;
        let changes = entity_changes(&base, &local, entities)?;
        let id = self.fresh_change_id(&local)?;
        let mut request = ChangeRequest {
            id: id.clone(),
            title: title.trim().to_owned(),
            description: description
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            author,
            author_signature: None,
            base: base_commit,
            entities: changes,
            status: Status::Open,
            emergency,
            approvals: vec![],
            comments: vec![],
            published: None,
        };
        request.author_signature = Some(sign_authorship(&key, &request));
        self.save_change(workspace_id, &request)?;
        let paths: Vec<&str> = request.entities.iter().map(|e| e.path.as_str()).collect();
        let details = json!({"change": id, "title": request.title, "entities": paths,
               "environments": changed_environments(&request.entities),
               "contentHash": flagdeck_core::governance::content_hash(&request),
               "emergency": request.emergency.as_ref().map(|e| e.reason.as_str())});
        self.record(
            workspace_id,
            "change.created",
            details.clone(),
            Source::User,
        )?;
        if request.emergency.is_some() {
            self.record(workspace_id, "change.emergency", details, Source::User)?;
        }
        self.change_request(workspace_id, &id)
    }

    /// Makes the request hold its entities' current drafts again, on the current base, and
    /// signs it again. Only its author may. Its hash changes, so earlier approvals no longer
    /// count: reviewers approve what they saw, nothing else.
    pub fn update_change_request(&self, workspace_id: i64, id: &str) -> AppResult<ChangeView> {
        let (me, key) = self.signing_key()?;
        let mut request = self.open_request(workspace_id, id)?;
        if request.author != me {
            return Err(AppError::refused(format!(
                "Only its author ({}) can change change request {id}.",
                request.author
            )));
        }
        let (local, _, _) = self.local_snapshot(workspace_id)?;
        let base = self.base_snapshot(workspace_id)?;
        let refs: Vec<EntityRef> = request
            .entities
            .iter()
            .filter_map(|e| EntityId::of_path(&e.path))
            .map(|id| EntityRef::from_id(&id))
            .collect();
        request.entities = entity_changes(&base, &local, &refs)?;
        request.base = self.base_commit(workspace_id)?;
        request.status = Status::Open;
        request.author_signature = Some(sign_authorship(&key, &request));
        self.save_change(workspace_id, &request)?;
        self.record(
            workspace_id,
            "change.updated",
            json!({"change": id, "contentHash": flagdeck_core::governance::content_hash(&request),
                   "environments": changed_environments(&request.entities)}),
            Source::User,
        )?;
        self.change_request(workspace_id, id)
    }

    /// Approves the current version of a request with the user's signature, replacing their
    /// earlier decision. Refused, with the policy's sentence, when the approval would not count
    /// (the author approving their own change, someone outside the groups that decide).
    pub fn approve(
        &self,
        workspace_id: i64,
        id: &str,
        comment: Option<&str>,
    ) -> AppResult<ChangeView> {
        self.decide(workspace_id, id, Decision::Approve, comment)
    }

    /// Rejects the current version of a request (blocks it while it stands).
    pub fn reject(
        &self,
        workspace_id: i64,
        id: &str,
        comment: Option<&str>,
    ) -> AppResult<ChangeView> {
        self.decide(workspace_id, id, Decision::Reject, comment)
    }

    fn decide(
        &self,
        workspace_id: i64,
        id: &str,
        decision: Decision,
        comment: Option<&str>,
    ) -> AppResult<ChangeView> {
        let (me, key) = self.signing_key()?;
        let mut request = self.open_request(workspace_id, id)?;
        let at = self.rfc3339_now();
        let comment = comment
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let approval = sign(&key, &me, &request, decision, &at, comment);
        request.approvals.retain(|a| a.by != me);
        request.approvals.push(approval);
        let report = self.report(workspace_id, &request)?;
        if let Some(why) = not_counted(&report, &me) {
            return Err(AppError::refused(why));
        }
        request.status = label(&request, &report);
        self.save_change(workspace_id, &request)?;
        let action = match decision {
            Decision::Approve => "change.approved",
            Decision::Reject => "change.rejected",
        };
        self.record(
            workspace_id,
            action,
            json!({"change": id, "by": me, "contentHash": report.content_hash,
                   "environments": changed_environments(&request.entities)}),
            Source::User,
        )?;
        self.change_request(workspace_id, id)
    }

    /// Withdraws a request (its author only); its entity drafts stay drafts.
    pub fn withdraw(&self, workspace_id: i64, id: &str) -> AppResult<ChangeView> {
        let (me, _) = self.signing_key()?;
        let mut request = self.open_request(workspace_id, id)?;
        if request.author != me {
            return Err(AppError::refused(format!(
                "Only its author ({}) can withdraw change request {id}.",
                request.author
            )));
        }
        request.status = Status::Withdrawn;
        self.save_change(workspace_id, &request)?;
        self.record(
            workspace_id,
            "change.withdrawn",
            json!({"change": id, "by": me, "environments": changed_environments(&request.entities)}),
            Source::User,
        )?;
        self.change_request(workspace_id, id)
    }

    /// Adds a comment by the user.
    pub fn comment(&self, workspace_id: i64, id: &str, text: &str) -> AppResult<ChangeView> {
        let me = self.person()?.map(|p| p.id).ok_or_else(|| {
            AppError::new(
                ErrorCode::IdentityMissing,
                "Make an identity first: comments are signed with your person id.",
            )
        })?;
        if text.trim().is_empty() {
            return Err(AppError::invalid("A comment needs some text.").with_field("text"));
        }
        let mut request = self.request(workspace_id, id)?;
        request.comments.push(Comment {
            by: me.clone(),
            at: self.rfc3339_now(),
            text: text.trim().to_owned(),
        });
        self.save_change(workspace_id, &request)?;
        self.record(
            workspace_id,
            "change.commented",
            json!({"change": id, "by": me, "text": text.trim(),
                   "environments": changed_environments(&request.entities)}),
            Source::User,
        )?;
        self.change_request(workspace_id, id)
    }

    /// Every change request of the workspace (synced and local), by id.
    pub fn change_requests(&self, workspace_id: i64) -> AppResult<Vec<ChangeView>> {
        let local = self.governance_local(workspace_id)?;
        let base = self.governance_base(workspace_id)?;
        local
            .changes
            .values()
            .map(|request| self.view(workspace_id, &base, request))
            .collect()
    }

    /// Every change request of the workspace, newest first: by the time in its id
    /// (`cr-<base36 seconds>-…`), then by id; ids of another shape count as oldest.
    pub fn change_requests_newest_first(&self, workspace_id: i64) -> AppResult<Vec<ChangeView>> {
        let mut views = self.change_requests(workspace_id)?;
        views.sort_by(|a, b| {
            let key = |v: &ChangeView| (made_at(&v.request.id), v.request.id.clone());
            key(b).cmp(&key(a))
        });
        Ok(views)
    }

    /// One change request with the policy's verdict.
    pub fn change_request(&self, workspace_id: i64, id: &str) -> AppResult<ChangeView> {
        let request = self.request(workspace_id, id)?;
        let base = self.governance_base(workspace_id)?;
        self.view(workspace_id, &base, &request)
    }

    fn view(
        &self,
        workspace_id: i64,
        base: &Snapshot,
        request: &ChangeRequest,
    ) -> AppResult<ChangeView> {
        let report = self.report(workspace_id, request)?;
        Ok(ChangeView {
            status: label(request, &report),
            local_only: !base.changes.contains_key(&request.id),
            lines: request_lines(base, request),
            request: request.clone(),
            report,
        })
    }

    /// The request as the user has it (base + drafts).
    pub(crate) fn request(&self, workspace_id: i64, id: &str) -> AppResult<ChangeRequest> {
        let local = self.governance_local(workspace_id)?;
        local
            .changes
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::not_found(format!("There is no change request {id:?}.")))
    }

    /// The request, refused when it can no longer be decided or edited.
    fn open_request(&self, workspace_id: i64, id: &str) -> AppResult<ChangeRequest> {
        let request = self.request(workspace_id, id)?;
        match request.status {
            Status::Published => Err(AppError::refused(format!(
                "Change request {id} is already published."
            ))),
            Status::Withdrawn => Err(AppError::refused(format!(
                "Change request {id} was withdrawn."
            ))),
            _ => Ok(request),
        }
    }

    /// The policy's verdict on `request`, with the policy and people of its base commit.
    pub(crate) fn report(
        &self,
        workspace_id: i64,
        request: &ChangeRequest,
    ) -> AppResult<PolicyReport> {
        let at_base = self.governance_at(workspace_id, &request.base)?;
        Ok(judge(&at_base, request))
    }

    /// What [`judge`] reads of the project at `commit`: the governance part of the
    /// workspace's base when it is that commit, else the project read from the app's clone.
    fn governance_at(&self, workspace_id: i64, commit: &str) -> AppResult<Arc<Snapshot>> {
        if self.workspace(workspace_id)?.base_commit.as_deref() == Some(commit) {
            return self.governance_base(workspace_id);
        }
        self.snapshot_at(workspace_id, commit)
    }

    /// The project at `commit`: the workspace's base when it is that commit, else read from
    /// the app's clone (a request made on an older base).
    pub(crate) fn snapshot_at(&self, workspace_id: i64, commit: &str) -> AppResult<Arc<Snapshot>> {
        let workspace = self.workspace(workspace_id)?;
        if workspace.base_commit.as_deref() == Some(commit) {
            return self.base_snapshot(workspace_id);
        }
        let unknown = || {
            AppError::refused(format!(
                "The change request was made on commit {commit}, which this workspace does not have; sync, then make the change request again."
            ))
        };
        let oid = Oid::from_str(commit).map_err(|_| unknown())?;
        let location = std::path::Path::new(&workspace.location);
        let git = match workspace.kind {
            crate::WorkspaceKindName::Git => GitRepo::open_bare(location),
            _ => GitRepo::open(location),
        }
        .map_err(|_| unknown())?;
        crate::sync::engine::snapshot_of_commit(&git, oid, "the change request's base")
            .map(Arc::new)
            .map_err(|stop| match stop {
                crate::sync::engine::Stop::Failed(_) => unknown(),
                other => other.into(),
            })
    }

    fn save_change(&self, workspace_id: i64, request: &ChangeRequest) -> AppResult<()> {
        let json = serde_json::to_value(request)
            .map_err(|e| AppError::new(ErrorCode::Storage, e.to_string()))?;
        self.save_entity(workspace_id, &EntityRef::change(request.id.clone()), &json)?;
        Ok(())
    }

    pub(crate) fn base_commit(&self, workspace_id: i64) -> AppResult<String> {
        self.workspace(workspace_id)?.base_commit.ok_or_else(|| {
            AppError::refused("Sync this workspace once before making change requests: a change request names the commit it was made on.")
        })
    }

    pub(crate) fn rfc3339_now(&self) -> String {
        format_rfc3339(self.now()).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
    }

    /// `cr-<base36 seconds>-<4 random base36 digits>`: unique among the workspace's requests,
    /// and unlikely to meet a teammate's made in the same second.
    fn fresh_change_id(&self, local: &Snapshot) -> AppResult<String> {
        let time = base36(u64::try_from(self.now()).unwrap_or(0));
        for _ in 0..16 {
            let mut bytes = [0u8; 4];
            getrandom::fill(&mut bytes).map_err(|e| {
                AppError::new(
                    ErrorCode::Secrets,
                    format!("The OS gave no randomness ({e})."),
                )
            })?;
            let n = u64::from(u32::from_le_bytes(bytes)) % 36u64.pow(4);
            let id = format!("cr-{time}-{:0>4}", base36(n));
            if !local.changes.contains_key(&id) {
                return Ok(id);
            }
        }
        Err(AppError::new(
            ErrorCode::Retry,
            "No free change request id was found; try again.",
        ))
    }
}

/// The sentences of every entity `request` changes; the project's names are the base's, or
/// the request's own when it changes the project.
fn request_lines(base: &Snapshot, request: &ChangeRequest) -> Vec<ChangeLine> {
    request
        .entities
        .iter()
        .filter_map(|change| {
            let id = EntityId::of_path(&change.path)?;
            Some(describe(
                base.project.as_ref(),
                &id,
                change.before.as_ref(),
                change.after.as_ref(),
            ))
        })
        .flatten()
        .collect()
}

/// The policy's verdict on `request` given the project at its base.
pub(crate) fn judge(at_base: &Snapshot, request: &ChangeRequest) -> PolicyReport {
    let policy = at_base.policy.clone().unwrap_or_default();
    let people: Vec<Person> = at_base.people.values().cloned().collect();
    let scope = match &at_base.project {
        Some(project) => touched(request, project),
        None => Default::default(),
    };
    evaluate(&policy, &people, request, &scope)
}

/// The status to show and to write after a decision.
fn label(request: &ChangeRequest, report: &PolicyReport) -> Status {
    match request.status {
        Status::Published | Status::Withdrawn => request.status,
        _ if report.rules.iter().any(|r| !r.rejected_by.is_empty()) => Status::Rejected,
        _ if report.publishable => Status::Approved,
        _ => Status::Open,
    }
}

/// Why `me`'s decision would not count, from the report's own sentences; `None` when it counts
/// for at least one rule (or no rule applies, so nothing counts or needs to).
fn not_counted(report: &PolicyReport, me: &str) -> Option<String> {
    if report.rules.is_empty() {
        return None;
    }
    let counted = report.rules.iter().any(|r| {
        r.approved_by
            .iter()
            .chain(&r.rejected_by)
            .any(|id| id == me)
    });
    if counted {
        return None;
    }
    let mut why: Vec<String> = report
        .rules
        .iter()
        .flat_map(|r| r.needs.iter())
        .filter(|n| n.contains("own change"))
        .map(|n| format!("{n}."))
        .collect();
    why.extend(report.notes.iter().cloned());
    why.dedup();
    if why.is_empty() {
        why.push(
            "You are not among the people whose decision this change request needs.".to_owned(),
        );
    }
    Some(format!(
        "Your decision would not count, so it was not recorded. {}",
        why.join(" ")
    ))
}

/// Each entity's change from the base to the user's draft; refused for an entity without one.
fn entity_changes(
    base: &Snapshot,
    local: &Snapshot,
    entities: &[EntityRef],
) -> AppResult<Vec<EntityChange>> {
    if entities.is_empty() {
        return Err(AppError::invalid(
            "Choose at least one changed entity for the change request.",
        )
        .with_field("entities"));
    }
    let mut changes = Vec::new();
    for entity in entities {
        if entity.kind == Kind::Change {
            return Err(
                AppError::invalid("A change request cannot hold another change request.")
                    .with_field("entities"),
            );
        }
        if entity.kind == Kind::Persona {
            return Err(AppError::invalid(
                "Personas need no approval: a plain sync shares them, so a change request cannot hold one.",
            )
            .with_field("entities"));
        }
        let id = entity.checked()?;
        if base.same_entity(local, &id) {
            return Err(AppError::invalid(format!(
                "{} has no change to put in a change request.",
                crate::sync::entity_name(&id)
            ))
            .with_field("entities"));
        }
        let path = id.path();
        if changes.iter().any(|c: &EntityChange| c.path == path) {
            continue;
        }
        changes.push(EntityChange {
            path,
            before: base.value(&id),
            after: local.value(&id),
        });
    }
    Ok(changes)
}

/// The environments whose part of a flag the changes touch, for the audit log (its
/// environment filter), in first-seen order.
pub(crate) fn changed_environments(changes: &[EntityChange]) -> Vec<String> {
    let mut envs: Vec<String> = Vec::new();
    for change in changes {
        if !change.path.starts_with("flags/") {
            continue;
        }
        let of = |side: &Option<serde_json::Value>| {
            side.as_ref()
                .and_then(|v| v.get("environments"))
                .and_then(serde_json::Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (before, after) = (of(&change.before), of(&change.after));
        for key in after.keys().chain(before.keys()) {
            if before.get(key) != after.get(key) && !envs.contains(key) {
                envs.push(key.clone());
            }
        }
    }
    envs
}

/// The seconds in a `cr-<base36 seconds>-<random>` id; 0 for another shape.
fn made_at(id: &str) -> u64 {
    id.strip_prefix("cr-")
        .and_then(|rest| rest.split('-').next())
        .and_then(|time| u64::from_str_radix(time, 36).ok())
        .unwrap_or(0)
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_request_never_holds_a_persona() {
        let (base, _) = Snapshot::from_files(&flagdeck_core::example::example_project());
        let mut local = base.clone();
        local.personas.remove("qa-tester");
        let refused = entity_changes(&base, &local, &[EntityRef::persona("qa-tester")]);
        let error = refused.err().map(|e| (e.field, e.message));
        assert_eq!(
            error,
            Some((
                Some("entities".to_owned()),
                "Personas need no approval: a plain sync shares them, so a change request cannot hold one.".to_owned()
            ))
        );
    }
}
