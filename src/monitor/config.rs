//! The posture monitor's settings: every delay, interval and threshold the state machine uses,
//! with serde defaults (a settings file may name only what it changes) and one validation step
//! that turns nonsense into an error before the monitor ever runs.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Seconds a posture fault must have persisted (net of recovery) before `drifting` becomes
/// `slouching`. Peers enter after ≈8 bad frames at 4 fps (2 s), which users find naggy; half a
/// minute lets people shift, reach and stretch without being told off.
pub const DEFAULT_SLOUCH_DELAY_S: f64 = 30.0;

/// Seconds of bad-posture evidence forgiven per second of good posture while not yet slouching.
/// 1.0 is symmetric: ten bad seconds are cancelled by ten good ones.
pub const DEFAULT_RECOVERY_RATE: f64 = 1.0;

/// Seconds of continuous good posture (below the exit thresholds) that end `slouching`.
/// Peers leave after 5–8 good frames; 5 s is the same order at 2–5 fps.
pub const DEFAULT_EXIT_HOLD_S: f64 = 5.0;

/// Exit threshold as a fraction of the entry threshold. Peers use 0.5–0.7; 0.7 releases quickly
/// (a user ask) while still keeping a real band of hysteresis.
pub const DEFAULT_EXIT_RATIO: f32 = 0.7;

/// Forward-head deviation from the calibrated baseline (degrees) that counts as a fault.
/// ≈1.5× the 4.8° mean difference between adults with and without neck pain (Mahmoud 2019), so
/// ordinary fidgeting stays below it.
pub const DEFAULT_FORWARD_HEAD_THRESHOLD_DEG: f32 = 8.0;

/// Rounded-shoulder (protraction) deviation from the baseline (degrees) that counts as a fault.
/// No validated cut-off exists for a change from baseline; same order as the forward head one.
pub const DEFAULT_ROUNDED_SHOULDER_THRESHOLD_DEG: f32 = 8.0;

/// Sideways lean or tilt from the baseline (degrees) that counts as a fault. A judgement call:
/// small enough to catch propping on one elbow, large enough to ignore a head tilt while reading.
pub const DEFAULT_LATERAL_THRESHOLD_DEG: f32 = 8.0;

/// Frames whose confidence is below this are treated as `low_confidence` whatever their verdict.
/// The geometry's own gate should catch them first; this is a floor, not the main filter.
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.3;

/// Seconds of slouching between repeated posture prompts (the issue asks for 5 min).
pub const DEFAULT_REPEAT_INTERVAL_S: f64 = 300.0;

/// Minimum seconds of monitored presence between any two posture prompts, even across separate
/// slouching episodes, so someone flip-flopping around the threshold is not told every 35 s.
pub const DEFAULT_MIN_PROMPT_GAP_S: f64 = 60.0;

/// Highest escalation level a repeated prompt (posture or break) reaches.
pub const DEFAULT_MAX_ESCALATION: u8 = 3;

/// Seconds with nobody (or only someone else) in view before the state becomes `away`.
/// Peers pause after 15–30 frames at 4 fps, i.e. 4–8 s.
pub const DEFAULT_AWAY_DELAY_S: f64 = 5.0;

/// Seconds a frame's reading is trusted without a newer frame; after that the time is treated
/// as if nobody were in view (frames normally arrive every 0.2–0.5 s).
pub const DEFAULT_MAX_FRAME_GAP_S: f64 = 10.0;

/// Seconds present without a break before the first break reminder (45 min; BatesPosture uses
/// 50 min; static load builds up even in a good posture).
pub const DEFAULT_BREAK_INTERVAL_S: f64 = 45.0 * 60.0;

/// Seconds between repeated break reminders while a break is still not taken.
pub const DEFAULT_BREAK_REPEAT_S: f64 = 10.0 * 60.0;

/// Seconds of continuous absence that count as a break and reset the break counter.
pub const DEFAULT_BREAK_AWAY_S: f64 = 3.0 * 60.0;

/// Seconds of `moved` evidence (net) before suggesting a recalibration.
pub const DEFAULT_RECALIBRATE_DELAY_S: f64 = 20.0;

/// Seconds of continuously seeing only a person who does not match the calibrated one before
/// suggesting a recalibration (the camera may have moved so far that the user no longer
/// matches). Longer than the `moved` delay: a colleague leaning in should not trigger it.
pub const DEFAULT_STRANGER_RECALIBRATE_S: f64 = 60.0;

/// Minimum seconds between two recalibration suggestions.
pub const DEFAULT_RECALIBRATE_COOLDOWN_S: f64 = 10.0 * 60.0;

/// A subject whose box centre moved more than this fraction of the frame (horizontally, or
/// vertically as a fraction of the frame height) from the calibrated one is someone else.
/// A seated user shifting in the chair moves well under a third of the frame.
pub const DEFAULT_SUBJECT_MAX_SHIFT: f32 = 0.35;

/// A subject whose size is below this fraction of the calibrated size is someone else (a person
/// behind the user, or the user gone far from the desk).
pub const DEFAULT_SUBJECT_MIN_SIZE_RATIO: f32 = 0.6;

/// A subject whose size is above this multiple of the calibrated size is someone else (a person
/// leaning in close to the camera).
pub const DEFAULT_SUBJECT_MAX_SIZE_RATIO: f32 = 1.6;

/// Every setting of the posture state machine. Durations are seconds of timestamps passed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitorConfig {
    /// Net seconds of bad posture before `slouching` (see [`DEFAULT_SLOUCH_DELAY_S`]).
    pub slouch_delay_s: f64,
    /// Bad seconds forgiven per good second while drifting (see [`DEFAULT_RECOVERY_RATE`]).
    pub recovery_rate: f64,
    /// Continuous good seconds that end `slouching` (see [`DEFAULT_EXIT_HOLD_S`]).
    pub exit_hold_s: f64,
    /// Exit threshold = entry threshold × this (see [`DEFAULT_EXIT_RATIO`]).
    pub exit_ratio: f32,
    /// Entry threshold for forward-head deviation, degrees.
    pub forward_head_threshold_deg: f32,
    /// Entry threshold for rounded-shoulder deviation, degrees.
    pub rounded_shoulder_threshold_deg: f32,
    /// Entry threshold for sideways lean, degrees.
    pub lateral_threshold_deg: f32,
    /// Frames below this confidence count as `low_confidence`.
    pub min_confidence: f32,
    /// Seconds of slouching between repeated posture prompts.
    pub repeat_interval_s: f64,
    /// Minimum seconds of presence between any two posture prompts.
    pub min_prompt_gap_s: f64,
    /// Highest escalation level of repeated prompts (1 = never escalate).
    pub max_escalation: u8,
    /// Seconds with nobody of ours in view before `away`.
    pub away_delay_s: f64,
    /// Seconds one frame's reading is trusted without a newer frame.
    pub max_frame_gap_s: f64,
    /// Seconds present before the first break reminder.
    pub break_interval_s: f64,
    /// Seconds between repeated break reminders.
    pub break_repeat_s: f64,
    /// Seconds away that count as a break.
    pub break_away_s: f64,
    /// Net seconds of `moved` frames before a recalibration suggestion.
    pub recalibrate_delay_s: f64,
    /// Seconds seeing only an unmatched person before a recalibration suggestion.
    pub stranger_recalibrate_s: f64,
    /// Minimum seconds between recalibration suggestions.
    pub recalibrate_cooldown_s: f64,
    /// Largest centre shift (fraction of the frame) still counted as the calibrated person.
    pub subject_max_shift: f32,
    /// Smallest size ratio to the calibrated person still counted as them.
    pub subject_min_size_ratio: f32,
    /// Largest size ratio to the calibrated person still counted as them.
    pub subject_max_size_ratio: f32,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        MonitorConfig {
            slouch_delay_s: DEFAULT_SLOUCH_DELAY_S,
            recovery_rate: DEFAULT_RECOVERY_RATE,
            exit_hold_s: DEFAULT_EXIT_HOLD_S,
            exit_ratio: DEFAULT_EXIT_RATIO,
            forward_head_threshold_deg: DEFAULT_FORWARD_HEAD_THRESHOLD_DEG,
            rounded_shoulder_threshold_deg: DEFAULT_ROUNDED_SHOULDER_THRESHOLD_DEG,
            lateral_threshold_deg: DEFAULT_LATERAL_THRESHOLD_DEG,
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            repeat_interval_s: DEFAULT_REPEAT_INTERVAL_S,
            min_prompt_gap_s: DEFAULT_MIN_PROMPT_GAP_S,
            max_escalation: DEFAULT_MAX_ESCALATION,
            away_delay_s: DEFAULT_AWAY_DELAY_S,
            max_frame_gap_s: DEFAULT_MAX_FRAME_GAP_S,
            break_interval_s: DEFAULT_BREAK_INTERVAL_S,
            break_repeat_s: DEFAULT_BREAK_REPEAT_S,
            break_away_s: DEFAULT_BREAK_AWAY_S,
            recalibrate_delay_s: DEFAULT_RECALIBRATE_DELAY_S,
            stranger_recalibrate_s: DEFAULT_STRANGER_RECALIBRATE_S,
            recalibrate_cooldown_s: DEFAULT_RECALIBRATE_COOLDOWN_S,
            subject_max_shift: DEFAULT_SUBJECT_MAX_SHIFT,
            subject_min_size_ratio: DEFAULT_SUBJECT_MIN_SIZE_RATIO,
            subject_max_size_ratio: DEFAULT_SUBJECT_MAX_SIZE_RATIO,
        }
    }
}

/// Deviation limits in degrees, one per measured posture fault.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Forward-head deviation limit, degrees.
    pub forward_head_deg: f32,
    /// Rounded-shoulder deviation limit, degrees.
    pub rounded_shoulder_deg: f32,
    /// Sideways lean limit, degrees.
    pub lateral_deg: f32,
}

impl Thresholds {
    /// Every limit multiplied by `factor`.
    pub fn scaled(self, factor: f32) -> Thresholds {
        Thresholds {
            forward_head_deg: self.forward_head_deg * factor,
            rounded_shoulder_deg: self.rounded_shoulder_deg * factor,
            lateral_deg: self.lateral_deg * factor,
        }
    }
}

/// A setting that makes no sense, named so the user can fix the settings file.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ConfigError {
    /// A number outside the range the setting allows.
    #[error(
        "monitor setting `{field}` is {value}, but it must be {rule}; fix it in the settings file or remove it to use the default"
    )]
    OutOfRange {
        /// The setting's name as written in the settings file.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        rule: &'static str,
    },
}

impl MonitorConfig {
    /// The entry thresholds: a deviation at or above one of these is a posture fault.
    pub fn enter_thresholds(&self) -> Thresholds {
        Thresholds {
            forward_head_deg: self.forward_head_threshold_deg,
            rounded_shoulder_deg: self.rounded_shoulder_threshold_deg,
            lateral_deg: self.lateral_threshold_deg,
        }
    }

    /// The exit thresholds: while slouching, every deviation must fall below these to count as
    /// recovered. Always lower than the entry thresholds (hysteresis).
    pub fn exit_thresholds(&self) -> Thresholds {
        self.enter_thresholds().scaled(self.exit_ratio)
    }

    /// Checks every setting; the monitor only runs on a config that passed.
    pub fn validate(&self) -> Result<(), ConfigError> {
        non_negative("slouch_delay_s", self.slouch_delay_s)?;
        positive("recovery_rate", self.recovery_rate)?;
        non_negative("exit_hold_s", self.exit_hold_s)?;
        in_range(
            "exit_ratio",
            f64::from(self.exit_ratio),
            "above 0 and at most 1",
            |v| v > 0.0 && v <= 1.0,
        )?;
        positive(
            "forward_head_threshold_deg",
            f64::from(self.forward_head_threshold_deg),
        )?;
        positive(
            "rounded_shoulder_threshold_deg",
            f64::from(self.rounded_shoulder_threshold_deg),
        )?;
        positive(
            "lateral_threshold_deg",
            f64::from(self.lateral_threshold_deg),
        )?;
        in_range(
            "min_confidence",
            f64::from(self.min_confidence),
            "between 0 and 1",
            |v| (0.0..=1.0).contains(&v),
        )?;
        positive("repeat_interval_s", self.repeat_interval_s)?;
        non_negative("min_prompt_gap_s", self.min_prompt_gap_s)?;
        in_range(
            "max_escalation",
            f64::from(self.max_escalation),
            "at least 1",
            |v| v >= 1.0,
        )?;
        non_negative("away_delay_s", self.away_delay_s)?;
        positive("max_frame_gap_s", self.max_frame_gap_s)?;
        positive("break_interval_s", self.break_interval_s)?;
        positive("break_repeat_s", self.break_repeat_s)?;
        non_negative("break_away_s", self.break_away_s)?;
        non_negative("recalibrate_delay_s", self.recalibrate_delay_s)?;
        non_negative("stranger_recalibrate_s", self.stranger_recalibrate_s)?;
        positive("recalibrate_cooldown_s", self.recalibrate_cooldown_s)?;
        in_range(
            "subject_max_shift",
            f64::from(self.subject_max_shift),
            "above 0 and at most 1",
            |v| v > 0.0 && v <= 1.0,
        )?;
        in_range(
            "subject_min_size_ratio",
            f64::from(self.subject_min_size_ratio),
            "above 0 and at most 1",
            |v| v > 0.0 && v <= 1.0,
        )?;
        in_range(
            "subject_max_size_ratio",
            f64::from(self.subject_max_size_ratio),
            "at least 1",
            |v| v >= 1.0,
        )?;
        Ok(())
    }
}

/// Rejects a value that is not finite or fails `ok`.
fn in_range(
    field: &'static str,
    value: f64,
    rule: &'static str,
    ok: impl Fn(f64) -> bool,
) -> Result<(), ConfigError> {
    if value.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange { field, value, rule })
    }
}

/// Rejects a negative or non-finite value.
fn non_negative(field: &'static str, value: f64) -> Result<(), ConfigError> {
    in_range(field, value, "a finite number of 0 or more", |v| v >= 0.0)
}

/// Rejects a zero, negative or non-finite value.
fn positive(field: &'static str, value: f64) -> Result<(), ConfigError> {
    in_range(field, value, "a finite number above 0", |v| v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(MonitorConfig::default().validate(), Ok(()));
    }

    #[test]
    fn exit_thresholds_are_below_entry() {
        let config = MonitorConfig::default();
        let (enter, exit) = (config.enter_thresholds(), config.exit_thresholds());
        assert!(exit.forward_head_deg < enter.forward_head_deg);
        assert!(exit.rounded_shoulder_deg < enter.rounded_shoulder_deg);
        assert!(exit.lateral_deg < enter.lateral_deg);
        assert!((exit.forward_head_deg - 5.6).abs() < 1e-5);
    }

    #[test]
    fn partial_toml_keeps_defaults_for_the_rest() {
        let config: MonitorConfig =
            toml::from_str("slouch_delay_s = 45.0\nmax_escalation = 5\n").unwrap();
        assert_eq!(config.slouch_delay_s, 45.0);
        assert_eq!(config.max_escalation, 5);
        assert_eq!(config.away_delay_s, DEFAULT_AWAY_DELAY_S);
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let parsed: Result<MonitorConfig, _> = toml::from_str("slouch_dealy_s = 45.0\n");
        assert!(parsed.is_err());
    }

    #[test]
    fn nonsense_is_rejected_with_the_field_name() {
        type Edit = fn(&mut MonitorConfig);
        let cases: [(&str, Edit); 14] = [
            ("slouch_delay_s", |c| c.slouch_delay_s = -1.0),
            ("slouch_delay_s", |c| c.slouch_delay_s = f64::NAN),
            ("recovery_rate", |c| c.recovery_rate = 0.0),
            ("exit_hold_s", |c| c.exit_hold_s = -0.5),
            ("exit_ratio", |c| c.exit_ratio = 1.2),
            ("exit_ratio", |c| c.exit_ratio = 0.0),
            ("forward_head_threshold_deg", |c| {
                c.forward_head_threshold_deg = -3.0
            }),
            ("repeat_interval_s", |c| c.repeat_interval_s = 0.0),
            ("max_escalation", |c| c.max_escalation = 0),
            ("away_delay_s", |c| c.away_delay_s = f64::INFINITY),
            ("break_interval_s", |c| c.break_interval_s = -60.0),
            ("recalibrate_cooldown_s", |c| c.recalibrate_cooldown_s = 0.0),
            ("subject_min_size_ratio", |c| c.subject_min_size_ratio = 1.5),
            ("subject_max_size_ratio", |c| c.subject_max_size_ratio = 0.9),
        ];
        for (field, edit) in cases {
            let mut config = MonitorConfig::default();
            edit(&mut config);
            match config.validate() {
                Err(ConfigError::OutOfRange { field: got, .. }) => assert_eq!(got, field),
                Ok(()) => panic!("{field}: accepted nonsense"),
            }
        }
    }

    #[test]
    fn error_message_names_the_setting() {
        let config = MonitorConfig {
            away_delay_s: -5.0,
            ..MonitorConfig::default()
        };
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("away_delay_s"), "{message}");
        assert!(message.contains("-5"), "{message}");
    }
}
