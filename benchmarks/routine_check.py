#!/usr/bin/env python
"""A routine over sample clips cut one after another, through the real model, against `score` on each clip.

    .venv/bin/python benchmarks/routine_check.py                   # back_quick over cat/cow, cobra, plank, bridge
    .venv/bin/python benchmarks/routine_check.py --routine back_basics   # one clip per step, sphinx, dog, child's pose too
    .venv/bin/python benchmarks/routine_check.py --out /tmp/rc     # keep the cut-together MP4 and the report

Cuts `sample_videos/{cat_cow_a,cobra_hold_a,plank_clean_a,bridge_reps_a}.mp4` one after another into one
H.264 MP4 (each frame at its time in the whole; half a second of empty frames between clips, see
cut_together), runs `posecheck routine back_quick --source THAT --headless
--no-drop` (every frame judged, as `score` does), scores each clip alone with `posecheck score`, and prints per
step: where the routine found it, its reps / good reps / good hold against score's, and the difference. The
issue's bar: within one rep and 1 s. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/routine_check.py --judging         # judging cost only, no model

`--judging` times the judging alone on the MediaPipe recordings of the same clips (tests/data/routine, cut
together with tests/routine_clip.py): a routine's time per frame (every step still to come is judged on each
frame) against one Session's, each the best of 5 runs, interleaved, and the routine with its steps measuring
each frame for themselves (no shared `Measurer`); it checks the two routine reports are the same.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posecheck.api import score  # noqa: E402
from posecheck.render.video import VideoWriter  # noqa: E402

CLIPS = [("cat_cow_a", "cat_cow"), ("cobra_hold_a", "cobra"), ("plank_clean_a", "plank"),
         ("bridge_reps_a", "bridge")]
ROUTINE_CLIPS = {"back_quick": CLIPS,  # back_basics: one clip per step, in order (tests/routine_clip.py)
                 "back_basics": [("cat_cow_a", "cat_cow"), ("sphinx_hold_a", "sphinx"), ("cobra_hold_a", "cobra"),
                                 ("plank_clean_a", "plank"), ("forearm_plank_clean_g", "forearm_plank"),
                                 ("downward_dog_a", "downward_dog"), ("bridge_reps_a", "bridge"),
                                 ("child_pose_a", "child_pose")]}


GAP_S = 0.5  # blank frames between clips: MediaPipe's tracker otherwise carries one body across the cut


def cut_together(out: Path, clips=CLIPS) -> list[tuple[str, float, float]]:
    """The clips one after another, `GAP_S` of empty (black) frames between them.

    Without the gap the pose model, which tracks the body from frame to frame, follows the cat/cow body into
    the cobra clip and reads the cobra upside down for its whole length (torso -5 deg, face up): a hard cut
    that no person in front of a camera makes. A moment with nobody in view makes it look again."""
    parts, offset, writer = [], 0.0, None
    for k, (name, _ex) in enumerate(clips):
        with av.open(str(ROOT / "sample_videos" / f"{name}.mp4")) as c:
            stream = c.streams.video[0]
            fps = float(stream.average_rate)
            w, h = stream.codec_context.width, stream.codec_context.height
            if writer is None:
                writer = VideoWriter(out, w, h, fps)
            if k:
                for i in range(int(round(GAP_S * fps))):
                    writer.write(np.zeros((h, w, 3), np.uint8), offset + i / fps)
                offset += round(GAP_S * fps) / fps
            last = offset
            for frame in c.decode(stream):
                t = offset + float(frame.pts * stream.time_base)
                writer.write(frame.to_ndarray(format="bgr24"), t)
                last = t
        parts.append((name, offset, last))
        offset = last + 1.0 / fps
    writer.close(commit=True)
    return parts


def judging_cost(runs: int = 5) -> None:
    """Routine vs one Session, per frame, on landmark recordings (no model)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import routine_clip

    from posecheck.core.session import Session
    from posecheck.core.specs import load_spec
    from posecheck.io.streams import open_poses
    from posecheck.routine import runner as runner_mod
    from posecheck.routine.model import load_routine
    from posecheck.routine.report import build_routine_report

    clips = routine_clip.BACK_BASICS_CLIPS
    whole = Path(tempfile.mkdtemp(prefix="routine_judging_")) / "parts.jsonl"
    routine_clip.concat_recordings(clips, whole)
    with open_poses(whole) as stream:
        info, poses = stream.info, [p for _f, p in stream]

    def own_measures(*a, measurer=None, **k):  # every step measures each frame for itself, as before sharing
        return Session(*a, **k)

    def run_routine(name: str, shared: bool):
        runner_mod.Session = Session if shared else own_measures
        try:
            r = runner_mod.RoutineRunner(load_routine(name), info)
            t0 = time.perf_counter()
            for p in poses:
                r.step(p)
            dt = time.perf_counter() - t0
        finally:
            runner_mod.Session = Session
        return dt, (build_routine_report(r).to_dict(), [(e.t_s, e.text) for e in r.events])

    def run_one(ex: str):
        s = Session(load_spec(ex), info, keep_frames=False)
        t0 = time.perf_counter()
        for p in poses:
            s.step(p)
        return time.perf_counter() - t0, None

    jobs = {"one Session (plank)": lambda: run_one("plank"),
            "back_quick, shared measures": lambda: run_routine("back_quick", True),
            "back_quick, each step measuring": lambda: run_routine("back_quick", False),
            "back_basics, shared measures": lambda: run_routine("back_basics", True),
            "back_basics, each step measuring": lambda: run_routine("back_basics", False)}
    best = dict.fromkeys(jobs, float("inf"))
    reports = {}
    for _ in range(runs):
        for k, job in jobs.items():
            dt, rep = job()
            best[k] = min(best[k], dt)
            reports[k] = rep
    print(f"{len(poses)} frames ({', '.join(clips)}), best of {runs}:")
    base = best["one Session (plank)"]
    for k, v in best.items():
        print(f"  {k:<34} {v / len(poses) * 1e3:6.3f} ms/frame  ({v / base:4.1f}x one Session)")
    for name in ("back_quick", "back_basics"):
        same = reports[f"{name}, shared measures"] == reports[f"{name}, each step measuring"]
        print(f"  {name}: reports {'identical' if same else 'DIFFER'} with and without shared measures")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", type=Path, default=None, help="a folder to keep the MP4 and the report in")
    ap.add_argument("--judging", action="store_true", help="time the judging only, on landmark recordings")
    ap.add_argument("--routine", default="back_quick", choices=sorted(ROUTINE_CLIPS), help="the routine to follow")
    args = ap.parse_args()
    if args.judging:
        judging_cost()
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="routine_check_"))
    out.mkdir(parents=True, exist_ok=True)
    clips = ROUTINE_CLIPS[args.routine]
    video = out / f"{args.routine}_parts.mp4"
    parts = cut_together(video, clips)
    print(f"cut together: {video} ({', '.join(f'{n} {a:.2f}-{b:.2f} s' for n, a, b in parts)})")
    report = out / "routine.json"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "posecheck", "routine", args.routine, "--source", str(video),
                           "--headless", "--no-drop", "--no-voice", "--no-save", "--json", str(report)],
                          capture_output=True, text=True, env={**__import__("os").environ,
                                                                "POSECHECK_HOME": str(out / "home")})
    routine_s = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"routine failed: {proc.stderr}")
    steps = json.loads(report.read_text())["steps"]
    print(f"routine: {routine_s:.1f} s wall for {parts[-1][2]:.1f} s of video; ended by "
          f"{json.loads(report.read_text())['summary']['ended_by']}")
    print(f"{'step':<11} {'clip part (s)':>14} {'start_s':>8} {'end_s':>7} | {'reps':>9} {'good':>9} "
          f"{'good hold s':>13} | {'d reps':>6} {'d hold s':>8}")
    worst_reps = worst_hold = 0.0
    for (name, ex), (_n, a, b), s in zip(clips, parts, steps):
        sm = score(ROOT / "sample_videos" / f"{name}.mp4", exercise=ex).summary
        d_reps, d_hold = s["reps"] - sm.reps, s["good_hold_s"] - sm.good_hold_s
        worst_reps, worst_hold = max(worst_reps, abs(d_reps)), max(worst_hold, abs(d_hold))
        print(f"{ex:<11} {a:>6.2f}-{b:<6.2f} {s['start_s'] if s['start_s'] is not None else float('nan'):>8.2f} "
              f"{s['end_s'] if s['end_s'] is not None else float('nan'):>7.2f} | {s['reps']:>4}/{sm.reps:<4} "
              f"{s['good_reps']:>4}/{sm.good_reps:<4} {s['good_hold_s']:>6.1f}/{sm.good_hold_s:<6.1f} | "
              f"{d_reps:>+6d} {d_hold:>+8.2f}")
    for s in steps[len(clips):]:
        print(f"{s['exercise']:<11} {'(not in the clips)':>14}  skipped={s['skipped']}")
    print(f"worst difference against score: {worst_reps:.0f} rep(s), {worst_hold:.2f} s of good hold "
          f"(bar: 1 rep, 1 s)")


if __name__ == "__main__":
    main()
