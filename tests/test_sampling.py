"""The model skips frames only while the body is still; the frames between get interpolated poses."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from synth import H, W, plank_points, pose_from_points, sequence, standing_points

from posecheck.api import score_stream
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from posecheck.io.frames import Frame
from posecheck.io.sampling import Demand, Prefetch, Sampling, SeenFrames, estimate_sampled, interpolate, is_still
from posecheck.io.streams import PoseStream

FPS = 30.0


def _frames(n: int):
    return [Frame(np.zeros((2, 2, 3), np.uint8), i / FPS, i) for i in range(n)]


def _run(poses_at, n: int, sampling: Sampling = Sampling()):
    """Feed n frames; the fake model returns poses_at(t); returns (pairs, frame indices the model saw)."""
    calls: list[int] = []

    def estimate(frame: Frame) -> Pose:
        calls.append(frame.index)
        p = poses_at(frame.t_s)
        return Pose(frame.t_s, p.xyz, p.visibility)

    seen = SeenFrames()
    pairs = list(estimate_sampled(_frames(n), estimate, FPS, W, H, sampling, seen))
    return pairs, calls, seen


def test_a_still_body_is_seen_every_fourth_frame_and_every_frame_still_gets_a_pose():
    still = pose_from_points(0.0, plank_points())
    pairs, calls, seen = _run(lambda t: still, 41)
    assert [f.index for f, _ in pairs] == list(range(41))
    assert [p.t_s for _, p in pairs] == [f.t_s for f, _ in pairs]
    # Every frame until one `stride` frames back can tell stillness over the span a skip takes.
    assert calls == [0, 1, 2, 3, 4] + list(range(8, 41, 4))
    assert seen.count == len(calls)
    assert seen.to_list() == [[0, 4, 1], [8, 40, 4]]


def test_a_moving_body_is_seen_on_every_frame():
    # The hips sink 4 deg a frame (several px): more than the still threshold from one frame to the next.
    pairs, calls, _ = _run(lambda t: pose_from_points(t, plank_points(sag_deg=t * 120)), 30)
    assert calls == list(range(30))


def test_the_model_sees_every_frame_again_once_the_body_moves():
    def at(t):
        return pose_from_points(t, plank_points(sag_deg=0.0 if t < 0.5 else min((t - 0.5) * 120, 40)))
    _, calls, _ = _run(at, 45)
    # Moving from frame 15 to frame 25: seen on every frame from at most one gap after it starts.
    assert set(range(19, 26)) <= set(calls)
    assert calls[-2] - calls[-3] == 4 and calls[-1] == 44  # still again: every fourth frame, and the last one


def test_a_slow_move_is_seen_on_every_frame_though_consecutive_frames_look_still():
    """A body sinking 60 deg a second moves ~3 px a frame (within jitter from one frame to the next) and ~12 px
    over the span a skip would take: the stillness that lets the model skip is judged over that span too."""
    sagging = lambda t: pose_from_points(t, plank_points(sag_deg=10 + 60 * t))  # noqa: E731
    sampling = Sampling()
    assert is_still(sagging(0.0), sagging(1 / FPS), W, H, sampling)
    span = Sampling(still_frac=sampling.span_still_frac)
    assert not is_still(sagging(0.0), sagging(4 / FPS), W, H, span)
    _, calls, _ = _run(sagging, 30)
    assert calls == list(range(30))


def test_the_model_sees_every_frame_while_the_judging_asks_for_it():
    still = pose_from_points(0.0, plank_points())
    calls: list[int] = []

    def estimate(frame: Frame) -> Pose:
        calls.append(frame.index)
        return Pose(frame.t_s, still.xyz, still.visibility)

    demand = Demand()
    for frame, _pose in estimate_sampled(_frames(41), estimate, FPS, W, H, Sampling(), SeenFrames(), demand):
        demand.every_frame = 10 <= frame.index < 20  # as the judging of this frame says
    # Still throughout: every fourth frame (once there is a pose 4 frames back), except after a model frame
    # judged 10..19 (12: the first one seen after the judging asked), up to the first frame judged past it (20).
    assert calls == [0, 1, 2, 3, 4, 8] + list(range(12, 21)) + [24, 28, 32, 36, 40]


def test_the_last_frame_is_always_seen_by_the_model():
    still = pose_from_points(0.0, plank_points())
    for n in range(3, 12):
        _, calls, _ = _run(lambda t: still, n)
        assert calls[-1] == n - 1


def test_interpolated_poses_lie_between_the_seen_ones():
    a = pose_from_points(0.0, plank_points())
    b = Pose(0.1, a.xyz + 0.01, a.visibility)
    mid = interpolate(a, b, 0.05)
    assert mid.t_s == 0.05
    np.testing.assert_allclose(mid.xyz, a.xyz + 0.005)
    gone = Pose.absent(0.1)
    assert interpolate(a, gone, 0.02).detected and not interpolate(a, gone, 0.08).detected


def test_nobody_in_view_is_never_still():
    a = pose_from_points(0.0, plank_points())
    assert not is_still(a, Pose.absent(0.1), W, H, Sampling())
    assert is_still(a, Pose(0.1, a.xyz, a.visibility), W, H, Sampling())


def test_seen_frames_are_kept_as_runs():
    s = SeenFrames()
    for i in [0, 1, 2, 6, 10, 14, 15, 19]:
        s.add(i)
    assert s.to_list() == [[0, 2, 1], [6, 14, 4], [15, 19, 4]]
    assert s.count == 8


def test_prefetch_yields_everything_in_order_and_raises_the_sources_error():
    assert list(Prefetch(range(100), depth=3)) == list(range(100))

    def broken():
        yield 1
        raise ValueError("bad frame")

    with pytest.raises(ValueError, match="bad frame"):
        list(Prefetch(broken()))


def test_closing_prefetch_early_stops_its_thread():
    p = Prefetch(iter(range(10_000)), depth=2)
    it = iter(p)
    assert next(it) == 0
    p.close()
    assert not any(t.name == "posecheck-decode" and t.is_alive() for t in threading.enumerate())


def test_scoring_tells_the_sampler_what_the_judging_of_each_frame_decides():
    poses = sequence(FPS, 4.0, lambda t: standing_points() if t < 1.0 else plank_points(), noise_px=0.3)
    info = SourceInfo("synthetic", "video", W, H, FPS, None)
    demand, asked = Demand(), []

    def pairs():
        for p in poses:
            yield None, p
            asked.append(demand.every_frame)  # what the sampler reads before it picks the next frame

    score_stream(PoseStream(info, pairs(), demand=demand), load_spec("plank"))
    session = Session(load_spec("plank"), info)
    expected = []
    for p in poses:
        session.step(p)
        expected.append(session.deciding)
    assert asked == expected[:len(asked)] and len(asked) >= len(poses) - 1
    assert any(asked) and not all(asked)
