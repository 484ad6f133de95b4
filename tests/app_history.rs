//! The History dialog on a real SQLite history made in a temporary folder through the store's
//! public API, driven headless with `egui_kittest`: the day's summary, the day picker, the
//! 7-day overview and its bars, the CSV export, and the calm messages for a missing or damaged
//! history file.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};
use plumbline::app::backend::{Backend, Command, Update};
use plumbline::app::history::StoreHistory;
use plumbline::app::notify::RecordingNotifier;
use plumbline::app::{AppPaths, PlumblineApp};
use plumbline::store::calendar::{MS_PER_HOUR, MS_PER_MIN, MS_PER_S};
use plumbline::store::{Date, EventKind, Sample, State, Store, StoreOptions, StoredEvent, Zone};

/// A pipeline that never says anything: the History dialog does not need it.
struct Silent;

impl Backend for Silent {
    fn send(&mut self, _command: Command) {}

    fn try_recv(&mut self) -> Option<Update> {
        None
    }
}

const ZONE: Zone = Zone::UTC;

/// "Today" in these tests: Saturday 2026-03-14.
fn today() -> Date {
    Date::new(2026, 3, 14).unwrap()
}

/// UTC ms of `h:m` on `date`.
fn at(date: Date, h: i64, m: i64) -> i64 {
    ZONE.day_start_ms(date) + h * MS_PER_HOUR + m * MS_PER_MIN
}

/// One sample per second of `state` for `[from, to)`.
fn run_of(from: i64, to: i64, state: State, fh: f32) -> Vec<Sample> {
    (from..to)
        .step_by(MS_PER_S as usize)
        .map(|time_ms| Sample {
            time_ms,
            state,
            forward_head_dev_deg: Some(fh),
            rounded_shoulder_dev_deg: Some(fh / 2.0),
            confidence: 0.9,
        })
        .collect()
}

/// Today: 09:00-09:30 upright, 09:30-09:45 slouching, 09:45-10:00 upright (75% upright), two
/// prompts and a break. Thursday the 12th: half an hour upright. Friday the 13th: nothing.
fn write_history(path: &Path) {
    let mut store = Store::open(path, &StoreOptions::default()).unwrap().store;
    let day = today();
    let mut samples = run_of(at(day, 9, 0), at(day, 9, 30), State::Upright, 2.0);
    samples.extend(run_of(
        at(day, 9, 30),
        at(day, 9, 45),
        State::Slouching,
        16.0,
    ));
    samples.extend(run_of(at(day, 9, 45), at(day, 10, 0), State::Upright, 1.0));
    let thursday = day.add_days(-2);
    samples.extend(run_of(
        at(thursday, 14, 0),
        at(thursday, 14, 30),
        State::Upright,
        1.5,
    ));
    let events = vec![
        StoredEvent::new(at(day, 9, 31), EventKind::Prompt)
            .with("fault", "forward_head")
            .with("reason", "Head 16° forward of your baseline for 31 s"),
        StoredEvent::new(at(day, 9, 40), EventKind::Prompt).with("fault", "forward_head"),
        StoredEvent::new(at(day, 9, 50), EventKind::Break).with("source", "away"),
    ];
    store.write(&samples, &events, None).unwrap();
}

/// The app over the history in `db`, with its files (and exports) in `folder`.
fn app(folder: &Path, db: &Path) -> Harness<'static, PlumblineApp> {
    let paths = AppPaths::in_folder(folder);
    std::fs::write(paths.first_run_marker.as_ref().unwrap(), "seen\n").unwrap();
    let app = PlumblineApp::new(
        Box::new(Silent),
        paths.load_settings(),
        paths,
        Box::new(RecordingNotifier::default()),
    )
    .with_history(Box::new(StoreHistory::at(db, ZONE).with_today(today())));
    Harness::builder()
        .with_size([1100.0, 800.0])
        // The scroll bar fades in over a few frames when the pointer is over it.
        .with_max_steps(12)
        .build_ui_state(
            |ui, app: &mut PlumblineApp| {
                app.poll(ui.ctx());
                app.show(ui);
            },
            app,
        )
}

fn shows(harness: &Harness<'_, PlumblineApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn shows_exactly(harness: &Harness<'_, PlumblineApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

/// Moves the pointer onto the widget labelled `label`, then clicks it, as a person would (a
/// click without hovering first does not reach the buttons of a freshly opened dialog).
fn click(harness: &mut Harness<'_, PlumblineApp>, label: &str) {
    harness.get_by_label(label).hover();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

/// [`click`] on the button whose label contains `text` (its hover text says the same).
fn click_contains(harness: &mut Harness<'_, PlumblineApp>, text: &str) {
    let button = || By::new().label_contains(text).role(Role::Button);
    harness.get(button()).hover();
    harness.run();
    harness.get(button()).click();
    harness.run();
}

/// Steps frames until `text` shows (the export runs on its own thread), at most ten seconds.
fn wait_for(harness: &mut Harness<'_, PlumblineApp>, text: &str) {
    for _ in 0..1000 {
        harness.step();
        if shows(harness, text) {
            harness.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{text:?} did not show");
}

fn csv_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_history_shows_a_day_the_day_before_the_overview_and_exports_csv() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("history.sqlite3");
    write_history(&db);
    let mut harness = app(folder.path(), &db);
    harness.run();
    click(&mut harness, "History");

    assert!(shows(&harness, "Saturday 14 March 2026"));
    assert!(shows_exactly(&harness, "Upright"));
    assert!(shows_exactly(&harness, "75%"), "upright share");
    assert!(shows_exactly(&harness, "Prompts"));
    assert!(shows_exactly(&harness, "2"), "two prompts");
    assert!(shows_exactly(&harness, "1 h"), "present time");
    assert!(shows(&harness, "15 min (09:30–09:45)"), "longest slouch");
    assert!(shows(&harness, "09:00 (25% slouching)"), "worst hour");
    // The band's legend names every colour.
    for word in ["Slouching", "Away", "Paused", "No camera"] {
        assert!(shows_exactly(&harness, word), "{word}");
    }

    click(&mut harness, "Previous day");
    assert!(shows(&harness, "Friday 13 March 2026"));
    assert!(shows(&harness, "Nothing was recorded on this day."));
    assert!(!shows_exactly(&harness, "75%"));

    click(&mut harness, "7 days");
    assert!(shows(
        &harness,
        "Saturday 7 March 2026 to Friday 13 March 2026"
    ));
    assert!(shows(
        &harness,
        "Thursday 12 March 2026: 30 min at the desk, 100% upright, 0 prompts, 0 breaks"
    ));
    assert!(shows(
        &harness,
        "Friday 13 March 2026: no time at the desk recorded"
    ));
    // Previous and Next move the overview by its length.
    click(&mut harness, "Previous 7 days");
    assert!(shows(
        &harness,
        "Saturday 28 February 2026 to Friday 6 March 2026"
    ));
    click(&mut harness, "Next 7 days");
    assert!(shows(
        &harness,
        "Saturday 7 March 2026 to Friday 13 March 2026"
    ));

    click(&mut harness, "Export CSV…");
    wait_for(&mut harness, "Saved");
    let files = csv_files(folder.path());
    let expected = folder.path().join("plumbline-2026-03-07_to_2026-03-13.csv");
    assert_eq!(files, std::slice::from_ref(&expected));
    let text = std::fs::read_to_string(&expected).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "record,time_ms,local_time,state,seconds,forward_head_dev_deg,\
             rounded_shoulder_dev_deg,confidence,kind,detail"
        )
    );
    assert_eq!(
        lines.count(),
        30 * 60,
        "Thursday's half hour, one row a second"
    );
    assert!(shows(&harness, "Saved"));
    assert!(shows(&harness, "plumbline-2026-03-07_to_2026-03-13.csv"));

    // A bar opens its day.
    click_contains(&mut harness, "Thursday 12 March 2026: 30 min");
    assert!(shows(&harness, "Thursday 12 March 2026"));
    assert!(shows_exactly(&harness, "100%"));

    click(&mut harness, "Today");
    assert!(shows_exactly(&harness, "75%"));
    click(&mut harness, "Export CSV…");
    wait_for(&mut harness, "Saved");
    assert!(
        folder
            .path()
            .join("plumbline-2026-03-14_to_2026-03-14.csv")
            .exists()
    );

    click(&mut harness, "Close");
    assert!(!shows(&harness, "Saturday 14 March 2026"));
}

#[test]
fn without_a_history_file_the_dialog_says_so_calmly() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = app(folder.path(), &folder.path().join("missing.sqlite3"));
    harness.run();
    click(&mut harness, "History");
    assert!(shows(&harness, "No history yet"));
    click(&mut harness, "30 days");
    assert!(shows(&harness, "No history yet"));
    click(&mut harness, "Export CSV…");
    wait_for(&mut harness, "There is no history to export yet.");
    assert!(csv_files(folder.path()).is_empty());
}

#[test]
fn a_damaged_history_file_shows_the_stores_message() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("history.sqlite3");
    std::fs::write(&db, vec![b'x'; 4096]).unwrap();
    let mut harness = app(folder.path(), &db);
    harness.run();
    click(&mut harness, "History");
    assert!(shows(&harness, "The history could not be read"));
    assert!(shows(&harness, "is damaged"));
    // Read-only: the file is left where it was.
    assert!(db.exists());
}

#[test]
fn an_open_view_of_today_keeps_up_with_the_day() {
    use plumbline::app::history::{HistoryPanel, TODAY_REFRESH_S};
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("history.sqlite3");
    write_history(&db);
    let mut source = StoreHistory::at(&db, ZONE).with_today(today());
    let mut panel = HistoryPanel::open(&mut source);
    let upright = |panel: &HistoryPanel| match &panel.day {
        Some(Ok(view)) => view.summary.durations.get(State::Upright),
        other => panic!("{:?}", other.as_ref().map(|_| ())),
    };
    let before = upright(&panel);
    // Ten more minutes are recorded while the view is open.
    let mut store = Store::open(&db, &StoreOptions::default()).unwrap().store;
    store
        .write(
            &run_of(at(today(), 10, 0), at(today(), 10, 10), State::Upright, 1.0),
            &[],
            None,
        )
        .unwrap();
    assert!(
        !panel.refresh_if_due(&mut source, 100.0),
        "the first call only starts the clock"
    );
    assert!(!panel.refresh_if_due(&mut source, 100.0 + TODAY_REFRESH_S - 1.0));
    assert_eq!(upright(&panel), before);
    assert!(panel.refresh_if_due(&mut source, 100.0 + TODAY_REFRESH_S));
    assert_eq!(upright(&panel), before + 10 * MS_PER_MIN);
    // Another day shown: not reloaded.
    panel.date = today().add_days(-2);
    panel.day = None;
    assert!(!panel.refresh_if_due(&mut source, 1_000.0));
    assert!(panel.day.is_none());
}
