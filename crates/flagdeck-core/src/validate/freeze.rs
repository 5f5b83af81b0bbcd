//! The freeze windows of `flagdeck.json`: a name, two RFC 3339 instants in order, and known
//! environments. Freezes are not compiled; they only make the release calendar warn.

use super::{PROJECT_FILE, Scope};
use crate::diag::Code;
use crate::instant;
use crate::model::FreezeDef;
use crate::suggest::suggest;

pub(super) fn check_all(scope: &mut Scope<'_>, freezes: &[FreezeDef]) {
    for (i, freeze) in freezes.iter().enumerate() {
        check(scope, i, freeze);
    }
}

fn check(scope: &mut Scope<'_>, i: usize, freeze: &FreezeDef) {
    let who = if freeze.name.trim().is_empty() {
        scope.error(
            Code::InvalidFreeze,
            PROJECT_FILE,
            format!("/freezes/{i}/name"),
            "A freeze window needs a name, shown in the release calendar's warnings.",
        );
        format!("Freeze window {}", i + 1)
    } else {
        format!("The freeze '{}'", freeze.name)
    };
    let from = instant_of(scope, i, "from", &freeze.from, &who);
    let to = instant_of(scope, i, "to", &freeze.to, &who);
    if let (Some(from), Some(to)) = (from, to)
        && from >= to
    {
        scope.error(
            Code::InvalidFreeze,
            PROJECT_FILE,
            format!("/freezes/{i}/to"),
            format!(
                "{who} ends ({}) before it starts ({}); 'to' must be after 'from'.",
                freeze.to, freeze.from
            ),
        );
    }
    for (j, env) in freeze.environments.iter().enumerate() {
        if scope.env_id(env).is_none() {
            let known: Vec<&str> = scope.environments.iter().map(|e| e.key.as_str()).collect();
            let hint = suggest(&known, env);
            scope.error(
                Code::UnknownEnvironment,
                PROJECT_FILE,
                format!("/freezes/{i}/environments/{j}"),
                format!(
                    "{who} names the environment '{env}'{hint}, which the project does not declare."
                ),
            );
        }
    }
}

fn instant_of(scope: &mut Scope<'_>, i: usize, field: &str, text: &str, who: &str) -> Option<i64> {
    let parsed = instant::parse_rfc3339(text);
    if parsed.is_none() {
        scope.error(
            Code::InvalidDatetime,
            PROJECT_FILE,
            format!("/freezes/{i}/{field}"),
            format!("{who}: '{field}' is '{text}', which is not a date and time like 2026-12-01T09:00:00Z."),
        );
    }
    parsed.map(|p| p.seconds)
}
