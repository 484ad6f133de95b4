#!/usr/bin/env bash
# Render people at a desk with exactly known posture, with ../shared/synthgen (its README), for the
# image-level ground truth (tests/fixtures/synth/, docs/geometry.md).
#
#   bash scripts/render_synth.sh frames  [SUBJECT...]   # every sequence and camera, one folder each
#   bash scripts/render_synth.sh session SUBJECT TIMELINE [MINUTES]   # forward_head | work video
#
# Subjects: synthgen's development subjects D1-D6 and plumbline's held-out H1-H6
# (scripts/synth/plumbline_subjects.py). Output: .local/renders/<SUBJECT>/ (PNG + JSON + index.json)
# and .local/renders/sessions/<SUBJECT>_<TIMELINE>.{mp4,json}. Rendering needs torch (≈ 3 GB of
# wheels, in .venv-synth/) and OSMesa; CI never renders: it reads the committed fixtures made from
# these folders by scripts/make_synth_fixtures.py.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SYNTHGEN="${SYNTHGEN:-$ROOT/../shared/synthgen}"
VENV="${SYNTH_VENV:-$ROOT/.venv-synth}"
OUT="$ROOT/.local/renders"
PKG="$ROOT/.local/synthgen"

if [[ ! -d "$SYNTHGEN/synth" ]]; then
    echo "render_synth.sh: synthgen not found at $SYNTHGEN (set SYNTHGEN=/path/to/synthgen)" >&2
    exit 1
fi
for package in libosmesa6 libgl1-mesa-dri ffmpeg; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        echo ">> installing $package" >&2
        sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
    fi
done
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import anny, pyrender' 2>/dev/null; then
    echo ">> creating $VENV (anny, torch, pyrender: about 3 GB)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q anny==0.6.2 torch==2.9.1 pyrender==0.1.45 trimesh scipy pillow "numpy>=2"
    "$VENV/bin/pip" install -q PyOpenGL==3.1.7
fi

# A private copy of the package with plumbline's held-out subjects registered in its table, so that
# synthgen's own child processes (sessions render in chunks) see them too.
rm -rf "$PKG"
mkdir -p "$PKG"
cp -r "$SYNTHGEN/synth" "$PKG/synth"
cp "$HERE/synth/plumbline_subjects.py" "$PKG/plumbline_subjects.py"
# The registration goes before generate.py's `if __name__ == "__main__":` so it also holds when
# the module runs as a script.
"$VENV/bin/python" - "$PKG/synth/generate.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
marker = 'if __name__ == "__main__":'
hook = ("# Added by plumbline's scripts/render_synth.sh: the held-out subjects H1-H6.\n"
        "from plumbline_subjects import register as _register_plumbline_subjects  # noqa: E402\n\n"
        "_register_plumbline_subjects(SUBJECTS)\n\n\n")
assert text.count(marker) == 1, "synth/generate.py changed: no single __main__ block"
open(path, "w").write(text.replace(marker, hook + marker))
PY

export PYOPENGL_PLATFORM=osmesa PYTHONPATH="$PKG"
cd "$PKG"
mode="${1:-frames}"
shift || true
case "$mode" in
    frames)
        subjects=("$@")
        if (( ${#subjects[@]} == 0 )); then subjects=(D1 D2 D3 D4 D5 D6 H1 H2 H3 H4 H5 H6); fi
        for subject in "${subjects[@]}"; do
            # One subject per call: OSMesa leaks ≈ 20 MB a frame, and each call rewrites its index.
            mkdir -p "$OUT/$subject"
            "$VENV/bin/python" -m synth.generate --out "$OUT/$subject" --subjects "$subject"
        done
        ;;
    session)
        subject="$1" timeline="$2" minutes="${3:-}"
        args=(--out "$OUT/sessions" --subject "$subject" --timeline "$timeline")
        [[ -n "$minutes" ]] && args+=(--minutes "$minutes")
        "$VENV/bin/python" -m synth.session "${args[@]}"
        ;;
    *)
        echo "render_synth.sh: unknown mode $mode (frames | session)" >&2
        exit 2
        ;;
esac
