"""Rep counting on one smoothed measure, with hysteresis; each rep gets its own verdict.

`out_and_back` (bridge): rest -> up -> top -> down -> rest. A rep starts when the measure passes its start
level toward the peak and ends when it comes back; with `rest_margin_deg` the start level is that far beyond the
person's own resting level, so any clear lift from rest is a rep attempt, however shallow. One that turns back
or stalls below the peak gets the spec's short fault, said at once. Each lift and each lowering is timed
(`parts.tempo`).
`alternate` (cat/cow): the measure swings between two extremes; one visit to each is one rep. With `rest_deg`
the extremes are relative to the person's own resting level: the median of the first `REST_S` of the set (on all
fours, before the first move), against the spec's `rest_deg`, moves both.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from posecheck.core.parts.settle import RecentMax
from posecheck.core.parts.tempo import TempoJudge
from posecheck.core.specs import Reps

__all__ = ["RepRecord", "RepCounter", "RepStep", "SETTLE_S", "STALL_S", "STALL_DEG", "REST_S", "REST_BAND_DEG",
           "TOP_PAST_START_DEG"]

STALL_S, STALL_DEG = 0.5, 1.5  # a rep whose measure gains less than STALL_DEG over STALL_S has stalled
# At the top, coming down: below the highest value of the last COMING_DOWN_S by the hysteresis (not below the
# rep's best: a lift's overshoot settling into a held top is no lowering, and took bridge_full_b's model from 35%
# to 87% of its frames).
COMING_DOWN_S = 0.5
SETTLE_S = 0.3  # a rep lowered to below its start level and still there this long has ended (the debounce of faults)
# alternate with rest_deg: how long the set's start is watched for the person's resting level. The position is
# entered still (enter_s), and a slow half-move takes ~2 s, so the first 0.5 s is the rest before the first move.
REST_S = 0.5
REST_BAND_DEG = 10.0  # ...or until the measure is this far from where the set started (the extremes are ~15 away)
# out_and_back: the top is at least this far past a rep's start level. A rest that reads near the spec's top (a
# heavy body under a steep camera: hip_sag 24 at rest against a top of 17, bridge_heldout_s) would otherwise make
# any twitch a full rep, or (read as a set that began mid-rep) count no rep at all. Renders: full lifts rise
# 46-56 deg from rest, tops 15 short 23-28, so 8 (rest margin) + 15 from rest is a floor that no full top fails
# and the spec's own top (17) decides wherever the rest reads as usual (hip_sag 35-54).
TOP_PAST_START_DEG = 15.0
# alternate: the measure has turned back once it is this far back from its highest (lowest) point: twice the
# renders' hysteresis (4 deg), well above MediaPipe's jitter on a head (~1-2 deg)
TURN_DEG = 8.0


@dataclass
class RepRecord:
    start_s: float
    end_s: float
    good: bool
    faults: list[str]
    peak_deg: float
    top_s: float = 0.0  # seconds spent at the top (out_and_back)
    # The levels the rep was counted against, in the measure's units: the spec's, or moved to the person's own
    # rest (a bridge's start above the pelvis-down level seen, cat/cow's extremes around the rest): NaN unknown.
    start_level_deg: float = math.nan
    peak_level_deg: float = math.nan


@dataclass(frozen=True)
class RepStep:
    done: RepRecord | None = None  # a rep ended in this frame
    new_faults: tuple[str, ...] = ()  # rep-level faults found in this frame (to be cued now)


class RepCounter:
    def __init__(self, reps: Reps, tempo: TempoJudge | None = None):
        self.r = reps
        self.tempo = tempo or TempoJudge(None)
        self.d = reps.direction  # toward the peak is larger in d * value
        self.reps: list[RepRecord] = []
        self.good_reps = 0  # counted as they come: every frame reports it, and a long session has many reps
        self._new: list[str] = []
        self.reset()

    def reset(self) -> None:
        self.phase = "rest"  # out_and_back: rest, up, top, down; alternate: rest, then moving
        self.start_t = 0.0
        self.best = -math.inf
        self.faults: list[str] = []
        self.top_since: float | None = None
        self.top_s = 0.0
        self._best_seen: deque = deque()  # (t, best so far) over the last STALL_S of a lift: has it stalled?
        self._x = math.nan  # the last value, toward the peak is larger
        self._top_recent = RecentMax(COMING_DOWN_S)  # the highest at the top over the last COMING_DOWN_S
        self.rest_x = math.inf
        self.last_extreme: str | None = None
        self.last_entry_t: float | None = None
        self.halves = 0
        self.rest_since = -math.inf  # when the last rep ended (its lowering is over)
        self.rest_min = math.inf  # the lowest value since then: where this rep's lift starts from
        self.best_time = 0.0  # when the rep was highest: where its lowering starts from
        self.lift_timed = False
        self.from_rest = False  # this rep's lift was seen from rest
        self.lifting_from_low = False  # the last rep ended at a low point, where the next lift begins
        self.down_low, self.down_low_t = math.inf, 0.0  # the lowest point since the rep started down
        self.rest_level: float | None = None  # alternate with rest_deg: the person's resting level in this set
        self._rest_values: list[float] = []
        self._rest_from: float | None = None
        # alternate: where the measure last turned back (a high and a low), and the run since the last turn
        self._turned_hi: float | None = None
        self._turned_lo: float | None = None
        self._run_dir, self._run_hi, self._run_lo = 0, -math.inf, math.inf
        self._untimed = False  # the next extreme's crossing is not a time to time a half-move from
        self._start_x = math.nan  # out_and_back: the level a rep starts and ends at, now

    @property
    def at_top(self) -> bool:
        return self.phase == "top"

    @property
    def lifting(self) -> bool:
        """A lift under way whose verdict is still open: it may yet reach the top, or stall or turn back short
        of it (a stall is told by the measure creeping less than STALL_DEG in STALL_S)."""
        return self.phase == "up" and not (self.r.short_fault and self.r.short_fault in self.faults)

    @property
    def deciding(self) -> bool:
        """Do the next values decide a verdict of the rep under way? Its lift while `lifting`; at the top, once
        it is coming down (when it leaves the top times the lift, ends the time at the top and
        starts the lowering: bridge_fast_i's 0.3 s jerks were timed from the model's readings after it had
        skipped the first frames of the lowering, 0.07-0.47 s late); the lowering until the rep ends (its end
        and its timing). A top being held, and the rest between reps, decide nothing."""
        if self.phase == "top":
            return bool(self._top_recent) and self._x < self._top_recent.value - self.r.hysteresis_deg
        return self.phase == "down" or self.lifting

    def _see_top(self, t: float, x: float) -> None:
        if self.phase != "top":
            self._top_recent.clear()
        else:
            self._top_recent.push(t, x)

    def _see_best(self, t: float, best: float) -> None:
        seen = self._best_seen
        seen.append((t, best))
        while len(seen) > 1 and seen[1][0] <= t - STALL_S + 1e-9:
            seen.popleft()

    def _stalled(self, t: float) -> bool:
        """The lift has gained less than STALL_DEG over the last STALL_S (over a window, not from frame to frame:
        a slow lift gains less than STALL_DEG a frame and is not stalled; a creep of a few tenths of a degree
        read differently no longer moves the stall by whole frames, bridge_low_j 0.23 s)."""
        t0, best0 = self._best_seen[0]
        return t - t0 >= STALL_S - 1e-9 and self._best_seen[-1][1] - best0 < STALL_DEG

    @property
    def open_faults(self) -> list[str]:
        """Faults of the rep in progress (they count as active until it ends)."""
        return list(self.faults) if self.phase != "rest" else []

    def _flag(self, fault: str | None) -> None:
        if fault and fault not in self.faults:
            self.faults.append(fault)
            self._new.append(fault)

    def update(self, v: float, t: float) -> RepStep:
        """Advance on value `v` at `t` (NaN: no change)."""
        self._new = []
        if v != v:
            self.tempo.clear()
            return RepStep()
        self.tempo.observe(t, self.d * v)
        done = self._alternate(v, t) if self.r.mode == "alternate" else self._out_and_back(v, t)
        return RepStep(done, tuple(self._new))

    # --- out and back ---------------------------------------------------------------------------------
    def _start_level(self, x: float) -> float:
        r, d = self.r, self.d
        start, peak = d * r.start_deg, d * r.peak_deg
        if r.rest_margin_deg is None:
            return start
        # Bodies differ at rest (a heavy body's pelvis-down hip angle reads 145, a slim one's 128): a rep
        # starts this far beyond the resting level seen in this set (at start_deg until a rest is seen).
        if self.phase == "rest":
            self.rest_x = min(self.rest_x, x)
        # A "rest" at the top is a set that started mid-rep (its lowering will show the real rest); below the top
        # it is a rest, however high it reads (the top then moves with it: _peak_level).
        if self.rest_x < peak - r.hysteresis_deg:
            start = self.rest_x + r.rest_margin_deg
        return start

    def _peak_level(self) -> float:
        """The level that counts as the top, toward-the-peak-is-larger: the spec's, or TOP_PAST_START_DEG past
        the start level when the person's rest moved that start up toward the top (a spec's own start and top,
        as a coach set them, are kept as they are)."""
        peak = self.d * self.r.peak_deg
        if not self._start_x > self.d * self.r.start_deg:
            return peak
        return max(peak, self._start_x + TOP_PAST_START_DEG)

    def _out_and_back(self, v: float, t: float) -> RepRecord | None:
        x = self.d * v  # in "toward the peak is larger" terms
        self._x = x
        self._see_top(t, x)
        start = self._start_level(x)
        self._start_x = start
        if self.tempo.too_fast_now(v, t) and self.phase != "rest":
            self._flag(self.tempo.fault)
        if self.phase == "rest":
            self.rest_min = min(self.rest_min, x)
            if x > start:
                self.phase, self.start_t, self.best, self.faults = "up", t, x, []
                self.top_s, self.top_since, self.best_time = 0.0, None, t
                self._best_seen = deque([(t, x)])
                # A set that starts mid-rep has not seen the lift from rest: its phases are not timed. A lift from
                # the low point of a quick rep was seen from there.
                self.from_rest = self.rest_min < start - (0.0 if self.lifting_from_low else self.r.hysteresis_deg)
                self.lift_timed = not self.from_rest
            return None
        if self.phase != "down":
            self.down_low, self.down_low_t = math.inf, t
        self._see_best(t, max(self.best, x))
        if x > self.best:
            self.best, self.best_time = x, t
        if self.phase == "up":
            return self._up(x, t, start)
        if self.phase == "top":
            if x < self._peak_level() - self.r.hysteresis_deg:
                self.top_s += t - (self.top_since or t)
                self.phase, self.top_since = "down", None
                self._time_lift()  # it went as high as it goes: the whole lift can be timed
            return None
        return self._down(x, t, start)

    def _up(self, x: float, t: float, start: float) -> RepRecord | None:
        r = self.r
        peak, hyst, short = self._peak_level(), r.hysteresis_deg, r.short_fault
        if x >= peak:
            self.phase, self.top_since = "top", t
            if short in self.faults:  # told to go higher, and did: the rep is not short after all
                self.faults.remove(short)
        elif short and short not in self.faults and (x < self.best - hyst or self._stalled(t)):
            # Turned back, or stalled, below the top: say so now (while it can still be fixed), not at the end
            # of the rep.
            self._flag(short)
            self._time_lift()
            if x < self.best - hyst:
                self.phase = "down"
        elif x < start - hyst:
            return self._end(t)
        return None

    def _down(self, x: float, t: float, start: float) -> RepRecord | None:
        if x >= self._peak_level() and self.r.short_fault not in self.faults:
            self.phase, self.top_since = "top", t
            return None
        if x < start - self.r.hysteresis_deg:
            return self._end(t)
        # Back near rest, the landmarks may read a few degrees above the level the set started from (after quick
        # reps, bridge_fast_i: 6 deg; the pose is the same). A rep back below its start level ended at its lowest
        # point when it turns up again (the next lift starts there) or stays there for SETTLE_S.
        if x < self.down_low:
            self.down_low, self.down_low_t = x, t
        turned_up = x > self.down_low + self.r.hysteresis_deg
        if self.down_low < start and (turned_up or t - self.down_low_t >= SETTLE_S - 1e-6):
            return self._end(self.down_low_t, self.down_low)
        return None

    def _time_lift(self) -> None:
        """The lift is over (it left the top, or turned back or stalled below it): was it too quick?"""
        if not self.lift_timed:
            self.lift_timed = True
            if self.tempo.phase_too_fast(self.rest_min, self.best, self.rest_since):
                self._flag(self.tempo.fault)

    def _end(self, t: float, low: float | None = None) -> RepRecord:
        """The rep ends at `t`; `low`: at that low point, from which the next lift is timed."""
        self._time_lift()
        # The lowering goes back to where the lift started from (a shallow rep ends before its last quarter and
        # is not timed: it is too low anyway).
        if self.from_rest and self.tempo.phase_too_fast(self.best, self.rest_min, self.best_time):
            self._flag(self.tempo.fault)
        self.rest_since, self.rest_min = t, self.tempo.last_value if low is None else low
        self.lifting_from_low = low is not None
        if self.phase == "top" and self.top_since is not None:
            self.top_s += t - self.top_since
        rep = RepRecord(self.start_t, t, not self.faults, list(self.faults), self.d * self.best, self.top_s,
                        self.d * self._start_x, self.d * self._peak_level())
        self.reps.append(rep)
        self.good_reps += rep.good
        self.phase, self.faults, self.top_since = "rest", [], None
        return rep

    # --- alternate ------------------------------------------------------------------------------------
    def levels(self) -> tuple[float, float] | None:
        """The two extremes (start, peak) in the measure's units for this set: the spec's, moved with the
        person's resting level when the spec has `rest_deg`; None while that level is still being seen."""
        r = self.r
        if r.mode != "alternate" or r.rest_deg is None:
            return r.start_deg, r.peak_deg
        if self.rest_level is None:
            return None
        shift = self.rest_level - r.rest_deg
        return r.start_deg + shift, r.peak_deg + shift

    def _see_rest(self, v: float, t: float) -> None:
        if self.r.rest_deg is None or self.rest_level is not None:
            return
        if self._rest_from is None:
            self._rest_from = t
        # The rest is over when the first move starts: quick half-moves (0.3 s, cat_cow_fast_f) start as the set
        # does, and a median over REST_S of them is a level halfway to the cat (the extremes then moved past it).
        moved = self._rest_values and abs(v - self._rest_values[0]) > REST_BAND_DEG
        if not moved:
            self._rest_values.append(v)
        if moved or t - self._rest_from >= REST_S:
            self.rest_level = statistics.median(self._rest_values)

    def _note_turns(self, v: float) -> None:
        """Where the measure turns back, once it has come back TURN_DEG from its highest (lowest) point."""
        self._run_hi, self._run_lo = max(self._run_hi, v), min(self._run_lo, v)
        # The first move away from where the set started only sets the direction: that start is no turn.
        if self._run_dir >= 0 and self._run_hi - v > TURN_DEG:
            if self._run_dir:
                self._turned_hi = self._run_hi
            self._run_dir, self._run_lo = -1, v
        elif self._run_dir <= 0 and v - self._run_lo > TURN_DEG:
            if self._run_dir:
                self._turned_lo = self._run_lo
            self._run_dir, self._run_hi = 1, v

    def _recentre(self, v: float, levels: tuple[float, float]) -> tuple[float, float]:
        """A set that starts mid-swing takes a level on the way to cat or cow for its rest, and one extreme then
        lies beyond anything the person does. Until both extremes have been reached, once the person has swung
        to and fro over at least the gap between the extremes and turned back short of one of them, the rest is
        the middle of that swing (the spec puts the extremes either side of the rest by the same amount)."""
        self._note_turns(v)
        hi_t, lo_t = self._turned_hi, self._turned_lo
        # Both extremes reached already: they are where this person goes (a quick half-move that falls short
        # once through the model's smoothing is no reason to move them).
        if hi_t is None or lo_t is None or self.halves >= 2:
            return levels
        r = self.r
        lo, hi = sorted(levels)
        if hi_t - lo_t < hi - lo or (lo_t <= lo and hi_t >= hi):
            return levels
        self.rest_level = (hi_t + lo_t) / 2 - (r.start_deg + r.peak_deg) / 2 + r.rest_deg
        # The moved extremes may be crossed at once, long after the measure passed them: neither that crossing
        # nor the half-move from it is timed.
        self.last_entry_t, self._untimed = None, True
        return self.levels()

    def _alternate(self, v: float, t: float) -> RepRecord | None:
        self._see_rest(v, t)
        levels = self.levels()
        if levels is None:
            return None
        if self.r.rest_deg is not None:
            levels = self._recentre(v, levels)
        r, d = self.r, self.d
        x = d * v
        ext = "start" if x < d * levels[0] else "peak" if x > d * levels[1] else None
        # Crossing the whole gap between the two extremes is the hysteresis: no extra margin needed.
        if ext is None or ext == self.last_extreme:
            return None
        if self.last_entry_t is not None and self.tempo.too_fast_half(t - self.last_entry_t):
            self._flag(self.tempo.fault)
        self.last_extreme, self.last_entry_t = ext, None if self._untimed else t
        self._untimed = False
        self.halves += 1
        self.phase = "moving"
        if self.halves % 2 == 1:
            self.start_t, self.best = t, x
            return None
        rep = RepRecord(self.start_t, t, not self.faults, list(self.faults), v, 0.0, *levels)
        self.reps.append(rep)
        self.good_reps += rep.good
        self.faults = []
        return rep
