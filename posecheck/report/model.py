"""The report of a session (a contract: `posecheck.report/1`), and writing it atomically.

Built from the evaluator's per-frame results at the end of a session; validated with pydantic, so a report
read back from JSON is checked the same way. Every field is declared (`extra="forbid"`): `posecheck schema
report` prints the JSON Schema that every report validates against. Optional fields added after the first
release (`detection`, a set's `reset`, the summary's `camera_advice`) are left out of the JSON when unset, so
the keys of a report that has no use for them stay exactly as they were.
"""

from __future__ import annotations

import json
import math
import os
from enum import StrEnum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from posecheck.core.events import Severity, State
from posecheck.io.atomic import atomic_write

__all__ = ["Grade", "Report", "SourceMeta", "FrameRecord", "CueRecord", "HoldOut", "RepOut", "SetOut", "Summary",
           "DetectionOut", "SourceKind", "SCHEMA", "write_json", "load_report"]


SCHEMA = "posecheck.report/1"

SourceKind = Literal["video", "image", "camera", "recording"]
Side = Literal["left", "right"]
# Fields declared after the first release: absent from the JSON while unset.
_LATER_FIELDS = {"detection", "warnings"}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SourceMeta(_M):
    path: str
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    kind: SourceKind = "video"
    estimator: str = ""
    detected_frames: Optional[int] = None  # frames with a person in them
    # When the model skipped frames while the body was still (the poses between interpolated): how many it
    # saw, and which, as runs [first, last, step] of frame indices. None: it saw every frame.
    model_frames: Optional[int] = None
    model_saw: Optional[list[list[int]]] = None


class FrameRecord(_M):
    t_s: float
    detected: bool
    side: Optional[Side]
    state: State
    faults: list[str]
    angles_deg: dict[str, Optional[float]]


class CueRecord(_M):
    t_s: float
    fault: str
    text: str
    severity: Severity = "major"


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
    start_level_deg: Optional[float] = Field(
        None, description="the level the rep started and ended at: the spec's, or moved to the person's own rest "
                          "(a bridge's pelvis-down level, cat/cow's resting back)")
    peak_level_deg: Optional[float] = Field(None, description="the level the rep had to reach (cat/cow: the other "
                                                               "extreme, moved with the person's rest)")


class SetOut(_M):
    start_s: float
    end_s: float
    good_s: float
    reps: int
    good_reps: int
    fault_s: dict[str, float]
    reset: Optional[bool] = Field(None, description="live mode: the set was in progress when it was reset "
                                                    "(the key is present only then)")


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
    state_s: dict[State, float] = {}
    verdict: str = ""
    grade: Optional[Grade] = None
    fix_first: list[str] = []
    camera_advice: Optional[str] = Field(
        None, description="when the person was judged little or not at all: the camera guidance that stood "
        "longest meanwhile (as `live` shows it), e.g. 'Turn sideways to the camera'")
    view_advice: list[str] = Field(
        [], description="measures the camera's view could not support (unknown, never a fault), for how long and "
        "why, with how to place the camera")


class DetectionOut(_M):
    """`--exercise auto`: which exercise was recognised and how sure (see posecheck/core/detect.py)."""

    exercise: Optional[str] = Field(description="null: none of the known exercises")
    confidence: float = Field(ge=0, le=1)
    scores: dict[str, float] = Field(description="per exercise, 0..1")
    in_position_s: dict[str, float]
    seen_s: float = Field(description="time with a person detected")
    frames: int


class Report(_M):
    schema_: Literal["posecheck.report/1"] = Field(SCHEMA, alias="schema")
    exercise: str
    source: SourceMeta
    frames: list[FrameRecord]
    cues: list[CueRecord]
    holds: list[HoldOut]
    reps: list[RepOut]
    sets: list[SetOut] = []
    summary: Summary
    partial: bool = False
    detection: Optional[DetectionOut] = Field(None, description="present when the exercise was recognised "
                                                                "automatically (`--exercise auto`)")
    warnings: Optional[list[str]] = Field(None, description="present when there is something to say about the "
                                                            "input: frames missing, an impossible frame rate")

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    def to_dict(self) -> dict:
        d = self.model_dump(by_alias=True)
        for k in _LATER_FIELDS:
            if d.get(k) is None:
                d.pop(k, None)
        for s in d["sets"]:
            if s.get("reset") is None:
                s.pop("reset", None)
        if d["summary"].get("camera_advice") is None:
            d["summary"].pop("camera_advice", None)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        return cls.model_validate({"schema": SCHEMA, **d})

    @classmethod
    def json_schema(cls) -> dict:
        """The JSON Schema of the file `to_dict` writes (the draft 2020-12 dialect)."""
        schema = cls.model_json_schema(by_alias=True, mode="serialization")
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA, **schema}


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
