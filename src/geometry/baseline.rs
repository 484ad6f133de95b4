//! The baseline file: what calibration records of the upright user (the reference quantities,
//! the face, the placement in the frame and the upright metrics), versioned JSON, saved and
//! loaded with errors that say what to do.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::camera::CameraIntrinsics;
use super::frame_metrics::{BodyFrame, CueNoise, Metrics, View};
use super::head::HeadPoint;
use super::math::V3;

/// Version of the baseline file format. Bump when a field changes meaning.
pub const BASELINE_VERSION: u32 = 2;
/// The reference quantities the calibrated metrics need (all medians over the calibration
/// frames). Distances are metres in BlazePose's world-landmark scale, axes are the camera's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    pub view: View,
    /// Body frame of the upright user (camera axes).
    pub body: BodyFrame,
    /// 3D head model: face landmarks relative to the ear midpoint (front view).
    pub head_model: Vec<HeadPoint>,
    /// Head orientation fitted at calibration, `[yaw, pitch, roll]` radians (camera axes).
    pub head_angles: [f64; 3],
    /// Depth of the ear midpoint at calibration.
    pub ear_depth_m: f64,
    /// 2D ear-to-ear distance at calibration, pixels.
    pub ear_width_px: f64,
    /// Shoulder width across the image plane (world landmarks), metres.
    pub shoulder_width_xy_m: f64,
    /// Right → left shoulder vector (world landmarks, camera axes), metres.
    pub shoulder_vector_m: V3,
    /// Median difference between the world-based and the width-based shoulder depth.
    pub shoulder_depth_bias_m: f64,
    /// Half the 3D shoulder width, metres: the radius of the rounded-shoulder swing.
    pub half_shoulder_width_m: f64,
    /// Forward offset of the shoulder midpoint from the hips, metres.
    pub shoulder_forward_m: f64,
    /// Shoulder-minus-ear depth at calibration from the world landmarks and from image z
    /// (metres; front view). They size each depth cue's scale error as the posture changes;
    /// absent in baselines written before they existed.
    pub neck_depth_world_m: Option<f64>,
    pub neck_depth_image_z_m: Option<f64>,
    /// Frame-to-frame noise of each depth cue in the calibration frames (absent in baselines
    /// written before it existed: the typical levels are used).
    pub cue_noise: Option<CueNoise>,
    /// Reconstructed (front) or 2D (side) neck angle at calibration, degrees.
    pub neck_angle_deg: f64,
    /// Ear→nose angle below the facing direction in a side view, degrees.
    pub side_nose_angle_deg: f64,
    /// Absolute forward head, head pitch and head yaw of the baseline, degrees.
    pub forward_head_deg: f64,
    pub head_pitch_deg: f64,
    pub head_yaw_deg: f64,
    /// The upright head from the face mesh (front view, when the face model saw the face):
    /// what the front-view forward head and head pose are read against.
    pub face: Option<super::face_head::FaceReference>,
}

impl Reference {
    /// True when the reference holds what its view's calibrated metrics need.
    pub fn is_usable(&self) -> bool {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        match self.view {
            View::Front => {
                self.head_model.len() >= 4
                    && positive(self.ear_depth_m)
                    && positive(self.ear_width_px)
                    && positive(self.shoulder_width_xy_m)
                    && positive(self.half_shoulder_width_m)
            }
            View::Side => positive(self.half_shoulder_width_m),
        }
    }
}

/// Where the person sat in the calibration frames.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubjectPlacement {
    /// Shoulder midpoint as fractions of the frame width and height.
    pub x: f32,
    pub y: f32,
    /// Shoulder width / frame width (front) or ear–shoulder distance / frame height (side).
    pub size: f32,
}

/// The user's upright baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// File format version, [`BASELINE_VERSION`].
    pub version: u32,
    /// The camera the baseline was recorded with.
    pub camera: CameraIntrinsics,
    /// Resolution of the analysed frames.
    pub image_width: u32,
    pub image_height: u32,
    pub view: View,
    /// Frames that went into the medians.
    pub frames_used: usize,
    pub subject: SubjectPlacement,
    /// Median metrics of the calibration frames (the upright reference values).
    pub metrics: Metrics,
    /// 3D reference for the calibrated metrics.
    pub reference: Reference,
}

/// A calibration quality gate.
/// Errors reading or writing a baseline file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineFileError {
    #[error("could not read baseline {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write baseline {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("baseline {path} is not valid baseline JSON: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "baseline {path} {}, this plumbline reads version {expected}: calibrate again",
        version_text(.found)
    )]
    Version {
        path: PathBuf,
        found: Option<u64>,
        expected: u32,
    },
}

/// "has format version N" or "has no format version", for the version error.
fn version_text(found: &Option<u64>) -> String {
    match found {
        Some(version) => format!("has format version {version}"),
        None => "has no format version".to_string(),
    }
}

impl Baseline {
    /// Pretty JSON of the baseline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// Parses baseline JSON, checking the version first. `path` is only used in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, BaselineFileError> {
        let json_err = |source| BaselineFileError::Json {
            path: path.to_path_buf(),
            source,
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(json_err)?;
        let found = value.get("version").and_then(serde_json::Value::as_u64);
        if found != Some(u64::from(BASELINE_VERSION)) {
            return Err(BaselineFileError::Version {
                path: path.to_path_buf(),
                found,
                expected: BASELINE_VERSION,
            });
        }
        serde_json::from_value(value).map_err(json_err)
    }

    /// Writes the baseline as JSON to `path`.
    pub fn save(&self, path: &Path) -> Result<(), BaselineFileError> {
        let text = self.to_json().map_err(|source| BaselineFileError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text).map_err(|source| BaselineFileError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a baseline JSON file written by [`Baseline::save`].
    pub fn load(path: &Path) -> Result<Self, BaselineFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, path)
    }
}
