"""The end of a live session: one report over the sets (and resets), and its summary lines."""

from __future__ import annotations

from dataclasses import dataclass

from posecheck.core.specs import Spec
from posecheck.live.coach import LiveEvent
from posecheck.live.stats import LiveStats
from posecheck.report.build import verdict_of
from posecheck.report.model import Report, Summary, r3
from posecheck.words import fault_words

__all__ = ["LiveResult", "merge_reports", "summary_lines"]


@dataclass
class LiveResult:
    report: Report
    events: list[LiveEvent]
    stats: LiveStats
    ended_by: str  # "end of input" | "quit" | "interrupted" | "camera stopped"
    sets_reset: int = 0


def merge_reports(spec: Spec, reports: list[Report], reset_in_set: list[bool] | None = None) -> Report:
    """One report for a session that was reset ('r') into several segments, each judged by its own Session.

    The segments share one clock, so frames, cues, holds, reps and sets are concatenated; a set that was in
    progress when it was reset is kept (it was exercised) and marked `"reset": true`. Without resets this is
    the single segment's report, exactly as `posecheck score` makes it.
    """
    if len(reports) == 1:
        return reports[0]
    reset_in_set = reset_in_set or []
    frames, cues, holds, reps, sets = [], [], [], [], []
    fault_s: dict[str, float] = {}
    rep_faults: dict[str, int] = {}
    state_s: dict[str, float] = {}
    for i, r in enumerate(reports):
        frames += r.frames
        cues += r.cues
        holds += r.holds
        reps += r.reps
        for j, s in enumerate(r.sets):
            if i < len(reports) - 1 and j == len(r.sets) - 1 and i < len(reset_in_set) and reset_in_set[i]:
                s = s.model_copy(update={"reset": True})
            sets.append(s)
        for k, v in r.summary.fault_s.items():
            fault_s[k] = r3(fault_s.get(k, 0.0) + v)
        for k, v in r.summary.rep_faults.items():
            rep_faults[k] = rep_faults.get(k, 0) + v
        for k, v in r.summary.state_s.items():
            state_s[k] = r3(state_s.get(k, 0.0) + v)
    last = reports[-1]
    summary = Summary(
        good_hold_s=r3(sum(h.good_s for h in holds)), reps=len(reps), good_reps=sum(1 for r in reps if r.good),
        fault_s=fault_s, target_s=last.summary.target_s, best_hold_s=r3(max((h.good_s for h in holds), default=0.0)),
        rep_faults=rep_faults, state_s=state_s)
    summary.grade, summary.verdict, summary.fix_first = verdict_of(spec, summary)
    # Counted, not len(frames): a session that streamed its frames to the report keeps none.
    source = last.source.model_copy(update={"frames": sum(r.source.frames for r in reports),
                                            "detected_frames": sum(r.source.detected_frames or 0 for r in reports)})
    return Report(exercise=last.exercise, source=source, frames=frames, cues=cues, holds=holds, reps=reps,
                  sets=sets, summary=summary, partial=last.partial)


def summary_lines(result: LiveResult, spec: Spec) -> list[str]:
    """The session summary printed on exit: per set the good hold time, reps, faults and their times."""
    r = result.report
    lines = [f"Session summary: {spec.title}, {len(r.sets)} set{'s' if len(r.sets) != 1 else ''} "
             f"({result.ended_by})"]
    if not r.sets:
        lines.append("  No set: the person was never in position" if r.source.frames else "  No frames were judged")
    prev_end = None
    for i, s in enumerate(r.sets, 1):
        if prev_end is not None:
            lines.append(f"  rest {s.start_s - prev_end:.1f} s")
        prev_end = s.end_s
        parts = []
        if spec.hold is not None and spec.hold.at == "position":
            reached = " (target reached)" if spec.hold.reached(s.good_s) else f" of {spec.hold.target_s:g} s"
            parts.append(f"good hold {s.good_s:.1f} s{reached}")
        if spec.reps is not None:
            parts.append(f"reps {s.reps} ({s.good_reps} good)")
        mark = " [reset]" if getattr(s, "reset", False) else ""
        lines.append(f"  Set {i}{mark}: {s.start_s:.1f}-{s.end_s:.1f} s, " + ", ".join(parts))
        if not s.fault_s:
            lines.append("    no form faults")
        for fid, sec in sorted(s.fault_s.items(), key=lambda kv: -kv[1]):
            times = [c.t_s for c in r.cues if c.fault == fid and s.start_s - 1e-6 <= c.t_s <= s.end_s + 1e-6]
            said = f"; cued at {', '.join(f'{t:.1f}' for t in times)} s" if times else ""
            lines.append(f"    {fault_words(spec, [fid])}: {sec:.1f} s{said}")
    sm = r.summary
    if sm.verdict:
        lines.append(f"Verdict: {sm.verdict}")
    for fix in sm.fix_first:
        lines.append(f"  fix first: {fix}")
    lines.append("Speed: " + result.stats.text())
    return lines
