"""Numbers that add up, in every view: for a held position the good-form hold is the time of the frames in state
good; the holds add up to the summary; the time by state adds up to the duration; "target reached" is one rule."""

import json

import pytest
from sample_clips import model_clips
from synth import H, W, plank_points, ramp, sequence, standing_points
from test_evaluation import _bridge, _cat_cow

from posecheck.api import score
from posecheck.core.landmarks import SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from posecheck.core.timing import frame_dt
from posecheck.report.build import build_report
from posecheck.report.html import render_html
from posecheck.report.model import Report

FPS = 30.0
ROUNDING_S = 0.002  # each figure is rounded to the millisecond


def good_frames_s(report: Report) -> float:
    """Seconds of the frames in state good: each frame stands for the time since the previous one, the last
    also for one frame period."""
    total, prev = 0.0, None
    for f in report.frames:
        if f.state == "good":
            total += frame_dt(prev, f.t_s)
        prev = f.t_s
    if report.frames and report.frames[-1].state == "good" and report.source.kind != "camera":
        total += 1.0 / report.source.fps
    return total


def assert_numbers_add_up(report: Report, hold_at: str | None) -> None:
    s = report.summary
    assert sum(s.state_s.values()) == pytest.approx(report.source.duration_s, abs=ROUNDING_S * 5)
    assert sum(h.good_s for h in report.holds) == pytest.approx(s.good_hold_s, abs=ROUNDING_S * len(report.holds))
    assert sum(st.good_s for st in report.sets) == pytest.approx(s.good_hold_s, abs=ROUNDING_S * (len(report.sets) + 1))
    assert good_frames_s(report) == pytest.approx(s.state_s.get("good", 0.0), abs=ROUNDING_S)
    if hold_at == "position":
        assert s.good_hold_s == pytest.approx(s.state_s.get("good", 0.0), abs=ROUNDING_S)
    elif hold_at == "top":  # the top of each rep is a part of the good time, the way up and down the rest
        assert s.good_hold_s <= s.state_s.get("good", 0.0) + ROUNDING_S


def judged(exercise, poses):
    info = SourceInfo("synthetic", "recording", W, H, FPS, None)
    return build_report(Session(load_spec(exercise), info).run(poses))


def two_sets_with_a_sag(t):
    if t < 1.0 or 9.0 <= t < 12.0:
        return standing_points()
    return plank_points(sag_deg=20.0 * (ramp(t, 4.0, 4.3) - ramp(t, 6.0, 6.3)))


def a_hidden_hip(poses):
    for p in poses:
        if 4.0 <= p.t_s < 5.5:
            p.visibility[23] = p.visibility[24] = 0.1
    return poses


@pytest.mark.parametrize("exercise, poses", [
    ("plank", lambda: sequence(FPS, 16, two_sets_with_a_sag, noise_px=0.8)),
    ("plank", lambda: a_hidden_hip(sequence(FPS, 9, lambda t: plank_points() if t >= 1 else standing_points()))),
    ("plank", lambda: sequence(FPS, 6, lambda t: None if 2.0 <= t < 2.4 else plank_points(sag_deg=3.0))),
    ("bridge", lambda: sequence(FPS, _bridge([1.0, 0.45, 1.0])[1], _bridge([1.0, 0.45, 1.0])[0], noise_px=0.5)),
    ("cat_cow", lambda: sequence(FPS, _cat_cow(3, 1.5)[1], _cat_cow(3, 1.5)[0], noise_px=0.5)),
], ids=["two-plank-sets-with-a-sag", "plank-hip-hidden", "plank-nobody-for-a-moment", "bridge", "cat-cow"])
def test_numbers_add_up_on_constructed_sessions(exercise, poses):
    spec = load_spec(exercise)
    assert_numbers_add_up(judged(exercise, poses()), spec.hold.at if spec.hold else None)


def test_a_fault_found_after_its_debounce_is_fault_time_from_its_start():
    """The frames of a violation shown good while it was being confirmed are settled as fault."""
    rep = judged("plank", sequence(FPS, 10, lambda t: standing_points() if t < 1 else
                                   plank_points(sag_deg=20.0 * ramp(t, 5.0, 5.05))))
    first_fault = next(f.t_s for f in rep.frames if f.state == "fault")
    cue = rep.cues[0].t_s
    assert cue - first_fault == pytest.approx(load_spec("plank").checks[0].debounce_s, abs=0.1)
    assert rep.summary.good_hold_s == pytest.approx(rep.summary.state_s["good"], abs=ROUNDING_S)


def test_target_reached_means_one_hold_reached_it_in_every_view(tmp_path):
    """Two bridge tops of 3 s each against a 5 s target: 6 s in all, yet no hold reached it."""
    pts, end = _bridge([1.0, 1.0], top_s=3.0)
    poses = sequence(FPS, end, pts, noise_px=0.5)
    rep = judged("bridge", poses)
    spec = load_spec("bridge")
    assert rep.summary.good_hold_s > spec.hold.target_s
    assert not any(spec.hold.reached(h.good_s) for h in rep.holds)
    assert "target reached" not in rep.summary.verdict
    page = render_html(rep, spec)
    assert '>yes</td>' not in page


def test_numbers_add_up_on_the_true_keypoints_of_every_sample_clip(sample_videos):
    """Bookkeeping, not the model: every rendered clip's true keypoints (its .truth.jsonl, a landmark
    recording) judged as its exercise."""
    for video in model_clips(sample_videos):  # the clips before the wider library: those pin nothing new here
        truth = json.loads(video.with_suffix(".truth.json").read_text())
        if truth["exercise"] == "none":
            continue
        spec = load_spec(truth["exercise"])
        rep = score(video.with_suffix(".truth.jsonl"), spec)
        assert_numbers_add_up(rep, spec.hold.at if spec.hold else None)


@pytest.mark.model
@pytest.mark.parametrize("name", ["plank_sag_a", "bridge_reps_a", "cat_cow_a", "cobra_hold_a"])
def test_numbers_add_up_through_the_model(name, sample_videos, recordings):
    """The same through the model (these clips' recordings are shared with the accuracy floor)."""
    exercise = json.loads((sample_videos / f"{name}.truth.json").read_text())["exercise"]
    spec = load_spec(exercise)
    rep = score(recordings(name), spec)
    assert_numbers_add_up(rep, spec.hold.at if spec.hold else None)

