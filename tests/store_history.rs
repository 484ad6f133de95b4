//! Integration tests of the history store on real SQLite files: migrations from every earlier
//! schema, damaged files moved aside, a second instance refused, owner-only permissions, the
//! recorder (batching, a full disk), rollup and retention, and the queries, report and exports
//! the day view and the CLI use.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use plumbline::store::calendar::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN, MS_PER_S};
use plumbline::store::{
    Band, Date, EventKind, ExportFormat, HealthStatus, History, Recorder, RecorderConfig,
    SCHEMA_VERSION, Sample, State, Store, StoreError, StoreOptions, StoreWarning, StoredEvent,
    Zone, export_range, render_day_report, schema,
};
use rusqlite::Connection;
use serde_json::json;

/// A temporary folder with a history path in it.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    Fixture { _dir: dir, path }
}

fn open(path: &Path) -> Store {
    let opened = Store::open(path, &StoreOptions::default()).unwrap();
    assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    opened.store
}

/// The test day and zone: Saturday 2026-03-14 in UTC+01:00.
const ZONE: Zone = Zone::Fixed(3600);

fn day() -> Date {
    Date::new(2026, 3, 14).unwrap()
}

/// UTC ms of local `h:m:s` on the test day.
fn at(h: i64, m: i64, s: i64) -> i64 {
    ZONE.day_start_ms(day()) + h * MS_PER_HOUR + m * MS_PER_MIN + s * MS_PER_S
}

fn sample(time_ms: i64, state: State, fh: Option<f32>, rs: Option<f32>) -> Sample {
    Sample {
        time_ms,
        state,
        forward_head_dev_deg: fh,
        rounded_shoulder_dev_deg: rs,
        confidence: 0.9,
    }
}

/// One sample per second of `state` for `[from, to)`.
fn run_of(from: i64, to: i64, state: State, fh: Option<f32>) -> Vec<Sample> {
    (from..to)
        .step_by(MS_PER_S as usize)
        .map(|t| sample(t, state, fh, fh.map(|v| v / 2.0)))
        .collect()
}

/// A scripted morning: 09:00-09:30 upright, 09:30-09:45 slouching, 09:45-10:00 away,
/// 10:00-10:10 paused, 10:10-10:20 camera problem, 10:20-10:40 drifting/upright; one prompt,
/// one break reminder, one break, one snooze, one camera fault.
fn write_scripted_day(store: &mut Store) {
    let mut samples = Vec::new();
    samples.extend(run_of(at(9, 0, 0), at(9, 30, 0), State::Upright, Some(2.0)));
    samples.extend(run_of(
        at(9, 30, 0),
        at(9, 45, 0),
        State::Slouching,
        Some(16.0),
    ));
    samples.extend(run_of(at(9, 45, 0), at(10, 0, 0), State::Away, None));
    samples.extend(run_of(at(10, 0, 0), at(10, 10, 0), State::Paused, None));
    samples.extend(run_of(
        at(10, 10, 0),
        at(10, 20, 0),
        State::CameraProblem,
        None,
    ));
    samples.extend(run_of(
        at(10, 20, 0),
        at(10, 25, 0),
        State::Drifting,
        Some(9.0),
    ));
    samples.extend(run_of(
        at(10, 25, 0),
        at(10, 40, 0),
        State::Upright,
        Some(1.0),
    ));
    let events = vec![
        StoredEvent::new(at(9, 30, 0), EventKind::StateChange)
            .with("from", "drifting")
            .with("to", "slouching"),
        StoredEvent::new(at(9, 30, 1), EventKind::Prompt)
            .with("fault", "forward_head")
            .with("reason", "Head 16° forward of your baseline for 31 s")
            .with("exercise", "chin_tuck"),
        StoredEvent::new(at(9, 40, 0), EventKind::BreakReminder).with("level", 1),
        StoredEvent::new(at(9, 58, 0), EventKind::Break).with("source", "away"),
        StoredEvent::new(at(10, 0, 0), EventKind::Snooze).with("minutes", 15),
        StoredEvent::new(at(10, 10, 0), EventKind::CameraFault).with("kind", "busy"),
    ];
    store.write(&samples, &events, None).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Migrations

/// Representative rows as each schema version stored them (the SQL of that version's data).
fn fixture_rows_sql(version: i64, t: i64) -> String {
    let mut sql = format!(
        "INSERT INTO samples (t, state, fh, rs, conf) VALUES ({t}, 1, 250, NULL, 900), \
         ({}, 3, 1500, 800, 950);
         INSERT INTO events (t, kind, detail) VALUES ({}, 'prompt', \
         '{{\"fault\":\"forward_head\",\"level\":1}}');",
        t + 1000,
        t + 1000
    );
    if version >= 2 {
        sql.push_str(&format!(
            "INSERT INTO minutes (t, s1, s3, fh, fh_n, rs, rs_n, conf) \
             VALUES ({}, 40, 20, 700, 60, NULL, 0, 880);
             INSERT INTO sessions (start_ms, end_ms, clean_exit) VALUES ({t}, {}, 1);",
            t - MS_PER_HOUR,
            t + 2000
        ));
    }
    sql
}

#[test]
fn every_earlier_schema_version_migrates_with_its_data() {
    const {
        assert!(
            SCHEMA_VERSION >= 2,
            "there is an earlier version to migrate from"
        )
    };
    for version in 1..SCHEMA_VERSION {
        let fx = fixture();
        let t = at(9, 0, 0);
        {
            let mut conn = Connection::open(&fx.path).unwrap();
            schema::create_at_version(&mut conn, version).unwrap();
            conn.execute_batch(&fixture_rows_sql(version, t)).unwrap();
            assert_eq!(schema::user_version(&conn).unwrap(), version);
        }
        let mut store = open(&fx.path);
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let q = store.query();
        let samples = q.samples(t, t + 2000).unwrap();
        assert_eq!(samples.len(), 2, "v{version}");
        assert_eq!(samples[0].state, State::Upright);
        assert_eq!(samples[0].forward_head_dev_deg, Some(2.5));
        assert_eq!(samples[1].rounded_shoulder_dev_deg, Some(8.0));
        let events = q.events(t, t + 2000).unwrap();
        assert_eq!(events[0].kind, EventKind::Prompt);
        assert_eq!(events[0].detail["fault"], "forward_head");
        // The upgraded file takes the newest features: sessions, minute rows, rollup.
        let id = store.begin_session(t).unwrap();
        store.end_session(id, t + 5000).unwrap();
        store.maintain(t + 10 * MS_PER_DAY).unwrap();
        let view = store.query().day(day(), ZONE).unwrap();
        assert_eq!(view.summary.durations.get(State::Slouching) % MS_PER_S, 0);
        assert!(
            view.summary.durations.get(State::Upright) >= 1000,
            "v{version}"
        );
        drop(store);
        let history = History::open(&fx.path).unwrap();
        assert_eq!(history.integrity_check().unwrap(), ["ok"]);
    }
}

#[test]
fn a_file_from_a_newer_plumbline_is_refused_and_left_alone() {
    let fx = fixture();
    {
        let conn = Connection::open(&fx.path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&fx.path, &StoreOptions::default()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    assert!(err.to_string().contains(&fx.path.display().to_string()));
    assert!(fx.path.exists());
    let err = History::open(&fx.path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Files, permissions, damage, instances

#[test]
fn a_new_history_is_private_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data").join("plumbline");
    let path = folder.join("history.sqlite3");
    let mut store = open(&path);
    store
        .write(
            &[sample(at(9, 0, 0), State::Upright, None, None)],
            &[],
            None,
        )
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let conn = Connection::open(&path).unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

fn assert_moved_aside(fx: &Fixture, original: &[u8], detail_has: &str) {
    let opened = Store::open(&fx.path, &StoreOptions::default()).unwrap();
    let [
        StoreWarning::Damaged {
            path,
            moved_to,
            detail,
        },
    ] = opened.warnings.as_slice()
    else {
        panic!("expected one damage warning, got {:?}", opened.warnings)
    };
    assert_eq!(path, &fx.path);
    assert!(detail.contains(detail_has), "{detail}");
    let name = moved_to.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("history.sqlite3.damaged-") && name.ends_with('Z'),
        "{name}"
    );
    assert_eq!(
        std::fs::read(moved_to).unwrap(),
        original,
        "kept byte for byte"
    );
    let text = opened.warnings[0].to_string();
    assert!(text.contains("damaged") && text.contains(&name), "{text}");
    // The fresh history works.
    let mut store = opened.store;
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    store
        .write(
            &[sample(at(9, 0, 0), State::Upright, None, None)],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(store.query().samples(0, i64::MAX).unwrap().len(), 1);
}

#[test]
fn garbage_is_moved_aside_and_a_fresh_history_started() {
    let fx = fixture();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&fx.path, &garbage).unwrap();
    assert_moved_aside(&fx, &garbage, "header");
}

#[test]
fn a_truncated_header_is_moved_aside() {
    let fx = fixture();
    {
        let mut store = open(&fx.path);
        write_scripted_day(&mut store);
        store.checkpoint().unwrap();
    }
    let bytes = std::fs::read(&fx.path).unwrap();
    std::fs::write(&fx.path, &bytes[..50]).unwrap();
    assert_moved_aside(&fx, &bytes[..50], "shorter");
}

#[test]
fn damaged_pages_are_found_by_the_quick_check() {
    let fx = fixture();
    {
        let mut store = open(&fx.path);
        write_scripted_day(&mut store);
        store.checkpoint().unwrap();
    }
    let mut bytes = std::fs::read(&fx.path).unwrap();
    assert!(bytes.len() > 16 * 4096, "{}", bytes.len());
    // Keep the header page, overwrite everything after it.
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i % 253) as u8;
    }
    std::fs::write(&fx.path, &bytes).unwrap();
    assert_moved_aside(&fx, &bytes, "");
    // Reading it read-only says it is damaged, without moving anything.
    let err = History::open(&fx.path).map(|_| ());
    assert!(err.is_ok(), "the fresh file is fine: {err:?}");
}

#[test]
fn a_second_instance_is_refused_but_may_read() {
    let fx = fixture();
    let mut first = open(&fx.path);
    write_scripted_day(&mut first);
    let err = Store::open(&fx.path, &StoreOptions::default()).unwrap_err();
    match &err {
        StoreError::InUse { path, pid } => {
            assert_eq!(path, &fx.path);
            assert_eq!(*pid, Some(std::process::id()));
        }
        other => panic!("expected InUse, got {other}"),
    }
    let text = err.to_string();
    assert!(text.contains(&fx.path.display().to_string()), "{text}");
    assert!(
        text.contains(&format!("process {}", std::process::id())),
        "{text}"
    );
    // Read-only access works alongside the writer and sees its commits.
    let history = History::open(&fx.path).unwrap();
    let view = history.query().day(day(), ZONE).unwrap();
    assert_eq!(view.summary.prompts, 1);
    drop(first);
    let _second = open(&fx.path);
}

#[test]
fn read_only_open_reports_missing_and_damaged_files() {
    let fx = fixture();
    let err = History::open(&fx.path).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    std::fs::write(&fx.path, b"not a database at all, just some text").unwrap();
    let err = History::open(&fx.path).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert!(fx.path.exists(), "read-only never moves the file");
}

// ---------------------------------------------------------------------------------------------
// Recorder

#[test]
fn the_recorder_batches_writes_on_a_named_thread_and_ends_its_session() {
    let fx = fixture();
    let store = open(&fx.path);
    let thread_names = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let names = std::sync::Arc::clone(&thread_names);
    let config = RecorderConfig {
        on_health_change: Some(std::sync::Arc::new(move |_| {
            let name = std::thread::current().name().map(str::to_string);
            names.lock().unwrap().push(name);
        })),
        ..RecorderConfig::default()
    };
    let recorder = Recorder::start(store, config).unwrap();
    let handle = recorder.handle();
    let t0 = at(9, 0, 0);
    for i in 0..120 {
        // Two frames per second: only the first of each second is kept.
        assert!(handle.sample(sample(t0 + i * 500, State::Upright, Some(1.0), None)));
    }
    assert!(handle.event(StoredEvent::new(t0 + 5_000, EventKind::Pause)));
    let health = handle.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(health.status, HealthStatus::Ok);
    assert_eq!(health.samples_written, 60);
    assert_eq!(health.events_written, 1);
    assert_eq!(health.warning(), None);
    let history = History::open(&fx.path).unwrap();
    assert_eq!(
        history.query().samples(t0, t0 + MS_PER_HOUR).unwrap().len(),
        60
    );
    let health = recorder.shutdown();
    assert_eq!(health.status, HealthStatus::Stopped);
    let sessions = history.query().sessions(0, i64::MAX).unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].clean_exit);
    assert!(sessions[0].end_ms >= sessions[0].start_ms);
    let names = thread_names.lock().unwrap();
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|n| n.as_deref() == Some("store-writer")),
        "{names:?}"
    );
}

#[test]
fn a_full_disk_warns_while_samples_keep_flowing() {
    let fx = fixture();
    let options = StoreOptions {
        max_size_bytes: Some(96 * 1024),
        ..StoreOptions::default()
    };
    let store = Store::open(&fx.path, &options).unwrap().store;
    let config = RecorderConfig {
        batch_interval: Duration::from_millis(50),
        ..RecorderConfig::default()
    };
    let recorder = Recorder::start(store, config).unwrap();
    let handle = recorder.handle();
    let padding = "x".repeat(2_000);
    let t0 = at(9, 0, 0);
    let mut became_full = None;
    for i in 0..2_000 {
        let started = std::time::Instant::now();
        handle.sample(sample(t0 + i * 1000, State::Upright, Some(1.0), None));
        handle.event(
            StoredEvent::new(t0 + i * 1000, EventKind::Prompt).with("pad", padding.as_str()),
        );
        assert!(
            started.elapsed() < Duration::from_millis(50),
            "never blocks"
        );
        if i % 20 == 0
            && let Some(health) = handle.flush(Duration::from_secs(5))
            && health.status == HealthStatus::DiskFull
        {
            became_full = Some(health);
            break;
        }
    }
    let health = became_full.expect("the size limit was reached");
    let warning = health.warning().unwrap();
    assert!(warning.contains("disk is full"), "{warning}");
    assert!(warning.contains("Monitoring goes on"), "{warning}");
    assert!(health.pending > 0);
    // Still accepting samples (kept in memory for a retry).
    assert!(handle.sample(sample(t0 + 10_000_000, State::Away, None, None)));
    drop(recorder);
    let history = History::open(&fx.path).unwrap();
    assert_eq!(history.integrity_check().unwrap(), ["ok"]);
}

// ---------------------------------------------------------------------------------------------
// Rollup and retention

#[test]
fn old_samples_roll_up_to_minutes_without_changing_the_day() {
    let fx = fixture();
    let mut store = open(&fx.path);
    write_scripted_day(&mut store);
    let before = store.query().day(day(), ZONE).unwrap();
    let now = at(12, 0, 0) + 4 * MS_PER_DAY;
    let done = store.maintain(now).unwrap();
    assert_eq!(done.samples_rolled_up, 100 * 60);
    assert_eq!(done.rows_expired, 0);
    assert_eq!(store.last_maintenance_ms().unwrap(), Some(now));
    let q = store.query();
    assert!(q.samples(0, i64::MAX).unwrap().is_empty());
    let minutes = q.minutes(0, i64::MAX).unwrap();
    assert_eq!(minutes.len(), 100);
    assert_eq!(minutes[0].state(), Some(State::Upright));
    assert_eq!(minutes[0].forward_head_dev_deg, Some(2.0));
    assert_eq!(minutes[0].rounded_shoulder_dev_deg, Some(1.0));
    assert_eq!(minutes[0].confidence, Some(0.9));
    let after = q.day(day(), ZONE).unwrap();
    assert_eq!(after.summary.durations, before.summary.durations);
    assert_eq!(after.summary.prompts, before.summary.prompts);
    assert_eq!(after.summary.longest_slouch, before.summary.longest_slouch);
    assert_eq!(after.summary.worst_hour, before.summary.worst_hour);
    assert_eq!(after.band(), before.band());
    assert_eq!(after.curve, before.curve);
    // Running it again is a no-op.
    assert_eq!(store.maintain(now).unwrap().samples_rolled_up, 0);
}

#[test]
fn a_partly_rolled_minute_merges_with_later_samples() {
    let fx = fixture();
    let mut store = open(&fx.path);
    let t = at(9, 0, 0);
    store
        .write(&run_of(t, t + 30_000, State::Upright, Some(2.0)), &[], None)
        .unwrap();
    store
        .maintain(t + 30_000 + 3 * MS_PER_DAY + MS_PER_MIN)
        .unwrap();
    // Late samples for the same minute, then another rollup.
    store
        .write(
            &run_of(t + 30_000, t + 60_000, State::Slouching, Some(6.0)),
            &[],
            None,
        )
        .unwrap();
    store.maintain(t + 10 * MS_PER_DAY).unwrap();
    let minutes = store.query().minutes(0, i64::MAX).unwrap();
    assert_eq!(minutes.len(), 1);
    assert_eq!(minutes[0].durations.get(State::Upright), 30_000);
    assert_eq!(minutes[0].durations.get(State::Slouching), 30_000);
    assert_eq!(minutes[0].forward_head_dev_deg, Some(4.0));
    assert_eq!(minutes[0].forward_head_n, 60);
}

#[test]
fn retention_deletes_what_is_older_than_the_setting() {
    let fx = fixture();
    let options = StoreOptions {
        retention_days: 30,
        ..StoreOptions::default()
    };
    let mut store = Store::open(&fx.path, &options).unwrap().store;
    write_scripted_day(&mut store);
    let id = store.begin_session(at(9, 0, 0)).unwrap();
    store.end_session(id, at(10, 40, 0)).unwrap();
    let day_after = |n| at(12, 0, 0) + n * MS_PER_DAY;
    assert_eq!(store.maintain(day_after(29)).unwrap().rows_expired, 0);
    let done = store.maintain(day_after(31)).unwrap();
    assert_eq!(done.rows_expired, 100 + 6 + 1, "minutes, events, session");
    assert_eq!(store.query().extent().unwrap(), None);
}

// ---------------------------------------------------------------------------------------------
// Queries, report, export

#[test]
fn the_day_view_has_band_curves_markers_and_summary() {
    let fx = fixture();
    let mut store = open(&fx.path);
    write_scripted_day(&mut store);
    let view = store.query().day(day(), ZONE).unwrap();
    let s = &view.summary;
    assert_eq!(s.date, day());
    assert_eq!(s.utc_offset_s, 3600);
    assert_eq!(s.durations.get(State::Upright), 45 * MS_PER_MIN);
    assert_eq!(s.durations.get(State::Slouching), 15 * MS_PER_MIN);
    assert_eq!(s.present_ms(), 65 * MS_PER_MIN);
    assert_eq!(s.monitored_ms(), 80 * MS_PER_MIN);
    assert_eq!(s.upright_share(), Some(45.0 / 65.0));
    let slouch = s.longest_slouch.unwrap();
    assert_eq!(
        (slouch.start_ms, slouch.end_ms),
        (at(9, 30, 0), at(9, 45, 0))
    );
    assert_eq!(
        (
            s.prompts,
            s.break_reminders,
            s.breaks,
            s.snoozes,
            s.camera_faults
        ),
        (1, 1, 1, 1, 1)
    );
    let worst = s.worst_hour.unwrap();
    assert_eq!(worst.local_hour, 9);
    assert_eq!(worst.slouching_share(), 15.0 / 45.0);
    let bands: Vec<_> = view
        .band()
        .iter()
        .map(|b| (ZONE.local_time(b.start_ms).hh_mm(), b.band))
        .collect();
    assert_eq!(
        bands,
        [
            ("09:00".to_string(), Band::Upright),
            ("09:30".to_string(), Band::Slouching),
            ("09:45".to_string(), Band::Away),
            ("10:00".to_string(), Band::Paused),
            ("10:10".to_string(), Band::NoCamera),
            ("10:20".to_string(), Band::Upright),
        ]
    );
    assert_eq!(
        view.spans.len(),
        7,
        "drifting is its own span within the upright band"
    );
    assert_eq!(view.curve.len(), 30 + 15 + 20);
    assert_eq!(view.curve[0].forward_head_dev_deg, Some(2.0));
    assert_eq!(view.curve[30].forward_head_dev_deg, Some(16.0));
    assert_eq!(view.curve[30].rounded_shoulder_dev_deg, Some(8.0));
    let kinds: Vec<_> = view.markers.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "prompt",
            "break_reminder",
            "break",
            "snooze",
            "camera_fault"
        ]
    );
    assert_eq!(view.markers[0].detail["exercise"], "chin_tuck");
    assert_eq!(view.hours.len(), 24);
    assert_eq!(view.hours[9].prompts, 1);
    assert_eq!(view.hours[9].breaks, 1);
}

#[test]
fn local_days_follow_the_zone() {
    let fx = fixture();
    let mut store = open(&fx.path);
    let plus2 = Zone::Fixed(2 * 3600);
    let midnight = plus2.day_start_ms(day());
    store
        .write(
            &[
                sample(midnight - 1000, State::Slouching, None, None),
                sample(midnight, State::Upright, None, None),
            ],
            &[StoredEvent::new(midnight - 1, EventKind::Prompt)],
            None,
        )
        .unwrap();
    let q = store.query();
    let today = q.day(day(), plus2).unwrap().summary;
    let yesterday = q.day(day().add_days(-1), plus2).unwrap().summary;
    assert_eq!(today.durations.get(State::Upright), 1000);
    assert_eq!(today.durations.get(State::Slouching), 0);
    assert_eq!((today.prompts, yesterday.prompts), (0, 1));
    assert_eq!(yesterday.durations.get(State::Slouching), 1000);
    // In UTC both seconds are on the 13th at 21:59:59 and 22:00:00.
    let utc = q.day(day().add_days(-1), Zone::UTC).unwrap().summary;
    assert_eq!(utc.durations.total_ms(), 2000);
    assert_eq!(
        q.overview(day(), 2, plus2).unwrap()[1].durations.total_ms(),
        1000
    );
}

#[test]
fn the_overview_has_one_bar_per_day() {
    let fx = fixture();
    let mut store = open(&fx.path);
    write_scripted_day(&mut store);
    // Two days earlier, rolled up.
    let earlier = at(9, 0, 0) - 2 * MS_PER_DAY;
    store
        .write(
            &run_of(earlier, earlier + 10 * MS_PER_MIN, State::Slouching, None),
            &[StoredEvent::new(earlier, EventKind::Prompt)],
            None,
        )
        .unwrap();
    store
        .maintain(earlier + 4 * MS_PER_DAY - MS_PER_HOUR)
        .unwrap();
    let bars = store.query().overview(day(), 7, ZONE).unwrap();
    assert_eq!(bars.len(), 7);
    assert_eq!(bars[0].date, day().add_days(-6));
    assert_eq!(bars[6].date, day());
    assert_eq!(bars[6].durations.get(State::Slouching), 15 * MS_PER_MIN);
    assert_eq!(bars[6].monitored_ms(), 80 * MS_PER_MIN);
    assert_eq!((bars[6].prompts, bars[6].breaks), (1, 1));
    assert_eq!(bars[4].durations.get(State::Slouching), 10 * MS_PER_MIN);
    assert_eq!(bars[4].prompts, 1);
    assert_eq!(bars[4].upright_share(), Some(0.0));
    assert_eq!(bars[5].durations.total_ms(), 0);
    assert_eq!(bars[5].upright_share(), None);
}

const EXPECTED_REPORT: &str = "\
Posture report for Saturday 2026-03-14 (UTC+01:00)

  Monitored       1 h 20 min  (at the desk 1 h 05 min, away 15 min)
  Not monitored   20 min  (paused 10 min, camera problem 10 min)
  Longest sitting 45 min, 09:00-09:45 without a break
  Upright         69 % of the time at the desk (slouching 15 min)
  Longest slouch  15 min, 09:30-09:45
  Prompts         1
  Breaks          1 taken, 1 reminders
  Other           1 snoozes, 1 camera faults, 0 recalibration suggestions
  Worst hour      09:00-10:00, 33 % of the time at the desk slouching
  Mean deviation  head forward 5.5 deg, shoulders rounded 2.8 deg

  Hour   :00    :30     Upright Slouching  Away  Paused Prompts Breaks
  09:00  |======###...|       30        15    15       -       1      1
  10:00  |pp!!~===    |       20         -     -      20       0      0

  One character per 5 minutes: = upright  ~ drifting  # slouching  . away
  p paused, snoozed or calibrating  ! camera problem  (blank) not recorded.
  Columns are minutes; upright includes drifting.
";

#[test]
fn the_report_prints_summary_and_hour_timeline() {
    let fx = fixture();
    let mut store = open(&fx.path);
    write_scripted_day(&mut store);
    let (summary, hours) = store.query().day_report(day(), ZONE).unwrap();
    let text = render_day_report(&summary, &hours);
    assert_eq!(text, EXPECTED_REPORT, "\n{text}");
    assert!(text.lines().all(|l| l.len() <= 80 && l.is_ascii()));
    let empty = store.query().day_report(day().add_days(1), ZONE).unwrap();
    let text = render_day_report(&empty.0, &empty.1);
    assert_eq!(
        text,
        "Posture report for Sunday 2026-03-15 (UTC+01:00)\n\nNothing was recorded on this day.\n"
    );
}

#[test]
fn exports_write_every_record_in_time_order() {
    let fx = fixture();
    let mut store = open(&fx.path);
    write_scripted_day(&mut store);
    let q = store.query();

    let mut csv = Vec::new();
    let counts = export_range(&q, day(), day(), ZONE, ExportFormat::Csv, &mut csv).unwrap();
    assert_eq!(
        (counts.samples, counts.minutes, counts.events),
        (100 * 60, 0, 6)
    );
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 6000 + 6);
    assert_eq!(lines[0], plumbline::store::export::CSV_HEADER);
    assert_eq!(
        lines[1],
        format!(
            "sample,{},2026-03-14T09:00:00.000+01:00,upright,1,2.0,1.0,0.9,,",
            at(9, 0, 0)
        )
    );
    let prompt = lines.iter().find(|l| l.contains(",prompt,")).unwrap();
    assert!(
        prompt.contains("\"\"exercise\"\":\"\"chin_tuck\"\""),
        "{prompt}"
    );

    let mut jsonl = Vec::new();
    export_range(
        &q,
        day().add_days(-1),
        day().add_days(1),
        ZONE,
        ExportFormat::JsonLines,
        &mut jsonl,
    )
    .unwrap();
    let records: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 6006);
    let times: Vec<i64> = records
        .iter()
        .map(|r| r["time_ms"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let event = records.iter().find(|r| r["kind"] == "snooze").unwrap();
    assert_eq!(event["detail"], json!({"minutes": 15}));
    assert_eq!(event["local_time"], "2026-03-14T10:00:00.000+01:00");

    // After rollup the same range exports minute rows.
    store.maintain(at(12, 0, 0) + 5 * MS_PER_DAY).unwrap();
    let mut jsonl = Vec::new();
    let counts = export_range(
        &store.query(),
        day(),
        day(),
        ZONE,
        ExportFormat::JsonLines,
        &mut jsonl,
    )
    .unwrap();
    assert_eq!((counts.samples, counts.minutes), (0, 100));
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(jsonl).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["record"], "minute");
    assert_eq!(first["state_seconds"], json!({"upright": 60}));

    let err = export_range(
        &store.query(),
        day(),
        day().add_days(-1),
        ZONE,
        ExportFormat::Csv,
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidRange { .. }), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The system zone across daylight-saving switches (child process with its own TZ)

/// Set in the child: run the DST checks under the TZ the parent chose.
const DST_CHILD_ENV: &str = "PLUMBLINE_STORE_DST_CHILD";

/// Not a test on its own: the checks the parent runs under `TZ` = central European rules.
#[test]
fn dst_child_checks() {
    if std::env::var(DST_CHILD_ENV).is_err() {
        return;
    }
    let spring = Date::new(2026, 3, 29).unwrap();
    let autumn = Date::new(2026, 10, 25).unwrap();
    let (start, end) = Zone::Local.day_range_ms(spring);
    assert_eq!(end - start, 23 * MS_PER_HOUR);
    assert_eq!(
        Zone::Local.local_time(start).rfc3339(),
        "2026-03-29T00:00:00.000+01:00"
    );
    assert_eq!(Zone::Local.local_time(end - 1).utc_offset_s, 7200);
    let (start, end) = Zone::Local.day_range_ms(autumn);
    assert_eq!(end - start, 25 * MS_PER_HOUR);
    let fx = fixture();
    let mut store = open(&fx.path);
    store
        .write(
            &[
                sample(start + 2 * MS_PER_HOUR, State::Upright, None, None),
                sample(start + 3 * MS_PER_HOUR, State::Slouching, None, None),
            ],
            &[],
            None,
        )
        .unwrap();
    let view = store.query().day(autumn, Zone::Local).unwrap();
    let labels: Vec<u8> = view.hours.iter().map(|h| h.local_hour).collect();
    assert_eq!(labels.len(), 25);
    assert_eq!(&labels[..5], [0, 1, 2, 2, 3], "02:00 happens twice");
    assert_eq!(view.hours[2].durations.get(State::Upright), 1000);
    assert_eq!(view.hours[3].durations.get(State::Slouching), 1000);
    println!("dst checks ran");
}

#[test]
fn local_days_are_23_or_25_hours_on_daylight_saving_switches() {
    // A POSIX rule, so no time-zone database is needed: CET, CEST from the last Sunday of
    // March 02:00 to the last Sunday of October 03:00.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "dst_child_checks",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(DST_CHILD_ENV, "1")
        .env("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
        .output()
        .unwrap();
    assert!(
        output.status.success()
            && String::from_utf8_lossy(&output.stdout).contains("dst checks ran"),
        "the checks under TZ=CET failed or did not run:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
