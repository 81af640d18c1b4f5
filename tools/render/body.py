"""The posable body: an anny mesh driven by sagittal segment angles.

Coordinates
-----------
anny's own frame ("body frame"): X = the person's left, -Y = the person's front,
Z = up, pelvis at the origin, standing in an A-pose.

The render world used everywhere else: x = the direction the person faces when
standing, y = up (floor at y = 0), z = the person's right.  Every pose in this
tool is a sagittal-plane pose, so a pose is a set of *world* angles: for each
body segment the direction of its long axis in the x-y plane, in degrees,
counter-clockwise from +x (0 = pointing the way a standing person faces, 90 =
straight up, -90 = straight down).  A standing person has pelvis/lumbar/chest/
neck/head = 90, upper_arm/forearm/hand/thigh/shank = -90, foot/toes = 0.

Each bone's rotation is built as
    G_bone = R_sag(angle - standing_angle) . R_extra . N_bone
where N_bone takes the bone from anny's A-pose to the anatomical standing
pose (arms hanging, elbows straight, palms facing the thighs, legs vertical
in side view), R_extra holds the few non-sagittal parameters (arm abduction,
forearm pronation) and R_sag is the sagittal rotation.  anny's "local-ref"
pose parameterization composes as G_child = G_parent . D_child, so the
per-bone deltas are D = G_parent^T . G_child.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

# The anny cache (about 790 MB on the first build) must not land in the repo.
os.environ.setdefault("ANNY_CACHE_DIR", "/work/venvs/anny_cache")

import torch  # noqa: E402

torch.set_num_threads(int(os.environ.get("RENDER_TORCH_THREADS", "1")))

import anny  # noqa: E402

# ---------------------------------------------------------------------------
# Body presets (anny phenotype parameters, all in [0, 1]).
# In anny, gender 0 = male, 1 = female; age 2/3 = "young adult" anchor.
# ---------------------------------------------------------------------------
PRESETS: dict[str, dict] = {
    "average_male": {
        "phenotype": dict(gender=0.0, age=0.70, muscle=0.55, weight=0.50, height=0.38, proportions=0.5),
        "skin": "#c99a78",
        "hair": "#2b1d14",
    },
    "slim_female": {
        "phenotype": dict(gender=1.0, age=0.70, muscle=0.40, weight=0.22, height=0.40, proportions=0.5),
        "skin": "#e0b898",
        "hair": "#5a3a1e",
    },
    "heavy_male": {
        "phenotype": dict(gender=0.0, age=0.85, muscle=0.35, weight=0.95, height=0.33, proportions=0.5),
        "skin": "#8d5e40",
        "hair": "#141010",
    },
    "average_female": {
        "phenotype": dict(gender=1.0, age=0.75, muscle=0.45, weight=0.60, height=0.30, proportions=0.5),
        "skin": "#b07a55",
        "hair": "#1c1410",
    },
}

# Sagittal segments and the bones they drive.  Side segments exist as
# "<name>_l" / "<name>_r"; a pose may give "<name>" for both sides.
SIDE_SEGMENTS = ["upper_arm", "forearm", "hand", "thigh", "shank", "foot", "toes"]
CENTRE_SEGMENTS = ["pelvis", "lumbar", "chest", "neck", "head"]
STANDING = {
    "pelvis": 90.0, "lumbar": 90.0, "chest": 90.0, "neck": 90.0, "head": 90.0,
    "upper_arm": -90.0, "forearm": -90.0, "hand": -90.0,
    "thigh": -90.0, "shank": -90.0, "foot": 0.0, "toes": 0.0,
}
# Which segments move with which (used by the reach solve: turning a segment
# about its proximal joint turns everything distal to it).
DESCENDANTS = {
    "upper_arm": ["forearm", "hand"], "forearm": ["hand"], "hand": [],
    "thigh": ["shank", "foot", "toes"], "shank": ["foot", "toes"], "foot": ["toes"], "toes": [],
    "neck": ["head"], "head": [],
}
# The joint a segment turns about (a bone head in anny's rig).
SEGMENT_PIVOT_BONE = {
    "upper_arm": "upperarm01.{S}", "forearm": "lowerarm01.{S}", "hand": "wrist.{S}",
    "thigh": "upperleg01.{S}", "shank": "lowerleg01.{S}", "foot": "foot.{S}", "toes": "toe1-1.{S}",
    "neck": "neck01", "head": "head",
}

# world = M_WORLD @ body  (x_w = -Y, y_w = Z, z_w = -X)
M_WORLD = np.array([[0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])

COCO_TO_BLAZEPOSE = {
    0: "nose", 2: "left_eye", 5: "right_eye", 7: "left_ear", 8: "right_ear",
    11: "left_shoulder", 12: "right_shoulder", 13: "left_elbow", 14: "right_elbow",
    15: "left_wrist", 16: "right_wrist", 23: "left_hip", 24: "right_hip",
    25: "left_knee", 26: "right_knee", 27: "left_ankle", 28: "right_ankle",
    29: "left_heel", 30: "right_heel",
}


def rot_axis(axis, deg: float) -> np.ndarray:
    """Rotation matrix about a unit axis (right-hand rule), degrees."""
    axis = np.asarray(axis, dtype=float)
    axis = axis / np.linalg.norm(axis)
    a = np.radians(deg)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(a) * k + (1 - np.cos(a)) * k @ k


def r_sag_body(delta_deg: float) -> np.ndarray:
    """Sagittal rotation by delta (toward 'up' from 'forward') in the body frame.

    In the body frame forward = -Y and up = +Z, so this is a rotation about X by -delta.
    """
    return rot_axis([1.0, 0.0, 0.0], -delta_deg)


def frame_map(a_from, n_from, a_to, n_to) -> np.ndarray:
    """Rotation taking the orthonormal frame (a_from, n_from) onto (a_to, n_to)."""

    def basis(a, n):
        a = a / np.linalg.norm(a)
        n = n - a * np.dot(a, n)
        n = n / np.linalg.norm(n)
        return np.stack([a, n, np.cross(a, n)], axis=1)

    return basis(np.asarray(a_to, float), np.asarray(n_to, float)) @ basis(
        np.asarray(a_from, float), np.asarray(n_from, float)
    ).T


def min_rotation(a_from, a_to) -> np.ndarray:
    a = np.asarray(a_from, float) / np.linalg.norm(a_from)
    b = np.asarray(a_to, float) / np.linalg.norm(a_to)
    c = np.cross(a, b)
    s = np.linalg.norm(c)
    if s < 1e-9:
        return np.eye(3)
    return rot_axis(c / s, np.degrees(np.arctan2(s, np.dot(a, b))))


def hex_rgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0


def slerp_rot(r0: np.ndarray, r1: np.ndarray, u: float) -> np.ndarray:
    """Rotation u of the way from r0 to r1."""
    rel = r0.T @ r1
    angle = np.degrees(np.arccos(np.clip((np.trace(rel) - 1) / 2, -1, 1)))
    if angle < 1e-6:
        return r0
    w = np.array([rel[2, 1] - rel[1, 2], rel[0, 2] - rel[2, 0], rel[1, 0] - rel[0, 1]])
    return r0 @ rot_axis(w, u * angle)


_MODEL = None


def get_model():
    global _MODEL
    if _MODEL is None:
        _MODEL = anny.Anny()
    return _MODEL


@dataclass
class Posed:
    """One posed body in the body frame (before placing it in the world)."""

    vertices: np.ndarray  # (V, 3)
    keypoints: dict[str, np.ndarray]  # name -> (3,)
    joints: dict[str, np.ndarray]  # bone label -> head position (3,)
    angles: dict[str, float] = field(default_factory=dict)


class Body:
    """An anny body of one preset, with clothing colours and vertex groups."""

    def __init__(self, preset: str, clothing: dict | None = None, phenotype: dict | None = None):
        if preset not in PRESETS:
            raise ValueError(f"unknown body preset {preset!r}; known: {sorted(PRESETS)}")
        self.preset = preset
        spec = PRESETS[preset]
        self.phenotype = dict(spec["phenotype"], **(phenotype or {}))
        self.model = get_model()
        m = self.model
        self.bone_labels: list[str] = list(m.bone_labels)
        self.bone_index = {b: i for i, b in enumerate(self.bone_labels)}
        self.parents = [int(p) for p in m.bone_parents]
        self.faces = m.get_triangular_faces().cpu().numpy().astype(np.int32)
        self.regressor = anny.KeypointsRegressor.coco(m)
        self._phen = {k: torch.tensor([float(v)], dtype=m.dtype) for k, v in self.phenotype.items()}

        rest = self._forward(None)
        self.rest_vertices = rest["vertices"]
        self.rest_joints = rest["joints"]
        self.rest_keypoints = rest["keypoints"]
        w = m.vertex_bone_weights.cpu().numpy()
        idx = m.vertex_bone_indices.cpu().numpy()
        self.dominant_bone = idx[np.arange(len(w)), w.argmax(1)]
        self._build_neutral()
        self._build_groups()
        self._build_extra_landmarks()
        # height of the wrist joint above the floor when the palm lies flat (for the arm IK)
        self.wrist_height_m = 0.035
        self.colors = self._paint(dict(spec, **(clothing or {})))

    # ------------------------------------------------------------------ anny
    def _forward(self, deltas: dict[str, np.ndarray] | None):
        m = self.model
        pose = None
        if deltas:
            pose = {}
            for bone, r in deltas.items():
                t = torch.eye(4, dtype=m.dtype)[None].clone()
                t[0, :3, :3] = torch.as_tensor(r, dtype=m.dtype)
                pose[bone] = t
        with torch.no_grad():
            out = m(pose, phenotype_kwargs=self._phen)
            kp = self.regressor(out)[0].cpu().numpy()
        verts = out["vertices"][0].cpu().numpy()
        heads = out["bone_poses"][0, :, :3, 3].cpu().numpy()
        return {
            "vertices": verts,
            "joints": {b: heads[i] for i, b in enumerate(self.bone_labels)},
            "keypoints": {name: kp[i] for i, name in enumerate(self.regressor.labels)},
        }

    # ------------------------------------------------------- neutral pose
    def _build_neutral(self):
        """N_bone: A-pose -> anatomical standing pose (see module docstring)."""
        j = self.rest_joints
        N: dict[str, np.ndarray] = {}
        down = np.array([0.0, 0.0, -1.0])
        front = np.array([0.0, -1.0, 0.0])
        for S, sign in (("L", 1.0), ("R", -1.0)):
            # legs: make thigh and shank vertical in side view, keep their spread
            thigh = j[f"lowerleg01.{S}"] - j[f"upperleg01.{S}"]
            shank = j[f"foot.{S}"] - j[f"lowerleg01.{S}"]
            N[f"upperleg01.{S}"] = min_rotation(thigh, [thigh[0], 0.0, thigh[2]])
            N[f"lowerleg01.{S}"] = min_rotation(shank, [shank[0], 0.0, shank[2]])
            # arms: hanging straight down, elbow hinge flexing forward, palm facing the thigh
            upper = j[f"lowerarm01.{S}"] - j[f"upperarm01.{S}"]
            fore = j[f"wrist.{S}"] - j[f"lowerarm01.{S}"]
            hinge = np.cross(upper, fore)
            target_hinge = np.cross(down, front)
            N[f"upperarm01.{S}"] = frame_map(upper, hinge, down, target_hinge)
            N[f"lowerarm01.{S}"] = frame_map(fore, hinge, down, target_hinge)
            hand = j[f"finger3-1.{S}"] - j[f"wrist.{S}"]
            across = j[f"finger5-1.{S}"] - j[f"finger2-1.{S}"]  # pinky knuckle - index knuckle
            palm = -sign * np.cross(hand, across)
            medial = np.array([-sign, 0.0, 0.0])
            N[f"wrist.{S}"] = frame_map(hand, palm, down, medial)
            N[f"lowerarm02.{S}"] = slerp_rot(N[f"lowerarm01.{S}"], N[f"wrist.{S}"], 0.5)
        self.neutral = N

    def _build_groups(self):
        """Vertex groups used for floor contacts and reach solves."""
        lab = np.array(self.bone_labels)[self.dominant_bone]
        v = self.rest_vertices
        j = self.rest_joints

        def where(pred):
            return np.nonzero(pred)[0]

        is_hand = np.array([b.startswith(("wrist", "finger", "metacarpal")) for b in lab])
        is_fore = np.array([b.startswith("lowerarm") for b in lab])
        is_foot = np.array([b.startswith(("foot", "toe")) for b in lab])
        is_head = lab == "head"
        g: dict[str, np.ndarray] = {}
        for S, side in (("L", "_l"), ("R", "_r")):
            on_side = np.array([b.endswith("." + S) for b in lab])
            g["hands" + side] = where(is_hand & on_side)
            g["forearms" + side] = where((is_hand | is_fore) & on_side)
            g["feet" + side] = where(is_foot & on_side)
            knee = j[f"lowerleg01.{S}"]
            g["knees" + side] = where(on_side & (np.linalg.norm(v - knee, axis=1) < 0.10))
            g["shins" + side] = where(on_side & np.array([b.startswith("lowerleg") for b in lab]))
        for name in ["hands", "forearms", "feet", "knees", "shins"]:
            g[name] = np.concatenate([g[name + "_l"], g[name + "_r"]])
        g["knees_feet"] = np.concatenate([g["knees"], g["shins"], g["feet"]])
        hip_z = j["upperleg01.L"][2]
        knee_z = j["lowerleg01.L"][2]
        g["hips"] = where((v[:, 2] < hip_z + 0.12) & (v[:, 2] > knee_z + 0.10) & (np.abs(v[:, 0]) < 0.25))
        chest_z = j["spine02"][2]
        g["upper_back"] = where(
            np.isin(lab, ["spine01", "spine02", "clavicle.L", "clavicle.R", "shoulder01.L", "shoulder01.R",
                          "neck01", "neck02", "neck03", "upperarm01.L", "upperarm01.R"])
            & (v[:, 2] > chest_z)
        )
        g["head"] = where(is_head)
        g["torso_front"] = where(np.isin(lab, ["spine01", "spine02", "spine03", "spine04"]) & (v[:, 1] < 0.0))
        g["front"] = np.concatenate([g["torso_front"], g["hips"]])  # lying prone
        g["back"] = np.concatenate([g["upper_back"], g["hips"]])  # lying supine
        self.groups = g
        # vertex -> segment side, for the reach solve (which vertices turn with a segment)
        self.vertex_labels = lab

    def _build_extra_landmarks(self):
        """Mesh vertices standing in for BlazePose points the COCO regressor lacks."""
        v = self.rest_vertices
        k = self.rest_keypoints
        head = np.nonzero(self.vertex_labels == "head")[0]
        hv = v[head]

        def nearest_front(p):
            # the head vertex closest to p among those on the face (front half)
            front = hv[:, 1] < k["nose"][1] + 0.06
            cand = head[front]
            return int(cand[np.argmin(np.linalg.norm(v[cand] - p, axis=1))])

        lm: dict[int, int] = {}
        for eye_name, inner_i, outer_i, side in (("left_eye", 1, 3, 1.0), ("right_eye", 4, 6, -1.0)):
            e = k[eye_name]
            lm[inner_i] = nearest_front(e + np.array([-side * 0.016, -0.004, 0.0]))
            lm[outer_i] = nearest_front(e + np.array([side * 0.020, 0.004, 0.0]))
        mouth_z = k["nose"][2] - 0.045
        lm[9] = nearest_front(np.array([0.024, k["nose"][1] + 0.012, mouth_z]))
        lm[10] = nearest_front(np.array([-0.024, k["nose"][1] + 0.012, mouth_z]))
        self.extra_landmark_vertices = lm
        # hand points: knuckles as in BlazePose (pinky, index, thumb) from rig joints
        self.hand_landmark_bones = {
            17: "finger5-1.L", 18: "finger5-1.R", 19: "finger2-1.L", 20: "finger2-1.R",
            21: "finger1-2.L", 22: "finger1-2.R",
        }

    # ------------------------------------------------------------- colours
    def _paint(self, spec: dict) -> np.ndarray:
        """Vertex colours: skin, a shirt and shorts chosen by rest-pose position and bone."""
        v = self.rest_vertices
        lab = self.vertex_labels
        j = self.rest_joints
        n = len(v)
        col = np.tile(hex_rgb(spec.get("skin", "#c99a78")), (n, 1))
        hip_z = j["upperleg01.L"][2]
        knee_z = j["lowerleg01.L"][2]
        neck_z = j["neck01"][2]
        shoulder = j["upperarm01.L"]
        elbow = j["lowerarm01.L"]
        is_arm = np.array([b.startswith(("upperarm", "lowerarm", "wrist", "finger", "metacarpal")) for b in lab])
        is_trunk = np.array([b.startswith(("spine", "clavicle", "shoulder", "root", "pelvis")) for b in lab])
        is_leg = np.array([b.startswith(("upperleg", "pelvis")) for b in lab])
        waist_z = hip_z + 0.12
        if spec.get("shirt"):
            # sleeve: the upper 45 % of the upper arm, measured along the arm
            axis = (elbow - shoulder) / np.linalg.norm(elbow - shoulder)
            mirrored = v.copy()
            mirrored[:, 0] = np.abs(v[:, 0])  # both arms measured on the left one
            along = (mirrored - shoulder) @ axis / np.linalg.norm(elbow - shoulder)
            sleeve = is_arm & (along < 0.45) & np.array([b.startswith("upperarm") for b in lab])
            shirt = (is_trunk & (v[:, 2] > waist_z - 0.02) & (v[:, 2] < neck_z - 0.02)) | sleeve
            shirt |= np.array([b.startswith(("clavicle", "shoulder")) for b in lab])
            col[shirt] = hex_rgb(spec["shirt"])
        if spec.get("shorts"):
            mid_thigh = hip_z + 0.45 * (knee_z - hip_z)
            shorts = (v[:, 2] <= waist_z - 0.02) & (v[:, 2] > mid_thigh) & (is_trunk | is_leg | (lab == "spine05"))
            shorts |= (v[:, 2] <= waist_z - 0.02) & (v[:, 2] > mid_thigh) & ~is_arm & (np.abs(v[:, 0]) < 0.30)
            col[shorts] = hex_rgb(spec["shorts"])
        if spec.get("shoes"):
            col[np.array([b.startswith(("foot", "toe")) for b in lab])] = hex_rgb(spec["shoes"])
        # hair: the top and back of the head above the eyes
        head = lab == "head"
        eye_z = self.rest_keypoints["left_eye"][2]
        ear_y = self.rest_keypoints["left_ear"][1]
        hair = head & ((v[:, 2] > eye_z + 0.045) | ((v[:, 2] > eye_z - 0.06) & (v[:, 1] > ear_y + 0.015)))
        col[hair] = hex_rgb(spec.get("hair", "#2b1d14"))
        col[np.isin(lab, ["eye.L", "eye.R"])] = np.array([0.08, 0.06, 0.05])
        return col

    # --------------------------------------------------------------- posing
    def bone_rotations(self, angles: dict[str, float], extras: dict[str, float]) -> dict[str, np.ndarray]:
        """World (body-frame) rotation G of every bone that differs from its parent's."""

        def seg(name, side=None):
            if side is not None:
                key = f"{name}_{side}"
                if key in angles:
                    return angles[key]
            return angles.get(name, STANDING[name])

        G: dict[str, np.ndarray] = {}
        sag = lambda name, side=None: r_sag_body(seg(name, side) - STANDING[name])  # noqa: E731
        G["root"] = sag("pelvis")
        lum, ch, pel = seg("lumbar"), seg("chest"), seg("pelvis")
        G["spine05"] = r_sag_body((pel + lum) / 2 - 90.0)
        G["spine04"] = r_sag_body(lum - 90.0)
        G["spine03"] = r_sag_body((lum + ch) / 2 - 90.0)
        G["spine02"] = r_sag_body(ch - 90.0)
        G["spine01"] = r_sag_body(ch - 90.0)
        nk, hd = seg("neck"), seg("head")
        G["neck01"] = r_sag_body(nk - 90.0)
        G["neck02"] = r_sag_body(nk - 90.0)
        G["neck03"] = r_sag_body((nk + hd) / 2 - 90.0)
        G["head"] = r_sag_body(hd - 90.0)
        abd = extras.get("arm_abduction", 6.0)
        pron = extras.get("pronation", 0.0)
        N = self.neutral
        for S, side, sign in (("L", "l", 1.0), ("R", "r", -1.0)):
            # abduction: about the body's front-back axis (Y), arm moving outward
            R_abd = rot_axis([0.0, 1.0, 0.0], -sign * abd)
            # pronation: about the hanging arm's axis, palm turning from the thigh to the back
            def R_pro(u):
                return rot_axis([0.0, 0.0, 1.0], -sign * pron * u)

            ua = sag("upper_arm", side) @ R_abd
            G[f"upperarm01.{S}"] = ua @ N[f"upperarm01.{S}"]
            fa = sag("forearm", side) @ R_abd
            G[f"lowerarm01.{S}"] = fa @ R_pro(0.0) @ N[f"lowerarm01.{S}"]
            G[f"lowerarm02.{S}"] = fa @ R_pro(0.5) @ N[f"lowerarm02.{S}"]
            G[f"wrist.{S}"] = sag("hand", side) @ R_abd @ R_pro(1.0) @ N[f"wrist.{S}"]
            G[f"upperleg01.{S}"] = sag("thigh", side) @ N[f"upperleg01.{S}"]
            G[f"lowerleg01.{S}"] = sag("shank", side) @ N[f"lowerleg01.{S}"]
            G[f"foot.{S}"] = sag("foot", side)
            toes = sag("toes", side)
            for b in self.bone_labels:
                if b.startswith("toe") and b.endswith("." + S):
                    G[b] = toes
        return G

    def pose(self, angles: dict[str, float], extras: dict[str, float] | None = None) -> Posed:
        extras = extras or {}
        G = self.bone_rotations(angles, extras)
        # fill in every bone: a bone not listed turns with its parent
        full: list[np.ndarray] = []
        for i, b in enumerate(self.bone_labels):
            if b in G:
                full.append(G[b])
            else:
                p = self.parents[i]
                full.append(full[p] if p >= 0 else np.eye(3))
        deltas = {}
        for i, b in enumerate(self.bone_labels):
            p = self.parents[i]
            d = full[i] if p < 0 else full[p].T @ full[i]
            if not np.allclose(d, np.eye(3), atol=1e-12):
                deltas[b] = d
        out = self._forward(deltas)
        return Posed(out["vertices"], out["keypoints"], out["joints"], dict(angles))

    # ---------------------------------------------------------- landmarks
    def blazepose(self, verts_w: np.ndarray, kp_w: dict[str, np.ndarray], joints_w: dict[str, np.ndarray]) -> np.ndarray:
        """33 x 3 world points in BlazePose order (NaN where unknown)."""
        out = np.full((33, 3), np.nan)
        for i, name in COCO_TO_BLAZEPOSE.items():
            out[i] = kp_w[name]
        for i, vi in self.extra_landmark_vertices.items():
            out[i] = verts_w[vi]
        for i, bone in self.hand_landmark_bones.items():
            out[i] = joints_w[bone]
        # foot_index: the tip of the foot, between the big toe and the small toe (closer to the big toe)
        out[31] = (2 * kp_w["left_big_toe"] + kp_w["left_small_toe"]) / 3
        out[32] = (2 * kp_w["right_big_toe"] + kp_w["right_small_toe"]) / 3
        return out
