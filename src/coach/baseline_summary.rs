//! A calibrated baseline in words, for the terminal (`calibrate`) and the window: where the
//! person sat, the measured angles, where the camera is, and what to change in the set-up.

use crate::geometry::Baseline;

fn degrees(value: Option<f32>) -> String {
    value.map_or_else(|| "—".to_string(), |value| format!("{value:.1}°"))
}

/// A short summary of a baseline for the terminal and the app.
pub fn summarize(baseline: &Baseline) -> Vec<(String, String)> {
    let metrics = &baseline.metrics;
    vec![
        ("View".to_string(), baseline.view.as_str().to_string()),
        ("Frames used".to_string(), baseline.frames_used.to_string()),
        (
            "Resolution".to_string(),
            format!("{}×{}", baseline.image_width, baseline.image_height),
        ),
        (
            "Position in frame".to_string(),
            format!(
                "shoulders at {:.0} % across, {:.0} % down; shoulder width {:.0} % of the frame",
                baseline.subject.x * 100.0,
                baseline.subject.y * 100.0,
                baseline.subject.size * 100.0
            ),
        ),
        (
            "Head forward (ear over shoulder)".to_string(),
            degrees(metrics.forward_head_deg),
        ),
        ("Head pitch".to_string(), degrees(metrics.head_pitch_deg)),
        (
            "Camera".to_string(),
            match &baseline.reference.face {
                Some(face) => format!(
                    "about {:.0} cm from your face, {:.0}° {} eye level",
                    face.camera_distance_m * 100.0,
                    face.camera_below_eyes_deg.abs(),
                    if face.camera_below_eyes_deg >= 0.0 {
                        "below"
                    } else {
                        "above"
                    }
                ),
                None => "not measured (the face model did not see your face)".to_string(),
            },
        ),
        ("Head tilt".to_string(), degrees(metrics.head_roll_deg)),
        (
            "Shoulder tilt".to_string(),
            degrees(metrics.shoulder_roll_deg),
        ),
    ]
    .into_iter()
    .chain(
        super::setup::advice_for_baseline(baseline)
            .into_iter()
            .map(|advice| ("To change".to_string(), advice.line())),
    )
    .collect()
}
