//! The monitoring pipeline's threads: a capture thread (camera or video file) and an analysis
//! thread joined by a one-frame hand-off where the newest frame wins, commands in over a
//! channel, results out to a sink. Shutdown is clean: dropping the handle stops and joins both.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::camera::{
    CameraDevice, CameraFault, CameraPoll, CameraSettings, CameraSupervisor, NokhwaCamera,
};
use crate::clock::{ClockAnchor, ClockWatch, SystemClock, WallClock};
use crate::source::{self, Frame, FrameSource};

use super::handoff::{Item, Slot, Taken};
use super::session::{Session, SessionCommand, SessionCounters, StepOutput};

/// Where frames come from.
pub enum LiveInput {
    Camera(CameraSettings),
    /// Any camera device (tests use a scripted fake).
    Device(Box<dyn CameraDevice>),
    /// Any frame source (benchmarks replay a video many times).
    Source {
        source: Box<dyn FrameSource>,
        speed: Speed,
    },
    File {
        path: PathBuf,
        speed: Speed,
        fps_for_images: f64,
    },
}

impl std::fmt::Debug for LiveInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiveInput::Camera(settings) => write!(f, "Camera({settings:?})"),
            LiveInput::Device(device) => write!(f, "Device({})", device.describe()),
            LiveInput::File { path, speed, .. } => write!(f, "File({}, {speed:?})", path.display()),
            LiveInput::Source { source, speed } => {
                write!(f, "Source({}, {speed:?})", source.describe())
            }
        }
    }
}

/// How fast a file is played.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Speed {
    /// At the pace of its timestamps, like a camera.
    Realtime,
    /// As fast as the analysis allows; every frame is offered to the rate limiter.
    Max,
}

/// What the pipeline costs and how often it analyses, recently.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Meters {
    pub analysis_fps: f32,
    /// plumbline's CPU use as a share of one core.
    pub cpu_share: f32,
}

/// What comes out of the pipeline.
#[derive(Debug)]
pub enum PipelineMessage {
    Step {
        output: Box<StepOutput>,
        meters: Meters,
    },
    /// The input ended (files only).
    Finished {
        counters: SessionCounters,
        frames_overwritten: u64,
        /// Why the file gave fewer frames than it announced (truncated), if it did.
        ended_early: Option<String>,
    },
    /// Monitoring cannot go on (the pose engine failed, the file cannot be read).
    Failed(String),
}

/// What goes into the pipeline.
#[derive(Clone, Debug, PartialEq)]
pub enum PipelineCommand {
    Session(SessionCommand),
    /// Try the camera again now.
    RetryCamera,
}

struct Shared {
    slot: Slot,
    stop: AtomicBool,
    camera_wanted: AtomicBool,
    retry_now: AtomicBool,
    /// When the next frame is due for analysis, as f64 bits of the session clock.
    next_due: AtomicU64,
    /// Set by the capture side when a file ended before the frames it announced.
    ended_early: std::sync::Mutex<Option<String>>,
}

impl Shared {
    fn next_due(&self) -> f64 {
        f64::from_bits(self.next_due.load(Ordering::Relaxed))
    }
}

/// A running pipeline. Dropping it stops and joins the threads.
pub struct PipelineHandle {
    commands: mpsc::Sender<PipelineCommand>,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl PipelineHandle {
    pub fn send(&self, command: PipelineCommand) {
        // A closed channel means the analysis thread ended; nothing is waiting for commands.
        let _ = self.commands.send(command);
    }

    /// A sender for commands, for other threads (desktop signals).
    pub fn command_sender(&self) -> mpsc::Sender<PipelineCommand> {
        self.commands.clone()
    }

    /// Stops both threads and waits for them.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    /// Waits until the input ends by itself (files), then joins.
    pub fn wait(mut self) {
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    fn stop_and_join(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.slot.close();
        for thread in self.threads.drain(..) {
            // Workers catch their own panics and report them as `Failed`; a join error is
            // only possible if reporting itself panicked.
            let _ = thread.join();
        }
    }
}

impl Drop for PipelineHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Starts the pipeline on the system clock. `sink` receives every message on the analysis
/// thread.
pub fn spawn(
    input: LiveInput,
    session: Session,
    sink: impl FnMut(PipelineMessage) + Send + 'static,
) -> std::io::Result<PipelineHandle> {
    spawn_with_clock(input, session, Some(Arc::new(SystemClock)), sink)
}

/// Starts the pipeline. On a camera, and on a file played in real time, `wall` stamps the
/// session's times in UTC and is followed across suspends and clock changes. Without it, or
/// on a file played as fast as possible, the session keeps its own anchor (a recording's
/// times are its own, e.g. from `monitor --start`).
pub fn spawn_with_clock(
    input: LiveInput,
    mut session: Session,
    wall: Option<Arc<dyn WallClock>>,
    mut sink: impl FnMut(PipelineMessage) + Send + 'static,
) -> std::io::Result<PipelineHandle> {
    let shared = Arc::new(Shared {
        slot: Slot::new(),
        stop: AtomicBool::new(false),
        camera_wanted: AtomicBool::new(session.wants_camera()),
        retry_now: AtomicBool::new(false),
        next_due: AtomicU64::new(0f64.to_bits()),
        ended_early: std::sync::Mutex::new(None),
    });
    let start = Instant::now();
    let live = matches!(input, LiveInput::Camera(_) | LiveInput::Device(_));
    let realtime = matches!(
        input,
        LiveInput::File {
            speed: Speed::Realtime,
            ..
        } | LiveInput::Source {
            speed: Speed::Realtime,
            ..
        }
    );
    let watch = wall.filter(|_| live || realtime).map(|wall| {
        let anchor = ClockAnchor {
            monitor_s: 0.0,
            unix_ms: wall.unix_ms(),
        };
        session.set_wall_anchor(anchor);
        (ClockWatch::new(anchor), wall)
    });
    let (commands, command_receiver) = mpsc::channel();

    let capture_shared = Arc::clone(&shared);
    let capture = std::thread::Builder::new()
        .name("plumbline-capture".to_string())
        .spawn(move || {
            let captured = std::panic::catch_unwind(AssertUnwindSafe(|| match input {
                LiveInput::Camera(settings) => capture_camera(
                    CameraSupervisor::new(NokhwaCamera::new(settings)),
                    &capture_shared,
                    start,
                ),
                LiveInput::Device(device) => {
                    capture_camera(CameraSupervisor::new(device), &capture_shared, start)
                }
                LiveInput::File {
                    path,
                    speed,
                    fps_for_images,
                } => match source::open_path(&path, fps_for_images) {
                    Ok(frames) => play(frames, speed, &capture_shared),
                    Err(error) => {
                        capture_shared
                            .slot
                            .put_newest(Item::Fault(CameraFault::Other(error.to_string())));
                        capture_shared.slot.put_waiting(Item::End);
                    }
                },
                LiveInput::Source { source, speed } => play(source, speed, &capture_shared),
            }));
            if let Err(panic) = captured {
                capture_shared.slot.put_newest(Item::Crashed(format!(
                    "the capture thread stopped ({})",
                    panic_message(panic.as_ref())
                )));
            }
        })?;

    let analysis_shared = Arc::clone(&shared);
    let analysis = std::thread::Builder::new()
        .name("plumbline-analysis".to_string())
        .spawn(move || {
            let analysed = std::panic::catch_unwind(AssertUnwindSafe(|| {
                analyse(
                    &mut session,
                    &analysis_shared,
                    &command_receiver,
                    &mut sink,
                    start,
                    live,
                    watch,
                )
            }));
            if let Err(panic) = analysed {
                analysis_shared.stop.store(true, Ordering::SeqCst);
                analysis_shared.slot.close();
                sink(PipelineMessage::Failed(crashed(&format!(
                    "the analysis thread stopped ({})",
                    panic_message(panic.as_ref())
                ))));
            }
        })?;

    Ok(PipelineHandle {
        commands,
        shared,
        threads: vec![capture, analysis],
    })
}

/// What a panic said, if it said it as text.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "no message".to_string()
    }
}

/// The user's message for a worker that panicked: what stopped, and what to do.
fn crashed(what: &str) -> String {
    format!(
        "Monitoring stopped: {what}. This is a bug in plumbline, not something you did; \
         start plumbline again, and if it happens again please report this message."
    )
}

/// Sleeps up to `duration` in short steps, returning early when asked to stop or retry.
fn nap(shared: &Shared, duration: Duration) {
    let deadline = Instant::now() + duration;
    while Instant::now() < deadline
        && !shared.stop.load(Ordering::Relaxed)
        && !shared.retry_now.load(Ordering::Relaxed)
    {
        std::thread::sleep(Duration::from_millis(50).min(deadline - Instant::now()));
    }
}

fn capture_camera<D: CameraDevice>(
    mut supervisor: CameraSupervisor<D>,
    shared: &Shared,
    start: Instant,
) {
    let mut index = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        if !shared.camera_wanted.load(Ordering::Relaxed) {
            supervisor.release();
            nap(shared, Duration::from_millis(250));
            continue;
        }
        if shared.retry_now.swap(false, Ordering::Relaxed) {
            supervisor.release();
        }
        let now = start.elapsed().as_secs_f64();
        let decode = now >= shared.next_due();
        match supervisor.poll_for(now, decode) {
            CameraPoll::Frame(image) => {
                shared.slot.put_newest(Item::Frame(Frame {
                    image,
                    time_s: now,
                    index,
                }));
                index += 1;
            }
            CameraPoll::Skipped => {}
            CameraPoll::Fault { fault, retry_at } => {
                shared.slot.put_newest(Item::Fault(fault));
                nap(
                    shared,
                    Duration::from_secs_f64((retry_at - now).clamp(0.05, 1.0)),
                );
            }
        }
    }
}

fn play(mut frames: Box<dyn FrameSource>, speed: Speed, shared: &Shared) {
    let started = Instant::now();
    let mut first_time = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let frame = match frames.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(error) => {
                shared
                    .slot
                    .put_newest(Item::Fault(CameraFault::Other(error.to_string())));
                break;
            }
        };
        match speed {
            Speed::Max => {
                if !shared.slot.put_waiting(Item::Frame(frame)) {
                    return;
                }
            }
            Speed::Realtime => {
                let origin = *first_time.get_or_insert(frame.time_s);
                let due = Duration::from_secs_f64((frame.time_s - origin).max(0.0));
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    nap(shared, wait);
                }
                if frame.time_s >= shared.next_due() {
                    shared.slot.put_newest(Item::Frame(frame));
                }
            }
        }
    }
    if let Some(note) = frames.ended_early() {
        *shared
            .ended_early
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(note);
    }
    shared.slot.put_waiting(Item::End);
}

/// Tracks the analysis rate and CPU share over a sliding window.
struct MeterWindow {
    window_start: Instant,
    cpu_start: Duration,
    analysed: u32,
    current: Meters,
}

/// Meters are recomputed over windows of this length.
const METER_WINDOW: Duration = Duration::from_secs(5);

impl MeterWindow {
    fn new() -> Self {
        Self {
            window_start: Instant::now(),
            cpu_start: crate::cost::process_cpu_time(),
            analysed: 0,
            current: Meters::default(),
        }
    }

    fn record(&mut self, analysed: bool) -> Meters {
        self.analysed += u32::from(analysed);
        let elapsed = self.window_start.elapsed();
        if elapsed >= METER_WINDOW {
            let cpu = crate::cost::process_cpu_time();
            self.current = Meters {
                analysis_fps: self.analysed as f32 / elapsed.as_secs_f32(),
                cpu_share: crate::cost::core_share(cpu.saturating_sub(self.cpu_start), elapsed)
                    as f32,
            };
            *self = Self {
                window_start: Instant::now(),
                cpu_start: cpu,
                analysed: 0,
                current: self.current,
            };
        }
        self.current
    }
}

/// How long the analysis thread waits for a frame before ticking the state machine.
const QUIET_TICK: Duration = Duration::from_millis(500);

fn analyse(
    session: &mut Session,
    shared: &Shared,
    commands: &mpsc::Receiver<PipelineCommand>,
    sink: &mut impl FnMut(PipelineMessage),
    start: Instant,
    live: bool,
    mut watch: Option<(ClockWatch, Arc<dyn WallClock>)>,
) {
    let mut meters = MeterWindow::new();
    let mut camera_failing: Option<CameraFault> = None;
    let mut last_time = 0.0f64;
    let now = |last_time: f64| {
        if live {
            start.elapsed().as_secs_f64()
        } else {
            last_time
        }
    };
    loop {
        // A suspend stops the monotonic clock but not the wall clock: compare them before
        // anything else is stamped.
        if let Some((watch, wall)) = &mut watch
            && let Some(jump) = watch.observe(start.elapsed().as_secs_f64(), wall.unix_ms())
        {
            let output = session.on_clock_jump(jump);
            sink(PipelineMessage::Step {
                output: Box::new(output),
                meters: meters.record(false),
            });
        }
        while let Ok(command) = commands.try_recv() {
            match command {
                PipelineCommand::RetryCamera => shared.retry_now.store(true, Ordering::Relaxed),
                PipelineCommand::Session(command) => {
                    let output = session.on_command(command, now(last_time));
                    let meters = meters.record(false);
                    sink(PipelineMessage::Step {
                        output: Box::new(output),
                        meters,
                    });
                }
            }
        }
        shared
            .camera_wanted
            .store(session.wants_camera(), Ordering::Relaxed);
        match shared.slot.take(QUIET_TICK) {
            Taken::Item(Item::Frame(frame)) => {
                last_time = frame.time_s;
                if let Some(fault) = camera_failing.take() {
                    tracing::info!("camera: pictures again after {fault}");
                    let output = session.on_camera_ok(frame.time_s);
                    sink(PipelineMessage::Step {
                        output: Box::new(output),
                        meters: meters.record(false),
                    });
                }
                match session.on_frame(&frame) {
                    Ok(Some(output)) => {
                        let rate = session.current_rate().max(0.01) as f64;
                        let due = frame.time_s + 0.95 / rate;
                        shared.next_due.store(due.to_bits(), Ordering::Relaxed);
                        sink(PipelineMessage::Step {
                            output: Box::new(output),
                            meters: meters.record(true),
                        });
                    }
                    Ok(None) => {}
                    Err(error) => {
                        tracing::error!("analysis failed: {error:#}");
                        sink(PipelineMessage::Failed(format!("{error:#}")));
                        shared.stop.store(true, Ordering::SeqCst);
                        shared.slot.close();
                        return;
                    }
                }
            }
            Taken::Item(Item::Fault(fault)) => {
                if camera_failing.as_ref() != Some(&fault) {
                    tracing::warn!("camera: {fault}");
                    camera_failing = Some(fault.clone());
                    if live {
                        let output = session.on_camera_fault(fault, now(last_time));
                        sink(PipelineMessage::Step {
                            output: Box::new(output),
                            meters: meters.record(false),
                        });
                    } else {
                        sink(PipelineMessage::Failed(fault.to_string()));
                    }
                }
            }
            Taken::Item(Item::Crashed(reason)) => {
                tracing::error!("{}", crashed(&reason));
                sink(PipelineMessage::Failed(crashed(&reason)));
                shared.stop.store(true, Ordering::SeqCst);
                shared.slot.close();
                return;
            }
            Taken::Item(Item::End) => {
                let ended_early = shared
                    .ended_early
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                sink(PipelineMessage::Finished {
                    counters: session.counters(),
                    frames_overwritten: shared.slot.overwritten(),
                    ended_early,
                });
                shared.slot.close();
                return;
            }
            Taken::Empty => {
                if live {
                    let output = session.on_quiet(now(last_time));
                    sink(PipelineMessage::Step {
                        output: Box::new(output),
                        meters: meters.record(false),
                    });
                }
            }
            Taken::Closed => return,
        }
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
    }
}
