//! Governance (DESIGN §6), the pure part: people, policy as code, change requests, their content
//! hashes and signed approvals, and policy evaluation that explains itself.
//!
//! The design in one paragraph. A change request (`changes/<id>.json`) carries each file it
//! changes before and after. Its [content hash](hash::content_hash) is SHA-256 over the RFC 8785
//! canonical JSON of what it changes (and its id, title, author, base, emergency reason), so any
//! edit yields another hash. An [approval](model::Approval) is an ed25519 signature by one
//! person over `flagdeck approval v1\n<id>\n<decision>\n<hash>`; it counts only while the hash is
//! the current one, only for the person whose key in `people/` verifies it, only once per person,
//! and only where a matching rule's `from` makes that person eligible (never the author unless the
//! rule allows). [`touched`](touched::touched) turns a request into the scope policy rules match
//! (environments, tags, flags, owners, governance); [`evaluate`](evaluate::evaluate) says per rule
//! what is still missing, in sentences. An emergency request may skip approval only if the policy
//! allows it, it has a reason, and [it only reduces exposure](exposure::reduces_exposure).
//!
//! Trust: the policy and people used to evaluate a request are those **at its base**, never the
//! ones it proposes; callers pass them in, so a request cannot weaken the rules it is judged by.
//!
//! Pure like the rest of the crate: no IO, no clock (instants are parameters), no randomness
//! (the caller hands in the 32 secret bytes of a signing key, which live in the OS keyring).
//! [`verify`] judges one commit against its parent for `flagdeck verify`. Identity, the keyring,
//! publishing, the Git walk of `flagdeck verify` and the audit log live in the app and the
//! CLI.

pub mod evaluate;
pub mod exposure;
pub mod hash;
pub mod model;
pub mod sign;
pub mod touched;
pub mod validate;
pub mod verify;

#[cfg(test)]
mod tests;

pub use evaluate::{PolicyReport, RuleReport, evaluate};
pub use exposure::reduces_exposure;
pub use hash::content_hash;
pub use model::{
    Approval, ChangeRequest, Comment, Decision, EmergencyPolicy, EmergencyReason, EntityChange,
    Group, Person, Policy, PolicyRule, Published, Requirement, Scope, Status,
};
pub use sign::{
    check_approval, check_authorship, sign, sign_authorship, signing_key, verify_approval,
};
pub use touched::{Touched, touched};
pub use validate::{Governance, check_change, check_governance, check_person, check_policy};
pub use verify::{DistCheck, Violation, verify_commit};
