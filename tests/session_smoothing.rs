//! The session judges, shows and stores window-smoothed metrics: driven by a synthetic
//! estimator (noisy poses of the synthetic body through a laptop camera), its forward-head
//! readings must scatter far less than single frames and still follow a real change within the
//! smoothing window.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod synthetic_body;
}

use std::sync::{Arc, Mutex};

use image::RgbImage;
use plumbline::coach::Coach;
use plumbline::geometry::{
    CameraIntrinsics, SMOOTHING_S, Thresholds, calibrate, deviation, measure,
};
use plumbline::monitor::{Monitor, MonitorConfig};
use plumbline::pipeline::{Session, SessionSettings};
use plumbline::pose::model::PoseError;
use plumbline::pose::{Pose, PoseEstimator};
use plumbline::source::Frame;
use plumbline::verdict::Verdict;
use support::synthetic_body::{
    Body, Camera, Noise, Posture, Rng, bodies, laptop_camera, pose_body, render,
};

/// Renders the synthetic body in whatever posture the test has set, and keeps every pose it
/// returned so the test can measure single frames too.
struct SyntheticEstimator {
    body: Body,
    camera: Camera,
    posture: Arc<Mutex<Posture>>,
    returned: Arc<Mutex<Vec<Pose>>>,
    rng: Rng,
}

impl PoseEstimator for SyntheticEstimator {
    fn estimate(&mut self, _image: &RgbImage, _time_s: f64) -> Result<Option<Pose>, PoseError> {
        let posture = *self.posture.lock().unwrap();
        let posed = pose_body(&self.body, &posture);
        let pose = render(
            &self.body,
            &posed,
            &self.camera,
            Noise::REALISTIC,
            &mut self.rng,
        );
        self.returned.lock().unwrap().push(pose.clone());
        Ok(Some(pose))
    }

    fn reset(&mut self) {}
}

fn sd(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
}

#[test]
fn session_readings_are_smoothed_and_follow_a_real_change() {
    let body = bodies().remove(0);
    let camera = laptop_camera(&body, 0.6, 0.15, 10.0, 65.0);
    let intrinsics =
        CameraIntrinsics::new(camera.width, camera.height).with_hfov(camera.hfov_deg as f32);
    let mut rng = Rng::new(42);
    let upright = pose_body(&body, &Posture::default());
    let calibration: Vec<Option<Pose>> = (0..50)
        .map(|_| Some(render(&body, &upright, &camera, Noise::REALISTIC, &mut rng)))
        .collect();
    let baseline = calibrate(&calibration, &intrinsics).expect("calibration");

    let posture = Arc::new(Mutex::new(Posture::default()));
    let returned = Arc::new(Mutex::new(Vec::new()));
    let estimator = SyntheticEstimator {
        body: body.clone(),
        camera,
        posture: Arc::clone(&posture),
        returned: Arc::clone(&returned),
        rng: Rng::new(43),
    };
    let mut session = Session::new(
        Box::new(estimator),
        SessionSettings {
            base_fps: 4.0,
            skip_unchanged: false,
            keep_preview: false,
            thresholds: Thresholds::default(),
            baseline_path: None,
            zone: plumbline::clock::Zone::UTC,
        },
        Some(baseline.clone()),
        Monitor::new(MonitorConfig::default()).expect("monitor"),
        Coach::builtin().expect("coach"),
        0.0,
    );

    let image = RgbImage::new(8, 6);
    let mut readings: Vec<(f64, f64, Verdict)> = Vec::new();
    let step = 0.25;
    for index in 0..240u64 {
        let time_s = index as f64 * step;
        if time_s >= 30.0 {
            *posture.lock().unwrap() = Posture {
                neck_flexion: 25.0,
                ..Posture::default()
            };
        }
        let frame = Frame {
            image: image.clone(),
            time_s,
            index,
        };
        let Some(output) = session.on_frame(&frame).expect("step") else {
            continue;
        };
        let analysis = output.analysis.expect("analysed against the baseline");
        let forward = analysis
            .judgement
            .deviation
            .forward_head_deg
            .expect("forward head");
        readings.push((time_s, f64::from(forward), analysis.judgement.verdict));
    }

    // Upright, after the window filled: the session's readings against single frames.
    let settled: Vec<f64> = readings
        .iter()
        .filter(|(t, _, _)| *t >= SMOOTHING_S && *t < 30.0)
        .map(|r| r.1)
        .collect();
    let single: Vec<f64> = returned.lock().unwrap()[..120]
        .iter()
        .map(|pose| {
            let m = measure(pose, &baseline.camera, Some(&baseline));
            f64::from(
                deviation(&m, &baseline)
                    .forward_head_deg
                    .unwrap_or(f32::NAN),
            )
        })
        .filter(|v| v.is_finite())
        .collect();
    let (smoothed_sd, single_sd) = (sd(&settled), sd(&single));
    println!(
        "upright forward-head scatter: session {smoothed_sd:.2}°, single frames {single_sd:.2}°"
    );
    assert!(settled.len() > 80, "{} readings", settled.len());
    assert!(
        smoothed_sd < 0.5 * single_sd,
        "{smoothed_sd} vs {single_sd}"
    );
    assert!(settled.iter().all(|v| v.abs() < 5.0), "{settled:?}");
    assert!(
        readings
            .iter()
            .filter(|(t, _, _)| *t < 30.0)
            .all(|(_, _, v)| !v.is_posture_fault())
    );

    // 25° of neck flexion from t = 30 s: once a full window has passed, the reading is within
    // 5° of the true change and the verdict is forward head.
    let truth = pose_body(
        &body,
        &Posture {
            neck_flexion: 25.0,
            ..Posture::default()
        },
    )
    .truth
    .forward_head_deg
        - upright.truth.forward_head_deg;
    let after: Vec<&(f64, f64, Verdict)> = readings
        .iter()
        .filter(|(t, _, _)| *t >= 30.0 + SMOOTHING_S + 0.5)
        .collect();
    assert!(!after.is_empty());
    for (t, value, verdict) in after {
        assert!(
            (value - truth).abs() < 5.0,
            "t={t}: {value:.1} vs true {truth:.1}"
        );
        assert_eq!(*verdict, Verdict::ForwardHead, "t={t}");
    }
}
