//! The repository format (DESIGN §3) as Rust types: exactly what is on disk.
//!
//! These types are deliberately permissive where a hand-edited file can be wrong in a way a
//! release owner should read about as a sentence (a condition with two shapes at once, a weight
//! with four decimals, a timestamp that is not RFC 3339): such problems are found by
//! [`crate::validate`], which reports all of them at once with a JSON pointer, rather than by the
//! JSON decoder, which stops at the first. Structure that cannot be wrong in an interesting way
//! (a field of the wrong JSON type, an unknown field) is enforced here.
//!
//! Field order in these structs is the key order on disk: do not reorder fields.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// `flagdeck.json`: the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck project (flagdeck.json)")]
pub struct ProjectFile {
    /// Format version; this build understands 1.
    pub format: u32,
    pub name: String,
    /// The attribute that rollouts bucket by unless they say otherwise (default `targetingKey`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_by: Option<String>,
    pub environments: Vec<EnvironmentDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
    /// Freeze windows: times when nothing should change; the release calendar warns about
    /// schedule steps inside one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub freezes: Vec<FreezeDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvironmentDef {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A freeze window of `flagdeck.json`: from `from` (inclusive) to `to` (exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FreezeDef {
    pub name: String,
    /// RFC 3339; the window's first instant.
    pub from: String,
    /// RFC 3339, after `from`; the window's end (not included).
    pub to: String,
    /// The environments frozen, by key; none listed means every environment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<String>,
}

impl FreezeDef {
    /// Whether this freeze applies to the environment `env`.
    pub fn covers(&self, env: &str) -> bool {
        self.environments.is_empty() || self.environments.iter().any(|e| e == env)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AttributeDef {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: AttributeType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Suggested values for pickers; not a restriction on contexts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum AttributeType {
    String,
    Number,
    Boolean,
    Semver,
    Datetime,
}

/// `exists` and `not_exists`, which apply to attributes of every type (DESIGN §3).
pub const PRESENCE_OPERATORS: [&str; 2] = ["exists", "not_exists"];

impl AttributeType {
    pub const ALL: [AttributeType; 5] = [
        Self::String,
        Self::Number,
        Self::Boolean,
        Self::Semver,
        Self::Datetime,
    ];

    /// The operators of DESIGN §3 for this type, besides [`PRESENCE_OPERATORS`].
    pub fn operators(self) -> &'static [&'static str] {
        match self {
            Self::String => &[
                "equals",
                "not_equals",
                "in",
                "not_in",
                "contains",
                "not_contains",
                "starts_with",
                "ends_with",
            ],
            Self::Number => &[
                "equals",
                "not_equals",
                "in",
                "not_in",
                "lt",
                "lte",
                "gt",
                "gte",
            ],
            Self::Boolean => &["is_true", "is_false"],
            Self::Semver => &[
                "semver_eq",
                "semver_neq",
                "semver_lt",
                "semver_lte",
                "semver_gt",
                "semver_gte",
                "semver_caret",
                "semver_tilde",
            ],
            Self::Datetime => &["before", "after"],
        }
    }

    /// Whether `op` applies to attributes of this type.
    pub fn allows(self, op: &str) -> bool {
        PRESENCE_OPERATORS.contains(&op) || self.operators().contains(&op)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Semver => "semver",
            Self::Datetime => "datetime",
        }
    }
}

/// `flags/<key>.json`: one flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck flag (flags/<key>.json)")]
pub struct FlagFile {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: FlagType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub variations: Vec<Variation>,
    /// Per environment key. An environment the flag does not list is disabled with no off
    /// variation: applications get their code default.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub environments: IndexMap<String, FlagEnvironment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FlagType {
    Boolean,
    String,
    Number,
    Object,
}

impl FlagType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Boolean => "boolean",
            Self::String => "string",
            Self::Number => "number",
            Self::Object => "object",
        }
    }

    /// Whether a JSON value has this flag type.
    pub fn admits(self, value: &Value) -> bool {
        match self {
            Self::Boolean => value.is_boolean(),
            Self::String => value.is_string(),
            Self::Number => value.is_number(),
            Self::Object => value.is_object(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Variation {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlagEnvironment {
    /// The kill switch: `false` serves `offVariation` to everyone.
    pub enabled: bool,
    /// Served while disabled; `null` means the application's own code default.
    #[serde(default)]
    pub off_variation: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    pub fallthrough: Serve,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<ScheduleStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Target {
    pub variation: String,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// No condition: the rule always matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    pub serve: Serve,
}

/// What to serve: exactly one of `variation`, `rollout`, `ramp` or `jsonLogic` (checked by
/// validation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Serve {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Vec<WeightedVariation>>,
    /// Only inside a schedule step: a linear ramp from the step's instant to `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Ramp>,
    /// Advanced, read-only in the editor: flagd targeting kept verbatim by `flagdeck import flagd`
    /// when it cannot be expressed as rules. It returns a variation key; `null` means "this rule
    /// does not match" and evaluation goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_logic: Option<Value>,
    /// The attribute to bucket by (rollouts and ramps); default: the project's `bucketBy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_by: Option<String>,
}

impl Serve {
    pub fn variation(key: impl Into<String>) -> Self {
        Self {
            variation: Some(key.into()),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WeightedVariation {
    pub variation: String,
    /// Percent, at most three decimals; a rollout's weights sum to exactly 100.
    pub weight: Number,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ramp {
    /// RFC 3339, equal to the step's `at`.
    pub from: String,
    /// RFC 3339, after `from`.
    pub to: String,
    /// The variation whose share moves from `fromWeight` to `toWeight`.
    pub variation: String,
    pub from_weight: Number,
    pub to_weight: Number,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleStep {
    /// RFC 3339 in UTC, whole seconds. The step applies from this instant on (`t >= at`).
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallthrough: Option<Serve>,
    /// New `serve` for rules, by rule id.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub rules: IndexMap<String, RuleOverride>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleOverride {
    pub serve: Serve,
}

/// A condition: a leaf (`attribute`, `op`, `value` or `values`), a segment reference
/// (`segment`), or a group (`all`, `any`, `not`). Exactly one shape per object (checked by
/// validation, so that a mixed-up condition is a located sentence, not a decoder error).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
}

impl Condition {
    pub fn leaf(attribute: &str, op: &str) -> Self {
        Self {
            attribute: Some(attribute.to_owned()),
            op: Some(op.to_owned()),
            ..Self::default()
        }
    }
}

/// `segments/<key>.json`: one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck segment (segments/<key>.json)")]
pub struct SegmentFile {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// No condition: the segment is exactly its `include` list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// `personas/<key>.json`: a saved evaluation context (a persona), shared by the team to
/// preview flags. Validated against the project's attributes; never compiled into `dist/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck persona (personas/<key>.json)")]
pub struct PersonaFile {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The evaluation context: declared attributes with values of their declared type
    /// (a datetime is Unix seconds).
    pub context: IndexMap<String, Value>,
}
