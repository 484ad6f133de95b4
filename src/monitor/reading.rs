//! Turning one analysed frame into what the state machine counts: nobody, someone else, or the
//! calibrated person with good, bad or undecided posture. This is where the hysteresis lives:
//! outside `slouching` a deviation at or above the entry threshold is bad; inside it, anything at
//! or above the lower exit threshold still is.

use super::config::Thresholds;
use super::event::{Deviations, Fault, Observation, SubjectBox};
use super::subject::SubjectLock;
use crate::verdict::Verdict;

/// What a frame says about posture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Posture {
    /// A posture fault: counts toward slouching.
    Bad(Fault),
    /// Good posture: counts toward recovery.
    Good,
    /// Cannot tell: neither clears nor triggers anything.
    Neutral,
}

/// What a frame says about the calibrated baseline still fitting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BaselineEvidence {
    /// The geometry reported `moved`: the baseline may be stale.
    Moved,
    /// The geometry judged the posture, so the baseline still fits.
    Agrees,
    /// Nothing to say (low confidence).
    Unknown,
}

/// One frame, as the state machine counts it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Reading {
    /// Nobody in view.
    Absent,
    /// Only someone who does not match the calibrated person.
    Stranger,
    /// The calibrated person.
    Present {
        /// Their posture.
        posture: Posture,
        /// Whether the baseline still fits.
        baseline: BaselineEvidence,
        /// The frame's deviations, for the prompt's numbers.
        deviations: Deviations,
    },
}

impl Reading {
    /// The reading for "the person is there, nothing else known" (after a calibration).
    pub(crate) const UNDECIDED: Reading = Reading::Present {
        posture: Posture::Neutral,
        baseline: BaselineEvidence::Unknown,
        deviations: Deviations {
            forward_head_dev_deg: None,
            rounded_shoulder_dev_deg: None,
            lateral_dev_deg: None,
        },
    };
}

/// Everything classification needs besides the frame.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judge<'a> {
    /// Entry thresholds (outside `slouching`).
    pub enter: Thresholds,
    /// Exit thresholds (inside `slouching`).
    pub exit: Thresholds,
    /// Frames below this confidence are undecided.
    pub min_confidence: f32,
    /// Who counts as the calibrated person.
    pub lock: SubjectLock,
    /// The calibrated person's box, if known.
    pub baseline: Option<&'a SubjectBox>,
}

impl Judge<'_> {
    /// Classifies `obs`. `slouching` selects the exit thresholds; `baseline_suspect` (a stale
    /// baseline is suspected) turns faults into undecided frames, since deviations from a stale
    /// baseline mean nothing.
    pub(crate) fn classify(
        &self,
        obs: &Observation,
        slouching: bool,
        baseline_suspect: bool,
    ) -> Reading {
        if obs.verdict == Verdict::NoPerson {
            return Reading::Absent;
        }
        if !self.lock.matches(self.baseline, obs.subject.as_ref()) {
            return Reading::Stranger;
        }
        let deviations = obs.deviations();
        // A NaN confidence compares false, so it counts as too low.
        let confident = obs.confidence >= self.min_confidence;
        let (posture, baseline) = if confident {
            self.judge_verdict(obs.verdict, &deviations, slouching)
        } else {
            (Posture::Neutral, BaselineEvidence::Unknown)
        };
        let posture = match posture {
            Posture::Bad(_) if baseline_suspect => Posture::Neutral,
            other => other,
        };
        Reading::Present {
            posture,
            baseline,
            deviations,
        }
    }

    /// Posture and baseline evidence from a confident frame of the calibrated person.
    fn judge_verdict(
        &self,
        verdict: Verdict,
        deviations: &Deviations,
        slouching: bool,
    ) -> (Posture, BaselineEvidence) {
        let limit = if slouching { self.exit } else { self.enter };
        let posture = match verdict {
            Verdict::NoPerson | Verdict::LowConfidence => {
                return (Posture::Neutral, BaselineEvidence::Unknown);
            }
            Verdict::Moved => return (Posture::Neutral, BaselineEvidence::Moved),
            Verdict::Upright => match worst_over(deviations, &limit) {
                Some(fault) => Posture::Bad(fault),
                None => Posture::Good,
            },
            Verdict::LookingDown => looking_down(deviations, &limit, slouching),
            Verdict::ForwardHead
            | Verdict::RoundedShoulders
            | Verdict::Slouch
            | Verdict::Leaning => match Fault::from_verdict(verdict) {
                Some(fault) => Posture::Bad(fault),
                None => Posture::Neutral,
            },
        };
        (posture, BaselineEvidence::Agrees)
    }
}

/// Looking down is never bad. Outside `slouching` it is good posture (the neck stayed put).
/// Inside, pitching the head corrupts the forward-head reading, so it only counts as recovered
/// when the shoulder and lean deviations are below the exit thresholds; otherwise undecided.
fn looking_down(deviations: &Deviations, exit: &Thresholds, slouching: bool) -> Posture {
    if !slouching {
        return Posture::Good;
    }
    let body_only = Deviations {
        forward_head_dev_deg: None,
        ..*deviations
    };
    match worst_over(&body_only, exit) {
        Some(_) => Posture::Neutral,
        None => Posture::Good,
    }
}

/// The fault whose deviation is at or above its limit by the largest ratio, if any. Forward
/// head and rounded shoulders both over their limits is a slouch. Lateral lean is judged by
/// magnitude (its sign is the side).
pub(crate) fn worst_over(deviations: &Deviations, limit: &Thresholds) -> Option<Fault> {
    let ratio = |value: Option<f32>, limit: f32| value.map(|v| v / limit).filter(|r| *r >= 1.0);
    let head = ratio(deviations.forward_head_dev_deg, limit.forward_head_deg);
    let shoulders = ratio(
        deviations.rounded_shoulder_dev_deg,
        limit.rounded_shoulder_deg,
    );
    let lean = ratio(deviations.lateral_dev_deg.map(f32::abs), limit.lateral_deg);
    if head.is_some() && shoulders.is_some() {
        return Some(Fault::Slouch);
    }
    [
        (Fault::ForwardHead, head),
        (Fault::RoundedShoulders, shoulders),
        (Fault::Leaning, lean),
    ]
    .into_iter()
    .filter_map(|(fault, r)| r.map(|r| (fault, r)))
    .fold(None, |best: Option<(Fault, f32)>, (fault, r)| match best {
        Some((_, best_r)) if best_r >= r => best,
        _ => Some((fault, r)),
    })
    .map(|(fault, _)| fault)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::config::MonitorConfig;

    fn judge(baseline: Option<&SubjectBox>) -> Judge<'_> {
        let config = MonitorConfig::default();
        Judge {
            enter: config.enter_thresholds(),
            exit: config.exit_thresholds(),
            min_confidence: config.min_confidence,
            lock: SubjectLock::from_config(&config),
            baseline,
        }
    }

    fn frame(verdict: Verdict, head: Option<f32>, shoulders: Option<f32>) -> Observation {
        Observation {
            forward_head_dev_deg: head,
            rounded_shoulder_dev_deg: shoulders,
            ..Observation::new(0.0, verdict)
        }
    }

    fn posture(reading: Reading) -> Option<Posture> {
        match reading {
            Reading::Present { posture, .. } => Some(posture),
            _ => None,
        }
    }

    #[test]
    fn hysteresis_table() {
        // Default entry threshold 8°, exit 5.6°.
        let j = judge(None);
        let bad_head = Some(Posture::Bad(Fault::ForwardHead));
        let cases = [
            // (verdict, head dev, slouching, expected)
            (Verdict::Upright, Some(3.0), false, Some(Posture::Good)),
            (Verdict::Upright, Some(7.0), false, Some(Posture::Good)),
            (Verdict::Upright, Some(8.0), false, bad_head),
            (Verdict::Upright, Some(3.0), true, Some(Posture::Good)),
            // Between exit (5.6°) and entry (8°): still bad while slouching.
            (Verdict::Upright, Some(7.0), true, bad_head),
            (Verdict::Upright, Some(5.6), true, bad_head),
            (Verdict::Upright, Some(5.5), true, Some(Posture::Good)),
            (Verdict::Upright, None, true, Some(Posture::Good)),
            (Verdict::ForwardHead, None, false, bad_head),
            (Verdict::ForwardHead, Some(2.0), true, bad_head),
            (
                Verdict::LowConfidence,
                Some(20.0),
                false,
                Some(Posture::Neutral),
            ),
            (Verdict::Moved, Some(20.0), false, Some(Posture::Neutral)),
            (Verdict::NoPerson, None, false, None),
        ];
        for (verdict, head, slouching, expected) in cases {
            let got = posture(j.classify(&frame(verdict, head, None), slouching, false));
            assert_eq!(
                got, expected,
                "{verdict} head={head:?} slouching={slouching}"
            );
        }
    }

    #[test]
    fn looking_down_is_never_bad() {
        let j = judge(None);
        for slouching in [false, true] {
            for head in [None, Some(0.0), Some(15.0), Some(40.0)] {
                for shoulders in [None, Some(0.0), Some(7.0), Some(20.0)] {
                    let reading = j.classify(
                        &frame(Verdict::LookingDown, head, shoulders),
                        slouching,
                        false,
                    );
                    assert!(
                        !matches!(posture(reading), Some(Posture::Bad(_))),
                        "{head:?} {shoulders:?} {slouching}"
                    );
                }
            }
        }
        // While slouching, looking down with rounded shoulders does not count as recovered.
        let reading = j.classify(&frame(Verdict::LookingDown, None, Some(7.0)), true, false);
        assert_eq!(posture(reading), Some(Posture::Neutral));
        let reading = j.classify(
            &frame(Verdict::LookingDown, Some(30.0), Some(1.0)),
            true,
            false,
        );
        assert_eq!(posture(reading), Some(Posture::Good));
    }

    #[test]
    fn worst_over_picks_the_largest_ratio_and_calls_both_a_slouch() {
        let limit = MonitorConfig::default().enter_thresholds();
        let dev = |h, s, l| Deviations {
            forward_head_dev_deg: h,
            rounded_shoulder_dev_deg: s,
            lateral_dev_deg: l,
        };
        assert_eq!(worst_over(&dev(None, None, None), &limit), None);
        assert_eq!(
            worst_over(&dev(Some(9.0), None, Some(-12.0)), &limit),
            Some(Fault::Leaning)
        );
        assert_eq!(
            worst_over(&dev(Some(12.0), Some(2.0), Some(9.0)), &limit),
            Some(Fault::ForwardHead)
        );
        assert_eq!(
            worst_over(&dev(Some(9.0), Some(9.0), None), &limit),
            Some(Fault::Slouch)
        );
    }

    #[test]
    fn someone_else_and_low_confidence() {
        let base = SubjectBox {
            center_x: 0.5,
            center_y: 0.5,
            size: 0.4,
        };
        let j = judge(Some(&base));
        let mut obs = frame(Verdict::ForwardHead, Some(15.0), None);
        obs.subject = Some(SubjectBox {
            center_x: 0.95,
            ..base
        });
        assert_eq!(j.classify(&obs, false, false), Reading::Stranger);
        obs.subject = Some(base);
        assert_eq!(
            posture(j.classify(&obs, false, false)),
            Some(Posture::Bad(Fault::ForwardHead))
        );
        obs.confidence = 0.1;
        assert_eq!(
            posture(j.classify(&obs, false, false)),
            Some(Posture::Neutral)
        );
        obs.confidence = f32::NAN;
        assert_eq!(
            posture(j.classify(&obs, false, false)),
            Some(Posture::Neutral)
        );
    }

    #[test]
    fn a_suspect_baseline_turns_faults_undecided() {
        let j = judge(None);
        let reading = j.classify(&frame(Verdict::Slouch, None, None), false, true);
        assert_eq!(posture(reading), Some(Posture::Neutral));
        let reading = j.classify(&frame(Verdict::Upright, None, None), false, true);
        assert_eq!(posture(reading), Some(Posture::Good));
    }
}
