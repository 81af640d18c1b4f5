"""The good-form timer, and when a hold at the top of a rep starts and ends.

The timer counts good-form time only. Time whose verdict is not settled yet (the position being entered or
left, a violation not yet established, a fault on its way out) is held pending, then credited if it turns out
good or dropped if it turns out a fault, so the timer is exact although a cue waits for its debounce. Credits
of the last few seconds are kept, so that a hold found to have ended earlier than it was seen to (the body
started moving out before the position was lost) gives back the time credited after its end.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from posecheck.core.events import HoldTargetReached
from posecheck.core.parts.settle import HORIZON_S, RecentMax, Settle
from posecheck.core.specs import Hold

__all__ = ["HoldRecord", "HoldTimer", "TopWatch", "TOP_TOL_DEG", "LAST_TOP_S"]

TOP_TOL_DEG = 4.0  # held at the top of a rep: within this of the top (MediaPipe jitter is ~1-2 deg)
# A hold at the top was last "there" while within 1 deg of its highest of the last LAST_TOP_S: not of its highest
# ever, which a lift's overshoot sets (bridge_full_b's third top rose to -13.7 and settled at -12.4 for 2 s: dated
# from the overshoot, the hold ended at 0.8 s of its 2 s).
LAST_TOP_S = 0.5


@dataclass
class HoldRecord:
    start_s: float
    end_s: float
    good_s: float = 0.0


class HoldTimer:
    """Keeps which frames make up each second (frame index, seconds), so that the frames whose time turned
    out good, or was dropped or taken back, can be told (the evaluator settles their states from that)."""

    def __init__(self, hold: Hold):
        self.hold = hold
        self.holds: list[HoldRecord] = []  # closed holds
        self.current: HoldRecord | None = None
        self._pending: list[tuple[int, float]] = []  # good-looking frames whose verdict comes later
        self._credits: deque = deque()  # (t, seconds, frames) credited lately, to take back if the hold ended earlier
        self._announced = False

    @property
    def good_s(self) -> float:
        """Good-form seconds of the current hold (0 outside a hold)."""
        return self.current.good_s if self.current is not None else 0.0

    @property
    def pending_s(self) -> float:
        return sum(dt for _, dt in self._pending)

    def open(self, start_s: float) -> None:
        self.current = HoldRecord(start_s, start_s)
        self._credits.clear()
        self._announced = False

    def wait_since(self, frames: list[tuple[int, float]]) -> None:
        """These frames (index, seconds) were good-looking; their verdict comes later (replaces what waits)."""
        self._pending = list(frames)

    def wait(self, index: int, dt: float) -> None:
        """This frame looks good but its verdict comes later."""
        self._pending.append((index, dt))

    def drop(self) -> list[int]:
        """The time pending turned out not good (or judging starts over): the frames it was."""
        dropped = [i for i, _ in self._pending]
        self._pending = []
        return dropped

    def credit(self, t: float, index: int, dt: float) -> list[int]:
        """This frame is good, and so is the time pending: the frames credited."""
        if self.current is None:
            return []
        frames = self._pending + [(index, dt)]
        gained = sum(d for _, d in frames)
        self.current.good_s += gained
        self._credits.append((t, gained, [i for i, _ in frames]))
        while self._credits and t - self._credits[0][0] > HORIZON_S:
            self._credits.popleft()
        self._pending = []
        return self._credits[-1][2]

    def touch(self, t: float) -> HoldTargetReached | None:
        """The current hold lasts until `t`; the event once its good-form time reaches the target."""
        if self.current is None:
            return None
        self.current.end_s = t
        if not self._announced and self.hold.reached(self.current.good_s):
            self._announced = True
            return HoldTargetReached(t, self.hold.target_s)
        return None

    def discard(self, since_s: float) -> None:
        """The holds started since `since_s` turned out not to be good form as a whole (their rep was faulty):
        they count nothing."""
        if self.current is not None and self.current.start_s >= since_s:
            self.current, self._pending = None, []
            self._credits.clear()
        while self.holds and self.holds[-1].start_s >= since_s:
            self.holds.pop()

    def close(self, end_s: float) -> list[int]:
        """The hold ended at `end_s`: the time credited after it is taken back (the frames it was)."""
        hold = self.current
        if hold is None:
            return []
        taken: list[int] = []
        for ct, credit, frames in self._credits:
            if ct > end_s:
                hold.good_s -= credit
                taken += frames
        hold.good_s = max(hold.good_s, 0.0)
        self._credits.clear()
        hold.end_s = max(end_s, hold.start_s)
        self.holds.append(hold)
        self.current = None
        return taken


class TopWatch:
    """A hold at the top of a rep (bridge) is the time held still at the top, not the way up and down: it
    starts once the rep measure has settled at the top (dated from then) and ends when the measure was last at
    the top before it dropped away."""

    def __init__(self, measure: str, direction: float):
        self.measure, self.d = measure, direction
        self._settle = Settle([measure], TOP_TOL_DEG, 0.25)
        self._best, self._last_t = -math.inf, 0.0
        self._recent = RecentMax(LAST_TOP_S)

    def update(self, t: float, angles: dict, at_top: bool, holding: bool,
               may_start: bool = True) -> tuple[float | None, float | None]:
        """Record this frame. Returns (started_s, ended_s): when not `holding`, the time since when the top has
        been held still, once it has (and `may_start`); when `holding`, the time the hold ended, once the
        measure has left the top."""
        since = self._settle.update(t, angles, needed=at_top and not holding)
        x = self.d * angles[self.measure]  # larger is further toward the top
        if not holding:
            if at_top and may_start and since is not None:
                self._best, self._last_t = x, t
                self._recent.clear()
                self._recent.push(t, x)
                return since, None
            return None, None
        if x != x:
            return None, None
        self._recent.push(t, x)
        if x >= self._recent.value - 1.0:
            self._last_t = t
        self._best = max(self._best, x)
        if not at_top or self._best - x > TOP_TOL_DEG:
            return None, self._last_t
        return None, None
