"""A part of an input, in seconds of its own clock: ``clip.mp4@3.0-6.5`` (either end may be left out).

Every command that takes a clip takes a range the same way (`score`, `angles`, `tune`, `specs new`), through
`parse_input`. Times stay the source's own: a cue at 6.7 s in ``clip.mp4@3-9`` is at 6.7 s of the video.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecheck.errors import PosecheckError

__all__ = ["InputRange", "parse_input"]

_RANGE = re.compile(r"^(?P<t0>\d+(?:\.\d*)?|\.\d+)?-(?P<t1>\d+(?:\.\d*)?|\.\d+)?$")


@dataclass(frozen=True)
class InputRange:
    """An input file and the part of it to use, in seconds of the source's own clock."""

    path: str
    start_s: float = 0.0
    end_s: float = math.inf

    @property
    def whole(self) -> bool:
        return self.start_s == 0.0 and self.end_s == math.inf

    @property
    def label(self) -> str:
        return self._with_range(Path(self.path).name)

    @property
    def full_label(self) -> str:
        """The path as given, with its range: what a report names as its source."""
        return self._with_range(str(self.path))

    def _with_range(self, name: str) -> str:
        if self.whole:
            return name
        end = "" if self.end_s == math.inf else f"{self.end_s:g}"
        return f"{name}@{self.start_s:g}-{end}"

    def contains(self, t_s):
        """Whether times (a float or an array) fall in the range, both ends included."""
        return np.logical_and(np.asarray(t_s) >= self.start_s - 1e-9, np.asarray(t_s) <= self.end_s + 1e-9)


def parse_input(text: str | os.PathLike) -> InputRange:
    """``clip.mp4``, ``clip.mp4@3.0-6.5``, ``clip.mp4@3-`` or ``clip.mp4@-6.5`` (a file whose own name has an
    ``@`` is taken as it is)."""
    text = os.fspath(text)
    if "@" in text and not os.path.exists(text):
        path, _, rng = text.rpartition("@")
        m = _RANGE.match(rng.strip())
        if not m or (m["t0"] is None and m["t1"] is None):
            raise PosecheckError(
                f"{text}: bad time range {rng!r}; write FILE@START-END in seconds, e.g. clip.mp4@3.0-6.5")
        t0 = float(m["t0"]) if m["t0"] is not None else 0.0
        t1 = float(m["t1"]) if m["t1"] is not None else math.inf
        if t1 <= t0:
            raise PosecheckError(f"{text}: the range ends ({t1:g} s) before it starts ({t0:g} s)")
        return InputRange(path, t0, t1)
    return InputRange(text)
