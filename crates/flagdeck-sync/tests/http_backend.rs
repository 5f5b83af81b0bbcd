//! The Git side of sync against a real smart-HTTP remote: `git http-backend` run as a CGI behind a
//! small HTTP server in this test (HTTP Basic auth, one thread per connection), on 127.0.0.1.
//! Needs the git CLI (its `git http-backend`).

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use flagdeck_core::format::SourceFile;
use flagdeck_sync::{
    Author, Credentials, GitRepo, MemorySecretStore, PushOutcome, Secret, SecretStore, SyncError,
    password_service,
};
use support::{GitHttpServer, PASSWORD, USER, git_cli, make_test_ca};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn author() -> Author {
    Author {
        name: "Ada".to_owned(),
        email: "ada@example.invalid".to_owned(),
        unix_seconds: 1_800_000_000,
    }
}

fn right_password() -> Credentials {
    Credentials::UserPassword {
        username: USER.to_owned(),
        password: Secret::new(PASSWORD),
    }
}

#[test]
fn the_right_password_clones_fetches_and_pushes() -> TestResult {
    let server = GitHttpServer::start_http()?;
    let dir = TempDir::new()?;
    // The credentials come from the store entry the URL's scheme names.
    let store = MemorySecretStore::new();
    store.set(
        &password_service(&server.url()),
        USER,
        &Secret::new(PASSWORD),
    )?;
    let credentials = Credentials::for_url(&store, &server.url(), USER)?;

    let ws = GitRepo::clone(&server.url(), &dir.path().join("ws"), &credentials)?;
    let fetched = ws.fetch("main")?;
    let seed = fetched.remote_head.ok_or("the remote has a main branch")?;
    assert_eq!(seed.to_string(), server.main_head()?);
    let files = ws.read_files(seed)?;
    assert_eq!(
        files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        ["flagdeck.json"]
    );

    let flag = SourceFile::new(
        "flags/over-http.json",
        b"{\"key\": \"over-http\"}\n".to_vec(),
    );
    let commit = ws.commit_files(Some(seed), &[flag], &[], "Add over-http", &author())?;
    assert_eq!(ws.push("main", commit)?, PushOutcome::Pushed);

    // The push went over smart HTTP, and the git CLI, reading the bare repository itself, sees
    // the pushed commit and file.
    assert!(
        server.seen().iter().any(|s| s.method == "POST"
            && s.target.ends_with("/git-receive-pack")
            && s.status == 200),
        "{:?}",
        server.seen()
    );
    assert_eq!(server.main_head()?, commit.to_string());
    let shown = git_cli(&server.bare_path(), &["show", "main:flags/over-http.json"])?;
    assert_eq!(shown, "{\"key\": \"over-http\"}\n");

    // A second clone fetches it over HTTP too; every request after the first carried the
    // password, and none was refused after that.
    let other = GitRepo::clone(&server.url(), &dir.path().join("other"), &right_password())?;
    assert_eq!(other.fetch("main")?.remote_head, Some(commit));
    assert_eq!(server.refused_with_credentials(), 0, "{:?}", server.seen());
    Ok(())
}

#[test]
fn a_push_behind_the_remote_is_rejected_over_http() -> TestResult {
    let server = GitHttpServer::start_http()?;
    let dir = TempDir::new()?;
    let a = GitRepo::clone(&server.url(), &dir.path().join("a"), &right_password())?;
    let b = GitRepo::clone(&server.url(), &dir.path().join("b"), &right_password())?;
    let seed = a.fetch("main")?.remote_head.ok_or("seeded")?;
    let write = |key: &str| SourceFile::new(format!("flags/{key}.json"), b"{}\n".to_vec());

    let first = a.commit_files(Some(seed), &[write("a")], &[], "a", &author())?;
    assert_eq!(a.push("main", first)?, PushOutcome::Pushed);
    let late = b.commit_files(Some(seed), &[write("b")], &[], "b", &author())?;
    assert_eq!(b.push("main", late)?, PushOutcome::Rejected);
    assert_eq!(server.main_head()?, first.to_string());
    Ok(())
}

#[test]
fn a_wrong_password_is_refused_after_one_attempt() -> TestResult {
    let server = GitHttpServer::start_http()?;
    let dir = TempDir::new()?;
    let wrong = Credentials::UserPassword {
        username: USER.to_owned(),
        password: Secret::new("Wr0ng-Passw0rd"),
    };
    let started = Instant::now();
    let err = GitRepo::clone(&server.url(), &dir.path().join("ws"), &wrong)
        .err()
        .ok_or("the server refuses a wrong password")?;
    let elapsed = started.elapsed();

    assert!(
        matches!(err, SyncError::CredentialsRejected { .. }),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("Wr0ng"), "{text}");
    assert!(text.contains(&server.url()), "{text}");
    // One request without credentials (the 401 that asks), one with them, then no more.
    assert_eq!(server.requests_with_credentials(), 1, "{:?}", server.seen());
    assert!(server.seen().len() <= 2, "{:?}", server.seen());
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(!dir.path().join("ws").join("flagdeck.json").exists());
    Ok(())
}

#[test]
fn no_credentials_is_a_clear_error_not_a_hang() -> TestResult {
    let server = GitHttpServer::start_http()?;
    let dir = TempDir::new()?;
    let started = Instant::now();
    let err = GitRepo::clone(&server.url(), &dir.path().join("ws"), &Credentials::None)
        .err()
        .ok_or("the server asks for credentials")?;
    assert!(
        matches!(err, SyncError::CredentialsMissing { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("asks for a user name"), "{err}");
    assert_eq!(server.requests_with_credentials(), 0);
    assert!(started.elapsed() < Duration::from_secs(5));

    // An existing checkout whose credentials are then removed fails the same way on fetch.
    let ws = GitRepo::clone(&server.url(), &dir.path().join("ok"), &right_password())?
        .with_credentials(Credentials::None);
    let err = ws.fetch("main").err().ok_or("fetch needs credentials")?;
    assert!(
        matches!(err, SyncError::CredentialsMissing { .. }),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn the_server_really_checks_the_password() -> TestResult {
    // The test server itself, through the git CLI: without the password it refuses, with it the
    // CLI lists the branch. (Guards against a server that lets everything through.)
    let server = GitHttpServer::start_http()?;
    let anonymous = Command::new("git")
        .args(["ls-remote", &server.url()])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/false")
        .output()?;
    assert!(!anonymous.status.success());
    let with_password = server
        .url()
        .replacen("http://", &format!("http://{USER}:{PASSWORD}@"), 1);
    let listed = Command::new("git")
        .args(["ls-remote", &with_password])
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()?;
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("refs/heads/main"));
    Ok(())
}

/// https with the server's CA trusted the way a user's machine trusts one: through OpenSSL's
/// `SSL_CERT_FILE`. The environment of this process cannot change safely while other tests
/// run, so a child process of this test binary runs the https round trip with it set.
#[test]
fn https_with_a_trusted_certificate_authority_clones_and_pushes() -> TestResult {
    let tls = TempDir::new()?;
    make_test_ca(tls.path())?;
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--ignored",
            "--exact",
            "child_https_round_trip",
            "--nocapture",
        ])
        .env("SSL_CERT_FILE", tls.path().join("ca.pem"))
        .env("FLAGDECK_TEST_TLS_DIR", tls.path())
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
    Ok(())
}

#[test]
#[ignore = "run by https_with_a_trusted_certificate_authority_clones_and_pushes in a child process"]
fn child_https_round_trip() -> TestResult {
    let tls = std::env::var_os("FLAGDECK_TEST_TLS_DIR").ok_or("run only as the child")?;
    let server = GitHttpServer::start_https(std::path::Path::new(&tls))?;
    assert!(server.url().starts_with("https://"));
    let dir = TempDir::new()?;

    let ws = GitRepo::clone(&server.url(), &dir.path().join("ws"), &right_password())?;
    let seed = ws.fetch("main")?.remote_head.ok_or("seeded")?;
    let flag = SourceFile::new("flags/over-tls.json", b"{}\n".to_vec());
    let commit = ws.commit_files(Some(seed), &[flag], &[], "Add over-tls", &author())?;
    assert_eq!(ws.push("main", commit)?, PushOutcome::Pushed);
    assert_eq!(server.main_head()?, commit.to_string());
    assert_eq!(
        git_cli(&server.bare_path(), &["show", "main:flags/over-tls.json"])?,
        "{}\n"
    );

    let before = server.requests_with_credentials();
    let wrong = Credentials::UserPassword {
        username: USER.to_owned(),
        password: Secret::new("Wr0ng-over-tls"),
    };
    let err = GitRepo::clone(&server.url(), &dir.path().join("wrong"), &wrong)
        .err()
        .ok_or("a wrong password is refused over https too")?;
    assert!(
        matches!(err, SyncError::CredentialsRejected { .. }),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("Wr0ng"));
    assert_eq!(server.requests_with_credentials() - before, 1);
    Ok(())
}

/// Without the CA trusted (this process's usual trust store), the certificate check fails:
/// a clear "could not prove who it is", not "offline", and no request reaches the server.
#[test]
fn https_with_an_unknown_certificate_authority_is_not_trusted() -> TestResult {
    let tls = TempDir::new()?;
    make_test_ca(tls.path())?;
    let server = GitHttpServer::start_https(tls.path())?;
    let dir = TempDir::new()?;
    let err = GitRepo::clone(&server.url(), &dir.path().join("ws"), &right_password())
        .err()
        .ok_or("the certificate is signed by a CA nobody trusts")?;
    assert!(matches!(err, SyncError::RemoteNotTrusted { .. }), "{err:?}");
    println!("{err}"); // for reviewing the wording with --nocapture
    assert!(!format!("{err} {err:?}").contains(PASSWORD));
    assert!(server.seen().is_empty(), "{:?}", server.seen());
    Ok(())
}
