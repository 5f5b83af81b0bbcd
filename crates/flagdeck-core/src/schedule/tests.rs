use serde_json::{Value, json};

use super::*;
use crate::diag::Code;
use crate::instant::parse_rfc3339;
use crate::sync_plan::{EntityId, Snapshot};

fn t(text: &str) -> i64 {
    parse_rfc3339(text)
        .map(|p| p.seconds)
        .expect("a test instant")
}

fn project() -> Value {
    json!({
        "format": 1, "name": "Acme",
        "environments": [{"key": "staging", "name": "Staging"}, {"key": "production", "name": "Production"}],
        "freezes": [
            {"name": "Black Friday", "from": "2026-11-27T00:00:00Z", "to": "2026-11-30T00:00:00Z",
             "environments": ["production"]}
        ]
    })
}

fn flag(schedule: Value) -> Value {
    json!({
        "key": "new-checkout", "name": "New checkout", "type": "boolean", "tags": ["checkout"],
        "variations": [{"key": "on", "name": "On", "value": true}, {"key": "off", "name": "Off", "value": false}],
        "environments": {
            "production": {"enabled": true, "offVariation": "off",
                           "rules": [{"id": "eu", "name": "EU", "serve": {"variation": "off"}}],
                           "fallthrough": {"variation": "off"}, "schedule": schedule.clone()},
            "staging": {"enabled": true, "offVariation": "off", "fallthrough": {"variation": "off"},
                        "schedule": schedule}
        }
    })
}

fn snapshot(flags: &[Value]) -> Snapshot {
    let mut s = Snapshot::default();
    s.insert_json(&EntityId::Project, &project())
        .expect("project");
    for f in flags {
        let key = f["key"].as_str().expect("key").to_owned();
        s.insert_json(&EntityId::Flag(key), f).expect("flag");
    }
    s
}

fn summary_of(step: Value) -> String {
    let file: crate::model::FlagFile =
        serde_json::from_value(flag(json!([step.clone()]))).expect("flag");
    let prod = &file.environments["production"];
    step_summary(&file, prod, &prod.schedule[0])
}

fn staging_summary_of(step: Value) -> String {
    let file: crate::model::FlagFile =
        serde_json::from_value(flag(json!([step.clone()]))).expect("flag");
    let env = &file.environments["staging"];
    step_summary(&file, env, &env.schedule[0])
}

#[test]
fn steps_are_summarised_in_plain_words() {
    let at = "2026-12-01T09:00:00Z";
    assert_eq!(
        staging_summary_of(json!({"at": at, "fallthrough": {"variation": "on"}})),
        "Everyone gets On"
    );
    assert_eq!(
        summary_of(json!({"at": at, "fallthrough": {"variation": "on"}})),
        "Everyone else gets On",
        "with rules, the default rule serves only the rest"
    );
    assert_eq!(
        summary_of(json!({"at": at, "fallthrough": {"rollout": [
            {"variation": "on", "weight": 5}, {"variation": "off", "weight": 95}]}})),
        "Rollout: On 5%, Off 95%"
    );
    assert_eq!(
        summary_of(json!({"at": at, "fallthrough": {"rollout": [
            {"variation": "on", "weight": 33.333}, {"variation": "off", "weight": 66.667}]}})),
        "Rollout: On 33.333%, Off 66.667%"
    );
    assert_eq!(
        summary_of(json!({"at": at, "enabled": false})),
        "Kill switch on"
    );
    assert_eq!(
        summary_of(json!({"at": at, "rules": {"eu": {"serve": {"variation": "on"}}}})),
        "Rule 'EU' serves On"
    );
    assert_eq!(
        summary_of(json!({"at": at, "rules": {"eu": {"serve": {"rollout": [
            {"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}}})),
        "Rule 'EU' rollout: On 20%, Off 80%"
    );
    assert_eq!(
        summary_of(json!({"at": at, "fallthrough": {"ramp": {
            "from": at, "to": "2026-12-05T09:00:00Z", "variation": "on", "fromWeight": 0, "toWeight": 100}}})),
        "Ramp On 0% → 100% until Sat 5 Dec 2026 09:00 UTC"
    );
    assert_eq!(
        summary_of(json!({"at": at, "enabled": true, "fallthrough": {"variation": "on"}})),
        "Kill switch off; Everyone else gets On"
    );
    assert_eq!(summary_of(json!({"at": at})), "Changes nothing");
}

fn steps() -> Value {
    json!([
        {"at": "2026-11-28T09:00:00Z", "fallthrough": {"rollout": [
            {"variation": "on", "weight": 5}, {"variation": "off", "weight": 95}]}},
        {"at": "2026-11-28T09:30:00Z", "fallthrough": {"rollout": [
            {"variation": "on", "weight": 25}, {"variation": "off", "weight": 75}]}},
        {"at": "2026-12-01T09:00:00Z", "fallthrough": {"ramp": {"from": "2026-12-01T09:00:00Z",
            "to": "2026-12-05T09:00:00Z", "variation": "on", "fromWeight": 25, "toWeight": 100}}}
    ])
}

fn codes(entry: &CalendarEntry) -> Vec<CalendarWarningCode> {
    entry.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn the_calendar_lists_every_step_in_the_window_sorted_with_warnings() {
    let base = snapshot(&[flag(steps())]);
    let now = t("2026-11-01T00:00:00Z");
    let all = calendar(
        &base,
        &base,
        t("2026-11-01T00:00:00Z"),
        t("2027-01-01T00:00:00Z"),
        now,
    );
    assert_eq!(all.len(), 6, "three steps in each of two environments");
    let order: Vec<(&str, &str)> = all
        .iter()
        .map(|e| (e.at.as_str(), e.environment.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("2026-11-28T09:00:00Z", "production"),
            ("2026-11-28T09:00:00Z", "staging"),
            ("2026-11-28T09:30:00Z", "production"),
            ("2026-11-28T09:30:00Z", "staging"),
            ("2026-12-01T09:00:00Z", "production"),
            ("2026-12-01T09:00:00Z", "staging"),
        ]
    );
    let first = &all[0];
    assert_eq!(first.flag, "new-checkout");
    assert_eq!(first.flag_name, "New checkout");
    assert_eq!(first.tags, ["checkout"]);
    assert_eq!(first.summary, "Rollout: On 5%, Off 95%");
    assert!(!first.unpublished);
    assert_eq!(first.ramp_ends_at, None);
    // Production is frozen over Black Friday; staging is not.
    assert_eq!(
        codes(first),
        [
            CalendarWarningCode::CloseSteps,
            CalendarWarningCode::InFreeze
        ]
    );
    assert_eq!(
        first.warnings[0].message,
        "Another step of this flag in Production is 30 minutes away (at 28 Nov 2026 09:30 UTC); steps less than an hour apart are easy to get wrong."
    );
    assert_eq!(
        first.warnings[1].message,
        "This step falls inside the freeze 'Black Friday' (27 Nov 2026 00:00 UTC to 30 Nov 2026 00:00 UTC) of Production."
    );
    assert_eq!(codes(&all[1]), [CalendarWarningCode::CloseSteps]);
    let ramp = &all[4];
    assert_eq!(ramp.ramp_ends_at.as_deref(), Some("2026-12-05T09:00:00Z"));
    assert!(codes(ramp).is_empty(), "{:?}", ramp.warnings);

    // The window is half-open and cuts by the step's instant.
    let december = calendar(
        &base,
        &base,
        t("2026-12-01T09:00:00Z"),
        t("2026-12-01T09:00:01Z"),
        now,
    );
    assert_eq!(december.len(), 2);
    let none = calendar(
        &base,
        &base,
        t("2026-11-28T09:30:01Z"),
        t("2026-12-01T09:00:00Z"),
        now,
    );
    assert!(none.is_empty());
}

#[test]
fn close_steps_is_one_hour_exclusive() {
    let hour_apart = json!([
        {"at": "2026-12-01T09:00:00Z", "enabled": false},
        {"at": "2026-12-01T10:00:00Z", "enabled": true}
    ]);
    let s = snapshot(&[flag(hour_apart)]);
    let all = calendar(&s, &s, 0, i64::MAX, 0);
    assert!(all.iter().all(|e| e.warnings.is_empty()), "{all:#?}");
    assert_eq!(CLOSE_STEPS_SECONDS, 3600);
}

#[test]
fn drafts_are_unpublished_and_past_ones_are_flagged() {
    let base = snapshot(&[flag(steps())]);
    let mut changed = steps();
    // The draft moves the ramp and adds a step; the first two steps stay as published.
    changed[2]["at"] = json!("2026-12-02T09:00:00Z");
    changed[2]["fallthrough"]["ramp"]["from"] = json!("2026-12-02T09:00:00Z");
    changed
        .as_array_mut()
        .expect("steps")
        .push(json!({"at": "2026-12-10T09:00:00Z", "fallthrough": {"variation": "on"}}));
    let current = snapshot(&[flag(changed)]);
    let now = t("2026-12-03T00:00:00Z");
    let all = calendar(&base, &current, 0, i64::MAX, now);
    let production: Vec<&CalendarEntry> = all
        .iter()
        .filter(|e| e.environment == "production")
        .collect();
    let unpublished: Vec<bool> = production.iter().map(|e| e.unpublished).collect();
    assert_eq!(unpublished, [false, false, true, true]);
    // The published steps are in the past too, but that is history: no warning.
    assert!(!codes(production[0]).contains(&CalendarWarningCode::InPast));
    assert_eq!(codes(production[2]), [CalendarWarningCode::InPast]);
    assert_eq!(
        production[2].warnings[0].message,
        "This unpublished step is at 2 Dec 2026 09:00 UTC, which has passed, so it cannot be published; move it to a later time."
    );
    assert!(codes(production[3]).is_empty());
    // A flag that only exists as a draft: every step is unpublished.
    let empty = snapshot(&[]);
    assert!(
        calendar(&empty, &current, 0, i64::MAX, now)
            .iter()
            .all(|e| e.unpublished)
    );
}

#[test]
fn past_steps_added_or_changed_by_drafts_are_refused() {
    let base = snapshot(&[flag(steps())]);
    let now = t("2026-12-03T00:00:00Z");
    assert!(
        past_steps(&base, &base, now).is_empty(),
        "published history is fine"
    );

    let mut changed = steps();
    changed[2]["fallthrough"]["ramp"]["toWeight"] = json!(50);
    changed
        .as_array_mut()
        .expect("steps")
        .push(json!({"at": "2026-12-10T09:00:00Z", "fallthrough": {"variation": "on"}}));
    let current = snapshot(&[flag(changed)]);
    let found = past_steps(&base, &current, now);
    let located: Vec<(Code, &str, &str)> = found
        .iter()
        .map(|d| (d.code, d.file.as_str(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        located,
        [
            (
                Code::ScheduleInPast,
                "flags/new-checkout.json",
                "/environments/production/schedule/2/at"
            ),
            (
                Code::ScheduleInPast,
                "flags/new-checkout.json",
                "/environments/staging/schedule/2/at"
            ),
        ]
    );
    assert!(found.iter().all(|d| d.is_error()));
    assert_eq!(
        found[0].message,
        "Flag 'new-checkout' in Production: the schedule step at 1 Dec 2026 09:00 UTC is in the past, so publishing it would apply it at once; move it to a later time or remove it."
    );
    // Before the step's time, the same draft is fine.
    assert!(past_steps(&base, &current, t("2026-12-01T08:59:59Z")).is_empty());
    // A new flag's past steps are new too.
    assert_eq!(past_steps(&snapshot(&[]), &current, now).len(), 6);
}
