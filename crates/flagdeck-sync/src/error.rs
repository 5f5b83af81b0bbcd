//! The errors of the Git side of sync, each a sentence the app can show. The app maps each
//! variant to a code (STYLE 5); `Offline` is the one it answers with "offline, will sync later".

use crate::secret::SecretError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The remote could not be reached: no network, a host that does not answer, or a remote
    /// folder that is not there (an unmounted drive). Nothing was changed; sync again later.
    #[error(
        "The remote {url} cannot be reached ({detail}); working offline, the workspace will sync later."
    )]
    Offline { url: String, detail: String },

    /// The remote asked for credentials and none are stored for it.
    #[error(
        "The remote {url} asks for a user name and password or token, and none is stored for it; add one in the workspace's settings."
    )]
    CredentialsMissing { url: String },

    /// The remote refused the stored credentials (tried once, never again).
    #[error(
        "The remote {url} refused the stored credentials; check the user name and the password or token in the workspace's settings."
    )]
    CredentialsRejected { url: String },

    /// The remote's TLS certificate or ssh host key could not be verified (an unknown issuer, a
    /// host key missing from `known_hosts`, a name that does not match): nothing was sent.
    #[error(
        "The remote {url} could not prove who it is ({detail}); nothing was sent. Check the address, or add its certificate authority or ssh host key to this machine's trusted ones."
    )]
    RemoteNotTrusted { url: String, detail: String },

    /// The folder is not a Git checkout.
    #[error("The folder {path} is not a Git checkout ({detail}).")]
    NotARepository { path: String, detail: String },

    /// The branch name is not one Git accepts.
    #[error("The branch name {branch:?} is not a valid Git branch name.")]
    InvalidBranch { branch: String },

    /// The branch does not exist (yet) where it was looked for.
    #[error("The branch {branch} has not been fetched from the remote; fetch first.")]
    BranchNotFetched { branch: String },

    /// A path to write or delete is outside the project format (DESIGN §3), so Flagdeck will not
    /// touch it.
    #[error(
        "The path {path:?} is not a file of the project format (flagdeck.json, policy.json, flags/, segments/, personas/, people/, changes/, dist/), so Flagdeck does not write or delete it."
    )]
    PathOutsideFormat { path: String },

    /// The working tree has changes that updating it would overwrite; nothing was overwritten.
    #[error(
        "The working folder has changes that updating it would overwrite ({}); nothing was changed, move or discard those changes first.",
        paths.join(", ")
    )]
    WorkdirChanged { paths: Vec<String> },

    /// Another sync is running in this checkout.
    #[error("Another sync is running in {path}; wait for it to finish.")]
    Busy { path: String },

    /// A stale lock file could not be removed.
    #[error("Could not clear the stale Git lock files in {path} ({detail}).")]
    Lock { path: String, detail: String },

    #[error(transparent)]
    Secret(#[from] SecretError),

    /// Any other failure of Git itself.
    #[error("A Git operation failed: {}.", .0.message().trim_end_matches('.'))]
    Git(#[from] git2::Error),
}
