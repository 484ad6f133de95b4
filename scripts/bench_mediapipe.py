#!/usr/bin/env python3
"""Benchmark MediaPipe's own pose tracker (the baseline plumbline is compared with).

Run in the reference venv:

    bash scripts/with_mediapipe.sh python scripts/bench_mediapipe.py \\
        [VIDEO] [--landmarks-out FILE.json]

Pipeline: legacy `mediapipe.solutions.pose.Pose`, model_complexity=1 (full
landmark model), tracking mode (static_image_mode=False), smooth_landmarks=True,
enable_segmentation=False. The whole video is decoded (and turned from BGR into
RGB) first, so only `Pose.process` is timed.

Prints one JSON line on stdout:
  {"impl": "mediapipe", "model": "full", "frames": N,
   "median_wall_ms": ..., "cpu_ms_per_frame": ..., "peak_rss_mb": ..., ...}
  median_wall_ms    median wall time of one Pose.process call
  cpu_ms_per_frame  process CPU time (all threads, time.process_time) over the
                    processing loop / frames
  peak_rss_mb       ru_maxrss of the process at the end; this includes the
                    decoded frames held in memory (decoded_frames_mb) and
                    rss_before_pose_mb is the RSS before MediaPipe was set up
With --landmarks-out the per-frame results are written in the schema of
tests/reference/carphone.json, so agreement can be computed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np

NAMES = [p.name.lower() for p in mp.solutions.pose.PoseLandmark]


def rss_mb() -> float:
    """Current resident set size in MB (from /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def decode(path: Path) -> tuple[list[np.ndarray], list[float]]:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise SystemExit(f"cannot open {path}")
    frames, times = [], []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        times.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000)
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    if not frames:
        raise SystemExit(f"no frames decoded from {path}")
    return frames, times


def to_json(results, k: int, t: float, w: int, h: int) -> dict:
    """One frame in the schema of tests/reference/*.json."""
    out = {"frame": k, "time_s": round(t, 6), "person": results.pose_landmarks is not None}
    if out["person"]:
        lms, wls = results.pose_landmarks.landmark, results.pose_world_landmarks.landmark
        out["landmarks"] = {
            n: [round(p.x * w, 3), round(p.y * h, 3), round(p.z * w, 3), round(p.visibility, 6),
                round(p.presence, 6) if p.HasField("presence") else None]
            for n, p in zip(NAMES, lms)}
        out["world_landmarks"] = {n: [round(p.x, 6), round(p.y, 6), round(p.z, 6)]
                                  for n, p in zip(NAMES, wls)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("video", nargs="?", type=Path,
                    default=Path("tests/fixtures/carphone_640x480.mp4"))
    ap.add_argument("--landmarks-out", type=Path,
                    help="write the per-frame landmarks here (JSON, reference schema)")
    args = ap.parse_args()

    frames, times = decode(args.video)
    h, w = frames[0].shape[:2]
    decoded_mb = sum(f.nbytes for f in frames) / 2**20
    rss_before = rss_mb()

    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
                                  smooth_landmarks=True, enable_segmentation=False,
                                  min_detection_confidence=0.5, min_tracking_confidence=0.5)
    walls, results = [], []
    cpu0 = time.process_time()
    for rgb in frames:
        t0 = time.perf_counter()
        res = pose.process(rgb)
        walls.append((time.perf_counter() - t0) * 1e3)
        results.append(res)  # converted after the timed loop
    cpu = time.process_time() - cpu0
    pose.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if args.landmarks_out:
        args.landmarks_out.write_text(json.dumps({
            "source": str(args.video), "mediapipe_version": mp.__version__,
            "image_width": w, "image_height": h,
            "frames": [to_json(r, k, times[k], w, h) for k, r in enumerate(results)]}) + "\n")

    print(json.dumps({
        "impl": "mediapipe", "model": "full", "frames": len(frames),
        "median_wall_ms": round(statistics.median(walls), 2),
        "cpu_ms_per_frame": round(cpu * 1e3 / len(frames), 2),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_before_pose_mb": round(rss_before, 1),
        "decoded_frames_mb": round(decoded_mb, 1),
        "first_frame_wall_ms": round(walls[0], 2),
        "video": str(args.video), "width": w, "height": h,
        "mediapipe_version": mp.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
