"""The poses the routine added (child's pose, sphinx, downward dog): each is recognised in its own position,
judged without faults when done right, with the fault when not, and not mistaken for the others.

Synthetic side views (tests/synth.py) for the logic; the real photos in shared/data/real for downward dog
(8 photos) and as negative controls for all three (no real child's pose or sphinx photo exists there)."""

import pytest

from conftest import REAL_DATA
from posecheck.core.landmarks import SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from synth import (FEET, H, W, bridge_points, child_pose_points, plank_points, quadruped_points, sequence,
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


def test_sphinx_is_held_and_a_chest_barely_lifted_on_tucked_toes_is_a_forearm_plank_not_a_sphinx():
    good = _judge("sphinx", lambda t: sphinx_points())
    assert good.evaluator.sets and good.evaluator.fault_s == {}
    assert sum(h.good_s for h in good.evaluator.holds) > 4.0
    # torso 20 deg on upright arms, on the toes: a forearm plank sagging to the floor (real ones read up to 21)
    low = sphinx_points(chest_lift=0.65, feet="tucked")
    assert _judge("sphinx", lambda t: low).evaluator.sets == []
    sagging = _judge("forearm_plank", lambda t: low)
    assert sagging.evaluator.sets and sagging.evaluator.fault_s.get("hips_sagging", 0.0) > 2.0


def test_a_forearm_plank_sagging_to_the_floor_on_tucked_toes_is_judged_hips_sagging_not_a_sphinx():
    # The sphinx's arms and torso (28 deg: Ngo sagging planks read up to 38 at 4:3); only the feet differ.
    tucked = sphinx_points(feet="tucked")
    sagging = _judge("forearm_plank", lambda t: tucked)
    assert sagging.evaluator.sets and sagging.evaluator.fault_s.get("hips_sagging", 0.0) > 4.0
    assert _judge("sphinx", lambda t: tucked).evaluator.sets == []


def test_a_sphinx_with_the_feet_flat_is_not_a_forearm_plank_and_unseen_feet_decide_nothing():
    assert _judge("forearm_plank", lambda t: sphinx_points(feet="flat")).evaluator.sets == []
    unseen = _judge("sphinx", lambda t: sphinx_points(feet=None))
    assert unseen.evaluator.sets and unseen.evaluator.fault_s == {}


def _elbow_high(feet, sag_deg=0.0):
    """A forearm plank whose elbow the model draws above the wrist (forearm 45 deg up, elbow 135, upper arm
    vertical: the Ngo frames' 35-54 deg, elbow 120-150, upper arm 72-90), on the given feet."""
    pts = plank_points(sag_deg=sag_deg, forearm=True)
    ex, ey = pts["elbow"]
    return dict(pts, elbow=(ex, ey - 40.0), wrist=(ex + 40.0, ey), **FEET[feet])


def test_a_forearm_plank_whose_elbow_reads_high_is_judged_on_tucked_toes_not_on_flat_or_unseen_feet():
    sagging = _judge("forearm_plank", lambda t: _elbow_high("tucked", sag_deg=15.0))
    assert sagging.evaluator.sets and sagging.evaluator.fault_s.get("hips_sagging", 0.0) > 4.0
    straight = _judge("forearm_plank", lambda t: _elbow_high("tucked"))
    assert straight.evaluator.sets and straight.evaluator.fault_s == {}
    # The same arms with the feet on their tops (a cobra or a prone start on bent elbows), or feet unseen: the
    # forearm must show a forearm plank by itself (up to 35 deg); nor is it a straight-arm plank (55+).
    for feet in ("flat", None):
        assert _judge("forearm_plank", lambda t: _elbow_high(feet), seconds=2.0).evaluator.sets == [], feet
    assert _judge("plank", lambda t: _elbow_high("tucked"), seconds=2.0).evaluator.sets == []


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


# The rendered clips of the three poses (sample_videos, tools/render) and a neighbour: their true keypoints.
RENDERED = {"sphinx_hold_a": "sphinx", "sphinx_hold_b": "sphinx", "child_pose_a": "child_pose",
            "child_pose_b": "child_pose", "downward_dog_a": "downward_dog", "downward_dog_b": "downward_dog",
            "none_prone_flat_a": "none"}


def _rendered(sample_videos, clip):
    import json

    from posecheck.io.streams import open_poses

    truth_json = sample_videos / f"{clip}.truth.json"
    if not truth_json.exists():
        pytest.fail(f"{truth_json} is missing: the rendered clips of the routine's poses are part of the library")
    truth = json.loads(truth_json.read_text())
    with open_poses(sample_videos / f"{clip}.truth.jsonl") as stream:
        return truth, stream.info, [p for _f, p in stream]


def _in_position_s(spec_name, info, poses, intervals, grace_s=0.0):
    """Seconds judged in the spec's position inside the given intervals (all the clip when None), leaving out
    the first `grace_s` of each interval."""
    frames = Session(load_spec(spec_name), info).run(poses).frames
    inside = [f for f in frames if intervals is None or any(a + grace_s <= f.t_s < b for a, b in intervals)]
    return sum(1 for f in inside if f.state in ("good", "fault", "unknown")) / info.fps


@pytest.mark.parametrize("clip", sorted(RENDERED))
def test_rendered_poses_are_held_as_themselves_and_never_as_a_look_alike(clip, sample_videos):
    from posecheck.batch.accuracy import NEIGHBOURS
    from posecheck.core.specs import list_specs

    truth, info, poses = _rendered(sample_videos, clip)
    exercise = RENDERED[clip]
    assert truth["exercise"] == exercise
    if exercise == "none":  # lying flat on the forearms: no exercise's position at any moment
        assert {s: _in_position_s(s, info, poses, None) for s in list_specs()} == dict.fromkeys(list_specs(), 0.0)
        return
    held = [(h["start_s"], h["end_s"]) for h in truth["holds"]]
    true_s = sum(b - a for a, b in held)
    session = Session(load_spec(exercise), info).run(poses)
    session.finish()
    good = sum(h.good_s for h in session.evaluator.holds)
    assert true_s - 1.0 <= good <= true_s + 0.6 and session.evaluator.fault_s == {}, (good, true_s)
    for other in NEIGHBOURS[exercise]:
        # On the way up into a sphinx the body passes through a forearm plank's shape (chest still low): a spec
        # keeps a position for its exit_s after the shape is left, so only that much may reach into the hold.
        grace_s = load_spec(other).position.exit_s
        assert _in_position_s(other, info, poses, held, grace_s) == 0.0, other
