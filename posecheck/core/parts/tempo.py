"""How fast the reps move: a rep that moves faster than the spec allows gets the tempo fault."""

from __future__ import annotations

import math
from collections import deque

from posecheck.core.specs import Tempo

__all__ = ["TempoJudge"]


class TempoJudge:
    """Speed of the rep measure over a window of `speed_window_s` (not frame to frame, so that landmark jitter
    does not read as speed), and the time of each half-move between two extremes."""

    def __init__(self, tempo: Tempo | None):
        self.tempo = tempo
        self.fault = tempo.fault if tempo else None
        self._win: deque = deque()

    def clear(self) -> None:
        """The measure went unknown: a speed across the gap would mean nothing."""
        self._win.clear()

    def window_speed(self, v: float, t: float) -> float:
        """|change| / time over the last speed_window_s seconds; NaN until the window is filled."""
        win = self._win
        win.append((t, v))
        span = self.tempo.speed_window_s if self.tempo else 0.2
        while len(win) > 2 and t - win[1][0] >= span:
            win.popleft()
        t0, v0 = win[0]
        if t - t0 < 0.8 * span:
            return math.nan
        return abs(v - v0) / (t - t0)

    def too_fast_now(self, v: float, t: float) -> bool:
        """Record value `v` at `t`; is the measure moving faster than allowed?"""
        speed = self.window_speed(v, t)
        limit = self.tempo.max_speed_deg_s if self.tempo else None
        return bool(limit) and speed == speed and speed > limit

    def too_fast_half(self, half_s: float) -> bool:
        """Did a move from one extreme to the other take less than the spec's minimum?"""
        limit = self.tempo.min_half_s if self.tempo else None
        return bool(limit) and half_s < limit
