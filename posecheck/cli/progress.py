"""A one-line progress bar on stderr (frames, speed, time left); silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    def __init__(self, total: int | None, label: str = "", enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.label = total, label
        self._t0 = time.monotonic()  # wall clock: only for the speed shown to the user
        self._last = 0.0
        self._n = 0

    def __call__(self, n: int, t_s: float = 0.0) -> None:
        self._n = n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and n != self.total:
            return
        self._last = now
        el = max(now - self._t0, 1e-9)
        fps = n / el
        if self.total:
            frac = min(n / self.total, 1.0)
            bar = "#" * int(frac * 24)
            left = (self.total - n) / fps if fps > 0 else 0.0
            msg = f"\r{self.label} [{bar:<24}] {n}/{self.total} frames  {fps:5.1f} fps  {left:4.0f} s left "
        else:
            msg = f"\r{self.label} {n} frames  {fps:5.1f} fps "
        self.stream.write(msg)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._n:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()
