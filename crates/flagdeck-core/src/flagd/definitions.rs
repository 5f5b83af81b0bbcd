//! A flagd flag-definition file, loaded and resolved as @openfeature/flagd-core 4.0.1 does
//! (`MemoryStorage.setConfigurations` without strict validation, `FeatureFlag.evaluate`,
//! `FlagdCore.resolve`).

use super::eval::evaluate_root;
use super::logic::Logic;
use super::value::map_get;
use super::value::{Env, Val};
use crate::resolution::{ErrorCode, Reason, Resolution};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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
    /// Prepared on first use: loading a large file stays fast, and a flag nobody asks for
    /// costs nothing more.
    logic: OnceLock<Result<Logic, String>>,
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

    /// The prepared targeting: `None` without targeting, `Err` when it does not compile
    /// (compiled on the first call).
    pub fn logic(&self) -> Option<Result<&Logic, &str>> {
        let targeting = self.targeting.as_ref()?;
        let prepared = self.logic.get_or_init(|| Logic::compile(targeting));
        Some(prepared.as_ref().map_err(String::as_str))
    }
}

/// A parsed flagd flag-definition file.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    flags: FlagMap,
}

type FlagMap = IndexMap<String, FlagDefinition, BuildHasherDefault<KeyHasher>>;

/// A fast hash for flag keys (FxHash's mixing): resolving a flag starts with this lookup, and
/// the keys come from the project's own file.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        for byte in chunks.remainder() {
            self.mix(u64::from(*byte));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
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
        let doc = super::document::read(text)?;
        let evaluators = doc.evaluators;
        let entries = doc.flags?;
        let mut flags = FlagMap::with_capacity_and_hasher(entries.len(), Default::default());
        let mut inliner = Inliner::new(&evaluators);
        for (key, mut raw) in entries {
            if !evaluators.is_empty() {
                inliner.budget = INLINE_BUDGET;
                inliner.inline(&mut raw);
            }
            let flag = parse_flag(&key, raw)?;
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
        let Some(value) = map_get(&flag.variants, &variant) else {
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
    let logic = match flag.logic() {
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
    match evaluate_root(logic, &env) {
        Err(_) => {
            let message = format!("Error evaluating targeting rule for flag '{flag_key}'");
            Err((ErrorCode::General, message))
        }
        Ok(Val::Null) => Ok((None, Reason::Default)),
        // `toString()` of the result: booleans "true"/"false", numbers as JavaScript prints them.
        Ok(v) => Ok((Some(v.to_js_string().into_owned()), Reason::TargetingMatch)),
    }
}

/// How many JSON values one flag may gain by inlining evaluators: evaluators that reference each
/// other twice over would otherwise grow exponentially. Beyond it that flag's references stay as
/// they are (it answers PARSE_ERROR). The budget is per flag, so one runaway flag cannot take
/// the others' (a file-wide budget made the last flags of a 10,000-flag file fail).
const INLINE_BUDGET: usize = 2_000_000;

/// Replaces `{"$ref": name}` by the evaluator `name`, recursively; a reference inside its own
/// expansion (a cycle) is left as it is.
struct Inliner<'e> {
    evaluators: &'e Map<String, Value>,
    stack: Vec<&'e str>,
    budget: usize,
}

impl<'e> Inliner<'e> {
    fn new(evaluators: &'e Map<String, Value>) -> Self {
        Self {
            evaluators,
            stack: Vec::new(),
            budget: INLINE_BUDGET,
        }
    }

    fn inline(&mut self, value: &mut Value) {
        if self.stack.len() > 64 {
            return;
        }
        if let Some(name) = ref_name(value)
            && let Some((name, body)) = self.evaluators.get_key_value(name)
            && !self.stack.contains(&name.as_str())
            && let Some(rest) = self.budget.checked_sub(json_size(body))
        {
            self.budget = rest;
            let mut body = body.clone();
            self.stack.push(name);
            self.inline(&mut body);
            self.stack.pop();
            *value = body;
            return;
        }
        match value {
            Value::Array(items) => items.iter_mut().for_each(|i| self.inline(i)),
            Value::Object(map) => map.values_mut().for_each(|v| self.inline(v)),
            _ => {}
        }
    }
}

/// The number of JSON values in `v`.
fn json_size(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(json_size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(json_size).sum::<usize>(),
        _ => 1,
    }
}

fn ref_name(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

fn parse_flag(key: &str, raw: Value) -> Result<FlagDefinition, String> {
    let Value::Object(mut flag) = raw else {
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
    let Some(Value::Object(variants)) = flag.remove("variants") else {
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
    let targeting = flag.remove("targeting").filter(has_targeting);
    Ok(FlagDefinition {
        state,
        variants,
        default_variant,
        targeting,
        logic: OnceLock::new(),
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
