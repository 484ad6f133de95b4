//! Per-frame posture metrics: pure functions of one [`Pose`] (plus the camera and, when there is
//! one, the calibrated [`Baseline`]). No clock, no I/O.
//!
//! Every metric is an `Option<f32>` (None when the landmarks it needs are missing, degenerate or
//! not meaningful in this view) with a confidence in `[0, 1]`.
//!
//! # Frames of reference
//! Camera frame: x right, y down, z away from the camera, metres in the scale of BlazePose's
//! world landmarks. The *body frame* is built from the shoulders: `lateral` points from the right
//! to the left shoulder (world landmarks), `up` is the camera's up direction made perpendicular to
//! it, `forward = lateral × up` (towards the camera in a front view). Sagittal angles are measured
//! in the `up`/`forward` plane. With a baseline the body frame is the one recorded at
//! calibration, so later changes are measured against the user's own upright posture.
//!
//! # Forward head (`forward_head_deg`)
//! The sagittal angle of the shoulder-midpoint → ear-midpoint vector `v = E − S` from vertical:
//! `θ = atan2(v·forward, v·up)`; 0 = ears straight over the shoulders, positive = head forward.
//! - *Side view*: read directly from the 2D near-side ear and shoulder,
//!   `θ = atan2(facing·(E_x − S_x), S_y − E_y)` (a CVA-like proxy; BlazePose's shoulder point
//!   sits in front of C7, so it reads differently from the clinical CVA: compare with the
//!   baseline, not with population cut-offs).
//! - *Front view, calibrated*: `E` and `S` are reconstructed in 3D. The head's position comes
//!   from fitting the calibrated 3D head model to the face landmarks ([`super::head`]), which
//!   gives the ear midpoint's depth from the head's apparent size independent of head yaw and
//!   pitch. The shoulders' depth combines three cues by inverse variance: (a) shoulder width
//!   `Z_S = f·W·cos φ / sw` with `W` the calibrated width and `φ` the rounded-shoulder estimate;
//!   (b) world landmarks `Z_S = Z_E + (z_S − z_E)_world`; (c) image z, scaled to metres with the
//!   shoulders' pixels per metre. Each cue's frame noise is measured on the calibration frames
//!   ([`CueNoise`]); (b) and (c) add a person-specific depth-scale error on the change since
//!   calibration, (a) the uncertainty of `cos φ` and of the head fit's depth once the head has
//!   turned (see `front_raw`). `S` is then back-projected, and
//!   `θ = θ_baseline + (θ_cam − θ_cam,baseline)`. The neck-height ratio `(S_y − E_y)/sw` enters
//!   through the vertical component of `v`; head-vs-shoulder size through (a); ear-vs-shoulder
//!   depth through (b) and (c). Because the camera's height and pitch are constant between
//!   calibration and now, they cancel in the difference (this is the calibration correcting for
//!   them); the perspective of a low camera is handled by the back-projection itself.
//! - *Front view, uncalibrated*: from the world landmarks only, in the camera's axes; it includes
//!   the camera's pitch, so the absolute number is only indicative (confidence halved).
//!
//! Failure modes: hair, hoods or headphones over the ears; the far ear guessed in a strongly
//! turned head; a wrong field of view scales the calibrated change by about the focal-length
//! ratio; BlazePose's depth (image z, world z) has person-specific biases, which is why it is
//! combined with the 2D size cue rather than used alone.
//!
//! # Rounded shoulders (`rounded_shoulder_deg`)
//! Side view only: `None` in a front view, where no cue was found that follows the shoulders'
//! protraction with one sign for every person (docs/geometry.md, measured on rendered people).
//! Protraction as the forward swing of the half shoulder line about the body's midline:
//! `φ = asin(Δd / r)`, with `Δd` the forward movement of the shoulder midpoint relative to the
//! hips since calibration (world landmarks and image z, weighted by their calibrated noise) and
//! `r` half the calibrated 3D shoulder width. 0 = the baseline's shoulder line, positive =
//! rounded forward. Needs a baseline (None without one). Failure modes: the hips are usually
//! out of a laptop camera's frame and BlazePose guesses them; leaning the trunk forward from the
//! hips reads as rounding and leaning back as retraction (negative), since nothing on the upper
//! body separates the two; BlazePose's person-specific depth scale scales `Δd` (front view) or
//! `r` (side view) and so the angle (≈ ±2° at 20° for a 10 % scale error).
//!
//! # The other metrics
//! - `head_pitch_deg` (looking down positive): calibrated front view = baseline + the pitch of
//!   the head fit's rotation since calibration about the body's lateral axis; side view = angle
//!   of the ear→nose line below the facing direction; uncalibrated front view = the same angle
//!   from world landmarks. Absolute values subtract [`NEUTRAL_NOSE_DROP_DEG`], a typical face.
//! - `head_yaw_deg`: head turn relative to the shoulders, positive towards the person's left.
//! - `head_roll_deg`, `shoulder_roll_deg`: tilt of the ear / shoulder line in the image,
//!   positive when the person's left side is lower (front view only; camera roll adds to both).
//! - `lateral_offset`: `(E − S)` along the shoulder line divided by the shoulder width, positive
//!   towards the person's left (front view only).
//! - `shoulder_elevation`: ear–shoulder distance divided by shoulder width (3D when calibrated
//!   in a front view, else 2D; side view: divided by the ear–nose distance). Shrugging lowers
//!   it; forward head rotates `v` but keeps its 3D length, so it moves the calibrated value only
//!   a little.
//! - `screen_distance_cm`: `f·IPD·cos(yaw) / eye_px` with `IPD` = [`TYPICAL_IPD_CM`]; only when
//!   the field of view is known. Individual eye spacing varies by about ±8 %.
//! - `subject_x`, `subject_y`, `subject_size`: where the shoulders are in the frame (fractions
//!   of the frame) and how big (shoulder width / frame width in front, ear–shoulder distance /
//!   frame height from the side): the cue for a moved chair or camera.

use crate::pose::{Pose, landmark};

use super::baseline::{Baseline, Reference};
use super::camera::{CameraIntrinsics, Pinhole};
use super::frame_metrics::{BodyFrame, CueNoise, Metrics, View, detect_view};
use super::head::{HeadFit, HeadPoint, Observation, fit_head};
use super::landmarks::{
    P2, dist2, ear_mid_px, ear_width_px, image_z, mid2, min_vis, px, shoulder_mid_px,
    shoulder_width_px, vis, world, world_mid,
};
use super::math::{V3, dot, mat_mul, mat_vec, norm, scale, sub, transpose};

/// Forward-head confidence while a hand is above the shoulders (below the judging threshold:
/// such frames read `low_confidence`).
pub const ARMS_RAISED_CONFIDENCE: f64 = 0.25;

/// The ear→nose line of a typical face points about this far below the horizontal when the head
/// is level (tragus to nose tip in adult anthropometry: ≈ 11 cm forward, ≈ 1.5–2.5 cm down).
/// Only absolute head pitch uses it; deviations from a baseline do not.
pub const NEUTRAL_NOSE_DROP_DEG: f64 = 10.0;
/// Mean adult interpupillary distance (≈ 63 mm, range ≈ 54–74 mm), in centimetres.
pub const TYPICAL_IPD_CM: f64 = 6.3;
/// Typical frame-to-frame jitter of BlazePose 2D landmarks on a 640×480 frame, pixels (1σ).
/// Sets the weight of the 2D size cue against the depth cues.
pub const SIGMA_2D_PX: f64 = 1.5;
/// Typical noise of one BlazePose world landmark coordinate, metres (1σ, ≈ 1–2 cm).
pub const SIGMA_WORLD_M: f64 = 0.015;
/// Typical noise of BlazePose image z converted to metres (1σ): image z is the least reliable
/// depth cue (≈ 10–20 % of its range, and person-specific biases).
pub const SIGMA_IMAGE_Z_M: f64 = 0.04;
/// Person-specific scale error of BlazePose's world-landmark depth (1σ, relative): depth
/// differences read ≈ 10 % long or short for some people.
pub const WORLD_DEPTH_SCALE_ERROR: f64 = 0.10;
/// The same for image z, which is less consistent between people (≈ 20 %).
pub const IMAGE_Z_SCALE_ERROR: f64 = 0.20;
/// Largest rounded-shoulder angle used to correct the shoulder-width depth cue, degrees.
pub const MAX_WIDTH_CORRECTION_DEG: f64 = 30.0;
/// Person-specific bias allowed between the depth cues before confidence drops, metres:
/// BlazePose's depth is off by ≈ 10 % for some people, ≈ 1 cm over a forward-head change.
pub const DEPTH_BIAS_ALLOWANCE_M: f64 = 0.01;
/// Minimum visibility × presence for a landmark to count as seen.
pub const MIN_LANDMARK_VISIBILITY: f64 = 0.3;
/// Measures one pose. With a baseline of the same view the metrics are calibrated (front-view
/// forward head and all of rounded shoulders need it); otherwise they are uncalibrated.
pub fn measure(pose: &Pose, camera: &CameraIntrinsics, baseline: Option<&Baseline>) -> Metrics {
    let view = detect_view(pose);
    let reference = baseline
        .map(|b| &b.reference)
        .filter(|r| r.view == view && r.is_usable());
    let pin = camera.pinhole(pose.image_width, pose.image_height);
    let mut m = match view {
        View::Front => measure_front(pose, &pin, reference),
        View::Side => measure_side(pose, &pin, reference),
    };
    m.view = view;
    m.calibrated = reference.is_some();
    if view == View::Front && camera.hfov_known() {
        let yaw = m.head_yaw_deg.map_or(0.0, |y| f64::from(y).to_radians());
        if let Some((d, c)) = screen_distance_cm(pose, &pin, yaw) {
            m.screen_distance_cm = Some(d as f32);
            m.screen_distance_confidence = c as f32;
        }
    }
    m
}

// ---------------------------------------------------------------------------------------------
// Front view.

/// Raw front-view quantities of one frame against a (possibly partial) reference. Calibration
/// computes the same quantities on its frames and stores their medians.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FrontRaw {
    /// Camera/body-frame sagittal angle of `E − S` from the 3D reconstruction, degrees.
    pub neck_angle_deg: Option<f64>,
    /// `|E − S|` in metres (world-landmark scale).
    pub neck_length_m: Option<f64>,
    /// Confidence from cue agreement and the head fit.
    pub neck_quality: f64,
    /// Forward offset of the shoulder midpoint from the hip midpoint, metres.
    pub shoulder_forward_m: Option<f64>,
    /// Head fit result.
    pub head: Option<HeadFit>,
    /// Width-based shoulder depth (before the calibrated bias) and world-based shoulder depth.
    pub shoulder_depth_width_m: Option<f64>,
    pub shoulder_depth_world_m: Option<f64>,
    /// Shoulder-minus-ear depth from the world landmarks and from image z, metres.
    pub neck_depth_world_m: Option<f64>,
    pub neck_depth_image_z_m: Option<f64>,
    /// Shoulder-minus-ear depth from the width cue (before the calibrated bias) and the noise
    /// predicted for it from pixel noise and the head fit, metres.
    pub neck_depth_width_m: Option<f64>,
    pub width_sigma_predicted_m: Option<f64>,
}

/// The observations of the head-model landmarks, weighted by visibility.
fn head_observations(pose: &Pose, model: &[HeadPoint]) -> Vec<Observation> {
    model
        .iter()
        .map(|p| match px(pose, p.landmark) {
            Some((u, v)) => Observation {
                u,
                v,
                weight: vis(pose, p.landmark),
            },
            None => Observation {
                u: 0.0,
                v: 0.0,
                weight: 0.0,
            },
        })
        .collect()
}

/// Fit the calibrated head model to this frame, starting from the baseline head pose scaled by
/// the ear width.
pub(crate) fn fit_frame_head(pose: &Pose, pin: &Pinhole, r: &Reference) -> Option<HeadFit> {
    let e = ear_mid_px(pose)?;
    let ew = ear_width_px(pose)?;
    let z0 = r.ear_depth_m * r.ear_width_px / ew;
    let init_pos = pin.backproject(e.0, e.1, z0);
    let [y, p, ro] = r.head_angles;
    let obs = head_observations(pose, &r.head_model);
    fit_head(
        &r.head_model,
        &obs,
        pin,
        [y, p, ro, init_pos[0], init_pos[1], init_pos[2]],
    )
}

/// The shoulder midpoint's offset from the hip midpoint in the world landmarks (metres,
/// camera axes).
fn shoulder_hip_world(pose: &Pose) -> Option<V3> {
    use landmark::{LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER};
    Some(sub(
        world_mid(pose, LEFT_SHOULDER, RIGHT_SHOULDER)?,
        world_mid(pose, LEFT_HIP, RIGHT_HIP)?,
    ))
}

/// The depth of that offset from image z (pixels → metres with the body's metres per pixel).
fn shoulder_hip_image_z_m(pose: &Pose) -> Option<f64> {
    use landmark::{LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER};
    let zs = (image_z(pose, LEFT_SHOULDER)? + image_z(pose, RIGHT_SHOULDER)?) / 2.0;
    let zh = (image_z(pose, LEFT_HIP)? + image_z(pose, RIGHT_HIP)?) / 2.0;
    let dz = (zs - zh) * metres_per_px(pose)?;
    dz.is_finite().then_some(dz)
}

/// The two depth readings of the shoulder midpoint's offset from the hip midpoint (metres,
/// camera z): world landmarks and image z.
pub(crate) fn shoulder_forward_depths(pose: &Pose) -> (Option<f64>, Option<f64>) {
    (
        shoulder_hip_world(pose).map(|rel| rel[2]),
        shoulder_hip_image_z_m(pose),
    )
}

/// Forward offset (metres) of the shoulder midpoint from the hip midpoint along the reference
/// forward axis. The in-image components come from the world landmarks; the depth component
/// combines the world and image-z readings by inverse variance, with the noise levels measured
/// at calibration when there are some (`noise`), else the typical ones.
pub(crate) fn shoulder_forward_m(
    pose: &Pose,
    frame: &BodyFrame,
    noise: Option<&CueNoise>,
) -> Option<f64> {
    let mut rel = shoulder_hip_world(pose)?;
    let (sigma_world, sigma_image) = noise.map_or((SIGMA_WORLD_M, SIGMA_IMAGE_Z_M), |n| {
        (n.forward_world_m, n.forward_image_z_m)
    });
    if let Some(dz) = shoulder_hip_image_z_m(pose) {
        rel[2] = inverse_variance(&[(rel[2], sigma_world), (dz, sigma_image)]);
    }
    Some(dot(rel, frame.forward))
}

/// Metres per pixel at the person's distance, from the longest of the shoulder span and the
/// ear–shoulder span (world length across the image plane over 2D length).
pub(crate) fn metres_per_px(pose: &Pose) -> Option<f64> {
    use landmark::{LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER};
    let spans = [
        (LEFT_SHOULDER, RIGHT_SHOULDER),
        (LEFT_EAR, LEFT_SHOULDER),
        (RIGHT_EAR, RIGHT_SHOULDER),
    ];
    let (len_px, w) = spans
        .iter()
        .filter_map(|&(a, b)| {
            let d = dist2(px(pose, a)?, px(pose, b)?);
            let w = sub(world(pose, a)?, world(pose, b)?);
            Some((d, w[0].hypot(w[1])))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    (len_px > 1.0 && w > 1e-4).then(|| w / len_px)
}

/// Rounded-shoulder angle from the forward shoulder offset against the reference, degrees.
fn rounded_deg(forward_m: f64, r: &Reference) -> Option<f64> {
    let half = r.half_shoulder_width_m;
    if half.is_nan() || half <= 0.01 {
        return None;
    }
    let a = ((forward_m - r.shoulder_forward_m) / half).clamp(-1.0, 1.0);
    Some(a.asin().to_degrees())
}

/// Noise (1σ) of one frame's forward shoulder offset: the world-landmark and image-z cues
/// combined as in [`shoulder_forward_m`], metres.
fn shoulder_forward_sigma_m(noise: Option<&CueNoise>) -> f64 {
    let (world, image) = noise.map_or((SIGMA_WORLD_M, SIGMA_IMAGE_Z_M), |n| {
        (n.forward_world_m, n.forward_image_z_m)
    });
    (1.0 / (world.powi(-2) + image.powi(-2))).sqrt()
}

/// The factor `cos φ` by which rounding narrows the shoulder line, from one frame's noisy
/// rounded-shoulder estimate `φ̂` (degrees).
///
/// `cos` is flat at 0 and one frame's `φ̂` scatters by several degrees, so `cos φ̂` is biased
/// low: `E[cos φ̂] = cos φ · exp(−σ²/2)`. At 90 cm every 0.5 % of narrowing puts the shoulders
/// ≈ 0.45 cm too close, which this cue turns into ≈ 2° *less* forward head. The estimate is
/// therefore divided by `exp(−σ²/2)` (σ the per-frame noise of `φ̂` in radians) and capped at 1.
/// Negative readings (usually the trunk leaning back, which does not narrow the shoulders) and
/// missing ones give 1; readings beyond [`MAX_WIDTH_CORRECTION_DEG`] are capped there.
///
/// Returns `(cos φ, its 1σ)`: `sin φ` times the uncertainty of `φ̂`, which is the frame noise
/// plus the depth cues' person-specific scale error ([`WORLD_DEPTH_SCALE_ERROR`] of `φ`). With
/// rounded shoulders this makes the width cue give way to the depth cues.
fn width_narrowing(phi_deg: Option<f64>, r: &Reference) -> (f64, f64) {
    let Some(phi) = phi_deg.filter(|p| p.is_finite() && *p > 0.0) else {
        return (1.0, 0.0);
    };
    let half = r.half_shoulder_width_m.max(0.05);
    let sigma = (shoulder_forward_sigma_m(r.cue_noise.as_ref()) / half).min(0.5);
    let phi = phi.min(MAX_WIDTH_CORRECTION_DEG).to_radians();
    let narrowing = (phi.cos() * (sigma * sigma / 2.0).exp()).min(1.0);
    let phi_sigma = sigma.hypot(WORLD_DEPTH_SCALE_ERROR * phi);
    (narrowing, phi.sin() * phi_sigma)
}

/// The 1σ error of a BlazePose depth cue for the shoulder-minus-ear depth `depth_m`: its
/// frame noise, plus its person-specific scale error applied to the change since calibration
/// (`calibrated_m`; no scale term without it). The width cue has no such scale error, so as the
/// neck moves further from its calibrated depth the estimate leans on the width cue instead of
/// inheriting the depth cues' scale error in full.
fn depth_cue_sigma(noise_m: f64, scale_error: f64, depth_m: f64, calibrated_m: Option<f64>) -> f64 {
    let change = calibrated_m.map_or(0.0, |c| depth_m - c);
    noise_m.hypot(scale_error * change)
}

/// The angle of the head's rotation since calibration (any axis), radians in `[0, π]`.
fn head_turn_since_calibration(head: &HeadFit, r: &Reference) -> f64 {
    let [y, p, ro] = r.head_angles;
    let rel = mat_mul(
        &head.rotation,
        &transpose(&super::math::rotation_from_angles(y, p, ro)),
    );
    let trace = rel[0][0] + rel[1][1] + rel[2][2];
    ((trace - 1.0) / 2.0).clamp(-1.0, 1.0).acos()
}

/// Weighted mean of `(value, sigma)` pairs by inverse variance.
fn inverse_variance(cues: &[(f64, f64)]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for &(v, s) in cues {
        if v.is_finite() && s.is_finite() && s > 0.0 {
            let w = 1.0 / (s * s);
            num += w * v;
            den += w;
        }
    }
    if den > 0.0 { num / den } else { f64::NAN }
}

/// Depth of the midpoint of a known 3D segment (camera axes, metres) seen centred at pixel
/// `centre` with projected length `length_px`: the perspective version of `Z = f·W / w`, which
/// stays right when the segment is turned against the camera and seen off-centre (a yawed
/// camera and a person who moved sideways). Fixed-point iteration on `Z ← Z·len(Z)/length_px`.
pub(crate) fn segment_depth(pin: &Pinhole, centre: P2, segment: V3, length_px: f64) -> Option<f64> {
    let across = segment[0].hypot(segment[1]);
    if !(length_px > 1.0 && across > 1e-4) {
        return None;
    }
    let half = scale(segment, 0.5);
    let mut z = pin.f * across / length_px;
    for _ in 0..12 {
        let c = pin.backproject(centre.0, centre.1, z);
        let a = pin.project(super::math::add(c, half))?;
        let b = pin.project(sub(c, half))?;
        let len = dist2(a, b);
        if len.is_nan() || len <= 1e-6 {
            return None;
        }
        let next = z * len / length_px;
        if (next - z).abs() < 1e-7 {
            z = next;
            break;
        }
        z = next;
    }
    (z.is_finite() && z > 0.0).then_some(z)
}

/// All raw front-view quantities of a frame against the reference.
pub(crate) fn front_raw(pose: &Pose, pin: &Pinhole, r: &Reference) -> FrontRaw {
    use landmark::{LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER};
    let frame = &r.body;
    let mut out = FrontRaw {
        shoulder_forward_m: shoulder_forward_m(pose, frame, r.cue_noise.as_ref()),
        head: fit_frame_head(pose, pin, r),
        ..FrontRaw::default()
    };
    // Only forward rounding narrows the shoulders in this model; a negative reading usually
    // means the trunk leaned back, which does not change the width. Capped to keep a wrong
    // rounding estimate from dominating the width cue.
    let (narrowing, narrowing_sigma) =
        width_narrowing(out.shoulder_forward_m.and_then(|d| rounded_deg(d, r)), r);
    let (Some(head), Some(s_px), Some(sw), Some(ew)) = (
        out.head,
        shoulder_mid_px(pose),
        shoulder_width_px(pose),
        ear_width_px(pose),
    ) else {
        return out;
    };
    let z_e = head.ear_mid[2];
    // (a) Shoulder depth from the shoulder width (protraction narrows it by cos φ).
    let segment = scale(r.shoulder_vector_m, narrowing);
    let Some(z_a_raw) = segment_depth(pin, s_px, segment, sw) else {
        return out;
    };
    let z_a = z_a_raw + r.shoulder_depth_bias_m;
    // Its noise: the width's two endpoints, and the head fit's depth uncertainty (from the fit's
    // covariance; the ear width alone bounds it when the covariance is unavailable).
    let sigma_e = if head.depth_sigma_per_px.is_finite() {
        head.depth_sigma_per_px * SIGMA_2D_PX
    } else {
        z_e * SIGMA_2D_PX / ew
    };
    // The calibration's measured spread rescales that prediction. Then two model errors. The
    // rigid head's depth offsets come from the world landmarks and inherit their scale error
    // ε: a head turned by ψ is then fitted as turned by ψ' with tan ψ' = tan ψ / (1 + ε), and
    // placed closer or further by the factor cos ψ' / cos ψ ≈ 1 − ε·sin²ψ to keep the ears'
    // spacing (on the synthetic body: 2 cm at 93 cm for a 25° turn and ε = −10 %). Only this
    // cue carries the head's depth error into the neck vector (the depth cues are offsets from
    // it), so it gives way while the head is turned or pitched. And the rounding correction:
    // the width cue is only as good as `cos φ`.
    let predicted = (z_a * std::f64::consts::SQRT_2 * SIGMA_2D_PX / sw).hypot(sigma_e);
    out.neck_depth_width_m = Some(z_a_raw - z_e);
    out.width_sigma_predicted_m = Some(predicted);
    let measured = predicted * r.cue_noise.map_or(1.0, |n| n.width_ratio);
    let head_model_error =
        z_e * WORLD_DEPTH_SCALE_ERROR * head_turn_since_calibration(&head, r).sin().powi(2);
    let sigma_a = measured
        .hypot(head_model_error)
        .hypot(z_a * narrowing_sigma / narrowing);
    // (b) World landmarks: ear-vs-shoulder depth.
    let d_b = (|| {
        let ws = world_mid(pose, LEFT_SHOULDER, RIGHT_SHOULDER)?;
        let we = world_mid(pose, LEFT_EAR, RIGHT_EAR)?;
        Some(ws[2] - we[2])
    })();
    // (c) Image z, pixels → metres with the shoulders' scale.
    let d_c = (|| {
        let zs = (image_z(pose, LEFT_SHOULDER)? + image_z(pose, RIGHT_SHOULDER)?) / 2.0;
        let ze = (image_z(pose, LEFT_EAR)? + image_z(pose, RIGHT_EAR)?) / 2.0;
        Some((zs - ze) * r.shoulder_width_xy_m / sw)
    })();
    let z_b = d_b.map(|d| z_e + d);
    out.shoulder_depth_width_m = Some(z_a_raw);
    out.shoulder_depth_world_m = z_b;
    out.neck_depth_world_m = d_b;
    out.neck_depth_image_z_m = d_c;
    // Each depth cue's noise plus its scale error on the change since calibration.
    let (noise_b, noise_c) = r.cue_noise.map_or((SIGMA_WORLD_M, SIGMA_IMAGE_Z_M), |n| {
        (n.neck_world_m, n.neck_image_z_m)
    });
    let sigma_b = d_b.map_or(noise_b, |d| {
        depth_cue_sigma(noise_b, WORLD_DEPTH_SCALE_ERROR, d, r.neck_depth_world_m)
    });
    let mut cues = vec![(z_a, sigma_a)];
    if let Some(b) = z_b {
        cues.push((b, sigma_b));
    }
    if let Some(d) = d_c {
        let sigma_c = depth_cue_sigma(noise_c, IMAGE_Z_SCALE_ERROR, d, r.neck_depth_image_z_m);
        cues.push((z_e + d, sigma_c));
    }
    let z_s = inverse_variance(&cues);
    if !(z_s.is_finite() && z_s > 0.05) {
        return out;
    }
    let s3 = pin.backproject(s_px.0, s_px.1, z_s);
    let v = sub(head.ear_mid, s3);
    // Agreement of the two main cues, in units of their combined sigma.
    let disagreement = z_b.map_or(0.0, |b| {
        let sys = DEPTH_BIAS_ALLOWANCE_M;
        (z_a - b).abs() / (sigma_a * sigma_a + sigma_b * sigma_b + sys * sys).sqrt()
    });
    let agreement = 1.0 / (1.0 + (disagreement / 3.0).powi(2));
    let fit_quality = head_fit_quality(head.rms_px, pose);
    out.neck_angle_deg = Some(frame.sagittal_deg(v));
    out.neck_length_m = Some(norm(v));
    out.neck_quality = agreement * fit_quality;
    out
}

/// RMS misfit of the rigid head model, as a fraction of the ear-to-ear width, at which the
/// fit's quality halves. BlazePose's world landmarks are not an exact 3D version of its image
/// landmarks, so a rigid head built from them misses even its own calibration frame: by 17 px
/// on the 146 px-wide head of the real portrait fixture (12 %), by 15–17 px on the real video.
/// A fixed pixel tolerance (4 σ of synthetic noise) rated every real frame below 0.15; judged
/// relative to the head's size, a normal fit keeps a high quality and a gross misfit (a third of
/// the head) still drops it below 0.2.
pub const HEAD_FIT_TOLERANCE: f64 = 0.15;

/// Quality in (0, 1] of a head fit with RMS residual `rms_px` on this pose.
fn head_fit_quality(rms_px: f64, pose: &Pose) -> f64 {
    use landmark::{LEFT_EAR, RIGHT_EAR};
    let head_width_px = (|| Some(dist2(px(pose, LEFT_EAR)?, px(pose, RIGHT_EAR)?)))()
        .unwrap_or(0.0)
        .max(4.0 * SIGMA_2D_PX / HEAD_FIT_TOLERANCE);
    1.0 / (1.0 + (rms_px / (HEAD_FIT_TOLERANCE * head_width_px)).powi(2))
}

/// Head rotation since calibration, in the body frame: `(yaw, pitch, roll)` degrees.
pub(crate) fn head_rotation_deg(head: &HeadFit, r: &Reference) -> (f64, f64, f64) {
    let [y, p, ro] = r.head_angles;
    let r0 = super::math::rotation_from_angles(y, p, ro);
    let rel = mat_mul(&head.rotation, &transpose(&r0));
    let b = &r.body;
    let lat = mat_vec(&rel, b.lateral);
    let fwd = mat_vec(&rel, b.forward);
    let yaw = (-dot(lat, b.forward))
        .atan2(dot(lat, b.lateral))
        .to_degrees();
    let pitch = b.below_horizontal_deg(fwd);
    let roll = (-dot(lat, b.up)).atan2(dot(lat, b.lateral)).to_degrees();
    (yaw, pitch, roll)
}

/// Uncalibrated front-view forward head from world landmarks, in the frame of this pose's own
/// shoulders (includes the camera's pitch).
pub(crate) fn world_forward_head_deg(pose: &Pose, frame: &BodyFrame) -> Option<f64> {
    use landmark::{LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER};
    let v = sub(
        world_mid(pose, LEFT_EAR, RIGHT_EAR)?,
        world_mid(pose, LEFT_SHOULDER, RIGHT_SHOULDER)?,
    );
    Some(frame.sagittal_deg(v))
}

/// Uncalibrated head pitch from world landmarks (ear midpoint → nose below horizontal, minus
/// the typical neutral drop).
pub(crate) fn world_head_pitch_deg(pose: &Pose, frame: &BodyFrame) -> Option<f64> {
    let n = sub(
        world(pose, landmark::NOSE)?,
        world_mid(pose, landmark::LEFT_EAR, landmark::RIGHT_EAR)?,
    );
    Some(frame.below_horizontal_deg(n) - NEUTRAL_NOSE_DROP_DEG)
}

/// Head yaw relative to the shoulders from world landmarks, degrees (positive: towards the
/// person's left).
pub(crate) fn world_head_yaw_deg(pose: &Pose, frame: &BodyFrame) -> Option<f64> {
    let e = sub(
        world(pose, landmark::LEFT_EAR)?,
        world(pose, landmark::RIGHT_EAR)?,
    );
    Some(
        (-dot(e, frame.forward))
            .atan2(dot(e, frame.lateral))
            .to_degrees(),
    )
}

/// Signed 2D tilt of the line from `right` to `left`, degrees, positive when `left` is lower.
fn roll_2d_deg(left: P2, right: P2) -> f64 {
    let (dx, dy) = (left.0 - right.0, left.1 - right.1);
    (dy * dx.signum()).atan2(dx.abs()).to_degrees()
}

fn set(value: &mut Option<f32>, conf: &mut f32, v: Option<f64>, c: f64) {
    if let Some(x) = v.filter(|x| x.is_finite()) {
        *value = Some(x as f32);
        *conf = c.clamp(0.0, 1.0) as f32;
    }
}

fn measure_front(pose: &Pose, pin: &Pinhole, reference: Option<&Reference>) -> Metrics {
    use landmark::{LEFT_EAR, LEFT_SHOULDER, NOSE, RIGHT_EAR, RIGHT_SHOULDER};
    let mut m = Metrics::default();
    let vis_neck = min_vis(pose, &[LEFT_EAR, RIGHT_EAR, LEFT_SHOULDER, RIGHT_SHOULDER]);
    let vis_head = min_vis(pose, &[LEFT_EAR, RIGHT_EAR, NOSE]);
    let vis_sh = min_vis(pose, &[LEFT_SHOULDER, RIGHT_SHOULDER]);
    let own_frame = BodyFrame::from_pose(pose);
    common_2d(pose, &mut m, vis_head, vis_sh);
    match reference {
        Some(r) => {
            let raw = front_raw(pose, pin, r);
            let face = r.face.as_ref().and_then(|face| face.read(pose, pin));
            match face {
                // The face mesh's head position, when both the baseline and the frame have one.
                Some(reading) => set(
                    &mut m.forward_head_deg,
                    &mut m.forward_head_confidence,
                    Some(r.forward_head_deg + reading.forward_head_change_deg),
                    vis_sh * reading.presence * arms_raised_factor(pose),
                ),
                None => {
                    let fh = raw
                        .neck_angle_deg
                        .map(|a| r.forward_head_deg + a - r.neck_angle_deg);
                    set(
                        &mut m.forward_head_deg,
                        &mut m.forward_head_confidence,
                        fh,
                        vis_neck * raw.neck_quality,
                    );
                }
            }
            // Rounded shoulders are not reported in a front view: on rendered people no cue of a
            // front camera (BlazePose's depths, the shoulder width, the face-to-shoulder size)
            // moved with the shoulders' protraction with one sign for every person (docs/
            // geometry.md), so a number here would be confident noise. The width cue still uses
            // its own internal estimate (`front_raw`).
            if let Some(reading) = face {
                let q = reading.presence;
                set(
                    &mut m.head_pitch_deg,
                    &mut m.head_pitch_confidence,
                    Some(r.head_pitch_deg + reading.pitch_change_deg),
                    q,
                );
                set(
                    &mut m.head_yaw_deg,
                    &mut m.head_yaw_confidence,
                    Some(r.head_yaw_deg + reading.yaw_change_deg),
                    q,
                );
            } else if let Some(head) = raw.head {
                let (yaw, pitch, _roll) = head_rotation_deg(&head, r);
                let q = vis_head * head_fit_quality(head.rms_px, pose);
                set(
                    &mut m.head_pitch_deg,
                    &mut m.head_pitch_confidence,
                    Some(r.head_pitch_deg + pitch),
                    q,
                );
                set(
                    &mut m.head_yaw_deg,
                    &mut m.head_yaw_confidence,
                    Some(r.head_yaw_deg + yaw),
                    q,
                );
            }
            let elevation = raw
                .neck_length_m
                .map(|l| l / r.shoulder_width_xy_m.max(1e-6));
            set(
                &mut m.shoulder_elevation,
                &mut m.shoulder_elevation_confidence,
                elevation,
                vis_neck * raw.neck_quality,
            );
        }
        None => {
            if let Some(frame) = own_frame {
                set(
                    &mut m.forward_head_deg,
                    &mut m.forward_head_confidence,
                    world_forward_head_deg(pose, &frame),
                    0.5 * vis_neck,
                );
                set(
                    &mut m.head_pitch_deg,
                    &mut m.head_pitch_confidence,
                    world_head_pitch_deg(pose, &frame),
                    0.5 * vis_head,
                );
                set(
                    &mut m.head_yaw_deg,
                    &mut m.head_yaw_confidence,
                    world_head_yaw_deg(pose, &frame),
                    0.5 * vis_head,
                );
            }
            let elevation = (|| {
                let (e, s) = (ear_mid_px(pose)?, shoulder_mid_px(pose)?);
                Some(dist2(e, s) / shoulder_width_px(pose)?)
            })();
            set(
                &mut m.shoulder_elevation,
                &mut m.shoulder_elevation_confidence,
                elevation,
                vis_neck,
            );
        }
    }
    m
}

/// Confidence factor for a front view with a hand raised above the shoulders: BlazePose's
/// shoulder points ride up with a raised arm (on the renders, stretching read as 10–12° of
/// forward head), so the frame is not judged then ([`ARMS_RAISED_CONFIDENCE`]).
fn arms_raised_factor(pose: &Pose) -> f64 {
    use landmark::{LEFT_SHOULDER, LEFT_WRIST, RIGHT_SHOULDER, RIGHT_WRIST};
    let shoulder_top = px(pose, LEFT_SHOULDER)
        .zip(px(pose, RIGHT_SHOULDER))
        .map(|(l, r)| l.1.min(r.1));
    let raised = shoulder_top.is_some_and(|top| {
        [LEFT_WRIST, RIGHT_WRIST]
            .into_iter()
            .any(|w| vis(pose, w) >= 0.5 && px(pose, w).is_some_and(|p| p.1 < top))
    });
    if raised { ARMS_RAISED_CONFIDENCE } else { 1.0 }
}

/// Rolls, lateral offset and subject position: plain 2D geometry, front view.
fn common_2d(pose: &Pose, m: &mut Metrics, vis_head: f64, vis_sh: f64) {
    use landmark::{LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER};
    let ears = px(pose, LEFT_EAR).zip(px(pose, RIGHT_EAR));
    let shoulders = px(pose, LEFT_SHOULDER).zip(px(pose, RIGHT_SHOULDER));
    if let Some((l, r)) = ears.filter(|(l, r)| dist2(*l, *r) > 1.0) {
        set(
            &mut m.head_roll_deg,
            &mut m.head_roll_confidence,
            Some(roll_2d_deg(l, r)),
            vis_head,
        );
    }
    if let Some((l, r)) = shoulders.filter(|(l, r)| dist2(*l, *r) > 1.0) {
        set(
            &mut m.shoulder_roll_deg,
            &mut m.shoulder_roll_confidence,
            Some(roll_2d_deg(l, r)),
            vis_sh,
        );
        if let Some(e) = ears.map(|(a, b)| mid2(a, b)) {
            let s = mid2(l, r);
            let w = dist2(l, r);
            let (ux, uy) = ((l.0 - r.0) / w, (l.1 - r.1) / w);
            let off = ((e.0 - s.0) * ux + (e.1 - s.1) * uy) / w;
            set(
                &mut m.lateral_offset,
                &mut m.lateral_offset_confidence,
                Some(off),
                vis_head.min(vis_sh),
            );
        }
        let (wd, ht) = (f64::from(pose.image_width), f64::from(pose.image_height));
        if wd > 0.0 && ht > 0.0 {
            let s = mid2(l, r);
            m.subject_x = Some((s.0 / wd) as f32);
            m.subject_y = Some((s.1 / ht) as f32);
            m.subject_size = Some((dist2(l, r) / wd) as f32);
        }
    }
}

/// `f · IPD · cos(yaw) / eye distance`, centimetres, with a confidence.
fn screen_distance_cm(pose: &Pose, pin: &Pinhole, yaw: f64) -> Option<(f64, f64)> {
    let d = dist2(
        px(pose, landmark::LEFT_EYE)?,
        px(pose, landmark::RIGHT_EYE)?,
    );
    if d < 2.0 {
        return None;
    }
    let cm = pin.f * TYPICAL_IPD_CM * yaw.cos().abs() / d;
    let conf = 0.8 * min_vis(pose, &[landmark::LEFT_EYE, landmark::RIGHT_EYE]);
    cm.is_finite().then_some((cm, conf))
}

// ---------------------------------------------------------------------------------------------
// Side view.

/// The side of the body nearer the camera in a side view: `(ear, shoulder, eye)` indices.
pub(crate) fn near_side(pose: &Pose) -> (usize, usize, usize) {
    use landmark::{LEFT_EAR, LEFT_EYE, LEFT_SHOULDER, RIGHT_EAR, RIGHT_EYE, RIGHT_SHOULDER};
    let left = vis(pose, LEFT_EAR).min(vis(pose, LEFT_SHOULDER));
    let right = vis(pose, RIGHT_EAR).min(vis(pose, RIGHT_SHOULDER));
    if left >= right {
        (LEFT_EAR, LEFT_SHOULDER, LEFT_EYE)
    } else {
        (RIGHT_EAR, RIGHT_SHOULDER, RIGHT_EYE)
    }
}

/// Raw side-view quantities: `(neck angle, ear→nose angle below the facing direction, neck
/// length / head length)` in degrees and a ratio, with the visibility of the near side.
///
/// Perspective: the near ear sits ≈ 10 cm further from a side camera than the near shoulder,
/// which at 1 m changes their relative image scale by ≈ 10 %. Each point is therefore
/// back-projected at its own depth (the shoulder's depth from the body's metres per pixel, the
/// ear's and nose's from the world-landmark depth differences) before the angles are taken in
/// the image plane.
pub(crate) fn side_raw(pose: &Pose, pin: &Pinhole) -> Option<(f64, f64, f64, f64)> {
    let (ear, shoulder, _eye) = near_side(pose);
    let (e2, s2, n2) = (
        px(pose, ear)?,
        px(pose, shoulder)?,
        px(pose, landmark::NOSE)?,
    );
    let z_s = metres_per_px(pose).map(|m| m * pin.f);
    let lift = |p: P2, i: usize| -> P2 {
        let depth = (|| Some(z_s? + world(pose, i)?[2] - world(pose, shoulder)?[2]))();
        match depth.filter(|z| *z > 0.05) {
            Some(z) => {
                let q = pin.backproject(p.0, p.1, z);
                (q[0], q[1])
            }
            None => p,
        }
    };
    let (e, s, n) = (lift(e2, ear), lift(s2, shoulder), lift(n2, landmark::NOSE));
    let facing = (n.0 - e.0).signum();
    let neck = (facing * (e.0 - s.0)).atan2(s.1 - e.1).to_degrees();
    let nose = (n.1 - e.1).atan2(facing * (n.0 - e.0)).to_degrees();
    let head_len = dist2(e, n);
    let ratio = if head_len > 1.0 {
        dist2(e, s) / head_len
    } else {
        f64::NAN
    };
    let v = vis(pose, ear).min(vis(pose, shoulder));
    (neck.is_finite() && nose.is_finite()).then_some((neck, nose, ratio, v))
}

fn measure_side(pose: &Pose, pin: &Pinhole, reference: Option<&Reference>) -> Metrics {
    let mut m = Metrics::default();
    let Some((neck, nose, ratio, v)) = side_raw(pose, pin) else {
        return m;
    };
    let vis_nose = vis(pose, landmark::NOSE);
    set(
        &mut m.forward_head_deg,
        &mut m.forward_head_confidence,
        Some(neck),
        v,
    );
    let pitch = match reference {
        Some(r) => r.head_pitch_deg + nose - r.side_nose_angle_deg,
        None => nose - NEUTRAL_NOSE_DROP_DEG,
    };
    set(
        &mut m.head_pitch_deg,
        &mut m.head_pitch_confidence,
        Some(pitch),
        v.min(vis_nose),
    );
    set(
        &mut m.shoulder_elevation,
        &mut m.shoulder_elevation_confidence,
        Some(ratio),
        v.min(vis_nose),
    );
    if let Some(r) = reference {
        let rs =
            shoulder_forward_m(pose, &r.body, r.cue_noise.as_ref()).and_then(|d| rounded_deg(d, r));
        set(
            &mut m.rounded_shoulder_deg,
            &mut m.rounded_shoulder_confidence,
            rs,
            0.8 * v,
        );
    }
    let (ear, shoulder, _) = near_side(pose);
    if let (Some(e), Some(s)) = (px(pose, ear), px(pose, shoulder)) {
        let (wd, ht) = (f64::from(pose.image_width), f64::from(pose.image_height));
        if wd > 0.0 && ht > 0.0 {
            m.subject_x = Some((s.0 / wd) as f32);
            m.subject_y = Some((s.1 / ht) as f32);
            m.subject_size = Some((dist2(e, s) / ht) as f32);
        }
    }
    m
}
