//! Start at login: the XDG autostart entry (`~/.config/autostart/plumbline.desktop`) that
//! starts plumbline hidden in the tray when the user logs in.
//!
//! The entry's presence is the setting: there is no second copy of it in the settings file, so
//! a user who deletes the entry (or a desktop's own "startup apps" panel that disables it with
//! `Hidden=true` or `X-GNOME-Autostart-enabled=false`) is what the Settings dialog then shows.

use std::path::{Path, PathBuf};

/// The option the entry starts plumbline with: the window stays in the tray.
pub const HIDDEN_OPTION: &str = "--hidden";

/// The entry's file name in the autostart folder.
pub const ENTRY_FILE_NAME: &str = "plumbline.desktop";

/// Why the entry could not be written or removed.
#[derive(Debug, thiserror::Error)]
#[error("could not {action} the login entry {}: {source}", .path.display())]
pub struct AutostartError {
    /// "write" or "remove".
    action: &'static str,
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

/// The login entry of one executable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autostart {
    entry: PathBuf,
    executable: PathBuf,
}

impl Autostart {
    /// The user's entry (`$XDG_CONFIG_HOME/autostart/plumbline.desktop`) for the running
    /// executable; `None` without a home folder or when the executable's path is unknown.
    pub fn for_user() -> Option<Autostart> {
        let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
        let executable = std::env::current_exe().ok()?;
        Some(Autostart::at(
            config.join("autostart").join(ENTRY_FILE_NAME),
            executable,
        ))
    }

    /// The entry at `entry`, starting `executable`.
    pub fn at(entry: impl Into<PathBuf>, executable: impl Into<PathBuf>) -> Autostart {
        Autostart {
            entry: entry.into(),
            executable: executable.into(),
        }
    }

    /// Where the entry lives.
    pub fn entry(&self) -> &Path {
        &self.entry
    }

    /// Whether plumbline starts at login: the entry exists and the desktop has not disabled it.
    pub fn is_enabled(&self) -> bool {
        std::fs::read_to_string(&self.entry).is_ok_and(|text| entry_is_enabled(&text))
    }

    /// Writes the entry (`on`) or removes it. Writing replaces the file whole (a temporary file
    /// renamed over it); removing an entry that is not there is not an error.
    pub fn set(&self, on: bool) -> Result<(), AutostartError> {
        if on {
            let fail = |source| AutostartError {
                action: "write",
                path: self.entry.clone(),
                source,
            };
            if let Some(folder) = self.entry.parent() {
                std::fs::create_dir_all(folder).map_err(fail)?;
            }
            let partial = self.entry.with_extension("desktop.partial");
            std::fs::write(&partial, entry_text(&self.executable)).map_err(fail)?;
            std::fs::rename(&partial, &self.entry).map_err(fail)
        } else {
            match std::fs::remove_file(&self.entry) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(AutostartError {
                    action: "remove",
                    path: self.entry.clone(),
                    source: error,
                }),
                _ => Ok(()),
            }
        }
    }
}

/// The text of an autostart entry that starts `executable` hidden in the tray.
pub fn entry_text(executable: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=plumbline\n\
         Comment=Posture monitor, started in the tray at login\n\
         Exec={} {HIDDEN_OPTION}\n\
         Icon=plumbline\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n",
        exec_argument(&executable.to_string_lossy())
    )
}

/// `argument` as one argument of a desktop entry's `Exec` key: bare when it has no reserved
/// character, else double-quoted with `"`, `` ` ``, `$` and `\` escaped; then every backslash
/// doubled, as the key's string value needs (Desktop Entry Specification, "The Exec key").
pub fn exec_argument(argument: &str) -> String {
    const RESERVED: &[char] = &[
        ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(',
        ')', '`', '%',
    ];
    let quoted = if argument.contains(RESERVED) {
        let mut quoted = String::from("\"");
        for character in argument.chars() {
            if matches!(character, '"' | '`' | '$' | '\\') {
                quoted.push('\\');
            }
            quoted.push(character);
        }
        quoted.push('"');
        quoted
    } else {
        argument.to_owned()
    };
    // A literal percent sign is written twice (field codes start with one).
    quoted.replace('\\', "\\\\").replace('%', "%%")
}

/// Whether an entry's text leaves it enabled: not `Hidden=true`, not
/// `X-GNOME-Autostart-enabled=false` (in its `[Desktop Entry]` group).
pub fn entry_is_enabled(text: &str) -> bool {
    let mut in_main_group = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_main_group = line == "[Desktop Entry]";
            continue;
        }
        if !in_main_group {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match (key.trim(), value.trim()) {
            ("Hidden", "true") | ("X-GNOME-Autostart-enabled", "false") => return false,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_the_executable_hidden() {
        let text = entry_text(Path::new("/home/me/.local/bin/plumbline"));
        assert!(text.starts_with("[Desktop Entry]\n"), "{text}");
        assert!(
            text.contains("\nExec=/home/me/.local/bin/plumbline --hidden\n"),
            "{text}"
        );
        assert!(entry_is_enabled(&text));
    }

    #[test]
    fn paths_with_reserved_characters_are_quoted_and_escaped() {
        assert_eq!(exec_argument("/usr/bin/plumbline"), "/usr/bin/plumbline");
        assert_eq!(
            exec_argument("/home/me/My Apps/plumbline"),
            "\"/home/me/My Apps/plumbline\""
        );
        // `$` is escaped with a backslash, and the backslash itself doubled for the string value.
        assert_eq!(
            exec_argument("/opt/a$b/plumbline"),
            "\"/opt/a\\\\$b/plumbline\""
        );
        assert_eq!(
            exec_argument("/opt/100%/plumbline"),
            "\"/opt/100%%/plumbline\""
        );
    }

    #[test]
    fn the_desktop_can_disable_the_entry() {
        let text = entry_text(Path::new("/usr/bin/plumbline"));
        assert!(!entry_is_enabled(&format!("{text}Hidden=true\n")));
        assert!(!entry_is_enabled(
            &text.replace("Autostart-enabled=true", "Autostart-enabled=false")
        ));
        // Keys of another group do not count.
        assert!(entry_is_enabled(&format!(
            "{text}[Desktop Action x]\nHidden=true\n"
        )));
    }

    #[test]
    fn set_writes_and_removes_the_entry() {
        let folder = tempfile::tempdir().unwrap();
        let autostart = Autostart::at(
            folder.path().join("autostart/plumbline.desktop"),
            "/usr/bin/plumbline",
        );
        assert!(!autostart.is_enabled());
        autostart.set(false).unwrap();
        autostart.set(true).unwrap();
        assert!(autostart.is_enabled());
        assert_eq!(
            std::fs::read_to_string(autostart.entry()).unwrap(),
            entry_text(Path::new("/usr/bin/plumbline"))
        );
        assert_eq!(
            std::fs::read_dir(folder.path().join("autostart"))
                .unwrap()
                .count(),
            1,
            "no partial file is left"
        );
        autostart.set(false).unwrap();
        assert!(!autostart.entry().exists());
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_a_clear_error() {
        let folder = tempfile::tempdir().unwrap();
        let blocker = folder.path().join("autostart");
        std::fs::write(&blocker, b"a file where the folder should be").unwrap();
        let autostart = Autostart::at(blocker.join("plumbline.desktop"), "/usr/bin/plumbline");
        let message = autostart.set(true).unwrap_err().to_string();
        assert!(
            message.starts_with("could not write the login entry "),
            "{message}"
        );
        assert!(message.contains("autostart/plumbline.desktop"), "{message}");
    }
}
