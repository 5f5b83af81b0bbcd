//! `flagdeck status [DIR]`: without touching the network, what `flagdeck sync` would find as of
//! the last fetch: local drafts (the working folder against HEAD), changes to push, changes to
//! pull and conflicts.

use std::path::PathBuf;
use std::process::ExitCode;

use flagdeck_core::sync_plan::{self, Effect, PlannedChange, SyncPlan};
use serde_json::json;

use flagdeck_app::sync::engine::Stop;
use flagdeck_app::sync::entity_name;
use flagdeck_app::sync::folder_side::{Checkout, hold_back};

use crate::error::CliResult;
use crate::output::{Format, count, print_diagnostics, project_root};

pub fn run(dir: Option<PathBuf>, format: Format) -> CliResult {
    let checkout = Checkout::open(&project_root(dir))?;
    match status(&checkout, format) {
        Ok(code) => Ok(code),
        Err(Stop::Failed(error)) => Err(error.into()),
        Err(Stop::Unreadable { side, diagnostics }) => {
            let message = format!(
                "Some files of {side} cannot be read, so the status cannot be computed; fix them and run again."
            );
            match format {
                Format::Json => println!(
                    "{}",
                    json!({"result": "unreadable", "message": message, "diagnostics": diagnostics})
                ),
                Format::Text => {
                    print_diagnostics(&diagnostics);
                    eprintln!("{message}");
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// What status found, all from local Git data.
struct Status {
    head: Option<String>,
    remote_head: Option<String>,
    /// The working folder against HEAD.
    drafts: Vec<(String, Effect)>,
    /// The sync as of the last fetch: to push, to pull, conflicts.
    plan: SyncPlan,
    /// Governed edits that sync keeps in the working folder until they are published.
    held: Vec<String>,
    /// Commits HEAD has that the remote head lacks (made with `git commit`), and the reverse.
    ahead: usize,
    behind: usize,
}

fn status(checkout: &Checkout, format: Format) -> Result<ExitCode, Stop> {
    let head = checkout.head();
    let remote_head = checkout.git.remote_head(&checkout.branch)?;
    let local = checkout.local_snapshot()?;
    let head_snapshot = checkout.snapshot_of(head, "the last synced commit")?;
    let drafts = sync_plan::plan(&head_snapshot, &local, &head_snapshot)
        .changes()
        .iter()
        .filter_map(|c| Some((entity_name(&c.entity), c.outgoing?)))
        .collect();
    // What sync would push: the working folder without the edits it holds back (GOV §4).
    let (pushable, held) = hold_back(&head_snapshot, &local);
    let base = checkout.snapshot_of(checkout.base_commit(remote_head), "the last synced commit")?;
    let remote = checkout.snapshot_of(remote_head.or(head), "the remote")?;
    let (ahead, behind) = match (head, remote_head) {
        (Some(h), Some(r)) => checkout
            .repo
            .graph_ahead_behind(h, r)
            .map_err(|e| Stop::Failed(e.into()))?,
        _ => (0, 0),
    };
    let found = Status {
        head: head.map(|o| o.to_string()),
        remote_head: remote_head.map(|o| o.to_string()),
        drafts,
        plan: sync_plan::plan(&base, &pushable, &remote),
        held: held.iter().map(|e| e.path()).collect(),
        ahead,
        behind,
    };
    match format {
        Format::Json => print_json(&checkout.branch, &found),
        Format::Text => print_text(&checkout.branch, &found),
    }
    Ok(ExitCode::SUCCESS)
}

fn effect_word(effect: Effect) -> &'static str {
    match effect {
        Effect::Add => "added",
        Effect::Update => "changed",
        Effect::Delete => "deleted",
    }
}

fn outgoing(plan: &SyncPlan) -> Vec<&PlannedChange> {
    plan.changes()
        .iter()
        .filter(|c| c.outgoing.is_some())
        .collect()
}

fn incoming(plan: &SyncPlan) -> Vec<&PlannedChange> {
    plan.changes()
        .iter()
        .filter(|c| c.incoming.is_some())
        .collect()
}

fn print_json(branch: &str, s: &Status) {
    let drafts: Vec<_> = s
        .drafts
        .iter()
        .map(|(entity, effect)| json!({"entity": entity, "effect": effect}))
        .collect();
    println!(
        "{}",
        json!({
            "branch": branch,
            "head": s.head,
            "remoteHead": s.remote_head,
            "drafts": drafts,
            "toPush": outgoing(&s.plan),
            "toPull": incoming(&s.plan),
            "conflicts": s.plan.conflicts(),
            "ahead": s.ahead,
            "behind": s.behind,
            "heldBack": s.held,
        })
    );
}

fn print_text(branch: &str, s: &Status) {
    let short = |o: &Option<String>| {
        o.as_deref()
            .map_or("none".to_owned(), |id| id.chars().take(10).collect())
    };
    println!(
        "On branch {branch}: HEAD {}, remote head {} (as of the last fetch).",
        short(&s.head),
        short(&s.remote_head)
    );
    if s.drafts.is_empty() {
        println!("No local drafts: the working folder matches HEAD.");
    } else {
        println!(
            "{} since the last sync:",
            count(s.drafts.len(), "local draft")
        );
        for (entity, effect) in &s.drafts {
            println!("  {entity}: {}", effect_word(*effect));
        }
    }
    if s.ahead > 0 {
        println!("{} not yet pushed.", count(s.ahead, "local commit"));
    }
    if !s.held.is_empty() {
        println!(
            "Held back until published through a change request: {}.",
            s.held.join(", ")
        );
    }
    let to_push = outgoing(&s.plan);
    if to_push.is_empty() {
        println!("Nothing to push.");
    } else {
        println!("{} to push:", count(to_push.len(), "change"));
        print_changes(&to_push, |c| c.outgoing);
    }
    let to_pull = incoming(&s.plan);
    if to_pull.is_empty() {
        println!("Nothing to pull as of the last fetch (flagdeck sync fetches).");
    } else {
        println!(
            "{} to pull as of the last fetch ({}):",
            count(to_pull.len(), "change"),
            count(s.behind, "new commit")
        );
        print_changes(&to_pull, |c| c.incoming);
    }
    if s.plan.has_conflicts() {
        println!(
            "{} with the remote (as of the last fetch); flagdeck sync --dry-run shows them:",
            count(s.plan.conflicts().len(), "conflict")
        );
        for c in s.plan.conflicts() {
            println!(
                "  {} at {}: {}",
                entity_name(&c.entity),
                c.conflict.path,
                c.conflict.description
            );
        }
    } else {
        println!("No conflicts.");
    }
}

fn print_changes(changes: &[&PlannedChange], effect: fn(&PlannedChange) -> Option<Effect>) {
    for c in changes {
        if let Some(e) = effect(c) {
            println!("  {}: {}", entity_name(&c.entity), effect_word(e));
        }
    }
}
