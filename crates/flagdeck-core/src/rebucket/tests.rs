use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::model::ProjectFile;
use crate::preview::tests::{base_files, checkout_json, drafts, project_json, snapshot};
use crate::preview::{Drafts, drafted, published};
use crate::sample::generate::generate;
use crate::sync_plan::{EntityId, Snapshot};

const AT: i64 = 1_796_115_600;

fn measure(base: &Snapshot, drafts: &Drafts, contexts: &[Context]) -> RebucketImpact {
    let published = published(base, None);
    let drafted = drafted(base, drafts, None);
    impact(&published, &drafted, "checkout", contexts, AT, Vec::new())
}

fn sample(count: usize, seed: u64) -> Vec<Context> {
    let project: ProjectFile = serde_json::from_value(project_json()).unwrap();
    generate(&project, count, seed, AT)
}

fn env<'a>(impact: &'a RebucketImpact, key: &str) -> &'a EnvImpact {
    impact
        .environments
        .iter()
        .find(|e| e.environment == key)
        .unwrap()
}

/// The checkout flag with `fallthrough` in production.
fn with_fallthrough(fallthrough: Value) -> Value {
    let mut flag = checkout_json(20);
    flag["environments"]["production"]["fallthrough"] = fallthrough;
    flag
}

fn rollout(parts: &[(&str, u32)]) -> Value {
    let parts: Vec<Value> = parts
        .iter()
        .map(|(v, w)| json!({"variation": v, "weight": w}))
        .collect();
    json!({"rollout": parts})
}

/// Neither a pro user (rule 'Pros') nor in DE or FR (rule 'EU').
fn reaches_fallthrough(c: &Context) -> bool {
    let text = |k: &str| c.get(k).and_then(Value::as_str);
    text("plan") != Some("pro") && !matches!(text("country"), Some("DE" | "FR"))
}

fn draft_flag(flag: Value) -> Drafts {
    drafts(&[(EntityId::Flag("checkout".into()), Some(flag))])
}

#[test]
fn a_draft_that_changes_nothing_moves_nobody() {
    let base = snapshot(&base_files());
    let same = draft_flag(checkout_json(20));
    let impact = measure(&base, &same, &sample(2_000, 1));
    assert!(impact.triggers.is_empty(), "{:?}", impact.triggers);
    assert!(
        impact
            .environments
            .iter()
            .all(|e| e.changed == 0 && e.transitions.is_empty())
    );
    assert_eq!(impact.sample_size, 2_000);
    assert_eq!(env(&impact, "production").total, 2_000);
}

#[test]
fn raising_a_rule_weight_names_the_rule_and_moves_people_into_it() {
    let base = snapshot(&base_files());
    let impact = measure(&base, &draft_flag(checkout_json(50)), &sample(5_000, 2));
    assert_eq!(
        impact.triggers,
        ["Production: weights of rule 'EU' changed (now off 50%, on 50%)"]
    );
    let production = env(&impact, "production");
    assert!(production.changed > 0);
    assert!(
        production
            .transitions
            .iter()
            .all(|t| t.from.as_deref() == Some("off") && t.to.as_deref() == Some("on"))
    );
    assert_eq!(env(&impact, "staging").changed, 0);
}

#[test]
fn reordering_the_variations_of_a_rollout_moves_people() {
    let mut base_files = base_files();
    base_files[1].1 = with_fallthrough(rollout(&[("on", 50), ("off", 50)]));
    let base = snapshot(&base_files);
    let reordered = draft_flag(with_fallthrough(rollout(&[("off", 50), ("on", 50)])));
    let contexts = sample(4_000, 3);
    let impact = measure(&base, &reordered, &contexts);
    assert_eq!(
        impact.triggers,
        ["Production: variation order of the fallthrough's rollout changed"]
    );
    let production = env(&impact, "production");
    // Exactly everyone who reaches the fallthrough swaps.
    let reaching = contexts.iter().filter(|c| reaches_fallthrough(c)).count();
    assert!(reaching > 100);
    assert_eq!(production.changed as usize, reaching, "{production:?}");
    let froms: Vec<_> = production
        .transitions
        .iter()
        .map(|t| t.from.as_deref())
        .collect();
    assert!(froms.contains(&Some("on")) && froms.contains(&Some("off")));
}

#[test]
fn a_new_bucket_by_is_a_trigger_and_missing_values_are_unbucketable() {
    let mut base_files = base_files();
    base_files[1].1 = with_fallthrough(rollout(&[("on", 50), ("off", 50)]));
    let base = snapshot(&base_files);
    let mut serve = rollout(&[("on", 50), ("off", 50)]);
    serve["bucketBy"] = json!("companyId");
    let contexts = sample(3_000, 4);
    let impact = measure(&base, &draft_flag(with_fallthrough(serve)), &contexts);
    assert_eq!(
        impact.triggers,
        ["Production: bucketBy of the fallthrough changed (targetingKey → companyId)"]
    );
    let production = env(&impact, "production");
    // companyId is optional in the generated sample: those who reach the rollout without it.
    let lacking = contexts
        .iter()
        .filter(|c| reaches_fallthrough(c) && !c.contains_key("companyId"))
        .count();
    assert!(lacking > 0);
    assert_eq!(production.unbucketable as usize, lacking, "{production:?}");
    assert!(production.changed > 100, "{production:?}");
}

#[test]
fn the_project_bucket_by_rules_order_and_targets_are_triggers() {
    let mut base_files = base_files();
    base_files[1].1 = with_fallthrough(rollout(&[("on", 50), ("off", 50)]));
    let base = snapshot(&base_files);
    let mut project = project_json();
    project["bucketBy"] = json!("companyId");
    let mut flag = with_fallthrough(rollout(&[("on", 50), ("off", 50)]));
    let production = &mut flag["environments"]["production"];
    let rules = production["rules"].as_array_mut().unwrap();
    rules.reverse();
    production["targets"] = json!([{"variation": "on", "keys": ["vip-1"]}]);
    let drafts = drafts(&[
        (EntityId::Project, Some(project)),
        (EntityId::Flag("checkout".into()), Some(flag)),
    ]);
    let impact = measure(&base, &drafts, &sample(500, 5));
    assert_eq!(
        impact.triggers,
        [
            "The project's bucketBy changed (targetingKey → companyId)",
            "Production: individual targets changed",
            "Production: rules reordered",
            "Production: bucketBy of the fallthrough changed (targetingKey → companyId)",
            "Production: bucketBy of rule 'EU' changed (targetingKey → companyId)",
        ]
    );
}

#[test]
fn a_new_or_deleted_or_broken_flag_is_a_problem_not_an_impact() {
    let base = snapshot(&base_files());
    let deleted = drafts(&[(EntityId::Flag("checkout".into()), None)]);
    let impact = measure(&base, &deleted, &sample(10, 6));
    assert!(impact.environments.is_empty());
    assert!(
        impact.problems[0].contains("deletes the flag"),
        "{:?}",
        impact.problems
    );
    let mut broken = checkout_json(20);
    broken["variations"] = json!([]);
    let impact = measure(&base, &draft_flag(broken), &sample(10, 6));
    assert!(
        impact.problems[0].contains("cannot be measured"),
        "{:?}",
        impact.problems
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Raising one variation's weight in a two-way rollout only ever moves people into it.
    #[test]
    fn raising_one_weight_only_moves_people_into_that_variation(
        before in 0u32..100,
        raise in 1u32..=100,
        on_first in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let after = (before + raise).min(100);
        prop_assume!(after > before);
        let split = |on: u32| if on_first {
            rollout(&[("on", on), ("off", 100 - on)])
        } else {
            rollout(&[("off", 100 - on), ("on", on)])
        };
        let mut files = base_files();
        files[1].1 = with_fallthrough(split(before));
        let base = snapshot(&files);
        let impact = measure(&base, &draft_flag(with_fallthrough(split(after))), &sample(600, seed));
        let production = env(&impact, "production");
        for t in &production.transitions {
            prop_assert_eq!(t.to.as_deref(), Some("on"));
            prop_assert_eq!(t.from.as_deref(), Some("off"));
        }
        let moved: u32 = production.transitions.iter().map(|t| t.count).sum();
        prop_assert_eq!(moved, production.changed);
        prop_assert_eq!(impact.triggers.len(), 1);
    }
}
