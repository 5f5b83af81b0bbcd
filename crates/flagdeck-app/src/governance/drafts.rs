//! The user's drafts as the changes screen lists them (issue 7): each changed entity with its
//! changes in sentences, and whether a policy rule governs it (so it can only reach the project
//! through a change request; a plain sync holds it back).

use flagdeck_core::describe::{ChangeLine, describe, entity_name};
use flagdeck_core::sync_plan::EntityId;
use serde::Serialize;

use super::held::is_governed;
use crate::App;
use crate::error::AppResult;
use crate::snapshot::draft_id;

/// One entity with a draft.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftChange {
    pub entity: EntityId,
    /// What a person calls it (a flag's name, "Project settings", ...).
    pub name: String,
    /// Its changes from the base, one sentence each.
    pub lines: Vec<ChangeLine>,
    /// A policy rule applies (or it is `policy.json` or a person): it needs a change request.
    pub governed: bool,
}

impl App {
    /// Every entity whose draft differs from the base, in the cache's order. Change requests
    /// (drafts of `changes/`) are not listed: they are the requests themselves, not what they
    /// hold. A draft that does not decode is left out (the editor shows its problems).
    pub fn draft_changes(&self, workspace_id: i64) -> AppResult<Vec<DraftChange>> {
        let base = self.base_snapshot(workspace_id)?;
        let (local, drafts, _) = self.local_snapshot(workspace_id)?;
        let mut seen = std::collections::BTreeSet::new();
        let mut changes = Vec::new();
        for draft in &drafts {
            let Some(id) = draft_id(draft) else { continue };
            if matches!(id, EntityId::Change(_))
                || base.same_entity(&local, &id)
                || !seen.insert(id.clone())
            {
                continue;
            }
            let before = base.value(&id);
            let after = local.value(&id);
            let project = local.project.as_ref().or(base.project.as_ref());
            changes.push(DraftChange {
                name: entity_name(&id, after.as_ref().or(before.as_ref())),
                lines: describe(project, &id, before.as_ref(), after.as_ref()),
                governed: is_governed(&base, &id, after),
                entity: id,
            });
        }
        Ok(changes)
    }
}
