"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Iterator

from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.errors import SourceOpenError, TimestampError
from posecheck.io.estimators import PoseEstimator, create_estimator
from posecheck.io.frames import Frame, open_frames
from posecheck.io.recording import is_recording, read_recording

__all__ = ["ReplaySource", "PoseStream", "open_poses"]


class ReplaySource:
    """Poses from a landmark recording: the test seam, no model or OpenCV involved."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.header, self._frames = read_recording(self.path)
        h = self.header
        self.info = SourceInfo(str(self.path), "recording", h.width, h.height, h.fps, None)

    def __iter__(self) -> Iterator[Pose]:
        return self._frames

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close:
            close()


class PoseStream:
    """`(frame, pose)` pairs from any input; a context manager that releases the source and model."""

    def __init__(self, info: SourceInfo, pairs: Iterator[tuple[Frame | None, Pose]], closers=(),
                 estimator_name: str = "recording"):
        self.info = info
        self._pairs = pairs
        self._closers = list(closers)
        self.estimator_name = estimator_name

    def __iter__(self) -> Iterator[tuple[Frame | None, Pose]]:
        return self._pairs

    def close(self) -> None:
        for c in self._closers:
            c()
        self._closers.clear()

    def __enter__(self) -> "PoseStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _estimate_all(frames, estimator: PoseEstimator) -> Iterator[tuple[Frame, Pose]]:
    last_t = -math.inf
    for frame in frames:
        if frame.t_s <= last_t:
            raise TimestampError(f"frame {frame.index}: time {frame.t_s:.3f} s does not increase")
        last_t = frame.t_s
        yield frame, estimator.estimate(frame)


def open_poses(path: str | os.PathLike, *, model: str | os.PathLike | None = None,
               model_complexity: int = 1, estimator: PoseEstimator | None = None) -> PoseStream:
    """Open a video, still image or landmark recording and stream its poses.

    A recording is replayed as is (no model runs); a video or image goes through the pose model.
    """
    p = Path(path)
    if not p.exists():
        raise SourceOpenError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise SourceOpenError(f"{p} is a directory; give a video, image or landmark recording (.jsonl)")
    if is_recording(p):
        replay = ReplaySource(p)
        return PoseStream(replay.info, ((None, pose) for pose in replay), [replay.close])
    frames = open_frames(p)
    try:
        est = estimator or create_estimator(model, model_complexity, still_image=frames.info.kind == "image")
    except BaseException:
        frames.close()
        raise
    closers = [frames.close] + ([est.close] if estimator is None else [])
    return PoseStream(frames.info, _estimate_all(frames, est), closers, est.name)
