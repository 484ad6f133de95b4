//! The real app in a real window (under Xvfb) watching a video, its wall clock moved 8 hours
//! ahead while it runs with libfaketime (the monotonic clock untouched, as in a suspend): the
//! later seconds must be recorded at the later hour, in a second session.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use plumbline::clock::{MS_PER_HOUR, now_ms};
use plumbline::store::{EventKind, History};
use support::{fixture, plumbline};

const LIBFAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

#[test]
fn the_app_records_the_minutes_after_an_8_hour_jump_at_the_later_hour() {
    assert!(
        Path::new(LIBFAKETIME).exists(),
        "{LIBFAKETIME} is missing: install Debian's faketime package (scripts/setup.sh --test does)"
    );
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no display: run the tests under xvfb-run (scripts/test.sh does)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    let offset = home.join("faketime-offset");
    std::fs::write(&offset, "+0\n").expect("offset file");
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let started_ms = now_ms();
    let mut app = plumbline()
        .arg("--source")
        .arg(fixture("synth/sessions/H1_forward_head.mp4"))
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("LD_PRELOAD", LIBFAKETIME)
        .env("FAKETIME_TIMESTAMP_FILE", &offset)
        .env("FAKETIME_NO_CACHE", "1")
        .env("DONT_FAKE_MONOTONIC", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts");
    std::thread::sleep(Duration::from_secs(10));
    std::fs::write(&offset, "+8h\n").expect("offset file");
    std::thread::sleep(Duration::from_secs(10));
    let _ = Command::new("kill")
        .args(["-TERM", &app.id().to_string()])
        .status();
    let _ = app.wait();

    let history =
        History::open(&home.join("data/plumbline/history.sqlite3")).expect("the app's history");
    let query = history.query();
    let samples = query.samples(i64::MIN, i64::MAX).expect("samples");
    let (early, late): (Vec<i64>, Vec<i64>) = samples
        .iter()
        .map(|s| s.time_ms - started_ms)
        .partition(|&after| after < MS_PER_HOUR);
    assert!(early.len() >= 4, "{} seconds before the jump", early.len());
    assert!(late.len() >= 4, "{} seconds after the jump", late.len());
    for after in &late {
        assert!(
            (8 * MS_PER_HOUR..8 * MS_PER_HOUR + 60_000).contains(after),
            "a second recorded {after} ms after the start"
        );
    }
    let jumps: Vec<_> = query
        .events(i64::MIN, i64::MAX)
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == EventKind::ClockJump)
        .collect();
    assert_eq!(jumps.len(), 1, "{jumps:?}");
    let gap = jumps[0].detail["gap_ms"].as_i64().expect("gap_ms");
    assert!((gap - 8 * MS_PER_HOUR).abs() < 2_000, "gap {gap} ms");
    assert_eq!(
        query.sessions(i64::MIN, i64::MAX).expect("sessions").len(),
        2
    );
}
