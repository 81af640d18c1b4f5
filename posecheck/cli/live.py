"""`posecheck live`: coach a person in front of a camera (or a video played as if it were a camera)."""

from __future__ import annotations

import sys

import click

from posecheck.cli.options import complexity_option, model_option, specs_option
from posecheck.cli.signals import exit_code
from posecheck.core.detect import load_all_specs
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError
from posecheck.history.db import History, now_iso, record_from_report
from posecheck.io.atomic import check_not_input, check_writable
from posecheck.io.estimators import create_estimator
from posecheck.io.live_frames import open_live_frames
from posecheck.live.coach import format_event
from posecheck.live.display import WindowDisplay
from posecheck.live.run import recognise_live, run_live
from posecheck.live.summary import summary_lines
from posecheck.live.voice import open_voice
from posecheck.report.stream import FrameSpool, frame_dict, write_json_streamed


@click.command()
@click.option("--exercise", "-e", required=True,
              help="Exercise spec name (see `posecheck specs list`), a .toml file, or `auto`: recognise it once the "
                   "position has been held a few seconds, then coach it.")
@click.option("--camera", type=int, default=None, metavar="INDEX",
              help="Camera to open (default 0; try --camera 1 if the first is not the one you want).")
@click.option("--source", type=click.Path(dir_okay=False), default=None, metavar="VIDEO",
              help="Play a video file (or a landmark recording .jsonl) in real time as if it were the camera.")
@click.option("--headless", is_flag=True,
              help="No window: cues, state changes and timer milestones are printed with their times (and "
                   "spoken, unless --no-voice).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Write the session report here (same schema as `posecheck score --json`).")
@click.option("--record", "record_path", type=click.Path(dir_okay=False),
              help="Save the landmarks of every judged frame as a recording (.jsonl) to score again later.")
@click.option("--save-video", "video_path", type=click.Path(dir_okay=False),
              help="Save the camera's frames (as seen, not annotated) as an .mp4 to score again later.")
@click.option("--voice/--no-voice", default=True, show_default=True,
              help="Speak the cues (espeak-ng, or pyttsx3 from the [voice] extra); off if neither is found.")
@click.option("--no-drop", is_flag=True,
              help="With --source: judge every frame as fast as possible instead of in real time "
                   "(same frames as `posecheck score`).")
@click.option("--no-mirror", is_flag=True,
              help="Show the camera image as the camera sees it (by default a camera is mirrored, a video never).")
@click.option("--fullscreen", is_flag=True, help="Open the window full screen (it is resizable either way).")
@click.option("--labels", type=click.Choice(["words", "measures"]), default="words", show_default=True,
              help="Label the joints in words (\"hips 14 deg low\") or by measure name (body_sag 14), for a coach.")
@click.option("--stats", is_flag=True, help="Show developer figures on screen: FPS, time per stage, the clock.")
@click.option("--no-save", is_flag=True, help="Do not save this session to the history (`posecheck history`).")
@model_option
@complexity_option
@specs_option
def live(exercise, camera, source, headless, json_path, record_path, video_path, voice, no_drop, no_mirror,
         fullscreen, labels, stats, no_save, model, model_complexity, specs_dirs):
    """Coach one exercise live: camera guidance, cues on screen and spoken, a good-form hold timer, sets.

    \b
    posecheck live --exercise plank                # camera 0, window
    posecheck live -e plank --camera 1 --json session.json
    posecheck live -e plank --source sample_videos/plank_sag_a.mp4 --headless

    The window (resizable; --fullscreen) shows the picture (a camera's mirrored) with the skeleton, the
    key joints labelled in words, the state by colour and in words (green good form, red fault, grey not in
    position), the active cue in large letters, the hold timer against the target, reps (--stats adds FPS
    and the time per stage). Keys: q or Esc quit, space pause, r reset the set. Before judging, the person
    is guided into view ("Turn sideways to the camera", "Step back: your feet are out of view"); the timer
    starts only once they are in position, and counts good-form seconds only. Leaving the position ends a
    set; getting back into it starts the next. On exit (Ctrl-C too) a summary per set is printed, and the
    report written with --json. A video given with --source plays at its own pace: frames the loop cannot
    keep up with are dropped, as with a camera.
    """

    if camera is not None and source is not None:
        raise PosecheckError("give either --camera INDEX or --source VIDEO, not both")
    if headless and (fullscreen or stats or labels != "words"):
        raise click.UsageError("--fullscreen, --stats and --labels are for the window: leave out --headless")
    if no_drop and source is None:
        raise PosecheckError("--no-drop is for --source VIDEO: a camera cannot wait for the judge")
    auto = exercise == "auto"
    spec = None if auto else load_spec(exercise, list(specs_dirs))
    check_not_input([json_path, record_path, video_path],
                    [source, exercise if exercise.endswith(".toml") else None])
    for p in (json_path, record_path, video_path):
        if p:
            check_writable(p)
    started_at = now_iso()
    display = None if headless else WindowDisplay(f"posecheck live: {spec.title if spec else 'auto'}",
                                                  fullscreen=fullscreen)
    frames = open_live_frames(source, camera if camera is not None else 0, realtime=not no_drop)
    info = frames.info
    what = f"camera {camera or 0}" if source is None else source
    pace = "as fast as judged, every frame" if no_drop else "real time"
    name = spec.name if spec else "auto"
    if source is not None:
        click.echo(f"live: {name} from {what} ({info.width}x{info.height} @ {info.fps:g} fps, {pace}); "
                   f"{'Ctrl-C' if headless else 'q, Esc or Ctrl-C'} ends the session")
    else:
        click.echo(f"live: {name} from {what} ({info.width}x{info.height}); "
                   f"{'Ctrl-C' if headless else 'q, Esc or Ctrl-C'} ends the session")
    choice = open_voice(voice, headless=headless)
    if voice:
        click.echo(choice.message, err=True)

    def on_event(ev):
        if headless:
            click.echo(format_event(ev))

    estimator = None
    # Frames go to the report's temp file as they are judged: an hour-long session keeps none in memory.
    spool = FrameSpool(json_path) if json_path else None
    try:
        if auto:
            # Recognise first (as `score -e auto` does), then coach that exercise on the same frames and model.
            estimator = create_estimator(model, model_complexity) if info.kind != "recording" else None
            spec, det = recognise_live(frames, estimator, load_all_specs(list(specs_dirs)), display=display)
            if spec is None:
                frames.close()
                if display is not None:
                    display.close()
                seen = f" ({det.describe()})" if det is not None else ""
                raise PosecheckError(f"{what}: no exercise recognised before the input ended{seen}; name it with "
                                     "-e NAME (see `posecheck specs list`)")
            click.echo(det.describe())
        result = run_live(spec, frames, estimator=estimator, model=model, model_complexity=model_complexity,
                          display=display, voice=choice.voice, on_event=on_event, record_path=record_path,
                          video_path=video_path, mirror=False if no_mirror else None, stats=stats, labels=labels,
                          warm_up=not auto, keep_frames=False,
                          on_frame=(lambda fr: spool.write(frame_dict(fr))) if spool else None)
        if spool is not None:
            write_json_streamed(result.report, spool, json_path)
    finally:
        if estimator is not None:
            estimator.close()
        if choice.voice is not None:
            choice.voice.close()
        if spool is not None:
            spool.close()
    if result.ended_by == "camera stopped":
        click.echo(f"{what} stopped delivering frames: the session ended there", err=True)
    click.echo("\n".join(summary_lines(result, spec)))
    if json_path:
        click.echo(f"Report written to {json_path}")
    if record_path:
        click.echo(f"Landmarks written to {record_path}")
    if video_path:
        click.echo(f"Video written to {video_path}")
    if not no_save:
        with History.open() as history:
            sid = history.save(record_from_report(result.report, "live", started_at, result.ended_by))
        click.echo(f"Saved to the history as session {sid}")
    if result.ended_by == "interrupted":
        sys.exit(exit_code())  # Ctrl-C, SIGTERM or SIGHUP: the shell learns the session was stopped


def register(main: click.Group) -> None:
    main.add_command(live)
