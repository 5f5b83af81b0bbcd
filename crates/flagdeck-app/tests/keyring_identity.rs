//! The governance identity with the REAL OS keyring: the private key goes into the Secret
//! Service under `flagdeck:identity` / the person id, a second app on the same data folder signs
//! with it, and the data folder never holds it. Run through `scripts/with-keyring.sh` (CI does);
//! without a keyring session the test says it is skipped.

mod support;

use std::sync::Arc;

use base64::Engine;
use flagdeck_app::governance::IDENTITY_SERVICE;
use flagdeck_app::{App, AppConfig, Identity, SystemClock, no_events};
use flagdeck_sync::{KeyringSecretStore, SecretStore};
use support::TestResult;

fn keyring_session() -> bool {
    let there = std::env::var_os("FLAGDECK_KEYRING_TESTS").is_some();
    if !there {
        eprintln!("skipped: no keyring session (run through scripts/with-keyring.sh)");
    }
    there
}

fn open(dir: &std::path::Path) -> Result<App, flagdeck_app::AppError> {
    App::open(AppConfig {
        data_dir: dir.to_path_buf(),
        identity: Identity {
            name: "Kim".into(),
            email: "kim@example.com".into(),
        },
        secrets: Arc::new(KeyringSecretStore::secret_service()),
        clock: Arc::new(SystemClock),
        events: no_events(),
    })
}

#[test]
fn the_signing_key_lives_in_the_os_keyring_only() -> TestResult {
    if !keyring_session() {
        return Ok(());
    }
    let root = tempfile::tempdir()?;
    // A person id unique to this run, so parallel or earlier runs never collide.
    let id = format!("kim-{}", std::process::id());
    let person = {
        let app = open(root.path())?;
        app.create_identity(&id, "Kim", "kim@example.com")?
    };
    // A new process-like app on the same folder reads the key back from the keyring.
    let app = open(root.path())?;
    assert!(app.identity_status()?.has_signing_key);
    let (signer, key) = app.signing_key()?;
    assert_eq!(signer, id);
    assert_eq!(
        flagdeck_core::governance::sign::public_key_text(&key.verifying_key()),
        person.public_key
    );
    // The keyring entry is the base64 of the 32 secret bytes; no file holds either form.
    let stored = KeyringSecretStore::secret_service()
        .get(IDENTITY_SERVICE, &id)?
        .ok_or("no keyring entry")?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(key.to_bytes());
    assert_eq!(stored.expose(), encoded);
    drop(app);
    let mut stack = vec![root.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path)?;
            for needle in [&key.to_bytes()[..], encoded.as_bytes()] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{} holds the key",
                    path.display()
                );
            }
        }
    }
    // Without the keyring entry, signing says so.
    KeyringSecretStore::secret_service().delete(IDENTITY_SERVICE, &id)?;
    let app = open(root.path())?;
    assert!(!app.identity_status()?.has_signing_key);
    assert_eq!(
        app.signing_key().unwrap_err().code,
        flagdeck_app::ErrorCode::IdentityMissing
    );
    Ok(())
}
