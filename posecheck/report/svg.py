"""The one SVG plotting module: inline SVG for every HTML page posecheck writes (no scripts, no libraries).

`Svg` collects elements, escaping every attribute and text, and returns markup a template embeds as is.
Around it: linear scales, "nice" tick steps, a time axis, y ticks, labelled horizontal lines, polylines
decimated to a min/max pair per pixel column (so an hour of frames stays a few kB), and the distribution
plot of the tune report.

    svg = Svg(960, 200, class_="angle-plot", data_measure="hip")
    x, y = Scale(0, 16.5, 190, 948), Scale(120, 180, 180, 10)
    time_axis(svg, x, 180, 170)
    svg.el("path", class_="angle-line", d=path_d(decimate(t, v, x), y), fill="none", stroke="#1f4e99")
    html = svg.markup()          # {{ html }} in a template
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
from markupsafe import Markup, escape

from posecheck.report.templating import num

__all__ = ["Svg", "Scale", "nice_step", "ticks", "time_axis", "y_ticks", "hline", "decimate", "path_d",
           "distribution_svg"]

# Attributes that are positions or sizes: one decimal is a tenth of a user unit, finer than any screen shows.
_COORDS = frozenset({"x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r", "rx"})


def _attr_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")  # class_ -> class, data_fault -> data-fault


def _attr_value(key: str, v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.1f}" if key in _COORDS else f"{v:g}"
    return str(v)


class Svg:
    """An SVG drawing: elements in painting order, every attribute value and text escaped."""

    def __init__(self, view_w: float, view_h: float, **attrs):
        self.view_w, self.view_h = view_w, view_h
        self.attrs = attrs
        self._parts: list[str] = []

    @staticmethod
    def _attrs(attrs: dict) -> str:
        return "".join(f' {_attr_name(k)}="{escape(_attr_value(k, v))}"' for k, v in attrs.items() if v is not None)

    def el(self, tag: str, text: str | None = None, *, title: str | None = None, **attrs) -> None:
        """One element; `text` is its content, `title` its tooltip."""
        inner = ("" if text is None else str(escape(text))) + \
                ("" if title is None else f"<title>{escape(title)}</title>")
        self._parts.append(f"<{tag}{self._attrs(attrs)}>{inner}</{tag}>" if inner or text == "" else
                           f"<{tag}{self._attrs(attrs)}/>")

    def markup(self) -> Markup:
        head = {**self.attrs, "viewBox": f"0 0 {num(self.view_w)} {num(self.view_h)}"}
        return Markup(f"<svg{self._attrs(head)}>{''.join(self._parts)}</svg>")


class Scale:
    """A linear map from data to drawing units, clamped to the range (a value off the plot sits at its edge)."""

    def __init__(self, d0: float, d1: float, r0: float, r1: float):
        if d1 == d0:
            d1 = d0 + 1e-6
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1

    def __call__(self, v: float) -> float:
        f = min(max((v - self.d0) / (self.d1 - self.d0), 0.0), 1.0)
        return self.r0 + (self.r1 - self.r0) * f

    def array(self, v: np.ndarray) -> np.ndarray:
        """__call__ over an array at once (plot lines have a point per frame)."""
        f = np.clip((np.asarray(v, dtype=float) - self.d0) / (self.d1 - self.d0), 0.0, 1.0)
        return self.r0 + (self.r1 - self.r0) * f

    @property
    def span(self) -> float:
        """The length of the range in drawing units."""
        return abs(self.r1 - self.r0)


def nice_step(span: float, target: int) -> float:
    """A tick step of 1, 2 or 5 times a power of ten giving about `target` ticks over `span`."""
    raw = max(span, 1e-9) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def ticks(lo: float, hi: float, target: int) -> list[float]:
    """Round values between lo and hi, about `target` of them."""
    step = nice_step(hi - lo, target)
    out, v = [], math.ceil(lo / step) * step
    while v <= hi + 1e-9 * step:
        out.append(0.0 if abs(v) < 1e-9 * step else v)
        v += step
    return out


def time_axis(svg: Svg, x: Scale, y: float, height: float, target: int = 10) -> None:
    """Grid lines `height` tall above `y` and labels in seconds below it."""
    for t in ticks(0.0, x.d1, target):
        if height > 0:
            svg.el("line", x1=x(t), y1=y - height, x2=x(t), y2=y, stroke="#eef0f3")
        svg.el("text", f"{num(t)} s", x=x(t), y=y + 14, text_anchor="middle")


def y_ticks(svg: Svg, y: Scale, left: float, target: int = 5) -> None:
    """Tick marks and values on the left edge of a plot."""
    lo, hi = sorted((y.d0, y.d1))
    for v in ticks(lo, hi, target):
        svg.el("line", x1=left - 4, x2=left, y1=y(v), y2=y(v), stroke="#8a94a3")
        svg.el("text", num(v), x=left - 7, y=y(v) + 4, text_anchor="end")


def hline(svg: Svg, x0: float, x1: float, yy: float, colour: str, label: str = "", *, dash: str | None = None,
          at_end: bool = True, label_colour: str | None = None, **attrs) -> None:
    """A horizontal line across the plot with its label above it, at the right end or the left."""
    svg.el("line", x1=x0, x2=x1, y1=yy, y2=yy, stroke=colour, stroke_dasharray=dash, **attrs)
    if label:
        svg.el("text", label, x=x1 - 4 if at_end else x0 + 4, y=yy - 3, text_anchor="end" if at_end else None,
               style=f"fill:{label_colour or colour}")


def decimate(t: np.ndarray, v: np.ndarray, x: Scale) -> list[list[tuple[float, float]]]:
    """Polylines (split at unknown values) with at most a min and a max point per pixel column."""
    n = len(t)
    xs = x.array(t) if n else np.array([])
    cols = np.floor(xs - x.r0).astype(int) if n else np.array([], int)
    lines: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    i = 0
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
            cur.extend((xs[i + k], seg[k]) for k in sorted({a, b}))
        else:
            cur.extend((xs[k], v[k]) for k in range(i, j + 1))
        i = j + 1
    if cur:
        lines.append(cur)
    return lines


def path_d(lines: list[list[tuple[float, float]]], y: Scale) -> str:
    """The `d` of a path through the polylines (a lone point becomes a short dash, so that it shows)."""
    out = []
    for line in lines:
        if len(line) == 1:
            line = [line[0], (line[0][0] + 0.8, line[0][1])]
        ys = y.array([v for _, v in line])
        out.append("M" + "L".join(f"{px:.1f},{py:.1f}" for (px, _), py in zip(line, ys)))
    return "".join(out)


def distribution_svg(groups: Sequence[tuple[np.ndarray, str]], *, lines: Iterable[tuple] = (),
                     marks: Iterable[tuple[float, str, str]] = (), extra: Iterable[float] = (), x_label: str = "",
                     aria_label: str = "", width: int = 640, height: int = 190, bins: int = 60) -> Markup:
    """Overlaid histograms (each group's share per bin, the tallest bin full height) of values in degrees.

    `lines`: vertical lines (value, colour, dash, label, label row); `marks`: triangles under the axis
    (value, colour, tooltip); `extra`: values that must be inside the plotted range.
    """
    lines, marks = list(lines), list(marks)
    pool = [g for g, _ in groups if g.size] + [np.array([ln[0] for ln in lines] + [m[0] for m in marks]
                                                        + list(extra), float)]
    pool_all = np.concatenate(pool) if pool else np.array([0.0])
    pool_all = pool_all[np.isfinite(pool_all)]
    if pool_all.size == 0:
        pool_all = np.array([0.0])
    lo, hi = float(pool_all.min()), float(pool_all.max())
    pad = max(2.0, 0.06 * (hi - lo))
    lo, hi = lo - pad, hi + pad
    left, right, top, bottom = 36, 12, 14, 52
    pw, ph = width - left - right, height - top - bottom
    edges = np.linspace(lo, hi, bins + 1)
    x = Scale(lo, hi, left, left + pw)
    svg = Svg(width, height, role="img", aria_label=aria_label)
    svg.el("rect", x=left, y=top, width=pw, height=ph, fill="#fafafa", stroke="#ddd")
    hists = []
    for values, colour in groups:
        if values.size:
            h, _ = np.histogram(values, bins=edges)
            hists.append((h / h.sum(), colour))
    peak = max((float(h.max()) for h, _ in hists), default=1.0) or 1.0
    for h, colour in hists:
        for k, f in enumerate(h):
            if f > 0:
                bh = f / peak * (ph - 4)
                svg.el("rect", x=x(edges[k]), y=top + ph - bh, width=max(x(edges[k + 1]) - x(edges[k]) - 0.5, 0.5),
                       height=bh, fill=colour, fill_opacity=0.45)
    for v in ticks(lo, hi, 8):
        svg.el("line", x1=x(v), x2=x(v), y1=top + ph, y2=top + ph + 4, stroke="#888")
        svg.el("text", f"{v:g}", x=x(v), y=top + ph + 15, font_size=10, text_anchor="middle", fill="#555")
    for v, colour, tip in marks:
        if v == v:
            svg.el("path", d=f"M{x(v):.1f},{top + ph + 20} l-4,8 h8 z", fill=colour, title=tip)
    for v, colour, dash, label, row in lines:
        xv = x(v)
        # Labels near the right edge go on the left of their line.
        anchor, dx = ("end", -3) if xv > left + pw * 0.8 else ("start", 3)
        svg.el("line", x1=xv, x2=xv, y1=top, y2=top + ph, stroke=colour, stroke_width=2, stroke_dasharray=dash)
        svg.el("text", label, x=xv + dx, y=top + 11 + 13 * row, font_size=10, text_anchor=anchor, fill=colour)
    if x_label:
        svg.el("text", x_label, x=left + pw / 2, y=height - 4, font_size=10, text_anchor="middle", fill="#555")
    return svg.markup()
