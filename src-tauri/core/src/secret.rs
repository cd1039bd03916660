//! Secret values: the database key, passphrases and recovery keys.
//!
//! None of these types derive `Clone`, `Serialize` or `Debug`: their `Debug`
//! is redacted, they zeroize on drop, and their bytes are reachable only through
//! methods whose names say they are dangerous.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

/// Length in bytes of the database key.
pub const KEY_LEN: usize = 32;

/// The 256-bit key SQLCipher opens the journal with (handed over raw, so no
/// key derivation runs on every open).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DbKey([u8; KEY_LEN]);

impl DbKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut k = [0u8; KEY_LEN];
        getrandom::fill(&mut k)
            .map_err(|e| Error::invalid(format!("The system random source failed ({e}).")))?;
        Ok(DbKey(k))
    }

    /// A second copy of this key (both are wiped on drop): for a second connection, or
    /// a step that needs the key while its owner keeps it.
    pub(crate) fn duplicate(&self) -> DbKey {
        DbKey(self.0)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DbKey(arr))
    }

    /// The raw key bytes. Dangerous: never log, serialize or send them.
    pub fn expose_bytes_dangerously(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The SQLCipher `PRAGMA key` literal, `x'…'`, in a zeroizing string.
    pub(crate) fn sqlcipher_literal_dangerously(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(KEY_LEN * 2 + 3));
        s.push_str("x'");
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s.push('\'');
        s
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// A passphrase typed by the person, or read from a file or the environment.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(s: String) -> Self {
        Passphrase(s)
    }
    pub fn expose_dangerously(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// A recovery key: 256 random bits shown once at creation, written as
/// 13 groups of 4 base32 characters. With the journal folder it reopens the
/// journal on any machine.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey([u8; KEY_LEN]);

impl RecoveryKey {
    pub(crate) fn generate() -> Result<Self> {
        let k = DbKey::generate()?;
        Ok(RecoveryKey(*k.expose_bytes_dangerously()))
    }

    /// Parses a recovery key as the person types it: case, spaces and dashes
    /// do not matter.
    pub fn parse(text: &str) -> Result<Self> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        if cleaned.is_empty() {
            return Err(Error::BadRecoveryKey("it is empty".into()));
        }
        let bytes = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| {
                    Error::BadRecoveryKey(
                        "it has characters outside A–Z and 2–7, or the wrong length".into(),
                    )
                })?,
        );
        let arr: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
            Error::BadRecoveryKey(format!(
                "it has {} characters where 52 are expected",
                cleaned.len()
            ))
        })?;
        Ok(RecoveryKey(arr))
    }

    /// The key as the person should write it down. Dangerous: show it once.
    pub fn display_dangerously(&self) -> Zeroizing<String> {
        let enc = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0));
        let mut out = Zeroizing::new(String::with_capacity(enc.len() + 13));
        for (i, c) in enc.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    pub(crate) fn bytes_dangerously(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn recovery_key_round_trips_through_its_display_form() {
        let k = RecoveryKey::generate().unwrap();
        let shown = k.display_dangerously();
        assert_eq!(shown.len(), 52 + 12);
        let back = RecoveryKey::parse(&shown.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(back.bytes_dangerously(), k.bytes_dangerously());
    }

    #[test]
    fn recovery_key_rejects_garbage_with_a_reason() {
        let e = RecoveryKey::parse("hello-world").unwrap_err();
        assert_eq!(e.kind(), "bad_recovery_key");
        let e = RecoveryKey::parse("").unwrap_err();
        assert!(e.to_string().contains("empty"));
    }

    #[test]
    fn debug_output_never_shows_key_bytes() {
        let k = DbKey::from_bytes(&[0xAB; 32]).unwrap();
        let dbg = format!("{k:?}");
        assert!(!dbg.to_lowercase().contains("ab"), "{dbg}");
        let p = Passphrase::new("hunter2".into());
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn sqlcipher_literal_is_hex_in_quotes() {
        let k = DbKey::from_bytes(&[0x01; 32]).unwrap();
        let lit = k.sqlcipher_literal_dangerously();
        assert!(lit.starts_with("x'0101"));
        assert!(lit.ends_with('\''));
        assert_eq!(lit.len(), 67);
    }
}
