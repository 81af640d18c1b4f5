"""The interactive tuner: the recompute behind each slider, the local server, and the page driven in a real
headless Chromium (mouse drags on a slider, a click on Save) over the DevTools protocol."""

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from synth import H, W, plank_points, ramp, sequence, standing_points

from posecheck.core.specs import BUNDLED_SPECS_DIR, load_spec, load_spec_file
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.tuning.explore import load_clip
from posecheck.tuning.tuner import TunerApp, make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
SAG_KEY = "checks:hips_sagging:max_deg"


@pytest.fixture
def sag_clip(tmp_path):
    """Stand 1 s, plank, and from 4 s sag to 7 deg: the bundled 8 deg bound lets it through."""
    def pts(t):
        return standing_points() if t < 1.0 else plank_points(sag_deg=7.0 * ramp(t, 4.0, 5.0))
    path = tmp_path / "sag8.jsonl"
    with RecordingWriter(path, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, 10, pts, noise_px=0.6, seed=4):
            w.write(p)
    return load_clip(str(path))


@pytest.fixture
def app(sag_clip, tmp_path):
    return TunerApp(sag_clip, load_spec("plank"), tmp_path / "my_plank.toml", name="my_plank")


def test_moving_a_threshold_changes_states_faults_and_cues(app):
    before = app.evaluate({})
    assert "f" not in before["states"] and before["cues"] == []
    after = app.evaluate({SAG_KEY: 5.0})
    first_fault = after["states"].index("f")
    assert 4.0 < app.clip.poses[first_fault].t_s < 6.0  # the sag crosses 5 deg during its ramp
    assert after["faults"]["hips_sagging"] and after["cues"][0]["text"] == "Hips are sagging: lift them"
    assert after["summary"]["fault_s"]["hips_sagging"] > 4.0
    assert after["elapsed_ms"] > 0 and after["frames"] == 300


def test_crossing_bounds_is_an_error_not_a_crash(app):
    res = app.evaluate({"checks:hands_not_under_shoulders:min_deg": 20.0})
    assert "greater than max_deg" in res["error"]


def test_save_writes_the_spec_with_the_slider_values_and_the_original_comments(app):
    res = app.save({SAG_KEY: 5.5, "position:1:min_deg": 140.0})
    assert res["changed"] == 2
    spec = load_spec_file(app.out)
    assert spec.name == "my_plank" and spec.checks[0].max_deg == 5.5
    assert spec.position.require[1].min_deg == 140.0
    text = app.out.read_text()
    for line in (BUNDLED_SPECS_DIR / "plank.toml").read_text().splitlines():
        if "#" in line:
            assert line[line.index("#"):] in text
    assert "# posecheck tune --interactive: was 8" in text


@pytest.fixture
def server(app):
    srv, url = make_server(app, 0)
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    th.start()
    yield url
    srv.shutdown()
    srv.server_close()


def _post(url, body, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **({"X-Token": token} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_server_listens_on_loopback_only_and_needs_the_token(server):
    assert server.startswith("http://127.0.0.1:")
    base, token = server.split("/?t=")
    with urllib.request.urlopen(base + "/", timeout=10) as r:
        page = r.read().decode()
    assert "<script" in page and "src=" not in page and "http" not in page.split("<script>")[1]  # no outside assets
    assert _post(base + "/api/evaluate", {"values": {}})[0] == 403
    status, res = _post(base + "/api/evaluate", {"values": {SAG_KEY: 5}}, token)
    assert status == 200 and "f" in res["states"]
    assert _post(base + "/api/evaluate", {"values": {"checks:nope:max_deg": 1}}, token)[0] == 400


# --- a real browser ---------------------------------------------------------------------------------------

class Chrome:
    """Headless Chromium over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON): the DevTools
    protocol with the standard library alone."""

    def __init__(self, width=1400, height=900):
        self.profile = tempfile.mkdtemp(prefix="posecheck-chrome-")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def wire():  # in the child: the protocol's fixed descriptors
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._id = 0
        self._replies: dict = {}
        self._q: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.session = None

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self._from_r, 1 << 16)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self._q.put(json.loads(msg))

    def send(self, method, params=None, timeout=30, session=True):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while True:
            if self._id in self._replies:
                reply = self._replies.pop(self._id)
                break
            m = self._q.get(timeout=max(end - time.monotonic(), 0.01))
            if "id" in m:
                self._replies[m["id"]] = m
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def open(self, url):
        target = self.send("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]

    def js(self, expr):
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait(self, expr, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = self.js(f"(() => {{ try {{ return {expr}; }} catch (e) {{ return false; }} }})()")  # page loading
            if v:
                return v
            time.sleep(0.05)
        raise TimeoutError(expr)

    def mouse(self, kind, x, y):
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def click(self, selector):
        r = self.js(f"(() => {{ const b = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                    " return [b.x + b.width / 2, b.y + b.height / 2]; })()")
        self.mouse("mousePressed", *r)
        self.mouse("mouseReleased", *r)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium; .ci/run installs it)")
def test_dragging_a_slider_in_a_real_browser_recomputes_the_verdict_and_save_writes_the_spec(app, server, tmp_path):
    chrome = Chrome()
    try:
        chrome.open(server)
        chrome.wait("document.body.dataset.ready === '1'")
        assert chrome.js("R.states.includes('f')") is False
        assert "Good form" in chrome.js("document.getElementById('verdict').textContent")
        sel = f".slider[data-key='{SAG_KEY}'] input"
        # Drag the hips_sagging thumb from 8 deg down to about 5 deg, as a user would with the mouse.
        lo, hi, x0, y, w = chrome.js(
            f"(() => {{ const i = document.querySelector(\"{sel}\"); const b = i.getBoundingClientRect();"
            " return [Number(i.min), Number(i.max), b.x, b.y + b.height / 2, b.width]; })()")

        def x_of(v):  # the thumb's centre travels the track minus its own width (~16 px)
            return x0 + 8 + (v - lo) / (hi - lo) * (w - 16)

        n0 = int(chrome.js("document.body.dataset.evaluations"))
        chrome.mouse("mousePressed", x_of(8.0), y)
        for v in (7.0, 6.0, 5.0, 4.5):
            chrome.mouse("mouseMoved", x_of(v), y)
            time.sleep(0.05)
        chrome.mouse("mouseReleased", x_of(4.5), y)
        value = float(chrome.js(f"document.querySelector(\"{sel}\").value"))
        assert 4.0 <= value <= 6.0
        chrome.wait(f"Number(document.body.dataset.evaluations) > {n0} && !inflight && !queued")
        chrome.wait(f"Math.abs(values['{SAG_KEY}'] - {value}) < 1e-9")
        time.sleep(0.3)
        chrome.wait("!inflight && !queued")
        assert chrome.js("R.states.includes('f')") is True
        assert "hips_sagging" in chrome.js("document.getElementById('verdict').textContent")
        timing = chrome.js("document.getElementById('timing').textContent")
        assert timing.startswith("recomputed 300 frames in ")
        # The frame shown when a fault is on: its state badge and its cue.
        chrome.js("seek(R.states.lastIndexOf('f'))")
        assert chrome.js("document.getElementById('state').textContent") == "fault"
        assert "hips_sagging" in chrome.js("document.getElementById('active').textContent")
        chrome.screenshot(tmp_path / "tuner.png")
        if os.environ.get("POSECHECK_SHOTS"):  # keep the screenshot to look at
            shutil.copy(tmp_path / "tuner.png", os.environ["POSECHECK_SHOTS"])
        chrome.click("#save")
        chrome.wait("document.getElementById('status').textContent.startsWith('saved')")
        spec = load_spec_file(app.out)
        assert spec.checks[0].max_deg == value
        assert (tmp_path / "tuner.png").stat().st_size > 30000
    finally:
        chrome.close()


def test_rep_thresholds_have_sliders_too(tmp_path):
    """A bridge has no checks, only reps: moving the peak a rep must reach down to theirs turns half-height reps
    good."""
    from synth import bridge_points

    def bridge(t, top):  # from rest (pelvis down): up over 1.5 s, held 2.5 s, down over 1.5 s
        c = t % 7.0 - 1.0
        lift = 0.0 if c < 0 else c / 1.5 if c < 1.5 else 1.0 if c < 4.0 else (5.5 - c) / 1.5 if c < 5.5 else 0.0
        return bridge_points(lift * top)

    path = tmp_path / "half_bridges.jsonl"
    with RecordingWriter(path, RecordingHeader(W, H, 30.0, "synthetic")) as w:
        for p in sequence(30.0, 14, lambda t: bridge(t, 0.6), noise_px=0.5, seed=2):
            w.write(p)
    app = TunerApp(load_clip(str(path)), load_spec("bridge"), tmp_path / "b.toml")
    keys = {t.key for t in app.thresholds}
    assert {"reps::start_deg", "reps::peak_deg", "tempo::min_phase_s"} <= keys
    before = app.evaluate({})
    assert before["summary"]["reps"] == 2 and all(not r["good"] for r in before["reps"])
    top = app.series.values["hip_sag"].min()  # the hips' highest: hip_sag falls as they rise
    after = app.evaluate({"reps::peak_deg": float(top) + 3.0})
    assert after["summary"]["reps"] == 2 and all(r["good"] for r in after["reps"])
    app.save({"reps::peak_deg": 22.0})
    assert load_spec_file(app.out).reps.peak_deg == 22.0
    assert "# posecheck tune --interactive: was 17" in app.out.read_text()


def test_the_command_prints_the_address_serves_the_page_and_stops_on_ctrl_c(sag_clip, tmp_path):
    import signal
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "posecheck", "tune", "-e", "plank", "--interactive",
                             sag_clip.info.path, "--no-browser", "-o", str(tmp_path / "t.toml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("Tuning plank on sag8.jsonl (300 frames; one recompute takes ")
        url = proc.stdout.readline().split()[1]
        base, token = url.split("/?t=")
        with urllib.request.urlopen(urllib.request.Request(base + "/api/state", headers={"X-Token": token}),
                                    timeout=30) as r:
            state = json.loads(r.read())
        assert state["n"] == 300 and state["out"].endswith("t.toml") and not state["images"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Stopped." in out and "Traceback" not in err
