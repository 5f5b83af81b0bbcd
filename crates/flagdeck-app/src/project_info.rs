//! What the editor needs to know about the project to offer choices: its environments (one tab
//! each) and its typed attributes with the operators each type allows (the condition builder's
//! pickers follow them).

use flagdeck_core::model::{AttributeType, PRESENCE_OPERATORS, ProjectFile};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::App;
use crate::entity::EntityRef;
use crate::error::{AppError, AppResult};

/// The project's settings as the editor uses them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfo {
    pub name: String,
    /// The attribute rollouts bucket by unless a rollout says otherwise.
    pub bucket_by: String,
    pub environments: Vec<EnvironmentInfo>,
    pub attributes: Vec<AttributeInfo>,
    /// Freeze windows (the release calendar warns about steps inside one).
    pub freezes: Vec<Freeze>,
}

/// A freeze window as declared in `flagdeck.json`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Freeze {
    pub name: String,
    /// RFC 3339, as written in `flagdeck.json`.
    pub from: String,
    /// RFC 3339; the window ends just before it.
    pub to: String,
    /// Environment keys; empty means every environment.
    pub environments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentInfo {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
}

/// An attribute of the context, with what a condition on it may say.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttributeInfo {
    pub key: String,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub kind: AttributeType,
    pub description: Option<String>,
    /// Suggested values for pickers.
    pub values: Option<Vec<Value>>,
    /// The operators a condition on this attribute may use, presence checks last.
    pub operators: Vec<String>,
}

impl App {
    /// The project's environments and attributes, from the current `flagdeck.json` (the draft
    /// if there is one). Reads that one row: the UI asks for it when a workspace opens, and
    /// decoding the whole base (10,000 flags) there cost a second and hundreds of MB.
    pub fn project_info(&self, workspace_id: i64) -> AppResult<ProjectInfo> {
        let project = EntityRef::project();
        let json = {
            let store = self.store();
            self.workspace_record(&store, workspace_id)?;
            match store.draft(workspace_id, project.store_kind(), &project.key)? {
                Some(draft) => draft.content.json().cloned(),
                None => store.base_entity(workspace_id, project.store_kind(), &project.key)?,
            }
        };
        let json =
            json.ok_or_else(|| AppError::not_found("This workspace has no flagdeck.json."))?;
        let project: ProjectFile = serde_json::from_value(json).map_err(|e| {
            AppError::invalid(format!("flagdeck.json cannot be read: {e}")).with_field("flagdeck")
        })?;
        Ok(ProjectInfo {
            name: project.name,
            bucket_by: project
                .bucket_by
                .unwrap_or_else(|| "targetingKey".to_owned()),
            environments: project
                .environments
                .into_iter()
                .map(|e| EnvironmentInfo {
                    key: e.key,
                    name: e.name,
                    description: e.description,
                })
                .collect(),
            attributes: project
                .attributes
                .into_iter()
                .map(|a| AttributeInfo {
                    operators: operators(a.kind),
                    key: a.key,
                    kind: a.kind,
                    description: a.description,
                    values: a.values,
                })
                .collect(),
            freezes: project
                .freezes
                .into_iter()
                .map(|f| Freeze {
                    name: f.name,
                    from: f.from,
                    to: f.to,
                    environments: f.environments,
                })
                .collect(),
        })
    }
}

fn operators(kind: AttributeType) -> Vec<String> {
    kind.operators()
        .iter()
        .chain(PRESENCE_OPERATORS.iter())
        .map(|op| (*op).to_owned())
        .collect()
}
