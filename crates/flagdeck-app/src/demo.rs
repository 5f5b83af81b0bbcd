//! The demo workspace (issue 5: "on first start an offer to open a demo workspace"): a Git
//! repository in the data folder (`demo/remote.git`, bare) seeded with the example project of
//! `flagdeck init --example` and its compiled `dist/`, cloned as the git workspace "Demo". It is
//! a real remote, so sync and publish work as they would against a team's server.
//!
//! Idempotent and crash-safe: the bare repository is built under a temporary name and renamed
//! into place whole, so `remote.git` is either complete or absent; a workspace record left
//! without a base by a killed clone is removed and made again (one with a base is whole: if its
//! clone went missing, its next sync clones again). Every call after the first
//! returns the same workspace, also after a restart.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use flagdeck_core::format::SourceFile;
use flagdeck_core::validate;
use flagdeck_store::Source;
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Repository, RepositoryInitOptions, Signature, Time};

use crate::error::{AppError, AppResult, ErrorCode};
use crate::project_dir::io_error;
use crate::{App, WorkspaceInfo, WorkspaceKindName};

/// The demo workspace's name.
pub const DEMO_NAME: &str = "Demo";

/// One demo being made at a time in this process: two quick clicks must not make two.
static DEMO_TURN: Mutex<()> = Mutex::new(());

const SEED_MESSAGE: &str = "The example project: a small web shop (flagdeck init --example)";

impl App {
    /// The demo workspace, made on the first call (see the module's documentation).
    pub fn open_demo(&self) -> AppResult<WorkspaceInfo> {
        let _turn = DEMO_TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = self.data_dir.join("demo");
        std::fs::create_dir_all(&folder)
            .map_err(|e| io_error("create the demo folder", &folder, &e))?;
        let folder = std::fs::canonicalize(&folder)
            .map_err(|e| io_error("open the demo folder", &folder, &e))?;
        let remote = folder.join("remote.git");
        let url = format!("file://{}", remote.display());
        for workspace in self.workspaces()? {
            if workspace.kind != WorkspaceKindName::Git
                || workspace.remote_url.as_deref() != Some(url.as_str())
            {
                continue;
            }
            // With a base it is whole: a clone removed since is made again by the next sync,
            // and its drafts are the user's work.
            if workspace.base_commit.is_some() {
                return Ok(workspace);
            }
            self.forget_half_made(&workspace)?;
        }
        ensure_seeded(&remote, self.now())?;
        self.create_git_workspace(DEMO_NAME, &url)
    }

    /// Removes a git workspace whose clone a killed process left unfinished: its record, and
    /// its clone folder if there is one.
    fn forget_half_made(&self, workspace: &WorkspaceInfo) -> AppResult<()> {
        let written = self.store().delete_workspace(workspace.id, Source::User)?;
        let clone = PathBuf::from(&workspace.location);
        if !workspace.location.is_empty()
            && clone.starts_with(self.data_dir.join("clones"))
            && clone.exists()
        {
            std::fs::remove_dir_all(&clone)
                .map_err(|e| io_error("delete the unfinished clone", &clone, &e))?;
        }
        self.emit(&written.events);
        Ok(())
    }
}

/// Makes `remote` a bare repository whose `main` holds the example project, unless it already
/// has a `main` (then it is kept as it is: the user may have published to it).
fn ensure_seeded(remote: &Path, now: i64) -> AppResult<()> {
    if has_main(remote) {
        return Ok(());
    }
    let building = remote.with_extension("git.building");
    for leftover in [&building, &remote.to_path_buf()] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)
                .map_err(|e| io_error("remove the unfinished demo repository", leftover, &e))?;
        }
    }
    seed(&building, &demo_files()?, now)?;
    std::fs::rename(&building, remote)
        .map_err(|e| io_error("put the demo repository in place", remote, &e))
}

fn has_main(remote: &Path) -> bool {
    Repository::open_bare(remote)
        .ok()
        .and_then(|repo| {
            let main = repo.find_reference("refs/heads/main").ok()?;
            main.peel_to_commit().ok().map(|commit| commit.id())
        })
        .is_some()
}

/// The example project with `dist/` built, as `flagdeck init --example` then `flagdeck build`
/// would leave it.
fn demo_files() -> AppResult<Vec<SourceFile>> {
    let mut files = flagdeck_core::example::example_project();
    let project = validate::check(&files).project.ok_or_else(|| {
        AppError::new(
            ErrorCode::Invalid,
            "The example project does not validate, so no demo was made.",
        )
    })?;
    files.extend(crate::dist::compiled(&project));
    Ok(files)
}

/// A new bare repository at `dir` whose `main` is one commit holding `files`.
fn seed(dir: &Path, files: &[SourceFile], now: i64) -> AppResult<()> {
    let mut options = RepositoryInitOptions::new();
    options.bare(true).initial_head("main");
    let repo = Repository::init_opts(dir, &options)?;
    let empty = repo.find_tree(repo.treebuilder(None)?.write()?)?;
    let mut update = TreeUpdateBuilder::new();
    for file in files {
        let blob = repo.blob(&file.bytes)?;
        update.upsert(&file.path, blob, FileMode::Blob);
    }
    let tree = repo.find_tree(update.create_updated(&repo, &empty)?)?;
    let author = Signature::new("Flagdeck", "demo@flagdeck.invalid", &Time::new(now, 0))?;
    repo.commit(
        Some("refs/heads/main"),
        &author,
        &author,
        SEED_MESSAGE,
        &tree,
        &[],
    )?;
    Ok(())
}
