//! Drawing of the History dialog: the day picker, the summary numbers, the band of states across
//! the day (colour, height and a legend with words, so it never relies on colour alone), the
//! forward-head and rounded-shoulder curves with their limits and the prompt and break markers
//! (`egui_plot`), and the 7/30-day overview with one clickable bar per day. Drawing only
//! returns [`HistoryAction`]s; the window carries them out.

use egui::{Color32, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};
use egui_plot::{
    HLine, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points, VLine,
};

use super::history::{
    ExportStatus, HistoryAction, HistoryMode, HistoryPanel, HistoryProblem, OVERVIEW_DAYS,
};
use super::theme;
use crate::coach::format_duration;
use crate::coach::setup;
use crate::monitor::Thresholds;
use crate::store::calendar::{MS_PER_HOUR, MS_PER_MIN};
use crate::store::{Band, Date, DayBar, DayView, EventKind, State, StoredEvent, Zone};

/// Height of the band of states.
const BAND_HEIGHT: f32 = 30.0;
/// Height of the deviation plot.
const PLOT_HEIGHT: f32 = 190.0;
/// Height of the overview's bar area.
const OVERVIEW_HEIGHT: f32 = 190.0;
/// Two curve points further apart than this are not joined (nothing was measured between).
const CURVE_GAP_MS: i64 = 2 * MS_PER_MIN;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday(date: Date) -> &'static str {
    // 1970-01-01 was a Thursday.
    WEEKDAYS[(date.days_since_epoch() + 3).rem_euclid(7) as usize]
}

/// "Saturday 14 March 2026".
pub fn long_date(date: Date) -> String {
    let month = MONTHS[usize::from(date.month.clamp(1, 12) - 1)];
    format!("{} {} {month} {}", weekday(date), date.day, date.year)
}

/// "Sat 14".
fn short_date(date: Date) -> String {
    format!("{} {}", &weekday(date)[..3], date.day)
}

/// The colour and word of a band.
pub fn band_look(band: Band) -> (Color32, &'static str) {
    match band {
        Band::Upright => (theme::CALM_GREEN, "Upright"),
        Band::Slouching => (theme::TERRACOTTA, "Slouching"),
        Band::Away => (theme::SLATE, "Away"),
        Band::Paused => (theme::LAVENDER, "Paused"),
        Band::NoCamera => (theme::BRICK, "No camera"),
    }
}

/// How much of the band's height a state fills: slouching stands out by height as well as
/// colour, time without a judgement sits low.
fn band_height_share(band: Band) -> f32 {
    match band {
        Band::Slouching => 1.0,
        Band::Upright => 0.6,
        Band::Away | Band::Paused | Band::NoCamera => 0.3,
    }
}

const BANDS: [Band; 5] = [
    Band::Upright,
    Band::Slouching,
    Band::Away,
    Band::Paused,
    Band::NoCamera,
];

fn minutes(ms: i64) -> String {
    format_duration(ms as f64 / 1000.0)
}

/// "1 prompt", "3 prompts".
fn count(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn percent(share: f32) -> String {
    format!("{:.0}%", share * 100.0)
}

fn hh_mm(zone: Zone, time_ms: i64) -> String {
    zone.local_time(time_ms).hh_mm()
}

/// The whole dialog body.
pub fn show(ui: &mut Ui, panel: &HistoryPanel, thresholds: Thresholds) -> Vec<HistoryAction> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        ui.heading("History");
        ui.add_space(12.0);
        let day_mode = panel.mode == HistoryMode::Day;
        if ui.selectable_label(day_mode, "Day").clicked() && !day_mode {
            actions.push(HistoryAction::ShowMode(HistoryMode::Day));
        }
        for days in OVERVIEW_DAYS {
            let on = panel.mode == HistoryMode::Overview(days);
            if ui.selectable_label(on, format!("{days} days")).clicked() && !on {
                actions.push(HistoryAction::ShowMode(HistoryMode::Overview(days)));
            }
        }
    });
    ui.horizontal(|ui| {
        let step = panel.step_days();
        let (previous, next) = match panel.mode {
            HistoryMode::Day => ("Previous day".to_owned(), "Next day".to_owned()),
            HistoryMode::Overview(days) => {
                (format!("Previous {days} days"), format!("Next {days} days"))
            }
        };
        if ui.button(previous).clicked() {
            actions.push(HistoryAction::ShowDate(panel.date.add_days(-step)));
        }
        let title = match panel.mode {
            HistoryMode::Day => long_date(panel.date),
            HistoryMode::Overview(_) => {
                let (from, to) = panel.range();
                format!("{} to {}", long_date(from), long_date(to))
            }
        };
        ui.label(RichText::new(title).strong().size(15.0));
        if ui
            .add_enabled(panel.date < panel.today, egui::Button::new(next))
            .clicked()
        {
            actions.push(HistoryAction::ShowDate(panel.date.add_days(step)));
        }
        if ui
            .add_enabled(panel.date != panel.today, egui::Button::new("Today"))
            .clicked()
        {
            actions.push(HistoryAction::ShowDate(panel.today));
        }
    });
    ui.separator();
    // A fixed height, so the dialog does not jump when another day has less to show.
    let height = (ui.ctx().content_rect().height() * 0.68).max(200.0);
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .min_scrolled_height(height)
        .max_height(height)
        .show(ui, |ui| match panel.mode {
            HistoryMode::Day => match &panel.day {
                Some(Ok(view)) => day(ui, view, panel.zone, thresholds),
                Some(Err(problem)) => problem_text(ui, problem),
                None => {}
            },
            HistoryMode::Overview(_) => match &panel.overview {
                Some(Ok(bars)) => {
                    if let Some(date) = overview(ui, bars) {
                        actions.push(HistoryAction::OpenDay(date));
                    }
                }
                Some(Err(problem)) => problem_text(ui, problem),
                None => {}
            },
        });
    ui.separator();
    ui.horizontal(|ui| {
        let running = matches!(panel.export, Some(ExportStatus::Running { .. }));
        if ui
            .add_enabled(!running, egui::Button::new("Export CSV…"))
            .on_hover_text("Saves the days shown as a CSV file in your Downloads folder.")
            .clicked()
        {
            actions.push(HistoryAction::Export);
        }
        match &panel.export {
            Some(ExportStatus::Running { path, .. }) => {
                ui.label(format!("Saving {}…", path.display()));
            }
            Some(ExportStatus::Done(Ok(message))) => {
                ui.label(message);
            }
            Some(ExportStatus::Done(Err(message))) => {
                ui.colored_label(theme::BRICK, message);
            }
            None => {}
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Close").clicked() {
                actions.push(HistoryAction::Close);
            }
        });
    });
    actions
}

fn problem_text(ui: &mut Ui, problem: &HistoryProblem) {
    ui.add_space(12.0);
    match problem {
        HistoryProblem::NoHistory => {
            ui.label(RichText::new("No history yet").strong().size(16.0));
            ui.label(
                "plumbline keeps a record of your day while it monitors. Come back after a \
                 while at the desk to see how it went.",
            );
        }
        HistoryProblem::Failed(message) => {
            ui.label(
                RichText::new("The history could not be read")
                    .strong()
                    .size(16.0),
            );
            ui.label(message);
        }
    }
    ui.add_space(12.0);
}

fn day(ui: &mut Ui, view: &DayView, zone: Zone, thresholds: Thresholds) {
    if view.summary.is_empty() {
        ui.add_space(12.0);
        ui.label(RichText::new("Nothing was recorded on this day.").strong());
        ui.label("Pick another day, or look at the last 7 or 30 days.");
        ui.add_space(12.0);
        return;
    }
    summary(ui, view, zone);
    ui.add_space(10.0);
    band(ui, view, zone);
    ui.add_space(10.0);
    curves(ui, view, zone, thresholds);
}

fn summary(ui: &mut Ui, view: &DayView, zone: Zone) {
    let s = &view.summary;
    let longest = s.longest_slouch.map_or_else(
        || "none".to_owned(),
        |span| {
            format!(
                "{} ({}–{})",
                minutes(span.len_ms()),
                hh_mm(zone, span.start_ms),
                hh_mm(zone, span.end_ms)
            )
        },
    );
    let worst = s.worst_hour.map_or_else(
        || "none".to_owned(),
        |hour| {
            format!(
                "{:02}:00 ({} slouching)",
                hour.local_hour,
                percent(hour.slouching_share())
            )
        },
    );
    let upright = s
        .upright_share()
        .map_or_else(|| "no time at the desk".to_owned(), percent);
    let rows = [
        ("Monitored", minutes(s.monitored_ms()), "Upright", upright),
        (
            "At the desk",
            minutes(s.present_ms()),
            "Longest slouch",
            longest,
        ),
        (
            "Prompts",
            s.prompts.to_string(),
            "Breaks",
            s.breaks.to_string(),
        ),
        (
            "Worst hour",
            worst,
            "Mean deviation",
            format!(
                "head {}, shoulders {}",
                degrees(s.mean_forward_head_dev_deg),
                s.mean_rounded_shoulder_dev_deg.map_or_else(
                    || "not measured (front camera)".to_owned(),
                    |v| format!("{v:+.1}°")
                )
            ),
        ),
    ];
    egui::Grid::new("day_summary")
        .num_columns(4)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            for (a, va, b, vb) in rows {
                ui.label(RichText::new(a).weak());
                ui.label(RichText::new(va).strong());
                ui.label(RichText::new(b).weak());
                ui.label(RichText::new(vb).strong());
                ui.end_row();
            }
        });
    // Why monitoring stopped, and what to change: below the numbers, never as a prompt.
    if !s.pauses.is_empty() {
        let pauses: Vec<String> = s
            .pauses
            .iter()
            .map(|pause| {
                format!(
                    "{}–{} {}",
                    hh_mm(zone, pause.start_ms),
                    hh_mm(zone, pause.end_ms),
                    pause.cause.words()
                )
            })
            .collect();
        ui.label(RichText::new(format!("Pauses: {}", pauses.join("; "))).weak());
    }
    if let Some(stretch) = s.longest_sitting {
        ui.label(
            RichText::new(format!(
                "Longest sitting: {} ({}–{}) without a break",
                minutes(stretch.len_ms()),
                hh_mm(zone, stretch.start_ms),
                hh_mm(zone, stretch.end_ms)
            ))
            .weak(),
        );
        if let Some(advice) = setup::advice_for_sitting(stretch.len_ms() / MS_PER_MIN) {
            ui.label(format!("What to change: {}", advice.line()));
        }
    }
}

fn degrees(value: Option<f32>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:+.1}°"))
}

/// The band of states across the day, with hour ticks, a hover text and a legend.
fn band(ui: &mut Ui, view: &DayView, zone: Zone) {
    let (start, end) = (view.summary.start_ms, view.summary.end_ms);
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, BAND_HEIGHT + 18.0), Sense::hover());
    let strip = Rect::from_min_size(rect.min, vec2(width, BAND_HEIGHT));
    let x_of = |t: i64| {
        let share = (t - start) as f32 / (end - start).max(1) as f32;
        strip.left() + share.clamp(0.0, 1.0) * strip.width()
    };
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(strip, 3.0, visuals.extreme_bg_color);
    let spans = view.band();
    for span in &spans {
        let (color, _) = band_look(span.band);
        let top = strip.bottom() - strip.height() * band_height_share(span.band);
        let left = x_of(span.start_ms);
        // At least a pixel, so a short slouch still shows.
        let right = x_of(span.end_ms).max(left + 1.0);
        painter.rect_filled(
            Rect::from_min_max(pos2(left, top), pos2(right, strip.bottom())),
            0.0,
            color,
        );
    }
    let tick = Stroke::new(1.0, visuals.weak_text_color());
    for (i, hour) in view.hours.iter().enumerate() {
        let x = x_of(hour.start_ms);
        let long = hour.local_hour % 3 == 0;
        painter.line_segment(
            [
                pos2(x, strip.bottom()),
                pos2(x, strip.bottom() + if long { 5.0 } else { 2.5 }),
            ],
            tick,
        );
        if long && i + 1 < view.hours.len() {
            painter.text(
                pos2(x, strip.bottom() + 5.0),
                if i == 0 {
                    egui::Align2::LEFT_TOP
                } else {
                    egui::Align2::CENTER_TOP
                },
                format!("{:02}", hour.local_hour),
                egui::FontId::proportional(11.0),
                visuals.weak_text_color(),
            );
        }
    }
    if let Some(pointer) = response.hover_pos() {
        let share = f64::from((pointer.x - strip.left()) / strip.width().max(1.0));
        let t = start + (share * (end - start) as f64) as i64;
        let text = match spans.iter().find(|s| s.start_ms <= t && t < s.end_ms) {
            Some(span) => format!(
                "{}–{}  {} ({})",
                hh_mm(zone, span.start_ms),
                hh_mm(zone, span.end_ms),
                band_look(span.band).1,
                minutes(span.end_ms - span.start_ms)
            ),
            None => format!("{}  nothing recorded", hh_mm(zone, t)),
        };
        response.on_hover_text_at_pointer(text);
    }
    ui.horizontal_wrapped(|ui| {
        for band in BANDS {
            let (color, word) = band_look(band);
            let (swatch, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
            let top = swatch.bottom() - swatch.height() * band_height_share(band);
            ui.painter().rect_filled(
                Rect::from_min_max(pos2(swatch.left(), top), swatch.max),
                1.0,
                color,
            );
            ui.label(word);
            ui.add_space(6.0);
        }
    });
}

/// What a marker says on hover.
fn marker_text(event: &StoredEvent, zone: Zone) -> String {
    let detail = |key: &str| {
        event
            .detail
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let what = match &event.kind {
        EventKind::Prompt => match detail("reason") {
            Some(reason) => format!("Prompt: {reason}"),
            None => "Prompt".to_owned(),
        },
        EventKind::Break => "Break".to_owned(),
        other => other.as_str().replace('_', " "),
    };
    format!("{}  {what}", hh_mm(zone, event.time_ms))
}

/// The deviation curves with their limits and the prompt and break markers.
fn curves(ui: &mut Ui, view: &DayView, zone: Zone, thresholds: Thresholds) {
    let start = view.summary.start_ms;
    let x_of = |t: i64| (t - start) as f64 / MS_PER_HOUR as f64;
    let hours = view.hours.len() as f64;
    ui.label(RichText::new("Deviation from your upright baseline, per minute (degrees)").weak());
    if view.curve.is_empty() {
        ui.label("No measurements this day.");
        return;
    }
    let series = |get: fn(&crate::store::DeviationPoint) -> Option<f32>| {
        let mut segments: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut last: Option<i64> = None;
        for point in &view.curve {
            let Some(value) = get(point) else {
                last = None;
                continue;
            };
            let joined = last.is_some_and(|t| point.time_ms - t <= CURVE_GAP_MS);
            match segments.last_mut() {
                Some(segment) if joined => segment.push([x_of(point.time_ms), f64::from(value)]),
                _ => segments.push(vec![[x_of(point.time_ms), f64::from(value)]]),
            }
            last = Some(point.time_ms);
        }
        segments
    };
    let head = series(|p| p.forward_head_dev_deg);
    let shoulders = series(|p| p.rounded_shoulder_dev_deg);
    let top = head.iter().chain(&shoulders).flatten().map(|p| p[1]).fold(
        f64::from(
            thresholds
                .forward_head_deg
                .max(thresholds.rounded_shoulder_deg),
        ),
        f64::max,
    ) * 1.1;
    let prompts: Vec<&StoredEvent> = view
        .markers
        .iter()
        .filter(|e| e.kind == EventKind::Prompt)
        .collect();
    let breaks: Vec<&StoredEvent> = view
        .markers
        .iter()
        .filter(|e| e.kind == EventKind::Break)
        .collect();
    let prompt_texts: Vec<String> = prompts.iter().map(|e| marker_text(e, zone)).collect();
    let break_texts: Vec<String> = breaks.iter().map(|e| marker_text(e, zone)).collect();
    let hour_labels: Vec<u8> = view.hours.iter().map(|h| h.local_hour).collect();
    let hour_name = move |x: f64| -> String {
        let index = x.floor().max(0.0) as usize;
        let minute = ((x - x.floor()) * 60.0).round() as u32;
        let hour = hour_labels
            .get(index)
            .map_or(index % 24, |h| usize::from(*h));
        format!("{hour:02}:{minute:02}")
    };
    let axis_hour = hour_name.clone();
    let (head_color, shoulder_color) = (theme::ACCENT, theme::AMBER);
    Plot::new("day_curves")
        .height(PLOT_HEIGHT)
        .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .default_x_bounds(0.0, hours)
        .default_y_bounds(top.min(0.0) - 1.0, top)
        .x_axis_formatter(move |mark, _| axis_hour(mark.value))
        .y_axis_formatter(|mark, _| format!("{:.0}°", mark.value))
        .label_formatter(move |position| match position {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                index,
            } => match *plot_name {
                "Prompts" => prompt_texts.get(*index).cloned(),
                "Breaks" => break_texts.get(*index).cloned(),
                name => Some(format!(
                    "{}  {name}: {:+.1}°",
                    hour_name(position.x),
                    position.y
                )),
            },
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            for segment in head {
                plot.line(Line::new("Forward head", PlotPoints::new(segment)).color(head_color));
            }
            for segment in shoulders {
                plot.line(
                    Line::new("Rounded shoulders", PlotPoints::new(segment)).color(shoulder_color),
                );
            }
            plot.hline(
                HLine::new("Forward-head limit", f64::from(thresholds.forward_head_deg))
                    .color(head_color.gamma_multiply(0.7))
                    .style(LineStyle::dashed_loose()),
            );
            plot.hline(
                HLine::new(
                    "Rounded-shoulder limit",
                    f64::from(thresholds.rounded_shoulder_deg),
                )
                .color(shoulder_color.gamma_multiply(0.7))
                .style(LineStyle::dashed_loose()),
            );
            for (name, events, color, shape) in [
                ("Prompts", &prompts, theme::TERRACOTTA, MarkerShape::Down),
                ("Breaks", &breaks, theme::CALM_GREEN, MarkerShape::Circle),
            ] {
                for event in events.iter() {
                    // Unnamed: the legend and the hover text come from the points.
                    plot.vline(
                        VLine::new("", x_of(event.time_ms))
                            .allow_hover(false)
                            .color(color.gamma_multiply(0.6))
                            .style(LineStyle::dotted_dense()),
                    );
                }
                let points: Vec<[f64; 2]> = events
                    .iter()
                    .map(|e| [x_of(e.time_ms), top * 0.97])
                    .collect();
                plot.points(
                    Points::new(name, PlotPoints::new(points))
                        .color(color)
                        .shape(shape)
                        .filled(true)
                        .radius(5.0),
                );
            }
        });
}

/// One bar per day: present time split into upright, drifting and slouching, the upright
/// share above. Returns the day whose bar was clicked.
fn overview(ui: &mut Ui, bars: &[DayBar]) -> Option<Date> {
    if bars.iter().all(|bar| bar.durations.total_ms() == 0) {
        ui.add_space(12.0);
        ui.label(RichText::new("Nothing was recorded on these days.").strong());
        ui.add_space(12.0);
        return None;
    }
    ui.label(
        RichText::new(
            "Time at the desk per day; the share above each bar was upright. Click a bar to open that day.",
        )
        .weak(),
    );
    let mut clicked = None;
    let parts = [
        (State::Upright, theme::CALM_GREEN, "Upright"),
        (State::Drifting, theme::AMBER, "Drifting"),
        (State::Slouching, theme::TERRACOTTA, "Slouching"),
    ];
    let most = bars
        .iter()
        .map(|bar| bar.durations.present_ms())
        .max()
        .unwrap_or(0)
        .max(MS_PER_HOUR);
    let width = ui.available_width();
    let (area, _) = ui.allocate_exact_size(vec2(width, OVERVIEW_HEIGHT + 34.0), Sense::hover());
    let slot = width / bars.len().max(1) as f32;
    let plot_bottom = area.top() + 16.0 + OVERVIEW_HEIGHT;
    let text_color = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    ui.painter().line_segment(
        [
            pos2(area.left(), plot_bottom),
            pos2(area.right(), plot_bottom),
        ],
        Stroke::new(1.0, weak),
    );
    for (i, bar) in bars.iter().enumerate() {
        let left = area.left() + slot * i as f32;
        let slot_rect =
            Rect::from_min_max(pos2(left, area.top()), pos2(left + slot, area.bottom()));
        let bar_width = (slot * 0.7).min(48.0);
        let x0 = slot_rect.center().x - bar_width / 2.0;
        let mut y = plot_bottom;
        let painter = ui.painter();
        for (state, color, _) in parts {
            let h = bar.durations.get(state) as f32 / most as f32 * OVERVIEW_HEIGHT;
            if h > 0.0 {
                painter.rect_filled(
                    Rect::from_min_max(pos2(x0, y - h), pos2(x0 + bar_width, y)),
                    0.0,
                    color,
                );
            }
            y -= h;
        }
        let share = bar.upright_share();
        if let Some(share) = share {
            painter.text(
                pos2(slot_rect.center().x, y - 2.0),
                egui::Align2::CENTER_BOTTOM,
                percent(share),
                egui::FontId::proportional(if bars.len() > 10 { 9.0 } else { 12.0 }),
                text_color,
            );
        }
        let show_date = bars.len() <= 10 || i % 5 == 4 || i + 1 == bars.len();
        if show_date {
            let label = if bars.len() <= 10 {
                short_date(bar.date)
            } else {
                bar.date.day.to_string()
            };
            painter.text(
                pos2(slot_rect.center().x, plot_bottom + 4.0),
                egui::Align2::CENTER_TOP,
                label,
                egui::FontId::proportional(11.0),
                weak,
            );
        }
        let description = match share {
            Some(share) => format!(
                "{}: {} at the desk, {} upright, {}, {}",
                long_date(bar.date),
                minutes(bar.durations.present_ms()),
                percent(share),
                count(bar.prompts, "prompt"),
                count(bar.breaks, "break")
            ),
            None => format!("{}: no time at the desk recorded", long_date(bar.date)),
        };
        let response = ui.interact(
            slot_rect,
            egui::Id::unique("day_bar").with(bar.date.days_since_epoch()),
            Sense::click(),
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &description));
        if response.hovered() {
            ui.painter().rect_stroke(
                slot_rect.shrink(1.0),
                3.0,
                Stroke::new(1.0, theme::ACCENT),
                egui::StrokeKind::Inside,
            );
        }
        if response.on_hover_text(description).clicked() {
            clicked = Some(bar.date);
        }
    }
    ui.horizontal_wrapped(|ui| {
        for (_, color, word) in parts {
            let (swatch, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, color);
            ui.label(word);
            ui.add_space(6.0);
        }
    });
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_words() {
        let date = Date::new(2026, 3, 14).unwrap();
        assert_eq!(long_date(date), "Saturday 14 March 2026");
        assert_eq!(short_date(date), "Sat 14");
        assert_eq!(
            long_date(Date::new(1970, 1, 1).unwrap()),
            "Thursday 1 January 1970"
        );
    }
}
