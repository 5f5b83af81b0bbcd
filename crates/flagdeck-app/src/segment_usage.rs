//! Where a segment is used (DESIGN §8, the segment editor's "used by"): the flags whose rules
//! refer to it, per environment and rule, and the segments that nest it, in the project as the
//! user sees it now (base + drafts). It walks the model, not the checked project, so that a
//! draft that does not validate yet is still found.

use flagdeck_core::keys::is_entity_key;
use flagdeck_core::model::Condition;
use serde::Serialize;

use crate::App;
use crate::error::{AppError, AppResult};

/// One place a segment is referenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SegmentUse {
    /// A flag's rule, or another segment's condition.
    #[ts(type = r#""flag" | "segment""#)]
    pub kind: &'static str,
    pub key: String,
    pub name: String,
    /// The flag's environment (flags only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub environment: Option<String>,
    /// The rule's id (flags only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rule: Option<String>,
    /// The rule's name, when it has one (flags only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rule_name: Option<String>,
}

impl App {
    /// Every reference to the segment `key`: flags by key, environment and rule (in the flag's
    /// order), then segments by key. A segment nobody uses gives an empty list, and so does a key
    /// no segment has (a reference to a missing segment is still listed: that is what breaks).
    pub fn segment_usage(&self, workspace_id: i64, key: &str) -> AppResult<Vec<SegmentUse>> {
        if !is_entity_key(key) {
            return Err(
                AppError::invalid(format!("{key:?} is not a segment key.")).with_field("key")
            );
        }
        let (local, _, _) = self.local_snapshot(workspace_id)?;
        let mut uses = Vec::new();
        for flag in local.flags.values() {
            for (environment, settings) in &flag.environments {
                for rule in &settings.rules {
                    if rule.when.as_ref().is_some_and(|when| refers_to(when, key)) {
                        uses.push(SegmentUse {
                            kind: "flag",
                            key: flag.key.clone(),
                            name: flag.name.clone(),
                            environment: Some(environment.clone()),
                            rule: Some(rule.id.clone()),
                            rule_name: rule.name.clone(),
                        });
                    }
                }
            }
        }
        for segment in local.segments.values() {
            if segment.key != key
                && segment
                    .when
                    .as_ref()
                    .is_some_and(|when| refers_to(when, key))
            {
                uses.push(SegmentUse {
                    kind: "segment",
                    key: segment.key.clone(),
                    name: segment.name.clone(),
                    environment: None,
                    rule: None,
                    rule_name: None,
                });
            }
        }
        Ok(uses)
    }
}

/// Whether `condition` names the segment `key` anywhere inside (directly, not through another
/// segment: that one is listed itself).
fn refers_to(condition: &Condition, key: &str) -> bool {
    condition.segment.as_deref() == Some(key)
        || condition
            .all
            .iter()
            .chain(condition.any.iter())
            .flatten()
            .any(|part| refers_to(part, key))
        || condition
            .not
            .as_deref()
            .is_some_and(|inner| refers_to(inner, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(value: serde_json::Value) -> Condition {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn references_are_found_at_any_depth_and_only_by_exact_key() {
        let nested = condition(json!({"all": [
            {"attribute": "plan", "op": "equals", "value": "pro"},
            {"any": [{"not": {"segment": "beta"}}]}
        ]}));
        assert!(refers_to(&nested, "beta"));
        assert!(!refers_to(&nested, "bet"));
        assert!(!refers_to(
            &condition(json!({"attribute": "segment", "op": "exists"})),
            "segment"
        ));
    }
}
