//! Test cameras shared by the tests that watch the camera being opened and closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use image::RgbImage;
use plumbline::camera::{CameraDevice, CameraFault};
use plumbline::geometry::{CameraIntrinsics, calibrate_needing};
use plumbline::models::ModelLocator;
use plumbline::pipeline::Session;
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use plumbline::settings::Settings;
use plumbline::wiring::build_session;

use crate::support::{fixture, models_dir};

/// The fixture portrait the watched camera shows.
pub fn portrait() -> RgbImage {
    image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8()
}

/// A monitoring session (lite model, 4 fps) calibrated on the portrait itself.
pub fn portrait_session() -> Session {
    let portrait = portrait();
    let locator = ModelLocator::in_dir(models_dir());
    let mut estimator =
        BlazePose::new(&locator, LandmarkModel::Lite, FrameMode::Stills).expect("engine");
    let pose = estimator.estimate(&portrait, 0.0).expect("runs");
    let camera = CameraIntrinsics::new(portrait.width(), portrait.height());
    let baseline = calibrate_needing(&[pose], &camera, 1).1.expect("baseline");
    let settings = Settings {
        analysis_fps: 4.0,
        ..Settings::default()
    };
    build_session(
        &locator,
        &settings,
        LandmarkModel::Lite,
        FrameMode::Video,
        Some(baseline),
        None,
        false,
    )
    .expect("session")
}

/// A camera that shows an upright person and records whether it is open.
pub struct WatchedCamera {
    pub portrait: RgbImage,
    pub open: Arc<AtomicBool>,
    pub opens: Arc<AtomicUsize>,
    /// A file this camera keeps open while it is open, as a real one keeps its device node.
    pub node: Option<std::path::PathBuf>,
    pub held: Option<std::fs::File>,
}

impl CameraDevice for WatchedCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        if let Some(node) = &self.node {
            self.held =
                Some(std::fs::File::open(node).map_err(|e| CameraFault::Other(e.to_string()))?);
        }
        self.open.store(true, Ordering::SeqCst);
        self.opens.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        assert!(self.open.load(Ordering::SeqCst), "grab on a closed camera");
        std::thread::sleep(Duration::from_millis(33));
        Ok(self.portrait.clone())
    }

    fn close(&mut self) {
        self.held = None;
        self.open.store(false, Ordering::SeqCst);
    }

    fn describe(&self) -> String {
        "watched camera".to_string()
    }
}
