//! Local calendar days without a date-time crate: a proleptic Gregorian [`Date`], and a
//! [`Zone`] that turns UTC milliseconds into local wall-clock time and local days into UTC
//! ranges. Tests use a fixed offset; the app uses the system's zone through libc
//! (`localtime_r`/`mktime`), so days that switch daylight-saving time are 23 or 25 hours long.

use serde::{Deserialize, Serialize};

use super::error::StoreError;

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
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, StoreError> {
        let invalid = || StoreError::InvalidDate {
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
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `n` days later (earlier when negative).
    #[must_use]
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Date, StoreError> {
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

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
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

    /// The offset from UTC at this instant, seconds east.
    pub fn offset_at(self, time_ms: i64) -> i32 {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Local => system::offset_at(time_ms.div_euclid(MS_PER_S)).unwrap_or(0),
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

    /// The UTC instant of local midnight starting `date` (ms).
    pub fn day_start_ms(self, date: Date) -> i64 {
        let midnight_as_utc_s = date.days_since_epoch() * S_PER_DAY;
        match self {
            Zone::Fixed(offset) => (midnight_as_utc_s - i64::from(offset)) * MS_PER_S,
            Zone::Local => system::local_midnight(date)
                .map(|s| s * MS_PER_S)
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
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The system time zone through the C library; the only unsafe code in the store.
mod system {
    use super::Date;

    /// Offset from UTC at `unix_s`, seconds east, from `localtime_r`'s `tm_gmtoff`.
    pub(super) fn offset_at(unix_s: i64) -> Option<i32> {
        let t = libc::time_t::try_from(unix_s).ok()?;
        // SAFETY: `tm` is plain old data that `localtime_r` fills; both pointers are valid for
        // the call and `localtime_r` is the thread-safe variant.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        let result = unsafe { libc::localtime_r(&t, &mut tm) };
        if result.is_null() {
            return None;
        }
        i32::try_from(tm.tm_gmtoff).ok()
    }

    /// The UTC second of local midnight starting `date`, from `mktime` (which settles
    /// daylight-saving time itself with `tm_isdst = -1`).
    pub(super) fn local_midnight(date: Date) -> Option<i64> {
        // SAFETY: as above; `mktime` reads and normalises the struct we own.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        tm.tm_year = date.year - 1900;
        tm.tm_mon = i32::from(date.month) - 1;
        tm.tm_mday = i32::from(date.day);
        tm.tm_isdst = -1;
        let t = unsafe { libc::mktime(&mut tm) };
        if t == -1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31) {
            return None;
        }
        // time_t is i64 here but i32 on some targets.
        #[allow(clippy::useless_conversion)]
        Some(i64::from(t))
    }
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
