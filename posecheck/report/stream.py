"""Reports of long sessions in flat memory: frames go to disk as they are judged, plots keep a bounded sample.

An hour at 30 fps is 108,000 frames; holding them as report objects costs ~4 KB each. Instead, while scoring:
- `FrameSpool` writes each frame's JSON record to an anonymous temp file beside the JSON output, and
  `write_json_streamed` assembles the report around it (the same bytes as `write_json` of the full report);
- `CsvStream` writes the per-frame CSV row by row into its temp file, committed by rename at the end;
- `PlotFrames` keeps at most `max_frames` frames for the HTML plots, evenly spaced: when full it drops every
  other one and keeps one frame in twice as many from then on (a 2-minute clip at 30 fps is kept whole).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from posecheck.core.evaluation import FrameResult
from posecheck.io.atomic import AtomicPath, atomic_write, write_failure
from posecheck.report.csv import CSV_COLUMNS, csv_row
from posecheck.report.model import FrameRecord, Report

__all__ = ["frame_dict", "FrameSpool", "write_json_streamed", "CsvStream", "PlotFrames"]

_SEPARATORS = (",", ":")


def frame_dict(f: FrameResult) -> dict:
    """A judged frame as its `posecheck.report/1` record (`FrameRecord`'s fields, in its order)."""
    return {"t_s": round(f.t_s, 4), "detected": f.detected, "side": f.side, "state": f.state,
            "faults": list(f.faults),
            "angles_deg": {k: (None if v != v else round(v, 1)) for k, v in f.angles.items()}}


class FrameSpool:
    """Frame records as JSON text in an anonymous temp file (gone when closed, even after a crash)."""

    def __init__(self, beside: str | os.PathLike):
        self._target = beside
        parent = Path(beside).parent
        try:
            self._f = tempfile.TemporaryFile("w+", encoding="utf-8", dir=parent if str(parent) else ".")
        except OSError as e:  # a full disk: one line naming the output, as every writer says it
            raise write_failure(beside, e) from None
        self.count = 0

    def write(self, record: dict) -> None:
        # dumps + one write: json.dump writes piece by piece, ~4x slower on a file
        text = json.dumps(record, separators=_SEPARATORS, allow_nan=False)
        try:
            self._f.write("," + text if self.count else text)
        except OSError as e:
            raise write_failure(self._target, e) from None
        self.count += 1

    def copy_to(self, out) -> None:
        try:
            self._f.flush()
            self._f.seek(0)
        except OSError as e:
            raise write_failure(self._target, e) from None
        shutil.copyfileobj(self._f, out, 1 << 20)

    def close(self) -> None:
        try:
            self._f.close()
        except OSError:
            pass  # a temp file thrown away: a failed flush of it (a full disk) was reported by the write


def write_json_streamed(report: Report, spool: FrameSpool, path: str | os.PathLike) -> None:
    """The report as JSON (atomically), its frames taken from `spool` instead of `report.frames`."""
    d = report.to_dict()
    with atomic_write(path) as f:
        f.write("{")
        for i, (key, value) in enumerate(d.items()):
            f.write(("," if i else "") + json.dumps(key) + ":")
            if key == "frames":
                f.write("[")
                spool.copy_to(f)
                f.write("]")
            else:
                json.dump(value, f, separators=_SEPARATORS, allow_nan=False)
        f.write("}\n")


class CsvStream:
    """The per-frame CSV written as frames are judged; `close(commit=True)` puts it in place."""

    def __init__(self, path: str | os.PathLike):
        self._path = path
        self._target = AtomicPath(path)
        try:
            self._f = open(self._target.tmp, "w", encoding="utf-8", newline="")
            self._w = csv.writer(self._f, lineterminator="\n")
            self._w.writerow(CSV_COLUMNS)
        except OSError as e:
            self._target.discard()
            raise write_failure(path, e) from None
        self._i = 0

    def write(self, record: dict) -> None:
        try:
            self._w.writerow(csv_row(self._i, record["t_s"], record["state"], record["faults"],
                                     record["detected"], record["side"], record["angles_deg"]))
        except OSError as e:
            raise write_failure(self._path, e) from None
        self._i += 1

    def close(self, commit: bool) -> None:
        if self._f.closed:
            return
        try:
            self._f.close()
        except OSError as e:
            self._target.discard()
            if commit:
                raise write_failure(self._path, e) from None
            return
        if commit:
            self._target.commit()
        else:
            self._target.discard()


class PlotFrames:
    """At most `max_frames` evenly spaced frame records for the plots."""

    def __init__(self, max_frames: int = 4096):
        self.max_frames = max(2, max_frames)
        self.every = 1
        self._seen = 0
        self._kept: list[dict] = []

    def add(self, record: dict) -> None:
        if self._seen % self.every == 0:
            self._kept.append(record)
            if len(self._kept) >= self.max_frames:
                self._kept = self._kept[::2]
                self.every *= 2
        self._seen += 1

    def records(self) -> list[FrameRecord]:
        return [FrameRecord.model_construct(**d) for d in self._kept]
