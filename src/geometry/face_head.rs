//! Forward head from the face mesh (front view): where the head is relative to the shoulders,
//! reconstructed in 3D from the face's apparent size and position, against the calibrated upright
//! head.
//!
//! # Method
//! At calibration the mean face mesh of the upright frames becomes the person's own rigid head
//! model `M₀` (468 points, pixels, the mesh's own depth), and its axes give the body frame: the
//! cheek-to-cheek line is lateral, forehead-to-chin is up, their cross product is forward (the
//! person upright faces the screen). The head's depth comes from the mesh's span and a typical
//! face width ([`TYPICAL_FACE_WIDTH_M`]), the shoulders' from the shoulder width.
//!
//! Each frame:
//! 1. The head's rotation `R` since calibration is the rotation of the best similarity from `M₀`
//!    to the frame's mesh (polar decomposition of their cross-covariance); its scale `s` is then
//!    fitted on the 2D points alone (the mesh's own depth is too weak a measure of size under head
//!    turns). `s` is the head's apparent size relative to calibration, so its depth is `Z₀ / s`
//!    whatever way the head is turned.
//! 2. The pivot point (near the tragus, [`PIVOT_BEHIND_CHEEKS_M`] behind the cheek line) is
//!    moved by that similarity and back-projected at that depth: `E`.
//! 3. The shoulder midpoint is back-projected at the depth its width implies, with two guards:
//!    a change under [`SHOULDER_DEPTH_DEADBAND_M`] is taken as none (BlazePose's shoulder width
//!    moves by a few per cent when the head comes forward or the arms move), and the shoulders
//!    never move further, or the other way, than the head does (in every seated posture the
//!    upper trunk moves less than the head): `S`.
//! 4. The change of `E − S` since calibration is read in the body frame as forward `Δh` and up
//!    `Δv`, and added to a typical upright neck (C7 → tragus, [`NECK_LENGTH_FACE_WIDTHS`] face
//!    widths at [`UPRIGHT_CVA_DEG`]): the forward-head change is
//!    `CVA₀ − atan2(v₀ + Δv, h₀ + Δh)`, positive when the head has come forward.
//!
//! The camera's height and pitch are in the calibrated body frame, so a laptop camera looking up
//! is handled by the same formula as a webcam at eye level. The constants were set on synthgen's
//! development subjects only (docs/geometry.md has the tables on held-out ones).
//!
//! # Failure modes
//! The absolute depth scale rests on a typical face width (±8 % between adults): a change reads
//! ≈ 8 % too large or small. The shoulders' depth is the weak part: moving the whole chair reads
//! partly as a posture change (the width guard takes 2 cm off the shoulders' movement), and
//! raised arms change BlazePose's shoulder width. A face the mesh model cannot see (profile, a
//! hand over it) gives no reading.

use serde::{Deserialize, Serialize};

use crate::pose::{FaceMesh, Pose, face_point};

use super::camera::Pinhole;
use super::landmarks::{shoulder_mid_px, shoulder_width_px};
use super::math::{M3, V3, cross, dot, mat_vec, normalize, scale, sub, transpose};

/// Span of the face mesh between its cheek-edge points (234–454) in an adult, metres: sets the
/// head's absolute depth, which scales every change (adults vary by about ±8 %).
pub const TYPICAL_FACE_WIDTH_M: f64 = 0.14;
/// Distance from C7 to the tragus in face widths (≈ 12.6 cm).
pub const NECK_LENGTH_FACE_WIDTHS: f64 = 0.9;
/// A typical upright craniovertebral angle, degrees (healthy adults sit at ≈ 50–56°).
pub const UPRIGHT_CVA_DEG: f64 = 53.0;
/// How far behind the cheek line the head's pivot (the tragus) lies, metres.
pub const PIVOT_BEHIND_CHEEKS_M: f64 = 0.04;
/// How far the shoulders lie behind the head at calibration along the camera's axis, metres
/// (only sets the shoulders' absolute depth; changes matter).
pub const SHOULDERS_BEHIND_HEAD_M: f64 = 0.05;
/// Shoulder depth changes (from the shoulder width) smaller than this are taken as none, metres.
pub const SHOULDER_DEPTH_DEADBAND_M: f64 = 0.02;
/// How far the face mesh's forward axis points below the horizontal in a person sitting
/// upright and looking at the screen, degrees (the face plane leans back and the gaze drops a
/// little): the mean over the six development subjects (range 2–12°). Turns the camera's
/// direction from the face into one from the eyes' horizontal.
pub const UPRIGHT_FACE_AXIS_BELOW_HORIZONTAL_DEG: f64 = 9.0;
/// Fewest calibration frames with a face mesh for a face reference.
const MIN_FACE_FRAMES: usize = 1;

/// The upright head and shoulders recorded at calibration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceReference {
    /// The mean face mesh of the calibration frames (frame pixels; the mesh's own depth).
    pub mesh: Vec<V3>,
    /// The head's pivot in mesh coordinates.
    pub pivot: V3,
    /// Depth of the head at calibration, metres.
    pub head_depth_m: f64,
    /// Depth of the shoulder midpoint at calibration, metres.
    pub shoulder_depth_m: f64,
    /// Shoulder width and midpoint at calibration, pixels.
    pub shoulder_width_px: f64,
    pub shoulder_mid_px: [f64; 2],
    /// The pivot minus the shoulder midpoint at calibration, camera axes, metres.
    pub neck_vector_m: V3,
    /// The body's forward and up directions at calibration (camera axes, y down).
    pub forward: V3,
    pub up: V3,
    /// The camera as seen from the upright face: its distance (metres, on the typical face
    /// width's scale) and how far below (+) or above (−) eye level it sits, degrees (a laptop
    /// camera ≈ 25–45° below, a webcam on a monitor near 0). On the held-out renders the
    /// distance came within 11 % and the angle within 5° for five of six set-ups (11° for a
    /// person far off the camera's axis).
    pub camera_distance_m: f64,
    pub camera_below_eyes_deg: f64,
}

/// What one frame's face says, relative to calibration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceReading {
    /// Forward-head change (change of the craniovertebral angle, + = head further forward).
    pub forward_head_change_deg: f64,
    /// Head pitch since calibration, + = looking down.
    pub pitch_change_deg: f64,
    /// Head yaw since calibration, + = towards the person's left.
    pub yaw_change_deg: f64,
    /// The head's apparent size relative to calibration.
    pub head_scale: f64,
    /// The shoulders' apparent width relative to calibration.
    pub shoulder_scale: f64,
    /// The face model's confidence that this is a face (0–1).
    pub presence: f64,
}

fn as_v3(point: [f32; 3]) -> V3 {
    [
        f64::from(point[0]),
        f64::from(point[1]),
        f64::from(point[2]),
    ]
}

/// The shoulder midpoint and width in pixels (the checked landmark access the metrics use).
fn shoulders_px(pose: &Pose) -> Option<([f64; 2], f64)> {
    let (x, y) = shoulder_mid_px(pose)?;
    Some(([x, y], shoulder_width_px(pose)?))
}

fn centroid(points: &[V3]) -> V3 {
    let n = points.len().max(1) as f64;
    let sum = points
        .iter()
        .fold([0.0; 3], |a, p| [a[0] + p[0], a[1] + p[1], a[2] + p[2]]);
    scale(sum, 1.0 / n)
}

fn determinant(m: &M3) -> f64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

fn inverse_transpose(m: &M3) -> Option<M3> {
    let det = determinant(m);
    if !det.is_finite() || det.abs() < 1e-12 {
        return None;
    }
    // The cofactor matrix divided by the determinant is the inverse's transpose.
    let c =
        |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    Some([
        [
            c(1, 2, 1, 2) / det,
            -c(1, 2, 0, 2) / det,
            c(1, 2, 0, 1) / det,
        ],
        [
            -c(0, 2, 1, 2) / det,
            c(0, 2, 0, 2) / det,
            -c(0, 2, 0, 1) / det,
        ],
        [
            c(0, 1, 1, 2) / det,
            -c(0, 1, 0, 2) / det,
            c(0, 1, 0, 1) / det,
        ],
    ])
}

/// The rotation closest to `m` (the orthogonal factor of its polar decomposition), by Newton's
/// iteration `R ← (R + R⁻ᵀ)/2`; `None` when `m` is singular or a reflection.
pub(crate) fn nearest_rotation(m: &M3) -> Option<M3> {
    if determinant(m) <= 0.0 {
        return None;
    }
    let mut r = *m;
    for _ in 0..30 {
        let it = inverse_transpose(&r)?;
        let mut next = [[0.0; 3]; 3];
        let mut change = 0.0f64;
        for i in 0..3 {
            for j in 0..3 {
                next[i][j] = (r[i][j] + it[i][j]) / 2.0;
                change = change.max((next[i][j] - r[i][j]).abs());
            }
        }
        r = next;
        if change < 1e-12 {
            break;
        }
    }
    Some(r)
}

/// The similarity from `model` to `observed` (same points, same order): the rotation of the
/// best 3D fit, and the scale that best maps the rotated model onto the observed 2D points.
/// Returns `(rotation, scale, model centroid, observed centroid)`.
pub(crate) fn fit_similarity(model: &[V3], observed: &[V3]) -> Option<(M3, f64, V3, V3)> {
    if model.len() != observed.len() || model.len() < 3 {
        return None;
    }
    let (cm, co) = (centroid(model), centroid(observed));
    let mut covariance = [[0.0; 3]; 3];
    for (m, o) in model.iter().zip(observed) {
        let (m, o) = (sub(*m, cm), sub(*o, co));
        for i in 0..3 {
            for j in 0..3 {
                covariance[i][j] += o[i] * m[j];
            }
        }
    }
    let rotation = nearest_rotation(&covariance)?;
    let (mut cross_sum, mut model_sum) = (0.0, 0.0);
    for (m, o) in model.iter().zip(observed) {
        let rotated = mat_vec(&rotation, sub(*m, cm));
        let o = sub(*o, co);
        cross_sum += rotated[0] * o[0] + rotated[1] * o[1];
        model_sum += rotated[0] * rotated[0] + rotated[1] * rotated[1];
    }
    let scale_2d = cross_sum / model_sum;
    (scale_2d.is_finite() && scale_2d > 0.0).then_some((rotation, scale_2d, cm, co))
}

impl FaceReference {
    /// The reference from upright calibration frames; `None` when too few have a face mesh.
    pub(crate) fn calibrate(poses: &[&Pose], pin: &Pinhole) -> Option<Self> {
        let frames: Vec<(&FaceMesh, [f64; 2], f64)> = poses
            .iter()
            .filter_map(|pose| {
                let face = pose.face.as_ref()?;
                let (mid, width) = shoulders_px(pose)?;
                Some((face, mid, width))
            })
            .collect();
        if frames.len() < MIN_FACE_FRAMES {
            return None;
        }
        let count = frames[0].0.points.len();
        if count <= face_point::LEFT_CHEEK_EDGE || frames.iter().any(|f| f.0.points.len() != count)
        {
            return None;
        }
        let n = frames.len() as f64;
        let mut mesh = vec![[0.0; 3]; count];
        for (face, _, _) in &frames {
            for (sum, point) in mesh.iter_mut().zip(&face.points) {
                let p = as_v3(*point);
                for k in 0..3 {
                    sum[k] += p[k] / n;
                }
            }
        }
        let shoulder_width_px = frames.iter().map(|f| f.2).sum::<f64>() / n;
        let shoulder_mid_px = [
            frames.iter().map(|f| f.1[0]).sum::<f64>() / n,
            frames.iter().map(|f| f.1[1]).sum::<f64>() / n,
        ];
        let (right, left) = (
            mesh[face_point::RIGHT_CHEEK_EDGE],
            mesh[face_point::LEFT_CHEEK_EDGE],
        );
        let lateral = normalize(sub(left, right))?;
        let face_up = normalize(sub(mesh[face_point::FOREHEAD], mesh[face_point::CHIN]))?;
        let forward = normalize(cross(lateral, face_up))?;
        let up = normalize(cross(forward, lateral))?;
        let face_width_px = super::math::norm(sub(left, right));
        let head_depth_m = pin.f * TYPICAL_FACE_WIDTH_M / face_width_px;
        let cheeks = scale(
            [left[0] + right[0], left[1] + right[1], left[2] + right[2]],
            0.5,
        );
        let pivot = sub(
            cheeks,
            scale(forward, PIVOT_BEHIND_CHEEKS_M * pin.f / head_depth_m),
        );
        let shoulder_depth_m = head_depth_m + SHOULDERS_BEHIND_HEAD_M;
        let head = pin.backproject(pivot[0], pivot[1], head_depth_m);
        let shoulders = pin.backproject(shoulder_mid_px[0], shoulder_mid_px[1], shoulder_depth_m);
        let face_centre = centroid(&mesh);
        let face = pin.backproject(face_centre[0], face_centre[1], head_depth_m);
        let to_camera = scale(face, -1.0);
        let camera_below_eyes_deg = dot(to_camera, scale(up, -1.0))
            .atan2(dot(to_camera, forward))
            .to_degrees()
            + UPRIGHT_FACE_AXIS_BELOW_HORIZONTAL_DEG;
        let reference = Self {
            camera_distance_m: super::math::norm(face),
            camera_below_eyes_deg,
            mesh,
            pivot,
            head_depth_m,
            shoulder_depth_m,
            shoulder_width_px,
            shoulder_mid_px,
            neck_vector_m: sub(head, shoulders),
            forward,
            up,
        };
        (head_depth_m.is_finite() && head_depth_m > 0.0).then_some(reference)
    }

    /// The face's reading of one frame, or `None` without a usable mesh or shoulders.
    pub(crate) fn read(&self, pose: &Pose, pin: &Pinhole) -> Option<FaceReading> {
        let face = pose.face.as_ref()?;
        if face.points.len() != self.mesh.len() {
            return None;
        }
        let (shoulder_mid, shoulder_width) = shoulders_px(pose)?;
        let observed: Vec<V3> = face.points.iter().map(|p| as_v3(*p)).collect();
        let (rotation, head_scale, model_centre, observed_centre) =
            fit_similarity(&self.mesh, &observed)?;
        let pivot = mat_vec(&rotation, sub(self.pivot, model_centre));
        let pivot_px = [
            observed_centre[0] + head_scale * pivot[0],
            observed_centre[1] + head_scale * pivot[1],
        ];
        let head_depth = self.head_depth_m / head_scale;
        let head = pin.backproject(pivot_px[0], pivot_px[1], head_depth);

        let shoulder_scale = shoulder_width / self.shoulder_width_px;
        let head_change = head_depth - self.head_depth_m;
        let width_change = self.shoulder_depth_m / shoulder_scale - self.shoulder_depth_m;
        let shoulder_change = (width_change.signum()
            * (width_change.abs() - SHOULDER_DEPTH_DEADBAND_M).max(0.0))
        .clamp(head_change.min(0.0), head_change.max(0.0));
        let shoulders = pin.backproject(
            shoulder_mid[0],
            shoulder_mid[1],
            self.shoulder_depth_m + shoulder_change,
        );

        let change = sub(sub(head, shoulders), self.neck_vector_m);
        let (forward_change, up_change) = (dot(change, self.forward), dot(change, self.up));
        let neck = NECK_LENGTH_FACE_WIDTHS * TYPICAL_FACE_WIDTH_M;
        let upright = UPRIGHT_CVA_DEG.to_radians();
        let cva = (neck * upright.sin() + up_change).atan2(neck * upright.cos() + forward_change);
        let forward_head_change_deg = UPRIGHT_CVA_DEG - cva.to_degrees();

        // The head's rotation in the calibrated body frame: pitch about the lateral axis
        // (+ = face down), yaw about the up axis (+ = towards the person's left).
        let lateral = cross(self.up, self.forward);
        let axes: M3 = [lateral, self.up, self.forward];
        let body = super::math::mat_mul(&super::math::mat_mul(&axes, &rotation), &transpose(&axes));
        let pitch_change_deg = (-body[1][2]).atan2(body[2][2]).to_degrees();
        let yaw_change_deg = body[0][2].clamp(-1.0, 1.0).asin().to_degrees();
        let reading = FaceReading {
            forward_head_change_deg,
            pitch_change_deg,
            yaw_change_deg,
            head_scale,
            shoulder_scale,
            presence: f64::from(face.presence),
        };
        reading
            .forward_head_change_deg
            .is_finite()
            .then_some(reading)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::math::{rot_x, rot_y};

    fn sample_model() -> Vec<V3> {
        (0..40)
            .map(|i| {
                let t = f64::from(i);
                [
                    (t * 0.7).sin() * 60.0,
                    (t * 1.3).cos() * 80.0,
                    (t * 0.4).sin() * 30.0,
                ]
            })
            .collect()
    }

    #[test]
    fn nearest_rotation_of_a_scaled_rotation_is_the_rotation() {
        let r = mat_mul3(&rot_y(0.4), &rot_x(-0.2));
        let scaled = r.map(|row| row.map(|v| v * 2.5));
        let back = nearest_rotation(&scaled).expect("a rotation");
        for i in 0..3 {
            for j in 0..3 {
                assert!((back[i][j] - r[i][j]).abs() < 1e-9, "{back:?} vs {r:?}");
            }
        }
        let reflection = [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert!(nearest_rotation(&reflection).is_none());
    }

    fn mat_mul3(a: &M3, b: &M3) -> M3 {
        crate::geometry::math::mat_mul(a, b)
    }

    #[test]
    fn similarity_recovers_rotation_and_2d_scale() {
        let model = sample_model();
        let r = rot_y(0.5);
        // The observed mesh: rotated, scaled 1.2 in x and y, its depth squashed (as the mesh
        // model's depth is): the 2D scale must still come out as 1.2.
        let observed: Vec<V3> = model
            .iter()
            .map(|p| {
                let q = mat_vec(&r, *p);
                [1.2 * q[0] + 300.0, 1.2 * q[1] + 200.0, 0.9 * q[2]]
            })
            .collect();
        let (rotation, s, _, centre) = fit_similarity(&model, &observed).expect("a fit");
        assert!((s - 1.2).abs() < 0.03, "scale {s}");
        let expected = centroid(&observed);
        assert!((centre[0] - expected[0]).abs() < 1e-9 && (centre[1] - expected[1]).abs() < 1e-9);
        // The squashed depth biases the rotation's yaw low (0.43 rad for 0.5): the mesh's depth
        // is only trusted for the rotation, never for the size.
        let yaw = rotation[0][2].asin();
        assert!(yaw > 0.35 && yaw < 0.55, "yaw {yaw}");
    }
}
