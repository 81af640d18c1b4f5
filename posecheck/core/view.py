"""Can this camera see each measure? The per-frame view test.

Every measure is an angle in the image, and an angle in the image is the body's angle only when the camera
looks at the body from the side. Per frame, two signs that it does not:

- **turn**: the near and far hips, knees and ankles separate *across* the image (horizontally). Side-on they
  overlap; turned toward the camera, they spread. The median of the three pairs reads at most 0.07 torso lengths
  in real side views (kk_forearm_plank_005/007, kk_pushup_correct_001, ab_cobra_v4's side-view half), 0.26-0.30
  for the cobra filmed obliquely (ab_cobra_v5), 0.46 for ab_cobra_v4 after its cross-fade to an oblique view.
  A knee or ankle pair spread more than `SWAP_GAP` beyond the hips is MediaPipe swapping near and far legs, not
  a turn (the Ngo "hips too high" frames: knees up to a whole torso length apart, hips within 0.11): left out.
  Only the horizontal part counts: a camera above or below the body separates the pairs vertically.
- **foreshortening**: a limb segment (upper arm, forearm, thigh, shin) whose apparent length, against the torso,
  falls under `MIN_LENGTH_RATIO` of this person's own side-view ratio (the largest seen in a side-on frame so
  far) points toward the camera: angles at its ends are not to be trusted.

A measure the view cannot support becomes unknown (NaN): never a fault, and the report says why. Inclines of a
single segment survive a moderate turn (a 25 deg turn moves a 45 deg incline by 3 deg), bends in the body's own
plane (a sag, a raised pelvis, the head) do not: see `MAX_TURN`.

    raw, state = restrict_to_view(raw, pose, width, height, side, state)   # state: ViewState() at the start
    state.verdict.unknown   # {measure: reason} for this frame
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from posecheck.core.landmarks import Landmark as L
from posecheck.core.landmarks import Pose

__all__ = ["ViewState", "ViewVerdict", "restrict_to_view", "view_turn", "MAX_TURN", "MIN_LENGTH_RATIO",
           "REASONS", "SEGMENTS", "SWAP_GAP"]

# The turn (see the module docstring) each kind of measure tolerates. Side views read <= 0.07, the oblique cobra
# 0.26-0.30: bends are judged up to 0.18 (about 16 deg of turn for hips 0.66 torso lengths wide), inclines up
# to 0.40 (a 25 deg turn moves a 45 deg incline by 3 deg).
MAX_TURN = {"bend": 0.18, "incline": 0.40}
SWAP_GAP = 0.3  # torso lengths
MIN_LENGTH_RATIO = 0.55  # a segment shown at under 55% of its side-view length points at the camera (>56 deg)

REASONS = ("turned", "foreshortened")  # why a measure is unknown (words for them: report/build.py)

_SIDE = {
    "left": {"shoulder": L.LEFT_SHOULDER, "elbow": L.LEFT_ELBOW, "wrist": L.LEFT_WRIST, "hip": L.LEFT_HIP,
             "knee": L.LEFT_KNEE, "ankle": L.LEFT_ANKLE},
    "right": {"shoulder": L.RIGHT_SHOULDER, "elbow": L.RIGHT_ELBOW, "wrist": L.RIGHT_WRIST, "hip": L.RIGHT_HIP,
              "knee": L.RIGHT_KNEE, "ankle": L.RIGHT_ANKLE},
}
SEGMENTS = {"upper_arm": ("shoulder", "elbow"), "forearm": ("elbow", "wrist"), "thigh": ("hip", "knee"),
            "shin": ("knee", "ankle")}

# What each measure needs: its kind (how much turn it tolerates) and the limb segments it is made of.
_ARM, _LEG = ("upper_arm", "forearm"), ("thigh", "shin")
NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "elbow": ("bend", _ARM), "shoulder": ("bend", ("upper_arm",)), "hip": ("bend", ("thigh",)),
    "knee": ("bend", _LEG), "neck": ("bend", ()), "body_line": ("bend", _LEG), "body_sag": ("bend", _LEG),
    "hip_sag": ("bend", ("thigh",)), "head_drop": ("bend", ()), "pelvis_lift": ("bend", _ARM + _LEG),
    "hands_forward": ("bend", _ARM), "elbows_forward": ("bend", ("upper_arm",)),
    "torso_incline": ("incline", ()), "thigh_incline": ("incline", ("thigh",)),
    "shin_incline": ("incline", ("shin",)), "legs_incline": ("incline", _LEG),
    "upper_arm_incline": ("incline", ("upper_arm",)), "forearm_incline": ("incline", ("forearm",)),
    "face_down": ("bend", ()),
}


@dataclass(frozen=True)
class ViewVerdict:
    """One frame's view: how turned, which segments look foreshortened, which measures it cannot support."""

    turn: float = math.nan  # NaN: not measurable (a landmark missing)
    foreshortened: tuple[str, ...] = ()
    unknown: dict = field(default_factory=dict)  # measure -> reason ("turned" | "foreshortened")


@dataclass(frozen=True)
class ViewState:
    """What is known of this person's side view: each segment's length over the torso length, the largest
    seen in a side-on frame (NaN until seen), and the last frame's verdict."""

    side_view_ratio: dict = field(default_factory=dict)
    verdict: ViewVerdict = ViewVerdict()


def _xy(pose: Pose, idx, width: int, height: int) -> tuple[float, float]:
    x, y = pose.xyz[int(idx), 0], pose.xyz[int(idx), 1]
    return float(x) * width, float(y) * height


def view_turn(pose: Pose, width: int, height: int) -> float:
    """The median horizontal separation of the near and far hips, knees and ankles over the torso length
    (pairs spread `SWAP_GAP` beyond the hips left out); NaN when the hips or torso are not placed.

    Far-side landmarks are used whatever their visibility: MediaPipe still places them, and only where they
    are matters."""
    if pose.xyz is None:
        return math.nan
    sl, sr = _xy(pose, L.LEFT_SHOULDER, width, height), _xy(pose, L.RIGHT_SHOULDER, width, height)
    hl, hr = _xy(pose, L.LEFT_HIP, width, height), _xy(pose, L.RIGHT_HIP, width, height)
    torso = (math.dist(sl, hl) + math.dist(sr, hr)) / 2.0
    hips = abs(hl[0] - hr[0]) / torso if torso > 0 else math.nan
    if hips != hips:
        return math.nan
    seps = [hips]
    for a, b in ((L.LEFT_KNEE, L.RIGHT_KNEE), (L.LEFT_ANKLE, L.RIGHT_ANKLE)):
        dx = abs(_xy(pose, a, width, height)[0] - _xy(pose, b, width, height)[0]) / torso
        if dx == dx and dx <= hips + SWAP_GAP:
            seps.append(dx)
    seps.sort()
    return seps[len(seps) // 2] if len(seps) % 2 else (seps[len(seps) // 2 - 1] + seps[len(seps) // 2]) / 2.0


def _segment_ratios(pose: Pose, width: int, height: int, side: str) -> dict[str, float]:
    pts = {k: _xy(pose, i, width, height) for k, i in _SIDE[side].items()}
    vis = pose.visibility
    torso = math.dist(pts["shoulder"], pts["hip"])
    out = {}
    for seg, (a, b) in SEGMENTS.items():
        seen = vis is None or (vis[int(_SIDE[side][a])] >= 0.5 and vis[int(_SIDE[side][b])] >= 0.5)
        r = math.dist(pts[a], pts[b]) / torso if torso > 0 and seen else math.nan
        out[seg] = r if r == r else math.nan
    return out


def restrict_to_view(raw: dict, pose: Pose, width: int, height: int, side: str | None,
                     state: ViewState) -> tuple[dict, ViewState]:
    """The measures this view supports (the others NaN), and the state after this frame. Pure: the caller
    keeps the state (the evaluator, one per person and camera)."""
    if pose.xyz is None or side is None:
        return raw, state
    turn = view_turn(pose, width, height)
    ratios = _segment_ratios(pose, width, height, side)
    ref = dict(state.side_view_ratio)
    side_on = turn == turn and turn <= MAX_TURN["bend"]
    short = tuple(s for s, r in ratios.items()
                  if r == r and ref.get(s, math.nan) == ref.get(s, math.nan) and r < MIN_LENGTH_RATIO * ref[s])
    if side_on:
        for s, r in ratios.items():
            # The longest a segment has looked from the side is its side-view length (a glitch far beyond the
            # reference is not taken: at most 1.5x it at a time).
            if r == r and not (ref.get(s, 0.0) >= r) and (s not in ref or r <= 1.5 * ref[s]):
                ref[s] = r
    unknown = {}
    out = raw
    for m, (kind, segs) in NEEDS.items():
        if m not in raw or raw[m] != raw[m]:
            continue
        if turn == turn and turn > MAX_TURN[kind]:
            unknown[m] = "turned"
        elif any(s in short for s in segs):
            unknown[m] = "foreshortened"
    if unknown:
        out = dict(raw)
        for m in unknown:
            out[m] = math.nan
    return out, ViewState(ref, ViewVerdict(turn, short, unknown))
