//! The content hash of a change request: what approvals sign.
//!
//! SHA-256 over the RFC 8785 canonical JSON of the request's id, title, description, author,
//! base, entities and emergency: everything that says *what* changes and why, and nothing about
//! where the request is in its life (status, approvals, comments, published). So approving or
//! commenting keeps the hash, and any edit of what changes voids earlier approvals. The id is
//! part of it so that an approval cannot be moved to another request with the same entities.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::model::{ChangeRequest, EmergencyReason, EntityChange};

/// The prefix of a content hash's text.
pub const HASH_PREFIX: &str = "sha256:";

/// The hashed part of a request. Absent optional fields hash as `null`; RFC 8785 sorts the keys,
/// so the field order here does not matter.
#[derive(Serialize)]
struct Hashed<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    author: &'a str,
    base: &'a str,
    entities: &'a [EntityChange],
    emergency: Option<&'a EmergencyReason>,
}

/// The bytes that are hashed: RFC 8785 canonical JSON (sorted keys, no whitespace, ECMAScript
/// numbers), so any other implementation can recompute the hash from the file.
pub fn hashed_bytes(change: &ChangeRequest) -> Vec<u8> {
    let hashed = Hashed {
        id: &change.id,
        title: &change.title,
        description: change.description.as_deref(),
        author: &change.author,
        base: &change.base,
        entities: &change.entities,
        emergency: change.emergency.as_ref(),
    };
    // Canonicalizing a value made of strings and serde_json values cannot fail: serde_json
    // numbers are always finite. Should it ever fail, hash a value no approval can match.
    serde_json_canonicalizer::to_vec(&hashed)
        .unwrap_or_else(|_| serde_json_canonicalizer::to_vec(&Value::Null).unwrap_or_default())
}

/// `sha256:<64 lowercase hex digits>` of [`hashed_bytes`].
pub fn content_hash(change: &ChangeRequest) -> String {
    let digest = Sha256::digest(hashed_bytes(change));
    let mut text = String::with_capacity(HASH_PREFIX.len() + 64);
    text.push_str(HASH_PREFIX);
    for byte in digest {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Whether `text` has the shape of a content hash.
pub fn is_content_hash(text: &str) -> bool {
    text.strip_prefix(HASH_PREFIX).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
