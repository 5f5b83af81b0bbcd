//! A flag's change in sentences: its own fields, then per environment (in the project's order)
//! the kill switch, off variation, targets, rules, default serve and schedule.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Lines;
use super::diff::{Labeler, escape};
use super::words::{self, env_name, human_rfc3339, list, serve, serve_change, text_change};
use crate::model::{FlagEnvironment, FlagFile, ProjectFile, Rule, ScheduleStep, Serve};

/// Both sides of a changed flag.
pub(super) struct FlagChange<'a> {
    pub project: Option<&'a ProjectFile>,
    pub before: &'a FlagFile,
    pub after: &'a FlagFile,
    pub before_json: &'a Value,
    pub after_json: &'a Value,
}

impl FlagChange<'_> {
    pub fn lines(&self, out: &mut Lines<'_>) {
        self.own_fields(out);
        for env in self.environments() {
            let b = self.before.environments.get(&env);
            let a = self.after.environments.get(&env);
            self.environment(out, &env, b, a);
        }
    }

    fn name(&self) -> &str {
        &self.after.name
    }

    fn at<'v>(json: &'v Value, pointer: &str) -> Option<&'v Value> {
        json.pointer(pointer)
    }

    /// Pushes one line whose fields are the leaf changes under `pointer`.
    fn push(&self, out: &mut Lines<'_>, env: Option<&str>, sentence: String, pointer: &str) {
        let fields = out.labeler.fields(
            pointer,
            Self::at(self.before_json, pointer),
            Self::at(self.after_json, pointer),
        );
        out.push(env, sentence, fields);
    }

    fn own_fields(&self, out: &mut Lines<'_>) {
        let (b, a) = (self.before, self.after);
        let name = self.name();
        if b.name != a.name {
            self.push(
                out,
                None,
                format!("{}: renamed to {}", b.name, a.name),
                "/name",
            );
        }
        if b.description != a.description {
            let change = text_change(b.description.as_deref(), a.description.as_deref());
            self.push(
                out,
                None,
                format!("{name}: description {change}"),
                "/description",
            );
        }
        if b.kind != a.kind {
            self.push(
                out,
                None,
                format!("{name}: type {} → {}", b.kind.as_str(), a.kind.as_str()),
                "/type",
            );
        }
        if b.owner != a.owner {
            let sentence = match (&b.owner, &a.owner) {
                (Some(from), Some(to)) => format!("{name}: owner {from} → {to}"),
                (None, Some(to)) => format!("{name}: owner set to {to}"),
                _ => format!("{name}: owner removed"),
            };
            self.push(out, None, sentence, "/owner");
        }
        if b.tags != a.tags {
            let added: Vec<String> = a
                .tags
                .iter()
                .filter(|t| !b.tags.contains(t))
                .cloned()
                .collect();
            let removed: Vec<String> = b
                .tags
                .iter()
                .filter(|t| !a.tags.contains(t))
                .cloned()
                .collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!(
                    "{} {} added",
                    plural("tag", added.len()),
                    list(&added)
                ));
            }
            if !removed.is_empty() {
                parts.push(format!(
                    "{} {} removed",
                    plural("tag", removed.len()),
                    list(&removed)
                ));
            }
            if parts.is_empty() {
                parts.push("tags reordered".to_owned());
            }
            let field = out.labeler.whole(
                "/tags",
                Self::at(self.before_json, "/tags"),
                Self::at(self.after_json, "/tags"),
            );
            out.push(None, format!("{name}: {}", parts.join(", ")), vec![field]);
        }
        self.variations(out);
    }

    fn variations(&self, out: &mut Lines<'_>) {
        let (b, a) = (self.before, self.after);
        let name = self.name();
        let label = |v: &crate::model::Variation| v.name.clone().unwrap_or_else(|| v.key.clone());
        for (i, va) in a.variations.iter().enumerate() {
            let pointer = format!("/variations/{i}");
            match b.variations.iter().find(|vb| vb.key == va.key) {
                None => {
                    let field =
                        out.labeler
                            .whole(&pointer, None, Self::at(self.after_json, &pointer));
                    out.push(
                        None,
                        format!("{name}: variation {} added", label(va)),
                        vec![field],
                    );
                }
                Some(vb) if vb != va => {
                    let sentence = if vb.value != va.value {
                        format!(
                            "{name}: variation {} value {} → {}",
                            label(va),
                            words::value(&vb.value),
                            words::value(&va.value)
                        )
                    } else {
                        format!("{name}: variation {} changed", label(va))
                    };
                    let fields = out.labeler.fields(
                        &pointer,
                        serde_json::to_value(vb).ok().as_ref(),
                        Self::at(self.after_json, &pointer),
                    );
                    out.push(None, sentence, fields);
                }
                Some(_) => {}
            }
        }
        for (i, vb) in b.variations.iter().enumerate() {
            if !a.variations.iter().any(|va| va.key == vb.key) {
                let pointer = format!("/variations/{i}");
                let field = out
                    .labeler
                    .whole(&pointer, Self::at(self.before_json, &pointer), None);
                out.push(
                    None,
                    format!("{name}: variation {} removed", label(vb)),
                    vec![field],
                );
            }
        }
        let keys = |f: &FlagFile| {
            f.variations
                .iter()
                .map(|v| v.key.clone())
                .collect::<Vec<_>>()
        };
        let common = |x: &FlagFile, y: &FlagFile| {
            keys(x)
                .into_iter()
                .filter(|k| y.variations.iter().any(|v| &v.key == k))
                .collect::<Vec<_>>()
        };
        if common(b, a) != common(a, b) {
            let field = FieldKeys::field(&out.labeler, "/variations", keys(b), keys(a));
            out.push(None, format!("{name}: variations reordered"), vec![field]);
        }
    }

    /// The environments either side configures: the project's order first.
    fn environments(&self) -> Vec<String> {
        let mut envs: Vec<String> = self
            .project
            .map(|p| p.environments.iter().map(|e| e.key.clone()).collect())
            .unwrap_or_default();
        for key in self
            .after
            .environments
            .keys()
            .chain(self.before.environments.keys())
        {
            if !envs.contains(key) {
                envs.push(key.clone());
            }
        }
        envs.retain(|e| {
            self.before.environments.contains_key(e) || self.after.environments.contains_key(e)
        });
        envs
    }

    fn environment(
        &self,
        out: &mut Lines<'_>,
        env: &str,
        before: Option<&FlagEnvironment>,
        after: Option<&FlagEnvironment>,
    ) {
        let pointer = format!("/environments/{}", escape(env));
        let who = format!("{}: {}", env_name(self.project, env), self.name());
        let (b, a) = match (before, after) {
            (Some(b), Some(a)) if b == a => return,
            (Some(b), Some(a)) => (b, a),
            (None, Some(a)) => {
                let serving = if a.enabled {
                    format!("serves {}", serve(self.after, &a.fallthrough))
                } else {
                    "kill switch on".to_owned()
                };
                let field = out
                    .labeler
                    .whole(&pointer, None, Self::at(self.after_json, &pointer));
                out.push(
                    Some(env),
                    format!("{who} configured: {serving}"),
                    vec![field],
                );
                return;
            }
            (Some(_), None) => {
                let field = out
                    .labeler
                    .whole(&pointer, Self::at(self.before_json, &pointer), None);
                out.push(
                    Some(env),
                    format!("{who} no longer configured: applications get their own default"),
                    vec![field],
                );
                return;
            }
            (None, None) => return,
        };
        if b.enabled != a.enabled {
            let state = if a.enabled { "off" } else { "on" };
            self.push(
                out,
                Some(env),
                format!("{who} kill switch {state}"),
                &format!("{pointer}/enabled"),
            );
        }
        if b.off_variation != a.off_variation {
            let sentence = format!(
                "{who} off variation {} → {}",
                words::off_variation(self.before, b.off_variation.as_deref()),
                words::off_variation(self.after, a.off_variation.as_deref())
            );
            self.push(out, Some(env), sentence, &format!("{pointer}/offVariation"));
        }
        if b.targets != a.targets {
            self.targets(out, env, &who, &pointer, b, a);
        }
        if b.rules != a.rules {
            self.rules(out, env, &who, &pointer, b, a);
        }
        if b.fallthrough != a.fallthrough {
            let change = default_change(self.after, &b.fallthrough, &a.fallthrough);
            self.push(
                out,
                Some(env),
                format!("{who} {change}"),
                &format!("{pointer}/fallthrough"),
            );
        }
        if b.schedule != a.schedule {
            self.schedule(out, env, &who, &pointer, b, a);
        }
    }

    fn targets(
        &self,
        out: &mut Lines<'_>,
        env: &str,
        who: &str,
        pointer: &str,
        b: &FlagEnvironment,
        a: &FlagEnvironment,
    ) {
        let of = |e: &FlagEnvironment| {
            let mut map = BTreeMap::new();
            for target in &e.targets {
                for key in &target.keys {
                    map.entry(key.clone())
                        .or_insert_with(|| target.variation.clone());
                }
            }
            map
        };
        let (before, after) = (of(b), of(a));
        // Per variation (in the flag's order), the keys that now get it.
        let mut gets: Vec<(String, Vec<String>)> = Vec::new();
        for (key, variation) in &after {
            if before.get(key) != Some(variation) {
                match gets.iter_mut().find(|(v, _)| v == variation) {
                    Some((_, keys)) => keys.push(key.clone()),
                    None => gets.push((variation.clone(), vec![key.clone()])),
                }
            }
        }
        let position = |v: &str| self.after.variations.iter().position(|x| x.key == v);
        gets.sort_by_key(|(v, _)| position(v));
        let gone: Vec<String> = before
            .keys()
            .filter(|k| !after.contains_key(*k))
            .cloned()
            .collect();
        let mut parts: Vec<String> = gets
            .iter()
            .map(|(variation, keys)| {
                let verb = if keys.len() == 1 { "gets" } else { "get" };
                format!(
                    "{} {verb} {}",
                    list(keys),
                    words::variation(self.after, variation)
                )
            })
            .collect();
        if !gone.is_empty() {
            parts.push(format!("{} no longer targeted", list(&gone)));
        }
        if parts.is_empty() {
            parts.push("reordered".to_owned());
        }
        let pointer = format!("{pointer}/targets");
        let field = out.labeler.whole(
            &pointer,
            Self::at(self.before_json, &pointer),
            Self::at(self.after_json, &pointer),
        );
        out.push(
            Some(env),
            format!("{who} targets: {}", parts.join("; ")),
            vec![field],
        );
    }

    fn rules(
        &self,
        out: &mut Lines<'_>,
        env: &str,
        who: &str,
        pointer: &str,
        b: &FlagEnvironment,
        a: &FlagEnvironment,
    ) {
        let name = |r: &Rule| r.name.clone().unwrap_or_else(|| r.id.clone());
        for (i, ra) in a.rules.iter().enumerate() {
            let here = format!("{pointer}/rules/{i}");
            let Some(rb) = b.rules.iter().find(|rb| rb.id == ra.id) else {
                let field = out
                    .labeler
                    .whole(&here, None, Self::at(self.after_json, &here));
                let sentence = format!(
                    "{who} rule {} added, serving {}",
                    name(ra),
                    serve(self.after, &ra.serve)
                );
                out.push(Some(env), sentence, vec![field]);
                continue;
            };
            let before_rule = serde_json::to_value(rb).ok();
            let part = |out: &mut Lines<'_>, sentence: String, field: &str| {
                let fields = out.labeler.fields(
                    &format!("{here}{field}"),
                    before_rule.as_ref().and_then(|r| r.pointer(field)),
                    Self::at(self.after_json, &format!("{here}{field}")),
                );
                out.push(Some(env), sentence, fields);
            };
            if rb.name != ra.name {
                part(
                    out,
                    format!("{who} rule {} renamed to {}", name(rb), name(ra)),
                    "/name",
                );
            }
            if rb.description != ra.description {
                let change = text_change(rb.description.as_deref(), ra.description.as_deref());
                part(
                    out,
                    format!("{who} rule {} description {change}", name(ra)),
                    "/description",
                );
            }
            if rb.when != ra.when {
                part(
                    out,
                    format!("{who} rule {} condition changed", name(ra)),
                    "/when",
                );
            }
            if rb.serve != ra.serve {
                let change = serve_change(self.after, &rb.serve, &ra.serve);
                part(out, format!("{who} rule {} {change}", name(ra)), "/serve");
            }
        }
        for (i, rb) in b.rules.iter().enumerate() {
            if !a.rules.iter().any(|ra| ra.id == rb.id) {
                let here = format!("{pointer}/rules/{i}");
                let field = out
                    .labeler
                    .whole(&here, Self::at(self.before_json, &here), None);
                out.push(
                    Some(env),
                    format!("{who} rule {} removed", name(rb)),
                    vec![field],
                );
            }
        }
        let ids = |e: &FlagEnvironment, other: &FlagEnvironment| {
            e.rules
                .iter()
                .filter(|r| other.rules.iter().any(|o| o.id == r.id))
                .map(|r| r.id.clone())
                .collect::<Vec<_>>()
        };
        if ids(b, a) != ids(a, b) {
            let order: Vec<String> = a.rules.iter().map(name).collect();
            let field = FieldKeys::field(
                &out.labeler,
                &format!("{pointer}/rules"),
                b.rules.iter().map(|r| r.id.clone()).collect(),
                a.rules.iter().map(|r| r.id.clone()).collect(),
            );
            out.push(
                Some(env),
                format!("{who} rules reordered: {}", order.join(", ")),
                vec![field],
            );
        }
    }

    fn schedule(
        &self,
        out: &mut Lines<'_>,
        env: &str,
        who: &str,
        pointer: &str,
        b: &FlagEnvironment,
        a: &FlagEnvironment,
    ) {
        let index = |steps: &[ScheduleStep], at: &str| steps.iter().position(|s| s.at == at);
        let mut added: Vec<usize> = Vec::new();
        for (i, sa) in a.schedule.iter().enumerate() {
            let here = format!("{pointer}/schedule/{i}");
            match index(&b.schedule, &sa.at).and_then(|j| b.schedule.get(j)) {
                None => added.push(i),
                Some(sb) if sb != sa => {
                    let change = self.step_change(a, b, sb, sa);
                    let when = human_rfc3339(&sa.at);
                    let preposition = if change.ends_with(" on") {
                        "from"
                    } else {
                        "on"
                    };
                    let fields = out.labeler.fields(
                        &here,
                        serde_json::to_value(sb).ok().as_ref(),
                        Self::at(self.after_json, &here),
                    );
                    out.push(
                        Some(env),
                        format!("{who} {change} {preposition} {when}"),
                        fields,
                    );
                }
                Some(_) => {}
            }
        }
        let mut removed: Vec<usize> = (0..b.schedule.len())
            .filter(|&j| {
                b.schedule
                    .get(j)
                    .is_some_and(|sb| index(&a.schedule, &sb.at).is_none())
            })
            .collect();
        for i in added {
            let Some(sa) = a.schedule.get(i) else {
                continue;
            };
            let here = format!("{pointer}/schedule/{i}");
            let summary = self.step_summary(a, sa);
            // The same step at another instant: moved, not removed and added.
            let moved = removed.iter().position(|&j| {
                b.schedule.get(j).is_some_and(|sb| {
                    ScheduleStep {
                        at: sa.at.clone(),
                        ..sb.clone()
                    } == *sa
                })
            });
            match moved {
                Some(k) => {
                    let j = removed.remove(k);
                    let from = b
                        .schedule
                        .get(j)
                        .map(|sb| human_rfc3339(&sb.at))
                        .unwrap_or_default();
                    let field = out.labeler.whole(
                        &format!("{here}/at"),
                        b.schedule
                            .get(j)
                            .map(|sb| Value::String(sb.at.clone()))
                            .as_ref(),
                        Some(&Value::String(sa.at.clone())),
                    );
                    out.push(
                        Some(env),
                        format!(
                            "{who} step {summary} moved from {from} to {}",
                            human_rfc3339(&sa.at)
                        ),
                        vec![field],
                    );
                }
                None => {
                    let field = out
                        .labeler
                        .whole(&here, None, Self::at(self.after_json, &here));
                    out.push(
                        Some(env),
                        format!("{who} step added on {}: {summary}", human_rfc3339(&sa.at)),
                        vec![field],
                    );
                }
            }
        }
        for j in removed {
            let Some(sb) = b.schedule.get(j) else {
                continue;
            };
            let here = format!("{pointer}/schedule/{j}");
            let field = out
                .labeler
                .whole(&here, Self::at(self.before_json, &here), None);
            out.push(
                Some(env),
                format!(
                    "{who} step on {} removed ({})",
                    human_rfc3339(&sb.at),
                    self.step_summary(b, sb)
                ),
                vec![field],
            );
        }
    }

    /// What a step does: "kill switch on; rollout 5%; rule EU customers On".
    fn step_summary(&self, env: &FlagEnvironment, step: &ScheduleStep) -> String {
        let mut parts = Vec::new();
        match step.enabled {
            Some(false) => parts.push("kill switch on".to_owned()),
            Some(true) => parts.push("kill switch off".to_owned()),
            None => {}
        }
        if let Some(s) = &step.fallthrough {
            parts.push(default_words(self.after, s));
        }
        for (id, change) in &step.rules {
            parts.push(format!(
                "rule {} {}",
                rule_name(env, None, id),
                serve(self.after, &change.serve)
            ));
        }
        if parts.is_empty() {
            "no change".to_owned()
        } else {
            parts.join("; ")
        }
    }

    /// How a step at the same instant changed: "rollout 5% → 25%", "kill switch on".
    fn step_change(
        &self,
        a: &FlagEnvironment,
        b: &FlagEnvironment,
        sb: &ScheduleStep,
        sa: &ScheduleStep,
    ) -> String {
        let mut parts = Vec::new();
        if sb.enabled != sa.enabled {
            parts.push(match sa.enabled {
                Some(false) => "kill switch on".to_owned(),
                Some(true) => "kill switch off".to_owned(),
                None => "no longer sets the kill switch".to_owned(),
            });
        }
        if sb.fallthrough != sa.fallthrough {
            parts.push(match (&sb.fallthrough, &sa.fallthrough) {
                (Some(x), Some(y)) => default_change(self.after, x, y),
                (None, Some(y)) => default_words(self.after, y),
                _ => "no longer changes the default".to_owned(),
            });
        }
        for (id, ra) in &sa.rules {
            let name = rule_name(a, Some(b), id);
            match sb.rules.get(id) {
                Some(rb) if rb == ra => {}
                Some(rb) => parts.push(format!(
                    "rule {name} {}",
                    serve_change(self.after, &rb.serve, &ra.serve)
                )),
                None => parts.push(format!("rule {name} {}", serve(self.after, &ra.serve))),
            }
        }
        for id in sb.rules.keys().filter(|id| !sa.rules.contains_key(*id)) {
            parts.push(format!(
                "rule {} no longer changed",
                rule_name(a, Some(b), id)
            ));
        }
        if parts.is_empty() {
            "step changed".to_owned()
        } else {
            parts.join("; ")
        }
    }
}

/// A rule's name by id in `env` (or `other`), else the id.
fn rule_name(env: &FlagEnvironment, other: Option<&FlagEnvironment>, id: &str) -> String {
    env.rules
        .iter()
        .chain(other.map(|o| o.rules.iter()).into_iter().flatten())
        .find(|r| r.id == id)
        .and_then(|r| r.name.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// The default serve in words: "rollout 5%", or "default On".
fn default_words(flag: &FlagFile, s: &Serve) -> String {
    let words = serve(flag, s);
    if words.starts_with("rollout") || words.starts_with("ramp") {
        words
    } else {
        format!("default {words}")
    }
}

/// The default serve's change: "rollout 5% → 25%", "default Off → On".
fn default_change(flag: &FlagFile, before: &Serve, after: &Serve) -> String {
    let change = serve_change(flag, before, after);
    if change.starts_with("rollout") && !change.contains(" → rollout") && before.rollout.is_some()
    {
        change
    } else {
        format!("default {change}")
    }
}

fn plural(word: &str, n: usize) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// A field whose value is a list of keys (an order).
struct FieldKeys;

impl FieldKeys {
    fn field(
        labeler: &Labeler<'_>,
        pointer: &str,
        before: Vec<String>,
        after: Vec<String>,
    ) -> super::FieldChange {
        let as_json =
            |keys: Vec<String>| Value::Array(keys.into_iter().map(Value::String).collect());
        super::FieldChange {
            path: pointer.to_owned(),
            label: format!("{} (order)", labeler.label(pointer)),
            before: Some(as_json(before)),
            after: Some(as_json(after)),
        }
    }
}
