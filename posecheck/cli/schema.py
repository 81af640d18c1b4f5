"""`posecheck schema report|spec|routine|routine-report`: the JSON Schema of each file format posecheck reads or writes."""

from __future__ import annotations

import json

import click
from pydantic import BaseModel

from posecheck.core.specs import Spec
from posecheck.report.model import Report
from posecheck.routine.model import Routine
from posecheck.routine.report import RoutineReport

# A model with its own `json_schema()` (the report: its keys as written) is asked for it; any other pydantic
# model gives its validation schema.
SCHEMAS: dict[str, type[BaseModel]] = {
    "report": Report,
    "spec": Spec,
    "routine": Routine,
    "routine-report": RoutineReport,
}

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict:
    """The JSON Schema of file format `kind` (a key of SCHEMAS)."""
    model = SCHEMAS[kind]
    own = getattr(model, "json_schema", None)
    if callable(own):
        return own()
    schema = model.model_json_schema()
    if kind in ("spec", "routine"):
        schema.get("properties", {}).pop("source_file", None)  # set by the loader, never written in a file
    return {"$schema": DIALECT, **schema}


@click.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)))
def schema(kind: str) -> None:
    """Print the JSON Schema of a file format: a report (`--json` of score and live), an exercise spec, a
    routine file, or a routine report (`posecheck routine --json`)."""
    click.echo(json.dumps(json_schema(kind), indent=2))


def register(main: click.Group) -> None:
    main.add_command(schema)
