//! Posture monitoring over time: a pure state machine that turns per-frame verdicts and user or
//! camera controls, each with its timestamp, into state changes, posture prompts, recalibration
//! suggestions and break reminders, plus running totals for the UI.
//!
//! The camera, pose and geometry sit upstream ([`crate::verdict::Verdict`] per frame); the
//! coach ([`crate::coach`]) puts prompts into words; threads, storage and the UI act on the
//! [`Event`]s. Nothing here reads a clock.

pub mod config;
pub mod event;
mod reading;
pub mod state;
pub mod subject;
pub mod totals;

pub use config::{ConfigError, MonitorConfig, Thresholds};
pub use event::{
    BreakSource, CameraFaultKind, Control, Deviations, Event, Fault, HoldReason, Input,
    MonitorState, Observation, Prompt, PromptKind, Reason, RecalibrateReason, SubjectBox,
};
pub use state::{Monitor, Status};
pub use subject::SubjectLock;
pub use totals::Totals;
