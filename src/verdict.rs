//! The posture verdict for one frame: the shared word between the geometry that judges a pose
//! and the state machine, coach, store and UI that act on it.

use serde::{Deserialize, Serialize};

/// What one analysed frame says about the user's posture, against their calibrated baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within the thresholds of the upright baseline.
    Upright,
    /// The head has moved forward of the shoulders beyond the threshold.
    ForwardHead,
    /// The shoulders are drawn forward (protracted) beyond the threshold.
    RoundedShoulders,
    /// Forward head and rounded shoulders together.
    Slouch,
    /// The head pitched down (keyboard, phone, notes) while the neck stayed put: not slouching.
    LookingDown,
    /// Leaning or side-bending: head and shoulders shifted or tilted sideways.
    Leaning,
    /// The person's position or size in the frame changed while posture agrees: the baseline may
    /// be stale (camera or chair moved).
    Moved,
    /// A person is there but the landmarks that matter are too uncertain to judge.
    LowConfidence,
    /// Nobody in view.
    NoPerson,
}

impl Verdict {
    /// Every verdict, in a stable order (for tables, legends and tests).
    pub const ALL: [Verdict; 9] = [
        Verdict::Upright,
        Verdict::ForwardHead,
        Verdict::RoundedShoulders,
        Verdict::Slouch,
        Verdict::LookingDown,
        Verdict::Leaning,
        Verdict::Moved,
        Verdict::LowConfidence,
        Verdict::NoPerson,
    ];

    /// The snake_case name used in JSON, CSV and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Upright => "upright",
            Verdict::ForwardHead => "forward_head",
            Verdict::RoundedShoulders => "rounded_shoulders",
            Verdict::Slouch => "slouch",
            Verdict::LookingDown => "looking_down",
            Verdict::Leaning => "leaning",
            Verdict::Moved => "moved",
            Verdict::LowConfidence => "low_confidence",
            Verdict::NoPerson => "no_person",
        }
    }

    /// True for the verdicts that describe a posture fault worth prompting about.
    pub fn is_posture_fault(self) -> bool {
        matches!(
            self,
            Verdict::ForwardHead | Verdict::RoundedShoulders | Verdict::Slouch | Verdict::Leaning
        )
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
