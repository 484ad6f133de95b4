//! Locking onto the calibrated person: a frame's subject counts only if it sits roughly where,
//! and appears roughly as large as, the person who calibrated. Anyone else (a passer-by, a
//! colleague leaning in) must neither clear nor trigger alerts.

use super::config::MonitorConfig;
use super::event::SubjectBox;

/// How far a subject may be from the calibrated one and still count as the same person.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubjectLock {
    /// Largest centre shift, as a fraction of the frame width (x) or height (y).
    pub max_shift: f32,
    /// Smallest size ratio to the calibrated subject.
    pub min_size_ratio: f32,
    /// Largest size ratio to the calibrated subject.
    pub max_size_ratio: f32,
}

impl SubjectLock {
    /// The lock limits from the monitor settings.
    pub fn from_config(config: &MonitorConfig) -> SubjectLock {
        SubjectLock {
            max_shift: config.subject_max_shift,
            min_size_ratio: config.subject_min_size_ratio,
            max_size_ratio: config.subject_max_size_ratio,
        }
    }

    /// True when `seen` may be the person in `baseline`. With no baseline box, or no box for
    /// the frame, everyone counts (the caller could not tell people apart). A baseline of zero
    /// size cannot be compared by size, so only the position is checked.
    pub fn matches(&self, baseline: Option<&SubjectBox>, seen: Option<&SubjectBox>) -> bool {
        let (Some(base), Some(seen)) = (baseline, seen) else {
            return true;
        };
        let shift_x = (seen.center_x - base.center_x).abs();
        let shift_y = (seen.center_y - base.center_y).abs();
        // NaN compares false everywhere, so a garbled box fails the test below and is ignored.
        let position_ok = shift_x <= self.max_shift && shift_y <= self.max_shift;
        let size_ok = if base.size > 0.0 {
            let ratio = seen.size / base.size;
            ratio >= self.min_size_ratio && ratio <= self.max_size_ratio
        } else {
            true
        };
        position_ok && size_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(center_x: f32, center_y: f32, size: f32) -> SubjectBox {
        SubjectBox {
            center_x,
            center_y,
            size,
        }
    }

    #[test]
    fn table_of_subjects_against_a_centred_baseline() {
        let lock = SubjectLock::from_config(&MonitorConfig::default());
        let base = boxed(0.5, 0.5, 0.4);
        let cases = [
            ("same place", boxed(0.5, 0.5, 0.4), true),
            ("shifted in the chair", boxed(0.62, 0.55, 0.42), true),
            ("just inside the shift limit", boxed(0.84, 0.5, 0.4), true),
            ("beside the user", boxed(0.9, 0.5, 0.4), false),
            ("far left", boxed(0.1, 0.5, 0.4), false),
            ("standing up high", boxed(0.5, 0.1, 0.4), false),
            ("small, behind the user", boxed(0.5, 0.5, 0.2), false),
            ("leaning in close", boxed(0.5, 0.5, 0.7), false),
            ("a bit closer", boxed(0.5, 0.5, 0.6), true),
            ("a bit further", boxed(0.5, 0.5, 0.25), true),
            ("garbled", boxed(f32::NAN, 0.5, 0.4), false),
        ];
        for (name, seen, expected) in cases {
            assert_eq!(lock.matches(Some(&base), Some(&seen)), expected, "{name}");
        }
    }

    #[test]
    fn without_boxes_everyone_counts() {
        let lock = SubjectLock::from_config(&MonitorConfig::default());
        let somewhere = boxed(0.9, 0.9, 0.1);
        assert!(lock.matches(None, Some(&somewhere)));
        assert!(lock.matches(Some(&somewhere), None));
        assert!(lock.matches(None, None));
    }
}
