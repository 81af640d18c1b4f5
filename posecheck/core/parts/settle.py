"""Stillness: since when have some measures stayed within a tolerance of their current values? And the highest
value of a measure over the last moments (`RecentMax`)."""

from __future__ import annotations

import math
from collections import deque

from posecheck.core.timing import MAX_DT_S

__all__ = ["Settle", "RecentMax", "HORIZON_S"]

HORIZON_S = 4.0  # how far back stillness (and the hold's take-back) looks


def _moved(a_vals, b_vals, tol_deg: float) -> bool:
    return any(a == a and b == b and abs(a - b) > tol_deg for a, b in zip(a_vals, b_vals))


class Settle:
    """Since when have the given measures stayed within `tol_deg` of their current values?

    Dating the start of a set from when the body came to rest, not from when a threshold was crossed on the
    way, keeps the hold timer exact. `tol_deg=None`: always settled. An unknown (NaN) value never moves.
    """

    def __init__(self, measures: list[str], tol_deg: float | None, window_s: float):
        self.measures, self.tol, self.window_s = measures, tol_deg, window_s
        self._hist: deque = deque()

    def update(self, t: float, angles: dict, needed: bool = True) -> float | None:
        """Record this frame; when `needed`, return since when the measures are still, once that is at least
        `window_s` ago (else None)."""
        if self.tol is None:
            return t
        vals = [angles[m] for m in self.measures]
        hist = self._hist
        if hist and t - hist[-1][0] > MAX_DT_S:
            hist.clear()  # a gap (nobody in view): stillness before it says nothing about now
        hist.append((t, vals))
        while hist and t - hist[0][0] > HORIZON_S:
            hist.popleft()
        if not needed:
            return None
        since = t
        for ht, hv in reversed(hist):
            if _moved(hv, vals, self.tol):
                break
            since = ht
        return since if t - since >= self.window_s else None

    def still_now(self) -> bool:
        """Have the measures stayed within tol_deg of their latest values for the last window_s?"""
        hist = self._hist
        if self.tol is None or not hist:
            return True
        t, vals = hist[-1]
        for ht, hv in reversed(hist):
            if _moved(hv, vals, self.tol):
                return False
            if t - ht >= self.window_s:
                return True
        return False

    def last_still_before(self, t_end: float, tol_deg: float | None = None) -> float | None:
        """The latest time <= t_end at which the measures had been still for window_s (from the history)."""
        if self.tol is None:
            return t_end
        tol = self.tol if tol_deg is None else tol_deg
        hist = [h for h in self._hist if h[0] <= t_end]
        for j in range(len(hist) - 1, -1, -1):
            tj, vj = hist[j]
            k = j
            while k > 0 and tj - hist[k - 1][0] <= self.window_s:
                k -= 1
                if _moved(hist[k][1], vj, tol):
                    break
            else:
                if tj - hist[k][0] >= self.window_s * 0.9:
                    return tj
        return None


class RecentMax:
    """The highest value pushed over the last `window_s` (a rep's top, to tell a lowering from an overshoot
    settling back): a deque of the values that can still become the maximum, so a frame costs O(1)."""

    def __init__(self, window_s: float):
        self.window_s = window_s
        self._q: deque = deque()  # (t, x), x falling from front to back

    def clear(self) -> None:
        self._q.clear()

    def push(self, t: float, x: float) -> None:
        q = self._q
        while q and q[-1][1] <= x:
            q.pop()
        q.append((t, x))
        while q[0][0] < t - self.window_s:
            q.popleft()

    def __bool__(self) -> bool:
        return bool(self._q)

    @property
    def value(self) -> float:
        """The maximum (-inf before any push)."""
        return self._q[0][1] if self._q else -math.inf
