"""`posecheck eval DIR`: the accuracy suite over rendered clips with ground truth."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from posecheck.batch.accuracy import evaluate_folder, markdown_table
from posecheck.io.atomic import atomic_write


@click.command("eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False), default="sample_videos")
@click.option("--md", "md_path", type=click.Path(dir_okay=False), help="Also write the table as markdown here.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=".cache/eval", show_default=True,
              help="Landmark recordings of the clips are kept here, so a re-run only re-judges.")
@click.option("--recompute", is_flag=True, help="Run the model again even where a cached recording exists.")
@click.option("--only", help="Only clips whose name contains this text.")
@click.option("--every-frame", is_flag=True,
              help="Run the model on every frame (by default it skips frames while the body is still, as "
                   "`score` does).")
def eval_cmd(folder, md_path, cache_dir, recompute, only, every_frame):
    """Measure how well posecheck judges: every clip in FOLDER with a <name>.truth.json.

    Prints per clip and overall: angle error against the true keypoints (median, p95), fault detection
    per fault id (events found, frame precision/recall, latency from the true onset to the cue), hold time
    error, rep count error and false cues on clean clips.
    """
    def progress(i, n, name):
        print(f"[{i}/{n}] {name}", file=sys.stderr, flush=True)

    results = evaluate_folder(folder, cache_dir=cache_dir, recompute=recompute, only=only, progress=progress,
                              every_frame=every_frame)
    if not results:
        raise click.UsageError(f"no clip with a .truth.json in {folder}")
    table = markdown_table(results)
    click.echo(table)
    if md_path:
        with atomic_write(md_path) as f:
            flag = " --every-frame" if every_frame else ""
            f.write(f"# Accuracy on {Path(folder)}\n\nCommand: `posecheck eval {folder}{flag} --md {md_path}`\n\n"
                    + table + "\n")


def register(main: click.Group) -> None:
    main.add_command(eval_cmd)
