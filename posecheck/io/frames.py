"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import logging

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from posecheck.core.landmarks import SourceInfo
from posecheck.errors import SourceOpenError

log = logging.getLogger(__name__)  # messages for a program using posecheck; the CLI prints the report's
__all__ = ["Frame", "SourceInfo", "VideoSource", "ImageSource", "CameraSource", "open_frames", "IMAGE_SUFFIXES",
           "frames_read_warning"]


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


@dataclass(frozen=True)
class Frame:
    """A decoded BGR image and its time in seconds from the start of the source."""

    image: np.ndarray
    t_s: float
    index: int


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


DEFAULT_FPS = 30.0


def _avi_header_fps(path: Path) -> float | None:
    """The frame rate an AVI's video stream header states (FFmpeg silently replaces a rate of 0 by 25, so
    it is read here); None for other containers or when not found."""
    import struct

    if path.suffix.lower() != ".avi":
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return None
    i = head.find(b"strh")
    while i >= 0 and head[i + 8: i + 12] != b"vids":  # the first stream header of a video stream
        i = head.find(b"strh", i + 4)
    if i < 0 or len(head) < i + 36:
        return None
    scale, rate = struct.unpack_from("<II", head, i + 28)  # 'strh', size, 'vids', handler, flags, ..
    return rate / scale if scale else 0.0


def frames_read_warning(read: int, announced: int | None) -> str | None:
    """The warning for a video that gave fewer frames than its container announced (it ends early, or a
    corrupt stretch stopped the decoder); None when the counts agree within a frame or 1%."""
    if not announced or announced - read < max(2, 0.01 * announced):
        return None
    return (f"read {read} of {announced} frames the video announced: it ends early or has corrupt stretches; "
            f"the report covers the {read} frames read")


class VideoSource:
    """Frames of a video file through OpenCV, upright (rotation metadata applied).

    `warnings` collects what the user should know about the file (an impossible frame rate in its header,
    fewer frames than announced); complete once the frames have been read to the end."""

    def _warn(self, text: str) -> None:
        """Something the user should know about the file: kept for the report, and logged for a program."""
        self.warnings.append(text)
        log.warning("%s: %s", self.path, text)

    def __init__(self, path: str | os.PathLike):
        cv2 = _cv2()
        self.path = Path(path)
        _check_file(self.path, "video")
        # FFmpeg reports a broken file on fd 2 ("moov atom not found"); we say it in one line instead.
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
        self.warnings: list[str] = []
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        header_fps = _avi_header_fps(self.path)
        self._frame_clock = False
        if not (math.isfinite(fps) and 1.0 <= fps <= 1000.0) or header_fps == 0.0:
            # The container's timestamps are counted in that impossible rate too (a 1e9 fps header puts a
            # minute of video in 60 microseconds), so the frames are timed by their index instead.
            said = header_fps if header_fps == 0.0 else fps
            self._warn(f"the video's header gives an impossible frame rate ({said:g} fps); its frames "
                                 f"are timed at {DEFAULT_FPS:g} fps instead")
            fps, self._frame_clock = DEFAULT_FPS, True
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        h, w = first.shape[:2]
        self.info = SourceInfo(str(self.path), "video", w, h, fps, count if count > 0 else None)

    def __iter__(self) -> Iterator[Frame]:
        cv2 = _cv2()
        fps = self.info.fps
        index, last_t = 0, -math.inf
        image = self._first
        while image is not None:
            t_ms = 0.0 if self._frame_clock else self._cap.get(cv2.CAP_PROP_POS_MSEC)
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
        warning = frames_read_warning(index, self.info.frames)
        if warning:
            self._warn(warning)

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
