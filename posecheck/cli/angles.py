"""`posecheck angles INPUT`: every measure over time, to explore a pose before writing or tuning a spec."""

from __future__ import annotations

import sys

import click

from posecheck.cli.options import (
    complexity_option,
    model_option,
    progress_bar,
    quiet_option,
    specs_option,
)
from posecheck.core.geometry import MEASURES
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError
from posecheck.io.atomic import atomic_write, check_not_input, check_writable
from posecheck.report.templating import fixed
from posecheck.tuning.explore import (
    MEASURE_HELP,
    csv_text,
    load_clip,
    parse_input,
    plot_series,
)


def _fmt(v: float) -> str:
    return f"{fixed(float(v)):>6}"


@click.command()
@click.argument("input")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Draw every measure over time into this PNG (needs matplotlib: the [plot] extra).")
@click.option("--csv", "csv_path", is_flag=False, flag_value="-", default=None, metavar="[PATH]",
              type=click.Path(dir_okay=False),
              help="Write the measures of every frame as CSV: to PATH, or to stdout when no PATH is given.")
@click.option("--at", "at_s", type=float, help="Print the measures at this moment (seconds).")
@click.option("--exercise", "-e", help="With --plot: shade this spec's position ranges and draw its check bounds.")
@click.option("--measures", help="With --plot: only these measures (comma-separated).")
@model_option
@complexity_option
@specs_option
@quiet_option
def angles(input, plot_path, csv_path, at_s, exercise, measures, model, model_complexity, specs_dirs, quiet):
    """Every joint angle and body-line measure of INPUT over time (a video, image or landmark recording).

    The values are the evaluator's: the body side facing the camera, smoothed the same way. Without options,
    prints per measure the 5th percentile, median and 95th percentile over the frames where it is known;
    INPUT@START-END (seconds) takes only that part, e.g. clip.mp4@3-8.

    \b
      posecheck angles clip.mp4                    # a summary per measure
      posecheck angles clip.mp4 --at 12.5          # the values at 12.5 s
      posecheck angles clip.mp4 --plot angles.png -e plank
      posecheck angles clip.mp4 --csv angles.csv   # or --csv alone for stdout
    """
    # Options that would change nothing are refused, not silently ignored.
    if exercise and not plot_path:
        raise click.UsageError("--exercise draws a spec's ranges and bounds on the plot: give --plot FILE.png "
                               "with it")
    if measures and csv_path and not plot_path and at_s is None and csv_path != "-":
        raise click.UsageError("--measures picks the measures printed or plotted; the CSV has every measure")
    spec = load_spec(exercise, list(specs_dirs)) if exercise else None
    names = None
    if measures:
        names = [m.strip() for m in measures.split(",") if m.strip()]
        bad = [m for m in names if m not in MEASURES]
        if bad:
            raise PosecheckError(f"--measures: unknown {', '.join(bad)}; known: {', '.join(MEASURES)}")
    inp = parse_input(input)
    check_not_input([plot_path, csv_path if csv_path != "-" else None], [inp.path])
    if plot_path:
        check_writable(plot_path)
    if csv_path and csv_path != "-":
        check_writable(csv_path)
    clip = load_clip(inp, model=model, model_complexity=model_complexity,
                     progress_factory=lambda p: progress_bar(None, "measuring", quiet))
    # Measured over the whole input (the filters need the frames before the range), then cut.
    series = clip.series(spec.smoothing if spec else None).subset(clip.in_range())
    to_stdout = csv_path == "-"
    if csv_path:
        text = csv_text(series)
        if to_stdout:
            sys.stdout.write(text)
        else:
            with atomic_write(csv_path) as f:
                f.write(text)
    if plot_path:
        plot_series(series, plot_path, spec=spec, measures=names, mark_s=at_s)
    if to_stdout:
        return  # stdout carries the table only, so that it can be piped
    info = clip.info
    n = len(series)
    det = int(series.detected.sum())
    click.echo(f"{inp.label}: {n} frames, {info.width}x{info.height} @ {info.fps:g} fps; "
               f"person detected in {det} ({100.0 * det / max(n, 1):.0f}%)")
    if at_s is not None:
        i = series.index_at(at_s)
        side = series.side[i] or "-"
        click.echo(f"At {at_s:g} s (frame {i}, t = {series.t_s[i]:.3f} s, side {side}):")
        for m in (names or MEASURES):
            click.echo(f"  {m:18} {_fmt(series.values[m][i])}  {MEASURE_HELP.get(m, '')}")
    elif not plot_path and not csv_path:
        st = series.stats(series.detected)
        sides = [s for s in series.side if s]
        if sides:
            main_side = max(set(sides), key=sides.count)
            click.echo(f"Side facing the camera: {main_side} ({100.0 * sides.count(main_side) / len(sides):.0f}%"
                       " of the frames with a person)")
        click.echo(f"  {'measure':18} {'p5':>6} {'median':>6} {'p95':>6}  known  (degrees)")
        for m in (names or MEASURES):
            s = st[m]
            click.echo(f"  {m:18} {_fmt(s['p5'])} {_fmt(s['median'])} {_fmt(s['p95'])}  {s['n']:5d}  "
                       f"{MEASURE_HELP.get(m, '')}")
    if csv_path:
        click.echo(f"CSV written to {csv_path}")
    if plot_path:
        click.echo(f"Plot written to {plot_path}")


def register(main: click.Group) -> None:
    main.add_command(angles)
