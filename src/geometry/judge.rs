//! Reading one frame's metrics against the baseline: the deviation of every metric and a single
//! [`Verdict`], with named thresholds that a sensitivity setting scales.
//!
//! Verdict order (first match wins): `no_person`; `moved` when the view changed since
//! calibration; `low_confidence` when forward head cannot be measured with confidence; `slouch`
//! (forward head and rounded shoulders), `forward_head`, `rounded_shoulders`; `leaning`
//! (lateral offset or shoulder tilt); `looking_down` (head pitched down while the neck stayed
//! within its threshold); `moved` (position or size in the frame changed while posture agrees:
//! the baseline may be stale); `upright`.
//!
//! Deviations are `now − baseline`, in degrees for angles; `shoulder_elevation` is the fraction
//! of the baseline ear–shoulder distance lost (positive = shoulders raised towards the ears),
//! `scale_change` the relative change of the person's size in the frame, `position_shift` the
//! shoulder midpoint's movement as a fraction of the frame.

use serde::{Deserialize, Serialize};

use crate::pose::Pose;
use crate::verdict::Verdict;

use super::baseline::Baseline;
use super::frame_metrics::Metrics;
use super::metrics::measure;

/// Forward-head increase that counts as `forward_head`, degrees, at medium sensitivity.
/// Literature: adults with neck pain hold the head ≈ 4.8° further forward (CVA) than pain-free
/// adults (Mahmoud 2019 meta-analysis); our front-camera estimate, smoothed over 2–3 s, has
/// errors up to ≈ 3–4° in the synthetic tests, so 8° keeps false alarms rare while flagging a
/// change clearly beyond the between-group difference.
pub const FORWARD_HEAD_DEG: f32 = 8.0;
/// Rounded-shoulder (protraction) angle that counts as `rounded_shoulders`, degrees. No
/// validated cut-off exists for this angle; 10° of forward swing moves the acromion ≈ 3 cm,
/// about the difference reported between rounded and normal shoulder groups in acromion-to-wall
/// measurements, and it is above the estimate's error in the synthetic tests.
pub const ROUNDED_SHOULDER_DEG: f32 = 10.0;
/// Head pitch increase that counts as `looking_down`, degrees: glancing at a keyboard or phone
/// pitches the head 15–45°; small nods stay under it.
pub const LOOKING_DOWN_DEG: f32 = 12.0;
/// Extra forward-head allowance per unit `sin(head pitch)` while the head is pitched down,
/// degrees. Looking down rotates the skull about the atlanto-occipital joint, which lies
/// ≈ 2–4.5 cm below BlazePose's ear point; over a 12–14 cm ear–shoulder distance that swings
/// the ear forward by up to ≈ 18°·sin(pitch) although the neck has not moved. The allowance
/// covers that swing so looking down reads as `looking_down`; a neck that really moves forward
/// while looking down still reads as `forward_head` once it exceeds the raised threshold.
pub const LOOKING_DOWN_EAR_SWING_DEG: f32 = 20.0;
/// Lateral head offset that counts as `leaning`, in shoulder widths (≈ 4 cm for an adult).
pub const LATERAL_OFFSET: f32 = 0.12;
/// Shoulder-line tilt change that counts as `leaning`, degrees (side-bending or leaning on one
/// elbow; ≈ 5 cm height difference across the shoulders).
pub const SHOULDER_ROLL_DEG: f32 = 8.0;
/// Shoulder midpoint movement, as a fraction of the frame, that means the person or camera
/// moved (peers reset after ≈ 10 % shifts).
pub const MOVED_POSITION: f32 = 0.12;
/// Relative size change that means the person moved closer or further (≈ 9 cm at 60 cm).
pub const MOVED_SCALE: f32 = 0.15;
/// Below this confidence, forward head is not judged (`low_confidence`).
pub const MIN_CONFIDENCE: f32 = 0.3;

/// How readily posture faults are reported: scales the posture thresholds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Thresholds × 1.4: only clear faults.
    Low,
    /// The default thresholds.
    #[default]
    Medium,
    /// Thresholds × 0.7: earlier prompts, more false alarms from camera noise.
    High,
}

impl Sensitivity {
    /// The factor applied to the posture thresholds.
    pub fn multiplier(self) -> f32 {
        match self {
            Sensitivity::Low => 1.4,
            Sensitivity::Medium => 1.0,
            Sensitivity::High => 0.7,
        }
    }
}

/// The thresholds a verdict is judged with. See the constants of this module for their sources.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub forward_head_deg: f32,
    pub rounded_shoulder_deg: f32,
    pub looking_down_deg: f32,
    pub lateral_offset: f32,
    pub shoulder_roll_deg: f32,
    pub moved_position: f32,
    pub moved_scale: f32,
    pub min_confidence: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::for_sensitivity(Sensitivity::Medium)
    }
}

impl Thresholds {
    /// The default thresholds with the posture ones scaled by the sensitivity (the `moved`,
    /// `looking_down` and confidence thresholds are not posture faults and stay put).
    pub fn for_sensitivity(sensitivity: Sensitivity) -> Self {
        let k = sensitivity.multiplier();
        Self {
            forward_head_deg: FORWARD_HEAD_DEG * k,
            rounded_shoulder_deg: ROUNDED_SHOULDER_DEG * k,
            looking_down_deg: LOOKING_DOWN_DEG,
            lateral_offset: LATERAL_OFFSET * k,
            shoulder_roll_deg: SHOULDER_ROLL_DEG * k,
            moved_position: MOVED_POSITION,
            moved_scale: MOVED_SCALE,
            min_confidence: MIN_CONFIDENCE,
        }
    }
}

/// Deviation of every metric from the baseline. Serializes to a flat JSON object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deviation {
    pub forward_head_deg: Option<f32>,
    pub rounded_shoulder_deg: Option<f32>,
    pub head_pitch_deg: Option<f32>,
    pub head_yaw_deg: Option<f32>,
    pub head_roll_deg: Option<f32>,
    pub shoulder_roll_deg: Option<f32>,
    pub lateral_offset: Option<f32>,
    pub shoulder_elevation: Option<f32>,
    pub screen_distance_cm: Option<f32>,
    pub position_shift: Option<f32>,
    pub scale_change: Option<f32>,
}

/// The reading of one frame: deviations, verdict, its confidence and a short reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub deviation: Deviation,
    pub verdict: Verdict,
    pub confidence: f32,
    /// Why this verdict, in words with the numbers (for logs and the "why" of an alert).
    pub reason: String,
}

/// Metrics and judgement of one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub metrics: Option<Metrics>,
    pub judgement: Judgement,
}

/// Measures and judges one frame against the baseline (with the baseline's camera).
pub fn analyze(pose: Option<&Pose>, baseline: &Baseline, thresholds: &Thresholds) -> Analysis {
    let metrics = pose.map(|p| measure(p, &baseline.camera, Some(baseline)));
    let judgement = judge(metrics.as_ref(), baseline, thresholds);
    Analysis { metrics, judgement }
}

fn diff(now: Option<f32>, base: Option<f32>) -> Option<f32> {
    Some(now? - base?).filter(|v| v.is_finite())
}

/// The deviation of `metrics` from the baseline's metrics.
pub fn deviation(metrics: &Metrics, baseline: &Baseline) -> Deviation {
    let b = &baseline.metrics;
    let elevation = b
        .shoulder_elevation
        .zip(metrics.shoulder_elevation)
        .filter(|(base, _)| *base > 1e-6)
        .map(|(base, now)| (base - now) / base);
    let position = metrics
        .subject_x
        .zip(metrics.subject_y)
        .map(|(x, y)| (x - baseline.subject.x).hypot(y - baseline.subject.y));
    let scale = metrics
        .subject_size
        .filter(|_| baseline.subject.size > 1e-6)
        .map(|s| s / baseline.subject.size - 1.0);
    Deviation {
        forward_head_deg: diff(metrics.forward_head_deg, b.forward_head_deg),
        rounded_shoulder_deg: diff(metrics.rounded_shoulder_deg, b.rounded_shoulder_deg),
        head_pitch_deg: diff(metrics.head_pitch_deg, b.head_pitch_deg),
        head_yaw_deg: diff(metrics.head_yaw_deg, b.head_yaw_deg),
        head_roll_deg: diff(metrics.head_roll_deg, b.head_roll_deg),
        shoulder_roll_deg: diff(metrics.shoulder_roll_deg, b.shoulder_roll_deg),
        lateral_offset: diff(metrics.lateral_offset, b.lateral_offset),
        shoulder_elevation: elevation.filter(|v| v.is_finite()),
        screen_distance_cm: diff(metrics.screen_distance_cm, b.screen_distance_cm),
        position_shift: position.filter(|v| v.is_finite()),
        scale_change: scale.filter(|v| v.is_finite()),
    }
}

fn exceeds(v: Option<f32>, limit: f32) -> bool {
    v.is_some_and(|x| x > limit)
}

fn exceeds_abs(v: Option<f32>, limit: f32) -> bool {
    v.is_some_and(|x| x.abs() > limit)
}

/// Judges one frame's metrics (`None` = nobody in view) against the baseline.
pub fn judge(metrics: Option<&Metrics>, baseline: &Baseline, t: &Thresholds) -> Judgement {
    let Some(m) = metrics else {
        return Judgement {
            deviation: Deviation::default(),
            verdict: Verdict::NoPerson,
            confidence: 1.0,
            reason: "nobody in view".to_string(),
        };
    };
    let d = deviation(m, baseline);
    let verdict = |v: Verdict, confidence: f32, reason: String| Judgement {
        deviation: d,
        verdict: v,
        confidence: confidence.clamp(0.0, 1.0),
        reason,
    };
    if m.view != baseline.view {
        return verdict(
            Verdict::Moved,
            0.8,
            format!(
                "{} view now, {} view at calibration: recalibrate",
                m.view.as_str(),
                baseline.view.as_str()
            ),
        );
    }
    let fh_conf = m.forward_head_confidence;
    if d.forward_head_deg.is_none() || !m.calibrated || fh_conf < t.min_confidence {
        return verdict(
            Verdict::LowConfidence,
            1.0 - fh_conf,
            format!(
                "forward head confidence {fh_conf:.2} below {:.2}",
                t.min_confidence
            ),
        );
    }
    let fh = d.forward_head_deg.unwrap_or(0.0);
    let rs_usable = m.rounded_shoulder_confidence >= t.min_confidence;
    let pitch_down = d
        .head_pitch_deg
        .filter(|_| m.head_pitch_confidence >= t.min_confidence);
    let swing = pitch_down.map_or(0.0, |p| {
        LOOKING_DOWN_EAR_SWING_DEG * p.clamp(0.0, 90.0).to_radians().sin()
    });
    let fh_limit = t.forward_head_deg + swing;
    let fh_bad = fh > fh_limit;
    let rs_bad = rs_usable && exceeds(d.rounded_shoulder_deg, t.rounded_shoulder_deg);
    let rs = d.rounded_shoulder_deg.unwrap_or(0.0);
    let rs_conf = m.rounded_shoulder_confidence;
    if fh_bad && rs_bad {
        return verdict(
            Verdict::Slouch,
            fh_conf.min(rs_conf),
            format!("head {fh:.1}° forward and shoulders {rs:.1}° rounded since calibration"),
        );
    }
    if fh_bad {
        return verdict(
            Verdict::ForwardHead,
            fh_conf,
            format!("head {fh:.1}° forward since calibration (threshold {fh_limit:.1}°)"),
        );
    }
    if rs_bad {
        return verdict(
            Verdict::RoundedShoulders,
            rs_conf,
            format!(
                "shoulders {rs:.1}° rounded since calibration (threshold {:.1}°)",
                t.rounded_shoulder_deg
            ),
        );
    }
    let lateral = exceeds_abs(d.lateral_offset, t.lateral_offset);
    let tilt = exceeds_abs(d.shoulder_roll_deg, t.shoulder_roll_deg);
    if lateral || tilt {
        return verdict(
            Verdict::Leaning,
            m.lateral_offset_confidence.min(m.shoulder_roll_confidence),
            format!(
                "leaning sideways: head offset {:+.2} shoulder widths, shoulder tilt {:+.1}°",
                d.lateral_offset.unwrap_or(0.0),
                d.shoulder_roll_deg.unwrap_or(0.0)
            ),
        );
    }
    if m.head_pitch_confidence >= t.min_confidence && exceeds(d.head_pitch_deg, t.looking_down_deg)
    {
        return verdict(
            Verdict::LookingDown,
            m.head_pitch_confidence,
            format!(
                "head pitched {:.1}° down while the neck moved {fh:.1}°",
                d.head_pitch_deg.unwrap_or(0.0)
            ),
        );
    }
    let shifted = exceeds(d.position_shift, t.moved_position);
    let rescaled = exceeds_abs(d.scale_change, t.moved_scale);
    if shifted || rescaled {
        return verdict(
            Verdict::Moved,
            fh_conf,
            format!(
                "posture agrees but the person moved in the frame (shift {:.2}, size {:+.0} %): the baseline may be stale",
                d.position_shift.unwrap_or(0.0),
                100.0 * d.scale_change.unwrap_or(0.0)
            ),
        );
    }
    verdict(
        Verdict::Upright,
        fh_conf,
        format!("head {fh:+.1}°, shoulders {rs:+.1}° from the baseline"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::baseline::{BASELINE_VERSION, Reference, SubjectPlacement};
    use crate::geometry::camera::CameraIntrinsics;
    use crate::geometry::frame_metrics::View;

    fn baseline() -> Baseline {
        Baseline {
            version: BASELINE_VERSION,
            camera: CameraIntrinsics::new(640, 480),
            image_width: 640,
            image_height: 480,
            view: View::Front,
            frames_used: 30,
            subject: SubjectPlacement {
                x: 0.5,
                y: 0.6,
                size: 0.5,
            },
            metrics: Metrics {
                forward_head_deg: Some(10.0),
                rounded_shoulder_deg: Some(0.0),
                head_pitch_deg: Some(0.0),
                ..Metrics::default()
            },
            reference: Reference::default(),
        }
    }

    fn frame(fh: f32, rs: f32, pitch: f32) -> Metrics {
        Metrics {
            calibrated: true,
            forward_head_deg: Some(10.0 + fh),
            forward_head_confidence: 0.9,
            rounded_shoulder_deg: Some(rs),
            rounded_shoulder_confidence: 0.9,
            head_pitch_deg: Some(pitch),
            head_pitch_confidence: 0.9,
            subject_x: Some(0.5),
            subject_y: Some(0.6),
            subject_size: Some(0.5),
            ..Metrics::default()
        }
    }

    fn verdict(m: Metrics, t: &Thresholds) -> Verdict {
        judge(Some(&m), &baseline(), t).verdict
    }

    #[test]
    fn verdict_table() {
        let t = Thresholds::default();
        assert_eq!(verdict(frame(0.0, 0.0, 0.0), &t), Verdict::Upright);
        assert_eq!(verdict(frame(12.0, 0.0, 0.0), &t), Verdict::ForwardHead);
        assert_eq!(
            verdict(frame(0.0, 14.0, 0.0), &t),
            Verdict::RoundedShoulders
        );
        assert_eq!(verdict(frame(12.0, 14.0, 0.0), &t), Verdict::Slouch);
        assert_eq!(verdict(frame(9.0, 0.0, 30.0), &t), Verdict::LookingDown);
        assert_eq!(verdict(frame(25.0, 0.0, 30.0), &t), Verdict::ForwardHead);
        let mut low = frame(12.0, 0.0, 0.0);
        low.forward_head_confidence = 0.1;
        assert_eq!(verdict(low, &t), Verdict::LowConfidence);
        let mut moved = frame(0.0, 0.0, 0.0);
        moved.subject_size = Some(0.7);
        assert_eq!(verdict(moved, &t), Verdict::Moved);
        assert_eq!(judge(None, &baseline(), &t).verdict, Verdict::NoPerson);
    }

    #[test]
    fn sensitivity_scales_posture_thresholds() {
        let m = frame(7.0, 0.0, 0.0);
        let high = Thresholds::for_sensitivity(Sensitivity::High);
        let low = Thresholds::for_sensitivity(Sensitivity::Low);
        assert_eq!(verdict(m, &high), Verdict::ForwardHead);
        assert_eq!(verdict(m, &Thresholds::default()), Verdict::Upright);
        assert!(low.forward_head_deg > FORWARD_HEAD_DEG);
        assert_eq!(high.moved_scale, MOVED_SCALE);
    }

    #[test]
    fn deviation_serializes_flat_with_nulls() {
        let d = deviation(&Metrics::default(), &baseline());
        let v = serde_json::to_value(d).unwrap_or_default();
        assert!(v["forward_head_deg"].is_null());
        assert!(
            v.as_object()
                .is_some_and(|o| o.values().all(|x| !x.is_object()))
        );
    }
}
