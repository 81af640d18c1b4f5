"""Can this camera see each measure? The per-frame view test.

Every measure is an angle in the image, and an angle in the image is the body's angle only when the camera
looks at the body from the side. Per frame, two signs that it does not:

- **turn**: the near and far hips separate *across* the image (horizontally), in torso lengths. Side-on they
  overlap: real side views read at most 0.07 (kk_forearm_plank_005/007, kk_pushup_correct_001, ab_cobra_v4's
  side-view half), the Ngo trainer's frames 0.09 (99%); the cobra filmed obliquely (ab_cobra_v5) 0.10-0.23
  (5-95%), the Ngo trainer's one oblique stretch 0.19-0.26 (ngo_dataset4 rows 288-477, shoulders 0.37-0.47
  apart), ab_cobra_v4 after its cross-fade to a near-frontal view 0.32, ab_cobra_howto 0.33-0.50. Only the hips
  count: knees and ankles spread with the stance (feet apart), with perspective toward the picture's edges and
  with MediaPipe's leg swaps while the body itself is side-on (the Ngo "hips too high" frames: hips within
  0.09, knees and ankles up to 0.35 apart, and more when swapped), and shoulders read 0.1-0.2 apart even
  side-on. Only the horizontal part counts: a camera above or below the body separates the pairs vertically.
- **foreshortening**: a limb segment (upper arm, forearm, thigh, shin) whose apparent length, against the torso,
  falls under `MIN_LENGTH_RATIO` of this person's own side-view ratio (the largest seen in a side-on frame so
  far) points toward the camera: angles at its ends are not to be trusted.

A measure the view cannot support becomes unknown (NaN): never a fault, and the report says why. How much turn
a measure tolerates depends on what it is (`MAX_TURN`, `NEEDS`). Assumed: the camera is about level with the
body, so a turn about the vertical shortens the body's length in the picture and leaves heights alone; an angle
in the body's own plane then reads atan(tan(a) / cos(turn)): a slight bend of the body line grows by 1/cos(turn)
(15% at 30 deg of turn) and keeps its sign, and a 45 deg incline moves by 4 deg at 30 deg of turn.

    raw, state = restrict_to_view(raw, pose, width, height, side, state)   # state: ViewState() at the start
    state.verdict.unknown   # {measure: ViewReason} for this frame
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from posecheck.core.landmarks import Landmark as L
from posecheck.core.landmarks import Pose

__all__ = ["ViewState", "ViewVerdict", "ViewReason", "restrict_to_view", "view_turn", "MAX_TURN",
           "MIN_LENGTH_RATIO", "MAX_SIDE_RATIO", "SEGMENTS", "NEEDS"]


class ViewReason(StrEnum):
    """Why the view cannot support a measure (words for it: `posecheck.words.view_reason_text`)."""

    TURNED = "turned"  # the body is turned away from a side view
    FORESHORTENED = "foreshortened"  # a limb segment the measure is made of points toward the camera


# The turn (hips apart, in torso lengths; see the module docstring) each kind of measure tolerates:
# - "floor": a few degrees off a line along the floor (the cobra's pelvis_lift): the oblique cobra, pelvis flat
#   on the mat, reads 7.5 (median; 9.5 at 95%) at a turn of 0.10-0.14 against 5-7 side-on, over its 8.5 bound:
#   judged only as side-on as side views are (<= 0.10: real side views <= 0.09).
# - "bend": a joint angle or an arm's or the head's position, out of the line of the body (elbow, hands under the
#   shoulders...): up to 0.18 (the oblique cobra's elbows read 156-166 at 0.14-0.18, 161-170 beyond).
# - "line": a bend of the body's own line (body_sag, hip_sag, body_line, knee) or one segment's incline: all its
#   points lie in the body's plane, so a turn only shortens the picture of it (a bend reads 1/cos(turn) larger,
#   its sign kept; a 45 deg incline moves by 4 deg at 30 deg of turn). The Ngo trainer's oblique stretch
#   (0.19-0.26), which he labelled correct, reads body_sag -3..-4 like his side-on correct frames (-4..-12):
#   judged up to 0.28, short of the near-frontal views (ab_cobra_v4's 0.31-0.34, where legs_incline reads -13
#   for legs flat on the mat).
MAX_TURN = {"floor": 0.10, "bend": 0.18, "line": 0.28}
MIN_LENGTH_RATIO = 0.55  # a segment shown at under 55% of its side-view length points at the camera (>56 deg)
# The longest a segment can look against the torso from the side. Real side views read at most: upper arm 0.79,
# forearm 0.58, thigh 0.91, shin 0.90 (Ngo frames, kk_forearm_plank_005/007, kk_pushup_correct_001,
# ab_cobra_v4's side view; body proportions give 0.65, 0.51, 0.85, 0.85). More is the torso pointing at the
# camera, not a long limb (ab_cobra_v5 turning round reads thigh 2.6, shin 2.6): not a side view to learn from,
# or every later side view would look foreshortened.
MAX_SIDE_RATIO = {"upper_arm": 0.90, "forearm": 0.70, "thigh": 1.05, "shin": 1.05}

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
    "knee": ("line", _LEG), "neck": ("bend", ()), "body_line": ("line", _LEG), "body_sag": ("line", _LEG),
    "hip_sag": ("line", ("thigh",)), "head_drop": ("bend", ()), "pelvis_lift": ("floor", _ARM + _LEG),
    "hands_forward": ("bend", _ARM), "elbows_forward": ("bend", ("upper_arm",)),
    "torso_incline": ("line", ()), "thigh_incline": ("line", ("thigh",)),
    "shin_incline": ("line", ("shin",)), "legs_incline": ("line", _LEG),
    "upper_arm_incline": ("line", ("upper_arm",)), "forearm_incline": ("line", ("forearm",)),
    "face_down": ("bend", ()),
    "foot_incline": ("line", ()),
}


@dataclass(frozen=True)
class ViewVerdict:
    """One frame's view: how turned, which segments look foreshortened, which measures it cannot support."""

    turn: float = math.nan  # NaN: not measurable (a landmark missing)
    foreshortened: tuple[str, ...] = ()
    unknown: dict = field(default_factory=dict)  # measure -> ViewReason


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
    """The horizontal separation of the near and far hips over the torso length (see the module docstring);
    NaN when the hips or shoulders are not placed.

    The far hip is used whatever its visibility: MediaPipe still places it, and only where it is matters."""
    if pose.xyz is None:
        return math.nan
    sl, sr = _xy(pose, L.LEFT_SHOULDER, width, height), _xy(pose, L.RIGHT_SHOULDER, width, height)
    hl, hr = _xy(pose, L.LEFT_HIP, width, height), _xy(pose, L.RIGHT_HIP, width, height)
    torso = (math.dist(sl, hl) + math.dist(sr, hr)) / 2.0
    turn = abs(hl[0] - hr[0]) / torso if torso > 0 else math.nan
    return turn if turn == turn else math.nan


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
    side_on = turn == turn and turn <= MAX_TURN["floor"]
    short = tuple(s for s, r in ratios.items()
                  if r == r and ref.get(s, math.nan) == ref.get(s, math.nan) and r < MIN_LENGTH_RATIO * ref[s])
    if side_on:
        for s, r in ratios.items():
            # The longest a segment has looked from the side is its side-view length (a glitch far beyond the
            # reference is not taken: at most 1.5x it at a time).
            if r == r and not (ref.get(s, 0.0) >= r) and (s not in ref or r <= 1.5 * ref[s]) and \
                    r <= MAX_SIDE_RATIO[s]:
                ref[s] = r
    unknown = {}
    out = raw
    for m, (kind, segs) in NEEDS.items():
        if m not in raw or raw[m] != raw[m]:
            continue
        if turn == turn and turn > MAX_TURN[kind]:
            unknown[m] = ViewReason.TURNED
        elif any(s in short for s in segs):
            unknown[m] = ViewReason.FORESHORTENED
    if unknown:
        out = dict(raw)
        for m in unknown:
            out[m] = math.nan
    return out, ViewState(ref, ViewVerdict(turn, short, unknown))
