"""The report of a session (a contract: `posecheck.report/1`), its summary text, and writing it atomically.

Built from the evaluator's per-frame results at the end of a session; validated with pydantic, so a report
read back from JSON is checked the same way.
"""

from __future__ import annotations

import json
import math
import os
from enum import StrEnum
from typing import Optional

from pydantic import BaseModel, ConfigDict

from posecheck.io.atomic import atomic_write

__all__ = ["Grade", "Report", "SourceMeta", "FrameRecord", "CueRecord", "HoldOut", "RepOut", "SetOut", "Summary", "SCHEMA",
           "write_json", "load_report"]


SCHEMA = "posecheck.report/1"


class _M(BaseModel):
    model_config = ConfigDict(extra="allow")


class SourceMeta(_M):
    path: str
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    kind: str = "video"
    estimator: str = ""


class FrameRecord(_M):
    t_s: float
    detected: bool
    side: Optional[str]
    state: str
    faults: list[str]
    angles_deg: dict[str, Optional[float]]


class CueRecord(_M):
    t_s: float
    fault: str
    text: str
    severity: str = "major"


class HoldOut(_M):
    start_s: float
    end_s: float
    good_s: float


class RepOut(_M):
    start_s: float
    end_s: float
    good: bool
    faults: list[str]
    peak_deg: Optional[float] = None
    top_s: float = 0.0


class SetOut(_M):
    start_s: float
    end_s: float
    good_s: float
    reps: int
    good_reps: int
    fault_s: dict[str, float]


class Grade(StrEnum):
    """The verdict's grade, for colours and sorting; the verdict's words are made from it."""

    GOOD = "good"
    MOSTLY_GOOD = "mostly_good"
    NEEDS_WORK = "needs_work"
    NOT_JUDGED = "not_judged"


class Summary(_M):
    good_hold_s: float
    reps: int
    good_reps: int
    fault_s: dict[str, float]
    target_s: Optional[float] = None
    best_hold_s: float = 0.0
    rep_faults: dict[str, int] = {}
    state_s: dict[str, float] = {}
    verdict: str = ""
    grade: Optional[Grade] = None
    fix_first: list[str] = []


class Report(_M):
    schema_: str = SCHEMA
    exercise: str
    source: SourceMeta
    frames: list[FrameRecord]
    cues: list[CueRecord]
    holds: list[HoldOut]
    reps: list[RepOut]
    sets: list[SetOut] = []
    summary: Summary
    partial: bool = False

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_dict(self) -> dict:
        d = self.model_dump(by_alias=False)
        d = {"schema": d.pop("schema_"), **d}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        d = dict(d)
        d["schema_"] = d.pop("schema", SCHEMA)
        return cls.model_validate(d)


def r3(x: float) -> float | None:
    return None if x != x or math.isinf(x) else round(float(x), 3)


def write_json(report: Report, path: str | os.PathLike) -> None:
    """Writes the report atomically: an interrupted run leaves the old file (or none), never half a report."""
    with atomic_write(path) as f:
        json.dump(report.to_dict(), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def load_report(path: str | os.PathLike) -> Report:
    with open(path, encoding="utf-8") as f:
        return Report.from_dict(json.load(f))
