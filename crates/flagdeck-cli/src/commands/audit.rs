//! `flagdeck audit [--format json|csv] [--dir DIR]`: the audit log of the checkout's workspace
//! (`flagdeck_app::App::export_audit`), oldest first.

use std::path::Path;
use std::process::ExitCode;

use flagdeck_app::AuditFormat;
use flagdeck_core::instant::format_rfc3339;

use super::session::open_checkout;
use crate::error::CliResult;

/// As many entries as the text listing shows (all of them).
const ALL: u32 = 1_000_000;

/// `None`: text for people, one line per entry.
pub fn run(dir: &Path, data_dir: &Path, format: Option<AuditFormat>) -> CliResult {
    let (app, workspace) = open_checkout(data_dir, dir)?;
    match format {
        Some(format) => print!("{}", app.export_audit(workspace, format)?),
        None => {
            let mut entries = app.audit_log(workspace, ALL)?;
            entries.reverse();
            for e in entries {
                let at = format_rfc3339(e.at).unwrap_or_else(|| e.at.to_string());
                println!("{at} {} {} {}", e.actor, e.action, e.details);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
