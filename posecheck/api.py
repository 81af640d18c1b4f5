"""The Python API: everything the CLI does, callable from Python.

    >>> import posecheck
    >>> report = posecheck.score("sample_videos/plank_sag_a.mp4", exercise="plank")
    >>> report.summary.good_hold_s, [c.text for c in report.cues]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from posecheck.core.detect import detect_poses, load_all_specs, not_recognised
from posecheck.core.evaluation import NEAR_POSITION_DEG, Evaluator, Measurers
from posecheck.core.landmarks import Pose
from posecheck.core.session import Session
from posecheck.core.specs import Spec, load_spec
from posecheck.errors import NoPersonError, SourceError
from posecheck.io.atomic import check_not_input, check_writable
from posecheck.io.frames import open_frames
from posecheck.io.estimators import PoseEstimator
from posecheck.io.ranges import parse_input
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.io.sampling import ADAPTIVE, Sampling
from posecheck.io.spool import PoseSpool
from posecheck.io.streams import PoseStream, open_poses
from posecheck.render.snapshots import SnapshotKeeper
from posecheck.render.video import AnnotatedVideoWriter
from posecheck.report.build import build_report
from posecheck.report.html import write_html
from posecheck.report.model import Report
from posecheck.report.stream import CsvStream, FrameSpool, PlotFrames, frame_dict, write_json_streamed

__all__ = ["score", "score_stream", "score_outputs", "record", "ProgressFn"]

ProgressFn = Callable[[int, float], None]  # (frames done, t_s of the last frame)


def _spec(exercise: str | Spec, specs_dirs=None) -> Spec:
    return exercise if isinstance(exercise, Spec) else load_spec(exercise, specs_dirs)


def _sampling(every_frame: bool) -> Sampling | None:
    return None if every_frame else ADAPTIVE


def _fresh(estimator: PoseEstimator | None) -> PoseEstimator | None:
    """A reused model starts each input with no memory of the last one (so results match a new model)."""
    if estimator is not None:
        estimator.reset()
    return estimator


class _Watch:
    """Judging that only says when the next frames decide a verdict, for a model run whose exercise is not
    judged yet (`--exercise auto`, a recording): every exercise it may be judged as is watched, and the model
    sees every frame while any of them is deciding. With several, a position counts as being entered only once
    its ranges hold (no margin): one exercise's few degrees around its ranges take in another's position (a
    plank is within 3 deg of a cobra's ranges half of the time, which had the model see 78% of a plank clip)."""

    def __init__(self, specs: list[Spec], width: int, height: int):
        near = NEAR_POSITION_DEG if len(specs) == 1 else 0.0
        shared = Measurers(width, height)
        self._evaluators = [Evaluator(s, width, height, near_deg=near, measurer=shared.for_spec(s)) for s in specs]

    def step(self, pose: Pose) -> bool:
        deciding = False
        for ev in self._evaluators:
            ev.step(pose)
            deciding = deciding or ev.deciding
        return deciding


def _watch(stream: PoseStream, exercise, specs_dirs) -> _Watch | None:
    """What tells the stream's model when to see every frame (None: it sees every frame anyway)."""
    if getattr(stream, "demand", None) is None:
        return None
    specs = exercise if isinstance(exercise, list) else (
        [_spec(exercise, specs_dirs)] if exercise is not None else load_all_specs(specs_dirs))
    return _Watch(specs, stream.info.width, stream.info.height)


def score_stream(stream: PoseStream, spec: Spec, progress: ProgressFn | None = None,
                 on_step=None, keep_frames: bool = True, on_final=None) -> Report:
    """Judge an open pose stream. Ctrl-C ends it early with a report marked partial. Without `keep_frames`
    the report's `frames` is empty: `on_step` sees each frame as it is judged, `on_final` each frame as the
    report has it (its state settled; up to `SHOWN_S` later).

    When the stream's model skips still frames, the judging tells it when the next frames decide a verdict
    (`Session.deciding`): it then sees every frame, so that skipping never moves a verdict."""
    session = Session(spec, stream.info, stream.estimator_name,
                      keep_frames=keep_frames or stream.info.kind == "image", on_final=on_final)
    demand = getattr(stream, "demand", None)
    partial = False
    try:
        for i, (frame, pose) in enumerate(stream, 1):
            step = session.step(pose)
            if demand is not None:  # read by the sampler when the next pair is asked for
                demand.every_frame = session.deciding
            if on_step is not None:
                on_step(frame, pose, step)
            if progress is not None:
                progress(i, pose.t_s)
    except KeyboardInterrupt:
        partial = True
    report = build_report(session, partial=partial)
    seen = getattr(stream, "seen", None)  # any iterable of (frame, pose) with .info will do
    if seen is not None:
        report.source.model_frames = seen.count
        report.source.model_saw = seen.to_list()
    return report


def score(path: str | os.PathLike, exercise: str | Spec = "plank", *, model: str | os.PathLike | None = None,
          model_complexity: int = 1, specs_dirs=None, progress: ProgressFn | None = None,
          json: str | os.PathLike | None = None, html: str | os.PathLike | None = None,
          annotated_video: str | os.PathLike | None = None, csv: str | os.PathLike | None = None,
          labels: str = "words", every_frame: bool = False, keep_frames: bool = True,
          estimator: PoseEstimator | None = None) -> Report:
    """Score a video, still image or landmark recording against an exercise spec; returns the report.

    `path` may take a part of a video or recording, ``"clip.mp4@3-9"`` (seconds of its own clock; times in
    the report stay the video's).

    The model runs on every frame while the body moves and on fewer while it is still, the poses between
    interpolated (`report.source.model_saw` lists the frames it saw as `[first, last, step]` runs);
    `every_frame=True` runs it on every frame. `keep_frames=False` leaves `report.frames` empty so that memory
    stays flat over hours (the outputs still get every frame: they are written as frames are judged).
    `estimator`: a pose model already loaded (reset here, not closed), e.g. one per worker for many files;
    by default one is loaded for this input.

    `exercise="auto"` recognises the exercise first (`report.detection` says which and how sure; raises
    ExerciseNotRecognised when it is none of the known ones). Optional outputs, each written atomically:
    `json` (the report), `html` (a self-contained page with plots and a snapshot of each fault at its worst),
    `annotated_video` (.mp4/.avi: the input with skeleton, angles, state, cues and timer drawn in; an image
    name for a still image), `csv` (one row per frame: time, state, faults, every angle). `labels`: the
    annotated video labels joints in "words" ("hips 14 deg low") or by "measures" name (a coach's view).
    """
    outputs = dict(json=json, html=html, annotated_video=annotated_video, csv=csv)
    # Before the model runs, not after; never over the input (a report in place of the video).
    spec_file = exercise if isinstance(exercise, str) and os.path.isfile(exercise) else None
    check_not_input(outputs.values(), [parse_input(path).path, spec_file])
    for out in outputs.values():
        if out:
            check_writable(out)
    detection, interrupted = None, False
    if isinstance(exercise, str) and exercise == "auto":
        detection, stream, interrupted = _detect(path, model=model, model_complexity=model_complexity,
                                                 specs_dirs=specs_dirs, progress=progress,
                                                 keep_frames=bool(html or annotated_video),
                                                 every_frame=every_frame, estimator=estimator)
        spec = load_spec(detection.exercise, specs_dirs)
    else:
        spec = _spec(exercise, specs_dirs)
        stream = open_poses(path, model=model, model_complexity=model_complexity,
                            sampling=_sampling(every_frame), estimator=_fresh(estimator))
    with stream:
        # With auto, the progress bar followed the model run; replaying the poses found is quick.
        return score_outputs(stream, spec, progress=None if detection else progress, detection=detection,
                             labels=labels, interrupted=interrupted, keep_frames=keep_frames, **outputs)


def score_outputs(stream: PoseStream, spec: Spec, *, progress: ProgressFn | None = None, json=None, html=None,
                  annotated_video=None, csv=None, detection=None, labels: str = "words",
                  interrupted: bool = False, keep_frames: bool = True) -> Report:
    """Judge an open stream and write the requested outputs (see `score`). Nothing is written when scoring
    fails; a Ctrl-C still writes the outputs of the part scored, the report marked partial (as it is when
    `interrupted`: the stream is what was read before a Ctrl-C).

    Every output is fed frame by frame while judging (the JSON's frames through a temp file, the CSV row by
    row, the plots a bounded sample), so memory does not grow with the length of the input."""

    keeper = SnapshotKeeper(spec, stream.info) if html else None
    writer = AnnotatedVideoWriter(annotated_video, spec, stream.info, labels) if annotated_video else None
    spool = FrameSpool(json) if json else None
    table = None
    plot = PlotFrames() if html else None
    sinks = [s for s in (keeper, writer) if s is not None]

    def on_step(frame, pose, step) -> None:
        for sink in sinks:
            sink(frame, pose, step)

    def on_final(fr) -> None:
        record = frame_dict(fr)
        for out in (spool, table, plot):
            if out is not None:
                (out.add if out is plot else out.write)(record)

    try:
        table = CsvStream(csv) if csv else None
        report = score_stream(stream, spec, progress, on_step, keep_frames=keep_frames,
                              on_final=on_final if (spool or table or plot) else None)
        report.partial = report.partial or interrupted
        report.warnings = list(getattr(stream, "warnings", [])) or None
        if report.source.frames == 0:
            raise SourceError(f"{stream.info.path}: no frames to score" +
                              ("; that time range is past the end of the input" if "@" in stream.info.path
                               and not os.path.exists(stream.info.path) else ""))
        if not report.partial and not report.source.detected_frames:
            raise NoPersonError(
                f"{stream.info.path}: no person was detected in any of its {report.source.frames} frame(s); "
                "film the whole body from the side, in good light, and try again")
        if detection is not None:
            report.detection = detection.to_dict()
        if writer is not None:
            writer.close(commit=True)
        if json:
            write_json_streamed(report, spool, json)
        if table is not None:
            table.close(commit=True)
        if html:
            shown = report if plot.every == 1 and report.frames else report.model_copy(
                update={"frames": plot.records()})
            # The annotated video (written above) plays inside the page when it is an MP4.
            write_html(shown, spec, html, keeper.snapshots(), video=annotated_video)
    except BaseException:
        if writer is not None:
            writer.close(commit=False)
        if table is not None:
            table.close(commit=False)
        raise
    finally:
        if spool is not None:
            spool.close()
    return report


def record(path: str | os.PathLike, out: str | os.PathLike, *, model: str | os.PathLike | None = None,
           model_complexity: int = 1, progress: ProgressFn | None = None, every_frame: bool = True,
           exercise: str | Spec | None = None, specs_dirs=None, keep_partial: bool = True) -> int:
    """Run the pose model over a video and write a landmark recording (atomically). Returns the frame count.
    With `every_frame=False` the model skips frames while the body is still, as `score` does (the recording
    then holds the interpolated poses of the frames it skipped), and sees every frame while the judging of
    `exercise` (by default: of every known exercise) is deciding a verdict, so that the recording judges as
    the video would.

    A Ctrl-C keeps the frames recorded so far (the model's time is not thrown away): the recording is written
    with them and their count returned; with nobody seen yet, nothing is written and the interrupt goes on.
    `keep_partial=False` (a cache that will take the file for the whole video): nothing is written either."""
    check_not_input([out], [parse_input(path).path])
    with open_poses(path, model=model, model_complexity=model_complexity,
                    sampling=_sampling(every_frame)) as stream:
        info = stream.info
        header = RecordingHeader(width=info.width, height=info.height, fps=info.fps, source=Path(path).name)
        watch = _watch(stream, exercise, specs_dirs)
        n = seen = 0
        with RecordingWriter(out, header) as w:
            try:
                for _frame, pose in stream:
                    if watch is not None:
                        stream.demand.every_frame = watch.step(pose)
                    w.write(pose)
                    n += 1
                    seen += pose.detected
                    if progress is not None:
                        progress(n, pose.t_s)
            except KeyboardInterrupt:
                if not seen or not keep_partial:
                    raise
            if n and not seen:  # raised inside the writer: no file is left behind
                raise NoPersonError(f"{path}: no person was detected in any of its {n} frame(s); nothing to "
                                    "record (film the whole body from the side, in good light)")
        return n


def detect_stream(path: str | os.PathLike, *, model=None, model_complexity: int = 1, specs_dirs=None,
                  progress=None, keep_frames: bool = False, every_frame: bool = False, estimator=None):
    """Run the model once over `path`, recognise the exercise, and return `(Detection, PoseStream)`: the
    stream replays the poses found (no second model run), paired with the frames decoded again only when
    `keep_frames` (the annotated video and snapshots need images). Raises ExerciseNotRecognised. A Ctrl-C
    while the model runs recognises the part read (see `score`, which marks that report partial)."""
    det, stream, _interrupted = _detect(path, model=model, model_complexity=model_complexity,
                                        specs_dirs=specs_dirs, progress=progress, keep_frames=keep_frames,
                                        every_frame=every_frame, estimator=estimator)
    return det, stream


def _detect(path, *, model, model_complexity, specs_dirs, progress, keep_frames, every_frame=False,
            estimator=None):
    specs = load_all_specs(specs_dirs)
    interrupted = False
    with open_poses(path, model=model, model_complexity=model_complexity,
                    sampling=_sampling(every_frame), estimator=_fresh(estimator)) as stream:
        info, estimator, warnings, seen = stream.info, stream.estimator_name, stream.warnings, stream.seen
        watch = _watch(stream, specs, specs_dirs)
        # The poses go to disk, not memory (an hour of them is ~110 MB): recognised, then replayed from there.
        poses = PoseSpool()
        try:
            for i, (_frame, pose) in enumerate(stream, 1):
                if watch is not None:
                    stream.demand.every_frame = watch.step(pose)
                poses.append(pose)
                if progress is not None:
                    progress(i, pose.t_s)
        except KeyboardInterrupt:
            if not poses.detected:
                poses.close()
                raise  # nothing to recognise or report
            interrupted = True
        except BaseException:
            poses.close()
            raise
    try:
        det = detect_poses(poses, info.width, info.height, specs, still_image=info.kind == "image")
        if det.exercise is None:
            raise not_recognised(path, det)
    except BaseException:
        poses.close()
        raise
    if keep_frames and info.kind in ("video", "image"):
        rng = parse_input(path)
        frames = open_frames(rng.path)
        in_range = (f for f in frames if rng.contains(f.t_s))
        return det, PoseStream(info, zip(in_range, poses), [frames.close, poses.close], estimator, list(warnings),
                               seen), interrupted
    return det, PoseStream(info, ((None, p) for p in poses), [poses.close], estimator, list(warnings), seen), \
        interrupted
