"""Scoring a whole folder: every video and recording, in parallel processes, the same reports as one by one;
a bad file is reported and skipped, and the exit status says so."""

import json
import shutil

import pytest
from sample_clips import model_clips
from synth import H, W, plank_points, ramp, sequence, standing_points

from posecheck.batch.folder import find_inputs, output_names, score_folder
from posecheck.cli.main import run
from posecheck.io.recording import RecordingHeader, RecordingWriter


def write_recording(path, poses, fps=30.0):
    with RecordingWriter(path, RecordingHeader(W, H, fps, "synthetic")) as w:
        for p in poses:
            w.write(p)
    return path


def plank_with_sag(start_s):
    def pts(t):
        if t < 1.0:
            return standing_points()
        return plank_points(sag_deg=20 * (ramp(t, start_s, start_s + 0.3) - ramp(t, start_s + 2, start_s + 2.3)))
    return pts


@pytest.fixture
def session_folder(tmp_path):
    d = tmp_path / "sessions"
    d.mkdir()
    write_recording(d / "monday.jsonl", sequence(30.0, 8, plank_with_sag(3), noise_px=0.4, seed=1))
    write_recording(d / "tuesday.jsonl", sequence(30.0, 6, plank_with_sag(20), noise_px=0.4, seed=2))
    write_recording(d / "wednesday.jsonl", sequence(30.0, 7, plank_with_sag(2), noise_px=0.4, seed=3))
    lines = (d / "monday.jsonl").read_text().splitlines()
    (d / "broken.jsonl").write_text("\n".join(lines[:40] + ["{oops"]) + "\n")
    (d / "notes.txt").write_text("not an input\n")
    return d


def test_only_videos_photos_and_recordings_are_inputs_and_names_do_not_clash(session_folder, tmp_path):
    assert [p.name for p in find_inputs(session_folder)] == \
        ["broken.jsonl", "monday.jsonl", "tuesday.jsonl", "wednesday.jsonl"]
    # A rendered clip's truth files, an earlier run's report and CSVs are not inputs; a photo is.
    shutil.copy(session_folder / "monday.jsonl", session_folder / "monday.truth.jsonl")
    (session_folder / "monday.truth.json").write_text('{"exercise": "plank"}')
    assert run(["score", str(session_folder / "monday.jsonl"), "-e", "plank", "-q",
                "--json", str(session_folder / "monday.report.json"),
                "--csv", str(session_folder / "monday.csv")]) == 0
    (session_folder / "cover.JPG").write_bytes(b"\xff\xd8")
    assert [p.name for p in find_inputs(session_folder)] == \
        ["broken.jsonl", "cover.JPG", "monday.jsonl", "tuesday.jsonl", "wednesday.jsonl"]
    a, b = session_folder / "a.mp4", session_folder / "a.jsonl"
    assert sorted(output_names([a, b]).values()) == ["a_jsonl", "a_mp4"]


def test_folder_scores_every_file_reports_the_bad_one_and_exits_2(session_folder, tmp_path, capsys):
    out = tmp_path / "reports"
    code = run(["score", str(session_folder), "-e", "plank", "--out", str(out), "--jobs", "2"])
    assert code == 2
    text = capsys.readouterr()
    table = text.out.splitlines()
    assert table[0].split() == ["file", "good", "hold", "reps", "main", "fault"]
    row = {line.split()[0]: line for line in table[2:6]}
    assert "FAILED" in row["broken.jsonl"] and "line 41" in row["broken.jsonl"]
    assert "hips sagging" in row["monday.jsonl"] and "none" in row["tuesday.jsonl"]
    assert "3 of 4 scored; 1 failed" in text.out
    assert "[4/4]" in text.err  # progress lines, one per file as it finishes
    for name in ("monday", "tuesday", "wednesday"):
        assert json.loads((out / f"{name}.json").read_text())["schema"] == "posecheck.report/1"
        assert (out / f"{name}.html").read_text().startswith("<!DOCTYPE html>")
    assert not (out / "broken.json").exists() and not (out / "broken.html").exists()
    assert (out / "summary.csv").read_text().count("\n") == 5
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_two_jobs_give_the_same_reports_as_one_by_one(session_folder, tmp_path):
    (session_folder / "broken.jsonl").unlink()
    one = score_folder(session_folder, "plank", tmp_path / "one", jobs=1)
    two = score_folder(session_folder, "plank", tmp_path / "two", jobs=2)
    assert [r.ok for r in one] == [r.ok for r in two] == [True, True, True]
    for name in ("monday", "tuesday", "wednesday"):
        for ext in ("json", "html"):
            assert (tmp_path / "one" / f"{name}.{ext}").read_bytes() == \
                (tmp_path / "two" / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


def test_all_good_exits_0_and_auto_names_the_exercise_per_file(session_folder, tmp_path, capsys):
    (session_folder / "broken.jsonl").unlink()
    assert run(["score", str(session_folder), "-e", "auto", "--out", str(tmp_path / "r"), "-j", "1", "-q"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines()[0].split()[:2] == ["file", "exercise"]
    assert out.out.count("plank ") >= 3 and "3 of 3 scored" in out.out


def test_no_exercise_recognised_is_a_result_not_a_failure(session_folder, tmp_path, capsys):
    (session_folder / "broken.jsonl").unlink()
    write_recording(session_folder / "standing.jsonl", sequence(30.0, 4, lambda t: standing_points(), seed=4))
    assert run(["score", str(session_folder), "-e", "auto", "--out", str(tmp_path / "r"), "-j", "1", "-q"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("standing.jsonl"))
    assert row.split()[1] == "none" and "no exercise recognised" in row
    assert "4 of 4 scored; no exercise recognised in 1" in out
    assert " s of 20 s" in out  # the hold and its target, both with their unit


@pytest.mark.parametrize("args, message", [
    (["--out", "{tmp}/r", "--json", "{tmp}/x.json"], "use --out OUTDIR instead"),
    ([], "is a directory; to score every video and recording in it, give --out OUTDIR"),
])
def test_folder_usage_mistakes_are_explained(session_folder, tmp_path, capsys, args, message):
    code = run(["score", str(session_folder), "-e", "plank", *[a.format(tmp=tmp_path) for a in args]])
    assert code == 2 and message in capsys.readouterr().err


def test_empty_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run(["score", str(tmp_path / "empty"), "-e", "plank", "--out", str(tmp_path / "r")]) == 2
    assert "no videos, photos or landmark recordings" in capsys.readouterr().err


@pytest.mark.model
def test_sample_clips_with_two_jobs_match_one_by_one(sample_videos, tmp_path):
    # A clip is complete once its truth file is written (the renderer writes it last).
    clips = sorted(model_clips(sample_videos, "plank_*.mp4"),
                   key=lambda p: p.stat().st_size)[:2]  # two plank clips: one exercise for the folder
    if len(clips) < 2:
        pytest.skip("sample clips not rendered yet")
    d = tmp_path / "clips"
    d.mkdir()
    for c in clips:
        shutil.copy(c, d / c.name)
    exercise = json.loads(clips[0].with_suffix(".truth.json").read_text())["exercise"]
    one = score_folder(d, exercise, tmp_path / "one", jobs=1)
    two = score_folder(d, exercise, tmp_path / "two", jobs=2)
    assert all(r.ok for r in one + two)
    for c in clips:
        a = json.loads((tmp_path / "one" / f"{c.stem}.json").read_text())
        b = json.loads((tmp_path / "two" / f"{c.stem}.json").read_text())
        assert a == b, c.name
