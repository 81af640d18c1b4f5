"""The progress page (`posecheck history --html`): one self-contained HTML file to show a physiotherapist.

Good-form hold per exercise over time, reps and good reps, the fault-time trend, and sessions per week
against the material's 3-4. Charts are inline SVG drawn by the template from numbers computed here (no
script, no network), on the shared template stack (posecheck/report/templating.py: Jinja2 with autoescape, so
names from files can never inject markup).
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date, datetime, timedelta

from posecheck.history.db import SessionRecord
from posecheck.io.atomic import atomic_write
from posecheck.report.templating import render

__all__ = ["write_history_html", "render_history_html", "WEEKLY_TARGET"]

WEEKLY_TARGET = (3, 4)  # the material: 3-4 sessions a week
PALETTE = ["#2b7bb9", "#e07b39", "#3a9d5d", "#b94a8c", "#7a6bd1", "#c9a227", "#4aa5a8", "#8c5a3c"]
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T, PAD_R = 640, 200, 46, 26, 12, 34


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 30, 60, 120, 300, 600):
        if v <= step * 4:
            return step * ((v // step) + 1)
    return v * 1.1


class _Axis:
    """Maps days and values to SVG pixels."""

    def __init__(self, first: date, last: date, vmax: float):
        self.first, self.days = first, max((last - first).days, 1)
        self.vmax = _nice_max(vmax)

    def x(self, d: date) -> float:
        return round(PAD_L + (CHART_W - PAD_L - PAD_R) * ((d - self.first).days / self.days), 1)

    def y(self, v: float) -> float:
        return round(PAD_T + (CHART_H - PAD_T - PAD_B) * (1 - v / self.vmax), 1)

    def ticks(self) -> list[dict]:
        return [{"v": round(self.vmax * k / 4, 1), "y": self.y(self.vmax * k / 4)} for k in range(5)]

    def day_ticks(self) -> list[dict]:
        n = min(self.days, 6)
        out = []
        for k in range(n + 1):
            d = self.first + timedelta(days=round(self.days * k / n))
            out.append({"label": d.strftime("%d %b"), "x": self.x(d)})
        return out


def _series(sessions: list[SessionRecord], value) -> dict[str, list[tuple[date, float]]]:
    """exercise -> [(day, value)] for every session that did it (several parts of one exercise summed)."""
    out: dict[str, list] = defaultdict(list)
    for s in sessions:
        per: dict[str, list] = defaultdict(list)
        for p in s.parts:
            if not p.skipped:
                per[p.exercise].append(p)
        for ex, parts in per.items():
            v = value(parts)
            if v is not None:
                out[ex].append((_day(s.started_at), v))
    return dict(out)


def _lines(series: dict, axis: _Axis, colors: dict) -> list[dict]:
    return [{"name": ex, "color": colors[ex],
             "points": [{"x": axis.x(d), "y": axis.y(v), "v": v, "day": d.isoformat()} for d, v in pts],
             "path": " ".join(f"{axis.x(d)},{axis.y(v)}" for d, v in pts)} for ex, pts in sorted(series.items())]


def _weeks(sessions: list[SessionRecord], first: date, last: date) -> list[dict]:
    start = first - timedelta(days=first.weekday())
    counts: dict[date, int] = defaultdict(int)
    for s in sessions:
        d = _day(s.started_at)
        counts[d - timedelta(days=d.weekday())] += 1
    weeks, w = [], start
    while w <= last:
        weeks.append({"monday": w, "label": w.strftime("%d %b"), "n": counts.get(w, 0)})
        w += timedelta(days=7)
    return weeks


def render_history_html(sessions: list[SessionRecord], title: str = "posecheck: progress") -> str:
    exercises = sorted({p.exercise for s in sessions for p in s.parts if not p.skipped})
    colors = {ex: PALETTE[i % len(PALETTE)] for i, ex in enumerate(exercises)}
    ctx: dict = {"title": title, "sessions": list(reversed(sessions)), "n": len(sessions), "colors": colors,
                 "W": CHART_W, "H": CHART_H, "PAD_L": PAD_L, "PAD_B": PAD_B, "target": WEEKLY_TARGET}
    if sessions:
        first, last = _day(sessions[0].started_at), _day(sessions[-1].started_at)
        ctx["first"], ctx["last"] = first, last
        hold = _series(sessions, lambda ps: sum(p.good_hold_s for p in ps)
                       if any(p.reps == 0 for p in ps) else None)
        reps = _series(sessions, lambda ps: sum(p.reps for p in ps) or None)
        good = _series(sessions, lambda ps: sum(p.good_reps for p in ps) if sum(p.reps for p in ps) else None)
        faults = _series(sessions, lambda ps: sum(p.fault_s for p in ps))
        charts = []
        for key, label, series, unit in (("hold", "Good-form hold per session", hold, "s"),
                                         ("faults", "Time in a fault per session", faults, "s")):
            vmax = max((v for pts in series.values() for _, v in pts), default=0.0)
            axis = _Axis(first, last, vmax)
            charts.append({"key": key, "label": label, "unit": unit, "lines": _lines(series, axis, colors),
                           "ticks": axis.ticks(), "days": axis.day_ticks()})
        ctx["charts"] = charts
        # Reps: one bar per session and exercise, the good part darker.
        bars = []
        rmax = max((v for pts in reps.values() for _, v in pts), default=0.0)
        raxis = _Axis(first, last, rmax)
        for ex in sorted(reps):
            goods = dict(good.get(ex, []))
            for d, v in reps[ex]:
                g = goods.get(d, 0)
                bars.append({"ex": ex, "color": colors[ex], "x": raxis.x(d) - 4 + 9 * sorted(reps).index(ex),
                             "y": raxis.y(v), "h": round(raxis.y(0) - raxis.y(v), 1), "gy": raxis.y(g),
                             "gh": round(raxis.y(0) - raxis.y(g), 1), "v": v, "g": g, "day": d.isoformat()})
        ctx["reps"] = {"bars": bars, "ticks": raxis.ticks(), "days": raxis.day_ticks(), "y0": raxis.y(0)}
        weeks = _weeks(sessions, first, last)
        wmax = max(max((w["n"] for w in weeks), default=0), WEEKLY_TARGET[1] + 1)
        bw = (CHART_W - PAD_L - 10) / max(len(weeks), 1)
        scale = (CHART_H - PAD_T - PAD_B) / wmax
        for i, w in enumerate(weeks):
            w.update(x=round(PAD_L + i * bw + bw * 0.15, 1), w=round(bw * 0.7, 1),
                     y=round(CHART_H - PAD_B - w["n"] * scale, 1), h=round(w["n"] * scale, 1),
                     ok=WEEKLY_TARGET[0] <= w["n"] <= WEEKLY_TARGET[1])
        ctx["weeks"] = {"bars": weeks, "band_y": round(CHART_H - PAD_B - WEEKLY_TARGET[1] * scale, 1),
                        "band_h": round((WEEKLY_TARGET[1] - WEEKLY_TARGET[0]) * scale, 1),
                        "ticks": [{"v": k, "y": round(CHART_H - PAD_B - k * scale, 1)} for k in range(wmax + 1)],
                        "met": sum(1 for w in weeks if w["n"] >= WEEKLY_TARGET[0]), "total": len(weeks)}
        ctx["per_exercise"] = [
            {"name": ex, "color": colors[ex], "sessions": len(hold.get(ex, []) or reps.get(ex, [])),
             "first_hold": (hold.get(ex) or [(None, None)])[0][1], "last_hold": (hold.get(ex) or [(None, None)])[-1][1],
             "best_hold": max((v for _, v in hold.get(ex, [])), default=None),
             "reps": sum(v for _, v in reps.get(ex, [])), "good": sum(v for _, v in good.get(ex, []))}
            for ex in exercises]
    return render("history.html.j2", **ctx)


def write_history_html(sessions: list[SessionRecord], path: str | os.PathLike) -> None:
    text = render_history_html(sessions)
    with atomic_write(path) as f:
        f.write(text)
