//! Sync (DESIGN §7): a plan, then an apply, with one engine ([`engine`]) for both kinds of
//! local side:
//! - [`store_side`]: a git workspace, whose user side is the cache (base + drafts) and whose
//!   Git side is the app's bare clone;
//! - [`folder_side`]: a checkout, whose user side is its working folder (`flagdeck sync DIR`,
//!   and folder workspaces in the app).
//!
//! Conflicts are kept in the cache until the user resolves them ([`App::resolve_conflict`]);
//! a resolution is remembered with the remote value it answered, so the next sync applies it
//! as long as the remote has not changed that value again and the user has not edited it since.

mod conflicts;
pub mod engine;
pub mod folder_side;
mod report;
mod run;
pub(crate) mod store_side;

pub use conflicts::{ConflictChoice, ConflictView};
pub use engine::{Author, SyncOptions};
pub use report::{SyncReport, SyncResult, entity_name};
