"""A NaN-safe One Euro filter (Casiez et al. 2012), timed in seconds.

Unlike the reference ports: t = 0 is a valid time, a repeated timestamp does not divide by zero, a NaN input
passes through without touching the state, and after a gap longer than `max_gap_s` the filter restarts
(stale state would drag the new signal).
"""

from __future__ import annotations

import math

__all__ = ["OneEuroFilter"]


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    __slots__ = ("min_cutoff_hz", "beta", "d_cutoff_hz", "max_gap_s", "_x", "_dx", "_t")

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0,
                 max_gap_s: float = 0.5):
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0 or beta < 0:
            raise ValueError("cutoffs must be > 0 and beta >= 0")
        self.min_cutoff_hz, self.beta, self.d_cutoff_hz = min_cutoff_hz, beta, d_cutoff_hz
        self.max_gap_s = max_gap_s
        self.reset()

    def reset(self) -> None:
        self._x = math.nan
        self._dx = 0.0
        self._t = math.nan

    @property
    def speed(self) -> float:
        """The filtered rate of change (units per second); NaN before the first value."""
        return self._dx if self._x == self._x else math.nan

    def __call__(self, x: float, t_s: float) -> float:
        if x != x:  # NaN: unknown passes through, the state waits
            return math.nan
        if self._x != self._x or not (t_s - self._t <= self.max_gap_s):
            self._x, self._dx, self._t = x, 0.0, t_s
            return x
        dt = t_s - self._t
        if dt <= 0.0:
            return self._x
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff_hz, dt) * (dx - self._dx)
        cutoff = self.min_cutoff_hz + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t_s
        return self._x
