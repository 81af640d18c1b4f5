"""Exploring a pose: every measure over time, as the evaluator sees it.

`measure_series(poses, width, height)` turns any iterable of poses into an `AngleSeries`: one smoothed value
per measure per frame, the body side chosen by `SideTracker`, the filters reset when the side changes: the
evaluator's own numbers (a test pins that the two agree). It is what `posecheck angles`, `posecheck specs new` and
`posecheck tune` read.

Inputs may carry a time range, ``clip.mp4@3.0-6.5`` (seconds; either end may be left out): `parse_input`.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from posecheck.core.evaluation import Evaluator
from posecheck.core.geometry import MEASURES
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.specs import Smoothing, Spec, parse_spec
from posecheck.errors import NoPersonError, PosecheckError, SourceOpenError
from posecheck.io.atomic import AtomicPath
from posecheck.io.ranges import InputRange, parse_input
from posecheck.io.streams import open_poses
from posecheck.report.csv import MEASURE_COLUMNS
from posecheck.report.templating import fixed

__all__ = [
    "InputRange", "parse_input", "AngleTracker", "AngleSeries", "measure_series", "read_poses", "Clip",
    "load_clip", "steady_mask", "write_csv", "plot_series", "MEASURE_HELP",
]

# One line per measure, for tables and plot titles (geometry.py has the full definitions).
MEASURE_HELP = {
    "elbow": "shoulder-elbow-wrist", "shoulder": "elbow-shoulder-hip", "hip": "shoulder-hip-knee",
    "knee": "hip-knee-ankle", "neck": "ear-shoulder-hip", "body_line": "shoulder-hip-ankle",
    "body_sag": "hip off shoulder-ankle line, + sag", "hip_sag": "hip off shoulder-knee line, + sag",
    "head_drop": "ear off hip-shoulder line, + hangs", "pelvis_lift": "hip above ankle-wrist line, + up",
    "hands_forward": "shoulder-wrist from vertical, + to head", "elbows_forward": "shoulder-elbow from vertical",
    "torso_incline": "hip->shoulder above horizontal", "thigh_incline": "knee->hip above horizontal",
    "shin_incline": "ankle->knee above horizontal", "legs_incline": "ankle->hip above horizontal",
    "upper_arm_incline": "elbow->shoulder above horizontal", "forearm_incline": "wrist->elbow above horizontal",
    "face_down": "ear->nose vs hip->shoulder, + to floor",
}

class AngleTracker:
    """Per-frame measures exactly as `Evaluator` computes them (side with hysteresis, smoothing, filters
    restarted when the side changes): it *is* an evaluator, over a spec that judges nothing, so the two cannot
    drift apart."""

    def __init__(self, width: int, height: int, smoothing: Smoothing | None = None):
        spec = parse_spec({
            "name": "explore", "title": "Explore",
            # Always true for a known value: the position only gates judging, and there is nothing to judge.
            "position": {"require": [{"measure": MEASURES[0], "min_deg": -1e9}], "enter_s": 0.0, "exit_s": 0.0},
            "smoothing": (smoothing or Smoothing()).model_dump()}, "explore")
        self._ev = Evaluator(spec, width, height)

    def step(self, pose: Pose) -> tuple[str | None, dict[str, float]]:
        fr = self._ev.step(pose)
        return fr.side, fr.angles


@dataclass(frozen=True)
class AngleSeries:
    """Every measure of every frame of one input (NaN where unknown)."""

    source: str
    width: int
    height: int
    fps: float
    t_s: np.ndarray
    detected: np.ndarray
    side: tuple
    values: dict = field(repr=False)  # measure -> (n,) float array, smoothed

    def __len__(self) -> int:
        return len(self.t_s)

    @property
    def duration_s(self) -> float:
        return 0.0 if len(self) < 2 else float(self.t_s[-1] - self.t_s[0]) + 1.0 / self.fps

    def index_at(self, t_s: float) -> int:
        """The frame showing time `t_s`: the last one that starts at or before it."""
        if not len(self):
            raise PosecheckError(f"{self.source}: no frames")
        t0, t1 = float(self.t_s[0]), float(self.t_s[-1]) + 1.0 / self.fps
        if not t0 - 1e-9 <= t_s <= t1:
            raise PosecheckError(f"--at {t_s:g}: {Path(self.source).name} runs {t0:g}-{t1:.2f} s; pick a time inside")
        return int(max(np.searchsorted(self.t_s, t_s + 1e-9, side="right") - 1, 0))

    def subset(self, mask: np.ndarray) -> "AngleSeries":
        """The frames where `mask` is True (times keep the source's clock)."""
        return AngleSeries(self.source, self.width, self.height, self.fps, self.t_s[mask], self.detected[mask],
                           tuple(s for s, k in zip(self.side, mask) if k),
                           {m: v[mask] for m, v in self.values.items()})

    def at(self, t_s: float) -> dict[str, float]:
        i = self.index_at(t_s)
        return {m: float(v[i]) for m, v in self.values.items()}

    def stats(self, mask: np.ndarray | None = None) -> dict[str, dict[str, float]]:
        """Per measure: known frames, p5, median, p95, min, max (NaN when nothing is known)."""
        out = {}
        for m, v in self.values.items():
            x = v if mask is None else v[mask]
            x = x[np.isfinite(x)]
            if x.size:
                p5, p50, p95 = np.percentile(x, [5, 50, 95])
                out[m] = {"n": int(x.size), "p5": float(p5), "median": float(p50), "p95": float(p95),
                          "min": float(x.min()), "max": float(x.max())}
            else:
                out[m] = {"n": 0, "p5": math.nan, "median": math.nan, "p95": math.nan, "min": math.nan,
                          "max": math.nan}
        return out


def measure_series(poses: Iterable[Pose], width: int, height: int, smoothing: Smoothing | None = None,
                   source: str = "", fps: float = 30.0) -> AngleSeries:
    tracker = AngleTracker(width, height, smoothing)
    ts, det, sides = [], [], []
    cols: dict[str, list[float]] = {m: [] for m in MEASURES}
    for pose in poses:
        side, angles = tracker.step(pose)
        ts.append(pose.t_s)
        det.append(pose.detected)
        sides.append(side)
        for m in MEASURES:
            cols[m].append(angles[m])
    return AngleSeries(source, width, height, fps, np.asarray(ts, float), np.asarray(det, bool), tuple(sides),
                       {m: np.asarray(v, float) for m, v in cols.items()})


ProgressFn = Callable[[int, float], None]


def read_poses(path: str | os.PathLike, *, model=None, model_complexity: int = 1,
               progress: ProgressFn | None = None) -> tuple[SourceInfo, list[Pose]]:
    """All poses of an input: a video or image goes through the model once, a recording is replayed."""
    with open_poses(path, model=model, model_complexity=model_complexity) as stream:
        poses = []
        for i, (_frame, pose) in enumerate(stream, 1):
            poses.append(pose)
            if progress is not None:
                progress(i, pose.t_s)
        info = stream.info
    if not poses:
        raise SourceOpenError(f"{path}: no frames")
    return info, poses


@dataclass(frozen=True)
class Clip:
    """The poses of one input, with its time range; the unit that `tune` and `specs new` work on."""

    input: InputRange
    info: SourceInfo
    poses: tuple

    @property
    def label(self) -> str:
        return self.input.label

    @property
    def still(self) -> bool:
        return self.info.kind == "image"

    def series(self, smoothing: Smoothing | None = None) -> AngleSeries:
        return measure_series(self.poses, self.info.width, self.info.height, smoothing, self.info.path,
                              self.info.fps)

    def in_range(self) -> np.ndarray:
        return self.input.contains(np.array([p.t_s for p in self.poses]))


def load_clip(inp: InputRange | str, *, model=None, model_complexity: int = 1, cache: dict | None = None,
              progress_factory=None) -> Clip:
    """Poses of an input; `cache` (path -> (info, poses)) makes a file given twice run the model once."""
    if isinstance(inp, str):
        inp = parse_input(inp)
    key = os.path.abspath(inp.path)
    if cache is not None and key in cache:
        info, poses = cache[key]
    else:
        bar = progress_factory(inp.path) if progress_factory else None
        try:
            info, poses = read_poses(inp.path, model=model, model_complexity=model_complexity, progress=bar)
        finally:
            if bar is not None:
                bar.close()
        if cache is not None:
            cache[key] = (info, poses)
    clip = Clip(inp, info, tuple(poses))
    if poses and not any(p.detected for p in poses):
        raise NoPersonError(f"{inp.path}: no person was detected in any of its {len(poses)} frame(s); film the "
                            "whole body from the side, in good light")
    if not clip.in_range().any():
        end = poses[-1].t_s
        raise PosecheckError(f"{inp.label}: no frame in that time range (the input runs 0-{end:.2f} s)")
    return clip


def steady_mask(series: AngleSeries, max_speed_deg_s: float = 15.0, min_run_s: float = 1.0,
                window_s: float = 0.5) -> np.ndarray:
    """Frames of the longest stretch where the body holds still: the speed of the measures over `window_s`
    (the 80th percentile across measures: moving into a pose turns a few segments a lot while joint angles
    may stay put, and one jittery measure should not count as motion) stays under `max_speed_deg_s`.
    Setting up and getting out of a pose move fast; a hold does not.
    Falls back to every detected frame when no still stretch lasts `min_run_s` (and for a single image)."""
    n = len(series)
    known = series.detected.copy()
    if n <= 2:
        return known
    vals = np.vstack([series.values[m] for m in MEASURES])  # (m, n)
    t = series.t_s
    speed = np.full(n, np.inf)
    j = 0
    for i in range(n):
        while t[i] - t[j] > window_s:
            j += 1
        if i > j and t[i] > t[j]:
            d = np.abs(vals[:, i] - vals[:, j]) / (t[i] - t[j])
            d = d[np.isfinite(d)]
            if d.size >= len(MEASURES) // 2:
                speed[i] = float(np.percentile(d, 80))
    still = known & (speed <= max_speed_deg_s)
    still[:1] = still[1] if n > 1 else still[0]
    best, best_len, start = None, 0.0, None
    for i in range(n + 1):
        if i < n and still[i]:
            if start is None:
                start = i
            continue
        if start is not None:
            length = t[i - 1] - t[start]
            if length > best_len:
                best, best_len = (start, i), length
            start = None
    if best is None or best_len < min_run_s:
        return known
    out = np.zeros(n, bool)
    out[best[0]:best[1]] = True
    return out & known


def _fmt(v: float, nd: int = 2) -> str:
    return fixed(float(v), nd, unknown="")


def write_csv(series: AngleSeries, out) -> None:
    """t_s, detected, side, then one column per measure in degrees (`elbow_deg`, as `score --csv`); unknown is
    an empty cell."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["t_s", "detected", "side", *MEASURE_COLUMNS])
    for i in range(len(series)):
        w.writerow([f"{series.t_s[i]:.4f}", int(series.detected[i]), series.side[i] or "",
                    *(_fmt(series.values[m][i]) for m in MEASURES)])


def csv_text(series: AngleSeries) -> str:
    buf = io.StringIO()
    write_csv(series, buf)
    return buf.getvalue()


def _matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: never open a window
        import matplotlib.pyplot as plt
    except ImportError:
        raise PosecheckError("--plot needs matplotlib: pip install 'posecheck-coach[plot]' "
                             "(or use --csv and plot the table yourself)") from None
    return plt


def plot_series(series: AngleSeries, out_path: str | os.PathLike, spec: Spec | None = None,
                measures: list[str] | None = None, mark_s: float | None = None) -> None:
    """Small multiples, one panel per measure; with a spec, its position ranges are shaded grey and its check
    ranges drawn as dashed bounds, so one sees where the current numbers sit against the signal."""
    plt = _matplotlib()
    names = list(measures or MEASURES)
    cols = 3
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(13, 1.9 * rows + 0.8), sharex=True, squeeze=False)
    t = series.t_s
    for k, m in enumerate(names):
        ax = axes[k // cols][k % cols]
        v = series.values[m]
        ax.plot(t, v, lw=1.1, color="#1f5fa8", marker="o" if len(t) < 3 else None)
        ax.set_title(f"{m}  ({MEASURE_HELP.get(m, '')})", fontsize=8.5, loc="left")
        ax.tick_params(labelsize=7.5)
        ax.grid(alpha=0.25)
        if spec is not None:
            for req in spec.position.require:
                if req.measure == m:
                    lo = req.min_deg if req.min_deg is not None else -180
                    hi = req.max_deg if req.max_deg is not None else 180
                    ax.axhspan(lo, hi, color="0.5", alpha=0.12, lw=0)
            for c in spec.checks:
                if c.measure == m:
                    for b in (c.min_deg, c.max_deg):
                        if b is not None:
                            ax.axhline(b, color="#c0392b", ls="--", lw=0.9)
                            ax.text(t[0] if len(t) else 0, b, f" {c.id}", fontsize=6.5, color="#c0392b",
                                    va="bottom", clip_on=True)
            if np.isfinite(v).any():
                lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
                # Bounds near the signal are shown; far ones would squash it flat, so they stay off the panel.
                near = [b for c in spec.checks if c.measure == m for b in (c.min_deg, c.max_deg)
                        if b is not None and lo - 40 <= b <= hi + 40]
                lo, hi = min([lo, *near]), max([hi, *near])
                pad = max(3.0, 0.1 * (hi - lo))
                ax.set_ylim(lo - pad, hi + pad)
        if mark_s is not None:
            ax.axvline(mark_s, color="k", lw=0.7, alpha=0.6)
    for k in range(len(names), rows * cols):
        axes[k // cols][k % cols].axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("time (s)", fontsize=8)
    title = f"{Path(series.source).name}: measures in degrees, smoothed as the evaluator sees them"
    if spec is not None:
        title += f"; grey: {spec.name} position, dashed: its checks"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    ap = AtomicPath(out_path, ".png")
    try:
        fig.savefig(ap.tmp, dpi=90, format="png")
        ap.commit()
    except BaseException:
        ap.discard()
        raise
    finally:
        plt.close(fig)
