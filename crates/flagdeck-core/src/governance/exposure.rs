//! Emergency changes: does a change only reduce exposure?
//!
//! "Exposure" is how much traffic gets something other than the environment's `offVariation`.
//! A change reduces exposure when every entity it changes is an existing flag whose definition
//! stays the same, whose set of configured environments stays the same, and where each changed
//! environment changes only in these ways (each field equal or changed as allowed):
//! - `enabled` goes from `true` to `false` (the kill switch);
//! - schedule steps are removed (stopping or pausing a schedule), the kept ones unchanged and in
//!   order, and no removed step lowers exposure itself (turns the flag off or gives the off
//!   variation more weight than the state before it), since removing such a step would raise it;
//! - the fallthrough's or a rule's serve gives the off variation at least the weight it had and
//!   every other variation at most the weight it had (lowering a rollout, serving off).
//!
//! Everything else is not an emergency: creating or deleting a flag, new or edited rules,
//! targets, segments (their membership moves people in every environment), the project,
//! `policy.json`, `people/`. Weights are compared as numbers read from the same kind of file on
//! both sides; only their order matters here, never a sum.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::ChangeRequest;
use super::touched::{EntityKind, classify};
use crate::model::{FlagEnvironment, FlagFile, ScheduleStep, Serve};

/// `Ok` when every entity change only reduces exposure; otherwise one sentence per reason.
pub fn reduces_exposure(change: &ChangeRequest) -> Result<(), Vec<String>> {
    let mut reasons = Vec::new();
    if change.entities.is_empty() {
        reasons.push("The change request changes nothing.".to_owned());
    }
    for entity in &change.entities {
        let path = entity.path.as_str();
        let key = match classify(path) {
            EntityKind::Flag(key) => key,
            EntityKind::Segment(_) => {
                reasons.push(format!(
                    "{path}: a segment change moves people in every environment, so it is not an emergency change."
                ));
                continue;
            }
            EntityKind::Project => {
                reasons.push(format!(
                    "{path}: a project change is not an emergency change."
                ));
                continue;
            }
            EntityKind::Policy | EntityKind::Person(_) | EntityKind::Other => {
                reasons.push(format!(
                    "{path}: a governance change is never an emergency change."
                ));
                continue;
            }
        };
        let (Some(before), Some(after)) = (&entity.before, &entity.after) else {
            reasons.push(format!(
                "Flag '{key}': creating or deleting a flag is not an emergency change."
            ));
            continue;
        };
        match (decode(before), decode(after)) {
            (Some(b), Some(a)) => flag_reasons(key, &b, &a, &mut reasons),
            _ => reasons.push(format!(
                "Flag '{key}': one side is not a valid flag, so the change cannot be shown to reduce exposure."
            )),
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

fn decode(value: &Value) -> Option<FlagFile> {
    serde_json::from_value(value.clone()).ok()
}

fn flag_reasons(key: &str, before: &FlagFile, after: &FlagFile, reasons: &mut Vec<String>) {
    let mut b = before.clone();
    let mut a = after.clone();
    b.environments.clear();
    a.environments.clear();
    if a != b {
        reasons.push(format!(
            "Flag '{key}': its definition changes (not only environments), which is not an emergency change."
        ));
        return;
    }
    let mut env_keys: Vec<&String> = before.environments.keys().collect();
    env_keys.extend(
        after
            .environments
            .keys()
            .filter(|k| !before.environments.contains_key(*k)),
    );
    for env in env_keys {
        match (before.environments.get(env), after.environments.get(env)) {
            (Some(b), Some(a)) if a == b => {}
            (Some(b), Some(a)) => env_reasons(key, env, b, a, reasons),
            _ => reasons.push(format!(
                "Flag '{key}' in {env}: adding or removing an environment's configuration is not an emergency change."
            )),
        }
    }
}

fn env_reasons(
    key: &str,
    env: &str,
    before: &FlagEnvironment,
    after: &FlagEnvironment,
    reasons: &mut Vec<String>,
) {
    let mut say = |what: &str| reasons.push(format!("Flag '{key}' in {env}: {what}."));
    let off = before.off_variation.as_deref();
    if before.enabled != after.enabled && after.enabled {
        say("turning the flag on raises exposure");
    }
    if before.off_variation != after.off_variation {
        say("changing the off variation is not an emergency change");
    }
    if before.targets != after.targets {
        say("changing individual targets is not an emergency change");
    }
    if !lowers_or_keeps(off, &before.fallthrough, &after.fallthrough) {
        say("the new fallthrough does not only lower exposure");
    }
    let same_rules = before.rules.len() == after.rules.len()
        && before.rules.iter().zip(&after.rules).all(|(b, a)| {
            b.id == a.id && b.name == a.name && b.description == a.description && b.when == a.when
        });
    if !same_rules {
        say("adding, removing or editing rules is not an emergency change");
    } else {
        for (b, a) in before.rules.iter().zip(&after.rules) {
            if !lowers_or_keeps(off, &b.serve, &a.serve) {
                say(&format!(
                    "the new serve of rule '{}' does not only lower exposure",
                    b.id
                ));
            }
        }
    }
    if before.schedule != after.schedule
        && let Err(why) = schedule_only_stops(before, &after.schedule)
    {
        say(&why);
    }
}

/// Each variation's weight in a serve (a single variation weighs 100); `None` for a ramp or
/// JsonLogic, which cannot be compared.
fn weights(serve: &Serve) -> Option<BTreeMap<&str, f64>> {
    if serve.ramp.is_some() || serve.json_logic.is_some() {
        return None;
    }
    match (&serve.variation, &serve.rollout) {
        (Some(v), None) => Some(BTreeMap::from([(v.as_str(), 100.0)])),
        (None, Some(rollout)) => {
            let mut map = BTreeMap::new();
            for w in rollout {
                *map.entry(w.variation.as_str()).or_insert(0.0) += w.weight.as_f64()?;
            }
            Some(map)
        }
        _ => None,
    }
}

/// Whether `after` gives `off` at least the weight `before` did and every other variation at
/// most its weight. Without an off variation nothing but an unchanged serve qualifies.
fn lowers_or_keeps(off: Option<&str>, before: &Serve, after: &Serve) -> bool {
    if before == after {
        return true;
    }
    let (Some(off), Some(b), Some(a)) = (off, weights(before), weights(after)) else {
        return false;
    };
    let weight = |m: &BTreeMap<&str, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);
    weight(&a, off) >= weight(&b, off)
        && a.keys()
            .chain(b.keys())
            .filter(|k| **k != off)
            .all(|k| weight(&a, k) <= weight(&b, k))
}

/// A ramp step whose removal leaves the single variation served before it, when that is the
/// off variation (the ramp only moved traffic away from off) or the ramp's own variation.
fn ramp_away_from(off: Option<&str>, prev: &Serve, next: &Serve) -> bool {
    let (Some(ramp), Some(previous)) = (&next.ramp, &prev.variation) else {
        return false;
    };
    prev.rollout.is_none()
        && prev.ramp.is_none()
        && prev.json_logic.is_none()
        && (Some(previous.as_str()) == off || *previous == ramp.variation)
}

/// The schedule after is the one before with some steps removed, none of which lowered
/// exposure when it came.
fn schedule_only_stops(before: &FlagEnvironment, after: &[ScheduleStep]) -> Result<(), String> {
    let off = before.off_variation.as_deref();
    // The state just before each step: enabled, fallthrough, and each rule's serve.
    let mut enabled = before.enabled;
    let mut fallthrough = before.fallthrough.clone();
    let mut rules: BTreeMap<String, Serve> = before
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.serve.clone()))
        .collect();
    let mut kept = after.iter().peekable();
    for step in &before.schedule {
        if kept.peek().is_some_and(|k| *k == step) {
            kept.next();
        } else {
            if step.enabled == Some(false) && enabled {
                return Err(format!(
                    "removing the step at {} would keep the flag on when it was due to be turned off",
                    step.at
                ));
            }
            let raises = |prev: &Serve, next: &Serve| {
                lowers_or_keeps(off, next, prev) || ramp_away_from(off, prev, next)
            };
            let fallthrough_ok = step
                .fallthrough
                .as_ref()
                .is_none_or(|s| raises(&fallthrough, s));
            let rules_ok = step
                .rules
                .iter()
                .all(|(id, o)| rules.get(id).is_some_and(|prev| raises(prev, &o.serve)));
            if !fallthrough_ok || !rules_ok {
                return Err(format!(
                    "removing the step at {} does not only lower exposure",
                    step.at
                ));
            }
        }
        if let Some(e) = step.enabled {
            enabled = e;
        }
        if let Some(s) = &step.fallthrough {
            fallthrough = s.clone();
        }
        for (id, o) in &step.rules {
            rules.insert(id.clone(), o.serve.clone());
        }
    }
    if kept.next().is_some() {
        return Err("the schedule gains or changes steps, which is not an emergency change".into());
    }
    Ok(())
}
