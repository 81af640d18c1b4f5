#!/usr/bin/env python
"""Check every <name>.truth.json / .truth.jsonl pair in a folder against the ground-truth contract.

    python3 tools/render/validate_truth.py sample_videos/

Standard library only (OpenCV, if importable, also checks the video's frame count and size).
Exits non-zero on the first kind of problem found in any clip, listing them all.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

EXERCISES = {"plank", "forearm_plank", "cobra", "bridge", "cat_cow", "sphinx", "child_pose", "downward_dog", "none"}
FAULTS = {"hips_sagging", "hips_piking", "hands_not_under_shoulders", "head_dropping", "hips_too_low",
          "pelvis_off_floor", "moving_too_fast"}
TRUTH_KEYS = {"format", "version", "name", "exercise", "description", "width", "height", "fps", "frames",
              "duration_s", "camera_side", "body", "in_position", "faults", "holds", "reps", "tempo"}


def check_clip(json_path: Path) -> list[str]:
    errs: list[str] = []
    name = json_path.name[: -len(".truth.json")]
    folder = json_path.parent
    t = json.loads(json_path.read_text(encoding="utf-8"))
    missing = TRUTH_KEYS - set(t)
    if missing:
        errs.append(f"missing keys {sorted(missing)}")
    if t.get("format") != "posecheck-truth" or t.get("version") != 1:
        errs.append("format/version")
    if t.get("name") != name:
        errs.append(f"name {t.get('name')!r} != file stem {name!r}")
    if t.get("exercise") not in EXERCISES:
        errs.append(f"exercise {t.get('exercise')!r}")
    if not (folder / t.get("description", "")).exists():
        errs.append(f"description {t.get('description')!r} not found")
    if t.get("camera_side") not in ("left", "right"):
        errs.append("camera_side")
    if t.get("tempo") not in ("slow", "fast"):
        errs.append("tempo")
    fps, frames = t.get("fps"), t.get("frames")
    if not isinstance(fps, float) or not isinstance(frames, int):
        errs.append("fps must be a float, frames an int")
    elif abs(t["duration_s"] - frames / fps) > 1e-6:
        errs.append("duration_s != frames / fps")
    for key in ("in_position", "holds"):
        for iv in t.get(key, []):
            if not 0 <= iv["start_s"] < iv["end_s"] <= t["duration_s"] + 1e-6:
                errs.append(f"{key} interval {iv}")
    for f in t.get("faults", []):
        if f.get("fault") not in FAULTS:
            errs.append(f"fault id {f.get('fault')!r}")
        ts = [f.get(k) for k in ("onset_s", "full_s", "release_s", "end_s")]
        if any(x is None for x in ts) or any(b < a for a, b in zip(ts, ts[1:])):
            errs.append(f"fault times {f}")
        if "size_deg" not in f:
            errs.append(f"fault without size_deg {f}")
    for r in t.get("reps", []):
        if not r["start_s"] < r["end_s"] or r["good"] != (not r["faults"]):
            errs.append(f"rep {r}")

    lines = (folder / f"{name}.truth.jsonl").read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    want = {"format": "posecheck-landmarks", "version": 1, "width": t["width"], "height": t["height"],
            "fps": t["fps"], "source": f"{name}.mp4 ground truth"}
    if head != want:
        errs.append(f"jsonl header {head} != {want}")
    if len(lines) - 1 != frames:
        errs.append(f"jsonl has {len(lines) - 1} frames, truth.json says {frames}")
    for i, line in enumerate(lines[1:]):
        rec = json.loads(line)
        if abs(rec["t_s"] - i / fps) > 1e-5:
            errs.append(f"frame {i}: t_s {rec['t_s']}")
            break
        lm = rec["landmarks"]
        if len(lm) != 33 or any(len(p) != 4 for p in lm):
            errs.append(f"frame {i}: landmarks shape")
            break
        for p in lm:
            if p[0] is None:
                if p != [None, None, None, 0]:
                    errs.append(f"frame {i}: unknown point must be [null, null, null, 0]")
            elif not (math.isfinite(p[0]) and math.isfinite(p[1]) and p[3] == 1):
                errs.append(f"frame {i}: bad point {p}")
        if errs:
            break
    try:
        import cv2

        cap = cv2.VideoCapture(str(folder / f"{name}.mp4"))
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if n != frames or (w, h) != (t["width"], t["height"]):
            errs.append(f"video {n} frames {w}x{h}, truth {frames} frames {t['width']}x{t['height']}")
    except ImportError:
        pass
    return errs


def main(argv=None) -> int:
    folder = Path((argv or sys.argv[1:] or ["sample_videos"])[0])
    bad = 0
    for p in sorted(folder.glob("*.truth.json")):
        errs = check_clip(p)
        print(f"{p.name}: {'ok' if not errs else '; '.join(errs[:5])}")
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
