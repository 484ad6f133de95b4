//! `scripts/install.sh` into a temporary prefix: the installed binary, run from `/` with the
//! source tree's ONNX Runtime and models out of reach, loads the installed copies and analyses
//! a photo; the launcher validates; `--uninstall` removes exactly what was installed and keeps
//! the user's history, `--purge` removes that too.
//!
//! "Out of reach": where the test may make a private mount namespace (root, `unshare`), the
//! source tree is covered by an empty tmpfs for the installed binary's run, so nothing of it can
//! be read; otherwise (no privilege) the project-local ONNX Runtime is pointed at a folder that
//! does not exist and the printed paths must still all be under the prefix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::fixture;

const SOURCE_TREE: &str = env!("CARGO_MANIFEST_DIR");

fn install_script() -> PathBuf {
    Path::new(SOURCE_TREE).join("scripts/install.sh")
}

/// Runs the install script with `args` and a home of its own; returns stderr.
fn install_sh(home: &Path, args: &[&str]) -> String {
    let output = Command::new("bash")
        .arg(install_script())
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "install.sh {args:?} failed: {stderr}"
    );
    stderr
}

/// Installs this test build's binary into `prefix`.
fn install_test_build(home: &Path, prefix: &str) {
    install_sh(
        home,
        &[
            "--prefix",
            prefix,
            "--binary",
            env!("CARGO_BIN_EXE_plumbline"),
        ],
    );
}

/// Every file and symlink under `root` (with `folders`, every folder too), sorted.
fn entries_under(root: &Path, folders: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                if folders {
                    found.push(path.clone());
                }
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    entries_under(root, false)
}

/// Whether this process may cover the source tree in a private mount namespace.
fn can_hide_source_tree() -> bool {
    Command::new("unshare")
        .args(["--mount", "sh", "-c"])
        .arg(format!("mount -t tmpfs none '{SOURCE_TREE}'"))
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Runs the installed binary from `/` with `args`, the source tree hidden where possible.
fn run_installed(prefix: &Path, home: &Path, args: &[&str]) -> (bool, String, String) {
    let binary = prefix.join("bin/plumbline");
    let mut command = if can_hide_source_tree() {
        let mut command = Command::new("unshare");
        command
            .args(["--mount", "sh", "-c"])
            .arg(r#"mount -t tmpfs none "$0" && cd / && exec "$@""#)
            .arg(SOURCE_TREE)
            .arg(&binary)
            .args(args);
        command
    } else {
        eprintln!("no private mount namespace here: the source tree stays visible");
        let mut command = Command::new(&binary);
        command.args(args);
        command
    };
    let output = command
        .current_dir("/")
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("PLUMBLINE_MODELS_DIR")
        .env_remove("ORT_DYLIB_PATH")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("PLUMBLINE_ORT_LOCAL_DIR", home.join("no-onnxruntime-here"))
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn installs_runs_from_anywhere_and_uninstalls_exactly_what_it_installed() {
    let scratch = tempfile::tempdir().unwrap();
    let prefix = scratch.path().join("prefix");
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Something of the user's already under the prefix: with the default ~/.local prefix the
    // history lives in PREFIX/share/plumbline, next to the installed models.
    let history = home.join(".local/share/plumbline/history.sqlite");
    std::fs::create_dir_all(history.parent().unwrap()).unwrap();
    std::fs::write(&history, b"the user's history").unwrap();
    let settings = home.join(".config/plumbline/settings.toml");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, b"camera_index = 0\n").unwrap();
    let unrelated = prefix.join("share/applications/someone-else.desktop");
    std::fs::create_dir_all(unrelated.parent().unwrap()).unwrap();
    std::fs::write(&unrelated, b"[Desktop Entry]\n").unwrap();

    let prefix_text = prefix.to_str().unwrap();
    let before = entries_under(&prefix, true);
    install_test_build(&home, prefix_text);

    let manifest_path = prefix.join("share/plumbline/install-manifest");
    let manifest: Vec<PathBuf> = std::fs::read_to_string(&manifest_path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("folder "))
        .map(PathBuf::from)
        .collect();
    let mut expected: Vec<PathBuf> = [
        "bin/plumbline",
        "lib/plumbline/libonnxruntime.so",
        "lib/plumbline/libonnxruntime.so.1.31.1",
        "share/plumbline/models/face_landmark.onnx",
        "share/plumbline/models/pose_detection.onnx",
        "share/plumbline/models/pose_landmark_full.onnx",
        "share/plumbline/models/pose_landmark_lite.onnx",
        "share/applications/plumbline.desktop",
        "share/icons/hicolor/scalable/apps/plumbline.svg",
        "share/icons/hicolor/48x48/apps/plumbline.png",
        "share/icons/hicolor/64x64/apps/plumbline.png",
        "share/icons/hicolor/128x128/apps/plumbline.png",
        "share/icons/hicolor/256x256/apps/plumbline.png",
    ]
    .iter()
    .map(|file| prefix.join(file))
    .collect();
    expected.sort();
    let mut listed = manifest.clone();
    listed.sort();
    assert_eq!(listed, expected, "the manifest lists every installed file");
    let mut after = files_under(&prefix);
    after.retain(|file| !before.contains(file) && *file != manifest_path);
    // The folders made are listed too (bin/ and lib/ and share/icons/… did not exist).
    let manifest_text = std::fs::read_to_string(&manifest_path).unwrap();
    for folder in ["bin", "lib/plumbline", "share/icons/hicolor/48x48/apps"] {
        assert!(
            manifest_text.contains(&format!("folder {prefix_text}/{folder}\n")),
            "{manifest_text}"
        );
    }
    assert!(!manifest_text.contains(&format!("folder {prefix_text}/share/applications\n")));
    assert_eq!(
        after, expected,
        "the install wrote exactly the listed files"
    );

    // The launcher is valid to the desktop's own tool and starts the installed binary.
    let launcher = prefix.join("share/applications/plumbline.desktop");
    support::assert_valid_desktop_entry(&launcher);
    let entry = std::fs::read_to_string(&launcher).unwrap();
    assert!(
        entry.contains(&format!("\nExec={prefix_text}/bin/plumbline\n")),
        "{entry}"
    );
    assert!(entry.contains("\nIcon=plumbline\n"), "{entry}");
    assert!(entry.contains("\nStartupWMClass=plumbline\n"), "{entry}");

    // The installed binary loads the installed ONNX Runtime and models.
    let (ok, stdout, stderr) = run_installed(&prefix, &home, &["check"]);
    assert!(ok, "installed check failed: {stdout}{stderr}");
    let loaded: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        loaded.first().copied(),
        Some(
            format!("ONNX Runtime: {prefix_text}/lib/plumbline/libonnxruntime.so (loaded)")
                .as_str()
        ),
        "{stdout}"
    );
    for model in [
        "pose_detection",
        "pose_landmark_full",
        "pose_landmark_lite",
        "face_landmark",
    ] {
        let line =
            format!("model {model}.onnx: {prefix_text}/share/plumbline/models/{model}.onnx (");
        assert!(
            loaded.iter().any(|printed| printed.starts_with(&line)) && stdout.contains("sha256 ok"),
            "{model} was not loaded from the prefix: {stdout}"
        );
    }
    assert!(!stdout.contains(SOURCE_TREE), "{stdout}");

    // And analyses a photo (copied out of the source tree first) end to end.
    let photo = scratch.path().join("photo.jpg");
    std::fs::copy(fixture("grace_hopper.jpg"), &photo).unwrap();
    let (ok, stdout, stderr) = run_installed(&prefix, &home, &["analyze", photo.to_str().unwrap()]);
    assert!(ok, "installed analyze failed: {stderr}");
    assert!(
        stdout.starts_with(r#"{"frame":0,"#) && stdout.contains(r#""person":true"#),
        "{stdout}"
    );

    // A login entry the app wrote for this binary goes with it.
    let autostart = home.join(".config/autostart/plumbline.desktop");
    std::fs::create_dir_all(autostart.parent().unwrap()).unwrap();
    std::fs::write(
        &autostart,
        format!("[Desktop Entry]\nType=Application\nName=plumbline\nExec={prefix_text}/bin/plumbline --hidden\n"),
    )
    .unwrap();

    let report = install_sh(&home, &["--prefix", prefix_text, "--uninstall"]);
    assert!(report.contains("kept your history"), "{report}");
    for file in &manifest {
        assert!(
            !file.exists() && !file.is_symlink(),
            "{} is left",
            file.display()
        );
    }
    assert!(!manifest_path.exists());
    assert!(!autostart.exists(), "the autostart entry is left");
    assert_eq!(
        entries_under(&prefix, true),
        before,
        "uninstall left the prefix as it found it"
    );
    assert!(
        history.exists() && settings.exists(),
        "the user's files were kept"
    );
    assert!(!prefix.join("lib/plumbline").exists());

    // Purge: installed again, then removed together with the user's files.
    install_test_build(&home, prefix_text);
    install_sh(&home, &["--prefix", prefix_text, "--uninstall", "--purge"]);
    assert!(
        !history.exists() && !settings.exists(),
        "purge kept the user's files"
    );
    assert_eq!(entries_under(&prefix, true), before);
}

#[test]
fn uninstalling_where_nothing_was_installed_says_so() {
    let scratch = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(install_script())
        .args(["--prefix", scratch.path().to_str().unwrap(), "--uninstall"])
        .env("HOME", scratch.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("nothing to uninstall"), "{stderr}");
}
