//! One writer per history file: an exclusive `flock` on `<db>.lock`, held for as long as the
//! store is open, with the holder's process id written inside for the error message.
//!
//! Why a lock file and not SQLite's own locking: SQLite locks only for the length of a
//! transaction (in WAL mode readers and a writer coexist), so a second instance would open
//! the file happily and interleave its sessions with the first; `locking_mode=EXCLUSIVE` would
//! keep the read-only report and export out too, and only says "database is locked" without a
//! holder. A `flock` is released by the kernel when its process dies, `kill -9` included, so a
//! crashed instance never leaves a lock that blocks; the pid left in the file is then only
//! stale text, and is shown only while someone actually holds the lock. (`flock` is advisory
//! and may not work across NFS; the history lives in the user's local data folder.)

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::StoreError;

/// Owner read/write only, for every file the store creates.
pub(crate) const FILE_MODE: u32 = 0o600;

/// A held instance lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct InstanceLock {
    file: File,
    path: PathBuf,
}

impl InstanceLock {
    /// The lock file for a database: `<db>.lock` beside it.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock for `db` without waiting, or says who holds it.
    pub fn acquire(db: &Path) -> Result<InstanceLock, StoreError> {
        let path = InstanceLock::path_for(db);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(FILE_MODE)
            .open(&path)
            .map_err(|e| StoreError::io("open the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::InUse {
                    path: db.to_path_buf(),
                    pid: read_pid(&mut file),
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(StoreError::io("lock", &path, e));
            }
        }
        let write_pid = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            writeln!(file, "{}", std::process::id())?;
            file.flush()
        };
        write_pid(&mut file).map_err(|e| StoreError::io("write the lock file", &path, e))?;
        Ok(InstanceLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who holds the lock on `db` right now, if anyone does (`Some(None)`: held, pid unknown).
    pub fn holder(db: &Path) -> Option<Option<u32>> {
        let path = InstanceLock::path_for(db);
        let mut file = OpenOptions::new().read(true).open(path).ok()?;
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                None
            }
            Err(TryLockError::WouldBlock) => Some(read_pid(&mut file)),
            Err(TryLockError::Error(_)) => None,
        }
    }
}

impl Drop for InstanceLock {
    fn drop(&mut self) {
        // Leave the file (removing it would race with a newcomer that opened it already);
        // clear the pid so it cannot mislead, then unlock.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_with_our_pid_and_freed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        let first = InstanceLock::acquire(&db).unwrap();
        assert_eq!(InstanceLock::holder(&db), Some(Some(std::process::id())));
        match InstanceLock::acquire(&db) {
            Err(StoreError::InUse { path, pid }) => {
                assert_eq!(path, db);
                assert_eq!(pid, Some(std::process::id()));
            }
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        assert_eq!(InstanceLock::holder(&db), None);
        let again = InstanceLock::acquire(&db).unwrap();
        assert!(again.path().ends_with("h.sqlite3.lock"));
    }

    #[test]
    fn a_stale_pid_without_a_lock_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        std::fs::write(InstanceLock::path_for(&db), "999999\n").unwrap();
        let lock = InstanceLock::acquire(&db).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
    }
}
