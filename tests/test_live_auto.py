"""`live -e auto`: the exercise is recognised once its position has been held a few seconds, then coached."""

from test_live import sag_plank, write_recording

from posecheck.cli.main import run


def test_live_auto_recognises_the_exercise_then_coaches_it(tmp_path, capsys):
    rec = write_recording(tmp_path / "sag.jsonl", sag_plank, 12.0)
    assert run(["live", "-e", "auto", "--source", str(rec), "--headless", "--no-drop", "--no-voice",
                "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "Exercise: plank (recognised" in out and "Session summary: Plank" in out
    assert "Hips are sagging: lift them" in out  # the sag at 5-7 s is coached after recognition


def test_live_auto_on_no_exercise_is_one_error_line(tmp_path, capsys):
    from synth import standing_points
    rec = write_recording(tmp_path / "stand.jsonl", lambda t: standing_points(), 4.0)
    assert run(["live", "-e", "auto", "--source", str(rec), "--headless", "--no-drop", "--no-voice",
                "--no-save"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "no exercise recognised" in err and err.count("\n") == 1
