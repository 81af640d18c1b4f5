"""Labelled frames: CSV files of pose landmarks with a label per row (a trainer's verdict on each frame).

The layout is that of the Ngo plank frames (`../shared/data/real/labeled/`, NgoQuocBao1010/Exercise-Correction):
a `label` column, then per landmark `<name>_x`, `<name>_y`, `<name>_z`, `<name>_v` with BlazePose names in
lower case (`nose`, `left_shoulder`, ...), x and y normalised to the frame's width and height. Landmarks the
file does not have are unknown (NaN, visibility 0), as a landmark the model could not place.

The frames' size is not in the file, and angles depend on it (they are taken in pixels): the caller says which
size to assume (`width`, `height`); 1280x720 (16:9) is the default.

    frames = read_labeled_csv("ngo_dataset_2022-09-21.csv")
    for f in frames.frames: f.label, f.pose          # one Pose per row; frames.info.width, .height
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecheck.core.landmarks import NUM_LANDMARKS, Landmark, Pose, SourceInfo
from posecheck.errors import SourceOpenError

__all__ = ["LabeledFrame", "LabeledFrames", "read_labeled_csv", "ASPECTS"]

# Frame sizes to assume for files that do not record theirs (the angles are taken in pixels).
ASPECTS = {"16:9": (1280, 720), "4:3": (960, 720), "1:1": (720, 720)}
_AXES = ("x", "y", "z", "v")


@dataclass(frozen=True)
class LabeledFrame:
    label: str
    row: int  # the row's number in its file, from 0 (file order is frame order)
    pose: Pose


@dataclass(frozen=True)
class LabeledFrames:
    path: str
    info: SourceInfo  # kind "image": each row is judged as a still
    frames: tuple[LabeledFrame, ...]

    def labels(self) -> list[str]:
        return sorted({f.label for f in self.frames})


def _columns(header: list[str], path: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The label column, and (landmark, axis, column) for every landmark column the file has."""
    if "label" not in header:
        raise SourceOpenError(f"{path}: no 'label' column; expected label, nose_x, nose_y, nose_z, nose_v, ...")
    cols = []
    for j, name in enumerate(header):
        base, _, axis = name.rpartition("_")
        if axis in _AXES and base.upper() in Landmark.__members__:
            cols.append((int(Landmark[base.upper()]), _AXES.index(axis), j))
    if not cols:
        raise SourceOpenError(f"{path}: no landmark columns (<landmark>_x, _y, _z, _v with BlazePose names)")
    return header.index("label"), cols


def read_labeled_csv(path: str | os.PathLike, width: int = 1280, height: int = 720,
                     fps: float = 30.0) -> LabeledFrames:
    """Every row of a labelled landmark CSV as a `Pose` (t_s = row / fps) with its label."""
    p = Path(path)
    try:
        with open(p, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise SourceOpenError(f"{path}: cannot read ({e.strerror or e}); give a labelled landmark CSV") from e
    if not rows:
        raise SourceOpenError(f"{path}: empty file; give a labelled landmark CSV")
    label_col, cols = _columns(rows[0], str(path))
    lm = np.array([c[0] for c in cols])
    ax = np.array([c[1] for c in cols])
    src = np.array([c[2] for c in cols])
    frames = []
    for i, row in enumerate(rows[1:]):
        if not row:
            continue
        try:
            vals = np.array([float(row[j]) for j in src])
        except (ValueError, IndexError) as e:
            raise SourceOpenError(f"{path}: row {i + 2} is not a row of numbers ({e}); fix or remove it") from e
        data = np.full((NUM_LANDMARKS, 4), np.nan)
        data[:, 3] = 0.0
        data[lm, ax] = vals
        unknown = np.isnan(data[:, :3]).any(axis=1)
        data[unknown, 3] = 0.0
        frames.append(LabeledFrame(row[label_col].strip(), i,
                                   Pose(t_s=i / fps, xyz=data[:, :3].copy(), visibility=data[:, 3].copy())))
    info = SourceInfo(str(path), "image", int(width), int(height), fps, len(frames))
    return LabeledFrames(str(path), info, tuple(frames))
