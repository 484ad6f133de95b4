//! The command line: a clap derive struct whose doc comments are the help text, validated once
//! into the plain settings the rest of the program trusts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::analyze::{self, OutputFormat};
use crate::desktop::control::PauseLength;
use crate::desktop::remote::Remote;
use crate::models::{ModelFile, ModelLocator};
use crate::pose::LandmarkModel;

/// plumbline watches your posture through the webcam: forward-head and rounded-shoulder angles
/// against your own upright baseline, with gentle prompts and a daily timeline.
///
/// Run without a command to start the desktop app.
#[derive(Debug, Parser)]
#[command(name = "plumbline", version, about, long_about = None)]
pub struct Cli {
    /// Folder holding the ONNX models (default: `models/` beside the executable, the installed
    /// `PREFIX/share/plumbline/models`, the source tree's `models/`, or the user's data
    /// directory).
    #[arg(long, global = true, env = "PLUMBLINE_MODELS_DIR", value_name = "DIR")]
    pub models_dir: Option<PathBuf>,

    /// Watch a video file instead of the camera (for a demo, or a machine without a camera).
    /// Applies to the desktop app, which starts when no command is given.
    #[arg(long, global = true, value_name = "VIDEO")]
    pub source: Option<PathBuf>,

    /// Say more on stderr: progress with -v, detail with -vv (the desktop app, which otherwise
    /// writes only to its log file, also copies its log there).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Start the desktop app with its window hidden in the tray, as the login entry does
    /// (minimised instead when no tray shows the icon).
    #[arg(long, global = true)]
    pub hidden: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate the pose in every frame of an image, a folder of images or a video, and print
    /// one row per frame.
    Analyze(AnalyzeArgs),
    /// Record your upright baseline from a photo, photos or a short video of you sitting
    /// upright; prints every quality check and saves the baseline as JSON.
    Calibrate(CalibrateArgs),
    /// Monitor posture without a window, on a video or a camera, printing one JSON line per
    /// state change, prompt, break and snooze event.
    Monitor(MonitorArgs),
    /// Print a day's summary and an hour-by-hour timeline from the history.
    Report(ReportArgs),
    /// Export the history of a range of days as CSV or JSON lines.
    Export(ExportArgs),
    /// Check that ONNX Runtime loads and every model is present and intact.
    Check,
    /// List the cameras with their index, name and supported formats.
    Devices,
    /// Print the running app's state in one line (exit 1 when plumbline is not running).
    Status,
    /// Pause the running app's monitoring (camera off, no reminders) for a while: `30m`, `1h`,
    /// `90` (minutes) or `tomorrow` (until local midnight).
    Pause {
        /// How long: 30m, 1h, 2h, 90 (minutes) or tomorrow.
        #[arg(value_parser = parse_pause_length, value_name = "LENGTH")]
        length: PauseLength,
    },
    /// End a pause or snooze of the running app.
    Resume,
}

fn parse_pause_length(text: &str) -> Result<PauseLength, String> {
    PauseLength::parse(text)
}

/// The landmark model on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelChoice {
    Lite,
    Full,
}

impl From<ModelChoice> for LandmarkModel {
    fn from(choice: ModelChoice) -> Self {
        match choice {
            ModelChoice::Lite => LandmarkModel::Lite,
            ModelChoice::Full => LandmarkModel::Full,
        }
    }
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// An image (PNG, JPEG, …), a folder of images (sorted by name) or a video file.
    pub input: PathBuf,
    /// Landmark model: `full` (the default, MediaPipe's `model_complexity=1`: steadier and more
    /// precise on the ears and shoulders posture is read from) or `lite` (≈35 % less CPU).
    #[arg(long, value_enum, default_value = "full")]
    pub model: ModelChoice,
    /// Output format: JSON lines (one object per frame) or CSV (one row per frame).
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: OutputFormat,
    /// Write the rows to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Frame rate assumed for a folder of images (sets their timestamps).
    #[arg(long, default_value_t = 1.0, value_name = "FPS")]
    pub fps: f64,
    /// Print timing and memory figures as one JSON line on stderr at the end (for benchmarks).
    #[arg(long)]
    pub stats: bool,
    /// Judge each frame against this upright baseline (from `plumbline calibrate`): adds
    /// `deviation` and `verdict` to every row.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The camera's horizontal field of view in degrees, if known (enables the screen distance).
    #[arg(long, value_name = "DEGREES")]
    pub hfov: Option<f32>,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// A video file, a folder of images, or `camera`, `camera:N`, `camera:NAME`.
    pub input: String,
    /// The upright baseline to judge against (from `plumbline calibrate`).
    #[arg(long, value_name = "FILE")]
    pub baseline: PathBuf,
    /// Wall-clock time of the first frame (unix seconds or 2026-11-22T09:00:00+01:00): adds
    /// an absolute `at` to every line.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// Play a file at its own pace (`realtime`, like a camera) or as fast as possible.
    #[arg(long, value_enum, default_value = "max")]
    pub speed: crate::pipeline::Speed,
    /// Landmark model.
    #[arg(long, value_enum, default_value = "full")]
    pub model: ModelChoice,
    /// Base analysis rate in frames per second (faster while drifting, slower when steady).
    #[arg(long, value_name = "FPS")]
    pub analysis_fps: Option<f32>,
    /// Seconds a posture fault must last before a prompt.
    #[arg(long, value_name = "SECONDS")]
    pub prompt_delay: Option<u32>,
    /// Record the history into this database (default: none; the app uses the user's data
    /// directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The day to report (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The history database (default: the one in the user's data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// First day to export.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: String,
    /// Last day to export (inclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: String,
    /// `csv` or `jsonl`.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// The history database (default: the one in the user's data directory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A photo, a folder of photos or a video (a few seconds) of you sitting upright.
    pub input: PathBuf,
    /// Where to save the baseline (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Landmark model used to find the pose.
    #[arg(long, value_enum, default_value = "full")]
    pub model: ModelChoice,
    /// Frame rate assumed for a folder of images.
    #[arg(long, default_value_t = 1.0, value_name = "FPS")]
    pub fps: f64,
    /// The camera's horizontal field of view in degrees, if known.
    #[arg(long, value_name = "DEGREES")]
    pub hfov: Option<f32>,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let locator = ModelLocator::new(cli.models_dir.clone());
    if cli.source.is_some() && cli.command.is_some() {
        anyhow::bail!(
            "--source only applies to the desktop app: run `plumbline --source VIDEO` without a command (for `analyze`, give the video as its INPUT)"
        );
    }
    let desktop_app = cli.command.is_none();
    super::logging::init(desktop_app, cli.verbose, crate::log_file::default_path());
    if cli.hidden && cli.command.is_some() {
        anyhow::bail!(
            "--hidden only applies to the desktop app: run `plumbline --hidden` without a command"
        );
    }
    match cli.command {
        Some(Command::Analyze(args)) => {
            anyhow::ensure!(
                args.fps.is_finite() && args.fps > 0.0,
                "--fps must be a positive number of frames per second, not {}",
                args.fps
            );
            let settings = analyze::AnalyzeSettings {
                input: args.input,
                model: args.model.into(),
                format: args.format,
                out: args.out,
                fps: args.fps,
                stats: args.stats,
                baseline: args.baseline,
                hfov_deg: args.hfov,
            };
            analyze::run(&settings, &locator)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Calibrate(args)) => crate::commands::calibrate::run(
            &crate::commands::calibrate::CalibrateSettings {
                input: args.input,
                out: args.out,
                model: args.model.into(),
                fps: args.fps,
                hfov_deg: args.hfov,
            },
            &locator,
        ),
        Some(Command::Monitor(args)) => {
            let start_unix_s = args
                .start
                .as_deref()
                .map(crate::commands::monitor::parse_start)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let mut settings = crate::settings::Settings::default();
            if let Some(fps) = args.analysis_fps {
                settings.analysis_fps = fps;
            }
            if let Some(delay) = args.prompt_delay {
                settings.prompt_delay_s = delay;
            }
            let issues = settings.validate();
            anyhow::ensure!(
                issues.is_empty(),
                "invalid option: {}",
                issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            crate::commands::monitor::run(
                &crate::commands::monitor::MonitorSettings {
                    input: args.input,
                    baseline: args.baseline,
                    start_unix_s,
                    speed: args.speed,
                    model: args.model.into(),
                    settings,
                    db: args.db,
                },
                &locator,
            )
        }
        Some(Command::Report(args)) => report(&args),
        Some(Command::Export(args)) => export(&args),
        Some(Command::Check) => check(&locator),
        Some(Command::Devices) => devices(),
        Some(Command::Status) => {
            let report = Remote::connect(None)?.status()?;
            writeln!(std::io::stdout(), "{}", report.line)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pause { length }) => {
            Remote::connect(None)?.pause(length)?;
            writeln!(std::io::stdout(), "Paused {}.", length.describe())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Resume) => {
            Remote::connect(None)?.resume()?;
            writeln!(std::io::stdout(), "Monitoring resumed.")?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let start = if cli.hidden {
                crate::app::WindowStart::Hidden
            } else {
                crate::app::WindowStart::Shown
            };
            if let Err(error) = crate::app::run_app(&locator, cli.source, start) {
                tracing::error!("{error}");
                return Err(error.into());
            }
            tracing::info!("plumbline quit");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints a day's summary and timeline.
fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    use crate::store::{self, Date, History, Zone};
    let path = store::resolve_path(args.db.as_deref())?;
    let history = History::open(&path)?;
    let date = match &args.date {
        Some(text) => Date::parse(text)?,
        None => Zone::Local.date_of(store::now_ms()),
    };
    let (summary, hours) = history.query().day_report(date, Zone::Local)?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", store::render_day_report(&summary, &hours))?;
    let advice = summary.longest_sitting.and_then(|stretch| {
        crate::coach::setup::advice_for_sitting(stretch.len_ms() / crate::clock::MS_PER_MIN)
    });
    if let Some(advice) = advice {
        writeln!(out)?;
        writeln!(out, "What to change: {}", advice.line())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a range of days of history to stdout.
fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    use crate::store::{self, Date, ExportFormat, History, Zone};
    let format = ExportFormat::parse(&args.format)
        .with_context(|| format!("--format {}: use csv or jsonl", args.format))?;
    let from = Date::parse(&args.from)?;
    let to = Date::parse(&args.to)?;
    let path = store::resolve_path(args.db.as_deref())?;
    let history = History::open(&path)?;
    let mut stdout = std::io::stdout().lock();
    store::export_range(&history.query(), from, to, Zone::Local, format, &mut stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the cameras and their formats.
fn devices() -> anyhow::Result<ExitCode> {
    let cameras = crate::camera::list_devices(true)?;
    let mut out = std::io::stdout().lock();
    if cameras.is_empty() {
        writeln!(
            out,
            "No camera found. Plug one in (V4L2 devices appear as /dev/video*), or analyse a recording with `plumbline analyze VIDEO`."
        )?;
    }
    for camera in cameras {
        writeln!(
            out,
            "{}: {} ({})",
            camera.index, camera.name, camera.description
        )?;
        match camera.formats_error {
            Some(error) => writeln!(out, "    formats unknown: {error}")?,
            None => {
                for format in camera.formats {
                    writeln!(out, "    {format}")?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads ONNX Runtime and verifies every model, printing what was found.
fn check(locator: &ModelLocator) -> anyhow::Result<ExitCode> {
    let library = crate::runtime::find_library()?;
    crate::runtime::environment()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ONNX Runtime: {} (loaded)", library.display())?;
    for model in ModelFile::ALL {
        let (path, bytes) = locator
            .load_verified(model)
            .with_context(|| format!("checking {}", model.file_name()))?;
        writeln!(
            out,
            "model {}: {} ({:.1} MB, sha256 ok)",
            model.file_name(),
            path.display(),
            bytes.len() as f64 / 1e6
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
