//! End-to-end tests of the manager's side and of protected exports: two worlds (the
//! person and the manager), each with its own data folder and its own real Secret
//! Service, the real `asym` binary, and the standard `age`, `age-keygen` and `minisign`
//! command-line tools, both ways.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{Canary, MARCH, Week, World, short, unique_canary};

fn tool_ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A person's journal holding the shared fixture: a week of practice in March, shared, and
/// private reflections.
fn person_world() -> (World, Week) {
    let w = World::with_journal();
    let week = Week::write(&w);
    (w, week)
}

/// `asym share export` of March as a JSON bundle, with the protection flags given.
fn export(w: &World, out: &Path, protect: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut args = vec!["share", "export"];
    args.extend(MARCH);
    args.extend(["--format", "json", "--out", out.to_str().unwrap()]);
    args.extend_from_slice(protect);
    w.asym_with(&args, env, None)
}

fn with_ext(p: &Path, ext: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

/// The person's signing public key file, written by `asym keys export-public`.
fn public_key_file(person: &World) -> (PathBuf, String) {
    let pubfile = person.tmp().join("ada.pub");
    let r = person
        .asym(&["--json", "keys", "export-public", pubfile.to_str().unwrap()])
        .ok();
    let key_id = r.json()["key_id"].as_str().unwrap().to_string();
    (pubfile, key_id)
}

fn age_keygen(w: &World, name: &str) -> (PathBuf, String) {
    let key = w.tmp().join(name);
    let out = w.run("age-keygen", &["-o", key.to_str().unwrap()], None);
    tool_ok(&out, "age-keygen");
    let text = std::fs::read_to_string(&key).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_string();
    (key, public)
}

#[test]
fn keys_show_makes_one_key_and_keeps_it_apart_from_the_database_key() {
    let w = World::with_journal();
    let first = w.asym(&["--json", "keys", "show"]).ok().json();
    assert_eq!(first["created"], true);
    let again = w.asym(&["--json", "keys", "show"]).ok().json();
    assert_eq!(again["created"], false);
    assert_eq!(first["public_key"], again["public_key"]);
    let id = first["key_id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    let text = w.asym(&["keys", "show"]).ok().stdout;
    assert!(text.contains(id) && text.contains("untrusted comment: minisign public key"));
    // Its own keyring entry (account signing-<journal id>), readable by secret-tool.
    let status = w.asym(&["--json", "unlock"]).ok().json();
    let account = format!("signing-{}", status["journal_id"].as_str().unwrap());
    let out = w.run(
        "secret-tool",
        &[
            "lookup",
            "service",
            "org.asymptote.journal",
            "username",
            &account,
        ],
        None,
    );
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !found.is_empty(),
        "the signing key should be in the keyring under {account}"
    );
    let db = format!("journal-{}", status["journal_id"].as_str().unwrap());
    let out = w.run(
        "secret-tool",
        &[
            "lookup",
            "service",
            "org.asymptote.journal",
            "username",
            &db,
        ],
        None,
    );
    assert_ne!(String::from_utf8_lossy(&out.stdout).trim(), found);
}

#[test]
fn a_person_exports_encrypted_and_signed_and_the_manager_imports_it() {
    let (person, week) = person_world();
    let manager = World::with_journal();
    let (pubfile, key_id) = public_key_file(&person);
    let (identity, age_pub) = age_keygen(&manager, "manager-age.txt");
    // Plaintext made on purpose, apart from both worlds: the positive controls.
    let controls = tempfile::tempdir().unwrap();
    week.plaintext_export(&person, &controls.path().join("person.md"));
    let private = Canary::shown_in(&week.canary, controls.path());

    let out = person.tmp().join("march.json");
    export(&person, &out, &["--sign", "--encrypt-to", &age_pub], &[]).ok();
    let file = with_ext(&out, ".age");
    let sig = with_ext(&file, ".minisig");
    assert!(file.is_file() && sig.is_file());
    assert!(!out.exists(), "no plaintext copy beside the encrypted file");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    private.assert_absent_from(&[person.tmp()]);

    // The standard tools accept what we wrote.
    let v = person.run(
        "minisign",
        &[
            "-Vm",
            file.to_str().unwrap(),
            "-p",
            pubfile.to_str().unwrap(),
        ],
        None,
    );
    tool_ok(&v, "minisign -V");
    let d = person.run(
        "age",
        &[
            "-d",
            "-i",
            identity.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        None,
    );
    tool_ok(&d, "age -d");
    let plain: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(plain["format"], "asymptote-bundle");
    assert!(!String::from_utf8_lossy(&d.stdout).contains(&week.canary));

    // The manager: a person, their key, the import, the timeline.
    manager.asym(&["manager", "person", "add", "Ada"]).ok();
    let t = manager
        .asym(&[
            "--json",
            "manager",
            "trust",
            "Ada",
            pubfile.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(t["key_id"], key_id.as_str());
    let imported = manager
        .asym(&[
            "--json",
            "manager",
            "import",
            "ada",
            file.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(imported["signer_key_id"], key_id.as_str());
    assert_eq!(imported["items"], Week::SHAREABLE);
    let tl = manager
        .asym(&["--json", "manager", "timeline", "Ada"])
        .ok()
        .json();
    let days: Vec<&str> = tl["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, Week::DAY_NAMES);
    assert!(
        !tl.to_string().contains(&week.canary),
        "the private reflections were not imported"
    );
    assert!(!tl.to_string().contains(Week::PRIVATE_WORDS));
    let text = manager.asym(&["manager", "timeline", "Ada"]).ok().stdout;
    assert!(text.contains(Week::SHARED_WORDS), "{text}");
    assert!(text.contains("Practice: Code review"), "{text}");
    std::fs::write(controls.path().join("timeline.txt"), &text).unwrap();

    // The agenda: points carried forward until closed, actions, notes.
    let p1 = manager
        .asym(&[
            "--json",
            "manager",
            "agenda",
            "Ada",
            "add-point",
            "Career goals",
        ])
        .ok()
        .id();
    manager
        .asym(&["manager", "agenda", "Ada", "add-point", "On-call load"])
        .ok();
    manager
        .asym(&[
            "manager",
            "agenda",
            "Ada",
            "add-action",
            "Book the review course",
            "--owner",
            "Ada",
            "--due",
            "2026-04-01",
        ])
        .ok();
    let note = unique_canary("okapimarzipan");
    manager
        .asym(&["manager", "agenda", "Ada", "note", &note])
        .ok();
    let held = manager
        .asym(&[
            "--json",
            "manager",
            "agenda",
            "Ada",
            "held",
            "--on",
            "2026-03-10",
        ])
        .ok()
        .json();
    assert_eq!(held["last_held"], "2026-03-10");
    manager
        .asym(&["manager", "agenda", "Ada", "close", short(&p1)])
        .ok();
    let agenda = manager.asym(&["--json", "manager", "agenda", "Ada"]).ok();
    std::fs::write(controls.path().join("agenda.json"), &agenda.stdout).unwrap();
    let ag = agenda.json();
    let points: Vec<&str> = ag["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["On-call load"], "the open point carries forward");
    assert_eq!(ag["points"][0]["carried"], 1);
    let text = manager.asym(&["manager", "agenda", "Ada"]).ok().stdout;
    assert!(text.contains("carried forward once"), "{text}");
    assert_eq!(ag["actions"][0]["owner"], "Ada");
    assert_eq!(ag["actions"][0]["due"], "2026-04-01");
    assert_eq!(ag["notes"][0]["text"], note.as_str());

    // Nothing the person kept private reaches the manager, anywhere on disk; the
    // manager's notes and what the person shared are encrypted like everything else.
    let everywhere = [manager.root.path(), person.root.path()];
    private.assert_absent_from(&everywhere);
    Canary::shown_in(&note, &controls.path().join("agenda.json")).assert_absent_from(&everywhere);
    Canary::shown_in(Week::SHARED_WORDS, &controls.path().join("timeline.txt"))
        .assert_absent_from(&[&manager.data]);
}

#[test]
fn tampered_foreign_and_malformed_files_are_refused_and_nothing_is_written() {
    let (person, _) = person_world();
    let manager = World::with_journal();
    let (pubfile, _) = public_key_file(&person);
    manager.asym(&["manager", "person", "add", "Ada"]).ok();
    manager
        .asym(&["manager", "trust", "Ada", pubfile.to_str().unwrap()])
        .ok();

    let out = person.tmp().join("march.json");
    export(&person, &out, &["--sign"], &[]).ok();
    let sig = with_ext(&out, ".minisig");
    let good = std::fs::read(&out).unwrap();
    let before = manager.snapshot();

    // One byte flipped.
    let flipped = person.tmp().join("flipped.json");
    let mut bytes = good.clone();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x20;
    std::fs::write(&flipped, &bytes).unwrap();
    std::fs::copy(&sig, with_ext(&flipped, ".minisig")).unwrap();
    manager
        .asym(&["manager", "import", "Ada", flipped.to_str().unwrap()])
        .fails_with(2, "changed after it was signed");
    assert_eq!(manager.snapshot(), before, "nothing written");

    // Signed by another person's key.
    let (other, _) = person_world();
    let other_out = other.tmp().join("bob.json");
    export(&other, &other_out, &["--sign"], &[]).ok();
    manager
        .asym(&["manager", "import", "Ada", other_out.to_str().unwrap()])
        .fails_with(2, "not by the key you trust for Ada");
    assert_eq!(manager.snapshot(), before, "nothing written");

    // Ada's signature moved onto another file.
    manager
        .asym(&[
            "manager",
            "import",
            "Ada",
            other_out.to_str().unwrap(),
            "--sig",
            sig.to_str().unwrap(),
        ])
        .fails_with(2, "changed after it was signed");

    // Malformed JSON under a valid signature, made by the real minisign with a key
    // the manager trusts (a second person, Cy).
    let kp = manager.tmp().join("cy");
    let g = manager.run(
        "minisign",
        &[
            "-G",
            "-W",
            "-p",
            kp.with_extension("pub").to_str().unwrap(),
            "-s",
            kp.with_extension("key").to_str().unwrap(),
        ],
        None,
    );
    tool_ok(&g, "minisign -G -W");
    manager.asym(&["manager", "person", "add", "Cy"]).ok();
    manager
        .asym(&[
            "manager",
            "trust",
            "Cy",
            kp.with_extension("pub").to_str().unwrap(),
        ])
        .ok();
    let before = manager.snapshot();
    let bad = manager.tmp().join("bad.json");
    std::fs::write(&bad, b"{\"format\": \"asymptote-bundle\", \"version\": 1, ").unwrap();
    let s = manager.run(
        "minisign",
        &[
            "-S",
            "-s",
            kp.with_extension("key").to_str().unwrap(),
            "-m",
            bad.to_str().unwrap(),
        ],
        None,
    );
    tool_ok(&s, "minisign -S");
    manager
        .asym(&["manager", "import", "Cy", bad.to_str().unwrap()])
        .fails_with(2, "not valid JSON");
    // No signature at all.
    let unsigned = manager.tmp().join("unsigned.json");
    std::fs::write(&unsigned, &good).unwrap();
    manager
        .asym(&["manager", "import", "Ada", unsigned.to_str().unwrap()])
        .fails_with(2, "unsigned file cannot be trusted");
    assert_eq!(manager.snapshot(), before, "nothing written");

    // The good file still imports, once.
    manager
        .asym(&["manager", "import", "Ada", out.to_str().unwrap()])
        .ok();
    manager
        .asym(&["manager", "import", "Ada", out.to_str().unwrap()])
        .fails_with(2, "already imported");
}

#[test]
fn the_age_and_minisign_tools_interoperate_both_ways() {
    let manager = World::with_journal();
    let (identity, age_pub) = age_keygen(&manager, "id.txt");
    // A sender that is not Asymptote: a key from `minisign -G -W`, a JSON bundle from a
    // real export, encrypted by `age -r` (binary) and signed by `minisign -S`.
    let (person, _) = person_world();
    let plain = person.tmp().join("plain.json");
    export(&person, &plain, &[], &[]).ok();
    let enc = manager.tmp().join("sent.json.age");
    let e = manager.run(
        "age",
        &[
            "-r",
            &age_pub,
            "-o",
            enc.to_str().unwrap(),
            plain.to_str().unwrap(),
        ],
        None,
    );
    tool_ok(&e, "age -r");
    let kp = manager.tmp().join("sender");
    tool_ok(
        &manager.run(
            "minisign",
            &[
                "-G",
                "-W",
                "-p",
                kp.with_extension("pub").to_str().unwrap(),
                "-s",
                kp.with_extension("key").to_str().unwrap(),
            ],
            None,
        ),
        "minisign -G -W",
    );
    tool_ok(
        &manager.run(
            "minisign",
            &[
                "-S",
                "-s",
                kp.with_extension("key").to_str().unwrap(),
                "-m",
                enc.to_str().unwrap(),
            ],
            None,
        ),
        "minisign -S",
    );
    manager.asym(&["manager", "person", "add", "Dee"]).ok();
    // The bare key line works as well as the file.
    let pub_text = std::fs::read_to_string(kp.with_extension("pub")).unwrap();
    let key_line = pub_text.lines().nth(1).unwrap();
    manager.asym(&["manager", "trust", "Dee", key_line]).ok();
    manager
        .asym(&[
            "manager",
            "import",
            "Dee",
            enc.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
        ])
        .ok();

    // Passphrase mode: the age tool reads passphrases only from a terminal, so it runs
    // under `script` (a pty) with the passphrase typed into it.
    let pass = "correct horse battery staple";
    let by_age = manager.tmp().join("by-age.json.age");
    let typed = format!("{pass}\n");
    let out = pty(
        &manager,
        &format!("age -p -a -o {} {}", by_age.display(), plain.display()),
        &[&typed, &typed],
    );
    tool_ok(&out, "age -p under a pty");
    assert!(
        std::fs::read(&by_age)
            .unwrap()
            .starts_with(b"-----BEGIN AGE")
    );
    tool_ok(
        &manager.run(
            "minisign",
            &[
                "-S",
                "-s",
                kp.with_extension("key").to_str().unwrap(),
                "-m",
                by_age.to_str().unwrap(),
            ],
            None,
        ),
        "minisign -S",
    );
    manager
        .asym_with(
            &["manager", "import", "Dee", by_age.to_str().unwrap()],
            &[("ASYMPTOTE_AGE_PASSPHRASE", "wrong passphrase")],
            None,
        )
        .fails_with(2, "passphrase does not decrypt");
    manager
        .asym_with(
            &["manager", "import", "Dee", by_age.to_str().unwrap()],
            &[("ASYMPTOTE_AGE_PASSPHRASE", pass)],
            None,
        )
        .ok();
    // Two files with the same bundle: its items appear once on the timeline.
    let tl = manager
        .asym(&["--json", "manager", "timeline", "Dee"])
        .ok()
        .json();
    assert_eq!(tl["bundles"].as_array().unwrap().len(), 2);
    let n: usize = tl["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, Week::SHAREABLE);

    // Ours to a passphrase, decrypted by `age -d` typing it into a pty.
    let ours = person.tmp().join("pp.json");
    export(
        &person,
        &ours,
        &["--sign", "--encrypt-passphrase"],
        &[("ASYMPTOTE_AGE_PASSPHRASE", pass)],
    )
    .ok();
    let ours_age = with_ext(&ours, ".age");
    let decrypted = person.tmp().join("pp-decrypted.json");
    let out = pty(
        &person,
        &format!("age -d -o {} {}", decrypted.display(), ours_age.display()),
        &[&typed],
    );
    tool_ok(&out, "age -d under a pty");
    // The same selection exported twice differs only in when it was made.
    let strip = |p: &Path| {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        v["producer"]["created_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(
        strip(&decrypted),
        strip(&plain),
        "age -d gives back the JSON export"
    );
    // And minisign verifies our signature given the bare key line, as `keys show` says.
    let shown = person.asym(&["--json", "keys", "show"]).ok().json();
    tool_ok(
        &person.run(
            "minisign",
            &[
                "-Vm",
                ours_age.to_str().unwrap(),
                "-P",
                shown["public_key"].as_str().unwrap(),
            ],
            None,
        ),
        "minisign -V -P",
    );
}

/// Runs `command` under `script` (a pseudo-terminal), typing each line after a pause.
fn pty(w: &World, command: &str, lines: &[&str]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut c = Command::new("script");
    c.args(["-qec", command, "/dev/null"])
        .env("HOME", w.home())
        .env("TMPDIR", w.tmp())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for l in lines {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        stdin.write_all(l.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}
