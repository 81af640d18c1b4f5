"""Live coaching on landmark recordings (no model, no camera): what is printed and when, sets and rest,
keys, the report against `posecheck score`, the newest-frame reader, and a camera that stops."""

import json
import socket
import sys
import threading
import time

import numpy as np
import pytest
from synth import H, W, plank_points, pose_from_points, ramp, sequence, standing_points

from posecheck.cli.main import run
from posecheck.core.guidance import FramingGuide
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from posecheck.io.frames import Frame
from posecheck.io.live_frames import NewestFrameReader, open_live_frames
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.live.coach import Coach, LiveEvent, format_event
from posecheck.live.display import FrameCollector, x_display_unreachable
from posecheck.live.run import run_live
from posecheck.live.summary import summary_lines
from posecheck.render.annotators import STATE_COLORS

FPS = 30.0
SAG_ON, SAG_OFF = 5.0, 7.0


def sag_plank(t):
    """Stands until 1 s, planks; hips sag 20 deg from 5 to 7 s; leaves 14-17 s (set ends), planks again."""
    if t < 1.0:
        return standing_points()
    if 14.0 <= t < 17.0:
        return None
    return plank_points(sag_deg=20 * (ramp(t, SAG_ON, SAG_ON + 0.3) - ramp(t, SAG_OFF, SAG_OFF + 0.3)))


def write_recording(path, points_at, duration_s, noise_px=0.5):
    with RecordingWriter(path, RecordingHeader(W, H, FPS, "synthetic")) as w:
        for p in sequence(FPS, duration_s, points_at, noise_px=noise_px):
            w.write(p)
    return path


@pytest.fixture
def sag_recording(tmp_path):
    return write_recording(tmp_path / "sag.jsonl", sag_plank, 24.0)


def lines_of(out, kind):
    return [ln for ln in out.splitlines() if f" {kind} " in ln[:20]]


def t_of(line):
    return float(line.split(" s ")[0])


def test_headless_prints_the_sag_cue_at_its_time_and_the_timer_pauses(sag_recording, tmp_path, capsys):
    out_json = tmp_path / "live.json"
    code = run(["live", "-e", "plank", "--source", str(sag_recording), "--headless", "--no-voice", "--no-drop",
                "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 0, out
    cues = lines_of(out, "cue")
    assert len(cues) == 1 and "Hips are sagging: lift them" in cues[0]
    # Debounce 0.3 s after the sag passes 8 deg (ramp 0 -> 20 over 5.0-5.3 s: 8 deg at 5.12 s).
    assert 5.3 <= t_of(cues[0]) <= 5.7
    states = lines_of(out, "state")
    paused = [ln for ln in states if "fault (hips sagging)" in ln]
    assert paused and "timer paused at" in paused[0] and t_of(paused[0]) == t_of(cues[0])
    held_at = float(paused[0].split("timer paused at ")[1].split(" s")[0])
    resumed = [ln for ln in states if "timer running from" in ln and t_of(ln) > t_of(cues[0])]
    # The timer did not count the sag: it resumes from (about) where it paused.
    assert float(resumed[0].split("running from ")[1].split(" s")[0]) == pytest.approx(held_at, abs=0.8)
    assert "Set 1 started" in out and "Set 2 started after 3 s of rest" in out
    assert "Session summary: Plank, 2 sets (end of input)" in out
    assert "hips sagging: 1.9 s; cued at 5.5 s" in out
    assert json.loads(out_json.read_text())["schema"] == "posecheck.report/1"


def test_live_report_is_the_score_report_on_the_same_frames(sag_recording, tmp_path, capsys):
    live_json, score_json = tmp_path / "live.json", tmp_path / "score.json"
    assert run(["live", "-e", "plank", "--source", str(sag_recording), "--headless", "--no-voice",
                "--no-drop", "--json", str(live_json)]) == 0
    assert run(["score", str(sag_recording), "-e", "plank", "--json", str(score_json)]) == 0
    live, score = json.loads(live_json.read_text()), json.loads(score_json.read_text())
    for key in ("frames", "cues", "holds", "reps", "sets", "summary", "exercise", "schema"):
        assert live[key] == score[key], key


def test_paced_replay_plays_in_real_time_and_judges_alike(tmp_path):
    rec = write_recording(tmp_path / "short.jsonl", lambda t: standing_points() if t < 0.5 else
                          plank_points(sag_deg=20 * ramp(t, 1.5, 1.6)), 3.0)
    spec = load_spec("plank")
    with open_live_frames(rec, realtime=True) as frames:
        assert frames.pace and frames.drop
        res = run_live(spec, frames)
    # A replay is judged far faster than it plays: it is the player that sets the pace, nothing is lost.
    assert res.stats.frames + res.stats.dropped == res.stats.delivered == 90
    assert [c.fault for c in res.report.cues] == ["hips_sagging"]


def test_sets_rest_and_encouragement_at_the_target():
    spec = load_spec("plank")
    info = SourceInfo("synthetic", "recording", W, H, FPS, None)

    def pts(t):
        if t < 1.0 or 27.0 <= t < 31.0:
            return standing_points()
        return plank_points(sag_deg=1.0)
    session, coach, guide = Session(spec, info), Coach(spec), FramingGuide(W, H)
    events = []
    for p in sequence(FPS, 36.0, pts, noise_px=0.5):
        events += coach.update(session.step(p), guide.update(p))
    texts = [(e.kind, e.text) for e in events]
    assert ("target", "20 s: well done") in texts
    timers = [t for k, t in texts if k == "timer"]
    assert timers[:3] == ["5 s of good form", "10 s of good form", "15 s of good form"]
    assert "25 s: past the 20 s target" in timers  # it keeps counting past the target
    sets = [t for k, t in texts if k == "set"]
    assert sets[0].startswith("Set 1 started") and sets[1].startswith("Set 1 ended")
    assert sets[2].startswith("Set 2 started after 4 s of rest")
    assert coach.phase == "set"
    target = next(e for e in events if e.kind == "target")
    assert target.t_s == next(f.t_s for f in session.frames if f.hold_good_s >= 20.0)


def test_setup_is_never_a_fault_nor_timed_and_guidance_explains_it(tmp_path, capsys):
    # Standing facing the camera (shoulders wide apart), then feet cut off, then a plank.
    def facing(t):
        pts = standing_points()
        p = pose_from_points(t, pts)
        xyz = p.xyz.copy()
        xyz[12] = xyz[11] + (90 / W, 0, 0)  # right shoulder 90 px away: a frontal view
        xyz[24] = xyz[23] + (70 / W, 0, 0)
        return Pose(t, xyz, p.visibility)

    def feet_cut_off(t):
        # As MediaPipe reports a foot past the edge: placed beyond the frame, with low visibility.
        p = pose_from_points(t, plank_points())
        xyz, vis = p.xyz.copy(), p.visibility.copy()
        xyz[[27, 28], 0] = -0.05
        vis[[27, 28]] = 0.1
        return Pose(t, xyz, vis)
    poses = [facing(i / FPS) for i in range(60)]
    poses += [feet_cut_off(2 + i / FPS) for i in range(60)]
    poses += [pose_from_points(4 + i / FPS, plank_points()) for i in range(60)]
    rec = tmp_path / "setup.jsonl"
    with RecordingWriter(rec, RecordingHeader(W, H, FPS, "synthetic")) as w:
        for p in poses:
            w.write(p)
    assert run(["live", "-e", "plank", "--source", str(rec), "--headless", "--no-voice", "--no-drop"]) == 0
    out = capsys.readouterr().out
    guides = [ln for ln in lines_of(out, "guide")]
    assert "Turn sideways to the camera" in guides[0] and t_of(guides[0]) == pytest.approx(0.5, abs=0.05)
    assert any("your feet are out of view" in g and 2.4 <= t_of(g) <= 2.6 for g in guides)
    assert not lines_of(out, "cue") and "no form faults" in out
    set_start = lines_of(out, "set")[0]
    # Judged (and timed) only once in position: nothing is announced before, whatever the set is dated from.
    assert t_of(set_start) >= 4.0
    assert all(t_of(ln) >= t_of(set_start) for ln in lines_of(out, "timer") + lines_of(out, "state")
               if "timer" in ln)


def test_quit_key_reset_key_and_pause(sag_recording):
    spec = load_spec("plank")
    # r at frame 300 (10 s, in the middle of set 1), space at 400 then resume, q at 500.
    display = FrameCollector(keys={300: ord("r"), 400: ord(" "), 500: ord("q")}, poll_keys=[None, ord(" ")],
                             keep_every=0)
    with open_live_frames(sag_recording, realtime=False) as frames:
        res = run_live(spec, frames, display=display)
    assert res.ended_by == "quit" and res.sets_reset == 1
    r = res.report
    # 500 pictures shown, one of which was the "PAUSED" picture: 499 frames judged.
    assert r.source.frames == 499 and len(r.frames) == 499
    assert r.sets[0].reset is True and r.to_dict()["sets"][0]["reset"] is True
    assert r.sets[1].start_s == pytest.approx(10.0, abs=0.05)  # the new set starts where it was reset
    kinds = [e.kind for e in res.events]
    assert "reset" in kinds and kinds.count("pause") == 2
    lines = summary_lines(res, spec)
    assert any("Set 1 [reset]" in ln for ln in lines)


def test_ctrl_c_ends_the_session_with_its_summary_and_report(sag_recording):
    spec = load_spec("plank")

    def on_event(ev):
        if ev.kind == "cue":
            raise KeyboardInterrupt
    with open_live_frames(sag_recording, realtime=False) as frames:
        res = run_live(spec, frames, on_event=on_event)
    assert res.ended_by == "interrupted"
    assert res.report.partial and 150 < res.report.source.frames < 200
    assert res.report.summary.good_hold_s > 3.0


def test_a_camera_that_stops_delivering_ends_the_session_cleanly():
    release = threading.Event()

    def camera():
        for i in range(45):
            yield pose_from_points(i / FPS, plank_points())
        release.wait(1.0)  # the camera hangs (longer than stall_s): no more frames, no error
    info = SourceInfo("camera:9", "camera", W, H, FPS, None)
    reader = NewestFrameReader(camera(), info, pace=False, drop=False)

    class NoModel:  # the "camera" delivers poses already: the model must not be asked
        name = "none"

        def estimate(self, frame):
            raise AssertionError("the model ran on a pose")
    try:
        res = run_live(load_spec("plank"), reader, stall_s=0.4, estimator=NoModel(), warm_up=False)
    finally:
        release.set()
    assert res.ended_by == "camera stopped"
    assert res.report.source.frames == 45 and res.report.sets


def test_no_camera_is_one_line_naming_what_was_tried(capsys):
    code = run(["live", "-e", "plank", "--camera", "7", "--headless", "--no-voice"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "camera at index 7" in err and "--camera" in err, err


@pytest.mark.parametrize("args, message", [
    (["--camera", "0", "--source", "x.mp4"], "not both"),
    (["--no-drop"], "--no-drop is for --source"),
    (["--source", "{missing}"], "no such file"),
])
def test_bad_options_are_one_line_errors(tmp_path, capsys, args, message):
    args = [a.format(missing=tmp_path / "missing.mp4") for a in args]
    assert run(["live", "-e", "plank", "--headless", "--no-voice", *args]) == 2
    assert message in capsys.readouterr().err


def test_newest_frame_reader_hands_out_only_the_newest_and_counts_drops():
    items = [Frame(np.zeros((2, 2, 3), np.uint8), i / FPS, i) for i in range(200)]
    reader = NewestFrameReader(iter(items), SourceInfo("x", "video", 2, 2, FPS, 200), pace=False, drop=True)
    taken = []
    with reader:
        while (a := reader.get(timeout=5)) is not None:
            taken.append(a.item.index)
            time.sleep(0.01)  # a slow judge: the reader keeps going meanwhile
    assert taken == sorted(taken) and taken[-1] == 199
    assert reader.dropped > 0 and reader.taken + reader.dropped == reader.delivered == 200


def test_newest_frame_reader_without_drop_delivers_every_frame_in_order():
    items = [Frame(np.zeros((2, 2, 3), np.uint8), i / FPS, i) for i in range(100)]
    with NewestFrameReader(iter(items), SourceInfo("x", "video", 2, 2, FPS, 100), drop=False) as reader:
        taken = []
        while (a := reader.get(timeout=5)) is not None:
            taken.append(a.item.index)
    assert taken == list(range(100)) and reader.dropped == 0


def test_a_paused_camera_sees_continuous_time():
    """Frames that arrive while paused are not judged, and later ones are shifted back by the pause."""
    gate = threading.Semaphore(0)
    now = [0.0]
    asked = [0]

    def camera():
        for i in range(10):
            asked[0] = i  # the reader is done with every frame before this one
            gate.acquire()
            now[0] = float(i)  # the camera's clock and the reader's agree: one frame per second
            yield Pose.absent(float(i))
    info = SourceInfo("camera:0", "camera", W, H, 1.0, None)
    with NewestFrameReader(camera(), info, drop=True, clock=lambda: now[0]) as r:
        gate.release()
        assert r.get(timeout=2).t_s == 0.0
        r.pause()  # at 0 s
        for _ in range(3):  # frames 1, 2, 3 arrive while paused
            gate.release()
        deadline = time.monotonic() + 5
        while asked[0] < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        r.resume()  # at 3 s: paused for 3 s
        gate.release()
        a = r.get(timeout=2)
        for _ in range(10):
            gate.release()  # let the camera run out
        assert a.t_s == pytest.approx(4.0 - 3.0)
        assert r.delivered == 2  # the paused frames were never handed out


def test_event_lines_are_time_then_kind_then_text():
    assert format_event(LiveEvent(5.5, "cue", "Hips are sagging: lift them")) == \
        "    5.50 s  cue     Hips are sagging: lift them"


# --- drawing, on frames (no display) ---------------------------------------------------------------------


def test_window_frames_show_state_colour_cue_guidance_and_timer(sag_recording):
    spec = load_spec("plank")
    display = FrameCollector()
    with open_live_frames(sag_recording, realtime=False) as frames:
        res = run_live(spec, frames, display=display)
    images, frames_ = display.images, res.report.frames
    assert len(images) == len(frames_) == 720
    assert images[0].shape == (H, W, 3)

    def at(t):
        i = min(range(len(frames_)), key=lambda k: abs(frames_[k].t_s - t))
        return images[i], frames_[i]
    # The bar across the top is the state's colour.
    for t, state in ((0.7, "setup"), (3.0, "good"), (6.0, "fault"), (15.5, "absent")):
        img, fr = at(t)
        assert fr.state == state
        assert tuple(int(v) for v in img[5, W // 2]) == STATE_COLORS[state], (t, state)
    # The sag cue on its red box under the state bar, in letters 1/12 of the picture's height, while the sag
    # lasts (the top of the picture: a floor exercise leaves it free).
    cue_bg = np.array((30, 30, 160))
    img, _ = at(6.0)
    box = np.argwhere((np.abs(img.astype(int) - cue_bg).sum(axis=2) == 0))
    assert len(box) > 3000 and box[:, 0].max() < H // 2
    (y0, x0), (y1, x1) = box.min(axis=0), box.max(axis=0)
    rows = np.flatnonzero((img[y0:y1 + 1, x0:x1 + 1].min(axis=2) > 200).any(axis=1))
    assert max(len(r) for r in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)) >= H / 12 * 0.9
    img, _ = at(3.0)
    assert (np.abs(img.astype(int) - cue_bg).sum(axis=2) == 0).sum() == 0
    # Absent: the guidance (amber box) says so.
    img, _ = at(15.5)
    assert (np.abs(img.astype(int) - np.array((0, 200, 255))).sum(axis=2) == 0).sum() > 2000
    # The timer's strip along the bar's bottom edge grows with the good-form time.
    img_a, _ = at(3.0)
    img_b, _ = at(12.0)

    def bar_len(img):
        return int((img[H // 8 - 1].min(axis=1) == 255).sum())
    assert bar_len(img_b) > bar_len(img_a) > 0


def test_a_file_is_not_mirrored_and_developer_figures_wait_for_stats(sag_recording):
    spec = load_spec("plank")
    shown = {}
    for kw in ({}, {"mirror": False}, {"stats": True}):
        display = FrameCollector()
        with open_live_frames(sag_recording, realtime=False) as frames:
            run_live(spec, frames, display=display, max_s=3.0, **kw)
        shown[str(kw)] = display.images[-1]
    assert np.array_equal(shown["{}"], shown["{'mirror': False}"])
    # --stats adds the figures along the bottom edge, and only there.
    diff = np.abs(shown["{}"].astype(int) - shown["{'stats': True}"].astype(int)).sum(axis=2) > 0
    assert diff[H - H // 8:].any() and not diff[:H - H // 8].any()


def test_the_image_is_mirrored_like_a_mirror(sag_recording):
    spec = load_spec("plank")
    shown = {}
    for mirror in (False, True):
        display = FrameCollector()
        with open_live_frames(sag_recording, realtime=False) as frames:
            run_live(spec, frames, display=display, mirror=mirror, max_s=3.0)
        shown[mirror] = display.images[-1]
    # The skeleton's head end (facing +x in the recording) is on the right as filmed, on the left mirrored.
    def arm_x(img):
        # The supporting arm is the one vertical bone: the column with the most skeleton pixels.
        mask = (np.abs(img[150:420].astype(int) - np.array(STATE_COLORS["good"])).sum(axis=2) < 30)
        return int(mask.sum(axis=0).argmax())
    shoulder_x = plank_points()["shoulder"][0]
    assert arm_x(shown[False]) == pytest.approx(shoulder_x, abs=4)
    assert arm_x(shown[True]) == pytest.approx(W - shoulder_x, abs=4)


def test_ctrl_c_from_the_terminal_prints_the_summary_and_writes_the_report(sag_recording, tmp_path):
    import signal
    import subprocess
    import sys
    out_json = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "posecheck", "live", "-e", "plank", "--source",
                             str(sag_recording), "--headless", "--no-voice", "--json", str(out_json)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until it is judging (the first line of events), then press Ctrl-C.
    first = proc.stdout.readline() + proc.stdout.readline()
    assert "live: plank" in first
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err  # 128 + SIGINT: the session was stopped, as a shell expects to hear
    assert "Session summary: Plank" in out and "(interrupted)" in out and "Traceback" not in err
    report = json.loads(out_json.read_text())
    assert report["partial"] is True and 0 < report["source"]["frames"] < 720


def test_a_session_that_keeps_no_frames_hands_each_to_on_frame_and_counts_them(sag_recording):
    spec = load_spec("plank")
    with open_live_frames(sag_recording, realtime=False) as frames:
        kept = run_live(spec, frames)
    got = []
    with open_live_frames(sag_recording, realtime=False) as frames:
        lean = run_live(spec, frames, keep_frames=False, on_frame=got.append)
    assert lean.report.frames == [] and lean.report.source.frames == len(kept.report.frames) == len(got)
    assert [f.state for f in got] == [f.state for f in kept.report.frames]
    assert lean.report.cues == kept.report.cues and lean.report.summary == kept.report.summary


def test_live_figures_per_frame_stay_bounded():
    from posecheck.live.stats import STATS_KEPT, LiveStats
    st = LiveStats()
    for i in range(3 * STATS_KEPT):
        st.add({"judge": 0.001 * (i % 7)}, float(i))
    assert len(st.stage_ms["judge"]) < STATS_KEPT and st.frames == 3 * STATS_KEPT
    assert abs(st.mean_ms()["judge"] - 3.0) < 0.1


def test_a_window_on_an_x_display_that_does_not_answer_is_one_error_line(sag_recording, monkeypatch, capsys):
    """Qt aborts the whole process when it cannot reach the display, and native stderr is kept quiet: without
    asking first, `live` on a stale DISPLAY (an ssh session without -X) would vanish without a word."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":4093")
    assert x_display_unreachable(":4093")
    code = run(["live", "-e", "plank", "--source", str(sag_recording), "--no-voice"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("Error: cannot reach the X display :4093") and "--headless" in err


def test_an_x_display_is_reachable_when_something_listens_where_a_client_looks():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:  # a local display: its abstract socket
        s.bind("\0/tmp/.X11-unix/X4094")
        s.listen(1)
        assert not x_display_unreachable(":4094") and not x_display_unreachable("unix:4094.0")
    assert x_display_unreachable(":4094")
    with socket.socket() as s:  # a forwarded display (ssh -X): TCP port 6000 + its number
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        n = s.getsockname()[1] - 6000
        assert not x_display_unreachable(f"localhost:{n}.0")
    assert not x_display_unreachable("wayland-0")  # not an X display name: not ours to refuse
