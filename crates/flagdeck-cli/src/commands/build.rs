//! `flagdeck build [DIR] [--out DIR] [--check]`: one `<env>.flagd.json` per environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use flagdeck_core::compile;

use crate::error::{CliError, CliResult};
use crate::output::{Format, count, print_diagnostics};
use crate::project_dir::{self, project_root, write_atomic};

const SUFFIX: &str = ".flagd.json";

pub fn run(dir: Option<PathBuf>, out: Option<PathBuf>, check: bool, format: Format) -> CliResult {
    let root = project_root(dir);
    let checked = project_dir::check(&root)?;
    let Some(project) = checked.project.as_ref() else {
        let errors = checked.errors().count();
        match format {
            Format::Json => println!(
                "{}",
                serde_json::json!({"built": false, "errors": errors, "diagnostics": checked.diagnostics})
            ),
            Format::Text => {
                print_diagnostics(&checked.diagnostics);
                eprintln!(
                    "Nothing was built: the project has {}; fix them and build again.",
                    count(errors, "error")
                );
            }
        }
        return Ok(ExitCode::from(1));
    };
    let out = out.unwrap_or_else(|| root.join("dist"));
    let outputs: Vec<(PathBuf, String)> = project
        .environments
        .iter()
        .enumerate()
        .map(|(id, env)| {
            (
                out.join(format!("{}{SUFFIX}", env.key)),
                compile::compile_text(project, id),
            )
        })
        .collect();
    let leftovers = stale_outputs(&out, &outputs);
    if check {
        return report_check(&outputs, &leftovers, format);
    }
    for (path, text) in &outputs {
        write_atomic(path, text.as_bytes())?;
    }
    for path in &leftovers {
        fs::remove_file(path).map_err(|e| CliError::io("remove the stale file", path, &e))?;
    }
    let written: Vec<String> = outputs
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    match format {
        Format::Json => println!("{}", serde_json::json!({"built": true, "files": written})),
        Format::Text => {
            for path in &written {
                println!("wrote {path}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `*.flagd.json` files in the output folder for environments the project no longer has.
fn stale_outputs(out: &Path, outputs: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(SUFFIX))
        })
        .filter(|p| !outputs.iter().any(|(o, _)| o == p))
        .collect();
    stale.sort();
    stale
}

fn report_check(outputs: &[(PathBuf, String)], leftovers: &[PathBuf], format: Format) -> CliResult {
    let mut problems: Vec<String> = Vec::new();
    for (path, text) in outputs {
        match fs::read(path) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => problems.push(format!("{} differs from a fresh build", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    for path in leftovers {
        problems.push(format!(
            "{} belongs to no environment of the project",
            path.display()
        ));
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"upToDate": problems.is_empty(), "problems": problems})
        ),
        Format::Text if problems.is_empty() => {
            println!("dist is up to date ({}).", count(outputs.len(), "file"))
        }
        Format::Text => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("dist is stale: run flagdeck build.");
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
