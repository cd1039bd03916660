//! The manager's side: bundles received from their people, and the one-on-one agenda.
//!
//! A manager keeps an ordinary encrypted journal (its own data folder); these tables
//! (migration 0005) hold what they received and what they prepare. Nothing here is
//! ever read by an export, so a manager's notes never leave with anyone's bundle.
//!
//! Importing is fail-closed and writes nothing unless every check passes, in order:
//! 1. the detached minisign signature is over the file exactly as received, by a key the
//!    manager trusts **for that person** (a key trusted for someone else, or unknown,
//!    is refused as foreign; a changed byte is refused as tampered);
//! 2. an age-encrypted file is decrypted (passphrase or the manager's age identity);
//! 3. the bundle parses and validates ([`Bundle::from_json`]).
//!
//! Only then is the verified bundle stored, read-only, in one transaction.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::Id;
use crate::error::{Error, Result};
use crate::export::Bundle;
use crate::journal::Journal;
use crate::protect::{self, AgeUnlock, PublicKey, VerifyFailure};

/// Someone whose bundles this manager receives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub keys: Vec<TrustedKey>,
    pub bundles: i64,
}

/// A minisign public key trusted for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct TrustedKey {
    pub key_id: String,
    pub public_key: String,
    pub added_at: DateTime<Utc>,
}

/// A bundle received, verified and stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct ReceivedBundle {
    pub id: Id,
    pub person: String,
    pub received_at: DateTime<Utc>,
    pub file_sha256: String,
    pub signer_key_id: String,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub items: usize,
}

/// One shared item on a person's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct TimelineItem {
    pub id: Id,
    /// purpose, challenge, session, reflection, checkin or audit
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    /// The person's UTC offset then, in seconds, to show their local clock time.
    pub offset_secs: i32,
    pub summary: String,
    /// The bundle this version of the item came from (the latest one holding it).
    pub bundle_id: Id,
}

/// The items of one local day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct TimelineDay {
    pub day: NaiveDate,
    pub items: Vec<TimelineItem>,
}

/// A person's timeline across every bundle received from them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Timeline {
    pub person: String,
    pub bundles: Vec<ReceivedBundle>,
    pub days: Vec<TimelineDay>,
}

/// What an agenda entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum AgendaKind {
    /// A talking point, carried forward to each one-on-one until closed.
    Point,
    /// An action item with an owner and a due date.
    Action,
    /// The manager's own note.
    Note,
}

impl AgendaKind {
    fn as_str(self) -> &'static str {
        match self {
            AgendaKind::Point => "point",
            AgendaKind::Action => "action",
            AgendaKind::Note => "note",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "point" => AgendaKind::Point,
            "action" => AgendaKind::Action,
            _ => AgendaKind::Note,
        }
    }
}

/// One agenda entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct AgendaItem {
    pub id: Id,
    pub kind: AgendaKind,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// How many one-on-ones were held while it stayed open: the times it was carried forward.
    pub carried: u32,
}

/// The next one-on-one with a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Agenda {
    pub person: String,
    /// Open talking points, oldest first: carried forward until closed.
    pub points: Vec<AgendaItem>,
    /// Open action items, soonest due first.
    pub actions: Vec<AgendaItem>,
    /// The manager's notes, newest first.
    pub notes: Vec<AgendaItem>,
    /// Points and actions already closed (only when asked for).
    pub closed: Vec<AgendaItem>,
    /// The questions the person put in their latest bundle.
    pub their_questions: Vec<String>,
    /// The day of the last one-on-one marked as held, if any.
    pub last_held: Option<NaiveDate>,
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn clean_text(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(format!(
            "The {what} is empty; write a few words."
        )));
    }
    if t.chars().count() > 10_000 {
        return Err(Error::invalid(format!(
            "The {what} is longer than 10,000 characters; shorten it."
        )));
    }
    Ok(t.to_string())
}

/// One sentence ending "; nothing was imported." from a message that ends with a period.
fn refused(msg: &str) -> Error {
    Error::invalid(format!(
        "{}; nothing was imported.",
        msg.trim_end().trim_end_matches('.')
    ))
}

fn person_not_found(name: &str) -> Error {
    Error::NotFound {
        kind: "manager person",
        id: name.to_string(),
    }
}

impl Journal {
    fn person_row(&self, name: &str) -> Result<(Id, String, String)> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT id, name, created_at FROM mgr_people WHERE name = ?1 COLLATE NOCASE",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (id, name, at) = row.ok_or_else(|| person_not_found(name))?;
        let id = id
            .parse::<Id>()
            .map_err(|_| Error::Database("a stored id had an unexpected form".into()))?;
        Ok((id, name, at))
    }

    fn trusted_keys_of(&self, person_id: Id) -> Result<Vec<TrustedKey>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key_id, public_key, added_at FROM mgr_trusted_keys
             WHERE person_id = ?1 ORDER BY added_at",
        )?;
        let rows = stmt.query_map([person_id.to_string()], |r| {
            Ok(TrustedKey {
                key_id: r.get(0)?,
                public_key: r.get(1)?,
                added_at: parse_time(&r.get::<_, String>(2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A person of the manager's, by name (any case).
    pub fn manager_person(&self, name: &str) -> Result<Person> {
        let (id, name, at) = self.person_row(name)?;
        let bundles: i64 = self.conn.query_row(
            "SELECT count(*) FROM mgr_bundles WHERE person_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(Person {
            id,
            name,
            created_at: parse_time(&at),
            keys: self.trusted_keys_of(id)?,
            bundles,
        })
    }

    /// Every person of the manager's, by name.
    pub fn manager_people(&self) -> Result<Vec<Person>> {
        let names: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT name FROM mgr_people ORDER BY name COLLATE NOCASE")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        names.iter().map(|n| self.manager_person(n)).collect()
    }

    /// Adds a person (names are unique, ignoring case).
    pub fn manager_add_person(&mut self, name: &str) -> Result<Person> {
        let name = clean_text(name, "name")?;
        if name.chars().count() > 200 {
            return Err(Error::invalid("A name has at most 200 characters."));
        }
        if self.person_row(&name).is_ok() {
            return Err(Error::invalid(format!(
                "There is already a person called {name}; nothing was changed."
            )));
        }
        self.conn.execute(
            "INSERT INTO mgr_people (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![Id::new().to_string(), name, now_text()],
        )?;
        self.manager_person(&name)
    }

    /// Trusts `key` for `person`'s bundles. A key can be trusted for one person only.
    pub fn manager_trust_key(&mut self, person: &str, key: &PublicKey) -> Result<TrustedKey> {
        let (pid, pname, _) = self.person_row(person)?;
        let holder: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT p.name, k.public_key FROM mgr_trusted_keys k
                 JOIN mgr_people p ON p.id = k.person_id WHERE k.key_id = ?1",
                [&key.key_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((holder, stored)) = holder {
            if holder == pname && stored == key.base64 {
                return self
                    .trusted_keys_of(pid)?
                    .into_iter()
                    .find(|k| k.key_id == key.key_id)
                    .ok_or_else(|| Error::Database("a trusted key vanished".into()));
            }
            return Err(Error::invalid(format!(
                "The key {} is already trusted for {holder}; a key can speak for one person only, so nothing was changed.",
                key.key_id
            )));
        }
        self.conn.execute(
            "INSERT INTO mgr_trusted_keys (id, person_id, key_id, public_key, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                Id::new().to_string(),
                pid.to_string(),
                key.key_id,
                key.base64,
                now_text()
            ],
        )?;
        self.trusted_keys_of(pid)?
            .into_iter()
            .find(|k| k.key_id == key.key_id)
            .ok_or_else(|| Error::Database("a trusted key vanished".into()))
    }

    /// Verifies, decrypts (when age-encrypted) and parses a file received from `person`,
    /// then stores the bundle. Refuses a tampered, foreign or malformed file with one
    /// sentence, having written nothing.
    pub fn manager_import(
        &mut self,
        person: &str,
        file: &[u8],
        signature: &str,
        unlock: Option<&AgeUnlock>,
    ) -> Result<ReceivedBundle> {
        let signer = self.manager_check_signature(person, file, signature)?;
        let (pid, pname, _) = self.person_row(person)?;
        // 2. Decrypt.
        let plain: zeroize::Zeroizing<Vec<u8>> = if protect::is_age(file) {
            let Some(unlock) = unlock else {
                return Err(refused(
                    "This file is age-encrypted; give your age identity file or the passphrase it was encrypted to",
                ));
            };
            protect::decrypt(file, unlock).map_err(|e| refused(&e.to_string()))?
        } else {
            zeroize::Zeroizing::new(file.to_vec())
        };
        self.store_verified(pid, &pname, file, &signer, &plain)
    }

    /// Step 1 of an import, on its own: checks the detached minisign `signature` over
    /// `file` exactly as received against the key trusted for `person`, and returns the
    /// signer's key id. Refuses a foreign, tampered or unsigned file in one sentence.
    /// The window runs it before asking for a passphrase, so a bad file is refused first.
    pub fn manager_check_signature(
        &self,
        person: &str,
        file: &[u8],
        signature: &str,
    ) -> Result<String> {
        let (pid, pname, _) = self.person_row(person)?;
        let keys = self.trusted_keys_of(pid)?;
        if keys.is_empty() {
            return Err(Error::invalid(format!(
                "You trust no signing key for {pname} yet, so nothing was imported; ask them for `asym keys show` and run `asym manager trust`."
            )));
        }
        // 1. The signature, over the file exactly as received.
        let signer = protect::signature_key_id(signature)
            .map_err(|_| refused("The signature file is not a minisign signature (.minisig)"))?;
        let Some(key) = keys.iter().find(|k| k.key_id == signer) else {
            let other: Option<String> = self
                .conn
                .query_row(
                    "SELECT p.name FROM mgr_trusted_keys k JOIN mgr_people p ON p.id = k.person_id
                     WHERE k.key_id = ?1",
                    [&signer],
                    |r| r.get(0),
                )
                .optional()?;
            return Err(refused(&match other {
                Some(o) => format!(
                    "This file was signed by {o}'s key ({signer}), not by the key you trust for {pname}"
                ),
                None => format!(
                    "This file was signed by an unknown key ({signer}), not by the key you trust for {pname}"
                ),
            }));
        };
        let pk = PublicKey {
            key_id: key.key_id.clone(),
            base64: key.public_key.clone(),
        };
        match protect::verify(&pk, file, signature) {
            Ok(_) => {}
            Err(VerifyFailure::Malformed) => {
                return Err(refused(
                    "The signature file is not a minisign signature (.minisig)",
                ));
            }
            Err(VerifyFailure::OtherKey(k)) => {
                return Err(refused(&format!(
                    "This file was signed by another key ({k}), not by the key you trust for {pname}"
                )));
            }
            Err(VerifyFailure::BadSignature) => {
                return Err(refused(&format!(
                    "This file does not match {pname}'s signature: it was changed after it was signed, or the signature belongs to another file"
                )));
            }
        }
        Ok(signer)
    }

    /// Steps 3 and 4 of an import: parses and validates the decrypted bundle, refuses a
    /// file already imported, then stores it in one transaction.
    fn store_verified(
        &mut self,
        pid: Id,
        pname: &str,
        file: &[u8],
        signer: &str,
        plain: &[u8],
    ) -> Result<ReceivedBundle> {
        // 3. Parse.
        let text = std::str::from_utf8(plain).map_err(|_| {
            refused("This file is not an Asymptote JSON bundle (it is not text); ask for the JSON format")
        })?;
        let bundle = Bundle::from_json(text).map_err(|e| refused(&e.to_string()))?;
        let sha = hex::encode(Sha256::digest(file));
        let dup: Option<String> = self
            .conn
            .query_row(
                "SELECT received_at FROM mgr_bundles WHERE person_id = ?1 AND file_sha256 = ?2",
                params![pid.to_string(), sha],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(at) = dup {
            return Err(Error::invalid(format!(
                "This file from {pname} was already imported on {}; nothing was imported again.",
                &at[..at.len().min(10)]
            )));
        }
        // Store the canonical JSON of what was verified and parsed.
        let json = bundle.to_json()?;
        let id = Id::new();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO mgr_bundles (id, person_id, received_at, file_sha256, signer_key_id,
                                      period_from, period_to, bundle_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.to_string(),
                pid.to_string(),
                now_text(),
                sha,
                signer,
                bundle.selection.from.to_string(),
                bundle.selection.to.to_string(),
                json
            ],
        )?;
        tx.commit()?;
        self.manager_bundles(pname)?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| Error::Database("an imported bundle vanished".into()))
    }

    fn bundles_with_json(&self, person: &str) -> Result<Vec<(ReceivedBundle, Bundle)>> {
        let (pid, pname, _) = self.person_row(person)?;
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, received_at, file_sha256, signer_key_id, period_from, period_to, bundle_json
                 FROM mgr_bundles WHERE person_id = ?1 ORDER BY received_at, id",
            )?;
            stmt.query_map([pid.to_string()], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (id, at, sha, signer, from, to, json) in rows {
            let bundle = Bundle::from_json(&json)?;
            out.push((
                ReceivedBundle {
                    id: id.parse().map_err(|_| {
                        Error::Database("a stored id had an unexpected form".into())
                    })?,
                    person: pname.clone(),
                    received_at: parse_time(&at),
                    file_sha256: sha,
                    signer_key_id: signer,
                    period_from: from.and_then(|d| d.parse().ok()),
                    period_to: to.and_then(|d| d.parse().ok()),
                    items: bundle.item_ids().len(),
                },
                bundle,
            ));
        }
        Ok(out)
    }

    /// The bundles received from `person`, oldest first.
    pub fn manager_bundles(&self, person: &str) -> Result<Vec<ReceivedBundle>> {
        Ok(self
            .bundles_with_json(person)?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// One bundle received from `person`, whole, as verified and stored.
    pub fn manager_bundle(&self, person: &str, id: Id) -> Result<Bundle> {
        self.bundles_with_json(person)?
            .into_iter()
            .find(|(r, _)| r.id == id)
            .map(|(_, b)| b)
            .ok_or_else(|| Error::NotFound {
                kind: "received bundle",
                id: id.to_string(),
            })
    }

    /// Everything `person` shared, across all their bundles, by local day. An item in
    /// several bundles appears once, as the latest bundle has it.
    pub fn manager_timeline(&self, person: &str) -> Result<Timeline> {
        let (_, pname, _) = self.person_row(person)?;
        let all = self.bundles_with_json(person)?;
        let mut items: std::collections::HashMap<Id, (NaiveDate, TimelineItem)> =
            std::collections::HashMap::new();
        for (rb, b) in &all {
            for (day, item) in timeline_items(b, rb.id) {
                items.insert(item.id, (day, item));
            }
        }
        let mut by_day: std::collections::BTreeMap<NaiveDate, Vec<TimelineItem>> =
            std::collections::BTreeMap::new();
        for (_, (day, item)) in items {
            by_day.entry(day).or_default().push(item);
        }
        let days = by_day
            .into_iter()
            .map(|(day, mut items)| {
                items.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.0.cmp(&b.id.0)));
                TimelineDay { day, items }
            })
            .collect();
        Ok(Timeline {
            person: pname,
            bundles: all.into_iter().map(|(r, _)| r).collect(),
            days,
        })
    }

    fn agenda_insert(
        &mut self,
        person: &str,
        kind: AgendaKind,
        text: &str,
        owner: Option<&str>,
        due: Option<NaiveDate>,
    ) -> Result<AgendaItem> {
        let (pid, _, _) = self.person_row(person)?;
        let text = clean_text(text, kind.as_str())?;
        let id = Id::new();
        self.conn.execute(
            "INSERT INTO mgr_agenda (id, person_id, kind, text, owner, due, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                pid.to_string(),
                kind.as_str(),
                text,
                owner,
                due.map(|d| d.to_string()),
                now_text()
            ],
        )?;
        self.agenda_item(id)
    }

    fn agenda_item(&self, id: Id) -> Result<AgendaItem> {
        Ok(self.conn.query_row(
            &format!("{AGENDA_SELECT} WHERE a.id = ?1"),
            [id.to_string()],
            agenda_row,
        )?)
    }

    /// Adds a talking point for the next one-on-one with `person`.
    pub fn agenda_add_point(&mut self, person: &str, text: &str) -> Result<AgendaItem> {
        self.agenda_insert(person, AgendaKind::Point, text, None, None)
    }

    /// Adds an action item with an owner and a due date.
    pub fn agenda_add_action(
        &mut self,
        person: &str,
        text: &str,
        owner: &str,
        due: NaiveDate,
    ) -> Result<AgendaItem> {
        let owner = clean_text(owner, "owner")?;
        self.agenda_insert(person, AgendaKind::Action, text, Some(&owner), Some(due))
    }

    /// Adds one of the manager's own notes about `person`.
    pub fn agenda_add_note(&mut self, person: &str, text: &str) -> Result<AgendaItem> {
        self.agenda_insert(person, AgendaKind::Note, text, None, None)
    }

    /// Closes a talking point or an action item, by its id or at least 4 characters
    /// from its start or end.
    pub fn agenda_close(&mut self, person: &str, id_text: &str) -> Result<AgendaItem> {
        let (pid, _, _) = self.person_row(person)?;
        let t = id_text.trim().to_ascii_lowercase();
        let not_found = || Error::NotFound {
            kind: "manager agenda",
            id: id_text.to_string(),
        };
        if t.len() < 4 {
            return Err(not_found());
        }
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM mgr_agenda WHERE person_id = ?1 AND kind IN ('point', 'action')
                 AND (id = ?2 OR substr(id, 1, length(?2)) = ?2 OR substr(id, -length(?2)) = ?2)",
            )?;
            stmt.query_map(params![pid.to_string(), t], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let id = match ids.as_slice() {
            [one] => one
                .parse::<Id>()
                .map_err(|_| Error::Database("a stored id had an unexpected form".into()))?,
            [] => return Err(not_found()),
            _ => {
                return Err(Error::Ambiguous {
                    kind: "agenda item",
                    id: id_text.to_string(),
                });
            }
        };
        self.conn.execute(
            "UPDATE mgr_agenda SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
            params![id.to_string(), now_text()],
        )?;
        self.agenda_item(id)
    }

    /// Marks a one-on-one with `person` as held on `on`: the points still open carry
    /// forward to the next one (their `carried` count goes up). Marking the same day twice
    /// changes nothing: one day, one one-on-one.
    pub fn agenda_held(&mut self, person: &str, on: NaiveDate) -> Result<Agenda> {
        let (pid, _, _) = self.person_row(person)?;
        self.conn.execute(
            "INSERT INTO mgr_meetings (id, person_id, held_on, created_at)
             SELECT ?1, ?2, ?3, ?4
             WHERE NOT EXISTS (SELECT 1 FROM mgr_meetings WHERE person_id = ?2 AND held_on = ?3)",
            params![
                Id::new().to_string(),
                pid.to_string(),
                on.to_string(),
                now_text()
            ],
        )?;
        self.agenda(person, false)
    }

    /// The next one-on-one with `person`: open points carried forward, open actions,
    /// notes, the person's own questions from their latest bundle; closed items too
    /// with `include_closed`.
    pub fn agenda(&self, person: &str, include_closed: bool) -> Result<Agenda> {
        let (pid, pname, _) = self.person_row(person)?;
        let all: Vec<AgendaItem> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "{AGENDA_SELECT} WHERE a.person_id = ?1 ORDER BY a.created_at, a.id"
            ))?;
            stmt.query_map([pid.to_string()], agenda_row)?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut a = Agenda {
            person: pname,
            points: Vec::new(),
            actions: Vec::new(),
            notes: Vec::new(),
            closed: Vec::new(),
            their_questions: self
                .bundles_with_json(person)?
                .pop()
                .map(|(_, b)| b.agenda)
                .unwrap_or_default(),
            last_held: self
                .conn
                .query_row(
                    "SELECT held_on FROM mgr_meetings WHERE person_id = ?1
                     ORDER BY held_on DESC, created_at DESC LIMIT 1",
                    [pid.to_string()],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .and_then(|d| d.parse().ok()),
        };
        for item in all {
            match (item.kind, item.closed_at.is_some()) {
                (AgendaKind::Note, _) => a.notes.push(item),
                (_, true) => {
                    if include_closed {
                        a.closed.push(item)
                    }
                }
                (AgendaKind::Point, false) => a.points.push(item),
                (AgendaKind::Action, false) => a.actions.push(item),
            }
        }
        a.actions.sort_by_key(|x| x.due);
        a.notes.reverse();
        Ok(a)
    }
}

fn agenda_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgendaItem> {
    let id: String = r.get(0)?;
    Ok(AgendaItem {
        id: id.parse().unwrap_or_default(),
        kind: AgendaKind::parse(&r.get::<_, String>(1)?),
        text: r.get(2)?,
        owner: r.get(3)?,
        due: r.get::<_, Option<String>>(4)?.and_then(|d| d.parse().ok()),
        created_at: parse_time(&r.get::<_, String>(5)?),
        closed_at: r.get::<_, Option<String>>(6)?.map(|t| parse_time(&t)),
        carried: r.get::<_, i64>(7)?.try_into().unwrap_or(0),
    })
}

/// Agenda rows with the number of one-on-ones held while each stayed open.
const AGENDA_SELECT: &str =
    "SELECT a.id, a.kind, a.text, a.owner, a.due, a.created_at, a.closed_at,
        (SELECT count(DISTINCT m.held_on) FROM mgr_meetings m WHERE m.person_id = a.person_id
           AND m.created_at > a.created_at AND (a.closed_at IS NULL OR m.created_at < a.closed_at))
     FROM mgr_agenda a";

fn first_line(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > max {
        let mut t: String = line.chars().take(max).collect();
        t.push('…');
        t
    } else {
        line.to_string()
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The items of one bundle as timeline entries, with their local days.
fn timeline_items(b: &Bundle, bundle_id: Id) -> Vec<(NaiveDate, TimelineItem)> {
    let mut out = Vec::new();
    let mut push = |meta: &crate::domain::Meta, kind: &'static str, summary: String| {
        out.push((
            meta.when.day,
            TimelineItem {
                id: meta.id,
                kind,
                at: meta.when.at,
                offset_secs: meta.when.offset_secs,
                summary,
                bundle_id,
            },
        ));
    };
    for p in &b.purposes {
        let mut s = format!("Purpose: {}", first_line(&p.title, 120));
        if let Some(w) = &p.whom {
            s.push_str(&format!(" (for {})", first_line(w, 60)));
        }
        push(&p.meta, "purpose", s);
    }
    for c in &b.challenges {
        let ch = &c.challenge;
        let mut s = format!("Challenge: {}", first_line(&ch.skill, 80));
        if let Some(g) = &ch.goal {
            s.push_str(&format!(" — {}", first_line(g, 100)));
        }
        push(&ch.meta, "challenge", s);
    }
    for s in &b.sessions {
        let d = &s.data;
        let mut t = format!(
            "Practice: {}",
            b.skill_of(s.challenge_id).unwrap_or("a challenge")
        );
        if let Some(m) = d.duration_min {
            t.push_str(&format!(", {} min", num(m)));
        }
        if let Some(p) = d.performance {
            t.push_str(&format!(", performance {}", num(p)));
        }
        if let (Some(k), Some(n)) = (d.successes, d.attempts) {
            t.push_str(&format!(", {k}/{n} succeeded"));
        }
        if !d.feedback.is_empty() {
            t.push_str(&format!(", {} feedback", d.feedback.len()));
        }
        if let Some(n) = &d.next_step {
            t.push_str(&format!("; next: {}", first_line(n, 100)));
        }
        push(&s.meta, "session", t);
    }
    for r in &b.reflections {
        let g = &r.gibbs;
        let text = r
            .text
            .as_deref()
            .or(g.description.as_deref())
            .or(g.conclusion.as_deref())
            .or(g.action_plan.as_deref())
            .unwrap_or("");
        push(
            &r.meta,
            "reflection",
            format!("Reflection: {}", first_line(text, 160)),
        );
    }
    for c in &b.checkins {
        let f = &c.ratings;
        let mut s = format!(
            "Autonomy check-in: task {}, time {}, technique {}, team {}",
            f.task, f.time, f.technique, f.team
        );
        if let Some(n) = &c.note {
            s.push_str(&format!(" — {}", first_line(n, 100)));
        }
        push(&c.meta, "checkin", s);
    }
    for a in &b.audit_items {
        push(
            &a.meta,
            "audit",
            format!("Motivation audit: {}", first_line(&a.description, 140)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::export::Selection;
    use crate::journal::CreateOptions;
    use crate::keystore::MemoryKeyStore;
    use crate::protect::{AgeIdentity, Recipient, protect_export};
    use crate::{NewChallenge, NewReflection, NewSession, SessionData};
    use chrono::TimeZone;

    const CANARY: &str = "quokkazanzibar";

    struct Two {
        _dir: tempfile::TempDir,
        person: Journal,
        manager: Journal,
        keys: MemoryKeyStore,
    }

    fn at(day: u32, hour: u32) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        Some(
            chrono::FixedOffset::east_opt(2 * 3600)
                .unwrap()
                .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
                .unwrap(),
        )
    }

    fn two() -> Two {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let mut person = Journal::create(&dir.path().join("p"), CreateOptions::keyring(), &keys)
            .unwrap()
            .journal;
        let manager = Journal::create(&dir.path().join("m"), CreateOptions::keyring(), &keys)
            .unwrap()
            .journal;
        let c = person
            .add_challenge(NewChallenge {
                skill: "Code review".into(),
                when: at(2, 8),
                ..Default::default()
            })
            .unwrap();
        for d in 2..=4 {
            person
                .add_session(NewSession {
                    challenge_id: Some(c.meta.id),
                    data: SessionData {
                        duration_min: Some(30.0),
                        performance: Some(40.0 - f64::from(d)),
                        ..Default::default()
                    },
                    private: false,
                    when: at(d, 9),
                })
                .unwrap();
        }
        person
            .add_reflection(NewReflection {
                text: Some("Shared: reviews got calmer".into()),
                private: false,
                when: at(3, 18),
                ..Default::default()
            })
            .unwrap();
        person
            .add_reflection(NewReflection {
                text: Some(format!("Private: {CANARY}")),
                private: true,
                when: at(3, 19),
                ..Default::default()
            })
            .unwrap();
        Two {
            _dir: dir,
            person,
            manager,
            keys,
        }
    }

    fn bundle_json(t: &Two) -> String {
        let mut sel = Selection::new(
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        );
        sel.agenda = vec!["Can I lead the next review?".into()];
        t.person.build_bundle(&sel).unwrap().to_json().unwrap()
    }

    fn counts(j: &Journal) -> (i64, i64, i64) {
        let q = |t: &str| -> i64 {
            j.conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        (q("mgr_people"), q("mgr_trusted_keys"), q("mgr_bundles"))
    }

    fn trust_person(t: &mut Two) -> PublicKey {
        let (pk, created) = protect::journal_public_key(&t.person, &t.keys).unwrap();
        assert!(created);
        t.manager.manager_add_person("Ada").unwrap();
        t.manager.manager_trust_key("ada", &pk).unwrap();
        pk
    }

    #[test]
    fn an_encrypted_signed_bundle_imports_and_reads_as_a_timeline() {
        let mut t = two();
        let pk = trust_person(&mut t);
        let id = age::x25519::Identity::generate();
        let secret = {
            use age::secrecy::ExposeSecret;
            id.to_string().expose_secret().to_string()
        };
        let json = bundle_json(&t);
        let p = protect_export(
            &t.person,
            &t.keys,
            json.as_bytes(),
            true,
            Some(&Recipient::AgeKey(id.to_public())),
        )
        .unwrap();
        assert!(p.encrypted);
        let unlock = AgeUnlock::Identity(AgeIdentity::parse(&secret).unwrap());
        let b = t
            .manager
            .manager_import(
                "ADA",
                &p.bytes,
                p.signature.as_deref().unwrap(),
                Some(&unlock),
            )
            .unwrap();
        assert_eq!(b.signer_key_id, pk.key_id);
        let parsed = Bundle::from_json(&json).unwrap();
        assert_eq!(b.items, parsed.item_ids().len());
        assert_eq!(
            (
                parsed.challenges.len(),
                parsed.sessions.len(),
                parsed.reflections.len()
            ),
            (1, 3, 1),
            "a challenge, three sessions, one shared reflection"
        );
        let tl = t.manager.manager_timeline("Ada").unwrap();
        let days: Vec<String> = tl.days.iter().map(|d| d.day.to_string()).collect();
        assert_eq!(days, ["2026-03-02", "2026-03-03", "2026-03-04"]);
        // Each item keeps the person's offset, to show their own clock time.
        assert!(
            tl.days
                .iter()
                .flat_map(|d| &d.items)
                .all(|i| i.offset_secs == 2 * 3600)
        );
        assert!(
            tl.days[1]
                .items
                .iter()
                .any(|i| i.summary.contains("calmer"))
        );
        assert!(!serde_json::to_string(&tl).unwrap().contains(CANARY));
        // The same file twice is refused; a second, newer bundle dedupes items.
        let e = t
            .manager
            .manager_import(
                "Ada",
                &p.bytes,
                p.signature.as_deref().unwrap(),
                Some(&unlock),
            )
            .unwrap_err();
        assert!(e.to_string().contains("already imported"), "{e}");
        let p2 = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
        t.manager
            .manager_import("Ada", &p2.bytes, p2.signature.as_deref().unwrap(), None)
            .unwrap();
        let tl2 = t.manager.manager_timeline("Ada").unwrap();
        assert_eq!(tl2.bundles.len(), 2);
        let n: usize = tl2.days.iter().map(|d| d.items.len()).sum();
        assert_eq!(n, 5, "items in two bundles appear once");
        let ag = t.manager.agenda("Ada", false).unwrap();
        assert_eq!(ag.their_questions, ["Can I lead the next review?"]);
        // A received bundle reads back whole, as it was verified; an unknown id is not found.
        let whole = t.manager.manager_bundle("ada", b.id).unwrap();
        assert_eq!(whole.item_ids(), parsed.item_ids());
        assert_eq!(whole.agenda, parsed.agenda);
        assert_eq!(
            t.manager
                .manager_bundle("Ada", Id::new())
                .unwrap_err()
                .kind(),
            "not_found"
        );
    }

    #[test]
    fn tampered_foreign_and_malformed_files_are_refused_and_nothing_is_written() {
        let mut t = two();
        trust_person(&mut t);
        let json = bundle_json(&t);
        let good = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
        let sig = good.signature.clone().unwrap();
        let before = counts(&t.manager);

        let mut flipped = good.bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x01;
        let e = t
            .manager
            .manager_import("Ada", &flipped, &sig, None)
            .unwrap_err();
        assert!(e.to_string().contains("changed after it was signed"), "{e}");
        assert!(e.to_string().ends_with("nothing was imported."), "{e}");
        // The signature check on its own says the same, and passes the real file.
        let e = t
            .manager
            .manager_check_signature("Ada", &flipped, &sig)
            .unwrap_err();
        assert!(e.to_string().contains("changed after it was signed"), "{e}");
        assert!(
            t.manager
                .manager_check_signature("Ada", &good.bytes, &sig)
                .is_ok()
        );

        // Signed by someone else's journal key.
        let other = crate::protect::SigningKey::generate().unwrap();
        let foreign_sig = other.sign(json.as_bytes(), "x").unwrap();
        let e = t
            .manager
            .manager_import("Ada", json.as_bytes(), &foreign_sig, None)
            .unwrap_err();
        assert!(e.to_string().contains("unknown key"), "{e}");

        // Another person's trusted key, used for Ada.
        t.manager.manager_add_person("Bob").unwrap();
        t.manager
            .manager_trust_key("Bob", &other.public_key().unwrap())
            .unwrap();
        let before = (before.0 + 1, before.1 + 1, before.2);
        let e = t
            .manager
            .manager_import("Ada", json.as_bytes(), &foreign_sig, None)
            .unwrap_err();
        assert!(e.to_string().contains("Bob's key"), "{e}");

        // Valid signature, malformed content.
        let (ada_key, _) = crate::protect::SigningKey::load(
            &t.keys,
            &t.person.status().unwrap().journal_id,
            false,
        )
        .unwrap();
        for bad in [
            "{\"format\":\"asymptote-bundle\",\"version\":1}".to_string(),
            "not json at all".to_string(),
            json.replace("asymptote-bundle", "other-bundle"),
        ] {
            let s = ada_key.sign(bad.as_bytes(), "x").unwrap();
            let e = t
                .manager
                .manager_import("Ada", bad.as_bytes(), &s, None)
                .unwrap_err();
            assert!(e.to_string().ends_with("nothing was imported."), "{e}");
        }
        let e = t
            .manager
            .manager_import("Ada", &good.bytes, "garbage", None)
            .unwrap_err();
        assert!(e.to_string().contains("not a minisign signature"), "{e}");
        assert_eq!(counts(&t.manager), before, "nothing was written");
    }

    #[test]
    fn the_agenda_carries_open_points_forward_until_closed() {
        let mut t = two();
        t.manager.manager_add_person("Ada").unwrap();
        let p1 = t.manager.agenda_add_point("Ada", "Career goals").unwrap();
        let p2 = t.manager.agenda_add_point("Ada", "On-call load").unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let a = t
            .manager
            .agenda_add_action("Ada", "Book the course", "Ada", due)
            .unwrap();
        assert_eq!(a.owner.as_deref(), Some("Ada"));
        t.manager.agenda_add_note("Ada", "Seemed tired").unwrap();
        let ag = t.manager.agenda("Ada", false).unwrap();
        assert_eq!(ag.points.len(), 2);
        assert_eq!(ag.actions.len(), 1);
        assert_eq!(ag.notes.len(), 1);
        // A one-on-one is held: both open points carry forward to the next one.
        std::thread::sleep(std::time::Duration::from_millis(5));
        let held = t
            .manager
            .agenda_held("Ada", NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
            .unwrap();
        assert_eq!(held.last_held, NaiveDate::from_ymd_opt(2026, 3, 10));
        assert_eq!(
            held.points.iter().map(|p| p.carried).collect::<Vec<_>>(),
            [1, 1]
        );
        // Marking the same day again is one one-on-one, not two.
        std::thread::sleep(std::time::Duration::from_millis(5));
        let again = t
            .manager
            .agenda_held("Ada", NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
            .unwrap();
        assert_eq!(
            again.points.iter().map(|p| p.carried).collect::<Vec<_>>(),
            [1, 1]
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        let p3 = t.manager.agenda_add_point("Ada", "New this week").unwrap();
        assert_eq!(p3.carried, 0);
        let s = p1.id.to_string();
        let closed = t.manager.agenda_close("Ada", &s[s.len() - 6..]).unwrap();
        assert!(closed.closed_at.is_some());
        let ag = t.manager.agenda("Ada", false).unwrap();
        let open: Vec<(Id, u32)> = ag.points.iter().map(|p| (p.id, p.carried)).collect();
        assert_eq!(open, [(p2.id, 1), (p3.id, 0)], "open points carry forward");
        assert!(ag.closed.is_empty());
        assert_eq!(t.manager.agenda("Ada", true).unwrap().closed.len(), 1);
        assert!(t.manager.agenda_close("Ada", "zz").is_err());
        assert!(t.manager.agenda_add_point("Ada", "   ").is_err());
        assert!(t.manager.agenda("Nobody", false).is_err());
        assert!(
            t.manager.manager_add_person("ADA").is_err(),
            "names are unique"
        );
    }

    #[test]
    fn a_key_speaks_for_one_person_and_no_export_reads_manager_tables() {
        let mut t = two();
        let pk = trust_person(&mut t);
        t.manager.manager_add_person("Bob").unwrap();
        let e = t.manager.manager_trust_key("Bob", &pk).unwrap_err();
        assert!(e.to_string().contains("already trusted for Ada"), "{e}");
        // Trusting the same key again for the same person is idempotent.
        t.manager.manager_trust_key("Ada", &pk).unwrap();
        // The manager's notes never appear in the manager's own exports either.
        t.manager.agenda_add_note("Ada", CANARY).unwrap();
        let sel = Selection::new(
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
        );
        let json = t.manager.build_bundle(&sel).unwrap().to_json().unwrap();
        assert!(!json.contains(CANARY));
    }
}
