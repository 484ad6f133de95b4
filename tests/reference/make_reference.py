#!/usr/bin/env python3
"""Write MediaPipe's own pose results for the test fixtures, as JSON.

Run in the reference venv (mediapipe==0.10.21, see scripts/requirements-mediapipe.txt):

    bash scripts/with_mediapipe.sh python tests/reference/make_reference.py

Writes, next to this file:
  grace_hopper.json  tests/fixtures/grace_hopper.jpg, static_image_mode=True
  carphone.json      tests/fixtures/carphone.mp4, all frames in order, tracking
                     (static_image_mode=False)
  negatives.json     a flat grey 640x480 image and an 8x8 image (static mode)

Pipeline: legacy `mediapipe.solutions.pose.Pose`, model_complexity=1 (the full
landmark model), smooth_landmarks=True, enable_segmentation=False, default
confidences 0.5/0.5. Complexity 0 and 2 download their models at run time and
fail offline, so they are not used.

Per frame: "person" (a pose was returned) and, if so, 33 landmarks as
[x_px, y_px, z_px_scale (= z * image_width), visibility, presence] in image
pixels, and 33 world landmarks [x, y, z] in metres (hip-centred). Numbers are
rounded (pixels to 1e-3, the rest to 1e-6). The legacy graph does not fill in
the per-landmark presence field, so it is written as null (reading it would
give a meaningless 0.0); nor does it give a whole-pose presence score.

Timestamps: "time_s" is the frame's container timestamp (OpenCV
CAP_PROP_POS_MSEC). The legacy API does not see it: it stamps the k-th
processed frame (0-based) with (k + 1) * 33333 us whatever the video's rate,
and its one-euro smoothing runs on those stamps; they are recorded as
"mediapipe_timestamp_us".
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

NAMES = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
]
# Our names must be MediaPipe's PoseLandmark enum, lower-cased, in order.
assert NAMES == [p.name.lower() for p in mp.solutions.pose.PoseLandmark]

SIMULATED_STEP_US = 33333  # mediapipe/python/solution_base.py


def make_pose(static: bool) -> mp.solutions.pose.Pose:
    return mp.solutions.pose.Pose(
        static_image_mode=static,
        model_complexity=1,
        smooth_landmarks=True,
        enable_segmentation=False,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )


def r(v: float, nd: int) -> float:
    return round(float(v), nd)


def frame_result(results, width: int, height: int) -> dict:
    """The per-frame part of the schema for one `Pose.process` result."""
    if results.pose_landmarks is None:
        return {"person": False}
    lms = results.pose_landmarks.landmark
    wls = results.pose_world_landmarks.landmark
    assert len(lms) == len(wls) == len(NAMES)
    return {
        "person": True,
        "landmarks": {
            n: [r(p.x * width, 3), r(p.y * height, 3), r(p.z * width, 3),
                r(p.visibility, 6),
                # The legacy graph leaves `presence` unset (it would read 0.0).
                r(p.presence, 6) if p.HasField("presence") else None]
            for n, p in zip(NAMES, lms)
        },
        "world_landmarks": {n: [r(p.x, 6), r(p.y, 6), r(p.z, 6)] for n, p in zip(NAMES, wls)},
    }


def header(source: str, width: int, height: int, static: bool) -> dict:
    return {
        "source": source,
        "mediapipe_version": mp.__version__,
        "pipeline": ("mediapipe.solutions.pose.Pose(static_image_mode=%s, model_complexity=1, "
                     "smooth_landmarks=True, enable_segmentation=False, "
                     "min_detection_confidence=0.5, min_tracking_confidence=0.5)" % static),
        "landmark_format": "[x_px, y_px, z*image_width, visibility, presence]",
        "world_landmark_format": "[x_m, y_m, z_m]",
        "image_width": width,
        "image_height": height,
    }


def still(rgb: np.ndarray, source: str) -> dict:
    h, w = rgb.shape[:2]
    with make_pose(static=True) as pose:
        res = pose.process(rgb)
    out = header(source, w, h, True)
    out["frames"] = [{"frame": 0, "time_s": 0.0, **frame_result(res, w, h)}]
    return out


def video(path: Path, source: str) -> dict:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise SystemExit(f"cannot open {path}")
    w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    out = header(source, w, h, False)
    out["timestamps"] = ("time_s: container timestamp; mediapipe_timestamp_us: what the "
                         "legacy API fed its graph ((frame+1)*33333 us), used by its smoothing")
    frames = []
    with make_pose(static=False) as pose:
        k = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            t_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)  # OpenCV decodes to BGR
            res = pose.process(rgb)
            frames.append({"frame": k, "time_s": r(t_ms / 1000, 6),
                           "mediapipe_timestamp_us": (k + 1) * SIMULATED_STEP_US,
                           **frame_result(res, w, h)})
            k += 1
    cap.release()
    out["frames"] = frames
    return out


def dumps(data: dict) -> str:
    """Indented JSON with every innermost list (one landmark) on one line."""
    text = json.dumps(data, indent=1)
    return re.sub(r"\[\s+([^\[\]{}]*?)\s+\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)


def write(name: str, data: dict) -> None:
    path = HERE / name
    text = dumps(data)
    assert json.loads(text) == data
    path.write_text(text + "\n")
    print(f"wrote {path.relative_to(HERE.parent.parent)}", file=sys.stderr)


def main() -> int:
    bgr = cv2.imread(str(FIXTURES / "grace_hopper.jpg"))
    write("grace_hopper.json",
          still(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), "tests/fixtures/grace_hopper.jpg"))

    write("carphone.json", video(FIXTURES / "carphone.mp4", "tests/fixtures/carphone.mp4"))

    grey = np.full((480, 640, 3), 128, np.uint8)
    tiny = np.full((8, 8, 3), 128, np.uint8)
    neg = {"mediapipe_version": mp.__version__,
           "pipeline": header("", 0, 0, True)["pipeline"],
           "cases": {}}
    for name, img in (("grey_640x480", grey), ("grey_8x8", tiny)):
        res = still(img, f"synthetic: {img.shape[1]}x{img.shape[0]} RGB all 128")
        neg["cases"][name] = {"source": res["source"], "image_width": img.shape[1],
                              "image_height": img.shape[0], **res["frames"][0]}
    write("negatives.json", neg)
    for name, c in neg["cases"].items():
        print(f"  {name}: person={c['person']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
