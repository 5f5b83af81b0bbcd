//! Which draft changes can move people between variations, in words: rollout weights, the
//! order of variations inside a rollout (buckets are handed out in that order), `bucketBy`
//! (a rollout's or the project's), ramps, rule order, rules added or removed or with a new
//! condition or serve, individual targets, the kill switch, schedule steps.

use crate::checked::{Flag, FlagEnv, Phase, Project, Rollout, ServePlan};
use crate::eval::{describe, human_time, percent, quoted};

/// The sentences, per environment of the drafted project ("Production: weights of rule 'EU'
/// changed"); empty when nothing that decides a variation changed.
pub fn triggers(
    base: &Project,
    base_flag: &Flag,
    base_bucket_by: &str,
    current: &Project,
    flag: &Flag,
    bucket_by: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    if base_bucket_by != bucket_by && uses_default_bucket_by(flag, bucket_by) {
        out.push(format!(
            "The project's bucketBy changed ({base_bucket_by} → {bucket_by})"
        ));
    }
    for (env_id, env) in current.environments.iter().enumerate() {
        let before = base
            .env_id(&env.key)
            .and_then(|id| base_flag.envs.get(id))
            .and_then(Option::as_ref);
        let after = flag.envs.get(env_id).and_then(Option::as_ref);
        let mut said = Vec::new();
        let sides = Sides {
            base,
            base_flag,
            current,
            flag,
        };
        match (before, after) {
            (None, None) => {}
            (None, Some(_)) => said.push("the flag is configured now (it was not)".to_owned()),
            (Some(_), None) => said.push("the flag is no longer configured".to_owned()),
            (Some(b), Some(a)) => sides.env_changes(b, a, &mut said),
        }
        out.extend(said.into_iter().map(|s| format!("{}: {s}", env.name)));
    }
    out
}

/// Whether any rollout or ramp of `flag` buckets by the project's default.
fn uses_default_bucket_by(flag: &Flag, bucket_by: &str) -> bool {
    flag.envs.iter().flatten().any(|env| {
        env.timeline.iter().any(|phase| {
            std::iter::once(&phase.fallthrough)
                .chain(&phase.rule_serves)
                .any(|plan| match plan {
                    ServePlan::Rollout(r) => r.bucket_by == bucket_by,
                    ServePlan::Ramp(r) => r.bucket_by == bucket_by,
                    _ => false,
                })
        })
    })
}

struct Sides<'a> {
    base: &'a Project,
    base_flag: &'a Flag,
    current: &'a Project,
    flag: &'a Flag,
}

impl Sides<'_> {
    fn env_changes(&self, before: &FlagEnv, after: &FlagEnv, said: &mut Vec<String>) {
        if self.targets(before) != self.targets_after(after) {
            said.push("individual targets changed".to_owned());
        }
        let ids = |env: &FlagEnv| env.rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let (old_ids, new_ids) = (ids(before), ids(after));
        for rule in after.rules.iter().filter(|r| !old_ids.contains(&r.id)) {
            said.push(format!("rule {} added", quoted(&rule.name)));
        }
        for rule in before.rules.iter().filter(|r| !new_ids.contains(&r.id)) {
            said.push(format!("rule {} removed", quoted(&rule.name)));
        }
        let common_old: Vec<&String> = old_ids.iter().filter(|id| new_ids.contains(id)).collect();
        let common_new: Vec<&String> = new_ids.iter().filter(|id| old_ids.contains(id)).collect();
        if common_old != common_new {
            said.push("rules reordered".to_owned());
        }
        for rule in &after.rules {
            let Some(old) = before.rules.iter().find(|r| r.id == rule.id) else {
                continue;
            };
            let describe_old = old.when.as_ref().map(|c| describe(self.base, c));
            let describe_new = rule.when.as_ref().map(|c| describe(self.current, c));
            if describe_old != describe_new {
                said.push(format!(
                    "the condition of rule {} changed",
                    quoted(&rule.name)
                ));
            }
        }
        self.timeline_changes(before, after, said);
    }

    /// Individual targets as key → variation key.
    fn targets(&self, env: &FlagEnv) -> Vec<(String, String)> {
        target_list(env, self.base_flag)
    }

    fn targets_after(&self, env: &FlagEnv) -> Vec<(String, String)> {
        target_list(env, self.flag)
    }

    /// Phases matched by their start: the base configuration and each schedule step.
    fn timeline_changes(&self, before: &FlagEnv, after: &FlagEnv, said: &mut Vec<String>) {
        for phase in &after.timeline {
            let Some(old) = before.timeline.iter().find(|p| p.start == phase.start) else {
                said.push(format!(
                    "a schedule step at {} added",
                    human_time(phase.start)
                ));
                continue;
            };
            let when = match phase.step {
                None => String::new(),
                Some(_) => format!(" in the step of {}", human_time(phase.start)),
            };
            self.phase_changes(before, old, after, phase, &when, said);
        }
        for old in &before.timeline {
            if !after.timeline.iter().any(|p| p.start == old.start) {
                said.push(format!(
                    "the schedule step at {} removed",
                    human_time(old.start)
                ));
            }
        }
    }

    fn phase_changes(
        &self,
        before_env: &FlagEnv,
        before: &Phase,
        after_env: &FlagEnv,
        after: &Phase,
        when: &str,
        said: &mut Vec<String>,
    ) {
        if before.enabled != after.enabled {
            let now = if after.enabled {
                "switched on"
            } else {
                "switched off"
            };
            said.push(format!("the flag is {now}{when}"));
        }
        self.serve_changes(
            &before.fallthrough,
            &after.fallthrough,
            &format!("the fallthrough{when}"),
            said,
        );
        for (i, rule) in after_env.rules.iter().enumerate() {
            let Some(old_index) = before_env.rules.iter().position(|r| r.id == rule.id) else {
                continue;
            };
            let (Some(old), Some(new)) =
                (before.rule_serves.get(old_index), after.rule_serves.get(i))
            else {
                continue;
            };
            self.serve_changes(
                old,
                new,
                &format!("rule {}{when}", quoted(&rule.name)),
                said,
            );
        }
    }

    fn serve_changes(
        &self,
        old: &ServePlan,
        new: &ServePlan,
        origin: &str,
        said: &mut Vec<String>,
    ) {
        match (old, new) {
            (ServePlan::Variation(a), ServePlan::Variation(b)) => {
                let (a, b) = (variation(self.base_flag, *a), variation(self.flag, *b));
                if a != b {
                    said.push(format!(
                        "{origin} serves {} now (was {})",
                        quoted(b),
                        quoted(a)
                    ));
                }
            }
            (ServePlan::Rollout(a), ServePlan::Rollout(b)) => {
                self.rollout_changes(a, b, origin, said)
            }
            (ServePlan::Ramp(a), ServePlan::Ramp(b)) => {
                let shape = |flag: &Flag, r: &crate::checked::RampPlan| {
                    (
                        variation(flag, r.variation).to_owned(),
                        variation(flag, r.rest).to_owned(),
                        r.points.clone(),
                    )
                };
                if shape(self.base_flag, a) != shape(self.flag, b) {
                    said.push(format!("the ramp of {origin} changed"));
                }
                if a.bucket_by != b.bucket_by {
                    said.push(format!(
                        "bucketBy of {origin} changed ({} → {})",
                        a.bucket_by, b.bucket_by
                    ));
                }
            }
            (ServePlan::JsonLogic(a), ServePlan::JsonLogic(b)) => {
                if a.source != b.source {
                    said.push(format!("the advanced JsonLogic of {origin} changed"));
                }
            }
            _ => said.push(format!(
                "{origin} serves {} now (was {})",
                self.plan_words(self.flag, new),
                self.plan_words(self.base_flag, old)
            )),
        }
    }

    fn rollout_changes(&self, a: &Rollout, b: &Rollout, origin: &str, said: &mut Vec<String>) {
        let weights = |flag: &Flag, r: &Rollout| {
            let mut w: Vec<(String, u32)> = r
                .buckets
                .iter()
                .filter(|(_, w)| *w > 0)
                .map(|(v, w)| (variation(flag, *v).to_owned(), *w))
                .collect();
            let order: Vec<String> = w.iter().map(|(v, _)| v.clone()).collect();
            w.sort();
            (w, order)
        };
        let (old_weights, old_order) = weights(self.base_flag, a);
        let (new_weights, new_order) = weights(self.flag, b);
        if old_weights != new_weights {
            let shares: Vec<String> = new_weights
                .iter()
                .map(|(v, w)| format!("{v} {}", percent(*w)))
                .collect();
            said.push(format!(
                "weights of {origin} changed (now {})",
                shares.join(", ")
            ));
        } else if old_order != new_order {
            said.push(format!("variation order of {origin}'s rollout changed"));
        }
        if a.bucket_by != b.bucket_by {
            said.push(format!(
                "bucketBy of {origin} changed ({} → {})",
                a.bucket_by, b.bucket_by
            ));
        }
    }

    fn plan_words(&self, flag: &Flag, plan: &ServePlan) -> String {
        match plan {
            ServePlan::Variation(v) => quoted(variation(flag, *v)),
            ServePlan::Rollout(_) => "a rollout".to_owned(),
            ServePlan::Ramp(_) => "a ramp".to_owned(),
            ServePlan::JsonLogic(_) => "advanced JsonLogic".to_owned(),
        }
    }
}

fn variation(flag: &Flag, id: usize) -> &str {
    flag.variations.get(id).map_or("?", |v| v.key.as_str())
}

fn target_list(env: &FlagEnv, flag: &Flag) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = env
        .target_lookup
        .iter()
        .map(|(key, v)| (key.clone(), variation(flag, *v).to_owned()))
        .collect();
    list.sort();
    list
}
