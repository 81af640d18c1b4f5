"""Real footage, in one table (`benchmarks/results/real.md`): third-party clips and photos labelled by people,
which have no exact angles, and the Ngo labelled plank frames.

    .venv/bin/python benchmarks/real_accuracy.py [../shared/data/real] [--recordings DIR] [--renders DIR] [--md FILE]

Without `--renders` recordings (the default, .cache/eval, is filled by `posecheck eval`), section 3 falls back to
the renders' true keypoints and section 4 is left out: pass the recordings to keep the table comparable.

1. Per file of MANIFEST.json (class = the exercise, or "other" for a look-alike): the exercise `--exercise auto`
   recognises; judged as its own exercise, the in-position rate (the share of the time a person is seen that is
   judged: good, fault or unknown), the good rate (good time over in-position time; the exercise files are
   labelled correct form by their sources) and the fault cues (on correct form, every one is a false cue); for
   look-alikes, the largest share of time any exercise judged them (should be 0).
2. Per-class recall and 3-class accuracy on the Ngo labelled frames (benchmarks/ngo_accuracy.py: default specs
   at 16:9 and 4:3, and `tune` tested on frames it did not see).
3. The gap between renders and real footage for each key measure: its median over in-position frames of
   correct form, on the rendered clean clips (MediaPipe on the renders: `posecheck eval` recordings in
   --renders, else the true keypoints) and on the real correct clips and photos.
4. Cat/cow (no real footage at hand): reps on the rendered clips with the head measure moved as real faces read
   it (benchmarks/cat_cow_rest.py), counted relative to the person's rest and with fixed extremes.

`--recordings DIR` uses DIR/<stem>.jsonl (made with `posecheck record`) for videos instead of running the model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cat_cow_rest  # noqa: E402
import ngo_accuracy  # noqa: E402

from posecheck.core.detect import detect_poses, load_all_specs  # noqa: E402
from posecheck.core.session import Session  # noqa: E402
from posecheck.io.atomic import atomic_write  # noqa: E402
from posecheck.io.streams import open_poses  # noqa: E402
from posecheck.report.build import build_report  # noqa: E402

KEY = {"plank": ("body_sag", "hands_forward", "elbow", "head_drop"),
       "forearm_plank": ("body_sag", "elbows_forward", "forearm_incline", "head_drop"),
       "cobra": ("pelvis_lift", "elbow", "torso_incline"), "bridge": ("hip_sag", "knee")}


def judge(poses, info, spec):
    s = Session(spec, info)
    for p in poses:
        s.step(p)
    return s, build_report(s)


def shares(session, info) -> tuple[float, float]:
    """(in-position share of the seen time, good share of the in-position time). In position: judged good or
    fault, or unknown while in the position (a measure the view could not support); a frame whose position
    itself could not be told (everything turned away from the camera) is not."""
    frames = [f for f in session.frames if f.detected]
    if not frames:
        return 0.0, 0.0
    if info.kind == "image":
        dts = [1.0]
    else:
        ts = [f.t_s for f in frames]
        dts = [b - a for a, b in zip(ts, ts[1:])] + [1.0 / info.fps]
    judged = sum(dt for f, dt in zip(frames, dts)
                 if f.state in ("good", "fault") or (f.state == "unknown" and f.in_position))
    good = sum(dt for f, dt in zip(frames, dts) if f.state == "good")
    seen = sum(dts)
    return (judged / seen if seen else 0.0), (good / judged if judged else 0.0)


def in_position_values(session, measures) -> dict:
    out = {m: [] for m in measures}
    for f in session.frames:
        if f.in_position:
            for m in measures:
                v = f.angles.get(m)
                if v is not None and v == v:
                    out[m].append(v)
    return out


def render_values(renders: Path, specs: dict) -> tuple[dict, str]:
    """Per exercise and key measure, the in-position values on the clean rendered clips."""
    out: dict = {}
    what = "MediaPipe on the renders"
    for truth in sorted((ROOT / "sample_videos").glob("*.truth.json")):
        t = json.loads(truth.read_text())
        ex = t["exercise"]
        if ex not in KEY or t.get("faults") or t.get("tempo") == "fast":
            continue
        stem = truth.name.replace(".truth.json", "")
        rec = sorted(renders.glob(f"{stem}.*.jsonl")) if renders and renders.is_dir() else []
        src = rec[0] if rec else truth.with_name(f"{stem}.truth.jsonl")
        if not rec:
            what = "the renders' true keypoints (no MediaPipe recordings in --renders for some clips)"
        with open_poses(src) as stream:
            info, poses = stream.info, [p for _f, p in stream]
        s, _ = judge(poses, info, specs[ex])
        for m, v in in_position_values(s, KEY[ex]).items():
            out.setdefault(ex, {}).setdefault(m, []).extend(v)
    return out, what


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path, nargs="?", default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--recordings", type=Path)
    ap.add_argument("--renders", type=Path, default=ROOT / ".cache" / "eval",
                    help="`posecheck eval` recordings of sample_videos (default .cache/eval)")
    ap.add_argument("--md", type=Path, default=ROOT / "benchmarks" / "results" / "real.md")
    args = ap.parse_args()
    manifest = json.loads((args.root / "MANIFEST.json").read_text())
    specs = {s.name: s for s in load_all_specs()}
    lines = ["## 1. Clips and photos", "",
             "| file | kind | class | auto (confidence) | in position | good (of in position) | fault cues | "
             "look-alike: most time judged |", "|---|---|---|---|---|---|---|---|"]
    rows, real_vals = [], {}
    for m in sorted(manifest, key=lambda m: (m["class"], m["kind"], m["path"])):
        if m["kind"] not in ("image", "video"):
            continue  # the labelled frames: section 2
        path = args.root / m["path"]
        src = path
        if m["kind"] == "video" and args.recordings and (args.recordings / f"{path.stem}.jsonl").exists():
            src = args.recordings / f"{path.stem}.jsonl"
        with open_poses(src) as stream:
            info, poses = stream.info, [p for _f, p in stream]
        det = detect_poses(poses, info.width, info.height, list(specs.values()), still_image=info.kind == "image")
        cls = m["class"]
        if cls == "other":
            # A look-alike that is itself an exercise posecheck now knows (a downward dog): judge it as that.
            cls = next((n for n in specs if n in path.name), cls)
        pos = good = cues = alike = "-"
        if cls in specs:
            s, rep = judge(poses, info, specs[cls])
            share, good_share = shares(s, info)
            if info.kind == "image":
                f = rep.frames[0]
                cues = ", ".join(f.faults) or "none"
            else:
                cues = ", ".join(f"{c.t_s:.1f} s {c.fault}" for c in rep.cues) or "none"
            pos, good = f"{share:.0%}", (f"{good_share:.0%}" if share > 0 else "-")
            rows.append((cls, det.exercise == cls, share, good_share, m["kind"], len(rep.cues), None))
            for k, v in in_position_values(s, KEY.get(cls, ())).items():
                real_vals.setdefault(cls, {}).setdefault(k, []).append(statistics.median(v) if v else None)
        else:
            worst = max(((shares(judge(poses, info, s)[0], info)[0], n) for n, s in specs.items()),
                        key=lambda x: x[0])
            alike = f"{worst[0]:.0%} ({worst[1]})" if worst[0] > 0 else "0%"
            rows.append((cls, det.exercise is None, None, None, m["kind"], 0, worst[0]))
        lines.append(f"| {path.name} | {m['kind']} | {cls} | {det.exercise or 'none'} ({det.confidence:.0%}) | "
                     f"{pos} | {good} | {cues} | {alike} |")
        print(lines[-1], flush=True)
    ex = [r for r in rows if r[0] in specs]
    conf = [r for r in rows if r[0] not in specs]
    fp_videos = [r for r in ex if r[4] == "video" and r[0] == "forearm_plank"]
    lines += [
        "",
        f"- exercise recognised by auto: {sum(r[1] for r in ex)}/{len(ex)} exercise files; look-alikes called none: "
        f"{sum(r[1] for r in conf)}/{len(conf)}",
        f"- in position as their own exercise: median {sorted(r[2] for r in ex)[len(ex) // 2]:.0%}; files never in "
        f"position: {sum(1 for r in ex if r[2] == 0)}/{len(ex)}",
        "- correct forearm plank videos judged good: " + ", ".join(f"{r[3]:.0%}" for r in fp_videos) +
        " of their in-position time",
        f"- fault cues on videos of correct form: {sum(r[5] for r in ex if r[4] == 'video')}",
        f"- look-alikes judged as some exercise: {sum(1 for r in conf if r[6] > 0)}/{len(conf)}",
        "- in position: judged good or fault, or unknown while in the position (a measure the view could not "
        "support); a frame whose position itself cannot be told (the body turned away from the camera) is not",
    ]
    print("\n".join(lines[-6:]), flush=True)

    lines += ["", "## 2. Ngo labelled plank frames (per-class recall)", "",
              "Command: `python benchmarks/ngo_accuracy.py` (each row a still frame; see its docstring).", ""]
    ngo = ngo_accuracy.table(args.root / "labeled", ["16:9", "4:3"])
    lines += ngo
    print("\n".join(ngo), flush=True)

    rv, what = render_values(args.renders, specs)
    lines += ["", "## 3. Renders against real footage: key measures on correct form", "",
              f"Median over in-position frames. Renders: the clean rendered clips ({what}). Real: per file "
              "median, then the median and range over the real files of that exercise.", "",
              "| exercise | measure | renders | real (median, range over files) | gap |", "|---|---|---|---|---|"]
    for exn, measures in KEY.items():
        for meas in measures:
            r = rv.get(exn, {}).get(meas, [])
            q = [v for v in real_vals.get(exn, {}).get(meas, []) if v is not None]
            rm = statistics.median(r) if r else None
            qm = statistics.median(q) if q else None
            gap = f"{qm - rm:+.1f}" if rm is not None and qm is not None else "-"
            lines.append(f"| {exn} | {meas} | {rm:.1f} |" if rm is not None else f"| {exn} | {meas} | - |")
            lines[-1] += (f" {qm:.1f} ({min(q):.1f}..{max(q):.1f}, {len(q)} files) | {gap} |" if q else " - | - |")
    print("\n".join(lines[-len(KEY) * 4:]), flush=True)
    if args.renders.is_dir() and any(args.renders.glob("cat_cow_*.jsonl")):
        cc = cat_cow_rest.table(args.renders)
        lines += ["", "## 4. Cat/cow reps against a moved rest (no real cat/cow footage)", "",
                  "Command: `python benchmarks/cat_cow_rest.py --renders EVAL`. Reps got (good) on the rendered "
                  "clips, the head measure moved by what real faces read against the renders (section 3: -20 "
                  "on planks, -32 on forearm planks): relative to the person's rest (the spec) / fixed extremes "
                  "(the renders' levels).", ""] + cc
        print("\n".join(cc), flush=True)
    with atomic_write(args.md) as f:
        f.write(f"# Real footage ({args.root.name}: third-party, not committed)\n\n"
                f"Command: `python benchmarks/real_accuracy.py --recordings DIR --renders EVAL` (DIR: "
                f"`posecheck record` of the videos; EVAL: `posecheck eval --cache EVAL` recordings of "
                f"sample_videos)\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
