"""The routine's side panel beside the live picture: the step, its target and progress, the breath pacer, the
rest countdown, the next step, and the stop key ("stop on pain")."""

from __future__ import annotations

import math
import textwrap

import cv2
import numpy as np

from posecheck.routine.runner import RoutineRunner, step_sentence, target_text

__all__ = ["RoutinePanel", "PANEL_W", "STOP_BAR"]

PANEL_W = 300
FONT = cv2.FONT_HERSHEY_SIMPLEX
BG = (38, 32, 28)
WHITE, GREY, GREEN, AMBER, RED, BLUE = (255, 255, 255), (170, 170, 170), (80, 200, 80), (0, 190, 255), \
    (60, 60, 230), (230, 170, 60)
STOP_BAR = (30, 30, 140)  # BGR: the stop key's bar, dark red


def _text(img, text, x, y, scale=0.5, color=WHITE, thick=1) -> int:
    cv2.putText(img, text, (x, y), FONT, scale, color, thick, cv2.LINE_AA)
    return y + int(30 * scale + 8)


def _wrapped(img, text, x, y, width_chars=34, scale=0.45, color=GREY, max_lines=4) -> int:
    for line in textwrap.wrap(text, width_chars)[:max_lines]:
        y = _text(img, line, x, y, scale, color)
    return y


class RoutinePanel:
    def __init__(self, height: int, width: int = PANEL_W):
        self.height, self.width = height, width

    def draw(self, runner: RoutineRunner, t_s: float) -> np.ndarray:
        H, W = self.height, self.width
        img = np.full((H, W, 3), BG, np.uint8)
        x = 14
        n = len(runner.steps)
        cur = runner.current
        y = _text(img, runner.routine.routine.title.upper(), x, 28, 0.6, GREY, 1)
        if cur is None:
            y = _text(img, "Routine done", x, y + 10, 0.8, GREEN, 2)
        else:
            y = _text(img, f"Step {cur.index + 1} of {n}", x, y + 4, 0.5, GREY)
            y = _text(img, cur.spec.title, x, y + 2, 0.85, WHITE, 2)
            y = _text(img, "Target: " + target_text(cur.step), x, y, 0.5, AMBER)
            done, target, unit = runner.progress()
            set_line = f"Set {runner.set_no()} of {cur.step.sets}"
            if runner.phase == "set":
                shown = f"{done:.0f} / {target:.0f} reps" if unit == "reps" else f"{done:.1f} / {target:g} s"
                y = _text(img, f"{set_line}: {shown}", x, y + 4, 0.55, WHITE)
                frac = min(done / target, 1.0) if target else 0.0
                cv2.rectangle(img, (x, y - 6), (W - x, y + 8), (80, 80, 80), 1)
                cv2.rectangle(img, (x + 1, y - 5), (x + 1 + int((W - 2 * x - 2) * frac), y + 7),
                              GREEN if frac >= 1.0 else BLUE, -1)
                y += 26
            elif runner.phase == "rest":
                left = runner.rest_left_s()
                y = _text(img, f"REST {int(left // 60)}:{int(math.ceil(left) % 60):02d}" if left else
                          "Rest over: get into position", x, y + 8, 0.8 if left else 0.5, AMBER, 2 if left else 1)
            else:
                y = _wrapped(img, "Get into position: " + step_sentence(cur.step, cur.spec), x, y + 4,
                             scale=0.45, color=WHITE)
            y = self._breath(img, runner, x, y + 6)
        nxt = runner.next_step
        if nxt is not None:
            y = max(y, H - 150)
            y = _text(img, "NEXT", x, y, 0.45, GREY)
            y = _wrapped(img, step_sentence(nxt.step, nxt.spec), x, y, scale=0.42, color=GREY, max_lines=3)
        cv2.rectangle(img, (0, H - 44), (W, H), STOP_BAR, -1)
        _text(img, "S = STOP (stop on pain)", x, H - 16, 0.55, WHITE, 2)
        return img

    def _breath(self, img, runner: RoutineRunner, x: int, y: int) -> int:
        b = runner.breath()
        if b is None:
            cur = runner.current
            if cur is not None and cur.spec.reps is not None and cur.spec.reps.names and runner.phase == "set":
                said = [e.text for e in runner.events if e.kind == "breath"]
                if said:
                    return _wrapped(img, said[-1], x, y + 10, scale=0.6, color=BLUE)
            return y
        # A circle that grows on the in-breath and shrinks on the out-breath.
        r_min, r_max = 14, 44
        grow = b.fraction if b.phase == "inhale" else 1.0 - b.fraction
        r = int(r_min + (r_max - r_min) * (0.5 - 0.5 * math.cos(math.pi * grow)))
        cx, cy = x + r_max, y + r_max + 4
        cv2.circle(img, (cx, cy), r_max, (90, 90, 90), 1, cv2.LINE_AA)
        cv2.circle(img, (cx, cy), r, BLUE, -1, cv2.LINE_AA)
        _text(img, "breathe in" if b.phase == "inhale" else "breathe out", cx + r_max + 12, cy - 4, 0.6, WHITE, 2)
        _text(img, f"breath {b.number}", cx + r_max + 12, cy + 20, 0.45, GREY)
        return cy + r_max + 14
