//! The real backend behind the window (camera, pose engine, geometry, state machine, store on
//! named threads). Placeholder until the live pipeline is wired: it reports that monitoring is
//! not available, so the window shows why instead of waiting forever.

use std::path::PathBuf;

use super::backend::{Backend, Command, Update};
use crate::models::ModelLocator;
use crate::settings::Settings;

/// Starts the live pipeline for `settings` (on `source` instead of the camera when given); it
/// calls `ctx.request_repaint()` whenever it sends an update.
pub fn spawn_backend(
    _locator: ModelLocator,
    _settings: Settings,
    _source: Option<PathBuf>,
    _ctx: egui::Context,
) -> Box<dyn Backend> {
    Box::new(NotWired { told: false })
}

struct NotWired {
    told: bool,
}

impl Backend for NotWired {
    fn send(&mut self, _command: Command) {}

    fn try_recv(&mut self) -> Option<Update> {
        if std::mem::replace(&mut self.told, true) {
            None
        } else {
            Some(Update::Fatal("live monitoring is not wired yet".to_owned()))
        }
    }
}
