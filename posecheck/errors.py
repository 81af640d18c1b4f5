"""The one exception tree of posecheck.

    PosecheckError                  anything the user can act on; the CLI prints "Error: ..." and exits 2
     +-- SpecError                  an exercise spec cannot be used
     |    +-- SpecNotFound          no spec of that name (did-you-mean in the message)
     |    +-- SpecInvalid           a spec file that fails validation (file, key path, what was expected)
     +-- SourceError                an input cannot be read
     |    +-- SourceOpenError       missing, unreadable or not a video / image / recording
     |    +-- RecordingFormatError  a landmark recording with a bad line (names the line)
     |    +-- TimestampError        timestamps that do not increase
     |    +-- NoPersonError         nobody in view in the whole input
     +-- ModelError                 the pose model cannot be loaded or run
     +-- ReportError                an output cannot be written
     +-- RoutineError               a routine cannot be used
     |    +-- RoutineNotFound       no routine of that name (did-you-mean in the message)
     |    +-- RoutineInvalid        a routine file that fails validation (file, key path, what was expected)
     +-- HistoryError               the history database cannot be opened or written

A pose that cannot be judged is data (NaN, state "unknown"), never an exception.
"""

from __future__ import annotations

__all__ = [
    "cut",
    "PosecheckError",
    "SpecError",
    "SpecNotFound",
    "SpecInvalid",
    "SourceError",
    "SourceOpenError",
    "RecordingFormatError",
    "TimestampError",
    "NoPersonError",
    "ModelError",
    "ReportError",
    "RoutineError",
    "RoutineNotFound",
    "RoutineInvalid",
    "HistoryError",
]


class PosecheckError(Exception):
    """Base of every error posecheck raises on purpose; its message is one line for the user."""


class SpecError(PosecheckError):
    """An exercise spec cannot be found or used."""


class SpecNotFound(SpecError):
    """No spec by that name; the message lists the known ones or the closest match."""


class SpecInvalid(SpecError):
    """A spec file failed validation; the message names the file, the key path and the expectation.

    `problems` holds each problem on its own ("position.require[0].measure: unknown measure 'nope'"), for
    a list; the message joins them on one line."""

    def __init__(self, message: str, problems: tuple[str, ...] | list[str] = ()):
        super().__init__(message)
        self.problems = tuple(problems)


class SourceError(PosecheckError):
    """An input (video, image, camera, landmark recording) cannot be read."""


class SourceOpenError(SourceError):
    """The input is missing, unreadable, or not a kind posecheck can read."""


class RecordingFormatError(SourceError):
    """A landmark recording has a malformed header or line; the message names the line number."""


class TimestampError(SourceError):
    """Frame timestamps go backwards or repeat where they must increase."""


class NoPersonError(SourceError):
    """The pose model found nobody in any frame: nothing can be judged."""


class ModelError(PosecheckError):
    """The pose model cannot be loaded or fails while running."""


class ReportError(PosecheckError):
    """A report or other output cannot be written."""


class RoutineError(PosecheckError):
    """A routine (a session of several exercises) cannot be found or used."""


class RoutineNotFound(RoutineError):
    """No routine by that name; the message lists the known ones or the closest match."""


class RoutineInvalid(RoutineError):
    """A routine file failed validation; the message names the file, the key path and the expectation."""


class HistoryError(PosecheckError):
    """The history database cannot be opened (a newer posecheck's file, not a database) or written."""


def cut(value: object, limit: int = 80) -> str:
    """A value short enough for a one-line message (a 100 KB path or a 400-digit number is cut).

    Cut in the middle, so that a long path keeps its file name (the part the user recognises) and its start."""
    s = str(value)
    if len(s) <= limit:
        return s
    mark = f"...({len(s)} characters)..."
    keep = max(limit - len(mark), 12)
    head = keep // 3
    return s[:head] + mark + s[len(s) - (keep - head):]
