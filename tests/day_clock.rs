//! The wall clock through the real pipeline (scripted camera, real pose model) and the real
//! store: a suspend (the wall clock 8 h ahead, the monotonic clock untouched), the clock set
//! back an hour, local midnight, and both daylight-saving switches under `TZ=Europe/Berlin`.
//! The clock is moved through the seam ([`ShiftedClock`]); everything else is real.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use image::RgbImage;
use plumbline::camera::{CameraDevice, CameraFault};
use plumbline::clock::{Date, MS_PER_HOUR, MS_PER_S, ShiftedClock, WallClock, Zone};
use plumbline::geometry::{Baseline, CameraIntrinsics, calibrate_needing};
use plumbline::models::ModelLocator;
use plumbline::pipeline::{LiveInput, PipelineMessage, StepOutput, spawn_with_clock};
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use plumbline::settings::Settings;
use plumbline::store::{
    EventKind, History, Recorder, RecorderConfig, Sample, Session, Store, StoreOptions, StoredEvent,
};
use plumbline::wiring::build_session;
use plumbline::wiring::record_step;
use support::{fixture, models_dir};

/// A camera that shows the same upright person at about 30 fps, with a little noise.
struct PortraitCamera {
    portrait: RgbImage,
    grabs: u32,
}

impl CameraDevice for PortraitCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        std::thread::sleep(Duration::from_millis(33));
        self.grabs += 1;
        let mut image = self.portrait.clone();
        let level = (self.grabs % 50) as u8;
        for y in 0..20 {
            for x in 0..20 {
                image.put_pixel(x, y, image::Rgb([level, level, level]));
            }
        }
        Ok(image)
    }

    fn close(&mut self) {}

    fn describe(&self) -> String {
        "portrait camera".to_string()
    }
}

fn portrait() -> RgbImage {
    image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8()
}

/// The portrait itself as the upright baseline.
fn baseline() -> Baseline {
    static BASELINE: OnceLock<Baseline> = OnceLock::new();
    BASELINE
        .get_or_init(|| {
            let locator = ModelLocator::in_dir(models_dir());
            let mut estimator =
                BlazePose::new(&locator, LandmarkModel::Lite, FrameMode::Stills).expect("engine");
            let image = portrait();
            let pose = estimator.estimate(&image, 0.0).expect("runs");
            let camera = CameraIntrinsics::new(image.width(), image.height());
            calibrate_needing(&[pose], &camera, 1).1.expect("baseline")
        })
        .clone()
}

/// What a run left: every step the pipeline produced and the history it recorded.
struct Recorded {
    outputs: Vec<StepOutput>,
    samples: Vec<Sample>,
    events: Vec<StoredEvent>,
    sessions: Vec<Session>,
    history: History,
    _dir: tempfile::TempDir,
}

/// Runs the pipeline for `seconds` on the portrait camera with `clock` as the wall clock,
/// applying each `(after_s, shift_ms)` to the clock when its time comes.
fn run(clock: &Arc<ShiftedClock>, seconds: f64, shifts: &[(f64, i64)]) -> Recorded {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let store = Store::open(&path, &StoreOptions::default())
        .expect("store opens")
        .store;
    let wall: Arc<dyn WallClock> = clock.clone();
    let recorder = Recorder::start(
        store,
        RecorderConfig {
            clock: Arc::clone(&wall),
            ..RecorderConfig::default()
        },
    )
    .expect("recorder starts");
    let settings = Settings {
        analysis_fps: 4.0,
        ..Settings::default()
    };
    let session = build_session(
        &ModelLocator::in_dir(models_dir()),
        &settings,
        LandmarkModel::Lite,
        FrameMode::Video,
        Some(baseline()),
        None,
        false,
    )
    .expect("session");
    let recording = recorder.handle();
    let (sender, receiver) = mpsc::channel();
    let camera = PortraitCamera {
        portrait: portrait(),
        grabs: 0,
    };
    let handle = spawn_with_clock(
        LiveInput::Device(Box::new(camera)),
        session,
        Some(wall),
        move |message| {
            if let PipelineMessage::Step { output, .. } = &message {
                record_step(&recording, output);
            }
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");
    let started = Instant::now();
    let mut pending: Vec<(f64, i64)> = shifts.to_vec();
    let mut outputs = Vec::new();
    while started.elapsed().as_secs_f64() < seconds {
        pending.retain(|&(after_s, shift_ms)| {
            let due = started.elapsed().as_secs_f64() >= after_s;
            if due {
                clock.shift_by(shift_ms);
            }
            !due
        });
        while let Ok(message) = receiver.try_recv() {
            match message {
                PipelineMessage::Step { output, .. } => outputs.push(*output),
                other => panic!("the pipeline stopped: {other:?}"),
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    handle.shutdown();
    outputs.extend(receiver.try_iter().filter_map(|message| match message {
        PipelineMessage::Step { output, .. } => Some(*output),
        _ => None,
    }));
    recorder.shutdown();
    let history = History::open(&path).expect("history opens");
    let (samples, events, sessions) = {
        let query = history.query();
        (
            query.samples(i64::MIN, i64::MAX).expect("samples"),
            query.events(i64::MIN, i64::MAX).expect("events"),
            query.sessions(i64::MIN, i64::MAX).expect("sessions"),
        )
    };
    Recorded {
        outputs,
        samples,
        events,
        sessions,
        history,
        _dir: dir,
    }
}

fn of_kind<'a>(events: &'a [StoredEvent], kind: &EventKind) -> Vec<&'a StoredEvent> {
    events.iter().filter(|e| &e.kind == kind).collect()
}

fn state_change_reasons(events: &[StoredEvent]) -> Vec<String> {
    of_kind(events, &EventKind::StateChange)
        .iter()
        .filter_map(|e| e.detail["reason"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn after_a_night_asleep_the_later_minutes_are_recorded_at_the_later_hour() {
    let clock = ShiftedClock::new();
    let eight_hours = 8 * MS_PER_HOUR;
    let t0 = clock.unix_ms();
    let run = run(&clock, 9.0, &[(4.5, eight_hours)]);

    // One jump, 8 h forward, noticed within a second of it.
    let jumps = of_kind(&run.events, &EventKind::ClockJump);
    assert_eq!(jumps.len(), 1, "{:?}", run.events);
    let gap = jumps[0].detail["gap_ms"].as_i64().expect("gap_ms");
    assert!((gap - eight_hours).abs() < 1_000, "gap {gap} ms");
    let before_end = jumps[0].time_ms;
    assert!(
        (before_end - (t0 + 4_500)).abs() < 1_500,
        "the time before the jump ended {} ms after the start",
        before_end - t0
    );

    // Two sessions: one ends where the time before the jump ended, the next starts 8 h on.
    assert_eq!(run.sessions.len(), 2, "{:?}", run.sessions);
    assert_eq!(run.sessions[0].end_ms, before_end);
    assert!((run.sessions[1].start_ms - before_end - gap).abs() < 10);
    assert!(run.sessions.iter().all(|s| s.clean_exit));

    // Every sample is either before the jump or 8 h later, and both sides have seconds.
    let (early, late): (Vec<&Sample>, Vec<&Sample>) =
        run.samples.iter().partition(|s| s.time_ms <= before_end);
    assert!(
        early.len() >= 3 && late.len() >= 3,
        "{} {}",
        early.len(),
        late.len()
    );
    for s in &late {
        let after_start = s.time_ms - t0;
        assert!(
            (eight_hours..eight_hours + 10_000).contains(&after_start),
            "a sample {after_start} ms after the start"
        );
    }
    let early_hour = Zone::Local.local_time(early[0].time_ms).hour;
    let late_hour = Zone::Local.local_time(late[0].time_ms).hour;
    assert_eq!(u32::from(late_hour), (u32::from(early_hour) + 8) % 24);

    // The monitor counted the night as time away: a break, and a fresh start.
    let reasons = state_change_reasons(&run.events);
    assert!(
        reasons.iter().any(|r| r == "time_unseen"),
        "state changes: {reasons:?}"
    );
    assert_eq!(of_kind(&run.events, &EventKind::Break).len(), 1);
    let after_jump: Vec<&StepOutput> = run
        .outputs
        .iter()
        .skip_while(|o| o.clock_jump.is_none())
        .collect();
    assert!(after_jump.len() > 3);
    assert_eq!(
        after_jump[0].wall.unix_ms,
        after_jump[0].clock_jump.unwrap().actual_ms
    );
    // The day's totals did not take the 8 h in: the monitor did not see them.
    let last = run.outputs.last().expect("outputs");
    assert!(
        last.status.totals.total_s() < 15.0,
        "{:?}",
        last.status.totals
    );
}

#[test]
fn the_clock_set_back_an_hour_starts_a_new_session_an_hour_earlier() {
    let clock = ShiftedClock::new();
    let t0 = clock.unix_ms();
    let run = run(&clock, 8.0, &[(4.0, -MS_PER_HOUR)]);

    let jumps = of_kind(&run.events, &EventKind::ClockJump);
    assert_eq!(jumps.len(), 1, "{:?}", run.events);
    let gap = jumps[0].detail["gap_ms"].as_i64().expect("gap_ms");
    assert!((gap + MS_PER_HOUR).abs() < 1_000, "gap {gap} ms");
    assert_eq!(run.sessions.len(), 2, "{:?}", run.sessions);
    let mut sessions = run.sessions.clone();
    sessions.sort_by_key(|s| s.id);
    assert!(sessions[1].start_ms < sessions[0].start_ms, "{sessions:?}");
    assert_eq!(sessions[0].end_ms, jumps[0].time_ms);

    // The seconds after the change are an hour before the start; nothing was lost.
    let (earlier, later): (Vec<&Sample>, Vec<&Sample>) = run
        .samples
        .iter()
        .partition(|s| s.time_ms < t0 - MS_PER_HOUR / 2);
    assert!(
        earlier.len() >= 3 && later.len() >= 3,
        "{} {}",
        earlier.len(),
        later.len()
    );
    for s in &earlier {
        let before = t0 - s.time_ms;
        assert!(
            (MS_PER_HOUR - 10_000..MS_PER_HOUR - 3_000).contains(&before),
            "{before}"
        );
    }
    // Setting the clock back is not time away.
    assert!(
        !state_change_reasons(&run.events)
            .iter()
            .any(|r| r == "time_unseen")
    );
    assert!(of_kind(&run.events, &EventKind::Break).is_empty());
}

/// Runs across the start of `date` in the local zone and checks that the totals start again
/// and that the store's two days each hold their own seconds.
fn check_midnight(date: Date) {
    let clock = ShiftedClock::new();
    let midnight = Zone::Local.day_start_ms(date);
    clock.set_to(midnight - 4_000);
    let run = run(&clock, 9.0, &[]);

    let (before, after): (Vec<&StepOutput>, Vec<&StepOutput>) = run
        .outputs
        .iter()
        .partition(|o| o.wall.unix_ms(o.time_s) < midnight);
    let last_before = before.last().expect("steps before midnight");
    let first_after = after.first().expect("steps after midnight");
    assert!(last_before.status.totals.total_s() >= 2.0);
    let since_midnight_s =
        (first_after.wall.unix_ms(first_after.time_s) - midnight) as f64 / 1000.0;
    assert!(
        first_after.status.totals.total_s() <= since_midnight_s + 0.01,
        "today's totals {:?} after {since_midnight_s} s of the day",
        first_after.status.totals
    );
    let last = run.outputs.last().expect("outputs");
    let day_s = (last.wall.unix_ms(last.time_s) - midnight) as f64 / 1000.0;
    assert!((last.status.totals.total_s() - day_s).abs() < 0.6);

    let query = run.history.query();
    let yesterday = query.day(date.add_days(-1), Zone::Local).expect("day");
    let today = query.day(date, Zone::Local).expect("day");
    let recorded = |view: &plumbline::store::DayView| view.summary.durations.total_ms();
    assert!(
        (2_000..=5_000).contains(&recorded(&yesterday)),
        "{}",
        recorded(&yesterday)
    );
    assert!(
        (3_000..=6_000).contains(&recorded(&today)),
        "{}",
        recorded(&today)
    );
    assert!(run.samples.iter().all(|s| s.time_ms % MS_PER_S == 0));
}

#[test]
fn at_local_midnight_the_day_starts_again() {
    check_midnight(Date::new(2026, 12, 3).expect("a date"));
}

// ---------------------------------------------------------------------------------------------
// Daylight-saving switches, in a child process whose zone is Europe/Berlin

const BERLIN_CHILD_ENV: &str = "PLUMBLINE_DAY_CLOCK_BERLIN_CHILD";

/// Runs across a daylight-saving switch at `local` (`+01:00` or `+02:00` given) and returns
/// the local hours of the day view that hold recorded seconds.
fn hours_recorded_across(local: &str, date: Date) -> (Vec<u8>, usize, f64) {
    let clock = ShiftedClock::new();
    let start: jiff::Timestamp = local.parse().expect("a time");
    clock.set_to(start.as_millisecond());
    let run = run(&clock, 8.0, &[]);
    let view = run.history.query().day(date, Zone::Local).expect("day");
    let hours = view
        .hours
        .iter()
        .filter(|h| h.durations.total_ms() > 0)
        .map(|h| h.local_hour)
        .collect();
    let last = run.outputs.last().expect("outputs");
    (hours, view.hours.len(), last.status.totals.total_s())
}

/// Not a test on its own: the checks the parent runs with `TZ=Europe/Berlin`.
#[test]
fn berlin_child_checks() {
    if std::env::var(BERLIN_CHILD_ENV).is_err() {
        return;
    }
    // Spring: 01:59:57 +01:00, then 03:00 +02:00; 23 hours in the day.
    let spring = Date::new(2026, 3, 29).expect("a date");
    let (hours, day_hours, totals_s) = hours_recorded_across("2026-03-29T01:59:57+01:00", spring);
    assert_eq!(day_hours, 23);
    assert_eq!(hours, [1, 3], "spring");
    assert!(
        totals_s > 6.0,
        "the totals restarted at the switch: {totals_s}"
    );
    // Autumn: 02:59:57 +02:00, then 02:00 again at +01:00; 25 hours in the day.
    let autumn = Date::new(2026, 10, 25).expect("a date");
    let (hours, day_hours, totals_s) = hours_recorded_across("2026-10-25T02:59:57+02:00", autumn);
    assert_eq!(day_hours, 25);
    assert_eq!(hours, [2, 2], "autumn: both 02:00 hours");
    assert!(
        totals_s > 6.0,
        "the totals restarted at the switch: {totals_s}"
    );
    // Midnight in Berlin too.
    check_midnight(Date::new(2026, 3, 30).expect("a date"));
    println!("berlin checks ran");
}

#[test]
fn daylight_saving_switches_in_berlin_keep_the_day_and_its_hours() {
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "berlin_child_checks",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(BERLIN_CHILD_ENV, "1")
        .env("TZ", "Europe/Berlin")
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("berlin checks ran"),
        "the checks under TZ=Europe/Berlin failed or did not run:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
