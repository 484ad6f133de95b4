#!/usr/bin/env bash
# Run a command inside the MediaPipe reference venv (.venv-mediapipe/), creating
# it first if needed (pinned: scripts/requirements-mediapipe.txt). Examples:
#
#   bash scripts/with_mediapipe.sh python tests/reference/make_reference.py
#   bash scripts/with_mediapipe.sh python scripts/bench_mediapipe.py
#
# mediapipe 0.10.21 needs protobuf<5 and tensorflow-cpu 2.21 needs
# protobuf>=6.31.1, hence a venv of its own next to .venv-models/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/venv.sh
source "$HERE/lib/venv.sh"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv-mediapipe"
ensure_venv "$VENV" "$HERE/requirements-mediapipe.txt"

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
export PATH="$VENV/bin:$PATH" VIRTUAL_ENV="$VENV"
# Less log noise from MediaPipe's C++ side (glog/absl).
export GLOG_minloglevel="${GLOG_minloglevel:-2}"
exec "$@"
