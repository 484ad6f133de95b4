//! The metrics of one frame as data — the view, the [`Metrics`] record, the body frame and the
//! calibrated cue noise — with the view detection and the interquartile mean of a window of
//! frames. No posture formulas here (those are in `metrics` and `face_head`).

use serde::{Deserialize, Serialize};

use crate::pose::{Pose, landmark};

use super::landmarks::{dist2, ear_mid_px, mid2, px, shoulder_yaw_deg, world};
use super::math::{V3, cross, dot, median, normalize, scale, sub, trimmed_mean};

/// Which way the camera sees the person, detected from the landmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Facing the camera (laptop or monitor webcam), up to roughly ±50° of yaw.
    #[default]
    Front,
    /// Profile: the shoulders overlap in the image.
    Side,
}

impl View {
    /// `"front"` or `"side"`.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Front => "front",
            View::Side => "side",
        }
    }
}

/// Every metric of one frame. Serializes to a flat JSON object; missing metrics are `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metrics {
    pub view: View,
    /// True when the metrics were measured against a baseline of the same view.
    pub calibrated: bool,
    pub forward_head_deg: Option<f32>,
    pub forward_head_confidence: f32,
    pub rounded_shoulder_deg: Option<f32>,
    pub rounded_shoulder_confidence: f32,
    pub head_pitch_deg: Option<f32>,
    pub head_pitch_confidence: f32,
    pub head_yaw_deg: Option<f32>,
    pub head_yaw_confidence: f32,
    pub head_roll_deg: Option<f32>,
    pub head_roll_confidence: f32,
    pub shoulder_roll_deg: Option<f32>,
    pub shoulder_roll_confidence: f32,
    pub lateral_offset: Option<f32>,
    pub lateral_offset_confidence: f32,
    pub shoulder_elevation: Option<f32>,
    pub shoulder_elevation_confidence: f32,
    pub screen_distance_cm: Option<f32>,
    pub screen_distance_confidence: f32,
    pub subject_x: Option<f32>,
    pub subject_y: Option<f32>,
    pub subject_size: Option<f32>,
}

/// Fraction of a window's frames dropped at each end before averaging a metric (see
/// [`interquartile_mean_metrics`]).
pub const WINDOW_TRIM: f64 = 0.25;
/// Shoulder line yawed more than this from the image plane (world landmarks) means a side view.
pub const SIDE_VIEW_YAW_DEG: f64 = 55.0;
/// 2D shoulder width below this fraction of the ear–shoulder height also means a side view.
pub const SIDE_VIEW_WIDTH_RATIO: f64 = 0.7;

/// Front or side, from the world-landmark shoulder yaw and the 2D shoulder width.
pub fn detect_view(pose: &Pose) -> View {
    let yaw = shoulder_yaw_deg(pose);
    let ratio = (|| {
        let (l, r) = (
            px(pose, landmark::LEFT_SHOULDER)?,
            px(pose, landmark::RIGHT_SHOULDER)?,
        );
        let e = ear_mid_px(pose)?;
        let s = mid2(l, r);
        let height = (s.1 - e.1).abs();
        (height > 1.0).then(|| dist2(l, r) / height)
    })();
    let side_by_yaw = yaw.is_some_and(|y| y > SIDE_VIEW_YAW_DEG);
    let side_by_width = ratio.is_some_and(|r| r < SIDE_VIEW_WIDTH_RATIO);
    if side_by_yaw || side_by_width {
        View::Side
    } else {
        View::Front
    }
}

/// The metric-wise interquartile mean of a window of frames (the mean of the middle half, trim
/// [`WINDOW_TRIM`]; missing values ignored; confidences are medians; the view is the majority).
/// `None` for an empty slice. Use it to smooth over a few seconds before judging: single frames
/// are noisy.
pub fn interquartile_mean_metrics(frames: &[Metrics]) -> Option<Metrics> {
    let first = frames.first()?;
    let sides = frames.iter().filter(|m| m.view == View::Side).count();
    let view = if 2 * sides > frames.len() {
        View::Side
    } else {
        View::Front
    };
    let opt = |f: fn(&Metrics) -> Option<f32>| {
        trimmed_mean(frames.iter().filter_map(f).map(f64::from), WINDOW_TRIM).map(|v| v as f32)
    };
    let conf = |f: fn(&Metrics) -> f32| {
        median(frames.iter().map(f).map(f64::from)).map_or(0.0, |v| v as f32)
    };
    Some(Metrics {
        view,
        calibrated: first.calibrated && frames.iter().all(|m| m.calibrated),
        forward_head_deg: opt(|m| m.forward_head_deg),
        forward_head_confidence: conf(|m| m.forward_head_confidence),
        rounded_shoulder_deg: opt(|m| m.rounded_shoulder_deg),
        rounded_shoulder_confidence: conf(|m| m.rounded_shoulder_confidence),
        head_pitch_deg: opt(|m| m.head_pitch_deg),
        head_pitch_confidence: conf(|m| m.head_pitch_confidence),
        head_yaw_deg: opt(|m| m.head_yaw_deg),
        head_yaw_confidence: conf(|m| m.head_yaw_confidence),
        head_roll_deg: opt(|m| m.head_roll_deg),
        head_roll_confidence: conf(|m| m.head_roll_confidence),
        shoulder_roll_deg: opt(|m| m.shoulder_roll_deg),
        shoulder_roll_confidence: conf(|m| m.shoulder_roll_confidence),
        lateral_offset: opt(|m| m.lateral_offset),
        lateral_offset_confidence: conf(|m| m.lateral_offset_confidence),
        shoulder_elevation: opt(|m| m.shoulder_elevation),
        shoulder_elevation_confidence: conf(|m| m.shoulder_elevation_confidence),
        screen_distance_cm: opt(|m| m.screen_distance_cm),
        screen_distance_confidence: conf(|m| m.screen_distance_confidence),
        subject_x: opt(|m| m.subject_x),
        subject_y: opt(|m| m.subject_y),
        subject_size: opt(|m| m.subject_size),
    })
}

/// Lateral (right → left shoulder), up and forward unit vectors in camera axes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyFrame {
    pub lateral: V3,
    pub up: V3,
    pub forward: V3,
}

impl BodyFrame {
    /// From a right→left shoulder vector in camera axes. `None` when degenerate or vertical.
    pub(crate) fn from_shoulder_vector(d: V3) -> Option<Self> {
        let camera_up = [0.0, -1.0, 0.0];
        let lateral0 = normalize(d)?;
        let up = normalize(sub(camera_up, scale(lateral0, dot(camera_up, lateral0))))?;
        // Keep the lateral axis perpendicular to up (drop shoulder roll from the frame).
        let lateral = normalize(sub(lateral0, scale(up, dot(lateral0, up))))?;
        let forward = normalize(cross(lateral, up))?;
        Some(Self {
            lateral,
            up,
            forward,
        })
    }

    pub(crate) fn from_pose(pose: &Pose) -> Option<Self> {
        Self::from_shoulder_vector(sub(
            world(pose, landmark::LEFT_SHOULDER)?,
            world(pose, landmark::RIGHT_SHOULDER)?,
        ))
    }

    /// Sagittal angle of `v` from `up`, positive towards `forward`, degrees.
    pub(crate) fn sagittal_deg(&self, v: V3) -> f64 {
        dot(v, self.forward).atan2(dot(v, self.up)).to_degrees()
    }

    /// Angle of a forward-pointing vector below the horizontal, degrees.
    pub(crate) fn below_horizontal_deg(&self, v: V3) -> f64 {
        (-dot(v, self.up)).atan2(dot(v, self.forward)).to_degrees()
    }
}

impl Default for BodyFrame {
    fn default() -> Self {
        Self {
            lateral: [1.0, 0.0, 0.0],
            up: [0.0, -1.0, 0.0],
            forward: [0.0, 0.0, -1.0],
        }
    }
}

/// Frame-to-frame noise (1σ, metres) of each depth cue, measured on the calibration frames
/// (robust spread: 1.4826 × MAD) and never set below the typical level ([`SIGMA_WORLD_M`],
/// [`SIGMA_IMAGE_Z_M`], and for the width cue the spread predicted from [`SIGMA_2D_PX`]). A
/// cue noisier than assumed must lose weight: weighted at its typical level, image z made one
/// frame's rounded-shoulder estimate on the synthetic body noisier than the world landmarks
/// alone (measured there 5.5–8 cm, typical 4 cm). But a still calibration only shows jitter,
/// not the pose-dependent errors of hours of monitoring: on the real video fixture the world
/// landmarks of a still man jitter by under 3 mm, and trusting that would hand them the
/// estimate, person-specific depth scale and all.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CueNoise {
    /// Width cue: measured spread over the spread predicted from pixel noise and the head fit
    /// (a ratio ≥ 1; the prediction scales with distance frame by frame).
    pub width_ratio: f64,
    /// Shoulder-minus-ear depth from world landmarks and from image z.
    pub neck_world_m: f64,
    pub neck_image_z_m: f64,
    /// Shoulder-minus-hip depth from world landmarks and from image z.
    pub forward_world_m: f64,
    pub forward_image_z_m: f64,
}
