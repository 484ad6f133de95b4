//! Local calendar days: a [`Date`], and a [`Zone`] that turns UTC milliseconds into local
//! wall-clock time and local days into UTC ranges. Tests use a fixed offset; the app uses the
//! system's zone (`TZ`, or `/etc/localtime` and the tz database) through `jiff`, so days that
//! switch daylight-saving time are 23 or 25 hours long.

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan, civil};
use serde::{Deserialize, Serialize};

/// Milliseconds per second.
pub const MS_PER_S: i64 = 1_000;
/// Milliseconds per minute.
pub const MS_PER_MIN: i64 = 60 * MS_PER_S;
/// Milliseconds per hour.
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MIN;
/// Milliseconds per (UTC) day.
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;
/// Seconds per day.
const S_PER_DAY: i64 = 86_400;

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
}

impl Date {
    /// The date, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let (year, month, day) = (
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        );
        civil::Date::new(year, month, day)
            .ok()
            .map(Date::from_civil)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, InvalidDate> {
        let invalid = || InvalidDate {
            text: text.to_string(),
        };
        let mut parts = text.trim().split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(invalid());
        }
        let year = y.parse().map_err(|_| invalid())?;
        let month = m.parse().map_err(|_| invalid())?;
        let day = d.parse().map_err(|_| invalid())?;
        Date::new(year, month, day).ok_or_else(invalid)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        let midnight = self.to_civil().to_datetime(civil::Time::midnight());
        match midnight.to_zoned_datetime(TimeZone::UTC) {
            Ok(zoned) => zoned.timestamp().as_second().div_euclid(S_PER_DAY),
            // Out of jiff's range (±9999 years): not a date anyone records.
            Err(_) => 0,
        }
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let date = Timestamp::from_second(days.saturating_mul(S_PER_DAY))
            .map(|timestamp| timestamp.to_zoned_datetime(TimeZone::UTC).date())
            .unwrap_or(civil::Date::ZERO);
        Date::from_civil(date)
    }

    /// The date `n` days later (earlier when negative).
    #[must_use]
    pub fn add_days(self, n: i64) -> Date {
        match self.to_civil().checked_add(n.days()) {
            Ok(date) => Date::from_civil(date),
            Err(_) => Date::from_days_since_epoch(self.days_since_epoch() + n),
        }
    }

    /// The same date in `jiff`'s terms.
    pub fn to_civil(self) -> civil::Date {
        civil::Date::new(self.year as i16, self.month as i8, self.day as i8)
            .unwrap_or(civil::Date::ZERO)
    }

    /// A `jiff` date in ours.
    pub fn from_civil(date: civil::Date) -> Date {
        Date {
            year: i32::from(date.year()),
            month: date.month() as u8,
            day: date.day() as u8,
        }
    }
}

/// Text that is not a `YYYY-MM-DD` date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date; expected YYYY-MM-DD, e.g. 2026-03-14")]
pub struct InvalidDate {
    /// What was given.
    pub text: String,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = InvalidDate;
    fn from_str(s: &str) -> Result<Date, InvalidDate> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A wall-clock time in some zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    /// The local date.
    pub date: Date,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59.
    pub second: u8,
    /// Milliseconds, 0..=999.
    pub millis: u16,
    /// The zone's offset from UTC at that instant, seconds east.
    pub utc_offset_s: i32,
}

impl LocalTime {
    /// `HH:MM`.
    pub fn hh_mm(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// RFC 3339 with the offset, e.g. `2026-03-14T09:00:01.250+01:00`.
    pub fn rfc3339(&self) -> String {
        format!(
            "{}T{:02}:{:02}:{:02}.{:03}{}",
            self.date,
            self.hour,
            self.minute,
            self.second,
            self.millis,
            format_offset(self.utc_offset_s)
        )
    }
}

/// `+01:00`, `-05:30`, `+00:00`.
pub fn format_offset(offset_s: i32) -> String {
    let sign = if offset_s < 0 { '-' } else { '+' };
    let abs = offset_s.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
}

/// Where local days begin and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset from UTC, seconds east (tests, and users who want UTC).
    Fixed(i32),
    /// The system's local time zone (TZ / /etc/localtime), daylight-saving time included.
    Local,
}

impl Zone {
    /// UTC.
    pub const UTC: Zone = Zone::Fixed(0);

    /// The zone in `jiff`'s terms. The system zone is read by `jiff`, which caches it and
    /// notices when it changes.
    pub fn time_zone(self) -> TimeZone {
        match self {
            Zone::Fixed(offset) => match Offset::from_seconds(offset) {
                Ok(offset) => offset.to_time_zone(),
                Err(_) => TimeZone::UTC,
            },
            Zone::Local => TimeZone::system(),
        }
    }

    /// The offset from UTC at this instant, seconds east.
    pub fn offset_at(self, time_ms: i64) -> i32 {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Local => match Timestamp::from_millisecond(time_ms) {
                Ok(timestamp) => TimeZone::system().to_offset(timestamp).seconds(),
                Err(_) => 0,
            },
        }
    }

    /// The wall-clock time at this instant.
    pub fn local_time(self, time_ms: i64) -> LocalTime {
        let offset = self.offset_at(time_ms);
        let local_ms = time_ms + i64::from(offset) * MS_PER_S;
        let days = local_ms.div_euclid(MS_PER_DAY);
        let in_day = local_ms.rem_euclid(MS_PER_DAY);
        LocalTime {
            date: Date::from_days_since_epoch(days),
            hour: (in_day / MS_PER_HOUR) as u8,
            minute: ((in_day % MS_PER_HOUR) / MS_PER_MIN) as u8,
            second: ((in_day % MS_PER_MIN) / MS_PER_S) as u8,
            millis: (in_day % MS_PER_S) as u16,
            utc_offset_s: offset,
        }
    }

    /// The local date at this instant.
    pub fn date_of(self, time_ms: i64) -> Date {
        self.local_time(time_ms).date
    }

    /// The UTC instant the local day `date` starts (ms): midnight, or the first time after
    /// it where a daylight-saving switch skips midnight.
    pub fn day_start_ms(self, date: Date) -> i64 {
        let midnight_as_utc_s = date.days_since_epoch() * S_PER_DAY;
        match self {
            Zone::Fixed(offset) => (midnight_as_utc_s - i64::from(offset)) * MS_PER_S,
            Zone::Local => date
                .to_civil()
                .to_zoned_datetime(TimeZone::system())
                .and_then(|zoned| zoned.start_of_day())
                .map(|start| start.timestamp().as_millisecond())
                .unwrap_or(midnight_as_utc_s * MS_PER_S),
        }
    }

    /// The local day `date` as a UTC range `[start, end)` in ms (23 or 25 hours long on a
    /// daylight-saving switch in [`Zone::Local`]).
    pub fn day_range_ms(self, date: Date) -> (i64, i64) {
        (self.day_start_ms(date), self.day_start_ms(date.add_days(1)))
    }
}

/// The system clock as UTC unix milliseconds.
pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        for days in (-800_000..800_000).step_by(997) {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
        let d = Date::new(2024, 2, 28).unwrap();
        assert_eq!(d.add_days(1).to_string(), "2024-02-29");
        assert_eq!(d.add_days(2).to_string(), "2024-03-01");
        assert_eq!(d.add_days(-59).to_string(), "2023-12-31");
    }

    #[test]
    fn parse_accepts_only_real_iso_dates() {
        assert_eq!(
            Date::parse("2026-03-14").unwrap(),
            Date::new(2026, 3, 14).unwrap()
        );
        for bad in [
            "2026-02-30",
            "2026-3-14",
            "26-03-14",
            "2026-03-14-1",
            "",
            "x",
        ] {
            let err = Date::parse(bad).unwrap_err();
            assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        }
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2100-02-29").is_err());
    }

    #[test]
    fn fixed_zones_shift_day_boundaries() {
        let date = Date::new(2026, 3, 14).unwrap();
        let utc_midnight = date.days_since_epoch() * MS_PER_DAY;
        assert_eq!(Zone::UTC.day_start_ms(date), utc_midnight);
        // UTC+2: local midnight is 22:00 UTC the day before.
        let plus2 = Zone::Fixed(2 * 3600);
        assert_eq!(plus2.day_start_ms(date), utc_midnight - 2 * MS_PER_HOUR);
        assert_eq!(plus2.date_of(utc_midnight - 2 * MS_PER_HOUR), date);
        assert_eq!(
            plus2.date_of(utc_midnight - 2 * MS_PER_HOUR - 1),
            date.add_days(-1)
        );
        // UTC-5:30.
        let minus = Zone::Fixed(-(5 * 3600 + 1800));
        let (start, end) = minus.day_range_ms(date);
        assert_eq!(end - start, MS_PER_DAY);
        assert_eq!(minus.local_time(start).hh_mm(), "00:00");
        assert_eq!(
            minus.local_time(start).rfc3339(),
            "2026-03-14T00:00:00.000-05:30"
        );
        assert_eq!(minus.local_time(end - 1).date, date);
    }

    #[test]
    fn local_zone_agrees_with_itself() {
        // Whatever the machine's zone is, midnight maps back to midnight of the same date.
        let date = Date::new(2026, 3, 29).unwrap();
        let (start, end) = Zone::Local.day_range_ms(date);
        let t = Zone::Local.local_time(start);
        assert_eq!((t.date, t.hour, t.minute), (date, 0, 0));
        assert!((23 * MS_PER_HOUR..=25 * MS_PER_HOUR).contains(&(end - start)));
    }

    #[test]
    fn offsets_format_with_sign() {
        assert_eq!(format_offset(0), "+00:00");
        assert_eq!(format_offset(3600), "+01:00");
        assert_eq!(format_offset(-(9 * 3600 + 1800)), "-09:30");
    }
}
