//! The Git side of sync over ssh against a throw-away `sshd` (Debian's openssh-server) on a
//! random port of 127.0.0.1, with generated host and client keys. Skipped, with a visible line,
//! when sshd is not installed.
//!
//! libgit2 checks the server's host key against `~/.ssh/known_hosts`, read once per process from
//! `$HOME`; so the round trip runs in a child process of this test binary whose `HOME` holds a
//! `known_hosts` that names the test server, and this process (whose real `known_hosts` does not)
//! checks that an unknown host is refused.

mod support;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use flagdeck_core::format::SourceFile;
use flagdeck_sync::{
    Author, Credentials, GitRepo, MemorySecretStore, PushOutcome, Secret, SecretStore, SyncError,
    ssh_key_service, ssh_passphrase_service,
};
use support::{git_cli, seed_bare_repository};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PASSPHRASE: &str = "key-Passphr4se";

/// A running sshd, ended (by its own process handle) when dropped.
struct Sshd {
    child: Child,
    port: u16,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill(); // ok: it may already have exited
        let _ = self.child.wait();
    }
}

fn run(program: &str, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let output = Command::new(program).args(args).output()?;
    if !output.status.success() {
        return Err(format!(
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

fn sshd_path() -> Option<PathBuf> {
    ["/usr/sbin/sshd", "/usr/bin/sshd"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn skip(reason: &str) {
    // Straight to stderr, past the test harness's capture, so the skip is seen.
    let _ = writeln!(std::io::stderr(), "skipped ssh tests: {reason}"); // ok: only a notice
}

/// Host key, client keys (one plain, one with a passphrase, one the server does not know),
/// authorized_keys and the sshd config, all in `dir`.
fn make_keys_and_config(dir: &Path, port: u16, user: &str) -> TestResult {
    let path = |name: &str| dir.join(name).display().to_string();
    for (name, passphrase) in [
        ("host_key", ""),
        ("client_key", ""),
        ("client_key_pp", PASSPHRASE),
        ("stranger_key", ""),
    ] {
        run(
            "ssh-keygen",
            &[
                "-q",
                "-t",
                "ed25519",
                "-N",
                passphrase,
                "-C",
                name,
                "-f",
                &path(name),
            ],
        )?;
    }
    let authorized = [
        std::fs::read_to_string(dir.join("client_key.pub"))?,
        std::fs::read_to_string(dir.join("client_key_pp.pub"))?,
    ]
    .concat();
    std::fs::write(dir.join("authorized_keys"), authorized)?;
    std::fs::write(
        dir.join("sshd_config"),
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile none\n\
             AuthorizedKeysFile {keys}\nStrictModes no\nPubkeyAuthentication yes\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             PermitRootLogin prohibit-password\nAllowUsers {user}\nLogLevel ERROR\n",
            host = path("host_key"),
            keys = path("authorized_keys"),
        ),
    )?;
    // The HOME of the child process: a known_hosts that names the test server.
    let ssh_dir = dir.join("home/.ssh");
    std::fs::create_dir_all(&ssh_dir)?;
    let host_pub = std::fs::read_to_string(dir.join("host_key.pub"))?;
    let mut fields = host_pub.split_whitespace();
    let (Some(kind), Some(key)) = (fields.next(), fields.next()) else {
        return Err("unreadable host key".into());
    };
    std::fs::write(
        ssh_dir.join("known_hosts"),
        format!("[127.0.0.1]:{port} {kind} {key}\n"),
    )?;
    Ok(())
}

fn start_sshd(sshd: &Path, dir: &Path, port: u16) -> Result<Sshd, Box<dyn std::error::Error>> {
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut sshd = Sshd { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = sshd.child.try_wait()? {
            let mut stderr = String::new();
            if let Some(mut pipe) = sshd.child.stderr.take() {
                std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
            }
            return Err(format!("sshd exited ({status}): {stderr}").into());
        }
        if Instant::now() > deadline {
            return Err("sshd did not listen within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(sshd)
}

#[test]
fn ssh_with_keys_from_the_store_clones_and_pushes() -> TestResult {
    let Some(sshd_program) = sshd_path() else {
        skip("sshd is not installed (apt-get install openssh-server)");
        return Ok(());
    };
    let user = run("id", &["-un"])?.trim().to_owned();
    let is_root = run("id", &["-u"])?.trim() == "0";
    // Run as root, sshd wants its privilege-separation folder, which the ssh service itself
    // creates at start (Debian's init script: mkdir /run/sshd).
    if is_root && !Path::new("/run/sshd").is_dir() {
        std::fs::create_dir_all("/run/sshd")?;
    }
    let dir = TempDir::new()?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    make_keys_and_config(dir.path(), port, &user)?;
    let repo_root = dir.path().join("srv");
    std::fs::create_dir_all(&repo_root)?;
    let bare = repo_root.join("flags.git");
    seed_bare_repository(&bare)?;
    let sshd = start_sshd(&sshd_program, dir.path(), port)?;
    let url = format!("ssh://{user}@127.0.0.1:{}{}", sshd.port, bare.display());

    let output = Command::new(std::env::current_exe()?)
        .args([
            "--ignored",
            "--exact",
            "child_ssh_round_trip",
            "--nocapture",
        ])
        .env("HOME", dir.path().join("home"))
        .env("FLAGDECK_TEST_SSH_DIR", dir.path())
        .env("FLAGDECK_TEST_SSH_URL", &url)
        .env("FLAGDECK_TEST_SSH_USER", &user)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child test did not run: {stdout}"
    );

    // Here, with this process's own known_hosts, the test server's host key is unknown.
    let key = Credentials::SshKey {
        username: user.clone(),
        private_key: Secret::new(std::fs::read_to_string(dir.path().join("client_key"))?),
        passphrase: None,
    };
    let err = GitRepo::clone(&url, &dir.path().join("unknown-host"), &key)
        .err()
        .ok_or("an unknown host key is refused")?;
    assert!(matches!(err, SyncError::RemoteNotTrusted { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("PRIVATE KEY"));
    drop(sshd);
    Ok(())
}

fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("run only as the child ({name} unset)").into())
}

#[test]
#[ignore = "run by ssh_with_keys_from_the_store_clones_and_pushes in a child process"]
fn child_ssh_round_trip() -> TestResult {
    let dir = PathBuf::from(env("FLAGDECK_TEST_SSH_DIR")?);
    let url = env("FLAGDECK_TEST_SSH_URL")?;
    let user = env("FLAGDECK_TEST_SSH_USER")?;
    let bare = dir.join("srv/flags.git");
    let read_key = |name: &str| -> Result<Secret, std::io::Error> {
        Ok(Secret::new(std::fs::read_to_string(dir.join(name))?))
    };
    let author = Author {
        name: "Ada".to_owned(),
        email: "ada@example.invalid".to_owned(),
        unix_seconds: 1_800_000_000,
    };

    // A key without a passphrase, from the store entry the ssh URL names.
    let store = MemorySecretStore::new();
    store.set(&ssh_key_service(&url), &user, &read_key("client_key")?)?;
    let credentials = Credentials::for_url(&store, &url, &user)?;
    assert!(matches!(credentials, Credentials::SshKey { .. }));
    let ws = GitRepo::clone(&url, &dir.join("ws"), &credentials)?;
    let seed = ws.fetch("main")?.remote_head.ok_or("seeded")?;
    let flag = SourceFile::new("flags/over-ssh.json", b"{}\n".to_vec());
    let commit = ws.commit_files(Some(seed), &[flag], &[], "Add over-ssh", &author)?;
    assert_eq!(ws.push("main", commit)?, PushOutcome::Pushed);
    assert_eq!(
        git_cli(&bare, &["rev-parse", "refs/heads/main"])?.trim(),
        commit.to_string()
    );
    assert_eq!(
        git_cli(&bare, &["show", "main:flags/over-ssh.json"])?,
        "{}\n"
    );

    // A key with a passphrase, both from the store.
    let store = MemorySecretStore::new();
    store.set(&ssh_key_service(&url), &user, &read_key("client_key_pp")?)?;
    store.set(
        &ssh_passphrase_service(&url),
        &user,
        &Secret::new(PASSPHRASE),
    )?;
    let with_passphrase = Credentials::for_url(&store, &url, &user)?;
    let other = GitRepo::clone(&url, &dir.join("pp"), &with_passphrase)?;
    assert_eq!(other.fetch("main")?.remote_head, Some(commit));

    // A key the server does not know: refused once, quickly, and the key is in no message.
    let stranger = Credentials::SshKey {
        username: user.clone(),
        private_key: read_key("stranger_key")?,
        passphrase: None,
    };
    let started = Instant::now();
    let err = GitRepo::clone(&url, &dir.join("stranger"), &stranger)
        .err()
        .ok_or("an unknown key is refused")?;
    assert!(
        matches!(err, SyncError::CredentialsRejected { .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("PRIVATE KEY"), "{text}");

    // No key stored at all: a clear error, not a prompt.
    let none = Credentials::for_url(&MemorySecretStore::new(), &url, &user)?;
    let err = GitRepo::clone(&url, &dir.join("none"), &none)
        .err()
        .ok_or("no key, no access")?;
    assert!(
        matches!(err, SyncError::CredentialsMissing { .. }),
        "{err:?}"
    );
    Ok(())
}
