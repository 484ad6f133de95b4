//! Time for a monitor that runs all day: the wall clock as a seam ([`WallClock`]), the tie
//! between the monitor's monotonic seconds and UTC ([`ClockAnchor`]), and the watch that
//! notices when the two part ([`ClockWatch`]): a suspend (Linux's monotonic clock stops while
//! the machine sleeps, the wall clock does not) or a change of the system time. Durations stay
//! monotonic; every stored time is UTC from the real clock. Local days are in [`calendar`].

pub mod calendar;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub use calendar::{Date, LocalTime, MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN, MS_PER_S, Zone, now_ms};

/// Milliseconds per second, as f64.
const MS_PER_S_F64: f64 = 1_000.0;

/// A difference between the wall clock and the monotonic clock larger than this is a jump
/// (a suspend, or the time set by hand); smaller ones (NTP slewing, the two clocks read a few
/// microseconds apart) only move the anchor.
pub const CLOCK_JUMP_MS: i64 = 5_000;

/// The wall clock: UTC unix milliseconds now.
pub trait WallClock: Send + Sync {
    fn unix_ms(&self) -> i64;
}

/// The system's real time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl WallClock for SystemClock {
    fn unix_ms(&self) -> i64 {
        now_ms()
    }
}

/// The system's real time moved by an offset that can be changed while it runs: what a
/// suspend or a clock change looks like to a process (tests move it; the monotonic clock is
/// untouched, as in a real suspend).
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_ms: AtomicI64,
}

impl ShiftedClock {
    /// The system clock, not yet shifted.
    pub fn new() -> Arc<ShiftedClock> {
        Arc::new(ShiftedClock::default())
    }

    /// Moves the clock by `ms` more (negative: back).
    pub fn shift_by(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock so that it reads `unix_ms` now.
    pub fn set_to(&self, unix_ms: i64) {
        self.offset_ms.store(unix_ms - now_ms(), Ordering::SeqCst);
    }
}

impl WallClock for ShiftedClock {
    fn unix_ms(&self) -> i64 {
        now_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
}

/// Ties the monitor's clock to UTC: `monitor_s` on the monitor's clock was `unix_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockAnchor {
    /// A time on the monitor's clock, seconds.
    pub monitor_s: f64,
    /// The same instant, UTC unix ms.
    pub unix_ms: i64,
}

impl ClockAnchor {
    /// `monitor_s` is now on the system clock.
    pub fn now(monitor_s: f64) -> ClockAnchor {
        ClockAnchor {
            monitor_s,
            unix_ms: now_ms(),
        }
    }

    /// UTC unix ms for a time on the monitor's clock.
    pub fn unix_ms(&self, monitor_s: f64) -> i64 {
        let offset = (monitor_s - self.monitor_s) * MS_PER_S_F64;
        if offset.is_finite() {
            self.unix_ms + offset.round() as i64
        } else {
            self.unix_ms
        }
    }

    /// The time on the monitor's clock of a UTC instant.
    pub fn monitor_s(&self, unix_ms: i64) -> f64 {
        self.monitor_s + (unix_ms - self.unix_ms) as f64 / MS_PER_S_F64
    }
}

/// The wall clock moved by more than [`CLOCK_JUMP_MS`] against the monotonic clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockJump {
    /// When it was noticed, on the monitor's (monotonic) clock.
    pub at_s: f64,
    /// What the wall clock should have read then had it kept pace (UTC ms): the end of the
    /// time before the jump.
    pub expected_ms: i64,
    /// What it read (UTC ms): the start of the time after it.
    pub actual_ms: i64,
}

impl ClockJump {
    /// How far the wall clock moved beyond the monotonic one, ms (negative: back).
    pub fn gap_ms(&self) -> i64 {
        self.actual_ms - self.expected_ms
    }

    /// Time that passed unseen (a suspend, or the clock set forward).
    pub fn is_forward(&self) -> bool {
        self.gap_ms() > 0
    }

    /// Seconds that passed unseen; 0 for a jump back.
    pub fn unseen_s(&self) -> f64 {
        self.gap_ms().max(0) as f64 / MS_PER_S_F64
    }
}

/// Follows the wall clock against the monotonic clock, one reading at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockWatch {
    anchor: ClockAnchor,
}

impl ClockWatch {
    /// Starts from one reading of both clocks.
    pub fn new(anchor: ClockAnchor) -> ClockWatch {
        ClockWatch { anchor }
    }

    /// The anchor in force: maps monitor seconds to UTC.
    pub fn anchor(&self) -> ClockAnchor {
        self.anchor
    }

    /// Takes a reading of both clocks (`monitor_s` monotonic, `unix_ms` wall) and re-anchors
    /// on it; returns the jump when the two parted by more than [`CLOCK_JUMP_MS`].
    pub fn observe(&mut self, monitor_s: f64, unix_ms: i64) -> Option<ClockJump> {
        let expected_ms = self.anchor.unix_ms(monitor_s);
        self.anchor = ClockAnchor { monitor_s, unix_ms };
        ((unix_ms - expected_ms).abs() > CLOCK_JUMP_MS).then_some(ClockJump {
            at_s: monitor_s,
            expected_ms,
            actual_ms: unix_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: ClockAnchor = ClockAnchor {
        monitor_s: 10.0,
        unix_ms: 1_800_000_000_000,
    };

    #[test]
    fn anchors_map_both_ways() {
        assert_eq!(START.unix_ms(11.5), 1_800_000_001_500);
        assert_eq!(START.monitor_s(1_800_000_001_500), 11.5);
        assert_eq!(START.unix_ms(f64::NAN), START.unix_ms);
    }

    #[test]
    fn clocks_in_step_or_slewing_are_no_jump() {
        let mut watch = ClockWatch::new(START);
        assert_eq!(watch.observe(11.0, 1_800_000_001_000), None);
        // NTP slewing: 40 ms off after an hour, still following.
        assert_eq!(watch.observe(3611.0, 1_800_003_601_040), None);
        assert_eq!(watch.anchor().unix_ms(3612.0), 1_800_003_602_040);
        // Just under the limit either way.
        assert_eq!(
            watch.observe(3612.0, 1_800_003_602_040 + CLOCK_JUMP_MS),
            None
        );
        assert_eq!(watch.observe(3613.0, 1_800_003_603_040), None);
    }

    #[test]
    fn a_night_asleep_is_a_forward_jump_from_the_last_moment_awake() {
        let mut watch = ClockWatch::new(START);
        assert_eq!(watch.observe(20.0, 1_800_000_010_000), None);
        // The monotonic clock went on 0.5 s (it stops while asleep); the wall clock 8 h.
        let eight_hours = 8 * MS_PER_HOUR;
        let jump = watch
            .observe(20.5, 1_800_000_010_500 + eight_hours)
            .unwrap();
        assert_eq!(jump.expected_ms, 1_800_000_010_500);
        assert_eq!(jump.gap_ms(), eight_hours);
        assert!(jump.is_forward());
        assert_eq!(jump.unseen_s(), 8.0 * 3600.0);
        // Later times follow the new anchor.
        assert_eq!(
            watch.anchor().unix_ms(21.5),
            1_800_000_011_500 + eight_hours
        );
        assert_eq!(watch.observe(21.5, 1_800_000_011_500 + eight_hours), None);
    }

    #[test]
    fn the_clock_set_back_is_a_backward_jump_with_nothing_unseen() {
        let mut watch = ClockWatch::new(START);
        let jump = watch
            .observe(12.0, 1_800_000_002_000 - MS_PER_HOUR)
            .unwrap();
        assert!(!jump.is_forward());
        assert_eq!(jump.gap_ms(), -MS_PER_HOUR);
        assert_eq!(jump.unseen_s(), 0.0);
    }

    #[test]
    fn a_shifted_clock_moves_only_when_told() {
        let clock = ShiftedClock::new();
        let before = clock.unix_ms();
        clock.shift_by(8 * MS_PER_HOUR);
        let after = clock.unix_ms();
        assert!((after - before - 8 * MS_PER_HOUR).abs() < 1_000);
        clock.set_to(1_800_000_000_000);
        assert!((clock.unix_ms() - 1_800_000_000_000).abs() < 1_000);
    }
}
