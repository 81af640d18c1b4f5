"""Scoring a folder on a Ray cluster (`posecheck score DIR --engine ray`; the optional extra `ray`).

One task per video, never per frame: the tracker and the filters need the whole sequence. Each worker is a Ray
actor that loads the pose model once and reuses it for every video it gets (reset between videos, so each
report is the one `--jobs 1` writes). Inputs and outputs are paths: on a cluster they must be on storage every
node sees (NFS, a shared mount) and posecheck must be installed on every node.

Joins the cluster named by `RAY_ADDRESS` (e.g. `ray://head:10001` or `auto`); otherwise starts a small local
Ray for this run (`num_cpus`, no dashboard) and shuts it down after.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from posecheck.batch.folder import prepare_folder, FileResult, score_one
from posecheck.errors import PosecheckError
from posecheck.io.estimators import create_estimator
from posecheck.io.frames import IMAGE_SUFFIXES

__all__ = ["RAY_HELP", "ray_available", "score_folder_ray"]

RAY_HELP = "install Ray for --engine ray: pip install 'posecheck-coach[ray]'"


def ray_available() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


class _Scorer:
    """A Ray actor: one pose model, many videos."""

    def __init__(self, model, model_complexity: int, every_frame: bool, cwd: str):
        self._est = None
        self._args = (model, model_complexity, every_frame)
        # Work where the caller works when this node has that folder (a local Ray, a shared mount), so the
        # paths in the reports read as the caller wrote them; this is the actor's own process.
        self._cwd = cwd
        self._here = os.path.isdir(cwd)
        if self._here:
            os.chdir(cwd)

    def _path(self, p):
        return p if p is None or self._here else os.path.join(self._cwd, p)

    def score(self, path: str, exercise: str, out_dir: str, name: str, specs_dirs) -> FileResult:
        model, complexity, every_frame = self._args
        path, out_dir, model = self._path(path), self._path(out_dir), self._path(model)
        specs_dirs = [self._path(d) for d in specs_dirs] if specs_dirs else None
        if self._est is None:
            try:
                self._est = create_estimator(model, complexity, skips_frames=not every_frame)
            except PosecheckError as e:
                return FileResult(path, False, error=str(e))
        # A photo needs the model in still-image mode: a fresh one, as `--jobs 1` loads.
        est = None if Path(path).suffix.lower() in IMAGE_SUFFIXES else self._est
        return score_one(path, exercise, out_dir, name, model=model, model_complexity=complexity,
                         specs_dirs=specs_dirs, every_frame=every_frame, estimator=est)


def score_folder_ray(folder: str | os.PathLike, exercise: str, out_dir: str | os.PathLike, *,
                     workers: int | None = None, model=None, model_complexity: int = 1, specs_dirs=None,
                     every_frame: bool = False, num_cpus: int = 2,
                     on_result: Callable[[FileResult, int, int], None] | None = None) -> list[FileResult]:
    """Score every input of `folder` on Ray actors (`workers` of them, default: one per CPU of the cluster);
    results in input order, the same as `score_folder(..., jobs=1)`."""
    try:
        import ray
    except ImportError:
        raise PosecheckError(RAY_HELP) from None
    inputs, out, names = prepare_folder(folder, out_dir)
    started = False
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False)  # joins the cluster RAY_ADDRESS names
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        results = _run(ray, inputs, names, exercise, out, workers, model, model_complexity, every_frame,
                       list(specs_dirs) if specs_dirs else None, on_result)
    finally:
        if started:
            ray.shutdown()
    return [results[p] for p in inputs]


def _run(ray, inputs, names, exercise, out, workers, model, model_complexity, every_frame, specs_dirs,
         on_result) -> dict:
    """Hands the next file to whichever actor is free; an actor that dies fails its file and is replaced."""
    actor_cls = ray.remote(num_cpus=1)(_Scorer)
    n = min(workers or max(1, int(ray.cluster_resources().get("CPU", 1))), len(inputs))
    cwd = os.getcwd()
    idle = [actor_cls.remote(model, model_complexity, every_frame, cwd) for _ in range(n)]
    todo = list(inputs)
    running: dict = {}  # future -> (path, actor)
    results: dict[Path, FileResult] = {}
    while todo or running:
        while todo and idle:
            p, a = todo.pop(0), idle.pop()
            running[a.score.remote(str(p), exercise, str(out), names[p], specs_dirs)] = (p, a)
        (done,), _ = ray.wait(list(running), num_returns=1)
        p, a = running.pop(done)
        try:
            r = ray.get(done)
            idle.append(a)
        except Exception as e:  # the actor died (out of memory, a crash in native code): this file failed
            r = FileResult(str(p), False, error=f"worker failed: {type(e).__name__}: {e}")
            ray.kill(a)
            idle.append(actor_cls.remote(model, model_complexity, every_frame, cwd))
        results[p] = r
        if on_result:
            on_result(r, len(results), len(inputs))
    return results
