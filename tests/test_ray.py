"""`posecheck score DIR --engine ray`: Ray actors, one video each at a time, the same reports as `--jobs 1`."""

import json
import shutil

import pytest
from sample_clips import model_clips

from posecheck.batch.folder import score_folder
from posecheck.batch.ray_engine import ray_available, score_folder_ray
from posecheck.cli.main import run

pytestmark = pytest.mark.skipif(not ray_available(), reason="Ray is not installed (pip install -e '.[ray]')")


def _same_reports(a_dir, b_dir, names):
    for n in names:
        for ext in ("json", "html"):
            assert (a_dir / f"{n}.{ext}").read_bytes() == (b_dir / f"{n}.{ext}").read_bytes(), f"{n}.{ext}"


def test_ray_gives_the_reports_of_one_by_one_and_the_cli_table(sample_videos, tmp_path, capsys, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("plank_sag_a", "plank_headdrop_a", "plank_clean_a"):
        shutil.copy(sample_videos / f"{name}.truth.jsonl", d / f"{name}.jsonl")  # true keypoints: no model
    (d / "broken.jsonl").write_text('{"format": "posecheck-landmarks", "version": 1}\nnot json\n')
    monkeypatch.chdir(tmp_path)  # relative paths, as a user types them
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    one = score_folder("in", "plank", "one", jobs=1)
    assert run(["score", "in", "-e", "plank", "--out", "ray", "--engine", "ray", "--jobs", "2", "-q"]) == 2
    out = capsys.readouterr()
    assert "3 of 4 scored; 1 failed" in out.out and "broken.jsonl" in out.out
    _same_reports(tmp_path / "one", tmp_path / "ray", ["plank_sag_a", "plank_headdrop_a", "plank_clean_a"])
    rows = (tmp_path / "ray" / "summary.csv").read_text().replace("ray/", "one/")
    assert [r.input for r in one] == [line.split(",")[0] for line in rows.splitlines()[1:]]


def test_engine_ray_is_for_folders(sample_videos, tmp_path, capsys):
    rec = sample_videos / "plank_sag_a.truth.jsonl"
    assert run(["score", str(rec), "-e", "plank", "--engine", "ray"]) == 2
    assert "--engine are for a folder" in capsys.readouterr().err


@pytest.mark.model
def test_one_actor_reuses_its_model_across_videos_and_matches_one_by_one(sample_videos, tmp_path, monkeypatch):
    clips = sorted(model_clips(sample_videos, "plank_*.mp4"),
                   key=lambda p: p.stat().st_size)[:2]
    d = tmp_path / "clips"
    d.mkdir()
    for c in clips:
        shutil.copy(c, d / c.name)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    one = score_folder(d, "plank", tmp_path / "one", jobs=1)
    ray = score_folder_ray(d, "plank", tmp_path / "ray", workers=1)  # one actor: the second video reuses the model
    assert all(r.ok for r in one + ray)
    assert [(r.good_hold_s, r.main_fault) for r in one] == [(r.good_hold_s, r.main_fault) for r in ray]
    for c in clips:
        a = json.loads((tmp_path / "one" / f"{c.stem}.json").read_text())
        b = json.loads((tmp_path / "ray" / f"{c.stem}.json").read_text())
        assert a == b, c.name
