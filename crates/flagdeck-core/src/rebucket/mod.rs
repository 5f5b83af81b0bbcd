//! The rebucketing impact of a flag's drafts: which changes can move people between variations
//! ([`triggers`]), and how many people of a population actually move, per environment, from
//! which variation to which ([`impact`]). The population is a generated sample or a CSV file
//! of real contexts ([`crate::sample`]).

mod triggers;

use std::collections::HashMap;

use serde::Serialize;

pub use triggers::triggers;

use crate::checked::Project;
use crate::eval::evaluate_bucketing;
use crate::preview::{FlagOnSide, Side};
use crate::resolution::Resolution;
use crate::sample::Context;

/// How many contexts moved from one variation to another (`None`: no variation, the
/// application's own default or an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub from: Option<String>,
    pub to: Option<String>,
    pub count: u32,
}

/// One environment's impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EnvImpact {
    /// The environment's key.
    pub environment: String,
    /// Contexts evaluated.
    pub total: u32,
    /// Contexts whose variant or value the drafts change.
    pub changed: u32,
    /// Contexts that a rollout of the drafted flag cannot bucket (no text at its bucketBy).
    pub unbucketable: u32,
    /// The moves, largest first.
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RebucketImpact {
    pub key: String,
    pub sample_size: u32,
    /// Which draft changes can move people, in words; empty: none.
    pub triggers: Vec<String>,
    pub environments: Vec<EnvImpact>,
    /// Sentences: rows of a CSV left out, a flag that cannot be compared.
    pub problems: Vec<String>,
}

/// Evaluates `key` for every context at `at` on both sides, in every environment of the
/// drafted project. `problems` (from reading the sample) are passed through.
pub fn impact(
    published: &Side,
    drafted: &Side,
    key: &str,
    contexts: &[Context],
    at: i64,
    mut problems: Vec<String>,
) -> RebucketImpact {
    let sample_size = u32::try_from(contexts.len()).unwrap_or(u32::MAX);
    let mut result = RebucketImpact {
        key: key.to_owned(),
        sample_size,
        triggers: Vec::new(),
        environments: Vec::new(),
        problems: Vec::new(),
    };
    let (base, base_id, current, id) = match (published.flag(key), drafted.flag(key)) {
        (FlagOnSide::Found(b, bi), FlagOnSide::Found(c, ci)) => (b, bi, c, ci),
        (_, FlagOnSide::Problem(problem)) | (FlagOnSide::Problem(problem), _) => {
            problems.push(format!("{problem}; the impact cannot be measured."));
            result.problems = problems;
            return result;
        }
        (FlagOnSide::Missing, _) => {
            problems.push(format!(
                "The flag '{key}' is not published yet: nobody has a variation to move from."
            ));
            result.problems = problems;
            return result;
        }
        (_, FlagOnSide::Missing) => {
            problems.push(format!(
                "A draft deletes the flag '{key}': everyone gets the application's own default."
            ));
            result.problems = problems;
            return result;
        }
    };
    let (Some(base_flag), Some(flag)) = (base.flags.get(base_id), current.flags.get(id)) else {
        result.problems = problems;
        return result;
    };
    result.triggers = triggers(
        base,
        base_flag,
        &published.bucket_by,
        current,
        flag,
        &drafted.bucket_by,
    );
    result.environments = current
        .environments
        .iter()
        .enumerate()
        .map(|(env, e)| env_impact(base, base_id, current, id, env, &e.key, contexts, at))
        .collect();
    result.problems = problems;
    result
}

#[allow(clippy::too_many_arguments)]
fn env_impact(
    base: &Project,
    base_id: usize,
    current: &Project,
    id: usize,
    env: usize,
    env_key: &str,
    contexts: &[Context],
    at: i64,
) -> EnvImpact {
    let base_env = base.env_id(env_key);
    let mut changed = 0u32;
    let mut unbucketable = 0u32;
    let mut moves: HashMap<(Option<String>, Option<String>), u32> = HashMap::new();
    for context in contexts {
        let before = match base_env {
            Some(base_env) => evaluate_bucketing(base, base_env, base_id, context, at).0,
            None => Resolution::no_value(crate::resolution::Reason::Default),
        };
        let (after, lost) = evaluate_bucketing(current, env, id, context, at);
        if lost {
            unbucketable += 1;
        }
        if differs(&before, &after) {
            changed += 1;
            *moves.entry((before.variant, after.variant)).or_default() += 1;
        }
    }
    let mut transitions: Vec<Transition> = moves
        .into_iter()
        .map(|((from, to), count)| Transition { from, to, count })
        .collect();
    transitions.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    EnvImpact {
        environment: env_key.to_owned(),
        total: u32::try_from(contexts.len()).unwrap_or(u32::MAX),
        changed,
        unbucketable,
        transitions,
    }
}

fn differs(a: &Resolution, b: &Resolution) -> bool {
    a.variant != b.variant || a.value != b.value
}

#[cfg(test)]
mod tests;
