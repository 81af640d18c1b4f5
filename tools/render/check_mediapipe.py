#!/usr/bin/env python
"""Check rendered clips against MediaPipe Pose (legacy solutions API, model_complexity=1).

Runs in a venv with mediapipe==0.10.21 (numpy<2), not in the render venv:

    .venv/bin/python tools/render/check_mediapipe.py sample_videos/*.mp4 [--md tools/render/mediapipe_check.md]

Per clip: the share of frames with a detected person, the mean visibility of the
camera-facing side, and for the angles that matter for the exercise the error
of MediaPipe against the ground truth (both in pixel space, camera-facing side):
median, 95th percentile, max, and the correlation over the clip.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import cv2
import numpy as np

IDX = dict(ear=7, shoulder=11, elbow=13, wrist=15, hip=23, knee=25, ankle=27)


def pt(lm, name, side):
    return lm[IDX[name] + (0 if side == "left" else 1)]


def ang(a, b, c):
    u, v = a - b, c - b
    n = np.linalg.norm(u) * np.linalg.norm(v)
    if not np.isfinite(n) or n == 0:
        return np.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(u, v) / n)))))


def floor_sign(p, a, b):
    d = b - a
    n = np.array([-d[1], d[0]])
    if n[1] < 0:
        n = -n
    return 1.0 if np.dot(p - a, n) >= 0 else -1.0


def hip_dev(lm, side):
    s, h, a = pt(lm, "shoulder", side), pt(lm, "hip", side), pt(lm, "ankle", side)
    return floor_sign(h, s, a) * (180.0 - ang(s, h, a))


def hands_fwd(lm, side):
    s, w, h = pt(lm, "shoulder", side), pt(lm, "wrist", side), pt(lm, "hip", side)
    d = w - s
    return math.degrees(math.atan2((1.0 if s[0] > h[0] else -1.0) * d[0], d[1]))


def head_drop(lm, side):
    e, s, h = pt(lm, "ear", side), pt(lm, "shoulder", side), pt(lm, "hip", side)
    return floor_sign(e, h, s) * (180.0 - ang(e, s, h))


def lift_ratio(lm, side):
    """Height of the hip above the wrist-ankle line over the shoulder-hip length (cobra)."""
    w, h, a, s = pt(lm, "wrist", side), pt(lm, "hip", side), pt(lm, "ankle", side), pt(lm, "shoulder", side)
    d = a - w
    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    if n[1] > 0:
        n = -n  # pointing up in the image
    return float(np.dot(h - w, n) / np.linalg.norm(s - h))


def angle_fn(name):
    a, b, c = name.split("-")
    return lambda lm, side: ang(pt(lm, a, side), pt(lm, b, side), pt(lm, c, side))


COMMON = ["shoulder-hip-ankle", "shoulder-hip-knee", "hip-knee-ankle", "shoulder-elbow-wrist", "elbow-shoulder-hip"]
MEASURES = {
    "plank": {"hip_deviation": hip_dev, "hands_forward": hands_fwd, "head_drop": head_drop},
    "forearm_plank": {"hip_deviation": hip_dev, "head_drop": head_drop},
    "cobra": {"lift_ratio": lift_ratio, "ear-shoulder-hip": angle_fn("ear-shoulder-hip")},
    "bridge": {},
    "cat_cow": {"ear-shoulder-hip": angle_fn("ear-shoulder-hip"), "head_drop": head_drop},
    "sphinx": {"lift_ratio": lift_ratio},
    "child_pose": {},
    "downward_dog": {},
    "none": {},
}


def run_mediapipe(video: Path):
    import mediapipe as mp

    cap = cv2.VideoCapture(str(video))
    out = []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            h, w = frame.shape[:2]
            res = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            if res.pose_landmarks is None:
                out.append(None)
            else:
                out.append(np.array([[p.x * w, p.y * h, p.visibility] for p in res.pose_landmarks.landmark]))
    return out


def load_truth(video: Path):
    meta = json.loads(video.with_suffix(".truth.json").read_text())
    lines = video.with_suffix(".truth.jsonl").read_text().splitlines()
    head = json.loads(lines[0])
    w, h = head["width"], head["height"]
    frames = []
    for line in lines[1:]:
        lm = json.loads(line)["landmarks"]
        frames.append(np.array([[np.nan, np.nan] if p[0] is None else [p[0] * w, p[1] * h] for p in lm]))
    return meta, frames


def stats(err, a, b):
    err = np.abs(np.asarray(err))
    ok = np.isfinite(err)
    if not ok.any():
        return None
    e = err[ok]
    a, b = np.asarray(a)[ok], np.asarray(b)[ok]
    r = float(np.corrcoef(a, b)[0, 1]) if np.std(a) > 1e-6 and np.std(b) > 1e-6 else float("nan")
    return {"median": float(np.median(e)), "p95": float(np.percentile(e, 95)), "max": float(e.max()),
            "corr": r, "truth_range": [float(a.min()), float(a.max())], "mean_bias": float(np.mean(np.asarray(b) - a))}


def check(video: Path) -> dict:
    meta, truth = load_truth(video)
    side = meta["camera_side"]
    mp_frames = run_mediapipe(video)
    n = min(len(truth), len(mp_frames))
    detected = sum(1 for f in mp_frames[:n] if f is not None)
    facing = [i + (0 if side == "left" else 1) for i in (11, 13, 15, 23, 25, 27)]
    vis = [float(np.mean(f[facing, 2])) for f in mp_frames[:n] if f is not None]
    fault_ids = {f["fault"] for f in meta["faults"]}
    key = KEY.get(meta["exercise"], "shoulder-hip-ankle")
    for fid, measure in FAULT_KEY.items():
        if fid in fault_ids:
            key = measure
    res = {"clip": video.stem, "exercise": meta["exercise"], "body": meta["body"], "side": side, "frames": n,
           "key": key, "faults": sorted(fault_ids),
           "detected": detected, "facing_visibility": float(np.mean(vis)) if vis else float("nan"), "angles": {}}
    names = dict(MEASURES.get(meta["exercise"], {}))
    for c in COMMON:
        names.setdefault(c, angle_fn(c))
    for name, fn in names.items():
        ta, ma, err = [], [], []
        for i in range(n):
            if mp_frames[i] is None:
                continue
            t = fn(truth[i], side)
            m = fn(mp_frames[i][:, :2], side)
            ta.append(t)
            ma.append(m)
            err.append(m - t)
        s = stats(err, ta, ma)
        if s:
            res["angles"][name] = s
    return res


FAULT_KEY = {"hands_not_under_shoulders": "hands_forward", "head_dropping": "head_drop",
             "pelvis_off_floor": "lift_ratio"}
KEY = {"plank": "hip_deviation", "forearm_plank": "hip_deviation", "cobra": "shoulder-hip-knee",
       "bridge": "shoulder-hip-knee", "cat_cow": "ear-shoulder-hip", "sphinx": "shoulder-elbow-wrist",
       "child_pose": "shoulder-hip-knee", "downward_dog": "shoulder-hip-knee", "none": "shoulder-hip-knee"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="+", type=Path)
    ap.add_argument("--json", type=Path, help="append per-clip results (JSON lines)")
    ap.add_argument("--md", type=Path, help="write a markdown table of the key figures")
    args = ap.parse_args(argv)
    results = []
    for v in args.videos:
        r = check(v)
        results.append(r)
        key = r["key"]
        k = r["angles"].get(key, {})
        print(f"{r['clip']}: detected {r['detected']}/{r['frames']}, facing vis {r['facing_visibility']:.2f}; "
              f"{key}: median {k.get('median', float('nan')):.1f}, p95 {k.get('p95', float('nan')):.1f}, "
              f"max {k.get('max', float('nan')):.1f}, corr {k.get('corr', float('nan')):.3f}, "
              f"bias {k.get('mean_bias', float('nan')):+.1f}", flush=True)
        for name, s in r["angles"].items():
            if name != key:
                print(f"    {name}: median {s['median']:.1f} p95 {s['p95']:.1f} max {s['max']:.1f} "
                      f"corr {s['corr']:.3f} bias {s['mean_bias']:+.1f} truth {s['truth_range'][0]:.1f}.."
                      f"{s['truth_range'][1]:.1f}")
        if args.json:
            with open(args.json, "a") as fh:
                fh.write(json.dumps(r) + "\n")
    if args.md:
        write_md(args.md, results)
    return 0


def write_md(path: Path, results: list[dict]) -> None:
    rows = ["| clip | faults | body | side | detected | facing vis | key measure | median | p95 | max | corr | bias |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        key = r["key"]
        k = r["angles"].get(key, {})
        rows.append(f"| {r['clip']} | {', '.join(r['faults']) or '-'} | {r['body']} | {r['side']} | {r['detected']}/{r['frames']} | "
                    f"{r['facing_visibility']:.2f} | {key} | {k.get('median', float('nan')):.1f} | "
                    f"{k.get('p95', float('nan')):.1f} | {k.get('max', float('nan')):.1f} | "
                    f"{k.get('corr', float('nan')):.3f} | {k.get('mean_bias', float('nan')):+.1f} |")
    text = ("# MediaPipe vs. ground truth on the rendered clips\n\n"
            "Written by `check_mediapipe.py --md` (MediaPipe 0.10.21, legacy solutions.pose, model_complexity=1,"
            " VIDEO-like tracking). Angles in degrees, pixel space, camera-facing side; `hip_deviation` = signed"
            " 180 - shoulder-hip-ankle (sag +); `hands_forward` = shoulder->wrist off vertical; `head_drop` = ear below the"
            " hip->shoulder line; `lift_ratio` = hip height above the wrist-ankle line / shoulder-hip length (no unit)."
            " Errors are |MediaPipe - truth| over all frames with a detection; bias = mean(MediaPipe - truth).\n\n"
            + "\n".join(rows) + "\n")
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
