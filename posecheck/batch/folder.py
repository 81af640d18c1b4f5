"""Scoring a whole folder: every video, photo and landmark recording in it, in parallel processes.

Each input gets `OUTDIR/NAME.json` and `OUTDIR/NAME.html` (written atomically). A file that fails is reported
and skipped; the others go on. A file in which `--exercise auto` recognises no exercise is a result (it says
so), not a failure. `jobs=1` scores one by one in this process; more jobs use worker processes
(spawned, so each loads its own MediaPipe graph), and give the same reports.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from posecheck import words
from posecheck.api import score
from posecheck.core.detect import ExerciseNotRecognised
from posecheck.errors import PosecheckError, SourceOpenError
from posecheck.io.atomic import atomic_write, check_not_input, discard_temps
from posecheck.io.frames import IMAGE_SUFFIXES
from posecheck.io.recording import is_recording

__all__ = ["VIDEO_SUFFIXES", "FileResult", "find_inputs", "output_names", "score_one", "score_folder",
           "table_text", "write_table_csv"]

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp")


@dataclass(frozen=True)
class FileResult:
    input: str
    ok: bool
    error: str = ""
    json: str = ""
    html: str = ""
    exercise: str = ""
    confidence: float | None = None  # set when the exercise was recognised automatically
    duration_s: float = 0.0
    good_hold_s: float = 0.0
    target_s: float | None = None
    reps: int = 0
    good_reps: int = 0
    main_fault: str = ""
    verdict: str = ""
    recognised: bool = True  # False: `--exercise auto` found none of the known exercises (not a failure)
    retried: bool = False  # its worker process died (killed, out of memory) and it was scored again alone


def is_truth(path: Path) -> bool:
    """A rendered clip's exact answer (`clip.truth.json`, `clip.truth.jsonl`) sits beside it: not an input."""
    return ".truth." in path.name.lower()


def find_inputs(folder: str | os.PathLike) -> list[Path]:
    """The videos, photos and landmark recordings directly in `folder` (not its subfolders), sorted by name.

    Left out: truth files of rendered clips (`*.truth.*`), reports and their CSVs (a report's JSON is not a
    recording: `is_recording` reads its first line), other files, and hidden files (temp files of an
    interrupted run)."""
    d = Path(folder)
    if not d.is_dir():
        raise SourceOpenError(f"{d}: not a folder")
    out = []
    for p in sorted(d.iterdir()):
        if not p.is_file() or p.name.startswith(".") or is_truth(p):
            continue
        suffix = p.suffix.lower()
        if suffix in VIDEO_SUFFIXES or suffix in IMAGE_SUFFIXES or is_recording(p):
            out.append(p)
    return out


def output_names(paths: list[Path]) -> dict[Path, str]:
    """An output name per input: its stem, or stem_ext when two inputs share a stem (a.mp4 and a.jsonl)."""
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {p: p.stem if stems[p.stem] == 1 else f"{p.stem}_{p.suffix.lstrip('.').lower()}" for p in paths}


def _main_fault(summary) -> str:
    if summary.fault_s:
        f, s = max(summary.fault_s.items(), key=lambda kv: kv[1])
        return f"{words.fault_words(None, [f])} ({s:.1f} s)"
    if summary.rep_faults:
        f, n = max(summary.rep_faults.items(), key=lambda kv: kv[1])
        return f"{words.fault_words(None, [f])} ({n} rep{'s' if n != 1 else ''})"
    return ""


def score_one(path: str | os.PathLike, exercise: str, out_dir: str | os.PathLike, name: str | None = None, *,
              model=None, model_complexity: int = 1, specs_dirs=None, every_frame: bool = False,
              estimator=None) -> FileResult:
    """Score one input into OUTDIR/NAME.json and .html; never raises for a bad input (the result says)."""

    p = Path(path)
    name = name or p.stem
    out = Path(out_dir)
    json_path, html_path = out / f"{name}.json", out / f"{name}.html"
    try:
        report = score(p, exercise, model=model, model_complexity=model_complexity, specs_dirs=specs_dirs,
                       json=json_path, html=html_path, every_frame=every_frame, keep_frames=False,
                       estimator=estimator)
    except ExerciseNotRecognised as e:
        # An answer about the file, not a failure to read it: a folder of mixed clips has some of these.
        return FileResult(str(p), True, recognised=False, verdict=str(e).split(": ", 1)[-1])
    except PosecheckError as e:
        return FileResult(str(p), False, error=str(e))
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a bug on one file must not stop the folder; the message says it is one
        return FileResult(str(p), False, error=f"internal error: {type(e).__name__}: {e}")
    s = report.summary
    return FileResult(
        str(p), True, json=str(json_path), html=str(html_path), exercise=report.exercise,
        confidence=report.detection.confidence if report.detection is not None else None,
        duration_s=report.source.duration_s, good_hold_s=s.good_hold_s, target_s=s.target_s, reps=s.reps,
        good_reps=s.good_reps, main_fault=_main_fault(s), verdict=s.verdict)


def prepare_folder(folder: str | os.PathLike, out_dir: str | os.PathLike) -> tuple[list[Path], Path, dict[Path, str]]:
    """The inputs of `folder`, the output folder (made) and each input's report name, after refusing, before any
    work, a run that would write over one of its inputs (a folder scored into itself). Every engine starts here."""
    inputs = find_inputs(folder)
    if not inputs:
        raise SourceOpenError(f"{folder}: no videos, photos or landmark recordings (.jsonl) in this folder")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SourceOpenError(f"{out} is a file; give a folder for the reports with --out")
    out.mkdir(parents=True, exist_ok=True)
    names = output_names(inputs)
    check_not_input([out / f"{names[p]}.{ext}" for p in inputs for ext in ("json", "html")]
                    + [out / "summary.csv"], inputs)
    return inputs, out, names


def score_folder(folder: str | os.PathLike, exercise: str, out_dir: str | os.PathLike, *, jobs: int = 1,
                 model=None, model_complexity: int = 1, specs_dirs=None,
                 on_result: Callable[[FileResult, int, int], None] | None = None,
                 every_frame: bool = False) -> list[FileResult]:
    """Score every input of `folder` (see `find_inputs`) with `jobs` processes; results in input order.
    `on_result(result, done, total)` is called as each file finishes."""
    inputs, out, names = prepare_folder(folder, out_dir)
    kwargs = dict(model=model, model_complexity=model_complexity,
                  specs_dirs=list(specs_dirs) if specs_dirs else None, every_frame=every_frame)
    results: dict[Path, FileResult] = {}
    if jobs <= 1 or len(inputs) == 1:
        for i, p in enumerate(inputs, 1):
            results[p] = score_one(p, exercise, out, names[p], **kwargs)
            if on_result:
                on_result(results[p], i, len(inputs))
    else:
        def done(p: Path, r: FileResult) -> None:
            results[p] = r
            if on_result:
                on_result(r, len(results), len(inputs))

        def task(p: Path):
            return score_one, (p, exercise, out, names[p]), kwargs

        died = _pool_run(inputs, task, min(jobs, len(inputs)), done)
        for p in died:  # a killed worker leaves its half-written temp files
            for ext in ("json", "html"):
                discard_temps(out / f"{names[p]}.{ext}")
        # A dead worker (the out-of-memory killer, a crash in native code) breaks the whole pool, and every
        # file in flight or waiting fails with it: each is scored again, once, in a process of its own, so
        # that only the file that kills its worker fails.
        _retry_alone(died, task, jobs, done)
    return [results[p] for p in inputs]


def _pool_run(inputs: list[Path], task, jobs: int, done) -> list[Path]:
    """Score `inputs` in one pool of `jobs` worker processes; returns the files whose pool broke under them."""
    died: list[Path] = []
    # spawn, not fork: MediaPipe's graph threads do not survive a fork.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {}
        for p in inputs:
            fn, args, kw = task(p)
            futures[pool.submit(fn, *args, **kw)] = p
        try:
            for fut in as_completed(futures):
                p = futures[fut]
                try:
                    done(p, fut.result())
                except BrokenProcessPool:
                    died.append(p)
                except Exception as e:  # could not send the task or its result (pickling)
                    done(p, FileResult(str(p), False, error=f"worker failed: {type(e).__name__}: {e}"))
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return sorted(died)


def _retry_alone(paths: list[Path], task, jobs: int, done) -> None:
    """Score each file again in a pool of one process (at most `jobs` at a time): a second death is its own."""
    if not paths:
        return

    def one(p: Path) -> FileResult:
        fn, args, kw = task(p)
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                r = pool.submit(fn, *args, **kw).result()
        except BrokenProcessPool:
            out, name = args[2], args[3]
            for ext in ("json", "html"):
                discard_temps(Path(out) / f"{name}.{ext}")
            return FileResult(str(p), False, retried=True,
                              error="its worker process died twice (killed, or out of memory); try it alone "
                                    "with --jobs 1")
        return replace(r, retried=True)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as threads:
        futures = {threads.submit(one, p): p for p in paths}
        try:
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
        except KeyboardInterrupt:
            for f in futures:
                f.cancel()
            raise


def table_text(results: list[FileResult], show_exercise: bool = False) -> str:
    """The summary table printed after a folder run: file, good hold, reps, main fault."""
    head = ["file"] + (["exercise"] if show_exercise else []) + ["good hold", "reps", "main fault"]
    rows = []
    for r in results:
        name = os.path.basename(r.input)
        if not r.ok:
            rows.append([name] + ([""] if show_exercise else []) + ["FAILED", "", r.error])
            continue
        if not r.recognised:
            rows.append([name] + (["none"] if show_exercise else []) + ["", "", "no exercise recognised"])
            continue
        hold = f"{r.good_hold_s:.1f} s" + (f" of {r.target_s:g} s" if r.target_s else "")
        reps = f"{r.reps} ({r.good_reps} good)" if r.reps else "0"
        ex = [r.exercise + (f" {100 * r.confidence:.0f}%" if r.confidence is not None else "")] \
            if show_exercise else []
        rows.append([name] + ex + [hold, reps, r.main_fault or "none"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    widths[-1] = 0  # the last column is not padded (error messages are long)
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths)).rstrip()]
    lines.append("  ".join("-" * max(w, len(h)) for h, w in zip(head, widths)))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    failed = sum(not r.ok for r in results)
    unknown = sum(r.ok and not r.recognised for r in results)
    retried = sum(r.retried for r in results)
    lines.append(f"{len(results) - failed} of {len(results)} scored" + (f"; {failed} failed" if failed else "")
                 + (f"; no exercise recognised in {unknown}" if unknown else "")
                 + (f"; a worker process died, so {retried} file{'s were' if retried != 1 else ' was'} scored "
                    "again alone" if retried else ""))
    return "\n".join(lines)


def write_table_csv(results: list[FileResult], path: str | os.PathLike) -> None:
    """The same table as CSV, every field of FileResult (atomic)."""
    fields = list(FileResult.__dataclass_fields__)
    with atomic_write(path) as f:
        w = csv.DictWriter(f, fields, lineterminator="\n")
        w.writeheader()
        for r in results:
            w.writerow(asdict(r))
