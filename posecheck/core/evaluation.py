"""Judging over time: smoothing, position, fault debounce, hold timer, reps and tempo.

`Evaluator.step(pose)` takes one `Pose` at a time (live or replayed) and returns a frozen `FrameResult`.
It never sees images or MediaPipe: any iterable of poses will do, which is how it is tested.

Timing rules, all in seconds of the source's own clock:
- a check's violation must persist `debounce_s` before the fault is established (and cued), and be gone
  `clear_s` before it clears; unknown (NaN) neither opens nor clears a fault;
- the hold timer counts good-form time only. Time whose verdict is not settled yet (the position being
  entered or left, a violation not yet established) is held pending, then credited or dropped, so the timer is
  exact even though the cue waits for the debounce.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from posecheck.core.events import (
    Event,
    FaultClosed,
    FaultOpened,
    HoldTargetReached,
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
from posecheck.core.specs import Check, Spec
from posecheck.core.timing import MAX_DT_S, frame_dt

__all__ = ["FrameResult", "HoldRecord", "RepRecord", "SetRecord", "Evaluator"]

STALL_S, STALL_DEG = 1.0, 1.5  # a rep whose measure gains less than STALL_DEG for STALL_S has stalled
TOP_TOL_DEG = 4.0  # held at the top of a rep: within this of the top (MediaPipe jitter is ~1-2 deg)


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


@dataclass
class HoldRecord:
    start_s: float
    end_s: float
    good_s: float = 0.0


@dataclass
class RepRecord:
    start_s: float
    end_s: float
    good: bool
    faults: list[str]
    peak_deg: float
    top_s: float = 0.0  # seconds spent at the top (out_and_back)


@dataclass
class SetRecord:
    start_s: float
    end_s: float
    good_s: float = 0.0
    reps: int = 0
    good_reps: int = 0
    faults: dict = field(default_factory=dict)  # fault id -> seconds


class _CheckState:
    __slots__ = ("check", "active", "since", "clear_since")

    def __init__(self, check: Check):
        self.check = check
        self.active = False
        self.since: float | None = None
        self.clear_since: float | None = None

    def reset(self) -> None:
        self.active, self.since, self.clear_since = False, None, None

    def update(self, value: float, t: float) -> str:
        """One of: 'established' (this frame), 'active', 'clearing' (back in range, not yet for clear_s),
        'pending' (out of range, not yet for debounce_s), 'clear', 'unknown' (NaN)."""
        c = self.check
        if value != value:
            self.since = None
            return "active" if self.active else "unknown"
        if self.active:
            if c.contains(value, c.hysteresis_deg):
                if self.clear_since is None:
                    self.clear_since = t
                if t - self.clear_since >= c.clear_s:
                    self.active, self.clear_since = False, None
                    return "clear"
                return "clearing"
            self.clear_since = None
            return "active"
        if c.contains(value):
            self.since = None
            return "clear"
        if self.since is None:
            self.since = t
        if t - self.since >= c.debounce_s:
            self.active, self.since, self.clear_since = True, None, None
            return "established"
        return "pending"


class _RepCounter:
    """Counts reps on one smoothed measure with hysteresis; each rep gets its own verdict."""

    def __init__(self, spec: Spec):
        r = spec.reps
        assert r is not None
        self.r = r
        self.tempo = spec.tempo
        self.d = 1.0 if r.peak_deg > r.start_deg else -1.0
        self.reps: list[RepRecord] = []
        self._win: deque = deque()
        self.reset()

    def reset(self) -> None:
        self.phase = "rest"  # out_and_back: rest, up, top, down; alternate: the last extreme
        self.start_t = 0.0
        self.best = -math.inf
        self.faults: list[str] = []
        self.top_since: float | None = None
        self.top_s = 0.0
        self.best_t = 0.0
        self.rest_x = math.inf
        self.last_extreme: str | None = None
        self.last_entry_t: float | None = None
        self.halves = 0

    @property
    def at_top(self) -> bool:
        return self.phase == "top"

    @property
    def open_faults(self) -> list[str]:
        return list(self.faults) if self.phase != "rest" else []

    def _tempo_fault(self, half_s: float, events: list) -> None:
        tempo = self.tempo
        if tempo and tempo.min_half_s and half_s < tempo.min_half_s and tempo.fault not in self.faults:
            self.faults.append(self.tempo.fault)
            events.append(self.tempo.fault)

    def _window_speed(self, v: float, t: float) -> float:
        """|change| / time over the last speed_window_s seconds; NaN until the window is filled."""
        win = self._win
        win.append((t, v))
        span = self.tempo.speed_window_s if self.tempo else 0.2
        while len(win) > 2 and t - win[1][0] >= span:
            win.popleft()
        t0, v0 = win[0]
        if t - t0 < 0.8 * span:
            return math.nan
        return abs(v - v0) / (t - t0)

    def update(self, v: float, t: float, events: list) -> RepRecord | None:
        """Advance on value `v` (NaN: no change). Rep-level faults found now are appended to `events`."""
        if v != v:
            self._win.clear()
            return None
        if self.r.mode == "alternate":
            return self._alternate(v, t, events)
        r, d = self.r, self.d
        x = d * v  # in "toward the peak is larger" terms
        start, peak, hyst = d * r.start_deg, d * r.peak_deg, r.hysteresis_deg
        if r.rest_margin_deg is not None:
            # Bodies differ at rest (a heavy body's pelvis-down hip angle reads 145, a slim one's 128): a rep
            # starts this far beyond the resting level seen in this set, or at start_deg if that is further.
            if self.phase == "rest":
                self.rest_x = min(self.rest_x, x)
            # A "rest" above mid-range is a set that started mid-rep, not a body that rests high.
            if self.rest_x <= (start + peak) / 2:
                start = max(start, min(self.rest_x + r.rest_margin_deg, peak - hyst - 1.0))
        speed = self._window_speed(v, t)
        if self.tempo and self.tempo.max_speed_deg_s and self.phase != "rest" and speed == speed \
                and speed > self.tempo.max_speed_deg_s and self.tempo.fault not in self.faults:
            self.faults.append(self.tempo.fault)
            events.append(self.tempo.fault)
        if self.phase == "rest":
            if x > start:
                self.phase, self.start_t, self.best, self.faults = "up", t, x, []
                self.top_s, self.top_since, self.best_t = 0.0, None, t
            return None
        if x > self.best + STALL_DEG:
            self.best_t = t
        self.best = max(self.best, x)
        if self.phase == "up":
            short = r.short_fault
            if x >= peak:
                self.phase, self.top_since = "top", t
                if short in self.faults:  # told to go higher, and did: the rep is not short after all
                    self.faults.remove(short)
            elif short and short not in self.faults and (x < self.best - hyst or t - self.best_t >= STALL_S):
                # Turned back, or stalled, below the top: say so now (while it can still be fixed), not at
                # the end of the rep.
                self.faults.append(short)
                events.append(short)
                if x < self.best - hyst:
                    self.phase = "down"
            elif x < start - hyst:
                return self._end(t)
            return None
        if self.phase == "top":
            if x < peak - hyst:
                self.top_s += t - (self.top_since or t)
                self.phase, self.top_since = "down", None
            return None
        # down
        if x >= peak and r.short_fault not in self.faults:
            self.phase, self.top_since = "top", t
            return None
        if x < start - hyst:
            return self._end(t)
        return None

    def _end(self, t: float) -> RepRecord:
        if self.phase == "top" and self.top_since is not None:
            self.top_s += t - self.top_since
        rep = RepRecord(self.start_t, t, not self.faults, list(self.faults), self.d * self.best, self.top_s)
        self.reps.append(rep)
        self.phase, self.faults, self.top_since = "rest", [], None
        return rep

    def _alternate(self, v: float, t: float, events: list) -> RepRecord | None:
        r = self.r
        d = self.d
        x, start, peak = d * v, d * r.start_deg, d * r.peak_deg
        ext = None
        if x < start:
            ext = "start"
        elif x > peak:
            ext = "peak"
        # Crossing the whole gap between the two extremes is the hysteresis: no extra margin needed.
        if ext is None or ext == self.last_extreme:
            return None
        if self.last_entry_t is not None:
            self._tempo_fault(t - self.last_entry_t, events)
        self.last_extreme, self.last_entry_t = ext, t
        self.halves += 1
        self.phase = "moving"
        if self.halves % 2 == 1:
            self.start_t = t
            self.best = x
            return None
        rep = RepRecord(self.start_t, t, not self.faults, list(self.faults), v, 0.0)
        self.reps.append(rep)
        self.faults = []
        return rep


class _Settle:
    """Since when have the given measures stayed within `tol_deg` of their current values?

    Returns that time once it is at least `window_s` ago (settled), else None. Dating the start of a set from
    when the body came to rest, not from when a threshold was crossed on the way, keeps the hold timer exact.
    """

    HORIZON_S = 4.0

    def __init__(self, measures: list[str], tol_deg: float | None, window_s: float):
        self.measures, self.tol, self.window_s = measures, tol_deg, window_s
        self._hist: deque = deque()

    def update(self, t: float, angles: dict, needed: bool = True) -> float | None:
        """Record this frame; when `needed` (about to enter the position), say since when it is still."""
        if self.tol is None:
            return t
        vals = [angles[m] for m in self.measures]
        hist = self._hist
        if hist and t - hist[-1][0] > MAX_DT_S:
            hist.clear()  # a gap (nobody in view): stillness before it says nothing about now
        hist.append((t, vals))
        while hist and t - hist[0][0] > self.HORIZON_S:
            hist.popleft()
        if not needed:
            return None
        since = t
        for ht, hv in reversed(hist):
            if any(a == a and b == b and abs(a - b) > self.tol for a, b in zip(hv, vals)):
                break
            since = ht
        return since if t - since >= self.window_s else None

    def still_now(self) -> bool:
        """Have the measures stayed within tol_deg of their latest values for the last window_s?"""
        hist = self._hist
        if self.tol is None or not hist:
            return True
        t, vals = hist[-1]
        for ht, hv in reversed(hist):
            if any(a == a and b == b and abs(a - b) > self.tol for a, b in zip(hv, vals)):
                return False
            if t - ht >= self.window_s:
                return True
        return False

    def last_still_before(self, t_end: float, tol_deg: float | None = None) -> float | None:
        """The latest time <= t_end at which the measures had been still for window_s (from the history)."""
        if self.tol is None:
            return t_end
        tol = self.tol if tol_deg is None else tol_deg
        hist = [h for h in self._hist if h[0] <= t_end]
        for j in range(len(hist) - 1, -1, -1):
            tj, vj = hist[j]
            k = j
            while k > 0 and tj - hist[k - 1][0] <= self.window_s:
                k -= 1
                if any(a == a and b == b and abs(a - b) > tol for a, b in zip(hist[k][1], vj)):
                    break
            else:
                if tj - hist[k][0] >= self.window_s * 0.9:
                    return tj
        return None


class Evaluator:
    """Judges a stream of poses against one spec; see the module docstring for the timing rules."""

    def __init__(self, spec: Spec, width: int, height: int, still: bool = False):
        if still:
            # A still image is judged as it is: no time to enter the position or to debounce a fault.
            spec = spec.model_copy(update={
                "position": spec.position.model_copy(update={"enter_s": 0.0, "settle_s": 0.0}),
                "checks": [c.model_copy(update={"debounce_s": 0.0}) for c in spec.checks]})
        self.spec = spec
        self.width, self.height = width, height
        self._filters = OneEuroBank(len(MEASURES), spec.smoothing.min_cutoff_hz, spec.smoothing.beta)
        self._side = SideTracker()
        self._checks = [_CheckState(c) for c in spec.checks]
        self._settle = _Settle([r.measure for r in spec.position.require], spec.position.settle_deg,
                               spec.position.settle_s)
        self._top_settle = _Settle([spec.reps.measure] if spec.reps else [], TOP_TOL_DEG, 0.25)
        self._top_best, self._top_last_t = -math.inf, 0.0
        self._credits: deque = deque()  # (t, seconds) credited to the hold lately, to take back on leaving
        self._needs_still = any(c.when == "still" for c in spec.checks)
        self._reps = _RepCounter(spec) if spec.reps else None
        self.holds: list[HoldRecord] = []
        self.sets: list[SetRecord] = []
        self._index = 0
        self._prev_t: float | None = None
        self._last_side: str | None = None
        # Position hysteresis.
        self.in_position = False
        self._enter_since: float | None = None
        self._exit_since: float | None = None
        # Hold timing.
        self._hold: HoldRecord | None = None
        self._pending_good_s = 0.0
        self._target_announced = False
        self._fault_s: dict[str, float] = {}
        self._open_faults: set[str] = set()

    # --- helpers -------------------------------------------------------------------------------------
    def _smooth(self, raw: dict, t: float) -> dict:
        return dict(zip(MEASURES, self._filters([raw[m] for m in MEASURES], t)))

    def _position_ok(self, angles: dict) -> bool | None:
        unknown = False
        for req in self.spec.position.require:
            ok = req.contains(angles[req.measure])
            if ok is False:
                return False
            if ok is None and req.if_unknown == "unknown":
                unknown = True
        return None if unknown else True

    def _reset_judging(self) -> None:
        for c in self._checks:
            c.reset()
        if self._reps:
            self._reps.reset()
        self._pending_good_s = 0.0

    def _open_hold(self, start_s: float) -> None:
        self._hold = HoldRecord(start_s, start_s)
        self._target_announced = False

    def _leave_position(self, lost_at: float) -> float:
        """The set ended: date its end from when the body started moving out of the hold (the lowering of a
        cobra still meets the position's ranges for a while), and take back the good time credited after."""
        end = lost_at
        if self.spec.hold is not None and self.spec.hold.at == "position" and self._hold is not None:
            # A tighter tolerance than for settling: the first degrees of a slow lowering are the start of it.
            still = self._settle.last_still_before(lost_at, tol_deg=1.5)
            if still is not None and still < lost_at:
                end = max(still, self._hold.start_s)
                for ct, credit in self._credits:
                    if ct > end:
                        self._hold.good_s -= credit
                self._hold.good_s = max(self._hold.good_s, 0.0)
        self._credits.clear()
        return end

    def _close_hold(self, end_s: float) -> None:
        if self._hold is not None:
            self._hold.end_s = max(end_s, self._hold.start_s)
            self.holds.append(self._hold)
            self._hold = None

    # --- the step ------------------------------------------------------------------------------------
    def step(self, pose: Pose) -> FrameResult:
        t = pose.t_s
        dt = frame_dt(self._prev_t, t)
        self._prev_t = t
        index = self._index
        self._index += 1
        events: list[Event] = []
        spec = self.spec

        if pose.detected:
            side = self._side.update(pose)
            if side != self._last_side:
                self._filters.reset()
                self._last_side = side
            raw = measure_pose_fast(pose, self.width, self.height, side)
            angles = self._smooth(raw, t)
            pos_ok = self._position_ok(angles)
        else:
            side, angles, pos_ok = None, nan_measures(), False

        # Position with hysteresis in time; entering and leaving are back-dated to when they began.
        settled_since = (self._settle.update(t, angles, needed=bool(pos_ok) and not self.in_position
                                             and self._enter_since is None) if pose.detected else None)
        if not self.in_position:
            if pos_ok:
                if self._enter_since is None and settled_since is not None:
                    # Dated from when the body came to rest (before that it was still moving into the
                    # position: knees straightening...); that stillness was in position, so it counts.
                    self._enter_since = settled_since
                    holding = spec.hold is not None and spec.hold.at == "position"
                    self._pending_good_s = t - settled_since - dt if holding else 0.0
                if self._enter_since is not None and t - self._enter_since >= spec.position.enter_s:
                    self.in_position = True
                    self._exit_since = None
                    self.sets.append(SetRecord(self._enter_since, t))
                    events.append(SetStarted(t, len(self.sets), self._enter_since))
                    if spec.hold and spec.hold.at == "position":
                        self._open_hold(self._enter_since)
            elif pos_ok is False:
                self._enter_since = None
                self._reset_judging()
        else:
            if pos_ok is False:
                if self._exit_since is None:
                    self._exit_since = t
                if t - self._exit_since >= spec.position.exit_s:
                    self.in_position = False
                    end = self._leave_position(self._exit_since)
                    self._enter_since = self._exit_since = None
                    cur = self.sets[-1]
                    cur.end_s = end
                    self._close_hold(end)
                    self._reset_judging()
                    events.append(SetEnded(t, len(self.sets), end))
            elif pos_ok:
                self._exit_since = None

        judging = self.in_position or self._enter_since is not None
        new_faults: list = []
        active: list[str] = []
        hard_fault = False  # an established fault that is not on its way out
        unsettled = False  # a verdict that will only be known later (debounce, clearing)
        unknown = pos_ok is None or not pose.detected
        rep_done = None
        if judging and pose.detected:
            rep_events: list[str] = []
            if self._reps:
                m = self._reps.r.measure
                rep_done = self._reps.update(angles[m], t, rep_events)
                for fid in rep_events:
                    new_faults.append(FaultOpened(t, fid, Severity.MAJOR))
            at_top = self._reps.at_top if self._reps else False
            still = self._settle.still_now() if self._needs_still else True
            leaving = self._exit_since is not None  # out of the position's ranges: no new verdicts
            for cs in self._checks:
                if (cs.check.when == "top" and not at_top) or (cs.check.when == "still" and not still):
                    cs.reset()
                    continue
                if leaving and not cs.active:
                    continue
                status = cs.update(angles[cs.check.measure], t)
                if status == "established":
                    new_faults.append(FaultOpened(t, cs.check.id, Severity(cs.check.severity)))
                if status in ("established", "active", "clearing"):
                    active.append(cs.check.id)
                    hard_fault = hard_fault or status != "clearing"
                    unsettled = unsettled or status == "clearing"
                elif status == "pending":
                    unsettled = True
                elif status == "unknown" and cs.check.severity == "major":
                    unknown = True
            if self._reps:
                for fid in self._reps.open_faults:
                    hard_fault = True
                    if fid not in active:
                        active.append(fid)

        # Hold at the top of a rep (bridge): the time held still at the top, not the way up and down. It opens
        # once the rep measure has settled at the top (dated from then) and closes when it drops away from it.
        if spec.hold and spec.hold.at == "top" and self._reps is not None:
            x = self._reps.d * angles[self._reps.r.measure]  # larger is further toward the top
            top_since = self._top_settle.update(t, angles, needed=self._reps.at_top and self._hold is None)
            if self._hold is None:
                if self._reps.at_top and self.in_position and top_since is not None:
                    self._open_hold(top_since)
                    self._top_best, self._top_last_t = x, t
                    self._credits.clear()
                    self._pending_good_s = t - top_since - dt
            elif x == x:
                if x >= self._top_best - 1.0:
                    self._top_last_t = t
                self._top_best = max(self._top_best, x)
                if not self._reps.at_top or self._top_best - x > TOP_TOL_DEG:
                    # The hold ended when the hips last were at the top, not when the drop became clear.
                    end = self._top_last_t
                    for ct, credit in self._credits:
                        if ct > end:
                            self._hold.good_s -= credit
                    self._hold.good_s = max(self._hold.good_s, 0.0)
                    self._credits.clear()
                    self._close_hold(end)

        # State.
        if not pose.detected:
            state = State.ABSENT
        elif not self.in_position:
            # Cannot tell whether the person is in position (legs out of the picture...): unknown, not setup.
            state = State.UNKNOWN if pos_ok is None else State.SETUP
        elif active:
            state = State.FAULT
        elif unknown:
            state = State.UNKNOWN
        else:
            state = State.GOOD

        # Good-form time: settled time goes to the hold; time whose verdict comes later (the position being
        # entered or left, a violation not yet established, a fault on its way out) waits in _pending_good_s
        # and is credited if it turns out good, dropped if it turns out a fault.
        if self._hold is not None or (self._enter_since is not None and spec.hold and spec.hold.at == "position"):
            if not pose.detected or unknown or hard_fault or new_faults:
                self._pending_good_s = 0.0
            elif unsettled or not self.in_position or self._exit_since is not None or not pos_ok:
                self._pending_good_s += dt
            elif self._hold is not None:
                self._hold.good_s += self._pending_good_s + dt
                self._credits.append((t, self._pending_good_s + dt))
                while self._credits and t - self._credits[0][0] > _Settle.HORIZON_S:
                    self._credits.popleft()
                self._pending_good_s = 0.0
        if self._hold is not None:
            self._hold.end_s = t
            if spec.hold and not self._target_announced and self._hold.good_s >= spec.hold.target_s:
                self._target_announced = True
                events.append(HoldTargetReached(t, spec.hold.target_s))

        # Per-set bookkeeping.
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

        reps = self._reps.reps if self._reps else []
        hold_good = self._hold.good_s if self._hold is not None else 0.0
        return FrameResult(
            t_s=t, index=index, detected=pose.detected, side=side, state=state, faults=tuple(active),
            angles=angles, in_position=self.in_position, hold_good_s=hold_good, reps=len(reps),
            good_reps=sum(1 for r in reps if r.good), new_faults=tuple(new_faults), events=tuple(events))

    def finish(self) -> None:
        """Close what is open at the end of the input."""
        t = self._prev_t if self._prev_t is not None else 0.0
        if self._exit_since is not None and self.in_position:
            t = self._leave_position(self._exit_since)  # the input ended while the person was leaving
        if self._hold is not None:
            self._close_hold(t)
        if self.in_position and self.sets:
            self.sets[-1].end_s = t

    @property
    def reps(self) -> list[RepRecord]:
        return self._reps.reps if self._reps else []

    @property
    def fault_s(self) -> dict[str, float]:
        return dict(self._fault_s)

