//! Decoding the BlazePose landmark model's raw output and projecting it back onto the frame.
//!
//! Pure functions mirroring MediaPipe's `TensorsToLandmarksCalculator` (crop pixels → 0..1,
//! sigmoid on visibility and presence), `RefineLandmarksFromHeatmapCalculator` (a 7×7
//! confidence-weighted mean on the 64×64 heatmaps), `LandmarkProjectionCalculator` and
//! `WorldLandmarkProjectionCalculator` (undoing the crop's rotation and scale).

use super::types::{Landmark, Roi, WorldLandmark};

/// Side of the landmark model's square input in pixels.
pub const LANDMARK_INPUT_SIZE: usize = 256;

/// Landmarks the model predicts: 33 body points, 2 auxiliary (ROI centre and scale point),
/// 4 unused.
pub const MODEL_LANDMARKS: usize = 39;

/// Values per landmark in the model's main output: x, y, z (crop pixels), visibility logit,
/// presence logit.
pub const VALUES_PER_LANDMARK: usize = 5;

/// The auxiliary landmarks that define the next frame's region: the body centre and scale point.
pub const AUXILIARY_CENTER: usize = 33;
pub const AUXILIARY_SCALE: usize = 34;

/// Side of the heatmap grid.
pub const HEATMAP_SIZE: usize = 64;

/// Window of the heatmap refinement (MediaPipe `kernel_size`).
const HEATMAP_KERNEL: usize = 7;

/// Refine only where the heatmap is confident (MediaPipe `min_confidence_to_refine`).
const MIN_CONFIDENCE_TO_REFINE: f32 = 0.5;

/// A landmark in the crop's normalised coordinates (0..1 across the crop), before projection.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CropLandmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
    pub presence: f32,
}

pub fn sigmoid(value: f32) -> f32 {
    1.0 / (1.0 + (-value).exp())
}

/// Decodes the model's `[39 × 5]` output into crop-normalised landmarks.
pub fn decode_landmarks(raw: &[f32]) -> [CropLandmark; MODEL_LANDMARKS] {
    let scale = LANDMARK_INPUT_SIZE as f32;
    let mut landmarks = [CropLandmark::default(); MODEL_LANDMARKS];
    for (landmark, values) in landmarks
        .iter_mut()
        .zip(raw.chunks_exact(VALUES_PER_LANDMARK))
    {
        *landmark = CropLandmark {
            x: values[0] / scale,
            y: values[1] / scale,
            z: values[2] / scale,
            visibility: sigmoid(values[3]),
            presence: sigmoid(values[4]),
        };
    }
    landmarks
}

/// Moves each landmark to the confidence-weighted mean of its 7×7 heatmap neighbourhood when
/// the heatmap is confident there. `heatmap` is `[64 × 64 × 39]` logits in HWC order.
pub fn refine_with_heatmap(landmarks: &mut [CropLandmark; MODEL_LANDMARKS], heatmap: &[f32]) {
    let size = HEATMAP_SIZE as i64;
    let half = (HEATMAP_KERNEL as i64 - 1) / 2;
    for (channel, landmark) in landmarks.iter_mut().enumerate() {
        // Truncation toward zero, as MediaPipe's static_cast<int>.
        let center_column = (landmark.x * size as f32) as i64;
        let center_row = (landmark.y * size as f32) as i64;
        if center_column < 0 || center_column >= size || center_row < 0 || center_row >= size {
            continue;
        }
        let (mut sum, mut weighted_column, mut weighted_row, mut max_confidence) =
            (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for row in (center_row - half).max(0)..(center_row + half + 1).min(size) {
            for column in (center_column - half).max(0)..(center_column + half + 1).min(size) {
                let index = ((row * size + column) as usize) * MODEL_LANDMARKS + channel;
                let confidence = sigmoid(heatmap[index]);
                sum += confidence;
                max_confidence = max_confidence.max(confidence);
                weighted_column += column as f32 * confidence;
                weighted_row += row as f32 * confidence;
            }
        }
        if max_confidence >= MIN_CONFIDENCE_TO_REFINE && sum > 0.0 {
            landmark.x = weighted_column / size as f32 / sum;
            landmark.y = weighted_row / size as f32 / sum;
        }
    }
}

/// Projects a crop landmark into frame pixels through the region it was cropped from.
/// `z` becomes pixels in the scale of x (the crop's width).
pub fn project_to_frame(landmark: &CropLandmark, roi: &Roi) -> Landmark {
    let (x, y) = (landmark.x - 0.5, landmark.y - 0.5);
    let (sin, cos) = roi.rotation.sin_cos();
    Landmark {
        x: (cos * x - sin * y) * roi.width + roi.center_x,
        y: (sin * x + cos * y) * roi.height + roi.center_y,
        z: landmark.z * roi.width,
        visibility: landmark.visibility,
        presence: landmark.presence,
    }
}

/// Rotates world landmarks (metres, hip-centred) by the crop's rotation so they are upright in
/// the frame's orientation. `raw` is the model's `[39 × 3]` world output.
pub fn project_world_landmarks(raw: &[f32], roi: &Roi) -> Vec<WorldLandmark> {
    let (sin, cos) = roi.rotation.sin_cos();
    raw.chunks_exact(3)
        .map(|point| {
            [
                cos * point[0] - sin * point[1],
                sin * point[0] + cos * point[1],
                point[2],
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_2;

    #[test]
    fn decodes_crop_pixels_and_logits() {
        let mut raw = vec![0.0; MODEL_LANDMARKS * VALUES_PER_LANDMARK];
        raw[0..5].copy_from_slice(&[128.0, 64.0, -25.6, 0.0, 2.0]);
        let landmarks = decode_landmarks(&raw);
        assert_eq!(landmarks[0].x, 0.5);
        assert_eq!(landmarks[0].y, 0.25);
        assert!((landmarks[0].z + 0.1).abs() < 1e-6);
        assert_eq!(landmarks[0].visibility, 0.5);
        assert!((landmarks[0].presence - sigmoid(2.0)).abs() < 1e-6);
    }

    fn heatmap_with_blob(channel: usize, row: usize, column: usize, logit: f32) -> Vec<f32> {
        let mut heatmap = vec![-20.0; HEATMAP_SIZE * HEATMAP_SIZE * MODEL_LANDMARKS];
        heatmap[(row * HEATMAP_SIZE + column) * MODEL_LANDMARKS + channel] = logit;
        heatmap
    }

    #[test]
    fn confident_heatmap_peak_pulls_the_landmark_to_it() {
        let mut landmarks = [CropLandmark::default(); MODEL_LANDMARKS];
        landmarks[5].x = 20.5 / 64.0;
        landmarks[5].y = 30.2 / 64.0;
        let heatmap = heatmap_with_blob(5, 32, 22, 10.0);
        refine_with_heatmap(&mut landmarks, &heatmap);
        assert!(
            (landmarks[5].x - 22.0 / 64.0).abs() < 1e-3,
            "{}",
            landmarks[5].x * 64.0
        );
        assert!(
            (landmarks[5].y - 32.0 / 64.0).abs() < 1e-3,
            "{}",
            landmarks[5].y * 64.0
        );
    }

    #[test]
    fn weak_heatmap_or_far_peak_leaves_the_landmark_alone() {
        let mut landmarks = [CropLandmark::default(); MODEL_LANDMARKS];
        landmarks[3].x = 20.5 / 64.0;
        landmarks[3].y = 20.5 / 64.0;
        let before = landmarks[3];
        // A weak peak: max confidence below 0.5.
        refine_with_heatmap(&mut landmarks, &heatmap_with_blob(3, 21, 21, -1.0));
        assert_eq!(landmarks[3], before);
        // A strong peak outside the 7×7 window.
        refine_with_heatmap(&mut landmarks, &heatmap_with_blob(3, 40, 40, 10.0));
        assert_eq!(landmarks[3], before);
    }

    #[test]
    fn landmarks_outside_the_crop_are_not_refined() {
        let mut landmarks = [CropLandmark {
            x: -0.2,
            y: 1.3,
            ..CropLandmark::default()
        }; MODEL_LANDMARKS];
        let before = landmarks;
        refine_with_heatmap(&mut landmarks, &heatmap_with_blob(0, 0, 0, 10.0));
        assert_eq!(landmarks, before);
    }

    #[test]
    fn projection_without_rotation_scales_and_offsets() {
        let roi = Roi {
            center_x: 300.0,
            center_y: 200.0,
            width: 100.0,
            height: 100.0,
            rotation: 0.0,
        };
        let landmark = CropLandmark {
            x: 0.75,
            y: 0.25,
            z: 0.1,
            visibility: 0.9,
            presence: 0.8,
        };
        let projected = project_to_frame(&landmark, &roi);
        assert!((projected.x - 325.0).abs() < 1e-4);
        assert!((projected.y - 175.0).abs() < 1e-4);
        assert!((projected.z - 10.0).abs() < 1e-5);
        assert_eq!((projected.visibility, projected.presence), (0.9, 0.8));
    }

    #[test]
    fn projection_undoes_the_crop_rotation() {
        // A quarter turn: the crop's +x axis is the frame's +y axis.
        let roi = Roi {
            center_x: 0.0,
            center_y: 0.0,
            width: 100.0,
            height: 100.0,
            rotation: FRAC_PI_2,
        };
        let landmark = CropLandmark {
            x: 1.0,
            y: 0.5,
            ..CropLandmark::default()
        };
        let projected = project_to_frame(&landmark, &roi);
        assert!(projected.x.abs() < 1e-4 && (projected.y - 50.0).abs() < 1e-4);
        let world = project_world_landmarks(&[1.0, 0.0, 0.3], &roi);
        assert!(world[0][0].abs() < 1e-6 && (world[0][1] - 1.0).abs() < 1e-6);
        assert_eq!(world[0][2], 0.3);
    }
}
