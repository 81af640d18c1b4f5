"""Drawing on frames: skeleton, angles by their joints, state colour, cue, timer, reps, FPS.

One annotator per drawing verb, each `annotate(image, ...) -> image` (drawn in place), style set in __init__.
Used by live coaching (window) and by the annotated video / report snapshots, so both look the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck.core.evaluation import FrameResult
from posecheck.core.events import State
from posecheck.core.geometry import to_pixels
from posecheck.core.landmarks import SKELETON, Landmark, Pose

__all__ = ["STATE_COLORS", "SkeletonAnnotator", "AngleAnnotator", "HudAnnotator", "Overlay", "MEASURE_ANCHOR",
           "draw_text", "MeasureAnnotator", "MEASURE_GEOMETRY"]

# BGR
STATE_COLORS = {
    State.GOOD: (80, 200, 60),
    State.FAULT: (40, 40, 230),
    State.SETUP: (170, 170, 170),
    State.UNKNOWN: (0, 170, 240),
    State.ABSENT: (90, 90, 90),
}

# Where a measure is written: the joint at its vertex (per side).
MEASURE_ANCHOR = {
    "elbow": "ELBOW", "shoulder": "SHOULDER", "hip": "HIP", "knee": "KNEE", "neck": "SHOULDER",
    "body_line": "HIP", "body_sag": "HIP", "hip_sag": "HIP", "head_drop": "EAR", "pelvis_lift": "HIP",
    "hands_forward": "WRIST", "elbows_forward": "ELBOW", "torso_incline": "SHOULDER", "thigh_incline": "KNEE",
    "shin_incline": "ANKLE", "legs_incline": "ANKLE", "upper_arm_incline": "ELBOW", "forearm_incline": "WRIST",
}


def _cv2():
    import cv2

    return cv2


def draw_text(image: np.ndarray, text: str, org: tuple[int, int], scale: float = 0.6,
              color=(255, 255, 255), thickness: int = 1, bg=(0, 0, 0), pad: int = 4) -> tuple[int, int]:
    """Text on a filled box so it reads on any background; returns the box's (width, height)."""
    cv2 = _cv2()
    font = cv2.FONT_HERSHEY_SIMPLEX
    (w, h), base = cv2.getTextSize(text, font, scale, thickness)
    x, y = int(org[0]), int(org[1])
    H, W = image.shape[:2]
    x = max(0, min(x, W - w - 2 * pad))
    y = max(h + pad, min(y, H - base - pad))
    if bg is not None:
        cv2.rectangle(image, (x, y - h - pad), (x + w + 2 * pad, y + base + pad), bg, -1)
    cv2.putText(image, text, (x + pad, y), font, scale, color, thickness, cv2.LINE_AA)
    return w + 2 * pad, h + base + 2 * pad


def _pixels(pose: Pose, width: int, height: int, mirror: bool) -> np.ndarray:
    px = to_pixels(pose, width, height)
    if mirror:
        px[:, 0] = width - px[:, 0]
    return px


@dataclass
class SkeletonAnnotator:
    """Bones and joints; the side facing the camera drawn bold, the far side thin."""

    thickness: int = 3
    radius: int = 4

    def annotate(self, image: np.ndarray, px: np.ndarray, side: str | None, color) -> np.ndarray:
        cv2 = _cv2()
        near = "LEFT" if side != "right" else "RIGHT"
        for a, b in SKELETON:
            pa, pb = px[a], px[b]
            if np.isnan(pa).any() or np.isnan(pb).any():
                continue
            bold = near in a.name or near in b.name or not ("LEFT" in a.name or "RIGHT" in a.name)
            cv2.line(image, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])),
                     color if bold else (200, 200, 200), self.thickness if bold else 1, cv2.LINE_AA)
        for lm in Landmark:
            p = px[lm]
            if np.isnan(p).any() or lm.value in range(1, 7) or lm.value in (9, 10, 17, 18, 21, 22):
                continue
            cv2.circle(image, (int(p[0]), int(p[1])), self.radius, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(image, (int(p[0]), int(p[1])), self.radius, color, 1, cv2.LINE_AA)
        return image


@dataclass
class AngleAnnotator:
    """The key measures written next to their joints, red when their check is failing."""

    scale: float = 0.5

    def annotate(self, image: np.ndarray, px: np.ndarray, side: str | None, angles: dict,
                 measures: list[str], failing: set[str]) -> np.ndarray:
        if side is None:
            return image
        used: list[tuple[int, int]] = []
        for m in measures:
            v = angles.get(m, math.nan)
            if v is None or v != v:
                continue
            anchor = Landmark[f"{side.upper()}_{MEASURE_ANCHOR.get(m, 'HIP')}"]
            p = px[anchor]
            if np.isnan(p).any():
                continue
            x, y = int(p[0]) + 10, int(p[1]) - 10
            while any(abs(x - ux) < 60 and abs(y - uy) < 18 for ux, uy in used):
                y -= 20  # stack labels that share a joint
            used.append((x, y))
            color = (255, 255, 255) if m not in failing else (120, 120, 255)
            draw_text(image, f"{m} {round(v):d}", (x, y), self.scale, color, 1, bg=(30, 30, 30), pad=2)
        return image


@dataclass
class HudAnnotator:
    """State bar, the active cue in large text, the hold timer against the target, reps, FPS."""

    def annotate(self, image: np.ndarray, frame: FrameResult, title: str, cue: str | None,
                 hold_target_s: float | None, reps_target: int | None, fps: float | None = None,
                 extra: list[str] | None = None, *, guidance: str | None = None, banner: str | None = None,
                 timings_ms: dict[str, float] | None = None) -> np.ndarray:
        """`guidance` (camera set-up advice), `banner` (rest, pause) and `timings_ms` (per stage) are
        optional: live coaching shows them, annotated videos need not."""
        cv2 = _cv2()
        H, W = image.shape[:2]
        color = STATE_COLORS.get(frame.state, (255, 255, 255))
        s = max(W / 640.0, 0.6)
        cv2.rectangle(image, (0, 0), (W, int(36 * s)), color, -1)
        label = frame.state.upper() + (": " + ", ".join(f.replace("_", " ") for f in frame.faults)
                                       if frame.faults else "")
        draw_text(image, f"{title}  {label}", (6, int(26 * s)), 0.7 * s, (0, 0, 0), 2, bg=None)
        y = int(36 * s) + int(30 * s)
        if hold_target_s is not None:
            done = frame.hold_good_s >= hold_target_s
            # Past the target the timer keeps counting: the bar stays full and turns green.
            draw_text(image, f"hold {frame.hold_good_s:4.1f} / {hold_target_s:g} s" + ("  done" if done else ""),
                      (8, y), 0.8 * s, (140, 255, 140) if done else (255, 255, 255), 2)
            y += int(12 * s)
            bar_w, bar_h = int(220 * s), max(4, int(8 * s))
            share = min(frame.hold_good_s / hold_target_s, 1.0) if hold_target_s > 0 else 1.0
            cv2.rectangle(image, (8, y), (8 + bar_w, y + bar_h), (60, 60, 60), -1)
            cv2.rectangle(image, (8, y), (8 + int(bar_w * share), y + bar_h),
                          STATE_COLORS["good"] if done or frame.state == "good" else (200, 200, 200), -1)
            y += bar_h + int(30 * s)
        if reps_target is not None or frame.reps:
            tgt = f" / {reps_target}" if reps_target else ""
            draw_text(image, f"reps {frame.reps}{tgt} ({frame.good_reps} good)", (8, y), 0.7 * s, (255, 255, 255), 2)
            y += int(30 * s)
        for line in extra or []:
            draw_text(image, line, (8, y), 0.5 * s, (230, 230, 230), 1)
            y += int(24 * s)
        ty = int(36 * s) + int(26 * s)
        if fps is not None:
            draw_text(image, f"{fps:4.1f} FPS", (W - int(110 * s), ty), 0.55 * s)
            ty += int(22 * s)
        if timings_ms:
            # One small line along the bottom edge: a column of figures in a corner would hide the body.
            line = "ms/frame " + "  ".join(f"{stage} {ms:.1f}" for stage, ms in timings_ms.items())
            draw_text(image, line, (4, H - int(12 * s)), 0.42 * s, (220, 220, 220), 1, pad=2)
        draw_text(image, f"t {frame.t_s:6.2f} s", (W - int(130 * s), H - int(12 * s)), 0.5 * s)
        if banner:
            # High in the frame: the body is usually in its middle.
            self._centered(image, banner, int(H * 0.38), 0.9 * s, bg=(90, 60, 20))
        if guidance:
            # Above the cue line when both are shown: the cue is the more urgent of the two.
            gy = H - int(50 * s) - (int(56 * s) if cue else 0)
            self._centered(image, guidance, gy, 0.8 * s, color=(0, 0, 0), bg=(0, 200, 255))
        if cue:
            cv2_scale = 1.0 * s
            (tw, th), _ = cv2.getTextSize(cue, cv2.FONT_HERSHEY_SIMPLEX, cv2_scale, 2)
            while tw > W - 20 and cv2_scale > 0.4:
                cv2_scale -= 0.1
                (tw, th), _ = cv2.getTextSize(cue, cv2.FONT_HERSHEY_SIMPLEX, cv2_scale, 2)
            draw_text(image, cue, ((W - tw) // 2, H - int(50 * s)), cv2_scale, (255, 255, 255), 2,
                      bg=(30, 30, 160), pad=10)
        return image

    @staticmethod
    def _centered(image: np.ndarray, text: str, y: int, scale: float, color=(255, 255, 255), bg=(0, 0, 0)) -> None:
        """Large text centred on the frame's width, shrunk until it fits."""
        cv2 = _cv2()
        W = image.shape[1]
        (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
        while tw > W - 24 and scale > 0.4:
            scale -= 0.05
            (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
        draw_text(image, text, ((W - tw) // 2, y), scale, color, 2, bg=bg, pad=10)


class Overlay:
    """Everything drawn on one frame, as live coaching and annotated videos show it."""

    def __init__(self, spec, width: int, height: int, mirror: bool = False, measures: list[str] | None = None):
        self.spec, self.width, self.height, self.mirror = spec, width, height, mirror
        checks = [c.measure for c in spec.checks] + ([spec.reps.measure] if spec.reps else [])
        self.measures = measures or list(dict.fromkeys(checks))
        self.skeleton, self.angles, self.hud = SkeletonAnnotator(), AngleAnnotator(), HudAnnotator()
        self._check_measure = {c.id: c.measure for c in spec.checks}

    def annotate(self, image: np.ndarray, pose: Pose | None, frame: FrameResult, cue: str | None = None,
                 fps: float | None = None, extra: list[str] | None = None, *, guidance: str | None = None,
                 banner: str | None = None, timings_ms: dict[str, float] | None = None) -> np.ndarray:
        cv2 = _cv2()
        if self.mirror:
            image = cv2.flip(image, 1)
        scale = max(self.width / 640.0, 1.0)
        self.skeleton.thickness = int(round(3 * scale))
        self.skeleton.radius = int(round(4 * scale))
        self.angles.scale = 0.5 * scale
        color = STATE_COLORS.get(frame.state, (255, 255, 255))
        if pose is not None and pose.detected:
            px = _pixels(pose, self.width, self.height, self.mirror)
            self.skeleton.annotate(image, px, frame.side, color)
            failing = {self._check_measure[f] for f in frame.faults if f in self._check_measure}
            self.angles.annotate(image, px, frame.side, frame.angles, self.measures, failing)
        self.hud.annotate(image, frame, self.spec.title, cue,
                          self.spec.hold.target_s if self.spec.hold else None,
                          self.spec.reps.target if self.spec.reps else None, fps, extra,
                          guidance=guidance, banner=banner, timings_ms=timings_ms)
        return image


# The side points that define each measure, for drawing it: ("angle", a, b, c) an angle at b;
# ("line", a, b, c) how far b is off the straight line a-c; ("ext", a, b, c) c off the line a->b extended;
# ("vertical", a, b) / ("horizontal", a, b) the segment a->b against the vertical / horizontal.
MEASURE_GEOMETRY = {
    "elbow": ("angle", "SHOULDER", "ELBOW", "WRIST"), "shoulder": ("angle", "ELBOW", "SHOULDER", "HIP"),
    "hip": ("angle", "SHOULDER", "HIP", "KNEE"), "knee": ("angle", "HIP", "KNEE", "ANKLE"),
    "neck": ("angle", "EAR", "SHOULDER", "HIP"), "body_line": ("angle", "SHOULDER", "HIP", "ANKLE"),
    "body_sag": ("line", "SHOULDER", "HIP", "ANKLE"), "hip_sag": ("line", "SHOULDER", "HIP", "KNEE"),
    "head_drop": ("ext", "HIP", "SHOULDER", "EAR"), "pelvis_lift": ("angle", "WRIST", "ANKLE", "HIP"),
    "hands_forward": ("vertical", "SHOULDER", "WRIST"), "elbows_forward": ("vertical", "SHOULDER", "ELBOW"),
    "torso_incline": ("horizontal", "HIP", "SHOULDER"), "thigh_incline": ("horizontal", "KNEE", "HIP"),
    "shin_incline": ("horizontal", "ANKLE", "KNEE"), "legs_incline": ("horizontal", "ANKLE", "HIP"),
    "upper_arm_incline": ("horizontal", "ELBOW", "SHOULDER"),
    "forearm_incline": ("horizontal", "WRIST", "ELBOW"),
}


def _dashed(image, p, q, color, thickness: int, dash_px: float = 10.0) -> None:
    cv2 = _cv2()
    p, q = np.asarray(p, float), np.asarray(q, float)
    n = float(np.hypot(*(q - p)))
    steps = max(int(n // dash_px), 1)
    for i in range(0, steps, 2):
        a = p + (q - p) * (i / steps)
        b = p + (q - p) * (min(i + 1, steps) / steps)
        cv2.line(image, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), color, thickness, cv2.LINE_AA)


@dataclass
class MeasureAnnotator:
    """One measure drawn as its geometry: the segments that make it bold, the reference (the straight line,
    the vertical or the horizontal) dashed, and its value at the vertex. For fault snapshots."""

    color: tuple = (0, 215, 255)
    ref_color: tuple = (255, 255, 255)
    thickness: int = 4
    scale: float = 0.7

    def annotate(self, image: np.ndarray, px: np.ndarray, side: str | None, measure: str, value: float,
                 label: str | None = None) -> np.ndarray:
        cv2 = _cv2()
        geo = MEASURE_GEOMETRY.get(measure)
        if side is None or geo is None:
            return image
        kind, *names = geo
        pts = [px[Landmark[f"{side.upper()}_{n}"]] for n in names]
        if any(np.isnan(p).any() for p in pts):
            return image
        t = self.thickness
        ip = [(int(p[0]), int(p[1])) for p in pts]
        if kind in ("angle", "line", "ext"):
            a, b, c = pts
            if kind == "line":
                _dashed(image, a, c, self.ref_color, max(t // 2, 1))
            elif kind == "ext":
                d = b - a
                _dashed(image, b, b + d / max(np.hypot(*d), 1e-9) * np.hypot(*(c - b)), self.ref_color,
                        max(t // 2, 1))
            cv2.line(image, ip[0], ip[1], self.color, t, cv2.LINE_AA)
            cv2.line(image, ip[1], ip[2], self.color, t, cv2.LINE_AA)
            vertex = ip[1]
        else:
            a, b = pts
            length = float(np.hypot(*(b - a)))
            ref = a + (np.array([0.0, length]) if kind == "vertical" else
                       np.array([length if b[0] >= a[0] else -length, 0.0]))
            _dashed(image, a, ref, self.ref_color, max(t // 2, 1))
            cv2.line(image, ip[0], ip[1], self.color, t, cv2.LINE_AA)
            vertex = ip[0]
        for p in ip:
            cv2.circle(image, p, t + 2, self.color, -1, cv2.LINE_AA)
        text = label or (f"{measure} {value:.0f} deg" if value == value else measure)
        # The label goes on the side of the vertex away from the drawn segments, so it hides none of them.
        v = np.asarray(vertex, float)
        away = np.zeros(2)
        for p in pts:
            d = v - p
            n = float(np.hypot(*d))
            if n > 2.0:  # not the vertex itself (rounded to whole pixels)
                away += d / n
        n = float(np.hypot(*away))
        if n < 0.5 and len(pts) >= 2:
            # Nearly straight: beside the line, not along it.
            d = pts[-1] - pts[0]
            away = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-6)
            away = -away if away[0] > 0 else away
        else:
            away = away / n
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, self.scale, 2)
        centre = v + away * (30 + 0.5 * abs(away[0]) * tw + 0.5 * abs(away[1]) * th)
        draw_text(image, text, (centre[0] - tw / 2, centre[1] + th / 2), self.scale, (0, 0, 0), 2,
                  bg=self.color, pad=4)
        return image
