//! The local side of a checkout: the user's side is the working folder, the base is HEAD (or
//! where HEAD and the remote head part, when HEAD holds commits the remote lacks: those count as
//! local). `flagdeck sync DIR` runs the engine on it; so do the app's folder workspaces.
//!
//! The working folder is only rewritten with content that already holds its own edits, and
//! never while it changed during the sync.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flagdeck_core::format::SourceFile;
use flagdeck_core::merge::Resolution;
use flagdeck_core::sync_plan::{self, EntityId, Snapshot, SyncPlan};
use flagdeck_sync::{Author, GitRepo, Oid, SyncError, is_format_path};

use super::engine::{LocalSide, Stop, refuse_on_errors, snapshot_of_commit};
use crate::error::{AppError, ErrorCode};
use crate::project_dir::{self, io_error, write_atomic};

/// The branch synced when HEAD names none that can be read.
const DEFAULT_BRANCH: &str = "main";

/// A project folder that is a Git checkout.
pub struct Checkout {
    pub root: PathBuf,
    pub git: GitRepo,
    pub repo: git2::Repository,
    pub branch: String,
}

/// The paths of the project's entities: `flagdeck.json`, `flags/*.json`, `segments/*.json`,
/// `personas/*.json` and the governance files.
pub fn is_entity_path(path: &str) -> bool {
    is_format_path(path) && !path.starts_with("dist/")
}

impl Checkout {
    /// Opens the checkout whose working folder is `root` (the project sits at its top).
    pub fn open(root: &Path) -> Result<Self, AppError> {
        let git = GitRepo::open(root).map_err(|e| match e {
            SyncError::NotARepository { .. } => AppError::invalid(format!(
                "{e} Sync and status work on a Git checkout whose top folder holds flagdeck.json."
            )),
            other => other.into(),
        })?;
        let repo = git2::Repository::open(root)?;
        let branch = current_branch(&repo)?;
        Ok(Self {
            root: root.to_path_buf(),
            git,
            repo,
            branch,
        })
    }

    /// The same checkout, answering its `origin` remote with what `secrets` holds for the user
    /// name in the remote's URL (`https://alice@host/flags.git`).
    pub fn with_remote_credentials(
        mut self,
        secrets: &dyn flagdeck_sync::SecretStore,
    ) -> Result<Self, AppError> {
        let url = self
            .repo
            .find_remote(flagdeck_sync::REMOTE)
            .ok()
            .and_then(|remote| remote.url().map(str::to_owned));
        if let Some(url) = url {
            let credentials = crate::workspaces::credentials_for_url(secrets, &url)?;
            self.git = self.git.with_credentials(credentials);
        }
        Ok(self)
    }

    /// The commit HEAD points to; `None` in a new repository with no commit yet.
    pub fn head(&self) -> Option<Oid> {
        self.git.head_commit()
    }

    /// The snapshot of a commit (`None`: empty); refuses unreadable files.
    pub fn snapshot_of(&self, commit: Option<Oid>, side: &str) -> Result<Snapshot, Stop> {
        match commit {
            Some(commit) => snapshot_of_commit(&self.git, commit, side),
            None => Ok(Snapshot::default()),
        }
    }

    /// The working folder's snapshot; refuses when a file cannot be read or decoded.
    pub fn local_snapshot(&self) -> Result<Snapshot, Stop> {
        let (files, mut diagnostics) = project_dir::read(&self.root)?;
        let files: Vec<SourceFile> = files
            .into_iter()
            .filter(|f| is_entity_path(&f.path))
            .collect();
        let (snapshot, decode) = Snapshot::from_files(&files);
        diagnostics.extend(decode);
        refuse_on_errors(diagnostics, "the working folder")?;
        Ok(snapshot)
    }

    /// The last synced state: HEAD, or where HEAD and the remote head part.
    pub fn base_commit(&self, remote_head: Option<Oid>) -> Option<Oid> {
        let head = self.head()?;
        match remote_head {
            Some(remote) => self.repo.merge_base(head, remote).ok().or(Some(head)),
            None => Some(head),
        }
    }

    fn files_of(&self, commit: Option<Oid>) -> BTreeMap<String, Vec<u8>> {
        commit
            .and_then(|c| self.git.read_files(c).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|f| is_entity_path(&f.path))
            .map(|f| (f.path, f.bytes))
            .collect()
    }
}

/// Resolves conflicts of a fresh plan with choices made earlier.
pub type Resolver<'a> = &'a dyn Fn(SyncPlan) -> Result<SyncPlan, Stop>;
/// Keeps a plan's conflicts for the user.
pub type ConflictRecorder<'a> = &'a dyn Fn(&SyncPlan) -> Result<(), Stop>;

/// A checkout as the engine's local side.
pub struct FolderSide<'a> {
    pub checkout: &'a Checkout,
    /// Which side every open conflict takes, when the caller says so (`flagdeck sync --keep`).
    pub keep: Option<Resolution>,
    /// The commit author; `None`: Git's `user.name` and `user.email`.
    pub author: Option<Author>,
    /// Extra resolutions (the app's stored ones).
    pub resolver: Option<Resolver<'a>>,
    /// Keeps the plan's conflicts (the app records them in the cache).
    pub on_conflicts: Option<ConflictRecorder<'a>>,
    /// The seconds the author's time defaults to.
    pub now: i64,
    /// Refuse to push a draft's schedule step earlier than this (the app passes its clock;
    /// `flagdeck sync` passes `None`, leaving the check to the app).
    pub past_steps_at: Option<i64>,
    /// What the sync read of the working folder and which edits it holds back (GOV §4).
    pub held: HeldBack,
}

/// Governed edits a plain sync keeps in the working folder (GOV §4): an edit that a rule of
/// HEAD's `policy.json` matches waits there for a change request; publishing is the only way it
/// leaves. The sync sees such an entity as HEAD has it.
#[derive(Default)]
pub struct HeldBack(RefCell<Option<FolderRead>>);

/// The working folder as a sync read it, the entities it held back, and HEAD's project (read
/// once: it is usually the base too).
struct FolderRead {
    folder: Snapshot,
    held: Vec<EntityId>,
    head: Option<(Oid, Arc<Snapshot>)>,
}

impl HeldBack {
    /// The entities the last read held back, in path order.
    pub fn entities(&self) -> Vec<EntityId> {
        self.0
            .borrow()
            .as_ref()
            .map(|r| r.held.clone())
            .unwrap_or_default()
    }
}

/// The working folder with every governed edit (against `head`) undone, and those entities.
pub fn hold_back(head: &Snapshot, folder: &Snapshot) -> (Snapshot, Vec<EntityId>) {
    let mut local = folder.clone();
    let mut held = Vec::new();
    if head.policy.as_ref().is_none_or(|p| p.rules.is_empty()) {
        return (local, held);
    }
    let mut ids: Vec<EntityId> = folder.entities().chain(head.entities()).collect();
    ids.sort_by_key(EntityId::path);
    ids.dedup();
    for id in ids {
        if folder.same_entity(head, &id)
            || !crate::governance::held::is_governed(head, &id, folder.value(&id))
        {
            continue;
        }
        match head.value(&id) {
            // Decoded from a commit just now, so it decodes again.
            Some(value) => {
                let _ = local.insert_json(&id, &value);
            }
            None => {
                local.remove(&id);
            }
        }
        held.push(id);
    }
    (local, held)
}

impl LocalSide for FolderSide<'_> {
    fn branch(&self) -> &str {
        &self.checkout.branch
    }

    fn git(&self) -> &GitRepo {
        &self.checkout.git
    }

    fn base_commit(&self, remote_head: Option<Oid>) -> Result<Option<Oid>, Stop> {
        Ok(self.checkout.base_commit(remote_head))
    }

    fn base(&self, commit: Option<Oid>) -> Result<Arc<Snapshot>, Stop> {
        if let Some(read) = self.held.0.borrow().as_ref()
            && let Some((head, snapshot)) = &read.head
            && commit == Some(*head)
        {
            return Ok(Arc::clone(snapshot));
        }
        Ok(Arc::new(
            self.checkout
                .snapshot_of(commit, "the last synced commit")?,
        ))
    }

    fn local(&self) -> Result<Snapshot, Stop> {
        let folder = self.checkout.local_snapshot()?;
        let head_commit = self.checkout.head();
        let head = Arc::new(
            self.checkout
                .snapshot_of(head_commit, "the last synced commit")?,
        );
        let (local, held) = hold_back(&head, &folder);
        *self.held.0.borrow_mut() = Some(FolderRead {
            folder,
            held,
            head: head_commit.map(|c| (c, head)),
        });
        Ok(local)
    }

    fn fallback_tip(&self) -> Option<Oid> {
        self.checkout.head()
    }

    fn apply_resolutions(&self, mut plan: SyncPlan) -> Result<SyncPlan, Stop> {
        if let Some(resolver) = self.resolver {
            plan = resolver(plan)?;
        }
        if let Some(choice) = &self.keep {
            while plan.has_conflicts() {
                plan = plan.resolve(0, choice).map_err(AppError::invalid)?;
            }
        }
        Ok(plan)
    }

    fn record_conflicts(&self, plan: &SyncPlan) -> Result<(), Stop> {
        match self.on_conflicts {
            Some(record) => record(plan),
            None => Ok(()),
        }
    }

    fn settle(&self, plan: &SyncPlan, target: Oid) -> Result<(), Stop> {
        let read = self.held.0.borrow();
        let (folder, held) = match read.as_ref() {
            Some(r) => (&r.folder, r.held.as_slice()),
            None => (plan.local(), &[][..]),
        };
        settle(self.checkout, plan, folder, held, target)
    }

    fn author(&self) -> Result<Author, Stop> {
        if let Some(author) = &self.author {
            return Ok(author.clone());
        }
        let config = self.checkout.repo.config()?;
        let name = config.get_string("user.name").ok();
        let email = config.get_string("user.email").ok();
        let (name, email) = name.zip(email).ok_or_else(|| {
            AppError::invalid(
                "Git does not know who you are: set git config user.name and user.email, or pass --author \"Name <email>\".",
            )
        })?;
        Ok(Author {
            name,
            email,
            unix_seconds: self.now,
        })
    }

    fn past_steps_at(&self) -> Option<i64> {
        self.past_steps_at
    }
}

/// Brings the working folder, the index and the branch to `target`, whose content is the
/// plan's merged result (which holds every local edit but the `held` ones).
///
/// Every project file that `target` changes is written whole (a temporary file, then a rename)
/// with `target`'s bytes; the folder is read again before (it must still be `folder`, what the
/// sync read), so an edit made while syncing is never overwritten. A held-back edit stays in its
/// file; if the remote changed that entity too, the edit is merged onto the remote's version (the
/// user's value wins a field both changed). Then the index and the branch follow (see [`adopt`]).
fn settle(
    checkout: &Checkout,
    plan: &SyncPlan,
    folder: &Snapshot,
    held: &[EntityId],
    target: Oid,
) -> Result<(), Stop> {
    if checkout.local_snapshot()? != *folder {
        return Err(Stop::Failed(AppError::new(
            ErrorCode::Retry,
            "A project file changed while syncing, so the working folder was left as it is; sync again to bring it up to date.",
        )));
    }
    let held_paths: Vec<String> = held.iter().map(EntityId::path).collect();
    let head = checkout.files_of(checkout.head());
    let wanted = checkout.files_of(Some(target));
    for (path, bytes) in &wanted {
        if held_paths.contains(path) {
            continue;
        }
        let full = checkout.root.join(path);
        if head.get(path) != Some(bytes) && std::fs::read(&full).ok().as_ref() != Some(bytes) {
            write_atomic(&full, bytes)?;
        }
    }
    let gone = plan
        .local()
        .entities()
        .filter(|e| !plan.merged().contains(e))
        .map(|e| e.path());
    for path in gone.filter(|p| !wanted.contains_key(p) && !held_paths.contains(p)) {
        let full = checkout.root.join(&path);
        if full.exists() {
            std::fs::remove_file(&full).map_err(|e| io_error("delete", &full, &e))?;
        }
    }
    for id in held {
        let path = id.path();
        if head.get(&path) != wanted.get(&path) {
            keep_edit_on(checkout, id, plan.local(), folder, plan.merged())?;
        }
    }
    // Not Git's checkout for the project files: libgit2 rewrites a file in place (truncate,
    // then write), so a process killed meanwhile left a half-written flag file (the crash test
    // `killing_flagdeck_sync_on_a_checkout_...` found it). They already hold `target`'s bytes,
    // each written whole above; they are only recorded in the index.
    Ok(adopt(checkout, target, &held_paths)?)
}

/// Rewrites a held-back edit (made on `base`) on top of the remote's new version (`merged`):
/// a three-way merge of the one entity, the user's value winning a field both changed.
fn keep_edit_on(
    checkout: &Checkout,
    id: &EntityId,
    base: &Snapshot,
    folder: &Snapshot,
    merged: &Snapshot,
) -> Result<(), AppError> {
    let only = |from: &Snapshot| {
        let mut one = Snapshot::default();
        if let Some(value) = from.value(id) {
            // Each side was decoded from a file, so it decodes again.
            let _ = one.insert_json(id, &value);
        }
        one
    };
    let rebased = sync_plan::plan(&only(base), &only(folder), &only(merged));
    let full = checkout.root.join(id.path());
    match rebased.merged().file(id) {
        Some(file) => write_atomic(&full, &file.bytes),
        None if full.exists() => {
            std::fs::remove_file(&full).map_err(|e| io_error("delete", &full, &e))
        }
        None => Ok(()),
    }
}

/// Whether the working folder's file holds exactly `bytes` (`None`: the file is absent).
fn holds(checkout: &Checkout, path: &str, bytes: Option<&Vec<u8>>) -> bool {
    std::fs::read(checkout.root.join(path)).ok().as_ref() == bytes
}

/// Moves the branch, the index and the folder to `target` when the project files already hold
/// its bytes: other files go through Git's safe checkout (which never overwrites an edit), the
/// project files are only recorded in the index. The index is written (a lock, then a rename)
/// before the branch moves, so a crash between the two leaves `target`'s project files staged,
/// equal to the folder, and the next sync finishes the move.
///
/// `keep` lists project files that hold the user's own content (held-back edits): the index
/// records `target`'s version of them, the folder keeps theirs.
pub(crate) fn adopt(checkout: &Checkout, target: Oid, keep: &[String]) -> Result<(), AppError> {
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
    // An edit made since the files were written is not recorded as `target`'s content: the
    // branch stays, the push is done, and the next sync settles.
    for path in entities.iter().filter(|p| !keep.contains(p)) {
        let bytes = match new_tree.get_path(Path::new(path)) {
            Ok(entry) => Some(repo.find_blob(entry.id())?.content().to_vec()),
            Err(_) => None,
        };
        if !holds(checkout, path, bytes.as_ref()) {
            return Err(AppError::new(
                ErrorCode::Retry,
                "A project file changed while syncing, so the working folder was left as it is; sync again to bring it up to date.",
            ));
        }
    }
    let mut index = repo.index()?;
    for path in &entities {
        match new_tree.get_path(Path::new(path)) {
            Ok(entry) if keep.contains(path) => index.add(&staged(path, &entry))?,
            Ok(_) => index.add_path(Path::new(path))?,
            Err(_) => index.remove_path(Path::new(path))?,
        }
    }
    index.write()?;
    let branch = format!("refs/heads/{}", checkout.branch);
    repo.reference(&branch, target, true, "flagdeck: sync")?;
    repo.set_head(&branch)?;
    Ok(())
}

/// An index entry for `target`'s blob at `path`, with no file stat (Git compares the content).
fn staged(path: &str, entry: &git2::TreeEntry<'_>) -> git2::IndexEntry {
    let zero = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: zero,
        mtime: zero,
        dev: 0,
        ino: 0,
        mode: u32::try_from(entry.filemode()).unwrap_or(0o100_644),
        uid: 0,
        gid: 0,
        file_size: 0,
        id: entry.id(),
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The checked-out branch (also in a new repository with no commit yet).
fn current_branch(repo: &git2::Repository) -> Result<String, AppError> {
    let head = repo.find_reference("HEAD")?;
    match head.symbolic_target() {
        Some(target) => Ok(target
            .strip_prefix("refs/heads/")
            .unwrap_or(DEFAULT_BRANCH)
            .to_owned()),
        None => Err(AppError::invalid(
            "HEAD is detached (no branch is checked out); check out the branch to sync, e.g. git switch main.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governed_edits_are_held_back_and_the_rest_goes() {
        let (mut head, _) = Snapshot::from_files(&flagdeck_core::example::example_project());
        let flag = EntityId::Flag("new-checkout".into());
        let mut folder = head.clone();
        let mut edited = folder.value(&flag).unwrap_or_default();
        edited["environments"]["production"]["enabled"] = serde_json::json!(false);
        edited["description"] = serde_json::json!("words");
        folder.insert_json(&flag, &edited).ok();
        // No policy: nothing waits.
        let (local, held) = hold_back(&head, &folder);
        assert!(held.is_empty());
        assert_eq!(local, folder);
        head.policy = serde_json::from_value(serde_json::json!({"rules": [{"name": "P",
            "when": {"environments": ["production"]},
            "require": {"approvals": 1, "from": ["owner"]}}]}))
        .ok();
        folder.policy = head.policy.clone();
        let (local, held) = hold_back(&head, &folder);
        assert_eq!(held, vec![flag.clone()]);
        assert!(local.same_entity(&head, &flag));
        // A description-only edit is not governed by a production rule.
        let mut words = head.value(&flag).unwrap_or_default();
        words["description"] = serde_json::json!("words");
        let mut folder = head.clone();
        folder.insert_json(&flag, &words).ok();
        let (local, held) = hold_back(&head, &folder);
        assert!(held.is_empty());
        assert!(local.same_entity(&folder, &flag));
    }

    #[test]
    fn only_entity_files_are_synced_as_entities() {
        assert!(is_entity_path("flagdeck.json"));
        assert!(is_entity_path("flags/a.json"));
        assert!(is_entity_path("segments/b.json"));
        assert!(is_entity_path("personas/qa-tester.json"));
        assert!(!is_entity_path("dist/production.flagd.json"));
        assert!(!is_entity_path("README.md"));
    }
}
