//! The desktop app (eframe/egui): the live view with the state badge, gauges and today's
//! numbers, guided calibration, prompt cards with exercise drawings, desktop notifications,
//! settings, and plain explanations when the camera or the display is missing. The window only
//! talks to the pipeline through [`backend`]; [`live`] starts the real one.

pub mod backend;
mod calibration_panel;
pub mod camera_choices;
mod day_view;
pub mod desktop_link;
pub mod figures;
pub mod history;
pub mod live;
mod live_view;
pub mod notify;
mod prompt_card;
mod settings_form;
pub mod theme;
mod window;

use std::path::PathBuf;

use std::sync::{Arc, OnceLock};

use crate::desktop::appearance;
use crate::desktop::control::SharedStatus;
use crate::desktop::remote::{self, Claim};
use crate::desktop::tray::{TrayIcon, TrayLook};
use desktop_link::DesktopLink;

pub use window::{AppPaths, PlumblineApp};

use crate::models::ModelLocator;

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "no display: plumbline's window needs a graphical session (X11 or Wayland), and neither DISPLAY nor WAYLAND_DISPLAY is set. \
         On a machine without a screen use the command line instead, e.g. `plumbline analyze VIDEO` (see `plumbline --help`)."
    )]
    NoDisplay,
    #[error(
        "the window could not be opened: {0}. Check that the display is reachable (DISPLAY={1}) and that OpenGL drivers are installed (Debian: libgl1-mesa-dri libegl1)."
    )]
    WindowFailed(String, String),
    #[error("{0}")]
    Remote(#[from] remote::RemoteError),
    #[error(
        "the video {} does not exist or is not a file; give `--source` the path of a recording (MP4, MKV, WebM, AVI, …)",
        .0.display()
    )]
    NoSource(PathBuf),
}

/// True when a graphical session is reachable by name (the window may still fail to open).
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// The window's icon: the 128 px application icon (`scripts/make_icons.sh` draws it).
const WINDOW_ICON_PNG: &[u8] = include_bytes!("../../assets/icons/plumbline-128.png");

/// How the window comes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowStart {
    Shown,
    /// In the tray (`--hidden`, from the login entry); minimised when there is no tray.
    Hidden,
}

/// Starts the desktop app on the default camera (or on the video file `source`) and returns
/// when its window closes.
pub fn run_app(
    locator: &ModelLocator,
    source: Option<PathBuf>,
    start: WindowStart,
) -> Result<(), AppError> {
    if !display_available() {
        return Err(AppError::NoDisplay);
    }
    if let Some(video) = &source
        && !video.is_file()
    {
        return Err(AppError::NoSource(video.clone()));
    }
    // One plumbline per user: a second launch brings the first one's window to the front.
    let status = SharedStatus::default();
    let waker: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
    let wake = Arc::clone(&waker);
    let (sink, requests) = desktop_link::request_queue(move || {
        if let Some(ctx) = wake.get() {
            ctx.request_repaint();
        }
    });
    let service = match remote::claim(None, Arc::clone(&sink), status.clone()) {
        Ok(Claim::Serving(service)) => Some(service),
        Ok(Claim::AlreadyRunning) if start == WindowStart::Hidden => {
            // A login start while one already runs: leave that one as it is.
            eprintln!("plumbline is already running; nothing to start.");
            return Ok(());
        }
        Ok(Claim::AlreadyRunning) => {
            remote::Remote::connect(None)
                .and_then(|running| running.show())
                .map_err(AppError::Remote)?;
            eprintln!("plumbline is already running; its window was brought to the front.");
            return Ok(());
        }
        Err(error) => {
            // No session bus: the app still monitors, without a tray or a remote control.
            tracing::warn!("{error}; running without the tray icon and remote control");
            None
        }
    };
    let paths = AppPaths::for_user();
    tracing::info!(
        "plumbline {} started, watching {}",
        env!("CARGO_PKG_VERSION"),
        source.as_ref().map_or_else(
            || "the camera".to_owned(),
            |video| video.display().to_string()
        )
    );
    let loaded = paths.load_settings();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("plumbline")
        .with_app_id("plumbline")
        .with_inner_size([980.0, 640.0])
        .with_min_inner_size([640.0, 420.0]);
    // The committed PNG always decodes; were it ever broken, the window would just have none.
    if let Ok(icon) = eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let locator = locator.clone();
    eframe::run_native(
        "plumbline",
        options,
        Box::new(move |creation| {
            let ctx = creation.egui_ctx.clone();
            theme::apply_style(&ctx);
            // The desktop's light or dark preference (dark when it has none, or no portal).
            ctx.set_theme(theme::preference_for(appearance::color_scheme(None)));
            let follow = ctx.clone();
            appearance::follow_color_scheme(
                None,
                std::sync::Arc::new(move |scheme| {
                    follow.set_theme(theme::preference_for(Some(scheme)));
                    follow.request_repaint();
                }),
            );
            let backend =
                live::spawn_backend(locator, loaded.settings.clone(), source, ctx.clone());
            let _ = waker.set(ctx.clone());
            let notifier = Box::new(notify::DesktopNotifier::new(ctx));
            let mut app = PlumblineApp::new(backend, loaded, paths, notifier);
            if start == WindowStart::Hidden {
                app = app.starting_hidden();
            }
            Ok(Box::new(match service {
                Some(service) => {
                    let tray = TrayIcon::spawn(TrayLook::default(), sink)
                        .map_err(|error| error.to_string());
                    app.with_desktop(DesktopLink::new(requests, status, tray, service))
                }
                None => app,
            }))
        }),
    )
    .map_err(|error| {
        AppError::WindowFailed(
            error.to_string(),
            std::env::var("DISPLAY").unwrap_or_default(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_icon_decodes_at_its_size() {
        let icon = eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG).unwrap();
        assert_eq!((icon.width, icon.height), (128, 128));
        assert_eq!(icon.rgba.len(), 128 * 128 * 4);
    }
}
