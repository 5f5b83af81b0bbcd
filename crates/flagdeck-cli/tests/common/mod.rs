//! Helpers shared by the CLI's integration tests: run `flagdeck` and `git` as a user would.
#![allow(dead_code)] // each test file uses a part

use std::path::Path;
use std::process::{Command, Output};

pub fn flagdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .args(args)
        .output()
        .expect("the flagdeck binary runs")
}

/// Runs git in `dir`, isolated from the machine's own Git configuration.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard output and standard error together.
pub fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
