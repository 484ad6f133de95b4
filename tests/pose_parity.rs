//! Parity of the pose engine with MediaPipe 0.10.21 (`solutions.pose`, `model_complexity=1`),
//! whose results `tests/reference/make_reference.py` committed as JSON, plus negative inputs
//! that must never panic.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use image::RgbImage;
use plumbline::models::ModelLocator;
use plumbline::pose::{BlazePose, FrameMode, LANDMARK_NAMES, LandmarkModel, Pose, PoseEstimator};
use serde_json::Value;
use support::{fixture, models_dir, reference};

/// Face and shoulders: the landmarks posture uses.
const COMPARED: std::ops::Range<usize> = 0..13;

fn engine(model: LandmarkModel, mode: FrameMode) -> BlazePose {
    BlazePose::new(&ModelLocator::in_dir(models_dir()), model, mode).expect("engine loads")
}

fn load_reference(name: &str) -> Value {
    let text = std::fs::read_to_string(reference(name)).expect("reference JSON is committed");
    serde_json::from_str(&text).expect("reference JSON parses")
}

/// Reference landmark `name` of a reference frame: [x, y, z, visibility, presence].
fn reference_point(frame: &Value, key: &str, name: &str) -> Vec<f64> {
    frame[key][name]
        .as_array()
        .expect("landmark array")
        .iter()
        .map(|value| value.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// Pixel errors of landmarks 0–12 relative to the image diagonal, and world errors in metres.
fn errors(pose: &Pose, frame: &Value, diagonal: f64) -> (Vec<f64>, Vec<f64>) {
    let mut image_errors = Vec::new();
    let mut world_errors = Vec::new();
    for index in COMPARED {
        let name = LANDMARK_NAMES[index];
        let expected = reference_point(frame, "landmarks", name);
        let ours = pose.landmarks[index];
        let dx = ours.x as f64 - expected[0];
        let dy = ours.y as f64 - expected[1];
        image_errors.push(dx.hypot(dy) / diagonal);
        let expected_world = reference_point(frame, "world_landmarks", name);
        let ours_world = pose.world_landmarks[index];
        let distance = (0..3)
            .map(|axis| (ours_world[axis] as f64 - expected_world[axis]).powi(2))
            .sum::<f64>()
            .sqrt();
        world_errors.push(distance);
    }
    (image_errors, world_errors)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

fn max(values: &[f64]) -> f64 {
    values.iter().cloned().fold(0.0, f64::max)
}

#[test]
fn portrait_matches_mediapipe_full() {
    let reference = load_reference("grace_hopper.json");
    let frame = &reference["frames"][0];
    assert_eq!(frame["person"], Value::Bool(true));
    let image = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let diagonal = (image.width() as f64).hypot(image.height() as f64);
    let mut estimator = engine(LandmarkModel::Full, FrameMode::Stills);
    let pose = estimator
        .estimate(&image, 0.0)
        .expect("runs")
        .expect("a person is found");
    let (image_errors, world_errors) = errors(&pose, frame, diagonal);
    eprintln!(
        "portrait: mean {:.3} % max {:.3} % of the diagonal; world mean {:.1} mm",
        100.0 * mean(&image_errors),
        100.0 * max(&image_errors),
        1000.0 * mean(&world_errors)
    );
    assert!(mean(&image_errors) <= 0.005, "{image_errors:?}");
    assert!(max(&image_errors) <= 0.015, "{image_errors:?}");
    assert!(mean(&world_errors) <= 0.02, "{world_errors:?}");
    assert!(pose.presence > 0.9);
}

#[test]
fn carphone_video_tracks_like_mediapipe_full() {
    let reference = load_reference("carphone.json");
    let frames = reference["frames"].as_array().expect("frames");
    assert_eq!(frames.len(), 120);
    let mut source =
        plumbline::source::open_path(&fixture("carphone.mp4"), 1.0).expect("video opens");
    let mut estimator = engine(LandmarkModel::Full, FrameMode::Video);
    let mut image_errors = Vec::new();
    let mut world_errors = Vec::new();
    let mut index = 0;
    while let Some(frame) = source.next_frame().expect("decodes") {
        let diagonal = (frame.image.width() as f64).hypot(frame.image.height() as f64);
        let expected = &frames[index];
        let pose = estimator
            .estimate(&frame.image, frame.time_s)
            .expect("runs");
        assert_eq!(
            pose.is_some(),
            expected["person"].as_bool().expect("person flag"),
            "person decision differs on frame {index}"
        );
        if let Some(pose) = pose {
            let (image, world) = errors(&pose, expected, diagonal);
            image_errors.extend(image);
            world_errors.extend(world);
        }
        index += 1;
    }
    assert_eq!(index, 120);
    eprintln!(
        "carphone: mean {:.3} % max {:.3} % of the diagonal; world mean {:.1} mm",
        100.0 * mean(&image_errors),
        100.0 * max(&image_errors),
        1000.0 * mean(&world_errors)
    );
    assert!(mean(&image_errors) <= 0.01);
    assert!(mean(&world_errors) <= 0.02);
}

#[test]
fn lite_model_finds_the_same_face_and_shoulders() {
    let reference = load_reference("grace_hopper.json");
    let image = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let diagonal = (image.width() as f64).hypot(image.height() as f64);
    let mut estimator = engine(LandmarkModel::Lite, FrameMode::Stills);
    let pose = estimator
        .estimate(&image, 0.0)
        .expect("runs")
        .expect("a person");
    let (image_errors, _) = errors(&pose, &reference["frames"][0], diagonal);
    eprintln!(
        "lite vs MediaPipe full: mean {:.3} %",
        100.0 * mean(&image_errors)
    );
    // Lite is a different, smaller network: it is compared with the full model's reference
    // only to catch gross errors (2.3 % of the diagonal measured here; full: 0.3 %).
    assert!(mean(&image_errors) <= 0.03, "{image_errors:?}");
}

#[test]
fn flat_grey_frames_have_nobody_as_in_mediapipe() {
    // MediaPipe's own answer for each negative case (tests/reference/negatives.json).
    let negatives: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(support::reference("negatives.json")).expect("reference"),
    )
    .expect("JSON");
    let cases = negatives["cases"].as_object().expect("cases");
    assert_eq!(cases.len(), 2, "{cases:?}");
    for (name, case) in cases {
        let width = case["image_width"].as_u64().expect("width") as u32;
        let height = case["image_height"].as_u64().expect("height") as u32;
        let person = case["person"].as_bool().expect("person");
        let grey = RgbImage::from_pixel(width, height, image::Rgb([128, 128, 128]));
        for model in [LandmarkModel::Lite, LandmarkModel::Full] {
            let mut estimator = engine(model, FrameMode::Stills);
            let found = estimator.estimate(&grey, 0.0).expect("runs").is_some();
            assert_eq!(
                found, person,
                "{name}, {model:?}: MediaPipe says person={person}"
            );
        }
    }
}

#[test]
fn background_only_crop_has_nobody() {
    // The top-left corner of the portrait: dark background, no person.
    let portrait = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let corner = image::imageops::crop_imm(&portrait, 0, 0, 90, 90).to_image();
    let mut estimator = engine(LandmarkModel::Full, FrameMode::Stills);
    assert!(estimator.estimate(&corner, 0.0).expect("runs").is_none());
}

#[test]
fn tiny_and_huge_images_do_not_panic() {
    let portrait = image::open(fixture("grace_hopper.jpg")).expect("portrait");
    let mut estimator = engine(LandmarkModel::Lite, FrameMode::Stills);
    let tiny = portrait
        .resize_exact(8, 8, image::imageops::FilterType::Triangle)
        .to_rgb8();
    // Eight pixels hold no person the detector can find (as for MediaPipe's 8×8 negative).
    assert!(estimator.estimate(&tiny, 0.0).expect("runs").is_none());
    let huge = portrait
        .resize_exact(8000, 6000, image::imageops::FilterType::Nearest)
        .to_rgb8();
    let pose = estimator.estimate(&huge, 0.0).expect("runs");
    if let Some(pose) = pose {
        // Stretched, but the nose must land on the face, in the upper half of the frame.
        let nose = pose.landmarks[0];
        assert!(
            nose.x > 2000.0 && nose.x < 6000.0 && nose.y < 3500.0,
            "{nose:?}"
        );
    }
}

#[test]
fn the_same_still_gives_the_same_pose_twice() {
    let image = image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8();
    let mut estimator = engine(LandmarkModel::Lite, FrameMode::Stills);
    let first = estimator.estimate(&image, 0.0).expect("runs");
    let second = estimator.estimate(&image, 1.0).expect("runs");
    assert_eq!(first, second);
}
