import pytest

from posecheck.core.specs import list_specs, load_spec, load_spec_file
from posecheck.errors import SpecInvalid, SpecNotFound

BUNDLED = ["bridge", "cat_cow", "child_pose", "cobra", "downward_dog", "forearm_plank", "plank", "sphinx"]

PLANK_MIN = """
name = "myplank"
title = "My plank"
[position]
[[position.require]]
measure = "knee"
min_deg = 150
[[checks]]
id = "hips_sagging"
measure = "body_sag"
max_deg = 10
cue = "Lift your hips"
"""


def test_every_bundled_spec_loads_and_names_the_contract_faults():
    assert sorted(list_specs()) == BUNDLED
    for name in BUNDLED:
        load_spec(name)
    for name in ("plank", "forearm_plank"):
        assert {"hips_sagging", "hips_piking"} <= set(load_spec(name).fault_ids)
    assert "hips_too_low" in load_spec("bridge").fault_ids


def test_unknown_exercise_suggests_the_closest_name():
    with pytest.raises(SpecNotFound, match="did you mean 'plank'"):
        load_spec("plnk")


def _spec_file(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_a_minimal_spec_loads(tmp_path):
    s = load_spec_file(_spec_file(tmp_path, PLANK_MIN))
    assert s.checks[0].debounce_s == 0.3


def test_misspelt_key_names_file_path_and_suggestion(tmp_path):
    p = _spec_file(tmp_path, PLANK_MIN.replace("max_deg = 10", "max_dge = 10"))
    with pytest.raises(SpecInvalid) as e:
        load_spec_file(p)
    msg = str(e.value)
    assert str(p) in msg and "checks[0].max_dge" in msg and "did you mean 'max_deg'" in msg


def test_min_greater_than_max_is_explained(tmp_path):
    p = _spec_file(tmp_path, PLANK_MIN.replace("max_deg = 10", "max_deg = 10\nmin_deg = 20"))
    with pytest.raises(SpecInvalid, match=r"checks\[0\].*min_deg \(20.0\) is greater than max_deg \(10.0\)"):
        load_spec_file(p)


def test_unknown_measure_suggests_a_known_one(tmp_path):
    p = _spec_file(tmp_path, PLANK_MIN.replace('"body_sag"', '"body_sagg"'))
    with pytest.raises(SpecInvalid, match="did you mean 'body_sag'"):
        load_spec_file(p)


def test_broken_toml_names_the_file(tmp_path):
    p = _spec_file(tmp_path, "name = [unclosed")
    with pytest.raises(SpecInvalid, match=f"{p}.*not valid TOML"):
        load_spec_file(p)


def test_missing_required_key(tmp_path):
    p = _spec_file(tmp_path, PLANK_MIN.replace('title = "My plank"\n', ""))
    with pytest.raises(SpecInvalid, match="title: required key is missing"):
        load_spec_file(p)


def test_user_spec_dir_overrides_bundled_by_name(tmp_path):
    (tmp_path / "plank.toml").write_text(PLANK_MIN.replace('"myplank"', '"plank"'))
    assert load_spec("plank", [tmp_path]).title == "My plank"
    assert list_specs([tmp_path])["plank"] == tmp_path / "plank.toml"


def test_a_requirement_with_only_if_applies_only_while_that_range_holds_or_is_unknown():
    from posecheck.core.specs import Requirement
    nan = float("nan")
    r = Requirement(measure="foot_incline", min_deg=40.0, if_unknown="pass",
                    only_if={"measure": "torso_incline", "min_deg": 24.0})
    assert r.holds({"foot_incline": 10.0, "torso_incline": 5.0}) is True  # chest low: the feet do not matter
    assert r.holds({"foot_incline": 10.0, "torso_incline": 30.0}) is False
    assert r.holds({"foot_incline": 10.0, "torso_incline": nan}) is False  # unknown condition: it applies
    assert r.holds({"foot_incline": nan, "torso_incline": 30.0}) is None
    with pytest.raises(ValueError):
        Requirement(measure="foot_incline", min_deg=40.0, only_if={"measure": "torso_incl", "min_deg": 24.0})
