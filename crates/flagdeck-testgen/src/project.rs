//! Random but valid projects: every flag type, every operator, nested segments, targets, rules,
//! rollouts with decimal and zero weights, kill switches, schedules and ramps.
//!
//! Validity is by construction (DESIGN §3): keys follow the key patterns, weights sum to exactly
//! 100 in thousandths, segments reference only segments generated before them (no cycles), steps
//! are strictly ordered, and a ramp follows a single variation with `from == at` and lasts at
//! least `ceil(|Δweight| / 1000)` seconds (see `flagdeck_core::checked::ramp_points`).

use fastrand::Rng;
use flagdeck_core::checked::ramp_points;
use flagdeck_core::format::{SourceFile, to_canonical_json};
use flagdeck_core::model::{
    AttributeDef, AttributeType, Condition, EnvironmentDef, FORMAT_VERSION, FlagEnvironment,
    FlagFile, FlagType, ProjectFile, Ramp, Rule, RuleOverride, ScheduleStep, SegmentFile, Serve,
    Target, Variation, WeightedVariation,
};
use indexmap::IndexMap;
use serde_json::{Value, json};

use crate::pools::{
    BUCKET_STRINGS, FREE_STRINGS, NUMBERS, SEMVERS, USER_KEYS, chance, instant, number, percent,
    pick, pick_or, rfc3339,
};

/// An attribute the generator may declare. `bucket`: its string values are ASCII and it may be a
/// `bucketBy`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attr {
    pub key: &'static str,
    pub kind: AttributeType,
    pub bucket: bool,
}

const fn attr(key: &'static str, kind: AttributeType, bucket: bool) -> Attr {
    Attr { key, kind, bucket }
}

/// `targetingKey` is always declared; of the others, each type gets at least one.
const TARGETING_KEY: Attr = attr("targetingKey", AttributeType::String, true);
const OPTIONAL_ATTRS: &[Attr] = &[
    attr("country", AttributeType::String, false),
    attr("email", AttributeType::String, false),
    attr("companyId", AttributeType::String, true),
    attr("teamId", AttributeType::String, true),
    attr("age", AttributeType::Number, false),
    attr("score", AttributeType::Number, false),
    attr("beta", AttributeType::Boolean, false),
    attr("vip", AttributeType::Boolean, false),
    attr("appVersion", AttributeType::Semver, false),
    attr("osVersion", AttributeType::Semver, false),
    attr("signupAt", AttributeType::Datetime, false),
    attr("lastSeen", AttributeType::Datetime, false),
];

const ATTRIBUTE_TYPES: [AttributeType; 5] = AttributeType::ALL;

/// Groups nest at most this deep (a leaf at depth 3 is the deepest node).
const MAX_DEPTH: u32 = 3;

const ENV_KEYS: &[&str] = &["development", "staging", "production"];
const FLAG_KEY_PREFIXES: &[&str] = &["flag-", "f.", "new_", "x"];
/// Variation keys are free text (1 to 128 characters): some look like the values JsonLogic
/// produces (`true`, `null`, `0`), some hold unicode or replacement patterns.
const VARIATION_KEY_SETS: &[[&str; 4]] = &[
    ["control", "treatment", "alt.1", "v_3"],
    ["true", "null", "0", "Zoë"],
    ["a$$b", "with space", "[object Object]", "false"],
];
/// Boolean flags: `on`/`off`, the values' own names, and those names swapped.
const BOOLEAN_KEY_SETS: &[[&str; 2]] = &[
    ["on", "off"],
    ["on", "off"],
    ["true", "false"],
    ["false", "true"],
];
const STRING_VALUES: &[&str] = &[
    "#ff6b35",
    "",
    "Zoë",
    "https://cdn.example/hero.png",
    "on",
    "true",
    "null",
    "a$$b",
    "山田 🎉",
    "0",
];
const NUMBER_VALUES: &[f64] = &[0.0, 1.0, -1.5, 42.0, 1_000_000.0, 0.1, 3.25];

/// What the case generator needs to know about a generated project.
#[derive(Debug, Clone)]
pub struct ProjectInfo {
    pub attrs: Vec<Attr>,
    pub env_keys: Vec<String>,
    pub flags: Vec<FlagInfo>,
    /// Every datetime operand, as Unix seconds (possibly with a fraction).
    pub datetime_operands: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct FlagInfo {
    pub key: String,
    pub kind: FlagType,
    /// Instants where the flag's configuration changes: schedule steps and ramp points.
    pub events: Vec<i64>,
}

/// A generated project: its files and what the case generator needs.
pub struct Generated {
    pub files: Vec<SourceFile>,
    pub info: ProjectInfo,
}

pub fn generate_project(rng: &mut Rng, index: usize) -> Generated {
    let mut g = ProjectGen::new(rng);
    let project = g.project_file(index);
    let segments = g.segments();
    let flags: Vec<FlagFile> = (0..rng_count(g.rng, 3, 8)).map(|i| g.flag(i)).collect();

    let mut files = vec![SourceFile::new(
        "flagdeck.json",
        to_canonical_json(&project),
    )];
    files.extend(
        segments
            .iter()
            .map(|s| SourceFile::new(format!("segments/{}.json", s.key), to_canonical_json(s))),
    );
    files.extend(
        flags
            .iter()
            .map(|f| SourceFile::new(format!("flags/{}.json", f.key), to_canonical_json(f))),
    );
    let info = ProjectInfo {
        attrs: g.attrs,
        env_keys: g.env_keys,
        flags: g.flag_infos,
        datetime_operands: g.datetime_operands,
    };
    Generated { files, info }
}

fn rng_count(rng: &mut Rng, min: usize, max: usize) -> usize {
    rng.usize(min..=max)
}

struct ProjectGen<'r> {
    rng: &'r mut Rng,
    attrs: Vec<Attr>,
    env_keys: Vec<String>,
    segment_keys: Vec<String>,
    /// The pool datetime operands come from, so that contexts can hit them exactly.
    instants: Vec<i64>,
    datetime_operands: Vec<f64>,
    flag_infos: Vec<FlagInfo>,
}

impl<'r> ProjectGen<'r> {
    fn new(rng: &'r mut Rng) -> Self {
        let instants = (0..4).map(|_| instant(rng)).collect();
        Self {
            rng,
            attrs: Vec::new(),
            env_keys: Vec::new(),
            segment_keys: Vec::new(),
            instants,
            datetime_operands: Vec::new(),
            flag_infos: Vec::new(),
        }
    }

    // -- flagdeck.json ---------------------------------------------------------------------

    fn project_file(&mut self, index: usize) -> ProjectFile {
        self.attrs = self.choose_attributes();
        let env_count = rng_count(self.rng, 1, 3);
        self.env_keys = ENV_KEYS
            .iter()
            .take(env_count)
            .map(|k| (*k).to_owned())
            .collect();
        let bucket_by = match self.rng.u32(0..10) {
            0..=2 => None,
            3..=5 => Some(TARGETING_KEY.key.to_owned()),
            _ => self.bucket_attribute(),
        };
        ProjectFile {
            format: FORMAT_VERSION,
            name: format!("Generated project {index}"),
            bucket_by,
            environments: self
                .env_keys
                .iter()
                .map(|k| EnvironmentDef {
                    key: k.clone(),
                    name: k.to_uppercase(),
                    description: None,
                })
                .collect(),
            attributes: self
                .attrs
                .iter()
                .map(|a| AttributeDef {
                    key: a.key.to_owned(),
                    kind: a.kind,
                    description: None,
                    values: None,
                })
                .collect(),
            freezes: Vec::new(),
        }
    }

    fn choose_attributes(&mut self) -> Vec<Attr> {
        let mut attrs = vec![TARGETING_KEY];
        for kind in ATTRIBUTE_TYPES {
            let of_kind: Vec<Attr> = OPTIONAL_ATTRS
                .iter()
                .copied()
                .filter(|a| a.kind == kind)
                .collect();
            let take = self.rng.usize(1..=of_kind.len());
            attrs.extend(of_kind.into_iter().take(take));
        }
        // Make sure some projects have a bucketing attribute besides targetingKey.
        if chance(self.rng, 50) && !attrs.iter().any(|a| a.key == "companyId") {
            attrs.extend(
                OPTIONAL_ATTRS
                    .iter()
                    .copied()
                    .filter(|a| a.key == "companyId"),
            );
        }
        attrs
    }

    fn bucket_attribute(&mut self) -> Option<String> {
        let keys: Vec<&str> = self
            .attrs
            .iter()
            .filter(|a| a.bucket)
            .map(|a| a.key)
            .collect();
        Some(pick(self.rng, &keys).to_owned())
    }

    // -- segments --------------------------------------------------------------------------

    fn segments(&mut self) -> Vec<SegmentFile> {
        let count = rng_count(self.rng, 0, 5);
        (0..count).map(|i| self.segment(i)).collect()
    }

    fn segment(&mut self, index: usize) -> SegmentFile {
        // Only segments generated before this one may be referenced: no cycles.
        let when = chance(self.rng, 85).then(|| self.condition(1));
        let (include, exclude) = self.disjoint_key_lists(if when.is_none() { 1 } else { 0 });
        let key = format!("seg-{index}");
        self.segment_keys.push(key.clone());
        SegmentFile {
            key,
            name: format!("Segment {index}"),
            description: None,
            when,
            include,
            exclude,
        }
    }

    fn disjoint_key_lists(&mut self, min_include: usize) -> (Vec<String>, Vec<String>) {
        let mut keys: Vec<&str> = USER_KEYS.to_vec();
        self.rng.shuffle(&mut keys);
        let include_len = self.rng.usize(min_include..=3);
        let exclude_len = self.rng.usize(0..=3);
        let include = keys
            .iter()
            .take(include_len)
            .map(|k| (*k).to_owned())
            .collect();
        let exclude = keys
            .iter()
            .skip(include_len)
            .take(exclude_len)
            .map(|k| (*k).to_owned())
            .collect();
        (include, exclude)
    }

    // -- conditions ------------------------------------------------------------------------

    fn condition(&mut self, depth: u32) -> Condition {
        let roll = self.rng.u32(0..100);
        if depth >= MAX_DEPTH || roll < 50 {
            return self.leaf();
        }
        match roll {
            50..=61 if !self.segment_keys.is_empty() => {
                let key = pick(self.rng, &self.segment_keys);
                Condition {
                    segment: Some(key),
                    ..Condition::default()
                }
            }
            50..=74 => Condition {
                all: Some(self.group(depth)),
                ..Condition::default()
            },
            75..=89 => Condition {
                any: Some(self.group(depth)),
                ..Condition::default()
            },
            _ => Condition {
                not: Some(Box::new(self.condition(depth + 1))),
                ..Condition::default()
            },
        }
    }

    /// 0 to 3 parts; empty groups are valid (`all` of nothing is true, `any` false).
    fn group(&mut self, depth: u32) -> Vec<Condition> {
        let len = if chance(self.rng, 10) {
            0
        } else {
            self.rng.usize(1..=3)
        };
        (0..len).map(|_| self.condition(depth + 1)).collect()
    }

    fn leaf(&mut self) -> Condition {
        let attr = pick_or(self.rng, &self.attrs, TARGETING_KEY);
        if chance(self.rng, 8) {
            let op = if self.rng.bool() {
                "exists"
            } else {
                "not_exists"
            };
            return Condition::leaf(attr.key, op);
        }
        let mut leaf = Condition::leaf(attr.key, self.op_for(attr.kind));
        let op = leaf.op.clone().unwrap_or_default();
        if op == "in" || op == "not_in" {
            leaf.values = Some(self.operand_list(attr));
        } else if !AttributeType::Boolean.operators().contains(&op.as_str()) {
            leaf.value = Some(self.operand(attr));
        }
        leaf
    }

    fn op_for(&mut self, kind: AttributeType) -> &'static str {
        pick(self.rng, kind.operators())
    }

    fn operand(&mut self, attr: Attr) -> Value {
        match attr.kind {
            AttributeType::String if attr.key == TARGETING_KEY.key => {
                json!(pick(self.rng, USER_KEYS))
            }
            AttributeType::String if attr.bucket => json!(pick(self.rng, BUCKET_STRINGS)),
            AttributeType::String => json!(pick(self.rng, FREE_STRINGS)),
            AttributeType::Number => number(pick(self.rng, NUMBERS)),
            AttributeType::Boolean => json!(self.rng.bool()),
            AttributeType::Semver => json!(pick(self.rng, SEMVERS)),
            AttributeType::Datetime => json!(self.datetime_operand()),
        }
    }

    /// 1 to 4 distinct operands.
    fn operand_list(&mut self, attr: Attr) -> Vec<Value> {
        let len = self.rng.usize(1..=4);
        let mut values: Vec<Value> = Vec::with_capacity(len);
        for _ in 0..len {
            let value = self.operand(attr);
            if !values.contains(&value) {
                values.push(value);
            }
        }
        values
    }

    /// An RFC 3339 operand, sometimes with a fraction of a second.
    fn datetime_operand(&mut self) -> String {
        let seconds = pick(self.rng, &self.instants);
        let whole = rfc3339(seconds);
        if chance(self.rng, 20) {
            self.datetime_operands.push(seconds as f64 + 0.5);
            whole.replace('Z', ".5Z")
        } else {
            self.datetime_operands.push(seconds as f64);
            whole
        }
    }

    // -- flags -----------------------------------------------------------------------------

    fn flag(&mut self, index: usize) -> FlagFile {
        let kinds = [
            FlagType::Boolean,
            FlagType::String,
            FlagType::Number,
            FlagType::Object,
        ];
        let kind = pick_or(self.rng, &kinds, FlagType::Boolean);
        let key = format!("{}{index}", pick(self.rng, FLAG_KEY_PREFIXES));
        let variations = self.variations(kind);
        let keys: Vec<String> = variations.iter().map(|v| v.key.clone()).collect();
        let mut events = Vec::new();
        let mut environments = IndexMap::new();
        for env_key in self.env_keys.clone() {
            // An environment the flag does not configure gives applications their code default.
            if chance(self.rng, 92) {
                environments.insert(env_key, self.flag_env(&keys, &mut events));
            }
        }
        events.sort_unstable();
        events.dedup();
        self.flag_infos.push(FlagInfo {
            key: key.clone(),
            kind,
            events,
        });
        FlagFile {
            key,
            name: format!("Flag {index}"),
            description: None,
            kind,
            owner: None,
            tags: Vec::new(),
            variations,
            environments,
        }
    }

    fn variations(&mut self, kind: FlagType) -> Vec<Variation> {
        let values: Vec<Value> = match kind {
            FlagType::Boolean => vec![json!(true), json!(false)],
            FlagType::String => self
                .distinct(STRING_VALUES)
                .into_iter()
                .map(|s| json!(s))
                .collect(),
            FlagType::Number => self
                .distinct(NUMBER_VALUES)
                .into_iter()
                .map(number)
                .collect(),
            FlagType::Object => self.distinct(&object_values()),
        };
        let keys: Vec<&str> = if kind == FlagType::Boolean {
            pick_or(self.rng, BOOLEAN_KEY_SETS, ["on", "off"]).to_vec()
        } else {
            pick_or(self.rng, VARIATION_KEY_SETS, ["a", "b", "c", "d"]).to_vec()
        };
        keys.iter()
            .zip(values)
            .map(|(key, value)| Variation {
                key: (*key).to_owned(),
                name: None,
                description: None,
                value,
            })
            .collect()
    }

    /// 2 to 4 distinct items of `pool`.
    fn distinct<T: Clone>(&mut self, pool: &[T]) -> Vec<T> {
        let count = self.rng.usize(2..=4);
        self.rng.choose_multiple(pool.iter().cloned(), count)
    }

    fn flag_env(&mut self, variations: &[String], events: &mut Vec<i64>) -> FlagEnvironment {
        let off_variation = chance(self.rng, 75).then(|| pick(self.rng, variations));
        let rules: Vec<Rule> = (0..self.rng.usize(0..=4))
            .map(|i| self.rule(i, variations))
            .collect();
        let fallthrough = self.serve(variations);
        let schedule = if chance(self.rng, 55) {
            self.schedule(variations, &fallthrough, &rules, events)
        } else {
            vec![]
        };
        FlagEnvironment {
            enabled: chance(self.rng, 88),
            off_variation,
            targets: self.targets(variations),
            rules,
            fallthrough,
            schedule,
        }
    }

    /// Up to two targets; no key is listed twice.
    fn targets(&mut self, variations: &[String]) -> Vec<Target> {
        let mut keys: Vec<&str> = USER_KEYS.to_vec();
        self.rng.shuffle(&mut keys);
        let mut rest = keys.as_slice();
        let mut targets = Vec::new();
        for _ in 0..self.rng.usize(0..=2) {
            let (taken, after) = rest.split_at(self.rng.usize(1..=3).min(rest.len()));
            rest = after;
            let variation = pick(self.rng, variations);
            targets.push(Target {
                variation,
                keys: taken.iter().map(|k| (*k).to_owned()).collect(),
            });
        }
        targets
    }

    fn rule(&mut self, index: usize, variations: &[String]) -> Rule {
        let when = chance(self.rng, 85).then(|| self.condition(0));
        Rule {
            id: format!("rule-{index}"),
            name: None,
            description: None,
            when,
            serve: self.serve(variations),
        }
    }

    fn serve(&mut self, variations: &[String]) -> Serve {
        if chance(self.rng, 60) {
            Serve::variation(pick(self.rng, variations))
        } else {
            self.rollout(variations)
        }
    }

    fn rollout(&mut self, variations: &[String]) -> Serve {
        let count = self.rng.usize(1..=variations.len());
        let chosen = self.rng.choose_multiple(variations.iter().cloned(), count);
        let weights = self.weights(chosen.len());
        let rollout = chosen
            .into_iter()
            .zip(weights)
            .map(|(variation, w)| WeightedVariation {
                variation,
                weight: percent(w),
            })
            .collect();
        Serve {
            rollout: Some(rollout),
            bucket_by: self.custom_bucket_by(),
            ..Serve::default()
        }
    }

    /// `count` weights in thousandths summing to exactly 100,000: whole percents, one or three
    /// decimals, and sometimes zeros (equal cut points).
    fn weights(&mut self, count: usize) -> Vec<u32> {
        let grain = pick(self.rng, &[1000u32, 1000, 100, 1]);
        let mut cuts: Vec<u32> = (1..count).map(|_| self.rng.u32(0..=100) * 1000).collect();
        for cut in &mut cuts {
            *cut = (*cut + self.rng.u32(0..1000) / grain * grain).min(100_000);
        }
        // A cut at an end gives a zero weight.
        if chance(self.rng, 15)
            && let Some(first) = cuts.first_mut()
        {
            *first = if self.rng.bool() { 0 } else { 100_000 };
        }
        cuts.sort_unstable();
        let mut weights = Vec::with_capacity(count);
        let mut previous = 0;
        for cut in cuts.into_iter().chain([100_000]) {
            weights.push(cut - previous);
            previous = cut;
        }
        weights
    }

    fn custom_bucket_by(&mut self) -> Option<String> {
        if chance(self.rng, 60) {
            None
        } else {
            self.bucket_attribute()
        }
    }

    // -- schedules and ramps ---------------------------------------------------------------

    fn schedule(
        &mut self,
        variations: &[String],
        fallthrough: &Serve,
        rules: &[Rule],
        events: &mut Vec<i64>,
    ) -> Vec<ScheduleStep> {
        // What each slot serves just before the next step: a ramp may only follow a variation.
        let mut fallthrough_now = fallthrough.variation.clone();
        let mut rules_now: Vec<Option<String>> =
            rules.iter().map(|r| r.serve.variation.clone()).collect();
        let mut at = instant(self.rng);
        let mut steps = Vec::new();
        for _ in 0..self.rng.usize(1..=4) {
            events.push(at);
            let mut step = ScheduleStep {
                at: rfc3339(at),
                enabled: None,
                fallthrough: None,
                rules: IndexMap::new(),
            };
            let what = self.rng.u32(0..100);
            if what < 30 {
                step.enabled = Some(chance(self.rng, 70));
            }
            if (20..70).contains(&what) || (what >= 70 && rules.is_empty()) {
                let serve = self.step_serve(at, variations, fallthrough_now.as_deref(), events);
                fallthrough_now = serve.variation.clone();
                step.fallthrough = Some(serve);
            }
            for (i, rule) in rules.iter().enumerate() {
                if what >= 60 && chance(self.rng, 60) {
                    let previous = rules_now.get(i).cloned().flatten();
                    let serve = self.step_serve(at, variations, previous.as_deref(), events);
                    if let Some(slot) = rules_now.get_mut(i) {
                        *slot = serve.variation.clone();
                    }
                    step.rules.insert(rule.id.clone(), RuleOverride { serve });
                }
            }
            if step.enabled.is_none() && step.fallthrough.is_none() && step.rules.is_empty() {
                step.enabled = Some(chance(self.rng, 70));
            }
            steps.push(step);
            at += pick(self.rng, &[1, 2, 60, 3600, 86_400, 7 * 86_400, 30 * 86_400]);
        }
        steps
    }

    /// A new serve for a step: a ramp when the slot serves a single variation just before.
    fn step_serve(
        &mut self,
        at: i64,
        variations: &[String],
        previous: Option<&str>,
        events: &mut Vec<i64>,
    ) -> Serve {
        match previous {
            Some(rest) if chance(self.rng, 45) => self.ramp(at, rest, variations, events),
            _ => self.serve(variations),
        }
    }

    fn ramp(&mut self, at: i64, rest: &str, variations: &[String], events: &mut Vec<i64>) -> Serve {
        let others: Vec<String> = variations
            .iter()
            .filter(|v| v.as_str() != rest)
            .cloned()
            .collect();
        let variation = pick(self.rng, &others);
        let (w0, w1) = self.ramp_weights();
        let minimum = i64::from(w0.abs_diff(w1).div_ceil(1000)).max(1);
        let duration = match self.rng.u32(0..4) {
            0 => minimum,
            1 => minimum + self.rng.i64(0..600),
            2 => self.rng.i64(3600..3 * 86_400).max(minimum),
            _ => self.rng.i64(86_400..10 * 86_400),
        };
        let to = at + duration;
        events.extend(
            ramp_points(at, to, w0, w1)
                .into_iter()
                .map(|(start, _)| start),
        );
        Serve {
            ramp: Some(Ramp {
                from: rfc3339(at),
                to: rfc3339(to),
                variation,
                from_weight: percent(w0),
                to_weight: percent(w1),
            }),
            bucket_by: self.custom_bucket_by(),
            ..Serve::default()
        }
    }

    /// Two different weights in thousandths, often the 0 → 100 classic, sometimes down or with
    /// decimals.
    fn ramp_weights(&mut self) -> (u32, u32) {
        let (w0, w1) = match self.rng.u32(0..4) {
            0 => (0, 100_000),
            1 => (self.rng.u32(0..=100) * 1000, self.rng.u32(0..=100) * 1000),
            _ => (self.rng.u32(0..=100_000), self.rng.u32(0..=100_000)),
        };
        if w0 == w1 {
            (w0, if w0 == 100_000 { 0 } else { 100_000 })
        } else {
            (w0, w1)
        }
    }
}

fn object_values() -> Vec<Value> {
    vec![
        json!({}),
        json!({"layout": "grid", "columns": 3}),
        json!({"text": "Zoë", "nested": {"list": [1, "two", null, true]}}),
        json!({"enabled": false}),
        json!({"price": 9.99, "currency": "EUR"}),
    ]
}
