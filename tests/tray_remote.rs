//! The app in the background, with real desktop parts: the real binary under Xvfb on a private
//! `dbus-daemon --session`, with Debian's real `status-notifier-watcher`. Closing the window
//! without a tray keeps it running in view; once a tray is there the icon registers, its menu
//! has every entry, Pause pauses, closing hides the window while the history keeps growing,
//! Show brings it back and Quit quits; `plumbline status`, `pause` and `resume` talk to it, and
//! a second launch exits 0 while the first keeps running. Started hidden (`--hidden`, as the
//! login entry starts it) it stays in the tray when there is one and shows itself when not.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/private_bus.rs"]
mod private_bus;
#[path = "support/real_app.rs"]
mod real_app;
mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use plumbline::desktop::tray::MENU_LABELS;
use private_bus::Bus;
use real_app::{baseline, have, long_video, wait_for_state};
use support::wait_until;
use zbus::blocking::Connection;
use zbus::zvariant::{OwnedValue, Value};

/// A home folder and a session bus of the test's own.
struct Desktop {
    home: tempfile::TempDir,
    bus: Bus,
    watcher: Option<Child>,
}

impl Desktop {
    fn new() -> Desktop {
        let home = tempfile::tempdir().expect("tempdir");
        let config = home.path().join(".config/plumbline");
        std::fs::create_dir_all(&config).expect("config folder");
        std::fs::write(config.join("disclaimer-seen"), "").expect("first-run marker");
        std::fs::create_dir_all(home.path().join("runtime")).expect("runtime folder");
        baseline(&config, home.path());
        Desktop {
            home,
            bus: Bus::start(),
            watcher: None,
        }
    }

    /// `plumbline` with this desktop's home and session bus (set on the child only).
    fn plumbline(&self) -> Command {
        let mut command = support::plumbline();
        let home = self.home.path();
        command
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("XDG_RUNTIME_DIR", home.join("runtime"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address);
        command
    }

    /// Starts the app with `options` on `video`, its stderr kept for [`Desktop::stop_app`].
    fn start_app(&self, options: &[&str], video: &Path) -> Child {
        self.plumbline()
            .args(options)
            .arg("--source")
            .arg(video)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts")
    }

    /// Launches plumbline again with `options` while the app runs: its output and stderr.
    fn launch_again(&self, options: &[&str], video: &Path) -> (Output, String) {
        let (output, _, stderr) = support::run(
            self.plumbline()
                .args(options)
                .arg("--source")
                .arg(video)
                .stdin(Stdio::null()),
        );
        (output, stderr)
    }

    /// Ends the app after the checks in `outcome`; a failed check is raised again with the
    /// app's stderr and log. The app's stderr, which must hold no panic.
    fn stop_app(&self, mut app: Child, outcome: std::thread::Result<()>) -> String {
        let _ = app.kill();
        let output = app.wait_with_output().expect("the app stops");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if let Err(panic) = outcome {
            eprintln!("app stderr:\n{stderr}");
            eprintln!("app log:\n{}", self.log());
            std::panic::resume_unwind(panic);
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }

    fn cli(&self, args: &[&str]) -> (Output, String, String) {
        support::run(self.plumbline().args(args))
    }

    /// The state line `plumbline status` prints.
    fn status(&self) -> String {
        let (output, stdout, stderr) = self.cli(&["status"]);
        assert!(output.status.success(), "status failed: {stderr}");
        stdout.trim().to_owned()
    }

    fn start_watcher(&mut self) {
        let watcher = Command::new("status-notifier-watcher")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "status-notifier-watcher runs (Debian package haskell-status-notifier-item-utils, \
                 installed by scripts/setup.sh --test)",
            );
        self.watcher = Some(watcher);
    }

    /// The app's log file, or what is wrong with it.
    fn log(&self) -> String {
        let path = self
            .home
            .path()
            .join(".local/state/plumbline/plumbline.log");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|error| format!("{}: {error}", path.display()))
    }

    fn history_file(&self) -> PathBuf {
        self.home
            .path()
            .join(".local/share/plumbline/history.sqlite3")
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        if let Some(watcher) = &mut self.watcher {
            let _ = watcher.kill();
            let _ = watcher.wait();
        }
    }
}

/// Per-second samples written to the history so far.
fn samples_in(history: &Path) -> i64 {
    let Ok(db) =
        rusqlite::Connection::open_with_flags(history, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    db.query_row("SELECT count(*) FROM samples", [], |row| row.get(0))
        .unwrap_or(0)
}

/// The registered tray items (bus names), from the watcher.
fn registered_items(bus: &Connection) -> Vec<String> {
    let reply = bus.call_method(
        Some("org.kde.StatusNotifierWatcher"),
        "/StatusNotifierWatcher",
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &(
            "org.kde.StatusNotifierWatcher",
            "RegisteredStatusNotifierItems",
        ),
    );
    let Ok(reply) = reply else {
        return Vec::new();
    };
    let value: OwnedValue = reply.body().deserialize().expect("a variant");
    Vec::<String>::try_from(value).expect("a list of names")
}

fn property(bus: &Connection, destination: &str, path: &str, name: &str) -> OwnedValue {
    bus.call_method(
        Some(destination),
        path,
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &("org.kde.StatusNotifierItem", name),
    )
    .expect("the item answers Properties.Get")
    .body()
    .deserialize()
    .expect("a variant")
}

/// One entry of the item's dbusmenu: id, label, enabled.
#[derive(Debug)]
struct Entry {
    id: i32,
    label: String,
    enabled: bool,
}

type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

fn unwrap_variant(value: Value<'_>) -> Value<'_> {
    match value {
        Value::Value(inner) => unwrap_variant(*inner),
        other => other,
    }
}

/// The menu's entries, read with `com.canonical.dbusmenu.GetLayout` (separators left out).
fn menu_entries(bus: &Connection, destination: &str, menu: &str) -> Vec<Entry> {
    let reply = bus
        .call_method(
            Some(destination),
            menu,
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )
        .expect("the menu answers GetLayout");
    let (_revision, (_root, _properties, children)): (u32, Layout) =
        reply.body().deserialize().expect("a dbusmenu layout");
    children
        .into_iter()
        .filter_map(|child| {
            let child = unwrap_variant(Value::from(child)).try_to_owned().unwrap();
            let (id, properties, _): Layout = child.try_into().expect("a menu entry");
            let text = |key: &str| {
                properties
                    .get(key)
                    .and_then(|value| String::try_from(value.try_clone().unwrap()).ok())
            };
            if text("type").as_deref() == Some("separator") {
                return None;
            }
            let enabled = properties
                .get("enabled")
                .and_then(|value| bool::try_from(value.try_clone().unwrap()).ok())
                .unwrap_or(true);
            Some(Entry {
                id,
                label: text("label").unwrap_or_default(),
                enabled,
            })
        })
        .collect()
}

/// Clicks the entry labelled `label`, as a tray host does.
fn click(bus: &Connection, destination: &str, menu: &str, label: &str) {
    let entries = menu_entries(bus, destination, menu);
    let entry = entries
        .iter()
        .find(|entry| entry.label == label)
        .unwrap_or_else(|| panic!("no {label:?} in the menu: {entries:?}"));
    assert!(entry.enabled, "{label:?} is disabled");
    bus.call_method(
        Some(destination),
        menu,
        Some("com.canonical.dbusmenu"),
        "Event",
        &(entry.id, "clicked", Value::from(0i32), 0u32),
    )
    .expect("the menu takes the click");
}

/// Asks the window to close the way a window manager's close button does (WM_DELETE_WINDOW).
fn ask_to_close(window: u32) {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt as _, EventMask};
    let (x, _) = x11rb::connect(None).expect("the X display");
    let atom = |name: &[u8]| x.intern_atom(false, name).unwrap().reply().unwrap().atom;
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let event = ClientMessageEvent::new(
        32,
        window,
        protocols,
        [delete, x11rb::CURRENT_TIME, 0, 0, 0],
    );
    x.send_event(false, window, EventMask::NO_EVENT, event)
        .unwrap();
    x.flush().unwrap();
}

/// Whether this very window is mapped (other tests' plumbline windows may share the display).
fn window_visible(window: u32) -> bool {
    use x11rb::protocol::xproto::{ConnectionExt as _, MapState};
    let (x, _) = x11rb::connect(None).expect("the X display");
    x.get_window_attributes(window)
        .ok()
        .and_then(|cookie| cookie.reply().ok())
        .is_some_and(|attributes| attributes.map_state == MapState::VIEWABLE)
}

fn still_running(app: &mut Child) -> bool {
    app.try_wait().expect("try_wait").is_none()
}

#[test]
fn the_app_lives_in_the_tray_and_answers_its_menu_and_the_command_line() {
    assert!(
        std::env::var_os("DISPLAY").is_some() && have("xdotool"),
        "this test needs a display and xdotool: run the tests with `bash scripts/test.sh`"
    );
    let mut desktop = Desktop::new();
    let video = long_video(desktop.home.path(), 75);
    let (output, _, stderr) = desktop.cli(&["status"]);
    assert!(!output.status.success(), "status without an app succeeded");
    assert!(stderr.contains("not running"), "{stderr}");

    // Started as the login entry starts it, but with no tray: the window shows (minimised,
    // which Xvfb without a window manager leaves in view) rather than staying out of reach.
    let mut app = desktop.start_app(&["--hidden"], &video);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (window, _) = wait_for_state(&mut app, Duration::from_secs(90))
            .expect("the window showed a state within 90 s");
        let window: u32 = window.parse().expect("a window id");
        wait_until(
            "a hidden start with no tray shows the window",
            Duration::from_secs(40),
            || window_visible(window),
        );
        let title = real_app::output_of(
            Command::new("xdotool").args(["getwindowname", &window.to_string()]),
        )
        .expect("the window's title");
        let state = title.trim_start_matches("plumbline: ");
        assert!(
            desktop.status().starts_with(state),
            "{title} vs {}",
            desktop.status()
        );

        // No tray yet: closing keeps the app running, and the window is not hidden away.
        ask_to_close(window);
        std::thread::sleep(Duration::from_secs(3));
        assert!(
            still_running(&mut app),
            "closing without a tray quit the app"
        );
        assert!(
            window_visible(window),
            "the window was hidden with no tray to bring it back"
        );

        // A tray comes: the icon registers, with plumbline's menu.
        desktop.start_watcher();
        let bus = desktop.bus.connect();
        let mut items = Vec::new();
        wait_until("the tray item registers", Duration::from_secs(30), || {
            items = registered_items(&bus);
            !items.is_empty()
        });
        let item = items[0].split('/').next().unwrap().to_owned();
        assert!(
            item.contains(&format!("-{}-", app.id())),
            "{item} is not the app's"
        );
        let menu = zbus::zvariant::OwnedObjectPath::try_from(property(
            &bus,
            &item,
            "/StatusNotifierItem",
            "Menu",
        ))
        .expect("a menu path")
        .to_string();
        let tooltip = format!(
            "{:?}",
            property(&bus, &item, "/StatusNotifierItem", "ToolTip")
        );
        assert!(tooltip.contains("today"), "tooltip {tooltip}");
        let labels: Vec<String> = menu_entries(&bus, &item, &menu)
            .into_iter()
            .map(|entry| entry.label)
            .collect();
        for label in &MENU_LABELS[1..9] {
            assert!(
                labels.iter().any(|l| l == label),
                "{label} missing: {labels:?}"
            );
        }
        assert_eq!(labels[0], "Hide window");

        // Pause from the tray menu, resume from the command line.
        click(&bus, &item, &menu, "Pause for 30 minutes");
        wait_until("the tray's pause", Duration::from_secs(15), || {
            desktop.status().starts_with("Snoozed: resumes in 30 min")
        });
        let (output, stdout, stderr) = desktop.cli(&["resume"]);
        assert!(output.status.success(), "resume: {stderr}");
        assert!(stdout.contains("resumed"), "{stdout}");
        wait_until("resume", Duration::from_secs(15), || {
            !desktop.status().starts_with("Snoozed")
        });

        // A second launch brings the first forward and exits 0; the first goes on.
        let (output, stderr) = desktop.launch_again(&[], &video);
        assert!(output.status.success(), "second launch: {stderr}");
        assert!(stderr.contains("already running"), "{stderr}");
        assert!(still_running(&mut app), "the first app stopped");

        // With a tray, closing hides the window and monitoring goes on writing the history.
        let before = samples_in(&desktop.history_file());
        // Under Xvfb with no window manager, winit now and then drops a close request that
        // comes after a focus request (seen in about one run in five, cause not found): the
        // request is repeated, as a user would click again.
        let mut attempts = 0;
        wait_until("the window hides", Duration::from_secs(20), || {
            if attempts % 12 == 0 {
                ask_to_close(window);
            }
            attempts += 1;
            !window_visible(window)
        });
        assert!(still_running(&mut app), "closing quit the app");
        wait_until(
            "the history grows while hidden",
            Duration::from_secs(45),
            || samples_in(&desktop.history_file()) > before + 5,
        );
        wait_until("the menu offers Show", Duration::from_secs(10), || {
            menu_entries(&bus, &item, &menu)
                .first()
                .is_some_and(|entry| entry.label == "Show window")
        });
        // Requests are carried out while the window is hidden.
        let (output, stdout, stderr) = desktop.cli(&["pause", "1h"]);
        assert!(output.status.success(), "pause: {stderr}");
        assert_eq!(stdout.trim(), "Paused for 1 hour.");
        wait_until("the command line's pause", Duration::from_secs(15), || {
            desktop.status().starts_with("Snoozed: resumes in 1 h")
        });
        click(&bus, &item, &menu, "Show window");
        wait_until("the window shows again", Duration::from_secs(10), || {
            window_visible(window)
        });

        // Quit from the menu ends the app, cleanly.
        click(&bus, &item, &menu, "Quit");
        let started = Instant::now();
        let exit = loop {
            if let Some(status) = app.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "Quit did not end the app"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        assert!(exit.success(), "the app quit with {exit}");
        // The log file holds what happened (and stderr nothing of it, without -v).
        let log = desktop.log();
        for line in [
            "INFO plumbline 0.1.0 started, watching ",
            "INFO tray: Shown",
            "INFO asked from the tray or the command line: Pause(Minutes(30))",
            "INFO asked from the tray or the command line: Quit",
            "INFO state: ",
            "INFO plumbline quit",
        ] {
            assert!(log.contains(line), "{line:?} is not in the log:\n{log}");
        }
        let (output, _, stderr) = desktop.cli(&["pause", "30m"]);
        assert!(!output.status.success(), "pause with no app succeeded");
        assert!(stderr.contains("not running"), "{stderr}");
    }));
    let stderr = desktop.stop_app(app, outcome);
    assert!(
        !stderr.contains("INFO"),
        "without -v the log stays in its file: {stderr}"
    );
}

#[test]
fn a_login_start_stays_in_the_tray_until_asked_for() {
    assert!(
        std::env::var_os("DISPLAY").is_some() && have("xdotool"),
        "this test needs a display and xdotool: run the tests with `bash scripts/test.sh`"
    );
    let mut desktop = Desktop::new();
    let video = long_video(desktop.home.path(), 75);
    desktop.start_watcher();
    let bus = desktop.bus.connect();
    let started = Instant::now();
    let mut app = desktop.start_app(&["--hidden", "-v"], &video);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_until("the tray item registers", Duration::from_secs(60), || {
            !registered_items(&bus).is_empty()
        });
        let (window, _) = wait_for_state(&mut app, Duration::from_secs(90))
            .expect("the hidden window names a state within 90 s");
        let window: u32 = window.parse().expect("a window id");
        wait_until(
            "monitoring runs while hidden",
            Duration::from_secs(60),
            || !desktop.status().starts_with("Starting"),
        );
        // Past the time a hidden start waits for a tray, the window is still out of sight.
        while started.elapsed() < Duration::from_secs(20) {
            assert!(
                !window_visible(window),
                "the window showed in a login start"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        assert!(
            !window_visible(window),
            "the window showed in a login start"
        );

        // Logging in again while it runs (a second --hidden) leaves it in the tray.
        let (output, stderr) = desktop.launch_again(&["--hidden"], &video);
        assert!(output.status.success(), "second login start: {stderr}");
        assert!(stderr.contains("already running"), "{stderr}");
        std::thread::sleep(Duration::from_secs(2));
        assert!(
            !window_visible(window),
            "a second login start showed the window"
        );

        // Opening plumbline from the app menu brings the window up.
        let (output, stderr) = desktop.launch_again(&[], &video);
        assert!(output.status.success(), "launch: {stderr}");
        wait_until("the window shows", Duration::from_secs(15), || {
            window_visible(window)
        });
        assert!(still_running(&mut app), "the app stopped");
    }));
    let stderr = desktop.stop_app(app, outcome);
    assert!(
        stderr.contains("INFO plumbline 0.1.0 started"),
        "-v copies the log to stderr: {stderr}"
    );
}
