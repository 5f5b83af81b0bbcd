//! One flag: variations, per-environment configuration, and its schedule unfolded into phases.

use std::collections::{HashMap, HashSet};

use super::serve::{self, Draft, Variations};
use super::{Loc, Scope, check_entity_key, cond};
use crate::checked::{self, Phase, RampPlan, ServePlan, VariationId, ramp_points};
use crate::diag::Code;
use crate::model::{FlagEnvironment, FlagFile, ScheduleStep};

/// Checks one flag file; `None` when it cannot be resolved (problems already reported).
pub(crate) fn check(scope: &mut Scope<'_>, path: &str, file: &FlagFile) -> Option<checked::Flag> {
    let key_ok = check_entity_key(scope, path, &file.key, "flag");
    let loc = Loc::new(path);
    let variations = check_variations(scope, &loc, file);
    let vars = Variations {
        flag_key: &file.key,
        ids: &variations,
    };
    let mut envs: Vec<Option<checked::FlagEnv>> = vec![None; scope.environments.len()];
    let mut ok = key_ok;
    for (env_key, config) in &file.environments {
        let environments_loc = loc.at("environments");

        let eloc = environments_loc.at(env_key);
        let Some(env_id) = scope.env_id(env_key) else {
            let known: Vec<String> = scope.environments.iter().map(|e| e.key.clone()).collect();
            scope.error(
                Code::UnknownEnvironment,
                path,
                eloc.pointer(),
                format!("'{}' is configured for the environment '{env_key}', which flagdeck.json does not declare (environments: {}).", file.name, known.join(", ")),
            );
            ok = false;
            continue;
        };
        let env_name = scope.environments[env_id].name.clone();
        match check_env(scope, &eloc, config, &vars, &env_name) {
            Some(env) => envs[env_id] = Some(env),
            None => ok = false,
        }
    }
    if !ok || variations.len() != file.variations.len() {
        return None;
    }
    Some(checked::Flag {
        key: file.key.clone(),
        name: file.name.clone(),
        kind: file.kind,
        variations: file
            .variations
            .iter()
            .map(|v| checked::FlagVariation {
                key: v.key.clone(),
                value: v.value.clone(),
            })
            .collect(),
        envs,
    })
}

/// Variation keys (unique, usable as flagd variant names) and values of the flag's type.
/// Returns the ids of the well-formed ones.
fn check_variations(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    file: &FlagFile,
) -> HashMap<String, VariationId> {
    let mut ids = HashMap::new();
    if file.variations.is_empty() {
        scope.error(
            Code::InvalidStructure,
            loc.file,
            "/variations",
            format!(
                "'{}' has no variations; a flag needs at least one.",
                file.name
            ),
        );
    }
    for (i, variation) in file.variations.iter().enumerate() {
        let variations_loc = loc.at("variations");

        let vloc = variations_loc.at(i);
        let key = &variation.key;
        let mut good = true;
        if key.is_empty() || key.chars().count() > 128 || key.chars().any(char::is_control) {
            scope.error(
                Code::InvalidKey,
                loc.file,
                vloc.at("key").pointer(),
                format!("The variation key '{key}' is not valid: use 1 to 128 characters, no control characters."),
            );
            good = false;
        } else if ids.contains_key(key) {
            scope.error(
                Code::DuplicateKey,
                loc.file,
                vloc.at("key").pointer(),
                format!("'{}' has two variations called '{key}'.", file.name),
            );
            good = false;
        }
        if !file.kind.admits(&variation.value) {
            scope.error(
                Code::WrongValueType,
                loc.file,
                vloc.at("value").pointer(),
                format!(
                    "The variation '{key}' of '{}' is {}, but the flag's type is {}.",
                    file.name,
                    cond::describe(&variation.value),
                    file.kind.as_str()
                ),
            );
            good = false;
        }
        if good {
            ids.insert(key.clone(), i);
        }
    }
    ids
}

fn check_env(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    config: &FlagEnvironment,
    vars: &Variations<'_>,
    env_name: &str,
) -> Option<checked::FlagEnv> {
    let mut ok = true;
    let off_variation = match &config.off_variation {
        None => None,
        Some(key) => match vars.ids.get(key) {
            Some(id) => Some(*id),
            None => {
                scope.error(
                    Code::UnknownVariation,
                    loc.file,
                    loc.at("offVariation").pointer(),
                    format!(
                        "In {env_name}, the off variation '{key}' is not a variation of '{}'.",
                        vars.flag_key
                    ),
                );
                ok = false;
                None
            }
        },
    };
    let (targets, target_lookup) = check_targets(scope, loc, config, vars, env_name)?;
    let mut rules = Vec::with_capacity(config.rules.len());
    let mut base_serves = Vec::with_capacity(config.rules.len());
    let mut rule_ids: HashMap<&str, usize> = HashMap::new();
    for (i, rule) in config.rules.iter().enumerate() {
        let rules_loc = loc.at("rules");

        let rloc = rules_loc.at(i);
        let name = rule.name.clone().unwrap_or_else(|| rule.id.clone());
        let who = format!("Rule '{name}' in {env_name}");
        if rule.id.is_empty()
            || rule.id.chars().count() > 128
            || rule.id.chars().any(char::is_control)
        {
            scope.error(
                Code::InvalidKey,
                loc.file,
                rloc.at("id").pointer(),
                format!("{who} needs an id of 1 to 128 characters."),
            );
            ok = false;
        } else if rule_ids.insert(&rule.id, i).is_some() {
            scope.error(
                Code::DuplicateRuleId,
                loc.file,
                rloc.at("id").pointer(),
                format!(
                    "Two rules in {env_name} have the id '{}'; rule ids must differ.",
                    rule.id
                ),
            );
            ok = false;
        }
        let when = match &rule.when {
            None => Some(None),
            Some(c) => cond::check(scope, &rloc.at("when"), c, &mut Vec::new()).map(Some),
        };
        let serve = plan(serve::check(
            scope,
            &rloc.at("serve"),
            &rule.serve,
            vars,
            &who,
            None,
        ));
        match (when, serve) {
            (Some(when), Some(serve)) => {
                rules.push(checked::Rule {
                    id: rule.id.clone(),
                    name,
                    when,
                });
                base_serves.push(serve);
            }
            _ => ok = false,
        }
    }
    let fallthrough = plan(serve::check(
        scope,
        &loc.at("fallthrough"),
        &config.fallthrough,
        vars,
        &format!("The default rule in {env_name}"),
        None,
    ));
    let base = Phase {
        start: i64::MIN,
        step: None,
        enabled: config.enabled,
        fallthrough: fallthrough?,
        rule_serves: base_serves,
    };
    if !ok {
        return None;
    }
    let timeline = unfold_schedule(
        scope,
        loc,
        &config.schedule,
        base,
        &rule_ids,
        vars,
        env_name,
    )?;
    Some(checked::FlagEnv {
        off_variation,
        targets,
        target_lookup,
        rules,
        timeline,
    })
}

fn plan(draft: Option<Draft>) -> Option<ServePlan> {
    match draft? {
        Draft::Plan(p) => Some(p),
        // serve::check refuses ramps outside schedule steps.
        Draft::Ramp(_) => None,
    }
}

type Targets = (Vec<checked::Target>, HashMap<String, VariationId>);

fn check_targets(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    config: &FlagEnvironment,
    vars: &Variations<'_>,
    env_name: &str,
) -> Option<Targets> {
    let mut targets = Vec::new();
    let mut lookup: HashMap<String, VariationId> = HashMap::new();
    let mut ok = true;
    for (i, target) in config.targets.iter().enumerate() {
        let targets_loc = loc.at("targets");

        let tloc = targets_loc.at(i);
        let Some(variation) = vars.ids.get(&target.variation).copied() else {
            scope.error(
                Code::UnknownVariation,
                loc.file,
                tloc.at("variation").pointer(),
                format!("Individual targets in {env_name} point to '{}', which is not a variation of '{}'.", target.variation, vars.flag_key),
            );
            ok = false;
            continue;
        };
        for (j, key) in target.keys.iter().enumerate() {
            match lookup.get(key) {
                Some(other) if *other != variation => {
                    scope.error(
                        Code::TargetConflict,
                        loc.file,
                        tloc.at("keys").at(j).pointer(),
                        format!("'{key}' is an individual target of two variations in {env_name}; keep it under one."),
                    );
                    ok = false;
                }
                Some(_) => scope.warning(
                    Code::DuplicateKey,
                    loc.file,
                    tloc.at("keys").at(j).pointer(),
                    format!("'{key}' is listed twice."),
                ),
                None => {
                    lookup.insert(key.clone(), variation);
                }
            }
        }
        targets.push(checked::Target {
            variation,
            keys: target.keys.clone(),
        });
    }
    ok.then_some((targets, lookup))
}

/// Applies the schedule's steps one after the other: each phase is the previous one with the
/// step's changes. Steps must be in time order, at distinct instants.
fn unfold_schedule(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    steps: &[ScheduleStep],
    base: Phase,
    rule_ids: &HashMap<&str, usize>,
    vars: &Variations<'_>,
    env_name: &str,
) -> Option<Vec<Phase>> {
    let mut timeline = vec![base];
    let mut ok = true;
    let mut seen_at: HashSet<i64> = HashSet::new();
    for (i, step) in steps.iter().enumerate() {
        let schedule_loc = loc.at("schedule");

        let sloc = schedule_loc.at(i);
        let who = format!("The schedule step of {} in {env_name}", step.at);
        let Some(at) = serve::instant_field(scope, &sloc.at("at"), &step.at, &who) else {
            ok = false;
            continue;
        };
        let previous = timeline.last()?;
        if !seen_at.insert(at) {
            scope.error(
                Code::ScheduleSameInstant,
                loc.file,
                sloc.at("at").pointer(),
                format!(
                    "Two schedule steps in {env_name} are at {}; merge them into one step.",
                    step.at
                ),
            );
            ok = false;
            continue;
        }
        if at < previous.start {
            scope.error(
                Code::ScheduleOutOfOrder,
                loc.file,
                sloc.at("at").pointer(),
                format!("The schedule step of {} in {env_name} comes after a later step; order the steps by time.", step.at),
            );
            ok = false;
            continue;
        }
        if step.enabled.is_none() && step.fallthrough.is_none() && step.rules.is_empty() {
            scope.warning(
                Code::InvalidServe,
                loc.file,
                sloc.pointer(),
                format!("{who} changes nothing."),
            );
        }
        let mut phase = Phase {
            start: at,
            step: Some(i),
            ..previous.clone()
        };
        if let Some(enabled) = step.enabled {
            phase.enabled = enabled;
        }
        if let Some(serve) = &step.fallthrough {
            let who = format!("{who} (default rule)");
            match resolve(
                scope,
                &sloc.at("fallthrough"),
                serve,
                vars,
                &who,
                at,
                &previous.fallthrough,
            ) {
                Some(p) => phase.fallthrough = p,
                None => ok = false,
            }
        }
        for (rule_id, change) in &step.rules {
            let rules_loc = sloc.at("rules");

            let rloc = rules_loc.at(rule_id);
            let Some(index) = rule_ids.get(rule_id.as_str()).copied() else {
                scope.error(
                    Code::UnknownRule,
                    loc.file,
                    rloc.pointer(),
                    format!("{who} changes the rule '{rule_id}', which {env_name} does not have."),
                );
                ok = false;
                continue;
            };
            let Some(before) = previous.rule_serves.get(index) else {
                ok = false;
                continue;
            };
            let who = format!("{who} (rule '{rule_id}')");
            match resolve(
                scope,
                &rloc.at("serve"),
                &change.serve,
                vars,
                &who,
                at,
                before,
            ) {
                Some(p) => phase.rule_serves[index] = p,
                None => ok = false,
            }
        }
        timeline.push(phase);
    }
    ok.then_some(timeline)
}

/// A step's serve; a ramp takes the single variation served before the step as the rest.
fn resolve(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    serve: &crate::model::Serve,
    vars: &Variations<'_>,
    who: &str,
    at: i64,
    before: &ServePlan,
) -> Option<ServePlan> {
    match serve::check(scope, loc, serve, vars, who, Some(at))? {
        Draft::Plan(p) => Some(p),
        Draft::Ramp(r) => {
            let ServePlan::Variation(rest) = before else {
                scope.error(
                    Code::InvalidRamp,
                    loc.file,
                    loc.pointer(),
                    format!("{who}: a ramp must follow a single variation, but before this step a rollout or ramp is served; add a step that serves one variation first."),
                );
                return None;
            };
            if *rest == r.variation {
                scope.error(
                    Code::InvalidRamp,
                    loc.file,
                    loc.at("ramp").at("variation").pointer(),
                    format!("{who}: the ramp moves traffic to the variation that is already served to everyone."),
                );
                return None;
            }
            Some(ServePlan::Ramp(RampPlan {
                variation: r.variation,
                rest: *rest,
                bucket_by: r.bucket_by,
                from: r.from,
                to: r.to,
                points: ramp_points(r.from, r.to, r.from_weight, r.to_weight),
            }))
        }
    }
}
