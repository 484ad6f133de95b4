//! What monitoring puts in the history: the monitor's vocabulary ([`crate::monitor`]) mapped
//! to the store's (states one to one, observations to samples, events and controls to
//! [`StoredEvent`]s whose detail is the monitor's own serde JSON minus the tag and the time),
//! and [`record_step`], which hands each pipeline step to the recorder. The monitor's times
//! are seconds on its monotonic clock; a [`ClockAnchor`] turns them into UTC milliseconds.
//! This is wiring: the store itself knows nothing of the monitor or the pipeline.

use serde_json::Value;

pub use crate::clock::ClockAnchor;
use crate::monitor::{Control, Event, MonitorState, Observation, Prompt, PromptKind};
use crate::pipeline::{CalibrationProgress, StepOutput};
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

/// JSON of `value` as an object, without the given keys.
fn detail_without(value: impl serde::Serialize, drop: &[&str]) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    match &mut value {
        Value::Object(map) => {
            for key in drop {
                map.remove(*key);
            }
            value
        }
        _ => Value::Object(serde_json::Map::new()),
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

/// A monitor event as stored. For prompts, add the coach's words with
/// [`with_coach_text`].
pub fn event_from_monitor(event: &Event, clock: &ClockAnchor) -> StoredEvent {
    let (at_s, kind) = match event {
        Event::StateChanged { at_s, .. } => (*at_s, EventKind::StateChange),
        Event::Prompt(prompt) => (prompt.at_s, prompt_kind(prompt)),
        Event::BreakTaken { at_s, .. } => (*at_s, EventKind::Break),
        Event::SnoozeEnded { at_s, .. } => (*at_s, EventKind::SnoozeEnd),
    };
    let detail = match event {
        Event::Prompt(prompt) => detail_without(prompt, &["at_s"]),
        other => detail_without(other, &["event", "at_s"]),
    };
    StoredEvent {
        time_ms: clock.unix_ms(at_s),
        kind,
        detail,
    }
}

/// Adds what the coach told the user to a prompt event: the reason in words and the
/// suggested exercise's id.
pub fn with_coach_text(event: StoredEvent, reason: &str, exercise_id: Option<&str>) -> StoredEvent {
    let event = event.with("reason", reason);
    match exercise_id {
        Some(id) => event.with("exercise", id),
        None => event,
    }
}

/// A user or camera control as stored, if it is worth keeping (`Snooze { minutes: 0 }` is
/// not: the monitor reports the snooze's end as an event).
pub fn event_from_control(
    time_s: f64,
    control: &Control,
    clock: &ClockAnchor,
) -> Option<StoredEvent> {
    let time_ms = clock.unix_ms(time_s);
    let event = |kind| StoredEvent::new(time_ms, kind);
    let detail = detail_without(control, &["control"]);
    Some(match control {
        Control::CalibrationStarted => event(EventKind::Calibration).with("phase", "started"),
        Control::CalibrationFinished { .. } => StoredEvent {
            time_ms,
            kind: EventKind::Calibration,
            detail,
        }
        .with("phase", "finished"),
        Control::CalibrationCancelled => event(EventKind::Calibration).with("phase", "cancelled"),
        Control::Pause => event(EventKind::Pause).with("reason", "by_user"),
        Control::Resume => event(EventKind::Resume).with("reason", "by_user"),
        Control::Hold { reason } => event(EventKind::Pause).with(
            "reason",
            serde_json::to_value(reason).unwrap_or(Value::Null),
        ),
        Control::Release { reason } => event(EventKind::Resume).with(
            "reason",
            serde_json::to_value(reason).unwrap_or(Value::Null),
        ),
        Control::Snooze { minutes: 0 } => return None,
        // Recorded from the clock jump itself (`EventKind::ClockJump`).
        Control::TimeUnseen { .. } => return None,
        Control::Snooze { .. } => StoredEvent {
            time_ms,
            kind: EventKind::Snooze,
            detail,
        },
        Control::CameraFault { .. } => StoredEvent {
            time_ms,
            kind: EventKind::CameraFault,
            detail,
        },
        Control::CameraOk => event(EventKind::CameraOk),
        Control::Acknowledged { kind } => event(EventKind::Acknowledged)
            .with("prompt", serde_json::to_value(kind).unwrap_or(Value::Null)),
        Control::ExerciseDone { kind } => event(EventKind::ExerciseDone)
            .with("prompt", serde_json::to_value(kind).unwrap_or(Value::Null)),
    })
}

/// Hands one step's numbers and events to the recorder (never blocks), stamped in UTC through
/// the step's own clock anchor. A clock jump ends the running session where the time before
/// it ended and starts a new one.
pub fn record_step(recorder: &RecorderHandle, output: &StepOutput) {
    let clock = &output.wall;
    if let Some(jump) = &output.clock_jump {
        recorder.event(
            StoredEvent::new(jump.expected_ms, EventKind::ClockJump)
                .with("from_ms", jump.expected_ms)
                .with("gap_ms", jump.gap_ms()),
        );
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
        let mut stored = event_from_monitor(event, clock);
        if let (Some(_), Some(message)) = (event.as_prompt(), &output.prompt) {
            stored = with_coach_text(
                stored,
                &message.reason,
                message
                    .exercise
                    .as_ref()
                    .map(|exercise| exercise.id.as_str()),
            );
        }
        recorder.event(stored);
    }
    if let Some(fault) = &output.camera_fault {
        recorder.event(
            StoredEvent::new(clock.unix_ms(output.time_s), EventKind::CameraFault)
                .with("kind", fault.kind())
                .with("message", fault.to_string()),
        );
    }
    let calibration = StoredEvent::new(clock.unix_ms(output.time_s), EventKind::Calibration);
    let calibration = match &output.calibration {
        Some(CalibrationProgress::Succeeded { baseline, .. }) => Some(
            calibration
                .with("phase", "finished")
                .with("frames_used", baseline.frames_used)
                .with("view", baseline.view.as_str()),
        ),
        Some(CalibrationProgress::Failed { reasons }) => Some(
            calibration
                .with("phase", "failed")
                .with("reasons", reasons.clone()),
        ),
        _ => None,
    };
    if let Some(event) = calibration {
        recorder.event(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::{
        BreakSource, CameraFaultKind, Deviations, Fault, Reason, RecalibrateReason,
    };
    use crate::verdict::Verdict;
    use serde_json::json;

    const CLOCK: ClockAnchor = ClockAnchor {
        monitor_s: 100.0,
        unix_ms: 1_700_000_000_000,
    };

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
    fn state_changes_keep_from_to_and_reason() {
        let e = event_from_monitor(
            &Event::StateChanged {
                from: MonitorState::Drifting,
                to: MonitorState::Slouching,
                at_s: 130.0,
                reason: Reason::FaultPersisted,
            },
            &CLOCK,
        );
        assert_eq!(e.kind, EventKind::StateChange);
        assert_eq!(e.time_ms, 1_700_000_030_000);
        assert_eq!(
            e.detail,
            json!({"from": "drifting", "to": "slouching", "reason": "fault_persisted"})
        );
    }

    #[test]
    fn prompts_keep_their_numbers_and_take_the_coach_text() {
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
        let e = event_from_monitor(&Event::Prompt(prompt.clone()), &CLOCK);
        assert_eq!(e.kind, EventKind::Prompt);
        assert_eq!(e.detail["fault"], "forward_head");
        assert_eq!(e.detail["level"], 1);
        assert!(e.detail.get("at_s").is_none());
        let e = with_coach_text(e, "Head 14° forward for 31 s", Some("chin_tuck"));
        assert_eq!(e.detail["reason"], "Head 14° forward for 31 s");
        assert_eq!(e.detail["exercise"], "chin_tuck");

        let recal = Prompt {
            kind: PromptKind::Recalibrate,
            recalibrate_reason: Some(RecalibrateReason::Moved),
            ..prompt.clone()
        };
        let e = event_from_monitor(&Event::Prompt(recal), &CLOCK);
        assert_eq!(e.kind, EventKind::RecalibrateSuggestion);
        assert_eq!(e.detail["recalibrate_reason"], "moved");
        let brk = Prompt {
            kind: PromptKind::Break,
            ..prompt
        };
        assert_eq!(
            event_from_monitor(&Event::Prompt(brk), &CLOCK).kind,
            EventKind::BreakReminder
        );
    }

    #[test]
    fn breaks_snoozes_and_controls_map() {
        let e = event_from_monitor(
            &Event::BreakTaken {
                at_s: 100.0,
                source: BreakSource::Away,
            },
            &CLOCK,
        );
        assert_eq!(
            (e.kind, e.detail),
            (EventKind::Break, json!({"source": "away"}))
        );
        let e = event_from_monitor(
            &Event::SnoozeEnded {
                at_s: 100.0,
                early: true,
            },
            &CLOCK,
        );
        assert_eq!(
            (e.kind, e.detail),
            (EventKind::SnoozeEnd, json!({"early": true}))
        );

        let snooze = event_from_control(100.0, &Control::Snooze { minutes: 15 }, &CLOCK).unwrap();
        assert_eq!(
            (snooze.kind, snooze.detail),
            (EventKind::Snooze, json!({"minutes": 15}))
        );
        assert!(event_from_control(100.0, &Control::Snooze { minutes: 0 }, &CLOCK).is_none());
        let fault = event_from_control(
            100.0,
            &Control::CameraFault {
                kind: CameraFaultKind::Busy,
            },
            &CLOCK,
        )
        .unwrap();
        assert_eq!(
            (fault.kind, fault.detail),
            (EventKind::CameraFault, json!({"kind": "busy"}))
        );
        let cal = event_from_control(
            100.0,
            &Control::CalibrationFinished { subject: None },
            &CLOCK,
        )
        .unwrap();
        assert_eq!(cal.kind, EventKind::Calibration);
        assert_eq!(cal.detail, json!({"phase": "finished", "subject": null}));
        let done = event_from_control(
            100.0,
            &Control::ExerciseDone {
                kind: PromptKind::Posture,
            },
            &CLOCK,
        )
        .unwrap();
        assert_eq!(done.detail, json!({"prompt": "posture"}));
    }
}
