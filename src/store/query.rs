//! Read queries for the day view, the 7/30-day overview, the report and exports. Per-second
//! samples and rolled-up minute rows are read together as [`Piece`]s, so a day looks the same
//! (at minute resolution) after its samples were rolled up.
//!
//! Conventions: each stored sample stands for one second of its state; a minute row for the
//! seconds it counts in each state. Band spans merge consecutive pieces of one state when the
//! gap between them is at most [`SAMPLE_MERGE_GAP_MS`] (samples) or one minute (minute rows).

use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::calendar::{Date, MS_PER_HOUR, MS_PER_MIN, MS_PER_S, Zone};
use super::codec::{decode_confidence, decode_deg, decode_state};
use super::error::StoreError;
use super::types::{
    Band, EventKind, PauseCause, PauseSpan, Sample, Session, State, StateDurations, StoredEvent,
};

/// Two samples of one state this far apart (start to start, ms) still form one span: one
/// missed second (a dropped frame, a slow analysis step) does not split the band.
pub const SAMPLE_MERGE_GAP_MS: i64 = 2 * MS_PER_S;

/// An hour needs this much present time to be a candidate for the worst hour, so two
/// slouched minutes alone in an otherwise empty hour do not make it the worst (10 min).
pub const WORST_HOUR_MIN_PRESENT_MS: i64 = 10 * MS_PER_MIN;

/// Slots per hour in the report's text timeline (one per 5 minutes).
pub const SLOTS_PER_HOUR: usize = 12;

/// A stretch of one state on the day's band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StateSpan {
    /// Start, UTC unix ms.
    pub start_ms: i64,
    /// End (exclusive), UTC unix ms.
    pub end_ms: i64,
    /// The state (the majority state for rolled-up minutes).
    pub state: State,
}

impl StateSpan {
    /// The band colour.
    pub fn band(&self) -> Band {
        self.state.band()
    }

    /// Length in ms.
    pub fn len_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

/// A stretch of one colour on the day's band (spans of states sharing a colour merged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BandSpan {
    /// Start, UTC unix ms.
    pub start_ms: i64,
    /// End (exclusive), UTC unix ms.
    pub end_ms: i64,
    /// The colour.
    pub band: Band,
}

/// Mean deviations over one minute (minutes without any measurement are left out).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DeviationPoint {
    /// Minute start, UTC unix ms.
    pub time_ms: i64,
    /// Mean forward-head deviation, degrees.
    pub forward_head_dev_deg: Option<f32>,
    /// Mean rounded-shoulder deviation, degrees.
    pub rounded_shoulder_dev_deg: Option<f32>,
}

/// The day's numbers, for the day view's summary and `plumbline report`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DaySummary {
    /// The local day.
    pub date: Date,
    /// Offset from UTC at the day's start, seconds east (for the header).
    pub utc_offset_s: i32,
    /// Local midnight, UTC unix ms.
    pub start_ms: i64,
    /// Next local midnight, UTC unix ms.
    pub end_ms: i64,
    /// Time recorded in each state.
    pub durations: StateDurations,
    /// The longest continuous slouch, if there was one.
    pub longest_slouch: Option<StateSpan>,
    /// Posture prompts.
    pub prompts: u32,
    /// Break reminders.
    pub break_reminders: u32,
    /// Breaks taken.
    pub breaks: u32,
    /// Snoozes started.
    pub snoozes: u32,
    /// Camera faults.
    pub camera_faults: u32,
    /// Recalibration suggestions.
    pub recalibrate_suggestions: u32,
    /// The hour with the largest share of slouching in its present time, if any hour had
    /// slouching and at least [`WORST_HOUR_MIN_PRESENT_MS`] present.
    pub worst_hour: Option<WorstHour>,
    /// Mean forward-head deviation over the day, degrees.
    pub mean_forward_head_dev_deg: Option<f32>,
    /// Mean rounded-shoulder deviation over the day, degrees.
    pub mean_rounded_shoulder_dev_deg: Option<f32>,
    /// The pauses of the day with their causes, in time order.
    pub pauses: Vec<PauseSpan>,
    /// The longest stretch at the desk without a break, if any.
    pub longest_sitting: Option<Stretch>,
}

/// A stretch of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stretch {
    /// Start, UTC unix ms.
    pub start_ms: i64,
    /// End (exclusive), UTC unix ms.
    pub end_ms: i64,
}

impl Stretch {
    /// Its length, ms.
    pub fn len_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

/// Away shorter than this does not end a stretch at the desk (a moment out of view); a
/// counted break, a pause or a gap in the record of any length does.
const SITTING_AWAY_TOLERANCE_MS: i64 = 3 * MS_PER_MIN;
/// Spans this close count as one stretch (a missing second or two).
const SITTING_JOIN_MS: i64 = 2 * MS_PER_S;

/// The longest stretch of presence (upright, drifting, slouching, and short absences)
/// without a break event inside it.
pub fn longest_sitting(spans: &[StateSpan], events: &[StoredEvent]) -> Option<Stretch> {
    let breaks: Vec<i64> = events
        .iter()
        .filter(|e| e.kind == EventKind::Break)
        .map(|e| e.time_ms)
        .collect();
    let present =
        |state: State| matches!(state, State::Upright | State::Drifting | State::Slouching);
    let mut best: Option<Stretch> = None;
    let mut current: Option<Stretch> = None;
    let mut close = |current: &mut Option<Stretch>| {
        if let Some(stretch) = current.take()
            && best.is_none_or(|b| stretch.len_ms() > b.len_ms())
        {
            best = Some(stretch);
        }
    };
    for span in spans {
        let joins = present(span.state)
            || (span.state == State::Away && span.len_ms() < SITTING_AWAY_TOLERANCE_MS);
        let continues = current.is_some_and(|c| {
            span.start_ms - c.end_ms <= SITTING_JOIN_MS
                && !breaks
                    .iter()
                    .any(|&b| (c.start_ms..=span.start_ms).contains(&b))
        });
        if !joins {
            close(&mut current);
            continue;
        }
        if !continues {
            close(&mut current);
        }
        if !present(span.state) && current.is_none() {
            continue;
        }
        let stretch = current.get_or_insert(Stretch {
            start_ms: span.start_ms,
            end_ms: span.end_ms,
        });
        stretch.end_ms = span.end_ms;
    }
    close(&mut current);
    best
}

impl DaySummary {
    /// Time with monitoring running (all but paused and camera problems), ms.
    pub fn monitored_ms(&self) -> i64 {
        self.durations.monitored_ms()
    }

    /// Time with posture judged, ms.
    pub fn present_ms(&self) -> i64 {
        self.durations.present_ms()
    }

    /// Share of present time upright.
    pub fn upright_share(&self) -> Option<f32> {
        self.durations.upright_share()
    }

    /// Nothing was recorded that day.
    pub fn is_empty(&self) -> bool {
        self.durations.total_ms() == 0
    }
}

/// The hour with the most slouching.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WorstHour {
    /// Hour start, UTC unix ms.
    pub start_ms: i64,
    /// Local hour, 0..=23.
    pub local_hour: u8,
    /// Slouching in that hour, ms.
    pub slouching_ms: i64,
    /// Present time in that hour, ms.
    pub present_ms: i64,
}

impl WorstHour {
    /// Slouching share of present time.
    pub fn slouching_share(&self) -> f32 {
        self.slouching_ms as f32 / self.present_ms.max(1) as f32
    }
}

/// One local hour of the day, for the report's timeline and the day view's table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourRow {
    /// Hour start, UTC unix ms.
    pub start_ms: i64,
    /// Local hour, 0..=23 (repeats or skips on a daylight-saving switch).
    pub local_hour: u8,
    /// Time in each state.
    pub durations: StateDurations,
    /// The state with the most time in each 5-minute slot (`None`: nothing recorded).
    pub slots: [Option<State>; SLOTS_PER_HOUR],
    /// Posture prompts raised.
    pub prompts: u32,
    /// Breaks taken.
    pub breaks: u32,
    /// Mean forward-head deviation, degrees.
    pub mean_forward_head_dev_deg: Option<f32>,
    /// Mean rounded-shoulder deviation, degrees.
    pub mean_rounded_shoulder_dev_deg: Option<f32>,
}

/// Everything the day view draws for one local day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayView {
    /// Summary numbers.
    pub summary: DaySummary,
    /// The state band, in time order (gaps: nothing recorded).
    pub spans: Vec<StateSpan>,
    /// Per-minute deviation curves.
    pub curve: Vec<DeviationPoint>,
    /// Prompts, breaks, snoozes, calibrations, camera faults... in time order.
    pub markers: Vec<StoredEvent>,
    /// Every local hour of the day, midnight to midnight.
    pub hours: Vec<HourRow>,
    /// Monitoring sessions overlapping the day.
    pub sessions: Vec<Session>,
}

impl DayView {
    /// The band by colour: neighbouring spans of one colour merged.
    pub fn band(&self) -> Vec<BandSpan> {
        let mut out: Vec<BandSpan> = Vec::new();
        for span in &self.spans {
            match out.last_mut() {
                Some(last) if last.band == span.band() && span.start_ms <= last.end_ms => {
                    last.end_ms = last.end_ms.max(span.end_ms);
                }
                _ => out.push(BandSpan {
                    start_ms: span.start_ms,
                    end_ms: span.end_ms,
                    band: span.band(),
                }),
            }
        }
        out
    }
}

/// One bar of the 7/30-day overview.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayBar {
    /// The local day.
    pub date: Date,
    /// Time in each state.
    pub durations: StateDurations,
    /// Posture prompts.
    pub prompts: u32,
    /// Breaks taken.
    pub breaks: u32,
}

impl DayBar {
    /// Monitored time, ms.
    pub fn monitored_ms(&self) -> i64 {
        self.durations.monitored_ms()
    }

    /// Share of present time upright.
    pub fn upright_share(&self) -> Option<f32> {
        self.durations.upright_share()
    }
}

/// A per-minute row of rolled-up samples.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MinuteRow {
    /// Minute start, UTC unix ms.
    pub time_ms: i64,
    /// Seconds (as ms) in each state.
    pub durations: StateDurations,
    /// Mean forward-head deviation, degrees, and how many samples measured it.
    pub forward_head_dev_deg: Option<f32>,
    /// Samples that measured forward head.
    pub forward_head_n: u32,
    /// Mean rounded-shoulder deviation, degrees.
    pub rounded_shoulder_dev_deg: Option<f32>,
    /// Samples that measured rounded shoulders.
    pub rounded_shoulder_n: u32,
    /// Mean confidence.
    pub confidence: Option<f32>,
}

impl MinuteRow {
    /// The majority state.
    pub fn state(&self) -> Option<State> {
        self.durations.dominant()
    }
}

/// A piece of recorded time: a per-second sample or a minute row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Piece {
    /// One second.
    Sample(Sample),
    /// One rolled-up minute.
    Minute(MinuteRow),
}

impl Piece {
    /// Start, UTC unix ms.
    pub fn time_ms(&self) -> i64 {
        match self {
            Piece::Sample(s) => s.time_ms,
            Piece::Minute(m) => m.time_ms,
        }
    }

    fn durations(&self) -> StateDurations {
        match self {
            Piece::Sample(s) => {
                let mut d = StateDurations::default();
                d.add(s.state, MS_PER_S);
                d
            }
            Piece::Minute(m) => m.durations,
        }
    }

    fn state(&self) -> Option<State> {
        match self {
            Piece::Sample(s) => Some(s.state),
            Piece::Minute(m) => m.state(),
        }
    }

    /// Recorded length, ms (a minute row is drawn from its start for the seconds it holds).
    fn len_ms(&self) -> i64 {
        match self {
            Piece::Sample(_) => MS_PER_S,
            Piece::Minute(m) => m.durations.total_ms(),
        }
    }

    /// (sum, count) of forward head and rounded shoulders.
    fn deviation_sums(&self) -> [(f64, u32); 2] {
        match self {
            Piece::Sample(s) => [
                s.forward_head_dev_deg
                    .map_or((0.0, 0), |v| (f64::from(v), 1)),
                s.rounded_shoulder_dev_deg
                    .map_or((0.0, 0), |v| (f64::from(v), 1)),
            ],
            Piece::Minute(m) => [
                m.forward_head_dev_deg.map_or((0.0, 0), |v| {
                    (f64::from(v) * f64::from(m.forward_head_n), m.forward_head_n)
                }),
                m.rounded_shoulder_dev_deg.map_or((0.0, 0), |v| {
                    (
                        f64::from(v) * f64::from(m.rounded_shoulder_n),
                        m.rounded_shoulder_n,
                    )
                }),
            ],
        }
    }
}

/// Running means of the two deviations.
#[derive(Clone, Copy, Debug, Default)]
struct MeanAcc {
    sums: [(f64, u32); 2],
}

impl MeanAcc {
    fn add(&mut self, piece: &Piece) {
        for (acc, (sum, n)) in self.sums.iter_mut().zip(piece.deviation_sums()) {
            acc.0 += sum;
            acc.1 += n;
        }
    }

    fn means(&self) -> [Option<f32>; 2] {
        self.sums
            .map(|(sum, n)| (n > 0).then(|| (sum / f64::from(n)) as f32))
    }
}

/// Queries over one connection (the writer's or a read-only one).
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl<'a> Query<'a> {
    pub(crate) fn new(conn: &'a Connection, path: &'a Path) -> Query<'a> {
        Query { conn, path }
    }

    fn fail(&self, action: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |e| StoreError::sqlite(action, self.path, e)
    }

    /// Per-second samples in `[from_ms, to_ms)`, in time order.
    pub fn samples(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Sample>, StoreError> {
        let fail = self.fail("read samples");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t, state, fh, rs, conf FROM samples WHERE t >= ?1 AND t < ?2 ORDER BY t",
            )
            .map_err(&fail)?;
        let rows = stmt
            .query_map(params![from_ms, to_ms], |r| {
                Ok(Sample {
                    time_ms: r.get(0)?,
                    state: decode_state(r.get(1)?),
                    forward_head_dev_deg: r.get::<_, Option<i64>>(2)?.map(decode_deg),
                    rounded_shoulder_dev_deg: r.get::<_, Option<i64>>(3)?.map(decode_deg),
                    confidence: decode_confidence(r.get(4)?),
                })
            })
            .map_err(&fail)?;
        rows.collect::<Result<_, _>>().map_err(&fail)
    }

    /// Rolled-up minute rows in `[from_ms, to_ms)`, in time order.
    pub fn minutes(&self, from_ms: i64, to_ms: i64) -> Result<Vec<MinuteRow>, StoreError> {
        let fail = self.fail("read minute rows");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t, s1, s2, s3, s4, s5, s6, s7, s8, fh, fh_n, rs, rs_n, conf \
                 FROM minutes WHERE t >= ?1 AND t < ?2 ORDER BY t",
            )
            .map_err(&fail)?;
        let rows = stmt
            .query_map(params![from_ms, to_ms], |r| {
                let mut durations = StateDurations::default();
                for state in State::ALL {
                    let secs: i64 = r.get(state.index() + 1)?;
                    durations.add(state, secs * MS_PER_S);
                }
                Ok(MinuteRow {
                    time_ms: r.get(0)?,
                    durations,
                    forward_head_dev_deg: r.get::<_, Option<i64>>(9)?.map(decode_deg),
                    forward_head_n: r.get(10)?,
                    rounded_shoulder_dev_deg: r.get::<_, Option<i64>>(11)?.map(decode_deg),
                    rounded_shoulder_n: r.get(12)?,
                    confidence: r.get::<_, Option<i64>>(13)?.map(decode_confidence),
                })
            })
            .map_err(&fail)?;
        rows.collect::<Result<_, _>>().map_err(&fail)
    }

    /// Samples and minute rows in `[from_ms, to_ms)`, merged in time order.
    pub fn pieces(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Piece>, StoreError> {
        let samples = self.samples(from_ms, to_ms)?;
        let minutes = self.minutes(from_ms, to_ms)?;
        let mut pieces: Vec<Piece> = Vec::with_capacity(samples.len() + minutes.len());
        pieces.extend(minutes.into_iter().map(Piece::Minute));
        pieces.extend(samples.into_iter().map(Piece::Sample));
        // Stable: a minute row sorts before samples of the same minute.
        pieces.sort_by_key(Piece::time_ms);
        Ok(pieces)
    }

    /// Events in `[from_ms, to_ms)`, in time order.
    pub fn events(&self, from_ms: i64, to_ms: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let fail = self.fail("read events");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t, kind, detail FROM events WHERE t >= ?1 AND t < ?2 ORDER BY t, id",
            )
            .map_err(&fail)?;
        let rows = stmt
            .query_map(params![from_ms, to_ms], |r| {
                let kind: String = r.get(1)?;
                let detail: String = r.get(2)?;
                Ok(StoredEvent {
                    time_ms: r.get(0)?,
                    kind: EventKind::from_name(&kind),
                    // A detail that is not JSON is kept as a string rather than lost.
                    detail: serde_json::from_str(&detail)
                        .unwrap_or(serde_json::Value::String(detail)),
                })
            })
            .map_err(&fail)?;
        rows.collect::<Result<_, _>>().map_err(&fail)
    }

    /// Monitoring sessions overlapping `[from_ms, to_ms)`.
    pub fn sessions(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Session>, StoreError> {
        sessions_between(self.conn, from_ms, to_ms).map_err(self.fail("read sessions"))
    }

    /// The first and last recorded times (samples, minutes and events), if anything is stored.
    pub fn extent(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let (lo, hi): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(
                "SELECT min(lo), max(hi) FROM ( \
                   SELECT min(t) AS lo, max(t) AS hi FROM samples \
                   UNION ALL SELECT min(t), max(t) FROM minutes \
                   UNION ALL SELECT min(t), max(t) FROM events)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.fail("read the history's extent"))?;
        Ok(lo.zip(hi))
    }

    /// Everything the day view shows for local day `date`.
    pub fn day(&self, date: Date, zone: Zone) -> Result<DayView, StoreError> {
        let (start_ms, end_ms) = zone.day_range_ms(date);
        let pieces = self.pieces(start_ms, end_ms)?;
        let events = self.events(start_ms, end_ms)?;
        let spans = spans(&pieces);
        let hours = hours(start_ms, end_ms, zone, &pieces, &events);
        let summary = summarise(
            date, zone, start_ms, end_ms, &pieces, &spans, &events, &hours,
        );
        Ok(DayView {
            summary,
            curve: curve(&pieces),
            markers: events.into_iter().filter(|e| e.kind.is_marker()).collect(),
            spans,
            hours,
            sessions: self.sessions(start_ms, end_ms)?,
        })
    }

    /// The summary and hour rows of local day `date` (what `plumbline report` prints).
    pub fn day_report(
        &self,
        date: Date,
        zone: Zone,
    ) -> Result<(DaySummary, Vec<HourRow>), StoreError> {
        let view = self.day(date, zone)?;
        Ok((view.summary, view.hours))
    }

    /// One bar per local day for the `days` days ending with `last` (oldest first).
    pub fn overview(&self, last: Date, days: u32, zone: Zone) -> Result<Vec<DayBar>, StoreError> {
        let fail = self.fail("read the overview");
        let mut by_state = self
            .conn
            .prepare_cached(
                "SELECT state, count(*) FROM samples WHERE t >= ?1 AND t < ?2 GROUP BY state",
            )
            .map_err(&fail)?;
        let mut minute_sums = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(s1), 0), coalesce(sum(s2), 0), coalesce(sum(s3), 0), \
                 coalesce(sum(s4), 0), coalesce(sum(s5), 0), coalesce(sum(s6), 0), \
                 coalesce(sum(s7), 0), coalesce(sum(s8), 0) FROM minutes WHERE t >= ?1 AND t < ?2",
            )
            .map_err(&fail)?;
        let mut event_counts = self
            .conn
            .prepare_cached(
                "SELECT kind, count(*) FROM events WHERE t >= ?1 AND t < ?2 \
                 AND kind IN ('prompt', 'break') GROUP BY kind",
            )
            .map_err(&fail)?;
        let mut bars = Vec::with_capacity(days as usize);
        for back in (0..i64::from(days)).rev() {
            let date = last.add_days(-back);
            let (from, to) = zone.day_range_ms(date);
            let mut durations = StateDurations::default();
            let rows = by_state
                .query_map(params![from, to], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(&fail)?;
            for row in rows {
                let (code, n) = row.map_err(&fail)?;
                durations.add(decode_state(code), n * MS_PER_S);
            }
            minute_sums
                .query_row(params![from, to], |r| {
                    for state in State::ALL {
                        durations.add(state, r.get::<_, i64>(state.index())? * MS_PER_S);
                    }
                    Ok(())
                })
                .map_err(&fail)?;
            let (mut prompts, mut breaks) = (0, 0);
            let rows = event_counts
                .query_map(params![from, to], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
                })
                .map_err(&fail)?;
            for row in rows {
                match row.map_err(&fail)? {
                    (kind, n) if kind == EventKind::Prompt.as_str() => prompts = n,
                    (_, n) => breaks = n,
                }
            }
            bars.push(DayBar {
                date,
                durations,
                prompts,
                breaks,
            });
        }
        Ok(bars)
    }
}

/// The band: consecutive pieces of one state merged.
fn spans(pieces: &[Piece]) -> Vec<StateSpan> {
    let mut out: Vec<StateSpan> = Vec::new();
    for piece in pieces {
        let Some(state) = piece.state() else { continue };
        let start = piece.time_ms();
        let end = start + piece.len_ms();
        let tolerance = match piece {
            Piece::Sample(_) => SAMPLE_MERGE_GAP_MS - MS_PER_S,
            Piece::Minute(_) => MS_PER_MIN - 1,
        };
        match out.last_mut() {
            Some(last) if last.state == state && start - last.end_ms <= tolerance => {
                last.end_ms = last.end_ms.max(end);
            }
            Some(last) if start < last.end_ms => {
                // Overlap (a sample inside a minute row's extent): cut the earlier span.
                last.end_ms = start;
                out.push(StateSpan {
                    start_ms: start,
                    end_ms: end,
                    state,
                });
            }
            _ => out.push(StateSpan {
                start_ms: start,
                end_ms: end,
                state,
            }),
        }
    }
    out.retain(|s| s.end_ms > s.start_ms);
    out
}

/// Per-minute means of the deviations.
fn curve(pieces: &[Piece]) -> Vec<DeviationPoint> {
    let mut out: Vec<DeviationPoint> = Vec::new();
    let mut current: Option<(i64, MeanAcc)> = None;
    let flush = |out: &mut Vec<DeviationPoint>, minute: i64, acc: &MeanAcc| {
        let [fh, rs] = acc.means();
        if fh.is_some() || rs.is_some() {
            out.push(DeviationPoint {
                time_ms: minute,
                forward_head_dev_deg: fh,
                rounded_shoulder_dev_deg: rs,
            });
        }
    };
    for piece in pieces {
        let minute = piece.time_ms().div_euclid(MS_PER_MIN) * MS_PER_MIN;
        match &mut current {
            Some((m, acc)) if *m == minute => acc.add(piece),
            _ => {
                if let Some((m, acc)) = &current {
                    flush(&mut out, *m, acc);
                }
                let mut acc = MeanAcc::default();
                acc.add(piece);
                current = Some((minute, acc));
            }
        }
    }
    if let Some((m, acc)) = &current {
        flush(&mut out, *m, acc);
    }
    out
}

/// One row per local hour from `start_ms` to `end_ms`.
fn hours(
    start_ms: i64,
    end_ms: i64,
    zone: Zone,
    pieces: &[Piece],
    events: &[StoredEvent],
) -> Vec<HourRow> {
    let mut rows = Vec::new();
    let mut t = start_ms;
    while t < end_ms {
        let next = (t + MS_PER_HOUR).min(end_ms);
        rows.push(HourRow {
            start_ms: t,
            local_hour: zone.local_time(t).hour,
            durations: StateDurations::default(),
            slots: [None; SLOTS_PER_HOUR],
            prompts: 0,
            breaks: 0,
            mean_forward_head_dev_deg: None,
            mean_rounded_shoulder_dev_deg: None,
        });
        t = next;
    }
    let index_of = |time: i64| -> Option<usize> {
        (time >= start_ms && time < end_ms).then(|| ((time - start_ms) / MS_PER_HOUR) as usize)
    };
    let slot_ms = MS_PER_HOUR / SLOTS_PER_HOUR as i64;
    let mut slot_durations = vec![[StateDurations::default(); SLOTS_PER_HOUR]; rows.len()];
    let mut means = vec![MeanAcc::default(); rows.len()];
    for piece in pieces {
        let Some(i) = index_of(piece.time_ms()) else {
            continue;
        };
        let (Some(row), Some(slots), Some(acc)) =
            (rows.get_mut(i), slot_durations.get_mut(i), means.get_mut(i))
        else {
            continue;
        };
        let d = piece.durations();
        row.durations.add_all(&d);
        let slot = (((piece.time_ms() - row.start_ms) / slot_ms) as usize).min(SLOTS_PER_HOUR - 1);
        slots[slot].add_all(&d);
        acc.add(piece);
    }
    for event in events {
        let Some(row) = index_of(event.time_ms).and_then(|i| rows.get_mut(i)) else {
            continue;
        };
        match event.kind {
            EventKind::Prompt => row.prompts += 1,
            EventKind::Break => row.breaks += 1,
            _ => {}
        }
    }
    for ((row, slots), acc) in rows.iter_mut().zip(&slot_durations).zip(&means) {
        for (out, d) in row.slots.iter_mut().zip(slots) {
            *out = d.dominant();
        }
        [
            row.mean_forward_head_dev_deg,
            row.mean_rounded_shoulder_dev_deg,
        ] = acc.means();
    }
    rows
}

#[allow(clippy::too_many_arguments)]
fn summarise(
    date: Date,
    zone: Zone,
    start_ms: i64,
    end_ms: i64,
    pieces: &[Piece],
    spans: &[StateSpan],
    events: &[StoredEvent],
    hours: &[HourRow],
) -> DaySummary {
    let mut durations = StateDurations::default();
    let mut means = MeanAcc::default();
    for piece in pieces {
        durations.add_all(&piece.durations());
        means.add(piece);
    }
    let count = |kind: EventKind| events.iter().filter(|e| e.kind == kind).count() as u32;
    let longest_slouch =
        spans
            .iter()
            .filter(|s| s.state == State::Slouching)
            .fold(None::<StateSpan>, |best, s| match best {
                Some(b) if b.len_ms() >= s.len_ms() => Some(b),
                _ => Some(*s),
            });
    let worst_hour = hours
        .iter()
        .filter(|h| {
            h.durations.present_ms() >= WORST_HOUR_MIN_PRESENT_MS
                && h.durations.get(State::Slouching) > 0
        })
        .map(|h| WorstHour {
            start_ms: h.start_ms,
            local_hour: h.local_hour,
            slouching_ms: h.durations.get(State::Slouching),
            present_ms: h.durations.present_ms(),
        })
        .fold(None::<WorstHour>, |best, h| match best {
            Some(b) if b.slouching_share() >= h.slouching_share() => Some(b),
            _ => Some(h),
        });
    let [fh, rs] = means.means();
    DaySummary {
        date,
        utc_offset_s: zone.offset_at(start_ms),
        start_ms,
        end_ms,
        durations,
        longest_slouch,
        prompts: count(EventKind::Prompt),
        break_reminders: count(EventKind::BreakReminder),
        breaks: count(EventKind::Break),
        snoozes: count(EventKind::Snooze),
        camera_faults: count(EventKind::CameraFault),
        recalibrate_suggestions: count(EventKind::RecalibrateSuggestion),
        worst_hour,
        mean_forward_head_dev_deg: fh,
        mean_rounded_shoulder_dev_deg: rs,
        longest_sitting: longest_sitting(spans, events),
        pauses: pauses(
            events,
            start_ms,
            end_ms,
            pieces.iter().map(|p| p.time_ms() + MS_PER_S).max(),
        ),
    }
}

/// The day's pauses from its events: a state change to `paused` opens one with its cause,
/// the next change out of `paused` closes it; a forward clock jump outside a pause is time
/// asleep. A pause still open when the day's events end closes at the latest time known:
/// the last event or `recorded_until_ms` (the end of the last recorded second), within the
/// day.
pub fn pauses(
    events: &[StoredEvent],
    start_ms: i64,
    end_ms: i64,
    recorded_until_ms: Option<i64>,
) -> Vec<PauseSpan> {
    let mut out = Vec::new();
    let mut open: Option<(i64, PauseCause)> = None;
    let mut last_ms = recorded_until_ms.unwrap_or(start_ms);
    for event in events {
        last_ms = last_ms.max(event.time_ms);
        match event.kind {
            EventKind::StateChange => {
                let detail = &event.detail;
                if detail["from"] == "paused"
                    && let Some((from, cause)) = open.take()
                {
                    out.push(PauseSpan {
                        start_ms: from,
                        end_ms: event.time_ms,
                        cause,
                    });
                }
                if detail["to"] == "paused" {
                    let cause = detail["reason"]
                        .as_str()
                        .and_then(PauseCause::from_state_reason)
                        .unwrap_or(PauseCause::ByUser);
                    open = Some((event.time_ms, cause));
                }
            }
            EventKind::ClockJump => {
                let from = event.detail["from_ms"].as_i64().unwrap_or(event.time_ms);
                let gap = event.detail["gap_ms"].as_i64().unwrap_or(0);
                if gap > 0 && open.is_some() {
                    // Asleep inside a pause: the pause lasted at least until the wake-up.
                    last_ms = last_ms.max(from + gap);
                } else if gap > 0 {
                    out.push(PauseSpan {
                        start_ms: from,
                        end_ms: (from + gap).min(end_ms),
                        cause: PauseCause::Asleep,
                    });
                }
            }
            _ => {}
        }
    }
    if let Some((from, cause)) = open {
        out.push(PauseSpan {
            start_ms: from,
            end_ms: last_ms.max(from).min(end_ms),
            cause,
        });
    }
    out
}

/// The sessions overlapping `[from_ms, to_ms)`.
fn sessions_between(conn: &Connection, from_ms: i64, to_ms: i64) -> rusqlite::Result<Vec<Session>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, start_ms, end_ms, clean_exit FROM sessions \
         WHERE end_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms",
    )?;
    let rows = stmt.query_map(params![from_ms, to_ms], |r| {
        Ok(Session {
            id: r.get(0)?,
            start_ms: r.get(1)?,
            end_ms: r.get(2)?,
            clean_exit: r.get(3)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(t_s: i64, state: State, fh: Option<f32>) -> Piece {
        Piece::Sample(Sample {
            time_ms: t_s * MS_PER_S,
            state,
            forward_head_dev_deg: fh,
            rounded_shoulder_dev_deg: None,
            confidence: 1.0,
        })
    }

    #[test]
    fn the_longest_sitting_ends_at_breaks_pauses_and_long_absences() {
        let span = |start_s: i64, end_s: i64, state| StateSpan {
            start_ms: start_s * MS_PER_S,
            end_ms: end_s * MS_PER_S,
            state,
        };
        let stretch = |start_s: i64, end_s: i64| Stretch {
            start_ms: start_s * MS_PER_S,
            end_ms: end_s * MS_PER_S,
        };
        let spans = [
            span(0, 1_000, State::Upright),
            span(1_000, 1_060, State::Away), // a minute out of view: still sitting
            span(1_060, 4_000, State::Slouching),
            span(4_000, 4_400, State::Away), // 400 s away: the stretch ends
            span(4_400, 5_000, State::Upright),
            span(5_000, 9_000, State::Paused),
            span(9_000, 12_000, State::Upright),
            span(12_000, 14_000, State::Drifting),
        ];
        assert_eq!(longest_sitting(&spans, &[]), Some(stretch(9_000, 14_000)));
        // A break counted at 11 000 s splits the last one: the first is the longest now.
        let breaks = [StoredEvent::new(11_000 * MS_PER_S, EventKind::Break)];
        assert_eq!(longest_sitting(&spans, &breaks), Some(stretch(0, 4_000)));
        assert_eq!(longest_sitting(&[], &[]), None);
    }

    #[test]
    fn pauses_carry_their_cause_and_sleep_shows_from_the_clock_jump() {
        let change = |t: i64, from: &str, to: &str, reason: &str| {
            StoredEvent::new(t, EventKind::StateChange)
                .with("from", from)
                .with("to", to)
                .with("reason", reason)
        };
        let events = [
            change(1_000, "upright", "paused", "screen_locked"),
            change(5_000, "paused", "upright", "released"),
            StoredEvent::new(6_000, EventKind::ClockJump)
                .with("from_ms", 6_000)
                .with("gap_ms", 10_000),
            // A jump back is no time asleep.
            StoredEvent::new(17_000, EventKind::ClockJump)
                .with("from_ms", 17_000)
                .with("gap_ms", -3_000),
            change(20_000, "upright", "paused", "paused"),
            // Announced sleep inside the user's pause is not counted twice.
            StoredEvent::new(21_000, EventKind::ClockJump)
                .with("from_ms", 21_000)
                .with("gap_ms", 4_000),
        ];
        let got = pauses(&events, 0, 100_000, Some(30_000));
        let cause = |start_ms, end_ms, cause| PauseSpan {
            start_ms,
            end_ms,
            cause,
        };
        assert_eq!(
            got,
            vec![
                cause(1_000, 5_000, PauseCause::ScreenLocked),
                cause(6_000, 16_000, PauseCause::Asleep),
                cause(20_000, 30_000, PauseCause::ByUser),
            ]
        );
        // A pause still open at the end of the day ends with the day.
        assert_eq!(
            pauses(&events[4..5], 0, 25_000, Some(40_000))[0].end_ms,
            25_000
        );
    }

    #[test]
    fn spans_merge_one_missing_second_but_not_two() {
        let pieces = [
            sample(0, State::Upright, None),
            sample(1, State::Upright, None),
            sample(3, State::Upright, None), // one second missing: same span
            sample(6, State::Upright, None), // two missing: new span
            sample(7, State::Slouching, None),
        ];
        let spans = spans(&pieces);
        let got: Vec<_> = spans
            .iter()
            .map(|s| (s.start_ms / 1000, s.end_ms / 1000, s.state))
            .collect();
        assert_eq!(
            got,
            [
                (0, 4, State::Upright),
                (6, 7, State::Upright),
                (7, 8, State::Slouching)
            ]
        );
    }

    #[test]
    fn minute_rows_use_their_majority_and_merge_across_a_minute() {
        let mut d = StateDurations::default();
        d.add(State::Slouching, 40_000);
        d.add(State::Upright, 20_000);
        let minute = |t: i64| {
            Piece::Minute(MinuteRow {
                time_ms: t,
                durations: d,
                forward_head_dev_deg: Some(10.0),
                forward_head_n: 60,
                rounded_shoulder_dev_deg: None,
                rounded_shoulder_n: 0,
                confidence: Some(0.9),
            })
        };
        let pieces = [minute(0), minute(MS_PER_MIN), minute(3 * MS_PER_MIN)];
        let spans = spans(&pieces);
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].state, State::Slouching);
        assert_eq!(spans[0].len_ms(), 2 * MS_PER_MIN);
        let curve = curve(&pieces);
        assert_eq!(curve.len(), 3);
        assert_eq!(curve[0].forward_head_dev_deg, Some(10.0));
    }

    #[test]
    fn curve_averages_samples_per_minute() {
        let pieces = [
            sample(0, State::Upright, Some(2.0)),
            sample(1, State::Upright, Some(4.0)),
            sample(2, State::Upright, None),
            sample(61, State::Upright, None),
            sample(125, State::Upright, Some(-1.0)),
        ];
        let curve = curve(&pieces);
        let got: Vec<_> = curve
            .iter()
            .map(|p| (p.time_ms / MS_PER_MIN, p.forward_head_dev_deg))
            .collect();
        assert_eq!(got, [(0, Some(3.0)), (2, Some(-1.0))]);
    }

    #[test]
    fn hours_cover_the_day_and_count_slots() {
        let start = 0;
        let end = 24 * MS_PER_HOUR;
        let pieces: Vec<Piece> = (0..600)
            .map(|s| sample(9 * 3600 + s, State::Slouching, None))
            .collect();
        let events = [StoredEvent::new(9 * MS_PER_HOUR + 5, EventKind::Prompt)];
        let rows = hours(start, end, Zone::UTC, &pieces, &events);
        assert_eq!(rows.len(), 24);
        let nine = &rows[9];
        assert_eq!(nine.local_hour, 9);
        assert_eq!(nine.durations.get(State::Slouching), 600_000);
        assert_eq!(nine.prompts, 1);
        assert_eq!(nine.slots[0], Some(State::Slouching));
        assert_eq!(nine.slots[1], Some(State::Slouching));
        assert_eq!(nine.slots[2], None);
    }
}
