"""Ground truth: projected keypoints, fault-size measures and the two truth files.

Measures work on 2D pixel points of the camera-facing side (as posecheck and
MediaPipe see them).  Image y grows downward, so "toward the floor" is +y.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

L = dict(shoulder=11, elbow=13, wrist=15, hip=23, knee=25, ankle=27, ear=7)


def side_index(name: str, side: str) -> int:
    """BlazePose index of a named point on the given side ('left'/'right')."""
    return L[name] + (0 if side == "left" else 1)


def angle3(a, b, c) -> float:
    """Unsigned angle ABC in degrees."""
    u, v = np.asarray(a) - b, np.asarray(c) - b
    cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _floorward_offset_sign(p, a, b) -> float:
    """+1 if p lies on the floor side (image +y) of the line a-b, else -1."""
    d = np.asarray(b) - a
    n = np.array([-d[1], d[0]])  # a normal of the line
    if n[1] < 0:
        n = -n  # the normal pointing toward the floor (image down)
    return 1.0 if np.dot(np.asarray(p) - a, n) >= 0 else -1.0


def hip_deviation(px: np.ndarray, side: str) -> float:
    """Signed deviation of the hip from the shoulder-ankle line: 180 - angle(S, H, A),
    positive when the hip lies below the line (sagging), negative above (piking)."""
    s, h, a = (px[side_index(n, side)] for n in ("shoulder", "hip", "ankle"))
    return _floorward_offset_sign(h, s, a) * (180.0 - angle3(s, h, a))


def hands_forward(px: np.ndarray, side: str) -> float:
    """Angle of the shoulder->wrist line off vertical, positive when the wrist is toward the head."""
    s, w, h = (px[side_index(n, side)] for n in ("shoulder", "wrist", "hip"))
    d = w - s
    head_dir = 1.0 if s[0] > h[0] else -1.0
    return math.degrees(math.atan2(head_dir * d[0], d[1]))


def head_drop(px: np.ndarray, side: str) -> float:
    """Signed angle of the shoulder->ear line below the hip->shoulder line (toward the floor +)."""
    e, s, h = (px[side_index(n, side)] for n in ("ear", "shoulder", "hip"))
    return _floorward_offset_sign(e, h, s) * (180.0 - angle3(e, s, h))


def shoulder_hip_knee(px: np.ndarray, side: str) -> float:
    s, h, k = (px[side_index(n, side)] for n in ("shoulder", "hip", "knee"))
    return angle3(s, h, k)


def hip_height_m(world: np.ndarray, side: str) -> float:
    return float(world[side_index("hip", side), 1])


# fault -> (measure on pixels or world, how the size is computed relative to the good pose)
#   "absolute": size = measure(fault)            (sag/pike/hands forward: a good plank reads ~0)
#   "relative": size = measure(fault) - measure(good)   (head drop, pelvis lift)
#   "below":    size = measure(good) - measure(fault)   (bridge top not reached)
MEASURES = {
    "hips_sagging": ("px", hip_deviation, "absolute", 1.0),
    "hips_piking": ("px", hip_deviation, "absolute", -1.0),
    "hands_not_under_shoulders": ("px", hands_forward, "absolute", 1.0),
    "head_dropping": ("px", head_drop, "relative", 1.0),
    "hips_too_low": ("px", shoulder_hip_knee, "below", 1.0),
    "pelvis_off_floor": ("world", hip_height_m, "relative", 1.0),
}


def fault_size(fault: str, px_fault, world_fault, px_good, world_good, side: str) -> float:
    kind, fn, mode, sign = MEASURES[fault]
    pick = (lambda p, w: np.asarray(p)[:, :2]) if kind == "px" else (lambda p, w: w)
    m_fault = fn(pick(px_fault, world_fault), side)
    if mode == "absolute":
        return sign * m_fault
    m_good = fn(pick(px_good, world_good), side)
    if mode == "relative":
        return sign * (m_fault - m_good)
    return sign * (m_good - m_fault)


# ----------------------------------------------------------------- writing
def landmark_rows(px: np.ndarray, width: int, height: int) -> list:
    rows = []
    for u, v, z in px:
        if not np.isfinite(u):
            rows.append([None, None, None, 0])
        else:
            rows.append([round(u / width, 5), round(v / height, 5), round(float(z), 3), 1])
    return rows


def write_jsonl(path: Path, name: str, width: int, height: int, fps: float, frames_px: list, frames_world: list):
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        head = {"format": "posecheck-landmarks", "version": 1, "width": width, "height": height,
                "fps": float(fps), "source": f"{name}.mp4 ground truth"}
        fh.write(json.dumps(head) + "\n")
        for i, (px, w) in enumerate(zip(frames_px, frames_world)):
            world = [[None, None, None] if not np.isfinite(p[0]) else [round(float(c), 3) for c in p] for p in w]
            line = {"t_s": round(i / fps, 6), "landmarks": landmark_rows(px, width, height), "world": world}
            fh.write(json.dumps(line, separators=(",", ":")) + "\n")
    os.replace(tmp, path)


def write_json(path: Path, data: dict):
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, path)
