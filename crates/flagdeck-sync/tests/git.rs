//! The Git side of sync against real repositories: a bare "remote" in a temporary folder,
//! reached over `file://`, and workspace checkouts cloned from it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flagdeck_core::format::SourceFile;
use flagdeck_sync::{
    Author, Credentials, GitRepo, MemorySecretStore, Oid, PushOutcome, Secret, SecretStore,
    SyncError,
};
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Repository, Signature};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BRANCH: &str = "main";

/// A bare remote in a temporary folder, with the workspaces cloned from it beside it.
struct Remote {
    dir: TempDir,
}

impl Remote {
    /// An empty bare repository whose HEAD names `main`.
    fn empty() -> Result<Self, git2::Error> {
        let dir = TempDir::new().map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let bare = Repository::init_bare(dir.path().join("remote.git"))?;
        bare.set_head("refs/heads/main")?;
        Ok(Self { dir })
    }

    /// A bare repository with one commit on `main` holding `files` (any paths, not only the
    /// format's: this stands for a repository people also edit by hand).
    fn seeded(files: &[(&str, &str)]) -> Result<Self, git2::Error> {
        let remote = Self::empty()?;
        let bare = Repository::open_bare(remote.bare_path())?;
        let empty = bare.find_tree(bare.treebuilder(None)?.write()?)?;
        let mut update = TreeUpdateBuilder::new();
        for (path, text) in files {
            update.upsert(*path, bare.blob(text.as_bytes())?, FileMode::Blob);
        }
        let tree = bare.find_tree(update.create_updated(&bare, &empty)?)?;
        let sig = Signature::new(
            "Seed",
            "seed@example.invalid",
            &git2::Time::new(1_700_000_000, 0),
        )?;
        bare.commit(Some("refs/heads/main"), &sig, &sig, "seed", &tree, &[])?;
        Ok(remote)
    }

    fn bare_path(&self) -> PathBuf {
        self.dir.path().join("remote.git")
    }

    fn url(&self) -> String {
        format!("file://{}", self.bare_path().display())
    }

    fn clone_workspace(&self, name: &str) -> Result<GitRepo, SyncError> {
        GitRepo::clone(&self.url(), &self.dir.path().join(name), &Credentials::None)
    }

    /// The commit `main` points at in the bare repository itself.
    fn main_head(&self) -> Result<Oid, git2::Error> {
        Repository::open_bare(self.bare_path())?.refname_to_id("refs/heads/main")
    }
}

fn author(unix_seconds: i64) -> Author {
    Author {
        name: "Ada".to_owned(),
        email: "ada@example.invalid".to_owned(),
        unix_seconds,
    }
}

fn flag(key: &str) -> SourceFile {
    SourceFile::new(
        format!("flags/{key}.json"),
        format!("{{\"key\":\"{key}\"}}\n"),
    )
}

fn paths(files: &[SourceFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

fn read(dir: &Path, path: &str) -> std::io::Result<String> {
    std::fs::read_to_string(dir.join(path))
}

#[test]
fn a_push_from_one_workspace_is_fetched_and_read_by_the_other() -> TestResult {
    let remote = Remote::empty()?;
    let alice = remote.clone_workspace("alice")?;
    let bob = remote.clone_workspace("bob")?;

    let fetched = alice.fetch(BRANCH)?;
    assert_eq!(fetched.remote_head, None, "a new remote has no branch yet");

    let manifest = SourceFile::new("flagdeck.json", "{}\n");
    let first = alice.commit_files(
        None,
        &[
            manifest,
            flag("checkout"),
            SourceFile::new("dist/flagd.json", "{}"),
        ],
        &[],
        "Add checkout",
        &author(1_700_000_100),
    )?;
    assert_eq!(alice.push(BRANCH, first)?, PushOutcome::Pushed);
    assert_eq!(
        remote.main_head()?,
        first,
        "the remote branch moved to the commit"
    );
    assert_eq!(
        alice.remote_head(BRANCH)?,
        Some(first),
        "push updates the remote head"
    );

    let fetched = bob.fetch(BRANCH)?;
    assert_eq!(fetched.remote_head, Some(first));
    assert!(fetched.changed());
    let files = bob.read_files(first)?;
    assert_eq!(
        paths(&files),
        ["dist/flagd.json", "flagdeck.json", "flags/checkout.json"]
    );
    assert_eq!(files[2].bytes, b"{\"key\":\"checkout\"}\n");

    let again = bob.fetch(BRANCH)?;
    assert!(!again.changed(), "nothing new was pushed");

    // Bob cloned an empty remote (an unborn HEAD); updating the folder starts his branch.
    assert_eq!(bob.checkout_head_to_workdir(BRANCH)?, first);
    let dir = bob.workdir().ok_or("has a workdir")?;
    assert_eq!(
        read(dir, "flags/checkout.json")?,
        "{\"key\":\"checkout\"}\n"
    );
    Ok(())
}

/// Runs the git command line in `dir` with a fixed identity, failing on a non-zero exit.
fn git_cli(dir: &Path, args: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Cli",
            "-c",
            "user.email=cli@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("git {args:?} failed: {status}").into())
    }
}

#[test]
fn commits_interoperate_with_the_git_command_line() -> TestResult {
    let remote = Remote::seeded(&[("flagdeck.json", "{}\n")])?;
    let ws = remote.clone_workspace("ws")?;
    let base = ws.fetch(BRANCH)?.remote_head.ok_or("seeded")?;
    let ours = ws.commit_files(Some(base), &[flag("app")], &[], "From the app", &author(7))?;
    assert_eq!(ws.push(BRANCH, ours)?, PushOutcome::Pushed);
    git_cli(&remote.bare_path(), &["fsck", "--strict", "--no-progress"])?;

    // Someone clones with git, edits a flag in an editor, and pushes.
    let cli = remote.dir.path().join("cli");
    git_cli(remote.dir.path(), &["clone", "-q", &remote.url(), "cli"])?;
    assert_eq!(read(&cli, "flags/app.json")?, "{\"key\":\"app\"}\n");
    std::fs::write(cli.join("flags/cli.json"), "{\"key\":\"cli\"}\n")?;
    git_cli(&cli, &["add", "flags/cli.json"])?;
    git_cli(&cli, &["commit", "-q", "-m", "From an editor"])?;
    git_cli(&cli, &["push", "-q", "origin", "main"])?;

    let fetched = ws.fetch(BRANCH)?;
    let head = fetched.remote_head.ok_or("pushed")?;
    assert_ne!(head, ours);
    assert_eq!(
        paths(&ws.read_files(head)?),
        ["flagdeck.json", "flags/app.json", "flags/cli.json"]
    );
    Ok(())
}

#[test]
fn a_concurrent_push_is_rejected_then_succeeds_on_top_of_the_new_head() -> TestResult {
    let remote = Remote::seeded(&[("flagdeck.json", "{}\n")])?;
    let alice = remote.clone_workspace("alice")?;
    let bob = remote.clone_workspace("bob")?;
    let base = alice
        .fetch(BRANCH)?
        .remote_head
        .ok_or("seeded remote has a head")?;
    assert_eq!(bob.fetch(BRANCH)?.remote_head, Some(base));

    let from_alice = alice.commit_files(Some(base), &[flag("a")], &[], "a", &author(1))?;
    let from_bob = bob.commit_files(Some(base), &[flag("b")], &[], "b", &author(2))?;
    assert_eq!(alice.push(BRANCH, from_alice)?, PushOutcome::Pushed);
    assert_eq!(
        bob.push(BRANCH, from_bob)?,
        PushOutcome::Rejected,
        "bob's commit does not contain alice's, so it is not a fast-forward"
    );
    assert_eq!(
        remote.main_head()?,
        from_alice,
        "a rejected push changes nothing"
    );

    let fetched = bob.fetch(BRANCH)?;
    assert_eq!(fetched.remote_head, Some(from_alice));
    let retry = bob.commit_files(fetched.remote_head, &[flag("b")], &[], "b", &author(3))?;
    assert_eq!(bob.push(BRANCH, retry)?, PushOutcome::Pushed);
    assert_eq!(remote.main_head()?, retry);
    assert_eq!(
        paths(&bob.read_files(retry)?),
        ["flagdeck.json", "flags/a.json", "flags/b.json"],
        "both changes are on the remote"
    );
    Ok(())
}

#[test]
fn a_push_with_a_stale_view_of_the_remote_is_rejected() -> TestResult {
    // Bob has already fetched alice's commit but commits on the old base: still not a
    // fast-forward, and the check must not depend on the remote's objects being unknown.
    let remote = Remote::seeded(&[("flagdeck.json", "{}\n")])?;
    let alice = remote.clone_workspace("alice")?;
    let bob = remote.clone_workspace("bob")?;
    let base = alice.fetch(BRANCH)?.remote_head.ok_or("seeded")?;
    let from_alice = alice.commit_files(Some(base), &[flag("a")], &[], "a", &author(1))?;
    assert_eq!(alice.push(BRANCH, from_alice)?, PushOutcome::Pushed);
    bob.fetch(BRANCH)?;
    let stale = bob.commit_files(Some(base), &[flag("b")], &[], "b", &author(2))?;
    assert_eq!(bob.push(BRANCH, stale)?, PushOutcome::Rejected);
    Ok(())
}

#[test]
fn commit_files_leaves_files_outside_the_format_untouched() -> TestResult {
    let remote = Remote::seeded(&[
        ("README.md", "# Flags\n"),
        ("flagdeck.json", "{}\n"),
        ("flags/old.json", "{\"key\":\"old\"}\n"),
        ("flags/notes.txt", "hand-written notes\n"),
        ("flags/nested/deep.json", "{}\n"),
        ("scripts/deploy.sh", "#!/bin/sh\n"),
    ])?;
    let ws = remote.clone_workspace("ws")?;
    let base = ws.fetch(BRANCH)?.remote_head.ok_or("seeded")?;

    assert_eq!(
        paths(&ws.read_files(base)?),
        ["flagdeck.json", "flags/old.json"],
        "only format files are read"
    );

    let commit = ws.commit_files(
        Some(base),
        &[flag("new")],
        &["flags/old.json".to_owned(), "flags/gone.json".to_owned()],
        "Replace old with new",
        &author(10),
    )?;
    let mut all = tree_paths(&ws, commit)?;
    all.sort();
    assert_eq!(
        all,
        [
            "README.md",
            "flagdeck.json",
            "flags/nested/deep.json",
            "flags/new.json",
            "flags/notes.txt",
            "scripts/deploy.sh",
        ],
        "unrelated files survive, old.json is deleted, deleting a missing file is no error"
    );

    for outside in [
        "README.md",
        "flags/x.txt",
        "../escape.json",
        ".git/config",
        "dist/.hidden",
    ] {
        let err = ws
            .commit_files(
                Some(base),
                &[SourceFile::new(outside, "x")],
                &[],
                "x",
                &author(11),
            )
            .err()
            .ok_or("writing outside the format must fail")?;
        assert!(
            matches!(err, SyncError::PathOutsideFormat { .. }),
            "{outside}: {err}"
        );
    }
    let err = ws
        .commit_files(Some(base), &[], &["README.md".to_owned()], "x", &author(11))
        .err()
        .ok_or("deleting outside the format must fail")?;
    assert!(err.to_string().contains("README.md"), "{err}");
    Ok(())
}

/// Every file path in `commit`'s tree, read through the workspace's own repository.
fn tree_paths(ws: &GitRepo, commit: Oid) -> Result<Vec<String>, git2::Error> {
    let dir = ws
        .workdir()
        .ok_or_else(|| git2::Error::from_str("no workdir"))?;
    let repo = Repository::open(dir)?;
    let tree = repo.find_commit(commit)?.tree()?;
    let mut out = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            out.push(format!("{root}{}", entry.name().unwrap_or("?")));
        }
        git2::TreeWalkResult::Ok
    })?;
    Ok(out)
}

#[test]
fn checkout_brings_the_working_folder_to_the_remote_head() -> TestResult {
    let remote = Remote::seeded(&[
        ("flagdeck.json", "{}\n"),
        ("flags/old.json", "old\n"),
        ("README.md", "readme\n"),
    ])?;
    let ws = remote.clone_workspace("ws")?;
    let dir = ws.workdir().ok_or("has a workdir")?.to_path_buf();
    assert_eq!(
        read(&dir, "flags/old.json")?,
        "old\n",
        "clone checks out main"
    );

    let base = ws.fetch(BRANCH)?.remote_head.ok_or("seeded")?;
    let next = ws.commit_files(
        Some(base),
        &[flag("new")],
        &["flags/old.json".to_owned()],
        "swap",
        &author(5),
    )?;
    assert!(
        !dir.join("flags/new.json").exists(),
        "committing leaves the folder alone"
    );
    assert_eq!(ws.push(BRANCH, next)?, PushOutcome::Pushed);
    std::fs::write(dir.join("untracked.txt"), "mine")?;

    assert_eq!(ws.checkout_head_to_workdir(BRANCH)?, next);
    assert_eq!(read(&dir, "flags/new.json")?, "{\"key\":\"new\"}\n");
    assert!(
        !dir.join("flags/old.json").exists(),
        "a deleted file leaves the folder"
    );
    assert_eq!(read(&dir, "README.md")?, "readme\n");
    assert_eq!(
        read(&dir, "untracked.txt")?,
        "mine",
        "untracked files are kept"
    );
    let repo = Repository::open(&dir)?;
    assert_eq!(
        repo.head()?.target(),
        Some(next),
        "the local branch follows"
    );
    assert!(
        repo.statuses(None)?
            .iter()
            .all(|s| s.path() == Some("untracked.txt")),
        "the index matches the new head"
    );
    Ok(())
}

#[test]
fn checkout_never_overwrites_a_file_changed_in_the_folder() -> TestResult {
    let remote = Remote::seeded(&[("flagdeck.json", "{}\n"), ("flags/a.json", "v1\n")])?;
    let ws = remote.clone_workspace("ws")?;
    let dir = ws.workdir().ok_or("has a workdir")?.to_path_buf();
    let base = ws.fetch(BRANCH)?.remote_head.ok_or("seeded")?;
    let next = ws.commit_files(
        Some(base),
        &[SourceFile::new("flags/a.json", "v2\n")],
        &[],
        "v2",
        &author(5),
    )?;
    assert_eq!(ws.push(BRANCH, next)?, PushOutcome::Pushed);
    std::fs::write(dir.join("flags/a.json"), "edited by hand\n")?;

    let err = ws
        .checkout_head_to_workdir(BRANCH)
        .err()
        .ok_or("a changed file blocks the update")?;
    match &err {
        SyncError::WorkdirChanged { paths } => assert_eq!(paths, &["flags/a.json"]),
        other => return Err(format!("expected WorkdirChanged, got {other}").into()),
    }
    assert_eq!(read(&dir, "flags/a.json")?, "edited by hand\n");
    assert_eq!(Repository::open(&dir)?.head()?.target(), Some(base));
    Ok(())
}

#[test]
fn an_unreachable_remote_is_offline_quickly() -> TestResult {
    let missing = TempDir::new()?;
    let url = format!("file://{}", missing.path().join("nowhere.git").display());
    let started = Instant::now();
    let err = GitRepo::clone(&url, &missing.path().join("ws"), &Credentials::None)
        .err()
        .ok_or("cloning a missing remote must fail")?;
    assert!(matches!(err, SyncError::Offline { .. }), "{err:?}");
    assert!(err.to_string().contains("will sync later"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");

    // A remote that goes away after the clone (an unmounted drive): fetch and push say offline.
    let remote = Remote::seeded(&[("flagdeck.json", "{}\n")])?;
    let ws = remote.clone_workspace("ws")?;
    let base = ws.fetch(BRANCH)?.remote_head.ok_or("seeded")?;
    let commit = ws.commit_files(Some(base), &[flag("x")], &[], "x", &author(1))?;
    std::fs::rename(remote.bare_path(), remote.dir.path().join("moved.git"))?;
    let started = Instant::now();
    let fetch = ws.fetch(BRANCH).err().ok_or("fetch must fail")?;
    assert!(matches!(fetch, SyncError::Offline { .. }), "{fetch:?}");
    let push = ws.push(BRANCH, commit).err().ok_or("push must fail")?;
    assert!(matches!(push, SyncError::Offline { .. }), "{push:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");
    assert_eq!(
        ws.remote_head(BRANCH)?,
        Some(base),
        "a failed sync changes nothing"
    );
    Ok(())
}

#[test]
fn open_refuses_a_folder_that_is_not_a_checkout() -> TestResult {
    let dir = TempDir::new()?;
    let err = GitRepo::open(dir.path()).err().ok_or("not a repository")?;
    assert!(matches!(err, SyncError::NotARepository { .. }), "{err:?}");
    let remote = Remote::empty()?;
    let bare = GitRepo::open(&remote.bare_path())
        .err()
        .ok_or("bare has no workdir")?;
    assert!(bare.to_string().contains("no working folder"), "{bare}");

    let ws = remote.clone_workspace("ws")?;
    let reopened = GitRepo::open(ws.workdir().ok_or("workdir")?)?;
    assert_eq!(reopened.fetch(BRANCH)?.remote_head, None);
    let unfetched = reopened
        .checkout_head_to_workdir(BRANCH)
        .err()
        .ok_or("an empty remote has nothing to check out")?;
    assert!(
        matches!(unfetched, SyncError::BranchNotFetched { .. }),
        "{unfetched:?}"
    );
    Ok(())
}

#[test]
fn invalid_branch_names_are_refused_before_any_git_work() -> TestResult {
    let remote = Remote::empty()?;
    let ws = remote.clone_workspace("ws")?;
    for branch in ["", "a..b", "x*", "with space", "-/.lock"] {
        let err = ws.fetch(branch).err().ok_or("invalid branch")?;
        assert!(
            matches!(err, SyncError::InvalidBranch { .. }),
            "{branch:?}: {err:?}"
        );
    }
    Ok(())
}

#[test]
fn credentials_come_from_the_secret_store_and_never_print() -> TestResult {
    let store = MemorySecretStore::new();
    let service = "flagdeck:git:https://example.invalid/flags.git";
    assert!(matches!(
        Credentials::from_store(&store, service, "ada")?,
        Credentials::None
    ));
    store.set(service, "ada", &Secret::new("s3cret-token"))?;
    let credentials = Credentials::from_store(&store, service, "ada")?;
    match &credentials {
        Credentials::UserPassword { username, password } => {
            assert_eq!(username, "ada");
            assert_eq!(password.expose(), "s3cret-token");
        }
        _ => return Err("expected a stored password".into()),
    }
    let shown = format!("{credentials:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");

    let remote = Remote::empty()?;
    let ws = remote.clone_workspace("ws")?.with_credentials(credentials);
    assert!(!format!("{ws:?}").contains("s3cret"));
    Ok(())
}

/// A one-thread HTTP server that answers every request with 401 and counts the requests.
struct RefusingServer {
    url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl RefusingServer {
    fn start() -> std::io::Result<Self> {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/flags.git", listener.local_addr()?);
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"flags\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        Ok(Self { url, requests })
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[test]
fn a_refused_credential_is_an_error_after_one_attempt_not_a_loop() -> TestResult {
    let server = RefusingServer::start()?;
    let dir = TempDir::new()?;
    let started = Instant::now();

    let none = GitRepo::clone(&server.url, &dir.path().join("a"), &Credentials::None)
        .err()
        .ok_or("the server refuses everyone")?;
    assert!(
        matches!(none, SyncError::CredentialsMissing { .. }),
        "{none:?}"
    );

    let wrong = Credentials::UserPassword {
        username: "ada".to_owned(),
        password: Secret::new("wrong-token"),
    };
    let before = server.requests();
    let refused = GitRepo::clone(&server.url, &dir.path().join("b"), &wrong)
        .err()
        .ok_or("the server refuses the password")?;
    assert!(
        matches!(refused, SyncError::CredentialsRejected { .. }),
        "{refused:?}"
    );
    assert!(!refused.to_string().contains("wrong-token"), "{refused}");
    let attempts = server.requests() - before;
    assert!(
        (1..=3).contains(&attempts),
        "one try without and one with the credential, not a retry loop: {attempts} requests"
    );
    assert!(started.elapsed() < Duration::from_secs(10), "no hang");
    Ok(())
}

#[test]
fn a_closed_port_is_offline() -> TestResult {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dir = TempDir::new()?;
    let url = format!("http://127.0.0.1:{port}/flags.git");
    let err = GitRepo::clone(&url, &dir.path().join("ws"), &Credentials::None)
        .err()
        .ok_or("nothing listens there")?;
    assert!(matches!(err, SyncError::Offline { .. }), "{err:?}");
    Ok(())
}

#[test]
fn error_sentences_read_well() -> TestResult {
    // Printed with --nocapture when reviewing wording; asserts the shape every sentence shares.
    let dir = TempDir::new()?;
    let url = format!("file://{}", dir.path().join("none.git").display());
    let offline = GitRepo::clone(&url, &dir.path().join("ws"), &Credentials::None)
        .err()
        .ok_or("missing remote")?;
    let text = offline.to_string();
    println!("{text}");
    assert!(text.starts_with("The remote file://"), "{text}");
    assert!(text.ends_with('.') && !text.contains(".)"), "{text}");
    Ok(())
}

#[test]
fn a_bare_clone_reports_its_download_progress_up_to_the_total() -> TestResult {
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("flags/f{i}.json"),
                format!("{{\"key\": \"f{i}\"}}\n"),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let remote = Remote::seeded(&borrowed)?;
    let mut reports = Vec::new();
    let clone = GitRepo::clone_bare_with_progress(
        &remote.url(),
        &remote.dir.path().join("app-clone"),
        &Credentials::None,
        &mut |progress| reports.push(progress),
    )?;
    assert_eq!(clone.head_commit(), Some(remote.main_head()?));
    assert!(!reports.is_empty(), "libgit2 reported no progress");
    for report in &reports {
        assert!(
            report.received_objects <= report.total_objects,
            "{report:?}"
        );
    }
    let last = reports.last().ok_or("a last report")?;
    // 40 blobs, the flags/ tree, the root tree and the commit.
    assert_eq!((last.received_objects, last.total_objects), (43, 43));
    Ok(())
}
