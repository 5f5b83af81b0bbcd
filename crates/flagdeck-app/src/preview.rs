//! `preview` and `rebucketImpact`: the published side is the last synced base (decoded once per
//! base commit, or only the rows a few flags need), the drafted side is that base with the
//! workspace's drafts laid over it; the comparing is `flagdeck_core::preview` and
//! `flagdeck_core::rebucket`.

use std::collections::BTreeSet;

use flagdeck_core::preview::{self, Drafts, PreviewRequest, PreviewResult};
use flagdeck_core::rebucket::{self, RebucketImpact};
use flagdeck_core::sample::{self, Context};
use flagdeck_core::sync_plan::EntityId;
use flagdeck_store::DraftContent;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::App;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::snapshot::draft_id;

/// The most contexts a generated sample has.
pub const MAX_GENERATED: u32 = 100_000;

/// The population a rebucketing impact is measured on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum RebucketSample {
    /// `count` contexts generated from the attribute schema, the same for the same seed.
    Generated { count: u32, seed: u64 },
    /// A CSV file's text: a header row of attribute keys, one context per row.
    Csv { csv: String },
}

impl App {
    /// Every flag (or `keys`) for `context` at `at` in `environments`, published and drafted.
    pub fn preview(
        &self,
        workspace_id: i64,
        context: &Map<String, Value>,
        at: i64,
        environments: &[String],
        keys: Option<&[String]>,
    ) -> AppResult<PreviewResult> {
        let (drafts, unreadable) = self.preview_drafts(workspace_id)?;
        let request = PreviewRequest {
            context,
            at,
            environments,
            keys,
        };
        let mut result = match keys {
            Some(keys) => {
                let base = self.partial_base(workspace_id, &flag_ids(keys))?;
                preview::preview(&base, &drafts, &request)
            }
            None => {
                let (base, published) = self.published_side(workspace_id)?;
                preview::preview_with(&base, &published, &drafts, &request)
            }
        };
        result.warnings.extend(unreadable);
        Ok(result)
    }

    /// How many people of `sample` the drafts of flag `key` move between variations at `at`.
    pub fn rebucket_impact(
        &self,
        workspace_id: i64,
        key: &str,
        at: i64,
        sample: &RebucketSample,
    ) -> AppResult<RebucketImpact> {
        let base = self.partial_base(workspace_id, &flag_ids(&[key.to_owned()]))?;
        let (drafts, unreadable) = self.preview_drafts(workspace_id)?;
        if !base.flags.contains_key(key) && drafts.flag(&base, key).is_none() {
            return Err(AppError::not_found(format!("There is no flag '{key}'.")));
        }
        let project = drafts
            .saved
            .project
            .as_ref()
            .or(base.project.as_ref())
            .ok_or_else(|| {
                AppError::new(ErrorCode::InvalidInput, "The project has no flagdeck.json.")
            })?;
        let (contexts, mut problems) = population(project, sample, at)?;
        problems.extend(unreadable);
        let only: BTreeSet<String> = [key.to_owned()].into();
        let published = preview::published(&base, Some(&only));
        let drafted = preview::drafted(&base, &drafts, Some(&only));
        Ok(rebucket::impact(
            &published, &drafted, key, &contexts, at, problems,
        ))
    }

    /// The workspace's drafts of the project, flags and segments, decoded; the sentences of
    /// drafts that do not decode (their entity shows as published).
    fn preview_drafts(&self, workspace_id: i64) -> AppResult<(Drafts, Vec<String>)> {
        let stored = self.store().drafts(workspace_id)?;
        let mut drafts = Drafts::default();
        let mut unreadable = Vec::new();
        for draft in &stored {
            let Some(id) = draft_id(draft) else { continue };
            if !matches!(
                id,
                EntityId::Project | EntityId::Flag(_) | EntityId::Segment(_)
            ) {
                continue;
            }
            match &draft.content {
                DraftContent::Deleted => {
                    drafts.deleted.insert(id);
                }
                DraftContent::Json(json) => {
                    if let Err(d) = drafts.saved.insert_json(&id, json) {
                        unreadable.push(format!(
                            "The draft of {} cannot be read ({}); the published version is shown.",
                            id.path(),
                            d.message
                        ));
                    }
                }
            }
        }
        Ok((drafts, unreadable))
    }
}

fn flag_ids(keys: &[String]) -> Vec<EntityId> {
    keys.iter().map(|k| EntityId::Flag(k.clone())).collect()
}

/// The contexts of a sample and the problems met reading it.
fn population(
    project: &flagdeck_core::model::ProjectFile,
    sample: &RebucketSample,
    at: i64,
) -> AppResult<(Vec<Context>, Vec<String>)> {
    match sample {
        RebucketSample::Generated { count, seed } => {
            if *count == 0 || *count > MAX_GENERATED {
                return Err(AppError::new(
                    ErrorCode::InvalidInput,
                    "A generated sample has between 1 and 100,000 contexts.",
                )
                .with_field("sample.count"));
            }
            let count = usize::try_from(*count).unwrap_or(0);
            Ok((
                sample::generate::generate(project, count, *seed, at),
                Vec::new(),
            ))
        }
        RebucketSample::Csv { csv } => {
            let read = sample::csv::read_contexts(project, csv.as_bytes()).map_err(|why| {
                AppError::new(ErrorCode::InvalidInput, why).with_field("sample.csv")
            })?;
            Ok((read.contexts, read.problems))
        }
    }
}
