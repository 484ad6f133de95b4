//! Pose estimation: BlazePose detector and landmark models on ONNX Runtime, with tracking and
//! smoothing, turning RGB frames into 33 named landmarks, and MediaPipe's face mesh on the face
//! it found.

pub mod anchors;
pub mod detection;
pub mod engine;
pub mod face;
pub mod landmarks;
pub mod model;
pub mod roi;
pub mod smoothing;
pub mod types;
pub mod warp;

pub use engine::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
pub use face::face_point;
pub use model::PoseError;
pub use types::{
    FaceMesh, LANDMARK_COUNT, LANDMARK_NAMES, Landmark, Pose, Roi, WorldLandmark, landmark,
};
