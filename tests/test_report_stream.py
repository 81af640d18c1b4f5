"""Outputs written while scoring (flat memory) are the same files as those written from a kept report."""

from __future__ import annotations

from pathlib import Path

import posecheck
from posecheck.core.session import Session
from posecheck.io.streams import ReplaySource
from posecheck.report.csv import write_csv
from posecheck.report.model import write_json
from posecheck.report.stream import PlotFrames

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
REC = SAMPLES / "plank_sag_a.truth.jsonl"  # the rendered clip's true keypoints, as a landmark recording


def test_streamed_json_and_csv_are_byte_for_byte_those_of_the_kept_report(tmp_path):
    streamed = posecheck.score(REC, "plank", json=tmp_path / "s.json", csv=tmp_path / "s.csv", keep_frames=False)
    kept = posecheck.score(REC, "plank")
    write_json(kept, tmp_path / "k.json")
    write_csv(kept, tmp_path / "k.csv")
    assert streamed.frames == [] and len(kept.frames) == streamed.source.frames == 390
    assert (tmp_path / "s.json").read_bytes() == (tmp_path / "k.json").read_bytes()
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "k.csv").read_bytes()
    assert posecheck.load_report(tmp_path / "s.json").frames == kept.frames


def test_a_session_that_keeps_no_frames_still_counts_them():
    src = ReplaySource(REC)
    s = Session(posecheck.load_spec("plank"), src.info, keep_frames=False).run(src)
    assert s.frames == [] and s.n_frames == 390 and s.n_detected == 390 and s.first is not None


def test_the_plot_sample_stays_bounded_and_evenly_spaced():
    plot = PlotFrames(max_frames=100)
    for i in range(10_000):
        plot.add({"t_s": i / 30, "detected": True, "side": "left", "state": "good", "faults": [], "angles_deg": {}})
    recs = plot.records()
    assert len(recs) < 100
    steps = {round((b.t_s - a.t_s) * 30) for a, b in zip(recs, recs[1:])}
    assert steps == {plot.every}


def test_a_failed_score_leaves_no_csv_or_json(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text(REC.read_text().splitlines()[0] + "\n")
    try:
        posecheck.score(empty, "plank", json=tmp_path / "r.json", csv=tmp_path / "r.csv", keep_frames=False)
    except posecheck.PosecheckError:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl"]
