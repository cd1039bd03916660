//! Exporting a selection to a file: one pipeline for the window and the CLI.
//!
//! Plan first ([`plan_export`]: which files will be written, which already exist), then
//! run ([`run_export`]): the typed-path rule, the passphrase policy, the overwrite choice,
//! then build, render, optionally encrypt and sign, write atomically and record the share.
//! A refusal at any step writes nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Field, Result};
use crate::export::{Format, Selection};
use crate::journal::Journal;
use crate::keystore::KeyStore;
use crate::protect::{self, ProtectedExport, Recipient};
use crate::secret::Passphrase;
use crate::usecase::paths::{check_targets, typed_path};
use crate::usecase::policy;

/// How an export is encrypted with age.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Encryption {
    None,
    /// To a passphrase the manager will type (`age -d`).
    Passphrase {
        passphrase: String,
    },
    /// To the manager's age public key (`age1…`).
    AgeKey {
        recipient: String,
    },
}

impl Encryption {
    fn is_some(&self) -> bool {
        !matches!(self, Encryption::None)
    }

    /// The age recipient, with the passphrase policy applied.
    fn recipient(self) -> Result<Option<Recipient>> {
        match self {
            Encryption::None => Ok(None),
            Encryption::Passphrase { passphrase } => {
                Recipient::passphrase(policy::age_passphrase(Passphrase::new(passphrase))?)
                    .map(Some)
            }
            Encryption::AgeKey { recipient } => Recipient::age_key(&recipient)
                .map(Some)
                .map_err(|e| Error::field(Field::Recipient, e.to_string())),
        }
    }
}

/// An export as a person asks for it.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportRequest {
    pub selection: Selection,
    pub format: Format,
    /// Where to write: absolute, `~/…`, or (where the host has a working folder) relative.
    pub path: String,
    /// Sign with the journal's signing key (a `.minisig` file beside the export).
    pub sign: bool,
    pub encryption: Encryption,
    /// Replace files already there; otherwise an existing file is refused.
    pub replace: bool,
}

/// The files an export will write, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportPlan {
    /// The file, then its signature when signed.
    #[ts(as = "Vec<String>")]
    pub files: Vec<PathBuf>,
    /// Those of `files` that exist already (written only when replacing).
    #[ts(as = "Vec<String>")]
    pub existing: Vec<PathBuf>,
}

/// Which files an export to the typed `path` writes (`.age` added when encrypted, the
/// `.minisig` beside it when signed), and which of them exist. Writes nothing.
pub fn plan_export(
    path: &str,
    encrypted: bool,
    signed: bool,
    base: Option<&Path>,
) -> Result<ExportPlan> {
    let path = typed_path(path, "file", Field::Path, base)?;
    let (out, sig) = protect::protected_paths(&path, encrypted, signed);
    let files: Vec<PathBuf> = std::iter::once(out).chain(sig).collect();
    let existing = files.iter().filter(|f| f.exists()).cloned().collect();
    Ok(ExportPlan { files, existing })
}

impl ExportPlan {
    /// Refuses, writing nothing, when the folder is missing or a file exists and `replace`
    /// is off: a host calls it before asking for a passphrase; [`run_export`] calls it again.
    pub fn check(&self, replace: bool) -> Result<()> {
        check_targets(&self.files, replace)
    }
}

/// A path typed for one format, moved to `format`: a known export extension at its end
/// (json, md, markdown, html, htm, csv, pdf) is swapped for the new format's; any other
/// path is left as it is.
pub fn path_for_format(path: &str, format: Format) -> String {
    let name_start = path.rfind(['/', '\\']).map_or(0, |i| i + 1);
    match path.rfind('.') {
        Some(dot) if dot > name_start && Format::parse(&path[dot + 1..]).is_ok() => {
            format!("{}.{}", &path[..dot], format.as_str())
        }
        _ => path.to_string(),
    }
}

/// Runs an export: resolves the path, applies the passphrase policy and the overwrite
/// choice, then writes the file (and its signature) and records the share.
pub fn run_export(
    journal: &mut Journal,
    keys: &dyn KeyStore,
    request: ExportRequest,
    base: Option<&Path>,
) -> Result<ProtectedExport> {
    let path = typed_path(&request.path, "file", Field::Path, base)?;
    plan_export(
        &request.path,
        request.encryption.is_some(),
        request.sign,
        base,
    )?
    .check(request.replace)?;
    let recipient = request.encryption.recipient()?;
    protect::export_protected(
        journal,
        keys,
        &request.selection,
        request.format,
        &path,
        request.sign,
        recipient.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_encrypted_signed_export_plans_two_files() {
        let plan = plan_export("/x/brief.pdf", true, true, None).unwrap();
        let want = [
            PathBuf::from("/x/brief.pdf.age"),
            PathBuf::from("/x/brief.pdf.age.minisig"),
        ];
        assert_eq!(plan.files, want);
        assert!(plan.existing.is_empty());
        let plain = plan_export("/x/b.json.age", true, false, None).unwrap();
        assert_eq!(plain.files, [PathBuf::from("/x/b.json.age")]);
        let e = plan_export("b.json", false, false, None).unwrap_err();
        assert_eq!(e.field_at_fault(), Some(Field::Path));
    }

    #[test]
    fn existing_files_are_named_in_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("b.md");
        std::fs::write(&f, b"x").unwrap();
        let plan = plan_export(&f.display().to_string(), false, true, None).unwrap();
        assert_eq!(plan.existing, [f]);
    }

    #[test]
    fn the_typed_path_follows_the_format() {
        assert_eq!(
            path_for_format("/d/brief.pdf", Format::Markdown),
            "/d/brief.md"
        );
        assert_eq!(path_for_format("/d/brief", Format::Json), "/d/brief");
        assert_eq!(path_for_format("/d/my.notes", Format::Csv), "/d/my.notes");
        assert_eq!(path_for_format("/d/.pdf", Format::Csv), "/d/.pdf");
        assert_eq!(path_for_format("/d/b.HTM", Format::Json), "/d/b.json");
        assert_eq!(path_for_format("/d/x.html", Format::Html), "/d/x.html");
        assert_eq!(path_for_format("", Format::Pdf), "");
        assert_eq!(path_for_format("/d.pdf/brief", Format::Csv), "/d.pdf/brief");
    }
}
