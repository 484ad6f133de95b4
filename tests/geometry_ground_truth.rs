//! Ground-truth tests of the posture geometry: a synthetic 3D upper body with known forward
//! head, rounded shoulders, head pitch / yaw, trunk lean and distance, projected through laptop
//! and side cameras with BlazePose-like noise, calibrated and analysed through the public API.
//!
//! Estimates are judged on the median of a window of [`WINDOW`] noisy frames (≈ 5 s at 5 fps,
//! the time scale at which a posture monitor decides); single-frame errors are reported in the
//! CSV written to `target/tmp/geometry_accuracy.csv` (see `scripts/plot_geometry.py`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod synthetic_body;
}

use std::sync::OnceLock;

use plumbline::geometry::{
    Baseline, CalibrationError, CameraIntrinsics, Gate, Metrics, Thresholds, View, calibrate,
    calibrate_with_report, deviation, interquartile_mean_metrics, judge, measure,
};
use plumbline::pose::{Pose, landmark};
use plumbline::verdict::Verdict;
use support::synthetic_body::{
    Body, Camera, Noise, Posture, Rng, bodies, laptop_camera, pose_body, render, side_camera,
};

/// Frames per judged window.
const WINDOW: usize = 25;
/// Calibration frames: 5 s at the calibration rate (`CALIBRATION_FPS`, 10 fps).
const CALIBRATION_FRAMES: usize = 50;
/// Field of view of the synthetic webcams (the test tells the geometry; see the report for an
/// unknown-FOV run).
const HFOV: f64 = 65.0;

const FRONT_DISTANCES: [f64; 3] = [0.40, 0.60, 0.90];
const FRONT_BELOW_EYES: [f64; 2] = [0.08, 0.25];
const FRONT_AZIMUTHS: [f64; 3] = [-20.0, 0.0, 20.0];
const SIDE_DISTANCES: [f64; 3] = [0.9, 1.2, 1.5];
const NECK_FLEXIONS: [f64; 8] = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0];
const PROTRACTIONS: [f64; 5] = [0.0, 5.0, 10.0, 15.0, 20.0];
/// Noisy windows must rise over steps of at least this many true degrees (within
/// [`MONOTONIC_SLACK`]); noise-free frames must rise strictly at every step.
const NOISY_MONOTONIC_STEP: f64 = 9.5;
/// A noisy window may read this much lower than one ≥ [`NOISY_MONOTONIC_STEP`] below it.
const MONOTONIC_SLACK: f64 = 1.0;

fn intrinsics(cam: &Camera) -> CameraIntrinsics {
    CameraIntrinsics::new(cam.width, cam.height).with_hfov(cam.hfov_deg as f32)
}

fn frames(b: &Body, cam: &Camera, p: &Posture, n: usize, noise: Noise, rng: &mut Rng) -> Vec<Pose> {
    let posed = pose_body(b, p);
    (0..n).map(|_| render(b, &posed, cam, noise, rng)).collect()
}

fn calibrate_upright(b: &Body, cam: &Camera, rng: &mut Rng) -> Baseline {
    let f: Vec<Option<Pose>> = frames(
        b,
        cam,
        &Posture::default(),
        CALIBRATION_FRAMES,
        Noise::REALISTIC,
        rng,
    )
    .into_iter()
    .map(Some)
    .collect();
    let (report, result) = calibrate_with_report(&f, &intrinsics(cam));
    result.unwrap_or_else(|e| panic!("calibration failed for {}: {e}\n{report}", b.name))
}

/// One judged window.
#[derive(Clone, Debug)]
struct Window {
    metrics: Metrics,
    single: Vec<Metrics>,
    verdict: Verdict,
}

fn window(b: &Body, cam: &Camera, base: &Baseline, p: &Posture, rng: &mut Rng) -> Window {
    let single: Vec<Metrics> = frames(b, cam, p, WINDOW, Noise::REALISTIC, rng)
        .iter()
        .map(|pose| measure(pose, &base.camera, Some(base)))
        .collect();
    let metrics = interquartile_mean_metrics(&single).expect("non-empty window");
    let verdict = judge(Some(&metrics), base, &Thresholds::default()).verdict;
    Window {
        metrics,
        single,
        verdict,
    }
}

/// One row of the accuracy table.
#[derive(Clone, Debug)]
struct Row {
    view: View,
    body: &'static str,
    distance: f64,
    below: f64,
    azimuth: f64,
    metric: &'static str,
    truth: f64,
    estimate: f64,
    /// The estimate on one noise-free frame (same calibration).
    noise_free: f64,
    single_frame_errors: Vec<f64>,
}

#[derive(Clone, Debug)]
struct Nuisance {
    label: String,
    scenario: &'static str,
    verdict: Verdict,
    fh_truth: f64,
    fh_est: f64,
    pitch_est: f64,
}

#[derive(Default)]
struct Results {
    rows: Vec<Row>,
    monotonic_failures: Vec<String>,
    strict_reversals: Vec<String>,
    nuisances: Vec<Nuisance>,
    slouch: Vec<(String, Verdict)>,
}

fn dev_fh(m: &Metrics, base: &Baseline) -> f64 {
    f64::from(deviation(m, base).forward_head_deg.unwrap_or(f32::NAN))
}
fn dev_rs(m: &Metrics, base: &Baseline) -> f64 {
    f64::from(deviation(m, base).rounded_shoulder_deg.unwrap_or(f32::NAN))
}
fn dev_pitch(m: &Metrics, base: &Baseline) -> f64 {
    f64::from(deviation(m, base).head_pitch_deg.unwrap_or(f32::NAN))
}

/// One sweep's `(true, noisy window, noise-free)` estimates, checked for monotonicity: the
/// noise-free estimate (same calibration) must rise strictly with the true angle, and noisy
/// windows must rise over steps of ≥ [`NOISY_MONOTONIC_STEP`]. (Noisy windows 4–5° apart
/// reverse now and then by chance: their difference scatters by ≈ 2° at 90 cm.)
fn check_monotonic(results: &mut Results, label: &str, points: &[(f64, f64, f64)]) {
    for (k, &(truth, est, clean)) in points.iter().enumerate().skip(1) {
        let (t0, _, c0) = points[k - 1];
        if clean <= c0 {
            results.monotonic_failures.push(format!(
                "{label}: noise-free {clean:.2} after {c0:.2} at truth {truth:.1} (was {t0:.1})"
            ));
        }
        if let Some(&(tb, eb, _)) = points[..k]
            .iter()
            .rev()
            .find(|p| truth - p.0 >= NOISY_MONOTONIC_STEP)
            .filter(|p| est <= p.1 - MONOTONIC_SLACK)
        {
            results.monotonic_failures.push(format!(
                "{label}: window {est:.1} at truth {truth:.1} after {eb:.1} at truth {tb:.1}"
            ));
        }
        if est <= points[k - 1].1 {
            results.strict_reversals.push(format!(
                "{label}: window {est:.1} after {:.1} at truth {truth:.1}",
                points[k - 1].1
            ));
        }
    }
}

/// The metric a sweep varies.
#[derive(Clone, Copy)]
enum Swept {
    ForwardHead,
    RoundedShoulders,
}

#[allow(clippy::too_many_arguments)]
fn sweep(
    results: &mut Results,
    b: &Body,
    cam: &Camera,
    base: &Baseline,
    view: View,
    geometry: (f64, f64, f64),
    rng: &mut Rng,
    label: &str,
) {
    let t0 = pose_body(b, &Posture::default()).truth;
    let forward_head = NECK_FLEXIONS.iter().map(|&nf| {
        let p = Posture {
            neck_flexion: nf,
            ..Posture::default()
        };
        let truth = pose_body(b, &p).truth.forward_head_deg - t0.forward_head_deg;
        (Swept::ForwardHead, p, truth)
    });
    let rounded = PROTRACTIONS.iter().map(|&pr| {
        let p = Posture {
            protraction: pr,
            ..Posture::default()
        };
        (Swept::RoundedShoulders, p, pr)
    });
    let mut points: Vec<(f64, f64, f64)> = Vec::new();
    let mut last_kind = None;
    for (kind, p, truth) in forward_head.chain(rounded) {
        if matches!(kind, Swept::ForwardHead) && truth > 30.5 {
            continue;
        }
        let (metric, value): (&str, fn(&Metrics, &Baseline) -> f64) = match kind {
            Swept::ForwardHead => ("forward_head", dev_fh),
            Swept::RoundedShoulders => ("rounded_shoulder", dev_rs),
        };
        if last_kind.is_some_and(|k: &str| k != metric) {
            check_monotonic(results, label, &points);
            points.clear();
        }
        last_kind = Some(metric);
        let w = window(b, cam, base, &p, rng);
        let est = value(&w.metrics, base);
        let clean = frames(b, cam, &p, 1, Noise::NONE, rng)
            .first()
            .map(|pose| value(&measure(pose, &base.camera, Some(base)), base))
            .unwrap_or(f64::NAN);
        points.push((truth, est, clean));
        results.rows.push(Row {
            view,
            body: b.name,
            distance: geometry.0,
            below: geometry.1,
            azimuth: geometry.2,
            metric,
            truth,
            estimate: est,
            noise_free: clean,
            single_frame_errors: w.single.iter().map(|m| value(m, base) - truth).collect(),
        });
    }
    check_monotonic(results, &format!("{label} rounded"), &points);
}

fn nuisance_postures() -> Vec<(&'static str, String, Posture)> {
    let mut v = Vec::new();
    for pitch in [15.0, 25.0, 35.0] {
        v.push((
            "looking_down",
            format!("look down {pitch}°"),
            Posture {
                head_pitch: pitch,
                ..Posture::default()
            },
        ));
    }
    for yaw in [-25.0, 25.0] {
        v.push((
            "head_turn",
            format!("turn head {yaw}°"),
            Posture {
                head_yaw: yaw,
                ..Posture::default()
            },
        ));
    }
    for lean in [8.0, 15.0] {
        v.push((
            "lean_back",
            format!("lean back {lean}°"),
            Posture {
                lean_back: lean,
                ..Posture::default()
            },
        ));
    }
    for shift in [0.08, -0.15] {
        v.push((
            "distance",
            format!("move {:+.0} cm towards the screen", shift * 100.0),
            Posture {
                shift: [0.0, 0.0, shift],
                ..Posture::default()
            },
        ));
    }
    v
}

fn run_nuisances(
    results: &mut Results,
    b: &Body,
    cam: &Camera,
    base: &Baseline,
    rng: &mut Rng,
    label: &str,
) {
    let t0 = pose_body(b, &Posture::default()).truth;
    for (scenario, name, p) in nuisance_postures() {
        let w = window(b, cam, base, &p, rng);
        results.nuisances.push(Nuisance {
            label: format!("{label} {name}"),
            scenario,
            verdict: w.verdict,
            fh_truth: pose_body(b, &p).truth.forward_head_deg - t0.forward_head_deg,
            fh_est: dev_fh(&w.metrics, base),
            pitch_est: dev_pitch(&w.metrics, base),
        });
    }
    // Rounding the shoulders moves the shoulder midpoint forward under the ears, which lowers
    // the forward-head angle as defined (shoulder → ear): pick the neck flexion that keeps the
    // true forward-head change at ≥ 18° with 16° of rounding.
    let slouch = (0..=12)
        .map(|k| Posture {
            neck_flexion: 5.0 * f64::from(k),
            protraction: 16.0,
            ..Posture::default()
        })
        .find(|p| pose_body(b, p).truth.forward_head_deg - t0.forward_head_deg >= 18.0)
        .expect("a slouch posture");
    let w = window(b, cam, base, &slouch, rng);
    results.slouch.push((label.to_string(), w.verdict));
}

fn results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let mut r = Results::default();
        // `PLUMBLINE_GROUND_TRUTH_SEED` reruns the sweep with other noise (to see how the
        // tails move); CI uses the fixed default.
        let seed = std::env::var("PLUMBLINE_GROUND_TRUTH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20_240_601);
        let mut rng = Rng::new(seed);
        for b in bodies() {
            for &d in &FRONT_DISTANCES {
                for &below in &FRONT_BELOW_EYES {
                    for &az in &FRONT_AZIMUTHS {
                        let cam = laptop_camera(&b, d, below, az, HFOV);
                        let base = calibrate_upright(&b, &cam, &mut rng);
                        assert_eq!(base.view, View::Front);
                        let label = format!("front {} d={d} below={below} az={az}", b.name);
                        sweep(
                            &mut r,
                            &b,
                            &cam,
                            &base,
                            View::Front,
                            (d, below, az),
                            &mut rng,
                            &label,
                        );
                        run_nuisances(&mut r, &b, &cam, &base, &mut rng, &label);
                    }
                }
            }
            for &d in &SIDE_DISTANCES {
                let cam = side_camera(&b, d, HFOV);
                let base = calibrate_upright(&b, &cam, &mut rng);
                assert_eq!(base.view, View::Side);
                let label = format!("side {} d={d}", b.name);
                sweep(
                    &mut r,
                    &b,
                    &cam,
                    &base,
                    View::Side,
                    (d, 0.0, 90.0),
                    &mut rng,
                    &label,
                );
            }
        }
        write_csv(&r);
        r
    })
}

fn write_csv(r: &Results) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut text = String::from(
        "view,body,distance_m,below_eyes_m,azimuth_deg,metric,true_deg,estimate_deg,noise_free_estimate_deg,single_frame_estimates_deg\n",
    );
    for row in &r.rows {
        let singles: Vec<String> = row
            .single_frame_errors
            .iter()
            .map(|e| format!("{:.2}", row.truth + e))
            .collect();
        text += &format!(
            "{},{},{},{},{},{},{:.3},{:.3},{:.3},{}\n",
            row.view.as_str(),
            row.body,
            row.distance,
            row.below,
            row.azimuth,
            row.metric,
            row.truth,
            row.estimate,
            row.noise_free,
            singles.join(";")
        );
    }
    let path = dir.join("geometry_accuracy.csv");
    std::fs::write(&path, text).expect("write accuracy CSV");
    println!("wrote {}", path.display());
}

/// `(max window error, p95 single-frame error, count)` for the rows matching `keep`.
fn stats(rows: &[&Row]) -> (f64, f64, usize) {
    let max = rows
        .iter()
        .map(|r| (r.estimate - r.truth).abs())
        .fold(0.0, f64::max);
    let mut singles: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.single_frame_errors.iter().map(|e| e.abs()))
        .collect();
    singles.sort_by(f64::total_cmp);
    let p95 = singles
        .get((singles.len() as f64 * 0.95) as usize)
        .copied()
        .unwrap_or(f64::NAN);
    (max, p95, rows.len())
}

fn rows_of<'a>(view: View, metric: &str) -> Vec<&'a Row> {
    results()
        .rows
        .iter()
        .filter(|r| r.view == view && r.metric == metric)
        .collect()
}

fn worst(rows: &[&Row], tol: f64) -> Vec<String> {
    rows.iter()
        .filter(|r| (r.estimate - r.truth).abs() > tol || !r.estimate.is_finite())
        .map(|r| {
            format!(
                "{} {} d={} below={} az={}: true {:.1} est {:.1}",
                r.view.as_str(),
                r.body,
                r.distance,
                r.below,
                r.azimuth,
                r.truth,
                r.estimate
            )
        })
        .collect()
}

#[test]
fn accuracy_table() {
    println!("| view | metric | body | windows | max window error ° | p95 single-frame error ° |");
    println!("|---|---|---|---|---|---|");
    for view in [View::Front, View::Side] {
        for metric in ["forward_head", "rounded_shoulder"] {
            for body in ["average", "small", "tall", "all"] {
                let rows: Vec<&Row> = rows_of(view, metric)
                    .into_iter()
                    .filter(|r| body == "all" || r.body == body)
                    .collect();
                let (max, p95, n) = stats(&rows);
                println!(
                    "| {} | {metric} | {body} | {n} | {max:.1} | {p95:.1} |",
                    view.as_str()
                );
            }
        }
    }
    for (label, az) in [
        ("azimuth -20", -20.0),
        ("azimuth 0", 0.0),
        ("azimuth 20", 20.0),
    ] {
        for metric in ["forward_head", "rounded_shoulder"] {
            let rows: Vec<&Row> = rows_of(View::Front, metric)
                .into_iter()
                .filter(|r| r.azimuth == az)
                .collect();
            let (max, p95, n) = stats(&rows);
            println!("| front {label} | {metric} | all | {n} | {max:.1} | {p95:.1} |");
        }
    }
    for d in FRONT_DISTANCES {
        for metric in ["forward_head", "rounded_shoulder"] {
            let rows: Vec<&Row> = rows_of(View::Front, metric)
                .into_iter()
                .filter(|r| r.distance == d)
                .collect();
            let (max, p95, n) = stats(&rows);
            println!("| front {d} m | {metric} | all | {n} | {max:.1} | {p95:.1} |");
        }
    }
}

/// Checks a required tolerance. At least `min_fraction` of the windows must be within the
/// required `tol` and every window within `hard`; the windows beyond `tol` are printed (where
/// the requirement is not met, listed in docs/geometry.md). The fractions and caps sit just
/// outside what 11 noise seeds gave (`PLUMBLINE_GROUND_TRUTH_SEED`; docs/geometry.md has the
/// study): side forward head was always 100 % within 3°; front forward head ≥ 99.5 % within
/// 5° (worst window 7.6°); rounded shoulders ≥ 98.1 % (front) and ≥ 95.6 % (side) within 5°
/// (worst 7.7°). The misses are tails of the small body at 90 cm and the person-specific
/// depth-scale bias (±10 % on the synthetic bodies), which no frontal cue can calibrate.
fn check_tolerance(view: View, metric: &str, tol: f64, min_fraction: f64, hard: f64) {
    let rows = rows_of(view, metric);
    let beyond = worst(&rows, tol);
    let beyond_hard = worst(&rows, hard);
    let within = 1.0 - beyond.len() as f64 / rows.len() as f64;
    println!(
        "{} {metric}: {:.1} % of {} windows within {tol}°; beyond:\n{}",
        view.as_str(),
        within * 100.0,
        rows.len(),
        beyond.join("\n")
    );
    assert!(
        beyond_hard.is_empty(),
        "beyond {hard}°:\n{}",
        beyond_hard.join("\n")
    );
    assert!(
        within >= min_fraction,
        "only {:.1} % within {tol}°:\n{}",
        within * 100.0,
        beyond.join("\n")
    );
}

#[test]
fn front_forward_head_change_within_5_degrees() {
    check_tolerance(View::Front, "forward_head", 5.0, 0.99, 8.0);
}

#[test]
fn side_forward_head_change_within_3_degrees() {
    check_tolerance(View::Side, "forward_head", 3.0, 1.0, 3.0);
}

#[test]
fn front_view_reports_no_rounded_shoulders() {
    // Honest when blind: a front camera gets no rounded-shoulder number (rendered people showed
    // no cue with one sign for every person), so a front window never reads one.
    let rows = rows_of(View::Front, "rounded_shoulder");
    assert!(!rows.is_empty());
    let with_number: Vec<String> = rows
        .iter()
        .filter(|r| !r.estimate.is_nan())
        .map(|r| format!("{} true {:.1} read {:.1}", r.body, r.truth, r.estimate))
        .collect();
    assert!(with_number.is_empty(), "{}", with_number.join("\n"));
}

#[test]
fn side_rounded_shoulders_within_5_degrees() {
    check_tolerance(View::Side, "rounded_shoulder", 5.0, 0.95, 8.0);
}

#[test]
fn estimates_are_monotonic_in_the_true_angle() {
    let r = results();
    println!(
        "{} strict reversals between adjacent noisy windows (reported, not failed):\n{}",
        r.strict_reversals.len(),
        r.strict_reversals.join("\n")
    );
    let f = &r.monotonic_failures;
    assert!(
        f.is_empty(),
        "{} non-monotonic steps:\n{}",
        f.len(),
        f.join("\n")
    );
}

#[test]
fn no_posture_verdict_for_looking_down_turning_leaning_back_or_moving() {
    let mut counts: std::collections::BTreeMap<(&str, String), usize> = Default::default();
    for n in &results().nuisances {
        *counts
            .entry((n.scenario, n.verdict.to_string()))
            .or_default() += 1;
    }
    for ((scenario, verdict), k) in &counts {
        println!("nuisance {scenario}: {verdict} × {k}");
    }
    let bad: Vec<String> = results()
        .nuisances
        .iter()
        .filter(|n| n.verdict.is_posture_fault())
        .map(|n| {
            format!(
                "{}: {} (forward head true {:.1}, est {:.1}; pitch est {:.1})",
                n.label, n.verdict, n.fh_truth, n.fh_est, n.pitch_est
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} posture verdicts:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn looking_down_is_reported_as_looking_down() {
    let bad: Vec<String> = results()
        .nuisances
        .iter()
        .filter(|n| n.scenario == "looking_down" && !n.label.ends_with(" 15°"))
        .filter(|n| n.verdict != Verdict::LookingDown)
        .map(|n| format!("{}: {} (pitch est {:.1})", n.label, n.verdict, n.pitch_est))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn slouch_is_a_forward_head_fault_in_front_views() {
    // The slouch windows are front views, where rounded shoulders are not measured: the fault
    // they show is the head's, so every one must read `forward_head`.
    let all = &results().slouch;
    let not_forward: Vec<String> = all
        .iter()
        .filter(|(_, v)| *v != Verdict::ForwardHead)
        .map(|(l, v)| format!("{l}: {v}"))
        .collect();
    assert!(
        not_forward.is_empty(),
        "{} of {} slouch windows not `forward_head`:\n{}",
        not_forward.len(),
        all.len(),
        not_forward.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Verdicts of single scenarios and calibration gates (fast, independent of the sweep).

fn average_laptop() -> (Body, Camera, Baseline, Rng) {
    let b = bodies().remove(0);
    let cam = laptop_camera(&b, 0.6, 0.2, 0.0, HFOV);
    let mut rng = Rng::new(7);
    let base = calibrate_upright(&b, &cam, &mut rng);
    (b, cam, base, rng)
}

#[test]
fn upright_is_upright_and_no_person_is_no_person() {
    let (b, cam, base, mut rng) = average_laptop();
    let w = window(&b, &cam, &base, &Posture::default(), &mut rng);
    assert_eq!(w.verdict, Verdict::Upright);
    let j = judge(None, &base, &Thresholds::default());
    assert_eq!(j.verdict, Verdict::NoPerson);
}

#[test]
fn side_lean_is_leaning() {
    let (b, cam, base, mut rng) = average_laptop();
    let p = Posture {
        lean_side: 10.0,
        ..Posture::default()
    };
    assert_eq!(
        window(&b, &cam, &base, &p, &mut rng).verdict,
        Verdict::Leaning
    );
}

#[test]
fn a_large_move_in_the_frame_is_moved() {
    let (b, cam, base, mut rng) = average_laptop();
    let p = Posture {
        shift: [0.25, 0.0, 0.0],
        ..Posture::default()
    };
    assert_eq!(
        window(&b, &cam, &base, &p, &mut rng).verdict,
        Verdict::Moved
    );
}

#[test]
fn hidden_ears_give_low_confidence() {
    let (b, cam, base, mut rng) = average_laptop();
    let mut pose = frames(&b, &cam, &Posture::default(), 1, Noise::REALISTIC, &mut rng).remove(0);
    for i in [landmark::LEFT_EAR, landmark::RIGHT_EAR] {
        pose.landmarks[i].visibility = 0.05;
    }
    let m = measure(&pose, &base.camera, Some(&base));
    assert_eq!(
        judge(Some(&m), &base, &Thresholds::default()).verdict,
        Verdict::LowConfidence
    );
}

#[test]
fn metrics_and_deviation_serialize_flat_with_nulls() {
    let (b, cam, base, mut rng) = average_laptop();
    let pose = frames(&b, &cam, &Posture::default(), 1, Noise::REALISTIC, &mut rng).remove(0);
    let m = measure(&pose, &base.camera, None);
    let json = serde_json::to_value(m).expect("serialize");
    let obj = json.as_object().expect("object");
    assert!(obj.values().all(|v| !v.is_object() && !v.is_array()));
    assert_eq!(obj["view"], "front");
    assert!(obj["rounded_shoulder_deg"].is_null(), "needs a baseline");
    assert!(obj["forward_head_deg"].is_number());
    let d = serde_json::to_value(deviation(&measure(&pose, &base.camera, Some(&base)), &base))
        .expect("serialize");
    for key in ["forward_head_deg", "head_pitch_deg", "lateral_offset"] {
        assert!(d[key].is_number(), "{key}: {d}");
    }
    // Not measured in a front view: null, not a confident 0.
    assert!(d["rounded_shoulder_deg"].is_null(), "{d}");
}

#[test]
fn baseline_round_trips_through_json_and_rejects_other_versions() {
    let (_, _, base, _) = average_laptop();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("baseline_round_trip.json");
    base.save(&path).expect("save");
    let loaded = Baseline::load(&path).expect("load");
    assert_eq!(loaded.version, base.version);
    assert_eq!(loaded.view, base.view);
    let text = std::fs::read_to_string(&path).expect("read");
    let current = format!("\"version\": {}", plumbline::geometry::BASELINE_VERSION);
    assert!(text.contains(&current), "{text}");
    // The previous version (no face reference) and an unknown one are refused, naming the
    // version found.
    for old_version in [1, 99] {
        let old = text.replacen(&current, &format!("\"version\": {old_version}"), 1);
        let err = Baseline::from_json(&old, &path).expect_err("another version must fail");
        let message = err.to_string();
        assert!(message.contains("calibrate again"), "{message}");
        assert!(
            message.contains(&format!("format version {old_version},")),
            "{message}"
        );
    }
}

fn calibration_error(
    b: &Body,
    cam: &Camera,
    p: &Posture,
    edit: impl Fn(&mut Pose, usize),
) -> CalibrationError {
    let mut rng = Rng::new(11);
    let f: Vec<Option<Pose>> = frames(b, cam, p, CALIBRATION_FRAMES, Noise::REALISTIC, &mut rng)
        .into_iter()
        .enumerate()
        .map(|(i, mut pose)| {
            edit(&mut pose, i);
            Some(pose)
        })
        .collect();
    calibrate(&f, &intrinsics(cam)).expect_err("calibration should fail")
}

#[test]
fn calibration_gates_say_what_failed_and_what_to_do() {
    let b = bodies().remove(0);
    let cam = laptop_camera(&b, 0.6, 0.2, 0.0, HFOV);
    let upright = Posture::default();

    let e = calibration_error(&b, &cam, &upright, |p, _| {
        p.landmarks[landmark::LEFT_EAR].visibility = 0.4;
    });
    assert_eq!(e.gate(), Gate::Visibility);
    assert!(
        e.to_string().contains("left ear") && e.to_string().contains("0.40"),
        "{e}"
    );

    let turned = Posture {
        head_yaw: 30.0,
        ..Posture::default()
    };
    let e = calibration_error(&b, &cam, &turned, |_, _| {});
    assert_eq!(e.gate(), Gate::HeadYaw, "{e}");

    let e = calibration_error(&b, &cam, &upright, |p, i| {
        let dx = if i % 2 == 0 { 25.0 } else { -25.0 };
        for l in p.landmarks.iter_mut() {
            l.x += dx;
        }
    });
    assert_eq!(e.gate(), Gate::Motion, "{e}");

    let close = laptop_camera(&b, 0.22, 0.2, 0.0, HFOV);
    let e = calibration_error(&b, &close, &upright, |_, _| {});
    assert_eq!(e.gate(), Gate::InFrame, "{e}");
    assert!(e.to_string().contains("move back"), "{e}");

    let far = laptop_camera(&b, 2.4, 0.2, 0.0, HFOV);
    let e = calibration_error(&b, &far, &upright, |_, _| {});
    assert_eq!(e.gate(), Gate::Size, "{e}");
    assert!(e.to_string().contains("move closer"), "{e}");

    let none: Vec<Option<Pose>> = vec![None; 20];
    let e = calibrate(&none, &intrinsics(&cam)).expect_err("no person");
    assert_eq!(e.gate(), Gate::Frames);
}

#[test]
fn degenerate_poses_do_not_panic() {
    let (b, cam, base, mut rng) = average_laptop();
    let mut pose = frames(&b, &cam, &Posture::default(), 1, Noise::REALISTIC, &mut rng).remove(0);
    for l in pose.landmarks.iter_mut() {
        l.x = f32::NAN;
    }
    let m = measure(&pose, &base.camera, Some(&base));
    assert!(m.forward_head_deg.is_none());
    let mut pose = frames(&b, &cam, &Posture::default(), 1, Noise::REALISTIC, &mut rng).remove(0);
    pose.landmarks[landmark::RIGHT_SHOULDER] = pose.landmarks[landmark::LEFT_SHOULDER];
    pose.world_landmarks[landmark::RIGHT_SHOULDER] = pose.world_landmarks[landmark::LEFT_SHOULDER];
    let m = measure(&pose, &base.camera, Some(&base));
    let j = judge(Some(&m), &base, &Thresholds::default());
    assert!(!j.verdict.is_posture_fault(), "{j:?}");
    let zero = Pose {
        landmarks: [Default::default(); 33],
        world_landmarks: [[0.0; 3]; 33],
        presence: 0.0,
        roi: Default::default(),
        image_width: 0,
        image_height: 0,
        face: None,
    };
    let m = measure(&zero, &base.camera, Some(&base));
    assert!(m.forward_head_deg.is_none());
    assert!(interquartile_mean_metrics(&[]).is_none());
}
