//! The coaching content as data: exercises, one-line corrections, prompt titles, warning signs
//! and the disclaimer, read from TOML (the built-in copy is compiled in from
//! `assets/exercises.toml`) and validated once on load so the coach can trust it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::monitor::Fault;

/// The built-in library, compiled into the binary so plumbline works from any directory.
pub const BUILTIN_TOML: &str = include_str!("../../assets/exercises.toml");

/// What kind of exercise it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Lengthens a tight, overworked muscle.
    Stretch,
    /// Works a weak, overstretched muscle.
    Strengthen,
    /// Gives the spine a different shape for a while (extension, lying down, re-stacking).
    SpineReset,
    /// A short change of activity to break up static load.
    MicroBreak,
}

/// One exercise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Stable snake_case id (used in settings, history and rotation).
    pub id: String,
    /// Name shown to the user.
    pub name: String,
    /// What kind of exercise.
    pub category: Category,
    /// The faults it helps with.
    pub targets: Vec<Fault>,
    /// Can be done sitting at, or standing beside, the desk without equipment.
    pub at_desk: bool,
    /// Key of the drawing the UI shows for it.
    pub figure: String,
    /// Repetitions (per set, per side).
    #[serde(default)]
    pub reps: Option<u32>,
    /// Sets of `reps`.
    #[serde(default)]
    pub sets: Option<u32>,
    /// Seconds to hold each repetition.
    #[serde(default)]
    pub hold_s: Option<u32>,
    /// Seconds for the whole exercise, when it is timed rather than counted.
    #[serde(default)]
    pub duration_s: Option<u32>,
    /// Done on each side in turn.
    #[serde(default)]
    pub per_side: bool,
    /// What to do, one step per line.
    pub steps: Vec<String>,
    /// When to be careful or stop.
    #[serde(default)]
    pub cautions: Vec<String>,
}

impl Exercise {
    /// True if it helps with `fault`.
    pub fn targets(&self, fault: Fault) -> bool {
        self.targets.contains(&fault)
    }

    /// How much to do, in words: "10 × 3 s hold", "2 sets of 12", "2 min", "3 × 15 s hold,
    /// each side".
    pub fn dose_text(&self) -> String {
        let mut text = match (self.sets, self.reps, self.hold_s) {
            (Some(sets), Some(reps), _) => format!("{sets} sets of {reps}"),
            (None, Some(reps), Some(hold)) => format!("{reps} × {hold} s hold"),
            (None, Some(reps), None) => format!("{reps} times"),
            _ => String::new(),
        };
        if let Some(duration) = self.duration_s {
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str(&super::format_duration(f64::from(duration)));
        }
        if self.per_side {
            text.push_str(", each side");
        }
        text
    }
}

/// The warning signs of pain that may not be mechanical.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlags {
    /// The sentence before the list.
    pub intro: String,
    /// One sign per entry.
    pub signs: Vec<String>,
}

/// Prompt titles, one per escalation level (the last one repeats beyond the list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    /// Posture prompts by level.
    pub posture: Vec<String>,
    /// Break reminders by level.
    #[serde(rename = "break")]
    pub breaks: Vec<String>,
    /// Recalibration suggestions.
    pub recalibrate: String,
}

/// Wording of recalibration suggestions; `{duration}` is replaced by how long it has lasted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecalibrateText {
    /// When the geometry keeps reporting `moved`.
    pub moved: String,
    /// When only an unmatched person has been in view.
    pub subject_mismatch: String,
    /// What to do.
    pub advice: String,
}

/// All coaching content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// Not medical advice; stop if it hurts; when to see a doctor.
    pub disclaimer: String,
    /// Warning signs that mean "see a doctor first".
    pub red_flags: RedFlags,
    /// One short correction per fault.
    pub corrections: BTreeMap<Fault, String>,
    /// Prompt titles.
    pub titles: Titles,
    /// Recalibration wording.
    pub recalibrate: RecalibrateText,
    /// The exercises, in the order the coach rotates through them.
    pub exercises: Vec<Exercise>,
}

/// Why a library could not be used.
#[derive(Debug, Error)]
pub enum LibraryError {
    /// The TOML did not parse or did not have the expected shape.
    #[error("could not read the exercise library: {0}")]
    Parse(#[from] toml::de::Error),
    /// Two exercises share an id.
    #[error("exercise library: the id `{0}` is used twice; ids must be unique")]
    DuplicateId(String),
    /// An id or figure key is not snake_case.
    #[error("exercise library: `{value}` ({field}) must be snake_case letters, digits and _")]
    BadKey {
        /// `id` or `figure`.
        field: &'static str,
        /// The offending value.
        value: String,
    },
    /// A required text is empty.
    #[error("exercise library: {what} is empty")]
    Empty {
        /// What is empty, e.g. "the steps of `chin_tuck`".
        what: String,
    },
    /// An exercise says neither how many nor how long.
    #[error("exercise library: `{0}` needs reps or duration_s")]
    NoDose(String),
    /// A fault has no correction line.
    #[error("exercise library: no correction for `{0}`")]
    MissingCorrection(Fault),
    /// A fault has no exercise that can be done at the desk.
    #[error("exercise library: no desk-friendly exercise targets `{0}`")]
    UncoveredFault(Fault),
    /// No micro-break or spine reset targets static load, so break reminders have nothing.
    #[error("exercise library: no micro-break or spine-reset exercise targets `static_load`")]
    NoBreakExercise,
}

impl Library {
    /// The built-in library, parsed and validated.
    pub fn builtin() -> Result<Library, LibraryError> {
        Library::from_toml_str(BUILTIN_TOML)
    }

    /// Parses and validates a library.
    pub fn from_toml_str(text: &str) -> Result<Library, LibraryError> {
        let library: Library = toml::from_str(text)?;
        library.validate()?;
        Ok(library)
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// Checks everything the coach relies on.
    pub fn validate(&self) -> Result<(), LibraryError> {
        non_empty("the disclaimer", &self.disclaimer)?;
        non_empty("the red-flags intro", &self.red_flags.intro)?;
        all_non_empty("the red-flag signs", &self.red_flags.signs)?;
        all_non_empty("the posture titles", &self.titles.posture)?;
        all_non_empty("the break titles", &self.titles.breaks)?;
        non_empty("the recalibrate title", &self.titles.recalibrate)?;
        non_empty("the recalibrate `moved` text", &self.recalibrate.moved)?;
        non_empty(
            "the recalibrate `subject_mismatch` text",
            &self.recalibrate.subject_mismatch,
        )?;
        non_empty("the recalibrate advice", &self.recalibrate.advice)?;
        for fault in Fault::ALL {
            match self.corrections.get(&fault) {
                Some(text) => non_empty(&format!("the correction for `{fault}`"), text)?,
                None => return Err(LibraryError::MissingCorrection(fault)),
            }
        }
        let mut ids = BTreeSet::new();
        for exercise in &self.exercises {
            validate_exercise(exercise)?;
            if !ids.insert(exercise.id.as_str()) {
                return Err(LibraryError::DuplicateId(exercise.id.clone()));
            }
        }
        for fault in Fault::ALL {
            if !self.exercises.iter().any(|e| e.at_desk && e.targets(fault)) {
                return Err(LibraryError::UncoveredFault(fault));
            }
        }
        if !self.exercises.iter().any(is_break_exercise) {
            return Err(LibraryError::NoBreakExercise);
        }
        Ok(())
    }
}

/// True for exercises a break reminder may suggest.
pub fn is_break_exercise(exercise: &Exercise) -> bool {
    matches!(
        exercise.category,
        Category::MicroBreak | Category::SpineReset
    ) && exercise.targets(Fault::StaticLoad)
}

fn validate_exercise(exercise: &Exercise) -> Result<(), LibraryError> {
    snake_case("id", &exercise.id)?;
    snake_case("figure", &exercise.figure)?;
    let id = &exercise.id;
    non_empty(&format!("the name of `{id}`"), &exercise.name)?;
    all_non_empty(&format!("the steps of `{id}`"), &exercise.steps)?;
    if exercise.targets.is_empty() {
        return Err(LibraryError::Empty {
            what: format!("the targets of `{id}`"),
        });
    }
    for caution in &exercise.cautions {
        non_empty(&format!("a caution of `{id}`"), caution)?;
    }
    if exercise.reps.is_none() && exercise.duration_s.is_none() {
        return Err(LibraryError::NoDose(id.clone()));
    }
    Ok(())
}

fn non_empty(what: &str, text: &str) -> Result<(), LibraryError> {
    if text.trim().is_empty() {
        Err(LibraryError::Empty {
            what: what.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// A list must have entries, and none of them blank.
fn all_non_empty(what: &str, texts: &[String]) -> Result<(), LibraryError> {
    if texts.is_empty() {
        return Err(LibraryError::Empty {
            what: what.to_owned(),
        });
    }
    texts.iter().try_for_each(|t| non_empty(what, t))
}

fn snake_case(field: &'static str, value: &str) -> Result<(), LibraryError> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(LibraryError::BadKey {
            field,
            value: value.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minimum count of exercises the issue asks for.
    const MIN_EXERCISES: usize = 12;

    fn builtin() -> Library {
        Library::builtin().unwrap()
    }

    /// The built-in TOML with one textual edit applied.
    fn edited(from: &str, to: &str) -> Result<Library, LibraryError> {
        assert!(
            BUILTIN_TOML.contains(from),
            "fixture text not found: {from}"
        );
        Library::from_toml_str(&BUILTIN_TOML.replacen(from, to, 1))
    }

    #[test]
    fn builtin_library_loads_and_validates() {
        let library = builtin();
        assert!(library.exercises.len() >= MIN_EXERCISES);
        assert!(library.red_flags.signs.len() >= 5);
        assert!(library.disclaimer.contains("is medical advice"));
        assert!(library.disclaimer.contains("stop any exercise"));
        assert!(!library.disclaimer.starts_with(char::is_whitespace));
    }

    #[test]
    fn builtin_library_covers_the_issue_s_exercises() {
        let library = builtin();
        let required = [
            "upper_trap_stretch",
            "levator_scapulae_stretch",
            "doorway_pec_stretch",
            "upper_back_stretch",
            "suboccipital_stretch",
            "chin_tuck",
            "shoulder_blade_squeeze",
            "band_row",
            "wall_y_raise",
            "external_rotation",
            "wall_slide",
            "towel_extension",
            "bridge",
            "floor_rest",
            "stand_and_walk",
            "look_far",
        ];
        for id in required {
            assert!(library.exercise(id).is_some(), "missing {id}");
        }
        for category in [
            Category::Stretch,
            Category::Strengthen,
            Category::SpineReset,
            Category::MicroBreak,
        ] {
            assert!(
                library.exercises.iter().any(|e| e.category == category),
                "{category:?}"
            );
        }
    }

    #[test]
    fn every_posture_fault_has_at_least_two_desk_exercises_for_rotation() {
        let library = builtin();
        for fault in Fault::ALL {
            let n = library
                .exercises
                .iter()
                .filter(|e| e.at_desk && e.targets(fault))
                .count();
            assert!(n >= 2, "{fault}: {n}");
        }
    }

    #[test]
    fn validation_catches_broken_libraries() {
        let cases: [(&str, &str, &str); 8] = [
            ("id = \"look_far\"", "id = \"chin_tuck\"", "used twice"),
            ("id = \"look_far\"", "id = \"Look Far\"", "snake_case"),
            (
                "steps = [\n    \"Stand up next to your desk.\",",
                "steps = [\n    \"  \",",
                "steps of `stand_and_reach`",
            ),
            ("duration_s = 20\n", "", "needs reps or duration_s"),
            (
                "leaning = \"Sit evenly",
                "leaning_x = \"Sit evenly",
                "leaning_x",
            ),
            (
                "targets = [\"static_load\"]\nat_desk = true\nfigure = \"upper_back",
                "targets = []\nat_desk = true\nfigure = \"upper_back",
                "targets of",
            ),
            ("signs = [", "signs = [\"\",", "red-flag signs"),
            ("figure = \"bridge\"", "figure = \"\"", "figure"),
        ];
        for (from, to, expected) in cases {
            let message = match edited(from, to) {
                Ok(_) => panic!("accepted: {to}"),
                Err(e) => e.to_string(),
            };
            assert!(message.contains(expected), "{to}: {message}");
        }
    }

    #[test]
    fn a_fault_without_a_desk_exercise_is_rejected() {
        let mut library = builtin();
        for exercise in &mut library.exercises {
            exercise.targets.retain(|&f| f != Fault::Leaning);
            if exercise.targets.is_empty() {
                exercise.targets.push(Fault::StaticLoad);
            }
        }
        assert!(matches!(
            library.validate(),
            Err(LibraryError::UncoveredFault(Fault::Leaning))
        ));
        let mut library = builtin();
        library.corrections.remove(&Fault::Slouch);
        assert!(matches!(
            library.validate(),
            Err(LibraryError::MissingCorrection(Fault::Slouch))
        ));
        let mut library = builtin();
        library.exercises.retain(|e| !is_break_exercise(e));
        assert!(matches!(
            library.validate(),
            Err(LibraryError::NoBreakExercise)
        ));
    }

    #[test]
    fn dose_text_reads_naturally() {
        let library = builtin();
        let dose = |id: &str| library.exercise(id).unwrap().dose_text();
        assert_eq!(dose("chin_tuck"), "10 × 3 s hold");
        assert_eq!(dose("band_row"), "2 sets of 12");
        assert_eq!(dose("stand_and_walk"), "2 min");
        assert_eq!(dose("side_reach"), "3 × 15 s hold, each side");
        assert_eq!(dose("shoulder_rolls"), "10 times");
    }
}
