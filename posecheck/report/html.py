"""The HTML report of a scored session: one self-contained file that works offline.

No scripts, no fonts, no external style sheets: inline CSS, inline SVG plots drawn here, snapshots as JPEG
data URIs. Parts (each a <section> with an id, so tests and users can find them): `summary` (verdict, good
hold against the target, reps, what to fix first), `timeline` (states, faults, reps, holds, cues over time),
`angles` (the key measures over time, the allowed band shaded, faults marked), `holds-reps` (tables),
`faults` (each fault's worst moment, drawn), `cues`.

Long inputs stay small: plot lines are decimated to a min/max pair per pixel column, runs of equal state are
one rectangle each, snapshots are JPEGs at most 720 px wide.
"""

from __future__ import annotations

import base64
import html
import math
import os
from typing import Iterable, Sequence

import numpy as np

from posecheck.core.events import State
from posecheck.core.specs import Spec
from posecheck.io.atomic import atomic_write
from posecheck.render.snapshots import Snapshot
from posecheck.report.model import SCHEMA, Grade, Report
from posecheck.version import __version__
from posecheck.words import STATE_WORDS

__all__ = ["render_html", "write_html"]

PLOT_W = 960  # SVG user units; the SVGs scale to the page width
LEFT = 190
RIGHT = 12

STATE_FILL = {State.GOOD: "#3cb44b", State.FAULT: "#e6194b", State.SETUP: "#b0b0b0", State.UNKNOWN: "#f0a30a",
              State.ABSENT: "#5a5a5a"}
FAULT_FILL = "#e6194b"

_CSS = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;
  background:#f3f5f8;margin:0;padding:24px}
main{max-width:1060px;margin:0 auto}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px}
.src{color:#5b6472;font-size:13px;margin-bottom:18px;word-break:break-all}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:18px 20px;
  margin-bottom:18px}
.verdict{font-size:22px;font-weight:600;padding:10px 14px;border-radius:8px;margin-bottom:14px}
.v-good{background:#e3f5e5;color:#1b6b26}.v-mostly{background:#fff3d6;color:#7a5300}
.v-work{background:#fde4e8;color:#8c1026}.v-none{background:#eceff3;color:#3d4653}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:14px}
.tile{flex:1 1 180px;border:1px solid #e1e5eb;border-radius:8px;padding:10px 12px}
.tile .k{font-size:12px;color:#5b6472;text-transform:uppercase;letter-spacing:.04em}
.tile .v{font-size:24px;font-weight:650}
.tile .s{font-size:13px;color:#5b6472}
.meter{height:8px;background:#e6e9ee;border-radius:4px;overflow:hidden;margin-top:6px}
.meter>div{height:100%;background:#3cb44b}
.fix ol{margin:4px 0 0 0;padding-left:22px}.fix li{margin:2px 0}
.partial{background:#fde4e8;color:#8c1026;padding:8px 12px;border-radius:6px;margin-bottom:12px}
.note{color:#5b6472;font-size:13px}
svg{display:block;width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:#3d4653}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;color:#3d4653;margin:6px 0 0}
.legend span::before{content:"";display:inline-block;width:12px;height:12px;border-radius:2px;
  margin-right:5px;vertical-align:-1px;background:var(--c)}
.plot{margin-bottom:16px}
details summary{cursor:pointer;color:#1f4e99;margin:4px 0 10px}
.plot h3{font-size:15px;margin:0 0 2px}
.plot p{margin:0 0 4px;font-size:13px;color:#5b6472}
table{border-collapse:collapse;width:100%;font-size:14px;margin-bottom:12px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ee}
th{font-weight:600;color:#3d4653;background:#f7f8fa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b0102e;font-weight:600}.ok{color:#1b6b26;font-weight:600}
.snaps{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px}
figure{margin:0;border:1px solid #e1e5eb;border-radius:8px;overflow:hidden;background:#fafbfc}
figure img{display:block;width:100%;height:auto}
figcaption{padding:8px 12px;font-size:14px}
figcaption b{display:block;font-size:15px}
footer{color:#7a8391;font-size:12px;text-align:center;margin:8px 0 24px}
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _f(x: float, nd: int = 1) -> str:
    return f"{x:.{nd}f}".rstrip("0").rstrip(".") if nd else f"{x:.0f}"


def _nice_step(span: float, target: int) -> float:
    raw = max(span, 1e-9) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


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
        self.states = [f.state for f in frames]
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


class _X:
    """Time -> x in the plot area."""

    def __init__(self, duration: float):
        self.d = max(duration, 1e-6)
        self.w = PLOT_W - LEFT - RIGHT

    def __call__(self, t: float) -> float:
        return LEFT + self.w * min(max(t / self.d, 0.0), 1.0)


def _time_axis(x: _X, y: float, height: float) -> str:
    step = _nice_step(x.d, 10)
    parts = []
    t = 0.0
    while t <= x.d + 1e-9:
        xx = x(t)
        parts.append(f'<line x1="{xx:.1f}" y1="{y - height:.1f}" x2="{xx:.1f}" y2="{y:.1f}" stroke="#eef0f3"/>'
                     f'<text x="{xx:.1f}" y="{y + 14:.1f}" text-anchor="middle">{_f(t, 1)} s</text>')
        t += step
    return "".join(parts)


def _decimate(t: np.ndarray, v: np.ndarray, x: _X) -> list[list[tuple[float, float]]]:
    """Polylines (split at unknown values) with at most a min and a max point per pixel column."""
    cols = np.floor((np.array([x(tt) for tt in t]) - LEFT)).astype(int) if len(t) else np.array([], int)
    lines: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    i, n = 0, len(t)
    while i < n:
        if v[i] != v[i]:
            if cur:
                lines.append(cur)
                cur = []
            i += 1
            continue
        j = i
        while j + 1 < n and cols[j + 1] == cols[i] and v[j + 1] == v[j + 1]:
            j += 1
        seg = v[i:j + 1]
        if j - i >= 2:
            a, b = int(np.argmin(seg)), int(np.argmax(seg))
            for k in sorted({a, b}):
                cur.append((x(t[i + k]), seg[k]))
        else:
            cur.extend((x(t[k]), v[k]) for k in range(i, j + 1))
        i = j + 1
    if cur:
        lines.append(cur)
    return lines


def _path(lines: list[list[tuple[float, float]]], y) -> str:
    out = []
    for line in lines:
        if len(line) == 1:
            line = [line[0], (line[0][0] + 0.8, line[0][1])]
        out.append("M" + "L".join(f"{px:.1f},{y(v):.1f}" for px, v in line))
    return "".join(out)


# --- parts ----------------------------------------------------------------------------------------------

_GRADE_CLASS = {Grade.GOOD: "v-good", Grade.MOSTLY_GOOD: "v-mostly", Grade.NEEDS_WORK: "v-work"}


def _verdict_class(grade: Grade | None) -> str:
    return _GRADE_CLASS.get(grade, "v-none")


def _summary(report: Report, spec: Spec) -> str:
    s, src = report.summary, report.source
    tiles = []
    if s.target_s is not None:
        frac = min(s.good_hold_s / s.target_s, 1.0) if s.target_s else 0.0
        tiles.append(
            f'<div class="tile" id="hold-tile"><div class="k">Good-form hold</div>'
            f'<div class="v">{s.good_hold_s:.1f} s</div><div class="s">target {s.target_s:g} s'
            + (f" (up to {spec.hold.max_s:g} s)" if spec.hold and spec.hold.max_s else "")
            + f'; best single hold {s.best_hold_s:.1f} s</div>'
              f'<div class="meter"><div style="width:{100 * frac:.0f}%"></div></div></div>')
    if spec.reps is not None or s.reps:
        target = spec.reps.target if spec.reps else None
        tiles.append(
            f'<div class="tile" id="reps-tile"><div class="k">Reps</div><div class="v">{s.reps}'
            f'<span style="font-size:15px;font-weight:500"> ({s.good_reps} good)</span></div>'
            f'<div class="s">{f"target {target}" if target else ""}</div>'
            + (f'<div class="meter"><div style="width:{100 * min(s.good_reps / target, 1):.0f}%"></div></div>'
               if target else "") + "</div>")
    st = s.state_s
    judged = st.get("good", 0.0) + st.get("fault", 0.0)
    fault_t = st.get("fault", 0.0)
    tiles.append(f'<div class="tile"><div class="k">Time in a fault</div><div class="v">{fault_t:.1f} s</div>'
                 f'<div class="s">of {judged:.1f} s judged in position</div></div>')
    tiles.append(f'<div class="tile"><div class="k">Input</div><div class="v">{src.duration_s:.1f} s</div>'
                 f'<div class="s">{src.frames} frames, {src.width}x{src.height} @ {src.fps:g} fps</div></div>')
    fixes = "".join(f"<li>{_e(x)}</li>" for x in s.fix_first) or "<li>Nothing: no form faults found.</li>"
    detection = getattr(report, "detection", None)
    det = ""
    if isinstance(detection, dict) and detection.get("exercise"):
        det = (f'<p class="note" id="detected">Exercise recognised automatically: <b>{_e(spec.title)}</b>, '
               f'{100 * detection.get("confidence", 0):.0f}% sure.</p>')
    partial = ('<div class="partial">Interrupted: this report covers only the part of the input scored '
               'before the run was stopped.</div>') if report.partial else ""
    return (f'<section id="summary"><h2>Summary</h2>{partial}'
            f'<div class="verdict {_verdict_class(s.grade)}" id="verdict">{_e(s.verdict or "No verdict")}</div>'
            f'<div class="tiles">{"".join(tiles)}</div>'
            f'<div class="fix" id="fix-first"><b>Fix first</b><ol>{fixes}</ol></div>{det}</section>')


def _timeline(report: Report, spec: Spec, ser: _Series) -> str:
    x = _X(ser.duration)
    fault_ids = [f for f in spec.fault_ids if any(f in fs for fs in ser.faults)]
    fault_ids += sorted({f for fs in ser.faults for f in fs} - set(fault_ids))
    row_h, gap, top = 22, 6, 8
    body: list[str] = []
    y = top

    def label(text: str, yy: float) -> None:
        short = text if len(text) <= 28 else text[:27] + "\u2026"  # the full name is in the tooltip
        body.append(f'<text x="{LEFT - 8}" y="{yy + row_h / 2 + 4:.1f}" text-anchor="end">{_e(short)}'
                    f'<title>{_e(text)}</title></text>')

    label("state", y)
    for t0, t1, s in ser.state_runs():
        x0, x1 = x(t0), x(t1)
        body.append(f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 0.6):.1f}" height="{row_h}" '
                    f'fill="{STATE_FILL.get(s, "#999")}"><title>{_e(STATE_WORDS.get(s, s))} '
                    f'{t0:.1f}-{t1:.1f} s</title></rect>')
    y += row_h + gap
    checks = {c.id: c for c in spec.checks}
    for fid in fault_ids:
        label(fid.replace("_", " "), y)
        body.append(f'<rect x="{LEFT}" y="{y}" width="{x.w}" height="{row_h}" fill="#f4f5f7"/>')
        for t0, t1 in ser.runs([fid in fs for fs in ser.faults]):
            x0, x1 = x(t0), x(t1)
            cue = checks[fid].cue if fid in checks else fid
            body.append(f'<rect class="fault-span" data-fault="{_e(fid)}" x="{x0:.1f}" y="{y}" '
                        f'width="{max(x1 - x0, 0.8):.1f}" height="{row_h}" fill="{FAULT_FILL}">'
                        f'<title>{_e(cue)} {t0:.1f}-{t1:.1f} s</title></rect>')
        y += row_h + gap
    if report.reps:
        label("reps", y)
        for i, r in enumerate(report.reps, 1):
            x0, x1 = x(r.start_s), x(r.end_s)
            fill = STATE_FILL["good"] if r.good else FAULT_FILL
            body.append(f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{row_h}" rx="3" '
                        f'fill="{fill}" stroke="#fff"><title>rep {i}: {r.start_s:.1f}-{r.end_s:.1f} s, '
                        f'{"good" if r.good else _e(", ".join(r.faults))}</title></rect>')
            if x1 - x0 > 14:
                body.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                            f'style="fill:#fff">{i}</text>')
        y += row_h + gap
    if report.holds:
        label("holds", y)
        for i, h in enumerate(report.holds, 1):
            x0, x1 = x(h.start_s), x(h.end_s)
            body.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 8}" '
                        f'rx="3" fill="#4363d8"><title>hold {i}: {h.start_s:.1f}-{h.end_s:.1f} s, '
                        f'{h.good_s:.1f} s good</title></rect>')
        y += row_h + gap
    if report.cues:
        label("cues", y)
        for c in report.cues:
            xx = x(c.t_s)
            body.append(f'<path d="M{xx:.1f},{y + 3}l-6,-0l6,{row_h - 6}l6,-{row_h - 6}z" fill="#911eb4">'
                        f'<title>{c.t_s:.1f} s: {_e(c.text)}</title></path>')
        y += row_h + gap
    height = y + 20
    axis = _time_axis(x, y, y - top)
    svg = (f'<svg id="timeline-svg" viewBox="0 0 {PLOT_W} {height}" role="img" '
           f'aria-label="timeline of states and faults">{axis}{"".join(body)}</svg>')
    legend = "".join(f'<span style="--c:{STATE_FILL[s]}">{_e(STATE_WORDS[s])}</span>'
                     for s in ("good", "fault", "setup", "unknown", "absent"))
    legend += '<span style="--c:#4363d8">hold</span><span style="--c:#911eb4">cue said</span>'
    return (f'<section id="timeline"><h2>Timeline</h2>{svg}<div class="legend">{legend}</div>'
            f'<p class="note">Each fault row is red while the fault is on; hover for times.</p></section>')


def _band(spec: Spec, measure: str) -> tuple[float, float] | None:
    los = [c.min_deg for c in spec.checks if c.measure == measure and c.min_deg is not None]
    his = [c.max_deg for c in spec.checks if c.measure == measure and c.max_deg is not None]
    if not los and not his:
        return None
    return (max(los) if los else -math.inf, min(his) if his else math.inf)


def _position_range(spec: Spec, measure: str) -> tuple[float | None, float | None] | None:
    for r in spec.position.require:
        if r.measure == measure:
            return (r.min_deg, r.max_deg)
    return None


def _plot(report: Report, spec: Spec, ser: _Series, measure: str, snaps: dict[str, Snapshot]) -> str:
    v = ser.values(measure)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return (f'<div class="plot" data-measure="{_e(measure)}"><h3>{_e(measure)}</h3>'
                f'<p>Never measured: the joints it needs were not visible.</p></div>')
    x = _X(ser.duration)
    band = _band(spec, measure)
    pos = _position_range(spec, measure)
    lo, hi = float(np.percentile(finite, 0.5)), float(np.percentile(finite, 99.5))
    for b in ([*band] if band else []) + ([p for p in pos if p is not None] if pos else []) + \
            ([spec.reps.start_deg, spec.reps.peak_deg] if spec.reps and spec.reps.measure == measure else []):
        if math.isfinite(b) and lo - 40 <= b <= hi + 40:
            lo, hi = min(lo, b), max(hi, b)
    pad = max((hi - lo) * 0.08, 2.0)
    lo, hi = lo - pad, hi + pad
    ph, top = 170, 10
    bottom = top + ph

    def y(val: float) -> float:
        return bottom - ph * (min(max(val, lo), hi) - lo) / (hi - lo)

    parts: list[str] = [f'<rect x="{LEFT}" y="{top}" width="{x.w}" height="{ph}" fill="#fbfcfd" stroke="#e1e5eb"/>']
    # Time not judged (not in position, nobody in view) is greyed.
    for t0, t1 in ser.runs([s in ("setup", "absent") for s in ser.states]):
        parts.append(f'<rect x="{x(t0):.1f}" y="{top}" width="{max(x(t1) - x(t0), 0.6):.1f}" height="{ph}" '
                     f'fill="#eceef1"><title>not judged {t0:.1f}-{t1:.1f} s</title></rect>')
    if band:
        b0, b1 = y(band[1]) if math.isfinite(band[1]) else top, y(band[0]) if math.isfinite(band[0]) else bottom
        parts.append(f'<rect class="allowed-band" x="{LEFT}" y="{b0:.1f}" width="{x.w}" '
                     f'height="{max(b1 - b0, 0.5):.1f}" fill="#3cb44b" fill-opacity="0.16"/>')
        for bound in band:
            if math.isfinite(bound):
                parts.append(f'<line x1="{LEFT}" x2="{LEFT + x.w}" y1="{y(bound):.1f}" y2="{y(bound):.1f}" '
                             f'stroke="#2e8b3a" stroke-width="1"/><text x="{LEFT + x.w - 4}" '
                             f'y="{y(bound) - 3:.1f}" text-anchor="end" style="fill:#2e8b3a">{_f(bound)}</text>')
    if pos:
        for bound in pos:
            if bound is not None and lo <= bound <= hi:
                parts.append(f'<line x1="{LEFT}" x2="{LEFT + x.w}" y1="{y(bound):.1f}" y2="{y(bound):.1f}" '
                             f'stroke="#8a94a3" stroke-dasharray="5 4"/><text x="{LEFT + 4}" y="{y(bound) - 3:.1f}"'
                             f' style="fill:#6b7480">position {_f(bound)}</text>')
    if spec.reps and spec.reps.measure == measure:
        for name, bound in (("rep start", spec.reps.start_deg), ("rep top", spec.reps.peak_deg)):
            parts.append(f'<line x1="{LEFT}" x2="{LEFT + x.w}" y1="{y(bound):.1f}" y2="{y(bound):.1f}" '
                         f'stroke="#4363d8" stroke-dasharray="2 3"/><text x="{LEFT + x.w - 4}" '
                         f'y="{y(bound) - 3:.1f}" text-anchor="end" style="fill:#4363d8">{name} {_f(bound)}</text>')
    # Faults judged on this measure: red spans behind the line, the line red while they are on.
    mine = [c.id for c in spec.checks if c.measure == measure]
    if spec.reps and spec.reps.measure == measure:
        mine += [f for f in (spec.reps.short_fault, spec.tempo.fault if spec.tempo else None) if f]
    fault_mask = np.array([bool(fs & set(mine)) for fs in ser.faults])
    for t0, t1 in ser.runs(fault_mask):
        parts.append(f'<rect class="fault-span" x="{x(t0):.1f}" y="{top}" width="{max(x(t1) - x(t0), 0.8):.1f}" '
                     f'height="{ph}" fill="{FAULT_FILL}" fill-opacity="0.13"/>')
    # Y ticks.
    step = _nice_step(hi - lo, 5)
    tick = math.ceil(lo / step) * step
    while tick <= hi:
        parts.append(f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#8a94a3"/>'
                     f'<text x="{LEFT - 7}" y="{y(tick) + 4:.1f}" text-anchor="end">{_f(tick)}</text>')
        tick += step
    parts.append(_time_axis(x, bottom, 0))
    parts.append(f'<path class="angle-line" d="{_path(_decimate(ser.t, v, x), y)}" fill="none" stroke="#1f4e99" '
                 f'stroke-width="1.6" stroke-linejoin="round"/>')
    if fault_mask.any():
        vf = np.where(fault_mask, v, np.nan)
        parts.append(f'<path class="fault-line" d="{_path(_decimate(ser.t, vf, x), y)}" fill="none" '
                     f'stroke="{FAULT_FILL}" stroke-width="2.4" stroke-linejoin="round"/>')
    for fid in mine:
        snap = snaps.get(fid)
        if snap is not None and snap.value_deg == snap.value_deg:
            xx, yy = x(snap.t_s), y(snap.value_deg)
            parts.append(f'<circle class="worst" cx="{xx:.1f}" cy="{yy:.1f}" r="5" fill="#fff" '
                         f'stroke="{FAULT_FILL}" stroke-width="2.5"><title>worst {_e(fid)}: {snap.value_deg:.0f} '
                         f'at {snap.t_s:.1f} s</title></circle>')
    parts.append(f'<text x="14" y="{top + ph / 2:.1f}" transform="rotate(-90 14 {top + ph / 2:.1f})" '
                 f'text-anchor="middle">degrees</text>')
    height = bottom + 22
    what = []
    if band:
        lo_b, hi_b = band
        rule = (f"{lo_b:g} to {hi_b:g}" if math.isfinite(lo_b) and math.isfinite(hi_b) else
                f"at most {hi_b:g}" if math.isfinite(hi_b) else f"at least {lo_b:g}")
        what.append(f"green band: allowed ({rule} deg)")
    if mine:
        what.append("red: " + ", ".join(m.replace("_", " ") for m in mine) + " on")
    if pos:
        what.append("dashed: the position's limits")
    what.append("grey: not judged")
    return (f'<div class="plot" data-measure="{_e(measure)}"><h3>{_e(measure)} (deg)</h3>'
            f'<p>{_e("; ".join(what))}</p><svg class="angle-plot" data-measure="{_e(measure)}" '
            f'viewBox="0 0 {PLOT_W} {height}" role="img" aria-label="{_e(measure)} over time">'
            f'{"".join(parts)}</svg></div>')


def _angles(report: Report, spec: Spec, ser: _Series, snaps: dict[str, Snapshot]) -> str:
    judged = [c.measure for c in spec.checks] + ([spec.reps.measure] if spec.reps else [])
    main = [m for m in spec.key_measures if m in judged]
    rest = [m for m in spec.key_measures if m not in judged]
    plots = "".join(_plot(report, spec, ser, m, snaps) for m in main)
    more = "".join(_plot(report, spec, ser, m, snaps) for m in rest)
    if more:
        more = (f'<details id="position-plots"><summary>The position measures ({len(rest)}): what decides '
                f'whether the person is in the exercise position</summary>{more}</details>')
    return (f'<section id="angles"><h2>Angles over time</h2><p class="note">The measures this exercise is '
            f'judged on, smoothed as the judge sees them. Open circles: the worst moment of a fault (pictured '
            f'below).</p>{plots}{more}</section>')


def _tables(report: Report, spec: Spec) -> str:
    out = ['<section id="holds-reps"><h2>Holds and reps</h2>']
    target = spec.hold.target_s if spec.hold else None
    if report.holds:
        rows = "".join(
            f'<tr><td class="num">{i}</td><td class="num">{h.start_s:.1f}</td><td class="num">{h.end_s:.1f}</td>'
            f'<td class="num">{h.end_s - h.start_s:.1f}</td><td class="num">{h.good_s:.1f}</td>'
            f'<td class="{"ok" if target and h.good_s >= target else "bad"}">'
            f'{"yes" if target and h.good_s >= target else "no"}</td></tr>'
            for i, h in enumerate(report.holds, 1))
        out.append(f'<table id="holds-table"><thead><tr><th class="num">hold</th><th class="num">start (s)</th>'
                   f'<th class="num">end (s)</th><th class="num">length (s)</th><th class="num">good form (s)</th>'
                   f'<th>target {target:g} s reached</th></tr></thead><tbody>{rows}</tbody></table>'
                   if target else "")
    elif spec.hold:
        out.append('<p class="note" id="holds-table">No hold: the position was never held.</p>')
    if report.reps:
        names = spec.reps.names if spec.reps and getattr(spec.reps, "names", None) else None
        rows = "".join(
            f'<tr><td class="num">{i}</td><td class="num">{r.start_s:.1f}</td><td class="num">{r.end_s:.1f}</td>'
            f'<td class="num">{r.end_s - r.start_s:.1f}</td>'
            f'<td class="num">{"" if r.peak_deg is None else f"{r.peak_deg:.0f}"}</td>'
            f'<td class="{"ok" if r.good else "bad"}">{"good" if r.good else _e(", ".join(r.faults))}</td></tr>'
            for i, r in enumerate(report.reps, 1))
        out.append(f'<table id="reps-table"><thead><tr><th class="num">rep</th><th class="num">start (s)</th>'
                   f'<th class="num">end (s)</th><th class="num">length (s)</th>'
                   f'<th class="num">{_e(spec.reps.measure if spec.reps else "peak")} peak (deg)</th>'
                   f'<th>verdict</th></tr></thead><tbody>{rows}</tbody></table>')
        if names:
            out.append(f'<p class="note">A rep is one {_e(names[0])} and one {_e(names[1])}.</p>')
    elif spec.reps:
        out.append('<p class="note" id="reps-table">No reps counted.</p>')
    if report.sets:
        rows = "".join(
            f'<tr><td class="num">{i}</td><td class="num">{s.start_s:.1f}</td><td class="num">{s.end_s:.1f}</td>'
            f'<td class="num">{s.good_s:.1f}</td><td class="num">{s.reps}</td><td class="num">{s.good_reps}</td>'
            f'<td>{_e(", ".join(f"{k} {v:.1f} s" for k, v in s.fault_s.items() if v) or "none")}</td></tr>'
            for i, s in enumerate(report.sets, 1))
        out.append(f'<table id="sets-table"><thead><tr><th class="num">set</th><th class="num">start (s)</th>'
                   f'<th class="num">end (s)</th><th class="num">good form (s)</th><th class="num">reps</th>'
                   f'<th class="num">good reps</th><th>time in faults</th></tr></thead><tbody>{rows}</tbody>'
                   f'</table>')
    if not report.holds and not report.reps and not report.sets:
        out.append('<p class="note">The person was never in the exercise position: nothing was timed or '
                   'counted.</p>')
    out.append("</section>")
    return "".join(out)


def _faults(report: Report, spec: Spec, snapshots: Sequence[Snapshot] | None) -> str:
    seen = [f for f in spec.fault_ids if f in report.summary.fault_s or f in report.summary.rep_faults]
    seen += [f for f in list(report.summary.fault_s) + list(report.summary.rep_faults) if f not in seen]
    if not seen:
        return ('<section id="faults"><h2>Faults</h2><p class="note">No form faults: nothing to picture.</p>'
                '</section>')
    snaps = {s.fault: s for s in snapshots or []}
    figs = []
    for fid in seen:
        s = snaps.get(fid)
        checks = {c.id: c for c in spec.checks}
        cue = checks[fid].cue if fid in checks else (s.cue if s else fid)
        took = report.summary.fault_s.get(fid)
        count = report.summary.rep_faults.get(fid)
        how_much = f"{took:.1f} s in total" if took else (f"{count} rep{'s' if count != 1 else ''}" if count else "")
        if s is None:
            figs.append(f'<figure class="snapshot" data-fault="{_e(fid)}"><figcaption><b>{_e(cue)}</b>'
                        f'{_e(fid)}, {how_much}. No picture: this report was made without the video frames.'
                        f'</figcaption></figure>')
            continue
        data = base64.b64encode(s.jpeg).decode("ascii")
        value = f"{s.measure} {s.value_deg:.0f} deg" if s.measure and s.value_deg == s.value_deg else ""
        note = "" if s.from_video else (" The input is a landmark recording (no video): the skeleton is drawn "
                                        "on a blank canvas.")
        figs.append(
            f'<figure class="snapshot" data-fault="{_e(fid)}"><img alt="{_e(fid)} at {s.t_s:.1f} s" '
            f'width="{s.width}" height="{s.height}" src="data:image/jpeg;base64,{data}">'
            f'<figcaption><b>{_e(cue)}</b>Worst moment at {s.t_s:.1f} s: {_e(value)}'
            f'{" (" + _e(s.allowed) + ")" if s.allowed else ""}. {_e(fid)}: {how_much}.{_e(note)}'
            f'</figcaption></figure>')
    return (f'<section id="faults"><h2>Faults at their worst</h2><p class="note">Each fault at the moment it '
            f'was furthest outside its allowed range, with the skeleton and the measure drawn.</p>'
            f'<div class="snaps">{"".join(figs)}</div></section>')


def _cues(report: Report) -> str:
    if not report.cues:
        return '<section id="cues"><h2>Cues</h2><p class="note">No cues were needed.</p></section>'
    rows = "".join(f'<tr><td class="num">{c.t_s:.1f}</td><td>{_e(c.text)}</td><td>{_e(c.fault)}</td></tr>'
                   for c in report.cues)
    return (f'<section id="cues"><h2>Cues, as they would have been spoken</h2><table><thead><tr>'
            f'<th class="num">time (s)</th><th>cue</th><th>fault</th></tr></thead><tbody>{rows}</tbody></table>'
            f'</section>')


def render_html(report: Report, spec: Spec, snapshots: Iterable[Snapshot] | None = None) -> str:
    """The report as one self-contained HTML page (no scripts, no network)."""
    snaps_list = list(snapshots) if snapshots is not None else None
    snaps = {s.fault: s for s in snaps_list or []}
    ser = _Series(report)
    src = report.source
    name = os.path.basename(src.path) or src.path
    title = f"{spec.title}: {name}"
    if src.kind == "image" or len(report.frames) <= 1:
        body_mid = _still(report, spec)
    else:
        body_mid = _timeline(report, spec, ser) + _angles(report, spec, ser, snaps) + _tables(report, spec)
    body = (f'<h1>{_e(spec.title)} form report</h1><div class="src">{_e(src.path)} &middot; '
            f'{_e(src.kind)} &middot; scored with {_e(src.estimator or "landmarks")}</div>'
            + _summary(report, spec) + body_mid + _faults(report, spec, snaps_list) + _cues(report))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            f'style-src \'unsafe-inline\'">'
            f'<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>{body}'
            f'<footer>posecheck {_e(__version__)} &middot; {_e(SCHEMA)} &middot; a self-contained file: '
            f'nothing is loaded from the network</footer></main></body></html>\n')


def _still(report: Report, spec: Spec) -> str:
    """A still image has no timeline: its state and angles against the allowed ranges instead."""
    f = report.frames[0] if report.frames else None
    if f is None:
        return ""
    rows = []
    for m in spec.key_measures:
        v = f.angles_deg.get(m)
        band = _band(spec, m)
        rule = ""
        if band:
            lo, hi = band
            rule = (f"{lo:g} to {hi:g}" if math.isfinite(lo) and math.isfinite(hi) else
                    f"at most {hi:g}" if math.isfinite(hi) else f"at least {lo:g}")
        ok = "" if v is None or not band else ("ok" if band[0] <= v <= band[1] else "bad")
        rows.append(f'<tr><td>{_e(m)}</td><td class="num">{"unknown" if v is None else f"{v:.0f}"}</td>'
                    f'<td>{_e(rule)}</td><td class="{ok}">{ {"ok": "in range", "bad": "out of range"}.get(ok, "")}'
                    f'</td></tr>')
    return (f'<section id="angles"><h2>Still image</h2><p>State: <b>{_e(STATE_WORDS.get(f.state, f.state))}</b>'
            + (f"; faults: {_e(', '.join(f.faults))}" if f.faults else "") + '</p>'
            f'<table><thead><tr><th>measure</th><th class="num">deg</th><th>allowed</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def write_html(report: Report, spec: Spec, path: str | os.PathLike,
               snapshots: Iterable[Snapshot] | None = None) -> None:
    """Writes the HTML report atomically."""
    text = render_html(report, spec, snapshots)
    with atomic_write(path) as f:
        f.write(text)
