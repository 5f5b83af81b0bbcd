//! `flagdeck import flagd FILE --into DIR [--env ENV]`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use flagdeck_core::format;
use flagdeck_core::import::import_flagd;
use flagdeck_core::model::{
    AttributeDef, AttributeType, EnvironmentDef, FORMAT_VERSION, FlagFile, ProjectFile,
};
use flagdeck_core::validate;

use crate::error::{CliError, CliResult};
use crate::output::{Format, count, print_diagnostics};
use flagdeck_app::project_dir::{self, write_atomic};

pub fn run(file: &Path, into: &Path, env: Option<&str>, format: Format) -> CliResult {
    let text = fs::read_to_string(file).map_err(|e| CliError::io("read", file, &e))?;
    let (files, _) = if into.join(validate::PROJECT_FILE).exists() {
        project_dir::read(into)?
    } else {
        (Vec::new(), Vec::new())
    };
    let (loaded, load_diags) = validate::load(&files);
    if let Some(d) = load_diags.iter().find(|d| d.is_error()) {
        return Err(CliError::Usage(format!(
            "The project in {} has a file that cannot be read ({d}); fix it before importing.",
            into.display()
        )));
    }
    let mut project = loaded.project.clone().unwrap_or_else(|| new_project(into));
    let env = env
        .map(str::to_owned)
        .or_else(|| {
            loaded
                .project
                .as_ref()
                .and_then(|p| p.environments.first())
                .map(|e| e.key.clone())
        })
        .unwrap_or_else(|| "production".to_owned());
    if !project.environments.iter().any(|e| e.key == env) {
        let name = capitalize(&env);
        project.environments.push(EnvironmentDef {
            key: env.clone(),
            name,
            description: None,
        });
    }
    let existing: BTreeMap<String, FlagFile> = loaded
        .flags
        .iter()
        .map(|(_, f)| (f.key.clone(), f.clone()))
        .collect();
    let imported = import_flagd(&text, &env, &existing)
        .map_err(|why| CliError::Usage(format!("{} cannot be imported: {why}.", file.display())))?;
    for attr in &imported.attributes {
        match project.attributes.iter().find(|a| &a.key == attr) {
            Some(a) if a.kind != AttributeType::String => {
                return Err(CliError::Usage(format!(
                    "The flagd rules compare '{attr}' with text, but the project declares it as a {}; nothing was imported.",
                    a.kind.as_str()
                )));
            }
            Some(_) => {}
            None => project.attributes.push(AttributeDef {
                key: attr.clone(),
                kind: AttributeType::String,
                description: None,
                values: None,
            }),
        }
    }
    write_atomic(
        &into.join(validate::PROJECT_FILE),
        format::to_canonical_json(&project).as_bytes(),
    )?;
    for flag in &imported.flags {
        write_atomic(
            &into.join("flags").join(format!("{}.json", flag.key)),
            format::to_canonical_json(flag).as_bytes(),
        )?;
    }
    let checked = project_dir::check(into)?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"imported": imported.flags.len(), "environment": env, "skipped": imported.skipped, "diagnostics": checked.diagnostics})
        ),
        Format::Text => {
            for s in &imported.skipped {
                eprintln!("{s}");
            }
            print_diagnostics(&checked.diagnostics);
            println!(
                "Imported {} into {} ({env}).",
                count(imported.flags.len(), "flag"),
                into.display()
            );
        }
    }
    let problems = !imported.skipped.is_empty() || checked.has_errors();
    Ok(if problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn new_project(into: &Path) -> ProjectFile {
    let name = into
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported flags".to_owned());
    ProjectFile {
        format: FORMAT_VERSION,
        name,
        bucket_by: None,
        environments: Vec::new(),
        attributes: vec![AttributeDef {
            key: "targetingKey".to_owned(),
            kind: AttributeType::String,
            description: None,
            values: None,
        }],
        freezes: Vec::new(),
    }
}

fn capitalize(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
