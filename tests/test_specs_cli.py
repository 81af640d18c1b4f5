"""`posecheck specs new` (a spec for a new pose from one reference) and where `specs list` says specs come from."""

from pathlib import Path

import pytest
import tomllib
from conftest import REAL_DATA
from synth import H, W, plank_points, quadruped_points, sequence, standing_points

from posecheck.cli.main import run
from posecheck.core.specs import SPECS_ENV, load_spec_file
from posecheck.io.recording import RecordingHeader, RecordingWriter

REAL = REAL_DATA / "images"


def write(path, points_at, seconds=10.0, seed=0, noise_px=0.8):
    with RecordingWriter(path, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, seconds, points_at, noise_px=noise_px, seed=seed):
            w.write(p)
    return str(path)


def tabletop(head_drop_deg=12.0, stand_s=2.0):
    """Stand, then hold a table-top (hands and knees, back flat): a pose none of the bundled specs knows."""
    return lambda t: standing_points() if t < stand_s else quadruped_points(head_drop_deg)


@pytest.fixture
def table_top_spec(tmp_path):
    ref = write(tmp_path / "ref.jsonl", tabletop(), seconds=12, seed=1)
    out = tmp_path / "table_top.toml"
    assert run(["specs", "new", "table_top", "--from", ref, "-o", str(out)]) == 0
    return out


def test_scaffold_validates_and_is_built_from_the_steady_part(table_top_spec, capsys):
    spec = load_spec_file(table_top_spec)
    assert spec.name == "table_top" and spec.title == "Table top"
    req = {r.measure: r for r in spec.position.require}
    # Segment inclines of a table-top: thighs and arms near vertical, back and shins near horizontal.
    assert req["thigh_incline"].min_deg == pytest.approx(89 - 25, abs=2) and req["thigh_incline"].max_deg is None
    assert req["torso_incline"].min_deg < 0 < req["torso_incline"].max_deg
    checks = {c.id: c for c in spec.checks}
    assert checks["knees_too_bent"].min_deg == pytest.approx(90 - 10, abs=2)
    assert checks["knees_too_straight"].max_deg == pytest.approx(90 + 10, abs=2)
    assert checks["head_dropping"].max_deg == pytest.approx(12 + 10, abs=2.5)
    assert "elbows_too_straight" not in checks  # a straight arm (~178 deg) cannot straighten further
    # The reference held still from about 2.5 s (after the standing part) to the end: 9.5 s -> 10 s target.
    assert spec.hold.target_s == 10.0
    text = table_top_spec.read_text()
    assert "# reference" in text and "from ref.jsonl 2." in text
    assert run(["specs", "validate", str(table_top_spec)]) == 0


def test_scaffolded_pose_is_recognised_and_judged_on_another_clip(table_top_spec, tmp_path, capsys):
    other = write(tmp_path / "other.jsonl", tabletop(head_drop_deg=14.0, stand_s=1.0), seconds=8, seed=7)
    hanging = write(tmp_path / "hanging.jsonl", tabletop(head_drop_deg=45.0, stand_s=1.0), seconds=8, seed=8)
    plank = write(tmp_path / "plank.jsonl", lambda t: plank_points(), seconds=5, seed=9)
    capsys.readouterr()
    assert run(["score", other, "-e", str(table_top_spec)]) == 0
    out = capsys.readouterr().out
    assert "Good form" in out and "No form faults" in out
    assert run(["score", hanging, "-e", str(table_top_spec)]) == 0
    out = capsys.readouterr().out
    assert "head dropping" in out and "Keep your head in line with your back" in out
    assert run(["score", plank, "-e", str(table_top_spec)]) == 0
    assert "not recognised as table top" in capsys.readouterr().out


def test_new_refuses_to_overwrite_and_bad_names(tmp_path, table_top_spec, capsys):
    ref = write(tmp_path / "r.jsonl", tabletop(), seconds=4, seed=2)
    assert run(["specs", "new", "table_top", "--from", ref, "-o", str(table_top_spec)]) == 2
    assert "exists" in capsys.readouterr().err
    assert run(["specs", "new", "Table Top", "--from", ref, "-o", str(tmp_path / "x.toml")]) == 2
    assert "snake_case" in capsys.readouterr().err
    nobody = write(tmp_path / "nobody.jsonl", lambda t: None, seconds=2)
    assert run(["specs", "new", "x", "--from", nobody, "-o", str(tmp_path / "x.toml")]) == 2
    assert "no person was detected" in capsys.readouterr().err and not (tmp_path / "x.toml").exists()


def test_list_says_where_each_spec_comes_from(tmp_path, monkeypatch, capsys):
    mine, env_dir = tmp_path / "mine", tmp_path / "env"
    mine.mkdir()
    env_dir.mkdir()
    ref = write(tmp_path / "r.jsonl", tabletop(), seconds=5, seed=3)
    assert run(["specs", "new", "table_top", "--from", ref, "-o", str(mine / "table_top.toml")]) == 0
    plank = (Path(__file__).resolve().parent.parent / "exercise_specs" / "plank.toml").read_text()
    (env_dir / "plank.toml").write_text(plank.replace('title = "Plank"', 'title = "My plank"'))
    monkeypatch.setenv(SPECS_ENV, str(env_dir))
    capsys.readouterr()
    assert run(["specs", "list", "--specs", str(mine)]) == 0
    rows = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines()}
    assert "--specs" in rows["table_top"] and str(mine) in rows["table_top"]
    assert f"${SPECS_ENV} (overrides bundled)" in rows["plank"] and "My plank" in rows["plank"]
    assert "bundled" in rows["cobra"] and "overrides" not in rows["cobra"]


@pytest.mark.model
@pytest.mark.skipif(not REAL.is_dir(), reason="the real photos (../shared/data/real) are not beside this checkout")
def test_a_downward_dog_from_one_photo_recognises_another_and_not_a_plank(tmp_path, capsys):
    spec = tmp_path / "downward_dog.toml"
    assert run(["specs", "new", "downward_dog", "--from", str(REAL / "other/mj_downward_dog29.jpg"),
                "-o", str(spec)]) == 0
    data = tomllib.loads(spec.read_text())
    assert data["hold"]["target_s"] == 20.0  # a photo has no duration
    capsys.readouterr()
    assert run(["score", str(REAL / "other/mj_downward_dog19.jpg"), "-e", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "Still image: good form" in out or "Still image: fault" in out  # in position: judged, not "not in position"
    assert run(["score", str(REAL / "plank/yh_plank_sample.jpg"), "-e", str(spec)]) == 0
    assert "Still image: not in position" in capsys.readouterr().out  # not in the position: not judged
