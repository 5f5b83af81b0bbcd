//! `flagdeck validate [DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::CliResult;
use crate::output::project_root;
use crate::output::{Format, count, print_diagnostics};
use flagdeck_app::project_dir;

pub fn run(dir: Option<PathBuf>, format: Format) -> CliResult {
    let root = project_root(dir);
    let checked = project_dir::check(&root)?;
    let errors = checked.errors().count();
    let warnings = checked.diagnostics.len() - errors;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "valid": errors == 0,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": checked.diagnostics,
            })
        ),
        Format::Text => {
            print_diagnostics(&checked.diagnostics);
            if errors == 0 {
                let summary = checked
                    .project
                    .as_ref()
                    .map(|p| {
                        format!(
                            "{}, {}, {}",
                            count(p.flags.len(), "flag"),
                            count(p.segments.len(), "segment"),
                            count(p.environments.len(), "environment")
                        )
                    })
                    .unwrap_or_default();
                println!("Valid: {summary}; {}.", count(warnings, "warning"));
            } else {
                eprintln!(
                    "{} and {}.",
                    count(errors, "error"),
                    count(warnings, "warning")
                );
            }
        }
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
