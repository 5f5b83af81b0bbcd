//! `dist/`: the compiled flagd files that applications consume. Every commit Flagdeck makes to a
//! repository that keeps `dist/` carries a fresh build of the project it commits, so `flagdeck
//! verify` (which requires exactly that) passes on the app's own history.

use flagdeck_core::checked::Project;
use flagdeck_core::compile::compile_text;
use flagdeck_core::format::SourceFile;
use flagdeck_core::sync_plan::Snapshot;
use flagdeck_core::validate;

use crate::error::{AppError, AppResult, ErrorCode};

/// `dist/<env>.flagd.json` for every environment of a checked project.
pub(crate) fn compiled(project: &Project) -> Vec<SourceFile> {
    project
        .environments
        .iter()
        .enumerate()
        .map(|(env, e)| {
            SourceFile::new(
                format!("dist/{}.flagd.json", e.key),
                compile_text(project, env),
            )
        })
        .collect()
}

/// `dist/<env>.flagd.json` for every environment, freshly built; refused when the result is
/// not a valid project (nothing invalid is ever published).
pub(crate) fn dist_files(snapshot: &Snapshot) -> AppResult<Vec<SourceFile>> {
    let project_files: Vec<SourceFile> = snapshot
        .entities()
        .filter(|e| !e.is_governance())
        .filter_map(|e| snapshot.file(&e))
        .collect();
    let checked = validate::check(&project_files);
    let Some(project) = checked.project else {
        let first = checked
            .errors()
            .next()
            .map(|d| format!(" First: {}: {}", d.file, d.message))
            .unwrap_or_default();
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!(
                "The project after this change request would be invalid, so nothing was published.{first}"
            ),
        ));
    };
    Ok(compiled(&project))
}

/// The dist files of environments that `before` has and `after` no longer has.
pub(crate) fn stale_dist(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let keys = |s: &Snapshot| -> Vec<String> {
        s.project
            .iter()
            .flat_map(|p| p.environments.iter().map(|e| e.key.clone()))
            .collect()
    };
    let kept = keys(after);
    keys(before)
        .into_iter()
        .filter(|k| !kept.contains(k))
        .map(|k| format!("dist/{k}.flagd.json"))
        .collect()
}
