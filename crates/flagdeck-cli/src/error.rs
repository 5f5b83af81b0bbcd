//! The CLI's errors: a sentence and an exit code.

use std::path::Path;
use std::process::ExitCode;

use crate::output::Format;

#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or input that is not a project's problem: exit 2.
    Usage(String),
    /// A file could not be read or written: exit 2.
    Io(String),
    /// A governance rule refuses the action (a policy not met, an approval that would not
    /// count): the input has a problem, exit 1.
    Refused(String),
}

impl CliError {
    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> Self {
        let why = match err.kind() {
            std::io::ErrorKind::NotFound => "it does not exist".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission was denied".to_owned(),
            _ => err.to_string(),
        };
        Self::Io(format!("Could not {action} {}: {why}.", path.display()))
    }

    pub fn report(&self, format: Format) -> ExitCode {
        let (kind, message, code) = match self {
            Self::Usage(m) => ("usage", m, 2),
            Self::Io(m) => ("io", m, 2),
            Self::Refused(m) => ("refused", m, 1),
        };
        match format {
            Format::Text => eprintln!("flagdeck: {message}"),
            Format::Json => {
                eprintln!(
                    "{}",
                    serde_json::json!({"error": {"kind": kind, "message": message}})
                );
            }
        }
        ExitCode::from(code)
    }
}

/// The app's errors keep their sentence: wrong input is a usage error, the rest IO.
impl From<flagdeck_app::AppError> for CliError {
    fn from(error: flagdeck_app::AppError) -> Self {
        use flagdeck_app::ErrorCode;
        match error.code {
            ErrorCode::InvalidInput | ErrorCode::NotFound | ErrorCode::IdentityMissing => {
                Self::Usage(error.message)
            }
            ErrorCode::Refused => Self::Refused(error.message),
            _ => Self::Io(error.message),
        }
    }
}

pub type CliResult = Result<ExitCode, CliError>;
