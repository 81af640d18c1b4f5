"""A judging session: evaluator + cue scheduler over a pose stream (the report is built by `posecheck.report`).

Used by `score` (a file, as fast as it decodes) and by `live` (a camera), so both judge the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from posecheck.core.cues import Cue, CueScheduler
from posecheck.core.evaluation import Evaluator, FrameResult
from posecheck.core.events import State
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.specs import Spec
from posecheck.core.timing import frame_dt

__all__ = ["Session", "Step"]


@dataclass(frozen=True)
class Step:
    frame: FrameResult
    cues: tuple[Cue, ...]


class Session:
    def __init__(self, spec: Spec, info: SourceInfo, estimator: str = "", keep_frames: bool = True):
        self.spec, self.info, self.estimator = spec, info, estimator
        self.evaluator = Evaluator(spec, info.width, info.height, still=info.kind == "image")
        self.cues = CueScheduler(spec)
        self.keep_frames = keep_frames
        self.frames: list[FrameResult] = []
        self.said: list[Cue] = []
        self._state_s = dict.fromkeys(State, 0.0)
        self._prev_t: float | None = None
        self.n_frames = 0

    def step(self, pose: Pose) -> Step:
        fr = self.evaluator.step(pose)
        cues = self.cues.update(fr)
        self.said.extend(cues)
        self._state_s[fr.state] += frame_dt(self._prev_t, fr.t_s)
        self._prev_t = fr.t_s
        self.n_frames += 1
        if self.keep_frames:
            self.frames.append(fr)
        return Step(fr, tuple(cues))

    def run(self, poses: Iterable[Pose]) -> "Session":
        for pose in poses:
            self.step(pose)
        return self

    def finish(self) -> "Session":
        """Close what is open at the end of the input (a hold, a set being left)."""
        self.evaluator.finish()
        return self
