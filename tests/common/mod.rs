//! Shared helpers for the integration tests: a temp world per test, the real
//! `asym` binary, and a real Secret Service (gnome-keyring on a private D-Bus
//! session bus) started and stopped by the test itself.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A test's private world: HOME, TMPDIR, runtime dir and data folder.
pub struct World {
    pub root: tempfile::TempDir,
    pub data: PathBuf,
    pub bus: Option<SecretService>,
    pub extra_env: Vec<(String, String)>,
}

impl World {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        for d in ["home", "tmp", "runtime"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                root.path().join("runtime"),
                std::fs::Permissions::from_mode(0o700),
            )
            .unwrap();
        }
        let data = root.path().join("home/journal");
        World {
            root,
            data,
            bus: None,
            extra_env: Vec::new(),
        }
    }

    /// A world with a real Secret Service running.
    pub fn with_secret_service() -> Self {
        let mut w = Self::new();
        w.start_secret_service();
        w
    }

    /// A world with a real Secret Service and a new journal in keyring mode (`asym init`).
    pub fn with_journal() -> Self {
        let w = Self::with_secret_service();
        w.asym(&["init"]).ok();
        w
    }

    pub fn start_secret_service(&mut self) {
        self.bus = Some(SecretService::start(self.root.path()));
    }

    pub fn stop_secret_service(&mut self) {
        self.bus = None;
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn tmp(&self) -> PathBuf {
        self.root.path().join("tmp")
    }

    /// Where entry text must never be readable: the data folder, the temp folder and
    /// `/dev/shm` (ARCHITECTURE.md's no-plaintext invariant).
    pub fn private_places(&self) -> [PathBuf; 3] {
        [self.data.clone(), self.tmp(), PathBuf::from("/dev/shm")]
    }

    /// `program` with this world's environment only (HOME, TMPDIR, the bus, …): nothing
    /// of the person running the tests leaks in.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("TMPDIR", self.tmp())
            .env("XDG_RUNTIME_DIR", self.root.path().join("runtime"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC")
            .stdin(Stdio::null());
        match &self.bus {
            Some(b) => {
                c.env("DBUS_SESSION_BUS_ADDRESS", &b.address);
            }
            None => {
                // No Secret Service at all: a bus address that goes nowhere.
                c.env(
                    "DBUS_SESSION_BUS_ADDRESS",
                    format!("unix:path={}/no-bus", self.root.path().display()),
                );
            }
        }
        for (k, v) in &self.extra_env {
            c.env(k, v);
        }
        c
    }

    /// Runs `asym --data-dir <data> ARGS`.
    pub fn asym(&self, args: &[&str]) -> Run {
        self.asym_with(args, &[], None)
    }

    pub fn asym_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let mut c = self.command(env!("CARGO_BIN_EXE_asym"));
        c.arg("--data-dir").arg(&self.data).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        Run::from(&output(c, stdin), args)
    }

    /// Runs `asym --data-dir <data> ARGS` with `env` and kills it (SIGKILL) after `at`; its
    /// standard output goes to `out` (none: nowhere). Whether it had finished by itself.
    pub fn asym_killed_after(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        at: Duration,
        out: Option<&Path>,
    ) -> bool {
        let mut c = self.command(env!("CARGO_BIN_EXE_asym"));
        c.arg("--data-dir").arg(&self.data).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        match out {
            Some(f) => c.stdout(std::fs::File::create(f).unwrap()),
            None => c.stdout(Stdio::null()),
        };
        c.stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(at);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();
        finished
    }

    /// Runs any program in this world (e.g. `secret-tool`).
    pub fn run(&self, program: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = self.command(program);
        c.args(args);
        output(c, stdin)
    }

    /// Every file in the data folder with its bytes, to compare before and after.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&self.data)
            .map(|rd| {
                rd.map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    pub fn db(&self) -> PathBuf {
        self.data.join("journal.db")
    }
}

/// Runs `c` to completion, feeding `stdin` when given.
fn output(mut c: Command, stdin: Option<&str>) -> Output {
    match stdin {
        Some(text) => {
            use std::io::Write;
            c.stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = c.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        }
        None => c.output().unwrap(),
    }
}

/// The outcome of one `asym` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub args: String,
}

impl Run {
    fn from(o: &Output, args: &[&str]) -> Self {
        let r = Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            args: args.join(" "),
        };
        // Whatever happens, no panic or backtrace may reach a person.
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "stack backtrace",
            "thread 'main'",
        ] {
            assert!(
                !r.stderr.contains(bad),
                "`asym {}` leaked a panic: {}",
                r.args,
                r.stderr
            );
        }
        r
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "`asym {}` failed: {}{}",
            self.args, self.stderr, self.stdout
        );
        self
    }

    #[track_caller]
    pub fn fails_with(self, code: i32, words: &str) -> Self {
        assert_eq!(
            self.code, code,
            "`asym {}` exit code: stdout {} stderr {}",
            self.args, self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(words),
            "`asym {}` should say “{words}”, said: {}",
            self.args,
            self.stderr
        );
        // One clear sentence on one line, prefixed with the program's name.
        assert!(self.stderr.starts_with("asym: "), "{}", self.stderr);
        assert_eq!(self.stderr.trim_end().lines().count(), 1, "{}", self.stderr);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`asym {}` printed invalid JSON ({e}): {}",
                self.args, self.stdout
            )
        })
    }

    pub fn id(&self) -> String {
        self.json()["id"].as_str().unwrap().to_string()
    }
}

/// A private D-Bus session bus with gnome-keyring's Secret Service on it,
/// unlocked with a known password. Its keyrings live in the world's HOME, so a
/// second instance on the same HOME sees what the first stored.
pub struct SecretService {
    pub address: String,
    bus: Child,
}

impl SecretService {
    pub fn start(root: &Path) -> Self {
        let home = root.join("home");
        let runtime = root.join("runtime");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon must be installed (package dbus)");
        let mut address = String::new();
        {
            use std::io::{BufRead, BufReader};
            let stdout = bus.stdout.take().unwrap();
            let mut reader = BufReader::new(stdout);
            reader.read_line(&mut address).unwrap();
            // Keep the pipe open for the bus's lifetime by leaking the reader into a thread.
            std::thread::spawn(move || {
                let mut sink = String::new();
                while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
                    sink.clear();
                }
            });
        }
        let address = address.trim().to_string();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon gave no address: {address}"
        );
        let out = {
            use std::io::Write;
            let mut kr = Command::new("gnome-keyring-daemon")
                .args(["--unlock", "--components=secrets"])
                .env("HOME", &home)
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("XDG_DATA_HOME", home.join(".local/share"))
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("gnome-keyring-daemon must be installed (package gnome-keyring)");
            kr.stdin.take().unwrap().write_all(b"pw\n").unwrap();
            kr.wait_with_output().unwrap()
        };
        assert!(out.status.success(), "gnome-keyring-daemon failed to start");
        let s = SecretService { address, bus };
        s.wait_ready(&home, &runtime);
        s
    }

    /// Waits until the Secret Service answers on the bus.
    fn wait_ready(&self, home: &Path, runtime: &Path) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ok = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .env("HOME", home)
                .env("XDG_RUNTIME_DIR", runtime)
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"));
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the Secret Service never came up"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves when its bus goes away.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The files under `path` (a file, or a folder searched recursively) whose bytes contain
/// `needle`.
///
/// It panics, naming the place, when `path` is missing or unreadable, or when a file or
/// folder in it cannot be read: a search that could not look would find nothing, and a
/// no-plaintext check would pass on a wrong path. Skipped, because none can hold what a test
/// wrote: entries that vanish during the walk (other programs come and go in `/dev/shm`),
/// symbolic links and special files (sockets, pipes), and entries of other users.
///
/// Use it through [`Canary`], which shows the needle found before it is shown absent.
#[track_caller]
pub fn found_in_files(path: &Path, needle: &[u8]) -> Vec<PathBuf> {
    assert!(
        !needle.is_empty(),
        "found_in_files needs something to look for"
    );
    let meta = std::fs::metadata(path).unwrap_or_else(|e| {
        panic!(
            "cannot search {} ({e}): a search of a missing or unreadable place finds nothing and proves nothing",
            path.display()
        )
    });
    let mut hits = Vec::new();
    if meta.is_dir() {
        search_dir(path, needle, &mut hits);
    } else if search_file(path, needle) == Some(true) {
        hits.push(path.to_path_buf());
    }
    hits
}

#[track_caller]
fn search_dir(dir: &Path, needle: &[u8], hits: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => panic!("cannot search the folder {} ({e})", dir.display()),
    };
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {} ({e})", dir.display()));
        let p = entry.path();
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("cannot search {} ({e})", p.display()),
        };
        if !mine(&meta) {
            continue;
        }
        if meta.is_dir() {
            search_dir(&p, needle, hits);
        } else if meta.is_file() && search_file(&p, needle) == Some(true) {
            hits.push(p);
        }
    }
}

/// Whether a file holds `needle`; `None` when it vanished before it could be read.
#[track_caller]
fn search_file(path: &Path, needle: &[u8]) -> Option<bool> {
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes.windows(needle.len()).any(|w| w == needle)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!(
            "cannot read {} ({e}), so cannot tell what it holds",
            path.display()
        ),
    }
}

/// Whether an entry belongs to the user running the tests (and so could hold what they wrote).
fn mine(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        static UID: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
        let me = UID.get_or_init(|| std::fs::metadata("/proc/self").ok().map(|m| m.uid()));
        me.is_none_or(|uid| uid == meta.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// A canary: text put into the journal that must never be readable on disk where the
/// journal keeps things. A check of its absence means something only once the same search
/// has found it where it must be: in the control, a plaintext file made on purpose (a
/// Markdown export, a copy the test keeps). So a wrong path, a wrong encoding, or a canary
/// that never reached the journal cannot make an absence check pass.
pub struct Canary {
    text: String,
    control: PathBuf,
}

impl Canary {
    /// The positive control: `text` must be found in `control` (a file or a folder).
    #[track_caller]
    pub fn shown_in(text: &str, control: &Path) -> Canary {
        let hits = found_in_files(control, text.as_bytes());
        assert!(
            !hits.is_empty(),
            "the positive control failed: “{text}” is not in {}, so its absence elsewhere would prove nothing",
            control.display()
        );
        Canary {
            text: text.to_owned(),
            control: control.canonicalize().unwrap(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// `text` is in no file under any of `places`.
    #[track_caller]
    pub fn assert_absent_from<P: AsRef<Path>>(&self, places: &[P]) {
        for place in places {
            let place = place.as_ref();
            let canonical = place.canonicalize().unwrap_or_else(|e| {
                panic!(
                    "cannot search {} ({e}): a search of a missing place proves nothing",
                    place.display()
                )
            });
            assert!(
                !self.control.starts_with(&canonical),
                "the control {} lies inside {}, where “{}” must not be: keep controls apart",
                self.control.display(),
                place.display(),
                self.text
            );
            let hits = found_in_files(place, self.text.as_bytes());
            assert!(
                hits.is_empty(),
                "“{}” is readable in {hits:?}, where it must be encrypted or absent (the control {} shows it in plaintext)",
                self.text,
                self.control.display()
            );
        }
    }
}

/// A canary unique to this process and call, in letters only (so no format's escaping can
/// hide it): `stem` and a suffix no other test run shares, so a file another run leaves in
/// `/dev/shm` cannot be mistaken for this one's.
pub fn unique_canary(stem: &str) -> String {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut n = (u64::from(std::process::id()) << 20) | calls;
    let mut out = stem.to_owned();
    loop {
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

/// The last 8 characters of an id, as the CLI shows it.
pub fn short(id: &str) -> &str {
    &id[id.len() - 8..]
}

/// The period every fixture's items fall in, as `asym share` flags.
pub const MARCH: [&str; 4] = ["--from", "2026-03-01", "--to", "2026-03-31"];

/// A week of journaling, Monday 2 to Sunday 8 March 2026 (local time UTC), written through
/// the real `asym` so that every add command and its flags take part: one purpose; one
/// challenge linked to it ("Code review", time in minutes, lower is better, difficulty 3);
/// and each day a 30-minute session at 09:00 (10 attempts, 8 successes, a time falling
/// exponentially from 43 towards 12 minutes, self-ratings, peer feedback, notes holding
/// markup and a formula), a check-in at 17:00 and a private reflection at 18:00 holding
/// [`Week::canary`]. On Tuesday a shared reflection ("Reviews got calmer this week");
/// on Wednesday two audit items (a heuristic if-then reward, "Bonus per story point", and
/// an algorithmic task, "Weekly dependency bumps").
pub struct Week {
    /// Unique to this week: in every private reflection, and nowhere else.
    pub canary: String,
    pub purpose: String,
    pub challenge: String,
    /// One a day, oldest first.
    pub sessions: Vec<String>,
    /// One a day, oldest first.
    pub checkins: Vec<String>,
    /// One a day, oldest first, each private and holding the canary.
    pub private_reflections: Vec<String>,
    pub shared_reflection: String,
    /// The reward, then the task.
    pub audit: [String; 2],
}

impl Week {
    pub const DAYS: usize = 7;
    /// Its days, as `asym` prints them.
    pub const DAY_NAMES: [&str; 7] = [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
        "2026-03-07",
        "2026-03-08",
    ];
    /// What a share of March holds when nothing is picked or left out: the purpose, the
    /// challenge, every session and check-in, and the shared reflection; never a private
    /// reflection or an audit item.
    pub const SHAREABLE: usize = 1 + 1 + Self::DAYS + Self::DAYS + 1;
    /// Words of the private reflections other than the canary.
    pub const PRIVATE_WORDS: &str = "checklist helps";
    pub const SHARED_WORDS: &str = "Reviews got calmer this week";
    pub const AUDIT_WORDS: &str = "story point";

    /// Writes the week into `w`'s journal, which must exist and be open to `asym`.
    pub fn write(w: &World) -> Week {
        let canary = unique_canary("zanzibarquokka");
        let purpose = w
            .asym(&[
                "--json",
                "purpose",
                "add",
                "--title",
                "Help my team ship calmly",
                "--whom",
                "my team",
                "--why",
                "Calm teams make fewer mistakes",
                "--at",
                "2026-03-02T08:00",
            ])
            .ok()
            .id();
        let challenge = w
            .asym(&[
                "--json",
                "challenge",
                "add",
                "--skill",
                "Code review",
                "--goal",
                "Review a 400-line change in 20 minutes",
                "--measure",
                "time",
                "--unit",
                "min",
                "--lower-is-better",
                "--difficulty",
                "3",
                "--purpose",
                &purpose,
                "--at",
                "2026-03-02T08:05",
            ])
            .ok()
            .id();
        let (mut sessions, mut checkins, mut private_reflections) =
            (Vec::new(), Vec::new(), Vec::new());
        for (i, day) in Self::DAY_NAMES.iter().enumerate() {
            let minutes = 12.0 + 40.0 * (-(i as f64 + 1.0) / 4.0).exp();
            sessions.push(
                w.asym(&[
                    "--json",
                    "session",
                    "add",
                    "--challenge",
                    &challenge,
                    "--at",
                    &format!("{day}T09:00"),
                    "--duration",
                    "30",
                    "--sub-skill",
                    "reading diffs",
                    "--attempts",
                    "10",
                    "--successes",
                    "8",
                    "--performance",
                    &format!("{minutes:.1}"),
                    "--effort",
                    "6",
                    "--challenge-rating",
                    "6",
                    "--skill-rating",
                    "5",
                    "--feedback",
                    "peer; worked=clear comments, \"small\" diffs; change=look at tests first; delay=30",
                    "--next-step",
                    "start from the tests",
                    "--notes",
                    "=1+1 <b>not bold</b>",
                ])
                .ok()
                .id(),
            );
            checkins.push(
                w.asym(&[
                    "--json",
                    "checkin",
                    "add",
                    "--task",
                    "5",
                    "--time",
                    "4",
                    "--technique",
                    "6",
                    "--team",
                    "3",
                    "--note",
                    "pairing helped",
                    "--at",
                    &format!("{day}T17:00"),
                ])
                .ok()
                .id(),
            );
            let text = format!(
                "Day {}: not yet fast, but my {canary} {}.",
                i + 1,
                Self::PRIVATE_WORDS
            );
            private_reflections.push(
                w.asym_with(
                    &[
                        "--json",
                        "reflection",
                        "add",
                        "--text",
                        "-",
                        "--tag",
                        "review",
                        "--challenge",
                        &challenge,
                        "--at",
                        &format!("{day}T18:00"),
                    ],
                    &[],
                    Some(&text),
                )
                .ok()
                .id(),
            );
        }
        let shared_reflection = w
            .asym(&[
                "--json",
                "reflection",
                "add",
                "--shared",
                "--text",
                &format!(
                    "{}. Not yet, but closer: *smaller* steps.",
                    Self::SHARED_WORDS
                ),
                "--at",
                "2026-03-03T19:00",
            ])
            .ok()
            .id();
        let reward = w
            .asym(&[
                "--json",
                "audit",
                "add",
                "--kind",
                "reward",
                "--description",
                "Bonus per story point",
                "--contingency",
                "if 40 points then bonus",
                "--task-type",
                "heuristic",
                "--at",
                "2026-03-04T10:00",
            ])
            .ok()
            .id();
        let task = w
            .asym(&[
                "--json",
                "audit",
                "add",
                "--kind",
                "task",
                "--description",
                "Weekly dependency bumps",
                "--task-type",
                "algorithmic",
                "--at",
                "2026-03-04T10:05",
            ])
            .ok()
            .id();
        Week {
            canary,
            purpose,
            challenge,
            sessions,
            checkins,
            private_reflections,
            shared_reflection,
            audit: [reward, task],
        }
    }

    /// Exports March as Markdown into `out` with every private reflection and audit item
    /// picked: a deliberately plaintext file, the positive control for [`Canary`].
    pub fn plaintext_export(&self, w: &World, out: &Path) {
        let mut args = vec!["share", "export"];
        args.extend(MARCH);
        for id in self.private_reflections.iter().chain(&self.audit) {
            args.extend(["--pick", id.as_str()]);
        }
        args.extend(["--format", "md", "--out", out.to_str().unwrap()]);
        w.asym(&args).ok();
    }
}

/// Flips 8 bytes inside page `page` (4 KiB pages) of `db`: the page's HMAC no longer
/// matches, so SQLCipher reads it as damaged.
pub fn flip_page(db: &Path, page: u64) {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(db)
        .unwrap();
    let off = (page - 1) * 4096 + 200;
    let mut b = [0u8; 8];
    f.seek(SeekFrom::Start(off)).unwrap();
    f.read_exact(&mut b).unwrap();
    f.seek(SeekFrom::Start(off)).unwrap();
    f.write_all(&b.map(|x| x ^ 0xA5)).unwrap();
}

/// Damages the journal `w` (whose intact bytes are `intact`) page by page from the end,
/// until `asym salvage` says a page cost items (the first pages are the schema's and the
/// tables' roots). Leaves that page damaged; returns it and the salvage's JSON report.
pub fn damage_a_page_that_costs_items(w: &World, intact: &[u8]) -> (u64, serde_json::Value) {
    let pages = intact.len() as u64 / 4096;
    for page in (2..pages).rev() {
        std::fs::write(w.db(), intact).unwrap();
        flip_page(&w.db(), page);
        let to = w.root.path().join(format!("try-{page}"));
        let r = w
            .asym(&["--json", "salvage", "--to", to.to_str().unwrap()])
            .ok()
            .json();
        std::fs::remove_dir_all(&to).unwrap();
        if !r["lost"].as_array().unwrap().is_empty() {
            return (page, r);
        }
    }
    panic!("no page of the journal holds items");
}
