"""Live coaching: judge a camera (or a file played as if it were one) frame by frame, and tell the person.

    import posecheck
    from posecheck.io.live_frames import open_live_frames
    from posecheck.live.coach import run_live
    spec = posecheck.load_spec("plank")
    with open_live_frames(source="sample_videos/plank_sag_a.mp4") as frames:   # or camera=0
        result = run_live(spec, frames, on_event=print)
    result.report            # the same `posecheck.report/1` as `posecheck score`
    result.stats.fps, result.stats.cue_latency_ms

The loop (one thread; frames are read on another, newest only):

    newest frame -> pose model -> Session.step (evaluator + cue scheduler) -> framing guide -> Coach
                 -> events (printed / spoken) -> Overlay -> window

It reuses the judging core unchanged, so a live session and `posecheck score` on the same frames judge
alike: same faults, cues and hold time. Time is the source's (a file's timestamps, a camera's clock), so a
frame dropped because the loop fell behind simply makes a longer step in time.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from posecheck import words
from posecheck.core.cues import CUE_SHOWN_S
from posecheck.core.detect import SURE_AFTER_S, Detection, detect_poses
from posecheck.core.evaluation import FrameResult
from posecheck.core.events import HoldTargetReached, RepCompleted, SetEnded, SetStarted
from posecheck.core.guidance import Framing, FramingGuide
from posecheck.core.landmarks import Pose
from posecheck.core.session import Session, Step
from posecheck.core.specs import Spec
from posecheck.errors import SourceError
from posecheck.io.estimators import PoseEstimator, create_estimator
from posecheck.io.frames import Frame
from posecheck.io.live_frames import NewestFrameReader, open_live_frames
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.live.display import Display, FrameCollector, WindowDisplay, fit_to_canvas
from posecheck.live.voice import Priority, Voice
from posecheck.render.annotators import HudAnnotator, Overlay
from posecheck.render.video import VideoWriter
from posecheck.report.build import build_report, verdict_of
from posecheck.report.model import Report, Summary, r3

__all__ = ["LiveEvent", "Coach", "LiveStats", "LiveResult", "run_live", "WindowDisplay", "FrameCollector",
           "Display", "summary_lines", "format_event", "open_live_frames", "merge_reports", "KEY_QUIT",
           "KEY_PAUSE", "KEY_RESET", "recognise_live"]

KEY_QUIT = (ord("q"), ord("Q"), 27)  # q, Esc
KEY_PAUSE = (ord(" "),)
KEY_RESET = (ord("r"), ord("R"))


@dataclass(frozen=True)
class LiveEvent:
    """Something the person is told or shown, at `t_s` of the source's clock.

    kind: cue | guide | state | timer | target | set | rest | rep | reset | pause | info
    """

    t_s: float
    kind: str
    text: str
    priority: int = Priority.INFO
    fault: str | None = None
    say: str | None = None  # shorter words for the voice ("3" for a rep); None: the text itself


def format_event(ev: LiveEvent) -> str:
    """One line of `--headless` output."""
    return f"{ev.t_s:8.2f} s  {ev.kind:<6}  {ev.text}"


# --- what to tell the person ------------------------------------------------------------------------------


class Coach:
    """Turns each judged step into what the person is told: cues, guidance, set and rest, timer milestones.

    Pure bookkeeping over `Step` and `Framing` (no I/O, no clock), so it is tested on recordings.
    - state changes are reported once the new state lasted `state_settle_s` (a one-frame `unknown` is not
      news), stamped with the time the state began; `fault` is reported at once (already debounced);
    - the hold timer is announced every `milestone_s` of good form, the target with "20 s: well done", and
      it keeps counting past the target;
    - a set ends when the person leaves the position (the evaluator says so); the rest is timed until the
      next set starts;
    - guidance is given while the person is not being judged (absent, setting up, or unknown), repeated
      every `guide_repeat_s` while it stands.
    """

    def __init__(self, spec: Spec, milestone_s: float = 5.0, state_settle_s: float = 0.3,
                 cue_show_s: float = CUE_SHOWN_S, guide_repeat_s: float = 10.0):
        self.spec = spec
        self.milestone_s, self.state_settle_s = milestone_s, state_settle_s
        self.cue_show_s, self.guide_repeat_s = cue_show_s, guide_repeat_s
        self.timed = spec.hold is not None and spec.hold.at == "position"
        self.target_s = spec.hold.target_s if spec.hold else None
        self.events: list[LiveEvent] = []
        self.phase = "setup"  # setup | set | rest
        self.set_no = 0
        self.rest_since: float | None = None
        self.last_rest_s: float | None = None
        self.cue: LiveEvent | None = None
        self._cue_since = 0.0
        self.framing: Framing | None = None
        self._reported_state: str | None = None
        self._candidate: tuple[str, float] | None = None
        self._next_milestone = milestone_s
        self._guide_said: tuple[str, float] | None = None
        self.frame: FrameResult | None = None

    def _emit(self, out: list, ev: LiveEvent) -> None:
        out.append(ev)
        self.events.append(ev)

    def update(self, step: Step, framing: Framing) -> list[LiveEvent]:
        fr = step.frame
        t = fr.t_s
        self.frame, self.framing = fr, framing
        out: list[LiveEvent] = []
        for ev in fr.events:
            if isinstance(ev, SetStarted):
                self.set_no += 1
                # The evaluator back-dates entering and leaving the position to when they began.
                rest_s = ev.start_s - self.rest_since if self.rest_since is not None else None
                if rest_s is not None:
                    self.last_rest_s = rest_s
                self.phase, self.rest_since = "set", None
                self._next_milestone = self.milestone_s
                text = words.set_started_text(self.set_no, rest_s, self.target_s if self.timed else None)
                say = words.seconds_spoken(words.set_started_text(self.set_no, rest_s, None))
                self._emit(out, LiveEvent(t, "set", text, Priority.INFO, say=say))
            elif isinstance(ev, SetEnded):
                self.phase, self.rest_since = "rest", ev.end_s
                self._emit(out, LiveEvent(t, "set", words.set_ended_text(self.set_no), Priority.INFO,
                                          say=f"Set {self.set_no} ended"))
            elif isinstance(ev, HoldTargetReached):
                text = words.hold_target_text(ev.target_s)
                self._emit(out, LiveEvent(t, "target", text, Priority.PRAISE, say=words.seconds_spoken(text)))
                self._next_milestone = ev.target_s + self.milestone_s
            elif isinstance(ev, RepCompleted):
                self._emit(out, LiveEvent(t, "rep", words.rep_text(ev, self.spec), Priority.INFO,
                                          say=words.spoken(ev, self.spec)))
        for cue in step.cues:
            ev = LiveEvent(cue.t_s, "cue", cue.text, Priority.MAJOR if cue.severity == "major" else Priority.MINOR,
                           cue.fault)
            self._emit(out, ev)
            self.cue, self._cue_since = ev, t
        # The cue stays up while its fault lasts, and at least cue_show_s (the rule of core.cues.cue_shown).
        if self.cue is not None and t - self._cue_since >= self.cue_show_s and self.cue.fault not in fr.faults:
            self.cue = None
        self._state(fr, out)
        if self.timed and fr.in_position:
            while fr.hold_good_s >= self._next_milestone:
                m = self._next_milestone
                say = words.seconds_spoken(f"{m:g} s")
                if self.target_s is None or m < self.target_s:
                    self._emit(out, LiveEvent(t, "timer", f"{m:g} s of good form", Priority.INFO, say=say))
                elif m > self.target_s:
                    self._emit(out, LiveEvent(t, "timer", f"{m:g} s: past the {self.target_s:g} s target",
                                              Priority.INFO, say=say))
                self._next_milestone = m + self.milestone_s
        if self.guidance is not None:
            msg = self.guidance
            if self._guide_said is None or self._guide_said[0] != msg or t - self._guide_said[1] >= self.guide_repeat_s:
                self._guide_said = (msg, t)
                self._emit(out, LiveEvent(t, "guide", msg, Priority.GUIDE))
        elif framing.ok:
            self._guide_said = None
        return out

    def _state(self, fr: FrameResult, out: list) -> None:
        state, t = fr.state, fr.t_s
        if state == self._reported_state:
            self._candidate = None
            return
        if self._candidate is None or self._candidate[0] != state:
            self._candidate = (state, t)
        since = self._candidate[1]
        if state != "fault" and t - since < self.state_settle_s:
            return
        self._candidate = None
        prev, self._reported_state = self._reported_state, state
        text = state
        if state == "fault":
            text = f"fault ({', '.join(fr.faults)})"
        if self.timed and fr.in_position:
            if state == "good":
                text += f": timer running from {fr.hold_good_s:.1f} s"
            elif prev == "good" or prev is None:
                text += f": timer paused at {fr.hold_good_s:.1f} s"
        # Dated when it is reported (it settled at `since`): the log stays in time order.
        self._emit(out, LiveEvent(t, "state", text, Priority.INFO))

    @property
    def guidance(self) -> str | None:
        """Camera advice worth showing now: only while the person is not being judged."""
        f, fr = self.framing, self.frame
        if f is None or f.ok or fr is None:
            return None
        if fr.state in ("good", "fault"):
            return None
        return f.message

    def banner(self, t_s: float) -> str | None:
        if self.phase == "rest" and self.rest_since is not None:
            rest = t_s - self.rest_since
            return f"Rest {int(rest // 60)}:{int(rest % 60):02d} - set {self.set_no} done, get ready for set {self.set_no + 1}"
        if self.phase == "setup" and self.guidance is None and self.frame is not None and not self.frame.in_position:
            return f"Get into position: {self.spec.title.lower()}"
        return None

    def hud_lines(self) -> list[str]:
        lines = []
        if self.set_no:
            lines.append(f"set {self.set_no}" + (" (resting)" if self.phase == "rest" else ""))
        f = self.framing
        if f is not None and not f.ok and self.guidance is None:
            lines.append(f"camera: {f.message}")
        return lines

    def reset(self, t_s: float) -> LiveEvent:
        self.phase, self.rest_since, self.cue = "setup", None, None
        self._next_milestone = self.milestone_s
        self._reported_state, self._candidate = None, None
        ev = LiveEvent(t_s, "reset", f"Set {self.set_no} reset: the timer starts again once you are in position",
                       Priority.INFO)
        self.events.append(ev)
        return ev


# --- measuring the loop -----------------------------------------------------------------------------------

STAGES = ("wait", "pose", "judge", "draw", "show")


STATS_KEPT = 20_000  # per-frame figures kept: ~11 minutes at 30 fps in full, then an evenly thinned sample


def _append_bounded(values: list[float], v: float) -> None:
    """Append, and when the list is full keep every other value: memory stays flat over an hour-long session,
    and means and percentiles come from an even sample of it (the newest values are always there)."""
    values.append(v)
    if len(values) >= STATS_KEPT:
        del values[::2]


@dataclass
class LiveStats:
    """Per-frame stage times (ms), frames in and dropped, and cue latency (ms) from the frame's arrival to the
    cue being shown (window) or printed / handed to the voice (headless)."""

    stage_ms: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    frames: int = 0
    dropped: int = 0
    delivered: int = 0
    wall_s: float = 0.0
    cue_latency_ms: list[float] = field(default_factory=list)
    # Every judged frame, from its arrival to its picture shown (or its events printed): the latency any cue
    # would have had on that frame.
    frame_latency_ms: list[float] = field(default_factory=list)
    _first: float | None = None
    _last: float | None = None
    _recent: list = field(default_factory=list)

    def add(self, times: dict[str, float], now: float) -> None:
        for k, v in times.items():
            _append_bounded(self.stage_ms[k], v * 1000.0)
        self.frames += 1
        if self._first is None:
            self._first = now
        self._last = now
        self._recent.append(now)
        while self._recent and now - self._recent[0] > 1.0:
            self._recent.pop(0)

    @property
    def fps(self) -> float:
        """Frames judged per second of wall time over the whole session."""
        if self._first is None or self._last is None or self.frames < 2 or self._last <= self._first:
            return math.nan
        return (self.frames - 1) / (self._last - self._first)

    @property
    def recent_fps(self) -> float:
        r = self._recent
        return (len(r) - 1) / (r[-1] - r[0]) if len(r) >= 2 and r[-1] > r[0] else math.nan

    def recent_ms(self, n: int = 30) -> dict[str, float]:
        return {k: float(np.mean(v[-n:])) for k, v in self.stage_ms.items() if v}

    def mean_ms(self) -> dict[str, float]:
        return {k: float(np.mean(v)) for k, v in self.stage_ms.items() if v}

    def text(self) -> str:
        ms = self.mean_ms()
        stages = ", ".join(f"{k} {v:.1f}" for k, v in ms.items())
        lat = (f"; cue latency median {np.median(self.cue_latency_ms):.0f} ms, max {max(self.cue_latency_ms):.0f} ms"
               if self.cue_latency_ms else "")
        return (f"{self.frames} frames judged ({self.dropped} of {self.delivered} dropped), {self.fps:.1f} FPS; "
                f"per frame (ms): {stages}{lat}")


class _VideoSaver:
    """The camera's frames, as seen, to a video (H.264 .mp4) on a writer thread: encoding must not slow the loop.

    Every frame keeps its own time (`VideoWriter` writes variable frame rate), so frames the loop dropped
    leave the gap they left, and `posecheck score` on the video judges what the live session judged.
    Written atomically; an error on the writer thread is raised here, on the next frame or at close."""

    def __init__(self, path, fps: float, width: int, height: int):
        self._writer = VideoWriter(path, width, height, fps)
        self._q: queue.Queue = queue.Queue(maxsize=120)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="posecheck-video", daemon=True)
        self._thread.start()

    def add(self, image: np.ndarray, t_s: float) -> None:
        if self._error is not None:
            raise self._error
        self._q.put((image, t_s))

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._writer.write(*item)
                except BaseException as e:  # handed to the loop's thread
                    self._error = e

    def close(self, ok: bool) -> None:
        self._q.put(None)
        self._thread.join()
        self._writer.close(commit=ok and self._error is None and self._writer.frames > 0)
        if ok and self._error is not None:
            raise self._error


class _PoseWorker:
    """Runs the pose model on its own thread, one frame ahead of the judge-and-draw thread.

    While the main thread judges, draws and shows frame N, the model already works on the newest frame
    after it: on 2 cores drawing (~3 ms) and showing (~4 ms) then cost no frame rate. One result waits at
    most (a 1-slot queue): when the main thread is slower, the model waits, then takes the newest frame.
    Every frame taken is judged, in order, so `drop=False` still judges every frame of a file.
    """

    END, STALLED = "end", "stalled"

    def __init__(self, frames: NewestFrameReader, est: PoseEstimator, stall_s: float):
        self.frames, self.est, self.stall_s = frames, est, stall_s
        self._q: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="posecheck-pose", daemon=True)
        self._thread.start()

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        last = time.monotonic()
        try:
            while not self._stop.is_set():
                try:
                    arrival = self.frames.get(timeout=0.1)
                except TimeoutError:
                    if self.frames.paused:
                        last = time.monotonic()  # a pause is not a camera that stopped
                    elif time.monotonic() - last > self.stall_s:
                        self._put(self.STALLED)
                        return
                    continue
                if arrival is None:
                    self._put(self.END)
                    return
                last = time.monotonic()
                t0 = time.perf_counter()
                item = arrival.item
                pose = item if isinstance(item, Pose) else self.est.estimate(item)
                self._put((arrival, pose, time.perf_counter() - t0))
        except BaseException as e:  # handed to the main thread, raised there
            self._put(e)

    def get(self):
        """(arrival, pose, pose_s), or END / STALLED; re-raises the worker's error."""
        while True:
            try:
                item = self._q.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)


# --- the loop ---------------------------------------------------------------------------------------------


@dataclass
class LiveResult:
    report: Report
    events: list[LiveEvent]
    stats: LiveStats
    ended_by: str  # "end of input" | "quit" | "interrupted" | "camera stopped"
    sets_reset: int = 0


def run_live(spec: Spec, frames: NewestFrameReader, *, estimator: PoseEstimator | None = None,
             model=None, model_complexity: int = 1, display: Display | None = None,
             voice: Voice | None = None, on_event: Callable[[LiveEvent], None] | None = None,
             record_path=None, video_path=None, mirror: bool | None = None, stats: bool = False,
             labels: str = "words", stall_s: float = 5.0, max_s: float | None = None, coach: Coach | None = None,
             warm_up: bool = True, pipeline: bool = True, keep_frames: bool = True,
             on_frame: Callable[[FrameResult], None] | None = None) -> LiveResult:
    """Coach one live session until the input ends, the person quits (q / Esc / closing the window), Ctrl-C,
    or the camera stops delivering frames for `stall_s`. Always returns the session's report.

    `frames` comes from `open_live_frames()`. Without a `display` nothing is drawn (headless). `estimator`
    defaults to the bundled model (not used for a landmark recording). `max_s` stops after that much source
    time (benchmarks). `pipeline` runs the model on its own thread, a frame ahead (see _PoseWorker).
    `mirror` flips the picture like a mirror; by default a camera's only (a file's captions must not read
    backwards). `stats` shows the developer figures (FPS, time per stage, the source's clock). `labels`:
    "words" ("hips 14 deg low") or "measures" (the measure names, for a coach).
    `keep_frames=False` keeps no per-frame results (the report's `frames` is empty; memory stays flat over
    hours): `on_frame` gets each one as the report has it, its state settled (up to `SHOWN_S` after it was
    judged; e.g. into a `report.stream.FrameSpool` for the JSON).
    """
    info = frames.info
    est = estimator
    own_estimator = False
    if est is None and info.kind != "recording":
        est = create_estimator(model, model_complexity)
        own_estimator = True
    est_name = est.name if est is not None else "recording"
    sessions = [Session(spec, info, est_name, keep_frames=keep_frames, on_final=on_frame)]
    reset_in_set: list[bool] = []
    coach = coach or Coach(spec)
    guide = FramingGuide(info.width, info.height)
    if mirror is None:
        mirror = info.kind == "camera"
    overlay = Overlay(spec, info.width, info.height, mirror=mirror, labels=labels) if display is not None else None
    canvas_size = getattr(display, "canvas_size", lambda: None)
    show_stats = stats
    stats = LiveStats()
    canvas = None
    recorder = writer = None
    ended_by = "end of input"
    ok = True
    paused = False
    last_image: np.ndarray | None = None
    clock = time.perf_counter

    told: list[LiveEvent] = []
    established: dict[str, float] = {}  # fault -> arrival of the frame that established it, until cued

    def tell(evs: list[LiveEvent]) -> None:
        told.extend(evs)
        for ev in evs:
            if on_event is not None:
                on_event(ev)
            if voice is not None and ev.kind in ("cue", "guide", "target", "set", "timer", "reset", "rep"):
                voice.say(_spoken(ev), ev.priority)

    if est is not None and warm_up:
        # The model's first call starts its graph (~1.5 s): do it now, not on the first paced frame, or the
        # session would open by dropping a second and a half of frames.
        est.estimate(Frame(np.zeros((info.height, info.width, 3), np.uint8), -1.0, -1))
    worker = None
    try:
        if est is not None and pipeline:
            worker = _PoseWorker(frames, est, stall_s)
        if record_path is not None:
            recorder = RecordingWriter(record_path, RecordingHeader(info.width, info.height, info.fps, info.path))
        if video_path is not None:
            if info.kind == "recording":
                raise SourceError("--save-video needs a camera or a video: a landmark recording has no images")
            writer = _VideoSaver(video_path, info.fps, info.width, info.height)
        last_t = 0.0
        while True:
            if paused:
                key = display.poll(30) if display is not None else None
                if key in KEY_QUIT:
                    ended_by = "quit"
                    break
                if key in KEY_PAUSE:
                    paused = False
                    frames.resume()
                    tell([LiveEvent(last_t, "pause", "resumed")])
                continue
            t_a = clock()
            if worker is not None:
                got = worker.get()
                if got == worker.STALLED:
                    ended_by = "camera stopped"
                    break
                if got == worker.END:
                    break
                arrival, pose, pose_s = got
                frame = None if isinstance(arrival.item, Pose) else arrival.item
                t_b = t_c = clock()  # "wait" is then the wait for the model's result, which ran meanwhile
            else:
                try:
                    arrival = frames.get(timeout=stall_s)
                except TimeoutError:
                    ended_by = "camera stopped"
                    break
                if arrival is None:
                    break
                t_b = clock()
                item = arrival.item
                if isinstance(item, Pose):
                    frame, pose = None, item
                else:
                    frame, pose = item, est.estimate(item)
                t_c = clock()
                pose_s = t_c - t_b
            session = sessions[-1]
            step = session.step(pose)
            framing = guide.update(pose)
            evs = coach.update(step, framing)
            t_d = clock()
            last_t = pose.t_s
            if display is None:
                tell(evs)  # headless: printing it is showing it
            t_e = t_f = t_d
            key = None
            if display is not None:
                if frame is not None:
                    image = frame.image.copy()
                else:
                    if canvas is None:
                        canvas = np.full((info.height, info.width, 3), 40, np.uint8)
                    image = canvas.copy()
                # Drawn at the size the window shows it: the text stays sharp in a large window.
                image = fit_to_canvas(image, canvas_size())
                fps = stats.recent_fps if stats.frames > 1 else None
                image = overlay.annotate(
                    image, pose, step.frame, coach.cue.text if coach.cue else None, fps if show_stats else None,
                    coach.hud_lines(), guidance=coach.guidance, banner=coach.banner(pose.t_s),
                    timings_ms=stats.recent_ms() if show_stats else None, clock=show_stats)
                t_e = clock()
                key = display.show(image)
                last_image = image
                t_f = clock()
                tell(evs)
            for ev in step.frame.new_faults:
                established.setdefault(ev.fault, arrival.arrived_s)
            for cue in step.cues:
                # From the arrival of the frame in which the fault was established to the cue on screen /
                # printed. A cue held back by the scheduler's rate limit counts its wait too.
                since = established.pop(cue.fault, arrival.arrived_s)
                stats.cue_latency_ms.append((clock() - since) * 1000.0)
            for f in list(established):
                if f not in step.frame.faults:
                    del established[f]  # cleared before it was cued: the scheduler dropped it
            if recorder is not None:
                recorder.write(pose)
            if writer is not None and frame is not None:
                writer.add(frame.image, frame.t_s)
            _append_bounded(stats.frame_latency_ms, (clock() - arrival.arrived_s) * 1000.0)
            stats.add({"wait": t_b - t_a, "pose": pose_s, "judge": t_d - t_c, "draw": t_e - t_d,
                       "show": t_f - t_e}, clock())
            if key in KEY_QUIT:
                ended_by = "quit"
                break
            if key in KEY_PAUSE:
                paused = True
                frames.pause()
                tell([LiveEvent(pose.t_s, "pause", "paused (space to resume)")])
                if display is not None and last_image is not None:
                    display.show(_paused(last_image))
            elif key in KEY_RESET:
                reset_in_set.append(sessions[-1].evaluator.in_position)
                sessions.append(Session(spec, info, est_name, keep_frames=keep_frames, on_final=on_frame))
                guide.reset()
                tell([coach.reset(pose.t_s)])
            if max_s is not None and pose.t_s >= max_s:
                break
    except KeyboardInterrupt:
        ended_by = "interrupted"
    except BaseException:
        ok = False
        raise
    finally:
        frames.close()
        if worker is not None:
            worker.close()  # before the model is closed under it
        stats.delivered, stats.dropped = frames.delivered, frames.dropped
        if own_estimator and est is not None:
            est.close()
        if recorder is not None:
            recorder.close(ok=ok)
        if writer is not None:
            writer.close(ok=ok)
        if display is not None:
            display.close()
    partial = ended_by == "interrupted" and info.kind not in ("camera",)
    report = merge_reports(spec, [build_report(s, partial=partial) for s in sessions], reset_in_set)
    if voice is not None:
        voice.close(finish_s=2.0)
    return LiveResult(report, told, stats, ended_by, len(sessions) - 1)


def recognise_live(frames: NewestFrameReader, estimator: PoseEstimator | None, specs: list[Spec], *,
                   display: Display | None = None, check_every_s: float = 1.0, stall_s: float = 5.0,
                   max_s: float = 120.0) -> tuple[Spec | None, Detection | None]:
    """`live -e auto`: watch until one exercise's position has been held long enough to be sure of it
    (`detect.SURE_AFTER_S`), the same recognition as `score -e auto`; then coach that one (`run_live` with the
    same frames and model). Returns (None, last detection) when the input ends or `max_s` passes first."""
    poses: list[Pose] = []
    det: Detection | None = None
    next_check = None
    names = ", ".join(sp.title.lower() for sp in specs)
    while True:
        try:
            arrival = frames.get(timeout=stall_s)
        except TimeoutError:
            return None, det
        if arrival is None:
            return None, det
        item = arrival.item
        pose = item if isinstance(item, Pose) else estimator.estimate(item)
        poses.append(pose)
        if display is not None:
            image = item.image.copy() if not isinstance(item, Pose) else \
                np.full((frames.info.height, frames.info.width, 3), 40, np.uint8)
            HudAnnotator._centered(image, f"Get into position: {names}", image.shape[0] // 3, 0.8,
                                   bg=(90, 60, 20))
            if display.show(image) in KEY_QUIT:
                return None, det
        if next_check is None:
            next_check = pose.t_s + check_every_s
        if pose.t_s >= next_check:
            next_check = pose.t_s + check_every_s
            recent = [p for p in poses if p.t_s >= pose.t_s - 2 * SURE_AFTER_S]
            det = detect_poses(recent, frames.info.width, frames.info.height, specs)
            if det.exercise is not None and det.in_position_s.get(det.exercise, 0.0) >= SURE_AFTER_S:
                return next(sp for sp in specs if sp.name == det.exercise), det
        if pose.t_s >= max_s:
            return None, det


def _spoken(ev: LiveEvent) -> str:
    """Short words for the voice: "10 seconds" for a timer milestone, "3" for a rep, "Set 2 started"."""
    return ev.say if ev.say is not None else words.seconds_spoken(ev.text)


def _paused(image: np.ndarray) -> np.ndarray:

    img = image.copy()
    HudAnnotator._centered(img, "PAUSED - space to resume, q to quit", img.shape[0] // 2, 0.9, bg=(90, 60, 20))
    return img


# --- the report -------------------------------------------------------------------------------------------


def merge_reports(spec: Spec, reports: list[Report], reset_in_set: list[bool] | None = None) -> Report:
    """One report for a session that was reset ('r') into several segments, each judged by its own Session.

    The segments share one clock, so frames, cues, holds, reps and sets are concatenated; a set that was in
    progress when it was reset is kept (it was exercised) and marked `"reset": true`. Without resets this is
    the single segment's report, exactly as `posecheck score` makes it.
    """
    if len(reports) == 1:
        return reports[0]
    reset_in_set = reset_in_set or []
    frames, cues, holds, reps, sets = [], [], [], [], []
    fault_s: dict[str, float] = {}
    rep_faults: dict[str, int] = {}
    state_s: dict[str, float] = {}
    for i, r in enumerate(reports):
        frames += r.frames
        cues += r.cues
        holds += r.holds
        reps += r.reps
        for j, s in enumerate(r.sets):
            if i < len(reports) - 1 and j == len(r.sets) - 1 and i < len(reset_in_set) and reset_in_set[i]:
                s = s.model_copy(update={"reset": True})
            sets.append(s)
        for k, v in r.summary.fault_s.items():
            fault_s[k] = r3(fault_s.get(k, 0.0) + v)
        for k, v in r.summary.rep_faults.items():
            rep_faults[k] = rep_faults.get(k, 0) + v
        for k, v in r.summary.state_s.items():
            state_s[k] = r3(state_s.get(k, 0.0) + v)
    last = reports[-1]
    summary = Summary(
        good_hold_s=r3(sum(h.good_s for h in holds)), reps=len(reps), good_reps=sum(1 for r in reps if r.good),
        fault_s=fault_s, target_s=last.summary.target_s, best_hold_s=r3(max((h.good_s for h in holds), default=0.0)),
        rep_faults=rep_faults, state_s=state_s)
    summary.grade, summary.verdict, summary.fix_first = verdict_of(spec, summary)
    # Counted, not len(frames): a session that streamed its frames to the report keeps none.
    source = last.source.model_copy(update={"frames": sum(r.source.frames for r in reports),
                                            "detected_frames": sum(r.source.detected_frames or 0 for r in reports)})
    return Report(exercise=last.exercise, source=source, frames=frames, cues=cues, holds=holds, reps=reps,
                  sets=sets, summary=summary, partial=last.partial)


def summary_lines(result: LiveResult, spec: Spec) -> list[str]:
    """The session summary printed on exit: per set the good hold time, reps, faults and their times."""
    r = result.report
    lines = [f"Session summary: {spec.title}, {len(r.sets)} set{'s' if len(r.sets) != 1 else ''} "
             f"({result.ended_by})"]
    if not r.sets:
        lines.append("  No set: the person was never in position" if r.source.frames else "  No frames were judged")
    prev_end = None
    for i, s in enumerate(r.sets, 1):
        if prev_end is not None:
            lines.append(f"  rest {s.start_s - prev_end:.1f} s")
        prev_end = s.end_s
        parts = []
        if spec.hold is not None and spec.hold.at == "position":
            reached = " (target reached)" if spec.hold.reached(s.good_s) else f" of {spec.hold.target_s:g} s"
            parts.append(f"good hold {s.good_s:.1f} s{reached}")
        if spec.reps is not None:
            parts.append(f"reps {s.reps} ({s.good_reps} good)")
        mark = " [reset]" if getattr(s, "reset", False) else ""
        lines.append(f"  Set {i}{mark}: {s.start_s:.1f}-{s.end_s:.1f} s, " + ", ".join(parts))
        if not s.fault_s:
            lines.append("    no form faults")
        for fid, sec in sorted(s.fault_s.items(), key=lambda kv: -kv[1]):
            times = [c.t_s for c in r.cues if c.fault == fid and s.start_s - 1e-6 <= c.t_s <= s.end_s + 1e-6]
            said = f"; cued at {', '.join(f'{t:.1f}' for t in times)} s" if times else ""
            lines.append(f"    {fid}: {sec:.1f} s{said}")
    sm = r.summary
    if sm.verdict:
        lines.append(f"Verdict: {sm.verdict}")
    for fix in sm.fix_first:
        lines.append(f"  fix first: {fix}")
    lines.append("Speed: " + result.stats.text())
    return lines
