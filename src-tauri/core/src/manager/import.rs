//! Importing a received file, fail-closed: the signature, then age decryption, then the
//! bundle's own validation, and only then one transaction that stores it.
//!
//! Kept apart from the rest of the manager's space because it is the one place where
//! bytes from outside are trusted; every refusal is one sentence ending "nothing was
//! imported", and nothing is written before the last check passes.

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{ReceivedBundle, now_text, time_at};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::export::Bundle;
use crate::journal::Journal;
use crate::protect::{self, AgeUnlock, PublicKey, VerifyFailure};

/// One sentence ending "; nothing was imported." from a message that ends with a period.
fn refused(msg: &str) -> Error {
    Error::invalid(format!(
        "{}; nothing was imported.",
        msg.trim_end().trim_end_matches('.')
    ))
}

impl Journal {
    /// Verifies, decrypts (when age-encrypted) and parses a file received from `person`,
    /// then stores the bundle. Refuses a tampered, foreign or malformed file with one
    /// sentence, having written nothing.
    pub fn manager_import(
        &mut self,
        person: &str,
        file: &[u8],
        signature: &str,
        unlock: Option<&AgeUnlock>,
    ) -> Result<ReceivedBundle> {
        let signer = self.manager_check_signature(person, file, signature)?;
        let (pid, pname, _) = self.person_row(person)?;
        // 2. Decrypt.
        let plain: zeroize::Zeroizing<Vec<u8>> = if protect::is_age(file) {
            let Some(unlock) = unlock else {
                return Err(refused(
                    "This file is age-encrypted; give your age identity file or the passphrase it was encrypted to",
                ));
            };
            protect::decrypt(file, unlock).map_err(|e| refused(&e.to_string()))?
        } else {
            zeroize::Zeroizing::new(file.to_vec())
        };
        self.store_verified(pid, &pname, file, &signer, &plain)
    }

    /// Step 1 of an import, on its own: checks the detached minisign `signature` over
    /// `file` exactly as received against the key trusted for `person`, and returns the
    /// signer's key id. Refuses a foreign, tampered or unsigned file in one sentence.
    /// The window runs it before asking for a passphrase, so a bad file is refused first.
    pub fn manager_check_signature(
        &self,
        person: &str,
        file: &[u8],
        signature: &str,
    ) -> Result<String> {
        let (pid, pname, _) = self.person_row(person)?;
        let keys = self.trusted_keys_of(pid)?;
        if keys.is_empty() {
            return Err(Error::invalid(format!(
                "You trust no signing key for {pname} yet, so nothing was imported; trust the public key they give you first."
            )));
        }
        // 1. The signature, over the file exactly as received.
        let signer = protect::signature_key_id(signature)
            .map_err(|_| refused("The signature file is not a minisign signature (.minisig)"))?;
        let Some(key) = keys.iter().find(|k| k.key_id == signer) else {
            let other: Option<String> = self
                .conn
                .query_row(
                    "SELECT p.name FROM mgr_trusted_keys k JOIN mgr_people p ON p.id = k.person_id
                     WHERE k.key_id = ?1",
                    [&signer],
                    |r| r.get(0),
                )
                .optional()?;
            return Err(refused(&match other {
                Some(o) => format!(
                    "This file was signed by {o}'s key ({signer}), not by the key you trust for {pname}"
                ),
                None => format!(
                    "This file was signed by an unknown key ({signer}), not by the key you trust for {pname}"
                ),
            }));
        };
        let pk = PublicKey {
            key_id: key.key_id.clone(),
            base64: key.public_key.clone(),
        };
        match protect::verify(&pk, file, signature) {
            Ok(_) => {}
            Err(VerifyFailure::Malformed) => {
                return Err(refused(
                    "The signature file is not a minisign signature (.minisig)",
                ));
            }
            Err(VerifyFailure::OtherKey(k)) => {
                return Err(refused(&format!(
                    "This file was signed by another key ({k}), not by the key you trust for {pname}"
                )));
            }
            Err(VerifyFailure::BadSignature) => {
                return Err(refused(&format!(
                    "This file does not match {pname}'s signature: it was changed after it was signed, or the signature belongs to another file"
                )));
            }
        }
        Ok(signer)
    }

    /// Steps 3 and 4 of an import: parses and validates the decrypted bundle, refuses a
    /// file already imported, then stores it in one transaction.
    fn store_verified(
        &mut self,
        pid: Id,
        pname: &str,
        file: &[u8],
        signer: &str,
        plain: &[u8],
    ) -> Result<ReceivedBundle> {
        // 3. Parse.
        let text = std::str::from_utf8(plain).map_err(|_| {
            refused("This file is not an Asymptote JSON bundle (it is not text); ask for the JSON format")
        })?;
        let bundle = Bundle::from_json(text).map_err(|e| refused(&e.to_string()))?;
        let sha = hex::encode(Sha256::digest(file));
        let dup = self
            .conn
            .query_row(
                "SELECT received_at FROM mgr_bundles WHERE person_id = ?1 AND file_sha256 = ?2",
                params![pid.to_string(), sha],
                |r| time_at(r, 0),
            )
            .optional()?;
        if let Some(at) = dup {
            return Err(Error::invalid(format!(
                "This file from {pname} was already imported on {}; nothing was imported again.",
                at.format("%Y-%m-%d")
            )));
        }
        // Store the canonical JSON of what was verified and parsed.
        let json = bundle.to_json()?;
        let id = Id::new();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO mgr_bundles (id, person_id, received_at, file_sha256, signer_key_id,
                                      period_from, period_to, bundle_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.to_string(),
                pid.to_string(),
                now_text(),
                sha,
                signer,
                bundle.selection.from.to_string(),
                bundle.selection.to.to_string(),
                json
            ],
        )?;
        tx.commit()?;
        self.manager_bundles(pname)?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| Error::Database("an imported bundle vanished".into()))
    }
}
