"""Inputs nobody planned for: the loaders raise only posecheck errors, long sessions stay flat, Ctrl-C is clean."""

import gc
import json
import os
import signal
import subprocess
import sys
import time
import types

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st
from synth import H, W, plank_points, pose_from_points, sequence, standing_points

import posecheck
from posecheck.core.evaluation import Evaluator
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.specs import load_spec, parse_spec
from posecheck.errors import PosecheckError
from posecheck.io.recording import RecordingHeader

with open(posecheck.core.specs.BUNDLED_SPECS_DIR / "plank.toml", "rb") as _f:
    PLANK = tomllib.load(_f)

scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.floats(allow_nan=True) | st.text(max_size=8)
values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c,
                                                                                     max_size=4), max_leaves=20)


def _mutate(data, path, value):
    cur = data
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return data


PATHS = [("name",), ("position", "enter_s"), ("position", "require"), ("position", "require", 0, "measure"),
         ("position", "require", 0, "min_deg"), ("checks", 0, "id"), ("checks", 0, "max_deg"),
         ("checks", 0, "severity"), ("hold", "target_s"), ("hold",), ("checks",), ("smoothing", "beta"),
         ("cue_repeat_s",), ("checks", 1, "measure")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), values)
def test_spec_loader_raises_only_spec_errors_on_any_value(path, value):
    data = json.loads(json.dumps(PLANK))
    _mutate(data, path, value)
    try:
        spec = parse_spec(data, "fuzz.toml")
    except PosecheckError as e:
        assert str(e).startswith("fuzz.toml: ")
    else:
        Evaluator(spec, W, H).step(pose_from_points(0.0, plank_points()))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=12), values, max_size=6))
def test_spec_loader_on_arbitrary_documents(doc):
    try:
        parse_spec(doc, "x.toml")
    except PosecheckError:
        pass


def test_a_long_session_keeps_the_evaluator_flat():
    """An hour of frames (at 10 fps to keep the test short; benchmarks/memory.py runs 30 fps with tracemalloc):
    the number of live objects must not grow with the session length."""
    ev = Evaluator(load_spec("plank"), W, H)
    good, bad = plank_points(), plank_points(sag_deg=20)
    poses = [pose_from_points(0.0, good), pose_from_points(0.0, bad), pose_from_points(0.0, standing_points())]
    fps = 10
    n = 3600 * fps
    counts = []
    for i in range(n):
        cycle = (i // (30 * fps)) % 4  # 30 s good, 30 s sag, 30 s good, 30 s standing (sets end and start)
        p = poses[{0: 0, 1: 1, 2: 0, 3: 2}[cycle]]
        ev.step(Pose(i / fps, p.xyz, p.visibility))
        if i in (n // 6, n - 1):
            gc.collect()
            counts.append(len(gc.get_objects()))
    # Holds and sets grow by a few objects per set (30 sets an hour here), never per frame.
    assert counts[1] - counts[0] < 2000, counts
    assert len(ev.sets) == 30


def test_interrupted_scoring_returns_a_partial_report():
    spec = load_spec("plank")

    def poses():
        for p in sequence(30.0, 5, lambda t: plank_points()):
            if p.t_s >= 3.0:
                raise KeyboardInterrupt
            yield p

    class Stream:
        info = SourceInfo("gen", "recording", W, H, 30.0, None)
        estimator_name = "test"

        def __iter__(self):
            return ((None, p) for p in poses())
    rep = posecheck.score_stream(Stream(), spec)
    assert rep.partial and rep.source.frames == 90


class _StopsAt3s:
    """A pose stream whose run is interrupted (Ctrl-C, or a kill turned into one) 3 s into a 5 s clip."""
    info = SourceInfo("clip.mp4", "video", W, H, 30.0, None)
    estimator_name = "test"
    demand = types.SimpleNamespace(every_frame=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        for p in sequence(30.0, 5, lambda t: plank_points()):
            if p.t_s >= 3.0:
                raise KeyboardInterrupt
            yield None, p


def test_an_interrupted_recording_keeps_its_frames_unless_it_is_for_a_cache(tmp_path, monkeypatch):
    """`posecheck record` keeps the model's work when stopped; eval's cache must not: a later run would take
    the first 3 s for the whole clip (cat_cow_slow_e: 49 of 266 frames, 0 reps judged)."""
    monkeypatch.setattr(posecheck.api, "open_poses", lambda *a, **k: _StopsAt3s())
    kept = tmp_path / "kept.jsonl"
    assert posecheck.record("clip.mp4", kept) == 90 and kept.exists()
    cached = tmp_path / "cached.jsonl"
    with pytest.raises(KeyboardInterrupt):
        posecheck.record("clip.mp4", cached, keep_partial=False)
    assert not cached.exists() and list(tmp_path.iterdir()) == [kept]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_ctrl_c_during_score_writes_a_partial_report_and_no_traceback(tmp_path):
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "posecheck", "score", str(fifo), "-e", "plank", "--json",
                             str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(fifo, "w") as w:
        w.write(RecordingHeader(W, H, 30.0, "pipe").to_json() + "\n")
        from posecheck.io.recording import frame_json
        for p in sequence(30.0, 4, lambda t: plank_points()):
            w.write(frame_json(p) + "\n")
        w.flush()
        time.sleep(2.0)  # the scorer now waits for more frames, as on a stalled source
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "PARTIAL" in stdout
    r = json.loads(out.read_text())
    assert r["partial"] is True and r["source"]["frames"] == 120
