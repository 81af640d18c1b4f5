"""Running the pose model on fewer frames while the body is still, and decoding ahead on its own thread.

The model costs ~6x the decoding of a frame, and a held position (a plank, a cobra, the top of a bridge) barely
moves: while the pose the model saw last agrees to within `still_frac` of the image with the one it saw at least
as many frames back as a skip takes (`_still_over`), the next frames up to `max_gap_s` later are not shown to the
model; their poses are interpolated linearly between the frames the model saw on either side (so judging still
sees every frame, at its own time). As soon as they differ by more, it sees every frame again. `SeenFrames`
records which frames the model saw, for the report.

The judging can ask for every frame too (`Demand`): while a verdict is being decided (a position being entered or
left, a violation being debounced, a rep under way) the next frames decide it, and skipping one there shifts it.
Interpolation is not what shifts it (replaying an every-frame recording through this sampler changes no verdict
in the accuracy suite); the model is: MediaPipe's tracker and landmark smoothing carry state from frame to frame,
so once it skips, its readings differ from an every-frame run by a few pixels until it has seen every frame
for a while again, and a verdict decided on a slow, settling movement follows those pixels. The caller
(`posecheck.api`, which owns both the stream and the judging) sets `Demand.every_frame` after each frame
is judged; this module never looks at the judging itself.

Why interpolation is safe here: it only bridges gaps where the body moved less than `still_frac` between the
ends, so no interpolated landmark is further than that from a real reading, which is within MediaPipe's own
frame-to-frame jitter on a still body (measured in benchmarks/results/throughput.md).
"""

from __future__ import annotations

import math
import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from posecheck.core.landmarks import Landmark, Pose
from posecheck.io.frames import Frame

__all__ = ["Sampling", "ADAPTIVE", "Demand", "SeenFrames", "estimate_sampled", "Prefetch", "interpolate"]


@dataclass(frozen=True)
class Sampling:
    """How often the model runs: at least every `max_gap_s`, every frame while the body moves."""

    max_gap_s: float = 0.134  # 4 frames at 30 fps; the model still sees ~8 frames a second of a still body
    still_frac: float = 0.006  # of the longer image side: ~4 px at 640 px, inside the model's jitter when still
    # ...and over the span a skip takes (`_still_over`): twice that, as the model's jitter drifts a little over
    # a few frames. At still_frac, slow movements the judging does not need (cat/cow's head between the
    # extremes) were seen whole: the model saw 53% of the 55 rendered clips' frames (cat_cow_a 67%), 48% now.
    span_still_frac: float = 0.012
    min_visibility: float = 0.5

    def stride(self, fps: float) -> int:
        """Frames from one model frame to the next while still (1 = every frame)."""
        return max(1, int(self.max_gap_s * fps + 1e-6))


ADAPTIVE = Sampling()

# The landmarks that carry the judged angles (face and hand detail jitter more and judge nothing).
_BODY = np.array([Landmark.LEFT_EAR, Landmark.RIGHT_EAR, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER,
                  Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST,
                  Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE,
                  Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE])


class Demand:
    """What the judging asks of the sampler, updated by the caller after each frame it judged: `every_frame`
    while the next frames decide a verdict (the sampler then shows the model every frame, moving or not)."""

    __slots__ = ("every_frame",)

    def __init__(self):
        self.every_frame = False


class SeenFrames:
    """The frame indices the model saw, kept as runs `[first, last, step]` (an hour at a steady rate is one run)."""

    def __init__(self):
        self.runs: list[list[int]] = []
        self.count = 0

    def add(self, index: int) -> None:
        self.count += 1
        if self.runs:
            run = self.runs[-1]
            first, last, step = run
            if first == last:  # a run of one frame takes the step of its second
                run[1], run[2] = index, index - last
                return
            if index - last == step:
                run[1] = index
                return
        self.runs.append([index, index, 1])

    def to_list(self) -> list[list[int]]:
        return [list(r) for r in self.runs]


def is_still(a: Pose, b: Pose, width: int, height: int, sampling: Sampling, frac: float | None = None) -> bool:
    """Both detected, and no body landmark visible in both moved more than `frac` (default `still_frac`) of the
    image."""
    if not (a.detected and b.detected):
        return False
    vis = (a.visibility[_BODY] >= sampling.min_visibility) & (b.visibility[_BODY] >= sampling.min_visibility)
    if not vis.any():
        return False
    d = (a.xyz[_BODY, :2] - b.xyz[_BODY, :2])[vis] * (width, height)
    moved = float(np.nanmax(np.hypot(d[:, 0], d[:, 1]))) if np.isfinite(d).any() else math.inf
    return moved <= (sampling.still_frac if frac is None else frac) * max(width, height)


def _still_over(recent: deque, pos: int, pose: Pose, stride: int, width: int, height: int,
                sampling: Sampling) -> bool:
    """Still from the last frame the model saw (within `still_frac`) and over a span as long as the one about
    to be skipped: the pose now against the model's last pose at least `stride` frames back, within
    `span_still_frac` (none yet: not still). Two consecutive frames of a slow move differ by no more than jitter
    (sphinx_hold_b rising from prone: 3-4 px a frame, so every other stretch of the rise was skipped and the
    hold started 0.3 s late); over the span, jitter grows little and movement grows with it."""
    while len(recent) > 1 and recent[1][0] <= pos - stride:
        recent.popleft()
    if not recent or recent[0][0] > pos - stride:
        return False
    return is_still(recent[-1][1], pose, width, height, sampling) and \
        is_still(recent[0][1], pose, width, height, sampling, sampling.span_still_frac)


def interpolate(a: Pose, b: Pose, t_s: float) -> Pose:
    """The pose at `t_s` between two the model saw: linear when both are detected, else the nearer one."""
    span = b.t_s - a.t_s
    w = 0.0 if span <= 0 else min(max((t_s - a.t_s) / span, 0.0), 1.0)
    if not (a.detected and b.detected):
        near = a if w < 0.5 else b
        return Pose(t_s, near.xyz, near.visibility, near.world)
    world = None if a.world is None or b.world is None else a.world + (b.world - a.world) * w
    return Pose(t_s, a.xyz + (b.xyz - a.xyz) * w, a.visibility + (b.visibility - a.visibility) * w, world)


def estimate_sampled(frames: Iterable[Frame], estimate, fps: float, width: int, height: int,
                     sampling: Sampling, seen: SeenFrames,
                     demand: Demand | None = None) -> Iterator[tuple[Frame, Pose]]:
    """`(frame, pose)` for every frame, the model run (`estimate(frame) -> Pose`) only as `sampling` needs.

    Frames between two the model sees wait in a buffer of at most `stride - 1` frames, then get interpolated
    poses; the last frame of the input is always seen by the model. `seen` gets the positions in this stream
    (0 = its first frame, as the report counts frames) of the frames the model saw. `demand` is read after
    the consumer has judged each frame the model saw (a generator resumes only when the next pair is asked
    for), so the judging of that frame decides the next gap."""
    stride = sampling.stride(fps)
    pending: list[Frame] = []
    last: Pose | None = None
    recent: deque[tuple[int, Pose]] = deque()  # the model's poses since the last one `stride` frames back
    gap = 1  # frames from the last model frame to the next one
    pos = -1
    for pos, frame in enumerate(frames):
        if last is not None and len(pending) + 1 < gap:
            pending.append(frame)
            continue
        pose = estimate(frame)
        seen.add(pos)
        for f in pending:
            yield f, interpolate(last, pose, f.t_s)
        pending.clear()
        yield frame, pose
        still = _still_over(recent, pos, pose, stride, width, height, sampling)
        gap = stride if still and not (demand is not None and demand.every_frame) else 1
        recent.append((pos, pose))
        last = pose
    if pending:  # the input ended inside a gap: the model sees its last frame
        end = pending.pop()
        pose = estimate(end)
        seen.add(pos)
        for f in pending:
            yield f, interpolate(last, pose, f.t_s)
        yield end, pose


class Prefetch:
    """Iterates `source` on its own thread, `depth` items ahead (OpenCV decodes without holding the GIL, so
    decoding overlaps the pose model). Errors are raised in the consumer; `close()` stops and joins the thread
    before the caller releases the source."""

    _END = object()

    def __init__(self, source: Iterable, depth: int = 4):
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._it = iter(source)
        self._thread = threading.Thread(target=self._run, name="posecheck-decode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._it:
                if not self._put(item):
                    return
            self._put(self._END)
        except BaseException as e:  # handed to the consumer, raised there
            self._put(e)

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        while True:
            item = self._q.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._q.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)
