//! `flagdeck verify [DIR] --range A..B`: every commit of the range, checked against the
//! governance rules (issue 4, GOV §3); for CI. The Git walk and the checks are the app's
//! (`flagdeck_app::governance::verify`): this is the command's output.

use std::path::PathBuf;
use std::process::ExitCode;

use flagdeck_app::governance::verify::{FoundViolation as Found, History};

use crate::error::CliResult;
use crate::output::{Format, count, project_root};

pub fn run(dir: Option<PathBuf>, range: &str, format: Format) -> CliResult {
    let root = project_root(dir);
    let history = History::open(&root)?;
    let (steps, head) = history.range(range)?;
    let found = history.verify(&steps, head)?;
    report(range, steps.len(), &found, format);
    Ok(if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
