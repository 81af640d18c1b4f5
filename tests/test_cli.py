"""The command line as a user meets it: output, exit status, one-line errors, no partial files."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from synth import H, W, plank_points, ramp, sequence, standing_points

from posecheck.cli.main import run
from posecheck.io.recording import RecordingHeader, RecordingWriter


@pytest.fixture
def plank_recording(tmp_path):
    def pts(t):
        return standing_points() if t < 1.0 else plank_points(sag_deg=20 * (ramp(t, 5, 5.3) - ramp(t, 7, 7.3)))
    path = tmp_path / "plank.jsonl"
    with RecordingWriter(path, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, 10, pts, noise_px=0.5):
            w.write(p)
    return path


def cli(*args):
    """Run the CLI in a subprocess: what a user sees, exit code included."""
    proc = subprocess.run([sys.executable, "-m", "posecheck", *map(str, args)], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_score_prints_summary_and_writes_the_contract_report(plank_recording, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run(["score", str(plank_recording), "--exercise", "plank", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Good-form hold" in text and "hips sagging" in text and "lift them" in text
    r = json.loads(out.read_text())
    assert r["schema"] == "posecheck.report/1" and r["exercise"] == "plank"
    assert set(r["source"]) >= {"path", "width", "height", "fps", "frames", "duration_s"}
    assert r["source"]["frames"] == len(r["frames"]) == 300
    assert set(r["frames"][0]) >= {"t_s", "detected", "side", "state", "faults", "angles_deg"}
    assert r["cues"][0]["fault"] == "hips_sagging" and set(r["cues"][0]) >= {"t_s", "fault", "text"}
    assert set(r["holds"][0]) >= {"start_s", "end_s", "good_s"}
    assert set(r["summary"]) >= {"good_hold_s", "reps", "good_reps", "fault_s"}
    assert r["summary"]["fault_s"]["hips_sagging"] > 1.5


@pytest.mark.parametrize("make, args, message", [
    (None, ["score", "{missing}", "-e", "plank"], "no such file"),
    ("dir", ["score", "{dir}", "-e", "plank"], "is a directory"),
    ("empty", ["score", "{empty}", "-e", "plank"], "empty"),
    ("textmp4", ["score", "{textmp4}", "-e", "plank"], "not a video"),
    ("rec", ["score", "{rec}", "-e", "plnk"], "did you mean 'plank'"),
    ("badline", ["score", "{badline}", "-e", "plank"], "line 3"),
    ("rec", ["score", "{rec}", "-e", "plank", "--json", "{dir}/nodir/r.json"], "does not exist"),
])
def test_bad_input_gives_one_error_line_and_exit_2(tmp_path, plank_recording, make, args, message):
    paths = {"missing": tmp_path / "missing.mp4", "dir": tmp_path, "empty": tmp_path / "empty.mp4",
             "textmp4": tmp_path / "notes.mp4", "rec": plank_recording, "badline": tmp_path / "bad.jsonl"}
    paths["empty"].write_bytes(b"")
    paths["textmp4"].write_text("this is not a video\n" * 20)
    lines = plank_recording.read_text().splitlines()
    paths["badline"].write_text("\n".join(lines[:2] + ["{oops"] + lines[3:]) + "\n")
    code, out, err = cli(*[a.format(**paths) for a in args])
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("Error: ") and message in err, err
    assert "Traceback" not in err


def test_no_partial_report_is_left_on_error(tmp_path, plank_recording):
    lines = plank_recording.read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:100] + ["{oops"]) + "\n")
    out = tmp_path / "r.json"
    code, _, _ = cli("score", bad, "-e", "plank", "--json", out)
    assert code == 2 and not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_debug_shows_the_traceback(tmp_path):
    code, _, err = cli("--debug", "score", tmp_path / "missing.mp4", "-e", "plank")
    assert code == 2 and "Traceback" in err and "Error: " in err


def test_specs_commands(tmp_path, capsys):
    assert run(["specs", "list"]) == 0
    assert "forearm_plank" in capsys.readouterr().out
    assert run(["specs", "schema"]) == 0
    assert "properties" in json.loads(capsys.readouterr().out)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntitle = "X"\n[position]\n[[position.require]]\nmeasure = "kne"\nmin_deg = 1\n')
    assert run(["specs", "validate", str(bad)]) == 2
    assert "did you mean 'knee'" in capsys.readouterr().err


def test_every_command_has_help_that_teaches():
    import click

    from posecheck.cli.main import main
    ctx = click.Context(main)
    for name, cmd in main.commands.items():
        assert cmd.help and len(cmd.help) > 40, name
        if isinstance(cmd, click.Group):
            for sub in cmd.commands.values():
                assert sub.help, sub.name
    assert "posecheck score" in main.get_help(ctx)


def test_score_takes_a_part_of_the_input_and_keeps_its_times(plank_recording, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run(["score", f"{plank_recording}@3-9", "-e", "plank", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"{plank_recording}@3-9 (181 frames, 6.0 s" in text
    r = json.loads(out.read_text())
    assert r["frames"][0]["t_s"] == 3.0 and r["frames"][-1]["t_s"] == 9.0
    assert 5.0 < r["cues"][0]["t_s"] < 6.0  # the sag at 5 s of the recording, at its own time
    assert run(["score", f"{plank_recording}@20-30", "-e", "plank"]) == 2
    assert "past the end of the input" in capsys.readouterr().err


def test_specs_validate_counts_every_kind_of_check_and_lists_each_problem(tmp_path, capsys):
    specs = ROOT / "exercise_specs"
    assert run(["specs", "validate", str(specs / "bridge.toml"), str(specs / "plank.toml")]) == 0
    out = capsys.readouterr().out
    assert "bridge: 0 form checks, 1 rep check, 1 tempo check" in out and "plank: 5 form checks" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntitle = "X"\n[position]\n[[position.require]]\nmeasure = "kne"\nmin_deg = "a"\n'
                   '[hold]\ntarget_s = -1\n')
    assert run(["specs", "validate", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"Error: {bad}: 3 problems"
    assert [line.split(":")[0].strip() for line in err[1:]] == \
        ["position.require[0].measure", "position.require[0].min_deg", "hold.target_s"]


def test_an_option_that_does_nothing_in_its_mode_is_refused(plank_recording, capsys):
    assert run(["angles", str(plank_recording), "-e", "plank"]) == 2
    assert "give --plot" in capsys.readouterr().err
