//! `plumbline analyze`: the pose (and, later, posture) of every frame of an input, as JSON lines
//! or CSV rows with a stable schema (documented in the README).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::geometry::{self, Analysis, Baseline, CameraIntrinsics, Metrics, Thresholds};
use crate::models::ModelLocator;
use crate::pose::{
    BlazePose, FaceMesh, FrameMode, LANDMARK_NAMES, LandmarkModel, Pose, PoseEstimator,
};
use crate::source::{self, FrameSource};

/// How rows are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Jsonl,
    Csv,
}

/// Validated settings of one `analyze` run.
#[derive(Clone, Debug)]
pub struct AnalyzeSettings {
    pub input: PathBuf,
    pub model: LandmarkModel,
    pub format: OutputFormat,
    pub out: Option<PathBuf>,
    pub fps: f64,
    /// Print timing and memory figures on stderr at the end.
    pub stats: bool,
    /// Judge every frame against this upright baseline.
    pub baseline: Option<PathBuf>,
    /// The camera's horizontal field of view in degrees, when known.
    pub hfov_deg: Option<f32>,
}

/// One analysed frame.
#[derive(Clone, Debug)]
pub struct FrameRow {
    pub frame: u64,
    pub time_s: f64,
    pub pose: Option<Pose>,
    /// Posture metrics of the pose (absent when nobody is there).
    pub metrics: Option<Metrics>,
    /// Deviation and verdict against a baseline, when one was given.
    pub analysis: Option<Analysis>,
}

/// Landmarks as a JSON object in model order: `{"nose": [x, y, z, visibility], …}`.
struct NamedLandmarks<'a>(&'a Pose);

impl Serialize for NamedLandmarks<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(LANDMARK_NAMES.len()))?;
        for (name, landmark) in LANDMARK_NAMES.iter().zip(self.0.landmarks.iter()) {
            map.serialize_entry(
                name,
                &[landmark.x, landmark.y, landmark.z, landmark.visibility],
            )?;
        }
        map.end()
    }
}

/// World landmarks as a JSON object in model order: `{"nose": [x, y, z], …}` in metres.
struct NamedWorldLandmarks<'a>(&'a Pose);

impl Serialize for NamedWorldLandmarks<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(LANDMARK_NAMES.len()))?;
        for (name, point) in LANDMARK_NAMES.iter().zip(self.0.world_landmarks.iter()) {
            map.serialize_entry(name, point)?;
        }
        map.end()
    }
}

/// The face mesh as `{"presence": p, "points": [[x, y, z], …]}` (468 points, frame pixels to
/// 0.01 px).
struct FaceMeshRow<'a>(&'a FaceMesh);

impl Serialize for FaceMeshRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let round = |value: f32| (value * 100.0).round() / 100.0;
        let points: Vec<[f32; 3]> = self.0.points.iter().map(|point| point.map(round)).collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("presence", &self.0.presence)?;
        map.serialize_entry("points", &points)?;
        map.end()
    }
}

impl Serialize for FrameRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("frame", &self.frame)?;
        map.serialize_entry("time_s", &round_time(self.time_s))?;
        map.serialize_entry("person", &self.pose.is_some())?;
        if let Some(pose) = &self.pose {
            map.serialize_entry("presence", &pose.presence)?;
            map.serialize_entry("landmarks", &NamedLandmarks(pose))?;
            map.serialize_entry("world_landmarks", &NamedWorldLandmarks(pose))?;
            if let Some(face) = &pose.face {
                map.serialize_entry("face", &FaceMeshRow(face))?;
            }
        }
        if let Some(metrics) = &self.metrics {
            map.serialize_entry("metrics", metrics)?;
        }
        if let Some(analysis) = &self.analysis {
            map.serialize_entry("deviation", &analysis.judgement.deviation)?;
            map.serialize_entry("verdict", &analysis.judgement.verdict)?;
            map.serialize_entry("verdict_confidence", &analysis.judgement.confidence)?;
            map.serialize_entry("reason", &analysis.judgement.reason)?;
        }
        map.end()
    }
}

/// Timestamps to the microsecond, so rows do not carry float noise like 0.30000000000000004.
fn round_time(time_s: f64) -> f64 {
    (time_s * 1e6).round() / 1e6
}

/// The CSV header: frame, time, person, presence, then x/y/z/visibility of each landmark and
/// world x/y/z of each landmark.
pub fn csv_header() -> String {
    let mut columns = vec![
        "frame".to_string(),
        "time_s".to_string(),
        "person".to_string(),
        "presence".to_string(),
    ];
    for name in LANDMARK_NAMES {
        for axis in ["x", "y", "z", "visibility"] {
            columns.push(format!("{name}_{axis}"));
        }
    }
    for name in LANDMARK_NAMES {
        for axis in ["x", "y", "z"] {
            columns.push(format!("world_{name}_{axis}"));
        }
    }
    for name in CSV_POSTURE_COLUMNS {
        columns.push(name.to_string());
    }
    columns.join(",")
}

/// The posture columns at the end of each CSV row (empty without a person or a baseline).
const CSV_POSTURE_COLUMNS: [&str; 7] = [
    "forward_head_deg",
    "rounded_shoulder_deg",
    "head_pitch_deg",
    "deviation_forward_head_deg",
    "deviation_rounded_shoulder_deg",
    "deviation_head_pitch_deg",
    "verdict",
];

fn cell(value: Option<f32>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// One CSV row matching [`csv_header`]; landmark cells are empty when nobody is there.
pub fn csv_row(row: &FrameRow) -> String {
    let mut cells = vec![
        row.frame.to_string(),
        round_time(row.time_s).to_string(),
        row.pose.is_some().to_string(),
    ];
    match &row.pose {
        Some(pose) => {
            cells.push(pose.presence.to_string());
            for landmark in &pose.landmarks {
                for value in [landmark.x, landmark.y, landmark.z, landmark.visibility] {
                    cells.push(value.to_string());
                }
            }
            for point in &pose.world_landmarks {
                cells.extend(point.iter().map(f32::to_string));
            }
        }
        None => cells.extend(std::iter::repeat_n(
            String::new(),
            1 + LANDMARK_NAMES.len() * 7,
        )),
    }
    let metrics = row.metrics.as_ref();
    cells.push(cell(metrics.and_then(|m| m.forward_head_deg)));
    cells.push(cell(metrics.and_then(|m| m.rounded_shoulder_deg)));
    cells.push(cell(metrics.and_then(|m| m.head_pitch_deg)));
    let deviation = row.analysis.as_ref().map(|a| &a.judgement.deviation);
    cells.push(cell(deviation.and_then(|d| d.forward_head_deg)));
    cells.push(cell(deviation.and_then(|d| d.rounded_shoulder_deg)));
    cells.push(cell(deviation.and_then(|d| d.head_pitch_deg)));
    cells.push(
        row.analysis
            .as_ref()
            .map(|a| a.judgement.verdict.as_str().to_string())
            .unwrap_or_default(),
    );
    cells.join(",")
}

/// Writes rows in the chosen format.
pub struct RowWriter<W: Write> {
    out: W,
    format: OutputFormat,
    wrote_header: bool,
}

impl<W: Write> RowWriter<W> {
    pub fn new(out: W, format: OutputFormat) -> Self {
        Self {
            out,
            format,
            wrote_header: false,
        }
    }

    pub fn write(&mut self, row: &FrameRow) -> std::io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, row)?;
                writeln!(self.out)
            }
            OutputFormat::Csv => {
                if !self.wrote_header {
                    writeln!(self.out, "{}", csv_header())?;
                    self.wrote_header = true;
                }
                writeln!(self.out, "{}", csv_row(row))
            }
        }
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Counts of one run, for the closing summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnalyzeSummary {
    pub frames: u64,
    pub frames_with_person: u64,
    pub skipped_frames: u64,
    /// Why the input gave fewer frames than it announced (a truncated video), if it did.
    pub ended_early: Option<String>,
    /// Wall time of each pose estimate (decoding and writing excluded), in milliseconds.
    pub estimate_wall_ms: Vec<f64>,
    /// Process CPU time spent in pose estimation, in milliseconds.
    pub estimate_cpu_ms: f64,
}

/// How rows get their posture numbers.
#[derive(Clone, Debug, Default)]
pub struct PostureContext {
    pub baseline: Option<Baseline>,
    pub hfov_deg: Option<f32>,
    pub thresholds: Thresholds,
}

impl PostureContext {
    fn camera_for(&self, pose: &Pose) -> CameraIntrinsics {
        if let Some(baseline) = &self.baseline {
            return baseline.camera;
        }
        let camera = CameraIntrinsics::new(pose.image_width, pose.image_height);
        match self.hfov_deg {
            Some(hfov) => camera.with_hfov(hfov),
            None => camera,
        }
    }

    /// Metrics of the pose, and deviation and verdict when there is a baseline.
    pub fn evaluate(&self, pose: Option<&Pose>) -> (Option<Metrics>, Option<Analysis>) {
        match &self.baseline {
            Some(baseline) => {
                let analysis = geometry::analyze(pose, baseline, &self.thresholds);
                (analysis.metrics, Some(analysis))
            }
            None => (
                pose.map(|pose| geometry::measure(pose, &self.camera_for(pose), None)),
                None,
            ),
        }
    }
}

/// Runs `estimator` over every frame of `source`, handing each row to `sink`.
pub fn analyze_frames(
    source: &mut dyn FrameSource,
    estimator: &mut dyn PoseEstimator,
    posture: &PostureContext,
    mut sink: impl FnMut(&FrameRow) -> anyhow::Result<()>,
) -> anyhow::Result<AnalyzeSummary> {
    let mut summary = AnalyzeSummary::default();
    while let Some(frame) = source.next_frame()? {
        let (wall_start, cpu_start) = (std::time::Instant::now(), crate::cost::process_cpu_time());
        let pose = estimator
            .estimate(&frame.image, frame.time_s)
            .with_context(|| format!("frame {} of {}", frame.index, source.describe()))?;
        summary
            .estimate_wall_ms
            .push(wall_start.elapsed().as_secs_f64() * 1e3);
        summary.estimate_cpu_ms +=
            (crate::cost::process_cpu_time().saturating_sub(cpu_start)).as_secs_f64() * 1e3;
        summary.frames += 1;
        summary.frames_with_person += u64::from(pose.is_some());
        let (metrics, analysis) = posture.evaluate(pose.as_ref());
        sink(&FrameRow {
            frame: frame.index,
            time_s: frame.time_s,
            pose,
            metrics,
            analysis,
        })?;
    }
    summary.skipped_frames = source.skipped_frames();
    summary.ended_early = source.ended_early();
    Ok(summary)
}

/// Tracking and smoothing for videos; independent detection for pictures.
pub fn frame_mode_for(input: &Path, source: &dyn FrameSource) -> FrameMode {
    if input.is_dir() || source.frame_count_hint() == Some(1) && !source.is_video() {
        FrameMode::Stills
    } else if source.is_video() || source.is_live() {
        FrameMode::Video
    } else {
        FrameMode::Stills
    }
}

/// The `analyze` command.
pub fn run(settings: &AnalyzeSettings, locator: &ModelLocator) -> anyhow::Result<AnalyzeSummary> {
    let baseline = settings
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()?;
    let posture = PostureContext {
        baseline,
        hfov_deg: settings.hfov_deg,
        thresholds: Thresholds::default(),
    };
    let mut source = source::open_path(&settings.input, settings.fps)?;
    let mode = frame_mode_for(&settings.input, source.as_ref());
    let mut estimator = BlazePose::new(locator, settings.model, mode)?;
    let output: Box<dyn Write> = match &settings.out {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot create output file {}", path.display())
            })?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = RowWriter::new(output, settings.format);
    let progress = progress_bar(source.frame_count_hint());
    let summary = analyze_frames(source.as_mut(), &mut estimator, &posture, |row| {
        progress.inc(1);
        writer.write(row).context("cannot write the output")?;
        Ok(())
    })?;
    progress.finish_and_clear();
    writer.finish().context("cannot write the output")?;
    if settings.stats {
        eprintln!("{}", stats_line(settings, &summary, &estimator));
    }
    if let Some(note) = &summary.ended_early {
        eprintln!("plumbline: warning: {note}");
    }
    if std::io::stderr().is_terminal() {
        eprintln!(
            "analyzed {} frames ({} with a person, {} unreadable frames skipped)",
            summary.frames, summary.frames_with_person, summary.skipped_frames
        );
    }
    Ok(summary)
}

/// The `--stats` line: per-frame timings of the pose engine and the process's peak memory.
fn stats_line(
    settings: &AnalyzeSettings,
    summary: &AnalyzeSummary,
    estimator: &BlazePose,
) -> String {
    let mut sorted = summary.estimate_wall_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let frames = summary.frames.max(1) as f64;
    let counters = estimator.counters();
    serde_json::json!({
        "impl": "plumbline",
        "model": settings.model.as_str(),
        "frames": summary.frames,
        "frames_with_person": summary.frames_with_person,
        "detector_runs": counters.detector_runs,
        "landmark_runs": counters.landmark_runs,
        "face_runs": counters.face_runs,
        "face_cpu_ms_per_frame": counters.face_seconds * 1e3 / frames,
        "median_wall_ms": median,
        "cpu_ms_per_frame": summary.estimate_cpu_ms / frames,
        "peak_rss_mb": crate::cost::memory().peak_resident as f64 / 1e6,
    })
    .to_string()
}

/// A progress bar on stderr for inputs of more than one frame, hidden when stderr is not a
/// terminal.
fn progress_bar(frames: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() || frames.is_some_and(|count| count <= 1) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match frames {
        Some(count) => indicatif::ProgressBar::new(count),
        None => indicatif::ProgressBar::new_spinner(),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} frames [{elapsed_precise}] {per_sec}",
    ) {
        bar.set_style(style);
    }
    bar
}
