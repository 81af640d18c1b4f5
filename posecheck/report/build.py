"""Builds the `posecheck.report/1` report of a finished session, with its plain-language verdict."""

from __future__ import annotations

from posecheck.core.evaluation import FrameResult
from posecheck.core.session import Session
from posecheck.core.specs import Spec
from posecheck.report.model import (
    CueRecord,
    FrameRecord,
    HoldOut,
    Report,
    RepOut,
    SetOut,
    SourceMeta,
    Summary,
    r3,
)

__all__ = ["build_report"]


def build_report(session: Session, partial: bool = False) -> Report:
    """The report of everything the session judged (closing what is still open at the end of the input)."""
    session.finish()
    ev = session.evaluator
    spec, info = session.spec, session.info
    n = session.n_frames
    last_t = session.frames[-1].t_s if session.frames else (session._prev_t or 0.0)
    # Frame i covers [t_i, t_i + 1/fps); a still image has no duration.
    duration = 0.0 if n == 0 or info.kind == "image" else last_t + (0.0 if info.kind == "camera" else 1.0 / info.fps)
    source = SourceMeta(path=info.path, width=info.width, height=info.height, fps=round(info.fps, 4),
                        frames=n, duration_s=round(duration, 3), kind=info.kind, estimator=session.estimator)
    frames = [FrameRecord.model_construct(
        t_s=round(f.t_s, 4), detected=f.detected, side=f.side, state=f.state, faults=list(f.faults),
        angles_deg={k: (None if v != v else round(v, 1)) for k, v in f.angles.items()})
        for f in session.frames]
    holds = [HoldOut(start_s=r3(h.start_s), end_s=r3(h.end_s), good_s=r3(h.good_s)) for h in ev.holds]
    reps = [RepOut(start_s=r3(r.start_s), end_s=r3(r.end_s), good=r.good, faults=r.faults,
                   peak_deg=r3(r.peak_deg), top_s=r3(r.top_s)) for r in ev.reps]
    sets = [SetOut(start_s=r3(s.start_s), end_s=r3(s.end_s),
                   good_s=r3(sum(h.good_s for h in ev.holds if s.start_s <= h.start_s <= s.end_s + 1e-6)),
                   reps=s.reps, good_reps=s.good_reps, fault_s={k: r3(v) for k, v in s.faults.items()})
            for s in ev.sets]
    fault_s = {k: r3(v) for k, v in ev.fault_s.items() if v > 0}
    rep_faults: dict[str, int] = {}
    for r in ev.reps:
        for f in r.faults:
            rep_faults[f] = rep_faults.get(f, 0) + 1
    good_hold = sum(h.good_s for h in ev.holds)
    summary = Summary(
        good_hold_s=r3(good_hold), reps=len(ev.reps), good_reps=sum(1 for r in ev.reps if r.good),
        fault_s=fault_s, target_s=spec.hold.target_s if spec.hold else None,
        best_hold_s=r3(max((h.good_s for h in ev.holds), default=0.0)), rep_faults=rep_faults,
        state_s={k: r3(v) for k, v in session._state_s.items()})
    if info.kind == "image" and session.frames:
        summary.verdict, summary.fix_first = _photo_verdict(spec, session.frames[0])
    else:
        summary.verdict, summary.fix_first = _verdict(spec, summary, n)
    cues = [CueRecord(t_s=r3(c.t_s), fault=c.fault, text=c.text, severity=c.severity) for c in session.said]
    return Report(exercise=spec.name, source=source, frames=frames, cues=cues, holds=holds, reps=reps,
                  sets=sets, summary=summary, partial=partial)


def _photo_verdict(spec: Spec, frame: FrameResult) -> tuple[str, list[str]]:
    """A still image has no durations: its verdict is its one frame's state."""
    cues = {c.id: c.cue for c in spec.checks}
    if frame.state == "good":
        return f"Good form (one photo of a {spec.title.lower()})", []
    if frame.state == "fault":
        return "Form needs work (one photo)", [cues.get(f, f.replace("_", " ")) for f in frame.faults][:3]
    if frame.state == "setup":
        return f"not recognised as {spec.title.lower()}: the person is not in position", []
    if frame.state == "unknown":
        return "cannot judge: not enough of the body is visible", []
    return "no person in the photo", []


def _verdict(spec: Spec, s: Summary, n_frames: int) -> tuple[str, list[str]]:
    """A plain-language verdict and the faults to fix first (most time or most reps first)."""
    def cue_of(fid: str) -> str:
        for c in spec.checks:
            if c.id == fid:
                return c.cue
        if spec.reps and fid == spec.reps.short_fault and spec.reps.short_cue:
            return spec.reps.short_cue
        if spec.tempo and fid == spec.tempo.fault:
            return spec.tempo.cue
        return fid.replace("_", " ")

    fixes: list[str] = []
    # Rep-level faults first by count (a short rep is the thing to fix), then frame faults by time.
    for fid, count in sorted(s.rep_faults.items(), key=lambda kv: -kv[1]):
        fixes.append(f"{cue_of(fid)} ({count} rep{'s' if count != 1 else ''})")
    for fid, sec in sorted(s.fault_s.items(), key=lambda kv: -kv[1]):
        if fid not in s.rep_faults:
            fixes.append(f"{cue_of(fid)} ({sec:.1f} s)")
    fixes = fixes[:3]
    judged = s.state_s.get("good", 0.0) + s.state_s.get("fault", 0.0)
    if judged <= 0 and s.reps == 0:
        if s.state_s.get("setup", 0.0) > 0:
            return f"not recognised as {spec.title.lower()}: the person was never in position", []
        return "no person was judged (nobody in view, or not enough of the body visible)", []
    fault_total = s.state_s.get("fault", 0.0)
    share = fault_total / judged if judged > 0 else 0.0
    parts = []
    if spec.hold is not None and spec.hold.at == "position":
        reached = s.best_hold_s >= spec.hold.target_s
        parts.append(f"{s.good_hold_s:.1f} s of good form" +
                     (" - target reached" if reached else f" of the {spec.hold.target_s:g} s target"))
    if spec.reps is not None:
        parts.append(f"{s.good_reps} of {s.reps} reps good")
    if share < 0.05 and not s.rep_faults:
        head = "Good form"
    elif share < 0.25 and s.good_reps >= s.reps / 2:
        head = "Mostly good form"
    else:
        head = "Form needs work"
    return f"{head}: " + "; ".join(parts) if parts else head, fixes
