//! The text of `plumbline report`: the day's summary and an hour-by-hour timeline, as one
//! string, so the CLI only prints it. Plain ASCII, 80 columns.

use std::fmt::Write;

use super::calendar::{MS_PER_MIN, Zone, format_offset};
use super::query::{DaySummary, HourRow};
use super::types::State;

/// Minutes per hour, for durations.
const MINUTES_PER_HOUR: i64 = 60;

/// The character drawn for a state in the timeline.
pub fn state_char(state: Option<State>) -> char {
    match state {
        None => ' ',
        Some(State::Upright) => '=',
        Some(State::Drifting) => '~',
        Some(State::Slouching) => '#',
        Some(State::Away) => '.',
        Some(State::Paused | State::Snoozed | State::Calibrating) => 'p',
        Some(State::CameraProblem) => '!',
    }
}

/// "6 h 12 min", "14 min", "45 s", "0 min".
pub fn format_duration_ms(ms: i64) -> String {
    let minutes = (ms + MS_PER_MIN / 2) / MS_PER_MIN;
    if ms > 0 && ms < MS_PER_MIN {
        format!("{} s", ms / 1000)
    } else if minutes < MINUTES_PER_HOUR {
        format!("{minutes} min")
    } else {
        format!(
            "{} h {:02} min",
            minutes / MINUTES_PER_HOUR,
            minutes % MINUTES_PER_HOUR
        )
    }
}

fn weekday(summary: &DaySummary) -> &'static str {
    // 1970-01-01 was a Thursday.
    const NAMES: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    NAMES[summary.date.days_since_epoch().rem_euclid(7) as usize]
}

fn percent(share: f32) -> String {
    format!("{:.0} %", share * 100.0)
}

fn minutes_cell(ms: i64) -> String {
    if ms == 0 {
        "-".to_string()
    } else {
        format!("{}", (ms + MS_PER_MIN / 2) / MS_PER_MIN)
    }
}

/// The day's report: summary lines, then one line per hour from the first hour with anything
/// recorded to the last. Times are shown in the summary's UTC offset.
pub fn render_day_report(summary: &DaySummary, hours: &[HourRow]) -> String {
    let zone = Zone::Fixed(summary.utc_offset_s);
    let hh_mm = |ms: i64| zone.local_time(ms).hh_mm();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Posture report for {} {} (UTC{})",
        weekday(summary),
        summary.date,
        format_offset(summary.utc_offset_s)
    );
    let _ = writeln!(out);
    if summary.is_empty() {
        let _ = writeln!(out, "Nothing was recorded on this day.");
        return out;
    }
    let d = &summary.durations;
    let line = |out: &mut String, label: &str, value: String| {
        let _ = writeln!(out, "  {label:<16}{value}");
    };
    line(
        &mut out,
        "Monitored",
        format!(
            "{}  (at the desk {}, away {})",
            format_duration_ms(summary.monitored_ms()),
            format_duration_ms(summary.present_ms()),
            format_duration_ms(d.get(State::Away))
        ),
    );
    let not_monitored = d.get(State::Paused) + d.get(State::CameraProblem);
    if not_monitored > 0 {
        line(
            &mut out,
            "Not monitored",
            format!(
                "{}  (paused {}, camera problem {})",
                format_duration_ms(not_monitored),
                format_duration_ms(d.get(State::Paused)),
                format_duration_ms(d.get(State::CameraProblem))
            ),
        );
    }
    if let Some(stretch) = summary.longest_sitting {
        line(
            &mut out,
            "Longest sitting",
            format!(
                "{}, {}-{} without a break",
                format_duration_ms(stretch.len_ms()),
                hh_mm(stretch.start_ms),
                hh_mm(stretch.end_ms)
            ),
        );
    }
    if !summary.pauses.is_empty() {
        let spans: Vec<String> = summary
            .pauses
            .iter()
            .map(|pause| {
                format!(
                    "{}-{} {}",
                    hh_mm(pause.start_ms),
                    hh_mm(pause.end_ms),
                    pause.cause.words()
                )
            })
            .collect();
        line(&mut out, "Pauses", spans.join("; "));
    }
    line(
        &mut out,
        "Upright",
        match summary.upright_share() {
            Some(share) => format!(
                "{} of the time at the desk (slouching {})",
                percent(share),
                format_duration_ms(d.get(State::Slouching))
            ),
            None => "-".to_string(),
        },
    );
    line(
        &mut out,
        "Longest slouch",
        match summary.longest_slouch {
            Some(span) => format!(
                "{}, {}-{}",
                format_duration_ms(span.len_ms()),
                hh_mm(span.start_ms),
                hh_mm(span.end_ms)
            ),
            None => "none".to_string(),
        },
    );
    line(&mut out, "Prompts", summary.prompts.to_string());
    line(
        &mut out,
        "Breaks",
        format!(
            "{} taken, {} reminders",
            summary.breaks, summary.break_reminders
        ),
    );
    if summary.snoozes > 0 || summary.camera_faults > 0 || summary.recalibrate_suggestions > 0 {
        line(
            &mut out,
            "Other",
            format!(
                "{} snoozes, {} camera faults, {} recalibration suggestions",
                summary.snoozes, summary.camera_faults, summary.recalibrate_suggestions
            ),
        );
    }
    line(
        &mut out,
        "Worst hour",
        match summary.worst_hour {
            Some(h) => format!(
                "{:02}:00-{:02}:00, {} of the time at the desk slouching",
                h.local_hour,
                (h.local_hour + 1) % 24,
                percent(h.slouching_share())
            ),
            None => "none".to_string(),
        },
    );
    if let Some(fh) = summary.mean_forward_head_dev_deg {
        // A front camera does not measure rounded shoulders: say so rather than drop the line.
        let shoulders = summary.mean_rounded_shoulder_dev_deg.map_or_else(
            || "shoulders not measured (front camera)".to_string(),
            |rs| format!("shoulders rounded {rs:.1} deg"),
        );
        line(
            &mut out,
            "Mean deviation",
            format!("head forward {fh:.1} deg, {shoulders}"),
        );
    }
    let _ = writeln!(out);
    let recorded: Vec<usize> = hours
        .iter()
        .enumerate()
        .filter(|(_, h)| h.durations.total_ms() > 0 || h.prompts > 0 || h.breaks > 0)
        .map(|(i, _)| i)
        .collect();
    let (Some(&first), Some(&last)) = (recorded.first(), recorded.last()) else {
        return out;
    };
    let _ = writeln!(
        out,
        "  Hour   :00    :30     Upright Slouching  Away  Paused Prompts Breaks"
    );
    for hour in &hours[first..=last] {
        let strip: String = hour.slots.iter().map(|s| state_char(*s)).collect();
        let hd = &hour.durations;
        let paused = hd.get(State::Paused)
            + hd.get(State::Snoozed)
            + hd.get(State::Calibrating)
            + hd.get(State::CameraProblem);
        let _ = writeln!(
            out,
            "  {:02}:00  |{strip}|  {:>7} {:>9} {:>5} {:>7} {:>7} {:>6}",
            hour.local_hour,
            minutes_cell(hd.get(State::Upright) + hd.get(State::Drifting)),
            minutes_cell(hd.get(State::Slouching)),
            minutes_cell(hd.get(State::Away)),
            minutes_cell(paused),
            hour.prompts,
            hour.breaks
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  One character per 5 minutes: = upright  ~ drifting  # slouching  . away"
    );
    let _ = writeln!(
        out,
        "  p paused, snoozed or calibrating  ! camera problem  (blank) not recorded."
    );
    let _ = writeln!(out, "  Columns are minutes; upright includes drifting.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration_ms(0), "0 min");
        assert_eq!(format_duration_ms(45_000), "45 s");
        assert_eq!(format_duration_ms(14 * MS_PER_MIN), "14 min");
        assert_eq!(format_duration_ms(372 * MS_PER_MIN), "6 h 12 min");
        assert_eq!(format_duration_ms(60 * MS_PER_MIN), "1 h 00 min");
    }

    #[test]
    fn a_day_without_a_shoulder_reading_says_so_and_keeps_the_head() {
        let mut durations = crate::store::StateDurations::default();
        durations.add(State::Upright, 3_600_000);
        let summary = crate::store::DaySummary {
            date: crate::store::calendar::Date::new(2026, 12, 2).expect("a date"),
            utc_offset_s: 0,
            start_ms: 0,
            end_ms: 86_400_000,
            durations,
            longest_slouch: None,
            prompts: 0,
            break_reminders: 0,
            breaks: 0,
            snoozes: 0,
            camera_faults: 0,
            recalibrate_suggestions: 0,
            worst_hour: None,
            mean_forward_head_dev_deg: Some(5.5),
            mean_rounded_shoulder_dev_deg: None,
            pauses: Vec::new(),
            longest_sitting: None,
        };
        let text = render_day_report(&summary, &[]);
        assert!(
            text.contains("head forward 5.5 deg, shoulders not measured (front camera)"),
            "{text}"
        );
    }

    #[test]
    fn every_state_has_a_distinct_visible_char_except_pause_group() {
        let chars: Vec<char> = State::ALL.iter().map(|s| state_char(Some(*s))).collect();
        assert!(chars.iter().all(|c| c.is_ascii_graphic()));
        assert_eq!(state_char(None), ' ');
    }
}
