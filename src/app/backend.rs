//! The seam between the window and everything behind it (camera, pose engine, geometry, state
//! machine, store). The UI only sends [`Command`]s and draws [`Update`]s, so it is tested with a
//! fake backend and never blocks on the camera or the model.

use std::sync::Arc;

use image::RgbImage;

use crate::coach::CoachMessage;
use crate::monitor::{Event, Status};
use crate::pipeline::SessionCommand;
use crate::pose::Pose;
use crate::settings::Settings;
use crate::verdict::Verdict;

/// What the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// What the user asks of monitoring (pause, snooze, calibrate, a prompt done or
    /// dismissed): the session's own vocabulary, passed down as it is.
    Session(SessionCommand),
    /// Try the camera again now instead of waiting for the back-off.
    RetryCamera,
    /// New settings were saved.
    ApplySettings(Box<Settings>),
    Shutdown,
}

/// One analysed moment, for the live view.
#[derive(Clone, Debug)]
pub struct LiveUpdate {
    pub time_s: f64,
    /// The analysed frame, downscaled, only while the camera image is shown. Memory only.
    pub preview: Option<Arc<RgbImage>>,
    /// The tracked person, in the preview's full-frame pixel coordinates.
    pub pose: Option<Pose>,
    pub frame_size: [u32; 2],
    pub verdict: Verdict,
    pub forward_head_dev_deg: Option<f32>,
    pub rounded_shoulder_dev_deg: Option<f32>,
    pub head_pitch_dev_deg: Option<f32>,
    /// The state machine's view: state, thresholds, totals, snooze, camera fault.
    pub status: Status,
    /// Events of this step (state changes, prompts, breaks).
    pub events: Vec<Event>,
    /// A prompt to show now, already worded by the coach.
    pub prompt: Option<CoachMessage>,
    /// Frames analysed per second, recently.
    pub analysis_fps: f32,
    /// plumbline's own CPU use, as a share of one core.
    pub cpu_share: f32,
    /// The camera's problem in words, when there is one.
    pub camera_message: Option<String>,
    /// A problem with saving the history (full disk, write errors), while monitoring goes on.
    pub history_warning: Option<String>,
}

/// Progress of a guided calibration.
#[derive(Clone, Debug, PartialEq)]
pub enum CalibrationUpdate {
    /// Collecting upright frames: `progress` 0–1, and what the quality gates say right now
    /// ("move back so both shoulders are in view", "hold still").
    Collecting {
        progress: f32,
        feedback: Vec<String>,
    },
    /// Done: a summary of the baseline as label/value pairs.
    Succeeded { summary: Vec<(String, String)> },
    /// Failed: which gate, and what to do.
    Failed { reasons: Vec<String> },
}

/// What the backend tells the UI.
#[derive(Clone, Debug)]
pub enum Update {
    Live(Box<LiveUpdate>),
    Calibration(CalibrationUpdate),
    /// Something the user must know that stops monitoring (no models, no runtime).
    Fatal(String),
}

/// The backend as the UI sees it.
pub trait Backend: Send {
    fn send(&mut self, command: Command);
    /// The next update, without waiting.
    fn try_recv(&mut self) -> Option<Update>;
}
