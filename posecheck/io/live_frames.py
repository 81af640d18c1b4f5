"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from posecheck.core.landmarks import SourceInfo
from posecheck.errors import SourceOpenError
from posecheck.io.frames import IMAGE_SUFFIXES, CameraSource, VideoSource
from posecheck.io.recording import is_recording
from posecheck.io.streams import ReplaySource

__all__ = ["Arrival", "NewestFrameReader", "open_live_frames"]


@dataclass(frozen=True)
class Arrival:
    """An item handed to a live consumer: a `Frame` (or a `Pose`, when replaying a recording).

    `arrived_s` is the reader's clock (`time.perf_counter()`) when the item became available: when the camera
    delivered it, or when a paced file reached its presentation time. Latency is measured from there.
    `dropped` counts the items that arrived, and were replaced by newer ones, since the previous hand-out.
    """

    item: object
    arrived_s: float
    dropped: int = 0

    @property
    def t_s(self) -> float:
        return self.item.t_s


class NewestFrameReader:
    """Reads a source on its own thread and hands out only the newest item: never a queue of stale frames.

    - a camera is read as fast as it delivers (its own pace), a file with `pace=True` at the pace of its
      timestamps, as if it were a camera; an item the consumer did not take before the next one arrived is
      dropped (counted in `dropped`);
    - `drop=False` drops nothing: the reader waits for the consumer (a file then plays as fast as it is
      judged; with `pace=True` it never runs ahead of real time). For comparisons with offline scoring;
    - `pause()` stops time: a paced file stops playing; a camera's frames are discarded while paused and later
      timestamps are shifted back by the pause, so the judge sees continuous time either way;
    - items are anything with `t_s` (`Frame`, or `Pose` from a recording); the iterable may block (a camera).
    """

    def __init__(self, items: Iterable, info: SourceInfo, *, pace: bool = False, drop: bool = True,
                 closers=(), clock=time.perf_counter):
        self.info = info
        self.pace, self.drop = pace, drop
        self._items = items
        self._closers = list(closers)
        self._clock = clock
        self._cond = threading.Condition()
        self._slot: Arrival | None = None
        self._ended = False
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._paused_since: float | None = None
        self._paused_total_s = 0.0
        self.delivered = 0  # items that arrived from the source
        self.dropped = 0  # of which replaced before the consumer took them
        self.taken = 0
        self._pending_drops = 0
        self._thread = threading.Thread(target=self._run, name="posecheck-reader", daemon=True)
        self._started = False

    # --- reader thread ---------------------------------------------------------------------------------
    def _wait_until(self, deadline: float) -> bool:
        """Sleep until `deadline` on the clock, longer while paused; False when asked to stop."""
        while not self._stop.is_set():
            with self._cond:
                paused = self._paused_since is not None
                target = deadline + self._paused_total_s
            if paused:
                self._stop.wait(0.02)
                continue
            left = target - self._clock()
            if left <= 0:
                return True
            self._stop.wait(min(left, 0.05))
        return False

    def _run(self) -> None:
        start = None
        first_t = 0.0
        try:
            for item in self._items:
                if self._stop.is_set():
                    break
                if self.pace:
                    if start is None:
                        start, first_t = self._clock(), item.t_s
                    if not self._wait_until(start + (item.t_s - first_t)):
                        break
                live_clock = not self.pace and self.drop  # a camera: time runs whether we read or not
                with self._cond:
                    if live_clock:
                        if self._paused_since is not None:
                            continue  # a paused camera: its frames are not judged
                        if self._paused_total_s:
                            item = replace(item, t_s=item.t_s - self._paused_total_s)
                    if not self.drop:
                        while (self._slot is not None or self._paused_since is not None) \
                                and not self._stop.is_set():
                            self._cond.wait(0.05)
                    self.delivered += 1
                    if self._slot is not None:
                        self.dropped += 1
                        self._pending_drops += 1
                    self._slot = Arrival(item, self._clock(), self._pending_drops)
                    self._cond.notify_all()
        except BaseException as e:  # surfaced in the consumer's thread by get()
            self._error = e
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    # --- consumer ----------------------------------------------------------------------------------------
    def start(self) -> "NewestFrameReader":
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def get(self, timeout: float | None = None) -> Arrival | None:
        """The newest item not yet handed out; waits for one. None at the end of the source.

        Raises TimeoutError when nothing arrives within `timeout` seconds (a camera that stopped delivering),
        and re-raises an error of the reader thread (a broken file).
        """
        self.start()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._slot is None:
                if self._error is not None:
                    raise self._error
                if self._ended:
                    return None
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(f"no frame for {timeout:g} s")
                self._cond.wait(0.1 if left is None else min(left, 0.1))
            arrival, self._slot = self._slot, None
            self._pending_drops = 0
            self.taken += 1
            self._cond.notify_all()
            return arrival

    @property
    def paused(self) -> bool:
        return self._paused_since is not None

    def pause(self) -> None:
        with self._cond:
            if self._paused_since is None:
                self._paused_since = self._clock()
                self._slot = None  # the frame waiting now would be judged after the pause: stale

    def resume(self) -> None:
        with self._cond:
            if self._paused_since is not None:
                self._paused_total_s += self._clock() - self._paused_since
                self._paused_since = None

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._started:
            # A camera read can block for a while; the thread is a daemon, so do not wait forever.
            self._thread.join(timeout=2.0)
            if self._thread.is_alive():
                # Still blocked in a read (a stalled pipe or camera): releasing the source under it would
                # fail or crash native code; the daemon thread and its source end with the process.
                self._closers.clear()
                return
        for c in self._closers:
            c()
        self._closers.clear()

    def __enter__(self) -> "NewestFrameReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_live_frames(source: str | os.PathLike | None = None, camera: int = 0, *, realtime: bool = True,
                     width: int = 640, height: int = 480) -> NewestFrameReader:
    """The input of live coaching: camera `camera`, or the file `source` played as if it were a camera.

    A video file plays at its own timestamps (`realtime=True`, dropping what the judge cannot keep up with)
    or as fast as it is judged, every frame (`realtime=False`); a landmark recording replays its poses the
    same way (no model). A camera always runs at its own pace, newest frame only.
    """
    if source is None:
        # OpenCV prints its own warnings for a missing camera; the SourceOpenError says it in one line.
        try:
            cam = CameraSource(camera, width, height)
        except SourceOpenError as e:
            if not str(e).startswith("no camera at index") or not sys.platform.startswith("linux"):
                raise
            import glob
            found = sorted(glob.glob("/dev/video*"))
            seen = f"devices here: {', '.join(found)}" if found else "this machine has no /dev/video* device"
            other = 1 if camera == 0 else 0
            raise SourceOpenError(
                f"no camera at index {camera} (tried /dev/video{camera}; {seen}); pick another with "
                f"--camera {other}, or play a video as if it were the camera with --source VIDEO") from None
        return NewestFrameReader(cam, cam.info, pace=False, drop=True, closers=[cam.close])
    p = Path(source)
    if not p.exists():
        raise SourceOpenError(f"{p}: no such file; check the path (or use --camera INDEX for a camera)")
    if p.is_dir():
        raise SourceOpenError(f"{p} is a directory; give a video file or a landmark recording (.jsonl)")
    if is_recording(p):
        replay = ReplaySource(p)
        return NewestFrameReader(iter(replay), replay.info, pace=realtime, drop=realtime, closers=[replay.close])
    if p.suffix.lower() in IMAGE_SUFFIXES:
        raise SourceOpenError(f"{p} is a still image; live coaching needs a video (use `posecheck score` for images)")
    video = VideoSource(p)
    return NewestFrameReader(iter(video), video.info, pace=realtime, drop=realtime, closers=[video.close])
