"""Per-class recall and 3-class accuracy on labelled real plank frames (the Ngo frames, MIT; see
`../shared/data/real/labeled/README.md`), for the default specs and for `posecheck tune`.

    .venv/bin/python benchmarks/ngo_accuracy.py [../shared/data/real/labeled] [--aspect 16:9 4:3] [--md FILE]

Each labelled row is one frame, judged as a still image (no smoothing across rows, no debounce). Labels: C
correct, H hips too high, L hips too low. A frame's verdict: `hips_piking` -> H, `hips_sagging` -> L, judged
without either -> C (other faults, e.g. a minor one, do not change the class); "not in position" (the judge's
`setup`: the landmarks show no plank) and "cannot tell" (`unknown`: what decides the position cannot be seen,
e.g. a wrist under MediaPipe's visibility 0.5, or a body the view test finds turned) are counted apart, and
both are wrong.

- default: the plank family as shipped. The frames show forearm planks and some straight-arm planks, so a
  frame is judged by the spec whose position it is in (forearm_plank first, then plank).
- tuned: `posecheck tune -e forearm_plank` on one part of the frames, tested on the other (never the same
  frames): fold A tunes on ngo_dataset2 + ngo_dataset4 + the first half of the H file and tests on
  ngo_bad_data + ngo_dataset + the second half of the H file; fold B the other way round. ngo_dataset and
  ngo_dataset4 share most of their rows, so they are always on the same side. Other labelled files (any
  `*.csv` in the same format, e.g. another trainer's) are split in contiguous halves instead: fold A tunes on
  every file's first half and tests on the second halves, fold B the other way round.

The frames' aspect ratio was never recorded; the angles are taken at each aspect given (16:9 is the likeliest).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posecheck.core.evaluation import Evaluator
from posecheck.core.events import State
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError
from posecheck.io.atomic import atomic_write
from posecheck.io.labeled import ASPECTS, read_labeled_csv
from posecheck.tuning.tune import FrameClasses, labeled_material, tune

CLASSES = ("C", "H", "L")
FAULT_CLASS = {"hips_piking": "H", "hips_sagging": "L"}
CLASS_MAP = FrameClasses({"C": None, "H": "hips_piking", "L": "hips_sagging"})
H_FILE = "ngo_bad_data_high_hip_2022-10-06.csv"
FOLDS = {"A": ("ngo_dataset2_2022-11-16.csv", "ngo_dataset4_2022-09-20.csv"),
         "B": ("ngo_bad_data_2022-09-21.csv", "ngo_dataset_2022-09-21.csv")}


def classify(frame_result) -> str:
    """C, H, L, "none" (not in position) or "unknown" (cannot tell) from one still frame's result."""
    if not frame_result.in_position:
        return "unknown" if frame_result.state == State.UNKNOWN else "none"
    for f in frame_result.faults:
        if f in FAULT_CLASS:
            return FAULT_CLASS[f]
    return "C"


def judge_frames(frames, specs, width, height) -> list[tuple[str, str, str]]:
    """(label, predicted class, judging spec) per frame; the first spec whose position holds judges it. Out of
    every position: "unknown" if some spec could not tell, else "none"."""
    out = []
    for f in frames:
        pred, by = "none", "-"
        for spec in specs:
            r = Evaluator(spec, width, height, still=True).step(f.pose)
            if r.in_position:
                pred, by = classify(r), spec.name
                break
            if classify(r) == "unknown":
                pred = "unknown"
        out.append((f.label, pred, by))
    return out


def scores(rows) -> dict:
    n = Counter(r[0] for r in rows)
    hit = Counter(r[0] for r in rows if r[0] == r[1])
    out = {c: hit[c] / n[c] if n[c] else float("nan") for c in CLASSES}
    out["accuracy"] = sum(hit.values()) / len(rows) if rows else float("nan")
    out["none"] = sum(1 for r in rows if r[1] == "none")
    out["unknown"] = sum(1 for r in rows if r[1] == "unknown")
    out["n"] = len(rows)
    out["confusion"] = Counter((r[0], r[1]) for r in rows)
    return out


def split(files: dict) -> dict:
    """fold -> (tuning frames, testing frames)."""
    if {H_FILE, *FOLDS["A"], *FOLDS["B"]} != set(files):  # not the Ngo set (or more than it): halves
        return split_halves(files)
    h = files[H_FILE].frames
    halves = (h[: len(h) // 2], h[len(h) // 2:])
    out = {}
    for k, (name, other) in enumerate((("A", "B"), ("B", "A"))):
        train = [f for n in FOLDS[name] for f in files[n].frames] + list(halves[k])
        test = [f for n in FOLDS[other] for f in files[n].frames] + list(halves[1 - k])
        out[name] = (train, test)
    return out


def split_halves(files: dict) -> dict:
    """fold -> (tuning frames, testing frames), each file cut in contiguous halves (frames next to each other
    in a video are near copies: an interleaved split would test on the tuning frames' neighbours)."""
    halves = [(lf.frames[: len(lf.frames) // 2], lf.frames[len(lf.frames) // 2:]) for lf in files.values()]
    first = [f for a, _ in halves for f in a]
    second = [f for _, b in halves for f in b]
    return {"A": (first, second), "B": (second, first)}


def line(name: str, s: dict) -> str:
    conf = ", ".join(f"{a}->{b} {v}" for (a, b), v in sorted(s["confusion"].items()) if a != b)
    return (f"| {name} | {s['n']} | {s['C']:.3f} | {s['H']:.3f} | {s['L']:.3f} | {s['accuracy']:.3f} | "
            f"{s['none']} | {s['unknown']} | {conf or '-'} |")


def table(root: Path, aspects: list[str], tuned: bool = True, echo=None) -> list[str]:
    """The Markdown table: default specs over all frames and per test fold, and tune per fold."""
    paths = sorted(root.glob("*.csv"))
    if not paths:
        raise SystemExit(f"Error: {root}: no labelled .csv files (see ../shared/data/real/labeled/README.md)")
    family = [load_spec("forearm_plank"), load_spec("plank")]
    lines = ["| spec, frames | frames | recall C | recall H | recall L | 3-class accuracy | not in position | "
             "cannot tell | errors (label->said) |", "|---|---|---|---|---|---|---|---|---|"]
    say = echo or (lambda *_: None)
    for aspect in aspects:
        w, h = ASPECTS[aspect]
        files = {p.name: read_labeled_csv(p, w, h) for p in paths}
        every = [f for lf in files.values() for f in lf.frames]
        rows = judge_frames(every, family, w, h)
        lines.append(line(f"default ({aspect}), all frames", scores(rows)))
        say(lines[-1], f"  judged by: {dict(Counter(r[2] for r in rows))}")
        if not tuned:
            continue
        for fold, (train, test) in split(files).items():
            lines.append(line(f"default ({aspect}), fold {fold} test", scores(judge_frames(test, family, w, h))))
            say(lines[-1])
            try:
                material = labeled_material(train, CLASS_MAP, w, h, label=f"fold {fold}")
                result = tune(material, load_spec("forearm_plank"))
            except PosecheckError as e:  # e.g. no correct frame among the tuning frames: nothing to learn from
                lines.append(f"| tuned on fold {fold} ({aspect}): not tuned: {e} |")
                say(lines[-1])
                continue
            for warning in result.warnings:
                say(f"    tune: {warning}")
            for b in result.changes:
                say(f"    tune: {b.where} {b.key} {b.measure} {b.bound} {b.current:g} -> {b.proposed:g}")
            lines.append(line(f"tuned on fold {fold} ({aspect}), tested on the other frames",
                              scores(judge_frames(test, [result.tuned], w, h))))
            say(lines[-1])
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path, nargs="?", default=ROOT.parent / "shared" / "data" / "real" / "labeled")
    ap.add_argument("--aspect", nargs="+", default=["16:9", "4:3"], choices=sorted(ASPECTS))
    ap.add_argument("--md", type=Path, help="Also write the table here (Markdown).")
    ap.add_argument("--no-tune", action="store_true", help="Only the default specs.")
    args = ap.parse_args()
    try:
        lines = table(args.root, args.aspect, not args.no_tune, echo=lambda *a: print(*a, flush=True))
    except PosecheckError as e:  # a file that is not labelled frames
        print(f"Error: {e}", file=sys.stderr)
        return 2
    if args.md:
        with atomic_write(args.md) as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
