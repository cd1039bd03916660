//! Signing keys as people hand them over: one rule for reading and writing them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Field, Result};
use crate::journal::Journal;
use crate::keystore::KeyStore;
use crate::protect::{self, PublicKey};
use crate::usecase::paths::{check_targets, read_named, typed_path};

/// A signing public key from what a person pasted or named: the `.pub` file's text, its
/// key line (`RW…`), or the path of a `.pub` file.
pub fn public_key_from(input: &str, base: Option<&Path>) -> Result<PublicKey> {
    if let Ok(pk) = PublicKey::parse(input) {
        return Ok(pk);
    }
    let t = input.trim();
    let looks_like_path =
        !t.contains('\n') && (t.starts_with('/') || t.starts_with("~/") || t.ends_with(".pub"));
    let text = if looks_like_path {
        let p = typed_path(t, "key file", Field::Key, base)?;
        String::from_utf8(read_named(&p, Field::Key)?).unwrap_or_default()
    } else {
        String::new()
    };
    PublicKey::parse(&text).map_err(|_| {
        Error::field(
            Field::Key,
            "That is not a minisign public key; give the whole .pub file they gave you, or its long line starting with RW.",
        )
    })
}

/// Writes the journal's signing public key as a minisign `.pub` file at the typed `path`
/// (never over an existing file unless `replace`); returns the path written.
pub fn save_public_key(
    journal: &Journal,
    keys: &dyn KeyStore,
    path: &str,
    replace: bool,
    base: Option<&Path>,
) -> Result<PathBuf> {
    let path = typed_path(path, "key file", Field::Path, base)?;
    check_targets(std::slice::from_ref(&path), replace)?;
    let (pk, _) = protect::journal_public_key(journal, keys)?;
    crate::fsutil::write_atomic(&path, pk.to_minisign_file().as_bytes())?;
    Ok(path)
}
