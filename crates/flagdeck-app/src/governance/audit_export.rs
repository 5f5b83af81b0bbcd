//! The audit log exported for auditors: JSON (an array of entries) or CSV (one row per entry,
//! RFC 4180 quoting, details as JSON text).

use flagdeck_core::instant::format_rfc3339;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::App;
use crate::error::AppResult;

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditFormat {
    Json,
    Csv,
}

/// As many entries as an export holds.
const EXPORT_LIMIT: u32 = 1_000_000;

impl App {
    /// The whole audit log of a workspace, oldest first: who, when (RFC 3339), what.
    pub fn export_audit(&self, workspace_id: i64, format: AuditFormat) -> AppResult<String> {
        let mut entries = self.audit_log(workspace_id, EXPORT_LIMIT)?;
        entries.reverse();
        let at = |seconds: i64| format_rfc3339(seconds).unwrap_or_else(|| seconds.to_string());
        Ok(match format {
            AuditFormat::Json => {
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| {
                        json!({"id": e.id, "at": at(e.at), "actor": e.actor, "action": e.action,
                               "source": e.source, "details": e.details})
                    })
                    .collect();
                let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
                text.push('\n');
                text
            }
            AuditFormat::Csv => {
                let mut text = String::from("id,at,actor,action,source,details\r\n");
                for e in &entries {
                    let fields = [
                        e.id.to_string(),
                        at(e.at),
                        e.actor.clone(),
                        e.action.clone(),
                        e.source.to_owned(),
                        e.details.to_string(),
                    ];
                    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                    text.push_str(&row.join(","));
                    text.push_str("\r\n");
                }
                text
            }
        })
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). A field
/// starting with `=`, `+`, `-` or `@` gets a leading `'` so spreadsheets do not run it.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
