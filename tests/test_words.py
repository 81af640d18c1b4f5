"""What a person reads: measures in words ("hips 14 deg low"), labels that never cover the body, a summary in
words while the data keeps the ids and measure names."""

import math

import numpy as np
import pytest
from synth import plank_points, pose_from_points

from posecheck.render.annotators import AngleAnnotator, _pixels, timer_text
from posecheck.words import measure_phrase


@pytest.mark.parametrize("measure, value, words", [
    ("body_sag", 14, "hips 14 deg low"), ("body_sag", -9, "hips 9 deg high"), ("body_sag", 1, "hips in line"),
    ("elbow", 172, "arms straight"), ("elbow", 95, "elbows bent 85 deg"), ("knee", 90, "knees bent 90 deg"),
    ("head_drop", 14, "head 14 deg low"), ("hands_forward", -1, "hands under the shoulders"),
    ("hands_forward", 12, "hands 12 deg ahead of the shoulders"), ("pelvis_lift", 22, "hips 22 deg up"),
    ("torso_incline", 35, "chest 35 deg up"), ("elbow", math.nan, "elbows not seen"),
])
def test_measures_read_as_words(measure, value, words):
    assert measure_phrase(measure, value) == words


@pytest.mark.parametrize("size", [(160, 120), (320, 240), (1280, 960)])
def test_labels_scale_with_the_image_and_never_cover_the_body(size):
    W, H = size
    pose = pose_from_points(0.0, plank_points(sag_deg=15))
    px = _pixels(pose, W, H, mirror=False)
    measures = ["body_sag", "elbow", "head_drop", "hands_forward"]
    angles = {"body_sag": 15.0, "elbow": 175.0, "head_drop": 8.0, "hands_forward": 2.0}
    image = np.zeros((H, W, 3), np.uint8)
    AngleAnnotator().annotate(image, px, "left", angles, measures, set())
    boxes = (np.abs(image.astype(int) - 30).sum(axis=2) == 0)  # the labels' dark boxes
    assert boxes.any()
    body = px[~np.isnan(px).any(axis=1)]
    (x0, y0), (x1, y1) = body.min(axis=0).astype(int), body.max(axis=0).astype(int)
    assert not boxes[y0:y1 + 1, x0:x1 + 1].any()
    # Their letters follow the picture's height (about 1/40 of it).
    rows = np.flatnonzero((image.min(axis=2) > 200).any(axis=1))
    tallest = max(len(r) for r in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1))
    assert H / 60 <= tallest <= max(H / 12, 18)


def test_coach_view_keeps_the_measure_names():
    assert AngleAnnotator(labels="measures").label("body_sag", 14.2) == "body_sag 14"
    assert AngleAnnotator().label("body_sag", 14.2) == "hips 14 deg low"


def _report_of(points_at, kind="recording", seconds=4.0, out_of_frame_unseen=False):
    from synth import H, W, sequence

    from posecheck.core.landmarks import SourceInfo
    from posecheck.core.session import Session
    from posecheck.core.specs import load_spec
    from posecheck.report.build import build_report

    spec = load_spec("plank")
    session = Session(spec, SourceInfo("x", kind, W, H, 30.0, None))
    poses = sequence(30.0, seconds, points_at) if kind != "image" else [pose_from_points(0.0, points_at(0.0))]
    for p in poses:
        if out_of_frame_unseen:
            # As MediaPipe does: a landmark placed outside the picture comes with a low visibility.
            p.visibility[(p.xyz[:, 0] < 0) | (p.xyz[:, 0] > 1)] = 0.05
        session.step(p)
    return build_report(session)


def test_score_says_why_a_person_was_never_judged_with_lives_camera_advice():
    # A plank with the feet out of the picture: never judged, and the report says what live would have said.
    def cut_off(t):
        return {k: (x - 160.0, y) for k, (x, y) in plank_points().items()}
    s = _report_of(cut_off, out_of_frame_unseen=True).summary
    assert s.grade == "not_judged"
    assert s.camera_advice == "Move to the middle of the picture: your feet are out of view"
    assert s.verdict.endswith("the camera's advice: move to the middle of the picture: your feet are out of view")
    # A good view judged throughout has no advice (and no such key in the JSON).
    good = _report_of(lambda t: plank_points())
    assert good.summary.camera_advice is None and "camera_advice" not in good.to_dict()["summary"]


def test_a_photo_verdict_gives_the_cue():
    r = _report_of(lambda t: plank_points(sag_deg=25), kind="image")
    assert r.summary.verdict == "Form needs work (one photo): Hips are sagging: lift them"


def test_the_hold_timer_counts_whole_seconds_done_like_a_stopwatch():
    """3.5 s held is "3 of 20 s" on the bar while the routine's panel beside it says 3.5: never a second ahead."""
    assert timer_text(3.5, 20.0) == "3 of 20 s"
    assert timer_text(19.999, 20.0) == "19 of 20 s" and timer_text(20.0, 20.0) == "20 of 20 s"
    assert timer_text(0.0, 30.0) == "0 of 30 s"
