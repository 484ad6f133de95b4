//! `calibrate` and `analyze --baseline` on the real fixtures: every number finite and plausible,
//! failures with a reason and a non-zero exit.

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::{fixture, plumbline, run};

fn rows(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each row is JSON"))
        .collect()
}

/// Every number in `value` (recursively) is finite; nulls are allowed.
fn assert_finite(value: &Value, path: &str) {
    match value {
        Value::Number(number) => {
            let number = number.as_f64().expect("f64");
            assert!(number.is_finite(), "{path} = {number}");
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(index, item)| assert_finite(item, &format!("{path}[{index}]"))),
        Value::Object(map) => map
            .iter()
            .for_each(|(key, item)| assert_finite(item, &format!("{path}.{key}"))),
        _ => {}
    }
}

/// Calibrates on the portrait into `folder/baseline.json` and returns that path.
fn portrait_baseline(folder: &std::path::Path) -> std::path::PathBuf {
    let baseline = folder.join("baseline.json");
    let (output, _, stderr) = run(plumbline()
        .arg("calibrate")
        .arg(fixture("grace_hopper.jpg"))
        .arg("--out")
        .arg(&baseline));
    assert!(output.status.success(), "{stderr}");
    baseline
}

fn number(value: &Value, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64)
}

#[test]
fn calibrate_on_the_portrait_then_analyze_it_against_itself() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = folder.path().join("baseline.json");
    let (output, stdout, stderr) = run(plumbline()
        .arg("calibrate")
        .arg(fixture("grace_hopper.jpg"))
        .arg("--out")
        .arg(&baseline));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("✔"), "{stdout}");
    assert!(!stdout.contains("✘"), "{stdout}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&baseline)?).expect("JSON");
    assert_eq!(saved["version"], plumbline::geometry::BASELINE_VERSION);
    assert!(
        saved["reference"]["face"]["mesh"]
            .as_array()
            .is_some_and(|mesh| mesh.len() == 468),
        "the portrait's baseline records the face mesh"
    );
    assert_eq!(saved["image_width"], 512);

    let (output, stdout, stderr) = run(plumbline()
        .arg("analyze")
        .arg(fixture("grace_hopper.jpg"))
        .arg("--baseline")
        .arg(&baseline));
    assert!(output.status.success(), "{stderr}");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_finite(row, "row");
    // Against its own baseline the portrait deviates by nothing; rounded shoulders are not
    // measured from a front camera.
    for key in ["forward_head_deg", "head_pitch_deg"] {
        let deviation = number(&row["deviation"], key)
            .unwrap_or_else(|| panic!("{key} missing from {}", row["deviation"]));
        assert!(deviation.abs() < 0.5, "{key} deviates by {deviation}");
    }
    assert!(row["deviation"]["rounded_shoulder_deg"].is_null(), "{row}");
    let verdict = row["verdict"].as_str().expect("verdict");
    assert!(
        ["upright", "low_confidence"].contains(&verdict),
        "the baseline itself judged {verdict}"
    );
    // Plausible absolute values for an upright sitter facing the camera.
    let metrics = &row["metrics"];
    assert_eq!(metrics["view"], "front");
    let head_roll = number(metrics, "head_roll_deg").expect("head roll");
    assert!(head_roll.abs() < 20.0, "{head_roll}");
    Ok(())
}

#[test]
fn analyze_without_baseline_carries_metrics_only() {
    let (output, stdout, stderr) = run(plumbline().arg("analyze").arg(fixture("grace_hopper.jpg")));
    assert!(output.status.success(), "{stderr}");
    let row = &rows(&stdout)[0];
    assert!(row.get("metrics").is_some());
    assert!(row.get("deviation").is_none());
    assert!(row.get("verdict").is_none());
    assert_finite(row, "row");
}

#[test]
fn calibrate_and_analyze_the_video() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = folder.path().join("baseline.json");
    let (output, stdout, stderr) = run(plumbline()
        .arg("calibrate")
        .arg(fixture("carphone.mp4"))
        .arg("--out")
        .arg(&baseline));
    // The man in the car moves and talks: calibration may be refused, but only by a named gate.
    if !output.status.success() {
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stdout.contains("✘"), "{stdout}");
        assert!(stderr.contains("calibration failed"), "{stderr}");
        return Ok(());
    }
    let (output, stdout, stderr) = run(plumbline()
        .args(["analyze", "--format", "jsonl"])
        .arg(fixture("carphone.mp4"))
        .arg("--baseline")
        .arg(&baseline));
    assert!(output.status.success(), "{stderr}");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 120);
    for row in &rows {
        assert_finite(row, "row");
        assert!(row["verdict"].is_string());
        if let Some(forward) = number(&row["metrics"], "forward_head_deg") {
            assert!((-60.0..60.0).contains(&forward), "{forward}");
        }
    }
    Ok(())
}

#[test]
fn calibrating_on_an_empty_scene_fails_with_the_gate_and_what_to_do() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let grey = folder.path().join("grey.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([128, 128, 128]))
        .save(&grey)
        .expect("writes a test image");
    let baseline = folder.path().join("baseline.json");
    let (output, stdout, stderr) = run(plumbline()
        .arg("calibrate")
        .arg(&grey)
        .arg("--out")
        .arg(&baseline));
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stdout.contains("✘"), "{stdout}");
    assert!(stderr.contains("calibration failed"), "{stderr}");
    assert!(!baseline.exists());
    Ok(())
}

#[test]
fn csv_rows_carry_the_verdict_column() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = portrait_baseline(folder.path());
    let (output, stdout, stderr) = run(plumbline()
        .args(["analyze", "--format", "csv"])
        .arg(fixture("grace_hopper.jpg"))
        .arg("--baseline")
        .arg(&baseline));
    assert!(output.status.success(), "{stderr}");
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    assert_eq!(header.len(), row.len());
    assert_eq!(header.last(), Some(&"verdict"));
    assert!(!row.last().expect("cell").is_empty());
    Ok(())
}

#[test]
fn monitor_prints_events_as_json_lines_on_the_video() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = portrait_baseline(folder.path());
    let (output, stdout, stderr) = run(plumbline()
        .arg("monitor")
        .arg(fixture("carphone.mp4"))
        .arg("--baseline")
        .arg(&baseline)
        .args([
            "--start",
            "2026-11-22T09:00:00+01:00",
            "--prompt-delay",
            "5",
        ]));
    assert!(output.status.success(), "{stderr}");
    let lines = rows(&stdout);
    let last = lines.last().expect("a finished line");
    assert_eq!(last["event"], "finished");
    assert_eq!(last["frames"], 120);
    let analysed = last["frames_analysed"].as_u64().expect("count");
    assert!((4..=40).contains(&analysed), "{analysed} frames analysed");
    for line in &lines[..lines.len() - 1] {
        let event = line["event"].as_str().expect("event name");
        assert!(
            ["state_changed", "prompt", "break_taken", "snooze_ended"].contains(&event),
            "{line}"
        );
        let at = line["at"].as_str().expect("absolute time");
        assert!(at.starts_with("2026-11-22T08:00:0"), "{at}");
        let at_s = line["at_s"].as_f64().expect("time");
        assert!((0.0..=4.1).contains(&at_s), "{at_s}");
    }
    Ok(())
}

#[test]
fn monitor_refuses_a_missing_baseline_with_the_fix() {
    let (output, _, stderr) = run(plumbline()
        .arg("monitor")
        .arg(fixture("carphone.mp4"))
        .args(["--baseline", "/nonexistent/baseline.json"]));
    assert!(!output.status.success());
    assert!(stderr.contains("plumbline calibrate"), "{stderr}");
    assert!(stderr.contains("/nonexistent/baseline.json"), "{stderr}");
}

#[test]
fn monitor_records_history_that_report_and_export_read_back() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = portrait_baseline(folder.path());
    let db = folder.path().join("history.db");
    let (output, _, stderr) = run(plumbline()
        .arg("monitor")
        .arg(fixture("carphone.mp4"))
        .arg("--baseline")
        .arg(&baseline)
        .arg("--db")
        .arg(&db)
        .args(["--start", "2026-11-22T12:00:00Z"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");

    let (output, stdout, stderr) = run(plumbline()
        .args(["report", "--date", "2026-11-22", "--db"])
        .arg(&db)
        .env("TZ", "UTC"));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("2026-11-22"), "{stdout}");
    assert!(stdout.contains("12:00"), "{stdout}");

    let (output, stdout, stderr) = run(plumbline()
        .args([
            "export",
            "--from",
            "2026-11-22",
            "--to",
            "2026-11-22",
            "--format",
            "jsonl",
            "--db",
        ])
        .arg(&db)
        .env("TZ", "UTC"));
    assert!(output.status.success(), "{stderr}");
    let records = rows(&stdout);
    let samples = records
        .iter()
        .filter(|record| record["record"] == "sample")
        .count();
    // The 4-second video gives one sample per second.
    assert!((4..=5).contains(&samples), "{samples} samples");
    assert!(
        records
            .iter()
            .any(|record| record["kind"] == "state_change")
    );
    Ok(())
}

#[test]
fn a_recording_across_midnight_is_split_into_its_two_days() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let baseline = portrait_baseline(folder.path());
    let db = folder.path().join("history.db");
    let (output, _, stderr) = run(plumbline()
        .arg("monitor")
        .arg(fixture("carphone.mp4"))
        .arg("--baseline")
        .arg(&baseline)
        .arg("--db")
        .arg(&db)
        .args(["--start", "2026-11-22T23:59:58Z"])
        .env("TZ", "UTC"));
    assert!(output.status.success(), "{stderr}");
    let report = |date: &str| {
        let (output, stdout, stderr) = run(plumbline()
            .args(["report", "--date", date, "--db"])
            .arg(&db)
            .env("TZ", "UTC"));
        assert!(output.status.success(), "{stderr}");
        stdout
    };
    let (before, after) = (report("2026-11-22"), report("2026-11-23"));
    for (text, hour) in [(&before, "  23:00  |"), (&after, "  00:00  |")] {
        assert!(text.contains("Monitored"), "{text}");
        assert!(text.contains(hour), "{text}");
        assert!(!text.contains("Nothing was recorded"), "{text}");
    }
    assert!(!before.contains("  00:00  |"), "{before}");
    Ok(())
}

#[test]
fn report_on_a_missing_database_says_so() {
    let (output, _, stderr) = run(plumbline().args(["report", "--db", "/nonexistent/history.db"]));
    assert!(!output.status.success());
    assert!(stderr.contains("/nonexistent/history.db"), "{stderr}");
}

/// Real BlazePose output must be judged, not dismissed as uncertain: against a baseline taken
/// from its own first frame, most frames of the real video get a posture verdict.
#[test]
fn real_video_frames_are_judged_with_confidence() {
    use plumbline::geometry::{self, CameraIntrinsics, Thresholds};
    use plumbline::models::ModelLocator;
    use plumbline::pose::{BlazePose, FrameMode, LandmarkModel, PoseEstimator};
    use plumbline::verdict::Verdict;

    let locator = ModelLocator::in_dir(support::models_dir());
    let mut estimator =
        BlazePose::new(&locator, LandmarkModel::Lite, FrameMode::Video).expect("engine");
    let mut frames =
        plumbline::source::open_path(&fixture("carphone_640x480.mp4"), 1.0).expect("video");
    let mut poses = Vec::new();
    while let Some(frame) = frames.next_frame().expect("decodes") {
        poses.push(
            estimator
                .estimate(&frame.image, frame.time_s)
                .expect("runs"),
        );
    }
    let camera = CameraIntrinsics::new(640, 480);
    let baseline = geometry::calibrate_needing(&poses[..1], &camera, 1)
        .1
        .expect("baseline from the first frame");
    let verdicts: Vec<Verdict> = poses
        .iter()
        .map(|pose| {
            geometry::analyze(pose.as_ref(), &baseline, &Thresholds::default())
                .judgement
                .verdict
        })
        .collect();
    let judged = verdicts
        .iter()
        .filter(|verdict| **verdict != Verdict::LowConfidence)
        .count();
    eprintln!("{judged} of {} frames judged", verdicts.len());
    assert!(judged * 2 >= verdicts.len(), "{verdicts:?}");
}
