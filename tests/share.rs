//! End-to-end tests of `asym share`: a person chooses what to share, previews it, exports
//! every format, and keeps a log; a private item never leaves unless picked; a killed
//! export never leaves a partial file.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use asymptote_core::export::Bundle;
use common::{MARCH, Week, World, short};

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_person_previews_a_month_exports_every_format_and_keeps_a_log() {
    let w = World::with_journal();
    let week = Week::write(&w);
    let days = Week::DAYS;

    let mut args = vec!["--json", "share", "preview"];
    args.extend(MARCH);
    args.extend(["--agenda", "Can I own the review rota?", "--for", "Sam"]);
    let preview = w.asym(&args).ok();
    assert!(!preview.stdout.contains(&week.canary));
    let p = preview.json();
    assert_eq!(p["counts"]["purposes"], 1);
    assert_eq!(p["counts"]["challenges"], 1);
    assert_eq!(p["counts"]["sessions"], days);
    assert_eq!(p["counts"]["reflections"], 1, "only the shared reflection");
    assert_eq!(p["counts"]["checkins"], days);
    assert_eq!(p["counts"]["audit_items"], 0);
    assert_eq!(p["recipient"], "Sam");
    let text = w
        .asym(&[
            "share",
            "preview",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
        ])
        .ok()
        .stdout;
    assert!(
        text.contains("Code review") && text.contains("Nothing else leaves"),
        "{text}"
    );

    let out = w.tmp();
    for format in ["json", "md", "html", "csv", "pdf"] {
        let file = out.join(format!("brief.{format}"));
        let mut args = vec!["share", "export"];
        args.extend(MARCH);
        args.extend([
            "--agenda",
            "Can I own the review rota?",
            "--for",
            "Sam",
            "--format",
            format,
        ]);
        args.extend(["--out", file.to_str().unwrap()]);
        let run = w.asym(&args).ok();
        assert!(run.stdout.contains("Wrote"), "{}", run.stdout);
        let body = if format == "pdf" {
            pdf_text(&file)
        } else {
            std::fs::read_to_string(&file).unwrap()
        };
        assert!(
            !body.contains(&week.canary) && !body.contains(Week::PRIVATE_WORDS),
            "{format} leaked a private reflection"
        );
        assert!(
            !body.contains(Week::AUDIT_WORDS),
            "{format} leaked the audit"
        );
        assert!(body.contains("Code review"), "{format}: {body}");
        if format != "csv" {
            // The CSV holds sessions only.
            assert!(body.contains(Week::SHARED_WORDS), "{format}: {body}");
        }
        // The person's text is text in every format: markup is not markup, a formula is
        // not a formula.
        match format {
            "html" => assert!(!body.contains("<b>not bold</b>"), "{body}"),
            "csv" => assert!(body.contains("'=1+1"), "{body}"),
            _ => {}
        }
    }
    let bundle =
        Bundle::from_json(&std::fs::read_to_string(out.join("brief.json")).unwrap()).unwrap();
    assert_eq!(bundle.sessions.len(), days);
    assert_eq!(bundle.agenda, ["Can I own the review rota?"]);
    assert!(bundle.challenges[0].progress.curve.is_some());
    assert!(
        std::fs::read(out.join("brief.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("brief.csv"))
            .unwrap()
            .lines()
            .count(),
        days + 1,
        "a header and a line per session"
    );

    let log = w.asym(&["--json", "share", "log"]).ok().json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0]["format"], "json");
    assert_eq!(log[4]["format"], "pdf");
    assert_eq!(log[0]["recipient"], "Sam");
    assert_eq!(log[0]["file_name"], "brief.json");
    assert_eq!(
        log[0]["item_ids"].as_array().unwrap().len(),
        Week::SHAREABLE
    );
    assert!(w.asym(&["share", "log"]).ok().stdout.contains("brief.pdf"));

    // Picking the private reflection and the audit item is the only way they leave.
    let file = out.join("picked.json");
    let mut args = vec!["share", "export"];
    args.extend(MARCH);
    args.extend([
        "--pick",
        short(&week.private_reflections[0]),
        "--pick",
        &week.audit[0],
        "--exclude",
        &week.challenge,
    ]);
    args.extend(["--format", "json", "--out", file.to_str().unwrap()]);
    w.asym(&args).ok();
    let b = Bundle::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(
        b.reflections
            .iter()
            .any(|r| r.text.as_deref().unwrap_or("").contains(&week.canary))
    );
    assert_eq!(b.audit_items.len(), 1);
    assert!(b.challenges.is_empty(), "excluded");
    // Nothing but the files asked for: no temp files.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

#[test]
fn mistakes_are_told_in_one_sentence_and_nothing_is_written() {
    let w = World::with_journal();
    Week::write(&w);
    let file = w.tmp().join("x.pdf");
    let f = file.to_str().unwrap();
    w.asym(&[
        "share",
        "export",
        "--from",
        "2026-03-31",
        "--to",
        "2026-03-01",
        "--format",
        "pdf",
        "--out",
        f,
    ])
    .fails_with(2, "before it starts");
    w.asym(&[
        "share",
        "export",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "docx",
        "--out",
        f,
    ])
    .fails_with(2, "not an export format");
    w.asym(&[
        "share",
        "preview",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--sections",
        "salary",
    ])
    .fails_with(2, "not a section");
    w.asym(&[
        "share",
        "preview",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--pick",
        "zz",
    ])
    .fails_with(2, "not an item id");
    w.asym(&[
        "share",
        "preview",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--pick",
        "abcdef12",
    ])
    .fails_with(2, "No item matches");
    w.asym(&["share", "preview", "--from", "March", "--to", "2026-03-31"])
        .fails_with(2, "not a date");
    let missing = w.tmp().join("no/such/folder/x.pdf");
    w.asym(&[
        "share",
        "export",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--format",
        "pdf",
        "--out",
        missing.to_str().unwrap(),
    ])
    .fails_with(2, "does not exist");
    assert!(!file.exists());
    assert!(
        w.asym(&["--json", "share", "log"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// A journal with years of sessions, made through the core (much faster than the CLI),
/// protected by a passphrase with light KDF settings so each run opens it quickly.
fn big_journal(w: &World) {
    use asymptote_core::*;
    let mut opts = CreateOptions::passphrase(Passphrase::new("kill-test-passphrase".into()));
    opts.kdf = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };
    let mut j = Journal::create(&w.data, opts, &NoKeyStore).unwrap().journal;
    let c = j
        .add_challenge(NewChallenge {
            skill: "Scales".into(),
            ..Default::default()
        })
        .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T08:00:00+00:00").unwrap();
    let sessions: Vec<NewSession> = (0..6000)
        .map(|i| NewSession {
            challenge_id: Some(c.meta.id),
            data: SessionData {
                duration_min: Some(25.0),
                performance: Some(50.0 + (f64::from(i)).ln_1p() * 5.0),
                notes: Some("a note long enough to make the file big ".repeat(4)),
                ..Default::default()
            },
            private: false,
            when: Some(start + chrono::Duration::hours(8 * i64::from(i))),
        })
        .collect();
    j.add_sessions(sessions).unwrap();
}

fn export_cmd(w: &World, out: &Path) -> Command {
    let mut c = w.command(env!("CARGO_BIN_EXE_asym"));
    c.env("ASYMPTOTE_PASSPHRASE", "kill-test-passphrase")
        .args(["--data-dir", w.data.to_str().unwrap(), "share", "export"])
        .args([
            "--from",
            "2020-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "json",
            "--replace",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn temps(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tmp-"))
        .collect()
}

#[test]
fn a_killed_export_leaves_no_partial_file_and_the_next_run_clears_its_temp() {
    let w = World::new();
    big_journal(&w);
    let dir = w.tmp().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("big.json");

    // How long one whole export takes here, to kill at points across it.
    let t = Instant::now();
    assert!(export_cmd(&w, &out).status().unwrap().success());
    let whole = t.elapsed();
    let good = std::fs::read_to_string(&out).unwrap();
    assert_eq!(Bundle::from_json(&good).unwrap().sessions.len(), 6000);
    std::fs::remove_file(&out).unwrap();

    let mut killed = 0;
    for k in 1..=8u32 {
        let mut child = export_cmd(&w, &out).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(f64::from(k) / 9.0));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        // The target is absent or whole — never half a file.
        if out.exists() {
            let text = std::fs::read_to_string(&out).unwrap();
            Bundle::from_json(&text).unwrap();
        }
    }
    assert!(killed > 0, "no run was killed mid-way");
    // A killed run may leave its temp file; the next export removes it (its process is gone).
    assert!(export_cmd(&w, &out).status().unwrap().success());
    assert!(
        temps(&dir).is_empty(),
        "stale temp files left: {:?}",
        temps(&dir)
    );
    Bundle::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
}

/// The window's rules hold in the CLI too (one use case below both): a taken name is
/// refused unless `--replace`, and an age passphrase needs eight characters.
#[test]
fn export_refuses_a_taken_name_unless_replaced_and_a_short_passphrase() {
    let w = World::with_journal();
    Week::write(&w);
    let file = w.tmp().join("taken.md");
    std::fs::write(&file, b"keep me").unwrap();
    let mut base = vec!["share", "export"];
    base.extend(MARCH);
    base.extend(["--format", "md"]);
    let mut args = base.clone();
    args.extend(["--out", file.to_str().unwrap()]);
    w.asym(&args).fails_with(4, "already exists");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    args.push("--replace");
    w.asym(&args).ok();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("Code review")
    );

    let enc = w.tmp().join("short.md");
    let mut args = base;
    args.extend(["--out", enc.to_str().unwrap(), "--encrypt-passphrase"]);
    w.asym_with(&args, &[("ASYMPTOTE_AGE_PASSPHRASE", "seven77")], None)
        .fails_with(2, "at least 8 characters");
    assert!(!enc.exists() && !w.tmp().join("short.md.age").exists());
}
