//! The governance commands' refusals that need no keyring (the scenario with the real keyring is
//! `governance_scenario.rs`).

use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn flagdeck(data: &std::path::Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .env("FLAGDECK_DATA_DIR", data)
        .args(args)
        .output()
}

#[test]
fn init_as_someone_without_an_identity_asks_for_a_name_and_an_email_and_writes_nothing()
-> TestResult {
    let root = tempfile::tempdir()?;
    let project = root.path().join("shop");
    let out = flagdeck(
        &root.path().join("data"),
        &["init", project.to_str().ok_or("path")?, "--as", "alice"],
    )?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--name and --email"), "{stderr}");
    assert!(!project.join("flagdeck.json").exists());
    assert!(!project.join("policy.json").exists());
    // --name without --as is a usage error too.
    let out = flagdeck(
        &root.path().join("data"),
        &["init", project.to_str().ok_or("path")?, "--name", "Alice"],
    )?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn csv_is_the_audit_exports_format_only() -> TestResult {
    let root = tempfile::tempdir()?;
    let out = flagdeck(root.path(), &["--format", "csv", "validate", "."])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("flagdeck audit only"));
    Ok(())
}

#[test]
fn change_commands_outside_a_project_say_so() -> TestResult {
    let root = tempfile::tempdir()?;
    let out = flagdeck(
        &root.path().join("data"),
        &[
            "--format",
            "json",
            "change",
            "--dir",
            root.path().to_str().ok_or("path")?,
            "list",
        ],
    )?;
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(error["error"]["kind"], "usage");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("flagdeck.json")),
        "{error}"
    );
    Ok(())
}
