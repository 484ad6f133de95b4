//! One monitoring session's logic, without threads: each frame (or camera fault, or quiet
//! moment, or user command) goes through pose → geometry → state machine → coach and comes out
//! as a [`StepOutput`]. The threads in `runner` only move data in and out of this, so the whole
//! chain is tested with a fake pose estimator and timestamps passed in.

use std::path::PathBuf;
use std::sync::Arc;

use image::RgbImage;

use crate::camera::CameraFault;
use crate::clock::{ClockAnchor, ClockJump, Date, Zone};
use crate::coach::{Coach, CoachMessage};
use crate::geometry::{self, Analysis, Baseline, CameraIntrinsics, MetricsWindow, Thresholds};
use crate::monitor::{
    CameraFaultKind, Control, Event, HoldReason, Monitor, MonitorState, Observation, PromptKind,
    Status, SubjectBox,
};
use crate::pose::{Pose, PoseError, PoseEstimator, landmark};
use crate::source::Frame;

use super::pacing::{self, Thumbnail};

/// How long the guided calibration collects upright frames.
pub const CALIBRATION_SECONDS: f64 = 5.0;

/// Preview images sent to the UI are at most this wide (memory only, never stored).
const PREVIEW_WIDTH: u32 = 640;

/// A user or system request to the session.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionCommand {
    Pause,
    Resume,
    Snooze {
        minutes: u32,
    },
    StartCalibration,
    CancelCalibration,
    PromptDone,
    PromptDismissed,
    /// The system holds monitoring (screen locked, asleep, camera in use): the camera is
    /// released until every hold is released.
    Hold(HoldReason),
    Release(HoldReason),
}

/// Progress of a calibration, for the UI and the CLI.
#[derive(Clone, Debug, PartialEq)]
pub enum CalibrationProgress {
    Collecting {
        progress: f32,
        feedback: Vec<String>,
    },
    Succeeded {
        baseline: Box<Baseline>,
        /// Why the new baseline could not be saved, if it could not (it is used all the same).
        not_saved: Option<String>,
    },
    Failed {
        reasons: Vec<String>,
    },
}

/// Everything one step produced.
#[derive(Clone, Debug)]
pub struct StepOutput {
    pub time_s: f64,
    pub frame_size: [u32; 2],
    pub preview: Option<Arc<RgbImage>>,
    pub pose: Option<Pose>,
    pub analysis: Option<Analysis>,
    pub status: Status,
    pub events: Vec<Event>,
    pub prompt: Option<CoachMessage>,
    pub calibration: Option<CalibrationProgress>,
    pub camera_fault: Option<CameraFault>,
    /// The pose was reused from the previous analysed frame (the scene had not changed).
    pub reused_pose: bool,
    /// Maps this output's times (seconds on the session's monotonic clock) to UTC.
    pub wall: ClockAnchor,
    /// The wall clock jumped just before this step (a suspend, or the time changed).
    pub clock_jump: Option<ClockJump>,
}

/// Settings of a session.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    pub base_fps: f32,
    /// Reuse the last pose when a frame barely differs from the last analysed one.
    pub skip_unchanged: bool,
    /// Send a downscaled copy of analysed frames (for the live view).
    pub keep_preview: bool,
    pub thresholds: Thresholds,
    /// Where a new baseline is saved after calibration.
    pub baseline_path: Option<PathBuf>,
    /// Where local days begin: the day's totals start again at local midnight.
    pub zone: Zone,
}

/// Counters of a session, for benchmarks and the UI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionCounters {
    pub frames_seen: u64,
    pub frames_analysed: u64,
    pub frames_reused: u64,
    pub frames_skipped_by_rate: u64,
}

struct Calibration {
    started_s: f64,
    frames: Vec<Option<Pose>>,
}

/// The session's state.
pub struct Session {
    estimator: Box<dyn PoseEstimator>,
    settings: SessionSettings,
    baseline: Option<Baseline>,
    monitor: Monitor,
    coach: Coach,
    calibration: Option<Calibration>,
    last_analysed_s: Option<f64>,
    last_thumbnail: Option<(Thumbnail, f64)>,
    last_pose: Option<Pose>,
    /// The last seconds of metrics, judged together.
    metrics_window: MetricsWindow,
    last_prompt_kind: Option<PromptKind>,
    counters: SessionCounters,
    /// Maps session seconds to UTC; moved by [`Session::on_clock_jump`].
    wall: ClockAnchor,
    /// The local day the monitor's totals are for.
    day: Option<Date>,
}

/// The monitor's view of where the person is: shoulder midpoint and width, as fractions of the
/// frame (the same measures the baseline records).
pub fn subject_of(pose: &Pose) -> Option<SubjectBox> {
    let left = pose.point(landmark::LEFT_SHOULDER);
    let right = pose.point(landmark::RIGHT_SHOULDER);
    let (width, height) = (pose.image_width as f32, pose.image_height as f32);
    if width <= 0.0 || height <= 0.0 {
        return None;
    }
    Some(SubjectBox {
        center_x: (left.x + right.x) / 2.0 / width,
        center_y: (left.y + right.y) / 2.0 / height,
        size: (left.x - right.x).hypot(left.y - right.y) / width,
    })
}

fn subject_of_baseline(baseline: &Baseline) -> SubjectBox {
    SubjectBox {
        center_x: baseline.subject.x,
        center_y: baseline.subject.y,
        size: baseline.subject.size,
    }
}

/// The monitor's input for one analysed frame.
pub fn observation_of(time_s: f64, pose: Option<&Pose>, analysis: &Analysis) -> Observation {
    let deviation = &analysis.judgement.deviation;
    Observation {
        time_s,
        verdict: analysis.judgement.verdict,
        forward_head_dev_deg: deviation.forward_head_deg,
        rounded_shoulder_dev_deg: deviation.rounded_shoulder_deg,
        lateral_dev_deg: deviation.shoulder_roll_deg.map(f32::abs),
        confidence: analysis.judgement.confidence,
        subject: pose.and_then(subject_of),
    }
}

fn downscaled(image: &RgbImage) -> Arc<RgbImage> {
    if image.width() <= PREVIEW_WIDTH {
        return Arc::new(image.clone());
    }
    let height =
        (image.height() as u64 * PREVIEW_WIDTH as u64 / image.width() as u64).max(1) as u32;
    Arc::new(image::imageops::resize(
        image,
        PREVIEW_WIDTH,
        height,
        image::imageops::FilterType::Triangle,
    ))
}

impl Session {
    /// A session; with a baseline it starts monitoring, without one it waits for calibration.
    pub fn new(
        estimator: Box<dyn PoseEstimator>,
        settings: SessionSettings,
        baseline: Option<Baseline>,
        monitor: Monitor,
        coach: Coach,
        start_s: f64,
    ) -> Self {
        let mut session = Self {
            estimator,
            settings,
            baseline: None,
            monitor,
            coach,
            calibration: None,
            last_analysed_s: None,
            last_thumbnail: None,
            last_pose: None,
            metrics_window: MetricsWindow::new(geometry::SMOOTHING_S),
            last_prompt_kind: None,
            counters: SessionCounters::default(),
            wall: ClockAnchor::now(start_s),
            day: None,
        };
        if let Some(baseline) = baseline {
            session.adopt_baseline(baseline, start_s);
        }
        session
    }

    fn adopt_baseline(&mut self, baseline: Baseline, time_s: f64) -> Vec<Event> {
        let subject = Some(subject_of_baseline(&baseline));
        self.baseline = Some(baseline);
        self.metrics_window.clear();
        self.monitor
            .control(time_s, Control::CalibrationFinished { subject })
    }

    /// Ties session seconds to UTC (the runner does, from the wall clock, before the first
    /// frame; `monitor --start` gives the recording's own start).
    pub fn set_wall_anchor(&mut self, anchor: ClockAnchor) {
        self.wall = anchor;
    }

    /// The tie between session seconds and UTC in force.
    pub fn wall_anchor(&self) -> ClockAnchor {
        self.wall
    }

    /// Starts a new day's totals when `time_s` is in a later local day than the last step:
    /// the time up to local midnight still goes to the day that ended.
    fn roll_day(&mut self, time_s: f64) -> Vec<Event> {
        let today = self.settings.zone.date_of(self.wall.unix_ms(time_s));
        let mut events = Vec::new();
        match self.day {
            Some(day) if day == today => {}
            Some(_) => {
                let midnight_s = self.wall.monitor_s(self.settings.zone.day_start_ms(today));
                if midnight_s < time_s {
                    events = self.monitor.tick(midnight_s);
                }
                self.monitor.start_new_day();
                self.day = Some(today);
            }
            None => self.day = Some(today),
        }
        events
    }

    /// The wall clock jumped (noticed at `jump.at_s`): later times map through the new
    /// anchor, time that passed unseen counts as time away, smoothing and tracking start
    /// again, and a new local day starts new totals.
    pub fn on_clock_jump(&mut self, jump: ClockJump) -> StepOutput {
        self.wall = ClockAnchor {
            monitor_s: jump.at_s,
            unix_ms: jump.actual_ms,
        };
        let mut events = Vec::new();
        if jump.is_forward() {
            events.extend(self.monitor.control(
                jump.at_s,
                Control::TimeUnseen {
                    seconds: jump.unseen_s(),
                },
            ));
        }
        self.metrics_window.clear();
        self.estimator.reset();
        self.last_thumbnail = None;
        self.last_pose = None;
        events.extend(self.roll_day(jump.at_s));
        let mut output = self.output(jump.at_s, events);
        output.clock_jump = Some(jump);
        output
    }

    /// Turns the reuse of unchanged frames on or off (benchmarks compare both).
    pub fn set_skip_unchanged(&mut self, skip: bool) {
        self.settings.skip_unchanged = skip;
    }

    pub fn counters(&self) -> SessionCounters {
        self.counters
    }

    pub fn status(&self) -> Status {
        self.monitor.status()
    }

    pub fn baseline(&self) -> Option<&Baseline> {
        self.baseline.as_ref()
    }

    /// Whether the camera should be open (not while paused or snoozed).
    pub fn wants_camera(&self) -> bool {
        !matches!(
            self.monitor.state(),
            MonitorState::Paused | MonitorState::Snoozed
        )
    }

    /// The analysis rate now.
    pub fn current_rate(&self) -> f32 {
        let status = self.monitor.status();
        let in_state = self
            .last_analysed_s
            .map_or(0.0, |now| (now - status.since_s).max(0.0));
        if self.calibration.is_some() {
            return pacing::analysis_rate(self.settings.base_fps, MonitorState::Calibrating, 0.0);
        }
        pacing::analysis_rate(self.settings.base_fps, status.state, in_state)
    }

    fn output(&self, time_s: f64, events: Vec<Event>) -> StepOutput {
        StepOutput {
            time_s,
            frame_size: [0, 0],
            preview: None,
            pose: None,
            analysis: None,
            status: self.monitor.status(),
            events,
            prompt: None,
            calibration: None,
            camera_fault: None,
            reused_pose: false,
            wall: self.wall,
            clock_jump: None,
        }
    }

    fn word_prompts(&mut self, output: &mut StepOutput) {
        let prompt = output
            .events
            .iter()
            .rev()
            .find_map(|event| event.as_prompt())
            .cloned();
        if let Some(prompt) = prompt {
            self.last_prompt_kind = Some(prompt.kind);
            output.prompt = Some(self.coach.message(&prompt));
        }
    }

    /// A frame arrived. `None` when the rate limit skips it.
    pub fn on_frame(&mut self, frame: &Frame) -> Result<Option<StepOutput>, PoseError> {
        self.counters.frames_seen += 1;
        let time_s = frame.time_s;
        if let Some(last) = self.last_analysed_s {
            let interval = 1.0 / self.current_rate() as f64;
            // A little slack so a 30 fps source hits a 2 fps rate every 15 frames, not 16.
            if time_s - last < interval * 0.95 && time_s >= last {
                self.counters.frames_skipped_by_rate += 1;
                return Ok(None);
            }
        }
        self.last_analysed_s = Some(time_s);
        let day_events = self.roll_day(time_s);

        let thumbnail = self
            .settings
            .skip_unchanged
            .then(|| Thumbnail::of(&frame.image));
        let reuse = match (&thumbnail, &self.last_thumbnail) {
            (Some(now), Some((before, when))) => {
                self.last_pose.is_some()
                    && self.calibration.is_none()
                    && time_s - when < pacing::MAX_REUSE_S
                    && now.difference(before) < pacing::UNCHANGED_LEVEL
            }
            _ => false,
        };
        let pose = if reuse {
            self.counters.frames_reused += 1;
            self.last_pose.clone()
        } else {
            self.counters.frames_analysed += 1;
            let pose = self.estimator.estimate(&frame.image, time_s)?;
            if let Some(thumbnail) = thumbnail {
                self.last_thumbnail = Some((thumbnail, time_s));
            }
            self.last_pose = pose.clone();
            pose
        };

        let mut output = self.output(time_s, day_events);
        output.frame_size = [frame.image.width(), frame.image.height()];
        output.reused_pose = reuse;
        if self.settings.keep_preview {
            output.preview = Some(downscaled(&frame.image));
        }

        if self.calibration.is_some() {
            output.calibration =
                Some(self.calibration_step(time_s, pose.clone(), &mut output.events));
        } else if let Some(baseline) = &self.baseline {
            let analysis = geometry::analyze_smoothed(
                &mut self.metrics_window,
                time_s,
                pose.as_ref(),
                baseline,
                &self.settings.thresholds,
            );
            let observation = observation_of(time_s, pose.as_ref(), &analysis);
            output.events.extend(self.monitor.observe(&observation));
            output.analysis = Some(analysis);
        } else {
            output.events.extend(self.monitor.tick(time_s));
        }
        output.pose = pose;
        output.status = self.monitor.status();
        self.word_prompts(&mut output);
        Ok(Some(output))
    }

    fn calibration_step(
        &mut self,
        time_s: f64,
        pose: Option<Pose>,
        events: &mut Vec<Event>,
    ) -> CalibrationProgress {
        let Some(calibration) = self.calibration.as_mut() else {
            return CalibrationProgress::Failed {
                reasons: vec!["no calibration is running".to_string()],
            };
        };
        let camera = pose
            .as_ref()
            .map(|pose| CameraIntrinsics::new(pose.image_width, pose.image_height));
        calibration.frames.push(pose);
        let elapsed = time_s - calibration.started_s;
        let camera = camera.or_else(|| {
            calibration
                .frames
                .iter()
                .flatten()
                .next()
                .map(|pose| CameraIntrinsics::new(pose.image_width, pose.image_height))
        });
        let Some(camera) = camera else {
            if elapsed >= CALIBRATION_SECONDS {
                self.calibration = None;
                events.extend(self.monitor.control(time_s, Control::CalibrationCancelled));
                return CalibrationProgress::Failed {
                    reasons: vec!["Nobody was in view. Sit in front of the camera so your head and both shoulders show, then try again.".to_string()],
                };
            }
            return CalibrationProgress::Collecting {
                progress: (elapsed / CALIBRATION_SECONDS) as f32,
                feedback: vec!["Nobody in view yet: sit in front of the camera.".to_string()],
            };
        };
        let (report, result) = geometry::calibrate_with_report(&calibration.frames, &camera);
        if elapsed < CALIBRATION_SECONDS {
            let feedback = report
                .gates
                .iter()
                .filter(|gate| !gate.passed && gate.gate != geometry::Gate::Frames)
                .map(|gate| gate.message.clone())
                .collect();
            return CalibrationProgress::Collecting {
                progress: (elapsed / CALIBRATION_SECONDS).clamp(0.0, 1.0) as f32,
                feedback,
            };
        }
        self.calibration = None;
        match result {
            Ok(baseline) => {
                // The baseline is numbers only; failing to save it is not fatal: monitoring
                // uses it now, and the user is told it will be gone after a restart.
                let not_saved = self.settings.baseline_path.as_ref().and_then(|path| {
                    baseline.save(path).err().map(|error| {
                        format!(
                            "The baseline is in use but could not be saved ({error}), so \
                             plumbline will ask for a calibration after a restart."
                        )
                    })
                });
                events.extend(self.adopt_baseline(baseline.clone(), time_s));
                self.last_pose = None;
                CalibrationProgress::Succeeded {
                    baseline: Box::new(baseline),
                    not_saved,
                }
            }
            Err(_) => {
                events.extend(self.monitor.control(time_s, Control::CalibrationCancelled));
                CalibrationProgress::Failed {
                    reasons: report
                        .gates
                        .iter()
                        .filter(|gate| !gate.passed)
                        .map(|gate| gate.message.clone())
                        .collect(),
                }
            }
        }
    }

    /// The camera failed.
    pub fn on_camera_fault(&mut self, fault: CameraFault, time_s: f64) -> StepOutput {
        let kind = CameraFaultKind::from(&fault);
        let mut events = self.roll_day(time_s);
        events.extend(self.monitor.control(time_s, Control::CameraFault { kind }));
        let mut output = self.output(time_s, events);
        output.camera_fault = Some(fault);
        output
    }

    /// The camera works again.
    pub fn on_camera_ok(&mut self, time_s: f64) -> StepOutput {
        let mut events = self.roll_day(time_s);
        events.extend(self.monitor.control(time_s, Control::CameraOk));
        self.output(time_s, events)
    }

    /// Time passed without frames (paused, snoozed, camera away).
    pub fn on_quiet(&mut self, time_s: f64) -> StepOutput {
        let mut events = self.roll_day(time_s);
        events.extend(self.monitor.tick(time_s));
        let mut output = self.output(time_s, events);
        self.word_prompts(&mut output);
        output
    }

    /// A user command.
    pub fn on_command(&mut self, command: SessionCommand, time_s: f64) -> StepOutput {
        let mut events = self.roll_day(time_s);
        events.extend(match command {
            SessionCommand::Pause => self.monitor.control(time_s, Control::Pause),
            SessionCommand::Resume => self.monitor.control(time_s, Control::Resume),
            SessionCommand::Snooze { minutes } => {
                self.monitor.control(time_s, Control::Snooze { minutes })
            }
            SessionCommand::StartCalibration => {
                self.calibration = Some(Calibration {
                    started_s: time_s,
                    frames: Vec::new(),
                });
                self.estimator.reset();
                self.monitor.control(time_s, Control::CalibrationStarted)
            }
            SessionCommand::CancelCalibration => {
                self.calibration = None;
                self.monitor.control(time_s, Control::CalibrationCancelled)
            }
            SessionCommand::PromptDone => self.acknowledge(time_s, true),
            SessionCommand::PromptDismissed => self.acknowledge(time_s, false),
            SessionCommand::Hold(reason) => self.monitor.control(time_s, Control::Hold { reason }),
            SessionCommand::Release(reason) => {
                self.monitor.control(time_s, Control::Release { reason })
            }
        });
        let mut output = self.output(time_s, events);
        if self.calibration.is_some() {
            output.calibration = Some(CalibrationProgress::Collecting {
                progress: 0.0,
                feedback: Vec::new(),
            });
        }
        output
    }

    fn acknowledge(&mut self, time_s: f64, done: bool) -> Vec<Event> {
        let kind = self.last_prompt_kind.unwrap_or(PromptKind::Posture);
        let control = if done {
            Control::ExerciseDone { kind }
        } else {
            Control::Acknowledged { kind }
        };
        self.monitor.control(time_s, control)
    }
}
