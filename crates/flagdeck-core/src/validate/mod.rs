//! Validation: every problem in a project at once, each located (file, JSON pointer) with a
//! stable code and a sentence; and, when there is no error, the [`checked::Project`] that
//! evaluation and the compiler use.
//!
//! A malformed file never hides the other files: each file is read on its own, and a file that
//! cannot be read only removes itself (references to its key are not reported again).

mod cond;
mod flag;
mod freeze;
mod persona;
mod segment;
mod serve;

use std::collections::{HashMap, HashSet};

use crate::checked::{self, EnvId, SegmentId};
use crate::diag::{Code, Diagnostic, pointer_push};
use crate::format::{self, SourceFile};
use crate::keys;
use crate::model::{
    AttributeType, FORMAT_VERSION, FlagFile, PersonaFile, ProjectFile, SegmentFile,
};

/// The result of [`check`].
#[derive(Debug)]
pub struct Checked {
    /// Present only when there is no error.
    pub project: Option<checked::Project>,
    /// Errors and warnings, ordered by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// The files of a project, decoded (those that could be).
#[derive(Debug, Default)]
pub struct Loaded {
    pub project: Option<ProjectFile>,
    /// `(path, flag)` sorted by path.
    pub flags: Vec<(String, FlagFile)>,
    /// `(path, segment)` sorted by path.
    pub segments: Vec<(String, SegmentFile)>,
    /// `(path, persona)` sorted by path.
    pub personas: Vec<(String, PersonaFile)>,
    /// Keys of flag and segment files that exist but could not be decoded: references to them
    /// are not reported as unknown, since the file's own diagnostic says what is wrong.
    pub broken_flags: HashSet<String>,
    pub broken_segments: HashSet<String>,
}

/// The folder of persona files (`personas/<key>.json`).
pub const PERSONAS_DIR: &str = "personas";

pub const PROJECT_FILE: &str = "flagdeck.json";

/// One file, decoded on its own (see [`parse_file`]).
#[derive(Debug)]
pub enum Parsed {
    Project(ProjectFile),
    Flag(String, FlagFile),
    Segment(String, SegmentFile),
    Persona(String, PersonaFile),
    /// A flag, segment or persona file that could not be decoded (its diagnostic says why).
    BrokenFlag(String),
    BrokenSegment(String),
    BrokenPersona(String),
    /// Not a file of the format (`dist/`, other folders); or a stray file, with a warning.
    Ignored,
}

/// Decodes one file. Files are independent until [`check_parsed`], so a host may decode them as
/// it reads them, in parallel, and drop each file's bytes at once.
pub fn parse_file(file: &SourceFile) -> (Parsed, Option<Diagnostic>) {
    match classify(&file.path) {
        Kind::Project => match format::parse::<ProjectFile>(&file.path, &file.bytes) {
            Ok(p) => (Parsed::Project(p), None),
            Err(d) => (Parsed::Ignored, Some(d)),
        },
        Kind::Flag(name) => match format::parse::<FlagFile>(&file.path, &file.bytes) {
            Ok(f) => (Parsed::Flag(file.path.clone(), f), None),
            Err(d) => (Parsed::BrokenFlag(name.to_owned()), Some(d)),
        },
        Kind::Segment(name) => match format::parse::<SegmentFile>(&file.path, &file.bytes) {
            Ok(s) => (Parsed::Segment(file.path.clone(), s), None),
            Err(d) => (Parsed::BrokenSegment(name.to_owned()), Some(d)),
        },
        Kind::Persona(name) => match format::parse::<PersonaFile>(&file.path, &file.bytes) {
            Ok(p) => (Parsed::Persona(file.path.clone(), p), None),
            Err(d) => (Parsed::BrokenPersona(name.to_owned()), Some(d)),
        },
        Kind::Stray(dir) => (
            Parsed::Ignored,
            Some(Diagnostic::warning(
                Code::UnexpectedFile,
                &file.path,
                "",
                format!("Only <key>.json files belong in {dir}/; this file is ignored."),
            )),
        ),
        Kind::Other => (Parsed::Ignored, None),
    }
}

/// Decodes every file it knows (`flagdeck.json`, `flags/*.json`, `segments/*.json`,
/// `personas/*.json`); other
/// folders of the repository (`dist/`, later `people/`, `changes/`...) are not its business.
pub fn load(files: &[SourceFile]) -> (Loaded, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let parsed = files
        .iter()
        .map(|file| {
            let (parsed, diag) = parse_file(file);
            diags.extend(diag);
            parsed
        })
        .collect();
    (gather(parsed), diags)
}

fn gather(parsed: Vec<Parsed>) -> Loaded {
    let mut loaded = Loaded::default();
    for p in parsed {
        match p {
            Parsed::Project(p) => loaded.project = Some(p),
            Parsed::Flag(path, f) => loaded.flags.push((path, f)),
            Parsed::Segment(path, s) => loaded.segments.push((path, s)),
            Parsed::BrokenFlag(name) => {
                loaded.broken_flags.insert(name);
            }
            Parsed::BrokenSegment(name) => {
                loaded.broken_segments.insert(name);
            }
            Parsed::Persona(path, p) => loaded.personas.push((path, p)),
            // Nothing refers to a persona, so a broken one only has its own diagnostic.
            Parsed::BrokenPersona(_) => {}
            Parsed::Ignored => {}
        }
    }
    loaded.flags.sort_by(|a, b| a.0.cmp(&b.0));
    loaded.segments.sort_by(|a, b| a.0.cmp(&b.0));
    loaded.personas.sort_by(|a, b| a.0.cmp(&b.0));
    loaded
}

enum Kind<'a> {
    Project,
    Flag(&'a str),
    Segment(&'a str),
    Persona(&'a str),
    Stray(&'static str),
    Other,
}

fn classify(path: &str) -> Kind<'_> {
    if path == PROJECT_FILE {
        return Kind::Project;
    }
    for dir in ["flags", "segments", PERSONAS_DIR] {
        let Some(rest) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) else {
            continue;
        };
        return match rest.strip_suffix(".json") {
            Some(name) if !name.contains('/') => match dir {
                "flags" => Kind::Flag(name),
                "segments" => Kind::Segment(name),
                _ => Kind::Persona(name),
            },
            _ => Kind::Stray(dir),
        };
    }
    Kind::Other
}

/// Validates a project and, when it has no error, resolves it.
pub fn check(files: &[SourceFile]) -> Checked {
    let (loaded, diagnostics) = load(files);
    finish(loaded, diagnostics)
}

/// [`check`] for files already decoded with [`parse_file`] (in any order); `diagnostics` are
/// the ones decoding gave, and any the host found while reading.
pub fn check_parsed(parsed: Vec<Parsed>, diagnostics: Vec<Diagnostic>) -> Checked {
    finish(gather(parsed), diagnostics)
}

/// [`check`] for a project already decoded (no text, so its diagnostics carry no line or
/// column); flags, segments and personas are sorted by path here.
pub fn check_loaded(mut loaded: Loaded) -> Checked {
    loaded.flags.sort_by(|a, b| a.0.cmp(&b.0));
    loaded.segments.sort_by(|a, b| a.0.cmp(&b.0));
    loaded.personas.sort_by(|a, b| a.0.cmp(&b.0));
    finish(loaded, Vec::new())
}

fn finish(loaded: Loaded, mut diagnostics: Vec<Diagnostic>) -> Checked {
    let project = check_owned(loaded, &mut diagnostics);
    let project = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        project
    };
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.pointer).cmp(&(&b.file, b.line, b.column, &b.pointer))
    });
    Checked {
        project,
        diagnostics,
    }
}

/// Validates decoded files, appending to `diags`; returns the resolved project when everything
/// needed to build it was well-formed (the caller still checks `diags` for errors).
///
/// Each flag's decoded file is dropped as soon as it is resolved, so a large project never holds
/// all of its files and all of its resolved flags at once.
pub fn check_owned(loaded: Loaded, diags: &mut Vec<Diagnostic>) -> Option<checked::Project> {
    let Some(project_file) = &loaded.project else {
        if !diags.iter().any(|d| d.file == PROJECT_FILE) {
            diags.push(Diagnostic::error(
                Code::MissingProject,
                PROJECT_FILE,
                "",
                "This folder has no flagdeck.json, so it is not a Flagdeck project (flagdeck init creates one).",
            ));
        }
        return None;
    };
    let mut scope = Scope::new(project_file, &loaded, diags);
    let segments = segment::check_all(&mut scope, &loaded.segments);
    persona::check_all(&mut scope, project_file, &loaded.personas);
    let mut flags = Vec::new();
    let mut flag_index = HashMap::new();
    for (path, file) in loaded.flags {
        if let Some(flag) = flag::check(&mut scope, &path, &file) {
            flag_index.insert(flag.key.clone(), flags.len());
            flags.push(flag);
        }
    }
    let Scope {
        environments,
        attributes,
        segment_index,
        ..
    } = scope;
    Some(checked::Project {
        name: project_file.name.clone(),
        environments,
        attributes,
        segments: segments?,
        flags,
        env_index: HashMap::new(),
        flag_index,
        segment_index,
    })
    .map(|mut p| {
        p.env_index = p
            .environments
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.clone(), i))
            .collect();
        p
    })
}

/// What the checks of flags and segments need to know about the project, and where they write.
pub(crate) struct Scope<'a> {
    pub diags: &'a mut Vec<Diagnostic>,
    pub environments: Vec<checked::Environment>,
    pub attributes: Vec<checked::Attribute>,
    pub attribute_types: HashMap<String, AttributeType>,
    pub segment_index: HashMap<String, SegmentId>,
    pub segment_names: HashMap<String, String>,
    pub broken_segments: HashSet<String>,
    pub default_bucket_by: String,
}

impl<'a> Scope<'a> {
    fn new(project: &ProjectFile, loaded: &Loaded, diags: &'a mut Vec<Diagnostic>) -> Self {
        let mut scope = Scope {
            diags,
            environments: Vec::new(),
            attributes: Vec::new(),
            attribute_types: HashMap::new(),
            segment_index: HashMap::new(),
            segment_names: HashMap::new(),
            broken_segments: loaded.broken_segments.clone(),
            default_bucket_by: "targetingKey".to_owned(),
        };
        scope.check_project_file(project);
        // Segment ids follow file order (sorted by path); keys are checked by segment::check_all.
        for (path, s) in &loaded.segments {
            if !scope.segment_index.contains_key(&s.key) && file_stem(path) == s.key {
                scope
                    .segment_index
                    .insert(s.key.clone(), scope.segment_index.len());
                scope.segment_names.insert(s.key.clone(), s.name.clone());
            }
        }
        scope
    }

    fn check_project_file(&mut self, project: &ProjectFile) {
        let file = PROJECT_FILE;
        if project.format != FORMAT_VERSION {
            self.error(
                Code::UnsupportedFormat,
                file,
                "/format",
                format!(
                    "This project uses format {}, but this version of Flagdeck reads format {FORMAT_VERSION}; update Flagdeck.",
                    project.format
                ),
            );
        }
        if project.environments.is_empty() {
            self.error(
                Code::InvalidStructure,
                file,
                "/environments",
                "A project needs at least one environment.",
            );
        }
        let mut seen = HashSet::new();
        for (i, env) in project.environments.iter().enumerate() {
            let pointer = format!("/environments/{i}/key");
            if !keys::is_entity_key(&env.key) {
                self.error(
                    Code::InvalidKey,
                    file,
                    &pointer,
                    format!(
                        "Environment key '{}' is not valid: {}.",
                        env.key,
                        keys::ENTITY_KEY_RULE
                    ),
                );
            } else if !seen.insert(env.key.as_str()) {
                self.error(
                    Code::DuplicateKey,
                    file,
                    &pointer,
                    format!("The environment '{}' is declared twice.", env.key),
                );
            } else {
                self.environments.push(checked::Environment {
                    key: env.key.clone(),
                    name: env.name.clone(),
                });
            }
        }
        for (i, attr) in project.attributes.iter().enumerate() {
            let pointer = format!("/attributes/{i}/key");
            if !keys::is_attribute_key(&attr.key) {
                self.error(
                    Code::InvalidKey,
                    file,
                    &pointer,
                    format!(
                        "Attribute key '{}' is not valid: {}.",
                        attr.key,
                        keys::ATTRIBUTE_KEY_RULE
                    ),
                );
            } else if self.attribute_types.contains_key(&attr.key) {
                self.error(
                    Code::DuplicateKey,
                    file,
                    &pointer,
                    format!("The attribute '{}' is declared twice.", attr.key),
                );
            } else if attr.key == "targetingKey" && attr.kind != AttributeType::String {
                self.error(
                    Code::WrongValueType,
                    file,
                    format!("/attributes/{i}/type"),
                    "targetingKey identifies a user for targets, segments and rollouts, so its type must be string.",
                );
            } else {
                self.attribute_types.insert(attr.key.clone(), attr.kind);
                self.attributes.push(checked::Attribute {
                    key: attr.key.clone(),
                    kind: attr.kind,
                });
            }
        }
        // targetingKey is always a string attribute, declared or not.
        if !self.attribute_types.contains_key("targetingKey") {
            self.attribute_types
                .insert("targetingKey".to_owned(), AttributeType::String);
            self.attributes.push(checked::Attribute {
                key: "targetingKey".to_owned(),
                kind: AttributeType::String,
            });
        }
        if let Some(bucket_by) = &project.bucket_by {
            if self.is_string_attribute(bucket_by) {
                self.default_bucket_by = bucket_by.clone();
            } else {
                self.error(
                    Code::InvalidBucketBy,
                    file,
                    "/bucketBy",
                    format!("bucketBy names '{bucket_by}', which is not a declared string attribute; rollouts can only bucket by a string."),
                );
            }
        }
        freeze::check_all(self, &project.freezes);
    }

    pub fn is_string_attribute(&self, key: &str) -> bool {
        self.attribute_types.get(key) == Some(&AttributeType::String)
    }

    pub fn env_id(&self, key: &str) -> Option<EnvId> {
        self.environments.iter().position(|e| e.key == key)
    }

    pub fn error(
        &mut self,
        code: Code,
        file: &str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error(code, file, pointer, message));
    }

    pub fn warning(
        &mut self,
        code: Code,
        file: &str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::warning(code, file, pointer, message));
    }
}

/// A place in a file, carried down the checks: a chain of borrowed tokens, turned into a JSON
/// pointer only when a problem is reported (building pointers eagerly for every node of a
/// 10,000-flag project cost a fifth of validation).
#[derive(Clone, Copy)]
pub(crate) struct Loc<'a> {
    pub file: &'a str,
    parent: Option<&'a Loc<'a>>,
    token: Token<'a>,
}

#[derive(Clone, Copy)]
pub(crate) enum Token<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Token<'a> {
    fn from(key: &'a str) -> Self {
        Token::Key(key)
    }
}

impl<'a> From<&'a String> for Token<'a> {
    fn from(key: &'a String) -> Self {
        Token::Key(key)
    }
}

impl From<usize> for Token<'_> {
    fn from(index: usize) -> Self {
        Token::Index(index)
    }
}

impl<'a> Loc<'a> {
    pub fn new(file: &'a str) -> Self {
        Self {
            file,
            parent: None,
            token: Token::Root,
        }
    }

    pub fn at(&'a self, token: impl Into<Token<'a>>) -> Loc<'a> {
        Loc {
            file: self.file,
            parent: Some(self),
            token: token.into(),
        }
    }

    /// The JSON pointer (RFC 6901) of this place.
    pub fn pointer(&self) -> String {
        let mut tokens = Vec::new();
        let mut here = Some(self);
        while let Some(loc) = here {
            tokens.push(loc.token);
            here = loc.parent;
        }
        let mut pointer = String::new();
        for token in tokens.iter().rev() {
            match token {
                Token::Root => {}
                Token::Key(key) => pointer = pointer_push(&pointer, key),
                Token::Index(i) => pointer = pointer_push(&pointer, i),
            }
        }
        pointer
    }
}

/// `flags/new-checkout.json` → `new-checkout`.
pub(crate) fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".json").unwrap_or(name)
}

/// Checks that an entity's key is valid and matches its file name; false when it is unusable.
pub(crate) fn check_entity_key(scope: &mut Scope<'_>, path: &str, key: &str, what: &str) -> bool {
    if !keys::is_entity_key(key) {
        scope.error(
            Code::InvalidKey,
            path,
            "/key",
            format!(
                "The {what} key '{key}' is not valid: {}.",
                keys::ENTITY_KEY_RULE
            ),
        );
        return false;
    }
    let stem = file_stem(path);
    if stem != key {
        scope.error(
            Code::FileNameMismatch,
            path,
            "/key",
            format!("This file is named '{stem}.json' but holds the {what} '{key}'; rename the file to '{key}.json' or change the key."),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests;
