//! The migration `personas_as_drafts`: rows of the old local-only `personas` table become
//! persona drafts, then the table is dropped.

use std::collections::HashSet;

use rusqlite::Transaction;
use serde_json::{Map, Value};

use crate::StoreError;

/// Moves every row of `personas` into `drafts` as `{"key", "name", "context"}` (kind `persona`,
/// source `import`, no undo step: undoing must not delete what the user had) and drops the
/// table. A key that cannot be a file name is made into one, never colliding with another
/// persona of the workspace.
pub(crate) fn move_personas_to_drafts(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, String, i64)> = {
        let mut select = tx.prepare(
            "SELECT workspace_id, key, name, context_json, updated_at FROM personas
             ORDER BY workspace_id, key",
        )?;
        select
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })?
            .collect::<Result<_, _>>()?
    };
    let mut taken: HashSet<(i64, String)> = HashSet::new();
    {
        let mut existing = tx.prepare("SELECT workspace_id, key FROM drafts WHERE kind = 'persona' UNION SELECT workspace_id, key FROM base_entities WHERE kind = 'persona'")?;
        for row in existing.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
            taken.insert(row?);
        }
    }
    let mut insert = tx.prepare(
        "INSERT INTO drafts (workspace_id, kind, key, json, updated_at, source, summary)
         VALUES (?1, 'persona', ?2, ?3, ?4, 'import', ?5)",
    )?;
    for (workspace_id, key, name, context, updated_at) in rows {
        let key = free_key(&taken, workspace_id, &file_key(&key));
        taken.insert((workspace_id, key.clone()));
        // The old table held what the app wrote; text that is not JSON is kept as a string.
        let context = serde_json::from_str(&context).unwrap_or(Value::String(context));
        let mut persona = Map::new();
        persona.insert("key".to_owned(), Value::String(key.clone()));
        persona.insert("name".to_owned(), Value::String(name));
        persona.insert("context".to_owned(), context);
        let json = Value::Object(persona);
        let summary = crate::summary::summary_of(&json);
        insert.execute((workspace_id, &key, json.to_string(), updated_at, summary))?;
    }
    drop(insert);
    tx.execute_batch("DROP TABLE personas;")?;
    Ok(())
}

/// `key` as a valid entity key (`^[a-z0-9][a-z0-9._-]{0,127}$`): lowercased, other characters
/// as `-`, leading punctuation dropped; `persona` when nothing is left.
fn file_key(key: &str) -> String {
    let mapped: String = key
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(['.', '_', '-'])
        .chars()
        .take(120)
        .collect();
    if trimmed.is_empty() {
        "persona".to_owned()
    } else {
        trimmed
    }
}

/// `key`, or `key-2`, `key-3`... when the workspace has a persona of that key already.
fn free_key(taken: &HashSet<(i64, String)>, workspace_id: i64, key: &str) -> String {
    let mut candidate = key.to_owned();
    let mut n = 2;
    while taken.contains(&(workspace_id, candidate.clone())) {
        candidate = format!("{key}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_file_names() {
        assert_eq!(file_key("anna-de-pro"), "anna-de-pro");
        assert_eq!(file_key("Ana Smith"), "ana-smith");
        assert_eq!(file_key("../etc"), "etc");
        assert_eq!(file_key("Zoë"), "zo-");
        assert_eq!(file_key("***"), "persona");
        assert_eq!(file_key(&"a".repeat(300)).len(), 120);
        let taken = HashSet::from([(1, "ana".to_owned()), (1, "ana-2".to_owned())]);
        assert_eq!(free_key(&taken, 1, "ana"), "ana-3");
        assert_eq!(free_key(&taken, 2, "ana"), "ana");
    }
}
