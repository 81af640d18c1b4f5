"""Options and helpers shared by every command: one place, so the commands read alike."""

from __future__ import annotations

import sys

import click

from posecheck.cli.progress import Progress
from posecheck.core.specs import SPECS_ENV, Spec, load_spec

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


def progress_bar(total: int | None, label: str, quiet: bool) -> Progress:
    return Progress(total, label, enabled=False if quiet else None, stream=_CurrentStderr())


def load_exercise(exercise: str, specs_dirs) -> Spec:
    return load_spec(exercise, list(specs_dirs))


