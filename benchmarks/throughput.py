"""Throughput: `posecheck score` against a bare MediaPipe loop over the same frames, in one run.

    python benchmarks/throughput.py [CLIP.mp4 ...] [--rounds 2]

For each clip, in turn within each round (so machine noise hits all alike): the bare loop (OpenCV decode,
BGR->RGB, legacy pose model complexity 1 on every frame, nothing else), `posecheck.score(clip)` (the default:
the model skips frames while the body is still; decode on its own thread; geometry, judging, report) and
`posecheck.score(clip, every_frame=True)`. Prints seconds (best of the rounds), the share of frames the model
saw, and the ratios to the bare loop (targets: default <= 0.50, every frame <= 1.10), then the cost of the
judging core per frame on replayed landmarks (target <= 50 us). Wall-clock figures on a shared machine: compare
the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402

import posecheck  # noqa: E402
from posecheck.core.evaluation import Evaluator
from posecheck.io.streams import ReplaySource
from posecheck.io.native import _native_stderr


def bare_loop(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    _native_stderr.acquire()
    pose = mp.solutions.pose.Pose(model_complexity=1)
    n = 0
    try:
        while True:
            ok, img = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
            rgb.flags.writeable = False
            pose.process(rgb)
            n += 1
    finally:
        pose.close()
        cap.release()
        _native_stderr.release()
    return n


def exercise_of(path: Path) -> str:
    truth = path.with_name(path.stem + ".truth.json")
    if truth.exists():
        ex = json.loads(truth.read_text())["exercise"]
        return ex if ex != "none" else "plank"
    return "plank"


def core_cost_us(recording: Path, exercise: str, repeats: int = 5) -> float:
    src = ReplaySource(recording)
    poses = list(src)
    spec = posecheck.load_spec(exercise)
    best = float("inf")
    for _ in range(repeats):
        ev = Evaluator(spec, src.info.width, src.info.height)
        t0 = time.perf_counter()
        for p in poses:
            ev.step(p)
        best = min(best, (time.perf_counter() - t0) / len(poses))
    return best * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clips", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    clips = args.clips or sorted(p for p in (ROOT / "sample_videos").glob("*_a.mp4"))
    if not clips:
        print("no clips given and none in sample_videos/", file=sys.stderr)
        return 2
    print(f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'clip':32} {'frames':>6} {'bare s':>7} {'score s':>8} {'seen':>5} {'every s':>8} {'ratio':>6} "
          f"{'every':>6}")
    ratios, total = [], {"bare": 0.0, "score": 0.0, "every": 0.0}
    for clip in clips:
        ex = exercise_of(clip)
        times: dict[str, list[float]] = {k: [] for k in total}
        n, seen = 0, 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            n = bare_loop(clip)
            times["bare"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rep = posecheck.score(clip, exercise=ex, keep_frames=False)
            times["score"].append(time.perf_counter() - t0)
            seen = rep.source.model_frames or n
            t0 = time.perf_counter()
            posecheck.score(clip, exercise=ex, every_frame=True, keep_frames=False)
            times["every"].append(time.perf_counter() - t0)
        best = {k: min(v) for k, v in times.items()}
        for k in total:
            total[k] += best[k]
        ratios.append(best["score"] / best["bare"])
        print(f"{clip.name:32} {n:6d} {best['bare']:7.2f} {best['score']:8.2f} {seen / n:5.0%} "
              f"{best['every']:8.2f} {best['score'] / best['bare']:6.3f} {best['every'] / best['bare']:6.3f}")
    print(f"{'all clips':32} {'':6} {total['bare']:7.2f} {total['score']:8.2f} {'':5} {total['every']:8.2f} "
          f"{total['score'] / total['bare']:6.3f} {total['every'] / total['bare']:6.3f}"
          f"   (targets: score <= 0.50, every frame <= 1.10; median score ratio per clip "
          f"{statistics.median(ratios):.3f})")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as d:
        rec = Path(d) / "r.jsonl"
        posecheck.record(clips[0], rec)
        for ex in ("plank", "bridge", "cat_cow"):
            print(f"judging core on replayed landmarks ({ex}): {core_cost_us(rec, ex):.1f} us/frame "
                  "(best of 5; target <= 50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
