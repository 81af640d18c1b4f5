"""The command line: thin wrappers over the library. Errors become one `Error: ...` line.

Exit status: 0 done (whatever the form), 2 bad input or usage, 1 internal error (a bug: --debug shows it).
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import click

from . import __version__
from .api import record as api_record
from .api import score_stream
from .errors import PosecheckError
from .progress import Progress
from .report import summary_text, write_json
from .sources import open_poses
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
    Save the pose landmarks of a video once, then score them again and again without the model:
      posecheck record sample_videos/plank_sag_a.mp4 -o plank.jsonl
      posecheck score plank.jsonl --exercise plank
    See the exercises and their checks:
      posecheck specs list
      posecheck specs show plank
    """


@main.command()
@click.argument("input", type=click.Path())
@click.option("--exercise", "-e", required=True, help="Exercise spec name (see `posecheck specs list`) or a .toml file.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
@model_option
@complexity_option
@specs_option
@quiet_option
def score(input, exercise, json_path, model, model_complexity, specs_dirs, quiet):
    """Judge INPUT (a video, a still image or a landmark recording) against an exercise.

    Prints a summary: good-form hold time against the target, reps and good reps, time in each fault and
    the cues with their times. With --json, writes the full report (per-frame states, faults and angles).
    Time comes from the video's own timestamps.
    """
    spec = _load_exercise(exercise, specs_dirs)
    if json_path:
        from .atomic import check_writable
        check_writable(json_path)
    with open_poses(input, model=model, model_complexity=model_complexity) as stream:
        bar = Progress(stream.info.frames, "scoring", enabled=False if quiet else None)
        try:
            report = score_stream(stream, spec, progress=bar)
        finally:
            bar.close()
    if report.source.frames == 0:
        raise PosecheckError(f"{input}: no frames to score")
    if json_path:
        write_json(report, json_path)
    click.echo(summary_text(report))
    if json_path:
        click.echo(f"Report written to {json_path}")
    if report.partial:
        sys.exit(130)


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
    bar = Progress(total, "recording", enabled=False if quiet else None)
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
    except click.ClickException as e:
        e.show()
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
