//! The coach: turns a monitor prompt into what the user reads — the reason in numbers, a
//! one-line correction, and one exercise matched to the fault, rotated so the same one does not
//! come twice in a row. All wording lives in the exercise library (`assets/exercises.toml`);
//! this module only chooses and fills it in.

pub mod baseline_summary;
pub mod library;
pub mod setup;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use library::{
    BUILTIN_TOML, Category, Exercise, Library, LibraryError, RecalibrateText, RedFlags, Titles,
};

use crate::monitor::{Deviations, Fault, Prompt, PromptKind, RecalibrateReason};

/// Below this many seconds a duration is told in seconds ("45 s"), above it in minutes.
const SECONDS_SHOWN_BELOW_S: f64 = 90.0;

/// Minutes per hour, for durations.
const MINUTES_PER_HOUR: u64 = 60;

/// Placeholder in the recalibration texts replaced by how long the evidence lasted.
const DURATION_PLACEHOLDER: &str = "{duration}";

/// The fault assumed for a posture prompt that names none (the most general one).
const FALLBACK_FAULT: Fault = Fault::Slouch;

/// A prompt put into words, ready for a notification or the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoachMessage {
    /// What is asked.
    pub kind: PromptKind,
    /// Escalation level, from the prompt.
    pub level: u8,
    /// Short title for the level ("Posture check").
    pub title: String,
    /// Why, in numbers ("Head 12° forward of your baseline for 45 s").
    pub reason: String,
    /// What to do about it, in one line.
    pub correction: String,
    /// One suggested exercise, if any fits.
    pub exercise: Option<Exercise>,
}

impl CoachMessage {
    /// The message as plain text for a desktop notification.
    pub fn body(&self) -> String {
        let mut text = format!("{} {}", sentence(&self.reason), self.correction);
        if let Some(exercise) = &self.exercise {
            text.push_str(&format!(
                "\nTry: {} ({}).",
                exercise.name,
                exercise.dose_text()
            ));
        }
        text
    }
}

/// `text` ending in a full stop (added unless it already ends in punctuation).
fn sentence(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.ends_with(['.', '!', '?']) {
        trimmed.to_owned()
    } else {
        format!("{trimmed}.")
    }
}

/// Chooses and words coaching for prompts. Deterministic: the same prompts in the same order
/// give the same messages.
#[derive(Clone, Debug)]
pub struct Coach {
    library: Library,
    /// Next position in each candidate list, per prompt kind and fault.
    cursors: BTreeMap<(PromptKind, Fault), usize>,
    /// The exercise suggested last, whatever the fault, so it is not suggested again next.
    last_exercise: Option<String>,
}

impl Coach {
    /// A coach over `library` (validate it first; [`Library::builtin`] does).
    pub fn new(library: Library) -> Coach {
        Coach {
            library,
            cursors: BTreeMap::new(),
            last_exercise: None,
        }
    }

    /// A coach over the built-in library.
    pub fn builtin() -> Result<Coach, LibraryError> {
        Library::builtin().map(Coach::new)
    }

    /// The content the coach draws on (disclaimer and red flags for the UI).
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The exercises a prompt of `kind` about `fault` may suggest, in rotation order: desk-
    /// friendly exercises for the fault in library order (posture); micro-breaks, then spine
    /// resets, for static load (break); nothing for a recalibration.
    pub fn candidates(&self, kind: PromptKind, fault: Fault) -> Vec<&Exercise> {
        let exercises = self.library.exercises.iter();
        match kind {
            PromptKind::Posture => exercises
                .filter(|e| e.at_desk && e.targets(fault))
                .collect(),
            PromptKind::Break => {
                let mut breaks: Vec<&Exercise> = exercises
                    .filter(|e| library::is_break_exercise(e))
                    .collect();
                // A stable sort: library order within each group.
                breaks.sort_by_key(|e| e.category != Category::MicroBreak);
                breaks
            }
            PromptKind::Recalibrate => Vec::new(),
        }
    }

    /// Words a prompt and picks its exercise (advancing the rotation).
    pub fn message(&mut self, prompt: &Prompt) -> CoachMessage {
        let fault = match prompt.kind {
            PromptKind::Break => Fault::StaticLoad,
            _ => prompt.fault.unwrap_or(FALLBACK_FAULT),
        };
        let (title, reason, correction) = match prompt.kind {
            PromptKind::Posture => (
                pick_title(&self.library.titles.posture, prompt.level),
                posture_reason(prompt.fault, &prompt.deviations, prompt.lasted_s),
                self.correction(fault),
            ),
            PromptKind::Break => (
                pick_title(&self.library.titles.breaks, prompt.level),
                break_reason(prompt.lasted_s),
                self.correction(Fault::StaticLoad),
            ),
            PromptKind::Recalibrate => (
                self.library.titles.recalibrate.clone(),
                recalibrate_reason(
                    &self.library.recalibrate,
                    prompt.recalibrate_reason,
                    prompt.lasted_s,
                ),
                self.library.recalibrate.advice.clone(),
            ),
        };
        let exercise = self.next_exercise(prompt.kind, fault);
        CoachMessage {
            kind: prompt.kind,
            level: prompt.level,
            title,
            reason,
            correction,
            exercise,
        }
    }

    fn correction(&self, fault: Fault) -> String {
        self.library
            .corrections
            .get(&fault)
            .cloned()
            .unwrap_or_default()
    }

    /// The next exercise in the rotation for this kind and fault, skipping the one suggested
    /// last time when there is a choice.
    fn next_exercise(&mut self, kind: PromptKind, fault: Fault) -> Option<Exercise> {
        let ids: Vec<&str> = self
            .candidates(kind, fault)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        let cursor = self.cursors.get(&(kind, fault)).copied().unwrap_or(0);
        let index = rotate(&ids, cursor, self.last_exercise.as_deref())?;
        let id = (*ids.get(index)?).to_owned();
        self.cursors.insert((kind, fault), index + 1);
        let exercise = self.library.exercise(&id).cloned();
        self.last_exercise = Some(id);
        exercise
    }
}

/// Index of the candidate at `cursor` (wrapping), moved on by one if that is `last` and another
/// exists. `None` when there are no candidates.
fn rotate(ids: &[&str], cursor: usize, last: Option<&str>) -> Option<usize> {
    if ids.is_empty() {
        return None;
    }
    let index = cursor % ids.len();
    if ids.len() > 1 && ids.get(index).copied() == last {
        Some((index + 1) % ids.len())
    } else {
        Some(index)
    }
}

/// The title for an escalation level; levels beyond the list use its last entry.
fn pick_title(titles: &[String], level: u8) -> String {
    let index = usize::from(level.max(1)) - 1;
    titles
        .get(index)
        .or(titles.last())
        .cloned()
        .unwrap_or_default()
}

/// A deviation as whole degrees, if it was measured and points the faulty way.
fn whole_degrees(value: Option<f32>) -> Option<i64> {
    value
        .filter(|v| v.is_finite())
        .map(|v| v.round() as i64)
        .filter(|&d| d > 0)
}

/// "Head 12° forward of your baseline for 45 s", and the like for each fault.
pub fn posture_reason(fault: Option<Fault>, deviations: &Deviations, lasted_s: f64) -> String {
    let head = whole_degrees(deviations.forward_head_dev_deg);
    let shoulders = whole_degrees(deviations.rounded_shoulder_dev_deg);
    let lean = whole_degrees(deviations.lateral_dev_deg.map(f32::abs));
    let what = match fault {
        Some(Fault::ForwardHead) => match head {
            Some(d) => format!("Head {d}° forward of your baseline"),
            None => "Head forward of your baseline".to_owned(),
        },
        Some(Fault::RoundedShoulders) => match shoulders {
            Some(d) => format!("Shoulders rounded {d}° forward of your baseline"),
            None => "Shoulders rounded forward of your baseline".to_owned(),
        },
        Some(Fault::Slouch) => match (head, shoulders) {
            (Some(h), Some(s)) => format!("Head {h}° forward and shoulders rounded {s}°"),
            (Some(h), None) => format!("Slouching with your head {h}° forward"),
            (None, Some(s)) => format!("Slouching with your shoulders rounded {s}°"),
            (None, None) => "Slouching".to_owned(),
        },
        Some(Fault::Leaning) => match lean {
            Some(d) => format!("Leaning {d}° to one side"),
            None => "Leaning to one side".to_owned(),
        },
        Some(Fault::StaticLoad) => "Sitting still".to_owned(),
        None => "Posture away from your baseline".to_owned(),
    };
    format!("{what} for {}", format_duration(lasted_s))
}

/// "50 min at your desk without a break".
pub fn break_reason(present_s: f64) -> String {
    format!(
        "{} at your desk without a break",
        format_duration(present_s)
    )
}

/// The library's recalibration text for `reason`, with the duration filled in.
fn recalibrate_reason(
    text: &RecalibrateText,
    reason: Option<RecalibrateReason>,
    lasted_s: f64,
) -> String {
    let template = match reason {
        Some(RecalibrateReason::SubjectMismatch) => &text.subject_mismatch,
        Some(RecalibrateReason::Moved) | None => &text.moved,
    };
    template.replace(DURATION_PLACEHOLDER, &format_duration(lasted_s))
}

/// A duration for people: "45 s", "12 min", "1 h", "1 h 5 min".
pub fn format_duration(seconds: f64) -> String {
    let seconds = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    if seconds < SECONDS_SHOWN_BELOW_S {
        return format!("{} s", seconds.round() as u64);
    }
    let minutes = (seconds / 60.0).round() as u64;
    let (hours, rest) = (minutes / MINUTES_PER_HOUR, minutes % MINUTES_PER_HOUR);
    match (hours, rest) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(kind: PromptKind, fault: Option<Fault>, level: u8) -> Prompt {
        Prompt {
            at_s: 100.0,
            kind,
            fault,
            deviations: Deviations::default(),
            lasted_s: 45.0,
            level,
            recalibrate_reason: None,
        }
    }

    fn degrees(head: Option<f32>, shoulders: Option<f32>, lateral: Option<f32>) -> Deviations {
        Deviations {
            forward_head_dev_deg: head,
            rounded_shoulder_dev_deg: shoulders,
            lateral_dev_deg: lateral,
        }
    }

    #[test]
    fn durations_read_naturally() {
        let cases = [
            (0.0, "0 s"),
            (45.2, "45 s"),
            (89.0, "89 s"),
            (95.0, "2 min"),
            (12.0 * 60.0, "12 min"),
            (3600.0, "1 h"),
            (3600.0 + 5.0 * 60.0, "1 h 5 min"),
            (f64::NAN, "0 s"),
            (-5.0, "0 s"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(format_duration(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn posture_reasons_give_the_numbers() {
        let cases = [
            (
                Some(Fault::ForwardHead),
                degrees(Some(12.4), None, None),
                45.0,
                "Head 12° forward of your baseline for 45 s",
            ),
            (
                Some(Fault::ForwardHead),
                degrees(None, None, None),
                45.0,
                "Head forward of your baseline for 45 s",
            ),
            (
                Some(Fault::RoundedShoulders),
                degrees(None, Some(9.0), None),
                600.0,
                "Shoulders rounded 9° forward of your baseline for 10 min",
            ),
            (
                Some(Fault::Slouch),
                degrees(Some(11.0), Some(8.6), None),
                31.0,
                "Head 11° forward and shoulders rounded 9° for 31 s",
            ),
            (
                Some(Fault::Slouch),
                degrees(None, None, None),
                31.0,
                "Slouching for 31 s",
            ),
            (
                Some(Fault::Leaning),
                degrees(None, None, Some(-10.2)),
                40.0,
                "Leaning 10° to one side for 40 s",
            ),
            (
                None,
                degrees(None, None, None),
                40.0,
                "Posture away from your baseline for 40 s",
            ),
        ];
        for (fault, dev, lasted, expected) in cases {
            assert_eq!(posture_reason(fault, &dev, lasted), expected);
        }
    }

    #[test]
    fn a_posture_message_has_reason_correction_and_a_matching_desk_exercise() {
        let mut coach = Coach::builtin().unwrap();
        let mut p = prompt(PromptKind::Posture, Some(Fault::ForwardHead), 1);
        p.deviations = degrees(Some(12.0), None, None);
        let message = coach.message(&p);
        assert_eq!(message.title, "Posture check");
        assert_eq!(message.reason, "Head 12° forward of your baseline for 45 s");
        assert!(
            message.correction.contains("ears"),
            "{}",
            message.correction
        );
        let exercise = message.exercise.as_ref().unwrap();
        assert!(exercise.at_desk && exercise.targets(Fault::ForwardHead));
        let body = message.body();
        assert!(body.starts_with("Head 12° forward"), "{body}");
        assert!(body.contains(&exercise.name), "{body}");
    }

    #[test]
    fn titles_follow_the_escalation_level_and_stop_at_the_last() {
        let mut coach = Coach::builtin().unwrap();
        let titles: Vec<String> = [1, 2, 3, 7]
            .into_iter()
            .map(|level| {
                coach
                    .message(&prompt(PromptKind::Posture, Some(Fault::Slouch), level))
                    .title
            })
            .collect();
        assert_eq!(titles[0], "Posture check");
        assert_ne!(titles[1], titles[0]);
        assert_eq!(titles[3], titles[2]);
    }

    #[test]
    fn rotation_never_repeats_back_to_back_and_visits_every_candidate() {
        for fault in Fault::POSTURE {
            let mut coach = Coach::builtin().unwrap();
            let all: Vec<String> = coach
                .candidates(PromptKind::Posture, fault)
                .iter()
                .map(|e| e.id.clone())
                .collect();
            let picks: Vec<String> = (0..3 * all.len())
                .map(|_| {
                    let message = coach.message(&prompt(PromptKind::Posture, Some(fault), 1));
                    message.exercise.unwrap().id
                })
                .collect();
            for pair in picks.windows(2) {
                assert_ne!(pair[0], pair[1], "{fault}: {picks:?}");
            }
            for id in &all {
                assert!(picks.contains(id), "{fault}: never picked {id}");
            }
        }
    }

    #[test]
    fn rotation_is_deterministic_and_avoids_repeats_across_faults() {
        let sequence = [
            Fault::ForwardHead,
            Fault::Slouch,
            Fault::ForwardHead,
            Fault::Leaning,
            Fault::Slouch,
            Fault::RoundedShoulders,
            Fault::Slouch,
            Fault::ForwardHead,
        ];
        let run = || {
            let mut coach = Coach::builtin().unwrap();
            sequence
                .iter()
                .map(|&f| {
                    coach
                        .message(&prompt(PromptKind::Posture, Some(f), 1))
                        .exercise
                        .unwrap()
                        .id
                })
                .collect::<Vec<String>>()
        };
        let first = run();
        assert_eq!(first, run());
        for pair in first.windows(2) {
            assert_ne!(pair[0], pair[1], "{first:?}");
        }
        // Chin tuck serves forward head and slouch: asked for slouch right after it was given
        // for forward head, the coach moves on.
        assert_eq!(first[0], "upper_trap_stretch");
    }

    #[test]
    fn rotate_handles_edges() {
        assert_eq!(rotate(&[], 3, None), None);
        assert_eq!(rotate(&["a"], 5, Some("a")), Some(0));
        assert_eq!(rotate(&["a", "b", "c"], 4, None), Some(1));
        assert_eq!(rotate(&["a", "b", "c"], 4, Some("b")), Some(2));
        assert_eq!(rotate(&["a", "b", "c"], 2, Some("c")), Some(0));
    }

    #[test]
    fn break_reminders_get_a_micro_break_or_spine_reset() {
        let mut coach = Coach::builtin().unwrap();
        let mut last = String::new();
        for level in 1..=6 {
            let mut p = prompt(PromptKind::Break, Some(Fault::StaticLoad), level);
            p.lasted_s = 50.0 * 60.0;
            let message = coach.message(&p);
            assert_eq!(message.reason, "50 min at your desk without a break");
            let exercise = message.exercise.unwrap();
            assert!(matches!(
                exercise.category,
                Category::MicroBreak | Category::SpineReset
            ));
            assert!(exercise.targets(Fault::StaticLoad));
            assert_ne!(exercise.id, last);
            if level == 1 {
                assert_eq!(exercise.category, Category::MicroBreak);
            }
            last = exercise.id;
        }
    }

    #[test]
    fn bodies_are_punctuated_once() {
        assert_eq!(sentence("Slouching for 31 s"), "Slouching for 31 s.");
        assert_eq!(
            sentence("The camera may have moved. "),
            "The camera may have moved."
        );
    }

    #[test]
    fn recalibration_explains_and_suggests_no_exercise() {
        let mut coach = Coach::builtin().unwrap();
        let mut p = prompt(PromptKind::Recalibrate, None, 1);
        p.lasted_s = 20.0;
        p.recalibrate_reason = Some(RecalibrateReason::Moved);
        let message = coach.message(&p);
        assert!(message.reason.contains("20 s"), "{}", message.reason);
        assert!(!message.reason.contains(DURATION_PLACEHOLDER));
        assert!(message.correction.contains("recalibrate"));
        assert!(!message.body().contains(".."), "{}", message.body());
        assert_eq!(message.exercise, None);
        p.recalibrate_reason = Some(RecalibrateReason::SubjectMismatch);
        p.lasted_s = 60.0;
        let message = coach.message(&p);
        assert!(message.reason.contains("60 s"), "{}", message.reason);
        assert!(message.reason.contains("person"), "{}", message.reason);
    }

    #[test]
    fn messages_serialise_for_the_ui() {
        let mut coach = Coach::builtin().unwrap();
        let message = coach.message(&prompt(PromptKind::Posture, Some(Fault::Leaning), 2));
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["kind"], "posture");
        assert_eq!(json["level"], 2);
        assert!(json["exercise"]["figure"].is_string());
        assert!(json["exercise"]["steps"].is_array());
    }
}
