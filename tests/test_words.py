"""What a person reads: measures in words ("hips 14 deg low"), labels that never cover the body, a summary in
words while the data keeps the ids and measure names."""

import math

import numpy as np
import pytest
from synth import plank_points, pose_from_points

from posecheck.render.annotators import AngleAnnotator, _pixels
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
