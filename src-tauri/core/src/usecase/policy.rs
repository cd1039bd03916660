//! Which passphrases are acceptable: one policy for every host.

use crate::error::{Error, Field, Result};
use crate::secret::Passphrase;

/// The fewest characters of a passphrase that an export is encrypted to. The manager
/// types it to open the file; anything shorter is guessed quickly offline.
pub const MIN_AGE_PASSPHRASE_CHARS: usize = 8;

/// The fewest characters of the journal's own passphrase (passphrase mode). Argon2id
/// slows guessing, but a copy of the folder can be attacked offline for as long as it takes.
pub const MIN_JOURNAL_PASSPHRASE_CHARS: usize = 8;

/// A passphrase for the journal itself: at least [`MIN_JOURNAL_PASSPHRASE_CHARS`]
/// characters besides surrounding spaces.
pub fn journal_passphrase(p: Passphrase) -> Result<Passphrase> {
    check_journal_passphrase(&p)?;
    Ok(p)
}

/// [`journal_passphrase`]'s rule on a borrowed passphrase (the store applies it too, so no
/// journal is ever made behind a shorter one, whichever door it came in by).
pub(crate) fn check_journal_passphrase(p: &Passphrase) -> Result<()> {
    if p.expose_dangerously().trim().chars().count() < MIN_JOURNAL_PASSPHRASE_CHARS {
        return Err(Error::field(
            Field::Passphrase,
            format!(
                "Choose a passphrase of at least {MIN_JOURNAL_PASSPHRASE_CHARS} characters; a few words you will remember are best."
            ),
        ));
    }
    Ok(())
}

/// A passphrase to encrypt an export to: at least [`MIN_AGE_PASSPHRASE_CHARS`] characters
/// besides surrounding spaces.
pub fn age_passphrase(p: Passphrase) -> Result<Passphrase> {
    if p.expose_dangerously().trim().chars().count() < MIN_AGE_PASSPHRASE_CHARS {
        return Err(Error::field(
            Field::Passphrase,
            format!(
                "A passphrase to encrypt to needs at least {MIN_AGE_PASSPHRASE_CHARS} characters; nothing was written."
            ),
        ));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Passphrase {
        Passphrase::new(s.into())
    }

    #[test]
    fn blank_journal_passphrases_and_short_age_passphrases_are_refused_by_field() {
        assert!(journal_passphrase(p("four words")).is_ok());
        assert!(journal_passphrase(p("short")).is_err());
        let e = journal_passphrase(p("   ")).err();
        assert_eq!(e.and_then(|e| e.field_at_fault()), Some(Field::Passphrase));
        assert!(age_passphrase(p("12345678")).is_ok());
        let e = age_passphrase(p(" 1234567 ")).err();
        assert!(e.is_some_and(|e| e.to_string().contains("at least 8")));
        // Characters, not bytes: eight letters of a non-Latin script are enough.
        assert!(age_passphrase(p("ключ-для")).is_ok());
    }
}
