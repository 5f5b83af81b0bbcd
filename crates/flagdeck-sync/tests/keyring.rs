//! [`KeyringSecretStore`] against the REAL OS keyring: gnome-keyring's Secret Service on a D-Bus
//! session bus, and the kernel's keyutils.
//!
//! They need a throw-away keyring, which `scripts/with-keyring.sh` sets up (and then sets
//! `FLAGDECK_KEYRING_TESTS=1`):
//!
//! ```sh
//! scripts/with-keyring.sh cargo test -p flagdeck-sync --test keyring
//! ```
//!
//! Under a plain `cargo test` they print that they are skipped, except the one that checks the
//! failure path of an unreachable Secret Service, which needs no keyring.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use flagdeck_sync::{KeyringSecretStore, Secret, SecretError, SecretStore};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Whether the wrapper script set up a keyring for this process; prints the skip otherwise.
fn keyring_available(test: &str) -> bool {
    let available = std::env::var_os("FLAGDECK_KEYRING_TESTS").is_some_and(|v| v == "1");
    if !available {
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: no throw-away keyring (run through scripts/with-keyring.sh, which sets FLAGDECK_KEYRING_TESTS=1)"
        ); // ok: a lost notice changes no result
    }
    available
}

/// A service name no earlier run (nor another test) uses: the keyutils persistent keyring
/// outlives the session, so a leftover must never be read back as this run's value.
fn unique_service(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("flagdeck:test:{test}:{}:{nanos}", std::process::id())
}

/// keyutils invalidates a key at once, but the kernel may still find it for a few milliseconds
/// in the process that deleted it (the `keyring` crate documents this); wait for it to go.
fn get_after_delete(
    store: &KeyringSecretStore,
    service: &str,
    account: &str,
) -> Result<Option<Secret>, SecretError> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let value = store.get(service, account)?;
        if value.is_none() || Instant::now() > deadline {
            return Ok(value);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn round_trip(store: &KeyringSecretStore, test: &str) -> TestResult {
    let service = unique_service(test);
    assert_eq!(store.get(&service, "ada")?, None, "nothing stored yet");

    store.set(&service, "ada", &Secret::new("first-t0ken"))?;
    assert_eq!(
        store.get(&service, "ada")?,
        Some(Secret::new("first-t0ken"))
    );

    // Replacing keeps one entry with the new value, and another account is its own entry.
    store.set(&service, "ada", &Secret::new("second-t0ken ✓ with spaces"))?;
    store.set(&service, "bob", &Secret::new("bob-t0ken"))?;
    assert_eq!(
        store.get(&service, "ada")?,
        Some(Secret::new("second-t0ken ✓ with spaces"))
    );
    assert_eq!(store.get(&service, "bob")?, Some(Secret::new("bob-t0ken")));

    store.delete(&service, "ada")?;
    assert_eq!(get_after_delete(store, &service, "ada")?, None);
    // Deleting a missing entry is not an error.
    store.delete(&service, "ada")?;
    assert_eq!(store.get(&service, "bob")?, Some(Secret::new("bob-t0ken")));

    store.delete(&service, "bob")?;
    assert_eq!(get_after_delete(store, &service, "bob")?, None);
    Ok(())
}

#[test]
fn secret_service_sets_gets_replaces_and_deletes() -> TestResult {
    if !keyring_available("secret_service_sets_gets_replaces_and_deletes") {
        return Ok(());
    }
    round_trip(
        &KeyringSecretStore::secret_service(),
        "secret-service-round-trip",
    )
}

#[test]
fn keyutils_sets_gets_replaces_and_deletes() -> TestResult {
    if !keyring_available("keyutils_sets_gets_replaces_and_deletes") {
        return Ok(());
    }
    round_trip(&KeyringSecretStore::keyutils(), "keyutils-round-trip")
}

#[test]
fn platform_default_sets_gets_replaces_and_deletes() -> TestResult {
    if !keyring_available("platform_default_sets_gets_replaces_and_deletes") {
        return Ok(());
    }
    round_trip(
        &KeyringSecretStore::platform_default(),
        "platform-default-round-trip",
    )
}

/// The Secret Service stores on its own: a value set there is read back by a second store value
/// (a fresh connection), and keyutils, a different store, does not see it.
#[test]
fn the_two_backends_are_separate_stores() -> TestResult {
    if !keyring_available("the_two_backends_are_separate_stores") {
        return Ok(());
    }
    let service = unique_service("separate");
    KeyringSecretStore::secret_service().set(&service, "ada", &Secret::new("in-ss"))?;
    assert_eq!(
        KeyringSecretStore::secret_service().get(&service, "ada")?,
        Some(Secret::new("in-ss"))
    );
    assert_eq!(KeyringSecretStore::keyutils().get(&service, "ada")?, None);
    KeyringSecretStore::secret_service().delete(&service, "ada")?;
    assert_eq!(
        KeyringSecretStore::secret_service().get(&service, "ada")?,
        None
    );
    Ok(())
}

#[test]
fn a_missing_entry_is_none_on_both_backends() -> TestResult {
    if !keyring_available("a_missing_entry_is_none_on_both_backends") {
        return Ok(());
    }
    let service = unique_service("missing");
    for store in [
        KeyringSecretStore::secret_service(),
        KeyringSecretStore::keyutils(),
    ] {
        assert_eq!(store.get(&service, "nobody")?, None, "{store:?}");
        store.delete(&service, "nobody")?;
    }
    Ok(())
}

/// A secret shows in no Debug output, and a write the keyring refuses (keyutils takes at most
/// 32,767 bytes) fails with an error that names the entry but not the secret.
#[test]
fn secrets_never_show_in_debug_or_errors() -> TestResult {
    if !keyring_available("secrets_never_show_in_debug_or_errors") {
        return Ok(());
    }
    let service = unique_service("no-leak");
    let marker = "Leak-Marker-7f3a";
    let store = KeyringSecretStore::keyutils();
    store.set(&service, "ada", &Secret::new(marker))?;
    let read = store.get(&service, "ada")?;
    assert_eq!(read.as_ref().map(Secret::expose), Some(marker));
    assert!(!format!("{read:?} {store:?}").contains(marker));
    store.delete(&service, "ada")?;

    let huge = Secret::new(marker.repeat(40_000 / marker.len() + 1));
    let err = match store.set(&service, "ada", &huge) {
        Ok(()) => {
            store.delete(&service, "ada")?;
            return Err("keyutils accepted a 40 KB secret".into());
        }
        Err(err) => err,
    };
    let text = format!("{err} {err:?}");
    assert!(!text.contains(marker), "{text}");
    assert!(text.contains(&service) && text.contains("ada"), "{text}");

    // keyutils keys cannot be empty: refused, without a panic.
    assert!(store.set(&service, "ada", &Secret::new("")).is_err());
    Ok(())
}

/// With no Secret Service to reach, writing fails with a sentence that names the entry and not
/// the secret. Runs in a child process of this test binary whose D-Bus address points nowhere
/// (changing the environment in-process would need `unsafe`), so it needs no keyring at all.
#[test]
fn an_unreachable_secret_service_is_an_error_without_the_secret() -> TestResult {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "child_writes_to_an_unreachable_secret_service",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/flagdeck-test-bus",
        )
        .env("FLAGDECK_KEYRING_CHILD", "1")
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child test did not run: {stdout}"
    );
    Ok(())
}

#[test]
#[ignore = "run by an_unreachable_secret_service_is_an_error_without_the_secret in a child process"]
fn child_writes_to_an_unreachable_secret_service() -> TestResult {
    if std::env::var_os("FLAGDECK_KEYRING_CHILD").is_none() {
        return Err("run only as the child of its parent test".into());
    }
    let marker = "Unreachable-Leak-Marker";
    let store = KeyringSecretStore::secret_service();
    let Err(err) = store.set("flagdeck:git:https://h/x", "ada", &Secret::new(marker)) else {
        return Err("a Secret Service answered at a bus address that does not exist".into());
    };
    let text = format!("{err} {err:?}");
    println!("error: {err}");
    assert!(!text.contains(marker), "{text}");
    assert!(
        text.contains("flagdeck:git:https://h/x") && text.contains("ada"),
        "{text}"
    );
    assert!(store.get("flagdeck:git:https://h/x", "ada").is_err());
    Ok(())
}
