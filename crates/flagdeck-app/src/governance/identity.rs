//! The user's identity for governance (DESIGN §6): an ed25519 key pair made once from the OS's
//! randomness. The private key lives ONLY in the [`SecretStore`] (the OS keyring), under service
//! [`IDENTITY_SERVICE`] and the person id as account; the data folder keeps who the user is
//! (`identity.json`: id, name, email, public key), never the key. The public key reaches the
//! project as a draft of `people/<id>.json`, which is governed like any other change.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use flagdeck_core::governance::sign::public_key_text;
use flagdeck_core::governance::{Person, signing_key};
use flagdeck_core::keys::is_entity_key;
use flagdeck_sync::Secret;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::entity::EntityRef;
use crate::error::{AppError, AppResult, ErrorCode};

/// The keyring service of governance signing keys (account: the person id).
pub const IDENTITY_SERVICE: &str = "flagdeck:identity";

/// Who the user is, in the data folder (no secret in it).
const IDENTITY_FILE: &str = "identity.json";

/// The user's identity as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityStatus {
    /// `None` until [`App::create_identity`].
    pub person: Option<Person>,
    /// Whether the keyring holds the private key (it may have been removed by hand).
    pub has_signing_key: bool,
}

/// What `identity.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredIdentity {
    person: Person,
}

impl App {
    fn identity_file(&self) -> PathBuf {
        self.data_dir.join(IDENTITY_FILE)
    }

    /// The user's person entry, if an identity was made.
    pub fn person(&self) -> AppResult<Option<Person>> {
        let path = self.identity_file();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AppError::io("read", &path, &e)),
        };
        let stored: StoredIdentity = serde_json::from_slice(&bytes).map_err(|e| {
            AppError::new(
                ErrorCode::Storage,
                format!(
                    "{} cannot be read ({e}); make the identity again.",
                    path.display()
                ),
            )
        })?;
        Ok(Some(stored.person))
    }

    /// Who the user is and whether their signing key is in the keyring.
    pub fn identity_status(&self) -> AppResult<IdentityStatus> {
        let person = self.person()?;
        let has_signing_key = match &person {
            Some(p) => self.secrets.get(IDENTITY_SERVICE, &p.id)?.is_some(),
            None => false,
        };
        Ok(IdentityStatus {
            person,
            has_signing_key,
        })
    }

    /// Makes the user's key pair: 32 random bytes from the OS, kept only in the keyring; the
    /// returned person (with the public key) is what [`App::propose_person`] drafts. Refused
    /// when an identity exists, so that a key nobody can recover is never overwritten.
    pub fn create_identity(&self, person_id: &str, name: &str, email: &str) -> AppResult<Person> {
        if !is_entity_key(person_id) {
            return Err(AppError::invalid(format!(
                "{person_id:?} is not a valid person id: use 1 to 128 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit."
            ))
            .with_field("personId"));
        }
        if let Some(existing) = self.person()? {
            return Err(AppError::invalid(format!(
                "This app already has an identity ({}); its key signs your changes and approvals.",
                existing.id
            )));
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| {
            AppError::new(
                ErrorCode::Secrets,
                format!("The OS gave no randomness for a new key ({e})."),
            )
        })?;
        let key = signing_key(&secret);
        let person = Person {
            id: person_id.to_owned(),
            name: name.trim().to_owned(),
            email: email.trim().to_owned(),
            public_key: public_key_text(&key.verifying_key()),
        };
        self.secrets.set(
            IDENTITY_SERVICE,
            person_id,
            &Secret::new(STANDARD.encode(secret)),
        )?;
        let stored = serde_json::to_vec_pretty(&StoredIdentity {
            person: person.clone(),
        })
        .map_err(|e| AppError::new(ErrorCode::Storage, e.to_string()))?;
        let path = self.identity_file();
        crate::project_dir::write_atomic(&path, &stored)?;
        Ok(person)
    }

    /// Drafts `people/<id>.json` with the user's public key in a workspace: like any governed
    /// change, it reaches the project through a change request.
    pub fn propose_person(&self, workspace_id: i64) -> AppResult<EntityRef> {
        let person = self.person()?.ok_or_else(no_identity)?;
        let entity = EntityRef::person(person.id.clone());
        let json = serde_json::to_value(&person)
            .map_err(|e| AppError::new(ErrorCode::Storage, e.to_string()))?;
        self.save_entity(workspace_id, &entity, &json)?;
        Ok(entity)
    }

    /// The user's person id and signing key, read back from the keyring.
    pub fn signing_key(&self) -> AppResult<(String, SigningKey)> {
        let person = self.person()?.ok_or_else(no_identity)?;
        let secret = self
            .secrets
            .get(IDENTITY_SERVICE, &person.id)?
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::IdentityMissing,
                    format!(
                        "The keyring holds no signing key for {}; it may have been removed. Make a new identity.",
                        person.id
                    ),
                )
            })?;
        let damaged = || {
            AppError::new(
                ErrorCode::Secrets,
                format!(
                    "The signing key of {} in the keyring is damaged; make a new identity.",
                    person.id
                ),
            )
        };
        let bytes = STANDARD
            .decode(secret.expose().as_bytes())
            .map_err(|_| damaged())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| damaged())?;
        let key = signing_key(&bytes);
        if public_key_text(&key.verifying_key()) != person.public_key {
            return Err(damaged());
        }
        Ok((person.id, key))
    }
}

fn no_identity() -> AppError {
    AppError::new(
        ErrorCode::IdentityMissing,
        "You have no identity yet: make one (a name, an email and a key pair) to sign changes and approvals.",
    )
}
