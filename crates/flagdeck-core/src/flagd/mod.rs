//! A flagd evaluator: flag-definition files and their JsonLogic, with the behaviour of
//! `@openfeature/flagd-core` 4.0.1 in its default (compiled) mode, json-logic-engine 5.0.7
//! underneath (DESIGN §5; the traps are listed in FLAGD-NOTES).
//!
//! - [`Logic`] is a rule prepared once (operators resolved, `var` paths split, constant parts
//!   computed as json-logic-engine's `build` does) and evaluated many times without re-parsing
//!   or, in the common case, allocating.
//! - [`Definitions`] is a parsed file, resolved like `FlagdCore.resolve`.
//!
//! Deliberate differences from flagd-core:
//! - `fractional` hashes UTF-8 (flagd's Go reference; DESIGN §4), flagd-core UTF-16 units:
//!   both agree for ASCII bucket values.
//! - `$evaluators` are inlined structurally rather than by text replacement (so `$$` or `$&`
//!   in a body stay as they are, and references between evaluators resolve in any order).
//! - json-logic-engine operators outside JsonLogic's classic set and flagd's (`val`, `exists`,
//!   `try`, `throw`, `length`, `keys`, `pipe`, `get`, `eachKey`) are unknown here, so a rule
//!   that uses them fails to compile (PARSE_ERROR); `var` paths with `../` (scope climbing)
//!   are read as plain keys.

mod definitions;
mod eval;
mod js;
mod logic;
mod ops;
mod value;

pub use definitions::{Definitions, FlagDefinition, FlagState, FlagdType};
pub use logic::Logic;

#[cfg(test)]
mod tests;
