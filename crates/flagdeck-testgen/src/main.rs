//! `flagdeck-testgen --seed N --projects K --cases-per-env M --out DIR`: writes `DIR/p<i>/`
//! (a project folder and its `cases.jsonl`) for i in 0..K.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use flagdeck_testgen::{cases_jsonl, generate};

#[derive(Parser)]
#[command(
    about = "Generates random valid Flagdeck projects and evaluation cases for differential tests"
)]
struct Args {
    /// The same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 10)]
    projects: usize,
    /// Cases per project; each is evaluated in every environment of its project.
    #[arg(long, default_value_t = 1000)]
    cases_per_env: usize,
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut total = 0;
    for index in 0..args.projects {
        let output = generate(args.seed, index, args.cases_per_env);
        let dir = args.out.join(format!("p{index}"));
        if let Err(err) = write_project(&dir, &output) {
            eprintln!("flagdeck-testgen: cannot write {}: {err}", dir.display());
            return ExitCode::from(2);
        }
        total += output.cases.len() * output.environments;
    }
    println!(
        "{} projects, {total} evaluations (cases x environments) in {}",
        args.projects,
        args.out.display()
    );
    ExitCode::SUCCESS
}

fn write_project(dir: &Path, output: &flagdeck_testgen::Output) -> std::io::Result<()> {
    // Files of an earlier, different run would otherwise join this project.
    for sub in ["flags", "segments"] {
        let old = dir.join(sub);
        if old.is_dir() {
            std::fs::remove_dir_all(old)?;
        }
    }
    for file in &output.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.bytes)?;
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("cases.jsonl"), cases_jsonl(&output.cases))
}
