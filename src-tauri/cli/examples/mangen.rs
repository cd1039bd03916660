//! Writes `asym`'s manual pages (roff) into a folder: `asym.1`, and one page per subcommand
//! (`asym-share-export.1`, …) that `asym.1` refers to, all from the same clap definitions as
//! `asym --help`, so the pages cannot drift from the program. Run at packaging time by
//! `scripts/package-deb.sh`, never by `asym` itself:
//!
//! ```sh
//! cargo run --release -p asym --example mangen -- OUT_DIR DATE
//! ```
//!
//! DATE (the release's, e.g. `2026-11-22`) goes in each page's footer.
//!
//! An example rather than a build script or a subcommand: `clap_mangen` stays a
//! dev-dependency (not in the shipped binary, not run on every build). The binary has no
//! library target, so its modules are included here as they are; only `args` is used.
#![allow(dead_code)]

#[path = "../src/args.rs"]
mod args;
#[path = "../src/backup.rs"]
mod backup;
#[path = "../src/cmd.rs"]
mod cmd;
#[path = "../src/hint.rs"]
mod hint;
#[path = "../src/input.rs"]
mod input;
#[path = "../src/keys.rs"]
mod keys;
#[path = "../src/manager.rs"]
mod manager;
#[path = "../src/render.rs"]
mod render;
#[path = "../src/share.rs"]
mod share;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;
use clap_mangen::Man;

/// What `asym.1` says after the generated sections.
const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
.B 0
Success.
.TP
.B 1
Input or output failed.
.TP
.B 2
Invalid input.
.TP
.B 3
No journal in the folder.
.TP
.B 4
A journal already exists there.
.TP
.B 5
No such item, or an ambiguous id.
.TP
.B 10
Wrong key.
.TP
.B 11
Damaged file, key envelope, stored item or backup.
.TP
.B 12
The key is missing from the keyring (\fBasym unlock \-\-recovery\-key\fR puts it back).
.TP
.B 13
No keyring reachable.
.TP
.B 14
The keyring is locked.
.TP
.B 15
A passphrase is needed.
.TP
.B 16
The journal was written by a newer version.
.TP
.B 17
The data folder is read-only.
.TP
.B 18
The disk is full.
.TP
.B 19
The journal is open in another program (a restore waits for it to close).
.SH ENVIRONMENT
.TP
.B ASYMPTOTE_DATA_DIR
The journal's folder, when \fB\-\-data\-dir\fR is not given.
.TP
.B ASYMPTOTE_PASSPHRASE
The passphrase of a passphrase\-mode journal (else \fB\-\-passphrase\-file\fR or a prompt).
.TP
.B ASYMPTOTE_NEW_PASSPHRASE
The new passphrase for \fBasym keys passphrase\fR and \fBasym keys mode passphrase\fR (else \fB\-\-new\-passphrase\-file\fR or a prompt, typed twice).
.TP
.B ASYMPTOTE_RECOVERY_KEY
The recovery key (else \fB\-\-recovery\-key\-file\fR or a prompt).
Secrets are never taken as arguments.
.TP
.B EDITOR
The editor that \fB\-\-edit\fR opens, on a file in /dev/shm (memory) that is removed afterwards.
.SH FILES
.TP
.I ~/.local/share/Asymptote/
The default journal folder (under \fB$XDG_DATA_HOME\fR when it is set).
.SH "SEE ALSO"
.BR asymptote (1)
"#;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), Some(date)) = (args.next().map(PathBuf::from), args.next()) else {
        eprintln!("usage: mangen OUT_DIR DATE");
        return ExitCode::from(2);
    };
    match write_pages(&out, &date.to_string_lossy()) {
        Ok(count) => {
            println!("mangen: {count} pages in {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mangen: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn write_pages(out: &Path, date: &str) -> std::io::Result<usize> {
    std::fs::create_dir_all(out)?;
    let mut cmd = describe(args::Cli::command().disable_help_subcommand(true));
    cmd.build();

    // asym.1: clap's sections, then the ones clap knows nothing about.
    let man = page(cmd.clone(), date);
    let mut top = Vec::new();
    man.render_title(&mut top)?;
    man.render_name_section(&mut top)?;
    man.render_synopsis_section(&mut top)?;
    man.render_description_section(&mut top)?;
    man.render_options_section(&mut top)?;
    man.render_subcommands_section(&mut top)?;
    top.write_all(EXTRA.as_bytes())?;
    man.render_version_section(&mut top)?;
    std::fs::write(out.join(man.get_filename()), top)?;

    let mut count = 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        count += write_subcommand_pages(sub.clone(), out, date)?;
    }
    Ok(count)
}

/// The page of one subcommand and of each of its own subcommands.
fn write_subcommand_pages(cmd: clap::Command, out: &Path, date: &str) -> std::io::Result<usize> {
    let mut count = 0;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        count += write_subcommand_pages(sub.clone(), out, date)?;
    }
    page(cmd, date).generate_to(out)?;
    Ok(count + 1)
}

/// Gives the shared `list`, `show` and `delete` subcommands, which have no doc comment of
/// their own, a one-line description: a page's NAME line needs one (`whatis`, `apropos`).
fn describe(cmd: clap::Command) -> clap::Command {
    let parent = cmd.get_name().to_owned();
    let (one, many) = match parent.as_str() {
        "checkin" => ("check-in".to_owned(), "check-ins".to_owned()),
        "audit" => ("audit item".to_owned(), "audit items".to_owned()),
        name => (name.to_owned(), format!("{name}s")),
    };
    cmd.mut_subcommands(|sub| {
        let sub = if sub.get_about().is_some() || sub.get_long_about().is_some() {
            sub
        } else {
            let about = match sub.get_name() {
                "list" => format!("List the {many}"),
                "show" => format!("Show one {one}, by id"),
                "delete" => format!("Delete one {one}, by id (asks first, unless --yes)"),
                other => format!("asym {parent} {other}"),
            };
            sub.about(about)
        };
        describe(sub)
    })
}

/// A page with the footer filled in (an empty date would shift the `.TH` fields).
fn page(cmd: clap::Command, date: &str) -> Man {
    let source = format!("asym {}", env!("CARGO_PKG_VERSION"));
    Man::new(cmd).date(date).source(source).manual("Asymptote")
}
