//! [`SecretStore`] over the OS keyring (the `keyring` crate, v3).
//!
//! On Linux two stores can be picked: the Secret Service (gnome-keyring, KWallet, … over the D-Bus
//! session bus; it persists on disk, encrypted) and the kernel's keyutils (in memory, gone after a
//! reboot; works headless, with no D-Bus). The platform default on Linux is keyutils in front of
//! the Secret Service (keyutils as a cache, the Secret Service as the store); on macOS and Windows
//! it is the native keychain or credential manager.
//!
//! Errors never carry the secret: they are built here from the kind of failure, the service and
//! the account, and the platform's own message (which is scrubbed of the secret being written).

use std::sync::{Mutex, PoisonError};

use keyring::Entry;

use crate::secret::{Secret, SecretError, SecretStore};

/// Which OS store holds the secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringBackend {
    /// What the `keyring` crate picks for this platform (see the module docs).
    PlatformDefault,
    /// The Secret Service over the D-Bus session bus (gnome-keyring); Linux only.
    #[cfg(target_os = "linux")]
    SecretService,
    /// The kernel's keyutils session and persistent keyrings; Linux only.
    #[cfg(target_os = "linux")]
    Keyutils,
}

/// The OS keyring as a [`SecretStore`]. It holds no secret itself, so its Debug output is only
/// the backend's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyringSecretStore {
    backend: KeyringBackend,
}

/// One keyring call at a time in this process: the `keyring` crate warns that the Secret Service
/// can fail when it is called from several threads at once.
static ONE_CALL_AT_A_TIME: Mutex<()> = Mutex::new(());

impl KeyringSecretStore {
    /// The store `backend` names.
    pub fn new(backend: KeyringBackend) -> Self {
        Self { backend }
    }

    /// The platform's usual store.
    pub fn platform_default() -> Self {
        Self::new(KeyringBackend::PlatformDefault)
    }

    /// The Secret Service (gnome-keyring over D-Bus).
    #[cfg(target_os = "linux")]
    pub fn secret_service() -> Self {
        Self::new(KeyringBackend::SecretService)
    }

    /// The kernel's keyutils keyrings.
    #[cfg(target_os = "linux")]
    pub fn keyutils() -> Self {
        Self::new(KeyringBackend::Keyutils)
    }

    pub fn backend(&self) -> KeyringBackend {
        self.backend
    }

    fn entry(&self, service: &str, account: &str) -> keyring::Result<Entry> {
        match self.backend {
            KeyringBackend::PlatformDefault => Entry::new(service, account),
            #[cfg(target_os = "linux")]
            KeyringBackend::SecretService => {
                let credential =
                    keyring::secret_service::SsCredential::new_with_target(None, service, account)?;
                Ok(Entry::new_with_credential(Box::new(credential)))
            }
            #[cfg(target_os = "linux")]
            KeyringBackend::Keyutils => {
                let credential =
                    keyring::keyutils::KeyutilsCredential::new_with_target(None, service, account)?;
                Ok(Entry::new_with_credential(Box::new(credential)))
            }
        }
    }

    /// Runs one keyring operation on the entry of `service` / `account`, mapping its error.
    fn with_entry<T>(
        &self,
        service: &str,
        account: &str,
        written: Option<&Secret>,
        operation: impl FnOnce(&Entry) -> keyring::Result<T>,
    ) -> Result<T, SecretError> {
        // A poisoned lock only means another thread panicked while holding it; there is no
        // state behind it to be left half-updated.
        let _one_at_a_time = ONE_CALL_AT_A_TIME
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.entry(service, account)
            .and_then(|entry| operation(&entry))
            .map_err(|err| unavailable(service, account, &err, written))
    }
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>, SecretError> {
        self.with_entry(service, account, None, |entry| match entry.get_password() {
            Ok(password) => Ok(Some(Secret::new(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(err),
        })
    }

    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<(), SecretError> {
        self.with_entry(service, account, Some(secret), |entry| {
            entry.set_password(secret.expose())
        })
    }

    fn delete(&self, service: &str, account: &str) -> Result<(), SecretError> {
        self.with_entry(service, account, None, |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(err) => Err(err),
            }
        })
    }
}

/// The [`SecretError`] for a failed keyring call. The detail is written here per kind of
/// failure (never the crate's own Display, which for `BadEncoding` would carry the stored bytes),
/// and the secret being written, if any, is cut out of the platform's message.
fn unavailable(
    service: &str,
    account: &str,
    err: &keyring::Error,
    written: Option<&Secret>,
) -> SecretError {
    let detail = match err {
        keyring::Error::PlatformFailure(cause) => format!("the keyring failed: {cause}"),
        keyring::Error::NoStorageAccess(cause) => {
            format!("the keyring is locked or cannot be reached: {cause}")
        }
        keyring::Error::NoEntry => "no such entry".to_owned(),
        keyring::Error::BadEncoding(_) => "the stored value is not UTF-8 text".to_owned(),
        keyring::Error::TooLong(attribute, limit) => {
            format!("the {attribute} is longer than the keyring's limit of {limit} characters")
        }
        keyring::Error::Invalid(attribute, reason) => {
            format!("the keyring refused the {attribute}: {reason}")
        }
        keyring::Error::Ambiguous(matches) => format!(
            "{} keyring entries match; remove the duplicates",
            matches.len()
        ),
        _ => "the keyring failed".to_owned(),
    };
    let detail = match written {
        Some(secret) if !secret.expose().is_empty() => {
            detail.replace(secret.expose(), "<redacted>")
        }
        _ => detail,
    };
    SecretError::Unavailable {
        service: service.to_owned(),
        account: account.to_owned(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_entry_but_never_the_secret() {
        let secret = Secret::new("s3cr3t-value");
        let platform = keyring::Error::PlatformFailure("echoed s3cr3t-value back".into());
        let err = unavailable("flagdeck:git:x", "ada", &platform, Some(&secret));
        let text = err.to_string();
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(
            text.contains("flagdeck:git:x") && text.contains("ada"),
            "{text}"
        );
        assert!(text.contains("echoed <redacted> back"), "{text}");

        let stored = keyring::Error::BadEncoding(b"\xffs3cr3t-value".to_vec());
        let text = unavailable("s", "a", &stored, None).to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!format!("{:?}", unavailable("s", "a", &stored, None)).contains("s3cr3t"));
    }

    #[test]
    fn the_store_prints_only_its_backend() {
        assert_eq!(
            format!("{:?}", KeyringSecretStore::platform_default()),
            "KeyringSecretStore { backend: PlatformDefault }"
        );
    }
}
