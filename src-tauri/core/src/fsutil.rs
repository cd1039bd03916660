//! Small file-system helpers: atomic writes and private folders.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// fsyncs it, then renames it over `path`: readers see the old file or the new
/// one, never half of one. The file is readable by the person only (0600, whatever the
/// umask).
///
/// On Linux the temporary file has no name while it is written (`O_TMPFILE`): a kill
/// mid-write leaves nothing in the person's folder. It is named `.NAME.tmp-PID` only for
/// the instant between linking and renaming. Elsewhere (or where the file system has no
/// `O_TMPFILE`) it is named from the start; either way a failed write removes it, and
/// temporary files left by an earlier write to `path` that was killed are removed first
/// ([`clean_stale_temps`]). A full disk is said as such, with the size the write needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_observed(path, bytes, &mut || {})
}

/// [`write_atomic`], calling `written` once the bytes are written and synced, before the
/// file is given a name: the moment a kill is most likely (tests look at the folder then).
pub(crate) fn write_atomic_observed(
    path: &Path,
    bytes: &[u8],
    written: &mut dyn FnMut(),
) -> Result<()> {
    clean_stale_temps(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let needed = u64::try_from(bytes.len()).ok();
    let io = |e| Error::io(path, e, needed);
    #[cfg(target_os = "linux")]
    let named = unnamed::write(dir, &tmp, bytes, written).map_err(io)?;
    #[cfg(not(target_os = "linux"))]
    let named = false;
    if !named {
        let result = (|| {
            let mut f = create_private_file(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            written();
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates a new file at `path` (refusing one that exists), readable and writable by the
/// person only: mode 0600 set after creation too, so no umask loosens or narrows it.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let f = opts.open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        opts.open(path)
    }
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    use rustix::io::Errno;

    /// Writes `bytes` to an unnamed file in `dir`, then links it as `tmp`. `Ok(false)`
    /// when the file system cannot make unnamed files (the caller names one instead).
    pub(super) fn write(
        dir: &Path,
        tmp: &Path,
        bytes: &[u8],
        written: &mut dyn FnMut(),
    ) -> std::io::Result<bool> {
        let fd = match rustix::fs::open(
            dir,
            OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        ) {
            Ok(fd) => fd,
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => {
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        };
        let mut f = std::fs::File::from(fd);
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        written();
        let _ = std::fs::remove_file(tmp);
        let proc_path = format!("/proc/self/fd/{}", f.as_raw_fd());
        match rustix::fs::linkat(CWD, proc_path.as_str(), CWD, tmp, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => Ok(true),
            // No /proc to name it through: write it again, named.
            Err(Errno::NOENT | Errno::PERM | Errno::ACCESS) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Removes files in `dir` named `PREFIX` + `PID` + `-…` whose process no longer runs and
/// which belong to this user: what a process that was killed left behind (the CLI's
/// `$EDITOR` files in `/dev/shm`). Returns how many were removed.
pub fn remove_orphans(dir: &Path, prefix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    #[cfg(unix)]
    let me = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").map(|m| m.uid()).ok()
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = fname.strip_prefix(prefix) else {
            continue;
        };
        let Some(Ok(pid)) = rest.split('-').next().map(str::parse::<u32>) else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let Ok(m) = e.metadata() else { continue };
            if me != Some(m.uid()) || !m.is_file() {
                continue;
            }
        }
        if std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether process `pid` runs (Linux: its `/proc` entry). Where that cannot be told, it
/// is taken to run, so nothing of a live process is removed.
pub(crate) fn process_runs(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// Creates `dir` (and parents) readable only by the person, where the OS allows.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let io = |e| Error::Io(dir.to_path_buf(), e);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map_err(io)
    }
}

/// Removes temporary files a killed export left next to `path`: `write_atomic` names them
/// `.NAME.tmp-PID`, so one whose process no longer runs (no `/proc/PID` on Linux; elsewhere,
/// older than an hour) is stale. A kill mid-write leaves only such a file, never a partial
/// `path`.
pub fn clean_stale_temps(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = fname.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let stale = if Path::new("/proc/self").exists() {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_killed_before_its_rename_strands_nothing_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("brief.html");
        let mut during = Vec::new();
        write_atomic_observed(&target, b"<p>entry text</p>", &mut || {
            during = names(dir.path());
        })
        .unwrap();
        // At the moment a kill would strike, the folder holds no copy of the text.
        if cfg!(target_os = "linux") {
            assert_eq!(during, Vec::<String>::new(), "a named temporary file");
        }
        assert_eq!(names(dir.path()), vec!["brief.html".to_string()]);
        assert_eq!(std::fs::read(&target).unwrap(), b"<p>entry text</p>");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn orphans_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A pid far above any pid_max is no running process.
        let dead = dir.path().join("asym-4294967000-abc.md");
        let live = dir
            .path()
            .join(format!("asym-{}-def.md", std::process::id()));
        let other = dir.path().join("asym-notapid.md");
        for f in [&dead, &live, &other] {
            std::fs::write(f, b"x").unwrap();
        }
        assert_eq!(remove_orphans(dir.path(), "asym-"), 1);
        assert!(!dead.exists() && live.exists() && other.exists());
    }
}
