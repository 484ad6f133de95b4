//! Desktop services plumbline follows: the screen lock and sleep ([`session_watch`]). Each is
//! a seam: it reports plain signals and knows nothing of monitoring.

pub mod session_watch;

pub use session_watch::{BusAddresses, OnSignal, SessionSignal, watch_session};
