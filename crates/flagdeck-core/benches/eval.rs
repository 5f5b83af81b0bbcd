//! Evaluations per second of the native evaluator (criterion reports them as elements/s).
//!
//! Targets (issue item 3): ≥ 10 M/s for a flag with three rules over segments, ≥ 15 M/s for a
//! flag whose fallthrough is a rollout. `cargo bench -p flagdeck-core --bench eval`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flagdeck_core::eval::{evaluate, explain, fixtures};
use serde_json::{Map, Value, json};

fn context(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn bench(c: &mut Criterion) {
    let project = fixtures::bench_project();
    let rules_flag = project.flag_id("three-rules").unwrap_or_default();
    let rollout_flag = project.flag_id("rollout").unwrap_or_default();
    let env = project.env_id("production").unwrap_or_default();
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
