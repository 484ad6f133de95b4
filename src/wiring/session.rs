//! How a monitoring session is put together, shared by the app and `monitor`: the pose
//! engine, state machine and coach from the settings; the history it records into; and what
//! desktop signals and other apps' use of the camera ask of it.

use std::path::{Path, PathBuf};

use crate::camera::sharing::CameraUse;
use crate::clock::Zone;
use crate::coach::Coach;
use crate::desktop::SessionSignal;
use crate::geometry::{Baseline, Thresholds};
use crate::models::ModelLocator;
use crate::monitor::{HoldReason, Monitor};
use crate::pipeline::{Session, SessionCommand, SessionSettings};
use crate::pose::{BlazePose, FrameMode, LandmarkModel};
use crate::settings::Settings;
use crate::store::{Opened, Recorder, RecorderConfig, Store, StoreOptions};

/// Builds a monitoring session: pose engine, state machine from the settings, coach.
pub fn build_session(
    locator: &ModelLocator,
    settings: &Settings,
    model: LandmarkModel,
    mode: FrameMode,
    baseline: Option<Baseline>,
    baseline_path: Option<PathBuf>,
    keep_preview: bool,
) -> anyhow::Result<Session> {
    let estimator = BlazePose::new(locator, model, mode)?;
    let monitor = Monitor::new(settings.monitor_config())
        .map_err(|error| anyhow::anyhow!("the monitoring settings are invalid: {error}"))?;
    let coach = Coach::builtin()
        .map_err(|error| anyhow::anyhow!("the built-in exercise library is invalid: {error}"))?;
    let thresholds = Thresholds {
        forward_head_deg: settings.forward_head_threshold_deg,
        rounded_shoulder_deg: settings.rounded_shoulder_threshold_deg,
        ..Thresholds::default()
    };
    Ok(Session::new(
        Box::new(estimator),
        SessionSettings {
            base_fps: settings.analysis_fps,
            skip_unchanged: true,
            keep_preview,
            thresholds,
            baseline_path,
            zone: Zone::Local,
        },
        baseline,
        monitor,
        coach,
        0.0,
    ))
}

/// Opens the history for writing, printing any warning (a damaged file moved aside).
pub fn open_recorder(path: &Path, settings: &Settings) -> anyhow::Result<Recorder> {
    let Opened { store, warnings } = Store::open(
        path,
        &StoreOptions {
            retention_days: settings.retention_days,
            ..StoreOptions::default()
        },
    )?;
    for warning in warnings {
        tracing::warn!("history: {warning}");
    }
    Ok(Recorder::start(store, RecorderConfig::default())?)
}

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
pub fn command_for_camera_use(camera_use: &CameraUse) -> SessionCommand {
    match camera_use {
        CameraUse::TakenBy(_) => SessionCommand::Hold(HoldReason::CameraInUse),
        CameraUse::Free => SessionCommand::Release(HoldReason::CameraInUse),
    }
}
