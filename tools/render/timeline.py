"""Clip descriptions and the timeline: keyframes, easing, fault overlays, walking.

A clip description (TOML, see README.md) gives keyframes (time + pose name) and
fault overlays.  `Timeline.state(t)` returns the pose of one instant: segment
angles, extras and how to place the body on the floor.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import poses
from body import CENTRE_SEGMENTS, SIDE_SEGMENTS

EXERCISES = {"plank", "forearm_plank", "cobra", "bridge", "cat_cow", "sphinx", "child_pose", "downward_dog", "none"}
FAULTS = {
    "hips_sagging": {"plank", "forearm_plank"},
    "hips_piking": {"plank", "forearm_plank"},
    "hands_not_under_shoulders": {"plank"},
    "head_dropping": {"plank", "forearm_plank"},
    "hips_too_low": {"bridge"},
    "pelvis_off_floor": {"cobra"},
}
ANCHORS = {"hands": (15, 16), "feet": (27, 28), "knees": (25, 26), "hips": (23, 24), "none": ()}


class DescriptionError(ValueError):
    pass


def ease(u: float) -> float:
    """Smooth ease in/out on [0, 1] (zero speed at both ends)."""
    u = min(1.0, max(0.0, u))
    return 0.5 - 0.5 * math.cos(math.pi * u)


def wrap180(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def full_angles(pose: poses.Pose, overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Every segment angle, sides explicit ("thigh_l", "thigh_r", ...)."""
    src = dict(pose.angles, **(overrides or {}))
    out: dict[str, float] = {}
    for s in CENTRE_SEGMENTS:
        out[s] = float(src[s])
    for s in SIDE_SEGMENTS:
        for side in ("l", "r"):
            out[f"{s}_{side}"] = float(src.get(f"{s}_{side}", src[s]))
    return out


def blend_angles(a: dict[str, float], b: dict[str, float], s: float) -> dict[str, float]:
    """Per segment, s of the way from a to b along the shorter arc."""
    return {k: a[k] + s * wrap180(b[k] - a[k]) for k in a}


@dataclass
class Keyframe:
    t_s: float
    pose: str
    angles: dict[str, float]
    extras: dict[str, float]
    in_position: bool = False
    hold: bool = False
    rep: str | None = None


@dataclass
class Fault:
    fault: str
    onset_s: float
    full_s: float
    release_s: float
    end_s: float
    size_deg: float | None = None
    size_m: float | None = None
    gain: float = 1.0  # calibrated: pose change per unit of requested size

    def envelope(self, t: float) -> float:
        if t <= self.onset_s or t >= self.end_s:
            return 0.0
        if t < self.full_s:
            return ease((t - self.onset_s) / max(1e-9, self.full_s - self.onset_s))
        if t <= self.release_s:
            return 1.0
        return 1.0 - ease((t - self.release_s) / max(1e-9, self.end_s - self.release_s))

    @property
    def size(self) -> float:
        return self.size_m if self.fault == "pelvis_off_floor" else (self.size_deg or 0.0)


@dataclass
class Walk:
    start_s: float
    end_s: float
    speed_mps: float = 1.0
    steps_per_s: float = 1.8
    ramp_s: float = 0.5

    def envelope(self, t: float) -> float:
        if t <= self.start_s or t >= self.end_s:
            return 0.0
        return min(ease((t - self.start_s) / self.ramp_s), ease((self.end_s - t) / self.ramp_s))


@dataclass
class State:
    angles: dict[str, float]
    extras: dict[str, float]
    contacts: tuple[str, str | None]
    reach: tuple[tuple[str, str], ...]
    walk_x_m: float = 0.0
    arm_ik: float | None = None


@dataclass
class Description:
    path: Path
    name: str
    exercise: str
    body: str
    body_phenotype: dict
    clothing: dict
    camera: dict
    video: dict
    room: dict
    anchor: str
    tempo: str
    keyframes: list[Keyframe]
    faults: list[Fault]
    walks: list[Walk] = field(default_factory=list)

    @property
    def fps(self) -> float:
        return float(self.video["fps"])

    @property
    def duration_s(self) -> float:
        return float(self.video.get("duration_s", self.keyframes[-1].t_s))

    @property
    def frames(self) -> int:
        return int(round(self.duration_s * self.fps))


def _take(d: dict, allowed: set[str], where: str) -> dict:
    extra = set(d) - allowed
    if extra:
        raise DescriptionError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}")
    return d


def load_description(path: str | Path) -> Description:
    path = Path(path)
    with open(path, "rb") as fh:
        d = tomllib.load(fh)
    _take(d, {"name", "exercise", "tempo", "anchor", "body", "clothing", "camera", "video", "room",
              "timeline", "faults", "walks"}, str(path))
    name = d.get("name") or path.stem
    exercise = d.get("exercise", "none")
    if exercise not in EXERCISES:
        raise DescriptionError(f"{path}: exercise {exercise!r} not in {sorted(EXERCISES)}")
    tempo = d.get("tempo", "slow")
    if tempo not in ("slow", "fast"):
        raise DescriptionError(f"{path}: tempo must be 'slow' or 'fast'")
    body = _take(dict(d.get("body", {})), {"preset", "phenotype"}, f"{path} [body]")
    camera = dict(side="left", distance_m=3.0, height_m=0.4, fov_deg=35.0)
    camera.update(_take(dict(d.get("camera", {})), {"side", "distance_m", "height_m", "fov_deg", "aim_height_m"},
                        f"{path} [camera]"))
    if camera["side"] not in ("left", "right"):
        raise DescriptionError(f"{path}: camera.side must be 'left' or 'right'")
    video = dict(width=640, height=480, fps=30)
    video.update(_take(dict(d.get("video", {})), {"width", "height", "fps", "duration_s"}, f"{path} [video]"))
    anchor = d.get("anchor", "hands")
    if anchor not in ANCHORS:
        raise DescriptionError(f"{path}: anchor must be one of {sorted(ANCHORS)}")
    kfs = []
    for i, k in enumerate(d.get("timeline", [])):
        _take(k, {"t_s", "pose", "angles", "extras", "in_position", "hold", "rep"}, f"{path} timeline[{i}]")
        poses.get(k["pose"])
        if k.get("rep") not in (None, "start", "end"):
            raise DescriptionError(f"{path} timeline[{i}]: rep must be 'start' or 'end'")
        kfs.append(Keyframe(float(k["t_s"]), k["pose"], dict(k.get("angles", {})), dict(k.get("extras", {})),
                            bool(k.get("in_position", False)), bool(k.get("hold", False)), k.get("rep")))
    if len(kfs) < 1 or any(b.t_s <= a.t_s for a, b in zip(kfs, kfs[1:])):
        raise DescriptionError(f"{path}: timeline needs keyframes with increasing t_s")
    faults = []
    for i, f in enumerate(d.get("faults", [])):
        _take(f, {"fault", "size_deg", "size_m", "onset_s", "full_s", "release_s", "end_s"}, f"{path} faults[{i}]")
        if f["fault"] not in FAULTS or exercise not in FAULTS[f["fault"]]:
            raise DescriptionError(f"{path} faults[{i}]: fault {f['fault']!r} not known for exercise {exercise!r}")
        times = [f["onset_s"], f["full_s"], f["release_s"], f["end_s"]]
        if any(b < a for a, b in zip(times, times[1:])):
            raise DescriptionError(f"{path} faults[{i}]: need onset_s <= full_s <= release_s <= end_s")
        faults.append(Fault(f["fault"], *map(float, times), size_deg=f.get("size_deg"), size_m=f.get("size_m")))
    walks = []
    for i, w in enumerate(d.get("walks", [])):
        _take(w, {"start_s", "end_s", "speed_mps", "steps_per_s"}, f"{path} walks[{i}]")
        walks.append(Walk(**{k: float(v) for k, v in w.items()}))
    return Description(path, name, exercise, body.get("preset", "average_male"), dict(body.get("phenotype", {})),
                       dict(d.get("clothing", {})), camera, video, dict(d.get("room", {})), anchor, tempo,
                       kfs, faults, walks)


class Timeline:
    def __init__(self, desc: Description, leg_share: float = 0.62):
        self.desc = desc
        self.leg_share = leg_share  # share of a hip sag taken by the trunk (see apply_faults)
        self._full = [full_angles(poses.get(k.pose), k.angles) for k in desc.keyframes]

    def base_state(self, t: float) -> State:
        kfs = self.desc.keyframes
        if t <= kfs[0].t_s or len(kfs) == 1:
            i, s = 0, 0.0
            j = 0
        elif t >= kfs[-1].t_s:
            i = j = len(kfs) - 1
            s = 0.0
        else:
            i = max(n for n, k in enumerate(kfs) if k.t_s <= t)
            j = i + 1
            s = ease((t - kfs[i].t_s) / (kfs[j].t_s - kfs[i].t_s))
        pa, pb = poses.get(kfs[i].pose), poses.get(kfs[j].pose)
        angles = blend_angles(self._full[i], self._full[j], s)
        ea = dict(pa.extras, **kfs[i].extras)
        eb = dict(pb.extras, **kfs[j].extras)
        extras = {k: (1 - s) * ea.get(k, 0.0) + s * eb.get(k, 0.0) for k in set(ea) | set(eb)}
        near = pa if s < 0.5 else pb
        arm_ik = near.arm_ik
        if pa.arm_ik is not None and pb.arm_ik is not None:
            arm_ik = (1 - s) * pa.arm_ik + s * pb.arm_ik
        return State(angles, extras, near.contacts, near.reach, arm_ik=arm_ik)

    def state(self, t: float, fault_scale: dict[int, float] | None = None) -> State:
        st = self.base_state(t)
        self.apply_faults(st, t, fault_scale)
        self.apply_walks(st, t)
        return st

    # -------------------------------------------------------------- faults
    def apply_faults(self, st: State, t: float, fault_scale: dict[int, float] | None = None) -> None:
        """Change the pose for every active fault overlay.

        hips_sagging / hips_piking: the hip drops / rises while shoulders and feet stay: the trunk
          (pelvis..head) turns by +a*share and the legs by -a*(1-share), share = leg length /
          (trunk + leg length), so the arms stay vertical.
        hands_not_under_shoulders: upper arm and forearm turn toward the head.
        head_dropping: neck and head turn toward the floor.
        hips_too_low: the pose blends toward the bottom of the movement (bridge_bottom).
        pelvis_off_floor: the elbows straighten and the body turns about the feet so the hips lift.
        """
        for n, f in enumerate(self.desc.faults):
            e = f.envelope(t)
            if e <= 0.0:
                continue
            k = f.gain * (fault_scale.get(n, 1.0) if fault_scale else 1.0)
            a = k * f.size * e
            A = st.angles
            if f.fault in ("hips_sagging", "hips_piking"):
                sgn = 1.0 if f.fault == "hips_sagging" else -1.0
                for s in CENTRE_SEGMENTS:
                    A[s] += sgn * a * self.leg_share
                for s in ("thigh", "shank", "foot", "toes"):
                    for side in ("l", "r"):
                        A[f"{s}_{side}"] -= sgn * a * (1.0 - self.leg_share)
            elif f.fault == "hands_not_under_shoulders":
                for s in ("upper_arm", "forearm"):
                    for side in ("l", "r"):
                        A[f"{s}_{side}"] += a
            elif f.fault == "head_dropping":
                A["neck"] -= 0.45 * a
                A["head"] -= a
            elif f.fault == "hips_too_low":
                kf = self._keyframe_pose_at(t)
                bottom = full_angles(poses.get(poses.BOTTOM_OF.get(kf, kf)))
                st.angles = blend_angles(A, bottom, min(1.0, k * e * (f.size / 100.0)))
            elif f.fault == "pelvis_off_floor":
                for side in ("l", "r"):
                    A[f"forearm_{side}"] += e * wrap180(A[f"upper_arm_{side}"] - A[f"forearm_{side}"])
                st.extras["lift_m"] = st.extras.get("lift_m", 0.0) + a

    def _keyframe_pose_at(self, t: float) -> str:
        """The 'top' pose name around time t (the nearest keyframe that has a bottom pose)."""
        kfs = self.desc.keyframes
        cands = [k for k in kfs if k.pose in poses.BOTTOM_OF]
        if not cands:
            return kfs[0].pose
        return min(cands, key=lambda k: abs(k.t_s - t)).pose

    # --------------------------------------------------------------- walks
    def apply_walks(self, st: State, t: float, dt: float = 1 / 120) -> None:
        """A simple procedural gait: hips swing, knees bend in swing, arms swing opposite."""
        for w in self.desc.walks:
            # integrate distance and gait phase up to t (cheap: piecewise constant steps)
            if t <= w.start_s:
                continue
            ts = [w.start_s + dt * i for i in range(int((min(t, w.end_s) - w.start_s) / dt) + 1)]
            env_int = sum(w.envelope(x) for x in ts) * dt
            st.walk_x_m += w.speed_mps * env_int
            e = w.envelope(t)
            if e <= 0:
                continue
            phase = 2 * math.pi * (w.steps_per_s / 2.0) * env_int
            A = st.angles
            for side, off in (("l", 0.0), ("r", math.pi)):
                p = phase + off
                swing = math.sin(p)
                A[f"thigh_{side}"] += e * 22.0 * swing
                knee = e * (6.0 + 32.0 * max(0.0, math.sin(p + 1.2)) ** 2)
                A[f"shank_{side}"] = A[f"thigh_{side}"] - knee
                A[f"foot_{side}"] += e * (6.0 * math.sin(p + 0.4))
                A[f"toes_{side}"] = A[f"foot_{side}"]
                A[f"upper_arm_{side}"] -= e * 16.0 * swing
                A[f"forearm_{side}"] = A[f"upper_arm_{side}"] + e * (8.0 - 10.0 * swing) + 2.0
                A[f"hand_{side}"] = A[f"forearm_{side}"]
            A["chest"] += e * 2.0
            A["lumbar"] += e * 1.0
