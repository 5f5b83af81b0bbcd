//! JSON Schemas (2020-12) of the repository format, generated from [`crate::model`], for editors
//! and for other tools that write Flagdeck files. They are committed under `docs/schema/`; a test
//! keeps them equal to what this module generates.
//!
//! The schemas describe structure only (fields, types, enums). What they cannot say (a variation
//! that exists, weights that sum to 100, a segment cycle) is [`crate::validate`]'s job.

use schemars::{JsonSchema, Schema, schema_for};

use crate::governance::{ChangeRequest, Person, Policy};
use crate::model::{FlagFile, PersonaFile, ProjectFile, SegmentFile};

/// Every schema as `(file name, pretty JSON with a trailing newline)`, in a fixed order.
pub fn schemas() -> Vec<(&'static str, String)> {
    vec![
        ("flagdeck.schema.json", render(schema_for!(ProjectFile))),
        ("flag.schema.json", render(schema_for!(FlagFile))),
        ("segment.schema.json", render(schema_for!(SegmentFile))),
        ("persona.schema.json", render(schema_for!(PersonaFile))),
        ("person.schema.json", render(schema_for!(Person))),
        ("policy.schema.json", render(schema_for!(Policy))),
        ("change.schema.json", render(schema_for!(ChangeRequest))),
    ]
}

/// The schema of one model type, for callers that want the value rather than the text.
pub fn schema_of<T: JsonSchema>() -> Schema {
    schema_for!(T)
}

fn render(schema: Schema) -> String {
    crate::format::to_canonical_json(&schema)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::Value;

    use super::*;
    use crate::example::example_project;

    fn schema_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema")
    }

    /// The committed schemas are what the model generates. `FLAGDECK_BLESS=1` rewrites them.
    #[test]
    fn schemas_are_up_to_date() {
        let dir = schema_dir();
        let bless = std::env::var("FLAGDECK_BLESS").is_ok_and(|v| v == "1");
        let mut stale = Vec::new();
        for (name, text) in schemas() {
            let path = dir.join(name);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(format!("docs/schema/{name}"));
            }
        }
        assert!(
            stale.is_empty(),
            "{} differ from the model; regenerate them with \
             `FLAGDECK_BLESS=1 cargo test -p flagdeck-core schemas_are_up_to_date` and commit the result",
            stale.join(", ")
        );
    }

    #[test]
    fn schemas_describe_the_format() {
        let all = schemas();
        assert_eq!(all.len(), 7);
        for (name, text) in &all {
            let schema: Value = serde_json::from_str(text).unwrap();
            assert!(text.ends_with("}\n"), "{name} ends with a newline");
            assert!(
                schema["$schema"].as_str().unwrap().contains("2020-12"),
                "{name}"
            );
            assert!(
                schema["title"].as_str().unwrap().starts_with("Flagdeck"),
                "{name}"
            );
            assert_eq!(
                schema["additionalProperties"],
                Value::Bool(false),
                "{name} refuses unknown fields"
            );
        }
        let project: Value = serde_json::from_str(&all[0].1).unwrap();
        let required: Vec<&str> = project["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(required, ["format", "name", "environments"]);
    }

    fn validator(name: &str) -> jsonschema::Validator {
        let (_, text) = schemas().into_iter().find(|(n, _)| *n == name).unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    }

    #[test]
    fn the_example_project_validates_against_the_schemas() {
        let project = validator("flagdeck.schema.json");
        let flag = validator("flag.schema.json");
        let segment = validator("segment.schema.json");
        let persona = validator("persona.schema.json");
        for file in example_project() {
            let instance: Value = serde_json::from_slice(&file.bytes).unwrap();
            let schema = match file.path.split('/').next() {
                Some("flags") => &flag,
                Some("segments") => &segment,
                Some("personas") => &persona,
                _ => &project,
            };
            let errors: Vec<String> = schema
                .iter_errors(&instance)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.path);
        }
    }

    /// Governance files the core writes validate against their schemas.
    #[test]
    fn governance_files_validate_against_the_schemas() {
        use crate::governance::{Decision, EntityChange, Status, sign, signing_key};
        let key = signing_key(&[7; 32]);
        let person = Person {
            id: "bob".into(),
            name: "Bob".into(),
            email: "bob@example.com".into(),
            public_key: crate::governance::sign::public_key_text(&key.verifying_key()),
        };
        let policy: Policy = serde_json::from_value(serde_json::json!({
            "groups": [{"key": "rm", "name": "RM", "members": ["bob"]}],
            "rules": [{"name": "Prod", "when": {"environments": ["production"], "governance": false},
                       "require": {"approvals": 1, "from": ["group:rm", "owner"]}}],
            "emergency": {"allowed": true}
        }))
        .unwrap();
        let mut change = ChangeRequest {
            id: "cr-1".into(),
            title: "T".into(),
            description: None,
            author: "alice".into(),
            author_signature: None,
            base: "abc".into(),
            entities: vec![EntityChange {
                path: "policy.json".into(),
                before: None,
                after: Some(serde_json::to_value(&policy).unwrap()),
            }],
            status: Status::Open,
            emergency: None,
            approvals: vec![],
            comments: vec![],
            published: None,
        };
        change.approvals.push(sign(
            &key,
            "bob",
            &change,
            Decision::Approve,
            "2026-01-01T00:00:00Z",
            None,
        ));
        for (name, value) in [
            ("person.schema.json", serde_json::to_value(&person).unwrap()),
            ("policy.schema.json", serde_json::to_value(&policy).unwrap()),
            ("change.schema.json", serde_json::to_value(&change).unwrap()),
        ] {
            let schema = validator(name);
            let errors: Vec<String> = schema.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
            let mut extra = value.clone();
            extra["extra"] = Value::Bool(true);
            assert!(!schema.is_valid(&extra), "{name} refuses unknown fields");
        }
    }

    #[test]
    fn the_schemas_reject_what_the_decoder_rejects() {
        let flag = validator("flag.schema.json");
        let ok = serde_json::json!({"key": "f", "name": "F", "type": "boolean", "variations": []});
        assert!(flag.is_valid(&ok));
        for bad in [
            serde_json::json!({"key": "f", "name": "F", "type": "colour", "variations": []}),
            serde_json::json!({"key": "f", "name": "F", "type": "boolean", "variations": [], "extra": 1}),
            serde_json::json!({"name": "F", "type": "boolean", "variations": []}),
        ] {
            assert!(!flag.is_valid(&bad), "{bad}");
            assert!(serde_json::from_value::<FlagFile>(bad).is_err());
        }
    }
}
