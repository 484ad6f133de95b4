//! The store's one error type. Each message says what was being done, with which file, and
//! what the user can do about it, so the UI and the CLI can show it as it is.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong with the history database.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Another running plumbline holds the history.
    #[error(
        "the history database {path} is in use by another running plumbline{}; close that one \
         first, or open the history read-only (reports and exports work while it runs)",
        holder_text(*pid)
    )]
    InUse {
        /// The database file.
        path: PathBuf,
        /// The holding process, if it wrote its id into the lock file.
        pid: Option<u32>,
    },

    /// No data directory could be determined.
    #[error(
        "could not find a data directory for the history (is $HOME set?); pass --db FILE to \
         choose where it is kept"
    )]
    NoDataDir,

    /// A file or folder around the database could not be created, read, renamed or locked.
    #[error("could not {action} {path}: {source}; check that the folder exists and is writable")]
    Io {
        /// What was being done ("create the history folder", ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// There is no history file yet (read-only open).
    #[error(
        "there is no history at {path} yet; it is created when monitoring starts (or pass \
         --db FILE to read another file)"
    )]
    NotFound {
        /// The database file looked for.
        path: PathBuf,
    },

    /// SQLite failed while doing something.
    #[error("could not {action} in the history database {path}: {source}")]
    Sqlite {
        /// What was being done.
        action: &'static str,
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },

    /// The disk (or the configured size limit) is full.
    #[error(
        "the disk holding the history database {path} is full (or the history reached its size \
         limit); free some space — monitoring goes on and history is saved again once there is \
         room"
    )]
    DiskFull {
        /// The database file.
        path: PathBuf,
    },

    /// The file is not a usable SQLite database (read-only open, where it is not moved aside).
    #[error(
        "the history database {path} is damaged ({detail}); start plumbline monitoring once to \
         move it aside and start a fresh one, or pass --db FILE"
    )]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },

    /// The file was written by a newer plumbline.
    #[error(
        "the history database {path} has schema version {found}, newer than this plumbline \
         understands (up to {supported}); update plumbline, or pass --db FILE to use another \
         file"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },

    /// A schema migration failed (the file is left at its previous version).
    #[error(
        "could not upgrade the history database {path} from schema version {from} to {to}: \
         {source}; the file was left as it was — report this bug and keep the file"
    )]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// Version before the failed step.
        from: i64,
        /// Version the step leads to.
        to: i64,
        /// SQLite's error.
        source: rusqlite::Error,
    },

    /// The file has an older schema; only the writer upgrades it (read-only open).
    #[error(
        "the history database {path} has schema version {found}, older than this plumbline's \
         {supported}; start plumbline monitoring once to upgrade it, then try again"
    )]
    Outdated {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The version this build writes.
        supported: i64,
    },

    /// A date range whose end is before its start.
    #[error("the range {from} to {to} ends before it starts; swap --from and --to")]
    InvalidRange {
        /// First day.
        from: String,
        /// Last day.
        to: String,
    },

    /// An export could not be written to its output.
    #[error("could not write the export: {source}; check the output file or pipe")]
    Export {
        /// The writer's error.
        source: std::io::Error,
    },

    /// The recorder's writer thread could not be started or has stopped.
    #[error("the history writer thread {what}; history is not being saved — restart plumbline")]
    Writer {
        /// What happened to it.
        what: String,
    },
}

fn holder_text(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!(" (process {pid})"),
        None => String::new(),
    }
}

impl StoreError {
    /// Wraps a SQLite error, telling a full disk apart.
    pub(crate) fn sqlite(action: &'static str, path: &std::path::Path, e: rusqlite::Error) -> Self {
        if is_disk_full(&e) {
            StoreError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::Sqlite {
                action,
                path: path.to_path_buf(),
                source: e,
            }
        }
    }

    /// Wraps an I/O error.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, e: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            source: e,
        }
    }
}

/// SQLITE_FULL: the disk, or the `max_page_count` size limit, is full.
pub(crate) fn is_disk_full(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// SQLITE_NOTADB or SQLITE_CORRUPT: the file's content is damaged.
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_use_names_the_file_and_the_holder() {
        let err = StoreError::InUse {
            path: PathBuf::from("/home/u/.local/share/plumbline/history.sqlite3"),
            pid: Some(4242),
        };
        let text = err.to_string();
        assert!(text.contains("history.sqlite3"), "{text}");
        assert!(text.contains("process 4242"), "{text}");
        assert!(text.contains("read-only"), "{text}");
        let unknown = StoreError::InUse {
            path: PathBuf::from("h.db"),
            pid: None,
        };
        assert!(!unknown.to_string().contains("process"));
    }
}
