"""The command line: thin wrappers over the library. Errors become one `Error: ...` line.

Exit status: 0 done (whatever the form), 2 bad input or usage, 1 internal error (a bug: --debug shows it).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .api import record as api_record
from .errors import PosecheckError
from .progress import Progress
from .report import summary_text
from .specs import SPECS_ENV, Spec, load_spec

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

model_option = click.option(
    "--model", type=click.Path(dir_okay=False), default=None,
    help="A MediaPipe PoseLandmarker .task file: uses the Tasks API instead of the bundled legacy model.")
complexity_option = click.option(
    "--model-complexity", type=click.IntRange(0, 2), default=1, show_default=True,
    help="Legacy BlazePose model: 1 (full) is bundled; 0 (lite) and 2 (heavy) are downloaded on first use.")
specs_option = click.option(
    "--specs", "specs_dirs", multiple=True, type=click.Path(file_okay=False),
    help=f"A folder of extra or overriding exercise specs (repeatable; also ${SPECS_ENV}).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


class _CurrentStderr:
    """sys.stderr as it is at each write: while the model runs, sources point fd 2 at /dev/null (native
    chatter) and swap sys.stderr for a copy of the real one, so a stream captured earlier would print nowhere."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def _progress(total: int | None, label: str, quiet: bool) -> Progress:
    return Progress(total, label, enabled=False if quiet else None, stream=_CurrentStderr())


def _load_exercise(exercise: str, specs_dirs) -> Spec:
    return load_spec(exercise, list(specs_dirs))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="posecheck")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def main(debug: bool) -> None:
    """posecheck: judges exercise form (plank, forearm plank, cobra, glute bridge, cat/cow) from video.

    \b
    Score a recorded video or a landmark recording:
      posecheck score sample_videos/plank_sag_a.mp4 --exercise plank --json report.json
    ...and look at it: plots, timeline and pictures of the faults, or the video with the judging drawn in:
      posecheck score sample_videos/plank_sag_a.mp4 -e plank --html report.html --annotated-video out.mp4
    Score a whole folder in parallel, recognising each exercise:
      posecheck score sessions/ --exercise auto --out reports/ --jobs 2
    Save the pose landmarks of a video once, then score them again and again without the model:
      posecheck record sample_videos/plank_sag_a.mp4 -o plank.jsonl
      posecheck score plank.jsonl --exercise plank
    See the exercises and their checks:
      posecheck specs list
      posecheck specs show plank
    """


@main.command()
@click.argument("input", type=click.Path())
@click.option("--exercise", "-e", required=True,
              help="Exercise spec name (see `posecheck specs list`), a .toml file, or `auto` to recognise it.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report here: summary, timeline, angle plots, holds and reps, "
                   "and a picture of each fault at its worst.")
@click.option("--annotated-video", "video_path", type=click.Path(dir_okay=False),
              help="Write the input with skeleton, angles, state, cues and timer drawn in (.mp4 or .avi).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False),
              help="Write one row per frame: time, state, faults and every angle.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="A folder for NAME.json and NAME.html per input (needed when INPUT is a folder).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="With a folder: how many files to score at once, each in its own process "
                   "[default: the number of CPUs].")
@model_option
@complexity_option
@specs_option
@quiet_option
def score(input, exercise, json_path, html_path, video_path, csv_path, out_dir, jobs, model, model_complexity,
          specs_dirs, quiet):
    """Judge INPUT (a video, a still image, a landmark recording, or a folder of them) against an exercise.

    Prints a summary: good-form hold time against the target, reps and good reps, time in each fault and
    the cues with their times. With --json, writes the full report (per-frame states, faults and angles);
    --html, --annotated-video and --csv write the other views of it. Time comes from the video's own
    timestamps. `--exercise auto` recognises the exercise first and says how sure it is.

    \b
    A folder: every video and recording in it is scored (in parallel with --jobs), each report written
    to OUTDIR/NAME.json and OUTDIR/NAME.html, and a table printed (file, good hold, reps, main fault;
    also written to OUTDIR/summary.csv). A file that fails is reported and skipped; the exit status is 2
    when any failed.
      posecheck score sessions/ --exercise plank --out reports/ --jobs 2
    """
    if os.path.isdir(input):
        if json_path or html_path or video_path or csv_path:
            raise click.UsageError("with a folder, each input gets OUTDIR/NAME.json and NAME.html: use --out "
                                   "OUTDIR instead of --json/--html/--annotated-video/--csv")
        if not out_dir:
            from .errors import SourceOpenError
            raise SourceOpenError(f"{input} is a directory; to score every video and recording in it, give "
                                  "--out OUTDIR for the reports")
        _score_folder(input, exercise, out_dir, jobs, model, model_complexity, specs_dirs, quiet)
        return
    if jobs is not None:
        raise click.UsageError("--jobs is for a folder INPUT")
    from .api import score as api_score
    if out_dir:
        from .folder import output_names
        name = output_names([Path(input)])[Path(input)]
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        json_path = json_path or os.path.join(out_dir, f"{name}.json")
        html_path = html_path or os.path.join(out_dir, f"{name}.html")
    # A misspelt name fails now, before the model runs.
    target = exercise if exercise == "auto" else _load_exercise(exercise, specs_dirs)
    bar = _progress(_frame_count(input), "scoring", quiet)
    try:
        report = api_score(input, target,
                           model=model, model_complexity=model_complexity, specs_dirs=list(specs_dirs),
                           progress=bar, json=json_path, html=html_path, annotated_video=video_path,
                           csv=csv_path)
    finally:
        bar.close()
    det = getattr(report, "detection", None)
    if isinstance(det, dict):
        from .detect import Detection
        click.echo(Detection(**det).describe())
    click.echo(summary_text(report))
    for what, path in (("Report", json_path), ("HTML report", html_path), ("Annotated video", video_path),
                       ("Per-frame CSV", csv_path)):
        if path:
            click.echo(f"{what} written to {path}")
    if report.partial:
        sys.exit(130)


def _frame_count(path: str) -> int | None:
    """Frames in a video (for the progress bar's time left); None when unknown or not a video."""
    from .sources import open_frames
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


def _score_folder(folder, exercise, out_dir, jobs, model, model_complexity, specs_dirs, quiet) -> None:
    from .folder import score_folder, table_text, write_table_csv
    if exercise != "auto":
        _load_exercise(exercise, specs_dirs)
    jobs = jobs or os.cpu_count() or 1

    def done(r, i, n) -> None:
        if not quiet:
            click.echo(f"[{i}/{n}] {os.path.basename(r.input)}: " + ("done" if r.ok else f"FAILED: {r.error}"),
                       err=True)

    results = score_folder(folder, exercise, out_dir, jobs=jobs, model=model, model_complexity=model_complexity,
                           specs_dirs=list(specs_dirs), on_result=done)
    write_table_csv(results, os.path.join(out_dir, "summary.csv"))
    click.echo(table_text(results, show_exercise=exercise == "auto"))
    click.echo(f"Reports written to {out_dir}")
    if any(not r.ok for r in results):
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("video", type=click.Path())
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The landmark recording to write (.jsonl).")
@model_option
@complexity_option
@quiet_option
def record(video, out, model, model_complexity, quiet):
    """Run the pose model over VIDEO and save its landmarks as a recording (JSON Lines).

    A recording can be scored like a video (`posecheck score out.jsonl -e plank`), many times over,
    without running the model again. The file appears only when complete.
    """
    from .atomic import check_writable
    from .sources import open_frames
    check_writable(out)
    total = None
    if os.path.isfile(video) and not video.endswith(".jsonl"):
        try:
            src = open_frames(video)
            total = src.info.frames
            src.close()
        except PosecheckError:
            pass
    bar = _progress(total, "recording", quiet)
    try:
        n = api_record(video, out, model=model, model_complexity=model_complexity, progress=bar)
    finally:
        bar.close()
    click.echo(f"Wrote {n} frames of landmarks to {out}")


def _register_commands() -> None:
    # Every module in posecheck/commands adds its own commands: features stay out of each other's files.
    from .commands import register_all
    register_all(main)


_register_commands()


def run(argv=None) -> int:
    """Entry point: maps errors to one line and an exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("POSECHECK_DEBUG") == "1"
    if debug:
        os.environ["POSECHECK_DEBUG"] = "1"
    try:
        main.main(args=argv, prog_name="posecheck", standalone_mode=False)
        return 0
    except PosecheckError as e:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {e}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("Error: interrupted", err=True)
        return 130
    except click.UsageError as e:
        # One line, like every other error, with where to read more.
        cmd = e.ctx.command_path if e.ctx is not None else "posecheck"
        click.echo(f"Error: {e.format_message()} (see `{cmd} --help`)", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as e:
        click.echo(f"Error: {e.format_message()}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        return 130
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    except Exception as e:  # a bug: say so in one line, the traceback only on request
        if debug:
            traceback.print_exc()
        click.echo(f"Error: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)",
                   err=True)
        return EXIT_INTERNAL


def entry() -> None:
    sys.exit(run())
