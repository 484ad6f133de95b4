//! One running plumbline per user, and a remote control for it over the session bus: the app
//! owns the name [`BUS_NAME`] and serves [`INTERFACE`] at [`OBJECT_PATH`]; a second launch
//! finds the name taken and asks the first to show its window, and `plumbline status`,
//! `pause` and `resume` are calls on the same interface.

use std::time::Duration;

use zbus::blocking::Connection;
use zbus::fdo::{RequestNameFlags, RequestNameReply};

use super::control::{DesktopRequest, PauseLength, RequestSink, SharedStatus, StatusReport};

/// The well-known name the running app owns on the session bus.
pub const BUS_NAME: &str = "io.github.plumbline.Plumbline";
/// Where its control object lives.
pub const OBJECT_PATH: &str = "/io/github/plumbline/Plumbline";
/// The control interface (versioned: a changed signature gets a new number).
pub const INTERFACE: &str = "io.github.plumbline.Control1";

/// How long a remote call may take before the app is called unresponsive.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the remote control could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "the session bus is not available ({0}); plumbline needs a desktop session (DBUS_SESSION_BUS_ADDRESS) to talk to its running window"
    )]
    NoBus(#[source] zbus::Error),
    #[error(
        "plumbline is not running (nothing owns {BUS_NAME} on the session bus). Start it with `plumbline`, or from the app menu."
    )]
    NotRunning,
    #[error(
        "the running plumbline did not answer ({0}). If it stays like this, quit it (or end its process) and start it again."
    )]
    NoAnswer(#[source] zbus::Error),
}

/// The object the app serves; every call is queued for the app and answered at once.
struct Control {
    requests: RequestSink,
    status: SharedStatus,
}

#[zbus::interface(name = "io.github.plumbline.Control1")]
impl Control {
    /// Shows the window and brings it to the front.
    fn show(&self) {
        (self.requests)(DesktopRequest::ShowWindow);
    }

    /// The state's machine name and a line for people.
    fn status(&self) -> (String, String) {
        let report = self.status.get();
        (report.state, report.line)
    }

    /// Pauses monitoring (camera off, no reminders) for `minutes`.
    fn pause_minutes(&self, minutes: u32) -> zbus::fdo::Result<()> {
        if minutes == 0 || minutes > super::control::MAX_PAUSE_MINUTES {
            return Err(zbus::fdo::Error::InvalidArgs(format!(
                "a pause lasts 1 to {} minutes, not {minutes}",
                super::control::MAX_PAUSE_MINUTES
            )));
        }
        (self.requests)(DesktopRequest::Pause(PauseLength::Minutes(minutes)));
        Ok(())
    }

    /// Pauses monitoring until the next local midnight.
    fn pause_until_tomorrow(&self) {
        (self.requests)(DesktopRequest::Pause(PauseLength::UntilTomorrow));
    }

    /// Ends a pause or snooze.
    fn resume(&self) {
        (self.requests)(DesktopRequest::Resume);
    }
}

/// The app's hold on the name; dropping it gives the name up.
pub struct ControlService {
    _connection: Connection,
}

/// The outcome of trying to become the one running plumbline.
pub enum Claim {
    /// This process now owns the name and serves the control interface.
    Serving(ControlService),
    /// Another plumbline owns it.
    AlreadyRunning,
}

/// Serves the control interface and claims [`BUS_NAME`] on the session bus at `address`
/// (`None`: the user's own), unless another process already has it.
pub fn claim(
    address: Option<&str>,
    requests: RequestSink,
    status: SharedStatus,
) -> Result<Claim, RemoteError> {
    let connection = super::session_bus(address).map_err(RemoteError::NoBus)?;
    connection
        .object_server()
        .at(OBJECT_PATH, Control { requests, status })
        .map_err(RemoteError::NoBus)?;
    let reply = connection.request_name_with_flags(BUS_NAME, RequestNameFlags::DoNotQueue.into());
    Ok(match reply {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
            Claim::Serving(ControlService {
                _connection: connection,
            })
        }
        // zbus reports a name owned by another connection as an error.
        Ok(RequestNameReply::Exists | RequestNameReply::InQueue) | Err(zbus::Error::NameTaken) => {
            Claim::AlreadyRunning
        }
        Err(error) => return Err(RemoteError::NoBus(error)),
    })
}

/// A connection to the running app.
pub struct Remote {
    proxy: zbus::blocking::Proxy<'static>,
}

impl Remote {
    /// Finds the running app on the session bus at `address` (`None`: the user's own).
    pub fn connect(address: Option<&str>) -> Result<Remote, RemoteError> {
        let builder = match address {
            Some(address) => zbus::blocking::connection::Builder::address(address),
            None => zbus::blocking::connection::Builder::session(),
        };
        let connection = builder
            .map(|builder| builder.method_timeout(CALL_TIMEOUT))
            .and_then(|builder| builder.build())
            .map_err(RemoteError::NoBus)?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&connection).map_err(RemoteError::NoBus)?;
        let running = zbus::names::BusName::try_from(BUS_NAME)
            .map_err(|error| RemoteError::NoBus(error.into()))
            .and_then(|name| {
                bus.name_has_owner(name)
                    .map_err(|error| RemoteError::NoBus(error.into()))
            })?;
        if !running {
            return Err(RemoteError::NotRunning);
        }
        let proxy = zbus::blocking::proxy::Builder::new(&connection)
            .destination(BUS_NAME)
            .and_then(|builder| builder.path(OBJECT_PATH))
            .and_then(|builder| builder.interface(INTERFACE))
            .map(|builder| builder.cache_properties(zbus::proxy::CacheProperties::No))
            .and_then(|builder| builder.build())
            .map_err(RemoteError::NoBus)?;
        Ok(Remote { proxy })
    }

    fn call<B, R>(&self, method: &str, body: &B) -> Result<R, RemoteError>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
        R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
    {
        self.proxy.call(method, body).map_err(|error| match error {
            zbus::Error::MethodError(ref name, _, _)
                if name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown"
                    || name.as_str() == "org.freedesktop.DBus.Error.NameHasNoOwner" =>
            {
                RemoteError::NotRunning
            }
            other => RemoteError::NoAnswer(other),
        })
    }

    pub fn show(&self) -> Result<(), RemoteError> {
        self.call("Show", &())
    }

    pub fn status(&self) -> Result<StatusReport, RemoteError> {
        let (state, line): (String, String) = self.call("Status", &())?;
        Ok(StatusReport { state, line })
    }

    pub fn pause(&self, length: PauseLength) -> Result<(), RemoteError> {
        match length {
            PauseLength::Minutes(minutes) => self.call("PauseMinutes", &(minutes,)),
            PauseLength::UntilTomorrow => self.call("PauseUntilTomorrow", &()),
        }
    }

    pub fn resume(&self) -> Result<(), RemoteError> {
        self.call("Resume", &())
    }
}
