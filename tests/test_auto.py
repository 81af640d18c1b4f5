"""`--exercise auto`: the exercise is recognised from the specs' position conditions, with how sure it is;
a pose that is none of them (standing, a push-up, an upward plank) is said to be none."""

import json

import pytest
from sample_clips import model_clips
from synth import (
    H,
    W,
    bridge_points,
    plank_points,
    pose_from_points,
    quadruped_points,
    ramp,
    sequence,
    standing_points,
)

from posecheck.api import score
from posecheck.cli.main import run
from posecheck.core.detect import ExerciseNotRecognised, detect_poses
from posecheck.core.specs import load_spec
from posecheck.io.recording import RecordingHeader, RecordingWriter


def detect(points_at, duration_s=8.0, fps=30.0, still=False):
    poses = sequence(fps, duration_s, points_at, noise_px=0.5) if not still else [pose_from_points(0.0, points_at(0))]
    return detect_poses(poses, W, H, still_image=still)


def pushup_points(t):
    """A plank that bends its arms to the floor and back, one push-up every 2 s."""
    p = plank_points()
    k = t % 2.0
    depth = ramp(k, 0.2, 0.8) - ramp(k, 1.0, 1.6)  # 0 top, 1 bottom
    sx, sy = p["shoulder"]
    wx, wy = p["wrist"]
    drop = 110 * depth
    shoulder = (sx, sy + drop)
    elbow = (sx - 55 * depth + 2, (shoulder[1] + wy) / 2)
    ax, ay = p["ankle"]
    hip = ((ax + shoulder[0]) / 2, (ay + shoulder[1]) / 2)
    return {**p, "shoulder": shoulder, "elbow": elbow, "hip": hip, "knee": ((hip[0] + ax) / 2, (hip[1] + ay) / 2),
            "ear": (p["ear"][0], p["ear"][1] + drop)}


def upward_plank_points(t):
    """Same joint angles as a plank, but face up (a reverse plank): the nose points at the ceiling."""
    p = plank_points()
    ex, ey = p["ear"]
    return {**p, "nose": (ex + 4, ey - 14)}


@pytest.mark.parametrize("points_at, expected", [
    (lambda t: standing_points() if t < 1 else plank_points(sag_deg=0), "plank"),
    (lambda t: standing_points() if t < 1 else plank_points(sag_deg=18 * ramp(t, 4, 4.3)), "plank"),
    (lambda t: plank_points(forearm=True), "forearm_plank"),
    (lambda t: bridge_points(ramp(t % 4.0, 0.5, 1.7) - ramp(t % 4.0, 3.0, 3.8)), "bridge"),
    (lambda t: quadruped_points(45 if (t % 4) < 2 else -15), "cat_cow"),
])
def test_each_exercise_is_named_with_confidence(points_at, expected):
    det = detect(points_at)
    assert det.exercise == expected, det
    assert det.confidence > 0.5 and det.scores[expected] == max(det.scores.values())
    assert f"Exercise: {expected}" in det.describe() and "% sure" in det.describe()


@pytest.mark.parametrize("points_at", [lambda t: standing_points(), pushup_points, upward_plank_points])
def test_none_of_the_known_exercises(points_at):
    det = detect(points_at)
    assert det.exercise is None, det
    assert "not recognised" in det.describe()


def test_a_still_image_is_recognised_from_its_one_frame():
    assert detect(lambda t: plank_points(), still=True).exercise == "plank"
    assert detect(lambda t: standing_points(), still=True).exercise is None


def test_the_exercise_must_be_held_for_a_while_in_a_long_clip():
    """A plank of 1.5 s in a minute of standing is not a plank session."""
    det = detect(lambda t: plank_points() if 30 <= t < 31.5 else standing_points(), duration_s=60)
    assert det.exercise is None and 0 < det.in_position_s["plank"] <= 1.6


def test_auto_scores_with_the_recognised_spec_and_says_so(tmp_path, capsys):
    rec = tmp_path / "session.jsonl"
    with RecordingWriter(rec, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, 8, lambda t: plank_points(forearm=True, sag_deg=15 * ramp(t, 5, 5.3)), 0.5):
            w.write(p)
    assert run(["score", str(rec), "-e", "auto", "--json", str(tmp_path / "r.json"),
                "--html", str(tmp_path / "r.html")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Exercise: Forearm plank (recognised,") or out.startswith("Exercise: forearm_plank")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["exercise"] == "forearm_plank" and report["detection"]["exercise"] == "forearm_plank"
    assert 0.5 < report["detection"]["confidence"] <= 1.0
    assert "hips_sagging" in report["summary"]["fault_s"]
    assert 'id="detected"' in (tmp_path / "r.html").read_text()
    # The same as naming the exercise, but for the detection key.
    named = score(rec, "forearm_plank").to_dict()
    report.pop("detection")
    assert report == json.loads(json.dumps(named))


def test_auto_on_something_else_is_one_error_line_and_no_output(tmp_path, capsys):
    rec = tmp_path / "standing.jsonl"
    with RecordingWriter(rec, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, 4, lambda t: standing_points(), 0.5):
            w.write(p)
    assert run(["score", str(rec), "-e", "auto", "--json", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1 and "not recognised" in err and "--exercise" in err
    assert not (tmp_path / "r.json").exists()
    with pytest.raises(ExerciseNotRecognised):
        score(rec, "auto")


def test_specs_given_are_the_candidates():
    only = [load_spec("bridge"), load_spec("cobra")]
    det = detect_poses(sequence(30.0, 6, lambda t: plank_points(), 0.5), W, H, only)
    assert det.exercise is None and set(det.scores) == {"bridge", "cobra"}


def _sample_clips(sample_videos):
    """Rendered clips with their truth (the renderer writes the truth last: a clip without it is unfinished)."""
    return [(c, json.loads(c.with_suffix(".truth.json").read_text())["exercise"])
            for c in sorted(sample_videos.glob("*.mp4")) if c.with_suffix(".truth.json").exists()]


def _expect(det, truth, name):
    from posecheck.core.specs import list_specs
    if truth in list_specs():
        assert det.exercise == truth and det.confidence > 0.5, (name, det.describe())
    else:
        assert det.exercise is None, (name, det.describe())


def test_auto_names_the_exercise_of_every_sample_clip_from_its_true_keypoints(sample_videos):
    from posecheck.io.streams import open_poses

    clips = _sample_clips(sample_videos)
    if not clips:
        pytest.skip("sample clips not rendered yet")
    for clip, truth in clips:
        with open_poses(clip.with_suffix(".truth.jsonl")) as stream:
            poses = [p for _f, p in stream]
            info = stream.info
        _expect(detect_poses(poses, info.width, info.height), truth, clip.name)


@pytest.mark.model
def test_auto_names_the_exercise_of_sample_clips_through_the_model(sample_videos):
    """The shortest clip of each exercise (all of them: benchmarks/detect_accuracy.py sample_videos)."""
    from posecheck.api import detect_stream
    from posecheck.core.specs import list_specs

    clips = [(c, ex) for c, ex in _sample_clips(sample_videos) if c in model_clips(sample_videos)]
    if not clips:
        pytest.skip("sample clips not rendered yet")
    one_each = {}
    for clip, truth in sorted(clips, key=lambda ct: ct[0].stat().st_size):
        one_each.setdefault(truth, clip)
    for truth, clip in sorted(one_each.items())[:4]:
        try:
            det, _stream = detect_stream(clip)
        except ExerciseNotRecognised:
            det = None
        if det is None:
            assert truth not in list_specs(), clip.name
        else:
            _expect(det, truth, clip.name)
