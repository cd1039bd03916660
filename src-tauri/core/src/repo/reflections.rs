//! Reflections: free text and/or Gibbs's cycle, with tags and links to the sessions,
//! challenges and purposes they are about. A reflection needs some text; tags are kept
//! lowercased, without `#`, sorted and once each.

use rusqlite::{Connection, ToSql, Transaction, params};

use super::search::join_text;
use super::{Children, Cols, Links, Stored, new_meta, trimmed};
use crate::domain::*;
use crate::error::Result;
use crate::journal::Journal;

pub(super) const TAGS: Children = Children {
    table: "reflection_tags",
    owner: "reflection_id",
    columns: "tag",
    order: "tag",
};

pub(super) const SESSIONS: Links = Links {
    table: "reflection_sessions",
    owner: "reflection_id",
    target: "session_id",
    kind: Kind::Session,
};

pub(super) const CHALLENGES: Links = Links {
    table: "reflection_challenges",
    owner: "reflection_id",
    target: "challenge_id",
    kind: Kind::Challenge,
};

pub(super) const PURPOSES: Links = Links {
    table: "reflection_purposes",
    owner: "reflection_id",
    target: "purpose_id",
    kind: Kind::Purpose,
};

impl Stored for Reflection {
    const KIND: Kind = Kind::Reflection;
    const SEARCH_CODE: i64 = 4;
    const COLUMNS: &'static [&'static str] = &[
        "text",
        "description",
        "feelings",
        "evaluation",
        "analysis",
        "conclusion",
        "action_plan",
    ];

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        self.text = trimmed(&self.text);
        for f in self.gibbs.fields_mut() {
            *f = trimmed(f);
        }
        let mut tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim().trim_start_matches('#').to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        self.tags = tags;
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        let g = &self.gibbs;
        vec![
            &self.text,
            &g.description,
            &g.feelings,
            &g.evaluation,
            &g.analysis,
            &g.conclusion,
            &g.action_plan,
        ]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(Reflection {
            meta,
            text: c.read()?,
            gibbs: Gibbs {
                description: c.read()?,
                feelings: c.read()?,
                evaluation: c.read()?,
                analysis: c.read()?,
                conclusion: c.read()?,
                action_plan: c.read()?,
            },
            tags: Vec::new(),
            session_ids: Vec::new(),
            challenge_ids: Vec::new(),
            purpose_ids: Vec::new(),
        })
    }

    fn search_body(&self) -> String {
        let mut parts: Vec<Option<&str>> = vec![self.text.as_deref()];
        parts.extend(self.gibbs.fields().iter().map(|(_, v)| v.as_deref()));
        parts.extend(self.tags.iter().map(|t| Some(t.as_str())));
        join_text(parts)
    }

    fn write_children(&self, tx: &Transaction<'_>) -> Result<()> {
        let id = self.meta.id;
        TAGS.clear(tx, id)?;
        for t in &self.tags {
            tx.execute(
                "INSERT OR IGNORE INTO reflection_tags (reflection_id, tag) VALUES (?1, ?2)",
                params![id, t],
            )?;
        }
        SESSIONS.write(tx, id, &self.session_ids)?;
        CHALLENGES.write(tx, id, &self.challenge_ids)?;
        PURPOSES.write(tx, id, &self.purpose_ids)
    }

    fn read_children(conn: &Connection, items: &mut [Self]) -> Result<()> {
        // A closure, not `Cols::read`: the path is not general over the row's lifetimes.
        #[allow(clippy::redundant_closure_for_method_calls)]
        TAGS.fill(conn, items, |c| c.read(), |r, tags| r.tags = tags)?;
        SESSIONS.fill(conn, items, |r, ids| r.session_ids = ids)?;
        CHALLENGES.fill(conn, items, |r, ids| r.challenge_ids = ids)?;
        PURPOSES.fill(conn, items, |r, ids| r.purpose_ids = ids)
    }
}

impl Journal {
    pub fn add_reflection(&mut self, new: NewReflection) -> Result<Reflection> {
        self.create_item(Reflection {
            meta: new_meta(new.when, new.private),
            text: new.text,
            gibbs: new.gibbs,
            tags: new.tags,
            session_ids: new.session_ids,
            challenge_ids: new.challenge_ids,
            purpose_ids: new.purpose_ids,
        })
    }

    pub fn reflection(&self, id: Id) -> Result<Reflection> {
        self.item(id)
    }

    pub fn reflections(&self) -> Result<Vec<Reflection>> {
        self.items()
    }

    /// How many reflections link to each purpose (purposes with none are absent).
    pub fn reflections_per_purpose(&self) -> Result<Vec<(Id, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT purpose_id, count(*) FROM reflection_purposes GROUP BY purpose_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest reflections, newest first: `limit` of them after skipping `skip`.
    pub fn recent_reflections(&self, limit: usize, skip: usize) -> Result<Vec<Reflection>> {
        self.latest(limit, skip)
    }

    pub fn update_reflection(&mut self, r: &Reflection) -> Result<Reflection> {
        self.update_item(r)
    }

    pub fn delete_reflection(&mut self, id: Id) -> Result<()> {
        self.delete_item::<Reflection>(id)
    }
}
