//! Preview: every flag (or the ones asked for) for one context at one instant, in the
//! environments asked for, evaluated with its explanation against the published project and
//! against the project with every draft applied, and whether the drafts change the result.
//! "What changes for this persona if these drafts are published."

mod sides;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

pub use sides::{Affected, Drafts, FlagOnSide, Side, affected_flags, drafted, published};

use crate::eval::{self, ExplainStep, StepKind};
use crate::model::FlagType;
use crate::resolution::{ErrorCode, Reason, Resolution};
use crate::sync_plan::Snapshot;

/// One evaluation with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub value: Option<Value>,
    pub variant: Option<String>,
    /// OpenFeature's reason: `STATIC`, `TARGETING_MATCH`, `SPLIT`, `DISABLED`, `DEFAULT`, `ERROR`.
    pub reason: String,
    /// OpenFeature's error code (`FLAG_NOT_FOUND`, `GENERAL`...), for errors only.
    pub error_code: Option<String>,
    pub explain: Vec<ExplainStep>,
}

/// One flag in one environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PreviewCell {
    pub environment: String,
    /// With the last synced project.
    pub published: Evaluation,
    /// With every draft applied; `None` when no draft changes this flag's evaluation inputs.
    pub draft: Option<Evaluation>,
    /// The drafts change the variant or the value.
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PreviewFlag {
    pub key: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FlagType,
    pub environments: Vec<PreviewCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PreviewResult {
    /// The instant evaluated at, Unix seconds.
    pub at: i64,
    pub flags: Vec<PreviewFlag>,
    /// Sentences about the request: attributes the project does not declare, unknown flags.
    pub warnings: Vec<String>,
}

/// What to preview.
pub struct PreviewRequest<'a> {
    pub context: &'a Map<String, Value>,
    /// Unix seconds.
    pub at: i64,
    /// Environment keys, in the order to show them.
    pub environments: &'a [String],
    /// Flag keys; `None`: every flag (published or drafted).
    pub keys: Option<&'a [String]>,
}

/// Resolves both sides (only the flags asked for) and previews them.
pub fn preview(base: &Snapshot, drafts: &Drafts, request: &PreviewRequest<'_>) -> PreviewResult {
    let wanted: Option<BTreeSet<String>> = request.keys.map(|k| k.iter().cloned().collect());
    let published = published(base, wanted.as_ref());
    preview_with(base, &published, drafts, request)
}

/// [`preview`] with the published side already resolved (with at least the flags asked for):
/// a host keeps it per base, since resolving 10,000 flags costs more than explaining them.
pub fn preview_with(
    base: &Snapshot,
    published: &Side,
    drafts: &Drafts,
    request: &PreviewRequest<'_>,
) -> PreviewResult {
    let wanted: Option<BTreeSet<String>> = request.keys.map(|k| k.iter().cloned().collect());
    let affected = affected_flags(base, drafts);
    let changed_keys: Option<BTreeSet<String>> = match (&affected, &wanted) {
        (Affected::All, wanted) => wanted.clone(),
        (Affected::Flags(keys), None) => Some(keys.iter().cloned().collect()),
        (Affected::Flags(keys), Some(wanted)) => Some(
            keys.iter()
                .filter(|k| wanted.contains(*k))
                .cloned()
                .collect(),
        ),
    };
    // No draft reaches the flags asked for: nothing to resolve on the drafted side.
    let drafted = changed_keys
        .as_ref()
        .is_none_or(|keys| !keys.is_empty())
        .then(|| drafted(base, drafts, changed_keys.as_ref()));
    let mut keys: BTreeSet<String> = base.flags.keys().cloned().collect();
    keys.extend(drafts.flag_keys(base));
    let mut warnings = context_warnings(base, drafts, request.context);
    let keys: Vec<String> = match request.keys {
        None => keys.into_iter().collect(),
        Some(asked) => {
            for key in asked.iter().filter(|k| !keys.contains(*k)) {
                warnings.push(format!("There is no flag '{key}', published or drafted."));
            }
            asked
                .iter()
                .filter(|k| keys.contains(*k))
                .cloned()
                .collect()
        }
    };
    let drafted = drafted.as_ref();
    let one = |key: &String| {
        let file = drafts.flag(base, key).or_else(|| base.flags.get(key));
        PreviewFlag {
            key: key.clone(),
            name: file.map_or_else(|| key.clone(), |f| f.name.clone()),
            kind: file.map_or(FlagType::Boolean, |f| f.kind),
            environments: preview_flag(
                published,
                drafted.filter(|_| affected.contains(key)),
                key,
                request,
            ),
        }
    };
    let flags = in_parallel(&keys, one);
    PreviewResult {
        at: request.at,
        flags,
        warnings,
    }
}

/// Explaining 10,000 flags in 3 environments takes a few hundred milliseconds on one core, so
/// large previews use every core: the flags are cut into one run per core, results in order.
/// (Threads are computation only; no IO, no clock.)
fn in_parallel<T: Send>(keys: &[String], one: impl Fn(&String) -> T + Sync) -> Vec<T> {
    const MIN_PER_THREAD: usize = 500;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(keys.len() / MIN_PER_THREAD).clamp(1, 8);
    if threads == 1 {
        return keys.iter().map(one).collect();
    }
    let one = &one;
    let runs: Vec<Vec<T>> = std::thread::scope(|scope| {
        let handles: Vec<_> = keys
            .chunks(keys.len().div_ceil(threads))
            .map(|run| scope.spawn(move || run.iter().map(one).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            // The evaluator does not panic; were it to, the panic goes on here.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    runs.into_iter().flatten().collect()
}

/// One flag's cells, given both resolved sides (`drafted` is `None` when no draft changes it).
pub fn preview_flag(
    published: &Side,
    drafted: Option<&Side>,
    key: &str,
    request: &PreviewRequest<'_>,
) -> Vec<PreviewCell> {
    request
        .environments
        .iter()
        .map(|env| {
            let published = evaluation(published, env, key, request.context, request.at);
            let draft = drafted.map(|side| evaluation(side, env, key, request.context, request.at));
            let changed = draft
                .as_ref()
                .is_some_and(|d| d.variant != published.variant || d.value != published.value);
            PreviewCell {
                environment: env.clone(),
                published,
                draft,
                changed,
            }
        })
        .collect()
}

/// Explains `key` in `env` on one side.
pub fn evaluation(
    side: &Side,
    env: &str,
    key: &str,
    context: &Map<String, Value>,
    at: i64,
) -> Evaluation {
    let (resolution, explain) = match side.flag(key) {
        FlagOnSide::Found(project, _) => eval::explain_key(project, env, key, context, at),
        FlagOnSide::Missing => {
            let resolution = Resolution::error(
                ErrorCode::FlagNotFound,
                format!("There is no flag '{key}' in this version of the project"),
            );
            let step = result_step(&resolution);
            (resolution, vec![step])
        }
        FlagOnSide::Problem(problem) => {
            let resolution = Resolution::error(ErrorCode::General, problem);
            let step = result_step(&resolution);
            (resolution, vec![step])
        }
    };
    Evaluation {
        value: resolution.value,
        variant: resolution.variant,
        reason: reason_name(resolution.reason).to_owned(),
        error_code: resolution.error_code.map(|c| error_code_name(c).to_owned()),
        explain,
    }
}

fn result_step(resolution: &Resolution) -> ExplainStep {
    let message = match &resolution.error_message {
        Some(error) => format!("Error: {error}"),
        None => "Result: no value".to_owned(),
    };
    ExplainStep::new(StepKind::Result, 0, message)
}

/// The context's attributes that the project (as drafted) does not declare.
fn context_warnings(base: &Snapshot, drafts: &Drafts, context: &Map<String, Value>) -> Vec<String> {
    let Some(project) = drafts.saved.project.as_ref().or(base.project.as_ref()) else {
        return Vec::new();
    };
    let known: Vec<&str> = project
        .attributes
        .iter()
        .map(|a| a.key.as_str())
        .chain(["targetingKey"])
        .collect();
    context
        .keys()
        .filter(|key| !known.contains(&key.as_str()))
        .map(|key| {
            format!(
                "The context's attribute '{key}' is not declared in flagdeck.json{}; no condition can read it.",
                crate::suggest::suggest(&known, key)
            )
        })
        .collect()
}

pub(crate) fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Static => "STATIC",
        Reason::TargetingMatch => "TARGETING_MATCH",
        Reason::Split => "SPLIT",
        Reason::Disabled => "DISABLED",
        Reason::Default => "DEFAULT",
        Reason::Error => "ERROR",
    }
}

fn error_code_name(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::FlagNotFound => "FLAG_NOT_FOUND",
        ErrorCode::TypeMismatch => "TYPE_MISMATCH",
        ErrorCode::ParseError => "PARSE_ERROR",
        ErrorCode::General => "GENERAL",
    }
}

#[cfg(test)]
pub(crate) mod tests;
