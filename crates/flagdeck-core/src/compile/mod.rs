//! Compiling a validated project to a flagd flag-definition file (DESIGN §5).
//!
//! The contract: for every flag, context and instant, `@openfeature/flagd-core` evaluating the
//! compiled file gives the value and variant that Flagdeck's own evaluation gives. flagd's
//! JsonLogic coerces, throws and substitutes text in ways that would break that; FLAGD-NOTES.md
//! lists them, and the submodules guard against each:
//!
//! - [`cond`]: conditions as "definitely true" / "definitely false" forms, segments as
//!   `$evaluators`;
//! - [`guards`]: the type guards that keep missing and mistyped attributes from matching;
//! - [`serve`]: variations, rollouts and ramps as `if` branch values;
//! - [`logic`]: JsonLogic builders that fold constants.
//!
//! Per flag and environment:
//! - not configured, or disabled in every phase without an off variation: `state: DISABLED`;
//! - disabled in every phase with an off variation: `defaultVariant` = off, no targeting;
//! - otherwise the timeline as an `if` over `$flagd.timestamp` (newest phase first), each phase
//!   an `if` over targets, rules and the fallthrough; `defaultVariant` is the off variation, if
//!   any, so a targeting result of `null` means the off variation or, without one, the code
//!   default. A targeting that folds to one variation becomes `defaultVariant` alone (the schema
//!   wants targeting to be an object).
//!
//! Output is deterministic: flags and evaluators in key order, no maps with hash order.

mod cond;
mod guards;
mod logic;
mod serve;

use serde_json::{Map, Value, json};

use crate::checked::{EnvId, Flag, FlagEnv, Phase, Project, ServePlan};
use cond::{CondCompiler, Form};
use logic::{and, contains_ref, if_chain, in_list, strict_ne, targeting_key};
use serve::Window;

/// The `$schema` of every compiled file.
pub const FLAGD_SCHEMA_URL: &str = "https://flagd.dev/schema/v0/flags.json";

/// The flagd document for one environment.
pub fn compile(project: &Project, env: EnvId) -> Value {
    let use_evaluators = !project.flags.iter().any(|flag| holds_ref(flag, env));
    let mut conds = CondCompiler::new(project, use_evaluators);
    let mut sorted: Vec<&Flag> = project.flags.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    let mut flags = Map::new();
    for flag in sorted {
        flags.insert(flag.key.clone(), compile_flag(flag, env, &mut conds));
    }
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(FLAGD_SCHEMA_URL));
    doc.insert("flags".into(), Value::Object(flags));
    let evaluators = conds.into_evaluators();
    if !evaluators.is_empty() {
        doc.insert(
            "$evaluators".into(),
            Value::Object(evaluators.into_iter().collect()),
        );
    }
    Value::Object(doc)
}

/// The canonical text of [`compile`]: the same project and environment give the same bytes.
pub fn compile_text(project: &Project, env: EnvId) -> String {
    crate::format::to_canonical_json(&compile(project, env))
}

fn flag_env(flag: &Flag, env: EnvId) -> Option<&FlagEnv> {
    flag.envs.get(env).and_then(Option::as_ref)
}

/// Whether the flag's part of the document holds a `{"$ref": ...}` object of its own, in an
/// object variation's value or in verbatim JsonLogic: flagd substitutes evaluators into the
/// whole document by text, so that document then defines none (segments are inlined).
fn holds_ref(flag: &Flag, env: EnvId) -> bool {
    if flag.variations.iter().any(|v| contains_ref(&v.value)) {
        return true;
    }
    let Some(fe) = flag_env(flag, env) else {
        return false;
    };
    fe.timeline
        .iter()
        .flat_map(|phase| phase.rule_serves.iter().chain([&phase.fallthrough]))
        .any(|plan| matches!(plan, ServePlan::JsonLogic(logic) if contains_ref(&logic.source)))
}

fn compile_flag(flag: &Flag, env: EnvId, conds: &mut CondCompiler<'_>) -> Value {
    let variants: Map<String, Value> = flag
        .variations
        .iter()
        .map(|v| (v.key.clone(), v.value.clone()))
        .collect();
    let Some(fe) = flag_env(flag, env) else {
        return flag_object("DISABLED", variants, None, None);
    };
    let off = fe
        .off_variation
        .map_or(Value::Null, |v| serve::variation_key(flag, v));
    let off_key = off.as_str().map(str::to_owned);
    if fe.timeline.iter().all(|phase| !phase.enabled) {
        return match off_key {
            None => flag_object("DISABLED", variants, None, None),
            Some(key) => flag_object("ENABLED", variants, Some(key), None),
        };
    }
    match timeline(flag, fe, &off, conds) {
        // A constant result is served as `defaultVariant` with no targeting: the same variant.
        Value::String(key) => flag_object("ENABLED", variants, Some(key), None),
        // `null` from targeting means `defaultVariant` anyway.
        Value::Null => flag_object("ENABLED", variants, off_key, None),
        targeting @ Value::Object(_) => flag_object("ENABLED", variants, off_key, Some(targeting)),
        // A constant that is not a key (verbatim JsonLogic can be anything): keep flagd's
        // conversion of it by returning it from a trivial `if`.
        other => flag_object(
            "ENABLED",
            variants,
            off_key,
            Some(json!({ "if": [true, other, null] })),
        ),
    }
}

fn flag_object(
    state: &str,
    variants: Map<String, Value>,
    default_variant: Option<String>,
    targeting: Option<Value>,
) -> Value {
    let mut object = Map::new();
    object.insert("state".into(), json!(state));
    object.insert("variants".into(), Value::Object(variants));
    if let Some(key) = default_variant {
        object.insert("defaultVariant".into(), Value::String(key));
    }
    if let Some(targeting) = targeting {
        object.insert("targeting".into(), targeting);
    }
    Value::Object(object)
}

/// Every phase of the timeline, newest first under `$flagd.timestamp >= start`.
fn timeline(flag: &Flag, fe: &FlagEnv, off: &Value, conds: &mut CondCompiler<'_>) -> Value {
    let steps = fe
        .timeline
        .iter()
        .enumerate()
        .map(|(i, phase)| {
            let window = Window {
                start: phase.start,
                end: fe.timeline.get(i + 1).map(|next| next.start),
            };
            (
                phase.start,
                phase_value(flag, fe, phase, off, window, conds),
            )
        })
        .collect();
    serve::by_timestamp(steps)
}

/// One phase: off while disabled; else targets, rules in order, the fallthrough.
fn phase_value(
    flag: &Flag,
    fe: &FlagEnv,
    phase: &Phase,
    off: &Value,
    window: Window,
    conds: &mut CondCompiler<'_>,
) -> Value {
    if !phase.enabled {
        return off.clone();
    }
    let mut pairs = Vec::with_capacity(fe.targets.len() + fe.rules.len());
    for target in &fe.targets {
        let keys = target
            .keys
            .iter()
            .map(|k| Value::String(k.clone()))
            .collect();
        pairs.push((
            in_list(targeting_key(), keys),
            serve::variation_key(flag, target.variation),
        ));
    }
    for (rule, plan) in fe.rules.iter().zip(&phase.rule_serves) {
        let when = rule
            .when
            .as_ref()
            .map_or(Value::Bool(true), |c| conds.rule(c, Form::True));
        match plan {
            // Verbatim JsonLogic answers `null` for "no match, go on": it is also the condition.
            ServePlan::JsonLogic(logic) => {
                let source = logic.source.clone();
                pairs.push((
                    and(vec![when, strict_ne(source.clone(), Value::Null)]),
                    source,
                ));
            }
            plan => pairs.push((when, serve::value(flag, plan, off, window))),
        }
    }
    if_chain(pairs, serve::value(flag, &phase.fallthrough, off, window))
}

#[cfg(test)]
mod node_check;
#[cfg(test)]
mod tests;
