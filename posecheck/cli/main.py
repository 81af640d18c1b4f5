"""The command line: thin wrappers over the library. Errors become one `Error: ...` line.

Exit status: 0 done (whatever the form), 2 bad input or usage, 1 internal error (a bug: --debug shows it).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback

import click

from posecheck.cli import (
    angles,
    history,
    live,
    record,
    routine,
    schema,
    score,
    specs,
    tune,
)
from posecheck.cli import eval as eval_cmd
from posecheck.cli.options import EXIT_BAD_INPUT, EXIT_INTERNAL
from posecheck.cli.signals import Terminated, exit_code, handle_signals
from posecheck.errors import PosecheckError
from posecheck.io.atomic import cut
from posecheck.io.native import quiet_native_output
from posecheck.version import __version__


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
    A whole guided session (several exercises, rests, breathing), and the progress over the weeks:
      posecheck routine back_quick
      posecheck history --html progress.html
    See the exercises and their checks:
      posecheck specs list
      posecheck specs show plank
    """


# Each command lives in its own module and adds itself: features stay out of each other's files.
for _command in (angles, eval_cmd, history, live, record, routine, schema, score, specs, tune):
    _command.register(main)


def run(argv=None) -> int:
    """Entry point: maps errors to one line and an exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("POSECHECK_DEBUG") == "1"
    if debug:
        os.environ["POSECHECK_DEBUG"] = "1"
    try:
        with handle_signals():
            main.main(args=argv, prog_name="posecheck", standalone_mode=False)
        return 0
    except PosecheckError as e:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {e}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("Error: interrupted", err=True)
        return exit_code()
    except click.UsageError as e:
        # One line, like every other error, with where to read more.
        cmd = e.ctx.command_path if e.ctx is not None else "posecheck"
        click.echo(f"Error: {e.format_message()} (see `{cmd} --help`)", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as e:
        click.echo(f"Error: {e.format_message()}", err=True)
        return e.exit_code
    except KeyboardInterrupt as e:
        why = f" ({e.args[0]})" if isinstance(e, Terminated) else ""
        click.echo(f"Error: interrupted{why}", err=True)
        return exit_code(getattr(e, "signum", signal.SIGINT))
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    except MemoryError:
        if debug:
            traceback.print_exc()
        click.echo("Error: not enough memory for this input (is it far larger than a video of a person "
                   "exercising?); try a shorter or smaller file", err=True)
        return EXIT_BAD_INPUT
    except OSError as e:  # the machine, not posecheck: a full disk, a file system refusing, a name too long
        if debug:
            traceback.print_exc()
        where = f"{cut(e.filename)}: " if e.filename else ""
        click.echo(f"Error: {where}{(e.strerror or str(e)).lower()}", err=True)
        return EXIT_BAD_INPUT
    except Exception as e:  # a bug: say so in one line, the traceback only on request
        if debug:
            traceback.print_exc()
        click.echo(f"Error: internal error: {type(e).__name__}: {cut(e, 200)} (run with --debug for the traceback)",
                   err=True)
        return EXIT_INTERNAL


def entry() -> None:
    """The `posecheck` command. MediaPipe and FFmpeg print native chatter on fd 2; a user sees one line per
    problem instead, so the command (never the library) silences fd 2 for its run, unless --debug."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("POSECHECK_DEBUG") == "1"
    with quiet_native_output(active=not debug):
        code = run()
    sys.exit(code)
