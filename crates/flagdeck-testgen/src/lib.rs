//! Random but valid Flagdeck projects and evaluation cases, deterministic from a seed, for the
//! differential test that compares Flagdeck's own evaluation with `@openfeature/flagd-core` on
//! the compiled flagd files (DESIGN §5, §10).

pub mod cases;
pub mod large;
pub mod pools;
pub mod project;

use fastrand::Rng;
use flagdeck_core::format::SourceFile;
use serde_json::Value;

/// One generated project: its files (`flagdeck.json`, `flags/`, `segments/`), its cases, and
/// how many environments each case is evaluated in.
pub struct Output {
    pub files: Vec<SourceFile>,
    pub cases: Vec<Value>,
    pub environments: usize,
}

/// Project `index` of the run with `seed`. Each project has its own stream of random numbers,
/// so project 3 is the same whether 5 or 50 projects are generated.
pub fn generate(seed: u64, index: usize, cases_per_env: usize) -> Output {
    let mut rng = Rng::with_seed(project_seed(seed, index));
    let generated = project::generate_project(&mut rng, index);
    let cases = cases::generate_cases(&mut rng, &generated.info, cases_per_env);
    Output {
        files: generated.files,
        cases,
        environments: generated.info.env_keys.len(),
    }
}

fn project_seed(seed: u64, index: usize) -> u64 {
    // splitmix64's increment spreads neighbouring indices far apart.
    seed ^ (index as u64)
        .wrapping_add(1)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The lines of `cases.jsonl`.
pub fn cases_jsonl(cases: &[Value]) -> String {
    let mut text = String::new();
    for case in cases {
        text.push_str(&case.to_string());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use flagdeck_core::format::{parse, to_canonical_json};
    use flagdeck_core::instant::parse_rfc3339;
    use flagdeck_core::keys::is_entity_key;
    use flagdeck_core::model::{
        Condition, FlagEnvironment, FlagFile, ProjectFile, SegmentFile, Serve,
    };

    use super::*;

    struct Parsed {
        project: ProjectFile,
        segments: Vec<SegmentFile>,
        flags: Vec<FlagFile>,
        cases: Vec<Value>,
    }

    fn parsed(seed: u64, index: usize) -> Parsed {
        let out = generate(seed, index, 200);
        let mut p = Parsed {
            project: parse("", &out.files[0].bytes).unwrap(),
            segments: vec![],
            flags: vec![],
            cases: out.cases,
        };
        for f in &out.files[1..] {
            let again = if f.path.starts_with("flags/") {
                let flag: FlagFile = parse(&f.path, &f.bytes).unwrap();
                assert_eq!(f.path, format!("flags/{}.json", flag.key));
                let text = to_canonical_json(&flag);
                p.flags.push(flag);
                text
            } else {
                let segment: SegmentFile = parse(&f.path, &f.bytes).unwrap();
                let text = to_canonical_json(&segment);
                p.segments.push(segment);
                text
            };
            assert_eq!(
                again.as_bytes(),
                f.bytes.as_slice(),
                "{} is canonical",
                f.path
            );
        }
        p
    }

    fn many() -> Vec<Parsed> {
        (0..60).map(|i| parsed(42, i)).collect()
    }

    /// The generator's whole point: projects that Flagdeck accepts, so that every difference
    /// the differential test finds is an evaluation difference.
    #[test]
    fn every_generated_project_validates_without_errors() {
        for seed in [1, 2] {
            for index in 0..100 {
                let out = generate(seed, index, 0);
                let checked = flagdeck_core::validate::check(&out.files);
                let errors: Vec<String> = checked.errors().map(ToString::to_string).collect();
                assert!(
                    errors.is_empty(),
                    "seed {seed} project {index}: {errors:#?}"
                );
                assert!(checked.project.is_some());
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let a = generate(9, 2, 50);
        let b = generate(9, 2, 50);
        let c = generate(10, 2, 50);
        let bytes = |o: &Output| o.files.iter().map(|f| f.bytes.clone()).collect::<Vec<_>>();
        assert_eq!(bytes(&a), bytes(&b));
        assert_eq!(cases_jsonl(&a.cases), cases_jsonl(&b.cases));
        assert_ne!(cases_jsonl(&a.cases), cases_jsonl(&c.cases));
    }

    fn visit(c: &Condition, depth: u32, seen: &mut BTreeSet<String>, refs: &mut Vec<String>) {
        assert!(depth <= 3, "conditions nest at most 3 deep");
        if let Some(op) = &c.op {
            seen.insert(op.clone());
        }
        if let Some(values) = &c.values {
            assert!(!values.is_empty(), "lists are never empty");
            assert!(
                values
                    .iter()
                    .enumerate()
                    .all(|(i, v)| !values[..i].contains(v)),
                "{values:?} are distinct"
            );
        }
        if let Some(s) = &c.segment {
            refs.push(s.clone());
        }
        for (name, parts) in [("all", &c.all), ("any", &c.any)] {
            if let Some(parts) = parts {
                seen.insert(if parts.is_empty() {
                    format!("empty {name}")
                } else {
                    name.to_owned()
                });
                parts.iter().for_each(|p| visit(p, depth + 1, seen, refs));
            }
        }
        if let Some(inner) = &c.not {
            seen.insert("not".into());
            visit(inner, depth + 1, seen, refs);
        }
    }

    fn weight_thousandths(n: &serde_json::Number) -> u32 {
        let w = (n.as_f64().unwrap() * 1000.0).round();
        assert!(
            (w / 1000.0 - n.as_f64().unwrap()).abs() < 1e-9,
            "{n} has at most 3 decimals"
        );
        w as u32
    }

    fn serve_shapes(s: &Serve, seen: &mut BTreeSet<String>) {
        if let Some(rollout) = &s.rollout {
            let weights: Vec<u32> = rollout
                .iter()
                .map(|w| weight_thousandths(&w.weight))
                .collect();
            assert_eq!(weights.iter().sum::<u32>(), 100_000, "weights sum to 100");
            if weights.contains(&0) {
                seen.insert("zero weight".into());
            }
            if weights.iter().any(|w| w % 1000 != 0) {
                seen.insert("decimal weight".into());
            }
        }
        if s.bucket_by.is_some() {
            seen.insert("custom bucketBy".into());
        }
    }

    /// Replays a schedule: steps strictly ordered, and every ramp valid (DESIGN §3).
    fn check_schedule(env: &FlagEnvironment, seen: &mut BTreeSet<String>) {
        let mut fallthrough = env.fallthrough.variation.clone();
        let mut rules: Vec<(String, Option<String>)> = env
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.serve.variation.clone()))
            .collect();
        let mut last = i64::MIN;
        for step in &env.schedule {
            let at = parse_rfc3339(&step.at).unwrap().seconds;
            assert!(at > last, "steps strictly increase");
            last = at;
            assert!(step.enabled.is_some() || step.fallthrough.is_some() || !step.rules.is_empty());
            if let Some(serve) = &step.fallthrough {
                check_step_serve(serve, &step.at, fallthrough.as_deref(), seen);
                fallthrough = serve.variation.clone();
                seen.insert("step fallthrough".into());
            }
            for (id, over) in &step.rules {
                let slot = rules
                    .iter_mut()
                    .find(|(rid, _)| rid == id)
                    .expect("override names a rule");
                check_step_serve(&over.serve, &step.at, slot.1.as_deref(), seen);
                slot.1 = over.serve.variation.clone();
                seen.insert("step rule".into());
            }
        }
        seen.insert(format!("{} steps", env.schedule.len()));
    }

    fn check_step_serve(
        serve: &Serve,
        at: &str,
        previous: Option<&str>,
        seen: &mut BTreeSet<String>,
    ) {
        serve_shapes(serve, seen);
        let Some(ramp) = &serve.ramp else { return };
        let rest = previous.expect("a ramp follows a single variation");
        assert_ne!(ramp.variation, rest);
        assert_eq!(ramp.from, at);
        let (w0, w1) = (
            weight_thousandths(&ramp.from_weight),
            weight_thousandths(&ramp.to_weight),
        );
        assert!(w0 <= 100_000 && w1 <= 100_000 && w0 != w1);
        let duration =
            parse_rfc3339(&ramp.to).unwrap().seconds - parse_rfc3339(&ramp.from).unwrap().seconds;
        assert!(
            duration >= i64::from(w0.abs_diff(w1).div_ceil(1000)).max(1),
            "ramp long enough"
        );
        seen.insert("ramp".into());
    }

    #[test]
    fn projects_are_valid_and_cover_the_format() {
        let mut seen = BTreeSet::new();
        for p in many() {
            let env_keys: Vec<&str> = p
                .project
                .environments
                .iter()
                .map(|e| e.key.as_str())
                .collect();
            assert!((1..=3).contains(&env_keys.len()));
            seen.insert(format!("{} envs", env_keys.len()));
            let mut segment_keys: Vec<String> = Vec::new();
            for s in &p.segments {
                assert!(is_entity_key(&s.key));
                assert!(s.include.iter().all(|k| !s.exclude.contains(k)));
                let mut refs = Vec::new();
                s.when
                    .iter()
                    .for_each(|c| visit(c, 1, &mut seen, &mut refs));
                assert!(
                    refs.iter().all(|r| segment_keys.contains(r)),
                    "only earlier segments: no cycles"
                );
                if !refs.is_empty() {
                    seen.insert("nested segment".into());
                }
                segment_keys.push(s.key.clone());
            }
            for f in &p.flags {
                assert!(is_entity_key(&f.key));
                seen.insert(f.kind.as_str().to_owned());
                assert!(f.variations.iter().all(|v| f.kind.admits(&v.value)));
                if f.environments.len() < env_keys.len() {
                    seen.insert("unconfigured env".into());
                }
                for env in f.environments.values() {
                    seen.insert(format!(
                        "enabled {} off {}",
                        env.enabled,
                        env.off_variation.is_some()
                    ));
                    let targeted: Vec<&String> = env.targets.iter().flat_map(|t| &t.keys).collect();
                    let unique: BTreeSet<&&String> = targeted.iter().collect();
                    assert_eq!(unique.len(), targeted.len(), "no key in two targets");
                    for rule in &env.rules {
                        let mut refs = Vec::new();
                        rule.when
                            .iter()
                            .for_each(|c| visit(c, 0, &mut seen, &mut refs));
                        assert!(refs.iter().all(|r| segment_keys.contains(r)));
                        serve_shapes(&rule.serve, &mut seen);
                    }
                    serve_shapes(&env.fallthrough, &mut seen);
                    check_schedule(env, &mut seen);
                }
            }
        }
        let mut expected = vec![
            "boolean",
            "string",
            "number",
            "object",
            "1 envs",
            "2 envs",
            "3 envs",
            "unconfigured env",
            "enabled false off false",
            "enabled false off true",
            "enabled true off false",
            "enabled true off true",
            "all",
            "any",
            "not",
            "empty all",
            "empty any",
            "nested segment",
            "zero weight",
            "decimal weight",
            "custom bucketBy",
            "ramp",
            "step fallthrough",
            "step rule",
            "1 steps",
            "4 steps",
        ];
        // Every operator of every attribute type (the format's own list).
        expected.extend(
            flagdeck_core::model::AttributeType::ALL
                .iter()
                .flat_map(|k| k.operators().iter().copied()),
        );
        expected.extend(flagdeck_core::model::PRESENCE_OPERATORS);
        let missing: Vec<&str> = expected
            .iter()
            .copied()
            .filter(|e| !seen.contains(*e))
            .collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }

    #[test]
    fn cases_mix_present_missing_and_mistyped_values_with_ascii_buckets() {
        let mut seen = BTreeSet::new();
        for p in many().into_iter().take(20) {
            let flags: Vec<&str> = p.flags.iter().map(|f| f.key.as_str()).collect();
            for case in &p.cases {
                let flag = case["flag"].as_str().unwrap();
                seen.insert(if flags.contains(&flag) {
                    "known flag"
                } else {
                    "unknown flag"
                });
                assert!(case["at"].is_i64());
                assert!(
                    ["boolean", "string", "float", "object"]
                        .contains(&case["type"].as_str().unwrap())
                );
                let context = case["context"].as_object().unwrap();
                for key in ["targetingKey", "companyId", "teamId"] {
                    if let Some(Value::String(s)) = context.get(key) {
                        assert!(s.is_ascii(), "bucket value {s:?} is ASCII");
                    }
                }
                for attr in &p.project.attributes {
                    let kind = match context.get(&attr.key) {
                        None => "missing",
                        Some(Value::Null) => "null",
                        Some(v) if v.is_array() => "array",
                        Some(v) if v.is_object() => "object",
                        Some(Value::String(s)) if s.is_empty() => "empty string",
                        Some(Value::String(s)) if !s.is_ascii() => "unicode",
                        Some(_) => "scalar",
                    };
                    seen.insert(kind);
                }
            }
        }
        for expected in [
            "known flag",
            "unknown flag",
            "missing",
            "null",
            "array",
            "object",
            "empty string",
            "unicode",
            "scalar",
        ] {
            assert!(seen.contains(expected), "no case with {expected}");
        }
    }
}
