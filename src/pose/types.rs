//! The vocabulary of a detected pose: the 33 BlazePose landmarks, their names, the region of
//! interest they were read from, and the per-frame result the rest of plumbline consumes.

use serde::{Deserialize, Serialize};

/// Number of body landmarks BlazePose reports (the model's 5 auxiliary points are not exposed).
pub const LANDMARK_COUNT: usize = 33;

/// MediaPipe's landmark names in snake_case, indexed like the model's output.
/// Odd indices are the person's own left side, even indices their right side.
pub const LANDMARK_NAMES: [&str; LANDMARK_COUNT] = [
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
];

/// Indices of the landmarks posture geometry reads, named so code never uses bare numbers.
pub mod landmark {
    pub const NOSE: usize = 0;
    pub const LEFT_EYE_INNER: usize = 1;
    pub const LEFT_EYE: usize = 2;
    pub const LEFT_EYE_OUTER: usize = 3;
    pub const RIGHT_EYE_INNER: usize = 4;
    pub const RIGHT_EYE: usize = 5;
    pub const RIGHT_EYE_OUTER: usize = 6;
    pub const LEFT_EAR: usize = 7;
    pub const RIGHT_EAR: usize = 8;
    pub const MOUTH_LEFT: usize = 9;
    pub const MOUTH_RIGHT: usize = 10;
    pub const LEFT_SHOULDER: usize = 11;
    pub const RIGHT_SHOULDER: usize = 12;
    pub const LEFT_ELBOW: usize = 13;
    pub const RIGHT_ELBOW: usize = 14;
    pub const LEFT_WRIST: usize = 15;
    pub const RIGHT_WRIST: usize = 16;
    pub const LEFT_HIP: usize = 23;
    pub const RIGHT_HIP: usize = 24;
}

/// One landmark in image space.
///
/// `x`, `y` are pixels of the analysed frame (origin top-left, y down). `z` is depth in the same
/// scale as `x`, relative to the hip centre: negative means closer to the camera than the hips.
/// `visibility` is the probability the point is visible (not occluded), `presence` the
/// probability it lies inside the frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Landmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
    pub presence: f32,
}

/// One landmark in metric world space: metres, origin at the hip centre, x to the image's right,
/// y down, z away from the camera (MediaPipe's convention).
pub type WorldLandmark = [f32; 3];

/// A rotated square (or rectangle) region of the frame in pixels, as used to crop the landmark
/// model's input. `rotation` is in radians, counter-clockwise positive in MediaPipe's sense.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roi {
    pub center_x: f32,
    pub center_y: f32,
    pub width: f32,
    pub height: f32,
    pub rotation: f32,
}

/// The pose of one person in one frame. (Not serde: arrays of 33 have no serde impls; the
/// `analyze` rows are its serialised form.)
#[derive(Clone, Debug, PartialEq)]
pub struct Pose {
    pub landmarks: [Landmark; LANDMARK_COUNT],
    pub world_landmarks: [WorldLandmark; LANDMARK_COUNT],
    /// Probability that a person is in the region (the landmark model's presence output).
    pub presence: f32,
    /// The region the landmarks were read from.
    pub roi: Roi,
    /// Size of the analysed frame in pixels.
    pub image_width: u32,
    pub image_height: u32,
    /// The face mesh of the person's face, when the face model found one.
    pub face: Option<FaceMesh>,
}

impl Pose {
    /// The landmark at `index` (see [`landmark`]).
    pub fn point(&self, index: usize) -> &Landmark {
        &self.landmarks[index]
    }
}
/// The face mesh of one frame: 468 points in frame pixels (`z` in the scale of `x`, relative to
/// the face's centre, negative = closer to the camera), and how sure the model is of a face.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceMesh {
    pub points: Vec<[f32; 3]>,
    pub presence: f32,
    /// The region the mesh was read from.
    pub roi: Roi,
}

impl FaceMesh {
    /// The point at `index` (indices in `pose::face_point`).
    pub fn point(&self, index: usize) -> [f32; 3] {
        self.points[index]
    }
}
