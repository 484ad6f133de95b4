//! The History dialog's data side: [`HistorySource`], the seam through which the window reads
//! the history (the real one is [`StoreHistory`], a read-only [`History`] that works while the
//! app's own recorder writes; tests hand in one over a file in a temporary folder), and
//! [`HistoryPanel`], what the dialog shows now. Queries run only when the shown day or range
//! changes, never every frame; an export runs on its own named thread, so a month of seconds
//! does not stall the window.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::store::{
    self, Date, DayBar, DayView, ExportCounts, ExportFormat, History, StoreError, Zone,
};

/// Days the overview can show.
pub const OVERVIEW_DAYS: [u32; 2] = [7, 30];

/// Why the history could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryProblem {
    /// No history file yet (nothing was recorded): a calm message, not an error.
    NoHistory,
    /// The history could not be read; the store's message says why and what to do.
    Failed(String),
}

impl From<StoreError> for HistoryProblem {
    fn from(error: StoreError) -> HistoryProblem {
        match error {
            StoreError::NotFound { .. } => HistoryProblem::NoHistory,
            other => HistoryProblem::Failed(other.to_string()),
        }
    }
}

/// Where the window reads the history from.
pub trait HistorySource {
    /// The zone local days are counted in.
    fn zone(&self) -> Zone;
    /// Today's local date.
    fn today(&self) -> Date;
    /// Everything the day view draws for `date`.
    fn day(&mut self, date: Date) -> Result<DayView, HistoryProblem>;
    /// One bar per day for the `days` days ending with `last`, oldest first.
    fn overview(&mut self, last: Date, days: u32) -> Result<Vec<DayBar>, HistoryProblem>;
    /// A job that writes days `from..=to` as CSV to `path`; the window runs it on a worker
    /// thread.
    fn export_csv(&self, from: Date, to: Date, path: &Path) -> ExportJob;
}

/// An export to run away from the UI thread.
pub type ExportJob = Box<dyn FnOnce() -> Result<ExportCounts, HistoryProblem> + Send>;

/// The history file, opened read-only on first use and kept open.
pub struct StoreHistory {
    path: Result<PathBuf, String>,
    zone: Zone,
    /// A fixed "today" (previews and tests); `None`: the clock.
    today: Option<Date>,
    history: Option<History>,
}

impl StoreHistory {
    /// The user's history (`store::resolve_path(None)`) in the system's time zone.
    pub fn for_user() -> StoreHistory {
        StoreHistory {
            path: store::resolve_path(None).map_err(|error| error.to_string()),
            zone: Zone::Local,
            today: None,
            history: None,
        }
    }

    /// The history in `path`, with days counted in `zone`.
    pub fn at(path: &Path, zone: Zone) -> StoreHistory {
        StoreHistory {
            path: Ok(path.to_path_buf()),
            zone,
            today: None,
            history: None,
        }
    }

    /// The same, with "today" fixed to `date` (for previews and tests).
    #[must_use]
    pub fn with_today(mut self, date: Date) -> StoreHistory {
        self.today = Some(date);
        self
    }

    fn history(&mut self) -> Result<&History, HistoryProblem> {
        let path = self.path.clone().map_err(HistoryProblem::Failed)?;
        if self.history.is_none() {
            // Opened again on each query until it exists: the recorder may create it later.
            self.history = Some(History::open(&path)?);
        }
        self.history
            .as_ref()
            .ok_or_else(|| HistoryProblem::Failed("the history could not be opened".to_owned()))
    }
}

impl HistorySource for StoreHistory {
    fn zone(&self) -> Zone {
        self.zone
    }

    fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| self.zone.date_of(store::now_ms()))
    }

    fn day(&mut self, date: Date) -> Result<DayView, HistoryProblem> {
        let zone = self.zone;
        Ok(self.history()?.query().day(date, zone)?)
    }

    fn overview(&mut self, last: Date, days: u32) -> Result<Vec<DayBar>, HistoryProblem> {
        let zone = self.zone;
        Ok(self.history()?.query().overview(last, days, zone)?)
    }

    fn export_csv(&self, from: Date, to: Date, path: &Path) -> ExportJob {
        let (db, zone, path) = (self.path.clone(), self.zone, path.to_path_buf());
        // Its own read-only connection: the worker thread cannot share the dialog's.
        Box::new(move || {
            let history = History::open(&db.map_err(HistoryProblem::Failed)?)?;
            export_file(&history, zone, from, to, &path)
        })
    }
}

/// Writes days `from..=to` of `history` as CSV to `path`; removes the file when it fails.
fn export_file(
    history: &History,
    zone: Zone,
    from: Date,
    to: Date,
    path: &Path,
) -> Result<ExportCounts, HistoryProblem> {
    let file = std::fs::File::create(path).map_err(|error| {
        HistoryProblem::Failed(format!("could not create {}: {error}", path.display()))
    })?;
    let mut out = std::io::BufWriter::new(file);
    let written = store::export_range(
        &history.query(),
        from,
        to,
        zone,
        ExportFormat::Csv,
        &mut out,
    );
    if written.is_err() {
        drop(out);
        // A half-written file would look like a complete export.
        let _ = std::fs::remove_file(path);
    }
    Ok(written?)
}

/// Which part of the history is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryMode {
    /// One day.
    Day,
    /// The last 7 or 30 days up to the shown day, one bar each.
    Overview(u32),
}

/// What the History dialog shows now, with its query results cached.
pub struct HistoryPanel {
    pub zone: Zone,
    pub today: Date,
    pub date: Date,
    pub mode: HistoryMode,
    pub day: Option<Result<DayView, HistoryProblem>>,
    pub overview: Option<Result<Vec<DayBar>, HistoryProblem>>,
    /// The last export: running, or where the file went / why it failed.
    pub export: Option<ExportStatus>,
    /// When today's day view was last read (the UI's clock, seconds).
    pub refreshed_at_s: Option<f64>,
}

/// While today's day view is open it is read again this often, so it keeps up with the day.
pub const TODAY_REFRESH_S: f64 = 30.0;

/// An export in progress or finished.
pub enum ExportStatus {
    /// Writing on the `history-export` thread.
    Running {
        path: PathBuf,
        done: mpsc::Receiver<Result<String, String>>,
    },
    /// Where the file went, or why it failed.
    Done(Result<String, String>),
}

/// What the user asked for in the History dialog.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryAction {
    Close,
    /// Move what is shown (the day, or the overview's range) to end on this date.
    ShowDate(Date),
    /// Open this day in the day view (a click on an overview bar).
    OpenDay(Date),
    ShowMode(HistoryMode),
    Export,
}

impl HistoryPanel {
    /// The panel on today's date, loaded.
    pub fn open(source: &mut dyn HistorySource) -> HistoryPanel {
        let today = source.today();
        let mut panel = HistoryPanel {
            zone: source.zone(),
            today,
            date: today,
            mode: HistoryMode::Day,
            day: None,
            overview: None,
            export: None,
            refreshed_at_s: None,
        };
        panel.load(source);
        panel
    }

    /// Days the Previous/Next buttons move: one, or the overview's length.
    pub fn step_days(&self) -> i64 {
        match self.mode {
            HistoryMode::Day => 1,
            HistoryMode::Overview(days) => i64::from(days.max(1)),
        }
    }

    /// The days shown: the day, or the overview's range.
    pub fn range(&self) -> (Date, Date) {
        match self.mode {
            HistoryMode::Day => (self.date, self.date),
            HistoryMode::Overview(days) => {
                (self.date.add_days(1 - i64::from(days.max(1))), self.date)
            }
        }
    }

    /// Carries out `action`; queries only when what is shown changed.
    pub fn apply(
        &mut self,
        ctx: &egui::Context,
        action: &HistoryAction,
        source: &mut dyn HistorySource,
        export_dir: Option<&Path>,
    ) {
        match action {
            HistoryAction::Close => {}
            HistoryAction::ShowDate(date) => {
                self.date = (*date).min(self.today);
                self.export = None;
                self.load(source);
            }
            HistoryAction::OpenDay(date) => {
                self.date = (*date).min(self.today);
                self.mode = HistoryMode::Day;
                self.export = None;
                self.load(source);
            }
            HistoryAction::ShowMode(mode) => {
                self.mode = *mode;
                self.export = None;
                self.load(source);
            }
            HistoryAction::Export => {
                if !matches!(self.export, Some(ExportStatus::Running { .. })) {
                    self.export = Some(self.start_export(ctx, source, export_dir));
                }
            }
        }
    }

    fn load(&mut self, source: &mut dyn HistorySource) {
        match self.mode {
            HistoryMode::Day => {
                if !matches!(&self.day, Some(Ok(view)) if view.summary.date == self.date) {
                    self.day = Some(source.day(self.date));
                }
            }
            HistoryMode::Overview(days) => {
                self.overview = Some(source.overview(self.date, days));
            }
        }
    }

    /// Keeps an open view of today current: reads it again every [`TODAY_REFRESH_S`], and
    /// after midnight moves "today" on (a view that showed today shows the new today). Cheap
    /// when nothing is due; call every frame with the UI's clock. True when it reloaded.
    pub fn refresh_if_due(&mut self, source: &mut dyn HistorySource, now_s: f64) -> bool {
        let today = source.today();
        let mut due = false;
        if today != self.today {
            if self.date == self.today {
                self.date = today;
            }
            self.today = today;
            due = true;
        }
        let last = *self.refreshed_at_s.get_or_insert(now_s);
        due |= self.mode == HistoryMode::Day
            && self.date == self.today
            && now_s - last >= TODAY_REFRESH_S;
        if !due {
            return false;
        }
        self.refreshed_at_s = Some(now_s);
        match self.mode {
            HistoryMode::Day => self.day = Some(source.day(self.date)),
            HistoryMode::Overview(days) => self.overview = Some(source.overview(self.date, days)),
        }
        true
    }

    /// Takes the export's result when it is done. Cheap; call every frame.
    pub fn poll(&mut self) {
        if let Some(ExportStatus::Running { done, .. }) = &self.export {
            match done.try_recv() {
                Ok(result) => self.export = Some(ExportStatus::Done(result)),
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.export = Some(ExportStatus::Done(Err(
                        "The export stopped unexpectedly.".to_owned()
                    )));
                }
            }
        }
    }

    fn start_export(
        &self,
        ctx: &egui::Context,
        source: &mut dyn HistorySource,
        export_dir: Option<&Path>,
    ) -> ExportStatus {
        let Some(folder) = export_dir else {
            return ExportStatus::Done(Err(
                "No Downloads or home folder was found to save the file in.".to_owned(),
            ));
        };
        let (from, to) = self.range();
        let path = free_path(folder, &format!("plumbline-{from}_to_{to}"));
        let job = source.export_csv(from, to, &path);
        let (sender, done) = mpsc::channel();
        let shown = path.display().to_string();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("history-export".to_owned())
            .spawn(move || {
                let result = match job() {
                    Ok(counts) => Ok(format!(
                        "Saved {shown} ({} records).",
                        counts.samples + counts.minutes + counts.events
                    )),
                    Err(HistoryProblem::NoHistory) => {
                        Err("There is no history to export yet.".to_owned())
                    }
                    Err(HistoryProblem::Failed(message)) => {
                        Err(format!("The export failed: {message}"))
                    }
                };
                let _ = sender.send(result);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => ExportStatus::Running { path, done },
            Err(error) => ExportStatus::Done(Err(format!("The export could not start: {error}"))),
        }
    }
}

/// `folder/stem.csv`, or `stem-2.csv`, `stem-3.csv`… when taken (an earlier export is kept).
fn free_path(folder: &Path, stem: &str) -> PathBuf {
    let first = folder.join(format!("{stem}.csv"));
    if !first.exists() {
        return first;
    }
    (2..1000)
        .map(|n| folder.join(format!("{stem}-{n}.csv")))
        .find(|path| !path.exists())
        .unwrap_or(first)
}

/// The user's Downloads folder, else the home folder.
pub fn default_export_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map_or_else(|| dirs.home_dir().to_path_buf(), Path::to_path_buf),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_export_is_not_overwritten() {
        let folder = tempfile::tempdir().unwrap();
        let first = free_path(folder.path(), "plumbline-a_to_b");
        assert!(first.ends_with("plumbline-a_to_b.csv"));
        std::fs::write(&first, "x").unwrap();
        assert!(free_path(folder.path(), "plumbline-a_to_b").ends_with("plumbline-a_to_b-2.csv"));
    }
}
