#!/usr/bin/env python
"""Live coaching speed: FPS, time per stage and cue latency, on clips played in real time as a camera.

    .venv/bin/python benchmarks/live_bench.py                       # every sample_videos/*.mp4 with truth
    .venv/bin/python benchmarks/live_bench.py CLIP.mp4 -e plank     # any clip
    DISPLAY=:1 .venv/bin/python benchmarks/live_bench.py --window   # through a real window (e.g. Xvfb)

Each clip plays at its own pace through the same loop as `posecheck live` (newest frame only, frames the
loop cannot keep up with are dropped), with the bundled model; the overlay is drawn on every frame (into a
window with --window, else into memory, which costs the same drawing). Cue latency is measured from the
arrival of the frame in which the fault was established to the cue being shown. The cues are then
compared with `posecheck score` on the same clip (every frame), and with the clip's truth when it has one.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posecheck.api import score
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError
from posecheck.io.live_frames import open_live_frames
from posecheck.live.display import FrameCollector, WindowDisplay
from posecheck.live.run import run_live


def clips_from_samples() -> list[tuple[Path, str]]:
    out = []
    for mp4 in sorted((ROOT / "sample_videos").glob("*.mp4")):
        truth = mp4.with_suffix(".truth.json")
        if truth.exists():
            out.append((mp4, json.loads(truth.read_text())["exercise"]))
    return out


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def bench(path: Path, exercise: str, window: bool, compare: bool, model_complexity: int, pipeline: bool) -> dict:
    spec = load_spec(exercise)
    display = WindowDisplay(f"posecheck live: {spec.title}") if window else FrameCollector(keep_every=0)
    with open_live_frames(path, realtime=True) as frames:
        res = run_live(spec, frames, display=display, model_complexity=model_complexity, pipeline=pipeline)
    st = res.stats
    ms = {k: (float(np.mean(v)), pct(v, 90)) for k, v in st.stage_ms.items() if v}
    # With the model on its own thread, a frame costs the main thread judge + draw + show only.
    main_stages = ("judge", "draw", "show") if pipeline else ("pose", "judge", "draw", "show")
    busy = [sum(v) for v in zip(*(st.stage_ms[k] for k in main_stages))]
    row = {
        "clip": path.name, "exercise": exercise, "size": f"{frames.info.width}x{frames.info.height}",
        "fps_source": frames.info.fps, "frames": st.frames, "delivered": st.delivered, "dropped": st.dropped,
        "fps": st.fps, "busy_ms": (float(np.mean(busy)), pct(busy, 90)) if busy else None, "pipeline": pipeline,
        "stages_ms": ms, "cue_latency_ms": st.cue_latency_ms, "frame_latency_ms": st.frame_latency_ms,
        "live_cues": [(c.t_s, c.fault) for c in res.report.cues],
        "live_hold_s": res.report.summary.good_hold_s,
    }
    if compare:
        ref = score(path, spec, model_complexity=model_complexity)
        row["score_cues"] = [(c.t_s, c.fault) for c in ref.cues]
        row["score_hold_s"] = ref.summary.good_hold_s
    truth = path.with_suffix(".truth.json")
    if truth.exists():
        t = json.loads(truth.read_text())
        row["truth_faults"] = [(f["fault"], f.get("onset_s"), f.get("full_s")) for f in t.get("faults", [])]
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clips", nargs="*", type=Path, help="video clips (default: sample_videos/*.mp4 with truth)")
    ap.add_argument("-e", "--exercise", help="exercise of the clips given (default: from their truth file)")
    ap.add_argument("--window", action="store_true", help="show a real window (needs DISPLAY, e.g. Xvfb)")
    ap.add_argument("--no-compare", action="store_true", help="skip the offline `score` run per clip")
    ap.add_argument("--model-complexity", type=int, default=1)
    ap.add_argument("--no-pipeline", action="store_true",
                    help="run the model on the judging thread (for comparison; live runs it a frame ahead)")
    args = ap.parse_args()
    if args.clips:
        clips = []
        for c in args.clips:
            ex = args.exercise
            truth = c.with_suffix(".truth.json")
            if ex is None and truth.exists():
                ex = json.loads(truth.read_text())["exercise"]
            if ex is None:
                ap.error(f"{c}: give --exercise (no {truth.name} beside it)")
            clips.append((c, ex))
    else:
        clips = clips_from_samples()
        if not clips:
            ap.error("no sample_videos/*.mp4 with a .truth.json yet: give clips and --exercise")
    if args.window and not os.environ.get("DISPLAY"):
        ap.error("--window needs DISPLAY (run under Xvfb: Xvfb :1 & DISPLAY=:1 ...)")
    load = os.getloadavg()
    print(f"live_bench: {len(clips)} clip(s), model complexity {args.model_complexity}, "
          f"{'window' if args.window else 'overlay drawn off screen'}, "
          f"{'model on its own thread' if not args.no_pipeline else 'model on the judging thread'}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} at start")
    all_lat: list[float] = []
    all_frame_lat: list[float] = []
    for path, ex in clips:
        try:
            r = bench(path, ex, args.window, not args.no_compare, args.model_complexity, not args.no_pipeline)
        except PosecheckError as e:  # a clip being rendered right now, say
            print(f"\n{path.name}: skipped ({e})")
            continue
        all_lat += r["cue_latency_ms"]
        print(f"\n{r['clip']} ({r['exercise']}, {r['size']} @ {r['fps_source']:g} fps)")
        print(f"  judged {r['frames']} of {r['delivered']} frames ({r['dropped']} dropped): {r['fps']:.1f} FPS")
        if r["busy_ms"]:
            st = r["stages_ms"]
            stages = ", ".join(f"{k} {m:.1f} (p90 {p:.1f})" for k, (m, p) in st.items() if k != "wait")
            if r["pipeline"]:
                print(f"  per frame (ms): model thread: pose {st['pose'][0]:.1f} (p90 {st['pose'][1]:.1f}); "
                      f"main thread: {r['busy_ms'][0]:.1f} (p90 {r['busy_ms'][1]:.1f}) = "
                      + ", ".join(f"{k} {st[k][0]:.1f}" for k in ("judge", "draw", "show"))
                      + f", waiting for the model's result {st['wait'][0]:.1f}")
            else:
                print(f"  per frame (ms): {r['busy_ms'][0]:.1f} busy (p90 {r['busy_ms'][1]:.1f}) = {stages}; "
                      f"waiting for frames {st['wait'][0]:.1f}")
        lat, fl = r["cue_latency_ms"], r["frame_latency_ms"]
        all_frame_lat.extend(fl)
        print("  cue latency: " + (", ".join(f"{v:.0f} ms" for v in lat) if lat else "no cue")
              + f"; any frame, arrival to shown: median {pct(fl, 50):.0f} ms, p90 {pct(fl, 90):.0f}, "
                f"max {max(fl):.0f}")
        print("  live cues:  " + (", ".join(f"{t:.2f} s {f}" for t, f in r["live_cues"]) or "none")
              + f"; good hold {r['live_hold_s']:.2f} s")
        if "score_cues" in r:
            print("  score cues: " + (", ".join(f"{t:.2f} s {f}" for t, f in r["score_cues"]) or "none")
                  + f"; good hold {r['score_hold_s']:.2f} s")
        if "truth_faults" in r:
            print("  truth:      " + (", ".join(f"{f} onset {a} s, full {b} s" for f, a, b in r["truth_faults"])
                                      or "no fault"))
    if all_lat:
        print(f"\ncue latency over all clips: median {np.median(all_lat):.0f} ms, max {max(all_lat):.0f} ms "
              f"({len(all_lat)} cues; target <= 150 ms)")
    if all_frame_lat:
        share = np.mean(np.array(all_frame_lat) <= 150.0) * 100
        print(f"arrival-to-shown latency of every judged frame: median {pct(all_frame_lat, 50):.0f} ms, "
              f"p90 {pct(all_frame_lat, 90):.0f} ms, p99 {pct(all_frame_lat, 99):.0f} ms; {share:.1f}% within 150 ms "
              f"(load average now {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
