"""How long the HTML report takes to render, and how big it is, for a long session (no model: synthetic poses).

    python benchmarks/html_render.py [--minutes 2] [--repeat 5]

The session is tests/test_html.py's two-minute case: a plank whose hips sag and pike and whose hands drift,
on a 30 fps video of incompressible noise (the fault snapshots are full-size JPEGs). Prints the median render
time of `render_html` (templates compiled once beforehand), the page size and the number of plots.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from synth import H, W, plank_points, ramp, sequence, standing_points  # noqa: E402

from posecheck.core.landmarks import SourceInfo  # noqa: E402
from posecheck.core.session import Session  # noqa: E402
from posecheck.core.specs import load_spec  # noqa: E402
from posecheck.io.frames import Frame  # noqa: E402
from posecheck.render.snapshots import SnapshotKeeper  # noqa: E402
from posecheck.report.build import build_report  # noqa: E402
from posecheck.report.html import render_html  # noqa: E402


def wobbly(t: float):
    if t < 1.0:
        return standing_points()
    phase = t % 20
    return plank_points(sag_deg=18 * (ramp(phase, 5, 5.5) - ramp(phase, 8, 8.5))
                        - 20 * (ramp(phase, 12, 12.5) - ramp(phase, 14, 14.5)),
                        hands_forward_px=60 * (ramp(phase, 16, 16.3) - ramp(phase, 18, 18.3)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    seconds = 60.0 * args.minutes
    spec = load_spec("plank")
    info = SourceInfo("long.mp4", "video", W, H, 30.0, int(seconds * 30))
    session, keeper = Session(spec, info), SnapshotKeeper(spec, info)
    noise = np.random.default_rng(0).integers(0, 255, (H, W, 3), dtype=np.uint8)
    for i, pose in enumerate(sequence(30.0, seconds, wobbly, noise_px=0.6)):
        keeper(Frame(noise, pose.t_s, i), pose, session.step(pose))
    report, snaps = build_report(session), keeper.snapshots()
    render_html(report, spec, snaps)  # compiles the templates
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        page = render_html(report, spec, snaps)
        times.append(time.perf_counter() - t0)
    print(f"{len(report.frames)} frames: render median {1000 * statistics.median(times):.0f} ms "
          f"(min {1000 * min(times):.0f}), {len(page.encode()) / 1e6:.2f} MB, {page.count('<svg')} plots")


if __name__ == "__main__":
    main()
