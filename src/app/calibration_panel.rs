//! Guided calibration: a short checklist, a countdown, then live feedback from the backend's
//! quality gates while upright frames are collected, and a summary of the baseline (or what
//! went wrong and how to fix it). The countdown runs on UI time; collecting is the backend's.

use egui::{RichText, Ui};

use super::backend::CalibrationUpdate;
use super::theme;

/// Seconds of countdown before collecting starts, so the user can settle.
pub const COUNTDOWN_S: f64 = 3.0;

/// The checklist shown before a calibration.
pub const CHECKLIST: [&str; 4] = [
    "Your screen is at eye level and about an arm's length away.",
    "You sit back in the chair, with your back supported.",
    "Your ears are over your shoulders, chin level.",
    "Your shoulders are relaxed, back and down.",
];

/// Where a calibration stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Calibration {
    /// Showing the checklist.
    Checklist,
    /// Counting down to the start; UI time it ends.
    Countdown {
        ends_at: f64,
    },
    /// The backend is collecting frames.
    Collecting {
        progress: f32,
        feedback: Vec<String>,
    },
    Succeeded {
        summary: Vec<(String, String)>,
    },
    Failed {
        reasons: Vec<String>,
    },
}

impl Calibration {
    /// The state after the backend's `update`.
    pub fn from_update(update: CalibrationUpdate) -> Calibration {
        match update {
            CalibrationUpdate::Collecting { progress, feedback } => {
                Calibration::Collecting { progress, feedback }
            }
            CalibrationUpdate::Succeeded { summary } => Calibration::Succeeded { summary },
            CalibrationUpdate::Failed { reasons } => Calibration::Failed { reasons },
        }
    }
}

/// What the user pressed in the calibration dialog.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationAction {
    /// Start the countdown (from the checklist, or again after a failure).
    Start,
    /// Back to the checklist after a failure.
    TryAgain,
    /// Stop a running calibration or close the checklist.
    Cancel,
    /// Close the dialog after the result.
    Close,
}

/// Draws the dialog's content; `now` is UI time in seconds.
pub fn show(ui: &mut Ui, calibration: &Calibration, now: f64) -> Option<CalibrationAction> {
    let mut action = None;
    match calibration {
        Calibration::Checklist => {
            ui.heading("Calibrate your upright posture");
            ui.label(
                "plumbline compares you with yourself. Sit the way you would like to sit, \
                 then hold still for a few seconds.",
            );
            ui.add_space(6.0);
            for (number, item) in CHECKLIST.iter().enumerate() {
                ui.label(format!("{}.  {item}", number + 1));
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Start").strong()).clicked() {
                    action = Some(CalibrationAction::Start);
                }
                if ui.button("Cancel").clicked() {
                    action = Some(CalibrationAction::Cancel);
                }
            });
        }
        Calibration::Countdown { ends_at } => {
            ui.heading("Get ready");
            let left = (ends_at - now).ceil().max(1.0);
            ui.label(RichText::new(format!("Starting in {left:.0}…")).size(28.0));
            ui.label("Sit upright and relaxed, and look at the screen.");
            for item in CHECKLIST {
                ui.label(RichText::new(format!("•  {item}")).weak());
            }
            if ui.button("Cancel").clicked() {
                action = Some(CalibrationAction::Cancel);
            }
        }
        Calibration::Collecting { progress, feedback } => {
            ui.heading("Hold still");
            ui.add(egui::ProgressBar::new(progress.clamp(0.0, 1.0)).show_percentage());
            if feedback.is_empty() {
                ui.horizontal(|ui| {
                    theme::icon(ui, theme::Icon::Check, 14.0, theme::CALM_GREEN);
                    ui.label(RichText::new("Looking good, keep it up.").color(theme::CALM_GREEN));
                });
            }
            for line in feedback {
                ui.horizontal(|ui| {
                    theme::icon(ui, theme::Icon::Slope, 14.0, theme::AMBER);
                    ui.label(RichText::new(line).color(theme::AMBER));
                });
            }
            if ui.button("Cancel").clicked() {
                action = Some(CalibrationAction::Cancel);
            }
        }
        Calibration::Succeeded { summary } => {
            ui.horizontal(|ui| {
                theme::icon(ui, theme::Icon::Check, 20.0, theme::CALM_GREEN);
                ui.heading(RichText::new("Calibration done").color(theme::CALM_GREEN));
            });
            ui.label("This is your baseline. Prompts measure drift from it.");
            egui::Grid::new("baseline_summary")
                .num_columns(2)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    for (label, value) in summary {
                        ui.label(label);
                        ui.label(RichText::new(value).strong());
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            if ui.button("Finish").clicked() {
                action = Some(CalibrationAction::Close);
            }
        }
        Calibration::Failed { reasons } => {
            ui.heading(RichText::new("Calibration did not work").color(theme::TERRACOTTA));
            for reason in reasons {
                ui.label(format!("•  {reason}"));
            }
            ui.label("Your previous baseline, if you had one, is still in use.");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Try again").strong()).clicked() {
                    action = Some(CalibrationAction::TryAgain);
                }
                if ui.button("Close").clicked() {
                    action = Some(CalibrationAction::Close);
                }
            });
        }
    }
    action
}
