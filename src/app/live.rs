//! The real backend behind the window: the monitoring pipeline on the camera (or a video given
//! with `--source`), its results turned into [`Update`]s for the UI. Runs entirely on the
//! pipeline's worker threads; the UI thread only reads a channel.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use super::backend::{Backend, CalibrationUpdate, Command, LiveUpdate, Update};
use crate::camera::sharing::{CameraUse, CameraUseWatch, watch_camera_use};
use crate::camera::{CameraSelector, CameraSettings};
use crate::desktop::{BusAddresses, watch_session};
use crate::geometry::Baseline;
use crate::models::ModelLocator;
use crate::pipeline::{
    CalibrationProgress, LiveInput, PipelineCommand, PipelineHandle, PipelineMessage, Speed,
    StepOutput, spawn,
};
use crate::pose::FrameMode;
use crate::settings::Settings;
use crate::store::{self, Recorder, StoreError};
use crate::verdict::Verdict;
use crate::wiring::{
    build_session, command_for, command_for_camera_use, open_recorder, record_step,
};

/// Starts monitoring and returns the backend the UI talks to.
pub fn spawn_backend(
    locator: ModelLocator,
    settings: Settings,
    source: Option<PathBuf>,
    context: egui::Context,
) -> Box<dyn Backend> {
    let (sender, updates) = mpsc::channel();
    // The screen lock and sleep hold whichever pipeline is running; the watcher threads
    // live as long as the app.
    let desktop_inbox: PipelineInbox = Arc::new(Mutex::new(None));
    let inbox = Arc::clone(&desktop_inbox);
    let repaint = context.clone();
    watch_session(
        &BusAddresses::default(),
        Arc::new(move |signal| {
            let inbox = inbox.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(pipeline) = inbox.as_ref() {
                let _ = pipeline.send(PipelineCommand::Session(command_for(signal)));
            }
            repaint.request_repaint();
        }),
    );
    let mut backend = LiveBackend {
        desktop_inbox,
        locator,
        settings,
        source,
        context,
        sender,
        updates,
        pipeline: None,
        camera_use: None,
        recorder: None,
        history_problem: None,
    };
    backend.start();
    Box::new(backend)
}

/// Where desktop signals go: the running pipeline's commands, once it runs.
type PipelineInbox = Arc<Mutex<Option<mpsc::Sender<PipelineCommand>>>>;

struct LiveBackend {
    desktop_inbox: PipelineInbox,
    locator: ModelLocator,
    settings: Settings,
    source: Option<PathBuf>,
    context: egui::Context,
    sender: mpsc::Sender<Update>,
    updates: mpsc::Receiver<Update>,
    pipeline: Option<PipelineHandle>,
    /// Follows other apps' use of the camera (while monitoring a camera chosen by index).
    camera_use: Option<CameraUseWatch>,
    recorder: Option<Recorder>,
    /// Why no history is kept this time, when the database could not be opened.
    history_problem: Option<String>,
}

/// The saved baseline, if there is a usable one. A damaged file is reported and ignored (the
/// user calibrates again); it is not deleted.
fn saved_baseline(sender: &mpsc::Sender<Update>) -> Option<Baseline> {
    let path = Settings::default_baseline_path()?;
    if !path.exists() {
        return None;
    }
    match Baseline::load(&path) {
        Ok(baseline) => Some(baseline),
        Err(error) => {
            let _ = sender.send(Update::Calibration(CalibrationUpdate::Failed {
                reasons: vec![format!(
                    "The saved baseline could not be used ({error}). Please calibrate again."
                )],
            }));
            None
        }
    }
}

impl LiveBackend {
    fn input(&self) -> LiveInput {
        match &self.source {
            Some(path) => LiveInput::File {
                path: path.clone(),
                speed: Speed::Realtime,
                fps_for_images: 1.0,
            },
            None => LiveInput::Camera(CameraSettings {
                selector: CameraSelector::parse(&self.settings.camera),
                width: self.settings.resolution[0],
                height: self.settings.resolution[1],
                fps: 30,
            }),
        }
    }

    /// Opens the history once; a second running plumbline is refused, other problems leave
    /// monitoring running without history.
    fn open_history(&mut self) -> Result<(), String> {
        if self.recorder.is_some() {
            return Ok(());
        }
        let path = match store::resolve_path(None) {
            Ok(path) => path,
            Err(error) => return Err(error.to_string()),
        };
        match open_recorder(&path, &self.settings) {
            Ok(recorder) => {
                self.recorder = Some(recorder);
                Ok(())
            }
            Err(error) => match error.downcast_ref::<StoreError>() {
                Some(StoreError::InUse { .. }) => Err(error.to_string()),
                _ => {
                    // Monitoring goes on; the side panel says that no history is kept.
                    self.history_problem =
                        Some(format!("History is not being saved this time: {error:#}"));
                    Ok(())
                }
            },
        }
    }

    fn start(&mut self) {
        self.camera_use = None;
        self.pipeline = None;
        if let Err(reason) = self.open_history() {
            self.fatal(reason);
            return;
        }
        let baseline = saved_baseline(&self.sender);
        let session = match build_session(
            &self.locator,
            &self.settings,
            self.settings.model,
            FrameMode::Video,
            baseline,
            Settings::default_baseline_path(),
            self.settings.show_camera_image,
        ) {
            Ok(session) => session,
            Err(error) => {
                self.fatal(format!("{error:#}"));
                return;
            }
        };
        let sender = self.sender.clone();
        let context = self.context.clone();
        let mut camera_message: Option<String> = None;
        let recording = self.recorder.as_ref().map(Recorder::handle);
        let history_problem = self.history_problem.clone();
        let mut logged_history_warning: Option<String> = None;
        match spawn(self.input(), session, move |message| {
            if let (Some(recording), PipelineMessage::Step { output, .. }) = (&recording, &message)
            {
                record_step(recording, output);
            }
            for mut update in updates_of(message) {
                // Keep the camera's message on every update while the fault lasts.
                if let Update::Live(live) = &mut update {
                    live.history_warning = match &recording {
                        Some(recording) => recording.health().warning(),
                        None => history_problem.clone(),
                    };
                    if live.history_warning != logged_history_warning {
                        if let Some(warning) = &live.history_warning {
                            tracing::warn!("history: {warning}");
                        }
                        logged_history_warning.clone_from(&live.history_warning);
                    }
                    if live.camera_message.is_some() {
                        camera_message.clone_from(&live.camera_message);
                    } else if live.status.camera_fault.is_some() {
                        live.camera_message.clone_from(&camera_message);
                    } else {
                        camera_message = None;
                    }
                }
                // The UI went away: nothing to do with the update.
                let _ = sender.send(update);
            }
            context.request_repaint();
        }) {
            Ok(handle) => {
                *self
                    .desktop_inbox
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(handle.command_sender());
                self.camera_use = self.watch_camera_use(&handle);
                self.pipeline = Some(handle);
            }
            Err(error) => self.fatal(format!("monitoring could not start its threads: {error}")),
        }
    }

    /// Lets a video call have the camera: while another app holds it, monitoring is held
    /// and the camera released.
    fn watch_camera_use(&self, pipeline: &PipelineHandle) -> Option<CameraUseWatch> {
        if self.source.is_some() {
            return None;
        }
        let node = CameraSelector::parse(&self.settings.camera).device_node()?;
        let commands = Mutex::new(pipeline.command_sender());
        let context = self.context.clone();
        let watch = watch_camera_use(&node, move |camera_use: CameraUse| {
            if let Ok(commands) = commands.lock() {
                let command = command_for_camera_use(&camera_use);
                let _ = commands.send(PipelineCommand::Session(command));
            }
            context.request_repaint();
        });
        match watch {
            Ok(watch) => Some(watch),
            Err(error) => {
                tracing::warn!("other apps' use of the camera is not followed: {error}");
                None
            }
        }
    }

    fn fatal(&self, message: String) {
        let _ = self.sender.send(Update::Fatal(message));
        self.context.request_repaint();
    }

    fn to_pipeline(&self, command: PipelineCommand) {
        if let Some(pipeline) = &self.pipeline {
            pipeline.send(command);
        }
    }
}

impl Backend for LiveBackend {
    fn send(&mut self, command: Command) {
        match command {
            Command::Session(command) => self.to_pipeline(PipelineCommand::Session(command)),
            Command::RetryCamera => {
                if self.pipeline.is_some() {
                    self.to_pipeline(PipelineCommand::RetryCamera);
                } else {
                    self.start();
                }
            }
            Command::ApplySettings(settings) => {
                self.settings = *settings;
                self.start();
            }
            Command::Shutdown => {
                self.camera_use = None;
                self.pipeline = None;
                if let Some(recorder) = self.recorder.take() {
                    recorder.shutdown();
                }
            }
        }
    }

    fn try_recv(&mut self) -> Option<Update> {
        self.updates.try_recv().ok()
    }
}

/// The UI's updates for one pipeline message.
fn updates_of(message: PipelineMessage) -> Vec<Update> {
    match message {
        PipelineMessage::Step { output, meters } => {
            let mut updates = Vec::new();
            if let Some(progress) = &output.calibration {
                updates.push(Update::Calibration(calibration_update(progress)));
            }
            updates.push(Update::Live(Box::new(live_update(*output, meters.analysis_fps, meters.cpu_share))));
            updates
        }
        PipelineMessage::Finished { ended_early, .. } => vec![Update::Fatal(match ended_early {
            Some(note) => format!("The video stopped early: {note}. Start plumbline again on a complete copy, or run it on the camera."),
            None => "The video has ended. Start plumbline again to watch it once more, or run it on the camera.".to_string(),
        })],
        PipelineMessage::Failed(reason) => vec![Update::Fatal(reason)],
    }
}

fn calibration_update(progress: &CalibrationProgress) -> CalibrationUpdate {
    match progress {
        CalibrationProgress::Collecting { progress, feedback } => CalibrationUpdate::Collecting {
            progress: *progress,
            feedback: feedback.clone(),
        },
        CalibrationProgress::Succeeded {
            baseline,
            not_saved,
        } => CalibrationUpdate::Succeeded {
            summary: crate::coach::baseline_summary::summarize(baseline)
                .into_iter()
                .chain(
                    not_saved
                        .iter()
                        .map(|reason| ("Not saved".to_string(), reason.clone())),
                )
                .collect(),
        },
        CalibrationProgress::Failed { reasons } => CalibrationUpdate::Failed {
            reasons: reasons.clone(),
        },
    }
}

fn live_update(output: StepOutput, analysis_fps: f32, cpu_share: f32) -> LiveUpdate {
    let deviation = output.analysis.as_ref().map(|a| &a.judgement.deviation);
    let verdict = match (&output.analysis, &output.pose) {
        (Some(analysis), _) => analysis.judgement.verdict,
        (None, None) => Verdict::NoPerson,
        (None, Some(_)) => Verdict::LowConfidence,
    };
    LiveUpdate {
        time_s: output.time_s,
        preview: output.preview,
        pose: output.pose,
        frame_size: output.frame_size,
        verdict,
        forward_head_dev_deg: deviation.and_then(|d| d.forward_head_deg),
        rounded_shoulder_dev_deg: deviation.and_then(|d| d.rounded_shoulder_deg),
        head_pitch_dev_deg: deviation.and_then(|d| d.head_pitch_deg),
        status: output.status,
        events: output.events,
        prompt: output.prompt,
        analysis_fps,
        cpu_share,
        camera_message: output.camera_fault.as_ref().map(ToString::to_string),
        history_warning: None,
    }
}
