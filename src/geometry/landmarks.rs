//! Checked access to a pose's landmarks for the geometry: pixels, visibility, world points and
//! the few spans the metrics and the calibration gates share (NaN or missing data become
//! `None` or zero visibility).

use crate::pose::{Pose, landmark};

use super::math::{V3, is_finite3, mid, norm, sub};

pub(crate) type P2 = (f64, f64);

/// The landmarks of the calibrated head model (face points BlazePose reports on every frame).
pub(crate) const HEAD_LANDMARKS: [usize; 11] = [
    landmark::NOSE,
    landmark::LEFT_EYE_INNER,
    landmark::LEFT_EYE,
    landmark::LEFT_EYE_OUTER,
    landmark::RIGHT_EYE_INNER,
    landmark::RIGHT_EYE,
    landmark::RIGHT_EYE_OUTER,
    landmark::LEFT_EAR,
    landmark::RIGHT_EAR,
    landmark::MOUTH_LEFT,
    landmark::MOUTH_RIGHT,
];

pub(crate) fn px(pose: &Pose, i: usize) -> Option<P2> {
    let l = pose.landmarks.get(i)?;
    let (x, y) = (f64::from(l.x), f64::from(l.y));
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

/// Visibility × presence, clamped to `[0, 1]`; 0 for NaN.
pub(crate) fn vis(pose: &Pose, i: usize) -> f64 {
    pose.landmarks.get(i).map_or(0.0, |l| {
        let v = f64::from(l.visibility) * f64::from(l.presence);
        if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        }
    })
}

pub(crate) fn world(pose: &Pose, i: usize) -> Option<V3> {
    let w = pose.world_landmarks.get(i)?;
    let v = [f64::from(w[0]), f64::from(w[1]), f64::from(w[2])];
    is_finite3(v).then_some(v)
}

pub(crate) fn image_z(pose: &Pose, i: usize) -> Option<f64> {
    let z = f64::from(pose.landmarks.get(i)?.z);
    z.is_finite().then_some(z)
}

pub(crate) fn mid2(a: P2, b: P2) -> P2 {
    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

pub(crate) fn dist2(a: P2, b: P2) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

pub(crate) fn ear_mid_px(pose: &Pose) -> Option<P2> {
    Some(mid2(
        px(pose, landmark::LEFT_EAR)?,
        px(pose, landmark::RIGHT_EAR)?,
    ))
}

pub(crate) fn shoulder_mid_px(pose: &Pose) -> Option<P2> {
    Some(mid2(
        px(pose, landmark::LEFT_SHOULDER)?,
        px(pose, landmark::RIGHT_SHOULDER)?,
    ))
}

/// 2D shoulder width in pixels (None when degenerate).
pub(crate) fn shoulder_width_px(pose: &Pose) -> Option<f64> {
    let w = dist2(
        px(pose, landmark::LEFT_SHOULDER)?,
        px(pose, landmark::RIGHT_SHOULDER)?,
    );
    (w > 1.0).then_some(w)
}

pub(crate) fn ear_width_px(pose: &Pose) -> Option<f64> {
    let w = dist2(
        px(pose, landmark::LEFT_EAR)?,
        px(pose, landmark::RIGHT_EAR)?,
    );
    (w > 1.0).then_some(w)
}

pub(crate) fn world_mid(pose: &Pose, a: usize, b: usize) -> Option<V3> {
    Some(mid(world(pose, a)?, world(pose, b)?))
}

/// Angle of the world shoulder line out of the image plane, degrees in `[0, 90]`.
pub(crate) fn shoulder_yaw_deg(pose: &Pose) -> Option<f64> {
    let d = sub(
        world(pose, landmark::LEFT_SHOULDER)?,
        world(pose, landmark::RIGHT_SHOULDER)?,
    );
    let horizontal = d[0].hypot(d[1]);
    (norm(d) > 1e-6).then(|| d[2].abs().atan2(horizontal).to_degrees())
}

/// The minimum visibility of a set of landmarks.
pub(crate) fn min_vis(pose: &Pose, idx: &[usize]) -> f64 {
    idx.iter().map(|&i| vis(pose, i)).fold(1.0, f64::min)
}
