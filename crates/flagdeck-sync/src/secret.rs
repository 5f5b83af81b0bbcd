//! Secrets (Git passwords and tokens) as a type that never prints its value, and the store they
//! live in.
//!
//! DESIGN §7: credentials live in the OS keyring, never in SQLite, files or logs:
//! [`crate::KeyringSecretStore`] is the real [`SecretStore`]; [`MemorySecretStore`] is the
//! in-memory fake that unit tests use.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

/// A secret value. Debug and Display print `<redacted>`; it has no `Serialize`, so it cannot end
/// up in the cache, a file or a log by accident. Read it with [`Secret::expose`], only where it is
/// handed to Git.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself; call this only to hand it to the transport.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why the secret store could not answer. The message never contains the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "The secret store cannot be used ({detail}); the credential for {service} / {account} was not read or written."
    )]
    Unavailable {
        service: String,
        account: String,
        detail: String,
    },
}

/// Where secrets live, keyed by a service (for example `flagdeck:git:<remote url>`) and an
/// account (the user name).
///
/// [`crate::KeyringSecretStore`] is the OS keyring; tests use [`MemorySecretStore`].
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when nothing is stored under this service and account.
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, SecretError>;
    /// Stores the secret, replacing any earlier one.
    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Removes the secret; removing a missing one is not an error.
    fn delete(&self, service: &str, account: &str) -> Result<(), SecretError>;
}

/// An in-memory [`SecretStore`] for tests: nothing leaves the process.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<(String, String), Secret>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn key(service: &str, account: &str) -> (String, String) {
        (service.to_owned(), account.to_owned())
    }
}

// A poisoned lock only means another test thread panicked mid-call; the map itself is still
// whole (each operation is a single insert/remove), so the store keeps working.
impl SecretStore for MemorySecretStore {
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, SecretError> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(entries.get(&Self::key(service, account)).cloned())
    }

    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(Self::key(service, account), secret.clone());
        Ok(())
    }

    fn delete(&self, service: &str, account: &str) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(&Self::key(service, account));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints_its_value() {
        let secret = Secret::new("hunter2-token");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:#?}", Some(&secret)), "Some(\n    <redacted>,\n)");
        assert_eq!(secret.expose(), "hunter2-token");
    }

    #[test]
    fn memory_store_sets_gets_and_deletes() -> Result<(), SecretError> {
        let store = MemorySecretStore::new();
        assert_eq!(store.get("git", "alice")?, None);
        store.set("git", "alice", &Secret::new("one"))?;
        store.set("git", "alice", &Secret::new("two"))?;
        store.set("git", "bob", &Secret::new("three"))?;
        assert_eq!(store.get("git", "alice")?, Some(Secret::new("two")));
        store.delete("git", "alice")?;
        store.delete("git", "alice")?;
        assert_eq!(store.get("git", "alice")?, None);
        assert_eq!(store.get("git", "bob")?, Some(Secret::new("three")));
        // The store's own Debug must not leak what it holds either.
        assert!(!format!("{store:?}").contains("three"));
        Ok(())
    }
}
