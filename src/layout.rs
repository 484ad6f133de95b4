//! Where an installed plumbline keeps its files, relative to its own executable.
//!
//! `scripts/install.sh` lays out `PREFIX/bin/plumbline`, `PREFIX/lib/plumbline/` (ONNX Runtime)
//! and `PREFIX/share/plumbline/models/`. The binary finds them from its own path, so an install
//! runs with the source tree gone.

use std::path::Path;

/// Where the install puts the ONNX Runtime library, relative to the prefix.
pub const INSTALLED_LIBRARY_DIR: &str = "lib/plumbline";

/// Where the install puts the models, relative to the prefix.
pub const INSTALLED_MODELS_DIR: &str = "share/plumbline/models";

/// The install prefix of an executable laid out as `PREFIX/bin/plumbline`: `PREFIX`, or `None`
/// when the executable's folder is not named `bin` (a build tree, a copy elsewhere).
pub fn install_prefix(executable: &Path) -> Option<&Path> {
    let folder = executable.parent()?;
    if folder.file_name()? == "bin" {
        folder.parent()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_the_parent_of_bin() {
        assert_eq!(
            install_prefix(Path::new("/home/me/.local/bin/plumbline")),
            Some(Path::new("/home/me/.local"))
        );
        assert_eq!(
            install_prefix(Path::new("/usr/bin/plumbline")),
            Some(Path::new("/usr"))
        );
    }

    #[test]
    fn a_build_tree_or_a_bare_name_has_no_prefix() {
        assert_eq!(
            install_prefix(Path::new("/src/target/release/plumbline")),
            None
        );
        assert_eq!(install_prefix(Path::new("plumbline")), None);
        assert_eq!(install_prefix(Path::new("/plumbline")), None);
    }
}
