//! What monitoring puts in the history: the monitor's vocabulary ([`crate::monitor`]) mapped
//! to the store's (states one to one, observations to samples, events to [`StoredEvent`]s with
//! the store's own versioned details, `store::event_detail`, every code given by an
//! exhaustive match here), and [`record_step`], which hands each pipeline step to the
//! recorder. The monitor's times
//! are seconds on its monotonic clock; a [`ClockAnchor`] turns them into UTC milliseconds.
//! This is wiring: the store itself knows nothing of the monitor or the pipeline.

pub use crate::clock::ClockAnchor;
use crate::monitor::{
    BreakSource, CameraFaultKind, Event, Fault, MonitorState, Observation, Prompt, PromptKind,
    Reason, RecalibrateReason,
};
use crate::pipeline::{CalibrationProgress, StepOutput};
use crate::store::event_detail::{
    BreakDetail, CalibrationDetail, CameraFaultDetail, ClockJumpDetail, DeviationsDetail,
    PromptDetail, SnoozeEndDetail, StateChangeDetail,
};
use crate::store::{EventKind, RecorderHandle, Sample, State, StoredEvent};

impl From<MonitorState> for State {
    fn from(state: MonitorState) -> State {
        match state {
            MonitorState::Calibrating => State::Calibrating,
            MonitorState::Upright => State::Upright,
            MonitorState::Drifting => State::Drifting,
            MonitorState::Slouching => State::Slouching,
            MonitorState::Away => State::Away,
            MonitorState::Paused => State::Paused,
            MonitorState::Snoozed => State::Snoozed,
            MonitorState::CameraProblem => State::CameraProblem,
        }
    }
}

/// A sample from an analysed frame and the state the monitor is in after it.
pub fn sample_from_observation(
    observation: &Observation,
    state: MonitorState,
    clock: &ClockAnchor,
) -> Sample {
    let deviations = observation.deviations();
    Sample {
        time_ms: clock.unix_ms(observation.time_s),
        state: state.into(),
        forward_head_dev_deg: deviations.forward_head_dev_deg,
        rounded_shoulder_dev_deg: deviations.rounded_shoulder_dev_deg,
        confidence: observation.confidence,
    }
}

/// The stored code of each reason for a state change. Exhaustive, so a new reason must be
/// given its code here; the codes are pinned by a test, so renaming a monitor variant does not
/// change what is on disk.
pub fn reason_code(reason: Reason) -> &'static str {
    match reason {
        Reason::CalibrationStarted => "calibration_started",
        Reason::CalibrationFinished => "calibration_finished",
        Reason::CalibrationCancelled => "calibration_cancelled",
        Reason::FaultSeen => "fault_seen",
        Reason::FaultPersisted => "fault_persisted",
        Reason::FaultFaded => "fault_faded",
        Reason::UprightHeld => "upright_held",
        Reason::NobodyInView => "nobody_in_view",
        Reason::PersonReturned => "person_returned",
        Reason::Paused => "paused",
        Reason::Resumed => "resumed",
        Reason::Snoozed => "snoozed",
        Reason::SnoozeEnded => "snooze_ended",
        Reason::CameraFault => "camera_fault",
        Reason::CameraOk => "camera_ok",
        Reason::BreakTaken => "break_taken",
        Reason::TimeUnseen => "time_unseen",
        Reason::ScreenLocked => "screen_locked",
        Reason::Asleep => "asleep",
        Reason::CameraInUse => "camera_in_use",
        Reason::Released => "released",
    }
}

fn prompt_kind_code(kind: PromptKind) -> &'static str {
    match kind {
        PromptKind::Posture => "posture",
        PromptKind::Break => "break",
        PromptKind::Recalibrate => "recalibrate",
    }
}

fn recalibrate_reason_code(reason: RecalibrateReason) -> &'static str {
    match reason {
        RecalibrateReason::Moved => "moved",
        RecalibrateReason::SubjectMismatch => "subject_mismatch",
    }
}

fn break_source_code(source: BreakSource) -> &'static str {
    match source {
        BreakSource::Away => "away",
        BreakSource::Exercise => "exercise",
    }
}

/// The stored kind of a prompt.
pub fn prompt_kind(prompt: &Prompt) -> EventKind {
    match prompt.kind {
        PromptKind::Posture => EventKind::Prompt,
        PromptKind::Break => EventKind::BreakReminder,
        PromptKind::Recalibrate => EventKind::RecalibrateSuggestion,
    }
}

/// What the coach told the user about a prompt: the reason in words, the exercise's id.
#[derive(Clone, Copy, Debug, Default)]
pub struct CoachWords<'a> {
    pub reason: Option<&'a str>,
    pub exercise: Option<&'a str>,
}

/// A monitor event as stored (prompts with what the coach said about them).
pub fn event_from_monitor(event: &Event, clock: &ClockAnchor, words: CoachWords) -> StoredEvent {
    match event {
        Event::StateChanged {
            from,
            to,
            at_s,
            reason,
        } => StoredEvent::with_detail(
            clock.unix_ms(*at_s),
            EventKind::StateChange,
            &StateChangeDetail {
                from: (*from).into(),
                to: (*to).into(),
                reason: reason_code(*reason),
            },
        ),
        Event::Prompt(prompt) => StoredEvent::with_detail(
            clock.unix_ms(prompt.at_s),
            prompt_kind(prompt),
            &PromptDetail {
                kind: prompt_kind_code(prompt.kind),
                fault: prompt.fault.map(Fault::as_str),
                deviations: DeviationsDetail {
                    forward_head_dev_deg: prompt.deviations.forward_head_dev_deg,
                    rounded_shoulder_dev_deg: prompt.deviations.rounded_shoulder_dev_deg,
                    lateral_dev_deg: prompt.deviations.lateral_dev_deg,
                },
                lasted_s: prompt.lasted_s,
                level: prompt.level,
                recalibrate_reason: prompt.recalibrate_reason.map(recalibrate_reason_code),
                reason: words.reason.map(str::to_string),
                exercise: words.exercise.map(str::to_string),
            },
        ),
        Event::BreakTaken { at_s, source } => StoredEvent::with_detail(
            clock.unix_ms(*at_s),
            EventKind::Break,
            &BreakDetail {
                source: break_source_code(*source),
            },
        ),
        Event::SnoozeEnded { at_s, early } => StoredEvent::with_detail(
            clock.unix_ms(*at_s),
            EventKind::SnoozeEnd,
            &SnoozeEndDetail { early: *early },
        ),
    }
}

/// Hands one step's numbers and events to the recorder (never blocks), stamped in UTC through
/// the step's own clock anchor. A clock jump ends the running session where the time before
/// it ended and starts a new one.
pub fn record_step(recorder: &RecorderHandle, output: &StepOutput) {
    let clock = &output.wall;
    if let Some(jump) = &output.clock_jump {
        recorder.event(StoredEvent::with_detail(
            jump.expected_ms,
            EventKind::ClockJump,
            &ClockJumpDetail {
                from_ms: jump.expected_ms,
                gap_ms: jump.gap_ms(),
            },
        ));
        recorder.split_session(jump.expected_ms, jump.actual_ms);
    }
    let deviation = output.analysis.as_ref().map(|a| &a.judgement.deviation);
    recorder.sample(Sample {
        time_ms: clock.unix_ms(output.time_s),
        state: output.status.state.into(),
        forward_head_dev_deg: deviation.and_then(|d| d.forward_head_deg),
        rounded_shoulder_dev_deg: deviation.and_then(|d| d.rounded_shoulder_deg),
        confidence: output
            .analysis
            .as_ref()
            .map_or(0.0, |analysis| analysis.judgement.confidence),
    });
    for event in &output.events {
        let words = match (event.as_prompt(), &output.prompt) {
            (Some(_), Some(message)) => CoachWords {
                reason: Some(message.reason.as_str()),
                exercise: message
                    .exercise
                    .as_ref()
                    .map(|exercise| exercise.id.as_str()),
            },
            _ => CoachWords::default(),
        };
        recorder.event(event_from_monitor(event, clock, words));
    }
    let now_ms = clock.unix_ms(output.time_s);
    if let Some(fault) = &output.camera_fault {
        recorder.event(StoredEvent::with_detail(
            now_ms,
            EventKind::CameraFault,
            &CameraFaultDetail {
                kind: CameraFaultKind::from(fault).as_str(),
                message: fault.to_string(),
            },
        ));
    }
    let calibration = match &output.calibration {
        Some(CalibrationProgress::Succeeded { baseline, .. }) => Some(CalibrationDetail {
            phase: "finished",
            frames_used: Some(baseline.frames_used),
            view: Some(baseline.view.as_str()),
            reasons: Vec::new(),
        }),
        Some(CalibrationProgress::Failed { reasons }) => Some(CalibrationDetail {
            phase: "failed",
            frames_used: None,
            view: None,
            reasons: reasons.clone(),
        }),
        _ => None,
    };
    if let Some(detail) = calibration {
        recorder.event(StoredEvent::with_detail(
            now_ms,
            EventKind::Calibration,
            &detail,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::Deviations;
    use crate::verdict::Verdict;

    const CLOCK: ClockAnchor = ClockAnchor {
        monitor_s: 100.0,
        unix_ms: 1_700_000_000_000,
    };

    /// The detail as the history file keeps it.
    fn stored(event: &Event) -> (i64, EventKind, String) {
        let e = event_from_monitor(event, &CLOCK, CoachWords::default());
        (e.time_ms, e.kind, e.detail.to_string())
    }

    #[test]
    fn states_map_one_to_one_by_name() {
        for state in MonitorState::ALL {
            let stored = State::from(state);
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::to_value(stored).unwrap()
            );
        }
    }

    #[test]
    fn observations_become_samples_on_the_utc_clock() {
        let mut obs = Observation::new(101.5, Verdict::ForwardHead);
        obs.forward_head_dev_deg = Some(12.0);
        obs.rounded_shoulder_dev_deg = Some(f32::NAN);
        obs.confidence = 0.8;
        let s = sample_from_observation(&obs, MonitorState::Drifting, &CLOCK);
        assert_eq!(s.time_ms, 1_700_000_001_500);
        assert_eq!(s.state, State::Drifting);
        assert_eq!(s.forward_head_dev_deg, Some(12.0));
        assert_eq!(s.rounded_shoulder_dev_deg, None);
    }

    #[test]
    fn reason_codes_are_pinned() {
        // What is on disk: changing a code here needs a new detail version and a migration.
        let pinned = [
            (Reason::CalibrationStarted, "calibration_started"),
            (Reason::CalibrationFinished, "calibration_finished"),
            (Reason::CalibrationCancelled, "calibration_cancelled"),
            (Reason::FaultSeen, "fault_seen"),
            (Reason::FaultPersisted, "fault_persisted"),
            (Reason::FaultFaded, "fault_faded"),
            (Reason::UprightHeld, "upright_held"),
            (Reason::NobodyInView, "nobody_in_view"),
            (Reason::PersonReturned, "person_returned"),
            (Reason::Paused, "paused"),
            (Reason::Resumed, "resumed"),
            (Reason::Snoozed, "snoozed"),
            (Reason::SnoozeEnded, "snooze_ended"),
            (Reason::CameraFault, "camera_fault"),
            (Reason::CameraOk, "camera_ok"),
            (Reason::BreakTaken, "break_taken"),
            (Reason::TimeUnseen, "time_unseen"),
            (Reason::ScreenLocked, "screen_locked"),
            (Reason::Asleep, "asleep"),
            (Reason::CameraInUse, "camera_in_use"),
            (Reason::Released, "released"),
        ];
        for (reason, code) in pinned {
            assert_eq!(reason_code(reason), code);
        }
        // The pause causes the history reads back are among them.
        for code in ["paused", "screen_locked", "asleep", "camera_in_use"] {
            assert!(
                crate::store::PauseCause::from_state_reason(code).is_some(),
                "{code}"
            );
        }
    }

    #[test]
    fn every_stored_event_detail_is_pinned() {
        assert_eq!(
            stored(&Event::StateChanged {
                from: MonitorState::Drifting,
                to: MonitorState::Slouching,
                at_s: 130.0,
                reason: Reason::FaultPersisted,
            }),
            (
                1_700_000_030_000,
                EventKind::StateChange,
                r#"{"from":"drifting","reason":"fault_persisted","to":"slouching","v":1}"#
                    .to_string()
            )
        );
        let prompt = Prompt {
            at_s: 131.0,
            kind: PromptKind::Posture,
            fault: Some(Fault::ForwardHead),
            deviations: Deviations {
                forward_head_dev_deg: Some(14.0),
                ..Deviations::default()
            },
            lasted_s: 31.0,
            level: 1,
            recalibrate_reason: None,
        };
        let with_words = event_from_monitor(
            &Event::Prompt(prompt.clone()),
            &CLOCK,
            CoachWords {
                reason: Some("Head 14° forward for 31 s"),
                exercise: Some("chin_tuck"),
            },
        );
        assert_eq!(with_words.kind, EventKind::Prompt);
        assert_eq!(
            with_words.detail.to_string(),
            r#"{"deviations":{"forward_head_dev_deg":14.0,"lateral_dev_deg":null,"rounded_shoulder_dev_deg":null},"exercise":"chin_tuck","fault":"forward_head","kind":"posture","lasted_s":31.0,"level":1,"reason":"Head 14° forward for 31 s","recalibrate_reason":null,"v":1}"#
        );
        let recal = Prompt {
            kind: PromptKind::Recalibrate,
            fault: None,
            recalibrate_reason: Some(RecalibrateReason::SubjectMismatch),
            ..prompt.clone()
        };
        assert_eq!(
            stored(&Event::Prompt(recal)),
            (
                1_700_000_031_000,
                EventKind::RecalibrateSuggestion,
                r#"{"deviations":{"forward_head_dev_deg":14.0,"lateral_dev_deg":null,"rounded_shoulder_dev_deg":null},"fault":null,"kind":"recalibrate","lasted_s":31.0,"level":1,"recalibrate_reason":"subject_mismatch","v":1}"#
                    .to_string()
            )
        );
        let brk = Prompt {
            kind: PromptKind::Break,
            fault: Some(Fault::StaticLoad),
            ..prompt
        };
        assert_eq!(stored(&Event::Prompt(brk)).1, EventKind::BreakReminder);
        assert_eq!(
            stored(&Event::BreakTaken {
                at_s: 100.0,
                source: BreakSource::Exercise,
            }),
            (
                1_700_000_000_000,
                EventKind::Break,
                r#"{"source":"exercise","v":1}"#.to_string()
            )
        );
        assert_eq!(
            stored(&Event::SnoozeEnded {
                at_s: 100.0,
                early: true,
            })
            .2,
            r#"{"early":true,"v":1}"#
        );
        let fault = StoredEvent::with_detail(
            0,
            EventKind::CameraFault,
            &CameraFaultDetail {
                kind: CameraFaultKind::from(&crate::camera::CameraFault::Busy).as_str(),
                message: "busy".to_string(),
            },
        );
        assert_eq!(
            fault.detail.to_string(),
            r#"{"kind":"busy","message":"busy","v":1}"#
        );
        let calibration = StoredEvent::with_detail(
            0,
            EventKind::Calibration,
            &CalibrationDetail {
                phase: "failed",
                frames_used: None,
                view: None,
                reasons: vec!["too much movement".to_string()],
            },
        );
        assert_eq!(
            calibration.detail.to_string(),
            r#"{"phase":"failed","reasons":["too much movement"],"v":1}"#
        );
    }
}
