//! The history's vocabulary: the monitor states as they are stored, one per-second [`Sample`],
//! and one [`StoredEvent`] (a kind plus a JSON detail), as plain serde types shared by the
//! recorder, the queries and the exports.

use serde::{Deserialize, Serialize};

/// The state shown to the user, as recorded. The names (snake_case) are those of
/// `monitor::MonitorState`; the numeric [`State::code`] is what the database stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Sitting within the thresholds.
    Upright,
    /// A fault was seen but has not persisted long enough to prompt.
    Drifting,
    /// A fault persisted; prompts are due.
    Slouching,
    /// Nobody (of ours) in view.
    Away,
    /// The user paused monitoring.
    Paused,
    /// The user snoozed prompts.
    Snoozed,
    /// The camera is not delivering frames.
    CameraProblem,
    /// No baseline yet, or a calibration is running.
    Calibrating,
}

impl State {
    /// Every state, in a stable order (the order of [`StateDurations`] and of the codes).
    pub const ALL: [State; 8] = [
        State::Upright,
        State::Drifting,
        State::Slouching,
        State::Away,
        State::Paused,
        State::Snoozed,
        State::CameraProblem,
        State::Calibrating,
    ];

    /// The snake_case name used in JSON, CSV and the monitor.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Upright => "upright",
            State::Drifting => "drifting",
            State::Slouching => "slouching",
            State::Away => "away",
            State::Paused => "paused",
            State::Snoozed => "snoozed",
            State::CameraProblem => "camera_problem",
            State::Calibrating => "calibrating",
        }
    }

    /// The state with this snake_case name.
    pub fn from_name(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The number stored in the database (1..=8; never reused or renumbered).
    pub fn code(self) -> i64 {
        match self {
            State::Upright => 1,
            State::Drifting => 2,
            State::Slouching => 3,
            State::Away => 4,
            State::Paused => 5,
            State::Snoozed => 6,
            State::CameraProblem => 7,
            State::Calibrating => 8,
        }
    }

    /// The state stored as this number.
    pub fn from_code(code: i64) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Index into [`State::ALL`] (and [`StateDurations`]).
    pub fn index(self) -> usize {
        // Codes are 1..=8 in the order of ALL.
        (self.code() - 1) as usize
    }

    /// The colour band of the day view this state belongs to.
    pub fn band(self) -> Band {
        match self {
            State::Upright | State::Drifting => Band::Upright,
            State::Slouching => Band::Slouching,
            State::Away => Band::Away,
            State::Paused | State::Snoozed | State::Calibrating => Band::Paused,
            State::CameraProblem => Band::NoCamera,
        }
    }

    /// Posture was judged in this state (the person was there and monitoring ran).
    pub fn is_present(self) -> bool {
        matches!(self, State::Upright | State::Drifting | State::Slouching)
    }

    /// Monitoring was running in this state (everything but paused and a camera problem).
    pub fn is_monitored(self) -> bool {
        !matches!(self, State::Paused | State::CameraProblem)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five colours of the day view's band. `drifting` shows as upright (no prompt was due),
/// snoozed and calibrating as paused (posture was not judged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Upright or drifting.
    Upright,
    /// Slouching.
    Slouching,
    /// Away from the desk.
    Away,
    /// Paused, snoozed or calibrating.
    Paused,
    /// The camera did not deliver frames.
    NoCamera,
}

/// Milliseconds spent in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDurations {
    /// Per state, in the order of [`State::ALL`].
    ms: [i64; 8],
}

impl StateDurations {
    /// Milliseconds in `state`.
    pub fn get(&self, state: State) -> i64 {
        self.ms[state.index()]
    }

    /// Adds `ms` milliseconds of `state`.
    pub fn add(&mut self, state: State, ms: i64) {
        self.ms[state.index()] += ms;
    }

    /// Adds every state of `other`.
    pub fn add_all(&mut self, other: &StateDurations) {
        for (mine, theirs) in self.ms.iter_mut().zip(other.ms) {
            *mine += theirs;
        }
    }

    /// All recorded time.
    pub fn total_ms(&self) -> i64 {
        self.ms.iter().sum()
    }

    /// Time with posture judged (upright, drifting, slouching).
    pub fn present_ms(&self) -> i64 {
        self.sum_where(State::is_present)
    }

    /// Time with monitoring running (all but paused and camera problems).
    pub fn monitored_ms(&self) -> i64 {
        self.sum_where(State::is_monitored)
    }

    /// Share of present time spent upright (drifting and slouching count against it); `None`
    /// without present time.
    pub fn upright_share(&self) -> Option<f32> {
        let present = self.present_ms();
        (present > 0).then(|| self.get(State::Upright) as f32 / present as f32)
    }

    /// The state with the most time, if any time was recorded (ties go to the first in
    /// [`State::ALL`]).
    pub fn dominant(&self) -> Option<State> {
        let mut best: Option<(State, i64)> = None;
        for state in State::ALL {
            let ms = self.get(state);
            if ms > 0 && best.is_none_or(|(_, b)| ms > b) {
                best = Some((state, ms));
            }
        }
        best.map(|(state, _)| state)
    }

    /// `(state, ms)` for every state, in the order of [`State::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (State, i64)> + '_ {
        State::ALL.into_iter().map(|s| (s, self.get(s)))
    }

    fn sum_where(&self, keep: fn(State) -> bool) -> i64 {
        self.iter()
            .filter(|(s, _)| keep(*s))
            .map(|(_, ms)| ms)
            .sum()
    }
}

/// One second of monitoring: the state and the main deviations. The recorder keeps at most one
/// sample per second (the first of each second); each stored sample stands for one second, so
/// feed it at least once a second in every state, including paused (from a timer when no
/// frames arrive).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// When, UTC unix milliseconds.
    pub time_ms: i64,
    /// The state shown to the user.
    pub state: State,
    /// Forward-head deviation from the baseline, degrees (stored to 0.01°).
    pub forward_head_dev_deg: Option<f32>,
    /// Rounded-shoulder deviation from the baseline, degrees (stored to 0.01°).
    pub rounded_shoulder_dev_deg: Option<f32>,
    /// How sure the pose and geometry were, 0..1 (stored to 0.001).
    pub confidence: f32,
}

impl Sample {
    /// A sample with a state only: no deviations, zero confidence (e.g. while paused).
    pub fn state_only(time_ms: i64, state: State) -> Sample {
        Sample {
            time_ms,
            state,
            forward_head_dev_deg: None,
            rounded_shoulder_dev_deg: None,
            confidence: 0.0,
        }
    }
}

/// What kind of thing happened. Stored as its snake_case name; a name this build does not know
/// (written by a newer one) reads back as [`EventKind::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The state shown to the user changed (`from`, `to`, `reason`).
    StateChange,
    /// A posture prompt (`fault`, `level`, `reason` text, `exercise` id, deviations).
    Prompt,
    /// A reminder to take a break (`level`, `present_s`).
    BreakReminder,
    /// A break was counted (`source`: away or exercise).
    Break,
    /// The user snoozed prompts (`minutes`).
    Snooze,
    /// A snooze ended (`early`).
    SnoozeEnd,
    /// The user paused monitoring.
    Pause,
    /// The user resumed monitoring.
    Resume,
    /// A calibration started, finished or was cancelled (`phase`).
    Calibration,
    /// The camera stopped working (`kind`).
    CameraFault,
    /// The camera works again.
    CameraOk,
    /// A recalibration was suggested (`reason`).
    RecalibrateSuggestion,
    /// The user dismissed a prompt (`prompt`: its kind).
    Acknowledged,
    /// The user did the suggested exercise (`prompt`: its kind, `exercise` id if known).
    ExerciseDone,
    /// The wall clock jumped against the monotonic one (`from_ms`, the last time before it;
    /// `gap_ms`, how far, negative when set back): a suspend, or the time set by hand. The
    /// running session ends at `from_ms` and a new one starts.
    ClockJump,
    /// A kind this build does not know.
    Other(String),
}

impl EventKind {
    /// Every known kind, in a stable order.
    pub const KNOWN: [EventKind; 15] = [
        EventKind::StateChange,
        EventKind::Prompt,
        EventKind::BreakReminder,
        EventKind::Break,
        EventKind::Snooze,
        EventKind::SnoozeEnd,
        EventKind::Pause,
        EventKind::Resume,
        EventKind::Calibration,
        EventKind::CameraFault,
        EventKind::CameraOk,
        EventKind::RecalibrateSuggestion,
        EventKind::Acknowledged,
        EventKind::ExerciseDone,
        EventKind::ClockJump,
    ];

    /// The snake_case name stored in the database and exports.
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::StateChange => "state_change",
            EventKind::Prompt => "prompt",
            EventKind::BreakReminder => "break_reminder",
            EventKind::Break => "break",
            EventKind::Snooze => "snooze",
            EventKind::SnoozeEnd => "snooze_end",
            EventKind::Pause => "pause",
            EventKind::Resume => "resume",
            EventKind::Calibration => "calibration",
            EventKind::CameraFault => "camera_fault",
            EventKind::CameraOk => "camera_ok",
            EventKind::RecalibrateSuggestion => "recalibrate_suggestion",
            EventKind::Acknowledged => "acknowledged",
            EventKind::ExerciseDone => "exercise_done",
            EventKind::ClockJump => "clock_jump",
            EventKind::Other(name) => name,
        }
    }

    /// The kind with this name ([`EventKind::Other`] when unknown).
    pub fn from_name(name: &str) -> EventKind {
        EventKind::KNOWN
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or_else(|| EventKind::Other(name.to_string()))
    }

    /// Shown as a marker on the day view (everything but state changes, which the band
    /// already shows, and acknowledgements).
    pub fn is_marker(&self) -> bool {
        !matches!(
            self,
            EventKind::StateChange | EventKind::Acknowledged | EventKind::Other(_)
        )
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(EventKind::from_name(&name))
    }
}

/// Something that happened, with its details as JSON (an object; the keys per kind are listed
/// on [`EventKind`]). Monitor events map onto these in `wiring::history`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// When, UTC unix milliseconds.
    pub time_ms: i64,
    /// What happened.
    pub kind: EventKind,
    /// The details; `{}` when there are none.
    pub detail: serde_json::Value,
}

impl StoredEvent {
    /// An event with no details.
    pub fn new(time_ms: i64, kind: EventKind) -> StoredEvent {
        StoredEvent {
            time_ms,
            kind,
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// The same event with one more detail (the detail becomes an object if it was not one).
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> StoredEvent {
        if !self.detail.is_object() {
            self.detail = serde_json::Value::Object(serde_json::Map::new());
        }
        if let serde_json::Value::Object(map) = &mut self.detail {
            map.insert(key.to_string(), value.into());
        }
        self
    }
}

/// Why monitoring was paused, as the history keeps it (stable snake_case codes: the
/// `reason` of a state change to `paused`, or a forward clock jump).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseCause {
    /// The user paused.
    ByUser,
    /// The screen was locked.
    ScreenLocked,
    /// The computer slept (announced by logind, or seen as a forward clock jump).
    Asleep,
    /// Another app had the camera.
    CameraInUse,
}

impl PauseCause {
    /// The cause of a state change to `paused` with this `reason` (`None`: not a pause).
    pub fn from_state_reason(reason: &str) -> Option<PauseCause> {
        Some(match reason {
            "paused" => PauseCause::ByUser,
            "screen_locked" => PauseCause::ScreenLocked,
            "asleep" => PauseCause::Asleep,
            "camera_in_use" => PauseCause::CameraInUse,
            _ => return None,
        })
    }

    /// In words, for the report and the day view.
    pub fn words(self) -> &'static str {
        match self {
            PauseCause::ByUser => "paused by you",
            PauseCause::ScreenLocked => "screen locked",
            PauseCause::Asleep => "asleep",
            PauseCause::CameraInUse => "camera in use by another app",
        }
    }
}

/// A stretch of the day without monitoring, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PauseSpan {
    /// Start, UTC unix ms.
    pub start_ms: i64,
    /// End (exclusive), UTC unix ms.
    pub end_ms: i64,
    pub cause: PauseCause,
}

/// One run of the recorder: from start until it stopped (or, after a crash, its last commit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Row id.
    pub id: i64,
    /// Start, UTC unix milliseconds.
    pub start_ms: i64,
    /// End (or last commit while running or after a crash), UTC unix milliseconds.
    pub end_ms: i64,
    /// True when the recorder shut down cleanly.
    pub clean_exit: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_and_codes_round_trip() {
        for (i, state) in State::ALL.into_iter().enumerate() {
            assert_eq!(State::from_name(state.as_str()), Some(state));
            assert_eq!(State::from_code(state.code()), Some(state));
            assert_eq!(state.index(), i);
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{}\"", state.as_str())
            );
        }
        assert_eq!(State::from_code(0), None);
        assert_eq!(State::from_name("melted"), None);
    }

    #[test]
    fn event_kinds_round_trip_and_keep_unknown_names() {
        for kind in EventKind::KNOWN {
            assert_eq!(EventKind::from_name(kind.as_str()), kind);
        }
        let unknown = EventKind::from_name("teleported");
        assert_eq!(unknown, EventKind::Other("teleported".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"teleported\"");
    }

    #[test]
    fn durations_sum_by_presence_and_monitoring() {
        let mut d = StateDurations::default();
        d.add(State::Upright, 6_000);
        d.add(State::Slouching, 2_000);
        d.add(State::Drifting, 2_000);
        d.add(State::Away, 5_000);
        d.add(State::Paused, 7_000);
        assert_eq!(d.present_ms(), 10_000);
        assert_eq!(d.monitored_ms(), 15_000);
        assert_eq!(d.total_ms(), 22_000);
        assert_eq!(d.upright_share(), Some(0.6));
        assert_eq!(d.dominant(), Some(State::Paused));
        assert_eq!(StateDurations::default().upright_share(), None);
    }

    #[test]
    fn with_adds_details_to_an_object() {
        let e = StoredEvent::new(5, EventKind::Snooze).with("minutes", 15);
        assert_eq!(e.detail, serde_json::json!({"minutes": 15}));
    }
}
