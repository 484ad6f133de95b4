#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, then unit, integration and GUI tests (the GUI
# tests under a virtual X display).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --test
cd "$ROOT"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"

echo ">> layers (scripts/check_layers.py)"
python3 scripts/check_layers.py
echo ">> cargo fmt --check"
cargo fmt --all -- --check
echo ">> cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings
echo ">> cargo test"
xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" cargo test --locked -- --test-threads=2
