"""Live coaching: judge a camera (or a file played as if it were one) frame by frame, and tell the person.

    import posecheck
    from posecheck.io.live_frames import open_live_frames
    from posecheck.live.run import run_live
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

import time
from typing import Callable

import numpy as np

from posecheck.core.detect import SURE_AFTER_S, Detection, detect_poses
from posecheck.core.evaluation import FrameResult
from posecheck.core.guidance import FramingGuide
from posecheck.core.landmarks import Pose
from posecheck.core.session import Session
from posecheck.core.specs import Spec
from posecheck.errors import SourceError
from posecheck.io.estimators import PoseEstimator, create_estimator
from posecheck.io.frames import Frame
from posecheck.io.live_frames import NewestFrameReader
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.live.coach import Coach, LiveEvent, _spoken
from posecheck.live.display import (
    KEY_PAUSE,
    KEY_QUIT,
    KEY_RESET,
    Display,
    fit_to_canvas,
)
from posecheck.live.stats import LiveStats, _append_bounded
from posecheck.live.summary import LiveResult, merge_reports
from posecheck.live.voice import Voice
from posecheck.live.workers import PoseWorker, VideoSaver
from posecheck.render.annotators import HudAnnotator, Overlay
from posecheck.report.build import build_report

__all__ = ["run_live", "recognise_live"]


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
    time (benchmarks). `pipeline` runs the model on its own thread, a frame ahead (see PoseWorker).
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
            worker = PoseWorker(frames, est, stall_s)
        if record_path is not None:
            recorder = RecordingWriter(record_path, RecordingHeader(info.width, info.height, info.fps, info.path))
        if video_path is not None:
            if info.kind == "recording":
                raise SourceError("--save-video needs a camera or a video: a landmark recording has no images")
            writer = VideoSaver(video_path, info.fps, info.width, info.height)
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


def _paused(image: np.ndarray) -> np.ndarray:

    img = image.copy()
    HudAnnotator._centered(img, "PAUSED - space to resume, q to quit", img.shape[0] // 2, 0.9, bg=(90, 60, 20))
    return img
