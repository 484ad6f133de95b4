//! Running the real `plumbline` app in a test: tools on the PATH, a window found by its title,
//! a baseline of the fixture video's person, and the video looped to outlast the test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fixture;

/// True when the tool runs (`--version` or `-version` answers).
pub fn have(tool: &str) -> bool {
    ["--version", "-version"].iter().any(|flag| {
        Command::new(tool)
            .arg(flag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

pub fn output_of(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The window of `app` (found by its `_NET_WM_PID`: other tests' plumbline windows may share
/// the display), its id and title once its title names a state.
pub fn wait_for_state(app: &mut Child, timeout: Duration) -> Option<(String, String)> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if let Ok(Some(status)) = app.try_wait() {
            panic!("the app exited early with {status}");
        }
        let ids = output_of(Command::new("xdotool").args([
            "search",
            "--all",
            "--pid",
            &app.id().to_string(),
            "--name",
            "^plumbline: ",
        ]));
        for id in ids.unwrap_or_default().lines() {
            if let Some(title) = output_of(Command::new("xdotool").args(["getwindowname", id])) {
                return Some((id.to_string(), title));
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    None
}

/// A baseline of the person in the video (its first frame, as a photo), made with the binary
/// itself, so the app monitors the person it was calibrated on.
pub fn baseline(config: &Path, scratch: &Path) {
    let first = scratch.join("first-frame.png");
    let extracted = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(fixture("carphone_640x480.mp4"))
        .args(["-frames:v", "1"])
        .arg(&first)
        .status()
        .expect("ffmpeg runs (scripts/setup.sh --test installs it)");
    assert!(extracted.success(), "ffmpeg could not take the first frame");
    let status = crate::support::plumbline()
        .arg("calibrate")
        .arg(&first)
        .arg("--out")
        .arg(config.join("baseline.json"))
        .stdout(Stdio::null())
        .status()
        .expect("calibrate runs");
    assert!(status.success());
}

/// The fixture video (4 s) played `1 + loops` times (so it outlasts the test), or the plain one.
pub fn long_video(folder: &Path, loops: u32) -> PathBuf {
    let looped = folder.join("looped.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-stream_loop",
            &loops.to_string(),
            "-i",
        ])
        .arg(fixture("carphone_640x480.mp4"))
        .args(["-c", "copy"])
        .arg(&looped)
        .status()
        .is_ok_and(|status| status.success());
    if made {
        looped
    } else {
        fixture("carphone_640x480.mp4")
    }
}
