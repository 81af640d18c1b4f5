"""What the judging core says, as types: the state of each frame and the events of the session.

The core never makes sentences: a rep is `RepCompleted(number=3, good=True, ...)`, not "rep 3 (good)". Words for
people are made at the edges (text summary, voice, overlay, HTML) from these types, in `posecheck.words`.

`State` and `Severity` are string enums: `State.GOOD == "good"`, and they serialise as their values, so the
report's JSON keeps its strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Union

__all__ = ["State", "Severity", "FaultOpened", "FaultClosed", "SetStarted", "SetEnded", "HoldTargetReached",
           "RepCompleted", "Event"]


class State(StrEnum):
    """The verdict of one frame."""

    ABSENT = "absent"  # nobody in view
    SETUP = "setup"  # not in the exercise position: neither judged nor timed
    GOOD = "good"
    FAULT = "fault"
    UNKNOWN = "unknown"  # in view, but what decides the verdict cannot be seen


class Severity(StrEnum):
    MAJOR = "major"
    MINOR = "minor"


@dataclass(frozen=True)
class FaultOpened:
    """A fault became established (it lasted its debounce time): the moment it may be cued."""

    t_s: float
    fault: str
    severity: Severity


@dataclass(frozen=True)
class FaultClosed:
    """An established fault cleared (back inside its range for its clear time), or its rep ended."""

    t_s: float
    fault: str


@dataclass(frozen=True)
class SetStarted:
    """The person settled into the position: set `number` (1-based) started at `start_s` (back-dated)."""

    t_s: float
    number: int
    start_s: float


@dataclass(frozen=True)
class SetEnded:
    """The position was lost: set `number` ended at `end_s` (dated from when the body started moving out)."""

    t_s: float
    number: int
    end_s: float


@dataclass(frozen=True)
class HoldTargetReached:
    """The good-form time of the current hold reached the spec's target."""

    t_s: float
    target_s: float


@dataclass(frozen=True)
class RepCompleted:
    """Rep `number` (1-based, in the session) ended; `good` unless it has `faults`."""

    t_s: float
    number: int
    good: bool
    faults: tuple[str, ...]
    start_s: float


Event = Union[FaultOpened, FaultClosed, SetStarted, SetEnded, HoldTargetReached, RepCompleted]
