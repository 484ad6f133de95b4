//! History store benchmark (`cargo bench --bench store`): generates a year of history (work
//! days 09:00-17:30, weekends off, a Markov chain of states per second with prompts, breaks
//! and state-change events), rolled up daily as the recorder does, then prints one row per
//! measurement: the day view's query time (target < 50 ms), the 30-day overview (< 200 ms) and
//! the database size per monitored day (< 2 MB), plus a few costs around them.
//!
//! `PLUMBLINE_BENCH_DAYS` changes the number of days generated (default 365).

use std::path::Path;
use std::time::{Duration, Instant};

use plumbline::store::calendar::{MS_PER_HOUR, MS_PER_MIN, MS_PER_S};
use plumbline::store::{
    Date, EventKind, ExportFormat, History, Sample, State, Store, StoreOptions, StoredEvent, Zone,
    export_range, render_day_report,
};

/// The benchmark's zone (any fixed one; the system zone would make runs differ by machine).
const ZONE: Zone = Zone::Fixed(3600);

/// Monitored hours of a work day.
const WORK_START_H: i64 = 9;
const WORK_END_MIN: i64 = 17 * 60 + 30;

/// Repetitions of each timed query; the median and the maximum are printed.
const REPEATS: usize = 21;

/// Day-view target from the issue.
const DAY_VIEW_TARGET_MS: f64 = 50.0;
/// Overview target from the issue.
const OVERVIEW_TARGET_MS: f64 = 200.0;
/// Size target per monitored day from the issue.
const SIZE_PER_DAY_TARGET_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// xorshift64*: a deterministic generator, so every run writes the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// One work day of samples and events, as the recorder would have written them.
fn work_day(date: Date, rng: &mut Rng) -> (Vec<Sample>, Vec<StoredEvent>) {
    let start = ZONE.day_start_ms(date) + WORK_START_H * MS_PER_HOUR;
    let end = ZONE.day_start_ms(date) + WORK_END_MIN * MS_PER_MIN;
    let mut samples = Vec::with_capacity(((end - start) / MS_PER_S) as usize);
    let mut events = Vec::new();
    let mut state = State::Calibrating;
    let mut present_s = 0;
    let mut away_s = 0;
    let mut level = 1;
    let mut t = start;
    while t < end {
        let next = match state {
            State::Calibrating if rng.chance(1.0 / 20.0) => State::Upright,
            State::Upright if rng.chance(1.0 / 240.0) => State::Drifting,
            State::Upright if rng.chance(1.0 / 2400.0) => State::Away,
            State::Upright if rng.chance(1.0 / 14_400.0) => State::Paused,
            State::Drifting if rng.chance(1.0 / 35.0) => State::Slouching,
            State::Drifting if rng.chance(1.0 / 25.0) => State::Upright,
            State::Slouching if rng.chance(1.0 / 150.0) => State::Upright,
            State::Away if rng.chance(1.0 / 200.0) => State::Upright,
            State::Paused if rng.chance(1.0 / 600.0) => State::Upright,
            other => other,
        };
        if next != state {
            events.push(
                StoredEvent::new(t, EventKind::StateChange)
                    .with("from", state.as_str())
                    .with("to", next.as_str())
                    .with("reason", "fault_persisted"),
            );
            if next == State::Slouching {
                events.push(
                    StoredEvent::new(t, EventKind::Prompt)
                        .with("fault", "forward_head")
                        .with("level", level)
                        .with("lasted_s", 31.0)
                        .with("reason", "Head 14° forward of your baseline for 31 s")
                        .with("exercise", "chin_tuck"),
                );
                level = (level % 3) + 1;
            }
            if state == State::Away && away_s >= 300 {
                events.push(StoredEvent::new(t, EventKind::Break).with("source", "away"));
                present_s = 0;
            }
            away_s = 0;
            state = next;
        }
        if state.is_present() {
            present_s += 1;
            if present_s % 3000 == 0 {
                events.push(
                    StoredEvent::new(t, EventKind::BreakReminder)
                        .with("level", 1)
                        .with("present_s", present_s),
                );
            }
        } else if state == State::Away {
            away_s += 1;
        }
        let base = match state {
            State::Upright => Some(2.0),
            State::Drifting => Some(9.0),
            State::Slouching => Some(15.0),
            _ => None,
        };
        let noise = (rng.unit() as f32 - 0.5) * 4.0;
        samples.push(Sample {
            time_ms: t,
            state,
            forward_head_dev_deg: base.map(|b: f32| b + noise),
            rounded_shoulder_dev_deg: base.map(|b: f32| b / 2.0 - noise / 2.0),
            confidence: 0.7 + rng.unit() as f32 * 0.3,
        });
        t += MS_PER_S;
    }
    (samples, events)
}

fn is_weekend(date: Date) -> bool {
    // 1970-01-01 was a Thursday: days 2 and 3 (mod 7) are Saturday and Sunday.
    matches!(date.days_since_epoch().rem_euclid(7), 2 | 3)
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| {
            std::fs::metadata(format!("{}{s}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum()
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(REPEATS);
    let mut last = None;
    for _ in 0..REPEATS {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed());
    }
    times.sort();
    let Some(out) = last else {
        panic!("REPEATS is not zero")
    };
    (times[REPEATS / 2], times[REPEATS - 1], out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn row(metric: &str, value: String, target: &str) {
    println!("{metric:<48} {value:>22}  {target}");
}

fn verdict(value: f64, target: f64) -> &'static str {
    if value < target { "ok" } else { "OVER" }
}

fn main() {
    let days: i64 = std::env::var("PLUMBLINE_BENCH_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(365);
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temporary folder: {e}"),
    };
    let path = dir.path().join("history.sqlite3");
    let options = StoreOptions {
        retention_days: 0, // keep the whole year for the measurement
        ..StoreOptions::default()
    };
    let mut store = match Store::open(&path, &options) {
        Ok(opened) => opened.store,
        Err(e) => panic!("{e}"),
    };
    let last = Date::new(2026, 11, 20).unwrap_or(Date {
        year: 2026,
        month: 11,
        day: 20,
    });
    let first = last.add_days(1 - days);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut monitored_days = 0;
    let mut samples_total = 0usize;
    let mut events_total = 0usize;
    let mut one_day_bytes = 0;
    let generated = Instant::now();
    let mut date = first;
    while date <= last {
        if !is_weekend(date) {
            let (samples, events) = work_day(date, &mut rng);
            samples_total += samples.len();
            events_total += events.len();
            let session = match store.begin_session(samples[0].time_ms) {
                Ok(id) => id,
                Err(e) => panic!("{e}"),
            };
            let end = samples.last().map_or(0, |s| s.time_ms);
            if let Err(e) = store.write(&samples, &events, Some((session, end))) {
                panic!("{e}");
            }
            if let Err(e) = store.end_session(session, end) {
                panic!("{e}");
            }
            monitored_days += 1;
            if one_day_bytes == 0 {
                // The first day alone, still per-second: its size before any rollup.
                if let Err(e) = store.checkpoint() {
                    panic!("{e}");
                }
                one_day_bytes = file_size(&path);
            }
        }
        // The recorder's daily maintenance, at the end of each day.
        if let Err(e) = store.maintain(ZONE.day_range_ms(date).1) {
            panic!("{e}");
        }
        date = date.add_days(1);
    }
    if let Err(e) = store.checkpoint() {
        panic!("{e}");
    }
    let generate_time = generated.elapsed();
    drop(store);
    let total_bytes = file_size(&path);

    // Startup: open (lock, quick_check, migrations) on the year file.
    let (open_median, open_max, _) = time(|| match Store::open(&path, &options) {
        Ok(opened) => drop(opened),
        Err(e) => panic!("{e}"),
    });

    let history = match History::open(&path) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    let q = history.query();
    let mut recent = last;
    while is_weekend(recent) {
        recent = recent.add_days(-1);
    }
    let mut old = last.add_days(-200);
    while is_weekend(old) {
        old = old.add_days(-1);
    }
    let (recent_median, recent_max, recent_view) = time(|| match q.day(recent, ZONE) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    });
    let (old_median, old_max, old_view) = time(|| match q.day(old, ZONE) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    });
    let (o30_median, o30_max, bars) = time(|| match q.overview(last, 30, ZONE) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    });
    let (o7_median, o7_max, _) = time(|| match q.overview(last, 7, ZONE) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    });
    let (report_median, report_max, report) = time(|| match q.day_report(recent, ZONE) {
        Ok((summary, hours)) => render_day_report(&summary, &hours),
        Err(e) => panic!("{e}"),
    });
    let export_started = Instant::now();
    let mut sink = std::io::sink();
    let counts = match export_range(
        &q,
        last.add_days(-29),
        last,
        ZONE,
        ExportFormat::JsonLines,
        &mut sink,
    ) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let export_time = export_started.elapsed();

    let per_day = total_bytes as f64 / f64::from(monitored_days);
    let mb = |b: f64| format!("{:.2} MB", b / (1024.0 * 1024.0));
    println!(
        "store benchmark: {days} days from {first} to {last}, {monitored_days} monitored \
         (work days {WORK_START_H}:00-17:30), {samples_total} samples, {events_total} events"
    );
    println!("{:<48} {:>22}  target", "metric", "value");
    row(
        "generate (write per day + daily rollup)",
        format!("{:.1} s", generate_time.as_secs_f64()),
        "",
    );
    row(
        "database size (year, last 3 days per-second)",
        mb(total_bytes as f64),
        "",
    );
    row(
        "size per monitored day (year average)",
        mb(per_day),
        &format!("< 2 MB {}", verdict(per_day, SIZE_PER_DAY_TARGET_BYTES)),
    );
    row(
        "size of one per-second day (before rollup)",
        mb(one_day_bytes as f64),
        &format!(
            "< 2 MB {}",
            verdict(one_day_bytes as f64, SIZE_PER_DAY_TARGET_BYTES)
        ),
    );
    row(
        "open for writing (lock, quick_check, migrate)",
        format!("{:.1} / {:.1} ms", ms(open_median), ms(open_max)),
        "median / max",
    );
    row(
        &format!(
            "day view, per-second day {recent} ({} spans)",
            recent_view.spans.len()
        ),
        format!("{:.1} / {:.1} ms", ms(recent_median), ms(recent_max)),
        &format!("< 50 ms {}", verdict(ms(recent_max), DAY_VIEW_TARGET_MS)),
    );
    row(
        &format!(
            "day view, rolled-up day {old} ({} spans)",
            old_view.spans.len()
        ),
        format!("{:.1} / {:.1} ms", ms(old_median), ms(old_max)),
        &format!("< 50 ms {}", verdict(ms(old_max), DAY_VIEW_TARGET_MS)),
    );
    row(
        &format!("30-day overview ({} bars)", bars.len()),
        format!("{:.1} / {:.1} ms", ms(o30_median), ms(o30_max)),
        &format!("< 200 ms {}", verdict(ms(o30_max), OVERVIEW_TARGET_MS)),
    );
    row(
        "7-day overview",
        format!("{:.1} / {:.1} ms", ms(o7_median), ms(o7_max)),
        "",
    );
    row(
        &format!(
            "report text for {recent} ({} lines)",
            report.lines().count()
        ),
        format!("{:.1} / {:.1} ms", ms(report_median), ms(report_max)),
        "",
    );
    row(
        &format!(
            "export 30 days as JSON lines ({} records)",
            counts.samples + counts.minutes + counts.events
        ),
        format!("{:.0} ms", ms(export_time)),
        "",
    );
}
