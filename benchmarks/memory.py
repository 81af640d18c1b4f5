"""Long sessions: one hour of replayed landmarks (30 fps, 108,000 frames).

    python benchmarks/memory.py [--minutes 60]

1. Through the evaluator alone (what live coaching keeps): peak traced memory at 10 minutes and at the end.
2. Through a whole `score` session (frames kept for the report): peak memory, JSON and HTML report sizes.
The session alternates 30 s good plank, 30 s sag, 30 s good, 30 s standing (so sets end and start).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from posecheck.report.build import build_report
from posecheck.core.evaluation import Evaluator
from posecheck.core.landmarks import Pose
from posecheck.report.model import write_json
from posecheck.core.session import Session
from posecheck.core.landmarks import SourceInfo
from posecheck.core.specs import load_spec
from synth import H, W, plank_points, pose_from_points, standing_points  # noqa: E402


def poses(n: int, fps: float):
    base = [pose_from_points(0.0, plank_points()), pose_from_points(0.0, plank_points(sag_deg=20)),
            pose_from_points(0.0, standing_points())]
    for i in range(n):
        p = base[{0: 0, 1: 1, 2: 0, 3: 2}[(i // int(30 * fps)) % 4]]
        yield Pose(i / fps, p.xyz, p.visibility)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    args = ap.parse_args()
    fps = 30.0
    n = int(args.minutes * 60 * fps)
    spec = load_spec("plank")

    ev = Evaluator(spec, W, H)
    tracemalloc.start()
    t0 = time.perf_counter()
    at10 = None
    for i, p in enumerate(poses(n, fps)):
        ev.step(p)
        if i == int(10 * 60 * fps):
            at10 = tracemalloc.get_traced_memory()[0]
    cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    el = time.perf_counter() - t0
    print(f"evaluator, {args.minutes:g} min ({n} frames): traced memory after 10 min {at10 / 1e6:.3f} MB, "
          f"at the end {cur / 1e6:.3f} MB, peak {peak / 1e6:.3f} MB; {len(ev.sets)} sets "
          f"({el:.1f} s with tracing on)")

    info = SourceInfo("synthetic-hour", "recording", W, H, fps, None)
    s = Session(spec, info)
    t0 = time.perf_counter()
    for p in poses(n, fps):
        s.step(p)
    rep = build_report(s)
    el = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as d:
        j = Path(d) / "r.json"
        t1 = time.perf_counter()
        write_json(rep, j)
        tj = time.perf_counter() - t1
        from posecheck.report.html import write_html
        h = Path(d) / "r.html"
        t1 = time.perf_counter()
        write_html(rep, spec, h, {})
        th = time.perf_counter() - t1
        print(f"score session, {args.minutes:g} min: judged and reported in {el:.1f} s; peak RSS of the process "
              f"{rss_mb:.0f} MB; JSON report {os.path.getsize(j) / 1e6:.1f} MB ({tj:.1f} s), HTML report "
              f"{os.path.getsize(h) / 1e6:.2f} MB ({th:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
