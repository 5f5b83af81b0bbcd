//! Problems found in a project: where (file, JSON pointer, line and column when known), a stable
//! code for programs, and a sentence for people.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable codes. They are part of the CLI's JSON output: add new ones, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The file is not valid JSON.
    MalformedJson,
    /// The file is not UTF-8.
    NotUtf8,
    /// The file is larger than [`crate::format::MAX_FILE_BYTES`].
    FileTooLarge,
    /// The file could not be read.
    Unreadable,
    /// A field has the wrong JSON type, is missing, or is not part of the format.
    InvalidStructure,
    /// `flagdeck.json` is missing.
    MissingProject,
    /// A `format` version this build does not know.
    UnsupportedFormat,
    /// A key that breaks the key pattern.
    InvalidKey,
    /// A file whose name does not match the key inside it.
    FileNameMismatch,
    /// A file in a place the format does not define.
    UnexpectedFile,
    /// Two things with one key (variations, environments, attributes, targets, step rules).
    DuplicateKey,
    /// Two rules with one id in one environment.
    DuplicateRuleId,
    UnknownVariation,
    UnknownSegment,
    UnknownAttribute,
    UnknownEnvironment,
    UnknownRule,
    UnknownOperator,
    /// A value of another type than the flag or attribute declares.
    WrongValueType,
    /// A weight that is negative, not a number of percent, or has more than three decimals.
    InvalidWeight,
    /// Rollout weights that do not add up to 100.
    WeightsDoNotSum,
    /// An operator not allowed for the attribute's type.
    OperatorNotAllowed,
    InvalidSemver,
    InvalidDatetime,
    /// A condition with no shape or with two shapes, or a missing operand.
    InvalidCondition,
    /// A serve with not exactly one of variation, rollout, ramp.
    InvalidServe,
    SegmentCycle,
    ScheduleOutOfOrder,
    ScheduleSameInstant,
    InvalidRamp,
    /// An individual key listed under two variations.
    TargetConflict,
    /// A `bucketBy` that names no string attribute.
    InvalidBucketBy,
    /// Governance: a person id that is not in `people/`.
    UnknownPerson,
    /// Governance: a `group:<key>` that `policy.json` does not define.
    UnknownGroup,
    /// Governance: a `publicKey` that is not `ed25519:` and the base64 of a valid 32-byte key.
    InvalidPublicKey,
    /// Governance: an approval whose content hash or signature is not well formed.
    InvalidApproval,
    /// Governance: a change request's entity that is not a governed file, or changes nothing.
    InvalidChangeEntity,
    /// Governance: a rule's `require` that asks for no approval, names no one, or can never be met.
    InvalidRequirement,
    /// Governance: an emergency change without a reason.
    MissingReason,
    /// A freeze window of `flagdeck.json` that ends before it starts.
    InvalidFreeze,
    /// A draft adds or changes a schedule step whose time has passed (checked at publish time).
    ScheduleInPast,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed-json",
            Self::NotUtf8 => "not-utf8",
            Self::FileTooLarge => "file-too-large",
            Self::Unreadable => "unreadable",
            Self::InvalidStructure => "invalid-structure",
            Self::MissingProject => "missing-project",
            Self::UnsupportedFormat => "unsupported-format",
            Self::InvalidKey => "invalid-key",
            Self::FileNameMismatch => "file-name-mismatch",
            Self::UnexpectedFile => "unexpected-file",
            Self::DuplicateKey => "duplicate-key",
            Self::DuplicateRuleId => "duplicate-rule-id",
            Self::UnknownVariation => "unknown-variation",
            Self::UnknownSegment => "unknown-segment",
            Self::UnknownAttribute => "unknown-attribute",
            Self::UnknownEnvironment => "unknown-environment",
            Self::UnknownRule => "unknown-rule",
            Self::UnknownOperator => "unknown-operator",
            Self::WrongValueType => "wrong-value-type",
            Self::InvalidWeight => "invalid-weight",
            Self::WeightsDoNotSum => "weights-do-not-sum",
            Self::OperatorNotAllowed => "operator-not-allowed",
            Self::InvalidSemver => "invalid-semver",
            Self::InvalidDatetime => "invalid-datetime",
            Self::InvalidCondition => "invalid-condition",
            Self::InvalidServe => "invalid-serve",
            Self::SegmentCycle => "segment-cycle",
            Self::ScheduleOutOfOrder => "schedule-out-of-order",
            Self::ScheduleSameInstant => "schedule-same-instant",
            Self::InvalidRamp => "invalid-ramp",
            Self::TargetConflict => "target-conflict",
            Self::InvalidBucketBy => "invalid-bucket-by",
            Self::UnknownPerson => "unknown-person",
            Self::UnknownGroup => "unknown-group",
            Self::InvalidPublicKey => "invalid-public-key",
            Self::InvalidApproval => "invalid-approval",
            Self::InvalidChangeEntity => "invalid-change-entity",
            Self::InvalidRequirement => "invalid-requirement",
            Self::MissingReason => "missing-reason",
            Self::InvalidFreeze => "invalid-freeze",
            Self::ScheduleInPast => "schedule-in-past",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// The file, relative to the project folder, with `/` separators.
    pub file: String,
    /// A JSON pointer into the file (RFC 6901); empty for the whole file.
    pub pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// A sentence a release owner understands.
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        code: Code,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn warning(
        code: Code,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, pointer, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    /// `flags/x.json:3:7 /environments/production: sentence [code]`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " {}", self.pointer)?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {} [{}]", self.message, self.code.as_str())
    }
}

/// Appends `token` to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{token}")
}
