"""Accuracy of `--exercise auto` on a labelled folder of real clips and photos (the MANIFEST.json layout of
shared/data/real: `path`, `class`, `kind`; class "other" = a confuser, whose right answer is "none").

    .venv/bin/python benchmarks/detect_accuracy.py ../shared/data/real [--recordings /tmp/real]
    .venv/bin/python benchmarks/detect_accuracy.py sample_videos     # rendered clips: labels from *.truth.json

`--recordings DIR`: use DIR/<video stem>.jsonl (landmarks made with the bundled model) instead of running the
model on the videos again. Prints one line per file and the accuracy figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from posecheck.core.detect import detect_poses, load_all_specs
from posecheck.io.streams import open_poses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--recordings", type=Path, default=None)
    args = ap.parse_args()
    if (args.root / "MANIFEST.json").exists():
        manifest = json.loads((args.root / "MANIFEST.json").read_text())
    else:  # rendered sample clips: the truth file names the exercise (finished clips only)
        manifest = [{"path": t.name.replace(".truth.json", ".mp4"), "kind": "video",
                     "class": json.loads(t.read_text())["exercise"]} for t in sorted(args.root.glob("*.truth.json"))]
        manifest = [m if m["class"] in {p.stem for p in Path(__file__).resolve().parent.parent.glob(
            "exercise_specs/*.toml")} else {**m, "class": "other"} for m in manifest]
    specs = load_all_specs()
    known = {s.name for s in specs}
    rows = []
    for m in sorted(manifest, key=lambda m: (m["kind"], m["class"], m["path"])):
        if m["kind"] not in ("image", "video"):
            continue  # labelled landmark frames: benchmarks/ngo_accuracy.py
        path = args.root / m["path"]
        src = path
        if m["kind"] == "video" and args.recordings is not None:
            rec = args.recordings / (path.stem + ".jsonl")
            src = rec if rec.exists() else path
        with open_poses(src) as stream:
            info = stream.info
            poses = [p for _f, p in stream]
        det = detect_poses(poses, info.width, info.height, specs, still_image=info.kind == "image")
        truth = m["class"] if m["class"] in known else None
        ok = det.exercise == truth
        rows.append((m["kind"], m["class"], ok, det))
        print(f"{'ok ' if ok else 'BAD'} {m['kind']:5} {m['class']:13} -> {str(det.exercise):13} "
              f"{100 * det.confidence:3.0f}%  {path.name}")
    print()
    for kind in ("image", "video", None):
        sel = [r for r in rows if kind is None or r[0] == kind]
        if not sel:
            continue
        good = sum(r[2] for r in sel)
        conf = [r for r in sel if r[1] == "other"]
        tgt = [r for r in sel if r[1] != "other"]
        print(f"{kind or 'all':5}: {good}/{len(sel)} right ({100 * good / len(sel):.0f}%); exercises "
              f"{sum(r[2] for r in tgt)}/{len(tgt)}, confusers called none {sum(r[2] for r in conf)}/{len(conf)}")
    errors = Counter((r[1], str(r[3].exercise)) for r in rows if not r[2])
    if errors:
        print("errors (truth -> said):", ", ".join(f"{a}->{b} x{n}" for (a, b), n in errors.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
