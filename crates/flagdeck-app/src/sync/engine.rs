//! The sync loop, shared by every local side: fetch; read base and remote; plan; stop on
//! conflicts or errors; commit the merged result on top of the remote head; push; on a rejected
//! push, fetch and plan again; settle the local side.
//!
//! Crash safety comes from the order: the commit is made on top of the remote head without
//! moving any ref; the push is the one step that publishes; only after it succeeds does the
//! local side move (one cache transaction, or a safe update of the working folder). Killed
//! before the push, nothing happened; killed after it, the next sync finds its own commit on
//! the remote, plans "nothing to push" and settles.

use std::sync::Arc;

use flagdeck_core::diag::Diagnostic;
use flagdeck_core::schedule;
use flagdeck_core::sync_plan::{self, Snapshot, SyncPlan};
use flagdeck_sync::{FileChange, GitRepo, Oid, PushOutcome};

use super::report::{SyncReport, SyncResult};
use crate::dist;
use crate::error::{AppError, ErrorCode};
use crate::governance::FoundViolation;

/// How often a push rejected because someone pushed first is retried on top of their commit.
pub const MAX_ATTEMPTS: usize = 5;

/// What the caller asks of a sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Plan only: fetch, then say what would happen; change nothing.
    pub dry_run: bool,
}

pub use flagdeck_sync::Author;

/// Why a sync stopped early: an error, or a side that cannot be read (a report, not an error:
/// it lists the files to fix).
pub enum Stop {
    Failed(AppError),
    Unreadable {
        side: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl From<AppError> for Stop {
    fn from(error: AppError) -> Self {
        Stop::Failed(error)
    }
}

impl From<flagdeck_store::StoreError> for Stop {
    fn from(error: flagdeck_store::StoreError) -> Self {
        Stop::Failed(error.into())
    }
}

impl From<git2::Error> for Stop {
    fn from(error: git2::Error) -> Self {
        Stop::Failed(error.into())
    }
}

impl From<flagdeck_sync::SyncError> for Stop {
    fn from(error: flagdeck_sync::SyncError) -> Self {
        Stop::Failed(error.into())
    }
}

/// Refuses a snapshot read with errors: a file missing from it would read as a deletion.
pub fn refuse_on_errors(diagnostics: Vec<Diagnostic>, side: &str) -> Result<(), Stop> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Stop::Unreadable {
            side: side.to_owned(),
            diagnostics,
        });
    }
    Ok(())
}

/// Refuses to publish a schedule step that a draft adds or changes and whose time has passed:
/// it would apply at once. Nothing is committed; the drafts stay as they are.
pub fn refuse_past_steps(published: &Snapshot, after: &Snapshot, now: i64) -> Result<(), AppError> {
    let past = schedule::past_steps(published, after, now);
    if past.is_empty() {
        return Ok(());
    }
    let sentences: Vec<&str> = past.iter().map(|d| d.message.as_str()).collect();
    Err(AppError::new(
        ErrorCode::Invalid,
        format!(
            "Nothing was published. {} Your drafts are kept.",
            sentences.join(" ")
        ),
    ))
}

/// The user's side of a sync and where its last synced state is kept.
pub trait LocalSide {
    /// The branch synced.
    fn branch(&self) -> &str;
    /// The Git repository that fetches, commits and pushes.
    fn git(&self) -> &GitRepo;
    /// The commit the local side last synced with, given the remote head just fetched.
    fn base_commit(&self, remote_head: Option<Oid>) -> Result<Option<Oid>, Stop>;
    /// The project at the base commit (shared: a git workspace keeps it decoded).
    fn base(&self, commit: Option<Oid>) -> Result<Arc<Snapshot>, Stop>;
    /// The user's side now.
    fn local(&self) -> Result<Snapshot, Stop>;
    /// The commit to build on when the remote has no branch yet.
    fn fallback_tip(&self) -> Option<Oid>;
    /// Applies the resolutions the user already chose to a fresh plan.
    fn apply_resolutions(&self, plan: SyncPlan) -> Result<SyncPlan, Stop>;
    /// Keeps the plan's conflicts until the user resolves them.
    fn record_conflicts(&self, plan: &SyncPlan) -> Result<(), Stop>;
    /// The sync is done at `target` (pushed, or the remote head taken as it is): the local side
    /// takes the merged result and `target` becomes the base.
    fn settle(&self, plan: &SyncPlan, target: Oid) -> Result<(), Stop>;
    /// Who commits.
    fn author(&self) -> Result<Author, Stop>;
    /// The governance violations (GOV §3) of the commits the sync takes from the remote, from
    /// the base commit `from` to the remote head `to`; `None` when this side does not check.
    fn verify_incoming(&self, _from: Oid, _to: Oid) -> Result<Option<Vec<FoundViolation>>, Stop> {
        Ok(None)
    }
    /// The instant before which a pushed draft must not add or change a schedule step (the
    /// app's clock); `None` when this side does not check.
    fn past_steps_at(&self) -> Option<i64> {
        None
    }
}

/// A step of a sync, reported as it starts so that the window can say what is going on
/// (fetching and pushing wait on the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fetching,
    Planning,
    Committing,
    Pushing,
}

impl Stage {
    /// How many stages a sync that pushes goes through.
    pub const COUNT: u64 = 4;

    /// Its place, from 0, for a `done` of [`Stage::COUNT`].
    pub fn index(self) -> u64 {
        match self {
            Stage::Fetching => 0,
            Stage::Planning => 1,
            Stage::Committing => 2,
            Stage::Pushing => 3,
        }
    }

    /// What it does, in words.
    pub fn words(self) -> &'static str {
        match self {
            Stage::Fetching => "Receiving the team's changes",
            Stage::Planning => "Comparing them with yours",
            Stage::Committing => "Committing your changes",
            Stage::Pushing => "Sending your changes",
        }
    }
}

/// Runs one sync of `side`.
pub fn run(side: &dyn LocalSide, options: SyncOptions) -> Result<SyncReport, Stop> {
    run_reporting(side, options, &mut |_| {})
}

/// Runs one sync of `side`, telling `stage` as each step starts.
pub fn run_reporting(
    side: &dyn LocalSide,
    options: SyncOptions,
    stage: &mut dyn FnMut(Stage),
) -> Result<SyncReport, Stop> {
    let local = side.local()?;
    let git = side.git();
    let branch = side.branch();
    for attempt in 0..MAX_ATTEMPTS {
        stage(Stage::Fetching);
        let fetched = git.fetch(branch)?;
        stage(Stage::Planning);
        let remote_tip = fetched.remote_head.or_else(|| side.fallback_tip());
        let base_commit = side.base_commit(fetched.remote_head)?;
        let base = side.base(base_commit)?;
        let remote = remote_snapshot(git, base_commit, &base, remote_tip)?;
        // The remote snapshot is the plan's to keep; the local one serves every attempt.
        let plan = side.apply_resolutions(sync_plan::plan_owned(&base, local.clone(), remote))?;
        let with = |result: SyncResult| {
            let mut report = SyncReport::from_plan(result, &plan);
            report.retries = attempt;
            report
        };
        if options.dry_run {
            return Ok(with(SyncResult::DryRun));
        }
        if plan.has_conflicts() {
            side.record_conflicts(&plan)?;
            return Ok(with(SyncResult::Conflicts));
        }
        // The commits taken from the remote are verified, and taken even when they bypassed
        // governance (like an invalid remote, they must not lock the team out): the report
        // names them, and publishing on top of them is refused.
        let incoming = match (base_commit, fetched.remote_head) {
            (Some(from), Some(to)) if from != to => side.verify_incoming(from, to)?,
            _ => None,
        };
        let taking = |mut report: SyncReport| {
            if let Some(found) = &incoming {
                report.governance_violations = found.clone();
                report.verified_incoming = true;
            }
            report
        };
        // Taking the remote as it is never needs a check (an invalid remote must not lock
        // everyone out of pulling); publishing does.
        if !plan.has_local_changes() {
            // A remote without the branch (a new, empty repository): publish the local history.
            if fetched.remote_head.is_none()
                && let Some(tip) = side.fallback_tip()
            {
                stage(Stage::Pushing);
                match git.push(branch, tip)? {
                    PushOutcome::Pushed => return Ok(with(SyncResult::Published)),
                    PushOutcome::Rejected => continue,
                }
            }
            if let Some(target) = fetched.remote_head
                && base_commit != Some(target)
            {
                side.settle(&plan, target)?;
            }
            let result = if plan.has_incoming_changes() {
                SyncResult::Pulled
            } else {
                SyncResult::UpToDate
            };
            return Ok(taking(with(result)));
        }
        let checked = plan.check();
        if checked.has_errors() {
            let mut report = with(SyncResult::Invalid);
            report.diagnostics = checked.diagnostics;
            return Ok(report);
        }
        if let Some(now) = side.past_steps_at() {
            refuse_past_steps(plan.remote(), plan.merged(), now)?;
        }
        let message = plan.commit_message();
        let mut writes = plan.files_to_write();
        let mut deletes = plan.files_to_delete();
        // A repository that keeps dist/ gets it rebuilt in every commit, as verify requires.
        if let (Some(tip), Some(project)) = (remote_tip, &checked.project)
            && git.has_path(tip, "dist")?
        {
            writes.extend(dist::compiled(project));
            deletes.extend(dist::stale_dist(plan.remote(), plan.merged()));
        }
        stage(Stage::Committing);
        let commit = git.commit_files(remote_tip, &writes, &deletes, &message, &side.author()?)?;
        stage(Stage::Pushing);
        match git.push(branch, commit)? {
            PushOutcome::Pushed => {
                side.settle(&plan, commit)?;
                let mut report = taking(with(SyncResult::Pushed));
                report.commit = Some(commit.to_string());
                report.message = Some(message);
                return Ok(report);
            }
            // Someone pushed first: fetch their commit and plan again on top of it.
            PushOutcome::Rejected => {}
        }
    }
    Err(Stop::Failed(AppError::new(
        ErrorCode::Retry,
        format!(
            "The remote kept moving: {MAX_ATTEMPTS} pushes in a row were rejected because someone else pushed first. Nothing was lost; sync again."
        ),
    )))
}

/// The plan as of the last fetch, without contacting the remote: for resolving conflicts and
/// for status, offline.
pub fn plan_offline(side: &dyn LocalSide) -> Result<SyncPlan, Stop> {
    let git = side.git();
    let remote_head = git.remote_head(side.branch())?;
    let remote_tip = remote_head.or_else(|| side.fallback_tip());
    let base_commit = side.base_commit(remote_head)?;
    let base = side.base(base_commit)?;
    let remote = remote_snapshot(git, base_commit, &base, remote_tip)?;
    Ok(sync_plan::plan_owned(&base, side.local()?, remote))
}

/// The remote's project: the base plus what changed between the base commit and the remote
/// head (a few files, usually), or every file of the remote head when there is no base commit.
fn remote_snapshot(
    git: &GitRepo,
    base_commit: Option<Oid>,
    base: &Snapshot,
    remote_tip: Option<Oid>,
) -> Result<Snapshot, Stop> {
    let Some(tip) = remote_tip else {
        return Ok(Snapshot::default());
    };
    let Some(from) = base_commit else {
        return snapshot_of_commit(git, tip, "the remote");
    };
    if from == tip {
        return Ok(base.clone());
    }
    // A base commit the clone lacks (the remote was rewritten): read the remote head whole.
    let Ok(changes) = git.changed_files(from, tip) else {
        return snapshot_of_commit(git, tip, "the remote");
    };
    let written: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            FileChange::Written(file) if !file.path.starts_with("dist/") => Some(file.clone()),
            _ => None,
        })
        .collect();
    let (update, diagnostics) = Snapshot::from_files(&written);
    refuse_on_errors(diagnostics, "the remote")?;
    let mut remote = base.clone();
    for id in update.entities() {
        if let Some(value) = update.value(&id) {
            // Decoded from a file just now, so it decodes again.
            let _ = remote.insert_json(&id, &value);
        }
    }
    for change in &changes {
        if let FileChange::Deleted(path) = change
            && let Some(id) = sync_plan::EntityId::of_path(path)
        {
            remote.remove(&id);
        }
    }
    Ok(remote)
}

/// The project files of a commit (`dist/` left out) as a snapshot; refuses unreadable files.
pub fn snapshot_of_commit(git: &GitRepo, commit: Oid, side: &str) -> Result<Snapshot, Stop> {
    let files: Vec<_> = git
        .read_files(commit)?
        .into_iter()
        .filter(|f| !f.path.starts_with("dist/"))
        .collect();
    let (snapshot, diagnostics) = Snapshot::from_files(&files);
    refuse_on_errors(diagnostics, side)?;
    Ok(snapshot)
}
