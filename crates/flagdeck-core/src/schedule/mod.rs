//! Schedules seen across the project: the release calendar ([`calendar`]), each step in plain
//! words ([`summary`]), and the publish-time check that no draft adds a step in the past
//! ([`past`]). Pure: `now` is always a parameter.
//!
//! A step is *unpublished* when the published flag (the base) has no identical step in the same
//! environment: a draft added it or changed it. A published step whose time has passed is
//! history and is never a problem.

pub mod calendar;
pub mod past;
pub mod summary;

use crate::model::{FlagEnvironment, FlagFile, ScheduleStep};

pub use calendar::{
    CLOSE_STEPS_SECONDS, CalendarEntry, CalendarWarning, CalendarWarningCode, calendar,
};
pub use past::past_steps;
pub use summary::step_summary;

/// Whether `step` of the environment `env` is not in the published flag `published` as it is.
pub(crate) fn is_unpublished(published: Option<&FlagFile>, env: &str, step: &ScheduleStep) -> bool {
    !published
        .and_then(|flag| flag.environments.get(env))
        .is_some_and(|published_env: &FlagEnvironment| published_env.schedule.contains(step))
}

/// A step's instant as Unix seconds (`None` when validation would refuse it anyway).
pub(crate) fn step_instant(step: &ScheduleStep) -> Option<i64> {
    crate::instant::parse_rfc3339(&step.at).map(|p| p.seconds)
}

#[cfg(test)]
mod tests;
