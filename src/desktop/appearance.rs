//! The desktop's light or dark preference, from the settings portal
//! (`org.freedesktop.portal.Settings`, key `org.freedesktop.appearance` / `color-scheme`:
//! 0 no preference, 1 dark, 2 light), read once and then followed through its
//! `SettingChanged` signal. Without a portal the answer is `None` (the app then stays dark).

use std::sync::Arc;
use std::thread::JoinHandle;

use zbus::MatchRule;
use zbus::blocking::MessageIterator;
use zbus::message::Type as MessageType;
use zbus::zvariant::{OwnedValue, Value};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SETTINGS: &str = "org.freedesktop.portal.Settings";
const NAMESPACE: &str = "org.freedesktop.appearance";
const KEY: &str = "color-scheme";

/// What the desktop prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorScheme {
    Dark,
    Light,
    /// The desktop has no preference.
    NoPreference,
}

impl ColorScheme {
    /// The portal's number for it.
    pub fn from_code(code: u32) -> ColorScheme {
        match code {
            1 => ColorScheme::Dark,
            2 => ColorScheme::Light,
            _ => ColorScheme::NoPreference,
        }
    }
}

/// The number inside a portal reply, which older portals wrap in one more variant.
fn code_of(value: &Value<'_>) -> Option<u32> {
    match value {
        Value::U32(code) => Some(*code),
        Value::Value(inner) => code_of(inner),
        _ => None,
    }
}

/// The preference now, on the session bus at `address` (`None`: the user's own). `None` when
/// there is no portal, or it does not know the key.
pub fn color_scheme(address: Option<&str>) -> Option<ColorScheme> {
    let connection = super::session_bus(address).ok()?;
    let read = |method: &str| {
        connection
            .call_method(
                Some(PORTAL),
                PORTAL_PATH,
                Some(SETTINGS),
                method,
                &(NAMESPACE, KEY),
            )
            .and_then(|reply| reply.body().deserialize::<OwnedValue>())
    };
    // `ReadOne` (portal version 2) answers the value itself; `Read` wraps it once more.
    let value = read("ReadOne").or_else(|_| read("Read")).ok()?;
    code_of(&value).map(ColorScheme::from_code)
}

/// Calls `on_change` with each new preference the portal announces, on a named thread that
/// ends when the bus goes away. `None` when the bus cannot be reached.
pub fn follow_color_scheme(
    address: Option<&str>,
    on_change: Arc<dyn Fn(ColorScheme) + Send + Sync>,
) -> Option<JoinHandle<()>> {
    let connection = super::session_bus(address).ok()?;
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface(SETTINGS)
        .and_then(|rule| rule.member("SettingChanged"))
        .map(|rule| rule.build());
    let messages = rule
        .and_then(|rule| MessageIterator::for_match_rule(rule, &connection, Some(16)))
        .ok()?;
    std::thread::Builder::new()
        .name("plumbline-appearance".to_string())
        .spawn(move || {
            for message in messages.flatten() {
                let Ok((namespace, key, value)) =
                    message.body().deserialize::<(String, String, OwnedValue)>()
                else {
                    continue;
                };
                if namespace == NAMESPACE
                    && key == KEY
                    && let Some(code) = code_of(&value)
                {
                    on_change(ColorScheme::from_code(code));
                }
            }
        })
        .ok()
}
