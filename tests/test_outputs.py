"""The per-frame CSV, the annotated video and the fault snapshots: what they contain, and that they are
written whole or not at all."""

import csv
import json
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from synth import H, W, plank_points, pose_from_points, ramp, sequence, standing_points

from posecheck.api import score
from posecheck.cli.main import run
from posecheck.core.evaluation import FrameResult
from posecheck.core.events import State
from posecheck.core.geometry import MEASURES
from posecheck.core.landmarks import SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from posecheck.errors import ReportError, SourceError
from posecheck.io.frames import Frame, open_frames
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.render.annotators import HudAnnotator
from posecheck.render.snapshots import SnapshotKeeper
from posecheck.render.video import AnnotatedVideoWriter, VideoWriter
from posecheck.report.build import build_report
from posecheck.report.csv import CSV_COLUMNS


def write_recording(path, poses, fps=30.0):
    with RecordingWriter(path, RecordingHeader(W, H, fps, "synthetic")) as w:
        for p in poses:
            w.write(p)
    return path


def sag_twice(t):
    """Standing, then a plank whose hips sag 12 deg at 3-4 s and 20 deg at 6-7 s (the worst)."""
    if t < 1.0:
        return standing_points()
    sag = 12 * (ramp(t, 3, 3.2) - ramp(t, 4, 4.2)) + 20 * (ramp(t, 6, 6.2) - ramp(t, 7, 7.2))
    return plank_points(sag_deg=sag)


@pytest.fixture
def plank_rec(tmp_path):
    return write_recording(tmp_path / "plank.jsonl", sequence(30.0, 9, sag_twice, noise_px=0.4))


def no_temp_files(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_csv_has_one_row_per_frame_with_state_faults_and_every_angle(plank_rec, tmp_path):
    out = tmp_path / "frames.csv"
    report = score(plank_rec, "plank", csv=out)
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == list(CSV_COLUMNS) and all(f"{m}_deg" in rows[0] for m in MEASURES)
    assert len(rows) == len(report.frames) == 270
    assert rows[0]["state"] == "setup" and rows[0]["t_s"] == "0.0000"
    sagging = [r for r in rows if "hips_sagging" in r["faults"].split(";")]
    assert sagging and all(r["state"] == "fault" for r in sagging)
    assert max(float(r["body_sag_deg"]) for r in sagging) == pytest.approx(20, abs=2)
    # Unknown angles are empty cells, not 0 or "nan".
    rows_none = [r for r in rows if r["detected"] == "0"]
    assert all(r["body_sag_deg"] == "" for r in rows_none)


def test_snapshot_is_taken_at_the_worst_moment_of_each_fault(plank_rec):
    spec = load_spec("plank")
    info = SourceInfo(str(plank_rec), "video", W, H, 30.0, None)
    keeper = SnapshotKeeper(spec, info)
    session = Session(spec, info)
    image = np.full((H, W, 3), 200, np.uint8)
    for i, pose in enumerate(sequence(30.0, 9, sag_twice, noise_px=0.4)):
        keeper(Frame(image, pose.t_s, i), pose, session.step(pose))
    snaps = keeper.snapshots()
    assert [s.fault for s in snaps] == ["hips_sagging"]
    s = snaps[0]
    assert 6.0 <= s.t_s <= 7.4 and s.value_deg == pytest.approx(20, abs=2) and s.measure == "body_sag"
    assert s.from_video and s.allowed == "allowed at most 8 deg" and "lift" in s.cue
    picture = cv2.imdecode(np.frombuffer(s.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape[:2] == (H, W)
    # The skeleton and the measure are drawn on it: it is no longer the plain grey frame.
    assert np.abs(picture.astype(int) - 200).sum(axis=2).astype(bool).mean() > 0.02


def test_annotated_video_is_h264_with_every_frame_at_its_time_and_drawn_in(plank_rec, tmp_path):
    out = tmp_path / "annotated.mp4"
    report = score(plank_rec, "plank", annotated_video=out)
    # Read back through PyAV: H.264 (what browsers play), every frame, each at its source time.
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264" and c.format.name.startswith("mov,mp4")
        decoded = [(f.time, f.to_ndarray(format="bgr24")) for f in c.decode(stream)]
    assert len(decoded) == len(report.frames)
    assert [round(t, 3) for t, _ in decoded] == [round(f.t_s, 3) for f in report.frames]
    frame = next(img for t, img in decoded if abs(t - 6.6) < 0.02)
    assert frame.shape[:2] == (H, W)
    # During the sag the state bar at the top is the fault colour (red, BGR), and a cue box is drawn.
    b, g, r = frame[5, W // 2].astype(int)
    assert r > 150 and g < 110 and b < 110
    assert no_temp_files(tmp_path)


def test_a_video_written_with_gaps_keeps_them(tmp_path):
    # Live's --save-video: a camera frame the loop dropped leaves its gap, so scoring the video again sees
    # the camera's clock; an odd frame size is padded, not refused.
    times = [0.0, 0.033, 0.066, 0.4, 0.433]
    with VideoWriter(tmp_path / "seen.mp4", 321, 241, 30.0) as w:
        for t in times:
            w.write(np.full((241, 321, 3), 90, np.uint8), t)
    with av.open(str(tmp_path / "seen.mp4")) as c:
        assert [round(f.time, 3) for f in c.decode(video=0)] == times
    frames = open_frames(tmp_path / "seen.mp4")
    try:
        assert [round(f.t_s, 3) for f in frames] == times
    finally:
        frames.close()
    assert no_temp_files(tmp_path)


def test_annotated_output_of_a_still_image_is_an_image(tmp_path):
    img = np.full((H, W, 3), 90, np.uint8)
    info = SourceInfo("still.png", "image", W, H, 1.0, 1)
    spec = load_spec("plank")
    session = Session(spec, info)
    pose = pose_from_points(0.0, plank_points(sag_deg=0))
    with AnnotatedVideoWriter(tmp_path / "still_annotated.png", spec, info) as w:
        w(Frame(img, 0.0, 0), pose, session.step(pose))
    out = cv2.imread(str(tmp_path / "still_annotated.png"))
    assert out.shape == (H, W, 3) and (out != 90).any()


def test_unknown_video_type_is_refused_before_scoring(plank_rec, tmp_path):
    with pytest.raises(ReportError, match=r"\.mp4 or \.avi"):
        score(plank_rec, "plank", annotated_video=tmp_path / "out.gif")
    assert list(tmp_path.iterdir()) == [plank_rec]


def test_failed_scoring_leaves_no_output_at_all(tmp_path):
    lines = write_recording(tmp_path / "ok.jsonl", sequence(30.0, 4, sag_twice)).read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:60] + ["{oops"]) + "\n")
    outs = {k: tmp_path / f"out.{ext}" for k, ext in
            (("json", "json"), ("html", "html"), ("csv", "csv"), ("annotated_video", "mp4"))}
    with pytest.raises(SourceError, match="line 61"):
        score(bad, "plank", **outs)
    assert not any(p.exists() for p in outs.values())
    assert no_temp_files(tmp_path)


def test_cli_writes_every_output_and_names_them(plank_rec, tmp_path, capsys):
    args = ["score", str(plank_rec), "-e", "plank", "--quiet", "--json", str(tmp_path / "r.json"),
            "--html", str(tmp_path / "r.html"), "--csv", str(tmp_path / "r.csv"),
            "--annotated-video", str(tmp_path / "r.avi")]
    assert run(args) == 0
    out = capsys.readouterr()
    for what in ("Report written", "HTML report written", "Per-frame CSV written", "Annotated video written"):
        assert what in out.out
    assert out.err == ""  # --quiet, and not a terminal anyway: no progress bar
    assert json.loads((tmp_path / "r.json").read_text())["schema"] == "posecheck.report/1"
    assert (tmp_path / "r.avi").stat().st_size > 10_000 and (tmp_path / "r.html").stat().st_size > 10_000


def test_progress_bar_shows_frames_speed_and_time_left_on_a_terminal(monkeypatch):
    import io

    from posecheck.cli.options import ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(ProgressBar, "REDRAW_S", 0.0)
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar(300, "scoring", stream=stream)
        for i in range(1, 301):
            bar(i, i / 30)
        bar.close()
    shown = tty.getvalue()
    assert "scoring [" in shown and "300/300 frames" in shown and "fps" in shown and "s left" in shown
    assert pipe.getvalue() == ""
    quiet = Tty()
    bar = ProgressBar(300, "scoring", quiet=True, stream=quiet)
    bar(300)
    bar.close()
    assert quiet.getvalue() == ""


def test_snapshot_of_a_short_rep_is_the_top_of_the_lowest_one():
    from synth import bridge_points

    def bridge(t):
        k, rep = t % 4.0, int(t // 4)
        top = {0: 0.6, 1: 1.0, 2: 0.45, 3: 1.0}.get(rep, 1.0)  # rep 3 (8-12 s) is the lowest
        return bridge_points(top * (ramp(k, 0.5, 1.7) - ramp(k, 3.0, 3.8)) if t > 0.5 else 0.0)

    spec = load_spec("bridge")
    info = SourceInfo("bridge.jsonl", "recording", W, H, 30.0, None)
    keeper, session = SnapshotKeeper(spec, info), Session(spec, info)
    for pose in sequence(30.0, 16.5, bridge, noise_px=0.2):
        keeper(None, pose, session.step(pose))
    report = build_report(session)
    short = [r for r in report.reps if not r.good]
    assert len(short) == 2
    (snap,) = keeper.snapshots()
    lowest = max(short, key=lambda r: abs(spec.reps.peak_deg - r.peak_deg))  # furthest from the top
    assert snap.fault == "hips_too_low" and lowest.start_s <= snap.t_s <= lowest.end_s
    assert snap.value_deg == pytest.approx(lowest.peak_deg, abs=1.0)
    assert not snap.from_video


@pytest.mark.model
def test_progress_bar_reaches_a_terminal_while_the_model_runs(tmp_path):
    """The model points fd 2 at /dev/null (native chatter); the bar must still reach the user's terminal."""
    import os
    import pty
    import subprocess
    import sys

    video = tmp_path / "plank.mp4"  # 45 frames of a sample clip (someone must be in view, or scoring fails)
    cap = cv2.VideoCapture(str(Path(__file__).resolve().parent.parent / "sample_videos" / "plank_clean_a.mp4"))
    w = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (320, 240))
    for i in range(45):
        ok, frame = cap.read()
        w.write(cv2.resize(frame, (320, 240)))
    w.release()
    cap.release()

    def stderr_on_a_terminal(*extra):
        master, slave = pty.openpty()
        proc = subprocess.run([sys.executable, "-m", "posecheck", "score", str(video), "-e", "plank", *extra],
                              stdout=subprocess.DEVNULL, stderr=slave, timeout=120)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        return proc.returncode, b"".join(chunks).decode(errors="replace")

    code, err = stderr_on_a_terminal()
    assert code == 0 and "scoring [" in err and "/45 frames" in err and "fps" in err and "s left" in err
    code, err = stderr_on_a_terminal("--quiet")
    assert code == 0 and "scoring" not in err


def test_html_report_plays_the_annotated_video_inside_the_page(plank_rec, tmp_path):
    import base64
    import re

    page, video = tmp_path / "r.html", tmp_path / "r.mp4"
    score(plank_rec, "plank", html=page, annotated_video=video)
    html = page.read_text()
    m = re.search(r'<video controls[^>]*src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"', html)
    assert m and base64.b64decode(m.group(1)) == video.read_bytes()
    assert "media-src data:" in html  # the page's content policy lets it play
    # Without the video, the page keeps its strict policy and has no video section.
    score(plank_rec, "plank", html=tmp_path / "plain.html")
    plain = (tmp_path / "plain.html").read_text()
    assert "<video" not in plain and "media-src" not in plain


@pytest.mark.parametrize("size", [(640, 480), (320, 240), (1920, 1080)])
def test_the_state_bar_s_words_never_run_under_the_timer(size):
    # A bridge has a hold and reps: "0 of 5 s   1 of 15 reps" filled the bar of a 640-wide picture and the state's
    # words were drawn under it.
    W_, H_ = size
    image = np.full((H_, W_, 3), 40, np.uint8)
    frame = FrameResult(t_s=3.0, index=90, detected=True, side="left", state=State.FAULT,
                        faults=("hips_too_low", "moving_too_fast"), angles={}, in_position=True, hold_good_s=0.0,
                        reps=1, good_reps=0)
    hud = HudAnnotator()
    hud.annotate(image, frame, "Glute bridge", None, hold_target_s=5.0, reps_target=15)
    label_end, timer_start = hud.last_bar_text
    assert 0 < label_end < timer_start < W_
    bar = image[2:hud.bar_height(H_) - 8]
    dark = (bar.max(axis=2) < 60).any(axis=0)  # columns with black letters in them
    assert dark[:label_end].any() and dark[timer_start:].any()
    assert not dark[label_end + 2:timer_start - 1].any(), "the state's words run under the timer"
