//! The user's settings: one serde struct saved as TOML in the user's config directory.
//! A missing file means defaults; an invalid or unreadable one gives a visible warning and safe
//! defaults, and is never overwritten silently (it is kept aside before the next save).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::monitor::MonitorConfig;
use crate::pose::LandmarkModel;

/// The window's zoom is kept within these.
pub const MIN_UI_ZOOM: f64 = 0.5;
pub const MAX_UI_ZOOM: f64 = 3.0;

/// Everything the user can set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Camera to use: an index ("0") or part of its name.
    pub camera: String,
    /// Capture resolution, width × height.
    pub resolution: [u32; 2],
    /// Frames analysed per second while posture is steady (it speeds up while drifting).
    pub analysis_fps: f32,
    /// Landmark model.
    pub model: LandmarkModel,
    /// Degrees of forward head beyond the baseline that count as a fault.
    pub forward_head_threshold_deg: f32,
    /// Degrees of rounded shoulders beyond the baseline that count as a fault.
    pub rounded_shoulder_threshold_deg: f32,
    /// Seconds a fault must last before a prompt.
    pub prompt_delay_s: u32,
    /// Minutes between repeated prompts while a slouch continues.
    pub repeat_interval_min: u32,
    /// Minutes of sitting before a break is suggested.
    pub break_interval_min: u32,
    /// Desktop notifications when the window is not focused.
    pub notifications: bool,
    /// Start with the window minimised.
    pub start_minimised: bool,
    /// Days of history to keep.
    pub retention_days: u32,
    /// Show the camera image in the live view (off: landmarks on a blank canvas).
    pub show_camera_image: bool,
    /// The window's zoom (Ctrl + and Ctrl −), kept from one run to the next.
    pub ui_zoom: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            camera: "0".to_string(),
            resolution: [640, 480],
            analysis_fps: 2.0,
            model: LandmarkModel::default(),
            forward_head_threshold_deg: crate::monitor::config::DEFAULT_FORWARD_HEAD_THRESHOLD_DEG,
            rounded_shoulder_threshold_deg:
                crate::monitor::config::DEFAULT_ROUNDED_SHOULDER_THRESHOLD_DEG,
            prompt_delay_s: 30,
            repeat_interval_min: 5,
            break_interval_min: 45,
            notifications: true,
            start_minimised: false,
            retention_days: 90,
            show_camera_image: true,
            ui_zoom: 1.0,
        }
    }
}

/// One invalid setting: which, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingIssue {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for SettingIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn check_range(
    issues: &mut Vec<SettingIssue>,
    field: &'static str,
    value: f64,
    low: f64,
    high: f64,
    unit: &str,
) {
    if !(value.is_finite() && (low..=high).contains(&value)) {
        issues.push(SettingIssue {
            field,
            message: format!("{value} {unit} is outside {low}–{high} {unit}"),
        });
    }
}

impl Settings {
    /// Every problem with these settings (empty when they are valid).
    pub fn validate(&self) -> Vec<SettingIssue> {
        let mut issues = Vec::new();
        if self.camera.trim().is_empty() {
            issues.push(SettingIssue {
                field: "camera",
                message: "name a camera by index (0) or by part of its name".to_string(),
            });
        }
        check_range(
            &mut issues,
            "resolution",
            self.resolution[0] as f64,
            160.0,
            3840.0,
            "px wide",
        );
        check_range(
            &mut issues,
            "resolution",
            self.resolution[1] as f64,
            120.0,
            2160.0,
            "px high",
        );
        check_range(
            &mut issues,
            "analysis_fps",
            self.analysis_fps as f64,
            0.2,
            15.0,
            "fps",
        );
        check_range(
            &mut issues,
            "forward_head_threshold_deg",
            self.forward_head_threshold_deg as f64,
            2.0,
            30.0,
            "°",
        );
        check_range(
            &mut issues,
            "rounded_shoulder_threshold_deg",
            self.rounded_shoulder_threshold_deg as f64,
            2.0,
            30.0,
            "°",
        );
        check_range(
            &mut issues,
            "prompt_delay_s",
            self.prompt_delay_s as f64,
            5.0,
            600.0,
            "s",
        );
        check_range(
            &mut issues,
            "repeat_interval_min",
            self.repeat_interval_min as f64,
            1.0,
            120.0,
            "min",
        );
        check_range(
            &mut issues,
            "break_interval_min",
            self.break_interval_min as f64,
            10.0,
            240.0,
            "min",
        );
        check_range(
            &mut issues,
            "retention_days",
            self.retention_days as f64,
            1.0,
            3650.0,
            "days",
        );
        check_range(
            &mut issues,
            "ui_zoom",
            f64::from(self.ui_zoom),
            MIN_UI_ZOOM,
            MAX_UI_ZOOM,
            "× zoom",
        );
        issues
    }

    /// The state machine's configuration for these settings.
    pub fn monitor_config(&self) -> MonitorConfig {
        MonitorConfig {
            slouch_delay_s: self.prompt_delay_s as f64,
            repeat_interval_s: self.repeat_interval_min as f64 * 60.0,
            break_interval_s: self.break_interval_min as f64 * 60.0,
            forward_head_threshold_deg: self.forward_head_threshold_deg,
            rounded_shoulder_threshold_deg: self.rounded_shoulder_threshold_deg,
            ..MonitorConfig::default()
        }
    }

    /// The saved upright baseline: `baseline.json` in the user's config directory.
    pub fn default_baseline_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "plumbline")
            .map(|dirs| dirs.config_dir().join("baseline.json"))
    }

    /// The default settings file: `settings.toml` in the user's config directory.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "plumbline")
            .map(|dirs| dirs.config_dir().join("settings.toml"))
    }
}

/// Settings as loaded, with a warning to show when the file could not be used.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedSettings {
    pub settings: Settings,
    pub warning: Option<String>,
    /// True when the file on disk is invalid and must be kept aside before saving.
    pub file_is_invalid: bool,
}

/// Loads settings from `path`: defaults when it does not exist; defaults and a warning when it
/// cannot be read, does not parse or holds invalid values.
pub fn load(path: &Path) -> LoadedSettings {
    let fallback = |warning: String| LoadedSettings {
        settings: Settings::default(),
        warning: Some(warning),
        file_is_invalid: true,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return LoadedSettings {
                settings: Settings::default(),
                warning: None,
                file_is_invalid: false,
            };
        }
        Err(error) => {
            return fallback(format!(
                "Settings file {} could not be read ({error}); using defaults. It will be kept as it is.",
                path.display()
            ));
        }
    };
    let settings: Settings = match toml::from_str(&text) {
        Ok(settings) => settings,
        Err(error) => {
            return fallback(format!(
                "Settings file {} is not valid ({}); using defaults. Fix it, or save new settings (the old file is kept beside it).",
                path.display(),
                error.message()
            ));
        }
    };
    let issues = settings.validate();
    if !issues.is_empty() {
        let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
        return fallback(format!(
            "Settings file {} has invalid values ({}); using defaults. Fix it, or save new settings (the old file is kept beside it).",
            path.display(),
            list.join("; ")
        ));
    }
    LoadedSettings {
        settings,
        warning: None,
        file_is_invalid: false,
    }
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the settings are invalid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<SettingIssue>),
    #[error("could not write settings to {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Saves valid settings to `path` atomically. With `keep_invalid_file`, an existing file is
/// first renamed to `<name>.invalid` so the user's hand edits are never lost.
pub fn save(settings: &Settings, path: &Path, keep_invalid_file: bool) -> Result<(), SaveError> {
    let issues = settings.validate();
    if !issues.is_empty() {
        return Err(SaveError::Invalid(issues));
    }
    let io_error = |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(io_error)?;
    }
    if keep_invalid_file && path.exists() {
        std::fs::rename(path, path.with_extension("toml.invalid")).map_err(io_error)?;
    }
    let text = toml::to_string_pretty(settings)
        .map_err(|error| io_error(std::io::Error::other(error.to_string())))?;
    let partial = path.with_extension("toml.partial");
    std::fs::write(&partial, text).map_err(io_error)?;
    std::fs::rename(&partial, path).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("settings.toml");
        assert!(Settings::default().validate().is_empty());
        let loaded = load(&path);
        assert_eq!(loaded.settings, Settings::default());
        assert_eq!(loaded.warning, None);
        let changed = Settings {
            analysis_fps: 4.0,
            model: LandmarkModel::Full,
            ..Settings::default()
        };
        save(&changed, &path, false)?;
        assert_eq!(load(&path).settings, changed);
        Ok(())
    }

    #[test]
    fn broken_file_gives_defaults_a_warning_and_is_kept_on_save()
    -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("settings.toml");
        std::fs::write(&path, "analysis_fps = \"fast\"\n")?;
        let loaded = load(&path);
        assert_eq!(loaded.settings, Settings::default());
        let warning = loaded.warning.unwrap_or_default();
        assert!(warning.contains("not valid"), "{warning}");
        assert!(loaded.file_is_invalid);
        save(&loaded.settings, &path, loaded.file_is_invalid)?;
        assert_eq!(
            std::fs::read_to_string(path.with_extension("toml.invalid"))?,
            "analysis_fps = \"fast\"\n"
        );
        Ok(())
    }

    #[test]
    fn out_of_range_values_are_named() {
        let settings = Settings {
            analysis_fps: 100.0,
            forward_head_threshold_deg: f32::NAN,
            ..Settings::default()
        };
        let issues = settings.validate();
        let fields: Vec<&str> = issues.iter().map(|issue| issue.field).collect();
        assert_eq!(fields, vec!["analysis_fps", "forward_head_threshold_deg"]);
        assert!(matches!(
            save(&settings, Path::new("/nonexistent/x.toml"), false),
            Err(SaveError::Invalid(_))
        ));
    }

    #[test]
    fn invalid_values_in_the_file_are_reported() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("settings.toml");
        std::fs::write(&path, "prompt_delay_s = 1\n")?;
        let loaded = load(&path);
        assert!(
            loaded
                .warning
                .unwrap_or_default()
                .contains("prompt_delay_s")
        );
        Ok(())
    }

    #[test]
    fn settings_reach_the_monitor() {
        let settings = Settings {
            prompt_delay_s: 45,
            break_interval_min: 50,
            ..Settings::default()
        };
        let config = settings.monitor_config();
        assert_eq!(config.slouch_delay_s, 45.0);
        assert_eq!(config.break_interval_s, 3000.0);
        assert!(config.validate().is_ok());
    }
}
