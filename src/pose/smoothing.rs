//! Temporal smoothing of landmarks: the one-euro filter with MediaPipe's pose parameters.
//!
//! The one-euro filter (Casiez et al. 2012) is a low-pass filter whose cutoff rises with speed:
//! still points are smoothed hard (no jitter), fast ones lightly (no lag). MediaPipe filters each
//! coordinate in pixels with the speed measured in object sizes per second, so a person close to
//! the camera and one far away are treated alike. Visibility is smoothed by a plain low-pass.

use std::f64::consts::PI;

use super::types::{LANDMARK_COUNT, Landmark, WorldLandmark};

/// Parameters of one one-euro filter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneEuroParams {
    /// Cutoff frequency (Hz) when the value is still.
    pub min_cutoff: f64,
    /// How fast the cutoff rises with speed.
    pub beta: f64,
    /// Cutoff (Hz) of the speed estimate's own low-pass.
    pub derivative_cutoff: f64,
}

/// Body landmarks (MediaPipe pose_landmark_filtering: min_cutoff 0.05, beta 80, d_cutoff 1).
pub const LANDMARK_PARAMS: OneEuroParams = OneEuroParams {
    min_cutoff: 0.05,
    beta: 80.0,
    derivative_cutoff: 1.0,
};

/// Auxiliary landmarks that place the next crop: smoothed harder so the crop is steady.
pub const AUXILIARY_PARAMS: OneEuroParams = OneEuroParams {
    min_cutoff: 0.01,
    beta: 10.0,
    derivative_cutoff: 1.0,
};

/// World landmarks in metres (no scaling by object size).
pub const WORLD_PARAMS: OneEuroParams = OneEuroParams {
    min_cutoff: 0.1,
    beta: 40.0,
    derivative_cutoff: 1.0,
};

/// Weight of the new visibility sample (MediaPipe `VisibilitySmoothingCalculator`, alpha 0.1).
const VISIBILITY_ALPHA: f32 = 0.1;

/// Sample rate assumed until two timestamps give a real one (MediaPipe's default, 30 Hz).
const DEFAULT_FREQUENCY: f64 = 30.0;

/// Objects smaller than this (pixels) are not smoothed (MediaPipe `min_allowed_object_scale`).
const MIN_OBJECT_SCALE: f32 = 1e-6;

/// Exponential low-pass whose first sample passes through.
#[derive(Clone, Copy, Debug, Default)]
pub struct LowPass {
    stored: Option<f64>,
    last_raw: f64,
}

impl LowPass {
    pub fn apply(&mut self, value: f64, alpha: f64) -> f64 {
        let result = match self.stored {
            Some(stored) => alpha * value + (1.0 - alpha) * stored,
            None => value,
        };
        self.stored = Some(result);
        self.last_raw = value;
        result
    }

    fn last_raw(&self) -> Option<f64> {
        self.stored.map(|_| self.last_raw)
    }
}

/// A one-euro filter for one scalar.
#[derive(Clone, Copy, Debug)]
pub struct OneEuro {
    params: OneEuroParams,
    value: LowPass,
    speed: LowPass,
    last_time: Option<f64>,
    frequency: f64,
}

impl OneEuro {
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            value: LowPass::default(),
            speed: LowPass::default(),
            last_time: None,
            frequency: DEFAULT_FREQUENCY,
        }
    }

    fn alpha(&self, cutoff: f64) -> f64 {
        let time_constant = 1.0 / (2.0 * PI * cutoff);
        1.0 / (1.0 + time_constant * self.frequency)
    }

    /// Filters `value` sampled at `time_s`. `value_scale` converts the value's change into the
    /// unit the speed is judged in (1 / object size). A timestamp that does not advance returns
    /// the value unfiltered.
    pub fn apply(&mut self, time_s: f64, value_scale: f64, value: f64) -> f64 {
        if let Some(last) = self.last_time {
            if time_s <= last {
                return value;
            }
            self.frequency = 1.0 / (time_s - last);
        }
        self.last_time = Some(time_s);
        let speed = match self.value.last_raw() {
            Some(previous) => (value - previous) * value_scale * self.frequency,
            None => 0.0,
        };
        let smoothed_speed = self
            .speed
            .apply(speed, self.alpha(self.params.derivative_cutoff));
        let cutoff = self.params.min_cutoff + self.params.beta * smoothed_speed.abs();
        self.value.apply(value, self.alpha(cutoff))
    }
}

/// How a set of landmarks is scaled before its speed is judged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueScale {
    /// Divide by the given object size in pixels.
    ObjectSize(f32),
    /// Divide by the mean of the points' own bounding-box width and height.
    OwnBoundingBox,
    /// Do not scale (world landmarks in metres).
    None,
}

/// One-euro filters for x, y, z of N points, plus a low-pass on visibility.
#[derive(Clone, Debug)]
pub struct PointSetSmoother {
    params: OneEuroParams,
    filters: Vec<[OneEuro; 3]>,
    visibility: Vec<LowPass>,
}

impl PointSetSmoother {
    pub fn new(params: OneEuroParams, points: usize) -> Self {
        Self {
            params,
            filters: vec![[OneEuro::new(params); 3]; points],
            visibility: vec![LowPass::default(); points],
        }
    }

    pub fn reset(&mut self) {
        *self = Self::new(self.params, self.filters.len());
    }

    /// Smooths landmarks in frame pixels in place.
    pub fn smooth_landmarks(&mut self, time_s: f64, scale: ValueScale, landmarks: &mut [Landmark]) {
        let object_size = match scale {
            ValueScale::ObjectSize(size) => Some(size),
            ValueScale::OwnBoundingBox => Some(bounding_box_scale(landmarks)),
            ValueScale::None => None,
        };
        if let Some(size) = object_size
            && size < MIN_OBJECT_SCALE
        {
            return;
        }
        let value_scale = object_size.map_or(1.0, |size| 1.0 / size as f64);
        for ((landmark, filters), visibility) in landmarks
            .iter_mut()
            .zip(self.filters.iter_mut())
            .zip(self.visibility.iter_mut())
        {
            landmark.x = filters[0].apply(time_s, value_scale, landmark.x as f64) as f32;
            landmark.y = filters[1].apply(time_s, value_scale, landmark.y as f64) as f32;
            landmark.z = filters[2].apply(time_s, value_scale, landmark.z as f64) as f32;
            landmark.visibility =
                visibility.apply(landmark.visibility as f64, VISIBILITY_ALPHA as f64) as f32;
        }
    }

    /// Smooths world landmarks (metres) in place, without object scaling.
    pub fn smooth_world(&mut self, time_s: f64, points: &mut [WorldLandmark]) {
        for (point, filters) in points.iter_mut().zip(self.filters.iter_mut()) {
            for (value, filter) in point.iter_mut().zip(filters.iter_mut()) {
                *value = filter.apply(time_s, 1.0, *value as f64) as f32;
            }
        }
    }
}

/// Mean of the bounding box's width and height in pixels (MediaPipe `GetObjectScale`).
pub fn bounding_box_scale(landmarks: &[Landmark]) -> f32 {
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
    );
    for landmark in landmarks {
        min_x = min_x.min(landmark.x);
        max_x = max_x.max(landmark.x);
        min_y = min_y.min(landmark.y);
        max_y = max_y.max(landmark.y);
    }
    if landmarks.is_empty() {
        return 0.0;
    }
    ((max_x - min_x) + (max_y - min_y)) / 2.0
}

/// The smoothing state of one tracked person.
#[derive(Clone, Debug)]
pub struct PoseSmoother {
    pub auxiliary: PointSetSmoother,
    pub body: PointSetSmoother,
    pub world: PointSetSmoother,
}

impl Default for PoseSmoother {
    fn default() -> Self {
        Self {
            auxiliary: PointSetSmoother::new(AUXILIARY_PARAMS, 2),
            body: PointSetSmoother::new(LANDMARK_PARAMS, LANDMARK_COUNT),
            world: PointSetSmoother::new(WORLD_PARAMS, LANDMARK_COUNT),
        }
    }
}

impl PoseSmoother {
    pub fn reset(&mut self) {
        self.auxiliary.reset();
        self.body.reset();
        self.world.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sample_passes_through() {
        let mut filter = OneEuro::new(LANDMARK_PARAMS);
        assert_eq!(filter.apply(0.0, 0.01, 42.0), 42.0);
    }

    #[test]
    fn still_signal_with_jitter_is_damped_hard() {
        let mut filter = OneEuro::new(LANDMARK_PARAMS);
        let mut outputs = Vec::new();
        for frame in 0..300 {
            let jitter = if frame % 2 == 0 { 1.0 } else { -1.0 };
            outputs.push(filter.apply(frame as f64 / 30.0, 1.0 / 200.0, 100.0 + jitter));
        }
        let tail = &outputs[200..];
        let spread = tail.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            - tail.iter().cloned().fold(f64::INFINITY, f64::min);
        assert!(spread < 0.5, "jitter of ±1 px left a spread of {spread}");
    }

    #[test]
    fn fast_motion_is_followed_with_little_lag() {
        let mut filter = OneEuro::new(LANDMARK_PARAMS);
        let mut last = 0.0;
        for frame in 0..30 {
            // 10 px per frame on an object of 200 px: 1.5 object sizes per second.
            last = filter.apply(frame as f64 / 30.0, 1.0 / 200.0, frame as f64 * 10.0);
        }
        assert!((290.0 - last).abs() < 15.0, "lagged to {last}");
    }

    #[test]
    fn repeated_timestamp_returns_the_raw_value() {
        let mut filter = OneEuro::new(LANDMARK_PARAMS);
        filter.apply(1.0, 1.0, 10.0);
        assert_eq!(filter.apply(1.0, 1.0, 50.0), 50.0);
    }

    #[test]
    fn low_pass_weights_new_samples_by_alpha() {
        let mut low_pass = LowPass::default();
        assert_eq!(low_pass.apply(1.0, 0.1), 1.0);
        assert!((low_pass.apply(0.0, 0.1) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn bounding_box_scale_is_the_mean_of_width_and_height() {
        let points = [
            Landmark {
                x: 10.0,
                y: 20.0,
                ..Landmark::default()
            },
            Landmark {
                x: 30.0,
                y: 80.0,
                ..Landmark::default()
            },
        ];
        assert_eq!(bounding_box_scale(&points), 40.0);
    }

    #[test]
    fn reset_forgets_the_past() {
        let mut smoother = PointSetSmoother::new(LANDMARK_PARAMS, 1);
        let mut points = [Landmark {
            x: 10.0,
            y: 10.0,
            visibility: 1.0,
            ..Landmark::default()
        }];
        smoother.smooth_landmarks(0.0, ValueScale::ObjectSize(100.0), &mut points);
        smoother.reset();
        let mut moved = [Landmark {
            x: 90.0,
            y: 90.0,
            visibility: 0.0,
            ..Landmark::default()
        }];
        smoother.smooth_landmarks(0.1, ValueScale::ObjectSize(100.0), &mut moved);
        assert_eq!(moved[0].x, 90.0);
        assert_eq!(moved[0].visibility, 0.0);
    }
}
