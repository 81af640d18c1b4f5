"""The live window on a real X server (Xvfb): it opens, draws the coaching overlay, and quits on `q`.

Needs Debian's xvfb and xdotool (.ci/run installs them); skipped with the reason when they are absent.
The screenshot is read from Xvfb's own framebuffer file (-fbdir, XWD format): no screenshot tool needed.
"""

import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_live import sag_plank, write_recording

from posecheck.render.annotators import STATE_COLORS

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
    reason="needs Xvfb and xdotool (apt install xvfb xdotool)")

SHOTS = os.environ.get("POSECHECK_SHOTS")  # a folder to keep the screenshot in, to look at it


def read_xwd(path: Path) -> np.ndarray:
    """A 24/32-bit TrueColor XWD image (what Xvfb -fbdir writes) as a BGR array."""
    data = path.read_bytes()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height = fields[0], fields[4], fields[5]
    byte_order, bpp, bytes_per_line, ncolors = fields[7], fields[11], fields[12], fields[19]
    assert bpp == 32, f"unexpected XWD depth {bpp}"
    offset = header_size + 12 * ncolors
    raw = np.frombuffer(data, np.uint8, count=bytes_per_line * height, offset=offset)
    px = raw.reshape(height, bytes_per_line)[:, :width * 4].reshape(height, width, 4)
    return (px[:, :, :3] if byte_order == 0 else px[:, :, 3:0:-1]).copy()  # LSBFirst: B, G, R, X


@pytest.fixture
def xvfb(tmp_path):
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1024x768x24", "-fbdir", str(fbdir),
                             "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        display = ":" + f.readline().strip()
    try:
        yield display, fbdir / "Xvfb_screen0"
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_window_shows_the_coaching_overlay_and_q_quits(xvfb, tmp_path):
    display, framebuffer = xvfb
    rec = write_recording(tmp_path / "sag.jsonl", sag_plank, 24.0)
    env = dict(os.environ, DISPLAY=display)
    proc = subprocess.Popen([sys.executable, "-m", "posecheck", "live", "-e", "plank", "--source", str(rec),
                             "--no-voice", "--json", str(tmp_path / "r.json")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        win = None
        deadline = time.monotonic() + 30
        while win is None and time.monotonic() < deadline and proc.poll() is None:
            found = subprocess.run(["xdotool", "search", "--name", "posecheck live"], env=env,
                                   capture_output=True, text=True).stdout.split()
            win = found[0] if found else None
            time.sleep(0.2)
        assert win is not None, proc.stderr.read() if proc.poll() is not None else "no window"
        time.sleep(5.6)  # into the sag: the cue is on screen from 5.5 s of the recording
        shot = read_xwd(framebuffer)
        if SHOTS:
            import cv2
            cv2.imwrite(str(Path(SHOTS) / "live_window.png"), shot)
        subprocess.run(["xdotool", "windowfocus", "--sync", win], env=env, check=True, timeout=10)
        subprocess.run(["xdotool", "key", "--window", win, "q"], env=env, check=True, timeout=10)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Session summary: Plank" in out and "(quit)" in out
    # The window holds the picture: 640x480, a state bar across its top (good green or fault red).
    bar = [c for c in (STATE_COLORS["good"], STATE_COLORS["fault"])
           if (np.abs(shot.astype(int) - c).sum(axis=2) == 0).sum() > 640 * 20]
    assert bar, "no state bar on screen"
    lit = np.argwhere(shot.sum(axis=2) > 0)
    (y0, x0), (y1, x1) = lit.min(axis=0), lit.max(axis=0)
    assert (x1 - x0 + 1, y1 - y0 + 1) == (640, 480)
    assert (tmp_path / "r.json").exists()
