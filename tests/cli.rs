//! The binary from the outside: version and help, a missing ONNX Runtime, and missing,
//! truncated or altered models each give a clear error.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{fixture, models_dir, plumbline, run};

#[test]
fn version_and_help() {
    let (output, stdout, _) = run(plumbline().arg("--version"));
    assert!(output.status.success());
    assert!(stdout.starts_with("plumbline "), "{stdout}");
    let (output, stdout, _) = run(plumbline().arg("--help"));
    assert!(output.status.success());
    for word in ["analyze", "check", "--models-dir"] {
        assert!(stdout.contains(word), "help lacks {word}: {stdout}");
    }
}

#[test]
fn check_passes_with_the_committed_models() {
    let (output, stdout, stderr) = run(plumbline().arg("check"));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout.matches("sha256 ok").count(), 4, "{stdout}");
}

#[test]
fn missing_onnx_runtime_names_every_place_and_the_install_command() -> std::io::Result<()> {
    let empty = tempfile::tempdir()?;
    let (output, _, stderr) = run(plumbline()
        .arg("check")
        .env("ORT_DYLIB_PATH", empty.path().join("libonnxruntime.so"))
        .env("PLUMBLINE_ORT_LOCAL_DIR", empty.path()));
    assert!(!output.status.success());
    assert!(stderr.contains("ONNX Runtime"), "{stderr}");
    assert!(stderr.contains("from ORT_DYLIB_PATH"), "{stderr}");
    assert!(stderr.contains("next to the executable"), "{stderr}");
    assert!(
        stderr.contains(&empty.path().display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("bash scripts/setup.sh"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

#[test]
fn analyze_without_onnx_runtime_fails_cleanly_too() -> std::io::Result<()> {
    let empty = tempfile::tempdir()?;
    let (output, _, stderr) = run(plumbline()
        .args(["analyze"])
        .arg(fixture("grace_hopper.jpg"))
        .env("PLUMBLINE_ORT_LOCAL_DIR", empty.path()));
    assert!(!output.status.success());
    assert!(stderr.contains("bash scripts/setup.sh"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

/// A copy of the models folder with one model changed by `damage`.
fn damaged_models(damage: impl FnOnce(&mut Vec<u8>)) -> std::io::Result<tempfile::TempDir> {
    let folder = tempfile::tempdir()?;
    for entry in std::fs::read_dir(models_dir())? {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "onnx")
        {
            std::fs::copy(
                &path,
                folder.path().join(path.file_name().unwrap_or_default()),
            )?;
        }
    }
    let target = folder.path().join("pose_landmark_full.onnx");
    let mut bytes = std::fs::read(&target)?;
    damage(&mut bytes);
    std::fs::write(&target, bytes)?;
    Ok(folder)
}

#[test]
fn altered_model_byte_is_a_checksum_error_with_the_fix() -> std::io::Result<()> {
    let folder = damaged_models(|bytes| {
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
    })?;
    let (output, _, stderr) = run(plumbline()
        .arg("--models-dir")
        .arg(folder.path())
        .arg("check"));
    assert!(!output.status.success());
    assert!(stderr.contains("pose_landmark_full.onnx"), "{stderr}");
    assert!(stderr.contains("sha256"), "{stderr}");
    assert!(
        stderr.contains("bash scripts/convert_models.sh"),
        "{stderr}"
    );
    // Both checksums appear: 64 hex digits twice.
    let hex_words = stderr
        .split(|c: char| !c.is_ascii_hexdigit())
        .filter(|word| word.len() == 64)
        .count();
    assert!(hex_words >= 2, "{stderr}");
    Ok(())
}

#[test]
fn truncated_model_is_refused_by_analyze_too() -> std::io::Result<()> {
    let folder = damaged_models(|bytes| bytes.truncate(bytes.len() / 3))?;
    let (output, _, stderr) = run(plumbline()
        .env("PLUMBLINE_MODELS_DIR", folder.path())
        .args(["analyze", "--model", "full"])
        .arg(fixture("grace_hopper.jpg")));
    assert!(!output.status.success());
    assert!(stderr.contains("pose_landmark_full.onnx"), "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");
    Ok(())
}

#[test]
fn missing_model_names_the_folder_searched() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let (output, _, stderr) = run(plumbline()
        .arg("--models-dir")
        .arg(folder.path())
        .arg("check"));
    assert!(!output.status.success());
    assert!(stderr.contains("pose_detection.onnx"), "{stderr}");
    assert!(stderr.contains("was not found"), "{stderr}");
    assert!(
        stderr.contains(&folder.path().display().to_string()),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn app_without_a_display_exits_with_a_clear_message() {
    let (output, _, stderr) = run(plumbline()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY"));
    assert!(!output.status.success());
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_truncated_video_says_it_ended_early_and_how_far_it_got() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let truncated = folder.path().join("cut.mp4");
    let whole = std::fs::read(fixture("carphone_640x480.mp4"))?;
    std::fs::write(&truncated, &whole[..200_000])?;
    let (output, stdout, stderr) = run(plumbline().arg("analyze").arg(&truncated));
    assert!(output.status.success(), "{stderr}");
    let rows = stdout.lines().count();
    assert!((20..100).contains(&rows), "{rows} rows");
    // The count given is what was read (analysed rows plus any frame skipped as unreadable).
    let got: u64 = stderr
        .split("ended after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stderr}"));
    assert!(
        stderr.contains(&format!("ended after {got} of the 120 frames")),
        "{stderr}"
    );
    assert!(
        (rows as u64..=rows as u64 + 2).contains(&got),
        "{rows} rows, {got} read"
    );
    assert!(stderr.contains("truncated"), "{stderr}");
    // The whole file says nothing of the kind.
    let (output, _, stderr) = run(plumbline()
        .arg("analyze")
        .arg(fixture("carphone_640x480.mp4")));
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("ended after"), "{stderr}");
    Ok(())
}

#[test]
fn a_text_file_named_like_a_photo_is_called_what_it_is() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let fake = folder.path().join("me.jpg");
    std::fs::write(&fake, "not a picture\n")?;
    let (output, _, stderr) = run(plumbline().arg("analyze").arg(&fake));
    assert!(!output.status.success());
    assert!(stderr.contains("me.jpg"), "{stderr}");
    assert!(stderr.contains("its name says JPEG"), "{stderr}");
    assert!(!stderr.contains("MP4"), "{stderr}");
    Ok(())
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // As `plumbline check | head -0`: the reader is gone before the first line is written.
    for args in [&["check"][..], &["analyze", "GRACE"][..]] {
        let args: Vec<std::ffi::OsString> = args
            .iter()
            .map(|arg| match *arg {
                "GRACE" => fixture("grace_hopper.jpg").into_os_string(),
                other => other.into(),
            })
            .collect();
        let mut child = plumbline()
            .args(&args)
            .env("PLUMBLINE_MODELS_DIR", models_dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            output.status.success(),
            "{args:?}: {}: {stderr}",
            output.status
        );
    }
}
