"""Where live frames are shown: a coach's window (resizable, full screen), or a collector for tests.

The window hands its size back (`canvas_size`), so the picture is drawn at the size it is shown at: a camera's
640x480 shown full screen on 1920x1080 gets its text drawn at 1440x1080, sharp, with the cue's letters still
1/12 of the height. Also used by `posecheck routine` (a routine's panel beside the picture).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from typing import Protocol

import numpy as np

from posecheck.errors import PosecheckError

__all__ = ["Display", "WindowDisplay", "FrameCollector", "fit_to_canvas", "KEY_QUIT", "KEY_PAUSE", "KEY_RESET"]


class Display(Protocol):
    def show(self, image: np.ndarray) -> int | None:
        """Show the image; returns the key pressed (or None)."""

    def poll(self, wait_ms: int = 30) -> int | None:
        """Keys only (while paused)."""

    def close(self) -> None: ...


def fit_to_canvas(image: np.ndarray, canvas: tuple[int, int] | None) -> np.ndarray:
    """The image scaled, aspect kept, to the largest size that fits `canvas` (width, height); as is without
    a canvas or when it already fits it exactly."""
    if canvas is None:
        return image
    cw, ch = canvas
    h, w = image.shape[:2]
    if cw <= 0 or ch <= 0:
        return image
    k = min(cw / w, ch / h)
    size = (max(1, int(round(w * k))), max(1, int(round(h * k))))
    if size == (w, h):
        return image
    import cv2

    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR if k > 1 else cv2.INTER_AREA)


def x_display_unreachable(display: str, timeout_s: float = 2.0) -> bool:
    """Is this X display (`:0`, `unix:1.0`, `localhost:10.0`) one that nothing answers on?

    OpenCV's window (Qt, xcb only) aborts the whole process when it cannot connect, and the command line keeps
    native stderr quiet, so the person would see the program vanish without a word: ask first. A display
    written in a way this does not know is given the benefit of the doubt."""
    m = re.fullmatch(r"(?:[^:/]*/)?(?P<host>[^:]*):(?P<n>\d+)(?:\.\d+)?", display.strip())  # [proto/]host:n[.s]
    if m is None:
        return False
    host, n = m.group("host"), int(m.group("n"))
    if host in ("", "unix"):
        # Linux servers listen on an abstract socket and on the file; a client tries both, so do we.
        for path in ("\0/tmp/.X11-unix/X%d" % n, "/tmp/.X11-unix/X%d" % n):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout_s)
                try:
                    s.connect(path)
                    return False
                except OSError:
                    continue
        return True
    try:
        with socket.create_connection((host, 6000 + n), timeout=timeout_s):
            return False
    except OSError:
        return True


class WindowDisplay:
    """An OpenCV window a person can resize or make full screen (`fullscreen=True`; the picture keeps its
    aspect); closing it with the mouse counts as quitting."""

    def __init__(self, title: str = "posecheck live", fullscreen: bool = False):
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise PosecheckError("no display to open the window on (DISPLAY is not set); "
                                 "use --headless, or run under a desktop session")
        display = os.environ.get("DISPLAY")
        if sys.platform.startswith("linux") and display and x_display_unreachable(display):
            raise PosecheckError(f"cannot reach the X display {display} to open the window on (DISPLAY names a "
                                 "display that does not answer: over ssh, connect with ssh -X); use --headless")
        import cv2

        self._cv2 = cv2
        self.title = title
        self.fullscreen = fullscreen
        self._opened = False

    def _open(self, image: np.ndarray) -> None:
        cv2 = self._cv2
        # NORMAL: resizable; KEEPRATIO: never stretched; GUI_NORMAL: no Qt toolbar or status bar.
        cv2.namedWindow(self.title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
        h, w = image.shape[:2]
        cv2.resizeWindow(self.title, w, h)
        if self.fullscreen:
            cv2.setWindowProperty(self.title, cv2.WND_PROP_FULLSCREEN, cv2.WINDOW_FULLSCREEN)
        self._opened = True

    def canvas_size(self) -> tuple[int, int] | None:
        """The window's picture area (width, height) as it is now, or None before it opens."""
        if not self._opened:
            return None
        try:
            x, y, w, h = self._cv2.getWindowImageRect(self.title)
        except self._cv2.error:
            return None
        # The rectangle is the picture's, centred in the window (aspect kept): the window spans it and the
        # margins on both sides.
        return (2 * x + w, 2 * y + h) if w > 0 and h > 0 else None

    def show(self, image: np.ndarray) -> int | None:
        if not self._opened:
            self._open(image)
        self._cv2.imshow(self.title, image)
        return self.poll(1)

    def poll(self, wait_ms: int = 30) -> int | None:
        cv2 = self._cv2
        key = cv2.waitKey(wait_ms)
        if self._opened and cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
            return 27  # the window was closed
        return None if key < 0 else key & 0xFF

    def close(self) -> None:
        if self._opened:
            self._cv2.destroyWindow(self.title)
            self._cv2.waitKey(1)
            self._opened = False


class FrameCollector:
    """A display that keeps what would have been shown (tests, snapshots, benchmarks).

    `keys` maps the number of the frame shown (1-based) to the key "pressed" right after it; `poll_keys`
    are pressed in turn while paused. `keep_every=0` keeps no images (drawing cost only). `canvas` pretends
    to be a window of that size (width, height)."""

    def __init__(self, keys: dict[int, int] | None = None, poll_keys: list[int] | None = None,
                 keep_every: int = 1, canvas: tuple[int, int] | None = None):
        self.images: list[np.ndarray] = []
        self.keys = dict(keys or {})
        self.poll_keys = list(poll_keys or [])
        self.keep_every = keep_every
        self.canvas = canvas
        self.shown = 0

    def canvas_size(self) -> tuple[int, int] | None:
        return self.canvas

    def show(self, image: np.ndarray) -> int | None:
        if self.keep_every and self.shown % self.keep_every == 0:
            self.images.append(image.copy())
        self.shown += 1
        return self.keys.pop(self.shown, None)

    def poll(self, wait_ms: int = 30) -> int | None:
        time.sleep(wait_ms / 1000.0)
        return self.poll_keys.pop(0) if self.poll_keys else None

    def close(self) -> None:
        pass


KEY_QUIT = (ord("q"), ord("Q"), 27)  # q, Esc
KEY_PAUSE = (ord(" "),)
KEY_RESET = (ord("r"), ord("R"))
