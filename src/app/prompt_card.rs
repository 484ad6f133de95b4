//! The prompt card: what drifted and for how long, a one-line correction, and the matched
//! exercise with its drawing, steps and an optional timer; buttons to say it is done, to snooze,
//! to pause, or to recalibrate when the baseline looks stale. Break reminders use the same card.

use egui::{RichText, Ui};

use super::figures;
use super::theme;
use crate::coach::{CoachMessage, Exercise, format_duration};
use crate::monitor::PromptKind;

/// Snooze lengths offered, minutes.
pub const SNOOZE_MINUTES: [u32; 3] = [15, 30, 60];

/// A prompt on screen.
#[derive(Clone, Debug)]
pub struct PromptCard {
    pub message: CoachMessage,
    /// UI time the exercise timer ends, while it runs.
    pub timer_ends_at: Option<f64>,
}

/// What the user pressed on the card.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CardAction {
    Done,
    NotNow,
    Snooze(u32),
    Pause,
    Recalibrate,
    StartTimer,
    StopTimer,
}

/// Seconds the exercise timer runs: the whole exercise when it is timed, otherwise one hold.
pub fn timer_seconds(exercise: &Exercise) -> Option<u32> {
    exercise
        .duration_s
        .or(exercise.hold_s)
        .filter(|&seconds| seconds > 0)
}

impl PromptCard {
    pub fn new(message: CoachMessage) -> PromptCard {
        PromptCard {
            message,
            timer_ends_at: None,
        }
    }

    /// Draws the card; `now` is UI time in seconds.
    pub fn show(&self, ui: &mut Ui, now: f64) -> Option<CardAction> {
        let mut action = None;
        let message = &self.message;
        let accent = match message.kind {
            PromptKind::Posture => theme::TERRACOTTA,
            PromptKind::Break => theme::ACCENT,
            PromptKind::Recalibrate => theme::AMBER,
        };
        ui.set_width(560.0);
        ui.label(RichText::new(&message.title).heading().color(accent));
        ui.label(RichText::new(&message.reason).strong());
        ui.label(&message.correction);
        if let Some(exercise) = &message.exercise {
            ui.separator();
            if let Some(pressed) = self.exercise(ui, exercise, now) {
                action = Some(pressed);
            }
        }
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            match message.kind {
                PromptKind::Recalibrate => {
                    if ui.button("Recalibrate").clicked() {
                        action = Some(CardAction::Recalibrate);
                    }
                }
                PromptKind::Posture | PromptKind::Break => {
                    let done = egui::Button::new(RichText::new("Done").strong())
                        .fill(theme::CALM_GREEN.gamma_multiply(0.55));
                    if ui.add(done).clicked() {
                        action = Some(CardAction::Done);
                    }
                }
            }
            if ui.button("Not now").clicked() {
                action = Some(CardAction::NotNow);
            }
            for minutes in SNOOZE_MINUTES {
                if ui.button(format!("Snooze {minutes} min")).clicked() {
                    action = Some(CardAction::Snooze(minutes));
                }
            }
            if ui.button("Pause monitoring").clicked() {
                action = Some(CardAction::Pause);
            }
        });
        action
    }

    fn exercise(&self, ui: &mut Ui, exercise: &Exercise, now: f64) -> Option<CardAction> {
        let mut action = None;
        ui.horizontal_top(|ui| {
            figures::figure(
                ui,
                &exercise.figure,
                150.0,
                &format!("Drawing: {}", exercise.name),
            );
            ui.vertical(|ui| {
                ui.label(RichText::new(format!("Try: {}", exercise.name)).strong());
                let dose = exercise.dose_text();
                if !dose.is_empty() {
                    ui.label(RichText::new(dose).weak());
                }
                for (number, step) in exercise.steps.iter().enumerate() {
                    ui.label(format!("{}. {step}", number + 1));
                }
                for caution in &exercise.cautions {
                    ui.label(RichText::new(format!("Careful: {caution}")).weak());
                }
                if let Some(seconds) = timer_seconds(exercise) {
                    ui.add_space(4.0);
                    match self.timer_ends_at {
                        Some(ends_at) if ends_at > now => {
                            let left = (ends_at - now).ceil().max(0.0);
                            let share = 1.0 - (left / f64::from(seconds)).clamp(0.0, 1.0);
                            ui.add(
                                egui::ProgressBar::new(share as f32)
                                    .text(format!("{} left", format_duration(left))),
                            );
                            if ui.button("Stop timer").clicked() {
                                action = Some(CardAction::StopTimer);
                            }
                        }
                        Some(_) => {
                            ui.label(
                                RichText::new("Time is up. Well done.").color(theme::CALM_GREEN),
                            );
                            if ui.button("Start timer again").clicked() {
                                action = Some(CardAction::StartTimer);
                            }
                        }
                        None => {
                            if ui
                                .button(format!(
                                    "Start a {} timer",
                                    format_duration(f64::from(seconds))
                                ))
                                .clicked()
                            {
                                action = Some(CardAction::StartTimer);
                            }
                        }
                    }
                }
            });
        });
        action
    }
}
