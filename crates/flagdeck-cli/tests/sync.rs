//! `flagdeck sync` and `flagdeck status` on real Git repositories: a bare "remote" and two
//! clones of it, set up with the `git` command, synced by the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::{code, flagdeck, git, out};

const FLAG: &str = "flags/banner-color.json";

/// A bare remote holding the example project, and two clones of it (A and B), each with its
/// own Git identity.
struct World {
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
        git(&root, &["clone", "-q", &url, "a"]);
        configure(&a, "Ada");
        let o = flagdeck(&["init", a.to_str().unwrap(), "--example"]);
        assert_eq!(code(&o), 0, "{}", out(&o));
        git(&a, &["add", "-A"]);
        git(&a, &["commit", "-q", "-m", "The example project"]);
        git(&a, &["push", "-q", "origin", "main"]);
        git(&root, &["clone", "-q", &url, "b"]);
        configure(&b, "Bob");
        Self {
            _tmp: tmp,
            remote,
            a,
            b,
        }
    }

    fn remote_file(&self, path: &str) -> Value {
        let text = git(&self.remote, &["show", &format!("main:{path}")]);
        serde_json::from_str(&text).unwrap()
    }

    fn remote_head(&self) -> String {
        git(&self.remote, &["rev-parse", "main"])
    }
}

fn configure(dir: &Path, name: &str) {
    git(dir, &["config", "user.name", name]);
    git(
        dir,
        &["config", "user.email", &format!("{name}@example.com")],
    );
}

fn sync(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sync", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    flagdeck(&args)
}

fn read(dir: &Path, path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(path)).unwrap()).unwrap()
}

/// Edits a JSON file the way a person would (pretty-printed, not necessarily canonical).
fn edit(dir: &Path, path: &str, change: impl FnOnce(&mut Value)) {
    let mut doc = read(dir, path);
    change(&mut doc);
    let text = serde_json::to_string_pretty(&doc).unwrap();
    std::fs::write(dir.join(path), text).unwrap();
}

fn set_description(dir: &Path, text: &str) {
    edit(dir, FLAG, |d| d["description"] = Value::from(text));
}

/// Moves five percent from the second to the first variation of the production rule.
fn shift_weight(dir: &Path) {
    edit(dir, FLAG, |d| {
        let rollout = &mut d["environments"]["production"]["rules"][0]["serve"]["rollout"];
        let first = rollout[0]["weight"].as_f64().unwrap();
        let second = rollout[1]["weight"].as_f64().unwrap();
        rollout[0]["weight"] = Value::from(first + 5.0);
        rollout[1]["weight"] = Value::from(second - 5.0);
    });
}

fn weight(doc: &Value) -> f64 {
    doc["environments"]["production"]["rules"][0]["serve"]["rollout"][0]["weight"]
        .as_f64()
        .unwrap()
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"])
}

fn porcelain(dir: &Path) -> String {
    git(dir, &["status", "--porcelain"])
}

#[test]
fn disjoint_edits_merge_and_the_same_field_conflicts_without_losing_data() {
    let w = World::new();
    let original_weight = weight(&read(&w.a, FLAG));
    set_description(&w.a, "Edited by Ada");
    shift_weight(&w.b);

    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Pushed 1 change"), "{}", out(&o));
    let o = sync(&w.b, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Pushed 1 change"), "{}", out(&o));
    assert!(out(&o).contains("Pulled 1 change"), "{}", out(&o));
    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Pulled 1 change"), "{}", out(&o));

    let remote = w.remote_file(FLAG);
    for doc in [read(&w.a, FLAG), read(&w.b, FLAG), remote] {
        assert_eq!(doc["description"], "Edited by Ada");
        assert!((weight(&doc) - (original_weight + 5.0)).abs() < 1e-9);
    }
    for clone in [&w.a, &w.b] {
        assert_eq!(porcelain(clone), "", "the working tree is clean");
        assert_eq!(head(clone), w.remote_head(), "HEAD is the remote head");
    }
    assert_eq!(
        git(&w.remote, &["log", "--format=%an", "main"])
            .lines()
            .count(),
        3,
        "the example, Ada's commit and Bob's merge on top of it"
    );

    // The same field, two ways: the second sync stops and keeps its own value.
    set_description(&w.a, "Ada's words");
    set_description(&w.b, "Bob's words");
    assert_eq!(code(&sync(&w.a, &[])), 0);
    let b_head = head(&w.b);
    let b_bytes = std::fs::read(w.b.join(FLAG)).unwrap();
    let o = sync(&w.b, &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("1 conflict"), "{text}");
    assert!(text.contains("/description"), "{text}");
    assert!(
        text.contains(r#"local: "Bob's words", remote: "Ada's words""#),
        "{text}"
    );
    assert_eq!(
        std::fs::read(w.b.join(FLAG)).unwrap(),
        b_bytes,
        "nothing lost"
    );
    assert_eq!(head(&w.b), b_head, "nothing committed");
    assert_eq!(w.remote_file(FLAG)["description"], "Ada's words");

    // Running again finds the same conflict; --keep local settles it for Bob's value.
    assert_eq!(code(&sync(&w.b, &[])), 1);
    let o = sync(&w.b, &["--keep", "local"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(w.remote_file(FLAG)["description"], "Bob's words");
    assert_eq!(code(&sync(&w.a, &[])), 0);
    assert_eq!(read(&w.a, FLAG)["description"], "Bob's words");
    assert_eq!(porcelain(&w.a), "");
}

#[test]
fn keep_remote_takes_the_remote_value_into_the_working_folder() {
    let w = World::new();
    set_description(&w.a, "Ada's words");
    set_description(&w.b, "Bob's words");
    assert_eq!(code(&sync(&w.a, &[])), 0);
    let o = sync(&w.b, &["--keep", "remote"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(read(&w.b, FLAG)["description"], "Ada's words");
    assert_eq!(porcelain(&w.b), "");
    assert_eq!(head(&w.b), w.remote_head());
}

#[test]
fn a_dry_run_changes_nothing() {
    let w = World::new();
    shift_weight(&w.b);
    assert_eq!(code(&sync(&w.b, &[])), 0);
    set_description(&w.a, "Edited by Ada");
    let bytes = std::fs::read(w.a.join(FLAG)).unwrap();
    let a_head = head(&w.a);
    let remote_head = w.remote_head();

    let o = sync(&w.a, &["--dry-run"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("changed on both sides; merged"), "{text}");
    assert!(text.contains("1 local change to push"), "{text}");
    assert_eq!(std::fs::read(w.a.join(FLAG)).unwrap(), bytes);
    assert_eq!(head(&w.a), a_head);
    assert_eq!(w.remote_head(), remote_head);

    let o = flagdeck(&[
        "--format",
        "json",
        "sync",
        w.a.to_str().unwrap(),
        "--dry-run",
    ]);
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["result"], "dryRun");
    assert_eq!(plan["changes"][0]["entity"]["key"], "banner-color");
    assert_eq!(plan["changes"][0]["incoming"], "update");
    assert_eq!(plan["changes"][0]["outgoing"], "update");
}

#[test]
fn offline_keeps_the_local_edits_and_says_so() {
    let w = World::new();
    set_description(&w.a, "Written on a train");
    let bytes = std::fs::read(w.a.join(FLAG)).unwrap();
    let a_head = head(&w.a);
    let away = w.remote.with_extension("away");
    std::fs::rename(&w.remote, &away).unwrap();

    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("Offline"), "{text}");
    assert!(text.to_lowercase().contains("nothing was lost"), "{text}");
    assert_eq!(std::fs::read(w.a.join(FLAG)).unwrap(), bytes);
    assert_eq!(head(&w.a), a_head);

    // Back online, the same command finishes the job.
    std::fs::rename(&away, &w.remote).unwrap();
    assert_eq!(code(&sync(&w.a, &[])), 0);
    assert_eq!(w.remote_file(FLAG)["description"], "Written on a train");
}

#[test]
fn status_shows_drafts_and_then_nothing_to_push() {
    let w = World::new();
    set_description(&w.a, "Draft");
    let o = flagdeck(&["status", w.a.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("1 local draft"), "{text}");
    assert!(text.contains("flag banner-color: changed"), "{text}");
    assert!(text.contains("1 change to push"), "{text}");

    let o = flagdeck(&["--format", "json", "status", w.a.to_str().unwrap()]);
    let status: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(status["drafts"].as_array().map(Vec::len), Some(1));
    assert_eq!(status["toPush"].as_array().map(Vec::len), Some(1));

    assert_eq!(code(&sync(&w.a, &[])), 0);
    let text = out(&flagdeck(&["status", w.a.to_str().unwrap()]));
    assert!(text.contains("No local drafts"), "{text}");
    assert!(text.contains("Nothing to push"), "{text}");

    // B learns of Ada's commit only when it fetches: status never touches the network.
    let text = out(&flagdeck(&["status", w.b.to_str().unwrap()]));
    assert!(text.contains("Nothing to pull"), "{text}");
    git(&w.b, &["fetch", "-q", "origin"]);
    let text = out(&flagdeck(&["status", w.b.to_str().unwrap()]));
    assert!(text.contains("1 change to pull"), "{text}");
}

#[test]
fn a_malformed_file_stops_the_sync_before_anything_happens() {
    let w = World::new();
    std::fs::write(w.a.join("flags/broken.json"), "{ not json").unwrap();
    set_description(&w.a, "Edited");
    let remote_head = w.remote_head();
    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(out(&o).contains("cannot be read"), "{}", out(&o));
    assert!(out(&o).contains("flags/broken.json"), "{}", out(&o));
    assert_eq!(w.remote_head(), remote_head);
}

#[test]
fn a_flag_deleted_on_the_remote_leaves_the_other_clone() {
    let w = World::new();
    std::fs::remove_file(w.b.join("flags/legacy-export.json")).unwrap();
    let o = sync(&w.b, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Delete legacy-export"), "{}", out(&o));
    set_description(&w.a, "Meanwhile");
    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(!w.a.join("flags/legacy-export.json").exists());
    assert_eq!(porcelain(&w.a), "");
    assert_eq!(porcelain(&w.b), "");
}

#[test]
fn the_merged_project_is_validated_before_pushing() {
    let w = World::new();
    // Ada removes a variation; Bob points the fallthrough at it: each valid, together not.
    edit(&w.a, FLAG, |d| {
        let variations = d["variations"].as_array_mut().unwrap();
        variations.retain(|v| v["key"] != "green");
        let rollout = &mut d["environments"]["production"]["rules"][0]["serve"]["rollout"];
        let kept: Vec<Value> = rollout
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["variation"] != "green")
            .cloned()
            .collect();
        *rollout = Value::from(kept);
        rollout[0]["weight"] = Value::from(50);
        rollout[1]["weight"] = Value::from(50);
    });
    edit(&w.b, FLAG, |d| {
        d["environments"]["development"]["fallthrough"]["variation"] = Value::from("green");
    });
    let a = sync(&w.a, &[]);
    assert_eq!(code(&a), 0, "{}", out(&a));
    let remote_head = w.remote_head();
    let o = sync(&w.b, &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(out(&o).contains("merged project has errors"), "{}", out(&o));
    assert_eq!(w.remote_head(), remote_head);
}

#[test]
fn outside_a_checkout_sync_says_what_it_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sync(tmp.path(), &[]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("not a Git checkout"), "{}", out(&o));
}

#[test]
fn a_change_already_on_the_remote_just_moves_head() {
    // As after a sync interrupted between its push and updating the folder: the remote already
    // has the working folder's edit (here pushed by Bob with plain git, formatted differently).
    let w = World::new();
    set_description(&w.a, "Same words");
    set_description(&w.b, "Same words");
    let text = serde_json::to_string(&read(&w.b, FLAG)).unwrap();
    std::fs::write(w.b.join(FLAG), text).unwrap();
    git(&w.b, &["commit", "-q", "-am", "Same edit by hand"]);
    git(&w.b, &["push", "-q", "origin", "main"]);

    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Up to date"), "{}", out(&o));
    assert_eq!(head(&w.a), w.remote_head());
    assert_eq!(porcelain(&w.a), "");
    assert_eq!(read(&w.a, FLAG)["description"], "Same words");
}

#[test]
fn commits_made_with_git_but_not_pushed_are_pushed_not_undone() {
    let w = World::new();
    set_description(&w.a, "Committed by hand");
    git(&w.a, &["commit", "-q", "-am", "By hand"]);
    shift_weight(&w.b);
    assert_eq!(code(&sync(&w.b, &[])), 0);

    let text = out(&flagdeck(&["status", w.a.to_str().unwrap()]));
    assert!(text.contains("1 local commit not yet pushed"), "{text}");
    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let remote = w.remote_file(FLAG);
    assert_eq!(remote["description"], "Committed by hand");
    assert_eq!(read(&w.a, FLAG)["description"], "Committed by hand");
    assert_eq!(porcelain(&w.a), "");
}

#[test]
fn a_new_project_reaches_an_empty_remote() {
    // No commit at all yet: `git init`, `flagdeck init`, `flagdeck sync`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    git(root, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    git(root, &["init", "-q", "-b", "main", "work"]);
    let work = root.join("work");
    let remote = root.join("remote.git");
    configure(&work, "Ada");
    let url = format!("file://{}", remote.display());
    git(&work, &["remote", "add", "origin", &url]);
    assert_eq!(code(&flagdeck(&["init", work.to_str().unwrap()])), 0);
    let o = sync(&work, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Pushed"), "{}", out(&o));
    assert_eq!(head(&work), git(&remote, &["rev-parse", "main"]));
    git(&remote, &["show", "main:flagdeck.json"]);

    // A clone whose commits never reached a new remote publishes them.
    let other = root.join("other.git");
    git(root, &["init", "-q", "--bare", "-b", "main", "other.git"]);
    let other_url = format!("file://{}", other.display());
    git(&work, &["remote", "set-url", "origin", &other_url]);
    let o = sync(&work, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("did not have it yet"), "{}", out(&o));
    assert_eq!(head(&work), git(&other, &["rev-parse", "main"]));
}

#[test]
fn a_flag_added_here_is_pushed_and_reaches_the_other_clone() {
    let w = World::new();
    let mut flag = read(&w.a, FLAG);
    flag["key"] = Value::from("sidebar-color");
    std::fs::write(
        w.a.join("flags/sidebar-color.json"),
        serde_json::to_string_pretty(&flag).unwrap(),
    )
    .unwrap();
    std::fs::write(w.a.join("README.md"), "notes\n").unwrap();

    let o = sync(&w.a, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("Add sidebar-color"), "{}", out(&o));
    assert_eq!(head(&w.a), w.remote_head());
    assert_eq!(
        porcelain(&w.a),
        "?? README.md\n",
        "only the unrelated file is left"
    );
    w.remote_file("flags/sidebar-color.json");

    let o = sync(&w.b, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(
        read(&w.b, "flags/sidebar-color.json")["key"],
        "sidebar-color"
    );
    assert_eq!(porcelain(&w.b), "");
}
