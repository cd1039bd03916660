//! Protecting a file that leaves the journal: age encryption and minisign signatures.
//!
//! * **Encryption** uses the `age` crate (rage's library, the age-encryption.org/v1
//!   format): to a passphrase (an scrypt recipient, work factor 2^18 like the `age`
//!   command-line tool) or to an age X25519 public key (`age1…`). What we write,
//!   `age -d` reads; what `age` writes, we read (armored or binary).
//! * **Signatures** are minisign's (Ed25519, pre-hashed with BLAKE2b), made and checked
//!   with jedisct1's `minisign` crate, so `minisign -Vm FILE -P KEY` verifies them. Each
//!   journal has its own signing key pair; the secret key lives in the OS keyring under
//!   its own account (`signing-<journal id>`), apart from the database key. The public
//!   key is handed over in minisign's public-key format; its key id (16 hex digits,
//!   as minisign prints it) is the fingerprint to compare aloud.
//!
//! What is signed is the file exactly as it is sent (the `.age` file when encrypted),
//! so a receiver verifies before decrypting anything.
//!
//! Limits of the crates: `minisign::SecretKey` and `age`'s parsed passphrase are not
//! wiped by their crates; we hold the signing key only as zeroizing bytes and build the
//! crate's key for the moment of signing.

use std::io::{Cursor, Read, Write};
use std::iter;
use std::str::FromStr;

use age::secrecy::SecretString;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::keystore::{KeyStore, SecretBytes};
use crate::secret::Passphrase;

/// scrypt work factor (log2 N) for passphrase encryption: the `age` tool's default.
const SCRYPT_LOG_N: u8 = 18;
/// The largest work factor accepted when decrypting (the `age` tool's ceiling).
const SCRYPT_MAX_LOG_N: u8 = 22;

const AGE_BINARY_MAGIC: &[u8] = b"age-encryption.org/";
const AGE_ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

// ------------------------------------------------------------------ age

/// Whom a file is encrypted to.
pub enum Recipient {
    /// Anyone who knows this passphrase (age's scrypt recipient).
    Passphrase(Passphrase),
    /// The holder of this age X25519 identity (`age1…` public key).
    AgeKey(age::x25519::Recipient),
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recipient::Passphrase(_) => f.write_str("Recipient::Passphrase(<redacted>)"),
            Recipient::AgeKey(k) => write!(f, "Recipient::AgeKey({k})"),
        }
    }
}

impl Recipient {
    /// An age public key as `age-keygen` prints it (`age1…`).
    pub fn age_key(text: &str) -> Result<Self> {
        age::x25519::Recipient::from_str(text.trim())
            .map(Recipient::AgeKey)
            .map_err(|_| {
                Error::invalid(
                    "That is not an age public key; it should start with `age1` (ask for the line `age-keygen` printed as \"Public key\").",
                )
            })
    }

    /// A passphrase to encrypt to; refuses an empty one.
    pub fn passphrase(p: Passphrase) -> Result<Self> {
        if p.expose_dangerously().trim().is_empty() {
            return Err(Error::invalid(
                "An empty passphrase would not protect the file; choose a few words.",
            ));
        }
        Ok(Recipient::Passphrase(p))
    }
}

/// What decrypts an age file.
pub enum AgeUnlock {
    /// The passphrase the file was encrypted to.
    Passphrase(Passphrase),
    /// An age identity file (as `age-keygen` writes it).
    Identity(AgeIdentity),
}

impl std::fmt::Debug for AgeUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgeUnlock::Passphrase(_) => f.write_str("AgeUnlock::Passphrase(<redacted>)"),
            AgeUnlock::Identity(_) => f.write_str("AgeUnlock::Identity(<redacted>)"),
        }
    }
}

/// Secret age identities read from an identity file. Redacted `Debug`, no `Clone`.
pub struct AgeIdentity(Vec<Box<dyn age::Identity + Send + Sync>>);

impl std::fmt::Debug for AgeIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AgeIdentity(<redacted>)")
    }
}

impl AgeIdentity {
    /// Parses an identity file's text (`AGE-SECRET-KEY-1…` lines; `#` comments allowed).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "That identity file holds no age secret key; give the file `age-keygen -o` wrote (its key line starts with AGE-SECRET-KEY-1).",
            )
        };
        let file = age::IdentityFile::from_buffer(text.as_bytes()).map_err(|_| bad())?;
        let ids = file.into_identities().map_err(|_| bad())?;
        if ids.is_empty() {
            return Err(bad());
        }
        Ok(AgeIdentity(ids))
    }
}

/// How an age file is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeKind {
    /// To a passphrase.
    Passphrase,
    /// To one or more public keys.
    Recipients,
}

/// Whether `bytes` look like an age file (binary or armored).
pub fn is_age(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let b = &bytes[start..];
    b.starts_with(AGE_BINARY_MAGIC) || b.starts_with(AGE_ARMOR_BEGIN)
}

/// How the age file in `bytes` is locked; `None` when it is not an age file at all.
pub fn age_kind(bytes: &[u8]) -> Option<AgeKind> {
    if !is_age(bytes) {
        return None;
    }
    let d = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(bytes)).ok()?;
    Some(if d.is_scrypt() {
        AgeKind::Passphrase
    } else {
        AgeKind::Recipients
    })
}

/// Encrypts `plaintext` to `to`; `armor` writes the PEM-like text form.
pub fn encrypt(plaintext: &[u8], to: &Recipient, armor: bool) -> Result<Vec<u8>> {
    let failed = |what: &str| Error::invalid(format!("Encrypting the file failed ({what})."));
    let encryptor = match to {
        Recipient::Passphrase(p) => {
            let mut r =
                age::scrypt::Recipient::new(SecretString::from(p.expose_dangerously().to_owned()));
            r.set_work_factor(SCRYPT_LOG_N);
            age::Encryptor::with_recipients(iter::once(&r as &dyn age::Recipient))
        }
        Recipient::AgeKey(k) => {
            age::Encryptor::with_recipients(iter::once(k as &dyn age::Recipient))
        }
    }
    .map_err(|_| failed("no usable recipient"))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let format = if armor {
        age::armor::Format::AsciiArmor
    } else {
        age::armor::Format::Binary
    };
    let io = |_| failed("an internal write failed");
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, format).map_err(io)?;
    let mut w = encryptor.wrap_output(armored).map_err(io)?;
    w.write_all(plaintext).map_err(io)?;
    w.finish()
        .and_then(age::armor::ArmoredWriter::finish)
        .map_err(io)?;
    Ok(out)
}

/// Decrypts an age file (binary or armored).
pub fn decrypt(ciphertext: &[u8], with: &AgeUnlock) -> Result<Zeroizing<Vec<u8>>> {
    use age::DecryptError as D;
    if !is_age(ciphertext) {
        return Err(Error::invalid("That file is not age-encrypted."));
    }
    let decryptor = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(ciphertext))
        .map_err(|_| {
            Error::invalid("The age file's header is damaged, so it cannot be decrypted.")
        })?;
    let scrypt = decryptor.is_scrypt();
    let map = |e: D| -> Error {
        match (e, with) {
            (D::ExcessiveWork { .. }, _) => Error::invalid(
                "The file's passphrase encryption asks for more work than age allows (a damaged or hostile file), so it was not decrypted.",
            ),
            (D::NoMatchingKeys | D::DecryptionFailed, AgeUnlock::Passphrase(_)) if scrypt => {
                Error::invalid(
                    "That passphrase does not decrypt this file; check it with the person who sent it.",
                )
            }
            (D::NoMatchingKeys, AgeUnlock::Identity(_)) if !scrypt => Error::invalid(
                "This file was not encrypted to your age key; ask the sender to encrypt it to your public key (age1…).",
            ),
            (_, AgeUnlock::Identity(_)) if scrypt => Error::invalid(
                "This file is encrypted to a passphrase, not to an age key; give the passphrase instead.",
            ),
            (_, AgeUnlock::Passphrase(_)) if !scrypt => Error::invalid(
                "This file is encrypted to an age key, not to a passphrase; give your age identity file instead.",
            ),
            _ => Error::invalid(
                "The age file is damaged or was changed after it was encrypted, so it cannot be decrypted.",
            ),
        }
    };
    let mut plain = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    match with {
        AgeUnlock::Passphrase(p) => {
            if !scrypt {
                return Err(map(D::NoMatchingKeys));
            }
            let mut id =
                age::scrypt::Identity::new(SecretString::from(p.expose_dangerously().to_owned()));
            id.set_max_work_factor(SCRYPT_MAX_LOG_N);
            let mut r = decryptor
                .decrypt(iter::once(&id as &dyn age::Identity))
                .map_err(map)?;
            r.read_to_end(&mut plain)
                .map_err(|_| map(D::DecryptionFailed))?;
        }
        AgeUnlock::Identity(ids) => {
            if scrypt {
                return Err(map(D::NoMatchingKeys));
            }
            let mut r = decryptor
                .decrypt(ids.0.iter().map(|i| i.as_ref() as &dyn age::Identity))
                .map_err(map)?;
            r.read_to_end(&mut plain)
                .map_err(|_| map(D::DecryptionFailed))?;
        }
    }
    Ok(plain)
}

// ------------------------------------------------------------ minisign

/// A minisign public key: what a person hands to their manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKey {
    /// The key id as minisign prints it (16 uppercase hex digits): the fingerprint.
    pub key_id: String,
    /// The key's one-line base64 form (what `minisign -P` takes).
    pub base64: String,
}

fn key_id_of(keynum: &[u8]) -> String {
    let mut le = [0u8; 8];
    let n = keynum.len().min(8);
    le[..n].copy_from_slice(&keynum[..n]);
    format!("{:016X}", u64::from_le_bytes(le))
}

impl PublicKey {
    fn from_minisign(pk: &minisign::PublicKey) -> Self {
        PublicKey {
            key_id: key_id_of(pk.keynum()),
            base64: pk.to_base64(),
        }
    }

    /// Parses a public key as minisign writes it: the whole `.pub` file (comment line
    /// and key line) or the key line alone.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "That is not a minisign public key; give the whole .pub file, or its long line starting with RW.",
            )
        };
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or_else(bad)?;
        let pk = minisign::PublicKey::from_base64(line).map_err(|_| bad())?;
        Ok(Self::from_minisign(&pk))
    }

    /// The key in minisign's `.pub` file format.
    pub fn to_minisign_file(&self) -> String {
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.key_id, self.base64
        )
    }

    fn to_minisign(&self) -> Result<minisign::PublicKey> {
        minisign::PublicKey::from_base64(&self.base64)
            .map_err(|_| Error::invalid("A stored public key is not well formed."))
    }
}

/// A journal's secret signing key (minisign format, unencrypted, held in memory only as
/// zeroizing bytes). Redacted `Debug`; no `Clone`, no `Serialize`.
pub struct SigningKey {
    secret: SecretBytes,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// The keyring account of a journal's signing key.
pub fn signing_account(journal_id: &str) -> String {
    format!("signing-{journal_id}")
}

impl SigningKey {
    /// A new key pair from the OS's random source.
    pub fn generate() -> Result<Self> {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().map_err(|_| {
            Error::invalid("Making a signing key failed (the system random source failed).")
        })?;
        Ok(SigningKey {
            secret: SecretBytes::new(Zeroizing::new(kp.sk.to_bytes())),
        })
    }

    fn from_secret(secret: SecretBytes) -> Result<Self> {
        let k = SigningKey { secret };
        k.public_key()?;
        Ok(k)
    }

    fn minisign_secret(&self) -> Result<minisign::SecretKey> {
        let sk = minisign::SecretKey::from_bytes(self.secret.expose_bytes_dangerously())
            .map_err(|_| Error::invalid("The signing key in the keyring is not well formed."))?;
        if sk.is_encrypted() {
            return Err(Error::invalid(
                "The signing key in the keyring is not well formed.",
            ));
        }
        Ok(sk)
    }

    /// The public half.
    pub fn public_key(&self) -> Result<PublicKey> {
        let pk = minisign::PublicKey::from_secret_key(&self.minisign_secret()?)
            .map_err(|_| Error::invalid("The signing key in the keyring is not well formed."))?;
        Ok(PublicKey::from_minisign(&pk))
    }

    /// A minisign signature (the text of a `.minisig` file) over `data`.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String> {
        let sk = self.minisign_secret()?;
        let pk = minisign::PublicKey::from_secret_key(&sk)
            .map_err(|_| Error::invalid("The signing key in the keyring is not well formed."))?;
        let trusted = trusted_comment.replace(['\n', '\r'], " ");
        let sig = minisign::sign(
            Some(&pk),
            &sk,
            Cursor::new(data),
            Some(&trusted),
            Some("signature from an Asymptote journal's signing key"),
        )
        .map_err(|_| Error::invalid("Signing the file failed."))?;
        Ok(sig.into_string())
    }

    /// Stores this key in the keyring under the journal's signing account, and reads it
    /// back to prove the keyring kept it.
    pub fn store(&self, keys: &dyn KeyStore, journal_id: &str) -> Result<()> {
        let account = signing_account(journal_id);
        keys.set_secret(&account, &self.secret)
            .map_err(keyring_for_signing)?;
        let back = keys.get_secret(&account).map_err(keyring_for_signing)?;
        if back.expose_bytes_dangerously() != self.secret.expose_bytes_dangerously() {
            return Err(Error::NoKeyring(
                "the keyring did not give back the signing key it was given".into(),
            ));
        }
        Ok(())
    }

    /// The journal's signing key from the keyring; with `create`, a new one is made and
    /// stored on first use. Returns the key and whether it was just created.
    pub fn load(keys: &dyn KeyStore, journal_id: &str, create: bool) -> Result<(Self, bool)> {
        match keys.get_secret(&signing_account(journal_id)) {
            Ok(secret) => Ok((Self::from_secret(secret)?, false)),
            Err(Error::KeyMissing) if create => {
                let k = Self::generate()?;
                k.store(keys, journal_id)?;
                Ok((k, true))
            }
            Err(Error::KeyMissing) => Err(Error::invalid(
                "This journal has no signing key yet; show the signing key once to make one.",
            )),
            Err(e) => Err(keyring_for_signing(e)),
        }
    }
}

fn keyring_for_signing(e: Error) -> Error {
    match e {
        Error::NoKeyring(why) => Error::invalid(format!(
            "Signing needs the system keyring, where the signing key is kept apart from the journal, and none is reachable ({why}); start your desktop's keyring (a Secret Service such as gnome-keyring) and try again."
        )),
        other => other,
    }
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    /// The signature file is not a minisign signature.
    Malformed,
    /// Signed by another key (its key id given).
    OtherKey(String),
    /// The right key, but the bytes were changed after signing (or the signature was).
    BadSignature,
}

/// What a good signature says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub key_id: String,
    pub trusted_comment: String,
}

/// The key id a signature claims to be made by (not yet verified).
pub fn signature_key_id(sig_text: &str) -> std::result::Result<String, VerifyFailure> {
    let sig =
        minisign::SignatureBox::from_string(sig_text).map_err(|_| VerifyFailure::Malformed)?;
    Ok(key_id_of(sig.keynum()))
}

/// Checks a minisign signature over `data` against `key`. Legacy (non-pre-hashed)
/// signatures are refused, as current minisign does by default.
pub fn verify(
    key: &PublicKey,
    data: &[u8],
    sig_text: &str,
) -> std::result::Result<Verified, VerifyFailure> {
    let sig =
        minisign::SignatureBox::from_string(sig_text).map_err(|_| VerifyFailure::Malformed)?;
    let signer = key_id_of(sig.keynum());
    if signer != key.key_id {
        return Err(VerifyFailure::OtherKey(signer));
    }
    let pk = key.to_minisign().map_err(|_| VerifyFailure::Malformed)?;
    minisign::verify(&pk, &sig, Cursor::new(data), true, false, false)
        .map_err(|_| VerifyFailure::BadSignature)?;
    Ok(Verified {
        key_id: signer,
        trusted_comment: sig.trusted_comment().unwrap_or_default(),
    })
}

// ------------------------------------------------------------- exports

/// A protected export: the bytes to write (encrypted or not) and, when signed, the
/// text of the detached `.minisig` file (a signature over exactly those bytes).
#[derive(Debug)]
pub struct Protected {
    pub bytes: Vec<u8>,
    pub signature: Option<String>,
    pub encrypted: bool,
    /// The signing key's id, when signed.
    pub key_id: Option<String>,
}

/// Encrypts (optionally) and then signs (optionally) an export's bytes. Encryption is
/// armored, so the file travels as text; the signature covers the file as written.
/// The signing key is made and stored in the keyring on first use.
pub fn protect_export(
    journal: &Journal,
    keys: &dyn KeyStore,
    bytes: &[u8],
    sign: bool,
    encrypt_to: Option<&Recipient>,
) -> Result<Protected> {
    let out = match encrypt_to {
        Some(r) => encrypt(bytes, r, true)?,
        None => bytes.to_vec(),
    };
    let (signature, key_id) = if sign {
        let journal_id = journal.status()?.journal_id;
        let (key, _) = SigningKey::load(keys, &journal_id, true)?;
        let pk = key.public_key()?;
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let comment = format!(
            "timestamp:{ts}\tasymptote export{}\tkey:{}",
            if encrypt_to.is_some() {
                " (age-encrypted)"
            } else {
                ""
            },
            pk.key_id
        );
        (Some(key.sign(&out, &comment)?), Some(pk.key_id))
    } else {
        (None, None)
    };
    Ok(Protected {
        bytes: out,
        signature,
        encrypted: encrypt_to.is_some(),
        key_id,
    })
}

/// What [`export_protected`] wrote and recorded.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProtectedExport {
    /// The file written: the path asked for, with `.age` added when encrypted.
    pub path: std::path::PathBuf,
    /// The detached signature beside it (`<path>.minisig`), when signed.
    pub signature: Option<std::path::PathBuf>,
    pub encrypted: bool,
    /// The signing key's id, when signed.
    pub key_id: Option<String>,
    pub format: crate::export::Format,
    pub bytes: usize,
    pub preview: crate::export::Preview,
    pub record: crate::export::ShareRecord,
}

/// `path` with `suffix` added to its name: `brief.pdf` and `.minisig` give `brief.pdf.minisig`.
pub fn with_suffix(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    std::path::PathBuf::from(s)
}

/// The files a protected export asked for at `path` writes: the file itself, with `.age`
/// added when encrypted (unless it already ends so), and its `.minisig` when signed.
pub fn protected_paths(
    path: &std::path::Path,
    encrypted: bool,
    signed: bool,
) -> (std::path::PathBuf, Option<std::path::PathBuf>) {
    let out = if encrypted && path.extension().is_none_or(|e| e != "age") {
        with_suffix(path, ".age")
    } else {
        path.to_path_buf()
    };
    let sig = signed.then(|| with_suffix(&out, ".minisig"));
    (out, sig)
}

/// The files [`write_protected`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectedFiles {
    /// The file written: the path asked for, with `.age` added when encrypted.
    pub path: std::path::PathBuf,
    /// The detached signature beside it (`<path>.minisig`), when signed.
    pub signature: Option<std::path::PathBuf>,
    pub encrypted: bool,
    /// The signing key's id, when signed.
    pub key_id: Option<String>,
}

fn write_protected_bytes(
    journal: &Journal,
    keys: &dyn KeyStore,
    path: &std::path::Path,
    bytes: &[u8],
    sign: bool,
    encrypt_to: Option<&Recipient>,
) -> Result<(ProtectedFiles, Vec<u8>)> {
    let p = protect_export(journal, keys, bytes, sign, encrypt_to)?;
    let (out, sig_path) = protected_paths(path, p.encrypted, p.signature.is_some());
    crate::fsutil::write_atomic(&out, &p.bytes)?;
    if let (Some(sp), Some(sig)) = (&sig_path, &p.signature) {
        crate::fsutil::write_atomic(sp, sig.as_bytes())?;
    }
    Ok((
        ProtectedFiles {
            path: out,
            signature: sig_path,
            encrypted: p.encrypted,
            key_id: p.key_id,
        },
        p.bytes,
    ))
}

/// Encrypts and/or signs `bytes` (see [`protect_export`]) and writes them atomically:
/// the file (with `.age` added when encrypted), then its `.minisig`. When encrypting,
/// no plaintext copy is written anywhere.
pub fn write_protected(
    journal: &Journal,
    keys: &dyn KeyStore,
    path: &std::path::Path,
    bytes: &[u8],
    sign: bool,
    encrypt_to: Option<&Recipient>,
) -> Result<ProtectedFiles> {
    write_protected_bytes(journal, keys, path, bytes, sign, encrypt_to).map(|(f, _)| f)
}

/// Builds, renders, encrypts and/or signs an export, writes it with [`write_protected`],
/// and records the share (with the SHA-256 of the file as written).
pub fn export_protected(
    journal: &mut Journal,
    keys: &dyn KeyStore,
    sel: &crate::export::Selection,
    format: crate::export::Format,
    path: &std::path::Path,
    sign: bool,
    encrypt_to: Option<&Recipient>,
) -> Result<ProtectedExport> {
    let bundle = journal.build_bundle(sel)?;
    bundle.refuse_if_empty()?;
    let plain = Zeroizing::new(format.render(&bundle)?);
    let (files, written) = write_protected_bytes(journal, keys, path, &plain, sign, encrypt_to)?;
    let file_name = files
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let record = journal.record_share(&bundle, format, &file_name, &written)?;
    Ok(ProtectedExport {
        path: files.path,
        signature: files.signature,
        encrypted: files.encrypted,
        key_id: files.key_id,
        format,
        bytes: written.len(),
        preview: crate::export::Preview::of(&bundle).for_format(format),
        record,
    })
}

/// The journal's signing public key, making the key pair on first use.
/// Returns the key and whether it was just created.
pub fn journal_public_key(journal: &Journal, keys: &dyn KeyStore) -> Result<(PublicKey, bool)> {
    let journal_id = journal.status()?.journal_id;
    let (key, created) = SigningKey::load(keys, &journal_id, true)?;
    Ok((key.public_key()?, created))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::keystore::MemoryKeyStore;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.into())
    }

    #[test]
    fn age_round_trips_to_a_key_armored_and_binary() {
        let id = age::x25519::Identity::generate();
        let pk = id.to_public().to_string();
        let secret = {
            use age::secrecy::ExposeSecret;
            id.to_string().expose_secret().to_string()
        };
        let ident = AgeIdentity::parse(&format!("# a comment\n{secret}\n")).unwrap();
        let unlock = AgeUnlock::Identity(ident);
        for armor in [true, false] {
            let ct = encrypt(b"hello bundle", &Recipient::age_key(&pk).unwrap(), armor).unwrap();
            assert!(is_age(&ct));
            assert_eq!(age_kind(&ct), Some(AgeKind::Recipients));
            assert_eq!(
                String::from_utf8_lossy(&ct).starts_with("-----BEGIN AGE"),
                armor
            );
            assert_eq!(decrypt(&ct, &unlock).unwrap().as_slice(), b"hello bundle");
        }
    }

    #[test]
    fn age_round_trips_to_a_passphrase_and_refuses_a_wrong_one() {
        let r = Recipient::passphrase(pass("correct horse battery")).unwrap();
        let ct = encrypt(b"{\"x\":1}", &r, true).unwrap();
        assert_eq!(age_kind(&ct), Some(AgeKind::Passphrase));
        let ok = decrypt(&ct, &AgeUnlock::Passphrase(pass("correct horse battery"))).unwrap();
        assert_eq!(ok.as_slice(), b"{\"x\":1}");
        let e = decrypt(&ct, &AgeUnlock::Passphrase(pass("wrong horse"))).unwrap_err();
        assert!(e.to_string().contains("passphrase does not decrypt"), "{e}");
        let other = age::x25519::Identity::generate();
        let secret = {
            use age::secrecy::ExposeSecret;
            other.to_string().expose_secret().to_string()
        };
        let e = decrypt(
            &ct,
            &AgeUnlock::Identity(AgeIdentity::parse(&secret).unwrap()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("encrypted to a passphrase"), "{e}");
    }

    #[test]
    fn a_flipped_byte_in_an_age_file_is_refused() {
        let id = age::x25519::Identity::generate();
        let r = Recipient::AgeKey(id.to_public());
        let mut ct = encrypt(&[7u8; 5000], &r, false).unwrap();
        let n = ct.len();
        ct[n - 100] ^= 1;
        let secret = {
            use age::secrecy::ExposeSecret;
            id.to_string().expose_secret().to_string()
        };
        let e = decrypt(
            &ct,
            &AgeUnlock::Identity(AgeIdentity::parse(&secret).unwrap()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
    }

    #[test]
    fn bad_inputs_are_refused_in_one_sentence() {
        assert!(Recipient::age_key("age1nope").is_err());
        assert!(Recipient::passphrase(pass("  ")).is_err());
        assert!(AgeIdentity::parse("# only a comment\n").is_err());
        assert!(PublicKey::parse("hello").is_err());
        assert!(!is_age(b"{\"json\":true}"));
        assert_eq!(age_kind(b"plain"), None);
    }

    #[test]
    fn signatures_verify_and_tell_tampering_from_another_key() {
        let k = SigningKey::generate().unwrap();
        let pk = k.public_key().unwrap();
        assert_eq!(pk.key_id.len(), 16);
        let sig = k.sign(b"the bundle", "timestamp:1\tfile:x").unwrap();
        let v = verify(&pk, b"the bundle", &sig).unwrap();
        assert_eq!(v.key_id, pk.key_id);
        assert_eq!(v.trusted_comment, "timestamp:1\tfile:x");
        assert_eq!(
            verify(&pk, b"the bundlE", &sig),
            Err(VerifyFailure::BadSignature)
        );
        let other = SigningKey::generate().unwrap().public_key().unwrap();
        assert_eq!(
            verify(&other, b"the bundle", &sig),
            Err(VerifyFailure::OtherKey(pk.key_id.clone()))
        );
        assert_eq!(
            verify(&pk, b"the bundle", "not a signature"),
            Err(VerifyFailure::Malformed)
        );
        assert_eq!(signature_key_id(&sig).unwrap(), pk.key_id);
        // The .pub file form and the bare line both parse back to the same key.
        assert_eq!(PublicKey::parse(&pk.to_minisign_file()).unwrap(), pk);
        assert_eq!(PublicKey::parse(&pk.base64).unwrap(), pk);
    }

    #[test]
    fn the_signing_key_lives_in_its_own_keyring_account() {
        let keys = MemoryKeyStore::new();
        let e = SigningKey::load(&keys, "j1", false).unwrap_err();
        assert!(e.to_string().contains("no signing key"));
        let (k, created) = SigningKey::load(&keys, "j1", true).unwrap();
        assert!(created);
        let (k2, created2) = SigningKey::load(&keys, "j1", true).unwrap();
        assert!(!created2);
        assert_eq!(k.public_key().unwrap(), k2.public_key().unwrap());
        // Not the database key's account, and not readable as a database key.
        assert!(keys.get("journal-j1").is_err());
        assert!(keys.get_secret("signing-j1").is_ok());
        assert_eq!(format!("{k:?}"), "SigningKey(<redacted>)");
        let e = SigningKey::load(&crate::keystore::NoKeyStore, "j1", true).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Signing needs the system keyring"),
            "{e}"
        );
    }
}
