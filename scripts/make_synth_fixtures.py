#!/usr/bin/env python3
"""Turn rendered subjects (scripts/render_synth.sh, in .local/renders/) into the committed
image-level ground truth: JPEG frames plus one compact index of what each frame shows.

    .venv-synth/bin/python scripts/make_synth_fixtures.py [--out tests/fixtures/synth] [SUBJECT...]
    .venv-synth/bin/python scripts/make_synth_fixtures.py --session H1_forward_head [--session ...]

Only the webcam and the left side camera are kept (the views plumbline is used with), and of the
ground truth only what the tests read: the sequence, the label, the true changes since the
subject's upright mean, and the set-up. synthgen's full JSON (every landmark in 3D) stays in
.local/renders/. JPEG at quality 90: webcams compress too, and it keeps the set small.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAMERAS = ("webcam", "side_left")
HELD_OUT = ("H1", "H2", "H3", "H4", "H5", "H6")


def slouch_level(note: str):
    # synthgen's note for the slouch sequence: "combined slouch level 0.75".
    if note.startswith("combined slouch level "):
        return float(note.rsplit(" ", 1)[1])
    return None


def make_session(renders: str, out_dir: str, name: str) -> None:
    """A session video (synth.session) as a compact fixture: H.264 at CRF 30 (the sensor noise
    of the renders is what makes the original large), its first 10 s for calibration, and the
    per-frame truth (time, true change of CVA, events)."""
    src = os.path.join(renders, "sessions")
    dst = os.path.join(out_dir, "sessions")
    os.makedirs(dst, exist_ok=True)
    video = os.path.join(dst, f"{name}.mp4")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(src, f"{name}.mp4"),
                    "-c:v", "libx264", "-crf", "30", "-preset", "slow", "-pix_fmt", "yuv420p", video], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", video, "-t", "10", "-c", "copy",
                    os.path.join(dst, f"{name}_first10s.mp4")], check=True)
    truth = json.load(open(os.path.join(src, f"{name}.json")))
    compact = {
        "subject": truth["subject"], "timeline": truth["timeline"], "fps": truth["fps"],
        "seed": truth["seed"], "events": truth["events"],
        "frames": [{"time_s": f["time_s"], "delta_cva_deg": f["delta_cva_deg"], "events": f["events"]}
                   for f in truth["frames"]],
    }
    with open(os.path.join(dst, f"{name}.json"), "w") as out:
        json.dump(compact, out, separators=(",", ":"))
        out.write("\n")
    print(f"{name}: {len(compact['frames'])} frames, {os.path.getsize(video)} bytes", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--renders", default=os.path.join(ROOT, ".local", "renders"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "synth"))
    ap.add_argument("--quality", type=int, default=90)
    ap.add_argument("--session", action="append", default=[],
                    help="a rendered session video to add (e.g. H1_forward_head); frames are left as they are")
    ap.add_argument("subjects", nargs="*", default=list(HELD_OUT))
    args = ap.parse_args()
    if args.session:
        for name in args.session:
            make_session(args.renders, args.out, name)
        return 0

    os.makedirs(args.out, exist_ok=True)
    index_path = os.path.join(args.out, "index.json")
    index = {"subjects": {}, "frames": []}
    if os.path.exists(index_path):
        index = json.load(open(index_path))
    index["frames"] = [f for f in index["frames"] if f["subject"] not in args.subjects]
    for subject in args.subjects:
        src = os.path.join(args.renders, subject)
        entries = json.load(open(os.path.join(src, "index.json")))["frames"]
        os.makedirs(os.path.join(args.out, subject), exist_ok=True)
        setup = None
        for entry in entries:
            if entry["camera"] not in CAMERAS:
                continue
            truth = json.load(open(os.path.join(src, entry["json"])))
            name = entry["frame_id"] + ".jpg"
            Image.open(os.path.join(src, entry["image"])).convert("RGB").save(
                os.path.join(args.out, subject, name), "JPEG", quality=args.quality)
            rel = truth["relative_to_calibration"]
            posture = truth["posture"]
            if entry["camera"] == "webcam" and setup is None:
                setup = {
                    "description": truth["subject_description"],
                    "split": "held_out" if subject in HELD_OUT else "development",
                    "webcam": truth["camera"]["kind"] if "kind" in truth["camera"] else None,
                    "webcam_hfov_deg": round(truth["camera"].get("hfov_deg", 0.0), 2),
                    "camera_to_eyes_m": truth["camera_to_eyes_m"],
                    "eyes_above_camera_m": truth["eyes_above_camera_m"],
                }
            index["frames"].append({
                "file": f"{subject}/{name}",
                "subject": subject,
                "sequence": entry["sequence"],
                "camera": entry["camera"],
                "label": entry["label"],
                "note": truth["note"],
                "delta_cva_deg": round(rel["delta_cva_deg"], 3),
                "delta_head_forward_cm": round(rel["delta_head_forward_cm"], 3),
                "delta_shoulder_protraction_trunk_cm": round(rel["delta_shoulder_protraction_trunk_cm"], 3),
                "slouch_level": slouch_level(truth["note"]),
                "head_pitch_world_deg": round(posture["head_pitch_world_deg"], 2),
                "head_yaw_deg": round(posture["head_yaw_deg"], 2),
            })
        index["subjects"][subject] = setup
        print(f"{subject}: {sum(f['subject'] == subject for f in index['frames'])} frames", file=sys.stderr)
    index["frames"].sort(key=lambda f: f["file"])
    index["provenance"] = (
        "Rendered with ../shared/synthgen (anny body model, pyrender/OSMesa) by scripts/render_synth.sh; "
        "subjects H1-H6 are defined in scripts/synth/plumbline_subjects.py and held out from all tuning; "
        "converted by scripts/make_synth_fixtures.py (JPEG quality %d). Truth: synthgen's "
        "relative_to_calibration (change since the subject's mean of 5 upright frames)." % args.quality)
    with open(index_path, "w") as out:
        json.dump(index, out, indent=0)
        out.write("\n")
    digest = hashlib.sha256(open(index_path, "rb").read()).hexdigest()
    print(f"wrote {index_path} ({len(index['frames'])} frames, sha256 {digest[:12]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
