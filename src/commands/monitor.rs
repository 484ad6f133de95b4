//! `plumbline monitor`: the live pipeline without a window, on a video or a camera, printing one
//! JSON line per state change, prompt, break and snooze event (schema in the README).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context;
use serde_json::{Value, json};

use crate::camera::{CameraSelector, CameraSettings};
use crate::clock::ClockAnchor;
use crate::commands::analyze::frame_mode_for;
use crate::geometry::Baseline;
use crate::models::ModelLocator;
use crate::monitor::Event;
use crate::pipeline::{
    LiveInput, PipelineCommand, PipelineMessage, Speed, StepOutput, spawn_with_clock,
};
use crate::pose::{FrameMode, LandmarkModel};
use crate::settings::Settings;
use crate::source;
use crate::wiring::{
    build_session, command_for, command_for_camera_use, open_recorder, record_step,
};

/// Validated settings of one `monitor` run.
#[derive(Clone, Debug)]
pub struct MonitorSettings {
    /// A video, a folder of images, or `camera` / `camera:N` / `camera:NAME`.
    pub input: String,
    pub baseline: PathBuf,
    /// Wall-clock time of the input's first frame, as unix seconds, if given.
    pub start_unix_s: Option<f64>,
    pub speed: Speed,
    pub model: LandmarkModel,
    pub settings: Settings,
    /// Record the history into this database (as the app does).
    pub db: Option<PathBuf>,
}

/// The camera a `camera[:WHICH]` input names, if it names one.
pub fn camera_input(input: &str) -> Option<CameraSelector> {
    let rest = input.strip_prefix("camera")?;
    match rest.strip_prefix(':') {
        Some(which) if !which.is_empty() => Some(CameraSelector::parse(which)),
        _ if rest.is_empty() => Some(CameraSelector::default()),
        _ => None,
    }
}

/// Parses `--start`: unix seconds, or `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM` (UTC when
/// no offset is given).
pub fn parse_start(text: &str) -> Result<f64, String> {
    if let Ok(seconds) = text.parse::<f64>() {
        return Ok(seconds);
    }
    let bad =
        || format!("--start {text:?}: use unix seconds or a time like 2026-11-22T09:00:00+01:00");
    let text = text.trim().replacen(' ', "T", 1);
    let timestamp = match text.parse::<jiff::Timestamp>() {
        Ok(timestamp) => timestamp,
        Err(_) => text
            .parse::<jiff::civil::DateTime>()
            .map_err(|_| bad())?
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map_err(|_| bad())?
            .timestamp(),
    };
    Ok(timestamp.as_millisecond() as f64 / 1000.0)
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn format_utc(unix_s: f64) -> String {
    let ms = (unix_s * 1000.0).round() as i64;
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(timestamp) => timestamp.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => format!("{unix_s} s after 1970 (out of range)"),
    }
}

/// The JSON lines one step prints: its events, with times, and prompts with the coach's words.
pub fn event_lines(output: &StepOutput, start_unix_s: Option<f64>) -> Vec<Value> {
    output
        .events
        .iter()
        .map(|event| {
            let mut line = serde_json::to_value(event).unwrap_or(Value::Null);
            let at_s = event_time(event);
            if let Value::Object(map) = &mut line {
                if let Some(start) = start_unix_s {
                    map.insert("at".to_string(), json!(format_utc(start + at_s)));
                }
                if let (Event::Prompt(_), Some(message)) = (event, &output.prompt) {
                    map.insert(
                        "message".to_string(),
                        json!({
                            "title": message.title,
                            "reason": message.reason,
                            "correction": message.correction,
                            "exercise": message.exercise.as_ref().map(|exercise| exercise.name.clone()),
                        }),
                    );
                }
            }
            line
        })
        .collect()
}

fn event_time(event: &Event) -> f64 {
    match event {
        Event::StateChanged { at_s, .. }
        | Event::BreakTaken { at_s, .. }
        | Event::SnoozeEnded { at_s, .. } => *at_s,
        Event::Prompt(prompt) => prompt.at_s,
    }
}

fn input_of(settings: &MonitorSettings) -> anyhow::Result<(LiveInput, FrameMode)> {
    if let Some(selector) = camera_input(&settings.input) {
        return Ok((
            LiveInput::Camera(CameraSettings {
                selector,
                width: settings.settings.resolution[0],
                height: settings.settings.resolution[1],
                fps: 30,
            }),
            FrameMode::Video,
        ));
    }
    let path = Path::new(&settings.input);
    let probe = source::open_path(path, 1.0)?;
    let mode = frame_mode_for(path, probe.as_ref());
    Ok((
        LiveInput::File {
            path: path.to_path_buf(),
            speed: settings.speed,
            fps_for_images: 1.0,
        },
        mode,
    ))
}

/// The `monitor` command.
pub fn run(settings: &MonitorSettings, locator: &ModelLocator) -> anyhow::Result<ExitCode> {
    let baseline = Baseline::load(&settings.baseline)
        .with_context(|| "monitoring needs a baseline: record one with `plumbline calibrate`")?;
    let (input, mode) = input_of(settings)?;
    let mut session = build_session(
        locator,
        &settings.settings,
        settings.model,
        mode,
        Some(baseline),
        None,
        false,
    )?;
    let recorder = match &settings.db {
        Some(path) => Some(open_recorder(path, &settings.settings)?),
        None => None,
    };
    let recording = recorder.as_ref().map(|recorder| recorder.handle());
    // A recording's times come from `--start`; a camera's from the wall clock, followed by
    // the pipeline across suspends and clock changes.
    if let Some(start) = settings.start_unix_s {
        session.set_wall_anchor(ClockAnchor {
            monitor_s: 0.0,
            unix_ms: (start * 1000.0).round() as i64,
        });
    }
    let follows_desktop = matches!(input, LiveInput::Camera(_));
    let camera_node = match &input {
        LiveInput::Camera(camera) => camera.selector.device_node(),
        _ => None,
    };
    let (sender, receiver) = mpsc::channel();
    // With `--start` the recording's times are its own; otherwise the wall clock's.
    let wall = settings.start_unix_s.is_none().then(|| {
        std::sync::Arc::new(crate::clock::SystemClock)
            as std::sync::Arc<dyn crate::clock::WallClock>
    });
    let handle = spawn_with_clock(input, session, wall, move |message| {
        if let (Some(recording), PipelineMessage::Step { output, .. }) = (&recording, &message) {
            record_step(recording, output);
        }
        // The receiver only goes away when the command is ending.
        let _ = sender.send(message);
    })?;
    if follows_desktop {
        // On a camera, the screen lock and sleep hold monitoring as in the app.
        let commands = std::sync::Mutex::new(handle.command_sender());
        crate::desktop::watch_session(
            &crate::desktop::BusAddresses::default(),
            std::sync::Arc::new(move |signal| {
                if let Ok(commands) = commands.lock() {
                    let _ = commands.send(PipelineCommand::Session(command_for(signal)));
                }
            }),
        );
    }
    // A call may take the camera; monitoring waits for it (kept until the command ends).
    let _camera_use = camera_node.and_then(|node| {
        let commands = std::sync::Mutex::new(handle.command_sender());
        crate::camera::sharing::watch_camera_use(&node, move |camera_use| {
            if let Ok(commands) = commands.lock() {
                let command = command_for_camera_use(&camera_use);
                let _ = commands.send(PipelineCommand::Session(command));
            }
        })
        .map_err(|error| {
            eprintln!("plumbline: other apps' use of the camera is not followed: {error}")
        })
        .ok()
    });
    let mut stdout = std::io::stdout().lock();
    let mut outcome = Ok(ExitCode::SUCCESS);
    for message in receiver {
        match message {
            PipelineMessage::Step { output, .. } => {
                for line in event_lines(&output, settings.start_unix_s) {
                    writeln!(stdout, "{line}")?;
                }
            }
            PipelineMessage::Finished {
                counters,
                frames_overwritten,
                ended_early,
            } => {
                if let Some(note) = &ended_early {
                    eprintln!("plumbline: warning: {note}");
                }
                let line = json!({
                    "event": "finished",
                    "frames": counters.frames_seen,
                    "frames_analysed": counters.frames_analysed,
                    "frames_reused": counters.frames_reused,
                    "frames_skipped_by_rate": counters.frames_skipped_by_rate,
                    "frames_dropped": frames_overwritten,
                });
                writeln!(stdout, "{line}")?;
                break;
            }
            PipelineMessage::Failed(reason) => {
                outcome = Err(anyhow::anyhow!("monitoring stopped: {reason}"));
                break;
            }
        }
        stdout.flush()?;
    }
    stdout.flush()?;
    handle.shutdown();
    if let Some(recorder) = recorder {
        let health = recorder.shutdown();
        let lost = health.pending > 0 || health.dropped_samples > 0 || health.dropped_events > 0;
        if let (true, Some(warning)) = (lost, health.warning()) {
            eprintln!("plumbline: history: {warning}");
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_inputs_are_recognised() {
        assert_eq!(camera_input("camera"), Some(CameraSelector::Index(0)));
        assert_eq!(camera_input("camera:2"), Some(CameraSelector::Index(2)));
        assert_eq!(
            camera_input("camera:HD Webcam"),
            Some(CameraSelector::Name("HD Webcam".into()))
        );
        assert_eq!(camera_input("cameraroll.mp4"), None);
        assert_eq!(camera_input("video.mp4"), None);
    }

    #[test]
    fn start_times_parse() {
        assert_eq!(parse_start("1700000000"), Ok(1_700_000_000.0));
        assert_eq!(parse_start("1970-01-01T00:00:00Z"), Ok(0.0));
        assert_eq!(
            parse_start("2026-11-22T09:00:00+01:00"),
            Ok(1_795_334_400.0)
        );
        assert_eq!(parse_start("2026-11-22T08:00:00"), Ok(1_795_334_400.0));
        assert!(parse_start("yesterday").is_err());
        assert!(parse_start("2026-13-01T00:00:00").is_err());
    }

    #[test]
    fn utc_formatting_inverts_parsing() {
        assert_eq!(format_utc(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_utc(1_795_334_400.25), "2026-11-22T08:00:00.250Z");
        assert_eq!(format_utc(951_782_400.0), "2000-02-29T00:00:00.000Z");
        for days in [-1000i64, 0, 10_000, 20_000, 30_000] {
            let text = format_utc(days as f64 * 86_400.0);
            assert_eq!(
                parse_start(&text.replace(".000", "")),
                Ok(days as f64 * 86_400.0)
            );
        }
    }
}
