//! Desktop notifications for prompts that arrive while the window is not in front. Talking to
//! the session bus can block, so one named worker thread does it, in order; a failure (no
//! session bus, no notification daemon) comes back over a channel and the app asks for the
//! window's attention instead. A reminder replaces the previous one, offers Snooze and Done
//! where the desktop shows actions, and waits in the window while do-not-disturb is on
//! (`desktop::notifications`). Tests use a notifier that only records.

use std::sync::mpsc;

pub use crate::desktop::notifications::NotificationAnswer;
use crate::desktop::notifications::{Delivery, NotificationServer};

/// Sends notifications and reports the ones that could not be shown.
pub trait Notifier: Send {
    /// Shows a notice (no answers offered), without blocking the UI.
    fn notify(&mut self, title: &str, body: &str);
    /// Shows a reminder in place of the previous one, with Snooze and Done where the desktop
    /// shows actions. By default, a notice.
    fn remind(&mut self, title: &str, body: &str) {
        self.notify(title, body);
    }
    /// Takes the current reminder off the screen (it was answered in the window).
    fn withdraw(&mut self) {}
    /// The errors of notifications that failed since the last call.
    fn failures(&mut self) -> Vec<String>;
    /// What the user answered on reminders since the last call.
    fn answers(&mut self) -> Vec<NotificationAnswer> {
        Vec::new()
    }
}

/// What the worker thread is asked to do.
enum Job {
    Show {
        title: String,
        body: String,
        reminder: bool,
    },
    Withdraw,
}

/// The real notifier (freedesktop notifications over D-Bus, pure Rust).
pub struct DesktopNotifier {
    jobs: Option<mpsc::Sender<Job>>,
    failures: mpsc::Receiver<String>,
    answers: mpsc::Receiver<NotificationAnswer>,
}

impl DesktopNotifier {
    /// A notifier on the user's session bus that wakes the UI through `ctx` when a
    /// notification fails or is answered.
    pub fn new(ctx: egui::Context) -> DesktopNotifier {
        DesktopNotifier::on_bus(ctx, None)
    }

    /// The same on the session bus at `address` (for tests).
    pub fn on_bus(ctx: egui::Context, address: Option<String>) -> DesktopNotifier {
        let (jobs, job_receiver) = mpsc::channel();
        let (failure_sender, failures) = mpsc::channel();
        let (answer_sender, answers) = mpsc::channel();
        let failed = failure_sender.clone();
        let spawned = std::thread::Builder::new()
            .name("plumbline-notifications".to_owned())
            .spawn(move || {
                deliver(
                    &job_receiver,
                    address.as_deref(),
                    &ctx,
                    &failure_sender,
                    &answer_sender,
                );
            });
        let jobs = match spawned {
            Ok(_) => Some(jobs),
            Err(error) => {
                let _ = failed.send(format!("could not start the notification thread: {error}"));
                None
            }
        };
        DesktopNotifier {
            jobs,
            failures,
            answers,
        }
    }

    fn send(&mut self, job: Job) {
        if let Some(jobs) = &self.jobs
            && jobs.send(job).is_err()
        {
            self.jobs = None;
        }
    }
}

/// The worker: connects when first needed (again after a failure), shows each job in order and
/// forwards the answers to reminders.
fn deliver(
    jobs: &mpsc::Receiver<Job>,
    address: Option<&str>,
    ctx: &egui::Context,
    failures: &mpsc::Sender<String>,
    answers: &mpsc::Sender<NotificationAnswer>,
) {
    let report_failure = |error: &dyn std::fmt::Display| {
        tracing::warn!("the desktop notification could not be shown: {error}");
        let _ = failures.send(error.to_string());
        ctx.request_repaint();
    };
    let mut server: Option<NotificationServer> = None;
    let mut reminder_id = 0;
    for job in jobs {
        if server.is_none() {
            match NotificationServer::connect(address) {
                Ok(connected) => {
                    let answers = answers.clone();
                    let wake = ctx.clone();
                    let listening = connected.listen(move |_, answer| {
                        tracing::info!("answered on the notification: {answer:?}");
                        if answers.send(answer).is_ok() {
                            wake.request_repaint();
                        }
                    });
                    if let Err(error) = listening {
                        tracing::warn!("notification answers are not followed: {error}");
                    }
                    server = Some(connected);
                }
                Err(error) => {
                    if matches!(job, Job::Show { .. }) {
                        report_failure(&error);
                    }
                    continue;
                }
            }
        }
        let Some(connected) = &server else {
            continue;
        };
        match job {
            Job::Show {
                title,
                body,
                reminder,
            } => {
                let replaces = if reminder { reminder_id } else { 0 };
                match connected.show(&title, &body, replaces, reminder) {
                    Ok(Delivery::Shown(id)) => {
                        if reminder {
                            reminder_id = id;
                        }
                    }
                    Ok(Delivery::Held) => {
                        tracing::info!("do not disturb is on: “{title}” waits in the window");
                    }
                    Err(error) => {
                        report_failure(&error);
                        server = None;
                    }
                }
            }
            Job::Withdraw => {
                if reminder_id != 0 {
                    connected.withdraw(reminder_id);
                    reminder_id = 0;
                }
            }
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&mut self, title: &str, body: &str) {
        self.send(Job::Show {
            title: title.to_owned(),
            body: body.to_owned(),
            reminder: false,
        });
    }

    fn remind(&mut self, title: &str, body: &str) {
        self.send(Job::Show {
            title: title.to_owned(),
            body: body.to_owned(),
            reminder: true,
        });
    }

    fn withdraw(&mut self) {
        self.send(Job::Withdraw);
    }

    fn failures(&mut self) -> Vec<String> {
        self.failures.try_iter().collect()
    }

    fn answers(&mut self) -> Vec<NotificationAnswer> {
        self.answers.try_iter().collect()
    }
}

/// A notifier that shows nothing and records what it was asked (for tests and previews). `fail` makes every notification fail, as without a notification daemon.
#[derive(Clone, Debug, Default)]
pub struct RecordingNotifier {
    pub sent: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    /// Answers a test gives "on the notification", handed to the app at its next poll.
    pub answers: std::sync::Arc<std::sync::Mutex<Vec<NotificationAnswer>>>,
    /// How often the app withdrew its reminder.
    pub withdrawn: std::sync::Arc<std::sync::atomic::AtomicUsize>,
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

    fn withdraw(&mut self) {
        self.withdrawn
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn failures(&mut self) -> Vec<String> {
        let count = std::mem::take(&mut self.pending_failures);
        vec!["no notification service".to_owned(); count]
    }

    fn answers(&mut self) -> Vec<NotificationAnswer> {
        self.answers
            .lock()
            .map(|mut answers| std::mem::take(&mut *answers))
            .unwrap_or_default()
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
