//! Docs held to the code, in the style of rust-analyzer's `xtask/src/tidy.rs`: these tests
//! read the repository's own files and fail, naming what to fix, when a doc has drifted.
//!
//! **The code map rule.** `ARCHITECTURE.md`'s "Code map" section must name every source file
//! in [`SCOPES`], and every path it names must exist.
//!
//! * A path is named by a backticked token in a bullet: `src-tauri/core/src/journal.rs`
//!   from the repository's root, or relative to a folder: one named earlier in the same
//!   bullet (latest first), the bullet's own folder (its first backticked path), or an
//!   enclosing bullet's. Relative to a folder `F` means `F/src/…` or `F/…`, so `journal.rs`
//!   in the bullet of `src-tauri/core` is `src-tauri/core/src/journal.rs`.
//! * `lib.rs`, `main.rs` and `mod.rs` are covered by the entry for their crate or folder.
//! * `x.test.ts` is covered by `x.ts`: its tests sit beside it.
//! * A folder named with the words "one … per …" right after it (“`src/screens/` one
//!   component per screen”) covers the files directly inside it.
//! * In a path, `*` and `NNNN` are wildcards (`migrations/NNNN_*.sql`), and must match a file.
//! * A token is a path when it has a `/` or ends in a known extension, and holds no spaces or
//!   code punctuation; [`NOT_IN_REPO`] lists the few such paths that are deliberately not files
//!   of the repository.
//!
//! Outside the rule, on purpose: each crate's `tests/`, `benches/` and `examples/`, the
//! window's end-to-end suite (`tests/e2e/`, described in ARCHITECTURE's Testing section) and
//! the generated `ui/src/bindings/`.
//!
//! **The science page.** Every `docs/science.md §N` cited in the code must be a section of
//! that page, and no code may cite `SCIENCE.md`, a file the repository does not have.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where the source files are that the code map must name.
struct Scope {
    /// A folder from the repository's root; `*` stands for each folder of `src-tauri/`.
    dir: &'static str,
    /// Into subfolders too.
    recursive: bool,
    /// Extensions counted as source (empty: every file).
    exts: &'static [&'static str],
}

const SCOPES: &[Scope] = &[
    Scope {
        dir: "src-tauri/*/src",
        recursive: true,
        exts: &["rs"],
    },
    Scope {
        dir: "ui/src",
        recursive: false,
        exts: &["ts", "svelte", "css"],
    },
    Scope {
        dir: "ui/src/lib",
        recursive: true,
        exts: &["ts", "svelte"],
    },
    Scope {
        dir: "ui/src/screens",
        recursive: true,
        exts: &["ts", "svelte"],
    },
    Scope {
        dir: "ui/src/components",
        recursive: true,
        exts: &["ts", "svelte"],
    },
    Scope {
        dir: "scripts",
        recursive: true,
        exts: &[],
    },
    Scope {
        dir: "tests",
        recursive: false,
        exts: &["rs"],
    },
    Scope {
        dir: "tests/common",
        recursive: true,
        exts: &["rs"],
    },
];

/// Paths the code map names that are not files of the repository, and why.
const NOT_IN_REPO: &[(&str, &str)] = &[
    (
        "packaging/stage/",
        "git-ignored; scripts/package-deb.sh fills it",
    ),
    (
        "asym.1",
        "written by src-tauri/cli/examples/mangen.rs at packaging time",
    ),
    (
        "usr/share/doc/Asymptote/",
        "a folder of the installed package",
    ),
];

/// Extensions that make a backticked token a path.
const PATH_EXTS: &[&str] = &[
    "rs", "ts", "svelte", "mjs", "js", "sh", "py", "md", "json", "toml", "sql", "css", "html",
    "yml", "yaml", "hbs", "txt", "lock", "1",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("tidy could not read {}: {e}", path.display()))
}

/// `a/b/../c` → `a/c`, `./a` → `a`; a trailing `/` is dropped.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn join(base: &str, rel: &str) -> String {
    if base.is_empty() {
        normalize(rel)
    } else {
        normalize(&format!("{base}/{rel}"))
    }
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The source files in [`SCOPES`], as paths from the repository's root, sorted.
fn source_files(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for scope in SCOPES {
        let dirs: Vec<String> = match scope.dir.strip_prefix("src-tauri/*/") {
            Some(rest) => std::fs::read_dir(root.join("src-tauri"))
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().unwrap().is_dir())
                .map(|e| format!("src-tauri/{}/{rest}", e.file_name().to_string_lossy()))
                .filter(|d| root.join(d).is_dir())
                .collect(),
            None => vec![scope.dir.to_owned()],
        };
        for dir in dirs {
            walk(root, &dir, scope, &mut out);
        }
    }
    out
}

fn walk(root: &Path, dir: &str, scope: &Scope, out: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("tidy could not read the folder {dir}: {e}"));
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{dir}/{name}");
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            if scope.recursive {
                walk(root, &path, scope, out);
            }
        } else if kind.is_file()
            && (scope.exts.is_empty()
                || scope
                    .exts
                    .iter()
                    .any(|ext| name.ends_with(&format!(".{ext}"))))
        {
            out.insert(path);
        }
    }
}

/// The lines of the "Code map" section.
fn code_map(architecture: &str) -> Vec<&str> {
    let mut lines = architecture
        .lines()
        .skip_while(|l| l.trim() != "## Code map");
    assert!(
        lines.next().is_some(),
        "ARCHITECTURE.md has no “## Code map” section for tidy to check."
    );
    lines.take_while(|l| !l.starts_with("## ")).collect()
}

/// One bullet of the code map: its depth and its text (continuation lines included).
struct Bullet {
    depth: usize,
    text: String,
}

fn bullets(lines: &[&str]) -> Vec<Bullet> {
    let mut out: Vec<Bullet> = Vec::new();
    for line in lines {
        let indent = line.len() - line.trim_start().len();
        if let Some(rest) = line.trim_start().strip_prefix("* ") {
            out.push(Bullet {
                depth: indent / 2,
                text: rest.to_owned(),
            });
        } else if let Some(last) = out.last_mut() {
            last.text.push(' ');
            last.text.push_str(line.trim());
        }
    }
    out
}

/// The backticked tokens of a text, each with the text that follows it up to the next one.
fn tokens(text: &str) -> Vec<(&str, &str)> {
    let pieces: Vec<&str> = text.split('`').collect();
    (1..pieces.len())
        .step_by(2)
        .map(|i| (pieces[i], pieces.get(i + 1).copied().unwrap_or("")))
        .collect()
}

fn is_path(token: &str) -> bool {
    if token.is_empty()
        || token.starts_with('-')
        || token
            .chars()
            .any(|c| c.is_whitespace() || "<>{}()[]=:,;$'\"…@#!?&|".contains(c))
    {
        return false;
    }
    token.contains('/')
        || PATH_EXTS.iter().any(|ext| {
            token
                .strip_suffix(&format!(".{ext}"))
                .is_some_and(|stem| !stem.is_empty())
        })
}

/// Whether `text` (what follows a folder's token) begins by saying "one … per …".
fn says_one_per(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(3)
        .take(4)
        .any(|w| w[0] == "one" && w[2] == "per")
}

/// `*` matches any run of characters but `/`; `NNNN` stands for a number, like `*`.
fn glob(pattern: &str, name: &str) -> bool {
    fn matches(p: &[u8], n: &[u8]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some((b'*', rest)) => (0..=n.len())
                .take_while(|&i| i == 0 || n[i - 1] != b'/')
                .any(|i| matches(rest, &n[i..])),
            Some((c, rest)) => n.first() == Some(c) && matches(rest, &n[1..]),
        }
    }
    matches(pattern.replace("NNNN", "*").as_bytes(), name.as_bytes())
}

/// What the code map names.
#[derive(Default)]
struct Named {
    files: BTreeSet<String>,
    dirs: BTreeSet<String>,
    /// Folders said to hold "one … per …": they cover the files directly inside them.
    per_file_dirs: BTreeSet<String>,
    /// The folder of each top-level entry, to say where a missing file belongs.
    entries: Vec<String>,
}

/// Reads the code map: what it names, and a sentence for each path that does not exist.
fn read_code_map(root: &Path, architecture: &str) -> (Named, Vec<String>) {
    let mut named = Named::default();
    let mut problems = Vec::new();
    // The folders of the enclosing bullets, innermost last.
    let mut bases: Vec<(usize, String)> = Vec::new();
    // How a problem says where it is: the first token of its top-level entry.
    let mut entry = String::new();
    for bullet in bullets(&code_map(architecture)) {
        bases.retain(|(depth, _)| *depth < bullet.depth);
        if bullet.depth == 0 {
            entry = tokens(&bullet.text)
                .first()
                .map_or_else(String::new, |(t, _)| (*t).to_owned());
        }
        let mut own_base: Option<String> = None;
        // Folders named so far in this bullet, latest first: "`src/lib/` … `forms.ts`".
        let mut recent: Vec<String> = Vec::new();
        for (token, after) in tokens(&bullet.text) {
            if !is_path(token) || NOT_IN_REPO.iter().any(|(p, _)| *p == token) {
                continue;
            }
            // This bullet's folders, then the enclosing ones outward, then the root.
            let mut candidates = Vec::new();
            let enclosing = bases.iter().rev().map(|(_, b)| b);
            for base in recent.iter().chain(own_base.iter()).chain(enclosing) {
                candidates.push(join(base, &format!("src/{token}")));
                candidates.push(join(base, token));
            }
            candidates.push(normalize(token));
            let found = if token.contains('*') || token.contains("NNNN") {
                candidates.into_iter().find_map(|c| {
                    let dir = parent(&c).to_owned();
                    let pattern = c.rsplit('/').next().unwrap().to_owned();
                    let matched: Vec<String> = std::fs::read_dir(root.join(&dir))
                        .ok()?
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .filter(|n| glob(&pattern, n))
                        .map(|n| join(&dir, &n))
                        .collect();
                    (!matched.is_empty()).then_some(matched)
                })
            } else {
                candidates
                    .into_iter()
                    .find(|c| root.join(c).exists())
                    .map(|c| vec![c])
            };
            let Some(paths) = found else {
                let place = if entry.is_empty() || entry == token {
                    String::new()
                } else {
                    format!(" (in the entry for `{entry}`)")
                };
                problems.push(format!(
                    "ARCHITECTURE.md's code map names `{token}`{place}, but no such file or \
                     folder exists: correct the path or remove it."
                ));
                continue;
            };
            for path in paths {
                if root.join(&path).is_dir() {
                    if says_one_per(after) {
                        named.per_file_dirs.insert(path.clone());
                    }
                    if own_base.is_none() {
                        own_base = Some(path.clone());
                    } else {
                        recent.insert(0, path.clone());
                    }
                    named.dirs.insert(path);
                } else {
                    if own_base.is_none() {
                        own_base = Some(parent(&path).to_owned());
                    }
                    named.files.insert(path);
                }
            }
        }
        let base = own_base.unwrap_or_else(|| {
            bases
                .last()
                .map_or_else(String::new, |(_, base)| base.clone())
        });
        if bullet.depth == 0 && !base.is_empty() {
            named.entries.push(base.clone());
        }
        bases.push((bullet.depth, base));
    }
    (named, problems)
}

fn covered(file: &str, named: &Named) -> bool {
    let dir = parent(file);
    let name = &file[dir.len() + 1..];
    if named.files.contains(file) || named.per_file_dirs.contains(dir) {
        return true;
    }
    if matches!(name, "lib.rs" | "main.rs" | "mod.rs") {
        let owner = dir.strip_suffix("/src").unwrap_or(dir);
        if named.dirs.contains(owner) || named.dirs.contains(dir) {
            return true;
        }
    }
    name.strip_suffix(".test.ts")
        .is_some_and(|stem| named.files.contains(&format!("{dir}/{stem}.ts")))
}

#[test]
fn the_code_map_names_every_source_file_and_only_files_that_exist() {
    let root = repo();
    let architecture = read(&root.join("ARCHITECTURE.md"));
    let (named, mut problems) = read_code_map(&root, &architecture);
    let sources = source_files(&root);
    for file in &sources {
        // A test beside its subject is named with it: report the subject only.
        let beside = file
            .strip_suffix(".test.ts")
            .is_some_and(|stem| sources.contains(&format!("{stem}.ts")));
        if beside || covered(file, &named) {
            continue;
        }
        let entry = named
            .entries
            .iter()
            .filter(|e| file.starts_with(&format!("{e}/")))
            .max_by_key(|e| e.len());
        let hint = match entry {
            Some(e) => format!("add it to the entry for `{e}`"),
            None => "add an entry for it".to_owned(),
        };
        problems.push(format!(
            "ARCHITECTURE.md's code map does not name `{file}`: {hint}, or say “one … per …” \
             after its folder."
        ));
    }
    assert!(
        problems.is_empty(),
        "ARCHITECTURE.md's code map has drifted from the code ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The files whose text may cite the science page: the code, not the docs about it.
fn cited_in(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let everything = Scope {
        dir: "",
        recursive: true,
        exts: &["rs", "ts", "svelte"],
    };
    for entry in std::fs::read_dir(root.join("src-tauri")).unwrap() {
        let entry = entry.unwrap();
        let src = format!("src-tauri/{}/src", entry.file_name().to_string_lossy());
        if root.join(&src).is_dir() {
            walk(root, &src, &everything, &mut out);
        }
    }
    walk(root, "ui/src", &everything, &mut out);
    out
}

#[test]
fn the_code_cites_only_sections_the_science_page_has() {
    let root = repo();
    let page = read(&root.join("docs/science.md"));
    let sections: BTreeSet<String> = page
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|h| h.split_once(". ").map(|(n, _)| n.to_owned()))
        .collect();
    assert!(
        !sections.is_empty(),
        "docs/science.md has no numbered “## N. …” sections for the code to cite."
    );
    let mut problems = Vec::new();
    for file in cited_in(&root) {
        let text = read(&root.join(&file));
        for (n, line) in text.lines().enumerate() {
            if line.contains("SCIENCE.md") {
                problems.push(format!(
                    "{file}:{} cites SCIENCE.md, which is not in the repository: cite \
                     docs/science.md and its section instead.",
                    n + 1
                ));
            }
            let mut rest = line;
            while let Some(at) = rest.find("docs/science.md") {
                rest = &rest[at + "docs/science.md".len()..];
                let section: String = rest
                    .trim_start()
                    .strip_prefix('§')
                    .unwrap_or("")
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if section.is_empty() {
                    problems.push(format!(
                        "{file}:{} cites docs/science.md without a section: write “docs/science.md §N”.",
                        n + 1
                    ));
                } else if !sections.contains(&section) {
                    problems.push(format!(
                        "{file}:{} cites docs/science.md §{section}, which the page does not have.",
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} citations of the science page are wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_path_rules_read_the_code_map_as_intended() {
    // Paths, and the tokens that only look a little like them.
    for path in [
        "src-tauri/core",
        "ui/",
        "domain.rs",
        "src/ipc.ts",
        ".ci/run",
        "tauri.conf.json",
        "migrations/NNNN_*.sql",
        "asymptote.1",
    ] {
        assert!(is_path(path), "{path} is a path");
    }
    for not in [
        "asym",
        "Journal::preview",
        "{kind, message}",
        "core:default",
        "signing-<journal id>",
        "age1…",
        ".age",
        "-9n",
        "strip = true",
        "[profile.release]",
        "bundle.linux.deb.files",
        "$EDITOR",
    ] {
        assert!(!is_path(not), "{not} is not a path");
    }
    assert!(glob("NNNN_*.sql", "0001_init.sql"));
    assert!(!glob("NNNN_*.sql", "0001_init.rs"));
    assert!(!glob("*.rs", "a/b.rs"));
    assert!(says_one_per(" one component per screen; "));
    assert!(says_one_per(" (one permission per command) and "));
    assert!(!says_one_per(" — one-on-one sharing: "));
    assert_eq!(normalize("./a/b/../c/"), "a/c");
    // lib.rs is covered by its crate, x.test.ts by x.ts, a "one … per" folder by itself.
    let named = Named {
        files: ["ui/src/lib/x.ts".to_owned()].into(),
        dirs: ["src-tauri/core".to_owned(), "ui/src/screens".to_owned()].into(),
        per_file_dirs: ["ui/src/screens".to_owned()].into(),
        entries: Vec::new(),
    };
    assert!(covered("src-tauri/core/src/lib.rs", &named));
    assert!(!covered("src-tauri/core/src/other.rs", &named));
    assert!(covered("ui/src/lib/x.test.ts", &named));
    assert!(!covered("ui/src/lib/y.test.ts", &named));
    assert!(covered("ui/src/screens/Today.svelte", &named));
    assert!(!covered("ui/src/screens/deeper/Part.svelte", &named));
}
