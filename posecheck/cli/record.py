"""`posecheck record`: run the pose model once and keep the landmarks as a recording."""

from __future__ import annotations

import os
import sys

import click

from posecheck.api import record as api_record
from posecheck.cli.options import (
    complexity_option,
    model_option,
    progress_bar,
    quiet_option,
)
from posecheck.cli.signals import exit_code, received, signal_name
from posecheck.errors import PosecheckError
from posecheck.io.atomic import check_not_input, check_writable
from posecheck.io.frames import open_frames


@click.command()
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
    check_not_input([out], [video])
    check_writable(out)
    total = None
    if os.path.isfile(video) and not video.endswith(".jsonl"):
        try:
            src = open_frames(video)
            total = src.info.frames
            src.close()
        except PosecheckError:
            pass
    bar = progress_bar(total, "recording", quiet)
    try:
        n = api_record(video, out, model=model, model_complexity=model_complexity, progress=bar)
    finally:
        bar.close()
    if received() is not None:  # stopped: what was recorded is kept, and the exit status says it was cut short
        click.echo(f"Interrupted ({signal_name(received())}): wrote the {n} frames recorded so far to {out}")
        sys.exit(exit_code())
    click.echo(f"Wrote {n} frames of landmarks to {out}")


def register(main: click.Group) -> None:
    main.add_command(record)
