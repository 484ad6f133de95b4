//! The monitoring pipeline's threads with a scripted camera that works, goes busy, freezes and
//! comes back: monitoring carries on through every fault and shuts down cleanly.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use image::RgbImage;
use plumbline::camera::{CameraDevice, CameraFault};
use plumbline::geometry::{CameraIntrinsics, calibrate_needing};
use plumbline::models::ModelLocator;
use plumbline::monitor::MonitorState;
use plumbline::pipeline::{LiveInput, PipelineMessage, spawn};
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use plumbline::settings::Settings;
use plumbline::wiring::build_session;
use support::{fixture, models_dir};

/// What the fake camera does on its n-th grab.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Picture,
    Busy,
    Frozen,
}

/// A camera following a script of grabs; opening fails while the script says busy.
struct ScriptedCamera {
    portrait: RgbImage,
    script: Vec<Act>,
    grabs: usize,
    open: bool,
}

impl ScriptedCamera {
    fn act(&self) -> Act {
        self.script.get(self.grabs).copied().unwrap_or(Act::Picture)
    }
}

impl CameraDevice for ScriptedCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        if self.act() == Act::Busy {
            // Each refused open uses up one step of the script.
            self.grabs += 1;
            return Err(CameraFault::Busy);
        }
        self.open = true;
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        assert!(self.open, "grab on a closed camera");
        std::thread::sleep(Duration::from_millis(33));
        let act = self.act();
        self.grabs += 1;
        match act {
            Act::Busy => Err(CameraFault::Busy),
            Act::Frozen => Ok(self.portrait.clone()),
            Act::Picture => {
                // A little change each frame, like sensor noise, so the picture is alive.
                let mut image = self.portrait.clone();
                let level = (self.grabs % 50) as u8;
                for y in 0..40 {
                    for x in 0..40 {
                        image.put_pixel(x, y, image::Rgb([level, level, level]));
                    }
                }
                Ok(image)
            }
        }
    }

    fn close(&mut self) {
        self.open = false;
    }

    fn describe(&self) -> String {
        "scripted camera".to_string()
    }
}

#[test]
fn monitoring_survives_a_busy_and_a_frozen_camera_and_shuts_down_cleanly() {
    let portrait = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let locator = ModelLocator::in_dir(models_dir());

    // The portrait itself is the upright baseline.
    let mut estimator =
        BlazePose::new(&locator, LandmarkModel::Lite, FrameMode::Stills).expect("engine");
    let pose = estimator.estimate(&portrait, 0.0).expect("runs");
    let camera = CameraIntrinsics::new(portrait.width(), portrait.height());
    let baseline = calibrate_needing(&[pose], &camera, 1).1.expect("baseline");

    let settings = Settings {
        analysis_fps: 5.0,
        ..Settings::default()
    };
    let session = build_session(
        &locator,
        &settings,
        LandmarkModel::Lite,
        FrameMode::Video,
        Some(baseline),
        None,
        false,
    )
    .expect("session");

    // 2 s of pictures, busy for 2 grabs/opens, pictures, 6 s frozen, pictures again.
    let mut script = vec![Act::Picture; 60];
    script.extend([Act::Busy; 2]);
    script.extend(vec![Act::Picture; 30]);
    script.extend(vec![Act::Frozen; 200]);
    let device = ScriptedCamera {
        portrait,
        script,
        grabs: 0,
        open: false,
    };

    let (sender, receiver) = mpsc::channel();
    let handle = spawn(
        LiveInput::Device(Box::new(device)),
        session,
        move |message| {
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");

    let started = Instant::now();
    let mut states = Vec::new();
    let mut faults = Vec::new();
    let mut frames_with_person = 0;
    let mut frames_after_frozen = 0;
    while started.elapsed() < Duration::from_secs(25) {
        let Ok(message) = receiver.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        match message {
            PipelineMessage::Step { output, .. } => {
                if let Some(fault) = &output.camera_fault {
                    faults.push(fault.kind());
                }
                if states.last() != Some(&output.status.state) {
                    states.push(output.status.state);
                }
                if output.pose.is_some() {
                    frames_with_person += 1;
                    if faults.contains(&"frozen") {
                        frames_after_frozen += 1;
                    }
                }
            }
            PipelineMessage::Failed(reason) => panic!("pipeline failed: {reason}"),
            PipelineMessage::Finished { .. } => panic!("a camera does not finish"),
        }
        if frames_after_frozen >= 3 {
            break;
        }
    }
    let stopping = Instant::now();
    handle.shutdown();
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "shutdown took {:?}",
        stopping.elapsed()
    );

    eprintln!("states {states:?}, faults {faults:?}, frames with a person {frames_with_person}");
    assert!(faults.contains(&"busy"), "{faults:?}");
    assert!(faults.contains(&"frozen"), "{faults:?}");
    assert!(states.contains(&MonitorState::CameraProblem), "{states:?}");
    assert!(
        frames_after_frozen >= 3,
        "monitoring did not resume after the frozen camera"
    );
    // After the last fault, monitoring is back to judging the person.
    assert_ne!(
        states.last(),
        Some(&MonitorState::CameraProblem),
        "{states:?}"
    );
}

/// A camera whose driver panics on the third grab.
struct PanickingCamera {
    portrait: RgbImage,
    grabs: usize,
}

impl CameraDevice for PanickingCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        std::thread::sleep(Duration::from_millis(33));
        self.grabs += 1;
        assert!(self.grabs < 3, "driver bug");
        Ok(self.portrait.clone())
    }

    fn close(&mut self) {}

    fn describe(&self) -> String {
        "panicking camera".to_string()
    }
}

fn lite_session() -> plumbline::pipeline::Session {
    build_session(
        &ModelLocator::in_dir(models_dir()),
        &Settings::default(),
        LandmarkModel::Lite,
        FrameMode::Video,
        None,
        None,
        false,
    )
    .expect("session")
}

/// Waits for the pipeline's `Failed` message.
fn failure(receiver: &mpsc::Receiver<PipelineMessage>) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        match receiver.recv_timeout(Duration::from_millis(100)) {
            Ok(PipelineMessage::Failed(reason)) => return reason,
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("no Failed message from the pipeline");
}

#[test]
fn a_panicking_capture_thread_is_reported_not_silent() {
    let portrait = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let (sender, receiver) = mpsc::channel();
    let handle = spawn(
        LiveInput::Device(Box::new(PanickingCamera { portrait, grabs: 0 })),
        lite_session(),
        move |message| {
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");
    let reason = failure(&receiver);
    assert!(
        reason.contains("capture thread stopped (driver bug)"),
        "{reason}"
    );
    assert!(reason.contains("start plumbline again"), "{reason}");
    handle.shutdown();
}

#[test]
fn a_panic_on_the_analysis_thread_is_reported_not_silent() {
    let portrait = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let (sender, receiver) = mpsc::channel();
    let mut first = true;
    let handle = spawn(
        LiveInput::Device(Box::new(ScriptedCamera {
            portrait,
            script: Vec::new(),
            grabs: 0,
            open: false,
        })),
        lite_session(),
        move |message| {
            // The first step's handling (say, recording it) has a bug.
            if std::mem::take(&mut first) {
                panic!("recorder bug");
            }
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");
    let reason = failure(&receiver);
    assert!(
        reason.contains("analysis thread stopped (recorder bug)"),
        "{reason}"
    );
    handle.shutdown();
}
