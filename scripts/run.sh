#!/usr/bin/env bash
# Builds plumbline (release) and starts it; arguments are passed on, e.g.
#   bash scripts/run.sh                       # the desktop app on the default camera
#   bash scripts/run.sh analyze video.mp4     # any command
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
cargo build --release --locked --quiet
exec "$ROOT/target/release/plumbline" "$@"
