//! Decoding the BlazePose detector's raw output into person detections.
//!
//! Pure functions, mirroring MediaPipe's `TensorsToDetectionsCalculator` (box decoding against
//! anchors, sigmoid scores), `NonMaxSuppressionCalculator` (weighted NMS) and
//! `DetectionLetterboxRemovalCalculator` (undoing the letterbox of the detector's input).

use super::anchors::{Anchor, DETECTOR_INPUT_SIZE};

/// Values per detector output row: a 4-value box (x centre, y centre, w, h) and 4 keypoints.
pub const VALUES_PER_ROW: usize = 12;

/// Keypoints per detection: mid-hip centre, full-body scale point, mid-shoulder, upper-body point.
pub const DETECTION_KEYPOINTS: usize = 4;

/// Raw scores are clipped to ±100 before the sigmoid (MediaPipe `score_clipping_thresh`).
const SCORE_CLIP: f32 = 100.0;

/// Detections scoring below this are dropped (MediaPipe `min_score_thresh`, the solution's
/// default `min_detection_confidence`).
pub const MIN_DETECTION_SCORE: f32 = 0.5;

/// Boxes overlapping more than this (intersection over union) are merged by weighted NMS.
const NMS_IOU_THRESHOLD: f32 = 0.3;

/// A point in normalised image coordinates (0..1 over the frame or the detector input).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// One detection in normalised coordinates. The box is the face box BlazePose predicts; the
/// keypoints carry the body's position, scale and rotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    pub score: f32,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
    pub keypoints: [Point; DETECTION_KEYPOINTS],
}

impl Detection {
    fn area(&self) -> f32 {
        (self.x_max - self.x_min).max(0.0) * (self.y_max - self.y_min).max(0.0)
    }

    fn intersection_over_union(&self, other: &Detection) -> f32 {
        let width = (self.x_max.min(other.x_max) - self.x_min.max(other.x_min)).max(0.0);
        let height = (self.y_max.min(other.y_max) - self.y_min.max(other.y_min)).max(0.0);
        let intersection = width * height;
        let union = self.area() + other.area() - intersection;
        if union > 0.0 {
            intersection / union
        } else {
            0.0
        }
    }
}

fn sigmoid(value: f32) -> f32 {
    1.0 / (1.0 + (-value).exp())
}

/// Decodes the detector outputs (`boxes`: anchors × 12 values, `scores`: one logit per anchor)
/// into detections scoring at least [`MIN_DETECTION_SCORE`], in detector-input coordinates.
pub fn decode_detections(boxes: &[f32], scores: &[f32], anchors: &[Anchor]) -> Vec<Detection> {
    let scale = DETECTOR_INPUT_SIZE as f32;
    anchors
        .iter()
        .zip(scores)
        .zip(boxes.chunks_exact(VALUES_PER_ROW))
        .filter_map(|((anchor, &logit), row)| {
            let score = sigmoid(logit.clamp(-SCORE_CLIP, SCORE_CLIP));
            if score < MIN_DETECTION_SCORE {
                return None;
            }
            let x_center = row[0] / scale + anchor.x;
            let y_center = row[1] / scale + anchor.y;
            let half_width = row[2] / scale / 2.0;
            let half_height = row[3] / scale / 2.0;
            let keypoint = |index: usize| Point {
                x: row[4 + 2 * index] / scale + anchor.x,
                y: row[5 + 2 * index] / scale + anchor.y,
            };
            Some(Detection {
                score,
                x_min: x_center - half_width,
                y_min: y_center - half_height,
                x_max: x_center + half_width,
                y_max: y_center + half_height,
                keypoints: [keypoint(0), keypoint(1), keypoint(2), keypoint(3)],
            })
        })
        .collect()
}

/// Weighted non-maximum suppression: each cluster of boxes overlapping the best remaining one
/// is replaced by their score-weighted average (box and keypoints), keeping the best score.
/// Output is sorted by score, best first.
pub fn weighted_non_max_suppression(mut detections: Vec<Detection>) -> Vec<Detection> {
    detections.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut merged = Vec::new();
    while let Some(best) = detections.first().copied() {
        let (cluster, rest): (Vec<Detection>, Vec<Detection>) = detections
            .into_iter()
            .partition(|candidate| best.intersection_over_union(candidate) > NMS_IOU_THRESHOLD);
        merged.push(weighted_average(best, &cluster));
        detections = rest;
    }
    merged
}

fn weighted_average(best: Detection, cluster: &[Detection]) -> Detection {
    let total: f32 = cluster.iter().map(|detection| detection.score).sum();
    if cluster.is_empty() || total <= 0.0 {
        return best;
    }
    let average = |value: fn(&Detection) -> f32| {
        cluster
            .iter()
            .map(|detection| value(detection) * detection.score)
            .sum::<f32>()
            / total
    };
    let mut keypoints = [Point::default(); DETECTION_KEYPOINTS];
    for (index, keypoint) in keypoints.iter_mut().enumerate() {
        keypoint.x = cluster
            .iter()
            .map(|detection| detection.keypoints[index].x * detection.score)
            .sum::<f32>()
            / total;
        keypoint.y = cluster
            .iter()
            .map(|detection| detection.keypoints[index].y * detection.score)
            .sum::<f32>()
            / total;
    }
    Detection {
        score: best.score,
        x_min: average(|detection| detection.x_min),
        y_min: average(|detection| detection.y_min),
        x_max: average(|detection| detection.x_max),
        y_max: average(|detection| detection.y_max),
        keypoints,
    }
}

/// The padding, as fractions of the detector input, added to fit a frame into the square input
/// while keeping its aspect ratio (MediaPipe's `keep_aspect_ratio`: centred, both sides equal).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Letterbox {
    pub horizontal: f32,
    pub vertical: f32,
}

impl Letterbox {
    /// The letterbox for a frame of `width` × `height` pixels in a square input.
    pub fn for_frame(width: u32, height: u32) -> Self {
        let aspect = height as f32 / width as f32;
        if aspect < 1.0 {
            Letterbox {
                horizontal: 0.0,
                vertical: (1.0 - aspect) / 2.0,
            }
        } else {
            Letterbox {
                horizontal: (1.0 - 1.0 / aspect) / 2.0,
                vertical: 0.0,
            }
        }
    }

    /// Maps a point from detector-input coordinates back to normalised frame coordinates.
    pub fn remove_from_point(&self, point: Point) -> Point {
        Point {
            x: (point.x - self.horizontal) / (1.0 - 2.0 * self.horizontal),
            y: (point.y - self.vertical) / (1.0 - 2.0 * self.vertical),
        }
    }

    /// Maps a whole detection back to normalised frame coordinates.
    pub fn remove_from_detection(&self, detection: &Detection) -> Detection {
        let top_left = self.remove_from_point(Point {
            x: detection.x_min,
            y: detection.y_min,
        });
        let bottom_right = self.remove_from_point(Point {
            x: detection.x_max,
            y: detection.y_max,
        });
        Detection {
            score: detection.score,
            x_min: top_left.x,
            y_min: top_left.y,
            x_max: bottom_right.x,
            y_max: bottom_right.y,
            keypoints: detection
                .keypoints
                .map(|keypoint| self.remove_from_point(keypoint)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::anchors::pose_detector_anchors;
    use super::*;

    fn detection(score: f32, x_min: f32, y_min: f32, size: f32) -> Detection {
        Detection {
            score,
            x_min,
            y_min,
            x_max: x_min + size,
            y_max: y_min + size,
            keypoints: [Point { x: x_min, y: y_min }; DETECTION_KEYPOINTS],
        }
    }

    #[test]
    fn decodes_a_box_and_keypoints_relative_to_its_anchor() {
        let anchors = pose_detector_anchors();
        let mut boxes = vec![0.0; anchors.len() * VALUES_PER_ROW];
        let mut scores = vec![-10.0; anchors.len()];
        let row = 100;
        scores[row] = 3.0;
        let values = [
            22.4, -11.2, 44.8, 67.2, 0.0, 0.0, 22.4, 22.4, 0.0, 0.0, 0.0, 0.0,
        ];
        boxes[row * VALUES_PER_ROW..(row + 1) * VALUES_PER_ROW].copy_from_slice(&values);
        let detections = decode_detections(&boxes, &scores, &anchors);
        assert_eq!(detections.len(), 1);
        let found = detections[0];
        let anchor = anchors[row];
        assert!((found.score - sigmoid(3.0)).abs() < 1e-6);
        assert!((found.x_min - (anchor.x + 0.1 - 0.1)).abs() < 1e-5);
        assert!((found.y_max - (anchor.y - 0.05 + 0.15)).abs() < 1e-5);
        assert!((found.keypoints[1].x - (anchor.x + 0.1)).abs() < 1e-5);
        assert!((found.keypoints[0].y - anchor.y).abs() < 1e-6);
    }

    #[test]
    fn low_scores_are_dropped_and_huge_logits_do_not_overflow() {
        let anchors = pose_detector_anchors();
        let boxes = vec![0.0; anchors.len() * VALUES_PER_ROW];
        let mut scores = vec![-1.0e9; anchors.len()];
        scores[7] = 1.0e9;
        let detections = decode_detections(&boxes, &scores, &anchors);
        assert_eq!(detections.len(), 1);
        assert!(detections[0].score.is_finite());
    }

    #[test]
    fn weighted_nms_merges_overlapping_boxes_and_keeps_separate_ones() {
        let merged = weighted_non_max_suppression(vec![
            detection(0.6, 0.12, 0.1, 0.2),
            detection(0.9, 0.1, 0.1, 0.2),
            detection(0.8, 0.7, 0.7, 0.2),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].score, 0.9);
        let expected_x_min = (0.1 * 0.9 + 0.12 * 0.6) / 1.5;
        assert!((merged[0].x_min - expected_x_min).abs() < 1e-6);
        assert!((merged[0].keypoints[2].x - expected_x_min).abs() < 1e-6);
        assert_eq!(merged[1].x_min, 0.7);
    }

    #[test]
    fn nms_of_nothing_is_nothing() {
        assert!(weighted_non_max_suppression(Vec::new()).is_empty());
    }

    #[test]
    fn letterbox_of_a_landscape_frame_pads_top_and_bottom_and_is_undone() {
        let letterbox = Letterbox::for_frame(640, 480);
        assert_eq!(letterbox.horizontal, 0.0);
        assert!((letterbox.vertical - 0.125).abs() < 1e-6);
        // The top of the picture sits at 0.125 of the square input.
        let top = letterbox.remove_from_point(Point { x: 0.5, y: 0.125 });
        assert!((top.y - 0.0).abs() < 1e-6 && (top.x - 0.5).abs() < 1e-6);
        let bottom = letterbox.remove_from_point(Point { x: 1.0, y: 0.875 });
        assert!((bottom.y - 1.0).abs() < 1e-6 && (bottom.x - 1.0).abs() < 1e-6);
    }

    #[test]
    fn letterbox_of_a_portrait_frame_pads_left_and_right() {
        let letterbox = Letterbox::for_frame(512, 600);
        let expected = (1.0 - 512.0 / 600.0) / 2.0;
        assert!((letterbox.horizontal - expected).abs() < 1e-6);
        assert_eq!(letterbox.vertical, 0.0);
        let detection = letterbox.remove_from_detection(&detection(0.9, expected, 0.0, 0.5));
        assert!(detection.x_min.abs() < 1e-6);
    }
}
