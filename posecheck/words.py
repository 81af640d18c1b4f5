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

__all__ = ["STATE_WORDS", "state_word", "fault_words", "rep_text", "set_started_text", "set_ended_text",
           "hold_target_text", "event_text", "spoken", "seconds_spoken", "verdict",
           "not_judged_verdict", "photo_verdict"]

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


def not_judged_verdict(spec: Spec, ever_in_setup: bool) -> str:
    if ever_in_setup:
        return f"not recognised as {spec.title.lower()}: the person was never in position"
    return "no person was judged (nobody in view, or not enough of the body visible)"


def photo_verdict(state: State, spec: Spec) -> str:
    return {
        State.GOOD: f"Good form (one photo of a {spec.title.lower()})",
        State.FAULT: "Form needs work (one photo)",
        State.SETUP: f"not recognised as {spec.title.lower()}: the person is not in position",
        State.UNKNOWN: "cannot judge: not enough of the body is visible",
    }.get(State(state), "no person in the photo")
