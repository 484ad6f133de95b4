//! Sharing the camera with a call: the real inotify watcher on a stand-in device node (a file
//! the scripted camera keeps open while streaming, as a real camera keeps `/dev/videoN`),
//! another process that opens and later closes it, and the real pipeline. plumbline must let
//! go within 2 s and come back within 5 s after the other process closes it, without a fault;
//! a program that only peeks at the device must not interrupt monitoring.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
#[path = "support/watched_camera.rs"]
mod watched_camera;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use plumbline::camera::sharing::{CameraUse, other_users, watch_camera_use};
use plumbline::monitor::{HoldReason, MonitorState, Status};
use plumbline::pipeline::{LiveInput, PipelineCommand, PipelineMessage, spawn};
use plumbline::wiring::command_for_camera_use;
use watched_camera::WatchedCamera;

fn latest_status(receiver: &mpsc::Receiver<PipelineMessage>, latest: &mut Option<Status>) {
    while let Ok(message) = receiver.try_recv() {
        if let PipelineMessage::Step { output, .. } = message {
            *latest = Some(output.status);
        }
    }
}

/// Polls until `done` or `limit`; returns the time it took, or panics with `what`.
fn within(limit: Duration, what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    started.elapsed()
}

#[test]
fn a_call_gets_the_camera_within_2_s_and_monitoring_returns_within_5_s_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let node = dir.path().join("video7");
    std::fs::write(&node, b"").expect("stand-in device node");

    let portrait = watched_camera::portrait();
    let session = watched_camera::portrait_session();
    let open = Arc::new(AtomicBool::new(false));
    let opens = Arc::new(AtomicUsize::new(0));
    let device = WatchedCamera {
        portrait,
        open: Arc::clone(&open),
        opens: Arc::clone(&opens),
        node: Some(node.clone()),
        held: None,
    };
    let (sender, receiver) = mpsc::channel();
    let handle = spawn(
        LiveInput::Device(Box::new(device)),
        session,
        move |message| {
            let _ = sender.send(message);
        },
    )
    .expect("pipeline starts");
    let commands = Mutex::new(handle.command_sender());
    let reports: Arc<Mutex<Vec<CameraUse>>> = Arc::default();
    let seen = Arc::clone(&reports);
    let _watch = watch_camera_use(&node, move |camera_use| {
        seen.lock().expect("lock").push(camera_use.clone());
        let _ = commands
            .lock()
            .expect("lock")
            .send(PipelineCommand::Session(command_for_camera_use(
                &camera_use,
            )));
    })
    .expect("inotify watch");

    let mut latest = None;
    within(Duration::from_secs(10), "monitoring", || {
        latest_status(&receiver, &mut latest);
        latest
            .as_ref()
            .is_some_and(|s| s.state == MonitorState::Upright)
    });
    // Our own open is not another user.
    assert!(open.load(Ordering::SeqCst));
    assert!(other_users(&node).is_empty());

    // A program that opens the device and closes it at once (listing formats) is let be.
    let status = Command::new("sh")
        .args(["-c", "exec 3<\"$0\"", node.to_str().expect("path")])
        .status()
        .expect("sh runs");
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(1_200));
    latest_status(&receiver, &mut latest);
    assert_eq!(
        latest.as_ref().map(|s| s.state),
        Some(MonitorState::Upright)
    );
    assert!(reports.lock().expect("lock").is_empty());

    // A call opens the camera and keeps it for 3 s.
    let opens_before = opens.load(Ordering::SeqCst);
    let mut call = Command::new("sh")
        .args(["-c", "exec 3<\"$0\"; sleep 3", node.to_str().expect("path")])
        .spawn()
        .expect("sh runs");
    let released = within(
        Duration::from_secs(2),
        "plumbline let go of the camera",
        || !open.load(Ordering::SeqCst),
    );
    latest_status(&receiver, &mut latest);
    let held = latest.clone().expect("a status");
    assert_eq!(held.state, MonitorState::Paused, "{held:?}");
    assert_eq!(held.held_by, Some(HoldReason::CameraInUse));
    assert_eq!(
        held.camera_fault, None,
        "someone else's call is not a camera fault"
    );
    match reports.lock().expect("lock").first() {
        Some(CameraUse::TakenBy(users)) => {
            assert!(users.iter().any(|u| u.pid == call.id()), "{users:?}")
        }
        other => panic!("{other:?}"),
    }
    // No retries against the other app: the camera stays closed while the call lasts.
    std::thread::sleep(Duration::from_millis(1_000));
    assert!(!open.load(Ordering::SeqCst));
    assert_eq!(opens.load(Ordering::SeqCst), opens_before);

    call.wait().expect("the call ends");
    let back = within(
        Duration::from_secs(5),
        "plumbline took the camera back",
        || open.load(Ordering::SeqCst),
    );
    within(Duration::from_secs(3), "monitoring again", || {
        latest_status(&receiver, &mut latest);
        latest
            .as_ref()
            .is_some_and(|s| s.state != MonitorState::Paused && s.held_by.is_none())
    });
    println!(
        "released {released:?} after the call opened the camera; back {back:?} after it closed"
    );
    handle.shutdown();
}
