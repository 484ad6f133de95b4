//! A calibration in the running session whose baseline cannot be saved: the new baseline is
//! used all the same and the user is told it was not saved (it used to be dropped and the
//! calibration reported as failed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod synthetic_body;
}

use image::RgbImage;
use plumbline::clock::Zone;
use plumbline::coach::Coach;
use plumbline::geometry::Thresholds;
use plumbline::monitor::{Monitor, MonitorConfig, MonitorState};
use plumbline::pipeline::{CalibrationProgress, Session, SessionCommand, SessionSettings};
use plumbline::source::Frame;
use support::synthetic_body::{Rng, UprightEstimator, bodies, laptop_camera};

#[test]
fn a_baseline_that_cannot_be_saved_is_used_and_the_user_is_told() {
    let body = bodies().remove(0);
    let camera = laptop_camera(&body, 0.6, 0.15, 10.0, 65.0);
    let mut session = Session::new(
        Box::new(UprightEstimator {
            body,
            camera,
            rng: Rng::new(3),
        }),
        SessionSettings {
            base_fps: 2.0,
            skip_unchanged: false,
            keep_preview: false,
            thresholds: Thresholds::default(),
            baseline_path: Some("/nonexistent/plumbline/baseline.json".into()),
            zone: Zone::UTC,
        },
        None,
        Monitor::new(MonitorConfig::default()).unwrap(),
        Coach::builtin().unwrap(),
        0.0,
    );
    session.on_command(SessionCommand::StartCalibration, 0.0);
    let image = RgbImage::new(8, 8);
    let mut outcome = None;
    for index in 0..80u64 {
        let frame = Frame {
            image: image.clone(),
            time_s: index as f64 * 0.1,
            index,
        };
        if let Some(output) = session.on_frame(&frame).unwrap()
            && let Some(
                progress @ (CalibrationProgress::Succeeded { .. }
                | CalibrationProgress::Failed { .. }),
            ) = output.calibration
        {
            outcome = Some((progress, output.status.state));
            break;
        }
    }
    match outcome {
        Some((CalibrationProgress::Succeeded { not_saved, .. }, state)) => {
            let reason = not_saved.expect("the failed save is reported");
            assert!(reason.contains("could not be saved"), "{reason}");
            assert!(reason.contains("/nonexistent/plumbline"), "{reason}");
            assert_eq!(state, MonitorState::Upright);
        }
        other => panic!("{other:?}"),
    }
    assert!(session.baseline().is_some(), "the new baseline is in use");
}
