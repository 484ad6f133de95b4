//! Image-level accuracy on rendered people with exactly known posture (`tests/fixtures/synth/`,
//! made by `scripts/render_synth.sh` + `scripts/make_synth_fixtures.py`): every frame goes
//! through the real path — JPEG → BlazePose and the face mesh (ONNX) → metrics → verdict — against
//! a baseline calibrated on the subject's own upright photos, and is compared with the ground
//! truth measured on the posed mesh. Shared by `tests/synth_accuracy.rs` (asserts the targets on
//! the held-out subjects) and `examples/synth_accuracy.rs` (the benchmark tables, any render set).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plumbline::geometry::{self, Analysis, CameraIntrinsics, Thresholds};
use plumbline::models::ModelLocator;
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use plumbline::verdict::Verdict;
use serde::Deserialize;

/// One frame's ground truth (the committed index's rows).
#[derive(Clone, Debug, Deserialize)]
pub struct TruthFrame {
    pub file: String,
    pub subject: String,
    pub sequence: String,
    pub camera: String,
    pub label: String,
    pub note: String,
    /// Change of the craniovertebral angle since the subject's upright mean (− = head forward).
    pub delta_cva_deg: f64,
    pub delta_head_forward_cm: f64,
    /// The shoulders' forward shift against the upper thorax since upright, cm.
    pub delta_shoulder_protraction_trunk_cm: f64,
    pub slouch_level: Option<f64>,
    pub head_pitch_world_deg: f64,
}

impl TruthFrame {
    /// The true forward-head change in plumbline's sign (+ = head further forward).
    pub fn forward_head_change_deg(&self) -> f64 {
        -self.delta_cva_deg
    }
}

/// A subject's set-up.
#[derive(Clone, Debug, Deserialize)]
pub struct Setup {
    pub description: String,
    pub split: String,
    pub webcam: Option<String>,
    pub camera_to_eyes_m: f64,
    pub eyes_above_camera_m: f64,
}

/// The fixture index.
#[derive(Clone, Debug, Deserialize)]
pub struct Index {
    pub subjects: BTreeMap<String, Option<Setup>>,
    pub frames: Vec<TruthFrame>,
}

impl Index {
    pub fn load(dir: &Path) -> Self {
        let path = dir.join("index.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }
}

/// One frame as plumbline judged it.
#[derive(Clone, Debug)]
pub struct Judged {
    pub truth: TruthFrame,
    /// The deviations plumbline reported (None = no number).
    pub forward_head_change_deg: Option<f64>,
    pub rounded_shoulder_change_deg: Option<f64>,
    pub head_pitch_change_deg: Option<f64>,
    pub verdict: Verdict,
}

/// Every judged frame of one subject seen by one camera.
#[derive(Clone, Debug)]
pub struct SubjectRun {
    pub subject: String,
    pub camera: String,
    pub setup: Option<Setup>,
    pub baseline: plumbline::geometry::Baseline,
    pub frames: Vec<Judged>,
}

pub fn is_posture_verdict(verdict: Verdict) -> bool {
    matches!(
        verdict,
        Verdict::ForwardHead | Verdict::RoundedShoulders | Verdict::Slouch
    )
}

/// Calibrates on the subject's upright photos of `camera` and judges every frame of it.
pub fn run_subject(
    dir: &Path,
    index: &Index,
    subject: &str,
    camera: &str,
    estimator: &mut BlazePose,
) -> SubjectRun {
    let frames: Vec<&TruthFrame> = index
        .frames
        .iter()
        .filter(|f| f.subject == subject && f.camera == camera)
        .collect();
    let mut poses = Vec::new();
    let mut size = (0, 0);
    for frame in &frames {
        let path: PathBuf = dir.join(&frame.file);
        let image = image::open(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .to_rgb8();
        size = (image.width(), image.height());
        poses.push(estimator.estimate(&image, 0.0).expect("pose model runs"));
    }
    let calibration: Vec<_> = frames
        .iter()
        .zip(&poses)
        .filter(|(f, _)| f.sequence == "upright_calibration")
        .map(|(_, pose)| pose.clone())
        .collect();
    let camera_model = CameraIntrinsics::new(size.0, size.1);
    let (report, baseline) = geometry::calibrate_photos(&calibration, &camera_model);
    let baseline = baseline.unwrap_or_else(|error| {
        panic!("{subject}/{camera}: calibration failed: {error}\n{report:?}")
    });
    let thresholds = Thresholds::default();
    let judged = frames
        .iter()
        .zip(&poses)
        .map(|(truth, pose)| {
            let analysis: Analysis = geometry::analyze(pose.as_ref(), &baseline, &thresholds);
            let deviation = &analysis.judgement.deviation;
            Judged {
                truth: (*truth).clone(),
                forward_head_change_deg: deviation.forward_head_deg.map(f64::from),
                rounded_shoulder_change_deg: deviation.rounded_shoulder_deg.map(f64::from),
                head_pitch_change_deg: deviation.head_pitch_deg.map(f64::from),
                verdict: analysis.judgement.verdict,
            }
        })
        .collect();
    SubjectRun {
        subject: subject.to_string(),
        camera: camera.to_string(),
        setup: index.subjects.get(subject).cloned().flatten(),
        baseline,
        frames: judged,
    }
}

/// The BlazePose engine on stills (each rendered frame is an independent photo).
pub fn still_estimator(models: &Path) -> BlazePose {
    BlazePose::new(
        &ModelLocator::in_dir(models),
        LandmarkModel::Full,
        FrameMode::Stills,
    )
    .expect("pose engine")
}

/// Spearman's rank correlation (average ranks for ties).
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    fn ranks(values: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
        let mut ranks = vec![0.0; values.len()];
        let mut start = 0;
        while start < order.len() {
            let mut end = start;
            while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
                end += 1;
            }
            let rank = (start + end) as f64 / 2.0;
            for &index in &order[start..=end] {
                ranks[index] = rank;
            }
            start = end + 1;
        }
        ranks
    }
    if a.len() != b.len() || a.len() < 3 {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(&ra), mean(&rb));
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// The per-subject figures the targets are stated in.
#[derive(Clone, Debug, Default)]
pub struct SubjectStats {
    pub subject: String,
    pub camera: String,
    pub webcam: String,
    /// Forward head over the upright and graded forward-head frames (true 0–25°).
    pub forward_head_frames: usize,
    pub forward_head_read: usize,
    pub forward_head_mae_deg: f64,
    pub forward_head_bias_deg: f64,
    pub forward_head_rho: Option<f64>,
    /// Share of forward-head frames with ≥ 10° that got `forward_head` or `slouch`.
    pub forward_head_10_flagged: f64,
    /// Share of rounded-shoulder frames with ≥ 3.5 cm that got `rounded_shoulders` or `slouch`.
    pub rounded_35_flagged: f64,
    /// Share of slouch frames of level ≥ 0.5 that got a posture verdict.
    pub slouch_05_flagged: f64,
    /// Share of distractor frames that got a posture verdict, and how many there were.
    pub distractor_posture: f64,
    pub distractors: usize,
    /// Share of looking-down frames read as `looking_down`.
    pub looking_down_read: f64,
    /// Share of upright calibration frames read as a posture fault.
    pub upright_posture: f64,
}

fn share(frames: &[&Judged], hit: impl Fn(&Judged) -> bool) -> f64 {
    if frames.is_empty() {
        return f64::NAN;
    }
    frames.iter().filter(|f| hit(f)).count() as f64 / frames.len() as f64
}

pub fn stats(run: &SubjectRun) -> SubjectStats {
    let of = |sequence: &str| -> Vec<&Judged> {
        run.frames
            .iter()
            .filter(|f| f.truth.sequence == sequence)
            .collect()
    };
    let graded: Vec<&Judged> = run
        .frames
        .iter()
        .filter(|f| {
            matches!(
                f.truth.sequence.as_str(),
                "upright_calibration" | "forward_head"
            )
        })
        .collect();
    let read: Vec<(f64, f64)> = graded
        .iter()
        .filter_map(|f| {
            Some((
                f.truth.forward_head_change_deg(),
                f.forward_head_change_deg?,
            ))
        })
        .collect();
    let errors: Vec<f64> = read.iter().map(|(truth, est)| est - truth).collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let truths: Vec<f64> = read.iter().map(|r| r.0).collect();
    let estimates: Vec<f64> = read.iter().map(|r| r.1).collect();
    let forward_10: Vec<&Judged> = of("forward_head")
        .into_iter()
        .filter(|f| f.truth.forward_head_change_deg() >= 10.0)
        .collect();
    let rounded: Vec<&Judged> = of("rounded_shoulders")
        .into_iter()
        .filter(|f| f.truth.delta_shoulder_protraction_trunk_cm >= 3.5)
        .collect();
    let slouch: Vec<&Judged> = of("slouch")
        .into_iter()
        .filter(|f| f.truth.slouch_level.unwrap_or(0.0) >= 0.5)
        .collect();
    let distractors: Vec<&Judged> = run
        .frames
        .iter()
        .filter(|f| f.truth.sequence.starts_with("distractor"))
        .collect();
    SubjectStats {
        subject: run.subject.clone(),
        camera: run.camera.clone(),
        webcam: run
            .setup
            .as_ref()
            .and_then(|s| s.webcam.clone())
            .unwrap_or_default(),
        forward_head_frames: graded.len(),
        forward_head_read: read.len(),
        forward_head_mae_deg: mean(&errors.iter().map(|e| e.abs()).collect::<Vec<_>>()),
        forward_head_bias_deg: mean(&errors),
        forward_head_rho: spearman(&truths, &estimates),
        forward_head_10_flagged: share(&forward_10, |f| {
            matches!(f.verdict, Verdict::ForwardHead | Verdict::Slouch)
        }),
        rounded_35_flagged: share(&rounded, |f| {
            matches!(f.verdict, Verdict::RoundedShoulders | Verdict::Slouch)
        }),
        slouch_05_flagged: share(&slouch, |f| is_posture_verdict(f.verdict)),
        distractor_posture: share(&distractors, |f| is_posture_verdict(f.verdict)),
        distractors: distractors.len(),
        looking_down_read: share(&of("ambiguous_look_down"), |f| {
            f.verdict == Verdict::LookingDown
        }),
        upright_posture: share(&of("upright_calibration"), |f| {
            is_posture_verdict(f.verdict)
        }),
    }
}

fn percent(value: f64) -> String {
    if value.is_nan() {
        "—".to_string()
    } else {
        format!("{:.0} %", value * 100.0)
    }
}

/// A Markdown table, one row per subject and camera.
pub fn table(rows: &[SubjectStats]) -> String {
    let mut out = String::from(
        "| subject | camera | set-up | FH read | FH MAE | FH bias | FH ρ | ≥10° flagged | RS ≥3.5 cm flagged | slouch ≥0.5 flagged | distractor posture verdicts | looking down read | upright photos flagged |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {}/{} | {:.1}° | {:+.1}° | {} | {} | {} | {} | {} of {} | {} | {} |\n",
            r.subject,
            r.camera,
            r.webcam,
            r.forward_head_read,
            r.forward_head_frames,
            r.forward_head_mae_deg,
            r.forward_head_bias_deg,
            r.forward_head_rho
                .map_or_else(|| "—".to_string(), |rho| format!("{rho:.2}")),
            percent(r.forward_head_10_flagged),
            percent(r.rounded_35_flagged),
            percent(r.slouch_05_flagged),
            percent(r.distractor_posture),
            r.distractors,
            percent(r.looking_down_read),
            percent(r.upright_posture),
        ));
    }
    out
}

/// Every frame's truth, reading and verdict (for the benchmark's detail listing).
pub fn frame_lines(run: &SubjectRun) -> String {
    let mut out = String::new();
    for f in &run.frames {
        let number = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:+.1}"));
        out.push_str(&format!(
            "{:<52} true FH {:+6.1}  read {:>6}  pitch {:>6}  RS {:>6} (true {:+.1} cm)  {:?}\n",
            f.truth.file,
            f.truth.forward_head_change_deg(),
            number(f.forward_head_change_deg),
            number(f.head_pitch_change_deg),
            number(f.rounded_shoulder_change_deg),
            f.truth.delta_shoulder_protraction_trunk_cm,
            f.verdict,
        ));
    }
    out
}
