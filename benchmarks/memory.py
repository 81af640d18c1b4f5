"""Flat memory: peak RSS of `score` and `live` over a 60-minute session against a 2-minute one, in one run.

    python benchmarks/memory.py [--minutes 60] [--short 2] [--no-video]

Synthesises each session as a landmark recording (30 fps; 30 s good plank, 30 s sag, 30 s good, 30 s standing,
so sets end and start; no model runs), then in a fresh process per session and command:
- `score` with every output: JSON, HTML, CSV and an annotated video (drawn on a blank 160x120 canvas, the
  recording having no images), through the library as `posecheck score` calls it (`keep_frames=False`);
- `live` headless, the recording replayed as fast as it is judged (every frame), with `--json`, as
  `posecheck live --source REC --no-drop --headless --json` runs it.
Prints each peak RSS, output sizes, and the 60-min / 2-min ratios (target <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from posecheck.core.landmarks import Pose  # noqa: E402
from posecheck.io.recording import RecordingHeader, RecordingWriter  # noqa: E402

FPS = 30.0


def poses(n: int, fps: float):
    from synth import plank_points, pose_from_points, standing_points

    base = [pose_from_points(0.0, plank_points()), pose_from_points(0.0, plank_points(sag_deg=20)),
            pose_from_points(0.0, standing_points())]
    for i in range(n):
        p = base[{0: 0, 1: 1, 2: 0, 3: 2}[(i // int(30 * fps)) % 4]]
        yield Pose(i / fps, p.xyz, p.visibility)


def synthesise(path: Path, minutes: float) -> int:
    n = int(minutes * 60 * FPS)
    with RecordingWriter(path, RecordingHeader(width=160, height=120, fps=FPS, source="synthetic")) as w:
        for p in poses(n, FPS):
            w.write(p)
    return n


def child_live(rec: Path, out: Path) -> None:
    from posecheck.core.specs import load_spec
    from posecheck.io.live_frames import open_live_frames
    from posecheck.live.run import run_live
    from posecheck.report.stream import FrameSpool, frame_dict, write_json_streamed

    t0 = time.perf_counter()
    spool = FrameSpool(out / "live.json")
    res = run_live(load_spec("plank"), open_live_frames(rec, realtime=False), keep_frames=False,
                   on_frame=lambda fr: spool.write(frame_dict(fr)))
    write_json_streamed(res.report, spool, out / "live.json")
    spool.close()
    el = time.perf_counter() - t0
    sizes = {p.suffix: p.stat().st_size for p in out.iterdir()}
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "s": el,
                      "frames": res.report.source.frames, "sets": len(res.report.sets), "sizes": sizes}))


def child(rec: Path, out: Path, video: bool) -> None:
    import posecheck

    t0 = time.perf_counter()
    rep = posecheck.score(rec, "plank", json=out / "r.json", html=out / "r.html", csv=out / "r.csv",
                          annotated_video=out / "r.mp4" if video else None, keep_frames=False)
    el = time.perf_counter() - t0
    sizes = {p.suffix: p.stat().st_size for p in out.iterdir()}
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "s": el,
                      "frames": rep.source.frames, "sets": len(rep.sets), "sizes": sizes}))


def run(minutes: float, video: bool, tmp: Path) -> dict:
    d = tmp / f"{minutes:g}min"
    d.mkdir()
    rec = d / "session.jsonl"
    synthesise(rec, minutes)
    rows = {}
    for what in ("score", "live"):
        out = d / what
        out.mkdir()
        cmd = [sys.executable, __file__, "--child", str(rec), str(out)] + (["--no-video"] if not video else []) \
            + (["--live"] if what == "live" else [])
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(f"{what} {minutes:g} min failed:\n{res.stderr}")
        rows[what] = json.loads(res.stdout.strip().splitlines()[-1])
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--short", type=float, default=2.0)
    ap.add_argument("--no-video", action="store_true", help="skip the annotated video (the slowest output)")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.live:
            child_live(*args.child)
        else:
            child(*args.child, video=not args.no_video)
        return 0
    outputs = "JSON, HTML, CSV" + ("" if args.no_video else ", annotated video")
    print(f"score with {outputs}; each session in a fresh process; load average {os.getloadavg()[0]:.1f}")
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (args.short, args.minutes):
            rows[minutes] = run(minutes, not args.no_video, Path(tmp))
            for what, r in rows[minutes].items():
                sizes = ", ".join(f"{k.lstrip('.')} {v / 1e6:.1f} MB" for k, v in sorted(r["sizes"].items()))
                print(f"{what:5} {minutes:5g} min ({r['frames']} frames, {r['sets']} sets): peak RSS "
                      f"{r['rss_mb']:.0f} MB, in {r['s']:.0f} s; {sizes}", flush=True)
    for what in ("score", "live"):
        ratio = rows[args.minutes][what]["rss_mb"] / rows[args.short][what]["rss_mb"]
        print(f"{what}: peak RSS {args.minutes:g} min / {args.short:g} min: {ratio:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
