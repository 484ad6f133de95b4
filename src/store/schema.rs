//! Schema migrations. The SQL of each version step lives in `schema/vN.sql` as data, applied
//! in order inside one transaction per step, with SQLite's `user_version` as the version
//! number. A file at version N is exactly `MIGRATIONS[..N]` applied to an empty database, so
//! tests can create a file of every earlier version and upgrade it.

use std::path::Path;

use rusqlite::Connection;

use super::error::StoreError;

/// Each step's SQL: `MIGRATIONS[i]` takes a database from version `i` to `i + 1`.
pub const MIGRATIONS: [&str; 2] = [include_str!("schema/v1.sql"), include_str!("schema/v2.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The file's `user_version`.
pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Brings the database up to [`SCHEMA_VERSION`]; refuses a newer file. Each step is atomic:
/// a failure leaves the file at the last completed version.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found =
        user_version(conn).map_err(|e| StoreError::sqlite("read the schema version", path, e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for version in found..SCHEMA_VERSION {
        apply_step(conn, version).map_err(|source| StoreError::Migrate {
            path: path.to_path_buf(),
            from: version,
            to: version + 1,
            source,
        })?;
    }
    Ok(())
}

/// Creates the schema exactly as version `version` had it, in an empty database (for tests
/// and fixtures of older files).
pub fn create_at_version(conn: &mut Connection, version: i64) -> rusqlite::Result<()> {
    for step in user_version(conn)?..version.min(SCHEMA_VERSION) {
        apply_step(conn, step)?;
    }
    Ok(())
}

fn apply_step(conn: &mut Connection, from: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    // `from` is below SCHEMA_VERSION, so the index is in range.
    let sql = MIGRATIONS.get(from as usize).copied().unwrap_or_default();
    tx.execute_batch(sql)?;
    tx.pragma_update(None, "user_version", from + 1)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn fresh_database_reaches_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(
            tables(&conn),
            ["events", "meta", "minutes", "samples", "sessions"]
        );
        // Running it again changes nothing.
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn version_one_has_only_samples_and_events() {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&mut conn, 1).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 1);
        assert_eq!(tables(&conn), ["events", "samples"]);
    }

    #[test]
    fn newer_files_are_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn, Path::new("h.sqlite3")).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("update plumbline"), "{err}");
    }

    #[test]
    fn a_failed_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&mut conn, 1).unwrap();
        // Make step 2 fail: a table it creates already exists.
        conn.execute_batch("CREATE TABLE sessions (x)").unwrap();
        let err = migrate(&mut conn, Path::new("h.sqlite3")).unwrap_err();
        assert!(
            matches!(err, StoreError::Migrate { from: 1, to: 2, .. }),
            "{err}"
        );
        assert_eq!(user_version(&conn).unwrap(), 1);
        assert!(!tables(&conn).contains(&"minutes".to_string()));
    }
}
