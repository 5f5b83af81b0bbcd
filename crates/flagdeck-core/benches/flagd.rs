//! The flagd evaluator's hot paths: resolving a targeted flag and a fractional flag, and loading
//! a 10,000-flag file. Targets (issue item 5): ≥ 7.5 M targeted and ≥ 9 M fractional
//! resolutions per second on one core, a 10k-flag load under 100 ms.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flagdeck_core::flagd::{Definitions, FlagdType};
use serde_json::{Map, Value, json};
use std::hint::black_box;

const NOW: i64 = 1_700_000_000;

fn file() -> String {
    json!({"flags": {
        "targeted": {
            "state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": {"if": [
                {"and": [
                    {"in": [{"var": "country"}, ["DE", "FR", "US", "GB"]]},
                    {"===": [{"var": "plan"}, "pro"]},
                    {"!": {"starts_with": [{"var": "email"}, "qa-"]}}
                ]}, "on",
                {"ends_with": [{"var": "email"}, "@acme.com"]}, "on",
                "off"
            ]}
        },
        "rollout": {
            "state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": {"fractional": [
                {"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]},
                ["on", 20000], ["off", 80000]
            ]}
        }
    }})
    .to_string()
}

fn contexts() -> Vec<Map<String, Value>> {
    let countries = ["DE", "FR", "JP", "US"];
    let plans = ["pro", "free"];
    (0..64)
        .map(|i| {
            let ctx = json!({
                "targetingKey": format!("user-{i}"),
                "country": countries[i % countries.len()],
                "plan": plans[i % plans.len()],
                "email": if i % 3 == 0 { format!("qa-{i}@acme.com") } else { format!("user{i}@example.com") },
            });
            match ctx {
                Value::Object(m) => m,
                _ => Map::new(),
            }
        })
        .collect()
}

fn resolve(c: &mut Criterion) {
    let defs = Definitions::parse(&file()).expect("bench file parses");
    let ctxs = contexts();
    let mut group = c.benchmark_group("flagd_resolve");
    group.throughput(Throughput::Elements(1));
    for key in ["targeted", "rollout"] {
        let mut i = 0usize;
        group.bench_function(key, |b| {
            b.iter(|| {
                i = (i + 1) % ctxs.len();
                let ctx = &ctxs[i];
                black_box(defs.resolve(black_box(key), FlagdType::Boolean, None, ctx, NOW))
            })
        });
    }
    group.finish();
}

/// 10,000 flags, each with a targeting of a few conditions and a rollout.
fn big_file() -> String {
    let mut flags = Map::new();
    for i in 0..10_000 {
        let flag = json!({
            "state": "ENABLED",
            "variants": {"on": true, "off": false},
            "defaultVariant": "off",
            "targeting": {"if": [
                {"in": [{"var": "country"}, ["DE", "FR"]]},
                {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]}, ["on", i % 100], ["off", 100 - i % 100]]},
                {"sem_ver": [{"var": "appVersion"}, ">=", "1.2.3"]}, "on",
                "off"
            ]},
            "metadata": {"owner": "team"}
        });
        flags.insert(format!("flag-{i:05}"), flag);
    }
    json!({"flags": flags}).to_string()
}

fn load(c: &mut Criterion) {
    let text = big_file();
    let mut group = c.benchmark_group("flagd_load");
    group.sample_size(10);
    // Loading, not freeing: the previous result is dropped outside the measurement.
    group.bench_function("10k_flags", |b| {
        b.iter_with_large_drop(|| Definitions::parse(black_box(&text)))
    });
    // Loading, then preparing every flag's targeting (which `parse` leaves to first use).
    group.bench_function("10k_flags_all_compiled", |b| {
        b.iter_with_large_drop(|| {
            let defs = Definitions::parse(black_box(&text));
            if let Ok(defs) = &defs {
                for key in defs.flag_keys() {
                    black_box(defs.flag(key).and_then(|f| f.logic()).is_some());
                }
            }
            defs
        })
    });
    // The floor: serde_json alone parsing the same text into a `Value`.
    group.bench_function("10k_flags_json_only", |b| {
        b.iter_with_large_drop(|| serde_json::from_str::<Value>(black_box(&text)).is_ok())
    });
    group.finish();
}

/// Leaves the two files in `target/bench-flagd/`, so that `bench/flagd-core.mjs` measures
/// @openfeature/flagd-core on exactly the same input.
fn write_files(_: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-flagd");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join("two-flags.flagd.json"), file()))
        .and_then(|()| std::fs::write(dir.join("10k-flags.flagd.json"), big_file()));
    if let Err(e) = written {
        eprintln!("could not write the bench files for flagd-core: {e}");
    }
}

criterion_group!(benches, write_files, resolve, load);
criterion_main!(benches);
