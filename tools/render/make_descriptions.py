#!/usr/bin/env python
"""Write the clip descriptions in sample_videos/descriptions/ (one TOML per clip).

The TOML files are the source of truth for rendering; this script only saves
typing and keeps the set consistent.  Re-run it after changing a template, then
re-render the clips whose description changed.

    python tools/render/make_descriptions.py [--out sample_videos/descriptions]
"""

from __future__ import annotations

import argparse
from pathlib import Path

CLOTHES = {
    "blue": {"shirt": "#3060c0", "shorts": "#202020"},
    "red": {"shirt": "#c03a5a", "shorts": "#2a2a3a"},
    "green": {"shirt": "#2f8f5b", "shorts": "#303030"},
    "orange": {"shirt": "#d08a20", "shorts": "#1d2d50"},
    "purple": {"shirt": "#7a3fa0", "shorts": "#202020"},
    "grey": {"shirt": "#8a8f96", "shorts": "#1a3a6a"},
    "white": {"shirt": "#e8e8e4", "shorts": "#3a2a20"},
}


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return f"{v:g}" if v != int(v) else f"{v:.1f}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    return str(v)


class Clip:
    def __init__(self, name, exercise, comment, body, clothes, side, duration_s, anchor, tempo="slow",
                 camera=None, room=None, phenotype=None):
        self.name, self.exercise, self.comment = name, exercise, comment
        self.head = {"name": name, "exercise": exercise, "tempo": tempo, "anchor": anchor,
                     "body": dict({"preset": body}, **({"phenotype": phenotype} if phenotype else {})),
                     "clothing": CLOTHES[clothes],
                     "camera": dict({"side": side, "distance_m": 3.0, "height_m": 0.4, "fov_deg": 35.0}, **(camera or {})),
                     "video": {"width": 640, "height": 480, "fps": 30, "duration_s": float(duration_s)}}
        if room:
            self.head["room"] = room
        self.keys: list[dict] = []
        self.faults: list[dict] = []
        self.walks: list[dict] = []

    def key(self, t, pose, **flags):
        self.keys.append(dict(t_s=round(float(t), 3), pose=pose, **flags))
        return self

    def fault(self, fault, onset, full, release, end, **size):
        self.faults.append(dict(fault=fault, **size, onset_s=round(onset, 3), full_s=round(full, 3),
                                release_s=round(release, 3), end_s=round(end, 3)))
        return self

    def text(self) -> str:
        out = [f"# {line}" for line in self.comment.splitlines()]
        out += [f"{k} = {toml_value(v)}" for k, v in self.head.items()]
        for k in self.keys:
            out += ["", "[[timeline]]"] + [f"{a} = {toml_value(b)}" for a, b in k.items()]
        for f in self.faults:
            out += ["", "[[faults]]"] + [f"{a} = {toml_value(b)}" for a, b in f.items()]
        for w in self.walks:
            out += ["", "[[walks]]"] + [f"{a} = {toml_value(b)}" for a, b in w.items()]
        return "\n".join(out) + "\n"


# ------------------------------------------------------------------ templates
def _variation(camera, phenotype) -> str:
    """A description's words for a body or camera other than the library's default."""
    out = []
    if phenotype:
        out.append("body " + ", ".join(f"{k} {v:g}" for k, v in phenotype.items()))
    if camera:
        out.append(f"camera {camera.get('height_m', 0.4):g} m high, {camera.get('distance_m', 3.0):g} m away"
                   + (f", aimed at {camera['aim_height_m']:g} m" if "aim_height_m" in camera else "")
                   + (f", {camera['fov_deg']:g} deg vertical field" if "fov_deg" in camera else ""))
    return ("\n" + "; ".join(out) + ".") if out else ""


def cam(height_m, distance_m, aim_height_m, fov_deg):
    """A camera aimed at the body (its middle height aim_height_m), as a phone on a stand or a shelf."""
    return {"distance_m": float(distance_m), "height_m": float(height_m), "aim_height_m": float(aim_height_m),
            "fov_deg": float(fov_deg)}


# Phenotype variations of the presets (anny parameters in [0, 1]; the presets use height 0.30-0.40 and
# weight 0.22-0.95).
TALL, SHORT = {"height": 0.85}, {"height": 0.05}
HEAVY, LIGHT = {"weight": 0.95}, {"weight": 0.05}
def plank(name, body, clothes, side, fault=None, size=None, forearm=False, hold_s=10.8, fault_at=4.0,
          camera=None, phenotype=None):
    """From the knees into a (forearm) plank in 1.8 s, hold; optional fault 0.7 s in, 2.5 s held, 0.7 s out."""
    ex = "forearm_plank" if forearm else "plank"
    top = "forearm_plank" if forearm else "plank"
    start = "kneeling_forearms" if forearm else "kneeling_hands"
    what = f"{fault} {size} deg" if fault else "no fault"
    c = Clip(name, ex, f"{ex}: from the knees into the {ex} (1.8 s), hold; {what}." + _variation(camera, phenotype),
             body, clothes, side, 2.2 + hold_s, "hands", camera=camera, phenotype=phenotype)
    c.key(0.0, start).key(0.4, start).key(2.2, top, in_position=True, hold=True).key(2.2 + hold_s, top)
    if fault:
        c.fault(fault, fault_at, fault_at + 0.7, fault_at + 3.2, fault_at + 3.9, size_deg=float(size))
    return c


def bridge(name, body, clothes, side, reps, up_s=1.2, top_s=3.0, rest_s=0.6, low=None, tempo="slow", lead_s=0.8,
           camera=None, phenotype=None, low_steady=False):
    """Supine glute bridges; `low` = {rep index: size_deg} for reps that stop short of the top; `up_s` is the
    time of each lift and lowering, one value or one per rep.

    `low_steady`: a short top's overlay is at full strength over the whole rep (onset = full, release = end; the
    pose is the bottom at both ends anyway), so the lift goes steadily to the lower top in its `up_s`. The eased
    overlay (the default, kept for the clips rendered with it) blends toward the bottom while the lift eases toward
    the top; past half the way (tops ~25 short and more) the product overshoots: bridge_low_k's 30-short top rose
    16 deg in ~0.4 s and dipped 4 deg back (a jerk the judge rightly calls moving_too_fast), bridge_low_j's
    25-short top 3.5 deg."""
    low = low or {}
    ups = list(up_s) if isinstance(up_s, (list, tuple)) else [up_s] * reps
    t = lead_s
    times = (f"{ups[0]} s up, {top_s} s at the top, {ups[0]} s down" if len(set(ups)) == 1
             else f"{' / '.join(f'{u:g}' for u in ups)} s up and down, {top_s} s at the top")
    c = Clip(name, "bridge", f"Glute bridge, {reps} reps ({times})"
             + (f"; reps {sorted(i + 1 for i in low)} stop short of the top (hips_too_low)" if low else "")
             + ("; too fast" if tempo == "fast" else "") + "." + _variation(camera, phenotype),
             body, clothes, side, 0, "feet", tempo=tempo, camera=camera, phenotype=phenotype)
    c.key(0.0, "bridge_bottom")
    for r in range(reps):
        up_s = ups[r]
        c.key(t, "bridge_bottom", rep="start", in_position=True)
        c.key(t + up_s, "bridge_top", in_position=True, hold=True)
        c.key(t + up_s + top_s, "bridge_top", in_position=True)
        end = t + 2 * up_s + top_s
        last = r == reps - 1
        if last:
            c.key(end, "bridge_bottom", rep="end")
        else:
            c.key(end, "bridge_bottom", rep="end", in_position=True)
        if r in low and low_steady:
            c.fault("hips_too_low", t, t, end, end, size_deg=float(low[r]))
        elif r in low:
            c.fault("hips_too_low", t, t + up_s, t + up_s + top_s, end, size_deg=float(low[r]))
        t = end + rest_s
    c.head["video"]["duration_s"] = round(t - rest_s + 0.5, 3)
    return c


def cat_cow(name, body, clothes, side, cycles, half_s, pause_s, tempo="slow", camera=None, phenotype=None):
    c = Clip(name, "cat_cow", f"Cat/cow on hands and knees: {cycles} cycles, {half_s} s per half-move, "
             f"{pause_s} s pauses" + ("; too fast" if tempo == "fast" else "") + "." + _variation(camera, phenotype),
             body, clothes, side, 0, "hands", tempo=tempo, camera=camera, phenotype=phenotype)
    c.key(0.0, "tabletop").key(0.5, "tabletop", rep="start", in_position=True)
    t = 0.5
    for i in range(cycles):
        t += 0.75 * half_s if i == 0 else half_s
        c.key(t, "cat", in_position=True)
        t += pause_s
        c.key(t, "cat", in_position=True)
        t += half_s
        c.key(t, "cow", rep="end", in_position=True)
        t += pause_s
        if i < cycles - 1:
            c.key(t, "cow", rep="start", in_position=True)
        else:
            c.key(t, "cow", in_position=True)
    t += 0.6 * half_s + 0.4
    c.key(t, "tabletop")
    c.head["video"]["duration_s"] = round(t + 0.3, 3)
    return c


def cobra(name, body, clothes, side, hold_s=8.0, lift_m=None, camera=None, phenotype=None):
    c = Clip(name, "cobra", "Prone, lift the chest into a cobra (hands by the chest, elbows bent, pelvis down), hold, "
             "lower." + (f" The pelvis lifts {lift_m} m off the floor mid-hold (pelvis_off_floor)." if lift_m else "")
             + _variation(camera, phenotype),
             body, clothes, side, 2.8 + hold_s + 2.0, "feet", camera=camera, phenotype=phenotype)
    c.key(0.0, "prone").key(0.8, "prone").key(2.8, "cobra", in_position=True, hold=True)
    c.key(2.8 + hold_s, "cobra").key(4.3 + hold_s, "prone")
    if lift_m:
        c.fault("pelvis_off_floor", 4.2, 5.0, 7.5, 8.3, size_m=float(lift_m))
    return c


def standing_walk(name, body, clothes, side):
    c = Clip(name, "none", "Negative control: standing, a few steps forward, standing.", body, clothes, side, 6.5,
             "none", camera={"distance_m": 4.2, "height_m": 1.0, "fov_deg": 35.0}, room={"mat": False})
    c.key(0.0, "standing").key(6.5, "standing")
    c.walks.append({"start_s": 1.3, "end_s": 4.7, "speed_mps": 0.55, "steps_per_s": 1.7})
    return c


def sitting(name, body, clothes, side):
    c = Clip(name, "none", "Negative control: sitting on the floor, legs out, leaning on the hands.", body, clothes,
             side, 7.0, "hips")
    c.key(0.0, "long_sit").key(7.0, "long_sit")
    return c


# ------------------------------------------- the routine's rests and stretches (issue #13)
def sphinx(name, body, clothes, side, hold_s=5.5):
    """Prone on the forearms (elbows forward, chest low), lift the chest into a sphinx, hold, lower."""
    c = Clip(name, "sphinx", "Sphinx: lying on the forearms (elbows in front, chest low), lift the chest (elbows under "
             "the shoulders, forearms flat, pelvis down), hold, lower. Also a neighbour of the cobra (straight arms) "
             "and of the forearm plank (pelvis up): neither.", body, clothes, side, 2.4 + hold_s + 1.9, "feet")
    c.key(0.0, "prone_forearms").key(0.6, "prone_forearms").key(2.4, "sphinx", in_position=True, hold=True)
    c.key(2.4 + hold_s, "sphinx").key(3.9 + hold_s, "prone_forearms")
    return c


def child_pose(name, body, clothes, side, hold_s=6.5):
    """From hands and knees, sit back onto the heels into child's pose and rest there."""
    c = Clip(name, "child_pose", "Child's pose: from hands and knees sit back onto the heels, chest onto the thighs, "
             "arms forward along the floor, forehead down; rest.", body, clothes, side, 2.8 + hold_s, "knees")
    c.key(0.0, "tabletop").key(0.5, "tabletop").key(2.8, "child_pose", in_position=True, hold=True)
    c.key(2.8 + hold_s, "child_pose")
    return c


def downward_dog(name, body, clothes, side, hold_s=6.5):
    """From a plank, push the hips up and back into a downward dog and hold."""
    c = Clip(name, "downward_dog", "Downward dog: from a plank push the hips up and back (arms and legs long, an "
             "inverted V), hold.", body, clothes, side, 2.6 + hold_s, "hands")
    c.key(0.0, "plank").key(0.5, "plank").key(2.6, "downward_dog", in_position=True, hold=True)
    c.key(2.6 + hold_s, "downward_dog")
    return c


def prone_flat(name, body, clothes, side, duration_s=6.0):
    """Negative control: lying flat, propped on the forearms, pelvis down: not a forearm plank, sphinx or cobra."""
    c = Clip(name, "none", "Negative control: lying face down propped lightly on the forearms, elbows well in front of "
             "the shoulders, chest low, pelvis on the floor (the forearm plank's arms with the body not lifted).",
             body, clothes, side, duration_s, "feet")
    c.key(0.0, "prone_flat").key(duration_s, "prone_flat")
    return c


def routine_pose_clips() -> list[Clip]:
    """Sphinx, child's pose and downward dog, two bodies and both camera sides each, and a neighbour pose."""
    return [
        sphinx("sphinx_hold_a", "average_male", "red", "left"),
        sphinx("sphinx_hold_b", "slim_female", "green", "right"),
        child_pose("child_pose_a", "average_male", "grey", "right"),
        child_pose("child_pose_b", "slim_female", "orange", "left"),
        downward_dog("downward_dog_a", "average_female", "blue", "left"),
        downward_dog("downward_dog_b", "heavy_male", "purple", "right"),
        prone_flat("none_prone_flat_a", "average_female", "white", "right"),
    ]


def all_clips() -> list[Clip]:
    c = []
    # (a) the sample clips
    c.append(plank("plank_sag_a", "average_male", "blue", "left", "hips_sagging", 15, hold_s=10.8, fault_at=6.0))
    c.append(plank("forearm_plank_pike_a", "slim_female", "red", "right", "hips_piking", 15, forearm=True,
                   hold_s=10.8, fault_at=6.0))
    c.append(cobra("cobra_hold_a", "heavy_male", "green", "left", hold_s=8.0))
    c.append(bridge("bridge_reps_a", "average_female", "orange", "left", 3, low={2: 20}))
    c.append(cat_cow("cat_cow_a", "average_male", "purple", "right", 4, 1.8, 0.2))
    c.append(plank("plank_clean_a", "slim_female", "grey", "left", hold_s=11.8))
    c.append(standing_walk("none_standing_a", "heavy_male", "white", "right"))
    # (c) the accuracy library
    c.append(plank("plank_sag10_b", "average_female", "orange", "right", "hips_sagging", 10, hold_s=7.0))
    c.append(plank("plank_sag25_c", "heavy_male", "green", "left", "hips_sagging", 25, hold_s=7.0))
    c.append(plank("plank_pike10_d", "slim_female", "purple", "left", "hips_piking", 10, hold_s=7.0))
    c.append(plank("plank_pike15_e", "average_male", "red", "right", "hips_piking", 15, hold_s=7.0))
    c.append(plank("plank_pike25_f", "average_female", "blue", "left", "hips_piking", 25, hold_s=7.0))
    c.append(plank("plank_clean_b", "heavy_male", "white", "right", hold_s=7.0))
    c.append(plank("plank_handsfwd_a", "average_female", "grey", "right", "hands_not_under_shoulders", 20,
                   hold_s=7.0))
    c.append(plank("plank_headdrop_a", "average_male", "orange", "left", "head_dropping", 25, hold_s=7.0))
    c.append(plank("forearm_plank_sag10_b", "heavy_male", "blue", "left", "hips_sagging", 10, forearm=True,
                   hold_s=7.0))
    c.append(plank("forearm_plank_sag15_c", "average_female", "purple", "right", "hips_sagging", 15, forearm=True,
                   hold_s=7.0))
    c.append(plank("forearm_plank_sag25_d", "average_male", "green", "right", "hips_sagging", 25, forearm=True,
                   hold_s=7.0))
    c.append(plank("forearm_plank_pike10_e", "average_male", "grey", "left", "hips_piking", 10, forearm=True,
                   hold_s=7.0))
    c.append(plank("forearm_plank_pike25_f", "heavy_male", "orange", "right", "hips_piking", 25, forearm=True,
                   hold_s=7.0))
    c.append(plank("forearm_plank_clean_g", "slim_female", "green", "left", forearm=True, hold_s=7.0))
    c.append(bridge("bridge_full_b", "heavy_male", "blue", "right", 3, top_s=2.0))
    c.append(bridge("bridge_low_c", "slim_female", "red", "left", 3, top_s=2.0, low={0: 15, 1: 25, 2: 15}))
    c.append(bridge("bridge_fast_d", "average_male", "green", "right", 5, up_s=0.35, top_s=0.4, rest_s=0.4,
                    tempo="fast"))
    c.append(bridge("bridge_fast_e", "slim_female", "purple", "left", 5, up_s=0.35, top_s=0.4, rest_s=0.4,
                    tempo="fast"))
    c.append(cobra("cobra_hold_b", "slim_female", "orange", "right", hold_s=6.0))
    c.append(cobra("cobra_pelvis_c", "average_male", "grey", "right", hold_s=7.0, lift_m=0.10))
    c.append(cobra("cobra_pelvis_d", "average_female", "red", "left", hold_s=7.0, lift_m=0.10))
    c.append(cat_cow("cat_cow_slow_b", "slim_female", "blue", "left", 3, 1.8, 0.2))
    c.append(cat_cow("cat_cow_fast_c", "heavy_male", "orange", "left", 6, 0.6, 0.1, tempo="fast"))
    c.append(cat_cow("cat_cow_fast_d", "average_female", "green", "right", 6, 0.6, 0.1, tempo="fast"))
    c.append(sitting("none_sitting_b", "average_male", "red", "left"))
    c.append(standing_walk("none_standing_c", "slim_female", "blue", "left"))
    c += routine_pose_clips()
    # (d) wider: other bodies (phenotype variations), cameras 0.4-1.2 m high and 2-4 m away aimed at the body,
    # phases 0.3-3 s, bridge tops at several depths, pikes 15-35 and sags 15-20 deg; each clip varies body,
    # camera and one fault or tempo (not a full grid).
    c.append(plank("plank_clean_h", "average_male", "grey", "right", hold_s=6.5,
                   camera=cam(1.0, 3.5, 0.35, 35), phenotype=TALL))
    c.append(plank("plank_pike20_i", "slim_female", "orange", "left", "hips_piking", 20, hold_s=6.5, fault_at=3.6,
                   camera=cam(0.6, 2.5, 0.3, 45), phenotype=SHORT))
    c.append(plank("plank_pike35_j", "heavy_male", "purple", "right", "hips_piking", 35, hold_s=6.5, fault_at=3.6,
                   camera=cam(1.2, 3.0, 0.35, 40)))
    c.append(plank("plank_sag15_k", "average_female", "green", "left", "hips_sagging", 15, hold_s=6.5, fault_at=3.6,
                   camera=cam(0.8, 4.0, 0.3, 35), phenotype=LIGHT))
    c.append(plank("plank_sag20_l", "average_male", "white", "right", "hips_sagging", 20, hold_s=6.5, fault_at=3.6,
                   camera=cam(0.5, 2.0, 0.3, 50), phenotype=HEAVY))
    c.append(plank("forearm_plank_clean_h", "heavy_male", "red", "left", forearm=True, hold_s=6.5,
                   camera=cam(1.2, 2.5, 0.3, 45), phenotype=TALL))
    c.append(plank("forearm_plank_pike15_i", "average_female", "blue", "right", "hips_piking", 15, forearm=True,
                   hold_s=6.5, fault_at=3.6, camera=cam(0.4, 3.0, 0.3, 40), phenotype=TALL))
    c.append(plank("forearm_plank_pike30_j", "slim_female", "grey", "left", "hips_piking", 30, forearm=True,
                   hold_s=6.5, fault_at=3.6, camera=cam(0.9, 3.5, 0.3, 35), phenotype=LIGHT))
    c.append(plank("forearm_plank_sag20_k", "average_male", "orange", "right", "hips_sagging", 20, forearm=True,
                   hold_s=6.5, fault_at=3.6, camera=cam(1.1, 4.0, 0.3, 35), phenotype=SHORT))
    c.append(bridge("bridge_slow_g", "average_male", "green", "right", 2, up_s=[3.0, 2.0], top_s=1.0,
                    camera=cam(1.0, 3.0, 0.2, 40), phenotype=HEAVY))
    c.append(bridge("bridge_hold_h", "slim_female", "white", "left", 2, up_s=1.0, top_s=2.0,
                    camera=cam(0.6, 2.5, 0.2, 45), phenotype=TALL))
    c.append(bridge("bridge_fast_i", "heavy_male", "blue", "right", 6, up_s=0.3, top_s=0.3, rest_s=0.3,
                    tempo="fast", camera=cam(0.5, 2.0, 0.2, 50), phenotype=SHORT))
    c.append(bridge("bridge_low_j", "average_female", "red", "left", 3, up_s=1.0, top_s=1.2, rest_s=0.5,
                    low={0: 25, 2: 15}, camera=cam(1.2, 3.5, 0.2, 35), phenotype=LIGHT))
    c.append(cat_cow("cat_cow_slow_e", "average_female", "orange", "left", 1, 3.0, 0.3,
                     camera=cam(1.0, 3.0, 0.45, 40), phenotype=TALL))
    c.append(cat_cow("cat_cow_fast_f", "slim_female", "red", "right", 6, 0.3, 0.1, tempo="fast",
                     camera=cam(0.5, 2.2, 0.45, 50), phenotype=HEAVY))
    c.append(plank("forearm_plank_pike20_l", "average_female", "purple", "left", "hips_piking", 20, forearm=True,
                   hold_s=6.5, fault_at=3.6, camera=cam(0.7, 2.2, 0.3, 50), phenotype=HEAVY))
    # A good rep, then tops 30 and 15 short of the full top (the hip's range rest->top is ~42 deg, so the 30-short
    # top is a lift of ~12 deg: a clear lift from rest, a rep with hips_too_low). 0.6 s at the top keeps it <10 s.
    c.append(bridge("bridge_low_k", "average_male", "green", "right", 3, up_s=1.0, top_s=0.6, rest_s=0.4,
                    lead_s=0.6, low={1: 30, 2: 15}, low_steady=True, camera=cam(0.8, 4.0, 0.2, 35), phenotype=TALL))
    # 1.5 s half-moves: between the 0.3 s jerks and the 3 s moves, above the 1 s tempo bound.
    c.append(cat_cow("cat_cow_mid_g", "heavy_male", "grey", "left", 2, 1.5, 0.2,
                     camera=cam(1.2, 4.0, 0.45, 35), phenotype=SHORT))
    c += heldout_clips()
    return c


# (e) held-out check (issue 12): bodies and cameras that no default was checked against. Phenotype settings the
# library never used (age, muscle, proportions, gender between the anchors; two or three at once) and camera
# placements outside sets (a)-(d) (0.45 m at 3.8 m, 1.1 m at 2.2 m, fields of 38-55 deg). The shipped defaults
# judge them unchanged: a clip that fails stays on its branch with its diagnosis, not in sample_videos/.
OLD_STRONG = {"age": 1.0, "muscle": 0.85}             # an old, muscular body (age 1.0 = anny's "old" anchor)
UNCOMMON_LEAN = {"proportions": 1.0, "muscle": 0.9}   # anny's "uncommon" proportions, very muscular
BETWEEN = {"gender": 0.5, "age": 0.95, "muscle": 0.8, "height": 0.7}   # between the male and female anchors
STOCKY_OLD = {"age": 1.0, "weight": 0.75, "height": 0.15}


def heldout_clips() -> list[Clip]:
    return [
        # 1 s lifts and 2 s at the top (the "moving too fast" case), the second top 20 short.
        bridge("bridge_heldout_m", "average_male", "orange", "left", 3, up_s=1.0, top_s=2.0, rest_s=0.5,
               lead_s=0.6, low={1: 20}, low_steady=True, camera=cam(0.45, 3.8, 0.2, 40), phenotype=OLD_STRONG),
        # six 0.3 s jerky reps (the "last of six missed" case).
        bridge("bridge_heldout_n", "slim_female", "grey", "right", 6, up_s=0.3, top_s=0.3, rest_s=0.3,
               tempo="fast", camera=cam(1.1, 2.2, 0.2, 55), phenotype=UNCOMMON_LEAN),
        plank("plank_heldout_o", "heavy_male", "green", "left", "hips_sagging", 15, hold_s=6.0, fault_at=3.6,
              camera=cam(0.9, 2.8, 0.35, 42), phenotype={"muscle": 0.85, "height": 0.7, "age": 0.6}),
        plank("forearm_plank_heldout_p", "average_female", "white", "right", "hips_piking", 30, forearm=True,
              hold_s=6.0, fault_at=3.6, camera=cam(0.55, 3.2, 0.3, 48), phenotype={"proportions": 1.0, "weight": 0.8}),
        plank("forearm_plank_heldout_q", "average_female", "purple", "left", forearm=True, hold_s=6.0,
              camera=cam(1.0, 2.6, 0.3, 44), phenotype=BETWEEN),
        cat_cow("cat_cow_heldout_r", "slim_female", "blue", "right", 3, 2.0, 0.1,
                camera=cam(0.65, 3.3, 0.45, 38), phenotype=STOCKY_OLD),
    ] + heldout_corner_clips()


def heldout_corner_clips() -> list[Clip]:
    """A second held-out round at the corners: steep close cameras (1.2 m high at 2.0 m, 55 deg), a low far one
    (0.4 m at 4.0 m), a teenage body (anny age 0.45, between its "child" and "young" anchors), phases near the tempo
    bounds (0.7 s bridge phases, 1.2 s cat/cow half-moves). Two more clips of this round failed and are kept on branch
    h4-heldout, not here (tools/render/STATUS.md): an old heavy short male's bridge (its top over-arches 22 deg) and
    the same body's fault-free forearm plank (its keypoints read +10.7 deg of sag)."""
    return [
        # full, 25 short, full under a steep close camera; 0.7 s lifts and lowerings (the spec: 0.7 s moves read
        # 0.5-0.7 s, bound 0.4). An old average female: her top is straight (shoulder-hip-knee 181 in the body plane).
        bridge("bridge_heldout_y", "average_female", "blue", "right", 3, up_s=0.7, top_s=1.0, rest_s=0.5, lead_s=0.6,
               low={1: 25}, low_steady=True, camera=cam(1.2, 2.0, 0.2, 55), phenotype={"age": 1.0}),
        # three reps at 0.7, 1.5 and 2.5 s per phase, a short 0.5 s top: all good.
        bridge("bridge_heldout_t", "average_female", "green", "left", 3, up_s=[0.7, 1.5, 2.5], top_s=0.5,
               rest_s=0.6, camera=cam(0.4, 4.0, 0.2, 35), phenotype={"age": 0.45}),
        plank("plank_heldout_u", "average_female", "orange", "right", "hips_sagging", 15, hold_s=6.0, fault_at=3.6,
              camera=cam(1.2, 2.0, 0.35, 55), phenotype={"gender": 0.5, "weight": 0.05}),
        plank("plank_heldout_w", "slim_female", "purple", "left", "hips_piking", 20, hold_s=6.0, fault_at=3.6,
              camera=cam(0.8, 2.0, 0.35, 55), phenotype={"age": 0.45, "proportions": 1.0}),
        # 1.2 s half-moves (the bound is 1.0 s) seen from above.
        cat_cow("cat_cow_heldout_x", "heavy_male", "white", "right", 2, 1.2, 0.3,
                camera=cam(1.2, 2.0, 0.45, 55), phenotype={"muscle": 0.9, "height": 0.85}),
    ] + heldout_third_clips() + heldout_fixed_clips()


def heldout_third_clips() -> list[Clip]:
    """Third round: the cobra (seen only from 0.4 m at 3 m before) and the plank's hands check, on new bodies under
    raised cameras. A third clip of the round, a tall heavy male's cobra with a 10 cm pelvis lift, failed (the lift
    is never cued) and is kept on branch h4-heldout only (tools/render/STATUS.md)."""
    return [
        cobra("cobra_heldout_aa", "average_male", "blue", "left", hold_s=5.0, camera=cam(1.0, 2.4, 0.25, 48),
              phenotype=OLD_STRONG),
        plank("plank_heldout_ac", "slim_female", "green", "right", "hands_not_under_shoulders", 20, hold_s=6.0,
              fault_at=3.6, camera=cam(1.0, 2.2, 0.35, 52), phenotype={"age": 0.95, "weight": 0.6}),
    ]


def heldout_fixed_clips() -> list[Clip]:
    """Held-out clips that failed and pass since the judging was fixed: the heavy_male preset's bridge at 0.7 s per
    phase, whose top over-arches to 191 deg: the unsigned hip angle peaked as the lift passed straight, 2/3 of the way
    up, and both reps were called moving_too_fast; the bridge's reps are on the signed hip_sag now. (Two more failing
    clips are on branch h4-heldout only: tools/render/STATUS.md.)"""
    return [
        bridge("bridge_heldout_z", "heavy_male", "green", "left", 2, up_s=0.7, top_s=1.0, rest_s=0.5, lead_s=0.6,
               camera=cam(0.6, 2.8, 0.2, 42)),
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "sample_videos" / "descriptions")
    ap.add_argument("names", nargs="*", help="only these clips (default: all)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for clip in all_clips():
        if args.names and clip.name not in args.names:
            continue
        path = args.out / f"{clip.name}.toml"
        text = clip.text()
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
