//! The short summary kept next to each stored document (name, description, type, tags,
//! owner), written with every base row and draft so lists never parse documents.

use serde_json::{Value, json};

/// The summary kept for a document: the fields a list and a search need.
pub(crate) fn summary_of(json: &Value) -> String {
    let text = |field: &str| json.get(field).filter(|v| v.is_string()).cloned();
    let tags = json
        .get("tags")
        .filter(|v| v.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    json!({
        "name": text("name"),
        "description": text("description"),
        "type": text("type"),
        "tags": tags,
        "owner": text("owner"),
    })
    .to_string()
}

/// [`summary_of`] for a stored draft's text (`None`: a deletion).
pub(crate) fn summary_text(json: Option<&str>) -> String {
    json.and_then(|text| serde_json::from_str::<Value>(text).ok())
        .map_or_else(|| "{}".to_owned(), |value| summary_of(&value))
}
