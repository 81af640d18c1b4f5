"""Drawing on frames: skeleton, angles by their joints, state colour, cue, timer, reps, FPS.

One annotator per drawing verb, each `annotate(image, ...) -> image` (drawn in place), style set in __init__.
Used by live coaching (window) and by the annotated video / report snapshots, so both look the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck import words
from posecheck.core.evaluation import FrameResult
from posecheck.core.events import State
from posecheck.core.geometry import to_pixels
from posecheck.core.landmarks import SKELETON, Landmark, Pose

__all__ = ["STATE_COLORS", "SkeletonAnnotator", "AngleAnnotator", "HudAnnotator", "Overlay", "MEASURE_ANCHOR",
           "draw_text", "MeasureAnnotator", "MEASURE_GEOMETRY", "text_scale", "fit_lines", "text_box", "timer_text"]

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


def timer_text(good_s: float, target_s: float) -> str:
    """The hold timer against its target in whole seconds done, as a stopwatch counts: 3.5 s held shows "3",
    never "4" before the fourth second is (the routine's panel beside it shows 3.5)."""
    return f"{math.floor(good_s + 1e-6):d} of {target_s:g} s"


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


def text_scale(letter_px: float, thickness: int = 2) -> float:
    """The font scale of FONT_HERSHEY_SIMPLEX whose capital letters are `letter_px` tall."""
    cv2 = _cv2()
    (_, h), _ = cv2.getTextSize("H", cv2.FONT_HERSHEY_SIMPLEX, 1.0, thickness)
    return max(letter_px, 1.0) / h


def _thickness(letter_px: float) -> int:
    return max(1, int(round(letter_px / 11)))


def wrap_to_width(text: str, scale: float, thickness: int, width: int, max_lines: int = 2) -> list[str]:
    """Words in at most `max_lines` lines no wider than `width` at this scale, the lines as even as possible
    ("Hips are sagging:" / "lift them", not "Hips are sagging: lift" / "them"). When the text cannot fit,
    the widest line overflows: the caller shrinks the scale then."""
    cv2 = _cv2()

    def width_of(line: str) -> int:
        return cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][0]

    ws = text.split()
    if not ws:
        return [""]
    if width_of(text) <= width or max_lines <= 1 or len(ws) == 1:
        return [text]
    if max_lines == 2:
        splits = [(" ".join(ws[:i]), " ".join(ws[i:])) for i in range(1, len(ws))]
        # Prefer a split after punctuation when it is no more than a little wider.
        best = min(splits, key=lambda ab: max(width_of(ab[0]), width_of(ab[1])))
        limit = max(width_of(best[0]), width_of(best[1])) * 1.15
        for ab in splits:
            if ab[0][-1] in ":;,." and max(width_of(ab[0]), width_of(ab[1])) <= min(limit, width):
                return list(ab)
        return list(best)
    lines: list[str] = []
    for word in ws:
        if lines and (width_of(lines[-1] + " " + word) <= width or len(lines) >= max_lines):
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def fit_lines(text: str, width: int, letter_px: float, min_letter_px: float,
              max_lines: int = 2) -> tuple[list[str], float, int]:
    """The text in at most `max_lines` lines of `width`, letters `letter_px` tall, shrunk (not below
    `min_letter_px`) only when it cannot fit: (lines, scale, thickness)."""
    cv2 = _cv2()
    px = letter_px
    while True:
        th = _thickness(px)
        scale = text_scale(px, th)
        lines = wrap_to_width(text, scale, th, width, max_lines)
        widest = max(cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, th)[0][0] for line in lines)
        if widest <= width or px <= min_letter_px:
            return lines, scale, th
        px = max(px * 0.92, min_letter_px)


def clip_to_width(line: str, scale: float, thickness: int, width: int) -> str:
    """The line cut short with "..." where it is wider than `width` even at the smallest letters allowed."""
    cv2 = _cv2()

    def width_of(text: str) -> int:
        return cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][0]

    if width_of(line) <= width:
        return line
    while line and width_of(line.rstrip() + "...") > width:
        line = line[:-1]
    return line.rstrip(" ,;:") + "..." if line else ""


def box_height(lines: list[str], scale: float, thickness: int, pad: int) -> int:
    """The height of `text_box` for these lines."""
    cv2 = _cv2()
    letter = cv2.getTextSize("H", cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][1]
    return len(lines) * letter + (len(lines) - 1) * int(letter * 0.45) + 2 * pad


def text_box(image: np.ndarray, lines: list[str], top: int, scale: float, thickness: int, color, bg,
             pad: int, x_center: int | None = None) -> tuple[int, int, int, int]:
    """Lines of text centred on a filled box whose top is `top`; returns the box (x0, y0, x1, y1)."""
    cv2 = _cv2()
    font = cv2.FONT_HERSHEY_SIMPLEX
    H, W = image.shape[:2]
    sizes = [cv2.getTextSize(line, font, scale, thickness)[0] for line in lines]
    letter = cv2.getTextSize("H", font, scale, thickness)[0][1]
    gap = int(letter * 0.45)
    w = max(sz[0] for sz in sizes) + 2 * pad
    h = len(lines) * letter + (len(lines) - 1) * gap + 2 * pad
    cx = W // 2 if x_center is None else x_center
    x0 = int(max(0, min(cx - w // 2, W - w)))
    y0 = int(max(0, min(top, H - h)))
    cv2.rectangle(image, (x0, y0), (x0 + w, y0 + h), bg, -1)
    y = y0 + pad + letter
    for line, (lw, _) in zip(lines, sizes):
        cv2.putText(image, line, (x0 + (w - lw) // 2, y), font, scale, color, thickness, cv2.LINE_AA)
        y += letter + gap
    return x0, y0, x0 + w, y0 + h


def _rects_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass
class AngleAnnotator:
    """The key measures by their joints, in words ("hips 14 deg low", "arms straight") or, for the coach, by
    their names ("body_sag 14"); red when their check is failing.

    Labels never cover the body: they sit above it (below it when there is no room above), in a row that
    avoids the other labels, with a thin line to their joint. Their size follows the image's height."""

    scale: float = 0.5
    labels: str = "words"  # or "measures"
    top_px: int = 0  # labels stay below this line (the HUD's state bar and cue)
    bottom_px: int | None = None  # ...and above this one (the HUD's boxes along the bottom edge)

    def label(self, measure: str, value: float) -> str:
        if self.labels == "measures":
            return f"{measure} {round(value):d}"
        return words.measure_phrase(measure, value)

    def annotate(self, image: np.ndarray, px: np.ndarray, side: str | None, angles: dict,
                 measures: list[str], failing: set[str]) -> np.ndarray:
        if side is None:
            return image
        cv2 = _cv2()
        H, W = image.shape[:2]
        body = px[~np.isnan(px).any(axis=1)]
        if len(body) == 0:
            return image
        bx0, by0 = body.min(axis=0)
        bx1, by1 = body.max(axis=0)
        letter = max(H / 40.0, 7.0)
        th = 1
        scale = text_scale(letter, th)
        pad = max(2, int(letter * 0.3))
        margin = int(letter * 0.6)
        placed: list[tuple[int, int, int, int]] = []
        drawn: list = []
        body_box = (bx0 - margin, by0 - margin, bx1 + margin, by1 + margin)
        todo = []
        for m in measures:
            v = angles.get(m, math.nan)
            if v is None or v != v:
                continue
            anchor = Landmark[f"{side.upper()}_{MEASURE_ANCHOR.get(m, 'HIP')}"]
            p = px[anchor]
            if np.isnan(p).any():
                continue
            todo.append((float(p[0]), m, float(v), p))
        for _x, m, v, p in sorted(todo, key=lambda t: t[0]):
            text = self.label(m, v)
            (tw, tht), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, th)
            w, h = tw + 2 * pad, tht + base + 2 * pad
            x0 = int(max(0, min(p[0] - w / 2, W - w)))
            box = None
            # Above the body first (floor exercises leave the upper picture free), then below it.
            for direction in (-1, 1):
                y0 = int(by0 - margin - h) if direction < 0 else int(by1 + margin)
                while self.top_px <= y0 <= (H if self.bottom_px is None else self.bottom_px) - h:
                    cand = (x0, y0, x0 + w, y0 + h)
                    if not any(_rects_overlap(cand, q) for q in placed) and not _rects_overlap(cand, body_box):
                        box = cand
                        break
                    y0 += direction * (h + 2)
                if box is not None:
                    break
            if box is None:  # no free room around the body: by the joint
                y0 = int(max(0, min(p[1] - h - 10, H - h)))
                box = (x0, y0, x0 + w, y0 + h)
            placed.append(box)
            drawn.append((box, text, base, (255, 255, 255) if m not in failing else (120, 120, 255), p))
        # Every leader line first, then the labels over them: no line crosses a label's words.
        for box, _text, _base, _color, p in drawn:
            end = (int(np.clip(p[0], box[0], box[2])), box[3] if box[3] <= p[1] else box[1])
            cv2.line(image, (int(p[0]), int(p[1])), end, (200, 200, 200), 1, cv2.LINE_AA)
        for box, text, base, color, _p in drawn:
            cv2.rectangle(image, (box[0], box[1]), (box[2], box[3]), (30, 30, 30), -1)
            cv2.putText(image, text, (box[0] + pad, box[3] - pad - base), cv2.FONT_HERSHEY_SIMPLEX, scale, color,
                        th, cv2.LINE_AA)
        return image


@dataclass
class HudAnnotator:
    """What the person reads from the mat: the state as a coloured bar with its words, the hold timer against the
    target and the reps in large figures on it, and the active cue below it in letters about 1/12 of the
    picture's height. The bar and the cue sit at the top: a floor exercise leaves the upper picture free.

    Developer figures (FPS, time per stage, the source's clock) are drawn only when given (live `--stats`)."""

    cue_letter_share: float = 1.0 / 12.0  # the cue's letters, as a share of the picture's height
    last_cue_box: tuple[int, int, int, int] | None = None  # where the cue was drawn (x0, y0, x1, y1), for tests
    last_bar_text: tuple[int, int] = (0, 0)  # where the state's words end and the timer begins (x), for tests
    top_used: int = 0  # how far down the top of the picture the HUD reached (labels go below it)
    bottom_free: int = 0  # where the HUD's boxes along the bottom edge begin (labels stay above it)

    def bar_height(self, H: int) -> int:
        return int(round(H / 8.0))

    def annotate(self, image: np.ndarray, frame: FrameResult, title: str, cue: str | None,
                 hold_target_s: float | None, reps_target: int | None, fps: float | None = None,
                 extra: list[str] | None = None, *, guidance: str | None = None, banner: str | None = None,
                 timings_ms: dict[str, float] | None = None, clock: bool = False,
                 body_y: tuple[float, float] | None = None) -> np.ndarray:
        """`guidance` (camera set-up advice), `banner` (rest, pause) and `extra` lines (set number, a routine's
        step) are optional; `fps`, `timings_ms` and `clock` are the developer figures. `body_y`: the body's top
        and bottom (pixels), which the cue avoids."""
        cv2 = _cv2()
        font = cv2.FONT_HERSHEY_SIMPLEX
        H, W = image.shape[:2]
        color = STATE_COLORS.get(frame.state, (255, 255, 255))
        bar_h = self.bar_height(H)
        margin = max(4, int(H / 60))
        cv2.rectangle(image, (0, 0), (W, bar_h), color, -1)
        big = bar_h * 0.5  # letters of the timer and the state
        # Right of the bar: the timer against the target (and the reps), in the largest figures.
        right = []
        if hold_target_s is not None:
            right.append(timer_text(frame.hold_good_s, hold_target_s))
        if reps_target is not None or frame.reps:
            right.append(f"{frame.reps}" + (f" of {reps_target}" if reps_target else "") + " reps")
        right_text = "   ".join(right)
        x_right = W - margin
        if right_text:
            # At most 60% of the bar ("0 of 5 s   1 of 15 reps" on a 640-wide picture): the state keeps the rest.
            (right_line,), sc, th = fit_lines(right_text, int(W * 0.6) - margin, big, big * 0.5, max_lines=1)
            right_line = clip_to_width(right_line, sc, th, int(W * 0.6) - margin)
            (rw, _), _ = cv2.getTextSize(right_line, font, sc, th)
            x_right = W - margin - rw
            cv2.putText(image, right_line, (x_right, int(bar_h / 2 + big / 2)), font, sc, (0, 0, 0), th, cv2.LINE_AA)
        # Left of the bar: the state in words (colour is never the only sign), never over the timer.
        state = words.state_word(frame.state)
        if frame.faults:
            state = words.fault_words(None, frame.faults)
        label = f"{title}: {state}" if title else state
        room = x_right - 3 * margin
        lines, lsc, lth = fit_lines(label, room, big * 0.8, big * 0.4, max_lines=1)
        label_line = clip_to_width(lines[0], lsc, lth, room)
        cv2.putText(image, label_line, (margin, int(bar_h / 2 + big * 0.4)), font, lsc, (0, 0, 0), lth, cv2.LINE_AA)
        self.last_bar_text = (margin + cv2.getTextSize(label_line, font, lsc, lth)[0][0], x_right)
        if hold_target_s is not None:
            # The hold's progress along the bar's bottom edge; past the target it stays full.
            share = min(frame.hold_good_s / hold_target_s, 1.0) if hold_target_s > 0 else 1.0
            strip = max(3, int(bar_h * 0.12))
            cv2.rectangle(image, (0, bar_h - strip), (W, bar_h), (60, 60, 60), -1)
            cv2.rectangle(image, (0, bar_h - strip), (int(W * share), bar_h), (255, 255, 255), -1)
        # The cue, then the camera guidance and the banner: under the bar, or along the bottom edge when the
        # body is up there (the text must not hide what it talks about).
        boxes = []
        if cue:
            letter = H * self.cue_letter_share
            lines, csc, cth = fit_lines(cue, W - 2 * margin - int(letter), letter, letter * 0.6)
            boxes.append((lines, csc, cth, (255, 255, 255), (30, 30, 160), int(letter * 0.45), True))
        for text, bg, fg in ((guidance, (0, 200, 255), (0, 0, 0)), (banner, (90, 60, 20), (255, 255, 255))):
            if text:
                letter = H / 18.0
                lines, gsc, gth = fit_lines(text, W - 2 * margin - int(letter), letter, letter * 0.6)
                boxes.append((lines, gsc, gth, fg, bg, int(letter * 0.4), False))
        heights = [box_height(b[0], b[1], b[2], b[5]) for b in boxes]
        total = sum(heights) + margin * len(boxes)
        dev_lines = int(bool(timings_ms)) + int(fps is not None or clock)
        dev_h = int(dev_lines * max(H / 45.0, 7.0) * 1.8) + (4 if dev_lines else 0)
        top_y, bottom_y = bar_h + margin, H - dev_h - total
        at_bottom = False
        if boxes and body_y is not None:
            def overlap(y0: float) -> float:
                return max(0.0, min(y0 + total, body_y[1]) - max(y0, body_y[0]))
            at_bottom = bottom_y > top_y and overlap(bottom_y) < overlap(top_y)
        y = bottom_y if at_bottom else top_y
        self.last_cue_box = None
        for (lines, bsc, bth, fg, bg, pad, is_cue), h in zip(boxes, heights):
            box = text_box(image, lines, y, bsc, bth, fg, bg, pad)
            if is_cue:
                self.last_cue_box = box
            y = box[3] + margin
        self.bottom_free = bottom_y if at_bottom else H
        y = y if not at_bottom else top_y
        small = H / 30.0
        ssc, sth = text_scale(small, 1), 1
        for line in extra or []:
            draw_text(image, line, (margin, y + int(small) + 4), ssc, (230, 230, 230), sth, pad=4)
            y += int(small * 1.9)
        self.top_used = y
        # Developer figures: small, along the bottom edge (a column of figures would hide the body).
        tiny = max(H / 45.0, 7.0)
        tsc = text_scale(tiny, 1)
        line_y = H - 4
        if timings_ms:
            draw_text(image, "ms/frame " + "  ".join(f"{stage} {ms:.1f}" for stage, ms in timings_ms.items()),
                      (2, line_y), tsc, (220, 220, 220), 1, pad=2)
            line_y -= int(tiny * 1.8)
        dev = ([f"{fps:4.1f} FPS"] if fps is not None else []) + ([f"t {frame.t_s:6.2f} s"] if clock else [])
        if dev:
            draw_text(image, "   ".join(dev), (2, line_y), tsc, (220, 220, 220), 1, pad=2)
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
    """Everything drawn on one frame, as live coaching and annotated videos show it.

    Drawn at the image's own size (the window may hand a larger picture than the camera's), so text stays
    sharp when the window is large. `labels`: "words" for the person, "measures" for the coach."""

    def __init__(self, spec, width: int, height: int, mirror: bool = False, measures: list[str] | None = None,
                 labels: str = "words"):
        if labels not in words.LABEL_STYLES:
            raise ValueError(f"labels must be one of {words.LABEL_STYLES}, not {labels!r}")
        self.spec, self.width, self.height, self.mirror = spec, width, height, mirror
        checks = [c.measure for c in spec.checks] + ([spec.reps.measure] if spec.reps else [])
        self.measures = measures or list(dict.fromkeys(checks))
        self.skeleton, self.angles, self.hud = SkeletonAnnotator(), AngleAnnotator(labels=labels), HudAnnotator()
        self._check_measure = {c.id: c.measure for c in spec.checks}

    def annotate(self, image: np.ndarray, pose: Pose | None, frame: FrameResult, cue: str | None = None,
                 fps: float | None = None, extra: list[str] | None = None, *, guidance: str | None = None,
                 banner: str | None = None, timings_ms: dict[str, float] | None = None,
                 clock: bool = False) -> np.ndarray:
        cv2 = _cv2()
        if self.mirror:
            image = cv2.flip(image, 1)
        H, W = image.shape[:2]
        unit = H / 480.0
        self.skeleton.thickness = max(1, int(round(3 * unit)))
        self.skeleton.radius = max(2, int(round(4 * unit)))
        color = STATE_COLORS.get(frame.state, (255, 255, 255))
        px = _pixels(pose, W, H, self.mirror) if pose is not None and pose.detected else None
        if px is not None:
            self.skeleton.annotate(image, px, frame.side, color)
        body_y = None
        if px is not None and not np.isnan(px).all():
            ys = px[~np.isnan(px).any(axis=1), 1]
            body_y = (float(ys.min()), float(ys.max()))
        self.hud.annotate(image, frame, self.spec.title, cue, self.spec.hold.target_s if self.spec.hold else None,
                          self.spec.reps.target if self.spec.reps else None, fps, extra,
                          guidance=guidance, banner=banner, timings_ms=timings_ms, clock=clock, body_y=body_y)
        if px is not None:
            # Labels after the HUD, clear of what it drew: never under the cue.
            self.angles.top_px, self.angles.bottom_px = self.hud.top_used, self.hud.bottom_free
            failing = {self._check_measure[f] for f in frame.faults if f in self._check_measure}
            self.angles.annotate(image, px, frame.side, frame.angles, self.measures, failing)
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
