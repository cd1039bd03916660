//! Where the database key lives: the OS keyring behind a small trait.
//!
//! The product uses [`OsKeyring`] (the `keyring` crate's real stores: Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows). Unit
//! tests use [`MemoryKeyStore`]; integration tests run against a real Secret
//! Service (gnome-keyring under `dbus-run-session`). There is deliberately no
//! silent fallback: a keyring that cannot be reached is an error the person sees.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::secret::DbKey;

/// Secret bytes other than the database key (e.g. the journal's signing key),
/// kept in the keyring under their own account. Redacted `Debug`, zeroized on
/// drop, no `Clone` or `Serialize`.
pub struct SecretBytes(zeroize::Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn new(bytes: zeroize::Zeroizing<Vec<u8>>) -> Self {
        SecretBytes(bytes)
    }
    /// The raw bytes. Dangerous: never log, serialize or send them.
    pub fn expose_bytes_dangerously(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}

/// The keyring service name every Asymptote entry is filed under.
pub const SERVICE: &str = "org.asymptote.journal";

/// A place to keep one secret per account name.
pub trait KeyStore: Send + Sync {
    /// The key for `account`, `Err(KeyMissing)` when there is none.
    fn get(&self, account: &str) -> Result<DbKey>;
    /// Stores (or replaces) the key for `account`.
    fn set(&self, account: &str, key: &DbKey) -> Result<()>;
    /// Removes the key for `account`; absent keys are not an error.
    fn delete(&self, account: &str) -> Result<()>;
    /// Arbitrary secret bytes for `account` (not the database key), `Err(KeyMissing)` when none.
    fn get_secret(&self, account: &str) -> Result<SecretBytes>;
    /// Stores (or replaces) secret bytes for `account`. `delete` removes them.
    fn set_secret(&self, account: &str, secret: &SecretBytes) -> Result<()>;
}

/// The operating system's keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

impl OsKeyring {
    pub fn new() -> Self {
        OsKeyring
    }

    /// Runs `f` on the entry for `account` on a thread of its own, waiting at most
    /// [`KEYRING_TIMEOUT`]: a session bus whose Secret Service never answers must not
    /// hang every command. A call that times out is left to finish on its own thread.
    /// A Secret Service that could not be reached is tried twice more, a quarter of a
    /// second apart (a busy session bus refuses a connection now and then; every call
    /// here is safe to repeat).
    fn with_entry<T: Send + 'static>(
        account: &str,
        f: impl Fn(&keyring::Entry) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let account = account.to_string();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let attempt = || {
                    keyring::Entry::new(SERVICE, &account)
                        .map_err(map_keyring_error)
                        .and_then(|e| f(&e))
                };
                let mut r = attempt();
                for _ in 0..2 {
                    if !matches!(r, Err(Error::NoKeyring(_))) {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(250));
                    r = attempt();
                }
                let _ = tx.send(r);
            })
            .map_err(|e| Error::NoKeyring(short(&e.to_string())))?;
        rx.recv_timeout(KEYRING_TIMEOUT).unwrap_or_else(|_| {
            Err(Error::NoKeyring(format!(
                "it did not answer within {} seconds",
                KEYRING_TIMEOUT.as_secs()
            )))
        })
    }
}

/// How long a keyring call may take before the keyring counts as unreachable.
pub const KEYRING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn map_keyring_error(e: keyring::Error) -> Error {
    use keyring::Error as K;
    match e {
        K::NoEntry => Error::KeyMissing,
        K::NoDefaultStore => Error::NoKeyring("no Secret Service answered".into()),
        K::NoStorageAccess(inner) => Error::KeyringLocked(short(&inner.to_string())),
        K::PlatformFailure(inner) => {
            let s = inner.to_string();
            let lower = s.to_lowercase();
            if lower.contains("locked") || lower.contains("dismissed") {
                Error::KeyringLocked(short(&s))
            } else {
                Error::NoKeyring(short(&s))
            }
        }
        other => Error::NoKeyring(short(&other.to_string())),
    }
}

fn short(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(160).collect();
    if s.chars().count() > 160 {
        out.push('…');
    }
    out
}

impl KeyStore for OsKeyring {
    fn get(&self, account: &str) -> Result<DbKey> {
        Self::with_entry(account, |e| {
            let secret = zeroize::Zeroizing::new(e.get_secret().map_err(map_keyring_error)?);
            // Stored as hex text so the entry is readable by `secret-tool` and
            // other keyring front ends without corrupting binary data.
            let bytes = zeroize::Zeroizing::new(hex::decode(secret.as_slice()).unwrap_or_default());
            DbKey::from_bytes(&bytes).ok_or(Error::WrongKey)
        })
    }

    fn set(&self, account: &str, key: &DbKey) -> Result<()> {
        let text = zeroize::Zeroizing::new(hex::encode(key.expose_bytes_dangerously()));
        Self::with_entry(account, move |e| {
            e.set_secret(text.as_bytes()).map_err(map_keyring_error)
        })
    }

    fn delete(&self, account: &str) -> Result<()> {
        Self::with_entry(account, |e| match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_keyring_error(err)),
        })
    }

    fn get_secret(&self, account: &str) -> Result<SecretBytes> {
        Self::with_entry(account, |e| {
            let text = zeroize::Zeroizing::new(e.get_secret().map_err(map_keyring_error)?);
            let bytes = zeroize::Zeroizing::new(hex::decode(text.as_slice()).map_err(|_| {
                Error::NoKeyring("a keyring entry of Asymptote's holds something unexpected".into())
            })?);
            Ok(SecretBytes(bytes))
        })
    }

    fn set_secret(&self, account: &str, secret: &SecretBytes) -> Result<()> {
        let text = zeroize::Zeroizing::new(hex::encode(secret.expose_bytes_dangerously()));
        Self::with_entry(account, move |e| {
            e.set_secret(text.as_bytes()).map_err(map_keyring_error)
        })
    }
}

/// An in-memory key store for unit tests. It keeps keys only as long as it lives.
#[derive(Default)]
pub struct MemoryKeyStore {
    keys: Mutex<HashMap<String, [u8; 32]>>,
    secrets: Mutex<HashMap<String, zeroize::Zeroizing<Vec<u8>>>>,
}

impl std::fmt::Debug for MemoryKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryKeyStore(<redacted>)")
    }
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, account: &str) -> Result<DbKey> {
        let map = self.keys.lock().map_err(|_| Error::KeyMissing)?;
        map.get(account)
            .and_then(|b| DbKey::from_bytes(b))
            .ok_or(Error::KeyMissing)
    }

    fn set(&self, account: &str, key: &DbKey) -> Result<()> {
        let mut map = self.keys.lock().map_err(|_| Error::KeyMissing)?;
        map.insert(account.to_string(), *key.expose_bytes_dangerously());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        let mut map = self.keys.lock().map_err(|_| Error::KeyMissing)?;
        map.remove(account);
        let mut secrets = self.secrets.lock().map_err(|_| Error::KeyMissing)?;
        secrets.remove(account);
        Ok(())
    }

    fn get_secret(&self, account: &str) -> Result<SecretBytes> {
        let map = self.secrets.lock().map_err(|_| Error::KeyMissing)?;
        map.get(account)
            .map(|b| SecretBytes(zeroize::Zeroizing::new(b.to_vec())))
            .ok_or(Error::KeyMissing)
    }

    fn set_secret(&self, account: &str, secret: &SecretBytes) -> Result<()> {
        let mut map = self.secrets.lock().map_err(|_| Error::KeyMissing)?;
        map.insert(
            account.to_string(),
            zeroize::Zeroizing::new(secret.expose_bytes_dangerously().to_vec()),
        );
        Ok(())
    }
}

/// A key store that is never reachable: what a machine without a keyring looks like.
#[derive(Debug, Default)]
pub struct NoKeyStore;

impl KeyStore for NoKeyStore {
    fn get(&self, _: &str) -> Result<DbKey> {
        Err(Error::NoKeyring("keyring disabled".into()))
    }
    fn set(&self, _: &str, _: &DbKey) -> Result<()> {
        Err(Error::NoKeyring("keyring disabled".into()))
    }
    fn delete(&self, _: &str) -> Result<()> {
        Err(Error::NoKeyring("keyring disabled".into()))
    }
    fn get_secret(&self, _: &str) -> Result<SecretBytes> {
        Err(Error::NoKeyring("keyring disabled".into()))
    }
    fn set_secret(&self, _: &str, _: &SecretBytes) -> Result<()> {
        Err(Error::NoKeyring("keyring disabled".into()))
    }
}
