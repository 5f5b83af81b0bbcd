//! The release calendar: every schedule step of every flag in every environment, as the project
//! is now (drafts included), within a time window, with what it does and what to watch out for.

use serde::Serialize;

use super::{is_unpublished, step_instant, summary::step_summary};
use crate::eval::explain::human_time;
use crate::instant::{format_rfc3339, parse_rfc3339};
use crate::model::{FreezeDef, ProjectFile, ScheduleStep};
use crate::sync_plan::Snapshot;

/// Two steps of one flag in one environment closer than this (in seconds, either way) get a
/// `closeSteps` warning: an hour apart, the first step's effect has barely been seen before the
/// next one lands, which is usually a typo in a date or a time zone.
pub const CLOSE_STEPS_SECONDS: i64 = 3600;

/// One schedule step on the calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CalendarEntry {
    pub flag: String,
    pub flag_name: String,
    pub tags: Vec<String>,
    /// The environment's key.
    pub environment: String,
    /// RFC 3339 in UTC.
    pub at: String,
    /// When the step holds a ramp: the instant it reaches its final weight (RFC 3339, UTC).
    pub ramp_ends_at: Option<String>,
    /// What the step does, in plain words.
    pub summary: String,
    /// The step was added or changed by a draft (not yet published).
    pub unpublished: bool,
    pub warnings: Vec<CalendarWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarWarning {
    pub code: CalendarWarningCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CalendarWarningCode {
    /// Another step of the same flag and environment is less than [`CLOSE_STEPS_SECONDS`] away.
    CloseSteps,
    /// The step falls inside a freeze window that covers its environment.
    InFreeze,
    /// An unpublished step whose time has passed: it cannot be published.
    InPast,
}

/// A freeze window with its instants read.
struct Freeze<'a> {
    def: &'a FreezeDef,
    from: i64,
    to: i64,
}

/// Every step of `current`'s flags with `from <= at < to`, sorted by `at` (then flag and
/// environment). `published` is the last synced project: a step it lacks is unpublished.
pub fn calendar(
    published: &Snapshot,
    current: &Snapshot,
    from: i64,
    to: i64,
    now: i64,
) -> Vec<CalendarEntry> {
    let project = current.project.as_ref();
    let freezes: Vec<Freeze<'_>> = project
        .map(|p| p.freezes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|def| {
            Some(Freeze {
                def,
                from: parse_rfc3339(&def.from)?.seconds,
                to: parse_rfc3339(&def.to)?.seconds,
            })
        })
        .collect();
    let mut entries: Vec<(i64, CalendarEntry)> = Vec::new();
    for (key, flag) in &current.flags {
        for (env_key, env) in &flag.environments {
            let steps: Vec<(i64, &ScheduleStep)> = env
                .schedule
                .iter()
                .filter_map(|s| Some((step_instant(s)?, s)))
                .collect();
            for &(at, step) in &steps {
                if at < from || at >= to {
                    continue;
                }
                let place = Place {
                    env_key,
                    env_name: env_name(project, env_key),
                };
                let unpublished = is_unpublished(published.flags.get(key), env_key, step);
                let warnings = warnings(&place, at, &steps, &freezes, unpublished, now);
                entries.push((
                    at,
                    CalendarEntry {
                        flag: key.clone(),
                        flag_name: flag.name.clone(),
                        tags: flag.tags.clone(),
                        environment: env_key.clone(),
                        at: format_rfc3339(at).unwrap_or_else(|| step.at.clone()),
                        ramp_ends_at: ramp_end(step),
                        summary: step_summary(flag, env, step),
                        unpublished,
                        warnings,
                    },
                ));
            }
        }
    }
    entries.sort_by(|a, b| {
        (a.0, &a.1.flag, &a.1.environment).cmp(&(b.0, &b.1.flag, &b.1.environment))
    });
    entries.into_iter().map(|(_, e)| e).collect()
}

/// Where a step is: its flag and environment.
struct Place<'a> {
    env_key: &'a str,
    env_name: String,
}

fn warnings(
    place: &Place<'_>,
    at: i64,
    steps: &[(i64, &ScheduleStep)],
    freezes: &[Freeze<'_>],
    unpublished: bool,
    now: i64,
) -> Vec<CalendarWarning> {
    let mut warnings = Vec::new();
    let mut seen_self = false;
    let closest = steps
        .iter()
        .filter(|(other, _)| {
            // The step itself is skipped once; another step at the same instant still counts.
            if *other == at && !seen_self {
                seen_self = true;
                return false;
            }
            true
        })
        .map(|(other, _)| *other)
        .filter(|other| (other - at).abs() < CLOSE_STEPS_SECONDS)
        .min_by_key(|other| (other - at).abs());
    if let Some(other) = closest {
        warnings.push(CalendarWarning {
            code: CalendarWarningCode::CloseSteps,
            message: format!(
                "Another step of this flag in {} is {} away (at {}); steps less than an hour apart are easy to get wrong.",
                place.env_name,
                duration_words((other - at).abs()),
                human_time(other)
            ),
        });
    }
    for freeze in freezes {
        if freeze.def.covers(place.env_key) && freeze.from <= at && at < freeze.to {
            warnings.push(CalendarWarning {
                code: CalendarWarningCode::InFreeze,
                message: format!(
                    "This step falls inside the freeze '{}' ({} to {}) of {}.",
                    freeze.def.name,
                    human_time(freeze.from),
                    human_time(freeze.to),
                    place.env_name
                ),
            });
        }
    }
    if unpublished && at < now {
        warnings.push(CalendarWarning {
            code: CalendarWarningCode::InPast,
            message: format!(
                "This unpublished step is at {}, which has passed, so it cannot be published; move it to a later time.",
                human_time(at)
            ),
        });
    }
    warnings
}

/// The latest end of the step's ramps (the default rule's and the rules'), as RFC 3339.
fn ramp_end(step: &ScheduleStep) -> Option<String> {
    step.fallthrough
        .iter()
        .chain(step.rules.values().map(|r| &r.serve))
        .filter_map(|serve| serve.ramp.as_ref())
        .filter_map(|ramp| parse_rfc3339(&ramp.to))
        .map(|p| p.seconds)
        .max()
        .and_then(format_rfc3339)
}

/// The environment's name from the project (its key when the project does not declare it).
pub(crate) fn env_name(project: Option<&ProjectFile>, key: &str) -> String {
    project
        .and_then(|p| p.environments.iter().find(|e| e.key == key))
        .map_or_else(|| key.to_owned(), |e| e.name.clone())
}

/// "30 minutes", "1 minute", "45 seconds", "0 seconds".
fn duration_words(seconds: i64) -> String {
    let (n, unit) = if seconds >= 60 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
