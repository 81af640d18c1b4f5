"""The report of a session (a contract: `posecheck.report/1`), its summary text, and writing it atomically.

Built from the evaluator's per-frame results at the end of a session; validated with pydantic, so a report
read back from JSON is checked the same way.
"""

from __future__ import annotations

from posecheck import words
from posecheck.core.specs import Spec
from posecheck.report.model import Report

__all__ = ["fmt_s", "summary_text"]


def fmt_s(x: float) -> str:
    return f"{x:.1f} s"


def _fault(fid: str) -> str:
    return words.fault_words(None, [fid])


def summary_text(report: Report, titles: dict[str, str] | None = None, spec: Spec | None = None) -> str:
    """The readable summary printed by `posecheck score`, in words (the report's data keeps the ids and
    measure names). With the `spec`, a photo's summary names the spec's own measures only."""
    s, src = report.summary, report.source
    lines = [f"{report.exercise}: {src.path} ({src.frames} frames, {src.duration_s:.1f} s, "
             f"{src.width}x{src.height} @ {src.fps:g} fps)" + ("  [PARTIAL: interrupted]" if report.partial else "")]
    if s.verdict:
        lines.append(f"Verdict: {s.verdict}")
    if src.model_frames is not None and src.model_frames < src.frames:
        lines.append(f"Pose model run on {src.model_frames} of {src.frames} frames (the body was still in between: "
                     "poses interpolated; --every-frame for all)")
    if s.camera_advice and s.grade != "not_judged":
        # Judged, but little: the rest of the time the camera saw this (the not-judged verdict says it already).
        lines.append(f"Judged only part of the time; the camera's advice: {s.camera_advice}")
    if src.kind == "image" and report.frames:
        f = report.frames[0]
        lines.append(f"Still image: {words.state_word(f.state)}" +
                     (f" ({words.fault_words(spec, f.faults)})" if f.faults else ""))
        for fix in s.fix_first:
            lines.append(f"  fix first: {fix}")
        names = _measures_of(spec) if spec is not None else list(f.angles_deg)
        known = [(k, f.angles_deg[k]) for k in names if f.angles_deg.get(k) is not None]
        if known:
            lines.append("Seen: " + ", ".join(words.measure_phrase(k, v) for k, v in known))
        return "\n".join(lines + _view_lines(s))
    if s.target_s is not None:
        lines.append(f"Good-form hold: {fmt_s(s.good_hold_s)} (target {s.target_s:g} s; best single hold "
                     f"{fmt_s(s.best_hold_s)})")
    if report.reps or s.reps:
        lines.append(f"Reps: {s.reps} ({s.good_reps} good)")
        for i, r in enumerate(report.reps, 1):
            verdict = "good" if r.good else words.fault_words(spec, r.faults)
            lines.append(f"  rep {i}: {r.start_s:.1f}-{r.end_s:.1f} s  {verdict}")
    if s.fault_s:
        lines.append("Time in each fault:")
        for f, sec in sorted(s.fault_s.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {_fault(f)}: {fmt_s(sec)}")
    else:
        lines.append("No form faults.")
    st = s.state_s
    if st:
        lines.append("Time by state: " + ", ".join(f"{words.state_word(k)} {v:.1f} s" for k, v in st.items()
                                                   if v > 0))
    if report.cues:
        lines.append("Cues:")
        for c in report.cues:
            lines.append(f"  {c.t_s:6.1f} s  {c.text}")
    lines += _view_lines(s)
    return "\n".join(lines)


def _measures_of(spec: Spec) -> list[str]:
    """The measures a spec judges, in its order: its checks', then its reps'."""
    names = [c.measure for c in spec.checks] + ([spec.reps.measure] if spec.reps else [])
    return list(dict.fromkeys(names))


def _view_lines(s) -> list[str]:
    return ["Camera:"] + [f"  {c}" for c in s.view_advice] if s.view_advice else []
