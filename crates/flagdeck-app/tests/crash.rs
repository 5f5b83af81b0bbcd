//! Crash safety (issue 3): a process killed with SIGKILL at any point of a draft save or a sync
//! never loses a saved draft or a pushed commit, never corrupts the cache or the clone, and the
//! next sync completes.
//!
//! The child is this same test binary, re-run with `--exact crash_child` and the operation in
//! its environment (so it builds with every `cargo test` filter). It prints one line per durable
//! step (`saved <key> <n>` after `save_entity` returned, `synced <result> <commit>` after `sync`
//! returned); the parent kills it after a delay spread evenly over a measured uninterrupted run,
//! with seeded jitter, then checks every invariant and runs the next sync itself.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flagdeck_app::{App, EntityRef, SyncOptions, SyncResult};
use serde_json::json;
use support::*;

/// Environment variables that turn this binary into the child.
const CHILD_OP: &str = "FLAGDECK_CRASH_OP";
const CHILD_DIR: &str = "FLAGDECK_CRASH_DIR";
const CHILD_WS: &str = "FLAGDECK_CRASH_WS";
const CHILD_TAG: &str = "FLAGDECK_CRASH_TAG";

/// Kill points per operation.
const SAVE_KILLS: usize = 80;
const SYNC_KILLS: usize = 60;
/// Saves per draft-save run, cycling over these flags.
const SAVES: usize = 16;
const SAVE_FLAGS: [&str; 4] = [
    "banner-color",
    "hero-image",
    "max-cart-items",
    "pricing-table",
];
/// The flags a sync publishes, and the one another workspace changes meanwhile.
const SYNC_FLAGS: [&str; 3] = ["new-checkout", "search-algorithm", "onboarding-tour"];
const REMOTE_FLAG: &str = "legacy-export";

/// The child: does nothing unless the parent set [`CHILD_OP`].
#[test]
fn crash_child() -> TestResult {
    let Ok(op) = std::env::var(CHILD_OP) else {
        return Ok(());
    };
    let dir = PathBuf::from(std::env::var(CHILD_DIR)?);
    let ws: i64 = std::env::var(CHILD_WS)?.parse()?;
    let tag = std::env::var(CHILD_TAG)?;
    let alice = app(&dir, "Alice")?;
    let mut out = std::io::stdout();
    match op.as_str() {
        "save" => {
            for n in 0..SAVES {
                let key = SAVE_FLAGS[n % SAVE_FLAGS.len()];
                edit_flag(&alice.app, ws, key, |f| {
                    f["description"] = json!(format!("{tag}-{n}"));
                })?;
                writeln!(out, "saved {key} {n}")?;
                out.flush()?;
            }
        }
        "sync" => {
            let report = alice.app.sync(ws, &SyncOptions::default())?;
            let commit = report.commit.unwrap_or_default();
            writeln!(out, "synced {:?} {commit}", report.result)?;
            out.flush()?;
        }
        other => return Err(format!("unknown operation {other}").into()),
    }
    Ok(())
}

/// A reproducible xorshift generator for the jitter.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How one child run ended.
struct Run {
    /// Its durable-step lines.
    lines: Vec<String>,
    /// Whether SIGKILL ended it (else it finished first).
    killed: bool,
    elapsed: Duration,
}

/// Runs the child for `op`, killed after `delay` (`None`: never).
fn run_child(
    op: &str,
    dir: &Path,
    ws: i64,
    tag: &str,
    delay: Option<Duration>,
) -> Result<Run, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_OP, op)
        .env(CHILD_DIR, dir)
        .env(CHILD_WS, ws.to_string())
        .env(CHILD_TAG, tag)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(delay) = delay {
        std::thread::sleep(delay);
        child.kill()?; // SIGKILL on Unix; a no-op on a child that already exited
    }
    let status = child.wait()?;
    let elapsed = start.elapsed();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .ok_or("stdout")?
        .read_to_string(&mut stdout)?;
    let killed = status.signal() == Some(9);
    if !killed && !status.success() {
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .ok_or("stderr")?
            .read_to_string(&mut stderr)?;
        return Err(format!("the child failed: {stdout}{stderr}").into());
    }
    // libtest may print "test crash_child ... " before the child's first line.
    let lines = stdout
        .lines()
        .filter_map(|l| {
            l.find("saved ")
                .or_else(|| l.find("synced "))
                .map(|at| &l[at..])
        })
        .map(str::to_owned)
        .collect();
    Ok(Run {
        lines,
        killed,
        elapsed,
    })
}

/// Where each kill lands: slot `done` of `count` over an uninterrupted run's duration, jittered
/// within the slot. A child that finished before its kill is no kill point: the slot is tried
/// again with the duration estimate shortened.
struct KillPlan {
    full: Duration,
    count: usize,
    done: usize,
    finished_first: usize,
    rng: Rng,
}

impl KillPlan {
    fn new(full: Duration, count: usize, seed: u64) -> Self {
        KillPlan {
            full,
            count,
            done: 0,
            finished_first: 0,
            rng: Rng(seed),
        }
    }

    fn next(&mut self) -> Option<Duration> {
        if self.done == self.count || self.finished_first > self.count {
            return None;
        }
        let slot = (self.done as f64 + self.rng.unit()) / self.count as f64;
        Some(self.full.mul_f64(slot))
    }

    fn record(&mut self, killed: bool) {
        if killed {
            self.done += 1;
        } else {
            self.finished_first += 1;
            self.full = self.full.mul_f64(0.9);
        }
    }
}

/// The median of three uninterrupted runs.
fn measure(
    mut once: impl FnMut(usize) -> Result<Run, Box<dyn std::error::Error>>,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let mut times = Vec::new();
    for i in 0..3 {
        let run = once(i)?;
        assert!(!run.killed);
        times.push(run.elapsed);
    }
    times.sort();
    Ok(times[1])
}

/// SQLite's own check of the cache file, opened read-only.
fn assert_cache_intact(dir: &Path) -> TestResult {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join(flagdeck_app::CACHE_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    assert_eq!(verdict, "ok", "the cache is damaged");
    Ok(())
}

/// `git fsck --strict`.
fn assert_fsck(git_dir: &Path) -> TestResult {
    git(git_dir, &["fsck", "--strict", "--no-progress"])?;
    Ok(())
}

/// The lock files left anywhere in a Git folder.
fn locks(git_dir: &Path) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut found = Vec::new();
    let mut stack = vec![git_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            // libgit2's indexer names a temporary pack index `pack_git2_<random>idx.lock`: a
            // killed fetch or file:// push leaves it under objects/pack, where nothing ever waits
            // on it (like Git's tmp_pack_* files, `git gc` removes it). Locks that block are
            // elsewhere.
            if path.is_dir() && !path.ends_with("objects") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "lock") {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// `git fsck --strict` and no lock file: a repository no later run would repair.
fn assert_repo_intact(git_dir: &Path) -> TestResult {
    assert_fsck(git_dir)?;
    let left = locks(git_dir)?;
    assert!(left.is_empty(), "stale locks: {left:?}");
    Ok(())
}

/// The server's side of a push the killed client was making finishes (or gives up) on its own
/// within moments (`git fsck` meanwhile can see its half-received pack): then the remote passes
/// `git fsck --strict` and holds no lock.
fn assert_server_settles(git_dir: &Path) -> TestResult {
    let start = Instant::now();
    loop {
        let checked = assert_fsck(git_dir);
        let left = locks(git_dir)?;
        if checked.is_ok() && left.is_empty() {
            return Ok(());
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the remote is not sound: {checked:?} {left:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn bare_path(url: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    Ok(PathBuf::from(url.strip_prefix("file://").ok_or("url")?))
}

fn description(app: &App, ws: i64, key: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(flag(app, ws, key)?["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn remote_description(url: &str, key: &str) -> Result<String, Box<dyn std::error::Error>> {
    let text = remote_file(url, &format!("flags/{key}.json"))?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    Ok(value["description"].as_str().unwrap_or_default().to_owned())
}

/// The next sync, uninterrupted, completes; afterwards no draft is left and the remote holds
/// every flag's content as the app shows it.
fn next_sync_settles(app: &App, ws: i64, url: &str, keys: &[&str]) -> TestResult {
    let wanted: Vec<String> = keys
        .iter()
        .map(|k| description(app, ws, k))
        .collect::<Result<_, _>>()?;
    let report = app.sync(ws, &SyncOptions::default())?;
    assert!(
        matches!(
            report.result,
            SyncResult::Pushed | SyncResult::Pulled | SyncResult::UpToDate
        ),
        "{report:?}"
    );
    let status = app.status(ws)?;
    assert_eq!(status.drafts, 0, "drafts left after the next sync");
    assert_eq!(status.open_conflicts, 0);
    for (key, want) in keys.iter().zip(&wanted) {
        assert_eq!(&remote_description(url, key)?, want, "{key} on the remote");
    }
    Ok(())
}

#[test]
fn killing_a_draft_save_loses_no_saved_draft() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let dir = root.path().join("alice");
    let ws = app(&dir, "Alice")?
        .app
        .create_git_workspace("Acme", &url)?
        .id;
    let clone = PathBuf::from(app(&dir, "Alice")?.app.workspace(ws)?.location);

    let full = measure(|i| run_child("save", &dir, ws, &format!("warm{i}"), None))?;
    let mut plan = KillPlan::new(full, SAVE_KILLS, 0x5eed_0001);
    let mut stale_locks = 0;
    while let Some(delay) = plan.next() {
        let i = plan.done + plan.finished_first;
        let tag = format!("save{i}");
        let before = {
            let alice = app(&dir, "Alice")?;
            SAVE_FLAGS
                .iter()
                .map(|k| Ok((*k, description(&alice.app, ws, k)?)))
                .collect::<Result<BTreeMap<_, _>, Box<dyn std::error::Error>>>()?
        };
        let run = run_child("save", &dir, ws, &tag, Some(delay))?;
        plan.record(run.killed);

        // What the child said it saved: the last n per flag, and the save it was in.
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for line in &run.lines {
            let mut words = line.split(' ').skip(1);
            let key = words.next().ok_or("key")?;
            let n: usize = words.next().ok_or("n")?.parse()?;
            let key = SAVE_FLAGS.iter().find(|k| **k == key).ok_or("flag")?;
            last.insert(key, n);
        }
        let in_flight = run.lines.len();

        assert_cache_intact(&dir)?;
        let alice = app(&dir, "Alice")?;
        for key in SAVE_FLAGS {
            let now = description(&alice.app, ws, key)?;
            let mut allowed = vec![match last.get(key) {
                Some(n) => format!("{tag}-{n}"),
                None => before[key].clone(),
            }];
            if in_flight < SAVES && SAVE_FLAGS[in_flight % SAVE_FLAGS.len()] == key {
                allowed.push(format!("{tag}-{in_flight}"));
            }
            assert!(
                allowed.contains(&now),
                "kill {i} after {delay:?}: {key} holds {now:?}, expected one of {allowed:?}; the child said {:?}",
                run.lines
            );
            let view = alice.app.entity(ws, &EntityRef::flag(key))?;
            if last.contains_key(key) {
                assert!(view.has_draft, "{key}: the saved draft is gone");
            }
        }
        assert_fsck(&clone)?;
        stale_locks += usize::from(!locks(&clone)?.is_empty());
        next_sync_settles(&alice.app, ws, &url, &SAVE_FLAGS)?;
        assert_repo_intact(&clone)?;
        assert_repo_intact(&bare_path(&url)?)?;
    }
    println!(
        "draft save: {} kill points over a {full:?} run ({} more runs finished before their kill; {stale_locks} kills left a lock file in the app's clone, cleared by the next sync)",
        plan.done, plan.finished_first
    );
    assert_eq!(
        plan.done, SAVE_KILLS,
        "too many runs finished before their kill"
    );
    Ok(())
}

/// `git daemon` serving the repositories under a folder, push enabled; stopped when dropped.
struct GitDaemon {
    child: std::process::Child,
    port: u16,
}

impl GitDaemon {
    fn serve(base: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("git")
            .args([
                "daemon",
                "--export-all",
                "--enable=receive-pack",
                "--reuseaddr",
            ])
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let daemon = GitDaemon { child, port };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(10) {
                return Err("git daemon did not start".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(daemon)
    }

    fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn killing_a_sync_loses_nothing_and_the_next_sync_completes() -> TestResult {
    let root = tempfile::tempdir()?;
    let file_url = seeded_remote(root.path(), &example())?;
    // Served by `git daemon`, a separate process as every real server is: over file:// libgit2
    // would write the remote's refs in the killed child itself, and a kill there leaves
    // `refs/heads/main.lock` in the remote (seen in this test), which no server leaves.
    let daemon = GitDaemon::serve(root.path())?;
    let url = daemon.url("remote.git");
    let dir = root.path().join("alice");
    let ws = app(&dir, "Alice")?
        .app
        .create_git_workspace("Acme", &url)?
        .id;
    let clone = PathBuf::from(app(&dir, "Alice")?.app.workspace(ws)?.location);
    let bob = app(&root.path().join("bob"), "Bob")?;
    let wb = bob.app.create_git_workspace("Acme", &url)?.id;

    // One round: Alice drafts, Bob pushes meanwhile (every other round, so that both a merge
    // and a plain push are killed), Alice's child syncs (killed or not).
    let round = |tag: &str,
                 with_bob: bool,
                 delay: Option<Duration>|
     -> Result<Run, Box<dyn std::error::Error>> {
        {
            let alice = app(&dir, "Alice")?;
            for key in SYNC_FLAGS {
                edit_flag(&alice.app, ws, key, |f| {
                    f["description"] = json!(format!("{tag}-{key}"));
                })?;
            }
        }
        if with_bob {
            edit_flag(&bob.app, wb, REMOTE_FLAG, |f| {
                f["description"] = json!(format!("{tag}-bob"));
            })?;
            let pushed = bob.app.sync(wb, &SyncOptions::default())?;
            assert_eq!(pushed.result, SyncResult::Pushed, "{pushed:?}");
        }
        run_child("sync", &dir, ws, tag, delay)
    };

    let full = measure(|i| round(&format!("warm{i}"), i.is_multiple_of(2), None))?;
    let mut bob_tag = "warm2".to_owned();
    let remote = bare_path(&file_url)?;
    let mut plan = KillPlan::new(full, SYNC_KILLS, 0x5eed_0002);
    let mut stale_locks = 0;
    while let Some(delay) = plan.next() {
        let i = plan.done + plan.finished_first;
        let tag = format!("sync{i}");
        let with_bob = i.is_multiple_of(2);
        if with_bob {
            bob_tag.clone_from(&tag);
        }
        let run = round(&tag, with_bob, Some(delay))?;
        plan.record(run.killed);

        assert_cache_intact(&dir)?;
        // The app clears lock files in its own clone (only it writes there) before syncing.
        assert_fsck(&clone)?;
        stale_locks += usize::from(!locks(&clone)?.is_empty());
        assert_server_settles(&remote)?;
        for line in &run.lines {
            if let Some(commit) = line.strip_prefix("synced Pushed ") {
                git(&remote, &["merge-base", "--is-ancestor", commit, "main"])?;
            }
        }
        // Every draft is still a draft with its content, or already on the remote.
        let alice = app(&dir, "Alice")?;
        for key in SYNC_FLAGS {
            let saved = format!("{tag}-{key}");
            let view = alice.app.entity(ws, &EntityRef::flag(key))?;
            let draft = view.has_draft && description(&alice.app, ws, key)? == saved;
            assert!(
                draft || remote_description(&file_url, key)? == saved,
                "kill {i} after {delay:?}: the draft of {key} was lost"
            );
        }
        next_sync_settles(&alice.app, ws, &file_url, &SYNC_FLAGS)?;
        for key in SYNC_FLAGS {
            assert_eq!(remote_description(&file_url, key)?, format!("{tag}-{key}"));
        }
        let bobs = format!("{bob_tag}-bob");
        assert_eq!(remote_description(&file_url, REMOTE_FLAG)?, bobs);
        assert_eq!(description(&alice.app, ws, REMOTE_FLAG)?, bobs);
        assert_repo_intact(&clone)?;
        assert_repo_intact(&remote)?;
    }
    println!(
        "sync: {} kill points over a {full:?} run ({} more runs finished before their kill; {stale_locks} kills left a lock file in the app's clone, cleared by the next sync)",
        plan.done, plan.finished_first
    );
    assert_eq!(
        plan.done, SYNC_KILLS,
        "too many runs finished before their kill"
    );
    Ok(())
}
