//! The all-day monitoring pipeline: frames from a camera or a file, through the pose engine,
//! geometry, state machine and coach, to the app or the `monitor` command. The logic is in
//! [`session`] (no threads); [`runner`] moves data between named threads.

pub mod handoff;
pub mod pacing;
pub mod runner;
pub mod session;

pub use runner::{
    LiveInput, Meters, PipelineCommand, PipelineHandle, PipelineMessage, Speed, spawn,
    spawn_with_clock,
};
pub use session::{
    CALIBRATION_SECONDS, CalibrationProgress, Session, SessionCommand, SessionCounters,
    SessionSettings, StepOutput,
};

use crate::desktop::SessionSignal;
use crate::monitor::HoldReason;

/// What a desktop signal asks of a session: the screen lock and sleep hold monitoring (and
/// release the camera) until they end.
pub fn command_for(signal: SessionSignal) -> SessionCommand {
    match signal {
        SessionSignal::Locked => SessionCommand::Hold(HoldReason::ScreenLocked),
        SessionSignal::Unlocked => SessionCommand::Release(HoldReason::ScreenLocked),
        SessionSignal::Sleeping => SessionCommand::Hold(HoldReason::Asleep),
        SessionSignal::Awake => SessionCommand::Release(HoldReason::Asleep),
    }
}

/// What the camera's use by other apps asks of a session: hold monitoring while another app
/// (a call) has the camera, and go on when it lets go.
pub fn command_for_camera_use(camera_use: &crate::camera::sharing::CameraUse) -> SessionCommand {
    match camera_use {
        crate::camera::sharing::CameraUse::TakenBy(_) => {
            SessionCommand::Hold(HoldReason::CameraInUse)
        }
        crate::camera::sharing::CameraUse::Free => SessionCommand::Release(HoldReason::CameraInUse),
    }
}
