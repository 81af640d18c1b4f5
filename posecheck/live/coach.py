"""What the person is told: the coach turns each judged step into cues, guidance, set and rest news and timer
milestones (`LiveEvent`s), and their spoken form. Pure bookkeeping: no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass

from posecheck import words
from posecheck.core.cues import CUE_SHOWN_S
from posecheck.core.evaluation import FrameResult
from posecheck.core.events import HoldTargetReached, RepCompleted, SetEnded, SetStarted
from posecheck.core.guidance import Framing
from posecheck.core.session import Step
from posecheck.core.specs import Spec
from posecheck.live.voice import Priority

__all__ = ["LiveEvent", "Coach", "format_event"]


@dataclass(frozen=True)
class LiveEvent:
    """Something the person is told or shown, at `t_s` of the source's clock.

    kind: cue | guide | state | timer | target | set | rest | rep | reset | pause | info
    """

    t_s: float
    kind: str
    text: str
    priority: int = Priority.INFO
    fault: str | None = None
    say: str | None = None  # shorter words for the voice ("3" for a rep); None: the text itself


def format_event(ev: LiveEvent) -> str:
    """One line of `--headless` output."""
    return f"{ev.t_s:8.2f} s  {ev.kind:<6}  {ev.text}"


class Coach:
    """Turns each judged step into what the person is told: cues, guidance, set and rest, timer milestones.

    Pure bookkeeping over `Step` and `Framing` (no I/O, no clock), so it is tested on recordings.
    - state changes are reported once the new state lasted `state_settle_s` (a one-frame `unknown` is not
      news), stamped with the time the state began; `fault` is reported at once (already debounced);
    - the hold timer is announced every `milestone_s` of good form, the target with "20 s: well done", and
      it keeps counting past the target;
    - a set ends when the person leaves the position (the evaluator says so); the rest is timed until the
      next set starts;
    - guidance is given while the person is not being judged (absent, setting up, or unknown), repeated
      every `guide_repeat_s` while it stands.
    """

    def __init__(self, spec: Spec, milestone_s: float = 5.0, state_settle_s: float = 0.3,
                 cue_show_s: float = CUE_SHOWN_S, guide_repeat_s: float = 10.0):
        self.spec = spec
        self.milestone_s, self.state_settle_s = milestone_s, state_settle_s
        self.cue_show_s, self.guide_repeat_s = cue_show_s, guide_repeat_s
        self.timed = spec.hold is not None and spec.hold.at == "position"
        self.target_s = spec.hold.target_s if spec.hold else None
        self.events: list[LiveEvent] = []
        self.phase = "setup"  # setup | set | rest
        self.set_no = 0
        self.rest_since: float | None = None
        self.last_rest_s: float | None = None
        self.cue: LiveEvent | None = None
        self._cue_since = 0.0
        self.framing: Framing | None = None
        self._reported_state: str | None = None
        self._candidate: tuple[str, float] | None = None
        self._next_milestone = milestone_s
        self._guide_said: tuple[str, float] | None = None
        self.frame: FrameResult | None = None

    def _emit(self, out: list, ev: LiveEvent) -> None:
        out.append(ev)
        self.events.append(ev)

    def update(self, step: Step, framing: Framing) -> list[LiveEvent]:
        fr = step.frame
        t = fr.t_s
        self.frame, self.framing = fr, framing
        out: list[LiveEvent] = []
        for ev in fr.events:
            if isinstance(ev, SetStarted):
                self.set_no += 1
                # The evaluator back-dates entering and leaving the position to when they began.
                rest_s = ev.start_s - self.rest_since if self.rest_since is not None else None
                if rest_s is not None:
                    self.last_rest_s = rest_s
                self.phase, self.rest_since = "set", None
                self._next_milestone = self.milestone_s
                text = words.set_started_text(self.set_no, rest_s, self.target_s if self.timed else None)
                say = words.seconds_spoken(words.set_started_text(self.set_no, rest_s, None))
                self._emit(out, LiveEvent(t, "set", text, Priority.INFO, say=say))
            elif isinstance(ev, SetEnded):
                self.phase, self.rest_since = "rest", ev.end_s
                self._emit(out, LiveEvent(t, "set", words.set_ended_text(self.set_no), Priority.INFO,
                                          say=f"Set {self.set_no} ended"))
            elif isinstance(ev, HoldTargetReached):
                text = words.hold_target_text(ev.target_s)
                self._emit(out, LiveEvent(t, "target", text, Priority.PRAISE, say=words.seconds_spoken(text)))
                self._next_milestone = ev.target_s + self.milestone_s
            elif isinstance(ev, RepCompleted):
                self._emit(out, LiveEvent(t, "rep", words.rep_text(ev, self.spec), Priority.INFO,
                                          say=words.spoken(ev, self.spec)))
        for cue in step.cues:
            ev = LiveEvent(cue.t_s, "cue", cue.text, Priority.MAJOR if cue.severity == "major" else Priority.MINOR,
                           cue.fault)
            self._emit(out, ev)
            self.cue, self._cue_since = ev, t
        # The cue stays up while its fault lasts, and at least cue_show_s (the rule of core.cues.cue_shown).
        if self.cue is not None and t - self._cue_since >= self.cue_show_s and self.cue.fault not in fr.faults:
            self.cue = None
        self._state(fr, out)
        if self.timed and fr.in_position:
            while fr.hold_good_s >= self._next_milestone:
                m = self._next_milestone
                say = words.seconds_spoken(f"{m:g} s")
                if self.target_s is None or m < self.target_s:
                    self._emit(out, LiveEvent(t, "timer", f"{m:g} s of good form", Priority.INFO, say=say))
                elif m > self.target_s:
                    self._emit(out, LiveEvent(t, "timer", f"{m:g} s: past the {self.target_s:g} s target",
                                              Priority.INFO, say=say))
                self._next_milestone = m + self.milestone_s
        if self.guidance is not None:
            msg = self.guidance
            if self._guide_said is None or self._guide_said[0] != msg or t - self._guide_said[1] >= self.guide_repeat_s:
                self._guide_said = (msg, t)
                self._emit(out, LiveEvent(t, "guide", msg, Priority.GUIDE))
        elif framing.ok:
            self._guide_said = None
        return out

    def _state(self, fr: FrameResult, out: list) -> None:
        state, t = fr.state, fr.t_s
        if state == self._reported_state:
            self._candidate = None
            return
        if self._candidate is None or self._candidate[0] != state:
            self._candidate = (state, t)
        since = self._candidate[1]
        if state != "fault" and t - since < self.state_settle_s:
            return
        self._candidate = None
        prev, self._reported_state = self._reported_state, state
        text = state
        if state == "fault":
            text = f"fault ({words.fault_words(self.spec, fr.faults)})"
        if self.timed and fr.in_position:
            if state == "good":
                text += f": timer running from {fr.hold_good_s:.1f} s"
            elif prev == "good" or prev is None:
                text += f": timer paused at {fr.hold_good_s:.1f} s"
        # Dated when it is reported (it settled at `since`): the log stays in time order.
        self._emit(out, LiveEvent(t, "state", text, Priority.INFO))

    @property
    def guidance(self) -> str | None:
        """Camera advice worth showing now: only while the person is not being judged."""
        f, fr = self.framing, self.frame
        if f is None or f.ok or fr is None:
            return None
        if fr.state in ("good", "fault"):
            return None
        return f.message

    def banner(self, t_s: float) -> str | None:
        if self.phase == "rest" and self.rest_since is not None:
            rest = t_s - self.rest_since
            return f"Rest {int(rest // 60)}:{int(rest % 60):02d} - set {self.set_no} done, get ready for set {self.set_no + 1}"
        if self.phase == "setup" and self.guidance is None and self.frame is not None and not self.frame.in_position:
            return f"Get into position: {self.spec.title.lower()}"
        return None

    def hud_lines(self) -> list[str]:
        lines = []
        if self.set_no:
            lines.append(f"set {self.set_no}" + (" (resting)" if self.phase == "rest" else ""))
        f = self.framing
        if f is not None and not f.ok and self.guidance is None:
            lines.append(f"camera: {f.message}")
        return lines

    def reset(self, t_s: float) -> LiveEvent:
        self.phase, self.rest_since, self.cue = "setup", None, None
        self._next_milestone = self.milestone_s
        self._reported_state, self._candidate = None, None
        ev = LiveEvent(t_s, "reset", f"Set {self.set_no} reset: the timer starts again once you are in position",
                       Priority.INFO)
        self.events.append(ev)
        return ev


def _spoken(ev: LiveEvent) -> str:
    """Short words for the voice: "10 seconds" for a timer milestone, "3" for a rep, "Set 2 started"."""
    return ev.say if ev.say is not None else words.seconds_spoken(ev.text)
