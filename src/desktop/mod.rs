//! Desktop services plumbline follows: the screen lock and sleep ([`session_watch`]) and the
//! light or dark preference ([`appearance`]). Each is a seam: it reports plain signals and
//! knows nothing of monitoring.

pub mod appearance;
pub mod session_watch;

pub use session_watch::{BusAddresses, OnSignal, SessionSignal, watch_session};
