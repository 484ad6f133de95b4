//! Long synthetic timelines through the posture state machine: hours of frames at 2–5 fps,
//! run in milliseconds, checking persistence, hysteresis, away, snooze, escalation, breaks,
//! stale baselines, second persons, camera faults and pause.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plumbline::monitor::{
    BreakSource, CameraFaultKind, Control, Event, Input, Monitor, MonitorConfig, MonitorState,
    Observation, Prompt, PromptKind, Reason, RecalibrateReason, SubjectBox,
};
use plumbline::verdict::Verdict;

const MINUTE: f64 = 60.0;
const HOUR: f64 = 3600.0;

/// Where the calibrated user sits in the fixtures.
const USER: SubjectBox = SubjectBox {
    center_x: 0.5,
    center_y: 0.55,
    size: 0.4,
};

/// A passer-by: off to the side and smaller.
const STRANGER: SubjectBox = SubjectBox {
    center_x: 0.9,
    center_y: 0.5,
    size: 0.2,
};

/// How to make a frame at a time.
type Make = Box<dyn Fn(f64) -> Observation>;

fn v(verdict: Verdict) -> Make {
    Box::new(move |t| Observation::new(t, verdict))
}

fn head(verdict: Verdict, deg: f32) -> Make {
    Box::new(move |t| Observation {
        forward_head_dev_deg: Some(deg),
        ..Observation::new(t, verdict)
    })
}

fn at(subject: SubjectBox, verdict: Verdict) -> Make {
    Box::new(move |t| Observation {
        subject: Some(subject),
        ..Observation::new(t, verdict)
    })
}

/// A monitor, a clock and everything it said: the fixture every test starts from.
struct Run {
    monitor: Monitor,
    t: f64,
    fps: f64,
    events: Vec<Event>,
    inputs: Vec<Input>,
}

impl Run {
    /// Calibrated at t = 0 with the default settings, 2 fps.
    fn new() -> Run {
        Run::with(MonitorConfig::default(), None)
    }

    fn with(config: MonitorConfig, subject: Option<SubjectBox>) -> Run {
        let mut run = Run {
            monitor: Monitor::new(config).unwrap(),
            t: 0.0,
            fps: 2.0,
            events: Vec::new(),
            inputs: Vec::new(),
        };
        run.control(Control::CalibrationFinished { subject });
        // Tests look at what happens after calibration.
        run.events.clear();
        run
    }

    fn fps(mut self, fps: f64) -> Run {
        self.fps = fps;
        self
    }

    fn input(&mut self, input: Input) -> Vec<Event> {
        let events = self.monitor.step(&input);
        self.inputs.push(input);
        self.events.extend(events.iter().cloned());
        events
    }

    /// Frames from `make` for `secs` seconds; the clock ends `secs` later.
    fn frames(&mut self, secs: f64, make: &Make) -> Vec<Event> {
        let start = self.t;
        let n = (secs * self.fps).round() as i64;
        let mut events = Vec::new();
        for i in 0..n {
            let t = start + i as f64 / self.fps;
            events.extend(self.input(Input::Frame(make(t))));
        }
        self.t = start + secs;
        events
    }

    /// Alternates frames from `a` and `b` for `secs` seconds.
    fn alternate(&mut self, secs: f64, a: &Make, b: &Make) -> Vec<Event> {
        let start = self.t;
        let n = (secs * self.fps).round() as i64;
        let mut events = Vec::new();
        for i in 0..n {
            let t = start + i as f64 / self.fps;
            let make = if i % 2 == 0 { a } else { b };
            events.extend(self.input(Input::Frame(make(t))));
        }
        self.t = start + secs;
        events
    }

    /// Time passes with no frames (camera off), ticking once a second.
    fn idle(&mut self, secs: f64) -> Vec<Event> {
        let start = self.t;
        let mut events = Vec::new();
        for i in 1..=(secs.round() as i64) {
            events.extend(self.input(Input::Tick {
                time_s: start + i as f64,
            }));
        }
        self.t = start + secs;
        events
    }

    /// Brings the monitor's clock up to the fixture's (after the last frame of a stretch).
    fn catch_up(&mut self) -> Vec<Event> {
        let time_s = self.t;
        self.input(Input::Tick { time_s })
    }

    fn control(&mut self, control: Control) -> Vec<Event> {
        let time_s = self.t;
        self.input(Input::Control { time_s, control })
    }

    fn state(&self) -> MonitorState {
        self.monitor.state()
    }
}

fn prompts(events: &[Event], kind: PromptKind) -> Vec<Prompt> {
    events
        .iter()
        .filter_map(Event::as_prompt)
        .filter(|p| p.kind == kind)
        .cloned()
        .collect()
}

fn states(events: &[Event]) -> Vec<MonitorState> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn persistence_needs_the_full_delay_at_every_frame_rate() {
    // (seconds of forward head, expected prompt)
    let cases = [(10.0, false), (29.0, false), (31.0, true), (300.0, true)];
    for fps in [2.0, 3.0, 5.0] {
        for (secs, expect) in cases {
            let mut run = Run::new().fps(fps);
            run.frames(60.0, &v(Verdict::Upright));
            let events = run.frames(secs, &v(Verdict::ForwardHead));
            run.frames(60.0, &v(Verdict::Upright));
            let posture = prompts(&events, PromptKind::Posture);
            assert_eq!(!posture.is_empty(), expect, "fps {fps}, {secs} s bad");
            if expect {
                let first = &posture[0];
                assert!(close(first.at_s, 90.0), "fps {fps}: at {}", first.at_s);
                assert_eq!(first.level, 1);
                assert!(close(first.lasted_s, 30.0), "{}", first.lasted_s);
                assert_eq!(first.fault, Some(plumbline::monitor::Fault::ForwardHead));
            }
        }
    }
}

#[test]
fn brief_dropouts_delay_but_do_not_reset_persistence() {
    // (name, pattern of (seconds, verdict) after a minute upright, expected first prompt time)
    type Pattern = Vec<(f64, Verdict)>;
    let cases: [(&str, Pattern, Option<f64>); 5] = [
        (
            "3 s upright inside the window",
            vec![
                (20.0, Verdict::Slouch),
                (3.0, Verdict::Upright),
                (30.0, Verdict::Slouch),
            ],
            // 20 s evidence, 3 s leaked away, 13 s more after the dropout.
            Some(60.0 + 20.0 + 3.0 + 13.0),
        ),
        (
            "4 s low confidence inside the window",
            vec![
                (20.0, Verdict::Slouch),
                (4.0, Verdict::LowConfidence),
                (30.0, Verdict::Slouch),
            ],
            // Low confidence holds the evidence: 10 s more after the dropout.
            Some(60.0 + 20.0 + 4.0 + 10.0),
        ),
        (
            "looking down inside the window",
            vec![
                (25.0, Verdict::Leaning),
                (2.0, Verdict::LookingDown),
                (30.0, Verdict::Leaning),
            ],
            Some(60.0 + 25.0 + 2.0 + 7.0),
        ),
        (
            "mostly upright never persists",
            [(1.0, Verdict::ForwardHead), (1.5, Verdict::Upright)].repeat(200),
            None,
        ),
        (
            "mostly bad persists in the end",
            [(2.0, Verdict::ForwardHead), (1.0, Verdict::Upright)].repeat(100),
            // Net +1 s per 3 s cycle: 28 cycles give 28 s, then 2 s more.
            Some(60.0 + 28.0 * 3.0 + 2.0),
        ),
    ];
    for (name, pattern, expected) in cases {
        let mut run = Run::new();
        run.frames(60.0, &v(Verdict::Upright));
        for (secs, verdict) in pattern {
            run.frames(secs, &v(verdict));
        }
        let posture = prompts(&run.events, PromptKind::Posture);
        match expected {
            Some(t) => {
                assert!(!posture.is_empty(), "{name}: no prompt");
                assert!(close(posture[0].at_s, t), "{name}: at {}", posture[0].at_s);
            }
            None => assert!(posture.is_empty(), "{name}: {posture:?}"),
        }
    }
}

#[test]
fn hysteresis_keeps_slouching_between_exit_and_entry_thresholds() {
    // Entry 8°, exit 5.6°.
    let mut run = Run::new();
    // Upright by verdict with 7° is not a fault on the way in.
    let events = run.frames(10.0 * MINUTE, &head(Verdict::Upright, 7.0));
    assert!(states(&events).is_empty(), "{events:?}");
    // 9° is, even with an upright verdict.
    run.frames(40.0, &head(Verdict::Upright, 9.0));
    assert_eq!(run.state(), MonitorState::Slouching);
    // Back to 7°: between the thresholds, so still slouching, and the repeat still comes.
    let events = run.frames(10.0 * MINUTE, &head(Verdict::Upright, 7.0));
    assert_eq!(run.state(), MonitorState::Slouching);
    assert!(states(&events).is_empty(), "{events:?}");
    assert_eq!(prompts(&events, PromptKind::Posture).len(), 2);
    // Below the exit threshold for 5 s ends it.
    let events = run.frames(10.0, &head(Verdict::Upright, 4.0));
    assert_eq!(states(&events), vec![MonitorState::Upright]);
    assert_eq!(run.state(), MonitorState::Upright);
}

#[test]
fn exit_needs_the_hold_without_interruption() {
    // (upright seconds between bad stretches, expected to leave slouching)
    for (hold, leaves) in [(2.0, false), (4.5, false), (5.5, true), (30.0, true)] {
        let mut run = Run::new();
        run.frames(40.0, &v(Verdict::Slouch));
        let events = run.frames(hold, &v(Verdict::Upright));
        run.frames(5.0, &v(Verdict::Slouch));
        assert_eq!(
            states(&events).contains(&MonitorState::Upright),
            leaves,
            "{hold} s upright"
        );
    }
}

#[test]
fn away_pauses_persistence_and_repeat_timers() {
    let mut run = Run::new();
    run.frames(20.0, &v(Verdict::ForwardHead));
    let events = run.frames(60.0, &v(Verdict::NoPerson));
    assert_eq!(states(&events), vec![MonitorState::Away]);
    let events = run.frames(15.0, &v(Verdict::ForwardHead));
    // Back as drifting (the evidence was kept), then 10 s more makes 30.
    assert_eq!(
        states(&events),
        vec![MonitorState::Drifting, MonitorState::Slouching]
    );
    let first = prompts(&events, PromptKind::Posture);
    assert_eq!(first.len(), 1);
    assert!(close(first[0].at_s, 90.0), "{}", first[0].at_s);

    // Repeat: 4 min of slouching, 2 min away, 1 min back: the repeat comes after 5 min of
    // slouching counted, not 5 min of clock.
    run.frames(4.0 * MINUTE - 5.0, &v(Verdict::ForwardHead));
    let away = run.frames(2.0 * MINUTE, &v(Verdict::NoPerson));
    assert!(prompts(&away, PromptKind::Posture).is_empty());
    let back = run.frames(2.0 * MINUTE, &v(Verdict::ForwardHead));
    let repeat = prompts(&back, PromptKind::Posture);
    assert_eq!(repeat.len(), 1, "{back:?}");
    assert!(
        close(repeat[0].at_s, 90.0 + 7.0 * MINUTE),
        "{}",
        repeat[0].at_s
    );
    assert_eq!(repeat[0].level, 2);
}

#[test]
fn snooze_suppresses_then_monitoring_resumes() {
    for minutes in [15u32, 30, 60, 7] {
        let mut run = Run::new();
        run.frames(40.0, &v(Verdict::Slouch));
        assert_eq!(prompts(&run.events, PromptKind::Posture).len(), 1);
        let snoozed_at = run.t;
        let events = run.control(Control::Snooze { minutes });
        assert_eq!(states(&events), vec![MonitorState::Snoozed]);
        let snooze_s = f64::from(minutes) * MINUTE;
        let during = run.frames(snooze_s - 1.0, &v(Verdict::Slouch));
        assert!(during.is_empty(), "{minutes} min: {during:?}");
        let after = run.frames(2.0 * MINUTE, &v(Verdict::Slouch));
        match after.first() {
            Some(Event::SnoozeEnded { at_s, early: false }) => {
                assert!(close(*at_s, snoozed_at + snooze_s), "{at_s}")
            }
            other => panic!("{minutes} min: {other:?}"),
        }
        // Monitoring starts afresh: upright, then 30 s of slouch before a level-1 prompt.
        assert_eq!(
            states(&after)[..3],
            [
                MonitorState::Upright,
                MonitorState::Drifting,
                MonitorState::Slouching
            ]
        );
        let resumed = prompts(&after, PromptKind::Posture);
        assert!(close(resumed[0].at_s, snoozed_at + snooze_s + 30.0));
        assert_eq!(resumed[0].level, 1);
        assert!(close(run.monitor.totals().snoozed_s, snooze_s));
    }
}

#[test]
fn snooze_ends_on_time_with_ticks_and_early_on_resume() {
    let mut run = Run::new();
    run.control(Control::Snooze { minutes: 15 });
    let events = run.idle(16.0 * MINUTE);
    assert!(matches!(
        events.first(),
        Some(Event::SnoozeEnded { at_s, early: false }) if close(*at_s, 15.0 * MINUTE)
    ));
    run.control(Control::Snooze { minutes: 60 });
    run.idle(MINUTE);
    let events = run.control(Control::Resume);
    assert!(matches!(
        events.first(),
        Some(Event::SnoozeEnded { early: true, .. })
    ));
}

#[test]
fn escalation_climbs_every_repeat_and_caps() {
    // (max escalation, expected levels over an hour of slouching)
    let cases = [
        (1u8, vec![1u8; 12]),
        (3, vec![1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]),
        (5, vec![1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5]),
    ];
    for (max_escalation, expected) in cases {
        let config = MonitorConfig {
            max_escalation,
            // Keep break reminders out of the count.
            break_interval_s: 2.0 * HOUR,
            ..MonitorConfig::default()
        };
        let mut run = Run::with(config, None).fps(4.0);
        run.frames(HOUR, &v(Verdict::ForwardHead));
        let posture = prompts(&run.events, PromptKind::Posture);
        let levels: Vec<u8> = posture.iter().map(|p| p.level).collect();
        assert_eq!(levels, expected, "max {max_escalation}");
        for (i, p) in posture.iter().enumerate() {
            assert!(close(p.at_s, 30.0 + 300.0 * i as f64), "{i}: {}", p.at_s);
        }
        assert_eq!(run.monitor.totals().posture_prompts, 12);
        assert_eq!(run.monitor.totals().slouch_episodes, 1);
    }
}

#[test]
fn repeat_interval_is_configurable() {
    for repeat in [120.0, 300.0, 900.0] {
        let config = MonitorConfig {
            repeat_interval_s: repeat,
            break_interval_s: 2.0 * HOUR,
            ..MonitorConfig::default()
        };
        let mut run = Run::with(config, None);
        run.frames(HOUR, &v(Verdict::Slouch));
        let times: Vec<f64> = prompts(&run.events, PromptKind::Posture)
            .iter()
            .map(|p| p.at_s)
            .collect();
        let expected = 1 + ((HOUR - 30.0) / repeat).floor() as usize;
        assert_eq!(times.len(), expected, "repeat {repeat}");
        for pair in times.windows(2) {
            assert!(close(pair[1] - pair[0], repeat), "{pair:?}");
        }
    }
}

#[test]
fn acknowledging_holds_the_level_and_an_exercise_resets_it() {
    let mut run = Run::new();
    run.frames(40.0, &v(Verdict::Slouch)); // level 1 at 30 s
    run.frames(5.0 * MINUTE, &v(Verdict::Slouch)); // level 2 at 330 s
    run.control(Control::Acknowledged {
        kind: PromptKind::Posture,
    });
    run.frames(5.0 * MINUTE + 10.0, &v(Verdict::Slouch)); // held at 2
    run.control(Control::ExerciseDone {
        kind: PromptKind::Posture,
    });
    run.frames(5.0 * MINUTE + 10.0, &v(Verdict::Slouch)); // back to 1
    run.frames(5.0 * MINUTE, &v(Verdict::Slouch)); // climbs to 2
    let levels: Vec<u8> = prompts(&run.events, PromptKind::Posture)
        .iter()
        .map(|p| p.level)
        .collect();
    assert_eq!(levels, vec![1, 2, 2, 1, 2]);
    assert_eq!(run.monitor.totals().exercises_done, 1);
}

#[test]
fn prompts_across_flip_flopping_episodes_keep_a_minimum_gap() {
    let mut run = Run::new();
    run.frames(31.0, &v(Verdict::Slouch)); // prompt at 30
    run.frames(6.0, &v(Verdict::Upright)); // recovered at 36
    run.frames(60.0, &v(Verdict::Slouch)); // slouching again at 67, but gap until 30 + 60
    let posture = prompts(&run.events, PromptKind::Posture);
    assert_eq!(posture.len(), 2);
    assert!(close(posture[1].at_s, 90.0), "{}", posture[1].at_s);
    assert_eq!(posture[1].level, 1);
    assert_eq!(run.monitor.totals().slouch_episodes, 2);
}

#[test]
fn break_reminders_repeat_escalate_and_reset_after_a_break() {
    let mut run = Run::new();
    run.frames(80.0 * MINUTE, &v(Verdict::Upright));
    let breaks = prompts(&run.events, PromptKind::Break);
    let got: Vec<(f64, u8)> = breaks.iter().map(|p| (p.at_s, p.level)).collect();
    let expected = [
        (45.0 * MINUTE, 1),
        (55.0 * MINUTE, 2),
        (65.0 * MINUTE, 3),
        (75.0 * MINUTE, 3),
    ];
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((t, level), (et, el)) in got.iter().zip(expected) {
        assert!(close(*t, et) && *level == el, "{got:?}");
    }
    assert_eq!(breaks[0].fault, Some(plumbline::monitor::Fault::StaticLoad));
    assert!(breaks.iter().all(|p| close(p.lasted_s, p.at_s)));

    // Three minutes away is a break: the counter starts again.
    let away = run.frames(3.0 * MINUTE + 5.0, &v(Verdict::NoPerson));
    assert!(away.contains(&Event::BreakTaken {
        at_s: 80.0 * MINUTE + 3.0 * MINUTE,
        source: BreakSource::Away,
    }));
    let back = run.frames(44.0 * MINUTE, &v(Verdict::Upright));
    assert!(prompts(&back, PromptKind::Break).is_empty());
    let later = run.frames(2.0 * MINUTE, &v(Verdict::Upright));
    assert_eq!(prompts(&later, PromptKind::Break).len(), 1);
}

#[test]
fn what_counts_as_presence_for_breaks() {
    // (name, schedule, expected first reminder time in minutes)
    #[derive(Clone, Copy)]
    enum Doing {
        Upright,
        Away,
        Paused,
    }
    type Schedule = Vec<(f64, Doing)>;
    let cases: [(&str, Schedule, Option<f64>); 4] = [
        ("plain", vec![(50.0, Doing::Upright)], Some(45.0)),
        (
            "two minutes away is not a break",
            vec![
                (40.0, Doing::Upright),
                (2.0, Doing::Away),
                (10.0, Doing::Upright),
            ],
            // 40 min + 5 s present before away, then 5 min minus 5 s more.
            Some(47.0),
        ),
        (
            "three minutes away is",
            vec![
                (40.0, Doing::Upright),
                (3.0, Doing::Away),
                (44.0, Doing::Upright),
            ],
            None,
        ),
        (
            "paused time is not presence",
            vec![
                (40.0, Doing::Upright),
                (30.0, Doing::Paused),
                (10.0, Doing::Upright),
            ],
            Some(75.0),
        ),
    ];
    for (name, schedule, expected) in cases {
        let mut run = Run::new();
        for (minutes, what) in schedule {
            let secs = minutes * MINUTE;
            match what {
                Doing::Upright => {
                    run.frames(secs, &v(Verdict::Upright));
                }
                Doing::Away => {
                    run.frames(secs, &v(Verdict::NoPerson));
                }
                Doing::Paused => {
                    run.control(Control::Pause);
                    run.idle(secs);
                    run.control(Control::Resume);
                }
            }
        }
        let first = prompts(&run.events, PromptKind::Break)
            .first()
            .map(|p| p.at_s);
        match (first, expected) {
            (Some(t), Some(e)) => assert!((t - e * MINUTE).abs() < 1.0, "{name}: {t}"),
            (None, None) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_break_exercise_counts_as_a_break() {
    let mut run = Run::new();
    run.frames(46.0 * MINUTE, &v(Verdict::Upright));
    let events = run.control(Control::ExerciseDone {
        kind: PromptKind::Break,
    });
    assert!(matches!(
        events.as_slice(),
        [Event::BreakTaken {
            source: BreakSource::Exercise,
            ..
        }]
    ));
    let events = run.frames(44.0 * MINUTE, &v(Verdict::Upright));
    assert!(prompts(&events, PromptKind::Break).is_empty());
    assert_eq!(run.monitor.totals().breaks_taken, 1);
}

#[test]
fn looking_down_never_prompts_even_for_an_hour() {
    for make in [
        v(Verdict::LookingDown),
        head(Verdict::LookingDown, 25.0),
        Box::new(|t| Observation {
            forward_head_dev_deg: Some(30.0),
            rounded_shoulder_dev_deg: Some(20.0),
            lateral_dev_deg: Some(15.0),
            ..Observation::new(t, Verdict::LookingDown)
        }) as Make,
    ] {
        let mut run = Run::new().fps(5.0);
        run.frames(HOUR, &make);
        run.catch_up();
        assert!(prompts(&run.events, PromptKind::Posture).is_empty());
        assert!(states(&run.events).is_empty(), "{:?}", states(&run.events));
        assert_eq!(run.state(), MonitorState::Upright);
        assert!(close(run.monitor.totals().upright_s, HOUR));
    }
}

#[test]
fn a_stale_baseline_suggests_recalibrating_instead_of_nagging() {
    let mut run = Run::new();
    let events = run.frames(25.0, &v(Verdict::Moved));
    let recal = prompts(&events, PromptKind::Recalibrate);
    assert_eq!(recal.len(), 1);
    assert!(close(recal[0].at_s, 20.0));
    assert_eq!(recal[0].recalibrate_reason, Some(RecalibrateReason::Moved));

    // An hour of mostly `moved` with faults mixed in: suggestions every 10 min, never a
    // posture prompt, never slouching.
    let moved = v(Verdict::Moved);
    let fault = v(Verdict::ForwardHead);
    for _ in 0..(HOUR as i64 / 2) {
        run.frames(1.5, &moved);
        run.frames(0.5, &fault);
    }
    let recal = prompts(&run.events, PromptKind::Recalibrate);
    assert_eq!(recal.len(), 7, "{recal:?}");
    for pair in recal.windows(2) {
        assert!(pair[1].at_s - pair[0].at_s >= 10.0 * MINUTE - 1e-6);
    }
    assert!(prompts(&run.events, PromptKind::Posture).is_empty());
    assert!(!states(&run.events).contains(&MonitorState::Slouching));
    assert!(run.monitor.status().baseline_suspect);

    // After recalibrating, faults count again.
    run.control(Control::CalibrationStarted);
    run.frames(10.0, &v(Verdict::Upright));
    run.control(Control::CalibrationFinished { subject: None });
    let events = run.frames(40.0, &v(Verdict::ForwardHead));
    assert_eq!(prompts(&events, PromptKind::Posture).len(), 1);
}

#[test]
fn a_stale_baseline_clears_when_posture_agrees_again() {
    let mut run = Run::new();
    run.frames(30.0, &v(Verdict::Moved));
    assert!(run.monitor.status().baseline_suspect);
    run.frames(25.0, &v(Verdict::Upright));
    assert!(!run.monitor.status().baseline_suspect);
    let events = run.frames(40.0, &v(Verdict::ForwardHead));
    assert_eq!(prompts(&events, PromptKind::Posture).len(), 1);
}

#[test]
fn a_second_person_neither_clears_nor_triggers() {
    let config = MonitorConfig::default();
    let user = |verdict| at(USER, verdict);
    let other = |verdict| at(STRANGER, verdict);

    // Someone slouching beside an upright user: nothing.
    let mut run = Run::with(config.clone(), Some(USER));
    run.alternate(
        10.0 * MINUTE,
        &user(Verdict::Upright),
        &other(Verdict::Slouch),
    );
    assert!(states(&run.events).is_empty(), "{:?}", states(&run.events));
    assert!(prompts(&run.events, PromptKind::Posture).is_empty());

    // An upright passer-by does not clear the user's slouch; the repeat still comes.
    let mut run = Run::with(config.clone(), Some(USER));
    run.frames(40.0, &user(Verdict::ForwardHead));
    run.alternate(
        10.0 * MINUTE,
        &user(Verdict::ForwardHead),
        &other(Verdict::Upright),
    );
    assert_eq!(run.state(), MonitorState::Slouching);
    assert_eq!(prompts(&run.events, PromptKind::Posture).len(), 3);

    // Only the other person in view: away (timers paused), then back to slouching, not upright.
    let events = run.frames(30.0, &other(Verdict::Upright));
    assert_eq!(states(&events), vec![MonitorState::Away]);
    let events = run.frames(10.0, &user(Verdict::ForwardHead));
    assert_eq!(states(&events), vec![MonitorState::Slouching]);

    // Only the other person for a minute: maybe it is the user after the camera moved.
    let events = run.frames(2.0 * MINUTE, &other(Verdict::Upright));
    let recal = prompts(&events, PromptKind::Recalibrate);
    assert_eq!(recal.len(), 1);
    assert_eq!(
        recal[0].recalibrate_reason,
        Some(RecalibrateReason::SubjectMismatch)
    );
}

#[test]
fn camera_fault_freezes_and_recovery_resumes() {
    let mut run = Run::new();
    run.frames(2.0 * MINUTE, &v(Verdict::ForwardHead)); // slouching since 30 s
    let events = run.control(Control::CameraFault {
        kind: CameraFaultKind::Unplugged,
    });
    assert_eq!(states(&events), vec![MonitorState::CameraProblem]);
    assert_eq!(
        run.monitor.status().camera_fault,
        Some(CameraFaultKind::Unplugged)
    );
    let during = run.idle(20.0 * MINUTE);
    assert!(during.is_empty(), "{during:?}");
    let events = run.control(Control::CameraOk);
    assert!(matches!(
        events.as_slice(),
        [Event::StateChanged {
            to: MonitorState::Slouching,
            reason: Reason::CameraOk,
            ..
        }]
    ));
    // The repeat timer had 90 s; 210 s more of slouching brings the level-2 prompt.
    let events = run.frames(4.0 * MINUTE, &v(Verdict::ForwardHead));
    let repeat = prompts(&events, PromptKind::Posture);
    assert_eq!(repeat.len(), 1);
    assert!(
        close(repeat[0].at_s, 22.0 * MINUTE + 210.0),
        "{}",
        repeat[0].at_s
    );
    assert_eq!(repeat[0].level, 2);
    assert!(close(run.monitor.totals().camera_problem_s, 20.0 * MINUTE));
}

#[test]
fn camera_fault_while_away_returns_to_away() {
    let mut run = Run::new();
    run.frames(MINUTE, &v(Verdict::NoPerson));
    run.control(Control::CameraFault {
        kind: CameraFaultKind::Busy,
    });
    run.idle(MINUTE);
    let events = run.control(Control::CameraOk);
    assert_eq!(states(&events), vec![MonitorState::Away]);
}

#[test]
fn paused_and_snoozed_override_a_camera_fault() {
    let mut run = Run::new();
    run.frames(MINUTE, &v(Verdict::Upright));
    run.control(Control::Pause);
    let events = run.control(Control::CameraFault {
        kind: CameraFaultKind::Frozen,
    });
    assert!(events.is_empty());
    assert_eq!(run.state(), MonitorState::Paused);
    run.idle(MINUTE);
    let events = run.control(Control::Resume);
    assert_eq!(states(&events), vec![MonitorState::CameraProblem]);
    run.control(Control::Snooze { minutes: 15 });
    assert_eq!(run.state(), MonitorState::Snoozed);
    run.control(Control::CameraOk);
    let events = run.idle(16.0 * MINUTE);
    // Upright when the snooze ends; with the camera still sending nothing, away 15 s later
    // (10 s of trusting the last frame, 5 s of away delay).
    assert_eq!(
        states(&events),
        vec![MonitorState::Upright, MonitorState::Away]
    );
}

#[test]
fn pause_freezes_everything_and_resume_starts_afresh() {
    let mut run = Run::new();
    run.frames(2.0 * MINUTE, &v(Verdict::Slouch));
    let events = run.control(Control::Pause);
    assert_eq!(states(&events), vec![MonitorState::Paused]);
    let during = run.idle(2.0 * HOUR);
    assert!(during.is_empty(), "{during:?}");
    let events = run.control(Control::Resume);
    assert_eq!(states(&events), vec![MonitorState::Upright]);
    let events = run.frames(29.0, &v(Verdict::Slouch));
    assert!(prompts(&events, PromptKind::Posture).is_empty());
    let events = run.frames(2.0, &v(Verdict::Slouch));
    let p = prompts(&events, PromptKind::Posture);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].level, 1);
    assert!(close(run.monitor.totals().paused_s, 2.0 * HOUR));
}

#[test]
fn frames_that_stop_arriving_count_as_nobody() {
    let mut run = Run::new();
    run.frames(MINUTE, &v(Verdict::Upright));
    // One frame an hour later: the held reading lasts 10 s, then 5 s more makes `away`, and
    // 3 min of that is a break.
    run.t += HOUR - 0.5;
    let events = run.frames(0.5, &v(Verdict::Upright));
    let changes: Vec<(MonitorState, f64)> = events
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged { to, at_s, .. } => Some((*to, *at_s)),
            _ => None,
        })
        .collect();
    assert_eq!(changes.len(), 2, "{events:?}");
    assert_eq!(changes[0].0, MonitorState::Away);
    assert!(close(changes[0].1, MINUTE - 0.5 + 15.0), "{}", changes[0].1);
    assert_eq!(changes[1].0, MonitorState::Upright);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::BreakTaken { at_s, .. } if close(*at_s, MINUTE - 0.5 + 10.0 + 180.0)
    )));
    let totals = run.monitor.totals();
    assert!(close(totals.total_s(), MINUTE + HOUR - 0.5));
    assert!(close(totals.away_s, HOUR - 15.0));
}

#[test]
fn totals_add_up_over_a_mixed_day() {
    let mut run = Run::new().fps(3.0);
    run.frames(20.0 * MINUTE, &v(Verdict::Upright));
    run.frames(10.0 * MINUTE, &v(Verdict::Slouch));
    run.frames(5.0 * MINUTE, &v(Verdict::NoPerson));
    run.frames(30.0 * MINUTE, &v(Verdict::LookingDown));
    run.control(Control::Pause);
    run.idle(HOUR);
    run.control(Control::Resume);
    run.frames(15.0 * MINUTE, &v(Verdict::Upright));
    run.catch_up();
    let totals = run.monitor.totals().clone();
    let elapsed = run.t;
    assert!(
        close(totals.total_s(), elapsed),
        "{} vs {elapsed}",
        totals.total_s()
    );
    assert!(close(totals.paused_s, HOUR));
    assert!(close(totals.slouching_s, 10.0 * MINUTE - 30.0 + 5.0));
    assert!(close(totals.away_s, 5.0 * MINUTE - 5.0));
    assert_eq!(totals.slouch_episodes, 1);
    assert_eq!(totals.breaks_taken, 1);
    // The streak restarted after the slouch, over 45 min upright (the first 5 s of absence
    // were still counted as slouching, which does not add to a streak).
    assert!(close(totals.upright_streak_s, 45.0 * MINUTE));
    assert!(close(totals.longest_upright_streak_s, 45.0 * MINUTE));
    let day = run.monitor.start_new_day();
    assert_eq!(day, totals);
    assert_eq!(run.monitor.totals().upright_s, 0.0);
    // Streaks are per day too.
    assert_eq!(run.monitor.totals().upright_streak_s, 0.0);
    assert_eq!(run.monitor.totals().longest_upright_streak_s, 0.0);
}

#[test]
fn a_recorded_run_replays_to_the_same_events() {
    let mut run = Run::with(MonitorConfig::default(), Some(USER));
    run.frames(2.0 * MINUTE, &at(USER, Verdict::Slouch));
    run.control(Control::Snooze { minutes: 15 });
    run.frames(20.0 * MINUTE, &at(USER, Verdict::Slouch));
    run.frames(MINUTE, &at(STRANGER, Verdict::Upright));
    run.frames(50.0 * MINUTE, &at(USER, Verdict::Upright));
    let json = serde_json::to_string(&run.inputs).unwrap();
    let inputs: Vec<Input> = serde_json::from_str(&json).unwrap();
    let mut replay = Monitor::new(MonitorConfig::default()).unwrap();
    let events: Vec<Event> = inputs.iter().flat_map(|i| replay.step(i)).collect();
    // The fixture dropped the calibration's own state change.
    assert_eq!(events[1..], run.events);
    assert!(!run.events.is_empty());
}

#[test]
fn prompts_from_a_timeline_become_coach_messages() {
    let mut coach = plumbline::coach::Coach::builtin().unwrap();
    let mut run = Run::new();
    run.frames(2.0 * MINUTE, &head(Verdict::ForwardHead, 12.0));
    run.frames(10.0, &v(Verdict::Upright));
    run.frames(50.0 * MINUTE, &v(Verdict::Upright));
    run.frames(25.0, &v(Verdict::Moved));
    let messages: Vec<_> = run
        .events
        .iter()
        .filter_map(Event::as_prompt)
        .map(|p| coach.message(p))
        .collect();
    let kinds: Vec<PromptKind> = messages.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        vec![
            PromptKind::Posture,
            PromptKind::Break,
            PromptKind::Recalibrate
        ]
    );
    assert_eq!(
        messages[0].reason,
        "Head 12° forward of your baseline for 30 s"
    );
    assert!(messages[0].exercise.is_some());
    assert_eq!(messages[1].reason, "45 min at your desk without a break");
    assert!(messages[1].exercise.is_some());
    assert!(messages[2].exercise.is_none());
    for message in &messages {
        println!(
            "[{}] {}\n{}\n",
            message.title,
            message.level,
            message.body()
        );
    }
}
