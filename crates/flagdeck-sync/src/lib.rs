//! The Git side of Flagdeck's sync (DESIGN §7): a workspace's own checkout, fetched, read,
//! committed to on top of the remote head and pushed, with credentials from a [`SecretStore`]
//! and never a prompt. The plan (three-way merge of snapshots) lives in `flagdeck_core`; this
//! crate only does the Git IO around it.
//!
//! One sync run, as the app drives it:
//! 1. [`GitRepo::fetch`] → the remote head; [`GitRepo::read_files`] of it → the remote snapshot.
//! 2. Plan against the base and the local drafts (in the core).
//! 3. [`GitRepo::commit_files`] on top of the remote head, [`GitRepo::push`];
//!    on [`PushOutcome::Rejected`] go back to 1.
//! 4. [`GitRepo::checkout_head_to_workdir`] so the working folder shows what was synced.
//!
//! [`SyncError::Offline`] means the remote cannot be reached: nothing changed, sync later.
//!
//! Credentials: [`Credentials::for_url`] reads them from a [`SecretStore`] — the OS keyring,
//! [`KeyringSecretStore`], in the app — by the remote's scheme (https: a password or token; ssh:
//! a private key and its passphrase).

pub mod changes;
pub mod error;
pub mod keyring_store;
pub mod locks;
pub mod repo;
pub mod secret;
pub mod turn;
pub mod watch;

pub use changes::FileChange;
pub use error::SyncError;
pub use git2::Oid;
pub use keyring_store::{KeyringBackend, KeyringSecretStore};
pub use repo::{
    Author, Credentials, FetchOutcome, GitRepo, PushOutcome, REMOTE, TransferProgress, Transport,
    is_format_path, password_service, ssh_key_service, ssh_passphrase_service,
};
pub use repo::{RemoteProbe, probe_remote};
pub use secret::{MemorySecretStore, Secret, SecretError, SecretStore};
pub use turn::SyncTurn;
pub use watch::{DEFAULT_DEBOUNCE, FolderWatcher, WatchBatch, WatchError};
