"""The poses the routine added (child's pose, sphinx, downward dog): each is recognised in its own position,
judged without faults when done right, with the fault when not, and not mistaken for the others.

Synthetic side views (tests/synth.py) for the logic; the real photos in shared/data/real for downward dog
(8 photos) and as negative controls for all three (no real child's pose or sphinx photo exists there)."""

import pytest

from conftest import REAL_DATA
from posecheck.core.landmarks import SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from synth import (H, W, bridge_points, child_pose_points, plank_points, quadruped_points, sequence,
                   sphinx_points, standing_points)

NEW = ("child_pose", "sphinx", "downward_dog")


def _judge(name: str, points_at, seconds: float = 6.0):
    session = Session(load_spec(name), SourceInfo("synthetic", "recording", W, H, 30.0))
    session.run(sequence(30.0, seconds, points_at, noise_px=0.5))
    session.finish()
    return session


def test_child_pose_is_held_in_good_form_and_arms_propping_the_chest_are_told():
    good = _judge("child_pose", lambda t: child_pose_points())
    assert good.evaluator.sets and good.evaluator.fault_s == {}
    assert sum(h.good_s for h in good.evaluator.holds) > 4.0
    propped = dict(child_pose_points(), elbow=(362.0, 392.0), wrist=(440.0, 394.0))  # elbows under the shoulders
    bad = _judge("child_pose", lambda t: propped)
    assert bad.evaluator.fault_s.get("arms_not_forward", 0.0) > 2.0


def test_sphinx_is_held_and_a_chest_barely_lifted_is_a_forearm_plank_not_a_sphinx():
    good = _judge("sphinx", lambda t: sphinx_points())
    assert good.evaluator.sets and good.evaluator.fault_s == {}
    assert sum(h.good_s for h in good.evaluator.holds) > 4.0
    # torso 20 deg on upright arms: the shape of a forearm plank sagging to the floor (real ones read up to 21)
    low = sphinx_points(chest_lift=0.65)
    assert _judge("sphinx", lambda t: low).evaluator.sets == []
    sagging = _judge("forearm_plank", lambda t: low)
    assert sagging.evaluator.sets and sagging.evaluator.fault_s.get("hips_sagging", 0.0) > 2.0


def test_a_sphinx_is_neither_a_cobra_nor_a_forearm_plank():
    for other in ("cobra", "forearm_plank"):
        assert _judge(other, lambda t: sphinx_points(), seconds=2.0).evaluator.sets == [], other


@pytest.mark.parametrize("other", [lambda: plank_points(), lambda: plank_points(forearm=True),
                                   lambda: quadruped_points(20), lambda: bridge_points(1.0),
                                   lambda: bridge_points(0.0), standing_points])
@pytest.mark.parametrize("name", NEW)
def test_the_new_poses_are_not_found_in_the_other_exercises(name, other):
    s = _judge(name, lambda t: other(), seconds=2.0)
    assert s.evaluator.sets == []


def test_the_new_poses_do_not_take_each_others_place():
    for name, pts in (("child_pose", child_pose_points), ("sphinx", sphinx_points)):
        for other in NEW:
            if other != name:
                assert _judge(other, lambda t: pts(), seconds=2.0).evaluator.sets == [], (name, other)


@pytest.mark.model
def test_real_photos_downward_dog_is_recognised_and_nothing_else_is_one_of_the_new_poses():
    from posecheck.io.streams import open_poses

    images = sorted(p for p in (REAL_DATA / "images").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not images:
        pytest.skip(f"no real photos at {REAL_DATA}")
    specs = [load_spec(n) for n in NEW]
    wrong, dogs = [], 0
    for img in images:
        is_dog = "downward_dog" in img.name
        dogs += is_dog
        with open_poses(img) as stream:
            (_frame, pose), = list(stream)
            for spec in specs:
                state = Session(spec, stream.info).step(pose).frame.state
                if (state in ("good", "fault")) != (is_dog and spec.name == "downward_dog"):
                    wrong.append(f"{img.name} {spec.name} {state}")
    assert dogs == 8 and wrong == []
