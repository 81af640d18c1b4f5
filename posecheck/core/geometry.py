"""Joint angles and body-line measures, in degrees, computed in pixel space.

Everything here is a pure function of pixel coordinates (x * width, y * height): angles on normalized
coordinates are distorted by the aspect ratio. Image "down" (+y) is taken as the floor direction, which holds
for an upright camera (OpenCV applies rotation metadata). A NaN landmark makes every measure using it NaN.

Measures (all `*_deg`-valued; names are the keys of `angles_deg` in reports and of `measure` in specs):

- unsigned 3-point angles, 0..180: ``elbow`` (shoulder-elbow-wrist), ``shoulder`` (elbow-shoulder-hip),
  ``hip`` (shoulder-hip-knee), ``knee`` (hip-knee-ankle), ``neck`` (ear-shoulder-hip),
  ``body_line`` (shoulder-hip-ankle);
- signed deviations, + toward the floor, because an unsigned angle folds at 180 and cannot tell a sag from a
  pike: ``body_sag`` (hip off the shoulder-ankle line: + sag, - pike), ``hip_sag`` (hip off the shoulder-knee
  line), ``head_drop`` (ear off the hip-shoulder line extended: + head hangs toward the floor, - head lifted),
  ``pelvis_lift`` (hip above the ankle-wrist line seen from the ankle: + lifted off the floor);
- arm placement, signed from vertical, + toward the head: ``hands_forward`` (shoulder-wrist line),
  ``elbows_forward`` (shoulder-elbow line);
- segment inclines above the horizontal, -90..90, independent of facing direction: ``torso_incline``
  (hip->shoulder), ``thigh_incline`` (knee->hip), ``shin_incline`` (ankle->knee), ``legs_incline``
  (ankle->hip), ``upper_arm_incline`` (elbow->shoulder), ``forearm_incline`` (wrist->elbow);
- ``face_down``: the ear->nose direction against the hip->shoulder line, + face toward the floor (prone),
  - toward the ceiling (supine): tells a plank from a reverse plank, a bridge from a hip lift face down;
- ``foot_incline``: the foot's toe->heel line above the horizontal, -90..90: a foot on its tucked toes (heel up,
  as in a plank) reads high, a foot lying on its top (sphinx, cobra) or standing on its sole about 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck.core.landmarks import Landmark as L
from posecheck.core.landmarks import Pose

__all__ = ["MEASURES", "VISIBILITY_MIN", "to_pixels", "angle3", "incline", "signed_deviation", "measure_side", "measure_pose",
           "measure_pose_fast", "side_points", "SideTracker", "SIDE_LANDMARKS", "nan_measures"]

VISIBILITY_MIN = 0.5
NAN = math.nan

MEASURES: tuple[str, ...] = (
    "elbow", "shoulder", "hip", "knee", "neck", "body_line",
    "body_sag", "hip_sag", "head_drop", "pelvis_lift",
    "hands_forward", "elbows_forward",
    "torso_incline", "thigh_incline", "shin_incline", "legs_incline", "upper_arm_incline", "forearm_incline",
    "face_down", "foot_incline",
)

# Landmarks of each side, in the order measure_side() unpacks them.
SIDE_LANDMARKS = {
    "left": (L.LEFT_EAR, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
    "right": (L.RIGHT_EAR, L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST, L.RIGHT_HIP, L.RIGHT_KNEE,
              L.RIGHT_ANKLE),
}
_SIDE_IDX = {k: [int(i) for i in v] for k, v in SIDE_LANDMARKS.items()}
# What the measures read: the side's seven points, the nose (on the midline, seen from either side), then the
# side's heel and toe (foot index). The feet stay out of SIDE_LANDMARKS: they do not choose the side.
_FOOT_IDX = {"left": [int(L.LEFT_HEEL), int(L.LEFT_FOOT_INDEX)], "right": [int(L.RIGHT_HEEL), int(L.RIGHT_FOOT_INDEX)]}
_MEASURE_IDX = {k: v + [int(L.NOSE)] + _FOOT_IDX[k] for k, v in _SIDE_IDX.items()}
# (33, 2) weights: visibility @ _SIDE_MEAN gives the mean visibility of the left and the right side at once.
_SIDE_MEAN = np.zeros((33, 2))
_SIDE_MEAN[_SIDE_IDX["left"], 0] = 1.0 / len(_SIDE_IDX["left"])
_SIDE_MEAN[_SIDE_IDX["right"], 1] = 1.0 / len(_SIDE_IDX["right"])


def nan_measures() -> dict[str, float]:
    return dict.fromkeys(MEASURES, NAN)


def to_pixels(pose: Pose, width: int, height: int, visibility_min: float = VISIBILITY_MIN) -> np.ndarray:
    """(33, 2) pixel coordinates; landmarks below the visibility floor become NaN."""
    if pose.xyz is None:
        return np.full((33, 2), np.nan)
    px = pose.xyz[:, :2] * (float(width), float(height))
    if pose.visibility is not None:
        px[pose.visibility < visibility_min] = np.nan
    return px


def angle3(a, b, c) -> float:
    """Unsigned angle a-b-c at b in degrees, 0..180; NaN if any point is NaN or degenerate."""
    ux, uy = a[0] - b[0], a[1] - b[1]
    vx, vy = c[0] - b[0], c[1] - b[1]
    nu, nv = math.hypot(ux, uy), math.hypot(vx, vy)
    if not (nu > 0.0 and nv > 0.0):  # also False for NaN
        return NAN
    return math.degrees(math.atan2(abs(ux * vy - uy * vx), ux * vx + uy * vy))


def incline(a, b) -> float:
    """Angle of the segment a->b above the horizontal, -90..90 (image up is +), whichever way it faces."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if not (math.hypot(dx, dy) > 0.0):
        return NAN
    return math.degrees(math.atan2(-dy, abs(dx)))


def _floor_side(a, c, p) -> float:
    """+1 if p lies on the floor side (image down) of the line through a and c, -1 if above, NaN if unknown."""
    ux, uy = c[0] - a[0], c[1] - a[1]
    # Normal of the line, turned to point down the image.
    nx, ny = -uy, ux
    if ny < 0 or (ny == 0 and nx < 0):
        nx, ny = -nx, -ny
    s = (p[0] - a[0]) * nx + (p[1] - a[1]) * ny
    if s != s:
        return NAN
    return 1.0 if s >= 0 else -1.0


def signed_deviation(a, b, c) -> float:
    """How far b bends off the straight line a-c, in degrees (180 - angle a-b-c), + when b is toward the floor."""
    ang = angle3(a, b, c)
    return _floor_side(a, c, b) * (180.0 - ang)


def _extension_deviation(a, b, p) -> float:
    """Angle between the direction a->b and b->p, + when p is on the floor side of the line a-b extended."""
    ang = angle3(a, b, p)
    return _floor_side(a, b, p) * (180.0 - ang)


def _from_vertical(top, p, head_dir: float) -> float:
    """Signed angle of top->p from straight down, + toward the head."""
    dx, dy = (p[0] - top[0]) * head_dir, p[1] - top[1]
    if not (math.hypot(dx, dy) > 0.0):
        return NAN
    return math.degrees(math.atan2(dx, dy))


def measure_side(ear, shoulder, elbow, wrist, hip, knee, ankle, nose=(NAN, NAN), heel=(NAN, NAN),
                 toe=(NAN, NAN)) -> dict[str, float]:
    """Every measure of one body side from its pixel points ((x, y) pairs, NaN for unknown)."""
    hd = shoulder[0] - hip[0]
    head_dir = (1.0 if hd >= 0 else -1.0) if hd == hd else NAN
    hip_angle = angle3(shoulder, hip, knee)
    body_line = angle3(shoulder, hip, ankle)
    return {
        "elbow": angle3(shoulder, elbow, wrist),
        "shoulder": angle3(elbow, shoulder, hip),
        "hip": hip_angle,
        "knee": angle3(hip, knee, ankle),
        "neck": angle3(ear, shoulder, hip),
        "body_line": body_line,
        "body_sag": _floor_side(shoulder, ankle, hip) * (180.0 - body_line),  # = signed_deviation(s, hip, a)
        "hip_sag": _floor_side(shoulder, knee, hip) * (180.0 - hip_angle),
        "head_drop": _extension_deviation(hip, shoulder, ear),
        "pelvis_lift": -_extension_deviation_at(ankle, wrist, hip),
        "hands_forward": _from_vertical(shoulder, wrist, head_dir),
        "elbows_forward": _from_vertical(shoulder, elbow, head_dir),
        "torso_incline": incline(hip, shoulder),
        "thigh_incline": incline(knee, hip),
        "shin_incline": incline(ankle, knee),
        "legs_incline": incline(ankle, hip),
        "upper_arm_incline": incline(elbow, shoulder),
        "forearm_incline": incline(wrist, elbow),
        "face_down": _face_down(hip, shoulder, ear, nose),
        "foot_incline": incline(toe, heel),
    }


def _face_down(hip, shoulder, ear, nose) -> float:
    """Which way the face points: the ear->nose direction against the hip->shoulder line, + toward the floor.

    Tells prone from supine when the limbs look alike: a plank looks at the floor (+), a reverse plank or a
    bridge looks at the ceiling (-). Measured against the torso line so that it does not depend on which way
    the person faces the camera.
    """
    ang = angle3((ear[0] - (shoulder[0] - hip[0]), ear[1] - (shoulder[1] - hip[1])), ear, nose)
    side = _floor_side(hip, shoulder, (shoulder[0] + nose[0] - ear[0], shoulder[1] + nose[1] - ear[1]))
    return side * (180.0 - ang)


def _extension_deviation_at(origin, toward, p) -> float:
    """Angle at `origin` between origin->toward and origin->p, + when p is on the floor side."""
    return _floor_side(origin, toward, p) * angle3(toward, origin, p)


def measure_pose(px: np.ndarray, side: str) -> dict[str, float]:
    """All measures of `side` ("left"/"right") from (33, 2) pixel coordinates."""
    pts = px[_MEASURE_IDX[side]].tolist()
    return measure_side(*pts)


def side_points(pose: Pose, width: int, height: int, side: str,
                visibility_min: float = VISIBILITY_MIN) -> list[tuple[float, float]]:
    """The pixel points measure_side() takes (the per-frame path: only what the measures use, as floats)."""
    idx = _MEASURE_IDX[side]
    rows = pose.xyz[idx, :2].tolist()
    vis = pose.visibility[idx].tolist() if pose.visibility is not None else [1.0] * len(idx)
    w, h = float(width), float(height)
    return [(x * w, y * h) if v >= visibility_min else (NAN, NAN) for (x, y), v in zip(rows, vis)]


def measure_pose_fast(pose: Pose, width: int, height: int, side: str) -> dict[str, float]:
    """Same as measure_pose(to_pixels(pose, width, height), side), without converting all 33 landmarks."""
    return measure_side(*side_points(pose, width, height, side))


@dataclass
class SideTracker:
    """Chooses the body side facing the camera from visibility, with hysteresis so it does not flicker.

    It switches only when the other side has been clearly more visible (by `margin`) for `hold_s` seconds.
    """

    margin: float = 0.15
    hold_s: float = 0.3
    side: str | None = None
    _since_s: float | None = None

    def update(self, pose: Pose) -> str | None:
        if pose.visibility is None:
            return self.side
        left, right = (pose.visibility @ _SIDE_MEAN).tolist()
        best = "left" if left >= right else "right"
        if self.side is None:
            self.side = best
            return best
        other = "right" if self.side == "left" else "left"
        cur_v, other_v = (left, right) if self.side == "left" else (right, left)
        if other_v > cur_v + self.margin:
            if self._since_s is None:
                self._since_s = pose.t_s
            if pose.t_s - self._since_s >= self.hold_s:
                self.side, self._since_s = other, None
        else:
            self._since_s = None
        return self.side

    def reset(self) -> None:
        self.side, self._since_s = None, None
