"""Every English word posecheck shows or speaks about a state or an event: one place per language of output.

The core says what happened as types (`posecheck.core.events`); the text summary, the overlay, the voice and the
HTML report turn them into words here, so rewording a message can never break a colour or a count.
"""

from __future__ import annotations

import re

from posecheck.core.events import (
    Event,
    FaultClosed,
    FaultOpened,
    HoldTargetReached,
    RepCompleted,
    SetEnded,
    SetStarted,
    State,
)
from posecheck.core.specs import Spec
from posecheck.core.view import ViewReason

__all__ = ["STATE_WORDS", "state_word", "fault_words", "rep_text", "set_started_text", "set_ended_text",
           "hold_target_text", "event_text", "spoken", "seconds_spoken", "verdict",
           "not_judged_verdict", "photo_verdict", "view_reason_text", "VIEW_REASON_WORDS", "measure_phrase",
           "MEASURE_WORDS", "LABEL_STYLES"]

STATE_WORDS: dict[State, str] = {
    State.GOOD: "good form",
    State.FAULT: "fault",
    State.SETUP: "not in position",
    State.UNKNOWN: "unknown",
    State.ABSENT: "nobody in view",
}


def state_word(state: State | str) -> str:
    return STATE_WORDS.get(State(state), str(state))


def fault_words(spec: Spec, faults: tuple[str, ...] | list[str]) -> str:
    """Fault ids as a person reads them: "hips sagging, head dropping"."""
    return ", ".join(f.replace("_", " ") for f in faults)


def rep_text(ev: RepCompleted, spec: Spec) -> str:
    verdict = "good" if ev.good else fault_words(spec, ev.faults)
    return f"Rep {ev.number} ({verdict})"


def set_started_text(number: int, rest_s: float | None, target_s: float | None) -> str:
    rest = f" after {rest_s:.0f} s of rest" if rest_s is not None else ""
    goal = f": hold {target_s:g} s of good form" if target_s is not None else ""
    return f"Set {number} started{rest}{goal}"


def set_ended_text(number: int) -> str:
    return f"Set {number} ended: rest, then get back into position for set {number + 1}"


def hold_target_text(target_s: float) -> str:
    return f"{target_s:g} s: well done"


def event_text(ev: Event, spec: Spec) -> str:
    """A plain sentence for any core event (the headless log, the HTML timeline's tooltips)."""
    if isinstance(ev, RepCompleted):
        return rep_text(ev, spec)
    if isinstance(ev, SetStarted):
        return set_started_text(ev.number, None, None)
    if isinstance(ev, SetEnded):
        return f"Set {ev.number} ended"
    if isinstance(ev, HoldTargetReached):
        return hold_target_text(ev.target_s)
    if isinstance(ev, FaultOpened):
        return spec.cue_for(ev.fault)
    if isinstance(ev, FaultClosed):
        return f"{ev.fault.replace('_', ' ')}: fixed"
    raise TypeError(f"not an event: {ev!r}")


def seconds_spoken(text: str) -> str:
    """A speech engine reads "s" as the letter: "20 s" -> "20 seconds"."""
    return re.sub(r"(\d+) s\b", r"\1 seconds", text)


def spoken(ev: Event, spec: Spec) -> str:
    """Short words for the voice: "3" for a rep, "Set 2 started", "20 seconds: well done"."""
    if isinstance(ev, RepCompleted):
        return str(ev.number)
    if isinstance(ev, SetStarted):
        return f"Set {ev.number} started"
    return seconds_spoken(event_text(ev, spec))


# --- verdicts (the report's summary) -----------------------------------------------------------------------

_GRADE_HEAD = {"good": "Good form", "mostly_good": "Mostly good form", "needs_work": "Form needs work"}


def verdict(grade: str, spec: Spec, good_hold_s: float, best_hold_s: float, good_reps: int, reps: int) -> str:
    """"Form needs work: 7.7 s of good form of the 20 s target; 2 of 3 reps good"."""
    parts = []
    if spec.hold is not None and spec.hold.at == "position":
        reached = spec.hold.reached(best_hold_s)
        parts.append(f"{good_hold_s:.1f} s of good form" +
                     (" - target reached" if reached else f" of the {spec.hold.target_s:g} s target"))
    if spec.reps is not None:
        parts.append(f"{good_reps} of {reps} reps good")
    head = _GRADE_HEAD[grade]
    return f"{head}: " + "; ".join(parts) if parts else head


def _camera(advice: str | None) -> str:
    return f"; the camera's advice: {advice[0].lower()}{advice[1:]}" if advice else ""


# Why the view kept a measure from being judged (core/view.py's reasons), as a person reads it.
VIEW_REASON_WORDS: dict[ViewReason, str] = {
    ViewReason.TURNED: "the body is turned away from a side view",
    ViewReason.FORESHORTENED: "a limb points toward the camera",
}


def view_reason_text(reason: ViewReason | str) -> str:
    return VIEW_REASON_WORDS.get(ViewReason(reason), str(reason))


def not_judged_verdict(spec: Spec, ever_in_setup: bool, camera_advice: str | None = None,
                       view_reason: ViewReason | str | None = None) -> str:
    """Why nothing was judged, with the camera guidance `live` would have given ("turn sideways ..."); with
    `view_reason`, the view kept what decides the verdict from being judged (the body turned...)."""
    if ever_in_setup:
        return f"not recognised as {spec.title.lower()}: the person was never in position" + _camera(camera_advice)
    if view_reason is not None:
        return f"no person was judged: {view_reason_text(view_reason)}" + _camera(camera_advice)
    return "no person was judged (nobody in view, or not enough of the body visible)" + _camera(camera_advice)


def photo_verdict(state: State, spec: Spec, cues: list[str] | None = None, camera_advice: str | None = None,
                  view_reason: ViewReason | str | None = None) -> str:
    """A photo's verdict; a fault's says what to do (its cue), a photo not judged what the camera saw
    (`view_reason`: why the view kept the verdict unknown, e.g. the body turned away from a side view)."""
    if State(state) == State.FAULT and cues:
        return "Form needs work (one photo): " + "; ".join(cues)
    unknown = f"cannot judge: {view_reason_text(view_reason)}" if view_reason is not None else \
        "cannot judge: not enough of the body is visible"
    return {
        State.GOOD: f"Good form (one photo of a {spec.title.lower()})",
        State.FAULT: "Form needs work (one photo)",
        State.SETUP: f"not recognised as {spec.title.lower()}: the person is not in position",
        State.UNKNOWN: unknown,
    }.get(State(state), "no person in the photo") + _camera(camera_advice)


# --- measures as a person reads them ------------------------------------------------------------------------

LABEL_STYLES = ("words", "measures")  # how the overlay labels the joints: for the person, or for the coach

# What each measure is about, in words ("hips", "head"): the coach's view and the data keep the measure's name.
MEASURE_WORDS = {
    "elbow": "elbows", "shoulder": "shoulders", "hip": "hips", "knee": "knees", "neck": "neck",
    "body_line": "body line", "body_sag": "hips", "hip_sag": "hips", "head_drop": "head", "pelvis_lift": "hips",
    "hands_forward": "hands", "elbows_forward": "elbows", "torso_incline": "chest", "thigh_incline": "thighs",
    "shin_incline": "shins", "legs_incline": "legs", "upper_arm_incline": "upper arms",
    "forearm_incline": "forearms", "face_down": "face", "foot_incline": "feet",
}

STRAIGHT_WITHIN_DEG = 15.0  # a joint within this of 180 deg reads as "straight" (MediaPipe reads ~170 for straight)
IN_LINE_WITHIN_DEG = 3.0  # a signed deviation this small reads as "in line"

# Signed measures: the words for + and for - (geometry.py gives each sign's meaning).
_SIGNED = {
    "body_sag": ("low", "high"), "hip_sag": ("low", "high"), "head_drop": ("low", "high"),
    "pelvis_lift": ("up", "down"), "hands_forward": ("ahead of the shoulders", "behind the shoulders"),
    "elbows_forward": ("ahead of the shoulders", "behind the shoulders"), "face_down": ("down", "up"),
}
_STRAIGHT = {"elbow": "arms", "knee": "legs", "body_line": "body", "hip": "hips"}
_INCLINE = ("torso_incline", "thigh_incline", "shin_incline", "legs_incline", "upper_arm_incline",
            "forearm_incline", "foot_incline")


def measure_phrase(measure: str, value_deg: float) -> str:
    """One measure's value as a person reads it: "hips 14 deg low", "arms straight", "knees bent 90 deg".

    Unknown (NaN) is "<part> not seen"."""
    part = MEASURE_WORDS.get(measure, measure.replace("_", " "))
    if value_deg != value_deg:
        return f"{part} not seen"
    v = float(value_deg)
    if measure in _SIGNED:
        plus, minus = _SIGNED[measure]
        if abs(v) < IN_LINE_WITHIN_DEG and measure in ("hands_forward", "elbows_forward"):
            return f"{part} under the shoulders"
        if abs(v) < IN_LINE_WITHIN_DEG and measure not in ("pelvis_lift", "face_down"):
            return f"{part} in line"
        return f"{part} {abs(v):.0f} deg {plus if v >= 0 else minus}"
    if measure in _STRAIGHT:
        if v >= 180.0 - STRAIGHT_WITHIN_DEG:
            return f"{_STRAIGHT[measure]} straight"
        return f"{part} bent {180.0 - v:.0f} deg" if measure != "body_line" else f"body bent {180.0 - v:.0f} deg"
    if measure in _INCLINE:
        if abs(v) < IN_LINE_WITHIN_DEG:
            return f"{part} level"
        return f"{part} {abs(v):.0f} deg {'up' if v > 0 else 'down'}"
    return f"{part} {v:.0f} deg"
