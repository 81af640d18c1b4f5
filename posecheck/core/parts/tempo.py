"""How fast the reps move, in seconds per phase: a rep with a phase quicker than the spec allows gets the tempo
fault.

A phase (a lift, a lowering) is timed at the speed of its middle half: the time from a quarter to three quarters
of the way, doubled, is how long the whole move takes at that speed. A steady move of 1 s reads 1 s; an eased one
(slow start and end) reads about 0.7 of its length; a pause at the top, the slow ends of a move and landmark
jitter do not count.
"""

from __future__ import annotations

import math
from collections import deque

from posecheck.core.specs import Tempo

__all__ = ["TempoJudge", "HISTORY_S"]

HISTORY_S = 12.0  # the longest phase timed (a lift slower than this is slow enough anyway)


def _crossing(t0: float, y0: float, t1: float, y1: float, level: float) -> float:
    """When the straight line between two samples crosses `level`."""
    return t0 if y1 == y0 else t0 + (t1 - t0) * (level - y0) / (y1 - y0)


class TempoJudge:
    def __init__(self, tempo: Tempo | None):
        self.tempo = tempo
        self.fault = tempo.fault if tempo else None
        self._hist: deque = deque()  # (t, value) of the rep measure, for phase times
        self._win: deque = deque()  # (t, value) over speed_window_s, for the instantaneous speed

    def clear(self) -> None:
        """The measure went unknown: a time or speed across the gap would mean nothing."""
        self._win.clear()
        self._hist.clear()

    def observe(self, t: float, v: float) -> None:
        self._hist.append((t, v))
        while self._hist and t - self._hist[0][0] > HISTORY_S:
            self._hist.popleft()

    @property
    def last_value(self) -> float:
        return self._hist[-1][1] if self._hist else math.nan

    def phase_s(self, a: float, b: float, since_t: float) -> float:
        """Seconds the move from value `a` to value `b` (the phase's two ends) takes at the speed of its middle
        half, from the values seen since `since_t`; NaN when the middle of the move was not seen."""
        span = abs(b - a)
        if not span > 0:
            return math.nan
        sign = 1.0 if b > a else -1.0
        pts = [(t, sign * (v - a)) for t, v in self._hist if t >= since_t]
        q1, q3 = 0.25 * span, 0.75 * span
        t3 = j = None
        for i in range(1, len(pts)):
            if pts[i][1] >= q3 > pts[i - 1][1]:
                t3, j = _crossing(*pts[i - 1], *pts[i], q3), i
                break
        if t3 is None:
            return math.nan
        for i in range(j, 0, -1):
            if pts[i - 1][1] <= q1 < pts[i][1]:
                return 2.0 * (t3 - _crossing(*pts[i - 1], *pts[i], q1))
        return math.nan

    def phase_too_fast(self, a: float, b: float, since_t: float) -> bool:
        limit = self.tempo.min_phase_s if self.tempo else None
        if not limit:
            return False
        took = self.phase_s(a, b, since_t)
        return took == took and took < limit

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
        """Record value `v` at `t`; is the measure moving faster than `max_speed_deg_s` (when the spec sets it)?"""
        speed = self.window_speed(v, t)
        limit = self.tempo.max_speed_deg_s if self.tempo else None
        return bool(limit) and speed == speed and speed > limit

    def too_fast_half(self, half_s: float) -> bool:
        """Did a move from one extreme to the other take less than the spec's minimum?"""
        limit = self.tempo.min_half_s if self.tempo else None
        return bool(limit) and half_s < limit
