"""The one HTML stack: Jinja2 templates shipped in `posecheck/report/templates/`, autoescaped.

Every page posecheck writes or serves (the score report, the tune report, the interactive tuner, the history
page) is a template that extends `base.html.j2` (the page skeleton and the shared CSS) and is rendered through
`environment()`. Plots are drawn by `posecheck.report.svg` and passed in as markup. Shared here:

- `num` and `fixed` (filters and functions): the one way posecheck writes a number for people: `num` as read
  (`12.5`, `12`), `fixed` with set decimals (`12.50`); both `-` (or what is asked) for unknown (NaN/None);
- `STATE_FILL` (and `STATE_WORDS`, from `posecheck.words`): a judged state's colour and words on every page;
- `render(name, **context)`.

    from posecheck.report.templating import render
    html = render("history.html.j2", title="My plank", rows=rows)   # {% extends "base.html.j2" %}
"""

from __future__ import annotations

import functools
import math

import jinja2

from posecheck.core.events import State
from posecheck.version import __version__
from posecheck.words import STATE_WORDS

__all__ = ["environment", "render", "num", "fixed", "STATE_FILL", "STATE_WORDS", "STATES", "FAULT_FILL", "HOLD_FILL",
           "CUE_FILL"]

# The judged states in the order a legend lists them, and their colours on every page (words: posecheck.words).
STATES = (State.GOOD, State.FAULT, State.SETUP, State.UNKNOWN, State.ABSENT)
STATE_FILL = {State.GOOD: "#3cb44b", State.FAULT: "#e6194b", State.SETUP: "#b0b0b0", State.UNKNOWN: "#f0a30a",
              State.ABSENT: "#5a5a5a"}
FAULT_FILL = STATE_FILL[State.FAULT]
HOLD_FILL = "#4363d8"
CUE_FILL = "#911eb4"


def num(x, nd: int = 1, unknown: str = "-") -> str:
    """`x` with at most `nd` decimals and no trailing zeros (12.50 -> "12.5", 12.0 -> "12"); `unknown` for
    None or NaN."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return unknown
    if round(x, max(nd, 0)) == 0:
        x = 0.0  # never "-0"
    if nd <= 0:
        return f"{x:.0f}"
    return f"{x:.{nd}f}".rstrip("0").rstrip(".")


def fixed(x, nd: int = 1, unknown: str = "-", unit: str = "") -> str:
    """`x` with exactly `nd` decimals and `unit` (tables of seconds line up); `unknown` for None or NaN."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return unknown
    return f"{0.0 if round(x, nd) == 0 else x:.{nd}f}{unit}"  # never "-0.0"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment: templates from the package, autoescape on, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("posecheck.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["fixed"] = fixed
    env.filters["g"] = lambda x: f"{x:g}"  # a spec's own number as written (20, 12.5)
    env.filters["words"] = lambda ident: str(ident).replace("_", " ")  # a fault id as words
    env.globals.update(version=__version__, State=State, STATES=STATES, STATE_FILL=STATE_FILL, STATE_WORDS=STATE_WORDS,
                       FAULT_FILL=FAULT_FILL, HOLD_FILL=HOLD_FILL, CUE_FILL=CUE_FILL)
    return env


def render(name: str, **context) -> str:
    """Template `name` rendered with `context`."""
    return environment().get_template(name).render(**context)
