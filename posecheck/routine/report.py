"""The report of a routine (a contract: `posecheck.routine/1`), and its history record.

    {"schema": "posecheck.routine/1", "routine": NAME, "title", "source": {...},
     "steps": [{"exercise", "start_s", "end_s", "target": {"reps" | "hold_s", "sets", "rest_s"},
                "sets": [{start_s, end_s, good_s, reps, good_reps, fault_s}], "good_hold_s", "reps",
                "good_reps", "fault_s": {fault: s}, "skipped", "verdict"}],
     "summary": {"steps", "steps_done", "steps_skipped", "good_hold_s", "reps", "good_reps", "fault_s",
                 "duration_s", "planned_s", "ended_by"},
     "partial"}

`start_s` is when the person was first in position for the step (null when skipped).
"""

from __future__ import annotations

import json
import os
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from posecheck.history.db import Part, SessionRecord
from posecheck.io.atomic import atomic_write
from posecheck.report.model import SetOut, SourceMeta, r3
from posecheck.routine.runner import RoutineRunner

__all__ = ["RoutineReport", "StepOut", "RoutineSummary", "build_routine_report", "write_routine_json",
           "history_record", "SCHEMA"]

SCHEMA = "posecheck.routine/1"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepOut(_M):
    exercise: str
    start_s: Optional[float]
    end_s: Optional[float]
    target: dict
    sets: list[SetOut]
    good_hold_s: float
    reps: int
    good_reps: int
    fault_s: dict[str, float]
    skipped: bool
    verdict: str = ""


class RoutineSummary(_M):
    steps: int
    steps_done: int
    steps_skipped: int
    good_hold_s: float
    reps: int
    good_reps: int
    fault_s: float
    duration_s: float
    planned_s: float
    ended_by: str


class RoutineReport(_M):
    schema_: str = Field(SCHEMA, alias="schema")
    routine: str
    title: str
    source: SourceMeta
    steps: list[StepOut]
    summary: RoutineSummary
    partial: bool = False

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(by_alias=True)


def build_routine_report(runner: RoutineRunner, partial: bool = False) -> RoutineReport:
    info = runner.info
    steps = []
    for st, rep in runner.step_reports():
        target = {"sets": st.step.sets, "rest_s": st.step.rest_s}
        target.update({"reps": st.step.reps} if st.step.reps is not None else {"hold_s": st.step.hold_s})
        if rep is None:
            steps.append(StepOut(exercise=st.spec.name, start_s=None, end_s=None, target=target, sets=[],
                                 good_hold_s=0.0, reps=0, good_reps=0, fault_s={}, skipped=True,
                                 verdict="skipped: not seen"))
            continue
        sm = rep.summary
        sets = [s for i, s in enumerate(rep.sets) if i not in st.ignored_sets]
        end = sets[-1].end_s if sets else st.end_s
        steps.append(StepOut(exercise=st.spec.name, start_s=r3(st.start_s), end_s=r3(end), target=target,
                             sets=sets, good_hold_s=sm.good_hold_s, reps=sm.reps, good_reps=sm.good_reps,
                             fault_s=sm.fault_s, skipped=False, verdict=sm.verdict))
    first = runner.first_t or 0.0
    duration = max(runner.t_s - first, 0.0) + (1.0 / info.fps if info.kind != "camera" and info.fps else 0.0)
    done = [s for s in steps if not s.skipped]
    summary = RoutineSummary(
        steps=len(steps), steps_done=len(done), steps_skipped=len(steps) - len(done),
        good_hold_s=r3(sum(s.good_hold_s for s in done)), reps=sum(s.reps for s in done),
        good_reps=sum(s.good_reps for s in done), fault_s=r3(sum(sum(s.fault_s.values()) for s in done)),
        duration_s=r3(duration), planned_s=r3(runner.routine.planned_s), ended_by=runner.ended_by)
    n = runner.n_frames
    source = SourceMeta(path=info.path, width=info.width, height=info.height, fps=round(info.fps, 4),
                        frames=n, duration_s=r3(duration), kind=info.kind, estimator=runner.estimator)
    return RoutineReport(routine=runner.routine.name, title=runner.routine.routine.title, source=source,
                         steps=steps, summary=summary, partial=partial)


def write_routine_json(report: RoutineReport, path: str | os.PathLike) -> None:
    """Atomically: an interrupted run leaves the old file (or none), never half a report."""
    with atomic_write(path) as f:
        json.dump(report.to_dict(), f, indent=1, allow_nan=False)


def history_record(report: RoutineReport, started_at: str) -> SessionRecord:
    parts = [Part(s.exercise, s.start_s, s.end_s, len(s.sets), s.good_hold_s, s.reps, s.good_reps,
                  r3(sum(s.fault_s.values())), dict(s.fault_s), s.skipped) for s in report.steps]
    return SessionRecord(kind="routine", started_at=started_at, parts=parts, exercise=report.routine,
                         routine=report.routine, source=report.source.path, duration_s=report.summary.duration_s,
                         ended_by=report.summary.ended_by)
