//! The Settings dialog: a form over a draft of the settings, as text the user may type freely.
//! Saving parses and validates the whole draft; a mistake is named next to its field in plain
//! words and nothing is saved until every field is valid.

use std::sync::Arc;

use egui::{RichText, Ui};

use super::camera_choices::{CameraList, camera_entries};
use super::theme;
use crate::pose::LandmarkModel;
use crate::settings::{SettingIssue, Settings};

/// Capture sizes offered in the list (any other size in the file is kept and offered too).
const RESOLUTIONS: [[u32; 2]; 5] = [
    [320, 240],
    [640, 480],
    [960, 540],
    [1280, 720],
    [1920, 1080],
];

/// What the user did in the dialog.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormAction {
    Save,
    Cancel,
}

/// The draft being edited.
#[derive(Clone, Debug)]
pub struct SettingsForm {
    camera: String,
    resolution: [u32; 2],
    analysis_fps: String,
    model: LandmarkModel,
    forward_head: String,
    rounded_shoulders: String,
    prompt_delay: String,
    repeat_interval: String,
    break_interval: String,
    notifications: bool,
    start_minimised: bool,
    /// Not a setting of the file: the login entry's presence (see `desktop::autostart`).
    start_at_login: bool,
    /// The cameras found, to pick from (`None` until the first list comes).
    cameras: Option<Arc<CameraList>>,
    retention: String,
    show_camera_image: bool,
    /// Not edited here; kept as it was.
    ui_zoom: f32,
    /// What is wrong with the last attempt to save, one line per field.
    pub errors: Vec<String>,
}

/// The label a setting has in the dialog.
fn field_label(field: &str) -> &'static str {
    match field {
        "camera" => "Camera",
        "resolution" => "Resolution",
        "analysis_fps" => "Analysis rate",
        "forward_head_threshold_deg" => "Forward-head limit",
        "rounded_shoulder_threshold_deg" => "Rounded-shoulder limit",
        "prompt_delay_s" => "Prompt delay",
        "repeat_interval_min" => "Repeat interval",
        "break_interval_min" => "Break interval",
        "retention_days" => "Keep history",
        _ => "Setting",
    }
}

/// An issue in the user's words: "Prompt delay: 1 s is outside 5–600 s".
pub fn describe_issue(issue: &SettingIssue) -> String {
    format!("{}: {}", field_label(issue.field), issue.message)
}

impl SettingsForm {
    /// A draft holding `settings`.
    pub fn new(settings: &Settings) -> SettingsForm {
        SettingsForm {
            camera: settings.camera.clone(),
            resolution: settings.resolution,
            analysis_fps: settings.analysis_fps.to_string(),
            model: settings.model,
            forward_head: settings.forward_head_threshold_deg.to_string(),
            rounded_shoulders: settings.rounded_shoulder_threshold_deg.to_string(),
            prompt_delay: settings.prompt_delay_s.to_string(),
            repeat_interval: settings.repeat_interval_min.to_string(),
            break_interval: settings.break_interval_min.to_string(),
            notifications: settings.notifications,
            start_minimised: settings.start_minimised,
            start_at_login: false,
            cameras: None,
            retention: settings.retention_days.to_string(),
            show_camera_image: settings.show_camera_image,
            ui_zoom: settings.ui_zoom,
            errors: Vec::new(),
        }
    }

    /// The same draft with "Start at login" ticked or not.
    #[must_use]
    pub fn with_start_at_login(mut self, on: bool) -> SettingsForm {
        self.start_at_login = on;
        self
    }

    /// The cameras to offer, as last listed.
    pub fn set_cameras(&mut self, cameras: Option<Arc<CameraList>>) {
        self.cameras = cameras;
    }

    /// Whether "Start at login" is ticked.
    pub fn start_at_login(&self) -> bool {
        self.start_at_login
    }

    /// The settings in the draft, or every problem with it in the user's words.
    pub fn parse(&self) -> Result<Settings, Vec<String>> {
        let mut errors = Vec::new();
        let mut real = |label: &str, text: &str| -> f32 {
            match text.trim().replace(',', ".").parse::<f32>() {
                Ok(value) if value.is_finite() => value,
                _ => {
                    errors.push(format!("{label}: “{}” is not a number", text.trim()));
                    f32::NAN
                }
            }
        };
        let analysis_fps = real("Analysis rate", &self.analysis_fps);
        let forward_head = real("Forward-head limit", &self.forward_head);
        let rounded = real("Rounded-shoulder limit", &self.rounded_shoulders);
        let mut whole = |label: &str, text: &str| -> u32 {
            match text.trim().parse::<u32>() {
                Ok(value) => value,
                Err(_) => {
                    errors.push(format!(
                        "{label}: “{}” is not a whole number of 0 or more",
                        text.trim()
                    ));
                    u32::MAX
                }
            }
        };
        let prompt_delay = whole("Prompt delay", &self.prompt_delay);
        let repeat = whole("Repeat interval", &self.repeat_interval);
        let break_interval = whole("Break interval", &self.break_interval);
        let retention = whole("Keep history", &self.retention);
        if !errors.is_empty() {
            return Err(errors);
        }
        let settings = Settings {
            camera: self.camera.trim().to_owned(),
            resolution: self.resolution,
            analysis_fps,
            model: self.model,
            forward_head_threshold_deg: forward_head,
            rounded_shoulder_threshold_deg: rounded,
            prompt_delay_s: prompt_delay,
            repeat_interval_min: repeat,
            break_interval_min: break_interval,
            notifications: self.notifications,
            start_minimised: self.start_minimised,
            retention_days: retention,
            show_camera_image: self.show_camera_image,
            ui_zoom: self.ui_zoom,
        };
        let issues = settings.validate();
        if issues.is_empty() {
            Ok(settings)
        } else {
            Err(issues.iter().map(describe_issue).collect())
        }
    }

    /// Draws the form; returns Save or Cancel when pressed.
    pub fn show(&mut self, ui: &mut Ui) -> Option<FormAction> {
        let mut action = None;
        ui.set_width(620.0);
        ui.heading("Settings");
        ui.label("Changes apply when you save. The file lives in your config folder.");
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .min_scrolled_height(ui.ctx().content_rect().height() * 0.68)
            .max_height(ui.ctx().content_rect().height() * 0.68)
            .show(ui, |ui| {
                egui::Grid::new("settings_grid")
                    .num_columns(3)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| self.fields(ui));
            });
        if !self.errors.is_empty() {
            ui.add_space(6.0);
            ui.label(
                RichText::new("Not saved. Please check:")
                    .color(theme::TERRACOTTA)
                    .strong(),
            );
            for error in &self.errors {
                ui.label(RichText::new(format!("• {error}")).color(theme::TERRACOTTA));
            }
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                action = Some(FormAction::Save);
            }
            if ui.button("Cancel").clicked() {
                action = Some(FormAction::Cancel);
            }
        });
        action
    }

    fn fields(&mut self, ui: &mut Ui) {
        ui.strong("Camera");
        ui.end_row();
        self.camera_row(ui);
        let label = ui.label("Resolution");
        let current = self.resolution;
        egui::ComboBox::from_id_salt("resolution")
            .selected_text(format!("{} × {}", current[0], current[1]))
            .show_ui(ui, |ui| {
                let mut choices = RESOLUTIONS.to_vec();
                if !choices.contains(&current) {
                    choices.push(current);
                }
                for choice in choices {
                    ui.selectable_value(
                        &mut self.resolution,
                        choice,
                        format!("{} × {}", choice[0], choice[1]),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        ui.label("pixels");
        ui.end_row();
        text_row(
            ui,
            "Analysis rate",
            &mut self.analysis_fps,
            "frames per second (0.2–15)",
        );
        let label = ui.label("Model");
        egui::ComboBox::from_id_salt("model")
            .selected_text(model_text(self.model))
            .show_ui(ui, |ui| {
                for model in [LandmarkModel::Lite, LandmarkModel::Full] {
                    ui.selectable_value(&mut self.model, model, model_text(model));
                }
            })
            .response
            .labelled_by(label.id);
        ui.label("");
        ui.end_row();
        check_row(
            ui,
            "Show the camera image",
            &mut self.show_camera_image,
            "off: only the tracked points are drawn",
        );

        ui.strong("Sensitivity");
        ui.end_row();
        text_row(
            ui,
            "Forward-head limit",
            &mut self.forward_head,
            "degrees beyond your baseline (2–30)",
        );
        text_row(
            ui,
            "Rounded-shoulder limit",
            &mut self.rounded_shoulders,
            "degrees beyond your baseline (2–30)",
        );

        ui.strong("Prompts");
        ui.end_row();
        text_row(
            ui,
            "Prompt delay",
            &mut self.prompt_delay,
            "seconds a drift lasts before a prompt (5–600)",
        );
        text_row(
            ui,
            "Repeat interval",
            &mut self.repeat_interval,
            "minutes between reminders (1–120)",
        );
        text_row(
            ui,
            "Break interval",
            &mut self.break_interval,
            "minutes of sitting before a break (10–240)",
        );
        check_row(
            ui,
            "Desktop notifications",
            &mut self.notifications,
            "when the window is in the background",
        );
        check_row(
            ui,
            "Start minimised",
            &mut self.start_minimised,
            "open in the background",
        );
        check_row(
            ui,
            "Start at login",
            &mut self.start_at_login,
            "starts in the tray when you log in",
        );

        ui.strong("History");
        ui.end_row();
        text_row(ui, "Keep history", &mut self.retention, "days (1–3650)");
    }
}

impl SettingsForm {
    /// The camera picker: the cameras found (as `plumbline devices` lists them), the current
    /// choice kept when it is not connected, and the chosen camera's formats beside it.
    fn camera_row(&mut self, ui: &mut Ui) {
        let found: &[crate::camera::DeviceInfo] = match self.cameras.as_deref() {
            Some(Ok(cameras)) => cameras,
            _ => &[],
        };
        let entries = camera_entries(found, &self.camera);
        let selected_text = entries
            .iter()
            .find(|(value, _)| *value == self.camera.trim())
            .map_or_else(|| self.camera.clone(), |(_, text)| text.clone());
        let label = ui.label("Camera");
        egui::ComboBox::from_id_salt("camera")
            .selected_text(selected_text)
            .width(220.0)
            .show_ui(ui, |ui| {
                for (value, text) in entries {
                    ui.selectable_value(&mut self.camera, value, text);
                }
            })
            .response
            .labelled_by(label.id);
        let hint = match self.cameras.as_deref() {
            None => "looking for cameras…".to_owned(),
            Some(Err(error)) => format!("the cameras could not be listed: {error}"),
            Some(Ok(cameras)) if cameras.is_empty() => {
                "no camera found: plug one in and it appears here".to_owned()
            }
            Some(Ok(cameras)) => cameras
                .iter()
                .find(|camera| camera.index.to_string() == self.camera.trim())
                .map_or_else(String::new, formats_hint),
        };
        ui.label(RichText::new(hint).weak());
        ui.end_row();
    }
}

/// The first few formats of a camera, or why they are unknown.
fn formats_hint(camera: &crate::camera::DeviceInfo) -> String {
    if let Some(error) = &camera.formats_error {
        return format!("formats unknown ({error})");
    }
    let shown: Vec<&str> = camera.formats.iter().take(3).map(String::as_str).collect();
    let more = camera.formats.len().saturating_sub(shown.len());
    match more {
        0 => shown.join(", "),
        _ => format!("{} and {more} more", shown.join(", ")),
    }
}

fn model_text(model: LandmarkModel) -> &'static str {
    match model {
        LandmarkModel::Lite => "Lite (lighter on the CPU)",
        LandmarkModel::Full => "Full (more detailed)",
    }
}

fn text_row(ui: &mut Ui, label: &str, value: &mut String, hint: &str) {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(value).desired_width(120.0))
        .labelled_by(label.id);
    ui.label(RichText::new(hint).weak());
    ui.end_row();
}

fn check_row(ui: &mut Ui, label: &str, value: &mut bool, hint: &str) {
    ui.label("");
    ui.checkbox(value, label);
    ui.label(RichText::new(hint).weak());
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untouched_draft_gives_the_same_settings() {
        let settings = Settings::default();
        assert_eq!(SettingsForm::new(&settings).parse(), Ok(settings));
    }

    #[test]
    fn mistakes_are_named_in_the_users_words() {
        let mut form = SettingsForm::new(&Settings::default());
        form.prompt_delay = "1".to_owned();
        form.analysis_fps = "fast".to_owned();
        let errors = form.parse().unwrap_err();
        assert_eq!(errors, vec!["Analysis rate: “fast” is not a number"]);
        form.analysis_fps = "2,5".to_owned();
        let errors = form.parse().unwrap_err();
        assert_eq!(errors, vec!["Prompt delay: 1 s is outside 5–600 s"]);
    }
}
