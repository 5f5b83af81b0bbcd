//! `flagdeck verify [DIR] --range A..B`: every commit of the range, checked against the
//! governance rules (issue 4, GOV §3) by `flagdeck_core::governance::verify`; for CI.

mod history;

use std::path::PathBuf;
use std::process::ExitCode;

use flagdeck_core::format::SourceFile;
use flagdeck_core::governance::{DistCheck, Violation, verify_commit};
use git2::Oid;
use serde::Serialize;

use crate::error::CliResult;
use crate::output::{Format, count, project_root};
use history::History;

/// A violation with the commit it is in.
#[derive(Serialize)]
struct Found {
    commit: String,
    file: String,
    message: String,
}

pub fn run(dir: Option<PathBuf>, range: &str, format: Format) -> CliResult {
    let root = project_root(dir);
    let history = History::open(&root)?;
    let (steps, head) = history.range(range)?;
    let mut found = Vec::new();
    // Each commit's parent is usually the previous commit: read each commit's files once.
    let mut previous: Option<(Oid, Vec<SourceFile>)> = None;
    for (i, step) in steps.iter().enumerate() {
        let parent_files = match (step.parent, previous.take()) {
            (Some(p), Some((id, files))) if p == id => files,
            (Some(p), _) => history.files(p)?,
            (None, _) => Vec::new(),
        };
        let files = history.files(step.commit)?;
        let dist = if i + 1 == steps.len() {
            DistCheck::Always
        } else {
            DistCheck::WhenChanged
        };
        let violations = verify_commit(&parent_files, &files, dist);
        found.extend(violations.into_iter().map(|v| located(step.commit, v)));
        previous = Some((step.commit, files));
    }
    if steps.is_empty() {
        // No commit to check, but dist/ at B still has to be a fresh build.
        let files = history.files(head)?;
        let violations = verify_commit(&files, &files, DistCheck::Always);
        found.extend(violations.into_iter().map(|v| located(head, v)));
    }
    report(range, steps.len(), &found, format);
    Ok(if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn located(commit: Oid, v: Violation) -> Found {
    Found {
        commit: short(commit),
        file: v.file,
        message: v.message,
    }
}

/// The first 10 hex digits, as `flagdeck status` shows commits.
fn short(id: Oid) -> String {
    id.to_string().chars().take(10).collect()
}

fn report(range: &str, commits: usize, found: &[Found], format: Format) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "ok": found.is_empty(),
                "range": range,
                "commits": commits,
                "violations": found,
            })
        ),
        Format::Text => {
            for f in found {
                println!("{} {}: {}", f.commit, f.file, f.message);
            }
            let checked = count(commits, "commit");
            if found.is_empty() {
                println!(
                    "Verified {checked} in {range}: every governed change was approved as the policy requires, and dist/ is a fresh build."
                );
            } else {
                let commits_with: std::collections::BTreeSet<&str> =
                    found.iter().map(|f| f.commit.as_str()).collect();
                println!(
                    "{} in {}; {checked} checked in {range}.",
                    count(found.len(), "violation"),
                    count(commits_with.len(), "commit"),
                );
            }
        }
    }
}
