//! The outcome of evaluating a flag, in OpenFeature's words (reasons and error codes), shared by
//! the native evaluator and the flagd evaluator so that their results compare directly.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    Static,
    TargetingMatch,
    Split,
    Disabled,
    Default,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    FlagNotFound,
    TypeMismatch,
    ParseError,
    General,
}

/// One evaluation. `value`/`variant` are `None` where the application's code default applies
/// (disabled with no off variation, an unknown flag, an error) and no default was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub value: Option<Value>,
    pub variant: Option<String>,
    pub reason: Reason,
    pub error_code: Option<ErrorCode>,
    /// A sentence, for errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl Resolution {
    pub fn served(value: Value, variant: impl Into<String>, reason: Reason) -> Self {
        Self {
            value: Some(value),
            variant: Some(variant.into()),
            reason,
            error_code: None,
            error_message: None,
        }
    }

    pub fn no_value(reason: Reason) -> Self {
        Self {
            value: None,
            variant: None,
            reason,
            error_code: None,
            error_message: None,
        }
    }

    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            value: None,
            variant: None,
            reason: Reason::Error,
            error_code: Some(code),
            error_message: Some(message.into()),
        }
    }
}
