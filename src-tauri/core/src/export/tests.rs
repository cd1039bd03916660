#![allow(clippy::unwrap_used)]

use std::process::Command;

use chrono::{DateTime, FixedOffset, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::*;

// Letters and digits only, so no format escapes it out of recognition.
const CANARY: &str = "ZQXPRIVATECANARY7731";

fn at(day: &str, hour: u32) -> Option<DateTime<FixedOffset>> {
    Some(DateTime::parse_from_rfc3339(&format!("{day}T{hour:02}:15:00+02:00")).unwrap())
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    j: Journal,
    challenge: Id,
    private_reflection: Id,
    picked_reflection: Id,
    audit: Id,
    private_session: Id,
}

/// A month of journaling with text full of Markdown and HTML metacharacters, a private
/// reflection holding the canary, a private session and an audit item.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut j = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys)
        .unwrap()
        .journal;
    let p = j
        .add_purpose(NewPurpose {
            title: "# Serve *the* [team](http://x.invalid) <b>well</b> & 1. fast".into(),
            whom: Some("The on-call rota, \"quoted\"".into()),
            why: Some("So nights are quiet".into()),
            when: at("2026-03-01", 9),
            ..Default::default()
        })
        .unwrap();
    let hidden = j
        .add_purpose(NewPurpose {
            title: "A private purpose".into(),
            private: true,
            when: at("2026-03-01", 9),
            ..Default::default()
        })
        .unwrap();
    let c = j
        .add_challenge(NewChallenge {
            skill: "Incident triage".into(),
            goal: Some("Triage a page in under 10 minutes".into()),
            measure: Measure {
                name: Some("Time to triage".into()),
                unit: Some("min".into()),
                higher_is_better: false,
            },
            difficulty: Some(3.0),
            purpose_ids: vec![p.meta.id, hidden.meta.id],
            when: at("2026-03-01", 10),
            ..Default::default()
        })
        .unwrap();
    let mut private_session = None;
    for i in 0..20u32 {
        let s = j
            .add_session(NewSession {
                challenge_id: Some(c.meta.id),
                data: SessionData {
                    duration_min: Some(30.0),
                    difficulty: Some(3.0),
                    attempts: Some(10),
                    successes: Some(8 + (i % 3).min(2)),
                    performance: Some(30.0 * (-(f64::from(i)) / 6.0).exp() + 8.0),
                    challenge_rating: Some(5),
                    skill_rating: Some(6),
                    feedback: vec![Feedback {
                        source: FeedbackSource::Coach,
                        delay_min: Some(5.0),
                        worked: Some("Checked the dashboard, first, \"then\" logs".into()),
                        change: Some("Page the owner sooner\nnext time".into()),
                    }],
                    notes: Some(if i == 19 {
                        format!("{CANARY} in a private session")
                    } else {
                        "=SUM(A1) stays text, <script>x</script>".into()
                    }),
                    ..Default::default()
                },
                private: i == 19,
                when: at(&format!("2026-03-{:02}", i + 2), 14),
            })
            .unwrap();
        if i == 19 {
            private_session = Some(s.meta.id);
        }
    }
    let private_reflection = j
        .add_reflection(NewReflection {
            text: Some(format!("My worry: {CANARY}. I never want this shared.")),
            challenge_ids: vec![c.meta.id],
            when: at("2026-03-10", 20),
            ..Default::default()
        })
        .unwrap()
        .meta
        .id;
    let picked_reflection = j
        .add_reflection(NewReflection {
            text: Some(
                "Not yet — but closer. **Slower** is _faster_.\n\nSecond paragraph `code`.".into(),
            ),
            gibbs: Gibbs {
                action_plan: Some("Read the runbook first".into()),
                ..Default::default()
            },
            when: at("2026-03-12", 20),
            ..Default::default()
        })
        .unwrap()
        .meta
        .id;
    j.add_checkin(NewCheckin {
        ratings: FourTs {
            task: 5,
            time: 3,
            technique: 6,
            team: 4,
        },
        note: Some("More say over on-call hours".into()),
        private: false,
        when: at("2026-03-15", 18),
    })
    .unwrap();
    let audit = j
        .add_audit_item(NewAuditItem {
            kind: AuditKind::Reward,
            description: "Bonus per ticket closed".into(),
            when: at("2026-03-05", 11),
            ..Default::default()
        })
        .unwrap()
        .meta
        .id;
    Fixture {
        _dir: dir,
        j,
        challenge: c.meta.id,
        private_reflection,
        picked_reflection,
        audit,
        private_session: private_session.unwrap(),
    }
}

fn march() -> Selection {
    let mut s = Selection::new(d("2026-03-01"), d("2026-03-31"));
    s.agenda = vec![
        "Can I own the on-call schedule?".into(),
        "What does *done* look like <here>?".into(),
    ];
    s.recipient = Some("Sam".into());
    s
}

fn all_formats(b: &Bundle) -> Vec<(Format, Vec<u8>)> {
    [
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Csv,
        Format::Pdf,
    ]
    .into_iter()
    .map(|f| (f, f.render(b).unwrap()))
    .collect()
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.pdf");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg(&p)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(format: Format, bytes: &[u8]) -> String {
    match format {
        Format::Pdf => pdf_text(bytes),
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

#[test]
fn private_items_and_audit_items_stay_home_unless_picked() {
    let f = fixture();
    let b = f.j.build_bundle(&march()).unwrap();
    let ids = b.item_ids();
    assert!(!ids.contains(&f.private_reflection));
    assert!(
        !ids.contains(&f.picked_reflection),
        "reflections are private by default"
    );
    assert!(
        !ids.contains(&f.audit),
        "audit items leave only when picked"
    );
    assert!(!ids.contains(&f.private_session));
    assert_eq!(b.sessions.len(), 19);
    // Links never name an item left home.
    assert_eq!(
        b.challenges[0].challenge.purpose_ids,
        vec![b.purposes[0].meta.id]
    );
    assert_eq!(b.purposes.len(), 1);
    // The private session does not shape the shared curve either.
    assert_eq!(b.challenges[0].progress.sessions, 19);
    for (format, bytes) in all_formats(&b) {
        let text = text_of(format, &bytes);
        assert!(!text.contains(CANARY), "{format:?} holds the canary");
        assert!(
            !text.contains("Bonus per ticket"),
            "{format:?} holds an audit item"
        );
    }

    let mut sel = march();
    sel.picked = vec![f.picked_reflection, f.audit];
    let b = f.j.build_bundle(&sel).unwrap();
    assert!(b.item_ids().contains(&f.picked_reflection));
    assert!(b.item_ids().contains(&f.audit));
    assert!(!b.item_ids().contains(&f.private_reflection));
    let md = Format::Markdown.render(&b).unwrap();
    assert!(
        String::from_utf8(md)
            .unwrap()
            .contains("Read the runbook first")
    );

    // Picking the private one is the only way it leaves, and then every format holds it.
    sel.picked.push(f.private_reflection);
    let b = f.j.build_bundle(&sel).unwrap();
    for (format, bytes) in all_formats(&b) {
        if format == Format::Csv {
            continue; // sessions only
        }
        assert!(
            text_of(format, &bytes).contains(CANARY),
            "{format:?} lost a picked item"
        );
    }
}

#[test]
fn candidates_are_exactly_what_the_period_holds_beyond_the_file() {
    let f = fixture();
    let sel = march();
    let ids = |items: &[PreviewItem]| items.iter().map(|i| i.id).collect::<Vec<_>>();
    let cands = f.j.share_candidates(&sel).unwrap();
    let c = ids(&cands);
    for kept in [
        f.private_reflection,
        f.picked_reflection,
        f.audit,
        f.private_session,
    ] {
        assert!(c.contains(&kept), "{kept} should be offered to pick");
    }
    assert!(
        cands
            .iter()
            .any(|i| i.kind == Kind::Purpose && i.private && i.title == "A private purpose")
    );
    // Disjoint from the preview, and together they cover every item of the period.
    let preview = f.j.preview(&sel).unwrap();
    let (p2, c2) = f.j.preview_with_candidates(&sel).unwrap();
    assert_eq!(
        (p2.ids(), ids(&c2)),
        (preview.ids(), c.clone()),
        "one build, same answer"
    );
    assert!(preview.ids().iter().all(|id| !c.contains(id)));
    // 20 sessions, 2 purposes, 1 challenge, 2 reflections, 1 check-in, 1 audit item.
    assert_eq!(preview.items.len() + cands.len(), 20 + 2 + 1 + 2 + 1 + 1);
    // Newest first.
    assert!(cands.windows(2).all(|w| w[0].day >= w[1].day));

    // Picking moves an item from the candidates into the file; leaving out moves it back.
    let mut sel = march();
    sel.picked = vec![f.private_reflection];
    sel.excluded = vec![f.challenge];
    let c = ids(&f.j.share_candidates(&sel).unwrap());
    assert!(!c.contains(&f.private_reflection));
    assert!(c.contains(&f.challenge));
    let p = f.j.preview(&sel).unwrap().ids();
    assert!(p.contains(&f.private_reflection) && !p.contains(&f.challenge));
    // A period outside the journal offers nothing but what is still relevant (the active
    // challenge and purposes made before it).
    let mut sel = march();
    sel.from = d("2027-01-01");
    sel.to = d("2027-01-31");
    let c = f.j.share_candidates(&sel).unwrap();
    assert!(
        c.iter()
            .all(|i| matches!(i.kind, Kind::Purpose | Kind::Challenge)),
        "{c:?}"
    );
}

#[test]
fn excluded_items_are_left_out_and_conflicts_are_refused() {
    let mut f = fixture();
    let mut sel = march();
    sel.excluded = vec![f.challenge];
    let b = f.j.build_bundle(&sel).unwrap();
    assert!(b.challenges.is_empty());
    sel.picked = vec![f.challenge];
    let e = f.j.build_bundle(&sel).unwrap_err();
    assert!(e.to_string().contains("both picked and excluded"), "{e}");
    let mut sel = march();
    sel.from = d("2026-04-01");
    assert!(
        f.j.build_bundle(&sel)
            .unwrap_err()
            .to_string()
            .contains("before it starts")
    );
    let mut sel = march();
    sel.picked = vec![Id::new()];
    assert_eq!(f.j.build_bundle(&sel).unwrap_err().kind(), "not_found");
    // Sections off: nothing but the agenda.
    let mut sel = march();
    sel.sections = Sections::default();
    let b = f.j.build_bundle(&sel).unwrap();
    assert!(b.item_ids().is_empty());
    assert_eq!(b.agenda.len(), 2);
    assert!(!b.is_empty(), "an agenda alone is worth a file");
    // Nothing at all: no file is written.
    sel.agenda.clear();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("empty.json");
    let e = f.j.export(&sel, Format::Json, &out).unwrap_err();
    assert!(e.to_string().contains("Nothing would leave"), "{e}");
    assert!(!out.exists(), "nothing was written");
    assert!(f.j.shares().unwrap().is_empty(), "nothing was recorded");
    let _ = &mut f.j;
}

#[test]
fn the_json_bundle_round_trips_and_matches_its_schema() {
    let f = fixture();
    let mut sel = march();
    sel.picked = vec![f.picked_reflection, f.audit];
    let b = f.j.build_bundle(&sel).unwrap();
    assert!(
        b.challenges[0].progress.curve.is_some(),
        "the fixture has a curve"
    );
    let json = b.to_json().unwrap();
    let back = Bundle::from_json(&json).unwrap();
    assert_eq!(back, b);
    assert_eq!(back.to_json().unwrap(), json);
    assert_schema_valid(&json);
    // An empty bundle too.
    let mut sel = march();
    sel.sections = Sections::default();
    sel.agenda.clear();
    assert_schema_valid(&f.j.build_bundle(&sel).unwrap().to_json().unwrap());
}

fn schema() -> jsonschema::Validator {
    let text = include_str!("../../../../docs/bundle.schema.json");
    let schema: serde_json::Value = serde_json::from_str(text).unwrap();
    jsonschema::draft202012::meta::validate(&schema).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

fn assert_schema_valid(json: &str) {
    let v = schema();
    let instance: serde_json::Value = serde_json::from_str(json).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

#[test]
fn the_schema_refuses_what_from_json_refuses() {
    let f = fixture();
    let b = f.j.build_bundle(&march()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json().unwrap()).unwrap();
    v["extra"] = serde_json::json!(1);
    assert!(!schema().is_valid(&v));

    let e = Bundle::from_json("not json").unwrap_err().to_string();
    assert!(e.contains("not valid JSON"), "{e}");
    let e = Bundle::from_json(r#"{"format":"other","version":1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not an Asymptote bundle"), "{e}");
    let e = Bundle::from_json(r#"{"format":"asymptote-bundle","version":2}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("newer"), "{e}");
    let e = Bundle::from_json(r#"{"format":"asymptote-bundle"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("version"), "{e}");
    let mut dup = b.clone();
    dup.sessions.push(dup.sessions[0].clone());
    let e = Bundle::from_json(&dup.to_json().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("twice"), "{e}");
    let mut bad = serde_json::to_value(&b).unwrap();
    bad["sessions"][0]["id"] = serde_json::json!("not-an-id");
    let e = Bundle::from_json(&bad.to_string()).unwrap_err().to_string();
    assert!(e.contains("malformed"), "{e}");
}

#[test]
fn markdown_is_commonmark_with_the_persons_text_escaped() {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};
    let f = fixture();
    let mut sel = march();
    sel.picked = vec![f.picked_reflection];
    let b = f.j.build_bundle(&sel).unwrap();
    let md = String::from_utf8(Format::Markdown.render(&b).unwrap()).unwrap();
    let mut h1 = 0;
    let mut h2 = Vec::new();
    let mut items = 0;
    let mut ordered = 0;
    let mut text = String::new();
    let mut in_h2 = false;
    for ev in Parser::new(&md) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => h1 += 1,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                in_h2 = true;
                h2.push(String::new());
            }
            Event::End(pulldown_cmark::TagEnd::Heading(_)) => in_h2 = false,
            Event::Start(Tag::List(Some(_))) => ordered += 1,
            Event::Start(Tag::Item) => items += 1,
            Event::Start(
                Tag::Link { .. }
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock,
            )
            | Event::Code(_)
            | Event::Html(_)
            | Event::InlineHtml(_) => panic!("the person's text became markup: {ev:?}\n{md}"),
            Event::Text(t) => {
                if in_h2 && let Some(last) = h2.last_mut() {
                    last.push_str(&t);
                }
                text.push_str(&t);
            }
            _ => {}
        }
    }
    assert_eq!(h1, 1);
    assert_eq!(
        h2,
        [
            "Summary",
            "Agenda",
            "Challenges and progress",
            "Practice and feedback",
            "Reflections",
            "Purposes",
            "Autonomy check-ins"
        ]
    );
    assert_eq!(ordered, 1, "the agenda is an ordered list");
    assert!(items > 20);
    // The metacharacters come back as literal text.
    assert!(
        text.contains("# Serve *the* [team](http://x.invalid) <b>well</b> & 1. fast"),
        "{text}"
    );
    assert!(text.contains("What does *done* look like <here>?"));
    assert!(text.contains("**Slower** is _faster_."));
}

#[test]
fn html_is_one_self_contained_page_with_everything_escaped() {
    let f = fixture();
    let b = f.j.build_bundle(&march()).unwrap();
    let html = String::from_utf8(Format::Html.render(&b).unwrap()).unwrap();
    let lower = html.to_ascii_lowercase();
    for bad in ["src=", "href=", "@import", "url("] {
        assert!(
            !lower.contains(bad),
            "the page could fetch something: {bad}"
        );
    }
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "parse errors: {:?}", doc.errors);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("h1")).count(), 1);
    assert_eq!(
        doc.select(&sel("script")).count(),
        0,
        "text became a script"
    );
    assert_eq!(doc.select(&sel("b")).count(), 0, "text became markup");
    assert_eq!(
        doc.select(&sel("svg polyline")).count(),
        1,
        "the curve is inline SVG"
    );
    assert!(doc.select(&sel("svg circle")).count() >= 19);
    let body: String = doc.select(&sel("body")).next().unwrap().text().collect();
    assert!(body.contains("<script>x</script>"));
    assert!(body.contains("# Serve *the* [team](http://x.invalid) <b>well</b> & 1. fast"));
}

#[test]
fn csv_reads_back_with_a_header_and_every_session() {
    let f = fixture();
    let b = f.j.build_bundle(&march()).unwrap();
    let bytes = Format::Csv.render(&b).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");
    let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, super::csv_out::HEADER);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), b.sessions.len());
    for (row, s) in rows.iter().zip(&b.sessions) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[0], s.meta.id.to_string());
        assert_eq!(row[5].parse::<f64>().unwrap(), s.data.duration_min.unwrap());
        assert_eq!(row[11].parse::<f64>().unwrap(), s.data.performance.unwrap());
        assert_eq!(&row[18], "'=SUM(A1) stays text, <script>x</script>");
        assert!(row[16].contains("change: Page the owner sooner\nnext time"));
        assert!(row[16].contains("\"then\""));
    }
}

#[test]
fn the_pdf_brief_has_text_pages_and_vector_charts() {
    let f = fixture();
    let mut sel = march();
    sel.picked = vec![f.picked_reflection];
    let b = f.j.build_bundle(&sel).unwrap();
    let bytes = Format::Pdf.render(&b).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/export");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("brief.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let text = pdf_text(&bytes);
    for want in [
        "One-on-one brief, 2026-03-01 to 2026-03-31",
        "Summary",
        "Agenda",
        "Can I own the on-call schedule?",
        "Challenges and progress",
        "Incident triage",
        "Goldilocks:",
        "Mastery curve",
        "Not yet — but closer.",
        "Read the runbook first",
        "Serves:",
        "Practice (hours)",
        "Feedback (coach)",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success());
    let info = String::from_utf8(info.stdout).unwrap();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{info}");
    assert!(info.contains("One-on-one brief"), "{info}");
    let png = dir.join("brief-page");
    let r = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "2"])
        .arg(&path)
        .arg(&png)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    // Vector graphics: path operators in a content stream, and no image anywhere.
    let raw = String::from_utf8_lossy(&bytes);
    assert!(!raw.contains("/Image"));
    let streams = inflated_streams(&bytes);
    assert!(
        streams.contains(" l\n") && streams.contains(" c\n"),
        "lines and curves are drawn as paths"
    );
    // Every stream is compressed.
    assert_eq!(
        raw.matches("stream\n").count() - raw.matches("endstream").count(),
        raw.matches("/FlateDecode").count(),
        "every stream is Flate-compressed"
    );
}

/// Every Flate stream of `pdf`, inflated and joined.
fn inflated_streams(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = pdf;
    while let Some(i) = find(rest, b"stream\n") {
        let body = &rest[i + 7..];
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        if let Ok(data) = miniz_oxide::inflate::decompress_to_vec_zlib(&body[..end]) {
            out.push_str(&String::from_utf8_lossy(&data));
        }
        rest = &body[end + 9..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Runs a poppler tool on `pdf` (written to a temp file) and returns its stdout.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&p)
        .args((tool == "pdftotext").then_some("-"))
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is installed: {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The words `pdftotext -bbox` finds: (page, xMin, yMin, xMax, yMax, text), in points
/// from the page's top left.
fn pdf_words(pdf: &[u8]) -> Vec<(usize, f32, f32, f32, f32, String)> {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    let attr = |tag: &str, name: &str| -> f32 {
        let k = format!("{name}=\"");
        let i = tag.find(&k).unwrap() + k.len();
        tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
    };
    let mut words = Vec::new();
    for (page, chunk) in html.split("<page ").skip(1).enumerate() {
        for w in chunk.split("<word ").skip(1) {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap();
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            words.push((
                page + 1,
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
                text,
            ));
        }
    }
    words
}

/// The March brief with text in many scripts, and things no embedded font draws.
fn many_scripts() -> Bundle {
    let f = fixture();
    let mut sel = march();
    sel.picked = vec![f.picked_reflection];
    let mut b = f.j.build_bundle(&sel).unwrap();
    b.challenges[0].challenge.skill = "Feedback for Łukasz and Ζωή".into();
    b.reflections[0].text = Some("Привет мир. Türkçe: ğüşöç. Hebrew: שלום. Armenian: Բարեւ. Georgian: გამარჯობა. Arabic: سلام.".into());
    b.agenda = vec![
        "Ask Łukasz about ğüşöç".into(),
        "Ζωή: Привет мир".into(),
        "Not in the font: 会議 🙂 done".into(),
    ];
    b
}

#[test]
fn the_pdf_brief_prints_every_script_the_font_has_and_extracts_it_exactly() {
    let b = many_scripts();
    let bytes = Format::Pdf.render(&b).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("brief-scripts.pdf"), &bytes).unwrap();
    let text = pdf_text(&bytes);
    for want in [
        "Feedback for Łukasz and Ζωή",
        "Привет мир",
        "ğüşöç",
        "שלום",
        "Բարեւ",
        "გამარჯობა",
        "Ask Łukasz about ğüşöç",
        "Ζωή: Привет мир",
        // Drawn as �, but the text layer keeps what was written.
        "会議 🙂 done",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
    assert!(!text.contains('\u{FFFD}'), "{text}");
}

#[test]
fn the_pdf_brief_embeds_subsets_of_its_own_fonts() {
    let b = many_scripts();
    let bytes = Format::Pdf.render(&b).unwrap();
    let fonts = poppler("pdffonts", &[], &bytes);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for (row, name) in rows.iter().zip(["+DejaVuSans ", "+DejaVuSans-Bold "]) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains(name), "{fonts}");
        assert_eq!(
            cols[0].find('+'),
            Some(6),
            "a six-letter subset tag: {fonts}"
        );
        assert!(
            row.contains("CID TrueType") && row.contains("Identity-H"),
            "{fonts}"
        );
        // emb, sub, uni
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "{fonts}"
        );
    }
    // Subsets: far smaller than the 1.4 MiB the two fonts weigh.
    assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
}

#[test]
// Casts here are bounded by construction: page coordinates of a rendered page.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
fn characters_the_font_lacks_show_a_visible_replacement() {
    let b = many_scripts();
    let bytes = Format::Pdf.render(&b).unwrap();
    let words = pdf_words(&bytes);
    let (page, x0, y0, x1, y1, _) = words
        .iter()
        .find(|w| w.5 == "🙂")
        .cloned()
        .unwrap_or_else(|| panic!("no 🙂 in {words:?}"));
    assert!(x1 - x0 > 3.0, "the replacement has a width");
    // Render just that word's box at 72 dpi (1 px per point) and count the dark pixels.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("b.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let page = page.to_string();
    let crop = |v: f32| (v.floor() as i32).to_string();
    let r = Command::new("pdftoppm")
        .args(["-gray", "-r", "72", "-f", &page, "-l", &page])
        .args(["-x", &crop(x0), "-y", &crop(y0)])
        .args(["-W", &crop(x1 - x0 + 1.0), "-H", &crop(y1 - y0 + 1.0)])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    // A binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let pgm = r.stdout;
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[at + 1..];
    let dark = pixels.iter().filter(|&&p| p < 160).count();
    assert!(
        dark >= 10,
        "the replacement is drawn, not blank: {dark} dark pixels of {}",
        pixels.len()
    );
}

#[test]
fn lines_of_wide_characters_wrap_inside_the_page() {
    let mut b = many_scripts();
    let wide = "ШШШШ ЖЖЖЖЖ WWWWWW ЩЩЩ ЮЮЮЮ ММММ ÆÆÆ ŒŒŒŒ ѠѠѠ ᲚᲚᲚ ".repeat(6);
    b.challenges[0].challenge.skill = wide.clone();
    b.agenda.push(wide.clone());
    b.agenda.push("Ж".repeat(300));
    b.reflections[0].text = Some(format!("{wide} {}", "W".repeat(200)));
    let bytes = Format::Pdf.render(&b).unwrap();
    let words = pdf_words(&bytes);
    let right = 595.0 - 56.0;
    let mut seen = 0;
    for (page, x0, _, x1, _, text) in &words {
        assert!(
            *x0 >= 56.0 - 0.5,
            "{text:?} starts left of the margin on page {page}"
        );
        assert!(
            *x1 <= right + 0.5,
            "{text:?} ends at {x1} pt on page {page}, past the right margin at {right} pt"
        );
        if text.contains("ЖЖЖЖЖ") || text.contains("WWWWWW") {
            seen += 1;
        }
    }
    assert!(seen > 20, "the wide lines were rendered: {seen}");
}

#[test]
fn preview_lists_exactly_what_the_file_holds_and_shares_are_recorded() {
    let mut f = fixture();
    let mut sel = march();
    sel.picked = vec![f.picked_reflection];
    let preview = f.j.preview(&sel).unwrap();
    let b = f.j.build_bundle(&sel).unwrap();
    assert_eq!(preview.ids(), b.item_ids());
    assert_eq!(preview.counts.sessions, 19);
    assert_eq!(preview.counts.reflections, 1);
    assert!(
        preview
            .items
            .iter()
            .any(|i| i.private && i.id == f.picked_reflection)
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brief.json");
    let done = f.j.export(&sel, Format::Json, &out).unwrap();
    assert_eq!(done.preview.ids(), preview.ids());
    let written = std::fs::read_to_string(&out).unwrap();
    let back = Bundle::from_json(&written).unwrap();
    assert_eq!(back.item_ids(), preview.ids());
    let csv_out = dir.path().join("s.csv");
    f.j.export(&sel, Format::Csv, &csv_out).unwrap();
    let shares = f.j.shares().unwrap();
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0].format, Format::Json);
    assert_eq!(shares[0].recipient.as_deref(), Some("Sam"));
    assert_eq!(shares[0].file_name, "brief.json");
    assert_eq!(shares[0].item_ids, preview.ids());
    assert_eq!(shares[1].item_ids.len(), 19, "a CSV holds sessions only");
    use sha2::Digest;
    assert_eq!(
        shares[0].sha256,
        hex::encode(sha2::Sha256::digest(written.as_bytes()))
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temp files left"
    );
}

#[test]
fn stale_temp_files_of_a_killed_export_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("b.pdf");
    // A pid that cannot be running.
    let stale = dir.path().join(".b.pdf.tmp-4194399");
    std::fs::write(&stale, b"half").unwrap();
    let other = dir.path().join(".c.pdf.tmp-4194399");
    std::fs::write(&other, b"not ours").unwrap();
    super::build::clean_stale_temps(&target);
    assert!(!stale.exists());
    assert!(other.exists(), "only temp files of this target are touched");
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{1,40}",
        "[#*_`<>&\\[\\]()!|\\\\~=+-]{1,12}[a-z ]{0,10}",
        "\\PC{1,30}",
    ]
    .prop_filter("non-blank", |s| !s.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any text the person writes survives export → import unchanged, and a private item
    /// never appears in any format unless picked.
    #[test]
    fn export_import_round_trips_and_private_text_never_leaks(
        title in any_text(),
        note in any_text(),
        reflection in any_text(),
        agenda in proptest::collection::vec(any_text(), 0..3),
        perf in proptest::collection::vec(0.0f64..1000.0, 0..8),
        pick in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let mut j = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys).unwrap().journal;
        let p = j.add_purpose(NewPurpose { title: title.clone(), when: at("2026-05-01", 8), ..Default::default() }).unwrap();
        let c = j.add_challenge(NewChallenge { skill: title, purpose_ids: vec![p.meta.id], when: at("2026-05-01", 9), ..Default::default() }).unwrap();
        for (i, y) in perf.iter().enumerate() {
            j.add_session(NewSession {
                challenge_id: Some(c.meta.id),
                data: SessionData { performance: Some(*y), duration_min: Some(20.0), notes: Some(note.clone()), ..Default::default() },
                private: false,
                when: at(&format!("2026-05-{:02}", i + 2), 12),
            }).unwrap();
        }
        let secret = j.add_reflection(NewReflection {
            text: Some(format!("{reflection} {CANARY}")),
            when: at("2026-05-20", 21),
            ..Default::default()
        }).unwrap().meta.id;
        let mut sel = Selection::new(d("2026-05-01"), d("2026-05-31"));
        sel.agenda = agenda;
        if pick { sel.picked = vec![secret]; }
        let b = j.build_bundle(&sel).unwrap();
        let back = Bundle::from_json(&b.to_json().unwrap()).unwrap();
        prop_assert_eq!(&back, &b);
        for (format, bytes) in all_formats(&b) {
            let text = text_of(format, &bytes);
            let leaked = text.contains(CANARY);
            let expected = pick && format != Format::Csv;
            prop_assert_eq!(leaked, expected, "{:?}", format);
        }
    }
}

/// The flow reading a bundle words is taken against the ratings the bundle draws on: a
/// private challenge's sessions and sessions after the period must not move it.
#[test]
fn private_and_later_ratings_do_not_shape_the_shared_flow_words() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut j = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys)
        .unwrap()
        .journal;
    let shared = j
        .add_challenge(NewChallenge {
            skill: "Code review".into(),
            when: at("2026-03-01", 9),
            ..Default::default()
        })
        .unwrap()
        .meta
        .id;
    let session = |challenge: Id, day: &str, c: u8, s: u8, private: bool| NewSession {
        challenge_id: Some(challenge),
        data: SessionData {
            attempts: Some(10),
            successes: Some(8),
            challenge_rating: Some(c),
            skill_rating: Some(s),
            ..Default::default()
        },
        private,
        when: at(day, 12),
    };
    for i in 0..12u8 {
        let (c, s) = if i == 11 {
            (7, 3)
        } else {
            (4 + i % 3, 4 + (i + 1) % 3)
        };
        j.add_session(session(
            shared,
            &format!("2026-03-{:02}", i + 2),
            c,
            s,
            false,
        ))
        .unwrap();
    }
    let words = |j: &Journal| {
        let b = j
            .build_bundle(&Selection::new(d("2026-03-01"), d("2026-03-31")))
            .unwrap();
        assert_eq!(b.challenges.len(), 1);
        b.challenges[0].progress.goldilocks.evidence.clone()
    };
    let before = words(&j);
    assert!(
        before.iter().any(|w| w.contains("channel")),
        "the fixture must give a flow reading: {before:?}"
    );
    let hidden = j
        .add_challenge(NewChallenge {
            skill: "Private worry".into(),
            private: true,
            when: at("2026-03-01", 9),
            ..Default::default()
        })
        .unwrap()
        .meta
        .id;
    for i in 0..30u8 {
        let day = format!("2026-03-{:02}", i + 1);
        j.add_session(session(hidden, &day, 10, 1, false)).unwrap();
        j.add_session(session(
            shared,
            &format!("2026-04-{:02}", i + 1),
            10,
            1,
            false,
        ))
        .unwrap();
    }
    assert_eq!(words(&j), before);
}
