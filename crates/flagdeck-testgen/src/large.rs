//! The benchmark-size project (docs/BENCHMARKS.md): 10,000 flags of all four types over 1,000
//! segments and 3 environments, deterministic for a seed. `flagdeck-largegen` writes it to a
//! folder; the app's benches seed a Git remote with it.

use fastrand::Rng;
use flagdeck_core::format::{SourceFile, to_canonical_json};
use flagdeck_core::model::{
    AttributeDef, AttributeType, Condition, EnvironmentDef, FORMAT_VERSION, FlagEnvironment,
    FlagFile, FlagType, ProjectFile, Rule, ScheduleStep, SegmentFile, Serve, Target, Variation,
    WeightedVariation,
};
use indexmap::IndexMap;
use serde_json::{Number, Value, json};

/// The environments of the large project.
pub const ENVS: [&str; 3] = ["development", "staging", "production"];
const COUNTRIES: [&str; 8] = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "JP"];

/// The project's files: `flagdeck.json`, `segments/segment-NNNNN.json`, `flags/flag-NNNNN.json`.
pub fn large_project(flags: usize, segments: usize, seed: u64) -> Vec<SourceFile> {
    let mut rng = Rng::with_seed(seed);
    let mut files = vec![SourceFile::new(
        "flagdeck.json",
        to_canonical_json(&project()),
    )];
    for i in 0..segments {
        files.push(SourceFile::new(
            format!("segments/segment-{i:05}.json"),
            to_canonical_json(&segment(&mut rng, i)),
        ));
    }
    for i in 0..flags {
        files.push(SourceFile::new(
            format!("flags/flag-{i:05}.json"),
            to_canonical_json(&flag(&mut rng, i, segments)),
        ));
    }
    files
}

fn project() -> ProjectFile {
    let attr = |key: &str, kind| AttributeDef {
        key: key.to_owned(),
        kind,
        description: None,
        values: None,
    };
    ProjectFile {
        format: FORMAT_VERSION,
        name: "Large benchmark project".to_owned(),
        bucket_by: None,
        environments: ENVS
            .iter()
            .map(|k| EnvironmentDef {
                key: (*k).to_owned(),
                name: (*k).to_owned(),
                description: None,
            })
            .collect(),
        attributes: vec![
            attr("targetingKey", AttributeType::String),
            attr("country", AttributeType::String),
            attr("plan", AttributeType::String),
            attr("companyId", AttributeType::String),
            attr("age", AttributeType::Number),
            attr("beta", AttributeType::Boolean),
            attr("appVersion", AttributeType::Semver),
            attr("signupAt", AttributeType::Datetime),
        ],
        freezes: Vec::new(),
    }
}

fn leaf(attribute: &str, op: &str, value: Value) -> Condition {
    let mut c = Condition::leaf(attribute, op);
    match value {
        Value::Array(values) => c.values = Some(values),
        Value::Null => {}
        other => c.value = Some(other),
    }
    c
}

fn random_condition(rng: &mut Rng) -> Condition {
    match rng.usize(0..6) {
        0 => leaf(
            "country",
            "in",
            json!([COUNTRIES[rng.usize(0..8)], COUNTRIES[rng.usize(0..8)]]),
        ),
        1 => leaf(
            "plan",
            "equals",
            json!(["free", "pro", "enterprise"][rng.usize(0..3)]),
        ),
        2 => leaf("age", "gte", json!(rng.u32(16..70))),
        3 => leaf("beta", "is_true", Value::Null),
        4 => leaf(
            "appVersion",
            "semver_gte",
            json!(format!("{}.{}.0", rng.u32(1..5), rng.u32(0..10))),
        ),
        _ => leaf("signupAt", "after", json!("2025-01-01T00:00:00Z")),
    }
}

fn segment(rng: &mut Rng, i: usize) -> SegmentFile {
    let mut parts = vec![random_condition(rng), random_condition(rng)];
    // Every tenth segment nests an earlier one.
    if i >= 10 && i.is_multiple_of(10) {
        parts.push(Condition {
            segment: Some(format!("segment-{:05}", rng.usize(0..i))),
            ..Condition::default()
        });
    }
    SegmentFile {
        key: format!("segment-{i:05}"),
        name: format!("Segment {i}"),
        description: None,
        when: Some(Condition {
            any: Some(parts),
            ..Condition::default()
        }),
        include: (0..rng.usize(0..4))
            .map(|k| format!("user-{}", i * 10 + k))
            .collect(),
        exclude: (0..rng.usize(0..2))
            .map(|k| format!("user-{}", i * 10 + 5 + k))
            .collect(),
    }
}

fn weight(n: u32) -> Number {
    Number::from(n)
}

fn flag(rng: &mut Rng, i: usize, segments: usize) -> FlagFile {
    let (kind, values): (FlagType, Vec<Value>) = match i % 4 {
        0 => (FlagType::Boolean, vec![json!(true), json!(false)]),
        1 => (
            FlagType::String,
            vec![json!("#ff6b35"), json!("#1e88e5"), json!("#43a047")],
        ),
        2 => (FlagType::Number, vec![json!(10), json!(25), json!(50)]),
        _ => (
            FlagType::Object,
            vec![
                json!({"layout": "grid", "columns": 3}),
                json!({"layout": "list", "columns": 1}),
            ],
        ),
    };
    let variations: Vec<Variation> = values
        .into_iter()
        .enumerate()
        .map(|(k, value)| Variation {
            key: format!("v{k}"),
            name: Some(format!("Variation {k}")),
            description: None,
            value,
        })
        .collect();
    let last = format!("v{}", variations.len() - 1);
    let mut environments = IndexMap::new();
    for (e, env) in ENVS.iter().enumerate() {
        let mut rules = Vec::new();
        for r in 0..rng.usize(1..4) {
            let when = if segments > 0 && rng.bool() {
                Condition {
                    segment: Some(format!("segment-{:05}", rng.usize(0..segments))),
                    ..Condition::default()
                }
            } else {
                Condition {
                    all: Some(vec![random_condition(rng), random_condition(rng)]),
                    ..Condition::default()
                }
            };
            let serve = if rng.bool() {
                Serve::variation("v0")
            } else {
                let w = rng.u32(0..=100);
                Serve {
                    rollout: Some(vec![
                        WeightedVariation {
                            variation: "v0".to_owned(),
                            weight: weight(w),
                        },
                        WeightedVariation {
                            variation: last.clone(),
                            weight: weight(100 - w),
                        },
                    ]),
                    bucket_by: rng.bool().then(|| "companyId".to_owned()),
                    ..Serve::default()
                }
            };
            rules.push(Rule {
                id: format!("r{r}"),
                name: Some(format!("Rule {r}")),
                description: None,
                when: Some(when),
                serve,
            });
        }
        let schedule = if e == 2 && i.is_multiple_of(5) {
            vec![
                ScheduleStep {
                    at: "2026-12-01T09:00:00Z".to_owned(),
                    enabled: None,
                    fallthrough: Some(Serve {
                        rollout: Some(vec![
                            WeightedVariation {
                                variation: "v0".to_owned(),
                                weight: weight(25),
                            },
                            WeightedVariation {
                                variation: last.clone(),
                                weight: weight(75),
                            },
                        ]),
                        ..Serve::default()
                    }),
                    rules: IndexMap::new(),
                },
                ScheduleStep {
                    at: "2026-12-08T09:00:00Z".to_owned(),
                    enabled: None,
                    fallthrough: Some(Serve::variation("v0")),
                    rules: IndexMap::new(),
                },
            ]
        } else {
            Vec::new()
        };
        environments.insert(
            (*env).to_owned(),
            FlagEnvironment {
                enabled: rng.u8(0..10) > 0,
                off_variation: Some(last.clone()),
                targets: vec![Target {
                    variation: "v0".to_owned(),
                    keys: vec![format!("qa-{i}"), format!("qa-{}", i + 1)],
                }],
                rules,
                fallthrough: Serve::variation(last.clone()),
                schedule,
            },
        );
    }
    FlagFile {
        key: format!("flag-{i:05}"),
        name: format!("Flag {i}"),
        description: Some(format!("Benchmark flag number {i}")),
        kind,
        owner: Some(["alice", "bob", "carol"][i % 3].to_owned()),
        tags: vec![["checkout", "growth", "search", "mobile"][i % 4].to_owned()],
        variations,
        environments,
    }
}
