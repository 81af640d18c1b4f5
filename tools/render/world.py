"""One instant of a clip: pose the body and put it on the floor in the world."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import contact
from body import DESCENDANTS, M_WORLD, SEGMENT_PIVOT_BONE, Body
from timeline import State


@dataclass
class WorldFrame:
    vertices: np.ndarray  # (V, 3) world
    landmarks: np.ndarray  # (33, 3) world, BlazePose order, NaN = unknown
    pitch_deg: float
    reach_deg: dict[str, float]
    floor: dict[str, float]


def _reach_targets(reach: tuple[tuple[str, str], ...]) -> list[tuple[str, str | None, str]]:
    """(segment, side, group) per side: 'shank' + 'feet' -> ('shank', 'l', 'feet_l'), ('shank', 'r', 'feet_r')."""
    out = []
    for seg, group in reach:
        if seg.endswith(("_l", "_r")):
            out.append((seg[:-2], seg[-1], group))
        elif seg in ("neck", "head"):
            out.append((seg, None, group))
        else:
            out.append((seg, "l", f"{group}_l"))
            out.append((seg, "r", f"{group}_r"))
    return out


def _arm_ik(body: Body, posed, placement: contact.Placement, angles: dict[str, float], f: float) -> None:
    """Two-bone IK in the side view: put each wrist on the floor at hip + f * trunk length
    (toward the head), the elbow bending toward the feet; the hand lies flat."""
    pitch = np.degrees(np.arctan2(placement.R[1, 0], placement.R[0, 0]))
    to_w = lambda p: placement.apply((np.asarray(p) @ M_WORLD.T)[None])[0]  # noqa: E731
    k = body.rest_keypoints
    trunk = float(np.linalg.norm(k["left_shoulder"] - k["left_hip"]))
    hip = 0.5 * (to_w(posed.keypoints["left_hip"]) + to_w(posed.keypoints["right_hip"]))
    head_dir = 1.0 if to_w(posed.keypoints["nose"])[0] > hip[0] else -1.0
    for S, side in (("L", "l"), ("R", "r")):
        s = to_w(posed.joints[f"upperarm01.{S}"])[:2]
        e = to_w(posed.joints[f"lowerarm01.{S}"])[:2]
        w = to_w(posed.joints[f"wrist.{S}"])[:2]
        l1, l2 = np.linalg.norm(e - s), np.linalg.norm(w - e)
        target = np.array([hip[0] + head_dir * f * trunk, body.wrist_height_m])
        d = target - s
        dist = min(np.linalg.norm(d), l1 + l2 - 1e-4)
        base = np.degrees(np.arctan2(d[1], d[0]))
        inner = np.degrees(np.arccos(np.clip((l1**2 + dist**2 - l2**2) / (2 * l1 * dist), -1, 1)))
        # of the two elbow positions take the one toward the feet
        cands = []
        for sgn in (1.0, -1.0):
            a1 = base + sgn * inner
            elbow = s + l1 * np.array([np.cos(np.radians(a1)), np.sin(np.radians(a1))])
            wrist = s + dist * d / np.linalg.norm(d)
            a2 = np.degrees(np.arctan2(*(wrist - elbow)[::-1]))
            cands.append((-head_dir * elbow[0], a1, a2))
        _, a1, a2 = max(cands)
        angles[f"upper_arm_{side}"] = a1 - pitch
        angles[f"forearm_{side}"] = a2 - pitch
        angles[f"hand_{side}"] = 0.0 if head_dir > 0 else 180.0
        angles[f"hand_{side}"] -= pitch


def place(body: Body, st: State) -> WorldFrame:
    posed = body.pose(st.angles, st.extras)
    verts = posed.vertices @ M_WORLD.T
    g = body.groups
    a_name, b_name = st.contacts
    ga = g[a_name]
    gb = g[b_name] if b_name else None
    placement, pitch = contact.two_point_rest(verts, ga, gb)
    if st.extras.get("lift_m", 0.0) > 0 and gb is not None:
        placement = contact.lift(placement, verts, g["hips"], gb, st.extras["lift_m"])
    reach_deg: dict[str, float] = {}
    angles = dict(st.angles)
    repose = False
    if st.arm_ik is not None:
        _arm_ik(body, posed, placement, angles, st.arm_ik)
        posed = body.pose(angles, st.extras)
        verts = posed.vertices @ M_WORLD.T
        repose = True
    if st.reach:
        w = placement.apply(verts)
        for seg, side, group in _reach_targets(st.reach):
            bone = SEGMENT_PIVOT_BONE[seg].replace("{S}", (side or "l").upper())
            pivot = placement.apply((posed.joints[bone] @ M_WORLD.T)[None])[0]
            d = contact.reach(w, g[group], pivot)
            key = f"{seg}_{side}" if side else seg
            reach_deg[key] = d
            if abs(d) < 1e-3:
                continue
            for s in [seg, *DESCENDANTS[seg]]:
                angles[f"{s}_{side}" if side else s] += d
        repose = any(abs(d) >= 1e-3 for d in reach_deg.values())
    if repose:
        posed = body.pose(angles, st.extras)
        verts = posed.vertices @ M_WORLD.T
    w = placement.apply(verts)
    w[:, 0] += st.walk_x_m
    to_w = lambda p: placement.apply((np.asarray(p) @ M_WORLD.T)[None])[0] + [st.walk_x_m, 0, 0]  # noqa: E731
    kp_w = {k: to_w(v) for k, v in posed.keypoints.items()}
    joints_w = {b: to_w(posed.joints[b]) for b in body.hand_landmark_bones.values()}
    lm = body.blazepose(w, kp_w, joints_w)
    names = [n for n in (a_name, b_name) if n]
    floor = contact.floor_report(w, g, names + [grp for _, _, grp in _reach_targets(st.reach)])
    return WorldFrame(w, lm, pitch, reach_deg, floor)
