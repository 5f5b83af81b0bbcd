// Preview and rebucketing impact at the 10,000-flag size (issue 6; docs/BENCHMARKS.md
// "Preview and rebucketing"): the core's work, without the cache or Git. It lives here because
// this crate already has the benchmark project's generator as a dev-dependency.
//
// Targets: well under a second for a preview of every flag for one context in 3 environments,
// and for a rebucketing impact over 10,000 generated contexts.
// `cargo bench -p flagdeck-app --bench preview`.
//
// Setup (untimed, once): the large project (`flagdeck_testgen::large`, seed 7) decoded into a
// snapshot, as the app keeps its base; drafts that raise a rule's weight on 10 flags.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use flagdeck_core::preview::{self, Drafts, PreviewRequest};
use flagdeck_core::rebucket;
use flagdeck_core::sample::generate::generate;
use flagdeck_core::sync_plan::Snapshot;
use serde_json::json;

const AT: i64 = 1_796_115_600;

fn setup() -> (Snapshot, Drafts) {
    let files = flagdeck_testgen::large::large_project(10_000, 1_000, 7);
    let (base, diagnostics) = Snapshot::from_files(&files);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let mut drafts = Drafts::default();
    for i in 0..10 {
        let key = format!("flag-{i:05}");
        let mut flag = base.flags.get(&key).cloned().expect("a bench flag");
        for env in flag.environments.values_mut() {
            for rule in &mut env.rules {
                if let Some(rollout) = &mut rule.serve.rollout {
                    rollout[0].weight = serde_json::Number::from(60);
                    rollout[1].weight = serde_json::Number::from(40);
                }
            }
            env.fallthrough = flagdeck_core::model::Serve {
                rollout: Some(serde_json::from_value(json!([
                    {"variation": "v0", "weight": 30}, {"variation": flag.variations.last().map(|v| v.key.clone()).unwrap_or_default(), "weight": 70}
                ])).expect("a rollout")),
                ..Default::default()
            };
        }
        drafts.saved.flags.insert(key, flag);
    }
    (base, drafts)
}

fn benches(c: &mut Criterion) {
    let (base, drafts) = setup();
    let project = base.project.clone().expect("a project");
    let context = generate(&project, 1, 3, AT).pop().expect("a context");
    let environments: Vec<String> = ["development", "staging", "production"]
        .map(str::to_owned)
        .to_vec();
    let request = PreviewRequest {
        context: &context,
        at: AT,
        environments: &environments,
        keys: None,
    };
    let result = preview::preview(&base, &drafts, &request);
    assert_eq!(result.flags.len(), 10_000);
    let drafted_cells = result
        .flags
        .iter()
        .flat_map(|f| &f.environments)
        .filter(|c| c.draft.is_some())
        .count();
    assert_eq!(
        drafted_cells, 30,
        "only the drafted flags are evaluated twice"
    );

    let mut group = c.benchmark_group("preview");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("published_side_all_flags", |b| {
        b.iter(|| black_box(preview::published(&base, None)))
    });
    // The app's steady state: the published side is kept per base commit.
    let published = preview::published(&base, None);
    group.bench_function("all_flags_3_envs", |b| {
        b.iter(|| black_box(preview::preview_with(&base, &published, &drafts, &request)))
    });
    // The first preview of a base: resolving every published flag too.
    group.bench_function("all_flags_3_envs_cold", |b| {
        b.iter(|| black_box(preview::preview(&base, &drafts, &request)))
    });
    let keys: Vec<String> = (0..10).map(|i| format!("flag-{i:05}")).collect();
    let some = PreviewRequest {
        keys: Some(&keys),
        ..request
    };
    group.bench_function("ten_flags_3_envs", |b| {
        b.iter(|| black_box(preview::preview(&base, &drafts, &some)))
    });
    group.finish();

    let contexts = generate(&project, 10_000, 5, AT);
    let key = "flag-00000";
    let only: BTreeSet<String> = [key.to_owned()].into();
    let measure = || {
        let published = preview::published(&base, Some(&only));
        let drafted = preview::drafted(&base, &drafts, Some(&only));
        rebucket::impact(&published, &drafted, key, &contexts, AT, Vec::new())
    };
    let impact = measure();
    assert_eq!(impact.environments.len(), 3);
    assert!(
        impact.environments.iter().any(|e| e.changed > 0),
        "{impact:?}"
    );
    assert!(!impact.triggers.is_empty());

    let mut group = c.benchmark_group("rebucket");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("impact_10k_contexts_3_envs", |b| {
        b.iter(|| black_box(measure()))
    });
    group.bench_function("generate_10k_contexts", |b| {
        b.iter(|| black_box(generate(&project, 10_000, 5, AT)))
    });
    group.bench_function("read_csv_10k_rows", |b| {
        let mut csv =
            String::from("targetingKey,country,plan,companyId,age,beta,appVersion,signupAt\n");
        for c in &contexts {
            let cell = |k: &str| {
                c.get(k)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .unwrap_or_default()
            };
            let row: Vec<String> = [
                "targetingKey",
                "country",
                "plan",
                "companyId",
                "age",
                "beta",
                "appVersion",
                "signupAt",
            ]
            .iter()
            .map(|k| cell(k))
            .collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        b.iter(|| {
            black_box(flagdeck_core::sample::csv::read_contexts(
                &project,
                csv.as_bytes(),
            ))
        })
    });
    group.finish();
}

criterion_group!(preview_benches, benches);
criterion_main!(preview_benches);
