//! Policy evaluation that explains itself: which rules apply to a change request, what each
//! still needs, and whether the request may be published.
//!
//! Callers must pass the policy and the people **in force at the request's base** (the commit it
//! was made on, or for `flagdeck verify` the parent of the commit that published it), never the
//! ones the request itself proposes: otherwise a request that weakens the policy, or adds a
//! person, would approve itself. This module cannot check that; it takes both as parameters so
//! that the choice is explicit at every call site.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::exposure::reduces_exposure;
use super::hash::content_hash;
use super::model::{ChangeRequest, Decision, Person, Policy, PolicyRule, Scope};
use super::sign::{ApprovalProblem, check_approval, check_authorship, describe};
use super::touched::Touched;

/// The verdict on one change request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PolicyReport {
    /// Whether the policy lets the request be published now (it says nothing about whether the
    /// request still applies to the current state: that is the publisher's check).
    pub publishable: bool,
    /// The request's current content hash.
    pub content_hash: String,
    /// Published as an emergency change, without approvals.
    pub emergency: bool,
    /// Each rule that applies, in policy order.
    pub rules: Vec<RuleReport>,
    /// Why the request is or is not publishable, in sentences.
    pub reasons: Vec<String>,
    /// Approvals and rejections that do not count, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleReport {
    pub name: String,
    pub required: u32,
    /// Person ids whose approval counts for this rule, in the order they approved.
    pub approved_by: Vec<String>,
    /// Person ids whose valid rejection blocks this rule.
    pub rejected_by: Vec<String>,
    pub satisfied: bool,
    /// What is still needed, as sentences ("needs 1 more approval from Release managers").
    pub needs: Vec<String>,
}

/// One person's decision on the current version: their last valid entry.
struct Valid<'a> {
    person: &'a Person,
    decision: Decision,
}

/// Evaluates `change` against `policy` and `people`, which must be those in force at the
/// request's base (see the module doc). `touched` is [`super::touched`] of the request against
/// the project at its base. The request's status is not looked at: it is a workflow label that
/// no signature covers, so the app checks it on its own.
pub fn evaluate(
    policy: &Policy,
    people: &[Person],
    change: &ChangeRequest,
    touched: &Touched,
) -> PolicyReport {
    let hash = content_hash(change);
    let (by_id, mut notes) = index_people(people);
    let name_of = |id: &str| {
        by_id
            .get(id)
            .map_or_else(|| format!("'{id}'"), |p| p.display_name().to_owned())
    };
    let (valid, decision_notes) = valid_decisions(&by_id, change);
    notes.extend(decision_notes);

    let mut rules = Vec::new();
    for rule in policy.rules.iter().filter(|r| matches(&r.when, touched)) {
        rules.push(rule_report(
            policy, rule, change, touched, &valid, &name_of, &mut notes,
        ));
    }
    notes.dedup();

    let mut reasons = Vec::new();
    let rejected: BTreeSet<&str> = rules
        .iter()
        .flat_map(|r| r.rejected_by.iter().map(String::as_str))
        .collect();
    for id in &rejected {
        reasons.push(format!("Rejected by {}.", name_of(id)));
    }
    let emergency = match &change.emergency {
        Some(_) => match emergency_refusals(policy, change, touched) {
            Ok(()) => {
                reasons.push(
                    "Emergency change: it only reduces exposure and the policy allows it without approval."
                        .to_owned(),
                );
                true
            }
            Err(why) => {
                reasons.extend(
                    why.into_iter()
                        .map(|w| format!("Not an emergency change: {w}")),
                );
                false
            }
        },
        None => false,
    };
    if rules.is_empty() {
        reasons.push("No policy rule applies to this change, so it needs no approval.".to_owned());
    } else if !emergency {
        for rule in rules.iter().filter(|r| !r.satisfied) {
            for need in &rule.needs {
                reasons.push(format!("{}: {need}.", rule.name));
            }
        }
    }
    // An author who is not a person cannot be told apart from an approver, so refuse, except for
    // a newcomer's request that adds their own `people/` entry (how a person joins).
    let joins = change
        .entities
        .iter()
        .any(|e| e.before.is_none() && e.path == format!("people/{}.json", change.author));
    let author_known = by_id.contains_key(change.author.as_str()) || joins;
    if !author_known {
        reasons.push(format!(
            "The author '{}' is not a person of this project.",
            change.author
        ));
    }
    let signed_by_author = match author_key(&by_id, change) {
        Some(key) => match check_authorship(&key, change) {
            Ok(()) => true,
            Err(why) => {
                reasons.push(why);
                false
            }
        },
        None => false,
    };
    let publishable = author_known
        && signed_by_author
        && rejected.is_empty()
        && (emergency || rules.iter().all(|r| r.satisfied));
    if publishable && !rules.is_empty() && !emergency {
        reasons.push("Every rule that applies has the approvals it needs.".to_owned());
    }
    PolicyReport {
        publishable,
        content_hash: hash,
        emergency,
        rules,
        reasons,
        notes,
    }
}

/// The key the author's signature must verify with: the author's person entry, or for a
/// newcomer's request the public key of the `people/` entry it adds for them.
fn author_key(by_id: &BTreeMap<&str, &Person>, change: &ChangeRequest) -> Option<String> {
    if let Some(person) = by_id.get(change.author.as_str()) {
        return Some(person.public_key.clone());
    }
    let own = format!("people/{}.json", change.author);
    change
        .entities
        .iter()
        .find(|e| e.before.is_none() && e.path == own)
        .and_then(|e| e.after.as_ref())
        .and_then(|after| after.get("publicKey"))
        .and_then(|key| key.as_str())
        .map(str::to_owned)
}

/// People by id. An id held by two entries is ambiguous: neither may sign.
fn index_people(people: &[Person]) -> (BTreeMap<&str, &Person>, Vec<String>) {
    let mut by_id = BTreeMap::new();
    let mut twice = BTreeSet::new();
    for p in people {
        if by_id.insert(p.id.as_str(), p).is_some() {
            twice.insert(p.id.as_str());
        }
    }
    let notes = twice
        .into_iter()
        .map(|id| {
            by_id.remove(id);
            format!("Two people have the id '{id}'; neither's decisions count.")
        })
        .collect();
    (by_id, notes)
}

/// Each person's last valid decision on the current version, and notes on entries that do not
/// count (unknown person, bad signature, earlier version, listed twice).
fn valid_decisions<'a>(
    by_id: &BTreeMap<&str, &'a Person>,
    change: &ChangeRequest,
) -> (Vec<Valid<'a>>, Vec<String>) {
    let mut notes = Vec::new();
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    let mut valid: Vec<Valid<'a>> = Vec::new();
    let mut stale_or_bad = Vec::new();
    for approval in &change.approvals {
        let Some(person) = by_id.get(approval.by.as_str()) else {
            notes.push(format!(
                "The decision signed as '{}' does not count: no such person in this project.",
                approval.by
            ));
            continue;
        };
        match check_approval(person, change, approval) {
            Ok(()) => {
                if let Some(&i) = last.get(person.id.as_str()) {
                    if valid[i].decision == approval.decision {
                        notes.push(format!(
                            "{} {} more than once; it counts once.",
                            person.display_name(),
                            past(approval.decision)
                        ));
                    }
                    valid[i].decision = approval.decision;
                } else {
                    last.insert(person.id.as_str(), valid.len());
                    valid.push(Valid {
                        person,
                        decision: approval.decision,
                    });
                }
            }
            Err(problem) => stale_or_bad.push((person, approval, problem)),
        }
    }
    // A decision on an earlier version is news only if its author has not decided again since.
    for (person, approval, problem) in stale_or_bad {
        let decided_again = last.contains_key(person.id.as_str());
        if !(problem == ApprovalProblem::EarlierVersion && decided_again) {
            notes.push(format!("{}.", describe(person, approval, &problem)));
        }
    }
    (valid, notes)
}

fn past(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    }
}

/// Whether a rule's scope matches what the change touches: every present field (AND), each list
/// by intersection.
pub fn matches(scope: &Scope, touched: &Touched) -> bool {
    let hits = |list: &Option<Vec<String>>, set: &BTreeSet<String>| {
        list.as_ref()
            .is_none_or(|l| l.iter().any(|x| set.contains(x)))
    };
    hits(&scope.environments, &touched.environments)
        && hits(&scope.tags, &touched.tags)
        && hits(&scope.flags, &touched.flags)
        && hits(&scope.owners, &touched.owners)
        && scope.governance.is_none_or(|g| g == touched.governance)
}

/// Who may approve under `from`, and a label per entry for sentences.
fn eligible(
    policy: &Policy,
    rule: &PolicyRule,
    touched: &Touched,
    name_of: &dyn Fn(&str) -> String,
) -> (BTreeSet<String>, Vec<String>) {
    let mut people = BTreeSet::new();
    let mut labels = Vec::new();
    for entry in &rule.require.from {
        if let Some(key) = entry.strip_prefix("group:") {
            match policy.groups.iter().find(|g| g.key == key) {
                Some(group) => {
                    people.extend(group.members.iter().cloned());
                    labels.push(group.name.clone());
                }
                None => labels.push(format!("the unknown group '{key}'")),
            }
        } else if let Some(id) = entry.strip_prefix("person:") {
            people.insert(id.to_owned());
            labels.push(name_of(id));
        } else if entry == "owner" {
            people.extend(touched.approving_owners.iter().cloned());
            labels.push("the flag's owner".to_owned());
        } else {
            labels.push(format!("'{entry}' (not a group, person or owner)"));
        }
    }
    (people, labels)
}

fn rule_report(
    policy: &Policy,
    rule: &PolicyRule,
    change: &ChangeRequest,
    touched: &Touched,
    valid: &[Valid<'_>],
    name_of: &dyn Fn(&str) -> String,
    notes: &mut Vec<String>,
) -> RuleReport {
    let (eligible, labels) = eligible(policy, rule, touched, name_of);
    let author_may = rule.require.author_may_approve;
    let mut approved_by = Vec::new();
    let mut rejected_by = Vec::new();
    let mut needs = Vec::new();
    for v in valid {
        let id = v.person.id.as_str();
        let who = v.person.display_name();
        if id == change.author && !author_may {
            if v.decision == Decision::Approve {
                needs.push(format!("{who} can't approve their own change"));
            }
            continue;
        }
        if !eligible.contains(id) {
            notes.push(format!(
                "{who}'s {} does not count for '{}': {who} is not one of {}.",
                match v.decision {
                    Decision::Approve => "approval",
                    Decision::Reject => "rejection",
                },
                rule.name,
                or_list(&labels)
            ));
            continue;
        }
        match v.decision {
            Decision::Approve => approved_by.push(id.to_owned()),
            Decision::Reject => rejected_by.push(id.to_owned()),
        }
    }
    let required = rule.require.approvals;
    let have = u32::try_from(approved_by.len()).unwrap_or(u32::MAX);
    if have < required {
        let missing = required - have;
        let plural = if missing == 1 {
            "approval"
        } else {
            "approvals"
        };
        needs.insert(
            0,
            format!("needs {missing} more {plural} from {}", or_list(&labels)),
        );
    } else {
        needs.clear();
    }
    for id in &rejected_by {
        needs.push(format!("rejected by {}", name_of(id)));
    }
    RuleReport {
        name: rule.name.clone(),
        required,
        satisfied: have >= required && rejected_by.is_empty(),
        approved_by,
        rejected_by,
        needs,
    }
}

/// Why an emergency change may not skip approval; `Ok` when it may.
fn emergency_refusals(
    policy: &Policy,
    change: &ChangeRequest,
    touched: &Touched,
) -> Result<(), Vec<String>> {
    let mut why = Vec::new();
    match &policy.emergency {
        Some(e) if e.allowed => {
            if let Some(allowed) = &e.environments {
                let outside: Vec<&str> = touched
                    .environments
                    .iter()
                    .filter(|env| !allowed.contains(env))
                    .map(String::as_str)
                    .collect();
                if !outside.is_empty() {
                    why.push(format!(
                        "the policy allows emergency changes only in {}, not in {}.",
                        allowed.join(", "),
                        outside.join(", ")
                    ));
                }
            }
        }
        _ => why.push("the policy does not allow emergency changes.".to_owned()),
    }
    if change
        .emergency
        .as_ref()
        .is_none_or(|e| e.reason.trim().is_empty())
    {
        why.push("an emergency change needs a reason.".to_owned());
    }
    if let Err(reasons) = reduces_exposure(change) {
        why.extend(reasons);
    }
    if why.is_empty() { Ok(()) } else { Err(why) }
}

/// "A", "A or B", "A, B or C".
fn or_list(labels: &[String]) -> String {
    match labels {
        [] => "nobody (the rule names no one)".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
