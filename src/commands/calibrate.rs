//! `plumbline calibrate`: the user's upright baseline from a photo, photos or a short video,
//! with every quality gate printed and a clear reason when it fails.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::commands::analyze::frame_mode_for;
use crate::geometry::{
    self, CalibrationReport, CameraIntrinsics, constants::MIN_CALIBRATION_FRAMES,
};
use crate::models::ModelLocator;
use crate::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use crate::source;

/// Validated settings of one `calibrate` run.
#[derive(Clone, Debug)]
pub struct CalibrateSettings {
    pub input: PathBuf,
    pub out: PathBuf,
    pub model: LandmarkModel,
    pub fps: f64,
    pub hfov_deg: Option<f32>,
}

/// Exit code of a calibration refused by a quality gate (distinct from errors, which exit 1).
pub const GATE_FAILED: u8 = 2;

/// The report as lines for the terminal: one per gate, ✔ or ✘, with what was measured.
pub fn render_report(report: &CalibrationReport) -> String {
    let mut text = format!(
        "{} frames, {} with a person{}\n",
        report.frames,
        report.frames_with_person,
        report
            .view
            .map(|view| format!(", {} view", view.as_str()))
            .unwrap_or_default()
    );
    for gate in &report.gates {
        let mark = if gate.passed { "✔" } else { "✘" };
        text.push_str(&format!("  {mark} {}\n", gate.message));
    }
    text
}

/// The `calibrate` command.
pub fn run(settings: &CalibrateSettings, locator: &ModelLocator) -> anyhow::Result<ExitCode> {
    let mut frames = source::open_path(&settings.input, settings.fps)?;
    let mode = frame_mode_for(&settings.input, frames.as_ref());
    let mut estimator = BlazePose::new(locator, settings.model, mode)?;
    let mut poses = Vec::new();
    let mut size = None;
    while let Some(frame) = frames.next_frame()? {
        size.get_or_insert((frame.image.width(), frame.image.height()));
        poses.push(estimator.estimate(&frame.image, frame.time_s)?);
    }
    let (width, height) =
        size.with_context(|| format!("{} holds no frame", settings.input.display()))?;
    let mut camera = CameraIntrinsics::new(width, height);
    if let Some(hfov) = settings.hfov_deg {
        camera = camera.with_hfov(hfov);
    }
    // Photos are independent pictures: any number from one is accepted, and the person may sit
    // a little differently in each. A video needs enough frames to judge its stillness and
    // average the noise.
    let (report, result) = match mode {
        FrameMode::Stills => geometry::calibrate_photos(&poses, &camera),
        FrameMode::Video => geometry::calibrate_needing(&poses, &camera, MIN_CALIBRATION_FRAMES),
    };
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", render_report(&report))?;
    match result {
        Ok(baseline) => {
            baseline.save(&settings.out)?;
            writeln!(stdout, "Baseline saved to {}", settings.out.display())?;
            for (label, value) in crate::coach::baseline_summary::summarize(&baseline) {
                writeln!(stdout, "  {label}: {value}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            drop(stdout);
            eprintln!("plumbline: calibration failed: {error}");
            Ok(ExitCode::from(GATE_FAILED))
        }
    }
}
