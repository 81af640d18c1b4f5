"""`posecheck specs ...`: list, show, validate exercise specs, print their JSON Schema, scaffold a new one."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from posecheck.cli.options import (
    EXIT_BAD_INPUT,
    complexity_option,
    model_option,
    progress_bar,
    quiet_option,
    specs_option,
)
from posecheck.cli.schema import json_schema
from posecheck.core.specs import (
    BUNDLED_SPECS_DIR,
    SPECS_ENV,
    find_spec,
    list_specs,
    load_spec_file,
)
from posecheck.errors import PosecheckError, SpecInvalid
from posecheck.io.atomic import atomic_write, check_not_input, check_writable
from posecheck.tuning.explore import load_clip, parse_input
from posecheck.tuning.scaffold import scaffold_spec


@click.group()
def specs():
    """List, show, validate exercise specs, print their JSON Schema, or scaffold a new one."""


def spec_origins(extra_dirs=None) -> dict[str, tuple[Path, str, bool]]:
    """name -> (file, where it comes from, whether it overrides a bundled spec of that name)."""
    extra = [Path(d).resolve() for d in (extra_dirs or [])]
    env = [Path(d).resolve() for d in os.environ.get(SPECS_ENV, "").split(os.pathsep) if d]
    bundled = {p.stem for p in BUNDLED_SPECS_DIR.glob("*.toml")}
    out = {}
    for name, path in list_specs(extra_dirs).items():
        parent = path.resolve().parent
        if parent == BUNDLED_SPECS_DIR.resolve():
            origin = "bundled"
        elif parent in extra:
            origin = "--specs"
        elif parent in env:
            origin = f"${SPECS_ENV}"
        else:
            origin = "?"
        out[name] = (path, origin, origin != "bundled" and name in bundled)
    return out


@specs.command("list")
@specs_option
def specs_list(specs_dirs):
    """Every known exercise, where it comes from (bundled, a --specs folder or $POSECHECK_SPECS) and its
    file; a user spec with a bundled name overrides the bundled one."""
    for name, (path, origin, overrides) in spec_origins(list(specs_dirs)).items():
        try:
            title = load_spec_file(path).title
        except PosecheckError:
            title = "(invalid: run `posecheck specs validate`)"
        where = origin + (" (overrides bundled)" if overrides else "")
        click.echo(f"{name:16} {title:20} {where:38} {path}")


@specs.command("show")
@click.argument("name")
@specs_option
def specs_show(name, specs_dirs):
    """Print the spec file of exercise NAME."""
    path = find_spec(name, list(specs_dirs))
    load_spec_file(path)
    click.echo(f"# {path}")
    click.echo(path.read_text(encoding="utf-8"), nl=False)


@specs.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def specs_validate(files):
    """Check spec FILES; every problem is named on its own line with its file, key path and what is expected."""
    bad = 0
    for f in files:
        try:
            s = load_spec_file(f)
        except SpecInvalid as e:
            bad += 1
            if len(e.problems) > 1:
                click.echo(f"Error: {f}: {len(e.problems)} problems", err=True)
                for problem in e.problems:
                    click.echo(f"  {problem}", err=True)
                continue
            click.echo(f"Error: {e}", err=True)
            continue
        except PosecheckError as e:
            click.echo(f"Error: {e}", err=True)
            bad += 1
            continue
        n = s.check_counts
        kinds = [f"{n['form']} form check{'s' if n['form'] != 1 else ''}"]
        kinds += [f"{n[k]} {k} check" for k in ("rep", "tempo") if n[k]]
        click.echo(f"{f}: ok ({s.name}: {', '.join(kinds)})")
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@specs.command("schema")
def specs_schema():
    """Print the JSON Schema of spec files (for editor completion)."""
    click.echo(json.dumps(json_schema("spec"), indent=2))


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@specs.command("new")
@click.argument("name")
@click.option("--from", "reference", required=True, metavar="CLIP",
              help="A video, photo or recording of the pose done right; CLIP@START-END takes only that part.")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False), help="The spec file to write (default: NAME.toml).")
@click.option("--title", help="A display name (default: from NAME).")
@click.option("--tolerance", "tolerance_deg", type=float, default=10.0, show_default=True,
              help="Degrees each check allows beyond the reference's own range.")
@click.option("--position-tolerance", "position_tolerance_deg", type=float, default=25.0, show_default=True,
              help="Degrees each body segment may lean away from the reference and still count as the pose.")
@click.option("--hold", "hold_s", type=float, help="The hold target in seconds (default: from the reference).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@model_option
@complexity_option
@quiet_option
def specs_new(name, reference, out, title, tolerance_deg, position_tolerance_deg, hold_s, force, model,
              model_complexity, quiet):
    """Scaffold the spec of a new pose NAME from a reference clip of it done right.

    \b
      posecheck specs new table_top --from tabletop.mp4@2-12
      posecheck score other_tabletop.mp4 -e table_top.toml

    The reference's steady part (where the body holds still) gives the position (each body segment's
    incline, with --position-tolerance), a check per direction on each body angle that stays steady (its
    range widened by --tolerance, with a plain cue), and the hold target. Every number is commented with the
    reference values it came from: edit the cues and numbers, or tune them with `posecheck tune`.
    """
    if not _NAME.match(name):
        raise PosecheckError(f"{name!r}: a spec name is snake_case (a-z, 0-9, _), e.g. table_top")
    if hold_s is not None and hold_s <= 0:
        raise PosecheckError("--hold must be > 0 seconds")
    out = out or f"{name}.toml"
    check_not_input([out], [parse_input(reference).path])
    check_writable(out)
    if Path(out).exists() and not force:
        raise PosecheckError(f"{out} exists; give another -o FILE, or --force to overwrite it")
    clip = load_clip(parse_input(reference), model=model, model_complexity=model_complexity,
                     progress_factory=lambda p: progress_bar(None, "pose model", quiet))
    sc = scaffold_spec(clip, name, title=title, tolerance_deg=tolerance_deg,
                       position_tolerance_deg=position_tolerance_deg, hold_s=hold_s)
    with atomic_write(out) as f:
        f.write(sc.text)
    spec = sc.spec
    span = "the photo" if clip.still else f"{sc.start_s:.1f}-{sc.end_s:.1f} s (held still)"
    click.echo(f"Wrote {out}: {name} from {clip.label}, {span}: {len(spec.position.require)} position "
               f"ranges, {len(spec.checks)} checks, hold {spec.hold.target_s:g} s")
    for m, why in sc.skipped:
        click.echo(f"  no check on {m}: {why}")
    verdict = "no faults" if not sc.faults else "faults " + ", ".join(sc.faults)
    click.echo(f"The reference under its own spec: in position {100 * sc.in_position_share:.0f}% of that "
               f"time, {verdict}.")
    click.echo(f"Try it: posecheck score OTHER_CLIP -e {out}   (or put it in a folder given to --specs)")


def register(main: click.Group) -> None:
    main.add_command(specs)
