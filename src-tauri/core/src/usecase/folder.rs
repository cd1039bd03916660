//! Which folder holds the journal: one precedence for the window and the CLI.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::Result;
use crate::journal::default_data_dir;

/// The environment variable that names the data folder when no flag does.
pub const DATA_DIR_ENV: &str = "ASYMPTOTE_DATA_DIR";

/// The data folder: the one the person named (`--data-dir`), else `ASYMPTOTE_DATA_DIR`
/// when set and not empty, else the platform's per-user data folder.
pub fn data_dir(named: Option<PathBuf>, env: Option<OsString>) -> Result<PathBuf> {
    if let Some(dir) = named.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(dir);
    }
    match env.filter(|v| !v.is_empty()) {
        Some(v) => Ok(PathBuf::from(v)),
        None => default_data_dir(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_named_folder_beats_the_environment_which_beats_the_default() {
        let named = data_dir(Some("/a".into()), Some("/b".into())).unwrap();
        assert_eq!(named, PathBuf::from("/a"));
        let env = data_dir(None, Some("/b".into())).unwrap();
        assert_eq!(env, PathBuf::from("/b"));
        let empty_env = data_dir(None, Some(OsString::new()));
        let default = data_dir(None, None);
        // With no data folder known (a bare CI box) both fail alike; else both are the default.
        assert_eq!(empty_env.ok(), default.ok());
        assert_ne!(
            data_dir(Some("".into()), Some("/b".into())).unwrap(),
            PathBuf::from("")
        );
    }
}
