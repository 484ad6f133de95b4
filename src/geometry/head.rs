//! Head pose from the face landmarks: a rigid 3D head model, recorded at calibration, fitted to
//! the 2D nose, eye, ear and mouth points of a frame through the pinhole camera
//! (Levenberg–Marquardt over yaw, pitch, roll and a 3D translation).
//!
//! Why a fit rather than ratios: the single-ratio proxies move for more than one reason. Ear
//! width shrinks with head yaw (∝ cos yaw) and grows as the head comes forward; the nose drops
//! below the ears both when looking down and when the camera sits lower. Fitting all eleven
//! face points at once separates rotation from distance, so the head's depth (used for forward
//! head) survives a turned head and the pitch (used for `looking_down`) survives a head that
//! moved closer.
//!
//! Assumptions: the face is rigid (talking moves the mouth corners a little; they carry the
//! same weight as other points), the model's depth offsets come from the median of the world
//! landmarks at calibration (BlazePose's learned face depth), and the camera follows the
//! pinhole model of [`super::camera`]. Failure modes: strong profile views (> ≈ 60° yaw) where
//! half the face is guessed, hair or headphones hiding the ears, glasses reflections moving the
//! eye points; the fit then returns a larger residual, which lowers the confidence.

use serde::{Deserialize, Serialize};

use super::camera::Pinhole;
use super::math::{M3, V3, add, mat_vec, rotation_from_angles, solve};

/// One landmark of the calibrated head model: its index and its offset from the ear midpoint
/// in the calibration camera frame (metres, x right, y down, z away from the camera).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadPoint {
    pub landmark: usize,
    pub offset_m: V3,
}

/// One observed landmark: pixel position and a weight (its visibility).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observation {
    pub u: f64,
    pub v: f64,
    pub weight: f64,
}

/// The fitted head pose: `rotation` applied to the model offsets, `ear_mid` the ear midpoint in
/// the camera frame, `rms_px` the weighted RMS reprojection error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HeadFit {
    pub rotation: M3,
    pub angles: [f64; 3],
    pub ear_mid: V3,
    pub rms_px: f64,
    /// Standard deviation of the ear midpoint's depth implied by the fit for a 1-pixel
    /// landmark noise (`sqrt((JᵀWJ)⁻¹)` of the depth parameter), metres per pixel of noise.
    pub depth_sigma_per_px: f64,
}

/// Iterations of Levenberg–Marquardt; the fit starts close (previous baseline pose) and
/// converges in 4–8 steps on synthetic and real poses.
const MAX_ITERATIONS: usize = 30;
/// Finite-difference steps for the numerical Jacobian: radians for angles, metres for position.
const STEP_ANGLE: f64 = 1e-5;
const STEP_POSITION: f64 = 1e-6;

/// Fits the head model to the observations (same order as `model`), starting from `init`
/// (`[yaw, pitch, roll, x, y, z]`, radians and metres). `None` when there are fewer than four
/// usable points or the system is degenerate.
pub(crate) fn fit_head(
    model: &[HeadPoint],
    observations: &[Observation],
    pinhole: &Pinhole,
    init: [f64; 6],
) -> Option<HeadFit> {
    let cleaned: Vec<Observation> = observations
        .iter()
        .map(|o| {
            let ok = o.weight.is_finite() && o.weight > 0.0 && o.u.is_finite() && o.v.is_finite();
            if ok {
                *o
            } else {
                Observation {
                    u: 0.0,
                    v: 0.0,
                    weight: 0.0,
                }
            }
        })
        .collect();
    let observations = cleaned.as_slice();
    let usable = observations.iter().filter(|o| o.weight > 0.0).count();
    if usable < 4 || model.len() != observations.len() || init.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut params = init;
    let mut cost = weighted_cost(model, observations, pinhole, &params)?;
    let mut lambda = 1e-3;
    for _ in 0..MAX_ITERATIONS {
        let (jtj, jtr) = normal_equations(model, observations, pinhole, &params)?;
        let mut a = jtj;
        for (i, row) in a.iter_mut().enumerate() {
            row[i] += lambda * (jtj[i][i] + 1e-9);
        }
        let Some(step) = solve(a, jtr.map(|g| -g)) else {
            lambda *= 10.0;
            continue;
        };
        let candidate: [f64; 6] = std::array::from_fn(|i| params[i] + step[i]);
        match weighted_cost(model, observations, pinhole, &candidate) {
            Some(c) if c < cost => {
                let small = step.iter().all(|s| s.abs() < 1e-7);
                params = candidate;
                cost = c;
                lambda = (lambda / 3.0).max(1e-9);
                if small {
                    break;
                }
            }
            _ => lambda *= 8.0,
        }
        if lambda > 1e8 {
            break;
        }
    }
    let weight_sum: f64 = observations.iter().map(|o| o.weight.max(0.0)).sum();
    let rms_px = (cost / weight_sum.max(1e-9)).sqrt();
    let angles = [params[0], params[1], params[2]];
    let depth_sigma_per_px = normal_equations(model, observations, pinhole, &params)
        .and_then(|(jtj, _)| {
            let mut e = [0.0; 6];
            e[5] = 1.0;
            solve(jtj, e)
        })
        .map_or(f64::INFINITY, |col| col[5].max(0.0).sqrt());
    Some(HeadFit {
        depth_sigma_per_px,
        rotation: rotation_from_angles(angles[0], angles[1], angles[2]),
        angles,
        ear_mid: [params[3], params[4], params[5]],
        rms_px,
    })
}

/// Reprojection residuals (pixels, unweighted) for one parameter vector.
fn residuals(
    model: &[HeadPoint],
    observations: &[Observation],
    pinhole: &Pinhole,
    params: &[f64; 6],
) -> Option<Vec<[f64; 2]>> {
    let rotation = rotation_from_angles(params[0], params[1], params[2]);
    let origin = [params[3], params[4], params[5]];
    model
        .iter()
        .zip(observations)
        .map(|(point, obs)| {
            let p = add(mat_vec(&rotation, point.offset_m), origin);
            let (u, v) = pinhole.project(p)?;
            Some(if obs.weight > 0.0 {
                [u - obs.u, v - obs.v]
            } else {
                [0.0, 0.0]
            })
        })
        .collect()
}

fn weighted_cost(
    model: &[HeadPoint],
    observations: &[Observation],
    pinhole: &Pinhole,
    params: &[f64; 6],
) -> Option<f64> {
    let r = residuals(model, observations, pinhole, params)?;
    let c: f64 = r
        .iter()
        .zip(observations)
        .map(|(e, o)| o.weight.max(0.0) * (e[0] * e[0] + e[1] * e[1]))
        .sum();
    c.is_finite().then_some(c)
}

/// `JᵀWJ` and `JᵀWr` with a forward-difference Jacobian.
fn normal_equations(
    model: &[HeadPoint],
    observations: &[Observation],
    pinhole: &Pinhole,
    params: &[f64; 6],
) -> Option<([[f64; 6]; 6], [f64; 6])> {
    let base = residuals(model, observations, pinhole, params)?;
    let mut columns: Vec<Vec<[f64; 2]>> = Vec::with_capacity(6);
    for k in 0..6 {
        let h = if k < 3 { STEP_ANGLE } else { STEP_POSITION };
        let mut p = *params;
        p[k] += h;
        let r = residuals(model, observations, pinhole, &p)?;
        columns.push(
            r.iter()
                .zip(&base)
                .map(|(a, b)| [(a[0] - b[0]) / h, (a[1] - b[1]) / h])
                .collect(),
        );
    }
    let mut jtj = [[0.0; 6]; 6];
    let mut jtr = [0.0; 6];
    for (i, obs) in observations.iter().enumerate() {
        let w = obs.weight.max(0.0);
        for a in 0..6 {
            for c in 0..2 {
                jtr[a] += w * columns[a][i][c] * base[i][c];
                for b in 0..6 {
                    jtj[a][b] += w * columns[a][i][c] * columns[b][i][c];
                }
            }
        }
    }
    Some((jtj, jtr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::camera::CameraIntrinsics;

    fn model() -> Vec<HeadPoint> {
        let pts: [V3; 7] = [
            [0.0, 0.01, -0.11],
            [0.032, -0.02, -0.085],
            [-0.032, -0.02, -0.085],
            [0.075, 0.0, 0.0],
            [-0.075, 0.0, 0.0],
            [0.025, 0.05, -0.085],
            [-0.025, 0.05, -0.085],
        ];
        pts.iter()
            .enumerate()
            .map(|(i, &o)| HeadPoint {
                landmark: i,
                offset_m: o,
            })
            .collect()
    }

    #[test]
    fn recovers_a_known_pose() {
        let pin = CameraIntrinsics::new(640, 480)
            .with_hfov(65.0)
            .pinhole(640, 480);
        let m = model();
        let truth = [0.3, 0.25, -0.1, 0.02, -0.05, 0.55];
        let rot = rotation_from_angles(truth[0], truth[1], truth[2]);
        let obs: Vec<Observation> = m
            .iter()
            .map(|p| {
                let q = add(mat_vec(&rot, p.offset_m), [truth[3], truth[4], truth[5]]);
                let (u, v) = pin.project(q).unwrap_or((0.0, 0.0));
                Observation { u, v, weight: 1.0 }
            })
            .collect();
        let fit = fit_head(&m, &obs, &pin, [0.0, 0.0, 0.0, 0.0, 0.0, 0.6]);
        let fit = fit.unwrap_or_else(|| panic!("fit failed"));
        for (a, b) in fit.angles.iter().zip(&truth[..3]) {
            assert!((a - b).abs() < 1e-4, "{:?}", fit.angles);
        }
        assert!((fit.ear_mid[2] - 0.55).abs() < 1e-4);
        assert!(fit.rms_px < 1e-3);
    }

    #[test]
    fn too_few_points_is_none() {
        let pin = CameraIntrinsics::new(640, 480).pinhole(640, 480);
        let m = model();
        let obs = vec![
            Observation {
                u: f64::NAN,
                v: 0.0,
                weight: 1.0
            };
            m.len()
        ];
        assert!(fit_head(&m, &obs, &pin, [0.0, 0.0, 0.0, 0.0, 0.0, 0.6]).is_none());
    }
}
