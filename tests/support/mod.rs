//! Shared helpers for the integration tests: fixture paths and running the binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

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
