//! Desktop notifications for prompts that arrive while the window is not in front. Sending one
//! talks to the session bus, which can block, so it happens on a short-lived named thread; a
//! failure (no session bus, no notification daemon) comes back over a channel and the app asks
//! for the window's attention instead. Tests use a notifier that only records.

use std::sync::mpsc;

/// Sends notifications and reports the ones that could not be shown.
pub trait Notifier: Send {
    /// Shows a notification, without blocking the UI.
    fn notify(&mut self, title: &str, body: &str);
    /// The errors of notifications that failed since the last call.
    fn failures(&mut self) -> Vec<String>;
}

/// The real notifier (freedesktop notifications over D-Bus, pure Rust).
pub struct DesktopNotifier {
    ctx: egui::Context,
    sender: mpsc::Sender<String>,
    receiver: mpsc::Receiver<String>,
}

impl DesktopNotifier {
    /// A notifier that wakes the UI through `ctx` when a notification fails.
    pub fn new(ctx: egui::Context) -> DesktopNotifier {
        let (sender, receiver) = mpsc::channel();
        DesktopNotifier {
            ctx,
            sender,
            receiver,
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&mut self, title: &str, body: &str) {
        let (title, body) = (title.to_owned(), body.to_owned());
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("notification".to_owned())
            .spawn(move || {
                let shown = notify_rust::Notification::new()
                    .appname("plumbline")
                    .summary(&title)
                    .body(&body)
                    .show();
                if let Err(error) = shown {
                    tracing::warn!("the desktop notification could not be shown: {error}");
                    let _ = sender.send(error.to_string());
                    ctx.request_repaint();
                }
            });
        if let Err(error) = spawned {
            let _ = self
                .sender
                .send(format!("could not start the notification thread: {error}"));
        }
    }

    fn failures(&mut self) -> Vec<String> {
        self.receiver.try_iter().collect()
    }
}

/// A notifier that shows nothing and records what it was asked (for tests and previews). `fail` makes every notification fail, as without a notification daemon.
#[derive(Clone, Debug, Default)]
pub struct RecordingNotifier {
    pub sent: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    pub fail: bool,
    pending_failures: usize,
}

impl RecordingNotifier {
    /// A recorder whose notifications all fail when `fail` is set.
    pub fn new(fail: bool) -> RecordingNotifier {
        RecordingNotifier {
            fail,
            ..RecordingNotifier::default()
        }
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&mut self, title: &str, body: &str) {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push((title.to_owned(), body.to_owned()));
        }
        if self.fail {
            self.pending_failures += 1;
        }
    }

    fn failures(&mut self) -> Vec<String> {
        let count = std::mem::take(&mut self.pending_failures);
        vec!["no notification service".to_owned(); count]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_session_bus_a_notification_fails_quietly() {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
            return; // A real desktop would show it; nothing to check here.
        }
        let mut notifier = DesktopNotifier::new(egui::Context::default());
        notifier.notify(
            "Posture check",
            "Head 12° forward of your baseline for 45 s.",
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut failures = Vec::new();
        while failures.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
            failures = notifier.failures();
        }
        assert_eq!(failures.len(), 1, "the failure comes back for the fallback");
    }
}
