"""`posecheck eval` keeps the model's landmark recordings of each clip; a cached one is reused only while it is
what the model would see now."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import posecheck.batch.accuracy as accuracy
from posecheck.batch.accuracy import recording_path, sampler_policy_digest
from posecheck.io.sampling import Sampling

SPECS = Path(__file__).resolve().parent.parent / "exercise_specs"


def _video(tmp_path: Path, name: str, content: bytes) -> Path:
    video = tmp_path / name / "clip.mp4"
    video.parent.mkdir(parents=True, exist_ok=True)
    video.write_bytes(content)
    return video


def test_a_recording_is_found_again_for_the_same_video_content_wherever_and_whenever_it_was_written(tmp_path):
    a = _video(tmp_path, "a", b"frames")
    b = _video(tmp_path, "b", b"frames")
    os.utime(b, (1_000_000, 1_000_000))  # a checkout or a copy: a new time, the same video
    cache = tmp_path / "cache"
    assert recording_path(a, cache).name == recording_path(b, cache).name
    assert recording_path(a, cache, every_frame=False, exercise="plank").name == \
        recording_path(b, cache, every_frame=False, exercise="plank").name
    other = _video(tmp_path, "c", b"other frames")
    assert recording_path(other, cache).name != recording_path(a, cache).name


def test_an_adaptive_recording_is_not_reused_after_the_spec_that_steered_the_model_changes(tmp_path):
    spec = tmp_path / "plank.toml"
    shutil.copy(SPECS / "plank.toml", spec)
    video = _video(tmp_path, "a", b"frames")
    before = recording_path(video, tmp_path, every_frame=False, exercise=str(spec))
    assert recording_path(video, tmp_path, every_frame=False, exercise=str(spec)) == before
    text, n = re.subn(r"^enter_s = [0-9.]+", "enter_s = 0.75", spec.read_text(), count=1, flags=re.M)
    assert n == 1
    spec.write_text(text)  # how long entering takes: when the judging asks for every frame
    assert recording_path(video, tmp_path, every_frame=False, exercise=str(spec)) != before
    # The every-frame recording does not depend on the judging.
    assert recording_path(video, tmp_path) == recording_path(video, tmp_path)


def test_an_adaptive_recording_is_not_reused_after_the_sampler_settings_change(monkeypatch):
    before = sampler_policy_digest("plank")
    monkeypatch.setattr(accuracy, "ADAPTIVE", Sampling(max_gap_s=0.2))
    assert sampler_policy_digest("plank") != before
    assert sampler_policy_digest(None) != sampler_policy_digest("plank")  # a negative control: every spec


def test_editing_a_comment_or_docstring_of_the_judging_keeps_the_recordings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Doc."""\n\ndef f(x):\n    """Says what."""\n    return x + 1  # why\n')
    before = accuracy._code_only(module)
    module.write_text('"""Another doc."""\n\ndef f(x):\n    """Says more."""\n    return x + 1  # and why not\n')
    assert accuracy._code_only(module) == before
    module.write_text('"""Doc."""\n\ndef f(x):\n    """Says what."""\n    return x + 2\n')
    assert accuracy._code_only(module) != before
