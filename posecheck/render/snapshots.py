"""What a scored session writes beside the JSON report: a per-frame CSV, an annotated video, and a snapshot of
each fault's worst moment (for the HTML report).

The video and the snapshots are fed while scoring, frame by frame (`on_step(frame, pose, step)`), so the
video is decoded once. Every file is written atomically: a temp file beside the target, renamed when complete.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from posecheck import words
from posecheck.core.events import State
from posecheck.core.geometry import to_pixels
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Step
from posecheck.core.specs import Spec
from posecheck.errors import ReportError
from posecheck.io.frames import Frame
from posecheck.render.annotators import MeasureAnnotator, Overlay
from posecheck.render.video import BLANK_BGR

__all__ = ["SUSTAINED_S", "fault_measure", "allowed_text", "Snapshot", "SnapshotKeeper"]

SUSTAINED_S = 0.2  # a fault's worst moment is the worst it stayed for this long


def fault_measure(spec: Spec, fault: str) -> str | None:
    """The measure a fault is judged on (a check's, or the reps' measure for rep-level faults)."""
    for c in spec.checks:
        if c.id == fault:
            return c.measure
    if spec.reps is not None:
        return spec.reps.measure
    return None


def allowed_text(spec: Spec, fault: str) -> str:
    """The rule a fault breaks, in words: "allowed at most 9 deg", "the top needs at least 163 deg"."""
    for c in spec.checks:
        if c.id == fault:
            if c.min_deg is not None and c.max_deg is not None:
                return f"allowed {c.min_deg:g} to {c.max_deg:g} deg"
            return f"allowed at most {c.max_deg:g} deg" if c.max_deg is not None else \
                f"allowed at least {c.min_deg:g} deg"
    if spec.reps is not None and fault == spec.reps.short_fault:
        r = spec.reps
        side = "at least" if r.direction > 0 else "at most"  # the bridge's hip_sag falls toward its top
        return f"a rep's top needs {r.measure} {side} {r.peak_deg:g} deg"
    if spec.tempo is not None and fault == spec.tempo.fault:
        t = spec.tempo
        if t.min_phase_s:
            return f"each lift and lowering at least {t.min_phase_s:g} s"
        if t.max_speed_deg_s:
            return f"at most {t.max_speed_deg_s:g} deg/s"
        if t.min_half_s:
            return f"each half-move at least {t.min_half_s:g} s"
    return ""


@dataclass(frozen=True)
class Snapshot:
    """A fault's worst moment, drawn: JPEG bytes and what the picture shows."""

    fault: str
    t_s: float
    measure: str | None
    value_deg: float  # the measure at that moment (NaN if unknown)
    excursion: float  # how far outside the allowed range (deg, or deg/s for speed)
    cue: str
    allowed: str
    jpeg: bytes
    from_video: bool  # False: a landmark recording, the skeleton is drawn on a blank canvas
    width: int
    height: int


@dataclass
class _Kept:
    score: float
    t_s: float
    image: np.ndarray | None
    pose: Pose
    step: Step


class SnapshotKeeper:
    """Keeps, while scoring, the frame of each fault's worst moment.

    Worst: for a range check, the largest excursion outside its range held for SUSTAINED_S (not a one-frame
    landmark glitch); for a rep that falls short, the rep
    with the lowest top (kept at its top); for moving too fast, the fastest frame. Only one image per fault is
    held (a copy taken when a new worst appears), so memory stays flat on long inputs.
    """

    def __init__(self, spec: Spec, info: SourceInfo, max_width: int = 720, jpeg_quality: int = 80):
        self.spec, self.info = spec, info
        self.max_width, self.jpeg_quality = max_width, jpeg_quality
        self._checks = {c.id: c for c in spec.checks}
        self._best: dict[str, _Kept] = {}
        self._segment: dict[str, _Kept] = {}  # short rep being watched: its top so far
        self._prev: tuple[float, float] | None = None  # (t, reps measure) for speed
        self._top: _Kept | None = None  # the highest frame of the rep under way
        self._recent: dict[str, deque] = {}  # fault -> (t, excursion) over the last SUSTAINED_S
        self._d = spec.reps.direction if spec.reps is not None else 1.0

    def _keep(self, fault: str, score: float, frame: Frame | None, pose: Pose, step: Step,
              into: dict) -> None:
        cur = into.get(fault)
        if cur is None or score > cur.score:
            image = frame.image.copy() if frame is not None and frame.image is not None else None
            into[fault] = _Kept(score, step.frame.t_s, image, pose, step)

    def __call__(self, frame: Frame | None, pose: Pose, step: Step) -> None:
        fr = step.frame
        spec = self.spec
        rep_m = spec.reps.measure if spec.reps else None
        speed = math.nan
        if rep_m is not None:
            v = fr.angles.get(rep_m, math.nan)
            if self._prev is not None and v == v and fr.t_s > self._prev[0]:
                speed = abs(v - self._prev[1]) / (fr.t_s - self._prev[0])
            self._prev = (fr.t_s, v) if v == v else None
            # The top of the rep under way: a short rep is only known to be short after its top has passed.
            if v == v and self._d * v < self._d * spec.reps.start_deg:
                self._top = None
            elif v == v and spec.reps.short_fault:
                cur = self._top
                if cur is None or self._d * v > cur.score:
                    image = frame.image.copy() if frame is not None and frame.image is not None else None
                    self._top = _Kept(self._d * v, fr.t_s, image, pose, step)
        active = set(fr.faults)
        for fault in fr.faults:
            check = self._checks.get(fault)
            if check is not None:
                v = fr.angles.get(check.measure, math.nan)
                if v != v:
                    continue
                exc = 0.0
                if check.min_deg is not None and v < check.min_deg:
                    exc = check.min_deg - v
                if check.max_deg is not None and v > check.max_deg:
                    exc = v - check.max_deg
                self._keep(fault, self._sustained(fault, fr.t_s, exc), frame, pose, step, self._best)
            elif spec.reps is not None and fault == spec.reps.short_fault:
                if fault not in self._segment and self._top is not None:
                    self._segment[fault] = self._top
                v = fr.angles.get(rep_m, math.nan)
                if v == v:
                    self._keep(fault, self._d * v, frame, pose, step, self._segment)
            elif spec.tempo is not None and fault == spec.tempo.fault:
                self._keep(fault, speed if speed == speed else 0.0, frame, pose, step, self._best)
        for fault in [f for f in self._segment if f not in active]:
            self._close_segment(fault)

    def _sustained(self, fault: str, t: float, excursion: float) -> float:
        """The excursion held for the last SUSTAINED_S (the least of it over that window): a landmark glitch
        of a frame or two is not the worst moment, a posture held for a moment is."""
        win = self._recent.setdefault(fault, deque())
        if win and t - win[-1][0] > 2 * SUSTAINED_S:
            win.clear()  # the fault went away and came back: a new episode
        win.append((t, excursion))
        while len(win) > 1 and t - win[1][0] >= SUSTAINED_S:
            win.popleft()
        return min(e for _, e in win)

    def _close_segment(self, fault: str) -> None:
        seg = self._segment.pop(fault)
        # The segment kept its top (largest d*v); the worst short rep is the one whose top is lowest.
        short_by = self._d * self.spec.reps.peak_deg - seg.score
        seg.score = short_by
        cur = self._best.get(fault)
        if cur is None or short_by > cur.score:
            self._best[fault] = seg

    def snapshots(self) -> list[Snapshot]:
        """The drawn snapshots, in the order the faults first appear in the spec."""
        for fault in list(self._segment):
            self._close_segment(fault)
        order = {f: i for i, f in enumerate(self.spec.fault_ids)}
        return [self._draw(f, k) for f, k in sorted(self._best.items(), key=lambda kv: order.get(kv[0], 99))]

    def _draw(self, fault: str, kept: _Kept) -> Snapshot:
        import cv2

        spec, info = self.spec, self.info
        w, h = info.width, info.height
        from_video = kept.image is not None
        image = kept.image.copy() if from_video else np.full((h, w, 3), BLANK_BGR, np.uint8)
        measure = fault_measure(spec, fault)
        fr = kept.step.frame
        if fault not in fr.faults:
            # A short rep's picture is its top, kept before the rep was known to be short: it shows the fault the
            # rep got, not the "good form" of the moment.
            fr = replace(fr, state=State.FAULT, faults=(*fr.faults, fault))
        value = fr.angles.get(measure, math.nan) if measure else math.nan
        overlay = Overlay(spec, w, h)
        overlay.measures = [m for m in overlay.measures if m != measure]  # drawn bigger below
        overlay.annotate(image, kept.pose, fr, cue=None,
                         extra=None if from_video else ["no video: landmarks on a blank canvas"])
        if measure and kept.pose.detected:
            s = max(w / 640.0, 1.0)
            MeasureAnnotator(thickness=int(round(4 * s)), scale=0.7 * s).annotate(
                image, to_pixels(kept.pose, w, h), fr.side, measure, value,
                label=words.measure_phrase(measure, value))
        if w > self.max_width:
            image = cv2.resize(image, (self.max_width, int(round(h * self.max_width / w))),
                               interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not ok:
            raise ReportError(f"could not encode the snapshot of {fault}")
        cue = spec.cue_for(fault)
        return Snapshot(fault=fault, t_s=kept.t_s, measure=measure, value_deg=value, excursion=kept.score,
                        cue=cue, allowed=allowed_text(spec, fault), jpeg=buf.tobytes(), from_video=from_video,
                        width=image.shape[1], height=image.shape[0])
