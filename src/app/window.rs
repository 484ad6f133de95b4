//! The app's window: [`PlumblineApp`] holds what is saved between runs (settings, whether the
//! disclaimer was seen) apart from runtime handles (backend, notifier, textures) and from what
//! the window shows now. Each frame it first takes the backend's updates ([`PlumblineApp::poll`],
//! which also runs while the window is hidden), then draws ([`PlumblineApp::show`]); drawing
//! only returns [`Action`]s, which are carried out after it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{RichText, Ui};
use image::RgbImage;

use super::backend::{Backend, Command, LiveUpdate, Update};
use super::calibration_panel::{self, Calibration, CalibrationAction};
use super::camera_choices::CameraChoices;
use super::day_view;
use super::desktop_link::{CloseOutcome, DesktopLink, Situation, close_outcome};
use super::history::{self, HistoryAction, HistoryPanel, HistorySource, StoreHistory};
use super::live_view;
use super::notify::{NotificationAnswer, Notifier};
use super::prompt_card::{CardAction, PromptCard, SNOOZE_MINUTES};
use super::settings_form::{FormAction, SettingsForm};
use super::theme;
use crate::clock::calendar::{Zone, now_ms};
use crate::coach::{CoachMessage, Library, format_duration};
use crate::desktop::autostart::{self, Autostart};
use crate::desktop::control::DesktopRequest;
use crate::log_file;
use crate::monitor::{CameraFaultKind, MonitorState};
use crate::pipeline::SessionCommand;
use crate::settings::{self, LoadedSettings, Settings};

/// "On a call": the camera is off and nothing prompts for this long.
const ON_A_CALL_MINUTES: u32 = 60;
/// A hidden start waits this long for a tray to show the icon (at login the panel may come up
/// after plumbline) before showing the window minimised.
const TRAY_WAIT: Duration = Duration::from_secs(15);

/// One log line per change of state; a camera problem with its message.
fn log_state_change(live: &LiveUpdate) {
    let state = live.status.state;
    match (&live.camera_message, state) {
        (Some(message), MonitorState::CameraProblem) => {
            tracing::warn!("state: {} ({message})", state.as_str());
        }
        _ => tracing::info!("state: {}", state.as_str()),
    }
}

/// Name of the first-run marker file in the config folder.
const FIRST_RUN_MARKER: &str = "disclaimer-seen";
/// Name of the marker file noting that the "still running in the tray" notice was shown.
const TRAY_NOTICE_MARKER: &str = "tray-notice-seen";

/// Where the app keeps its files; `None` when there is no config folder (nothing is saved).
#[derive(Clone, Debug, Default)]
pub struct AppPaths {
    pub settings: Option<PathBuf>,
    pub first_run_marker: Option<PathBuf>,
    /// Written once the user was told that closing the window leaves plumbline in the tray.
    pub tray_notice_marker: Option<PathBuf>,
    /// Where "Export CSV…" saves files (Downloads, else home).
    pub exports: Option<PathBuf>,
    /// The login entry that "Start at login" writes or removes.
    pub autostart: Option<Autostart>,
    /// The log file Help points to.
    pub log_file: Option<PathBuf>,
}

impl AppPaths {
    /// The user's config folder (`~/.config/plumbline` on Linux).
    pub fn for_user() -> AppPaths {
        let settings = Settings::default_path();
        let folder = settings.as_ref().and_then(|path| path.parent());
        let first_run_marker = folder.map(|folder| folder.join(FIRST_RUN_MARKER));
        let tray_notice_marker = folder.map(|folder| folder.join(TRAY_NOTICE_MARKER));
        AppPaths {
            settings,
            first_run_marker,
            tray_notice_marker,
            exports: history::default_export_dir(),
            autostart: Autostart::for_user(),
            log_file: log_file::default_path(),
        }
    }

    /// Every file in `folder` (for tests and portable setups), the login entry in
    /// `folder/autostart`.
    pub fn in_folder(folder: &std::path::Path) -> AppPaths {
        AppPaths {
            settings: Some(folder.join("settings.toml")),
            first_run_marker: Some(folder.join(FIRST_RUN_MARKER)),
            tray_notice_marker: Some(folder.join(TRAY_NOTICE_MARKER)),
            exports: Some(folder.to_path_buf()),
            autostart: Some(Autostart::at(
                folder.join("autostart").join(autostart::ENTRY_FILE_NAME),
                std::env::current_exe().unwrap_or_else(|_| folder.join("plumbline")),
            )),
            log_file: Some(folder.join(log_file::FILE_NAME)),
        }
    }

    /// Loads the settings (defaults and a warning when the file cannot be used).
    pub fn load_settings(&self) -> LoadedSettings {
        match &self.settings {
            Some(path) => settings::load(path),
            None => LoadedSettings {
                settings: Settings::default(),
                warning: Some(
                    "No config folder was found, so settings cannot be saved; using defaults."
                        .to_owned(),
                ),
                file_is_invalid: false,
            },
        }
    }
}

/// What is saved between runs.
#[derive(Clone, Debug)]
struct Persisted {
    settings: Settings,
    /// The settings file on disk is invalid: keep it aside before saving over it.
    settings_file_invalid: bool,
    disclaimer_seen: bool,
}

/// Handles that live only while the app runs.
struct Runtime {
    backend: Box<dyn Backend>,
    notifier: Box<dyn Notifier>,
    paths: AppPaths,
    preview: Option<egui::TextureHandle>,
    /// The picture the texture was made from, to skip re-uploading the same one.
    preview_source: Option<Arc<RgbImage>>,
    /// Coaching content for the first-run and Help dialogs.
    library: Option<Library>,
    /// The history the History dialog reads.
    history: Box<dyn HistorySource>,
    /// The tray icon and the remote control, when the app runs on a desktop session.
    desktop: Option<DesktopLink>,
    /// The cameras Settings offers.
    cameras: CameraChoices,
}

/// Which dialog is open (at most one; a prompt waits behind it).
#[derive(Clone, Debug, PartialEq)]
enum Dialog {
    FirstRun,
    Help,
    Settings,
    History,
    Calibration(Calibration),
}

/// What the window shows now.
#[derive(Default)]
struct View {
    live: Option<Box<LiveUpdate>>,
    fatal: Option<String>,
    dialog: Option<Dialog>,
    settings_form: Option<SettingsForm>,
    /// The History dialog's day, range and cached query results while it is open.
    history: Option<HistoryPanel>,
    prompt: Option<PromptCard>,
    /// Why the last reminder came, kept after its card is closed.
    last_reason: Option<String>,
    /// A message at the top of the window (settings warnings, save errors).
    notice: Option<String>,
    /// The start-up choice was made: minimised (when the setting asks for it) or hidden.
    started: bool,
    /// Started hidden (from the login entry): until when to wait for a tray to show the icon
    /// before showing the window minimised instead. A clock of its own: egui's input time
    /// stands still while a window that was never painted stays hidden.
    tray_wait_until: Option<Instant>,
    /// When the last update from monitoring arrived (the UI's clock, seconds).
    last_update_s: Option<f64>,
    /// Monitoring has sent nothing for this long (seconds), past [`STALL_S`].
    stalled_s: Option<f64>,
    /// The saved zoom was applied to the window.
    zoom_applied: bool,
    /// The window is hidden (in the tray).
    hidden: bool,
    /// Quit was asked for (tray menu, Quit button): the next close is not turned into a hide.
    quit_asked: bool,
}

/// Monitoring sends an update at least every half second while it runs (a quiet tick when
/// there is no frame); this long without one means it has stopped answering.
pub const STALL_S: f64 = 10.0;

/// Something the user asked for, carried out after drawing.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
enum Action {
    Send(Command),
    OpenCalibration,
    Calibration(CalibrationAction),
    OpenSettings,
    Settings(FormAction),
    OpenHelp,
    OpenHistory,
    History(HistoryAction),
    CloseDialog,
    AcceptDisclaimer,
    Card(CardAction),
    ShowCameraImage(bool),
    DismissNotice,
    Quit,
}

/// The desktop app.
pub struct PlumblineApp {
    persisted: Persisted,
    runtime: Runtime,
    view: View,
}

impl PlumblineApp {
    /// An app over `backend`, with settings as loaded from `paths`.
    pub fn new(
        backend: Box<dyn Backend>,
        loaded: LoadedSettings,
        paths: AppPaths,
        notifier: Box<dyn Notifier>,
    ) -> PlumblineApp {
        // Without a config folder nothing can be remembered: better shown every time than never.
        let disclaimer_seen = paths
            .first_run_marker
            .as_ref()
            .is_some_and(|marker| marker.exists());
        let (library, library_error) = match Library::builtin() {
            Ok(library) => (Some(library), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let view = View {
            dialog: (!disclaimer_seen).then_some(Dialog::FirstRun),
            notice: loaded.warning.clone().or(library_error),
            ..View::default()
        };
        PlumblineApp {
            persisted: Persisted {
                settings: loaded.settings,
                settings_file_invalid: loaded.file_is_invalid,
                disclaimer_seen,
            },
            runtime: Runtime {
                backend,
                notifier,
                paths,
                preview: None,
                preview_source: None,
                library,
                history: Box::new(StoreHistory::for_user()),
                desktop: None,
                cameras: CameraChoices::system(),
            },
            view,
        }
    }

    /// The same app reading its history from `source` instead of the user's history file.
    #[must_use]
    pub fn with_history(mut self, source: Box<dyn HistorySource>) -> PlumblineApp {
        self.runtime.history = source;
        self
    }

    /// The same app tied to the desktop: the tray icon and the remote control's requests;
    /// closing the window then hides it (or minimises it without a tray) instead of quitting.
    #[must_use]
    pub fn with_desktop(mut self, link: DesktopLink) -> PlumblineApp {
        self.runtime.desktop = Some(link);
        self
    }

    /// The same app offering the cameras `choices` lists in Settings (tests list fakes).
    #[must_use]
    pub fn with_camera_choices(mut self, choices: CameraChoices) -> PlumblineApp {
        self.runtime.cameras = choices;
        self
    }

    /// The same app starting with its window hidden in the tray (the login entry's
    /// `--hidden`); minimised instead when no tray shows the icon.
    #[must_use]
    pub fn starting_hidden(mut self) -> PlumblineApp {
        self.view.hidden = true;
        self
    }

    /// Whether the window is hidden in the tray.
    pub fn is_hidden(&self) -> bool {
        self.view.hidden
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.persisted.settings
    }

    /// Takes the backend's updates and acts on them; cheap when there are none. Call before
    /// drawing, and also while the window is hidden.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|input| input.time);
        self.follow_zoom(ctx);
        while let Some(update) = self.runtime.backend.try_recv() {
            self.apply_update(ctx, update);
            self.view.last_update_s = Some(now);
        }
        self.follow_desktop(ctx, now);
        self.view.stalled_s = match (self.view.last_update_s, &self.view.fatal) {
            (Some(last), None) if now - last > STALL_S => Some(now - last),
            _ => None,
        };
        if self.view.fatal.is_none() && self.view.last_update_s.is_some() {
            // Look again when an update is overdue, even if nothing else repaints.
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(STALL_S / 2.0));
        }
        if let Some(panel) = &mut self.view.history {
            panel.poll();
            panel.refresh_if_due(self.runtime.history.as_mut(), now);
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(history::TODAY_REFRESH_S));
        }
        for answer in self.runtime.notifier.answers() {
            self.answer_from_notification(answer, now);
        }
        if !self.runtime.notifier.failures().is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                egui::UserAttentionType::Informational,
            ));
        }
        if let Some(Dialog::Calibration(Calibration::Countdown { ends_at })) = &self.view.dialog {
            let ends_at = *ends_at;
            if now >= ends_at {
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::StartCalibration));
                self.view.dialog = Some(Dialog::Calibration(Calibration::Collecting {
                    progress: 0.0,
                    feedback: Vec::new(),
                }));
            } else {
                ctx.request_repaint_after_secs(((ends_at - now).fract().max(0.05)) as f32);
            }
        }
        if let Some(ends_at) = self
            .view
            .prompt
            .as_ref()
            .and_then(|card| card.timer_ends_at)
            && ends_at > now
        {
            ctx.request_repaint_after_secs(((ends_at - now).fract().max(0.05)) as f32);
        }
        if !self.view.started {
            self.view.started = true;
            if self.view.hidden {
                // eframe maps the window after its first frame; this unmaps it at once.
                self.hide_window(ctx);
                self.view.tray_wait_until = Some(Instant::now() + TRAY_WAIT);
            } else if self.persisted.settings.start_minimised {
                ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
            }
        }
        self.settle_hidden_start(ctx);
    }

    /// A hidden start stays hidden once a tray shows the icon; with no tray by [`TRAY_WAIT`]
    /// (or no desktop link at all) the window shows, minimised, since nothing else would bring
    /// it back.
    fn settle_hidden_start(&mut self, ctx: &egui::Context) {
        let Some(until) = self.view.tray_wait_until else {
            return;
        };
        let tray_shown = self
            .runtime
            .desktop
            .as_ref()
            .is_some_and(DesktopLink::tray_shown);
        if tray_shown || !self.view.hidden {
            self.view.tray_wait_until = None;
        } else if self.runtime.desktop.is_none() || Instant::now() >= until {
            tracing::info!("no tray shows the icon: the window comes up minimised");
            self.view.tray_wait_until = None;
            self.view.hidden = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
        } else {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    /// Carries out what the tray and other plumbline processes asked for, turns a close into a
    /// hide (or a minimise) while monitoring goes on, and publishes the state to both.
    fn follow_desktop(&mut self, ctx: &egui::Context, now: f64) {
        let Some(link) = &self.runtime.desktop else {
            return;
        };
        let requests: Vec<DesktopRequest> = std::iter::from_fn(|| link.next_request()).collect();
        for request in requests {
            self.desktop_request(ctx, request, now);
        }
        if ctx.input(|input| input.viewport().close_requested()) {
            let tray_shown = self
                .runtime
                .desktop
                .as_ref()
                .is_some_and(DesktopLink::tray_shown);
            match close_outcome(self.view.quit_asked, true, tray_shown) {
                CloseOutcome::Quit => {}
                CloseOutcome::HideToTray => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                    self.hide_window(ctx);
                    self.tell_about_tray();
                }
                CloseOutcome::Minimise => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
                }
            }
        }
        let situation = Situation::of(self.view.live.as_deref(), self.view.fatal.as_deref());
        let shown = !self.view.hidden;
        if let Some(link) = &mut self.runtime.desktop {
            link.publish(&situation, shown);
        }
    }

    fn desktop_request(&mut self, ctx: &egui::Context, request: DesktopRequest, now: f64) {
        tracing::info!("asked from the tray or the command line: {request:?}");
        match request {
            DesktopRequest::ShowWindow => self.show_window(ctx),
            DesktopRequest::ToggleWindow if self.view.hidden => self.show_window(ctx),
            DesktopRequest::ToggleWindow => self.hide_window(ctx),
            DesktopRequest::Pause(length) => {
                let minutes = length.minutes_from(now_ms(), Zone::Local);
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::Snooze { minutes }));
            }
            DesktopRequest::Resume => self
                .runtime
                .backend
                .send(Command::Session(SessionCommand::Resume)),
            DesktopRequest::Recalibrate => {
                self.show_window(ctx);
                self.perform(ctx, Action::OpenCalibration, now);
            }
            DesktopRequest::OpenHistory => {
                self.show_window(ctx);
                self.perform(ctx, Action::OpenHistory, now);
            }
            DesktopRequest::OpenSettings => {
                self.show_window(ctx);
                self.perform(ctx, Action::OpenSettings, now);
            }
            DesktopRequest::Quit => self.perform(ctx, Action::Quit, now),
        }
    }

    /// Shows the window (when hidden or minimised) and brings it forward.
    fn show_window(&mut self, ctx: &egui::Context) {
        if self.view.hidden {
            self.view.hidden = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
        }
        if ctx.input(|input| input.viewport().minimized == Some(true)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
    }

    fn hide_window(&mut self, ctx: &egui::Context) {
        self.view.hidden = true;
        // Nothing to draw while hidden: the camera picture is dropped until it shows again.
        self.runtime.preview = None;
        self.runtime.preview_source = None;
        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
    }

    /// The first time the window goes to the tray, says where it went.
    fn tell_about_tray(&mut self) {
        let marker = self.runtime.paths.tray_notice_marker.clone();
        if marker.as_ref().is_some_and(|marker| marker.exists()) {
            return;
        }
        self.runtime.notifier.notify(
            "plumbline is still watching",
            "The window went to the tray. Click the plumbline icon there to bring it back; \
             Quit is in the icon's menu.",
        );
        if let Some(marker) = marker {
            let _ = marker
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&marker, "seen\n"));
        }
    }

    fn apply_update(&mut self, ctx: &egui::Context, update: Update) {
        match update {
            Update::Live(mut live) => {
                if let Some(message) = live.prompt.take() {
                    self.new_prompt(ctx, message);
                }
                if self.state() != Some(live.status.state) {
                    log_state_change(&live);
                    // The taskbar tells the state too, without opening the window.
                    let look = theme::state_look(live.status.state);
                    ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
                        "plumbline: {}",
                        look.label
                    )));
                }
                // Hidden in the tray, nothing is drawn: no texture uploads.
                let preview = live.preview.take().filter(|_| !self.view.hidden);
                self.update_preview(ctx, preview);
                self.view.live = Some(live);
            }
            Update::Calibration(update) => {
                let state = Calibration::from_update(update);
                match &mut self.view.dialog {
                    Some(Dialog::Calibration(current)) => *current = state,
                    // Calibrations start from their own panel, so none should run while
                    // another dialog is open; the dialog the user is in stays.
                    Some(_) => {}
                    None => self.view.dialog = Some(Dialog::Calibration(state)),
                }
            }
            Update::Fatal(message) => {
                tracing::error!("monitoring stopped: {message}");
                self.view.fatal = Some(message);
            }
        }
    }

    /// Shows a new prompt, and tells the desktop when the window is not in front.
    fn new_prompt(&mut self, ctx: &egui::Context, message: CoachMessage) {
        // Hidden in the tray, the viewport may still report the focus it had before.
        let in_background = self.view.hidden
            || ctx.input(|input| {
                let viewport = input.viewport();
                viewport.focused == Some(false) || viewport.minimized == Some(true)
            });
        if in_background {
            if self.persisted.settings.notifications {
                self.runtime
                    .notifier
                    .remind(&message.title, &message.body());
            } else {
                ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                    egui::UserAttentionType::Informational,
                ));
            }
        }
        tracing::info!("reminder: {} ({})", message.title, message.reason);
        self.view.last_reason = Some(message.reason.clone());
        self.view.prompt = Some(PromptCard::new(message));
    }

    fn update_preview(&mut self, ctx: &egui::Context, preview: Option<Arc<RgbImage>>) {
        let Some(picture) = preview.filter(|_| self.persisted.settings.show_camera_image) else {
            self.runtime.preview = None;
            self.runtime.preview_source = None;
            return;
        };
        if self
            .runtime
            .preview_source
            .as_ref()
            .is_some_and(|shown| Arc::ptr_eq(shown, &picture))
        {
            return;
        }
        let size = [picture.width() as usize, picture.height() as usize];
        let image = egui::ColorImage::from_rgb(size, picture.as_raw());
        match &mut self.runtime.preview {
            Some(texture) => texture.set(image, egui::TextureOptions::LINEAR),
            None => {
                self.runtime.preview =
                    Some(ctx.load_texture("camera-preview", image, egui::TextureOptions::LINEAR));
            }
        }
        self.runtime.preview_source = Some(picture);
    }

    /// Draws the window and carries out what the user asked for.
    pub fn show(&mut self, ui: &mut Ui) {
        let now = ui.input(|input| input.time);
        let mut actions = Vec::new();
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.add_space(6.0);
            actions.extend(self.top_bar(ui));
            ui.add_space(4.0);
        });
        // Calibration runs in the side panel, so the picture stays in view for positioning.
        if let Some(Dialog::Calibration(state)) = &self.view.dialog {
            egui::Panel::right("calibration")
                .exact_size(320.0)
                .resizable(false)
                .show(ui, |ui| {
                    ui.add_space(8.0);
                    if let Some(action) = calibration_panel::show(ui, state, now) {
                        actions.push(Action::Calibration(action));
                    }
                });
        } else if self.view.fatal.is_none()
            && let Some(live) = &self.view.live
        {
            egui::Panel::right("numbers")
                .exact_size(290.0)
                .resizable(false)
                .show(ui, |ui| {
                    ui.add_space(8.0);
                    live_view::numbers(ui, live);
                    if let Some(reason) = &self.view.last_reason {
                        ui.add_space(8.0);
                        ui.heading("Last reminder");
                        ui.label(reason);
                    }
                    if let Some(warning) = &live.history_warning {
                        ui.add_space(8.0);
                        ui.heading("History");
                        ui.colored_label(ui.visuals().warn_fg_color, warning);
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| actions.extend(self.central(ui)));
        actions.extend(self.dialogs(ui, now));
        for action in actions {
            self.perform(ui.ctx(), action, now);
        }
    }

    fn state(&self) -> Option<MonitorState> {
        self.view.live.as_ref().map(|live| live.status.state)
    }

    fn top_bar(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let look = match (&self.view.fatal, self.state()) {
            (Some(_), _) => theme::STOPPED,
            (None, _) if self.view.stalled_s.is_some() => theme::STOPPED,
            (None, Some(state)) => theme::state_look(state),
            (None, None) => theme::STARTING,
        };
        ui.horizontal(|ui| {
            theme::badge(ui, &look, true);
            let hint = match &self.view.live {
                _ if self.view.stalled_s.is_some() => format!(
                    "Monitoring has not answered for {:.0} s. If it stays like this, quit \
                     plumbline and start it again.",
                    self.view.stalled_s.unwrap_or_default()
                ),
                Some(live) if self.view.fatal.is_none() => format!(
                    "{} ({} so far)",
                    live.status.held_by.map_or(look.hint, theme::hold_hint),
                    format_duration(live.time_s - live.status.since_s)
                ),
                _ => look.hint.to_owned(),
            };
            ui.label(RichText::new(hint).weak());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if self.runtime.desktop.is_some()
                    && ui
                        .button("Quit")
                        .on_hover_text("Stop monitoring and close plumbline (closing the window keeps it running)")
                        .clicked()
                {
                    actions.push(Action::Quit);
                }
                if ui.button("Help").clicked() {
                    actions.push(Action::OpenHelp);
                }
                if ui.button("Settings").clicked() {
                    actions.push(Action::OpenSettings);
                }
                if ui.button("History").clicked() {
                    actions.push(Action::OpenHistory);
                }
                let monitoring = self.view.fatal.is_none() && self.view.live.is_some();
                if ui
                    .add_enabled(monitoring, egui::Button::new("Calibrate"))
                    .clicked()
                {
                    actions.push(Action::OpenCalibration);
                }
                ui.add_enabled_ui(monitoring, |ui| {
                    ui.menu_button("Snooze", |ui| {
                        for minutes in SNOOZE_MINUTES {
                            if ui.button(format!("{minutes} minutes")).clicked() {
                                actions.push(Action::Send(Command::Session(
                                    SessionCommand::Snooze { minutes },
                                )));
                                ui.close();
                            }
                        }
                        ui.separator();
                        // A snooze turns the camera off, so the call can have it.
                        if ui.button("On a call: camera off for 1 hour").clicked() {
                            actions.push(Action::Send(Command::Session(SessionCommand::Snooze {
                                minutes: ON_A_CALL_MINUTES,
                            })));
                            ui.close();
                        }
                    });
                    let held = matches!(
                        self.state(),
                        Some(MonitorState::Paused | MonitorState::Snoozed)
                    );
                    if held {
                        if ui.button("Resume").clicked() {
                            actions.push(Action::Send(Command::Session(SessionCommand::Resume)));
                        }
                    } else if ui.button("Pause").clicked() {
                        actions.push(Action::Send(Command::Session(SessionCommand::Pause)));
                    }
                });
            });
        });
        actions
    }

    fn central(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        if let Some(notice) = &self.view.notice {
            notice_frame(ui, theme::AMBER, |ui| {
                ui.label(notice);
                ui.horizontal(|ui| {
                    if ui.button("Open settings").clicked() {
                        actions.push(Action::OpenSettings);
                    }
                    if ui.button("Dismiss").clicked() {
                        actions.push(Action::DismissNotice);
                    }
                });
            });
            ui.add_space(6.0);
        }
        if let Some(message) = &self.view.fatal {
            actions.extend(stopped(ui, message));
            return actions;
        }
        let Some(live) = &self.view.live else {
            // Static text, not a spinner: an animation would repaint the window without end.
            ui.add_space(12.0);
            ui.label("Starting the camera and the pose engine…");
            return actions;
        };
        if live.status.state == MonitorState::CameraProblem || live.status.camera_fault.is_some() {
            actions.extend(camera_problem(ui, live));
            return actions;
        }
        if live.status.baseline_suspect {
            notice_frame(ui, theme::AMBER, |ui| {
                ui.label(
                    "You seem to sit differently in the picture than when you calibrated \
                     (the camera or the chair may have moved). A fresh baseline keeps the \
                     readings fair.",
                );
                if ui.button("Recalibrate now").clicked() {
                    actions.push(Action::Calibration(CalibrationAction::Start));
                }
            });
            ui.add_space(6.0);
        } else if live.status.state == MonitorState::Calibrating
            && !matches!(self.view.dialog, Some(Dialog::Calibration(_)))
        {
            notice_frame(ui, theme::ACCENT, |ui| {
                ui.label(
                    "plumbline needs a baseline of your upright posture before it can help. \
                     It takes about ten seconds.",
                );
                if ui.button("Calibrate now").clicked() {
                    actions.push(Action::OpenCalibration);
                }
            });
            ui.add_space(6.0);
        }
        live_view::picture(ui, live, self.runtime.preview.as_ref());
        let mut show_image = self.persisted.settings.show_camera_image;
        if ui
            .checkbox(&mut show_image, "Show the camera image")
            .on_hover_text("Off: only the tracked points are drawn. Pictures never leave memory.")
            .changed()
        {
            actions.push(Action::ShowCameraImage(show_image));
        }
        actions
    }

    fn dialogs(&mut self, ui: &mut Ui, now: f64) -> Vec<Action> {
        let mut actions = Vec::new();
        let ctx = ui.ctx().clone();
        match &self.view.dialog {
            Some(Dialog::FirstRun) => {
                egui::Modal::new(egui::Id::unique("first_run")).show(&ctx, |ui| {
                    ui.set_width(560.0);
                    ui.heading("Welcome to plumbline");
                    ui.label(
                        "plumbline watches your posture through the webcam and nudges you when \
                         you drift from your own upright baseline. Pictures stay in memory; only \
                         numbers are kept.",
                    );
                    ui.add_space(6.0);
                    self.health_notes(ui);
                    ui.add_space(8.0);
                    if ui.button(RichText::new("I understand").strong()).clicked() {
                        actions.push(Action::AcceptDisclaimer);
                    }
                });
            }
            Some(Dialog::Help) => {
                let response = egui::Modal::new(egui::Id::unique("help")).show(&ctx, |ui| {
                    ui.set_width(560.0);
                    ui.heading("Help");
                    egui::ScrollArea::vertical()
                        .auto_shrink(false)
                        .min_scrolled_height(ctx.content_rect().height() * 0.7)
                        .max_height(ctx.content_rect().height() * 0.7)
                        .show(ui, |ui| {
                            ui.label(
                                "The badge at the top shows where you stand. Pause stops \
                                 monitoring until you resume; Snooze holds prompts for a while. \
                                 Calibrate again whenever you move the camera or the chair.",
                            );
                            ui.add_space(6.0);
                            ui.strong("States");
                            for state in MonitorState::ALL {
                                let look = theme::state_look(state);
                                ui.horizontal(|ui| {
                                    theme::badge(ui, &look, false);
                                    ui.label(look.hint);
                                });
                            }
                            ui.add_space(6.0);
                            self.health_notes(ui);
                            ui.add_space(6.0);
                            ui.strong("Log");
                            match &self.runtime.paths.log_file {
                                Some(path) => {
                                    ui.label(
                                        "What plumbline did and every error it met (text only, \
                                         never a picture) is written to:",
                                    );
                                    ui.add(
                                        egui::Label::new(
                                            RichText::new(path.display().to_string()).monospace(),
                                        )
                                        .selectable(true),
                                    );
                                }
                                None => {
                                    ui.label("There is no log file: no home folder was found.");
                                }
                            }
                        });
                    ui.add_space(6.0);
                    if ui.button("Close").clicked() {
                        actions.push(Action::CloseDialog);
                    }
                });
                if response.should_close() {
                    actions.push(Action::CloseDialog);
                }
            }
            Some(Dialog::Settings) => {
                self.runtime.cameras.refresh_if_due(&ctx);
                if let Some(form) = &mut self.view.settings_form {
                    form.set_cameras(self.runtime.cameras.latest());
                }
                let no_tray = self
                    .runtime
                    .desktop
                    .as_ref()
                    .and_then(DesktopLink::no_tray_reason);
                if let Some(form) = &mut self.view.settings_form {
                    let response =
                        egui::Modal::new(egui::Id::unique("settings")).show(&ctx, |ui| {
                            if let Some(reason) = &no_tray {
                                ui.colored_label(ui.visuals().warn_fg_color, reason);
                                ui.add_space(6.0);
                            }
                            form.show(ui)
                        });
                    if let Some(action) = response.inner {
                        actions.push(Action::Settings(action));
                    } else if response.should_close() {
                        actions.push(Action::Settings(FormAction::Cancel));
                    }
                }
            }
            Some(Dialog::History) => {
                if let Some(panel) = &self.view.history {
                    let thresholds = self.persisted.settings.monitor_config().enter_thresholds();
                    let width = (ctx.content_rect().width() - 80.0).clamp(480.0, 980.0);
                    let response = egui::Modal::new(egui::Id::unique("history")).show(&ctx, |ui| {
                        ui.set_width(width);
                        day_view::show(ui, panel, thresholds)
                    });
                    let close = response.should_close();
                    actions.extend(response.inner.into_iter().map(Action::History));
                    if close {
                        actions.push(Action::History(HistoryAction::Close));
                    }
                }
            }
            // Drawn in the side panel (see `show`); a prompt waits until it is over.
            Some(Dialog::Calibration(_)) => {}
            None => {
                if let Some(card) = &self.view.prompt {
                    let response = egui::Modal::new(egui::Id::unique("prompt"))
                        .show(&ctx, |ui| card.show(ui, now));
                    if let Some(action) = response.inner {
                        actions.push(Action::Card(action));
                    } else if response.should_close() {
                        actions.push(Action::Card(CardAction::NotNow));
                    }
                }
            }
        }
        actions
    }

    /// The disclaimer and the warning signs.
    fn health_notes(&self, ui: &mut Ui) {
        let Some(library) = &self.runtime.library else {
            return;
        };
        ui.strong("Please read");
        ui.label(library.disclaimer.trim());
        ui.add_space(6.0);
        ui.label(RichText::new(&library.red_flags.intro).strong());
        for sign in &library.red_flags.signs {
            ui.label(format!("•  {sign}"));
        }
    }

    fn perform(&mut self, ctx: &egui::Context, action: Action, now: f64) {
        match action {
            Action::Send(command) => self.runtime.backend.send(command),
            Action::OpenCalibration => {
                self.view.dialog = Some(Dialog::Calibration(Calibration::Checklist));
            }
            Action::Calibration(action) => self.calibration_action(ctx, action, now),
            Action::OpenSettings => {
                let starts_at_login = self
                    .runtime
                    .paths
                    .autostart
                    .as_ref()
                    .is_some_and(Autostart::is_enabled);
                self.view.settings_form = Some(
                    SettingsForm::new(&self.persisted.settings)
                        .with_start_at_login(starts_at_login),
                );
                self.view.dialog = Some(Dialog::Settings);
            }
            Action::Settings(FormAction::Save) => self.save_settings(),
            Action::Settings(FormAction::Cancel) | Action::CloseDialog => {
                self.view.dialog = None;
                self.view.settings_form = None;
            }
            Action::OpenHelp => self.view.dialog = Some(Dialog::Help),
            Action::OpenHistory => {
                // Opened afresh each time, so today's numbers are current.
                self.view.history = Some(HistoryPanel::open(self.runtime.history.as_mut()));
                self.view.dialog = Some(Dialog::History);
            }
            Action::History(HistoryAction::Close) => {
                self.view.history = None;
                self.view.dialog = None;
            }
            Action::History(action) => {
                if let Some(panel) = &mut self.view.history {
                    panel.apply(
                        ctx,
                        &action,
                        self.runtime.history.as_mut(),
                        self.runtime.paths.exports.as_deref(),
                    );
                }
            }
            Action::AcceptDisclaimer => {
                self.persisted.disclaimer_seen = true;
                self.view.dialog = None;
                if let Some(marker) = &self.runtime.paths.first_run_marker {
                    let written = marker
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| std::fs::write(marker, "seen\n"));
                    if let Err(error) = written {
                        self.view.notice = Some(format!(
                            "Could not note that the welcome was read ({}: {error}); it will show again next time.",
                            marker.display()
                        ));
                    }
                }
            }
            Action::Card(action) => {
                self.card_action(action, now);
                // Timers and the countdown schedule their own repaints from the next frame on.
                ctx.request_repaint();
            }
            Action::ShowCameraImage(show) => {
                let mut settings = self.persisted.settings.clone();
                settings.show_camera_image = show;
                self.store_settings(settings);
                if !show {
                    self.runtime.preview = None;
                    self.runtime.preview_source = None;
                }
            }
            Action::DismissNotice => self.view.notice = None,
            Action::Quit => {
                self.view.quit_asked = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn calibration_action(&mut self, ctx: &egui::Context, action: CalibrationAction, now: f64) {
        match action {
            CalibrationAction::Start => {
                self.view.dialog = Some(Dialog::Calibration(Calibration::Countdown {
                    ends_at: now + calibration_panel::COUNTDOWN_S,
                }));
                ctx.request_repaint();
            }
            CalibrationAction::TryAgain => {
                self.view.dialog = Some(Dialog::Calibration(Calibration::Checklist));
            }
            CalibrationAction::Cancel => {
                if matches!(
                    self.view.dialog,
                    Some(Dialog::Calibration(Calibration::Collecting { .. }))
                ) {
                    self.runtime
                        .backend
                        .send(Command::Session(SessionCommand::CancelCalibration));
                }
                self.view.dialog = None;
            }
            CalibrationAction::Close => self.view.dialog = None,
        }
    }

    /// Snooze or Done clicked on the reminder's notification: as on the card.
    fn answer_from_notification(&mut self, answer: NotificationAnswer, now: f64) {
        match answer {
            NotificationAnswer::Snooze => self.card_action(
                CardAction::Snooze(crate::desktop::notifications::SNOOZE_MINUTES),
                now,
            ),
            // Done on a reminder already answered in the window is nothing more to do.
            NotificationAnswer::Done if self.view.prompt.is_some() => {
                self.card_action(CardAction::Done, now);
            }
            NotificationAnswer::Done => {}
        }
    }

    fn card_action(&mut self, action: CardAction, now: f64) {
        if !matches!(action, CardAction::StartTimer | CardAction::StopTimer) {
            // Answered: its notification has nothing more to say.
            self.runtime.notifier.withdraw();
        }
        match action {
            CardAction::StartTimer => {
                if let Some(card) = &mut self.view.prompt {
                    let seconds = card
                        .message
                        .exercise
                        .as_ref()
                        .and_then(super::prompt_card::timer_seconds)
                        .unwrap_or(0);
                    card.timer_ends_at = Some(now + f64::from(seconds));
                }
            }
            CardAction::StopTimer => {
                if let Some(card) = &mut self.view.prompt {
                    card.timer_ends_at = None;
                }
            }
            CardAction::Done => {
                self.view.prompt = None;
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::PromptDone));
            }
            CardAction::NotNow => {
                self.view.prompt = None;
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::PromptDismissed));
            }
            CardAction::Snooze(minutes) => {
                self.view.prompt = None;
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::Snooze { minutes }));
            }
            CardAction::Pause => {
                self.view.prompt = None;
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::Pause));
            }
            CardAction::Recalibrate => {
                // One click: straight to the countdown, the checklist shows beside it.
                self.view.prompt = None;
                self.runtime
                    .backend
                    .send(Command::Session(SessionCommand::PromptDismissed));
                self.view.dialog = Some(Dialog::Calibration(Calibration::Countdown {
                    ends_at: now + calibration_panel::COUNTDOWN_S,
                }));
            }
        }
    }

    fn save_settings(&mut self) {
        let Some(form) = &mut self.view.settings_form else {
            return;
        };
        match form.parse() {
            Err(errors) => form.errors = errors,
            Ok(settings) => {
                let start_at_login = form.start_at_login();
                if let Some(autostart) = &self.runtime.paths.autostart
                    && autostart.is_enabled() != start_at_login
                    && let Err(error) = autostart.set(start_at_login)
                {
                    form.errors = vec![format!(
                        "Start at login: {error}. Check that the folder can be written, or turn the option off."
                    )];
                    return;
                }
                if self.store_settings(settings) {
                    self.view.dialog = None;
                    self.view.settings_form = None;
                }
            }
        }
    }

    /// Applies the saved zoom once, then keeps the settings file in step when the user zooms
    /// (Ctrl + / Ctrl −), without restarting monitoring.
    fn follow_zoom(&mut self, ctx: &egui::Context) {
        if !self.view.zoom_applied {
            self.view.zoom_applied = true;
            ctx.set_zoom_factor(self.persisted.settings.ui_zoom);
            return;
        }
        let zoom = ctx.zoom_factor();
        if (zoom - self.persisted.settings.ui_zoom).abs() < 1e-3 {
            return;
        }
        let zoom = zoom.clamp(settings::MIN_UI_ZOOM as f32, settings::MAX_UI_ZOOM as f32);
        self.persisted.settings.ui_zoom = zoom;
        if let Some(path) = &self.runtime.paths.settings
            && let Err(error) = settings::save(
                &self.persisted.settings,
                path,
                self.persisted.settings_file_invalid,
            )
        {
            self.view.notice = Some(format!("The zoom was not saved: {error}"));
        }
    }

    /// Saves `settings` to the file and hands them to the backend; false (with a message in
    /// the form or at the top) when the file could not be written.
    fn store_settings(&mut self, mut settings: Settings) -> bool {
        // The zoom is the window's, followed on its own: a form opened earlier may hold an old one.
        settings.ui_zoom = self.persisted.settings.ui_zoom;
        if let Some(path) = &self.runtime.paths.settings
            && let Err(error) =
                settings::save(&settings, path, self.persisted.settings_file_invalid)
        {
            let message = format!("Settings were not saved: {error}");
            match &mut self.view.settings_form {
                Some(form) => form.errors = vec![message],
                None => self.view.notice = Some(message),
            }
            return false;
        }
        if self.persisted.settings_file_invalid {
            self.view.notice = None;
        }
        self.persisted.settings_file_invalid = false;
        self.persisted.settings = settings.clone();
        self.runtime
            .backend
            .send(Command::ApplySettings(Box::new(settings)));
        true
    }
}

impl eframe::App for PlumblineApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.runtime.backend.send(Command::Shutdown);
    }
}

/// A tinted frame for notices.
fn notice_frame(ui: &mut Ui, color: egui::Color32, add: impl FnOnce(&mut Ui)) {
    egui::Frame::new()
        .fill(color.gamma_multiply(0.15))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(egui::CornerRadius::same(8))
        .inner_margin(egui::Margin::same(10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

/// Monitoring cannot run: say why and what to try.
fn stopped(ui: &mut Ui, message: &str) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.add_space(12.0);
    ui.heading("Monitoring cannot start");
    ui.label(RichText::new(message).strong());
    ui.add_space(6.0);
    ui.label("If the camera is the problem, plug one in and press Try again, or watch a recording instead:");
    ui.code("plumbline --source VIDEO");
    ui.add_space(4.0);
    ui.label("To check that the pose engine and its models are in place, run:");
    ui.code("plumbline check");
    ui.add_space(6.0);
    if ui.button("Try again").clicked() {
        actions.push(Action::Send(Command::RetryCamera));
    }
    actions
}

/// The camera is not delivering pictures: say why and what to try.
fn camera_problem(ui: &mut Ui, live: &LiveUpdate) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.add_space(12.0);
    ui.heading("The camera is not working");
    let detail = live
        .camera_message
        .clone()
        .unwrap_or_else(|| camera_fault_text(live.status.camera_fault).to_owned());
    ui.label(RichText::new(detail).strong());
    ui.add_space(6.0);
    ui.label("plumbline keeps trying by itself. No camera at hand? Watch a recording instead:");
    ui.code("plumbline --source VIDEO");
    ui.add_space(6.0);
    if ui.button("Try again").clicked() {
        actions.push(Action::Send(Command::RetryCamera));
    }
    actions
}

fn camera_fault_text(kind: Option<CameraFaultKind>) -> &'static str {
    match kind {
        Some(CameraFaultKind::NotFound) => {
            "No camera was found. Plug one in, or pick another in Settings."
        }
        Some(CameraFaultKind::Busy) => {
            "Another program is using the camera (a video call?). It will be picked up again when it is free."
        }
        Some(CameraFaultKind::Unplugged) => "The camera was unplugged.",
        Some(CameraFaultKind::PermissionDenied) => {
            "The system did not allow access to the camera. Check that your user may use video devices."
        }
        Some(CameraFaultKind::Black) => {
            "The picture is black: is the lens covered or the privacy shutter closed?"
        }
        Some(CameraFaultKind::Frozen) => "The picture stopped changing.",
        Some(CameraFaultKind::Other) | None => "The camera stopped delivering pictures.",
    }
}
