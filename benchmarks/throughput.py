"""Throughput: `posecheck score` against a bare MediaPipe loop over the same frames, in one run.

    python benchmarks/throughput.py [CLIP.mp4 ...] [--rounds 2]

For each clip, alternately (so machine noise hits both alike): the bare loop (OpenCV decode, BGR->RGB,
legacy pose model complexity 1, nothing else) and `posecheck.score(clip)` (decode, model, geometry, judging,
report). Prints seconds, frames per second and the ratio (target <= 1.10), then the cost of the judging core per
frame on replayed landmarks (target <= 50 us). Wall-clock figures: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
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
from posecheck.io.estimators import _native_stderr


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
    print(f"{'clip':32} {'frames':>6} {'bare s':>7} {'score s':>8} {'bare fps':>8} {'ratio':>6}")
    ratios, total_bare, total_score = [], 0.0, 0.0
    for clip in clips:
        ex = exercise_of(clip)
        bare_t, score_t = [], []
        n = 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            n = bare_loop(clip)
            bare_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            posecheck.score(clip, exercise=ex)
            score_t.append(time.perf_counter() - t0)
        b, s = min(bare_t), min(score_t)
        total_bare += b
        total_score += s
        ratios.append(s / b)
        print(f"{clip.name:32} {n:6d} {b:7.2f} {s:8.2f} {n / b:8.1f} {s / b:6.3f}")
    print(f"{'all clips':32} {'':6} {total_bare:7.2f} {total_score:8.2f} {'':8} {total_score / total_bare:6.3f}"
          f"   (target <= 1.10; median per clip {statistics.median(ratios):.3f})")
    with tempfile.TemporaryDirectory() as d:
        rec = Path(d) / "r.jsonl"
        posecheck.record(clips[0], rec)
        for ex in ("plank", "bridge", "cat_cow"):
            print(f"judging core on replayed landmarks ({ex}): {core_cost_us(rec, ex):.1f} us/frame "
                  "(best of 5; target <= 50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
