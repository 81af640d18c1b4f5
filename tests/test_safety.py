"""Nothing lost, nothing exposed (issue 14): an output is never an input, a full disk is said and leaves the old
file, signals end runs like Ctrl-C, non-finite numbers are unknown, and odd headers are refused in one line.

Landmark recordings (no model) wherever the case allows, so that these run in seconds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from posecheck.errors import cut
from posecheck.cli.main import run
from posecheck.io.recording import RecordingHeader, RecordingWriter
from synth import H, W, plank_points, sequence


def write_recording(path: Path, seconds: float = 4.0, fps: float = 30.0) -> Path:
    with RecordingWriter(path, RecordingHeader(W, H, fps, "synthetic plank")) as w:
        for p in sequence(fps, seconds, lambda t: plank_points()):
            w.write(p)
    return path


def one_error(capsys, code: int, *expect: str) -> str:
    cap = capsys.readouterr()
    assert code == 2, (code, cap.out, cap.err)
    lines = [ln for ln in cap.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), cap.err
    assert "Traceback" not in cap.err + cap.out
    for e in expect:
        assert e in lines[0], lines[0]
    assert len(lines[0]) < 400, lines[0]
    return lines[0]


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".part") or ".part." in p.name]


# --- 1. no output path may be an input -----------------------------------------------------------------------

@pytest.fixture
def rec(tmp_path) -> Path:
    return write_recording(tmp_path / "in.jsonl")


@pytest.mark.parametrize("flag", ["--json", "--csv", "--html", "--annotated-video"])
def test_score_refuses_to_write_a_report_over_its_input(rec, flag, capsys):
    before = rec.read_bytes()
    code = run(["score", str(rec), "-e", "plank", flag, str(rec)])
    one_error(capsys, code, "is the input", "replace")
    assert rec.read_bytes() == before


def test_score_refuses_an_output_that_is_a_link_to_the_input(rec, tmp_path, capsys):
    before = rec.read_bytes()
    (tmp_path / "sym.json").symlink_to(rec)
    os.link(rec, tmp_path / "hard.json")
    for out in ("sym.json", "hard.json", "./sub/../in.jsonl"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code = run(["score", str(rec), "-e", "plank", "--json", str(tmp_path / out)])
        one_error(capsys, code, "is the input")
    assert rec.read_bytes() == before


def test_score_refuses_the_same_path_for_two_outputs(rec, tmp_path, capsys):
    code = run(["score", str(rec), "-e", "plank", "--json", str(tmp_path / "r"), "--csv", str(tmp_path / "r")])
    one_error(capsys, code, "two outputs")
    assert not (tmp_path / "r").exists()


def test_score_with_out_folder_refuses_a_report_named_like_its_recording(tmp_path, capsys):
    rec = write_recording(tmp_path / "session.json")  # a recording is known by its first line, not its name
    before = rec.read_bytes()
    code = run(["score", str(rec), "-e", "plank", "--out", str(tmp_path)])
    one_error(capsys, code, "is the input")
    assert rec.read_bytes() == before and not (tmp_path / "session.html").exists()


def test_folder_scored_into_itself_does_not_overwrite_a_recording_named_like_a_report(tmp_path, capsys):
    write_recording(tmp_path / "a.jsonl")
    rec = write_recording(tmp_path / "b.json")
    before = rec.read_bytes()
    code = run(["score", str(tmp_path), "-e", "plank", "--out", str(tmp_path), "--jobs", "1", "-q"])
    one_error(capsys, code, "is the input")
    assert rec.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.json"]  # refused before any work


def test_record_refuses_to_write_over_its_video(tmp_path, capsys):
    video = tmp_path / "in.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    code = run(["record", str(video), "-o", str(video)])
    one_error(capsys, code, "is the input")
    assert video.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")


def test_live_angles_tune_and_specs_new_refuse_their_input_as_output(rec, tmp_path, capsys):
    before = rec.read_bytes()
    for argv in (["live", "-e", "plank", "--source", str(rec), "--headless", "--no-voice", "--json", str(rec)],
                 ["live", "-e", "plank", "--source", str(rec), "--headless", "--no-voice", "--record", str(rec)],
                 ["angles", str(rec), "--csv", str(rec)],
                 ["angles", f"{rec}@1-2", "--plot", str(rec)],
                 ["tune", "-e", "plank", "--good", str(rec), "-o", str(rec)],
                 ["tune", "-e", "plank", "--good", str(rec), "--html", str(rec)],
                 ["specs", "new", "x_plank", "--from", str(rec), "-o", str(rec), "--force"]):
        code = run(argv)
        one_error(capsys, code, "is the input")
    assert rec.read_bytes() == before


def test_the_library_refuses_too(rec):
    import posecheck
    from posecheck.errors import ReportError

    with pytest.raises(ReportError, match="is the input"):
        posecheck.score(rec, "plank", json=rec)
    with pytest.raises(ReportError, match="is the input"):
        posecheck.record(rec, rec)


# --- 2. a full disk: "disk full", exit 2, the old file as it was, no temp file ---------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A real file system of 512 KB (tmpfs), mounted for the test; root only."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", f"posecheck-{uuid.uuid4().hex[:8]}", str(mnt)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> None:
    """Fill the disk to the last byte, or all but `leave` bytes."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        if leave:
            st = os.statvfs(disk)
            os.write(fd, b"\xff" * (st.f_bavail * st.f_frsize - leave))
            return
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\xff" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test_a_long_path_in_an_error_keeps_its_file_name():
    """Messages cut long values in the middle: the start and the file name the user recognises stay."""
    path = "/home/someone/" + "deep/" * 30 + "session_monday.mp4"
    line = cut(path)
    assert len(line) <= 80 and line.startswith("/home/") and line.endswith("session_monday.mp4")
    assert f"({len(path)} characters)" in line


@pytest.mark.parametrize("leave", [0, 8000], ids=["full", "nearly_full"])
@pytest.mark.parametrize("flag,name", [("--annotated-video", "old.mp4"), ("--annotated-video", "old.avi"),
                                       ("--json", "old.json"), ("--html", "old.html"), ("--csv", "old.csv")])
def test_a_full_disk_fails_the_write_and_keeps_the_old_file(small_disk, rec, flag, name, leave, capsys):
    old = small_disk / name
    old.write_bytes(b"the user's old file\n" * 100)
    fill(small_disk, leave)
    code = run(["score", str(rec), "-e", "plank", flag, str(old)])
    one_error(capsys, code, "disk full", name)
    assert old.read_bytes() == b"the user's old file\n" * 100
    assert no_temp_files(small_disk)


def test_record_onto_a_full_disk_keeps_the_old_recording(small_disk, rec, capsys):
    import posecheck
    from posecheck.errors import ReportError

    old = small_disk / "old.jsonl"
    old.write_text("old recording\n")
    fill(small_disk)
    from posecheck.io.streams import open_poses
    with pytest.raises(ReportError, match="disk full"):
        with open_poses(rec) as stream, RecordingWriter(old, RecordingHeader(W, H, 30.0)) as w:
            for _f, pose in stream:
                w.write(pose)
    assert old.read_text() == "old recording\n" and no_temp_files(small_disk)
    assert posecheck  # the library raised ReportError, which the CLI prints in one line


def test_an_incomplete_video_is_not_committed(tmp_path):
    """The check at the commit: a writer that wrote fewer frames than it was given (as OpenCV does on a full
    disk, silently) does not replace the old file."""
    import cv2
    import numpy as np
    from posecheck.errors import ReportError
    from posecheck.io.atomic import AtomicPath

    target = tmp_path / "v.avi"
    target.write_bytes(b"old")
    ap = AtomicPath(target)
    vw = cv2.VideoWriter(str(ap.tmp), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for _ in range(5):
        vw.write(np.zeros((48, 64, 3), np.uint8))
    vw.release()
    with pytest.raises(ReportError, match="only 5 of 9 frames"):
        ap.commit(expect_frames=9)
    assert target.read_bytes() == b"old" and no_temp_files(tmp_path)
    ap = AtomicPath(target)
    ap.tmp.write_bytes(b"\x00" * 100)  # not a video at all
    with pytest.raises(ReportError, match="incomplete"):
        ap.commit(expect_frames=9)
    assert target.read_bytes() == b"old" and no_temp_files(tmp_path)


# --- 3. SIGTERM and SIGHUP are handled like Ctrl-C --------------------------------------------------------------

def _feed_then_signal(fifo: Path, argv: list[str], sig: int, tmp_path: Path, seconds: float = 4.0):
    """Start `posecheck ARGV` reading the named pipe, write `seconds` of plank into it, wait while the command
    waits for more (a stalled source), then send `sig`."""
    import signal  # noqa: F401 - the caller's signal numbers
    import time

    from posecheck.io.recording import frame_json

    proc = subprocess.Popen([sys.executable, "-m", "posecheck", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    with open(fifo, "w") as w:
        w.write(RecordingHeader(W, H, 30.0, "pipe").to_json() + "\n")
        for p in sequence(30.0, seconds, lambda t: plank_points()):
            w.write(frame_json(p) + "\n")
        w.flush()
        import fcntl
        import struct
        import termios
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the command has taken everything out of the pipe
            unread = struct.unpack("i", fcntl.ioctl(w.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
            if unread == 0:
                break
            time.sleep(0.05)
        time.sleep(1.5)  # ...and judged it: it now waits for more, as on a stalled source
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs a named pipe")
    f = tmp_path / "stream.jsonl"
    os.mkfifo(f)
    return f


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("exercise", ["plank", "auto"])
def test_a_stop_signal_during_score_writes_a_partial_report(fifo, tmp_path, signame, exercise):
    import signal

    sig = getattr(signal, signame)
    code, out, err = _feed_then_signal(
        fifo, ["score", str(fifo), "-e", exercise, "--json", "r.json", "--csv", "r.csv", "--html", "r.html",
               "--annotated-video", "r.avi", "-q"], sig, tmp_path)
    assert code == 128 + sig, err
    assert "Traceback" not in err and "PARTIAL" in out, (out, err)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["partial"] is True and 0 < report["source"]["frames"] <= 120
    assert report["exercise"] == "plank"
    assert (tmp_path / "r.csv").exists() and (tmp_path / "r.html").exists() and (tmp_path / "r.avi").exists()
    assert no_temp_files(tmp_path)


def test_a_stop_signal_during_record_keeps_what_was_recorded(fifo, tmp_path):
    import signal

    code, out, err = _feed_then_signal(fifo, ["record", str(fifo), "-o", "out.jsonl", "-q"], signal.SIGTERM,
                                       tmp_path)
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "Interrupted (SIGTERM)" in out
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert f"the {len(lines) - 1} frames recorded" in out and 1 < len(lines) <= 121 and no_temp_files(tmp_path)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_during_live_ends_the_session_with_its_report(fifo, tmp_path, signame):
    import signal

    sig = getattr(signal, signame)
    code, out, err = _feed_then_signal(
        fifo, ["live", "-e", "plank", "--source", str(fifo), "--headless", "--no-voice", "--no-drop",
               "--json", "r.json", "--record", "r.jsonl"], sig, tmp_path)
    assert code == 128 + sig, (out, err)
    assert "Traceback" not in err and "Session summary" in out
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["partial"] is True and 0 < report["source"]["frames"] <= 120
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == report["source"]["frames"] + 1
    assert no_temp_files(tmp_path)


def test_the_library_installs_no_signal_handler(rec):
    import signal

    import posecheck

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    posecheck.score(rec, "plank")
    assert {s: signal.getsignal(s) for s in before} == before
    run(["score", str(rec), "-e", "plank", "-q"])  # the command restores what it found
    assert {s: signal.getsignal(s) for s in before} == before


# --- 6. non-finite and absurd numbers ----------------------------------------------------------------------------

def _rewrite_hip(src: Path, dst: Path, value, t0: float = 3.0, t1: float = 4.0) -> Path:
    """A copy of a recording whose left hip x reads `value` (JSON text) from t0 to t1."""
    lines = src.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        obj = json.loads(line)
        if t0 <= obj["t_s"] < t1:
            obj["landmarks"][23][0] = "@@"
            line = json.dumps(obj).replace('"@@"', value)
        out.append(line)
    dst.write_text("\n".join(out) + "\n")
    return dst


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e308", "-1e308", "1e400", "1" + "0" * 400,
                                   "123456.0"])
def test_a_non_finite_or_absurd_coordinate_is_unknown_like_null(tmp_path, value):
    import posecheck

    src = write_recording(tmp_path / "plank.jsonl", seconds=8.0)
    null = posecheck.score(_rewrite_hip(src, tmp_path / "null.jsonl", "null"), "plank")
    odd = posecheck.score(_rewrite_hip(src, tmp_path / "odd.jsonl", value), "plank")
    assert odd.summary.model_dump() == null.summary.model_dump()
    assert [f.state for f in odd.frames] == [f.state for f in null.frames]
    assert "unknown" in {f.state for f in odd.frames[95:115]}
    clean = posecheck.score(src, "plank")
    assert odd.summary.good_hold_s < clean.summary.good_hold_s  # the odd second is not counted as good form


@pytest.mark.parametrize("header,expect", [
    ({"width": 200000, "height": 200000}, "at most 16384"),
    ({"width": 0}, "at most 16384"),
    ({"width": 640.5}, "whole numbers"),
    ({"fps": 0}, "fps must be"),
    ({"fps": 1e9}, "fps must be"),
    ({"fps": "30"}, "numeric"),
    ({"width": True}, "numeric"),
])
def test_an_impossible_recording_header_is_refused_in_one_line(tmp_path, header, expect, capsys):
    h = {"format": "posecheck-landmarks", "version": 1, "width": 640, "height": 480, "fps": 30.0, **header}
    rec = tmp_path / "odd.jsonl"
    rec.write_text(json.dumps(h) + '\n{"t_s": 0.0, "landmarks": null}\n')
    code = run(["score", str(rec), "-e", "plank", "--annotated-video", str(tmp_path / "v.mp4")])
    one_error(capsys, code, "line 1", expect)
    assert not (tmp_path / "v.mp4").exists()


@pytest.mark.parametrize("line,expect", [
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"t_s": ' + "9" * 400 + ', "landmarks": null}', "t_s"),
    ('{"t_s": ' + "9" * 5000 + ', "landmarks": null}', "line 3"),
    ('{"t_s": NaN, "landmarks": null}', "t_s"),
    ('{"t_s": 1e300, "landmarks": null}', "t_s"),
    ('{"t_s": 0.1, "landmarks": [["' + "x" * 10000 + '", 0, 0, 1]' + ", [0, 0, 0, 1]" * 32 + "]}", "not '"),
])
def test_hostile_recording_lines_are_refused_naming_the_line(tmp_path, line, expect, capsys):
    h = {"format": "posecheck-landmarks", "version": 1, "width": 640, "height": 480, "fps": 30.0}
    rec = tmp_path / "odd.jsonl"
    rec.write_text(json.dumps(h) + '\n{"t_s": 0.0, "landmarks": null}\n' + line + "\n")
    code = run(["score", str(rec), "-e", "plank", "--json", str(tmp_path / "r.json")])
    one_error(capsys, code, "line 3", expect)
    assert not (tmp_path / "r.json").exists()


PLANK_TOML = """name = "x_plank"
title = "X"
[position]
[[position.require]]
measure = "knee"
min_deg = 150
[[checks]]
id = "sag"
measure = "body_sag"
max_deg = {max_deg}
cue = "Lift your hips"
[hold]
target_s = {target_s}
"""


@pytest.mark.parametrize("max_deg,target_s,where", [("nan", "30", "checks[0].max_deg"),
                                                    ("inf", "30", "checks[0].max_deg"),
                                                    ("-inf", "30", "checks[0].max_deg"),
                                                    ("10", "nan", "hold.target_s"),
                                                    ("10", "inf", "hold.target_s")])
def test_spec_bounds_and_targets_must_be_finite(tmp_path, max_deg, target_s, where, capsys):
    spec = tmp_path / "x_plank.toml"
    spec.write_text(PLANK_TOML.format(max_deg=max_deg, target_s=target_s))
    code = run(["specs", "validate", str(spec)])
    cap = capsys.readouterr()
    assert code == 2 and where in cap.out + cap.err and "finite" in cap.out + cap.err, cap
    rec = write_recording(tmp_path / "in.jsonl")
    code = run(["score", str(rec), "-e", str(spec)])
    one_error(capsys, code, where, "finite")


def test_a_huge_specs_variable_is_one_error_line(rec, monkeypatch, capsys):
    monkeypatch.setenv("POSECHECK_SPECS", "x" * 100_000)
    code = run(["score", str(rec), "-e", "plank"])
    line = one_error(capsys, code, "POSECHECK_SPECS", "too long")
    assert len(line) < 300


def test_a_huge_exercise_name_is_cut_in_the_message(rec, capsys):
    code = run(["score", str(rec), "-e", "p" * 100_000])
    one_error(capsys, code, "characters")
    code = run(["score", str(rec), "-e", "/" + "p" * 100_000 + ".toml"])
    one_error(capsys, code, "characters")


# --- 4. the tuner's server ------------------------------------------------------------------------------------

@pytest.fixture
def tuner(tmp_path, monkeypatch):
    """A tuner on a short recording, served on 127.0.0.1 with a 1-s socket timeout."""
    import threading

    from posecheck.core.specs import load_spec
    from posecheck.tuning import tuner as tuner_mod
    from posecheck.tuning.explore import load_clip

    monkeypatch.setattr(tuner_mod, "SOCKET_TIMEOUT_S", 1.0)
    rec = write_recording(tmp_path / "clip.jsonl", seconds=3.0)
    app = tuner_mod.TunerApp(load_clip(str(rec)), load_spec("plank"), tmp_path / "tuned.toml", name="tuned")
    srv, url = tuner_mod.make_server(app, 0, token="sekrit-token")
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    th.start()
    yield srv.server_address[1], app
    srv.shutdown()
    srv.server_close()


def _request(port, method, path, body=b"", headers=None, host=None):
    import http.client

    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    c.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    if method == "POST":
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body if method == "POST" else None)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.nip.io:{port}", "localhost", "127.0.0.1:1",
                                  "", "LOCALHOST:{port}x"])
def test_the_tuner_answers_only_its_own_host_names(tuner, host, capfd):
    port, _app = tuner
    for method, path in (("GET", "/"), ("GET", "/api/state?t=sekrit-token"), ("GET", "/frame/0?t=sekrit-token"),
                         ("POST", "/api/save?t=sekrit-token")):
        status, data = _request(port, method, path, b'{"values": {}}', host=host.format(port=port))
        assert status == 403 and b"sekrit-token" not in data and b"Host" in data, (method, path, data)
    assert _request(port, "GET", "/", host=f"localhost:{port}")[0] == 200
    status, data = _request(port, "GET", "/")
    assert status == 200 and b"sekrit-token" in data
    assert "Traceback" not in capfd.readouterr().err


BAD_BODIES = [b"[]", b'"values"', b"null", b"1" + b"0" * 400, b'{"values": {"checks:hips_sagging:max_deg": ' +
              b"9" * 400 + b"}}", b"[" * 50000 + b"]" * 50000, b'{"values": []}', b'{"values": null}',
              b'{"values": {"checks:hips_sagging:max_deg": NaN}}', b'{"values": {"checks:hips_sagging:max_deg": '
              b'"5"}}', b'{"values": {"checks:hips_sagging:max_deg": true}}', b'{"other": 1}', b"\xff\xfe\x00",
              b'{"values": {"checks:nope:max_deg": 1}}', b'{"values": {"checks:hips_sagging:max_deg": 1e400}}']


@pytest.mark.parametrize("path", ["/api/evaluate", "/api/save"])
def test_a_bad_api_body_gets_a_400_with_a_message(tuner, path, capfd):
    port, app = tuner
    for body in BAD_BODIES:
        status, data = _request(port, "POST", path, body, {"X-Token": "sekrit-token"})
        assert status == 400, (body[:60], status, data)
        assert json.loads(data)["error"], data
    assert not app.out.exists()  # nothing saved from a bad body
    status, data = _request(port, "POST", path, b'{"values": {"checks:hips_sagging:max_deg": 5}}',
                            {"X-Token": "sekrit-token"})
    assert status == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


def test_a_body_shorter_than_its_length_and_a_client_that_hangs_up_are_no_tracebacks(tuner, capfd):
    import socket
    import time

    port, _app = tuner
    # Content-Length larger than the body: the socket times out, the thread ends.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"POST /api/evaluate?t=sekrit-token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
              "Content-Length: 1000\r\n\r\n{\"values\"".encode())
    s.settimeout(10)
    t0 = time.monotonic()
    got = s.recv(100)  # the server closes the connection after its 1-s timeout (with no answer)
    assert time.monotonic() - t0 < 8 and got == b""
    s.close()
    # Hang up before the answer, many times (the page reloaded, the tab closed).
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /api/state?t=sekrit-token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST: the server's write fails
    for _ in range(5):  # a request line that never ends
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/sta")
        s.close()
    time.sleep(1.5)
    assert _request(port, "GET", "/api/state?t=sekrit-token")[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err, err


def test_the_tune_report_escapes_everything_it_shows(tmp_path):
    """A clip named like markup and a spec whose title and cues are markup: shown as text in the page."""
    from posecheck.cli.main import run as cli

    evil = "<img src=x onerror=alert(1)>"
    good = write_recording(tmp_path / f"{evil}.jsonl", seconds=3.0)
    bad = write_recording(tmp_path / "b<script>alert(2)<x>.jsonl", seconds=3.0)
    spec = tmp_path / "x_plank.toml"
    spec.write_text(PLANK_TOML.format(max_deg="10", target_s="30")
                    .replace('title = "X"', 'title = "</title><script>alert(3)</script>"')
                    .replace('cue = "Lift your hips"', 'cue = "<b onmouseover=alert(4)>Lift</b>"'))
    out = tmp_path / "t.html"
    code = cli(["tune", "-e", str(spec), "--good", str(good), "--bad", str(bad), "--html", str(out), "-q"])
    assert code == 0
    page = out.read_text()
    assert "<img" not in page and "<script" not in page and "<b " not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;/title&gt;&lt;script&gt;" in page


# --- 5. a folder run survives a dead worker --------------------------------------------------------------------

def write_long_recording(path: Path, seconds: float) -> Path:
    """A plank held `seconds` long, written fast (one pose, many times)."""
    from posecheck.io.recording import frame_json

    pose = next(iter(sequence(30.0, 0.1, lambda t: plank_points())))
    line = frame_json(pose)
    head, tail = line.split(",", 1)
    assert head.startswith('{"t_s":')
    with open(path, "w") as f:
        f.write(RecordingHeader(W, H, 30.0, "long").to_json() + "\n")
        for i in range(int(seconds * 30)):
            f.write(f'{{"t_s":{i / 30.0!r},{tail}\n')
    return path


def _descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def _holding(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def _kill_while_scoring(proc, victim: Path, times: int) -> list[int]:
    """SIGKILL (as the out-of-memory killer does) each worker process seen reading `victim`, `times` times."""
    import signal
    import time

    killed: list[int] = []
    while proc.poll() is None and len(killed) < times:
        for pid in _descendants(proc.pid):
            if pid not in killed and _holding(pid, victim):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.005)
    return killed


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the worker through /proc")
@pytest.mark.parametrize("deaths", [1, 2])
def test_a_killed_worker_fails_only_its_file_after_one_retry(tmp_path, deaths):
    folder = tmp_path / "in"
    folder.mkdir()
    write_recording(folder / "a.jsonl", seconds=3.0)
    victim = write_long_recording(folder / "b.jsonl", seconds=60.0)
    write_recording(folder / "c.jsonl", seconds=3.0)
    proc = subprocess.Popen([sys.executable, "-m", "posecheck", "score", str(folder), "-e", "plank", "--out",
                             str(tmp_path / "out"), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    killed = _kill_while_scoring(proc, victim, deaths)
    out, err = proc.communicate(timeout=600)
    assert len(killed) == deaths, (out, err)
    assert "Traceback" not in err
    reports = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    if deaths == 1:
        assert proc.returncode == 0, (out, err)
        assert reports == ["a.json", "b.json", "c.json"]
        assert "3 of 3 scored" in out and "scored again alone" in out, out
    else:
        assert proc.returncode == 2, (out, err)
        assert reports == ["a.json", "c.json"]  # the healthy files are scored
        row = next(ln for ln in out.splitlines() if ln.startswith("b.jsonl"))
        assert "FAILED" in row and "died twice" in row, out
        assert "2 of 3 scored; 1 failed" in out, out
    assert no_temp_files(tmp_path)
