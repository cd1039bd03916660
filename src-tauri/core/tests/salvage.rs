//! Salvage of a damaged journal, on real SQLCipher files: a page's bytes are flipped, the
//! journal is salvaged, and what came back is compared row by row with the intact file.
// Counts of a small test journal: the casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_sign_loss,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss
)]

mod salvage_fixture;

use std::collections::BTreeSet;

use asymptote_core::usecase::salvage::{STAND_IN_SKILL, SalvageReport};
use asymptote_core::*;
use salvage_fixture as fx;

/// A journal of `n` items, its key, its intact rows and a backup taken before any damage.
struct Setup {
    root: tempfile::TempDir,
    keys: MemoryKeyStore,
    key: String,
    before: fx::Rows,
}

impl Setup {
    fn new(n: usize) -> Setup {
        let root = fx::scratch();
        let keys = MemoryKeyStore::new();
        let live = root.path().join("live");
        fx::build(&live, n, &keys);
        let key = fx::key_hex(&live, &keys);
        fx::snapshot(&live, &key, &root.path().join("backup.db"));
        let before = fx::rows(&live.join("journal.db"), &key);
        Setup {
            root,
            keys,
            key,
            before,
        }
    }
    fn live(&self) -> std::path::PathBuf {
        self.root.path().join("live")
    }
    fn backup(&self) -> std::path::PathBuf {
        self.root.path().join("backup.db")
    }
    /// The pages of the intact journal that `sql` (on `dbstat`) selects.
    fn pages_where(&self, sql: &str) -> Vec<u64> {
        let c = fx::raw(&self.live().join("journal.db"), &self.key, false);
        let mut s = c
            .prepare(&format!(
                "SELECT pageno FROM dbstat WHERE {sql} ORDER BY pageno"
            ))
            .unwrap();
        s.query_map([], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|p| p.unwrap() as u64)
            .collect()
    }
    /// A copy of the journal with `page` damaged, salvaged (from the backup too when
    /// `fill`): what lived on the page, the report, and the salvaged rows.
    fn salvage(&self, name: &str, page: u64, fill: bool) -> (fx::OnPage, SalvageReport, fx::Rows) {
        let on = fx::on_page(
            &self.live().join("journal.db"),
            &self.key,
            page,
            &self.before,
        );
        let damaged = self.root.path().join(format!("{name}-damaged"));
        fx::copy_journal(&self.live(), &damaged);
        fx::flip(&damaged.join("journal.db"), page, &mut fx::Rng(page));
        let target = self.root.path().join(format!("{name}-salvaged"));
        let backup = self.backup();
        let report = usecase::salvage(
            &damaged,
            &target,
            &self.keys,
            || unreachable!("keyring mode asks for no passphrase"),
            fill.then_some(backup.as_path()),
        )
        .unwrap_or_else(|e| panic!("page {page} ({:?} {:?}): {e}", on.owner, on.pagetype));
        let after = fx::rows(&target.join("journal.db"), &self.key);
        (on, report, after)
    }
}

fn ids_missing(before: &fx::Rows, after: &fx::Rows) -> BTreeSet<String> {
    fx::ITEM_TABLES
        .iter()
        .flat_map(|t| {
            let got: BTreeSet<&String> = after[*t].iter().collect();
            before[*t]
                .iter()
                .filter(move |r| !got.contains(r))
                .map(|r| r.split('|').next().unwrap().trim_matches('"').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_only_the_page_is_missing(what: &str, on: &fx::OnPage, out: &fx::Outcome) {
    assert!(
        out.missing_elsewhere.is_empty(),
        "{what} (page {} of {:?}, {:?}): rows missing that were not on it: {:?}",
        on.page,
        on.owner,
        on.pagetype,
        &out.missing_elsewhere[..out.missing_elsewhere.len().min(3)]
    );
    assert!(
        out.invented.is_empty(),
        "{what}: rows that were never there: {:?}",
        out.invented
    );
}

#[test]
fn a_damaged_page_costs_only_the_rows_on_it_and_the_backup_gives_those_back() {
    let s = Setup::new(600);
    let leaf = s.pages_where("name = 'reflections' AND pagetype = 'leaf'");
    let overflow = s.pages_where("name = 'reflections' AND pagetype = 'overflow'");
    let session_leaf = s.pages_where("name = 'sessions' AND pagetype = 'leaf'");
    let challenge_leaf = s.pages_where("name = 'challenges' AND pagetype = 'leaf'");
    let link_leaf = s.pages_where("name = 'reflection_tags' AND pagetype = 'leaf'");
    let index = s.pages_where("name = 'sessions_progress'");
    let interior = s.pages_where("name = 'sessions' AND pagetype = 'internal'");
    let reflections_interior = s.pages_where("name = 'reflections' AND pagetype = 'internal'");
    let fts = s.pages_where("name LIKE 'search_index%'");
    assert!(
        [
            &leaf,
            &overflow,
            &session_leaf,
            &challenge_leaf,
            &link_leaf,
            &index,
            &fts
        ]
        .iter()
        .all(|p| !p.is_empty()),
        "the fixture must hold every kind of page"
    );
    let cases = [
        ("reflection leaf", leaf[leaf.len() / 2], true),
        ("reflection overflow", overflow[0], true),
        ("session leaf", session_leaf[1], true),
        ("challenge leaf", challenge_leaf[0], true),
        ("tag links leaf", link_leaf[0], false),
        ("index", index[index.len() / 2], false),
        ("search index", fts[fts.len() / 2], false),
        // No row lives on an interior page: the leaves below it are read page by page.
        ("sessions interior", interior[0], false),
        ("reflections interior", reflections_interior[0], false),
    ];
    // A damaged page of the list of tables: SQL reads nothing, the pages give every item.
    let schema = s.pages_where("name = 'sqlite_schema' AND pageno > 1");
    for page in schema {
        let (on, report, after) = s.salvage(&format!("schema {page}"), page, false);
        let out = fx::compare(&s.before, &after, &on);
        assert!(report.read_by_pages);
        assert_eq!(out.items_back, out.items_before, "schema page {page}");
        assert!(
            out.invented.is_empty(),
            "schema page {page}: {:?}",
            out.invented
        );
        let (_, _, after) = s.salvage(&format!("schema {page} filled"), page, true);
        for (t, rows) in &s.before {
            let a: BTreeSet<&String> = after[t].iter().collect();
            let b: BTreeSet<&String> = rows.iter().collect();
            assert_eq!(a, b, "schema page {page}: table {t} with the backup");
        }
    }
    for (what, page, loses_items) in cases {
        let source = s.root.path().join(format!("{what}-damaged/journal.db"));
        let (on, report, after) = s.salvage(what, page, false);
        let out = fx::compare(&s.before, &after, &on);
        assert_only_the_page_is_missing(what, &on, &out);
        let missing = ids_missing(&s.before, &after);
        if loses_items {
            assert!(!missing.is_empty(), "{what}: the damage must cost its rows");
        } else {
            assert!(
                missing.is_empty(),
                "{what}: no item lives there: {missing:?}"
            );
        }
        assert!(
            missing.len() <= on.rows.len(),
            "{what}: lost more than the page held"
        );
        // The report names each lost item (the id index is intact), with its day.
        let named: BTreeSet<String> = report.lost.iter().filter_map(|l| l.id.clone()).collect();
        assert_eq!(named, missing, "{what}: the report names the lost items");
        assert!(
            report.lost.iter().all(|l| l.day.is_some()),
            "{what}: by day"
        );
        assert!(
            !report.uncounted_loss(),
            "{what}: every loss is accounted for"
        );
        assert_eq!(
            report.salvaged() + report.lost.len(),
            out.items_before,
            "{what}: salvaged and lost add up"
        );
        // A lost challenge leaves its sessions with a stand-in, never without a challenge.
        if what == "challenge leaf" {
            assert!(
                report.stand_ins > 0,
                "sessions of lost challenges keep a stand-in"
            );
            let stand_ins = after["challenges"]
                .iter()
                .filter(|r| r.contains(STAND_IN_SKILL))
                .count();
            assert_eq!(stand_ins, report.stand_ins);
        }
        // The source was only read, and nothing was left beside it.
        let beside: BTreeSet<String> = std::fs::read_dir(source.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            beside,
            BTreeSet::from(["journal.db".to_string(), "journal.meta.json".to_string()]),
            "{what}"
        );
        let damaged_again = s.root.path().join(format!("{what}-again"));
        fx::copy_journal(&s.live(), &damaged_again);
        fx::flip(&damaged_again.join("journal.db"), page, &mut fx::Rng(page));
        assert_eq!(
            std::fs::read(&source).unwrap(),
            std::fs::read(damaged_again.join("journal.db")).unwrap(),
            "{what}: the damaged journal was written to"
        );

        // With a backup from before the damage, everything comes back, exactly.
        let (_, report, after) = s.salvage(&format!("{what} filled"), page, true);
        for (t, rows) in &s.before {
            let a: BTreeSet<&String> = after[t].iter().collect();
            let b: BTreeSet<&String> = rows.iter().collect();
            assert_eq!(a, b, "{what}: table {t} with the backup");
        }
        assert!(report.lost.is_empty(), "{what}: nothing lost with a backup");
        assert_eq!(
            report.filled(),
            missing.len(),
            "{what}: filled what was lost"
        );
        assert_eq!(report.stand_ins, 0);
    }
}

#[test]
fn the_salvaged_journal_opens_like_the_old_one_and_its_search_works() {
    let s = Setup::new(300);
    let page = s.pages_where("name = 'reflections' AND pagetype = 'leaf'")[1];
    let (_, report, after) = s.salvage("open", page, false);
    let target = s.root.path().join("open-salvaged");
    // Same key and envelope: the keyring entry opens it.
    let j = Journal::open(&target, Unlock::Keyring, &s.keys).unwrap();
    let st = j.status().unwrap();
    let items = st.items.purposes
        + st.items.challenges
        + st.items.sessions
        + st.items.reflections
        + st.items.checkins
        + st.items.audit_items;
    assert_eq!(items as usize, report.salvaged());
    assert_eq!(report.indexed, report.salvaged());
    let c = fx::raw(&target.join("journal.db"), &s.key, true);
    c.execute(
        "INSERT INTO search_index(search_index) VALUES ('integrity-check')",
        [],
    )
    .unwrap();
    let in_index: i64 = c
        .query_row("SELECT count(*) FROM search_index", [], |r| r.get(0))
        .unwrap();
    assert_eq!(in_index as usize, report.salvaged());
    assert!(
        !j.search("tempo", 5).unwrap().is_empty(),
        "search finds salvaged text"
    );
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    // Files of the new journal are the person's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["journal.db", "journal.meta.json"] {
            let mode = std::fs::metadata(target.join(f))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }
    assert!(
        after["settings"].iter().any(|r| r.contains("theme")),
        "{:#?} {:?}",
        report.tables,
        after["settings"]
    );
}

#[test]
fn fifty_random_flips_give_back_at_least_99_percent_and_all_with_a_backup() {
    let s = Setup::new(400);
    let n = fx::pages(&s.live().join("journal.db"));
    let schema = s.pages_where("name = 'sqlite_schema' OR name = 'sqlite_master'");
    let mut rng = fx::Rng(2026);
    let (mut before, mut back, mut back_filled, mut schema_hits) = (0, 0, 0, 0);
    for round in 0..50 {
        let page = 2 + rng.below(n - 1);
        let name = format!("r{round}");
        let (_, _, after) = s.salvage(&format!("{name}f"), page, true);
        let on = fx::on_page(&s.live().join("journal.db"), &s.key, page, &s.before);
        back_filled += fx::compare(&s.before, &after, &on).items_back;
        let (on, report, after) = s.salvage(&name, page, false);
        let out = fx::compare(&s.before, &after, &on);
        if schema.contains(&page) {
            // The list of tables is damaged: read page by page, every item comes back; the
            // links whose tables' entries were on the page may not.
            schema_hits += 1;
            assert!(report.read_by_pages, "round {round}");
            assert!(out.invented.is_empty(), "round {round}: {:?}", out.invented);
            let items_missing: Vec<_> = out
                .missing_elsewhere
                .iter()
                .filter(|(t, _)| fx::ITEM_TABLES.contains(&t.as_str()))
                .collect();
            assert!(items_missing.is_empty(), "round {round}: {items_missing:?}");
            before += out.items_before;
            back += out.items_back;
            continue;
        }
        assert_only_the_page_is_missing(&format!("round {round}"), &on, &out);
        before += out.items_before;
        back += out.items_back;
    }
    let share = back as f64 / before as f64;
    eprintln!(
        "50 flips in a {n}-page journal: {:.3} % of items salvaged ({schema_hits} flips hit one \
         of its {} schema pages); {:.3} % with the backup",
        100.0 * share,
        schema.len(),
        100.0 * back_filled as f64 / before as f64
    );
    assert!(share >= 0.99, "salvaged {share}");
    assert_eq!(
        back_filled, before,
        "a backup from before the flip gives back every item"
    );
}

#[test]
fn rows_deleted_after_the_backup_stay_deleted() {
    let s = Setup::new(200);
    let live = s.live();
    let mut j = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
    let gone = j.recent_reflections(1, 0).unwrap().remove(0).meta.id;
    j.delete_reflection(gone).unwrap();
    drop(j);
    let page = s.pages_where("name = 'sessions' AND pagetype = 'leaf'")[0];
    let damaged = s.root.path().join("del-damaged");
    fx::copy_journal(&live, &damaged);
    fx::flip(&damaged.join("journal.db"), page, &mut fx::Rng(1));
    let target = s.root.path().join("del-salvaged");
    let report = usecase::salvage(
        &damaged,
        &target,
        &s.keys,
        || unreachable!(),
        Some(&s.backup()),
    )
    .unwrap();
    assert!(report.left_deleted >= 1, "{report:?}");
    assert!(
        report.filled() > 0,
        "the lost sessions came from the backup"
    );
    let j = Journal::open(&target, Unlock::Keyring, &s.keys).unwrap();
    assert_eq!(j.reflection(gone).unwrap_err().kind(), "not_found");
}

#[test]
fn salvage_refuses_a_used_target_a_foreign_backup_and_an_unreadable_file() {
    let s = Setup::new(60);
    let live = s.live();
    let none = || -> Result<Passphrase> { unreachable!() };
    // A folder with something in it.
    let full = s.root.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), b"mine").unwrap();
    let e = usecase::salvage(&live, &full, &s.keys, none, None).unwrap_err();
    assert_eq!(e.kind(), "not_empty", "{e}");
    assert_eq!(std::fs::read(full.join("notes.txt")).unwrap(), b"mine");
    // The journal itself.
    let e = usecase::salvage(&live, &live, &s.keys, none, None).unwrap_err();
    assert_eq!(e.kind(), "already_exists", "{e}");
    // Another journal's snapshot.
    let other = s.root.path().join("other");
    fx::build(&other, 10, &s.keys);
    let other_key = fx::key_hex(&other, &s.keys);
    fx::snapshot(&other, &other_key, &s.root.path().join("other.db"));
    let target = s.root.path().join("t1");
    let e = usecase::salvage(
        &live,
        &target,
        &s.keys,
        none,
        Some(&s.root.path().join("other.db")),
    )
    .unwrap_err();
    assert_eq!(e.kind(), "not_a_backup", "{e}");
    assert!(!target.exists(), "nothing written");
    // A damaged first page: nothing can be read.
    let damaged = s.root.path().join("p1");
    fx::copy_journal(&live, &damaged);
    fx::flip(&damaged.join("journal.db"), 1, &mut fx::Rng(3));
    let e = usecase::salvage(&damaged, &target, &s.keys, none, None).unwrap_err();
    assert!(matches!(e.kind(), "nothing_readable" | "damaged"), "{e}");
    assert!(!target.exists(), "nothing written");
    assert!(!e.to_string().contains("asym"), "core words only: {e}");
    // An empty folder is fine.
    let empty = s.root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    usecase::salvage(&live, &empty, &s.keys, none, None).unwrap();
    assert!(Journal::exists(&empty));
}

#[test]
fn a_passphrase_journal_is_salvaged_with_its_passphrase_or_recovery_key_from_any_path() {
    let root = fx::scratch();
    // A folder name that must be escaped in a `file:` URI.
    let dir = root.path().join("my journal?#%");
    let keys = NoKeyStore;
    let weak = KdfParams {
        m_kib: 8,
        t: 1,
        p: 1,
    };
    let mut created = Journal::create(
        &dir,
        CreateOptions {
            kdf: weak,
            ..CreateOptions::passphrase(Passphrase::new("correct horse".into()))
        },
        &keys,
    )
    .unwrap();
    let rk = created.recovery_key.display_dangerously().to_string();
    created
        .journal
        .add_reflection(NewReflection {
            text: Some("kept through a salvage".into()),
            ..Default::default()
        })
        .unwrap();
    drop(created);
    let pass = || Ok(Passphrase::new("correct horse".into()));
    // A wrong passphrase: refused, nothing made.
    let to = root.path().join("out");
    let e = usecase::salvage(
        &dir,
        &to,
        &keys,
        || Ok(Passphrase::new("wrong horse".into())),
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), "wrong_key", "{e}");
    assert!(!to.exists());
    // A killed salvage's work folder beside the target is removed by the next one.
    let stale = root.path().join(".out.salvage-999999999");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("journal.db"), b"half").unwrap();
    let r = usecase::salvage(&dir, &to, &keys, pass, None).unwrap();
    assert_eq!(r.salvaged(), 1);
    assert!(!stale.exists(), "the stale work folder is gone");
    let names: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".salvage-")), "{names:?}");
    // The new journal opens with the same passphrase, and with the recovery key.
    let j = Journal::open(
        &to,
        Unlock::Passphrase(Passphrase::new("correct horse".into())),
        &keys,
    )
    .unwrap();
    assert_eq!(
        j.recent_reflections(5, 0).unwrap()[0].text.as_deref(),
        Some("kept through a salvage")
    );
    drop(j);
    let to2 = root.path().join("out2");
    let r =
        usecase::salvage_with(&dir, &to2, Unlock::RecoveryKey(rk.clone()), &keys, None).unwrap();
    assert_eq!(r.salvaged(), 1);
    Journal::open(&to2, Unlock::RecoveryKey(rk), &keys).unwrap();
}

/// The window's "Repair" and `asym salvage --replace`: the salvaged journal takes the
/// damaged one's place, filled from the newest backup in its own folder, and the damaged
/// file is kept aside.
#[test]
fn a_repair_puts_every_entry_back_in_place_from_the_newest_backup_and_keeps_the_damaged_file() {
    let s = Setup::new(300);
    let live = s.live();
    let j = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
    usecase::backup_now(&j).unwrap();
    drop(j);
    let page = s.pages_where("name = 'reflections' AND pagetype = 'leaf'")[1];
    let on = fx::on_page(&live.join("journal.db"), &s.key, page, &s.before);
    assert!(!on.rows.is_empty(), "the page holds reflections");
    fx::flip(&live.join("journal.db"), page, &mut fx::Rng(page));

    // Open, the damage found at unlock, and repaired with the key already in hand.
    let j = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
    assert!(usecase::quick_check(&j).is_err(), "the page check finds it");
    let damaged = std::fs::read(live.join("journal.db")).unwrap();
    // Another connection open: the repair waits for the only one, and changes nothing.
    let mut other = j.another_connection().unwrap();
    let refused = usecase::repair_open(&mut other).unwrap_err();
    assert!(matches!(refused, Error::InUse), "{refused}");
    assert!(std::fs::read(live.join("journal.db")).unwrap() == damaged);

    drop(other);
    let mut j = j;
    let report = usecase::repair_open(&mut j).unwrap();
    assert!(
        report.summary.contains("nothing is known to be lost"),
        "{}",
        report.summary
    );
    // The same journal value reads the repaired file.
    assert_eq!(
        j.reflections().unwrap().len(),
        s.before["reflections"].len()
    );
    drop(j);
    assert!(report.backup.is_some(), "the newest backup filled the page");
    assert_eq!(report.filled, on.rows.len(), "{report:?}");
    assert_eq!(report.lost, 0);
    let after = fx::rows(&live.join("journal.db"), &s.key);
    assert!(ids_missing(&s.before, &after).is_empty());
    // The damaged file kept aside (its log checkpointed in: the damaged page as it was);
    // nothing of the work left behind.
    let kept = std::fs::read(report.kept_aside.join("journal.db")).unwrap();
    let at = |f: &[u8]| f[(page - 1) as usize * 4096..page as usize * 4096].to_vec();
    assert!(kept.len() == damaged.len() && at(&kept) == at(&damaged));
    let left: Vec<String> = std::fs::read_dir(&live)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("repair") || n.contains("salvage"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The same key opens it, every page whole.
    let j = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
    usecase::quick_check(&j).unwrap();
    drop(j);
    let check = usecase::check_journal(&live, &s.keys, || unreachable!()).unwrap();
    assert!(!check.damaged, "{check:?}");
}

/// A journal whose first page is damaged opens for no one: the repair (unlocked from the
/// folder, as the window's damaged screen does) brings everything back from the backup.
#[test]
fn a_journal_that_no_longer_opens_is_repaired_from_its_backup() {
    let s = Setup::new(120);
    let live = s.live();
    let j = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
    usecase::backup_now(&j).unwrap();
    drop(j);
    fx::flip(&live.join("journal.db"), 1, &mut fx::Rng(1));
    let refused = Journal::open(&live, Unlock::Keyring, &s.keys).unwrap_err();
    assert!(matches!(refused, Error::Damaged(_)), "{refused}");
    let (report, j) = usecase::repair_with(&live, Unlock::Keyring, &s.keys).unwrap();
    drop(j);
    assert_eq!(report.salvaged, 0);
    assert!(report.salvage.source_unreadable);
    let after = fx::rows(&live.join("journal.db"), &s.key);
    assert!(ids_missing(&s.before, &after).is_empty());
    Journal::open(&live, Unlock::Keyring, &s.keys).unwrap();
}
