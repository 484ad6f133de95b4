//! What goes into the posture state machine (analysed frames, user and camera controls) and what
//! comes out (state changes, prompts, break and snooze events), as plain serde types so a run
//! can be logged, replayed and asserted on.

use serde::{Deserialize, Serialize};

use crate::camera::CameraFault;
use crate::verdict::Verdict;

/// Where the person sits in the frame, normalised to the frame: centre in 0..1 of the width and
/// height, `size` a linear size (e.g. shoulder width or box height) as a fraction of the width.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubjectBox {
    /// Horizontal centre, 0 = left edge, 1 = right edge.
    pub center_x: f32,
    /// Vertical centre, 0 = top edge, 1 = bottom edge.
    pub center_y: f32,
    /// Linear size as a fraction of the frame width.
    pub size: f32,
}

/// One analysed frame, as the geometry judged it against the calibrated baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Timestamp of the frame, seconds on any monotonic clock the caller chooses.
    pub time_s: f64,
    /// The geometry's verdict.
    pub verdict: Verdict,
    /// Forward-head deviation from the baseline, degrees (positive = further forward).
    #[serde(default)]
    pub forward_head_dev_deg: Option<f32>,
    /// Rounded-shoulder deviation from the baseline, degrees (positive = more rounded).
    #[serde(default)]
    pub rounded_shoulder_dev_deg: Option<f32>,
    /// Sideways lean or tilt from the baseline, degrees (sign = side; magnitude is judged).
    #[serde(default)]
    pub lateral_dev_deg: Option<f32>,
    /// How sure the pose and geometry are, 0..1.
    pub confidence: f32,
    /// Where the judged person is in the frame, if the caller knows.
    #[serde(default)]
    pub subject: Option<SubjectBox>,
}

impl Observation {
    /// A frame with a verdict only: full confidence, no deviations, no subject box.
    pub fn new(time_s: f64, verdict: Verdict) -> Observation {
        Observation {
            time_s,
            verdict,
            forward_head_dev_deg: None,
            rounded_shoulder_dev_deg: None,
            lateral_dev_deg: None,
            confidence: 1.0,
            subject: None,
        }
    }

    /// The deviations carried by this frame (non-finite numbers dropped).
    pub fn deviations(&self) -> Deviations {
        Deviations {
            forward_head_dev_deg: self.forward_head_dev_deg.filter(|v| v.is_finite()),
            rounded_shoulder_dev_deg: self.rounded_shoulder_dev_deg.filter(|v| v.is_finite()),
            lateral_dev_deg: self.lateral_dev_deg.filter(|v| v.is_finite()),
        }
    }
}

/// Deviations from the calibrated baseline in degrees; `None` where not measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deviations {
    /// Forward-head deviation, degrees.
    pub forward_head_dev_deg: Option<f32>,
    /// Rounded-shoulder deviation, degrees.
    pub rounded_shoulder_dev_deg: Option<f32>,
    /// Sideways lean, degrees.
    pub lateral_dev_deg: Option<f32>,
}

/// What went wrong with the camera: the kind of a [`CameraFault`], without its details (the
/// monitor only needs the kind). Mapped from the fault by an exhaustive match, so a new fault
/// cannot silently become `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraFaultKind {
    /// No camera found.
    NotFound,
    /// Another application holds the camera (e.g. a video call).
    Busy,
    /// The device was disconnected.
    Unplugged,
    /// The operating system refused access.
    PermissionDenied,
    /// The picture is black (lens covered, privacy shutter).
    Black,
    /// The picture stopped changing.
    Frozen,
    /// Anything else; the capture thread's log has the details.
    Other,
}

impl CameraFaultKind {
    /// Every kind, in a stable order.
    pub const ALL: [CameraFaultKind; 7] = [
        CameraFaultKind::NotFound,
        CameraFaultKind::Busy,
        CameraFaultKind::Unplugged,
        CameraFaultKind::PermissionDenied,
        CameraFaultKind::Black,
        CameraFaultKind::Frozen,
        CameraFaultKind::Other,
    ];

    /// The snake_case name (as in JSON and `camera::CameraFault::kind()`).
    pub fn as_str(self) -> &'static str {
        match self {
            CameraFaultKind::NotFound => "not_found",
            CameraFaultKind::Busy => "busy",
            CameraFaultKind::Unplugged => "unplugged",
            CameraFaultKind::PermissionDenied => "permission_denied",
            CameraFaultKind::Black => "black",
            CameraFaultKind::Frozen => "frozen",
            CameraFaultKind::Other => "other",
        }
    }

    /// The kind with this snake_case name; anything unknown is `Other`.
    pub fn from_name(name: &str) -> CameraFaultKind {
        CameraFaultKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .unwrap_or(CameraFaultKind::Other)
    }
}

impl From<&CameraFault> for CameraFaultKind {
    fn from(fault: &CameraFault) -> CameraFaultKind {
        match fault {
            CameraFault::NotFound(_) => CameraFaultKind::NotFound,
            CameraFault::Busy => CameraFaultKind::Busy,
            CameraFault::Unplugged => CameraFaultKind::Unplugged,
            CameraFault::PermissionDenied(_) => CameraFaultKind::PermissionDenied,
            CameraFault::Black => CameraFaultKind::Black,
            CameraFault::Frozen => CameraFaultKind::Frozen,
            CameraFault::Other(_) => CameraFaultKind::Other,
        }
    }
}

/// What the monitor asks the user to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    /// Fix a posture fault.
    Posture,
    /// The baseline looks stale: calibrate again.
    Recalibrate,
    /// Get up and move.
    Break,
}

/// A user or camera event, given to the monitor with its timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "control", rename_all = "snake_case")]
pub enum Control {
    /// The user started a calibration: monitoring waits, pause and snooze end.
    CalibrationStarted,
    /// Calibration finished; `subject` is where the calibrated person sat, if known.
    CalibrationFinished {
        /// The calibrated person's box, used to ignore anyone else.
        subject: Option<SubjectBox>,
    },
    /// The user cancelled a calibration; the previous baseline (if any) stays.
    CalibrationCancelled,
    /// Monitoring paused until `Resume`.
    Pause,
    /// Monitoring on again now: ends a pause and any snooze.
    Resume,
    /// No prompts and no timers for this many minutes (0 ends a running snooze).
    Snooze {
        /// Minutes to snooze, e.g. 15, 30 or 60.
        minutes: u32,
    },
    /// The camera stopped working.
    CameraFault {
        /// What went wrong.
        kind: CameraFaultKind,
    },
    /// The camera works again.
    CameraOk,
    /// The system holds monitoring (the screen locked, the machine going to sleep, another
    /// app using the camera): like a pause, but not the user's, so the user's own pause and
    /// resume are kept apart from it. Several reasons can hold at once.
    Hold {
        /// Why.
        reason: HoldReason,
    },
    /// That reason no longer holds; monitoring goes on when none does (and the user has not
    /// paused), starting posture afresh.
    Release {
        /// Which reason ended.
        reason: HoldReason,
    },
    /// Time passed that the monitor did not see: the machine slept (the monotonic clock the
    /// monitor runs on stops meanwhile) or the clock was set forward. Counts as time away;
    /// nothing seen before it carries over.
    TimeUnseen {
        /// How long, seconds.
        seconds: f64,
    },
    /// The user saw a prompt of this kind and dismissed it.
    Acknowledged {
        /// Which prompt.
        kind: PromptKind,
    },
    /// The user did the suggested exercise for a prompt of this kind.
    ExerciseDone {
        /// Which prompt.
        kind: PromptKind,
    },
}

/// Why the system holds monitoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// The screen is locked.
    ScreenLocked,
    /// The machine is asleep (suspended or hibernating).
    Asleep,
    /// Another app (a video call) has the camera.
    CameraInUse,
}

impl HoldReason {
    /// Every reason, in a stable order.
    pub const ALL: [HoldReason; 3] = [
        HoldReason::ScreenLocked,
        HoldReason::Asleep,
        HoldReason::CameraInUse,
    ];

    /// The reason as the monitor reports it in a state change.
    pub fn state_reason(self) -> Reason {
        match self {
            HoldReason::ScreenLocked => Reason::ScreenLocked,
            HoldReason::Asleep => Reason::Asleep,
            HoldReason::CameraInUse => Reason::CameraInUse,
        }
    }
}

/// Everything the monitor can be fed, for logging and replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// An analysed frame.
    Frame(Observation),
    /// A control, at a time.
    Control {
        /// When it happened, seconds on the same clock as the frames.
        time_s: f64,
        /// What happened.
        control: Control,
    },
    /// Time passed with nothing else to say (e.g. while paused, so a snooze can end).
    Tick {
        /// The current time, seconds on the same clock as the frames.
        time_s: f64,
    },
}

/// The monitor's state, as the UI shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorState {
    /// No baseline yet, or a calibration is running.
    Calibrating,
    /// Sitting within the thresholds.
    Upright,
    /// A posture fault was seen but has not persisted long enough to prompt.
    Drifting,
    /// A posture fault persisted; prompts are due.
    Slouching,
    /// Nobody (or only someone other than the calibrated person) in view.
    Away,
    /// The user paused monitoring.
    Paused,
    /// The user snoozed prompts for a while.
    Snoozed,
    /// The camera is not delivering frames.
    CameraProblem,
}

impl MonitorState {
    /// Every state, in a stable order.
    pub const ALL: [MonitorState; 8] = [
        MonitorState::Calibrating,
        MonitorState::Upright,
        MonitorState::Drifting,
        MonitorState::Slouching,
        MonitorState::Away,
        MonitorState::Paused,
        MonitorState::Snoozed,
        MonitorState::CameraProblem,
    ];

    /// The snake_case name, as in JSON and `plumbline status`.
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorState::Calibrating => "calibrating",
            MonitorState::Upright => "upright",
            MonitorState::Drifting => "drifting",
            MonitorState::Slouching => "slouching",
            MonitorState::Away => "away",
            MonitorState::Paused => "paused",
            MonitorState::Snoozed => "snoozed",
            MonitorState::CameraProblem => "camera_problem",
        }
    }
}

/// A posture fault the monitor prompts about, or the static load a break addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Head forward of the shoulders.
    ForwardHead,
    /// Shoulders drawn forward.
    RoundedShoulders,
    /// Forward head and rounded shoulders together.
    Slouch,
    /// Leaning or bending sideways.
    Leaning,
    /// Sitting still too long, whatever the posture.
    StaticLoad,
}

impl Fault {
    /// Every fault, in a stable order.
    pub const ALL: [Fault; 5] = [
        Fault::ForwardHead,
        Fault::RoundedShoulders,
        Fault::Slouch,
        Fault::Leaning,
        Fault::StaticLoad,
    ];

    /// The posture faults a frame can show (everything but static load), in a stable order.
    pub const POSTURE: [Fault; 4] = [
        Fault::ForwardHead,
        Fault::RoundedShoulders,
        Fault::Slouch,
        Fault::Leaning,
    ];

    /// The fault a verdict describes, if it is a posture fault.
    pub fn from_verdict(verdict: Verdict) -> Option<Fault> {
        match verdict {
            Verdict::ForwardHead => Some(Fault::ForwardHead),
            Verdict::RoundedShoulders => Some(Fault::RoundedShoulders),
            Verdict::Slouch => Some(Fault::Slouch),
            Verdict::Leaning => Some(Fault::Leaning),
            _ => None,
        }
    }

    /// The snake_case name used in JSON, TOML and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::ForwardHead => "forward_head",
            Fault::RoundedShoulders => "rounded_shoulders",
            Fault::Slouch => "slouch",
            Fault::Leaning => "leaning",
            Fault::StaticLoad => "static_load",
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the monitor changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A calibration started.
    CalibrationStarted,
    /// A calibration finished.
    CalibrationFinished,
    /// A calibration was cancelled.
    CalibrationCancelled,
    /// A posture fault was seen.
    FaultSeen,
    /// A posture fault persisted past the slouch delay.
    FaultPersisted,
    /// The fault faded before it persisted.
    FaultFaded,
    /// Good posture was held long enough to leave `slouching`.
    UprightHeld,
    /// Nobody of ours in view for the away delay.
    NobodyInView,
    /// The calibrated person is back in view.
    PersonReturned,
    /// The user paused monitoring.
    Paused,
    /// The user resumed monitoring.
    Resumed,
    /// The user snoozed prompts.
    Snoozed,
    /// The snooze ran out.
    SnoozeEnded,
    /// The camera reported a fault.
    CameraFault,
    /// The camera works again.
    CameraOk,
    /// Away long enough to count as a break: monitoring starts afresh.
    BreakTaken,
    /// Time passed unseen (the machine slept): the user counts as away.
    TimeUnseen,
    /// The screen locked: monitoring is held.
    ScreenLocked,
    /// The machine went to sleep: monitoring is held.
    Asleep,
    /// Another app took the camera: monitoring is held.
    CameraInUse,
    /// What held monitoring ended (unlocked, awake, the camera free again).
    Released,
}

/// Why a recalibration is suggested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecalibrateReason {
    /// The geometry kept reporting `moved`: the camera or chair probably moved.
    Moved,
    /// Only a person unlike the calibrated one has been in view for a while: someone else, or
    /// the camera moved so far that the user no longer matches.
    SubjectMismatch,
}

/// How a break was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakSource {
    /// Away from the desk for the break duration.
    Away,
    /// The user reported doing the break exercise.
    Exercise,
}

/// A request to the user, for the coach to put into words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    /// When it was raised, seconds.
    pub at_s: f64,
    /// What is asked.
    pub kind: PromptKind,
    /// The dominant fault (posture prompts) or `static_load` (break reminders).
    pub fault: Option<Fault>,
    /// Mean deviations over the bad frames since the previous prompt of this episode.
    pub deviations: Deviations,
    /// Posture: present seconds since the fault was first seen. Break: present seconds without
    /// a break. Recalibrate: seconds of evidence for a stale baseline.
    pub lasted_s: f64,
    /// Escalation level, 1 for the first prompt, capped at the configured maximum.
    pub level: u8,
    /// Why a recalibration is suggested (recalibrate prompts only).
    pub recalibrate_reason: Option<RecalibrateReason>,
}

/// What the monitor reports after a step, in the order it happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The state shown to the user changed.
    StateChanged {
        /// The state before.
        from: MonitorState,
        /// The state now.
        to: MonitorState,
        /// When, seconds.
        at_s: f64,
        /// Why.
        reason: Reason,
    },
    /// Something to tell the user (posture, recalibrate or break).
    Prompt(Prompt),
    /// A break was counted; the break counter starts again.
    BreakTaken {
        /// When it was counted, seconds.
        at_s: f64,
        /// Away, or an exercise.
        source: BreakSource,
    },
    /// A snooze ended.
    SnoozeEnded {
        /// When, seconds.
        at_s: f64,
        /// True when ended by the user (resume, calibration, snooze 0) before it ran out.
        early: bool,
    },
}

impl Event {
    /// The prompt inside this event, if it is one.
    pub fn as_prompt(&self) -> Option<&Prompt> {
        match self {
            Event::Prompt(prompt) => Some(prompt),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialise_in_snake_case() {
        let names: Vec<String> = MonitorState::ALL
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"calibrating\"",
                "\"upright\"",
                "\"drifting\"",
                "\"slouching\"",
                "\"away\"",
                "\"paused\"",
                "\"snoozed\"",
                "\"camera_problem\""
            ]
        );
    }

    #[test]
    fn events_are_tagged_snake_case() {
        let event = Event::StateChanged {
            from: MonitorState::Upright,
            to: MonitorState::CameraProblem,
            at_s: 12.5,
            reason: Reason::CameraFault,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["event"], "state_changed");
        assert_eq!(json["to"], "camera_problem");
        for state in MonitorState::ALL {
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.as_str())
            );
        }
        assert_eq!(json["reason"], "camera_fault");

        let prompt = Event::Prompt(Prompt {
            at_s: 1.0,
            kind: PromptKind::Posture,
            fault: Some(Fault::ForwardHead),
            deviations: Deviations::default(),
            lasted_s: 31.0,
            level: 1,
            recalibrate_reason: None,
        });
        let json = serde_json::to_value(&prompt).unwrap();
        assert_eq!(json["event"], "prompt");
        assert_eq!(json["kind"], "posture");
        assert_eq!(json["fault"], "forward_head");
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, prompt);
    }

    #[test]
    fn inputs_round_trip_through_json() {
        let inputs = vec![
            Input::Frame(Observation::new(0.5, Verdict::LookingDown)),
            Input::Control {
                time_s: 1.0,
                control: Control::Snooze { minutes: 15 },
            },
            Input::Control {
                time_s: 2.0,
                control: Control::CameraFault {
                    kind: CameraFaultKind::Busy,
                },
            },
            Input::Tick { time_s: 3.0 },
        ];
        let json = serde_json::to_string(&inputs).unwrap();
        assert!(json.contains("\"control\":\"snooze\""), "{json}");
        let back: Vec<Input> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, inputs);
    }

    #[test]
    fn every_posture_verdict_maps_to_a_fault() {
        for verdict in Verdict::ALL {
            assert_eq!(
                Fault::from_verdict(verdict).is_some(),
                verdict.is_posture_fault(),
                "{verdict}"
            );
        }
        for fault in Fault::ALL {
            assert_eq!(
                serde_json::to_string(&fault).unwrap(),
                format!("\"{}\"", fault.as_str())
            );
        }
    }

    #[test]
    fn camera_fault_kinds_map_from_their_names() {
        for kind in CameraFaultKind::ALL {
            assert_eq!(CameraFaultKind::from_name(kind.as_str()), kind);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
        assert_eq!(CameraFaultKind::from_name("melted"), CameraFaultKind::Other);
    }

    #[test]
    fn camera_faults_keep_their_kind_and_its_name() {
        let faults = [
            CameraFault::NotFound("/dev/video0".into()),
            CameraFault::Busy,
            CameraFault::Unplugged,
            CameraFault::PermissionDenied("EACCES".into()),
            CameraFault::Black,
            CameraFault::Frozen,
            CameraFault::Other("EIO".into()),
        ];
        let kinds: Vec<CameraFaultKind> = faults.iter().map(CameraFaultKind::from).collect();
        assert_eq!(kinds, CameraFaultKind::ALL);
        for (fault, kind) in faults.iter().zip(kinds) {
            // The stored name (the fault's `kind()`) is the kind's name too.
            assert_eq!(fault.kind(), kind.as_str());
        }
    }

    #[test]
    fn non_finite_deviations_are_dropped() {
        let mut obs = Observation::new(0.0, Verdict::Upright);
        obs.forward_head_dev_deg = Some(f32::NAN);
        obs.rounded_shoulder_dev_deg = Some(3.0);
        let dev = obs.deviations();
        assert_eq!(dev.forward_head_dev_deg, None);
        assert_eq!(dev.rounded_shoulder_dev_deg, Some(3.0));
    }
}
