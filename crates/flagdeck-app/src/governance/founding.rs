//! The governance files of a new project (`flagdeck init --as ID`): its creator is the first
//! person and the first admin, so that the project is governed from its first commit.

use flagdeck_core::format::{SourceFile, to_canonical_json};
use flagdeck_core::governance::{Group, Person, Policy, PolicyRule, Requirement, Scope};
use flagdeck_core::sync_plan::EntityId;

/// The admins' group; the governance rule requires one of them.
pub const ADMINS: &str = "admins";
/// The release managers' group of the example project's production rule.
pub const RELEASE_MANAGERS: &str = "release-managers";

/// `people/<id>.json` for `creator` and a `policy.json` with a group `admins` holding them and a
/// rule "Governance": changes to `people/` and `policy.json` need one admin's approval, and the
/// author may be that admin (`authorMayApprove`: a team of one must be able to add its second
/// member; turn it off once a second admin joins). With `production_rule`, also a group
/// `release-managers` (the creator, until others join) and a rule "Production": one approval
/// from a release manager, never the author's own.
pub fn founding_files(creator: &Person, production_rule: bool) -> Vec<SourceFile> {
    let mut policy = Policy {
        groups: vec![Group {
            key: ADMINS.to_owned(),
            name: "Admins".to_owned(),
            members: vec![creator.id.clone()],
        }],
        rules: vec![PolicyRule {
            name: "Governance".to_owned(),
            when: Scope {
                governance: Some(true),
                ..Scope::default()
            },
            require: Requirement {
                approvals: 1,
                from: vec![format!("group:{ADMINS}")],
                author_may_approve: true,
            },
        }],
        emergency: None,
    };
    if production_rule {
        policy.groups.push(Group {
            key: RELEASE_MANAGERS.to_owned(),
            name: "Release managers".to_owned(),
            members: vec![creator.id.clone()],
        });
        policy.rules.push(PolicyRule {
            name: "Production".to_owned(),
            when: Scope {
                environments: Some(vec!["production".to_owned()]),
                ..Scope::default()
            },
            require: Requirement {
                approvals: 1,
                from: vec![format!("group:{RELEASE_MANAGERS}")],
                author_may_approve: false,
            },
        });
    }
    vec![
        SourceFile::new(
            EntityId::Person(creator.id.clone()).path(),
            to_canonical_json(creator),
        ),
        SourceFile::new(EntityId::Policy.path(), to_canonical_json(&policy)),
    ]
}
