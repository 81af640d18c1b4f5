"""The threads of a live session: the pose model on the newest frame, and the video saver."""

from __future__ import annotations

import queue
import threading
import time

import numpy as np

from posecheck.core.landmarks import Pose
from posecheck.io.estimators import PoseEstimator
from posecheck.io.live_frames import NewestFrameReader
from posecheck.render.video import VideoWriter

__all__ = ["PoseWorker", "VideoSaver"]


class VideoSaver:
    """The camera's frames, as seen, to a video (H.264 .mp4) on a writer thread: encoding must not slow the loop.

    Every frame keeps its own time (`VideoWriter` writes variable frame rate), so frames the loop dropped
    leave the gap they left, and `posecheck score` on the video judges what the live session judged.
    Written atomically; an error on the writer thread is raised here, on the next frame or at close."""

    def __init__(self, path, fps: float, width: int, height: int):
        self._writer = VideoWriter(path, width, height, fps)
        self._q: queue.Queue = queue.Queue(maxsize=120)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="posecheck-video", daemon=True)
        self._thread.start()

    def add(self, image: np.ndarray, t_s: float) -> None:
        if self._error is not None:
            raise self._error
        self._q.put((image, t_s))

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._writer.write(*item)
                except BaseException as e:  # handed to the loop's thread
                    self._error = e

    def close(self, ok: bool) -> None:
        self._q.put(None)
        self._thread.join()
        self._writer.close(commit=ok and self._error is None and self._writer.frames > 0)
        if ok and self._error is not None:
            raise self._error


class PoseWorker:
    """Runs the pose model on its own thread, one frame ahead of the judge-and-draw thread.

    While the main thread judges, draws and shows frame N, the model already works on the newest frame
    after it: on 2 cores drawing (~3 ms) and showing (~4 ms) then cost no frame rate. One result waits at
    most (a 1-slot queue): when the main thread is slower, the model waits, then takes the newest frame.
    Every frame taken is judged, in order, so `drop=False` still judges every frame of a file.
    """

    END, STALLED = "end", "stalled"

    def __init__(self, frames: NewestFrameReader, est: PoseEstimator, stall_s: float):
        self.frames, self.est, self.stall_s = frames, est, stall_s
        self._q: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="posecheck-pose", daemon=True)
        self._thread.start()

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        last = time.monotonic()
        try:
            while not self._stop.is_set():
                try:
                    arrival = self.frames.get(timeout=0.1)
                except TimeoutError:
                    if self.frames.paused:
                        last = time.monotonic()  # a pause is not a camera that stopped
                    elif time.monotonic() - last > self.stall_s:
                        self._put(self.STALLED)
                        return
                    continue
                if arrival is None:
                    self._put(self.END)
                    return
                last = time.monotonic()
                t0 = time.perf_counter()
                item = arrival.item
                pose = item if isinstance(item, Pose) else self.est.estimate(item)
                self._put((arrival, pose, time.perf_counter() - t0))
        except BaseException as e:  # handed to the main thread, raised there
            self._put(e)

    def get(self):
        """(arrival, pose, pose_s), or END / STALLED; re-raises the worker's error."""
        while True:
            try:
                item = self._q.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)
