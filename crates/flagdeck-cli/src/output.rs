//! Text for people, JSON for programs.

use clap::ValueEnum;
use flagdeck_core::diag::{Diagnostic, Severity};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Prints diagnostics one per line (text) on stderr; returns the counts of errors and warnings.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    for d in diagnostics {
        eprintln!("{d}");
    }
    (errors, diagnostics.len() - errors)
}

/// "1 error", "2 warnings".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The project folder: the argument, or the current folder.
pub fn project_root(dir: Option<std::path::PathBuf>) -> std::path::PathBuf {
    dir.unwrap_or_else(|| std::path::PathBuf::from("."))
}
