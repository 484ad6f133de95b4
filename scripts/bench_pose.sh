#!/usr/bin/env bash
# Benchmark plumbline's pose engine against MediaPipe Python, on the same machine in the same run.
#
#   bash scripts/bench_pose.sh [--reps N] [--loops N] [--keep DIR]
#
#   --reps N    repetitions of every measurement (default 5); the table reports the median over
#               repetitions. Runs alternate their order (lite, full, MediaPipe / MediaPipe, full,
#               lite, ...) so that the implementations share the machine's noise.
#   --loops N   the 120-frame 640×480 clip (tests/fixtures/carphone_640x480.mp4) is concatenated
#               N times (default 5 → 600 frames) with the ffmpeg CLI, by stream copy (no
#               re-encoding: every copy has the same coded frames), into a temporary folder.
#               The longer clip amortises start-up costs and steadies the per-frame figures.
#   --keep DIR  keep the raw outputs (stats lines, landmark files, clips) in DIR instead of a
#               temporary folder that is deleted at the end.
#
# What runs, per repetition:
#   - `plumbline analyze CLIP --model lite|full --stats` (release build): pose estimation of every
#     frame, streaming decode; `--stats` prints timings, detector/landmark run counts and VmHWM.
#   - scripts/bench_mediapipe.py CLIP in .venv-mediapipe: MediaPipe 0.10.21 `solutions.pose`,
#     model_complexity=1 (MediaPipe's "full"; it has no offline "lite"), tracking mode. It
#     decodes the whole clip into memory first and then times `Pose.process` only.
#   - both again on two flat grey 640×480 clips with nobody in them (ffmpeg's lavfi `color`
#     source), 30 and 240 frames long: there the detector runs on every frame and the landmark
#     model never does. The difference between the two lengths gives each implementation's
#     detector CPU per run in its own pipeline, and what is left of the short run its one-time
#     start-up CPU inside the timed loop (MediaPipe, for one, sets up its graph in the first
#     `process` call). bench_table.py takes both out of "CPU per tracked frame".
# Then scripts/model_flops.py (in .venv-models, which has onnx) counts each model's GFLOPs, and
# scripts/bench_table.py prints the markdown tables on stdout. Progress goes to stderr.
#
# Idempotent: it only builds/installs what is missing (release binary, ONNX Runtime via
# scripts/setup.sh, the two pinned venvs) and writes nothing in the tree except those.
# Needs the ffmpeg CLI (Debian: apt-get install ffmpeg; `bash scripts/setup.sh --test` has it).
# No other download happens here.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/venv.sh
source "$HERE/lib/venv.sh"
cd "$REPO_ROOT"

reps=5
loops=5
keep=""
while (($#)); do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --loops) loops="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_pose.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$reps" =~ ^[1-9][0-9]*$ && "$loops" =~ ^[1-9][0-9]*$ ]] || {
    echo "bench_pose.sh: --reps and --loops take positive integers" >&2
    exit 2
}

say() { printf '>> %s\n' "$*" >&2; }

VIDEO="tests/fixtures/carphone_640x480.mp4"
BIN="$REPO_ROOT/target/release/plumbline"
MP_VENV="$REPO_ROOT/.venv-mediapipe"
MODELS_VENV="$REPO_ROOT/.venv-models"

# --- 1. What the benchmark needs ---------------------------------------------------------------
for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null || {
        echo "bench_pose.sh: the $tool CLI is missing: apt-get install ffmpeg" >&2
        exit 1
    }
done
[[ -f "$VIDEO" ]] || { echo "bench_pose.sh: $VIDEO missing: bash scripts/make_fixtures.sh" >&2; exit 1; }
bash scripts/setup.sh                        # Debian packages + ONNX Runtime, when missing
say "cargo build --release --locked"
cargo build --release --locked --quiet
ensure_venv "$MP_VENV" "$HERE/requirements-mediapipe.txt"
ensure_venv "$MODELS_VENV" "$HERE/requirements-convert.txt"
export GLOG_minloglevel="${GLOG_minloglevel:-2}"   # quieter MediaPipe, as with_mediapipe.sh does

if [[ -n "$keep" ]]; then
    mkdir -p "$keep"
    work="$(cd "$keep" && pwd)"
else
    work="$(mktemp -d -t plumbline-bench.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

# --- 2. Inputs -----------------------------------------------------------------------------------
seg_frames="$(ffprobe -v error -select_streams v:0 -count_frames \
    -show_entries stream=nb_read_frames -of csv=p=0 "$VIDEO")"
clip="$work/carphone_640x480_x${loops}.mp4"
if [[ ! -s "$clip" ]]; then
    say "concatenating $VIDEO ×$loops (stream copy) into $clip"
    for _ in $(seq "$loops"); do printf "file '%s'\n" "$REPO_ROOT/$VIDEO"; done >"$work/concat.txt"
    ffmpeg -nostdin -hide_banner -loglevel error -y -f concat -safe 0 -i "$work/concat.txt" \
        -map 0:v:0 -c copy -movflags +faststart "$clip"
fi
# Flat grey (RGB 128), nobody in the picture: MediaPipe's own negative case (tests/reference/).
GREY_SHORT=30
GREY_LONG=240
for n in "$GREY_SHORT" "$GREY_LONG"; do
    if [[ ! -s "$work/grey_$n.mp4" ]]; then
        ffmpeg -nostdin -hide_banner -loglevel error -y \
            -f lavfi -i "color=c=0x808080:s=640x480:r=30000/1001" -frames:v "$n" \
            -c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p "$work/grey_$n.mp4"
    fi
done
clip_frames="$(ffprobe -v error -select_streams v:0 -count_frames \
    -show_entries stream=nb_read_frames -of csv=p=0 "$clip")"
say "clip: $clip_frames frames ($loops × $seg_frames); grey clips: $GREY_SHORT and $GREY_LONG frames"

# The CLI's default landmark model, as `plumbline analyze --help` states it.
default_model="$("$BIN" analyze --help | tr '\n' ' ' |
    sed -nE 's/.*--model <MODEL>[^[]*\[default: ([a-z]+)\].*/\1/p')"

# Fail early, with the reason, if this build cannot analyse a video.
if ! "$BIN" analyze "$work/grey_$GREY_SHORT.mp4" --model lite --out /dev/null --stats \
    2>"$work/probe.err"; then
    echo "bench_pose.sh: '$BIN analyze' cannot read a video with this build:" >&2
    cat "$work/probe.err" >&2
    exit 1
fi

# --- 3. Measurements -----------------------------------------------------------------------------
# run_plumbline MODEL INPUT OUTSTEM: stats line -> OUTSTEM.stats, rows -> OUTSTEM.jsonl.
run_plumbline() {
    "$BIN" analyze "$2" --model "$1" --out "$3.jsonl" --stats 2>"$3.stats" </dev/null
}
# run_mediapipe INPUT OUTSTEM: stats line -> OUTSTEM.stats, landmarks -> OUTSTEM.json.
run_mediapipe() {
    "$MP_VENV/bin/python" scripts/bench_mediapipe.py "$1" --landmarks-out "$2.json" \
        >"$2.stats" 2>"$2.log" </dev/null
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq "$reps"); do
    dir="$work/rep$rep"
    mkdir -p "$dir"
    order=(plumbline_lite plumbline_full mediapipe_full)
    if ((rep % 2 == 0)); then order=(mediapipe_full plumbline_full plumbline_lite); fi
    for impl in "${order[@]}"; do
        say "rep $rep/$reps: $impl"
        case "$impl" in
            plumbline_lite) run_plumbline lite "$clip" "$dir/$impl" ;;
            plumbline_full) run_plumbline full "$clip" "$dir/$impl" ;;
            mediapipe_full) run_mediapipe "$clip" "$dir/$impl" ;;
        esac
    done
    # Detector only, on the grey clips (the landmark model never runs there, so --model makes
    # no difference to plumbline's figures: lite is used).
    say "rep $rep/$reps: detector only (grey clips)"
    for n in "$GREY_SHORT" "$GREY_LONG"; do
        if ((rep % 2 == 0)); then
            run_mediapipe "$work/grey_$n.mp4" "$dir/mediapipe_full.grey$n"
            run_plumbline lite "$work/grey_$n.mp4" "$dir/plumbline.grey$n"
        else
            run_plumbline lite "$work/grey_$n.mp4" "$dir/plumbline.grey$n"
            run_mediapipe "$work/grey_$n.mp4" "$dir/mediapipe_full.grey$n"
        fi
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 4. Model sizes in GFLOPs, and the table -----------------------------------------------------
"$MODELS_VENV/bin/python" scripts/model_flops.py \
    models/pose_detection.onnx models/pose_landmark_lite.onnx models/pose_landmark_full.onnx \
    >"$work/flops.jsonl"

python3 scripts/bench_table.py "$work" \
    --reps "$reps" --segment-frames "$seg_frames" --video "$VIDEO" --loops "$loops" \
    --grey-frames "$GREY_SHORT" "$GREY_LONG" \
    --default-model "${default_model:-unknown}" \
    --machine "$(lscpu | sed -nE 's/^Model name:[[:space:]]+//p' | head -n1)" \
    --cpus "$(nproc)" \
    --date "$(date -u +%Y-%m-%d)" \
    --commit "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
    --binary-bytes "$(stat -c %s "$BIN")" \
    --load "$load_before" --load-after "$load_after"
