//! Opens the real window on a scripted pipeline, to look at the UI without a camera or models:
//! `cargo run --example ui_preview -- [upright|drifting|prompt|break|calibrate|camera|first-run|fatal|figures|history]`
//! (`figures` shows every exercise drawing side by side; `history` makes up a month of history
//! in the temporary folder for the History button).
//! Settings and the first-run marker go to a temporary folder.

use std::sync::Arc;

use plumbline::app::backend::{Backend, CalibrationUpdate, Command, LiveUpdate, Update};
use plumbline::app::notify::RecordingNotifier;
use plumbline::app::{AppPaths, PlumblineApp, theme};
use plumbline::coach::Coach;
use plumbline::monitor::{
    CameraFaultKind, Deviations, Fault, MonitorConfig, MonitorState, Prompt, PromptKind, Status,
    Totals,
};
use plumbline::pose::{LANDMARK_COUNT, Landmark, Pose, Roi, landmark};
use plumbline::verdict::Verdict;

/// Sends a fixed list of updates once, then nothing.
struct Scripted {
    updates: Vec<Update>,
}

impl Backend for Scripted {
    fn send(&mut self, command: Command) {
        eprintln!("command: {command:?}");
    }

    fn try_recv(&mut self) -> Option<Update> {
        if self.updates.is_empty() {
            None
        } else {
            Some(self.updates.remove(0))
        }
    }
}

fn pose(width: u32, height: u32, forward: f32) -> Pose {
    let mut landmarks = [Landmark {
        visibility: 0.0,
        ..Landmark::default()
    }; LANDMARK_COUNT];
    let mut put = |index: usize, x: f32, y: f32| {
        landmarks[index] = Landmark {
            x,
            y,
            z: 0.0,
            visibility: 0.99,
            presence: 0.99,
        };
    };
    let drop = forward * 2.0;
    put(landmark::NOSE, 320.0, 190.0 + drop);
    put(landmark::LEFT_EYE, 345.0, 168.0 + drop);
    put(landmark::RIGHT_EYE, 295.0, 168.0 + drop);
    put(landmark::LEFT_EAR, 375.0, 180.0 + drop);
    put(landmark::RIGHT_EAR, 265.0, 180.0 + drop);
    put(landmark::LEFT_SHOULDER, 430.0, 320.0);
    put(landmark::RIGHT_SHOULDER, 210.0, 320.0);
    put(landmark::LEFT_ELBOW, 470.0, 450.0);
    put(landmark::RIGHT_ELBOW, 170.0, 450.0);
    Pose {
        landmarks,
        world_landmarks: [[0.0; 3]; LANDMARK_COUNT],
        presence: 0.99,
        roi: Roi::default(),
        image_width: width,
        image_height: height,
        face: None,
    }
}

/// A soft synthetic "room" so the picture path is exercised.
fn picture(width: u32, height: u32) -> Arc<image::RgbImage> {
    Arc::new(image::RgbImage::from_fn(width, height, |x, y| {
        let shade = (60 + (x * 60 / width) + (y * 40 / height)) as u8;
        image::Rgb([shade, shade.saturating_add(8), shade.saturating_add(20)])
    }))
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
        present_since_break_s: 1200.0,
        thresholds: MonitorConfig::default().enter_thresholds(),
        totals: Totals {
            upright_s: 5400.0,
            drifting_s: 600.0,
            slouching_s: 900.0,
            upright_streak_s: 1260.0,
            longest_upright_streak_s: 2400.0,
            posture_prompts: 3,
            break_reminders: 1,
            breaks_taken: 2,
            ..Totals::default()
        },
    }
}

fn live(state: MonitorState, head: f32, prompt: Option<plumbline::coach::CoachMessage>) -> Update {
    Update::Live(Box::new(LiveUpdate {
        time_s: 100.0,
        preview: Some(picture(640, 480)),
        pose: Some(pose(640, 480, head)),
        frame_size: [640, 480],
        verdict: Verdict::Upright,
        forward_head_dev_deg: Some(head),
        rounded_shoulder_dev_deg: Some(head * 0.4),
        head_pitch_dev_deg: Some(1.0),
        status: status(state),
        events: Vec::new(),
        prompt,
        analysis_fps: 2.0,
        cpu_share: 0.06,
        camera_message: None,
        history_warning: None,
    }))
}

/// Every exercise drawing in a grid, with its key.
fn figure_sheet() -> Result<(), Box<dyn std::error::Error>> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("plumbline figures")
            .with_inner_size([1000.0, 660.0]),
        ..Default::default()
    };
    eframe::run_ui_native("plumbline-figures", options, |ui, _frame| {
        egui::CentralPanel::default().show(ui, |ui| {
            egui::Grid::new("figures")
                .spacing([6.0, 6.0])
                .show(ui, |ui| {
                    let keys = plumbline::app::figures::KNOWN_FIGURES
                        .iter()
                        .copied()
                        .chain(["unknown_key"]);
                    for (i, key) in keys.enumerate() {
                        ui.vertical(|ui| {
                            plumbline::app::figures::figure(ui, key, 118.0, key);
                            ui.label(egui::RichText::new(key).small());
                        });
                        if i % 8 == 7 {
                            ui.end_row();
                        }
                    }
                });
        });
    })?;
    Ok(())
}

/// A made-up month of work days, written through the store's public API.
fn generate_history(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use plumbline::store::{
        EventKind, Sample, State, Store, StoreOptions, StoredEvent, Zone, now_ms,
    };
    let mut store = Store::open(path, &StoreOptions::default())?.store;
    let zone = Zone::Local;
    let today = zone.date_of(now_ms());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 10_000) as f32 / 10_000.0
    };
    for back in (0..30).rev() {
        let date = today.add_days(-back);
        if (date.days_since_epoch() + 3).rem_euclid(7) >= 5 {
            continue; // weekend
        }
        let start = zone.day_start_ms(date);
        let mut samples = Vec::new();
        let mut events = Vec::new();
        let slouchy = 0.1 + random() * 0.35;
        for (from_h, to_h) in [(9.0, 12.5), (13.5, 17.5)] {
            let mut t = start + (from_h * 3_600_000.0) as i64;
            let end = start + (to_h * 3_600_000.0) as i64;
            while t < end {
                let pick = random();
                let (state, minutes) = if pick < slouchy {
                    (State::Slouching, 3.0 + random() * 15.0)
                } else if pick < slouchy + 0.08 {
                    (State::Away, 4.0 + random() * 10.0)
                } else if pick < slouchy + 0.1 {
                    (State::Paused, 5.0 + random() * 10.0)
                } else if pick < slouchy + 0.2 {
                    (State::Drifting, 1.0 + random() * 3.0)
                } else {
                    (State::Upright, 8.0 + random() * 25.0)
                };
                let until = (t + (minutes * 60_000.0) as i64).min(end);
                if state == State::Slouching {
                    events.push(
                        StoredEvent::new(t + 40_000, EventKind::Prompt)
                            .with("fault", "forward_head")
                            .with("reason", "Head forward of your baseline for 40 s"),
                    );
                }
                if state == State::Away {
                    events.push(StoredEvent::new(until, EventKind::Break).with("source", "away"));
                }
                let base = match state {
                    State::Slouching => 13.0,
                    State::Drifting => 7.0,
                    _ => 2.0,
                };
                let measured = matches!(state, State::Upright | State::Drifting | State::Slouching);
                let mut s = t;
                while s < until {
                    let fh = base + (random() - 0.5) * 4.0;
                    samples.push(Sample {
                        time_ms: s,
                        state,
                        forward_head_dev_deg: measured.then_some(fh),
                        rounded_shoulder_dev_deg: measured.then_some(fh * 0.45 + random()),
                        confidence: 0.9,
                    });
                    s += 1000;
                }
                t = until;
            }
        }
        store.write(&samples, &events, None)?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "upright".to_owned());
    if scenario == "figures" {
        return figure_sheet();
    }
    let folder = tempfile::tempdir()?;
    let paths = AppPaths::in_folder(folder.path());
    if scenario != "first-run" {
        std::fs::write(folder.path().join("disclaimer-seen"), "seen\n")?;
    }
    let history_db = folder.path().join("history.sqlite3");
    if scenario == "history" {
        generate_history(&history_db)?;
    }
    let mut coach = Coach::builtin()?;
    let prompt = |kind: PromptKind, fault: Fault, coach: &mut Coach| {
        coach.message(&Prompt {
            at_s: 100.0,
            kind,
            fault: Some(fault),
            deviations: Deviations {
                forward_head_dev_deg: Some(11.6),
                rounded_shoulder_dev_deg: Some(4.0),
                lateral_dev_deg: None,
            },
            lasted_s: if kind == PromptKind::Break {
                2820.0
            } else {
                48.0
            },
            level: 1,
            recalibrate_reason: None,
        })
    };
    let updates = match scenario.as_str() {
        "drifting" => vec![live(MonitorState::Drifting, 6.5, None)],
        "prompt" => vec![live(
            MonitorState::Slouching,
            11.6,
            Some(prompt(PromptKind::Posture, Fault::ForwardHead, &mut coach)),
        )],
        "break" => vec![live(
            MonitorState::Upright,
            2.0,
            Some(prompt(PromptKind::Break, Fault::StaticLoad, &mut coach)),
        )],
        "calibrate" => vec![
            live(MonitorState::Calibrating, 0.0, None),
            Update::Calibration(CalibrationUpdate::Collecting {
                progress: 0.45,
                feedback: vec![
                    "Move back so both shoulders are in view".to_owned(),
                    "Hold still".to_owned(),
                ],
            }),
        ],
        "camera" => {
            let mut update = status(MonitorState::CameraProblem);
            update.camera_fault = Some(CameraFaultKind::Busy);
            vec![Update::Live(Box::new(LiveUpdate {
                time_s: 1.0,
                preview: None,
                pose: None,
                frame_size: [640, 480],
                verdict: Verdict::NoPerson,
                forward_head_dev_deg: None,
                rounded_shoulder_dev_deg: None,
                head_pitch_dev_deg: None,
                status: update,
                events: Vec::new(),
                prompt: None,
                analysis_fps: 0.0,
                cpu_share: 0.01,
                camera_message: None,
                history_warning: None,
            }))]
        }
        "fatal" => vec![Update::Fatal("live monitoring is not wired yet".to_owned())],
        _ => vec![live(MonitorState::Upright, 2.5, None)],
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("plumbline (preview)")
            .with_inner_size([1000.0, 660.0]),
        ..Default::default()
    };
    eframe::run_native(
        "plumbline-preview",
        options,
        Box::new(move |creation| {
            theme::apply_style(&creation.egui_ctx);
            let backend = Box::new(Scripted { updates });
            let history = plumbline::app::history::StoreHistory::at(
                &history_db,
                plumbline::store::Zone::Local,
            );
            Ok(Box::new(
                PlumblineApp::new(
                    backend,
                    paths.load_settings(),
                    paths,
                    Box::new(RecordingNotifier::default()),
                )
                .with_history(Box::new(history)),
            ))
        }),
    )?;
    Ok(())
}
