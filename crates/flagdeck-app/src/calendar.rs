//! `calendar`: every schedule step of the workspace as it is now (drafts included) within a
//! time window, worded and with warnings by `flagdeck_core::schedule`, at the app clock's now.

use flagdeck_core::instant::parse_rfc3339;
use flagdeck_core::schedule::{self, CalendarEntry};

use crate::App;
use crate::error::{AppError, AppResult};

impl App {
    /// The steps with `from <= at < to` (RFC 3339 instants), sorted by `at`.
    pub fn calendar(
        &self,
        workspace_id: i64,
        from: &str,
        to: &str,
    ) -> AppResult<Vec<CalendarEntry>> {
        let from_at = instant(from, "from")?;
        let to_at = instant(to, "to")?;
        if from_at >= to_at {
            return Err(AppError::invalid(format!(
                "The calendar's window ends ({to}) before it starts ({from})."
            ))
            .with_field("to"));
        }
        let base = self.base_snapshot(workspace_id)?;
        // A draft that does not decode leaves its entity as the base has it; `validate` says why.
        let (local, _, _) = self.local_snapshot(workspace_id)?;
        Ok(schedule::calendar(
            &base,
            &local,
            from_at,
            to_at,
            self.now(),
        ))
    }
}

fn instant(text: &str, field: &str) -> AppResult<i64> {
    parse_rfc3339(text).map(|p| p.seconds).ok_or_else(|| {
        AppError::invalid(format!(
            "'{text}' is not a date and time like 2026-12-01T09:00:00Z."
        ))
        .with_field(field)
    })
}
