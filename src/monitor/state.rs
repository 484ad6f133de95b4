//! The posture state machine: fed analysed frames and controls with their timestamps, it decides
//! when a fault has persisted, when it has cleared, when the user is away, due a break, or
//! sitting against a stale baseline, and reports state changes and prompts as events. It never
//! reads a clock, so tests run hours of timeline in milliseconds.
//!
//! # How time is counted
//! Each frame's reading holds until the next input (zero-order hold), for at most
//! `max_frame_gap_s`; after that the time counts as nobody in view. Between two inputs the
//! machine steps from one threshold crossing to the next, so events carry the exact time a
//! threshold was crossed and the totals add up to the elapsed time. A timestamp earlier than the
//! last one is treated as the last one.
//!
//! # Persistence (`drifting` → `slouching`)
//! A leaky integrator of bad time: each bad second adds one second of evidence, each good second
//! removes `recovery_rate` seconds (never below zero), undecided frames (low confidence,
//! `moved`, and looking down while slouching) leave it as it is. `slouching` starts when the
//! evidence reaches `slouch_delay_s`, so 29 s of continuous fault never prompts and 31 s does, while
//! a few seconds of upright or low-confidence noise only delays the prompt by as long as the
//! noise lasted (times the recovery rate) instead of starting the count over. `drifting` runs
//! from the first bad frame until the evidence either reaches the delay or leaks back to zero.
//!
//! # Recovery (`slouching` → `upright`)
//! Needs `exit_hold_s` of continuous good posture, judged against the exit thresholds
//! (entry × `exit_ratio`): a deviation between the two keeps the episode going. A bad frame
//! restarts the hold; an undecided one pauses it.
//!
//! # Prompts
//! A posture prompt (level 1) when `slouching` starts, then one every `repeat_interval_s` of
//! present slouching time, each a level higher up to `max_escalation`. A prompt only fires on a
//! bad frame, so looking down (never bad) never prompts. Acknowledging restarts the interval and
//! keeps the level; a reported exercise restarts it at level 1. Across separate episodes, two
//! posture prompts are at least `min_prompt_gap_s` of presence apart, so flip-flopping around
//! the threshold is not a prompt every 35 s.
//!
//! # Away and breaks
//! `away_delay_s` with nobody of ours in view is `away`: posture and repeat timers stop and
//! resume on return. Presence (any frame of the calibrated person, outside the overrides) adds
//! to the break counter; `break_interval_s` of it raises a break reminder, repeated every
//! `break_repeat_s` with the same escalation. `break_away_s` of continuous absence counts as a
//! break: the counter resets and posture starts afresh on return.
//!
//! # Stale baseline
//! `moved` frames feed a second integrator (judged frames leak it at `recovery_rate`); at
//! `recalibrate_delay_s` a recalibrate prompt is raised (at most one per
//! `recalibrate_cooldown_s`) and, until the evidence leaks back to zero or a calibration
//! finishes, faults count as undecided rather than bad: a stale baseline gets a recalibrate
//! suggestion, not posture nagging. Seeing only an unmatched person for
//! `stranger_recalibrate_s` raises a recalibrate prompt too (once per such stretch).
//!
//! # Someone else
//! A frame whose subject does not match the calibrated person is ignored as if dropped while
//! the user was seen in the last `STRANGER_GRACE_S`; after that it counts like nobody in view
//! (away timer, break timer), never as good or bad posture.
//!
//! # Overrides
//! `paused` > `snoozed` > `camera_problem` > `calibrating` > `away` > posture. While any of the
//! first four is in force, every timer is frozen and only the totals move. Ending a pause or a
//! snooze, or finishing a calibration, starts posture afresh (`upright`, no evidence, level 1);
//! the camera coming back resumes exactly where monitoring stopped.

use super::config::{ConfigError, MonitorConfig, Thresholds};
use super::event::{
    BreakSource, CameraFaultKind, Control, Deviations, Event, Fault, HoldReason, Input,
    MonitorState, Observation, Prompt, PromptKind, Reason, RecalibrateReason, SubjectBox,
};
use super::reading::{BaselineEvidence, Judge, Posture, Reading};
use super::subject::SubjectLock;
use super::totals::Totals;
use serde::{Deserialize, Serialize};

/// Tolerance when comparing summed seconds with a threshold (floating-point sums of frame
/// intervals land a hair short of the exact value).
const TIME_EPSILON_S: f64 = 1e-9;

/// Safety bound on threshold crossings handled between two inputs; real timelines need a few
/// dozen even across hours. Past it the rest of the interval is taken in one step.
const MAX_CROSSINGS_PER_INTERVAL: usize = 100_000;

/// Seconds a frame showing only someone else is ignored after a frame of the calibrated
/// person, as if it had been dropped: the user's last reading holds. Covers a passer-by crossing
/// between frames, or a detector that alternates between two people; after it, the other person
/// counts as nobody (so `away` comes this long plus `away_delay_s` after the user was last seen).
const STRANGER_GRACE_S: f64 = 2.0;

/// Seconds per minute, for snooze lengths.
const SECONDS_PER_MINUTE: f64 = 60.0;

/// Where posture stands while the person is present and monitoring runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Upright,
    Drifting,
    Slouching,
}

impl Phase {
    fn state(self) -> MonitorState {
        match self {
            Phase::Upright => MonitorState::Upright,
            Phase::Drifting => MonitorState::Drifting,
            Phase::Slouching => MonitorState::Slouching,
        }
    }
}

/// Bad time per fault and deviation sums since the last prompt, for the prompt's numbers.
#[derive(Clone, Debug, Default)]
struct Tally {
    fault_s: [f64; Fault::POSTURE.len()],
    /// Sums of deviation × seconds: forward head, rounded shoulders, |lateral|.
    dev_weighted: [f64; 3],
    /// Seconds each deviation was measured.
    dev_s: [f64; 3],
}

impl Tally {
    fn add(&mut self, fault: Fault, deviations: &Deviations, dt: f64) {
        if let Some(i) = Fault::POSTURE.iter().position(|&f| f == fault) {
            self.fault_s[i] += dt;
        }
        let values = [
            deviations.forward_head_dev_deg,
            deviations.rounded_shoulder_dev_deg,
            deviations.lateral_dev_deg.map(f32::abs),
        ];
        for (i, value) in values.into_iter().enumerate() {
            if let Some(v) = value {
                self.dev_weighted[i] += f64::from(v) * dt;
                self.dev_s[i] += dt;
            }
        }
    }

    /// The fault with the most bad time, if any time was counted (ties go to the first in
    /// [`Fault::POSTURE`]).
    fn dominant(&self) -> Option<Fault> {
        let mut best: Option<(Fault, f64)> = None;
        for (fault, &s) in Fault::POSTURE.iter().zip(&self.fault_s) {
            if s > 0.0 && best.is_none_or(|(_, b)| s > b) {
                best = Some((*fault, s));
            }
        }
        best.map(|(fault, _)| fault)
    }

    /// Time-weighted mean deviations; `fallback` for any that was never measured.
    fn means(&self, fallback: &Deviations) -> Deviations {
        let mean = |i: usize, fallback: Option<f32>| {
            if self.dev_s[i] > 0.0 {
                Some((self.dev_weighted[i] / self.dev_s[i]) as f32)
            } else {
                fallback
            }
        };
        Deviations {
            forward_head_dev_deg: mean(0, fallback.forward_head_dev_deg),
            rounded_shoulder_dev_deg: mean(1, fallback.rounded_shoulder_dev_deg),
            lateral_dev_deg: mean(2, fallback.lateral_dev_deg.map(f32::abs)),
        }
    }
}

/// One run of bad posture, from the first bad frame until recovery.
#[derive(Clone, Debug, Default)]
struct Episode {
    /// Present seconds since the first bad frame.
    lasted_s: f64,
    /// Posture prompts raised in this episode.
    prompts: u32,
    /// Level of the last prompt.
    level: u8,
    /// Present slouching seconds since the last prompt.
    since_prompt_s: f64,
    /// The user acknowledged the last prompt: the next one does not climb.
    hold_level: bool,
    tally: Tally,
}

/// A snapshot for the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The state shown to the user.
    pub state: MonitorState,
    /// When that state began, seconds.
    pub since_s: f64,
    /// The dominant fault of the current episode (drifting or slouching), if any.
    pub fault: Option<Fault>,
    /// Level of the last posture prompt in this episode (0 = none yet).
    pub level: u8,
    /// Net seconds of bad posture counted toward `slouch_delay_s`.
    pub slouch_evidence_s: f64,
    /// When a running snooze ends, seconds.
    pub snooze_until_s: Option<f64>,
    /// The camera's fault, if any (shown even while paused or snoozed).
    pub camera_fault: Option<CameraFaultKind>,
    /// Why the system holds monitoring, if it does (shown as `paused`, with the reason).
    pub held_by: Option<HoldReason>,
    /// A stale baseline is suspected (a recalibration was suggested and the `moved` frames
    /// have not faded): posture faults are not counted meanwhile.
    pub baseline_suspect: bool,
    /// Present seconds since the last break.
    pub present_since_break_s: f64,
    /// The deviation thresholds in force now (entry, or exit while slouching).
    pub thresholds: Thresholds,
    /// Running totals.
    pub totals: Totals,
}

/// The posture state machine. Feed it with [`Monitor::observe`], [`Monitor::control`] and
/// [`Monitor::tick`] (or [`Monitor::step`]), in time order, and act on the events returned.
#[derive(Clone, Debug)]
pub struct Monitor {
    config: MonitorConfig,
    lock: SubjectLock,
    now_s: Option<f64>,

    // Overrides.
    calibrating: bool,
    calibrated: bool,
    paused: bool,
    /// What the system holds monitoring for (a set, in the order the holds began).
    holds: Vec<HoldReason>,
    /// When the current stretch of holds began, and the unseen time (sleep) inside it.
    held_since_s: f64,
    held_unseen_s: f64,
    snooze_until_s: Option<f64>,
    camera_fault: Option<CameraFaultKind>,
    baseline: Option<SubjectBox>,

    // The latest frame, held until the next one.
    held: Reading,
    held_at_s: f64,

    // Presence.
    away: bool,
    absent_s: f64,
    stranger_s: f64,
    stranger_prompted: bool,
    break_counted: bool,

    // Posture.
    phase: Phase,
    bad_s: f64,
    good_hold_s: f64,
    episode: Episode,
    since_posture_prompt_s: f64,

    // Baseline staleness.
    moved_s: f64,
    baseline_suspect: bool,
    last_recalibrate_at_s: Option<f64>,

    // Breaks.
    present_s: f64,
    break_level: u8,
    since_break_prompt_s: f64,
    break_hold_level: bool,

    // Reporting.
    state: MonitorState,
    state_since_s: f64,
    totals: Totals,
}

impl Monitor {
    /// A monitor waiting for its first calibration (state `calibrating`).
    pub fn new(config: MonitorConfig) -> Result<Monitor, ConfigError> {
        config.validate()?;
        Ok(Monitor {
            lock: SubjectLock::from_config(&config),
            config,
            now_s: None,
            calibrating: true,
            calibrated: false,
            paused: false,
            holds: Vec::new(),
            held_since_s: 0.0,
            held_unseen_s: 0.0,
            snooze_until_s: None,
            camera_fault: None,
            baseline: None,
            held: Reading::Absent,
            held_at_s: f64::NEG_INFINITY,
            away: false,
            absent_s: 0.0,
            stranger_s: 0.0,
            stranger_prompted: false,
            break_counted: false,
            phase: Phase::Upright,
            bad_s: 0.0,
            good_hold_s: 0.0,
            episode: Episode::default(),
            since_posture_prompt_s: f64::INFINITY,
            moved_s: 0.0,
            baseline_suspect: false,
            last_recalibrate_at_s: None,
            present_s: 0.0,
            break_level: 0,
            since_break_prompt_s: 0.0,
            break_hold_level: false,
            state: MonitorState::Calibrating,
            state_since_s: 0.0,
            totals: Totals::default(),
        })
    }

    /// The settings in force.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// The state shown to the user.
    pub fn state(&self) -> MonitorState {
        self.state
    }

    /// Running totals since the last [`Monitor::start_new_day`].
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// The deviation thresholds in force now: the exit thresholds while slouching, the entry
    /// thresholds otherwise. A caller that judges verdicts itself can apply these.
    pub fn active_thresholds(&self) -> Thresholds {
        if self.phase == Phase::Slouching {
            self.config.exit_thresholds()
        } else {
            self.config.enter_thresholds()
        }
    }

    /// A snapshot for the UI.
    pub fn status(&self) -> Status {
        let in_episode = self.phase != Phase::Upright;
        Status {
            state: self.state,
            since_s: self.state_since_s,
            fault: in_episode.then(|| self.episode.tally.dominant()).flatten(),
            level: self.episode.level,
            slouch_evidence_s: self.bad_s,
            snooze_until_s: self.snooze_until_s,
            camera_fault: self.camera_fault,
            held_by: self.holds.first().copied(),
            baseline_suspect: self.baseline_suspect,
            present_since_break_s: self.present_s,
            thresholds: self.active_thresholds(),
            totals: self.totals.clone(),
        }
    }

    /// Ends the day: returns the day's totals and starts new ones. Everything is per day,
    /// the upright streak too (a streak is "today's best", not one that began yesterday).
    /// The caller decides when a day ends.
    pub fn start_new_day(&mut self) -> Totals {
        std::mem::take(&mut self.totals)
    }

    /// Feeds any input.
    pub fn step(&mut self, input: &Input) -> Vec<Event> {
        match input {
            Input::Frame(obs) => self.observe(obs),
            Input::Control { time_s, control } => self.control(*time_s, *control),
            Input::Tick { time_s } => self.tick(*time_s),
        }
    }

    /// Feeds one analysed frame. A frame with a non-finite timestamp is ignored.
    pub fn observe(&mut self, obs: &Observation) -> Vec<Event> {
        let mut events = Vec::new();
        if !obs.time_s.is_finite() {
            return events;
        }
        let t = self.advance_to(obs.time_s, &mut events);
        let judge = Judge {
            enter: self.config.enter_thresholds(),
            exit: self.config.exit_thresholds(),
            min_confidence: self.config.min_confidence,
            lock: self.lock,
            baseline: self.baseline.as_ref(),
        };
        let reading = judge.classify(obs, self.phase == Phase::Slouching, self.baseline_suspect);
        let user_seen_lately =
            matches!(self.held, Reading::Present { .. }) && t - self.held_at_s < STRANGER_GRACE_S;
        if reading == Reading::Stranger && user_seen_lately {
            return events;
        }
        self.held = reading;
        self.held_at_s = t;
        self.run(reading, t, 0.0, &mut events);
        events
    }

    /// Lets time pass without a frame (e.g. while paused, so a snooze can end on time).
    pub fn tick(&mut self, time_s: f64) -> Vec<Event> {
        let mut events = Vec::new();
        if time_s.is_finite() {
            self.advance_to(time_s, &mut events);
        }
        events
    }

    /// Applies a user or camera control at `time_s`. Ignored if `time_s` is not finite.
    pub fn control(&mut self, time_s: f64, control: Control) -> Vec<Event> {
        let mut events = Vec::new();
        if !time_s.is_finite() {
            return events;
        }
        let t = self.advance_to(time_s, &mut events);
        match control {
            Control::CalibrationStarted => self.start_calibration(t, &mut events),
            Control::CalibrationFinished { subject } => {
                self.finish_calibration(t, subject, &mut events)
            }
            Control::CalibrationCancelled => {
                if self.calibrated {
                    self.calibrating = false;
                    self.sync(t, Reason::CalibrationCancelled, &mut events);
                }
            }
            Control::Pause => {
                self.paused = true;
                self.sync(t, Reason::Paused, &mut events);
            }
            Control::Resume => self.resume(t, &mut events),
            Control::Snooze { minutes } => self.snooze(t, minutes, &mut events),
            Control::CameraFault { kind } => {
                self.camera_fault = Some(kind);
                self.sync(t, Reason::CameraFault, &mut events);
            }
            Control::CameraOk => {
                self.camera_fault = None;
                self.sync(t, Reason::CameraOk, &mut events);
            }
            Control::TimeUnseen { seconds } => self.time_unseen(t, seconds, &mut events),
            Control::Hold { reason } => {
                if self.holds.is_empty() {
                    self.held_since_s = t;
                    self.held_unseen_s = 0.0;
                }
                if !self.holds.contains(&reason) {
                    self.holds.push(reason);
                }
                self.sync(t, reason.state_reason(), &mut events);
            }
            Control::Release { reason } => {
                let was_held = !self.holds.is_empty();
                self.holds.retain(|&held| held != reason);
                if was_held && self.holds.is_empty() && !self.paused {
                    // A locked lunch or a night asleep is a break from the desk.
                    let held_s = t - self.held_since_s + self.held_unseen_s;
                    if held_s >= self.config.break_away_s - TIME_EPSILON_S {
                        self.sync(t, Reason::Released, &mut events);
                        self.take_break(t, BreakSource::Away, &mut events);
                    } else {
                        self.fresh_start();
                    }
                }
                self.sync(t, Reason::Released, &mut events);
            }
            Control::Acknowledged { kind } => self.acknowledge(t, kind),
            Control::ExerciseDone { kind } => self.exercise_done(t, kind, &mut events),
        }
        events
    }

    // ----- controls -----

    fn start_calibration(&mut self, t: f64, events: &mut Vec<Event>) {
        self.calibrating = true;
        self.paused = false;
        if self.snooze_until_s.is_some() {
            self.end_snooze(t, true, events);
        }
        self.fresh_start();
        self.sync(t, Reason::CalibrationStarted, events);
    }

    fn finish_calibration(&mut self, t: f64, subject: Option<SubjectBox>, events: &mut Vec<Event>) {
        self.calibrating = false;
        self.calibrated = true;
        self.paused = false;
        self.baseline = subject;
        self.fresh_start();
        // The person was just calibrated, so they are here; the next frame says how they sit.
        self.away = false;
        self.absent_s = 0.0;
        self.stranger_s = 0.0;
        self.stranger_prompted = false;
        self.held = Reading::UNDECIDED;
        self.held_at_s = t;
        self.moved_s = 0.0;
        self.baseline_suspect = false;
        self.sync(t, Reason::CalibrationFinished, events);
    }

    fn resume(&mut self, t: f64, events: &mut Vec<Event>) {
        let was_off = self.paused || self.snooze_until_s.is_some();
        self.paused = false;
        if self.snooze_until_s.is_some() {
            self.end_snooze(t, true, events);
        }
        if was_off {
            self.fresh_start();
        }
        self.sync(t, Reason::Resumed, events);
    }

    fn snooze(&mut self, t: f64, minutes: u32, events: &mut Vec<Event>) {
        if minutes == 0 {
            if self.snooze_until_s.is_some() {
                self.end_snooze(t, true, events);
                self.fresh_start();
                self.sync(t, Reason::SnoozeEnded, events);
            }
            return;
        }
        self.paused = false;
        self.snooze_until_s = Some(t + f64::from(minutes) * SECONDS_PER_MINUTE);
        self.sync(t, Reason::Snoozed, events);
    }

    fn end_snooze(&mut self, at_s: f64, early: bool, events: &mut Vec<Event>) {
        self.snooze_until_s = None;
        events.push(Event::SnoozeEnded { at_s, early });
    }

    fn acknowledge(&mut self, t: f64, kind: PromptKind) {
        match kind {
            PromptKind::Posture => {
                if self.episode.prompts > 0 {
                    self.episode.since_prompt_s = 0.0;
                    self.episode.hold_level = true;
                }
            }
            PromptKind::Break => {
                if self.break_level > 0 {
                    self.since_break_prompt_s = 0.0;
                    self.break_hold_level = true;
                }
            }
            PromptKind::Recalibrate => self.last_recalibrate_at_s = Some(t),
        }
    }

    fn exercise_done(&mut self, t: f64, kind: PromptKind, events: &mut Vec<Event>) {
        match kind {
            PromptKind::Posture => {
                self.totals.exercises_done += 1;
                if self.episode.prompts > 0 {
                    self.episode.since_prompt_s = 0.0;
                    self.episode.level = 1;
                    self.episode.hold_level = true;
                }
            }
            PromptKind::Break => {
                self.totals.exercises_done += 1;
                self.take_break(t, BreakSource::Exercise, events);
            }
            PromptKind::Recalibrate => self.acknowledge(t, kind),
        }
    }

    /// `seconds` passed unseen just before `t`: what the last frame showed does not carry
    /// over, the time counts as absence (a break if long enough) and posture starts afresh,
    /// so a fault seen before a sleep never prompts after it. Timers frozen by an override
    /// (a pause, a snooze, a camera fault) stay frozen.
    fn time_unseen(&mut self, t: f64, seconds: f64, events: &mut Vec<Event>) {
        if seconds.is_nan() || seconds <= 0.0 {
            return;
        }
        self.held = Reading::Absent;
        self.held_at_s = t;
        self.reset_posture();
        if !self.holds.is_empty() {
            self.held_unseen_s += seconds;
        }
        if self.frozen() {
            return;
        }
        self.absent_s += seconds;
        if self.absent_s >= self.config.away_delay_s - TIME_EPSILON_S {
            self.away = true;
        }
        self.sync(t, Reason::TimeUnseen, events);
        if !self.break_counted && self.absent_s >= self.config.break_away_s - TIME_EPSILON_S {
            self.break_counted = true;
            self.take_break(t, BreakSource::Away, events);
        }
    }

    // ----- time -----

    /// Accounts the time from the last input to `time_s` and returns the time to apply the new
    /// input at (never earlier than the last input).
    fn advance_to(&mut self, time_s: f64, events: &mut Vec<Event>) -> f64 {
        let Some(mut cur) = self.now_s else {
            self.now_s = Some(time_s);
            self.state_since_s = time_s;
            return time_s;
        };
        while cur < time_s {
            self.end_snooze_if_due(cur, events);
            let mut next = time_s;
            if let Some(until) = self.snooze_until_s {
                next = next.min(until);
            }
            let expiry = self.held_at_s + self.config.max_frame_gap_s;
            let reading = if cur < expiry {
                next = next.min(expiry);
                self.held
            } else {
                Reading::Absent
            };
            self.run(reading, cur, next - cur, events);
            cur = next;
        }
        self.end_snooze_if_due(cur, events);
        self.now_s = Some(cur);
        cur
    }

    fn end_snooze_if_due(&mut self, t: f64, events: &mut Vec<Event>) {
        if let Some(until) = self.snooze_until_s
            && until <= t
        {
            self.end_snooze(until, false, events);
            self.fresh_start();
            self.sync(until, Reason::SnoozeEnded, events);
        }
    }

    /// Runs `dt` seconds of `reading` from `start`, stopping at each threshold crossing to
    /// handle it, and settles at the end.
    fn run(&mut self, reading: Reading, start: f64, dt: f64, events: &mut Vec<Event>) {
        let mut elapsed = 0.0;
        for crossing in 0.. {
            self.settle(&reading, start + elapsed, events);
            let left = dt - elapsed;
            if left <= 0.0 {
                break;
            }
            let step = if crossing < MAX_CROSSINGS_PER_INTERVAL {
                self.time_to_next(&reading, start + elapsed).min(left)
            } else {
                left
            };
            self.accumulate(&reading, step);
            elapsed = if step >= left { dt } else { elapsed + step };
        }
    }

    /// True while timers are frozen.
    fn frozen(&self) -> bool {
        self.paused
            || !self.holds.is_empty()
            || self.snooze_until_s.is_some()
            || self.camera_fault.is_some()
            || self.calibrating
    }

    fn derived_state(&self) -> MonitorState {
        if self.paused || !self.holds.is_empty() {
            MonitorState::Paused
        } else if self.snooze_until_s.is_some() {
            MonitorState::Snoozed
        } else if self.camera_fault.is_some() {
            MonitorState::CameraProblem
        } else if self.calibrating {
            MonitorState::Calibrating
        } else if self.away {
            MonitorState::Away
        } else {
            self.phase.state()
        }
    }

    /// Reports a state change, if the shown state changed.
    fn sync(&mut self, at_s: f64, reason: Reason, events: &mut Vec<Event>) {
        let to = self.derived_state();
        if to != self.state {
            events.push(Event::StateChanged {
                from: self.state,
                to,
                at_s,
                reason,
            });
            self.state = to;
            self.state_since_s = at_s;
        }
    }

    /// Adds `dt` seconds of `reading` to the totals and the running timers.
    fn accumulate(&mut self, reading: &Reading, dt: f64) {
        self.totals.add_time(self.state, dt);
        if self.frozen() {
            return;
        }
        let Reading::Present {
            posture,
            baseline,
            deviations,
        } = reading
        else {
            self.absent_s += dt;
            if *reading == Reading::Stranger {
                self.stranger_s += dt;
            }
            return;
        };
        self.present_s += dt;
        if self.break_level > 0 {
            self.since_break_prompt_s += dt;
        }
        self.since_posture_prompt_s += dt;
        if self.phase != Phase::Upright {
            self.episode.lasted_s += dt;
        }
        if self.phase == Phase::Slouching {
            self.episode.since_prompt_s += dt;
        }
        let rate = self.config.recovery_rate;
        match (*posture, self.phase) {
            (Posture::Bad(fault), phase) => {
                if phase != Phase::Slouching {
                    self.bad_s += dt;
                }
                self.episode.tally.add(fault, deviations, dt);
            }
            (Posture::Good, Phase::Slouching) => self.good_hold_s += dt,
            (Posture::Good, _) => self.bad_s = (self.bad_s - rate * dt).max(0.0),
            (Posture::Neutral, _) => {}
        }
        match baseline {
            BaselineEvidence::Moved => {
                self.moved_s = (self.moved_s + dt).min(self.config.recalibrate_delay_s);
            }
            BaselineEvidence::Agrees => self.moved_s = (self.moved_s - rate * dt).max(0.0),
            BaselineEvidence::Unknown => {}
        }
    }

    /// Seconds of `reading` until the next threshold crossing (infinite if none is coming).
    fn time_to_next(&self, reading: &Reading, t: f64) -> f64 {
        if self.frozen() {
            return f64::INFINITY;
        }
        let c = &self.config;
        let mut candidates = Soonest::default();
        match reading {
            Reading::Absent | Reading::Stranger => {
                if !self.away {
                    candidates.offer(c.away_delay_s - self.absent_s);
                }
                if !self.break_counted {
                    candidates.offer(c.break_away_s - self.absent_s);
                }
                if *reading == Reading::Stranger && !self.stranger_prompted {
                    candidates.offer(c.stranger_recalibrate_s - self.stranger_s);
                    candidates.offer(self.recalibrate_cooldown_left(t));
                }
            }
            Reading::Present {
                posture, baseline, ..
            } => {
                match (self.phase, *posture) {
                    (Phase::Drifting, Posture::Bad(_)) => {
                        candidates.offer(c.slouch_delay_s - self.bad_s);
                    }
                    (Phase::Drifting, Posture::Good) => {
                        candidates.offer(self.bad_s / c.recovery_rate);
                    }
                    (Phase::Slouching, Posture::Good) => {
                        candidates.offer(c.exit_hold_s - self.good_hold_s);
                    }
                    (Phase::Slouching, Posture::Bad(_)) => {
                        let repeat_left = if self.episode.prompts == 0 {
                            0.0
                        } else {
                            c.repeat_interval_s - self.episode.since_prompt_s
                        };
                        let gap_left = c.min_prompt_gap_s - self.since_posture_prompt_s;
                        candidates.offer(repeat_left.max(gap_left));
                    }
                    _ => {}
                }
                match baseline {
                    BaselineEvidence::Moved => {
                        candidates.offer(c.recalibrate_delay_s - self.moved_s);
                        candidates.offer(self.recalibrate_cooldown_left(t));
                    }
                    BaselineEvidence::Agrees if self.baseline_suspect => {
                        candidates.offer(self.moved_s / c.recovery_rate);
                    }
                    _ => {}
                }
                candidates.offer(if self.break_level == 0 {
                    c.break_interval_s - self.present_s
                } else {
                    c.break_repeat_s - self.since_break_prompt_s
                });
            }
        }
        candidates.0
    }

    fn recalibrate_cooldown_left(&self, t: f64) -> f64 {
        match self.last_recalibrate_at_s {
            Some(last) => last + self.config.recalibrate_cooldown_s - t,
            None => 0.0,
        }
    }

    fn recalibrate_allowed(&self, t: f64) -> bool {
        self.recalibrate_cooldown_left(t) <= TIME_EPSILON_S
    }

    /// Handles every threshold that is due at `t` with `reading` held.
    fn settle(&mut self, reading: &Reading, t: f64, events: &mut Vec<Event>) {
        if self.frozen() {
            return;
        }
        match reading {
            Reading::Absent | Reading::Stranger => self.settle_absent(*reading, t, events),
            Reading::Present {
                posture,
                baseline,
                deviations,
            } => {
                self.absent_s = 0.0;
                self.stranger_s = 0.0;
                self.stranger_prompted = false;
                self.break_counted = false;
                if self.away {
                    self.away = false;
                    self.sync(t, Reason::PersonReturned, events);
                }
                self.settle_posture(*posture, deviations, t, events);
                self.settle_baseline(*baseline, t, events);
                self.settle_break(t, events);
            }
        }
    }

    fn settle_absent(&mut self, reading: Reading, t: f64, events: &mut Vec<Event>) {
        let away_delay_s = self.config.away_delay_s;
        let break_away_s = self.config.break_away_s;
        if reading == Reading::Absent {
            self.stranger_s = 0.0;
            self.stranger_prompted = false;
        }
        if !self.away && self.absent_s >= away_delay_s - TIME_EPSILON_S {
            self.away = true;
            self.sync(t, Reason::NobodyInView, events);
        }
        if !self.break_counted && self.absent_s >= break_away_s - TIME_EPSILON_S {
            self.break_counted = true;
            self.take_break(t, BreakSource::Away, events);
        }
        if reading == Reading::Stranger
            && !self.stranger_prompted
            && self.stranger_s >= self.config.stranger_recalibrate_s - TIME_EPSILON_S
            && self.recalibrate_allowed(t)
        {
            self.stranger_prompted = true;
            let lasted_s = self.stranger_s;
            self.raise_recalibrate(t, RecalibrateReason::SubjectMismatch, lasted_s, events);
        }
    }

    fn settle_posture(
        &mut self,
        posture: Posture,
        deviations: &Deviations,
        t: f64,
        events: &mut Vec<Event>,
    ) {
        match (self.phase, posture) {
            (Phase::Upright, Posture::Bad(_)) => {
                self.phase = Phase::Drifting;
                self.episode = Episode::default();
                self.sync(t, Reason::FaultSeen, events);
            }
            (Phase::Drifting, Posture::Good) if self.bad_s <= TIME_EPSILON_S => {
                self.reset_posture();
                self.sync(t, Reason::FaultFaded, events);
            }
            (Phase::Slouching, Posture::Good)
                if self.good_hold_s >= self.config.exit_hold_s - TIME_EPSILON_S =>
            {
                self.reset_posture();
                self.sync(t, Reason::UprightHeld, events);
            }
            (Phase::Slouching, Posture::Bad(_)) => self.good_hold_s = 0.0,
            _ => {}
        }
        if self.phase == Phase::Drifting
            && self.bad_s >= self.config.slouch_delay_s - TIME_EPSILON_S
        {
            self.phase = Phase::Slouching;
            self.good_hold_s = 0.0;
            self.totals.slouch_started();
            self.sync(t, Reason::FaultPersisted, events);
        }
        if let (Phase::Slouching, Posture::Bad(fault)) = (self.phase, posture)
            && self.posture_prompt_due()
        {
            self.raise_posture(t, fault, deviations, events);
        }
    }

    fn posture_prompt_due(&self) -> bool {
        let repeat_due = self.episode.prompts == 0
            || self.episode.since_prompt_s >= self.config.repeat_interval_s - TIME_EPSILON_S;
        let gap_ok = self.since_posture_prompt_s >= self.config.min_prompt_gap_s - TIME_EPSILON_S;
        repeat_due && gap_ok
    }

    fn settle_baseline(&mut self, evidence: BaselineEvidence, t: f64, events: &mut Vec<Event>) {
        match evidence {
            BaselineEvidence::Moved
                if self.moved_s >= self.config.recalibrate_delay_s - TIME_EPSILON_S =>
            {
                self.baseline_suspect = true;
                if self.recalibrate_allowed(t) {
                    let lasted_s = self.moved_s;
                    self.raise_recalibrate(t, RecalibrateReason::Moved, lasted_s, events);
                }
            }
            BaselineEvidence::Agrees if self.moved_s <= TIME_EPSILON_S => {
                self.baseline_suspect = false;
            }
            _ => {}
        }
    }

    fn settle_break(&mut self, t: f64, events: &mut Vec<Event>) {
        let c = &self.config;
        let level = if self.break_level == 0 {
            (self.present_s >= c.break_interval_s - TIME_EPSILON_S).then_some(1)
        } else if self.since_break_prompt_s >= c.break_repeat_s - TIME_EPSILON_S {
            Some(next_level(
                self.break_level,
                self.break_hold_level,
                c.max_escalation,
            ))
        } else {
            None
        };
        if let Some(level) = level {
            self.break_level = level;
            self.since_break_prompt_s = 0.0;
            self.break_hold_level = false;
            self.totals.break_reminders += 1;
            events.push(Event::Prompt(Prompt {
                at_s: t,
                kind: PromptKind::Break,
                fault: Some(Fault::StaticLoad),
                deviations: Deviations::default(),
                lasted_s: self.present_s,
                level,
                recalibrate_reason: None,
            }));
        }
    }

    // ----- effects -----

    fn raise_posture(
        &mut self,
        t: f64,
        current: Fault,
        current_dev: &Deviations,
        events: &mut Vec<Event>,
    ) {
        let episode = &mut self.episode;
        let level = if episode.prompts == 0 {
            1
        } else {
            next_level(
                episode.level,
                episode.hold_level,
                self.config.max_escalation,
            )
        };
        let fault = episode.tally.dominant().unwrap_or(current);
        let deviations = episode.tally.means(current_dev);
        let lasted_s = episode.lasted_s;
        episode.prompts += 1;
        episode.level = level;
        episode.since_prompt_s = 0.0;
        episode.hold_level = false;
        episode.tally = Tally::default();
        self.since_posture_prompt_s = 0.0;
        self.totals.posture_prompts += 1;
        events.push(Event::Prompt(Prompt {
            at_s: t,
            kind: PromptKind::Posture,
            fault: Some(fault),
            deviations,
            lasted_s,
            level,
            recalibrate_reason: None,
        }));
    }

    fn raise_recalibrate(
        &mut self,
        t: f64,
        reason: RecalibrateReason,
        lasted_s: f64,
        events: &mut Vec<Event>,
    ) {
        self.last_recalibrate_at_s = Some(t);
        self.totals.recalibrate_prompts += 1;
        events.push(Event::Prompt(Prompt {
            at_s: t,
            kind: PromptKind::Recalibrate,
            fault: None,
            deviations: Deviations::default(),
            lasted_s,
            level: 1,
            recalibrate_reason: Some(reason),
        }));
    }

    fn take_break(&mut self, t: f64, source: BreakSource, events: &mut Vec<Event>) {
        self.present_s = 0.0;
        self.break_level = 0;
        self.since_break_prompt_s = 0.0;
        self.break_hold_level = false;
        self.totals.breaks_taken += 1;
        events.push(Event::BreakTaken { at_s: t, source });
        if source == BreakSource::Away {
            // Back from a real break is a fresh sitting: no leftover evidence or escalation.
            self.fresh_start();
            self.sync(t, Reason::BreakTaken, events);
        }
    }

    /// A new sitting (after a snooze, a pause, a calibration or a break): posture starts
    /// afresh and the minimum gap since the last posture prompt no longer applies.
    fn fresh_start(&mut self) {
        self.reset_posture();
        self.since_posture_prompt_s = f64::INFINITY;
    }

    /// Posture starts afresh: upright, no evidence, no episode.
    fn reset_posture(&mut self) {
        self.phase = Phase::Upright;
        self.bad_s = 0.0;
        self.good_hold_s = 0.0;
        self.episode = Episode::default();
    }
}

/// The soonest of the waits offered. Waits of zero or less are skipped: anything already due
/// was handled by `settle`, and what is due but blocked (e.g. by a cooldown) offers its own
/// positive wait.
struct Soonest(f64);

impl Default for Soonest {
    fn default() -> Self {
        Soonest(f64::INFINITY)
    }
}

impl Soonest {
    fn offer(&mut self, wait_s: f64) {
        if wait_s > TIME_EPSILON_S && wait_s < self.0 {
            self.0 = wait_s;
        }
    }
}

/// The level after `level`: the same if the user acknowledged, else one up, capped at `max`.
fn next_level(level: u8, hold: bool, max: u8) -> u8 {
    if hold {
        level.clamp(1, max)
    } else {
        level.saturating_add(1).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Verdict;

    fn calibrated() -> Monitor {
        let mut monitor = Monitor::new(MonitorConfig::default()).unwrap();
        monitor.control(0.0, Control::CalibrationFinished { subject: None });
        monitor
    }

    /// Feeds `verdict` frames every `dt` seconds from `from` (inclusive) to `to` (exclusive).
    fn feed(monitor: &mut Monitor, verdict: Verdict, from: f64, to: f64, dt: f64) -> Vec<Event> {
        let mut events = Vec::new();
        let mut i = 0;
        loop {
            let t = from + f64::from(i) * dt;
            if t >= to - 1e-9 {
                break;
            }
            events.extend(monitor.observe(&Observation::new(t, verdict)));
            i += 1;
        }
        events
    }

    #[test]
    fn time_unseen_drops_the_fault_seen_before_it_and_counts_as_a_break() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::Upright, 0.0, 10.0, 0.5);
        // 25 s of forward head: drifting, 5 s short of a prompt.
        feed(&mut monitor, Verdict::ForwardHead, 10.0, 35.0, 0.5);
        assert_eq!(monitor.state(), MonitorState::Drifting);
        // The machine sleeps 8 h; on the monotonic clock, no time passed.
        let events = monitor.control(35.0, Control::TimeUnseen { seconds: 28_800.0 });
        assert!(
            events.iter().any(|e| matches!(
                e,
                Event::StateChanged {
                    to: MonitorState::Away,
                    reason: Reason::TimeUnseen,
                    ..
                }
            )),
            "{events:?}"
        );
        assert!(events.iter().any(|e| matches!(
            e,
            Event::BreakTaken {
                source: BreakSource::Away,
                ..
            }
        )));
        assert_eq!(monitor.totals().breaks_taken, 1);
        // The night is not in the totals: the monitor did not see it.
        assert!((monitor.totals().total_s() - 35.0).abs() < 1e-6);
        // Back in the same posture: the evidence starts from nothing, so 29 s do not prompt.
        let events = feed(&mut monitor, Verdict::ForwardHead, 35.5, 64.5, 0.5);
        assert!(events.iter().all(|e| e.as_prompt().is_none()), "{events:?}");
        assert_eq!(monitor.state(), MonitorState::Drifting);
    }

    #[test]
    fn a_short_unseen_gap_keeps_presence_but_not_the_posture_evidence() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::ForwardHead, 0.0, 25.0, 0.5);
        let events = monitor.control(25.0, Control::TimeUnseen { seconds: 4.0 });
        assert_eq!(monitor.totals().breaks_taken, 0);
        assert!(
            events.iter().any(|e| matches!(
                e,
                Event::StateChanged {
                    to: MonitorState::Upright,
                    reason: Reason::TimeUnseen,
                    ..
                }
            )),
            "{events:?}"
        );
        // Paused: nothing changes but the held frame.
        monitor.control(26.0, Control::Pause);
        assert!(
            monitor
                .control(27.0, Control::TimeUnseen { seconds: 3_600.0 })
                .is_empty()
        );
        assert_eq!(monitor.state(), MonitorState::Paused);
        assert_eq!(monitor.totals().breaks_taken, 0);
    }

    #[test]
    fn a_long_hold_is_a_break_and_a_short_one_is_not() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::Upright, 0.0, 10.0, 0.5);
        monitor.control(
            10.0,
            Control::Hold {
                reason: HoldReason::ScreenLocked,
            },
        );
        assert_eq!(monitor.state(), MonitorState::Paused);
        assert_eq!(monitor.status().held_by, Some(HoldReason::ScreenLocked));
        monitor.control(
            40.0,
            Control::Release {
                reason: HoldReason::ScreenLocked,
            },
        );
        assert_eq!(monitor.totals().breaks_taken, 0, "30 s locked is no break");
        assert_eq!(monitor.state(), MonitorState::Upright);
        monitor.control(
            50.0,
            Control::Hold {
                reason: HoldReason::Asleep,
            },
        );
        // Asleep: the monotonic clock stands still, the time is unseen.
        monitor.control(50.5, Control::TimeUnseen { seconds: 3_600.0 });
        let events = monitor.control(
            51.0,
            Control::Release {
                reason: HoldReason::Asleep,
            },
        );
        assert_eq!(monitor.totals().breaks_taken, 1, "{events:?}");
        assert_ne!(monitor.state(), MonitorState::Paused);
        feed(&mut monitor, Verdict::Upright, 51.5, 53.0, 0.5);
        assert_eq!(monitor.state(), MonitorState::Upright);
    }

    #[test]
    fn rejects_an_invalid_config() {
        let config = MonitorConfig {
            slouch_delay_s: -1.0,
            ..MonitorConfig::default()
        };
        assert!(Monitor::new(config).is_err());
    }

    #[test]
    fn starts_calibrating_and_ignores_frames_until_calibrated() {
        let mut monitor = Monitor::new(MonitorConfig::default()).unwrap();
        assert_eq!(monitor.state(), MonitorState::Calibrating);
        let events = feed(&mut monitor, Verdict::Slouch, 0.0, 120.0, 0.5);
        assert!(events.is_empty(), "{events:?}");
        let events = monitor.control(120.0, Control::CalibrationFinished { subject: None });
        assert_eq!(
            events,
            vec![Event::StateChanged {
                from: MonitorState::Calibrating,
                to: MonitorState::Upright,
                at_s: 120.0,
                reason: Reason::CalibrationFinished,
            }]
        );
        assert_eq!(monitor.totals().calibrating_s, 119.5 + 0.5);
    }

    #[test]
    fn first_bad_frame_drifts_and_a_fading_fault_returns_to_upright() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::Upright, 0.0, 10.0, 0.5);
        let events = feed(&mut monitor, Verdict::ForwardHead, 10.0, 14.0, 0.5);
        assert!(matches!(
            events.as_slice(),
            [Event::StateChanged {
                to: MonitorState::Drifting,
                reason: Reason::FaultSeen,
                ..
            }]
        ));
        // 4 s of evidence leaks away in 4 s of upright at the default rate of 1.
        let events = feed(&mut monitor, Verdict::Upright, 14.0, 20.0, 0.5);
        match events.as_slice() {
            [Event::StateChanged { to, at_s, .. }] => {
                assert_eq!(*to, MonitorState::Upright);
                assert!((at_s - 18.0).abs() < 1e-6, "{at_s}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn status_reports_fault_evidence_and_thresholds() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::RoundedShoulders, 0.0, 10.0, 0.5);
        let status = monitor.status();
        assert_eq!(status.state, MonitorState::Drifting);
        assert_eq!(status.fault, Some(Fault::RoundedShoulders));
        assert!((status.slouch_evidence_s - 9.5).abs() < 1e-9);
        assert_eq!(status.thresholds, monitor.config().enter_thresholds());
        feed(&mut monitor, Verdict::RoundedShoulders, 10.0, 40.0, 0.5);
        assert_eq!(monitor.state(), MonitorState::Slouching);
        assert_eq!(
            monitor.active_thresholds(),
            monitor.config().exit_thresholds()
        );
        let json = serde_json::to_value(monitor.status()).unwrap();
        assert_eq!(json["state"], "slouching");
        assert_eq!(json["fault"], "rounded_shoulders");
    }

    #[test]
    fn time_going_backwards_is_clamped() {
        let mut monitor = calibrated();
        feed(&mut monitor, Verdict::Upright, 0.0, 10.0, 0.5);
        monitor.observe(&Observation::new(5.0, Verdict::Upright));
        monitor.observe(&Observation::new(f64::NAN, Verdict::Upright));
        monitor.tick(10.0);
        assert!((monitor.totals().total_s() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn next_level_climbs_holds_and_caps() {
        assert_eq!(next_level(1, false, 3), 2);
        assert_eq!(next_level(3, false, 3), 3);
        assert_eq!(next_level(2, true, 3), 2);
        assert_eq!(next_level(0, true, 3), 1);
        assert_eq!(next_level(1, false, 1), 1);
    }

    #[test]
    fn tally_means_and_dominant_fault() {
        let mut tally = Tally::default();
        let dev = |h: f32| Deviations {
            forward_head_dev_deg: Some(h),
            rounded_shoulder_dev_deg: None,
            lateral_dev_deg: Some(-h),
        };
        tally.add(Fault::ForwardHead, &dev(10.0), 3.0);
        tally.add(Fault::ForwardHead, &dev(14.0), 1.0);
        tally.add(Fault::Leaning, &dev(2.0), 2.0);
        assert_eq!(tally.dominant(), Some(Fault::ForwardHead));
        let fallback = Deviations {
            rounded_shoulder_dev_deg: Some(4.0),
            ..Deviations::default()
        };
        let means = tally.means(&fallback);
        assert!((means.forward_head_dev_deg.unwrap() - 8.0).abs() < 1e-5);
        assert_eq!(means.rounded_shoulder_dev_deg, Some(4.0));
        assert!((means.lateral_dev_deg.unwrap() - 8.0).abs() < 1e-5);
        assert_eq!(Tally::default().dominant(), None);
    }
}
