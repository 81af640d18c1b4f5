"""Following a person through a routine: poses in, what to tell them out. Pure bookkeeping (no I/O, no clock).

    runner = RoutineRunner(load_routine("back_quick"), stream.info)
    for _frame, pose in stream:
        for ev in runner.step(pose):       # LiveEvent: the same kinds live coaching prints and speaks
            print(ev.text)
        if runner.done:
            break
    report = runner.finish()               # posecheck.routine/1

Each step is judged by its own `Session` (the same judging as `score` and `live`), created when the step
becomes due. So that a person who moves on to another exercise of the routine is followed, every later step
has a Session judging the same frames from then on; the step that is due wins, another one takes over once it
has been held in position for `switch_after_s` while the due one is not (the steps between are skipped).

A step starts when its exercise's first set starts (dated, as sets are, from when the person came to rest in
position): that is its `start_s`. A set ends when the person leaves the position; the step then rests
`rest_s` before the next set, and after its last set rest_s again before the next step. A step whose
exercise does not show within `wait_s` of becoming due (or of the rest's end) is skipped, so the session never
waits forever.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from posecheck import words
from posecheck.core.cues import CUE_SHOWN_S
from posecheck.core.evaluation import Measurers
from posecheck.core.events import RepCompleted, SetEnded, SetStarted
from posecheck.core.landmarks import Pose, SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import Spec
from posecheck.live.coach import LiveEvent
from posecheck.live.voice import Priority
from posecheck.report.build import build_report
from posecheck.routine.breath import BREATH_WORDS, BreathPacer
from posecheck.routine.model import LoadedRoutine, RoutineStep

__all__ = ["RoutineRunner", "StepState", "step_sentence", "target_text"]


def target_text(step: RoutineStep) -> str:
    each = f"{step.reps} reps" if step.reps is not None else f"hold {step.hold_s:g} s"
    return each + (f", {step.sets} sets" if step.sets > 1 else "")


def step_sentence(step: RoutineStep, spec: Spec) -> str:
    """The one sentence that announces a step: what to do and which way to face the camera."""
    if step.say:
        return step.say
    return f"{spec.title}: {target_text(step)}, side-on to the camera."


@dataclass
class StepState:
    index: int
    step: RoutineStep
    spec: Spec
    session: Session | None = None
    started: bool = False
    start_s: float | None = None
    end_s: float | None = None
    skipped: bool = False
    done: bool = False
    sets_done: int = 0
    announced_target: set = field(default_factory=set)  # set numbers whose target was said
    said_max: set = field(default_factory=set)
    ignored_sets: list = field(default_factory=list)  # indexes of sets too short to count (passing through)
    set_seen_t: float | None = None  # when the set in progress was confirmed (SetStarted), None out of it


class RoutineRunner:
    CUE_SHOW_S = CUE_SHOWN_S  # a cue stays on screen at least this long, and while its fault lasts
    def __init__(self, routine: LoadedRoutine, info: SourceInfo, estimator: str = "", *,
                 switch_after_s: float = 2.0, wait_s: float = 120.0, count_breaths: bool = False):
        self.routine, self.info, self.estimator = routine, info, estimator
        self.switch_after_s, self.wait_s, self.count_breaths = switch_after_s, wait_s, count_breaths
        self.steps = [StepState(i, s, sp) for i, (s, sp) in enumerate(zip(routine.steps, routine.specs))]
        self.i = 0
        self.phase = "waiting"  # waiting (for the due step) | set | rest | done
        self.rest_until: float | None = None
        self.rest_then: str = ""  # what the rest is before: "set" or "step"
        self.due_since = 0.0
        self.t_s = 0.0
        self.first_t: float | None = None
        self.n_frames = 0
        self.ended_by = "end of input"
        self.events: list[LiveEvent] = []
        self.pacer = BreathPacer(routine.routine.breath_s)
        self._extreme: str | None = None
        self._breath_no = 0
        self._pending_set = False
        self.cue: LiveEvent | None = None  # the form cue on screen
        self._cue_t = 0.0
        self._boundary(0, None)

    # --- what the window shows ---------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.phase == "done"

    @property
    def current(self) -> StepState | None:
        return self.steps[self.i] if self.i < len(self.steps) else None

    @property
    def next_step(self) -> StepState | None:
        return self.steps[self.i + 1] if self.i + 1 < len(self.steps) else None

    @property
    def frame(self):
        """The current step's last judged frame (None before any)."""
        cur = self.current
        if cur is None or cur.session is None or not cur.session.frames:
            return self._last_frame
        return cur.session.frames[-1]

    _last_frame = None

    def set_no(self) -> int:
        """The number of the set in progress or coming (1-based)."""
        cur = self.current
        if cur is None:
            return 0
        return cur.sets_done + 1 if self.phase == "set" else min(cur.sets_done + 1, cur.step.sets)

    def progress(self) -> tuple[float, float, str]:
        """(done, target, unit) of the set in progress: good-form seconds or reps."""
        cur = self.current
        if cur is None or cur.session is None:
            return 0.0, 0.0, ""
        ev = cur.session.evaluator
        if cur.step.reps is not None:
            reps = ev.sets[-1].reps if ev.sets and self.phase == "set" else 0
            return float(reps), float(cur.step.reps), "reps"
        good = self._hold_now(cur) if self.phase == "set" else 0.0
        return good, float(cur.step.hold_s), "s"

    def rest_left_s(self) -> float | None:
        if self.phase != "rest" or self.rest_until is None:
            return None
        return max(self.rest_until - self.t_s, 0.0)

    def breath(self):
        """(phase "inhale"/"exhale", fraction 0..1 of it, breath number) while a hold is held, else None."""
        cur = self.current
        if cur is None or self.phase != "set" or cur.step.hold_s is None or not cur.session.evaluator.sets:
            return None
        return self.pacer.at(self.t_s - cur.session.evaluator.sets[-1].start_s)

    # --- the step ----------------------------------------------------------------------------------------
    def _emit(self, out: list, t: float, kind: str, text: str, priority: int = Priority.INFO) -> None:
        ev = LiveEvent(t, kind, text, priority)
        out.append(ev)
        self.events.append(ev)

    def _boundary(self, i: int, t: float | None) -> None:
        """Step i is due from now: it and every later step get a fresh Session (a step that had one keeps it).

        The fresh Sessions see the same frames from now on, so they share their measures (one `Measurer` per
        smoothing): a frame is measured once, not once per step still to come."""
        self.i = i
        self.due_since = t if t is not None else 0.0
        self._extreme = None
        self._pending_set = False
        self.cue = None
        shared = Measurers(self.info.width, self.info.height)
        for st in self.steps[i:]:
            if st.session is None or not st.started:
                st.session = Session(st.spec, self.info, self.estimator, keep_frames=False,
                                     measurer=shared.for_spec(st.spec))
                st.set_seen_t = None

    def step(self, pose: Pose) -> list[LiveEvent]:
        t = pose.t_s
        out: list[LiveEvent] = []
        if self.first_t is None:
            self.first_t = t
            self.due_since = t
            self._announce(out, t, first=True)
        self.t_s = t
        self.n_frames += 1
        if self.done:
            return out
        frames = {}
        for st in self.steps[self.i:]:
            if not st.done and not st.skipped:
                frames[st.index] = judged = st.session.step(pose)
                for e in judged.frame.events:
                    if isinstance(e, SetStarted):
                        st.set_seen_t = e.t_s
                    elif isinstance(e, SetEnded):
                        st.set_seen_t = None
        cur = self.current
        judged = frames[cur.index]
        fr = judged.frame
        self._last_frame = fr
        self._tell_form(out, judged, cur.spec, t)
        ev = cur.session.evaluator
        set_ended = False
        for e in fr.events:
            if isinstance(e, SetStarted):
                self._pending_set = True
            elif isinstance(e, SetEnded):
                set_ended = True
        if self._pending_set:
            # A set counts once it has lasted switch_after_s: passing through the position on the way into
            # another exercise (a cobra being lowered looks like a plank for a moment) is not taking it up.
            if not fr.in_position:
                self._pending_set = False
                cur.ignored_sets.append(len(ev.sets) - 1)
            elif self._held(cur, t):
                self._pending_set = False
                self._set_started(out, cur, t)
        if self.phase == "set":
            self._during_set(out, cur, fr, t)
            if set_ended:
                self._set_ended(out, cur, t)
        elif self.phase == "rest" and self.rest_until is not None and t >= self.rest_until and self.rest_then:
            what, self.rest_then = self.rest_then, ""
            if what == "set":
                self._emit(out, t, "set", f"Rest over: get back into position for set {cur.sets_done + 1} of "
                                          f"{cur.step.sets}", Priority.GUIDE)
            self.due_since = t
        if self.done:
            return out
        self._follow(out, t, frames)
        self._timeout(out, t)
        return out

    def _tell_form(self, out: list, judged, spec: Spec, t: float) -> None:
        """The step's own cues (faults, as `live` says them) and reps."""
        for cue in judged.cues:
            ev = LiveEvent(cue.t_s, "cue", cue.text, Priority.MAJOR if cue.severity == "major" else Priority.MINOR,
                           cue.fault)
            out.append(ev)
            self.events.append(ev)
            self.cue, self._cue_t = ev, t
        if self.cue is not None and t - self._cue_t >= self.CUE_SHOW_S and self.cue.fault not in judged.frame.faults:
            self.cue = None
        for e in judged.frame.events:
            if isinstance(e, RepCompleted):
                ev = LiveEvent(t, "rep", words.rep_text(e, spec), Priority.INFO, say=str(e.number))
                out.append(ev)
                self.events.append(ev)

    def _announce(self, out: list, t: float, first: bool = False) -> None:
        cur = self.current
        if cur is None:
            return
        n = len(self.steps)
        lead = f"Step {cur.index + 1} of {n}: " if not first else f"{self.routine.routine.title}. Step 1 of {n}: "
        self._emit(out, t, "step", lead + step_sentence(cur.step, cur.spec), Priority.GUIDE)

    def _set_started(self, out: list, cur: StepState, t: float) -> None:
        s = cur.session.evaluator.sets[-1]
        if not cur.started:
            cur.started, cur.start_s = True, s.start_s
        self.phase, self.rest_until, self.rest_then = "set", None, ""
        self._extreme, self._breath_no = None, 0
        self._emit(out, t, "set", f"{cur.spec.title}, set {cur.sets_done + 1} of {cur.step.sets}: "
                                  f"{target_text(cur.step).split(',')[0]}")

    def _hold_now(self, cur: StepState) -> float:
        """Good-form seconds of the hold in progress (the evaluator's own timer, as `live` shows it)."""
        fr = self._last_frame
        return fr.hold_good_s if fr is not None and fr.in_position else 0.0

    def _during_set(self, out: list, cur: StepState, fr, t: float) -> None:
        ev = cur.session.evaluator
        set_no = cur.sets_done + 1
        last = set_no >= cur.step.sets
        then = "come down and rest" if not last or self.next_step is not None else "come down: routine done"
        if cur.step.hold_s is not None:
            good = self._hold_now(cur)
            if good >= cur.step.hold_s and set_no not in cur.announced_target:
                cur.announced_target.add(set_no)
                self._emit(out, t, "target", f"{cur.step.hold_s:g} s of good form: set {set_no} done, {then}",
                           Priority.PRAISE)
            top = cur.spec.hold.max_s if cur.spec.hold and cur.spec.hold.max_s else None
            if top is not None and good >= top and set_no not in cur.said_max:
                cur.said_max.add(set_no)  # never ask for more than the material's most
                self._emit(out, t, "target", f"{top:g} s: that is enough, come down and rest", Priority.PRAISE)
            b = self.breath()
            if b is not None and self.count_breaths and b.number != self._breath_no:
                self._breath_no = b.number
                self._emit(out, t, "breath", f"breath {b.number}: {b.phase}", Priority.INFO)
        else:
            reps = ev.sets[-1].reps if ev.sets else 0
            if reps >= cur.step.reps and set_no not in cur.announced_target:
                cur.announced_target.add(set_no)
                self._emit(out, t, "target", f"{reps} reps: set {set_no} done, {then}", Priority.PRAISE)
            self._breathe_reps(out, cur, fr, t)

    def _breathe_reps(self, out: list, cur: StepState, fr, t: float) -> None:
        """Cat/cow: the breath goes with each half-rep (exhale into the cat, inhale into the cow)."""
        r = cur.spec.reps
        if r is None or r.mode != "alternate" or not r.names:
            return
        v = fr.angles.get(r.measure, math.nan)
        if v != v:
            return
        levels = cur.session.evaluator.rep_levels  # relative to the person's own rest, as the reps count
        if levels is None:
            return
        start, peak = levels
        d = 1.0 if peak > start else -1.0
        ext = r.names[0] if d * v < d * start else r.names[1] if d * v > d * peak else None
        if ext is None or ext == self._extreme:
            return
        self._extreme = ext
        toward = r.names[1] if ext == r.names[0] else r.names[0]
        words = BREATH_WORDS.get(toward)
        if words:
            self._emit(out, t, "breath", words, Priority.GUIDE)

    def _set_ended(self, out: list, cur: StepState, t: float) -> None:
        cur.sets_done += 1
        cur.end_s = cur.session.evaluator.sets[-1].end_s
        self.rest_until = t + cur.step.rest_s
        if cur.sets_done >= cur.step.sets:
            self._end_step(out, cur, t, rest_s=cur.step.rest_s)
            return
        self.phase, self.rest_then = "rest", "set"
        self.due_since = self.rest_until
        self._emit(out, t, "rest", f"Set {cur.sets_done} of {cur.step.sets} done: rest {cur.step.rest_s:g} s",
                   Priority.INFO)

    def _end_step(self, out: list, cur: StepState, t: float, rest_s: float = 0.0, skipped: bool = False) -> None:
        cur.done = True
        cur.skipped = skipped
        nxt = self.i + 1
        if nxt >= len(self.steps):
            self.i = nxt
            self.phase = "done"
            self.ended_by = "routine complete"
            self._emit(out, t, "info", "Routine complete: well done", Priority.PRAISE)
            return
        self._boundary(nxt, t)
        if rest_s > 0:
            self.phase, self.rest_until, self.rest_then = "rest", t + rest_s, "step"
            self.due_since = self.rest_until
            self._emit(out, t, "rest", f"Rest {rest_s:g} s. Next, step {nxt + 1} of {len(self.steps)}: "
                                       f"{step_sentence(self.current.step, self.current.spec)}", Priority.GUIDE)
        else:
            self.phase = "waiting"
            self._announce(out, t)

    def _held(self, st: StepState, t: float) -> bool:
        """In position for switch_after_s since the set was confirmed (not counting the back-dated settling, nor
        the grace time of a position being left)."""
        return st.set_seen_t is not None and t - st.set_seen_t >= self.switch_after_s

    def _follow(self, out: list, t: float, frames: dict) -> None:
        """The person clearly does a later step of the routine: that step takes over."""
        cur = self.current
        if cur is None or cur.session.evaluator.in_position:
            return
        for st in self.steps[self.i + 1:]:
            ev = st.session.evaluator
            if self._held(st, t):
                for skip in self.steps[self.i:st.index]:
                    if not skip.done:
                        skip.done, skip.skipped = True, not skip.started
                        if skip.skipped:
                            self._emit(out, t, "info", f"Step {skip.index + 1} ({skip.spec.title}) skipped")
                st.started, st.start_s = True, ev.sets[-1].start_s  # before _boundary: it keeps this Session
                self._boundary(st.index, t)
                self.phase, self.rest_until, self.rest_then = "set", None, ""
                self._emit(out, t, "step", f"Step {st.index + 1} of {len(self.steps)}: {st.spec.title}, set 1 of "
                                           f"{st.step.sets}: {target_text(st.step).split(',')[0]}", Priority.GUIDE)
                return

    def _timeout(self, out: list, t: float) -> None:
        cur = self.current
        if cur is None or self.phase not in ("waiting", "rest") or t < self.due_since + self.wait_s:
            return
        if cur.started:
            self._emit(out, t, "info", f"{cur.spec.title}: {cur.sets_done} of {cur.step.sets} sets; moving on")
            self._end_step(out, cur, t)
        else:
            self._emit(out, t, "info", f"Step {cur.index + 1} ({cur.spec.title}) skipped: not seen for "
                                       f"{self.wait_s:g} s")
            self._end_step(out, cur, t, skipped=True)

    def stop(self, t_s: float, why: str) -> LiveEvent:
        """The stop key (pain) or a quit: the session ends at once, and says why."""
        self.ended_by = why
        ev = LiveEvent(t_s, "info", f"Session stopped ({why})", Priority.MAJOR)
        self.events.append(ev)
        self.phase = "done"
        return ev

    # --- the end -----------------------------------------------------------------------------------------
    def step_reports(self):
        """(StepState, Report or None) per step; a step never started has no report."""
        out = []
        for st in self.steps:
            if st.started and st.session is not None:
                out.append((st, build_report(st.session)))
            else:
                out.append((st, None))
        return out
