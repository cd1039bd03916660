//! The journal's key envelope: how the one database key is reached.
//!
//! The database key is 256 random bits. It is kept, depending on the mode:
//! * **keyring mode** — raw in the OS keyring (no key derivation on open);
//! * **passphrase mode** — wrapped (XChaCha20-Poly1305) under a key derived from the
//!   passphrase with Argon2id (RFC 9106), for machines with no keyring;
//! * always — wrapped under the recovery key shown once at creation.
//!
//! The wrapped copies, the Argon2id salt and parameters, and a key check value
//! (HMAC-SHA-256 of a fixed label under the key) live in `journal.meta.json`
//! beside the database. The check value lets the app tell a wrong key from a
//! damaged file: SQLCipher reports both as "file is not a database". Nothing in
//! the file reveals entry text. The crypto is RustCrypto's; nothing is hand-rolled.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::{DbKey, KEY_LEN, Passphrase, RecoveryKey};

/// The metadata file's format version.
pub const META_FORMAT: i64 = 1;
pub(crate) const META_FILE: &str = "journal.meta.json";

/// How the journal's key is normally reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum KeyMode {
    Keyring,
    Passphrase,
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: RFC 9106's second recommended option, about
    /// half a second on a 2-core laptop.
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Wrapped {
    nonce: String,
    ciphertext: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PassphraseWrap {
    kdf: String,
    params: KdfParams,
    salt: String,
    #[serde(flatten)]
    wrapped: Wrapped,
}

/// The plaintext metadata beside the database. Holds no entry text and no usable key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JournalMeta {
    pub format: i64,
    pub journal_id: String,
    pub created_at: String,
    pub key_mode: KeyMode,
    pub key_check: String,
    pub passphrase: Option<PassphraseWrap>,
    pub recovery: Wrapped,
    /// SHA-256 of the envelope written without this field. It needs no key, so an edited
    /// journal id (which names the keyring entry) or check value reads as a damaged
    /// envelope, not as a missing or wrong key. It detects damage, not forgery: the key
    /// check value and the AEAD of each wrap guard the key itself. Envelopes written
    /// before it have none and are read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// A rekey under way (see [`PendingRekey`]); absent at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rekey: Option<PendingRekey>,
}

/// What the envelope holds while the database is being rekeyed: the new key's check value
/// and wraps, ready to replace the old ones, and the new key wrapped under the old one, so
/// whatever reaches the old key (the keyring, the passphrase, the recovery key) reaches the
/// new one too. Written before `PRAGMA rekey`, removed by the envelope that ends the rekey;
/// on open, the key check value of each says which key the database opens with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingRekey {
    key_check: String,
    under_old: Wrapped,
    recovery: Wrapped,
    passphrase: Option<PassphraseWrap>,
}

/// The largest Argon2id costs an envelope may ask for: far above what [`KdfParams`]
/// writes, far below what would hang an open (a tampered `t` of four billion).
const MAX_KDF: KdfParams = KdfParams {
    m_kib: 1024 * 1024,
    t: 64,
    p: 16,
};

fn damaged(why: &str) -> Error {
    Error::BadMetadata(PathBuf::from(META_FILE), why.into())
}

impl JournalMeta {
    pub(crate) fn path(dir: &Path) -> PathBuf {
        dir.join(META_FILE)
    }

    /// The keyring account name for this journal.
    pub(crate) fn keyring_account(&self) -> String {
        format!("journal-{}", self.journal_id)
    }

    pub(crate) fn load(dir: &Path) -> Result<Self> {
        let path = Self::path(dir);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
        let meta: JournalMeta = serde_json::from_str(&text)
            .map_err(|e| Error::BadMetadata(path.clone(), format!("not valid: {e}")))?;
        if meta.format > META_FORMAT {
            return Err(Error::TooNew(meta.format));
        }
        if let Some(sum) = &meta.checksum
            && *sum != meta.digest()?
        {
            return Err(Error::BadMetadata(
                path,
                "its contents no longer match its checksum".into(),
            ));
        }
        if meta.key_mode == KeyMode::Passphrase && meta.passphrase.is_none() {
            return Err(Error::BadMetadata(
                path,
                "passphrase mode without a wrapped key".into(),
            ));
        }
        Ok(meta)
    }

    /// The SHA-256 of the envelope without its checksum, hex.
    fn digest(&self) -> Result<String> {
        use sha2::Digest;
        let mut bare = self.clone();
        bare.checksum = None;
        let bytes = serde_json::to_vec(&bare).map_err(|e| damaged(&e.to_string()))?;
        Ok(hex::encode(Sha256::digest(bytes)))
    }

    /// Writes the file atomically: a temporary file, fsync, then rename. A temporary file
    /// an earlier, killed write left (named only for the instant before its rename) is
    /// removed first.
    pub(crate) fn save_new(&self, dir: &Path) -> Result<()> {
        let path = Self::path(dir);
        crate::fsutil::clean_stale_temps(&path);
        let mut sealed = self.clone();
        sealed.checksum = Some(self.digest()?);
        let text = serde_json::to_string_pretty(&sealed)
            .map_err(|e| Error::BadMetadata(path.clone(), e.to_string()))?;
        crate::fsutil::write_atomic(&path, text.as_bytes())
    }

    /// What is wrong with the envelope's form (hex fields of the wrong length), if anything.
    /// The key check itself is proven by opening; a wrapped key can only be proven by its
    /// own secret, so here its form is what can be checked.
    pub(crate) fn shape_problem(&self) -> Option<String> {
        let len = |h: &str| hex::decode(h).ok().map(|b| b.len());
        if len(&self.key_check) != Some(32) {
            return Some("its key check value is not 32 bytes of hex".into());
        }
        let wrapped =
            |w: &Wrapped| len(&w.nonce) == Some(24) && len(&w.ciphertext) == Some(KEY_LEN + 16);
        if !wrapped(&self.recovery) {
            return Some("the key wrapped under the recovery key is not of the right form".into());
        }
        if let Some(p) = &self.passphrase
            && (!wrapped(&p.wrapped) || len(&p.salt) != Some(16) || p.kdf != "argon2id-v19")
        {
            return Some("the key wrapped under the passphrase is not of the right form".into());
        }
        None
    }

    pub(crate) fn check(&self, key: &DbKey) -> Result<()> {
        let expected = hex::decode(&self.key_check).map_err(|_| {
            Error::BadMetadata(PathBuf::from(META_FILE), "key check is not hex".into())
        })?;
        let mac = check_mac(key, &self.journal_id);
        mac.verify_slice(&expected).map_err(|_| Error::WrongKey)
    }

    pub(crate) fn unwrap_with_passphrase(&self, pass: &Passphrase) -> Result<DbKey> {
        let pw = self.passphrase.as_ref().ok_or(Error::WrongKey)?;
        let salt = hex::decode(&pw.salt)
            .map_err(|_| Error::BadMetadata(PathBuf::from(META_FILE), "salt is not hex".into()))?;
        let kek = derive_kek(pass, &salt, pw.params)?;
        let key = unwrap(&kek, &pw.wrapped, &self.aad("passphrase"))?;
        self.check_unwrapped(&key)?;
        Ok(key)
    }

    pub(crate) fn unwrap_with_recovery(&self, rk: &RecoveryKey) -> Result<DbKey> {
        let kek = Zeroizing::new(*rk.bytes_dangerously());
        let key = unwrap(&kek, &self.recovery, &self.aad("recovery"))?;
        self.check_unwrapped(&key)?;
        Ok(key)
    }

    /// The check of a key the envelope's AEAD has just vouched for: a mismatch is a
    /// damaged check value, not a wrong key.
    fn check_unwrapped(&self, key: &DbKey) -> Result<()> {
        self.check(key).map_err(|e| match e {
            Error::WrongKey => damaged("its key check does not match the key it holds"),
            other => other,
        })
    }

    fn aad(&self, label: &str) -> Vec<u8> {
        format!("asymptote/{}/{}/{}", META_FORMAT, self.journal_id, label).into_bytes()
    }

    /// The KDF costs of the passphrase wrap (the defaults when there is none).
    pub(crate) fn kdf_params(&self) -> KdfParams {
        self.passphrase
            .as_ref()
            .map_or_else(KdfParams::default, |p| p.params)
    }

    /// This envelope with the key wrapped under `pass` (a new salt), in passphrase mode.
    pub(crate) fn with_passphrase(
        &self,
        key: &DbKey,
        pass: &Passphrase,
        params: KdfParams,
    ) -> Result<Self> {
        let mut m = self.clone();
        m.checksum = None;
        m.key_mode = KeyMode::Passphrase;
        m.passphrase = Some(m.passphrase_wrap(key, pass, params)?);
        Ok(m)
    }

    /// This envelope in keyring mode: no passphrase wrap is kept.
    pub(crate) fn in_keyring_mode(&self) -> Self {
        let mut m = self.clone();
        m.checksum = None;
        m.key_mode = KeyMode::Keyring;
        m.passphrase = None;
        m
    }

    /// This envelope with the key wrapped under `rk` instead of the recovery key it had.
    pub(crate) fn with_recovery(&self, key: &DbKey, rk: &RecoveryKey) -> Result<Self> {
        let mut m = self.clone();
        m.checksum = None;
        let kek = Zeroizing::new(*rk.bytes_dangerously());
        m.recovery = wrap(&kek, key, &m.aad("recovery"))?;
        Ok(m)
    }

    /// This envelope with a rekey from `old` to `new` under way: the new key's check value
    /// and wraps (under `rk`, and under `pass` in passphrase mode) set aside beside the
    /// old ones, and `new` wrapped under `old`.
    pub(crate) fn with_pending_rekey(
        &self,
        old: &DbKey,
        new: &DbKey,
        rk: &RecoveryKey,
        pass: Option<&Passphrase>,
    ) -> Result<Self> {
        let mut m = self.clone();
        m.checksum = None;
        let rkek = Zeroizing::new(*rk.bytes_dangerously());
        let passphrase = match (m.key_mode, pass) {
            (KeyMode::Passphrase, Some(p)) => Some(m.passphrase_wrap(new, p, m.kdf_params())?),
            (KeyMode::Passphrase, None) => return Err(Error::PassphraseNeeded),
            (KeyMode::Keyring, _) => None,
        };
        m.rekey = Some(PendingRekey {
            key_check: hex::encode(check_mac(new, &m.journal_id).finalize().into_bytes()),
            under_old: wrap(old.expose_bytes_dangerously(), new, &m.aad("rekey"))?,
            recovery: wrap(&rkek, new, &m.aad("recovery"))?,
            passphrase,
        });
        Ok(m)
    }

    /// Whether a rekey is under way.
    pub(crate) fn rekey_pending(&self) -> bool {
        self.rekey.is_some()
    }

    /// Whether `key` is the new key of the rekey under way.
    pub(crate) fn is_pending_key(&self, key: &DbKey) -> bool {
        self.rekey.as_ref().is_some_and(|p| {
            hex::decode(&p.key_check)
                .is_ok_and(|want| check_mac(key, &self.journal_id).verify_slice(&want).is_ok())
        })
    }

    /// The new key of the rekey under way, reached from the old one.
    pub(crate) fn pending_key(&self, old: &DbKey) -> Result<DbKey> {
        let p = self
            .rekey
            .as_ref()
            .ok_or_else(|| damaged("it holds no rekey under way"))?;
        let new = unwrap(
            old.expose_bytes_dangerously(),
            &p.under_old,
            &self.aad("rekey"),
        )
        .map_err(|_| damaged("the new key of an interrupted rekey cannot be read"))?;
        if !self.is_pending_key(&new) {
            return Err(damaged(
                "the new key of an interrupted rekey does not match its check value",
            ));
        }
        Ok(new)
    }

    /// The envelope that ends the rekey: the new key's check value and wraps, nothing of
    /// the old key.
    pub(crate) fn rekey_finished(&self) -> Self {
        let mut m = self.clone();
        m.checksum = None;
        if let Some(p) = m.rekey.take() {
            m.key_check = p.key_check;
            m.recovery = p.recovery;
            if m.key_mode == KeyMode::Passphrase {
                m.passphrase = p.passphrase;
            }
        }
        m
    }

    /// The envelope as it was before the rekey began (the database never changed key).
    pub(crate) fn rekey_abandoned(&self) -> Self {
        let mut m = self.clone();
        m.checksum = None;
        m.rekey = None;
        m
    }

    fn passphrase_wrap(
        &self,
        key: &DbKey,
        pass: &Passphrase,
        params: KdfParams,
    ) -> Result<PassphraseWrap> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| Error::invalid(format!("The system random source failed ({e}).")))?;
        let kek = derive_kek(pass, &salt, params)?;
        Ok(PassphraseWrap {
            kdf: "argon2id-v19".into(),
            params,
            salt: hex::encode(salt),
            wrapped: wrap(&kek, key, &self.aad("passphrase"))?,
        })
    }

    /// A new envelope for `key`.
    pub(crate) fn new(
        journal_id: String,
        key: &DbKey,
        mode: KeyMode,
        passphrase: Option<(&Passphrase, KdfParams)>,
        recovery: &RecoveryKey,
    ) -> Result<Self> {
        let mut meta = JournalMeta {
            format: META_FORMAT,
            journal_id,
            created_at: chrono::Utc::now().to_rfc3339(),
            key_mode: mode,
            key_check: String::new(),
            passphrase: None,
            recovery: Wrapped {
                nonce: String::new(),
                ciphertext: String::new(),
            },
            checksum: None,
            rekey: None,
        };
        meta.key_check = hex::encode(check_mac(key, &meta.journal_id).finalize().into_bytes());
        let rk = Zeroizing::new(*recovery.bytes_dangerously());
        meta.recovery = wrap(&rk, key, &meta.aad("recovery"))?;
        if let Some((pass, params)) = passphrase {
            meta.passphrase = Some(meta.passphrase_wrap(key, pass, params)?);
        }
        Ok(meta)
    }
}

fn check_mac(key: &DbKey, journal_id: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; a 32-byte key cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose_bytes_dangerously())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(b"asymptote key check v1\0");
    mac.update(journal_id.as_bytes());
    mac
}

fn derive_kek(pass: &Passphrase, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    if p.m_kib > MAX_KDF.m_kib || p.t > MAX_KDF.t || p.p > MAX_KDF.p {
        return Err(damaged(
            "its key-derivation costs are beyond any this app writes",
        ));
    }
    let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(KEY_LEN)).map_err(|e| {
        damaged(&format!(
            "its key-derivation parameters are not valid ({e})"
        ))
    })?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(pass.expose_dangerously().as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::invalid(format!("The passphrase could not be processed ({e}).")))?;
    Ok(out)
}

fn wrap(kek: &[u8; KEY_LEN], key: &DbKey, aad: &[u8]) -> Result<Wrapped> {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce)
        .map_err(|e| Error::invalid(format!("The system random source failed ({e}).")))?;
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.expose_bytes_dangerously(),
                aad,
            },
        )
        .map_err(|_| Error::invalid("Encrypting the key failed."))?;
    Ok(Wrapped {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ct),
    })
}

fn unwrap(kek: &[u8; KEY_LEN], w: &Wrapped, aad: &[u8]) -> Result<DbKey> {
    let bad = || Error::BadMetadata(PathBuf::from(META_FILE), "a wrapped key is not hex".into());
    let nonce = hex::decode(&w.nonce).map_err(|_| bad())?;
    let ct = hex::decode(&w.ciphertext).map_err(|_| bad())?;
    if nonce.len() != 24 {
        return Err(bad());
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    let pt = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad })
            .map_err(|_| Error::WrongKey)?,
    );
    DbKey::from_bytes(&pt).ok_or(Error::WrongKey)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fast() -> KdfParams {
        KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    }

    #[test]
    fn passphrase_and_recovery_both_unwrap_the_same_key() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let pass = Passphrase::new("correct horse".into());
        let meta = JournalMeta::new(
            "j1".into(),
            &key,
            KeyMode::Passphrase,
            Some((&pass, fast())),
            &rk,
        )
        .unwrap();
        let a = meta.unwrap_with_passphrase(&pass).unwrap();
        let b = meta.unwrap_with_recovery(&rk).unwrap();
        assert_eq!(a.expose_bytes_dangerously(), key.expose_bytes_dangerously());
        assert_eq!(b.expose_bytes_dangerously(), key.expose_bytes_dangerously());
    }

    #[test]
    fn wrong_passphrase_and_wrong_recovery_key_are_wrong_key() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let pass = Passphrase::new("correct horse".into());
        let meta = JournalMeta::new(
            "j1".into(),
            &key,
            KeyMode::Passphrase,
            Some((&pass, fast())),
            &rk,
        )
        .unwrap();
        let e = meta
            .unwrap_with_passphrase(&Passphrase::new("battery staple".into()))
            .unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        let other = RecoveryKey::generate().unwrap();
        assert_eq!(
            meta.unwrap_with_recovery(&other).unwrap_err().kind(),
            "wrong_key"
        );
    }

    #[test]
    fn key_check_tells_the_right_key_from_another() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let meta = JournalMeta::new("j1".into(), &key, KeyMode::Keyring, None, &rk).unwrap();
        assert!(meta.check(&key).is_ok());
        let other = DbKey::generate().unwrap();
        assert_eq!(meta.check(&other).unwrap_err().kind(), "wrong_key");
    }

    #[test]
    fn wrapped_key_is_bound_to_its_journal() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let mut meta = JournalMeta::new("j1".into(), &key, KeyMode::Keyring, None, &rk).unwrap();
        meta.journal_id = "j2".into();
        assert_eq!(
            meta.unwrap_with_recovery(&rk).unwrap_err().kind(),
            "wrong_key"
        );
    }

    #[test]
    fn metadata_holds_no_key_bytes() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let meta = JournalMeta::new("j1".into(), &key, KeyMode::Keyring, None, &rk).unwrap();
        let text = serde_json::to_string(&meta).unwrap();
        assert!(!text.contains(&hex::encode(key.expose_bytes_dangerously())));
        assert!(!text.contains(&hex::encode(rk.bytes_dangerously())));
    }

    #[test]
    fn kdf_parameters_beyond_the_caps_are_a_damaged_envelope_not_a_hang() {
        let key = DbKey::generate().unwrap();
        let rk = RecoveryKey::generate().unwrap();
        let pass = Passphrase::new("correct horse".into());
        let meta = JournalMeta::new(
            "j1".into(),
            &key,
            KeyMode::Passphrase,
            Some((&pass, fast())),
            &rk,
        )
        .unwrap();
        let tampered = [
            KdfParams {
                m_kib: 64,
                t: 4_000_000_000,
                p: 1,
            },
            KdfParams {
                m_kib: u32::MAX,
                t: 1,
                p: 1,
            },
            KdfParams {
                m_kib: 64 * 1024,
                t: 3,
                p: 255,
            },
        ];
        for params in tampered {
            let mut m = meta.clone();
            if let Some(pw) = m.passphrase.as_mut() {
                pw.params = params;
            }
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let r = m.unwrap_with_passphrase(&Passphrase::new("correct horse".into()));
                let _ = tx.send(r.map(|_| ()).map_err(|e| (e.kind(), e.to_string())));
            });
            let got = rx
                .recv_timeout(std::time::Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("{params:?}: the open hung"));
            let (kind, msg) = got.expect_err("refused");
            assert_eq!(kind, "bad_metadata", "{params:?}: {msg}");
            assert!(msg.contains("damaged"), "{params:?}: {msg}");
        }
    }
}
