"""MediaPipe's C++ core and FFmpeg write chatter (TFLite, absl, "moov atom not found") straight to fd 2.

`quiet_native_output()` is opt-in and process-wide: the command line uses it around a whole command so that a
user sees one clean line per problem. The library never calls it: a program using posecheck keeps its own
stderr and logging untouched.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

__all__ = ["quiet_native_output"]


class _NativeStderr:
    """Reference-counted redirection of fd 2.

    Inside, fd 2 points at /dev/null and Python's sys.stderr at a duplicate of the real stderr, so Python's
    own messages (progress, logging, `Error: ...`) still reach the user and the chatter does not. Errors
    still surface as exceptions. Reference-counted.
    """

    def __init__(self):
        self._depth = 0
        self._saved_fd: int | None = None
        self._saved_stderr = None

    def acquire(self) -> None:
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
        if self._depth == 0:
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
def quiet_native_output(active: bool = True) -> Iterator[None]:
    if not active:
        yield
        return
    _native_stderr.acquire()
    try:
        yield
    finally:
        _native_stderr.release()


