"""Constructed poses with known geometry: a side-view body drawn from a few pixel points.

The camera sees the person's left side (right-side landmarks get low visibility); the head points to +x.
"""

from __future__ import annotations

import math

import numpy as np

from posecheck.core.geometry import angle3
from posecheck.core.landmarks import Landmark as L
from posecheck.core.landmarks import Pose

W, H = 640, 480
FLOOR_Y = 400.0


def pose_from_points(t_s: float, pts: dict, width: int = W, height: int = H, hidden_vis: float = 0.3) -> Pose:
    """`pts`: {"ear": (x, y), "shoulder": ..., "elbow", "wrist", "hip", "knee", "ankle"} in pixels, optionally
    "heel" and "toe" (foot index; without them the feet are not seen) and "nose" (without it the face looks at the
    floor, None: not seen)."""
    xyz = np.full((33, 3), 0.5)
    vis = np.full(33, hidden_vis)
    names = {"ear": (L.LEFT_EAR, L.RIGHT_EAR), "shoulder": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
             "elbow": (L.LEFT_ELBOW, L.RIGHT_ELBOW), "wrist": (L.LEFT_WRIST, L.RIGHT_WRIST),
             "hip": (L.LEFT_HIP, L.RIGHT_HIP), "knee": (L.LEFT_KNEE, L.RIGHT_KNEE),
             "ankle": (L.LEFT_ANKLE, L.RIGHT_ANKLE), "heel": (L.LEFT_HEEL, L.RIGHT_HEEL),
             "toe": (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)}
    for name, point in pts.items():
        if name == "nose":
            continue
        x, y = point
        left, right = names[name]
        xyz[left] = (x / width, y / height, 0.0)
        xyz[right] = ((x + 3) / width, (y + 2) / height, 0.1)
        vis[left] = 0.95
    if "nose" in pts and pts["nose"] is None:  # the face not seen: the nose keeps the hidden visibility
        return Pose(t_s=t_s, xyz=xyz, visibility=vis)
    if "nose" not in pts:
        # Face toward the floor (prone): the nose ahead of the ear along the head direction, turned down.
        ex, ey = pts["ear"]
        sx, sy = pts["shoulder"]
        n = math.hypot(ex - sx, ey - sy) or 1.0
        dx, dy = (ex - sx) / n, (ey - sy) / n
        c, s_ = math.cos(math.radians(60)), math.sin(math.radians(60))
        turned = (dx * c - dy * s_, dx * s_ + dy * c)
        if turned[1] < 0:  # turn the other way so that it points down the image
            turned = (dx * c + dy * s_, -dx * s_ + dy * c)
        nx, ny = ex + 14 * turned[0], ey + 14 * turned[1]
    else:
        nx, ny = pts["nose"]
    xyz[L.NOSE] = (nx / width, ny / height, 0.0)
    vis[L.NOSE] = 0.95
    return Pose(t_s=t_s, xyz=xyz, visibility=vis)


def _perp_down(ax, ay, bx, by):
    ux, uy = bx - ax, by - ay
    n = math.hypot(ux, uy)
    nx, ny = -uy / n, ux / n
    if ny < 0:
        nx, ny = -nx, -ny
    return nx, ny


def plank_points(sag_deg: float = 0.0, hands_forward_px: float = 0.0, head_drop_deg: float = 10.0,
                 forearm: bool = False) -> dict:
    """A straight-arm (or forearm) plank facing +x; `sag_deg` > 0 sags, < 0 pikes (exact body_sag)."""
    ankle = (100.0, FLOOR_Y - 10)
    arm = 70.0 if forearm else 150.0
    shoulder = (430.0, FLOOR_Y - arm)
    ax, ay = ankle
    sx, sy = shoulder
    half = math.hypot(sx - ax, sy - ay) / 2
    h = half * math.tan(math.radians(sag_deg) / 2)
    nx, ny = _perp_down(ax, ay, sx, sy)
    hip = ((ax + sx) / 2 + nx * h, (ay + sy) / 2 + ny * h)
    knee = ((hip[0] + ax) / 2, (hip[1] + ay) / 2)
    if forearm:
        elbow = (sx, FLOOR_Y - 5)
        wrist = (sx + 90, FLOOR_Y - 5)
    else:
        wrist = (sx + hands_forward_px, FLOOR_Y - 5)
        elbow = ((sx + wrist[0]) / 2 + 2, (sy + wrist[1]) / 2)
    # Ear continues the hip->shoulder line, turned toward the floor by head_drop_deg.
    dx, dy = sx - hip[0], sy - hip[1]
    n = math.hypot(dx, dy)
    a = math.radians(head_drop_deg)
    ux, uy = dx / n, dy / n
    ex, ey = ux * math.cos(a) - uy * math.sin(a), ux * math.sin(a) + uy * math.cos(a)
    ear = (sx + ex * 55, sy + ey * 55)
    return {"ear": ear, "shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle}


def _circles_upper(p0, r0, p1, r1):
    """The upper (image-up) crossing of the circles around p0 and p1, or None where they do not meet."""
    d = math.dist(p0, p1)
    if not abs(r0 - r1) < d <= r0 + r1 + 1e-9:
        return None
    a = (r0 * r0 - r1 * r1 + d * d) / (2 * d)
    h = math.sqrt(max(r0 * r0 - a * a, 0.0))
    ux, uy = (p1[0] - p0[0]) / d, (p1[1] - p0[1]) / d
    mx, my = p0[0] + a * ux, p0[1] + a * uy
    c1, c2 = (mx - h * uy, my + h * ux), (mx + h * uy, my - h * ux)
    return c1 if c1[1] < c2[1] else c2


def hinged_plank_points(pike_deg: float, forearm: bool = False, torso_share: float = 0.36,
                        feet_in_px: float = 0.0) -> dict:
    """A plank facing +x piked by `pike_deg` (exact body_sag = -pike_deg) as a body does it: hands (or forearms)
    and toes stay where the straight plank put them, the arms tip back over the hands and the hips rise, the
    torso and legs keeping their lengths (unlike `plank_points`, whose shoulders stay over the hands).
    `torso_share`: the shoulder-hip part of the shoulder-ankle length (0.36 for a 0.5 m torso and 0.9 m legs);
    `feet_in_px`: the feet walked in toward the hands first."""
    flat = plank_points(0.0, forearm=forearm)
    if pike_deg == 0.0 and feet_in_px == 0.0:
        return flat
    support = flat["elbow"] if forearm else flat["wrist"]
    arm = math.dist(support, flat["shoulder"])
    ankle = (flat["ankle"][0] + feet_in_px, flat["ankle"][1])
    length = math.dist(flat["shoulder"], flat["ankle"])
    torso, legs = length * torso_share, length * (1 - torso_share)

    def at(tip_deg):
        a = math.radians(tip_deg)
        shoulder = (support[0] - arm * math.sin(a), support[1] - arm * math.cos(a))
        hip = _circles_upper(shoulder, torso, ankle, legs)
        return shoulder, hip

    def pike(tip_deg):
        shoulder, hip = at(tip_deg)
        if hip is None:  # the arm tipped so far forward (-inf) or back (+inf) that the body cannot reach
            return -math.inf if math.dist(shoulder, ankle) > torso + legs else math.inf
        return 180.0 - angle3(shoulder, hip, ankle)

    lo, hi = -30.0, 89.0  # bisect the arm's tip (toward the feet) for the pike: it grows as the arm tips
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if pike(mid) < pike_deg else (lo, mid)
    if not abs(pike(hi) - pike_deg) < 1e-6:  # no tip of the arm gives it (the shoulder reached the floor, say)
        raise ValueError(f"a {pike_deg} deg pike is out of reach of this body (feet in {feet_in_px} px)")
    shoulder, hip = at(hi)
    dx, dy = shoulder[0] - hip[0], shoulder[1] - hip[1]
    n = math.hypot(dx, dy)
    a = math.radians(10.0)  # the head in line, turned 10 deg toward the floor as plank_points' default
    ux, uy = dx / n, dy / n
    ear = (shoulder[0] + 55 * (ux * math.cos(a) - uy * math.sin(a)),
           shoulder[1] + 55 * (ux * math.sin(a) + uy * math.cos(a)))
    if forearm:
        elbow, wrist = support, flat["wrist"]
    else:
        wrist = support
        elbow = ((shoulder[0] + wrist[0]) / 2 + 2, (shoulder[1] + wrist[1]) / 2)
    knee = ((hip[0] + ankle[0]) / 2, (hip[1] + ankle[1]) / 2)
    return {"ear": ear, "shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle}


def standing_points() -> dict:
    return {"ear": (320, 60), "shoulder": (320, 110), "elbow": (322, 180), "wrist": (324, 250),
            "hip": (320, 250), "knee": (320, 330), "ankle": (320, 410)}


def bridge_points(lift: float, rest_px: float = 5.0) -> dict:
    """Supine bridge, head at -x: lift 0 = pelvis on the floor, 1 = full top (shoulder-hip-knee ~176).
    `rest_px`: the hip's height above the floor with the pelvis down: 5 reads 130 deg (a slim body), 25 reads
    144 (a heavy one: the renders of heavy bodies read 141-145)."""
    shoulder = (180.0, FLOOR_Y - 15)
    ankle = (480.0, FLOOR_Y - 10)
    knee = (430.0, FLOOR_Y - 120)
    # The hip rises from the floor to the shoulder-knee line.
    t = 0.55
    line = (shoulder[0] + (knee[0] - shoulder[0]) * t, shoulder[1] + (knee[1] - shoulder[1]) * t)
    floor_hip = (line[0], FLOOR_Y - rest_px)
    top_hip = (line[0], line[1] + 4)
    hip = (floor_hip[0] + (top_hip[0] - floor_hip[0]) * lift, floor_hip[1] + (top_hip[1] - floor_hip[1]) * lift)
    ear = (120.0, FLOOR_Y - 25)
    elbow = (250.0, FLOOR_Y - 8)
    wrist = (320.0, FLOOR_Y - 8)
    nose = (112.0, FLOOR_Y - 42)  # face up: lying on the back
    return {"ear": ear, "shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle, "nose": nose}


def quadruped_points(head_drop_deg: float) -> dict:
    """Hands and knees facing +x; the head swings: + drops (cat), - lifts (cow)."""
    shoulder, hip = (420.0, 250.0), (230.0, 255.0)
    wrist, elbow = (425.0, FLOOR_Y - 5), (423.0, 325.0)
    knee, ankle = (232.0, FLOOR_Y - 8), (90.0, FLOOR_Y - 5)
    dx, dy = shoulder[0] - hip[0], shoulder[1] - hip[1]
    n = math.hypot(dx, dy)
    a = math.radians(head_drop_deg)
    ux, uy = dx / n, dy / n
    ex, ey = ux * math.cos(a) - uy * math.sin(a), ux * math.sin(a) + uy * math.cos(a)
    ear = (shoulder[0] + ex * 60, shoulder[1] + ey * 60)
    return {"ear": ear, "shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle}


def sequence(fps: float, duration_s: float, points_at, noise_px: float = 0.0, seed: int = 0):
    """Poses at `fps` for `duration_s`; `points_at(t)` gives the pixel points (or None for no person)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(int(round(duration_s * fps))):
        t = i / fps
        pts = points_at(t)
        if pts is None:
            out.append(Pose.absent(t))
            continue
        if noise_px:
            pts = {k: p if p is None else (p[0] + rng.normal(0, noise_px), p[1] + rng.normal(0, noise_px))
                   for k, p in pts.items()}
        out.append(pose_from_points(t, pts))
    return out


def ramp(t: float, t0: float, t1: float) -> float:
    """0 before t0, 1 after t1, linear between."""
    if t <= t0:
        return 0.0
    if t >= t1:
        return 1.0
    return (t - t0) / (t1 - t0)


def child_pose_points() -> dict:
    """Child's pose facing +x: kneeling, sitting back on the heels, chest on the thighs, arms reaching forward
    on the floor, forehead down (shins on the floor; segment lengths as the other constructed bodies)."""
    return {"ankle": (180.0, FLOOR_Y - 5), "knee": (330.0, FLOOR_Y - 8), "hip": (205.0, FLOOR_Y - 75),
            "shoulder": (360.0, FLOOR_Y - 35), "elbow": (440.0, FLOOR_Y - 15), "wrist": (515.0, FLOOR_Y - 8),
            "ear": (405.0, FLOOR_Y - 15)}


# Feet behind an ankle at (100, FLOOR_Y - 8..10), the head toward +x: lying on their tops, toes pointed back
# (heel 16 px above the toe over 35 px: foot_incline 25, as the sphinx renders' true feet), or on the tucked
# toes with the heel up (foot_incline 59, as a plank's: real ones read 48-90).
FEET = {"flat": {"heel": (95.0, FLOOR_Y - 20), "toe": (60.0, FLOOR_Y - 4)},
        "tucked": {"heel": (95.0, FLOOR_Y - 35), "toe": (75.0, FLOOR_Y - 2)},
        None: {}}


def sphinx_points(chest_lift: float = 1.0, feet: str | None = "flat") -> dict:
    """Sphinx facing +x: prone, legs and pelvis on the floor, forearms on the floor with the elbows under the
    shoulders, chest lifted (`chest_lift` 0 lying flat, 1 up on the forearms); `feet` "flat" (on their tops),
    "tucked" (on the toes: the body of a forearm plank sagging to the floor) or None (not seen)."""
    shoulder_y = FLOOR_Y - 25 - 80 * chest_lift  # torso 28 deg up, 20 at 0.65
    return {"ankle": (100.0, FLOOR_Y - 8), "knee": (210.0, FLOOR_Y - 10), "hip": (300.0, FLOOR_Y - 18),
            "shoulder": (465.0, shoulder_y), "elbow": (470.0, FLOOR_Y - 5), "wrist": (545.0, FLOOR_Y - 3),
            "ear": (525.0, shoulder_y - 30), **FEET[feet]}
