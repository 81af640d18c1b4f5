"""The bad-input corpus against every command: one `Error: ...` line and exit 2, no traceback, no partial
output; where judging is still possible (two people, legs cut off, dark, rotated phone video, a photo) a
report instead, with unknown frames where the body cannot be seen."""

import json

import pytest
from corpus import SAMPLES, make_corpus

from posecheck.cli.main import run

pytestmark = pytest.mark.model  # the judgeable cases run the real model on 3-s clips

ERRORS = {
    "missing": "no such file",
    "directory": "",  # "is a directory", or for score: use --out to score a folder
    "empty": "empty",
    "text_as_mp4": "not a video",
    "truncated": "not a video",
    "zero_frames": "not a video",  # OpenCV cannot open an MP4 without frames
    "malformed_recording": "line 3",
    "no_person": "no person was detected",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"), SAMPLES / "plank_clean_a.mp4", seconds=3.0,
                       start_s=4.0)


def _one_error_line(capsys, code, expect):
    cap = capsys.readouterr()
    assert code == 2, (code, cap.out, cap.err)
    lines = [ln for ln in cap.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), cap.err
    assert expect in lines[0], lines[0]
    assert "Traceback" not in cap.err + cap.out
    return lines[0]


def _commands(case_path, out):
    return {
        "score": ["score", str(case_path), "-e", "plank", "--json", str(out / "r.json")],
        "record": ["record", str(case_path), "-o", str(out / "r.jsonl")],
        "live": ["live", "-e", "plank", "--source", str(case_path), "--headless", "--no-voice", "--no-drop",
                 "--json", str(out / "r.json")],
        "angles": ["angles", str(case_path), "--csv", str(out / "a.csv")],
        "tune": ["tune", "-e", "plank", "--good", str(case_path), "-o", str(out / "t.toml")],
    }


@pytest.mark.parametrize("command", ["score", "record", "live", "angles", "tune"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_unreadable_input_gives_one_error_line_exit_2_and_no_output(corpus, case, command, tmp_path, capsys):
    if case == "malformed_recording" and command == "record":
        pytest.skip("record takes a video, not a recording")
    if case == "no_person" and command == "live":
        pytest.skip("live waits for a person (tested below)")
    code = run(_commands(corpus[case], tmp_path)[command])
    message = _one_error_line(capsys, code, ERRORS[case])
    if case == "directory":
        assert "directory" in message or "folder" in message, message
    assert list(tmp_path.iterdir()) == [], "partial output left behind"


def test_live_with_nobody_in_view_ends_cleanly(corpus, tmp_path, capsys):
    code = run(_commands(corpus["no_person"], tmp_path)["live"])
    out = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in out.err + out.out


@pytest.mark.parametrize("case", ["two_people", "legs_out_of_frame", "very_dark", "rotation_metadata",
                                  "still_image"])
def test_judgeable_input_gives_a_report(corpus, case, tmp_path, capsys):
    if case not in corpus:
        pytest.skip(f"{case} sample not in tests/data")
    out = tmp_path / "r.json"
    code = run(["score", str(corpus[case]), "-e", "plank", "--json", str(out)])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    r = json.loads(out.read_text())
    states = {f["state"] for f in r["frames"]}
    if case == "legs_out_of_frame":
        # No ankles: the body line cannot be judged, which is unknown (or setup), never a fault.
        assert states <= {"unknown", "setup", "absent"} and not r["cues"]
    if case in ("rotation_metadata", "two_people"):
        assert "good" in states  # upright after the rotation tag; one of the two people is judged


def test_unknown_exercise_suggests_a_name(corpus, capsys):
    _one_error_line(capsys, run(["score", str(corpus["still_image"]), "-e", "plnk"]), "did you mean 'plank'")


@pytest.mark.parametrize("case, expect", [("bad_spec_min_gt_max", "greater than max_deg"),
                                          ("bad_spec_misspelt_key", "did you mean 'max_deg'")])
def test_bad_specs_are_explained_by_validate_and_by_score(corpus, case, expect, capsys):
    _one_error_line(capsys, run(["specs", "validate", str(corpus[case])]), expect)
    _one_error_line(capsys, run(["score", str(corpus["still_image"]), "-e", str(corpus[case])]), expect)


def test_unwritable_output_path_fails_before_any_work(corpus, tmp_path, capsys):
    blocked = corpus["still_image"] / "r.json"  # a file is not a folder
    _one_error_line(capsys, run(["score", str(corpus["still_image"]), "-e", "plank", "--json", str(blocked)]),
                    "does not exist")


@pytest.mark.parametrize("case, expect", [("ends_early", "of 90 frames the video announced"),
                                          ("corrupt_stretch", "of 90 frames the video announced"),
                                          ("fps_zero", "impossible frame rate (0 fps)"),
                                          ("fps_huge", "impossible frame rate (2e+09 fps)")])
def test_a_damaged_or_odd_video_is_scored_with_a_warning(corpus, case, expect, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = run(["score", str(corpus[case]), "-e", "plank", "--json", str(out), "-q"])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    warnings = [ln for ln in cap.err.splitlines() if ln.startswith("Warning: ")]
    assert len(warnings) == 1 and expect in warnings[0], cap.err
    assert "Traceback" not in cap.err
    r = json.loads(out.read_text())
    assert len(r["warnings"]) == 1 and expect in r["warnings"][0]
    if case.startswith("fps"):
        assert r["source"]["fps"] == 30.0 and r["source"]["duration_s"] == pytest.approx(3.0, abs=0.05)
    else:
        read = int(r["warnings"][0].split("read ")[1].split(" ")[0])
        assert read == r["source"]["frames"] < 90
