//! Reminders as desktop notifications, against a real notification server: Debian's `dunst`
//! under Xvfb on a private `dbus-daemon --session`. A reminder replaces the previous one, offers
//! Snooze 15 min and Done (chosen through dunst's own context menu, whose `dmenu` here is a
//! script that picks the Snooze line), is withdrawn when answered in the window, and is held
//! back while dunst is paused (its do-not-disturb). The `Inhibited` property, which dunst does
//! not have, is checked against a minimal server of the test's own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/private_bus.rs"]
mod private_bus;
mod support;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plumbline::app::notify::{DesktopNotifier, NotificationAnswer, Notifier};
use plumbline::desktop::notifications::{Delivery, NotificationServer};
use private_bus::Bus;
use support::wait_until;

/// dunst on `bus`, its context menu answered by a script that picks the line with `pick`.
struct Dunst {
    daemon: Child,
    address: String,
    menu: std::path::PathBuf,
    _folder: tempfile::TempDir,
}

impl Dunst {
    fn start(bus: &Bus, pick: &str) -> Dunst {
        let folder = tempfile::tempdir().unwrap();
        let menu = folder.path().join("menu.txt");
        let config = folder.path().join("dunstrc");
        std::fs::write(
            &config,
            format!(
                "[global]\n    dmenu = /bin/sh -c \"tee {} | grep -m1 '{pick}'\"\n",
                menu.display()
            ),
        )
        .unwrap();
        let daemon = Command::new("dunst")
            .arg("-conf")
            .arg(&config)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dunst runs (Debian package dunst, installed by scripts/setup.sh --test)");
        let dunst = Dunst {
            daemon,
            address: bus.address.clone(),
            menu,
            _folder: folder,
        };
        // Asked on the bus, not with dunstctl: a call to the name before dunst owns it would
        // have the bus start a second dunst from its service file.
        let connection = bus.connect();
        let names = zbus::blocking::fdo::DBusProxy::new(&connection).unwrap();
        let name = zbus::names::BusName::try_from("org.freedesktop.Notifications").unwrap();
        wait_until(
            "dunst owns the notification name",
            Duration::from_secs(15),
            || names.name_has_owner(name.clone()).unwrap_or(false),
        );
        dunst
    }

    /// `dunstctl ARGS` on this bus: its output, if it succeeded.
    fn ctl(&self, args: &[&str]) -> Option<String> {
        let output = Command::new("dunstctl")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    fn count(&self, which: &str) -> u32 {
        self.ctl(&["count", which])
            .and_then(|count| count.parse().ok())
            .unwrap_or(u32::MAX)
    }
}

impl Drop for Dunst {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn reminders_replace_each_other_offer_answers_and_wait_while_do_not_disturb_is_on() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "this test needs a display (dunst draws): run the tests with `bash scripts/test.sh`"
    );
    let bus = Bus::start();
    let dunst = Dunst::start(&bus, "Snooze");
    let mut notifier = DesktopNotifier::on_bus(egui::Context::default(), Some(bus.address.clone()));

    // Two reminders: the second replaces the first.
    notifier.remind("Posture check", "Your head has drifted forward.");
    wait_until("the reminder shows", Duration::from_secs(10), || {
        dunst.count("displayed") == 1
    });
    notifier.remind(
        "Posture check",
        "Still forward: sit back and lengthen your neck.",
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(dunst.count("displayed"), 1, "the reminders stacked");
    assert!(notifier.failures().is_empty());

    // Answered in the window: the notification goes away.
    notifier.withdraw();
    wait_until("the reminder is withdrawn", Duration::from_secs(10), || {
        dunst.count("displayed") == 0
    });

    // Snooze chosen on the notification comes back as the answer.
    notifier.remind("Posture check", "Your shoulders are rounding forward.");
    wait_until("the next reminder shows", Duration::from_secs(10), || {
        dunst.count("displayed") == 1
    });
    dunst.ctl(&["context"]).expect("dunstctl context");
    let mut answers = Vec::new();
    wait_until("the answer comes back", Duration::from_secs(10), || {
        answers.extend(notifier.answers());
        !answers.is_empty()
    });
    assert_eq!(answers, [NotificationAnswer::Snooze]);
    let menu = std::fs::read_to_string(&dunst.menu).unwrap();
    assert!(
        menu.contains("Snooze 15 min") && menu.contains("Done"),
        "{menu}"
    );

    // Do not disturb: nothing is sent (dunst itself would queue it as "waiting").
    dunst.ctl(&["close-all"]).expect("closing what is shown");
    wait_until("nothing shows", Duration::from_secs(10), || {
        dunst.count("displayed") == 0
    });
    dunst.ctl(&["set-paused", "true"]).expect("pausing dunst");
    notifier.remind(
        "Posture check",
        "Held while you do not want to be disturbed.",
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        dunst.count("waiting"),
        0,
        "a reminder was sent during do-not-disturb"
    );
    assert!(notifier.failures().is_empty());
    dunst
        .ctl(&["set-paused", "false"])
        .expect("unpausing dunst");
    notifier.remind("Posture check", "Back to normal.");
    wait_until("reminders show again", Duration::from_secs(10), || {
        dunst.count("displayed") >= 1
    });
}

/// What the test's server was sent: replaces id, summary, actions.
type Sent = Arc<Mutex<Vec<(u32, String, Vec<String>)>>>;

/// A notification server with `Inhibited`, no actions, recording what it was sent.
struct InhibitingServer {
    inhibited: Arc<Mutex<bool>>,
    sent: Sent,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl InhibitingServer {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_owned()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        replaces_id: u32,
        _app_icon: String,
        summary: String,
        _body: String,
        actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut sent = self.sent.lock().unwrap();
        sent.push((replaces_id, summary, actions));
        7
    }

    #[zbus(property)]
    fn inhibited(&self) -> bool {
        *self.inhibited.lock().unwrap()
    }
}

#[test]
fn an_inhibited_server_gets_nothing_and_one_without_actions_gets_no_buttons() {
    let bus = Bus::start();
    let inhibited = Arc::new(Mutex::new(true));
    let sent = Arc::new(Mutex::new(Vec::new()));
    let _server = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            InhibitingServer {
                inhibited: Arc::clone(&inhibited),
                sent: Arc::clone(&sent),
            },
        )
        .unwrap()
        .build()
        .unwrap();
    let server = NotificationServer::connect(Some(&bus.address)).unwrap();
    assert!(!server.shows_actions());
    assert!(server.do_not_disturb());
    assert_eq!(
        server.show("Posture check", "held", 0, true).unwrap(),
        Delivery::Held
    );
    assert!(sent.lock().unwrap().is_empty());
    *inhibited.lock().unwrap() = false;
    assert_eq!(
        server.show("Posture check", "shown", 5, true).unwrap(),
        Delivery::Shown(7)
    );
    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, 5, "it replaces the previous reminder");
    assert!(
        sent[0].2.is_empty(),
        "buttons offered to a server without actions"
    );
}
