//! Signing and checking approvals with ed25519.
//!
//! The signed bytes are `flagdeck approval v1\n<change id>\n<decision>\n<content hash>`: the id
//! binds the signature to one request, the decision to approve or reject, and the hash to one
//! version of what changes. The core never draws randomness nor stores keys: the caller hands
//! in the 32 secret bytes (from the OS keyring) and drops them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::hash::content_hash;
use super::model::{Approval, ChangeRequest, Decision, Person};

/// The prefix of public keys and signatures in files.
pub const KEY_PREFIX: &str = "ed25519:";

/// The bytes an approval signs.
pub fn signing_payload(change_id: &str, decision: Decision, content_hash: &str) -> Vec<u8> {
    format!(
        "flagdeck approval v1\n{change_id}\n{}\n{content_hash}",
        decision.as_str()
    )
    .into_bytes()
}

/// The bytes an author signs: `flagdeck change v1\n<change id>\n<content hash>`.
pub fn authorship_payload(change_id: &str, content_hash: &str) -> Vec<u8> {
    format!("flagdeck change v1\n{change_id}\n{content_hash}").into_bytes()
}

/// The author's signature over the current version of `change`, as `ed25519:<base64>`: what
/// goes into [`ChangeRequest::author_signature`]. Sign again after every edit (the hash moves).
pub fn sign_authorship(key: &SigningKey, change: &ChangeRequest) -> String {
    let signature = key.sign(&authorship_payload(&change.id, &content_hash(change)));
    format!("{KEY_PREFIX}{}", STANDARD.encode(signature.to_bytes()))
}

/// Checks that `change.author_signature` is `public_key`'s (`ed25519:<base64>`) signature over
/// the current version of `change`; the error is a sentence.
pub fn check_authorship(public_key: &str, change: &ChangeRequest) -> Result<(), String> {
    let Some(text) = &change.author_signature else {
        return Err(format!(
            "The change request is not signed by its author '{}'.",
            change.author
        ));
    };
    let key = parse_public_key(public_key)
        .map_err(|why| format!("The author's key cannot check the request: {why}."))?;
    let signature = parse_signature(text)
        .map_err(|why| format!("The author's signature is not well formed: {why}."))?;
    key.verify_strict(
        &authorship_payload(&change.id, &content_hash(change)),
        &signature,
    )
    .map_err(|_| {
        format!(
            "The author's signature does not match '{}''s key for this version of the change request.",
            change.author
        )
    })
}

/// A signing key from the 32 secret bytes the caller keeps (in the OS keyring). Making those
/// bytes is the caller's job (from the OS's randomness), so the core stays deterministic.
pub fn signing_key(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

/// `ed25519:<base64>` of a public key, as in `people/<id>.json`.
pub fn public_key_text(key: &VerifyingKey) -> String {
    format!("{KEY_PREFIX}{}", STANDARD.encode(key.as_bytes()))
}

/// The public key of `ed25519:<base64 of 32 bytes>`, or why it is not one.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    let bytes = decode(text, "public key")?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        format!(
            "an ed25519 public key has 32 bytes, this one has {}",
            b.len()
        )
    })?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "this is not a valid ed25519 public key".into())
}

fn parse_signature(text: &str) -> Result<Signature, String> {
    let bytes = decode(text, "signature")?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|b: Vec<u8>| {
        format!(
            "an ed25519 signature has 64 bytes, this one has {}",
            b.len()
        )
    })?;
    Ok(Signature::from_bytes(&bytes))
}

fn decode(text: &str, what: &str) -> Result<Vec<u8>, String> {
    let body = text
        .strip_prefix(KEY_PREFIX)
        .ok_or_else(|| format!("a {what} starts with '{KEY_PREFIX}'"))?;
    STANDARD
        .decode(body)
        .map_err(|_| format!("the {what} after '{KEY_PREFIX}' is not base64"))
}

/// Signs `decision` on the current version of `change`. `at` (RFC 3339) is a parameter: the core
/// has no clock. The result is what the app appends to the request's approvals.
pub fn sign(
    key: &SigningKey,
    by: &str,
    change: &ChangeRequest,
    decision: Decision,
    at: &str,
    comment: Option<String>,
) -> Approval {
    let hash = content_hash(change);
    let signature = key.sign(&signing_payload(&change.id, decision, &hash));
    Approval {
        by: by.to_owned(),
        decision,
        content_hash: hash,
        signature: format!("{KEY_PREFIX}{}", STANDARD.encode(signature.to_bytes())),
        at: at.to_owned(),
        comment,
    }
}

/// Why an approval does not count, beyond eligibility (see [`super::evaluate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalProblem {
    /// The approval names another person than the one given.
    WrongPerson,
    /// The person's public key or the signature is not well formed.
    Malformed(String),
    /// The signature was not made by the person's key over this request and decision (a forged,
    /// borrowed or copied approval).
    BadSignature,
    /// A valid signature over another version of this request: it was edited after approval.
    EarlierVersion,
}

/// Checks that `approval` is `person`'s signature over the current version of `change`.
pub fn check_approval(
    person: &Person,
    change: &ChangeRequest,
    approval: &Approval,
) -> Result<(), ApprovalProblem> {
    if approval.by != person.id {
        return Err(ApprovalProblem::WrongPerson);
    }
    let key = parse_public_key(&person.public_key).map_err(ApprovalProblem::Malformed)?;
    let signature = parse_signature(&approval.signature).map_err(ApprovalProblem::Malformed)?;
    // Checked against the hash the approval names, so that a stale approval is told apart from
    // a forged one; then that hash must be the current one.
    let payload = signing_payload(&change.id, approval.decision, &approval.content_hash);
    key.verify_strict(&payload, &signature)
        .map_err(|_| ApprovalProblem::BadSignature)?;
    if approval.content_hash != content_hash(change) {
        return Err(ApprovalProblem::EarlierVersion);
    }
    Ok(())
}

/// [`check_approval`] as a sentence a release owner understands.
pub fn verify_approval(
    person: &Person,
    change: &ChangeRequest,
    approval: &Approval,
) -> Result<(), String> {
    check_approval(person, change, approval).map_err(|p| describe(person, approval, &p))
}

/// "Bob's approval does not count: ..." for one problem.
pub fn describe(person: &Person, approval: &Approval, problem: &ApprovalProblem) -> String {
    let who = person.display_name();
    let what = match approval.decision {
        Decision::Approve => "approval",
        Decision::Reject => "rejection",
    };
    match problem {
        ApprovalProblem::WrongPerson => {
            format!(
                "This {what} is signed in the name of '{}', not {who}",
                approval.by
            )
        }
        ApprovalProblem::Malformed(why) => {
            format!("{who}'s {what} does not count: {why}")
        }
        ApprovalProblem::BadSignature => format!(
            "{who}'s {what} does not count: its signature does not match {who}'s key for this change request"
        ),
        ApprovalProblem::EarlierVersion => {
            format!("{who}'s {what} was for an earlier version of this change")
        }
    }
}
