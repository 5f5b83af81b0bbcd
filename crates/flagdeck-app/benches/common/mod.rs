//! The workspace benches' setup and bodies, shared by `workspace.rs` (the system allocator)
//! and `workspace_mimalloc.rs` (mimalloc, the allocator the `flagdeck` CLI runs with).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use flagdeck_app::{
    App, AppConfig, EntityRef, Identity, Kind, SyncOptions, SyncResult, SystemClock, no_events,
};
use flagdeck_core::format::SourceFile;
use flagdeck_store::Source;
use flagdeck_sync::MemorySecretStore;
use serde_json::Value;

const FLAGS: usize = 10_000;
const SEGMENTS: usize = 1_000;
const SEED: u64 = 7;
/// Files rewritten before each re-import.
const EDITED: usize = 100;

/// Everything the benches share; the temporary folder goes when it is dropped.
struct Fixture {
    _root: tempfile::TempDir,
    git_data: PathBuf,
    git_ws: i64,
    folder_data: PathBuf,
    folder_ws: i64,
    checkout: PathBuf,
}

type SetupResult<T> = Result<T, Box<dyn std::error::Error>>;

fn git(dir: &Path, args: &[&str]) -> SetupResult<()> {
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
    Ok(())
}

fn write_files(dir: &Path, files: &[SourceFile]) -> SetupResult<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.bytes)?;
    }
    Ok(())
}

fn open_app(data_dir: &Path) -> SetupResult<App> {
    Ok(App::open(AppConfig {
        data_dir: data_dir.to_path_buf(),
        identity: Identity {
            name: "Bench".to_owned(),
            email: "bench@example.com".to_owned(),
        },
        secrets: Arc::new(MemorySecretStore::new()),
        clock: Arc::new(SystemClock),
        events: no_events(),
    })?)
}

fn setup() -> SetupResult<Fixture> {
    let root = tempfile::tempdir()?;
    let files = flagdeck_testgen::large::large_project(FLAGS, SEGMENTS, SEED);

    let bare = root.path().join("remote.git");
    std::fs::create_dir_all(&bare)?;
    git(&bare, &["init", "--bare", "-q"])?;
    let seed = root.path().join("seed");
    std::fs::create_dir_all(&seed)?;
    git(&seed, &["init", "-q"])?;
    write_files(&seed, &files)?;
    git(&seed, &["add", "-A"])?;
    git(&seed, &["commit", "-qm", "large project"])?;
    let bare_text = bare.to_str().ok_or("temporary path is not UTF-8")?;
    git(&seed, &["push", "-q", bare_text, "HEAD:refs/heads/main"])?;
    let url = format!("file://{bare_text}");

    let git_data = root.path().join("git-data");
    let app = open_app(&git_data)?;
    let started = Instant::now();
    let git_ws = app.create_git_workspace("large", &url)?.id;
    eprintln!(
        "setup: create_git_workspace (clone + import of {FLAGS} flags): {:?}",
        started.elapsed()
    );
    drop(app);

    let checkout = root.path().join("checkout");
    git(root.path(), &["clone", "-q", &url, "checkout"])?;
    let folder_data = root.path().join("folder-data");
    let app = open_app(&folder_data)?;
    let started = Instant::now();
    let folder_ws = app.open_folder_workspace("large", &checkout)?.id;
    eprintln!(
        "setup: open_folder_workspace (import of {FLAGS} flags): {:?}",
        started.elapsed()
    );
    drop(app);

    Ok(Fixture {
        _root: root,
        git_data,
        git_ws,
        folder_data,
        folder_ws,
        checkout,
    })
}

/// A counter that makes every edit differ from the last.
static EDIT: AtomicUsize = AtomicUsize::new(0);

fn next_edit() -> usize {
    EDIT.fetch_add(1, Ordering::Relaxed)
}

fn flag_key(i: usize) -> String {
    format!("flag-{:05}", i % FLAGS)
}

fn set_description(value: &mut Value, text: String) {
    if let Some(object) = value.as_object_mut() {
        object.insert("description".to_owned(), Value::String(text));
    }
}

fn open_to_first_list(c: &mut Criterion, fx: &Fixture) {
    let check = open_app(&fx.git_data).and_then(|app| Ok(app.list(fx.git_ws, Kind::Flag)?.len()));
    assert_eq!(check.ok(), Some(FLAGS), "the workspace lists every flag");
    c.bench_function("open_to_first_list", |b| {
        b.iter_with_large_drop(|| {
            let app = open_app(&fx.git_data).ok();
            let list = app
                .as_ref()
                .and_then(|app| app.list(fx.git_ws, Kind::Flag).ok());
            (app, black_box(list))
        })
    });
}

const QUERIES: [(&str, &str); 4] = [
    ("key_prefix", "flag-042"),
    ("name_word", "flag 7"),
    ("description_word", "number 4321"),
    ("no_hit", "no-such-flag"),
];

fn search(c: &mut Criterion, fx: &Fixture) {
    let Ok(app) = open_app(&fx.git_data) else {
        panic!("the app opens");
    };
    for (_, query) in &QUERIES[..3] {
        let hits = app.search(fx.git_ws, query, 50).map(|h| h.len()).ok();
        assert!(hits.is_some_and(|n| n > 0), "{query:?} finds something");
    }
    let mut group = c.benchmark_group("search");
    // The first call builds the index: a fresh app per iteration, opened outside the timing.
    group.bench_function("first_call", |b| {
        b.iter_batched(
            || open_app(&fx.git_data).ok(),
            |app| {
                let hits = app.as_ref().map(|a| a.search(fx.git_ws, "flag-042", 50));
                (app, black_box(hits.map(|h| h.map(|h| h.len()))))
            },
            BatchSize::PerIteration,
        )
    });
    for (name, query) in QUERIES {
        group.bench_function(name, |b| {
            b.iter(|| black_box(app.search(fx.git_ws, black_box(query), 50).map(|h| h.len())))
        });
    }
    group.finish();
}

/// Saves a new description for one flag (untimed), then times the sync that pushes it.
fn sync_one_flag(c: &mut Criterion, fx: &Fixture) {
    let Ok(app) = open_app(&fx.git_data) else {
        panic!("the app opens");
    };
    let ws = fx.git_ws;
    let edit_and_sync = |app: &App| -> SetupResult<Duration> {
        let n = next_edit();
        let entity = EntityRef::flag(flag_key(n));
        let mut value = app.entity(ws, &entity)?.json.ok_or("flag deleted")?;
        set_description(&mut value, format!("Edited for the sync bench, edit {n}"));
        app.save_entity(ws, &entity, &value)?;
        let started = Instant::now();
        let report = app.sync(ws, &SyncOptions::default())?;
        let took = started.elapsed();
        if report.result != SyncResult::Pushed {
            return Err(format!("sync did not push: {:?}", report.result).into());
        }
        Ok(took)
    };
    // The first sync decodes the base; later ones reuse it, as the running app does.
    if let Err(e) = edit_and_sync(&app) {
        panic!("sync: {e}");
    }
    c.bench_function("sync_one_flag", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                match edit_and_sync(&app) {
                    Ok(took) => total += took,
                    Err(e) => panic!("sync: {e}"),
                }
            }
            total
        })
    });
}

/// Rewrites `EDITED` flag files of the checkout with new descriptions, as an editor would.
fn edit_files(checkout: &Path) -> SetupResult<Vec<String>> {
    let n = next_edit();
    let start = (n * EDITED) % FLAGS;
    let mut paths = Vec::with_capacity(EDITED);
    for i in start..start + EDITED {
        let path = format!("flags/{}.json", flag_key(i));
        let full = checkout.join(&path);
        let mut value: Value = serde_json::from_slice(&std::fs::read(&full)?)?;
        set_description(&mut value, format!("Edited outside the app, edit {n}"));
        std::fs::write(&full, serde_json::to_string_pretty(&value)? + "\n")?;
        paths.push(path);
    }
    Ok(paths)
}

fn reimport(c: &mut Criterion, fx: &Fixture) {
    let Ok(app) = open_app(&fx.folder_data) else {
        panic!("the app opens");
    };
    let ws = fx.folder_ws;
    let timed = |paths: Option<()>| -> SetupResult<Duration> {
        let edited = edit_files(&fx.checkout)?;
        let started = Instant::now();
        let refreshed = match paths {
            Some(()) => app.refresh_folder(ws, Some(&edited), Source::Watcher)?,
            None => app.refresh_folder(ws, None, Source::Watcher)?,
        };
        let took = started.elapsed();
        if refreshed.changed.len() != EDITED {
            return Err(format!("{} entities changed", refreshed.changed.len()).into());
        }
        Ok(took)
    };
    let mut run = |name: &str, paths: Option<()>| {
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    match timed(paths) {
                        Ok(took) => total += took,
                        Err(e) => panic!("{name}: {e}"),
                    }
                }
                total
            })
        });
    };
    run("reimport_100_files", Some(()));
    run("rescan_folder", None);
}

pub fn benches(c: &mut Criterion) {
    let fx = match setup() {
        Ok(fx) => fx,
        Err(e) => panic!("setup: {e}"),
    };
    open_to_first_list(c, &fx);
    search(c, &fx);
    sync_one_flag(c, &fx);
    reimport(c, &fx);
}

/// Small samples: a sync takes seconds, and the whole bench should finish in a few minutes.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
