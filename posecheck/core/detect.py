"""Which known exercise is the person doing? (`--exercise auto`)

Judged from the specs themselves: a frame fits an exercise when every `position.require` range of its spec
holds (the same test the judge uses to start a set; the face direction among them tells a plank, face down,
from an upward plank, face up). Two things the ranges alone cannot tell are added:

- a hold without reps (plank, cobra) is held still: a frame whose joints swing through more than
  `STILL_RANGE_DEG` within `STILL_WINDOW_S` (a push-up passing through the plank position) counts against it;
- where several exercises fit, the one whose checks pass more often and whose ranges hold with more margin
  wins (a forearm plank with the chest up also meets cobra's ranges, but not cobra's pelvis-on-the-floor check).

The per-frame fit of an exercise is 0 out of position, else 0.5 + 0.25 * depth + 0.25 * checks passed (depth:
how far inside its ranges, up to `DEPTH_FULL_DEG`). Over an input, an exercise's score is its fit summed over
time, divided by the time a person was seen. The best is named when its score reaches `MIN_SCORE` (or its fit
adds up to `MIN_FIT_S` seconds); confidence = best / (best + runner-up) times the support (seconds in position
up to `SURE_AFTER_S` for a clip, the fit of a still image), so a close second or little evidence lowers it.
"""

from __future__ import annotations

import math
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from posecheck.core.geometry import SideTracker, measure_pose, to_pixels
from posecheck.core.landmarks import Pose
from posecheck.core.specs import Spec, list_specs, load_spec_file
from posecheck.core.timing import frame_dt
from posecheck.errors import PosecheckError

__all__ = ["Detection", "ExerciseNotRecognised", "detect_poses", "MIN_SCORE"]

STILL_WINDOW_S = 1.0
STILL_RANGE_DEG = 40.0  # a push-up swings the elbow ~80 deg in a second; a held plank's jitter is a few deg
STILL_MEASURES = ("elbow", "knee", "hip", "shoulder")
MOVING_PENALTY = 1.0
DEPTH_FULL_DEG = 10.0
MIN_SCORE = 0.12  # about a fifth of the seen time in position; less is "none of the known exercises"...
MIN_FIT_S = 2.0  # ...unless the position was held well for a few seconds (a long clip with little exercise)
SURE_AFTER_S = 3.0  # seconds in position after which the evidence of a clip counts in full


class ExerciseNotRecognised(PosecheckError):
    """`--exercise auto` found none of the known exercises."""


@dataclass(frozen=True)
class Detection:
    exercise: str | None  # None: none of the known exercises
    confidence: float  # 0..1
    scores: dict[str, float] = field(default_factory=dict)  # per exercise, 0..1 (see the module docstring)
    in_position_s: dict[str, float] = field(default_factory=dict)
    seen_s: float = 0.0  # time with a person detected
    frames: int = 0

    def describe(self, titles: dict[str, str] | None = None) -> str:
        name = (titles or {}).get(self.exercise, self.exercise) if self.exercise else None
        ranked = sorted(self.scores.items(), key=lambda kv: -kv[1])
        others = ", ".join(f"{k} {v:.2f}" for k, v in ranked[:3])
        if name:
            return f"Exercise: {name} (recognised, {100 * self.confidence:.0f}% sure; scores: {others})"
        if self.seen_s <= 0:
            return "not recognised as any known exercise (nobody seen)"
        if self.frames == 1:
            return f"not recognised as any known exercise (the person is in none of their positions; scores: " \
                   f"{others})"
        near = sorted(((k, v) for k, v in self.in_position_s.items() if v > 0), key=lambda kv: -kv[1])[:2]
        where = "; in position: " + ", ".join(f"{k} {v:.1f} s" for k, v in near) if near else \
            "; never in the position of any"
        return (f"not recognised as any known exercise ({self.seen_s:.1f} s with a person seen{where}; "
                f"scores: {others})")

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "confidence": round(self.confidence, 3),
                "scores": {k: round(v, 3) for k, v in self.scores.items()},
                "in_position_s": {k: round(v, 3) for k, v in self.in_position_s.items()},
                "seen_s": round(self.seen_s, 3), "frames": self.frames}


def _fit(spec: Spec, angles: dict) -> float:
    """0 out of position, else 0.5..1 (see the module docstring)."""
    depth = math.inf
    for r in spec.position.require:
        if not r.applies(angles):
            continue  # a look-alikes' cue where the look-alike cannot be
        v = angles[r.measure]
        if v != v:
            if getattr(r, "if_unknown", "unknown") == "pass":
                continue  # a helper cue (the face direction) that could not be seen
            return 0.0
        if (r.min_deg is not None and v < r.min_deg) or (r.max_deg is not None and v > r.max_deg):
            return 0.0
        inside = min(v - r.min_deg if r.min_deg is not None else math.inf,
                     r.max_deg - v if r.max_deg is not None else math.inf)
        depth = min(depth, inside)
    depth = depth if depth < math.inf else DEPTH_FULL_DEG
    known = [c for c in spec.checks if angles[c.measure] == angles[c.measure]]
    passed = sum(1 for c in known if c.contains(angles[c.measure])) / len(known) if known else 0.5
    return 0.5 + 0.25 * min(depth / DEPTH_FULL_DEG, 1.0) + 0.25 * passed


def _static(spec: Spec) -> bool:
    return spec.reps is None and spec.hold is not None


class _Stillness:
    """How far the big joints swing over the last window (10th to 90th percentile, so that a few jittery
    landmarks do not read as movement): large means moving (a push-up, not a plank)."""

    def __init__(self):
        self._win: deque = deque()

    def update(self, t: float, angles: dict) -> float:
        self._win.append((t, [angles[m] for m in STILL_MEASURES]))
        while self._win and t - self._win[0][0] > STILL_WINDOW_S:
            self._win.popleft()
        if len(self._win) < 3:
            return 0.0
        vals = np.array([v for _, v in self._win], dtype=float)
        worst = 0.0
        for col in vals.T:
            col = col[col == col]
            if len(col) >= 3:
                lo, hi = np.percentile(col, (10, 90))
                worst = max(worst, float(hi - lo))
        return worst


def detect_poses(poses: Iterable[Pose], width: int, height: int, specs: Sequence[Spec] | None = None,
                 still_image: bool = False) -> Detection:
    """Recognise the exercise in a pose sequence (a still image: one pose, `still_image=True`)."""
    specs = list(specs) if specs is not None else [load_spec_file(p) for p in list_specs().values()]
    side = SideTracker()
    stillness = _Stillness()
    fit_sum = {s.name: 0.0 for s in specs}
    pos_s = {s.name: 0.0 for s in specs}
    seen = 0.0
    n = 0
    prev_t: float | None = None
    for pose in poses:
        n += 1
        dt = 1.0 if still_image else frame_dt(prev_t, pose.t_s)
        if prev_t is None and not still_image:
            dt = 0.0
        prev_t = pose.t_s
        if not pose.detected:
            continue
        angles = measure_pose(to_pixels(pose, width, height), side.update(pose))
        moving = (not still_image) and stillness.update(pose.t_s, angles) > STILL_RANGE_DEG
        # The first frame has no duration of its own: count it as a typical frame.
        w = dt if dt > 0 or still_image else 0.0
        seen += w
        for s in specs:
            f = _fit(s, angles)
            if f > 0 and moving and _static(s):
                # Passing through a hold's position while moving (a push-up through the plank) counts
                # against the hold.
                f = -MOVING_PENALTY
            fit_sum[s.name] += f * w
            pos_s[s.name] += w if f > 0 else 0.0
    scores = {k: (max(v, 0.0) / seen if seen > 0 else 0.0) for k, v in fit_sum.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best_name, best = ranked[0] if ranked else (None, 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    enough = best > 0 and (best >= MIN_SCORE or fit_sum[best_name] >= MIN_FIT_S)
    if not enough:
        # Sure it is none of them when nothing comes close.
        return Detection(None, max(0.0, 1.0 - best / MIN_SCORE), scores, pos_s, seen, n)
    # How sure: the winner against the runner-up, times how much the winner rests on (seconds in position
    # for a video; how well the single frame fits for a still image).
    support = best if still_image else min(1.0, pos_s[best_name] / SURE_AFTER_S)
    conf = best / (best + second) * support
    return Detection(best_name, conf, scores, pos_s, seen, n)


def load_all_specs(extra_dirs=None) -> list[Spec]:
    return [load_spec_file(p) for p in list_specs(extra_dirs).values()]


def not_recognised(path: str | os.PathLike, det: Detection) -> ExerciseNotRecognised:
    return ExerciseNotRecognised(
        f"{path}: {det.describe()}; name the exercise with --exercise NAME (see `posecheck specs list`)")
