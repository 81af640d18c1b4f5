"""Sample clips cut one after another, as one routine session: landmark recordings (MediaPipe's, made with
`posecheck record` from `sample_videos/`, in tests/data/routine/) concatenated with shifted times."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "routine"
BACK_QUICK_CLIPS = ("cat_cow_a", "cobra_hold_a", "plank_clean_a", "bridge_reps_a")
# back_basics' steps in order, one clip each, its rests and stretches included
BACK_BASICS_CLIPS = ("cat_cow_a", "sphinx_hold_a", "cobra_hold_a", "plank_clean_a", "forearm_plank_clean_g",
                     "downward_dog_a", "bridge_reps_a", "child_pose_a")
EXERCISE = {"cat_cow_a": "cat_cow", "sphinx_hold_a": "sphinx", "cobra_hold_a": "cobra", "plank_clean_a": "plank",
            "forearm_plank_clean_g": "forearm_plank", "downward_dog_a": "downward_dog", "bridge_reps_a": "bridge",
            "child_pose_a": "child_pose"}


def concat_recordings(names, out: Path) -> list[tuple[str, float, float]]:
    """Writes the clips one after another to `out`; returns (clip, start_s, end_s) of each part."""
    lines, parts, offset = [], [], 0.0
    header = None
    for name in names:
        src = (DATA / f"{name}.jsonl").read_text().splitlines()
        head = json.loads(src[0])
        if header is None:
            header = dict(head, source="+".join(names))
        step = 1.0 / head["fps"]
        last = offset
        for line in src[1:]:
            d = json.loads(line)
            d["t_s"] = round(d["t_s"] + offset, 6)
            last = d["t_s"]
            lines.append(json.dumps(d, separators=(",", ":")))
        parts.append((name, offset, last))
        offset = last + step
    out.write_text(json.dumps(header) + "\n" + "\n".join(lines) + "\n")
    return parts


def cut_part(whole: Path, start_s: float, end_s: float, out: Path) -> Path:
    """One part of a concatenated recording, its times starting at 0 again (as `score` sees the clip)."""
    src = whole.read_text().splitlines()
    keep = []
    for line in src[1:]:
        d = json.loads(line)
        if start_s - 1e-6 <= d["t_s"] <= end_s + 1e-6:
            d["t_s"] = round(d["t_s"] - start_s, 6)
            keep.append(json.dumps(d, separators=(",", ":")))
    out.write_text(src[0] + "\n" + "\n".join(keep) + "\n")
    return out
