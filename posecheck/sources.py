"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator, Protocol

import numpy as np

from .errors import ModelError, SourceOpenError, TimestampError
from .landmarks import Pose
from .recording import read_recording, is_recording

__all__ = [
    "Frame", "SourceInfo", "VideoSource", "ImageSource", "CameraSource", "PoseEstimator",
    "LegacyPoseEstimator", "TasksPoseEstimator", "ReplaySource", "PoseStream", "open_poses",
    "open_frames", "IMAGE_SUFFIXES", "create_estimator", "Arrival", "NewestFrameReader", "open_live_frames",
]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
TASKS_MODEL_HELP = (
    "download pose_landmarker_full.task (or _lite/_heavy) from "
    "https://ai.google.dev/edge/mediapipe/solutions/vision/pose_landmarker#models and pass --model PATH.task"
)


@dataclass(frozen=True)
class Frame:
    """A decoded BGR image and its time in seconds from the start of the source."""

    image: np.ndarray
    t_s: float
    index: int


@dataclass(frozen=True)
class SourceInfo:
    path: str
    kind: str  # "video" | "image" | "camera" | "recording"
    width: int
    height: int
    fps: float
    frames: int | None = None  # as the container says; None when unknown (camera)

    @property
    def duration_s(self) -> float | None:
        return None if self.frames is None else self.frames / self.fps


class _NativeStderr:
    """MediaPipe's C++ core and FFmpeg write chatter (TFLite, absl, "moov atom not found") straight to fd 2.

    While a model or decoder is open, fd 2 points at /dev/null and Python's sys.stderr at a duplicate of the
    real stderr, so our own messages (progress, `Error: ...`) still reach the user and the chatter does not.
    Errors still surface as exceptions. POSECHECK_DEBUG=1 (set by --debug) shows everything. Reference-counted.
    """

    def __init__(self):
        self._depth = 0
        self._saved_fd: int | None = None
        self._saved_stderr = None

    def acquire(self) -> None:
        if os.environ.get("POSECHECK_DEBUG") == "1":
            return
        self._depth += 1
        if self._depth > 1:
            return
        try:
            sys.stderr.flush()
            saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            self._depth -= 1
            return
        self._saved_fd, self._saved_stderr = saved, sys.stderr
        try:
            sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=getattr(sys.stderr, "encoding", None)
                                   or "utf-8", errors="replace")
        except (OSError, ValueError):
            pass

    def release(self) -> None:
        if os.environ.get("POSECHECK_DEBUG") == "1" or self._depth == 0:
            return
        self._depth -= 1
        if self._depth > 0 or self._saved_fd is None:
            return
        try:
            if sys.stderr is not self._saved_stderr:
                sys.stderr.flush()
                sys.stderr.close()
            os.dup2(self._saved_fd, 2)
            os.close(self._saved_fd)
        finally:
            sys.stderr = self._saved_stderr
            self._saved_fd = None


_native_stderr = _NativeStderr()


@contextlib.contextmanager
def _quiet_native_stderr(active: bool = True):
    if not active:
        yield
        return
    _native_stderr.acquire()
    try:
        yield
    finally:
        _native_stderr.release()


def _cv2():
    import cv2  # imported lazily: replaying a recording needs no OpenCV

    return cv2


def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise SourceOpenError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise SourceOpenError(f"{path} is a directory; give a {what} file")
    if path.stat().st_size == 0:
        raise SourceOpenError(f"{path} is empty (0 bytes); give a {what} file")
    if not os.access(path, os.R_OK):
        raise SourceOpenError(f"{path}: permission denied")


class VideoSource:
    """Frames of a video file through OpenCV, upright (rotation metadata applied)."""

    def __init__(self, path: str | os.PathLike):
        cv2 = _cv2()
        self.path = Path(path)
        _check_file(self.path, "video")
        # FFmpeg reports a broken file on fd 2 ("moov atom not found"); we say it in one line instead.
        with _quiet_native_stderr():
            self._cap = cv2.VideoCapture(str(self.path))
            opened = self._cap.isOpened()
            if opened:
                # Phone videos store sideways pixels plus a rotation tag; this OpenCV build ignores the tag
                # unless asked, and angles measured on a sideways person are nonsense.
                self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
            ok, first = self._cap.read() if opened else (False, None)
        if not opened:
            raise SourceOpenError(f"{self.path} is not a video OpenCV can read (unknown or corrupt format)")
        if not ok or first is None:
            self._cap.release()
            raise SourceOpenError(f"{self.path}: no frame could be decoded (a zero-frame or corrupt video)")
        self._first = first
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not (math.isfinite(fps) and 1.0 <= fps <= 1000.0):
            fps = 30.0  # unknown rate: timestamps still come from the container where it has them
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        h, w = first.shape[:2]
        self.info = SourceInfo(str(self.path), "video", w, h, fps, count if count > 0 else None)

    def __iter__(self) -> Iterator[Frame]:
        cv2 = _cv2()
        fps = self.info.fps
        index, last_t = 0, -math.inf
        image = self._first
        while image is not None:
            t_ms = self._cap.get(cv2.CAP_PROP_POS_MSEC)
            t_s = t_ms / 1000.0 if t_ms and t_ms > 0 else index / fps
            if index == 0:
                t_s = 0.0 if not (t_ms and t_ms > 0) else t_s
            if t_s <= last_t:
                # Containers with broken timestamps: fall back to the frame clock, still increasing.
                t_s = max(index / fps, last_t + 1e-3)
            yield Frame(image, t_s, index)
            last_t = t_s
            index += 1
            ok, image = self._cap.read()
            if not ok:
                image = None

    def close(self) -> None:
        self._cap.release()


class ImageSource:
    """A still image judged as a one-frame video."""

    def __init__(self, path: str | os.PathLike):
        cv2 = _cv2()
        self.path = Path(path)
        _check_file(self.path, "image")
        image = cv2.imread(str(self.path), cv2.IMREAD_COLOR)
        if image is None:
            raise SourceOpenError(f"{self.path} is not an image OpenCV can read (corrupt or unknown format)")
        self._image = image
        h, w = image.shape[:2]
        self.info = SourceInfo(str(self.path), "image", w, h, 1.0, 1)

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(self._image, 0.0, 0)

    def close(self) -> None:
        pass


class CameraSource:
    """A live camera; time is the monotonic clock from the first frame (the one place the clock is used)."""

    def __init__(self, index: int = 0, width: int = 640, height: int = 480):
        cv2 = _cv2()
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            raise SourceOpenError(
                f"no camera at index {index} (tried /dev/video{index}); pick another with --camera 1, "
                "or use --source VIDEO to play a file as if it were a camera")
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # always the newest frame, never a stale queue
        ok, first = self._cap.read()
        if not ok or first is None:
            self._cap.release()
            raise SourceOpenError(f"camera {index} opened but delivers no frames; try --camera {index + 1}")
        self._first = first
        h, w = first.shape[:2]
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self.info = SourceInfo(f"camera:{index}", "camera", w, h, fps if fps > 0 else 30.0, None)

    def __iter__(self) -> Iterator[Frame]:
        t0 = time.monotonic()
        image, index = self._first, 0
        while image is not None:
            yield Frame(image, time.monotonic() - t0, index)
            index += 1
            ok, image = self._cap.read()
            if not ok:
                image = None  # the camera stopped delivering: end the stream cleanly

    def close(self) -> None:
        self._cap.release()


def open_frames(path: str | os.PathLike):
    """A frame source for a file: an image by its suffix, else a video."""
    p = Path(path)
    if p.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(p)
    return VideoSource(p)


class PoseEstimator(Protocol):
    """Turns a frame into a Pose; frames must come in increasing time."""

    name: str

    def estimate(self, frame: Frame) -> Pose: ...

    def close(self) -> None: ...


_LEGACY_MODELS = {0: "pose_landmark_lite.tflite", 1: "pose_landmark_full.tflite", 2: "pose_landmark_heavy.tflite"}


class LegacyPoseEstimator:
    """MediaPipe's legacy `solutions.pose` (BlazePose). Complexity 1 is bundled in mediapipe 0.10.21."""

    def __init__(self, model_complexity: int = 1, static_image_mode: bool = False,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        if model_complexity not in _LEGACY_MODELS:
            raise ModelError(f"model complexity must be 0, 1 or 2, not {model_complexity}")
        try:
            import mediapipe as mp
            solutions = mp.solutions
        except (ImportError, AttributeError) as e:
            raise ModelError(
                "the legacy MediaPipe pose API is not available (install mediapipe==0.10.21, or use a "
                f"PoseLandmarker model with --model PATH.task): {e}") from None
        model_file = Path(mp.__file__).parent / "modules" / "pose_landmark" / _LEGACY_MODELS[model_complexity]
        _native_stderr.acquire()  # held until close(): the graph logs at any frame, not only at start
        self._quiet = True
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # "Downloading model to ..." is a print()
                self._pose = solutions.pose.Pose(
                    static_image_mode=static_image_mode, model_complexity=model_complexity,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence)
        except Exception as e:  # MediaPipe raises bare errors; a missing model is a download that failed
            self.close()
            if not model_file.exists():
                raise ModelError(
                    f"model complexity {model_complexity} needs {model_file.name}, which MediaPipe downloads on "
                    "first use and could not (offline?); use --model-complexity 1 (bundled), or copy the file "
                    f"to {model_file.parent}") from None
            raise ModelError(f"MediaPipe pose failed to start: {e}") from None
        self.name = f"mediapipe-legacy-pose-c{model_complexity}"

    def estimate(self, frame: Frame) -> Pose:
        cv2 = _cv2()
        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        try:
            result = self._pose.process(rgb)
        except Exception as e:
            raise ModelError(f"MediaPipe pose failed on frame {frame.index}: {e}") from None
        if result.pose_landmarks is None:
            return Pose.absent(frame.t_s)
        world = result.pose_world_landmarks.landmark if result.pose_world_landmarks else None
        return Pose.from_landmark_list(frame.t_s, result.pose_landmarks.landmark, world)

    def close(self) -> None:
        pose = getattr(self, "_pose", None)
        if pose is not None:
            pose.close()
            self._pose = None
        if getattr(self, "_quiet", False):
            self._quiet = False
            _native_stderr.release()


class TasksPoseEstimator:
    """MediaPipe Tasks `PoseLandmarker` (mediapipe >= 0.10.x) with a user-given `.task` model file."""

    def __init__(self, model_path: str | os.PathLike, video_mode: bool = True,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        p = Path(model_path)
        if not p.is_file():
            raise ModelError(f"{p}: no such model file; {TASKS_MODEL_HELP}")
        if p.suffix != ".task":
            raise ModelError(f"{p} is not a .task model bundle; {TASKS_MODEL_HELP}")
        try:
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions
            from mediapipe.tasks.python import vision
        except ImportError as e:
            raise ModelError(f"the MediaPipe Tasks API is not available: {e}") from None
        self._mp = mp
        mode = vision.RunningMode.VIDEO if video_mode else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(p)), running_mode=mode, num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence, output_segmentation_masks=False)
        _native_stderr.acquire()
        self._quiet = True
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except Exception as e:
            self.close()
            raise ModelError(f"{p}: MediaPipe could not load this model ({e}); {TASKS_MODEL_HELP}") from None
        self._video = video_mode
        self._last_ms = -1
        self.name = f"mediapipe-tasks:{p.name}"

    def estimate(self, frame: Frame) -> Pose:
        cv2 = _cv2()
        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        try:
            if self._video:
                # The Tasks API needs strictly increasing integer milliseconds.
                t_ms = max(int(round(frame.t_s * 1000)), self._last_ms + 1)
                self._last_ms = t_ms
                result = self._landmarker.detect_for_video(image, t_ms)
            else:
                result = self._landmarker.detect(image)
        except Exception as e:
            raise ModelError(f"PoseLandmarker failed on frame {frame.index}: {e}") from None
        if not result.pose_landmarks:
            return Pose.absent(frame.t_s)
        world = result.pose_world_landmarks[0] if result.pose_world_landmarks else None
        return Pose.from_landmark_list(frame.t_s, result.pose_landmarks[0], world)

    def close(self) -> None:
        lm = getattr(self, "_landmarker", None)
        if lm is not None:
            lm.close()
            self._landmarker = None
        if getattr(self, "_quiet", False):
            self._quiet = False
            _native_stderr.release()


def create_estimator(model: str | os.PathLike | None = None, model_complexity: int = 1,
                     still_image: bool = False) -> PoseEstimator:
    """`model` a `.task` file selects the Tasks API; otherwise the legacy pose of that complexity."""
    if model is not None:
        return TasksPoseEstimator(model, video_mode=not still_image)
    return LegacyPoseEstimator(model_complexity=model_complexity, static_image_mode=still_image)


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


# --- live input: the newest frame only -------------------------------------------------------------------


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
            with _quiet_native_stderr():
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
