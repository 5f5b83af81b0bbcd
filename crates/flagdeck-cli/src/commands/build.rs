//! `flagdeck build [DIR] [--out DIR] [--check]`: one `<env>.flagd.json` per environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use flagdeck_core::checked::Project;
use flagdeck_core::compile;

use crate::error::{CliError, CliResult};
use crate::output::project_root;
use crate::output::{Format, count, print_diagnostics};
use flagdeck_app::project_dir::{self, write_atomic};

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
    let paths: Vec<PathBuf> = project
        .environments
        .iter()
        .map(|env| out.join(format!("{}{SUFFIX}", env.key)))
        .collect();
    let leftovers = stale_outputs(&out, &paths);
    // Environments compile independently: as many threads as cores (each environment's JsonLogic
    // and text are tens of megabytes in a large project), each text written (or compared) and
    // dropped as soon as it is done.
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, paths.len().max(1));
    let outcomes: Vec<Result<Option<String>, CliError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let paths = &paths;
                scope.spawn(move || {
                    (w..paths.len())
                        .step_by(workers)
                        .map(|id| emit(project, id, &paths[id], check))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(CliError::Io(
                        "Building an environment failed unexpectedly.".to_owned(),
                    ))]
                })
            })
            .collect()
    });
    let mut problems = Vec::new();
    for outcome in outcomes {
        problems.extend(outcome?);
    }
    if check {
        for path in &leftovers {
            problems.push(format!(
                "{} belongs to no environment of the project",
                path.display()
            ));
        }
        return Ok(report_check(&problems, paths.len(), format));
    }
    for path in &leftovers {
        fs::remove_file(path).map_err(|e| CliError::io("remove the stale file", path, &e))?;
    }
    let written: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
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

/// Compiles one environment and writes it, or with `check` compares it with the file on disk
/// (returning what is wrong).
fn emit(
    project: &Project,
    env: usize,
    path: &Path,
    check: bool,
) -> Result<Option<String>, CliError> {
    let text = compile::compile_text(project, env);
    if !check {
        write_atomic(path, text.as_bytes())?;
        return Ok(None);
    }
    Ok(match fs::read(path) {
        Ok(bytes) if bytes == text.as_bytes() => None,
        Ok(_) => Some(format!("{} differs from a fresh build", path.display())),
        Err(_) => Some(format!("{} is missing", path.display())),
    })
}

/// `*.flagd.json` files in the output folder for environments the project no longer has.
fn stale_outputs(out: &Path, outputs: &[PathBuf]) -> Vec<PathBuf> {
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
        .filter(|p| !outputs.contains(p))
        .collect();
    stale.sort();
    stale
}

fn report_check(problems: &[String], files: usize, format: Format) -> ExitCode {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"upToDate": problems.is_empty(), "problems": problems})
        ),
        Format::Text if problems.is_empty() => {
            println!("dist is up to date ({}).", count(files, "file"))
        }
        Format::Text => {
            for p in problems {
                eprintln!("{p}");
            }
            eprintln!("dist is stale: run flagdeck build.");
        }
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
