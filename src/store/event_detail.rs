//! The details of stored events, as the history file keeps them: one struct per kind, owned
//! by the store and versioned, so what is on disk changes only when this file does (a renamed
//! field elsewhere cannot move it). Every detail object carries `"v": EVENT_DETAIL_VERSION`;
//! rows written before the version existed have no `v` and the same fields (version 1).
//! Codes (reasons, faults, kinds) are snake_case strings chosen by the code that maps into
//! these structs; their lists are pinned by tests there.

use serde::Serialize;

use super::types::{EventKind, State, StoredEvent};

/// The version of the detail objects this build writes.
pub const EVENT_DETAIL_VERSION: i64 = 1;

/// `state_change`: the state shown to the user changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateChangeDetail {
    pub from: State,
    pub to: State,
    /// Why (`fault_persisted`, `screen_locked`, `paused`, ...).
    pub reason: &'static str,
}

/// Deviations from the baseline in degrees; absent values were not measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct DeviationsDetail {
    pub forward_head_dev_deg: Option<f32>,
    pub rounded_shoulder_dev_deg: Option<f32>,
    pub lateral_dev_deg: Option<f32>,
}

/// `prompt`, `break_reminder`, `recalibrate_suggestion`: something the user was asked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PromptDetail {
    /// `posture`, `break` or `recalibrate`.
    pub kind: &'static str,
    /// The dominant fault (`forward_head`, ..., `static_load` for breaks).
    pub fault: Option<&'static str>,
    pub deviations: DeviationsDetail,
    /// How long the fault (or the sitting, or the stale-baseline evidence) had lasted, s.
    pub lasted_s: f64,
    pub level: u8,
    /// `moved` or `subject_mismatch` (recalibration suggestions only).
    pub recalibrate_reason: Option<&'static str>,
    /// What the user was told, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The suggested exercise's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise: Option<String>,
}

/// `break`: a break was counted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakDetail {
    /// `away` or `exercise`.
    pub source: &'static str,
}

/// `snooze_end`: a snooze ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnoozeEndDetail {
    /// Ended by the user before it ran out.
    pub early: bool,
}

/// `clock_jump`: the wall clock jumped against the monotonic one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClockJumpDetail {
    /// The last time before the jump, UTC ms.
    pub from_ms: i64,
    /// How far it jumped, ms (negative: set back).
    pub gap_ms: i64,
}

/// `camera_fault`: the camera stopped working.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CameraFaultDetail {
    /// `not_found`, `busy`, `unplugged`, `permission_denied`, `black`, `frozen`, `other`.
    pub kind: &'static str,
    /// What the user was told.
    pub message: String,
}

/// `calibration`: a calibration finished or failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalibrationDetail {
    /// `finished` or `failed`.
    pub phase: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames_used: Option<usize>,
    /// `front` or `side`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<&'static str>,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

impl StoredEvent {
    /// An event of `kind` at `time_ms` whose detail is `detail`, stamped with the version.
    pub fn with_detail(time_ms: i64, kind: EventKind, detail: &impl Serialize) -> StoredEvent {
        let mut detail = serde_json::to_value(detail).unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut detail {
            map.insert("v".to_string(), EVENT_DETAIL_VERSION.into());
        } else {
            detail = serde_json::json!({ "v": EVENT_DETAIL_VERSION });
        }
        StoredEvent {
            time_ms,
            kind,
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_versioned_objects() {
        let event = StoredEvent::with_detail(
            5,
            EventKind::ClockJump,
            &ClockJumpDetail {
                from_ms: 1,
                gap_ms: -2,
            },
        );
        assert_eq!(
            event.detail.to_string(),
            r#"{"from_ms":1,"gap_ms":-2,"v":1}"#
        );
        let event = StoredEvent::with_detail(5, EventKind::SnoozeEnd, &());
        assert_eq!(event.detail.to_string(), r#"{"v":1}"#);
    }
}
