"""`posecheck routine`: sample clips cut one after another are followed step by step, judged as `score` judges
each part; steps never shown are skipped; breathing, the stop key, the safety notice, routine validation."""

import json

import pytest
from routine_clip import BACK_BASICS_CLIPS, BACK_QUICK_CLIPS, EXERCISE, concat_recordings, cut_part

import posecheck
from posecheck.cli.main import run
from posecheck.errors import RoutineInvalid, RoutineNotFound
from posecheck.history.db import History
from posecheck.io.live_frames import open_live_frames
from posecheck.live.display import FrameCollector
from posecheck.routine.breath import BreathPacer
from posecheck.routine.model import list_routines, load_routine, parse_routine
from posecheck.routine.safety import NOTICE_NAME
from posecheck.routine.session import KEY_STOP, STOPPED_ON_PAIN, run_routine


@pytest.fixture(scope="module")
def cut_together(tmp_path_factory):
    """cat/cow, cobra, plank, bridge (MediaPipe recordings of the sample clips), one after another."""
    d = tmp_path_factory.mktemp("routine")
    whole = d / "back_quick_parts.jsonl"
    parts = concat_recordings(BACK_QUICK_CLIPS, whole)
    return whole, parts, d


@pytest.fixture(scope="module")
def routine_report(cut_together):
    whole, _parts, d = cut_together
    out = d / "r.json"
    assert run(["routine", "back_quick", "--source", str(whole), "--headless", "--no-drop", "--no-voice",
                "--json", str(out), "--no-save"]) == 0
    return json.loads(out.read_text())


def test_the_steps_are_found_in_order_each_in_its_own_part_of_the_session(routine_report, cut_together):
    _whole, parts, _d = cut_together
    steps = routine_report["steps"]
    assert [s["exercise"] for s in steps] == ["cat_cow", "cobra", "plank", "bridge", "child_pose"]
    for s, (clip, start, end) in zip(steps, parts):
        assert not s["skipped"], clip
        # start_s: when the person was first in position for the step, inside that clip's part.
        assert start - 0.05 <= s["start_s"] <= start + 4.0, (clip, s["start_s"], start)
        assert s["end_s"] <= end + 0.5, (clip, s["end_s"], end)  # the filters lag a cut by a few frames
    assert steps[-1]["skipped"] and steps[-1]["start_s"] is None  # no child's pose in the clips
    assert routine_report["summary"]["steps_done"] == 4 and routine_report["summary"]["steps_skipped"] == 1


def test_reps_and_holds_match_score_on_each_part(routine_report, cut_together):
    whole, parts, d = cut_together
    for s, (clip, start, end) in zip(routine_report["steps"], parts):
        part = cut_part(whole, start, end, d / f"{clip}.jsonl")
        scored = posecheck.score(part, exercise=EXERCISE[clip]).summary
        assert abs(s["reps"] - scored.reps) <= 1, (clip, s["reps"], scored.reps)
        assert abs(s["good_reps"] - scored.good_reps) <= 1, (clip, s["good_reps"], scored.good_reps)
        assert abs(s["good_hold_s"] - scored.good_hold_s) <= 1.0, (clip, s["good_hold_s"], scored.good_hold_s)
    by_ex = {s["exercise"]: s for s in routine_report["steps"]}
    # And what the clips hold (their truth): 4 cat/cow reps, 3 bridge reps of which the last is too low.
    assert by_ex["cat_cow"]["reps"] == 4 and by_ex["bridge"]["reps"] == 3 and by_ex["bridge"]["good_reps"] == 2
    assert by_ex["cobra"]["good_hold_s"] > 6.0 and by_ex["plank"]["good_hold_s"] > 9.0


@pytest.fixture(scope="module")
def back_basics(tmp_path_factory):
    """Every step of back_basics, one clip each (the sphinx, downward dog and child's pose among them)."""
    d = tmp_path_factory.mktemp("back_basics")
    whole = d / "back_basics_parts.jsonl"
    parts = concat_recordings(BACK_BASICS_CLIPS, whole)
    out = d / "r.json"
    assert run(["routine", "back_basics", "--source", str(whole), "--headless", "--no-drop", "--no-voice",
                "--json", str(out), "--no-save"]) == 0
    return json.loads(out.read_text()), whole, parts, d


def test_back_basics_follows_every_step_the_rests_and_stretches_included(back_basics):
    report, whole, parts, d = back_basics
    steps = report["steps"]
    assert [s["exercise"] for s in steps] == [EXERCISE[c] for c in BACK_BASICS_CLIPS]
    for s, (clip, start, end) in zip(steps, parts):
        assert not s["skipped"], clip
        assert start - 0.05 <= s["start_s"] <= start + 4.0, (clip, s["start_s"], start)
        assert s["end_s"] <= end + 0.5, (clip, s["end_s"], end)
        part = cut_part(whole, start, end, d / f"{clip}.jsonl")
        scored = posecheck.score(part, exercise=EXERCISE[clip]).summary
        assert abs(s["reps"] - scored.reps) <= 1, (clip, s["reps"], scored.reps)
        assert abs(s["good_hold_s"] - scored.good_hold_s) <= 1.0, (clip, s["good_hold_s"], scored.good_hold_s)
    by_ex = {s["exercise"]: s for s in steps}
    # The clips hold each pose 5.5-6.5 s (their truth); the routine times nearly all of it as good form.
    for ex in ("sphinx", "downward_dog", "child_pose"):
        assert by_ex[ex]["good_hold_s"] > 4.5 and not by_ex[ex]["fault_s"], by_ex[ex]
    assert report["summary"]["steps_done"] == len(BACK_BASICS_CLIPS) and report["summary"]["steps_skipped"] == 0


def test_steps_sharing_their_measures_judge_as_each_measuring_alone(cut_together, monkeypatch):
    # A routine judges every step still to come on each frame; they share one Measurer (a frame is measured
    # once), which must change nothing: the same report, the same words at the same times.
    from posecheck.core.session import Session
    from posecheck.io.streams import open_poses
    from posecheck.routine import runner as runner_mod
    from posecheck.routine.report import build_routine_report

    whole, _parts, _d = cut_together
    with open_poses(whole) as stream:
        info, poses = stream.info, [p for _f, p in stream]

    def follow():
        r = runner_mod.RoutineRunner(load_routine("back_basics"), info)
        for p in poses:
            r.step(p)
        return build_routine_report(r).to_dict(), [(e.t_s, e.text) for e in r.events]

    shared = follow()
    monkeypatch.setattr(runner_mod, "Session", lambda *a, measurer=None, **k: Session(*a, **k))
    assert follow() == shared


def test_the_report_is_the_routine_contract(routine_report):
    r = routine_report
    assert r["schema"] == "posecheck.routine/1" and r["routine"] == "back_quick"
    assert {"path", "width", "height", "fps", "frames", "duration_s"} <= set(r["source"])
    for s in r["steps"]:
        assert {"exercise", "start_s", "end_s", "sets", "good_hold_s", "reps", "good_reps", "skipped"} <= set(s)
    assert r["summary"]["ended_by"] == "end of input"
    plank = r["steps"][2]
    assert plank["target"] == {"hold_s": 20.0, "sets": 2, "rest_s": 30.0} and len(plank["sets"]) == 1


def _routine_file(tmp_path, body: str, name="mine"):
    p = tmp_path / f"{name}.toml"
    p.write_text(f'name = "{name}"\ntitle = "Mine"\n' + body)
    return p


def test_a_step_whose_exercise_never_shows_is_skipped_and_the_session_never_waits_forever(tmp_path, cut_together):
    whole, parts, _d = cut_together
    # Forearm plank and downward dog never show. After 20 s without it the forearm plank is skipped; the plank
    # (from 30.6 s) is then due and found; the downward dog is skipped when the person clearly does the bridge.
    p = _routine_file(tmp_path, """
[[steps]]
exercise = "forearm_plank"
hold_s = 20
[[steps]]
exercise = "plank"
hold_s = 20
[[steps]]
exercise = "downward_dog"
hold_s = 20
[[steps]]
exercise = "bridge"
reps = 10
""")
    with open_live_frames(whole, realtime=False) as frames:
        res = run_routine(load_routine(p), frames, wait_s=20.0)
    steps = res.report.steps
    assert [s.skipped for s in steps] == [True, False, True, False]
    assert parts[2][1] <= steps[1].start_s <= parts[2][1] + 4.0
    assert parts[3][1] <= steps[3].start_s <= parts[3][1] + 4.0
    assert res.ended_by == "end of input"


def test_the_stop_key_ends_the_session_at_once_and_says_why(tmp_path, cut_together):
    whole, parts, _d = cut_together
    display = FrameCollector(keys={700: KEY_STOP[0]}, keep_every=0)  # frame 700: the plank of the clips
    with open_live_frames(whole, realtime=False) as frames:
        res = run_routine(load_routine("back_quick"), frames, display=display)
    assert res.ended_by == STOPPED_ON_PAIN == res.report.summary.ended_by
    assert display.shown == 700  # not one frame more
    assert res.report.source.frames == 700
    assert [s.skipped for s in res.report.steps] == [False, False, True, True, True]
    assert any(e.kind == "info" and "stop on pain" in e.text for e in res.events)


@pytest.mark.parametrize("key,ended_by", [(ord("s"), STOPPED_ON_PAIN), (ord("q"), "quit")])
def test_stop_and_quit_work_while_paused_too(cut_together, key, ended_by):
    whole, _parts, _d = cut_together
    # Paused after frame 200, one empty poll, then the key: nothing more is shown or judged. (Were the key
    # ignored, the space after it would resume the session to the end of its input.)
    display = FrameCollector(keys={200: ord(" ")}, poll_keys=[None, key, ord(" ")], keep_every=0)
    with open_live_frames(whole, realtime=False) as frames:
        res = run_routine(load_routine("back_quick"), frames, display=display)
    assert res.ended_by == ended_by == res.report.summary.ended_by
    assert display.shown == 200 and res.report.source.frames == 200


def test_the_stop_key_is_recorded_in_the_history(tmp_path, cut_together, monkeypatch):
    whole, _parts, _d = cut_together
    monkeypatch.setattr("posecheck.cli.routine.WindowDisplay",
                        lambda title: FrameCollector(keys={300: ord("s")}, keep_every=0))
    assert run(["routine", "back_quick", "--source", str(whole), "--no-drop", "--no-voice"]) == 0
    with History.open() as h:
        (s,) = h.sessions()
    assert s.kind == "routine" and s.ended_by == STOPPED_ON_PAIN and s.parts[0].exercise == "cat_cow"


def test_cat_cow_breathes_with_each_half_rep_and_holds_have_a_pacer(cut_together):
    whole, parts, _d = cut_together
    with open_live_frames(whole, realtime=False) as frames:
        res = run_routine(load_routine("back_quick"), frames)
    said = [e for e in res.events if e.kind == "breath" and e.t_s < parts[0][2]]
    words = [e.text for e in said]
    assert len(words) >= 6 and all(a != b for a, b in zip(words, words[1:]))  # alternating
    assert set(words) == {"Exhale, round your back", "Inhale, arch your back"}
    pacer = BreathPacer(4.0)
    assert pacer.at(0.5).phase == "inhale" and pacer.at(2.5).phase == "exhale" and pacer.at(4.1).number == 2
    assert 7 <= 30.0 / pacer.breath_s <= 10  # a 30 s hold is 7-10 slow breaths, as the material asks


def test_the_safety_notice_is_shown_once_per_machine(tmp_path, cut_together, capsys):
    whole, _parts, _d = cut_together
    args = ["routine", "back_quick", "--source", str(whole), "--headless", "--no-drop", "--no-voice", "--no-save"]
    assert run(args) == 0
    first = capsys.readouterr().out
    assert run(args) == 0
    second = capsys.readouterr().out
    assert "Before you start: safety" in first and "STOP ON PAIN" in first
    assert "Before you start" not in second
    with History.open() as h:
        assert h.seen(NOTICE_NAME) is not None


@pytest.mark.parametrize("body, message", [
    ('[[steps]]\nexercise = "plank"\nhold = 20\n', "steps[0].hold: unknown key; did you mean 'hold_s'?"),
    ('[[steps]]\nexercise = "plank"\nreps = 10\n', "steps[0].reps: plank is a hold, not a rep exercise"),
    ('[[steps]]\nexercise = "plank"\nhold_s = 90\n', "steps[0].hold_s: 90 s is more than the material's most "
                                                      "for plank (30 s)"),
    ('[[steps]]\nexercise = "cat_cow"\nreps = 40\n', "steps[0].reps: 40 is more than the material's most"),
    ('[[steps]]\nexercise = "plank"\nhold_s = 20\nsets = 5\n', "steps[0].sets: Input should be less than or "
                                                               "equal to 3"),
    ('[[steps]]\nexercise = "plnk"\nhold_s = 20\n', "did you mean 'plank'?"),
    ('[[steps]]\nexercise = "plank"\n', "give either reps"),
])
def test_a_bad_routine_names_the_file_the_key_and_what_to_do(tmp_path, body, message):
    p = _routine_file(tmp_path, body)
    with pytest.raises(RoutineInvalid) as e:
        load_routine(p)
    assert str(e.value).startswith(str(p)) and message in str(e.value), str(e.value)


def test_the_cli_says_a_bad_routine_in_one_line(tmp_path, capsys):
    assert run(["routine", "back_qiuck", "--source", "x.mp4", "--headless"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: unknown routine 'back_qiuck'; did you mean 'back_quick'?") and "\n" not in err


def test_the_bundled_routines_are_valid_and_last_what_the_material_says():
    found = list_routines()
    assert {"back_basics", "back_quick"} <= set(found)
    basics, quick = load_routine("back_basics"), load_routine("back_quick")
    assert 15 * 60 <= basics.planned_s <= 22 * 60  # the material: 15-20 minutes
    assert 5 * 60 <= quick.planned_s <= 9 * 60
    assert {"cat_cow", "cobra", "plank", "forearm_plank", "bridge", "child_pose"} <= \
        {s.exercise for s in basics.steps}
    with pytest.raises(RoutineNotFound):
        load_routine("nope")
    with pytest.raises(RoutineInvalid):
        parse_routine({"name": "x", "title": "x", "steps": []}, "inline")


def test_the_routine_schema_is_published(capsys):
    assert run(["schema", "routine"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "steps" in schema["properties"] and "RoutineStep" in schema["$defs"]
