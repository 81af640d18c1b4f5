"""`posecheck schema report|spec` prints valid JSON Schema, and real reports from `score` validate against it."""

import json

import jsonschema
import pytest
from click.testing import CliRunner

import posecheck
from conftest import REAL_DATA, SAMPLES
from posecheck.cli.main import main
from posecheck.cli.schema import SCHEMAS
from posecheck.core.landmarks import SourceInfo
from posecheck.core.specs import load_spec
from posecheck.report.model import Report
from synth import H, W, plank_points, sequence


def printed_schema(kind: str) -> dict:
    res = CliRunner().invoke(main, ["schema", kind])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def report_schema():
    return printed_schema("report")


def validate(report_json: dict, schema: dict) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report_json)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_schema_printed_is_valid_json_schema_with_no_undeclared_keys(kind):
    schema = printed_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema.get("additionalProperties") is False  # extra="forbid": an unknown key is an error


def test_spec_schema_is_valid_and_every_shipped_spec_matches_it():
    import tomllib

    schema = printed_schema("spec")
    specs = sorted((SAMPLES.parent / "exercise_specs").glob("*.toml"))
    assert len(specs) >= 5
    for path in specs:
        jsonschema.validate(tomllib.loads(path.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**tomllib.loads(specs[0].read_text()), "colour": "red"}, schema)


def test_reports_of_a_sample_recording_validate_and_keep_their_keys(tmp_path, report_schema):
    out = tmp_path / "r.json"
    report = posecheck.score(SAMPLES / "plank_sag_a.truth.jsonl", "plank", json=out)
    written = json.loads(out.read_text())
    validate(written, report_schema)
    # The posecheck.report/1 keys, exactly (README "File formats"): no key added while unused.
    assert list(written) == ["schema", "exercise", "source", "frames", "cues", "holds", "reps", "sets", "summary",
                             "partial"]
    assert report.summary.fault_s and written["frames"][0].keys() == {"t_s", "detected", "side", "state", "faults",
                                                                      "angles_deg"}


def test_a_report_with_reps_validates(tmp_path, report_schema):
    out = tmp_path / "r.json"
    report = posecheck.score(SAMPLES / "bridge_reps_a.truth.jsonl", "bridge", json=out)
    assert report.summary.reps >= 3
    validate(json.loads(out.read_text()), report_schema)


def test_an_auto_report_declares_its_detection_and_validates(tmp_path, report_schema):
    out = tmp_path / "r.json"
    report = posecheck.score(SAMPLES / "bridge_reps_a.truth.jsonl", "auto", json=out)
    written = json.loads(out.read_text())
    assert report.detection is not None and written["detection"]["exercise"] == report.exercise == "bridge"
    validate(written, report_schema)
    # An undeclared key is refused, by the schema and by the model that reads reports back.
    with pytest.raises(jsonschema.ValidationError):
        validate({**written, "mood": "happy"}, report_schema)
    with pytest.raises(ValueError):
        Report.from_dict({**written, "mood": "happy"})
    assert Report.from_dict(written).to_dict() == written


def test_a_partial_report_validates(report_schema):
    def poses():
        for p in sequence(30.0, 5, lambda t: plank_points()):
            if p.t_s >= 3.0:
                raise KeyboardInterrupt
            yield None, p

    class Stream:
        info = SourceInfo("gen", "recording", W, H, 30.0, None)
        estimator_name = "test"

        def __iter__(self):
            return poses()

    report = posecheck.score_stream(Stream(), load_spec("plank"))
    assert report.partial
    validate(report.to_dict(), report_schema)


def test_a_state_outside_the_five_is_refused(tmp_path, report_schema):
    written = posecheck.score(SAMPLES / "plank_sag_a.truth.jsonl", "plank").to_dict()
    written["frames"][0]["state"] = "so-so"
    with pytest.raises(jsonschema.ValidationError):
        validate(written, report_schema)


@pytest.mark.model
def test_reports_of_a_photo_and_a_video_validate(tmp_path, report_schema):
    photos = sorted((REAL_DATA / "images" / "plank").glob("*.jpg"))
    if not photos:
        pytest.skip(f"no real photos in {REAL_DATA}")
    photo = posecheck.score(photos[0], "plank")
    assert photo.source.kind == "image"
    validate(photo.to_dict(), report_schema)
    out = tmp_path / "v.json"
    posecheck.score(SAMPLES / "plank_sag_a.mp4", "plank", json=out)
    validate(json.loads(out.read_text()), report_schema)
