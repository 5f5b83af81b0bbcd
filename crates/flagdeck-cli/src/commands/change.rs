//! `flagdeck change list|show|create|approve|reject|withdraw|comment|publish`: change requests of the
//! checkout, each subcommand one call of `flagdeck_app::App` on the checkout's folder workspace.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use flagdeck_app::{ChangeView, EntityRef, PublishReport};
use serde_json::json;

use super::session::open_checkout;
use crate::error::{CliError, CliResult};
use crate::output::{Format, count};

#[derive(Subcommand)]
pub enum ChangeAction {
    /// Every change request, with its status and what it still needs.
    List,
    /// One change request: what it changes, its decisions and the policy's verdict.
    Show { id: String },
    /// Make a change request from the drafts of these files (e.g. flags/new-checkout.json,
    /// people/bob.json, policy.json), signed by you.
    Create {
        #[arg(long)]
        title: String,
        #[arg(long, conflicts_with = "emergency")]
        description: Option<String>,
        /// An emergency change (it may only reduce exposure) and why; publishable without
        /// approval only where the policy allows emergencies.
        #[arg(long, value_name = "REASON")]
        emergency: Option<String>,
        /// The project files it changes, relative to the project folder.
        #[arg(required = true, value_name = "ENTITY")]
        entities: Vec<String>,
    },
    /// Approve the current version (signed by you).
    Approve {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Reject the current version (signed by you).
    Reject {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Withdraw your own change request.
    Withdraw { id: String },
    /// Add a comment (it travels with the request on the next sync).
    Comment { id: String, text: String },
    /// Publish an approved change request: one commit on the remote head, pushed.
    Publish { id: String },
}

pub fn run(action: ChangeAction, dir: &Path, data_dir: &Path, format: Format) -> CliResult {
    let (app, ws) = open_checkout(data_dir, dir)?;
    match action {
        ChangeAction::List => {
            let views = app.change_requests(ws)?;
            match format {
                Format::Json => println!("{}", json!(views)),
                Format::Text if views.is_empty() => println!("No change requests."),
                Format::Text => {
                    for view in &views {
                        print_line(view);
                    }
                }
            }
        }
        ChangeAction::Show { id } => print_view(&app.change_request(ws, &id)?, format),
        ChangeAction::Create {
            title,
            description,
            emergency,
            entities,
        } => {
            let refs = entities
                .iter()
                .map(|e| entity(e))
                .collect::<Result<Vec<_>, _>>()?;
            let view = match emergency {
                Some(reason) => app.create_emergency_change_request(ws, &title, &reason, &refs)?,
                None => app.create_change_request(ws, &title, description.as_deref(), &refs)?,
            };
            print_view(&view, format);
        }
        ChangeAction::Approve { id, comment } => {
            print_view(&app.approve(ws, &id, comment.as_deref())?, format);
        }
        ChangeAction::Reject { id, comment } => {
            print_view(&app.reject(ws, &id, comment.as_deref())?, format);
        }
        ChangeAction::Withdraw { id } => print_view(&app.withdraw(ws, &id)?, format),
        ChangeAction::Comment { id, text } => print_view(&app.comment(ws, &id, &text)?, format),
        ChangeAction::Publish { id } => print_published(&app.publish(ws, &id)?, format),
    }
    Ok(ExitCode::SUCCESS)
}

/// `flags/new-checkout.json` (a path in the project) → the entity; `./` and `\` are accepted.
fn entity(text: &str) -> Result<EntityRef, CliError> {
    let path = text.trim_start_matches("./").replace('\\', "/");
    EntityRef::of_path(&path).ok_or_else(|| {
        CliError::Usage(format!(
            "{text:?} is not a project file: name it by its path, e.g. flags/new-checkout.json, segments/beta.json, people/bob.json, policy.json or flagdeck.json."
        ))
    })
}

fn status_word(view: &ChangeView) -> String {
    serde_json::to_value(view.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `cr-x1  approved  Raise the rollout (alice; 1 file)`.
fn print_line(view: &ChangeView) {
    let r = &view.request;
    let local = if view.local_only { ", not synced" } else { "" };
    println!(
        "{}  {}  {} ({}; {}{local})",
        r.id,
        status_word(view),
        r.title,
        r.author,
        count(r.entities.len(), "file")
    );
}

fn print_view(view: &ChangeView, format: Format) {
    if format == Format::Json {
        println!("{}", json!(view));
        return;
    }
    let r = &view.request;
    println!("{}: {}", r.id, r.title);
    println!("Status: {}", status_word(view));
    println!("Author: {}; base commit {}", r.author, r.base);
    if let Some(d) = &r.description {
        println!("Description: {d}");
    }
    if let Some(e) = &r.emergency {
        println!("Emergency: {}", e.reason);
    }
    println!("Changes:");
    for e in &r.entities {
        let what = match (&e.before, &e.after) {
            (None, _) => "added",
            (_, None) => "deleted",
            _ => "changed",
        };
        println!("  {} ({what})", e.path);
    }
    for a in &r.approvals {
        let decision = serde_json::to_value(a.decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let comment = a
            .comment
            .as_deref()
            .map(|c| format!(": {c}"))
            .unwrap_or_default();
        println!("  {decision} by {} at {}{comment}", a.by, a.at);
    }
    for c in &r.comments {
        println!("  comment by {} at {}: {}", c.by, c.at, c.text);
    }
    println!("Content hash: {}", view.report.content_hash);
    for reason in view.report.reasons.iter().chain(&view.report.notes) {
        println!("  {reason}");
    }
    if view.local_only {
        println!("Not synced yet: run flagdeck sync so that teammates see it.");
    }
}

fn print_published(report: &PublishReport, format: Format) {
    match format {
        Format::Json => println!("{}", json!(report)),
        Format::Text => {
            println!("{} (commit {}).", report.message, report.commit);
            for f in &report.files {
                println!("  {f}");
            }
        }
    }
}
