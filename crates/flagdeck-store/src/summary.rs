//! The short summary kept next to each stored document (name, description, type, tags, owner,
//! and per environment what the list's state filter needs), written with every base row and
//! draft so lists never parse documents.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The summary kept for a document: the fields a list and a search need.
pub(crate) fn summary_of(json: &Value) -> String {
    let text = |field: &str| json.get(field).filter(|v| v.is_string()).cloned();
    let tags = json
        .get("tags")
        .filter(|v| v.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    let mut summary = json!({
        "name": text("name"),
        "description": text("description"),
        "type": text("type"),
        "tags": tags,
        "owner": text("owner"),
    });
    if let (Some(environments), Some(fields)) = (environments_of(json), summary.as_object_mut()) {
        fields.insert("environments".to_owned(), environments);
    }
    summary.to_string()
}

/// [`summary_of`] for a stored draft's text (`None`: a deletion).
pub(crate) fn summary_text(json: Option<&str>) -> String {
    json.and_then(|text| serde_json::from_str::<Value>(text).ok())
        .map_or_else(|| "{}".to_owned(), |value| summary_of(&value))
}

/// Rewrites the summaries of every flag and project row, base and drafts, with the code that
/// writes them now (the migration `environment_summaries`).
pub(crate) fn rewrite_summaries(tx: &rusqlite::Transaction<'_>) -> Result<(), crate::StoreError> {
    for table in ["base_entities", "drafts"] {
        let rows: Vec<(i64, String, String, Option<String>)> = {
            let mut select = tx.prepare(&format!(
                "SELECT workspace_id, kind, key, json FROM {table} WHERE kind IN ('flag', 'project')"
            ))?;
            select
                .query_map([], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<_, _>>()?
        };
        let mut update = tx.prepare(&format!(
            "UPDATE {table} SET summary = ?4 WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3"
        ))?;
        for (workspace_id, kind, key, json) in rows {
            update.execute((workspace_id, kind, key, summary_text(json.as_deref())))?;
        }
    }
    Ok(())
}

/// A flag's environments (an object by key) with their states, or the project's (an array:
/// their keys, in order, for the list to name the environments a flag leaves out).
fn environments_of(json: &Value) -> Option<Value> {
    match json.get("environments")? {
        Value::Object(environments) => Some(Value::Array(
            environments
                .iter()
                .map(|(key, settings)| flag_environment(key, settings))
                .collect(),
        )),
        Value::Array(environments) => Some(Value::Array(
            environments
                .iter()
                .filter_map(|e| e.get("key").filter(|k| k.is_string()))
                .map(|key| json!({"key": key}))
                .collect(),
        )),
        _ => None,
    }
}

/// One environment of a flag, compactly: whether it is enabled, whether it has an off variation
/// (the kill switch serves one), the schedule steps that switch it on or off (Unix seconds,
/// oldest first) and the last step's instant, so that the list decides "scheduled" by the clock
/// without reading the flag. Steps whose instant does not parse are left out.
fn flag_environment(key: &str, settings: &Value) -> Value {
    let enabled = settings
        .get("enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let off_variation = settings.get("offVariation").is_some_and(Value::is_string);
    let mut steps: Vec<(i64, Option<bool>)> = settings
        .get("schedule")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .filter_map(|step| {
                    let at = unix_seconds(step.get("at")?.as_str()?)?;
                    Some((at, step.get("enabled").and_then(Value::as_bool)))
                })
                .collect()
        })
        .unwrap_or_default();
    steps.sort_by_key(|(at, _)| *at);
    let switches: Vec<Value> = steps
        .iter()
        .filter_map(|(at, enabled)| enabled.map(|enabled| json!([at, enabled])))
        .collect();
    json!({
        "key": key,
        "enabled": enabled,
        "offVariation": off_variation,
        "switches": switches,
        "lastStep": steps.last().map(|(at, _)| *at),
    })
}

fn unix_seconds(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_summary_holds_its_environments_and_schedule_switches() {
        let flag = json!({"key": "a", "name": "A", "environments": {
            "production": {"enabled": false, "offVariation": "off", "fallthrough": {"variation": "on"},
                "schedule": [
                    {"at": "2027-01-02T00:00:00Z", "fallthrough": {"variation": "off"}},
                    {"at": "2027-01-01T00:00:00Z", "enabled": true},
                    {"at": "not a time", "enabled": false}
                ]},
            "development": {"enabled": true, "fallthrough": {"variation": "on"}}
        }});
        let summary: Value = serde_json::from_str(&summary_of(&flag)).unwrap();
        assert_eq!(
            summary["environments"],
            json!([
                {"key": "production", "enabled": false, "offVariation": true,
                 "switches": [[1_798_761_600, true]], "lastStep": 1_798_848_000},
                {"key": "development", "enabled": true, "offVariation": false,
                 "switches": [], "lastStep": null}
            ])
        );
        let project = json!({"environments": [{"key": "dev", "name": "D"}, {"name": "no key"}]});
        let summary: Value = serde_json::from_str(&summary_of(&project)).unwrap();
        assert_eq!(summary["environments"], json!([{"key": "dev"}]));
        let segment: Value = serde_json::from_str(&summary_of(&json!({"key": "s"}))).unwrap();
        assert!(summary.get("environments").is_some() && segment.get("environments").is_none());
    }
}
