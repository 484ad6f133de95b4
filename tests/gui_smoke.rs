//! GUI smoke test: the real `plumbline` binary on the fixture video in a real window (under
//! Xvfb in CI), until it shows a posture state; screenshots are taken and checked not to be
//! blank. They are kept in `target/gui-smoke/` (the README's screenshots come from this run).

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/real_app.rs"]
mod real_app;
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use real_app::{baseline, have, long_video, wait_for_state};

/// Takes a screenshot of the whole screen and checks it has real content.
fn screenshot(path: &Path) {
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(path)
        .status()
        .expect("imagemagick import runs");
    assert!(status.success(), "screenshot failed");
    let image = image::open(path).expect("screenshot reads").to_rgb8();
    let mut colours = std::collections::HashSet::new();
    let (mut sum, mut sum_squares, mut count) = (0.0f64, 0.0f64, 0.0f64);
    for pixel in image.pixels().step_by(7) {
        colours.insert(pixel.0);
        let luma = pixel.0.iter().map(|&c| c as f64).sum::<f64>() / 3.0;
        sum += luma;
        sum_squares += luma * luma;
        count += 1.0;
    }
    let spread = (sum_squares / count - (sum / count).powi(2))
        .max(0.0)
        .sqrt();
    assert!(
        colours.len() > 200,
        "{}: only {} colours",
        path.display(),
        colours.len()
    );
    assert!(
        spread > 10.0,
        "{}: flat picture (spread {spread:.1})",
        path.display()
    );
}

#[test]
fn the_real_app_shows_a_posture_state_on_the_fixture_video() {
    assert!(
        std::env::var_os("DISPLAY").is_some() && have("xdotool") && have("import"),
        "this test needs a display, xdotool and imagemagick: run the tests with \
         `bash scripts/test.sh` (Xvfb), or under `xvfb-run` after `scripts/setup.sh --test`"
    );
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join(".config/plumbline");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(config.join("disclaimer-seen"), "").expect("first-run marker");
    baseline(&config, home.path());
    let runtime = home.path().join("runtime");
    std::fs::create_dir_all(&runtime).expect("runtime folder");
    let video = long_video(home.path(), 9);

    let mut app = support::plumbline()
        .arg("--source")
        .arg(&video)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app starts");

    let found = wait_for_state(&mut app, Duration::from_secs(60));
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gui-smoke");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let outcome = std::panic::catch_unwind(|| {
        let (id, title) = found.expect("the window showed a posture state within 60 s");
        eprintln!("window {id}: {title}");
        let state = title.trim_start_matches("plumbline: ");
        // Calibrated on this person: monitoring, not calibrating, not a camera problem, and
        // not away (the person is in every frame).
        let states = ["Upright", "Drifting", "Slouching"];
        assert!(states.contains(&state), "unexpected title {title:?}");
        // Let a few frames and the meters arrive, then take the live view.
        std::thread::sleep(Duration::from_secs(6));
        screenshot(&shots.join("live.png"));
        // Open calibration from the top bar's Calibrate button and take it too.
        let clicked = Command::new("xdotool")
            .args(["mousemove", "--window", &id, "805", "28", "click", "1"])
            .status()
            .is_ok_and(|status| status.success());
        if clicked {
            std::thread::sleep(Duration::from_secs(2));
            screenshot(&shots.join("calibration.png"));
        }
    });
    let _ = app.kill();
    let output = app.wait_with_output().expect("the app stops");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if let Err(panic) = outcome {
        eprintln!("app stderr:\n{stderr}");
        std::panic::resume_unwind(panic);
    }
}
