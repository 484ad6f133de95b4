//! How often to analyse: an adaptive rate (slower while posture is steady, faster while it is
//! drifting or being calibrated) and a cheap test for frames that barely differ from the last
//! analysed one, whose pose can then be reused. Pure functions, tested without threads.

use image::RgbImage;

use crate::monitor::MonitorState;

/// Analysis rate while calibrating, whatever the base rate: the baseline's noise becomes a fixed
/// offset on every later measurement, so its few seconds get the densest sampling (≈ 50 frames
/// in [`super::CALIBRATION_SECONDS`]; ≈ 7 % of a core for those seconds with the full model).
pub const CALIBRATION_FPS: f32 = 10.0;
/// Rate multipliers by state, relative to the configured base rate.
const DRIFTING_FACTOR: f32 = 2.0;
const STEADY_FACTOR: f32 = 0.5;
const AWAY_FACTOR: f32 = 0.5;
/// Upright this long counts as steady.
const STEADY_AFTER_S: f64 = 60.0;
/// Bounds of the effective rate.
const MIN_FPS: f32 = 0.2;
const MAX_FPS: f32 = 8.0;

/// Frames per second to analyse in `state`, entered `since_s` seconds ago.
pub fn analysis_rate(base_fps: f32, state: MonitorState, in_state_s: f64) -> f32 {
    let factor = match state {
        MonitorState::Calibrating => return CALIBRATION_FPS,
        MonitorState::Drifting | MonitorState::Slouching => DRIFTING_FACTOR,
        MonitorState::Upright if in_state_s >= STEADY_AFTER_S => STEADY_FACTOR,
        MonitorState::Away => AWAY_FACTOR,
        _ => 1.0,
    };
    (base_fps * factor).clamp(MIN_FPS, MAX_FPS)
}

/// Side of the grey thumbnail compared between frames.
const THUMB_WIDTH: u32 = 32;
const THUMB_HEIGHT: u32 = 24;
/// Pixels skipped between samples, in each direction.
const THUMB_STEP: usize = 4;
/// Mean absolute difference (grey levels, 0–255) under which two frames count as unchanged.
/// Sensor noise of a still webcam scene stays around 1; a head moving a few pixels at 640×480
/// gives several.
pub const UNCHANGED_LEVEL: f32 = 1.5;
/// Even an unchanged scene is analysed again at least this often (seconds).
pub const MAX_REUSE_S: f64 = 10.0;

/// A small grey picture of a frame, for change detection.
#[derive(Clone, Debug, PartialEq)]
pub struct Thumbnail(Vec<f32>);

impl Thumbnail {
    /// Box-averaged grey thumbnail of `image`.
    pub fn of(image: &RgbImage) -> Self {
        let (width, height) = image.dimensions();
        let mut cells = vec![0.0f32; (THUMB_WIDTH * THUMB_HEIGHT) as usize];
        let mut counts = vec![0u32; cells.len()];
        if width == 0 || height == 0 {
            return Self(cells);
        }
        // Every fourth pixel in each direction still averages 25 samples per cell at 640×480
        // (enough to flatten sensor noise) and costs a sixteenth of reading every pixel: with
        // every second pixel the thumbnail alone took 0.6 % of a core at the default rate.
        for y in (0..height).step_by(THUMB_STEP) {
            let row = (y * THUMB_HEIGHT / height) as usize;
            for x in (0..width).step_by(THUMB_STEP) {
                let column = (x * THUMB_WIDTH / width) as usize;
                let [r, g, b] = image.get_pixel(x, y).0;
                let index = row * THUMB_WIDTH as usize + column;
                cells[index] += 0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32;
                counts[index] += 1;
            }
        }
        for (cell, count) in cells.iter_mut().zip(counts) {
            *cell /= count.max(1) as f32;
        }
        Self(cells)
    }

    /// Mean absolute grey-level difference to `other`.
    pub fn difference(&self, other: &Thumbnail) -> f32 {
        let total: f32 = self
            .0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| (a - b).abs())
            .sum();
        total / self.0.len().max(1) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_speeds_up_while_drifting_and_slows_when_steady() {
        assert_eq!(analysis_rate(2.0, MonitorState::Upright, 5.0), 2.0);
        assert_eq!(analysis_rate(2.0, MonitorState::Upright, 120.0), 1.0);
        assert_eq!(analysis_rate(2.0, MonitorState::Drifting, 1.0), 4.0);
        assert_eq!(analysis_rate(2.0, MonitorState::Slouching, 1.0), 4.0);
        assert_eq!(
            analysis_rate(2.0, MonitorState::Calibrating, 0.0),
            CALIBRATION_FPS
        );
        assert_eq!(
            analysis_rate(0.5, MonitorState::Calibrating, 0.0),
            CALIBRATION_FPS
        );
        assert_eq!(analysis_rate(6.0, MonitorState::Drifting, 0.0), 8.0);
        assert_eq!(analysis_rate(0.1, MonitorState::Away, 0.0), 0.2);
    }

    #[test]
    fn identical_and_noisy_frames_are_unchanged_a_moved_square_is_not() {
        let scene = |offset: u32, noise: u8| {
            RgbImage::from_fn(640, 480, |x, y| {
                let inside = (200 + offset..300 + offset).contains(&x) && (100..260).contains(&y);
                let base = if inside { 200 } else { 60 };
                let jitter = ((x * 7 + y * 13) % 3) as u8 * noise;
                image::Rgb([base + jitter, base + jitter, base + jitter])
            })
        };
        let reference = Thumbnail::of(&scene(0, 0));
        assert_eq!(reference.difference(&Thumbnail::of(&scene(0, 0))), 0.0);
        assert!(reference.difference(&Thumbnail::of(&scene(0, 1))) < UNCHANGED_LEVEL);
        assert!(reference.difference(&Thumbnail::of(&scene(30, 0))) > UNCHANGED_LEVEL);
    }

    #[test]
    fn tiny_and_empty_images_do_not_panic() {
        let tiny = Thumbnail::of(&RgbImage::new(3, 2));
        let empty = Thumbnail::of(&RgbImage::new(0, 0));
        assert_eq!(tiny.difference(&empty), 0.0);
    }
}
