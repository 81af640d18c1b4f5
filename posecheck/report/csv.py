"""What a scored session writes beside the JSON report: a per-frame CSV, an annotated video, and a snapshot of
each fault's worst moment (for the HTML report).

The video and the snapshots are fed while scoring, frame by frame (`on_step(frame, pose, step)`), so the
video is decoded once. Every file is written atomically: a temp file beside the target, renamed when complete.
"""

from __future__ import annotations

import csv
import os

from posecheck.core.geometry import MEASURES
from posecheck.io.atomic import atomic_write
from posecheck.report.model import Report

__all__ = ["CSV_COLUMNS", "MEASURE_COLUMNS", "measure_column", "csv_row", "write_csv"]


def measure_column(measure: str) -> str:
    """A measure's CSV column, the unit in its name: every CSV posecheck writes names its columns this way."""
    return f"{measure}_deg"


MEASURE_COLUMNS = tuple(measure_column(m) for m in MEASURES)
CSV_COLUMNS = ("frame", "t_s", "state", "faults", "detected", "side", *MEASURE_COLUMNS)


def csv_row(i: int, t_s: float, state: str, faults, detected: bool, side, angles: dict) -> list:
    """One frame's CSV row (the same for a finished report and for one written while scoring)."""
    return [i, f"{t_s:.4f}", state, ";".join(faults), int(detected), side or "",
            *("" if angles.get(m) is None else f"{angles[m]:.1f}" for m in MEASURES)]


def write_csv(report: Report, path: str | os.PathLike) -> None:
    """One row per frame: frame index, time, state, faults (';'-separated), and every measure in degrees
    (empty when unknown)."""
    with atomic_write(path) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for i, fr in enumerate(report.frames):
            w.writerow(csv_row(i, fr.t_s, fr.state, fr.faults, fr.detected, fr.side, fr.angles_deg))
