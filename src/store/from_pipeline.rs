//! Recording what the pipeline produced: one sample per step (the recorder keeps one per
//! second), every state-machine event, calibrations and camera faults.

use super::from_monitor::{event_from_monitor, with_coach_text};
use super::recorder::RecorderHandle;
use super::types::{EventKind, Sample, StoredEvent};
use crate::pipeline::{CalibrationProgress, StepOutput};

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
        Some(CalibrationProgress::Succeeded { baseline }) => Some(
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
