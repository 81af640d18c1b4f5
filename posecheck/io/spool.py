"""Poses kept on disk instead of in memory, for a second pass over them.

`--exercise auto` runs the model once, recognises the exercise from all the poses, then judges the same poses:
held in memory, an hour of them is ~110 MB more (33 landmarks a frame as numpy arrays, measured in
benchmarks/results/speed.md), so memory grew with the length of the input. Here each pose is one row of
float64 (time, detected, x y z of 33 landmarks, 33 visibilities: ~1.1 KB) in an anonymous temporary file,
which the system removes when it is closed, even after a crash. Rows go out and come back in chunks; the
values come back exactly as they went in. World landmarks are not kept: nothing judges them.
"""

from __future__ import annotations

import tempfile
from typing import Iterator

import numpy as np

from posecheck.core.landmarks import Pose
from posecheck.errors import SourceError

__all__ = ["PoseSpool"]

_N = 33
_ROW = 2 + 3 * _N + _N  # t_s, detected, xyz, visibility
_CHUNK = 1024  # rows a write or read: ~1.1 MB


class PoseSpool:
    """Append poses, then iterate them back in order (as often as needed; `close()` removes the file)."""

    def __init__(self):
        try:
            self._f = tempfile.TemporaryFile(prefix="posecheck-poses-")
        except OSError as e:
            raise _failure(e) from None
        self._rows: list[np.ndarray] = []
        self._written = 0  # rows on disk
        self.count = 0
        self.detected = 0

    def append(self, pose: Pose) -> None:
        row = np.full(_ROW, np.nan)
        row[0] = pose.t_s
        row[1] = pose.detected
        if pose.detected:
            row[2:2 + 3 * _N] = pose.xyz.ravel()
            row[2 + 3 * _N:] = pose.visibility
        self._rows.append(row)
        self.count += 1
        self.detected += pose.detected
        if len(self._rows) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        # Taken before writing, and written at the end of what is on disk: an interrupted write (Ctrl-C) never
        # writes a chunk twice, and a pass that read part of the file never moves where rows go.
        rows, self._rows = self._rows, []
        if rows:
            try:
                self._f.seek(self._written * _ROW * 8)
                self._f.write(np.stack(rows).tobytes())
            except OSError as e:
                raise _failure(e) from None
            self._written += len(rows)

    def __iter__(self) -> Iterator[Pose]:
        self._flush()
        done = 0
        while done < self.count:
            self._f.seek(done * _ROW * 8)  # from where this pass is (another pass may have moved the file)
            data = np.frombuffer(self._f.read(_CHUNK * _ROW * 8), dtype=np.float64).reshape(-1, _ROW)
            if not len(data):
                return
            done += len(data)
            for row in data:
                yield _pose(row)

    def close(self) -> None:
        self._rows = []
        try:
            self._f.close()
        except OSError:
            pass  # a temp file thrown away


def _pose(row: np.ndarray) -> Pose:
    if not row[1]:
        return Pose.absent(float(row[0]))
    return Pose(float(row[0]), row[2:2 + 3 * _N].reshape(_N, 3).copy(), row[2 + 3 * _N:].copy())


def _failure(e: OSError) -> SourceError:
    return SourceError(f"cannot keep the poses found in a temporary file ({tempfile.gettempdir()}): "
                       f"{(e.strerror or type(e).__name__).lower()}; free some space there or set TMPDIR")
