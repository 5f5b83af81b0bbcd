//! `flagdeck init [DIR] [--example] [--as ID [--name NAME --email EMAIL]]`. With `--as`, the
//! project is governed from its first commit: its creator's `people/` entry and a `policy.json`
//! that makes them the first admin (`flagdeck_app::governance::founding`).

use std::path::PathBuf;
use std::process::ExitCode;

use flagdeck_core::format::{self, SourceFile};
use flagdeck_core::model::{
    AttributeDef, AttributeType, EnvironmentDef, FORMAT_VERSION, ProjectFile,
};
use flagdeck_core::{example, validate};

use crate::error::{CliError, CliResult};
use crate::output::Format;
use crate::output::project_root;
use flagdeck_app::project_dir::write_atomic;

/// Who creates the project, when it is governed from the start.
pub struct Founder {
    pub id: String,
    /// For a new identity.
    pub name: Option<String>,
    pub email: Option<String>,
    pub data_dir: PathBuf,
}

pub fn run(
    dir: Option<PathBuf>,
    with_example: bool,
    founder: Option<Founder>,
    format: Format,
) -> CliResult {
    let root = project_root(dir);
    if root.join(validate::PROJECT_FILE).exists() {
        return Err(CliError::Usage(format!(
            "{} already holds a Flagdeck project (flagdeck.json exists); nothing was changed.",
            root.display()
        )));
    }
    let mut files = if with_example {
        example::example_project()
    } else {
        empty_project(&root)
    };
    if let Some(founder) = &founder {
        let person = founder_person(founder)?;
        files.extend(flagdeck_app::governance::founding::founding_files(
            &person,
            with_example,
        ));
    }
    for file in &files {
        write_atomic(&root.join(&file.path), &file.bytes)?;
    }
    for dir in ["flags", "segments"] {
        let keep = root.join(dir).join(".gitkeep");
        if !root.join(dir).exists() {
            write_atomic(&keep, b"")?;
        }
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"created": root.display().to_string(), "files": files.len()})
        ),
        Format::Text => {
            println!(
                "Created a Flagdeck project in {} ({} files).",
                root.display(),
                files.len()
            );
            println!(
                "Next: flagdeck validate {0} && flagdeck build {0}",
                root.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The founder's identity: the one this data folder has, or a new one (key in the OS keyring).
fn founder_person(founder: &Founder) -> Result<flagdeck_core::governance::Person, CliError> {
    let app = super::session::open_app(&founder.data_dir)?;
    match app.person()? {
        Some(person) if person.id == founder.id => {
            // Its private key must still be in the keyring, or the founder could sign nothing.
            app.signing_key()?;
            Ok(person)
        }
        Some(person) => Err(CliError::Usage(format!(
            "Your identity here is {}, not {}: pass --as {} (or another --data-dir).",
            person.id, founder.id, person.id
        ))),
        None => match (&founder.name, &founder.email) {
            (Some(name), Some(email)) => Ok(app.create_identity(&founder.id, name, email)?),
            _ => Err(CliError::Usage(format!(
                "You have no identity yet: pass --name and --email to create {} (its private key goes to the OS keyring), or run flagdeck person init first.",
                founder.id
            ))),
        },
    }
}

/// A project with the usual three environments and the one attribute every project has.
fn empty_project(root: &std::path::Path) -> Vec<SourceFile> {
    let name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "My flags".to_owned());
    let env = |key: &str, name: &str| EnvironmentDef {
        key: key.to_owned(),
        name: name.to_owned(),
        description: None,
    };
    let project = ProjectFile {
        format: FORMAT_VERSION,
        name,
        bucket_by: None,
        environments: vec![
            env("development", "Development"),
            env("staging", "Staging"),
            env("production", "Production"),
        ],
        attributes: vec![AttributeDef {
            key: "targetingKey".to_owned(),
            kind: AttributeType::String,
            description: Some("Stable id of the user or device".to_owned()),
            values: None,
        }],
        freezes: Vec::new(),
    };
    vec![SourceFile::new(
        validate::PROJECT_FILE,
        format::to_canonical_json(&project),
    )]
}
