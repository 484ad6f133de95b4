//! Posture geometry: per-frame metrics (forward head, rounded shoulders, head pitch and more) in
//! degrees from a BlazePose [`Pose`](crate::pose::Pose), calibration of the user's own upright
//! baseline, and the deviation and [`Verdict`](crate::verdict::Verdict) of each frame against
//! it. Everything here is a pure function of its inputs (no clock, no I/O except saving and
//! loading a baseline file).
//!
//! Typical use: [`calibrate`] a few seconds of upright frames into a [`Baseline`], then
//! [`analyze_smoothed`] each frame through a [`MetricsWindow`] (or [`measure`] +
//! [`interquartile_mean_metrics`] over a short window + [`judge`]; [`analyze`] judges a single frame). `docs/geometry.md` explains each number, its formula, assumptions and limits.

// Layers, each importing only those above it: math, camera → landmarks → frame_metrics →
// head, face_head → baseline → metrics → calibration, judge → window.
mod baseline;
mod calibration;
mod camera;
mod face_head;
mod frame_metrics;
mod head;
mod judge;
mod landmarks;
mod math;
mod metrics;
mod window;

pub use baseline::{BASELINE_VERSION, Baseline, BaselineFileError, Reference, SubjectPlacement};
pub use calibration::{
    CalibrationError, CalibrationReport, Edge, Gate, GateResult, calibrate, calibrate_needing,
    calibrate_photos, calibrate_with_report,
};
pub use camera::CameraIntrinsics;
pub use face_head::{FaceReading, FaceReference};
pub use frame_metrics::{
    BodyFrame, CueNoise, Metrics, View, detect_view, interquartile_mean_metrics,
};
pub use head::HeadPoint;
pub use judge::{
    Analysis, Deviation, Judgement, Sensitivity, Thresholds, analyze, deviation, judge,
};
pub use metrics::measure;
pub use window::{MetricsWindow, SMOOTHING_S, analyze_smoothed};

/// The named constants (thresholds, gates, noise assumptions), for documentation and tuning.
pub mod constants {
    pub use super::calibration::{
        EDGE_MARGIN, MAX_CALIBRATION_HEAD_YAW_DEG, MAX_CALIBRATION_MOTION, MIN_CALIBRATION_FRAMES,
        MIN_CALIBRATION_VISIBILITY, MIN_FRONT_SUBJECT_SIZE, MIN_PERSON_FRACTION,
        MIN_SIDE_SUBJECT_SIZE,
    };
    pub use super::camera::CameraIntrinsics;
    pub use super::face_head::{
        NECK_LENGTH_FACE_WIDTHS, PIVOT_BEHIND_CHEEKS_M, SHOULDER_DEPTH_DEADBAND_M,
        SHOULDERS_BEHIND_HEAD_M, TYPICAL_FACE_WIDTH_M, UPRIGHT_CVA_DEG,
        UPRIGHT_FACE_AXIS_BELOW_HORIZONTAL_DEG,
    };
    pub use super::frame_metrics::{SIDE_VIEW_WIDTH_RATIO, SIDE_VIEW_YAW_DEG, WINDOW_TRIM};
    pub use super::judge::{
        FORWARD_HEAD_DEG, LATERAL_OFFSET, LOOKING_DOWN_DEG, LOOKING_DOWN_EAR_SWING_DEG,
        MIN_CONFIDENCE, MOVED_POSITION, MOVED_SCALE, ROUNDED_SHOULDER_DEG, SHOULDER_ROLL_DEG,
    };
    pub use super::metrics::{
        ARMS_RAISED_CONFIDENCE, DEPTH_BIAS_ALLOWANCE_M, IMAGE_Z_SCALE_ERROR,
        MAX_WIDTH_CORRECTION_DEG, MIN_LANDMARK_VISIBILITY, NEUTRAL_NOSE_DROP_DEG, SIGMA_2D_PX,
        SIGMA_IMAGE_Z_M, SIGMA_WORLD_M, TYPICAL_IPD_CM, WORLD_DEPTH_SCALE_ERROR,
    };
}
