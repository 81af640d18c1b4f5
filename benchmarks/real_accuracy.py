"""The accuracy suite's second half: real third-party footage, which has no exact angles.

    .venv/bin/python benchmarks/real_accuracy.py [../shared/data/real] [--recordings DIR] [--md FILE]

Per file of the MANIFEST.json (class = the exercise, or "other" for a look-alike): the exercise recognised by
`--exercise auto`, the in-position rate when judged as its own exercise (the share of the time a person is
seen that is judged: good, fault or unknown) and the verdict; for look-alikes, the false "in position" rate:
the largest share of time any of the five exercises judged them. `--recordings DIR` uses DIR/<stem>.jsonl
(made with `posecheck record`) for videos instead of running the model again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posecheck.report.build import build_report
from posecheck.io.atomic import atomic_write
from posecheck.core.detect import detect_poses, load_all_specs
from posecheck.core.session import Session
from posecheck.io.streams import open_poses


def judged_share(poses, info, spec) -> tuple[float, dict, dict]:
    s = Session(spec, info)
    for p in poses:
        s.step(p)
    rep = build_report(s)
    st = rep.summary.state_s
    if info.kind == "image":
        state = rep.frames[0].state
        return (1.0 if state in ("good", "fault", "unknown") else 0.0), rep.summary.fault_s, {state: 1}
    seen = sum(v for k, v in st.items() if k != "absent")
    judged = st.get("good", 0) + st.get("fault", 0) + st.get("unknown", 0)
    return (judged / seen if seen else 0.0), rep.summary.fault_s, st


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path, nargs="?", default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--recordings", type=Path)
    ap.add_argument("--md", type=Path, default=ROOT / "benchmarks" / "results" / "real.md")
    args = ap.parse_args()
    manifest = json.loads((args.root / "MANIFEST.json").read_text())
    specs = {s.name: s for s in load_all_specs()}
    rows, lines = [], ["| file | kind | class | auto (confidence) | judged as its class: in position, faults | "
                       "look-alike: most time judged |", "|---|---|---|---|---|---|"]
    for m in sorted(manifest, key=lambda m: (m["class"], m["kind"], m["path"])):
        path = args.root / m["path"]
        src = path
        if m["kind"] == "video" and args.recordings and (args.recordings / f"{path.stem}.jsonl").exists():
            src = args.recordings / f"{path.stem}.jsonl"
        with open_poses(src) as stream:
            info, poses = stream.info, [p for _f, p in stream]
        det = detect_poses(poses, info.width, info.height, list(specs.values()), still_image=info.kind == "image")
        cls = m["class"]
        own, alike = "-", "-"
        if cls in specs:
            share, faults, _ = judged_share(poses, info, specs[cls])
            own = f"{share:.0%}" + (", " + ", ".join(f"{k} {v:.1f} s" if info.kind != "image" else k
                                                     for k, v in faults.items()) if faults else "")
            rows.append((cls, det.exercise == cls, share, None))
        else:
            worst = max(((judged_share(poses, info, s)[0], n) for n, s in specs.items()), key=lambda x: x[0])
            alike = f"{worst[0]:.0%} ({worst[1]})" if worst[0] > 0 else "0%"
            rows.append((cls, det.exercise is None, None, worst[0]))
        lines.append(f"| {path.name} | {m['kind']} | {cls} | {det.exercise or 'none'} ({det.confidence:.0%}) | "
                     f"{own} | {alike} |")
        print(lines[-1], flush=True)
    ex = [r for r in rows if r[0] in specs]
    conf = [r for r in rows if r[0] not in specs]
    summary = [
        "",
        f"- exercise recognised: {sum(r[1] for r in ex)}/{len(ex)} exercise files; look-alikes called none: "
        f"{sum(r[1] for r in conf)}/{len(conf)}",
        f"- judged (in position) as their own exercise: median {sorted(r[2] for r in ex)[len(ex) // 2]:.0%}; "
        f"files never in position: {sum(1 for r in ex if r[2] == 0)}/{len(ex)}",
        f"- look-alikes falsely in position for some exercise: {sum(1 for r in conf if r[3] > 0)}/{len(conf)}",
    ]
    print("\n".join(summary))
    with atomic_write(args.md) as f:
        f.write(f"# Real footage ({args.root.name}: third-party, not committed)\n\n"
                f"Command: `python benchmarks/real_accuracy.py`\n\n" + "\n".join(lines + summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
