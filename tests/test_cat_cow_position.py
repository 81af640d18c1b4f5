"""Cat/cow needs the knees on the floor: a piked plank (straight legs, hips up) whose thighs and arms pass the
quadruped's ranges is not cat/cow, while the quadruped itself still is."""

from synth import W, H, pose_from_points, quadruped_points

from posecheck.core.detect import detect_poses


def piked_plank_points() -> dict:
    # Straight legs rising ~50 deg to high hips, the back sloping ~17 deg down to the shoulders, arms vertical:
    # the thighs and arms read like a quadruped's, the knees do not (180 deg, off the floor).
    return {"ankle": (100.0, 400.0), "knee": (150.0, 340.0), "hip": (200.0, 280.0), "shoulder": (300.0, 310.0),
            "elbow": (300.0, 355.0), "wrist": (300.0, 400.0), "ear": (335.0, 318.0), "nose": (345.0, 330.0)}


def test_a_piked_plank_photo_is_not_cat_cow():
    det = detect_poses([pose_from_points(0.0, piked_plank_points())], W, H, still_image=True)
    assert det.exercise != "cat_cow", det
    assert det.scores.get("cat_cow", 0.0) == 0.0


def test_a_quadruped_photo_is_still_cat_cow():
    det = detect_poses([pose_from_points(0.0, quadruped_points(10))], W, H, still_image=True)
    assert det.exercise == "cat_cow", det
