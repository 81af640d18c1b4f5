"""A routine, live: camera (or a file played as if it were one) -> pose model -> RoutineRunner -> told, shown.

    from posecheck.io.live_frames import open_live_frames
    from posecheck.routine import load_routine, run_routine
    with open_live_frames(source="back.mp4", realtime=False) as frames:
        result = run_routine(load_routine("back_quick"), frames, on_event=print)
    result.report.to_dict()        # posecheck.routine/1

Each step is judged by the same `Session` as `score` and `live`. Keys in the window: s stops the session at
once (stop on pain: recorded as why it ended), q / Esc quit, space pause. Ctrl-C ends it too, and the
report (and the history) still says what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from posecheck.core.landmarks import Pose
from posecheck.io.estimators import PoseEstimator, create_estimator
from posecheck.io.frames import Frame
from posecheck.io.live_frames import NewestFrameReader
from posecheck.live.coach import LiveEvent, _spoken
from posecheck.live.display import KEY_PAUSE, KEY_QUIT, Display
from posecheck.live.voice import Voice
from posecheck.render.annotators import Overlay
from posecheck.routine.model import LoadedRoutine
from posecheck.routine.panel import RoutinePanel
from posecheck.routine.report import RoutineReport, build_routine_report
from posecheck.routine.runner import RoutineRunner

__all__ = ["run_routine", "RoutineResult", "KEY_STOP", "STOPPED_ON_PAIN"]

KEY_STOP = (ord("s"), ord("S"))
STOPPED_ON_PAIN = "stop key (stop on pain)"
SPOKEN = ("cue", "step", "set", "rest", "target", "breath", "info", "guide")


@dataclass
class RoutineResult:
    report: RoutineReport
    events: list[LiveEvent]
    ended_by: str
    last_image: np.ndarray | None = None


def _ended_by(key: int | None) -> str | None:
    """What a key press ends the routine with (the stop key: stopped on pain), or None."""
    if key in KEY_STOP:
        return STOPPED_ON_PAIN
    if key in KEY_QUIT:
        return "quit"
    return None


def run_routine(routine: LoadedRoutine, frames: NewestFrameReader, *, estimator: PoseEstimator | None = None,
                model=None, model_complexity: int = 1, display: Display | None = None, voice: Voice | None = None,
                on_event: Callable[[LiveEvent], None] | None = None, mirror: bool = True, stall_s: float = 5.0,
                wait_s: float = 120.0, count_breaths: bool = False) -> RoutineResult:
    """Follow one routine until it is done, the input ends, the stop key, a quit, Ctrl-C or a stalled camera."""
    info = frames.info
    est, own = estimator, False
    if est is None and info.kind != "recording":
        est, own = create_estimator(model, model_complexity), True
    runner = RoutineRunner(routine, info, est.name if est is not None else "recording", wait_s=wait_s,
                           count_breaths=count_breaths)
    overlays: dict[str, Overlay] = {}
    panel = RoutinePanel(info.height) if display is not None else None
    canvas = np.full((info.height, info.width, 3), 40, np.uint8)
    last_image = None
    ended_by = None
    paused = False

    def tell(evs: list[LiveEvent]) -> None:
        for ev in evs:
            if on_event is not None:
                on_event(ev)
            if voice is not None and ev.kind in SPOKEN:
                voice.say(_spoken(ev), ev.priority)

    try:
        t_s = 0.0
        while not runner.done:
            if paused:
                key = display.poll(30) if display is not None else None
                if (ended := _ended_by(key)) is not None:
                    tell([runner.stop(t_s, ended)])
                    break
                if key in KEY_PAUSE:
                    paused = False
                    frames.resume()
                continue
            try:
                arrival = frames.get(timeout=stall_s)
            except TimeoutError:
                ended_by = "camera stopped"
                break
            if arrival is None:
                break
            item = arrival.item
            frame, pose = (None, item) if isinstance(item, Pose) else (item, est.estimate(item))
            t_s = pose.t_s
            evs = runner.step(pose)
            tell(evs)
            if display is None:
                continue
            cur = runner.current or runner.steps[-1]
            ov = overlays.setdefault(cur.spec.name, Overlay(cur.spec, info.width, info.height, mirror=mirror))
            image = frame.image.copy() if isinstance(frame, Frame) else canvas.copy()
            fr = runner.frame
            if fr is not None:
                image = ov.annotate(image, pose, fr, runner.cue.text if runner.cue else None, None, [])
            image = np.hstack([image, panel.draw(runner, t_s)])
            last_image = image
            key = display.show(image)
            if (ended := _ended_by(key)) is not None:
                tell([runner.stop(t_s, ended)])
                break
            if key in KEY_PAUSE:
                paused = True
                frames.pause()
    except KeyboardInterrupt:
        runner.stop(runner.t_s, "interrupted")
    finally:
        frames.close()
        if own and est is not None:
            est.close()
        if display is not None:
            display.close()
    if ended_by is not None:
        runner.ended_by = ended_by
    report = build_routine_report(runner, partial=runner.ended_by == "interrupted")
    if voice is not None:
        voice.close(finish_s=2.0)
    return RoutineResult(report, runner.events, runner.ended_by, last_image)
