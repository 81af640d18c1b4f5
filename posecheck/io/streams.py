"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Iterator

from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.errors import SourceOpenError, TimestampError
from posecheck.io.estimators import PoseEstimator, create_estimator
from posecheck.io.frames import Frame, open_frames
from posecheck.io.ranges import InputRange, parse_input
from posecheck.io.recording import is_recording, read_recording
from posecheck.io.sampling import Demand, Prefetch, Sampling, SeenFrames, estimate_sampled

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
                 estimator_name: str = "recording", warnings: list[str] | None = None,
                 seen: SeenFrames | None = None, demand: Demand | None = None):
        self.info = info
        self._pairs = pairs
        self._closers = list(closers)
        self.estimator_name = estimator_name
        # What the user should know about the input (frames missing, an impossible frame rate); the source
        # adds to it while it is read, so it is complete at the end of the stream.
        self.warnings: list[str] = warnings if warnings is not None else []
        # Which frames the model saw, when it skipped some (None: every frame it was given, or a recording).
        self.seen = seen
        # What the judging asks of the sampler (None: the model sees every frame it is given anyway).
        self.demand = demand

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


def _increasing(frames, rng: InputRange) -> Iterator[Frame]:
    """The frames of the range, their times checked to increase."""
    last_t = -math.inf
    for frame in frames:
        if frame.t_s <= last_t:
            raise TimestampError(f"frame {frame.index}: time {frame.t_s:.3f} s does not increase")
        last_t = frame.t_s
        if frame.t_s > rng.end_s + 1e-9:
            return
        if rng.contains(frame.t_s):  # the model runs only on the frames of the range
            yield frame


def _estimate_all(frames, estimator: PoseEstimator, rng: InputRange) -> Iterator[tuple[Frame, Pose]]:
    for frame in _increasing(frames, rng):
        yield frame, estimator.estimate(frame)


def _in_range(poses, rng: InputRange) -> Iterator[tuple[None, Pose]]:
    for pose in poses:
        if pose.t_s > rng.end_s + 1e-9:
            return
        if rng.contains(pose.t_s):
            yield None, pose


def _ranged(info: SourceInfo, rng: InputRange) -> SourceInfo:
    """The source as a report names it: `clip.mp4@3-9`; its frame count is no longer the container's."""
    if rng.whole:
        return info
    return dataclasses.replace(info, path=rng.full_label, frames=None)


def open_poses(path: str | os.PathLike | InputRange, *, model: str | os.PathLike | None = None,
               model_complexity: int = 1, estimator: PoseEstimator | None = None,
               sampling: Sampling | None = None) -> PoseStream:
    """Open a video, still image or landmark recording and stream its poses.

    `path` may take a part of the input, ``clip.mp4@3-9`` (seconds of its own clock; see `parse_input`).
    A recording is replayed as is (no model runs); a video or image goes through the pose model, on every
    frame, or with `sampling` (e.g. `posecheck.io.sampling.ADAPTIVE`) only as often as the body moves, the
    poses between interpolated (`stream.seen` then says which frames the model saw; setting
    `stream.demand.every_frame` asks for every frame while it is set) and frames decoded ahead on their own
    thread.
    """
    rng = path if isinstance(path, InputRange) else parse_input(path)
    p = Path(rng.path)
    if not p.exists():
        raise SourceOpenError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise SourceOpenError(f"{p} is a directory; give a video, image or landmark recording (.jsonl)")
    if is_recording(p):
        replay = ReplaySource(p)
        return PoseStream(_ranged(replay.info, rng), _in_range(replay, rng), [replay.close])
    frames = open_frames(p)
    if frames.info.kind == "image" and not rng.whole:
        frames.close()
        raise SourceOpenError(f"{rng.full_label}: a photo has no time range; give the photo alone")
    try:
        est = estimator or create_estimator(model, model_complexity, still_image=frames.info.kind == "image",
                                            skips_frames=sampling is not None)
    except BaseException:
        frames.close()
        raise
    closers = [frames.close] + ([est.close] if estimator is None else [])
    info = _ranged(frames.info, rng)
    warnings = getattr(frames, "warnings", None)
    if sampling is None or info.kind != "video":
        return PoseStream(info, _estimate_all(frames, est, rng), closers, est.name, warnings)
    ahead = Prefetch(frames)
    seen, demand = SeenFrames(), Demand()
    pairs = estimate_sampled(_increasing(ahead, rng), est.estimate, info.fps, info.width, info.height, sampling,
                             seen, demand)
    # The decoding thread stops before the source it reads is released.
    return PoseStream(info, pairs, [ahead.close] + closers, est.name, warnings, seen, demand)
