//! The desktop app (eframe/egui). For now it shows whether the pose engine is ready and which
//! cameras are present; the live view, calibration and prompts build on this window.

pub mod backend;
pub mod live;

use std::sync::mpsc;

use crate::models::{ModelFile, ModelLocator};

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
}

/// True when a graphical session is reachable by name (the window may still fail to open).
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// What the start-up checks found, shown in the window.
#[derive(Clone, Debug)]
struct Readiness {
    engine: Vec<(String, Result<String, String>)>,
    cameras: Result<Vec<String>, String>,
}

fn check_readiness(locator: &ModelLocator) -> Readiness {
    let mut engine = Vec::new();
    engine.push((
        "ONNX Runtime".to_string(),
        crate::runtime::environment()
            .map(|_| "loaded".to_string())
            .map_err(|error| error.to_string()),
    ));
    for model in ModelFile::ALL {
        engine.push((
            model.file_name().to_string(),
            locator
                .load_verified(model)
                .map(|(path, _)| format!("verified ({})", path.display()))
                .map_err(|error| error.to_string()),
        ));
    }
    let cameras = nokhwa::query(nokhwa::utils::ApiBackend::Auto)
        .map(|cameras| {
            cameras
                .iter()
                .map(|camera| format!("{}: {}", camera.index(), camera.human_name()))
                .collect()
        })
        .map_err(|error| error.to_string());
    Readiness { engine, cameras }
}

struct PlumblineApp {
    readiness: Option<Readiness>,
    checks: mpsc::Receiver<Readiness>,
}

impl eframe::App for PlumblineApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Ok(readiness) = self.checks.try_recv() {
            self.readiness = Some(readiness);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("plumbline");
            ui.label("Posture monitor — getting ready.");
            ui.separator();
            match &self.readiness {
                None => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Checking the pose engine and cameras…");
                    });
                }
                Some(readiness) => show_readiness(ui, readiness),
            }
        });
    }
}

fn show_readiness(ui: &mut egui::Ui, readiness: &Readiness) {
    ui.strong("Pose engine");
    for (name, status) in &readiness.engine {
        match status {
            Ok(detail) => ui.label(format!("✔ {name}: {detail}")),
            Err(error) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("✘ {name}: {error}"))
            }
        };
    }
    ui.add_space(8.0);
    ui.strong("Cameras");
    match &readiness.cameras {
        Ok(cameras) if cameras.is_empty() => {
            ui.label(
                "No camera found. Plug one in, or run `plumbline analyze VIDEO` on a recording.",
            );
        }
        Ok(cameras) => {
            for camera in cameras {
                ui.label(format!("📷 {camera}"));
            }
        }
        Err(error) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Cameras could not be listed: {error}"),
            );
        }
    }
}

/// Starts the desktop app and returns when its window closes.
pub fn run_app(locator: &ModelLocator) -> Result<(), AppError> {
    if !display_available() {
        return Err(AppError::NoDisplay);
    }
    let (sender, checks) = mpsc::channel();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("plumbline")
            .with_inner_size([560.0, 420.0]),
        ..Default::default()
    };
    let locator = locator.clone();
    eframe::run_native(
        "plumbline",
        options,
        Box::new(move |creation| {
            let context = creation.egui_ctx.clone();
            std::thread::Builder::new()
                .name("startup-checks".to_string())
                .spawn(move || {
                    let readiness = check_readiness(&locator);
                    let _ = sender.send(readiness);
                    context.request_repaint();
                })
                .map_err(|error| Box::new(error) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(PlumblineApp {
                readiness: None,
                checks,
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
