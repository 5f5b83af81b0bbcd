//! Personas: named evaluation contexts kept locally to try flags against.

use serde_json::Value;

use crate::workspaces::require_workspace;
use crate::{Change, ChangeEvent, Source, Store, StoreError, Subject, Written, parse_json};

/// A persona to save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPersona {
    pub key: String,
    pub name: String,
    /// The evaluation context, a JSON object.
    pub context: Value,
}

/// A stored persona.
#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    pub key: String,
    pub name: String,
    pub context: Value,
    pub updated_at: i64,
}

fn event(workspace_id: i64, key: &str, change: Change, source: Source) -> ChangeEvent {
    ChangeEvent::new(
        workspace_id,
        Subject::Persona {
            key: key.to_owned(),
        },
        change,
        source,
    )
}

impl Store {
    /// Creates or replaces a persona.
    pub fn save_persona(
        &mut self,
        workspace_id: i64,
        persona: &NewPersona,
        source: Source,
        now: i64,
    ) -> Result<Written<()>, StoreError> {
        let tx = self.write_tx()?;
        require_workspace(&tx, workspace_id)?;
        let existed = tx.query_row(
            "SELECT count(*) FROM personas WHERE workspace_id = ?1 AND key = ?2",
            (workspace_id, &persona.key),
            |row| row.get::<_, i64>(0),
        )? > 0;
        tx.execute(
            "INSERT OR REPLACE INTO personas (workspace_id, key, name, context_json, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            (workspace_id, &persona.key, &persona.name, persona.context.to_string(), now),
        )?;
        tx.commit()?;
        let change = if existed {
            Change::Updated
        } else {
            Change::Created
        };
        Ok(Written::new(
            (),
            vec![event(workspace_id, &persona.key, change, source)],
        ))
    }

    /// Deletes a persona; `value` is false when there was none.
    pub fn delete_persona(
        &mut self,
        workspace_id: i64,
        key: &str,
        source: Source,
    ) -> Result<Written<bool>, StoreError> {
        let deleted = self.conn.execute(
            "DELETE FROM personas WHERE workspace_id = ?1 AND key = ?2",
            (workspace_id, key),
        )? > 0;
        let events = if deleted {
            vec![event(workspace_id, key, Change::Deleted, source)]
        } else {
            Vec::new()
        };
        Ok(Written::new(deleted, events))
    }

    /// Every persona of a workspace, by key.
    pub fn personas(&self, workspace_id: i64) -> Result<Vec<Persona>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT key, name, context_json, updated_at FROM personas WHERE workspace_id = ?1 ORDER BY key",
        )?;
        let rows = statement.query_map([workspace_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (key, name, context, updated_at) = row?;
            Ok(Persona {
                key,
                name,
                context: parse_json(&context, "personas", "context_json")?,
                updated_at,
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkspaceKind;
    use crate::test_support::temp_store;
    use serde_json::json;

    #[test]
    fn save_update_list_delete() {
        let (_dir, mut store) = temp_store();
        let ws = crate::test_support::workspace(&mut store, WorkspaceKind::Local);
        let ana = NewPersona {
            key: "ana".into(),
            name: "Ana".into(),
            context: json!({"country": "PT"}),
        };
        let created = store.save_persona(ws, &ana, Source::User, 5).unwrap();
        assert_eq!(
            created.events,
            vec![event(ws, "ana", Change::Created, Source::User)]
        );
        let moved = NewPersona {
            context: json!({"country": "ES"}),
            ..ana
        };
        let updated = store.save_persona(ws, &moved, Source::Import, 6).unwrap();
        assert_eq!(
            updated.events,
            vec![event(ws, "ana", Change::Updated, Source::Import)]
        );
        assert_eq!(
            store.personas(ws).unwrap(),
            vec![Persona {
                key: "ana".into(),
                name: "Ana".into(),
                context: json!({"country": "ES"}),
                updated_at: 6
            }]
        );
        assert!(store.delete_persona(ws, "ana", Source::User).unwrap().value);
        let again = store.delete_persona(ws, "ana", Source::User).unwrap();
        assert!(!again.value);
        assert!(again.events.is_empty());
        assert!(store.personas(ws).unwrap().is_empty());
    }
}
