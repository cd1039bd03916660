//! Creating, opening and unlocking a journal: the fail-closed front door.
//!
//! A journal is a folder holding `journal.db` (SQLCipher) and
//! `journal.meta.json` (the key envelope, see [`crate::vault`]). Opening never
//! creates anything; creating never touches an existing journal. A missing,
//! locked or wrong key fails with its own error and leaves the files
//! byte-for-byte as they were.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::keystore::KeyStore;
use crate::secret::{DbKey, Passphrase, RecoveryKey};
use crate::snapshot::{self, BACKUPS_DIR, Reason};
use crate::store::{self, DB_FILE};
use crate::vault::{JournalMeta, KdfParams, KeyMode};

/// How to unlock a journal.
#[derive(Debug)]
pub enum Unlock {
    /// The key held in the OS keyring (keyring mode).
    Keyring,
    /// The passphrase (passphrase mode).
    Passphrase(Passphrase),
    /// The recovery key shown at creation (either mode).
    RecoveryKey(String),
}

/// How to protect a new journal.
#[derive(Debug)]
pub struct CreateOptions {
    pub mode: KeyMode,
    /// Required in passphrase mode.
    pub passphrase: Option<Passphrase>,
    pub kdf: KdfParams,
}

impl CreateOptions {
    pub fn keyring() -> Self {
        CreateOptions {
            mode: KeyMode::Keyring,
            passphrase: None,
            kdf: KdfParams::default(),
        }
    }
    pub fn passphrase(p: Passphrase) -> Self {
        CreateOptions {
            mode: KeyMode::Passphrase,
            passphrase: Some(p),
            kdf: KdfParams::default(),
        }
    }
}

/// A new journal and the recovery key to show the person, once.
#[derive(Debug)]
pub struct Created {
    pub journal: Journal,
    pub recovery_key: RecoveryKey,
}

/// What `asym unlock` reports.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Status {
    pub data_dir: PathBuf,
    pub journal_id: String,
    pub key_mode: KeyMode,
    pub schema_version: i64,
    pub cipher_version: Option<String>,
    pub items: ItemCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ItemCounts {
    pub purposes: i64,
    pub challenges: i64,
    pub sessions: i64,
    pub reflections: i64,
    pub checkins: i64,
    pub audit_items: i64,
}

/// An open, unlocked journal.
pub struct Journal {
    pub(crate) conn: Connection,
    dir: PathBuf,
    meta: JournalMeta,
    /// Kept (zeroized on drop) so [`Journal::another_connection`] can open a second
    /// connection without asking for the key again; SQLCipher holds it in memory anyway.
    key: DbKey,
    /// Rows left out of lists because they could not be read, until a host takes them.
    pub(crate) unreadable: std::cell::RefCell<Vec<crate::repo::Unreadable>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("dir", &self.dir)
            .field("journal_id", &self.meta.journal_id)
            .finish_non_exhaustive()
    }
}

/// The default data folder: the OS's per-user data folder, then `Asymptote`.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("Asymptote"))
        .ok_or(Error::NoDataDir)
}

impl Journal {
    /// Whether `dir` holds a journal (or any part of one).
    pub fn exists(dir: &Path) -> bool {
        dir.join(DB_FILE).exists() || JournalMeta::path(dir).exists()
    }

    /// How the journal in `dir` is normally unlocked.
    pub fn key_mode(dir: &Path) -> Result<KeyMode> {
        Self::precheck(dir)?;
        Ok(JournalMeta::load(dir)?.key_mode)
    }

    /// Creates a new journal in `dir`. Refuses if any part of a journal is there.
    // Taken by value so the passphrase inside is wiped when this returns.
    #[allow(clippy::needless_pass_by_value)]
    pub fn create(dir: &Path, opts: CreateOptions, keys: &dyn KeyStore) -> Result<Created> {
        if Self::exists(dir) {
            return Err(Error::AlreadyExists(dir.to_path_buf()));
        }
        let journal_id = crate::domain::Id::new().to_string();
        let key = DbKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let meta = match opts.mode {
            KeyMode::Keyring => {
                JournalMeta::new(journal_id, &key, KeyMode::Keyring, None, &recovery)?
            }
            KeyMode::Passphrase => {
                let pass = opts.passphrase.as_ref().ok_or(Error::PassphraseNeeded)?;
                crate::usecase::policy::check_journal_passphrase(pass)?;
                JournalMeta::new(
                    journal_id,
                    &key,
                    KeyMode::Passphrase,
                    Some((pass, opts.kdf)),
                    &recovery,
                )?
            }
        };
        // The keyring first: if it is unreachable, nothing has been written yet.
        if opts.mode == KeyMode::Keyring {
            let account = meta.keyring_account();
            keys.set(&account, &key)?;
            let back = keys.get(&account)?;
            if back.expose_bytes_dangerously() != key.expose_bytes_dangerously() {
                let _ = keys.delete(&account);
                return Err(Error::NoKeyring(
                    "the keyring did not give back the key it was given".into(),
                ));
            }
        }
        match Self::create_keyed(dir, &meta, key) {
            Ok(journal) => Ok(Created {
                journal,
                recovery_key: recovery,
            }),
            Err(e) => {
                // create_keyed removed what it made; the keyring entry goes too, so `init`
                // can be tried again.
                if opts.mode == KeyMode::Keyring {
                    let _ = keys.delete(&meta.keyring_account());
                }
                Err(e)
            }
        }
    }

    /// Opens the journal in `dir`. Never creates anything.
    pub fn open(dir: &Path, unlock: Unlock, keys: &dyn KeyStore) -> Result<Journal> {
        Self::precheck(dir)?;
        let meta = JournalMeta::load(dir)?;
        let key = Self::key_for(&meta, unlock, keys, &dir.join(DB_FILE))?;
        let (meta, key) = settle_rekey(dir, meta, key, keys)?;
        let conn = Self::connect(dir, &key)?;
        Ok(Journal {
            conn,
            dir: dir.to_path_buf(),
            meta,
            key,
            unreadable: Default::default(),
        })
    }

    /// Checks a recovery key and puts the journal's key (back) into the keyring,
    /// e.g. on a new machine. The journal then opens from the keyring.
    pub fn restore_to_keyring(
        dir: &Path,
        recovery_key: &str,
        keys: &dyn KeyStore,
    ) -> Result<Journal> {
        Self::precheck(dir)?;
        let meta = JournalMeta::load(dir)?;
        if meta.key_mode != KeyMode::Keyring {
            return Err(Error::invalid(
                "This journal uses a passphrase, not the keyring; open it with its passphrase or the recovery key.",
            ));
        }
        let rk = RecoveryKey::parse(recovery_key)?;
        let key = meta.unwrap_with_recovery(&rk)?;
        let (meta, key) = settle_rekey(dir, meta, key, keys)?;
        // Prove the file opens before touching the keyring.
        let conn = Self::connect(dir, &key)?;
        keys.set(&meta.keyring_account(), &key)?;
        Ok(Journal {
            conn,
            dir: dir.to_path_buf(),
            meta,
            key,
            unreadable: Default::default(),
        })
    }

    /// Opens the database in `dir` and brings its schema up to date, taking a verified
    /// snapshot first when a migration is due (into the journal's own backup folder).
    pub(crate) fn connect(dir: &Path, key: &DbKey) -> Result<Connection> {
        let mut conn = store::open_connection(&dir.join(DB_FILE), key, false)?;
        if store::needs_migration(&conn)? {
            snapshot::take(
                &conn,
                key,
                &JournalMeta::path(dir),
                &dir.join(BACKUPS_DIR),
                Reason::BeforeMigration,
            )?;
        }
        store::migrate(&mut conn)?;
        Ok(conn)
    }

    /// The key envelope of the journal in `dir` and the key `unlock` gives, proven by the
    /// key check value, without opening the database for writing (a check and a salvage
    /// look at a file that may not open). An interrupted rekey is settled in memory only
    /// ([`settled_view`]): nothing is written.
    pub(crate) fn unlock_key(
        dir: &Path,
        unlock: Unlock,
        keys: &dyn KeyStore,
    ) -> Result<(JournalMeta, DbKey)> {
        Self::precheck(dir)?;
        let meta = JournalMeta::load(dir)?;
        let key = Self::key_for(&meta, unlock, keys, &dir.join(DB_FILE))?;
        settled_view(dir, meta, key)
    }

    pub(crate) fn meta(&self) -> &JournalMeta {
        &self.meta
    }

    /// After the envelope on disk was replaced by `meta` (same key).
    pub(crate) fn set_meta(&mut self, meta: JournalMeta) {
        self.meta = meta;
    }

    /// After a rekey: the new key, its envelope and a connection opened with it.
    pub(crate) fn set_rekeyed(&mut self, conn: Connection, meta: JournalMeta, key: DbKey) {
        self.conn = conn;
        self.meta = meta;
        self.key = key;
    }

    pub(crate) fn key(&self) -> &DbKey {
        &self.key
    }

    /// The journal's id (also in its key envelope): tells one journal's backups apart.
    pub fn journal_id(&self) -> &str {
        &self.meta.journal_id
    }

    /// Creates a journal in `dir` (which holds no part of one) under the envelope `meta`
    /// and its `key`: salvage gives the new journal the key and envelope of the damaged
    /// one, so its passphrase, recovery key and keyring entry all open it. On failure the
    /// files it made are removed.
    pub(crate) fn create_keyed(dir: &Path, meta: &JournalMeta, key: DbKey) -> Result<Journal> {
        if Self::exists(dir) {
            return Err(Error::AlreadyExists(dir.to_path_buf()));
        }
        let result = (|| {
            fsutil::create_private_dir(dir)?;
            meta.save_new(dir)?;
            // Made here, 0600, before SQLite opens it: SQLite would make it 0644 less the
            // umask, and gives its WAL and shared-memory files the database's own mode.
            let db = dir.join(DB_FILE);
            fsutil::create_private_file(&db).map_err(|e| Error::io(&db, e, None))?;
            let mut conn = store::open_connection(&db, &key, true)?;
            store::migrate(&mut conn)?;
            Ok(conn)
        })();
        match result {
            Ok(conn) => Ok(Journal {
                conn,
                dir: dir.to_path_buf(),
                meta: meta.clone(),
                key,
                unreadable: Default::default(),
            }),
            Err(e) => {
                Self::remove_files(dir);
                Err(e)
            }
        }
    }

    /// Opens the journal in `dir` (whose envelope is `meta`) with `key`, which the caller
    /// already holds: a salvaged copy read around damage.
    pub(crate) fn open_keyed(dir: &Path, meta: &JournalMeta, key: DbKey) -> Result<Journal> {
        let conn = store::open_connection(&dir.join(DB_FILE), &key, false)?;
        Ok(Journal {
            conn,
            dir: dir.to_path_buf(),
            meta: meta.clone(),
            key,
            unreadable: Default::default(),
        })
    }

    /// Removes the files of a half-made journal in `dir`: its rollback journal too, which a
    /// new database has until it switches to WAL (a process killed then leaves it), once the
    /// database it belongs to is gone.
    pub(crate) fn remove_files(dir: &Path) {
        for f in [DB_FILE, "journal.db-wal", "journal.db-shm"] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        if !dir.join(DB_FILE).exists() {
            let _ = std::fs::remove_file(dir.join("journal.db-journal"));
        }
        let _ = std::fs::remove_file(JournalMeta::path(dir));
        fsutil::clean_stale_temps(&JournalMeta::path(dir));
    }

    fn key_for(
        meta: &JournalMeta,
        unlock: Unlock,
        keys: &dyn KeyStore,
        db: &Path,
    ) -> Result<DbKey> {
        match unlock {
            Unlock::Keyring => {
                if meta.key_mode == KeyMode::Passphrase {
                    return Err(Error::PassphraseNeeded);
                }
                let key = keys.get(&meta.keyring_account())?;
                match meta.check(&key) {
                    // A rekey was interrupted after the keyring got the new key.
                    Err(Error::WrongKey) if meta.is_pending_key(&key) => Ok(key),
                    // The database opens with it: the key is right and the envelope's
                    // check value is what changed.
                    Err(Error::WrongKey) if store::key_opens(db, &key) => Err(Error::BadMetadata(
                        JournalMeta::path(db.parent().unwrap_or(db)),
                        "its key check does not match the key that opens the journal".into(),
                    )),
                    other => other.map(|()| key),
                }
            }
            Unlock::Passphrase(p) => {
                if meta.key_mode == KeyMode::Keyring {
                    return Err(Error::invalid(
                        "This journal keeps its key in the system keyring and has no passphrase; open it without one, or with the recovery key.",
                    ));
                }
                meta.unwrap_with_passphrase(&p)
            }
            Unlock::RecoveryKey(text) => {
                let rk = RecoveryKey::parse(&text)?;
                meta.unwrap_with_recovery(&rk)
            }
        }
    }

    /// Checks the folder's shape without reading any secret.
    fn precheck(dir: &Path) -> Result<()> {
        let db = dir.join(DB_FILE);
        let meta = JournalMeta::path(dir);
        match (db.exists(), meta.exists()) {
            (false, false) => Err(Error::NoJournal(dir.to_path_buf())),
            (true, false) => Err(Error::BadMetadata(meta, "the file is missing".into())),
            (false, true) => Err(Error::Damaged(dir.to_path_buf())),
            (true, true) => {
                let len = std::fs::metadata(&db)
                    .map_err(|e| Error::Io(db.clone(), e))?
                    .len();
                // SQLCipher files are whole pages of 4096 bytes (the default page size).
                if len == 0 || len % 4096 != 0 {
                    return Err(Error::Damaged(dir.to_path_buf()));
                }
                Ok(())
            }
        }
    }

    /// A second, independent connection to the same journal (WAL lets it read while the
    /// first writes, and SQLite's busy timeout orders their writes). A host runs slow work
    /// — a ten-year export, every curve — on one connection and typing on the other, so
    /// neither waits for the other. No key is asked for and none leaves the core.
    pub fn another_connection(&self) -> Result<Journal> {
        let key = self.key.duplicate();
        let conn = store::open_connection(&self.dir.join(DB_FILE), &key, false)?;
        Ok(Journal {
            conn,
            dir: self.dir.clone(),
            meta: self.meta.clone(),
            key,
            unreadable: Default::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn mode(&self) -> KeyMode {
        self.meta.key_mode
    }

    pub fn status(&self) -> Result<Status> {
        let count = |t: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)
        };
        Ok(Status {
            data_dir: self.dir.clone(),
            journal_id: self.meta.journal_id.clone(),
            key_mode: self.meta.key_mode,
            schema_version: self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?,
            cipher_version: store::cipher_version(&self.conn),
            items: ItemCounts {
                purposes: count("purposes")?,
                challenges: count("challenges")?,
                sessions: count("sessions")?,
                reflections: count("reflections")?,
                checkins: count("checkins")?,
                audit_items: count("audit_items")?,
            },
        })
    }

    /// Removes this journal's key from the keyring (used by tests and by a
    /// future "forget this machine"). The journal then needs its recovery key.
    pub fn forget_keyring_entry(&self, keys: &dyn KeyStore) -> Result<()> {
        keys.delete(&self.meta.keyring_account())
    }
}

/// Whether `key` opens the database at `db`. Read-write, so that the hot rollback journal
/// a killed rekey leaves is played back first (a read-only connection cannot), whichever
/// key is tried: the playback copies pages as they are, encrypted, and needs no key.
fn opens_with(db: &Path, key: &DbKey) -> bool {
    snapshot::open_keyed(db, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::from)
        })
        .is_ok()
}

/// What [`settle_rekey`] would settle on, read-only and writing nothing: the envelope as it
/// would be and the key the file opens with. With a rollback journal beside the file the
/// rekey's transaction never committed (its playback, on the next open for writing, puts
/// the old pages back), so the old key is the journal's.
fn settled_view(dir: &Path, meta: JournalMeta, key: DbKey) -> Result<(JournalMeta, DbKey)> {
    if !meta.rekey_pending() {
        return Ok((meta, key));
    }
    let db = dir.join(DB_FILE);
    let (old, new) = pending_keys(&meta, key)?;
    let hot = std::fs::metadata(dir.join("journal.db-journal")).is_ok_and(|m| m.len() > 0);
    match old {
        Some(old) if hot || !store::key_opens(&db, &new) => Ok((meta.rekey_abandoned(), old)),
        _ => Ok((meta.rekey_finished(), new)),
    }
}

/// The two keys of an interrupted rekey, given the one unlocking reached: `(old, new)`,
/// `old` being `None` when the key reached is already the new one.
fn pending_keys(meta: &JournalMeta, key: DbKey) -> Result<(Option<DbKey>, DbKey)> {
    if meta.is_pending_key(&key) {
        Ok((None, key))
    } else {
        let new = meta.pending_key(&key)?;
        Ok((Some(key), new))
    }
}

/// Ends a rekey that was interrupted (the envelope still holds [`crate::vault::PendingRekey`]),
/// given the key that unlocking reached: the old key (through the envelope's old wraps or
/// the keyring) or the new one (the keyring, when the kill came after it was updated).
///
/// The database opens with exactly one of the two (`PRAGMA rekey` rewrites every page in
/// one transaction): the new key is tried first, then the old. With the new key, the rekey
/// is finished — the keyring gets the new key (keyring mode), then the envelope holding
/// only the new key's wraps is written; with the old, the envelope goes back to the old
/// key's alone. Either write is one atomic rename, and a kill during this repeats it on
/// the next open. With neither, the file is damaged and nothing is written.
fn settle_rekey(
    dir: &Path,
    meta: JournalMeta,
    key: DbKey,
    keys: &dyn KeyStore,
) -> Result<(JournalMeta, DbKey)> {
    if !meta.rekey_pending() {
        return Ok((meta, key));
    }
    let db = dir.join(DB_FILE);
    let (old, new) = pending_keys(&meta, key)?;
    if opens_with(&db, &new) {
        let done = meta.rekey_finished();
        if done.key_mode == KeyMode::Keyring {
            keys.set(&done.keyring_account(), &new)?;
        }
        done.save_new(dir)?;
        return Ok((done, new));
    }
    if let Some(old) = old
        && opens_with(&db, &old)
    {
        let back = meta.rekey_abandoned();
        back.save_new(dir)?;
        return Ok((back, old));
    }
    Err(Error::Damaged(dir.to_path_buf()))
}
