"""SIGTERM and SIGHUP (a closed terminal, `timeout`, a container stop) end a run as Ctrl-C does.

The library stops cleanly on KeyboardInterrupt (a partial report, no temp file left); the command turns the
other signals into one (`Terminated`), so every path out is that one. Only the command installs handlers, for
the length of its run, and it exits 128 + the signal's number, as a shell expects of a killed program.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

__all__ = ["Terminated", "handle_signals", "received", "exit_code", "signal_name"]

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None),
                            signal.SIGINT) if s is not None)

_received: int | None = None


class Terminated(KeyboardInterrupt):
    """A stop signal other than Ctrl-C, raised where the main thread is, so that it unwinds like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signal_name(signum))
        self.signum = signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def received() -> int | None:
    """The stop signal this run got, if any."""
    return _received


def exit_code(default: int = signal.SIGINT) -> int:
    """128 + the signal that stopped the run (Ctrl-C when none was seen: a KeyboardInterrupt from elsewhere)."""
    return 128 + (_received or default)


def _handler(signum, _frame) -> None:
    global _received
    if _received is not None:
        return  # a second signal while cleaning up: let the clean-up finish (temp files removed)
    _received = signum
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """For the length of a command: stop signals raise KeyboardInterrupt/Terminated in the main thread."""
    global _received
    _received = None
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (a test runner's worker, an embedder)
        return
    old = {}
    try:
        for s in SIGNALS:
            old[s] = signal.signal(s, _handler)
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
