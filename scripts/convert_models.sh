#!/usr/bin/env bash
# Regenerate models/*.onnx from MediaPipe's TFLite models (see models/README.md).
#
#   bash scripts/convert_models.sh [extra args for convert_models.py]
#
# 1. Creates (once) the venv .venv-models/ with the pinned packages in
#    scripts/requirements-convert.txt (tensorflow-cpu, tf2onnx, onnx, onnxruntime).
# 2. Fetches (once) the two source wheels with `pip download --no-deps` into
#    .venv-models/wheels/ and checks their sha256.
# 3. Runs scripts/convert_models.py: writes models/*.onnx and models/SHA256SUMS,
#    prints a JSON verification report (accuracy vs TFLite, ONNX Runtime
#    latency on one thread) and saves it as .venv-models/convert-report.json.
# 4. Compares the new files with the committed models/SHA256SUMS (git) and
#    says whether the bytes were reproduced.
#
# Needs tests/fixtures/grace_hopper.jpg (bash scripts/make_fixtures.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/venv.sh
source "$HERE/lib/venv.sh"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv-models"
WHEELS="$VENV/wheels"

# Pinned source wheels (the mediapipe one is the cp311 manylinux x86_64 build).
MEDIAPIPE_SPEC="mediapipe==0.10.21"
MEDIAPIPE_WHL_SHA="05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
POSTURED_SPEC="postured==1.4.1"
POSTURED_WHL_SHA="d3659aabfa945310a145f69ebb8b1b5a09de5f1e264a61259233222cfd9bd0e6"

if [[ ! -f tests/fixtures/grace_hopper.jpg ]]; then
    echo "error: tests/fixtures/grace_hopper.jpg missing: run bash scripts/make_fixtures.sh" >&2
    exit 1
fi

ensure_venv "$VENV" "$HERE/requirements-convert.txt"
PY="$VENV/bin/python"
mp_whl="$(fetch_wheel "$PY" "$WHEELS" "$MEDIAPIPE_SPEC" "$MEDIAPIPE_WHL_SHA")"
po_whl="$(fetch_wheel "$PY" "$WHEELS" "$POSTURED_SPEC" "$POSTURED_WHL_SHA")"

# Keep the threads (and the noise in the timings) down.
export OMP_NUM_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_NUM_INTRAOP_THREADS=1

# The committed checksums, to tell whether this run reproduced them.
committed="$(git show HEAD:models/SHA256SUMS 2>/dev/null || true)"

"$PY" "$HERE/convert_models.py" \
    --mediapipe-wheel "$mp_whl" --postured-wheel "$po_whl" \
    --out models --image tests/fixtures/grace_hopper.jpg \
    --report "$VENV/convert-report.json" "$@" >/dev/null

echo ">> report: $VENV/convert-report.json" >&2
cat models/SHA256SUMS
if [[ -z "$committed" ]]; then
    echo ">> no committed models/SHA256SUMS to compare with" >&2
elif [[ "$committed" == "$(cat models/SHA256SUMS)" ]]; then
    echo ">> reproduced: identical to the committed models/SHA256SUMS" >&2
else
    echo ">> WARNING: differs from the committed models/SHA256SUMS" >&2
fi
