//! Native evaluation of a validated project, with explanations (DESIGN §3 semantics, §4 order).
//!
//! Order per environment: schedule phase in force → kill switch (DISABLED) → individual targets
//! (TARGETING_MATCH) → rules in order (TARGETING_MATCH, or SPLIT for a rollout) → fallthrough
//! (DEFAULT, or SPLIT). The instant is a parameter; the clock is never read.
//!
//! [`evaluate`] and [`explain`] run the same code, generic over a [`explain::Tracer`]: the fast
//! path uses a tracer that records nothing, so it builds no text and allocates only the result.

mod cond;
pub(crate) mod explain;
#[cfg(test)]
mod fixtures;
mod logic;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use explain::{ExplainStep, StepKind, Truth};
pub(crate) use explain::{describe, human_time, percent, quoted, thousands};

use self::cond::Scope;
use self::explain::{BucketProbe, NoTrace, Recorder, Tracer};
use crate::bucket;
use crate::checked::{
    EnvId, Flag, FlagEnv, FlagId, JsonLogicServe, Phase, Project, RampPlan, Rule, ServePlan,
    VariationId,
};
use crate::resolution::{ErrorCode, Reason, Resolution};

/// Evaluate `flag` in `env` for `ctx` at `at` (Unix seconds).
pub fn evaluate(
    project: &Project,
    env: EnvId,
    flag: FlagId,
    ctx: &Map<String, Value>,
    at: i64,
) -> Resolution {
    run(project, env, flag, ctx, at, &mut NoTrace)
}

/// Like [`evaluate`], also saying whether a rollout met a context it could not bucket (no text
/// at its `bucketBy`): the rebucketing impact counts those.
pub fn evaluate_bucketing(
    project: &Project,
    env: EnvId,
    flag: FlagId,
    ctx: &Map<String, Value>,
    at: i64,
) -> (Resolution, bool) {
    let mut probe = BucketProbe::default();
    let resolution = run(project, env, flag, ctx, at, &mut probe);
    (resolution, probe.unbucketable)
}

/// Like [`evaluate`], with every step taken in words.
pub fn explain(
    project: &Project,
    env: EnvId,
    flag: FlagId,
    ctx: &Map<String, Value>,
    at: i64,
) -> (Resolution, Vec<ExplainStep>) {
    let mut recorder = Recorder::default();
    let resolution = run(project, env, flag, ctx, at, &mut recorder);
    recorder.step(|| result_step(&resolution));
    (resolution, recorder.steps)
}

/// [`evaluate`] by keys: FLAG_NOT_FOUND for an unknown flag, an error sentence for an unknown
/// environment.
pub fn evaluate_key(
    project: &Project,
    env_key: &str,
    flag_key: &str,
    ctx: &Map<String, Value>,
    at: i64,
) -> Resolution {
    match resolve_keys(project, env_key, flag_key) {
        Ok((env, flag)) => evaluate(project, env, flag, ctx, at),
        Err(resolution) => *resolution,
    }
}

/// [`explain`] by keys, with the same errors as [`evaluate_key`].
pub fn explain_key(
    project: &Project,
    env_key: &str,
    flag_key: &str,
    ctx: &Map<String, Value>,
    at: i64,
) -> (Resolution, Vec<ExplainStep>) {
    match resolve_keys(project, env_key, flag_key) {
        Ok((env, flag)) => explain(project, env, flag, ctx, at),
        Err(resolution) => {
            let step = result_step(&resolution);
            (*resolution, vec![step])
        }
    }
}

fn resolve_keys(
    project: &Project,
    env_key: &str,
    flag_key: &str,
) -> Result<(EnvId, FlagId), Box<Resolution>> {
    let Some(flag) = project.flag_id(flag_key) else {
        return Err(Box::new(Resolution::error(
            ErrorCode::FlagNotFound,
            format!("There is no flag {} in this project", quoted(flag_key)),
        )));
    };
    let Some(env) = project.env_id(env_key) else {
        let known: Vec<String> = project
            .environments
            .iter()
            .map(|e| quoted(&e.key))
            .collect();
        let known = if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        };
        return Err(Box::new(Resolution::error(
            ErrorCode::General,
            format!(
                "There is no environment {} in this project (its environments: {known})",
                quoted(env_key)
            ),
        )));
    };
    Ok((env, flag))
}

fn run<T: Tracer>(
    project: &Project,
    env: EnvId,
    flag_id: FlagId,
    ctx: &Map<String, Value>,
    at: i64,
    tr: &mut T,
) -> Resolution {
    let Some(flag) = project.flags.get(flag_id) else {
        return Resolution::error(
            ErrorCode::FlagNotFound,
            format!("There is no flag #{flag_id} in this project"),
        );
    };
    let Some(environment) = project.environments.get(env) else {
        return Resolution::error(
            ErrorCode::General,
            format!("There is no environment #{env} in this project"),
        );
    };
    let Some(fe) = flag.envs.get(env).and_then(Option::as_ref) else {
        tr.step(|| {
            ExplainStep::new(
                StepKind::Environment,
                0,
                format!(
                    "{} is not configured in {}, so it is off there and the application's own default applies",
                    quoted(&flag.name),
                    environment.name
                ),
            )
        });
        return Resolution::no_value(Reason::Disabled);
    };
    let ev = Eval {
        scope: Scope::new(project, ctx),
        flag,
        fe,
        env_name: &environment.name,
        at,
    };
    ev.run(tr)
}

/// Where a serve comes from: a rule, or the fallthrough.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Rule(&'a Rule),
    Fallthrough,
}

impl Origin<'_> {
    /// The reason for a plain variation served from here.
    fn reason(self) -> Reason {
        match self {
            Origin::Rule(_) => Reason::TargetingMatch,
            Origin::Fallthrough => Reason::Default,
        }
    }

    fn subject(self) -> String {
        match self {
            Origin::Rule(rule) => format!("Rule {}", quoted(&rule.name)),
            Origin::Fallthrough => "The fallthrough".to_owned(),
        }
    }

    fn tag(self, step: ExplainStep) -> ExplainStep {
        match self {
            Origin::Rule(rule) => step.rule(&rule.id),
            Origin::Fallthrough => step,
        }
    }
}

/// One evaluation of one flag environment.
struct Eval<'a> {
    scope: Scope<'a>,
    flag: &'a Flag,
    fe: &'a FlagEnv,
    env_name: &'a str,
    at: i64,
}

impl Eval<'_> {
    fn run<T: Tracer>(&self, tr: &mut T) -> Resolution {
        if self.fe.timeline.is_empty() {
            return Resolution::error(
                ErrorCode::General,
                "The flag's configuration has no timeline",
            );
        }
        let phase = self.fe.phase_at(self.at);
        self.trace_schedule(phase, tr);
        if !phase.enabled {
            return self.disabled(tr);
        }
        if let Some(resolution) = self.targets(tr) {
            return resolution;
        }
        if let Some(resolution) = self.rules(phase, tr) {
            return resolution;
        }
        tr.step(|| {
            ExplainStep::new(
                StepKind::Fallthrough,
                0,
                "No rule matched, so the fallthrough applies",
            )
        });
        match self.serve(&phase.fallthrough, Origin::Fallthrough, tr) {
            Some(resolution) => resolution,
            None => self.no_fallthrough_choice(tr),
        }
    }

    /// The fallthrough's advanced JsonLogic answered `null`: like flagd with the off variation
    /// as `defaultVariant` (as the compiler and the importer map it), serve the off variation.
    fn no_fallthrough_choice<T: Tracer>(&self, tr: &mut T) -> Resolution {
        tr.step(|| {
            let then = match self.variation_key(self.fe.off_variation) {
                Some(key) => format!("it serves the off variation {}", quoted(key)),
                None => "the application's own default applies".to_owned(),
            };
            let message = format!("The fallthrough chose no variation, so {then}");
            ExplainStep::new(StepKind::Fallthrough, 0, message)
        });
        self.off(Reason::Default)
    }

    fn trace_schedule<T: Tracer>(&self, phase: &Phase, tr: &mut T) {
        if self.fe.timeline.len() < 2 {
            return;
        }
        tr.step(|| {
            let next = self
                .fe
                .timeline
                .iter()
                .find(|p| p.start > self.at)
                .map(|p| p.start);
            let mut message = match phase.step {
                Some(i) => format!(
                    "Schedule step {}, from {}, is in force",
                    i + 1,
                    explain::human_time(phase.start)
                ),
                None => "No schedule step has started yet: the base configuration is in force"
                    .to_owned(),
            };
            if let Some(next) = next {
                message.push_str(&format!(" (next change: {})", explain::human_time(next)));
            }
            ExplainStep::new(StepKind::Schedule, 0, message)
        });
    }

    fn disabled<T: Tracer>(&self, tr: &mut T) -> Resolution {
        tr.step(|| {
            let message = match self.variation_key(self.fe.off_variation) {
                Some(key) => format!("The flag is switched off in {}: it serves the off variation {}", self.env_name, quoted(key)),
                None => format!(
                    "The flag is switched off in {} and has no off variation: the application's own default applies",
                    self.env_name
                ),
            };
            let step = ExplainStep::new(StepKind::Disabled, 0, message);
            match self.variation_key(self.fe.off_variation) {
                Some(key) => step.variation(key),
                None => step,
            }
        });
        self.off(Reason::Disabled)
    }

    fn targets<T: Tracer>(&self, tr: &mut T) -> Option<Resolution> {
        if self.fe.target_lookup.is_empty() {
            return None;
        }
        let Some(tk) = self.scope.targeting_key() else {
            tr.step(|| {
                ExplainStep::new(
                    StepKind::Targets,
                    0,
                    "Individual targets: the context has no text targetingKey, so none applies",
                )
                .matched(Truth::False)
            });
            return None;
        };
        let Some(&variation) = self.fe.target_lookup.get(tk) else {
            tr.step(|| {
                ExplainStep::new(
                    StepKind::Targets,
                    0,
                    format!("Individual target: {} is not listed", quoted(tk)),
                )
                .matched(Truth::False)
            });
            return None;
        };
        tr.step(|| {
            let key = self.variation_key(Some(variation)).unwrap_or("?");
            ExplainStep::new(
                StepKind::Targets,
                0,
                format!(
                    "Individual target: {} is listed for {}",
                    quoted(tk),
                    quoted(key)
                ),
            )
            .matched(Truth::True)
            .variation(key)
        });
        Some(self.served(variation, Reason::TargetingMatch))
    }

    fn rules<T: Tracer>(&self, phase: &Phase, tr: &mut T) -> Option<Resolution> {
        for (i, rule) in self.fe.rules.iter().enumerate() {
            if self.rule_matches(rule, tr) != Truth::True {
                continue;
            }
            let Some(plan) = phase.rule_serves.get(i) else {
                return Some(Resolution::error(
                    ErrorCode::General,
                    format!("Rule {} has nothing to serve", quoted(&rule.name)),
                ));
            };
            if let Some(resolution) = self.serve(plan, Origin::Rule(rule), tr) {
                return Some(resolution);
            }
        }
        None
    }

    fn rule_matches<T: Tracer>(&self, rule: &Rule, tr: &mut T) -> Truth {
        let Some(when) = &rule.when else {
            tr.step(|| {
                ExplainStep::new(
                    StepKind::Rule,
                    0,
                    format!("Rule {} has no condition — match", quoted(&rule.name)),
                )
                .rule(&rule.id)
                .matched(Truth::True)
            });
            return Truth::True;
        };
        // A single leaf reads best folded into the rule's own sentence.
        if let crate::checked::Cond::Leaf(leaf) = when {
            let value = self.scope.get(&leaf.attribute);
            let truth = cond::leaf_truth(&leaf.op, value);
            tr.step(|| {
                let detail = cond::observed(leaf, value);
                rule_step(rule, &explain::describe_leaf(leaf), &detail, truth)
                    .attribute(&leaf.attribute)
            });
            return truth;
        }
        let slot = tr.reserve();
        let truth = cond::eval(&self.scope, when, tr, 1);
        tr.fill(slot, || {
            let detail = match truth {
                Truth::True => "the condition holds",
                Truth::False => "the condition does not hold",
                Truth::Unknown => "an attribute it needs is missing or of another type",
            };
            rule_step(
                rule,
                &explain::describe(self.scope.project, when),
                detail,
                truth,
            )
        });
        truth
    }

    /// Serve a plan; `None` when an advanced JsonLogic rule answered "no match".
    fn serve<T: Tracer>(
        &self,
        plan: &ServePlan,
        origin: Origin<'_>,
        tr: &mut T,
    ) -> Option<Resolution> {
        match plan {
            ServePlan::Variation(variation) => {
                tr.step(|| {
                    let key = self.variation_key(Some(*variation)).unwrap_or("?");
                    let step = ExplainStep::new(
                        StepKind::Serve,
                        0,
                        format!("{} serves {}", origin.subject(), quoted(key)),
                    );
                    origin.tag(step.variation(key))
                });
                Some(self.served(*variation, origin.reason()))
            }
            ServePlan::Rollout(rollout) => {
                Some(self.split(&rollout.buckets, &rollout.bucket_by, origin, tr))
            }
            ServePlan::Ramp(ramp) => Some(self.ramp(ramp, origin, tr)),
            ServePlan::JsonLogic(logic) => self.json_logic(logic, origin, tr),
        }
    }

    fn ramp<T: Tracer>(&self, ramp: &RampPlan, origin: Origin<'_>, tr: &mut T) -> Resolution {
        if ramp.points.is_empty() {
            return Resolution::error(ErrorCode::General, "A ramp has no steps");
        }
        // RampPlan::buckets_at, without trusting a hand-built weight to stay within 100%.
        let weight = ramp.weight_at(self.at).min(100_000);
        let buckets = [(ramp.variation, weight), (ramp.rest, 100_000 - weight)];
        tr.step(|| {
            let key = self.variation_key(Some(ramp.variation)).unwrap_or("?");
            let rest = self.variation_key(Some(ramp.rest)).unwrap_or("?");
            let first = ramp.points.first().map_or(0, |p| p.1);
            let last = ramp.points.last().map_or(0, |p| p.1);
            let message = format!(
                "{} moves {} from {} to {} between {} and {}: it is at {} now, and {} gets the rest",
                origin.subject(),
                quoted(key),
                explain::percent(first),
                explain::percent(last),
                explain::human_time(ramp.from),
                explain::human_time(ramp.to),
                explain::percent(weight),
                quoted(rest)
            );
            origin.tag(ExplainStep::new(StepKind::Ramp, 0, message))
        });
        self.split(&buckets, &ramp.bucket_by, origin, tr)
    }

    /// A rollout: the bucket of `flag key + context[bucket_by]` picks the variation (SPLIT); a
    /// context without a text value there cannot be bucketed (off variation, DEFAULT).
    fn split<T: Tracer>(
        &self,
        buckets: &[(VariationId, u32)],
        bucket_by: &str,
        origin: Origin<'_>,
        tr: &mut T,
    ) -> Resolution {
        let Some(value) = self.scope.string_attr(bucket_by) else {
            tr.unbucketable();
            tr.step(|| self.cannot_bucket(bucket_by, origin));
            return self.off(Reason::Default);
        };
        let total: u64 = buckets.iter().map(|(_, w)| u64::from(*w)).sum();
        let b = bucket::bucket(&self.flag.key, value, total);
        let mut cumulative = 0u64;
        for &(variation, weight) in buckets {
            cumulative += u64::from(weight);
            if cumulative > b {
                tr.step(|| {
                    let key = self.variation_key(Some(variation)).unwrap_or("?");
                    let message = format!(
                        "Rollout by {bucket_by} {}: bucket {} of {} → {} ({})",
                        quoted(value),
                        explain::thousands(b),
                        explain::thousands(total),
                        quoted(key),
                        explain::percent(weight)
                    );
                    origin.tag(
                        ExplainStep::new(StepKind::Rollout, 0, message)
                            .variation(key)
                            .bucket(b),
                    )
                });
                return self.served(variation, Reason::Split);
            }
        }
        // Only when every weight is zero, which validation rules out.
        tr.step(|| {
            origin.tag(ExplainStep::new(
                StepKind::Rollout,
                0,
                "The rollout has no weight to share",
            ))
        });
        self.off(Reason::Default)
    }

    fn cannot_bucket(&self, bucket_by: &str, origin: Origin<'_>) -> ExplainStep {
        let found = match self.scope.ctx.get(bucket_by) {
            None | Some(Value::Null) => format!("the context has no {}", quoted(bucket_by)),
            Some(v) => format!("{bucket_by} is {}, not text", explain::show_value(v)),
        };
        let then = match self.variation_key(self.fe.off_variation) {
            Some(key) => format!("it serves the off variation {}", quoted(key)),
            None => "the application's own default applies".to_owned(),
        };
        let message =
            format!("Rollout by {bucket_by}: {found}, so it cannot be bucketed and {then}");
        origin.tag(ExplainStep::new(StepKind::Rollout, 0, message))
    }

    fn json_logic<T: Tracer>(
        &self,
        serve: &JsonLogicServe,
        origin: Origin<'_>,
        tr: &mut T,
    ) -> Option<Resolution> {
        let outcome = logic::run(serve, self.scope.ctx, &self.flag.key, self.at);
        let resolution = self.logic_result(&outcome);
        tr.step(|| {
            let message = match &outcome {
                Err(message) => format!(
                    "{}'s advanced JsonLogic failed: {message}",
                    origin.subject()
                ),
                Ok(Value::Null) => format!(
                    "{}'s advanced JsonLogic returned null — no match",
                    origin.subject()
                ),
                Ok(value) => format!(
                    "{}'s advanced JsonLogic returned {}",
                    origin.subject(),
                    quoted(&logic::js_to_string(value))
                ),
            };
            origin.tag(ExplainStep::new(StepKind::JsonLogic, 0, message))
        });
        resolution
    }

    /// What flagd-core makes of a targeting result: `null` is "no match" (`None`), any other
    /// value is turned into a key with `toString()` and must name a variation (TARGETING_MATCH,
    /// as flagd-core reports every non-null result); an error is an error for the whole flag.
    fn logic_result(&self, outcome: &Result<Value, String>) -> Option<Resolution> {
        let value = match outcome {
            Err(message) => return Some(Resolution::error(ErrorCode::General, message.clone())),
            Ok(Value::Null) => return None,
            Ok(value) => value,
        };
        let key = logic::js_to_string(value);
        Some(
            match self.flag.variations.iter().position(|v| v.key == key) {
                Some(variation) => self.served(variation, Reason::TargetingMatch),
                None => Resolution::error(
                    ErrorCode::General,
                    format!(
                        "Variant {} not found in flag with key {}",
                        quoted(&key),
                        quoted(&self.flag.key)
                    ),
                ),
            },
        )
    }

    fn off(&self, reason: Reason) -> Resolution {
        match self.fe.off_variation {
            Some(variation) => self.served(variation, reason),
            None => Resolution::no_value(reason),
        }
    }

    fn served(&self, variation: VariationId, reason: Reason) -> Resolution {
        match self.flag.variations.get(variation) {
            Some(v) => Resolution::served(v.value.clone(), v.key.clone(), reason),
            None => Resolution::error(
                ErrorCode::General,
                format!(
                    "Flag {} has no variation #{variation}",
                    quoted(&self.flag.key)
                ),
            ),
        }
    }

    fn variation_key(&self, variation: Option<VariationId>) -> Option<&str> {
        variation
            .and_then(|i| self.flag.variations.get(i))
            .map(|v| v.key.as_str())
    }
}

fn rule_step(rule: &Rule, described: &str, detail: &str, truth: Truth) -> ExplainStep {
    let outcome = match truth {
        Truth::True => format!("{detail} — match"),
        Truth::False => format!("{detail} — no match"),
        Truth::Unknown => {
            format!("{detail}, so this condition is unknown and the rule does not match")
        }
    };
    ExplainStep::new(
        StepKind::Rule,
        0,
        format!("Rule {} ({described}): {outcome}", quoted(&rule.name)),
    )
    .rule(&rule.id)
    .matched(truth)
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Static => "STATIC",
        Reason::TargetingMatch => "TARGETING_MATCH",
        Reason::Split => "SPLIT",
        Reason::Disabled => "DISABLED",
        Reason::Default => "DEFAULT",
        Reason::Error => "ERROR",
    }
}

fn result_step(resolution: &Resolution) -> ExplainStep {
    let message = match (&resolution.variant, &resolution.error_message) {
        (_, Some(error)) => format!("Error: {error}"),
        (Some(variant), None) => format!(
            "Result: {} ({})",
            quoted(variant),
            reason_name(resolution.reason)
        ),
        (None, None) => format!(
            "Result: no value, the application's own default applies ({})",
            reason_name(resolution.reason)
        ),
    };
    let step = ExplainStep::new(StepKind::Result, 0, message);
    match &resolution.variant {
        Some(variant) => step.variation(variant),
        None => step,
    }
}
