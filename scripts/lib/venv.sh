# shellcheck shell=bash
# Helpers shared by the model/fixture scripts. Source this file; it defines
# REPO_ROOT and functions only and changes nothing by itself.

# Repository root (this file lives in scripts/lib/).
# shellcheck disable=SC2034  # used by the scripts that source this file
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# pick_python: print a Python 3.11 interpreter. MediaPipe 0.10.21 and
# TensorFlow 2.21 both ship cp311 wheels; 3.11 is what the pins were resolved
# and tested with. Override with PYTHON=/path/to/python3.11.
pick_python() {
    local cand
    for cand in "${PYTHON:-}" python3.11 python3; do
        [[ -n "$cand" ]] || continue
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    echo "error: need Python 3.11 with the venv module (apt-get install python3-venv)" >&2
    return 1
}

# ensure_venv DIR REQUIREMENTS: create the venv DIR if it does not exist and
# install the pinned REQUIREMENTS into it. Idempotent: a stamp file holding the
# requirements' sha256 is written after a successful install, and nothing is
# done while it still matches.
ensure_venv() {
    local dir="$1" req="$2" py stamp want
    stamp="$dir/.requirements.sha256"
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$dir/bin/python" ]]; then
        return 0
    fi
    if [[ ! -x "$dir/bin/python" ]]; then
        py="$(pick_python)"
        echo ">> creating venv $dir with $py" >&2
        "$py" -m venv "$dir"
    fi
    echo ">> installing $(basename "$req") into $dir" >&2
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$want" >"$stamp"
}

# fetch_wheel PYTHON DEST SPEC SHA256: `PYTHON -m pip download --no-deps` SPEC
# into DEST (once) and check the wheel's sha256. PYTHON picks the platform
# wheel (use a venv's python so it is the cp311 x86_64 one). Prints the path.
fetch_wheel() {
    local py="$1" dest="$2" spec="$3" sha="$4" name ver whl
    name="${spec%%==*}"
    ver="${spec##*==}"
    mkdir -p "$dest"
    # Wheel file names normalise '-' to '_'.
    whl="$(compgen -G "$dest/${name//-/_}-${ver}-*.whl" | head -n1 || true)"
    if [[ -z "$whl" ]]; then
        "$py" -m pip download --quiet --disable-pip-version-check --no-deps \
            --only-binary=:all: -d "$dest" "$spec" >&2
        whl="$(compgen -G "$dest/${name//-/_}-${ver}-*.whl" | head -n1)"
    fi
    if ! echo "$sha  $whl" | sha256sum --check --quiet -; then
        echo "error: $whl does not have sha256 $sha" >&2
        return 1
    fi
    echo "$whl"
}
