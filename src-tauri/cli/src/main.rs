//! `asym`: Asymptote's command line, driving the same core as the window.
//!
//! Every failure prints one sentence (what happened, what to do) and exits
//! with a code that names the failure (see `Error::exit_code`); there are no
//! panics or backtraces. `--json` makes every read command print JSON.

mod args;
mod backup;
mod cmd;
mod hint;
mod input;
mod keys;
mod manager;
mod render;
mod share;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything is read: a core dump would hold the key and entry text.
    asymptote_core::hardening::disable_core_dumps();
    // A bug must still read as a sentence, never a backtrace.
    std::panic::set_hook(Box::new(|_| {
        eprintln!(
            "asym: an internal error stopped this command before it finished; nothing further was written. Please report it."
        );
    }));
    let cli = args::Cli::parse();
    input::remove_orphaned_editor_files();
    let json = cli.json;
    match std::panic::catch_unwind(move || cmd::run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            if json {
                let report = hint::report(&e);
                let _ = writeln!(
                    std::io::stderr(),
                    "{}",
                    serde_json::json!({ "error": report })
                );
            } else {
                let _ = writeln!(std::io::stderr(), "asym: {}", hint::sentence(&e));
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
        Err(_) => ExitCode::from(70),
    }
}
