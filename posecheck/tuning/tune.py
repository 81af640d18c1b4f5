"""Tuning a spec's thresholds from reference material: clips of good form and clips of faulty form.

    material = load_material(good=["ok.mp4", "ok2.jsonl@2-9"], bad=["sag.mp4"])
    result = tune(material, load_spec("plank"))
    print(result.check_table()); print(result.clip_table())
    write_tuned_spec(result, "my_plank.toml")        # the original file, comments and all, with new numbers
    Path("tune.html").write_text(render_html(result))

How a bound is chosen. A check's fault is established when its measure stays beyond the bound for
`debounce_s`, so what matters per clip is its *sustained reach*: the furthest value held for a whole debounce
window while in position (for a still image, the value itself). For each bound of each check (say a max):

- G, the good reach: the highest sustained reach of any good clip. The bound must stay above it.
- bad evidence: bad clips whose reach exceeds G by at least `min_gap_deg` (2 x the margin); a smaller
  excess is noise, not a fault on this measure.
- first the good material must pass: a bound closer than the margin to G moves out, to the midpoint between
  G and the nearest bad evidence (the largest margin to both sides), or to G + margin when there is none;
- then every bad clip that no bound catches yet is given to the bound it reaches furthest beyond the good,
  which moves in to the midpoint between G and that clip's reach.

A bound that the material says nothing about keeps its value (and the comment that explains it). A bad clip
usually has good stretches too (the fault comes and goes): that is why a bad clip is evidence for the one
bound it crosses furthest, not for every bound where it differs from the good. Min bounds mirror all this.
Angles and position come from the same evaluator that scores, run once per clip.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tomlkit
from markupsafe import Markup

from posecheck.core.evaluation import Evaluator
from posecheck.core.landmarks import SourceInfo
from posecheck.core.specs import Spec, parse_spec
from posecheck.core.timing import MAX_DT_S
from posecheck.errors import PosecheckError, SpecInvalid
from posecheck.io.atomic import atomic_write
from posecheck.report.svg import distribution_svg
from posecheck.report.templating import render
from posecheck.tuning.explore import Clip, InputRange, load_clip, parse_input

__all__ = [
    "Material", "Verdict", "BoundChange", "CheckTuning", "TuneResult", "load_material", "judge", "tune",
    "sustained_reach", "apply_bounds", "rewrite_spec_text", "tuned_toml", "write_tuned_spec", "render_html",
    "FrameClasses", "labeled_material", "frame_threshold",
]



@dataclass(frozen=True)
class Material:
    """A clip of good or of faulty form. `fault` names the check the faulty material shows, when known
    (labelled frames say it); a clip whose info is a still image but holds many poses is a set of frames,
    each judged on its own."""

    clip: Clip
    good: bool
    fault: str | None = None

    @property
    def label(self) -> str:
        return self.clip.label

    @property
    def frames(self) -> bool:
        return self.clip.still and len(self.clip.poses) > 1


@dataclass(frozen=True)
class FrameClasses:
    """What each label of labelled frames means: None for good form, else the id of the check it shows."""

    classes: dict

    @classmethod
    def parse(cls, text: str) -> "FrameClasses":
        """``C=good,H=hips_piking,L=hips_sagging``"""
        out: dict = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            label, eq, what = part.partition("=")
            if not eq or not label.strip() or not what.strip():
                raise PosecheckError(f"--classes {text!r}: write LABEL=good or LABEL=CHECK_ID, comma-separated, "
                                     "e.g. C=good,H=hips_piking,L=hips_sagging")
            what = what.strip()
            out[label.strip()] = None if what == "good" else what
        if None not in out.values():
            raise PosecheckError(f"--classes {text!r}: name the label of good form (LABEL=good)")
        return cls(out)


def labeled_material(frames, classes: FrameClasses, width: int, height: int, label: str = "frames",
                     spec: Spec | None = None) -> list[Material]:
    """Labelled frames (`posecheck.io.labeled.LabeledFrame`s) as material: one frame set per label, each
    frame judged on its own as a still image. Labels that `classes` does not name are left out."""
    if spec is not None:
        ids = {c.id for c in spec.checks}
        for what in classes.classes.values():
            if what is not None and what not in ids:
                raise PosecheckError(f"--classes: {spec.name} has no check {what!r}; its checks: "
                                     f"{', '.join(sorted(ids))}")
    out = []
    for lab, fault in classes.classes.items():
        poses = tuple(f.pose for f in frames if f.label == lab)
        if not poses:
            continue
        info = SourceInfo(f"{label} {lab}", "image", width, height, 30.0, len(poses))
        clip = Clip(InputRange(f"{label} {lab} ({len(poses)} frames)"), info, poses)
        out.append(Material(clip, fault is None, fault))
    if not any(m.good for m in out):
        raise PosecheckError(f"{label}: no frame with the label of good form "
                             f"({', '.join(k for k, v in classes.classes.items() if v is None)})")
    return out


def load_material(good: list[str], bad: list[str], *, model=None, model_complexity: int = 1,
                  progress_factory=None) -> list[Material]:
    """Clips from `FILE` or `FILE@START-END` arguments; each video runs through the model once."""
    if not good:
        raise PosecheckError("give at least one clip of good form with --good")
    cache: dict = {}
    out = []
    for items, is_good in ((good, True), (bad, False)):
        for text in items:
            clip = load_clip(parse_input(text), model=model, model_complexity=model_complexity, cache=cache,
                             progress_factory=progress_factory)
            out.append(Material(clip, is_good))
    return out


# --- judging ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One pass of the evaluator over a clip: what tuning needs from every frame."""

    t_s: np.ndarray
    in_range: np.ndarray
    in_position: np.ndarray
    detected: np.ndarray
    faults: tuple  # per frame: the active fault ids
    angles: dict  # measure -> (n,) smoothed values


def evaluate(clip: Clip, spec: Spec) -> Run:
    if clip.still and len(clip.poses) > 1:
        # A set of labelled frames: each one is a still of its own (no smoothing or debounce across them).
        frames = [Evaluator(spec, clip.info.width, clip.info.height, still=True).step(p) for p in clip.poses]
    else:
        ev = Evaluator(spec, clip.info.width, clip.info.height, still=clip.still)
        frames = [ev.step(p) for p in clip.poses]
    t = np.array([f.t_s for f in frames])
    angles = {m: np.array([f.angles[m] for f in frames]) for m in frames[0].angles}
    return Run(t, clip.input.contains(t), np.array([f.in_position for f in frames]),
               np.array([f.detected for f in frames]), tuple(f.faults for f in frames), angles)


def _frame_dt(t: np.ndarray, still: bool) -> np.ndarray:
    if still or len(t) < 2:
        return np.zeros(len(t))
    dt = np.diff(t, prepend=t[0])
    return np.clip(dt, 0.0, MAX_DT_S)


@dataclass(frozen=True)
class Verdict:
    """How one spec judges one clip, within its time range."""

    label: str
    expected_good: bool
    frames: int
    in_position: int
    fault_frames: dict
    fault_s: dict
    right_frames: int | None = None  # a set of labelled frames: how many are judged as labelled

    @property
    def recognised(self) -> bool:
        return self.in_position > 0

    @property
    def faulty(self) -> bool:
        return bool(self.fault_frames)

    @property
    def right(self) -> bool:
        if self.right_frames is not None:
            return self.right_frames >= 0.5 * self.frames
        return (self.recognised and not self.faulty) if self.expected_good else self.faulty

    def text(self) -> str:
        if self.right_frames is not None:
            out = f"{self.right_frames}/{self.frames} frames right"
            if self.in_position < self.frames:
                out += f", {self.frames - self.in_position} not in position"
            top = sorted(self.fault_frames.items(), key=lambda kv: -kv[1])[:2]
            return out + "".join(f", {f} {n}" for f, n in top)
        if not self.recognised:
            return "not in position"
        if not self.faulty:
            return "good"
        parts = []
        for f in sorted(self.fault_frames, key=lambda k: -self.fault_frames[k]):
            s = self.fault_s.get(f, 0.0)
            parts.append(f"{f} {s:.1f} s" if s > 0 else f)
        return ", ".join(parts)


def judge(clip: Clip, spec: Spec, run: Run | None = None, expected_good: bool = True,
          expected_fault: str | None = None) -> Verdict:
    run = run or evaluate(clip, spec)
    dt = _frame_dt(run.t_s, clip.still)
    ff: dict[str, int] = {}
    fs: dict[str, float] = {}
    for i in np.flatnonzero(run.in_range):
        for f in run.faults[i]:
            ff[f] = ff.get(f, 0) + 1
            fs[f] = fs.get(f, 0.0) + float(dt[i])
    right = None
    if clip.still and len(clip.poses) > 1:
        # Labelled frames: each frame is right or wrong on its own.
        ok = run.in_range & run.in_position
        if expected_good:
            right = int(sum(1 for i in np.flatnonzero(ok) if not run.faults[i]))
        else:
            right = int(sum(1 for i in np.flatnonzero(ok)
                            if (expected_fault in run.faults[i] if expected_fault else run.faults[i])))
    return Verdict(clip.label, expected_good, int(run.in_range.sum()), int((run.in_range & run.in_position).sum()),
                   ff, fs, right)


# --- the sustained reach ------------------------------------------------------------------------------------

def sustained_reach(t_s: np.ndarray, values: np.ndarray, mask: np.ndarray, debounce_s: float,
                    direction: int) -> float:
    """The furthest value (direction +1: highest, -1: lowest) held for `debounce_s` without a break.

    A bound set below this reach (above it, for -1) is crossed long enough to establish the fault; set beyond
    it, never. Breaks: frames outside `mask` or unknown (NaN), as in the evaluator, where unknown restarts
    the debounce. NaN when no stretch is long enough."""
    ok = mask & np.isfinite(values)
    best = -math.inf
    n = len(values)
    i = 0
    while i < n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j < n and ok[j]:
            j += 1
        tr, vr = t_s[i:j], direction * values[i:j]
        lo = 0
        for k in range(len(vr)):
            # The window [w, k] must span debounce_s: the shortest such window ending at k.
            while lo + 1 <= k and tr[k] - tr[lo + 1] >= debounce_s - 1e-9:
                lo += 1
            if tr[k] - tr[lo] >= debounce_s - 1e-9:
                best = max(best, float(vr[lo:k + 1].min()))
        i = j
    return direction * best if best > -math.inf else math.nan


# --- proposals ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoundChange:
    """One bound of a check or of a position requirement: where it is, where it should go, and why."""

    where: str  # "checks" | "position" | "reps" | "tempo"
    key: str  # check id, or the index of the position requirement ("" for reps and tempo)
    measure: str
    bound: str  # "min_deg" | "max_deg" (or the reps/tempo field, e.g. "peak_deg")
    current: float
    proposed: float
    good_reach: float
    bad_reach: float  # the nearest bad clip reach beyond the good (NaN: no bad evidence on this bound)
    reason: str

    @property
    def changed(self) -> bool:
        return abs(self.proposed - self.current) > 1e-9


@dataclass
class CheckTuning:
    check_id: str
    measure: str
    current: tuple  # (min_deg, max_deg), None where absent
    proposed: tuple
    good_values: np.ndarray
    bad_values: np.ndarray
    reach: list  # (label, good?, lowest sustained, highest sustained)
    bounds: list = field(default_factory=list)


@dataclass
class TuneResult:
    spec: Spec
    tuned: Spec
    checks: list
    position: list  # BoundChange of each position bound the material crosses, moved or kept (with its reason)
    before: list  # Verdict per clip, current spec
    after: list  # Verdict per clip, tuned spec
    warnings: list
    margin_deg: float

    @property
    def changes(self) -> list[BoundChange]:
        return [b for c in self.checks for b in c.bounds if b.changed] + [b for b in self.position if b.changed]

    def check_table(self) -> str:
        rows = [("check", "measure", "current", "proposed", "good passing", "bad caught")]
        n_good = sum(v.expected_good for v in self.before)
        n_bad = len(self.before) - n_good
        for c in self.checks:
            def counts(verdicts):
                good_ok = sum(1 for v in verdicts
                              if v.expected_good and v.recognised and c.check_id not in v.fault_frames)
                bad_hit = sum(1 for v in verdicts if not v.expected_good and c.check_id in v.fault_frames)
                return good_ok, bad_hit
            g0, b0 = counts(self.before)
            g1, b1 = counts(self.after)
            rows.append((c.check_id, c.measure, _range_text(*c.current), _range_text(*c.proposed),
                         f"{g0}/{n_good} -> {g1}/{n_good}", f"{b0}/{n_bad} -> {b1}/{n_bad}" if n_bad else "-"))
        for b in self.position:
            if b.changed:
                rows.append((f"position[{b.key}]", b.measure, f"{b.bound[:3]} {b.current:g}",
                             f"{b.bound[:3]} {b.proposed:g}", "", ""))
        return _table(rows)

    def clip_table(self) -> str:
        rows = [("clip", "truth", "current spec", "tuned spec", "right")]
        for v0, v1 in zip(self.before, self.after):
            rows.append((v0.label, "good" if v0.expected_good else "bad", v0.text(), v1.text(),
                         f"{'yes' if v0.right else 'no'} -> {'yes' if v1.right else 'no'}"))
        return _table(rows)

    def summary(self) -> str:
        r0 = sum(v.right for v in self.before)
        r1 = sum(v.right for v in self.after)
        n = len(self.before)
        return f"The current spec judges {r0} of {n} clips right; the tuned spec {r1} of {n}."


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g}..{hi:g}"
    if lo is not None:
        return f">= {lo:g}"
    if hi is not None:
        return f"<= {hi:g}"
    return "-"


def _table(rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _round_half(x: float) -> float:
    return round(x * 2.0) / 2.0


@dataclass
class _Bound:
    """Working state of one check bound, in "beyond the bound is larger" terms (values times direction)."""

    check_id: str
    measure: str
    bound: str
    direction: int
    current: float
    good: float  # the good reach (NaN: no good frame in position)
    bads: dict  # material index -> reach of that bad clip
    selected: bool
    proposed: float = math.nan
    reason: str = ""
    nearest_bad: float = math.nan

    def evidence(self, min_gap: float) -> dict:
        """The bad clips that reach clearly beyond the good on this bound."""
        if self.good != self.good:
            return {}
        return {i: b for i, b in self.bads.items() if b == b and b >= self.good + min_gap}


def _midway(g: float, b: float) -> float:
    p = _round_half((g + b) / 2.0)
    return p if g < p < b else (g + b) / 2.0


def _propose_bounds(bounds: list[_Bound], margin: float, min_gap: float, labels: list[str]) -> None:
    """Fill in `proposed` and `reason`: first make every good clip pass (with the margin), then catch the
    bad clips still missed, each by the bound it reaches furthest beyond the good. A bound moves only when
    the material asks for it, so a check that nothing speaks about keeps the value its comment explains."""
    d = lambda x, b: b.direction * x  # noqa: E731 (back to degrees)
    for b in bounds:
        c = b.direction * b.current
        b.proposed = c
        if not b.selected:
            b.reason = "not selected (--check): kept"
            continue
        if b.good != b.good:
            b.reason = "no good frame in position: kept"
            continue
        ev = b.evidence(min_gap)
        if ev:
            b.nearest_bad = min(ev.values())
        if c >= b.good + margin:
            b.reason = "kept: the good material stays inside it with the margin"
            continue
        if ev:
            b.proposed = _midway(b.good, b.nearest_bad)
            b.reason = f"widened to midway between good ({d(b.good, b):.1f}) and bad ({d(b.nearest_bad, b):.1f})"
        else:
            p = _round_half(b.good + margin)
            b.proposed = p if p >= b.good + margin else p + 0.5
            b.reason = f"widened: good material reaches {d(b.good, b):.1f}"
    bad_ids = sorted({i for b in bounds for i in b.bads})
    assigned: dict[int, list[int]] = {}
    for i in bad_ids:
        if any(b.bads.get(i, math.nan) > b.proposed for b in bounds):
            continue  # already caught
        cands = [(b.bads[i] - b.good, k) for k, b in enumerate(bounds) if b.selected and i in b.evidence(min_gap)]
        if cands:
            assigned.setdefault(max(cands)[1], []).append(i)
    for k, clips in assigned.items():
        b = bounds[k]
        reach = min(b.bads[i] for i in clips)
        b.nearest_bad = reach
        b.proposed = min(b.proposed, _midway(b.good, reach))
        names = ", ".join(labels[i] for i in clips)
        b.reason = f"tightened to midway between good ({d(b.good, b):.1f}) and bad ({d(reach, b):.1f}) to catch {names}"


def frame_threshold(good: np.ndarray, bad: np.ndarray) -> tuple[float, int]:
    """The bound (in "beyond is larger" terms: a frame is faulty when its value > bound) that misjudges the
    fewest frames: good frames beyond it plus bad frames inside it, in the middle of the widest gap among the
    best. Returns (bound, errors)."""
    good, bad = np.sort(good[np.isfinite(good)]), np.sort(bad[np.isfinite(bad)])
    vals = np.unique(np.concatenate([good, bad]))
    if vals.size == 0:
        return math.nan, 0
    cuts = np.concatenate([[vals[0] - 1.0], (vals[:-1] + vals[1:]) / 2.0, [vals[-1] + 1.0]])
    gaps = np.concatenate([[1.0], np.diff(vals), [1.0]])
    errors = (good.size - np.searchsorted(good, cuts, side="right")) + np.searchsorted(bad, cuts, side="right")
    best = errors.min()
    k = int(np.flatnonzero(errors == best)[np.argmax(gaps[errors == best])])
    return float(cuts[k]), int(best)


def _propose_frame_bounds(bounds: list["_Bound"], spec: Spec, material: list[Material], runs: list[Run],
                          margin: float) -> None:
    """Labelled frames: each bound goes where it misjudges the fewest frames (`frame_threshold`), instead of
    beyond the furthest good frame. One mislabelled or mis-detected frame among thousands must not decide a
    bound, as it would with clips, where the sustained reach already ignores a moment's glitch. Bad frames
    count for the check their label names (every check, when the label names none)."""
    checks = {c.id: c for c in spec.checks}
    for b in bounds:
        if not b.selected:
            continue
        c = checks[b.check_id]
        good, bad = [], []
        for m, run in zip(material, runs):
            if not m.frames:
                continue
            v = b.direction * run.angles[c.measure][run.in_range & run.in_position]
            if m.good:
                good.append(v)
            elif m.fault in (None, c.id):
                bad.append(v)
        if not good:
            continue
        good_v, bad_v = np.concatenate(good), np.concatenate(bad) if bad else np.array([])
        good_v = good_v[np.isfinite(good_v)]
        if not good_v.size:
            continue
        g995 = float(np.percentile(good_v, 99.5))
        b.good = g995
        cur = b.direction * b.current
        if not bad_v[np.isfinite(bad_v)].size:
            if cur >= g995 + margin:
                b.proposed, b.reason = cur, "kept: 99.5% of the good frames stay inside it with the margin"
            else:
                b.proposed = _round_half(g995 + margin + 0.25)
                b.reason = f"widened: 99.5% of the good frames reach {b.direction * g995:.1f}"
            continue
        th, errors = frame_threshold(good_v, bad_v)
        b.proposed = _round_half(th)
        b.nearest_bad = float(np.percentile(bad_v[np.isfinite(bad_v)], 50))
        n = good_v.size + bad_v[np.isfinite(bad_v)].size
        b.reason = (f"set where it misjudges the fewest labelled frames ({errors} of {n}: good beyond it, "
                    f"bad inside it)")


def apply_bounds(spec: Spec, changes: list[BoundChange]) -> Spec:
    """A copy of `spec` with the bounds moved (validated again, so a bad combination is caught here)."""
    checks = []
    for c in spec.checks:
        upd = {b.bound: b.proposed for b in changes if b.where == "checks" and b.key == c.id}
        checks.append(c.model_copy(update=upd) if upd else c)
    req = []
    for i, r in enumerate(spec.position.require):
        upd = {b.bound: b.proposed for b in changes if b.where == "position" and b.key == str(i)}
        req.append(r.model_copy(update=upd) if upd else r)
    data = spec.model_dump(exclude={"source_file"})
    data["checks"] = [c.model_dump() for c in checks]
    data["position"]["require"] = [r.model_dump() for r in req]
    for section in ("reps", "tempo"):  # single tables: the field name is the bound
        for b in changes:
            if b.where == section and data.get(section) is not None:
                data[section][b.bound] = b.proposed
    return parse_spec(data, spec.source_file or spec.name)


def _applies(r, run: Run, sel: np.ndarray) -> np.ndarray:
    """`sel` narrowed to the frames where requirement `r` applies (its only_if range holds or is unknown)."""
    if r.only_if is None:
        return sel
    cond = np.array([r.only_if.contains(x) is not False for x in run.angles[r.only_if.measure]], dtype=bool)
    return sel & cond


def _position_diagnosis(m: Material, run: Run, spec: Spec) -> str:
    """Which position requirement keeps a clip out of position, and what the clip reads instead."""
    sel = run.in_range & run.detected
    if not sel.any():
        return f"{m.label}: no person detected in the range"
    worst, worst_frac = None, 0.0
    for i, r in enumerate(spec.position.require):
        v = run.angles[r.measure][_applies(r, run, sel)]
        fails = np.array([r.contains(x) is False for x in v])
        if not fails.size:
            continue
        if fails.mean() > worst_frac:
            worst, worst_frac = (i, r, v), float(fails.mean())
    if worst is None:
        return f"{m.label}: in position only {100 * (run.in_range & run.in_position).sum() / sel.sum():.0f}% " \
               "of the time (the position is lost and found again)"
    i, r, v = worst
    fin = v[np.isfinite(v)]
    read = f"reads {np.percentile(fin, 5):.0f}..{np.percentile(fin, 95):.0f}" if fin.size else "is unknown"
    return (f"{m.label}: mostly not in position: position.require[{i}] ({r.measure} {_range_text(r.min_deg, r.max_deg)}) "
            f"fails in {100 * worst_frac:.0f}% of the frames; the clip {read} "
            "(check the clip and range with `posecheck angles`, or use --widen-position)")


def tune(material: list[Material], spec: Spec, *, margin_deg: float = 2.0, min_gap_deg: float | None = None,
         only: list[str] | None = None, widen_position: bool | None = None) -> TuneResult:
    """Propose every check's bounds from the material (see the module docstring); judge before and after.

    `widen_position`: True widens the position ranges to take in all the material; None (the default) widens
    them only when material falls out of position (a good clip mostly, a bad clip entirely, more than 1% of a
    set of labelled frames) and says so in the warnings: the user says the material shows the exercise, and
    a fault is for the checks to judge, not a reason to stop judging; False never widens them."""
    if not any(m.good for m in material):
        raise PosecheckError("give at least one clip of good form (--good)")
    if margin_deg < 0:
        raise PosecheckError("--margin must be >= 0 degrees")
    min_gap = 2.0 * margin_deg if min_gap_deg is None else min_gap_deg
    ids = [c.id for c in spec.checks]
    for o in only or []:
        if o not in ids:
            raise PosecheckError(f"--check {o}: {spec.name} has no such check; its checks: {', '.join(ids)}")
    warnings: list[str] = []
    position_warned = False
    if spec.reps is not None or spec.tempo is not None:
        what = "has no checks; its" if not spec.checks else "also has"
        warnings.append(f"{spec.name} {what} rep and tempo thresholds ([reps] start_deg/peak_deg, [tempo]), which "
                        "tune does not propose: set them with `posecheck tune --interactive CLIP`")

    position_changes: list[BoundChange] = []
    work_spec = spec
    runs = [evaluate(m.clip, work_spec) for m in material]
    if widen_position:
        position_changes = _widen_position(material, runs, spec, margin_deg)
        work_spec = apply_bounds(spec, position_changes)
        runs = [evaluate(m.clip, work_spec) for m in material]
    elif widen_position is None:
        out = [(m, share) for m, run in zip(material, runs) if _out_of_position(m, share := _position_share(run))]
        if out:
            # Every bound some material crosses, moved or kept, each with its reason.
            position_changes = _widen_position(material, runs, spec, margin_deg)
            moved = [b for b in position_changes if b.changed]
            who = ", ".join(f"{m.label} ({100 * (1 - sh):.0f}% of its frames)" for m, sh in out)
            if moved:
                work_spec = apply_bounds(spec, moved)
                runs = [evaluate(m.clip, work_spec) for m in material]
                warnings.append(f"position widened to take in the material, which fell out of position: {who}; "
                                + "; ".join(_position_text(b) for b in moved)
                                + " (--keep-position keeps the position as it is)")
            kept = [b for b in position_changes if not b.changed]
            if kept:
                warnings.append(f"position kept where only a few frames fall out of it (a set of labelled frames "
                                f"moves a bound with at least {FRAMES_MIN_BEYOND} and over {100 * FRAMES_TAIL:g}% of "
                                f"its frames beyond it, a clip with over {100 * CLIP_TAIL:g}%; fewer are taken for "
                                "misdetections): " + "; ".join(_position_text(b) for b in kept))
    for m, run in zip(material, runs):
        sel = run.in_range & run.detected
        share = (run.in_range & run.in_position).sum() / max(sel.sum(), 1)
        if m.good and share < 0.5:
            warnings.append(_position_diagnosis(m, run, work_spec))
            position_warned = True
        elif not m.good and share == 0:
            warnings.append(_position_diagnosis(m, run, work_spec) + " (a bad clip out of position teaches "
                                                                        "nothing about the checks)")

    tunings: list[CheckTuning] = []
    work: list[_Bound] = []
    for c in spec.checks:
        masks = []
        for m, run in zip(material, runs):
            mask = run.in_range & run.in_position
            if c.when == "top" and spec.reps is not None:
                # At the top of a rep: the rep measure is beyond its peak (what the evaluator's counter calls top).
                r = spec.reps
                d = r.direction
                with np.errstate(invalid="ignore"):
                    mask = mask & (d * run.angles[r.measure] >= d * r.peak_deg)
            masks.append(mask)
        reach = []
        for m, run, mask in zip(material, runs, masks):
            deb = 0.0 if m.clip.still else c.debounce_s
            v = run.angles[c.measure]
            reach.append((m.label, m.good, sustained_reach(run.t_s, v, mask, deb, -1),
                          sustained_reach(run.t_s, v, mask, deb, +1)))
        vals = {True: [], False: []}
        for m, run, mask in zip(material, runs, masks):
            vals[m.good].append(run.angles[c.measure][mask])
        good_vals, bad_vals = (np.concatenate(vals[k] or [np.array([])]) for k in (True, False))
        t = CheckTuning(c.id, c.measure, (c.min_deg, c.max_deg), (c.min_deg, c.max_deg),
                        good_vals[np.isfinite(good_vals)], bad_vals[np.isfinite(bad_vals)], reach)
        if t.good_values.size == 0 and not position_warned:
            warnings.append(f"{c.id}: no good frame in position to learn from; kept")
        for bound, direction, col in (("min_deg", -1, 2), ("max_deg", +1, 3)):
            cur = getattr(c, bound)
            if cur is None:
                continue
            goods = [direction * r[col] for r in reach if r[1] and r[col] == r[col]]
            bads = {i: direction * r[col] for i, r in enumerate(reach) if not r[1]}
            work.append(_Bound(c.id, c.measure, bound, direction, cur, max(goods) if goods else math.nan, bads,
                               not only or c.id in only))
        tunings.append(t)
    _propose_bounds(work, margin_deg, min_gap, [m.label for m in material])
    if any(m.frames for m in material):
        _propose_frame_bounds(work, spec, material, runs, margin_deg)

    changes: list[BoundChange] = list(position_changes)
    for t in tunings:
        mine = [b for b in work if b.check_id == t.check_id]
        prop = {"min_deg": t.current[0], "max_deg": t.current[1]}
        for b in mine:
            prop[b.bound] = b.direction * b.proposed
        if prop["min_deg"] is not None and prop["max_deg"] is not None and prop["min_deg"] > prop["max_deg"]:
            warnings.append(f"{t.check_id}: the proposed bounds cross ({prop['min_deg']:g} > {prop['max_deg']:g}); "
                            "kept the current ones: good and bad material overlap on this measure")
            for b in mine:
                b.proposed, b.reason = b.direction * b.current, "kept: the bounds would cross"
            prop = {"min_deg": t.current[0], "max_deg": t.current[1]}
        t.proposed = (prop["min_deg"], prop["max_deg"])
        t.bounds = [BoundChange("checks", b.check_id, b.measure, b.bound, b.current, b.direction * b.proposed,
                                b.direction * b.good, b.direction * b.nearest_bad, b.reason) for b in mine]
        changes.extend(b for b in t.bounds if b.changed)

    tuned = apply_bounds(spec, changes)
    before = [judge(m.clip, spec, None, m.good, m.fault) for m in material]
    after = [judge(m.clip, tuned, None, m.good, m.fault) for m in material]
    for m, v in zip(material, after):
        if not v.right and not m.good:
            warnings.append(f"{m.label}: still judged good: it shows no fault that separates it from the good "
                            "material on any check's measure (see the distributions; a new check may be needed)")
        elif not v.right and v.recognised:
            warnings.append(f"{m.label}: a good clip still gets {v.text()}")
    return TuneResult(spec, tuned, tunings, position_changes, before, after, warnings, margin_deg)


def _position_text(b: BoundChange) -> str:
    moved = f"{b.current:g} -> {b.proposed:g}" if b.changed else f"{b.current:g}"
    return f"position.require[{b.key}] {b.measure} {b.bound} {moved} ({b.reason})"


def _position_share(run: Run) -> float:
    sel = run.in_range & run.detected
    return float((run.in_range & run.in_position).sum() / max(sel.sum(), 1))


def _out_of_position(m: Material, share: float) -> bool:
    if m.frames:
        return share < 0.99
    return share < 0.5 if m.good else share == 0


# What may stay beyond a position bound without moving it: MediaPipe misplaces a joint on single frames (the Ngo
# labelled frames: runs of at most 3 rows, at most 4 frames of a class beyond any bound of the forearm plank at
# 16:9, e.g. 3 sagging frames read foot_incline -23..-39 with legs_incline -58..-65, a leg drawn upward), while a
# trainer's material that really sits elsewhere puts tens of frames there (19 of 786 correct frames read
# forearm_incline 56-82: straight arms; 19 of 1,278 "hips too high" frames body_sag -76.1..-77.2 at 4:3).
# A set of labelled frames moves a bound only when more than 0.5% of its frames and at least 10 lie beyond it;
# a clip (or photo) when more than 2% of its frames do. What stays out is that share of each material's frames.
FRAMES_TAIL = 0.005
FRAMES_MIN_BEYOND = 10
CLIP_TAIL = 0.02


@dataclass(frozen=True)
class _Beyond:
    """The frames of one material beyond one position bound (values sorted outward-last: nearest first)."""

    label: str
    n_frames: int
    values: np.ndarray

    def enough(self, frames: bool) -> bool:
        tail = FRAMES_TAIL if frames else CLIP_TAIL
        least = FRAMES_MIN_BEYOND if frames else 1
        return self.values.size >= least and self.values.size > tail * self.n_frames

    def reach(self, frames: bool) -> float:
        """The outermost value once the material's tail (its outermost share of frames) is left out."""
        keep_out = int((FRAMES_TAIL if frames else CLIP_TAIL) * self.n_frames)
        return float(self.values[self.values.size - 1 - keep_out])

    def text(self) -> str:
        n = self.values.size
        return f"{self.label}: {n} frame{'s' * (n != 1)} ({100 * n / max(self.n_frames, 1):.1f}%)"


def _beyond(m: Material, run: Run, r, bound: float, direction: int) -> _Beyond:
    sel = run.in_range & run.detected
    v = run.angles[r.measure][_applies(r, run, sel)]
    v = v[np.isfinite(v)]
    out = np.sort(direction * v[direction * v > direction * bound]) * direction
    return _Beyond(m.label, int(sel.sum()), out)


def _widen_position(material: list[Material], runs: list[Run], spec: Spec, margin: float) -> list[BoundChange]:
    """Move position bounds out (never in) to take in the material that lies beyond them: the user says each
    clip or set of labelled frames shows the exercise, well or badly done. A bound moves only for a material
    with enough frames beyond it (FRAMES_TAIL, FRAMES_MIN_BEYOND, CLIP_TAIL: a few misdetected frames do not
    move it), and then far enough (plus the margin) to take in all of that material's frames but its outermost
    share. Every bound some material crosses says why it moved or was kept. The measures are the runs' (the
    evaluator's own)."""
    out = []
    for i, r in enumerate(spec.position.require):
        for bound, direction in (("min_deg", -1), ("max_deg", +1)):
            cur = getattr(r, bound)
            if cur is None:
                continue
            beyond = [(b, m.frames) for m, run in zip(material, runs)
                      if (b := _beyond(m, run, r, cur, direction)).values.size]
            if not beyond:
                continue
            side = "below" if direction < 0 else "above"
            movers = [(b, fr) for b, fr in beyond if b.enough(fr)]
            if movers:
                reach = max(direction * b.reach(fr) for b, fr in movers) * direction
                p = direction * math.ceil((direction * reach + margin) * 2) / 2
                p = min(cur, p) if direction < 0 else max(cur, p)
                reason = "widened: " + "; ".join(f"{b.text()} read {side} {cur:g}, to {b.values[-1]:.1f}"
                                                 for b, _ in movers)
            else:
                p = cur
                reason = "kept: " + "; ".join(f"{b.text()} read {side} it" for b, _ in beyond)
            out.append(BoundChange("position", str(i), r.measure, bound, cur, p,
                                   max((direction * b.values[-1] for b, _ in beyond)) * direction, math.nan, reason))
    return out


# --- writing the tuned spec ---------------------------------------------------------------------------------

def rewrite_spec_text(spec: Spec, changes: list[BoundChange], name: str | None = None,
                      note: str = "posecheck tune") -> str:
    """`spec`'s own file with the bounds moved, every comment and the layout kept; each changed line gets a
    comment above it saying what it was and why it moved. The text is validated before it is returned."""
    src = spec.source_file
    if not src or not Path(src).is_file():
        raise SpecInvalid(f"the spec {spec.name!r} has no file to start from")
    doc = tomlkit.parse(Path(src).read_text(encoding="utf-8"))
    if name is not None and name != spec.name:
        doc["name"] = name
    for b in changes:
        if not b.changed:
            continue
        if b.where == "checks":
            table = next(t for t in doc["checks"] if t.get("id") == b.key)
        elif b.where == "position":
            table = doc["position"]["require"][int(b.key)]
        else:
            table = doc[b.where]
        old = table.item(b.bound)
        old_len = len(old.as_string())
        table[b.bound] = float(b.proposed)
        new = table.item(b.bound)
        # Keep the comment where it was: continuation comment lines below are aligned to it.
        new.trivia.comment_ws = " " * max(1, len(old.trivia.comment_ws) - (len(new.as_string()) - old_len))
        why = f"{note}: was {b.current:g}" + (f"; {b.reason}" if b.reason else "")
        new.trivia.indent = old.trivia.indent + f"# {why}\n" + old.trivia.indent
    text = tomlkit.dumps(doc)
    # What is written must load: validate the text itself, not the object it came from.
    parse_spec(tomllib.loads(text), "the tuned spec")
    return text


def tuned_toml(result: TuneResult, name: str | None = None, sources: str = "") -> str:
    """The tuned spec file: the original with the proposed bounds (see `rewrite_spec_text`)."""
    note = "posecheck tune" + (f" on {sources}" if sources else "")
    return rewrite_spec_text(result.spec, result.changes, name, note)


def write_tuned_spec(result: TuneResult, out: str | os.PathLike, name: str | None = None, sources: str = "") -> Path:
    text = tuned_toml(result, name, sources)
    with atomic_write(out) as f:
        f.write(text)
    return Path(out)


# --- the HTML report ----------------------------------------------------------------------------------------

_COLOURS = {"good": "#2e8b57", "bad": "#c0392b", "current": "#7f8c8d", "proposed": "#1f5fa8"}


def _distribution(t: CheckTuning) -> Markup:
    """The good and bad frames' values of one check's measure, the bounds, and each clip's sustained reach."""
    lines = []
    for k in range(2):
        cur, new = t.current[k], t.proposed[k]
        if cur is None:
            continue
        if new is not None and abs(new - cur) > 1e-9:
            lines += [(cur, _COLOURS["current"], "5,4", f"current {cur:g}", 0),
                      (new, _COLOURS["proposed"], "", f"proposed {new:g}", 1)]
        else:
            lines.append((cur, _COLOURS["proposed"], "", f"kept {cur:g}", 0))
    # Each clip's sustained reach, as a tick under the axis: the highest for a max bound, the lowest for a min.
    cols = [k for k, b in ((2, t.current[0]), (3, t.current[1])) if b is not None]
    marks = [(r[k], _COLOURS["good" if r[1] else "bad"], f"{r[0]}: sustained reach {r[k]:.1f}")
             for r in t.reach for k in cols]
    bounds = [b for b in (*t.current, *t.proposed) if b is not None]
    reaches = [x for r in t.reach for x in r[2:4]]
    return distribution_svg([(t.good_values, _COLOURS["good"]), (t.bad_values, _COLOURS["bad"])], lines=lines,
                            marks=marks, extra=bounds + reaches, aria_label=f"{t.check_id} distributions",
                            x_label=f"{t.measure} (degrees); triangles: each clip's sustained reach")


def render_html(result: TuneResult, title: str | None = None) -> str:
    """A self-contained page (`templates/tune.html.j2`: inline CSS and SVG, no scripts, no external assets):
    per check the angle distributions of good and bad material, the current and proposed bounds; per clip
    both verdicts."""
    checks = [{"t": t, "svg": _distribution(t), "changed": t.current != t.proposed,
               "current": _range_text(*t.current), "proposed": _range_text(*t.proposed)} for t in result.checks]
    return render("tune.html.j2", title=title or f"posecheck tune: {result.spec.title}", result=result,
                  spec=result.spec, clips=list(zip(result.before, result.after)), checks=checks, colours=_COLOURS)
