//! Every way the core can fail, as one enum whose messages a person can act on.
//!
//! Messages say what happened and what to do next, in words that fit every host: the
//! core never names a CLI flag or a window button. Each host adds its own concrete hint
//! (`asym`'s `hint.rs`, the window's `CommandError`) from the error's kind and, for bad
//! input, its [`Field`]. Messages never contain key material, SQL, or entry text. Each
//! variant has a stable `kind()` so the window can branch on it and the CLI can map it to
//! an exit code.

use std::path::PathBuf;

/// The core's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "No journal exists in {}. Create one there, or choose the folder of an existing journal.",
        .0.display()
    )]
    NoJournal(PathBuf),

    #[error(
        "A journal already exists in {}; nothing was changed. Open it instead, or choose another folder.",
        .0.display()
    )]
    AlreadyExists(PathBuf),

    #[error(
        "The key did not open this journal: the passphrase, recovery key or keyring entry is not the one it was created with. Nothing was changed; try again with the right one."
    )]
    WrongKey,

    #[error(
        "The journal file in {} is damaged (the key is right but part of the file cannot be read). Nothing was changed.",
        .0.display()
    )]
    Damaged(PathBuf),

    /// A reading that met damage and showed what could still be read around it
    /// ([`crate::usecase::read_around`]): the host has shown that, and says this.
    #[error("{0}")]
    ReadAround(crate::usecase::salvage::Damage),

    #[error(
        "The journal's key is not in the system keyring (it may have been deleted, or this is another machine). Nothing was changed; unlock with the recovery key to put it back."
    )]
    KeyMissing,

    #[error(
        "No system keyring is reachable ({0}). Start your desktop's keyring (a Secret Service such as gnome-keyring), or create the journal with a passphrase instead."
    )]
    NoKeyring(String),

    #[error(
        "The system keyring is locked or refused access ({0}). Unlock your keyring and try again."
    )]
    KeyringLocked(String),

    #[error("This journal is protected by a passphrase; give it to unlock the journal.")]
    PassphraseNeeded,

    #[error(
        "That recovery key is not well formed: {0}. Type it as it was shown (groups of letters and digits)."
    )]
    BadRecoveryKey(String),

    #[error("The journal's key envelope {path} is damaged or unreadable ({1}). Nothing was changed; restore it from a backup.", path = .0.display())]
    BadMetadata(PathBuf, String),

    #[error(
        "This journal was made by a newer Asymptote (format {0}). Update Asymptote to open it."
    )]
    TooNew(i64),

    #[error("No {kind} matches `{id}`; check the id and try again.")]
    NotFound { kind: &'static str, id: String },

    #[error("`{id}` matches more than one {kind}. Give more of the id.")]
    Ambiguous { kind: &'static str, id: String },

    #[error("{0}")]
    Invalid(String),

    /// Bad input in one field: the window shows `message` beside that field, the CLI
    /// names its own option for it.
    #[error("{message}")]
    Field { field: Field, message: String },

    #[error(
        "{} already exists; nothing was written. Choose another name, or replace it.",
        .0.display()
    )]
    Exists(PathBuf),

    #[error(
        "{} is not an empty folder, so nothing was written there. Choose a new or empty folder.",
        .0.display()
    )]
    NotEmpty(PathBuf),

    #[error(
        "Nothing could be read from the journal in {}: its first page or its list of tables is damaged. Nothing was written; restore it from a backup, or open the backup itself.",
        .0.display()
    )]
    NothingReadable(PathBuf),

    #[error(
        "The backup {} does not open with this journal's key (it belongs to another journal, or is damaged). Nothing was written; choose a backup of this journal.",
        .0.display()
    )]
    NotABackup(PathBuf),

    #[error("Could not read or write {path}: {1}.", path = .0.display())]
    Io(PathBuf, std::io::Error),

    #[error(
        "The journal database reported an error ({0}). Nothing was saved from this action; try again, and if it persists, back up the data folder."
    )]
    Database(String),

    #[error(
        "No per-user data folder is known on this system; choose the journal's folder yourself."
    )]
    NoDataDir,

    #[error(
        "The journal in {} cannot be written: its folder or file system is read-only. Nothing was changed; make it writable, or copy the journal to a writable folder and open it there.",
        .0.display()
    )]
    ReadOnly(PathBuf),

    #[error(
        "The disk holding {} is full{}, so nothing was saved from this action. Free some space on it and try again.",
        .path.display(),
        needed_text(*.needed)
    )]
    DiskFull { path: PathBuf, needed: Option<u64> },

    #[error(
        "The {kind} {id} is stored in a form this version cannot read (for example a date past the year 9999), so it cannot be shown or changed; it can still be deleted."
    )]
    Unreadable { kind: &'static str, id: String },

    /// A backup that failed verification: `.0` is its ID, `.1` what was wrong with it.
    #[error(
        "The backup {0} did not pass its check ({1}), so it is not used; the journal itself is unchanged. Take a new backup, and check the journal if this happens again."
    )]
    BadBackup(String, String),

    /// The journal is open elsewhere, so it cannot be switched to another file now.
    #[error(
        "The journal is open in another program, so it was not replaced; nothing was changed. Close the other program and try again."
    )]
    InUse,

    /// A new recovery key that could not be shown was taken back.
    #[error(
        "The new recovery key could not be shown ({0}), so it was not put in force: the old recovery key still opens the journal. Run it again where its output can be read."
    )]
    NotShown(String),
}

/// " (this action needed N more)" when the size is known.
fn needed_text(needed: Option<u64>) -> String {
    match needed {
        Some(n) if n >= 1024 * 1024 => format!(" (this action needed {:.1} MB)", n as f64 / 1e6),
        Some(n) if n >= 1024 => format!(" (this action needed {} KB)", n.div_ceil(1000)),
        Some(n) => format!(" (this action needed {n} bytes)"),
        None => String::new(),
    }
}

impl Error {
    /// A stable, snake_case name for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NoJournal(_) => "no_journal",
            Error::AlreadyExists(_) => "already_exists",
            Error::WrongKey => "wrong_key",
            Error::Damaged(_) | Error::ReadAround(_) => "damaged",
            Error::KeyMissing => "key_missing",
            Error::NoKeyring(_) => "no_keyring",
            Error::KeyringLocked(_) => "keyring_locked",
            Error::PassphraseNeeded => "passphrase_needed",
            Error::BadRecoveryKey(_) => "bad_recovery_key",
            Error::BadMetadata(..) => "bad_metadata",
            Error::TooNew(_) => "too_new",
            Error::NotFound { .. } => "not_found",
            Error::Ambiguous { .. } => "ambiguous",
            Error::Invalid(_) | Error::Field { .. } => "invalid",
            Error::Exists(_) => "exists",
            Error::NotEmpty(_) => "not_empty",
            Error::NothingReadable(_) => "nothing_readable",
            Error::NotABackup(_) => "not_a_backup",
            Error::Io(..) => "io",
            Error::Database(_) => "database",
            Error::NoDataDir => "no_data_dir",
            Error::ReadOnly(_) => "read_only",
            Error::DiskFull { .. } => "disk_full",
            Error::Unreadable { .. } => "unreadable",
            Error::BadBackup(..) => "bad_backup",
            Error::InUse => "in_use",
            Error::NotShown(_) => "not_shown",
        }
    }

    /// The process exit code the CLI uses for this failure. Distinct codes
    /// let scripts tell a wrong key from a damaged file.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) | Error::Field { .. } | Error::BadRecoveryKey(_) => 2,
            Error::NoJournal(_) => 3,
            Error::AlreadyExists(_) | Error::Exists(_) | Error::NotEmpty(_) => 4,
            Error::NotFound { .. } | Error::Ambiguous { .. } => 5,
            Error::WrongKey => 10,
            Error::Damaged(_)
            | Error::ReadAround(_)
            | Error::BadMetadata(..)
            | Error::BadBackup(..)
            | Error::NothingReadable(_) => 11,
            Error::NotABackup(_) => 2,
            Error::KeyMissing => 12,
            Error::NoKeyring(_) => 13,
            Error::KeyringLocked(_) => 14,
            Error::PassphraseNeeded => 15,
            Error::TooNew(_) => 16,
            Error::ReadOnly(_) => 17,
            Error::DiskFull { .. } => 18,
            Error::Unreadable { .. } => 11,
            Error::InUse => 19,
            Error::NotShown(_) => 20,
            Error::Io(..) | Error::Database(_) | Error::NoDataDir => 1,
        }
    }

    /// The error for a failed read or write of `path`: a full disk and a read-only file
    /// system are said as such, anything else as the I/O error it is.
    pub(crate) fn io(path: &std::path::Path, e: std::io::Error, needed: Option<u64>) -> Self {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::StorageFull | K::QuotaExceeded => Error::DiskFull {
                path: path.parent().unwrap_or(path).to_path_buf(),
                needed,
            },
            K::ReadOnlyFilesystem => Error::ReadOnly(path.parent().unwrap_or(path).to_path_buf()),
            _ => Error::Io(path.to_path_buf(), e),
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// Bad input in `field`, said in one sentence.
    pub fn field(field: Field, msg: impl Into<String>) -> Self {
        Error::Field {
            field,
            message: msg.into(),
        }
    }

    /// The input field at fault, for an error about one.
    pub fn field_at_fault(&self) -> Option<Field> {
        match self {
            Error::Field { field, .. } => Some(*field),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt
                    | rusqlite::ErrorCode::NotADatabase
                    // SQLCipher's word for a page whose HMAC fails (its codec returned
                    // nothing, which the pager reports as out of memory).
                    | rusqlite::ErrorCode::OutOfMemory
            )
        {
            return Error::Damaged(PathBuf::from("the data folder"));
        }
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                rusqlite::ErrorCode::DiskFull => {
                    return Error::DiskFull {
                        path: PathBuf::from("the journal"),
                        needed: None,
                    };
                }
                rusqlite::ErrorCode::ReadOnly => {
                    return Error::ReadOnly(PathBuf::from("the data folder"));
                }
                _ => {}
            }
        }
        // Only the SQLite result code's description: never the SQL text or values.
        let msg = match &e {
            rusqlite::Error::SqliteFailure(f, _) => f.to_string(),
            rusqlite::Error::QueryReturnedNoRows => "no such row".to_string(),
            rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..) => {
                "a stored value had an unexpected form".to_string()
            }
            _ => "an unexpected database condition".to_string(),
        };
        Error::Database(msg)
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The input a person gave that an error is about. Hosts map it to their own words: the
/// window to the field on screen, the CLI to its option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Where a file is written or read.
    Path,
    /// A detached signature file.
    Signature,
    /// An age identity file.
    Identity,
    /// A passphrase to encrypt to or decrypt with.
    Passphrase,
    /// An age public key to encrypt to.
    Recipient,
    /// A signing public key to trust.
    Key,
    /// The first day of a period.
    From,
    /// The last day of a period.
    To,
    /// A practice session's challenge.
    Challenge,
    /// The number of attempts.
    Attempts,
    /// The number of successes.
    Successes,
    /// An item id typed by the person.
    Id,
}

/// A serializable `{kind, message, field?}` for crossing IPC or printing as JSON.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorReport {
    pub kind: &'static str,
    pub message: String,
    /// The field at fault, for bad input in one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<Field>,
}

impl ErrorReport {
    /// The report of `e` with a host's own wording of the message.
    pub fn worded(e: &Error, message: String) -> Self {
        ErrorReport {
            kind: e.kind(),
            message,
            field: e.field_at_fault(),
        }
    }
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport::worded(e, e.to_string())
    }
}
