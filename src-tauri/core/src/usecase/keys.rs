//! Keys over the years: changing the passphrase, moving the key into or out of the
//! keyring, a new recovery key, and a new database key — the same steps for every host.
//!
//! What each changes (the database key, the envelope `journal.meta.json`, the keyring):
//!
//! | use case | database key | envelope | keyring |
//! |---|---|---|---|
//! | [`change_passphrase`] | same | the passphrase wrap (new salt) | — |
//! | [`to_passphrase_mode`] | same | mode, a passphrase wrap | entry removed, after |
//! | [`to_keyring_mode`] | same | mode, no passphrase wrap | entry written, before |
//! | [`rotate_recovery_key`] | same | the recovery wrap | — |
//! | [`rekey`] | **new** | every wrap and the check value | new key, after the file |
//!
//! **Each is crash-safe: killed at any moment, the journal opens with the old key (or
//! passphrase, or recovery key) or the new one, never neither.** The envelope is only ever
//! replaced whole ([`crate::fsutil::write_atomic`]: a temporary file, fsync, rename), so
//! it is the old one or the new one; what matters is the order of that rename against the
//! keyring and the database file, argued in each function's doc comment, and tested by
//! killing `asym` at 200 moments of each (`tests/keys.rs`).
//!
//! **Backups keep the envelope of their time.** A snapshot's folder holds the database
//! under the key of the day it was taken and the envelope beside it, so it opens with the
//! recovery key that was current then: after [`rotate_recovery_key`] the *old* recovery key
//! opens the older backups, and after [`rekey`] no current key opens them but that recovery
//! key still does (copy the snapshot folder and open the copy as a journal with it). No
//! backup is rewritten: a backup is never changed after it was verified, and copies in a
//! second location may be out of reach.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::keystore::KeyStore;
use crate::secret::{DbKey, Passphrase, RecoveryKey};
use crate::snapshot::Reason;
use crate::store::{self, DB_FILE};
use crate::usecase::backup::{self, BackupReport};
use crate::usecase::policy;
use crate::vault::{JournalMeta, KeyMode};

/// Checks that `pass` is the journal's current passphrase (passphrase mode).
fn prove_passphrase(j: &Journal, pass: &Passphrase) -> Result<()> {
    if j.mode() != KeyMode::Passphrase {
        return Err(Error::invalid(
            "This journal keeps its key in the system keyring and has no passphrase; nothing was changed.",
        ));
    }
    let key = j.meta().unwrap_with_passphrase(pass)?;
    same_key(j, &key)
}

fn same_key(j: &Journal, key: &DbKey) -> Result<()> {
    if key.expose_bytes_dangerously() == j.key().expose_bytes_dangerously() {
        Ok(())
    } else {
        Err(Error::WrongKey)
    }
}

fn refuse_while_rekeying(j: &Journal) -> Result<()> {
    if j.meta().rekey_pending() {
        return Err(Error::invalid(
            "A change of the journal's key is still being finished; open the journal again, then retry.",
        ));
    }
    Ok(())
}

/// Writes `meta` as the journal's envelope (one atomic rename) and keeps it.
fn replace_envelope(j: &mut Journal, meta: JournalMeta) -> Result<()> {
    meta.save_new(j.dir())?;
    j.set_meta(meta);
    Ok(())
}

/// Changes the passphrase (passphrase mode): the database key is wrapped under `new`
/// (a new salt, the same Argon2id costs); the key itself does not change, so every backup
/// still opens as before. `old` must be the current passphrase, and `new` must pass the
/// journal-passphrase policy.
///
/// **Crash safety:** one write, the envelope's atomic rename: before it, the old
/// passphrase opens the journal; after it, the new one does.
// `new` is taken by value so it is wiped when this returns.
#[allow(clippy::needless_pass_by_value)]
pub fn change_passphrase(j: &mut Journal, old: &Passphrase, new: Passphrase) -> Result<()> {
    refuse_while_rekeying(j)?;
    let new = policy::journal_passphrase(new)?;
    prove_passphrase(j, old)?;
    let meta = j
        .meta()
        .with_passphrase(j.key(), &new, j.meta().kdf_params())?;
    replace_envelope(j, meta)
}

/// What a switch of key mode did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModeSwitch {
    pub key_mode: KeyMode,
    /// One sentence when the key could not be removed from the keyring after the switch
    /// to passphrase mode (the journal is in passphrase mode all the same).
    pub keyring_left: Option<String>,
}

/// Moves the key out of the keyring: the journal is then opened with `new` (which must
/// pass the journal-passphrase policy), and the keyring entry is removed.
///
/// **Crash safety:** the envelope in passphrase mode is written first (one atomic
/// rename), then the keyring entry is deleted. Killed before the rename, the journal is
/// in keyring mode with its key in the keyring; after it, in passphrase mode, and a kill
/// before the delete leaves an unused copy of the key in the keyring, which running this
/// again removes. The other order could delete the only everyday way in (the keyring entry)
/// before the passphrase wrap exists.
// `new` is taken by value so it is wiped when this returns.
#[allow(clippy::needless_pass_by_value)]
pub fn to_passphrase_mode(
    j: &mut Journal,
    new: Passphrase,
    keys: &dyn KeyStore,
) -> Result<ModeSwitch> {
    refuse_while_rekeying(j)?;
    if j.mode() == KeyMode::Keyring {
        let new = policy::journal_passphrase(new)?;
        let meta = j
            .meta()
            .with_passphrase(j.key(), &new, crate::vault::KdfParams::default())?;
        replace_envelope(j, meta)?;
    }
    // Also when already in passphrase mode: a switch killed before this left the entry.
    let keyring_left = keys
        .delete(&j.meta().keyring_account())
        .err()
        .map(|e| e.to_string());
    Ok(ModeSwitch {
        key_mode: KeyMode::Passphrase,
        keyring_left,
    })
}

/// Moves the key into the keyring: the journal then opens with nothing typed. `old` must
/// be the current passphrase; its wrap is removed from the envelope.
///
/// **Crash safety:** the key is stored in the keyring first (and read back), then the
/// envelope in keyring mode is written (one atomic rename). Killed before the rename, the
/// journal is still in passphrase mode and the passphrase opens it (the keyring holds an
/// unused copy, which running this again overwrites); after it, the keyring opens it. An
/// unreachable keyring stops this before anything is written. The other order would leave,
/// for a moment, an envelope in keyring mode with no key in the keyring.
pub fn to_keyring_mode(
    j: &mut Journal,
    old: &Passphrase,
    keys: &dyn KeyStore,
) -> Result<ModeSwitch> {
    refuse_while_rekeying(j)?;
    if j.mode() == KeyMode::Passphrase {
        prove_passphrase(j, old)?;
        let account = j.meta().keyring_account();
        keys.set(&account, j.key())?;
        same_key(j, &keys.get(&account)?).map_err(|_| {
            Error::NoKeyring("the keyring did not give back the key it was given".into())
        })?;
        let meta = j.meta().in_keyring_mode();
        replace_envelope(j, meta)?;
    }
    Ok(ModeSwitch {
        key_mode: KeyMode::Keyring,
        keyring_left: None,
    })
}

/// A new recovery key: the database key is wrapped under it in place of the old one, which
/// stops opening the journal. The host shows the returned key once.
///
/// **Crash safety:** one write, the envelope's atomic rename, which replaces the old
/// recovery wrap with the new in the same step. The keyring or the passphrase opens the
/// journal throughout; only the recovery key in force changes. Killed after the rename but
/// before the host showed the new key, the person never saw it: running this again makes
/// another. Backups taken before keep their envelope, so the old recovery key still opens
/// them (see the module's doc).
pub fn rotate_recovery_key(j: &mut Journal) -> Result<RecoveryKey> {
    rotate_recovery_key_shown(j, |_| Ok(()))
}

/// [`rotate_recovery_key`], then `show` shows the new key; if it cannot (a closed pipe, a
/// full disk), the old envelope is put back (one more atomic write) and
/// [`Error::NotShown`] says the old key is still in force. The new key is never in force
/// unseen, except when killed between the two writes: then no key was shown at all, and
/// running it again makes another.
pub fn rotate_recovery_key_shown(
    j: &mut Journal,
    show: impl FnOnce(&RecoveryKey) -> std::io::Result<()>,
) -> Result<RecoveryKey> {
    refuse_while_rekeying(j)?;
    let rk = RecoveryKey::generate()?;
    let old = j.meta().clone();
    let meta = old.with_recovery(j.key(), &rk)?;
    replace_envelope(j, meta)?;
    if let Err(e) = show(&rk) {
        replace_envelope(j, old)?;
        return Err(Error::NotShown(e.to_string()));
    }
    Ok(rk)
}

/// What a rekey did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RekeyReport {
    /// The backup taken first, under the old key (its envelope beside it).
    pub before: BackupReport,
}

/// Re-encrypts the journal under a new random key (`PRAGMA rekey`). The recovery key must
/// be given (the new key is wrapped under it: it is never stored), and in passphrase mode
/// the passphrase (likewise). A backup is taken first, under the old key. No other
/// connection may have the journal open ([`Error::InUse`]).
///
/// # Crash safety
///
/// Killed at any moment, the journal opens with the old key or the new one:
///
/// 1. The recovery key (and passphrase) are proven against the envelope, the keyring is
///    reached (keyring mode), and [`backup::backup_before`] takes a verified snapshot with
///    the old key and envelope. Nothing of the journal has changed.
/// 2. The live connection leaves WAL mode (`journal_mode = DELETE`: every frame is
///    checkpointed and the WAL removed; SQLite refuses while another connection has the
///    journal open, and this stops with [`Error::InUse`]) and takes the exclusive lock.
///    SQLCipher 4's rekey is written for one connection: 5.0 lists "rekey support for
///    databases in WAL mode with concurrent connections" as new.
/// 3. The *pending* envelope is written (atomic rename): the old wraps unchanged, and
///    beside them the new key's check value, its wraps under the recovery key (and the
///    passphrase), and the new key wrapped under the old. From here, whatever reaches the
///    old key reaches the new one.
/// 4. `PRAGMA rekey`: SQLCipher's `sqlite3_rekey_v2` begins one write transaction, reads
///    and rewrites every page under the new key, and commits. In rollback mode the
///    original pages (under the old key) are in `journal.db-journal` until the commit
///    deletes it; a kill leaves a hot journal, which the next connection plays back, so the
///    file is wholly under the old key or wholly under the new one. (`sqlite3_rekey_v2`
///    reports success even when its transaction failed, so step 5 checks the file.)
/// 5. The connection is closed and the file reopened with the new key, and the old key
///    must no longer open it; otherwise the envelope goes back to the old key alone and
///    this fails with the file unchanged.
/// 6. Keyring mode: the new key goes into the keyring (read back). Then the envelope
///    holding only the new key's check value and wraps is written (atomic rename).
///
/// Sources: the SQLCipher API page (<https://www.zetetic.net/sqlcipher/sqlcipher-api/>,
/// `PRAGMA rekey`), `sqlite3_rekey_v2` in the SQLCipher 4 amalgamation that
/// `libsqlite3-sys` bundles (one `sqlite3BtreeBeginTrans(…, 1, …)`, `sqlite3PagerWrite` of
/// every page, `sqlite3BtreeCommit`, else a rollback — and `return SQLITE_OK` either way),
/// and the SQLCipher 5.0.0-beta.1 release notes
/// (<https://github.com/sqlcipher/sqlcipher-android/releases/tag/v5.0.0-beta.1>).
///
/// On every open, an envelope with a rekey under way is settled first (`Journal::open`):
/// the key unlocking reaches (the old one, or the new one from the keyring after step 6's
/// first half) gives both keys, the new is tried, then the old, and the envelope is
/// finished or put back accordingly. The key check values tell the keys apart; SQLCipher
/// alone says only "not a database".
///
/// Backups taken before keep the old key and its envelope; see the module's doc.
pub fn rekey(
    j: &mut Journal,
    recovery_key: &str,
    passphrase: Option<&Passphrase>,
    keys: &dyn KeyStore,
) -> Result<RekeyReport> {
    refuse_while_rekeying(j)?;
    // 1. Proofs first: nothing is written unless every way in will reach the new key.
    let rk = RecoveryKey::parse(recovery_key)?;
    same_key(j, &j.meta().unwrap_with_recovery(&rk)?).map_err(|_| Error::WrongKey)?;
    match j.mode() {
        KeyMode::Passphrase => prove_passphrase(j, passphrase.ok_or(Error::PassphraseNeeded)?)?,
        KeyMode::Keyring => {
            keys.get(&j.meta().keyring_account())?;
        }
    }
    let before = backup::backup_before(j, Reason::BeforeRekey)?;
    let dir = j.dir().to_path_buf();
    let db = dir.join(DB_FILE);
    let new = DbKey::generate()?;
    let pending = j
        .meta()
        .with_pending_rekey(j.key(), &new, &rk, passphrase)?;
    // 2. Alone, in rollback mode.
    let mode: String = j
        .conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|_| Error::InUse)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::InUse);
    }
    let back_to_wal = |j: &Journal| {
        let _ = j.conn.execute_batch("PRAGMA journal_mode = WAL;");
    };
    if j.conn
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .is_err()
    {
        back_to_wal(j);
        return Err(Error::InUse);
    }
    // 3. The pending envelope.
    if let Err(e) = pending.save_new(&dir) {
        let _ = j.conn.execute_batch("PRAGMA locking_mode = NORMAL;");
        back_to_wal(j);
        return Err(e);
    }
    // 4. The rekey itself. Its own report is not trusted (step 5 looks at the file).
    let lit = new.sqlcipher_literal_dangerously();
    let _ = j
        .conn
        .execute_batch(&format!("PRAGMA rekey = \"{}\";", lit.as_str()));
    drop(lit);
    // 5. Closed, and the file proven to open with the new key and not the old.
    let stranded = rusqlite::Connection::open_in_memory()?;
    drop(std::mem::replace(&mut j.conn, stranded));
    let old = j.key().duplicate();
    let conn = match store::open_connection(&db, &new, false) {
        Ok(c) if !store::key_opens(&db, &old) => c,
        Ok(_) => return Err(Error::Damaged(dir)),
        Err(_) if store::key_opens(&db, &old) => {
            // The file kept the old key: the envelope goes back to it alone.
            let back = pending.rekey_abandoned();
            back.save_new(&dir)?;
            j.set_rekeyed(store::open_connection(&db, &old, false)?, back, old);
            return Err(Error::Database(
                "the database did not take its new key, so the journal keeps its old one".into(),
            ));
        }
        // Neither opens it: the envelope stays pending, for the next open to settle.
        Err(e) => return Err(e),
    };
    j.set_rekeyed(conn, pending.clone(), new.duplicate());
    // 6. The keyring, then the envelope that ends the rekey. A failure here leaves the
    // pending envelope, which the next open finishes.
    let done = pending.rekey_finished();
    if done.key_mode == KeyMode::Keyring {
        let account = done.keyring_account();
        keys.set(&account, &new)?;
        if keys.get(&account)?.expose_bytes_dangerously() != new.expose_bytes_dangerously() {
            return Err(Error::NoKeyring(
                "the keyring did not give back the key it was given".into(),
            ));
        }
    }
    replace_envelope(j, done)?;
    Ok(RekeyReport { before })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::Path;

    use super::*;
    use crate::domain::NewReflection;
    use crate::journal::{CreateOptions, Unlock};
    use crate::keystore::{MemoryKeyStore, NoKeyStore};
    use crate::vault::KdfParams;

    fn fast() -> KdfParams {
        KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    }

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.into())
    }

    const OLD: &str = "old passphrase words";
    const NEW: &str = "new passphrase words";

    /// A journal with two reflections, in `mode`, and its recovery key as shown.
    fn journal(dir: &Path, mode: KeyMode, keys: &dyn KeyStore) -> (Journal, String) {
        let mut opts = match mode {
            KeyMode::Keyring => CreateOptions::keyring(),
            KeyMode::Passphrase => CreateOptions::passphrase(pass(OLD)),
        };
        opts.kdf = fast();
        let c = Journal::create(dir, opts, keys).unwrap();
        let rk = c.recovery_key.display_dangerously().to_string();
        let mut j = c.journal;
        for t in ["first", "second"] {
            j.add_reflection(NewReflection {
                text: Some(t.into()),
                ..Default::default()
            })
            .unwrap();
        }
        (j, rk)
    }

    fn envelope(dir: &Path) -> Vec<u8> {
        std::fs::read(dir.join(crate::vault::META_FILE)).unwrap()
    }

    fn count(j: &Journal) -> usize {
        j.reflections().unwrap().len()
    }

    fn open(dir: &Path, u: Unlock, keys: &dyn KeyStore) -> Result<Journal> {
        Journal::open(dir, u, keys)
    }

    /// A copy of a snapshot folder, to open as a journal without writing into the backup.
    fn copy_of(snapshot: &Path, to: &Path) -> std::path::PathBuf {
        std::fs::create_dir_all(to).unwrap();
        for f in [DB_FILE, crate::vault::META_FILE] {
            std::fs::copy(snapshot.join(f), to.join(f)).unwrap();
        }
        to.to_path_buf()
    }

    #[test]
    fn a_changed_passphrase_opens_and_the_old_one_no_longer_does() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, rk) = journal(&dir, KeyMode::Passphrase, &keys);
        change_passphrase(&mut j, &pass(OLD), pass(NEW)).unwrap();
        drop(j);
        let j = open(&dir, Unlock::Passphrase(pass(NEW)), &keys).unwrap();
        assert_eq!(count(&j), 2);
        assert_eq!(j.meta().kdf_params(), fast(), "the costs are kept");
        let e = open(&dir, Unlock::Passphrase(pass(OLD)), &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        // The key itself did not change: the recovery key still opens it.
        open(&dir, Unlock::RecoveryKey(rk), &keys).unwrap();
    }

    #[test]
    fn a_passphrase_change_is_refused_for_a_wrong_old_one_a_short_new_one_or_keyring_mode() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, _) = journal(&dir, KeyMode::Passphrase, &keys);
        let before = envelope(&dir);
        let e = change_passphrase(&mut j, &pass("not the one at all"), pass(NEW)).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        let e = change_passphrase(&mut j, &pass(OLD), pass("short")).unwrap_err();
        assert_eq!(e.field_at_fault(), Some(crate::Field::Passphrase));
        assert!(e.to_string().contains("at least 8"), "{e}");
        assert_eq!(envelope(&dir), before, "nothing was written");
        let kdir = t.path().join("k");
        let (mut k, _) = journal(&kdir, KeyMode::Keyring, &keys);
        let e = change_passphrase(&mut k, &pass(OLD), pass(NEW)).unwrap_err();
        assert!(e.to_string().contains("keyring"), "{e}");
    }

    #[test]
    fn keyring_to_passphrase_and_back_keeps_the_key_and_moves_it() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, rk) = journal(&dir, KeyMode::Keyring, &keys);
        let account = j.meta().keyring_account();
        let e = to_passphrase_mode(&mut j, pass("short"), &keys).unwrap_err();
        assert_eq!(e.field_at_fault(), Some(crate::Field::Passphrase));
        assert!(
            keys.get(&account).is_ok(),
            "a refusal leaves the keyring alone"
        );
        let r = to_passphrase_mode(&mut j, pass(NEW), &keys).unwrap();
        assert_eq!(r.key_mode, KeyMode::Passphrase);
        assert_eq!(r.keyring_left, None);
        assert_eq!(keys.get(&account).unwrap_err().kind(), "key_missing");
        drop(j);
        let e = open(&dir, Unlock::Keyring, &keys).unwrap_err();
        assert_eq!(e.kind(), "passphrase_needed");
        let mut j = open(&dir, Unlock::Passphrase(pass(NEW)), &keys).unwrap();
        assert_eq!(count(&j), 2);

        // Back: a wrong passphrase and an unreachable keyring each change nothing.
        let before = envelope(&dir);
        let e = to_keyring_mode(&mut j, &pass("not the one at all"), &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        let e = to_keyring_mode(&mut j, &pass(NEW), &NoKeyStore).unwrap_err();
        assert_eq!(e.kind(), "no_keyring");
        assert_eq!(envelope(&dir), before);
        let r = to_keyring_mode(&mut j, &pass(NEW), &keys).unwrap();
        assert_eq!(r.key_mode, KeyMode::Keyring);
        drop(j);
        let j = open(&dir, Unlock::Keyring, &keys).unwrap();
        assert_eq!(count(&j), 2);
        assert!(j.meta().passphrase.is_none(), "no passphrase wrap is kept");
        open(&dir, Unlock::RecoveryKey(rk), &keys).unwrap();
    }

    #[test]
    fn a_keyring_that_cannot_be_cleared_is_said_and_the_switch_stands() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, _) = journal(&dir, KeyMode::Keyring, &keys);
        let r = to_passphrase_mode(&mut j, pass(NEW), &NoKeyStore).unwrap();
        assert!(r.keyring_left.is_some_and(|s| s.contains("keyring")));
        drop(j);
        open(&dir, Unlock::Passphrase(pass(NEW)), &keys).unwrap();
    }

    #[test]
    fn a_rotated_recovery_key_opens_the_journal_and_the_old_one_opens_only_older_backups() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, old_rk) = journal(&dir, KeyMode::Keyring, &keys);
        let snap = backup::backup_now(&j).unwrap().backup.snapshot.path;
        let new_rk = rotate_recovery_key(&mut j).unwrap();
        let new_rk = new_rk.display_dangerously().to_string();
        assert_ne!(new_rk, old_rk);
        drop(j);
        let e = open(&dir, Unlock::RecoveryKey(old_rk.clone()), &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        open(&dir, Unlock::RecoveryKey(new_rk.clone()), &keys).unwrap();
        // The backup from before keeps its envelope: the old recovery key opens it.
        let copy = copy_of(&snap, &t.path().join("copy"));
        let b = open(&copy, Unlock::RecoveryKey(old_rk), &keys).unwrap();
        assert_eq!(count(&b), 2);
        let e = open(&copy, Unlock::RecoveryKey(new_rk), &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
    }

    fn raw_key(j: &Journal) -> [u8; 32] {
        *j.key().expose_bytes_dangerously()
    }

    #[test]
    fn a_rekey_gives_a_new_key_that_every_way_in_reaches_and_old_backups_keep_the_old() {
        for mode in [KeyMode::Keyring, KeyMode::Passphrase] {
            let t = tempfile::tempdir().unwrap();
            let dir = t.path().join("j");
            let keys = MemoryKeyStore::new();
            let (mut j, rk) = journal(&dir, mode, &keys);
            let old = raw_key(&j);
            let p = pass(OLD);
            let r = rekey(&mut j, &rk, Some(&p), &keys).unwrap();
            assert_eq!(r.before.backup.snapshot.reason, Reason::BeforeRekey);
            assert_ne!(raw_key(&j), old, "{mode:?}");
            assert!(!j.meta().rekey_pending());
            // The same journal keeps working on its new connection.
            j.add_reflection(NewReflection {
                text: Some("third".into()),
                ..Default::default()
            })
            .unwrap();
            let new = raw_key(&j);
            drop(j);
            let db = dir.join(DB_FILE);
            assert!(!store::key_opens(&db, &DbKey::from_bytes(&old).unwrap()));
            assert!(store::key_opens(&db, &DbKey::from_bytes(&new).unwrap()));
            let everyday = match mode {
                KeyMode::Keyring => Unlock::Keyring,
                KeyMode::Passphrase => Unlock::Passphrase(pass(OLD)),
            };
            assert_eq!(count(&open(&dir, everyday, &keys).unwrap()), 3);
            assert_eq!(
                count(&open(&dir, Unlock::RecoveryKey(rk.clone()), &keys).unwrap()),
                3
            );
            // The backup from before opens with the recovery key, under the old key.
            let copy = copy_of(&r.before.backup.snapshot.path, &t.path().join("copy"));
            let b = open(&copy, Unlock::RecoveryKey(rk), &keys).unwrap();
            assert_eq!(count(&b), 2);
            assert_eq!(raw_key(&b), old);
            let check =
                crate::usecase::check::check_journal(&dir, &keys, || Ok(pass(OLD))).unwrap();
            assert!(!check.damaged, "{mode:?}: {:?}", check.findings);
        }
    }

    #[test]
    fn a_rekey_is_refused_for_a_wrong_recovery_key_an_unreachable_keyring_or_a_second_connection() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("j");
        let keys = MemoryKeyStore::new();
        let (mut j, rk) = journal(&dir, KeyMode::Keyring, &keys);
        let other = RecoveryKey::generate().unwrap();
        let before = envelope(&dir);
        let e = rekey(&mut j, &other.display_dangerously(), None, &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
        let e = rekey(&mut j, "not a key", None, &keys).unwrap_err();
        assert_eq!(e.kind(), "bad_recovery_key");
        let e = rekey(&mut j, &rk, None, &NoKeyStore).unwrap_err();
        assert_eq!(e.kind(), "no_keyring");
        assert!(
            backup::list_backups(&j).unwrap().is_empty(),
            "no backup yet"
        );
        let second = j.another_connection().unwrap();
        let e = rekey(&mut j, &rk, None, &keys).unwrap_err();
        assert_eq!(e.kind(), "in_use");
        drop(second);
        assert_eq!(envelope(&dir), before, "nothing of the keys changed");
        assert_eq!(count(&j), 2, "the journal still works");
        drop(j);
        assert_eq!(count(&open(&dir, Unlock::Keyring, &keys).unwrap()), 2);
        // In passphrase mode the passphrase is needed, and must be the right one.
        let pdir = t.path().join("p");
        let (mut p, prk) = journal(&pdir, KeyMode::Passphrase, &keys);
        let e = rekey(&mut p, &prk, None, &keys).unwrap_err();
        assert_eq!(e.kind(), "passphrase_needed");
        let e = rekey(&mut p, &prk, Some(&pass("not the one at all")), &keys).unwrap_err();
        assert_eq!(e.kind(), "wrong_key");
    }

    /// The states a killed rekey can leave, made by hand: each opens, with the key it should,
    /// and the envelope is settled.
    #[test]
    fn an_interrupted_rekey_is_settled_on_open_whichever_step_it_stopped_at() {
        // (the file was rekeyed, the keyring has the new key)
        for (rekeyed, keyring_new) in [(false, false), (true, false), (true, true)] {
            let t = tempfile::tempdir().unwrap();
            let dir = t.path().join("j");
            let keys = MemoryKeyStore::new();
            let (j, rk) = journal(&dir, KeyMode::Keyring, &keys);
            let old = DbKey::from_bytes(&raw_key(&j)).unwrap();
            let new = DbKey::generate().unwrap();
            let parsed = RecoveryKey::parse(&rk).unwrap();
            let pending = j
                .meta()
                .with_pending_rekey(&old, &new, &parsed, None)
                .unwrap();
            let account = j.meta().keyring_account();
            drop(j);
            pending.save_new(&dir).unwrap();
            if rekeyed {
                let c = store::open_connection(&dir.join(DB_FILE), &old, false).unwrap();
                c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
                let lit = new.sqlcipher_literal_dangerously();
                c.execute_batch(&format!("PRAGMA rekey = \"{}\";", lit.as_str()))
                    .unwrap();
            }
            if keyring_new {
                keys.set(&account, &new).unwrap();
            }
            let j = open(&dir, Unlock::Keyring, &keys).unwrap();
            let want = if rekeyed { &new } else { &old };
            let case = format!("rekeyed {rekeyed}, keyring new {keyring_new}");
            assert_eq!(raw_key(&j), *want.expose_bytes_dangerously(), "{case}");
            assert_eq!(count(&j), 2, "{case}");
            assert!(!JournalMeta::load(&dir).unwrap().rekey_pending(), "{case}");
            assert_eq!(
                keys.get(&account).unwrap().expose_bytes_dangerously(),
                want.expose_bytes_dangerously(),
                "{case}"
            );
            drop(j);
            // And the recovery key reaches that key too.
            let j = open(&dir, Unlock::RecoveryKey(rk), &keys).unwrap();
            assert_eq!(raw_key(&j), *want.expose_bytes_dangerously(), "{case}");
        }
    }

    /// In passphrase mode the pending envelope carries the new key's passphrase wrap: a
    /// rekey killed after its transaction is finished by the passphrase, and one killed
    /// before it is put back; the same passphrase and recovery key open the result.
    #[test]
    fn an_interrupted_rekey_in_passphrase_mode_is_settled_by_the_passphrase() {
        for rekeyed in [false, true] {
            let t = tempfile::tempdir().unwrap();
            let dir = t.path().join("j");
            let keys = NoKeyStore;
            let (j, rk) = journal(&dir, KeyMode::Passphrase, &keys);
            let old = DbKey::from_bytes(&raw_key(&j)).unwrap();
            let new = DbKey::generate().unwrap();
            let parsed = RecoveryKey::parse(&rk).unwrap();
            let pending = j
                .meta()
                .with_pending_rekey(&old, &new, &parsed, Some(&pass(OLD)))
                .unwrap();
            drop(j);
            pending.save_new(&dir).unwrap();
            if rekeyed {
                let c = store::open_connection(&dir.join(DB_FILE), &old, false).unwrap();
                c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
                let lit = new.sqlcipher_literal_dangerously();
                c.execute_batch(&format!("PRAGMA rekey = \"{}\";", lit.as_str()))
                    .unwrap();
            }
            let want = if rekeyed { &new } else { &old };
            let j = open(&dir, Unlock::Passphrase(pass(OLD)), &keys).unwrap();
            assert_eq!(raw_key(&j), *want.expose_bytes_dangerously(), "{rekeyed}");
            assert_eq!(count(&j), 2);
            drop(j);
            assert!(!JournalMeta::load(&dir).unwrap().rekey_pending());
            let j = open(&dir, Unlock::RecoveryKey(rk), &keys).unwrap();
            assert_eq!(raw_key(&j), *want.expose_bytes_dangerously(), "{rekeyed}");
        }
    }

    /// A check (and a salvage) reads a journal with a rekey under way with the key it has,
    /// and writes nothing: the envelope stays as it was, for the next open to settle.
    #[test]
    fn a_check_reads_an_interrupted_rekey_with_the_right_key_and_writes_nothing() {
        for rekeyed in [false, true] {
            let t = tempfile::tempdir().unwrap();
            let dir = t.path().join("j");
            let keys = MemoryKeyStore::new();
            let (j, rk) = journal(&dir, KeyMode::Keyring, &keys);
            let old = DbKey::from_bytes(&raw_key(&j)).unwrap();
            let new = DbKey::generate().unwrap();
            let parsed = RecoveryKey::parse(&rk).unwrap();
            let pending = j
                .meta()
                .with_pending_rekey(&old, &new, &parsed, None)
                .unwrap();
            drop(j);
            pending.save_new(&dir).unwrap();
            if rekeyed {
                let c = store::open_connection(&dir.join(DB_FILE), &old, false).unwrap();
                c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
                let lit = new.sqlcipher_literal_dangerously();
                c.execute_batch(&format!("PRAGMA rekey = \"{}\";", lit.as_str()))
                    .unwrap();
            }
            let before = envelope(&dir);
            let r = crate::usecase::check::check_journal(&dir, &keys, || unreachable!()).unwrap();
            assert!(!r.damaged, "rekeyed {rekeyed}: {:?}", r.findings);
            assert_eq!(envelope(&dir), before, "rekeyed {rekeyed}: nothing written");
            let j = open(&dir, Unlock::Keyring, &keys).unwrap();
            let want = if rekeyed { &new } else { &old };
            assert_eq!(raw_key(&j), *want.expose_bytes_dangerously());
        }
    }
}
