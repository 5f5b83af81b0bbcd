//! OFREP 0.3 answers from Flagdeck's own evaluator: requests read, flags evaluated, and the
//! success and failure bodies of the OpenAPI file built. No HTTP here.

use std::collections::BTreeMap;

use flagdeck_core::checked::{EnvId, Project};
use flagdeck_core::eval;
use flagdeck_core::resolution::{ErrorCode, Reason, Resolution};
use serde_json::{Map, Value, json};

use crate::Served;

/// A request's evaluation context, or the failure body that refuses the request.
pub type Context = Map<String, Value>;

/// Why a whole request is refused: the OFREP error code and a sentence (always a 400).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub details: String,
}

/// Reads `{"context": {...}}`. Not JSON: PARSE_ERROR; no context object, or a `targetingKey`
/// that is not text: INVALID_CONTEXT. A missing `targetingKey` is accepted (a designer's product
/// often has none before sign-in); a flag that needs one to split people answers
/// TARGETING_KEY_MISSING on its own (see [`evaluate`]).
pub fn read_context(body: &[u8]) -> Result<Context, Refusal> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Refusal {
        code: "PARSE_ERROR",
        details: format!("The request body is not JSON ({e})"),
    })?;
    let invalid = |details: &str| Refusal {
        code: "INVALID_CONTEXT",
        details: details.to_owned(),
    };
    let Value::Object(mut request) = value else {
        return Err(invalid(
            "The request body must be an object with a context: {\"context\": {...}}",
        ));
    };
    let Some(Value::Object(context)) = request.remove("context") else {
        return Err(invalid(
            "The request has no context object: send {\"context\": {\"targetingKey\": \"...\"}}",
        ));
    };
    if context.get("targetingKey").is_some_and(|v| !v.is_string()) {
        return Err(invalid("The context's targetingKey must be text"));
    }
    Ok(context)
}

/// One flag's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `value` is `None` where the application's code default applies.
    Success {
        key: String,
        value: Option<Value>,
        variant: Option<String>,
        reason: &'static str,
        pinned: bool,
    },
    NotFound {
        key: String,
        details: String,
    },
    Failure {
        key: String,
        code: &'static str,
        details: String,
    },
}

impl Answer {
    /// The body, as the OpenAPI file's `evaluationSuccess`, `flagNotFound` or
    /// `evaluationFailure`.
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Success {
                key,
                value,
                variant,
                reason,
                pinned,
            } => {
                let mut body = Map::new();
                body.insert("key".into(), json!(key));
                if let Some(value) = value {
                    body.insert("value".into(), value.clone());
                }
                body.insert("reason".into(), json!(reason));
                if let Some(variant) = variant {
                    body.insert("variant".into(), json!(variant));
                }
                if *pinned {
                    body.insert("metadata".into(), json!({"pinned": true}));
                }
                Value::Object(body)
            }
            Answer::NotFound { key, details } => {
                json!({"key": key, "errorCode": "FLAG_NOT_FOUND", "errorDetails": details})
            }
            Answer::Failure { key, code, details } => {
                json!({"key": key, "errorCode": code, "errorDetails": details})
            }
        }
    }
}

/// Pinned variations: flag key → variation key.
pub type PinMap = BTreeMap<String, String>;

/// What one evaluation needs besides the flag.
pub struct Request<'a> {
    pub served: &'a Served,
    pub env: EnvId,
    pub context: &'a Context,
    pub at: i64,
    pub pins: &'a PinMap,
}

/// The text a context without one is given, to learn whether a flag needs a targeting key.
const PROBE_TARGETING_KEY: &str = "flagdeck-ofrep-probe";

/// Evaluates one flag: a pinned variation if any (STATIC, `{"pinned": true}`), else the
/// evaluator's answer at `at`.
pub fn evaluate(request: &Request<'_>, project: &Project, key: &str) -> Answer {
    if let Some(problem) = request.served.flag_problem(key) {
        return Answer::Failure {
            key: key.to_owned(),
            code: "GENERAL",
            details: format!("This flag's draft has a problem, so it is not served: {problem}"),
        };
    }
    let Some(flag_id) = project.flag_id(key) else {
        return Answer::NotFound {
            key: key.to_owned(),
            details: format!("Flag '{key}' was not found"),
        };
    };
    if let Some(answer) = pinned(request, project, flag_id, key) {
        return answer;
    }
    let resolution = eval::evaluate(project, request.env, flag_id, request.context, request.at);
    if needs_targeting_key(request, project, flag_id, &resolution) {
        return Answer::Failure {
            key: key.to_owned(),
            code: "TARGETING_KEY_MISSING",
            details: format!(
                "Flag '{key}' splits people by targetingKey, and the context has none"
            ),
        };
    }
    answer_of(key, resolution)
}

fn pinned(request: &Request<'_>, project: &Project, flag_id: usize, key: &str) -> Option<Answer> {
    let variation = request.pins.get(key)?;
    let flag = project.flags.get(flag_id)?;
    // A pin whose variation a later draft removed no longer applies.
    let served = flag.variations.iter().find(|v| &v.key == variation)?;
    Some(Answer::Success {
        key: key.to_owned(),
        value: Some(served.value.clone()),
        variant: Some(served.key.clone()),
        reason: "STATIC",
        pinned: true,
    })
}

/// Whether the answer is "cannot bucket" only because the context has no targeting key: the
/// same context with one would be split. (Rare, so the second evaluation costs nothing.)
fn needs_targeting_key(
    request: &Request<'_>,
    project: &Project,
    flag_id: usize,
    resolution: &Resolution,
) -> bool {
    if resolution.reason != Reason::Default || request.context.contains_key("targetingKey") {
        return false;
    }
    let mut probe = request.context.clone();
    probe.insert("targetingKey".into(), json!(PROBE_TARGETING_KEY));
    eval::evaluate(project, request.env, flag_id, &probe, request.at).reason == Reason::Split
}

fn answer_of(key: &str, resolution: Resolution) -> Answer {
    let key = key.to_owned();
    if let Some(code) = resolution.error_code {
        let details = resolution
            .error_message
            .unwrap_or_else(|| "The flag could not be evaluated".to_owned());
        return match code {
            ErrorCode::FlagNotFound => Answer::NotFound { key, details },
            ErrorCode::ParseError => Answer::Failure {
                key,
                code: "PARSE_ERROR",
                details,
            },
            ErrorCode::TypeMismatch | ErrorCode::General => Answer::Failure {
                key,
                code: "GENERAL",
                details,
            },
        };
    }
    Answer::Success {
        key,
        value: resolution.value,
        variant: resolution.variant,
        reason: reason_name(resolution.reason),
        pinned: false,
    }
}

/// OFREP 0.3's reasons are STATIC, TARGETING_MATCH, SPLIT, DISABLED and UNKNOWN: it has no
/// DEFAULT, so the fallthrough (the flag's static answer when nothing targets) is STATIC.
fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Static | Reason::Default => "STATIC",
        Reason::TargetingMatch => "TARGETING_MATCH",
        Reason::Split => "SPLIT",
        Reason::Disabled => "DISABLED",
        Reason::Error => "UNKNOWN",
    }
}

/// Every flag of the project (and every flag whose draft is broken), by key.
pub fn evaluate_all(request: &Request<'_>, project: &Project) -> Vec<Answer> {
    let mut keys: Vec<&str> = project.flags.iter().map(|f| f.key.as_str()).collect();
    keys.extend(request.served.flag_problems().map(|(key, _)| key));
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|key| evaluate(request, project, key))
        .collect()
}
