"""`posecheck schema report|spec`: the JSON Schema of each file format posecheck reads or writes."""

from __future__ import annotations

import json

import click

from posecheck.core.specs import Spec
from posecheck.report.model import Report

SCHEMAS = {
    "report": Report,
    "spec": Spec,
}


@click.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)))
def schema(kind: str) -> None:
    """Print the JSON Schema of a file format: a report (`--json` of score and live) or an exercise spec."""
    click.echo(json.dumps(SCHEMAS[kind].json_schema(), indent=2))


def register(main: click.Group) -> None:
    main.add_command(schema)
