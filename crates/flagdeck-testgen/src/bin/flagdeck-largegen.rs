//! Writes a large, realistic, valid project for whole-program benchmarks (docs/BENCHMARKS.md):
//! `flagdeck-largegen --flags 10000 --segments 1000 --out DIR`. Deterministic for a seed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use flagdeck_testgen::large::{ENVS, large_project};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    flags: usize,
    #[arg(long, default_value_t = 1_000)]
    segments: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    for file in large_project(args.flags, args.segments, args.seed) {
        let full = args.out.join(&file.path);
        let written = full
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&full, &file.bytes));
        if let Err(e) = written {
            eprintln!("flagdeck-largegen: cannot write {}: {e}", full.display());
            return ExitCode::from(2);
        }
    }
    println!(
        "{} flags, {} segments, {} environments in {}",
        args.flags,
        args.segments,
        ENVS.len(),
        args.out.display()
    );
    ExitCode::SUCCESS
}
