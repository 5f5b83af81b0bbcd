//! The small words of change sentences: names, percentages, instants, lists.

use serde_json::{Number, Value};

use crate::eval::explain::{human_time, percent};
use crate::governance::exposure::thousandths;
use crate::model::{FlagFile, FlagType, ProjectFile, Serve, WeightedVariation};

/// An environment's name in the project, or its key.
pub(super) fn env_name(project: Option<&ProjectFile>, key: &str) -> String {
    project
        .and_then(|p| p.environments.iter().find(|e| e.key == key))
        .map(|e| e.name.trim())
        .filter(|n| !n.is_empty())
        .map_or_else(|| key.to_owned(), str::to_owned)
}

/// `1 Dec 2026 09:00 UTC`; the text itself when it is not RFC 3339.
pub(super) fn human_rfc3339(text: &str) -> String {
    crate::instant::parse_rfc3339(text).map_or_else(|| text.to_owned(), |p| human_time(p.seconds))
}

/// `bucketBy` → `Bucket by`; a few fields by the name people use.
pub(super) fn humanize_key(key: &str) -> String {
    match key {
        "fallthrough" => return "Default serve".to_owned(),
        "enabled" => return "Kill switch".to_owned(),
        "offVariation" => return "Off variation".to_owned(),
        "json_logic" | "jsonLogic" => return "Custom targeting".to_owned(),
        "when" => return "Condition".to_owned(),
        "publicKey" => return "Public key".to_owned(),
        _ => {}
    }
    let mut words = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_uppercase() {
            words.push(' ');
            words.extend(c.to_lowercase());
        } else if i == 0 {
            words.extend(c.to_uppercase());
        } else {
            words.push(c);
        }
    }
    words
}

/// A weight in percent: `5%`, `33.334%`.
pub(super) fn weight(n: &Number) -> String {
    thousandths(n)
        .and_then(|t| u32::try_from(t).ok())
        .map_or_else(|| format!("{n}%"), percent)
}

/// A variation by its name, or its key.
pub(super) fn variation(flag: &FlagFile, key: &str) -> String {
    flag.variations
        .iter()
        .find(|v| v.key == key)
        .and_then(|v| v.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| key.to_owned(), str::to_owned)
}

/// An off variation in words: `Off`, or the application's default when there is none.
pub(super) fn off_variation(flag: &FlagFile, key: Option<&str>) -> String {
    key.map_or_else(
        || "the application's default".to_owned(),
        |k| variation(flag, k),
    )
}

/// The variation a short rollout names by its share: a boolean flag's `true` variation (so
/// "rollout 5%" means 5% get it).
fn headline(flag: &FlagFile, rollout: &[WeightedVariation]) -> Option<String> {
    if flag.kind != FlagType::Boolean || rollout.len() != 2 {
        return None;
    }
    let on = flag
        .variations
        .iter()
        .find(|v| v.value == Value::Bool(true))?;
    rollout
        .iter()
        .any(|w| w.variation == on.key)
        .then(|| on.key.clone())
}

fn share(rollout: &[WeightedVariation], key: &str) -> Option<String> {
    rollout
        .iter()
        .find(|w| w.variation == key)
        .map(|w| weight(&w.weight))
}

/// A serve in words: `On`, `rollout 5%` (a boolean flag), `rollout Blue 50%, Green 50%`,
/// `ramp On 0% → 100% until 8 Dec 2026 09:00 UTC`, `custom targeting`.
pub(super) fn serve(flag: &FlagFile, serve: &Serve) -> String {
    let text = if let Some(ramp) = &serve.ramp {
        format!(
            "ramp {} {} → {} until {}",
            variation(flag, &ramp.variation),
            weight(&ramp.from_weight),
            weight(&ramp.to_weight),
            human_rfc3339(&ramp.to)
        )
    } else if let Some(rollout) = &serve.rollout {
        match headline(flag, rollout).and_then(|h| share(rollout, &h)) {
            Some(share) => format!("rollout {share}"),
            None => {
                let shares: Vec<String> = rollout
                    .iter()
                    .map(|w| format!("{} {}", variation(flag, &w.variation), weight(&w.weight)))
                    .collect();
                format!("rollout {}", shares.join(", "))
            }
        }
    } else if let Some(v) = &serve.variation {
        variation(flag, v)
    } else if serve.json_logic.is_some() {
        "custom targeting".to_owned()
    } else {
        "nothing".to_owned()
    };
    match &serve.bucket_by {
        Some(by) if serve.rollout.is_some() || serve.ramp.is_some() => {
            format!("{text} by {by}")
        }
        _ => text,
    }
}

/// A serve's change in words: `rollout 5% → 25%` when both are rollouts over the same
/// variations (the shares that changed), else `Off → rollout 5%`.
pub(super) fn serve_change(flag: &FlagFile, before: &Serve, after: &Serve) -> String {
    if let (Some(b), Some(a)) = (&before.rollout, &after.rollout)
        && before.bucket_by == after.bucket_by
        && same_variations(b, a)
    {
        if let Some(h) = headline(flag, a)
            && let (Some(from), Some(to)) = (share(b, &h), share(a, &h))
        {
            return format!("rollout {from} → {to}");
        }
        let moved: Vec<String> = a
            .iter()
            .filter_map(|w| {
                let from = share(b, &w.variation)?;
                let to = weight(&w.weight);
                (from != to).then(|| format!("{} {from} → {to}", variation(flag, &w.variation)))
            })
            .collect();
        if !moved.is_empty() {
            return format!("rollout {}", moved.join(", "));
        }
    }
    let (from, to) = (self::serve(flag, before), self::serve(flag, after));
    if from == to {
        format!("{to} (changed)")
    } else {
        format!("{from} → {to}")
    }
}

fn same_variations(a: &[WeightedVariation], b: &[WeightedVariation]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.variation == y.variation)
}

/// `a, b and c`; at most `shown` items, then "and N more".
pub(super) fn list(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = items.iter().take(SHOWN).map(String::as_str).collect();
    let more = items.len().saturating_sub(SHOWN);
    match (shown.as_slice(), more) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_owned(),
        (many, 0) => {
            let (last, rest) = many.split_last().map_or((&"", &[][..]), |(l, r)| (l, r));
            format!("{} and {last}", rest.join(", "))
        }
        (many, more) => format!("{} and {more} more", many.join(", ")),
    }
}

/// A JSON value as a person reads it in a sentence: strings quoted, the rest as JSON.
pub(super) fn value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// What changed about a text field: `added`, `removed` or `changed`.
pub(super) fn text_change(before: Option<&str>, after: Option<&str>) -> &'static str {
    let blank = |t: Option<&str>| t.is_none_or(|t| t.trim().is_empty());
    match (blank(before), blank(after)) {
        (true, false) => "added",
        (false, true) => "removed",
        _ => "changed",
    }
}
