//! One module per subcommand.

pub mod build;
pub mod eval;
pub mod import;
pub mod init;
pub mod status;
pub mod sync;
pub mod validate;
pub mod verify;
