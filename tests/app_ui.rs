//! The desktop app's real state and drawing code, driven headless by `egui_kittest` with a fake
//! pipeline: scripted updates in, recorded commands out. Widgets are found by their labels.
//! Plus the app's command line: `--source` checks.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use plumbline::app::backend::{Backend, CalibrationUpdate, Command, LiveUpdate, Update};
use plumbline::app::notify::RecordingNotifier;
use plumbline::app::{AppPaths, PlumblineApp};
use plumbline::coach::{Coach, CoachMessage};
use plumbline::monitor::{
    Deviations, Fault, MonitorConfig, MonitorState, Prompt, PromptKind, Status, Totals,
};
use plumbline::pipeline::SessionCommand;
use plumbline::verdict::Verdict;

/// A pipeline that sends what the test scripts and records what the UI asks.
#[derive(Clone, Default)]
struct FakeBackend {
    updates: Arc<Mutex<VecDeque<Update>>>,
    commands: Arc<Mutex<Vec<Command>>>,
}

impl FakeBackend {
    fn push(&self, update: Update) {
        self.updates.lock().unwrap().push_back(update);
    }

    fn commands(&self) -> Vec<Command> {
        self.commands.lock().unwrap().clone()
    }
}

impl Backend for FakeBackend {
    fn send(&mut self, command: Command) {
        self.commands.lock().unwrap().push(command);
    }

    fn try_recv(&mut self) -> Option<Update> {
        self.updates.lock().unwrap().pop_front()
    }
}

/// The app with its files in `folder` and the welcome already read (unless `first_run`),
/// offering no cameras (no camera probing from the UI tests; the empty list comes from its own
/// thread and wakes the window once).
fn new_app(
    folder: &Path,
    fake: &FakeBackend,
    notifier: RecordingNotifier,
    first_run: bool,
) -> PlumblineApp {
    let paths = AppPaths::in_folder(folder);
    if !first_run {
        std::fs::write(paths.first_run_marker.as_ref().unwrap(), "seen\n").unwrap();
    }
    PlumblineApp::new(
        Box::new(fake.clone()),
        paths.load_settings(),
        paths,
        Box::new(notifier),
    )
    .with_camera_choices(plumbline::app::camera_choices::CameraChoices::new(
        Arc::new(|| Ok(Vec::new())),
    ))
}

/// `app` in a harness (a few more steps to settle than the default, for the camera list).
fn harness(app: PlumblineApp) -> Harness<'static, PlumblineApp> {
    Harness::builder()
        .with_size([1100.0, 800.0])
        .with_max_steps(12)
        .build_ui_state(
            |ui, app: &mut PlumblineApp| {
                app.poll(ui.ctx());
                app.show(ui);
            },
            app,
        )
}

/// [`new_app`] in a [`harness`].
fn app_in(
    folder: &Path,
    fake: &FakeBackend,
    notifier: RecordingNotifier,
    first_run: bool,
) -> Harness<'static, PlumblineApp> {
    harness(new_app(folder, fake, notifier, first_run))
}

fn app(folder: &Path, fake: &FakeBackend) -> Harness<'static, PlumblineApp> {
    app_in(folder, fake, RecordingNotifier::default(), false)
}

fn status(state: MonitorState) -> Status {
    Status {
        state,
        since_s: 0.0,
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
            upright_s: 540.0,
            drifting_s: 30.0,
            slouching_s: 30.0,
            upright_streak_s: 300.0,
            longest_upright_streak_s: 420.0,
            ..Totals::default()
        },
    }
}

fn live(time_s: f64, status: Status, prompt: Option<CoachMessage>) -> Update {
    Update::Live(Box::new(LiveUpdate {
        time_s,
        preview: None,
        pose: None,
        frame_size: [640, 480],
        verdict: Verdict::Upright,
        forward_head_dev_deg: Some(3.0),
        rounded_shoulder_dev_deg: Some(1.5),
        head_pitch_dev_deg: None,
        status,
        events: Vec::new(),
        prompt,
        analysis_fps: 2.0,
        cpu_share: 0.04,
        camera_message: None,
        history_warning: None,
    }))
}

/// A forward-head prompt worded by the real coach.
fn forward_head_prompt(coach: &mut Coach) -> CoachMessage {
    coach.message(&Prompt {
        at_s: 100.0,
        kind: PromptKind::Posture,
        fault: Some(Fault::ForwardHead),
        deviations: Deviations {
            forward_head_dev_deg: Some(12.0),
            ..Deviations::default()
        },
        lasted_s: 45.0,
        level: 1,
        recalibrate_reason: None,
    })
}

fn shows(harness: &Harness<'_, PlumblineApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn the_first_run_shows_the_disclaimer_and_red_flags_once_and_help_shows_them_again() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut harness = app_in(folder.path(), &fake, RecordingNotifier::default(), true);
    harness.run();
    assert!(shows(&harness, "Welcome to plumbline"));
    assert!(shows(&harness, "not a medical device"));
    assert!(shows(&harness, "worse at night"));
    harness.get_by_label("I understand").click();
    harness.run();
    assert!(!shows(&harness, "Welcome to plumbline"));
    assert!(folder.path().join("disclaimer-seen").exists());
    drop(harness);

    let mut harness = app_in(folder.path(), &fake, RecordingNotifier::default(), true);
    harness.run();
    assert!(!shows(&harness, "Welcome to plumbline"));
    harness.get_by_label("Help").click();
    harness.run();
    assert!(shows(&harness, "not a medical device"));
    assert!(shows(&harness, "worse at night"));
    // Every state's badge is listed (and its glyph renders: missing glyphs fail the harness).
    for label in [
        "Upright",
        "Drifting",
        "Slouching",
        "Away",
        "Paused",
        "Snoozed",
    ] {
        assert!(shows(&harness, label), "{label}");
    }
    harness.get_by_label("Close").click();
    harness.run();
    assert!(!shows(&harness, "worse at night"));
}

#[test]
fn calibration_succeeds_with_a_summary_after_the_checklist_and_countdown() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Calibrating), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "needs a baseline"));
    harness.get_by_label("Calibrate").click();
    harness.run();
    assert!(shows(&harness, "ears are over your shoulders"));
    harness.get_by_label("Start").click();
    harness.run();
    assert!(shows(&harness, "Starting in"));
    assert!(
        !fake
            .commands()
            .contains(&Command::Session(SessionCommand::StartCalibration))
    );
    // The countdown runs on UI time: four seconds of frames at the harness's 4 fps.
    harness.run_steps(16);
    assert!(
        fake.commands()
            .contains(&Command::Session(SessionCommand::StartCalibration))
    );
    assert!(shows(&harness, "Hold still"));

    fake.push(Update::Calibration(CalibrationUpdate::Collecting {
        progress: 0.4,
        feedback: vec!["Move back so both shoulders are in view".to_owned()],
    }));
    harness.run();
    assert!(shows(&harness, "Move back so both shoulders are in view"));

    fake.push(Update::Calibration(CalibrationUpdate::Succeeded {
        summary: vec![
            ("Neck height ratio".to_owned(), "0.82".to_owned()),
            ("Head pitch".to_owned(), "3° down".to_owned()),
        ],
    }));
    harness.run();
    assert!(shows(&harness, "Calibration done"));
    assert!(shows(&harness, "Neck height ratio"));
    assert!(shows(&harness, "0.82"));
    harness.get_by_label("Finish").click();
    harness.run();
    assert!(!shows(&harness, "Calibration done"));
}

#[test]
fn calibration_failure_says_why_and_offers_to_try_again() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Calibrate").click();
    harness.run();
    harness.get_by_label("Start").click();
    harness.run_steps(16);
    fake.push(Update::Calibration(CalibrationUpdate::Failed {
        reasons: vec!["You moved too much; hold still for the whole count.".to_owned()],
    }));
    harness.run();
    assert!(shows(&harness, "Calibration did not work"));
    assert!(shows(&harness, "You moved too much"));
    assert!(shows(&harness, "previous baseline"));
    harness.get_by_label("Try again").click();
    harness.run();
    assert!(shows(&harness, "ears are over your shoulders"));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(!shows(&harness, "ears are over your shoulders"));
    // Cancelling the checklist (nothing collected yet) does not bother the backend.
    assert!(
        !fake
            .commands()
            .contains(&Command::Session(SessionCommand::CancelCalibration))
    );
}

#[test]
fn a_persisting_drift_shows_a_prompt_with_its_reason_and_an_exercise() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut coach = Coach::builtin().unwrap();
    fake.push(live(10.0, status(MonitorState::Drifting), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "Drifting"));
    assert!(!shows(&harness, "Posture check"));

    let message = forward_head_prompt(&mut coach);
    let exercise = message.exercise.clone().unwrap();
    fake.push(live(45.0, status(MonitorState::Slouching), Some(message)));
    harness.run();
    assert!(shows(&harness, "Posture check"));
    assert!(shows(
        &harness,
        "Head 12° forward of your baseline for 45 s"
    ));
    assert!(shows(&harness, "ears are above your shoulders"));
    assert!(shows(&harness, &format!("Try: {}", exercise.name)));
    assert!(shows(&harness, &exercise.steps[0]));
    // A later update without a prompt keeps the card up.
    fake.push(live(46.0, status(MonitorState::Slouching), None));
    harness.run();
    assert!(shows(&harness, "Posture check"));

    harness.get_by_label("Done").click();
    harness.run();
    assert!(!shows(&harness, "Posture check"));
    assert_eq!(
        fake.commands(),
        vec![Command::Session(SessionCommand::PromptDone)]
    );
    // Why it fired stays in view after the card is gone.
    assert!(shows(&harness, "Last reminder"));
    assert!(shows(
        &harness,
        "Head 12° forward of your baseline for 45 s"
    ));
}

#[test]
fn snooze_hides_the_prompt_and_it_comes_back_after_the_snooze() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut coach = Coach::builtin().unwrap();
    fake.push(live(
        45.0,
        status(MonitorState::Slouching),
        Some(forward_head_prompt(&mut coach)),
    ));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "Posture check"));
    harness.get_by_label("Snooze 30 min").click();
    harness.run();
    assert!(!shows(&harness, "Posture check"));
    assert_eq!(
        fake.commands(),
        vec![Command::Session(SessionCommand::Snooze { minutes: 30 })]
    );

    let mut snoozed = status(MonitorState::Snoozed);
    snoozed.snooze_until_s = Some(46.0 + 30.0 * 60.0);
    fake.push(live(46.0, snoozed, None));
    harness.run();
    assert!(shows(&harness, "Snoozed"));
    assert!(shows(&harness, "prompts resume in 30 min"));
    assert!(!shows(&harness, "Posture check"));
    assert!(harness.query_by_label("Resume").is_some());

    // The snooze ran out and the slouch went on: the backend prompts again.
    fake.push(live(
        46.0 + 30.0 * 60.0 + 40.0,
        status(MonitorState::Slouching),
        Some(forward_head_prompt(&mut coach)),
    ));
    harness.run();
    assert!(shows(&harness, "Posture check"));
    assert!(shows(&harness, "Slouching"));
}

#[test]
fn settings_reject_an_invalid_value_with_a_message_and_save_a_valid_one() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Settings").click();
    harness.run();
    harness
        .get_by_label("Prompt delay")
        .set_text_value_accesskit("1");
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert!(shows(&harness, "Prompt delay: 1 s is outside 5–600 s"));
    assert!(!folder.path().join("settings.toml").exists());
    assert!(fake.commands().is_empty());

    harness
        .get_by_label("Prompt delay")
        .set_text_value_accesskit("45");
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert!(!shows(&harness, "outside 5–600"));
    let saved = std::fs::read_to_string(folder.path().join("settings.toml")).unwrap();
    assert!(saved.contains("prompt_delay_s = 45"), "{saved}");
    match fake.commands().as_slice() {
        [Command::ApplySettings(settings)] => assert_eq!(settings.prompt_delay_s, 45),
        other => panic!("expected one ApplySettings, got {other:?}"),
    }
    assert_eq!(harness.state().settings().prompt_delay_s, 45);
}

#[test]
fn an_invalid_settings_file_gives_a_visible_message_and_is_kept_aside_on_save() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("settings.toml"),
        "analysis_fps = \"fast\"\n",
    )
    .unwrap();
    let fake = FakeBackend::default();
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "is not valid"));
    assert_eq!(harness.state().settings().analysis_fps, 2.0);
    assert_eq!(
        std::fs::read_to_string(folder.path().join("settings.toml")).unwrap(),
        "analysis_fps = \"fast\"\n"
    );
    harness.get_by_label("Open settings").click();
    harness.run();
    assert!(shows(&harness, "Changes apply when you save"));
    harness.get_by_label("Save").click();
    harness.run();
    assert_eq!(
        std::fs::read_to_string(folder.path().join("settings.toml.invalid")).unwrap(),
        "analysis_fps = \"fast\"\n"
    );
    assert!(!shows(&harness, "is not valid"));
}

#[test]
fn pause_and_resume_send_commands_and_the_badge_follows_the_backend() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "Upright"));
    assert!(shows(&harness, "90 % of your desk time"));
    assert!(shows(&harness, "2.0 frames/s"));
    assert!(shows(&harness, "4 % of one core"));
    harness.get_by_label("Pause").click();
    harness.run();
    fake.push(live(2.0, status(MonitorState::Paused), None));
    harness.run();
    assert!(shows(&harness, "Paused"));
    harness.get_by_label("Resume").click();
    harness.run();
    assert_eq!(
        fake.commands(),
        vec![
            Command::Session(SessionCommand::Pause),
            Command::Session(SessionCommand::Resume)
        ]
    );
}

#[test]
fn an_idle_window_stops_repainting() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    // Nothing new from the backend: a frame is drawn and no further repaint is asked for.
    let steps = harness.run();
    assert!(steps <= 2, "kept repainting for {steps} frames");
}

#[test]
fn a_fatal_error_and_a_camera_problem_explain_what_to_do() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut camera = status(MonitorState::CameraProblem);
    camera.camera_fault = Some(plumbline::monitor::CameraFaultKind::NotFound);
    fake.push(live(1.0, camera, None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "The camera is not working"));
    assert!(shows(&harness, "No camera was found"));
    assert!(shows(&harness, "plumbline --source VIDEO"));
    harness.get_by_label("Try again").click();
    harness.run();
    assert_eq!(fake.commands(), vec![Command::RetryCamera]);

    fake.push(Update::Fatal(
        "the pose model landmark_lite.onnx is missing".to_owned(),
    ));
    harness.run();
    assert!(shows(&harness, "Monitoring cannot start"));
    assert!(shows(&harness, "landmark_lite.onnx is missing"));
    assert!(shows(&harness, "Not monitoring"));
}

#[test]
fn a_prompt_in_the_background_becomes_a_notification_or_asks_for_attention() {
    for fail in [false, true] {
        let folder = tempfile::tempdir().unwrap();
        let fake = FakeBackend::default();
        let notifier = RecordingNotifier::new(fail);
        let sent = notifier.sent.clone();
        let mut harness = app_in(folder.path(), &fake, notifier, false);
        harness.run();
        harness
            .input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .focused = Some(false);
        let mut coach = Coach::builtin().unwrap();
        fake.push(live(
            45.0,
            status(MonitorState::Slouching),
            Some(forward_head_prompt(&mut coach)),
        ));
        harness.step();
        let sent = sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "Posture check");
        assert!(sent[0].1.starts_with("Head 12° forward"), "{}", sent[0].1);
        let asked_attention = harness
            .output()
            .viewport_output
            .values()
            .flat_map(|output| &output.commands)
            .any(|command| matches!(command, egui::ViewportCommand::RequestUserAttention(_)));
        assert_eq!(asked_attention, fail, "fail = {fail}");
        assert!(shows(&harness, "Posture check"));
    }
}

#[test]
fn source_must_be_a_file_and_is_only_for_the_app() {
    let (output, _, stderr) = support::run(
        support::plumbline()
            .args(["--source", "/nonexistent/clip.mp4"])
            .env("DISPLAY", ":0"),
    );
    assert!(!output.status.success());
    assert!(stderr.contains("/nonexistent/clip.mp4"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    let (output, _, stderr) =
        support::run(support::plumbline().args(["check", "--source", "a.mp4"]));
    assert!(!output.status.success());
    assert!(
        stderr.contains("only applies to the desktop app"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (output, _, stderr) = support::run(support::plumbline().args(["status", "--hidden"]));
    assert!(!output.status.success());
    assert!(
        stderr.contains("--hidden only applies to the desktop app"),
        "{stderr}"
    );
}

#[test]
fn the_exercise_timer_counts_down_on_the_card() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut coach = Coach::builtin().unwrap();
    let message = forward_head_prompt(&mut coach);
    let exercise = message.exercise.clone().unwrap();
    let seconds = exercise.duration_s.or(exercise.hold_s).unwrap();
    fake.push(live(45.0, status(MonitorState::Slouching), Some(message)));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness
        .get_by_label(&format!("Start a {seconds} s timer"))
        .click();
    harness.run();
    assert!(shows(&harness, &format!("{seconds} s left")));
    // The harness steps at 4 fps: let the whole hold pass.
    harness.run_steps(seconds as usize * 4 + 4);
    assert!(shows(&harness, "Time is up"));
    assert!(fake.commands().is_empty());
}

#[test]
fn a_stale_baseline_offers_recalibration_in_one_click() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut suspect = status(MonitorState::Upright);
    suspect.baseline_suspect = true;
    fake.push(live(1.0, suspect, None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "camera or the chair may have moved"));
    harness.get_by_label("Recalibrate now").click();
    harness.run();
    assert!(shows(&harness, "Starting in"));
    harness.run_steps(16);
    assert_eq!(
        fake.commands(),
        vec![Command::Session(SessionCommand::StartCalibration)]
    );
}

#[test]
fn the_snooze_menu_in_the_top_bar_sends_the_chosen_length() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Snooze").click();
    harness.run();
    harness.get_by_label("60 minutes").click();
    harness.run();
    assert_eq!(
        fake.commands(),
        vec![Command::Session(SessionCommand::Snooze { minutes: 60 })]
    );
    assert!(!shows(&harness, "60 minutes"));
}

#[test]
fn on_a_call_turns_the_camera_off_for_an_hour_and_the_reason_is_shown_when_held() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Snooze").click();
    harness.run();
    harness
        .get_by_label("On a call: camera off for 1 hour")
        .click();
    harness.run();
    assert_eq!(
        fake.commands(),
        vec![Command::Session(SessionCommand::Snooze { minutes: 60 })]
    );
    // Held by the system (another app has the camera): paused, and why.
    let mut held = status(MonitorState::Paused);
    held.held_by = Some(plumbline::monitor::HoldReason::CameraInUse);
    fake.push(live(2.0, held, None));
    harness.run();
    assert!(shows(&harness, "Another app is using the camera"));
}

#[test]
fn a_history_problem_is_shown_while_monitoring_goes_on() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let mut update = live(1.0, status(MonitorState::Upright), None);
    if let Update::Live(live) = &mut update {
        live.history_warning = Some("The disk is full: history is kept in memory for now.".into());
    }
    fake.push(update);
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "Upright"));
    assert!(shows(
        &harness,
        "The disk is full: history is kept in memory for now."
    ));
}

#[test]
fn the_window_notices_when_monitoring_stops_answering() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert!(shows(&harness, "Upright"));
    // Steps are a quarter of a second: 12 s without an update.
    harness.run_steps(48);
    assert!(
        shows(&harness, "Monitoring has not answered"),
        "no stall shown"
    );
    assert!(shows(&harness, "Not monitoring"));
    // An update clears it.
    fake.push(live(13.0, status(MonitorState::Upright), None));
    harness.run();
    assert!(!shows(&harness, "Monitoring has not answered"));
    assert!(shows(&harness, "Upright"));
}

#[test]
fn the_zoom_is_remembered_without_restarting_monitoring() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("settings.toml"), "ui_zoom = 1.25\n").unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    assert_eq!(harness.ctx.zoom_factor(), 1.25, "the saved zoom is applied");
    // The user zooms in (as Ctrl + does).
    harness.ctx.set_zoom_factor(1.5);
    harness.run();
    let saved = std::fs::read_to_string(folder.path().join("settings.toml")).unwrap();
    assert!(saved.contains("ui_zoom = 1.5"), "{saved}");
    assert!(
        fake.commands().is_empty(),
        "zooming must not restart monitoring: {:?}",
        fake.commands()
    );
}

#[test]
fn start_at_login_writes_and_removes_a_valid_login_entry() {
    let folder = tempfile::tempdir().unwrap();
    let entry = folder.path().join("autostart/plumbline.desktop");
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Settings").click();
    harness.run();
    harness.get_by_label("Start at login").click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    let text = std::fs::read_to_string(&entry).expect("the login entry is written");
    let executable = std::env::current_exe().unwrap();
    assert!(
        text.contains(&format!("\nExec={} --hidden\n", executable.display())),
        "{text}"
    );
    // The desktop's own validator accepts it.
    support::assert_valid_desktop_entry(&entry);

    // The dialog shows the entry's state when opened again, and unticking removes it.
    harness.get_by_label("Settings").click();
    harness.run();
    harness.get_by_label("Start at login").click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert!(!entry.exists(), "the login entry is left");
}

#[test]
fn start_at_login_that_cannot_be_written_says_why_and_keeps_the_dialog_open() {
    let folder = tempfile::tempdir().unwrap();
    // A file where the autostart folder should be.
    std::fs::write(folder.path().join("autostart"), "not a folder").unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Settings").click();
    harness.run();
    harness.get_by_label("Start at login").click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert!(shows(
        &harness,
        "Start at login: could not write the login entry"
    ));
    assert!(
        harness.query_by_label("Save").is_some(),
        "the dialog closed"
    );
}

#[test]
fn a_hidden_start_without_a_tray_shows_the_window() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let app = new_app(folder.path(), &fake, RecordingNotifier::default(), false).starting_hidden();
    assert!(app.is_hidden());
    let mut harness = harness(app);
    harness.run();
    assert!(
        !harness.state().is_hidden(),
        "with nothing to bring it back, the window must not stay hidden"
    );
}

#[test]
fn help_says_where_the_log_is() {
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let mut harness = app(folder.path(), &fake);
    harness.run();
    harness.get_by_label("Help").click();
    harness.run();
    let log = folder.path().join("plumbline.log");
    assert!(shows(&harness, &log.display().to_string()));
}

#[test]
fn answers_on_the_notification_act_like_the_card_and_an_answered_card_withdraws_it() {
    use plumbline::app::notify::NotificationAnswer;
    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    let notifier = RecordingNotifier::default();
    let (answers, withdrawn) = (notifier.answers.clone(), notifier.withdrawn.clone());
    let mut harness = app_in(folder.path(), &fake, notifier, false);
    harness.run();
    let mut coach = Coach::builtin().unwrap();
    fake.push(live(
        45.0,
        status(MonitorState::Slouching),
        Some(forward_head_prompt(&mut coach)),
    ));
    harness.run();
    assert!(shows(&harness, "Posture check"));

    // Snooze on the notification: the card goes, monitoring snoozes for 15 minutes.
    answers.lock().unwrap().push(NotificationAnswer::Snooze);
    harness.run();
    assert!(!shows(&harness, "Posture check"), "the card stayed");
    assert!(
        matches!(
            fake.commands().as_slice(),
            [Command::Session(SessionCommand::Snooze { minutes: 15 })]
        ),
        "{:?}",
        fake.commands()
    );
    // A late Done, with no card left, does nothing more.
    answers.lock().unwrap().push(NotificationAnswer::Done);
    harness.run();
    assert_eq!(fake.commands().len(), 1, "{:?}", fake.commands());

    // The next reminder, answered with Done on the notification.
    fake.push(live(
        1000.0,
        status(MonitorState::Slouching),
        Some(forward_head_prompt(&mut coach)),
    ));
    harness.run();
    answers.lock().unwrap().push(NotificationAnswer::Done);
    harness.run();
    assert!(matches!(
        fake.commands().last(),
        Some(Command::Session(SessionCommand::PromptDone))
    ));

    // Answered on the card, the notification is withdrawn.
    let before = withdrawn.load(std::sync::atomic::Ordering::Relaxed);
    fake.push(live(
        2000.0,
        status(MonitorState::Slouching),
        Some(forward_head_prompt(&mut coach)),
    ));
    harness.run();
    harness.get_by_label("Not now").click();
    harness.run();
    assert_eq!(
        withdrawn.load(std::sync::atomic::Ordering::Relaxed),
        before + 1
    );
}

#[test]
fn settings_offer_the_cameras_found_and_one_plugged_in_later_appears() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::By;
    use plumbline::app::camera_choices::CameraChoices;
    use plumbline::camera::DeviceInfo;

    let folder = tempfile::tempdir().unwrap();
    let fake = FakeBackend::default();
    fake.push(live(1.0, status(MonitorState::Upright), None));
    let plugged = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::clone(&plugged);
    let choices = CameraChoices::new(Arc::new(move || {
        let mut cameras = vec![DeviceInfo {
            index: 0,
            name: "Integrated Camera".to_owned(),
            description: "uvcvideo".to_owned(),
            formats: Vec::new(),
            formats_error: Some("the camera is busy".to_owned()),
        }];
        if seen.load(std::sync::atomic::Ordering::SeqCst) {
            cameras.push(DeviceInfo {
                index: 2,
                name: "USB Webcam".to_owned(),
                description: "uvcvideo".to_owned(),
                formats: vec![
                    "640x480@30 MJPEG".to_owned(),
                    "1280x720@30 MJPEG".to_owned(),
                    "1920x1080@30 MJPEG".to_owned(),
                    "640x480@30 YUYV".to_owned(),
                ],
                formats_error: None,
            });
        }
        Ok(cameras)
    }));
    let mut harness = harness(
        new_app(folder.path(), &fake, RecordingNotifier::default(), false)
            .with_camera_choices(choices),
    );
    harness.run();
    harness.get_by_label("Settings").click();
    harness.run();
    let wait_for = |harness: &mut Harness<'_, PlumblineApp>, text: &str| {
        for _ in 0..100 {
            harness.run();
            if shows(harness, text) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{text:?} did not show");
    };
    wait_for(&mut harness, "formats unknown (the camera is busy)");
    let combo = || By::new().role(Role::ComboBox).label("Camera");
    assert_eq!(
        harness.get(combo()).value().as_deref(),
        Some("0: Integrated Camera")
    );

    // A webcam is plugged in: it is offered at the next look (every 3 s).
    plugged.store(true, std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(plumbline::app::camera_choices::REFRESH);
    for _ in 0..50 {
        harness.get(combo()).click();
        harness.run();
        if shows(&harness, "2: USB Webcam") {
            break;
        }
        harness.get(combo()).click();
        std::thread::sleep(std::time::Duration::from_millis(100));
        harness.run();
    }
    harness.get_by_label("2: USB Webcam").click();
    harness.run();
    assert!(shows(
        &harness,
        "640x480@30 MJPEG, 1280x720@30 MJPEG, 1920x1080@30 MJPEG and 1 more"
    ));
    harness.get_by_label("Save").click();
    harness.run();
    match fake.commands().as_slice() {
        [Command::ApplySettings(settings)] => assert_eq!(settings.camera, "2"),
        other => panic!("expected one ApplySettings, got {other:?}"),
    }
}
