"""`posecheck history`: the sessions saved by `live`, `routine` and `score --save`, as a table, JSON or a page."""

from __future__ import annotations

import json
from datetime import date

import click

from posecheck.errors import PosecheckError
from posecheck.history.db import History
from posecheck.history.html import write_history_html


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise PosecheckError(f"--since {value!r}: give a date as YYYY-MM-DD") from None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as JSON ({\"sessions\": [...]}).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained progress page here (to show a physiotherapist).")
@click.option("--exercise", "-e", default=None, help="Only sessions with this exercise (and only its numbers).")
@click.option("--since", default=None, metavar="DATE", help="Only sessions started on or after DATE (YYYY-MM-DD).")
@click.option("--forget", is_flag=True, help="Delete the sessions selected (all, or by --exercise / --since).")
@click.option("--yes", is_flag=True, help="With --forget: do not ask for confirmation.")
def history(as_json, html_path, exercise, since, forget, yes):
    """The sessions saved so far: good-form hold, reps, good reps and fault time of each.

    \b
    posecheck history                       # a table
    posecheck history --json                # {"sessions": [{"id", "started_at", "kind", "exercise", ...}]}
    posecheck history --html progress.html  # good hold over time, reps, faults, sessions per week
    posecheck history -e plank --since 2026-01-01
    posecheck history --forget --since 2026-11-01 --yes

    The database is $POSECHECK_HOME/history.db (default: the platform's user data folder).
    """
    since_iso = _since(since)
    with History.open() as h:
        if forget:
            n = len(h.sessions(exercise, since_iso))
            if not yes and not click.confirm(f"Delete {n} session(s) from {h.path}?", default=False):
                click.echo("Nothing deleted")
                return
            click.echo(f"Deleted {h.forget(exercise, since_iso)} session(s)")
            return
        sessions = h.sessions(exercise, since_iso)
        path = h.path
    if html_path:
        write_history_html(sessions, html_path)
        click.echo(f"Progress page written to {html_path}")
    if as_json:
        click.echo(json.dumps({"sessions": [s.to_dict() for s in sessions]}, indent=1))
        return
    if html_path:
        return
    if not sessions:
        click.echo(f"No sessions saved yet ({path})")
        return
    click.echo(f"{'id':>4}  {'started (UTC)':<16}  {'kind':<7}  {'exercise':<16}  {'good hold':>9}  "
               f"{'reps (good)':>11}  {'fault':>6}")
    for s in sessions:
        click.echo(f"{s.id:>4}  {s.started_at[:16].replace('T', ' '):<16}  {s.kind:<7}  {s.exercise[:16]:<16}  "
                   f"{s.good_hold_s:>8.1f}s  {f'{s.reps} ({s.good_reps})':>11}  {s.fault_s:>5.1f}s")
    click.echo(f"{len(sessions)} session(s) in {path}")


def register(main: click.Group) -> None:
    main.add_command(history)
