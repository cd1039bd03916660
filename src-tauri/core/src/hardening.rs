//! Process hardening a host applies at start: no core dumps.
//!
//! A core dump of a process that has opened the journal holds the database key and entry
//! text in plain, written to disk (or handed to a crash reporter) by the system. The CLI
//! and the window switch dumps off for themselves before doing anything else.

/// Switches off core dumps for this process: on Linux `RLIMIT_CORE` 0 and
/// `PR_SET_DUMPABLE` 0 (which also keeps other processes of the same user from
/// attaching to it); on other Unix systems `RLIMIT_CORE` 0. On Windows nothing yet:
/// Windows Error Reporting keeps its own settings (see ARCHITECTURE.md). Returns whether
/// every step took; a host carries on either way, as nothing is lost by running.
pub fn disable_core_dumps() -> bool {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let mut ok = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        )
        .is_ok();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            ok &= rustix::process::set_dumpable_behavior(
                rustix::process::DumpableBehavior::NotDumpable,
            )
            .is_ok();
        }
        ok
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    #[cfg(target_os = "linux")]
    fn after_the_call_no_core_is_written_and_the_process_is_not_dumpable() {
        assert!(super::disable_core_dumps());
        let limit = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
