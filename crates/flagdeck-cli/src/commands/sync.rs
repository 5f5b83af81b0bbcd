//! `flagdeck sync [DIR] [--dry-run] [--author "Name <email>"] [--keep local|remote]`: syncs a
//! folder that is a Git checkout with its `origin` remote, headless, with the app's engine
//! (`flagdeck_core::sync_plan` for the plan, `flagdeck_sync` for Git).
//!
//! The three sides: base = the last synced commit (HEAD, or its merge base with the remote head
//! when HEAD holds commits the remote lacks), local = the working folder's project files,
//! remote = the fetched remote head. Nothing is committed while a conflict is open, and the
//! working folder is only ever rewritten with content that already contains its own edits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use flagdeck_core::diag::Diagnostic;
use flagdeck_core::format::SourceFile;
use flagdeck_core::merge::Resolution;
use flagdeck_core::sync_plan::{self, EntityConflict, EntityId, Origin, Snapshot, SyncPlan};
use flagdeck_sync::{Author, GitRepo, Oid, PushOutcome, SyncError, is_format_path};
use serde_json::{Value, json};

use crate::error::{CliError, CliResult};
use crate::output::{Format, count, print_diagnostics};
use crate::project_dir::{self, project_root, write_atomic};

/// How often a push rejected because someone pushed first is retried on top of their commit.
const MAX_ATTEMPTS: usize = 5;

/// The branch synced when HEAD names none that can be read.
const DEFAULT_BRANCH: &str = "main";

/// Which side every open conflict takes, when the user says so.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Keep {
    /// Keep the working folder's value (it is pushed, replacing the remote's).
    Local,
    /// Take the remote's value (the working folder gets it).
    Remote,
}

/// The options of `flagdeck sync`.
pub struct SyncOptions {
    pub dir: Option<PathBuf>,
    pub dry_run: bool,
    pub author: Option<String>,
    pub keep: Option<Keep>,
}

/// A project folder that is a Git checkout, opened for sync or status.
pub struct Checkout {
    pub root: PathBuf,
    pub git: GitRepo,
    pub repo: git2::Repository,
    pub branch: String,
}

impl Checkout {
    /// Opens the checkout whose working folder is `dir` (the project sits at its top).
    pub fn open(dir: Option<PathBuf>) -> Result<Self, CliError> {
        let root = project_root(dir);
        let git = GitRepo::open(&root).map_err(|e| sync_error(&e))?;
        let repo = git2::Repository::open(&root).map_err(|e| git_error(&e))?;
        let branch = current_branch(&repo)?;
        Ok(Self {
            root,
            git,
            repo,
            branch,
        })
    }

    /// The commit HEAD points to; `None` in a new repository with no commit yet.
    pub fn head(&self) -> Option<Oid> {
        self.repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id())
    }

    /// The project files of a commit (`None`: no files), `dist/` left out.
    pub fn files_of(&self, commit: Option<Oid>) -> Result<Vec<SourceFile>, CliError> {
        let Some(commit) = commit else {
            return Ok(Vec::new());
        };
        let files = self.git.read_files(commit).map_err(|e| sync_error(&e))?;
        Ok(files
            .into_iter()
            .filter(|f| is_entity_path(&f.path))
            .collect())
    }

    /// The snapshot of a commit; an unreadable file there stops the sync (it would read as a
    /// deletion).
    pub fn snapshot_of(&self, commit: Option<Oid>, side: &str) -> Result<Snapshot, Refusal> {
        let files = self.files_of(commit).map_err(Refusal::Error)?;
        let (snapshot, diags) = Snapshot::from_files(&files);
        refuse_on_errors(diags, side)?;
        Ok(snapshot)
    }

    /// The working folder's snapshot; refuses when a file cannot be read or decoded.
    pub fn local_snapshot(&self) -> Result<Snapshot, Refusal> {
        let (files, mut diags) = project_dir::read(&self.root).map_err(Refusal::Error)?;
        let files: Vec<SourceFile> = files
            .into_iter()
            .filter(|f| is_entity_path(&f.path))
            .collect();
        let (snapshot, decode) = Snapshot::from_files(&files);
        diags.extend(decode);
        refuse_on_errors(diags, "the working folder")?;
        Ok(snapshot)
    }

    /// The last synced state: HEAD, or where HEAD and the remote head part when HEAD holds
    /// commits the remote lacks (made with `git commit`): those commits then count as local.
    pub fn base_commit(&self, remote_head: Option<Oid>) -> Option<Oid> {
        let head = self.head()?;
        match remote_head {
            Some(remote) => self.repo.merge_base(head, remote).ok().or(Some(head)),
            None => Some(head),
        }
    }
}

/// Why a sync (or status) stops before planning: an error, or files that cannot be read.
pub enum Refusal {
    Error(CliError),
    Unreadable {
        side: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Refusal {
    /// Prints the diagnostics; exit 1 (the input has problems) or the error's code.
    pub fn report(self, format: Format) -> CliResult {
        let (side, diagnostics) = match self {
            Self::Error(e) => return Err(e),
            Self::Unreadable { side, diagnostics } => (side, diagnostics),
        };
        let message = format!(
            "Some files of {side} cannot be read, so nothing was synced (a missing file would look like a deletion); fix them and run again."
        );
        match format {
            Format::Json => println!(
                "{}",
                json!({"result": "unreadable", "message": message, "diagnostics": diagnostics})
            ),
            Format::Text => {
                print_diagnostics(&diagnostics);
                eprintln!("{message}");
            }
        }
        Ok(ExitCode::from(1))
    }
}

fn refuse_on_errors(diagnostics: Vec<Diagnostic>, side: &str) -> Result<(), Refusal> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Refusal::Unreadable {
            side: side.to_owned(),
            diagnostics,
        });
    }
    Ok(())
}

/// The paths of the project's entities: `flagdeck.json`, `flags/*.json`, `segments/*.json`.
pub fn is_entity_path(path: &str) -> bool {
    is_format_path(path) && !path.starts_with("dist/")
}

pub fn run(options: SyncOptions, format: Format) -> CliResult {
    let checkout = Checkout::open(options.dir.clone())?;
    match sync(&checkout, &options, format) {
        Ok(code) => Ok(code),
        Err(refusal) => refusal.report(format),
    }
}

fn sync(checkout: &Checkout, options: &SyncOptions, format: Format) -> Result<ExitCode, Refusal> {
    let local = checkout.local_snapshot()?;
    for _attempt in 0..MAX_ATTEMPTS {
        let fetched = checkout
            .git
            .fetch(&checkout.branch)
            .map_err(|e| Refusal::Error(sync_error(&e)))?;
        // A remote without the branch yet: build on HEAD, as if the remote were still there.
        let remote_tip = fetched.remote_head.or_else(|| checkout.head());
        let base_commit = checkout.base_commit(fetched.remote_head);
        let base = checkout.snapshot_of(base_commit, "the last synced commit")?;
        let remote = checkout.snapshot_of(remote_tip, "the remote")?;
        let plan = resolve_all(sync_plan::plan(&base, &local, &remote), options.keep)
            .map_err(|m| Refusal::Error(CliError::Usage(m)))?;
        if options.dry_run {
            print_plan(&plan, format, "dryRun", None);
            return Ok(exit_for(&plan));
        }
        if plan.has_conflicts() {
            return Ok(report_conflicts(&plan, format));
        }
        let checked = plan.check();
        if checked.errors().next().is_some() {
            return Ok(report_invalid(&plan, &checked.diagnostics, format));
        }
        if !plan.has_local_changes() {
            // A remote without the branch (a new, empty repository): publish what HEAD holds.
            if fetched.remote_head.is_none()
                && let Some(head) = checkout.head()
            {
                match checkout.git.push(&checkout.branch, head) {
                    Ok(PushOutcome::Pushed) => {
                        print_published(&checkout.branch, format);
                        return Ok(ExitCode::SUCCESS);
                    }
                    Ok(PushOutcome::Rejected) => continue,
                    Err(e) => return Err(Refusal::Error(sync_error(&e))),
                }
            }
            if let Some(target) = fetched.remote_head.filter(|t| Some(*t) != checkout.head()) {
                settle(checkout, &plan, target)?;
            }
            let result = if plan.has_incoming_changes() {
                "pulled"
            } else {
                "upToDate"
            };
            print_plan(&plan, format, result, None);
            return Ok(ExitCode::SUCCESS);
        }
        let author = author(&checkout.repo, options.author.as_deref()).map_err(Refusal::Error)?;
        let message = plan.commit_message();
        let commit = checkout
            .git
            .commit_files(
                remote_tip,
                &plan.files_to_write(),
                &plan.files_to_delete(),
                &message,
                &author,
            )
            .map_err(|e| Refusal::Error(sync_error(&e)))?;
        match checkout.git.push(&checkout.branch, commit) {
            Ok(PushOutcome::Pushed) => {
                settle(checkout, &plan, commit)?;
                print_plan(&plan, format, "pushed", Some(commit));
                return Ok(ExitCode::SUCCESS);
            }
            // Someone pushed first: fetch their commit and plan again on top of it.
            Ok(PushOutcome::Rejected) => {}
            Err(e) => return Err(Refusal::Error(sync_error(&e))),
        }
    }
    Err(Refusal::Error(CliError::Io(format!(
        "The remote kept moving: {MAX_ATTEMPTS} pushes in a row were rejected because someone else pushed first. Nothing was lost; run flagdeck sync again."
    ))))
}

/// Resolves every open conflict to one side, when asked.
fn resolve_all(mut plan: SyncPlan, keep: Option<Keep>) -> Result<SyncPlan, String> {
    let Some(keep) = keep else {
        return Ok(plan);
    };
    let choice = match keep {
        Keep::Local => Resolution::Local,
        Keep::Remote => Resolution::Remote,
    };
    while plan.has_conflicts() {
        plan = plan.resolve(0, &choice)?;
    }
    Ok(plan)
}

/// Brings the working folder, the index and the branch to `target`, whose content is the
/// plan's merged result (which holds every local edit).
///
/// The checkout only updates files that still hold HEAD's bytes, so every project file that
/// the checkout changes is first written with `target`'s bytes; the folder is read again
/// before, so an edit made while syncing is never overwritten.
fn settle(checkout: &Checkout, plan: &SyncPlan, target: Oid) -> Result<(), Refusal> {
    if checkout.local_snapshot()? != *plan.local() {
        return Err(Refusal::Error(CliError::Io(
            "A project file changed while syncing, so the working folder was left as it is; run flagdeck sync again to bring it up to date.".to_owned(),
        )));
    }
    let head: BTreeMap<String, Vec<u8>> = by_path(checkout.files_of(checkout.head()));
    let wanted: BTreeMap<String, Vec<u8>> = by_path(checkout.files_of(Some(target)));
    for (path, bytes) in &wanted {
        let full = checkout.root.join(path);
        if head.get(path) != Some(bytes) && std::fs::read(&full).ok().as_ref() != Some(bytes) {
            write_atomic(&full, bytes).map_err(Refusal::Error)?;
        }
    }
    let gone = plan
        .local()
        .entities()
        .filter(|e| !plan.merged().contains(e))
        .map(|e| e.path());
    for path in gone.filter(|p| !wanted.contains_key(p)) {
        let full = checkout.root.join(&path);
        if full.exists() {
            std::fs::remove_file(&full)
                .map_err(|e| Refusal::Error(CliError::io("delete", &full, &e)))?;
        }
    }
    match checkout.git.checkout_head_to_workdir(&checkout.branch) {
        Ok(_) => Ok(()),
        // Git's safe checkout refuses to replace a file it does not track (a flag added here),
        // even when it already holds the wanted bytes; such files are adopted instead.
        Err(SyncError::WorkdirChanged { paths })
            if paths
                .iter()
                .all(|p| is_entity_path(p) && holds(checkout, p, wanted.get(p))) =>
        {
            adopt(checkout, target).map_err(|e| Refusal::Error(git_error(&e)))
        }
        Err(e) => Err(Refusal::Error(sync_error(&e))),
    }
}

/// Whether the working folder's file holds exactly `bytes` (`None`: the file is absent).
fn holds(checkout: &Checkout, path: &str, bytes: Option<&Vec<u8>>) -> bool {
    std::fs::read(checkout.root.join(path)).ok().as_ref() == bytes
}

/// Moves the branch, the index and the folder to `target` when the project files already hold
/// its bytes: other files go through Git's safe checkout (which never overwrites an edit), the
/// project files are only recorded in the index.
fn adopt(checkout: &Checkout, target: Oid) -> Result<(), git2::Error> {
    let repo = &checkout.repo;
    let commit = repo.find_commit(target)?;
    let new_tree = commit.tree()?;
    let old_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let diff = repo.diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None)?;
    let mut others = Vec::new();
    let mut entities = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            let Some(path) = file.path().and_then(|p| p.to_str()) else {
                continue;
            };
            let list = if is_entity_path(path) {
                &mut entities
            } else {
                &mut others
            };
            if !list.iter().any(|p: &String| p == path) {
                list.push(path.to_owned());
            }
        }
    }
    if !others.is_empty() {
        let mut options = git2::build::CheckoutBuilder::new();
        options.safe();
        for path in &others {
            options.path(path);
        }
        repo.checkout_tree(commit.as_object(), Some(&mut options))?;
    }
    let mut index = repo.index()?;
    for path in &entities {
        if new_tree.get_path(Path::new(path)).is_ok() {
            index.add_path(Path::new(path))?;
        } else {
            index.remove_path(Path::new(path))?;
        }
    }
    index.write()?;
    let branch = format!("refs/heads/{}", checkout.branch);
    repo.reference(&branch, target, true, "flagdeck: sync")?;
    repo.set_head(&branch)
}

fn by_path(files: Result<Vec<SourceFile>, CliError>) -> BTreeMap<String, Vec<u8>> {
    files
        .unwrap_or_default()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

fn exit_for(plan: &SyncPlan) -> ExitCode {
    if plan.has_conflicts() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The plan (or what was done) in words or JSON. `result`: dryRun, pushed, pulled, upToDate,
/// conflicts.
fn print_plan(plan: &SyncPlan, format: Format, result: &str, commit: Option<Oid>) {
    let pushed = plan
        .changes()
        .iter()
        .filter(|c| c.outgoing.is_some())
        .count();
    let pulled = plan
        .changes()
        .iter()
        .filter(|c| c.incoming.is_some())
        .count();
    if format == Format::Json {
        let mut out = json!({
            "result": result,
            "summary": plan.summary(),
            "changes": plan.changes(),
            "conflicts": plan.conflicts(),
        });
        if let Some(commit) = commit {
            out["commit"] = json!(commit.to_string());
            out["message"] = json!(plan.commit_message());
        }
        println!("{out}");
        return;
    }
    match result {
        "pushed" => {
            let subject = plan.commit_message();
            let subject = subject.lines().next().unwrap_or_default().to_owned();
            println!("Pushed {}: {subject}", count(pushed, "change"));
            if pulled > 0 {
                println!("Pulled {}.", count(pulled, "change"));
            }
        }
        "pulled" => println!("Pulled {}.", count(pulled, "change")),
        "upToDate" => println!("Up to date."),
        _ => {
            println!("{}.", plan.summary());
            for line in change_lines(plan).into_iter().chain(conflict_lines(plan)) {
                println!("  {line}");
            }
            if result == "dryRun" {
                println!(
                    "Dry run: nothing was changed (the fetch only updated the remote-tracking branch)."
                );
            }
        }
    }
}

fn print_published(branch: &str, format: Format) {
    match format {
        Format::Json => println!("{}", json!({"result": "published", "branch": branch})),
        Format::Text => println!("Pushed the branch {branch}: the remote did not have it yet."),
    }
}

/// One line per entity that changes: what, and where from.
fn change_lines(plan: &SyncPlan) -> Vec<String> {
    plan.changes()
        .iter()
        .filter_map(|c| {
            let what = match c.origin()? {
                Origin::Remote => "changed on the remote; the working folder takes it",
                Origin::Local => "changed here; to push",
                Origin::Both => "changed on both sides; merged",
            };
            Some(format!("{}: {what}", entity_name(&c.entity)))
        })
        .collect()
}

/// One line per conflict: entity, JSON pointer, the three values and the sentence.
fn conflict_lines(plan: &SyncPlan) -> Vec<String> {
    plan.conflicts()
        .iter()
        .map(|EntityConflict { entity, conflict }| {
            let pointer = if conflict.path.is_empty() {
                "/"
            } else {
                &conflict.path
            };
            format!(
                "conflict in {} at {pointer}: {} (base: {}, local: {}, remote: {})",
                entity_name(entity),
                conflict.description.trim_end_matches('.'),
                compact(conflict.base.as_ref()),
                compact(conflict.local.as_ref()),
                compact(conflict.remote.as_ref()),
            )
        })
        .collect()
}

fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_owned(), Value::to_string)
}

pub fn entity_name(entity: &EntityId) -> String {
    match entity {
        EntityId::Project => "the project settings (flagdeck.json)".to_owned(),
        EntityId::Flag(key) => format!("flag {key}"),
        EntityId::Segment(key) => format!("segment {key}"),
    }
}

fn report_conflicts(plan: &SyncPlan, format: Format) -> ExitCode {
    print_plan(plan, format, "conflicts", None);
    if format == Format::Text {
        eprintln!(
            "Nothing was committed, pushed or changed: the working folder keeps your values. To resolve, either edit each file to the remote's value and run flagdeck sync again, or run flagdeck sync --keep local (your values replace the remote's) or --keep remote (the remote's values replace yours)."
        );
    }
    ExitCode::from(1)
}

fn report_invalid(plan: &SyncPlan, diagnostics: &[Diagnostic], format: Format) -> ExitCode {
    let message = "The merged project has errors, so nothing was committed or pushed and the working folder is as it was; fix them and run flagdeck sync again.";
    match format {
        Format::Json => println!(
            "{}",
            json!({"result": "invalid", "summary": plan.summary(), "message": message, "diagnostics": diagnostics})
        ),
        Format::Text => {
            print_diagnostics(diagnostics);
            eprintln!("{message}");
        }
    }
    ExitCode::from(1)
}

/// The commit's author: `--author "Name <email>"`, or Git's `user.name` and `user.email`.
fn author(repo: &git2::Repository, flag: Option<&str>) -> Result<Author, CliError> {
    let unix_seconds = time::OffsetDateTime::now_utc().unix_timestamp();
    let (name, email) = match flag {
        Some(text) => parse_author(text).ok_or_else(|| {
            CliError::Usage(format!(
                "--author must look like \"Name <email>\", not {text:?}."
            ))
        })?,
        None => {
            let config = repo.config().map_err(|e| git_error(&e))?;
            let name = config.get_string("user.name").ok();
            let email = config.get_string("user.email").ok();
            name.zip(email).ok_or_else(|| {
                CliError::Usage(
                    "Git does not know who you are: set git config user.name and user.email, or pass --author \"Name <email>\"."
                        .to_owned(),
                )
            })?
        }
    };
    Ok(Author {
        name,
        email,
        unix_seconds,
    })
}

/// "Ada Lovelace <ada@example.com>" → ("Ada Lovelace", "ada@example.com").
fn parse_author(text: &str) -> Option<(String, String)> {
    let (name, rest) = text.split_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    let name = name.trim();
    let clean = |s: &str| !s.is_empty() && !s.contains(['<', '>', '\n']);
    (clean(name) && clean(email)).then(|| (name.to_owned(), email.to_owned()))
}

/// The checked-out branch (also in a new repository with no commit yet).
fn current_branch(repo: &git2::Repository) -> Result<String, CliError> {
    let head = repo.find_reference("HEAD").map_err(|e| git_error(&e))?;
    match head.symbolic_target() {
        Some(target) => Ok(target
            .strip_prefix("refs/heads/")
            .unwrap_or(DEFAULT_BRANCH)
            .to_owned()),
        None => Err(CliError::Usage(
            "HEAD is detached (no branch is checked out); check out the branch to sync, e.g. git switch main.".to_owned(),
        )),
    }
}

/// A sync error as the CLI's: offline says that nothing was lost.
pub fn sync_error(err: &SyncError) -> CliError {
    match err {
        SyncError::Offline { url, detail } => CliError::Io(format!(
            "Offline: the remote {url} cannot be reached ({detail}); nothing was lost, your edits are as they were; run flagdeck sync again when the remote is reachable."
        )),
        SyncError::NotARepository { .. } => CliError::Usage(format!(
            "{err} flagdeck sync and status work on a Git checkout whose top folder holds flagdeck.json."
        )),
        other => CliError::Io(other.to_string()),
    }
}

fn git_error(err: &git2::Error) -> CliError {
    CliError::Io(format!(
        "A Git operation failed: {}.",
        err.message().trim_end_matches('.')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_parsed_from_name_and_email() {
        assert_eq!(
            parse_author("Ada Lovelace <ada@example.com>"),
            Some(("Ada Lovelace".to_owned(), "ada@example.com".to_owned()))
        );
        assert_eq!(parse_author("Ada"), None);
        assert_eq!(parse_author("<ada@example.com>"), None);
        assert_eq!(parse_author("Ada <>"), None);
        assert_eq!(parse_author("Ada <a@b> trailing"), None);
    }

    #[test]
    fn only_entity_files_are_synced_as_entities() {
        assert!(is_entity_path("flagdeck.json"));
        assert!(is_entity_path("flags/a.json"));
        assert!(is_entity_path("segments/b.json"));
        assert!(!is_entity_path("dist/production.flagd.json"));
        assert!(!is_entity_path("README.md"));
    }

    #[test]
    fn conflict_values_are_compact_json() {
        assert_eq!(compact(None), "absent");
        assert_eq!(compact(Some(&json!({"a": [1, 2]}))), r#"{"a":[1,2]}"#);
    }
}
