//! A simulated 24-hour day through the real session (geometry, state machine, coach) and the
//! real store: work, a locked lunch, a video call, suspend overnight, the next morning. Time
//! is passed in (one frame a second), so a day runs in seconds; the wall clock is the
//! session's anchor, moved by a clock jump at the suspend as the pipeline would. The store is
//! then checked minute by minute against the day simulated, and both days' reports printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod synthetic_body;
}

use image::RgbImage;
use plumbline::clock::{ClockAnchor, ClockJump, Date, MS_PER_HOUR, MS_PER_MIN, MS_PER_S, Zone};
use plumbline::coach::Coach;
use plumbline::geometry::{CameraIntrinsics, Thresholds, calibrate};
use plumbline::monitor::{HoldReason, Monitor, MonitorConfig};
use plumbline::pipeline::{Session, SessionCommand, SessionSettings};
use plumbline::pose::Pose;
use plumbline::source::Frame;
use plumbline::store::{
    PauseCause, Recorder, RecorderConfig, State, Store, StoreOptions, render_day_report,
};
use plumbline::wiring::record_step;
use support::synthetic_body::{
    Noise, Posture, Rng, UprightEstimator, bodies, laptop_camera, pose_body, render,
};

const ZONE: Zone = Zone::Fixed(3600);
const HOUR_S: f64 = 3600.0;

#[test]
fn a_day_with_lunch_a_call_and_a_night_asleep_lands_minute_by_minute() {
    let body = bodies().remove(0);
    let camera = laptop_camera(&body, 0.6, 0.15, 10.0, 65.0);
    let intrinsics =
        CameraIntrinsics::new(camera.width, camera.height).with_hfov(camera.hfov_deg as f32);
    let mut rng = Rng::new(7);
    let upright = pose_body(&body, &Posture::default());
    let calibration: Vec<Option<Pose>> = (0..50)
        .map(|_| Some(render(&body, &upright, &camera, Noise::REALISTIC, &mut rng)))
        .collect();
    let baseline = calibrate(&calibration, &intrinsics).expect("calibration");
    let mut session = Session::new(
        Box::new(UprightEstimator {
            body,
            camera,
            rng: Rng::new(8),
        }),
        SessionSettings {
            base_fps: 1.0,
            skip_unchanged: false,
            keep_preview: false,
            thresholds: Thresholds::default(),
            baseline_path: None,
            zone: ZONE,
        },
        Some(baseline),
        Monitor::new(MonitorConfig::default()).expect("monitor"),
        Coach::builtin().expect("coach"),
        0.0,
    );
    // Session time 0 is 08:00 local (+01:00) on Wednesday 2 December 2026.
    let day1 = Date::new(2026, 12, 2).expect("a date");
    let day2 = day1.add_days(1);
    let eight = ZONE.day_start_ms(day1) + 8 * MS_PER_HOUR;
    session.set_wall_anchor(ClockAnchor {
        monitor_s: 0.0,
        unix_ms: eight,
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    let store = Store::open(&path, &StoreOptions::default())
        .expect("store")
        .store;
    let recorder = Recorder::start(store, RecorderConfig::default()).expect("recorder");
    let handle = recorder.handle();
    let image = RgbImage::new(8, 8);
    let mut index = 0;
    let mut work = |session: &mut Session, from_s: f64, to_s: f64| {
        let mut t = from_s;
        while t < to_s {
            let frame = Frame {
                image: image.clone(),
                time_s: t,
                index,
            };
            index += 1;
            if let Some(output) = session.on_frame(&frame).expect("frame") {
                record_step(&handle, &output);
            }
            t += 1.0;
        }
    };
    let held = |session: &mut Session, reason: HoldReason, from_s: f64, to_s: f64| {
        record_step(
            &handle,
            &session.on_command(SessionCommand::Hold(reason), from_s),
        );
        let mut t = from_s + 1.0;
        while t < to_s {
            record_step(&handle, &session.on_quiet(t));
            t += 1.0;
        }
        record_step(
            &handle,
            &session.on_command(SessionCommand::Release(reason), to_s),
        );
    };

    work(&mut session, 0.0, 4.0 * HOUR_S); // 08:00-12:00
    held(
        &mut session,
        HoldReason::ScreenLocked,
        4.0 * HOUR_S,
        5.0 * HOUR_S,
    ); // lunch
    work(&mut session, 5.0 * HOUR_S, 7.0 * HOUR_S); // 13:00-15:00
    held(
        &mut session,
        HoldReason::CameraInUse,
        7.0 * HOUR_S,
        8.0 * HOUR_S,
    ); // a call
    work(&mut session, 8.0 * HOUR_S, 10.0 * HOUR_S); // 16:00-18:00
    // 18:00: logind announces sleep; the machine wakes at 08:00; the monotonic clock did
    // not move meanwhile.
    let sleep_s = 10.0 * HOUR_S;
    let handle2 = recorder.handle();
    record_step(
        &handle2,
        &session.on_command(SessionCommand::Hold(HoldReason::Asleep), sleep_s),
    );
    let asleep_from = eight + 10 * MS_PER_HOUR;
    let wake = ZONE.day_start_ms(day2) + 8 * MS_PER_HOUR;
    let jump = ClockJump {
        at_s: sleep_s + 0.5,
        expected_ms: asleep_from + 500,
        actual_ms: wake,
    };
    let woke = session.on_clock_jump(jump);
    assert_eq!(woke.status.totals.total_s(), 0.0, "a new day's totals");
    record_step(&handle2, &woke);
    record_step(
        &handle2,
        &session.on_command(SessionCommand::Release(HoldReason::Asleep), sleep_s + 0.5),
    );
    work(&mut session, sleep_s + 1.0, sleep_s + 1.0 + HOUR_S); // 08:00-09:00 next day
    drop(handle);
    drop(handle2);
    recorder.shutdown();

    let history = plumbline::store::History::open(&path).expect("history");
    let query = history.query();
    // Minute by minute: what each local minute of both days should hold.
    let expected = |minute_ms: i64| -> Option<State> {
        let hour = (minute_ms - ZONE.day_start_ms(ZONE.date_of(minute_ms))) / MS_PER_HOUR;
        let on_day1 = ZONE.date_of(minute_ms) == day1;
        match (on_day1, hour) {
            (true, 8..=11 | 13..=14 | 16..=17) => Some(State::Upright),
            (true, 12 | 15) => Some(State::Paused),
            (false, 8) => Some(State::Upright),
            _ => None,
        }
    };
    let samples = query
        .samples(ZONE.day_start_ms(day1), ZONE.day_start_ms(day2.add_days(1)))
        .expect("samples");
    let mut by_minute: std::collections::BTreeMap<i64, Vec<State>> = Default::default();
    for sample in &samples {
        by_minute
            .entry(sample.time_ms.div_euclid(MS_PER_MIN) * MS_PER_MIN)
            .or_default()
            .push(sample.state);
    }
    let mut wrong = Vec::new();
    let mut minute = ZONE.day_start_ms(day1);
    while minute < ZONE.day_start_ms(day2.add_days(1)) {
        let in_minute = by_minute.get(&minute).cloned().unwrap_or_default();
        let majority = State::ALL
            .into_iter()
            .max_by_key(|&state| in_minute.iter().filter(|&&s| s == state).count())
            .filter(|_| !in_minute.is_empty());
        let want = expected(minute);
        let full = in_minute.len() as i64 >= 59;
        // 18:00: the second the sleep was announced, recorded as paused, then nothing.
        let sleep_minute = minute == asleep_from && majority == Some(State::Paused);
        if !sleep_minute && (majority != want || (want.is_some() && !full)) {
            wrong.push(format!(
                "{}: {} samples, mostly {majority:?}, expected {want:?}",
                ZONE.local_time(minute).rfc3339(),
                in_minute.len()
            ));
        }
        minute += MS_PER_MIN;
    }
    assert!(
        wrong.is_empty(),
        "{} minutes wrong: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );

    // The reports say why monitoring paused.
    let (summary1, hours1) = query.day_report(day1, ZONE).expect("report");
    let causes: Vec<(PauseCause, String, String)> = summary1
        .pauses
        .iter()
        .map(|p| {
            (
                p.cause,
                ZONE.local_time(p.start_ms).hh_mm(),
                ZONE.local_time(p.end_ms).hh_mm(),
            )
        })
        .collect();
    assert_eq!(
        causes,
        [
            (PauseCause::ScreenLocked, "12:00".into(), "13:00".into()),
            (PauseCause::CameraInUse, "15:00".into(), "16:00".into()),
            (PauseCause::Asleep, "18:00".into(), "00:00".into()),
        ]
    );
    // Eight hours of work; the seconds of the hand-overs (lock, call) may go either way.
    let upright1 = summary1.durations.get(State::Upright);
    assert!(
        (8 * MS_PER_HOUR - 3 * MS_PER_S..=8 * MS_PER_HOUR).contains(&upright1),
        "{upright1}"
    );
    // The morning was the longest stretch at the desk: the lunch break ended it.
    let sitting = summary1.longest_sitting.expect("a stretch at the desk");
    assert_eq!(
        (
            ZONE.local_time(sitting.start_ms).hh_mm(),
            ZONE.local_time(sitting.end_ms).hh_mm()
        ),
        ("08:00".to_string(), "12:00".to_string())
    );
    // The locked lunch and the hour-long call are breaks from the desk; the night is the
    // next day's first.
    assert_eq!(summary1.breaks, 2, "{summary1:?}");
    let (summary2, hours2) = query.day_report(day2, ZONE).expect("report");
    assert_eq!(summary2.breaks, 1);
    // The second of the wake-up itself is still paused.
    let upright2 = summary2.durations.get(State::Upright);
    assert!(
        (MS_PER_HOUR - 2 * MS_PER_S..=MS_PER_HOUR).contains(&upright2),
        "{upright2}"
    );
    assert!(summary2.durations.total_ms() <= MS_PER_HOUR + 2 * MS_PER_S);
    println!("{}", render_day_report(&summary1, &hours1));
    println!("{}", render_day_report(&summary2, &hours2));
}
