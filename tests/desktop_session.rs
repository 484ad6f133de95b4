//! Screen lock and sleep through real D-Bus: two private `dbus-daemon`s (one stands in for
//! the system bus), a stand-in logind and screen saver on them, and plumbline's real watcher
//! driving the real pipeline on a camera that records when it is open. Locking or sleeping
//! releases the camera and pauses with the reason; unlocking or waking reopens it.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/private_bus.rs"]
mod private_bus;
mod support;
#[path = "support/watched_camera.rs"]
mod watched_camera;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use plumbline::desktop::{BusAddresses, watch_session};
use plumbline::monitor::{HoldReason, MonitorState, Status};
use plumbline::pipeline::{LiveInput, PipelineCommand, PipelineMessage, spawn};
use plumbline::wiring::command_for;
use private_bus::Bus;
use watched_camera::WatchedCamera;
use zbus::zvariant::{OwnedObjectPath, Value};

const SESSION_PATH: &str = "/org/freedesktop/login1/session/c1";

/// The part of logind's manager the watcher asks.
struct StandInLogind;

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl StandInLogind {
    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, _pid: u32) -> OwnedObjectPath {
        OwnedObjectPath::try_from(SESSION_PATH).expect("a path")
    }
}

/// Waits up to `limit` for `check` on the latest status; returns how long it took.
fn wait_for(
    receiver: &mpsc::Receiver<PipelineMessage>,
    latest: &mut Option<Status>,
    limit: Duration,
    what: &str,
    check: impl Fn(&Status) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        while let Ok(message) = receiver.try_recv() {
            if let PipelineMessage::Step { output, .. } = message {
                *latest = Some(output.status);
            }
        }
        if latest.as_ref().is_some_and(&check) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{what}: not within {limit:?}; last status {latest:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn locking_and_sleeping_release_the_camera_and_unlocking_and_waking_bring_it_back() {
    let system_bus = Bus::start();
    let session_bus = Bus::start();
    let logind = zbus::blocking::connection::Builder::address(system_bus.address.as_str())
        .expect("address")
        .name("org.freedesktop.login1")
        .expect("name")
        .serve_at("/org/freedesktop/login1", StandInLogind)
        .expect("serves")
        .build()
        .expect("stand-in logind");
    let screen_saver = session_bus.connect();

    let portrait = watched_camera::portrait();
    let session = watched_camera::portrait_session();
    let open = Arc::new(AtomicBool::new(false));
    let opens = Arc::new(AtomicUsize::new(0));
    let device = WatchedCamera {
        portrait,
        open: Arc::clone(&open),
        opens: Arc::clone(&opens),
        node: None,
        held: None,
    };
    let (sender, receiver) = mpsc::channel();
    let handle = spawn(
        LiveInput::Device(Box::new(device)),
        session,
        move |message| {
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");

    // The real watcher, on the private buses, feeding the pipeline.
    let commands = Mutex::new(handle.command_sender());
    let threads = watch_session(
        &BusAddresses {
            system: Some(system_bus.address.clone()),
            session: Some(session_bus.address.clone()),
        },
        Arc::new(move |signal| {
            let _ = commands
                .lock()
                .expect("lock")
                .send(PipelineCommand::Session(command_for(signal)));
        }),
    );
    assert_eq!(threads.len(), 3, "sleep, lock and screen-saver watchers");

    let mut latest = None;
    let limit = Duration::from_secs(10);
    wait_for(&receiver, &mut latest, limit, "monitoring", |s| {
        s.state == MonitorState::Upright
    });
    assert!(open.load(Ordering::SeqCst));
    // Let the watchers subscribe before the first signal.
    std::thread::sleep(Duration::from_millis(500));

    let released = |what: &str| {
        let started = Instant::now();
        while open.load(Ordering::SeqCst) {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{what}: the camera is still open"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    let held_by = |reason: HoldReason| {
        move |s: &Status| s.state == MonitorState::Paused && s.held_by == Some(reason)
    };
    let monitoring = |s: &Status| s.state != MonitorState::Paused && s.held_by.is_none();

    // logind: the session's LockedHint.
    let locked_hint = |locked: bool| {
        let changed = std::collections::HashMap::from([("LockedHint", Value::from(locked))]);
        logind
            .emit_signal(
                None::<&str>,
                SESSION_PATH,
                "org.freedesktop.DBus.Properties",
                "PropertiesChanged",
                &(
                    "org.freedesktop.login1.Session",
                    changed,
                    Vec::<String>::new(),
                ),
            )
            .expect("signal sent");
    };
    locked_hint(true);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "paused on lock",
        held_by(HoldReason::ScreenLocked),
    );
    released("locked");
    let opens_before = opens.load(Ordering::SeqCst);
    locked_hint(false);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "monitoring on unlock",
        monitoring,
    );
    let started = Instant::now();
    while !(open.load(Ordering::SeqCst) && opens.load(Ordering::SeqCst) > opens_before) {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the camera did not reopen after unlock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    // The screen saver on the session bus.
    let screen_saver_active = |active: bool| {
        screen_saver
            .emit_signal(
                None::<&str>,
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver",
                "ActiveChanged",
                &(active),
            )
            .expect("signal sent");
    };
    screen_saver_active(true);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "paused by the screen saver",
        held_by(HoldReason::ScreenLocked),
    );
    released("screen saver");
    screen_saver_active(false);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "monitoring again",
        monitoring,
    );

    // logind: sleep and wake.
    let prepare_for_sleep = |sleeping: bool| {
        logind
            .emit_signal(
                None::<&str>,
                "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager",
                "PrepareForSleep",
                &(sleeping),
            )
            .expect("signal sent");
    };
    prepare_for_sleep(true);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "paused for sleep",
        held_by(HoldReason::Asleep),
    );
    released("asleep");
    // The user's own pause outlasts the wake-up.
    handle.send(PipelineCommand::Session(
        plumbline::pipeline::SessionCommand::Pause,
    ));
    prepare_for_sleep(false);
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "still paused by the user",
        |s| s.state == MonitorState::Paused && s.held_by.is_none(),
    );
    assert!(!open.load(Ordering::SeqCst));
    handle.send(PipelineCommand::Session(
        plumbline::pipeline::SessionCommand::Resume,
    ));
    wait_for(
        &receiver,
        &mut latest,
        limit,
        "resumed by the user",
        monitoring,
    );
    handle.shutdown();
}

#[test]
fn without_the_buses_the_watcher_starts_nothing_and_says_so() {
    let threads = watch_session(
        &BusAddresses {
            system: Some("unix:path=/nonexistent/system_bus_socket".to_string()),
            session: Some("unix:path=/nonexistent/session_bus_socket".to_string()),
        },
        Arc::new(|_| {}),
    );
    assert!(threads.is_empty());
}

/// The part of the settings portal the appearance reader asks; `read_one` false makes it an
/// older portal with only `Read` (which wraps the value in one more variant).
struct StandInPortal {
    scheme: u32,
    read_one: bool,
}

#[zbus::interface(name = "org.freedesktop.portal.Settings")]
impl StandInPortal {
    #[zbus(name = "ReadOne")]
    fn read_one(
        &self,
        namespace: &str,
        key: &str,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedValue> {
        if !self.read_one {
            return Err(zbus::fdo::Error::UnknownMethod("ReadOne".into()));
        }
        assert_eq!(
            (namespace, key),
            ("org.freedesktop.appearance", "color-scheme")
        );
        Ok(Value::from(self.scheme).try_into().expect("a value"))
    }

    #[zbus(name = "Read")]
    fn read(&self, namespace: &str, key: &str) -> zbus::zvariant::OwnedValue {
        assert_eq!(
            (namespace, key),
            ("org.freedesktop.appearance", "color-scheme")
        );
        Value::Value(Box::new(Value::from(self.scheme)))
            .try_into()
            .expect("a value")
    }
}

#[test]
fn the_light_or_dark_preference_comes_from_the_settings_portal_and_is_followed() {
    use plumbline::desktop::appearance::{ColorScheme, color_scheme, follow_color_scheme};
    let bus = Bus::start();
    // No portal: no answer (the app stays dark).
    assert_eq!(color_scheme(Some(&bus.address)), None);
    let portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .expect("address")
        .name("org.freedesktop.portal.Desktop")
        .expect("name")
        .serve_at(
            "/org/freedesktop/portal/desktop",
            StandInPortal {
                scheme: 2,
                read_one: true,
            },
        )
        .expect("serves")
        .build()
        .expect("stand-in portal");
    assert_eq!(color_scheme(Some(&bus.address)), Some(ColorScheme::Light));

    // A change is followed.
    let (sender, receiver) = mpsc::channel();
    let sender = Mutex::new(sender);
    follow_color_scheme(
        Some(&bus.address),
        Arc::new(move |scheme| {
            let _ = sender.lock().expect("lock").send(scheme);
        }),
    )
    .expect("follows");
    std::thread::sleep(Duration::from_millis(300));
    portal
        .emit_signal(
            None::<&str>,
            "/org/freedesktop/portal/desktop",
            "org.freedesktop.portal.Settings",
            "SettingChanged",
            &(
                "org.freedesktop.appearance",
                "color-scheme",
                Value::from(1u32),
            ),
        )
        .expect("signal sent");
    assert_eq!(
        receiver.recv_timeout(Duration::from_secs(5)),
        Ok(ColorScheme::Dark)
    );
    drop(portal);

    // An older portal with only Read.
    let bus = Bus::start();
    let _old = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .expect("address")
        .name("org.freedesktop.portal.Desktop")
        .expect("name")
        .serve_at(
            "/org/freedesktop/portal/desktop",
            StandInPortal {
                scheme: 1,
                read_one: false,
            },
        )
        .expect("serves")
        .build()
        .expect("stand-in portal");
    assert_eq!(color_scheme(Some(&bus.address)), Some(ColorScheme::Dark));
}
