//! The live view: the camera picture (or a blank canvas when it is hidden) with the tracked
//! points and the ear–shoulder lines over it, the two deviation gauges against their limits,
//! and today's numbers. Pure drawing: nothing here changes state.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

use super::backend::LiveUpdate;
use super::theme;
use crate::coach::format_duration;
use crate::monitor::MonitorState;
use crate::pose::{Pose, landmark};

/// Landmarks below this visibility are not drawn (they would be guesses).
const MIN_VISIBILITY: f32 = 0.5;

/// The gauges run from 0 to this multiple of the limit.
const GAUGE_SPAN: f32 = 2.0;

/// Draws the picture and the overlay in the space available, keeping the frame's proportions.
pub fn picture(ui: &mut Ui, live: &LiveUpdate, texture: Option<&egui::TextureHandle>) {
    let [width, height] = live.frame_size;
    let aspect = if width > 0 && height > 0 {
        width as f32 / height as f32
    } else {
        4.0 / 3.0
    };
    let available = ui.available_size() - vec2(0.0, 28.0);
    let mut size = vec2(available.x, available.x / aspect);
    if size.y > available.y {
        size = vec2(available.y * aspect, available.y);
    }
    let size = size.max(vec2(160.0, 120.0));
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    match texture {
        Some(texture) => {
            painter.image(
                texture.id(),
                rect,
                Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                Color32::WHITE,
            );
        }
        None => {
            painter.rect_filled(rect, 6.0, Color32::from_rgb(0x22, 0x26, 0x2E));
            painter.text(
                rect.left_bottom() + vec2(10.0, -10.0),
                egui::Align2::LEFT_BOTTOM,
                "Camera image hidden",
                egui::FontId::proportional(13.0),
                Color32::from_gray(150),
            );
        }
    }
    if let Some(pose) = &live.pose {
        overlay(&painter, rect, pose, live.frame_size, live.status.state);
    }
}

/// The tracked points and the lines that matter for posture, scaled from frame pixels to `rect`.
fn overlay(painter: &egui::Painter, rect: Rect, pose: &Pose, frame: [u32; 2], state: MonitorState) {
    let (fw, fh) = if frame[0] > 0 && frame[1] > 0 {
        (frame[0] as f32, frame[1] as f32)
    } else {
        (
            pose.image_width.max(1) as f32,
            pose.image_height.max(1) as f32,
        )
    };
    let at = |index: usize| -> Option<Pos2> {
        let point = pose.point(index);
        (point.visibility >= MIN_VISIBILITY && point.x.is_finite() && point.y.is_finite()).then(
            || {
                pos2(
                    rect.left() + point.x / fw * rect.width(),
                    rect.top() + point.y / fh * rect.height(),
                )
            },
        )
    };
    let line_color = theme::state_look(state).color;
    let halo = Stroke::new(5.0, Color32::from_black_alpha(140));
    let line = Stroke::new(2.5, line_color);
    let draw = |a: usize, b: usize, stroke: Stroke| {
        if let (Some(a), Some(b)) = (at(a), at(b)) {
            painter.line_segment([a, b], halo);
            painter.line_segment([a, b], stroke);
        }
    };
    let soft = Stroke::new(1.5, Color32::from_white_alpha(170));
    draw(landmark::LEFT_SHOULDER, landmark::RIGHT_SHOULDER, soft);
    draw(landmark::LEFT_EAR, landmark::RIGHT_EAR, soft);
    draw(landmark::LEFT_SHOULDER, landmark::LEFT_ELBOW, soft);
    draw(landmark::RIGHT_SHOULDER, landmark::RIGHT_ELBOW, soft);
    draw(landmark::LEFT_EAR, landmark::LEFT_SHOULDER, line);
    draw(landmark::RIGHT_EAR, landmark::RIGHT_SHOULDER, line);
    for index in [
        landmark::NOSE,
        landmark::LEFT_EYE,
        landmark::RIGHT_EYE,
        landmark::LEFT_EAR,
        landmark::RIGHT_EAR,
        landmark::LEFT_SHOULDER,
        landmark::RIGHT_SHOULDER,
        landmark::LEFT_ELBOW,
        landmark::RIGHT_ELBOW,
    ] {
        if let Some(p) = at(index) {
            painter.circle(p, 4.0, Color32::WHITE, Stroke::new(1.5, line_color));
        }
    }
}

/// One gauge: a bar from 0 to twice the limit, a tick at the limit, the value in words.
pub fn gauge(ui: &mut Ui, name: &str, value: Option<f32>, limit: f32, unmeasured: &str) {
    let text = match value {
        Some(v) if v.is_finite() => format!("{name}: {v:+.1}°  (limit {limit:.0}°)"),
        _ => format!("{name}: {unmeasured}"),
    };
    ui.label(text);
    let width = ui.available_width().clamp(120.0, 320.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, 12.0), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 6.0, ui.visuals().extreme_bg_color);
    let span = (limit * GAUGE_SPAN).max(1.0);
    if let Some(v) = value.filter(|v| v.is_finite()) {
        let share = (v.max(0.0) / span).clamp(0.0, 1.0);
        let color = if v >= limit {
            theme::TERRACOTTA
        } else if v >= limit * 0.7 {
            theme::AMBER
        } else {
            theme::CALM_GREEN
        };
        let filled = Rect::from_min_size(rect.min, vec2(rect.width() * share, rect.height()));
        painter.rect_filled(filled, 6.0, color);
    }
    let tick_x = rect.left() + rect.width() * (limit / span).clamp(0.0, 1.0);
    painter.line_segment(
        [
            pos2(tick_x, rect.top() - 2.0),
            pos2(tick_x, rect.bottom() + 2.0),
        ],
        Stroke::new(2.0, ui.visuals().strong_text_color()),
    );
    response.on_hover_text("The bar fills as you move away from your baseline; the tick marks the limit that counts as a drift.");
    ui.add_space(6.0);
}

/// The share of present time spent upright today, if there was any present time.
pub fn upright_share(live: &LiveUpdate) -> Option<f64> {
    let totals = &live.status.totals;
    let present = totals.upright_s + totals.drifting_s + totals.slouching_s;
    (present > 0.0).then(|| totals.upright_s / present)
}

/// The side panel: gauges, today's numbers and the engine's cost.
pub fn numbers(ui: &mut Ui, live: &LiveUpdate) {
    let thresholds = live.status.thresholds;
    ui.heading("Posture now");
    ui.add_space(4.0);
    gauge(
        ui,
        "Forward head",
        live.forward_head_dev_deg,
        thresholds.forward_head_deg,
        "not measured",
    );
    gauge(
        ui,
        "Rounded shoulders",
        live.rounded_shoulder_dev_deg,
        thresholds.rounded_shoulder_deg,
        "not measurable from a front camera (a side camera sees it)",
    );
    ui.add_space(8.0);
    ui.heading("Today");
    let totals = &live.status.totals;
    egui::Grid::new("today_grid")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label("Upright");
            ui.label(match upright_share(live) {
                Some(share) => format!("{:.0} % of your desk time", share * 100.0),
                None => "no desk time yet".to_owned(),
            });
            ui.end_row();
            ui.label("Current streak");
            ui.label(format_duration(totals.upright_streak_s));
            ui.end_row();
            ui.label("Longest streak");
            ui.label(format_duration(totals.longest_upright_streak_s));
            ui.end_row();
            ui.label("Reminders");
            ui.label(format!(
                "{} posture, {} break",
                totals.posture_prompts, totals.break_reminders
            ));
            ui.end_row();
            ui.label("Breaks taken");
            ui.label(totals.breaks_taken.to_string());
            ui.end_row();
        });
    ui.add_space(8.0);
    ui.heading("Engine");
    egui::Grid::new("engine_grid")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label("Analysis rate");
            ui.label(format!("{:.1} frames/s", live.analysis_fps));
            ui.end_row();
            ui.label("plumbline's CPU use");
            ui.label(format!("{:.0} % of one core", live.cpu_share * 100.0));
            ui.end_row();
        });
    if let Some(until) = live.status.snooze_until_s {
        ui.add_space(8.0);
        let left = (until - live.time_s).max(0.0);
        ui.label(
            RichText::new(format!(
                "Snoozed: prompts resume in {}",
                format_duration(left)
            ))
            .color(theme::LAVENDER),
        );
    }
}
