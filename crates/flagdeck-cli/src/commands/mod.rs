//! One module per subcommand.

pub mod audit;
pub mod build;
pub mod change;
pub mod credentials;
pub mod eval;
pub mod import;
pub mod init;
pub mod person;
pub mod preview_server;
pub mod session;
pub mod status;
pub mod sync;
pub mod validate;
pub mod verify;
