"""Flat memory: peak RSS of `score`, `live` and `routine` over a 60-minute session against a 2-minute one.

    python benchmarks/memory.py [--minutes 60] [--short 2] [--no-video] [--what score,live,auto,routine]

Synthesises each session as a landmark recording (30 fps; 30 s good plank, 30 s sag, 30 s good, 30 s standing,
so sets end and start; no model runs), then in a fresh process per session and command:
- `score` with every output: JSON, HTML, CSV and an annotated video (drawn on a blank 160x120 canvas, the
  recording having no images), through the library as `posecheck score` calls it (`keep_frames=False`);
- `auto`: `score --exercise auto` with a JSON report (the exercise recognised from all the poses first, then
  the same poses judged);
- `live` headless, the recording replayed as fast as it is judged (every frame), with `--json`, as
  `posecheck live --source REC --no-drop --headless --json` runs it;
- `routine` headless, every frame, as `posecheck routine R --source REC --headless --no-drop` runs it, R a
  one-step plank routine (a set lasts until the person leaves the position), over a session that stays in the plank (30 s
  good, 30 s sagging, in turn), so that the routine follows the whole session.
Prints each peak RSS, output sizes, and the 60-min / 2-min ratio of each (target <= 1.5).
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


ROUTINE = """name = "long_plank"
title = "Long plank"
[[steps]]
exercise = "plank"
hold_s = 20
"""


def poses(n: int, fps: float, stay: bool = False):
    """Plank good, sagging, good, standing, 30 s each in turn; `stay`: good and sagging only."""
    from synth import plank_points, pose_from_points, standing_points

    base = [pose_from_points(0.0, plank_points()), pose_from_points(0.0, plank_points(sag_deg=20)),
            pose_from_points(0.0, standing_points())]
    for i in range(n):
        part = i // int(30 * fps)
        p = base[part % 2] if stay else base[{0: 0, 1: 1, 2: 0, 3: 2}[part % 4]]
        yield Pose(i / fps, p.xyz, p.visibility)


def synthesise(path: Path, minutes: float, stay: bool = False) -> int:
    n = int(minutes * 60 * FPS)
    with RecordingWriter(path, RecordingHeader(width=160, height=120, fps=FPS, source="synthetic")) as w:
        for p in poses(n, FPS, stay):
            w.write(p)
    return n


def _peak(out: Path, t0: float, frames: int, sets: int) -> None:
    sizes = {p.suffix: p.stat().st_size for p in out.iterdir()}
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "s": time.perf_counter() - t0, "frames": frames, "sets": sets, "sizes": sizes}))


def child_auto(rec: Path, out: Path) -> None:
    import posecheck

    t0 = time.perf_counter()
    rep = posecheck.score(rec, "auto", json=out / "r.json", keep_frames=False)
    _peak(out, t0, rep.source.frames, len(rep.sets))


def child_routine(rec: Path, out: Path) -> None:
    from posecheck.io.live_frames import open_live_frames
    from posecheck.routine.model import load_routine
    from posecheck.routine.session import run_routine

    t0 = time.perf_counter()
    (out / "long_plank.toml").write_text(ROUTINE)
    res = run_routine(load_routine(out / "long_plank.toml"), open_live_frames(rec, realtime=False))
    (out / "routine.json").write_text(json.dumps(res.report.to_dict()))
    _peak(out, t0, res.report.source.frames, len(res.report.steps[0].sets))


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


def run(minutes: float, video: bool, tmp: Path, whats: list[str]) -> dict:
    d = tmp / f"{minutes:g}min"
    d.mkdir()
    rec, stay = d / "session.jsonl", d / "plank.jsonl"
    if set(whats) - {"routine"}:
        synthesise(rec, minutes)
    if "routine" in whats:
        synthesise(stay, minutes, stay=True)
    rows = {}
    for what in whats:
        out = d / what
        out.mkdir()
        cmd = [sys.executable, __file__, "--child", str(stay if what == "routine" else rec), str(out),
               "--kind", what] + (["--no-video"] if not video else [])
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
    ap.add_argument("--what", default="score,live,auto,routine",
                    help="which commands, comma-separated (default: all four)")
    ap.add_argument("--kind", help=argparse.SUPPRESS)
    args = ap.parse_args()
    whats = [w for w in args.what.split(",") if w]
    if args.child:
        if args.kind == "score":
            child(*args.child, video=not args.no_video)
        else:
            {"live": child_live, "auto": child_auto, "routine": child_routine}[args.kind](*args.child)
        return 0
    outputs = "JSON, HTML, CSV" + ("" if args.no_video else ", annotated video")
    print(f"{', '.join(whats)} (score with {outputs}); each session in a fresh process; load average "
          f"{os.getloadavg()[0]:.1f}")
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (args.short, args.minutes):
            rows[minutes] = run(minutes, not args.no_video, Path(tmp), whats)
            for what, r in rows[minutes].items():
                sizes = ", ".join(f"{k.lstrip('.')} {v / 1e6:.1f} MB" for k, v in sorted(r["sizes"].items()))
                print(f"{what:7} {minutes:5g} min ({r['frames']} frames, {r['sets']} sets): peak RSS "
                      f"{r['rss_mb']:.0f} MB, in {r['s']:.0f} s; {sizes}", flush=True)
    for what in whats:
        ratio = rows[args.minutes][what]["rss_mb"] / rows[args.short][what]["rss_mb"]
        print(f"{what}: peak RSS {args.minutes:g} min / {args.short:g} min: {ratio:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
