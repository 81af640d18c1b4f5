"""Fuzzing the boundaries where text from outside becomes numbers (issue 14): landmark recordings, specs, and
the tuner's API bodies, routine files. Whatever comes in, posecheck raises only its own errors (one line for the
user), and whatever it accepts is finite and within bounds.

Bounded example counts and no deadline: the suite stays a few seconds long on a busy machine."""

from __future__ import annotations

import json
import math
import tempfile
import tomllib
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import posecheck
from posecheck.core.specs import BUNDLED_SPECS_DIR, parse_spec
from posecheck.errors import PosecheckError, SpecInvalid
from posecheck.io.recording import MAX_SIDE_PX, read_recording
from posecheck.routine.model import BUNDLED_ROUTINES_DIR, parse_routine
from synth import H, W, plank_points, sequence

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TMP = Path(tempfile.mkdtemp(prefix="posecheck-fuzz-"))

HEADER = {"format": "posecheck-landmarks", "version": 1, "width": W, "height": H, "fps": 30.0, "source": "fuzz"}

# Numbers as JSON can write them (and as Python's json reads them: NaN, Infinity, 400-digit integers).
odd_numbers = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10 ** 400, 10 ** 400)
               | st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 1e16, 2 ** 63]))
scalars = st.none() | st.booleans() | odd_numbers | st.text(max_size=6)
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                                       max_size=4),
                           max_leaves=12)


def _put(data, path: tuple, value) -> bool:
    """Set `value` at the key path in a parsed TOML document; False when the document has no such place."""
    cur = data
    try:
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _dumps(obj) -> str:
    return json.dumps(obj)  # NaN and Infinity written as JavaScript does, which json.loads reads back


def _good_frames() -> list[dict]:
    out = []
    for p in sequence(30.0, 0.2, lambda t: plank_points()):
        out.append(json.loads(posecheck.io.recording.frame_json(p)))
    return out


GOOD = _good_frames()


@st.composite
def frame_lines(draw):
    """A frame line, mostly well formed, with odd values where the numbers go."""
    kind = draw(st.sampled_from(["coordinate", "t_s", "shape", "anything", "text"]))
    frame = json.loads(json.dumps(GOOD[draw(st.integers(0, len(GOOD) - 1))]))
    if kind == "coordinate":
        for _ in range(draw(st.integers(1, 4))):
            i, j = draw(st.integers(0, 32)), draw(st.integers(0, 3))
            frame["landmarks"][i][j] = draw(scalars)
    elif kind == "t_s":
        frame["t_s"] = draw(scalars)
    elif kind == "shape":
        frame["landmarks"] = draw(json_values)
    elif kind == "anything":
        return _dumps(draw(json_values))
    else:
        return draw(st.text(max_size=40)).replace("\n", " ")
    return _dumps(frame)


def _all_finite_or_none(report) -> bool:
    for f in report.frames:
        for v in f.angles_deg.values():
            if v is not None and not math.isfinite(v):
                return False
    s = report.summary
    return all(math.isfinite(x) for x in (s.good_hold_s, *s.fault_s.values(), *s.state_s.values()))


@FUZZ
@given(st.lists(frame_lines(), min_size=1, max_size=4), st.integers(0, 5))
def test_any_recording_is_scored_or_refused_with_a_posecheck_error(lines, at):
    path = TMP / "fuzz.jsonl"
    good = [_dumps(f) for f in GOOD]
    body = good[:at] + lines + good[at:]
    path.write_text(_dumps(HEADER) + "\n" + "\n".join(body) + "\n")
    try:
        report = posecheck.score(path, "plank")
    except PosecheckError as e:
        assert "\n" not in str(e) and len(str(e)) < 600, str(e)
        return
    assert _all_finite_or_none(report)
    json.dumps(report.to_dict(), allow_nan=False)  # the report can always be written


@FUZZ
@given(st.sampled_from(["width", "height", "fps", "version", "format"]), scalars | json_values)
def test_any_header_value_is_accepted_only_within_bounds(key, value):
    path = TMP / "header.jsonl"
    path.write_text(_dumps({**HEADER, key: value}) + "\n" + _dumps(GOOD[0]) + "\n")
    try:
        header, frames = read_recording(path)
        list(frames)
    except PosecheckError as e:
        assert "line 1" in str(e) and len(str(e)) < 400, str(e)
        return
    assert 0 < header.width <= MAX_SIDE_PX and 0 < header.height <= MAX_SIDE_PX
    assert 0.1 <= header.fps <= 1000.0


with open(BUNDLED_SPECS_DIR / "plank.toml", "rb") as _f:
    PLANK = tomllib.load(_f)
NUMBER_PATHS = [("checks", 0, "max_deg"), ("checks", 1, "min_deg"), ("checks", 0, "max_deg"),
                ("position", "require", 0, "min_deg"), ("position", "enter_s"), ("hold", "target_s"),
                ("smoothing", "beta"), ("cue_repeat_s",), ("checks", 0, "debounce_s")]


def _walk_numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _walk_numbers(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk_numbers(v)
    elif isinstance(obj, float):
        yield obj


@FUZZ
@given(st.sampled_from(NUMBER_PATHS), odd_numbers | scalars)
def test_a_spec_is_refused_or_all_its_numbers_are_finite(path, value):
    data = json.loads(json.dumps(PLANK))
    if not _put(data, path, value):
        return  # this spec has no such key
    try:
        spec = parse_spec(data, "fuzz.toml")
    except SpecInvalid as e:
        assert str(e).startswith("fuzz.toml: ") and len(str(e)) < 1200, str(e)
        return
    assert all(math.isfinite(x) for x in _walk_numbers(spec.model_dump()))


@lru_cache(maxsize=1)
def _tuner_app():
    from posecheck.core.specs import load_spec
    from posecheck.io.recording import RecordingHeader, RecordingWriter
    from posecheck.tuning.explore import load_clip
    from posecheck.tuning.tuner import TunerApp

    rec = TMP / "tuner_clip.jsonl"
    with RecordingWriter(rec, RecordingHeader(W, H, 30.0, "fuzz")) as w:
        for p in sequence(30.0, 2.0, lambda t: plank_points()):
            w.write(p)
    return TunerApp(load_clip(str(rec)), load_spec("plank"), TMP / "tuned.toml", name="tuned")


@FUZZ
@given(st.one_of(
    json_values.map(_dumps),
    st.dictionaries(st.sampled_from(["checks:hips_sagging:max_deg", "checks:nope:min_deg", "reps::start_deg",
                                     "position:0:min_deg", ""]), odd_numbers | scalars, max_size=3)
    .map(lambda v: _dumps({"values": v})),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
))
def test_any_tuner_body_is_evaluated_or_refused_with_a_message(body):
    from posecheck.tuning.tuner import BadRequest, parse_values

    try:
        values = parse_values(body.encode("latin-1", "replace"))
    except BadRequest as e:
        assert str(e) and len(str(e)) < 300
        return
    assert all(isinstance(v, float) and math.isfinite(v) for v in values.values())
    app = _tuner_app()
    try:
        res = app.evaluate(values)
    except PosecheckError as e:
        assert str(e)
        return
    json.dumps(res, allow_nan=False)  # what the page gets is valid JSON


ROUTINE_PATHS = [("name",), ("title",), ("breath_s",), ("steps",), ("steps", 0), ("steps", 0, "exercise"),
                 ("steps", 0, "reps"), ("steps", 1, "hold_s"), ("steps", 1, "sets"), ("steps", 1, "rest_s"),
                 ("steps", 2, "say"), ("steps", 2, "hold_s")]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(ROUTINE_PATHS), odd_numbers | scalars | json_values), min_size=1,
                max_size=3))
def test_any_routine_file_is_loaded_or_refused_with_a_posecheck_error(changes):
    with open(BUNDLED_ROUTINES_DIR / "back_quick.toml", "rb") as f:
        data = tomllib.load(f)
    for path, value in changes:
        _put(data, path, value)  # a path this routine lacks changes nothing
    try:
        routine = parse_routine(data, "fuzz.toml")
    except PosecheckError as e:
        assert str(e).startswith("fuzz.toml") and "\n" not in str(e), str(e)
        return
    assert all(math.isfinite(x) for x in _walk_numbers(routine.routine.model_dump()))
