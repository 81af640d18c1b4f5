"""The routine's window on a real X server (Xvfb): the step, its target, the breath pacer, the next step and the
stop key beside the picture; S stops the session at once and the history says why."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from posecheck.history.db import History
from posecheck.routine.panel import PANEL_W, STOP_BAR
from posecheck.routine.session import STOPPED_ON_PAIN
from routine_clip import DATA
from test_live_window import SHOTS, on_screen, press, pytestmark, read_xwd, start_with_window  # noqa: F401 (the skip)
from test_live_window import xvfb  # noqa: F401 (the fixture)


def test_the_routine_window_shows_step_target_pacer_next_and_s_stops(xvfb, tmp_path):
    display, framebuffer = xvfb
    env = dict(os.environ, DISPLAY=display, PYTHONUNBUFFERED="1")
    # The cobra clip alone: back_quick's first step (cat/cow) is due, the person does the cobra (step 2): the
    # routine follows them to it, and the hold runs with its pacer; next comes the plank.
    log = tmp_path / "out.txt"

    def start():
        with open(log, "w") as out_file:
            return subprocess.Popen([sys.executable, "-m", "posecheck", "--debug", "routine", "back_quick",
                                     "--source", str(DATA / "cobra_hold_a.jsonl"), "--no-voice"], env=env,
                                    stdout=out_file, stderr=subprocess.PIPE, text=True)

    proc, win = start_with_window(start, env, "posecheck routine")
    try:
        drawn = on_screen(env, win, framebuffer)
        # Wait for the routine to follow the person to the cobra (a busy machine plays the file late), then let
        # the hold and its pacer run a moment: no fixed sleep from the start.
        deadline = time.monotonic() + 60
        while "Step 2 of 5: Cobra" not in log.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(1.0)
        shot = read_xwd(framebuffer)
        if SHOTS:
            import cv2
            cv2.imwrite(str(Path(SHOTS) / "routine_window.png"), shot)
        press(env, win, "s")
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = log.read_text()
    assert proc.returncode == 0, err
    assert "(stop key (stop on pain))" in out and "Stopped on pain" in out
    lit = np.argwhere(shot.sum(axis=2) > 0)
    (y0, x0), (y1, x1) = lit.min(axis=0), lit.max(axis=0)
    assert (x1 - x0 + 1, y1 - y0 + 1) == (640 + PANEL_W, 480), drawn  # the picture and the panel beside it
    panel = shot[y0:y1 + 1, x0 + 640:x1 + 1]
    stop_bar = (np.abs(panel.astype(int) - STOP_BAR).sum(axis=2) == 0).sum()
    assert stop_bar > PANEL_W * 30  # the stop key's bar
    with History.open() as h:
        (s,) = h.sessions()
    assert s.ended_by == STOPPED_ON_PAIN and [p.exercise for p in s.parts if not p.skipped] == ["cobra"]
