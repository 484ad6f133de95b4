//! Running totals for the UI and the daily history: seconds spent in each state, the upright
//! streak, and how many prompts, breaks and exercises there were. The caller decides when a day
//! ends (the monitor has no wall clock) and calls `Monitor::start_new_day`.

use serde::{Deserialize, Serialize};

use super::event::MonitorState;

/// Seconds per state and counts since the totals were last reset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Totals {
    /// Seconds calibrating (or waiting for a first calibration).
    pub calibrating_s: f64,
    /// Seconds upright.
    pub upright_s: f64,
    /// Seconds drifting (a fault seen, not yet persisted).
    pub drifting_s: f64,
    /// Seconds slouching.
    pub slouching_s: f64,
    /// Seconds away.
    pub away_s: f64,
    /// Seconds paused.
    pub paused_s: f64,
    /// Seconds snoozed.
    pub snoozed_s: f64,
    /// Seconds with a camera problem.
    pub camera_problem_s: f64,
    /// Present seconds (upright or drifting) since the last slouching episode began. Away,
    /// paused, snoozed and camera-problem time neither add to it nor break it.
    pub upright_streak_s: f64,
    /// The longest upright streak seen since the totals were reset.
    pub longest_upright_streak_s: f64,
    /// Slouching episodes started.
    pub slouch_episodes: u32,
    /// Posture prompts raised.
    pub posture_prompts: u32,
    /// Recalibration suggestions raised.
    pub recalibrate_prompts: u32,
    /// Break reminders raised.
    pub break_reminders: u32,
    /// Breaks counted (away long enough, or a break exercise done).
    pub breaks_taken: u32,
    /// Exercises the user reported done.
    pub exercises_done: u32,
}

impl Totals {
    /// Adds `dt` seconds spent in `state`, growing the upright streak where it applies.
    pub fn add_time(&mut self, state: MonitorState, dt: f64) {
        let slot = match state {
            MonitorState::Calibrating => &mut self.calibrating_s,
            MonitorState::Upright => &mut self.upright_s,
            MonitorState::Drifting => &mut self.drifting_s,
            MonitorState::Slouching => &mut self.slouching_s,
            MonitorState::Away => &mut self.away_s,
            MonitorState::Paused => &mut self.paused_s,
            MonitorState::Snoozed => &mut self.snoozed_s,
            MonitorState::CameraProblem => &mut self.camera_problem_s,
        };
        *slot += dt;
        if matches!(state, MonitorState::Upright | MonitorState::Drifting) {
            self.upright_streak_s += dt;
            self.longest_upright_streak_s =
                self.longest_upright_streak_s.max(self.upright_streak_s);
        }
    }

    /// Seconds spent in `state`.
    pub fn time_in(&self, state: MonitorState) -> f64 {
        match state {
            MonitorState::Calibrating => self.calibrating_s,
            MonitorState::Upright => self.upright_s,
            MonitorState::Drifting => self.drifting_s,
            MonitorState::Slouching => self.slouching_s,
            MonitorState::Away => self.away_s,
            MonitorState::Paused => self.paused_s,
            MonitorState::Snoozed => self.snoozed_s,
            MonitorState::CameraProblem => self.camera_problem_s,
        }
    }

    /// Seconds accounted in any state.
    pub fn total_s(&self) -> f64 {
        MonitorState::ALL.iter().map(|&s| self.time_in(s)).sum()
    }

    /// A slouching episode began: count it and end the upright streak.
    pub fn slouch_started(&mut self) {
        self.slouch_episodes += 1;
        self.upright_streak_s = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_lands_in_the_right_slot_and_adds_up() {
        let mut totals = Totals::default();
        for (i, state) in MonitorState::ALL.iter().enumerate() {
            totals.add_time(*state, (i + 1) as f64);
        }
        for (i, state) in MonitorState::ALL.iter().enumerate() {
            assert_eq!(totals.time_in(*state), (i + 1) as f64, "{state:?}");
        }
        assert_eq!(totals.total_s(), 36.0);
    }

    #[test]
    fn streak_grows_while_upright_or_drifting_and_survives_away() {
        let mut totals = Totals::default();
        totals.add_time(MonitorState::Upright, 100.0);
        totals.add_time(MonitorState::Away, 50.0);
        totals.add_time(MonitorState::Drifting, 10.0);
        assert_eq!(totals.upright_streak_s, 110.0);
        totals.slouch_started();
        assert_eq!(totals.upright_streak_s, 0.0);
        assert_eq!(totals.longest_upright_streak_s, 110.0);
        totals.add_time(MonitorState::Upright, 20.0);
        assert_eq!(totals.upright_streak_s, 20.0);
        assert_eq!(totals.longest_upright_streak_s, 110.0);
    }
}
