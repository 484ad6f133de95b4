//! MediaPipe's face landmark model (Face Mesh, 468 points) run on the face that BlazePose found:
//! the region from the pose's face landmarks, then refined once from the mesh itself, the way
//! MediaPipe's face landmark graph re-crops from its own landmarks.
//!
//! The mesh gives the head's size, position and orientation far more precisely than BlazePose's
//! eleven face points (which are what the body model needs, not what a head pose needs); posture
//! geometry reads the forward head from it.

use image::RgbImage;

use super::landmarks::sigmoid;
use super::model::{OnnxModel, PoseError};
use super::roi::normalize_radians;
use super::types::{FaceMesh, Landmark, Roi, landmark};
use super::warp::{BilinearTable, Border, ValueRange, warp_roi_into_tensor};
use crate::models::{ModelFile, ModelLocator};

/// Side of the face model's square input in pixels.
pub const FACE_INPUT_SIZE: usize = 192;

/// Points of the face mesh.
pub const FACE_MESH_POINTS: usize = 468;

/// Below this face-flag probability the crop holds no face (MediaPipe's default
/// `min_tracking_confidence` for the face mesh).
pub const MIN_FACE_PRESENCE: f32 = 0.5;

/// MediaPipe's face crop: the landmarks' bounding box enlarged 1.5×, squared on its long side.
const FACE_ROI_SCALE: f32 = 1.5;

/// The crop from BlazePose's face points: the side as a multiple of the ear-to-ear distance
/// (the mesh's bounding box is about 1.1 ear widths, ×1.5 as above).
const POSE_EAR_WIDTHS_PER_SIDE: f32 = 1.65;

/// The crop from BlazePose's face points: the side as a multiple of the eyes-to-mouth height,
/// for a face turned so far that the ears are close together in the image.
const POSE_EYE_MOUTH_HEIGHTS_PER_SIDE: f32 = 5.0;

/// Named points of the 468-point mesh that posture geometry reads.
pub mod face_point {
    /// Top of the forehead (the mesh's highest midline point).
    pub const FOREHEAD: usize = 10;
    /// The tip of the nose.
    pub const NOSE_TIP: usize = 1;
    /// The bottom of the chin.
    pub const CHIN: usize = 152;
    /// The face's outline at the right cheek, in front of the right ear (image left in a front
    /// view).
    pub const RIGHT_CHEEK_EDGE: usize = 234;
    /// The face's outline at the left cheek, in front of the left ear.
    pub const LEFT_CHEEK_EDGE: usize = 454;
    /// Outer corner of the right eye.
    pub const RIGHT_EYE_OUTER: usize = 33;
    /// Outer corner of the left eye.
    pub const LEFT_EYE_OUTER: usize = 263;
}

/// The face region MediaPipe would crop for a set of points: their bounding box centre, squared
/// on the long side and enlarged, rotated so the line between the outer eye corners is level.
fn face_roi(center: (f32, f32), side: f32, right_eye: (f32, f32), left_eye: (f32, f32)) -> Roi {
    // The line from the right eye (image left) to the left eye is rotated to 0°.
    let rotation =
        normalize_radians(-(-(left_eye.1 - right_eye.1)).atan2(left_eye.0 - right_eye.0));
    Roi {
        center_x: center.0,
        center_y: center.1,
        width: side,
        height: side,
        rotation,
    }
}

/// The face region from BlazePose's face points, or `None` when they are not usable.
pub fn face_roi_from_pose(landmarks: &[Landmark]) -> Option<Roi> {
    let at = |index: usize| (landmarks[index].x, landmarks[index].y);
    let mid = |a: (f32, f32), b: (f32, f32)| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let eyes = mid(at(landmark::LEFT_EYE), at(landmark::RIGHT_EYE));
    let mouth = mid(at(landmark::MOUTH_LEFT), at(landmark::MOUTH_RIGHT));
    let (left_ear, right_ear) = (at(landmark::LEFT_EAR), at(landmark::RIGHT_EAR));
    let ear_width = (left_ear.0 - right_ear.0).hypot(left_ear.1 - right_ear.1);
    let eye_mouth = (mouth.0 - eyes.0).hypot(mouth.1 - eyes.1);
    let side =
        (ear_width * POSE_EAR_WIDTHS_PER_SIDE).max(eye_mouth * POSE_EYE_MOUTH_HEIGHTS_PER_SIDE);
    // The mesh's box is centred a little below the eyes: about a third of the way to the mouth.
    let center = (
        eyes.0 + (mouth.0 - eyes.0) * 0.35,
        eyes.1 + (mouth.1 - eyes.1) * 0.35,
    );
    let roi = face_roi(
        center,
        side,
        at(landmark::RIGHT_EYE_OUTER),
        at(landmark::LEFT_EYE_OUTER),
    );
    (side.is_finite() && side > 8.0 && center.0.is_finite() && center.1.is_finite()).then_some(roi)
}

/// The face region from a mesh (MediaPipe's `face_landmark_landmarks_to_roi`): the bounding box
/// of the points in the rotated frame of the eye line, enlarged 1.5× and squared.
pub fn face_roi_from_mesh(points: &[[f32; 3]]) -> Option<Roi> {
    let right = points.get(face_point::RIGHT_EYE_OUTER)?;
    let left = points.get(face_point::LEFT_EYE_OUTER)?;
    let rotation = face_roi((0.0, 0.0), 1.0, (right[0], right[1]), (left[0], left[1])).rotation;
    // The box is taken in the crop's (rotated) axes, like MediaPipe's rotated rectangle.
    let (sin, cos) = rotation.sin_cos();
    let (mut min_u, mut max_u, mut min_v, mut max_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for point in points {
        let (u, v) = (
            cos * point[0] + sin * point[1],
            -sin * point[0] + cos * point[1],
        );
        min_u = min_u.min(u);
        max_u = max_u.max(u);
        min_v = min_v.min(v);
        max_v = max_v.max(v);
    }
    let (center_u, center_v) = ((min_u + max_u) / 2.0, (min_v + max_v) / 2.0);
    let center = (
        cos * center_u - sin * center_v,
        sin * center_u + cos * center_v,
    );
    let side = (max_u - min_u).max(max_v - min_v) * FACE_ROI_SCALE;
    (side.is_finite() && side > 8.0).then_some(Roi {
        center_x: center.0,
        center_y: center.1,
        width: side,
        height: side,
        rotation,
    })
}

/// Crop-space model output (`[468 × 3]`, pixels of the 192-px crop) to frame pixels.
fn mesh_to_frame(raw: &[f32], roi: &Roi) -> Vec<[f32; 3]> {
    let (sin, cos) = roi.rotation.sin_cos();
    let size = FACE_INPUT_SIZE as f32;
    raw.chunks_exact(3)
        .map(|point| {
            let (x, y) = (point[0] / size - 0.5, point[1] / size - 0.5);
            [
                (cos * x - sin * y) * roi.width + roi.center_x,
                (sin * x + cos * y) * roi.height + roi.center_y,
                point[2] / size * roi.width,
            ]
        })
        .collect()
}

/// The face landmark model on ONNX Runtime.
pub struct FaceLandmarker {
    model: OnnxModel,
    bilinear: BilinearTable,
    input: Vec<f32>,
    runs: u64,
}

impl FaceLandmarker {
    pub fn new(locator: &ModelLocator) -> Result<Self, PoseError> {
        let model = OnnxModel::load(
            locator,
            ModelFile::FaceLandmark,
            [1, FACE_INPUT_SIZE, FACE_INPUT_SIZE, 3],
            &[FACE_MESH_POINTS * 3, 1],
        )?;
        Ok(Self {
            model,
            bilinear: BilinearTable::new(),
            input: vec![0.0; FACE_INPUT_SIZE * FACE_INPUT_SIZE * 3],
            runs: 0,
        })
    }

    /// How often the model has run.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The mesh in `region`, or `None` when the crop holds no face.
    pub fn mesh_in(
        &mut self,
        image: &RgbImage,
        region: &Roi,
    ) -> Result<Option<FaceMesh>, PoseError> {
        warp_roi_into_tensor(
            image,
            region,
            FACE_INPUT_SIZE,
            Border::Replicate,
            ValueRange::ZERO_TO_ONE,
            &self.bilinear,
            &mut self.input,
        );
        self.runs += 1;
        let outputs = self.model.run(&self.input)?;
        let presence = sigmoid(outputs[1][0]);
        if presence.is_nan() || presence < MIN_FACE_PRESENCE {
            return Ok(None);
        }
        Ok(Some(FaceMesh {
            points: mesh_to_frame(&outputs[0], region),
            presence,
            roi: *region,
        }))
    }

    /// The mesh of the face BlazePose found: cropped from the pose's face points (or from the
    /// previous frame's mesh, `tracked`), then once more from the mesh's own box, which is the
    /// crop the model was trained on.
    pub fn estimate(
        &mut self,
        image: &RgbImage,
        pose_landmarks: &[Landmark],
        tracked: Option<&Roi>,
    ) -> Result<Option<FaceMesh>, PoseError> {
        let first = match tracked {
            Some(roi) => *roi,
            None => match face_roi_from_pose(pose_landmarks) {
                Some(roi) => roi,
                None => return Ok(None),
            },
        };
        let Some(rough) = self.mesh_in(image, &first)? else {
            return Ok(None);
        };
        if tracked.is_some() {
            return Ok(Some(rough));
        }
        match face_roi_from_mesh(&rough.points) {
            Some(refined) => Ok(self.mesh_in(image, &refined)?.or(Some(rough))),
            None => Ok(Some(rough)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(points: &[(f32, f32)]) -> Vec<[f32; 3]> {
        let mut mesh = vec![[0.0f32; 3]; FACE_MESH_POINTS];
        for (index, point) in mesh.iter_mut().enumerate() {
            let (x, y) = points[index % points.len()];
            *point = [x, y, 0.0];
        }
        mesh
    }

    #[test]
    fn level_eyes_give_no_rotation_and_the_box_enlarged() {
        let mut mesh = square(&[
            (100.0, 100.0),
            (200.0, 100.0),
            (100.0, 220.0),
            (200.0, 220.0),
        ]);
        mesh[face_point::RIGHT_EYE_OUTER] = [120.0, 140.0, 0.0];
        mesh[face_point::LEFT_EYE_OUTER] = [180.0, 140.0, 0.0];
        let roi = face_roi_from_mesh(&mesh).expect("a region");
        assert!(roi.rotation.abs() < 1e-6);
        assert!((roi.center_x - 150.0).abs() < 1e-3 && (roi.center_y - 160.0).abs() < 1e-3);
        assert!((roi.width - 180.0).abs() < 1e-3, "{}", roi.width);
    }

    #[test]
    fn a_tilted_face_is_rotated_upright() {
        // The left eye (image right) lower than the right eye: the head tilts towards the
        // person's left; the crop turns by the eye line's angle.
        let mut mesh = square(&[(100.0, 100.0), (200.0, 200.0)]);
        mesh[face_point::RIGHT_EYE_OUTER] = [100.0, 100.0, 0.0];
        mesh[face_point::LEFT_EYE_OUTER] = [200.0, 200.0, 0.0];
        let roi = face_roi_from_mesh(&mesh).expect("a region");
        assert!(
            (roi.rotation - std::f32::consts::FRAC_PI_4).abs() < 1e-5,
            "{}",
            roi.rotation
        );
    }

    #[test]
    fn crop_coordinates_map_back_to_the_frame() {
        let roi = Roi {
            center_x: 300.0,
            center_y: 200.0,
            width: 120.0,
            height: 120.0,
            rotation: 0.0,
        };
        let size = FACE_INPUT_SIZE as f32;
        let frame = mesh_to_frame(&[size / 2.0, size / 2.0, 0.0, 0.0, size, size / 4.0], &roi);
        assert_eq!(frame[0], [300.0, 200.0, 0.0]);
        assert_eq!(frame[1], [240.0, 260.0, 30.0]);
    }

    #[test]
    fn pose_face_points_give_a_region_around_the_face() {
        let mut landmarks = [Landmark::default(); 33];
        let mut set = |index: usize, x: f32, y: f32| {
            landmarks[index].x = x;
            landmarks[index].y = y;
        };
        set(landmark::LEFT_EYE, 340.0, 200.0);
        set(landmark::RIGHT_EYE, 300.0, 200.0);
        set(landmark::LEFT_EYE_OUTER, 350.0, 200.0);
        set(landmark::RIGHT_EYE_OUTER, 290.0, 200.0);
        set(landmark::MOUTH_LEFT, 335.0, 230.0);
        set(landmark::MOUTH_RIGHT, 305.0, 230.0);
        set(landmark::LEFT_EAR, 380.0, 210.0);
        set(landmark::RIGHT_EAR, 260.0, 210.0);
        let roi = face_roi_from_pose(&landmarks).expect("a region");
        assert!(roi.rotation.abs() < 1e-6);
        assert!((roi.center_x - 320.0).abs() < 1e-3);
        assert!(roi.center_y > 200.0 && roi.center_y < 225.0);
        assert!((roi.width - 120.0 * POSE_EAR_WIDTHS_PER_SIDE).abs() < 1e-3);
    }
}
