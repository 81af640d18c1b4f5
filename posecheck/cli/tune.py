"""`posecheck tune`: propose a spec's thresholds from clips of good and of faulty form, or tune them by hand
with sliders (`--interactive`)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from posecheck.cli.options import (
    complexity_option,
    model_option,
    progress_bar,
    quiet_option,
    specs_option,
)
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError
from posecheck.io.atomic import atomic_write, check_not_input, check_writable
from posecheck.io.labeled import ASPECTS, read_labeled_csv
from posecheck.tuning import tune as lib
from posecheck.tuning.explore import parse_input
from posecheck.tuning.tuner import serve

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _ManyValuesCommand(click.Command):
    """Lets `--good A.mp4 B.jsonl --bad C.mp4` take several values per flag, as a shell glob gives them
    (click options take one value each): each bare word after --good/--bad belongs to that flag."""

    many = ("--good", "--bad", "--frames")

    def parse_args(self, ctx, args):
        out, cur = [], None
        for a in args:
            if a in self.many:
                cur = a
                continue
            if a.startswith("-") and len(a) > 1:
                cur = None
                out.append(a)
            elif cur is not None:
                out += [cur, a]
            else:
                out.append(a)
        return super().parse_args(ctx, out)


def _default_name(out: str | None, spec_name: str) -> str:
    stem = Path(out).stem if out else ""
    return stem if _ID.match(stem) else spec_name


@click.command(cls=_ManyValuesCommand)
@click.option("--exercise", "-e", required=True, help="The spec to tune: a name (see `posecheck specs list`) "
              "or a .toml file.")
@click.option("--good", "good", multiple=True, metavar="CLIP...",
              help="Clips of good form: videos, images or recordings; CLIP@START-END takes only that part.")
@click.option("--bad", "bad", multiple=True, metavar="CLIP...", help="Clips of faulty form, likewise.")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False),
              help="Write the tuned spec here (the original file with new numbers, comments kept).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a report: angle distributions of good and bad, current and proposed bounds.")
@click.option("--margin", "margin_deg", type=float, default=2.0, show_default=True,
              help="Degrees a bound keeps from the good material (and, if it can, from the bad).")
@click.option("--check", "only", multiple=True, help="Tune only this check (repeatable); the others are kept.")
@click.option("--frames", "frames", multiple=True, metavar="CSV...",
              help="Labelled frames: CSV files of landmarks with a label per row (the Ngo plank frames' layout); "
                   "each frame is judged on its own. Say what the labels mean with --classes.")
@click.option("--classes", "classes", default="C=good,H=hips_piking,L=hips_sagging", show_default=True,
              help="--frames: what each label means, LABEL=good or LABEL=CHECK_ID, comma-separated.")
@click.option("--aspect", type=click.Choice(sorted(ASPECTS)), default="16:9", show_default=True,
              help="--frames: the frames' aspect ratio (the files do not record it; angles depend on it).")
@click.option("--widen-position/--keep-position", "widen_position", default=None,
              help="Widen the position ranges to take in all the given material / never widen them. "
                   "Default: widen them when material falls out of position, and say so.")
@click.option("--name", help="The tuned spec's name (default: the output file's name, e.g. my_plank).")
@click.option("--interactive", "interactive", metavar="INPUT",
              help="Open a page with a slider per threshold over INPUT: states, faults and cues follow at once; "
                   "Save writes -o (default EXERCISE_tuned.toml).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="--interactive: the port (default: any free).")
@click.option("--no-browser", is_flag=True, help="--interactive: print the address, do not open a browser.")
@model_option
@complexity_option
@specs_option
@quiet_option
def tune(exercise, good, bad, frames, classes, aspect, out, html_path, margin_deg, only, widen_position, name,
         interactive, port,
         no_browser, model, model_complexity, specs_dirs, quiet):
    """Propose the thresholds of an exercise's checks from reference clips.

    \b
      posecheck tune -e plank --good ok1.mp4 ok2.jsonl --bad sag.mp4@3-9 -o my_plank.toml --html tune.html
      posecheck tune -e plank --interactive clip.mp4 -o my_plank.toml
      posecheck tune -e forearm_plank --frames trainer.csv --classes C=good,H=hips_piking,L=hips_sagging

    Each check's bounds are set so that the good clips pass and the bad ones are caught, with a margin: a
    bound moves out when good form would trip it, and in when a bad clip gets through, to the midpoint
    between the two. Prints each check's current and proposed range and how each spec judges every clip.
    The tuned spec is the original file with the new numbers (each change commented), ready for --specs.
    Videos run through the pose model once; recordings (`posecheck record`) replay at once.
    """
    spec = load_spec(exercise, list(specs_dirs))
    if name is not None and not _ID.match(name):
        raise PosecheckError(f"--name {name!r}: use snake_case (a-z, 0-9, _), e.g. my_plank")
    inputs = [parse_input(c).path for c in (*good, *bad, *([interactive] if interactive else []))] + list(frames)
    check_not_input([out, html_path], inputs + [exercise if exercise.endswith(".toml") else None])
    for p in (out, html_path):
        if p:
            check_writable(p)

    def bar(path):
        return progress_bar(None, f"pose model on {Path(path).name}", quiet)

    if interactive:
        if good or bad:
            raise PosecheckError("--interactive takes one INPUT; leave out --good/--bad")
        # Without -o, Save writes NAME_tuned.toml here: never over the spec being tuned.
        new_name = name or (_default_name(out, spec.name) if out else f"{spec.name}_tuned")
        serve(interactive, spec, out=out or f"{new_name}.toml", name=new_name, port=port,
              open_browser=not no_browser, model=model, model_complexity=model_complexity, progress_factory=bar,
              echo=click.echo)
        return
    if not good and not frames:
        raise PosecheckError("give clips of good form with --good (and of faulty form with --bad), labelled "
                             "frames with --frames, or one clip with --interactive")
    material = lib.load_material(list(good), list(bad), model=model, model_complexity=model_complexity,
                                 progress_factory=bar) if good else []
    if bad and not good:
        raise PosecheckError("give clips of good form with --good too (--bad alone teaches nothing)")
    if frames:
        w, h = ASPECTS[aspect]
        labelled = [f for path in frames for f in read_labeled_csv(path, w, h).frames]
        material += lib.labeled_material(labelled, lib.FrameClasses.parse(classes), w, h,
                                         label=Path(frames[0]).name if len(frames) == 1 else f"{len(frames)} files",
                                         spec=spec)
    result = lib.tune(material, spec, margin_deg=margin_deg, only=list(only), widen_position=widen_position)
    what = ", ".join(x for x in (f"{len(good)} good and {len(bad)} bad clips" if good else "",
                                 f"labelled frames from {len(frames)} file(s) at {aspect}" if frames else "") if x)
    click.echo(f"{spec.name}: {what}, margin {margin_deg:g} deg")
    click.echo("")
    click.echo(result.check_table())
    click.echo("")
    click.echo(result.clip_table())
    click.echo("")
    click.echo(result.summary())
    for w in result.warnings:
        click.echo(f"Warning: {w}")
    sources = f"{len(good)} good + {len(bad)} bad clips" + (f" + labelled frames ({', '.join(Path(f).name for f in frames)}, {aspect})" if frames else "")
    if out:
        new_name = name or _default_name(out, spec.name)
        lib.write_tuned_spec(result, out, name=new_name, sources=sources)
        click.echo(f"Tuned spec written to {out} ({len(result.changes)} bounds changed; name {new_name!r}: "
                   f"use it with -e {out})")
    elif result.changes:
        click.echo("Give -o FILE to write the tuned spec.")
    if html_path:
        with atomic_write(html_path) as f:
            f.write(lib.render_html(result))
        click.echo(f"Report written to {html_path}")


def register(main: click.Group) -> None:
    main.add_command(tune)
