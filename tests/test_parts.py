"""Each part of the evaluator on its own, on hand-made values whose outcome is known exactly."""

import math

import pytest

from posecheck.core.events import FaultOpened, HoldTargetReached, Severity
from posecheck.core.parts.checks import Checks, CheckState, CheckStatus
from posecheck.core.parts.hold import TOP_TOL_DEG, HoldTimer, TopWatch
from posecheck.core.parts.position import PositionTracker
from posecheck.core.parts.reps import STALL_S, TOP_PAST_START_DEG, RepCounter
from posecheck.core.parts.settle import Settle
from posecheck.core.parts.tempo import TempoJudge
from posecheck.core.specs import Check, Hold, Position, Reps, Requirement, Tempo

FPS = 30.0
NAN = math.nan


def frames(t0, t1):
    n = int(round((t1 - t0) * FPS))
    return [t0 + i / FPS for i in range(n)]


# --- settle -------------------------------------------------------------------------------------------
def test_settle_dates_stillness_from_when_the_measure_stopped_moving():
    s = Settle(["hip"], tol_deg=2.0, window_s=0.4)
    got = None
    for t in frames(0, 2):
        v = 100 + 50 * min(t, 1.0)  # moves for 1 s, then still
        got = s.update(t, {"hip": v}) or got
    assert got == pytest.approx(1.0, abs=2 / FPS)
    assert s.still_now()


def test_settle_forgets_stillness_across_a_gap():
    s = Settle(["hip"], tol_deg=2.0, window_s=0.4)
    for t in frames(0, 1):
        s.update(t, {"hip": 100.0})
    assert s.update(3.0, {"hip": 100.0}) is None  # 2 s of nothing: still only since now


def test_settle_finds_when_a_slow_movement_began():
    s = Settle(["hip"], tol_deg=4.0, window_s=0.4)
    for t in frames(0, 3):
        s.update(t, {"hip": 100.0 if t < 2.0 else 100.0 + 10 * (t - 2.0)}, needed=False)
    assert s.last_still_before(2.9, tol_deg=1.5) == pytest.approx(2.0, abs=0.2)


# --- position -----------------------------------------------------------------------------------------
def _position(enter_s=0.5, exit_s=1.0):
    return PositionTracker(Position(require=[Requirement(measure="knee", min_deg=150)], enter_s=enter_s,
                                    exit_s=exit_s, settle_deg=4.0, settle_s=0.4))


def test_position_is_entered_after_enter_s_of_stillness_and_dated_from_it():
    p = _position()
    steps = [(t, p.step(t, True, {"knee": 170.0}, True)) for t in frames(0, 3)]
    entered = [(t, s.entered_s) for t, s in steps if s.entered_s is not None]
    assert len(entered) == 1
    t_seen, start = entered[0]
    assert start == pytest.approx(0.0, abs=1e-9)  # still from the first frame
    assert t_seen == pytest.approx(0.5, abs=1 / FPS)
    assert p.in_position


def test_position_is_left_after_exit_s_and_dated_from_the_loss():
    p = _position()
    left = []
    for t in frames(0, 5):
        knee = 170.0 if t < 2.0 else 120.0
        s = p.step(t, True, {"knee": knee}, p.rule({"knee": knee}))
        if s.left_s is not None:
            left.append((t, s.left_s, s.reset))
    assert len(left) == 1
    t_seen, lost, reset = left[0]
    assert lost == pytest.approx(2.0, abs=1 / FPS) and t_seen == pytest.approx(3.0, abs=1 / FPS) and reset
    assert not p.in_position


def test_an_unknown_position_neither_enters_nor_leaves():
    p = _position()
    for t in frames(0, 1):
        p.step(t, True, {"knee": 170.0}, True)
    assert p.in_position
    for t in frames(1, 5):
        assert p.step(t, True, {"knee": NAN}, p.rule({"knee": NAN})).left_s is None
    assert p.in_position and not p.leaving
    q = _position()
    for t in frames(0, 2):
        q.step(t, True, {"knee": NAN}, None)
    assert not q.in_position and not q.judging


# --- checks -------------------------------------------------------------------------------------------
SAG = Check(measure="body_sag", id="hips_sagging", cue="Lift the hips", max_deg=10.0, debounce_s=0.3, clear_s=0.2,
            hysteresis_deg=2.0)


def test_a_check_is_established_after_its_debounce_and_cleared_after_its_clear_time():
    cs = CheckState(SAG)
    statuses = {t: cs.update(20.0 if 1.0 <= t < 2.0 else 0.0, t) for t in frames(0, 3)}
    established = [t for t, s in statuses.items() if s is CheckStatus.ESTABLISHED]
    cleared = [t for t, s in statuses.items() if t > 2.0 and s is CheckStatus.CLEAR]
    assert established == [pytest.approx(1.3, abs=1 / FPS)]
    assert cleared[0] == pytest.approx(2.2, abs=1 / FPS)


def test_a_check_clears_only_inside_its_hysteresis():
    cs = CheckState(SAG)
    for t in frames(0, 1):
        cs.update(20.0, t)
    assert all(cs.update(9.0, t) is CheckStatus.ACTIVE for t in frames(1, 2))  # 9 > 10 - 2


def test_an_unknown_value_neither_opens_nor_clears_a_fault():
    cs = CheckState(SAG)
    assert all(cs.update(NAN, t) is CheckStatus.UNKNOWN for t in frames(0, 1))
    for t in frames(1, 2):
        cs.update(20.0, t)
    assert all(cs.update(NAN, t) is CheckStatus.ACTIVE for t in frames(2, 3))


def test_checks_report_the_new_fault_once_and_top_checks_only_at_the_top():
    top = Check(measure="hip", id="not_level", cue="Level", min_deg=170.0, when="top", debounce_s=0.0)
    checks = Checks([SAG, top])
    news = []
    for t in frames(0, 1):
        v = checks.step(t, {"body_sag": 20.0, "hip": 100.0}, at_top=False)
        news.extend(v.new)
        assert "not_level" not in v.active
    assert news == [FaultOpened(pytest.approx(0.3, abs=1 / FPS), "hips_sagging", Severity.MAJOR)]
    v = checks.step(1.0, {"body_sag": 0.0, "hip": 100.0}, at_top=True)
    assert "not_level" in v.active and v.unsettled  # the sag is clearing, the top check established


def test_leaving_the_position_starts_no_new_fault():
    checks = Checks([SAG])
    assert all(not checks.step(t, {"body_sag": 30.0}, leaving=True).active for t in frames(0, 1))


# --- hold timer ---------------------------------------------------------------------------------------
def test_pending_time_is_credited_when_it_turns_out_good_and_dropped_when_not():
    h = HoldTimer(Hold(target_s=5.0))
    h.open(0.0)
    for i, _ in enumerate(frames(0, 1)):
        h.wait(i, 1 / FPS)
    assert h.credit(1.0, 30, 1 / FPS) == list(range(31))  # the frames that turned out good
    assert h.good_s == pytest.approx(31 / FPS)
    for i, _ in enumerate(frames(1, 2), start=31):
        h.wait(i, 1 / FPS)
    assert h.drop() == list(range(31, 61))
    assert h.credit(2.0, 61, 0.0) == [61]
    assert h.good_s == pytest.approx(31 / FPS)


def test_a_hold_that_ended_earlier_gives_back_the_time_credited_after_its_end():
    h = HoldTimer(Hold(target_s=5.0))
    h.open(0.0)
    for i, t in enumerate(frames(0, 6)):
        h.credit(t, i, 1 / FPS)
        h.touch(t)
    taken = h.close(4.0)
    assert h.holds[0].good_s == pytest.approx(121 / FPS, abs=1e-9)  # frames 0..120 (t <= 4.0)
    assert taken == list(range(121, 180))
    assert h.holds[0].end_s == 4.0 and h.current is None


def test_the_hold_target_is_announced_once_and_reached_per_hold():
    h = HoldTimer(Hold(target_s=1.0))
    h.open(0.0)
    reached = []
    for i, t in enumerate(frames(0, 3)):
        h.credit(t, i, 1 / FPS)
        ev = h.touch(t)
        if ev:
            reached.append(ev)
    assert reached == [HoldTargetReached(pytest.approx(1.0, abs=1.5 / FPS), 1.0)]
    assert h.hold.reached(1.0) and not h.hold.reached(0.9)


def _watch_top(watch: TopWatch, value_at, at_top) -> tuple[float | None, float | None, float]:
    """(when the hold at the top started, when it ended, the time it was seen to end) over 4 s of values."""
    started = ended = None
    for t in frames(0, 4):
        v = value_at(t)
        s, e = watch.update(t, {watch.measure: v}, at_top=at_top(v), holding=started is not None)
        started = started if s is None else s
        ended = ended if e is None else e
        if ended:
            break
    return started, ended, t


def test_a_hold_at_the_top_starts_when_still_at_the_top_and_ends_when_last_there():
    started, ended, t = _watch_top(TopWatch("hip", 1.0),
                                   lambda t: 130 + 48 * min(t, 1.0) if t < 3.0 else 178 - 40 * (t - 3.0),
                                   lambda hip: hip > 163)
    assert started == pytest.approx(1.0, abs=2 / FPS)
    assert ended == pytest.approx(3.0, abs=2 / FPS)
    assert 40 * (t - 3.0) > TOP_TOL_DEG  # seen once the drop was clear, dated back to the top


def test_a_held_top_that_settles_back_from_its_overshoot_is_held_until_it_comes_down():
    """An over-arched top rises to -13.7 and settles at -12.4 (hip_sag, bridge_full_b): held from 1 s to 3 s,
    not ended at the overshoot."""
    def hip_sag(t):
        if t < 3.0:  # up to -12 by 1 s, on to -13.7 by 1.3 s (the hold is under way), back to -12.4 by 1.8 s
            return 50 - 62 * min(t, 1.0) - 1.7 * min(max(t - 1.0, 0), 0.3) / 0.3 + 1.3 * min(max(t - 1.3, 0), 0.5) / 0.5
        return -12.4 + 40 * (t - 3.0)
    started, ended, _ = _watch_top(TopWatch("hip_sag", -1.0), hip_sag, lambda v: v < 17)
    assert started == pytest.approx(1.0, abs=2 / FPS)
    assert ended == pytest.approx(3.0, abs=2 / FPS)


# --- reps and tempo -------------------------------------------------------------------------------------
BRIDGE = Reps(measure="hip", start_deg=140, peak_deg=163, hysteresis_deg=3, short_fault="hips_too_low",
              short_cue="Higher")


def run_reps(counter, values):
    done, new = [], []
    for t, v in values:
        step = counter.update(v, t)
        done += [step.done] if step.done else []
        new += [(t, f) for f in step.new_faults]
    return done, new


def test_a_full_rep_is_good_and_a_short_one_is_flagged_when_it_turns_back():
    def hip(t, top):
        return 130 + (top - 130) * math.sin(math.pi * min(t, 2.0) / 2.0)
    full, _ = run_reps(RepCounter(BRIDGE), [(t, hip(t, 178)) for t in frames(0, 3)])
    assert len(full) == 1 and full[0].good and full[0].peak_deg > 170
    short, said = run_reps(RepCounter(BRIDGE), [(t, hip(t, 155)) for t in frames(0, 3)])
    assert len(short) == 1 and short[0].faults == ["hips_too_low"]
    assert said[0][0] < short[0].end_s  # said while it could still be fixed


def test_a_rest_that_reads_near_the_top_still_needs_a_full_lift_to_reach_it():
    """A heavy body under a steep camera rests at hip_sag 24 against a top of 17 (bridge_heldout_s): its full
    lifts (to -25) are good reps, a 12 deg lift is a rep that falls short; none is lost or given away."""
    signed = Reps(measure="hip_sag", start_deg=40, peak_deg=17, hysteresis_deg=3, rest_margin_deg=8,
                  short_fault="hips_too_low", short_cue="Higher")

    def hip_sag(t):  # lifts over 1-2.5, 4-5.5 and 7-8.5 s, resting at 24 in between; the second only to 12
        k, rep = (t - 1) % 3, int((t - 1) // 3)
        top = 12 if rep == 1 else -25
        return 24 - (24 - top) * math.sin(math.pi * min(k, 1.5) / 1.5) if t >= 1 and rep < 3 else 24
    done, _ = run_reps(RepCounter(signed), [(t, hip_sag(t)) for t in frames(0, 11)])
    assert [r.good for r in done] == [True, False, True]
    assert done[1].faults == ["hips_too_low"]
    assert all(r.peak_level_deg == pytest.approx(24 - 8 - TOP_PAST_START_DEG, abs=0.5) for r in done)


def test_a_coachs_own_start_and_top_are_kept_however_close():
    """The top moves past a start only when the person's rest moved that start: a spec whose top is 10 deg past
    its start (no rest margin) counts a lift to 152 as full."""
    close = Reps(measure="hip", start_deg=140, peak_deg=150, hysteresis_deg=3, short_fault="hips_too_low",
                 short_cue="Higher")
    done, _ = run_reps(RepCounter(close), [(t, 130 + 22 * math.sin(math.pi * min(t, 2.0) / 2.0)) for t in frames(0, 3)])
    assert [r.good for r in done] == [True] and done[0].peak_level_deg == 150


def test_a_set_that_begins_at_the_top_counts_that_rep_and_then_finds_the_rest():
    """Judging begins with the hips up (a video cut in mid-rep): that level is no rest. The rep is counted as
    it comes down, and the next lift is counted from the rest seen then."""
    signed = Reps(measure="hip_sag", start_deg=40, peak_deg=17, hysteresis_deg=3, rest_margin_deg=8,
                  short_fault="hips_too_low", short_cue="Higher")

    def hip_sag(t):  # at the top (2) until 1 s, down to 50 by 2 s, up again 4-5 s, held, down 7-8 s
        down = min(max(t - 1, 0), 1) - min(max(t - 4, 0), 1) + min(max(t - 7, 0), 1)
        return 2 + 48 * down
    done, _ = run_reps(RepCounter(signed), [(t, hip_sag(t)) for t in frames(0, 9)])
    assert [r.good for r in done] == [True, True]
    assert done[1].start_level_deg == pytest.approx(42, abs=0.5)


def test_a_rep_that_stalls_below_the_top_is_told_to_go_higher():
    values = [(t, 130 + 20 * min(t, 0.5) * 2) for t in frames(0, 0.5 + STALL_S + 0.2)]
    _, said = run_reps(RepCounter(BRIDGE), values)
    assert said and said[0][1] == "hips_too_low"


def test_a_slow_steady_lift_is_not_a_stall():
    # 6 deg a second: 0.2 deg a frame, far below STALL_DEG a frame, but STALL_DEG gained every quarter second.
    values = [(t, 130 + 6 * t) for t in frames(0, 6)]
    _, said = run_reps(RepCounter(BRIDGE), values)
    assert said == []


def test_a_stall_is_told_the_same_when_the_creep_reads_a_little_differently():
    """The stall is a gain of less than STALL_DEG over STALL_S, not from one frame to the next: a decelerating lift
    whose frame-to-frame gains hover around STALL_DEG (bridge_low_j through the model) is told at the same time
    whether its readings are a few tenths of a degree apart or not."""
    def lift(t, wobble):  # 1.47 deg a frame for 0.5 s, then a plateau 11 deg short of the top
        return 130 + min(44 * t, 22) + wobble * math.sin(37 * t)
    told = []
    for wobble in (0.0, 0.3):
        _, said = run_reps(RepCounter(BRIDGE), [(t, lift(t, wobble)) for t in frames(0, 4)])
        assert [f for _, f in said] == ["hips_too_low"]
        told.append(said[0][0])
    assert abs(told[0] - told[1]) <= 0.1


def test_a_rep_decides_its_lift_its_leaving_the_top_and_its_lowering_but_not_a_held_top():
    def hip(t):  # up 1-2 s, held at the top until 4 s, down 4-5 s, resting after
        return 130 + 48 * min(max(t - 1, 0), 1) - 48 * min(max(t - 4, 0), 1)
    counter, deciding = RepCounter(BRIDGE), []
    for t in frames(0, 6):
        counter.update(hip(t), t)
        deciding.append((t, counter.deciding))
    during = lambda t0, t1: [d for t, d in deciding if t0 <= t <= t1]  # noqa: E731
    assert not any(during(0, 1.2)) and all(during(1.3, 1.6))  # rest, then the lift from the start level
    assert not any(during(2.1, 4.0))  # the top held
    assert all(during(4.1, 4.7))  # coming down: leaving the top times the lift, then the lowering to its end
    assert not any(during(5.2, 6))


def test_unknown_values_count_nothing():
    done, new = run_reps(RepCounter(BRIDGE), [(t, NAN) for t in frames(0, 2)])
    assert done == [] and new == []


def test_alternate_counts_one_visit_to_each_extreme_as_one_rep():
    cc = Reps(measure="head_drop", mode="alternate", start_deg=0.0, peak_deg=30.0)
    values = [(t, 15 + 35 * math.sin(2 * math.pi * t / 4.0)) for t in frames(0, 16.5)]
    done, _ = run_reps(RepCounter(cc), values)
    assert len(done) == 4 and all(r.good for r in done)


def test_tempo_speed_is_measured_over_its_window():
    tj = TempoJudge(Tempo(max_speed_deg_s=100.0, speed_window_s=0.2))
    assert not any(tj.too_fast_now(50 * t, t) for t in frames(0, 1))
    tj.clear()
    assert any(tj.too_fast_now(150 * t, t) for t in frames(0, 1))


def test_tempo_flags_a_half_move_faster_than_the_minimum():
    tj = TempoJudge(Tempo(min_half_s=1.0))
    assert tj.too_fast_half(0.5) and not tj.too_fast_half(1.5)
    assert not TempoJudge(None).too_fast_half(0.1)


def test_a_phase_is_timed_at_the_speed_of_its_middle_half():
    tj = TempoJudge(Tempo(min_phase_s=0.4))
    for t in frames(0, 3):  # rest 130, a steady 1 s lift to 178 from t = 1, then still
        tj.observe(t, 130 + 48 * min(max(t - 1.0, 0.0), 1.0))
    assert tj.phase_s(130, 178, since_t=0.0) == pytest.approx(1.0, abs=0.02)
    assert not tj.phase_too_fast(130, 178, since_t=0.0)
    jerk = TempoJudge(Tempo(min_phase_s=0.4))
    for t in frames(0, 2):
        jerk.observe(t, 130 + 48 * min(max(t - 1.0, 0.0) / 0.3, 1.0))
    assert jerk.phase_too_fast(130, 178, since_t=0.0)
    assert math.isnan(jerk.phase_s(130, 178, since_t=1.5))  # the move was not seen


def test_a_rep_starts_a_margin_above_the_persons_own_rest():
    reps = Reps(measure="hip", start_deg=140, peak_deg=163, hysteresis_deg=3, rest_margin_deg=8,
                short_fault="hips_too_low", short_cue="Higher")
    for rest in (128.0, 145.0):  # a slim and a heavy body, pelvis down
        top = rest + 12  # a shallow lift: below start_deg for the slim body, above it for the heavy one
        values = [(t, rest + (top - rest) * math.sin(math.pi * min(max(t - 1, 0), 2.0) / 2.0)) for t in frames(0, 4)]
        done, said = run_reps(RepCounter(reps), values)
        assert len(done) == 1 and done[0].faults == ["hips_too_low"], rest
        assert said and said[0][1] == "hips_too_low"


def test_quick_reps_end_where_the_landmarks_rest_even_above_the_sets_first_rest():
    # bridge_fast_i through the model: the set starts at rest 144, but between 0.3 s reps (and after the last one)
    # the same pose reads 150: above the rest + margin - hysteresis (149) at which a rep used to end.
    reps = Reps(measure="hip", start_deg=140, peak_deg=163, hysteresis_deg=3, rest_margin_deg=8,
                short_fault="hips_too_low", short_cue="Higher")
    tempo = TempoJudge(Tempo(fault="moving_too_fast", min_phase_s=0.4))

    def hip(t):
        if t < 1.0:
            return 144.0
        u = (t - 1.0) % 1.2  # 0.3 s up, 0.3 s at the top, 0.3 s down, 0.3 s at rest
        if t >= 1.0 + 6 * 1.2 or u >= 0.9:
            return 150.0
        return 150.0 + 25.0 * min(u / 0.3, 1.0, (0.9 - u) / 0.3)
    done, _ = run_reps(RepCounter(reps, tempo), [(t, hip(t)) for t in frames(0, 1.0 + 6 * 1.2 + 0.5)])
    assert len(done) == 6
    assert all(r.faults == ["moving_too_fast"] for r in done)
    slow = [(t, 144.0 + 34.0 * max(0.0, min((t - 1.0) / 1.5, 1.0, (5.0 - t) / 1.5))) for t in frames(0, 6)]
    done, _ = run_reps(RepCounter(reps, TempoJudge(Tempo(fault="moving_too_fast", min_phase_s=0.4))), slow)
    assert len(done) == 1 and done[0].good  # a controlled rep is untouched


def test_cat_cow_rest_is_where_the_set_starts_even_when_the_first_move_starts_at_once():
    # cat_cow_fast_f: 0.3 s half-moves begin as the set does; a median over the first 0.5 s was a level halfway to
    # the cat (+36 for a rest of +15), which moved the extremes past every cat the person made (0/6 counted).
    cc = Reps(measure="head_drop", mode="alternate", start_deg=0.0, peak_deg=32.0, rest_deg=16.0, hysteresis_deg=4)
    values = [(t, 15 + 32 * math.sin(2 * math.pi * t / 1.2)) for t in frames(0, 7.25)]  # 0.6 s per half-move
    done, _ = run_reps(RepCounter(cc), values)
    assert len(done) == 6
    still = [(t, 15.0 if t < 1.0 else 15 + 32 * math.sin(2 * math.pi * (t - 1.0) / 4.0)) for t in frames(0, 9.1)]
    done, _ = run_reps(RepCounter(cc), still)
    assert len(done) == 2  # a still start is read as before
