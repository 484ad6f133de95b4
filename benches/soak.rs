//! Soak and cost benchmark of the monitoring pipeline (run with `cargo bench --bench soak`).
//!
//! 1. Soak: the full pipeline (capture and analysis threads, pose, geometry, state machine,
//!    coach) over ≥ 50,000 frames of the 640×480 fixture video replayed as fast as possible;
//!    prints resident memory at the start and the end and CPU per analysed frame.
//! 2. Cost: monitoring at the default settings in real time, as the average CPU use of the
//!    whole process as a share of one core: on the H.264 video (every frame decoded, as a video
//!    file must be), on the same frames decoded beforehand (like a camera, whose frames are only
//!    decoded when an analysis is due), and on a still scene, each with and without the reuse
//!    of frames that barely changed.
//!
//! Rows are printed as `key=value` pairs so runs can be compared side by side.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use plumbline::cost;
use plumbline::geometry::{self, CameraIntrinsics};
use plumbline::models::ModelLocator;
use plumbline::pipeline::{LiveInput, PipelineMessage, Session, Speed, spawn};
use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
use plumbline::settings::Settings;
use plumbline::source::{self, Frame, FrameSource, SourceError};
use plumbline::wiring::build_session;

/// Replays a video `loops` times with continuous timestamps.
struct Looped {
    path: PathBuf,
    loops_left: u32,
    current: Box<dyn FrameSource>,
    time_offset: f64,
    last_time: f64,
    period: f64,
    index: u64,
}

impl Looped {
    fn new(path: &Path, loops: u32) -> Result<Self, SourceError> {
        Ok(Self {
            path: path.to_path_buf(),
            loops_left: loops.saturating_sub(1),
            current: source::open_path(path, 1.0)?,
            time_offset: 0.0,
            last_time: 0.0,
            period: 1.0 / 30.0,
            index: 0,
        })
    }
}

impl FrameSource for Looped {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        loop {
            if let Some(mut frame) = self.current.next_frame()? {
                frame.time_s += self.time_offset;
                frame.index = self.index;
                self.index += 1;
                self.last_time = frame.time_s;
                return Ok(Some(frame));
            }
            if self.loops_left == 0 {
                return Ok(None);
            }
            self.loops_left -= 1;
            self.time_offset = self.last_time + self.period;
            self.current = source::open_path(&self.path, 1.0)?;
        }
    }

    fn describe(&self) -> String {
        format!("{} (looped)", self.path.display())
    }

    fn is_video(&self) -> bool {
        true
    }
}

/// Frames decoded beforehand, replayed `loops` times at 30 fps (a camera-like source: no
/// decoding cost while playing; each frame is a copy of one in memory).
struct Replay {
    frames: Vec<image::RgbImage>,
    loops: u32,
    next: u64,
}

impl Replay {
    fn of_video(loops: u32) -> Self {
        let mut source = source::open_path(&video(), 1.0).unwrap_or_else(|error| panic!("{error}"));
        let mut frames = Vec::new();
        while let Ok(Some(frame)) = source.next_frame() {
            frames.push(frame.image);
        }
        Self {
            frames,
            loops,
            next: 0,
        }
    }

    /// The first frame of the video, held still (with the sensor noise a webcam adds).
    fn still(seconds: u32) -> Self {
        let first = Self::of_video(1).frames.swap_remove(0);
        let frames = (0..30u8)
            .map(|seed| {
                let mut frame = first.clone();
                for (index, value) in frame.iter_mut().enumerate() {
                    let noise =
                        ((index as u32).wrapping_mul(2_654_435_761) >> 30) as u8 ^ (seed & 1);
                    *value = value.saturating_add(noise & 1);
                }
                frame
            })
            .collect();
        Self {
            frames,
            loops: seconds,
            next: 0,
        }
    }
}

impl FrameSource for Replay {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        let total = self.frames.len() as u64 * u64::from(self.loops);
        if self.next >= total || self.frames.is_empty() {
            return Ok(None);
        }
        let index = self.next;
        self.next += 1;
        Ok(Some(Frame {
            image: self.frames[(index % self.frames.len() as u64) as usize].clone(),
            time_s: index as f64 / 30.0,
            index,
        }))
    }

    fn describe(&self) -> String {
        "frames in memory".to_string()
    }

    fn is_video(&self) -> bool {
        true
    }
}

fn video() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/carphone_640x480.mp4")
}

fn locator() -> ModelLocator {
    ModelLocator::in_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// A baseline from the first seconds of the video (a single frame if the gates refuse).
fn baseline() -> geometry::Baseline {
    let mut estimator = BlazePose::new(&locator(), LandmarkModel::Lite, FrameMode::Video)
        .unwrap_or_else(|error| panic!("engine: {error}"));
    let mut frames = source::open_path(&video(), 1.0).unwrap_or_else(|error| panic!("{error}"));
    let mut poses = Vec::new();
    while let Ok(Some(frame)) = frames.next_frame() {
        poses.push(
            estimator
                .estimate(&frame.image, frame.time_s)
                .ok()
                .flatten(),
        );
        if poses.len() == 60 {
            break;
        }
    }
    let camera = CameraIntrinsics::new(640, 480);
    match geometry::calibrate_with_report(&poses, &camera).1 {
        Ok(baseline) => baseline,
        Err(_) => geometry::calibrate_needing(&poses[..1], &camera, 1)
            .1
            .unwrap_or_else(|error| panic!("no baseline: {error}")),
    }
}

fn session(skip_unchanged: bool) -> Session {
    let settings = Settings::default();
    let mut session = build_session(
        &locator(),
        &settings,
        settings.model,
        FrameMode::Video,
        Some(baseline()),
        None,
        false,
    )
    .unwrap_or_else(|error| panic!("session: {error}"));
    session.set_skip_unchanged(skip_unchanged);
    session
}

struct RunFigures {
    frames: u64,
    analysed: u64,
    reused: u64,
    rss_start_mb: f64,
    /// Resident memory once a tenth of the input has been played (warm-up over).
    rss_warm_mb: f64,
    rss_end_mb: f64,
    cpu_s: f64,
    wall_s: f64,
}

fn run(
    source: Box<dyn FrameSource>,
    duration_s: f64,
    speed: Speed,
    skip_unchanged: bool,
) -> RunFigures {
    let session = session(skip_unchanged);
    let input = LiveInput::Source { source, speed };
    let (sender, receiver) = mpsc::channel();
    let cpu_start = cost::process_cpu_time();
    let started = Instant::now();
    let handle = spawn(input, session, move |message| {
        let _ = sender.send(message);
    })
    .unwrap_or_else(|error| panic!("spawn: {error}"));
    let mut rss_start = None;
    let mut rss_warm = None;
    let mut figures = None;
    for message in receiver {
        match message {
            PipelineMessage::Step { output, .. } => {
                // Memory after the first analysed frame, and once a tenth of the input played.
                rss_start.get_or_insert_with(|| cost::memory().resident);
                if output.time_s >= duration_s / 10.0 {
                    rss_warm.get_or_insert_with(|| cost::memory().resident);
                }
            }
            PipelineMessage::Finished { counters, .. } => {
                figures = Some(RunFigures {
                    frames: counters.frames_seen,
                    analysed: counters.frames_analysed,
                    reused: counters.frames_reused,
                    rss_start_mb: rss_start.unwrap_or(0) as f64 / 1e6,
                    rss_warm_mb: rss_warm.unwrap_or(0) as f64 / 1e6,
                    rss_end_mb: cost::memory().resident as f64 / 1e6,
                    cpu_s: cost::process_cpu_time()
                        .saturating_sub(cpu_start)
                        .as_secs_f64(),
                    wall_s: started.elapsed().as_secs_f64(),
                });
                break;
            }
            PipelineMessage::Failed(reason) => panic!("pipeline failed: {reason}"),
        }
    }
    handle.wait();
    figures.unwrap_or_else(|| panic!("the run did not finish"))
}

fn looped(loops: u32) -> Box<dyn FrameSource> {
    Box::new(Looped::new(&video(), loops).unwrap_or_else(|error| panic!("{error}")))
}

fn print_realtime(input: &str, skip: bool, figures: &RunFigures) {
    println!(
        "realtime: input={input} skip_unchanged={skip} frames_offered={} analysed={} reused={} cpu_share_of_one_core={:.4} cpu_s={:.2} wall_s={:.1}",
        figures.frames,
        figures.analysed,
        figures.reused,
        figures.cpu_s / figures.wall_s,
        figures.cpu_s,
        figures.wall_s
    );
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let soak_loops = if quick { 20 } else { 420 };
    let realtime_loops = if quick { 2 } else { 8 };
    let clip_s = 4.0;

    let soak = run(
        looped(soak_loops),
        soak_loops as f64 * clip_s,
        Speed::Max,
        true,
    );
    println!(
        "soak: frames={} analysed={} reused={} rss_after_first_frame_mb={:.1} rss_after_10pct_mb={:.1} rss_end_mb={:.1} growth_after_warmup_mb={:.1} cpu_ms_per_analysed_frame={:.2} cpu_ms_per_frame={:.3} wall_s={:.1}",
        soak.frames,
        soak.analysed,
        soak.reused,
        soak.rss_start_mb,
        soak.rss_warm_mb,
        soak.rss_end_mb,
        soak.rss_end_mb - soak.rss_warm_mb,
        soak.cpu_s * 1e3 / soak.analysed.max(1) as f64,
        soak.cpu_s * 1e3 / soak.frames.max(1) as f64,
        soak.wall_s
    );
    let duration = realtime_loops as f64 * clip_s;
    let figures = run(looped(realtime_loops), duration, Speed::Realtime, true);
    print_realtime("h264_video", true, &figures);
    for skip in [true, false] {
        let figures = run(
            Box::new(Replay::of_video(realtime_loops)),
            duration,
            Speed::Realtime,
            skip,
        );
        print_realtime("decoded_frames", skip, &figures);
    }
    for skip in [true, false] {
        let figures = run(
            Box::new(Replay::still(realtime_loops * 4)),
            duration,
            Speed::Realtime,
            skip,
        );
        print_realtime("still_scene", skip, &figures);
    }
}
