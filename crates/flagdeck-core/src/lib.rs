//! Flagdeck's domain (DESIGN §2): the repository format, validation, evaluation with
//! explanations, the compiler to flagd, and a flagd evaluator.
//!
//! Architecture invariant: pure. No IO (callers hand in bytes and get bytes back), no clock
//! (every instant is a parameter), no knowledge of any host.

pub mod bucket;
pub mod checked;
pub mod compile;
pub mod describe;
pub mod diag;
pub mod eval;
pub mod example;
pub mod flagd;
pub mod format;
pub mod governance;
pub mod import;
pub mod instant;
pub mod keys;
pub mod merge;
pub mod model;
pub mod preview;
pub mod rebucket;
pub mod resolution;
pub mod sample;
pub mod schedule;
pub mod schema;
pub mod semver;
mod suggest;
pub mod sync_plan;
pub mod validate;
