"""The interactive tuner: `posecheck tune --interactive INPUT -e NAME`.

A small local web page (http.server on 127.0.0.1, a random port, no external assets) shows the clip with the
skeleton, a timeline of states, faults and cues, and a slider per threshold (each check's bounds and the
position's ranges). Moving a slider re-runs the evaluator over the cached poses (the model ran once, when
the tuner started) and redraws everything: `TunerApp.evaluate` is that recompute, and it reports how long it
took. Save writes the spec file: the original with the new numbers, comments kept (`tune.rewrite_spec_text`).

The page talks to the server with a per-session token, so that no other page in the browser can drive it.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField

from posecheck.core.events import State
from posecheck.core.geometry import SIDE_LANDMARKS, VISIBILITY_MIN
from posecheck.core.landmarks import Landmark
from posecheck.core.session import Session
from posecheck.core.specs import Spec
from posecheck.errors import PosecheckError, SpecError
from posecheck.io.atomic import atomic_write, check_not_input, check_writable
from posecheck.io.streams import open_poses
from posecheck.report.build import build_report
from posecheck.report.templating import STATE_FILL, render
from posecheck.tuning.explore import Clip, parse_input
from posecheck.tuning.tune import BoundChange, apply_bounds, rewrite_spec_text
from posecheck.words import STATE_WORDS

__all__ = ["Threshold", "TunerApp", "load_tuner_clip", "make_server", "serve", "tuner_page"]

STATE_CODES = {State.ABSENT: "a", State.SETUP: "s", State.GOOD: "g", State.FAULT: "f", State.UNKNOWN: "u"}  # the page's codes
MAX_IMAGE_W = 560  # frames are kept as JPEGs this wide: enough to see the pose, small enough to keep in memory
MAX_IMAGE_BYTES = 400_000_000  # beyond this the page shows the skeleton alone


@dataclass(frozen=True)
class Threshold:
    """One slider: a bound of a check or of a position requirement."""

    key: str  # "checks:<id>:<bound>", "position:<index>:<bound>", "reps::<field>" or "tempo::<field>"
    where: str
    ident: str
    bound: str
    measure: str  # "" for tempo limits, which are not angles
    label: str
    value: float
    lo: float
    hi: float
    unit: str = "\u00b0"
    step: float = 0.5

    def change(self, value: float) -> BoundChange:
        return BoundChange(self.where, self.ident, self.measure, self.bound, self.value, value, math.nan, math.nan,
                           "set with posecheck tune --interactive")


def _thresholds(spec: Spec, measures: dict) -> list[Threshold]:
    def span(m: str, v: float) -> tuple[float, float]:
        x = measures.get(m, np.array([]))
        x = x[np.isfinite(x)]
        lo = min(v, float(x.min())) if x.size else v
        hi = max(v, float(x.max())) if x.size else v
        limit = (0.0, 180.0) if m in ("elbow", "shoulder", "hip", "knee", "neck", "body_line") else (-180.0, 180.0)
        return max(limit[0], math.floor(lo - 20)), min(limit[1], math.ceil(hi + 20))

    out = []
    for c in spec.checks:
        for bound in ("min_deg", "max_deg"):
            v = getattr(c, bound)
            if v is not None:
                lo, hi = span(c.measure, v)
                out.append(Threshold(f"checks:{c.id}:{bound}", "checks", c.id, bound, c.measure,
                                     f"{c.id} {'min' if bound == 'min_deg' else 'max'}", v, lo, hi))
    if spec.reps is not None:
        r = spec.reps
        for field in ("start_deg", "peak_deg"):
            v = getattr(r, field)
            lo, hi = span(r.measure, v)
            out.append(Threshold(f"reps::{field}", "reps", "", field, r.measure, f"reps {field[:-4]}", v, lo, hi))
    if spec.tempo is not None:
        t = spec.tempo
        if t.max_speed_deg_s is not None:
            out.append(Threshold("tempo::max_speed_deg_s", "tempo", "", "max_speed_deg_s", "",
                                 "tempo max speed", t.max_speed_deg_s, 5.0, max(3 * t.max_speed_deg_s, 60.0),
                                 " deg/s", 1.0))
        if t.min_phase_s is not None:
            out.append(Threshold("tempo::min_phase_s", "tempo", "", "min_phase_s", "", "tempo min lift/lowering",
                                 t.min_phase_s, 0.1, max(3 * t.min_phase_s, 3.0), " s", 0.05))
        if t.min_half_s is not None:
            out.append(Threshold("tempo::min_half_s", "tempo", "", "min_half_s", "", "tempo min half-move",
                                 t.min_half_s, 0.1, max(3 * t.min_half_s, 3.0), " s", 0.1))
    for i, r in enumerate(spec.position.require):
        for bound in ("min_deg", "max_deg"):
            v = getattr(r, bound)
            if v is not None:
                lo, hi = span(r.measure, v)
                out.append(Threshold(f"position:{i}:{bound}", "position", str(i), bound, r.measure,
                                     f"position {r.measure} {'min' if bound == 'min_deg' else 'max'}", v, lo, hi))
    return out


def load_tuner_clip(text: str, *, model=None, model_complexity: int = 1, progress_factory=None,
                    keep_images: bool = True) -> tuple[Clip, list[bytes]]:
    """The poses of INPUT (the model runs once) and, for a video or photo, its frames as small JPEGs."""
    inp = parse_input(text)
    jpegs: list[bytes] = []
    total = 0
    bar = progress_factory(inp.path) if progress_factory else None
    try:
        with open_poses(inp.path, model=model, model_complexity=model_complexity) as stream:
            info = stream.info
            poses = []
            for i, (frame, pose) in enumerate(stream, 1):
                poses.append(pose)
                if keep_images and frame is not None and total < MAX_IMAGE_BYTES:
                    import cv2
                    img = frame.image
                    if img.shape[1] > MAX_IMAGE_W:
                        img = cv2.resize(img, (MAX_IMAGE_W, round(img.shape[0] * MAX_IMAGE_W / img.shape[1])),
                                         interpolation=cv2.INTER_AREA)
                    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 72])
                    jpegs.append(buf.tobytes() if ok else b"")
                    total += len(jpegs[-1])
                if bar is not None:
                    bar(i, pose.t_s)
    finally:
        if bar is not None:
            bar.close()
    if not poses:
        raise PosecheckError(f"{inp.path}: no frames")
    if len(jpegs) != len(poses):
        jpegs = []  # a recording, or too long to keep: the skeleton alone
    clip = Clip(inp, info, tuple(poses))
    if not clip.in_range().any():
        raise PosecheckError(f"{inp.label}: no frame in that time range (the input runs 0-{poses[-1].t_s:.2f} s)")
    if inp.start_s > 0 or inp.end_s != math.inf:
        keep = clip.in_range()
        clip = Clip(parse_input(inp.path), info, tuple(p for p, k in zip(poses, keep) if k))
        jpegs = [j for j, k in zip(jpegs, keep) if k] if jpegs else []
    return clip, jpegs


def _runs(flags: list[bool]) -> list[list[int]]:
    out, start = [], None
    for i, f in enumerate(flags + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            out.append([start, i - 1])
            start = None
    return out


class TunerApp:
    """Everything the page does, callable without a browser (and tested that way)."""

    def __init__(self, clip: Clip, spec: Spec, out: str | os.PathLike, name: str | None = None,
                 images: list[bytes] | None = None):
        self.clip, self.spec = clip, spec
        self.out, self.name = Path(out), name
        self.images = images or []
        series = clip.series(spec.smoothing)
        self.series = series
        self.thresholds = _thresholds(spec, series.values)
        self._by_key = {t.key: t for t in self.thresholds}
        self._lock = threading.Lock()  # one evaluation at a time: the page may fire faster than it runs
        self.last_elapsed_ms = math.nan

    # --- what the page loads once ---------------------------------------------------------------------
    def state(self) -> dict:
        info = self.clip.info
        measures = []
        for t in self.thresholds:
            if t.measure and t.measure not in measures:
                measures.append(t.measure)
        return {
            "exercise": self.spec.name, "title": self.spec.title, "clip": self.clip.label, "kind": info.kind,
            "width": info.width, "height": info.height, "fps": info.fps, "n": len(self.clip.poses),
            "t": [round(p.t_s, 4) for p in self.clip.poses], "images": bool(self.images),
            "points": self._points(), "out": str(self.out),
            "thresholds": [{"key": t.key, "label": t.label, "measure": t.measure, "value": t.value,
                            "lo": t.lo, "hi": t.hi, "where": t.where, "unit": t.unit, "step": t.step}
                           for t in self.thresholds],
            "measures": {m: [None if v != v else round(float(v), 2) for v in self.series.values[m]]
                         for m in measures},
            "fault_ids": self.spec.fault_ids, "target_s": self.spec.hold.target_s if self.spec.hold else None,
            "reps": self.spec.reps is not None,
        }

    def _points(self) -> list:
        """Per frame, the seen side's ear, shoulder, elbow, wrist, hip, knee, ankle and the nose, normalized
        (null where unseen): what the page draws the skeleton from."""
        out = []
        for pose, side in zip(self.clip.poses, self.series.side):
            if not pose.detected or side is None:
                out.append(None)
                continue
            idx = [int(i) for i in SIDE_LANDMARKS[side]] + [int(Landmark.NOSE)]
            pts = []
            for i in idx:
                v = 1.0 if pose.visibility is None else float(pose.visibility[i])
                x, y = float(pose.xyz[i, 0]), float(pose.xyz[i, 1])
                pts.append([round(x, 4), round(y, 4)] if v >= VISIBILITY_MIN and x == x and y == y else None)
            out.append(pts)
        return out

    # --- what a slider move does ----------------------------------------------------------------------
    def spec_for(self, values: dict) -> tuple[Spec, list[BoundChange]]:
        changes = []
        for key, v in values.items():
            t = self._by_key.get(key)
            if t is None:
                raise PosecheckError(f"unknown threshold {key!r}")
            v = float(v)
            if not math.isfinite(v):
                raise PosecheckError(f"{t.label}: not a number")
            changes.append(t.change(v))
        return apply_bounds(self.spec, changes), changes

    def evaluate(self, values: dict) -> dict:
        """Judge the whole clip again with these thresholds: per-frame states, fault runs, cues, summary."""
        try:
            spec, _ = self.spec_for(values)
        except SpecError as e:
            return {"error": str(e).split(": ", 1)[-1]}
        with self._lock:
            t0 = time.perf_counter()
            session = Session(spec, self.clip.info)
            steps = [session.step(p) for p in self.clip.poses]
            report = build_report(session)
            elapsed = (time.perf_counter() - t0) * 1000.0
        self.last_elapsed_ms = elapsed
        faults = {f: _runs([f in s.frame.faults for s in steps]) for f in spec.fault_ids}
        cues = [{"t_s": round(c.t_s, 3), "fault": c.fault, "text": c.text} for s in steps for c in s.cues]
        sm = report.summary
        return {
            "states": "".join(STATE_CODES.get(s.frame.state, "u") for s in steps),
            "faults": faults, "cues": cues, "hold": [round(s.frame.hold_good_s, 2) for s in steps],
            "summary": {"verdict": sm.verdict, "good_hold_s": sm.good_hold_s, "fault_s": sm.fault_s,
                        "reps": sm.reps, "good_reps": sm.good_reps, "state_s": sm.state_s,
                        "rep_faults": sm.rep_faults},
            "reps": [{"start": s0, "end": s1, "good": good, "faults": f}
                     for s0, s1, good, f in self._rep_frames(session, steps)],
            "elapsed_ms": round(elapsed, 1), "frames": len(steps),
        }

    def _rep_frames(self, session, steps):
        """Each rep as frame indexes (the page draws them on the timeline)."""
        t = np.array([s.frame.t_s for s in steps])
        for r in session.evaluator.reps:
            i0, i1 = np.searchsorted(t, [r.start_s - 1e-6, r.end_s - 1e-6])
            yield int(i0), int(min(i1, len(t) - 1)), r.good, list(r.faults)

    def save(self, values: dict) -> dict:
        spec, changes = self.spec_for(values)
        text = rewrite_spec_text(self.spec, changes, self.name, note="posecheck tune --interactive")
        with atomic_write(self.out) as f:
            f.write(text)
        moved = sum(1 for c in changes if c.changed)
        return {"saved": str(self.out), "changed": moved}

    def image(self, i: int) -> bytes | None:
        return self.images[i] if 0 <= i < len(self.images) else None


def tuner_page(token: str) -> str:
    """The page (`templates/tuner.html.j2`), with this session's token and the shared state colours."""
    return render("tuner.html.j2", title="posecheck tune", token=token,
                  colours={code: STATE_FILL[state] for state, code in STATE_CODES.items()},
                  names={code: STATE_WORDS[state] for state, code in STATE_CODES.items()})


MAX_BODY_BYTES = 1 << 20  # a body of slider values is a few hundred bytes
SOCKET_TIMEOUT_S = 10.0  # a client that stops sending (a Content-Length larger than its body) is dropped
_HANGUPS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class ValuesBody(BaseModel):
    """The body of /api/evaluate and /api/save: threshold key -> a finite number."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)  # no "1" or true for 1

    values: dict[str, float] = PydanticField(default_factory=dict, max_length=1000)


def _body_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    return f"{where[:80]}: {err['msg'][:120]}"


class BadRequest(Exception):
    """A request the tuner refuses with a 400 and this message."""


def parse_values(raw: bytes) -> dict[str, float]:
    """The slider values of an API body, or BadRequest saying what is wrong with it."""
    try:
        data = json.loads(raw or b"{}")
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the body is not JSON ({str(e)[:80]})") from None
    try:
        return ValuesBody.model_validate(data).values
    except ValidationError as e:
        raise BadRequest(_body_error(e)) from None


def _handler(app: TunerApp, token: str):
    page = tuner_page(token)

    class Handler(BaseHTTPRequestHandler):
        server_version = "posecheck-tuner"
        timeout = SOCKET_TIMEOUT_S  # set on the socket by StreamRequestHandler.setup

        def log_message(self, format, *args):  # noqa: A002 - the page's polling would flood the terminal
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except _HANGUPS:
                self.close_connection = True  # the client went away: nothing to answer, nothing to print

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, obj, status: int = 200) -> None:
            self._send(status, json.dumps(obj, allow_nan=False).encode(), "application/json")

        def _host_ok(self) -> bool:
            """Only the names this server was opened under: a page on another site that points its own name
            at 127.0.0.1 (DNS rebinding) sends its own Host, and gets neither the page, its token nor data."""
            port = self.server.server_address[1]
            if self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}"):
                return True
            self._json({"error": "wrong Host: open the address posecheck printed"}, HTTPStatus.FORBIDDEN)
            return False

        def _authorised(self, query: dict) -> bool:
            got = self.headers.get("X-Token") or (query.get("t") or [""])[0]
            if not secrets.compare_digest(got.encode("utf-8", "replace"), token.encode()):
                self._json({"error": "bad token: reload the page from the address posecheck printed"},
                           HTTPStatus.FORBIDDEN)
                return False
            return True

        def do_GET(self):  # noqa: N802
            if not self._host_ok():
                return
            url = urlparse(self.path)
            q = parse_qs(url.query)
            if url.path in ("/", "/index.html"):
                self._send(200, page.encode(), "text/html; charset=utf-8")
            elif url.path == "/api/state":
                if self._authorised(q):
                    self._json(app.state())
            elif url.path.startswith("/frame/"):
                if not self._authorised(q):
                    return
                try:
                    img = app.image(int(url.path[len("/frame/"):].removesuffix(".jpg")))
                except ValueError:
                    img = None
                if img is None:
                    self._json({"error": "no such frame"}, HTTPStatus.NOT_FOUND)
                else:
                    self._send(200, img, "image/jpeg")
            else:
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

        def _read_body(self) -> bytes:
            try:
                n = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                raise BadRequest("Content-Length is not a number") from None
            if n < 0 or n > MAX_BODY_BYTES:
                raise BadRequest(f"the body must be 0 to {MAX_BODY_BYTES} bytes")
            body = self.rfile.read(n)  # the socket timeout ends a body that never comes
            if len(body) < n:
                raise BadRequest("the body is shorter than its Content-Length")
            return body

        def do_POST(self):  # noqa: N802
            if not self._host_ok():
                return
            url = urlparse(self.path)
            if not self._authorised(parse_qs(url.query)):
                return
            if url.path not in ("/api/evaluate", "/api/save"):
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
                return
            try:
                values = parse_values(self._read_body())
            except BadRequest as e:
                self.close_connection = True
                self._json({"error": f"bad request: {e}"}, HTTPStatus.BAD_REQUEST)
                return
            try:
                self._json(app.evaluate(values) if url.path == "/api/evaluate" else app.save(values))
            except PosecheckError as e:
                self._json({"error": str(e)[:300]}, HTTPStatus.BAD_REQUEST)
            except _HANGUPS:
                raise
            except Exception as e:  # a bug: the page says so, the server goes on
                self._json({"error": f"internal error: {type(e).__name__}: {str(e)[:200]}"},
                           HTTPStatus.INTERNAL_SERVER_ERROR)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up or times out is not news; anything else is one line, not a traceback."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, _HANGUPS):
            return
        print(f"posecheck tuner: request failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)


def make_server(app: TunerApp, port: int = 0, token: str | None = None) -> tuple[ThreadingHTTPServer, str]:
    """A server on 127.0.0.1 (never another interface); returns it and the page's address."""
    token = token or secrets.token_urlsafe(16)
    try:
        server = _Server(("127.0.0.1", port), _handler(app, token))
    except OverflowError:
        raise PosecheckError(f"--port {port}: a port is 0 to 65535") from None
    except OSError as e:
        raise PosecheckError(f"cannot listen on 127.0.0.1:{port} ({e.strerror}); try another --port, or 0 for any")
    return server, f"http://127.0.0.1:{server.server_address[1]}/?t={token}"


def serve(input_text: str, spec: Spec, *, out: str | None, name: str, port: int = 0, open_browser: bool = True,
          model=None, model_complexity: int = 1, progress_factory=None, echo=print) -> None:
    """Run the tuner until Ctrl-C."""
    out_path = out or f"{name}.toml"
    check_not_input([out_path], [parse_input(input_text).path])
    check_writable(out_path)
    clip, images = load_tuner_clip(input_text, model=model, model_complexity=model_complexity,
                                   progress_factory=progress_factory)
    app = TunerApp(clip, spec, out_path, name, images)
    first = app.evaluate({})
    server, url = make_server(app, port)
    echo(f"Tuning {spec.name} on {clip.label} ({len(clip.poses)} frames; one recompute takes "
         f"{first['elapsed_ms']:.0f} ms). Save writes {out_path}.")
    echo(f"Open {url}  (Ctrl-C to stop)")
    if open_browser:
        import webbrowser
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        echo("Stopped.")
    finally:
        server.server_close()
