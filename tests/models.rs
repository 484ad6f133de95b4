//! Smoke proof for each model: it loads through ONNX Runtime, has the expected outputs, and
//! answers sensibly on a real crop and on a flat grey one.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use image::imageops::FilterType;
use plumbline::models::{ModelFile, ModelLocator};
use plumbline::pose::model::OnnxModel;
use plumbline::pose::warp::{BilinearTable, Border, ValueRange, warp_roi_into_tensor};
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use support::{fixture, models_dir};

/// An image resized to `size`×`size` as an NHWC tensor with `value = px · scale + offset`.
fn tensor(image: &image::RgbImage, size: u32, scale: f32, offset: f32) -> Vec<f32> {
    image::imageops::resize(image, size, size, FilterType::Triangle)
        .as_raw()
        .iter()
        .map(|&sample| sample as f32 * scale + offset)
        .collect()
}

fn portrait() -> image::RgbImage {
    image::open(fixture("grace_hopper.jpg"))
        .expect("portrait")
        .to_rgb8()
}

/// The portrait cropped to the region the detector proposes (found by the full pipeline),
/// as the landmark model's input tensor.
fn portrait_crop() -> Vec<f32> {
    let locator = ModelLocator::in_dir(models_dir());
    let mut engine =
        BlazePose::new(&locator, LandmarkModel::Lite, FrameMode::Stills).expect("engine");
    let image = portrait();
    let pose = engine
        .estimate(&image, 0.0)
        .expect("runs")
        .expect("a person");
    let mut input = vec![0.0; 256 * 256 * 3];
    warp_roi_into_tensor(
        &image,
        &pose.roi,
        256,
        Border::Replicate,
        ValueRange::ZERO_TO_ONE,
        &BilinearTable::new(),
        &mut input,
    );
    input
}

fn grey() -> image::RgbImage {
    image::RgbImage::from_pixel(300, 300, image::Rgb([128, 128, 128]))
}

#[test]
fn landmark_models_see_a_person_in_the_portrait_and_nobody_in_grey() {
    let locator = ModelLocator::in_dir(models_dir());
    for model in [ModelFile::LandmarkFull, ModelFile::LandmarkLite] {
        let mut session = OnnxModel::load(
            &locator,
            model,
            [1, 256, 256, 3],
            &[195, 1, 64 * 64 * 39, 117],
        )
        .expect("landmark model loads");
        let outputs = session.run(&portrait_crop()).expect("runs");
        assert_eq!(outputs[0].len(), 195);
        assert_eq!(outputs[3].len(), 117);
        let presence_portrait = outputs[1][0];
        let outputs = session
            .run(&tensor(&grey(), 256, 1.0 / 255.0, 0.0))
            .expect("runs");
        let presence_grey = outputs[1][0];
        eprintln!("{model:?}: presence portrait {presence_portrait:.3}, grey {presence_grey:.3}");
        assert!(presence_portrait > 0.5, "{model:?}: {presence_portrait}");
        assert!(presence_grey < 0.5, "{model:?}: {presence_grey}");
    }
}

#[test]
fn detector_scores_the_portrait_and_not_grey() {
    let locator = ModelLocator::in_dir(models_dir());
    let mut session = OnnxModel::load(
        &locator,
        ModelFile::PoseDetection,
        [1, 224, 224, 3],
        &[2254 * 12, 2254],
    )
    .expect("detector loads");
    let best = |outputs: &[Vec<f32>]| outputs[1].iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let outputs = session
        .run(&tensor(&portrait(), 224, 2.0 / 255.0, -1.0))
        .expect("runs");
    assert_eq!(outputs[0].len(), 2254 * 12);
    let portrait_logit = best(outputs);
    let outputs = session
        .run(&tensor(&grey(), 224, 2.0 / 255.0, -1.0))
        .expect("runs");
    let grey_logit = best(outputs);
    eprintln!("detector best logit: portrait {portrait_logit:.2}, grey {grey_logit:.2}");
    assert!(portrait_logit > 0.0, "{portrait_logit}");
    assert!(grey_logit < 0.0, "{grey_logit}");
}

#[test]
fn a_model_with_the_wrong_layout_is_refused() {
    // The detector offered as a landmark model: loads, but the outputs do not fit.
    let folder = tempfile::tempdir().expect("tempdir");
    let detector = std::fs::read(models_dir().join("pose_detection.onnx")).expect("detector");
    std::fs::write(folder.path().join("pose_detection.onnx"), detector).expect("copy");
    let locator = ModelLocator::in_dir(folder.path());
    let result = OnnxModel::load(
        &locator,
        ModelFile::PoseDetection,
        [1, 256, 256, 3],
        &[195, 1],
    );
    let error = result.err().expect("wrong layout must fail").to_string();
    assert!(error.contains("expected inputs and outputs"), "{error}");
}
