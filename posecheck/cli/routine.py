"""`posecheck routine`: a guided session of several exercises (a routine file), live or from a video."""

from __future__ import annotations

import click

from posecheck.cli.options import complexity_option, model_option, specs_option
from posecheck.errors import PosecheckError
from posecheck.history.db import History, now_iso
from posecheck.io.atomic import check_writable
from posecheck.io.live_frames import open_live_frames
from posecheck.live.coach import format_event
from posecheck.live.display import WindowDisplay
from posecheck.live.voice import open_voice
from posecheck.routine.model import list_routines, load_routine
from posecheck.routine.report import history_record, write_routine_json
from posecheck.routine.safety import NOTICE_NAME, SAFETY_NOTICE
from posecheck.routine.session import STOPPED_ON_PAIN, run_routine

routines_option = click.option(
    "--routines", "routines_dirs", multiple=True, type=click.Path(file_okay=False),
    help="A folder of extra or overriding routines (repeatable; also $POSECHECK_ROUTINES).")


@click.command()
@click.argument("routine", required=False, default="back_basics", metavar="[NAME|FILE]")
@click.option("--camera", type=int, default=None, metavar="INDEX", help="Camera to open (default 0).")
@click.option("--source", type=click.Path(dir_okay=False), default=None, metavar="VIDEO",
              help="Play a video file (or a landmark recording .jsonl) as if it were the camera.")
@click.option("--headless", is_flag=True, help="No window: print what is said, with its time.")
@click.option("--voice/--no-voice", default=True, show_default=True, help="Speak (espeak-ng or pyttsx3).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Write the routine report (posecheck.routine/1) here.")
@click.option("--no-save", is_flag=True, help="Do not save this session to the history.")
@click.option("--no-drop", is_flag=True,
              help="With --source: judge every frame as fast as possible instead of in real time.")
@click.option("--count-breaths", is_flag=True, help="Say each breath's number during a hold.")
@click.option("--wait", "wait_s", type=click.FloatRange(min=5), default=120.0, show_default=True,
              help="Seconds to wait for a step's exercise before it is skipped.")
@click.option("--list", "list_only", is_flag=True, help="List the routines and exit.")
@model_option
@complexity_option
@specs_option
@routines_option
def routine(routine, camera, source, headless, voice, json_path, no_save, no_drop, count_breaths, wait_s,
            list_only, model, model_complexity, specs_dirs, routines_dirs):
    """Guide a whole session: each exercise of a routine in turn, with its sets, rests and breathing.

    \b
    posecheck routine                          # back_basics (~20 min), camera 0, window
    posecheck routine back_quick --camera 1    # the ~7 minute one
    posecheck routine back_quick --source session.mp4 --headless --json r.json
    posecheck routine my_routine.toml

    It recognises when you take up the exercise that is due (or another one of the routine: it follows you),
    times the hold or counts the reps, says when a set's target is reached, counts the rest down, and says
    what comes next. Holds have a breath pacer on screen; cat/cow says when to breathe in and out. Before
    the first routine on this machine the safety notice is shown. S in the window stops at once (stop on
    pain). The session is saved to the history (`posecheck history`) unless --no-save.
    """
    if list_only:
        for name, path in list_routines(routines_dirs).items():
            r = load_routine(path, specs_dirs)
            click.echo(f"{name:<16} {r.routine.title}: {len(r.steps)} steps, about "
                       f"{r.planned_s / 60:.0f} min ({path})")
        return
    if camera is not None and source is not None:
        raise PosecheckError("give either --camera INDEX or --source VIDEO, not both")
    if no_drop and source is None:
        raise PosecheckError("--no-drop is for --source VIDEO: a camera cannot wait for the judge")
    loaded = load_routine(routine, specs_dirs, routines_dirs)
    if json_path:
        check_writable(json_path)
    with History.open() as history:
        if history.seen(NOTICE_NAME) is None:
            click.echo(SAFETY_NOTICE)
            if source is None and not headless and click.get_text_stream("stdin").isatty():
                click.prompt("Press Enter once you have read it", default="", show_default=False)
            history.mark_seen(NOTICE_NAME)
        started_at = now_iso()
    display = None if headless else WindowDisplay(f"posecheck routine: {loaded.routine.title}")
    frames = open_live_frames(source, camera if camera is not None else 0, realtime=not no_drop)
    what = f"camera {camera or 0}" if source is None else source
    click.echo(f"routine: {loaded.routine.title} ({len(loaded.steps)} steps, about "
               f"{loaded.planned_s / 60:.0f} min) from {what}; "
               f"{'Ctrl-C' if headless else 'S stops (stop on pain), q quits'}")
    choice = open_voice(voice)
    if voice:
        click.echo(choice.message, err=True)
    try:
        result = run_routine(loaded, frames, model=model, model_complexity=model_complexity, display=display,
                             voice=choice.voice, on_event=lambda ev: click.echo(format_event(ev)),
                             wait_s=wait_s, count_breaths=count_breaths)  # the log also beside a window, as live
    finally:
        if choice.voice is not None:
            choice.voice.close()
    rep = result.report
    click.echo(f"Routine {rep.title}: {rep.summary.steps_done} of {rep.summary.steps} steps done "
               f"({rep.summary.ended_by})")
    for s in rep.steps:
        if s.skipped:
            click.echo(f"  {s.exercise:<14} skipped")
        else:
            click.echo(f"  {s.exercise:<14} {s.start_s:7.1f}-{s.end_s:.1f} s, {len(s.sets)} set(s): {s.verdict}")
    if result.ended_by == STOPPED_ON_PAIN:
        click.echo("Stopped on pain. If it was sharp, shooting or does not settle, get it checked before "
                   "training again.")
    if json_path:
        write_routine_json(rep, json_path)
        click.echo(f"Report written to {json_path}")
    if not no_save:
        with History.open() as history:
            sid = history.save(history_record(rep, started_at))
            click.echo(f"Saved to the history as session {sid} ({history.path})")


def register(main: click.Group) -> None:
    main.add_command(routine)
