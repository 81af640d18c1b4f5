"""The Python API: everything the CLI does, callable from Python.

    >>> import posecheck
    >>> report = posecheck.score("sample_videos/plank_sag_a.mp4", exercise="plank")
    >>> report.summary.good_hold_s, [c.text for c in report.cues]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .recording import RecordingHeader, RecordingWriter
from .report import Report
from .session import Session
from .sources import PoseStream, open_poses
from .specs import Spec, load_spec

__all__ = ["score", "score_stream", "record", "ProgressFn"]

ProgressFn = Callable[[int, float], None]  # (frames done, t_s of the last frame)


def _spec(exercise: str | Spec, specs_dirs=None) -> Spec:
    return exercise if isinstance(exercise, Spec) else load_spec(exercise, specs_dirs)


def score_stream(stream: PoseStream, spec: Spec, progress: ProgressFn | None = None,
                 on_step=None) -> Report:
    """Judge an open pose stream. Ctrl-C ends it early with a report marked partial."""
    session = Session(spec, stream.info, stream.estimator_name)
    partial = False
    try:
        for i, (frame, pose) in enumerate(stream, 1):
            step = session.step(pose)
            if on_step is not None:
                on_step(frame, pose, step)
            if progress is not None:
                progress(i, pose.t_s)
    except KeyboardInterrupt:
        partial = True
    return session.report(partial=partial)


def score(path: str | os.PathLike, exercise: str | Spec = "plank", *, model: str | os.PathLike | None = None,
          model_complexity: int = 1, specs_dirs=None, progress: ProgressFn | None = None) -> Report:
    """Score a video, still image or landmark recording against an exercise spec; returns the report."""
    spec = _spec(exercise, specs_dirs)
    with open_poses(path, model=model, model_complexity=model_complexity) as stream:
        return score_stream(stream, spec, progress)


def record(path: str | os.PathLike, out: str | os.PathLike, *, model: str | os.PathLike | None = None,
           model_complexity: int = 1, progress: ProgressFn | None = None) -> int:
    """Run the pose model over a video and write a landmark recording (atomically). Returns the frame count."""
    with open_poses(path, model=model, model_complexity=model_complexity) as stream:
        info = stream.info
        header = RecordingHeader(width=info.width, height=info.height, fps=info.fps, source=Path(path).name)
        n = 0
        with RecordingWriter(out, header) as w:
            for n, (_frame, pose) in enumerate(stream, 1):
                w.write(pose)
                if progress is not None:
                    progress(n, pose.t_s)
        return n
