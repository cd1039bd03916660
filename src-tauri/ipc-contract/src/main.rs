//! `cargo run -p asymptote-ipc-contract [-- --check]`: writes (or checks) the files
//! generated from the shell's `#[tauri::command]` fns; see the library's docs.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            let _ = writeln!(
                std::io::stderr(),
                "Unknown argument `{other}`.\n\nUsage: asymptote-ipc-contract [--check]"
            );
            return ExitCode::from(2);
        }
    };
    let root = asymptote_ipc_contract::repo_root();
    match asymptote_ipc_contract::stale(&root, !check) {
        Ok(files) if check && !files.is_empty() => {
            let message = asymptote_ipc_contract::stale_message(&files);
            let _ = writeln!(std::io::stderr(), "{message}");
            ExitCode::FAILURE
        }
        Ok(files) => {
            let mut out = std::io::stdout();
            for f in &files {
                let _ = writeln!(out, "ipc contract: wrote {f}");
            }
            let _ = writeln!(out, "ipc contract: up to date");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "The IPC contract cannot be generated: {e}"
            );
            ExitCode::FAILURE
        }
    }
}
