//! The salvage measure of issue 11: a 5,000-item journal, one random page (never page 1,
//! the header) damaged at a time, 50 times over (seeded); prints the share of items
//! salvaged, with and without a backup taken before the damage, and what each salvage
//! cost. Figures go in BENCHMARKS.md.
//!
//! ```sh
//! cargo run -p asymptote-core --example salvage_bench -- [ITEMS] [FLIPS] [SEED]
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    missing_docs
)]

#[path = "../tests/salvage_fixture/mod.rs"]
mod fx;

use std::time::Instant;

use asymptote_core::*;

fn main() {
    let arg = |i: usize, d: u64| {
        std::env::args()
            .nth(i)
            .map_or(d, |s| s.parse().expect("a number"))
    };
    let (items, flips, seed) = (arg(1, 5_000), arg(2, 50), arg(3, 2026));
    let root = fx::scratch();
    let keys = MemoryKeyStore::new();
    let live = root.path().join("live");
    let t = Instant::now();
    fx::build(&live, usize::try_from(items).unwrap(), &keys);
    let key = fx::key_hex(&live, &keys);
    let backup = root.path().join("backup.db");
    fx::snapshot(&live, &key, &backup);
    let before = fx::rows(&live.join("journal.db"), &key);
    let pages = fx::pages(&live.join("journal.db"));
    let all: usize = fx::ITEM_TABLES.iter().map(|t| before[*t].len()).sum();
    println!(
        "journal: {all} items, {pages} pages ({:.1} MiB), built in {:.1?}",
        (pages * fx::PAGE) as f64 / 1_048_576.0,
        t.elapsed()
    );
    let c = fx::raw(&live.join("journal.db"), &key, false);
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    println!(
        "of its pages: {} hold the schema (page 1 among them), {} are interior pages of a data table's tree",
        count("SELECT count(*) FROM dbstat WHERE name IN ('sqlite_schema', 'sqlite_master')"),
        count(
            "SELECT count(*) FROM dbstat WHERE pagetype = 'internal' AND name IN
             (SELECT name FROM sqlite_master WHERE type = 'table')"
        )
    );
    drop(c);
    let mut rng = fx::Rng(seed);
    let (mut back, mut back_filled, mut worst) = (0, 0, usize::MAX);
    let mut secs = Vec::new();
    let mut by_type: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for round in 0..flips {
        let page = 2 + rng.below(pages - 1);
        let on = fx::on_page(&live.join("journal.db"), &key, page, &before);
        let damaged = root.path().join(format!("d{round}"));
        fx::copy_journal(&live, &damaged);
        fx::flip(&damaged.join("journal.db"), page, &mut fx::Rng(page));
        let target = root.path().join(format!("s{round}"));
        let t = Instant::now();
        let got = match usecase::salvage(&damaged, &target, &keys, || unreachable!(), None) {
            Ok(_) => {
                secs.push(t.elapsed().as_secs_f64());
                let after = fx::rows(&target.join("journal.db"), &key);
                let out = fx::compare(&before, &after, &on);
                assert!(out.missing_elsewhere.is_empty() && out.invented.is_empty());
                out.items_back
            }
            Err(e) if e.kind() == "nothing_readable" => 0,
            Err(e) => panic!("round {round}: {e}"),
        };
        let filled_to = root.path().join(format!("f{round}"));
        usecase::salvage(
            &damaged,
            &filled_to,
            &keys,
            || unreachable!(),
            Some(&backup),
        )
        .unwrap();
        let after = fx::rows(&filled_to.join("journal.db"), &key);
        back_filled += fx::compare(&before, &after, &on).items_back;
        back += got;
        worst = worst.min(got);
        let what = format!(
            "{} {}",
            on.owner
                .as_deref()
                .map_or("free", |o| if before.contains_key(o) {
                    "table"
                } else if o == "sqlite_schema" || o == "sqlite_master" {
                    "schema"
                } else {
                    "index or search index"
                }),
            on.pagetype.as_deref().unwrap_or("-")
        );
        let e = by_type.entry(what).or_default();
        e.0 += 1;
        e.1 += all - got;
        std::fs::remove_dir_all(&damaged).unwrap();
        std::fs::remove_dir_all(&filled_to).unwrap();
        let _ = std::fs::remove_dir_all(&target);
    }
    let n = usize::try_from(flips).unwrap();
    secs.sort_by(f64::total_cmp);
    println!(
        "{flips} flips (seed {seed}): {:.3} % of items salvaged without a backup (worst flip {:.2} %), {:.3} % with a backup from before the flip",
        100.0 * back as f64 / (all * n) as f64,
        100.0 * worst as f64 / all as f64,
        100.0 * back_filled as f64 / (all * n) as f64
    );
    if let (Some(lo), Some(hi)) = (secs.first(), secs.last()) {
        println!(
            "one salvage (no backup): median {:.2} s, {:.2}–{:.2} s",
            secs[secs.len() / 2],
            lo,
            hi
        );
    }
    for (what, (hits, lost)) in by_type {
        println!("  {what}: {hits} flips, {lost} items lost in all");
    }
    // What the pages no random flip may hit cost: each interior page of a data table's tree,
    // and each schema page but the first, damaged once.
    let c = fx::raw(&live.join("journal.db"), &key, false);
    let mut s = c
        .prepare(
            "SELECT pageno, name FROM dbstat WHERE pageno > 1 AND (
               (pagetype = 'internal' AND name IN (SELECT name FROM sqlite_master WHERE type = 'table'))
               OR name IN ('sqlite_schema', 'sqlite_master')) ORDER BY pageno",
        )
        .unwrap();
    let special: Vec<(u64, String)> = s
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| {
            let (p, n) = x.unwrap();
            (u64::try_from(p).unwrap(), n)
        })
        .collect();
    drop(s);
    drop(c);
    println!("each interior page of a data table, and each schema page past page 1, damaged once:");
    for (i, (page, name)) in special.into_iter().enumerate() {
        let on = fx::on_page(&live.join("journal.db"), &key, page, &before);
        let damaged = root.path().join(format!("x{i}"));
        fx::copy_journal(&live, &damaged);
        fx::flip(&damaged.join("journal.db"), page, &mut fx::Rng(page));
        let target = root.path().join(format!("xs{i}"));
        let got = match usecase::salvage(&damaged, &target, &keys, || unreachable!(), None) {
            Ok(_) => {
                let after = fx::rows(&target.join("journal.db"), &key);
                fx::compare(&before, &after, &on).items_back
            }
            Err(e) if e.kind() == "nothing_readable" => 0,
            Err(e) => panic!("page {page}: {e}"),
        };
        println!("  page {page} ({name}): {} items lost", all - got);
        std::fs::remove_dir_all(&damaged).unwrap();
        let _ = std::fs::remove_dir_all(&target);
    }
}
