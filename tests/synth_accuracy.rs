//! Image-level accuracy on the held-out rendered subjects (`tests/fixtures/synth/`, H1–H6: never
//! used to tune anything): each subject is calibrated on its own five upright photos and every
//! frame goes through the real path, JPEG → BlazePose + face mesh (ONNX) → metrics → verdict.
//! The table is printed (`cargo test --test synth_accuracy -- --nocapture`); the benchmark with
//! the development subjects is `cargo run --example synth_accuracy`.
//!
//! `targets_met_on_held_out_subjects` asserts the targets that the estimate meets.
//! `held_out_figures_hold` pins the figures of the targets it does not meet yet at what was
//! measured when they were set (docs/geometry.md lists each target, the figure and why), so a
//! change that makes them worse fails here; it is not a statement that they are good enough.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "support/synth_eval.rs"]
mod synth_eval;

use std::path::PathBuf;
use std::sync::OnceLock;

use synth_eval::{SubjectRun, SubjectStats};

fn fixtures() -> PathBuf {
    support::fixture("synth")
}

/// The held-out runs, computed once for all tests of this file.
fn runs() -> &'static Vec<(SubjectRun, SubjectStats)> {
    static RUNS: OnceLock<Vec<(SubjectRun, SubjectStats)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = fixtures();
        let index = synth_eval::Index::load(&dir);
        let mut estimator = synth_eval::still_estimator(&support::models_dir());
        let mut out = Vec::new();
        for (subject, setup) in &index.subjects {
            assert_eq!(
                setup.as_ref().map(|s| s.split.as_str()),
                Some("held_out"),
                "{subject}: only held-out subjects belong in the committed fixtures"
            );
            for camera in ["webcam", "side_left"] {
                let run = synth_eval::run_subject(&dir, &index, subject, camera, &mut estimator);
                let stats = synth_eval::stats(&run);
                out.push((run, stats));
            }
        }
        let rows: Vec<SubjectStats> = out.iter().map(|(_, s)| s.clone()).collect();
        eprintln!("{}", synth_eval::table(&rows));
        out
    })
}

fn webcam_rows() -> Vec<&'static SubjectStats> {
    runs()
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.camera == "webcam")
        .collect()
}

#[test]
fn every_held_out_subject_is_there() {
    let subjects: Vec<&str> = webcam_rows().iter().map(|s| s.subject.as_str()).collect();
    assert_eq!(subjects, ["H1", "H2", "H3", "H4", "H5", "H6"]);
    for row in webcam_rows() {
        assert_eq!(
            row.forward_head_read, row.forward_head_frames,
            "{}: every upright and forward-head frame must get a number",
            row.subject
        );
        assert!(row.forward_head_frames >= 10, "{row:?}");
    }
}

#[test]
fn targets_met_on_held_out_subjects() {
    for row in webcam_rows() {
        // Spearman ρ ≥ 0.9 between the true and the read forward-head change, every subject.
        let rho = row.forward_head_rho.unwrap_or(f64::NAN);
        assert!(rho >= 0.9, "{}: ρ {rho:.2} < 0.9", row.subject);
        // ≥ 90 % of the frames with ≥ 10° of forward head flagged forward_head or slouch.
        assert!(
            row.forward_head_10_flagged >= 0.9,
            "{}: {:.0} % of ≥ 10° frames flagged",
            row.subject,
            row.forward_head_10_flagged * 100.0
        );
    }
}

/// The figures of targets not met yet, pinned at the level measured when this test was written
/// (held-out, JPEG quality 90). Target in each message.
#[test]
fn held_out_figures_hold() {
    let rows = webcam_rows();
    let laptop: Vec<_> = rows
        .iter()
        .filter(|r| r.webcam.starts_with("laptop"))
        .collect();
    let monitor: Vec<_> = rows
        .iter()
        .filter(|r| r.webcam.starts_with("monitor"))
        .collect();
    let mean = |values: Vec<f64>| values.iter().sum::<f64>() / values.len() as f64;
    let laptop_mae = mean(laptop.iter().map(|r| r.forward_head_mae_deg).collect());
    let monitor_mae = mean(monitor.iter().map(|r| r.forward_head_mae_deg).collect());
    eprintln!("laptop forward-head MAE {laptop_mae:.2}°, monitor {monitor_mae:.2}°");
    // Target: ≤ 3° (laptop), ≤ 2° (monitor). Measured 3.0° and 2.05°.
    assert!(
        laptop_mae <= 3.5,
        "laptop forward-head MAE {laptop_mae:.2}° (target ≤ 3°)"
    );
    assert!(
        monitor_mae <= 2.5,
        "monitor forward-head MAE {monitor_mae:.2}° (target ≤ 2°)"
    );
    for row in &rows {
        // Target ≤ 3° per subject; measured at most 3.9°.
        assert!(
            row.forward_head_mae_deg <= 4.5,
            "{}: forward-head MAE {:.2}°",
            row.subject,
            row.forward_head_mae_deg
        );
    }
    // Distractors: target ≤ 2 % posture verdicts; measured 17 % (18 of 108).
    let distractor = mean(rows.iter().map(|r| r.distractor_posture).collect());
    assert!(
        distractor <= 0.25,
        "distractor posture verdicts {:.0} %",
        distractor * 100.0
    );
    // Looking down read as looking_down: target ≥ 80 %; measured 42 % (5 of 12).
    let looking_down = mean(rows.iter().map(|r| r.looking_down_read).collect());
    assert!(
        looking_down >= 0.33,
        "looking down read {:.0} %",
        looking_down * 100.0
    );
    // The upright calibration photos themselves, each judged alone (no 6 s window): target none
    // read as a fault; measured 3 of 30 (H1 2 of 5, H4 1 of 5).
    let upright = mean(rows.iter().map(|r| r.upright_posture).collect());
    assert!(
        upright <= 0.15,
        "upright photos read as a fault {:.0} %",
        upright * 100.0
    );
}

#[test]
fn calibration_infers_where_the_camera_is() {
    // From the face alone: the camera's distance and its angle below eye level, against the
    // rendered set-up (laptops 26–44° below the eyes, monitor webcams at eye level or above).
    // The bounds were set after the first run, which measured distances within 11 % and angles
    // within 5° except the person far off the camera's axis (H3, 11° high): they pin that.
    for (run, stats) in runs() {
        if stats.camera != "webcam" {
            continue;
        }
        let setup = run.setup.as_ref().expect("set-up");
        let face = run
            .baseline
            .reference
            .face
            .as_ref()
            .expect("a face reference");
        let true_angle = (setup.eyes_above_camera_m / setup.camera_to_eyes_m)
            .asin()
            .to_degrees();
        eprintln!(
            "{}: camera {:.2} m (true {:.2}), {:+.1}° below eye level (true {true_angle:+.1}°)",
            run.subject, face.camera_distance_m, setup.camera_to_eyes_m, face.camera_below_eyes_deg
        );
        let distance_error = face.camera_distance_m / setup.camera_to_eyes_m - 1.0;
        assert!(
            distance_error.abs() <= 0.15,
            "{}: distance off by {:.0} %",
            run.subject,
            distance_error * 100.0
        );
        assert!(
            (face.camera_below_eyes_deg - true_angle).abs() <= 12.0,
            "{}: camera {:.1}° below eye level, true {true_angle:.1}°",
            run.subject,
            face.camera_below_eyes_deg
        );
    }
}

#[test]
fn setup_advice_follows_the_rendered_setup() {
    // The rendered camera's angle below the eyes and its distance decide what the calibration
    // advises; cases within 5° or 5 cm of the limits are not judged.
    use plumbline::coach::setup::{CAMERA_LOW_DEG, TOO_CLOSE_M, advice_for_baseline};
    let mut judged = 0;
    for (run, stats) in runs() {
        if stats.camera != "webcam" {
            continue;
        }
        let setup = run.setup.as_ref().expect("set-up");
        let true_angle = (setup.eyes_above_camera_m / setup.camera_to_eyes_m)
            .asin()
            .to_degrees();
        let advice: Vec<String> = advice_for_baseline(&run.baseline)
            .iter()
            .map(|a| a.line())
            .collect();
        eprintln!("{}: {advice:#?}", run.subject);
        let says_low = advice.iter().any(|a| a.contains("below your eyes"));
        if true_angle > CAMERA_LOW_DEG + 5.0 {
            assert!(
                says_low,
                "{}: {true_angle:.0}° low, {advice:?}",
                run.subject
            );
            judged += 1;
        } else if true_angle < CAMERA_LOW_DEG - 5.0 {
            assert!(!says_low, "{}: {true_angle:.0}°, {advice:?}", run.subject);
            judged += 1;
        }
        let says_close = advice.iter().any(|a| a.contains("cm from the camera"));
        let close = TOO_CLOSE_M;
        if setup.camera_to_eyes_m < close - 0.05 {
            assert!(says_close, "{}: {advice:?}", run.subject);
        } else if setup.camera_to_eyes_m > close + 0.05 {
            assert!(!says_close, "{}: {advice:?}", run.subject);
        }
    }
    assert!(judged >= 4, "only {judged} subjects judged");
}

#[test]
fn forward_head_rises_with_the_true_change() {
    // Beyond ρ: the 25° frame reads more than the 10° frame for every subject.
    for (run, stats) in runs() {
        if stats.camera != "webcam" {
            continue;
        }
        let read = |sequence_index: &str| {
            run.frames
                .iter()
                .find(|f| f.truth.file.contains(sequence_index))
                .and_then(|f| f.forward_head_change_deg)
                .unwrap_or_else(|| panic!("{}: no {sequence_index}", run.subject))
        };
        let (ten, twenty_five) = (
            read("forward_head_02_webcam"),
            read("forward_head_05_webcam"),
        );
        assert!(
            twenty_five > ten + 8.0,
            "{}: 10° read {ten:.1}, 25° read {twenty_five:.1}",
            run.subject
        );
    }
}
