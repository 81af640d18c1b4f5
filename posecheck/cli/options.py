"""Options and helpers shared by every command: one place, so the commands read alike."""

from __future__ import annotations

import itertools
import sys
import time

import click

from posecheck.core.specs import SPECS_ENV, Spec, load_spec

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

model_option = click.option(
    "--model", type=click.Path(dir_okay=False), default=None,
    help="A MediaPipe PoseLandmarker .task file: uses the Tasks API instead of the bundled legacy model.")
complexity_option = click.option(
    "--model-complexity", type=click.IntRange(0, 2), default=1, show_default=True,
    help="Legacy BlazePose model: 1 (full) is bundled; 0 (lite) and 2 (heavy) are downloaded on first use.")
specs_option = click.option(
    "--specs", "specs_dirs", multiple=True, type=click.Path(file_okay=False),
    help=f"A folder of extra or overriding exercise specs (repeatable; also ${SPECS_ENV}).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


class _CurrentStderr:
    """sys.stderr as it is at each write: the command's quiet_native_output() points fd 2 at /dev/null (native
    chatter) and swaps sys.stderr for a copy of the real one, so a stream captured earlier would print nowhere."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


class ProgressBar:
    """The library's progress callback, `bar(frames_done, t_s)`, drawn by `click.progressbar` on stderr: frames
    (of the total when known), speed and time left. Nothing at all with --quiet or when stderr is not a terminal
    (a log file or a pipe gets no carriage returns)."""

    REDRAW_S = 0.2  # wall clock, only for drawing: the bar is redrawn at most this often

    def __init__(self, total: int | None, label: str, quiet: bool = False, stream=None):
        stream = stream or _CurrentStderr()
        self.total, self._n, self._shown = total, 0, 0
        self._t0 = self._last = time.monotonic()  # wall clock: only for the speed shown to the user
        self._bar = None
        if not quiet and stream.isatty():
            # Without a total, click takes an endless iterable: it shows the count and no bar to fill.
            self._bar = click.progressbar(length=total or None, iterable=None if total else itertools.repeat(None),
                                          label=label, file=stream, show_pos=False, show_percent=False,
                                          show_eta=False, item_show_func=lambda info: info,
                                          bar_template="%(label)s [%(bar)s] %(info)s", width=24)
            self._bar.__enter__()

    def __call__(self, n: int, t_s: float = 0.0) -> None:
        self._n = n
        now = time.monotonic()
        if self._bar is None or (now - self._last < self.REDRAW_S and n != self.total):
            return
        self._last = now
        fps = n / max(now - self._t0, 1e-9)
        info = f"{n}/{self.total} frames  {fps:5.1f} fps" if self.total else f"{n} frames  {fps:5.1f} fps"
        if self.total and fps > 0:
            info += f"  {max(self.total - n, 0) / fps:4.0f} s left"
        self._bar.update(n - self._shown, info)
        self._shown = n

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def progress_bar(total: int | None, label: str, quiet: bool) -> ProgressBar:
    return ProgressBar(total, label, quiet)


def load_exercise(exercise: str, specs_dirs) -> Spec:
    return load_spec(exercise, list(specs_dirs))


