"""Which fault to say, and when: most important first, rate-limited, never a queue of stale cues."""

from __future__ import annotations

from dataclasses import dataclass

from posecheck.core.evaluation import FrameResult
from posecheck.core.events import FaultOpened
from posecheck.core.specs import Spec

__all__ = ["Cue", "CueScheduler", "CUE_SHOWN_S", "cue_shown"]

# A cue said stays on screen (live window, annotated video) at least this long, and while its fault lasts:
# long enough to read a cue of up to ten words from the mat (~3-4 words a second).
CUE_SHOWN_S = 3.0

_RANK = {"major": 0, "minor": 1}


@dataclass(frozen=True)
class Cue:
    t_s: float
    fault: str
    text: str
    severity: str = "major"


def cue_shown(cue: Cue, t_s: float, faults) -> bool:
    """Is `cue` still on screen at `t_s`, with `faults` active now?"""
    return t_s - cue.t_s < CUE_SHOWN_S or cue.fault in faults


class CueScheduler:
    """Turns established faults into cues.

    - a fault is cued when it becomes established, then again every `repeat_s` while it persists;
    - at most one cue every `min_gap_s`; when several wait, the most severe (then the oldest) goes first;
    - a waiting cue is dropped when its fault has cleared (rep-level findings count as active until the rep
      ends) or when it could not be said within `stale_s`.
    """

    def __init__(self, spec: Spec, min_gap_s: float = 1.5, stale_s: float = 2.0):
        self.spec = spec
        self.repeat_s, self.min_gap_s, self.stale_s = spec.cue_repeat_s, min_gap_s, stale_s
        self._waiting: dict[str, FaultOpened] = {}
        self._last_said: dict[str, float] = {}
        self._last_t = -1e9

    def update(self, frame: FrameResult) -> list[Cue]:
        t = frame.t_s
        for ev in frame.new_faults:
            self._waiting.setdefault(ev.fault, ev)
        # Reminders for faults that persist.
        for f in frame.faults:
            last = self._last_said.get(f)
            if f not in self._waiting and last is not None and t - last >= self.repeat_s:
                self._waiting[f] = FaultOpened(t, f, self.spec.severity_for(f))
        # Drop what is no longer true or too old to be useful.
        for f, ev in list(self._waiting.items()):
            if f not in frame.faults or t - ev.t_s > self.stale_s:
                del self._waiting[f]
        if not self._waiting or t - self._last_t < self.min_gap_s:
            return []
        f, ev = min(self._waiting.items(), key=lambda kv: (_RANK.get(kv[1].severity, 9), kv[1].t_s))
        del self._waiting[f]
        self._last_said[f] = t
        self._last_t = t
        return [Cue(t, f, self.spec.cue_for(f), ev.severity)]

    def reset(self) -> None:
        self._waiting.clear()
        self._last_said.clear()
        self._last_t = -1e9
