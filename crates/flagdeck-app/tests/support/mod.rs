//! Shared test fixtures: real bare repositories over file://, apps on real data folders.
#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use flagdeck_app::{App, AppConfig, AppEvent, EntityRef, Identity, ManualClock};
use flagdeck_core::format::SourceFile;
use flagdeck_sync::MemorySecretStore;
use serde_json::{Value, json};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs git with a fixed identity; fails the test with git's own words.
pub fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Seed",
            "-c",
            "user.email=seed@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A bare repository seeded with `files` in one commit on `main`; its file:// URL.
pub fn seeded_remote(
    root: &Path,
    files: &[SourceFile],
) -> Result<String, Box<dyn std::error::Error>> {
    let bare = root.join("remote.git");
    std::fs::create_dir_all(&bare)?;
    git(&bare, &["init", "--bare", "-q"])?;
    let seed = root.join("seed");
    std::fs::create_dir_all(&seed)?;
    git(&seed, &["init", "-q"])?;
    for file in files {
        let path = seed.join(&file.path);
        std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
        std::fs::write(path, &file.bytes)?;
    }
    git(&seed, &["add", "-A"])?;
    git(&seed, &["commit", "-qm", "seed"])?;
    git(
        &seed,
        &[
            "push",
            "-q",
            bare.to_str().ok_or("path")?,
            "HEAD:refs/heads/main",
        ],
    )?;
    Ok(format!("file://{}", bare.display()))
}

/// The example project's files.
pub fn example() -> Vec<SourceFile> {
    flagdeck_core::example::example_project()
}

/// An app on `dir` as `name`, collecting its events.
pub struct TestApp {
    pub app: Arc<App>,
    pub events: Arc<Mutex<Vec<AppEvent>>>,
    pub clock: Arc<ManualClock>,
    pub dir: PathBuf,
}

pub fn app(dir: &Path, name: &str) -> Result<TestApp, Box<dyn std::error::Error>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let clock = ManualClock::new(1_790_000_000);
    let app = App::open(AppConfig {
        data_dir: dir.to_path_buf(),
        identity: Identity {
            name: name.to_owned(),
            email: format!("{}@example.com", name.to_lowercase()),
        },
        secrets: Arc::new(MemorySecretStore::new()),
        clock: clock.clone(),
        events: Arc::new(move |batch: &[AppEvent]| {
            if let Ok(mut seen) = sink.lock() {
                seen.extend_from_slice(batch);
            }
        }),
    })?;
    Ok(TestApp {
        app: Arc::new(app),
        events,
        clock,
        dir: dir.to_path_buf(),
    })
}

/// The current JSON of a flag in a workspace.
pub fn flag(app: &App, ws: i64, key: &str) -> Result<Value, Box<dyn std::error::Error>> {
    app.entity(ws, &EntityRef::flag(key))?
        .json
        .ok_or_else(|| format!("flag {key} is deleted").into())
}

/// Saves `flag` with `edit` applied; fails if the save reports an error diagnostic.
pub fn edit_flag(
    app: &App,
    ws: i64,
    key: &str,
    edit: impl FnOnce(&mut Value),
) -> Result<(), Box<dyn std::error::Error>> {
    let mut value = flag(app, ws, key)?;
    edit(&mut value);
    let saved = app.save_entity(ws, &EntityRef::flag(key), &value)?;
    if let Some(d) = saved.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!("saving {key}: {}", d.message).into());
    }
    Ok(())
}

/// A new boolean flag.
pub fn new_flag(key: &str) -> Value {
    json!({
        "key": key,
        "name": key,
        "type": "boolean",
        "variations": [
            {"key": "on", "value": true},
            {"key": "off", "value": false}
        ],
        "environments": {}
    })
}

/// The remote's file at `path` on main, read with the git CLI.
pub fn remote_file(url: &str, path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let bare = url.strip_prefix("file://").ok_or("not a file url")?;
    git(Path::new(bare), &["show", &format!("main:{path}")])
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}
