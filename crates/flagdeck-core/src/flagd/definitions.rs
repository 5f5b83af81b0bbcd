//! A flagd flag-definition file, loaded and resolved as @openfeature/flagd-core 4.0.1 does
//! (`MemoryStorage.setConfigurations` without strict validation, `FeatureFlag.evaluate`,
//! `FlagdCore.resolve`).

use super::eval::evaluate_root;
use super::logic::Logic;
use super::value::{Env, Val};
use crate::resolution::{ErrorCode, Reason, Resolution};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// The type an application asks for (OpenFeature's typed resolvers).
///
/// `Integer` accepts numbers without a fraction, `Float` any number. `Object` accepts what
/// flagd-core's `typeof value === 'object'` accepts: JSON objects, arrays and `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagdType {
    Boolean,
    String,
    Integer,
    Float,
    Object,
}

impl FlagdType {
    fn accepts(self, value: &Value) -> bool {
        match self {
            FlagdType::Boolean => value.is_boolean(),
            FlagdType::String => value.is_string(),
            FlagdType::Float => value.is_number(),
            FlagdType::Integer => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            FlagdType::Object => value.is_object() || value.is_array() || value.is_null(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            FlagdType::Boolean => "boolean",
            FlagdType::String => "string",
            FlagdType::Integer => "integer",
            FlagdType::Float => "float",
            FlagdType::Object => "object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagState {
    Enabled,
    Disabled,
}

/// One flag of the file.
#[derive(Debug, Clone)]
pub struct FlagDefinition {
    state: FlagState,
    variants: Map<String, Value>,
    default_variant: Option<String>,
    /// The targeting with every `$ref` replaced, when the flag has one.
    targeting: Option<Value>,
    /// The prepared targeting, or why it could not be prepared (PARSE_ERROR when resolved).
    logic: Option<Result<Logic, String>>,
}

impl FlagDefinition {
    pub fn state(&self) -> FlagState {
        self.state
    }

    pub fn variants(&self) -> &Map<String, Value> {
        &self.variants
    }

    pub fn default_variant(&self) -> Option<&str> {
        self.default_variant.as_deref()
    }

    /// The targeting as in the file, `$ref`s inlined; `None` when the flag has none.
    pub fn targeting(&self) -> Option<&Value> {
        self.targeting.as_ref()
    }

    /// The prepared targeting: `None` without targeting, `Err` when it does not compile.
    pub fn logic(&self) -> Option<Result<&Logic, &str>> {
        self.logic
            .as_ref()
            .map(|r| r.as_ref().map_err(String::as_str))
    }
}

/// A parsed flagd flag-definition file.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    flags: IndexMap<String, FlagDefinition>,
}

impl Definitions {
    /// Parses a flagd file. Errors (a sentence) are what makes flagd-core refuse the whole file:
    /// invalid JSON, a flag that is not an object or lacks `variants`, a state other than
    /// ENABLED/DISABLED, a `defaultVariant` that is not a variant. A targeting that does not
    /// compile is not an error here: that flag answers PARSE_ERROR.
    ///
    /// `flags` may also be a list of flags with a `key` each (flagd's import format in
    /// `flagd.json`; flagd-core would name them "0", "1"...). `$evaluators` are inlined
    /// structurally: an object that is exactly `{"$ref": name}` becomes the evaluator's body,
    /// nested references included; a reference to an unknown evaluator is left as it is and
    /// fails to compile (PARSE_ERROR), as in flagd-core.
    pub fn parse(text: &str) -> Result<Definitions, String> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| format!("The file is not valid JSON: {e}."))?;
        let Value::Object(root) = doc else {
            return Err("A flagd file must be a JSON object.".into());
        };
        let evaluators = match root.get("$evaluators") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        let mut flags = IndexMap::new();
        for (key, raw) in flag_entries(root.get("flags"))? {
            let mut raw = raw.clone();
            inline_refs(&mut raw, &evaluators, &mut Vec::new(), 0);
            let flag = parse_flag(&key, &raw)?;
            flags.insert(key, flag);
        }
        Ok(Definitions { flags })
    }

    pub fn flag_keys(&self) -> impl Iterator<Item = &str> {
        self.flags.keys().map(String::as_str)
    }

    pub fn flag(&self, key: &str) -> Option<&FlagDefinition> {
        self.flags.get(key)
    }

    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Resolves a flag as `FlagdCore.resolve` does. Where flagd-core returns the caller's
    /// default, `value` is `default` (cloned) and `variant` is `None`.
    pub fn resolve(
        &self,
        flag_key: &str,
        ty: FlagdType,
        default: Option<&Value>,
        ctx: &Map<String, Value>,
        timestamp: i64,
    ) -> Resolution {
        let with_default = |mut r: Resolution| {
            r.value = default.cloned();
            r.variant = None;
            r
        };
        let Some(flag) = self.flags.get(flag_key) else {
            return with_default(Resolution::error(
                ErrorCode::FlagNotFound,
                format!("flag '{flag_key}' not found"),
            ));
        };
        if flag.state == FlagState::Disabled {
            return with_default(Resolution::no_value(Reason::Disabled));
        }
        let (variant, reason) = match pick_variant(flag, flag_key, ctx, timestamp) {
            Ok(picked) => picked,
            Err((code, message)) => return with_default(Resolution::error(code, message)),
        };
        let Some(variant) = variant.or_else(|| flag.default_variant.clone()) else {
            return with_default(Resolution::no_value(Reason::Default));
        };
        let Some(value) = flag.variants.get(&variant) else {
            let message = format!("Variant '{variant}' not found in flag with key '{flag_key}'");
            return with_default(Resolution::error(ErrorCode::General, message));
        };
        if !ty.accepts(value) {
            let message = format!(
                "Evaluated type of the flag {flag_key} does not match. Expected {}.",
                ty.name()
            );
            return with_default(Resolution::error(ErrorCode::TypeMismatch, message));
        }
        Resolution::served(value.clone(), variant, reason)
    }
}

/// The targeting's variant key (`None`: the default variant) and the reason.
fn pick_variant(
    flag: &FlagDefinition,
    flag_key: &str,
    ctx: &Map<String, Value>,
    timestamp: i64,
) -> Result<(Option<String>, Reason), (ErrorCode, String)> {
    let logic = match &flag.logic {
        None => return Ok((None, Reason::Static)),
        Some(Err(_)) => {
            let message = format!("Invalid targeting configuration for flag '{flag_key}'");
            return Err((ErrorCode::ParseError, message));
        }
        Some(Ok(logic)) => logic,
    };
    let env = Env {
        ctx,
        flag_key,
        timestamp,
    };
    match evaluate_root(&logic.root, &env) {
        Err(_) => {
            let message = format!("Error evaluating targeting rule for flag '{flag_key}'");
            Err((ErrorCode::General, message))
        }
        Ok(Val::Null) => Ok((None, Reason::Default)),
        // `toString()` of the result: booleans "true"/"false", numbers as JavaScript prints them.
        Ok(v) => Ok((Some(v.to_js_string().into_owned()), Reason::TargetingMatch)),
    }
}

/// `flags` as `(key, flag)` pairs: an object, or a list of flags with a `key` each.
fn flag_entries(flags: Option<&Value>) -> Result<Vec<(String, &Value)>, String> {
    match flags {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, flag)| match flag.get("key") {
                Some(Value::String(key)) => Ok((key.clone(), flag)),
                _ => Err(format!("Flag number {} of the list has no \"key\".", i + 1)),
            })
            .collect(),
        Some(_) => Err("\"flags\" must be an object of flags.".into()),
    }
}

/// Replaces `{"$ref": name}` by the evaluator `name`, recursively; a reference inside its own
/// expansion (a cycle) is left as it is.
fn inline_refs(
    value: &mut Value,
    evaluators: &Map<String, Value>,
    stack: &mut Vec<String>,
    depth: usize,
) {
    if depth > 256 {
        return;
    }
    if let Some(name) = ref_name(value)
        && let Some(body) = evaluators.get(name)
        && !stack.iter().any(|s| s == name)
    {
        let name = name.to_owned();
        let mut body = body.clone();
        stack.push(name);
        inline_refs(&mut body, evaluators, stack, depth + 1);
        stack.pop();
        *value = body;
        return;
    }
    match value {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| inline_refs(i, evaluators, stack, depth + 1)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| inline_refs(v, evaluators, stack, depth + 1)),
        _ => {}
    }
}

fn ref_name(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

fn parse_flag(key: &str, raw: &Value) -> Result<FlagDefinition, String> {
    let Value::Object(flag) = raw else {
        return Err(format!("Flag '{key}' must be an object."));
    };
    let state = match flag.get("state") {
        Some(Value::String(s)) if s == "ENABLED" => FlagState::Enabled,
        Some(Value::String(s)) if s == "DISABLED" => FlagState::Disabled,
        other => {
            let shown = other.map_or_else(|| "none".to_owned(), Value::to_string);
            return Err(format!(
                "Flag '{key}' has an invalid state ({shown}); it must be \"ENABLED\" or \"DISABLED\"."
            ));
        }
    };
    let Some(Value::Object(variants)) = flag.get("variants") else {
        return Err(format!("Flag '{key}' must have an object of variants."));
    };
    let default_variant = match flag.get("defaultVariant") {
        // `flag.defaultVariant || undefined`: every falsy value means none.
        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => None,
        Some(Value::String(s)) if variants.contains_key(s) => Some(s.clone()),
        Some(other) => {
            return Err(format!(
                "Flag '{key}' has default variant {other}, which is not one of its variants."
            ));
        }
    };
    let targeting = flag.get("targeting").filter(|t| has_targeting(t)).cloned();
    let logic = targeting.as_ref().map(Logic::compile);
    Ok(FlagDefinition {
        state,
        variants: variants.clone(),
        default_variant,
        targeting,
        logic,
    })
}

/// `flag.targeting && Object.keys(flag.targeting).length > 0`.
fn has_targeting(t: &Value) -> bool {
    match t {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => false,
    }
}
