"""What a scored session writes beside the JSON report: a per-frame CSV, an annotated video, and a snapshot of
each fault's worst moment (for the HTML report).

The video and the snapshots are fed while scoring, frame by frame (`on_step(frame, pose, step)`), so the
video is decoded once. Every file is written atomically: a temp file beside the target, renamed when complete.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Step
from posecheck.core.specs import Spec
from posecheck.errors import ReportError
from posecheck.io.atomic import AtomicPath, check_writable
from posecheck.io.frames import IMAGE_SUFFIXES, Frame
from posecheck.render.annotators import Overlay

__all__ = ["VIDEO_CODECS", "CUE_SHOWN_S", "BLANK_BGR", "AnnotatedVideoWriter"]

# Containers OpenCV's bundled FFmpeg writes without extra codecs (H.264 is not in the opencv wheel).
VIDEO_CODECS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "mp4v"}


CUE_SHOWN_S = 3.0  # a cue stays on the annotated video this long after it is said


BLANK_BGR = (48, 44, 40)


class AnnotatedVideoWriter:
    """The input with skeleton, angles, state colour, cue text and timer drawn in, written frame by frame to a
    temp file and renamed into place by `close()`. A landmark recording is drawn on a blank canvas; a still
    image input (or an image file name) gives an annotated image."""

    def __init__(self, path: str | os.PathLike, spec: Spec, info: SourceInfo):
        import cv2

        self.target = Path(path)
        check_writable(self.target)
        suffix = self.target.suffix.lower()
        self._image_out = suffix in IMAGE_SUFFIXES
        if not self._image_out and suffix not in VIDEO_CODECS:
            raise ReportError(f"{self.target}: unknown video type {suffix or '(none)'}; name it .mp4 or .avi")
        self.info = info
        self._overlay = Overlay(spec, info.width, info.height)
        self._cue: str | None = None
        self._cue_until = -math.inf
        self._last: np.ndarray | None = None
        self._atomic = AtomicPath(self.target)
        self._writer = None
        self.frames = 0
        if not self._image_out:
            fps = info.fps if info.fps and info.fps > 0 else 30.0
            self._writer = cv2.VideoWriter(str(self._atomic.tmp), cv2.VideoWriter_fourcc(*VIDEO_CODECS[suffix]),
                                           fps, (info.width, info.height))
            if not self._writer.isOpened():
                self._atomic.discard()
                raise ReportError(f"{self.target}: OpenCV cannot write {suffix} video here; try .avi")

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
            self._cue, self._cue_until = step.cues[-1].text, t + CUE_SHOWN_S
        cue = self._cue if t <= self._cue_until else None
        self._overlay.annotate(image, pose, step.frame, cue=cue, extra=extra)
        if image.shape[1] != info.width or image.shape[0] != info.height:
            import cv2
            image = cv2.resize(image, (info.width, info.height))
        if self._writer is not None:
            self._writer.write(image)
        else:
            self._last = image
        self.frames += 1

    def close(self, commit: bool = True) -> None:
        """Finish the file and rename it into place (commit), or throw the temp file away."""
        import cv2

        if self._writer is not None:
            self._writer.release()
            self._writer = None
        try:
            if commit and self.frames == 0:
                raise ReportError(f"{self.target}: no frames to write")
            if commit and self._image_out:
                ok = cv2.imwrite(str(self._atomic.tmp), self._last)
                if not ok:
                    raise ReportError(f"{self.target}: OpenCV could not write this image type")
            if commit:
                self._atomic.commit()
            else:
                self._atomic.discard()
        except BaseException:
            self._atomic.discard()
            raise

    def __enter__(self) -> "AnnotatedVideoWriter":
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(commit=exc_type is None)
