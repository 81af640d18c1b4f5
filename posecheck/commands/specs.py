"""`posecheck specs ...`: list, show, validate exercise specs, print their JSON Schema."""

from __future__ import annotations

import json
import sys

import click

from ..cli import EXIT_BAD_INPUT, specs_option
from ..errors import PosecheckError
from ..specs import Spec, find_spec, list_specs, load_spec_file


@click.group()
def specs():
    """List, show, validate exercise specs, or print their JSON Schema."""


@specs.command("list")
@specs_option
def specs_list(specs_dirs):
    """Every known exercise, with the file it comes from (user folders override the bundled ones)."""
    found = list_specs(list(specs_dirs))
    for name, path in found.items():
        try:
            title = load_spec_file(path).title
        except PosecheckError:
            title = "(invalid: run `posecheck specs validate`)"
        click.echo(f"{name:16} {title:20} {path}")


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
    """Check spec FILES; every problem is named with its file, key path and what is expected."""
    bad = 0
    for f in files:
        try:
            s = load_spec_file(f)
            click.echo(f"{f}: ok ({s.name}: {len(s.checks)} checks)")
        except PosecheckError as e:
            click.echo(f"Error: {e}", err=True)
            bad += 1
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@specs.command("schema")
def specs_schema():
    """Print the JSON Schema of spec files (for editor completion)."""
    schema = Spec.model_json_schema()
    schema.get("properties", {}).pop("source_file", None)
    click.echo(json.dumps(schema, indent=2))


def register(main: click.Group) -> None:
    main.add_command(specs)
