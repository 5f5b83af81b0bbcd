//! (in progress) flagd flag definitions and their JsonLogic.

/// A prepared JsonLogic expression (placeholder until the evaluator lands).
#[derive(Debug)]
pub struct Logic;
