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

    fn base_command(&self, program: &str) -> Command {
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
        let mut c = self.base_command(env!("CARGO_BIN_EXE_asym"));
        c.arg("--data-dir").arg(&self.data).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        Run::from(output(c, stdin), args)
    }

    /// Runs any program in this world (e.g. `secret-tool`).
    pub fn run(&self, program: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = self.base_command(program);
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
    fn from(o: Output, args: &[&str]) -> Self {
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
                while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
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
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false);
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

/// Whether `needle` occurs anywhere in the files under `dir` (recursively).
pub fn found_in_files(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return hits;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            hits.extend(found_in_files(&p, needle));
        } else if ft.is_file()
            && let Ok(bytes) = std::fs::read(&p)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            hits.push(p);
        }
    }
    hits
}
