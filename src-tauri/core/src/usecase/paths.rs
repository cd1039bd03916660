//! Paths a person types: one rule for the window and the CLI.
//!
//! `~/` is the home folder. A relative path is taken against `base` — the CLI's working
//! folder — and refused where there is none (the window has no working folder a person
//! could know).

use std::path::{Path, PathBuf};

use crate::error::{Error, Field, Result};

fn home() -> Option<PathBuf> {
    dirs::home_dir().filter(|p| p.is_absolute())
}

/// The absolute path meant by `text`; `what` names the file in the sentence ("file",
/// "signature"), `field` says which input it came from.
pub fn typed_path(text: &str, what: &str, field: Field, base: Option<&Path>) -> Result<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::field(field, format!("Give the {what}'s path.")));
    }
    let p = match t.strip_prefix("~/") {
        Some(rest) => home().map(|h| h.join(rest)).ok_or_else(|| {
            Error::field(field, "Your home folder is unknown; give the full path.")
        })?,
        None => PathBuf::from(t),
    };
    if p.is_absolute() {
        return Ok(p);
    }
    match base {
        Some(b) => Ok(b.join(p)),
        None => Err(Error::field(
            field,
            format!("“{t}” is not a full path; give one starting with / or ~/."),
        )),
    }
}

/// Refuses to write `targets` when their folder is missing, a target is a folder, or one
/// exists and `replace` is off. Writes nothing.
pub fn check_targets(targets: &[PathBuf], replace: bool) -> Result<()> {
    if let Some(first) = targets.first() {
        match first.parent() {
            Some(dir) if dir.is_dir() => {}
            Some(dir) => {
                return Err(Error::field(
                    Field::Path,
                    format!(
                        "The folder {} does not exist; choose another place, nothing was written.",
                        dir.display()
                    ),
                ));
            }
            None => return Err(Error::field(Field::Path, "Give a file name, not a folder.")),
        }
        if first.is_dir() {
            return Err(Error::field(
                Field::Path,
                format!("{} is a folder; add a file name.", first.display()),
            ));
        }
    }
    if !replace && let Some(t) = targets.iter().find(|t| t.exists()) {
        return Err(Error::Exists(t.clone()));
    }
    Ok(())
}

/// Reads a file a person named, with one sentence when it is not there.
pub fn read_named(path: &Path, field: Field) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::field(
                field,
                format!(
                    "There is no file at {}; check the path, nothing was changed.",
                    path.display()
                ),
            )
        } else {
            Error::Io(path.to_path_buf(), e)
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn typed_paths_are_absolute_home_relative_or_taken_against_a_base() {
        let abs = typed_path("/tmp/x.pdf", "file", Field::Path, None).unwrap();
        assert_eq!(abs, PathBuf::from("/tmp/x.pdf"));
        let e = typed_path("brief.pdf", "file", Field::Path, None).unwrap_err();
        assert!(e.to_string().contains("not a full path"), "{e}");
        assert_eq!(e.field_at_fault(), Some(Field::Path));
        let rel = typed_path("brief.pdf", "file", Field::Path, Some(Path::new("/w"))).unwrap();
        assert_eq!(rel, PathBuf::from("/w/brief.pdf"));
        let e = typed_path("  ", "signature", Field::Signature, None).unwrap_err();
        assert_eq!(e.field_at_fault(), Some(Field::Signature));
        if let Some(h) = home() {
            let p = typed_path("~/a.md", "file", Field::Path, None).unwrap();
            assert_eq!(p, h.join("a.md"));
        }
    }

    #[test]
    fn targets_are_refused_when_taken_unless_replaced_and_never_touched() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("taken.md");
        std::fs::write(&f, b"keep me").unwrap();
        let e = check_targets(std::slice::from_ref(&f), false).unwrap_err();
        assert_eq!(e.kind(), "exists");
        assert!(check_targets(std::slice::from_ref(&f), true).is_ok());
        let e = check_targets(&[dir.path().join("missing/x.md")], true).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = check_targets(&[dir.path().to_path_buf()], true).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        assert_eq!(std::fs::read(&f).unwrap(), b"keep me");
    }
}
