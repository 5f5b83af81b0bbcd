//! The governance files (DESIGN §6) as Rust types: exactly what is on disk, like
//! [`crate::model`]. Field order is the key order on disk: do not reorder fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `people/<id>.json`: one person who can sign approvals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck person (people/<id>.json)")]
pub struct Person {
    /// An entity key, equal to the file name.
    pub id: String,
    pub name: String,
    pub email: String,
    /// `ed25519:` followed by the standard base64 of the 32-byte public key.
    pub public_key: String,
}

impl Person {
    /// The name people read: the person's name, or the id when the name is blank.
    pub fn display_name(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// `policy.json`: groups of people and the rules that say whose approval a change needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck policy (policy.json)")]
pub struct Policy {
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub rules: Vec<PolicyRule>,
    /// May a change that only reduces exposure publish without approval? Absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyPolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Group {
    pub key: String,
    pub name: String,
    /// Person ids.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyRule {
    pub name: String,
    /// Which changes the rule applies to: every present field must match (AND); an absent field
    /// matches anything.
    #[serde(default)]
    pub when: Scope,
    pub require: Requirement,
}

/// A rule's scope. A list matches when the change touches at least one of its entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    /// Person ids of flag owners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
    /// `true`: changes to `policy.json` or `people/`; `false`: changes that touch neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Requirement {
    /// How many distinct eligible people must approve (at least 1).
    pub approvals: u32,
    /// Who is eligible: `group:<key>`, `person:<id>` or `owner` (the touched flags' owners).
    pub from: Vec<String>,
    /// May the change's author count as one of the approvers? Default: no.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub author_may_approve: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmergencyPolicy {
    pub allowed: bool,
    /// Only in these environments; absent: in every environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
}

/// `changes/<id>.json`: a change request with its approvals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Flagdeck change request (changes/<id>.json)")]
pub struct ChangeRequest {
    /// An entity key, equal to the file name.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// The person id of who made the request.
    pub author: String,
    /// The author's ed25519 signature (`ed25519:<base64>`) over
    /// `flagdeck change v1\n<id>\n<content hash>`: who wrote this version. Absent or not
    /// verifying against the author's key, the request cannot be published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub author_signature: Option<String>,
    /// The commit the request was made on.
    pub base: String,
    pub entities: Vec<EntityChange>,
    pub status: Status,
    /// Present for an emergency change: publish without approval, if the policy allows it and
    /// the change only reduces exposure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub emergency: Option<EmergencyReason>,
    #[serde(default)]
    pub approvals: Vec<Approval>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Comment>>", optional))]
    pub comments: Vec<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub published: Option<Published>,
}

/// One file the request changes: its content before (at the base) and after; `null` for a file
/// that does not exist on that side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityChange {
    /// `flags/<key>.json`, `segments/<key>.json`, `flagdeck.json`, `policy.json` or
    /// `people/<id>.json`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Approved,
    Rejected,
    Withdrawn,
    Published,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmergencyReason {
    /// Why this could not wait for approval (mandatory, not blank).
    pub reason: String,
}

/// A signed decision by one person on one version of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Approval {
    /// Person id.
    pub by: String,
    pub decision: Decision,
    /// The request's content hash when it was signed (`sha256:<hex>`).
    pub content_hash: String,
    /// `ed25519:` followed by the standard base64 of the 64-byte signature.
    pub signature: String,
    /// RFC 3339.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Comment {
    pub by: String,
    /// RFC 3339.
    pub at: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Published {
    pub by: String,
    /// RFC 3339.
    pub at: String,
    /// The commit that applied the change, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub commit: Option<String>,
}
