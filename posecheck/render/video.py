"""What a scored session writes beside the JSON report: a per-frame CSV, an annotated video, and a snapshot of
each fault's worst moment (for the HTML report).

The video and the snapshots are fed while scoring, frame by frame (`on_step(frame, pose, step)`), so the
video is decoded once. Every file is written atomically: a temp file beside the target, renamed when complete.
Videos are H.264 in MP4 through PyAV (`VideoWriter`), which browsers play.
"""

from __future__ import annotations

import contextlib
import os
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from posecheck.core.cues import CUE_SHOWN_S, Cue, cue_shown
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Step
from posecheck.core.specs import Spec
from posecheck.errors import ReportError
from posecheck.io.atomic import (
    WRITE_ERRNOS,
    AtomicPath,
    check_writable,
    disk_full,
    no_space,
    write_failure,
)
from posecheck.io.frames import IMAGE_SUFFIXES, Frame
from posecheck.render.annotators import Overlay

__all__ = ["VIDEO_CODECS", "CUE_SHOWN_S", "BLANK_BGR", "VideoWriter", "AnnotatedVideoWriter"]

# The encoder per container. H.264 (PyAV's wheels carry libx264) plays in every browser, so the annotated video
# can sit in the HTML report or be sent to a client; .avi keeps Motion JPEG, which old players read.
VIDEO_CODECS = {".mp4": "libx264", ".m4v": "libx264", ".mov": "libx264", ".mkv": "libx264", ".avi": "mjpeg"}
_FORMATS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".avi": "avi"}
TIME_BASE = Fraction(1, 1000)  # frame times are kept to the millisecond, as the source's clock gives them




BLANK_BGR = (48, 44, 40)


class VideoWriter:
    """BGR frames to a video file at their own times (`write(image, t_s)`): the one video writer of posecheck
    (score's annotated video, live's --save-video).

    Each frame keeps its time to the millisecond (variable frame rate), so a video saved from a camera that
    dropped frames plays, and is scored again, on the camera's clock. Written to a temp file beside the target
    and renamed into place by `close(commit=True)`; any error writing raises ReportError and leaves nothing.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float, *, crf: int = 23):
        self.target = Path(path)
        suffix = self.target.suffix.lower()
        if suffix not in VIDEO_CODECS:
            raise ReportError(f"{self.target}: unknown video type {suffix or '(none)'}; name it .mp4 or .avi "
                              "(.mp4 is H.264, which browsers play)")
        self.width, self.height = int(width), int(height)
        self._atomic = AtomicPath(self.target)
        codec = VIDEO_CODECS[suffix]
        try:
            # faststart: the index at the front of an MP4, so a browser plays it while it downloads.
            mux = {"movflags": "+faststart"} if _FORMATS[suffix] in ("mp4", "mov") else {}
            self._container = av.open(str(self._atomic.tmp), "w", format=_FORMATS[suffix], options=mux)
            rate = Fraction(fps).limit_denominator(1001) if fps and fps > 0 else Fraction(30)
            stream = self._container.add_stream(codec, rate=rate)
            # 4:2:0 chroma needs even sizes: the encoder gets the frame padded by one pixel when odd.
            stream.width, stream.height = self.width + self.width % 2, self.height + self.height % 2
            stream.pix_fmt = "yuv420p" if codec == "libx264" else "yuvj420p"
            stream.time_base = TIME_BASE
            stream.codec_context.time_base = TIME_BASE
            if codec == "libx264":
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            self._stream = stream
        except (av.FFmpegError, OSError) as e:
            self._atomic.discard()
            raise self._failure(e) from None
        self._last_pts = -1
        self.frames = 0

    def write(self, image: np.ndarray, t_s: float) -> None:
        """One frame, shown from `t_s` (seconds of the source's clock) until the next."""
        if image.shape[1] != self._stream.width or image.shape[0] != self._stream.height:
            image = _fit(image, self._stream.width, self._stream.height)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        # Strictly increasing times: two frames in the same millisecond go one millisecond apart.
        pts = max(int(round(t_s / TIME_BASE)), self._last_pts + 1)
        frame.pts, frame.time_base = pts, TIME_BASE
        self._last_pts = pts
        self._mux(self._stream.encode(frame))
        self.frames += 1

    def _mux(self, packets) -> None:
        try:
            self._container.mux(packets)
        except (av.FFmpegError, OSError) as e:
            raise self._failure(e) from None

    def _failure(self, e: Exception) -> ReportError:
        """The disk's reason in words ("disk full") where there is one, else the encoder's."""
        if isinstance(getattr(e, "errno", None), int) and e.errno in WRITE_ERRNOS:
            return write_failure(self.target, OSError(e.errno, os.strerror(e.errno)))
        if disk_full(self.target):
            return write_failure(self.target, no_space())
        return ReportError(f"{self.target}: cannot write video ({e})")

    def close(self, commit: bool = True) -> None:
        """Finish the file and rename it into place (commit), or throw the temp file away."""
        if self._container is None:
            return
        try:
            if commit:
                if self.frames == 0:
                    raise ReportError(f"{self.target}: no frames to write")
                self._mux(self._stream.encode(None))  # the frames the encoder still holds
            try:
                self._container.close()  # writes the index: a full disk may only show here
            except (av.FFmpegError, OSError) as e:
                self._container = None
                raise self._failure(e) from None
            self._container = None
            if commit:
                # Reopened and counted before it replaces anything: an encoder may not report a failed write.
                self._atomic.commit(expect_frames=self.frames)
            else:
                self._atomic.discard()
        except BaseException:
            if self._container is not None:
                with contextlib.suppress(Exception):
                    self._container.close()
                self._container = None
            self._atomic.discard()
            raise

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(commit=exc_type is None)


def _fit(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """The image at the encoder's size: an odd size padded by its edge pixels, another size resized."""
    import cv2

    h, w = image.shape[:2]
    if 0 <= width - w <= 1 and 0 <= height - h <= 1:
        return cv2.copyMakeBorder(image, 0, height - h, 0, width - w, cv2.BORDER_REPLICATE)
    return cv2.resize(image, (width, height))


class AnnotatedVideoWriter:
    """The input with skeleton, angles, state colour, cue text and timer drawn in, written frame by frame to a
    temp file and renamed into place by `close()`. A landmark recording is drawn on a blank canvas; a still
    image input (or an image file name) gives an annotated image."""

    def __init__(self, path: str | os.PathLike, spec: Spec, info: SourceInfo, labels: str = "words"):
        self.target = Path(path)
        check_writable(self.target)
        suffix = self.target.suffix.lower()
        self._image_out = suffix in IMAGE_SUFFIXES
        if not self._image_out and suffix not in VIDEO_CODECS:
            raise ReportError(f"{self.target}: unknown video type {suffix or '(none)'}; name it .mp4 or .avi")
        self.info = info
        self._overlay = Overlay(spec, info.width, info.height, labels=labels)
        self._cue: Cue | None = None
        self._last: np.ndarray | None = None
        self._atomic = AtomicPath(self.target) if self._image_out else None
        self._writer = VideoWriter(self.target, info.width, info.height, info.fps) if not self._image_out else None
        self.frames = 0

    def __call__(self, frame: Frame | None, pose: Pose, step: Step) -> None:
        info = self.info
        if frame is not None and frame.image is not None:
            image = frame.image.copy()  # the frame may still be needed (snapshots): draw on a copy
            extra = None
        else:
            image = np.full((info.height, info.width, 3), BLANK_BGR, np.uint8)
            extra = ["no video: landmarks on a blank canvas"]
        t = step.frame.t_s
        if step.cues:
            self._cue = step.cues[-1]
        if self._cue is not None and not cue_shown(self._cue, t, step.frame.faults):
            self._cue = None
        cue = self._cue.text if self._cue is not None else None
        # The video's own clock in a corner: the report's times ("cue at 6.7 s") can be found in it.
        self._overlay.annotate(image, pose, step.frame, cue=cue, extra=extra, clock=True)
        if image.shape[1] != info.width or image.shape[0] != info.height:
            import cv2
            image = cv2.resize(image, (info.width, info.height))
        if self._writer is not None:
            self._writer.write(image, t)  # the frame at its own time: the video keeps the source's clock
        else:
            self._last = image
        self.frames += 1

    def close(self, commit: bool = True) -> None:
        """Finish the file and rename it into place (commit), or throw the temp file away."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close(commit=commit)
            return
        if self._atomic is None:
            return
        atomic, self._atomic = self._atomic, None
        try:
            if commit and self.frames == 0:
                raise ReportError(f"{self.target}: no frames to write")
            if commit:
                import cv2

                if not cv2.imwrite(str(atomic.tmp), self._last):
                    raise ReportError(f"{self.target}: OpenCV could not write this image type")
                atomic.commit()
            else:
                atomic.discard()
        except BaseException:
            atomic.discard()
            raise

    def __enter__(self) -> "AnnotatedVideoWriter":
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(commit=exc_type is None)
