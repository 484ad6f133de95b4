#!/usr/bin/env python3
"""Print the pose-engine benchmark tables from the raw outputs of scripts/bench_pose.sh.

    python3 scripts/bench_table.py WORKDIR [--reps N] [--segment-frames N] ...

Standard library only (any Python 3.9+). WORKDIR holds, for each repetition k:
  repK/plumbline_{lite,full}.stats   stderr of `plumbline analyze --stats` (last line: JSON)
  repK/plumbline_{lite,full}.jsonl   its rows (landmarks as [x_px, y_px, z, visibility])
  repK/mediapipe_full.stats          stdout of scripts/bench_mediapipe.py (one JSON line)
  repK/mediapipe_full.json           its --landmarks-out file
  repK/plumbline.greyN.stats, repK/mediapipe_full.greyN.{stats,json}: the no-person clips of
  N = --grey-frames frames (a short and a long one)
and flops.jsonl from scripts/model_flops.py.

How each figure is made (also printed under the tables):
- wall ms/frame: median over frames of one pose estimate's wall time (each tool's own figure),
  then the median over repetitions. Decoding is excluded for both.
- CPU ms/frame: process CPU time (all threads) spent in pose estimation / frames; median over
  repetitions.
- CPU ms/tracked frame: the CPU of a frame on which only the landmark model runs.
  = (CPU total - start-up - detector_runs x detector CPU per run) / landmark_runs. Detector CPU
  per run and start-up come from the same pipeline on two grey no-person clips of different
  lengths (there every frame runs the detector and nothing else): per run = difference of their
  CPU totals / difference of their lengths; start-up = what the short clip's total has beyond
  its detector runs (one-time work inside the timed loop, e.g. MediaPipe setting up its graph in
  the first `process` call; a first landmark run's own extra cost is not covered).
  plumbline reports its detector/landmark run counts; MediaPipe
  does not, so they are inferred from its output with its graph's rule: the detector runs on the
  first frame and on every frame after one without a pose, and the landmark model runs on every
  frame with a pose plus every frame on which tracking was lost.
- peak RSS: plumbline's VmHWM (streams the video). MediaPipe's ru_maxrss includes the decoded
  clip it holds in memory (bench_mediapipe.py decodes all frames first); "excl. held frames"
  subtracts their size. RSS ratios use the latter, the smaller MediaPipe figure. MiB = 2^20 B.
- landmark agreement: 2-D distance between the same landmark (0-12: face and shoulders) of
  plumbline and MediaPipe full on the same frame, over frames where both found a person, in % of
  the frame diagonal; mean and 95th percentile.
- GFLOPs/frame: landmark model x landmark_runs/frames + detector x detector_runs/frames
  (FLOPs counted by scripts/model_flops.py on the committed ONNX models). MediaPipe runs the
  same two networks but keeps the landmark model's segmentation head, which the ONNX models cut;
  that head is not counted, so MediaPipe's GFLOPs and GFLOP/s are lower bounds. Achieved GFLOP/s = GFLOPs/frame / CPU s per frame (and the same per tracked frame
  with the landmark model alone, and for the detector alone).
- jitter: |p(t+1) - 2 p(t) + p(t-1)| of landmarks 0-12 (x, y in px) divided by that frame's
  shoulder width (distance of landmarks 11 and 12), over frames with a pose on t-1, t, t+1 inside
  one copy of the clip (never across a join); median and 95th percentile, in % of shoulder width.
  It includes the person's real motion, so compare the rows rather than read it as pure noise.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

IMPLS = ["plumbline_lite", "plumbline_full", "mediapipe_full"]
LABELS = {"plumbline_lite": "plumbline lite", "plumbline_full": "plumbline full",
          "mediapipe_full": "MediaPipe full"}
LANDMARK_MODEL = {"plumbline_lite": "lite", "plumbline_full": "full", "mediapipe_full": "full"}
# Landmarks 0-12 in MediaPipe's order: face (0-10) and shoulders (11, 12).
HEAD_SHOULDERS = ["nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
                  "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
                  "mouth_right", "left_shoulder", "right_shoulder"]
MIB = 2**20
# Targets from the benchmark issue.
CPU_TARGET = {"default": 0.35, "full": 0.8}
RSS_TARGET_MB = 150.0


def stats_line(path: Path) -> dict:
    """The last line of `path` that is a JSON object with an "impl" key."""
    for line in reversed(path.read_text(errors="replace").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "impl" in obj:
                return obj
    raise SystemExit(f"bench_table.py: no stats line in {path}:\n{path.read_text()[-2000:]}")


def load_frames(path: Path) -> list[dict | None]:
    """Per frame (by index): {name: (x, y)} when a person was found, else None."""
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    else:
        rows = json.loads(path.read_text())["frames"]
    out: list[dict | None] = [None] * (max((r["frame"] for r in rows), default=-1) + 1)
    for r in rows:
        if r.get("person"):
            out[r["frame"]] = {n: (v[0], v[1]) for n, v in r["landmarks"].items()}
    return out


def mediapipe_runs(frames: list[dict | None]) -> tuple[int, int]:
    """(detector runs, landmark runs) of MediaPipe's tracking graph, inferred from its output.

    The detector runs on frame 0 and on every frame that follows one without a pose. The
    landmark model runs on every frame with a pose, and also on a frame without one whose
    previous frame had a pose (it tracked, and lost the person)."""
    detector = landmark = 0
    for k, pose in enumerate(frames):
        previous = frames[k - 1] if k else None
        if previous is None:
            detector += 1
        if pose is not None or previous is not None:
            landmark += 1
    return detector, landmark


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    s = sorted(values)
    if not s:
        return math.nan
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def agreement(ours: list, ref: list, diagonal: float) -> tuple[float, float, int]:
    """Mean and p95 distance (% of diagonal) of landmarks 0-12, and the frames compared."""
    d, n = [], 0
    for a, b in zip(ours, ref):
        if a is None or b is None:
            continue
        n += 1
        d += [dist(a[name], b[name]) / diagonal * 100 for name in HEAD_SHOULDERS]
    return (statistics.fmean(d) if d else math.nan), percentile(d, 95), n


def jitter(frames: list, segment: int) -> tuple[float, float, float]:
    """Median and p95 second difference of landmarks 0-12 (% of shoulder width), and the median
    shoulder width in px; triples of frames never straddle a join of the looped clip."""
    d, widths = [], []
    for t in range(1, len(frames) - 1):
        if t % segment in (0, segment - 1):
            continue  # t-1 or t+1 lies in another copy of the clip
        a, b, c = frames[t - 1], frames[t], frames[t + 1]
        if a is None or b is None or c is None:
            continue
        width = dist(b["left_shoulder"], b["right_shoulder"])
        if width <= 0:
            continue
        widths.append(width)
        for name in HEAD_SHOULDERS:
            second = (c[name][0] - 2 * b[name][0] + a[name][0],
                      c[name][1] - 2 * b[name][1] + a[name][1])
            d.append(math.hypot(*second) / width * 100)
    return statistics.median(d) if d else math.nan, percentile(d, 95), \
        (statistics.median(widths) if widths else math.nan)


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--segment-frames", type=int, required=True,
                    help="frames in one copy of the looped clip")
    ap.add_argument("--loops", type=int, default=1)
    ap.add_argument("--grey-frames", type=int, nargs=2, default=[30, 240],
                    metavar=("SHORT", "LONG"), help="lengths of the two no-person clips")
    ap.add_argument("--video", default="tests/fixtures/carphone_640x480.mp4")
    ap.add_argument("--default-model", default="lite")
    ap.add_argument("--machine", default="unknown")
    ap.add_argument("--cpus", default="?")
    ap.add_argument("--date", default="unknown")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--binary-bytes", type=int, default=0)
    ap.add_argument("--load", default="?")
    ap.add_argument("--load-after", default="?")
    args = ap.parse_args()
    w = args.work

    gflops = {}
    for line in (w / "flops.jsonl").read_text().splitlines():
        rec = json.loads(line)
        name = Path(rec["model"]).stem
        gflops[{"pose_detection": "detector", "pose_landmark_lite": "lite",
                "pose_landmark_full": "full"}.get(name, name)] = rec["gflops"]

    reps = [w / f"rep{k}" for k in range(1, args.reps + 1)]
    # Landmarks: the last repetition's; every repetition's are compared with them.
    frames, same = {}, {}
    for impl in IMPLS:
        suffix = ".json" if impl.startswith("mediapipe") else ".jsonl"
        frames[impl] = load_frames(reps[-1] / f"{impl}{suffix}")
        same[impl] = all(load_frames(r / f"{impl}{suffix}") == frames[impl] for r in reps[:-1])

    notes: list[str] = []
    short_n, long_n = args.grey_frames
    res: dict[str, dict] = {}
    for impl in IMPLS:
        runs = [stats_line(r / f"{impl}.stats") for r in reps]
        grey_stem = "plumbline" if impl.startswith("plumbline") else impl
        # Detector-only runs: per repetition, (CPU total of the short clip, of the long clip).
        greys = [[stats_line(r / f"{grey_stem}.grey{n}.stats") for n in (short_n, long_n)]
                 for r in reps]
        det_runs_ms = [(g[1]["cpu_ms_per_frame"] * g[1]["frames"]
                        - g[0]["cpu_ms_per_frame"] * g[0]["frames"])
                       / (g[1]["frames"] - g[0]["frames"]) for g in greys]
        startup_runs_ms = [g[0]["cpu_ms_per_frame"] * g[0]["frames"] - d * g[0]["frames"]
                           for g, d in zip(greys, det_runs_ms)]
        det_ms, startup_ms = statistics.median(det_runs_ms), statistics.median(startup_runs_ms)
        det_wall = statistics.median(g[1]["median_wall_ms"] for g in greys)
        n = runs[-1]["frames"]
        if impl.startswith("plumbline"):
            bad = [x for g in greys for x in g
                   if x["landmark_runs"] or x["detector_runs"] != x["frames"]]
            if bad:
                notes.append(f"WARNING: plumbline found a person on a grey clip ({bad[0]}); "
                             "its detector cost is not clean.")
            detector_runs, landmark_runs = runs[-1]["detector_runs"], runs[-1]["landmark_runs"]
            with_person = runs[-1]["frames_with_person"]
            if len({(r["detector_runs"], r["landmark_runs"]) for r in runs}) > 1:
                notes.append(f"note: {LABELS[impl]} run counts differ between repetitions; "
                             "the last repetition's are used.")
            rss = [r["peak_rss_mb"] * 1e6 / MIB for r in runs]  # plumbline reports 10^6 B
            rss_excl = rss
        else:
            for r in reps:
                for k in (short_n, long_n):
                    if any(p is not None for p in load_frames(r / f"{impl}.grey{k}.json")):
                        notes.append(f"WARNING: MediaPipe found a person on {r.name}'s grey "
                                     "clip; its detector cost is not clean.")
            detector_runs, landmark_runs = mediapipe_runs(frames[impl])
            with_person = sum(p is not None for p in frames[impl])
            rss = [r["peak_rss_mb"] for r in runs]  # ru_maxrss / 1024: MiB
            rss_excl = [r["peak_rss_mb"] - r["decoded_frames_mb"] for r in runs]
        cpu = [r["cpu_ms_per_frame"] for r in runs]
        tracked = [(c * n - startup_ms - detector_runs * det_ms) / max(landmark_runs, 1)
                   for c in cpu]
        lm = gflops[LANDMARK_MODEL[impl]]
        gf_frame = lm * landmark_runs / n + gflops["detector"] * detector_runs / n
        res[impl] = {
            "frames": n, "with_person": with_person, "detector_runs": detector_runs,
            "landmark_runs": landmark_runs,
            "wall": statistics.median(r["median_wall_ms"] for r in runs),
            "cpu": statistics.median(cpu), "cpu_min": min(cpu), "cpu_max": max(cpu),
            "tracked": statistics.median(tracked),
            "det_ms": det_ms, "det_wall": det_wall, "startup_ms": startup_ms,
            "rss": statistics.median(rss), "rss_excl": statistics.median(rss_excl),
            "gf_frame": gf_frame, "gf_lm": lm,
            "version": runs[-1].get("mediapipe_version"),
        }
        if impl.startswith("plumbline") and any(r["frames"] != res[impl]["frames"] for r in runs):
            notes.append(f"WARNING: {LABELS[impl]} frame counts differ between repetitions.")

    mp = res["mediapipe_full"]
    if any(r["frames"] != mp["frames"] for r in res.values()):
        notes.append("WARNING: the implementations decoded different numbers of frames: "
                     + ", ".join(f"{LABELS[i]} {res[i]['frames']}" for i in IMPLS))
    # The frame diagonal, from the size MediaPipe decoded (640×480 → 800 px).
    size = stats_line(reps[-1] / "mediapipe_full.stats")
    diagonal = math.hypot(size["width"], size["height"])

    # --- header ---------------------------------------------------------------------------
    total = res["plumbline_lite"]["frames"]
    print("## Pose engine benchmark: plumbline vs MediaPipe Python\n")
    print(f"- Machine: {args.machine}, {args.cpus} CPUs; date (UTC): {args.date}; "
          f"load average before/after: {args.load} / {args.load_after}")
    print(f"- plumbline {args.commit} (release, ONNX Runtime 1 thread), binary "
          f"{args.binary_bytes / MIB:.1f} MiB; MediaPipe {mp['version']} `solutions.pose`, "
          "model_complexity=1, tracking mode")
    print(f"- Input: `{args.video}` ×{args.loops} (stream-copy concatenation) = {total} frames, "
          f"640×480; {args.reps} repetitions in alternating order, medians over repetitions")
    print(f"- CLI default model: {args.default_model}; MediaPipe has no offline lite model, so "
          "both plumbline models are compared with MediaPipe full")
    print("- Landmarks identical in every repetition: "
          + ", ".join(f"{LABELS[i]} {'yes' if same[i] else 'NO'}" for i in IMPLS) + "\n")

    # --- main table -----------------------------------------------------------------------
    header = ["implementation", "wall ms/frame (median)", "CPU ms/frame",
              "CPU ms/tracked frame", "peak RSS MiB", "landmarks 0–12 vs MP full: mean / p95 "
              "% diag", "GFLOPs/frame", "GFLOP/s achieved (all / tracked)",
              "CPU ratio vs MP (all / tracked)", "RSS ratio vs MP"]
    rows = []
    for impl in IMPLS:
        r = res[impl]
        if impl == "mediapipe_full":
            agree = "reference"
            rss = f"{fmt(r['rss'])} ({fmt(r['rss_excl'])} excl. held frames)"
            ratio_cpu, ratio_rss = "1 / 1", "1"
        else:
            mean, p95, _ = agreement(frames[impl], frames["mediapipe_full"], diagonal)
            agree = f"{fmt(mean, 2)} / {fmt(p95, 2)}"
            rss = fmt(r["rss"])
            ratio_cpu = f"{r['cpu'] / mp['cpu']:.3f} / {r['tracked'] / mp['tracked']:.3f}"
            ratio_rss = f"{r['rss'] / mp['rss_excl']:.3f}"
        rows.append([LABELS[impl], fmt(r["wall"], 2), fmt(r["cpu"], 2), fmt(r["tracked"], 2), rss,
                     agree, f"{r['gf_frame']:.3f}",
                     f"{r['gf_frame'] / (r['cpu'] / 1e3):.1f} / "
                     f"{r['gf_lm'] / (r['tracked'] / 1e3):.1f}",
                     ratio_cpu, ratio_rss])
    print(table(header, rows))
    print()

    # --- detector, tracking and stability -------------------------------------------------
    header = ["implementation", "frames with a person", "detector runs", "landmark runs",
              "detector CPU ms/run", "detector GFLOP/s", "start-up CPU ms in timed loop",
              "CPU ms/frame min–max over reps", "jitter 0–12: median / p95 % shoulder width", "shoulder width px"]
    rows = []
    for impl in IMPLS:
        r = res[impl]
        jm, jp, sw = jitter(frames[impl], args.segment_frames)
        runs_note = "" if impl.startswith("plumbline") else " (inferred)"
        rows.append([LABELS[impl], f"{r['with_person']}/{r['frames']}",
                     f"{r['detector_runs']}{runs_note}", f"{r['landmark_runs']}{runs_note}",
                     fmt(r["det_ms"], 2), fmt(gflops["detector"] / (r["det_ms"] / 1e3), 1),
                     fmt(r["startup_ms"], 0),
                     f"{r['cpu_min']:.2f}–{r['cpu_max']:.2f}", f"{fmt(jm, 2)} / {fmt(jp, 2)}",
                     fmt(sw, 0)])
    print(table(header, rows))
    print()

    # --- targets --------------------------------------------------------------------------
    print("Targets (from the benchmark issue):")
    checks = [(f"default ({args.default_model})", f"plumbline_{args.default_model}",
               CPU_TARGET["default"]), ("full", "plumbline_full", CPU_TARGET["full"])]
    for label, impl, limit in checks:
        if impl not in res:
            print(f"- {label}: no such plumbline model in this run")
            continue
        r = res[impl]
        ratio = r["tracked"] / mp["tracked"]
        goal = limit * mp["tracked"]
        verdict = "met" if ratio <= limit else \
            f"NOT met: {r['tracked'] - goal:.2f} ms over ({ratio - limit:+.3f}×)"
        print(f"- {label}: CPU per tracked frame {r['tracked']:.2f} ms = {ratio:.3f}× MediaPipe's "
              f"{mp['tracked']:.2f} ms (target ≤ {limit}× = {goal:.2f} ms): {verdict}")
    for impl in ("plumbline_lite", "plumbline_full"):
        mb = res[impl]["rss"] * MIB / 1e6
        verdict = "met" if mb <= RSS_TARGET_MB else f"NOT met: {mb - RSS_TARGET_MB:.1f} MB over"
        print(f"- peak RSS of `plumbline analyze --model {LANDMARK_MODEL[impl]}`: "
              f"{res[impl]['rss']:.1f} MiB = {mb:.1f} MB (target ≤ {RSS_TARGET_MB:.0f} MB): "
              f"{verdict}")
    print()
    print("How the figures are made: see the docstring of scripts/bench_table.py. In short: CPU "
          "per tracked frame = (CPU − start-up − detector runs × detector CPU per run, both "
          "measured on no-person clips) / landmark runs; MediaPipe's run counts are inferred from its output; its peak RSS "
          "includes the whole decoded clip it holds, the RSS ratio uses the figure without it. "
          "GFLOPs are counted on the committed ONNX models, whose segmentation head is cut; "
          "MediaPipe runs the same networks with that head, which is not counted, so its "
          "GFLOPs/frame and GFLOP/s are lower bounds.")
    for note in notes:
        print(f"\n{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
