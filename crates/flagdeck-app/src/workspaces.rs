//! Workspaces: where a project lives and how it syncs.
//! - **git**: the app keeps a bare clone of the remote in its data folder (`clones/<id>`); the
//!   user's edits live as drafts in the cache, never as files, so a crash cannot leave a
//!   half-written working folder;
//! - **folder**: a folder the user already has (often a checkout), watched for edits made in a
//!   text editor; its files are the user's side, the cache mirrors them;
//! - **local**: a new project in the data folder (`local/<id>`), not synced.

use std::path::{Path, PathBuf};

use flagdeck_core::format::SourceFile;
use flagdeck_core::sync_plan::Snapshot;
use flagdeck_core::validate::PROJECT_FILE;
use flagdeck_store::{NewWorkspace, Source, Store, Workspace, WorkspaceKind};
use flagdeck_sync::{
    Credentials, GitRepo, Secret, SecretStore, password_service, ssh_key_service,
    ssh_passphrase_service,
};
use serde::Serialize;

use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::ProgressReporter;
use crate::project_dir::{self, io_error};
use crate::snapshot::base_rows;

/// Who the app commits as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// The kind of a workspace, as the UI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum WorkspaceKindName {
    Git,
    Folder,
    Local,
}

/// A workspace as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInfo {
    pub id: i64,
    pub name: String,
    pub kind: WorkspaceKindName,
    /// The clone (git), the user's folder (folder) or the project folder (local).
    pub location: String,
    /// The remote, without any password (git workspaces).
    pub remote_url: Option<String>,
    /// The commit the base holds; `None` before the first sync.
    pub base_commit: Option<String>,
}

impl From<Workspace> for WorkspaceInfo {
    fn from(w: Workspace) -> Self {
        WorkspaceInfo {
            id: w.id,
            name: w.name,
            kind: match w.kind {
                WorkspaceKind::Git => WorkspaceKindName::Git,
                WorkspaceKind::Folder => WorkspaceKindName::Folder,
                WorkspaceKind::Local => WorkspaceKindName::Local,
            },
            location: w.location,
            remote_url: w.remote_url,
            base_commit: w.base_commit,
        }
    }
}

/// The base commit recorded for a folder that is not a Git checkout (or has no commit yet).
pub(crate) const FOLDER_BASE: &str = "folder";

impl App {
    /// Every workspace, oldest first.
    pub fn workspaces(&self) -> AppResult<Vec<WorkspaceInfo>> {
        Ok(self
            .store()
            .workspaces()?
            .into_iter()
            .map(WorkspaceInfo::from)
            .collect())
    }

    /// One workspace.
    pub fn workspace(&self, workspace_id: i64) -> AppResult<WorkspaceInfo> {
        let store = self.store();
        Ok(self.workspace_record(&store, workspace_id)?.into())
    }

    pub(crate) fn workspace_record(
        &self,
        store: &Store,
        workspace_id: i64,
    ) -> AppResult<Workspace> {
        store.workspace(workspace_id)?.ok_or_else(|| {
            AppError::not_found(format!("There is no workspace number {workspace_id}."))
        })
    }

    /// Adds a workspace synced with the Git remote at `url` (`file://`, `https://`, `ssh://`;
    /// put the user name in the URL, e.g. `https://alice@example.com/flags.git`, and store its
    /// password or token with [`App::save_git_password`] first). Clones it into the data folder
    /// and takes the remote's project as the base.
    pub fn create_git_workspace(&self, name: &str, url: &str) -> AppResult<WorkspaceInfo> {
        let name = workspace_name(name)?;
        let written = self.store().create_workspace(
            &NewWorkspace {
                name: name.clone(),
                kind: WorkspaceKind::Git,
                location: String::new(),
                remote_url: Some(url.to_owned()),
            },
            Source::User,
            self.now(),
        )?;
        let id = written.value.id;
        let location = self.clone_dir(id);
        let result = self.clone_into(url, &location, 0).and_then(|()| {
            let updated = self.store().update_workspace(
                id,
                &NewWorkspace {
                    name: name.clone(),
                    kind: WorkspaceKind::Git,
                    location: location.display().to_string(),
                    remote_url: Some(url.to_owned()),
                },
                Source::User,
            )?;
            self.emit(&updated.events);
            self.pull_base(id)
        });
        if let Err(error) = result {
            // Leave nothing half-made behind: the clone and the record go together.
            let _ = std::fs::remove_dir_all(&location); // ok: best effort, the error says why
            let _ = self.store().delete_workspace(id, Source::User);
            return Err(error);
        }
        self.emit(&written.events);
        self.workspace(id)
    }

    /// Where the app keeps a git workspace's clone.
    pub(crate) fn clone_dir(&self, workspace_id: i64) -> PathBuf {
        self.data_dir.join("clones").join(workspace_id.to_string())
    }

    /// Clones `url` bare into `location` (replacing a clone a crash left half-made), sending
    /// progress events for the workspace `announced_id` (0 while the UI does not know it yet).
    pub(crate) fn clone_into(
        &self,
        url: &str,
        location: &Path,
        announced_id: i64,
    ) -> AppResult<()> {
        if location.exists() {
            std::fs::remove_dir_all(location)
                .map_err(|e| io_error("replace the unfinished clone", location, &e))?;
        }
        let parent = location.parent().unwrap_or(location);
        std::fs::create_dir_all(parent).map_err(|e| io_error("create the folder", parent, &e))?;
        let mut progress = ProgressReporter::new(self.events.clone(), announced_id, "clone");
        progress.report(0, 0, "Connecting to the remote");
        let credentials = self.credentials_for(url)?;
        GitRepo::clone_bare_with_progress(url, location, &credentials, &mut |stats| {
            progress.transfer(stats);
        })?;
        progress.finish("Cloned");
        Ok(())
    }

    /// Makes the remote head the base of a workspace that has none yet (a new git workspace).
    fn pull_base(&self, workspace_id: i64) -> AppResult<()> {
        let report = self.sync(workspace_id, &crate::sync::SyncOptions::default())?;
        match report.result {
            crate::SyncResult::Unreadable => {
                let first = report
                    .diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .map(|d| format!(" First: {}: {}", d.file, d.message))
                    .unwrap_or_default();
                Err(AppError::new(
                    ErrorCode::Unreadable,
                    format!(
                        "The remote's project has files that cannot be read, so no workspace was made; fix them on the remote first.{first}"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Adds a folder the user already has (it must hold `flagdeck.json`). Its files are the
    /// user's side: if it is a Git checkout, its HEAD is the base and `flagdeck sync` syncs it;
    /// edits made in a text editor appear in the app (see [`App::watch`]).
    pub fn open_folder_workspace(&self, name: &str, folder: &Path) -> AppResult<WorkspaceInfo> {
        let name = workspace_name(name)?;
        let folder = std::fs::canonicalize(folder).map_err(|e| io_error("open", folder, &e))?;
        if !folder.join(PROJECT_FILE).is_file() {
            return Err(AppError::invalid(format!(
                "{} holds no {PROJECT_FILE}, so it is not a Flagdeck project; choose the project's top folder, or start a new project instead.",
                folder.display()
            ))
            .with_field("folder"));
        }
        self.add_folder_workspace(&name, WorkspaceKind::Folder, &folder)
    }

    /// Starts a new local project in the data folder: the example project, or an empty one
    /// with a development and a production environment.
    pub fn create_local_workspace(&self, name: &str, example: bool) -> AppResult<WorkspaceInfo> {
        let name = workspace_name(name)?;
        let folder = self
            .data_dir
            .join("local")
            .join(format!("{}-{}", slug(&name), self.now()));
        let files = if example {
            flagdeck_core::example::example_project()
        } else {
            vec![SourceFile::new(PROJECT_FILE, empty_project(&name))]
        };
        for file in &files {
            project_dir::write_atomic(&folder.join(&file.path), &file.bytes)?;
        }
        self.add_folder_workspace(&name, WorkspaceKind::Local, &folder)
    }

    fn add_folder_workspace(
        &self,
        name: &str,
        kind: WorkspaceKind,
        folder: &Path,
    ) -> AppResult<WorkspaceInfo> {
        let (commit, base) = folder_base(folder)?;
        let written = {
            let mut store = self.store();
            let created = store.create_workspace(
                &NewWorkspace {
                    name: name.to_owned(),
                    kind,
                    location: folder.display().to_string(),
                    remote_url: None,
                },
                Source::User,
                self.now(),
            )?;
            let id = created.value.id;
            let based = store.replace_base(id, &commit, &base_rows(&base), Source::Import)?;
            let mut events = created.events;
            events.extend(based.events);
            (id, events)
        };
        let (id, events) = written;
        self.emit(&events);
        self.remember_base(id, &commit, base);
        self.refresh_folder(id, None, Source::Import)?;
        self.workspace(id)
    }

    /// Removes a workspace from the app: its cache rows and, for a git workspace, the app's
    /// clone. A folder the user chose is never deleted.
    pub fn remove_workspace(&self, workspace_id: i64) -> AppResult<()> {
        let workspace = {
            let store = self.store();
            self.workspace_record(&store, workspace_id)?
        };
        self.unwatch(workspace_id);
        self.preview.forget(workspace_id);
        let written = self.store().delete_workspace(workspace_id, Source::User)?;
        if workspace.kind == WorkspaceKind::Git && !workspace.location.is_empty() {
            let clone = PathBuf::from(&workspace.location);
            if clone.starts_with(self.data_dir.join("clones")) {
                std::fs::remove_dir_all(&clone)
                    .map_err(|e| io_error("delete the clone", &clone, &e))?;
            }
        }
        self.emit(&written.events);
        Ok(())
    }

    /// Stores the password or token for `username` at the remote `url` in the secret store
    /// (the OS keyring), never in the cache or a file.
    pub fn save_git_password(&self, url: &str, username: &str, password: &str) -> AppResult<()> {
        self.secrets
            .set(&password_service(url), username, &Secret::new(password))?;
        Ok(())
    }

    /// Stores the private key (PEM or OpenSSH text) for `username` at the ssh remote `url`,
    /// and its passphrase if it has one, in the secret store.
    pub fn save_ssh_key(
        &self,
        url: &str,
        username: &str,
        private_key: &str,
        passphrase: Option<&str>,
    ) -> AppResult<()> {
        self.secrets
            .set(&ssh_key_service(url), username, &Secret::new(private_key))?;
        match passphrase {
            Some(p) => self
                .secrets
                .set(&ssh_passphrase_service(url), username, &Secret::new(p))?,
            None => self
                .secrets
                .delete(&ssh_passphrase_service(url), username)?,
        }
        Ok(())
    }

    /// The credentials for `url`: what the secret store holds for the user name in the URL.
    pub(crate) fn credentials_for(&self, url: &str) -> AppResult<Credentials> {
        credentials_for_url(self.secrets.as_ref(), url)
    }
}

/// The credentials for a remote: what `secrets` holds for the user name in its URL (none for a
/// URL without one, so `file://` remotes never touch the keyring).
pub fn credentials_for_url(secrets: &dyn SecretStore, url: &str) -> AppResult<Credentials> {
    let Some(username) = url_username(url) else {
        return Ok(Credentials::None);
    };
    Ok(Credentials::for_url(secrets, url, &username)?)
}

/// `https://alice@host/x` → `alice`; `git@host:org/x.git` (scp-like ssh) → `git`.
pub fn url_username(url: &str) -> Option<String> {
    let authority = match url.split_once("://") {
        Some((_, rest)) => rest.split('/').next()?,
        None => url.split(':').next()?,
    };
    let (user, _) = authority.rsplit_once('@')?;
    let user = user.split(':').next()?;
    (!user.is_empty()).then(|| user.to_owned())
}

/// The base of a folder: its HEAD if it is a Git checkout with a commit, else its files now.
fn folder_base(folder: &Path) -> AppResult<(String, Snapshot)> {
    if let Ok(repo) = GitRepo::open(folder)
        && let Some(head) = repo.head_commit()
    {
        let files: Vec<SourceFile> = repo
            .read_files(head)?
            .into_iter()
            .filter(|f| !f.path.starts_with("dist/"))
            .collect();
        let (snapshot, _) = Snapshot::from_files(&files);
        return Ok((head.to_string(), snapshot));
    }
    let (files, _) = project_dir::read(folder)?;
    let (snapshot, _) = Snapshot::from_files(&files);
    Ok((FOLDER_BASE.to_owned(), snapshot))
}

fn workspace_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(
            AppError::invalid("A workspace needs a name of 1 to 100 characters.")
                .with_field("name"),
        );
    }
    Ok(name.to_owned())
}

/// A folder name from a workspace name: lowercase letters and digits, '-' between words.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "project".to_owned()
    } else {
        words.join("-")
    }
}

fn empty_project(name: &str) -> String {
    let project = serde_json::json!({
        "format": 1,
        "name": name,
        "bucketBy": "targetingKey",
        "environments": [
            {"key": "development", "name": "Development"},
            {"key": "production", "name": "Production"}
        ],
        "attributes": [{"key": "targetingKey", "type": "string"}]
    });
    match flagdeck_core::format::parse::<flagdeck_core::model::ProjectFile>(
        PROJECT_FILE,
        project.to_string().as_bytes(),
    ) {
        Ok(model) => flagdeck_core::format::to_canonical_json(&model),
        Err(_) => project.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_user_names_and_services_leave_out_secrets() {
        assert_eq!(
            url_username("https://alice@example.com/flags.git").as_deref(),
            Some("alice")
        );
        assert_eq!(
            url_username("https://alice:pw@example.com/flags.git").as_deref(),
            Some("alice")
        );
        assert_eq!(url_username("file:///tmp/x.git"), None);
        assert_eq!(
            url_username("git@example.com:org/flags.git").as_deref(),
            Some("git")
        );
        assert_eq!(
            url_username("ssh://git@example.com/org/flags.git").as_deref(),
            Some("git")
        );
    }

    #[test]
    fn folder_names_are_slugs() {
        assert_eq!(slug("Acme web!"), "acme-web");
        assert_eq!(slug("../.."), "project");
    }
}
