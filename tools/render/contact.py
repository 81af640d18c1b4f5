"""Putting a posed body on the floor.

All solves are sagittal: rotations about the world z axis (the person's
left-right axis) and translations in x (along the floor) and y (up).

1. `two_point_rest`: turn the whole body about z so that the lowest vertex of
   contact group A and the lowest vertex of contact group B are at the same
   height, then lower it so both touch the floor (y = 0).  One group: just lower
   it so that group touches.
2. `lift`: optionally turn the body about group B's contact point so that
   group A rises by `lift_m` (a pelvis lifted off the floor).
3. `reach`: turn one segment (and everything distal to it) about its proximal
   joint so that a group touches the floor (hands on the floor in a cobra,
   arms lying beside a bridge, the head resting on the floor).
The caller then re-poses the body with the reach angles and re-applies the same
rigid placement, and finally slides it along x so the anchor stays put.
"""

from __future__ import annotations

import numpy as np


def rot_z(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


class Placement:
    """A rigid sagittal placement x_w = R @ x + t."""

    def __init__(self, R: np.ndarray | None = None, t: np.ndarray | None = None):
        self.R = np.eye(3) if R is None else R
        self.t = np.zeros(3) if t is None else t

    def apply(self, p: np.ndarray) -> np.ndarray:
        return p @ self.R.T + self.t

    def then(self, R: np.ndarray, pivot: np.ndarray) -> "Placement":
        """This placement followed by a rotation R about a world pivot."""
        return Placement(R @ self.R, R @ (self.t - pivot) + pivot)


def _bisect(f, lo: float, hi: float, iters: int = 40) -> float:
    flo = f(lo)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _nearest_root(f, max_deg: float = 60.0, step: float = 1.0) -> float | None:
    """The root of f nearest to 0 in [-max_deg, max_deg] (f continuous)."""
    f0 = f(0.0)
    if abs(f0) < 1e-9:
        return 0.0
    prev_p, prev_n = f0, f0
    a = step
    while a <= max_deg + 1e-9:
        fp, fn = f(a), f(-a)
        if (fp > 0) != (prev_p > 0):
            return _bisect(f, a - step, a)
        if (fn > 0) != (prev_n > 0):
            return _bisect(f, -a + step, -a)
        prev_p, prev_n = fp, fn
        a += step
    return None


def two_point_rest(verts: np.ndarray, group_a: np.ndarray, group_b: np.ndarray | None) -> tuple[Placement, float]:
    """Placement that rests the body on the floor on groups A and B; returns (placement, pitch_deg)."""
    pitch = 0.0
    if group_b is not None:
        A, B = verts[group_a], verts[group_b]

        def gap(deg):
            R = rot_z(deg)
            return (A @ R.T)[:, 1].min() - (B @ R.T)[:, 1].min()

        root = _nearest_root(gap)
        if root is None:
            raise RuntimeError("contact solve: no pitch puts both contact groups on the floor")
        pitch = root
    R = rot_z(pitch)
    turned = verts @ R.T
    idx = group_a if group_b is None else np.concatenate([group_a, group_b])
    t = np.array([0.0, -turned[idx, 1].min(), 0.0])
    return Placement(R, t), pitch


def lift(place: Placement, verts: np.ndarray, group_a: np.ndarray, group_b: np.ndarray, lift_m: float) -> Placement:
    """Turn about group B's floor contact so that group A's lowest point rises to lift_m."""
    if lift_m <= 0:
        return place
    w = place.apply(verts)
    b = w[group_b]
    pivot = b[np.argmin(b[:, 1])]
    A = w[group_a]

    def height(deg):
        R = rot_z(deg)
        return ((A - pivot) @ R.T + pivot)[:, 1].min() - lift_m

    # group A lies in front of (larger x than) or behind B: the turn direction follows
    sign = 1.0 if A[:, 0].mean() > pivot[0] else -1.0
    deg = _bisect(height, 0.0, sign * 45.0)
    return place.then(rot_z(deg), pivot)


def reach(verts_w: np.ndarray, group: np.ndarray, pivot_w: np.ndarray, max_deg: float = 70.0) -> float:
    """Angle (deg, counter-clockwise about z at the pivot) that brings the group down onto the floor.

    Returns the root nearest 0; if the group cannot reach the floor, the angle that brings it lowest.
    """
    G = verts_w[group] - pivot_w

    def height(deg):
        R = rot_z(deg)
        return (G @ R.T)[:, 1].min() + pivot_w[1]

    root = _nearest_root(height, max_deg=max_deg, step=1.0)
    if root is not None:
        return root
    grid = np.arange(-max_deg, max_deg + 0.5, 0.5)
    return float(grid[np.argmin([height(d) for d in grid])])


def floor_report(verts_w: np.ndarray, groups: dict[str, np.ndarray], contact_names: list[str]) -> dict:
    """Penetration of the whole body and the gap under each contact group (m)."""
    rep = {"penetration_m": float(max(0.0, -verts_w[:, 1].min()))}
    for name in contact_names:
        rep[f"gap_{name}_m"] = float(verts_w[groups[name], 1].min())
    return rep
