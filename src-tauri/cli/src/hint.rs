//! How `asym` words the core's errors: the core says what happened in words for any host;
//! this adds the command or option that fixes it here.

use asymptote_core::{Error, ErrorReport, Field};

/// The option of `asym` a field of input comes from.
fn option(field: Field) -> &'static str {
    match field {
        Field::Path => "--out",
        Field::Signature => "--sig",
        Field::Identity => "--identity",
        // A length rule met by init, keys and an age export alike: no one option to name.
        Field::Passphrase => "a few words make a passphrase long enough",
        Field::Recipient => "--encrypt-to",
        Field::Key => "KEY: a .pub file or its RW… line",
        Field::From => "--from",
        Field::To => "--to",
        Field::Challenge => "--challenge",
        Field::Attempts => "--attempts",
        Field::Successes => "--successes",
        Field::Id => "`asym day` and `asym search --json` show ids",
    }
}

/// What to run or give, for errors whose remedy is a command or an option.
fn hint(e: &Error) -> Option<String> {
    Some(match e {
        Error::NoJournal(_) => {
            "Create one with `asym init`, or point --data-dir at an existing journal.".into()
        }
        Error::AlreadyExists(_) => "(Choose another with --data-dir.)".into(),
        Error::KeyMissing => "Run `asym unlock --recovery-key`.".into(),
        Error::NoKeyring(_) => "(`asym init --passphrase` makes one with no keyring.)".into(),
        Error::PassphraseNeeded => {
            "Give it with --passphrase-file, ASYMPTOTE_PASSPHRASE, or at the prompt.".into()
        }
        Error::NotFound { kind, .. } => {
            let list = match *kind {
                "manager person" => "asym manager person list".to_string(),
                "audit_item" => "asym audit list".to_string(),
                k => format!("asym {k} list"),
            };
            format!("(`{list}` shows them.)")
        }
        Error::NothingReadable(_) => {
            "(`asym salvage --to DIR --from-backup FILE` takes the rest from a backup.)".into()
        }
        Error::NotEmpty(_) => "(Give `asym salvage --to` a new folder.)".into(),
        Error::NoDataDir => "Give one with --data-dir or ASYMPTOTE_DATA_DIR.".into(),
        Error::Damaged(_) => {
            "(`asym check` says what is damaged; `asym salvage --replace` repairs it in place, filling what cannot be read from the newest backup; `asym backup restore ID` puts a whole backup back (`asym backup list` shows them), or `asym salvage --to DIR` copies every entry still readable into a new journal.)".into()
        }
        Error::ReadAround(_) => {
            "`asym salvage --replace` repairs it in place, filling what cannot be read from the newest backup (`asym check` says what is damaged).".into()
        }
        Error::BadBackup(..) => "(`asym backup list` shows the others.)".into(),
        Error::InUse => "(Close Asymptote's window, or the other `asym`, first.)".into(),
        Error::Exists(_) => "(--replace writes over it.)".into(),
        Error::Field { field, .. } => format!("({})", option(*field)),
        _ => return None,
    })
}

/// The sentence `asym` prints for `e`.
pub fn sentence(e: &Error) -> String {
    match hint(e) {
        Some(h) => format!("{e} {h}"),
        None => e.to_string(),
    }
}

/// The JSON error report `asym --json` prints for `e`.
pub fn report(e: &Error) -> ErrorReport {
    ErrorReport::worded(e, sentence(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_names_its_own_commands_and_options() {
        let e = Error::NoJournal("/j".into());
        assert!(sentence(&e).contains("asym init"), "{}", sentence(&e));
        let e = Error::field(Field::Attempts, "Successes need attempts too.");
        assert_eq!(sentence(&e), "Successes need attempts too. (--attempts)");
        let e = Error::NotFound {
            kind: "session",
            id: "abcd".into(),
        };
        assert!(
            sentence(&e).contains("asym session list"),
            "{}",
            sentence(&e)
        );
        assert_eq!(report(&e).message, sentence(&e));
        // A damaged file points at the check and the backups; a busy one at closing it.
        let e = Error::Damaged("/j".into());
        assert!(sentence(&e).contains("asym check"), "{}", sentence(&e));
        assert!(
            sentence(&e).contains("asym backup restore"),
            "{}",
            sentence(&e)
        );
        let e = Error::NotFound {
            kind: "backup",
            id: "2026".into(),
        };
        assert!(
            sentence(&e).contains("asym backup list"),
            "{}",
            sentence(&e)
        );
        // Errors with no command to suggest are the core's sentence alone.
        let e = Error::WrongKey;
        assert_eq!(sentence(&e), e.to_string());
    }
}
