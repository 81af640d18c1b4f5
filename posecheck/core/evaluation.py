"""Judging over time: `Evaluator.step(pose)` takes one `Pose` at a time (live or replayed) and returns a frozen
`FrameResult`. It never sees images or MediaPipe: any iterable of poses will do, which is how it is tested.

Each concern is a part in `posecheck.core.parts` (position, checks, hold timer, reps, tempo); the step measures
the pose and passes the frame through them in order. Timing rules, all in seconds of the source's own clock:
- a check's violation must persist `debounce_s` before the fault is established (and cued), and be gone
  `clear_s` before it clears; unknown (NaN) neither opens nor clears a fault;
- the hold timer counts good-form time only, exactly, although cues wait for their debounce (see `parts.hold`);
- numbers add up: a frame's state may be settled later (`FrameResult.revised`: the time being entered turned
  out good, a violation turned out a fault, the body was already moving out of the hold), so that for a held
  position the good-form hold is the time of the frames in state good, and the time by state adds up to the
  input's duration.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from posecheck.core.events import (
    Event,
    FaultClosed,
    FaultOpened,
    RepCompleted,
    SetEnded,
    SetStarted,
    Severity,
    State,
)
from posecheck.core.filters import OneEuroBank
from posecheck.core.geometry import (
    MEASURES,
    SideTracker,
    measure_pose_fast,
    nan_measures,
)
from posecheck.core.landmarks import Pose
from posecheck.core.parts.checks import Checks, ChecksVerdict
from posecheck.core.parts.hold import HoldRecord, HoldTimer, TopWatch
from posecheck.core.parts.position import PositionTracker
from posecheck.core.parts.reps import RepCounter, RepRecord
from posecheck.core.parts.tempo import TempoJudge
from posecheck.core.specs import Spec
from posecheck.core.timing import frame_dt
from posecheck.core.view import ViewState, restrict_to_view

__all__ = ["FrameResult", "Revision", "HoldRecord", "RepRecord", "SetRecord", "Evaluator", "Measurer", "Measurers"]

# Out of the position but every range within this: near enough that the next frames may enter it (the body
# settling into a plank reads a few degrees outside its ranges before it is in them).
NEAR_POSITION_DEG = 3.0
SHOWN_S = 30.0  # how far back a frame's state can still be settled (pending time lasts a few seconds at most)


@dataclass(frozen=True)
class Revision:
    """Frame `index`, shown earlier as something else, is settled as `state` (with `faults`)."""

    index: int
    state: State
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrameResult:
    t_s: float
    index: int
    detected: bool
    side: str | None
    state: State
    faults: tuple[str, ...]
    angles: dict
    in_position: bool
    hold_good_s: float  # good-form seconds in the current hold (0 outside a hold)
    reps: int
    good_reps: int
    new_faults: tuple[FaultOpened, ...] = ()  # established in this frame: what may be cued now
    events: tuple[Event, ...] = ()  # everything else that happened in this frame, in order
    revised: tuple[Revision, ...] = ()  # earlier frames whose state is settled now


@dataclass
class SetRecord:
    start_s: float
    end_s: float
    good_s: float = 0.0
    reps: int = 0
    good_reps: int = 0
    faults: dict = field(default_factory=dict)  # fault id -> seconds


class Measurer:
    """The smoothed measures of a stream of poses, on the side facing the camera, with the state that takes
    (side tracker, filters, what the view supports).

    Evaluators that are given the same poses, in the same order, from the same first pose, with the same
    smoothing may share one, so that each pose is measured once: a routine judges every step still to come on
    the frames it is given (routine/runner.py), and measuring is most of the cost of judging a frame."""

    def __init__(self, width: int, height: int, smoothing):
        self.width, self.height = width, height
        self.key = self.key_for(width, height, smoothing)
        self._filters = OneEuroBank(len(MEASURES), smoothing.min_cutoff_hz, smoothing.beta)
        self._side = SideTracker()
        self._last_side: str | None = None
        self.view = ViewState()  # what the camera can see of this person (core/view.py)
        self._last: tuple[Pose, str | None, dict] | None = None

    @staticmethod
    def key_for(width: int, height: int, smoothing) -> tuple:
        """What two evaluators must agree on to share one: the frame size and the smoothing."""
        return width, height, smoothing.min_cutoff_hz, smoothing.beta

    def measure(self, pose: Pose) -> tuple[str | None, dict]:
        """(side, measures) of this pose (NaN when nobody is in view); the same pose again: the same answer."""
        last = self._last
        if last is not None and last[0] is pose:
            return last[1], dict(last[2])  # a copy: each evaluator owns the dict its frames carry
        if not pose.detected:
            side, angles = None, nan_measures()
        else:
            side = self._side.update(pose)
            if side != self._last_side:
                self._filters.reset()
                self._last_side = side
            raw = measure_pose_fast(pose, self.width, self.height, side)
            raw, self.view = restrict_to_view(raw, pose, self.width, self.height, side, self.view)
            angles = dict(zip(MEASURES, self._filters([raw[m] for m in MEASURES], pose.t_s)))
        self._last = (pose, side, angles)
        return side, angles


class Measurers:
    """One `Measurer` per smoothing, for evaluators given the same poses from the same first one (the steps a
    routine has still to come, the exercises `--exercise auto` watches): each pose is measured once per
    smoothing, not once per exercise."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self._by_key: dict[tuple, Measurer] = {}

    def for_spec(self, spec: Spec) -> Measurer:
        key = Measurer.key_for(self.width, self.height, spec.smoothing)
        if key not in self._by_key:
            self._by_key[key] = Measurer(self.width, self.height, spec.smoothing)
        return self._by_key[key]


class Evaluator:
    """Judges a stream of poses against one spec; see the module docstring for the timing rules.

    `measurer`: one shared with other evaluators given the same poses (see `Measurer`); used only when its
    frame size and smoothing are this spec's, else this evaluator measures for itself."""

    def __init__(self, spec: Spec, width: int, height: int, still: bool = False, measurer: Measurer | None = None,
                 near_deg: float = NEAR_POSITION_DEG):
        if still:
            # A still image is judged as it is: no time to enter the position or to debounce a fault.
            spec = spec.model_copy(update={
                "position": spec.position.model_copy(update={"enter_s": 0.0, "settle_s": 0.0}),
                "checks": [c.model_copy(update={"debounce_s": 0.0}) for c in spec.checks]})
        self.spec = spec
        self.width, self.height = width, height
        fits = measurer is not None and measurer.key == Measurer.key_for(width, height, spec.smoothing)
        self.measurer = measurer if fits else Measurer(width, height, spec.smoothing)
        self._position = PositionTracker(spec.position)
        self._checks = Checks(spec.checks)
        self._reps = RepCounter(spec.reps, TempoJudge(spec.tempo)) if spec.reps else None
        self._timer = HoldTimer(spec.hold) if spec.hold else None
        self._hold_at = spec.hold.at if spec.hold else None
        self._top = TopWatch(spec.reps.measure, self._reps.d) if self._hold_at == "top" and self._reps else None
        self.sets: list[SetRecord] = []
        self._fault_s: dict[str, float] = {}
        self._state_s: dict[State, float] = dict.fromkeys(State, 0.0)
        self._shown: deque = deque()  # [index, t, dt, state, faults] of the recent frames, as shown now
        self._settling: list[tuple[list[int], State | None]] = []  # frames to settle at the end of this step
        self._last_credited = -1
        self._rep_faulted = False  # the rep found a fault in this frame
        self._finished = False
        self._open_faults: set[str] = set()
        self._index = 0
        self._prev_t: float | None = None
        self._deciding = False
        self._near_deg = near_deg  # out of the position, how near its ranges counts as entering it

    @property
    def view(self) -> ViewState:
        """What the camera can see of this person (core/view.py)."""
        return self.measurer.view

    # --- the step ------------------------------------------------------------------------------------
    def step(self, pose: Pose) -> FrameResult:
        t = pose.t_s
        dt = frame_dt(self._prev_t, t)
        self._prev_t, index = t, self._index
        self._index += 1
        events: list[Event] = []
        side, angles = self.measurer.measure(pose)
        pos_ok = self._position.rule(angles) if pose.detected else False
        self._follow_position(t, dt, pose.detected, angles, pos_ok, events)
        judged = self._position.judging and pose.detected
        self._rep_faulted = False
        verdict, rep_done = self._judge(t, angles) if judged else (ChecksVerdict(), None)
        unknown = pos_ok is None or not pose.detected or verdict.unknown
        self._follow_top_hold(t, dt, angles)
        state = _state(pose.detected, self._position.in_position, pos_ok, verdict.active, unknown)
        self._time_good_form(t, index, dt, pose.detected, pos_ok, unknown, verdict, events)
        self._book(t, dt, verdict.active, rep_done, events)
        self._show(index, t, dt, state, verdict.active)
        revised = self._settle_states(state, verdict.active)
        self._deciding = pose.detected and self._decides(angles, verdict)
        reps = self.reps
        return FrameResult(
            t_s=t, index=index, detected=pose.detected, side=side, state=state, faults=verdict.active,
            angles=angles, in_position=self.in_position, hold_good_s=self._timer.good_s if self._timer else 0.0,
            reps=len(reps), good_reps=self._reps.good_reps if self._reps else 0, new_faults=verdict.new,
            events=tuple(events), revised=revised)

    def finish(self, tail_s: float = 0.0) -> tuple[Revision, ...]:
        """Close what is open at the end of the input; `tail_s`: how long the last frame stands for (a video's
        frame period: frame i covers [t_i, t_i+1)). Returns the frames settled now."""
        if self._finished:
            return ()
        self._finished = True
        t = self._prev_t if self._prev_t is not None else 0.0
        leaving = self._position.leaving and self.in_position
        if leaving:
            t = self._set_end(self._position.exit_since)  # the input ended while the person was leaving
        if self._timer is not None:
            # Time still waiting for its verdict never got one.
            self._settling.append((self._timer.drop(), State.SETUP if leaving else State.UNKNOWN))
            self._settling.append((self._timer.close(t), State.SETUP))
        revised = self._settle_states(State.UNKNOWN, ())
        tail = self._add_tail(tail_s)
        if not leaving:
            t += tail
        if self.in_position and self.sets:
            self.sets[-1].end_s = t
        return revised

    def _add_tail(self, tail_s: float) -> float:
        """The last frame's own duration, in its settled state (and in the hold if it was good hold time)."""
        if not self._shown or tail_s <= 0:
            return 0.0
        index, t, _, state, faults = self._shown[-1]
        self._state_s[state] += tail_s
        for f in faults:
            self._fault_s[f] = self._fault_s.get(f, 0.0) + tail_s
        holds = self.holds
        if index == self._last_credited and holds and holds[-1].end_s == t:
            holds[-1].good_s += tail_s
            holds[-1].end_s += tail_s
        return tail_s

    # --- the parts, in the order of the step -----------------------------------------------------------
    def _follow_position(self, t: float, dt: float, detected: bool, angles: dict, pos_ok: bool | None,
                         events: list) -> None:
        change = self._position.step(t, detected, angles, pos_ok)
        if change.entering_since_s is not None and self._hold_at == "position":
            # The stillness before this frame was in position: good-looking time, its verdict still to come.
            self._timer.wait_since(self._frames_between(change.entering_since_s, t))
        if change.entered_s is not None:
            self.sets.append(SetRecord(change.entered_s, t))
            events.append(SetStarted(t, len(self.sets), change.entered_s))
            if self._hold_at == "position":
                self._timer.open(change.entered_s)
        if change.left_s is not None:
            end = self._set_end(change.left_s)
            self.sets[-1].end_s = end
            if self._timer is not None:
                self._settling.append((self._timer.close(end), State.SETUP))  # moving out: not the exercise
            events.append(SetEnded(t, len(self.sets), end))
        if change.reset:
            self._checks.reset()
            if self._reps:
                self._reps.reset()
            if self._timer is not None:
                self._settling.append((self._timer.drop(), None))

    def _set_end(self, lost_s: float) -> float:
        """When a set that was lost at `lost_s` ended: for a held position, when the body started moving out
        of the hold."""
        if self._hold_at != "position" or self._timer.current is None:
            return lost_s
        still = self._position.last_still_before(lost_s)
        return max(still, self._timer.current.start_s) if still is not None and still < lost_s else lost_s

    def _judge(self, t: float, angles: dict) -> tuple[ChecksVerdict, RepRecord | None]:
        """Reps first (a check may apply only at the top of a rep), then the checks; a fault of the rep in
        progress is active until the rep ends."""
        rep = self._reps.update(angles[self._reps.r.measure], t) if self._reps else None
        still = self._position.settle.still_now() if self._checks.needs_still else True
        at_top = self._reps.at_top if self._reps else False
        v = self._checks.step(t, angles, at_top=at_top, still=still, leaving=self._position.leaving)
        if not self._reps:
            return v, None
        rep_new = tuple(FaultOpened(t, f, Severity.MAJOR) for f in rep.new_faults)
        self._rep_faulted = bool(rep.new_faults)
        rep_open = self._reps.open_faults
        active = v.active + tuple(f for f in rep_open if f not in v.active)
        return ChecksVerdict(rep_new + v.new, active, v.hard_fault or bool(rep_open), v.unsettled,
                             v.unknown), rep.done

    def _follow_top_hold(self, t: float, dt: float, angles: dict) -> None:
        if self._top is None:
            return
        holding = self._timer.current is not None
        started, ended = self._top.update(t, angles, self._reps.at_top, holding, may_start=self.in_position)
        if self._rep_faulted:
            # A fault of the rep found after its top was held (a lift too quick, timed once it was over; a
            # lowering too quick): the top of a faulty rep is not a hold of good form.
            self._timer.discard(self._reps.start_t)
        elif started is not None:
            self._timer.open(started)
            self._timer.wait_since(self._frames_between(started, t))  # held still at the top since then
        elif ended is not None:
            self._timer.close(ended)

    def _time_good_form(self, t: float, index: int, dt: float, detected: bool, pos_ok: bool | None, unknown: bool,
                        verdict: ChecksVerdict, events: list) -> None:
        """Settled good time goes to the hold; time whose verdict comes later (the position being entered or
        left, a violation not yet established, a fault on its way out) waits, and is credited if it turns out
        good, dropped if it turns out a fault."""
        timer, pos = self._timer, self._position
        if timer is None:
            return
        if timer.current is not None or (pos.enter_since is not None and self._hold_at == "position"):
            if not detected or unknown or verdict.hard_fault or verdict.new:
                self._settling.append((timer.drop(), None))  # as this frame: a fault, unknown...
            elif verdict.unsettled or not pos.in_position or pos.leaving or not pos_ok:
                timer.wait(index, dt)
            else:
                self._settling.append((timer.credit(t, index, dt), State.GOOD))
                self._last_credited = index
        reached = timer.touch(t)
        if reached is not None:
            events.append(reached)

    def _book(self, t: float, dt: float, active: tuple[str, ...], rep_done: RepRecord | None,
              events: list) -> None:
        """Per-set and session totals; rep and fault-closed events."""
        if self.in_position and self.sets:
            cur = self.sets[-1]
            cur.end_s = t
            for f in active:
                cur.faults[f] = cur.faults.get(f, 0.0) + dt
            if rep_done is not None:
                cur.reps += 1
                cur.good_reps += int(rep_done.good)
        if rep_done is not None:
            events.append(RepCompleted(t, len(self._reps.reps), rep_done.good, tuple(rep_done.faults),
                                       rep_done.start_s))
        for f in self._open_faults:
            if f not in active:
                events.append(FaultClosed(t, f))
        self._open_faults = set(active)
        for f in active:
            self._fault_s[f] = self._fault_s.get(f, 0.0) + dt

    # --- settling the states of earlier frames ---------------------------------------------------------
    def _show(self, index: int, t: float, dt: float, state: State, faults: tuple[str, ...]) -> None:
        self._state_s[state] += dt
        self._shown.append([index, t, dt, state, faults])
        while self._shown and t - self._shown[0][1] > SHOWN_S:
            self._shown.popleft()

    def _frames_between(self, t0: float, t1: float) -> list[tuple[int, float]]:
        """(index, seconds) of the frames shown after t0 and before t1."""
        return [(i, dt) for i, t, dt, _, _ in self._shown if t0 < t < t1]

    def _settle_states(self, now: State, now_faults: tuple[str, ...]) -> tuple[Revision, ...]:
        """Settle the frames the hold timer gave a verdict on in this step: credited frames are good; good-looking
        frames whose time was dropped take the state of the frame that decided it (`now`); frames taken back
        (after the end of a hold) were moving out. Only for a held position: a hold at the top of a rep is a part
        of the good time, not all of it."""
        settling, self._settling = self._settling, []
        if self._hold_at != "position" or not self._shown:
            return ()
        first = self._shown[0][0]
        out: dict[int, Revision] = {}
        for indices, to in settling:
            for i in indices:
                if not 0 <= i - first < len(self._shown):
                    continue
                rec = self._shown[i - first]
                state, faults = (now, now_faults) if to is None else (to, ())
                if to is None and (rec[3] is not State.GOOD or state is State.GOOD):
                    continue  # only good-looking time turns into what decided it
                if state is not State.FAULT:
                    faults = ()
                if rec[3] is state and rec[4] == faults:
                    continue
                self._move(rec, state, faults)
                out[i] = Revision(i, state, faults)
        return tuple(out[i] for i in sorted(out))

    def _move(self, rec: list, state: State, faults: tuple[str, ...]) -> None:
        # The time in each fault stays the time it was established (what was cued); only the states move.
        _, _, dt, old, _ = rec
        self._state_s[old] -= dt
        self._state_s[state] += dt
        rec[3], rec[4] = state, faults

    # --- what the next frames decide ------------------------------------------------------------------
    @property
    def deciding(self) -> bool:
        """After the last step: do the next frames decide a verdict? The position being entered (near its
        ranges and not in it yet: when the body came to rest there dates the set) or left, a violation being
        debounced or a fault clearing, good-looking time waiting for its verdict, a rep's lift not yet judged.
        A caller that can look at some frames less closely (the pose model skipping still frames) looks at
        every frame while this is true."""
        return self._deciding

    def _decides(self, angles: dict, verdict: ChecksVerdict) -> bool:
        pos = self._position
        if not pos.in_position:
            return pos.near(angles, self._near_deg)
        if pos.leaving or verdict.unsettled:
            return True
        # Waiting time decides something only while its hold is open: after a top hold closed, what still waits
        # is settled by the next hold or the set's end, whatever the next frames show.
        if self._timer is not None and self._timer.current is not None and self._timer.pending_s > 0:
            return True
        # At a rep's top with its hold not begun: when the top settles dates the hold (on poses interpolated
        # over skipped frames, bridge_slow_g's eased 3 s lift settled 0.47 s later than on every frame).
        if self._top is not None and self._reps.at_top and self._timer.current is None:
            return True
        return self._reps is not None and self._reps.deciding

    # --- results ---------------------------------------------------------------------------------------
    @property
    def state_s(self) -> dict[State, float]:
        """Seconds of input in each state (frames settled as their verdicts came)."""
        return dict(self._state_s)

    @property
    def in_position(self) -> bool:
        return self._position.in_position

    @property
    def holds(self) -> list[HoldRecord]:
        return self._timer.holds if self._timer else []

    @property
    def reps(self) -> list[RepRecord]:
        return self._reps.reps if self._reps else []

    @property
    def rep_levels(self) -> tuple[float, float] | None:
        """The rep measure's two extremes (start, peak) for the current set (cat/cow: relative to the person's
        own rest, once seen); None without reps or while the rest is still being seen."""
        return self._reps.levels() if self._reps else None

    @property
    def fault_s(self) -> dict[str, float]:
        return dict(self._fault_s)


def _state(detected: bool, in_position: bool, pos_ok: bool | None, active: tuple, unknown: bool) -> State:
    if not detected:
        return State.ABSENT
    if not in_position:
        # Cannot tell whether the person is in position (legs out of the picture...): unknown, not setup.
        return State.UNKNOWN if pos_ok is None else State.SETUP
    if active:
        return State.FAULT
    return State.UNKNOWN if unknown else State.GOOD
