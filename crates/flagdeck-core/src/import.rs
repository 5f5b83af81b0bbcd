//! `flagdeck import flagd`: a flagd flag-definition file into Flagdeck flags (DESIGN §5).
//!
//! The import must not change what any context gets. flagd's JsonLogic is loose (missing
//! attributes are `null`, comparisons coerce, some operators throw), so a condition becomes a
//! Flagdeck rule only when the two are equal for *every* context: `===`, `in` over a literal list
//! of strings, `starts_with`, `ends_with` on a plain attribute, and `and` / `or` of those (each is
//! false, never an error, for a missing or mistyped attribute, exactly like Flagdeck's
//! "unknown, so no match"). A targeting `if` chain becomes rules for its leading translatable
//! branches; whatever remains is kept verbatim as JsonLogic that the project's own flagd
//! evaluator runs, so the result is always the same as flagd's.
//!
//! Mapping: `state: DISABLED` → kill switch off with no off variation (the application's
//! default, as in flagd); `defaultVariant` → the off variation (flagd serves it when targeting
//! gives `null`, and Flagdeck serves the off variation when the JsonLogic default rule gives
//! `null`).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::keys;
use crate::model::{Condition, FlagEnvironment, FlagFile, FlagType, Rule, Serve, Variation};

/// The outcome of an import: flags to write, and a sentence for each flag that was skipped.
#[derive(Debug, Default)]
pub struct Imported {
    pub flags: Vec<FlagFile>,
    pub skipped: Vec<String>,
    /// Attributes the new rules test, all strings (only string tests are translated).
    pub attributes: Vec<String>,
}

/// Imports the flags of a flagd file as the configuration of environment `env`. Existing flags
/// (from the project) keep their other environments; their variations must agree.
pub fn import_flagd(
    text: &str,
    env: &str,
    existing: &BTreeMap<String, FlagFile>,
) -> Result<Imported, String> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let Some(flags) = doc.get("flags").and_then(Value::as_object) else {
        return Err("it has no \"flags\" object".to_owned());
    };
    let evaluators = doc
        .get("$evaluators")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = Imported::default();
    let mut attributes = std::collections::BTreeSet::new();
    let mut keys_sorted: Vec<&String> = flags.keys().collect();
    keys_sorted.sort();
    for key in keys_sorted {
        let flag = &flags[key.as_str()];
        match import_flag(
            key,
            flag,
            env,
            &evaluators,
            existing.get(key.as_str()),
            &mut attributes,
        ) {
            Ok(f) => out.flags.push(f),
            Err(why) => out
                .skipped
                .push(format!("Flag '{key}' was not imported: {why}")),
        }
    }
    out.attributes = attributes.into_iter().collect();
    Ok(out)
}

fn import_flag(
    key: &str,
    flag: &Value,
    env: &str,
    evaluators: &Map<String, Value>,
    existing: Option<&FlagFile>,
    attributes: &mut std::collections::BTreeSet<String>,
) -> Result<FlagFile, String> {
    if !keys::is_entity_key(key) {
        return Err(format!(
            "{}. Flag keys are file names, and a file system that ignores case could confuse 'myFlag' with 'myflag'; rename the flag in flagd first, and in the application code",
            keys::ENTITY_KEY_RULE
        ));
    }
    let variants = flag
        .get("variants")
        .and_then(Value::as_object)
        .ok_or("it has no variants")?;
    if variants.is_empty() {
        return Err("it has no variants".to_owned());
    }
    let kind = flag_type(variants)?;
    let state = flag
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("ENABLED");
    let default_variant = match flag.get("defaultVariant") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    if let Some(d) = &default_variant
        && !variants.contains_key(d)
    {
        return Err(format!(
            "its defaultVariant '{d}' is not one of its variants"
        ));
    }
    let targeting = match flag.get("targeting") {
        Some(Value::Object(t)) if !t.is_empty() => {
            Some(resolve_refs(&Value::Object(t.clone()), evaluators, 0)?)
        }
        _ => None,
    };
    let mut variations: Vec<Variation> = variants
        .iter()
        .map(|(k, v)| Variation {
            key: k.clone(),
            name: None,
            description: None,
            value: v.clone(),
        })
        .collect();
    variations.sort_by(|a, b| a.key.cmp(&b.key));
    let first = variations
        .first()
        .map(|v| v.key.clone())
        .unwrap_or_default();
    let config = match (state, targeting) {
        ("DISABLED", _) => FlagEnvironment {
            enabled: false,
            off_variation: None,
            targets: Vec::new(),
            rules: Vec::new(),
            fallthrough: Serve::variation(default_variant.clone().unwrap_or(first)),
            schedule: Vec::new(),
        },
        (_, None) => match &default_variant {
            Some(d) => enabled_with(Some(d.clone()), Vec::new(), Serve::variation(d.clone())),
            // No targeting and no default: flagd answers with the application's default.
            None => FlagEnvironment {
                enabled: false,
                ..enabled_with(None, Vec::new(), Serve::variation(first))
            },
        },
        (_, Some(t)) => {
            let (rules, rest) = split_rules(&t, variants, attributes);
            let fallthrough = match rest {
                Rest::Variant(v) => Serve::variation(v),
                Rest::Default => match &default_variant {
                    Some(d) => Serve::variation(d.clone()),
                    None => json_logic(Value::Null),
                },
                Rest::Logic(logic) => json_logic(logic),
            };
            enabled_with(default_variant.clone(), rules, fallthrough)
        }
    };
    let mut file = match existing {
        Some(e) => {
            if e.kind != kind {
                return Err(format!(
                    "the project has it as a {} flag, the flagd file as {}",
                    e.kind.as_str(),
                    kind.as_str()
                ));
            }
            let mut merged = e.clone();
            for v in &variations {
                match merged.variations.iter().find(|m| m.key == v.key) {
                    Some(m) if m.value != v.value => {
                        return Err(format!(
                            "its variation '{}' has another value in the project",
                            v.key
                        ));
                    }
                    Some(_) => {}
                    None => merged.variations.push(v.clone()),
                }
            }
            merged
        }
        None => FlagFile {
            key: key.to_owned(),
            name: key.to_owned(),
            description: Some("Imported from flagd".to_owned()),
            kind,
            owner: None,
            tags: Vec::new(),
            variations,
            environments: IndexMap::new(),
        },
    };
    file.environments.insert(env.to_owned(), config);
    Ok(file)
}

fn enabled_with(off: Option<String>, rules: Vec<Rule>, fallthrough: Serve) -> FlagEnvironment {
    FlagEnvironment {
        enabled: true,
        off_variation: off,
        targets: Vec::new(),
        rules,
        fallthrough,
        schedule: Vec::new(),
    }
}

fn json_logic(logic: Value) -> Serve {
    Serve {
        json_logic: Some(logic),
        ..Serve::default()
    }
}

fn flag_type(variants: &Map<String, Value>) -> Result<FlagType, String> {
    let kinds: Vec<FlagType> = variants
        .values()
        .map(|v| match v {
            Value::Bool(_) => Ok(FlagType::Boolean),
            Value::String(_) => Ok(FlagType::String),
            Value::Number(_) => Ok(FlagType::Number),
            Value::Object(_) => Ok(FlagType::Object),
            _ => Err("a variant is neither a boolean, text, a number nor an object".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    let first = kinds[0];
    if kinds.iter().any(|k| *k != first) {
        return Err("its variants mix types; a Flagdeck flag has one type".to_owned());
    }
    Ok(first)
}

/// Replaces `{"$ref": name}` with the evaluator's body, structurally (unlike flagd-core's text
/// replacement, `$` in a body means nothing special).
fn resolve_refs(
    value: &Value,
    evaluators: &Map<String, Value>,
    depth: usize,
) -> Result<Value, String> {
    if depth > 64 {
        return Err("its $evaluators refer to each other in a circle".to_owned());
    }
    Ok(match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$ref") => {
            let name = map["$ref"].as_str().ok_or("a $ref is not a name")?;
            let body = evaluators.get(name).ok_or_else(|| {
                format!("it refers to the evaluator '{name}', which the file does not define")
            })?;
            resolve_refs(body, evaluators, depth + 1)?
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), resolve_refs(v, evaluators, depth)?);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve_refs(v, evaluators, depth))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

enum Rest {
    /// The chain ends in a literal variant.
    Variant(String),
    /// The chain ends without an else: flagd serves the default variant.
    Default,
    /// The rest of the chain, verbatim.
    Logic(Value),
}

/// Splits a targeting `if` chain into leading rules and the rest.
fn split_rules(
    targeting: &Value,
    variants: &Map<String, Value>,
    attributes: &mut std::collections::BTreeSet<String>,
) -> (Vec<Rule>, Rest) {
    let Some(args) = targeting
        .get("if")
        .and_then(Value::as_array)
        .filter(|_| targeting.as_object().is_some_and(|m| m.len() == 1))
    else {
        return (Vec::new(), rest_of(targeting, variants));
    };
    let mut rules = Vec::new();
    let mut i = 0;
    while i + 1 < args.len() {
        let (cond, then) = (&args[i], &args[i + 1]);
        let Some(variant) = then.as_str().filter(|v| variants.contains_key(*v)) else {
            break;
        };
        let mut used = Vec::new();
        let Some(when) = condition(cond, &mut used) else {
            break;
        };
        attributes.extend(used);
        rules.push(Rule {
            id: format!("imported-{}", rules.len() + 1),
            name: None,
            description: None,
            when: Some(when),
            serve: Serve::variation(variant),
        });
        i += 2;
    }
    let rest = match args.len() - i {
        0 => Rest::Default,
        1 => rest_of(&args[i], variants),
        _ => rest_of(&serde_json::json!({"if": args[i..].to_vec()}), variants),
    };
    (rules, rest)
}

fn rest_of(value: &Value, variants: &Map<String, Value>) -> Rest {
    match value {
        Value::String(v) if variants.contains_key(v) => Rest::Variant(v.clone()),
        Value::Null => Rest::Default,
        other => Rest::Logic(other.clone()),
    }
}

/// A JsonLogic condition as a Flagdeck condition, only where they agree on every context.
fn condition(logic: &Value, used: &mut Vec<String>) -> Option<Condition> {
    let map = logic.as_object().filter(|m| m.len() == 1)?;
    let (op, args) = map.iter().next()?;
    let args = args.as_array()?;
    match op.as_str() {
        "and" | "or" if !args.is_empty() => {
            let parts: Vec<Condition> = args
                .iter()
                .map(|a| condition(a, used))
                .collect::<Option<_>>()?;
            Some(if op == "and" {
                Condition {
                    all: Some(parts),
                    ..Condition::default()
                }
            } else {
                Condition {
                    any: Some(parts),
                    ..Condition::default()
                }
            })
        }
        "===" | "starts_with" | "ends_with" => {
            let [var, Value::String(lit)] = args.as_slice() else {
                return None;
            };
            let attr = plain_var(var)?;
            // `starts_with` / `ends_with` with "" are true for every string, as are Flagdeck's.
            let flagdeck_op = match op.as_str() {
                "===" => "equals",
                "starts_with" => "starts_with",
                _ => "ends_with",
            };
            used.push(attr.clone());
            Some(Condition {
                value: Some(Value::String(lit.clone())),
                ..Condition::leaf(&attr, flagdeck_op)
            })
        }
        "in" => {
            let [var, Value::Array(list)] = args.as_slice() else {
                return None;
            };
            let attr = plain_var(var)?;
            if list.is_empty() || !list.iter().all(Value::is_string) {
                return None;
            }
            used.push(attr.clone());
            Some(Condition {
                values: Some(list.clone()),
                ..Condition::leaf(&attr, "in")
            })
        }
        _ => None,
    }
}

/// `{"var": "name"}` for an attribute name Flagdeck accepts (no dots, no default value).
fn plain_var(value: &Value) -> Option<String> {
    let name = match value.get("var")? {
        Value::String(s) => s,
        Value::Array(a) if a.len() == 1 => a[0].as_str()?,
        _ => return None,
    };
    (value.as_object()?.len() == 1 && keys::is_attribute_key(name)).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn import(doc: Value) -> Imported {
        import_flagd(&doc.to_string(), "production", &BTreeMap::new()).unwrap()
    }

    #[test]
    fn if_chains_of_exact_tests_become_rules_and_the_rest_stays_verbatim() {
        let doc = json!({"flags": {"color": {
            "state": "ENABLED", "defaultVariant": "red",
            "variants": {"red": "#f00", "blue": "#00f", "green": "#0f0"},
            "targeting": {"if": [
                {"in": [{"var": "country"}, ["DE", "FR"]]}, "blue",
                {"and": [{"===": [{"var": "plan"}, "pro"]}, {"ends_with": [{"var": "email"}, "@acme.com"]}]}, "green",
                {"<": [{"var": "age"}, 18]}, "blue",
                "red"
            ]}
        }}});
        let out = import(doc);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let env = &out.flags[0].environments["production"];
        assert_eq!(env.rules.len(), 2);
        assert_eq!(env.off_variation.as_deref(), Some("red"));
        // `<` coerces and may throw in flagd: kept verbatim, with the final else.
        assert_eq!(
            env.fallthrough.json_logic,
            Some(json!({"if": [{"<": [{"var": "age"}, 18]}, "blue", "red"]}))
        );
        assert_eq!(out.attributes, vec!["country", "email", "plan"]);
    }

    #[test]
    fn loose_tests_are_never_turned_into_rules() {
        let doc = json!({"flags": {"f": {
            "state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false},
            "targeting": {"if": [{"==": [{"var": "plan"}, "5"]}, "on", "off"]}
        }}});
        let env = &import(doc).flags[0].environments["production"];
        assert!(env.rules.is_empty());
        assert!(env.fallthrough.json_logic.is_some());
    }

    #[test]
    fn disabled_and_default_less_flags_give_the_application_default() {
        let doc = json!({"flags": {
            "a": {"state": "DISABLED", "defaultVariant": "on", "variants": {"on": true, "off": false}},
            "b": {"state": "ENABLED", "variants": {"on": true, "off": false}}
        }});
        let out = import(doc);
        for f in &out.flags {
            let env = &f.environments["production"];
            assert!(!env.enabled && env.off_variation.is_none(), "{}", f.key);
        }
    }

    #[test]
    fn evaluator_refs_are_resolved_and_bad_keys_are_explained() {
        let doc = json!({
            "flags": {
                "ok": {"state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false},
                       "targeting": {"if": [{"$ref": "pro"}, "on", null]}},
                "myFlag": {"state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false}},
                "missing": {"state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false},
                            "targeting": {"if": [{"$ref": "nope"}, "on", "off"]}}
            },
            "$evaluators": {"pro": {"in": [{"var": "plan"}, ["pro"]]}}
        });
        let out = import(doc);
        assert_eq!(out.flags.len(), 1);
        assert_eq!(out.flags[0].environments["production"].rules.len(), 1);
        assert_eq!(out.skipped.len(), 2, "{:?}", out.skipped);
        assert!(
            out.skipped
                .iter()
                .any(|s| s.contains("'myFlag'") && s.contains("lowercase"))
        );
        assert!(out.skipped.iter().any(|s| s.contains("'nope'")));
    }
}
