//! Shared helpers for the integration tests: fixture paths and running the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A file under `tests/reference/`.
pub fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(name)
}

/// The committed models folder.
pub fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// The `plumbline` binary with a clean environment for what it reads.
pub fn plumbline() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plumbline"));
    command
        .env_remove("PLUMBLINE_MODELS_DIR")
        .env_remove("ORT_DYLIB_PATH")
        .env_remove("PLUMBLINE_ORT_LOCAL_DIR")
        // Never the user's own session bus: a running plumbline there would answer instead.
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
}

/// Runs a command and returns its output, stdout and stderr as text.
pub fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().expect("the plumbline binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

/// Checks `done` every quarter second until it holds; fails the test, naming `what`, once
/// `timeout` has passed.
pub fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < timeout,
            "{what}: not within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Fails unless the desktop's own validator (`desktop-file-validate`, from desktop-file-utils,
/// installed by `scripts/setup.sh --test`) accepts the entry at `path` without a remark.
pub fn assert_valid_desktop_entry(path: &Path) {
    let validation = Command::new("desktop-file-validate")
        .arg(path)
        .output()
        .expect("desktop-file-validate (desktop-file-utils, installed by setup.sh --test)");
    assert!(
        validation.status.success() && validation.stdout.is_empty(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&validation.stdout)
    );
}
