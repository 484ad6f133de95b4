//! What to change in the set-up, the first step against a forward head: find the cause. From
//! the camera geometry the calibration measured (how far below the eyes the camera sits, how
//! far away, how far off to one side) and from the day (the longest stretch at the desk
//! without a break), each finding with its number and what to change. Shown in the
//! calibration summary, the day view and `report`; never as a prompt.

use crate::geometry::Baseline;

/// A laptop's camera sits at the top of its screen: a camera this far below the eyes means a
/// screen low enough that the head tips forward to read it.
pub const CAMERA_LOW_DEG: f64 = 20.0;
/// Closer than this the screen is nearer than an arm's length.
pub const TOO_CLOSE_M: f64 = 0.45;
/// The shoulders' midpoint further than this from the middle of the picture (fraction of its
/// width): the user sits off to one side of the camera, so probably of the screen too.
pub const OFF_CENTRE_FRACTION: f32 = 0.15;
/// A stretch at the desk longer than this without a break is worth changing.
pub const LONG_SITTING_MIN: i64 = 60;

/// One thing to change, with the number behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupAdvice {
    /// What was found, with its number ("Your camera is about 30° below your eyes").
    pub finding: String,
    /// What to change and why.
    pub change: String,
}

impl SetupAdvice {
    /// Both parts as one line.
    pub fn line(&self) -> String {
        format!("{}: {}", self.finding, self.change)
    }
}

/// Advice from a calibration's camera geometry (none when the camera was not measured).
pub fn advice_for_baseline(baseline: &Baseline) -> Vec<SetupAdvice> {
    let mut advice = Vec::new();
    if let Some(face) = &baseline.reference.face {
        if face.camera_below_eyes_deg > CAMERA_LOW_DEG {
            advice.push(SetupAdvice {
                finding: format!(
                    "The camera is about {:.0}° below your eyes",
                    face.camera_below_eyes_deg
                ),
                change: "with a laptop that means the screen is low, and the head tips \
                         forward to read it. Raise the screen until its top edge is near eye \
                         height (a stand or a few books, with a separate keyboard)."
                    .to_string(),
            });
        }
        if face.camera_distance_m < TOO_CLOSE_M {
            advice.push(SetupAdvice {
                finding: format!(
                    "Your face is about {:.0} cm from the camera",
                    face.camera_distance_m * 100.0
                ),
                change: "closer than an arm's length, which draws the head towards the \
                         screen. Move the screen back to about 50–70 cm, and make the text \
                         larger if it gets hard to read."
                    .to_string(),
            });
        }
    }
    let off_centre = baseline.subject.x - 0.5;
    if off_centre.abs() > OFF_CENTRE_FRACTION {
        // The picture is not mirrored: the person's right is the picture's left.
        let side = if off_centre < 0.0 { "right" } else { "left" };
        advice.push(SetupAdvice {
            finding: format!(
                "You sit {:.0} % of the picture's width off to the {side} of the camera",
                off_centre.abs() * 100.0
            ),
            change: "if the screen is where the camera is, your head turns to it all day. \
                     Centre the screen (and the camera) in front of you."
                .to_string(),
        });
    }
    advice
}

/// Advice from the day's longest stretch at the desk without a break, in minutes.
pub fn advice_for_sitting(longest_sitting_min: i64) -> Option<SetupAdvice> {
    (longest_sitting_min > LONG_SITTING_MIN).then(|| SetupAdvice {
        finding: format!(
            "Your longest stretch at the desk without a break was {} h {:02} min",
            longest_sitting_min / 60,
            longest_sitting_min % 60
        ),
        change: "sitting still tires the muscles that hold you up even in a good posture. \
                 Stand up and move for a few minutes at least every hour."
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitting_advice_starts_after_an_hour_and_gives_the_length() {
        assert_eq!(advice_for_sitting(60), None);
        let advice = advice_for_sitting(130).unwrap();
        assert!(advice.finding.contains("2 h 10 min"), "{advice:?}");
    }
}
