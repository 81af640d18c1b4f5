import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synth import FEET, H, W, plank_points, pose_from_points

from posecheck.core.geometry import (
    MEASURES,
    SideTracker,
    angle3,
    incline,
    measure_pose,
    measure_side,
    to_pixels,
)
from posecheck.core.landmarks import Pose

UNSIGNED = ("elbow", "shoulder", "hip", "knee", "neck", "body_line")
SIDE_ORDER = ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle")


def _measures(pts: dict) -> dict:
    """Measures as the evaluator takes them: through a Pose (so the nose is placed as in synth)."""
    pose = pose_from_points(0.0, pts, width=10_000, height=10_000)
    return measure_pose(to_pixels(pose, 10_000, 10_000), "left")


def _transform(pts: dict, rot_deg=0.0, scale=1.0, dx=0.0, dy=0.0, mirror=False) -> dict:
    a = math.radians(rot_deg)
    out = {}
    if "nose" not in pts:
        pose = pose_from_points(0.0, pts, width=1, height=1)
        pts = {**pts, "nose": tuple(pose.xyz[0, :2])}
    for k, (x, y) in pts.items():
        if mirror:
            x = -x
        xr, yr = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
        out[k] = (xr * scale + dx, yr * scale + dy)
    return out


def test_right_angle_and_straight_line():
    assert angle3((1, 0), (0, 0), (0, 1)) == pytest.approx(90.0)
    assert angle3((-1, 0), (0, 0), (1, 0)) == pytest.approx(180.0)


@pytest.mark.parametrize("rot", [0, 33, 90, 200])
@pytest.mark.parametrize("scale", [0.3, 1.0, 4.0])
def test_unsigned_angles_are_rotation_and_scale_invariant(rot, scale):
    pts = plank_points(sag_deg=12.0)
    base = _measures(pts)
    moved = _measures(_transform(pts, rot_deg=rot, scale=scale, dx=50, dy=-20))
    for m in UNSIGNED:
        assert moved[m] == pytest.approx(base[m], abs=1e-6), m


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_every_measure_is_scale_translation_and_mirror_invariant(scale):
    pts = {**plank_points(sag_deg=-14.0, hands_forward_px=30), **FEET["tucked"]}
    base = _measures(pts)
    for moved in (_measures(_transform(pts, scale=scale, dx=70, dy=15)),
                  _measures(_transform(pts, mirror=True, dx=640))):
        for m in MEASURES:
            assert moved[m] == pytest.approx(base[m], abs=1e-6), m


@pytest.mark.parametrize("sag", [-25.0, -10.0, 0.0, 5.0, 15.0, 25.0])
def test_body_sag_is_signed_sag_positive_pike_negative(sag):
    m = _measures(plank_points(sag_deg=sag))
    assert m["body_sag"] == pytest.approx(sag, abs=1e-6)
    # The unsigned angle cannot tell the two apart: that is why the signed measure exists.
    assert m["body_line"] == pytest.approx(180 - abs(sag), abs=1e-6)


def test_angles_are_computed_in_pixels_not_normalized_coordinates():
    pts = plank_points(sag_deg=15.0)
    for w, h in ((640, 480), (1280, 720), (480, 854)):
        sx, sy = w / 640, h / 480  # the same body scaled non-uniformly into each frame
        scaled = {k: (x * sx, y * sy) for k, (x, y) in pts.items()}
        pose = pose_from_points(0.0, scaled, width=w, height=h)
        got = measure_pose(to_pixels(pose, w, h), "left")
        want = measure_side(*[scaled[k] for k in SIDE_ORDER])
        assert got["body_sag"] == pytest.approx(want["body_sag"], abs=1e-6)
    # Sanity: a 16:9 frame measured on normalized coordinates would be off by degrees.
    pose = pose_from_points(0.0, pts, width=W, height=H)
    norm = measure_pose(pose.xyz[:, :2].copy(), "left")
    assert abs(norm["body_sag"] - 15.0) > 1.0


def test_a_missing_landmark_makes_only_its_measures_unknown():
    pts = plank_points()
    pose = pose_from_points(0.0, pts)
    pose.visibility[13] = 0.1  # left elbow below the visibility floor
    m = measure_pose(to_pixels(pose, W, H), "left")
    assert math.isnan(m["elbow"]) and math.isnan(m["shoulder"]) and math.isnan(m["forearm_incline"])
    assert not math.isnan(m["body_sag"]) and not math.isnan(m["hands_forward"])


def test_absent_pose_gives_all_nan():
    px = to_pixels(Pose.absent(0.0), W, H)
    assert all(math.isnan(v) for v in measure_pose(px, "left").values())


def test_incline_ignores_facing_direction():
    assert incline((0, 0), (10, -10)) == pytest.approx(45.0)
    assert incline((0, 0), (-10, -10)) == pytest.approx(45.0)
    assert incline((0, 0), (10, 10)) == pytest.approx(-45.0)


def test_side_tracker_does_not_flicker_on_a_single_frame():
    tr = SideTracker(hold_s=0.3)
    pts = plank_points()
    seen = []
    for i in range(30):
        pose = pose_from_points(i / 30, pts)
        if i == 10:  # one frame in which the far side looks more visible
            pose.visibility[:] = 0.3
            pose.visibility[[8, 12, 14, 16, 24, 26, 28]] = 0.99
        seen.append(tr.update(pose))
    assert set(seen) == {"left"}


def test_side_tracker_switches_when_the_person_turns():
    tr = SideTracker(hold_s=0.3)
    for i in range(30):
        pose = pose_from_points(i / 30, plank_points())
        if i >= 10:
            pose.visibility[:] = 0.3
            pose.visibility[[8, 12, 14, 16, 24, 26, 28]] = 0.99
        side = tr.update(pose)
    assert side == "right"


coord = st.one_of(st.floats(min_value=-1e4, max_value=1e4), st.just(math.nan))
point = st.tuples(coord, coord)


@settings(max_examples=300, deadline=None)
@given(st.lists(point, min_size=8, max_size=8))
def test_measures_never_raise_and_stay_in_range(pts):
    m = measure_side(*pts)
    assert set(m) == set(MEASURES)
    for k, v in m.items():
        assert isinstance(v, float)
        if not math.isnan(v):
            assert -180.0 <= v <= 180.0, (k, v)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=99, max_size=99),
       st.lists(st.floats(min_value=0, max_value=1), min_size=33, max_size=33))
def test_to_pixels_and_measures_accept_any_landmark_values(vals, vis):
    xyz = np.array(vals, dtype=float).reshape(33, 3)
    pose = Pose(0.0, xyz, np.array(vis))
    with np.errstate(all="ignore"):
        px = to_pixels(pose, W, H)
        m = measure_pose(px, "left")
    assert set(m) == set(MEASURES)


def test_feet_on_their_tucked_toes_read_high_and_feet_lying_on_their_tops_low_whichever_way_they_face():
    for feet, lo, hi in (("tucked", 45.0, 90.0), ("flat", 0.0, 35.0)):
        pts = {**plank_points(), **FEET[feet]}
        for m in (_measures(pts), _measures(_transform(pts, mirror=True, dx=640))):
            assert lo < m["foot_incline"] < hi, feet
    assert math.isnan(_measures(plank_points())["foot_incline"])  # feet not seen: unknown
