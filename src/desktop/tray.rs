//! The tray icon: a StatusNotifierItem (through `ksni`) whose icon colour and tooltip tell the
//! state and today's upright share, and whose menu sends [`DesktopRequest`]s (show or hide the
//! window, pause, resume, recalibrate, history, settings, quit). It knows nothing of monitoring:
//! the app hands it a [`TrayLook`] when something changes.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ksni::blocking::TrayMethods;

use super::control::{DesktopRequest, PauseLength, RequestSink};

/// The icon's colour, one per kind of state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrayMood {
    Upright,
    Drifting,
    Slouching,
    Away,
    Paused,
    Problem,
    Starting,
}

impl TrayMood {
    /// The disc's colour (RGB), the same hues as the window's state badge.
    fn rgb(self) -> [u8; 3] {
        match self {
            TrayMood::Upright => [0x3f, 0xb9, 0x7a],
            TrayMood::Drifting => [0xe8, 0xa3, 0x3d],
            TrayMood::Slouching => [0xe0, 0x5a, 0x4f],
            TrayMood::Away | TrayMood::Starting => [0x8a, 0x93, 0x9e],
            TrayMood::Paused => [0x5b, 0x8d, 0xd9],
            TrayMood::Problem => [0xb0, 0x3a, 0xc8],
        }
    }
}

/// What the tray shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayLook {
    pub mood: TrayMood,
    /// The state in a word or two ("Upright", "Paused"), the tooltip's title.
    pub title: String,
    /// The tooltip's text: how long, and today's upright share.
    pub detail: String,
    /// Monitoring is paused or snoozed: Resume is offered.
    pub paused: bool,
    /// The window is on screen: the first entry hides it.
    pub window_shown: bool,
}

impl Default for TrayLook {
    fn default() -> Self {
        TrayLook {
            mood: TrayMood::Starting,
            title: "Starting".to_owned(),
            detail: "Starting the camera and the pose engine".to_owned(),
            paused: false,
            window_shown: true,
        }
    }
}

/// The labels of the menu's entries, in order (separators left out); the tests read them back
/// over D-Bus.
pub const MENU_LABELS: [&str; 10] = [
    "Show window",
    "Pause for 30 minutes",
    "Pause for 1 hour",
    "Pause until tomorrow",
    "Resume",
    "Recalibrate…",
    "History",
    "Settings",
    "Quit",
    "Hide window",
];

struct PlumblineTray {
    look: TrayLook,
    requests: RequestSink,
}

fn item(label: &str, enabled: bool, request: DesktopRequest) -> ksni::MenuItem<PlumblineTray> {
    ksni::menu::StandardItem {
        label: label.to_owned(),
        enabled,
        activate: Box::new(move |tray: &mut PlumblineTray| (tray.requests)(request)),
        ..Default::default()
    }
    .into()
}

impl ksni::Tray for PlumblineTray {
    fn id(&self) -> String {
        "plumbline".to_owned()
    }

    fn title(&self) -> String {
        format!("plumbline: {}", self.look.title)
    }

    fn category(&self) -> ksni::Category {
        ksni::Category::ApplicationStatus
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        [22, 32, 48]
            .into_iter()
            .map(|size| icon(self.look.mood, size))
            .collect()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: format!("plumbline: {}", self.look.title),
            description: self.look.detail.clone(),
            ..Default::default()
        }
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        (self.requests)(DesktopRequest::ToggleWindow);
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        let window = if self.look.window_shown {
            MENU_LABELS[9]
        } else {
            MENU_LABELS[0]
        };
        vec![
            item(window, true, DesktopRequest::ToggleWindow),
            ksni::MenuItem::Separator,
            item(
                MENU_LABELS[1],
                true,
                DesktopRequest::Pause(PauseLength::Minutes(30)),
            ),
            item(
                MENU_LABELS[2],
                true,
                DesktopRequest::Pause(PauseLength::Minutes(60)),
            ),
            item(
                MENU_LABELS[3],
                true,
                DesktopRequest::Pause(PauseLength::UntilTomorrow),
            ),
            item(MENU_LABELS[4], self.look.paused, DesktopRequest::Resume),
            ksni::MenuItem::Separator,
            item(MENU_LABELS[5], true, DesktopRequest::Recalibrate),
            item(MENU_LABELS[6], true, DesktopRequest::OpenHistory),
            item(MENU_LABELS[7], true, DesktopRequest::OpenSettings),
            ksni::MenuItem::Separator,
            item(MENU_LABELS[8], true, DesktopRequest::Quit),
        ]
    }

    fn watcher_offline(&self, _reason: ksni::OfflineReason) -> bool {
        // Keep the item: a tray that comes (back) later picks it up, and a registration it
        // missed is redone by `TrayIcon::show`.
        true
    }
}

/// A `size`×`size` icon: a disc in the mood's colour with a light plumb line down its middle,
/// ARGB32 in network byte order.
fn icon(mood: TrayMood, size: i32) -> ksni::Icon {
    let [red, green, blue] = mood.rgb();
    let centre = (size as f32 - 1.0) / 2.0;
    let radius = size as f32 / 2.0 - 0.5;
    let line_half_width = (size as f32 / 22.0).max(1.0);
    let mut data = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (x as f32 - centre, y as f32 - centre);
            let distance = (dx * dx + dy * dy).sqrt();
            // A one-pixel soft edge.
            let coverage = (radius + 0.5 - distance).clamp(0.0, 1.0);
            let on_line = dx.abs() <= line_half_width && dy.abs() <= radius * 0.62;
            let (r, g, b) = if on_line {
                (0xf4, 0xf6, 0xf8)
            } else {
                (red, green, blue)
            };
            data.extend_from_slice(&[(coverage * 255.0).round() as u8, r, g, b]);
        }
    }
    ksni::Icon {
        width: size,
        height: size,
        data,
    }
}

/// Why there is no tray icon.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    #[error("the session bus is not available for the tray icon: {0}")]
    Bus(String),
}

/// The watcher trays register with.
const WATCHER: &str = "org.kde.StatusNotifierWatcher";
/// How often the tray thread checks that a tray still lists the icon.
const REGISTRATION_CHECK: Duration = Duration::from_secs(20);
/// How often it looks for a tray while none lists the icon.
const TRAY_SEARCH: Duration = Duration::from_secs(2);

/// Whether a tray shows the icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    /// A StatusNotifierWatcher lists the icon.
    Shown,
    /// A watcher runs but does not list the icon (it started while the icon registered).
    Missed,
    /// No watcher on the bus: no tray to show it (e.g. GNOME without AppIndicator support).
    NoTray,
}

/// The running tray icon. Its D-Bus work runs on a thread of its own, so a slow or missing
/// tray never holds up the window.
pub struct TrayIcon {
    looks: Option<mpsc::Sender<TrayLook>>,
    registration: Arc<AtomicU8>,
    worker: Option<std::thread::JoinHandle<()>>,
}

fn spawn_item(
    look: TrayLook,
    requests: RequestSink,
) -> Result<ksni::blocking::Handle<PlumblineTray>, TrayError> {
    PlumblineTray { look, requests }
        .assume_sni_available(true)
        .spawn()
        .map_err(|error| TrayError::Bus(error.to_string()))
}

impl Registration {
    fn code(self) -> u8 {
        match self {
            Registration::Shown => 0,
            Registration::Missed => 1,
            Registration::NoTray => 2,
        }
    }

    fn from_code(code: u8) -> Registration {
        match code {
            0 => Registration::Shown,
            1 => Registration::Missed,
            _ => Registration::NoTray,
        }
    }
}

impl TrayIcon {
    /// Puts the icon up on the session bus (`DBUS_SESSION_BUS_ADDRESS`). It also comes up
    /// when no tray is there yet and appears when one starts; [`TrayIcon::registration`] says
    /// whether one shows it.
    pub fn spawn(look: TrayLook, requests: RequestSink) -> Result<TrayIcon, TrayError> {
        let handle = spawn_item(look.clone(), Arc::clone(&requests))?;
        let bus = zbus::blocking::Connection::session().ok();
        let registration = Arc::new(AtomicU8::new(Registration::NoTray.code()));
        let (looks, receiver) = mpsc::channel();
        let published = Arc::clone(&registration);
        let worker = std::thread::Builder::new()
            .name("plumbline-tray".to_owned())
            .spawn(move || keep_icon(handle, look, requests, bus, &receiver, &published))
            .map_err(|error| TrayError::Bus(error.to_string()))?;
        Ok(TrayIcon {
            looks: Some(looks),
            registration,
            worker: Some(worker),
        })
    }

    /// Shows `look` (sent on only when it changed).
    pub fn show(&mut self, look: &TrayLook) {
        if let Some(looks) = &self.looks {
            let _ = looks.send(look.clone());
        }
    }

    /// Whether a tray shows the icon, as last checked (every few seconds).
    pub fn registration(&self) -> Registration {
        Registration::from_code(self.registration.load(Ordering::Relaxed))
    }
}

/// The tray thread: passes looks on, checks the registration (every [`REGISTRATION_CHECK`],
/// or [`TRAY_SEARCH`] while no tray lists the icon), and puts the icon up again when a tray
/// runs without listing it.
fn keep_icon(
    mut handle: ksni::blocking::Handle<PlumblineTray>,
    mut shown: TrayLook,
    requests: RequestSink,
    bus: Option<zbus::blocking::Connection>,
    looks: &mpsc::Receiver<TrayLook>,
    registration: &AtomicU8,
) {
    // The first check soon after start, so closing the window early already knows.
    let mut next_check = Instant::now() + Duration::from_secs(1);
    loop {
        let wait = next_check.saturating_duration_since(Instant::now());
        match looks.recv_timeout(wait) {
            Ok(look) => {
                if look != shown {
                    shown = look.clone();
                    handle.update(move |tray| tray.look = look);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let found = check_registration(bus.as_ref(), handle.is_closed());
                let before = registration.swap(found.code(), Ordering::Relaxed);
                if before != found.code() {
                    tracing::info!("tray: {found:?}");
                }
                next_check = Instant::now()
                    + match found {
                        Registration::Shown => REGISTRATION_CHECK,
                        Registration::Missed | Registration::NoTray => TRAY_SEARCH,
                    };
                if handle.is_closed() || found == Registration::Missed {
                    let _ = handle.shutdown();
                    if let Ok(fresh) = spawn_item(shown.clone(), Arc::clone(&requests)) {
                        handle = fresh;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = handle.shutdown();
                return;
            }
        }
    }
}

/// Asks the bus whether a tray lists the icon.
fn check_registration(bus: Option<&zbus::blocking::Connection>, closed: bool) -> Registration {
    let Some(bus) = bus else {
        return Registration::NoTray;
    };
    let Ok(dbus) = zbus::blocking::fdo::DBusProxy::new(bus) else {
        return Registration::NoTray;
    };
    let watcher_runs = zbus::names::BusName::try_from(WATCHER)
        .ok()
        .and_then(|name| dbus.name_has_owner(name).ok())
        .unwrap_or(false);
    if !watcher_runs || closed {
        return Registration::NoTray;
    }
    // ksni names the item org.kde.StatusNotifierItem-PID-N; watchers list it by that name
    // or by its connection's unique name, with the object path or without.
    let prefix = format!("org.kde.StatusNotifierItem-{}-", std::process::id());
    let mut ours: Vec<String> = dbus
        .list_names()
        .unwrap_or_default()
        .into_iter()
        .map(|name| name.to_string())
        .filter(|name| name.starts_with(&prefix))
        .collect();
    let owners: Vec<String> = ours
        .iter()
        .filter_map(|name| zbus::names::BusName::try_from(name.as_str()).ok())
        .filter_map(|name| dbus.get_name_owner(name).ok())
        .map(|owner| owner.to_string())
        .collect();
    ours.extend(owners);
    let listed: Vec<String> = bus
        .call_method(
            Some(WATCHER),
            "/StatusNotifierWatcher",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &(WATCHER, "RegisteredStatusNotifierItems"),
        )
        .ok()
        .and_then(|reply| {
            reply
                .body()
                .deserialize::<zbus::zvariant::OwnedValue>()
                .ok()
        })
        .and_then(|value| Vec::<String>::try_from(value).ok())
        .unwrap_or_default();
    let is_ours = |entry: &String| {
        ours.iter()
            .any(|name| entry == name || entry.starts_with(&format!("{name}/")))
    };
    if listed.iter().any(is_ours) {
        Registration::Shown
    } else {
        Registration::Missed
    }
}

impl Drop for TrayIcon {
    fn drop(&mut self) {
        // Closing the channel ends the thread, which takes the icon down.
        self.looks = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_disc_in_the_mood_colour_with_a_light_line() {
        let icon = icon(TrayMood::Slouching, 22);
        assert_eq!((icon.width, icon.height), (22, 22));
        assert_eq!(icon.data.len(), 22 * 22 * 4);
        let pixel = |x: usize, y: usize| {
            let at = (y * 22 + x) * 4;
            [
                icon.data[at],
                icon.data[at + 1],
                icon.data[at + 2],
                icon.data[at + 3],
            ]
        };
        assert_eq!(pixel(0, 0)[0], 0, "the corner is transparent");
        assert_eq!(pixel(4, 11), [255, 0xe0, 0x5a, 0x4f], "the disc is red");
        assert_eq!(pixel(11, 11)[1..], [0xf4, 0xf6, 0xf8], "the line is light");
        assert_ne!(
            super::icon(TrayMood::Upright, 22).data,
            icon.data,
            "states look different"
        );
    }

    #[test]
    fn the_menu_offers_resume_only_while_paused_and_names_the_window_entry() {
        let requests: RequestSink = Arc::new(|_| {});
        let tray = |paused, window_shown| PlumblineTray {
            look: TrayLook {
                paused,
                window_shown,
                ..TrayLook::default()
            },
            requests: Arc::clone(&requests),
        };
        let labels = |tray: &PlumblineTray| {
            ksni::Tray::menu(tray)
                .into_iter()
                .filter_map(|entry| match entry {
                    ksni::MenuItem::Standard(item) => Some((item.label, item.enabled)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let running = labels(&tray(false, true));
        assert_eq!(running[0], ("Hide window".to_owned(), true));
        assert!(running.contains(&("Resume".to_owned(), false)));
        let paused = labels(&tray(true, false));
        assert_eq!(paused[0], ("Show window".to_owned(), true));
        assert!(paused.contains(&("Resume".to_owned(), true)));
        assert_eq!(paused.len(), 9);
    }
}
