import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synth import plank_points, pose_from_points

from posecheck.core.landmarks import Pose
from posecheck.errors import (
    PosecheckError,
    RecordingFormatError,
    SourceOpenError,
    TimestampError,
)
from posecheck.io.recording import RecordingHeader, RecordingWriter, read_recording
from posecheck.io.spool import PoseSpool

HEADER = {"format": "posecheck-landmarks", "version": 1, "width": 640, "height": 480, "fps": 30.0, "source": "x"}


def _write(path, lines):
    path.write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n")
    return path


def test_round_trip_keeps_landmarks_unknowns_and_absent_frames(tmp_path):
    p1 = pose_from_points(0.0, plank_points())
    p1.xyz[5] = np.nan
    p1.visibility[5] = 0.0
    poses = [p1, Pose.absent(1 / 30), pose_from_points(2 / 30, plank_points(sag_deg=10))]
    out = tmp_path / "r.jsonl"
    with RecordingWriter(out, RecordingHeader(640, 480, 30.0, "test")) as w:
        for p in poses:
            w.write(p)
    header, frames = read_recording(out)
    frames = list(frames)
    assert (header.width, header.height, header.fps) == (640, 480, 30.0)
    assert len(frames) == 3
    assert np.isnan(frames[0].xyz[5]).all() and frames[0].visibility[5] == 0
    np.testing.assert_allclose(frames[0].xyz[11], p1.xyz[11], atol=1e-5)
    assert not frames[1].detected
    first = out.read_text().splitlines()[1]
    assert json.loads(first)["landmarks"][5] == [None, None, None, 0]


def test_malformed_line_names_its_line_number(tmp_path):
    good = {"t_s": 0.0, "landmarks": None}
    p = _write(tmp_path / "bad.jsonl", [HEADER, good, {"t_s": 0.1, "landmarks": None}, "{not json"])
    _, frames = read_recording(p)
    with pytest.raises(RecordingFormatError, match="line 4"):
        list(frames)


def test_wrong_landmark_count_is_a_format_error(tmp_path):
    p = _write(tmp_path / "bad.jsonl", [HEADER, {"t_s": 0.0, "landmarks": [[0.5, 0.5, 0, 1]] * 5}])
    _, frames = read_recording(p)
    with pytest.raises(RecordingFormatError, match="line 2.*33"):
        list(frames)


def test_time_must_increase(tmp_path):
    p = _write(tmp_path / "t.jsonl", [HEADER, {"t_s": 1.0, "landmarks": None}, {"t_s": 0.5, "landmarks": None}])
    _, frames = read_recording(p)
    with pytest.raises(TimestampError, match="line 3"):
        list(frames)


@pytest.mark.parametrize("content, match", [
    ("", "empty"),
    ('{"format": "something-else"}\n', "header"),
    ('{"format": "posecheck-landmarks", "version": 7, "width": 1, "height": 1, "fps": 1}\n', "version"),
    ('{"format": "posecheck-landmarks", "version": 1, "width": 0, "height": 1, "fps": 1}\n', "positive"),
])
def test_bad_headers_are_rejected(tmp_path, content, match):
    p = tmp_path / "h.jsonl"
    p.write_text(content)
    with pytest.raises(RecordingFormatError, match=match):
        read_recording(p)


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceOpenError, match="no such file"):
        read_recording(tmp_path / "nope.jsonl")


def test_writer_leaves_no_file_when_aborted(tmp_path):
    out = tmp_path / "r.jsonl"
    with pytest.raises(RuntimeError):
        with RecordingWriter(out, RecordingHeader(640, 480, 30.0)) as w:
            w.write(Pose.absent(0.0))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


json_value = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5),
    lambda c: st.lists(c, max_size=35) | st.dictionaries(st.text(max_size=10), c, max_size=4), max_leaves=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(json_value, st.fixed_dictionaries(
    {"t_s": st.floats(allow_nan=True), "landmarks": json_value})), max_size=4), st.binary(max_size=30))
def test_reader_raises_only_posecheck_errors_on_any_input(tmp_path_factory, lines, junk):
    p = tmp_path_factory.mktemp("fz") / "f.jsonl"
    text = json.dumps(HEADER) + "\n" + "\n".join(json.dumps(x) for x in lines) + "\n"
    p.write_bytes(text.encode() + junk)
    try:
        _, frames = read_recording(p)
        for f in frames:
            assert f.xyz is None or f.xyz.shape == (33, 3)
    except PosecheckError:
        pass


def test_poses_spooled_to_disk_come_back_exactly_in_order_as_often_as_asked():
    rng = np.random.default_rng(1)
    poses = []
    for i in range(2500):  # more than two chunks
        if i % 7 == 3:
            poses.append(Pose.absent(i / 30))
        else:
            poses.append(Pose(i / 30, rng.random((33, 3)), rng.random(33), world=rng.random((33, 3))))
    spool = PoseSpool()
    for p in poses:
        spool.append(p)
    assert spool.count == 2500 and spool.detected == sum(p.detected for p in poses)
    for _ in range(2):
        back = list(spool)
        assert [p.t_s for p in back] == [p.t_s for p in poses]
        for a, b in zip(poses, back):
            assert a.detected == b.detected
            if a.detected:
                assert np.array_equal(a.xyz, b.xyz) and np.array_equal(a.visibility, b.visibility)
    spool.close()
