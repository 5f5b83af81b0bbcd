//! Crash safety of `flagdeck sync DIR` on a checkout (issue 3): the real binary, killed with
//! SIGKILL at many points of a sync that commits local edits on top of a concurrent remote
//! change, pushes and moves the working folder, HEAD and the index. After every kill: the
//! checkout and the remote pass `git fsck --strict` with no lock file left, every project file
//! is whole and still holds the user's edit, nothing but project files changed, a commit the
//! child reported pushed is on the remote, and the next sync completes and leaves the folder,
//! HEAD and the remote in agreement.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::git;

/// Kill points.
const KILLS: usize = 60;
/// The flags the checkout edits, and the one another clone changes meanwhile.
const EDITED: [&str; 3] = ["new-checkout", "search-algorithm", "onboarding-tour"];
const REMOTE_FLAG: &str = "legacy-export";

fn flag_path(key: &str) -> String {
    format!("flags/{key}.json")
}

/// Sets a flag's description in a working folder, as an editor would (pretty JSON).
fn set_description(dir: &Path, key: &str, text: &str) {
    let path = dir.join(flag_path(key));
    let mut value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    value["description"] = json!(text);
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap();
    bytes.push(b'\n');
    std::fs::write(path, bytes).unwrap();
}

fn description_of(bytes: &[u8]) -> String {
    let value: Value = serde_json::from_slice(bytes).expect("a whole JSON file");
    value["description"].as_str().unwrap_or_default().to_owned()
}

fn remote_description(remote: &Path, key: &str) -> String {
    description_of(git(remote, &["show", &format!("main:{}", flag_path(key))]).as_bytes())
}

/// The checkout, a second clone that pushes meanwhile, and their bare remote.
struct World {
    _daemon: GitDaemon,
    _tmp: tempfile::TempDir,
    remote: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let remote = root.join("remote.git");
        git(&root, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
        let url = format!("file://{}", remote.display());
        let a = root.join("a");
        let b = root.join("b");
        // The checkout pushes to `git daemon`, a separate process as every real server is: over
        // file:// libgit2 writes the remote's refs in the killed process itself and can leave
        // `refs/heads/main.lock` there, which no server leaves.
        let daemon = GitDaemon::serve(&root);
        git(&root, &["clone", "-q", &daemon.url("remote.git"), "a"]);
        git(&a, &["config", "user.name", "Ada"]);
        git(&a, &["config", "user.email", "ada@example.com"]);
        let o = Command::new(env!("CARGO_BIN_EXE_flagdeck"))
            .args(["init", a.to_str().unwrap(), "--example"])
            .output()
            .unwrap();
        assert!(o.status.success());
        git(&a, &["add", "-A"]);
        git(&a, &["commit", "-q", "-m", "The example project"]);
        git(&a, &["push", "-q", "origin", "main"]);
        git(&root, &["clone", "-q", &url, "b"]);
        git(&b, &["config", "user.name", "Bob"]);
        git(&b, &["config", "user.email", "bob@example.com"]);
        Self {
            _daemon: daemon,
            _tmp: tmp,
            remote,
            a,
            b,
        }
    }

    /// Bob changes one flag and pushes (when `with_bob`: every other round, so that both a
    /// merge and a plain push are killed); Ada edits hers in the folder, uncommitted.
    fn prepare(&self, tag: &str, with_bob: bool) {
        if with_bob {
            git(&self.b, &["fetch", "-q", "origin"]);
            git(&self.b, &["reset", "-q", "--hard", "origin/main"]);
            set_description(&self.b, REMOTE_FLAG, &format!("{tag}-bob"));
            git(&self.b, &["commit", "-q", "-am", "Bob's change"]);
            git(&self.b, &["push", "-q", "origin", "main"]);
        }
        for key in EDITED {
            set_description(&self.a, key, &format!("{tag}-{key}"));
        }
    }
}

/// `git daemon` serving the repositories under a folder, push enabled; stopped when dropped.
struct GitDaemon {
    child: std::process::Child,
    port: u16,
}

impl GitDaemon {
    fn serve(base: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
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
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "git daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        GitDaemon { child, port }
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

/// How one `flagdeck sync` ended.
struct Run {
    stdout: String,
    killed: bool,
    elapsed: Duration,
}

/// Runs `flagdeck sync DIR --format json`, killed after `delay` (`None`: never).
fn sync(dir: &Path, delay: Option<Duration>) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .args(["sync", dir.to_str().unwrap(), "--format", "json"])
        .args(["--author", "Ada <ada@example.com>"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(delay) = delay {
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL; a no-op on a child that already exited
    }
    let status = child.wait().unwrap();
    let elapsed = start.elapsed();
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let killed = status.signal() == Some(9);
    assert!(
        killed || status.success(),
        "flagdeck sync failed: {stdout}{stderr}"
    );
    Run {
        stdout,
        killed,
        elapsed,
    }
}

/// The JSON report's result and commit.
fn report(run: &Run) -> (String, Option<String>) {
    let value: Value = serde_json::from_str(run.stdout.trim()).expect("a JSON report");
    let result = value["result"].as_str().unwrap_or_default().to_owned();
    (result, value["commit"].as_str().map(str::to_owned))
}

/// `git fsck --strict`; the lock files left anywhere in the Git folder.
fn fsck_and_locks(git_dir: &Path) -> Vec<PathBuf> {
    git(git_dir, &["fsck", "--strict", "--no-progress"]);
    let mut found = Vec::new();
    let mut stack = vec![git_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // libgit2's indexer names a temporary pack index `pack_git2_<random>idx.lock`: a
            // killed fetch leaves it under objects/pack, where nothing ever waits on it (like
            // Git's own tmp_pack_* files, `git gc` removes it). Locks that block are elsewhere.
            if path.is_dir() && !path.ends_with("objects") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "lock") {
                found.push(path);
            }
        }
    }
    found
}

/// The server's side of a push the killed client was making finishes (or gives up) on its own
/// within moments: then the remote passes `git fsck --strict` and holds no lock.
fn server_settles(remote: &Path, context: &str) {
    let start = Instant::now();
    loop {
        let fsck = Command::new("git")
            .current_dir(remote)
            .args(["fsck", "--strict", "--no-progress"])
            .output()
            .unwrap();
        let locks = if fsck.status.success() {
            fsck_and_locks(remote)
        } else {
            Vec::new()
        };
        if fsck.status.success() && locks.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{context}: the remote is not sound: {}{} {locks:?}",
            String::from_utf8_lossy(&fsck.stdout),
            String::from_utf8_lossy(&fsck.stderr)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// After a kill: every project file is whole; the edits are in the folder; only project files
/// changed, and whatever is staged is exactly what the folder holds.
fn assert_checkout_sound(w: &World, tag: &str, context: &str) {
    for dir in ["flags", "segments"] {
        for entry in std::fs::read_dir(w.a.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                serde_json::from_slice::<Value>(&bytes).is_ok(),
                "{context}: {} is not whole",
                path.display()
            );
        }
    }
    for key in EDITED {
        let bytes = std::fs::read(w.a.join(flag_path(key))).unwrap();
        assert_eq!(
            description_of(&bytes),
            format!("{tag}-{key}"),
            "{context}: the edit of {key} was lost"
        );
    }
    let status = git(&w.a, &["status", "--porcelain", "--untracked-files=all"]);
    for line in status.lines() {
        let path = &line[3..];
        // A file being written whole is a temporary until its rename: a kill in between leaves
        // it (untracked, never read as project data); the next sync removes it.
        let name = path.rsplit('/').next().unwrap_or_default();
        if line.starts_with("?? ") && name.starts_with('.') && name.contains(".json.tmp-") {
            continue;
        }
        assert!(
            path.starts_with("flags/") && path.ends_with(".json") && !line.starts_with("??"),
            "{context}: unexpected change {line:?}"
        );
        if !line.starts_with(' ') {
            let staged = git(&w.a, &["show", &format!(":{path}")]);
            let folder = std::fs::read_to_string(w.a.join(path)).unwrap();
            assert_eq!(
                staged, folder,
                "{context}: {path} staged differs from the folder"
            );
        }
    }
}

/// The next sync completes; then the folder, HEAD and the remote agree and hold every change.
fn assert_next_sync_settles(w: &World, tag: &str, bob_tag: &str, context: &str) {
    let run = sync(&w.a, None);
    let (result, _) = report(&run);
    assert!(
        ["pushed", "pulled", "upToDate"].contains(&result.as_str()),
        "{context}: the next sync said {}",
        run.stdout
    );
    assert_eq!(
        git(&w.a, &["rev-parse", "HEAD"]),
        git(&w.remote, &["rev-parse", "main"]),
        "{context}: HEAD is not the remote head"
    );
    assert_eq!(
        git(&w.a, &["status", "--porcelain", "--untracked-files=all"]),
        "",
        "{context}: the checkout is not clean"
    );
    for key in EDITED {
        assert_eq!(remote_description(&w.remote, key), format!("{tag}-{key}"));
    }
    let bobs = format!("{bob_tag}-bob");
    assert_eq!(remote_description(&w.remote, REMOTE_FLAG), bobs);
    let here = std::fs::read(w.a.join(flag_path(REMOTE_FLAG))).unwrap();
    assert_eq!(description_of(&here), bobs);
}

#[test]
fn killing_flagdeck_sync_on_a_checkout_loses_nothing_and_the_next_sync_completes() {
    let w = World::new();
    let mut times = Vec::new();
    for i in 0..3usize {
        let tag = format!("warm{i}");
        w.prepare(&tag, i.is_multiple_of(2));
        let run = sync(&w.a, None);
        assert!(!run.killed);
        assert_eq!(report(&run).0, "pushed", "{}", run.stdout);
        times.push(run.elapsed);
    }
    times.sort();
    let mut full = times[1];
    let mut bob_tag = "warm2".to_owned();

    // Kill point `killed` of KILLS lands in its slot of the run, jittered; a run that finished
    // before its kill is no kill point: the slot is tried again on a shorter estimate.
    let mut rng = Rng(0x5eed_0003);
    let (mut killed, mut finished_first, mut stale_locks) = (0, 0, 0);
    while killed < KILLS && finished_first <= KILLS {
        let i = killed + finished_first;
        let delay = full.mul_f64((killed as f64 + rng.unit()) / KILLS as f64);
        let tag = format!("commit{i}");
        let context = format!("kill {i} after {delay:?}");
        let with_bob = i.is_multiple_of(2);
        if with_bob {
            bob_tag.clone_from(&tag);
        }
        w.prepare(&tag, with_bob);
        let run = sync(&w.a, Some(delay));
        if run.killed {
            killed += 1;
        } else {
            finished_first += 1;
            full = full.mul_f64(0.9);
        }

        // A killed sync may leave locks in the checkout: the next sync clears them.
        stale_locks += usize::from(!fsck_and_locks(&w.a.join(".git")).is_empty());
        // The server's side of a push the killed client was making finishes on its own: its
        // ref locks go within moments, and none is left behind.
        // (`git fsck` meanwhile can see its half-received pack: it is checked once done.)
        server_settles(&w.remote, &context);
        if !run.killed
            && let (_, Some(commit)) = report(&run)
        {
            git(&w.remote, &["merge-base", "--is-ancestor", &commit, "main"]);
        }
        assert_checkout_sound(&w, &tag, &context);
        assert_next_sync_settles(&w, &tag, &bob_tag, &context);
        let left = fsck_and_locks(&w.a.join(".git"));
        assert!(left.is_empty(), "{context}: the next sync left {left:?}");
        let left = fsck_and_locks(&w.remote);
        assert!(left.is_empty(), "{context}: the next sync left {left:?}");
    }
    println!(
        "commit (flagdeck sync): {killed} kill points over a {full:?} run ({finished_first} more runs finished before their kill; {stale_locks} kills left a lock file in the checkout, cleared by the next sync)"
    );
    assert_eq!(killed, KILLS, "too many runs finished before their kill");
}
