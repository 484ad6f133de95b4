//! Opening the history file: the writer's [`Store`] (instance lock, damage check and move
//! aside, migrations, WAL, owner-only permissions, batched writes, sessions, rollup and
//! retention) and the read-only [`History`] for reports and exports while another instance
//! writes.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::calendar::{MS_PER_DAY, MS_PER_MIN, MS_PER_S, Zone};
use super::codec::{encode_confidence, encode_deg};
use super::error::{StoreError, is_damage};
use super::lock::{FILE_MODE, InstanceLock};
use super::query::Query;
use super::schema::{self, SCHEMA_VERSION};
use super::types::{Sample, StoredEvent};

/// The history file's name in the data directory.
pub const DEFAULT_FILE_NAME: &str = "history.sqlite3";

/// Days of history kept by default (the `retention_days` setting).
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// Per-second samples older than this many days are rolled up into per-minute rows: the day
/// view of the last few days keeps its detail, older days cost ~1/60 of the space.
pub const DEFAULT_ROLLUP_AFTER_DAYS: u32 = 3;

/// How long a reader waits for the writer's checkpoint before giving up. Writers never wait
/// on each other (the instance lock keeps a second one out).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Folder mode when the store creates the data folder: owner only.
const DIR_MODE: u32 = 0o700;

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Size of the SQLite file header; a shorter non-empty file is damaged.
const SQLITE_HEADER_LEN: usize = 100;

/// Meta key: when rollup and retention last ran (UTC unix ms).
const META_LAST_MAINTENANCE: &str = "last_maintenance_ms";

/// How the store keeps its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// Days of history kept; older rows are deleted at startup and daily. 0 keeps everything.
    pub retention_days: u32,
    /// Per-second samples older than this many days become per-minute rows.
    pub rollup_after_days: u32,
    /// Stop growing the file past about this many bytes; writes then fail as on a full disk
    /// (warning shown, monitoring goes on). `None`: no limit.
    pub max_size_bytes: Option<u64>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            retention_days: DEFAULT_RETENTION_DAYS,
            rollup_after_days: DEFAULT_ROLLUP_AFTER_DAYS,
            max_size_bytes: None,
        }
    }
}

/// Something the user should see after opening, though the store works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreWarning {
    /// The file was damaged: it was moved aside (kept, not deleted) and a fresh one started.
    Damaged {
        /// The database path, now a fresh file.
        path: PathBuf,
        /// Where the damaged file is now.
        moved_to: PathBuf,
        /// What was wrong with it.
        detail: String,
    },
}

impl std::fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreWarning::Damaged {
                path,
                moved_to,
                detail,
            } => write!(
                f,
                "The history database {} was damaged ({detail}). It was kept as {} and a fresh \
                 history was started; earlier days are not shown.",
                path.display(),
                moved_to.display()
            ),
        }
    }
}

/// A store just opened, with anything the user should be told.
#[derive(Debug)]
pub struct Opened {
    /// The open store.
    pub store: Store,
    /// Warnings to show (e.g. a damaged file was moved aside).
    pub warnings: Vec<StoreWarning>,
}

/// What one maintenance run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Maintenance {
    /// Per-second samples folded into minute rows.
    pub samples_rolled_up: u64,
    /// Rows (samples, minutes, events, sessions) deleted as past retention.
    pub rows_expired: u64,
}

/// Where the history lives: `--db FILE` when given, else `history.sqlite3` in the user's data
/// directory (`~/.local/share/plumbline` on Linux).
pub fn resolve_path(db: Option<&Path>) -> Result<PathBuf, StoreError> {
    match db {
        Some(path) => Ok(path.to_path_buf()),
        None => directories::ProjectDirs::from("", "", "plumbline")
            .map(|dirs| dirs.data_dir().join(DEFAULT_FILE_NAME))
            .ok_or(StoreError::NoDataDir),
    }
}

/// The writable history: one per file, guarded by an instance lock.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    options: StoreOptions,
    _lock: InstanceLock,
}

impl Store {
    /// Opens (creating when missing) the history at `path` for writing.
    ///
    /// Refuses with [`StoreError::InUse`] while another process has it open. A file that is not
    /// a database, or fails SQLite's quick check, is renamed to `<name>.damaged-<UTC time>`
    /// (with its `-wal`) and a fresh one is started, with a [`StoreWarning::Damaged`]. Older
    /// schemas are migrated; a newer one is refused.
    pub fn open(path: &Path, options: &StoreOptions) -> Result<Opened, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent)?;
        }
        let lock = InstanceLock::acquire(path)?;
        let mut warnings = Vec::new();
        let conn = match open_checked(path, options)? {
            Ok(conn) => conn,
            Err(detail) => {
                let moved_to = move_aside(path, super::calendar::now_ms())?;
                warnings.push(StoreWarning::Damaged {
                    path: path.to_path_buf(),
                    moved_to,
                    detail: detail.clone(),
                });
                open_checked(path, options)?.map_err(|detail| StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail,
                })?
            }
        };
        restrict_permissions(path)?;
        Ok(Opened {
            store: Store {
                conn,
                path: path.to_path_buf(),
                options: options.clone(),
                _lock: lock,
            },
            warnings,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The options it was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// Read queries on this connection.
    pub fn query(&self) -> Query<'_> {
        Query::new(&self.conn, &self.path)
    }

    /// Writes samples and events in one transaction, and moves the session's end to `now_ms`
    /// when one is given. Samples are stored per whole second; a second already stored keeps
    /// its first sample.
    pub fn write(
        &mut self,
        samples: &[Sample],
        events: &[StoredEvent],
        session: Option<(i64, i64)>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::sqlite("save samples and events", &path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        {
            let mut insert_sample = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO samples (t, state, fh, rs, conf) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(fail)?;
            for s in samples {
                insert_sample
                    .execute(params![
                        s.time_ms.div_euclid(MS_PER_S) * MS_PER_S,
                        s.state.code(),
                        s.forward_head_dev_deg.and_then(encode_deg),
                        s.rounded_shoulder_dev_deg.and_then(encode_deg),
                        encode_confidence(s.confidence),
                    ])
                    .map_err(fail)?;
            }
            let mut insert_event = tx
                .prepare_cached("INSERT INTO events (t, kind, detail) VALUES (?1, ?2, ?3)")
                .map_err(fail)?;
            for e in events {
                insert_event
                    .execute(params![e.time_ms, e.kind.as_str(), e.detail.to_string()])
                    .map_err(fail)?;
            }
            if let Some((id, now_ms)) = session {
                tx.execute(
                    "UPDATE sessions SET end_ms = max(end_ms, ?2) WHERE id = ?1",
                    params![id, now_ms],
                )
                .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// Starts a monitoring session at `now_ms`; returns its id.
    pub fn begin_session(&mut self, now_ms: i64) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO sessions (start_ms, end_ms, clean_exit) VALUES (?1, ?1, 0)",
                params![now_ms],
            )
            .map_err(|e| StoreError::sqlite("start a session", &self.path, e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Ends a session cleanly at `now_ms`.
    pub fn end_session(&mut self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sessions SET end_ms = max(end_ms, ?2), clean_exit = 1 WHERE id = ?1",
                params![id, now_ms],
            )
            .map_err(|e| StoreError::sqlite("end a session", &self.path, e))?;
        Ok(())
    }

    /// Ends a session at exactly `end_ms` (a clock jump: the time before it ended there, even
    /// if a commit after the jump already moved the end on).
    pub fn close_session_at(&mut self, id: i64, end_ms: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sessions SET end_ms = max(start_ms, ?2), clean_exit = 1 WHERE id = ?1",
                params![id, end_ms],
            )
            .map_err(|e| StoreError::sqlite("end a session", &self.path, e))?;
        Ok(())
    }

    /// Rolls per-second samples older than `rollup_after_days` into minute rows and deletes
    /// everything older than `retention_days`, in one transaction; then returns freed pages
    /// to the file system.
    pub fn maintain(&mut self, now_ms: i64) -> Result<Maintenance, StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::sqlite("roll up and expire old history", &path, e);
        let rollup_cutoff = (now_ms - i64::from(self.options.rollup_after_days) * MS_PER_DAY)
            .div_euclid(MS_PER_MIN)
            * MS_PER_MIN;
        let tx = self.conn.transaction().map_err(fail)?;
        tx.execute(ROLLUP_SQL, params![rollup_cutoff])
            .map_err(fail)?;
        let samples_rolled_up = tx
            .execute("DELETE FROM samples WHERE t < ?1", params![rollup_cutoff])
            .map_err(fail)? as u64;
        let mut rows_expired = 0;
        if self.options.retention_days > 0 {
            let cutoff = now_ms - i64::from(self.options.retention_days) * MS_PER_DAY;
            for sql in [
                "DELETE FROM samples WHERE t < ?1",
                "DELETE FROM minutes WHERE t < ?1",
                "DELETE FROM events WHERE t < ?1",
                "DELETE FROM sessions WHERE end_ms < ?1",
            ] {
                rows_expired += tx.execute(sql, params![cutoff]).map_err(fail)? as u64;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![META_LAST_MAINTENANCE, now_ms.to_string()],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        if rows_expired > 0 || samples_rolled_up > 0 {
            // Only frees pages in files created with auto_vacuum = incremental (all of ours).
            self.conn
                .execute_batch("PRAGMA incremental_vacuum")
                .map_err(fail)?;
        }
        Ok(Maintenance {
            samples_rolled_up,
            rows_expired,
        })
    }

    /// When maintenance last ran (UTC unix ms), if ever.
    pub fn last_maintenance_ms(&self) -> Result<Option<i64>, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![META_LAST_MAINTENANCE],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite("read housekeeping data", &self.path, e))?;
        Ok(value.and_then(|v| v.parse().ok()))
    }

    /// Writes the WAL back into the database file (done automatically as the WAL grows; the
    /// recorder also calls it on shutdown).
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(|e| StoreError::sqlite("checkpoint the write-ahead log", &self.path, e))
    }

    /// The file's schema version.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        schema::user_version(&self.conn)
            .map_err(|e| StoreError::sqlite("read the schema version", &self.path, e))
    }

    /// Changes the size limit of this connection (see [`StoreOptions::max_size_bytes`]).
    pub fn set_max_size(&mut self, max_size_bytes: Option<u64>) -> Result<(), StoreError> {
        self.options.max_size_bytes = max_size_bytes;
        apply_size_limit(&self.conn, max_size_bytes)
            .map_err(|e| StoreError::sqlite("set the size limit", &self.path, e))
    }
}

/// The history opened read-only: reports, exports and the day view, while a [`Store`] in this
/// or another process writes. Needs no instance lock.
#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl History {
    /// Opens the history at `path` for reading.
    pub fn open(path: &Path) -> Result<History, StoreError> {
        if !path.exists() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let damaged = |detail: String| StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        };
        if let Some(detail) = header_problem(path)? {
            return Err(damaged(detail));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::sqlite("open", path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::sqlite("open", path, e))?;
        let version = schema::user_version(&conn).map_err(|e| {
            if is_damage(&e) {
                damaged(e.to_string())
            } else {
                StoreError::sqlite("read the schema version", path, e)
            }
        })?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == 0 {
            // Created but never set up (the writer was stopped at once): nothing stored yet.
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        if version < SCHEMA_VERSION {
            // Read-only cannot migrate; the writer does that on its next start.
            return Err(StoreError::Outdated {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(History {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read queries.
    pub fn query(&self) -> Query<'_> {
        Query::new(&self.conn, &self.path)
    }

    /// SQLite's full `integrity_check`: `["ok"]` for a sound file.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| StoreError::sqlite("check integrity", &self.path, e))?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(|e| StoreError::sqlite("check integrity", &self.path, e))?;
        Ok(rows)
    }
}

/// Folds samples before `?1` into minute rows, merging with rows already there (weighted
/// means). `WHERE true`-style ambiguity does not arise: the SELECT has a WHERE.
const ROLLUP_SQL: &str = "
INSERT INTO minutes (t, s1, s2, s3, s4, s5, s6, s7, s8, fh, fh_n, rs, rs_n, conf)
SELECT (t / 60000) * 60000 AS m,
       sum(state = 1), sum(state = 2), sum(state = 3), sum(state = 4),
       sum(state = 5), sum(state = 6), sum(state = 7), sum(state = 8),
       CAST(round(avg(fh)) AS INTEGER), count(fh),
       CAST(round(avg(rs)) AS INTEGER), count(rs),
       CAST(round(avg(conf)) AS INTEGER)
FROM samples WHERE t < ?1 GROUP BY m
ON CONFLICT (t) DO UPDATE SET
    s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4, s5 = s5 + excluded.s5, s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7, s8 = s8 + excluded.s8,
    fh = CASE WHEN fh_n + excluded.fh_n = 0 THEN NULL ELSE CAST(round(
        (coalesce(fh, 0) * fh_n + coalesce(excluded.fh, 0) * excluded.fh_n) * 1.0
        / (fh_n + excluded.fh_n)) AS INTEGER) END,
    fh_n = fh_n + excluded.fh_n,
    rs = CASE WHEN rs_n + excluded.rs_n = 0 THEN NULL ELSE CAST(round(
        (coalesce(rs, 0) * rs_n + coalesce(excluded.rs, 0) * excluded.rs_n) * 1.0
        / (rs_n + excluded.rs_n)) AS INTEGER) END,
    rs_n = rs_n + excluded.rs_n,
    conf = CAST(round((coalesce(conf, 0) * (s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8)
        + coalesce(excluded.conf, 0) * (excluded.s1 + excluded.s2 + excluded.s3 + excluded.s4
        + excluded.s5 + excluded.s6 + excluded.s7 + excluded.s8)) * 1.0
        / max(1, s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + excluded.s1 + excluded.s2
        + excluded.s3 + excluded.s4 + excluded.s5 + excluded.s6 + excluded.s7
        + excluded.s8)) AS INTEGER)
";

/// Creates `dir` (and parents) with mode 0700 when missing; an existing folder is left as is.
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .map_err(|e| StoreError::io("create the history folder", dir, e))
}

/// Opens, checks and migrates. `Ok(Err(detail))` means the file is damaged.
fn open_checked(
    path: &Path,
    options: &StoreOptions,
) -> Result<Result<Connection, String>, StoreError> {
    if let Some(detail) = header_problem(path)? {
        return Ok(Err(detail));
    }
    let is_new = !path.exists() || path.metadata().map(|m| m.len() == 0).unwrap_or(false);
    if is_new {
        // Create it owner-only before SQLite does: SQLite gives -wal and -shm the same mode.
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(FILE_MODE)
            .open(path)
            .map_err(|e| StoreError::io("create the history database", path, e))?;
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::sqlite("open", path, e))?;
    let result = (|| -> rusqlite::Result<()> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if is_new {
            // Only possible before the first table: lets retention give space back.
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
        }
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidQuery);
        }
        // NORMAL in WAL mode: a commit survives the process being killed (it is in the OS's
        // page cache); only a power loss can undo the last commits, never corrupt the file.
        conn.execute_batch("PRAGMA synchronous = NORMAL")?;
        apply_size_limit(&conn, options.max_size_bytes)
    })();
    match result {
        Ok(()) => {}
        Err(e) if is_damage(&e) => return Ok(Err(e.to_string())),
        Err(e) => return Err(StoreError::sqlite("open", path, e)),
    }
    let problems = match quick_check(&conn) {
        Ok(rows) => rows,
        Err(e) if is_damage(&e) => return Ok(Err(e.to_string())),
        Err(e) => return Err(StoreError::sqlite("check", path, e)),
    };
    if problems != ["ok"] {
        return Ok(Err(format!("quick_check: {}", problems.join("; "))));
    }
    match schema::migrate(&mut conn, path) {
        Ok(()) => Ok(Ok(conn)),
        Err(StoreError::Migrate { source, .. }) if is_damage(&source) => {
            Ok(Err(source.to_string()))
        }
        Err(e) => Err(e),
    }
}

fn quick_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

fn apply_size_limit(conn: &Connection, max_size_bytes: Option<u64>) -> rusqlite::Result<()> {
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages = match max_size_bytes {
        Some(bytes) => (i64::try_from(bytes).unwrap_or(i64::MAX) / page_size.max(1)).max(1),
        // SQLite's own maximum.
        None => 4_294_967_294,
    };
    let _: i64 = conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
        r.get(0)
    })?;
    Ok(())
}

/// `Some(reason)` when the file exists, is not empty, and does not start with a SQLite header.
fn header_problem(path: &Path) -> Result<Option<String>, StoreError> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    let mut header = Vec::with_capacity(SQLITE_HEADER_LEN);
    (&mut file)
        .take(SQLITE_HEADER_LEN as u64)
        .read_to_end(&mut header)
        .map_err(|e| StoreError::io("read", path, e))?;
    Ok(if header.is_empty() {
        None
    } else if header.len() < SQLITE_HEADER_LEN {
        Some(format!(
            "only {} bytes long, shorter than a database header",
            header.len()
        ))
    } else if !header.starts_with(SQLITE_MAGIC) {
        Some("not an SQLite database: the header is wrong".to_string())
    } else {
        None
    })
}

/// Renames the damaged file (and its `-wal`, so the pair can still be opened for recovery)
/// to `<name>.damaged-<YYYYMMDDTHHMMSSZ>`; removes the `-shm`, which SQLite rebuilds.
fn move_aside(path: &Path, now_ms: i64) -> Result<PathBuf, StoreError> {
    let t = Zone::UTC.local_time(now_ms);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.date.year, t.date.month, t.date.day, t.hour, t.minute, t.second
    );
    let with_suffix = |p: &Path, suffix: &str| {
        let mut name = p.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let mut target = with_suffix(path, &format!(".damaged-{stamp}"));
    let mut n = 2;
    while target.exists() {
        target = with_suffix(path, &format!(".damaged-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target)
        .map_err(|e| StoreError::io("move the damaged history database aside", path, e))?;
    let wal = with_suffix(path, "-wal");
    if wal.exists() {
        std::fs::rename(&wal, with_suffix(&target, "-wal"))
            .map_err(|e| StoreError::io("move the damaged write-ahead log aside", &wal, e))?;
    }
    let shm = with_suffix(path, "-shm");
    if shm.exists() {
        std::fs::remove_file(&shm)
            .map_err(|e| StoreError::io("remove the shared-memory file", &shm, e))?;
    }
    Ok(target)
}

/// Sets owner-only permissions on the database and its `-wal` and `-shm` files.
fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(FILE_MODE)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io("restrict permissions on", &file, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_check_tells_garbage_and_short_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        assert_eq!(header_problem(&p).unwrap(), None);
        std::fs::write(&p, b"").unwrap();
        assert_eq!(header_problem(&p).unwrap(), None);
        std::fs::write(&p, b"SQLite format 3\0short").unwrap();
        assert!(header_problem(&p).unwrap().unwrap().contains("shorter"));
        std::fs::write(&p, vec![0x5a; 4096]).unwrap();
        assert!(header_problem(&p).unwrap().unwrap().contains("header"));
    }

    #[test]
    fn default_path_is_in_the_data_directory() {
        let path = resolve_path(None).unwrap();
        assert!(path.ends_with(DEFAULT_FILE_NAME), "{}", path.display());
        let explicit = resolve_path(Some(Path::new("/tmp/x.db"))).unwrap();
        assert_eq!(explicit, Path::new("/tmp/x.db"));
    }
}
