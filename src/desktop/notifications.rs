//! Desktop notifications over the session bus (`org.freedesktop.Notifications`): a reminder
//! replaces the previous one instead of stacking, carries **Snooze 15 min** and **Done** where
//! the server offers actions (`GetCapabilities`), and is held back while the desktop's
//! do-not-disturb is on — the server's `Inhibited` property where it has one (KDE Plasma and
//! others), or dunst's `paused`. The answers to the actions come back as plain
//! [`NotificationAnswer`]s; this module knows nothing of monitoring.

use std::thread::JoinHandle;

use zbus::blocking::{Connection, Proxy};

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const INTERFACE: &str = "org.freedesktop.Notifications";
/// dunst's own control interface, whose `paused` is its do-not-disturb.
const DUNST_INTERFACE: &str = "org.dunstproject.cmd0";
const DUNST_PATH: &str = "/org/freedesktop/Notifications";

/// The action keys of a reminder, and their labels.
pub const ACTION_SNOOZE: &str = "snooze";
pub const ACTION_DONE: &str = "done";
pub const SNOOZE_LABEL: &str = "Snooze 15 min";
pub const DONE_LABEL: &str = "Done";
/// How long the notification's Snooze holds reminders.
pub const SNOOZE_MINUTES: u32 = 15;

/// What the user answered on a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationAnswer {
    /// "Snooze 15 min".
    Snooze,
    /// "Done": the correction or the exercise was done.
    Done,
}

/// The answer an action key stands for (`None` for the default action or unknown keys).
pub fn answer_of(action_key: &str) -> Option<NotificationAnswer> {
    match action_key {
        ACTION_SNOOZE => Some(NotificationAnswer::Snooze),
        ACTION_DONE => Some(NotificationAnswer::Done),
        _ => None,
    }
}

/// The `actions` argument of `Notify`: key, label pairs when the server shows actions.
pub fn reminder_actions(server_shows_actions: bool) -> Vec<&'static str> {
    if server_shows_actions {
        vec![ACTION_SNOOZE, SNOOZE_LABEL, ACTION_DONE, DONE_LABEL]
    } else {
        Vec::new()
    }
}

/// Why a notification could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("no session bus for notifications: {0}")]
    NoBus(#[source] zbus::Error),
    #[error("the notification service did not answer: {0}")]
    Server(#[source] zbus::Error),
}

/// What became of a reminder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Shown, with the server's id for it.
    Shown(u32),
    /// Do-not-disturb is on: not sent.
    Held,
}

/// The desktop's notification service.
pub struct NotificationServer {
    connection: Connection,
    shows_actions: bool,
}

impl NotificationServer {
    /// Connects on the session bus at `address` (`None`: the user's own) and asks what the
    /// server can do.
    pub fn connect(address: Option<&str>) -> Result<NotificationServer, NotificationError> {
        let connection = super::session_bus(address).map_err(NotificationError::NoBus)?;
        let capabilities: Vec<String> = proxy(&connection, PATH, INTERFACE)
            .and_then(|proxy| proxy.call("GetCapabilities", &()))
            .map_err(NotificationError::Server)?;
        Ok(NotificationServer {
            connection,
            shows_actions: capabilities
                .iter()
                .any(|capability| capability == "actions"),
        })
    }

    /// The server shows action buttons.
    pub fn shows_actions(&self) -> bool {
        self.shows_actions
    }

    /// Do-not-disturb is on: the server's `Inhibited` property, or dunst's `paused`; false
    /// when the server has neither.
    pub fn do_not_disturb(&self) -> bool {
        let read = |path: &str, interface: &str, name: &str| -> Option<bool> {
            proxy(&self.connection, path, interface)
                .ok()?
                .get_property::<bool>(name)
                .ok()
        };
        read(PATH, INTERFACE, "Inhibited")
            .or_else(|| read(DUNST_PATH, DUNST_INTERFACE, "paused"))
            .unwrap_or(false)
    }

    /// Shows a notification in place of notification `replaces` (0: none), with Snooze and
    /// Done when `offer_answers` (and the server shows actions), unless do-not-disturb is on.
    pub fn show(
        &self,
        title: &str,
        body: &str,
        replaces: u32,
        offer_answers: bool,
    ) -> Result<Delivery, NotificationError> {
        if self.do_not_disturb() {
            return Ok(Delivery::Held);
        }
        let hints: std::collections::HashMap<&str, zbus::zvariant::Value<'_>> =
            std::collections::HashMap::from([
                ("category", zbus::zvariant::Value::from("presence")),
                ("desktop-entry", zbus::zvariant::Value::from("plumbline")),
            ]);
        let expire_timeout_ms: i32 = -1;
        let id: u32 = proxy(&self.connection, PATH, INTERFACE)
            .and_then(|proxy| {
                proxy.call(
                    "Notify",
                    &(
                        "plumbline",
                        replaces,
                        "plumbline",
                        title,
                        body,
                        reminder_actions(offer_answers && self.shows_actions),
                        hints,
                        expire_timeout_ms,
                    ),
                )
            })
            .map_err(NotificationError::Server)?;
        Ok(Delivery::Shown(id))
    }

    /// Takes notification `id` off the screen (the reminder was answered in the window).
    pub fn withdraw(&self, id: u32) {
        if let Ok(proxy) = proxy(&self.connection, PATH, INTERFACE) {
            let _ = proxy.call::<_, _, ()>("CloseNotification", &(id,));
        }
    }

    /// Follows the answers to this connection's notifications on a thread of its own:
    /// `on_answer(id, answer)` for each action the user clicks.
    pub fn listen(
        &self,
        on_answer: impl Fn(u32, NotificationAnswer) + Send + 'static,
    ) -> std::io::Result<JoinHandle<()>> {
        let connection = self.connection.clone();
        std::thread::Builder::new()
            .name("plumbline-notification-answers".to_owned())
            .spawn(move || {
                let Ok(proxy) = proxy(&connection, PATH, INTERFACE) else {
                    return;
                };
                let Ok(signals) = proxy.receive_signal("ActionInvoked") else {
                    tracing::warn!("notification actions cannot be followed");
                    return;
                };
                for message in signals {
                    if let Ok((id, key)) = message.body().deserialize::<(u32, String)>()
                        && let Some(answer) = answer_of(&key)
                    {
                        on_answer(id, answer);
                    }
                }
            })
    }
}

/// A proxy that reads properties afresh each time (do-not-disturb changes under us).
fn proxy<'a>(
    connection: &Connection,
    path: &'a str,
    interface: &'a str,
) -> zbus::Result<Proxy<'a>> {
    zbus::blocking::proxy::Builder::new(connection)
        .destination(SERVICE)?
        .path(path)?
        .interface(interface)?
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_carry_snooze_and_done_only_where_actions_show() {
        assert_eq!(
            reminder_actions(true),
            ["snooze", "Snooze 15 min", "done", "Done"]
        );
        assert!(reminder_actions(false).is_empty());
    }

    #[test]
    fn action_keys_map_to_answers() {
        assert_eq!(answer_of("snooze"), Some(NotificationAnswer::Snooze));
        assert_eq!(answer_of("done"), Some(NotificationAnswer::Done));
        assert_eq!(answer_of("default"), None);
    }
}
