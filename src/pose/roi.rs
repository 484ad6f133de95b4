//! The rotated square region the landmark model looks at, from two alignment points.
//!
//! MediaPipe's `AlignmentPointsRectsCalculator` + `RectTransformationCalculator`: the region is
//! centred on the first point (the hip centre), its side is twice the distance to the second
//! (the body's scale point), it is rotated so that the body stands upright in the crop, then
//! squared on its long side and enlarged by 1.25. With a head-and-shoulders framing the hips lie
//! below the frame and the region is much larger than the image: that is what the landmark
//! model was trained on.

use std::f32::consts::PI;

use super::types::Roi;

/// Enlargement of the alignment box (MediaPipe pose graphs: `scale_x`/`scale_y` 1.25).
const ROI_SCALE: f32 = 1.25;

/// The body's axis (from the centre point to the scale point) is rotated to point up: 90°.
const TARGET_ANGLE: f32 = PI / 2.0;

/// Wraps an angle into [-π, π).
pub fn normalize_radians(angle: f32) -> f32 {
    angle - 2.0 * PI * ((angle + PI) / (2.0 * PI)).floor()
}

/// The rotation that turns the vector from `center` to `scale_point` (pixels, y down) upright.
pub fn alignment_rotation(center: (f32, f32), scale_point: (f32, f32)) -> f32 {
    normalize_radians(TARGET_ANGLE - (-(scale_point.1 - center.1)).atan2(scale_point.0 - center.0))
}

/// The landmark model's region from two alignment points in pixels.
pub fn roi_from_alignment_points(center: (f32, f32), scale_point: (f32, f32)) -> Roi {
    let side = 2.0 * (scale_point.0 - center.0).hypot(scale_point.1 - center.1) * ROI_SCALE;
    Roi {
        center_x: center.0,
        center_y: center.1,
        width: side,
        height: side,
        rotation: alignment_rotation(center, scale_point),
    }
}

/// The side of the un-enlarged alignment box: the object scale the landmark smoothing uses.
pub fn alignment_box_side(center: (f32, f32), scale_point: (f32, f32)) -> f32 {
    2.0 * (scale_point.0 - center.0).hypot(scale_point.1 - center.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_body_needs_no_rotation() {
        // The scale point straight above the hip centre (y down).
        let roi = roi_from_alignment_points((100.0, 300.0), (100.0, 200.0));
        assert!(roi.rotation.abs() < 1e-6);
        assert!((roi.width - 250.0).abs() < 1e-4);
        assert_eq!(roi.width, roi.height);
        assert_eq!((roi.center_x, roi.center_y), (100.0, 300.0));
    }

    #[test]
    fn body_leaning_right_in_the_image_rotates_the_roi() {
        // Scale point to the right of the centre: the body lies along +x, a quarter turn.
        let rotation = alignment_rotation((0.0, 0.0), (10.0, 0.0));
        assert!((rotation - PI / 2.0).abs() < 1e-6);
        // Scale point to the left: a quarter turn the other way.
        let rotation = alignment_rotation((0.0, 0.0), (-10.0, 0.0));
        assert!((rotation + PI / 2.0).abs() < 1e-6);
        // Upside down wraps to -π.
        let rotation = alignment_rotation((0.0, 0.0), (0.0, 10.0));
        assert!((rotation.abs() - PI).abs() < 1e-6);
    }

    #[test]
    fn normalize_radians_wraps_into_range() {
        assert!((normalize_radians(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-5);
        assert!((normalize_radians(-3.0 * PI / 2.0) - PI / 2.0).abs() < 1e-5);
        assert!((normalize_radians(0.3) - 0.3).abs() < 1e-6);
    }
}
