//! A workspace's own Git checkout: clone, fetch, read a commit's project files, commit on top of
//! the remote head, push, and bring the working folder up to date.
//!
//! Invariants: nothing here ever prompts (credentials come only from [`Credentials`], tried once);
//! only paths of the project format (see [`is_format_path`]) are read, written or deleted;
//! a commit is made on top of the parent the caller names, never on whatever the checkout holds.

use std::cell::{Cell, RefCell};
use std::path::Path;

use flagdeck_core::format::SourceFile;
use git2::build::{CheckoutBuilder, RepoBuilder, TreeUpdateBuilder};
use git2::{
    AutotagOption, CheckoutNotificationType, Cred, CredentialType, ErrorClass, ErrorCode,
    FetchOptions, FetchPrune, FileMode, ObjectType, Oid, PushOptions, RemoteCallbacks, Repository,
    Signature, Time, Tree,
};

use crate::error::SyncError;
use crate::secret::{Secret, SecretError, SecretStore};

/// The remote every workspace checkout syncs with.
pub const REMOTE: &str = "origin";

/// The local ref a push sends from, so pushing never moves the checked-out branch.
const OUTGOING_REF: &str = "refs/flagdeck/outgoing";

/// How to answer a remote that asks who we are. Never a terminal prompt.
#[derive(Debug, Clone, Default)]
pub enum Credentials {
    /// Send nothing: right for `file://` remotes and public ones.
    #[default]
    None,
    /// A user name and a password or token (for `https://` remotes).
    UserPassword { username: String, password: Secret },
    /// A private key (OpenSSH or PEM text) and its passphrase, if it has one (for `ssh://` and
    /// `user@host:path` remotes). The user name is the URL's own (`git@…`) when it names one.
    SshKey {
        username: String,
        private_key: Secret,
        passphrase: Option<Secret>,
    },
}

/// How a remote URL is reached, which decides what credentials it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `file://` or a plain path: no credentials.
    Local,
    /// `https://` (or `http://`): a user name and a password or token.
    Http,
    /// `ssh://` or the scp-like `user@host:path`: a private key.
    Ssh,
    /// Anything else (`git://`): no credentials.
    Other,
}

impl Transport {
    /// The transport of `url`, by its scheme.
    pub fn of_url(url: &str) -> Self {
        if let Some((scheme, _)) = url.split_once("://") {
            return match scheme.to_ascii_lowercase().as_str() {
                "file" => Transport::Local,
                "https" | "http" => Transport::Http,
                "ssh" | "git+ssh" | "ssh+git" => Transport::Ssh,
                _ => Transport::Other,
            };
        }
        // scp-like syntax: a colon before the first slash, and more than a drive letter
        // (`C:\flags` and `C:/flags` are Windows paths).
        match url.find(':') {
            Some(colon) if colon > 1 && url.get(..colon).is_some_and(|h| !h.contains('/')) => {
                Transport::Ssh
            }
            _ => Transport::Local,
        }
    }
}

/// The keyring service that holds the password or token for an `https://` remote:
/// `flagdeck:git:<url>`, the URL without any `user:password@` part. The account is the user name.
pub fn password_service(url: &str) -> String {
    format!("flagdeck:git:{}", without_userinfo(url))
}

/// The keyring service that holds the private key for an ssh remote:
/// `flagdeck:git-ssh-key:<url>` (URL as in [`password_service`]). The account is the user name.
pub fn ssh_key_service(url: &str) -> String {
    format!("flagdeck:git-ssh-key:{}", without_userinfo(url))
}

/// The keyring service that holds the passphrase of the private key for an ssh remote, if the
/// key has one: `flagdeck:git-ssh-passphrase:<url>`. The account is the user name.
pub fn ssh_passphrase_service(url: &str) -> String {
    format!("flagdeck:git-ssh-passphrase:{}", without_userinfo(url))
}

impl Credentials {
    /// The stored password or token of `username` under `service`, or [`Credentials::None`]
    /// when the store holds none.
    pub fn from_store(
        store: &dyn SecretStore,
        service: &str,
        username: &str,
    ) -> Result<Self, SecretError> {
        Ok(match store.get(service, username)? {
            Some(password) => Credentials::UserPassword {
                username: username.to_owned(),
                password,
            },
            None => Credentials::None,
        })
    }

    /// The stored credentials of `username` for the remote `url`, picked by its [`Transport`]:
    /// for `https://` the password or token under [`password_service`]; for ssh the private key
    /// under [`ssh_key_service`] and its passphrase, if any, under [`ssh_passphrase_service`];
    /// nothing for local remotes. [`Credentials::None`] when the store holds nothing.
    pub fn for_url(
        store: &dyn SecretStore,
        url: &str,
        username: &str,
    ) -> Result<Self, SecretError> {
        match Transport::of_url(url) {
            Transport::Http => Self::from_store(store, &password_service(url), username),
            Transport::Ssh => {
                let Some(private_key) = store.get(&ssh_key_service(url), username)? else {
                    return Ok(Credentials::None);
                };
                Ok(Credentials::SshKey {
                    username: username.to_owned(),
                    private_key,
                    passphrase: store.get(&ssh_passphrase_service(url), username)?,
                })
            }
            Transport::Local | Transport::Other => Ok(Credentials::None),
        }
    }

    /// The user name these credentials log in as, if they name one.
    fn username(&self) -> Option<&str> {
        match self {
            Credentials::None => None,
            Credentials::UserPassword { username, .. } | Credentials::SshKey { username, .. } => {
                Some(username)
            }
        }
    }
}

/// Who a commit is by, and when (time is a parameter, never read from the clock here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
    /// Seconds since the Unix epoch, UTC.
    pub unix_seconds: i64,
}

impl Author {
    fn signature(&self) -> Result<Signature<'static>, SyncError> {
        Ok(Signature::new(
            &self.name,
            &self.email,
            &Time::new(self.unix_seconds, 0),
        )?)
    }
}

/// What a fetch found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOutcome {
    /// The remote branch's commit; `None` when the remote has no such branch yet (a new, empty
    /// repository), in which case the first commit has no parent.
    pub remote_head: Option<Oid>,
    /// The remote branch's commit as known before this fetch.
    pub previous_head: Option<Oid>,
}

impl FetchOutcome {
    /// Whether someone pushed since the last fetch or push.
    pub fn changed(&self) -> bool {
        self.remote_head != self.previous_head
    }
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    /// The remote branch now points at the commit.
    Pushed,
    /// Not a fast-forward: someone pushed first. Fetch, plan again on top of the new head, retry.
    Rejected,
}

/// Why the credentials callback gave up, so a transport error can be told apart from a
/// credential problem.
#[derive(Debug, Clone, Copy)]
enum AuthFailure {
    Missing,
    Rejected,
}

/// The state of the credentials callback during one network operation.
#[derive(Debug, Default)]
struct AuthAttempt {
    /// The ssh transport's first question, the user name alone, was answered.
    username_given: Cell<bool>,
    /// The one answer with a secret was given.
    tried: Cell<bool>,
    failure: Cell<Option<AuthFailure>>,
}

/// What a remote answered when asked for its branches ([`probe_remote`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteProbe {
    /// The remote's default branch (what its `HEAD` names), if it has one.
    pub default_branch: Option<String>,
    /// That branch's commit; `None` for an empty repository.
    pub head: Option<Oid>,
}

/// Connects to `url` with `credentials` and lists its branches, like `git ls-remote`: nothing is
/// downloaded or written. Errors are the ones a fetch gives (offline, credentials refused, ...).
pub fn probe_remote(url: &str, credentials: &Credentials) -> Result<RemoteProbe, SyncError> {
    let auth = AuthAttempt::default();
    let mut remote = git2::Remote::create_detached(url)?;
    let connection = remote
        .connect_auth(
            git2::Direction::Fetch,
            Some(callbacks(credentials, &auth)),
            None,
        )
        .map_err(|err| network_error(url, &auth, err))?;
    let heads = connection
        .list()
        .map_err(|err| network_error(url, &auth, err))?;
    let branches: Vec<(String, Oid)> = heads
        .iter()
        .filter_map(|h| {
            let branch = h.name().strip_prefix("refs/heads/")?;
            Some((branch.to_owned(), h.oid()))
        })
        .collect();
    let advertised = heads.iter().find(|h| h.name() == "HEAD");
    // The branch HEAD names; without the symref capability, the branch at HEAD's commit.
    let default_branch = advertised
        .and_then(|h| h.symref_target())
        .and_then(|target| target.strip_prefix("refs/heads/"))
        .map(str::to_owned)
        .or_else(|| {
            let oid = advertised?.oid();
            branches
                .iter()
                .find(|(_, o)| *o == oid)
                .map(|(b, _)| b.clone())
        })
        .or_else(|| branches.first().map(|(b, _)| b.clone()));
    let head = default_branch
        .as_ref()
        .and_then(|d| branches.iter().find(|(b, _)| b == d))
        .map(|(_, oid)| *oid);
    Ok(RemoteProbe {
        default_branch,
        head,
    })
}

/// A workspace checkout with a working folder.
pub struct GitRepo {
    repo: Repository,
    credentials: Credentials,
}

impl std::fmt::Debug for GitRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitRepo")
            .field("path", &self.repo.path())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// How far a clone's download has come, as libgit2 reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferProgress {
    pub received_objects: usize,
    /// The objects the remote announced; 0 until it has.
    pub total_objects: usize,
    pub received_bytes: usize,
}

impl GitRepo {
    /// Clones `url` into `dir` (which must not exist or be empty) and checks out the remote's
    /// default branch, if it has one.
    pub fn clone(url: &str, dir: &Path, credentials: &Credentials) -> Result<Self, SyncError> {
        Self::clone_as(url, dir, credentials, false, None)
    }

    /// Clones `url` into `dir` as a bare repository: the app's own copy of a workspace's remote,
    /// with no working folder. Nothing but Git objects and refs is ever written there, so a crash
    /// can leave at most a stale lock file (see [`GitRepo::clear_stale_locks`]), never a
    /// half-written working folder.
    pub fn clone_bare(url: &str, dir: &Path, credentials: &Credentials) -> Result<Self, SyncError> {
        Self::clone_bare_with_progress(url, dir, credentials, &mut |_| {})
    }

    /// [`GitRepo::clone_bare`], telling `progress` how far the download has come each time
    /// libgit2 reports it (often: throttle before showing it).
    pub fn clone_bare_with_progress(
        url: &str,
        dir: &Path,
        credentials: &Credentials,
        progress: &mut dyn FnMut(TransferProgress),
    ) -> Result<Self, SyncError> {
        let cloned = Self::clone_as(url, dir, credentials, true, Some(progress))?;
        // A bare clone maps the remote's branches onto local ones; a sync reads the remote's
        // side from the remote-tracking refs instead, like a normal clone.
        cloned
            .repo
            .remote_add_fetch(REMOTE, "+refs/heads/*:refs/remotes/origin/*")?;
        Ok(cloned)
    }

    fn clone_as(
        url: &str,
        dir: &Path,
        credentials: &Credentials,
        bare: bool,
        progress: Option<&mut dyn FnMut(TransferProgress)>,
    ) -> Result<Self, SyncError> {
        let auth = AuthAttempt::default();
        let mut remote_callbacks = callbacks(credentials, &auth);
        if let Some(progress) = progress {
            remote_callbacks.transfer_progress(move |stats| {
                progress(TransferProgress {
                    received_objects: stats.received_objects(),
                    total_objects: stats.total_objects(),
                    received_bytes: stats.received_bytes(),
                });
                true
            });
        }
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(remote_callbacks)
            .download_tags(AutotagOption::None);
        let repo = RepoBuilder::new()
            .bare(bare)
            .fetch_options(options)
            .clone(url, dir)
            .map_err(|err| network_error(url, &auth, err))?;
        Ok(Self {
            repo,
            credentials: credentials.clone(),
        })
    }

    /// Opens a bare repository made by [`GitRepo::clone_bare`].
    pub fn open_bare(dir: &Path) -> Result<Self, SyncError> {
        let repo = Repository::open_bare(dir).map_err(|err| SyncError::NotARepository {
            path: dir.display().to_string(),
            detail: sentence(&err),
        })?;
        Ok(Self {
            repo,
            credentials: Credentials::None,
        })
    }

    /// The branch HEAD names (the remote's default branch in a fresh clone), even before the
    /// first commit; `None` when HEAD is detached.
    pub fn head_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("HEAD").ok()?;
        head.symbolic_target()?
            .strip_prefix("refs/heads/")
            .map(str::to_owned)
    }

    /// The commit HEAD points to; `None` in a repository with no commit yet.
    pub fn head_commit(&self) -> Option<Oid> {
        self.repo
            .head()
            .ok()
            .and_then(|head| head.peel_to_commit().ok())
            .map(|commit| commit.id())
    }

    /// Opens an existing checkout. Fetch and push send no credentials until
    /// [`GitRepo::with_credentials`] gives some.
    pub fn open(dir: &Path) -> Result<Self, SyncError> {
        let not_a_repository = |detail: String| SyncError::NotARepository {
            path: dir.display().to_string(),
            detail,
        };
        let repo = Repository::open(dir).map_err(|err| not_a_repository(sentence(&err)))?;
        if repo.workdir().is_none() {
            return Err(not_a_repository("it has no working folder".to_owned()));
        }
        Ok(Self {
            repo,
            credentials: Credentials::None,
        })
    }

    /// The same checkout, answering the remote with `credentials` from now on.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The underlying repository, for this crate's other modules.
    pub(crate) fn repository(&self) -> &Repository {
        &self.repo
    }

    /// The working folder.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// Fetches `branch` from [`REMOTE`] and says where it now points.
    pub fn fetch(&self, branch: &str) -> Result<FetchOutcome, SyncError> {
        let tracking = tracking_ref(branch)?;
        let previous_head = self.remote_head(branch)?;
        let mut remote = self.repo.find_remote(REMOTE)?;
        let url = remote.url().unwrap_or(REMOTE).to_owned();
        let auth = AuthAttempt::default();
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(callbacks(&self.credentials, &auth))
            .download_tags(AutotagOption::None)
            // A branch deleted on the remote must not linger as a stale remote head.
            .prune(FetchPrune::On);
        let refspec = format!("+refs/heads/{branch}:{tracking}");
        remote
            .fetch(&[refspec.as_str()], Some(&mut options), None)
            .map_err(|err| network_error(&url, &auth, err))?;
        Ok(FetchOutcome {
            remote_head: self.remote_head(branch)?,
            previous_head,
        })
    }

    /// The remote branch's commit as of the last fetch or push, without contacting the remote.
    pub fn remote_head(&self, branch: &str) -> Result<Option<Oid>, SyncError> {
        let tracking = tracking_ref(branch)?;
        match self.repo.refname_to_id(&tracking) {
            Ok(oid) => Ok(Some(oid)),
            Err(err) if err.code() == ErrorCode::NotFound => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// The project files of a commit (exactly the paths [`is_format_path`] accepts, regular
    /// files only), sorted by path.
    pub fn read_files(&self, commit: Oid) -> Result<Vec<SourceFile>, SyncError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let mut files = Vec::new();
        self.collect_files(&tree, "", &mut files)?;
        for dir in ["flags", "segments", "personas", "people", "changes", "dist"] {
            let Some(entry) = tree.get_name(dir) else {
                continue;
            };
            if entry.kind() == Some(ObjectType::Tree) {
                let subtree = self.repo.find_tree(entry.id())?;
                self.collect_files(&subtree, dir, &mut files)?;
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Adds the format files directly inside `tree` (which sits at `prefix`) to `files`.
    fn collect_files(
        &self,
        tree: &Tree<'_>,
        prefix: &str,
        files: &mut Vec<SourceFile>,
    ) -> Result<(), SyncError> {
        for entry in tree.iter() {
            let Some(name) = entry.name() else { continue };
            let path = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}/{name}")
            };
            // Symlinks and submodules are not project files even under a format path.
            let regular = entry.filemode() == i32::from(FileMode::Blob)
                || entry.filemode() == i32::from(FileMode::BlobExecutable);
            if regular && is_format_path(&path) {
                let blob = self.repo.find_blob(entry.id())?;
                files.push(SourceFile::new(path, blob.content()));
            }
        }
        Ok(())
    }

    /// Makes a commit on top of `parent` (the remote head; `None` for the first commit of an
    /// empty remote) that writes `writes` and deletes `deletes`, leaving every other file of the
    /// parent as it is. Moves no branch and leaves the working folder alone: push it, then
    /// [`GitRepo::checkout_head_to_workdir`].
    ///
    /// A path both written and deleted is written; deleting a file that is not there is not an
    /// error. Every path must be a format path, or nothing is done.
    pub fn commit_files(
        &self,
        parent: Option<Oid>,
        writes: &[SourceFile],
        deletes: &[String],
        message: &str,
        author: &Author,
    ) -> Result<Oid, SyncError> {
        let paths = writes.iter().map(|f| f.path.as_str());
        if let Some(path) = paths
            .chain(deletes.iter().map(String::as_str))
            .find(|p| !is_format_path(p))
        {
            return Err(SyncError::PathOutsideFormat {
                path: path.to_owned(),
            });
        }
        let parent = parent.map(|oid| self.repo.find_commit(oid)).transpose()?;
        let baseline = match &parent {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut update = TreeUpdateBuilder::new();
        for path in deletes {
            let written = writes.iter().any(|f| &f.path == path);
            if !written && baseline.get_path(Path::new(path)).is_ok() {
                update.remove(path);
            }
        }
        for file in writes {
            let blob = self.repo.blob(&file.bytes)?;
            update.upsert(&file.path, blob, FileMode::Blob);
        }
        let tree = self
            .repo
            .find_tree(update.create_updated(&self.repo, &baseline)?)?;
        let signature = author.signature()?;
        let parents: Vec<_> = parent.iter().collect();
        Ok(self
            .repo
            .commit(None, &signature, &signature, message, &tree, &parents)?)
    }

    /// Pushes `commit` to `branch` on [`REMOTE`], never forcing. On success the remote head
    /// ([`GitRepo::remote_head`]) is `commit`.
    ///
    /// The fast-forward check is libgit2's, against the remote refs it lists on connecting;
    /// `http(s)://` and `ssh://` servers check again atomically, but libgit2's `file://`
    /// transport writes the ref without that second check, so two pushes to a local folder within
    /// the same few milliseconds can still race.
    pub fn push(&self, branch: &str, commit: Oid) -> Result<PushOutcome, SyncError> {
        let target = tracking_ref(branch).map(|_| format!("refs/heads/{branch}"))?;
        self.repo
            .reference(OUTGOING_REF, commit, true, "flagdeck: commit to push")?;
        let mut remote = self.repo.find_remote(REMOTE)?;
        let url = remote.url().unwrap_or(REMOTE).to_owned();
        let auth = AuthAttempt::default();
        let refused: RefCell<Option<String>> = RefCell::new(None);
        let mut callbacks = callbacks(&self.credentials, &auth);
        callbacks.push_update_reference(|_refname, status| {
            if let Some(message) = status {
                *refused.borrow_mut() = Some(message.to_owned());
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        let refspec = format!("{OUTGOING_REF}:{target}");
        let result = remote.push(&[refspec.as_str()], Some(&mut options));
        drop(options);
        self.forget_outgoing();
        match result {
            // The remote said no to the update itself (it moved between our check and the
            // write, or a hook refused): treat it as someone having pushed first.
            Ok(()) if refused.borrow().is_some() => Ok(PushOutcome::Rejected),
            Ok(()) => Ok(PushOutcome::Pushed),
            // libgit2 checks fast-forward itself against the remote's refs before sending.
            Err(err) if err.code() == ErrorCode::NotFastForward => Ok(PushOutcome::Rejected),
            Err(err) => Err(network_error(&url, &auth, err)),
        }
    }

    /// Removes the outgoing ref; only a leftover if this fails, and the next push overwrites it.
    fn forget_outgoing(&self) {
        if let Ok(mut reference) = self.repo.find_reference(OUTGOING_REF) {
            let _ = reference.delete(); // ok: a stale outgoing ref is harmless
        }
    }

    /// Brings the working folder and the local `branch` to the remote head (as of the last
    /// fetch or push), and returns that commit. Safe: a file changed in the folder since the last
    /// update is never overwritten; then nothing is changed and the error names the files.
    pub fn checkout_head_to_workdir(&self, branch: &str) -> Result<Oid, SyncError> {
        let local = tracking_ref(branch).map(|_| format!("refs/heads/{branch}"))?;
        let target = self
            .remote_head(branch)?
            .ok_or_else(|| SyncError::BranchNotFetched {
                branch: branch.to_owned(),
            })?;
        let commit = self.repo.find_commit(target)?;
        let conflicts = RefCell::new(Vec::new());
        let mut checkout = CheckoutBuilder::new();
        // The baseline is the current HEAD's tree: what the folder held after the last update.
        checkout
            .safe()
            .notify_on(CheckoutNotificationType::CONFLICT)
            .notify(|_, path, _, _, _| {
                if let Some(path) = path {
                    conflicts.borrow_mut().push(path.display().to_string());
                }
                true
            });
        let result = self
            .repo
            .checkout_tree(commit.as_object(), Some(&mut checkout));
        drop(checkout);
        match result {
            Ok(()) => {}
            Err(err) if err.code() == ErrorCode::Conflict => {
                return Err(SyncError::WorkdirChanged {
                    paths: conflicts.into_inner(),
                });
            }
            Err(err) => return Err(err.into()),
        }
        self.repo
            .reference(&local, target, true, "flagdeck: update to the remote head")?;
        self.repo.set_head(&local)?;
        Ok(target)
    }
}

/// Whether `path` is a file of the project format (DESIGN §3, §6): `flagdeck.json`,
/// `policy.json`, `flags/<name>.json`, `segments/<name>.json`, `personas/<name>.json`,
/// `people/<name>.json`,
/// `changes/<name>.json` or `dist/<name>`, one level deep, with a name that does not start with
/// a dot and holds no backslash or NUL.
pub fn is_format_path(path: &str) -> bool {
    if path == "flagdeck.json" || path == "policy.json" {
        return true;
    }
    let Some((dir, name)) = path.split_once('/') else {
        return false;
    };
    let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']);
    match dir {
        "flags" | "segments" | "personas" | "people" | "changes" => {
            plain && name.len() > ".json".len() && name.ends_with(".json")
        }
        "dist" => plain,
        _ => false,
    }
}

/// The remote-tracking ref of `branch`, or an error when the name is not a valid branch.
fn tracking_ref(branch: &str) -> Result<String, SyncError> {
    let invalid = || SyncError::InvalidBranch {
        branch: branch.to_owned(),
    };
    // `*` is valid in a refspec pattern but never in a branch we sync; Git refuses branch names
    // starting with `-` (they read as options), though libgit2 accepts them as refs.
    if branch.contains('*')
        || branch.starts_with('-')
        || !git2::Reference::is_valid_name(&format!("refs/heads/{branch}"))
    {
        return Err(invalid());
    }
    Ok(format!("refs/remotes/{REMOTE}/{branch}"))
}

/// Callbacks that answer a credentials request from `credentials`, once.
fn callbacks<'a>(credentials: &'a Credentials, auth: &'a AuthAttempt) -> RemoteCallbacks<'a> {
    let mut callbacks = RemoteCallbacks::new();
    callbacks.credentials(move |_url, username_from_url, allowed| {
        answer_credentials(credentials, auth, username_from_url, allowed)
    });
    callbacks
}

/// libgit2 calls the credentials callback again after a refusal, without end: the second call
/// means the first answer was refused, so it fails instead of looping. Only the ssh transport's
/// question for the user name alone (asked before the real one when the URL names no user) does
/// not count as the one answer.
fn answer_credentials(
    credentials: &Credentials,
    auth: &AuthAttempt,
    username_from_url: Option<&str>,
    allowed: CredentialType,
) -> Result<Cred, git2::Error> {
    let missing = || {
        auth.failure.set(Some(AuthFailure::Missing));
        Err(git2::Error::from_str(
            "no stored credentials for the remote",
        ))
    };
    let refused = || {
        auth.failure.set(Some(AuthFailure::Rejected));
        Err(git2::Error::from_str("the remote refused the credentials"))
    };
    if allowed == CredentialType::USERNAME {
        let username = username_from_url.or(credentials.username());
        return match username {
            Some(_) if auth.username_given.replace(true) => refused(),
            Some(username) => Cred::username(username),
            None => missing(),
        };
    }
    if auth.tried.replace(true) {
        return refused();
    }
    match credentials {
        Credentials::UserPassword { username, password }
            if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) =>
        {
            Cred::userpass_plaintext(username, password.expose())
        }
        Credentials::SshKey {
            username,
            private_key,
            passphrase,
        } if allowed.intersects(CredentialType::SSH_MEMORY | CredentialType::SSH_KEY) => {
            Cred::ssh_key_from_memory(
                username_from_url.unwrap_or(username),
                None,
                private_key.expose(),
                passphrase.as_ref().map(Secret::expose),
            )
        }
        _ => missing(),
    }
}

/// Turns the error of a network operation into the sentence the app shows.
fn network_error(url: &str, auth: &AuthAttempt, err: git2::Error) -> SyncError {
    let url = without_userinfo(url);
    match auth.failure.get() {
        Some(AuthFailure::Missing) => SyncError::CredentialsMissing { url },
        Some(AuthFailure::Rejected) => SyncError::CredentialsRejected { url },
        None if err.code() == ErrorCode::Auth => SyncError::CredentialsRejected { url },
        // Checked before "unreachable": a TLS or ssh failure of this kind is not the network.
        None if err.code() == ErrorCode::Certificate => SyncError::RemoteNotTrusted {
            url,
            detail: sentence(&err),
        },
        None if is_unreachable(&err) => SyncError::Offline {
            url,
            detail: sentence(&err),
        },
        None => SyncError::Git(err),
    }
}

/// The URL without a `user:password@` part, so an error never carries a token someone put in
/// the remote's URL.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest
        .get(..authority_end)
        .and_then(|authority| authority.rfind('@'))
    {
        Some(at) => format!("{scheme}://{}", rest.get(at + 1..).unwrap_or_default()),
        None => url.to_owned(),
    }
}

/// Whether the remote could not be reached at all (as opposed to answering with an error).
fn is_unreachable(err: &git2::Error) -> bool {
    match err.class() {
        ErrorClass::Net | ErrorClass::Os | ErrorClass::Ssl | ErrorClass::Ssh => true,
        // A `file://` remote whose folder is missing (an unmounted or disconnected drive).
        ErrorClass::Repository | ErrorClass::Reference => err.code() == ErrorCode::NotFound,
        _ => false,
    }
}

/// libgit2's message without a trailing period, to sit inside a sentence.
fn sentence(err: &git2::Error) -> String {
    err.message().trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::MemorySecretStore;

    #[test]
    fn a_checkout_can_move_to_a_sync_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<GitRepo>();
        assert_send::<SyncError>();
    }

    #[test]
    fn format_paths_are_exactly_the_project_files() {
        for path in [
            "flagdeck.json",
            "flags/checkout.json",
            "segments/beta-users.json",
            "personas/qa-tester.json",
            "dist/flagd.json",
            "dist/README",
            "policy.json",
            "people/alice.json",
            "changes/cr-1.json",
        ] {
            assert!(is_format_path(path), "{path} is a project file");
        }
        for path in [
            "",
            "README.md",
            "flags",
            "flags/",
            "flags/.json",
            "flags/notes.txt",
            "flags/nested/deep.json",
            "segments/a.JSON",
            "personas/a.txt",
            "personas/sub/a.json",
            "dist/",
            "dist/.gitkeep",
            "dist/sub/file",
            "dist/a\\b",
            "../flagdeck.json",
            "./flagdeck.json",
            "/flagdeck.json",
            ".git/config",
            "other/flagdeck.json",
        ] {
            assert!(!is_format_path(path), "{path:?} is not a project file");
        }
    }

    #[test]
    fn branch_names_are_checked() {
        assert_eq!(
            tracking_ref("main").ok().as_deref(),
            Some("refs/remotes/origin/main")
        );
        assert!(tracking_ref("team/flags").is_ok());
        for bad in ["", "a..b", "x*", "a b", "end.lock", "-", "a~1", "a:b"] {
            assert!(tracking_ref(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn urls_lose_their_credentials_in_errors() {
        assert_eq!(
            without_userinfo("https://ada:tok3n@example.invalid/flags.git"),
            "https://example.invalid/flags.git"
        );
        assert_eq!(
            without_userinfo("https://ada@example.invalid/a@b.git"),
            "https://example.invalid/a@b.git"
        );
        assert_eq!(
            without_userinfo("file:///srv/flags.git"),
            "file:///srv/flags.git"
        );
        assert_eq!(without_userinfo("no scheme"), "no scheme");
    }

    #[test]
    fn a_second_credentials_request_is_refused() {
        let credentials = Credentials::UserPassword {
            username: "ada".to_owned(),
            password: Secret::new("t"),
        };
        let auth = AuthAttempt::default();
        assert!(
            answer_credentials(
                &credentials,
                &auth,
                None,
                CredentialType::USER_PASS_PLAINTEXT
            )
            .is_ok()
        );
        assert!(
            answer_credentials(
                &credentials,
                &auth,
                None,
                CredentialType::USER_PASS_PLAINTEXT
            )
            .is_err()
        );
        assert!(matches!(auth.failure.get(), Some(AuthFailure::Rejected)));

        let none = AuthAttempt::default();
        let err = answer_credentials(
            &Credentials::None,
            &none,
            None,
            CredentialType::USER_PASS_PLAINTEXT,
        );
        assert!(err.is_err());
        assert!(matches!(none.failure.get(), Some(AuthFailure::Missing)));
        let mapped = network_error("https://u:p@h/x", &none, git2::Error::from_str("x"));
        assert_eq!(
            mapped.to_string(),
            "The remote https://h/x asks for a user name and password or token, and none is stored for it; add one in the workspace's settings."
        );
    }

    #[test]
    fn transports_are_told_by_scheme() {
        for (url, transport) in [
            ("https://example.invalid/flags.git", Transport::Http),
            ("HTTP://example.invalid/flags.git", Transport::Http),
            ("ssh://git@example.invalid:2222/flags.git", Transport::Ssh),
            ("git+ssh://example.invalid/flags.git", Transport::Ssh),
            ("git@example.invalid:team/flags.git", Transport::Ssh),
            ("example.invalid:flags.git", Transport::Ssh),
            ("file:///srv/flags.git", Transport::Local),
            ("/srv/flags.git", Transport::Local),
            ("./a:b", Transport::Local),
            ("C:/flags", Transport::Local),
            ("git://example.invalid/flags.git", Transport::Other),
        ] {
            assert_eq!(Transport::of_url(url), transport, "{url}");
        }
    }

    #[test]
    fn credentials_for_a_url_come_from_the_entry_its_scheme_names() -> Result<(), SecretError> {
        let store = MemorySecretStore::new();
        let https = "https://ada:in-url@example.invalid/flags.git";
        assert_eq!(
            password_service(https),
            "flagdeck:git:https://example.invalid/flags.git"
        );
        store.set(&password_service(https), "ada", &Secret::new("tok"))?;
        let ssh = "git@example.invalid:team/flags.git";
        store.set(&ssh_key_service(ssh), "ada", &Secret::new("KEY"))?;

        assert!(matches!(
            Credentials::for_url(&store, https, "ada")?,
            Credentials::UserPassword { username, password }
                if username == "ada" && password.expose() == "tok"
        ));
        assert!(matches!(
            Credentials::for_url(&store, ssh, "ada")?,
            Credentials::SshKey { private_key, passphrase: None, .. } if private_key.expose() == "KEY"
        ));
        store.set(&ssh_passphrase_service(ssh), "ada", &Secret::new("pp"))?;
        assert!(matches!(
            Credentials::for_url(&store, ssh, "ada")?,
            Credentials::SshKey { passphrase: Some(p), .. } if p.expose() == "pp"
        ));
        // Another user, a local remote, a key stored for https only: nothing.
        assert!(matches!(
            Credentials::for_url(&store, https, "bob")?,
            Credentials::None
        ));
        assert!(matches!(
            Credentials::for_url(&store, "file:///srv/x.git", "ada")?,
            Credentials::None
        ));
        assert!(matches!(
            Credentials::for_url(&store, "ssh://example.invalid/flags.git", "ada")?,
            Credentials::None
        ));
        Ok(())
    }

    #[test]
    fn the_ssh_user_name_question_is_not_the_one_answer() {
        let key = Credentials::SshKey {
            username: "ada".to_owned(),
            private_key: Secret::new("not a key"),
            passphrase: None,
        };
        let auth = AuthAttempt::default();
        assert!(answer_credentials(&key, &auth, None, CredentialType::USERNAME).is_ok());
        // A second user-name question means the first name was refused.
        assert!(answer_credentials(&key, &auth, None, CredentialType::USERNAME).is_err());
        assert!(matches!(auth.failure.get(), Some(AuthFailure::Rejected)));

        let auth = AuthAttempt::default();
        assert!(answer_credentials(&key, &auth, Some("git"), CredentialType::USERNAME).is_ok());
        let _ = answer_credentials(&key, &auth, Some("git"), CredentialType::SSH_MEMORY);
        assert!(auth.tried.get());
        assert!(answer_credentials(&key, &auth, Some("git"), CredentialType::SSH_MEMORY).is_err());
        assert!(matches!(auth.failure.get(), Some(AuthFailure::Rejected)));

        // A password does not answer a server that only takes keys.
        let password = Credentials::UserPassword {
            username: "ada".to_owned(),
            password: Secret::new("t"),
        };
        let auth = AuthAttempt::default();
        assert!(answer_credentials(&password, &auth, None, CredentialType::SSH_KEY).is_err());
        assert!(matches!(auth.failure.get(), Some(AuthFailure::Missing)));
    }
}
