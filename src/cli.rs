//! The command line: a clap derive struct whose doc comments are the help text, validated once
//! into the plain settings the rest of the program trusts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analyze::{self, OutputFormat};
use crate::models::{ModelFile, ModelLocator};
use crate::pose::LandmarkModel;

/// plumbline watches your posture through the webcam: forward-head and rounded-shoulder angles
/// against your own upright baseline, with gentle prompts and a daily timeline.
///
/// Run without a command to start the desktop app.
#[derive(Debug, Parser)]
#[command(name = "plumbline", version, about, long_about = None)]
pub struct Cli {
    /// Folder holding the ONNX models (default: `models/` beside the executable, in the source
    /// tree, or in the user's data directory).
    #[arg(long, global = true, env = "PLUMBLINE_MODELS_DIR", value_name = "DIR")]
    pub models_dir: Option<PathBuf>,

    /// Watch a video file instead of the camera (for a demo, or a machine without a camera).
    /// Applies to the desktop app, which starts when no command is given.
    #[arg(long, global = true, value_name = "VIDEO")]
    pub source: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate the pose in every frame of an image, a folder of images or a video, and print
    /// one row per frame.
    Analyze(AnalyzeArgs),
    /// Check that ONNX Runtime loads and every model is present and intact.
    Check,
    /// List the cameras with their index, name and supported formats.
    Devices,
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
    /// Landmark model: `lite` is the default (cheaper, as accurate on head and shoulders);
    /// `full` matches MediaPipe's `model_complexity=1`.
    #[arg(long, value_enum, default_value = "lite")]
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
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let locator = ModelLocator::new(cli.models_dir.clone());
    if cli.source.is_some() && cli.command.is_some() {
        anyhow::bail!(
            "--source only applies to the desktop app: run `plumbline --source VIDEO` without a command (for `analyze`, give the video as its INPUT)"
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
            };
            analyze::run(&settings, &locator)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check) => check(&locator),
        Some(Command::Devices) => devices(),
        None => {
            crate::app::run_app(&locator, cli.source)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints the cameras and their formats.
fn devices() -> anyhow::Result<ExitCode> {
    let cameras = crate::camera::list_devices(true)?;
    if cameras.is_empty() {
        println!(
            "No camera found. Plug one in (V4L2 devices appear as /dev/video*), or analyse a recording with `plumbline analyze VIDEO`."
        );
    }
    for camera in cameras {
        println!("{}: {} ({})", camera.index, camera.name, camera.description);
        match camera.formats_error {
            Some(error) => println!("    formats unknown: {error}"),
            None => {
                for format in camera.formats {
                    println!("    {format}");
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
    println!("ONNX Runtime: {} (loaded)", library.display());
    for model in ModelFile::ALL {
        let (path, bytes) = locator
            .load_verified(model)
            .with_context(|| format!("checking {}", model.file_name()))?;
        println!(
            "model {}: {} ({:.1} MB, sha256 ok)",
            model.file_name(),
            path.display(),
            bytes.len() as f64 / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}
