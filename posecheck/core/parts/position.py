"""In the exercise position or not: all the position's ranges hold, entered and left with hysteresis in time.

Entering is dated from when the body came to rest in the position (before that it was still moving into it),
and needs `enter_s` of it; leaving needs the position lost for `exit_s` and is dated from when it was lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from posecheck.core.parts.settle import Settle
from posecheck.core.specs import Position

__all__ = ["PositionTracker", "PositionStep", "LEAVE_TOL_DEG"]

LEAVE_TOL_DEG = 1.5  # a set ends when the body starts moving out: the first degrees of a slow lowering count
# Measures that tell which pose it is but not whether the body has come to rest: MediaPipe's heel and toe wander
# (foot_incline's median error on the renders 5.1 deg, 2-4x the body lines'), so a still forearm plank's feet read
# as moving and its set started 0.37 s late on forearm_plank_pike10_e.
NOT_FOR_STILLNESS = frozenset({"foot_incline"})


@dataclass(frozen=True)
class PositionStep:
    """What changed in this frame (None: nothing)."""

    entering_since_s: float | None = None  # started entering: still in the position since then
    entered_s: float | None = None  # a set started, dated from the stillness (back-dated)
    left_s: float | None = None  # the set ended: the position has been lost since then
    reset: bool = False  # out of the position (or just left it): judging starts over


class PositionTracker:
    def __init__(self, position: Position):
        self.position = position
        self.settle = Settle([r.measure for r in position.require if r.measure not in NOT_FOR_STILLNESS],
                             position.settle_deg, position.settle_s)
        self.in_position = False
        self.enter_since: float | None = None
        self.exit_since: float | None = None

    def rule(self, angles: dict) -> bool | None:
        """Do the measures meet every requirement? None when an unknown measure leaves it open."""
        unknown = False
        for req in self.position.require:
            ok = req.holds(angles)
            if ok is False:
                return False
            if ok is None and req.if_unknown == "unknown":
                unknown = True
        return None if unknown else True

    def near(self, angles: dict, margin_deg: float) -> bool:
        """Is every requirement met, or missed by less than `margin_deg`? A measure that is unknown counts as
        met only where the rule lets it pass: elsewhere an unknown measure keeps the position from being
        entered, so nothing is being decided (a turned body is not "near" every position at once)."""
        for req in self.position.require:
            ok = req.holds(angles, -margin_deg)
            if ok is False or (ok is None and req.if_unknown != "pass"):
                return False
        return True

    @property
    def judging(self) -> bool:
        """In the position or entering it: the checks run (their verdict decides the time being entered)."""
        return self.in_position or self.enter_since is not None

    @property
    def leaving(self) -> bool:
        return self.exit_since is not None

    def step(self, t: float, detected: bool, angles: dict, ok: bool | None) -> PositionStep:
        """`ok`: this frame's `rule` (False when nobody is in view)."""
        settled_since = None
        if detected:
            needed = bool(ok) and not self.in_position and self.enter_since is None
            settled_since = self.settle.update(t, angles, needed=needed)
        if self.in_position:
            return self._while_in(t, ok)
        if ok is False:
            self.enter_since = None
            return PositionStep(reset=True)
        if not ok:
            return PositionStep()
        began = None
        if self.enter_since is None and settled_since is not None:
            # That stillness was in position, so it counts.
            self.enter_since = began = settled_since
        if self.enter_since is not None and t - self.enter_since >= self.position.enter_s:
            self.in_position, self.exit_since = True, None
            return PositionStep(entering_since_s=began, entered_s=self.enter_since)
        return PositionStep(entering_since_s=began)

    def _while_in(self, t: float, ok: bool | None) -> PositionStep:
        if ok:
            self.exit_since = None
        elif ok is False:
            if self.exit_since is None:
                self.exit_since = t
            if t - self.exit_since >= self.position.exit_s:
                lost = self.exit_since
                self.in_position, self.enter_since, self.exit_since = False, None, None
                return PositionStep(left_s=lost, reset=True)
        return PositionStep()

    def last_still_before(self, t_s: float) -> float | None:
        """When the body last held still before `t_s`: where a set that is being left really ended (the
        lowering of a cobra still meets the position's ranges for a while)."""
        return self.settle.last_still_before(t_s, tol_deg=LEAVE_TOL_DEG)
