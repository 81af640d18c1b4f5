"""Form checks: each a measure that must stay in its range, with a debounce before a fault is established
(and cued) and a clear time before it goes away. An unknown (NaN) value neither opens nor clears a fault."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from posecheck.core.events import FaultOpened, Severity
from posecheck.core.specs import Check

__all__ = ["CheckStatus", "CheckState", "Checks", "ChecksVerdict"]


class CheckStatus(Enum):
    ESTABLISHED = "established"  # the fault became established in this frame
    ACTIVE = "active"
    CLEARING = "clearing"  # back in range, not yet for clear_s
    PENDING = "pending"  # out of range, not yet for debounce_s
    CLEAR = "clear"
    UNKNOWN = "unknown"  # NaN, and no fault open


class CheckState:
    """One check over time."""

    __slots__ = ("check", "active", "since", "clear_since")

    def __init__(self, check: Check):
        self.check = check
        self.active = False
        self.since: float | None = None
        self.clear_since: float | None = None

    def reset(self) -> None:
        self.active, self.since, self.clear_since = False, None, None

    def update(self, value: float, t: float) -> CheckStatus:
        if value != value:
            self.since = None
            return CheckStatus.ACTIVE if self.active else CheckStatus.UNKNOWN
        return self._while_active(value, t) if self.active else self._while_clear(value, t)

    def _while_active(self, value: float, t: float) -> CheckStatus:
        c = self.check
        if not c.contains(value, c.hysteresis_deg):
            self.clear_since = None
            return CheckStatus.ACTIVE
        if self.clear_since is None:
            self.clear_since = t
        if t - self.clear_since >= c.clear_s:
            self.active, self.clear_since = False, None
            return CheckStatus.CLEAR
        return CheckStatus.CLEARING

    def _while_clear(self, value: float, t: float) -> CheckStatus:
        c = self.check
        if c.contains(value):
            self.since = None
            return CheckStatus.CLEAR
        if self.since is None:
            self.since = t
        if t - self.since >= c.debounce_s:
            self.active, self.since, self.clear_since = True, None, None
            return CheckStatus.ESTABLISHED
        return CheckStatus.PENDING


@dataclass(frozen=True)
class ChecksVerdict:
    """All checks in one frame."""

    new: tuple[FaultOpened, ...] = ()  # established now: what may be cued
    active: tuple[str, ...] = ()  # established faults (including those on their way out)
    hard_fault: bool = False  # an established fault that is not on its way out
    unsettled: bool = False  # a verdict only known later (a violation not yet established, a fault clearing)
    unknown: bool = False  # a major check cannot be judged


class Checks:
    def __init__(self, checks: list[Check]):
        self.states = [CheckState(c) for c in checks]
        self.needs_still = any(c.when == "still" for c in checks)

    def reset(self) -> None:
        for cs in self.states:
            cs.reset()

    def step(self, t: float, angles: dict, at_top: bool = False, still: bool = True,
             leaving: bool = False) -> ChecksVerdict:
        """`at_top`: at the top of a rep (checks with when = "top"); `still`: the position is held still
        (when = "still"); `leaving`: out of the position's ranges, so no new verdicts."""
        new, active = [], []
        hard = unsettled = unknown = False
        for cs in self.states:
            c = cs.check
            if (c.when == "top" and not at_top) or (c.when == "still" and not still):
                cs.reset()
                continue
            if leaving and not cs.active:
                continue
            status = cs.update(angles[c.measure], t)
            if status is CheckStatus.ESTABLISHED:
                new.append(FaultOpened(t, c.id, Severity(c.severity)))
            if status in (CheckStatus.ESTABLISHED, CheckStatus.ACTIVE, CheckStatus.CLEARING):
                active.append(c.id)
                hard = hard or status is not CheckStatus.CLEARING
                unsettled = unsettled or status is CheckStatus.CLEARING
            elif status is CheckStatus.PENDING:
                unsettled = True
            elif status is CheckStatus.UNKNOWN and c.severity == "major":
                unknown = True
        return ChecksVerdict(tuple(new), tuple(active), hard, unsettled, unknown)
