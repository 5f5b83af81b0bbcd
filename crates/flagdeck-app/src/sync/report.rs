//! What a sync did (or, for a dry run, would do), for the UI and the CLI.

use flagdeck_core::diag::Diagnostic;
use flagdeck_core::sync_plan::{EntityConflict, EntityId, PlannedChange, SyncPlan};
use serde::Serialize;

use crate::governance::FoundViolation;

/// How a sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SyncResult {
    /// Dry run: the plan only; nothing changed (the fetch updated the remote-tracking ref).
    DryRun,
    /// Local changes were committed and pushed (remote's were merged in).
    Pushed,
    /// Only the remote had changes; the local side took them.
    Pulled,
    /// Nothing to do.
    UpToDate,
    /// The remote had no branch yet; the local history was pushed to create it.
    Published,
    /// The same field changed two ways: nothing was committed; resolve, then sync again.
    Conflicts,
    /// The merged project has errors: nothing was committed or pushed.
    Invalid,
    /// Some files or drafts cannot be read; nothing was synced (they would look deleted).
    Unreadable,
}

/// A sync's outcome with everything the UI shows about it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub result: SyncResult,
    /// In plain words: "3 flags will change, 1 conflict".
    pub summary: String,
    pub changes: Vec<PlannedChange>,
    pub conflicts: Vec<EntityConflict>,
    /// The pushed commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Its message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For `invalid` and `unreadable`: the problems.
    pub diagnostics: Vec<Diagnostic>,
    /// For `unreadable`: which side could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// Pushes rejected because someone pushed first, each followed by a new plan.
    pub retries: usize,
    /// Commits taken from the remote that bypassed governance (GOV §3): pushed with plain Git
    /// around the change requests. The sync still took them (an invalid remote must not lock
    /// the team out), but publishing on top of them is refused until a change request fixes
    /// them. Kept from sync to sync until new commits arrive.
    pub governance_violations: Vec<FoundViolation>,
    /// Whether this sync verified commits it took from the remote (else the violations are
    /// the previous sync's).
    #[serde(skip)]
    pub(crate) verified_incoming: bool,
}

impl SyncReport {
    pub(crate) fn from_plan(result: SyncResult, plan: &SyncPlan) -> Self {
        SyncReport {
            result,
            summary: plan.summary(),
            changes: plan.changes().to_vec(),
            conflicts: plan.conflicts().to_vec(),
            commit: None,
            message: None,
            diagnostics: Vec::new(),
            side: None,
            retries: 0,
            governance_violations: Vec::new(),
            verified_incoming: false,
        }
    }

    pub fn unreadable(side: &str, diagnostics: Vec<Diagnostic>) -> Self {
        SyncReport {
            result: SyncResult::Unreadable,
            summary: format!(
                "Some files of {side} cannot be read, so nothing was synced (a missing file would look like a deletion)"
            ),
            changes: Vec::new(),
            conflicts: Vec::new(),
            commit: None,
            message: None,
            diagnostics,
            side: Some(side.to_owned()),
            retries: 0,
            governance_violations: Vec::new(),
            verified_incoming: false,
        }
    }

    /// Changes the sync sends to the remote.
    pub fn pushed_count(&self) -> usize {
        self.changes.iter().filter(|c| c.outgoing.is_some()).count()
    }

    /// Changes the local side takes from the remote.
    pub fn pulled_count(&self) -> usize {
        self.changes.iter().filter(|c| c.incoming.is_some()).count()
    }
}

/// An entity in words: "flag new-checkout".
pub fn entity_name(entity: &EntityId) -> String {
    match entity {
        EntityId::Project => "the project settings (flagdeck.json)".to_owned(),
        EntityId::Flag(key) => format!("flag {key}"),
        EntityId::Segment(key) => format!("segment {key}"),
        EntityId::Persona(key) => format!("persona {key}"),
        EntityId::Policy => "the policy (policy.json)".to_owned(),
        EntityId::Person(id) => format!("person {id}"),
        EntityId::Change(id) => format!("change request {id}"),
    }
}
