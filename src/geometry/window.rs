//! Smoothing over time: the last few seconds of per-frame [`Metrics`] reduced to one robust
//! estimate (interquartile means, [`interquartile_mean_metrics`]), which is what gets judged, shown and
//! stored. One frame's depth cues scatter by several degrees; a window of a few seconds is the
//! time scale at which a posture monitor decides anyway (it prompts only after 30 s of net bad
//! posture).

use std::collections::VecDeque;

use super::baseline::Baseline;
use super::frame_metrics::{Metrics, interquartile_mean_metrics};
use super::judge::{Analysis, Thresholds, judge};
use super::metrics::measure;
use crate::pose::Pose;

/// Seconds of frames smoothed together: ≈ 24 frames at the 4 fps analysis rate used while the
/// posture drifts (the ground-truth tests judge windows of 25 frames).
pub const SMOOTHING_S: f64 = 6.0;

/// A trailing window of per-frame metrics.
#[derive(Clone, Debug, Default)]
pub struct MetricsWindow {
    span_s: f64,
    frames: VecDeque<(f64, Metrics)>,
}

impl MetricsWindow {
    /// A window over the last `span_s` seconds.
    pub fn new(span_s: f64) -> Self {
        Self {
            span_s,
            frames: VecDeque::new(),
        }
    }

    /// Adds one frame's metrics (`None`: nobody in view, which empties the window so the
    /// person's return starts fresh) and returns the smoothed metrics. The window also starts
    /// over when the view changes or time runs backwards (a new video, a restarted source).
    pub fn push(&mut self, time_s: f64, metrics: Option<Metrics>) -> Option<Metrics> {
        let Some(metrics) = metrics else {
            self.frames.clear();
            return None;
        };
        let restart = self
            .frames
            .back()
            .is_some_and(|(t, last)| time_s < *t || last.view != metrics.view);
        if restart {
            self.frames.clear();
        }
        self.frames.push_back((time_s, metrics));
        while self
            .frames
            .front()
            .is_some_and(|(t, _)| time_s - t > self.span_s)
        {
            self.frames.pop_front();
        }
        let current: Vec<Metrics> = self.frames.iter().map(|(_, m)| *m).collect();
        interquartile_mean_metrics(&current)
    }

    /// Forgets every frame (after a new baseline).
    pub fn clear(&mut self) {
        self.frames.clear();
    }

    /// Frames in the window.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True when the window holds no frame.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

/// Measures one frame, adds it to `window` and judges the smoothed metrics against the
/// baseline: the windowed form of [`super::analyze`].
pub fn analyze_smoothed(
    window: &mut MetricsWindow,
    time_s: f64,
    pose: Option<&Pose>,
    baseline: &Baseline,
    thresholds: &Thresholds,
) -> Analysis {
    let frame = pose.map(|p| measure(p, &baseline.camera, Some(baseline)));
    let metrics = window.push(time_s, frame);
    let judgement = judge(metrics.as_ref(), baseline, thresholds);
    Analysis { metrics, judgement }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::View;

    fn with_forward_head(deg: f32) -> Metrics {
        Metrics {
            forward_head_deg: Some(deg),
            forward_head_confidence: 0.9,
            ..Metrics::default()
        }
    }

    #[test]
    fn smooths_over_the_span_and_drops_old_frames() {
        let mut w = MetricsWindow::new(2.0);
        for (t, v) in [(0.0, 10.0), (0.5, 30.0), (1.0, 12.0), (1.5, 11.0)] {
            w.push(t, Some(with_forward_head(v)));
        }
        // Five frames: the interquartile mean drops the 10 and the 30.
        let m = w.push(2.0, Some(with_forward_head(13.0))).expect("metrics");
        assert_eq!(w.len(), 5);
        assert!(
            (m.forward_head_deg.expect("value") - 12.0).abs() < 1e-4,
            "{m:?}"
        );
        // At t = 3.2 only the frames from 1.5 on remain (three: nothing is trimmed).
        let m = w.push(3.2, Some(with_forward_head(14.0))).expect("metrics");
        assert_eq!(w.len(), 3);
        assert!(
            (m.forward_head_deg.expect("value") - 38.0 / 3.0).abs() < 1e-4,
            "{m:?}"
        );
    }

    #[test]
    fn restarts_on_absence_view_change_and_time_going_back() {
        let mut w = MetricsWindow::new(5.0);
        w.push(0.0, Some(with_forward_head(10.0)));
        w.push(1.0, Some(with_forward_head(10.0)));
        assert!(w.push(2.0, None).is_none());
        assert!(w.is_empty());
        w.push(3.0, Some(with_forward_head(10.0)));
        let side = Metrics {
            view: View::Side,
            ..with_forward_head(40.0)
        };
        let m = w.push(4.0, Some(side)).expect("metrics");
        assert_eq!((w.len(), m.view), (1, View::Side));
        w.push(1.0, Some(with_forward_head(5.0)));
        assert_eq!(w.len(), 1);
    }
}
