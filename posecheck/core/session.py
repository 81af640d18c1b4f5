"""A judging session: evaluator + cue scheduler over a pose stream (the report is built by `posecheck.report`).

Used by `score` (a file, as fast as it decodes) and by `live` (a camera), so both judge the same way.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from posecheck.core.cues import Cue, CueScheduler
from posecheck.core.evaluation import SHOWN_S, Evaluator, FrameResult, Measurer
from posecheck.core.events import State
from posecheck.core.guidance import Framing, assess_framing
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.specs import Spec
from posecheck.core.timing import frame_dt
from posecheck.core.view import ViewReason

__all__ = ["Session", "Step"]

FRAMING_EVERY_S = 0.25  # how often a session not being judged looks at the camera framing


@dataclass(frozen=True)
class Step:
    frame: FrameResult
    cues: tuple[Cue, ...]


class Session:
    """Judges poses one by one.

    `keep_frames=False` keeps no per-frame results (memory stays flat over hours), only the last `SHOWN_S`
    seconds, which the evaluator may still settle (`FrameResult.revised`); each frame is handed to
    `on_final(frame)` once it can no longer change, the rest when the session finishes. `measurer`: shared
    with other sessions given the same poses from the same first one (core/evaluation.Measurer)."""

    def __init__(self, spec: Spec, info: SourceInfo, estimator: str = "", keep_frames: bool = True,
                 on_final: Callable[[FrameResult], None] | None = None, measurer: Measurer | None = None):
        self.spec, self.info, self.estimator = spec, info, estimator
        self.evaluator = Evaluator(spec, info.width, info.height, still=info.kind == "image", measurer=measurer)
        self.cues = CueScheduler(spec)
        self.keep_frames = keep_frames
        self.frames: list[FrameResult] = []
        self.said: list[Cue] = []
        self._first_t: float | None = None
        self._prev_t: float | None = None
        self.n_frames = 0
        # While the person is not judged: what the camera guidance would say (the same as `live` shows), in
        # seconds and frames per issue ("ok": the view was fine), so a report can say why it judged little.
        self.framing_s: dict[str, float] = {}
        self.framing_n: dict[str, int] = {}
        self.framing_messages: dict[str, str] = {}
        self._framing: Framing | None = None
        # Measures the view could not support (core/view.py), in seconds, for the report to say how to place
        # the camera.
        self.view_unknown_s: dict[tuple[str, ViewReason], float] = {}
        self._judged = {r.measure for r in spec.position.require} | {c.measure for c in spec.checks} | \
            {r.only_if.measure for r in spec.position.require if r.only_if is not None}
        self.n_detected = 0
        self.first: FrameResult | None = None  # a photo's verdict is its one frame's state
        self.on_final = on_final
        self._window: deque[FrameResult] = deque()  # without keep_frames: the frames still open to revision

    def step(self, pose: Pose) -> Step:
        fr = self.evaluator.step(pose)
        cues = self.cues.update(fr)
        self.said.extend(cues)
        dt = 1.0 if self.info.kind == "image" else frame_dt(self._prev_t, fr.t_s)
        if pose.detected:
            for m, why in self.evaluator.view.verdict.unknown.items():
                if m in self._judged:
                    self.view_unknown_s[(m, why)] = self.view_unknown_s.get((m, why), 0.0) + dt
        if self._first_t is None:
            self._first_t = fr.t_s
        if fr.state not in (State.GOOD, State.FAULT):
            # The camera advice is a summary: the framing is looked at every FRAMING_EVERY_S of video (it costs
            # more than the judging itself), and what it found stands for the frames in between.
            if self._framing is None or fr.t_s - self._framing.t_s >= FRAMING_EVERY_S or fr.t_s < self._framing.t_s:
                self._framing = assess_framing(pose, self.info.width, self.info.height)
                if self._framing.message:
                    self.framing_messages[self._framing.issue or "ok"] = self._framing.message
            issue = self._framing.issue or "ok"
            self.framing_s[issue] = self.framing_s.get(issue, 0.0) + frame_dt(self._prev_t, fr.t_s)
            self.framing_n[issue] = self.framing_n.get(issue, 0) + 1
        self._prev_t = fr.t_s
        self.n_frames += 1
        self.n_detected += fr.detected
        if self.first is None:
            self.first = fr
        if self.keep_frames:
            self.frames.append(fr)
            self._revise(fr.revised)
            if self.on_final is not None:
                self._window.append(fr)
                self._release(fr.t_s - SHOWN_S)
        else:
            self._window.append(fr)
            self._revise(fr.revised)
            self._release(fr.t_s - SHOWN_S)
        return Step(fr, tuple(cues))

    def _revise(self, revised) -> None:
        """Earlier frames whose state the evaluator settled (their verdict came later)."""
        w = self._window
        for r in revised:
            if self.keep_frames:
                self.frames[r.index] = replace(self.frames[r.index], state=r.state, faults=r.faults)
            if w and 0 <= r.index - w[0].index < len(w):
                w[r.index - w[0].index] = replace(w[r.index - w[0].index], state=r.state, faults=r.faults)

    def _release(self, before_t: float) -> None:
        """Hand on the frames older than `before_t` (settled for good); all of them when it is +inf."""
        w = self._window
        while w and w[0].t_s < before_t:
            fr = w.popleft()
            if self.on_final is not None:
                self.on_final(fr)

    @property
    def deciding(self) -> bool:
        """Do the next frames decide a verdict (`Evaluator.deciding`)? Then a model that skips still frames
        should see every one."""
        return self.evaluator.deciding

    @property
    def tail_s(self) -> float:
        """How long the last frame stands for: a video's frame i covers [t_i, t_i+1); a photo has no duration
        and a camera's last frame ends when it was taken."""
        return 1.0 / self.info.fps if self.info.kind not in ("image", "camera") and self.info.fps > 0 else 0.0

    @property
    def state_s(self) -> dict[State, float]:
        """Seconds in each state; they add up to the duration (less any gap longer than MAX_DT_S)."""
        return self.evaluator.state_s

    def run(self, poses: Iterable[Pose]) -> "Session":
        for pose in poses:
            self.step(pose)
        return self

    def camera_advice(self, min_share: float = 0.25) -> str | None:
        """The camera guidance that stood longest while the person was not judged, when it stood for at least
        `min_share` of that time (by frames for a photo); None when the view was fine."""
        weights = self.framing_s if sum(self.framing_s.values()) > 0 else self.framing_n
        total = sum(weights.values())
        issues = {k: v for k, v in weights.items() if k != "ok"}
        if total <= 0 or not issues:
            return None
        issue, amount = max(issues.items(), key=lambda kv: kv[1])
        return self.framing_messages.get(issue) if amount >= min_share * total else None

    def view_reason(self, min_s: float = 0.0) -> ViewReason | None:
        """Why the view kept the measures this spec judges unknown longest (core/view.py), or None when it
        never did for at least `min_s` (a person turning round for a moment is no reason)."""
        by_reason: dict[ViewReason, float] = {}
        for (_, why), sec in self.view_unknown_s.items():
            by_reason[ViewReason(why)] = max(by_reason.get(ViewReason(why), 0.0), sec)
        by_reason = {k: v for k, v in by_reason.items() if v >= min_s}
        return max(by_reason, key=lambda k: by_reason[k]) if by_reason else None

    def finish(self) -> "Session":
        """Close what is open at the end of the input (a hold, a set being left)."""
        revised = self.evaluator.finish(self.tail_s)
        self._revise(revised)
        self._release(float("inf"))
        return self
