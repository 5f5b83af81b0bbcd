//! Personas (`personas/<key>.json`): a key that names its file, and a context whose every
//! attribute is declared in `flagdeck.json`, holds a value of the declared type, and, for a
//! string attribute that lists `values`, one of them.
//!
//! Personas never reach the resolved project: they are what people preview flags with, not
//! what flags are built from.

use std::collections::HashMap;

use serde_json::Value;

use super::{Loc, Scope, check_entity_key};
use crate::diag::Code;
use crate::model::{AttributeType, PersonaFile, ProjectFile};
use crate::semver;
use crate::suggest::suggest;

/// Checks every persona against the project's attributes.
pub(crate) fn check_all(
    scope: &mut Scope<'_>,
    project: &ProjectFile,
    files: &[(String, PersonaFile)],
) {
    let allowed = declared_values(project);
    for (path, file) in files {
        check_entity_key(scope, path, &file.key, "persona");
        let loc = Loc::new(path);
        let context = loc.at("context");
        for (attribute, value) in &file.context {
            check_value(
                scope,
                &context.at(attribute),
                attribute,
                value,
                allowed.get(attribute.as_str()),
            );
        }
    }
}

/// The `values` a string attribute declares, by attribute key.
fn declared_values(project: &ProjectFile) -> HashMap<&str, Vec<&str>> {
    project
        .attributes
        .iter()
        .filter(|a| a.kind == AttributeType::String)
        .filter_map(|a| {
            let values = a.values.as_ref()?;
            Some((
                a.key.as_str(),
                values.iter().filter_map(Value::as_str).collect(),
            ))
        })
        .collect()
}

fn check_value(
    scope: &mut Scope<'_>,
    loc: &Loc<'_>,
    attribute: &str,
    value: &Value,
    allowed: Option<&Vec<&str>>,
) {
    let Some(kind) = scope.attribute_types.get(attribute).copied() else {
        let mut known: Vec<&str> = scope.attribute_types.keys().map(String::as_str).collect();
        known.sort_unstable();
        scope.error(
            Code::UnknownAttribute,
            loc.file,
            loc.pointer(),
            format!(
                "The attribute '{attribute}' is not declared in flagdeck.json{}; declare it there or remove it from the persona.",
                suggest(&known, attribute)
            ),
        );
        return;
    };
    if !admits(kind, value) {
        scope.error(
            Code::WrongValueType,
            loc.file,
            loc.pointer(),
            format!(
                "'{attribute}' is a {} attribute, so its value must be {}; found {}.",
                kind.as_str(),
                expected(kind),
                found(value)
            ),
        );
        return;
    }
    if kind == AttributeType::Semver
        && let Some(text) = value.as_str()
        && semver::parse_strict(text).is_none()
    {
        scope.error(
            Code::InvalidSemver,
            loc.file,
            loc.pointer(),
            format!("'{text}' is not a version like 1.2.3 (semantic versioning)."),
        );
        return;
    }
    if let (Some(text), Some(allowed)) = (value.as_str(), allowed)
        && !allowed.is_empty()
        && !allowed.contains(&text)
    {
        scope.error(
            Code::WrongValueType,
            loc.file,
            loc.pointer(),
            format!(
                "'{text}' is not one of the values flagdeck.json declares for '{attribute}': {}{}.",
                allowed.join(", "),
                // Two edits turn any short code into any other ("IT" → "DE"): no hint there.
                if text.chars().count() > 2 {
                    suggest(allowed, text)
                } else {
                    String::new()
                }
            ),
        );
    }
}

/// Whether `value` has the JSON shape of an attribute of type `kind`.
fn admits(kind: AttributeType, value: &Value) -> bool {
    match kind {
        AttributeType::String | AttributeType::Semver => value.is_string(),
        AttributeType::Number | AttributeType::Datetime => value.is_number(),
        AttributeType::Boolean => value.is_boolean(),
    }
}

fn expected(kind: AttributeType) -> &'static str {
    match kind {
        AttributeType::String => "a string",
        AttributeType::Semver => "a version string like \"1.2.3\"",
        AttributeType::Number => "a number",
        AttributeType::Datetime => "a number of Unix seconds",
        AttributeType::Boolean => "true or false",
    }
}

fn found(value: &Value) -> String {
    match value {
        Value::Null => "null (leave the attribute out instead)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
