"""Camera and offscreen rendering (pyrender through OSMesa, software OpenGL).

World: x = the person's facing direction, y = up (floor top at y = 0),
z = the person's right.  The camera sits on the side of the person named by
`camera.side` ("left": the person's left side faces the camera, so the camera
is at z < 0), looks horizontally (or at `aim_height_m`) at the middle of the
space the body uses over the whole clip.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")

import numpy as np

if not hasattr(np, "infty"):  # pyrender 0.1.45 still uses np.infty (gone in NumPy 2)
    np.infty = np.inf

import pyrender  # noqa: E402
import pyrender.constants  # noqa: E402
import pyrender.light  # noqa: E402
import pyrender.renderer  # noqa: E402
import trimesh  # noqa: E402

# A 1024 px shadow map (pyrender's default is 2048) keeps one shadow-casting light affordable.
for _mod in (pyrender.constants, pyrender.light, pyrender.renderer):
    _mod.SHADOW_TEX_SZ = 1024

from body import hex_rgb  # noqa: E402


@dataclass
class Camera:
    side: str  # "left" | "right": the side of the person facing the camera
    distance_m: float
    height_m: float
    fov_deg: float  # vertical field of view
    width: int
    height: int
    target: np.ndarray  # world point the camera looks at

    @property
    def position(self) -> np.ndarray:
        z = -self.distance_m if self.side == "left" else self.distance_m
        return np.array([self.target[0], self.height_m, self.target[2] + z])

    def pose(self) -> np.ndarray:
        """Camera-to-world 4x4 (OpenGL convention: the camera looks along its -z)."""
        return _look_from(self.position, self.target)

    @property
    def focal_px(self) -> float:
        return (self.height / 2.0) / np.tan(np.radians(self.fov_deg) / 2.0)

    def project(self, pts_w: np.ndarray) -> np.ndarray:
        """World points (N, 3) -> (N, 3): pixel x, pixel y, depth along the optical axis (m)."""
        w2c = np.linalg.inv(self.pose())
        p = pts_w @ w2c[:3, :3].T + w2c[:3, 3]
        depth = -p[:, 2]
        f = self.focal_px
        u = self.width / 2.0 + f * p[:, 0] / depth
        v = self.height / 2.0 - f * p[:, 1] / depth
        return np.stack([u, v, depth], axis=1)

    def to_json(self) -> dict:
        return {
            "side": self.side,
            "position_m": [round(float(x), 4) for x in self.position],
            "target_m": [round(float(x), 4) for x in self.target],
            "vertical_fov_deg": self.fov_deg,
            "focal_px": round(self.focal_px, 3),
            "world": "x = person's facing direction, y = up (floor y = 0), z = person's right",
        }


def vertex_normals(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    fn = np.cross(verts[faces[:, 1]] - verts[faces[:, 0]], verts[faces[:, 2]] - verts[faces[:, 0]])
    vn = np.zeros_like(verts)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    vn /= np.linalg.norm(vn, axis=1, keepdims=True) + 1e-12
    return vn


class Renderer:
    """A fixed room (floor, exercise mat, back wall, lights) and one body mesh per frame."""

    def __init__(self, camera: Camera, faces: np.ndarray, colors: np.ndarray, room: dict):
        self.camera = camera
        self.faces = faces
        self.colors_u8 = np.round(np.clip(colors, 0, 1) * 255).astype(np.uint8)
        self.scene = pyrender.Scene(bg_color=[0.85, 0.86, 0.88, 1.0], ambient_light=[0.25, 0.25, 0.27])
        cx = float(camera.target[0])
        far_z = 2.2 if camera.side == "left" else -2.2  # the wall behind the person
        floor = trimesh.creation.box(extents=[14.0, 0.02, 10.0])
        floor.apply_translation([cx, -0.013, 0.0])
        self._add_static(floor, room.get("floor", "#b59a7a"))
        if room.get("mat", True):
            mat = trimesh.creation.box(extents=[room.get("mat_length_m", 1.9), 0.006, 0.62])
            mat.apply_translation([room.get("mat_x_m", cx), -0.003, 0.0])
            self._add_static(mat, room.get("mat_color", "#3b4a6b"))
        wall = trimesh.creation.box(extents=[14.0, 6.0, 0.05])
        wall.apply_translation([cx, 3.0 - 0.02, far_z + np.sign(far_z) * 0.025])
        self._add_static(wall, room.get("wall", "#d9d4cb"))
        cam = pyrender.PerspectiveCamera(yfov=np.radians(camera.fov_deg), aspectRatio=camera.width / camera.height,
                                         znear=0.05, zfar=30.0)
        self.scene.add(cam, pose=camera.pose())
        key = pyrender.DirectionalLight(color=np.ones(3), intensity=2.4)
        key_pose = _look_from(np.array([cx + 1.5, 4.0, -3.0 if camera.side == "left" else 3.0]), np.array([cx, 0, 0]))
        self.scene.add(key, pose=key_pose)
        # the fill is a point light near the camera: it casts no shadow (only the key light does)
        fill = pyrender.PointLight(color=np.ones(3), intensity=5.0)
        fill_pos = camera.position + np.array([-1.5, 1.2, 0.0])
        self.scene.add(fill, pose=_look_from(fill_pos, np.array([cx, 0.3, 0.0])))
        self.body_node = None
        self.frames_rendered = 0
        self.renderer = pyrender.OffscreenRenderer(camera.width, camera.height)
        self.shadows = room.get("shadows", True)

    def _add_static(self, mesh: trimesh.Trimesh, color: str):
        mat = pyrender.MetallicRoughnessMaterial(baseColorFactor=[*hex_rgb(color), 1.0], metallicFactor=0.0,
                                                 roughnessFactor=0.9)
        self.scene.add(pyrender.Mesh.from_trimesh(mesh, material=mat, smooth=False))

    def render(self, verts_w: np.ndarray) -> np.ndarray:
        """RGB uint8 image (H, W, 3) of the body at these world vertices."""
        if self.body_node is not None:
            self.scene.remove_node(self.body_node)
        # Mesh.from_trimesh with vertex colours and pyrender's own vertex-colour material: a
        # hand-made Primitive/material rendered the body unlit (dark) in pyrender 0.1.45 + OSMesa.
        self.frames_rendered += 1
        if self.frames_rendered % 50 == 0:
            # pyrender + OSMesa leaks ~17 MB a frame when meshes are swapped; a fresh context frees it
            self.renderer.delete()
            self.renderer = pyrender.OffscreenRenderer(self.camera.width, self.camera.height)
        tm = trimesh.Trimesh(verts_w, self.faces, vertex_colors=self.colors_u8, process=False)
        self.body_node = self.scene.add(pyrender.Mesh.from_trimesh(tm, smooth=True))
        flags = pyrender.RenderFlags.SHADOWS_DIRECTIONAL if self.shadows else pyrender.RenderFlags.NONE
        color, _ = self.renderer.render(self.scene, flags=flags)
        return color

    def close(self):
        self.renderer.delete()


def _look_from(eye: np.ndarray, target: np.ndarray) -> np.ndarray:
    fwd = target - eye
    fwd = fwd / np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, fwd)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = right, up, -fwd, eye
    return m
