//! Finding and loading the ONNX Runtime shared library.
//!
//! plumbline uses `ort` with `load-dynamic`: the library is not linked at build time but opened
//! when the first model is loaded. It is looked for, in order, at `ORT_DYLIB_PATH`, next to the
//! executable, in the installed layout (`PREFIX/lib/plumbline` for a binary in `PREFIX/bin`, as
//! `scripts/install.sh` lays it out), and in the project-local folder that `scripts/setup.sh`
//! fills from the PyPI `onnxruntime` wheel. When none has it, the error names every place looked at and the one
//! command that installs it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ort::environment::Environment;

use crate::layout;

/// The environment variable that names the ONNX Runtime library file (ort's own convention).
pub const ORT_PATH_VARIABLE: &str = "ORT_DYLIB_PATH";

/// The ONNX Runtime release plumbline is built against (`ort` 2.0.0-rc.15 targets API 1.31).
pub const ORT_VERSION: &str = "1.31.1";

/// The command that installs the library into the project-local folder.
pub const INSTALL_COMMAND: &str = "bash scripts/setup.sh";

/// Where `scripts/setup.sh` puts the library, relative to the source tree.
pub const PROJECT_LOCAL_DIR: &str = ".local/onnxruntime";

/// Overrides the location of the project-local folder (for packagers and tests).
pub const PROJECT_LOCAL_VARIABLE: &str = "PLUMBLINE_ORT_LOCAL_DIR";

/// One place the library was looked for, and why it was considered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchedPlace {
    pub path: PathBuf,
    pub origin: &'static str,
}

/// Why ONNX Runtime could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(
        "ONNX Runtime {ORT_VERSION} (libonnxruntime.so) was not found. Looked in:\n{}\nInstall it with `{INSTALL_COMMAND}` from the plumbline source tree, or set {ORT_PATH_VARIABLE} to the library file.",
        list_places(.searched)
    )]
    NotFound { searched: Vec<SearchedPlace> },
    #[error(
        "ONNX Runtime at {path} could not be {stage}: {source}. Reinstall it with `{INSTALL_COMMAND}` (plumbline needs version {ORT_VERSION})."
    )]
    LoadFailed {
        path: PathBuf,
        /// "loaded" (the library) or "started" (its environment).
        stage: &'static str,
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

fn list_places(places: &[SearchedPlace]) -> String {
    places
        .iter()
        .map(|place| format!("  - {} ({})", place.path.display(), place.origin))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The places to look for the library, in order. `ORT_DYLIB_PATH` names a file; the others are
/// folders that may hold `libonnxruntime.so` or a versioned `libonnxruntime.so.1.*`.
pub fn search_places(
    env_value: Option<&str>,
    executable: Option<&Path>,
    project_local: &Path,
) -> Vec<SearchedPlace> {
    let mut places = Vec::new();
    if let Some(value) = env_value.filter(|value| !value.is_empty()) {
        places.push(SearchedPlace {
            path: PathBuf::from(value),
            origin: "from ORT_DYLIB_PATH",
        });
    }
    if let Some(folder) = executable.and_then(Path::parent) {
        places.push(SearchedPlace {
            path: folder.to_path_buf(),
            origin: "next to the executable",
        });
    }
    if let Some(prefix) = executable.and_then(layout::install_prefix) {
        places.push(SearchedPlace {
            path: prefix.join(layout::INSTALLED_LIBRARY_DIR),
            origin: "installed with the executable",
        });
    }
    places.push(SearchedPlace {
        path: project_local.to_path_buf(),
        origin: "project-local folder filled by scripts/setup.sh",
    });
    places
}

/// The project-local folder: `PLUMBLINE_ORT_LOCAL_DIR`, or `.local/onnxruntime` in the source
/// tree this binary was built from.
pub fn project_local_dir() -> PathBuf {
    std::env::var_os(PROJECT_LOCAL_VARIABLE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(PROJECT_LOCAL_DIR))
}

/// The library file in `place`, if there is one: the place itself when it is a file, else the
/// best-named library inside the folder (unversioned name first, then the newest versioned one).
pub fn library_in(place: &Path) -> Option<PathBuf> {
    if place.is_file() {
        return Some(place.to_path_buf());
    }
    let exact = place.join("libonnxruntime.so");
    if exact.is_file() {
        return Some(exact);
    }
    let mut versioned: Vec<PathBuf> = std::fs::read_dir(place)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("libonnxruntime.so."))
        })
        .collect();
    versioned.sort();
    versioned.pop()
}

/// Finds the library in the standard places (see the module documentation).
pub fn find_library() -> Result<PathBuf, RuntimeError> {
    let env_value = std::env::var(ORT_PATH_VARIABLE).ok();
    let executable = std::env::current_exe().ok();
    let places = search_places(
        env_value.as_deref(),
        executable.as_deref(),
        &project_local_dir(),
    );
    places
        .iter()
        .find_map(|place| library_in(&place.path))
        .ok_or(RuntimeError::NotFound { searched: places })
}

/// How loading failed: the stage and ONNX Runtime's error, shared by every later caller.
type LoadFailure = (&'static str, Arc<dyn std::error::Error + Send + Sync>);

static ENVIRONMENT: OnceLock<Result<Environment, LoadFailure>> = OnceLock::new();

/// Loads ONNX Runtime once per process and returns its environment.
///
/// A failure is remembered: the library cannot be swapped within one process.
pub fn environment() -> Result<Environment, RuntimeError> {
    let path = find_library()?;
    let loaded = ENVIRONMENT.get_or_init(|| start_environment(&path));
    loaded
        .clone()
        .map_err(|(stage, source)| RuntimeError::LoadFailed {
            path: path.clone(),
            stage,
            source,
        })
}

fn start_environment(path: &Path) -> Result<Environment, LoadFailure> {
    let builder = ort::init_from(path).map_err(|error| ("loaded", shared(error)))?;
    builder
        .with_name("plumbline")
        .with_telemetry(false)
        .build()
        .map_err(|error| ("started", shared(error)))
}

fn shared(
    error: impl std::error::Error + Send + Sync + 'static,
) -> Arc<dyn std::error::Error + Send + Sync> {
    Arc::new(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variable_comes_first_then_executable_folder_then_installed_then_project() {
        let places = search_places(
            Some("/opt/ort/libonnxruntime.so"),
            Some(Path::new("/usr/bin/plumbline")),
            Path::new("/src/.local/onnxruntime"),
        );
        let paths: Vec<&Path> = places.iter().map(|place| place.path.as_path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("/opt/ort/libonnxruntime.so"),
                Path::new("/usr/bin"),
                Path::new("/usr/lib/plumbline"),
                Path::new("/src/.local/onnxruntime"),
            ]
        );
    }

    #[test]
    fn a_build_tree_executable_has_no_installed_layout() {
        let places = search_places(
            None,
            Some(Path::new("/src/target/release/plumbline")),
            Path::new("/src/.local/onnxruntime"),
        );
        let paths: Vec<&Path> = places.iter().map(|place| place.path.as_path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("/src/target/release"),
                Path::new("/src/.local/onnxruntime")
            ]
        );
    }

    #[test]
    fn empty_environment_variable_is_ignored() {
        let places = search_places(Some(""), None, Path::new("/p"));
        assert_eq!(places.len(), 1);
    }

    #[test]
    fn finds_versioned_library_in_a_folder() -> std::io::Result<()> {
        let folder = tempfile::tempdir()?;
        assert_eq!(library_in(folder.path()), None);
        std::fs::write(folder.path().join("libonnxruntime.so.1.30.0"), b"")?;
        std::fs::write(folder.path().join("libonnxruntime.so.1.31.1"), b"")?;
        std::fs::write(
            folder.path().join("libonnxruntime_providers_shared.so"),
            b"",
        )?;
        assert_eq!(
            library_in(folder.path()),
            Some(folder.path().join("libonnxruntime.so.1.31.1"))
        );
        std::fs::write(folder.path().join("libonnxruntime.so"), b"")?;
        assert_eq!(
            library_in(folder.path()),
            Some(folder.path().join("libonnxruntime.so"))
        );
        Ok(())
    }

    #[test]
    fn not_found_message_names_every_place_and_the_install_command() {
        let error = RuntimeError::NotFound {
            searched: search_places(
                Some("/nowhere/lib.so"),
                Some(Path::new("/bin/plumbline")),
                Path::new("/src/.local/onnxruntime"),
            ),
        };
        let message = error.to_string();
        assert!(message.contains("/nowhere/lib.so"), "{message}");
        assert!(message.contains("/bin"), "{message}");
        assert!(message.contains("/src/.local/onnxruntime"), "{message}");
        assert!(message.contains(INSTALL_COMMAND), "{message}");
    }
}
