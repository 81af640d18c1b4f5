"""Does skipping still frames change any verdict? `score` (default sampling) against `--every-frame`, per clip.

    posecheck eval sample_videos --cache .cache/eval                  # the model run both ways, cached as
    posecheck eval sample_videos --cache .cache/eval --every-frame    # landmark recordings
    python benchmarks/sampled_vs_every.py [--cache .cache/eval] [--every-cache DIR] [--only TEXT] [sample_videos]

For every clip with a truth file and both cached recordings, judges both against the clip's exercise (a negative
control against every exercise) and compares: the same cues (same fault, times within 0.1 s), the same holds
(start, end and good seconds within 0.2 s), the same reps (count and good/bad, in order). Prints one line per
clip and the count of clips that differ; exit status 1 when any does. No model runs here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import posecheck  # noqa: E402
from posecheck.batch.accuracy import recording_path  # noqa: E402

CUE_S, HOLD_S = 0.1 + 1e-6, 0.2 + 1e-6  # report times are rounded to the ms


def recordings(cache: Path, every_cache: Path, video: Path, exercise: str) -> tuple[Path | None, Path | None]:
    every = recording_path(video, every_cache, every_frame=True)
    sampled = recording_path(video, cache, every_frame=False, exercise=exercise)
    return (every if every.exists() else None), (sampled if sampled.exists() else None)


def differences(a, b) -> list[str]:
    out = []
    ca, cb = [(c.fault, c.t_s) for c in a.cues], [(c.fault, c.t_s) for c in b.cues]
    if len(ca) != len(cb) or any(fa != fb or abs(ta - tb) > CUE_S for (fa, ta), (fb, tb) in zip(ca, cb)):
        out.append(f"cues {ca} vs {cb}")
    ha = [(h.start_s, h.end_s, h.good_s) for h in a.holds]
    hb = [(h.start_s, h.end_s, h.good_s) for h in b.holds]
    if len(ha) != len(hb) or any(max(abs(x - y) for x, y in zip(p, q)) > HOLD_S for p, q in zip(ha, hb)):
        out.append(f"holds {ha} vs {hb}")
    ra, rb = [r.good for r in a.reps], [r.good for r in b.reps]
    if ra != rb:
        out.append(f"reps {ra} vs {rb}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=ROOT / "sample_videos")
    ap.add_argument("--cache", type=Path, default=Path(".cache/eval"),
                    help="where `posecheck eval` kept the recordings (both kinds, unless --every-cache)")
    ap.add_argument("--every-cache", type=Path, default=None,
                    help="where `posecheck eval --every-frame` kept its recordings, when not in --cache")
    ap.add_argument("--only", help="only clips whose name contains this text")
    args = ap.parse_args()
    n = differ = 0
    max_cue_s = max_hold_s = 0.0
    for video in sorted(args.folder.glob("*.mp4")):
        truth = video.parent / f"{video.stem}.truth.json"
        if not truth.exists():
            continue
        if args.only and args.only not in video.stem:
            continue
        ex = json.loads(truth.read_text())["exercise"]
        every, sampled = recordings(args.cache, args.every_cache or args.cache, video, ex)
        if not (every and sampled):
            print(f"{video.stem:24} skipped: run both evals first (no cached recording with this code and specs)")
            continue
        n += 1
        diffs, seen = [], ""
        for spec in (posecheck.list_specs() if ex == "none" else [ex]):
            a, b = posecheck.score(every, spec), posecheck.score(sampled, spec)
            diffs += [f"{spec}: {d}" for d in differences(a, b)]
            for x, y in zip(a.cues, b.cues):
                max_cue_s = max(max_cue_s, abs(x.t_s - y.t_s)) if x.fault == y.fault else max_cue_s
            for x, y in zip(a.holds, b.holds):
                max_hold_s = max(max_hold_s, abs(x.good_s - y.good_s))
        differ += bool(diffs)
        print(f"{video.stem:24} " + ("same" if not diffs else "DIFFERENT: " + "; ".join(diffs)))
    print(f"{n - differ} of {n} clips judged the same (cues within {CUE_S:.1f} s, holds within {HOLD_S:.1f} s, same reps); "
          f"largest cue shift {max_cue_s:.3f} s, largest good-hold change {max_hold_s:.3f} s")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
