"""The landmark recording format (a contract other tools rely on; keep it exactly).

JSON Lines, UTF-8. Line 1 is the header::

    {"format": "posecheck-landmarks", "version": 1, "width": W, "height": H, "fps": F, "source": "..."}

Every further line is one frame::

    {"t_s": seconds, "landmarks": [[x, y, z, visibility], ... 33 entries]}

x, y normalized to [0, 1] of width and height as MediaPipe gives them; optional ``"world": [[x, y, z], ...]``
(metres). An unknown landmark is ``[null, null, null, 0]`` (NaN once loaded); ``"landmarks": null`` means no
person was detected in that frame.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import numpy as np

from posecheck.core.landmarks import (
    MAX_ABS_COORD,
    NUM_LANDMARKS,
    Pose,
    unknown_where_absurd,
)
from posecheck.errors import RecordingFormatError, SourceOpenError, TimestampError
from posecheck.io.atomic import atomic_write, cut

__all__ = ["FORMAT", "VERSION", "RecordingHeader", "read_recording", "RecordingWriter", "is_recording"]

FORMAT = "posecheck-landmarks"
VERSION = 1
MAX_SIDE_PX = 16384  # a 16K picture; 200000x200000 would be a 112 GiB canvas for the annotated video
FPS_RANGE = (0.1, 1000.0)
MAX_T_S = 1e7  # 115 days: beyond, seconds lose the precision the judge needs (and no session is that long)


@dataclass(frozen=True)
class RecordingHeader:
    width: int
    height: int
    fps: float
    source: str = ""

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, "width": self.width, "height": self.height,
                           "fps": self.fps, "source": self.source})


def is_recording(path: str | os.PathLike) -> bool:
    """A recording is recognised by its first line, not only by its name."""
    p = Path(path)
    if p.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    try:
        with open(p, "rb") as f:
            head = f.read(200)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and FORMAT.encode() in head


def _open_text(path: Path) -> IO[str]:
    if not path.exists():
        raise SourceOpenError(f"{path}: no such file")
    if path.is_dir():
        raise SourceOpenError(f"{path} is a directory; give a landmark recording (.jsonl)")
    try:
        return open(path, encoding="utf-8")
    except OSError as e:
        raise SourceOpenError(f"{path}: cannot open ({e.strerror})") from None


def read_header(path: str | os.PathLike) -> RecordingHeader:
    with _open_text(Path(path)) as f:
        return _parse_header(Path(path), _first_line(Path(path), f))


def _first_line(path: Path, f: IO[str]) -> str:
    try:
        line = f.readline()
    except UnicodeDecodeError:
        raise RecordingFormatError(f"{path}: line 1 is not UTF-8 text; is this a landmark recording?") from None
    if not line.strip():
        raise RecordingFormatError(f"{path}: the file is empty; a recording starts with a posecheck-landmarks header")
    return line


def _loads(line: str):
    """json.loads, with the ways it fails on hostile text as ValueError: deep nesting, a 5000-digit number."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"is not valid JSON ({e.msg})") from None
    except RecursionError:
        raise ValueError("is not valid JSON (nested too deeply)") from None
    except ValueError as e:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise ValueError(f"is not valid JSON ({cut(e, 60)})") from None


def _parse_header(path: Path, line: str) -> RecordingHeader:
    try:
        h = _loads(line)
    except ValueError as e:
        raise RecordingFormatError(f"{path}: line 1 is not a JSON header ({str(e).split('(', 1)[-1]}") from None
    if not isinstance(h, dict) or h.get("format") != FORMAT:
        raise RecordingFormatError(f'{path}: line 1 must be a header with "format": "{FORMAT}"')
    if h.get("version") != VERSION:
        raise RecordingFormatError(f"{path}: line 1: recording version {cut(repr(h.get('version')), 40)} is not supported "
                                   f"(expected {VERSION})")
    try:
        if any(isinstance(h[k], bool) or not isinstance(h[k], (int, float)) for k in ("width", "height", "fps")):
            raise TypeError
        width, height, fps = int(h["width"]), int(h["height"]), float(h["fps"])
    except (KeyError, TypeError, ValueError, OverflowError):
        raise RecordingFormatError(f"{path}: line 1: the header needs numeric width, height and fps") from None
    if not (0 < width <= MAX_SIDE_PX and 0 < height <= MAX_SIDE_PX) or width != h["width"] or height != h["height"]:
        raise RecordingFormatError(f"{path}: line 1: width and height must be positive whole numbers of pixels, "
                                   f"at most {MAX_SIDE_PX} (got {cut(h['width'], 24)}x{cut(h['height'], 24)})")
    if not (FPS_RANGE[0] <= fps <= FPS_RANGE[1]):  # NaN fails this too
        raise RecordingFormatError(f"{path}: line 1: fps must be a positive number from {FPS_RANGE[0]:g} to "
                                   f"{FPS_RANGE[1]:g} (got {cut(h['fps'], 24)})")
    return RecordingHeader(width=width, height=height, fps=fps, source=str(h.get("source", "")))


def _parse_points(value, n_cols: int, what: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != NUM_LANDMARKS:
        raise ValueError(f'"{what}" must be a list of {NUM_LANDMARKS} entries')
    out = np.full((NUM_LANDMARKS, n_cols), np.nan)
    for i, p in enumerate(value):
        if not isinstance(p, list) or len(p) != n_cols:
            raise ValueError(f'"{what}"[{i}] must be a list of {n_cols} numbers or nulls')
        for j, c in enumerate(p):
            if c is None:
                continue
            if isinstance(c, bool) or not isinstance(c, (int, float)):
                raise ValueError(f'"{what}"[{i}][{j}] must be a number or null, not {cut(repr(c), 40)}')
            # A 400-digit integer, Infinity, 1e308: no reading of a body; made unknown below, like null.
            out[i, j] = c if isinstance(c, float) or abs(c) <= MAX_ABS_COORD else math.inf
    return out


def _parse_frame(obj) -> Pose:
    if not isinstance(obj, dict):
        raise ValueError("a frame line must be a JSON object")
    t = obj.get("t_s")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not abs(t) <= MAX_T_S:
        raise ValueError(f'"t_s" must be a finite number of seconds (at most {MAX_T_S:g}), not {cut(repr(t), 40)}')
    lms = obj.get("landmarks", "missing")
    if lms == "missing":
        raise ValueError('"landmarks" is missing (use null for "no person")')
    if lms is None:
        return Pose.absent(float(t))
    with np.errstate(over="ignore"):  # 1e308 becomes inf in float32: unknown all the same
        arr = _parse_points(lms, 4, "landmarks").astype(np.float32).astype(np.float64)  # see _f32()
    # A landmark with any unknown, non-finite or absurd coordinate is unknown as a whole.
    xyz, vis = unknown_where_absurd(arr[:, :3], arr[:, 3])
    world = obj.get("world")
    w = None
    if world is not None:
        with np.errstate(over="ignore"):
            w = _parse_points(world, 3, "world").astype(np.float32).astype(np.float64)
        w[~(np.abs(w) <= MAX_ABS_COORD).all(axis=1)] = np.nan
    return Pose(t_s=float(t), xyz=xyz, visibility=vis, world=w)


def read_recording(path: str | os.PathLike) -> tuple[RecordingHeader, Iterator[Pose]]:
    """Read the header now (so errors come early) and return a lazy iterator over the frames."""
    p = Path(path)
    f = _open_text(p)
    try:
        header = _parse_header(p, _first_line(p, f))
    except BaseException:
        f.close()
        raise
    return header, _iter_frames(p, f)


def _iter_frames(path: Path, f: IO[str]) -> Iterator[Pose]:
    last_t = -math.inf
    with f:
        lineno = 1
        while True:
            lineno += 1
            try:
                line = f.readline()
            except UnicodeDecodeError:
                raise RecordingFormatError(f"{path}: line {lineno} is not UTF-8 text") from None
            if not line:
                return
            if not line.strip():
                continue
            try:
                obj = _loads(line)
            except ValueError as e:
                raise RecordingFormatError(f"{path}: line {lineno} {e}") from None
            try:
                pose = _parse_frame(obj)
            except ValueError as e:
                raise RecordingFormatError(f"{path}: line {lineno}: {e}") from None
            if pose.t_s <= last_t:
                raise TimestampError(f"{path}: line {lineno}: t_s {pose.t_s} does not increase (previous {last_t})")
            last_t = pose.t_s
            yield pose


def _f32(c) -> float:
    # MediaPipe's values are float32: nine significant digits identify one exactly, and the reader turns them
    # back into the same float32, so a recording judges exactly like the video it was made from.
    return float(f"{float(c):.9g}")


def _points_json(arr: np.ndarray, vis: np.ndarray | None) -> list:
    out = []
    for i in range(arr.shape[0]):
        row = arr[i]
        if np.isnan(row).any():
            out.append([None] * arr.shape[1] + ([0] if vis is not None else []))
        else:
            vals = [_f32(c) for c in row]
            if vis is not None:
                vals.append(_f32(vis[i]))
            out.append(vals)
    return out


def frame_json(pose: Pose) -> str:
    obj: dict = {"t_s": pose.t_s}  # exact: the judge uses time differences
    if pose.xyz is None:
        obj["landmarks"] = None
    else:
        obj["landmarks"] = _points_json(pose.xyz, pose.visibility)
        if pose.world is not None:
            obj["world"] = _points_json(pose.world, None)
    return json.dumps(obj, separators=(",", ":"))


class RecordingWriter:
    """Writes a recording atomically: the file appears only when `close()` completes without error."""

    def __init__(self, path: str | os.PathLike, header: RecordingHeader):
        self._ctx = atomic_write(path)
        self._f = self._ctx.__enter__()
        self._f.write(header.to_json() + "\n")

    def write(self, pose: Pose) -> None:
        self._f.write(frame_json(pose) + "\n")

    def close(self, ok: bool = True, exc: BaseException | None = None) -> None:
        """Commit the file (ok) or drop it. A write the disk refused raises ReportError here, whichever."""
        if ok:
            self._ctx.__exit__(None, None, None)
        else:
            err = exc if exc is not None else RuntimeError("recording aborted")
            try:
                self._ctx.__exit__(type(err), err, err.__traceback__)
            except BaseException as raised:
                if raised is not err:
                    raise  # the disk's failure, in words (ReportError)

    def __enter__(self) -> "RecordingWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(ok=exc_type is None, exc=exc)
