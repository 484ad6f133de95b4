#!/usr/bin/env bash
# Builds target/debian/plumbline_VERSION_amd64.deb with cargo-deb (metadata in Cargo.toml:
# the layout of scripts/install.sh under /usr). Installs what it needs: the setup (ONNX
# Runtime into .local/onnxruntime), dpkg-dev (dpkg-shlibdeps, for the package's dependencies)
# and cargo-deb from crates.io. Then: sudo apt install ./target/debian/plumbline_*.deb
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked
fi
cargo deb --locked
