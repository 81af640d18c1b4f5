"""Camera guidance: can this camera judge this person? Whole body in view, side view, not too close or far.

Every posecheck exercise is judged from the side, on the floor; the angles are only as good as the view.
`FramingGuide.update(pose)` looks at one pose at a time and says what to fix, in words for the person
("Turn sideways to the camera", "Step back: your feet are out of view"). An issue must persist `settle_s`
before it is reported, and be gone `settle_s` before it is withdrawn, so a one-frame glitch never flips it.

It does not gate judging: the spec's position recognition does that (a person is judged only once in
position; setup is never timed nor counted as a fault). Guidance explains why judging has not started, or why
it is paused (state `unknown`), while the person sets up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck.core.geometry import VISIBILITY_MIN
from posecheck.core.landmarks import Landmark as L
from posecheck.core.landmarks import Pose

__all__ = ["Framing", "FramingGuide", "assess_framing", "GUIDANCE_MESSAGES", "BODY_PARTS"]

# Body parts that must be in view (the landmarks the measures use), in the order they are named when several
# are missing: the feet are what a laptop camera cuts off first.
BODY_PARTS: dict[str, tuple[tuple[L, ...], tuple[L, ...]]] = {
    "feet": ((L.LEFT_ANKLE,), (L.RIGHT_ANKLE,)),
    "head": ((L.LEFT_EAR,), (L.RIGHT_EAR,)),
    "hands": ((L.LEFT_WRIST,), (L.RIGHT_WRIST,)),
    "knees": ((L.LEFT_KNEE,), (L.RIGHT_KNEE,)),
    "hips": ((L.LEFT_HIP,), (L.RIGHT_HIP,)),
    "shoulders": ((L.LEFT_SHOULDER,), (L.RIGHT_SHOULDER,)),
}
_EXTENT = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE,
           L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_EAR, L.RIGHT_EAR, L.NOSE)

GUIDANCE_MESSAGES = {
    "no_person": "Step into view: the camera sees no one",
    "too_close": "Step back: you are too close to the camera",
    "too_far": "Come closer: you are too far from the camera",
    "not_side_view": "Turn sideways to the camera",
}


def _out_of_view_message(part: str, crowded: bool) -> str:
    verb = "are" if part.endswith("s") or part == "feet" else "is"
    if crowded:
        return f"Step back: your {part} {verb} out of view"
    return f"Move to the middle of the picture: your {part} {verb} out of view"


@dataclass(frozen=True)
class Framing:
    """What the camera sees. `issue` is None when the view is fine; `message` says what to do about it."""

    t_s: float
    issue: str | None
    message: str | None
    extent: float = math.nan  # the body's size as a share of the frame (0..1, largest of width and height)
    width_ratio: float = math.nan  # shoulder and hip width over torso length: ~0 side view, >0.6 facing

    @property
    def ok(self) -> bool:
        return self.issue is None


def _in_frame(px: np.ndarray, vis: np.ndarray, idx, width: int, height: int, margin: float) -> bool:
    p = px[int(idx)]
    if not (vis[int(idx)] >= VISIBILITY_MIN) or np.isnan(p).any():
        return False
    mx, my = margin * width, margin * height
    return mx <= p[0] <= width - mx and my <= p[1] <= height - my


def assess_framing(pose: Pose, width: int, height: int, *, margin: float = 0.01, crowded_extent: float = 0.8,
                   too_close_extent: float = 0.97, too_far_extent: float = 0.3,
                   side_view_max_ratio: float = 0.45) -> Framing:
    """One pose's framing, unsmoothed. Thresholds are shares of the frame size (see FramingGuide)."""
    t = pose.t_s
    if not pose.detected:
        return Framing(t, "no_person", GUIDANCE_MESSAGES["no_person"])
    px = pose.xyz[:, :2] * (float(width), float(height))
    vis = pose.visibility if pose.visibility is not None else np.ones(len(px))
    # The body's extent from every key landmark MediaPipe placed, in frame or not: a cut-off body reaches
    # past the edge, and that says "too close" rather than "off to one side".
    ext = px[[int(i) for i in _EXTENT]]
    ext = ext[~np.isnan(ext).any(axis=1)]
    if len(ext) < 2:
        return Framing(t, "no_person", GUIDANCE_MESSAGES["no_person"])
    span_x = (ext[:, 0].max() - ext[:, 0].min()) / width
    span_y = (ext[:, 1].max() - ext[:, 1].min()) / height
    extent = float(max(span_x, span_y))
    ratio = _width_ratio(px)
    for part, sides in BODY_PARTS.items():
        if not any(all(_in_frame(px, vis, i, width, height, margin) for i in side) for side in sides):
            # A part may also be hidden behind the body on the far side; the near side is the one to see.
            return Framing(t, f"out_of_view:{part}", _out_of_view_message(part, extent >= crowded_extent),
                           extent, ratio)
    if extent >= too_close_extent:
        return Framing(t, "too_close", GUIDANCE_MESSAGES["too_close"], extent, ratio)
    if ratio == ratio and ratio > side_view_max_ratio:
        return Framing(t, "not_side_view", GUIDANCE_MESSAGES["not_side_view"], extent, ratio)
    if extent < too_far_extent:
        return Framing(t, "too_far", GUIDANCE_MESSAGES["too_far"], extent, ratio)
    return Framing(t, None, None, extent, ratio)


def _width_ratio(px: np.ndarray) -> float:
    """How wide the body looks across (shoulders, hips) against its torso length; a side view is narrow.

    Facing the camera, shoulders are ~0.7 torso lengths apart (more when the torso is foreshortened, as in a
    plank with the head toward the camera); from the side they nearly coincide. Far-side landmarks are used
    whatever their visibility: MediaPipe still places them, and only their separation matters here.
    """
    ls, rs, lh, rh = (px[int(i)] for i in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP))
    if any(np.isnan(p).any() for p in (ls, rs, lh, rh)):
        return math.nan
    torso = float(np.hypot(*((ls + rs) / 2 - (lh + rh) / 2)))
    if not torso > 0:
        return math.nan
    across = (float(np.hypot(*(ls - rs))) + float(np.hypot(*(lh - rh)))) / 2
    return across / torso


class FramingGuide:
    """Framing over time: an issue is reported once it lasted `settle_s`, withdrawn once gone `settle_s`."""

    def __init__(self, width: int, height: int, settle_s: float = 0.5, **thresholds):
        self.width, self.height, self.settle_s = width, height, settle_s
        self.thresholds = thresholds
        self.current = Framing(0.0, None, None)
        self._candidate: Framing | None = None
        self._since: float | None = None

    def update(self, pose: Pose) -> Framing:
        now = assess_framing(pose, self.width, self.height, **self.thresholds)
        if now.issue == self.current.issue:
            self._candidate, self._since = None, None
            self.current = now
            return now
        if self._candidate is None or self._candidate.issue != now.issue:
            self._candidate, self._since = now, now.t_s
        if now.t_s - self._since >= self.settle_s:
            self.current = now
            self._candidate, self._since = None, None
        return self.current

    def reset(self) -> None:
        self.current = Framing(0.0, None, None)
        self._candidate, self._since = None, None
