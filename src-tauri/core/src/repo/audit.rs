//! The motivation audit: if-then rewards and punishments, and tasks classified algorithmic
//! or heuristic. Audit items leave in an export only when picked (see `export/`).

use rusqlite::ToSql;

use super::search::join_text;
use super::{Cols, Stored, new_meta, trimmed};
use crate::domain::*;
use crate::error::Result;
use crate::journal::Journal;

impl Stored for AuditItem {
    const KIND: Kind = Kind::AuditItem;
    const SEARCH_CODE: i64 = 6;
    const COLUMNS: &'static [&'static str] =
        &["kind", "description", "contingency", "task_type", "note"];

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        self.description = self.description.trim().to_string();
        self.contingency = trimmed(&self.contingency);
        self.note = trimmed(&self.note);
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.kind,
            &self.description,
            &self.contingency,
            &self.task_type,
            &self.note,
        ]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(AuditItem {
            meta,
            kind: c.read()?,
            description: c.read()?,
            contingency: c.read()?,
            task_type: c.read()?,
            note: c.read()?,
        })
    }

    fn search_body(&self) -> String {
        join_text([
            Some(self.description.as_str()),
            self.contingency.as_deref(),
            self.note.as_deref(),
        ])
    }
}

impl Journal {
    pub fn add_audit_item(&mut self, new: NewAuditItem) -> Result<AuditItem> {
        self.create_item(AuditItem {
            meta: new_meta(new.when, new.private),
            kind: new.kind,
            description: new.description,
            contingency: new.contingency,
            task_type: new.task_type,
            note: new.note,
        })
    }

    pub fn audit_item(&self, id: Id) -> Result<AuditItem> {
        self.item(id)
    }

    pub fn audit_items(&self) -> Result<Vec<AuditItem>> {
        self.items()
    }

    pub fn update_audit_item(&mut self, a: &AuditItem) -> Result<AuditItem> {
        self.update_item(a)
    }

    pub fn delete_audit_item(&mut self, id: Id) -> Result<()> {
        self.delete_item::<AuditItem>(id)
    }
}
