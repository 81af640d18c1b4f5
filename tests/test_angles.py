"""`posecheck angles` and the explore module: the evaluator's own numbers, over time or at one moment."""

import csv
import io
import math
import subprocess
import sys

import numpy as np
import pytest
from synth import H, W, plank_points, ramp, sequence, standing_points

from posecheck.cli.main import run
from posecheck.core.evaluation import Evaluator
from posecheck.core.geometry import MEASURES
from posecheck.core.specs import load_spec
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.tuning.explore import (
    AngleSeries,
    measure_series,
    parse_input,
    steady_mask,
)


def plank_then_sag(t):
    return standing_points() if t < 1.0 else plank_points(sag_deg=15 * ramp(t, 5, 5.5))


def write(path, poses, fps=30.0):
    with RecordingWriter(path, RecordingHeader(W, H, fps, "synthetic")) as w:
        for p in poses:
            w.write(p)
    return path


@pytest.fixture
def plank_rec(tmp_path):
    return write(tmp_path / "plank.jsonl", sequence(30.0, 8, plank_then_sag, noise_px=0.6, seed=3))


def test_series_equals_the_evaluators_angles_frame_by_frame():
    poses = sequence(30.0, 6, plank_then_sag, noise_px=1.0, seed=1)
    spec = load_spec("plank")
    ev = Evaluator(spec, W, H)
    expected = [ev.step(p) for p in poses]
    series = measure_series(poses, W, H, spec.smoothing)
    for i, fr in enumerate(expected):
        assert series.side[i] == fr.side
        for m in MEASURES:
            a, b = series.values[m][i], fr.angles[m]
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9), (i, m)


def test_at_prints_the_measure_at_that_moment(plank_rec, capsys):
    assert run(["angles", str(plank_rec), "--at", "7"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("body_sag"))
    assert float(line.split()[1]) == pytest.approx(15.0, abs=1.5)
    assert "At 7 s" in out


def test_summary_lists_every_measure(plank_rec, capsys):
    assert run(["angles", str(plank_rec)]) == 0
    out = capsys.readouterr().out
    for m in MEASURES:
        assert f"  {m} " in out


def test_csv_has_a_row_per_frame_of_the_range_and_a_column_per_measure(plank_rec, tmp_path):
    out = tmp_path / "a.csv"
    assert run(["angles", f"{plank_rec}@2-4", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 61  # 2.000 .. 4.000 s at 30 fps, both ends included
    assert float(rows[0]["t_s"]) == pytest.approx(2.0) and float(rows[-1]["t_s"]) == pytest.approx(4.0)
    assert list(rows[0]) == ["t_s", "detected", "side", *(f"{m}_deg" for m in MEASURES)]  # as score --csv
    assert abs(float(rows[10]["body_sag_deg"])) < 3


def test_csv_without_a_path_goes_to_stdout_alone(plank_rec):
    proc = subprocess.run([sys.executable, "-m", "posecheck", "angles", f"{plank_rec}@0-1", "--csv"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("t_s,detected,side,elbow_deg,") and len(lines) == 1 + 31


def test_plot_draws_a_png(plank_rec, tmp_path):
    pytest.importorskip("matplotlib", reason="--plot needs the [plot] extra (matplotlib)")
    out = tmp_path / "a.png"
    assert run(["angles", str(plank_rec), "--plot", str(out), "-e", "plank"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20000


@pytest.mark.parametrize("args, message", [
    (["{rec}@9-4"], "ends"),
    (["{rec}@abc"], "bad time range"),
    (["{rec}@20-30"], "no frame in that time range"),
    (["{rec}", "--at", "99"], "pick a time inside"),
    (["{rec}", "--plot", "{tmp}/a.png", "--measures", "knee,elbw"], "unknown elbw"),
])
def test_bad_arguments_give_one_error_line(plank_rec, tmp_path, capsys, args, message):
    argv = ["angles"] + [a.format(rec=plank_rec, tmp=tmp_path) for a in args]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_parse_input_reads_open_ranges_and_leaves_plain_names_alone(tmp_path):
    assert parse_input("a.mp4@3-6.5").start_s == 3.0 and parse_input("a.mp4@3-6.5").end_s == 6.5
    assert parse_input("a.mp4@-6").start_s == 0.0 and parse_input("a.mp4@2.5-").end_s == math.inf
    odd = tmp_path / "me@home.mp4"
    odd.write_bytes(b"x")
    assert parse_input(str(odd)).path == str(odd)


def test_steady_mask_finds_the_hold_not_the_setup():
    def pts(t):
        if t < 2.0:
            return standing_points()
        if t < 3.0:  # getting down: a fast, large change
            k = t - 2.0
            return {n: (s[0] * (1 - k) + p[0] * k, s[1] * (1 - k) + p[1] * k)
                    for (n, s), p in zip(standing_points().items(), plank_points().values())}
        return plank_points()
    poses = sequence(30.0, 9, pts, noise_px=0.5, seed=2)
    series = measure_series(poses, W, H)
    mask = steady_mask(series)
    t = series.t_s[mask]
    assert t.min() >= 3.0 and t.max() > 8.5
    assert isinstance(series.subset(mask), AngleSeries) and np.all(series.subset(mask).t_s == t)
