//! The release calendar and the publish-time schedule check through the app (issue 6): real
//! SQLite in a data folder, a real bare Git remote over file://, the app's clock fixed by the
//! test. The example project's steps are static dates (Dec 2026 to Mar 2027), so every test
//! sets the clock where it needs it rather than trusting the machine's date.

mod support;

use flagdeck_app::{EntityRef, ErrorCode, SyncOptions, SyncResult};
use flagdeck_core::diag::Code;
use flagdeck_core::format::{SourceFile, to_canonical_json};
use flagdeck_core::instant::parse_rfc3339;
use flagdeck_core::schedule::{CalendarEntry, CalendarWarningCode};
use serde_json::{Value, json};
use support::*;

fn at(text: &str) -> i64 {
    parse_rfc3339(text).map(|p| p.seconds).unwrap_or_default()
}

/// Sets the app's clock to `text`.
fn set_clock(t: &TestApp, text: &str) {
    t.clock.advance(at(text) - t.clock_now());
}

trait ClockNow {
    fn clock_now(&self) -> i64;
}

impl ClockNow for TestApp {
    fn clock_now(&self) -> i64 {
        use flagdeck_app::Clock;
        self.clock.now()
    }
}

fn find<'a>(entries: &'a [CalendarEntry], flag: &str, env: &str, when: &str) -> &'a CalendarEntry {
    entries
        .iter()
        .find(|e| e.flag == flag && e.environment == env && e.at == when)
        .unwrap_or_else(|| panic!("no step of {flag} in {env} at {when}: {entries:#?}"))
}

fn codes(entry: &CalendarEntry) -> Vec<CalendarWarningCode> {
    entry.warnings.iter().map(|w| w.code).collect()
}

fn step(when: &str, variation: &str) -> Value {
    json!({"at": when, "fallthrough": {"variation": variation}})
}

#[test]
fn the_calendar_lists_every_step_with_drafts_unpublished_and_warnings() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let t = app(&root.path().join("alice"), "Alice")?;
    let ws = t.app.create_git_workspace("Shop", &url)?.id;
    set_clock(&t, "2026-11-21T12:00:00Z");

    let info = t.app.project_info(ws)?;
    assert_eq!(info.freezes.len(), 1);
    assert_eq!(info.freezes[0].name, "Spring sale");
    assert_eq!(info.freezes[0].environments, ["production"]);

    let published = t
        .app
        .calendar(ws, "2026-11-01T00:00:00Z", "2027-04-01T00:00:00Z")?;
    assert!(published.len() >= 12, "{published:#?}");
    assert!(published.iter().all(|e| !e.unpublished));
    assert!(
        published.windows(2).all(|w| w[0].at <= w[1].at),
        "sorted by time"
    );
    let close = find(
        &published,
        "onboarding-tour",
        "production",
        "2027-03-08T09:00:00Z",
    );
    assert_eq!(close.summary, "Rollout: On 10%, Off 90%");
    assert_eq!(codes(close), [CalendarWarningCode::CloseSteps]);
    let frozen = find(
        &published,
        "legacy-export",
        "production",
        "2027-03-01T00:00:00Z",
    );
    assert_eq!(codes(frozen), [CalendarWarningCode::InFreeze]);
    assert!(frozen.warnings[0].message.contains("'Spring sale'"));
    let ramp = published
        .iter()
        .find(|e| e.ramp_ends_at.is_some())
        .ok_or("the example has a ramp")?;
    assert!(
        ramp.summary.to_lowercase().contains("ramp"),
        "{}",
        ramp.summary
    );

    // A draft adds a step: it is on the calendar at once, marked unpublished.
    edit_flag(&t.app, ws, "onboarding-tour", |f| {
        f["environments"]["staging"]["schedule"] = json!([step("2027-01-20T09:00:00Z", "off")]);
    })?;
    let now = t
        .app
        .calendar(ws, "2026-11-01T00:00:00Z", "2027-04-01T00:00:00Z")?;
    assert_eq!(now.len(), published.len() + 1);
    let added = find(&now, "onboarding-tour", "staging", "2027-01-20T09:00:00Z");
    assert!(added.unpublished);
    assert_eq!(added.summary, "Everyone gets Off");
    assert_eq!(added.flag_name, "Onboarding tour");
    assert_eq!(added.tags, ["growth"]);
    assert!(added.warnings.is_empty());
    assert_eq!(now.iter().filter(|e| e.unpublished).count(), 1);

    // Once its time has passed (the app's clock), the unpublished step says it cannot be
    // published; the published steps that passed too are history, without a warning.
    set_clock(&t, "2027-01-21T00:00:00Z");
    let later = t
        .app
        .calendar(ws, "2026-11-01T00:00:00Z", "2027-04-01T00:00:00Z")?;
    let added = find(&later, "onboarding-tour", "staging", "2027-01-20T09:00:00Z");
    assert_eq!(codes(added), [CalendarWarningCode::InPast]);
    assert!(
        later
            .iter()
            .filter(|e| !e.unpublished)
            .all(|e| !codes(e).contains(&CalendarWarningCode::InPast))
    );

    // The window is checked.
    let wrong = t
        .app
        .calendar(ws, "2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidInput);
    let garbled = t
        .app
        .calendar(ws, "next week", "2027-01-01T00:00:00Z")
        .unwrap_err();
    assert_eq!(garbled.field.as_deref(), Some("from"));
    Ok(())
}

#[test]
fn the_calendar_answers_through_the_command_surface() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let t = app(&root.path().join("alice"), "Alice")?;
    let ws = t.app.create_git_workspace("Shop", &url)?.id;
    let request = serde_json::from_value(json!({
        "command": "calendar",
        "args": {"workspaceId": ws, "from": "2027-03-08T00:00:00Z", "to": "2027-03-09T00:00:00Z"}
    }))?;
    let answer = t.app.call(request)?;
    let entries = answer.as_array().ok_or("a list")?;
    assert_eq!(entries.len(), 2, "{answer:#}");
    assert_eq!(entries[0]["flag"], "onboarding-tour");
    assert_eq!(entries[0]["flagName"], "Onboarding tour");
    assert_eq!(entries[0]["environment"], "production");
    assert_eq!(entries[0]["rampEndsAt"], Value::Null);
    assert_eq!(entries[0]["unpublished"], false);
    assert_eq!(entries[0]["warnings"][0]["code"], "closeSteps");
    let project = t.app.call(serde_json::from_value(
        json!({"command": "project", "args": {"workspaceId": ws}}),
    )?)?;
    assert_eq!(
        project["freezes"],
        json!([{"name": "Spring sale", "from": "2027-03-01T00:00:00Z",
                "to": "2027-03-03T00:00:00Z", "environments": ["production"]}])
    );
    Ok(())
}

#[test]
fn a_sync_refuses_a_draft_step_in_the_past_and_keeps_the_draft() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let t = app(&root.path().join("alice"), "Alice")?;
    let ws = t.app.create_git_workspace("Shop", &url)?.id;
    set_clock(&t, "2026-11-21T12:00:00Z");
    let remote_before = remote_file(&url, "flags/onboarding-tour.json")?;

    // Saving keeps the draft, with the problem located on the step.
    let mut flag = support::flag(&t.app, ws, "onboarding-tour")?;
    flag["environments"]["staging"]["schedule"] = json!([step("2026-11-20T09:00:00Z", "off")]);
    let saved = t
        .app
        .save_entity(ws, &EntityRef::flag("onboarding-tour"), &flag)?;
    let problem = saved
        .diagnostics
        .iter()
        .find(|d| d.code == Code::ScheduleInPast)
        .ok_or("the save reports the past step")?;
    assert_eq!(problem.pointer, "/environments/staging/schedule/0/at");

    let problems = t.app.validate(ws)?;
    let past: Vec<_> = problems
        .iter()
        .filter(|d| d.code == Code::ScheduleInPast)
        .collect();
    assert_eq!(past.len(), 1, "{problems:#?}");
    assert_eq!(past[0].file, "flags/onboarding-tour.json");
    assert_eq!(
        past[0].message,
        "Flag 'onboarding-tour' in Staging: the schedule step at 20 Nov 2026 09:00 UTC is in the past, so publishing it would apply it at once; move it to a later time or remove it."
    );

    // The sync refuses with code invalid and the sentence; nothing reaches the remote.
    let refused = t.app.sync(ws, &SyncOptions::default()).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    assert!(
        refused
            .message
            .contains("Flag 'onboarding-tour' in Staging: the schedule step at 20 Nov 2026 09:00 UTC is in the past"),
        "{}",
        refused.message
    );
    assert_eq!(
        remote_file(&url, "flags/onboarding-tour.json")?,
        remote_before
    );
    // Nothing lost: the draft is still there, step and all.
    let view = t.app.entity(ws, &EntityRef::flag("onboarding-tour"))?;
    assert!(view.has_draft);
    assert_eq!(
        view.json.as_ref().ok_or("a flag")?["environments"]["staging"]["schedule"][0]["at"],
        "2026-11-20T09:00:00Z"
    );

    // Moved to the future, the same draft is pushed.
    edit_flag(&t.app, ws, "onboarding-tour", |f| {
        f["environments"]["staging"]["schedule"][0]["at"] = json!("2026-11-23T09:00:00Z");
    })?;
    let pushed = t.app.sync(ws, &SyncOptions::default())?;
    assert_eq!(pushed.result, SyncResult::Pushed);
    assert!(remote_file(&url, "flags/onboarding-tour.json")?.contains("2026-11-23T09:00:00Z"));

    // Months later every published step is in the past: history, which never stops a sync.
    set_clock(&t, "2027-06-01T00:00:00Z");
    assert!(
        t.app
            .validate(ws)?
            .iter()
            .all(|d| d.code != Code::ScheduleInPast)
    );
    edit_flag(&t.app, ws, "new-checkout", |f| {
        f["description"] = json!("Shipped to everyone");
    })?;
    assert_eq!(
        t.app.sync(ws, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    Ok(())
}

/// The remote's URL, Alice's and Bob's apps and their workspace ids.
type Governed = (String, TestApp, TestApp, i64, i64);

/// Bob must approve production changes; Alice drafts, Bob approves, Alice publishes.
fn governed(root: &std::path::Path) -> Result<Governed, Box<dyn std::error::Error>> {
    let alice = app(&root.join("alice"), "Alice")?;
    let bob = app(&root.join("bob"), "Bob")?;
    let mut files = example();
    for (who, id, name) in [(&alice, "alice", "Alice"), (&bob, "bob", "Bob")] {
        let person = who
            .app
            .create_identity(id, name, &format!("{id}@example.com"))?;
        files.push(SourceFile::new(
            format!("people/{id}.json"),
            to_canonical_json(&person),
        ));
    }
    let policy = json!({
        "groups": [{"key": "release-managers", "name": "Release managers", "members": ["bob"]}],
        "rules": [{"name": "Production", "when": {"environments": ["production"]},
                   "require": {"approvals": 1, "from": ["group:release-managers"]}}]
    });
    files.push(SourceFile::new("policy.json", to_canonical_json(&policy)));
    let url = seeded_remote(root, &files)?;
    let wa = alice.app.create_git_workspace("Shop", &url)?.id;
    let wb = bob.app.create_git_workspace("Shop", &url)?.id;
    Ok((url, alice, bob, wa, wb))
}

#[test]
fn publishing_a_change_request_refuses_a_step_whose_time_has_passed() -> TestResult {
    let root = tempfile::tempdir()?;
    let (url, alice, bob, wa, wb) = governed(root.path())?;
    set_clock(&alice, "2026-11-21T12:00:00Z");
    set_clock(&bob, "2026-11-21T12:00:00Z");
    let remote_before = remote_file(&url, "flags/onboarding-tour.json")?;

    // Alice schedules a production step for tomorrow and asks for approval.
    let mut steps = support::flag(&alice.app, wa, "onboarding-tour")?["environments"]["production"]
        ["schedule"]
        .clone();
    steps
        .as_array_mut()
        .ok_or("steps")?
        .insert(0, step("2026-11-22T09:00:00Z", "on"));
    edit_flag(&alice.app, wa, "onboarding-tour", |f| {
        f["environments"]["production"]["schedule"] = steps;
    })?;
    let created = alice.app.create_change_request(
        wa,
        "Tour for everyone tomorrow",
        None,
        &[EntityRef::flag("onboarding-tour")],
    )?;
    let id = created.request.id.clone();
    assert_eq!(
        alice.app.sync(wa, &SyncOptions::default())?.result,
        SyncResult::Pushed
    );
    bob.app.sync(wb, &SyncOptions::default())?;
    assert!(bob.app.approve(wb, &id, None)?.report.publishable);
    bob.app.sync(wb, &SyncOptions::default())?;

    // The approval came late: the step's time has passed when Alice publishes.
    set_clock(&alice, "2026-11-22T10:00:00Z");
    let refused = alice.app.publish(wa, &id).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    assert!(
        refused.message.contains(
            "Flag 'onboarding-tour' in Production: the schedule step at 22 Nov 2026 09:00 UTC is in the past"
        ),
        "{}",
        refused.message
    );
    assert_eq!(
        remote_file(&url, "flags/onboarding-tour.json")?,
        remote_before
    );
    assert!(
        alice
            .app
            .entity(wa, &EntityRef::flag("onboarding-tour"))?
            .has_draft,
        "the draft is kept"
    );
    Ok(())
}

#[test]
fn a_folder_workspace_sync_refuses_a_past_step_and_leaves_the_file_alone() -> TestResult {
    let root = tempfile::tempdir()?;
    let url = seeded_remote(root.path(), &example())?;
    let folder = root.path().join("work");
    git(
        root.path(),
        &["clone", "-q", &url, folder.to_str().ok_or("path")?],
    )?;
    let t = app(&root.path().join("data"), "Ann")?;
    let ws = t.app.open_folder_workspace("Work", &folder)?.id;
    set_clock(&t, "2026-11-21T12:00:00Z");
    let remote_before = remote_file(&url, "flags/onboarding-tour.json")?;
    edit_flag(&t.app, ws, "onboarding-tour", |f| {
        f["environments"]["staging"]["schedule"] = json!([step("2026-11-20T09:00:00Z", "off")]);
    })
    .err()
    .ok_or("saving reports the past step as an error")?;

    let refused = t.app.sync(ws, &SyncOptions::default()).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    assert!(
        refused
            .message
            .contains("in Staging: the schedule step at 20 Nov 2026 09:00 UTC"),
        "{}",
        refused.message
    );
    assert_eq!(
        remote_file(&url, "flags/onboarding-tour.json")?,
        remote_before
    );
    // The edit is still in the user's file.
    let on_disk = std::fs::read_to_string(folder.join("flags/onboarding-tour.json"))?;
    assert!(on_disk.contains("2026-11-20T09:00:00Z"));
    Ok(())
}
