//! The look of the app: a calm palette, and for every monitor state a colour, an icon and a
//! word, so the state never relies on colour alone. The icons are painted shapes rather than
//! font glyphs: egui's default font has no check marks, warning signs or clocks, and painted
//! icons look the same everywhere.

use egui::{Color32, Painter, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2, vec2};

use crate::desktop::appearance::ColorScheme;
use crate::monitor::{HoldReason, MonitorState};

/// Movement arrows in the exercise figures, links and highlights.
pub const ACCENT: Color32 = Color32::from_rgb(0x4A, 0x8F, 0xC7);
/// Good news: upright, calibration done.
pub const CALM_GREEN: Color32 = Color32::from_rgb(0x4C, 0x9A, 0x6A);
/// Heads-up: drifting, a threshold near.
pub const AMBER: Color32 = Color32::from_rgb(0xC9, 0x9A, 0x2E);
/// A fault that persisted: slouching, a gauge over its limit.
pub const TERRACOTTA: Color32 = Color32::from_rgb(0xC2, 0x5B, 0x43);
/// Nothing to judge: away.
pub const SLATE: Color32 = Color32::from_rgb(0x78, 0x84, 0x96);
/// Monitoring held by the user: paused, snoozed.
pub const LAVENDER: Color32 = Color32::from_rgb(0x86, 0x7B, 0xB4);
/// Something is broken: camera problem, fatal errors.
pub const BRICK: Color32 = Color32::from_rgb(0xB0, 0x41, 0x3E);

/// A small painted symbol, one per state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// A target: two rings and a dot (calibrating).
    Target,
    /// A check mark (upright).
    Check,
    /// An arrow sloping down (drifting).
    Slope,
    /// A triangle with an exclamation mark (slouching).
    Warning,
    /// An empty chair seen from the side (away).
    EmptySeat,
    /// Two bars (paused).
    Pause,
    /// A clock face (snoozed).
    Clock,
    /// A camera with a cross (camera problem).
    CameraOff,
    /// Three dots (starting).
    Dots,
    /// A circle with a cross (not monitoring).
    Stop,
}

/// How one state is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StateLook {
    /// A symbol that tells the state apart without colour.
    pub icon: Icon,
    /// One word or two.
    pub label: &'static str,
    /// A short sentence under the badge.
    pub hint: &'static str,
    pub color: Color32,
}

/// The look of a monitor state.
pub fn state_look(state: MonitorState) -> StateLook {
    match state {
        MonitorState::Calibrating => StateLook {
            icon: Icon::Target,
            label: "Calibrating",
            hint: "Waiting for a baseline of your upright posture.",
            color: ACCENT,
        },
        MonitorState::Upright => StateLook {
            icon: Icon::Check,
            label: "Upright",
            hint: "All good. Carry on.",
            color: CALM_GREEN,
        },
        MonitorState::Drifting => StateLook {
            icon: Icon::Slope,
            label: "Drifting",
            hint: "Posture is starting to slip; no need to act yet.",
            color: AMBER,
        },
        MonitorState::Slouching => StateLook {
            icon: Icon::Warning,
            label: "Slouching",
            hint: "Time for a small correction.",
            color: TERRACOTTA,
        },
        MonitorState::Away => StateLook {
            icon: Icon::EmptySeat,
            label: "Away",
            hint: "Nobody at the desk; timers are resting.",
            color: SLATE,
        },
        MonitorState::Paused => StateLook {
            icon: Icon::Pause,
            label: "Paused",
            hint: "Monitoring is paused until you resume it.",
            color: LAVENDER,
        },
        MonitorState::Snoozed => StateLook {
            icon: Icon::Clock,
            label: "Snoozed",
            hint: "No prompts for a while.",
            color: LAVENDER,
        },
        MonitorState::CameraProblem => StateLook {
            icon: Icon::CameraOff,
            label: "Camera problem",
            hint: "The camera is not delivering pictures.",
            color: BRICK,
        },
    }
}

/// What the top bar says while the system holds monitoring (the state shows as paused).
pub fn hold_hint(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::ScreenLocked => {
            "Paused while the screen is locked; the camera is off and comes back on unlock."
        }
        HoldReason::Asleep => "Paused while the computer sleeps.",
        HoldReason::CameraInUse => {
            "Another app is using the camera (a call?). Monitoring goes on when it is done."
        }
    }
}

/// The look shown before the first update arrives.
pub const STARTING: StateLook = StateLook {
    icon: Icon::Dots,
    label: "Starting",
    hint: "Starting the camera and the pose engine.",
    color: SLATE,
};

/// The look shown when monitoring cannot run at all.
pub const STOPPED: StateLook = StateLook {
    icon: Icon::Stop,
    label: "Not monitoring",
    hint: "Something needed for monitoring is missing.",
    color: BRICK,
};

/// Paints `icon` into `rect` in `color`.
pub fn paint_icon(painter: &Painter, rect: Rect, icon: Icon, color: Color32) {
    let c = rect.center();
    let r = rect.width().min(rect.height()) / 2.0;
    let stroke = Stroke::new((r * 0.18).max(1.5), color);
    let at = |x: f32, y: f32| -> Pos2 { c + vec2(x, y) * r };
    match icon {
        Icon::Target => {
            painter.circle_stroke(c, r * 0.85, stroke);
            painter.circle_stroke(c, r * 0.45, stroke);
            painter.circle_filled(c, r * 0.15, color);
        }
        Icon::Check => {
            painter.line(vec![at(-0.75, 0.0), at(-0.25, 0.55), at(0.8, -0.6)], stroke);
        }
        Icon::Slope => {
            painter.line_segment([at(-0.7, -0.6), at(0.55, 0.55)], stroke);
            painter.line(vec![at(0.6, -0.1), at(0.6, 0.6), at(-0.1, 0.6)], stroke);
        }
        Icon::Warning => {
            let corners = vec![at(0.0, -0.85), at(0.9, 0.75), at(-0.9, 0.75)];
            painter.add(egui::Shape::closed_line(corners, stroke));
            painter.line_segment([at(0.0, -0.35), at(0.0, 0.2)], stroke);
            painter.circle_filled(at(0.0, 0.47), stroke.width * 0.6, color);
        }
        Icon::EmptySeat => {
            painter.line(
                vec![at(-0.45, -0.85), at(-0.45, 0.2), at(0.55, 0.2)],
                stroke,
            );
            painter.line_segment([at(-0.45, 0.2), at(-0.45, 0.85)], stroke);
            painter.line_segment([at(0.45, 0.2), at(0.45, 0.85)], stroke);
        }
        Icon::Pause => {
            let bar = Vec2::new(r * 0.35, r * 1.5);
            painter.rect_filled(Rect::from_center_size(at(-0.35, 0.0), bar), 1.0, color);
            painter.rect_filled(Rect::from_center_size(at(0.35, 0.0), bar), 1.0, color);
        }
        Icon::Clock => {
            painter.circle_stroke(c, r * 0.85, stroke);
            painter.line(vec![at(0.0, -0.55), c, at(0.4, 0.2)], stroke);
        }
        Icon::CameraOff => {
            let body = Rect::from_center_size(at(-0.15, 0.05), vec2(r * 1.2, r * 0.95));
            painter.rect_stroke(body, 2.0, stroke, egui::StrokeKind::Middle);
            painter.line(
                vec![at(0.45, -0.15), at(0.9, -0.4), at(0.9, 0.5), at(0.45, 0.25)],
                stroke,
            );
            painter.line_segment([at(-0.85, -0.85), at(0.85, 0.85)], stroke);
        }
        Icon::Dots => {
            for x in [-0.6, 0.0, 0.6] {
                painter.circle_filled(at(x, 0.0), r * 0.16, color);
            }
        }
        Icon::Stop => {
            painter.circle_stroke(c, r * 0.85, stroke);
            painter.line_segment([at(-0.4, -0.4), at(0.4, 0.4)], stroke);
            painter.line_segment([at(-0.4, 0.4), at(0.4, -0.4)], stroke);
        }
    }
}

/// Allocates a square of `size` and paints `icon` in it.
pub fn icon(ui: &mut Ui, icon: Icon, size: f32, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    if ui.is_rect_visible(rect) {
        paint_icon(ui.painter(), rect, icon, color);
    }
}

/// The large state badge: a rounded pill with the icon and the word.
pub fn badge(ui: &mut Ui, look: &StateLook, large: bool) {
    let size = if large { 22.0 } else { 14.0 };
    egui::Frame::new()
        .fill(look.color.gamma_multiply(0.22))
        .stroke(egui::Stroke::new(1.5, look.color))
        .corner_radius(egui::CornerRadius::same(if large { 14 } else { 9 }))
        .inner_margin(egui::Margin::symmetric(
            if large { 14 } else { 8 },
            if large { 6 } else { 3 },
        ))
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = Vec2::new(8.0, 0.0);
            ui.horizontal(|ui| {
                icon(ui, look.icon, size, look.color);
                ui.label(RichText::new(look.label).size(size).strong());
            });
        });
}

/// The theme for the desktop's preference: light when it asks for light, dark otherwise (also
/// when it says nothing).
pub fn preference_for(scheme: Option<ColorScheme>) -> egui::ThemePreference {
    match scheme {
        Some(ColorScheme::Light) => egui::ThemePreference::Light,
        Some(ColorScheme::Dark | ColorScheme::NoPreference) | None => egui::ThemePreference::Dark,
    }
}

/// Calm visuals: the default light or dark theme with softer corners and a little more air.
pub fn apply_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = Vec2::new(8.0, 6.0);
        style.spacing.button_padding = Vec2::new(10.0, 4.0);
        style.visuals.selection.bg_fill = ACCENT.gamma_multiply(0.6);
        style.visuals.hyperlink_color = ACCENT;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_its_own_icon_and_word() {
        let looks: Vec<StateLook> = MonitorState::ALL.iter().map(|&s| state_look(s)).collect();
        for (i, a) in looks.iter().enumerate() {
            assert!(!a.label.is_empty());
            for b in &looks[i + 1..] {
                assert_ne!(a.icon, b.icon, "{} and {}", a.label, b.label);
                assert_ne!(a.label, b.label);
            }
        }
    }
}
