//! Which drafts a plain sync may push (GOV §4): a draft whose change would touch a governed
//! scope (a rule of the base's policy matches it), and any change to `policy.json` or `people/`,
//! waits for a change request; change requests themselves, and everything no rule covers, travel.

use flagdeck_core::governance::evaluate::matches;
use flagdeck_core::governance::{ChangeRequest, EntityChange, Status, touched};
use flagdeck_core::sync_plan::{EntityId, Snapshot};
use serde_json::Value;

/// Whether changing `id` from its base content to `after` needs a change request under the
/// base's policy. Change requests never do: they are how teammates collaborate.
pub(crate) fn is_governed(base: &Snapshot, id: &EntityId, after: Option<Value>) -> bool {
    match id {
        // Personas are how people preview flags: nothing is served from them (not compiled into
        // `dist/`), so no rule governs them and they travel with any sync.
        EntityId::Change(_) | EntityId::Persona(_) => return false,
        // Who may approve and what needs approval are governed whatever the policy says, as
        // `flagdeck verify` requires: a plain sync must never weaken a policy or add a person.
        EntityId::Policy | EntityId::Person(_) => return true,
        _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base(policy: Option<serde_json::Value>) -> Snapshot {
        let (mut snapshot, _) = Snapshot::from_files(&flagdeck_core::example::example_project());
        snapshot.policy = policy.map(|p| serde_json::from_value(p).unwrap());
        snapshot
    }

    fn production_rule() -> serde_json::Value {
        json!({"rules": [{"name": "Production", "when": {"environments": ["production"]},
                          "require": {"approvals": 1, "from": ["person:bob"]}}]})
    }

    fn edited(snapshot: &Snapshot, edit: impl FnOnce(&mut Value)) -> (EntityId, Option<Value>) {
        let id = EntityId::Flag("new-checkout".into());
        let mut value = snapshot.value(&id).unwrap();
        edit(&mut value);
        (id, Some(value))
    }

    #[test]
    fn only_changes_a_rule_matches_are_held() {
        let governed = base(Some(production_rule()));
        let (id, prod) = edited(&governed, |f| {
            f["environments"]["production"]["enabled"] = json!(false)
        });
        assert!(is_governed(&governed, &id, prod.clone()));
        let (id, words) = edited(&governed, |f| f["description"] = json!("words"));
        assert!(!is_governed(&governed, &id, words));
        // Deleting a production flag is governed too.
        assert!(is_governed(&governed, &id, None));
        // Governance files always wait, even with a policy that does not mention them.
        assert!(is_governed(
            &governed,
            &EntityId::Policy,
            Some(json!({"rules": []}))
        ));
        assert!(is_governed(
            &base(None),
            &EntityId::Person("eve".into()),
            Some(json!({}))
        ));
        // No policy: nothing else is held; change requests never are.
        assert!(!is_governed(&base(None), &id, prod));
        assert!(!is_governed(
            &governed,
            &EntityId::Change("cr-1".into()),
            None
        ));
        // Personas travel even under a policy whose rules match every change.
        let everything = base(Some(json!({"rules": [{"name": "All", "when": {},
            "require": {"approvals": 1, "from": ["person:bob"]}}]})));
        let persona = EntityId::Persona("qa-tester".into());
        assert!(!is_governed(
            &everything,
            &persona,
            Some(json!({"key": "qa-tester"}))
        ));
        assert!(!is_governed(&everything, &persona, None));
        // A new person waits even when no rule mentions governance.
        let person = EntityId::Person("eve".into());
        let eve =
            Some(json!({"id": "eve", "name": "Eve", "email": "e@x", "publicKey": "ed25519:x"}));
        assert!(is_governed(&governed, &person, eve));
    }
}
