//! Where the log goes: the desktop app writes to its capped log file (`log_file`), and to stderr
//! only with `-v`; the other commands write warnings to stderr (`-v` for progress, `-vv` for
//! detail). In the desktop app a panic anywhere is logged to the file before the default report.

use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::prelude::*;

use crate::clock::calendar::{Zone, now_ms};
use crate::log_file::{self, CappedLog};

/// Where the log is written, as set up.
#[derive(Debug, Default)]
pub struct LogSetup {
    /// The log file, when there is one.
    pub file: Option<PathBuf>,
    /// Why there is no log file although one was wanted.
    pub file_problem: Option<String>,
}

/// The level of plumbline's own lines on stderr.
pub fn stderr_level(desktop_app: bool, verbosity: u8) -> LevelFilter {
    match (desktop_app, verbosity) {
        (true, 0) => LevelFilter::OFF,
        (false, 0) => LevelFilter::WARN,
        (_, 1) => LevelFilter::INFO,
        _ => LevelFilter::DEBUG,
    }
}

/// plumbline's lines at `level`; the libraries' (D-Bus, tray, windowing) at most at warnings.
fn targets(level: LevelFilter) -> Targets {
    Targets::new()
        .with_target("plumbline", level)
        .with_default(level.min(LevelFilter::WARN))
}

/// Local wall-clock time with its offset, as the history shows times.
struct LocalTime;

impl FormatTime for LocalTime {
    fn format_time(&self, writer: &mut Writer<'_>) -> std::fmt::Result {
        write!(writer, "{}", Zone::Local.local_time(now_ms()).rfc3339())
    }
}

/// Sets up logging once for this process: for the desktop app (`desktop_app`) into `file`
/// (normally [`log_file::default_path`]) at info level or more with `-v`.
pub fn init(desktop_app: bool, verbosity: u8, file: Option<PathBuf>) -> LogSetup {
    let mut setup = LogSetup::default();
    let stderr = stderr_level(desktop_app, verbosity);
    let to_stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_filter(targets(stderr));
    let to_file = if desktop_app {
        match file.map(|path| CappedLog::open(path, log_file::DEFAULT_CAP_BYTES)) {
            Some(Ok(log)) => {
                setup.file = Some(log.path().to_path_buf());
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_writer(Mutex::new(log))
                        .with_ansi(false)
                        .with_target(false)
                        .with_timer(LocalTime)
                        .with_filter(targets(stderr.max(LevelFilter::INFO))),
                )
            }
            Some(Err(error)) => {
                setup.file_problem = Some(error.to_string());
                None
            }
            None => {
                setup.file_problem = Some("there is no home folder".to_owned());
                None
            }
        }
    } else {
        None
    };
    let has_file = to_file.is_some();
    // A panic is reported on stderr by the default hook anyway; into the file it is logged too.
    if tracing_subscriber::registry()
        .with(to_stderr)
        .with(to_file)
        .try_init()
        .is_ok()
        && has_file
    {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |panic| {
            tracing::error!("{panic}");
            report(panic);
        }));
    }
    if let Some(problem) = &setup.file_problem {
        eprintln!("plumbline: no log file ({problem}); logging to stderr only");
    }
    setup
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_quiet_on_stderr_unless_asked_and_commands_warn() {
        assert_eq!(stderr_level(true, 0), LevelFilter::OFF);
        assert_eq!(stderr_level(true, 1), LevelFilter::INFO);
        assert_eq!(stderr_level(false, 0), LevelFilter::WARN);
        assert_eq!(stderr_level(false, 2), LevelFilter::DEBUG);
    }

    #[test]
    fn libraries_log_warnings_at_most() {
        use tracing::Level;
        use tracing_subscriber::filter::Targets;
        let filter: Targets = targets(LevelFilter::DEBUG);
        assert!(filter.would_enable("plumbline::app", &Level::DEBUG));
        assert!(!filter.would_enable("zbus::connection", &Level::INFO));
        assert!(filter.would_enable("zbus::connection", &Level::WARN));
        let quiet = targets(LevelFilter::OFF);
        assert!(!quiet.would_enable("plumbline::app", &Level::ERROR));
        assert!(!quiet.would_enable("zbus", &Level::ERROR));
    }
}
