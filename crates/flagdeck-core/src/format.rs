//! Reading and writing the files of a project, without IO: the caller hands in bytes.
//!
//! Writing is canonical: the key order of [`crate::model`], two-space indent, a trailing newline,
//! non-ASCII text as UTF-8. Reading a file this module wrote and writing it again gives the same
//! bytes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::{Code, Diagnostic, pointer_push};

/// Files above this size are refused unread (DESIGN: a 50 MB file must not hang anything).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// One file of a project: its path relative to the project folder (with `/`), and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Decodes one file, or says in one located sentence why it cannot be read.
pub fn parse<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(&bytes[..e.valid_up_to()]);
        Diagnostic::error(
            Code::NotUtf8,
            path,
            "",
            "The file is not UTF-8 text; save it as UTF-8.",
        )
        .at(line, column)
    })?;
    // Editors on some systems put a byte order mark in front; it carries no meaning.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| describe(path, &err))?;
    de.end().map_err(|err| {
        Diagnostic::error(
            Code::MalformedJson,
            path,
            "",
            "This is not valid JSON: there is more text after the end of the document.",
        )
        .at(err.line(), err.column())
    })?;
    Ok(value)
}

/// The diagnostic for a file over [`MAX_FILE_BYTES`] (a reader may stop reading at the limit,
/// so the message does not claim an exact size).
pub fn too_large(path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FileTooLarge,
        path,
        "",
        format!(
            "The file is larger than the {} MB limit for one file, so it was not read; a flag or segment file is normally a few kilobytes.",
            MAX_FILE_BYTES / 1_048_576
        ),
    )
}

fn describe(path: &str, err: &serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    let inner = err.inner();
    let mut pointer = String::new();
    for segment in err.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, index),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { variant } => pointer = pointer_push(&pointer, variant),
            Segment::Unknown => pointer = pointer_push(&pointer, "?"),
        }
    }
    let raw = inner.to_string();
    let message = raw.rfind(" at line ").map_or(raw.as_str(), |i| &raw[..i]);
    let (code, sentence) = match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => (
            Code::MalformedJson,
            format!("This is not valid JSON: {message}."),
        ),
        _ => (Code::InvalidStructure, humanize(message)),
    };
    // A syntax error has no place in the document's structure, only a line and column.
    let pointer = if code == Code::MalformedJson {
        String::new()
    } else {
        pointer
    };
    let diagnostic = Diagnostic::error(code, path, pointer, sentence);
    if inner.line() > 0 {
        diagnostic.at(inner.line(), inner.column().max(1))
    } else {
        diagnostic
    }
}

/// Turns serde's messages into sentences without backticks.
fn humanize(message: &str) -> String {
    let m = message.replace('`', "'");
    if let Some(field) = m.strip_prefix("missing field ") {
        return format!("The field {field} is missing.");
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.strip_prefix("one of ").unwrap_or(expected);
        if expected.is_empty() || expected.starts_with("there are no fields") {
            return format!("{field} is not a field of the Flagdeck format here.");
        }
        let names: Vec<&str> = expected.split(", ").map(|n| n.trim_matches('\'')).collect();
        let hint = crate::suggest::suggest(&names, field.trim_matches('\''));
        return format!(
            "{field} is not a field of the Flagdeck format here{hint}; the fields here are {expected}."
        );
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("{found} is not allowed here; use {expected}.");
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        return format!("Expected {expected} here, found {found}.");
    }
    if let Some(rest) = m.strip_prefix("duplicate field ") {
        return format!("The field {rest} appears twice.");
    }
    let mut s = m;
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
    let column = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

/// The canonical text of a file: pretty JSON with two-space indent and a trailing newline.
pub fn to_canonical_json<T: Serialize>(value: &T) -> String {
    // Serializing the format's own types into a String cannot fail: keys are strings and
    // there are no non-finite floats in serde_json values.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
