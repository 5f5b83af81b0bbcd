//! `dist/` against a fresh build of the commit's project, file by file, as `flagdeck build
//! --check` compares them on disk.

use std::collections::BTreeSet;

use super::Violation;
use crate::compile::compile_text;
use crate::format::SourceFile;
use crate::validate::{self, PROJECT_FILE};

const DIST: &str = "dist/";
const SUFFIX: &str = ".flagd.json";

/// Every `dist/<env>.flagd.json` that is missing, differs from a fresh build, or belongs to no
/// environment; or, when the project has errors, those errors (nothing can be built).
pub(super) fn check_dist(files: &[SourceFile]) -> Vec<Violation> {
    let outputs: Vec<&SourceFile> = files
        .iter()
        .filter(|f| f.path.starts_with(DIST) && f.path.ends_with(SUFFIX))
        .collect();
    let has_project = files.iter().any(|f| f.path == PROJECT_FILE);
    if !has_project && outputs.is_empty() {
        return Vec::new();
    }
    let checked = validate::check(files);
    let Some(project) = &checked.project else {
        return checked
            .errors()
            .map(|d| {
                Violation::new(
                    &d.file,
                    format!("does not validate, so dist/ cannot be built: {}", d.message),
                )
            })
            .collect();
    };
    let mut out = Vec::new();
    let mut expected = BTreeSet::new();
    for (id, env) in project.environments.iter().enumerate() {
        let path = format!("{DIST}{}{SUFFIX}", env.key);
        let fresh = compile_text(project, id);
        match outputs.iter().find(|f| f.path == path) {
            None => out.push(Violation::new(
                &path,
                "is missing; a fresh build of this commit's project writes it",
            )),
            Some(f) if f.bytes != fresh.as_bytes() => out.push(Violation::new(
                &path,
                "differs from a fresh build of this commit's project (edited by hand, or not rebuilt)",
            )),
            Some(_) => {}
        }
        expected.insert(path);
    }
    for f in outputs.iter().filter(|f| !expected.contains(&f.path)) {
        out.push(Violation::new(
            &f.path,
            "belongs to no environment of the project",
        ));
    }
    out
}
