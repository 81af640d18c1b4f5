"""Figures of a live session: frames per second, time per stage, arrival-to-shown and cue latency."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["STAGES", "LiveStats"]

STAGES = ("wait", "pose", "judge", "draw", "show")


STATS_KEPT = 20_000  # per-frame figures kept: ~11 minutes at 30 fps in full, then an evenly thinned sample


def _append_bounded(values: list[float], v: float) -> None:
    """Append, and when the list is full keep every other value: memory stays flat over an hour-long session,
    and means and percentiles come from an even sample of it (the newest values are always there)."""
    values.append(v)
    if len(values) >= STATS_KEPT:
        del values[::2]


@dataclass
class LiveStats:
    """Per-frame stage times (ms), frames in and dropped, and cue latency (ms) from the frame's arrival to the
    cue being shown (window) or printed / handed to the voice (headless)."""

    stage_ms: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    frames: int = 0
    dropped: int = 0
    delivered: int = 0
    wall_s: float = 0.0
    cue_latency_ms: list[float] = field(default_factory=list)
    # Every judged frame, from its arrival to its picture shown (or its events printed): the latency any cue
    # would have had on that frame.
    frame_latency_ms: list[float] = field(default_factory=list)
    _first: float | None = None
    _last: float | None = None
    _recent: list = field(default_factory=list)

    def add(self, times: dict[str, float], now: float) -> None:
        for k, v in times.items():
            _append_bounded(self.stage_ms[k], v * 1000.0)
        self.frames += 1
        if self._first is None:
            self._first = now
        self._last = now
        self._recent.append(now)
        while self._recent and now - self._recent[0] > 1.0:
            self._recent.pop(0)

    @property
    def fps(self) -> float:
        """Frames judged per second of wall time over the whole session."""
        if self._first is None or self._last is None or self.frames < 2 or self._last <= self._first:
            return math.nan
        return (self.frames - 1) / (self._last - self._first)

    @property
    def recent_fps(self) -> float:
        r = self._recent
        return (len(r) - 1) / (r[-1] - r[0]) if len(r) >= 2 and r[-1] > r[0] else math.nan

    def recent_ms(self, n: int = 30) -> dict[str, float]:
        return {k: float(np.mean(v[-n:])) for k, v in self.stage_ms.items() if v}

    def mean_ms(self) -> dict[str, float]:
        return {k: float(np.mean(v)) for k, v in self.stage_ms.items() if v}

    def text(self) -> str:
        ms = self.mean_ms()
        stages = ", ".join(f"{k} {v:.1f}" for k, v in ms.items())
        lat = (f"; cue latency median {np.median(self.cue_latency_ms):.0f} ms, max {max(self.cue_latency_ms):.0f} ms"
               if self.cue_latency_ms else "")
        return (f"{self.frames} frames judged ({self.dropped} of {self.delivered} dropped), {self.fps:.1f} FPS; "
                f"per frame (ms): {stages}{lat}")
