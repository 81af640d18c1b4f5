"""Builds the `posecheck.report/1` report of a finished session, with its plain-language verdict."""

from __future__ import annotations

from posecheck import words
from posecheck.core.evaluation import FrameResult
from posecheck.core.events import State
from posecheck.core.session import Session
from posecheck.core.specs import Spec
from posecheck.core.view import ViewReason
from posecheck.report.model import (
    CueRecord,
    FrameRecord,
    Grade,
    HoldOut,
    Report,
    RepOut,
    SetOut,
    SourceMeta,
    Summary,
    r3,
)
from posecheck.report.stream import frame_dict

__all__ = ["build_report", "verdict_of", "view_advice"]

# What to do about a view that kept measures from being judged (core/view.py reasons).
VIEW_ADVICE = "Place the camera square to your side, level with your body"
MIN_ADVICE_S = 0.5  # shorter trouble is not worth a sentence (a person turning round, a glitch)


def build_report(session: Session, partial: bool = False) -> Report:
    """The report of everything the session judged (closing what is still open at the end of the input)."""
    session.finish()
    ev = session.evaluator
    spec, info = session.spec, session.info
    n = session.n_frames
    last_t = session._prev_t or 0.0
    # Frame i covers [t_i, t_i + 1/fps); a still image has no duration. A part of a video (clip.mp4@3-9) lasts
    # from its first frame, not from the video's start.
    first_t = session.first.t_s if session.first is not None and "@" in info.path else 0.0
    duration = 0.0 if n == 0 or info.kind == "image" else \
        last_t - first_t + (0.0 if info.kind == "camera" else 1.0 / info.fps)
    source = SourceMeta(path=info.path, width=info.width, height=info.height, fps=round(info.fps, 4),
                        frames=n, duration_s=round(duration, 3), kind=info.kind, estimator=session.estimator,
                        detected_frames=session.n_detected)
    # Empty when the session did not keep its frames (they were streamed to the outputs as judged).
    frames = [FrameRecord.model_construct(**frame_dict(f)) for f in session.frames]
    holds = [HoldOut(start_s=r3(h.start_s), end_s=r3(h.end_s), good_s=r3(h.good_s)) for h in ev.holds]
    reps = [RepOut(start_s=r3(r.start_s), end_s=r3(r.end_s), good=r.good, faults=r.faults,
                   peak_deg=r3(r.peak_deg), top_s=r3(r.top_s), start_level_deg=r3(r.start_level_deg),
                   peak_level_deg=r3(r.peak_level_deg)) for r in ev.reps]
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
        state_s={k: r3(v) for k, v in session.state_s.items()})
    if _rarely_judged(summary):
        summary.camera_advice = session.camera_advice()
    if info.kind == "image" and session.first is not None:
        summary.grade, summary.verdict, summary.fix_first = _photo_verdict(spec, session.first,
                                                                           summary.camera_advice,
                                                                           session.view_reason())
    else:
        summary.grade, summary.verdict, summary.fix_first = verdict_of(spec, summary,
                                                                       session.view_reason(MIN_ADVICE_S))
    summary.view_advice = view_advice(session)
    cues = [CueRecord(t_s=r3(c.t_s), fault=c.fault, text=c.text, severity=c.severity) for c in session.said]
    return Report(exercise=spec.name, source=source, frames=frames, cues=cues, holds=holds, reps=reps,
                  sets=sets, summary=summary, partial=partial)


RARELY_JUDGED_SHARE = 0.5  # judged less than this share of the time with a person: say what the camera saw


def _rarely_judged(s: Summary) -> bool:
    judged = s.state_s.get(State.GOOD, 0.0) + s.state_s.get(State.FAULT, 0.0)
    waiting = sum(s.state_s.get(k, 0.0) for k in (State.SETUP, State.UNKNOWN, State.ABSENT))
    return judged <= 0 or judged < RARELY_JUDGED_SHARE * (judged + waiting)


def _photo_verdict(spec: Spec, frame: FrameResult, camera_advice: str | None,
                   view_reason: ViewReason | None = None) -> tuple[Grade, str, list[str]]:
    """A still image has no durations: its verdict is its one frame's state, with the cue when it is a fault,
    and why it is unknown when the view kept the verdict from being judged."""
    cues = [spec.cue_for(f) for f in frame.faults][:3]
    if frame.state == State.GOOD:
        return Grade.GOOD, words.photo_verdict(frame.state, spec), []
    if frame.state == State.FAULT:
        return Grade.NEEDS_WORK, words.photo_verdict(frame.state, spec, cues), cues
    why = view_reason if frame.state == State.UNKNOWN else None
    return Grade.NOT_JUDGED, words.photo_verdict(frame.state, spec, camera_advice=camera_advice,
                                                 view_reason=why), []


def _grade(s: Summary) -> Grade:
    """How the session went, from the share of judged time in a fault and the reps' verdicts."""
    judged = s.state_s.get(State.GOOD, 0.0) + s.state_s.get(State.FAULT, 0.0)
    if judged <= 0 and s.reps == 0:
        return Grade.NOT_JUDGED
    share = s.state_s.get(State.FAULT, 0.0) / judged if judged > 0 else 0.0
    if share < 0.05 and not s.rep_faults:
        return Grade.GOOD
    if share < 0.25 and s.good_reps >= s.reps / 2:
        return Grade.MOSTLY_GOOD
    return Grade.NEEDS_WORK


def _fix_first(spec: Spec, s: Summary) -> list[str]:
    """The three things to fix first: rep-level faults by count (a short rep is the thing to fix), then frame
    faults by time."""
    fixes: list[str] = []
    for fid, count in sorted(s.rep_faults.items(), key=lambda kv: -kv[1]):
        fixes.append(f"{spec.cue_for(fid)} ({count} rep{'s' if count != 1 else ''})")
    for fid, sec in sorted(s.fault_s.items(), key=lambda kv: -kv[1]):
        if fid not in s.rep_faults:
            fixes.append(f"{spec.cue_for(fid)} ({sec:.1f} s)")
    return fixes[:3]


def verdict_of(spec: Spec, s: Summary, view_reason: ViewReason | None = None) -> tuple[Grade, str, list[str]]:
    """The grade, a plain-language verdict and the faults to fix first (`view_reason`: why the view kept
    measures unknown, if it did: said when nothing was judged)."""
    grade = _grade(s)
    if grade == Grade.NOT_JUDGED:
        return grade, words.not_judged_verdict(spec, ever_in_setup=s.state_s.get(State.SETUP, 0.0) > 0,
                                               camera_advice=s.camera_advice, view_reason=view_reason), []
    return grade, words.verdict(grade, spec, s.good_hold_s, s.best_hold_s, s.good_reps, s.reps), _fix_first(spec, s)


def view_advice(session: Session) -> list[str]:
    """Sentences saying how to place the camera for the measures the view could not support (unknown, never a
    fault; core/view.py), with how long and why. (Framing while not judged: `summary.camera_advice`.)"""
    seen = sum(v for k, v in session.state_s.items() if k != State.ABSENT) or 1.0
    image = session.info.kind == "image"
    out = []
    by_reason: dict[str, dict[str, float]] = {}
    for (m, why), sec in session.view_unknown_s.items():
        by_reason.setdefault(why, {})[m] = sec
    for why, measures in sorted(by_reason.items(), key=lambda kv: -max(kv[1].values())):
        sec = max(measures.values())
        if image or sec >= MIN_ADVICE_S:
            names = ", ".join(sorted(measures, key=lambda m: -measures[m]))
            when = "" if image else f" for {sec:.1f} s ({100 * min(sec / seen, 1.0):.0f}% of the time)"
            out.append(f"{VIEW_ADVICE}: {names} could not be judged{when} because "
                       f"{words.view_reason_text(why)}")
    return out
