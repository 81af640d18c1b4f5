"""The HTML report of a scored session: one self-contained file that works offline.

No scripts, no fonts, no external style sheets: the page is `templates/report.html.j2` (through the shared
`templating` environment), its plots inline SVG drawn with `posecheck.report.svg`, snapshots JPEG data URIs.
Parts (each a <section> with an id, so tests and users can find them): `summary` (verdict, good hold against
the target, reps, what to fix first), `timeline` (states, faults, reps, holds, cues over time), `angles` (the
key measures over time, the allowed band shaded, faults marked), `holds-reps` (tables), `faults` (each
fault's worst moment, drawn), `cues`.

Long inputs stay small: plot lines are decimated to a min/max pair per pixel column, runs of equal state are
one rectangle each, snapshots are JPEGs at most 720 px wide.
"""

from __future__ import annotations

import base64
import math
import os
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from markupsafe import Markup

from posecheck.core.events import State
from posecheck.core.specs import Spec
from posecheck.io.atomic import atomic_write
from posecheck.render.snapshots import Snapshot
from posecheck.report.model import SCHEMA, Grade, RepOut, Report
from posecheck.report.svg import Scale, Svg, decimate, hline, path_d, time_axis, y_ticks
from posecheck.report.templating import (
    CUE_FILL,
    FAULT_FILL,
    HOLD_FILL,
    STATE_FILL,
    num,
    render,
)
from posecheck.words import STATE_WORDS

__all__ = ["render_html", "write_html"]

PLOT_W = 960  # SVG user units; the SVGs scale to the page width
LEFT = 190
RIGHT = 12
LINE = "#1f4e99"
BAND = "#2e8b3a"


# --- data from the report -------------------------------------------------------------------------------

class _Series:
    """The report's frames as arrays (times, state per frame, faults per frame, measures)."""

    def __init__(self, report: Report):
        frames = report.frames
        self.t = np.array([f.t_s for f in frames], dtype=float)
        src = report.source
        step = 1.0 / src.fps if src.fps > 0 else 0.0
        end = max(src.duration_s, (self.t[-1] + step) if len(self.t) else 0.0)
        self.t_end = np.append(self.t[1:], end) if len(self.t) else self.t
        self.duration = float(end)
        self.states = [State(f.state) for f in frames]
        self.faults = [set(f.faults) for f in frames]
        self._frames = frames

    def values(self, measure: str) -> np.ndarray:
        return np.array([np.nan if (v := f.angles_deg.get(measure)) is None else v for f in self._frames],
                        dtype=float)

    def runs(self, mask: Sequence[bool]) -> list[tuple[float, float]]:
        """Time spans where mask is true."""
        out: list[tuple[float, float]] = []
        start = None
        for i, m in enumerate(mask):
            if m and start is None:
                start = i
            elif not m and start is not None:
                out.append((self.t[start], self.t_end[i - 1]))
                start = None
        if start is not None:
            out.append((self.t[start], self.t_end[-1]))
        return out

    def state_runs(self) -> list[tuple[float, float, str]]:
        out: list[tuple[float, float, str]] = []
        for i, s in enumerate(self.states):
            if out and out[-1][2] == s:
                out[-1] = (out[-1][0], self.t_end[i], s)
            else:
                out.append((self.t[i], self.t_end[i], s))
        return out

    def time_scale(self) -> Scale:
        return Scale(0.0, max(self.duration, 1e-6), LEFT, PLOT_W - RIGHT)


_GRADE_CLASS = {Grade.GOOD: "v-good", Grade.MOSTLY_GOOD: "v-mostly", Grade.NEEDS_WORK: "v-work"}


def _band(spec: Spec, measure: str) -> tuple[float, float] | None:
    los = [c.min_deg for c in spec.checks if c.measure == measure and c.min_deg is not None]
    his = [c.max_deg for c in spec.checks if c.measure == measure and c.max_deg is not None]
    if not los and not his:
        return None
    return (max(los) if los else -math.inf, min(his) if his else math.inf)


def _rule(band: tuple[float, float]) -> str:
    lo, hi = band
    return (f"{lo:g} to {hi:g}" if math.isfinite(lo) and math.isfinite(hi) else
            f"at most {hi:g}" if math.isfinite(hi) else f"at least {lo:g}")


def _position_range(spec: Spec, measure: str) -> tuple[float | None, float | None] | None:
    for r in spec.position.require:
        if r.measure == measure:
            return (r.min_deg, r.max_deg)
    return None


# --- the timeline ---------------------------------------------------------------------------------------

def _timeline_svg(report: Report, spec: Spec, ser: _Series) -> Markup:
    x = ser.time_scale()
    fault_ids = [f for f in spec.fault_ids if any(f in fs for fs in ser.faults)]
    fault_ids += sorted({f for fs in ser.faults for f in fs} - set(fault_ids))
    checks = {c.id: c for c in spec.checks}
    rows = 1 + len(fault_ids) + bool(report.reps) + bool(report.holds) + bool(report.cues)
    row_h, gap, top = 22, 6, 8
    bottom = top + rows * (row_h + gap)
    svg = Svg(PLOT_W, bottom + 20, id="timeline-svg", role="img", aria_label="timeline of states and faults")
    time_axis(svg, x, bottom, bottom - top)
    y = top

    def label(text: str) -> None:
        short = text if len(text) <= 28 else text[:27] + "\u2026"  # the full name is in the tooltip
        svg.el("text", short, title=text, x=LEFT - 8, y=y + row_h / 2 + 4, text_anchor="end")

    label("state")
    for t0, t1, s in ser.state_runs():
        svg.el("rect", title=f"{STATE_WORDS.get(s, s)} {t0:.1f}-{t1:.1f} s", x=x(t0), y=y,
               width=max(x(t1) - x(t0), 0.6), height=row_h, fill=STATE_FILL.get(s, "#999"))
    y += row_h + gap
    for fid in fault_ids:
        label(fid.replace("_", " "))
        svg.el("rect", x=LEFT, y=y, width=x.span, height=row_h, fill="#f4f5f7")
        cue = checks[fid].cue if fid in checks else fid
        for t0, t1 in ser.runs([fid in fs for fs in ser.faults]):
            svg.el("rect", title=f"{cue} {t0:.1f}-{t1:.1f} s", class_="fault-span", data_fault=fid, x=x(t0), y=y,
                   width=max(x(t1) - x(t0), 0.8), height=row_h, fill=FAULT_FILL)
        y += row_h + gap
    if report.reps:
        label("reps")
        for i, r in enumerate(report.reps, 1):
            x0, x1 = x(r.start_s), x(r.end_s)
            verdict = "good" if r.good else ", ".join(r.faults)
            svg.el("rect", title=f"rep {i}: {r.start_s:.1f}-{r.end_s:.1f} s, {verdict}", x=x0, y=y,
                   width=max(x1 - x0, 1), height=row_h, rx=3, fill=STATE_FILL[State.GOOD] if r.good else FAULT_FILL,
                   stroke="#fff")
            if x1 - x0 > 14:
                svg.el("text", str(i), x=(x0 + x1) / 2, y=y + 15, text_anchor="middle", style="fill:#fff")
        y += row_h + gap
    if report.holds:
        label("holds")
        for i, h in enumerate(report.holds, 1):
            svg.el("rect", title=f"hold {i}: {h.start_s:.1f}-{h.end_s:.1f} s, {h.good_s:.1f} s good",
                   x=x(h.start_s), y=y + 4, width=max(x(h.end_s) - x(h.start_s), 1), height=row_h - 8, rx=3,
                   fill=HOLD_FILL)
        y += row_h + gap
    if report.cues:
        label("cues")
        for c in report.cues:
            svg.el("path", title=f"{c.t_s:.1f} s: {c.text}",
                   d=f"M{x(c.t_s):.1f},{y + 3}l-6,0l6,{row_h - 6}l6,-{row_h - 6}z", fill=CUE_FILL)
    return svg.markup()


# --- the angle plots ------------------------------------------------------------------------------------

def _rep_levels(spec: Spec, reps: Sequence[RepOut], t0: float, t1: float) -> list[tuple[float, float, float, float]]:
    """(from s, to s, start level, peak level) runs: the levels the reps were counted against, which move with the
    person's own rest (a bridge's pelvis-down level, cat/cow's resting back), one run per stretch of reps that
    share them. Levels that cannot move are the spec's over the whole plot; moving ones unknown (no rep, or a
    report from before reps carried them) are not drawn: the spec's would sit where this person never was."""
    r = spec.reps
    if r is None:
        return []
    if r.rest_deg is None and r.rest_margin_deg is None:
        return [(t0, t1, r.start_deg, r.peak_deg)]
    runs: list[tuple[float, float, float, float]] = []
    for rep in reps:
        if rep.start_level_deg is None or rep.peak_level_deg is None:
            continue
        levels = (rep.start_level_deg, rep.peak_level_deg)
        # Within a degree is the same line (a bridge's rest reads 139.8 then 139.5).
        if runs and all(abs(a - b) <= 1.0 for a, b in zip(runs[-1][2:], levels)):
            runs[-1] = (runs[-1][0], rep.end_s, *runs[-1][2:])
        else:
            runs.append((rep.start_s, rep.end_s, *levels))
    return runs


def _plot(spec: Spec, ser: _Series, measure: str, snaps: dict[str, Snapshot], reps: Sequence[RepOut] = ()) -> dict:
    """One measure over time: the allowed band, the position's limits, the rep levels, fault spans, worst
    moments. Returns the template's `plot` (svg None: never measured)."""
    v = ser.values(measure)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return {"measure": measure, "svg": None, "what": ""}
    band = _band(spec, measure)
    pos = _position_range(spec, measure)
    reps_here = spec.reps is not None and spec.reps.measure == measure
    levels = _rep_levels(spec, reps, float(ser.t[0]), float(ser.t[-1])) if reps_here else []
    lo, hi = float(np.percentile(finite, 0.5)), float(np.percentile(finite, 99.5))
    # Bounds near the data widen the plot so that they show; one far away (a catch-all limit) does not.
    for b in ([*band] if band else []) + ([p for p in pos if p is not None] if pos else []) + \
            [lv for run in levels for lv in run[2:]]:
        if math.isfinite(b) and lo - 40 <= b <= hi + 40:
            lo, hi = min(lo, b), max(hi, b)
    pad = max((hi - lo) * 0.08, 2.0)
    lo, hi = lo - pad, hi + pad
    ph, top = 170, 10
    bottom = top + ph
    # A rep measure that falls toward its top (the bridge's hip_sag: the hips below their line) is drawn with its
    # axis reversed, so that a lift goes up the plot as the hips do.
    falls = reps_here and spec.reps.direction < 0
    x, y = ser.time_scale(), (Scale(lo, hi, top, bottom) if falls else Scale(lo, hi, bottom, top))
    right = LEFT + x.span
    svg = Svg(PLOT_W, bottom + 22, class_="angle-plot", data_measure=measure, role="img",
              aria_label=f"{measure} over time")
    svg.el("rect", x=LEFT, y=top, width=x.span, height=ph, fill="#fbfcfd", stroke="#e1e5eb")
    # Time not judged (not in position, nobody in view) is greyed.
    for t0, t1 in ser.runs([s in (State.SETUP, State.ABSENT) for s in ser.states]):
        svg.el("rect", title=f"not judged {t0:.1f}-{t1:.1f} s", x=x(t0), y=top, width=max(x(t1) - x(t0), 0.6),
               height=ph, fill="#eceef1")
    if band:
        b0 = y(band[1]) if math.isfinite(band[1]) else y.r1
        b1 = y(band[0]) if math.isfinite(band[0]) else y.r0
        b0, b1 = min(b0, b1), max(b0, b1)  # the axis may be reversed
        svg.el("rect", class_="allowed-band", x=LEFT, y=b0, width=x.span, height=max(b1 - b0, 0.5), fill="#3cb44b",
               fill_opacity=0.16)
        for bound in band:
            if math.isfinite(bound) and lo <= bound <= hi:
                hline(svg, LEFT, right, y(bound), BAND, num(bound), stroke_width=1)
            elif math.isfinite(bound):
                # Far off the plot (a lenient limit): a line at the edge would read as the limit; say where it is.
                above = y(bound) <= top  # where it would be drawn (the axis may be reversed)
                svg.el("text", f"limit {num(bound)} {'above' if above else 'below'} the plot", class_="off-plot-limit",
                       x=right - 4, y=top + 12 if above else bottom - 4, text_anchor="end", style=f"fill:{BAND}")
    for bound in pos or ():
        if bound is not None and lo <= bound <= hi:
            hline(svg, LEFT, right, y(bound), "#8a94a3", f"position {num(bound)}", dash="5 4", at_end=False,
                  label_colour="#6b7480")
    for i, (t0, t1, start, peak) in enumerate(levels):
        x0, x1 = (LEFT, right) if len(levels) == 1 else (x(t0), max(x(t1), x(t0) + 1))
        names = spec.reps.names or ("rep start", "rep top")
        for name, bound in zip(names, (start, peak)):
            # Labelled where the levels first show and wherever they moved: the rest of a run is its line.
            hline(svg, x0, x1, y(bound), HOLD_FILL, f"{name} {num(bound)}" if i == 0 or x1 - x0 > 90 else "",
                  dash="2 3", at_end=len(levels) == 1)
    # Faults judged on this measure: red spans behind the line, the line red while they are on.
    mine = [c.id for c in spec.checks if c.measure == measure]
    if reps_here:
        mine += [f for f in (spec.reps.short_fault, spec.tempo.fault if spec.tempo else None) if f]
    fault_mask = np.array([bool(fs & set(mine)) for fs in ser.faults])
    for t0, t1 in ser.runs(fault_mask):
        svg.el("rect", class_="fault-span", x=x(t0), y=top, width=max(x(t1) - x(t0), 0.8), height=ph,
               fill=FAULT_FILL, fill_opacity=0.13)
    y_ticks(svg, y, LEFT)
    time_axis(svg, x, bottom, 0)
    svg.el("path", class_="angle-line", d=path_d(decimate(ser.t, v, x), y), fill="none", stroke=LINE,
           stroke_width=1.6, stroke_linejoin="round")
    if fault_mask.any():
        svg.el("path", class_="fault-line", d=path_d(decimate(ser.t, np.where(fault_mask, v, np.nan), x), y),
               fill="none", stroke=FAULT_FILL, stroke_width=2.4, stroke_linejoin="round")
    for fid in mine:
        snap = snaps.get(fid)
        if snap is not None and snap.value_deg == snap.value_deg:
            svg.el("circle", title=f"worst {fid}: {snap.value_deg:.0f} at {snap.t_s:.1f} s", class_="worst",
                   cx=x(snap.t_s), cy=y(snap.value_deg), r=5, fill="#fff", stroke=FAULT_FILL, stroke_width=2.5)
    mid = top + ph / 2
    svg.el("text", "degrees", x=14, y=mid, transform=f"rotate(-90 14 {mid:.1f})", text_anchor="middle")
    what = []
    if band:
        what.append(f"green band: allowed ({_rule(band)} deg)")
    if levels and (spec.reps.rest_deg is not None or spec.reps.rest_margin_deg is not None):
        what.append("dotted: the levels the reps were counted against, from this person's own rest")
    if falls:
        what.append("axis reversed: up is toward the top of a rep")
    if mine:
        what.append("red: " + ", ".join(m.replace("_", " ") for m in mine) + " on")
    if pos:
        what.append("dashed: the position's limits")
    what.append("grey: not judged")
    return {"measure": measure, "svg": svg.markup(), "what": "; ".join(what)}


# --- the other parts ------------------------------------------------------------------------------------

def _faults(report: Report, spec: Spec, snapshots: Sequence[Snapshot] | None, still: bool) -> list[dict]:
    """Every fault that happened, the spec's order first, with its worst moment's picture when there is one.
    A photo has no durations: its faults are those of its one frame."""
    s = report.summary
    if still:
        happened = set(report.frames[0].faults) if report.frames else set()
    else:
        happened = set(s.fault_s) | set(s.rep_faults)
    seen = [f for f in spec.fault_ids if f in happened]
    seen += sorted(happened - set(seen))
    snaps = {sn.fault: sn for sn in snapshots or []}
    checks = {c.id: c for c in spec.checks}
    out = []
    for fid in seen:
        snap = snaps.get(fid)
        took, count = s.fault_s.get(fid), s.rep_faults.get(fid)
        how_much = ("in the photo" if still else f"{took:.1f} s in total" if took else
                    f"{count} rep{'s' if count != 1 else ''}" if count else "")
        fig = {"id": fid, "cue": checks[fid].cue if fid in checks else (snap.cue if snap else fid),
               "how_much": how_much, "snap": snap, "src": "", "value": ""}
        if snap is not None:
            fig["src"] = "data:image/jpeg;base64," + base64.b64encode(snap.jpeg).decode("ascii")
            if snap.measure and snap.value_deg == snap.value_deg:
                fig["value"] = f"{snap.measure} {snap.value_deg:.0f} deg"
        out.append(fig)
    return out


def _still(report: Report, spec: Spec) -> dict | None:
    """A still image has no timeline: its state and angles against the allowed ranges instead."""
    if not report.frames:
        return None
    f = report.frames[0]
    judged = State(f.state) in (State.GOOD, State.FAULT, State.UNKNOWN)
    rows = []
    for m in spec.key_measures:
        v, band, pos = f.angles_deg.get(m), _band(spec, m), _position_range(spec, m)
        if band:
            # Checks judge only in position: out of position, a check's range says nothing.
            ok = "" if v is None or not judged else "ok" if band[0] <= v <= band[1] else "bad"
            rule = _rule(band)
        elif pos:
            # A position measure: outside its range is not a fault, it is not being in the exercise position.
            lo, hi = (-math.inf if pos[0] is None else pos[0]), (math.inf if pos[1] is None else pos[1])
            ok, rule = ("" if v is None else "ok" if lo <= v <= hi else "out"), f"position: {_rule((lo, hi))}"
        else:
            ok, rule = "", ""
        rows.append({"measure": m, "value": v, "rule": rule, "ok": ok})
    return {"state": State(f.state), "faults": f.faults, "rows": rows}


EMBED_VIDEO_MAX_BYTES = 16_000_000  # a larger annotated video is linked (the file beside the page), not embedded


def _video(video: str | os.PathLike | None, page: str | os.PathLike | None, width: int) -> dict | None:
    """The annotated video for the page: inside it as a data: URL when small enough, else a relative link."""
    if video is None:
        return None
    v = Path(video)
    if v.suffix.lower() not in (".mp4", ".m4v", ".mov"):
        return None  # browsers play H.264 MP4; an .avi or a still image is not shown
    if v.stat().st_size <= EMBED_VIDEO_MAX_BYTES:
        src = "data:video/mp4;base64," + base64.b64encode(v.read_bytes()).decode("ascii")
        return {"src": src, "embedded": True, "name": v.name, "width": width}
    rel = os.path.relpath(v.resolve(), Path(page).resolve().parent) if page else v.name
    return {"src": Path(rel).as_posix(), "embedded": False, "name": v.name, "width": width}


def render_html(report: Report, spec: Spec, snapshots: Iterable[Snapshot] | None = None, *,
                video: str | os.PathLike | None = None, page: str | os.PathLike | None = None) -> str:
    """The report as one self-contained HTML page (no scripts, no network). `video`: the annotated video to
    show in it (`page`, where the page will be written, makes a link to a large video relative)."""
    snaps_list = list(snapshots) if snapshots is not None else None
    snaps = {s.fault: s for s in snaps_list or []}
    s, src = report.summary, report.source
    ctx: dict = {"report": report, "spec": spec, "s": s, "src": src, "schema": SCHEMA,
                 "title": f"{spec.title}: {os.path.basename(src.path) or src.path}",
                 "verdict_class": _GRADE_CLASS.get(s.grade, "v-none"), "detection": report.detection,
                 "hold_max_s": spec.hold.max_s if spec.hold else None,
                 "show_reps": spec.reps is not None or bool(s.reps),
                 "rep_target": spec.reps.target if spec.reps else None,
                 "fault_s": s.state_s.get(State.FAULT, 0.0),
                 "judged_s": s.state_s.get(State.GOOD, 0.0) + s.state_s.get(State.FAULT, 0.0),
                 "video": _video(video, page, min(report.source.width, 960))}
    # The meter shows the best single hold: the target is reached by one hold, not by several added up.
    ctx["hold_pct"] = num(100 * min(s.best_hold_s / s.target_s, 1.0), 0) if s.target_s else "0"
    ctx["rep_pct"] = num(100 * min(s.good_reps / ctx["rep_target"], 1.0), 0) if ctx["rep_target"] else "0"
    ctx["still_mode"] = src.kind == "image" or len(report.frames) <= 1
    ctx["still"] = _still(report, spec) if ctx["still_mode"] else None
    ctx["faults"] = _faults(report, spec, snaps_list, still=src.kind == "image")
    if not ctx["still_mode"]:
        ser = _Series(report)
        judged = [c.measure for c in spec.checks] + ([spec.reps.measure] if spec.reps else [])
        ctx["timeline_svg"] = _timeline_svg(report, spec, ser)
        ctx["plots"] = [_plot(spec, ser, m, snaps, report.reps) for m in spec.key_measures if m in judged]
        ctx["more_plots"] = [_plot(spec, ser, m, snaps, report.reps) for m in spec.key_measures if m not in judged]
        ctx["hold_target"] = spec.hold.target_s if spec.hold else None
        ctx["hold_reached"] = [spec.hold.reached(h.good_s) for h in report.holds] if spec.hold else []
        ctx["rep_names"] = spec.reps.names if spec.reps else None
    return render("report.html.j2", **ctx)


def write_html(report: Report, spec: Spec, path: str | os.PathLike,
               snapshots: Iterable[Snapshot] | None = None, video: str | os.PathLike | None = None) -> None:
    """Writes the HTML report atomically; `video`, an annotated video already written, is shown in it."""
    text = render_html(report, spec, snapshots, video=video, page=path)
    with atomic_write(path) as f:
        f.write(text)
