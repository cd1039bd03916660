//! Importing a file a person sent the manager: one pipeline for the window and the CLI.
//!
//! The order is the rule: read the file and its detached signature, check the signature
//! against the key trusted for that person, and only then ask for what decrypts it — so
//! a tampered or foreign file is refused before anyone types a passphrase. Each call
//! verifies the signature once. A call either
//! imports, or says which input it needs ([`NeedsInput`]) and writes nothing; the host
//! asks for it and calls again.

use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Field, Result};
use crate::journal::Journal;
use crate::manager::ReceivedBundle;
use crate::protect::{self, AgeIdentity, AgeKind, AgeUnlock};
use crate::secret::Passphrase;
use crate::usecase::paths::{read_named, typed_path};

/// A received file to import, as a person names it.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportRequest {
    pub person: String,
    pub path: String,
    /// The detached signature; `<path>.minisig` when absent or blank.
    pub signature_path: Option<String>,
    /// For a file encrypted to a passphrase.
    pub passphrase: Option<String>,
    /// For a file encrypted to the manager's age key: their identity file.
    pub identity_path: Option<String>,
}

/// What a signed, encrypted file still needs before it can be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum NeedsInput {
    /// It is encrypted to a passphrase: ask for it.
    Passphrase,
    /// It is encrypted to the manager's age key: ask for their identity file.
    Identity,
}

impl NeedsInput {
    /// One sentence saying what to give, in words for any host.
    pub fn sentence(self) -> &'static str {
        match self {
            NeedsInput::Passphrase => {
                "This file is encrypted to a passphrase; type the one you agreed on, nothing was imported."
            }
            NeedsInput::Identity => {
                "This file is encrypted to an age key; give your age identity file, nothing was imported."
            }
        }
    }
}

/// An import's outcome: done, or the one input still needed (nothing written).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ImportStep {
    Imported { bundle: ReceivedBundle },
    Needs { input: NeedsInput },
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

fn read_signature(path: &Path) -> Result<String> {
    match std::fs::read(path) {
        Ok(b) => String::from_utf8(b).map_err(|_| {
            Error::field(
                Field::Signature,
                "The signature file is not a minisign signature (.minisig); nothing was imported.",
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::field(
            Field::Signature,
            format!(
                "No signature was found at {}, and an unsigned file cannot be trusted; give the .minisig file, nothing was imported.",
                path.display()
            ),
        )),
        Err(e) => Err(Error::Io(path.to_path_buf(), e)),
    }
}

/// Verifies and imports the file `request` names for its person (see the module doc).
/// `base` is the host's working folder for relative paths, if it has one.
pub fn import_received(
    journal: &mut Journal,
    request: ImportRequest,
    base: Option<&Path>,
) -> Result<ImportStep> {
    let path = typed_path(&request.path, "received file", Field::Path, base)?;
    let sig_path = match blank_to_none(request.signature_path) {
        Some(s) => typed_path(&s, "signature", Field::Signature, base)?,
        None => protect::with_suffix(&path, ".minisig"),
    };
    let file = read_named(&path, Field::Path)?;
    let sig = read_signature(&sig_path)?;
    let unlock = match (
        protect::age_kind(&file),
        blank_to_none(request.identity_path),
        request.passphrase.filter(|p| !p.is_empty()),
    ) {
        (None, _, _) => None,
        (Some(_), Some(id), _) => {
            let id = typed_path(&id, "identity file", Field::Identity, base)?;
            let text = Zeroizing::new(
                String::from_utf8(read_named(&id, Field::Identity)?).map_err(|_| {
                    Error::field(Field::Identity, "That is not an age identity file.")
                })?,
            );
            Some(AgeUnlock::Identity(AgeIdentity::parse(&text)?))
        }
        (Some(_), None, Some(p)) => Some(AgeUnlock::Passphrase(Passphrase::new(p))),
        (Some(kind), None, None) => {
            // Nothing to decrypt with yet: check the signature now, so a tampered or
            // foreign file is refused before anyone is asked for a passphrase.
            journal.manager_check_signature(&request.person, &file, &sig)?;
            let input = match kind {
                AgeKind::Passphrase => NeedsInput::Passphrase,
                AgeKind::Recipients => NeedsInput::Identity,
            };
            return Ok(ImportStep::Needs { input });
        }
    };
    // A tampered or foreign file is refused before anything is written (a backup too);
    // then a verified snapshot of the journal, before it takes in what was received.
    journal.manager_check_signature(&request.person, &file, &sig)?;
    crate::usecase::backup_before(journal, crate::Reason::BeforeImport)?;
    // The import checks the signature again before it decrypts or stores anything.
    let bundle = journal.manager_import(&request.person, &file, &sig, unlock.as_ref())?;
    Ok(ImportStep::Imported { bundle })
}
