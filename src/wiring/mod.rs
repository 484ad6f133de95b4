//! Composition: where the stages are joined for the app and the `monitor` command (the
//! session built from the settings, what its steps put in the history, what the desktop's
//! signals ask of it). Everything here points down at the stages; nothing below imports it.

pub mod history;
pub mod session;

pub use history::record_step;
pub use session::{build_session, command_for, command_for_camera_use, open_recorder};
