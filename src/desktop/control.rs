//! What the desktop asks of the running app, in one vocabulary whether it comes from the tray
//! menu or from a second `plumbline` process (`plumbline pause 1h`): [`DesktopRequest`], and
//! the one-line [`StatusReport`] the app publishes for both.

use std::sync::{Arc, Mutex};

use crate::clock::calendar::Zone;

/// How long a pause asked for from outside the window lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseLength {
    Minutes(u32),
    /// Until the next local midnight.
    UntilTomorrow,
}

/// The longest pause given in minutes: a week (longer is a stop, not a pause).
pub const MAX_PAUSE_MINUTES: u32 = 7 * 24 * 60;

impl PauseLength {
    /// Reads `30m`, `45min`, `1h`, `2h`, `90` (minutes) or `tomorrow`.
    pub fn parse(text: &str) -> Result<PauseLength, String> {
        let text = text.trim().to_ascii_lowercase();
        if text == "tomorrow" {
            return Ok(PauseLength::UntilTomorrow);
        }
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let per_unit = match unit.trim() {
            "" | "m" | "min" | "mins" | "minute" | "minutes" => 1,
            "h" | "hr" | "hour" | "hours" => 60,
            _ => 0,
        };
        let minutes = number
            .parse::<u32>()
            .ok()
            .filter(|_| per_unit > 0)
            .and_then(|number| number.checked_mul(per_unit));
        match minutes {
            Some(minutes) if (1..=MAX_PAUSE_MINUTES).contains(&minutes) => {
                Ok(PauseLength::Minutes(minutes))
            }
            Some(_) => Err(format!(
                "a pause lasts from 1 minute to {} hours, not {text:?}",
                MAX_PAUSE_MINUTES / 60
            )),
            None => Err(format!(
                "{text:?} is not a pause length: use e.g. 30m, 1h or tomorrow"
            )),
        }
    }

    /// The pause in whole minutes from `now_ms` (unix milliseconds); until tomorrow rounds up
    /// to the minute after local midnight in `zone`.
    pub fn minutes_from(self, now_ms: i64, zone: Zone) -> u32 {
        match self {
            PauseLength::Minutes(minutes) => minutes,
            PauseLength::UntilTomorrow => {
                let tomorrow = zone.date_of(now_ms).add_days(1);
                let left_ms = (zone.day_start_ms(tomorrow) - now_ms).max(0);
                u32::try_from((left_ms + 59_999) / 60_000)
                    .unwrap_or(MAX_PAUSE_MINUTES)
                    .clamp(1, MAX_PAUSE_MINUTES)
            }
        }
    }

    /// The length in words, for messages ("for 30 minutes", "until tomorrow").
    pub fn describe(self) -> String {
        match self {
            PauseLength::Minutes(minutes) if minutes % 60 == 0 => {
                let hours = minutes / 60;
                format!("for {hours} hour{}", if hours == 1 { "" } else { "s" })
            }
            PauseLength::Minutes(minutes) => format!("for {minutes} minutes"),
            PauseLength::UntilTomorrow => "until tomorrow".to_owned(),
        }
    }
}

/// What the desktop asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesktopRequest {
    /// Show the window and bring it to the front (a second launch, the remote `show`).
    ShowWindow,
    /// Show the window when hidden, hide it when shown (the tray's first entry, a click on
    /// the icon).
    ToggleWindow,
    Pause(PauseLength),
    Resume,
    Recalibrate,
    OpenHistory,
    OpenSettings,
    Quit,
}

/// Where requests go: called on the desktop's threads, so it only queues and wakes the app.
pub type RequestSink = Arc<dyn Fn(DesktopRequest) + Send + Sync>;

/// The app's state in a few words, as the tray's tooltip and `plumbline status` show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusReport {
    /// The state's short machine name (`upright`, `drifting`, `paused`, …), `starting` before
    /// the first analysis.
    pub state: String,
    /// One line for people: the state, how long, and today's upright share.
    pub line: String,
}

/// The latest [`StatusReport`], written by the app and read on the desktop's threads.
#[derive(Clone, Debug, Default)]
pub struct SharedStatus(Arc<Mutex<StatusReport>>);

impl SharedStatus {
    pub fn set(&self, report: StatusReport) {
        if let Ok(mut current) = self.0.lock() {
            *current = report;
        }
    }

    pub fn get(&self) -> StatusReport {
        self.0
            .lock()
            .map(|report| report.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_lengths_read_as_people_write_them() {
        assert_eq!(PauseLength::parse("30m"), Ok(PauseLength::Minutes(30)));
        assert_eq!(PauseLength::parse("45 min"), Ok(PauseLength::Minutes(45)));
        assert_eq!(PauseLength::parse("1h"), Ok(PauseLength::Minutes(60)));
        assert_eq!(PauseLength::parse("2 hours"), Ok(PauseLength::Minutes(120)));
        assert_eq!(PauseLength::parse("90"), Ok(PauseLength::Minutes(90)));
        assert_eq!(
            PauseLength::parse("Tomorrow"),
            Ok(PauseLength::UntilTomorrow)
        );
        for bad in ["", "0m", "soon", "1d", "-5m", "99999h"] {
            assert!(PauseLength::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn until_tomorrow_ends_at_the_next_local_midnight() {
        let zone = Zone::Fixed(3600);
        // Midnight of 2026-12-03 at UTC+1 is 1 796 252 400 s; 22:30 the evening before is
        // 90 minutes earlier.
        let now_ms = 1_796_252_400_000 - 90 * 60_000;
        assert_eq!(zone.date_of(now_ms).to_string(), "2026-12-02");
        assert_eq!(PauseLength::UntilTomorrow.minutes_from(now_ms, zone), 90);
        // A second past midnight it is a whole day again.
        let after_ms = zone.day_start_ms(zone.date_of(now_ms).add_days(1)) + 1000;
        assert_eq!(
            PauseLength::UntilTomorrow.minutes_from(after_ms, zone),
            24 * 60
        );
        assert_eq!(PauseLength::Minutes(30).minutes_from(now_ms, zone), 30);
    }

    #[test]
    fn lengths_are_described_in_words() {
        assert_eq!(PauseLength::Minutes(30).describe(), "for 30 minutes");
        assert_eq!(PauseLength::Minutes(60).describe(), "for 1 hour");
        assert_eq!(PauseLength::Minutes(120).describe(), "for 2 hours");
        assert_eq!(PauseLength::UntilTomorrow.describe(), "until tomorrow");
    }
}
