//! A journal to damage, the damage, and the comparison of what a salvage gave back with
//! what was there: shared by `tests/salvage.rs` and `examples/salvage_bench.rs`.
//!
//! Which rows lived on the damaged page is read from SQLite's `dbstat` table on the intact
//! file before the flip: a table's leaf pages, in tree order (`path`), hold its rows in key
//! order, `ncell` each, so the k-th leaf holds the rows after the first k − 1 leaves' cells;
//! an overflow page's path names its leaf and cell.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use asymptote_core::*;
use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::types::Value;

pub const PAGE: u64 = 4096;
pub const ITEM_TABLES: [&str; 6] = [
    "purposes",
    "challenges",
    "sessions",
    "reflections",
    "checkins",
    "audit_items",
];

/// A small deterministic generator (no dependency needed for test data).
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Where test journals go: memory when there is some (fast fsyncs), else the temp folder.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

fn at(i: usize, n: usize) -> Option<DateTime<FixedOffset>> {
    let start = DateTime::parse_from_rfc3339("2024-01-01T08:00:00+01:00").unwrap();
    Some(start + Duration::minutes((i * 600_000 / n.max(1)) as i64))
}

fn words(rng: &mut Rng, n: usize) -> String {
    const W: [&str; 12] = [
        "slowly", "tempo", "feedback", "calm", "hands", "review", "again", "closer", "scales",
        "breath", "focus", "steady",
    ];
    (0..n)
        .map(|_| W[rng.below(W.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// A journal of about `n` items across the six kinds, with feedback, tags and links, some
/// text long enough to need overflow pages; closed, so its WAL is checkpointed away.
pub fn build(dir: &Path, n: usize, keys: &MemoryKeyStore) {
    let mut j = Journal::create(dir, CreateOptions::keyring(), keys)
        .unwrap()
        .journal;
    let mut rng = Rng(7);
    let purposes: Vec<Id> = (0..(n / 50).max(2))
        .map(|i| {
            j.add_purpose(NewPurpose {
                title: format!("Purpose {i}"),
                why: Some(words(&mut rng, 8)),
                when: at(i, n),
                ..Default::default()
            })
            .unwrap()
            .meta
            .id
        })
        .collect();
    let challenges: Vec<Id> = (0..(n / 25).max(2))
        .map(|i| {
            j.add_challenge(NewChallenge {
                skill: format!("Skill {i}"),
                goal: Some(words(&mut rng, 6)),
                purpose_ids: vec![purposes[i % purposes.len()]],
                when: at(i, n),
                ..Default::default()
            })
            .unwrap()
            .meta
            .id
        })
        .collect();
    let sessions_n = n / 2;
    let mut batch = Vec::new();
    for i in 0..sessions_n {
        batch.push(NewSession {
            challenge_id: Some(challenges[i % challenges.len()]),
            data: SessionData {
                duration_min: Some(20.0 + (i % 30) as f64),
                attempts: Some(10),
                successes: Some((i % 11) as u32),
                performance: Some((i % 97) as f64),
                feedback: (0..(i % 3))
                    .map(|k| Feedback {
                        source: FeedbackSource::Coach,
                        delay_min: Some(k as f64),
                        worked: Some(words(&mut rng, 5)),
                        change: Some(words(&mut rng, 4)),
                    })
                    .collect(),
                notes: Some(words(&mut rng, 10 + i % 40)),
                ..Default::default()
            },
            when: at(i, sessions_n),
            ..Default::default()
        });
    }
    let sessions = j.add_sessions(batch).unwrap();
    for i in 0..(n * 3 / 10) {
        // Every 40th reflection is long: its text spills onto overflow pages.
        let len = if i % 40 == 0 { 1_500 } else { 20 + i % 60 };
        j.add_reflection(NewReflection {
            text: Some(words(&mut rng, len)),
            tags: (0..(i % 3))
                .map(|k| format!("tag{}", (i + k) % 9))
                .collect(),
            session_ids: vec![sessions[i % sessions.len()]],
            challenge_ids: if i % 2 == 0 {
                vec![challenges[i % challenges.len()]]
            } else {
                vec![]
            },
            purpose_ids: if i % 5 == 0 {
                vec![purposes[i % purposes.len()]]
            } else {
                vec![]
            },
            when: at(i, n * 3 / 10),
            ..Default::default()
        })
        .unwrap();
    }
    for i in 0..(n / 10) {
        j.add_checkin(NewCheckin {
            ratings: FourTs {
                task: 1 + (i % 7) as u8,
                time: 1 + ((i + 1) % 7) as u8,
                technique: 1 + ((i + 2) % 7) as u8,
                team: 1 + ((i + 3) % 7) as u8,
            },
            note: Some(words(&mut rng, 6)),
            private: false,
            when: at(i, n / 10),
        })
        .unwrap();
    }
    for i in 0..(n / 25) {
        j.add_audit_item(NewAuditItem {
            kind: AuditKind::Task,
            description: format!("Task {i}: {}", words(&mut rng, 5)),
            when: at(i, n / 25),
            ..Default::default()
        })
        .unwrap();
    }
    j.set_setting("theme", &"dark").unwrap();
}

/// The journal's raw key, from the in-memory key store.
pub fn key_hex(dir: &Path, keys: &MemoryKeyStore) -> String {
    let id = Journal::open(dir, Unlock::Keyring, keys)
        .unwrap()
        .status()
        .unwrap()
        .journal_id;
    hex(keys
        .get(&format!("journal-{id}"))
        .unwrap()
        .expose_bytes_dangerously())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A raw SQLCipher connection to `db` (read-only unless `write`).
pub fn raw(db: &Path, key: &str, write: bool) -> rusqlite::Connection {
    use rusqlite::OpenFlags as F;
    let flags = if write {
        F::SQLITE_OPEN_READ_WRITE
    } else {
        F::SQLITE_OPEN_READ_ONLY
    };
    let c = rusqlite::Connection::open_with_flags(db, flags).unwrap();
    c.execute_batch(&format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{key}'\";"
    ))
    .unwrap();
    c
}

/// A snapshot of the journal in `dir` as a backup is: SQLite's `VACUUM INTO`, which keeps
/// the source's key.
pub fn snapshot(dir: &Path, key: &str, to: &Path) {
    let c = raw(&dir.join("journal.db"), key, true);
    c.execute("VACUUM INTO ?1", [to.to_str().unwrap()]).unwrap();
}

/// The data tables and, for each, its rows (as text) in key order.
pub type Rows = BTreeMap<String, Vec<String>>;

fn tables(c: &rusqlite::Connection) -> Vec<(String, bool)> {
    let mut s = c
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%' ORDER BY name",
        )
        .unwrap();
    s.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            !r.get::<_, String>(1)?.contains("WITHOUT ROWID"),
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn row_text(r: &rusqlite::Row<'_>, from: usize, n: usize) -> String {
    (from..n)
        .map(|i| match r.get::<_, Value>(i).unwrap() {
            Value::Null => "∅".to_string(),
            Value::Integer(v) => v.to_string(),
            Value::Real(v) => format!("{v:?}"),
            Value::Text(t) => format!("{t:?}"),
            Value::Blob(b) => hex(&b),
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Every row of every data table of `db`, in key order (rowid, or primary key).
pub fn rows(db: &Path, key: &str) -> Rows {
    let c = raw(db, key, false);
    let mut out = Rows::new();
    for (t, rowid) in tables(&c) {
        let n: usize = c
            .query_row(
                &format!("SELECT count(*) FROM pragma_table_info('{t}')"),
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as usize;
        let pk: Vec<String> = {
            let mut s = c
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{t}') WHERE pk > 0 ORDER BY pk"
                ))
                .unwrap();
            s.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let order = if rowid {
            "rowid".to_string()
        } else {
            pk.join(", ")
        };
        let mut s = c
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY {order}"))
            .unwrap();
        let v: Vec<String> = s
            .query_map([], |r| Ok(row_text(r, 0, n)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.insert(t, v);
    }
    out
}

/// What lived on one page, from `dbstat` on the intact file.
#[derive(Debug, Clone)]
pub struct OnPage {
    pub page: u64,
    /// The table or index the page belongs to (none: a free or a header page).
    pub owner: Option<String>,
    pub pagetype: Option<String>,
    /// The rows of a table stored on the page (a leaf's cells, an overflow page's row; an
    /// interior page's subtree), as [`rows`] writes them.
    pub rows: BTreeSet<String>,
}

/// What lived on `page` of the intact `db`.
pub fn on_page(db: &Path, key: &str, page: u64, all: &Rows) -> OnPage {
    let c = raw(db, key, false);
    let hit: Option<(String, String, String)> = c
        .query_row(
            "SELECT name, path, pagetype FROM dbstat WHERE pageno = ?1",
            [page as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok();
    let mut out = OnPage {
        page,
        owner: None,
        pagetype: None,
        rows: BTreeSet::new(),
    };
    let Some((name, path, pagetype)) = hit else {
        return out;
    };
    out.owner = Some(name.clone());
    out.pagetype = Some(pagetype.clone());
    let Some(table_rows) = all.get(&name) else {
        return out; // an index or the search index: no row of a table lives there
    };
    // Each page's cells as positions in key order: an in-order walk of the tree. In a
    // table's tree (rowid) only leaf cells are rows; in a WITHOUT ROWID table's tree (an
    // index b-tree) each interior cell is a row too, between its two children.
    let rowid_tree: bool = c
        .query_row(
            "SELECT sql NOT LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?1",
            [&name],
            |r| r.get(0),
        )
        .unwrap();
    let mut s = c
        .prepare(
            "SELECT path, ncell, pagetype FROM dbstat WHERE name = ?1 AND pagetype != 'overflow'",
        )
        .unwrap();
    let tree: HashMap<String, (usize, String)> = s
        .query_map([&name], |r| {
            Ok((r.get(0)?, (r.get::<_, i64>(1)? as usize, r.get(2)?)))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut cells: HashMap<String, Vec<usize>> = HashMap::new();
    let mut next = 0;
    fn visit(
        p: &str,
        tree: &HashMap<String, (usize, String)>,
        rowid_tree: bool,
        next: &mut usize,
        cells: &mut HashMap<String, Vec<usize>>,
    ) {
        let Some((n, kind)) = tree.get(p) else { return };
        if kind == "leaf" {
            let v = (*next..*next + n).collect();
            *next += n;
            cells.insert(p.to_string(), v);
            return;
        }
        for i in 0..=*n {
            visit(&format!("{p}{i:03x}/"), tree, rowid_tree, next, cells);
            if i < *n && !rowid_tree {
                cells.entry(p.to_string()).or_default().push(*next);
                *next += 1;
            }
        }
    }
    visit("/", &tree, rowid_tree, &mut next, &mut cells);
    assert_eq!(next, table_rows.len(), "the walk of {name} finds every row");
    let row = |i: usize| table_rows[i].clone();
    match pagetype.as_str() {
        "overflow" => {
            // `<page path><cell, 3 hex digits>+<overflow index>`
            let cut = path.rfind('/').unwrap() + 1;
            let cell = usize::from_str_radix(&path[cut..path.find('+').unwrap()], 16).unwrap();
            out.rows.insert(row(cells[&path[..cut]][cell]));
        }
        _ => {
            // A leaf: its cells. An interior page: its own cells and its whole subtree,
            // which no read through SQL can reach past it.
            for (p, v) in &cells {
                if p.starts_with(&path) {
                    out.rows.extend(v.iter().map(|&i| row(i)));
                }
            }
        }
    }
    out
}

/// Flips eight bytes inside `page` of `db` (the page's encrypted body: its HMAC fails).
pub fn flip(db: &Path, page: u64, rng: &mut Rng) {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(db)
        .unwrap();
    let off = (page - 1) * PAGE + 16 + rng.below(PAGE - 16 - 80 - 8);
    let mut b = [0u8; 8];
    f.seek(SeekFrom::Start(off)).unwrap();
    f.read_exact(&mut b).unwrap();
    for x in &mut b {
        *x ^= 0xA5;
    }
    f.seek(SeekFrom::Start(off)).unwrap();
    f.write_all(&b).unwrap();
}

pub fn pages(db: &Path) -> u64 {
    std::fs::metadata(db).unwrap().len() / PAGE
}

/// A copy of the journal folder `from` (its database and envelope) in a new folder.
pub fn copy_journal(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for f in ["journal.db", "journal.meta.json"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
}

/// How a salvage compares with the intact journal.
#[derive(Debug)]
pub struct Outcome {
    pub items_before: usize,
    /// Items given back exactly as they were.
    pub items_back: usize,
    /// Rows (any table) missing that did not live on the damaged page, and whose owner
    /// item is not missing either.
    pub missing_elsewhere: Vec<(String, String)>,
    /// Rows in the salvage that were not in the journal (stand-ins aside).
    pub invented: Vec<(String, String)>,
}

/// Compares `after` (a salvaged journal's rows) with `before` (the intact one's), given
/// what lived on the damaged page.
pub fn compare(before: &Rows, after: &Rows, page: &OnPage) -> Outcome {
    let mut items_before = 0;
    let mut items_back = 0;
    let mut missing = Vec::new();
    let mut invented = Vec::new();
    for (t, rows) in before {
        let got: BTreeSet<&String> = after.get(t).map(|v| v.iter().collect()).unwrap_or_default();
        let had: BTreeSet<&String> = rows.iter().collect();
        let item = ITEM_TABLES.contains(&t.as_str());
        if item {
            items_before += rows.len();
            items_back += rows.iter().filter(|r| got.contains(r)).count();
        }
        for r in rows {
            let here = page.owner.as_deref() == Some(t.as_str()) && page.rows.contains(r);
            if !got.contains(r) && !here {
                missing.push((t.clone(), r.clone()));
            }
        }
        for r in got {
            if !had.contains(r) && !r.contains("A challenge that could not be recovered") {
                invented.push((t.clone(), r.clone()));
            }
        }
    }
    // A child row (feedback, a link) whose owner item is missing went with its owner.
    let missing_ids: BTreeSet<String> = before
        .iter()
        .filter(|(t, _)| ITEM_TABLES.contains(&t.as_str()))
        .flat_map(|(t, rows)| {
            let got: BTreeSet<&String> =
                after.get(t).map(|v| v.iter().collect()).unwrap_or_default();
            rows.iter()
                .filter(move |r| !got.contains(r))
                .map(|r| r.split('|').next().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    missing.retain(|(t, r)| {
        ITEM_TABLES.contains(&t.as_str()) || !missing_ids.iter().any(|id| r.contains(id.as_str()))
    });
    Outcome {
        items_before,
        items_back,
        missing_elsewhere: missing,
        invented,
    }
}

/// The data folder for a salvage's target, inside `root`.
pub fn target(root: &Path, name: &str) -> PathBuf {
    root.join(name)
}
