//! Desktop services plumbline follows or offers: the screen lock and sleep ([`session_watch`]),
//! the light or dark preference ([`appearance`]), the tray icon ([`tray`]) and the single-instance
//! remote control on the session bus ([`remote`]), both speaking the requests of [`control`],
//! notifications with answers ([`notifications`]) and the login entry ([`autostart`]). Each
//! is a seam: it reports or accepts plain requests and knows nothing of monitoring.

pub mod appearance;
pub mod autostart;
pub mod control;
pub mod notifications;
pub mod remote;
pub mod session_watch;
pub mod tray;

pub use session_watch::{BusAddresses, OnSignal, SessionSignal, watch_session};

/// A connection to the session bus at `address` (`None`: the user's own, from
/// `DBUS_SESSION_BUS_ADDRESS`); tests pass a private bus's address.
pub fn session_bus(address: Option<&str>) -> zbus::Result<zbus::blocking::Connection> {
    match address {
        Some(address) => zbus::blocking::connection::Builder::address(address)?.build(),
        None => zbus::blocking::Connection::session(),
    }
}
