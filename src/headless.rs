//! `plumbline monitor`: the live pipeline without a window, on a video or a camera, printing one
//! JSON line per state change, prompt, break and snooze event (schema in the README).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context;
use serde_json::{Value, json};

use crate::analyze::frame_mode_for;
use crate::camera::{CameraSelector, CameraSettings};
use crate::coach::Coach;
use crate::geometry::{Baseline, Thresholds};
use crate::models::ModelLocator;
use crate::monitor::{Event, Monitor};
use crate::pipeline::{
    LiveInput, PipelineMessage, Session, SessionSettings, Speed, StepOutput, spawn,
};
use crate::pose::{BlazePose, FrameMode, LandmarkModel};
use crate::settings::Settings;
use crate::source;
use crate::store::from_monitor::ClockAnchor;
use crate::store::from_pipeline::record_step;
use crate::store::{Opened, Recorder, RecorderConfig, Store, StoreOptions};

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
    let (date, time) = text.split_once(['T', ' ']).ok_or_else(bad)?;
    let mut date_parts = date.split('-').map(str::parse::<i64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (date_parts.next(), date_parts.next(), date_parts.next())
    else {
        return Err(bad());
    };
    let (clock, offset_s) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, 0)
    } else if let Some(position) = time.rfind(['+', '-']).filter(|&position| position >= 8) {
        let sign = if time.as_bytes()[position] == b'-' {
            -1
        } else {
            1
        };
        let (hours, minutes) = time[position + 1..].split_once(':').ok_or_else(bad)?;
        let hours: i64 = hours.parse().map_err(|_| bad())?;
        let minutes: i64 = minutes.parse().map_err(|_| bad())?;
        (&time[..position], sign * (hours * 3600 + minutes * 60))
    } else {
        (time, 0)
    };
    let mut clock_parts = clock.split(':').map(str::parse::<f64>);
    let (Some(Ok(hour)), Some(Ok(minute)), second) =
        (clock_parts.next(), clock_parts.next(), clock_parts.next())
    else {
        return Err(bad());
    };
    let second = second.unwrap_or(Ok(0.0)).map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour >= 24.0 || minute >= 60.0 {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    Ok(days as f64 * 86_400.0 + hour * 3600.0 + minute * 60.0 + second - offset_s as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn format_utc(unix_s: f64) -> String {
    let total_ms = (unix_s * 1000.0).round() as i64;
    let days = total_ms.div_euclid(86_400_000);
    let ms_of_day = total_ms.rem_euclid(86_400_000);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000
    )
}

/// Builds a monitoring session: pose engine, state machine from the settings, coach.
pub fn build_session(
    locator: &ModelLocator,
    settings: &Settings,
    model: LandmarkModel,
    mode: FrameMode,
    baseline: Option<Baseline>,
    baseline_path: Option<PathBuf>,
    keep_preview: bool,
) -> anyhow::Result<Session> {
    let estimator = BlazePose::new(locator, model, mode)?;
    let monitor = Monitor::new(settings.monitor_config())
        .map_err(|error| anyhow::anyhow!("the monitoring settings are invalid: {error}"))?;
    let coach = Coach::builtin()
        .map_err(|error| anyhow::anyhow!("the built-in exercise library is invalid: {error}"))?;
    let thresholds = Thresholds {
        forward_head_deg: settings.forward_head_threshold_deg,
        rounded_shoulder_deg: settings.rounded_shoulder_threshold_deg,
        ..Thresholds::default()
    };
    Ok(Session::new(
        Box::new(estimator),
        SessionSettings {
            base_fps: settings.analysis_fps,
            skip_unchanged: true,
            keep_preview,
            thresholds,
            baseline_path,
        },
        baseline,
        monitor,
        coach,
        0.0,
    ))
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
    let session = build_session(
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
    let clock = match settings.start_unix_s {
        Some(start) => ClockAnchor {
            monitor_s: 0.0,
            unix_ms: (start * 1000.0).round() as i64,
        },
        None => ClockAnchor::now(0.0),
    };
    let (sender, receiver) = mpsc::channel();
    let handle = spawn(input, session, move |message| {
        if let (Some(recording), PipelineMessage::Step { output, .. }) = (&recording, &message) {
            record_step(recording, &clock, output);
        }
        // The receiver only goes away when the command is ending.
        let _ = sender.send(message);
    })?;
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
            } => {
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

/// Opens the history for writing, printing any warning (a damaged file moved aside).
pub fn open_recorder(path: &Path, settings: &Settings) -> anyhow::Result<Recorder> {
    let Opened { store, warnings } = Store::open(
        path,
        &StoreOptions {
            retention_days: settings.retention_days,
            ..StoreOptions::default()
        },
    )?;
    for warning in warnings {
        eprintln!("plumbline: history: {warning}");
    }
    Ok(Recorder::start(store, RecorderConfig::default())?)
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
