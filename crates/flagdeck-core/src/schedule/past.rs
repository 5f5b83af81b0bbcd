//! The publish-time check: drafts must not add or change a schedule step whose time has passed
//! (it would take effect at once, not when it says). A published step in the past is history.

use super::calendar::env_name;
use super::{is_unpublished, step_instant};
use crate::diag::{Code, Diagnostic, pointer_push};
use crate::eval::explain::human_time;
use crate::sync_plan::Snapshot;

/// One located error per step of `after` that `before` lacks and that is earlier than `now`.
/// `before` is what is published (the remote or the base), `after` what would be published.
pub fn past_steps(before: &Snapshot, after: &Snapshot, now: i64) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (key, flag) in &after.flags {
        let published = before.flags.get(key);
        if published == Some(flag) {
            continue;
        }
        for (env_key, env) in &flag.environments {
            for (i, step) in env.schedule.iter().enumerate() {
                let Some(at) = step_instant(step) else {
                    continue;
                };
                if at >= now || !is_unpublished(published, env_key, step) {
                    continue;
                }
                let pointer = ["environments", env_key.as_str(), "schedule"]
                    .iter()
                    .fold(String::new(), |p, t| pointer_push(&p, t));
                let pointer = pointer_push(&pointer_push(&pointer, i), "at");
                found.push(Diagnostic::error(
                    Code::ScheduleInPast,
                    format!("flags/{key}.json"),
                    pointer,
                    format!(
                        "Flag '{key}' in {}: the schedule step at {} is in the past, so publishing it would apply it at once; move it to a later time or remove it.",
                        env_name(after.project.as_ref(), env_key),
                        human_time(at)
                    ),
                ));
            }
        }
    }
    found
}
