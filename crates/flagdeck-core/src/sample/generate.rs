//! A population generated from the attribute schema, the same for the same seed on every
//! machine: unique `targetingKey`s, declared `values` drawn with a realistic skew (the first
//! values are the common ones), plausible numbers, versions and instants, and some contexts
//! without an optional attribute, as real traffic has.

use fastrand::Rng;
use serde_json::Value;

use super::{Context, json_number, schema};
use crate::model::{AttributeDef, AttributeType, ProjectFile};

/// How often an optional attribute is missing from a context, in percent. `targetingKey` and
/// the project's `bucketBy` are always present.
pub const MISSING_PERCENT: u32 = 10;

/// Seconds in the span generated datetimes fall in: the three years before `at`.
const DATETIME_SPAN: i64 = 3 * 365 * 86_400;

/// `count` contexts for `project`'s attributes, from `seed`; datetimes fall in the three years
/// before `at` (Unix seconds), like sign-up dates of people using the product at `at`.
pub fn generate(project: &ProjectFile, count: usize, seed: u64, at: i64) -> Vec<Context> {
    let attributes = schema(project);
    let bucket_by = project.bucket_by.as_deref().unwrap_or("targetingKey");
    let mut rng = Rng::with_seed(seed);
    let pools: Vec<Pool> = attributes.iter().map(|a| Pool::of(a, count, at)).collect();
    (0..count)
        .map(|index| {
            let mut context = Context::new();
            for (attribute, pool) in attributes.iter().zip(&pools) {
                let required = attribute.key == "targetingKey" || attribute.key == bucket_by;
                if !required && rng.u32(0..100) < MISSING_PERCENT {
                    continue;
                }
                let value = if attribute.key == "targetingKey" {
                    Value::from(targeting_key(&mut rng, index))
                } else {
                    pool.draw(&mut rng)
                };
                context.insert(attribute.key.clone(), value);
            }
            context
        })
        .collect()
}

/// `user-<n>-<random>`: unique within a sample (by `n`), different between seeds.
fn targeting_key(rng: &mut Rng, index: usize) -> String {
    let suffix: String = (0..6).map(|_| rng.lowercase()).collect();
    format!("user-{}-{suffix}", index + 1)
}

/// Where an attribute's values come from.
enum Pool {
    /// Declared or well-known values, the first ones most common.
    Skewed(Vec<Value>),
    /// `<prefix>-1` .. `<prefix>-n`, evenly (ids shared by several people: companies, teams).
    Ids(String, u32),
    Integers(i64, i64),
    Booleans,
    Versions,
    Instants(i64, i64),
}

impl Pool {
    fn of(attribute: &AttributeDef, count: usize, at: i64) -> Pool {
        let declared = declared_values(attribute);
        if !declared.is_empty() {
            return Pool::Skewed(declared);
        }
        let key = attribute.key.to_ascii_lowercase();
        match attribute.kind {
            AttributeType::String => known_strings(&key).map_or_else(
                || {
                    let ids = u32::try_from(count / 20)
                        .unwrap_or(u32::MAX)
                        .clamp(10, 5_000);
                    Pool::Ids(id_prefix(&attribute.key), ids)
                },
                |values| Pool::Skewed(values.iter().map(|v| Value::from(*v)).collect()),
            ),
            AttributeType::Number if key.contains("age") => Pool::Integers(16, 80),
            AttributeType::Number => Pool::Integers(0, 1_000),
            AttributeType::Boolean => Pool::Booleans,
            AttributeType::Semver => Pool::Versions,
            AttributeType::Datetime => Pool::Instants(at.saturating_sub(DATETIME_SPAN), at),
        }
    }

    fn draw(&self, rng: &mut Rng) -> Value {
        match self {
            Pool::Skewed(values) => skewed(rng, values),
            Pool::Ids(prefix, n) => Value::from(format!("{prefix}-{}", rng.u32(1..=*n))),
            Pool::Integers(lo, hi) => Value::from(rng.i64(*lo..=*hi)),
            // Opt-in flags (beta, newsletter) are true for a minority.
            Pool::Booleans => Value::from(rng.u32(0..100) < 30),
            Pool::Versions => {
                let major = [1, 1, 2, 2, 2, 3][rng.usize(0..6)];
                Value::from(format!("{major}.{}.{}", rng.u32(0..13), rng.u32(0..10)))
            }
            Pool::Instants(from, to) => Value::from(rng.i64(*from..=*to)),
        }
    }
}

/// The attribute's declared `values` that have its type, as evaluation reads them.
fn declared_values(attribute: &AttributeDef) -> Vec<Value> {
    let Some(values) = &attribute.values else {
        return Vec::new();
    };
    values
        .iter()
        .filter_map(|v| match (attribute.kind, v) {
            (AttributeType::String, Value::String(_))
            | (AttributeType::Number, Value::Number(_))
            | (AttributeType::Boolean, Value::Bool(_)) => Some(v.clone()),
            (AttributeType::Semver, Value::String(s)) => {
                crate::semver::parse_strict(s).map(|_| v.clone())
            }
            (AttributeType::Datetime, Value::Number(n)) => n.as_f64().map(json_number),
            (AttributeType::Datetime, Value::String(s)) => {
                crate::instant::parse_rfc3339(s).map(|p| json_number(p.as_f64()))
            }
            _ => None,
        })
        .collect()
}

/// Values of a well-known attribute, most common first.
fn known_strings(key: &str) -> Option<&'static [&'static str]> {
    const TABLE: &[(&str, &[&str])] = &[
        (
            "country",
            &[
                "US", "DE", "GB", "FR", "IN", "BR", "JP", "CA", "ES", "IT", "NL", "AU", "PL", "SE",
            ],
        ),
        ("plan", &["free", "pro", "team", "enterprise"]),
        ("tier", &["free", "pro", "team", "enterprise"]),
        (
            "locale",
            &[
                "en-US", "de-DE", "en-GB", "fr-FR", "es-ES", "ja-JP", "pt-BR",
            ],
        ),
        (
            "language",
            &["en", "de", "fr", "es", "ja", "pt", "it", "nl"],
        ),
        ("platform", &["web", "ios", "android", "desktop"]),
        ("os", &["android", "ios", "windows", "macos", "linux"]),
        ("browser", &["chrome", "safari", "edge", "firefox"]),
        ("device", &["mobile", "desktop", "tablet"]),
        ("role", &["member", "admin", "owner", "guest"]),
        ("region", &["eu-west", "us-east", "us-west", "ap-south"]),
    ];
    TABLE
        .iter()
        .find(|(name, _)| key.contains(name))
        .map(|(_, values)| *values)
}

/// `companyId` → `company`, `team` → `team`.
fn id_prefix(key: &str) -> String {
    let trimmed = key
        .strip_suffix("Id")
        .or_else(|| key.strip_suffix("_id"))
        .filter(|s| !s.is_empty())
        .unwrap_or(key);
    trimmed.to_owned()
}

/// Rank `r` (from 0) is drawn with weight `1 / (r + 1)`: a few values common, the rest rare.
fn skewed(rng: &mut Rng, values: &[Value]) -> Value {
    let total: f64 = (1..=values.len()).map(|r| 1.0 / r as f64).sum();
    let mut x = rng.f64() * total;
    for (r, value) in values.iter().enumerate() {
        x -= 1.0 / (r + 1) as f64;
        if x < 0.0 {
            return value.clone();
        }
    }
    values.last().cloned().unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use serde_json::json;

    use super::*;

    fn project() -> ProjectFile {
        serde_json::from_value(json!({
            "format": 1, "name": "P", "bucketBy": "companyId",
            "environments": [{"key": "production", "name": "Production"}],
            "attributes": [
                {"key": "companyId", "type": "string"},
                {"key": "plan", "type": "string", "values": ["free", "pro", "enterprise"]},
                {"key": "country", "type": "string"},
                {"key": "age", "type": "number"},
                {"key": "beta", "type": "boolean"},
                {"key": "appVersion", "type": "semver"},
                {"key": "signupAt", "type": "datetime"}
            ]
        }))
        .unwrap()
    }

    const AT: i64 = 1_796_115_600;

    #[test]
    fn the_same_seed_gives_the_same_sample() {
        let a = generate(&project(), 200, 42, AT);
        assert_eq!(a, generate(&project(), 200, 42, AT));
        assert_ne!(a, generate(&project(), 200, 43, AT));
        assert_eq!(a.len(), 200);
    }

    #[test]
    fn values_are_typed_by_the_schema_and_spread_realistically() {
        let sample = generate(&project(), 5_000, 7, AT);
        let keys: HashSet<&str> = sample
            .iter()
            .filter_map(|c| c.get("targetingKey")?.as_str())
            .collect();
        assert_eq!(keys.len(), 5_000, "every context has its own targetingKey");
        assert!(
            sample.iter().all(|c| c["companyId"].is_string()),
            "bucketBy always present"
        );
        let mut plans: BTreeMap<String, usize> = BTreeMap::new();
        let mut missing_age = 0;
        for c in &sample {
            if let Some(plan) = c.get("plan") {
                *plans.entry(plan.as_str().unwrap().to_owned()).or_default() += 1;
            }
            match c.get("age") {
                None => missing_age += 1,
                Some(age) => assert!((16..=80).contains(&age.as_i64().unwrap())),
            }
            if let Some(v) = c.get("appVersion") {
                assert!(crate::semver::parse_strict(v.as_str().unwrap()).is_some());
            }
            if let Some(t) = c.get("signupAt") {
                let t = t.as_i64().unwrap();
                assert!((AT - DATETIME_SPAN..=AT).contains(&t));
            }
            if let Some(b) = c.get("beta") {
                assert!(b.is_boolean());
            }
            if let Some(country) = c.get("country") {
                assert_eq!(country.as_str().unwrap().len(), 2);
            }
        }
        assert_eq!(
            plans.keys().collect::<Vec<_>>(),
            ["enterprise", "free", "pro"],
            "only declared values"
        );
        assert!(plans["free"] > plans["pro"] && plans["pro"] > plans["enterprise"]);
        assert!(
            (300..700).contains(&missing_age),
            "about 10% miss an optional attribute: {missing_age}"
        );
    }
}
