//! Calibration: a few seconds of the user sitting upright become a [`Baseline`] — medians of
//! every metric plus the 3D reference the calibrated metrics are measured against — after quality
//! gates that say exactly what was wrong and what to do about it.
//!
//! Gates (in order): enough frames, a person in most of them, the landmarks that matter visible
//! (ears, eyes, nose and both shoulders at visibility ≥ 0.7 in a front view; the near-side ones
//! in a side view), the head facing the same way as the shoulders, little motion, nothing cut
//! off at the frame's edges, and the person not too small. Every gate is evaluated and listed in
//! a [`CalibrationReport`]; the first failure becomes the [`CalibrationError`].
//!
//! The baseline records the camera, the resolution and where and how big the person was, so a
//! later frame can tell a moved chair or camera from a posture change. It is saved as versioned
//! JSON (`baseline.rs`); loading a file of another version fails with a clear error.

use serde::{Deserialize, Serialize};

use crate::pose::{LANDMARK_NAMES, Pose, landmark};

use super::baseline::{BASELINE_VERSION, Baseline, Reference, SubjectPlacement};
use super::camera::CameraIntrinsics;
use super::frame_metrics::{
    BodyFrame, CueNoise, Metrics, View, detect_view, interquartile_mean_metrics,
};
use super::head::HeadPoint;
use super::landmarks::{
    HEAD_LANDMARKS, ear_mid_px, ear_width_px, min_vis, px, shoulder_mid_px, shoulder_width_px,
    world,
};
use super::math::{V3, median, norm, sub, trimmed_mean};
use super::metrics::{
    NEUTRAL_NOSE_DROP_DEG, SIGMA_IMAGE_Z_M, SIGMA_WORLD_M, fit_frame_head, front_raw, measure,
    near_side, shoulder_forward_depths, shoulder_forward_m, side_raw, world_forward_head_deg,
    world_head_pitch_deg, world_head_yaw_deg,
};

/// Fewest frames with a person: ≈ 2 s at 5 fps (peers use 10–30 samples).
pub const MIN_CALIBRATION_FRAMES: usize = 10;
/// At least this fraction of the frames must contain a person.
pub const MIN_PERSON_FRACTION: f64 = 0.8;
/// Visibility the key landmarks need (median over the frames), from the specification.
pub const MIN_CALIBRATION_VISIBILITY: f64 = 0.7;
/// Largest head yaw relative to the shoulders, degrees: the head model is recorded facing
/// forward; beyond ≈ 15° one ear starts to be guessed.
pub const MAX_CALIBRATION_HEAD_YAW_DEG: f64 = 15.0;
/// Largest robust spread (1.4826 × MAD) of the ear and shoulder midpoints, in shoulder widths
/// (front) or ear–shoulder distances (side). BlazePose jitter alone is ≈ 0.005–0.01.
pub const MAX_CALIBRATION_MOTION: f64 = 0.05;
/// Landmarks closer than this fraction of the frame to an edge count as cut off.
pub const EDGE_MARGIN: f64 = 0.01;
/// Smallest shoulder width as a fraction of the frame width (front view): below it the 2D
/// jitter is a large part of every distance (≈ 1.5 m from a 65° webcam).
pub const MIN_FRONT_SUBJECT_SIZE: f64 = 0.12;
/// Smallest ear–shoulder distance as a fraction of the frame height (side view).
pub const MIN_SIDE_SUBJECT_SIZE: f64 = 0.08;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    Frames,
    PersonPresent,
    Visibility,
    HeadYaw,
    Motion,
    InFrame,
    Size,
    Reference,
}

/// One gate's outcome: what was measured against which limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub gate: Gate,
    pub passed: bool,
    pub measured: f32,
    pub limit: f32,
    /// One line for the user: what was seen and, on failure, what to do.
    pub message: String,
}

/// Every gate's outcome, for printing after a calibration attempt.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    pub frames: usize,
    pub frames_with_person: usize,
    pub view: Option<View>,
    pub gates: Vec<GateResult>,
}

impl CalibrationReport {
    /// True when every gate passed.
    pub fn passed(&self) -> bool {
        self.gates.iter().all(|g| g.passed)
    }
}

impl std::fmt::Display for CalibrationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let view = self.view.map_or("unknown", View::as_str);
        writeln!(
            f,
            "calibration: {} frames, {} with a person, {view} view",
            self.frames, self.frames_with_person
        )?;
        for g in &self.gates {
            let mark = if g.passed { "ok  " } else { "FAIL" };
            writeln!(f, "  [{mark}] {}", g.message)?;
        }
        Ok(())
    }
}

/// Which edge of the frame a landmark crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    Left,
    Right,
    Top,
    Bottom,
}

/// Why a calibration failed, with the numbers and what to do.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error(
        "only {got} frames with a person (need at least {need}): sit upright facing the screen and record about 3 seconds"
    )]
    TooFewFrames { got: usize, need: usize },
    #[error(
        "a person was found in only {with_person} of {total} frames (need {min_percent:.0} %): stay in view for the whole calibration"
    )]
    PersonMissing {
        with_person: usize,
        total: usize,
        min_percent: f64,
    },
    #[error(
        "the {landmark} is not clearly visible (visibility {visibility:.2}, need {min:.2}): {advice}"
    )]
    NotVisible {
        landmark: String,
        visibility: f64,
        min: f64,
        advice: String,
    },
    #[error(
        "the head is turned {yaw_deg:.0}° from the shoulders (at most {max_deg:.0}°): look straight at the screen"
    )]
    HeadTurned { yaw_deg: f64, max_deg: f64 },
    #[error(
        "too much movement ({motion:.3} shoulder widths, at most {max:.3}): sit still for the few seconds of calibration"
    )]
    TooMuchMotion { motion: f64, max: f64 },
    #[error("the {landmark} is cut off at the {edge:?} edge of the frame: {advice}")]
    CutOff {
        landmark: String,
        edge: Edge,
        advice: String,
    },
    #[error(
        "the person is too small in the frame (size {size:.3}, need {min:.3}): move closer to the camera"
    )]
    TooSmall { size: f64, min: f64 },
    #[error(
        "could not build the 3D reference ({what}): check that the face and both shoulders are in view and try again"
    )]
    Reference { what: String },
}

impl CalibrationError {
    /// The gate this error belongs to.
    pub fn gate(&self) -> Gate {
        match self {
            CalibrationError::TooFewFrames { .. } => Gate::Frames,
            CalibrationError::PersonMissing { .. } => Gate::PersonPresent,
            CalibrationError::NotVisible { .. } => Gate::Visibility,
            CalibrationError::HeadTurned { .. } => Gate::HeadYaw,
            CalibrationError::TooMuchMotion { .. } => Gate::Motion,
            CalibrationError::CutOff { .. } => Gate::InFrame,
            CalibrationError::TooSmall { .. } => Gate::Size,
            CalibrationError::Reference { .. } => Gate::Reference,
        }
    }
}

/// Calibrates from frames of the user sitting upright (`None` = no person in that frame).
pub fn calibrate(
    frames: &[Option<Pose>],
    camera: &CameraIntrinsics,
) -> Result<Baseline, CalibrationError> {
    calibrate_with_report(frames, camera).1
}

/// Calibrates and also returns every gate's outcome.
pub fn calibrate_with_report(
    frames: &[Option<Pose>],
    camera: &CameraIntrinsics,
) -> (CalibrationReport, Result<Baseline, CalibrationError>) {
    calibrate_needing(frames, camera, MIN_CALIBRATION_FRAMES)
}

/// Like [`calibrate_with_report`], with the number of frames needed given: 1 for a single
/// photograph of the user sitting upright (no motion check is possible then; a few seconds of
/// video give a steadier baseline).
pub fn calibrate_needing(
    frames: &[Option<Pose>],
    camera: &CameraIntrinsics,
    need: usize,
) -> (CalibrationReport, Result<Baseline, CalibrationError>) {
    calibrate_frames(frames, camera, need, false)
}

/// Calibration from photographs of the user sitting upright, any number from one. The photos
/// are separate pictures, so the person may sit a little differently in each: their movement is
/// reported but not judged (it is the stillness of a video that the motion gate checks).
pub fn calibrate_photos(
    frames: &[Option<Pose>],
    camera: &CameraIntrinsics,
) -> (CalibrationReport, Result<Baseline, CalibrationError>) {
    calibrate_frames(frames, camera, 1, true)
}

fn calibrate_frames(
    frames: &[Option<Pose>],
    camera: &CameraIntrinsics,
    need: usize,
    photos: bool,
) -> (CalibrationReport, Result<Baseline, CalibrationError>) {
    let need = need.max(1);
    let poses: Vec<&Pose> = frames.iter().flatten().collect();
    let mut report = CalibrationReport {
        frames: frames.len(),
        frames_with_person: poses.len(),
        ..CalibrationReport::default()
    };
    let mut first_error: Option<CalibrationError> = None;
    let mut record =
        |report: &mut CalibrationReport, r: GateResult, e: Option<CalibrationError>| {
            if first_error.is_none() {
                first_error = e;
            }
            report.gates.push(r);
        };

    // Frames and presence.
    let enough = poses.len() >= need;
    record(
        &mut report,
        gate(
            Gate::Frames,
            enough,
            poses.len() as f64,
            need as f64,
            format!("{} frames with a person (need {need})", poses.len()),
        ),
        (!enough).then_some(CalibrationError::TooFewFrames {
            got: poses.len(),
            need,
        }),
    );
    let fraction = if frames.is_empty() {
        0.0
    } else {
        poses.len() as f64 / frames.len() as f64
    };
    let present = fraction >= MIN_PERSON_FRACTION;
    record(
        &mut report,
        gate(
            Gate::PersonPresent,
            present,
            fraction,
            MIN_PERSON_FRACTION,
            format!("person in {:.0} % of frames", fraction * 100.0),
        ),
        (!present).then_some(CalibrationError::PersonMissing {
            with_person: poses.len(),
            total: frames.len(),
            min_percent: MIN_PERSON_FRACTION * 100.0,
        }),
    );
    if poses.is_empty() {
        let err = first_error.unwrap_or(CalibrationError::TooFewFrames { got: 0, need });
        return (report, Err(err));
    }

    let sides = poses
        .iter()
        .filter(|p| detect_view(p) == View::Side)
        .count();
    let view = if 2 * sides > poses.len() {
        View::Side
    } else {
        View::Front
    };
    report.view = Some(view);
    let poses: Vec<&Pose> = poses
        .into_iter()
        .filter(|p| detect_view(p) == view)
        .collect();

    let checks = [
        visibility_gate(&poses, view),
        head_yaw_gate(&poses, view),
        if photos {
            let (mut result, _) = motion_gate(&poses, view);
            result.passed = true;
            result.message = format!(
                "movement between the photos {:.3} (not judged: separate photos)",
                result.measured
            );
            (result, None)
        } else {
            motion_gate(&poses, view)
        },
        in_frame_gate(&poses, view),
        size_gate(&poses, view),
    ];
    for (r, e) in checks {
        record(&mut report, r, e);
    }
    if let Some(e) = first_error {
        return (report, Err(e));
    }
    match build_baseline(&poses, camera, view) {
        Ok(b) => {
            report.gates.push(gate(
                Gate::Reference,
                true,
                1.0,
                1.0,
                "3D reference built".to_string(),
            ));
            (report, Ok(b))
        }
        Err(e) => {
            report
                .gates
                .push(gate(Gate::Reference, false, 0.0, 1.0, e.to_string()));
            (report, Err(e))
        }
    }
}

fn gate(g: Gate, passed: bool, measured: f64, limit: f64, message: String) -> GateResult {
    GateResult {
        gate: g,
        passed,
        measured: measured as f32,
        limit: limit as f32,
        message,
    }
}

type GateOutcome = (GateResult, Option<CalibrationError>);

/// The landmarks a view's calibration needs, with the advice when one is hidden.
fn key_landmarks(poses: &[&Pose], view: View) -> Vec<usize> {
    use landmark::*;
    match view {
        View::Front => vec![
            NOSE,
            LEFT_EYE,
            RIGHT_EYE,
            LEFT_EAR,
            RIGHT_EAR,
            LEFT_SHOULDER,
            RIGHT_SHOULDER,
        ],
        View::Side => {
            let (ear, shoulder, eye) = poses
                .first()
                .map_or((LEFT_EAR, LEFT_SHOULDER, LEFT_EYE), |p| near_side(p));
            vec![NOSE, eye, ear, shoulder]
        }
    }
}

fn advice_for(i: usize) -> &'static str {
    use landmark::*;
    match i {
        LEFT_EAR | RIGHT_EAR => "tuck hair behind the ears or take off headphones or a hood",
        LEFT_SHOULDER | RIGHT_SHOULDER => {
            "move back or tilt the screen so both shoulders are in view, and light them"
        }
        _ => "face the camera with your face evenly lit (no strong backlight)",
    }
}

fn visibility_gate(poses: &[&Pose], view: View) -> GateOutcome {
    let mut worst = (usize::MAX, 1.0_f64);
    for i in key_landmarks(poses, view) {
        let v = median(poses.iter().map(|p| min_vis(p, &[i]))).unwrap_or(0.0);
        if v < worst.1 || worst.0 == usize::MAX {
            worst = (i, v);
        }
    }
    let (i, v) = worst;
    let name = LANDMARK_NAMES
        .get(i)
        .copied()
        .unwrap_or("landmark")
        .replace('_', " ");
    let ok = v >= MIN_CALIBRATION_VISIBILITY;
    (
        gate(
            Gate::Visibility,
            ok,
            v,
            MIN_CALIBRATION_VISIBILITY,
            format!("least visible key landmark: {name} at {v:.2}"),
        ),
        (!ok).then(|| CalibrationError::NotVisible {
            landmark: name,
            visibility: v,
            min: MIN_CALIBRATION_VISIBILITY,
            advice: advice_for(i).to_string(),
        }),
    )
}

fn head_yaw_gate(poses: &[&Pose], view: View) -> GateOutcome {
    let yaw = match view {
        View::Front => median(poses.iter().filter_map(|p| {
            let frame = BodyFrame::from_pose(p)?;
            world_head_yaw_deg(p, &frame)
        }))
        .unwrap_or(0.0),
        View::Side => 0.0,
    };
    let ok = yaw.abs() <= MAX_CALIBRATION_HEAD_YAW_DEG;
    (
        gate(
            Gate::HeadYaw,
            ok,
            yaw.abs(),
            MAX_CALIBRATION_HEAD_YAW_DEG,
            format!("head turned {yaw:.0}° from the shoulders"),
        ),
        (!ok).then_some(CalibrationError::HeadTurned {
            yaw_deg: yaw.abs(),
            max_deg: MAX_CALIBRATION_HEAD_YAW_DEG,
        }),
    )
}

/// The 2D points whose steadiness the motion gate checks, and the length they are divided by.
fn motion_points(p: &Pose, view: View) -> Option<([(f64, f64); 2], f64)> {
    match view {
        View::Front => Some(([ear_mid_px(p)?, shoulder_mid_px(p)?], shoulder_width_px(p)?)),
        View::Side => {
            let (ear, shoulder, _) = near_side(p);
            let (e, s) = (px(p, ear)?, px(p, shoulder)?);
            let d = super::landmarks::dist2(e, s);
            (d > 1.0).then_some(([e, s], d))
        }
    }
}

fn motion_gate(poses: &[&Pose], view: View) -> GateOutcome {
    let pts: Vec<_> = poses
        .iter()
        .filter_map(|p| motion_points(p, view))
        .collect();
    let scale_len = median(pts.iter().map(|(_, s)| *s)).unwrap_or(f64::NAN);
    let mut motion: f64 = 0.0;
    for k in 0..2 {
        for axis in 0..2 {
            let vals: Vec<f64> = pts
                .iter()
                .map(|(q, _)| if axis == 0 { q[k].0 } else { q[k].1 })
                .collect();
            let spread = super::math::mad(&vals).unwrap_or(f64::INFINITY) * 1.4826;
            motion = motion.max(spread / scale_len);
        }
    }
    if !motion.is_finite() {
        motion = f64::INFINITY;
    }
    let ok = motion <= MAX_CALIBRATION_MOTION;
    (
        gate(
            Gate::Motion,
            ok,
            motion,
            MAX_CALIBRATION_MOTION,
            format!("movement {motion:.3} (at most {MAX_CALIBRATION_MOTION})"),
        ),
        (!ok).then_some(CalibrationError::TooMuchMotion {
            motion,
            max: MAX_CALIBRATION_MOTION,
        }),
    )
}

fn in_frame_gate(poses: &[&Pose], view: View) -> GateOutcome {
    let Some(p0) = poses.first() else {
        return (
            gate(Gate::InFrame, false, 0.0, 0.0, "no frames".to_string()),
            Some(CalibrationError::TooFewFrames {
                got: 0,
                need: MIN_CALIBRATION_FRAMES,
            }),
        );
    };
    let (w, h) = (f64::from(p0.image_width), f64::from(p0.image_height));
    for i in key_landmarks(poses, view) {
        let xs = median(poses.iter().filter_map(|p| px(p, i)).map(|q| q.0 / w));
        let ys = median(poses.iter().filter_map(|p| px(p, i)).map(|q| q.1 / h));
        let presence = median(
            poses
                .iter()
                .map(|p| p.landmarks.get(i).map_or(0.0, |l| f64::from(l.presence))),
        )
        .unwrap_or(0.0);
        let (x, y) = (xs.unwrap_or(-1.0), ys.unwrap_or(-1.0));
        let edge = if x < EDGE_MARGIN {
            Some(Edge::Left)
        } else if x > 1.0 - EDGE_MARGIN {
            Some(Edge::Right)
        } else if y < EDGE_MARGIN {
            Some(Edge::Top)
        } else if y > 1.0 - EDGE_MARGIN || presence < 0.5 {
            Some(Edge::Bottom)
        } else {
            None
        };
        if let Some(edge) = edge {
            let name = LANDMARK_NAMES
                .get(i)
                .copied()
                .unwrap_or("landmark")
                .replace('_', " ");
            let advice = match edge {
                Edge::Left | Edge::Right => {
                    "move back or to the centre so both shoulders and your head are in view"
                }
                Edge::Top => "tilt the screen back or sit lower so your whole head is in view",
                Edge::Bottom => {
                    "move back or tilt the screen forward so your shoulders are in view"
                }
            };
            return (
                gate(
                    Gate::InFrame,
                    false,
                    0.0,
                    EDGE_MARGIN,
                    format!("{name} is cut off at the {edge:?} edge: {advice}"),
                ),
                Some(CalibrationError::CutOff {
                    landmark: name,
                    edge,
                    advice: advice.to_string(),
                }),
            );
        }
    }
    (
        gate(
            Gate::InFrame,
            true,
            1.0,
            EDGE_MARGIN,
            "head and shoulders inside the frame".to_string(),
        ),
        None,
    )
}

fn size_gate(poses: &[&Pose], view: View) -> GateOutcome {
    let size = median(poses.iter().filter_map(|p| {
        let (w, h) = (f64::from(p.image_width), f64::from(p.image_height));
        match view {
            View::Front => Some(shoulder_width_px(p)? / w),
            View::Side => motion_points(p, view).map(|(_, d)| d / h),
        }
    }))
    .unwrap_or(0.0);
    let min = match view {
        View::Front => MIN_FRONT_SUBJECT_SIZE,
        View::Side => MIN_SIDE_SUBJECT_SIZE,
    };
    let ok = size >= min;
    (
        gate(
            Gate::Size,
            ok,
            size,
            min,
            format!("person size {size:.3} of the frame (need {min:.3})"),
        ),
        (!ok).then_some(CalibrationError::TooSmall { size, min }),
    )
}

fn reference_error(what: &str) -> CalibrationError {
    CalibrationError::Reference {
        what: what.to_string(),
    }
}

/// The reference's centre of a calibration quantity: the interquartile mean (robust to a few
/// bad frames like the median, with less noise; the baseline's noise is a fixed offset on every
/// later measurement).
fn robust_mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    trimmed_mean(values, super::frame_metrics::WINDOW_TRIM)
}

/// Robust 1σ spread of a cue over the calibration frames (1.4826 × MAD), never below the cue's
/// `typical` level; `None` with fewer than five readings.
fn spread(values: impl IntoIterator<Item = f64>, typical: f64) -> Option<f64> {
    let v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.len() < 5 {
        return None;
    }
    super::math::mad(&v).map(|m| (1.4826 * m).max(typical))
}

/// [`robust_mean`] per component.
fn robust_mean3(values: &[V3]) -> Option<V3> {
    Some([
        robust_mean(values.iter().map(|v| v[0]))?,
        robust_mean(values.iter().map(|v| v[1]))?,
        robust_mean(values.iter().map(|v| v[2]))?,
    ])
}

/// Builds the reference (in stages: body frame and head model, then the head pose, then the
/// shoulder-depth bias, then the neck angle) and the baseline's median metrics.
fn build_baseline(
    poses: &[&Pose],
    camera: &CameraIntrinsics,
    view: View,
) -> Result<Baseline, CalibrationError> {
    let p0 = poses.first().ok_or_else(|| reference_error("no frames"))?;
    let pin = camera.pinhole(p0.image_width, p0.image_height);
    let shoulder_vecs: Vec<V3> = poses
        .iter()
        .filter_map(|p| {
            Some(sub(
                world(p, landmark::LEFT_SHOULDER)?,
                world(p, landmark::RIGHT_SHOULDER)?,
            ))
        })
        .collect();
    let d = robust_mean3(&shoulder_vecs).ok_or_else(|| reference_error("no world shoulders"))?;
    let body = BodyFrame::from_shoulder_vector(d)
        .ok_or_else(|| reference_error("degenerate shoulder line"))?;
    let mut r = Reference {
        view,
        body,
        half_shoulder_width_m: robust_mean(shoulder_vecs.iter().map(|v| norm(*v) / 2.0))
            .unwrap_or(0.0),
        shoulder_width_xy_m: robust_mean(shoulder_vecs.iter().map(|v| v[0].hypot(v[1])))
            .unwrap_or(0.0),
        shoulder_vector_m: d,
        ..Reference::default()
    };
    // Noise of the shoulder-minus-hip depth readings, then the reference offset with them.
    let depths: Vec<_> = poses.iter().map(|p| shoulder_forward_depths(p)).collect();
    let forward_world_m = spread(depths.iter().filter_map(|d| d.0), SIGMA_WORLD_M);
    let forward_image_z_m = spread(depths.iter().filter_map(|d| d.1), SIGMA_IMAGE_Z_M);
    r.cue_noise = Some(CueNoise {
        width_ratio: 1.0,
        neck_world_m: SIGMA_WORLD_M,
        neck_image_z_m: SIGMA_IMAGE_Z_M,
        forward_world_m: forward_world_m.unwrap_or(SIGMA_WORLD_M),
        forward_image_z_m: forward_image_z_m.unwrap_or(SIGMA_IMAGE_Z_M),
    });
    r.shoulder_forward_m = robust_mean(
        poses
            .iter()
            .filter_map(|p| shoulder_forward_m(p, &body, r.cue_noise.as_ref())),
    )
    .unwrap_or(0.0);
    match view {
        View::Front => {
            build_front_reference(poses, &pin, &mut r)?;
            r.face = super::face_head::FaceReference::calibrate(poses, &pin);
        }
        View::Side => {
            let raws: Vec<_> = poses.iter().filter_map(|p| side_raw(p, &pin)).collect();
            r.neck_angle_deg = robust_mean(raws.iter().map(|x| x.0))
                .ok_or_else(|| reference_error("no side-view neck angle"))?;
            r.side_nose_angle_deg = robust_mean(raws.iter().map(|x| x.1)).unwrap_or(0.0);
            r.forward_head_deg = r.neck_angle_deg;
            r.head_pitch_deg = r.side_nose_angle_deg - NEUTRAL_NOSE_DROP_DEG;
        }
    }
    if !r.is_usable() {
        return Err(reference_error("implausible shoulder or head size"));
    }
    let mut baseline = Baseline {
        version: BASELINE_VERSION,
        camera: *camera,
        image_width: p0.image_width,
        image_height: p0.image_height,
        view,
        frames_used: poses.len(),
        subject: SubjectPlacement::default(),
        metrics: Metrics::default(),
        reference: r,
    };
    let per_frame: Vec<Metrics> = poses
        .iter()
        .map(|p| measure(p, camera, Some(&baseline)))
        .collect();
    let metrics =
        interquartile_mean_metrics(&per_frame).ok_or_else(|| reference_error("no metrics"))?;
    if metrics.forward_head_deg.is_none() {
        return Err(reference_error("forward head could not be measured"));
    }
    baseline.subject = SubjectPlacement {
        x: metrics.subject_x.unwrap_or(0.5),
        y: metrics.subject_y.unwrap_or(0.5),
        size: metrics.subject_size.unwrap_or(0.0),
    };
    baseline.metrics = metrics;
    Ok(baseline)
}

fn build_front_reference(
    poses: &[&Pose],
    pin: &super::camera::Pinhole,
    r: &mut Reference,
) -> Result<(), CalibrationError> {
    use landmark::{LEFT_EAR, RIGHT_EAR};
    // Head model: median world offsets of the face landmarks from the ear midpoint.
    let mut model = Vec::new();
    for &i in &HEAD_LANDMARKS {
        let offsets: Vec<V3> = poses
            .iter()
            .filter_map(|p| {
                let e = super::math::mid(world(p, LEFT_EAR)?, world(p, RIGHT_EAR)?);
                Some(sub(world(p, i)?, e))
            })
            .collect();
        if let Some(o) = robust_mean3(&offsets) {
            model.push(HeadPoint {
                landmark: i,
                offset_m: o,
            });
        }
    }
    r.head_model = model;
    r.ear_width_px = robust_mean(poses.iter().filter_map(|p| ear_width_px(p))).unwrap_or(0.0);
    // First guess of the ear depth: world ear span across the image plane over its pixels.
    r.ear_depth_m = robust_mean(poses.iter().filter_map(|p| {
        let d = sub(world(p, LEFT_EAR)?, world(p, RIGHT_EAR)?);
        Some(pin.f * d[0].hypot(d[1]) / ear_width_px(p)?)
    }))
    .unwrap_or(0.0);
    if !r.is_usable() {
        return Err(reference_error("head or shoulders too small or missing"));
    }
    // Head pose at calibration.
    let fits: Vec<_> = poses
        .iter()
        .filter_map(|p| fit_frame_head(p, pin, r))
        .collect();
    if fits.len() * 2 < poses.len() {
        return Err(reference_error("the head model did not fit the face"));
    }
    r.head_angles = [
        robust_mean(fits.iter().map(|f| f.angles[0])).unwrap_or(0.0),
        robust_mean(fits.iter().map(|f| f.angles[1])).unwrap_or(0.0),
        robust_mean(fits.iter().map(|f| f.angles[2])).unwrap_or(0.0),
    ];
    r.ear_depth_m = robust_mean(fits.iter().map(|f| f.ear_mid[2])).unwrap_or(r.ear_depth_m);
    // Bias between the world-based and the width-based shoulder depth.
    let raws: Vec<_> = poses.iter().map(|p| front_raw(p, pin, r)).collect();
    r.shoulder_depth_bias_m = robust_mean(
        raws.iter()
            .filter_map(|x| Some(x.shoulder_depth_world_m? - x.shoulder_depth_width_m?)),
    )
    .unwrap_or(0.0);
    r.neck_depth_world_m = robust_mean(raws.iter().filter_map(|x| x.neck_depth_world_m));
    r.neck_depth_image_z_m = robust_mean(raws.iter().filter_map(|x| x.neck_depth_image_z_m));
    // Measured noise of the neck-depth cues (the width cue's relative to its prediction).
    if let Some(noise) = r.cue_noise.as_mut() {
        let width = spread(raws.iter().filter_map(|x| x.neck_depth_width_m), 0.0);
        let predicted = median(raws.iter().filter_map(|x| x.width_sigma_predicted_m));
        if let (Some(w), Some(p)) = (width, predicted.filter(|p| *p > 0.0)) {
            noise.width_ratio = (w / p).max(1.0);
        }
        if let Some(b) = spread(
            raws.iter().filter_map(|x| x.neck_depth_world_m),
            SIGMA_WORLD_M,
        ) {
            noise.neck_world_m = b;
        }
        if let Some(c) = spread(
            raws.iter().filter_map(|x| x.neck_depth_image_z_m),
            SIGMA_IMAGE_Z_M,
        ) {
            noise.neck_image_z_m = c;
        }
    }
    // Neck angle of the reconstruction, and the absolute (world-landmark) references.
    let raws: Vec<_> = poses.iter().map(|p| front_raw(p, pin, r)).collect();
    r.neck_angle_deg = robust_mean(raws.iter().filter_map(|x| x.neck_angle_deg))
        .ok_or_else(|| reference_error("the neck could not be reconstructed"))?;
    r.forward_head_deg = robust_mean(
        poses
            .iter()
            .filter_map(|p| world_forward_head_deg(p, &r.body)),
    )
    .unwrap_or(r.neck_angle_deg);
    r.head_pitch_deg = robust_mean(
        poses
            .iter()
            .filter_map(|p| world_head_pitch_deg(p, &r.body)),
    )
    .unwrap_or(0.0);
    r.head_yaw_deg =
        robust_mean(poses.iter().filter_map(|p| world_head_yaw_deg(p, &r.body))).unwrap_or(0.0);
    Ok(())
}
