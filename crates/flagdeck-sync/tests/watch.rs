//! The folder watcher against real folders and the real OS watch (inotify on Linux): what an
//! editor's save looks like, what must stay silent, and how long an edit takes to show.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use flagdeck_sync::{DEFAULT_DEBOUNCE, FolderWatcher, WatchBatch, WatchError};
use tempfile::TempDir;

/// How long a test waits for a batch that should come (an edit must show within a second).
const PATIENCE: Duration = Duration::from_secs(2);
/// How long a test listens to be sure that nothing comes.
const SILENCE: Duration = Duration::from_millis(1200);

/// A project folder as a user has it: format files, a Git folder, build output.
fn project() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for (path, text) in [
        ("flagdeck.json", "{\"name\": \"demo\"}\n"),
        ("flags/a.json", "{\"key\": \"a\"}\n"),
        ("flags/b.json", "{\"key\": \"b\"}\n"),
        ("segments/s.json", "{\"key\": \"s\"}\n"),
        ("dist/dev.flagd.json", "{}\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (
            ".git/refs/heads/main",
            "0000000000000000000000000000000000000000\n",
        ),
        ("README.md", "demo\n"),
    ] {
        write(root, path, text);
    }
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

/// Starts a watcher whose batches arrive, stamped with their arrival time, on the receiver.
fn watch(root: &Path) -> (FolderWatcher, Receiver<(Instant, WatchBatch)>) {
    watch_with(root, DEFAULT_DEBOUNCE)
}

fn watch_with(root: &Path, debounce: Duration) -> (FolderWatcher, Receiver<(Instant, WatchBatch)>) {
    let (sender, receiver) = mpsc::channel();
    let watcher = FolderWatcher::start(root, debounce, move |batch| {
        let _ = sender.send((Instant::now(), batch));
    })
    .expect("start watching");
    (watcher, receiver)
}

/// The next batch, within `PATIENCE`; checks it is never empty.
fn next_batch(batches: &Receiver<(Instant, WatchBatch)>) -> (Instant, WatchBatch) {
    let (at, batch) = batches
        .recv_timeout(PATIENCE)
        .expect("a batch within the patience");
    assert!(
        !batch.paths.is_empty() || batch.rescan,
        "an empty batch was sent"
    );
    (at, batch)
}

fn paths_of(batch: &WatchBatch) -> Vec<&str> {
    batch.paths.iter().map(String::as_str).collect()
}

fn assert_silent(batches: &Receiver<(Instant, WatchBatch)>) {
    match batches.recv_timeout(SILENCE) {
        Err(RecvTimeoutError::Timeout) => {}
        Ok((_, batch)) => panic!("expected no batch, got {batch:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("the watcher stopped"),
    }
}

#[test]
fn an_edit_shows_up_with_exactly_its_path() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    let edited = Instant::now();
    write(dir.path(), "flags/a.json", "{\"key\": \"a\", \"v\": 2}\n");
    let (at, batch) = next_batch(&batches);
    let latency = at - edited;

    assert_eq!(paths_of(&batch), ["flags/a.json"]);
    assert!(!batch.rescan);
    // Within PATIENCE (next_batch); the latency itself is measured by edit_to_batch_latency.
    eprintln!("edit to batch: {latency:?}");
    assert_silent(&batches);
}

/// The quiet window of the burst test: long enough that fifty writes on a loaded two-core CI
/// machine still come closer together than it (with 200 ms, one stalled write split the burst).
const BURST_DEBOUNCE: Duration = Duration::from_secs(2);

#[test]
fn a_burst_of_fifty_writes_gives_one_batch() {
    let dir = project();
    let (_watcher, batches) = watch_with(dir.path(), BURST_DEBOUNCE);

    // The premise: no two writes further apart than a quarter of the quiet window.
    let mut longest_gap = Duration::ZERO;
    let mut last = Instant::now();
    for i in 0..50 {
        write(
            dir.path(),
            "flags/a.json",
            &format!("{{\"key\": \"a\", \"v\": {i}}}\n"),
        );
        longest_gap = longest_gap.max(last.elapsed());
        last = Instant::now();
        thread::sleep(Duration::from_millis(1));
    }
    assert!(
        longest_gap < BURST_DEBOUNCE / 4,
        "one write took {longest_gap:?}, too long for this test's premise"
    );

    let (_, batch) = batches
        .recv_timeout(BURST_DEBOUNCE * 5)
        .expect("a batch after the burst");
    assert_eq!(paths_of(&batch), ["flags/a.json"]);
    match batches.recv_timeout(BURST_DEBOUNCE + SILENCE) {
        Err(RecvTimeoutError::Timeout) => {}
        other => panic!("expected one batch for the burst, then {other:?}"),
    }
}

#[test]
fn git_dist_editor_files_and_other_files_give_no_batch() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());
    let root = dir.path();

    write(root, ".git/HEAD", "ref: refs/heads/other\n");
    write(
        root,
        ".git/refs/heads/other",
        "1111111111111111111111111111111111111111\n",
    );
    write(root, ".git/objects/ab/cdef", "blob");
    write(root, "dist/dev.flagd.json", "{\"flags\": {}}\n");
    write(root, "dist/new/prod.flagd.json", "{}\n");
    // vim's swap file and write test, Emacs' lock and backup files, a stray temp file.
    write(root, "flags/.a.json.swp", "swap");
    write(root, "flags/4913", "");
    fs::remove_file(root.join("flags/4913")).expect("remove 4913");
    write(root, "flags/.#a.json", "lock");
    write(root, "flags/a.json~", "backup");
    write(root, "flags/a.json.tmp", "temp");
    write(root, "flags/nested/x.json", "{}\n");
    write(root, "README.md", "changed\n");
    fs::remove_file(root.join("dist/dev.flagd.json")).expect("remove dist file");

    assert_silent(&batches);
}

#[test]
fn reading_project_files_gives_no_batch() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    for path in [
        "flagdeck.json",
        "flags/a.json",
        "flags/b.json",
        "segments/s.json",
    ] {
        let text = fs::read_to_string(dir.path().join(path)).expect("read");
        assert!(!text.is_empty());
    }
    let listed = fs::read_dir(dir.path().join("flags"))
        .expect("list")
        .count();
    assert_eq!(listed, 2);

    assert_silent(&batches);
}

#[test]
fn an_atomic_save_through_a_temp_file_reports_the_target() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());
    let flags = dir.path().join("flags");

    // VS Code and many tools: write a temp file next to the target, rename it over the target.
    write(
        dir.path(),
        "flags/.a.json.tmp-4711",
        "{\"key\": \"a\", \"v\": 3}\n",
    );
    fs::rename(flags.join(".a.json.tmp-4711"), flags.join("a.json")).expect("rename");

    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["flags/a.json"]);
    assert_eq!(
        fs::read_to_string(flags.join("a.json")).expect("read"),
        "{\"key\": \"a\", \"v\": 3}\n"
    );
    assert_silent(&batches);
}

#[test]
fn a_vim_style_save_with_backup_reports_the_target() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());
    let flags = dir.path().join("flags");

    // vim without backupcopy: probe with 4913, move the original to a~, write anew, drop a~.
    write(dir.path(), "flags/4913", "");
    fs::remove_file(flags.join("4913")).expect("remove 4913");
    fs::rename(flags.join("b.json"), flags.join("b.json~")).expect("backup");
    write(dir.path(), "flags/b.json", "{\"key\": \"b\", \"v\": 2}\n");
    fs::remove_file(flags.join("b.json~")).expect("remove backup");

    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["flags/b.json"]);
    assert_silent(&batches);
}

#[test]
fn a_delete_reports_the_path() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    fs::remove_file(dir.path().join("segments/s.json")).expect("delete");

    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["segments/s.json"]);
    assert!(!batch.rescan);
}

#[test]
fn a_rename_reports_both_paths() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());
    let flags = dir.path().join("flags");

    fs::rename(flags.join("a.json"), flags.join("c.json")).expect("rename");

    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["flags/a.json", "flags/c.json"]);
}

#[test]
fn changes_to_several_files_in_one_moment_come_as_one_sorted_batch() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    write(
        dir.path(),
        "segments/s.json",
        "{\"key\": \"s\", \"v\": 2}\n",
    );
    write(dir.path(), "flagdeck.json", "{\"name\": \"demo 2\"}\n");
    fs::remove_file(dir.path().join("flags/b.json")).expect("delete");
    write(dir.path(), "flags/a.json", "{\"key\": \"a\", \"v\": 2}\n");
    write(dir.path(), "flags/a.json", "{\"key\": \"a\", \"v\": 3}\n");

    let (_, batch) = next_batch(&batches);
    assert_eq!(
        paths_of(&batch),
        [
            "flagdeck.json",
            "flags/a.json",
            "flags/b.json",
            "segments/s.json"
        ]
    );
    assert_silent(&batches);
}

#[test]
fn files_in_a_flags_folder_created_after_the_start_are_seen() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "flagdeck.json", "{}\n");
    let (_watcher, batches) = watch(dir.path());

    // Written right after the folder appears, before the watcher can have added a watch on it.
    fs::create_dir(dir.path().join("flags")).expect("mkdir");
    write(dir.path(), "flags/n.json", "{\"key\": \"n\"}\n");
    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["flags/n.json"]);

    // And the new folder is watched from then on.
    write(dir.path(), "flags/m.json", "{\"key\": \"m\"}\n");
    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["flags/m.json"]);
}

#[test]
fn a_folder_moved_in_as_segments_reports_the_files_it_holds() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "flagdeck.json", "{}\n");
    write(dir.path(), ".staging/beta.json", "{\"key\": \"beta\"}\n");
    write(dir.path(), ".staging/notes.txt", "not a segment\n");
    let (_watcher, batches) = watch(dir.path());

    // One rename: the OS reports the folder, never the files inside it.
    fs::rename(dir.path().join(".staging"), dir.path().join("segments")).expect("move in");

    let (_, batch) = next_batch(&batches);
    assert_eq!(paths_of(&batch), ["segments/beta.json"]);
    assert!(!batch.rescan);
}

#[test]
fn removing_the_flags_folder_asks_for_a_rescan() {
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    fs::remove_dir_all(dir.path().join("flags")).expect("remove flags/");

    let (_, batch) = next_batch(&batches);
    assert!(batch.rescan, "{batch:?}");
}

#[test]
fn dropping_the_watcher_stops_callbacks() {
    let dir = project();
    let (watcher, batches) = watch(dir.path());

    // Dropped while the edit is being debounced (half the debounce after it).
    write(dir.path(), "flags/a.json", "{\"key\": \"a\", \"v\": 2}\n");
    thread::sleep(DEFAULT_DEBOUNCE / 2);
    drop(watcher);
    let dropped = Instant::now();
    write(dir.path(), "flags/b.json", "{\"key\": \"b\", \"v\": 2}\n");

    // Nothing is sent after the drop, and the callback (which owned the only sender) is gone.
    // A batch sent before the drop returned (a very slow machine) is fine.
    loop {
        match batches.recv_timeout(SILENCE) {
            Err(RecvTimeoutError::Disconnected) => break,
            Ok((at, batch)) if at < dropped => assert_eq!(paths_of(&batch), ["flags/a.json"]),
            other => panic!("expected the callback to be dropped silently, got {other:?}"),
        }
    }
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing: PathBuf = dir.path().join("not-here");

    let error = FolderWatcher::start(&missing, DEFAULT_DEBOUNCE, |_| {}).expect_err("missing");

    assert!(matches!(error, WatchError::NotAFolder { .. }), "{error:?}");
    let sentence = error.to_string();
    assert!(
        sentence.contains(&missing.display().to_string()),
        "{sentence}"
    );
    assert!(sentence.ends_with('.'), "{sentence}");
}

#[test]
fn a_file_is_not_a_folder_to_watch() {
    let dir = project();
    let file = dir.path().join("flagdeck.json");

    let error = FolderWatcher::start(&file, DEFAULT_DEBOUNCE, |_| {}).expect_err("a file");

    assert!(matches!(error, WatchError::NotAFolder { .. }), "{error:?}");
    assert!(error.to_string().contains("not a folder"), "{error}");
}

/// The number for BENCHMARKS: from a write returning to the batch reaching the callback, with
/// the default debounce. `cargo test -p flagdeck-sync --test watch latency -- --nocapture`.
#[test]
fn edit_to_batch_latency() {
    const EDITS: u32 = 15;
    let dir = project();
    let (_watcher, batches) = watch(dir.path());

    let mut latencies = Vec::new();
    for i in 0..EDITS {
        let edited = Instant::now();
        write(
            dir.path(),
            "flags/a.json",
            &format!("{{\"key\": \"a\", \"v\": {i}}}\n"),
        );
        let (at, batch) = next_batch(&batches);
        assert_eq!(paths_of(&batch), ["flags/a.json"]);
        latencies.push(at - edited);
        thread::sleep(Duration::from_millis(50));
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let (min, max) = (latencies[0], latencies[latencies.len() - 1]);
    println!(
        "watch latency, debounce {DEFAULT_DEBOUNCE:?}, {EDITS} edits: median {median:?}, min {min:?}, max {max:?}"
    );
}
