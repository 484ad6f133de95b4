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
