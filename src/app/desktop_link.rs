//! The window's ties to the desktop around it: the requests that come from the tray menu and
//! from other `plumbline` processes, the status they read back, and what closing the window
//! does (hide to the tray, or minimise when there is no tray).

use std::sync::mpsc;

use crate::coach::format_duration;
use crate::desktop::control::{DesktopRequest, RequestSink, SharedStatus, StatusReport};
use crate::desktop::remote::ControlService;
use crate::desktop::tray::{Registration, TrayIcon, TrayLook, TrayMood};
use crate::monitor::MonitorState;

use super::backend::LiveUpdate;
use super::live_view::upright_share;

/// A queue of [`DesktopRequest`]s: the sink is called on the desktop's threads, queues the
/// request and calls `wake` (which repaints the window, so the request is taken at once).
pub fn request_queue(
    wake: impl Fn() + Send + Sync + 'static,
) -> (RequestSink, mpsc::Receiver<DesktopRequest>) {
    let (sender, receiver) = mpsc::channel();
    let sink: RequestSink = std::sync::Arc::new(move |request| {
        if sender.send(request).is_ok() {
            wake();
        }
    });
    (sink, receiver)
}

/// The desktop's side of the window: requests in, status and tray look out.
pub struct DesktopLink {
    requests: mpsc::Receiver<DesktopRequest>,
    status: SharedStatus,
    tray: Result<TrayIcon, String>,
    /// Owning the bus name: dropped (given up) when the app ends.
    _service: Option<ControlService>,
    /// What was published last, so an unchanged frame publishes nothing.
    published: Option<(Situation, bool)>,
}

impl DesktopLink {
    /// A link reading `requests`, publishing to `status` (what the remote control answers)
    /// and to the tray icon, or with the reason there is none.
    pub fn new(
        requests: mpsc::Receiver<DesktopRequest>,
        status: SharedStatus,
        tray: Result<TrayIcon, String>,
        service: impl Into<Option<ControlService>>,
    ) -> DesktopLink {
        DesktopLink {
            requests,
            status,
            tray,
            _service: service.into(),
            published: None,
        }
    }

    /// The next request, without waiting.
    pub fn next_request(&self) -> Option<DesktopRequest> {
        self.requests.try_recv().ok()
    }

    /// Shows `situation` in the tray and answers `plumbline status` with it; nothing is sent
    /// when it is what was published last (the window calls this every frame).
    pub fn publish(&mut self, situation: &Situation, window_shown: bool) {
        if self
            .published
            .as_ref()
            .is_some_and(|(last, shown)| last == situation && *shown == window_shown)
        {
            return;
        }
        self.published = Some((situation.clone(), window_shown));
        self.status.set(situation.report());
        if let Ok(tray) = &mut self.tray {
            tray.show(&situation.tray_look(window_shown));
        }
    }

    /// A tray shows the icon, so closing the window can hide it (asks the bus: call it when
    /// the answer is needed, not every frame).
    pub fn tray_shown(&self) -> bool {
        self.tray
            .as_ref()
            .is_ok_and(|tray| tray.registration() == Registration::Shown)
    }

    /// Why closing the window minimises it instead of hiding it to the tray, if it does.
    pub fn no_tray_reason(&self) -> Option<String> {
        match &self.tray {
            Err(reason) => Some(reason.clone()),
            Ok(tray) if tray.registration() != Registration::Shown => Some(
                "No tray is running on this desktop (on GNOME, the AppIndicator extension \
                 provides one), so closing the window minimises it instead of hiding it."
                    .to_owned(),
            ),
            Ok(_) => None,
        }
    }
}

/// What the tray and `plumbline status` say about the app right now.
#[derive(Clone, Debug, PartialEq)]
pub struct Situation {
    /// The state's machine name (`upright`, `paused`, …; `starting`, `stopped`).
    pub state: &'static str,
    pub mood: TrayMood,
    /// The state in a word or two.
    pub title: String,
    /// How long, and today's upright share.
    pub detail: String,
    /// Paused or snoozed: Resume is offered.
    pub held: bool,
}

impl Situation {
    /// Read from the latest update; `stopped` is why monitoring stopped, if it did.
    pub fn of(live: Option<&LiveUpdate>, stopped: Option<&str>) -> Situation {
        if let Some(reason) = stopped {
            return Situation {
                state: "stopped",
                mood: TrayMood::Problem,
                title: "Stopped".to_owned(),
                detail: first_sentence(reason),
                held: false,
            };
        }
        let Some(live) = live else {
            return Situation {
                state: "starting",
                mood: TrayMood::Starting,
                title: "Starting".to_owned(),
                detail: "Starting the camera and the pose engine".to_owned(),
                held: false,
            };
        };
        let state = live.status.state;
        let (mood, title) = match state {
            MonitorState::Calibrating => (TrayMood::Starting, "Needs calibrating"),
            MonitorState::Upright => (TrayMood::Upright, "Upright"),
            MonitorState::Drifting => (TrayMood::Drifting, "Drifting"),
            MonitorState::Slouching => (TrayMood::Slouching, "Slouching"),
            MonitorState::Away => (TrayMood::Away, "Away"),
            MonitorState::Paused => (TrayMood::Paused, "Paused"),
            MonitorState::Snoozed => (TrayMood::Paused, "Snoozed"),
            MonitorState::CameraProblem => (TrayMood::Problem, "Camera problem"),
        };
        let mut parts = Vec::new();
        match live.status.snooze_until_s {
            Some(until) if state == MonitorState::Snoozed => parts.push(format!(
                "resumes in {}",
                format_duration((until - live.time_s).max(0.0))
            )),
            _ => parts.push(format!(
                "for {}",
                format_duration(live.time_s - live.status.since_s)
            )),
        }
        if state == MonitorState::CameraProblem
            && let Some(message) = &live.camera_message
        {
            parts.push(first_sentence(message));
        }
        if let Some(share) = upright_share(live) {
            parts.push(format!("today {:.0} % upright", share * 100.0));
        }
        Situation {
            state: state.as_str(),
            mood,
            title: title.to_owned(),
            detail: parts.join(" · "),
            held: matches!(state, MonitorState::Paused | MonitorState::Snoozed),
        }
    }

    /// The answer to `plumbline status`.
    pub fn report(&self) -> StatusReport {
        StatusReport {
            state: self.state.to_owned(),
            line: format!("{}: {}", self.title, self.detail),
        }
    }

    /// The tray's icon, tooltip and menu state.
    pub fn tray_look(&self, window_shown: bool) -> TrayLook {
        TrayLook {
            mood: self.mood,
            title: self.title.clone(),
            detail: self.detail.clone(),
            paused: self.held,
            window_shown,
        }
    }
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |at| at + 1);
    text[..end].trim().to_owned()
}

/// What a click on the window's close button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseOutcome {
    /// Quit (asked for from the menu, or there is no desktop link at all).
    Quit,
    /// Hide the window; the tray icon stays and monitoring goes on.
    HideToTray,
    /// No tray to come back from: minimise, so it stays in the taskbar.
    Minimise,
}

/// Decides what closing does: quitting when asked for, else hiding to a tray that is there.
pub fn close_outcome(quit_asked: bool, linked: bool, tray_shown: bool) -> CloseOutcome {
    match (quit_asked, linked, tray_shown) {
        (true, _, _) | (false, false, _) => CloseOutcome::Quit,
        (false, true, true) => CloseOutcome::HideToTray,
        (false, true, false) => CloseOutcome::Minimise,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::{MonitorConfig, Status, Totals};
    use crate::verdict::Verdict;

    fn live(state: MonitorState, time_s: f64, since_s: f64) -> LiveUpdate {
        let status = Status {
            state,
            since_s,
            fault: None,
            level: 0,
            slouch_evidence_s: 0.0,
            snooze_until_s: None,
            camera_fault: None,
            held_by: None,
            baseline_suspect: false,
            present_since_break_s: 0.0,
            thresholds: MonitorConfig::default().enter_thresholds(),
            totals: Totals {
                upright_s: 3.0 * 3600.0,
                slouching_s: 3600.0,
                ..Totals::default()
            },
        };
        LiveUpdate {
            time_s,
            preview: None,
            pose: None,
            frame_size: [640, 480],
            verdict: Verdict::Upright,
            forward_head_dev_deg: None,
            rounded_shoulder_dev_deg: None,
            head_pitch_dev_deg: None,
            status,
            events: Vec::new(),
            prompt: None,
            analysis_fps: 2.0,
            cpu_share: 0.01,
            camera_message: None,
            history_warning: None,
        }
    }

    #[test]
    fn the_status_line_tells_state_duration_and_todays_share() {
        let update = live(MonitorState::Upright, 1000.0, 280.0);
        let situation = Situation::of(Some(&update), None);
        assert_eq!(situation.state, "upright");
        assert_eq!(situation.mood, TrayMood::Upright);
        assert_eq!(
            situation.report().line,
            "Upright: for 12 min · today 75 % upright"
        );
        assert!(!situation.held);
        let look = situation.tray_look(false);
        assert!(!look.window_shown && !look.paused);
    }

    #[test]
    fn a_snooze_tells_when_it_ends_and_offers_resume() {
        let mut update = live(MonitorState::Snoozed, 1000.0, 900.0);
        update.status.snooze_until_s = Some(1000.0 + 25.0 * 60.0);
        let situation = Situation::of(Some(&update), None);
        assert_eq!(situation.state, "snoozed");
        assert!(situation.held);
        assert!(
            situation.detail.starts_with("resumes in 25 min"),
            "{}",
            situation.detail
        );
        assert!(situation.tray_look(true).paused);
    }

    #[test]
    fn before_the_first_update_and_after_a_stop_it_says_so() {
        assert_eq!(Situation::of(None, None).state, "starting");
        let stopped = Situation::of(
            Some(&live(MonitorState::Upright, 1.0, 0.0)),
            Some("No pose model found. Run the setup script. More text."),
        );
        assert_eq!(stopped.state, "stopped");
        assert_eq!(stopped.mood, TrayMood::Problem);
        assert_eq!(stopped.detail, "No pose model found.");
    }

    #[test]
    fn closing_hides_to_a_tray_minimises_without_one_and_quits_when_asked() {
        assert_eq!(close_outcome(false, true, true), CloseOutcome::HideToTray);
        assert_eq!(close_outcome(false, true, false), CloseOutcome::Minimise);
        assert_eq!(close_outcome(true, true, true), CloseOutcome::Quit);
        assert_eq!(close_outcome(false, false, true), CloseOutcome::Quit);
    }

    #[test]
    fn requests_are_queued_in_order_and_wake_the_window() {
        let woken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&woken);
        let (sink, receiver) = request_queue(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        sink(DesktopRequest::ShowWindow);
        sink(DesktopRequest::Quit);
        let link = DesktopLink::new(
            receiver,
            SharedStatus::default(),
            Err("none".to_owned()),
            None,
        );
        assert_eq!(link.next_request(), Some(DesktopRequest::ShowWindow));
        assert_eq!(link.next_request(), Some(DesktopRequest::Quit));
        assert_eq!(link.next_request(), None);
        assert_eq!(woken.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert!(!link.tray_shown());
        assert_eq!(link.no_tray_reason().as_deref(), Some("none"));
    }
}
