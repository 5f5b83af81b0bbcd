//! `flagdeck sync [DIR] [--dry-run] [--author "Name <email>"] [--keep local|remote]`: syncs a
//! folder that is a Git checkout with its `origin` remote, headless, with the app's engine
//! (`flagdeck_app::sync`). This file only turns options into a call and a report into words.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use flagdeck_app::sync::engine::{self, Stop, SyncOptions as EngineOptions};
use flagdeck_app::sync::folder_side::{Checkout, FolderSide};
use flagdeck_app::sync::{Author, SyncReport, SyncResult, entity_name};
use flagdeck_core::merge::Resolution;
use flagdeck_core::sync_plan::{EntityConflict, Origin};
use serde_json::{Value, json};

use crate::error::{CliError, CliResult};
use crate::output::{Format, count, print_diagnostics, project_root};

/// Which side every open conflict takes, when the user says so.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Keep {
    /// Keep the working folder's value (it is pushed, replacing the remote's).
    Local,
    /// Take the remote's value (the working folder gets it).
    Remote,
}

/// The options of `flagdeck sync`.
pub struct SyncOptions {
    pub dir: Option<PathBuf>,
    pub dry_run: bool,
    pub author: Option<String>,
    pub keep: Option<Keep>,
}

pub fn run(options: SyncOptions, format: Format) -> CliResult {
    // The remote's password or token, if its URL names a user, comes from the OS keyring.
    let checkout = Checkout::open(&project_root(options.dir.clone()))?
        .with_remote_credentials(&flagdeck_sync::KeyringSecretStore::platform_default())?;
    // One sync at a time in a checkout; a killed sync's lock files are cleared here.
    let _turn = checkout
        .git
        .take_sync_turn(&checkout.branch)
        .map_err(flagdeck_app::AppError::from)?;
    flagdeck_app::project_dir::remove_stale_temporaries(&checkout.root);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let author = options
        .author
        .as_deref()
        .map(|text| parse_author(text, now))
        .transpose()?;
    let side = FolderSide {
        checkout: &checkout,
        keep: options.keep.map(|keep| match keep {
            Keep::Local => Resolution::Local,
            Keep::Remote => Resolution::Remote,
        }),
        author,
        resolver: None,
        on_conflicts: None,
        now,
        past_steps_at: None,
        held: Default::default(),
    };
    let report = match engine::run(
        &side,
        EngineOptions {
            dry_run: options.dry_run,
        },
    ) {
        Ok(report) => report,
        Err(Stop::Unreadable { side, diagnostics }) => SyncReport::unreadable(&side, diagnostics),
        Err(Stop::Failed(error)) => return Err(sync_error(error)),
    };
    let held: Vec<String> = side.held.entities().iter().map(|e| e.path()).collect();
    Ok(print_report(&report, &checkout.branch, &held, format))
}

/// Offline says that nothing was lost; other errors keep the app's sentence.
fn sync_error(error: flagdeck_app::AppError) -> CliError {
    if error.code == flagdeck_app::ErrorCode::Offline {
        return CliError::Io(format!(
            "Offline: {} Nothing was lost: your edits are as they were; run flagdeck sync again when the remote is reachable.",
            error.message
        ));
    }
    error.into()
}

/// Prints the report; exit 1 for conflicts, an invalid result or unreadable files.
fn print_report(report: &SyncReport, branch: &str, held: &[String], format: Format) -> ExitCode {
    if format == Format::Json {
        let mut out = json!({
            "result": report.result,
            "summary": report.summary,
            "changes": report.changes,
            "conflicts": report.conflicts,
        });
        if let Some(commit) = &report.commit {
            out["commit"] = json!(commit);
            out["message"] = json!(report.message);
        }
        if matches!(report.result, SyncResult::Invalid | SyncResult::Unreadable) {
            out["diagnostics"] = json!(report.diagnostics);
            out["message"] = json!(failure_sentence(report));
        }
        if report.result == SyncResult::Published {
            out["branch"] = json!(branch);
        }
        out["heldBack"] = json!(held);
        println!("{out}");
        return exit_for(report);
    }
    if !held.is_empty() {
        println!(
            "Held back, waiting for a change request (the policy governs them): {}. See flagdeck change create.",
            held.join(", ")
        );
    }
    match report.result {
        SyncResult::Pushed => {
            let message = report.message.clone().unwrap_or_default();
            let subject = message.lines().next().unwrap_or_default();
            println!(
                "Pushed {}: {subject}",
                count(report.pushed_count(), "change")
            );
            if report.pulled_count() > 0 {
                println!("Pulled {}.", count(report.pulled_count(), "change"));
            }
        }
        SyncResult::Pulled => println!("Pulled {}.", count(report.pulled_count(), "change")),
        SyncResult::UpToDate => println!("Up to date."),
        SyncResult::Published => {
            println!("Pushed the branch {branch}: the remote did not have it yet.");
        }
        SyncResult::DryRun | SyncResult::Conflicts => {
            println!("{}.", report.summary);
            for line in change_lines(report)
                .into_iter()
                .chain(conflict_lines(report))
            {
                println!("  {line}");
            }
            if report.result == SyncResult::DryRun {
                println!(
                    "Dry run: nothing was changed (the fetch only updated the remote-tracking branch)."
                );
            } else {
                eprintln!(
                    "Nothing was committed, pushed or changed: the working folder keeps your values. To resolve, either edit each file to the remote's value and run flagdeck sync again, or run flagdeck sync --keep local (your values replace the remote's) or --keep remote (the remote's values replace yours)."
                );
            }
        }
        SyncResult::Invalid | SyncResult::Unreadable => {
            print_diagnostics(&report.diagnostics);
            eprintln!("{}", failure_sentence(report));
        }
    }
    exit_for(report)
}

fn failure_sentence(report: &SyncReport) -> String {
    match report.result {
        SyncResult::Invalid => "The merged project has errors, so nothing was committed or pushed and the working folder is as it was; fix them and run flagdeck sync again.".to_owned(),
        _ => format!("{}; fix them and run again.", report.summary),
    }
}

fn exit_for(report: &SyncReport) -> ExitCode {
    match report.result {
        SyncResult::Conflicts | SyncResult::Invalid | SyncResult::Unreadable => ExitCode::from(1),
        SyncResult::DryRun if !report.conflicts.is_empty() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// One line per entity that changes: what, and where from.
fn change_lines(report: &SyncReport) -> Vec<String> {
    report
        .changes
        .iter()
        .filter_map(|c| {
            let what = match c.origin()? {
                Origin::Remote => "changed on the remote; the working folder takes it",
                Origin::Local => "changed here; to push",
                Origin::Both => "changed on both sides; merged",
            };
            Some(format!("{}: {what}", entity_name(&c.entity)))
        })
        .collect()
}

/// One line per conflict: entity, JSON pointer, the three values and the sentence.
fn conflict_lines(report: &SyncReport) -> Vec<String> {
    report
        .conflicts
        .iter()
        .map(|EntityConflict { entity, conflict }| {
            let pointer = if conflict.path.is_empty() {
                "/"
            } else {
                &conflict.path
            };
            format!(
                "conflict in {} at {pointer}: {} (base: {}, local: {}, remote: {})",
                entity_name(entity),
                conflict.description.trim_end_matches('.'),
                compact(conflict.base.as_ref()),
                compact(conflict.local.as_ref()),
                compact(conflict.remote.as_ref()),
            )
        })
        .collect()
}

fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_owned(), Value::to_string)
}

/// "Ada Lovelace <ada@example.com>" → the author, at `now`.
fn parse_author(text: &str, now: i64) -> Result<Author, CliError> {
    let parsed = text.split_once('<').and_then(|(name, rest)| {
        let email = rest.strip_suffix('>')?.trim();
        let name = name.trim();
        let clean = |s: &str| !s.is_empty() && !s.contains(['<', '>', '\n']);
        (clean(name) && clean(email)).then(|| (name.to_owned(), email.to_owned()))
    });
    let (name, email) = parsed.ok_or_else(|| {
        CliError::Usage(format!(
            "--author must look like \"Name <email>\", not {text:?}."
        ))
    })?;
    Ok(Author {
        name,
        email,
        unix_seconds: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_parsed_from_name_and_email() {
        let author = parse_author("Ada Lovelace <ada@example.com>", 5).ok();
        assert_eq!(
            author.as_ref().map(|a| a.name.as_str()),
            Some("Ada Lovelace")
        );
        assert_eq!(
            author.as_ref().map(|a| a.email.as_str()),
            Some("ada@example.com")
        );
        for bad in ["Ada", "<ada@example.com>", "Ada <>", "Ada <a@b> trailing"] {
            assert!(parse_author(bad, 5).is_err(), "{bad}");
        }
    }

    #[test]
    fn conflict_values_are_compact_json() {
        assert_eq!(compact(None), "absent");
        assert_eq!(compact(Some(&json!({"a": [1, 2]}))), r#"{"a":[1,2]}"#);
    }
}
