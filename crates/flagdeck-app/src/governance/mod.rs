//! Governance in the app (DESIGN §6, issue 4): the user's identity and signing key
//! ([`identity`]), change requests made from drafts, decided, commented and withdrawn
//! ([`changes`]), which drafts a plain sync holds back ([`held`]), publishing a change request in
//! one commit ([`publish`]), verifying history ([`verify`]), and the audit export
//! ([`audit_export`]). The pure rules (hashes,
//! signatures, policy evaluation) are `flagdeck_core::governance`'s.

pub mod audit_export;
pub mod changes;
pub mod drafts;
pub mod founding;
pub(crate) mod held;
pub mod identity;
pub mod publish;
mod publish_folder;
pub mod verify;

pub use audit_export::AuditFormat;
pub use changes::ChangeView;
pub use drafts::DraftChange;
pub use identity::{IDENTITY_SERVICE, IdentityStatus};
pub use publish::PublishReport;
pub use verify::FoundViolation;
