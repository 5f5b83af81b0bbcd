//! Issue 4's "done when", through the real `flagdeck` binary and the REAL OS keyring: three
//! people, each with their own data folder (`FLAGDECK_DATA_DIR`), their own keyring entry
//! (`flagdeck:identity` / their person id) and their own clone of one bare remote. Alice starts
//! the project as its first admin; Bob and Carol join through change requests Alice approves;
//! the policy then wants a release manager for production; Alice's production rollout goes from
//! a file edit to published with Bob's approval; `flagdeck verify` passes on the whole honest
//! history and fails on tampered copies of it, each with its reason.
//!
//! Run through `scripts/with-keyring.sh` (scripts/test.sh does); without a keyring session the
//! test says it is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FLAG: &str = "flags/new-checkout.json";

fn keyring_session() -> bool {
    let there = std::env::var_os("FLAGDECK_KEYRING_TESTS").is_some();
    if !there {
        eprintln!("skipped: no keyring session (run through scripts/with-keyring.sh)");
    }
    there
}

/// Runs git in `dir`; fails with git's own words.
fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// One person: their data folder (identity, cache) and their clone.
struct Person {
    id: &'static str,
    data: PathBuf,
    clone: PathBuf,
}

impl Person {
    fn new(root: &Path, id: &'static str) -> Self {
        Self {
            id,
            data: root.join(format!("data-{id}")),
            clone: root.join(id),
        }
    }

    /// `flagdeck ARGS` as this person, in the folder that holds their clone.
    fn run(&self, args: &[&str]) -> Result<Output, Box<dyn std::error::Error>> {
        let parent = self.clone.parent().ok_or("no parent")?;
        Ok(Command::new(env!("CARGO_BIN_EXE_flagdeck"))
            .current_dir(parent)
            .env("FLAGDECK_DATA_DIR", &self.data)
            .args(args)
            .output()?)
    }

    /// `flagdeck ARGS`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let out = self.run(args)?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(format!(
                "{} flagdeck {args:?} exited {:?}: {stdout}{}",
                self.id,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(stdout)
    }

    /// `flagdeck --format json ARGS`, which must succeed; its output.
    fn json(&self, args: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        Ok(serde_json::from_str(&self.ok(&all)?)?)
    }

    fn dir(&self) -> Result<&str, Box<dyn std::error::Error>> {
        Ok(self.clone.to_str().ok_or("path")?)
    }

    fn sync(&self) -> Result<Value, Box<dyn std::error::Error>> {
        self.json(&["sync", self.dir()?])
    }

    /// `flagdeck change ...` in this person's clone.
    fn change(&self, args: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
        let mut all = vec!["change", "--dir", self.dir()?];
        all.extend_from_slice(args);
        self.json(&all)
    }

    fn read(&self, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(serde_json::from_slice(&std::fs::read(
            self.clone.join(path),
        )?)?)
    }

    fn write(&self, path: &str, value: &Value) -> TestResult {
        std::fs::write(self.clone.join(path), serde_json::to_string_pretty(value)?)?;
        Ok(())
    }

    fn git_identity(&self) -> TestResult {
        git(&self.clone, &["config", "user.name", self.id])?;
        git(
            &self.clone,
            &["config", "user.email", &format!("{}@example.com", self.id)],
        )?;
        Ok(())
    }
}

fn remote_json(bare: &Path, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&git(
        bare,
        &["show", &format!("main:{path}")],
    )?)?)
}

fn rollout(on: u32) -> Value {
    json!({"rollout": [{"variation": "on", "weight": on}, {"variation": "off", "weight": 100 - on}]})
}

fn production(flag: &Value) -> Value {
    flag["environments"]["production"]["fallthrough"].clone()
}

/// `flagdeck verify DIR --range RANGE`: the exit code and the violations' text.
fn verify(dir: &Path, range: &str) -> Result<(Option<i32>, String), Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_flagdeck"))
        .args(["verify", dir.to_str().ok_or("path")?, "--range", range])
        .output()?;
    Ok((
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Each person's own change request to join: `person init` drafts `people/<id>.json` in their
/// clone, `change create` proposes it, `sync` carries the request (and holds the entry back).
fn ask_to_join(p: &Person, bare: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let name = format!("{}{}", p.id[..1].to_uppercase(), &p.id[1..]);
    let email = format!("{}@example.com", p.id);
    let made = p.json(&[
        "person",
        "init",
        "--id",
        p.id,
        "--name",
        &name,
        "--email",
        &email,
        "--dir",
        p.dir()?,
    ])?;
    let file = format!("people/{}.json", p.id);
    assert_eq!(made["file"], json!(file));
    let key = made["person"]["publicKey"]
        .as_str()
        .ok_or("no key")?
        .to_owned();
    assert!(key.starts_with("ed25519:"), "{key}");
    assert_eq!(p.read(&file)?["publicKey"], json!(key));
    let request = p.change(&["create", "--title", &format!("Add {name}"), &file])?;
    let id = request["request"]["id"].as_str().ok_or("no id")?.to_owned();
    assert_eq!(request["request"]["author"], json!(p.id));
    let synced = p.sync()?;
    assert_eq!(synced["heldBack"], json!([file]), "{synced}");
    assert!(git(bare, &["show", &format!("main:changes/{id}.json")]).is_ok());
    assert!(
        git(bare, &["show", &format!("main:{file}")]).is_err(),
        "{file} was pushed unapproved"
    );
    Ok(id)
}

#[test]
fn three_people_take_a_production_rollout_from_a_file_edit_to_published_and_verify_checks_it()
-> TestResult {
    if !keyring_session() {
        return Ok(());
    }
    let root = tempfile::tempdir()?;
    let bare = root.path().join("remote.git");
    std::fs::create_dir_all(&bare)?;
    git(&bare, &["init", "-q", "--bare"])?;
    let url = format!("file://{}", bare.display());
    let alice = Person::new(root.path(), "alice");
    let bob = Person::new(root.path(), "bob");
    let carol = Person::new(root.path(), "carol");

    // Alice starts the project as its first admin, builds it and pushes the first commit.
    alice.ok(&[
        "init",
        "alice",
        "--example",
        "--as",
        "alice",
        "--name",
        "Alice",
        "--email",
        "alice@example.com",
    ])?;
    let policy = alice.read("policy.json")?;
    assert_eq!(
        policy["groups"][0],
        json!({"key": "admins", "name": "Admins", "members": ["alice"]})
    );
    assert_eq!(
        policy["rules"][0],
        json!({"name": "Governance", "when": {"governance": true},
               "require": {"approvals": 1, "from": ["group:admins"], "authorMayApprove": true}})
    );
    assert_eq!(alice.read("people/alice.json")?["id"], json!("alice"));
    let validated = alice.json(&["validate", "alice"])?;
    assert_eq!(validated["valid"], json!(true), "{validated}");
    alice.ok(&["build", "alice"])?;
    git(&alice.clone, &["init", "-q"])?;
    alice.git_identity()?;
    git(&alice.clone, &["add", "-A"])?;
    git(&alice.clone, &["commit", "-qm", "Start the project"])?;
    git(&alice.clone, &["remote", "add", "origin", &url])?;
    git(&alice.clone, &["push", "-q", "origin", "main"])?;
    let first = git(&alice.clone, &["rev-parse", "HEAD"])?;
    assert_eq!(
        verify(&alice.clone, &format!("{first}..{first}"))?.0,
        Some(0)
    );

    // Bob and Carol clone it and ask to join; Alice, the admin, approves and publishes both.
    for p in [&bob, &carol] {
        git(root.path(), &["clone", "-q", &url, p.id])?;
        p.git_identity()?;
    }
    let joins = [ask_to_join(&bob, &bare)?, ask_to_join(&carol, &bare)?];
    alice.sync()?;
    let listed = alice.change(&["list"])?;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    for id in &joins {
        let approved = alice.change(&["approve", id])?;
        assert_eq!(approved["status"], json!("approved"), "{approved}");
        let published = alice.change(&["publish", id])?;
        assert!(
            published["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("Publish {id}")))
        );
    }
    assert_eq!(remote_json(&bare, "people/bob.json")?["id"], json!("bob"));
    assert_eq!(
        remote_json(&bare, "people/carol.json")?["id"],
        json!("carol")
    );

    // Bob and Carol become the release managers (a governance change Alice may approve alone).
    let mut policy = alice.read("policy.json")?;
    policy["groups"][1]["members"] = json!(["bob", "carol"]);
    alice.write("policy.json", &policy)?;
    let request = alice.change(&[
        "create",
        "--title",
        "Bob and Carol manage releases",
        "policy.json",
    ])?;
    let id = request["request"]["id"].as_str().ok_or("id")?.to_owned();
    alice.change(&["approve", &id])?;
    alice.change(&["publish", &id])?;
    assert_eq!(
        remote_json(&bare, "policy.json")?["groups"][1]["members"],
        json!(["bob", "carol"])
    );

    // Alice edits the production rollout in her clone and proposes it.
    let before = production(&remote_json(&bare, FLAG)?);
    let mut flag = alice.read(FLAG)?;
    flag["environments"]["production"]["fallthrough"] = rollout(30);
    alice.write(FLAG, &flag)?;
    let request = alice.change(&[
        "create",
        "--title",
        "New checkout for 30% of production",
        FLAG,
    ])?;
    let rollout_id = request["request"]["id"].as_str().ok_or("id")?.to_owned();
    assert!(
        request["report"]["reasons"]
            .to_string()
            .contains("needs 1 more approval from Release managers"),
        "{request}"
    );
    // A plain sync carries the request and holds the edit back (GOV §4).
    let synced = alice.sync()?;
    assert_eq!(synced["heldBack"], json!([FLAG]), "{synced}");
    assert_eq!(
        production(&remote_json(&bare, FLAG)?),
        before,
        "an unpublished production edit was pushed"
    );
    assert_eq!(production(&alice.read(FLAG)?), rollout(30));
    let status = alice.json(&["status", alice.dir()?])?;
    assert_eq!(status["heldBack"], json!([FLAG]), "{status}");
    assert_eq!(status["toPush"], json!([]), "{status}");
    // Alice can neither approve her own change nor publish it unapproved (exit 1, with why).
    let own = alice.run(&["change", "--dir", alice.dir()?, "approve", &rollout_id])?;
    assert_eq!(own.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&own.stderr).contains("can't approve their own change"));
    let early = alice.run(&["change", "--dir", alice.dir()?, "publish", &rollout_id])?;
    assert_eq!(early.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&early.stderr).contains("Release managers"));

    // Bob, a release manager, approves it in his clone.
    bob.sync()?;
    let shown = bob.change(&["show", &rollout_id])?;
    assert_eq!(shown["status"], json!("open"));
    let commented = bob.change(&["comment", &rollout_id, "Watch the error rate"])?;
    assert_eq!(commented["request"]["comments"][0]["by"], json!("bob"));
    let approved = bob.change(&["approve", &rollout_id, "--comment", "Looks good"])?;
    assert_eq!(approved["status"], json!("approved"), "{approved}");
    bob.sync()?;

    // Alice publishes: one commit, pushed; her clone is clean at the remote head.
    let published = alice.change(&["publish", &rollout_id])?;
    let commit = published["commit"].as_str().ok_or("commit")?.to_owned();
    assert_eq!(git(&bare, &["rev-parse", "main"])?, commit);
    assert_eq!(git(&alice.clone, &["rev-parse", "HEAD"])?, commit);
    assert_eq!(git(&alice.clone, &["status", "--porcelain"])?, "");
    assert_eq!(production(&remote_json(&bare, FLAG)?), rollout(30));
    let record = remote_json(&bare, &format!("changes/{rollout_id}.json"))?;
    assert_eq!(record["status"], json!("published"));
    assert_eq!(record["published"]["by"], json!("alice"));

    // The audit log has who did what.
    let audit = alice.json(&["audit", "--dir", alice.dir()?])?;
    let actions: Vec<&str> = audit
        .as_array()
        .ok_or("audit")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["change.created", "change.approved", "change.published"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    let csv = alice.ok(&["audit", "--dir", alice.dir()?, "--format", "csv"])?;
    assert!(
        csv.starts_with("id,at,actor,action,source,details\r\n"),
        "{csv}"
    );

    // verify passes on the whole honest history, in Bob's clone too once he has synced.
    let whole = format!("{first}..HEAD");
    let (code, text) = verify(&alice.clone, &whole)?;
    assert_eq!(code, Some(0), "{text}");
    bob.sync()?;
    assert_eq!(verify(&bob.clone, &whole)?.0, Some(0));

    // Tampered copies of that history fail, each with its reason.
    let tampered = |name: &str,
                    edit: &dyn Fn(&Path) -> TestResult|
     -> Result<String, Box<dyn std::error::Error>> {
        git(root.path(), &["clone", "-q", &url, name])?;
        let dir = root.path().join(name);
        git(&dir, &["config", "user.name", "Mallory"])?;
        git(&dir, &["config", "user.email", "mallory@example.com"])?;
        edit(&dir)?;
        git(&dir, &["add", "-A"])?;
        git(&dir, &["commit", "-qm", "tampered"])?;
        let (code, text) = verify(&dir, &whole)?;
        assert_eq!(code, Some(1), "{name}: {text}");
        Ok(text)
    };
    let fd = |dir: &Path, args: &[&str]| -> TestResult {
        let out = Command::new(env!("CARGO_BIN_EXE_flagdeck"))
            .current_dir(dir)
            .args(args)
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "flagdeck {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(())
    };

    // A hand-edited production rollout pushed without a change request (dist/ rebuilt).
    let text = tampered("hand-edit", &|dir| {
        let path = dir.join(FLAG);
        let mut flag: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        flag["environments"]["production"]["fallthrough"] = rollout(100);
        std::fs::write(&path, serde_json::to_string_pretty(&flag)?)?;
        fd(dir, &["build"])
    })?;
    assert!(
        text.contains(&format!(
            "{FLAG}: production changed without a published change request"
        )),
        "{text}"
    );

    // dist/ edited by hand.
    let text = tampered("dist-edit", &|dir| {
        let path = dir.join("dist/production.flagd.json");
        let mut text = std::fs::read_to_string(&path)?;
        text = text.replacen("\"on\"", "\"off\"", 1);
        std::fs::write(&path, text)?;
        Ok(())
    })?;
    assert!(
        text.contains("dist/production.flagd.json: differs from a fresh build"),
        "{text}"
    );

    // A person added without a change request, and a policy weakened without one.
    let text = tampered("intruder", &|dir| {
        let mallory = json!({"id": "mallory", "name": "Mallory", "email": "m@example.com",
            "publicKey": "ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});
        std::fs::write(
            dir.join("people/mallory.json"),
            serde_json::to_string_pretty(&mallory)?,
        )?;
        Ok(())
    })?;
    assert!(
        text.contains("people/mallory.json: a person was added without a published change request"),
        "{text}"
    );
    let text = tampered("weakened", &|dir| {
        let path = dir.join("policy.json");
        let mut policy: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        policy["rules"]
            .as_array_mut()
            .ok_or("rules")?
            .retain(|r| r["name"] != "Production");
        std::fs::write(&path, serde_json::to_string_pretty(&policy)?)?;
        Ok(())
    })?;
    assert!(
        text.contains("policy.json: the policy was changed without a published change request"),
        "{text}"
    );

    // The honest publication redone with an approval by its author (validly signed by Alice's
    // key, read from the keyring) instead of Bob's.
    let (_, key) = flagdeck_app::App::open(flagdeck_app::AppConfig {
        data_dir: alice.data.clone(),
        identity: flagdeck_app::Identity {
            name: "Alice".into(),
            email: "alice@example.com".into(),
        },
        secrets: std::sync::Arc::new(flagdeck_sync::KeyringSecretStore::platform_default()),
        clock: std::sync::Arc::new(flagdeck_app::SystemClock),
        events: flagdeck_app::no_events(),
    })?
    .signing_key()?;
    let change_path = format!("changes/{rollout_id}.json");
    git(root.path(), &["clone", "-q", &url, "self-approved"])?;
    let dir = root.path().join("self-approved");
    git(&dir, &["config", "user.name", "Alice"])?;
    git(&dir, &["config", "user.email", "alice@example.com"])?;
    git(&dir, &["reset", "-q", "--soft", "HEAD~1"])?;
    let mut record: flagdeck_core::governance::ChangeRequest =
        serde_json::from_slice(&std::fs::read(dir.join(&change_path))?)?;
    let approval = flagdeck_core::governance::sign(
        &key,
        "alice",
        &record,
        flagdeck_core::governance::Decision::Approve,
        "2026-11-21T10:00:00Z",
        None,
    );
    record.approvals = vec![approval];
    std::fs::write(
        dir.join(&change_path),
        flagdeck_core::format::to_canonical_json(&record),
    )?;
    git(&dir, &["add", "-A"])?;
    git(&dir, &["commit", "-qm", "Publish it myself"])?;
    let (code, text) = verify(&dir, &whole)?;
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&change_path) && text.contains("can't approve their own change"),
        "{text}"
    );
    Ok(())
}
