//! Listing a workspace's entities as the user sees them (the base with the drafts on top), from
//! the short `summary` kept next to each document, so a list of 10,000 flags never parses them.

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{EntityKind, Store, StoreError};

/// What a list shows of an entity. Fields the entity lacks are `None` or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntitySummary {
    pub name: Option<String>,
    pub description: Option<String>,
    /// A flag's type (`boolean`, `string`, `number`, `object`).
    pub flag_type: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    /// A flag's environments as it configures them; the project's environment keys (the other
    /// fields default) for the project row; empty for other kinds.
    pub environments: Vec<EnvironmentSummary>,
}

/// One environment of a flag, as its summary keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentSummary {
    pub key: String,
    pub enabled: bool,
    /// Whether it names an `offVariation` (served while disabled).
    pub off_variation: bool,
    /// The schedule steps that set `enabled`, as (Unix seconds, enabled), oldest first.
    pub switches: Vec<(i64, bool)>,
    /// The instant of the last schedule step of any kind.
    pub last_step: Option<i64>,
}

impl EnvironmentSummary {
    fn from_json(value: &Value) -> Option<Self> {
        let switches = value
            .get("switches")
            .and_then(Value::as_array)
            .map(|switches| {
                switches
                    .iter()
                    .filter_map(|s| Some((s.get(0)?.as_i64()?, s.get(1)?.as_bool()?)))
                    .collect()
            })
            .unwrap_or_default();
        Some(EnvironmentSummary {
            key: value.get("key")?.as_str()?.to_owned(),
            enabled: value
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            off_variation: value
                .get("offVariation")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            switches,
            last_step: value.get("lastStep").and_then(Value::as_i64),
        })
    }
}

/// A stored summary as written by `summary_of`: read typed, which for 10,000 rows is several
/// times faster than building a `Value` per row.
#[derive(Deserialize)]
struct Stored {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "type")]
    flag_type: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    environments: Vec<StoredEnvironment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredEnvironment {
    key: String,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    off_variation: bool,
    #[serde(default)]
    switches: Vec<(i64, bool)>,
    #[serde(default)]
    last_step: Option<i64>,
}

impl EntitySummary {
    /// Reads a stored summary: typed when it has the shape `summary_of` writes, else field by
    /// field with wrong types counting as absent (a summary is never a reason to fail a list).
    fn parse(text: &str) -> Result<Self, StoreError> {
        if let Ok(stored) = serde_json::from_str::<Stored>(text) {
            return Ok(EntitySummary {
                name: stored.name,
                description: stored.description,
                flag_type: stored.flag_type,
                tags: stored.tags,
                owner: stored.owner,
                environments: stored
                    .environments
                    .into_iter()
                    .map(|e| EnvironmentSummary {
                        key: e.key,
                        enabled: e.enabled,
                        off_variation: e.off_variation,
                        switches: e.switches,
                        last_step: e.last_step,
                    })
                    .collect(),
            });
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|error| StoreError::corrupt("base_entities", "summary", error))?;
        Ok(EntitySummary::from_json(&value))
    }

    /// Reads a stored summary; fields of the wrong type count as absent.
    fn from_json(value: &Value) -> Self {
        let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
        let tags = value
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let environments = value
            .get("environments")
            .and_then(Value::as_array)
            .map(|envs| {
                envs.iter()
                    .filter_map(EnvironmentSummary::from_json)
                    .collect()
            })
            .unwrap_or_default();
        EntitySummary {
            environments,
            name: text("name"),
            description: text("description"),
            flag_type: text("type"),
            tags,
            owner: text("owner"),
        }
    }
}

/// How an entity stands against the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityState {
    /// As in the base: no draft.
    Unchanged,
    /// Only in a draft: new here.
    Added,
    /// A draft changes it.
    Modified,
    /// A draft deletes it.
    Deleted,
}

/// One entity of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub key: String,
    pub summary: EntitySummary,
    pub state: EntityState,
}

const OVERLAY: &str = "
    SELECT b.key, coalesce(d.summary, b.summary), d.key IS NOT NULL, d.key IS NOT NULL AND d.json IS NULL, 1
      FROM base_entities b
      LEFT JOIN drafts d ON d.workspace_id = b.workspace_id AND d.kind = b.kind AND d.key = b.key
     WHERE b.workspace_id = ?1 AND b.kind = ?2
    UNION ALL
    SELECT d.key, d.summary, 1, d.json IS NULL, 0
      FROM drafts d
     WHERE d.workspace_id = ?1 AND d.kind = ?2
       AND NOT EXISTS (SELECT 1 FROM base_entities b
                        WHERE b.workspace_id = d.workspace_id AND b.kind = d.kind AND b.key = d.key)
    ORDER BY 1";

/// The first `limit` rows of the overlay, parsed, and how many rows it has in all; the rows
/// past the limit are only counted (a window's first screenful of 10,000 flags).
fn list(
    conn: &Connection,
    workspace_id: i64,
    kind: EntityKind,
    limit: usize,
) -> Result<(Vec<EntityRow>, usize), StoreError> {
    let mut statement = conn.prepare_cached(OVERLAY)?;
    let mut rows = statement.query((workspace_id, kind.as_str()))?;
    let mut out = Vec::new();
    let mut total = 0;
    while let Some(row) = rows.next()? {
        let (drafted, deleted, in_base) = (
            row.get::<_, bool>(2)?,
            row.get::<_, bool>(3)?,
            row.get::<_, bool>(4)?,
        );
        let state = match (drafted, deleted, in_base) {
            (false, _, _) => EntityState::Unchanged,
            (true, true, _) => EntityState::Deleted,
            (true, false, false) => EntityState::Added,
            (true, false, true) => EntityState::Modified,
        };
        // A draft that deletes a never-synced entity is nothing to show.
        if state == EntityState::Deleted && !in_base {
            continue;
        }
        total += 1;
        if out.len() < limit {
            out.push(EntityRow {
                key: row.get(0)?,
                summary: EntitySummary::parse(&row.get::<_, String>(1)?)?,
                state,
            });
        }
    }
    Ok((out, total))
}

impl Store {
    /// Every entity of `kind` as the user sees it: the base with the drafts on top (deleted ones
    /// included, marked), ordered by key.
    pub fn entity_rows(
        &self,
        workspace_id: i64,
        kind: EntityKind,
    ) -> Result<Vec<EntityRow>, StoreError> {
        require_workspace(&self.conn, workspace_id)?;
        Ok(list(&self.conn, workspace_id, kind, usize::MAX)?.0)
    }

    /// The first `limit` of [`Store::entity_rows`] and how many there are, reading only those.
    pub fn first_entity_rows(
        &self,
        workspace_id: i64,
        kind: EntityKind,
        limit: usize,
    ) -> Result<(Vec<EntityRow>, usize), StoreError> {
        require_workspace(&self.conn, workspace_id)?;
        list(&self.conn, workspace_id, kind, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::summary_of;
    use crate::test_support::{temp_store, workspace};
    use crate::{BaseEntity, DraftContent, Source, WorkspaceKind};
    use serde_json::json;

    fn flag(key: &str, name: &str) -> Value {
        json!({"key": key, "name": name, "description": format!("about {key}"), "type": "boolean", "tags": ["t"]})
    }

    #[test]
    fn the_first_rows_are_the_start_of_the_list_and_the_total_counts_all() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        let base = ["a", "b", "c", "d"].map(|key| BaseEntity {
            kind: EntityKind::Flag,
            key: key.into(),
            json: flag(key, &key.to_uppercase()),
        });
        let _ = store.replace_base(ws, "c1", &base, Source::Sync).unwrap();
        // A deleted never-synced draft is not counted; a new one is, in key order.
        for (key, content) in [
            ("aa", DraftContent::Json(flag("aa", "Aa"))),
            ("zz", DraftContent::Deleted),
        ] {
            let _ = store
                .save_draft(ws, EntityKind::Flag, key, &content, Source::User, 5)
                .unwrap();
        }
        let all = store.entity_rows(ws, EntityKind::Flag).unwrap();
        let (first, total) = store.first_entity_rows(ws, EntityKind::Flag, 2).unwrap();
        assert_eq!(total, all.len());
        assert_eq!(total, 5);
        assert_eq!(first, all[..2].to_vec());
        assert_eq!(first[1].key, "aa");
        let (every, total) = store.first_entity_rows(ws, EntityKind::Flag, 100).unwrap();
        assert_eq!((every, total), (all, 5));
    }

    #[test]
    fn the_list_overlays_drafts_on_the_base_with_their_state() {
        let (_dir, mut store) = temp_store();
        let ws = workspace(&mut store, WorkspaceKind::Git);
        let base = ["a", "b", "c"].map(|key| BaseEntity {
            kind: EntityKind::Flag,
            key: key.into(),
            json: flag(key, &key.to_uppercase()),
        });
        let _ = store.replace_base(ws, "c1", &base, Source::Sync).unwrap();
        let save = |store: &mut Store, key: &str, content: DraftContent| {
            let _ = store
                .save_draft(ws, EntityKind::Flag, key, &content, Source::User, 5)
                .unwrap();
        };
        save(&mut store, "b", DraftContent::Json(flag("b", "Bee")));
        save(&mut store, "c", DraftContent::Deleted);
        save(&mut store, "d", DraftContent::Json(flag("d", "Dee")));
        save(&mut store, "e", DraftContent::Deleted);
        let rows = store.entity_rows(ws, EntityKind::Flag).unwrap();
        let seen: Vec<(&str, Option<&str>, EntityState)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.summary.name.as_deref(), r.state))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a", Some("A"), EntityState::Unchanged),
                ("b", Some("Bee"), EntityState::Modified),
                ("c", None, EntityState::Deleted),
                ("d", Some("Dee"), EntityState::Added),
            ]
        );
        assert_eq!(rows[0].summary.description.as_deref(), Some("about a"));
        assert_eq!(rows[0].summary.tags, vec!["t".to_owned()]);
        assert_eq!(rows[0].summary.flag_type.as_deref(), Some("boolean"));
        assert!(
            store
                .entity_rows(ws, EntityKind::Segment)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn typed_and_field_by_field_reading_agree() {
        let flag = json!({"key": "a", "name": "A", "tags": ["t"], "environments": {
            "prod": {"enabled": false, "offVariation": "off",
                     "schedule": [{"at": "2027-01-01T00:00:00Z", "enabled": true}]}}});
        let text = summary_of(&flag);
        let typed = EntitySummary::parse(&text).unwrap();
        let by_field = EntitySummary::from_json(&serde_json::from_str(&text).unwrap());
        assert_eq!(typed, by_field);
        assert_eq!(typed.environments[0].switches, vec![(1_798_761_600, true)]);
        // Tags that are not all strings: the typed read fails, the fallback keeps the strings.
        let odd = EntitySummary::parse(r#"{"name": "B", "tags": [1, "x"]}"#).unwrap();
        assert_eq!(
            (odd.name.as_deref(), odd.tags),
            (Some("B"), vec!["x".to_owned()])
        );
    }

    #[test]
    fn summaries_ignore_fields_of_the_wrong_type() {
        let stored: Value =
            serde_json::from_str(&summary_of(&json!({"name": 3, "tags": "x"}))).unwrap();
        let summary = EntitySummary::from_json(&stored);
        assert_eq!(summary, EntitySummary::default());
    }
}
