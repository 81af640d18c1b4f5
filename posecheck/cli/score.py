"""`posecheck score`: judge a video, photo, recording or folder and write the report in every form asked."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from posecheck.api import score as api_score
from posecheck.batch.folder import (
    output_names,
    score_folder,
    table_text,
    write_table_csv,
)
from posecheck.batch.ray_engine import score_folder_ray
from posecheck.cli.options import (
    EXIT_BAD_INPUT,
    complexity_option,
    load_exercise,
    model_option,
    progress_bar,
    quiet_option,
    specs_option,
)
from posecheck.cli.signals import exit_code
from posecheck.core.detect import Detection
from posecheck.errors import PosecheckError, SourceOpenError
from posecheck.history.db import History, now_iso, record_from_report
from posecheck.io.frames import open_frames
from posecheck.report.text import summary_text


@click.command()
@click.argument("input", type=click.Path())
@click.option("--exercise", "-e", required=True,
              help="Exercise spec name (see `posecheck specs list`), a .toml file, or `auto` to recognise it.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report here: summary, timeline, angle plots, holds and reps, "
                   "and a picture of each fault at its worst.")
@click.option("--annotated-video", "video_path", type=click.Path(dir_okay=False),
              help="Write the input with skeleton, angles, state, cues and timer drawn in (.mp4 or .avi).")
@click.option("--labels", type=click.Choice(["words", "measures"]), default="words", show_default=True,
              help="With --annotated-video: label the joints in words (\"hips 14 deg low\") or by measure name "
                   "(body_sag 14), for a coach.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False),
              help="Write one row per frame: time, state, faults and every angle.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="A folder for NAME.json and NAME.html per input (needed when INPUT is a folder).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="With a folder: how many files to score at once, each in its own process "
                   "[default: the number of CPUs].")
@click.option("--save", is_flag=True, help="Save this scored video to the history (`posecheck history`).")
@click.option("--engine", type=click.Choice(["process", "ray"]), default="process", show_default=True,
              help="With a folder: worker processes on this machine, or Ray actors (RAY_ADDRESS joins a "
                   "cluster, else a local Ray starts; needs the `ray` extra). --jobs is then the actor count.")
@click.option("--every-frame", is_flag=True,
              help="Run the pose model on every frame. By default it skips frames while the body is still "
                   "(the poses between are interpolated; the report lists the frames it saw): ~2-4x faster.")
@model_option
@complexity_option
@specs_option
@quiet_option
def score(input, exercise, json_path, html_path, video_path, labels, csv_path, out_dir, jobs, save, engine,
          every_frame, model, model_complexity, specs_dirs, quiet):
    """Judge INPUT (a video, a still image, a landmark recording, or a folder of them) against an exercise.

    Prints a summary: good-form hold time against the target, reps and good reps, time in each fault and
    the cues with their times. With --json, writes the full report (per-frame states, faults and angles);
    --html, --annotated-video and --csv write the other views of it. Time comes from the video's own
    timestamps. `--exercise auto` recognises the exercise first and says how sure it is.

    \b
    A folder: every video, photo and recording in it is scored (in parallel with --jobs; not the truth
    files of rendered clips, nor earlier reports), each report written to OUTDIR/NAME.json and
    OUTDIR/NAME.html, and a table printed (file, good hold, reps, main fault; also written to
    OUTDIR/summary.csv). A file that fails is reported and skipped; the exit status is 2 when any failed.
    A file in which `-e auto` recognises no exercise is listed as such, and is not a failure.
      posecheck score sessions/ --exercise plank --out reports/ --jobs 2
      posecheck score sessions/ --exercise plank --out reports/ --engine ray
    """
    if os.path.isdir(input):
        if json_path or html_path or video_path or csv_path:
            raise click.UsageError("with a folder, each input gets OUTDIR/NAME.json and NAME.html: use --out "
                                   "OUTDIR instead of --json/--html/--annotated-video/--csv")
        if save:
            raise click.UsageError("--save is for one video: the history keeps sessions, not folders")
        if not out_dir:
            raise SourceOpenError(f"{input} is a directory; to score every video and recording in it, give "
                                  "--out OUTDIR for the reports")
        _score_folder(input, exercise, out_dir, jobs, model, model_complexity, specs_dirs, quiet, every_frame,
                      engine)
        return
    if jobs is not None or engine != "process":
        raise click.UsageError("--jobs and --engine are for a folder INPUT")
    if labels != "words" and not video_path:
        raise click.UsageError("--labels is for the drawing of --annotated-video: give --annotated-video FILE")
    if out_dir:
        name = output_names([Path(input)])[Path(input)]
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        json_path = json_path or os.path.join(out_dir, f"{name}.json")
        html_path = html_path or os.path.join(out_dir, f"{name}.html")
    # A misspelt name fails now, before the model runs.
    target = exercise if exercise == "auto" else load_exercise(exercise, specs_dirs)
    bar = progress_bar(_frame_count(input), "scoring", quiet)
    try:
        report = api_score(input, target,
                           model=model, model_complexity=model_complexity, specs_dirs=list(specs_dirs),
                           progress=bar, json=json_path, html=html_path, annotated_video=video_path,
                           csv=csv_path, labels=labels, every_frame=every_frame, keep_frames=False)
    finally:
        bar.close()
    for w in report.warnings or []:
        click.echo(f"Warning: {input}: {w}", err=True)
    if report.detection is not None:
        click.echo(Detection(**report.detection.model_dump()).describe())
    spec = target if not isinstance(target, str) else load_exercise(report.exercise, specs_dirs)
    click.echo(summary_text(report, spec=spec))
    for what, path in (("Report", json_path), ("HTML report", html_path), ("Annotated video", video_path),
                       ("Per-frame CSV", csv_path)):
        if path:
            click.echo(f"{what} written to {path}")
    if save and not report.partial:
        with History.open() as history:
            sid = history.save(record_from_report(report, "score", now_iso(), "end of input"))
        click.echo(f"Saved to the history as session {sid}")
    if report.partial:
        sys.exit(exit_code())


def _frame_count(path: str) -> int | None:
    """Frames in a video (for the progress bar's time left); None when unknown or not a video."""
    if not os.path.isfile(path) or path.endswith((".jsonl", ".ndjson")):
        return None
    try:
        src = open_frames(path)
    except PosecheckError:
        return None  # scoring will say what is wrong with it
    try:
        return src.info.frames
    finally:
        src.close()


def _score_folder(folder, exercise, out_dir, jobs, model, model_complexity, specs_dirs, quiet,
                  every_frame=False, engine="process") -> None:
    if exercise != "auto":
        load_exercise(exercise, specs_dirs)

    def done(r, i, n) -> None:
        if not quiet:
            click.echo(f"[{i}/{n}] {os.path.basename(r.input)}: " + ("done" if r.ok else f"FAILED: {r.error}"),
                       err=True)

    if engine == "ray":
        results = score_folder_ray(folder, exercise, out_dir, workers=jobs, model=model,
                                   model_complexity=model_complexity, specs_dirs=list(specs_dirs), on_result=done,
                                   every_frame=every_frame)
    else:
        results = score_folder(folder, exercise, out_dir, jobs=jobs or os.cpu_count() or 1, model=model,
                               model_complexity=model_complexity, specs_dirs=list(specs_dirs), on_result=done,
                               every_frame=every_frame)
    write_table_csv(results, os.path.join(out_dir, "summary.csv"))
    click.echo(table_text(results, show_exercise=exercise == "auto"))
    click.echo(f"Reports written to {out_dir}")
    if any(not r.ok for r in results):
        sys.exit(EXIT_BAD_INPUT)




def register(main: click.Group) -> None:
    main.add_command(score)
