"""Cat/cow reps on a face that reads differently at rest: the rendered cat/cow clips (MediaPipe on the renders),
with the head measure moved by what real faces read against the renders (20-32 deg lower on planks and forearm
planks: benchmarks/results/real.md), counted with the extremes relative to the person's own rest (the spec's
`rest_deg`) and with the renders' fixed extremes.

    .venv/bin/python benchmarks/cat_cow_rest.py --renders DIR [--md FILE]

DIR holds `posecheck eval` recordings of sample_videos (`<clip>.<size>.<mtime>[.sampled].jsonl`, as
`posecheck eval --cache DIR` keeps them). No real cat/cow footage is at hand: this checks the logic against a
moved rest, not real people's swing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posecheck.core.evaluation import Evaluator  # noqa: E402
from posecheck.core.parts.reps import RepCounter  # noqa: E402
from posecheck.core.parts.tempo import TempoJudge  # noqa: E402
from posecheck.core.specs import load_spec  # noqa: E402
from posecheck.io.atomic import atomic_write  # noqa: E402
from posecheck.io.streams import open_poses  # noqa: E402

OFFSETS_DEG = (-32.0, -20.0, 0.0, 10.0)


def head_series(recording: Path, spec) -> list[tuple[float, float]]:
    """(t, smoothed head measure) over the frames the evaluator judges (in position or entering it)."""
    src = open_poses(recording)
    ev = Evaluator(spec, src.info.width, src.info.height)
    out = []
    for _, pose in src:
        r = ev.step(pose)
        if ev._position.judging:
            out.append((r.t_s, r.angles[spec.reps.measure]))
    return out


def count(series, reps, tempo, offset_deg: float) -> tuple[int, int]:
    rc = RepCounter(reps, TempoJudge(tempo))
    for t, v in series:
        rc.update(v + offset_deg, t)
    return len(rc.reps), sum(r.good for r in rc.reps)


def table(renders: Path) -> list[str]:
    spec = load_spec("cat_cow")
    fixed = spec.reps.model_copy(update={"rest_deg": None})
    head = " | ".join(f"{o:+g} deg: relative / fixed" for o in OFFSETS_DEG)
    lines = [f"| clip | truth reps (good) | {head} |", "|---|---|" + "---|" * len(OFFSETS_DEG)]
    for truth_path in sorted((ROOT / "sample_videos").glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        if truth["exercise"] != "cat_cow":
            continue
        stem = truth_path.name.removesuffix(".truth.json")
        recs = sorted(renders.glob(f"{stem}.*.jsonl"))
        if not recs:
            lines.append(f"| {stem} | - | no recording in {renders} |")
            continue
        series = head_series(recs[0], spec)
        n, good = len(truth["reps"]), sum(r["good"] for r in truth["reps"])
        cells = []
        for off in OFFSETS_DEG:
            rel, fix = count(series, spec.reps, spec.tempo, off), count(series, fixed, spec.tempo, off)
            cells.append(f"{rel[0]} ({rel[1]}) / {fix[0]} ({fix[1]})")
        lines.append(f"| {stem} | {n} ({good}) | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--renders", type=Path, default=ROOT / ".cache" / "eval")
    ap.add_argument("--md", type=Path, help="Also write the table here (Markdown).")
    args = ap.parse_args()
    lines = table(args.renders)
    print("\n".join(lines))
    if args.md:
        with atomic_write(args.md) as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
