//! The app's log file, capped in size: `~/.local/state/plumbline/plumbline.log`, moved aside to
//! `plumbline.log.1` (replacing the older one) when it would pass its cap, so the two together
//! never hold more than twice the cap.
//!
//! Only text is written here — states, errors, what the desktop did — never a camera frame.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The log's file name in the state folder.
pub const FILE_NAME: &str = "plumbline.log";

/// The size a log file may reach before it is moved aside (2 MiB: weeks of a normal day's
/// lines; the current and the previous file together stay under 4 MiB).
pub const DEFAULT_CAP_BYTES: u64 = 2 * 1024 * 1024;

/// The user's log file: `$XDG_STATE_HOME/plumbline/plumbline.log` (`~/.local/state/…`), or in
/// the data folder where a platform has no state folder.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "plumbline")?;
    let folder = dirs
        .state_dir()
        .map_or_else(|| dirs.data_local_dir().to_path_buf(), Path::to_path_buf);
    Some(folder.join(FILE_NAME))
}

/// The previous file, where a full log is moved.
pub fn previous_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

/// An append-only log file that moves itself aside at its cap. Writes are whole lines from the
/// logger, so a move never splits one.
#[derive(Debug)]
pub struct CappedLog {
    path: PathBuf,
    cap_bytes: u64,
    file: File,
    written: u64,
}

impl CappedLog {
    /// Opens (or creates, with its folder) the log at `path`, readable by the user only.
    pub fn open(path: impl Into<PathBuf>, cap_bytes: u64) -> std::io::Result<CappedLog> {
        let path = path.into();
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let file = open_append(&path)?;
        let written = file.metadata()?.len();
        Ok(CappedLog {
            path,
            cap_bytes,
            file,
            written,
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn move_aside(&mut self) -> std::io::Result<()> {
        self.file.flush()?;
        std::fs::rename(&self.path, previous_path(&self.path))?;
        self.file = open_append(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.cap_bytes {
            self.move_aside()?;
        }
        let count = self.file.write(buf)?;
        self.written += count as u64;
        Ok(count)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_moves_aside_and_the_two_stay_under_twice_the_cap() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("state/plumbline.log");
        let mut log = CappedLog::open(&path, 100).unwrap();
        let line = b"0123456789012345678901234567890123456789\n"; // 41 bytes
        for _ in 0..10 {
            log.write_all(line).unwrap();
        }
        log.flush().unwrap();
        let current = std::fs::metadata(&path).unwrap().len();
        let previous = std::fs::metadata(previous_path(&path)).unwrap().len();
        assert!(current <= 100 && previous <= 100, "{current} {previous}");
        assert_eq!(current % 41, 0, "a line was split");
        assert_eq!(
            previous, 82,
            "the previous file holds whole lines up to the cap"
        );
        assert!(!folder.path().join("state/plumbline.log.2").exists());
    }

    #[test]
    fn reopening_appends_and_counts_what_is_there() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("plumbline.log");
        std::fs::write(&path, vec![b'x'; 90]).unwrap();
        let mut log = CappedLog::open(&path, 100).unwrap();
        log.write_all(b"a line of twenty b\n").unwrap();
        log.flush().unwrap();
        assert_eq!(std::fs::read(previous_path(&path)).unwrap().len(), 90);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a line of twenty b\n"
        );
    }

    #[test]
    fn the_log_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("plumbline.log");
        CappedLog::open(&path, 100).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn the_previous_file_is_named_after_the_log() {
        assert_eq!(
            previous_path(Path::new("/s/plumbline.log")),
            PathBuf::from("/s/plumbline.log.1")
        );
    }
}
