//! The recorder: a named writer thread (`store-writer`) that owns the [`Store`] and commits
//! whatever arrived at most [`BATCH_INTERVAL`] ago in one transaction, so a `kill -9` loses at
//! most the last second or two. Callers (the UI and the pipeline) only ever `try_send` on a
//! bounded channel: when it is full the sample or event is dropped and counted, never waited
//! for. Write failures (a full disk, the size limit, an I/O error) keep the rows in memory (up
//! to a cap), show in [`StoreHealth`], and are retried every [`RETRY_INTERVAL`]; monitoring
//! carries on either way.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::calendar::{MS_PER_DAY, MS_PER_S};
use super::db::Store;
use super::error::StoreError;
use super::types::{Sample, StoredEvent};
use crate::clock::{SystemClock, WallClock};

/// Longest time between two commits: with kill -9 at any moment at most this much (plus the
/// commit itself) is lost.
pub const BATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Messages the channel holds: over an hour of samples plus events; the writer drains it every
/// second, so it only fills if the writer is stuck.
pub const DEFAULT_CHANNEL_CAPACITY: usize = 4_096;

/// How often a failing write is tried again.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(10);

/// Samples kept in memory while writes fail (two hours); older ones are dropped and counted.
pub const MAX_PENDING_SAMPLES: usize = 7_200;

/// Events kept in memory while writes fail; older ones are dropped and counted.
pub const MAX_PENDING_EVENTS: usize = 10_000;

/// A sample holds for the seconds after it until the next one, for at most this many
/// seconds: the pipeline analyses as slowly as one frame in 5 s while posture is steady, and
/// every recorded second must be in the history, not only the analysed ones. A longer gap
/// (the app stopped, a suspend, a clock jump) stays a gap.
pub const SAMPLE_HOLD_S: i64 = 5;

/// Rollup and retention run at startup and then when this long has passed.
pub const MAINTENANCE_INTERVAL_MS: i64 = MS_PER_DAY;

/// How the writer is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Writes succeed.
    #[default]
    Ok,
    /// The disk (or the size limit) is full; rows are held and retried.
    DiskFull,
    /// Writes fail for another reason; rows are held and retried.
    WriteFailed,
    /// The writer has stopped (shut down, or it could not start).
    Stopped,
}

/// What the UI shows about history saving.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoreHealth {
    /// How writes are going.
    pub status: HealthStatus,
    /// The last write error, worded for the user.
    pub last_error: Option<String>,
    /// Samples dropped because the channel was full or too many were waiting.
    pub dropped_samples: u64,
    /// Events dropped for the same reasons.
    pub dropped_events: u64,
    /// Rows waiting in memory for a successful write.
    pub pending: usize,
    /// When the last commit succeeded, UTC unix ms.
    pub last_commit_ms: Option<i64>,
    /// Samples written since start.
    pub samples_written: u64,
    /// Events written since start.
    pub events_written: u64,
}

impl StoreHealth {
    /// A one-line warning for the UI, or `None` when all is well.
    pub fn warning(&self) -> Option<String> {
        let dropped = self.dropped_samples + self.dropped_events;
        let lost = if dropped > 0 {
            format!(" {dropped} records could not be kept.")
        } else {
            String::new()
        };
        match self.status {
            HealthStatus::Ok if dropped > 0 => Some(format!(
                "History is being saved, but {dropped} records could not be kept (the writer \
                 fell behind)."
            )),
            HealthStatus::Ok => None,
            HealthStatus::DiskFull => Some(format!(
                "History is not being saved: the disk is full. Monitoring goes on; free some \
                 space and history resumes.{lost}"
            )),
            HealthStatus::WriteFailed => Some(format!(
                "History is not being saved ({}). Monitoring goes on; retrying.{lost}",
                self.last_error.as_deref().unwrap_or("write error")
            )),
            HealthStatus::Stopped => Some(format!("History is not being saved.{lost}")),
        }
    }
}

/// Called with the new health when its status changes.
pub type HealthCallback = Arc<dyn Fn(&StoreHealth) + Send + Sync>;

/// Everything the recorder needs besides the store.
#[derive(Clone)]
pub struct RecorderConfig {
    /// Channel capacity in messages.
    pub channel_capacity: usize,
    /// Longest time between commits.
    pub batch_interval: Duration,
    /// Time between retries of a failing write.
    pub retry_interval: Duration,
    /// UTC unix ms now (sessions and maintenance); the system clock by default.
    pub clock: Arc<dyn WallClock>,
    /// Called on the writer thread whenever the health status changes (e.g. to request a
    /// repaint of the UI).
    pub on_health_change: Option<HealthCallback>,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        RecorderConfig {
            channel_capacity: DEFAULT_CHANNEL_CAPACITY,
            batch_interval: BATCH_INTERVAL,
            retry_interval: RETRY_INTERVAL,
            clock: Arc::new(SystemClock),
            on_health_change: None,
        }
    }
}

impl std::fmt::Debug for RecorderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderConfig")
            .field("channel_capacity", &self.channel_capacity)
            .field("batch_interval", &self.batch_interval)
            .field("retry_interval", &self.retry_interval)
            .finish_non_exhaustive()
    }
}

enum Msg {
    Sample(Sample),
    Event(StoredEvent),
    /// End the running session at `end_ms` and start one at `start_ms` (a clock jump).
    Split {
        end_ms: i64,
        start_ms: i64,
    },
    Flush(SyncSender<StoreHealth>),
    Stop,
}

struct Shared {
    health: Mutex<StoreHealth>,
    dropped_samples: AtomicU64,
    dropped_events: AtomicU64,
    /// The second of the last sample sent, to keep one per second.
    last_second: AtomicI64,
}

impl Shared {
    fn health(&self) -> StoreHealth {
        let mut health = self
            .health
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        health.dropped_samples += self.dropped_samples.load(Ordering::Relaxed);
        health.dropped_events += self.dropped_events.load(Ordering::Relaxed);
        health
    }
}

/// A cheap, cloneable sender for the pipeline and the UI. Never blocks.
#[derive(Clone)]
pub struct RecorderHandle {
    tx: SyncSender<Msg>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for RecorderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderHandle").finish_non_exhaustive()
    }
}

impl RecorderHandle {
    /// Records a sample; only the first of each second is kept. Returns false when it had to
    /// be dropped (channel full or writer stopped); the drop is counted in the health.
    pub fn sample(&self, sample: Sample) -> bool {
        let second = sample.time_ms.div_euclid(MS_PER_S);
        if self.shared.last_second.swap(second, Ordering::Relaxed) == second {
            return true;
        }
        match self.tx.try_send(Msg::Sample(sample)) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.shared.dropped_samples.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Records an event. Returns false when it had to be dropped (counted in the health).
    pub fn event(&self, event: StoredEvent) -> bool {
        match self.tx.try_send(Msg::Event(event)) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.shared.dropped_events.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// The writer's health right now.
    pub fn health(&self) -> StoreHealth {
        self.shared.health()
    }

    /// The wall clock jumped: the running session ends at `end_ms` (the last moment before
    /// the jump) and a new one starts at `start_ms`. Never blocks; returns false when the
    /// request had to be dropped.
    pub fn split_session(&self, end_ms: i64, start_ms: i64) -> bool {
        self.tx.try_send(Msg::Split { end_ms, start_ms }).is_ok()
    }

    /// Asks the writer to commit now and waits up to `timeout` for it (tests, and before
    /// showing a day view that must include the last second; not for the UI thread's hot
    /// path). `None` when the writer did not answer in time.
    pub fn flush(&self, timeout: Duration) -> Option<StoreHealth> {
        let (ack_tx, ack_rx) = std::sync::mpsc::sync_channel(1);
        self.tx.try_send(Msg::Flush(ack_tx)).ok()?;
        ack_rx.recv_timeout(timeout).ok()
    }
}

/// The running recorder. Dropping it commits what is pending, ends the session and joins the
/// writer thread.
pub struct Recorder {
    handle: RecorderHandle,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// Starts the writer thread on `store`: it runs rollup and retention, begins a session,
    /// then commits every `batch_interval`.
    pub fn start(store: Store, config: RecorderConfig) -> Result<Recorder, StoreError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(config.channel_capacity.max(1));
        let shared = Arc::new(Shared {
            health: Mutex::new(StoreHealth::default()),
            dropped_samples: AtomicU64::new(0),
            dropped_events: AtomicU64::new(0),
            last_second: AtomicI64::new(i64::MIN),
        });
        let writer = Writer::new(store, config, Arc::clone(&shared));
        let thread = std::thread::Builder::new()
            .name("store-writer".to_string())
            .spawn(move || writer.run(&rx))
            .map_err(|e| StoreError::Writer {
                what: format!("could not be started: {e}"),
            })?;
        Ok(Recorder {
            handle: RecorderHandle { tx, shared },
            thread: Some(thread),
        })
    }

    /// A sender for other threads.
    pub fn handle(&self) -> RecorderHandle {
        self.handle.clone()
    }

    /// See [`RecorderHandle::sample`].
    pub fn sample(&self, sample: Sample) -> bool {
        self.handle.sample(sample)
    }

    /// See [`RecorderHandle::event`].
    pub fn event(&self, event: StoredEvent) -> bool {
        self.handle.event(event)
    }

    /// The writer's health right now.
    pub fn health(&self) -> StoreHealth {
        self.handle.health()
    }

    /// Commits what is pending, ends the session cleanly, stops the thread and returns the
    /// final health.
    pub fn shutdown(mut self) -> StoreHealth {
        self.stop();
        self.handle.health()
    }

    fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            // Blocks only until the writer makes room, which it does within a batch interval.
            let _ = self.handle.tx.send(Msg::Stop);
            if thread.join().is_err() {
                let mut health = self
                    .handle
                    .shared
                    .health
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                health.status = HealthStatus::Stopped;
                health.last_error = Some("the history writer thread panicked".to_string());
            }
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The writer thread's state.
struct Writer {
    store: Store,
    config: RecorderConfig,
    shared: Arc<Shared>,
    session: Option<i64>,
    samples: Vec<Sample>,
    events: Vec<StoredEvent>,
    /// The last sample received, held over the seconds until the next.
    last_sample: Option<Sample>,
    /// While writes fail: do not try again before this.
    retry_at: Option<Instant>,
    last_maintenance_ms: Option<i64>,
}

impl Writer {
    fn new(store: Store, config: RecorderConfig, shared: Arc<Shared>) -> Writer {
        Writer {
            store,
            config,
            shared,
            session: None,
            samples: Vec::new(),
            events: Vec::new(),
            last_sample: None,
            retry_at: None,
            last_maintenance_ms: None,
        }
    }

    fn now_ms(&self) -> i64 {
        self.config.clock.unix_ms()
    }

    fn run(mut self, rx: &Receiver<Msg>) {
        self.maintain_if_due();
        self.ensure_session();
        let mut next_commit = Instant::now() + self.config.batch_interval;
        loop {
            let timeout = next_commit.saturating_duration_since(Instant::now());
            match rx.recv_timeout(timeout) {
                Ok(Msg::Sample(s)) => self.push_sample(s),
                Ok(Msg::Event(e)) => self.events.push(e),
                Ok(Msg::Split { end_ms, start_ms }) => self.split(end_ms, start_ms),
                Ok(Msg::Flush(ack)) => {
                    self.retry_at = None;
                    self.commit();
                    let _ = ack.send(self.shared.health());
                }
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if Instant::now() >= next_commit {
                self.commit();
                self.maintain_if_due();
                next_commit = Instant::now() + self.config.batch_interval;
            }
        }
        // Drain what is still queued behind the stop.
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Sample(s) => self.push_sample(s),
                Msg::Event(e) => self.events.push(e),
                Msg::Split { end_ms, start_ms } => self.split(end_ms, start_ms),
                Msg::Flush(ack) => {
                    let _ = ack.send(self.shared.health());
                }
                Msg::Stop => {}
            }
        }
        self.retry_at = None;
        self.commit();
        if let Some(id) = self.session {
            let now = self.now_ms();
            if let Err(e) = self.store.end_session(id, now) {
                self.record_failure(&e);
            }
        }
        let _ = self.store.checkpoint();
        let mut health = self.lock_health();
        let changed = health.status != HealthStatus::Stopped;
        health.status = HealthStatus::Stopped;
        let snapshot = health.clone();
        drop(health);
        if changed {
            self.notify(&snapshot);
        }
    }

    fn lock_health(&self) -> std::sync::MutexGuard<'_, StoreHealth> {
        self.shared
            .health
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn notify(&self, health: &StoreHealth) {
        if let Some(callback) = &self.config.on_health_change {
            callback(health);
        }
    }

    /// Queues a sample, after copies of the previous one for the whole seconds between them
    /// when they are at most [`SAMPLE_HOLD_S`] apart.
    fn push_sample(&mut self, sample: Sample) {
        let second = sample.time_ms.div_euclid(MS_PER_S);
        if let Some(previous) = self.last_sample {
            let previous_second = previous.time_ms.div_euclid(MS_PER_S);
            if (2..=SAMPLE_HOLD_S).contains(&(second - previous_second)) {
                for held in previous_second + 1..second {
                    self.samples.push(Sample {
                        time_ms: held * MS_PER_S,
                        ..previous
                    });
                }
            }
        }
        self.last_sample = Some(sample);
        self.samples.push(sample);
    }

    /// Ends the running session at `end_ms` and begins the next at `start_ms`, after
    /// committing what came before.
    fn split(&mut self, end_ms: i64, start_ms: i64) {
        self.last_sample = None;
        self.retry_at = None;
        self.commit();
        if let Some(id) = self.session.take()
            && let Err(e) = self.store.close_session_at(id, end_ms)
        {
            self.record_failure(&e);
        }
        match self.store.begin_session(start_ms) {
            Ok(id) => self.session = Some(id),
            Err(e) => self.record_failure(&e),
        }
    }

    fn ensure_session(&mut self) {
        if self.session.is_some() {
            return;
        }
        let now = self.now_ms();
        match self.store.begin_session(now) {
            Ok(id) => self.session = Some(id),
            Err(e) => self.record_failure(&e),
        }
    }

    fn maintain_if_due(&mut self) {
        let now = self.now_ms();
        let due = self
            .last_maintenance_ms
            .is_none_or(|last| now - last >= MAINTENANCE_INTERVAL_MS);
        if !due || self.retry_at.is_some() {
            return;
        }
        self.last_maintenance_ms = Some(now);
        if let Err(e) = self.store.maintain(now) {
            self.record_failure(&e);
        }
    }

    /// Writes what is pending, unless a retry is not due yet.
    fn commit(&mut self) {
        if self.samples.is_empty() && self.events.is_empty() {
            return;
        }
        if self.retry_at.is_some_and(|at| Instant::now() < at) {
            self.trim_pending();
            return;
        }
        self.ensure_session();
        let now = self.now_ms();
        let session = self.session.map(|id| (id, now));
        match self.store.write(&self.samples, &self.events, session) {
            Ok(()) => {
                let (n_samples, n_events) = (self.samples.len(), self.events.len());
                self.samples.clear();
                self.events.clear();
                self.retry_at = None;
                let mut health = self.lock_health();
                let changed = health.status != HealthStatus::Ok;
                health.status = HealthStatus::Ok;
                health.pending = 0;
                health.last_commit_ms = Some(now);
                health.samples_written += n_samples as u64;
                health.events_written += n_events as u64;
                let snapshot = health.clone();
                drop(health);
                if changed {
                    self.notify(&snapshot);
                }
            }
            Err(e) => {
                self.retry_at = Some(Instant::now() + self.config.retry_interval);
                self.trim_pending();
                self.record_failure(&e);
            }
        }
    }

    /// Keeps at most the newest [`MAX_PENDING_SAMPLES`] samples and [`MAX_PENDING_EVENTS`]
    /// events in memory, counting the rest as dropped.
    fn trim_pending(&mut self) {
        for (len, cap, counter) in [
            (
                self.samples.len(),
                MAX_PENDING_SAMPLES,
                &self.shared.dropped_samples,
            ),
            (
                self.events.len(),
                MAX_PENDING_EVENTS,
                &self.shared.dropped_events,
            ),
        ] {
            if len > cap {
                counter.fetch_add((len - cap) as u64, Ordering::Relaxed);
            }
        }
        if self.samples.len() > MAX_PENDING_SAMPLES {
            let excess = self.samples.len() - MAX_PENDING_SAMPLES;
            self.samples.drain(..excess);
        }
        if self.events.len() > MAX_PENDING_EVENTS {
            let excess = self.events.len() - MAX_PENDING_EVENTS;
            self.events.drain(..excess);
        }
        let pending = self.samples.len() + self.events.len();
        self.lock_health().pending = pending;
    }

    fn record_failure(&self, e: &StoreError) {
        let status = match e {
            StoreError::DiskFull { .. } => HealthStatus::DiskFull,
            _ => HealthStatus::WriteFailed,
        };
        let mut health = self.lock_health();
        let changed = health.status != status;
        health.status = status;
        health.last_error = Some(e.to_string());
        health.pending = self.samples.len() + self.events.len();
        let snapshot = health.clone();
        drop(health);
        if changed {
            self.notify(&snapshot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::types::State;

    fn detached_handle(capacity: usize) -> (RecorderHandle, Receiver<Msg>) {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
        let shared = Arc::new(Shared {
            health: Mutex::new(StoreHealth::default()),
            dropped_samples: AtomicU64::new(0),
            dropped_events: AtomicU64::new(0),
            last_second: AtomicI64::new(i64::MIN),
        });
        (RecorderHandle { tx, shared }, rx)
    }

    #[test]
    fn a_full_channel_drops_and_counts_without_blocking() {
        let (handle, rx) = detached_handle(2);
        let start = Instant::now();
        let results: Vec<bool> = (0..5)
            .map(|i| handle.sample(Sample::state_only(i * 1000, State::Upright)))
            .collect();
        assert!(start.elapsed() < Duration::from_millis(100));
        assert_eq!(results, [true, true, false, false, false]);
        assert!(!handle.event(StoredEvent::new(0, crate::store::types::EventKind::Pause)));
        let health = handle.health();
        assert_eq!(health.dropped_samples, 3);
        assert_eq!(health.dropped_events, 1);
        let warning = health.warning().unwrap();
        assert!(warning.contains("4 records"), "{warning}");
        drop(rx);
    }

    #[test]
    fn only_the_first_sample_of_a_second_is_sent() {
        let (handle, rx) = detached_handle(16);
        for ms in [1_000, 1_400, 1_999, 2_000, 2_500] {
            assert!(handle.sample(Sample::state_only(ms, State::Upright)));
        }
        let sent: Vec<i64> = rx
            .try_iter()
            .filter_map(|m| match m {
                Msg::Sample(s) => Some(s.time_ms),
                _ => None,
            })
            .collect();
        assert_eq!(sent, [1_000, 2_000]);
    }

    #[test]
    fn a_stopped_writer_counts_drops() {
        let (handle, rx) = detached_handle(16);
        drop(rx);
        assert!(!handle.sample(Sample::state_only(0, State::Away)));
        assert_eq!(handle.health().dropped_samples, 1);
    }

    #[test]
    fn a_failing_write_is_held_and_retried_once_there_is_room() {
        use crate::store::db::StoreOptions;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let store = Store::open(&path, &StoreOptions::default()).unwrap().store;
        let (handle, _rx) = detached_handle(1);
        let config = RecorderConfig {
            retry_interval: Duration::from_secs(3600),
            ..RecorderConfig::default()
        };
        let mut writer = Writer::new(store, config, Arc::clone(&handle.shared));
        writer.ensure_session();
        // No room to grow: the limit is the current size.
        let size = std::fs::metadata(&path).unwrap().len();
        writer.store.set_max_size(Some(size)).unwrap();
        writer.samples = (0..2_000)
            .map(|i| Sample::state_only(i * 1000, State::Upright))
            .collect();
        writer.commit();
        let health = handle.health();
        assert_eq!(health.status, HealthStatus::DiskFull, "{health:?}");
        assert_eq!(health.pending, 2_000);
        assert!(health.last_error.unwrap().contains("full"));
        // Not retried before the retry interval.
        writer.store.set_max_size(None).unwrap();
        writer.commit();
        assert_eq!(handle.health().status, HealthStatus::DiskFull);
        // Retried once due: everything held is written.
        writer.retry_at = Some(Instant::now());
        writer.commit();
        let health = handle.health();
        assert_eq!(health.status, HealthStatus::Ok);
        assert_eq!((health.pending, health.samples_written), (0, 2_000));
        assert_eq!(
            writer.store.query().samples(0, i64::MAX).unwrap().len(),
            2_000
        );
    }

    #[test]
    fn held_rows_are_capped_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let store = Store::open(&path, &crate::store::db::StoreOptions::default())
            .unwrap()
            .store;
        let (handle, _rx) = detached_handle(1);
        let mut writer = Writer::new(store, RecorderConfig::default(), Arc::clone(&handle.shared));
        writer.samples = (0..MAX_PENDING_SAMPLES as i64 + 5)
            .map(|i| Sample::state_only(i * 1000, State::Upright))
            .collect();
        writer.trim_pending();
        assert_eq!(writer.samples.len(), MAX_PENDING_SAMPLES);
        assert_eq!(writer.samples[0].time_ms, 5_000);
        assert_eq!(handle.health().dropped_samples, 5);
    }

    #[test]
    fn a_sample_holds_over_a_few_missing_seconds_but_not_over_a_gap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let store = Store::open(&path, &crate::store::db::StoreOptions::default())
            .unwrap()
            .store;
        let (handle, _rx) = detached_handle(1);
        let mut writer = Writer::new(store, RecorderConfig::default(), Arc::clone(&handle.shared));
        for (ms, state) in [
            (10_200, State::Upright),
            (12_700, State::Upright),   // 2 s later: 11 s filled
            (17_100, State::Slouching), // 5 s later: 13-16 s filled as upright
            (23_000, State::Slouching), // 6 s later: a gap
            (22_000, State::Upright),   // back in time: nothing filled
        ] {
            writer.push_sample(Sample::state_only(ms, state));
        }
        let got: Vec<(i64, State)> = writer
            .samples
            .iter()
            .map(|s| (s.time_ms, s.state))
            .collect();
        assert_eq!(
            got,
            vec![
                (10_200, State::Upright),
                (11_000, State::Upright),
                (12_700, State::Upright),
                (13_000, State::Upright),
                (14_000, State::Upright),
                (15_000, State::Upright),
                (16_000, State::Upright),
                (17_100, State::Slouching),
                (23_000, State::Slouching),
                (22_000, State::Upright),
            ]
        );
    }

    #[test]
    fn warnings_say_what_happened() {
        let full = StoreHealth {
            status: HealthStatus::DiskFull,
            ..StoreHealth::default()
        };
        assert!(full.warning().unwrap().contains("disk is full"));
        assert_eq!(StoreHealth::default().warning(), None);
    }
}
