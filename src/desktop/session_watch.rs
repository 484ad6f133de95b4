//! The user's session as the desktop reports it: the screen locked or unlocked (logind's
//! `LockedHint` on the system bus, the screen saver's `ActiveChanged` on the session bus) and
//! the machine about to sleep or awake again (logind's `PrepareForSleep`). Each source is
//! watched on its own named thread; a missing bus or service only costs a log line.

use std::collections::HashMap;
use std::sync::Arc;
use std::thread::JoinHandle;

use zbus::MatchRule;
use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type as MessageType;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

/// What the desktop said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionSignal {
    /// The screen locked (or the screen saver came on).
    Locked,
    /// The screen unlocked.
    Unlocked,
    /// The machine is about to suspend or hibernate.
    Sleeping,
    /// The machine woke up.
    Awake,
}

/// Which buses to watch. `None` is the user's own bus (`DBUS_SYSTEM_BUS_ADDRESS` /
/// `DBUS_SESSION_BUS_ADDRESS`, or the standard places); tests give private ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BusAddresses {
    pub system: Option<String>,
    pub session: Option<String>,
}

const LOGIN1: &str = "org.freedesktop.login1";
const LOGIN1_PATH: &str = "/org/freedesktop/login1";
const LOGIN1_MANAGER: &str = "org.freedesktop.login1.Manager";
const LOGIN1_SESSION: &str = "org.freedesktop.login1.Session";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
/// Screen savers that announce `ActiveChanged(bool)`: the freedesktop one (KDE, Xfce,
/// Cinnamon, MATE) and GNOME's.
const SCREEN_SAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];

/// A callback for signals, called on the watcher threads.
pub type OnSignal = Arc<dyn Fn(SessionSignal) + Send + Sync>;

/// Starts watching; returns the threads that started (they end when their bus goes away).
/// Sources that are not there are logged and skipped; every signal is logged.
pub fn watch_session(addresses: &BusAddresses, on_signal: OnSignal) -> Vec<JoinHandle<()>> {
    let report = on_signal;
    let on_signal: OnSignal = Arc::new(move |signal| {
        tracing::info!("desktop: {signal:?}");
        report(signal);
    });
    let mut threads = Vec::new();
    match connect(addresses.system.as_deref(), true) {
        Ok(system) => {
            threads.extend(spawn("plumbline-sleep-watch", {
                let (system, on_signal) = (system.clone(), Arc::clone(&on_signal));
                move || watch_sleep(&system, &on_signal)
            }));
            threads.extend(spawn("plumbline-lock-watch", {
                let on_signal = Arc::clone(&on_signal);
                move || watch_locked_hint(&system, &on_signal)
            }));
        }
        Err(error) => tracing::warn!(
            "the system bus is not available ({error}); sleep and screen lock are not followed through logind"
        ),
    }
    match connect(addresses.session.as_deref(), false) {
        Ok(session) => threads.extend(spawn("plumbline-screensaver-watch", move || {
            watch_screen_saver(&session, &on_signal)
        })),
        Err(error) => tracing::warn!(
            "the session bus is not available ({error}); the screen saver is not followed"
        ),
    }
    threads
}

fn connect(address: Option<&str>, system: bool) -> zbus::Result<Connection> {
    match (address, system) {
        (Some(address), _) => zbus::blocking::connection::Builder::address(address)?.build(),
        (None, true) => Connection::system(),
        (None, false) => Connection::session(),
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Option<JoinHandle<()>> {
    match std::thread::Builder::new()
        .name(name.to_string())
        .spawn(body)
    {
        Ok(handle) => Some(handle),
        Err(error) => {
            tracing::warn!("could not start {name}: {error}");
            None
        }
    }
}

fn signals(
    connection: &Connection,
    rule: zbus::Result<MatchRule<'static>>,
) -> Option<MessageIterator> {
    let subscribed =
        rule.and_then(|rule| MessageIterator::for_match_rule(rule, connection, Some(64)));
    match subscribed {
        Ok(iterator) => Some(iterator),
        Err(error) => {
            tracing::warn!("could not subscribe to desktop signals: {error}");
            None
        }
    }
}

fn watch_sleep(system: &Connection, on_signal: &OnSignal) {
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface(LOGIN1_MANAGER)
        .and_then(|rule| rule.member("PrepareForSleep"))
        .map(|rule| rule.build());
    let Some(messages) = signals(system, rule) else {
        return;
    };
    for message in messages.flatten() {
        if let Ok(going_to_sleep) = message.body().deserialize::<bool>() {
            on_signal(if going_to_sleep {
                SessionSignal::Sleeping
            } else {
                SessionSignal::Awake
            });
        }
    }
}

/// logind's object for this process's session: by our process id, else by `XDG_SESSION_ID`.
fn own_session(system: &Connection) -> zbus::Result<OwnedObjectPath> {
    let by_pid = system
        .call_method(
            Some(LOGIN1),
            LOGIN1_PATH,
            Some(LOGIN1_MANAGER),
            "GetSessionByPID",
            &(std::process::id()),
        )
        .and_then(|reply| reply.body().deserialize::<OwnedObjectPath>());
    match (by_pid, std::env::var("XDG_SESSION_ID")) {
        (Ok(path), _) => Ok(path),
        (Err(_), Ok(id)) => system
            .call_method(
                Some(LOGIN1),
                LOGIN1_PATH,
                Some(LOGIN1_MANAGER),
                "GetSession",
                &(id.as_str()),
            )
            .and_then(|reply| reply.body().deserialize::<OwnedObjectPath>()),
        (Err(error), Err(_)) => Err(error),
    }
}

fn watch_locked_hint(system: &Connection, on_signal: &OnSignal) {
    let session = match own_session(system) {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!(
                "logind does not know this session ({error}); the screen lock is followed through the screen saver only"
            );
            return;
        }
    };
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface(PROPERTIES)
        .and_then(|rule| rule.member("PropertiesChanged"))
        .and_then(|rule| rule.path(session.into_inner()))
        .and_then(|rule| rule.arg(0, LOGIN1_SESSION))
        .map(|rule| rule.build().to_owned());
    let Some(messages) = signals(system, rule) else {
        return;
    };
    for message in messages.flatten() {
        let Ok((_, changed, _)) = message
            .body()
            .deserialize::<(String, HashMap<String, OwnedValue>, Vec<String>)>()
        else {
            continue;
        };
        if let Some(locked) = changed
            .get("LockedHint")
            .and_then(|value| bool::try_from(value).ok())
        {
            on_signal(if locked {
                SessionSignal::Locked
            } else {
                SessionSignal::Unlocked
            });
        }
    }
}

fn watch_screen_saver(session: &Connection, on_signal: &OnSignal) {
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .member("ActiveChanged")
        .map(|rule| rule.build());
    let Some(messages) = signals(session, rule) else {
        return;
    };
    for message in messages.flatten() {
        let header = message.header();
        let from_a_screen_saver = header
            .interface()
            .is_some_and(|interface| SCREEN_SAVERS.contains(&interface.as_str()));
        if !from_a_screen_saver {
            continue;
        }
        if let Ok(active) = message.body().deserialize::<bool>() {
            on_signal(if active {
                SessionSignal::Locked
            } else {
                SessionSignal::Unlocked
            });
        }
    }
}
