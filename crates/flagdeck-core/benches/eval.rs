//! Evaluations per second of the native evaluator (criterion reports them as elements/s).
//!
//! Targets (issue item 3): ≥ 10 M/s for a flag with three rules over segments, ≥ 15 M/s for a
//! flag whose fallthrough is a rollout. `cargo bench -p flagdeck-core --bench eval`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flagdeck_core::checked::Project;
use flagdeck_core::eval::{evaluate, explain};
use flagdeck_core::format::SourceFile;
use flagdeck_core::resolution::Reason;
use serde_json::{Map, Value, json};

/// A flag with three rules over segments (one or two conditions each), and a flag whose
/// fallthrough is a 20/80 rollout, built through validation like a real project.
fn project() -> Project {
    let files = [
        (
            "flagdeck.json",
            json!({"format": 1, "name": "Bench", "bucketBy": "targetingKey",
                "environments": [{"key": "production", "name": "Production"}],
                "attributes": [
                    {"key": "targetingKey", "type": "string"}, {"key": "beta", "type": "boolean"},
                    {"key": "plan", "type": "string"}, {"key": "country", "type": "string"},
                    {"key": "age", "type": "number"}, {"key": "appVersion", "type": "semver"}]}),
        ),
        (
            "segments/beta-testers.json",
            json!({"key": "beta-testers", "name": "Beta testers", "include": ["user-1"], "exclude": ["user-9"],
                "when": {"any": [{"attribute": "beta", "op": "is_true"},
                                 {"attribute": "plan", "op": "in", "values": ["pro"]}]}}),
        ),
        (
            "segments/eu-adults.json",
            json!({"key": "eu-adults", "name": "EU adults",
                "when": {"all": [{"attribute": "country", "op": "in", "values": ["DE", "FR", "IT"]},
                                 {"attribute": "age", "op": "gte", "value": 18}]}}),
        ),
        (
            "segments/new-app.json",
            json!({"key": "new-app", "name": "New app",
                "when": {"attribute": "appVersion", "op": "semver_gte", "value": "2.0.0"}}),
        ),
        (
            "flags/three-rules.json",
            json!({"key": "three-rules", "name": "Three rules", "type": "boolean",
                "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "environments": {"production": {"enabled": true, "offVariation": "off",
                    "rules": [
                        {"id": "beta", "when": {"segment": "beta-testers"}, "serve": {"variation": "on"}},
                        {"id": "eu", "when": {"segment": "eu-adults"},
                         "serve": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}},
                        {"id": "new-app", "when": {"segment": "new-app"}, "serve": {"variation": "on"}}],
                    "fallthrough": {"variation": "off"}}}}),
        ),
        (
            "flags/rollout.json",
            json!({"key": "rollout", "name": "Rollout", "type": "boolean",
                "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
                "environments": {"production": {"enabled": true, "offVariation": "off",
                    "fallthrough": {"rollout": [{"variation": "on", "weight": 20}, {"variation": "off", "weight": 80}]}}}}),
        ),
    ];
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, v)| SourceFile::new(*path, v.to_string()))
        .collect();
    let checked = flagdeck_core::validate::check(&files);
    match checked.project {
        Some(project) => project,
        None => panic!("the bench project is invalid: {:#?}", checked.diagnostics),
    }
}

fn context(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn bench(c: &mut Criterion) {
    let project = project();
    let rules_flag = project.flag_id("three-rules").expect("flag three-rules");
    let rollout_flag = project.flag_id("rollout").expect("flag rollout");
    let env = project
        .env_id("production")
        .expect("environment production");
    // Tries all three rules and matches none: the slowest path through the rules.
    let no_match = context(json!({
        "targetingKey": "user-5", "beta": false, "plan": "free", "country": "US", "age": 30, "appVersion": "1.9.0"
    }));
    // One context per rule, and one that falls through.
    let mixed: Vec<Map<String, Value>> = [
        json!({"targetingKey": "user-7", "beta": true, "country": "US"}),
        json!({"targetingKey": "user-8", "country": "FR", "age": 40}),
        json!({"targetingKey": "user-9", "country": "US", "appVersion": "2.1.0"}),
        json!({"targetingKey": "user-10", "plan": "free", "country": "DE", "age": 12}),
    ]
    .into_iter()
    .map(context)
    .collect();
    let user = context(json!({"targetingKey": "user-42", "country": "DE"}));
    let at = 1_796_115_600;

    // Measure the intended paths: no rule matches; then rule 1, 2 (a split), 3, and none.
    let reason = |flag, ctx: &Map<String, Value>| evaluate(&project, env, flag, ctx, at).reason;
    assert_eq!(reason(rules_flag, &no_match), Reason::Default);
    let mixed_reasons: Vec<Reason> = mixed.iter().map(|ctx| reason(rules_flag, ctx)).collect();
    assert_eq!(
        mixed_reasons,
        [
            Reason::TargetingMatch,
            Reason::Split,
            Reason::TargetingMatch,
            Reason::Default
        ]
    );
    assert_eq!(reason(rollout_flag, &user), Reason::Split);

    let mut group = c.benchmark_group("eval");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(1));
    group.bench_function("three_rules_no_match", |b| {
        b.iter(|| evaluate(&project, env, rules_flag, black_box(&no_match), at))
    });
    group.throughput(Throughput::Elements(mixed.len() as u64));
    group.bench_function("three_rules_mixed", |b| {
        b.iter(|| {
            for ctx in &mixed {
                black_box(evaluate(&project, env, rules_flag, black_box(ctx), at));
            }
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("rollout_fallthrough", |b| {
        b.iter(|| evaluate(&project, env, rollout_flag, black_box(&user), at))
    });
    group.bench_function("explain_three_rules", |b| {
        b.iter(|| explain(&project, env, rules_flag, black_box(&no_match), at))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
