//! Which drafts a plain sync may push (GOV §4): a draft whose change would touch a governed
//! scope (a rule of the base's policy matches it) waits for a change request; change requests
//! themselves, and everything no rule covers, travel.

use flagdeck_core::governance::evaluate::matches;
use flagdeck_core::governance::{ChangeRequest, EntityChange, Status, touched};
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use serde_json::Value;

/// Whether changing `id` from its base content to `after` needs a change request under the
/// base's policy. Change requests never do: they are how teammates collaborate.
pub(crate) fn is_governed(base: &Snapshot, id: &EntityId, after: Option<Value>) -> bool {
    if matches!(id, EntityId::Change(_)) {
        return false;
    }
    let Some(policy) = &base.policy else {
        return false;
    };
    let probe = ChangeRequest {
        id: "sync".into(),
        title: String::new(),
        description: None,
        author: String::new(),
        author_signature: None,
        base: String::new(),
        entities: vec![EntityChange {
            path: id.path(),
            before: base.value(id),
            after,
        }],
        status: Status::Open,
        emergency: None,
        approvals: vec![],
        comments: vec![],
        published: None,
    };
    // Without a project, what a change touches cannot be told: any rule may apply.
    let Some(project) = &base.project else {
        return !policy.rules.is_empty();
    };
    let scope = touched(&probe, project);
    policy.rules.iter().any(|rule| matches(&rule.when, &scope))
}
