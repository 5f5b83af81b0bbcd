//! A schedule step in plain words: "Everyone gets On", "Rollout: On 5%, Off 95%",
//! "Kill switch on", "Rule 'EU' serves On", "Ramp On 0% → 100% until Sat 5 Dec 2026 09:00 UTC".
//! Percentages and instants are worded as in evaluation's explanations.

use serde_json::Number;

use crate::eval::explain::{human_time, percent};
use crate::governance::exposure::thousandths;
use crate::model::{FlagEnvironment, FlagFile, Ramp, ScheduleStep, Serve};

/// What the step changes, its parts joined by "; ".
pub fn step_summary(flag: &FlagFile, env: &FlagEnvironment, step: &ScheduleStep) -> String {
    let mut parts = Vec::new();
    match step.enabled {
        Some(false) => parts.push("Kill switch on".to_owned()),
        Some(true) => parts.push("Kill switch off".to_owned()),
        None => {}
    }
    if let Some(serve) = &step.fallthrough {
        // Rules and targets come first: the default rule serves everyone else.
        let who = if env.rules.is_empty() && env.targets.is_empty() {
            "Everyone"
        } else {
            "Everyone else"
        };
        parts.push(match &serve.variation {
            Some(v) if serve.rollout.is_none() && serve.ramp.is_none() => {
                format!("{who} gets {}", label(flag, v))
            }
            _ => capitalize(&serve_words(flag, serve)),
        });
    }
    for (rule_id, change) in &step.rules {
        let name = env
            .rules
            .iter()
            .find(|r| r.id == *rule_id)
            .and_then(|r| r.name.as_deref())
            .unwrap_or(rule_id);
        parts.push(format!(
            "Rule '{name}' {}",
            serve_words(flag, &change.serve)
        ));
    }
    if parts.is_empty() {
        return "Changes nothing".to_owned();
    }
    parts.join("; ")
}

/// A serve in words, lower case: "rollout: On 5%, Off 95%", "ramp On 0% → 100% until …".
pub fn serve_words(flag: &FlagFile, serve: &Serve) -> String {
    if let Some(ramp) = &serve.ramp {
        return ramp_words(flag, ramp);
    }
    if let Some(rollout) = &serve.rollout {
        let shares: Vec<String> = rollout
            .iter()
            .map(|w| format!("{} {}", label(flag, &w.variation), weight(&w.weight)))
            .collect();
        return format!("rollout: {}", shares.join(", "));
    }
    if let Some(v) = &serve.variation {
        return format!("serves {}", label(flag, v));
    }
    if serve.json_logic.is_some() {
        return "custom targeting (JsonLogic)".to_owned();
    }
    "serves nothing".to_owned()
}

fn ramp_words(flag: &FlagFile, ramp: &Ramp) -> String {
    let until = crate::instant::parse_rfc3339(&ramp.to)
        .map_or_else(|| ramp.to.clone(), |p| with_weekday(p.seconds));
    format!(
        "ramp {} {} → {} until {until}",
        label(flag, &ramp.variation),
        weight(&ramp.from_weight),
        weight(&ramp.to_weight)
    )
}

/// `Fri 10 Dec 2027 09:00 UTC`: a ramp's end is read as a working day.
fn with_weekday(seconds: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(seconds)
        .map(|t| t.weekday().to_string())
        .unwrap_or_default();
    let short: String = day.chars().take(3).collect();
    if short.is_empty() {
        human_time(seconds)
    } else {
        format!("{short} {}", human_time(seconds))
    }
}

/// A variation by its name, or its key when it has none.
fn label(flag: &FlagFile, key: &str) -> String {
    flag.variations
        .iter()
        .find(|v| v.key == key)
        .and_then(|v| v.name.clone())
        .unwrap_or_else(|| key.to_owned())
}

fn weight(n: &Number) -> String {
    thousandths(n)
        .and_then(|t| u32::try_from(t).ok())
        .map_or_else(|| format!("{n}%"), percent)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
