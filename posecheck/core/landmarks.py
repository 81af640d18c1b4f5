"""The 33 BlazePose landmarks, the skeleton as data, and the per-frame `Pose`.

Nothing downstream of this module sees a MediaPipe type: estimators convert their results to `Pose`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

__all__ = ["Landmark", "SKELETON", "NUM_LANDMARKS", "Pose", "SourceInfo", "MAX_ABS_COORD", "unknown_where_absurd"]

NUM_LANDMARKS = 33


class Landmark(enum.IntEnum):
    """MediaPipe BlazePose landmark indices; LEFT/RIGHT are the person's own sides."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


L = Landmark
# Body edges drawn by the renderer (the face is reduced to ear-nose; hands to wrist-index).
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_EAR, L.NOSE), (L.RIGHT_EAR, L.NOSE),
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.LEFT_ELBOW, L.LEFT_WRIST), (L.LEFT_WRIST, L.LEFT_INDEX),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW), (L.RIGHT_ELBOW, L.RIGHT_WRIST), (L.RIGHT_WRIST, L.RIGHT_INDEX),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE), (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE), (L.RIGHT_KNEE, L.RIGHT_ANKLE), (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
)
del L


@dataclass(frozen=True, eq=False)
class Pose:
    """One frame's landmarks.

    `xyz` is (33, 3): x and y normalized to [0, 1] of the image width and height as MediaPipe gives them,
    z MediaPipe's relative depth; an unknown landmark is NaN. `visibility` is (33,), 0 for unknown.
    `xyz is None` means no person was detected in the frame. `world` is optional (33, 3) metres.
    """

    t_s: float
    xyz: np.ndarray | None
    visibility: np.ndarray | None
    world: np.ndarray | None = None

    @property
    def detected(self) -> bool:
        return self.xyz is not None

    @classmethod
    def absent(cls, t_s: float) -> "Pose":
        return cls(t_s=t_s, xyz=None, visibility=None)

    @classmethod
    def from_landmark_list(cls, t_s: float, landmarks, world=None) -> "Pose":
        """From any sequence of objects with .x .y .z and optional .visibility (both MediaPipe APIs)."""
        xyz, vis = unknown_where_absurd(np.array([[p.x, p.y, p.z] for p in landmarks], dtype=np.float64),
                                        np.array([_visibility(p) for p in landmarks], dtype=np.float64))
        w = None
        if world is not None:
            w = np.array([[p.x, p.y, p.z] for p in world], dtype=np.float64)
            w[~(np.abs(w) <= MAX_ABS_COORD).all(axis=1)] = np.nan
        return cls(t_s=t_s, xyz=xyz, visibility=vis, world=w)


# Beyond this a coordinate is no reading of a body (x, y are in image widths and heights, z alike, world in
# metres): MediaPipe's own guesses for landmarks out of the picture stay within a few units.
MAX_ABS_COORD = 1e3


def unknown_where_absurd(xyz: np.ndarray, visibility: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A landmark with a non-finite or absurd coordinate (Infinity, 1e308) is unknown as a whole: NaN, and
    visibility 0; a visibility outside [0, 1] is clipped to it (NaN reads 0). New arrays; the inputs stay."""
    xyz = np.array(xyz, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(xyz) <= MAX_ABS_COORD).all(axis=1)
    vis = np.clip(np.nan_to_num(np.asarray(visibility, dtype=np.float64), nan=0.0, posinf=1.0, neginf=0.0), 0, 1)
    xyz[bad] = np.nan
    vis[bad] = 0.0
    return xyz, vis


def _visibility(p) -> float:
    v = getattr(p, "visibility", None)
    # The Tasks API leaves visibility as None on some builds: treat as fully visible, not unknown.
    return 1.0 if v is None else float(v)


@dataclass(frozen=True)
class SourceInfo:
    path: str
    kind: str  # "video" | "image" | "camera" | "recording"
    width: int
    height: int
    fps: float
    frames: int | None = None  # as the container says; None when unknown (camera)

    @property
    def duration_s(self) -> float | None:
        return None if self.frames is None else self.frames / self.fps
