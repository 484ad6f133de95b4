//! The image-level accuracy benchmark: per-subject tables of plumbline's forward head, verdicts
//! and looking-down reading on rendered people with known posture, through the real path (image →
//! BlazePose + face mesh → metrics → verdict).
//!
//! ```sh
//! cargo run --release --example synth_accuracy                  # the committed held-out fixtures
//! cargo run --release --example synth_accuracy -- DIR [--frames] # any folder made by
//!                                                                # scripts/make_synth_fixtures.py
//! ```

// The evaluation code is the accuracy tests' own (tests/support/synth_eval.rs), where a failed
// expect is a failed test; here it stops the benchmark with that message.
#[allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "../tests/support/synth_eval.rs"]
mod synth_eval;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_frames = args.iter().any(|a| a == "--frames");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/fixtures/synth"));
    let index = synth_eval::Index::load(&dir);
    let mut estimator = synth_eval::still_estimator(&root.join("models"));
    let mut rows = Vec::new();
    for (subject, setup) in &index.subjects {
        for camera in ["webcam", "side_left"] {
            if !index
                .frames
                .iter()
                .any(|f| &f.subject == subject && f.camera == camera)
            {
                continue;
            }
            let run = synth_eval::run_subject(&dir, &index, subject, camera, &mut estimator);
            if show_frames {
                print!("{}", synth_eval::frame_lines(&run));
            }
            let mut stats = synth_eval::stats(&run);
            if let Some(setup) = setup {
                stats.webcam = format!("{} ({})", stats.webcam, setup.split);
            }
            rows.push(stats);
        }
    }
    println!("{}", synth_eval::table(&rows));
}
