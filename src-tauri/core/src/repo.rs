//! Reading and writing items: queries grouped by table, as methods on [`Journal`].
//!
//! Every write runs in one transaction together with its search-index update,
//! so the index never disagrees with the items. Column order for the shared
//! bookkeeping is always `id, created_at, updated_at, at, offset_secs, day, private`.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use crate::domain::*;
use crate::error::{Error, Result};
use crate::journal::Journal;

const META_COLS: &str = "id, created_at, updated_at, at, offset_secs, day, private";

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// `LIMIT ?1 OFFSET ?2` arguments (SQLite's integers are signed).
fn page(limit: usize, skip: usize) -> (i64, i64) {
    (
        i64::try_from(limit).unwrap_or(i64::MAX),
        i64::try_from(skip).unwrap_or(i64::MAX),
    )
}

fn parse_id(s: &str) -> rusqlite::Result<Id> {
    uuid::Uuid::parse_str(s).map(Id).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn parse_day(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn meta_from_row(r: &Row<'_>) -> rusqlite::Result<Meta> {
    Ok(Meta {
        id: parse_id(&r.get::<_, String>(0)?)?,
        created_at: parse_ts(&r.get::<_, String>(1)?)?,
        updated_at: parse_ts(&r.get::<_, String>(2)?)?,
        when: When {
            at: parse_ts(&r.get::<_, String>(3)?)?,
            offset_secs: r.get(4)?,
            day: parse_day(&r.get::<_, String>(5)?)?,
        },
        private: r.get::<_, i64>(6)? != 0,
    })
}

/// Now, to the millisecond: the precision the store keeps.
fn now_ms() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
}

fn new_meta(when: Option<chrono::DateTime<chrono::FixedOffset>>, private: bool) -> Meta {
    let now = now_ms();
    Meta {
        id: Id::new(),
        when: when.map(When::from_local).unwrap_or_else(When::now),
        created_at: now,
        updated_at: now,
        private,
    }
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Rowid space in the search index: the kind in the high bits, the item's rowid below.
fn search_rowid(kind: Kind, item_rowid: i64) -> i64 {
    let code = match kind {
        Kind::Purpose => 1,
        Kind::Challenge => 2,
        Kind::Session => 3,
        Kind::Reflection => 4,
        Kind::Checkin => 5,
        Kind::AuditItem => 6,
    };
    (code << 40) | item_rowid
}

fn reindex(tx: &Transaction<'_>, kind: Kind, id: Id, day: NaiveDate, body: &str) -> Result<()> {
    let rowid: i64 = tx.query_row(
        &format!("SELECT rowid FROM {} WHERE id = ?1", kind.table()),
        [id.to_string()],
        |r| r.get(0),
    )?;
    let sid = search_rowid(kind, rowid);
    tx.execute("DELETE FROM search_index WHERE rowid = ?1", [sid])?;
    tx.execute(
        "INSERT INTO search_index(rowid, kind, item_id, day, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sid, kind.as_str(), id.to_string(), day.to_string(), body],
    )?;
    Ok(())
}

fn unindex(tx: &Transaction<'_>, kind: Kind, id: Id) -> Result<()> {
    let rowid: Option<i64> = tx
        .query_row(
            &format!("SELECT rowid FROM {} WHERE id = ?1", kind.table()),
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(rowid) = rowid {
        tx.execute(
            "DELETE FROM search_index WHERE rowid = ?1",
            [search_rowid(kind, rowid)],
        )?;
    }
    Ok(())
}

fn join_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn body_purpose(p: &Purpose) -> String {
    join_text([Some(p.title.as_str()), p.whom.as_deref(), p.why.as_deref()])
}
fn body_challenge(c: &Challenge) -> String {
    join_text([
        Some(c.skill.as_str()),
        c.goal.as_deref(),
        c.measure.name.as_deref(),
        c.measure.unit.as_deref(),
    ])
}
fn body_session(s: &Session) -> String {
    let d = &s.data;
    let mut parts: Vec<Option<&str>> = vec![
        d.sub_skill.as_deref(),
        d.next_step.as_deref(),
        d.notes.as_deref(),
    ];
    for f in &d.feedback {
        parts.push(Some(f.source.as_str()));
        parts.push(f.worked.as_deref());
        parts.push(f.change.as_deref());
    }
    join_text(parts)
}
fn body_reflection(r: &Reflection) -> String {
    let mut parts: Vec<Option<&str>> = vec![r.text.as_deref()];
    parts.extend(r.gibbs.fields().iter().map(|(_, v)| v.as_deref()));
    parts.extend(r.tags.iter().map(|t| Some(t.as_str())));
    join_text(parts)
}
fn body_checkin(c: &Checkin) -> String {
    join_text([c.note.as_deref()])
}
fn body_audit(a: &AuditItem) -> String {
    join_text([
        Some(a.description.as_str()),
        a.contingency.as_deref(),
        a.note.as_deref(),
    ])
}

fn not_found(kind: Kind, id: Id) -> Error {
    Error::NotFound {
        kind: kind.as_str(),
        id: id.to_string(),
    }
}

fn map_constraint(e: rusqlite::Error, what: &str) -> Error {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return Error::invalid(format!("{what} Nothing was changed."));
    }
    e.into()
}

impl Journal {
    /// Runs `f` in one IMMEDIATE transaction; commits on `Ok`.
    pub(crate) fn with_tx<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Finds the one item of `kind` whose id is `text`, or starts or ends with it.
    pub fn resolve_id(&self, kind: Kind, text: &str) -> Result<Id> {
        let t = text.trim().to_ascii_lowercase();
        if let Ok(id) = t.parse::<Id>() {
            return Ok(id);
        }
        if t.len() < 4 || !t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(Error::invalid(format!(
                "`{text}` is not an id; give at least 4 characters of one (see `asym {} list`).",
                kind.as_str().replace('_', "-")
            )));
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id FROM {} WHERE id LIKE ?1 || '%' OR id LIKE '%' || ?1 LIMIT 2",
            kind.table()
        ))?;
        let ids: Vec<String> = stmt
            .query_map([&t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(parse_id(one)?),
            [] => Err(Error::NotFound {
                kind: kind.as_str(),
                id: text.to_string(),
            }),
            _ => Err(Error::Ambiguous {
                kind: kind.as_str(),
                id: text.to_string(),
            }),
        }
    }

    fn ensure_exists(tx: &Transaction<'_>, kind: Kind, id: Id) -> Result<()> {
        let n: i64 = tx.query_row(
            &format!("SELECT count(*) FROM {} WHERE id = ?1", kind.table()),
            [id.to_string()],
            |r| r.get(0),
        )?;
        if n == 0 {
            Err(not_found(kind, id))
        } else {
            Ok(())
        }
    }

    fn ids(&self, sql: &str, id: Id) -> Result<Vec<Id>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id.to_string()], |r| parse_id(&r.get::<_, String>(0)?))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ------------------------------------------------------------ purposes

    pub fn add_purpose(&mut self, new: NewPurpose) -> Result<Purpose> {
        non_empty("purpose title", &new.title)?;
        let p = Purpose {
            meta: new_meta(new.when, new.private),
            title: new.title.trim().to_string(),
            whom: trimmed(&new.whom),
            why: trimmed(&new.why),
            challenge_ids: Vec::new(),
        };
        self.with_tx(|tx| {
            let m = &p.meta;
            tx.execute(
                &format!("INSERT INTO purposes ({META_COLS}, title, whom, why) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"),
                params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private, p.title, p.whom, p.why],
            )?;
            reindex(tx, Kind::Purpose, m.id, m.when.day, &body_purpose(&p))
        })?;
        Ok(p)
    }

    fn purpose_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Purpose>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, title, whom, why FROM purposes {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            Ok(Purpose {
                meta: meta_from_row(r)?,
                title: r.get(7)?,
                whom: r.get(8)?,
                why: r.get(9)?,
                challenge_ids: Vec::new(),
            })
        })?;
        let mut out: Vec<Purpose> = rows.collect::<rusqlite::Result<_>>()?;
        for p in &mut out {
            p.challenge_ids = self.ids(
                "SELECT challenge_id FROM challenge_purposes WHERE purpose_id = ?1 ORDER BY challenge_id",
                p.meta.id,
            )?;
        }
        Ok(out)
    }

    pub fn purpose(&self, id: Id) -> Result<Purpose> {
        self.purpose_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::Purpose, id))
    }

    pub fn purposes(&self) -> Result<Vec<Purpose>> {
        self.purpose_rows("ORDER BY at, id", &[])
    }

    pub fn update_purpose(&mut self, p: &Purpose) -> Result<Purpose> {
        non_empty("purpose title", &p.title)?;
        let mut p = p.clone();
        p.title = p.title.trim().to_string();
        p.whom = trimmed(&p.whom);
        p.why = trimmed(&p.why);
        p.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::Purpose, p.meta.id)?;
            let m = &p.meta;
            tx.execute(
                "UPDATE purposes SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, title=?7, whom=?8, why=?9 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private, p.title, p.whom, p.why],
            )?;
            reindex(tx, Kind::Purpose, m.id, m.when.day, &body_purpose(&p))
        })?;
        self.purpose(p.meta.id)
    }

    pub fn delete_purpose(&mut self, id: Id) -> Result<()> {
        self.delete_item(Kind::Purpose, id)
    }

    fn delete_item(&mut self, kind: Kind, id: Id) -> Result<()> {
        self.with_tx(|tx| {
            Self::ensure_exists(tx, kind, id)?;
            unindex(tx, kind, id)?;
            tx.execute(
                &format!("DELETE FROM {} WHERE id = ?1", kind.table()),
                [id.to_string()],
            )
            .map_err(|e| {
                map_constraint(
                    e,
                    &format!(
                        "This {} still has items that depend on it; delete or move them first.",
                        kind.as_str()
                    ),
                )
            })?;
            Ok(())
        })
    }

    // ---------------------------------------------------------- challenges

    fn set_challenge_purposes(tx: &Transaction<'_>, id: Id, purposes: &[Id]) -> Result<()> {
        tx.execute(
            "DELETE FROM challenge_purposes WHERE challenge_id = ?1",
            [id.to_string()],
        )?;
        for p in purposes {
            Self::ensure_exists(tx, Kind::Purpose, *p)?;
            tx.execute(
                "INSERT OR IGNORE INTO challenge_purposes (challenge_id, purpose_id) VALUES (?1, ?2)",
                params![id.to_string(), p.to_string()],
            )?;
        }
        Ok(())
    }

    pub fn add_challenge(&mut self, new: NewChallenge) -> Result<Challenge> {
        non_empty("challenge's skill", &new.skill)?;
        check_target_rate(new.target_rate)?;
        check_finite("difficulty", new.difficulty)?;
        let c = Challenge {
            meta: new_meta(new.when, new.private),
            skill: new.skill.trim().to_string(),
            goal: trimmed(&new.goal),
            measure: Measure {
                name: trimmed(&new.measure.name),
                unit: trimmed(&new.measure.unit),
                higher_is_better: new.measure.higher_is_better,
            },
            difficulty: new.difficulty,
            target_rate: new.target_rate,
            status: new.status,
            purpose_ids: new.purpose_ids.clone(),
        };
        self.with_tx(|tx| {
            let m = &c.meta;
            tx.execute(
                &format!("INSERT INTO challenges ({META_COLS}, skill, goal, measure_name, measure_unit, higher_is_better, difficulty, target_rate, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"),
                params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        c.skill, c.goal, c.measure.name, c.measure.unit, c.measure.higher_is_better, c.difficulty, c.target_rate, c.status.as_str()],
            )?;
            Self::set_challenge_purposes(tx, m.id, &c.purpose_ids)?;
            reindex(tx, Kind::Challenge, m.id, m.when.day, &body_challenge(&c))
        })?;
        self.challenge(c.meta.id)
    }

    fn challenge_rows(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Challenge>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, skill, goal, measure_name, measure_unit, higher_is_better, difficulty, target_rate, status FROM challenges {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let status: String = r.get(14)?;
            Ok(Challenge {
                meta: meta_from_row(r)?,
                skill: r.get(7)?,
                goal: r.get(8)?,
                measure: Measure {
                    name: r.get(9)?,
                    unit: r.get(10)?,
                    higher_is_better: r.get(11)?,
                },
                difficulty: r.get(12)?,
                target_rate: r.get(13)?,
                status: ChallengeStatus::parse(&status).unwrap_or_default(),
                purpose_ids: Vec::new(),
            })
        })?;
        let mut out: Vec<Challenge> = rows.collect::<rusqlite::Result<_>>()?;
        for c in &mut out {
            c.purpose_ids = self.ids(
                "SELECT purpose_id FROM challenge_purposes WHERE challenge_id = ?1 ORDER BY purpose_id",
                c.meta.id,
            )?;
        }
        Ok(out)
    }

    pub fn challenge(&self, id: Id) -> Result<Challenge> {
        self.challenge_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::Challenge, id))
    }

    /// All challenges, or only those with `status`.
    pub fn challenges(&self, status: Option<ChallengeStatus>) -> Result<Vec<Challenge>> {
        match status {
            Some(s) => self.challenge_rows("WHERE status = ?1 ORDER BY at, id", &[&s.as_str()]),
            None => self.challenge_rows("ORDER BY at, id", &[]),
        }
    }

    pub fn update_challenge(&mut self, c: &Challenge) -> Result<Challenge> {
        non_empty("challenge's skill", &c.skill)?;
        check_target_rate(c.target_rate)?;
        check_finite("difficulty", c.difficulty)?;
        let mut c = c.clone();
        c.skill = c.skill.trim().to_string();
        c.goal = trimmed(&c.goal);
        c.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::Challenge, c.meta.id)?;
            let m = &c.meta;
            tx.execute(
                "UPDATE challenges SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, skill=?7, goal=?8, measure_name=?9, measure_unit=?10, higher_is_better=?11, difficulty=?12, target_rate=?13, status=?14 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        c.skill, c.goal, trimmed(&c.measure.name), trimmed(&c.measure.unit), c.measure.higher_is_better, c.difficulty, c.target_rate, c.status.as_str()],
            )?;
            Self::set_challenge_purposes(tx, m.id, &c.purpose_ids)?;
            reindex(tx, Kind::Challenge, m.id, m.when.day, &body_challenge(&c))
        })?;
        self.challenge(c.meta.id)
    }

    /// Deletes a challenge. Refused while practice sessions belong to it, so no
    /// session is ever lost by deleting its challenge: pause it or mark it done instead.
    pub fn delete_challenge(&mut self, id: Id) -> Result<()> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM sessions WHERE challenge_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Err(Error::invalid(format!(
                "This challenge has {n} practice session{} logged, so it was not deleted. Mark it done or paused instead, or delete its sessions first.",
                if n == 1 { "" } else { "s" }
            )));
        }
        self.delete_item(Kind::Challenge, id)
    }

    // ------------------------------------------------------------ sessions

    fn write_feedback(tx: &Transaction<'_>, session: Id, fb: &[Feedback]) -> Result<()> {
        tx.execute(
            "DELETE FROM feedback WHERE session_id = ?1",
            [session.to_string()],
        )?;
        for (i, f) in fb.iter().enumerate() {
            tx.execute(
                "INSERT INTO feedback (id, session_id, position, source, delay_min, worked, change) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                params![Id::new().to_string(), session.to_string(), i as i64, f.source.as_str(), f.delay_min, trimmed(&f.worked), trimmed(&f.change)],
            )?;
        }
        Ok(())
    }

    pub fn add_session(&mut self, new: NewSession) -> Result<Session> {
        let ids = self.add_sessions(vec![new])?;
        let id = ids
            .first()
            .copied()
            .ok_or_else(|| Error::invalid("No session was given."))?;
        self.session(id)
    }

    /// Logs many sessions in one transaction (imports, benchmarks): all or none.
    pub fn add_sessions(&mut self, news: Vec<NewSession>) -> Result<Vec<Id>> {
        let mut sessions = Vec::with_capacity(news.len());
        for new in news {
            let challenge_id = new.challenge_id.ok_or_else(|| {
                Error::invalid("A practice session needs its challenge; give --challenge ID.")
            })?;
            new.data.validate()?;
            sessions.push(Session {
                meta: new_meta(new.when, new.private),
                challenge_id,
                data: new.data,
            });
        }
        self.with_tx(|tx| {
            for s in &sessions {
                Self::ensure_exists(tx, Kind::Challenge, s.challenge_id)?;
                Self::insert_session(tx, s)?;
                reindex(
                    tx,
                    Kind::Session,
                    s.meta.id,
                    s.meta.when.day,
                    &body_session(s),
                )?;
            }
            Ok(())
        })?;
        Ok(sessions.iter().map(|s| s.meta.id).collect())
    }

    fn insert_session(tx: &Transaction<'_>, s: &Session) -> Result<()> {
        let m = &s.meta;
        let d = &s.data;
        tx.execute(
            &format!("INSERT INTO sessions ({META_COLS}, challenge_id, duration_min, sub_skill, difficulty, predicted_rate, attempts, successes, performance, effort, challenge_rating, skill_rating, next_step, notes) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)"),
            params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                    s.challenge_id.to_string(), d.duration_min, trimmed(&d.sub_skill), d.difficulty, d.predicted_rate, d.attempts, d.successes, d.performance,
                    d.effort, d.challenge_rating, d.skill_rating, trimmed(&d.next_step), trimmed(&d.notes)],
        )
        .map_err(|e| map_constraint(e, "That session has a value out of range."))?;
        Self::write_feedback(tx, m.id, &d.feedback)
    }

    fn session_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Session>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, challenge_id, duration_min, sub_skill, difficulty, predicted_rate, attempts, successes, performance, effort, challenge_rating, skill_rating, next_step, notes FROM sessions {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            Ok(Session {
                meta: meta_from_row(r)?,
                challenge_id: parse_id(&r.get::<_, String>(7)?)?,
                data: SessionData {
                    duration_min: r.get(8)?,
                    sub_skill: r.get(9)?,
                    difficulty: r.get(10)?,
                    predicted_rate: r.get(11)?,
                    attempts: r.get(12)?,
                    successes: r.get(13)?,
                    performance: r.get(14)?,
                    effort: r.get(15)?,
                    challenge_rating: r.get(16)?,
                    skill_rating: r.get(17)?,
                    next_step: r.get(18)?,
                    notes: r.get(19)?,
                    feedback: Vec::new(),
                },
            })
        })?;
        let mut out: Vec<Session> = rows.collect::<rusqlite::Result<_>>()?;
        let feedback = |r: &rusqlite::Row<'_>| {
            let src: String = r.get(1)?;
            Ok(Feedback {
                source: FeedbackSource::parse(&src).unwrap_or_default(),
                delay_min: r.get(2)?,
                worked: r.get(3)?,
                change: r.get(4)?,
            })
        };
        let mut by_session = self.children(
            out.len(),
            "SELECT session_id, source, delay_min, worked, change FROM feedback",
            "session_id",
            &out.iter().map(|s| s.meta.id).collect::<Vec<_>>(),
            "position",
            feedback,
        )?;
        for s in &mut out {
            s.data.feedback = by_session
                .remove(&s.meta.id.to_string())
                .unwrap_or_default();
        }
        Ok(out)
    }

    /// The child rows (feedback, tags, links) of `owners`, grouped by owner id, in `order`.
    /// `select`'s first column is the owner id. A few owners are read one query each (an
    /// index lookup); many are read in one pass over the child table, not one query per
    /// owner: `session list` over ten years is one query, not 14,600.
    fn children<T>(
        &self,
        count: usize,
        select: &str,
        owner_col: &str,
        owners: &[Id],
        order: &str,
        map: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<std::collections::HashMap<String, Vec<T>>> {
        const ONE_BY_ONE: usize = 16;
        let mut grouped: std::collections::HashMap<String, Vec<T>> =
            std::collections::HashMap::new();
        let mut push = |r: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            let owner: String = r.get(0)?;
            grouped.entry(owner).or_default().push(map(r)?);
            Ok(())
        };
        if count <= ONE_BY_ONE {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("{select} WHERE {owner_col} = ?1 ORDER BY {order}"))?;
            for id in owners {
                let mut rows = stmt.query([id.to_string()])?;
                while let Some(r) = rows.next()? {
                    push(r)?;
                }
            }
        } else {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("{select} ORDER BY {owner_col}, {order}"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                push(r)?;
            }
        }
        Ok(grouped)
    }

    pub fn session(&self, id: Id) -> Result<Session> {
        self.session_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::Session, id))
    }

    /// The latest sessions, newest first: `limit` of them after skipping `skip` (a page of
    /// a long history without reading ten years of it).
    pub fn recent_sessions(&self, limit: usize, skip: usize) -> Result<Vec<Session>> {
        let (limit, skip) = page(limit, skip);
        self.session_rows(
            "ORDER BY at DESC, id DESC LIMIT ?1 OFFSET ?2",
            &[&limit, &skip],
        )
    }

    /// Sessions, oldest first; only one challenge's when `challenge` is given.
    pub fn sessions(&self, challenge: Option<Id>) -> Result<Vec<Session>> {
        match challenge {
            Some(c) => {
                self.session_rows("WHERE challenge_id = ?1 ORDER BY at, id", &[&c.to_string()])
            }
            None => self.session_rows("ORDER BY at, id", &[]),
        }
    }

    pub fn update_session(&mut self, s: &Session) -> Result<Session> {
        s.data.validate()?;
        let mut s = s.clone();
        s.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::Session, s.meta.id)?;
            Self::ensure_exists(tx, Kind::Challenge, s.challenge_id)?;
            let m = &s.meta;
            let d = &s.data;
            tx.execute(
                "UPDATE sessions SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, challenge_id=?7, duration_min=?8, sub_skill=?9, difficulty=?10, predicted_rate=?11, attempts=?12, successes=?13, performance=?14, effort=?15, challenge_rating=?16, skill_rating=?17, next_step=?18, notes=?19 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        s.challenge_id.to_string(), d.duration_min, trimmed(&d.sub_skill), d.difficulty, d.predicted_rate, d.attempts, d.successes, d.performance,
                        d.effort, d.challenge_rating, d.skill_rating, trimmed(&d.next_step), trimmed(&d.notes)],
            )
            .map_err(|e| map_constraint(e, "That session has a value out of range."))?;
            Self::write_feedback(tx, m.id, &d.feedback)?;
            reindex(tx, Kind::Session, m.id, m.when.day, &body_session(&s))
        })?;
        self.session(s.meta.id)
    }

    pub fn delete_session(&mut self, id: Id) -> Result<()> {
        self.delete_item(Kind::Session, id)
    }

    // --------------------------------------------------------- reflections

    fn write_reflection_links(tx: &Transaction<'_>, r: &Reflection) -> Result<()> {
        let id = r.meta.id.to_string();
        tx.execute(
            "DELETE FROM reflection_tags WHERE reflection_id = ?1",
            [&id],
        )?;
        tx.execute(
            "DELETE FROM reflection_sessions WHERE reflection_id = ?1",
            [&id],
        )?;
        tx.execute(
            "DELETE FROM reflection_challenges WHERE reflection_id = ?1",
            [&id],
        )?;
        tx.execute(
            "DELETE FROM reflection_purposes WHERE reflection_id = ?1",
            [&id],
        )?;
        for t in &r.tags {
            tx.execute(
                "INSERT OR IGNORE INTO reflection_tags (reflection_id, tag) VALUES (?1, ?2)",
                params![id, t],
            )?;
        }
        for (kind, table, col, ids) in [
            (
                Kind::Session,
                "reflection_sessions",
                "session_id",
                &r.session_ids,
            ),
            (
                Kind::Challenge,
                "reflection_challenges",
                "challenge_id",
                &r.challenge_ids,
            ),
            (
                Kind::Purpose,
                "reflection_purposes",
                "purpose_id",
                &r.purpose_ids,
            ),
        ] {
            for target in ids {
                Self::ensure_exists(tx, kind, *target)?;
                tx.execute(
                    &format!(
                        "INSERT OR IGNORE INTO {table} (reflection_id, {col}) VALUES (?1, ?2)"
                    ),
                    params![id, target.to_string()],
                )?;
            }
        }
        Ok(())
    }

    fn clean_reflection(r: &mut Reflection) -> Result<()> {
        r.text = trimmed(&r.text);
        let g = &mut r.gibbs;
        for f in [
            &mut g.description,
            &mut g.feelings,
            &mut g.evaluation,
            &mut g.analysis,
            &mut g.conclusion,
            &mut g.action_plan,
        ] {
            *f = trimmed(f);
        }
        let mut tags: Vec<String> = r
            .tags
            .iter()
            .map(|t| t.trim().trim_start_matches('#').to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        r.tags = tags;
        if r.text.is_none() && r.gibbs.is_empty() {
            return Err(Error::invalid(
                "A reflection needs some text: free text or at least one answer to a prompt.",
            ));
        }
        Ok(())
    }

    pub fn add_reflection(&mut self, new: NewReflection) -> Result<Reflection> {
        let mut r = Reflection {
            meta: new_meta(new.when, new.private),
            text: new.text,
            gibbs: new.gibbs,
            tags: new.tags,
            session_ids: new.session_ids,
            challenge_ids: new.challenge_ids,
            purpose_ids: new.purpose_ids,
        };
        Self::clean_reflection(&mut r)?;
        self.with_tx(|tx| {
            let m = &r.meta;
            let g = &r.gibbs;
            tx.execute(
                &format!("INSERT INTO reflections ({META_COLS}, text, description, feelings, evaluation, analysis, conclusion, action_plan) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
                params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        r.text, g.description, g.feelings, g.evaluation, g.analysis, g.conclusion, g.action_plan],
            )?;
            Self::write_reflection_links(tx, &r)?;
            reindex(tx, Kind::Reflection, m.id, m.when.day, &body_reflection(&r))
        })?;
        self.reflection(r.meta.id)
    }

    fn reflection_rows(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Reflection>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, text, description, feelings, evaluation, analysis, conclusion, action_plan FROM reflections {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            Ok(Reflection {
                meta: meta_from_row(r)?,
                text: r.get(7)?,
                gibbs: Gibbs {
                    description: r.get(8)?,
                    feelings: r.get(9)?,
                    evaluation: r.get(10)?,
                    analysis: r.get(11)?,
                    conclusion: r.get(12)?,
                    action_plan: r.get(13)?,
                },
                tags: Vec::new(),
                session_ids: Vec::new(),
                challenge_ids: Vec::new(),
                purpose_ids: Vec::new(),
            })
        })?;
        let mut out: Vec<Reflection> = rows.collect::<rusqlite::Result<_>>()?;
        let owners: Vec<Id> = out.iter().map(|r| r.meta.id).collect();
        let n = out.len();
        let mut tags = self.children(
            n,
            "SELECT reflection_id, tag FROM reflection_tags",
            "reflection_id",
            &owners,
            "tag",
            |r| r.get::<_, String>(1),
        )?;
        let link = |r: &rusqlite::Row<'_>| parse_id(&r.get::<_, String>(1)?);
        let mut sessions = self.children(
            n,
            "SELECT reflection_id, session_id FROM reflection_sessions",
            "reflection_id",
            &owners,
            "session_id",
            link,
        )?;
        let mut challenges = self.children(
            n,
            "SELECT reflection_id, challenge_id FROM reflection_challenges",
            "reflection_id",
            &owners,
            "challenge_id",
            link,
        )?;
        let mut purposes = self.children(
            n,
            "SELECT reflection_id, purpose_id FROM reflection_purposes",
            "reflection_id",
            &owners,
            "purpose_id",
            link,
        )?;
        for r in &mut out {
            let id = r.meta.id.to_string();
            r.tags = tags.remove(&id).unwrap_or_default();
            r.session_ids = sessions.remove(&id).unwrap_or_default();
            r.challenge_ids = challenges.remove(&id).unwrap_or_default();
            r.purpose_ids = purposes.remove(&id).unwrap_or_default();
        }
        Ok(out)
    }

    pub fn reflection(&self, id: Id) -> Result<Reflection> {
        self.reflection_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::Reflection, id))
    }

    pub fn reflections(&self) -> Result<Vec<Reflection>> {
        self.reflection_rows("ORDER BY at, id", &[])
    }

    /// How many reflections link to each purpose (purposes with none are absent).
    pub fn reflections_per_purpose(&self) -> Result<Vec<(Id, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT purpose_id, count(*) FROM reflection_purposes GROUP BY purpose_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                parse_id(&r.get::<_, String>(0)?)?,
                usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest reflections, newest first: `limit` of them after skipping `skip`.
    pub fn recent_reflections(&self, limit: usize, skip: usize) -> Result<Vec<Reflection>> {
        let (limit, skip) = page(limit, skip);
        self.reflection_rows(
            "ORDER BY at DESC, id DESC LIMIT ?1 OFFSET ?2",
            &[&limit, &skip],
        )
    }

    pub fn update_reflection(&mut self, r: &Reflection) -> Result<Reflection> {
        let mut r = r.clone();
        Self::clean_reflection(&mut r)?;
        r.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::Reflection, r.meta.id)?;
            let m = &r.meta;
            let g = &r.gibbs;
            tx.execute(
                "UPDATE reflections SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, text=?7, description=?8, feelings=?9, evaluation=?10, analysis=?11, conclusion=?12, action_plan=?13 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        r.text, g.description, g.feelings, g.evaluation, g.analysis, g.conclusion, g.action_plan],
            )?;
            Self::write_reflection_links(tx, &r)?;
            reindex(tx, Kind::Reflection, m.id, m.when.day, &body_reflection(&r))
        })?;
        self.reflection(r.meta.id)
    }

    pub fn delete_reflection(&mut self, id: Id) -> Result<()> {
        self.delete_item(Kind::Reflection, id)
    }

    // ------------------------------------------------------------ checkins

    pub fn add_checkin(&mut self, new: NewCheckin) -> Result<Checkin> {
        new.ratings.validate()?;
        let c = Checkin {
            meta: new_meta(new.when, new.private),
            ratings: new.ratings,
            note: trimmed(&new.note),
        };
        self.with_tx(|tx| {
            let m = &c.meta;
            let t = &c.ratings;
            tx.execute(
                &format!("INSERT INTO checkins ({META_COLS}, task, time, technique, team, note) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"),
                params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        t.task, t.time, t.technique, t.team, c.note],
            )?;
            reindex(tx, Kind::Checkin, m.id, m.when.day, &body_checkin(&c))
        })?;
        Ok(c)
    }

    fn checkin_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Checkin>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, task, time, technique, team, note FROM checkins {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            Ok(Checkin {
                meta: meta_from_row(r)?,
                ratings: FourTs {
                    task: r.get(7)?,
                    time: r.get(8)?,
                    technique: r.get(9)?,
                    team: r.get(10)?,
                },
                note: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn checkin(&self, id: Id) -> Result<Checkin> {
        self.checkin_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::Checkin, id))
    }

    pub fn checkins(&self) -> Result<Vec<Checkin>> {
        self.checkin_rows("ORDER BY at, id", &[])
    }

    pub fn update_checkin(&mut self, c: &Checkin) -> Result<Checkin> {
        c.ratings.validate()?;
        let mut c = c.clone();
        c.note = trimmed(&c.note);
        c.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::Checkin, c.meta.id)?;
            let m = &c.meta;
            let t = &c.ratings;
            tx.execute(
                "UPDATE checkins SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, task=?7, time=?8, technique=?9, team=?10, note=?11 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        t.task, t.time, t.technique, t.team, c.note],
            )?;
            reindex(tx, Kind::Checkin, m.id, m.when.day, &body_checkin(&c))
        })?;
        self.checkin(c.meta.id)
    }

    pub fn delete_checkin(&mut self, id: Id) -> Result<()> {
        self.delete_item(Kind::Checkin, id)
    }

    // --------------------------------------------------------- audit items

    pub fn add_audit_item(&mut self, new: NewAuditItem) -> Result<AuditItem> {
        non_empty("audit item's description", &new.description)?;
        let a = AuditItem {
            meta: new_meta(new.when, new.private),
            kind: new.kind,
            description: new.description.trim().to_string(),
            contingency: trimmed(&new.contingency),
            task_type: new.task_type,
            note: trimmed(&new.note),
        };
        self.with_tx(|tx| {
            let m = &a.meta;
            tx.execute(
                &format!("INSERT INTO audit_items ({META_COLS}, kind, description, contingency, task_type, note) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"),
                params![m.id.to_string(), ts(m.created_at), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        a.kind.as_str(), a.description, a.contingency, a.task_type.map(TaskType::as_str), a.note],
            )?;
            reindex(tx, Kind::AuditItem, m.id, m.when.day, &body_audit(&a))
        })?;
        Ok(a)
    }

    fn audit_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<AuditItem>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {META_COLS}, kind, description, contingency, task_type, note FROM audit_items {filter}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let kind: String = r.get(7)?;
            let tt: Option<String> = r.get(10)?;
            Ok(AuditItem {
                meta: meta_from_row(r)?,
                kind: AuditKind::parse(&kind).unwrap_or_default(),
                description: r.get(8)?,
                contingency: r.get(9)?,
                task_type: tt.and_then(|t| TaskType::parse(&t).ok()),
                note: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn audit_item(&self, id: Id) -> Result<AuditItem> {
        self.audit_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or_else(|| not_found(Kind::AuditItem, id))
    }

    pub fn audit_items(&self) -> Result<Vec<AuditItem>> {
        self.audit_rows("ORDER BY at, id", &[])
    }

    pub fn update_audit_item(&mut self, a: &AuditItem) -> Result<AuditItem> {
        non_empty("audit item's description", &a.description)?;
        let mut a = a.clone();
        a.description = a.description.trim().to_string();
        a.contingency = trimmed(&a.contingency);
        a.note = trimmed(&a.note);
        a.meta.updated_at = now_ms();
        self.with_tx(|tx| {
            Self::ensure_exists(tx, Kind::AuditItem, a.meta.id)?;
            let m = &a.meta;
            tx.execute(
                "UPDATE audit_items SET updated_at=?2, at=?3, offset_secs=?4, day=?5, private=?6, kind=?7, description=?8, contingency=?9, task_type=?10, note=?11 WHERE id=?1",
                params![m.id.to_string(), ts(m.updated_at), ts(m.when.at), m.when.offset_secs, m.when.day.to_string(), m.private,
                        a.kind.as_str(), a.description, a.contingency, a.task_type.map(TaskType::as_str), a.note],
            )?;
            reindex(tx, Kind::AuditItem, m.id, m.when.day, &body_audit(&a))
        })?;
        self.audit_item(a.meta.id)
    }

    pub fn delete_audit_item(&mut self, id: Id) -> Result<()> {
        self.delete_item(Kind::AuditItem, id)
    }

    // ----------------------------------------------------------- day, search

    /// Everything dated on the person's local calendar day `date`.
    pub fn day(&self, date: NaiveDate) -> Result<DayView> {
        let d = date.to_string();
        let f = "WHERE day = ?1 ORDER BY at, id";
        Ok(DayView {
            date,
            purposes: self.purpose_rows(f, &[&d])?,
            challenges: self.challenge_rows(f, &[&d])?,
            sessions: self.session_rows(f, &[&d])?,
            reflections: self.reflection_rows(f, &[&d])?,
            checkins: self.checkin_rows(f, &[&d])?,
            audit_items: self.audit_rows(f, &[&d])?,
        })
    }

    /// Full-text search with prefix matching: every word of `query` must match
    /// the start of a word in the item ("prac feed" finds "practice feedback").
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, item_id, day, snippet(search_index, 3, char(57344), char(57345), '…', 16)
             FROM search_index WHERE search_index MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts, limit as i64], |r| {
            let kind: String = r.get(0)?;
            let id: String = r.get(1)?;
            let day: String = r.get(2)?;
            let snip: String = r.get(3)?;
            Ok((kind, id, day, snip))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, day, snip) = row?;
            let Some(kind) = Kind::parse(&kind) else {
                continue;
            };
            let (snippet, highlights) = split_highlights(&snip);
            out.push(SearchHit {
                kind,
                id: parse_id(&id)?,
                day: parse_day(&day)?,
                snippet,
                highlights,
            });
        }
        Ok(out)
    }
}

/// Turns what a person typed into an FTS5 query of quoted prefix terms, so no
/// character they type is read as FTS5 syntax.
pub(crate) fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// Splits an FTS5 snippet with private-use markers into plain text and the
/// byte ranges to highlight.
fn split_highlights(s: &str) -> (String, Vec<[usize; 2]>) {
    let mut text = String::with_capacity(s.len());
    let mut ranges = Vec::new();
    let mut start = None;
    for c in s.chars() {
        match c {
            '\u{E000}' => start = Some(text.len()),
            '\u{E001}' => {
                if let Some(b) = start.take() {
                    ranges.push([b, text.len()]);
                }
            }
            other => text.push(other),
        }
    }
    (text, ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_every_term_as_a_prefix() {
        assert_eq!(
            fts_query("prac feed").as_deref(),
            Some("\"prac\"* \"feed\"*")
        );
        assert_eq!(
            fts_query("\"; DROP TABLE x; --").as_deref(),
            Some("\"drop\"* \"table\"* \"x\"*")
        );
        assert_eq!(fts_query("  ** ").as_deref(), None);
        assert_eq!(fts_query("Übung").as_deref(), Some("\"übung\"*"));
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn many_rows_read_their_children_in_one_pass_exactly_as_one_by_one() {
        use crate::{CreateOptions, MemoryKeyStore, NewChallenge, NewReflection, NewSession};
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(
            &dir.path().join("j"),
            CreateOptions::keyring(),
            &MemoryKeyStore::new(),
        )
        .unwrap()
        .journal;
        let c = j
            .add_challenge(NewChallenge {
                skill: "Scales".into(),
                ..Default::default()
            })
            .unwrap();
        // More than the one-by-one threshold, with 0, 1 or 2 feedback rows and tags each.
        for i in 0..40u32 {
            let fb = (0..i % 3)
                .map(|k| Feedback {
                    source: FeedbackSource::Coach,
                    delay_min: Some(f64::from(k)),
                    worked: Some(format!("worked {i}.{k}")),
                    change: None,
                })
                .collect();
            let s = j
                .add_session(NewSession {
                    challenge_id: Some(c.meta.id),
                    data: SessionData {
                        feedback: fb,
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .unwrap();
            j.add_reflection(NewReflection {
                text: Some(format!("note {i}")),
                tags: (0..i % 4).map(|k| format!("t{k}")).collect(),
                session_ids: if i % 2 == 0 { vec![s.meta.id] } else { vec![] },
                challenge_ids: if i % 5 == 0 { vec![c.meta.id] } else { vec![] },
                ..Default::default()
            })
            .unwrap();
        }
        let all = j.sessions(None).unwrap();
        assert_eq!(all.len(), 40);
        // Pages of the latest, newest first, are the same sessions.
        let newest: Vec<Session> = all.iter().rev().cloned().collect();
        assert_eq!(j.recent_sessions(8, 0).unwrap(), newest[..8]);
        assert_eq!(j.recent_sessions(8, 36).unwrap(), newest[36..]);
        assert!(j.recent_sessions(8, 40).unwrap().is_empty());
        assert!(all.iter().any(|s| s.data.feedback.len() == 2));
        for s in &all {
            assert_eq!(s, &j.session(s.meta.id).unwrap(), "a session read in bulk");
        }
        let all = j.reflections().unwrap();
        assert!(
            j.reflections_per_purpose().unwrap().is_empty(),
            "no purpose links yet"
        );
        let newest: Vec<Reflection> = all.iter().rev().cloned().collect();
        assert_eq!(j.recent_reflections(5, 0).unwrap(), newest[..5]);
        assert_eq!(j.recent_reflections(100, 30).unwrap(), newest[30..]);
        assert!(
            all.iter().any(|r| r.tags.len() == 2
                && r.session_ids.len() == 1
                && r.challenge_ids.len() == 1)
        );
        for r in &all {
            assert_eq!(
                r,
                &j.reflection(r.meta.id).unwrap(),
                "a reflection read in bulk"
            );
        }
    }

    #[test]
    fn highlights_are_byte_ranges_into_the_plain_snippet() {
        let (t, r) = split_highlights("a \u{E000}prac\u{E001}tice b");
        assert_eq!(t, "a practice b");
        assert_eq!(r, vec![[2, 6]]);
        assert_eq!(&t[r[0][0]..r[0][1]], "prac");
    }
}
