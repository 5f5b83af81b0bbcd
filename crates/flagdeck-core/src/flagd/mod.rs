//! (in progress) flagd flag definitions and their JsonLogic.

/// A prepared JsonLogic expression (placeholder until the evaluator lands).
#[derive(Debug)]
pub struct Logic;

impl Logic {
    pub fn compile(_rule: &serde_json::Value) -> Result<Logic, String> {
        Err("the flagd evaluator is not built yet".to_owned())
    }
}
