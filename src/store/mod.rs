//! The durable history behind the daily slouch timeline: per-second samples (state and the
//! main deviations), events (state changes, prompts, breaks, snoozes, calibrations, camera
//! faults) and monitoring sessions, in an SQLite file (bundled SQLite, WAL) in the user's data
//! directory.
//!
//! Who uses what:
//! - The app opens the [`Store`] once ([`Store::open`], which refuses a second instance with
//!   [`StoreError::InUse`] and moves a damaged file aside with a [`StoreWarning`]) and hands it
//!   to a [`Recorder`], whose named writer thread batches writes every second. The pipeline
//!   and the UI send [`Sample`]s and [`StoredEvent`]s through a [`RecorderHandle`], which never
//!   blocks; [`StoreHealth::warning`] is what the UI shows when saving fails.
//! - The day view and the CLI read through [`History`] (read-only, works while the app runs)
//!   with [`Query::day`], [`Query::overview`], [`render_day_report`] and [`export_range`].
//! - Monitor events map over with the functions in `wiring::history` (the store knows nothing
//!   of the monitor or the pipeline).
//!
//! Times are UTC unix milliseconds; local days come from a [`Zone`] (fixed offset in tests,
//! the system zone in the app). See `docs/store.md` for the file layout and guarantees.

pub mod codec;
pub mod db;
pub mod error;
pub mod event_detail;
pub mod export;
pub mod lock;
pub mod query;
pub mod recorder;
pub mod report;
pub mod schema;
pub mod types;

pub use crate::clock::calendar;
pub use crate::clock::calendar::{Date, LocalTime, Zone, now_ms};
pub use db::{
    DEFAULT_FILE_NAME, DEFAULT_RETENTION_DAYS, DEFAULT_ROLLUP_AFTER_DAYS, History, Maintenance,
    Opened, Store, StoreOptions, StoreWarning, resolve_path,
};
pub use error::StoreError;
pub use export::{ExportCounts, ExportFormat, export_range};
pub use lock::InstanceLock;
pub use query::{
    BandSpan, DayBar, DaySummary, DayView, DeviationPoint, HourRow, MinuteRow, Piece, Query,
    StateSpan, Stretch, WorstHour,
};
pub use recorder::{HealthStatus, Recorder, RecorderConfig, RecorderHandle, StoreHealth};
pub use report::render_day_report;
pub use schema::SCHEMA_VERSION;
pub use types::{
    Band, EventKind, PauseCause, PauseSpan, Sample, Session, State, StateDurations, StoredEvent,
};
